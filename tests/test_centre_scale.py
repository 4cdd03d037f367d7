"""The centre at a city's scale (issue 12): waiting seats cost no query each, several centre
processes share one PostgreSQL and hand each other's events to their seats, a busy centre sheds
load with 503 + Retry-After that the seat honours, and `hotline centre enroll` takes many seats.

Nothing here asserts a speed (bench/centre_load_bench.py measures that)."""

from __future__ import annotations

import json
import random
import threading
import time

import httpx
import pytest
from sqlalchemy import event
from sync_support import (
    CentreProcess,
    assert_converged,
    centre_db,
    client,
    create_order,
    dispatch,
    make_seat,
    new_centre,
    pg_schema,
    require_pg,
)

from console.sync.session import pull, push_pending, sync_once
from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION


def _app(server):
    return server.server.config.app


def _pull(url: str, token: str, after: int, wait: float) -> httpx.Response:
    return httpx.get(f"{url}/v1/sync/pull", params={"after": after, "wait": wait}, timeout=wait + 30,
                     headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token}"})


def test_waiting_seats_cost_no_query_each_and_all_get_the_event(served_centre, tmp_path):
    """R-01/R-34 (every event reaches every seat, nothing lost): 40 seats long-poll one centre
    process; while they wait, and when one event is pushed and handed to all 40, the database
    sees a handful of queries in all, not one (or one a second) per waiting seat."""
    centre, server, url = served_centre
    tokens = [centre.enroll(f"W{i:02d}", "all") for i in range(40)]
    pusher = make_seat(tmp_path, "S01", centre, server.url)
    head = centre.head()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    answers: dict[int, dict] = {}

    def wait_for_event(i: int) -> None:
        answers[i] = _pull(server.url, tokens[i], head, 20).json()

    threads = [threading.Thread(target=wait_for_event, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    tail = _app(server).state.tail
    deadline = time.monotonic() + 20
    while tail.waiting < len(tokens) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert tail.waiting == len(tokens), "the seats' long polls did not all start waiting"
    event.listen(centre.engine, "before_cursor_execute", count)
    try:
        time.sleep(2.0)
        idle = len(statements)
        number = create_order(pusher)
        push_pending(pusher, client(pusher))
        for t in threads:
            t.join(30)
    finally:
        event.remove(centre.engine, "before_cursor_execute", count)
    assert idle <= 6, f"{idle} queries in 2 s of 40 waiting seats: {statements[:10]}"
    pull_reads = [s for s in statements if "FROM c_events" in s and "c_events.seq >" in s]
    # the push's own read, and the timer's (once a second on SQLite): one per process, not per seat
    assert len(pull_reads) <= 8, f"{len(pull_reads)} reads of the log for one push to 40 seats"
    assert len(answers) == 40
    for answer in answers.values():
        assert [e["order_no"] for e in answer["events"]] == [number] and answer["head"] == head + 1


def test_what_the_tail_hands_out_of_a_push_is_what_the_database_holds(served_centre, tmp_path):
    """R-34 (the seats converge on the centre's log): the tail holds a push's rows as the pusher
    committed them, without reading them back; a pull answered from that copy carries exactly the
    events a pull from the database carries."""
    centre, server, url = served_centre
    writer = make_seat(tmp_path, "S01", centre, server.url)
    numbers = []
    for i in range(4):
        numbers.append(create_order(writer, i))
        push_pending(writer, client(writer))
    dispatch(writer, numbers[0])
    push_pending(writer, client(writer))
    token = centre.enroll("W01", "all")
    tail = _app(server).state.tail
    # (a timer's or a notification's read may take a commit before its pusher does: not all five)
    assert tail.taken >= 1, "no push's rows were held without a read"
    held = _pull(server.url, token, 0, 0).json()
    tail.forget()  # now the same pull reads the database
    from_db = _pull(server.url, token, 0, 0).json()
    assert held["head"] == from_db["head"] == centre.head() >= 5
    assert held["events"] == from_db["events"]
    assert [e["seq"] for e in held["events"]] == list(range(1, centre.head() + 1))


def test_a_revoked_token_is_refused_even_from_the_tails_memory(served_centre):
    """A token the tail holds in memory stops working once revoked, by this process or by
    `hotline centre revoke` in another (which the tail learns at its next read)."""
    from console.centre.db import make_engine
    from console.centre.service import Centre

    centre, server, url = served_centre
    token = centre.enroll("S07", "agent")
    assert _pull(server.url, token, 0, 0).status_code == 200
    other = Centre(make_engine(url))  # as the CLI would: another engine, another process's view
    assert other.revoke("S07")
    other.engine.dispose()
    deadline = time.monotonic() + 15
    status = 200
    while time.monotonic() < deadline and status == 200:
        status = _pull(server.url, token, 0, 0).status_code
        time.sleep(0.2)
    assert status == 401


def test_a_pull_the_centre_cannot_take_now_is_answered_503_with_retry_after(served_centre, tmp_path):
    """A seat far behind reads the database; when more such reads wait than the centre allows,
    the answer is at once 503 with Retry-After, the seat's backoff waits at least that long
    (plus jitter), and nothing is lost: the next pull, when there is room, brings everything."""
    from console.centre.shed import Gate
    from console.sync.backoff import Backoff
    from console.sync.client import Unavailable

    centre, server, url = served_centre
    writer = make_seat(tmp_path, "S01", centre, server.url)
    numbers = [create_order(writer, i) for i in range(3)]
    push_pending(writer, client(writer))
    reader = make_seat(tmp_path, "S02", centre, server.url)
    app = _app(server)
    app.state.tail.forget()  # as after a restart: S02's pull from 0 must read the database
    roomy, app.state.gates.read = app.state.gates.read, Gate("database reads", size=1, queue=0)
    with pytest.raises(Unavailable) as refused:
        pull(reader, client(reader))
    assert refused.value.retry_after is not None and 1 <= refused.value.retry_after <= 5
    waits = [Backoff(rng=random.Random(i)).next(refused.value.retry_after) for i in range(20)]
    assert all(refused.value.retry_after <= w <= 2 * refused.value.retry_after for w in waits)
    assert len(set(waits)) == len(waits)  # spread, not in step
    assert reader.list_orders(limit=None) == []
    app.state.gates.read = roomy
    sync_once(reader, client(reader))
    assert sorted(r["number"] for r in reader.list_orders(limit=None)) == sorted(numbers)
    assert_converged(centre, [writer, reader])


@pytest.mark.postgres
def test_several_centre_processes_on_one_postgresql_hand_each_other_their_seats_events(tmp_path):
    """R-01/R-34 across processes: two `hotline centre serve` processes, one of them with
    --workers 2, on one PostgreSQL, with seats on each. Their tails' timers are set to an hour, so
    an event pushed through one process can reach a seat waiting on the other only by NOTIFY;
    then every seat converges with the centre, nothing lost or doubled, seq gap-free."""
    require_pg()
    with pg_schema() as url:
        centre = new_centre(url)
        slow_timer = {"HOTLINE_CENTRE_TAIL_POLL": "3600"}
        one = CentreProcess(url, env=slow_timer).start()
        two = CentreProcess(url, args=("--workers", "2"), env=slow_timer).start()
        try:
            a = [make_seat(tmp_path, f"A{i}", centre, one.url) for i in range(3)]
            b = [make_seat(tmp_path, f"B{i}", centre, two.url) for i in range(3)]
            time.sleep(1.0)  # each process LISTENs (and has read the enrolments) before the pushes
            head = centre.head()
            waited: dict[str, dict] = {}

            def wait_on_two(store) -> None:
                waited[store.seat] = _pull(two.url, client(store).token, head, 25).json()

            waiters = [threading.Thread(target=wait_on_two, args=(s,)) for s in b]
            for t in waiters:
                t.start()
            time.sleep(1.0)
            number = create_order(a[0])
            push_pending(a[0], client(a[0]))  # through process one
            for t in waiters:
                t.join(40)
            for seat in b:
                assert [e["order_no"] for e in waited[seat.seat]["events"]] == [number], seat.seat
            for i, store in enumerate(a + b):
                for k in range(3):
                    made = create_order(store, 100 * i + k)
                    if k == 0:
                        dispatch(store, made)
                push_pending(store, client(store))
            for _ in range(2):
                for store in a + b:
                    sync_once(store, client(store))
            assert_converged(centre, a + b)
        finally:
            one.kill()
            two.kill()
            centre.engine.dispose()


def test_enroll_takes_many_seats_in_one_call(tmp_path, capsys):
    """`hotline centre enroll S001 S002 ... --role agent [--json]`: one token per seat, one JSON
    object per line with --json; a seat given twice or a bad code enrols none of them."""
    from console.centre.db import make_engine
    from console.centre.service import Centre
    from console.cli import main

    db = str(tmp_path / "centre.db")
    assert main(["centre", "init", "--db", db]) == 0
    capsys.readouterr()
    assert main(["centre", "enroll", "S001", "S002", "S003", "--role", "agent", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["S001", "S002", "S003"]
    centre = Centre(make_engine(db))
    for line in lines:
        seat, token = line.split()
        assert centre.authenticate(token).seat == seat
    assert main(["centre", "enroll", "S003", "S004", "--role", "agent,dispatcher", "--json", "--db", db]) == 0
    objects = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(o["seat"], o["roles"], o["unit"]) for o in objects] == [
        ("S003", ["agent", "dispatcher"], None), ("S004", ["agent", "dispatcher"], None)]
    assert centre.authenticate(objects[0]["token"]).roles == {"agent", "dispatcher"}
    from console.centre.model import Unauthorized

    with pytest.raises(Unauthorized):  # S003's earlier token was replaced
        centre.authenticate(lines[2].split()[1])
    assert main(["centre", "enroll", "S005", "S005", "--role", "agent", "--db", db]) == 2
    assert main(["centre", "enroll", "S006", "bad\x01", "--role", "agent", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "given twice" in err and "bad seat" in err and "Traceback" not in err
    assert {s["seat"] for s in centre.seats()} == {"S001", "S002", "S003", "S004"}
    assert main(["centre", "enroll", "S001", "--role", "agent", "--db", db]) == 0
    assert capsys.readouterr().out.strip().startswith("hl1_")  # one seat: the token alone, as before


def test_a_centre_that_sheds_a_push_loses_nothing(tmp_path):
    """A push refused with 503 (too many waiting) leaves the seat's outbox as it was; the next
    push, when there is room, delivers it once."""
    from console.centre.local import LocalCentre
    from console.centre.shed import Gate
    from console.sync.client import Unavailable

    with centre_db("sqlite", tmp_path) as url:
        centre = new_centre(url)
        with LocalCentre(centre) as server:
            seat = make_seat(tmp_path, "S01", centre, server.url)
            number = create_order(seat)
            app = server.server.config.app
            roomy, app.state.gates.push = app.state.gates.push, Gate("pushes", size=1, queue=0)
            with pytest.raises(Unavailable) as refused:
                push_pending(seat, client(seat))
            assert refused.value.retry_after is not None
            assert seat.outbox_count() == 1 and centre.head() == 0
            app.state.gates.push = roomy
            push_pending(seat, client(seat))
            assert seat.outbox_count() == 0 and centre.head() == 1
            assert_converged(centre, [seat])
            assert number in centre.order_states()
