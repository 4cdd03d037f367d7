"""Undertaking units (承办单位): the shipped directory, suggestions from the description (R-12,
R-14: the unit whose remit covers the matter), and type-ahead pickers."""

from __future__ import annotations

import re

import pytest

from console.domain.units import KINDS, Unit, match_units, suggest_units, units_from_dicts
from console.pinyin import initials
from console.units_source import load_units


@pytest.fixture(scope="module")
def units() -> list[Unit]:
    return load_units()


def by_short(units, short):
    return next(u for u in units if u.short == short)


def test_R12_directory_has_units_of_every_kind(units):
    assert len(units) >= 36
    kinds = {u.kind for u in units}
    assert kinds == set(KINDS)
    assert len({u.code for u in units}) == len(units)
    assert sum(u.kind == "street" for u in units) >= 3
    for short in ("住建局", "城管局", "人社局", "医保局", "信访局", "自来水公司", "供电公司", "燃气公司",
                  "热力公司", "公交集团", "地铁公司", "中国电信", "中国移动", "中国联通", "邮政公司"):
        by_short(units, short)


def test_R12_every_unit_has_keywords_phone_and_initials(units):
    for u in units:
        assert re.fullmatch(r"U\d{3}", u.code)
        assert re.fullmatch(r"0\d{2,3}-\d{7,8}", u.phone), u
        assert 5 <= len(u.keywords) <= 15, u.name
        assert len(set(u.keywords)) == len(u.keywords), u.name
        assert u.initials == initials(u.name), u.name
        assert u.short_initials == initials(u.short), u.short
        if u.kind == "street":
            assert u.area, u.name


def test_R14_suggest_water_company_for_outage(units):
    hits = suggest_units(units, "小区停水三天了")
    assert hits[0][0].short == "自来水公司"
    assert hits[0][1] > 0


@pytest.mark.parametrize(
    "text, short",
    [
        ("暖气漏水了，屋里很冷", "热力公司"),  # the specific 暖气漏水 beats the water company's 漏水
        ("楼下饭店油烟太大", "城管局"),
        ("闻到燃气泄漏的味道", "燃气公司"),
        ("小区物业不作为", "住建局"),
        ("公司拖欠工资半年", "人社局"),
        ("家里突然停电了", "供电公司"),
        ("地铁站闸机坏了", "地铁公司"),
    ],
)
def test_R14_suggest_unit_by_remit(units, text, short):
    assert suggest_units(units, text)[0][0].short == short


def test_R14_suggest_scores_and_limits():
    a = Unit("U1", "甲公司", "甲", "company", "0123-1", ("停水", "水压", "水质"), "jgs")
    b = Unit("U2", "乙局", "乙", "bureau", "0123-2", ("水质检测", "水质"), "yj")
    c = Unit("U3", "丙局", "丙", "bureau", "0123-3", ("噪声",), "bj")
    hits = suggest_units([a, b, c], "停水后水质差，要做水质检测")
    assert [(u.code, s) for u, s in hits] == [("U1", 4), ("U2", 4)]  # tie keeps directory order
    assert suggest_units([a, b, c], "停水", limit=0) == []
    assert suggest_units([a, b, c], "   ") == []
    assert suggest_units([a, b, c], "天气很好") == []


def test_R12_match_units_type_ahead(units):
    assert match_units(units, "zls")[0].short == "自来水公司"  # short-name initials
    assert match_units(units, "gdgs")[0].short == "供电公司"
    assert match_units(units, "cq")[0].short == "重庆路街道"  # 重 read chong in 重庆
    assert match_units(units, "ca")[0].short == "长安街道"
    assert match_units(units, "U044")[0].code == "U044"
    assert match_units(units, "u044")[0].code == "U044"
    assert match_units(units, "自来水")[0].short == "自来水公司"
    assert match_units(units, "人民银行")[0].initials == "zgrmyhszxzh"
    assert len(match_units(units, "局", limit=3)) == 3
    assert match_units(units, "") == []


def test_R12_match_ranking_code_initials_then_names():
    units = [
        Unit("U2", "住建局", "住建局", "bureau", "", ("a",) * 1, "zjj"),
        Unit("U1", "市住建中心", "住建中心", "bureau", "", ("a",), "szjzx", short_initials="zjzx"),
        Unit("U3", "供水住建办", "住建办", "bureau", "", ("a",), "gszjb", short_initials="zjb"),
    ]
    assert [u.code for u in match_units(units, "zj")] == ["U2", "U1", "U3"]
    assert [u.code for u in match_units(units, "住建")] == ["U2", "U1", "U3"]
    assert [u.code for u in match_units(units, "住建中")] == ["U1"]


def test_R12_bad_unit_entries_rejected():
    with pytest.raises(ValueError, match="kind"):
        units_from_dicts([{"code": "U1", "name": "甲", "kind": "shop"}])
    with pytest.raises(ValueError, match="duplicate"):
        units_from_dicts([{"code": "U1", "name": "甲"}, {"code": "U1", "name": "乙"}])
    with pytest.raises(ValueError, match="without code or name"):
        units_from_dicts([{"name": "甲"}])


def test_R12_loader_fills_missing_initials(tmp_path):
    f = tmp_path / "units.toml"
    f.write_text('[[units]]\ncode = "U9"\nname = "单县供电所"\nkind = "company"\nkeywords = ["停电"]\n', encoding="utf-8")
    [u] = load_units(f)
    assert (u.initials, u.short, u.short_initials, u.area) == ("sxgds", "单县供电所", "sxgds", None)
