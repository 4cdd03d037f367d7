"""`hotline centre client add|revoke|list`: the centre's outside clients (issue 14): message
gateways, telephone systems (CTI) and Open311 clients, each with its own token."""

from __future__ import annotations

from console.cli.errors import CliError


def register(cmds, with_db) -> None:
    """Adds `client` to the `centre` group (console/cli/centre_cmd.py)."""
    group = cmds.add_parser("client", help="tokens of message gateways, telephone systems and Open311 clients")
    sub = group.add_subparsers(dest="client_command", metavar="ACTION", required=True)
    p = with_db(sub.add_parser("add", help="add a client (or replace its token) and print its token"))
    p.add_argument("name", metavar="NAME", help="the client's name, e.g. sms-gateway or civic-app")
    p.add_argument("--kind", required=True, choices=("gateway", "cti", "open311"),
                   help="gateway: /v1/channels; cti: /v1/cti; open311: /open311/v2")
    p.add_argument("--channel", default="", help="for --kind open311: the channel its requests arrive on (default 网站)")
    p.set_defaults(func=cmd_add)
    p = with_db(sub.add_parser("revoke", help="revoke a client's token (its calls get 401)"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_revoke)
    p = with_db(sub.add_parser("list", help="list clients (never their tokens)"))
    p.set_defaults(func=cmd_list)


def cmd_add(args) -> int:
    from console.centre.clients import enroll_client
    from console.centre.model import CentreError
    from console.cli.centre_cmd import open_centre

    centre = open_centre(args)
    try:
        print(enroll_client(centre.engine, args.name, args.kind, args.channel))
    except CentreError as exc:
        raise CliError(str(exc))
    return 0


def cmd_revoke(args) -> int:
    from console.centre.clients import revoke_client
    from console.centre.model import CentreError
    from console.cli.centre_cmd import open_centre

    try:
        revoke_client(open_centre(args).engine, args.name)
    except CentreError as exc:
        raise CliError(str(exc), 1)
    print(f"client {args.name} revoked")
    return 0


def cmd_list(args) -> int:
    from console.centre.clients import list_clients
    from console.cli.centre_cmd import open_centre

    for c in list_clients(open_centre(args).engine):
        state = "revoked" if c["revoked"] else "active"
        channel = f" ({c['channel']})" if c["channel"] else ""
        print(f"{c['name']}  {c['kind']}{channel}  {state}  since {c['enrolled_at']}")
    return 0
