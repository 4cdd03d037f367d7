"""The centre's logic, independent of HTTP: enrol seats, accept pushes through decide(), serve
pulls by global seq, leases with fencing numbers, the units' own actions, reference data.

Every write of the log is one transaction that locks the rows it reads (the seat, its orders),
decides, and takes the `seq` counter row's lock only as its last step (append_events), so the
global seq is allocated inside the writing transaction and commit order equals seq order (db.py).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from console import clock
from console.centre import db
from console.centre.leases import Leases
from console.centre.model import (
    CentreError,
    Forbidden,
    Gap,
    PushOutcome,
    SeatInfo,
    Unauthorized,
    _Batch,
)
from console.centre.operators import OperatorAccounts
from console.centre.reference import Reference
from console.centre.units_api import UnitActions
from console.domain.decide import Context, decide
from console.domain.kinds import Kind
from console.domain.limits import PAYLOAD_MAX_CHARS, SEAT_MAX, UNIT_MAX, order_number_problem, text_problem
from console.domain.order import OrderState, apply
from console.domain.payloads import PayloadError
from console.domain.roles import ROLE_LABELS, Role
from console.domain.settings import Rules
from console.domain.taxonomy import Taxonomy
from console.faults import fault_point
from console.log import log
from console.wire.events import WIRE_FIELDS, by_order, storable, to_domain, wire_problem
from console.wire.state import state_from_json, state_to_json

_REFERENCE = select(db.counters.c.value).where(db.counters.c.name == "reference").scalar_subquery()
SEAT_ROLES = (Role.AGENT, Role.DISPATCHER, Role.LEAD, Role.CALLBACK, Role.SUPERVISOR)


def parse_roles(text: str) -> frozenset[str]:
    """`--role agent,dispatcher`; `all` = every seat role (not unit or system)."""
    names = {r.strip() for r in text.split(",") if r.strip()}
    if "all" in names:
        names = (names - {"all"}) | {r.value for r in SEAT_ROLES}
    for name in names:
        if name not in {r.value for r in Role}:
            raise ValueError(f"unknown role {name!r}: expected all or some of {', '.join(r.value for r in Role)}")
    if not names:
        raise ValueError("no role given")
    return frozenset(names)


_TEXT_FIELDS = tuple(f for f in WIRE_FIELDS if f not in ("id", "payload", "unit", "seat_seq"))
REASON_MAX = 500


def _log_fields(ev: dict, accepted: bool) -> dict:
    """The log row for an event as sent. A refused one may carry anything: each column gets what
    the database can keep (cut to the column, no NUL, no lone surrogate), so a refusal is logged
    with its seq and never fails the batch; an accepted one met decide()'s limits, kept exactly."""
    def keep(name: str, value: object) -> str:
        return str(value or "") if accepted else storable(value or "", _width(name))

    row: dict[str, Any] = {k: keep(k, ev.get(k)) for k in _TEXT_FIELDS}
    row.update(id=ev["id"], seat_seq=ev["seat_seq"], unit=keep("unit", ev.get("unit")) or None)
    row["payload"] = json.dumps(ev.get("payload"), ensure_ascii=False, sort_keys=True) if accepted \
        else _refused_payload(ev.get("payload"))
    return row


def _width(column: str) -> int:
    return getattr(db.events.c[column].type, "length", None) or REASON_MAX


