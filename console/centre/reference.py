"""Reference data published to every seat: units, KB articles, announcements and the taxonomy, versioned by
one counter so a seat asks only for what changed since its last version."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from console.centre import db
from console.centre.model import CentreCore


class Reference:
    _unit_codes: frozenset[str] | None
    _taxonomy: Any
    _rules: Any
    _calendar: Any

    """Mixed into Centre: uses its _write/_lock_counter/_set_counter."""

    def publish_units(self: CentreCore, units) -> int:
        with self._write() as conn, conn.begin():
            version = self._lock_counter(conn, "reference") + 1
            self._set_counter(conn, "reference", version)
            existing = {r[0] for r in conn.execute(select(db.units.c.code))}
            for u in units:
                values = dict(name=u.name, short=u.short, kind=u.kind, phone=u.phone,
                              keywords=json.dumps(list(u.keywords), ensure_ascii=False), initials=u.initials,
                              short_initials=u.short_initials, area=u.area or "", version=version)
                if u.code in existing:
                    conn.execute(update(db.units).where(db.units.c.code == u.code).values(**values))
                else:
                    conn.execute(db.units.insert().values(code=u.code, **values))
        self._unit_codes = None
        self._notify(0)
        return version

    def publish_kb(self: CentreCore, articles=(), announcements=()) -> int:
        """Articles and announcements (console.wire.kb_records records) to every seat, by id."""
        with self._write() as conn, conn.begin():
            version = self._lock_counter(conn, "reference") + 1
            self._set_counter(conn, "reference", version)
            for table, items in ((db.kb_articles, articles), (db.kb_announcements, announcements)):
                for item in items:
                    data = json.dumps(dataclasses.asdict(item), ensure_ascii=False, sort_keys=True)
                    if conn.execute(select(table.c.id).where(table.c.id == item.id)).first() is None:
                        conn.execute(table.insert().values(id=item.id, data=data, version=version))
                    else:
                        conn.execute(update(table).where(table.c.id == item.id).values(data=data, version=version))
        self._notify(0)
        return version

    def publish_taxonomy(self: CentreCore, taxonomy: dict) -> int:
        """The taxonomy (Taxonomy.to_dict()) every seat and the centre's own decide() then use.
        Missing pinyin initials are filled in here, once, so every seat's pickers take them."""
        from console.domain.taxonomy import Taxonomy
        from console.pinyin import initials

        taxonomy = Taxonomy.from_dict(taxonomy, initials_fn=initials).to_dict()
        version = publish_doc(self, "taxonomy", lambda _old: taxonomy)
        self._taxonomy = self._rules = None  # natures come from the taxonomy
        return version

    def publish_rules(self: CentreCore, rules: dict) -> int:
        """The rule parameters (config.toml's RULE_KEYS, checked by console.config.read_rules_file)
        that every seat and the centre's own decide() then use."""
        version = publish_doc(self, "rules", lambda _old: rules)
        self._rules = None
        return version

    def publish_calendar_year(self: CentreCore, year: dict) -> int:
        """One calendar year (console.wire.calendar_years form) for every seat and the centre's own
        deadlines; replaces an earlier publication of that year."""
        version = publish_doc(self, "calendar", lambda old: {**(old or {}), str(year["year"]): year})
        self._calendar = None
        return version

    def published_calendar(self: CentreCore) -> dict | None:
        """{year: year dict} the centre published, or None."""
        return _published_doc(self, "calendar")

    def published_rules(self: CentreCore) -> dict | None:
        return _published_doc(self, "rules")

    def published_taxonomy(self: CentreCore) -> dict | None:
        return _published_doc(self, "taxonomy")

    def reference_version(self: CentreCore) -> int:
        """The version of the newest reference data: pull answers carry it, so a seat fetches what
        was published at its next pull, not at its next timed refresh."""
        with self.engine.connect() as conn:
            return conn.execute(select(db.counters.c.value).where(db.counters.c.name == "reference")).scalar_one()

    def reference(self: CentreCore, after: int, seat: Any = None) -> dict:
        """Reference data changed since version `after`: units, KB articles, announcements, the
        taxonomy, rules, calendar and, for a seat (never a unit's token), the operators' verifiers
        and the roles that seat is enrolled for."""
        with self.engine.connect() as conn:
            version = conn.execute(select(db.counters.c.value).where(db.counters.c.name == "reference")).scalar_one()
            rows = conn.execute(select(db.units).where(db.units.c.version > after).order_by(db.units.c.code)).mappings()
            units = [dict(r, keywords=json.loads(r["keywords"])) for r in rows]
            kb = {name: [json.loads(r.data) for r in conn.execute(
                      select(table.c.data).where(table.c.version > after).order_by(table.c.id))]
                  for name, table in (("kb_articles", db.kb_articles), ("announcements", db.kb_announcements))}
            docs = {name: json.loads(data) for name, data in conn.execute(
                select(db.reference_docs.c.name, db.reference_docs.c.data).where(
                    db.reference_docs.c.name.in_(("taxonomy", "rules", "calendar", "operators"))
                    & (db.reference_docs.c.version > after)))}
        answer = {"version": version, "units": units, **kb, "taxonomy": docs.get("taxonomy"),
                  "rules": docs.get("rules"), "calendar": docs.get("calendar")}
        if seat is not None and not seat.unit:
            answer["operators"] = docs.get("operators")
            answer["seat_roles"] = sorted(seat.roles)
            answer["privacy_key"] = privacy_key(self)
        return answer


def _published_doc(centre: CentreCore, name: str) -> Any:
    with centre.engine.connect() as conn:
        row = conn.execute(select(db.reference_docs.c.data).where(db.reference_docs.c.name == name)).first()
    return json.loads(row[0]) if row else None


def publish_doc(centre: CentreCore, name: str, make: Callable[[Any], Any]) -> int:
    """Write reference document `name` as `make(the published one, or None)` under a new version."""
    table = db.reference_docs
    with centre._write() as conn, conn.begin():
        version = centre._lock_counter(conn, "reference") + 1
        centre._set_counter(conn, "reference", version)
        row = conn.execute(select(table.c.data).where(table.c.name == name)).first()
        data = json.dumps(make(json.loads(row[0]) if row else None), ensure_ascii=False, sort_keys=True)
        if row is None:
            conn.execute(table.insert().values(name=name, data=data, version=version))
        else:
            conn.execute(update(table).where(table.c.name == name).values(data=data, version=version))
    centre._notify(0)
    return version


def privacy_key(centre: CentreCore) -> str:
    """The hotline's key for confidential callers' keyed hashes (console/domain/privacy.py),
    made once; only seats get it, so a unit or a leaked log cannot test a phone against it."""
    key = _published_doc(centre, "privacy_key")
    if key is None:
        import secrets

        publish_doc(centre, "privacy_key", lambda old: old or secrets.token_hex(32))
        key = _published_doc(centre, "privacy_key")
    return str(key)
