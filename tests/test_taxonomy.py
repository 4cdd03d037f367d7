"""Taxonomy (R-03 natures, R-04 content classes): shipped data, queries, CSV conversion, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from console.cli import main
from console.domain.taxonomy import DEFAULT_NATURES, Taxonomy
from console.taxonomy_source import (
    csv_to_taxonomy_dict,
    dumps_taxonomy_toml,
    load_taxonomy,
    write_taxonomy_toml,
)

REPO = Path(__file__).resolve().parents[1]
NINE = ("城建环保", "农业经济", "司法民政", "工业交通", "劳动人事", "科教文卫", "财税金融", "服务业", "其他")


def shared_data() -> Path | None:
    """../shared/data beside the repo, or $HOTLINE_SHARED_DATA; None in a fresh clone."""
    env = os.environ.get("HOTLINE_SHARED_DATA")
    for candidate in ([Path(env)] if env else []) + [Path(__file__).resolve().parents[2] / "shared" / "data"]:
        if candidate.is_dir():
            return candidate
    return None


def tipdm_csv() -> Path:
    base = shared_data()
    if base is None or not (base / "tipdm-taxonomy.csv").is_file():
        pytest.skip("tipdm-taxonomy.csv not found: needs ../shared/data or $HOTLINE_SHARED_DATA")
    return base / "tipdm-taxonomy.csv"


@pytest.fixture(scope="module")
def shipped() -> Taxonomy:
    return load_taxonomy()


DEEP = {
    "natures": ["咨询", "投诉"],
    "content": [
        {
            "code": "A",
            "name": "城建",
            "initials": "cj",
            "children": [
                {
                    "code": "A.1",
                    "name": "供水",
                    "initials": "gs",
                    "children": [
                        {"code": "A.1.1", "name": "停水", "initials": "ts",
                         "children": [{"code": "A.1.1.1", "name": "计划停水", "initials": "jhts"}]},
                        {"code": "A.1.2", "name": "水质", "initials": "sz"},
                    ],
                },
                {"code": "A.2", "name": "供热", "initials": "gr"},
            ],
        },
        {"code": "B", "name": "供水设施", "initials": "gsss"},
    ],
}


# -- shipped taxonomy ---------------------------------------------------------------------


def test_R04_content_classes_are_data(shipped):
    assert tuple(r.name for r in shipped.roots) == NINE
    sizes = {r.name: len(r.children) for r in shipped.roots}
    # every sub-topic the work standard lists (seed text, 内容分类)
    assert sizes == {"城建环保": 35, "农业经济": 19, "司法民政": 18, "工业交通": 19, "劳动人事": 10,
                     "科教文卫": 18, "财税金融": 14, "服务业": 14, "其他": 12}
    for name in ("违章建筑", "卫生医疗", "粮食收购（经营、管理）", "机关效能（行风建设）", "漳卫南运河管理"):
        assert shipped.find(name) is not None, name


def test_R04_every_entry_has_code_and_initials(shipped):
    from console.pinyin import initials

    codes = set()
    for node in shipped.walk():
        assert node.code and node.initials, node
        assert node.initials == node.initials.lower() and node.initials.isalnum()
        assert node.initials == initials(node.name), node.name
        assert node.code not in codes
        codes.add(node.code)
        for child in node.children:
            assert child.code.startswith(node.code + ".")
            assert child.path == node.path + (child.name,)
    assert shipped.find("城建环保").initials == "cjhb"
    assert shipped.find("C01").name == "城建环保"


def test_R04_shipped_taxonomy_goes_deeper_than_two_levels(shipped):
    carriers = shipped.find(["工业交通", "通信产业"])
    assert [c.name for c in carriers.children] == ["联通", "移动", "电信"]
    assert shipped.is_valid_path(["工业交通", "通信产业", "联通"])


def test_R03_nature_classes_configurable_list(shipped):
    assert shipped.nature_names() == DEFAULT_NATURES
    assert shipped.nature("投诉").code == "N04"
    four = Taxonomy.from_dict({"natures": ["咨询", "求助", "建议", "投诉"], "content": []})
    assert four.nature_names() == ("咨询", "求助", "建议", "投诉")
    assert [n.code for n in four.natures] == ["N01", "N02", "N03", "N04"]


def test_R04_loading_shipped_file_does_not_import_pypinyin():
    # the file carries initials, so start-up never pays pypinyin's import time
    code = "import sys; from console.taxonomy_source import load_taxonomy; load_taxonomy(); print('pypinyin' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_domain_modules_are_pure():
    code = (
        "import sys; import console.domain.taxonomy, console.domain.units, console.domain.phrasing; "
        "print(sorted(m for m in ('textual', 'sqlmodel', 'pypinyin', 'tomllib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- queries ------------------------------------------------------------------------------


def test_R04_any_depth_find_and_walk():
    t = Taxonomy.from_dict(DEEP)
    assert [n.code for n in t.walk()] == ["A", "A.1", "A.1.1", "A.1.1.1", "A.1.2", "A.2", "B"]
    leaf = t.find("a.1.1.1")  # codes are case-insensitive
    assert leaf.path == ("城建", "供水", "停水", "计划停水") and leaf.depth == 4 and leaf.is_leaf
    assert t.find(["城建", "供水", "停水"]).code == "A.1.1"
    assert t.find("城建/供水/水质").code == "A.1.2"
    assert t.find("城建 > 供水").code == "A.1"
    assert t.find("计划停水").code == "A.1.1.1"  # a name unique in the tree
    assert t.find("不存在") is None and t.find(["城建", "供电"]) is None


def test_R04_is_valid_path():
    t = Taxonomy.from_dict(DEEP)
    assert t.is_valid_path(["城建"])
    assert t.is_valid_path(["城建", "供水", "停水", "计划停水"])
    assert not t.is_valid_path(["供水"])  # not from the root
    assert not t.is_valid_path([])
    assert not t.is_valid_path(["城建", "供水", "停水"], leaf_only=True)
    assert t.is_valid_path(["城建", "供热"], leaf_only=True)


def test_R04_match_by_pinyin_initials(shipped):
    hits = shipped.match("cjhb")
    assert hits and hits[0].name == "城建环保"
    assert shipped.match("CJHB")[0].name == "城建环保"
    names = [n.name for n in shipped.match("gs", limit=50)]
    assert "供水" in names and "国税" in names


def test_R04_match_ranking():
    t = Taxonomy.from_dict(DEEP)
    # initials prefix first, shallower first: 供水设施 (gsss, depth 1) before 供水 (gs, depth 2)
    assert [n.name for n in t.match("gs")] == ["供水设施", "供水"]
    # name prefix before substring; substring "停水" also matches 计划停水
    assert [n.name for n in t.match("停水")] == ["停水", "计划停水"]
    assert [n.name for n in t.match("供")] == ["供水设施", "供水", "供热"]
    assert [n.name for n in t.match("ts")] == ["停水", "计划停水"]  # prefix, then substring of initials
    assert t.match("供", limit=1)[0].name == "供水设施"
    assert t.match("  ") == [] and t.match("zzz") == []


def test_R04_chinese_substring_match(shipped):
    names = [n.name for n in shipped.match("噪声")]
    assert {"夜间施工噪声", "社会生活噪声", "企业生产噪声", "娱乐噪声"} <= set(names)


def test_R04_bad_taxonomy_rejected():
    with pytest.raises(ValueError, match="duplicate taxonomy code"):
        Taxonomy.from_dict({"content": [{"code": "X", "name": "甲"}, {"code": "X", "name": "乙"}]})
    with pytest.raises(ValueError, match="duplicate taxonomy path"):
        Taxonomy.from_dict({"content": [{"code": "X", "name": "甲"}, {"code": "Y", "name": "甲"}]})
    with pytest.raises(ValueError, match="without a name"):
        Taxonomy.from_dict({"content": [{"code": "X"}]})


def test_R04_hand_added_entry_needs_only_a_name(tmp_path):
    f = tmp_path / "t.toml"
    f.write_text('natures = ["咨询"]\n\n[[content]]\nname = "城建环保"\nchildren = [ { name = "重庆路灯" } ]\n', encoding="utf-8")
    t = load_taxonomy(f)
    node = t.find(["城建环保", "重庆路灯"])
    assert (node.code, node.initials) == ("C01.01", "cqld")
    assert t.roots[0].initials == "cjhb"


# -- TOML writer and CSV conversion -------------------------------------------------------


def test_R04_toml_writer_round_trips_any_depth(tmp_path):
    from console.pinyin import initials

    d = Taxonomy.from_dict(DEEP, initials_fn=initials).to_dict()
    assert [n["initials"] for n in d["natures"]] == ["zx", "ts"]
    d["name"] = 'a "quoted" \\ name\twith tab'
    f = tmp_path / "deep.toml"
    write_taxonomy_toml(d, f, comment="test file\nsecond line")
    assert tomllib.loads(f.read_text(encoding="utf-8")) == d
    assert load_taxonomy(f).to_dict() == d
    assert f.read_text(encoding="utf-8").startswith("# test file\n# second line\n")


def test_R04_shipped_file_is_what_the_writer_writes(shipped):
    d = shipped.to_dict()
    assert tomllib.loads(dumps_taxonomy_toml(d)) == d


def test_R04_convert_tipdm_csv_loads_through_same_loader(tmp_path):
    src = tipdm_csv()
    d = csv_to_taxonomy_dict(src)
    out = tmp_path / "tipdm.toml"
    write_taxonomy_toml(d, out)
    t = load_taxonomy(out)  # the same loader as the shipped file, no code change
    leaves = [n for n in t.walk() if n.is_leaf]
    assert len(leaves) == 517
    assert {n.depth for n in leaves} == {3}
    assert len(t.roots) == 15
    assert t.levels == ("一级分类", "二级分类", "三级分类")
    assert t.nature_names() == DEFAULT_NATURES
    first = t.find(["城乡建设", "安全生产", "事故处理"])
    assert first.code == "C01.01.01" and first.initials == "sgcl"
    assert t.match("cxjs")[0].name == "城乡建设"
    assert t.to_dict() == d


def test_R04_csv_ragged_rows_and_custom_natures(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("\ufeff大类,小类,细类\n城建,供水,停水\n城建,供水,停水\n城建,供热\n其他,,\n", encoding="utf-8")
    d = csv_to_taxonomy_dict(f, natures=["咨询", "投诉"])
    t = Taxonomy.from_dict(d)
    assert [n.label for n in t.walk()] == ["城建", "城建 / 供水", "城建 / 供水 / 停水", "城建 / 供热", "其他"]
    assert t.nature_names() == ("咨询", "投诉")


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "header row"),
        ("一级,二级\n", "header row"),
        ("一级,,三级\n甲,乙,丙\n", "header row must name every level"),
        ("一级,二级,三级\n甲,,丙\n", "line 2 has an empty level"),
        ("一级,二级\n甲,乙,丙\n", "line 2 has 3 cells"),
        ("一级,二级\n甲/乙,丙\n", "path separator"),
    ],
)
def test_R04_bad_csv_rejected(tmp_path, text, message):
    f = tmp_path / "bad.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        csv_to_taxonomy_dict(f)


# -- CLI ----------------------------------------------------------------------------------


def test_R04_cli_convert_tipdm(tmp_path, capsys):
    src = tipdm_csv()
    out = tmp_path / "t.toml"
    assert main(["taxonomy", "convert", str(src), "--out", str(out)]) == 0
    assert "517 leaves" in capsys.readouterr().out
    assert len([n for n in load_taxonomy(out).walk() if n.is_leaf]) == 517


def test_R04_cli_convert_to_stdout_with_natures(tmp_path, capsys):
    f = tmp_path / "t.csv"
    f.write_text("一级,二级\n城建,供水\n", encoding="utf-8")
    assert main(["taxonomy", "convert", str(f), "--natures", "咨询,投诉"]) == 0
    d = tomllib.loads(capsys.readouterr().out)
    assert [n["name"] for n in d["natures"]] == ["咨询", "投诉"]
    assert d["content"][0]["children"][0] == {"code": "C01.01", "name": "供水", "initials": "gs"}


def test_R04_cli_convert_missing_file(tmp_path, capsys):
    code = main(["taxonomy", "convert", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "x.toml")])
    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith("hotline: ") and "nope.csv" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x.toml").exists()


def test_R04_cli_convert_bad_csv(tmp_path, capsys):
    f = tmp_path / "bad.csv"
    f.write_text("一级,二级\n甲,,丙\n", encoding="utf-8")
    assert main(["taxonomy", "convert", str(f)]) != 0
    err = capsys.readouterr().err
    assert err.startswith("hotline: bad CSV") and err.count("\n") == 1


def test_R04_cli_show(capsys):
    assert main(["taxonomy", "show", "--depth", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "性质分类: 咨询 求助 建议 投诉 举报 表扬"
    assert lines[1:] == [f"{n.code} {n.name} ({n.initials})" for n in load_taxonomy().roots]


def test_R04_cli_show_json_and_file(tmp_path, capsys):
    f = tmp_path / "deep.toml"
    write_taxonomy_toml(Taxonomy.from_dict(DEEP).to_dict(), f)
    assert main(["taxonomy", "show", "--file", str(f), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["content"][0]["children"][0]["children"][0]["children"][0]["name"] == "计划停水"
    assert main(["taxonomy", "show", "--file", str(f)]) == 0
    assert "      A.1.1.1 计划停水 (jhts)" in capsys.readouterr().out.splitlines()


def test_R04_cli_show_bad_file(tmp_path, capsys):
    assert main(["taxonomy", "show", "--file", str(tmp_path / "none.toml")]) != 0
    assert "no such taxonomy file" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text("[[content]]\nname = \n", encoding="utf-8")
    assert main(["taxonomy", "show", "--file", str(bad)]) != 0
    err = capsys.readouterr().err
    assert err.startswith("hotline: bad taxonomy file") and "Traceback" not in err
