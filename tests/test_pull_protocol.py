"""The long poll answered by the connection (console/centre/pull_protocol.py), as `hotline centre
serve` runs it, seen by a raw HTTP/1.1 client: keep-alive, a request pipelined behind a waiting
pull, a client that goes away while waiting, `Connection: close`, a centre stopping under waiting
seats; and the same pull through the ASGI app (fast=False) answers the same. R-34: every seat
gets every event, in seq order. Nothing here asserts a speed."""

from __future__ import annotations

import json
import socket
import time

import pytest
from sync_support import client, create_order, make_seat, new_centre

from console.centre.local import LocalCentre
from console.sync.session import push_pending
from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, TIME_HEADER


def _request(token: str, after: int, wait: float, extra: str = "") -> bytes:
    return (f"GET /v1/sync/pull?after={after}&wait={wait:g} HTTP/1.1\r\nHost: centre\r\n"
            f"{PROTOCOL_HEADER}: {PROTOCOL_VERSION}\r\nAuthorization: Bearer {token}\r\n{extra}\r\n").encode()


def _read_answer(sock: socket.socket, buffer: bytearray) -> tuple[int, dict[str, str], dict]:
    """One HTTP answer from the socket (what is left over stays in `buffer`)."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, "the centre closed the connection before answering"
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(fields["content-length"])
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk
        rest += chunk
    buffer[:] = rest[length:]
    return status, fields, json.loads(rest[:length])


@pytest.fixture(params=[True, False], ids=["connection", "asgi"])
def centre_and_seat(request, tmp_path):
    centre = new_centre(str(tmp_path / "centre.db"))
    with LocalCentre(centre, fast=request.param) as server:
        yield centre, server, make_seat(tmp_path, "S01", centre, server.url)
    centre.engine.dispose()


def _connect(server: LocalCentre) -> socket.socket:
    host, port = server.url.split("//", 1)[1].rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=20)
    return sock


def _wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert condition()


def _tail(server: LocalCentre):
    return server.server.config.app.state.tail


def test_a_waiting_pull_gets_the_pushed_event_and_the_connection_stays_open(centre_and_seat):
    centre, server, seat = centre_and_seat
    token = centre.enroll("W01", "all")
    with _connect(server) as sock:
        buffer = bytearray()
        sock.sendall(_request(token, 0, 10))
        _wait_until(lambda: _tail(server).waiting == 1)
        number = create_order(seat)
        push_pending(seat, client(seat))
        status, fields, answer = _read_answer(sock, buffer)
        assert status == 200 and fields["content-type"] == "application/json"
        assert TIME_HEADER.lower() in fields and "connection" not in fields
        assert [(e["seq"], e["order_no"]) for e in answer["events"]] == [(1, number)] and answer["head"] == 1
        sock.sendall(_request(token, 1, 0))  # the same connection, kept alive: nothing new
        status, _, answer = _read_answer(sock, buffer)
        assert status == 200 and answer["events"] == [] and answer["head"] == 1
        _wait_until(lambda: _tail(server).waiting == 0)


def test_a_request_pipelined_behind_a_waiting_pull_is_answered_after_it(centre_and_seat):
    centre, server, seat = centre_and_seat
    token = centre.enroll("W01", "all")
    number = create_order(seat)
    push_pending(seat, client(seat))
    with _connect(server) as sock:
        buffer = bytearray()
        sock.sendall(_request(token, 1, 1) + _request(token, 0, 0))  # wait 1 s, then a pull from 0
        first = _read_answer(sock, buffer)
        second = _read_answer(sock, buffer)
    assert first[0] == 200 and first[2]["events"] == [] and first[2]["head"] == 1
    assert second[0] == 200 and [e["order_no"] for e in second[2]["events"]] == [number]


def test_a_seat_that_goes_away_while_waiting_is_forgotten(tmp_path):
    """(The connection's protocol only: an ASGI app hears of a disconnect only when it reads the
    request's body, which a pull does not; its wait runs out instead.)"""
    centre = new_centre(str(tmp_path / "centre.db"))
    with LocalCentre(centre) as server:
        _goes_away(centre, server, make_seat(tmp_path, "S01", centre, server.url))
    centre.engine.dispose()


def _goes_away(centre, server, seat) -> None:
    token = centre.enroll("W01", "all")
    sock = _connect(server)
    sock.sendall(_request(token, 0, 30))
    _wait_until(lambda: _tail(server).waiting == 1)
    sock.close()
    _wait_until(lambda: _tail(server).waiting == 0)
    create_order(seat)
    push_pending(seat, client(seat))  # the wake finds no one; the centre serves on
    with _connect(server) as again:
        again.sendall(_request(token, 0, 0))
        status, _, answer = _read_answer(again, bytearray())
    assert status == 200 and [e["seq"] for e in answer["events"]] == [1]


def test_connection_close_is_honoured(centre_and_seat):
    centre, server, _seat = centre_and_seat
    token = centre.enroll("W01", "all")
    with _connect(server) as sock:
        sock.sendall(_request(token, 0, 0, "Connection: close\r\n"))
        status, fields, _ = _read_answer(sock, bytearray())
        assert status == 200 and fields.get("connection") == "close"
        assert sock.recv(1) == b""  # closed by the centre


def test_a_stopping_centre_answers_its_waiting_seats_at_once(tmp_path):
    """The seats move to the next centre (or this one, restarted) without waiting out their poll."""
    centre = new_centre(str(tmp_path / "centre.db"))
    server = LocalCentre(centre).start()
    token = centre.enroll("W01", "all")
    sock = _connect(server)
    sock.sendall(_request(token, 0, 30))
    _wait_until(lambda: _tail(server).waiting == 1)
    started = time.monotonic()
    server.stop()
    status, fields, answer = _read_answer(sock, bytearray())
    assert status == 200 and answer["events"] == [] and fields.get("connection") == "close"
    assert time.monotonic() - started < 10  # not the 30 s the seat asked to wait
    sock.close()
    centre.engine.dispose()


def test_a_pull_with_a_body_meets_the_body_limit(centre_and_seat):
    """A pull has no body; one that declares a huge one is refused at once (413), not read."""
    centre, server, _seat = centre_and_seat
    token = centre.enroll("W01", "all")
    with _connect(server) as sock:
        sock.sendall(_request(token, 0, 0, "Content-Length: 1000000000\r\n"))
        status, _, answer = _read_answer(sock, bytearray())
    assert status == 413 and answer["error"]


def test_a_pull_the_app_answers_also_waits_for_the_push(centre_and_seat):
    """A pull neither fast path takes (here: it came with a small body) waits in the app, on the
    same wake as every other seat, and gets the event."""
    centre, server, seat = centre_and_seat
    token = centre.enroll("W01", "all")
    with _connect(server) as sock:
        sock.sendall(_request(token, 0, 10, "Content-Length: 2\r\n") + b"{}")
        _wait_until(lambda: _tail(server).waiting == 1)
        number = create_order(seat)
        push_pending(seat, client(seat))
        status, _, answer = _read_answer(sock, bytearray())
    assert status == 200 and [e["order_no"] for e in answer["events"]] == [number]
    _wait_until(lambda: _tail(server).waiting == 0)


def _waiting_seats(centre, server, n: int) -> list[tuple[socket.socket, bytearray, str]]:
    seats = []
    for i in range(n):
        token = centre.enroll(f"W{i:02d}", "all")
        sock = _connect(server)
        sock.sendall(_request(token, centre.head(), 30))
        seats.append((sock, bytearray(), token))
    _wait_until(lambda: _tail(server).waiting == n)
    return seats


def test_a_push_wakes_the_waiting_seats_once(centre_and_seat):
    """One round of wakes per change: the seats that come back to wait for the next event are not
    woken again by the push's backstop (console/centre/tail.py run_deferring_wake)."""
    centre, server, seat = centre_and_seat
    seats = _waiting_seats(centre, server, 3)
    tail = _tail(server)
    rounds = tail.rounds
    number = create_order(seat)
    push_pending(seat, client(seat))
    for sock, buffer, token in seats:
        _, _, answer = _read_answer(sock, buffer)
        assert [e["order_no"] for e in answer["events"]] == [number]
        sock.sendall(_request(token, answer["head"], 30))  # back to wait
    _wait_until(lambda: tail.waiting == 3)
    time.sleep(0.3)  # past the backstop's 50 ms
    assert tail.rounds == rounds + 1 and tail.waiting == 3
    for sock, _, _ in seats:
        sock.setblocking(False)
        with pytest.raises(BlockingIOError):  # nothing more was said to anyone
            sock.recv(1)
        sock.close()


def test_a_costly_round_of_wakes_does_not_hold_the_next_one_back_for_long(centre_and_seat):
    """Under a stream of commits the next round waits `share` times the last round's cost, but
    never more than `most` seconds: a round that took 100 s (as a round carrying a great deal
    may take the seats) still lets a seat waiting 30 s have the next event, not the timeout."""
    centre, server, seat = centre_and_seat
    (sock, buffer, token), = _waiting_seats(centre, server, 1)
    tail = _tail(server)
    create_order(seat)
    push_pending(seat, client(seat))
    _, _, first = _read_answer(sock, buffer)
    sock.sendall(_request(token, first["head"], 30))
    _wait_until(lambda: tail.waiting == 1)
    tail.round_cost = 100.0  # once the round is over (its last seat back measures it)
    number = create_order(seat, 1)
    push_pending(seat, client(seat))
    started = time.monotonic()
    _, _, second = _read_answer(sock, buffer)
    assert [e["order_no"] for e in second["events"]] == [number]
    assert time.monotonic() - started < 10  # the interval's bound (0.25 s), not the 300 s the cost asks
    sock.close()
