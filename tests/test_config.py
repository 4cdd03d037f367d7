"""config.toml is checked when it is read: a wrong type, a value out of range or a misspelt key is
a one-line error naming the key and its line (CLI), and the seat runs on the defaults (store)."""

from __future__ import annotations

import pytest

from console.cli import main
from console.config import ConfigError, read_config
from console.store import Store


@pytest.fixture
def seat(tmp_path):
    Store.init(tmp_path, "S07").close()
    return tmp_path


@pytest.mark.parametrize(("body", "expected"), [
    ('hotline_name = "市长热线"\nmax_extension_days = "ten"\n', "line 2: max_extension_days: Expected `int`, got `str`"),
    ('cutoff_mod = "12h"\n', "line 1: cutoff_mod: Object contains unknown field `cutoff_mod`"),
    ('cutoff_mode = "weekly"\n', "line 1: cutoff_mode: Invalid enum value 'weekly'"),
    ('[limits."投诉"]\ngeneral = 3\ncomplx = 4\n', "line 3: limits.投诉.complx: Object contains unknown field `complx`"),
    ('hotline_name = "x"\n\n[limits."投诉"]\ngeneral = 0\n', "line 4: limits.投诉.general: Expected `int` >= 1"),
    ('max_extension_days = 7\n[keys]\nsave_order = ""\n', "line 3: keys.save_order: Expected `str` of length >= 1"),
])
def test_bad_settings_name_the_key_and_the_line(seat, body, expected):
    (seat / "config.toml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_config(seat)
    assert str(err.value).endswith(expected)


def test_good_settings_are_read_as_written(seat):
    (seat / "config.toml").write_text('cutoff_mode = "12h"\n[limits."投诉"]\ngeneral = 3\n', encoding="utf-8")
    assert read_config(seat) == {"cutoff_mode": "12h", "limits": {"投诉": {"general": 3}}}
    store = Store.open(seat)
    assert store.rules.cutoff_mode == "12h" and store.rules.limit_days("投诉", "general") == 3
    store.close()


def test_the_cli_refuses_a_broken_file_in_one_line_and_the_store_keeps_the_defaults(seat, capsys):
    (seat / "config.toml").write_text('max_extension_days = "ten"\n', encoding="utf-8")
    assert main(["--data-dir", str(seat), "orders", "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 1: max_extension_days" in err and "Traceback" not in err
    store = Store.open(seat)
    assert store.rules.max_extension_days == 7  # R-25's default, not a crash in decide() later
    store.close()
    assert "settings not applied" in (seat / "seat.log").read_text(encoding="utf-8")
