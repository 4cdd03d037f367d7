"""Issue 6: the taxonomy is published from the centre and reaches every seat; the seat's form,
its store and the centre's decide() then all use it (R-04: the taxonomy is data)."""

from __future__ import annotations

from sync_support import AGENT, CentreThread, centre_events, client, intake_payload, make_seat, new_centre

from console.cli import main
from console.domain.taxonomy import Taxonomy
from console.store import NewEvent
from console.sync.session import sync_once
from console.taxonomy_source import published_taxonomy_json, taxonomy_for_seat

CITY = {
    "name": "某市分类",
    "natures": [{"code": "N1", "name": "咨询"}, {"code": "N2", "name": "投诉"}],
    "content": [{"code": "K1", "name": "城市管理", "children": [{"code": "K1.1", "name": "供水保障"}]}],
}


def test_a_published_taxonomy_reaches_the_seat_and_the_centre_checks_with_it(tmp_path):
    centre = new_centre(str(tmp_path / "centre.db"))
    with CentreThread(centre) as server:
        seat = make_seat(tmp_path, "S01", centre, server.url)
        centre.publish_taxonomy(Taxonomy.from_dict(CITY).to_dict())
        sync_once(seat, client(seat))

        old = seat.record([NewEvent("created", intake_payload(1, nature="咨询"), AGENT)])
        assert not old.ok and "分类表" in old.reason  # 城建环保/供水 is not this city's class
        new = seat.record([NewEvent("created", intake_payload(2, nature="投诉", content_path=["城市管理", "供水保障"]), AGENT)])
        assert new.ok, new.reason
        report = sync_once(seat, client(seat))
        assert report.accepted == 1 and report.rejected == 0  # the centre checks with the same classes
        assert [e["kind"] for e in centre_events(centre)] == ["created"]
        # The console reads it before its store is open (no SQLModel on the start-up path).
        published = published_taxonomy_json(seat.path)
        assert taxonomy_for_seat(seat.data_dir, None, published).nature_names() == ("咨询", "投诉")
        seat.close()


def test_centre_publish_taxonomy_command(tmp_path, capsys, shared_data):
    db = str(tmp_path / "centre.db")
    assert main(["centre", "init", "--db", db]) == 0
    converted = tmp_path / "tipdm.toml"
    assert main(["taxonomy", "convert", str(shared_data / "tipdm-taxonomy.csv"), "--out", str(converted)]) == 0
    capsys.readouterr()
    assert main(["centre", "publish-taxonomy", str(converted), "--db", db]) == 0
    assert "published taxonomy" in capsys.readouterr().out
    assert main(["centre", "publish-taxonomy", str(tmp_path / "missing.toml"), "--db", db]) == 2
    assert "no such file" in capsys.readouterr().err
