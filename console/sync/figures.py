"""The centre's figures for a connected seat (issue 15): the statistics desk shows the whole log's
M-06..M-11 and month per unit when the centre answers, and the seat's own history (partial) when
it is not connected or does not answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.domain.figures import Report
from console.sync.client import CentreClient, SyncError
from console.sync.state import read_all
from console.wire.figures import report_from_wire


@dataclass(frozen=True)
class CentreFigures:
    report: Report
    as_of: int  # the log seq the rollups count up to
    head: int
    behind: str = ""  # the centre's words when its rollups are behind its log, else empty
    building: bool = False
    done: int = 0
    total: int = 0


def centre_figures(store, start: datetime, end: datetime, now: datetime, listed: bool = False,
                   timeout: float = 3.0) -> CentreFigures | None:
    """None when the seat is not connected to a centre; SyncError when the centre does not answer."""
    values = read_all(store)
    if not values.get("centre_url") or not values.get("token"):
        return None
    client = CentreClient(values["centre_url"], values["token"], timeout=timeout)
    try:
        body = client.stats(start, end, now, listed)
    finally:
        client.close()
    try:
        behind = body.get("catching_up") or {}
        return CentreFigures(report_from_wire(body["report"]), int(body["as_of"]), int(body["head"]),
                             str(behind.get("message") or ""), bool(behind.get("building")),
                             int(behind.get("done") or 0), int(behind.get("total") or 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise SyncError(f"the centre's figures could not be read: {type(exc).__name__}: {exc}") from exc
