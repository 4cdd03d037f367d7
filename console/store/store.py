"""The seat's store: every command is one BEGIN IMMEDIATE transaction that checks each event
with decide(), appends it with the next per-seat sequence number, updates the projection and
queues it in the outbox — all or nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console import clock, paths
from console.domain.channels import Channels
from console.domain.decide import Context, decide
from console.domain.limits import order_number_problem
from console.domain.order import Event, Kind, OrderState, PayloadError, apply, fold
from console.domain.recording import recorded_payload
from console.domain.roles import Actor
from console.domain.settings import Rules
from console.log import log
from console.store.components import order_written_hooks, projection_rebuilt_hooks
from console.store.engine import StoreError, check_sqlite_file, make_engine, read_transaction, write_transaction
from console.store.migrations import migrate
from console.store.projection import LIST_COLUMN_TYPES, phone_key, projection_row, state_from_json
from console.wire.events import by_order, new_event, row_from_wire
from console.wire.ids import uuid7

# `order` of an event that belongs to the order a `created` earlier in the same command makes
# (a duplicate link, a three-way call log): the number is only known inside the transaction.
NEW_ORDER = "@new"


@dataclass
class NewEvent:
    kind: str
    payload: dict
    actor: Actor
    order: str = ""  # empty for `created` (the store allocates the number), or NEW_ORDER
    at: datetime | None = None


@dataclass
class Recorded:
    ok: bool
    orders: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    reason: str = ""
    code: str = ""
    index: int = -1  # the rejected event's position in the command


_PUBLISHED_TAXONOMY = "published_taxonomy"  # meta key
_PUBLISHED_RULES = "published_rules"  # meta key
_PUBLISHED_CALENDAR = "published_calendar"  # meta key


class _Rejected(Exception):
    def __init__(self, index: int, reason: str, code: str):
        self.index, self.reason, self.code = index, reason, code


_ORDER_COLUMNS = ["number", "status", "created_at", "seat", "caller_name", "caller_title", "phone_norm", "address",
                  "description", "nature", "content_class", "urgent", "confidential", "leader_day", "leader_report",
                  "supervised", "lead_unit", "dispatch_due", "unit_due", "unit_due_provisional", "callback_due",
                  "merged_into", "updated_at", "event_count", *LIST_COLUMN_TYPES, "state"]
_UPSERT_ORDER = text(
    f"INSERT INTO orders ({', '.join(_ORDER_COLUMNS)}) VALUES ({', '.join(':' + c for c in _ORDER_COLUMNS)}) "
    f"ON CONFLICT(number) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _ORDER_COLUMNS if c != "number")
)
# Fold order of an order's events: those the centre numbered by its global seq, then this seat's
# pending ones by seat_seq. Events the centre rejected stay in history but are never folded.
FOLD_ORDER = "seq IS NULL, seq, seat_seq"

_INSERT_EVENT = text(
    "INSERT INTO events (id, rowid_order, order_no, kind, payload, operator, role, unit, seat, seat_seq, "
    "hlc, at, recorded_at, seq, origin) VALUES (:id, :rowid_order, :order_no, :kind, :payload, :operator, "
    ":role, :unit, :seat, :seat_seq, :hlc, :at, :recorded_at, :seq, :origin)"
)


def event_row(wire: dict, *, rowid_order: int, seq: int | None, origin: str) -> dict:
    """The seat's `events` row of an event's wire form; `origin` is local or centre."""
    return {**row_from_wire(wire), "rowid_order": rowid_order, "seq": seq, "origin": origin}


def insert_events(conn: Connection, rows: list[dict]) -> None:
    """Append rows made by event_row to the seat's log."""
    conn.execute(_INSERT_EVENT, rows)


def upsert_order(conn: Connection, state: OrderState, calendar, rules: Rules) -> None:
    """Write an order's projection row (deadlines included) from its state."""
    conn.execute(_UPSERT_ORDER, projection_row(state, calendar, rules))


