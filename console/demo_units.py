"""Undertaking units that answer like real ones, through the centre's unit API: most reply,
some only in a later round (late), some return the order, some ask for an extension.
Used by `hotline unit simulate` and by `hotline demo --units` (run_demo_units)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from console.sync.client import CentreClient, Refused

REPLIES = ("经现场核查，问题已处理完毕，已与来电人沟通。", "已安排维修人员上门，故障已排除。",
           "已约谈相关责任方，限期整改完毕。")
RETURNS = ("经核实，该事项不属于我单位职责范围，建议转交属地街道。", "诉求地址不在我单位辖区。")
EXTENSIONS = ("需协调多个部门现场核查", "需要等待检测结果", "涉及历史遗留问题，需进一步调查")


@dataclass
class SimCounts:
    replied: int = 0
    returned: int = 0
    extension_requested: int = 0
    late: int = 0
    refused: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"replied": self.replied, "returned": self.returned, "extension_requested": self.extension_requested,
                "late": self.late, "refused": len(self.refused)}


class UnitSimulator:
    def __init__(self, clients: dict[str, CentreClient], seed: int | None = None,
                 late: float = 0.3, give_back: float = 0.12, extend: float = 0.15):
        self.clients = clients
        self.rng = random.Random(seed)
        self.late, self.give_back, self.extend = late, give_back, extend

    def step(self, counts: SimCounts | None = None) -> SimCounts:
        """Each unit looks at its open orders once and acts on some of them."""
        counts = counts or SimCounts()
        rng = self.rng
        for unit, cl in sorted(self.clients.items()):
            for order in cl.unit_orders(status="dispatched")["orders"]:
                roll = rng.random()
                try:
                    if roll < self.late:
                        counts.late += 1  # answers in a later round, maybe past its deadline
                    elif roll < self.late + self.give_back:
                        cl.unit_return(order["number"], rng.choice(RETURNS), operator=f"{unit}-办事员")
                        counts.returned += 1
                    elif roll < self.late + self.give_back + self.extend and not order["extension_pending"]:
                        cl.unit_extension(order["number"], rng.randint(2, 5), rng.choice(EXTENSIONS),
                                          operator=f"{unit}-办事员")
                        counts.extension_requested += 1
                    else:
                        cl.unit_reply(order["number"], rng.choice(REPLIES), operator=f"{unit}-办事员")
                        counts.replied += 1
                except Refused as exc:  # e.g. past the deadline for an extension: decide() said no
                    counts.refused.append(f"{order['number']}: {exc}")
        return counts


def enroll_units(centre, codes) -> dict[str, str]:
    """One token per unit (`UNIT-<code>`), for the simulator or to hand to real units."""
    return {code: centre.enroll(f"UNIT-{code}", "unit", unit=code) for code in codes}


def run_demo_units(store, rounds: int = 3, seed: int | None = None) -> dict:
    """For `hotline demo --units`: a centre (SQLite, `centre.db` beside the seat's store) served
    on loopback for the duration; the seat's orders go up, the units answer for `rounds` rounds,
    the answers come back into the seat's store. An older demo centre there is replaced. The seat
    is left disconnected afterwards (run
    `hotline centre serve --db <data dir>/centre.db` and `hotline seat connect` to keep going)."""
    from console.centre.db import make_engine
    from console.centre.local import LocalCentre
    from console.centre.service import Centre
    from console.sync import state as sync_state
    from console.sync.session import sync_once

    path = store.data_dir / "centre.db"
    for suffix in ("", "-wal", "-shm"):  # a demo centre starts afresh with the (new) demo store
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    centre = Centre(make_engine(str(path)))
    centre.init()
    token = centre.enroll(store.seat, "all,unit,system")
    counts = SimCounts()
    with LocalCentre(centre) as server:
        sync_state.update(store, centre_url=server.url, token=token)
        seat_client = CentreClient(server.url, token)
        sync_once(store, seat_client)
        units = sorted({o.lead_unit for o in centre.order_states().values() if o.lead_unit})
        unit_clients = {code: CentreClient(server.url, tok) for code, tok in enroll_units(centre, units).items()}
        sim = UnitSimulator(unit_clients, seed=seed)
        for _ in range(rounds):
            sim.step(counts)
        sync_once(store, seat_client)
        for cl in [seat_client, *unit_clients.values()]:
            cl.close()
    sync_state.update(store, centre_url=None, token=None, online=None, since=None)
    centre.engine.dispose()
    return {**counts.as_dict(), "units": len(units), "centre_db": str(store.data_dir / "centre.db")}
