"""An agent contests a finding of their scored recording (录音质检 申诉) with a note; a lead or the
supervision office decides: the deduction stands (upheld) or is withdrawn (the finding no longer
holds and the recording's score is worked out again). Both stay on the finding, on the record.
Pure: findings are the stored dicts (console/store/quality.py)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from console.domain.roles import Role

CONTEST_NOTE_MAX = 500
HELD = ("confirmed", "added")  # the findings that cost the agent points
DECIDERS = frozenset({Role.LEAD, Role.SUPERVISOR})
DECISION_LABELS = {"": "申诉中", "upheld": "申诉驳回", "withdrawn": "申诉成立"}


@dataclass(frozen=True)
class ContestResult:
    findings: list[dict[str, Any]]
    refused: str = ""  # why nothing changed, shown as it is (Chinese); "" when done


def _refuse(findings: list[dict[str, Any]], reason: str) -> ContestResult:
    return ContestResult(findings, reason)


def _note_problem(note: str, required: bool) -> str:
    if required and not note.strip():
        return "申诉须写明理由"
    if len(note) > CONTEST_NOTE_MAX:
        return f"说明不超过 {CONTEST_NOTE_MAX} 字"
    return ""


def contest(review: dict[str, Any], index: int, agent: str, note: str, at: str) -> ContestResult:
    """The agent of a scored recording contests one of the findings held against them."""
    findings = review["findings"]
    if not review.get("reviewed_by"):
        return _refuse(findings, "此录音尚未评分，不能申诉")
    if agent != review.get("operator"):
        return _refuse(findings, "只能对本人的录音提出申诉")
    if not 0 <= index < len(findings):
        return _refuse(findings, "没有这一扣分项")
    f = findings[index]
    if f.get("status") not in HELD:
        return _refuse(findings, "此项未扣分，无需申诉")
    if f.get("contest"):
        return _refuse(findings, "此项已申诉过")
    bad = _note_problem(note, required=True)
    if bad:
        return _refuse(findings, bad)
    out = copy.deepcopy(findings)
    out[index]["contest"] = {"by": agent, "note": note.strip(), "at": at, "decision": "", "decided_by": "",
                             "decided_at": "", "decision_note": ""}
    return ContestResult(out)


def decide(review: dict[str, Any], index: int, decider: str, role: Role, uphold: bool, note: str,
           at: str) -> ContestResult:
    """A lead or the supervision office decides an open contest; never the agent themself."""
    findings = review["findings"]
    if role not in DECIDERS:
        return _refuse(findings, "申诉由值班班长或督办室裁定")
    if not 0 <= index < len(findings) or not findings[index].get("contest"):
        return _refuse(findings, "此项没有申诉")
    c = findings[index]["contest"]
    if c.get("decision"):
        return _refuse(findings, "此申诉已裁定")
    if decider == c.get("by"):
        return _refuse(findings, "不能裁定本人的申诉")
    bad = _note_problem(note, required=False)
    if bad:
        return _refuse(findings, bad)
    out = copy.deepcopy(findings)
    out[index]["contest"].update(decision="upheld" if uphold else "withdrawn", decided_by=decider, decided_at=at,
                                 decision_note=note.strip())
    if not uphold:
        out[index]["status"] = "rejected"  # the deduction is withdrawn
    return ContestResult(out)


def held_codes(findings: list[dict[str, Any]]) -> list[str]:
    return [f["code"] for f in findings if f.get("status") in HELD]


def index_of(findings: list[dict[str, Any]], code: str) -> int:
    """The finding with this checklist code (-1 when there is none)."""
    return next((i for i, f in enumerate(findings) if f.get("code") == code), -1)