class Store:
    def __init__(self, path: Path, rules: Rules | None = None, calendar=None, taxonomy=None):
        self.path = Path(path)
        self.engine = make_engine(self.path)
        self._rules = rules
        self._calendar = calendar
        self._taxonomy = taxonomy
        self._unit_codes: frozenset[str] | None = None
        self._unit_directory: list | None = None
        self._seat: str | None = None
        # Called after each command commits (the sync worker pushes at once instead of on its timer).
        self.commit_listeners: list = []

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir=None, **kwargs) -> Store:
        """Open an existing store (migrating it if older); a clear StoreError otherwise."""
        path = paths.store_path(data_dir)
        check_sqlite_file(path)
        store = cls(path, **kwargs)
        with write_transaction(store.engine) as conn:
            migrate(conn)
            if store._meta(conn, "seat") is None:
                raise StoreError(f"store {path} has no seat code: run `hotline init --seat CODE`")
        return store

    @classmethod
    def init(cls, data_dir, seat: str, **kwargs) -> Store:
        directory = paths.data_dir(data_dir)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file of that name, no permission, a read-only disk
            raise StoreError(f"cannot create the data dir {directory}: {exc.strerror or exc}")
        path = directory / paths.STORE_FILE
        if path.exists():
            check_sqlite_file(path)
        store = cls(path, **kwargs)
        with write_transaction(store.engine) as conn:
            migrate(conn)
            existing = store._meta(conn, "seat")
            if existing and existing != seat:
                raise StoreError(f"store {path} already belongs to seat {existing}")
            store._set_meta(conn, "seat", seat)
            if store._meta(conn, "created_at") is None:
                store._set_meta(conn, "created_at", clock.iso(clock.now()))
        store.load_units()
        return store

    def close(self) -> None:
        self.engine.dispose()

    # -- settings the rules need -----------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self.path.parent

    def config(self) -> dict:
        """The seat's settings. A broken file does not stop the phones: the defaults apply, the
        error is logged, and the console and the CLI (console.cli) say so."""
        from console.config import ConfigError, read_config

        try:
            return read_config(self.data_dir)
        except ConfigError as exc:
            log("store").error("settings not applied, defaults used: %s", exc)
            return {}

    @property
    def taxonomy(self):
        if self._taxonomy is None:
            from console.taxonomy_source import taxonomy_for_seat

            configured = self.config().get("taxonomy")
            published = None if configured else self.meta(_PUBLISHED_TAXONOMY)
            self._taxonomy = taxonomy_for_seat(self.data_dir, configured, published)
        return self._taxonomy

    def set_published_taxonomy(self, conn: Connection, taxonomy: dict) -> None:
        """Store the taxonomy the centre published (inside the caller's transaction; call
        reference_changed() once it has committed)."""
        self._set_meta(conn, _PUBLISHED_TAXONOMY, json.dumps(taxonomy, ensure_ascii=False))

    def set_published_rules(self, conn: Connection, rules: dict) -> None:
        """Store the rule parameters the centre published (the caller's transaction, as above)."""
        self._set_meta(conn, _PUBLISHED_RULES, json.dumps(rules, ensure_ascii=False))

    def set_published_calendar(self, conn: Connection, years: dict) -> None:
        """Store the calendar years the centre published (the caller's transaction, as above)."""
        self._set_meta(conn, _PUBLISHED_CALENDAR, json.dumps(years, ensure_ascii=False))

    def published_rules(self) -> dict | None:
        """The rule parameters the centre published, or None (never connected, or a centre that
        publishes none): then config.toml's and the shipped defaults apply."""
        text_ = self.meta(_PUBLISHED_RULES)
        return json.loads(text_) if text_ else None

    def reference_changed(self) -> None:
        """Forget what was read from the units and the taxonomy; called after their transaction
        commits, so a reader between write and commit cannot cache the old ones for good."""
        self._unit_codes = self._unit_directory = self._taxonomy = self._rules = None

    @property
    def rules(self) -> Rules:
        if self._rules is None:
            from console.config import RULE_KEYS, rules_from_config

            config, published = self.config(), self.published_rules()
            if published is not None:  # the centre's rules replace the seat's own rule keys
                config = {**{k: v for k, v in config.items() if k not in RULE_KEYS}, **published}
            self._rules = rules_from_config(config, self.taxonomy.nature_names())
        return self._rules

    @property
    def calendar(self):
        if self._calendar is None:
            from console.calendar_source import load_calendar
            from console.wire.calendar_years import with_years

            own = load_calendar(extra_dirs=(paths.admin_calendar_dir(self.data_dir),))
            published = self.meta(_PUBLISHED_CALENDAR)  # the centre's years win over the admin's files
            self._calendar = with_years(own, json.loads(published).values() if published else ())
        return self._calendar

    def reload_calendar(self) -> None:
        self._calendar = None

    @property
    def seat(self) -> str:
        if self._seat is None:
            with read_transaction(self.engine) as conn:
                self._seat = self._meta(conn, "seat") or ""
        return self._seat

    def unit_codes(self) -> frozenset[str] | None:
        if self._unit_codes is None:
            with read_transaction(self.engine) as conn:
                codes = frozenset(r[0] for r in conn.execute(text("SELECT code FROM units")))
            self._unit_codes = codes or None  # no directory loaded: do not check unit codes
        return self._unit_codes

    def context(self, conn: Connection, pending: dict[str, OrderState]) -> Context:
        def lookup(number: str) -> OrderState | None:
            return pending.get(number) or self._state(conn, number)

        return Context(
            rules=self.rules,
            calendar=self.calendar,
            lookup=lookup,
            unit_codes=self.unit_codes(),
            valid_content_path=self.taxonomy.is_valid_path,
            channels=self.channels.names(),
        )

    @property
    def channels(self) -> Channels:
        """The order channels the form offers and decide() checks (the shipped list)."""
        from console.channels_source import shipped_channels

        return shipped_channels()

    # -- the write path --------------------------------------------------------------------

    def record(self, events: list[NewEvent]) -> Recorded:
        """Apply one command (one or more events) atomically; nothing is written if any is rejected."""
        try:
            with write_transaction(self.engine) as conn:
                result = self._record(conn, events)
        except _Rejected as rej:
            return Recorded(False, reason=rej.reason, code=rej.code, index=rej.index)
        for listener in list(self.commit_listeners):
            try:
                listener()
            except Exception:  # noqa: BLE001 - a listener must never undo or hide a committed command
                log("store").exception("a commit listener failed after a command was recorded")
        return result

    def _record(self, conn: Connection, events: list[NewEvent]) -> Recorded:
        pending: dict[str, OrderState] = {}
        ctx = self.context(conn, pending)
        seat = self._meta(conn, "seat") or ""
        seat_seq = int(self._meta(conn, "seat_seq") or 0)
        log_pos = int(self._meta(conn, "log_pos") or 0)
        result = Recorded(True)
        now = clock.now()
        created: str | None = None  # the number allocated by this command's latest `created`
        for index, new in enumerate(events):
            at = new.at or now
            actor = new.actor if new.actor.seat else Actor(new.actor.operator, new.actor.role, seat, new.actor.unit)
            number = new.order
            state = None
            if new.kind == Kind.CREATED:
                if number:
                    raise _Rejected(index, "新工单的编号由本坐席分配，不能指定", "number")
                number = created = self._allocate_number(conn, seat, at)
            elif new.kind == Kind.IMPORTED:  # a historical order keeps its number (or the mapped one)
                bad = order_number_problem(number) or (None if number else ("number", "历史工单须有编号"))
                if bad:
                    raise _Rejected(index, bad[1], bad[0])
                state = pending.get(number) or self._state(conn, number)
            else:
                if number == NEW_ORDER:
                    if created is None:
                        raise _Rejected(index, "本次操作没有新建工单", "no_order")
                    number = created
                bad = order_number_problem(number)
                if bad:  # asked before the order is read: the store could not even look it up
                    raise _Rejected(index, bad[1], bad[0])
                state = pending.get(number) or self._state(conn, number)
            payload = recorded_payload(new.kind, state, new.payload, self.rules)
            try:
                event = Event.of(new.kind, number, payload, at, actor, uuid7())
            except PayloadError as exc:
                raise _Rejected(index, exc.reason, exc.code)
            decision = decide(state, event, actor, ctx)
            if not decision.ok:
                raise _Rejected(index, decision.reason, decision.code)
            seat_seq += 1
            log_pos += 1
            wire = new_event(id=event.id, order_no=number, kind=event.kind, payload=payload, actor=actor,
                             seat=seat, seat_seq=seat_seq, at=at, recorded_at=clock.iso(now))
            insert_events(conn, [event_row(wire, rowid_order=log_pos, seq=None, origin="local")])
            conn.execute(text("INSERT INTO outbox (event_id, seat_seq, attempts) VALUES (:id, :s, 0)"),
                         {"id": event.id, "s": seat_seq})
            new_state = apply(state, event, self.rules)
            pending[number] = new_state
            upsert_order(conn, new_state, self.calendar, self.rules)
            for hook in order_written_hooks():  # the duplicate-search index, same transaction
                hook(conn, new_state)
            if new.kind in (Kind.CREATED, Kind.AMENDED, Kind.IMPORTED) and new_state.phone:  # caller history
                seen = new_state.created_at if new.kind == Kind.IMPORTED else at  # history: when it was taken
                self._touch_caller(conn, new_state, seen, new.kind != Kind.AMENDED)
            result.orders.append(number)
            result.event_ids.append(event.id)
        self._set_meta(conn, "seat_seq", str(seat_seq))
        self._set_meta(conn, "log_pos", str(log_pos))
        return result

    def _allocate_number(self, conn: Connection, seat: str, at: datetime) -> str:
        day = at.strftime("%Y%m%d")
        n = conn.execute(
            text("INSERT INTO seat_counter (day, n) VALUES (:d, 1) "
                 "ON CONFLICT(day) DO UPDATE SET n = n + 1 RETURNING n"),
            {"d": day},
        ).scalar_one()
        return f"{day}-{seat}-{n:04d}"

    def _touch_caller(self, conn: Connection, state: OrderState, at: datetime, new_order: bool) -> None:
        conn.execute(
            text("INSERT INTO callers (phone_norm, name, title, first_seen, last_seen, order_count) "
                 "VALUES (:p, :n, :t, :at, :at, :c) ON CONFLICT(phone_norm) DO UPDATE SET "
                 "name = CASE WHEN excluded.name != '' THEN excluded.name ELSE name END, "
                 "title = CASE WHEN excluded.title != '' THEN excluded.title ELSE title END, "
                 "last_seen = max(last_seen, excluded.last_seen), order_count = order_count + :c"),
            {"p": phone_key(state.phone), "n": state.caller_name, "t": state.caller_title,
             "at": at.isoformat(), "c": 1 if new_order else 0},
        )

    # -- meta ------------------------------------------------------------------------------

    @staticmethod
    def _meta(conn: Connection, key: str) -> str | None:
        row = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": key}).first()
        return row[0] if row else None

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str) -> None:
        conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value"), {"k": key, "v": value})

    # -- reads -----------------------------------------------------------------------------

    @staticmethod
    def _state(conn: Connection, number: str) -> OrderState | None:
        row = conn.execute(text("SELECT state FROM orders WHERE number = :n"), {"n": number}).first()
        return state_from_json(row[0]) if row else None

    def get(self, number: str) -> OrderState | None:
        with read_transaction(self.engine) as conn:
            return self._state(conn, number)

    def order_row(self, number: str) -> dict | None:
        with read_transaction(self.engine) as conn:
            row = conn.execute(text("SELECT * FROM orders WHERE number = :n"), {"n": number}).mappings().first()
            return dict(row) if row else None

    def events_of(self, number: str) -> list[dict]:
        with read_transaction(self.engine) as conn:
            rows = conn.execute(
                text("SELECT * FROM events WHERE order_no = :n ORDER BY rowid_order"), {"n": number}
            ).mappings()
            return [dict(r, payload=json.loads(r["payload"])) for r in rows]

    def orders_with(self, kind: str, start: datetime, end: datetime) -> list[str]:
        """The orders with a foldable event of this kind at a time in [start, end), by number."""
        with read_transaction(self.engine) as conn:
            return list(conn.execute(text(
                "SELECT DISTINCT order_no FROM events WHERE kind = :k AND at >= :s AND at < :e"
                " AND sync_status != 'rejected' ORDER BY order_no"),
                {"k": kind, "s": start.isoformat(), "e": end.isoformat()}).scalars())

    def list_orders(self, status: str | None = None, limit: int | None = 200, offset: int = 0,
                    order_by: str = "created_at DESC") -> list[dict]:
        params: dict[str, object] = {"s": status} if status else {}
        where = "WHERE status = :s" if status else ""
        sql = f"SELECT * FROM orders {where} ORDER BY {order_by}"
        if limit is not None:
            sql += " LIMIT :limit OFFSET :offset"
            params.update({"limit": limit, "offset": offset})
        with read_transaction(self.engine) as conn:
            return [dict(r) for r in conn.execute(text(sql), params).mappings()]

    def count_orders(self, status: str | None = None) -> int:
        where, params = ("WHERE status = :s", {"s": status}) if status else ("", {})
        with read_transaction(self.engine) as conn:
            return conn.execute(text(f"SELECT count(*) FROM orders {where}"), params).scalar_one()

    def status_counts(self) -> dict[str, int]:
        with read_transaction(self.engine) as conn:
            return dict(conn.execute(text("SELECT status, count(*) FROM orders GROUP BY status")).all())

    def caller_orders(self, phone: str, limit: int = 50) -> list[dict]:
        """R-11: the caller's earlier orders, newest first, by normalised phone number."""
        from console.domain.privacy import phone_hash
        from console.store.privacy_key import privacy_key

        key = privacy_key(self)  # a confidential caller recorded at another seat is held by its keyed hash
        keys = [phone_key(phone)] + ([phone_hash(key, phone)] if key and phone_key(phone) else [])
        with read_transaction(self.engine) as conn:
            rows = conn.execute(
                text("SELECT * FROM orders WHERE phone_norm IN (SELECT value FROM json_each(:p)) "
                     "ORDER BY created_at DESC LIMIT :l"),
                {"p": json.dumps(keys), "l": limit},
            ).mappings()
            return [dict(r) for r in rows]

    def outbox_count(self) -> int:
        with read_transaction(self.engine) as conn:
            return conn.execute(text("SELECT count(*) FROM outbox")).scalar_one()

    def meta(self, key: str) -> str | None:
        with read_transaction(self.engine) as conn:
            return self._meta(conn, key)

    # -- projection maintenance ------------------------------------------------------------

    def histories(self):
        """Every order's foldable events in fold order, order by order (for the figures)."""
        with read_transaction(self.engine) as conn:
            yield from self._events_by_order(conn)

    def _events_by_order(self, conn: Connection, numbers=None):
        """Each order's foldable events in fold order (see FOLD_ORDER); `numbers` limits the orders."""
        where = "WHERE sync_status != 'rejected'"
        params = {}
        if numbers is not None:
            where += " AND order_no IN (SELECT value FROM json_each(:numbers))"
            params["numbers"] = json.dumps(sorted(numbers))
        rows = conn.execute(text(f"SELECT * FROM events {where} ORDER BY order_no, {FOLD_ORDER}"),
                            params).mappings()
        yield from by_order(rows)

    def rebuilt_rows(self) -> dict[str, dict]:
        """The projection as folding every order's events would make it."""
        with read_transaction(self.engine) as conn:
            return {
                number: projection_row(state, self.calendar, self.rules)
                for number, events in self._events_by_order(conn)
                if (state := fold(events, self.rules)) is not None
            }

    def projection_differences(self) -> list[str]:
        """Orders whose stored row differs from the fold of their events (empty = consistent)."""
        rebuilt = self.rebuilt_rows()
        with read_transaction(self.engine) as conn:
            stored = {r["number"]: dict(r) for r in conn.execute(text("SELECT * FROM orders")).mappings()}
        diffs = [n for n in rebuilt if _normalise(stored.get(n)) != _normalise(rebuilt[n])]
        return sorted(diffs + [n for n in stored if n not in rebuilt])

    def rebuild_projection(self) -> int:
        """Replace the projection with the fold of the events (e.g. after a calendar change)."""
        rebuilt = self.rebuilt_rows()
        with write_transaction(self.engine) as conn:
            conn.execute(text("DELETE FROM orders"))
            for row in rebuilt.values():
                conn.execute(_UPSERT_ORDER, row)
            for hook in projection_rebuilt_hooks():
                hook(conn)
        return len(rebuilt)

    def recompute_deadlines(self) -> int:
        """Re-evaluate every deadline with the current calendar (after an admin adds a year)."""
        self.reload_calendar()
        changed = 0
        with write_transaction(self.engine) as conn:
            rows = conn.execute(text("SELECT number, state, unit_due, dispatch_due, callback_due, "
                                     "unit_due_provisional FROM orders")).mappings().all()
            for r in rows:
                row = projection_row(state_from_json(r["state"]), self.calendar, self.rules)
                if (row["unit_due"], row["dispatch_due"], row["callback_due"], bool(row["unit_due_provisional"])) != (
                    r["unit_due"], r["dispatch_due"], r["callback_due"], bool(r["unit_due_provisional"])):
                    conn.execute(_UPSERT_ORDER, row)
                    changed += 1
        return changed

    # -- reference data --------------------------------------------------------------------

    def load_units(self, units=None) -> int:
        if units is None:
            from console.units_source import load_units

            units = load_units()
        with write_transaction(self.engine) as conn:
            for u in units:
                upsert_unit(conn, {"code": u.code, "name": u.name, "short": u.short, "kind": u.kind,
                                   "phone": u.phone, "keywords": list(u.keywords), "initials": u.initials,
                                   "area": u.area or "", "short_initials": u.short_initials})
        self.reference_changed()
        return len(units)

    def unit_directory(self) -> list:
        """The units as domain Units (what the centre published last), read once per change."""
        if self._unit_directory is None:
            from console.domain.units import Unit

            self._unit_directory = [Unit.from_dict(d) for d in self.units()]
        return self._unit_directory

    def units(self) -> list[dict]:
        with read_transaction(self.engine) as conn:
            return [dict(r, keywords=json.loads(r["keywords"]))
                    for r in conn.execute(text("SELECT * FROM units ORDER BY code")).mappings()]


