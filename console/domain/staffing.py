"""Staffing from the call records (优化人员配置): calls offered per half hour by weekday, and the
agents needed per half hour to answer 80 % of calls within 15 s (M-02), by the Erlang C formula.
Pure: the records come in, the table goes out."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from console.domain.figures import ANSWER_IN_TIME_SECONDS, CallRecord

INTERVAL_SECONDS = 1800
TARGET_SERVICE_LEVEL = 0.80  # M-02's target
DEFAULT_HANDLE_SECONDS = 180.0  # when no answered call has an end time
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def erlang_c(agents: int, traffic: float) -> float:
    """The probability that a call waits (Erlang C), with `traffic` in Erlangs; 1.0 when the
    agents cannot carry the traffic at all."""
    if agents <= traffic:
        return 1.0
    b = 1.0  # Erlang B by its recurrence: stable for any number of agents
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return agents * b / (agents - traffic * (1 - b))


def service_level(agents: int, calls: float, handle_seconds: float, answer_within: float = ANSWER_IN_TIME_SECONDS,
                  interval: float = INTERVAL_SECONDS) -> float:
    """The share of calls answered within `answer_within` seconds with `agents` on the line."""
    if calls <= 0:
        return 1.0
    traffic = calls * handle_seconds / interval
    if agents <= traffic:
        return 0.0
    wait = erlang_c(agents, traffic)
    return 1.0 - wait * math.exp(-(agents - traffic) * answer_within / handle_seconds)


def agents_needed(calls: float, handle_seconds: float, target: float = TARGET_SERVICE_LEVEL,
                  answer_within: float = ANSWER_IN_TIME_SECONDS, interval: float = INTERVAL_SECONDS) -> int:
    """The fewest agents that reach the target service level (0 when no call is expected)."""
    if calls <= 0:
        return 0
    agents = max(1, math.floor(calls * handle_seconds / interval))
    while service_level(agents, calls, handle_seconds, answer_within, interval) < target:
        agents += 1
    return agents


@dataclass(frozen=True)
class Slot:
    weekday: int  # 0 = Monday
    start: str  # "09:00"
    calls: float  # average calls offered in this half hour on this weekday
    agents: int


def handle_seconds(calls: Iterable[CallRecord]) -> float:
    """The mean handling time of answered calls with an end time (the default without one)."""
    spans = [(c.ended_at - c.answered_at).total_seconds() for c in calls
             if c.answered_at is not None and c.ended_at is not None and c.ended_at > c.answered_at]
    return sum(spans) / len(spans) if spans else DEFAULT_HANDLE_SECONDS


def staffing(calls: list[CallRecord], start: datetime, end: datetime) -> tuple[list[Slot], float]:
    """Each (weekday, half hour) with calls in [start, end): the average offered over the weeks of
    the period and the agents needed; and the handling time used."""
    aht = handle_seconds(calls)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for c in calls:
        if start <= c.offered_at < end:
            counts[(c.offered_at.weekday(), (c.offered_at.hour * 60 + c.offered_at.minute) // 30)] += 1
    days_of: dict[int, int] = defaultdict(int)  # how many of each weekday the period holds
    day, last = start.date(), (end - timedelta(microseconds=1)).date()
    while day <= last:
        days_of[day.weekday()] += 1
        day += timedelta(days=1)
    slots = []
    for (weekday, half), n in sorted(counts.items()):
        average = n / max(1, days_of[weekday])
        slots.append(Slot(weekday, f"{half // 2:02d}:{30 * (half % 2):02d}", round(average, 1),
                          agents_needed(average, aht)))
    return slots, aht

