"""录音质检: the checklist, the score of one recording, the 40-point component of the monthly
assessment, the month's sample per agent, and what a transcript and a call record show before
an inspector listens (pre-filled findings with their evidence). Pure; the checklist is data
(console/kb_data/qa_checklist.toml, read by console/qa_source.py)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.domain.figures import ANSWER_IN_TIME_SECONDS, CallRecord

FULL_MARKS = 100
SAMPLE_PER_AGENT = 30  # the seed: 每人每月抽查30条录音
SILENCE_SECONDS = 30  # a wait over 30 s needs the prompt
WAIT_PROMPTS = ("稍等", "请稍候", "耐心等待")
SURNAME_QUESTIONS = ("贵姓", "怎么称呼")
OPENING_MARKS = ("请问有什么可以帮您", "请问有什么可以帮助您")
CLOSING_MARKS = ("感谢您的来电", "再见")
COURTESIES = ("您好", "请", "谢谢", "对不起", "再见")


@dataclass(frozen=True)
class Item:
    code: str
    group: str
    text: str
    points: int
    prefill: str  # transcript | call | phrases | manual
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tier:
    at_least: float
    points: int


@dataclass(frozen=True)
class Checklist:
    items: tuple[Item, ...]
    tiers: tuple[Tier, ...]  # highest first

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Checklist:
        items = tuple(Item(str(i["code"]), str(i.get("group", "")), str(i["text"]), int(i["points"]),
                           str(i.get("prefill", "manual")), tuple(str(p) for p in i.get("phrases", ())))
                      for i in data.get("items", ()))
        tiers = tuple(sorted((Tier(float(t["at_least"]), int(t["points"])) for t in data.get("tiers", ())),
                             key=lambda t: -t.at_least))
        codes = [i.code for i in items]
        if len(set(codes)) != len(codes):
            raise ValueError("checklist codes must be unique")
        if any(i.points < 0 for i in items) or any(i.prefill not in ("transcript", "call", "phrases", "manual")
                                                     for i in items):
            raise ValueError("checklist points must be >= 0 and prefill one of transcript, call, phrases, manual")
        return cls(items, tiers)

    def item(self, code: str) -> Item:
        for i in self.items:
            if i.code == code:
                return i
        raise KeyError(code)


def recording_score(checklist: Checklist, found: Iterable[str]) -> int:
    """100 less each item found (once, however often it happened), never below 0."""
    codes = set(found)
    return max(0, FULL_MARKS - sum(i.points for i in checklist.items if i.code in codes))


def component(checklist: Checklist, score: float) -> int:
    """The 40-point component for a month's QA score (<60 → 0, 60–64 → 5, …, ≥95 → 40)."""
    for tier in checklist.tiers:
        if score >= tier.at_least:
            return tier.points
    return 0


def month_score(scores: Sequence[int]) -> float | None:
    """The agent's QA score for the month: the mean of the sampled recordings' scores."""
    return round(sum(scores) / len(scores), 2) if scores else None


# -- the sample -----------------------------------------------------------------------------


def sample(calls: Iterable[CallRecord], seed: str, per_agent: int = SAMPLE_PER_AGENT,
           stratum: Callable[[CallRecord], str] | None = None) -> dict[str, list[str]]:
    """Each agent's answered calls drawn reproducibly (the same seed, the same sample), spread
    over the strata (day and nature by default: `stratum` names a call's) round-robin."""
    key = stratum or (lambda c: f"{c.offered_at:%Y-%m-%d}")
    by_agent: dict[str, dict[str, list[CallRecord]]] = defaultdict(lambda: defaultdict(list))
    for c in sorted(calls, key=lambda c: c.call_id):
        if c.answered_at is not None and c.operator:
            by_agent[c.operator][key(c)].append(c)
    out: dict[str, list[str]] = {}
    for agent in sorted(by_agent):
        rng = random.Random(f"{seed}/{agent}")
        strata = [list(v) for _, v in sorted(by_agent[agent].items())]
        for bucket in strata:
            rng.shuffle(bucket)
        rng.shuffle(strata)
        picked: list[str] = []
        while len(picked) < per_agent and any(strata):
            for bucket in strata:
                if bucket and len(picked) < per_agent:
                    picked.append(bucket.pop().call_id)
        out[agent] = sorted(picked)
    return out


