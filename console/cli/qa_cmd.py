"""`hotline qa …`: 录音质检 — import transcripts, draw the month's sample with pre-filled findings,
record an inspector's decisions, and the agents' monthly report (QA score, its 40-point component,
the place among peers). The checklist: console/kb_data/qa_checklist.toml; docs/quality.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from console import clock
from console.cli.common import add_data_dir, echo, month_period, print_json
from console.cli.errors import CliError


def register(sub) -> None:
    qa = sub.add_parser("qa", help="quality inspection of recordings (录音质检) and the agents' monthly score")
    qsub = qa.add_subparsers(dest="qa_command", metavar="ACTION", required=True)
    t = qsub.add_parser("transcripts", help="call transcripts")
    tsub = t.add_subparsers(dest="transcripts_command", metavar="ACTION", required=True)
    p = tsub.add_parser("import", help="upsert transcripts by call id from JSON Lines (docs/quality.md)")
    p.add_argument("file", metavar="FILE")
    add_data_dir(p)
    p.set_defaults(func=cmd_import)
    p = qsub.add_parser("sample", help="draw the month's sample per agent (seeded) with pre-filled findings")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--per-agent", type=int, default=None, help="recordings per agent (default 30, the seed's)")
    p.add_argument("--json", action="store_true")
    add_data_dir(p)
    p.set_defaults(func=cmd_sample)
    p = qsub.add_parser("score", help="an inspector's decisions on one sampled call")
    p.add_argument("call_id")
    p.add_argument("--inspector", required=True, help="the inspector's operator id")
    p.add_argument("--confirm", default="", help="pre-filled findings to keep (codes, comma separated; default all)")
    p.add_argument("--reject", default="", help="pre-filled findings that do not hold (codes)")
    p.add_argument("--add", default="", help="items the inspector heard (codes)")
    p.add_argument("--json", action="store_true")
    add_data_dir(p)
    p.set_defaults(func=cmd_score)
    p = qsub.add_parser("contest", help="an agent contests a finding of their scored recording, with a note")
    p.add_argument("call_id")
    p.add_argument("code", help="the finding's checklist code")
    p.add_argument("--operator", required=True, help="the agent (the recording's operator)")
    p.add_argument("--note", required=True, help="why the deduction does not hold")
    add_data_dir(p)
    p.set_defaults(func=cmd_contest)
    p = qsub.add_parser("decide", help="a lead or the supervision office decides a contest")
    p.add_argument("call_id")
    p.add_argument("code", help="the contested finding's checklist code")
    p.add_argument("--operator", required=True, help="the lead's operator id")
    p.add_argument("--role", choices=("lead", "supervisor"), default="lead")
    act = p.add_mutually_exclusive_group(required=True)
    act.add_argument("--uphold", action="store_true", help="the deduction stands")
    act.add_argument("--withdraw", action="store_true", help="the deduction is withdrawn: the score goes up")
    p.add_argument("--note", default="", help="the decision's reason")
    add_data_dir(p)
    p.set_defaults(func=cmd_decide)
    p = qsub.add_parser("contests", help="the month's contests, open ones first")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--json", action="store_true")
    add_data_dir(p)
    p.set_defaults(func=cmd_contests)
    p = qsub.add_parser("report", help="the month per agent: sampled, reviewed, QA score, 40-point component, rank")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--operator", help="one agent only (an agent sees their own)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--xlsx", metavar="FILE", help="also write the month as an XLSX sheet")
    add_data_dir(p)
    p.set_defaults(func=cmd_report)


def _open(args):
    from console.store import Store

    return Store.open(getattr(args, "data_dir", None))


def _codes(text: str, checklist) -> list[str]:
    codes = [c.strip() for c in text.split(",") if c.strip()]
    known = {i.code for i in checklist.items}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise CliError(f"unknown checklist item {unknown[0]!r}: see console/kb_data/qa_checklist.toml")
    return codes


def cmd_import(args) -> int:
    from console.domain.qa import Transcript, Utterance
    from console.store.quality import upsert_transcripts

    transcripts, errors = [], []
    try:
        lines = Path(args.file).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise CliError(f"no such file: {args.file}")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}")
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            call_id = obj["call_id"]
            if not isinstance(call_id, str) or not call_id.strip() or len(call_id) > 64:
                raise ValueError("call_id must be a string of 1 to 64 characters")
            utterances = tuple(Utterance(str(u["speaker"]), float(u["start"]), float(u["end"]), str(u["text"])[:2000])
                               for u in obj["utterances"])
            if any(u.speaker not in ("agent", "caller") or u.end < u.start for u in utterances):
                raise ValueError("each utterance needs speaker agent|caller and end >= start")
            transcripts.append(Transcript(call_id.strip(), utterances))
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            errors.append(f"line {n}: {exc}")
    store = _open(args)
    try:
        count = upsert_transcripts(store, transcripts)
    finally:
        store.close()
    for e in errors:
        print(f"hotline: {args.file}, {e}", file=sys.stderr)
    print(f"imported {count} transcripts, {len(errors)} lines refused")
    return 1 if errors else 0


def cmd_sample(args) -> int:
    from console.domain.qa import SAMPLE_PER_AGENT
    from console.quality import draw_sample

    per_agent = args.per_agent if args.per_agent is not None else SAMPLE_PER_AGENT
    if not 1 <= per_agent <= 1000:
        raise CliError("--per-agent must be from 1 to 1000")
    store = _open(args)
    try:
        drawn, written = draw_sample(store, args.month, per_agent)
    except ValueError as exc:
        raise CliError(str(exc))
    finally:
        store.close()
    if args.json:
        print_json({"month": args.month, "per_agent": per_agent, "sample": drawn})
        return 0
    for operator, ids in drawn.items():
        print(f"{operator}: {len(ids)} recordings")
    print(f"sampled {sum(len(v) for v in drawn.values())} recordings of {len(drawn)} agents "
          f"({written} new or not yet reviewed)")
    return 0


def cmd_score(args) -> int:
    from console.domain.qa import recording_score
    from console.qa_source import load_checklist
    from console.store.quality import review, save_review

    checklist = load_checklist()
    confirm, reject, add = (_codes(x, checklist) for x in (args.confirm, args.reject, args.add))
    store = _open(args)
    try:
        current = review(store, args.call_id)
        if current is None:
            raise CliError(f"call {args.call_id} is not in a sample: run hotline qa sample first", 1)
        findings = []
        for f in current["findings"]:
            if f["status"] == "added":
                continue  # the inspector's own list is given again each time
            decided = "rejected" if f["code"] in reject else "confirmed" if (not confirm or f["code"] in confirm) else "rejected"
            findings.append({**f, "status": decided})
        for code in add:
            if code not in {f["code"] for f in findings if f["status"] == "confirmed"}:
                findings.append({"code": code, "evidence": f"质检员 {args.inspector} 听音判定", "source": "inspector",
                                 "status": "added"})
        held = [f["code"] for f in findings if f["status"] in ("confirmed", "added")]
        score = recording_score(checklist, held)
        save_review(store, args.call_id, current["month"], current["operator"], findings, score,
                    reviewed_by=args.inspector, reviewed_at=clock.iso(clock.now()))
    finally:
        store.close()
    if args.json:
        print_json({"call_id": args.call_id, "score": score, "findings": findings})
    else:
        print(f"{args.call_id}: {score} 分（扣分项：{'、'.join(checklist.item(c).text for c in held) or '无'}）")
    return 0


REPORT_HEADINGS = {"operator": "坐席", "sampled": "抽查", "reviewed": "已评", "qa_score": "质检得分",
                   "component": "质检考核分(40)", "qa_rank": "质检排名", "estimate": "预评"}


def report_rows(store, month: str) -> list[dict[str, Any]]:
    """Per agent: the 录音质检 figures and the scorecard under the centre's weights, ranked."""
    from console.domain.qa import component, month_score
    from console.qa_source import load_checklist
    from console.scorecard import scorecards
    from console.store.quality import reviews

    checklist = load_checklist()
    rows = reviews(store, month)
    agents: dict[str, list[dict]] = {}
    for r in rows:
        agents.setdefault(r["operator"], []).append(r)
    report: list[dict[str, Any]] = []
    for card in scorecards(store, month, rows):
        items = agents.get(card.operator, [])
        decided = [r["score"] for r in items if r["reviewed_by"]]
        score = month_score(decided)
        report.append({"operator": card.operator, "sampled": len(items), "reviewed": len(decided), "qa_score": score,
                       "estimate": month_score([r["score"] for r in items]),  # pre-filled where not yet decided
                       "component": None if score is None else component(checklist, score),
                       "prefilled_findings": sum(1 for r in items for f in r["findings"] if f["status"] == "prefilled"),
                       "points": card.points, "total": card.total, "total_rank": card.rank, "of_total": card.of})
    ranked = sorted((r for r in report if r["qa_score"] is not None), key=lambda r: -r["qa_score"])
    for r in report:  # the place by QA score alone (rank/of), as before the scorecard
        r["rank"] = None if r["qa_score"] is None else 1 + sum(1 for o in ranked if o["qa_score"] > r["qa_score"])
        r["of"] = len(ranked)
        r["qa_rank"] = None if r["rank"] is None else f"{r['rank']}/{r['of']}"
    return report


