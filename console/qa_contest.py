"""Contests of 录音质检 findings in a store: the domain's rule (console/domain/qa_contest.py), the
review read and written in one place for the quality desk and `hotline qa contest|decide`."""

from __future__ import annotations

from console import clock
from console.domain.qa import recording_score
from console.domain.qa_contest import ContestResult, contest, decide, held_codes
from console.domain.roles import Role


def _apply(store, call_id: str, change) -> ContestResult:
    from console.qa_source import load_checklist
    from console.store.quality import review, update_findings

    row = review(store, call_id)
    if row is None:
        return ContestResult([], f"录音 {call_id} 不在抽查中")
    result: ContestResult = change(row)
    if not result.refused:
        update_findings(store, call_id, result.findings, recording_score(load_checklist(), held_codes(result.findings)))
    return result


def contest_finding(store, call_id: str, index: int, agent: str, note: str) -> ContestResult:
    return _apply(store, call_id, lambda row: contest(row, index, agent, note, clock.iso(clock.now())))


def decide_contest(store, call_id: str, index: int, decider: str, role: Role, uphold: bool, note: str = "") -> ContestResult:
    return _apply(store, call_id, lambda row: decide(row, index, decider, role, uphold, note, clock.iso(clock.now())))
