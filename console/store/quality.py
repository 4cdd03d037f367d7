"""录音质检 in the seat's store (schema v7): transcripts by call id, and each sampled call's review:
the findings (pre-filled ones with their evidence, and the inspector's), and its score."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from sqlalchemy import text

from console.domain.qa import Finding, Transcript, Utterance
from console.store.engine import read_transaction, write_transaction


def upsert_transcripts(store, transcripts: list[Transcript]) -> int:
    rows = [{"c": t.call_id, "u": json.dumps([asdict(u) for u in t.utterances], ensure_ascii=False)}
            for t in transcripts]
    if rows:
        with write_transaction(store.engine) as conn:
            conn.execute(text("INSERT INTO qa_transcripts (call_id, utterances) VALUES (:c, :u) "
                              "ON CONFLICT(call_id) DO UPDATE SET utterances = excluded.utterances"), rows)
    return len(rows)


def transcript(store, call_id: str) -> Transcript | None:
    with read_transaction(store.engine) as conn:
        row = conn.execute(text("SELECT utterances FROM qa_transcripts WHERE call_id = :c"), {"c": call_id}).first()
    if row is None:
        return None
    return Transcript(call_id, tuple(Utterance(**u) for u in json.loads(row[0])))


def save_review(store, call_id: str, month: str, operator: str, findings: list[dict[str, Any]], score: int,
                reviewed_by: str | None = None, reviewed_at: str | None = None, keep_decided: bool = False) -> bool:
    """Write a call's review; with keep_decided an inspector's decided review is left as it is.
    True when written."""
    with write_transaction(store.engine) as conn:
        if keep_decided:
            row = conn.execute(text("SELECT reviewed_by FROM qa_reviews WHERE call_id = :c"), {"c": call_id}).first()
            if row is not None and row[0]:
                return False
        conn.execute(text(
            "INSERT INTO qa_reviews (call_id, month, operator, findings, score, reviewed_by, reviewed_at) "
            "VALUES (:c, :m, :o, :f, :s, :b, :a) ON CONFLICT(call_id) DO UPDATE SET month = excluded.month, "
            "operator = excluded.operator, findings = excluded.findings, score = excluded.score, "
            "reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at"),
            {"c": call_id, "m": month, "o": operator, "f": json.dumps(findings, ensure_ascii=False), "s": score,
             "b": reviewed_by, "a": reviewed_at})
    return True


def reviews(store, month: str, operator: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM qa_reviews WHERE month = :m" + (" AND operator = :o" if operator else "") + \
          " ORDER BY operator, call_id"
    with read_transaction(store.engine) as conn:
        rows = conn.execute(text(sql), {"m": month, "o": operator}).mappings().all()
    return [{**dict(r), "findings": json.loads(r["findings"])} for r in rows]


def latest_month(store, operator: str | None = None) -> str | None:
    """The latest month with a sampled call (of `operator`), None when none."""
    sql = "SELECT max(month) FROM qa_reviews" + (" WHERE operator = :o" if operator else "")
    with read_transaction(store.engine) as conn:
        return conn.execute(text(sql), {"o": operator}).scalar()


def review(store, call_id: str) -> dict[str, Any] | None:
    with read_transaction(store.engine) as conn:
        row = conn.execute(text("SELECT * FROM qa_reviews WHERE call_id = :c"), {"c": call_id}).mappings().first()
    return None if row is None else {**dict(row), "findings": json.loads(row["findings"])}


def finding_dict(f: Finding, status: str = "prefilled") -> dict[str, Any]:
    """A finding as stored: status prefilled (the console's), confirmed, rejected, or added (the inspector's)."""
    return {"code": f.code, "evidence": f.evidence, "source": f.source, "status": status}


def update_findings(store, call_id: str, findings: list[dict[str, Any]], score: int) -> None:
    """A contest or its decision: the findings and the score change, the inspector's review stays."""
    with write_transaction(store.engine) as conn:
        conn.execute(text("UPDATE qa_reviews SET findings = :f, score = :s WHERE call_id = :c"),
                     {"c": call_id, "f": json.dumps(findings, ensure_ascii=False), "s": score})
