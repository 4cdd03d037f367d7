"""`hotline channels list|simulate`: the order channels, and a gateway that posts written messages
to a centre (issue 14), so the seats' message queue is alive in a demo or a training room."""

from __future__ import annotations

import time

from console.cli.common import echo, number_in
from console.cli.errors import CliError

# What citizens write (made up for the simulation; no real person's words or number).
SAMPLES = (
    ("幸福路88号幸福家园3栋楼下的路灯坏了一周了，晚上很黑，请尽快修理。", "幸福路88号幸福家园"),
    ("请问灵活就业人员的养老保险在哪里办理，需要带什么材料？", ""),
    ("建设路与人民路交叉口的井盖缺失，很危险，请派人处理。", "建设路与人民路交叉口"),
    ("小区门口的早餐店油烟直排，楼上住户无法开窗。", "东湖路12号东湖小区"),
    ("公交12路晚上的末班车经常提前发车，等不到车。", ""),
    ("我家自来水发黄已经三天了，物业说不归他们管。", "江滨路6号滨江花园"),
)


def register(sub) -> None:
    group = sub.add_parser("channels", help="the order channels; simulate a message gateway")
    gsub = group.add_subparsers(dest="channels_command", metavar="ACTION", required=True)
    p = gsub.add_parser("list", help="the configured channels (console/kb_data/channels.toml)")
    p.set_defaults(func=cmd_list)
    p = gsub.add_parser("simulate", help="post written messages to a centre as a gateway would")
    p.add_argument("--centre", required=True, metavar="URL", help="the centre, e.g. http://127.0.0.1:8345")
    p.add_argument("--key", required=True, help="a gateway token (hotline centre client add NAME --kind gateway)")
    p.add_argument("--channel", default="短信", help="a written channel (default 短信)")
    p.add_argument("--count", type=number_in(1, 10_000), default=6, help="how many messages (default 6)")
    p.add_argument("--interval", type=number_in(0, 3600, float), default=0.0,
                   help="seconds between messages (default 0)")
    p.add_argument("--prefix", default="sim", help="message ids are PREFIX-N (posting again is idempotent)")
    p.set_defaults(func=cmd_simulate)


def cmd_list(args) -> int:
    from console.channels_source import shipped_channels

    for c in shipped_channels().channels:
        what = ["written" if c.written else "taken by an agent"] + (["same-day reply (M-03)"] if c.same_day_reply else [])
        echo(f"{c.name}  {', '.join(what)}" + (f"  aliases: {', '.join(c.aliases)}" if c.aliases else ""))
    return 0


def cmd_simulate(args) -> int:
    import httpx

    from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {args.key}"}
    posted = repeated = 0
    with httpx.Client(base_url=args.centre.rstrip("/"), timeout=10) as http:
        for n in range(1, args.count + 1):
            text, address = SAMPLES[(n - 1) % len(SAMPLES)]
            body = {"message_id": f"{args.prefix}-{n}", "text": text, "address": address,
                    "sender_phone": f"1380000{n % 10000:04d}"}
            try:
                r = http.post(f"/v1/channels/{args.channel}/messages", json=body, headers=headers)
            except httpx.HTTPError as exc:
                raise CliError(f"centre unreachable at {args.centre}: {type(exc).__name__}", 1)
            if r.status_code >= 400:
                message = r.json().get("message", "") if r.headers.get("content-type", "").startswith(
                    "application/json") else r.text[:200]
                raise CliError(f"the centre refused message {body['message_id']} ({r.status_code}): {message}", 1)
            posted += r.status_code == 201
            repeated += r.status_code == 200
            if args.interval and n < args.count:
                time.sleep(args.interval)
    print(f"posted {posted} messages on {args.channel} ({repeated} already there)")
    return 0
