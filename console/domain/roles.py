"""Who may act: the roles of DOMAIN.md §1 and the actor that signs every event."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"  # 受理坐席
    DISPATCHER = "dispatcher"  # 转办坐席
    LEAD = "lead"  # 转办负责人 / 值班班长
    CALLBACK = "callback"  # 回访坐席
    SUPERVISOR = "supervisor"  # 督办室
    UNIT = "unit"  # 承办单位 (through the centre's API)
    SYSTEM = "system"  # the centre or the seat acting on its own (e.g. imports)


ROLE_LABELS = {
    Role.AGENT: "受理坐席",
    Role.DISPATCHER: "转办坐席",
    Role.LEAD: "转办负责人",
    Role.CALLBACK: "回访坐席",
    Role.SUPERVISOR: "督办室",
    Role.UNIT: "承办单位",
    Role.SYSTEM: "系统",
}


@dataclass(frozen=True)
class Actor:
    operator: str
    role: Role
    seat: str = ""
    unit: str | None = None  # the unit code when role is UNIT

    @classmethod
    def parse(cls, operator: str, role: str, seat: str = "", unit: str | None = None) -> Actor:
        try:
            parsed = Role(role)
        except ValueError:
            raise ValueError(f"unknown role {role!r}: expected one of {', '.join(r.value for r in Role)}")
        return cls(operator=operator, role=parsed, seat=seat, unit=unit)