def cmd_report(args) -> int:
    from console.domain.scorecard import COMPONENTS

    month_period(args.month)
    store = _open(args)
    try:
        report = report_rows(store, args.month)
        weights = dict(store.rules.scorecard)
    finally:
        store.close()
    if args.operator:
        report = [r for r in report if r["operator"] == args.operator]
        if not report:
            raise CliError(f"no agent {args.operator!r} in {args.month}", 1)
    if args.xlsx:
        _write_report(Path(args.xlsx), args.month, report, weights)
    if args.json:
        print_json({"month": args.month, "weights": weights, "agents": report})
        return 0
    names = [f"{COMPONENTS[c]}({w})" for c, w in weights.items()]
    print("坐席     抽查  已评  质检得分  考核分(40)  排名  预评  " + "  ".join(names) + "  总分  名次")
    for r in report:
        shown = "-" if r["qa_score"] is None else f"{r['qa_score']:.1f}"
        comp = "-" if r["component"] is None else str(r["component"])
        place = "-" if r["rank"] is None else f"{r['rank']}/{r['of']}"
        guess = "-" if r["estimate"] is None else f"{r['estimate']:.1f}"
        parts = ["-" if r["points"].get(c) is None else f"{r['points'][c]:.1f}" for c in weights]
        total = "-" if r["total"] is None else f"{r['total']:.1f}"
        where = "-" if r["total_rank"] is None else f"{r['total_rank']}/{r['of_total']}"
        print(f"{r['operator']:<8} {r['sampled']:>4} {r['reviewed']:>5} {shown:>9} {comp:>10}  {place:>4}  {guess}  "
              + "  ".join(parts) + f"  {total}  {where}")
    if args.xlsx:
        print(f"wrote {args.xlsx}")
    return 0