_UPSERT_UNIT = text(
    "INSERT INTO units (code, name, short, kind, phone, keywords, initials, area, short_initials) "
    "VALUES (:code, :name, :short, :kind, :phone, :keywords, :initials, :area, :short_initials) "
    "ON CONFLICT(code) DO UPDATE SET name=excluded.name, short=excluded.short, kind=excluded.kind, "
    "phone=excluded.phone, keywords=excluded.keywords, initials=excluded.initials, area=excluded.area, "
    "short_initials=excluded.short_initials"
)


def upsert_unit(conn: Connection, unit: dict) -> None:
    """One unit of the directory, from kb_data or published by the centre (keywords: a list).
    Pinyin initials the sender left out are worked out here, once, not at each keystroke."""
    values = {k: unit.get(k) or "" for k in ("code", "name", "short", "kind", "phone", "initials", "area",
                                             "short_initials")}
    for key, source in (("initials", "name"), ("short_initials", "short")):
        if not values[key] and values[source]:
            from console.pinyin import initials  # pypinyin loads slowly: only when needed

            values[key] = initials(values[source])
    conn.execute(_UPSERT_UNIT, {**values, "keywords": json.dumps(list(unit.get("keywords") or ()), ensure_ascii=False)})


def _normalise(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {k: (bool(v) if isinstance(v, bool) or k in _BOOL_COLUMNS else v) for k, v in row.items()}


_BOOL_COLUMNS = {"urgent", "confidential", "leader_day", "leader_report", "supervised", "unit_due_provisional"}


def recompute_deadlines(data_dir) -> int:
    """Called by `hotline calendar add-year`: re-evaluate stored deadlines, if there is a store."""
    path = paths.store_path(data_dir)
    if not path.exists():
        return 0
    store = Store.open(data_dir)
    try:
        return store.recompute_deadlines()
    finally:
        store.close()