def _refused_payload(payload: object) -> str:
    """A refused event's payload as JSON text that any database keeps (and a pull can send)."""
    try:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    except (ValueError, RecursionError):
        text = ""
    if not text or len(text) > 2 * PAYLOAD_MAX_CHARS:
        return json.dumps({"omitted": f"payload not kept ({len(text)} characters)"})
    return storable(text, len(text))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Centre(Leases, UnitActions, OperatorAccounts, Reference):
    def __init__(self, engine, rules=None, calendar=None, taxonomy=None):
        self.engine = engine
        self._rules: Rules | None = rules
        self._calendar = calendar
        self._taxonomy: Taxonomy | None = taxonomy
        self._unit_codes: frozenset[str] | None = None
        self._listeners: list = []
        self._row_listeners: list = []
        self.origin = secrets.token_hex(4)  # names this centre's commits in its NOTIFYs (append.py)
        self._reference_seen: int | None = None  # the reference version the cached settings are from
        self._operator_table: dict[str, tuple[bool, frozenset[str]]] | None = None  # (operators.py)
        self._given_rules, self._given_taxonomy, self._given_calendar = rules, taxonomy, calendar

    # -- settings decide() needs (loaded once: the same sources as the seat) ---------------

    @property
    def taxonomy(self):
        if self._taxonomy is None:
            from console.domain.taxonomy import Taxonomy
            from console.taxonomy_source import load_taxonomy

            published = self.published_taxonomy()  # what the seats were given, else the shipped one
            self._taxonomy = Taxonomy.from_dict(published) if published else load_taxonomy(None)
        return self._taxonomy

    @property
    def rules(self):
        if self._rules is None:
            from console.config import rules_from_config

            self._rules = rules_from_config(self.published_rules() or {}, self.taxonomy.nature_names())
        return self._rules

    @property
    def calendar(self):
        if self._calendar is None:
            from console.calendar_source import load_calendar
            from console.wire.calendar_years import with_years

            self._calendar = with_years(load_calendar(), (self.published_calendar() or {}).values())
        return self._calendar

    def unit_codes(self, conn: Connection) -> frozenset[str] | None:
        if self._unit_codes is None:
            codes = frozenset(r[0] for r in conn.execute(select(db.units.c.code)))
            self._unit_codes = codes or None
        return self._unit_codes

    def on_commit(self, callback, rows: bool = False) -> None:
        """Called after every commit that moved what the seats follow (events, reference data,
        enrolments), in the committing thread, before it answers: the tail reads it then.
        `rows`: called as callback(head, rows), with the log rows this commit appended (None
        when it appended none), so the tail need not read them back."""
        (self._row_listeners if rows else self._listeners).append(callback)

    def off_commit(self, callback) -> None:
        for listeners in (self._listeners, self._row_listeners):
            if callback in listeners:
                listeners.remove(callback)

    def _notify(self, head: int, rows: list[dict[str, Any]] | None = None) -> None:
        for callback in list(self._listeners):
            callback(head)
        for with_rows in list(self._row_listeners):
            with_rows(head, rows)

    # -- transactions -------------------------------------------------------------------

    def _write(self):
        conn = self.engine.connect()
        conn.info["immediate"] = True
        return conn

    def _lock_counter(self, conn: Connection, name: str) -> int:
        q = select(db.counters.c.value).where(db.counters.c.name == name)
        if not db.is_sqlite(self.engine):
            q = q.with_for_update()
        return conn.execute(q).scalar_one()

    def _set_counter(self, conn: Connection, name: str, value: int) -> None:
        conn.execute(update(db.counters).where(db.counters.c.name == name).values(value=value))
        if name in db.FOLLOWED:
            db.announce(conn)

    def _bump_counter(self, conn: Connection, name: str) -> None:
        """Move a followed counter without reading it (enrolments: the tails reload the tokens)."""
        conn.execute(update(db.counters).where(db.counters.c.name == name).values(value=db.counters.c.value + 1))
        db.announce(conn)

    # -- seats ---------------------------------------------------------------------------

    def init(self, units=None) -> None:
        db.create_all(self.engine)
        with self._write() as conn, conn.begin():
            empty = conn.execute(select(db.units.c.code).limit(1)).first() is None
        if empty:
            if units is None:
                from console.units_source import load_units

                units = load_units()
            self.publish_units(units)
            from console.kb_source import load_starter

            self.publish_kb(*load_starter())
        if self.published_taxonomy() is None:
            from console.taxonomy_source import load_taxonomy

            self.publish_taxonomy(load_taxonomy(None).to_dict())

    def enroll(self, seat: str, roles: str, unit: str | None = None) -> str:
        """A new token for the seat (replacing an old one); the seat keeps its seat_seq."""
        return self.enroll_many([seat], roles, unit)[seat]

    def enroll_many(self, seats: list[str], roles: str, unit: str | None = None) -> dict[str, str]:
        """New tokens for many seats in one transaction ({seat: token}, in the order given): all
        are checked first, so a bad code enrols none. Each keeps its seat_seq if enrolled before."""
        parsed = parse_roles(roles)
        if unit and parsed != {Role.UNIT.value}:
            raise CentreError("--unit goes with --role unit only")
        if parsed == {Role.UNIT.value} and not unit:
            raise CentreError("--role unit needs --unit CODE: the unit the token speaks for")
        if not seats:
            raise CentreError("no seat given")
        if len(set(seats)) != len(seats):
            raise CentreError(f"seat {next(x for x in seats if seats.count(x) > 1)!r} given twice")
        for name, value, limit in [("unit", unit or "", UNIT_MAX)] + [("seat", x, SEAT_MAX) for x in seats]:
            if not value.isascii() or text_problem(name, value, limit) or (name == "seat" and not value.strip()):
                raise CentreError(f"bad {name} {value!r}: printable ASCII, 1 to {limit} characters")
        tokens = {x: f"hl1_{secrets.token_urlsafe(24)}" for x in seats}
        now = clock.iso(clock.now())
        values = dict(roles=",".join(sorted(parsed)), unit=unit, revoked=False)
        with self._write() as conn, conn.begin():
            known: set[str] = set()
            for i in range(0, len(seats), 500):
                known.update(r[0] for r in conn.execute(select(db.seats.c.seat).where(
                    db.seats.c.seat.in_(seats[i:i + 500]))))
            new = [dict(seat=x, next_seat_seq=1, enrolled_at=now, token_hash=token_hash(tokens[x]), **values)
                   for x in seats if x not in known]
            if new:
                conn.execute(db.seats.insert(), new)
            again = [{"b_seat": x, "b_token_hash": token_hash(tokens[x])} for x in seats if x in known]
            if again:
                conn.execute(update(db.seats).where(db.seats.c.seat == bindparam("b_seat")).values(
                    token_hash=bindparam("b_token_hash"), **values), again)
            self._bump_counter(conn, "seats")
        self._notify(0)
        return tokens

    def revoke(self, seat: str) -> bool:
        with self._write() as conn, conn.begin():
            n = conn.execute(update(db.seats).where(db.seats.c.seat == seat).values(revoked=True)).rowcount
            self._bump_counter(conn, "seats")
        self._notify(0)
        return bool(n)

    def seats(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(
                db.seats.c.seat, db.seats.c.roles, db.seats.c.unit, db.seats.c.revoked,
                db.seats.c.next_seat_seq, db.seats.c.enrolled_at).order_by(db.seats.c.seat))]

    def authenticate(self, token: str | None) -> SeatInfo:
        if not token:
            raise Unauthorized("missing seat token")
        with self.engine.connect() as conn:
            row = conn.execute(select(db.seats).where(db.seats.c.token_hash == token_hash(token))).first()
        if row is None:
            raise Unauthorized("unknown seat token")
        if row.revoked:
            raise Unauthorized(f"seat {row.seat} has been revoked")
        return SeatInfo(row.seat, frozenset(row.roles.split(",")), row.unit)

    # -- push ----------------------------------------------------------------------------

    def push(self, seat: SeatInfo, batch: list[dict]) -> PushOutcome:
        """Apply a seat's events in seat_seq order; per event accepted / duplicate / rejected.

        A rejection is logged with a seq (the seat's queue moves on). Raises Gap when the first
        new event is not the expected seat_seq; nothing is applied then.
        """
        for ev in batch:
            if ev.get("seat") != seat.seat:
                raise Forbidden(f"event {ev.get('id')} names seat {ev.get('seat')!r}, token is for {seat.seat}")
        try:
            return self._push(seat, batch, look_up_all=False)
        except IntegrityError:
            # An id already in the log under a seat_seq still to come (a seat's store made again
            # from a copy, a hostile seat): the whole batch is looked up this time.
            return self._push(seat, batch, look_up_all=True)

    def _push(self, seat: SeatInfo, batch: list[dict], look_up_all: bool) -> PushOutcome:
        outcome = PushOutcome()
        conn = self._write()
        rows: list[dict[str, Any]] = []
        try:
            with conn.begin():
                # The seat's row first: one push of a seat at a time (its seat_seq and duplicates);
                # then its orders' rows; the seq counter only at the end (append_events).
                seat_row = conn.execute(self._locked(select(db.seats, _REFERENCE.label("reference_version"))
                                                     .where(db.seats.c.seat == seat.seat), db.seats)).first()
                if seat_row is None:  # revoked between the token check and this transaction
                    raise Unauthorized(f"seat {seat.seat} is not enrolled")
                expected = seat_row.next_seat_seq
                # An event the log holds came with a seat_seq below the seat's next one: only
                # those can be duplicates (each logged event moved next_seat_seq past its own).
                known = self._known(conn, [ev["id"] for ev in batch
                                           if look_up_all or not isinstance(ev["seat_seq"], int)
                                           or ev["seat_seq"] < expected])
                states = _Batch()
                self._prefetch(conn, {str(ev.get("order_no") or "") for ev in batch}, states)
                ctx = self._context(conn, states, reference=seat_row.reference_version)
                fresh: list[dict[str, Any]] = []  # the results of the new rows: their seqs come at the append
                now = clock.iso(clock.now())
                for ev in batch:
                    if ev["id"] in known:
                        k = known[ev["id"]]
                        outcome.results.append({"id": ev["id"], "status": "duplicate", "seq": k["seq"],
                                                "outcome": k["status"], "reason": k["reason"], "code": k["code"]})
                        continue
                    if ev["seat_seq"] != expected:
                        if not rows:
                            raise Gap(f"expected seat_seq {expected}, got {ev['seat_seq']}", expected=expected)
                        break  # apply what came before the gap; the seat re-sends the rest
                    expected += 1
                    status, reason, code = self._decide(conn, seat, ev, states, ctx)
                    rows.append({**_log_fields(ev, status == "accepted"), "received_at": now,
                                 "status": status, "reason": storable(reason, REASON_MAX) or None,
                                 "code": storable(code, 32) or None})
                    fresh.append({"id": ev["id"], "status": status, "seq": 0, "reason": reason, "code": code})
                    outcome.results.append(fresh[-1])
                fault_point("centre.push.before_commit")  # decided, nothing written: the append commits
                if rows:
                    outcome.head = self.append_events(conn, rows, states, (seat.seat, expected, now), commit=True)
                    for result, row in zip(fresh, rows, strict=True):
                        result["seq"] = row["seq"]
                else:
                    conn.execute(update(db.seats).where(db.seats.c.seat == seat.seat).values(last_seen=now))
                    outcome.head = self._counter(conn, "seq")
        finally:
            conn.close()
        try:
            fault_point("centre.push.after_commit")
        finally:  # committed: the tail learns of it whatever becomes of the answer
            if rows:
                self._notify(outcome.head, rows)
        return outcome

    def _locked(self, query, *of):
        """`query` FOR UPDATE (of the tables `of`, else all) on PostgreSQL: row locks held to
        commit; SQLite's BEGIN IMMEDIATE already holds the whole file."""
        if db.is_sqlite(self.engine):
            return query
        return query.with_for_update(of=list(of)) if of else query.with_for_update()

    @staticmethod
    def _counter(conn: Connection, name: str) -> int:
        return int(conn.execute(select(db.counters.c.value).where(db.counters.c.name == name)).scalar_one())

    def append_events(self, conn: Connection, rows: list[dict[str, Any]], states: _Batch,
                      seat: tuple[str, int, str], commit: bool = False) -> int:
        """Everything a batch of new log rows writes, as the last step of its transaction (after
        the seat's and the orders' rows were locked and decided): the orders they changed, the
        seat's next seat_seq and last contact `seat` (seat, next, when), the leases their
        dispatches ended, the rows with their seqs, the new head and the NOTIFY other processes
        get at commit; returns the head and sets each row's "seq". Pushes and the units' actions
        both come here. Only this step holds the seq counter; on PostgreSQL it is one statement
        (console/centre/append.py). `commit`: nothing follows in the transaction; on PostgreSQL
        its COMMIT goes in the statement's round trip (SQLite commits as the caller's block ends)."""
        name, next_seat_seq, when = seat
        if not db.is_sqlite(self.engine):
            from console.centre.append import append_pg

            return append_pg(conn, rows, self._order_rows(states), name, next_seat_seq, when,
                             sorted(states.leases_ended), self.origin, commit)
        if states.leases_ended:
            conn.execute(db.leases.delete().where(db.leases.c.order_no.in_(sorted(states.leases_ended))))
        conn.execute(update(db.seats).where(db.seats.c.seat == name)
                     .values(next_seat_seq=next_seat_seq, last_seen=when))
        head = self._lock_counter(conn, "seq")
        for row in rows:
            head += 1
            row["seq"] = head
        conn.execute(db.events.insert(), rows)
        self._save_states(conn, states, head)
        self._set_counter(conn, "seq", head)
        return head

    def _known(self, conn: Connection, ids: list[str]) -> dict[str, dict]:
        found = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for r in conn.execute(select(db.events.c.id, db.events.c.seq, db.events.c.status, db.events.c.reason,
                                         db.events.c.code).where(db.events.c.id.in_(chunk))):
                found[r.id] = dict(r._mapping)
        return found

    def _context(self, conn: Connection, states: _Batch, reference: int | None = None) -> Context:
        """What decide() needs besides the order. `reference`: the reference version, when the
        caller read it already (a round trip less)."""
        self._follow_reference(self._lock_free_reference(conn) if reference is None else reference)
        if self._operator_table is None:  # the accounts change only with a publication (operators.py)
            self._operator_table = self._read_operators(conn)
        states.operators = self._operator_table

        def lookup(number: str):
            return self._state(conn, number, states)

        def lease_fence(number: str) -> int | None:
            if number in states.leases_ended:  # a dispatch earlier in this batch ended it
                return None
            return conn.execute(select(db.leases.c.fence).where(db.leases.c.order_no == number)).scalar()

        return Context(rules=self.rules, calendar=self.calendar, lookup=lookup,
                       unit_codes=self.unit_codes(conn), valid_content_path=self.taxonomy.is_valid_path,
                       lease_fence=lease_fence)

    def follow_reference(self) -> None:
        """Drop the cached settings if reference data was published since they were read (by
        any process): for a reader of the log that does not push (the rollups' own process)."""
        with self.engine.connect() as conn:
            self._follow_reference(self._lock_free_reference(conn))

    def _follow_reference(self, seen: int) -> None:
        if seen != self._reference_seen:  # published since (maybe by another process): read afresh
            self._rules, self._taxonomy, self._unit_codes = self._given_rules, self._given_taxonomy, None
            self._calendar = self._given_calendar
            self._operator_table = None
            self._reference_seen = seen

    @staticmethod
    def _lock_free_reference(conn: Connection) -> int:
        return conn.execute(select(db.counters.c.value).where(db.counters.c.name == "reference")).scalar_one()

    def _state(self, conn: Connection, number: str, states: _Batch) -> OrderState | None:
        if number not in states.states:
            row = conn.execute(self._locked(select(db.orders.c.state).where(db.orders.c.number == number))).first()
            states.states[number] = state_from_json(row[0]) if row else None
            if row:
                states.stored.add(number)
        return states.states[number]

    def _decide(self, conn: Connection, seat: SeatInfo, ev: dict, states: _Batch, ctx: Context):
        """(status, reason, code) for one event; an accepted one is folded into `states`."""
        bad = wire_problem(ev) or order_number_problem(ev["order_no"])
        if bad:
            return "rejected", bad[1], bad[0]
        try:
            event = to_domain(ev)
        except PayloadError as exc:  # the same refusal the seat's store gives
            return "rejected", exc.reason, exc.code
        except (KeyError, ValueError, TypeError) as exc:
            return "rejected", f"事件格式错误：{exc}", "bad_event"
        role = event.actor.role
        if role.value not in seat.roles:
            return "rejected", f"坐席 {seat.seat} 未获授权以{ROLE_LABELS[role]}身份操作", "seat_role"
        if role == Role.UNIT and seat.unit and event.actor.unit != seat.unit:
            return "rejected", f"只能代表本单位（{seat.unit}）操作", "seat_role"
        refused = self._operator_refusal(conn, event.actor, states)
        if refused:
            return "rejected", refused, "operator"
        state = self._state(conn, event.order, states)
        try:
            decision = decide(state, event, event.actor, ctx)
            new_state = apply(state, event, self.rules) if decision.ok else None
        except Exception as exc:  # noqa: BLE001 - a poison event is refused and logged, never retried forever
            log("centre").exception("event %s of seat %s refused: the centre could not decide it", event.id, seat.seat)
            return "rejected", f"中心无法处理此事件：{type(exc).__name__}: {exc}"[:300], "internal"
        if not decision.ok:
            return "rejected", decision.reason, decision.code
        states.states[event.order] = new_state
        states.dirty.add(event.order)
        if event.kind in (Kind.DISPATCHED, Kind.REDISPATCHED):  # the lease's work is done
            states.leases_ended.add(event.order)
        return "accepted", "", ""

    def _prefetch(self, conn: Connection, numbers: set[str], states: _Batch) -> None:
        """Read the batch's orders in a few queries instead of one per event."""
        wanted = sorted(n for n in numbers if n and n not in states.states and not order_number_problem(n))
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            found = dict(conn.execute(self._locked(select(db.orders.c.number, db.orders.c.state)
                                                   .where(db.orders.c.number.in_(chunk)))).all())
            for number in chunk:
                states.states[number] = state_from_json(found[number]) if number in found else None
            states.stored.update(found)

    @staticmethod
    def _order_rows(states: _Batch) -> list[dict[str, str]]:
        """The orders the batch changed, as their c_orders columns (without last_seq)."""
        out = []
        for number in sorted(states.dirty):
            s = states.states[number]
            assert s is not None  # dirty = folded in this batch
            out.append(dict(number=number, status=s.status.value, lead_unit=s.lead_unit or "", state=state_to_json(s)))
        states.dirty.clear()
        return out

    def _save_states(self, conn: Connection, states: _Batch, seq: int) -> None:
        """SQLite's write of the batch's orders (PostgreSQL's is in the append statement)."""
        inserts, updates = [], []
        for row in self._order_rows(states):
            if row["number"] in states.stored:
                updates.append({f"b_{k}": v for k, v in row.items()} | {"b_last_seq": seq})
            else:
                inserts.append(row | {"last_seq": seq})
                states.stored.add(row["number"])
        if inserts:
            conn.execute(db.orders.insert(), inserts)
        if updates:
            conn.execute(update(db.orders).where(db.orders.c.number == bindparam("b_number")).values(
                **{k: bindparam(f"b_{k}") for k in ("status", "lead_unit", "last_seq", "state")}), updates)

    # -- pull ----------------------------------------------------------------------------

    def head(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(db.counters.c.value).where(db.counters.c.name == "seq")).scalar_one()

    def pull(self, after: int, limit: int) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.events).where(db.events.c.seq > after)
                                .order_by(db.events.c.seq).limit(limit)).mappings().all()
        out = []
        for r in rows:
            d = dict(r)
            d["payload"] = json.loads(d["payload"])
            out.append(d)
        return out

    # -- the log as histories (figures) ---------------------------------------------------

    def unit_kinds(self) -> dict[str, str]:
        """Each published unit's kind: its peer group in the ranking."""
        with self.engine.connect() as conn:
            return {r.code: r.kind for r in conn.execute(select(db.units.c.code, db.units.c.kind))}

    def histories(self):
        """Each order's accepted events in seq order (the authoritative fold), order by order."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.events).where(db.events.c.status == "accepted")
                                .order_by(db.events.c.order_no, db.events.c.seq)).mappings()
            yield from by_order(rows)

    # -- checks used by tests and `hotline centre check` --------------------------------

    def check(self) -> list[str]:
        """Invariants: seq gap-free from 1, one event per (seat, seat_seq), projection = fold."""
        problems = []
        with self.engine.connect() as conn:
            seqs = [r[0] for r in conn.execute(select(db.events.c.seq).order_by(db.events.c.seq))]
            head = conn.execute(select(db.counters.c.value).where(db.counters.c.name == "seq")).scalar_one()
            if seqs != list(range(1, len(seqs) + 1)) or head != len(seqs):
                problems.append(f"global seq not gap-free (head {head}, {len(seqs)} events)")
            folded: dict[str, OrderState] = {}
            for r in conn.execute(select(db.events).where(db.events.c.status == "accepted")
                                  .order_by(db.events.c.seq)).mappings():
                ev = to_domain(r)
                folded[ev.order] = apply(folded.get(ev.order), ev, self.rules)
            stored = {r.number: r.state for r in conn.execute(select(db.orders.c.number, db.orders.c.state))}
        for number in sorted(set(folded) | set(stored)):
            if number not in folded or number not in stored or state_to_json(folded[number]) != stored[number]:
                problems.append(f"order {number}: stored state differs from the fold of its events")
        return problems

    def order_states(self) -> dict[str, OrderState]:
        with self.engine.connect() as conn:
            return {r.number: state_from_json(r.state)
                    for r in conn.execute(select(db.orders.c.number, db.orders.c.state))}
