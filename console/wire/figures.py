"""A Report (console/domain/figures.py) as the centre's stats endpoint sends it and the seat reads it
back: the same numbers and lists, so the seat lays them out (and ranks the units by the published
rules) exactly as it does its own."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from console.domain.figures import Figure, Report, UnitMonth


def report_to_wire(rep: Report) -> dict[str, Any]:
    return {"start": rep.start.isoformat(), "end": rep.end.isoformat(), "now": rep.now.isoformat(),
            "unit": rep.unit,
            "figures": {code: {"numerator": f.numerator, "denominator": f.denominator, "orders": f.orders,
                               "missed": f.missed} for code, f in rep.figures.items()},
            "units": {code: dataclasses.asdict(m) for code, m in rep.units.items()},
            "returned": rep.returned, "staff_complaints": rep.staff_complaints}


def report_from_wire(data: dict[str, Any]) -> Report:
    fields = {f.name for f in dataclasses.fields(UnitMonth)}
    return Report(
        start=datetime.fromisoformat(data["start"]), end=datetime.fromisoformat(data["end"]),
        now=datetime.fromisoformat(data["now"]), unit=data.get("unit"),
        figures={code: Figure(code, int(f["numerator"]), int(f["denominator"]), list(f.get("orders") or []),
                              list(f.get("missed") or [])) for code, f in data["figures"].items()},
        units={code: UnitMonth(**{k: v for k, v in m.items() if k in fields}) for code, m in data["units"].items()},
        returned=list(data.get("returned") or []), staff_complaints=list(data.get("staff_complaints") or []))
