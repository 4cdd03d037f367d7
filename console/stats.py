"""The figures and the monthly tables of a store's history, as rows for the CLI, the JSON and the
exports. The definitions live in console.domain.figures; this module only reads and lays out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from console.domain.figures import FIGURES, Report, call_figures, complaint_figure, compute
from console.domain.settings import Rules

FIGURE_COLUMNS = ("code", "name", "numerator", "denominator", "ratio", "target", "met")
UNIT_COLUMNS = ("unit", "handed_over", "closed", "close_rate", "callbacks", "satisfied", "satisfaction",
                "returns", "sent_back", "redispatched", "overdue", "extensions", "replies_due", "replies_in_time", "reply_rate",
                "group", "score", "rank")
UNIT_HEADINGS = {"unit": "承办单位", "handed_over": "交办总数", "closed": "办结数", "close_rate": "办结率",
                 "callbacks": "回访数", "satisfied": "满意数", "satisfaction": "满意率", "returns": "退单数",
                 "sent_back": "答复退回数",
                 "redispatched": "转办数", "overdue": "逾期办理数", "extensions": "申请延期件数",
                 "replies_due": "应按期回复", "replies_in_time": "按期回复", "reply_rate": "按期回复率",
                 "group": "考核组别", "score": "得分", "rank": "组内排名"}
FIGURE_HEADINGS = {"code": "指标", "name": "名称", "numerator": "分子", "denominator": "分母", "ratio": "比率",
                   "target": "目标", "met": "达标"}


def period_of_month(month: str) -> tuple[datetime, datetime]:
    """'2026-11' -> [2026-11-01 00:00, 2026-12-01 00:00); ValueError for anything else."""
    try:
        first = datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise ValueError(f"bad month {month!r}: expected YYYY-MM, e.g. 2026-11") from None
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, nxt


def period_of_days(start: date, end: date) -> tuple[datetime, datetime]:
    """--from and --to as dates: [from 00:00, to 00:00)."""
    if end <= start:
        raise ValueError(f"--to {end} must be after --from {start}")
    return datetime.combine(start, time()), datetime.combine(end, time())


def report(store, start: datetime, end: datetime, now: datetime, unit: str | None = None) -> Report:
    """Every figure: M-06..M-11 from the orders; M-01, M-02, M-03, M-05 from the call and SMS
    records, M-04 from both (not per unit: a unit takes no calls)."""
    from console.store.call_records import calls_between, sms_between

    rep = compute(store.histories(), store.calendar, store.rules, start, end, now, unit)
    if unit is None:
        calls = list(calls_between(store, start, end))
        rep.figures.update(call_figures(calls, sms_between(store, start, end), start, end, now))
        rep.figures["M-04"] = complaint_figure(rep.staff_complaints, calls, start, end)
    rep.figures = dict(sorted(rep.figures.items()))
    return rep


def figure_rows(rep: Report) -> list[dict[str, Any]]:
    rows = []
    for code, fig in rep.figures.items():
        d = FIGURES[code]
        rows.append({"code": code, "name": d.name, "numerator": fig.numerator, "denominator": fig.denominator,
                     "ratio": None if fig.ratio is None else round(fig.ratio, 4), "target": d.target,
                     "met": fig.met, "at_least": d.at_least})
    return rows


def unit_rows(rep: Report, kind_of: dict[str, str], rules: Rules) -> list[dict[str, Any]]:
    """One row per unit with its score and place in its peer group, by the ranking's weights and
    groups in `rules` (the centre's published ones, else console/kb_data/ranking.toml)."""
    from console.domain.ranking import rank

    places = {r.unit: r for r in rank(rep.units, kind_of, rules.ranking_weights, rules.peer_groups)}
    rows = []
    for code in sorted(rep.units):
        m = rep.units[code]
        place = places[code]
        rows.append({"unit": code, "handed_over": m.handed_over, "closed": m.closed,
                     "close_rate": _round(m.close_rate), "callbacks": m.callbacks, "satisfied": m.satisfied,
                     "satisfaction": _round(m.satisfaction), "returns": m.returns, "sent_back": m.sent_back,
                     "redispatched": m.redispatched, "overdue": m.overdue, "extensions": m.extensions,
                     "replies_due": m.replies_due, "replies_in_time": m.replies_in_time,
                     "reply_rate": _round(m.reply_rate), "group": place.group, "score": place.score,
                     "rank": place.rank})
    return rows


def detail_rows(store, numbers: list[str]) -> list[dict[str, Any]]:
    """The orders behind a number (超期明细, 退回明细), one row each, in the given order."""
    out = []
    for number in dict.fromkeys(numbers):
        row = store.order_row(number)
        if row is not None:
            out.append({"number": number, "status": row["status"], "created_at": row["created_at"],
                        "lead_unit": row["lead_unit"], "unit_due": row["unit_due"], "nature": row["nature"],
                        "content_class": row["content_class"], "description": row["description"]})
    return out


def class_rows(store, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """分类统计: orders created in the period by first-level content class and nature."""
    counts: Counter[tuple[str, str]] = Counter()
    for r in store.list_orders(limit=None, order_by="number"):
        if start.isoformat() <= r["created_at"] < end.isoformat():
            counts[((r["content_class"] or "").split("/")[0] or "（未分类）", r["nature"] or "")] += 1
    return [{"class": c, "nature": n, "orders": k} for (c, n), k in sorted(counts.items(), key=lambda x: -x[1])]


TYPICAL_HEADINGS = {"number": "工单编号", "marked_at": "列为典型时间", "note": "典型说明", "status": "状态",
                    "created_at": "受理时间", "lead_unit": "承办单位", "content_class": "内容分类",
                    "description": "诉求", "history": "办理经过"}


def typical_rows(store, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """每月典型工单: the orders the supervision office listed as typical in the period (and has not
    taken off), each with its history, one line per event (no caller field)."""
    from console.domain.kinds import Kind

    out = []
    for number in store.orders_with(Kind.TYPICAL_MARKED, start, end):
        state, row = store.get(number), store.order_row(number)
        if state is None or row is None or not state.typical or state.typical_at is None \
                or not start <= state.typical_at < end:
            continue
        history = [history_line(e) for e in store.events_of(number) if e.get("sync_status") != "rejected"]
        out.append({"number": number, "marked_at": state.typical_at.isoformat(), "note": state.typical_note,
                    "status": row["status"], "created_at": row["created_at"], "lead_unit": row["lead_unit"],
                    "content_class": row["content_class"], "description": row["description"],
                    "history": "\n".join(history)})
    return out


def history_line(event: dict[str, Any]) -> str:
    """One event as the order view lists it: time, what happened, who, its gist."""
    from console.domain.kinds import KIND_LABELS, event_brief

    at = (event.get("at") or "")[:16].replace("T", " ")
    return f"{at} {KIND_LABELS.get(event['kind'], '其他记录')} {event.get('operator') or ''} " \
           f"{event_brief(event.get('payload'))}".rstrip()


@dataclass(frozen=True)
class Tables:
    figures: list[dict[str, Any]]
    units: list[dict[str, Any]]
    classes: list[dict[str, Any]]
    overdue: list[dict[str, Any]]
    returns: list[dict[str, Any]]
    typical: list[dict[str, Any]] = field(default_factory=list)


def tables(store, start: datetime, end: datetime, now: datetime) -> Tables:
    rep = report(store, start, end, now)
    return Tables(figure_rows(rep), unit_rows(rep, unit_kinds(store), store.rules), class_rows(store, start, end),
                  detail_rows(store, rep.figures["M-07"].missed), detail_rows(store, rep.returned),
                  typical_rows(store, start, end))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def unit_kinds(store) -> dict[str, str]:
    """Each unit's kind (bureau, district, street, company): its peer group for the ranking."""
    return {u.code: u.kind for u in store.unit_directory()}


@dataclass(frozen=True)
class Charts:
    """What the statistics desk's charts draw over a period, day by day."""

    days: list[date]
    by_nature: dict[str, list[int]]  # nature -> orders taken each day (每日受理量, by 性质)
    top_classes: list[tuple[str, int]]  # content class -> orders taken in the period, the most first
    trend: dict[str, list[float | None]]  # figure code -> its ratio each day (None: no case that day)


def charts(store, start: datetime, end: datetime, now: datetime, top: int = 10) -> Charts:
    """The charts' data from the same definitions as the figures: each day's tally of the facts
    (console/domain/figures.py) and of the call records."""
    from console.domain.figures import count_facts, order_facts, tally
    from console.store.call_records import calls_between, sms_between

    days = [start.date() + timedelta(days=i) for i in range(max(1, (end.date() - start.date()).days))]
    index = {d: i for i, d in enumerate(days)}
    by_nature: dict[str, list[int]] = {}
    classes: Counter[str] = Counter()
    for r in store.list_orders(limit=None, order_by="number"):
        if not start.isoformat() <= r["created_at"] < end.isoformat():
            continue
        day = datetime.fromisoformat(r["created_at"]).date()
        by_nature.setdefault(r["nature"] or "（未分类）", [0] * len(days))[index[day]] += 1
        classes[r["content_class"] or "（未分类）"] += 1
    facts = [f for number, events in store.histories()
             for f in order_facts(number, events, store.calendar, store.rules)]
    calls, sms = calls_between(store, start, end), sms_between(store, start, end)
    trend: dict[str, list[float | None]] = {code: [] for code in FIGURES}
    for day in days:
        lo, hi = datetime.combine(day, time()), datetime.combine(day + timedelta(days=1), time())
        counts, listed = count_facts(facts, lo, hi, now)
        rep = tally(counts, listed, lo, hi, now)
        rep.figures.update(call_figures(calls, sms, lo, hi, now))
        rep.figures["M-04"] = complaint_figure(rep.staff_complaints, calls, lo, hi)
        for code in FIGURES:
            trend[code].append(rep.figures[code].ratio)
    return Charts(days, dict(sorted(by_nature.items())), classes.most_common(top), trend)
