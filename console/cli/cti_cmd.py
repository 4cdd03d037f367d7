"""`hotline cti simulate`: a telephone system driving calls at the demo seats through the centre's
CTI API (issue 14), so a trainee sees the screen pop: ringing, answered, hung up."""

from __future__ import annotations

import time
import uuid

from console.cli.common import number_in
from console.cli.errors import CliError


def register(sub) -> None:
    group = sub.add_parser("cti", help="the telephone system's link (CTI)")
    gsub = group.add_subparsers(dest="cti_command", metavar="ACTION", required=True)
    p = gsub.add_parser("simulate", help="ring, answer and hang up calls at seats through the centre")
    p.add_argument("--centre", required=True, metavar="URL", help="the centre, e.g. http://127.0.0.1:8345")
    p.add_argument("--key", required=True, help="a telephone system's token (hotline centre client add NAME --kind cti)")
    p.add_argument("--seat", action="append", required=True, help="a seat to ring (repeat for several, in turn)")
    p.add_argument("--calls", type=number_in(1, 10_000), default=1, help="how many calls (default 1)")
    p.add_argument("--caller", default="", help="the caller's number (default: a made-up 1380000NNNN)")
    p.add_argument("--ring", type=number_in(0, 600, float), default=2.0, help="seconds ringing before it is answered")
    p.add_argument("--talk", type=number_in(0, 3600, float), default=5.0, help="seconds talking before hanging up")
    p.set_defaults(func=cmd_simulate)


def cmd_simulate(args) -> int:
    import httpx

    from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {args.key}"}
    with httpx.Client(base_url=args.centre.rstrip("/"), timeout=10) as http:

        def post(body: dict) -> None:
            try:
                r = http.post("/v1/cti/events", json=body, headers=headers)
            except httpx.HTTPError as exc:
                raise CliError(f"centre unreachable at {args.centre}: {type(exc).__name__}", 1)
            if r.status_code >= 400:
                detail = r.json().get("message", "") if "json" in r.headers.get("content-type", "") else r.text[:200]
                raise CliError(f"the centre refused {body['event']} of {body['call_id']} ({r.status_code}): {detail}", 1)

        for n in range(args.calls):
            seat = args.seat[n % len(args.seat)]
            call_id = f"sim-{uuid.uuid4().hex[:12]}"
            caller = args.caller or f"1380000{(n + 1) % 10000:04d}"
            post({"call_id": call_id, "event": "ringing", "caller": caller, "seat": seat})
            print(f"{call_id}: {caller} ringing at {seat}", flush=True)
            time.sleep(args.ring)
            post({"call_id": call_id, "event": "answered"})
            time.sleep(args.talk)
            post({"call_id": call_id, "event": "hung_up"})
            print(f"{call_id}: answered, hung up after {args.talk:g} s", flush=True)
    return 0
