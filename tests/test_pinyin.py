"""Pinyin initials and full pinyin: pickers for units, categories and articles are typeable
without an input method (DESIGN: knowledge base); polyphones in names come from an override table."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from console import pinyin
from console.pinyin import OVERRIDES_FILE, full_pinyin, initials, parse_overrides, set_overrides

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("单县", "sx"),
        ("重庆", "cq"),
        ("长安", "ca"),
        ("银行", "yh"),
        ("厦门", "xm"),
        ("蚌埠", "bb"),
        ("六安", "la"),
        ("乐清", "yq"),
        ("中国银行单县支行", "zgyhsxzh"),
        ("城西区重庆路街道办事处", "cxqcqljdbsc"),
    ],
)
def test_R04_polyphone_overrides_in_place_and_unit_names(text, expected):
    assert initials(text) == expected


def test_R04_initials_of_content_class():
    assert initials("城建环保") == "cjhb"
    assert initials("劳动人事") == "ldrs"


def test_R04_non_chinese_characters():
    assert initials("A3区") == "a3q"
    assert initials("Ｋ３路，公交！") == "k3lgj"  # full-width folded, punctuation dropped
    assert initials("5G基站") == "5gjz"
    assert initials("（行风建设）") == "xfjs"
    assert initials("") == "" and initials("，。！") == ""


def test_R04_full_pinyin():
    assert full_pinyin("城建环保") == "chengjianhuanbao"
    assert full_pinyin("城建环保", sep=" ") == "cheng jian huan bao"
    assert full_pinyin("单县供电所") == "shanxiangongdiansuo"
    assert full_pinyin("绿化") == "lvhua"  # ü typed as v
    assert full_pinyin("K3路", sep=" ") == "k3 lu"


def test_R04_shipped_overrides_parse():
    with open(OVERRIDES_FILE, "rb") as fh:
        table = parse_overrides(tomllib.load(fh))
    assert table["单县"] == ("shan", "xian")
    assert len(table) >= 8


def test_R04_override_syllable_count_checked():
    with pytest.raises(ValueError, match="syllables"):
        parse_overrides({"words": {"单县": "shan"}})


def test_R04_override_table_replaceable():
    try:
        set_overrides({"单县": ("dan", "xian")})
        assert initials("单县") == "dx"
    finally:
        set_overrides(None, path=OVERRIDES_FILE)
    assert initials("单县") == "sx"


def test_R04_missing_override_file_falls_back_to_pypinyin(tmp_path):
    try:
        set_overrides(None, path=tmp_path / "none.toml")
        assert initials("城建环保") == "cjhb"
    finally:
        set_overrides(None, path=OVERRIDES_FILE)


def test_R04_pypinyin_imported_lazily():
    code = "import sys, console.pinyin; print('pypinyin' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert pinyin.initials("供水") == "gs"
