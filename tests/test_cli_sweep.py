"""The CLI never prints a traceback: every sub-command, given bad arguments and a bad environment
(a corrupt store, a data dir that is a file, a centre database that is not one, an unreachable
centre, arguments that are not UTF-8), exits non-zero with one line on stderr."""

from __future__ import annotations

import argparse
import io
import sys

import pytest

from console.cli import build_parser, main

JUNKS = {"not-utf8": "x\udcff",  # what a shell passes for bytes that are not UTF-8
         "text": "无此-x"}  # plain text where a date, number, file, URL or code is expected
SKIP = {(), ("demo",)}  # the console itself; the demo rebuilds a store (its errors: test_cli_core)


def leaf_commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    out = []

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not any(a.required for a in subs):
            out.append((path, parser))
        for action in subs:
            for name, child in action.choices.items():
                walk(child, (*path, name))

    walk(build_parser(), ())
    return [(path, p) for path, p in out if path not in SKIP]


def bad_argv(path: tuple[str, ...], parser: argparse.ArgumentParser, env: dict[str, str], junk: str) -> list[str]:
    """The command with every required argument given a junk value, pointed at a bad environment."""
    argv = ["--data-dir", env["data_dir"], *path]
    options = {o for a in parser._actions for o in a.option_strings}
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        if not action.option_strings and action.nargs != "?":
            argv.append(junk)
        elif action.required:
            argv += [action.option_strings[0], junk]
    if "--db" in options:
        argv += ["--db", env["db"]]
    if "--centre" in options:
        argv += ["--centre", "http://127.0.0.1:9"] + (["--token", junk] if "--token" in options else [])
    if path == ("sync",):
        argv.append("--once")
    return argv


@pytest.fixture
def bad_env(tmp_path):
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "seat.db").write_bytes(b"not a database " * 100)
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    bad_db = tmp_path / "centre.db"
    bad_db.write_bytes(b"not a database " * 100)
    return {"corrupt": {"data_dir": str(corrupt), "db": str(bad_db)},
            "file": {"data_dir": str(not_a_dir), "db": str(not_a_dir / "centre.db")}}


COMMANDS = leaf_commands()


@pytest.mark.parametrize("junk", JUNKS.values(), ids=JUNKS.keys())
@pytest.mark.parametrize("where", ["corrupt", "file"])
@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_sub_command_fails_in_one_line(path, parser, where, junk, bad_env, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # `events apply -` and friends read nothing
    argv = bad_argv(path, parser, bad_env[where], junk)
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusal
        code = exc.code
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    if code in (0, None):  # nothing it needs was bad (`calendar status` reads no store)
        assert err == "" and not any(a.required or not a.option_strings for a in parser._actions
                                     if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))
                                     and a.nargs != "?"), f"{argv} exited 0: {err}"
        return
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith(("usage:", " "))]
    assert len(lines) == 1, err


# -- the cases found by hand, each with what the user sees -----------------------------------------------


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return int(code or 0), out.out, out.err


@pytest.mark.parametrize("argv", [
    ["centre", "serve", "--port", "99999"],
    ["sync", "--interval", "0"],
    ["sync", "--interval", "-1"],
    ["calendar", "cutoff", "9999-12-31 23:00"],
    ["seat", "connect", "http://[::1", "--token", "t"],
])
def test_bad_values_are_refused_in_one_line(argv, tmp_path, capsys):
    code, _, err = _run(["--data-dir", str(tmp_path), *argv], capsys)
    assert code != 0
    assert len([line for line in err.splitlines() if not line.startswith(("usage:", " "))]) == 1, err


def test_init_when_the_data_dir_is_a_file(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    code, _, err = _run(["--data-dir", str(tmp_path / "f"), "init", "--seat", "S01"], capsys)
    assert code == 1 and err.strip() == f"hotline: cannot create the data dir {tmp_path / 'f'}: File exists"


def test_enrolling_a_unit_needs_its_code(tmp_path, capsys):
    db = str(tmp_path / "centre.db")
    assert _run(["centre", "init", "--db", db], capsys)[0] == 0
    code, _, err = _run(["centre", "enroll", "UNIT-X", "--role", "unit", "--db", db], capsys)
    assert code != 0 and "--unit" in err and len(err.splitlines()) == 1
    code, _, err = _run(["centre", "enroll", "S" * 40, "--role", "all", "--db", db], capsys)
    assert code != 0 and "1 to 32 characters" in err


def test_kb_import_reports_a_bad_row_by_line_and_imports_the_rest(tmp_path, capsys):
    data = tmp_path / "d"
    assert _run(["--data-dir", str(data), "init", "--seat", "S01"], capsys)[0] == 0
    rows = tmp_path / "kb.jsonl"
    rows.write_text('{"id": "t-1", "title": "停水通知查询", "body": "可拨打供水热线查询停水通知。"}\n[]\n'
                    '{"id": "t-2", "title": "停电通知查询", "body": "可拨打供电热线查询停电通知。"}\n', encoding="utf-8")
    code, out, err = _run(["--data-dir", str(data), "kb", "import", str(rows)], capsys)
    assert code != 0 and "imported 2 articles" in out and "line 2: each line must be a JSON object" in err


def test_events_apply_goes_on_after_a_lone_surrogate_and_deep_nesting(tmp_path, capsys, monkeypatch):
    import json

    data = tmp_path / "d"
    assert _run(["--data-dir", str(data), "init", "--seat", "S01"], capsys)[0] == 0
    good = {"kind": "created", "actor": {"operator": "A101", "role": "agent"}, "payload": {
        "caller_name": "张明", "caller_title": "先生", "phone": "13812345678", "address": "幸福路88号",
        "description": "小区停水三天了，没有任何通知", "nature": "求助", "content_path": ["城建环保", "供水"],
        "disposition": "transfer"}}
    lines = [json.dumps(dict(good, payload=dict(good["payload"], description="停水\ud800"))),
             json.dumps({"kind": "note", "order": "\ud800", "actor": good["actor"], "payload": {"text": "x"}}),
             "[" * 100_000 + "]" * 100_000, json.dumps(good)]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = _run(["--data-dir", str(data), "events", "apply", "-"], capsys)
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and [r["status"] for r in results] == ["rejected"] * 3 + ["accepted"]
    assert [r["code"] for r in results[:3]] == ["bad_char", "bad_char", "bad_json"]
