"""The desks' work lists as SQL over the `orders` projection (issue 5): dispatch queue (R-20..R-23),
unit returns (R-24), extension requests (R-25), supervision (R-31), callback queue (R-32, R-02)
and the intake seat's inbox of orders returned for correction.

Every list is paged (limit/offset) and sorted and filtered in SQL: a screen never holds a whole
queue. Rows carry only the columns a list shows, not the state JSON; the detail of one order
comes from `Store.get`. Pure reads; never imports textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import text

from console.domain.deadlines import DAY_CUTOFF, NIGHT_CUTOFF
from console.domain.kinds import AWAITING_DISPATCH, NOT_OPEN, Kind, Status
from console.store.engine import read_transaction


def _lit(name: str) -> str:
    """A status or kind name as an SQL literal (the names are the domain's constants)."""
    return "'" + str(name).replace("'", "''") + "'"


def sql_in(names) -> str:
    return "(" + ", ".join(_lit(n) for n in sorted(names)) + ")"


LIST_COLUMNS = (
    "number, status, created_at, seat, caller_name, caller_title, phone_norm, address, description, "
    "nature, content_class, urgent, confidential, leader_day, leader_report, supervised, lead_unit, "
    "dispatch_due, unit_due, callback_due, updated_at"
)

# -- dispatch queue (R-23) --------------------------------------------------------------------

PRIORITY = "(urgent OR leader_day OR leader_report)"
DISPATCH_SORTS: dict[str, tuple[str, str]] = {
    # key: (label on screen, ORDER BY)
    "priority": ("优先+截止", f"{PRIORITY} DESC, urgent DESC, dispatch_due ASC, created_at ASC, number ASC"),
    "due": ("截止时间", "dispatch_due ASC, created_at ASC, number ASC"),
    "newest": ("最新受理", "created_at DESC, number DESC"),
    "oldest": ("最早受理", "created_at ASC, number ASC"),
}
DISPATCH_FILTERS: dict[str, str] = {
    "all": "全部",
    "priority": "紧急/领导",
    "overdue": "已超时",
    "escalated": "待负责人",
}


@dataclass(frozen=True)
class QueueQuery:
    """What the dispatcher asked for: a sort key, a filter key and a free text search."""

    sort: str = "priority"
    filter: str = "all"
    search: str = ""


def _dispatch_where(q: QueueQuery, now: datetime) -> tuple[str, dict]:
    where = [f"status IN {sql_in(AWAITING_DISPATCH)}"]
    params: dict = {}
    if q.filter == "priority":
        where.append(PRIORITY)
    elif q.filter == "overdue":
        where.append("dispatch_due < :now")
        params["now"] = now.isoformat()
    elif q.filter == "escalated":
        where[0] = f"status = {_lit(Status.ESCALATED)}"
    elif q.filter != "all":
        raise ValueError(f"unknown filter {q.filter!r}")
    if q.search.strip():
        where.append(_search_sql())
        params["q"] = _like(q.search)
    return " AND ".join(where), params


def _search_sql() -> str:
    # The desks' roles never see a confidential caller's name (domain/privacy.py): no search finds it.
    return ("(number LIKE :q ESCAPE '\\' OR description LIKE :q ESCAPE '\\' OR address LIKE :q ESCAPE '\\' "
            "OR (caller_name LIKE :q ESCAPE '\\' AND NOT confidential) OR content_class LIKE :q ESCAPE '\\' OR lead_unit LIKE :q ESCAPE '\\')")


def _like(term: str) -> str:
    escaped = term.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def dispatch_queue(store, q: QueueQuery = QueueQuery(), limit: int = 100, offset: int = 0,
                   now: datetime | None = None) -> list[dict]:
    """One page of orders awaiting dispatch: urgent and leader orders first, then by cutoff."""
    if q.sort not in DISPATCH_SORTS:
        raise ValueError(f"unknown sort {q.sort!r}")
    where, params = _dispatch_where(q, now or datetime.max)
    sql = (f"SELECT {LIST_COLUMNS} FROM orders WHERE {where} ORDER BY {DISPATCH_SORTS[q.sort][1]} "
           "LIMIT :limit OFFSET :offset")
    return _rows(store, sql, {**params, "limit": limit, "offset": offset})


def dispatch_count(store, q: QueueQuery = QueueQuery(), now: datetime | None = None) -> int:
    where, params = _dispatch_where(q, now or datetime.max)
    return _scalar(store, f"SELECT count(*) FROM orders WHERE {where}", params)


@dataclass(frozen=True)
class CutoffCounts:
    total: int
    overdue: int  # cutoff already passed
    due_noon: int  # due at today's 12:00 (not yet passed)
    due_evening: int  # due at today's 17:00 (not yet passed)
    later: int  # due after today
    next_cutoff: datetime  # the next 12:00 or 17:00 from now


def next_cutoff(now: datetime) -> datetime:
    """The next of the day's two cutoffs (R-23): 12:00, 17:00, then tomorrow's 12:00."""
    for t in (NIGHT_CUTOFF, DAY_CUTOFF):
        at = datetime.combine(now.date(), t)
        if at > now:
            return at
    return datetime.combine(now.date() + timedelta(days=1), NIGHT_CUTOFF)


def queue_counts(store, now: datetime) -> CutoffCounts:
    """The header of the dispatch queue: how many are due by 12:00, by 17:00, and overdue."""
    noon = datetime.combine(now.date(), NIGHT_CUTOFF).isoformat()
    evening = datetime.combine(now.date(), DAY_CUTOFF).isoformat()
    end_of_day = datetime.combine(now.date(), time(23, 59, 59)).isoformat()
    sql = (
        "SELECT count(*), "
        "coalesce(sum(dispatch_due < :now), 0), "
        "coalesce(sum(dispatch_due >= :now AND dispatch_due <= :noon), 0), "
        "coalesce(sum(dispatch_due >= :now AND dispatch_due > :noon AND dispatch_due <= :evening), 0), "
        "coalesce(sum(dispatch_due > :eod), 0) "
        f"FROM orders WHERE status IN {sql_in(AWAITING_DISPATCH)}"
    )
    with read_transaction(store.engine) as conn:
        total, overdue, by_noon, by_evening, later = conn.execute(
            text(sql), {"now": now.isoformat(), "noon": noon, "evening": evening, "eod": end_of_day}
        ).one()
    return CutoffCounts(total, overdue, by_noon, by_evening, later, next_cutoff(now))


# -- unit returns (R-24) ----------------------------------------------------------------------

def unit_returns(store, limit: int = 100, offset: int = 0, search: str = "") -> list[dict]:
    """Orders a unit sent back, oldest return first, with the unit, its reason and the bounce flag."""
    where, params = f"status = {_lit(Status.UNIT_RETURNED)}", {}
    if search.strip():
        where += " AND " + _search_sql()
        params["q"] = _like(search)
    sql = (
        f"SELECT {LIST_COLUMNS}, returned_by, return_reason, returned_at, bounced, returns "
        f"FROM orders WHERE {where} ORDER BY bounced DESC, returned_at ASC, number ASC LIMIT :limit OFFSET :offset"
    )
    return _rows(store, sql, {**params, "limit": limit, "offset": offset})


def unit_returns_count(store, search: str = "") -> int:
    where, params = f"status = {_lit(Status.UNIT_RETURNED)}", {}
    if search.strip():
        where += " AND " + _search_sql()
        params["q"] = _like(search)
    return _scalar(store, f"SELECT count(*) FROM orders WHERE {where}", params)


def monthly_returns(store, month: str) -> list[tuple[str, int]]:
    """R-24: returns per unit in a month ('YYYY-MM'), most first. Counts every return in the
    month, also those of orders that were redispatched since."""
    start = f"{month}-01"
    year, mon = int(month[:4]), int(month[5:7])
    end = f"{year + mon // 12:04d}-{mon % 12 + 1:02d}-01"
    sql = (
        "SELECT json_extract(j.value, '$.unit') AS unit, count(*) AS n "
        "FROM events e JOIN orders o ON o.number = e.order_no, json_each(o.state, '$.unit_returns') j "
        f"WHERE e.kind = {_lit(Kind.UNIT_RETURNED)} AND e.at >= :start AND e.at < :end "
        "AND json_extract(j.value, '$.at') = e.at "
        "GROUP BY unit ORDER BY n DESC, unit ASC"
    )
    with read_transaction(store.engine) as conn:
        return [(r[0], r[1]) for r in conn.execute(text(sql), {"start": start, "end": end})]


# -- extension requests (R-25) ----------------------------------------------------------------

_HAS_PENDING = f"status = {_lit(Status.DISPATCHED)} AND ext_n IS NOT NULL"


def extension_requests(store, limit: int = 100, offset: int = 0) -> list[dict]:
    """Pending extension requests, the oldest unit deadline first; `n` is 1 for a first request."""
    sql = (
        f"SELECT {LIST_COLUMNS}, ext_days, ext_reason, ext_n, ext_at, supervision_notices AS notices "
        f"FROM orders WHERE {_HAS_PENDING} "
        "ORDER BY unit_due ASC, number ASC LIMIT :limit OFFSET :offset"
    )
    return _rows(store, sql, {"limit": limit, "offset": offset})


def extension_count(store) -> int:
    return _scalar(store, f"SELECT count(*) FROM orders WHERE {_HAS_PENDING}", {})


# -- supervision (R-31) -----------------------------------------------------------------------

SUPERVISION_LABELS = {
    "overdue": "逾期", "leader": "领导批示", "media": "媒体曝光", "hot": "热点", "bounced": "推诿",
    "other": "其他",
}
_OPEN_WITH_UNIT = sql_in({Status.DISPATCHED, Status.UNIT_RETURNED})
# a second (or later) extension request waits for the supervision office's notice (the
# column is the domain's extension_notice_missing, written with the projection).
_NEEDS_NOTICE = "notice_missing"


def _supervision_where() -> str:
    return (
        f"((supervised OR leader_report) AND status NOT IN {sql_in(NOT_OPEN)}) "
        f"OR (status IN {_OPEN_WITH_UNIT} AND unit_due < :now) "
        f"OR (status IN {sql_in(AWAITING_DISPATCH)} AND dispatch_due < :now) "
        f"OR (status = {_lit(Status.REPLIED)} AND callback_due < :now) "
        f"OR ({_NEEDS_NOTICE})"
    )


def supervision_list(store, now: datetime, limit: int = 100, offset: int = 0) -> list[dict]:
    """Overdue, leader-instructed, media-exposed, hot and bounced orders, most overdue first.

    `late_due` is the deadline that the order is judged by in its current state and `whose` says
    who holds the order (the lead unit, or the dispatch / callback desk)."""
    sql = (
        f"SELECT {LIST_COLUMNS}, supervision_reasons AS reasons, {_NEEDS_NOTICE} AS needs_notice, "
        f"CASE WHEN status IN {_OPEN_WITH_UNIT} THEN unit_due "
        f"WHEN status = {_lit(Status.REPLIED)} THEN callback_due ELSE dispatch_due END AS late_due "
        f"FROM orders WHERE {_supervision_where()} "
        "ORDER BY (late_due < :now) DESC, late_due ASC, number ASC LIMIT :limit OFFSET :offset"
    )
    return _rows(store, sql, {"now": now.isoformat(), "limit": limit, "offset": offset})


def supervision_count(store, now: datetime) -> int:
    return _scalar(store, f"SELECT count(*) FROM orders WHERE {_supervision_where()}", {"now": now.isoformat()})


# -- callback (R-32, R-02) --------------------------------------------------------------------


def callback_queue(store, limit: int = 100, offset: int = 0) -> list[dict]:
    """Orders with a unit reply waiting for a callback, by callback due time; never confidential ones."""
    sql = (
        f"SELECT {LIST_COLUMNS}, callback_failures AS failures "
        f"FROM orders WHERE status = {_lit(Status.REPLIED)} AND NOT confidential "
        "ORDER BY callback_due ASC, number ASC LIMIT :limit OFFSET :offset"
    )
    return _rows(store, sql, {"limit": limit, "offset": offset})


def callback_count(store) -> int:
    return _scalar(store, f"SELECT count(*) FROM orders WHERE status = {_lit(Status.REPLIED)} AND NOT confidential", {})


# -- intake inbox -----------------------------------------------------------------------------


def intake_inbox(store, seat: str | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
    """Orders the dispatchers returned to intake for correction (R-20, R-21), oldest first."""
    where, params = f"status = {_lit(Status.RETURNED_TO_INTAKE)}", {}
    if seat:
        where += " AND seat = :seat"
        params["seat"] = seat
    sql = (
        f"SELECT {LIST_COLUMNS}, returned_reason "
        f"FROM orders WHERE {where} ORDER BY updated_at ASC, number ASC LIMIT :limit OFFSET :offset"
    )
    return _rows(store, sql, {**params, "limit": limit, "offset": offset})


def intake_inbox_count(store, seat: str | None = None) -> int:
    where, params = f"status = {_lit(Status.RETURNED_TO_INTAKE)}", {}
    if seat:
        where += " AND seat = :seat"
        params["seat"] = seat
    return _scalar(store, f"SELECT count(*) FROM orders WHERE {where}", params)


# -- helpers ----------------------------------------------------------------------------------


def _rows(store, sql: str, params: dict) -> list[dict]:
    with read_transaction(store.engine) as conn:
        return [dict(r) for r in conn.execute(text(sql), params).mappings()]


def _scalar(store, sql: str, params: dict) -> int:
    with read_transaction(store.engine) as conn:
        return int(conn.execute(text(sql), params).scalar_one())


# -- countdowns -------------------------------------------------------------------------------

SOON = timedelta(hours=1)


def countdown(due: datetime | str | None, now: datetime, soon: timedelta = SOON) -> tuple[str, str]:
    """('剩 1:23:05', 'ok'|'soon') before a deadline, ('超 2天3时', 'late') after it; ('-', 'none')
    without one. 'soon' = less than an hour left."""
    if due is None or due == "":
        return "-", "none"
    if isinstance(due, str):
        due = datetime.fromisoformat(due)
    left = due - now
    if left.total_seconds() >= 0:
        return "剩 " + _span(left, precise=True), ("soon" if left < soon else "ok")
    return "超 " + _span(-left, precise=False), "late"


def _span(delta: timedelta, precise: bool) -> str:
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}天{hours}时"
    if precise:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{hours}时{minutes:02d}分"


# -- the review of units' replies (审核反馈真实性) --------------------------------------------------


def reply_reviews(store, limit: int = 100, offset: int = 0) -> list[dict]:
    """Units' replies waiting for the county office's review, the oldest reply first."""
    sql = (
        f"SELECT {LIST_COLUMNS} FROM orders WHERE status = {_lit(Status.REPLY_REVIEW)} "
        "ORDER BY updated_at ASC, number ASC LIMIT :limit OFFSET :offset"
    )
    return _rows(store, sql, {"limit": limit, "offset": offset})


def reply_review_count(store) -> int:
    return _scalar(store, f"SELECT count(*) FROM orders WHERE status = {_lit(Status.REPLY_REVIEW)}", {})