def _write_report(path: Path, month: str, report: list[dict[str, Any]], weights: dict[str, int]) -> None:
    from console.domain.scorecard import COMPONENTS
    from console.export import write_book

    columns = dict(REPORT_HEADINGS)
    columns.update({f"points.{c}": f"{COMPONENTS[c]}（{w}分）" for c, w in weights.items()})
    columns.update({"total": "总分", "total_place": "名次"})
    rows = [{**r, **{f"points.{c}": r["points"].get(c) for c in weights},
             "total_place": None if r["total_rank"] is None else f"{r['total_rank']}/{r['of_total']}"} for r in report]
    try:
        write_book(path, [("坐席考核", columns, rows)], [f"坐席月度考核 {month}", f"生成于 {clock.iso(clock.now())[:16]}"])
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}", 1)


def _contest_args(args, store):
    from console.domain.qa_contest import index_of
    from console.store.quality import review

    row = review(store, args.call_id)
    if row is None:
        raise CliError(f"call {args.call_id} is not in a sample", 1)
    index = index_of(row["findings"], args.code)
    if index < 0:
        raise CliError(f"call {args.call_id} has no finding {args.code!r}", 1)
    return index


def cmd_contest(args) -> int:
    from console.qa_contest import contest_finding

    store = _open(args)
    try:
        result = contest_finding(store, args.call_id, _contest_args(args, store), args.operator.strip(), args.note)
    finally:
        store.close()
    if result.refused:
        raise CliError(f"refused: {result.refused}", 1)
    print(f"{args.call_id} {args.code}: contested by {args.operator.strip()}, waiting for a lead's decision")
    return 0


def cmd_decide(args) -> int:
    from console.domain.roles import Role
    from console.qa_contest import decide_contest
    from console.store.quality import review

    store = _open(args)
    try:
        result = decide_contest(store, args.call_id, _contest_args(args, store), args.operator.strip(), Role(args.role),
                                bool(args.uphold), args.note)
        score = (review(store, args.call_id) or {}).get("score")
    finally:
        store.close()
    if result.refused:
        raise CliError(f"refused: {result.refused}", 1)
    print(f"{args.call_id} {args.code}: {'upheld' if args.uphold else 'withdrawn'}; the recording scores {score}")
    return 0


def cmd_contests(args) -> int:
    from console.store.quality import reviews

    month_period(args.month)
    store = _open(args)
    try:
        rows = reviews(store, args.month)
    finally:
        store.close()
    out = [{"call_id": r["call_id"], "operator": r["operator"], "code": f["code"], **f["contest"]}
           for r in rows for f in r["findings"] if f.get("contest")]
    out.sort(key=lambda c: (bool(c["decision"]), c["at"]))
    if args.json:
        for c in out:
            print_json(c)
        return 0
    for c in out:
        state = c["decision"] or "open"
        echo(f"{c['call_id']}  {c['operator']:<6} {c['code']:<14} {state:<9} {c['note'][:40]}"
             + (f"  ({c['decided_by']}: {c['decision_note'][:30]})" if c["decision"] else ""))
    print(f"{sum(1 for c in out if not c['decision'])} open, {sum(1 for c in out if c['decision'])} decided")
    return 0