# -- what the console finds before an inspector listens --------------------------------------


@dataclass(frozen=True)
class Utterance:
    speaker: str  # agent | caller
    start: float  # seconds from the answer
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    call_id: str
    utterances: tuple[Utterance, ...]


@dataclass(frozen=True)
class Finding:
    code: str
    evidence: str  # what was seen, in Chinese, with the time in the call when there is one
    source: str  # transcript | call | order


@dataclass
class Prefill:
    findings: list[Finding] = field(default_factory=list)

    def add(self, code: str, evidence: str, source: str) -> None:
        if code not in {f.code for f in self.findings}:
            self.findings.append(Finding(code, evidence, source))


def _at(seconds: float) -> str:
    return f"{int(seconds) // 60:02d}:{int(seconds) % 60:02d}"


def scan_transcript(checklist: Checklist, transcript: Transcript) -> list[Finding]:
    """Findings a transcript shows: no standard opening or closing line, a checklist phrase said by
    the agent, no surname asked, no courtesy word at all, a silence over 30 s without a prompt."""
    found = Prefill()
    agent = [u for u in transcript.utterances if u.speaker == "agent"]
    if agent and not any(m in agent[0].text for m in OPENING_MARKS):
        found.add("opening", f"{_at(agent[0].start)} 开头：{agent[0].text[:30]}", "transcript")
    if agent and not any(m in agent[-1].text for m in CLOSING_MARKS):
        found.add("closing", f"{_at(agent[-1].start)} 结束：{agent[-1].text[:30]}", "transcript")
    for item in checklist.items:
        if item.prefill != "phrases":
            continue
        for u in agent:
            hit = next((p for p in sorted(item.phrases, key=len, reverse=True) if p in u.text), None)
            if hit:
                found.add(item.code, f"{_at(u.start)} 说了“{hit}”：{u.text[:30]}", "transcript")
                break
    if agent and not any(q in u.text for u in agent for q in SURNAME_QUESTIONS):
        found.add("surname", "全程未询问来电人姓氏", "transcript")
    if agent and not any(c in u.text for u in agent for c in COURTESIES):
        found.add("courtesy", "全程未使用规范用语", "transcript")
    ordered = sorted(transcript.utterances, key=lambda u: u.start)
    for before, after in zip(ordered, ordered[1:], strict=False):
        gap = after.start - before.end
        if gap > SILENCE_SECONDS and not (before.speaker == "agent" and any(p in before.text for p in WAIT_PROMPTS)):
            found.add("wait_prompt", f"{_at(before.end)} 起等待 {int(gap)} 秒，之前没有提示语", "transcript")
            break
    return found.findings


def scan_call(call: CallRecord) -> list[Finding]:
    """What the call record shows: answered after more than 15 s (M-02), or not answered."""
    if call.answered_at is None:
        return [Finding("late_answer", "来电未接起", "call")]
    waited = (call.answered_at - call.offered_at).total_seconds()
    if waited > ANSWER_IN_TIME_SECONDS:
        return [Finding("late_answer", f"振铃 {int(waited)} 秒后接起（超过 {ANSWER_IN_TIME_SECONDS} 秒）", "call")]
    return []


def scan_text(checklist: Checklist, text: str, source: str = "order") -> list[Finding]:
    """Checklist phrases in what the agent typed (the order's answer and description)."""
    out = Prefill()
    for item in checklist.items:
        if item.prefill == "phrases":
            hit = next((p for p in sorted(item.phrases, key=len, reverse=True) if p in text), None)
            if hit:
                out.add(item.code, f"工单中写有“{hit}”", source)
    return out.findings
