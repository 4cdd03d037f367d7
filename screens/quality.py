"""Alt+Q — the quality desk (录音质检): this month's sampled calls per agent, each with the findings
the console pre-filled (and their evidence) and, beside them, the call as the console recorded it
(its timeline: the panel's lines shown and said, holds, the call's length); the inspector confirms or rejects each (x), adds an
item heard on the recording (a), and saves the score (s). Reads and
writes in workers. The checklist: console/kb_data/qa_checklist.toml; docs/quality.md."""

from __future__ import annotations

from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from console import clock
from console.domain.qa_contest import DECISION_LABELS
from console.domain.roles import Role
from console.qa_contest import contest_finding, decide_contest
from screens.desk_style import DESKS_TCSS
from screens.safe import content, plain
from screens.widgets.footer import StableFooter
from screens.widgets.status_header import StatusHeader

STATUS_LABELS = {"prefilled": "预填", "confirmed": "确认", "rejected": "不成立", "added": "质检员加"}


class SampleLoaded(Message):
    def __init__(self, month: str, rows: list[dict], own: str = "", timelines: dict[str, str] | None = None) -> None:
        super().__init__()
        self.month, self.rows, self.own = month, rows, own
        self.timelines = timelines or {}


class ReviewSaved(Message):
    def __init__(self, call_id: str, score: int) -> None:
        super().__init__()
        self.call_id, self.score = call_id, score


class QualityScreen(Screen):
    CSS_PATH = DESKS_TCSS
    BINDINGS = [
        Binding("x", "toggle", "确认/不成立", id="quality.toggle"),
        Binding("a", "add_item", "加扣分项", id="quality.add"),
        Binding("s", "save", "保存评分", id="quality.save"),
        Binding("c", "contest", "申诉", id="quality.contest"),
        Binding("u", "decide(True)", "驳回申诉", id="quality.uphold"),
        Binding("w", "decide(False)", "申诉成立", id="quality.withdraw"),
        Binding("f5", "reload", "刷新", id="quality.reload"),
    ]

    def __init__(self, month: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.month = month
        self.rows: dict[str, dict] = {}
        self.current: str | None = None
        self.findings: list[dict] = []
        self.timelines: dict[str, str] = {}  # call id -> what the console recorded of the call

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Horizontal(id="desk-header"):
            yield Label("录音质检", id="desk-title")
            yield Label("", id="qa-month", classes="desk-count")
        with Horizontal(id="desk-body"):
            yield DataTable(id="qa-calls", cursor_type="row", zebra_stripes=True)
            with Vertical(id="qa-detail"):
                yield Static("", id="qa-call")
                yield Static("", id="qa-timeline")
                yield DataTable(id="qa-findings", cursor_type="row")
                yield Static("", id="qa-contest")
        yield Static("", id="desk-status")
        yield StableFooter(compact=True)

    def on_mount(self) -> None:
        calls = self.query_one("#qa-calls", DataTable)
        for label, width in (("坐席", 8), ("录音", 16), ("得分", 5), ("状态", 6)):
            calls.add_column(label, width=width)
        findings = self.query_one("#qa-findings", DataTable)
        for label, width in (("扣分项", 30), ("分", 3), ("依据", 40), ("", 8)):
            findings.add_column(label, width=width)
        calls.focus()
        self.reload()

    @property
    def checklist(self):
        from console.qa_source import load_checklist

        return load_checklist()

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        if self.app.store is not None:
            self._load()

    def on_store_ready(self, _message) -> None:
        self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="qa-load")
    def _load(self) -> None:
        from console.quality import call_timelines
        from console.store.quality import latest_month, reviews

        now: datetime = getattr(self.app, "wallclock", clock.now)()
        actor = self.app.actor
        own = actor.operator if actor is not None and actor.role == Role.AGENT else None  # an agent sees their own
        month = self.month or f"{now:%Y-%m}"
        if self.month is None and not reviews(self.app.store, month, operator=own):
            month = latest_month(self.app.store, own) or month  # early in a month: last month's sample is the work
        card = ""
        if own is not None:
            card = own_scorecard(self.app.store, month, own)
        rows = reviews(self.app.store, month, operator=own)
        self.post_message(SampleLoaded(month, rows, card, call_timelines(self.app.store, month) if rows else {}))

    @on(SampleLoaded)
    def _loaded(self, message: SampleLoaded) -> None:
        self.month = message.month
        self.query_one("#qa-month", Label).update(content(
            f"{message.month} 抽查 {len(message.rows)} 条" + (f"｜{message.own}" if message.own else "")))
        self.rows = {r["call_id"]: r for r in message.rows}
        self.timelines = message.timelines
        table = self.query_one("#qa-calls", DataTable)
        table.clear()
        for r in message.rows:
            table.add_row(plain(r["operator"]), plain(r["call_id"]), plain(r["score"]),
                          plain("已评" if r["reviewed_by"] else "待评", "" if r["reviewed_by"] else "yellow"),
                          key=r["call_id"])
        keys = list(self.rows)
        if self.current in self.rows:  # a reload after a save or a contest keeps the recording in view
            table.move_cursor(row=keys.index(self.current))
        if not message.rows:
            self.query_one("#desk-status", Static).update(content("本月还没有抽查：hotline qa sample --month " + message.month))

    @on(DataTable.RowHighlighted, "#qa-calls")
    def _call_highlighted(self, event: DataTable.RowHighlighted) -> None:
        call_id = str(event.row_key.value)
        row = self.rows.get(call_id)
        if row is None:
            return
        self.current = call_id
        self.findings = [dict(f) for f in row["findings"]]
        for f in self.findings:
            if f["status"] == "prefilled":
                f["status"] = "confirmed"  # pre-filled findings hold until the inspector says otherwise
        self.query_one("#qa-call", Static).update(content(
            f"录音 {call_id}  坐席 {row['operator']}  当前得分 {row['score']}" +
            (f"  （{row['reviewed_by']} 已评）" if row["reviewed_by"] else "  （预填，待质检员确认）")))
        recorded = self.timelines.get(call_id)
        self.query_one("#qa-timeline", Static).update(content(
            f"控制台记录：{recorded}" if recorded else "控制台记录：无（未找到本次来电受理的工单）"))
        self._show_findings()

    def _show_findings(self) -> None:
        checklist = self.checklist
        table = self.query_one("#qa-findings", DataTable)
        table.clear()
        for i, f in enumerate(self.findings):
            item = checklist.item(f["code"])
            style = "strike dim" if f["status"] == "rejected" else ""
            state = STATUS_LABELS.get(f["status"], f["status"])
            if f.get("contest"):
                state += "·" + DECISION_LABELS[f["contest"].get("decision", "")]
            table.add_row(plain(item.text, style), plain(item.points, style), plain(f["evidence"], style),
                          plain(state), key=str(i))
        self._show_contest()

    def _show_contest(self) -> None:
        """The contest of the finding under the cursor, as the record holds it."""
        i = self._finding_index()
        c = self.findings[i].get("contest") if i is not None and i < len(self.findings) else None
        text = ""
        if c:
            text = f"申诉（{c['by']}，{c['at'][:16].replace('T', ' ')}）：{c['note']}"
            if c.get("decision"):
                text += (f"\n裁定（{c['decided_by']}，{c['decided_at'][:16].replace('T', ' ')}）："
                         f"{DECISION_LABELS[c['decision']]}{'：' + c['decision_note'] if c['decision_note'] else ''}")
        self.query_one("#qa-contest", Static).update(content(text))

    @on(DataTable.RowHighlighted, "#qa-findings")
    def _finding_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_contest()

    # -- actions ----------------------------------------------------------------------------

    def _finding_index(self) -> int | None:
        table = self.query_one("#qa-findings", DataTable)
        if not table.row_count:
            return None
        return table.cursor_row

    def action_toggle(self) -> None:
        i = self._finding_index()
        if i is None:
            return
        f = self.findings[i]
        if f["status"] == "added":
            del self.findings[i]
        else:
            f["status"] = "rejected" if f["status"] != "rejected" else "confirmed"
        self._show_findings()

    def action_add_item(self) -> None:
        if self.current is None:
            return
        from screens.widgets.dispatch_reason import ReasonModal

        held = {f["code"] for f in self.findings if f["status"] != "rejected"}
        items = [i for i in self.checklist.items if i.code not in held]
        labels = [f"{i.code} {i.text}（{i.points}分）" for i in items]

        def submit(value: str):
            code = value.split(" ")[0].strip()
            if code not in {i.code for i in items}:
                return _Refused("请从列表中选择扣分项")
            operator = self.app.actor.operator if self.app.actor else ""
            self.findings.append({"code": code, "evidence": f"质检员 {operator} 听音判定", "source": "inspector",
                                  "status": "added"})
            self._show_findings()
            return _Done()

        self.app.push_screen(ReasonModal(f"加扣分项：{self.current}", labels, submit, value=labels[0] if labels else ""))

    def action_save(self) -> None:
        if self.current is None or self.app.actor is None:
            return
        self._save_worker(self.current, [dict(f) for f in self.findings], self.app.actor.operator)

    @work(thread=True, exclusive=True, exit_on_error=False, group="qa-save")
    def _save_worker(self, call_id: str, findings: list[dict], inspector: str) -> None:
        from console.domain.qa import recording_score
        from console.store.quality import review, save_review

        store = self.app.store
        row = review(store, call_id)
        if row is None:
            return
        held = [f["code"] for f in findings if f["status"] in ("confirmed", "added")]
        score = recording_score(self.checklist, held)
        save_review(store, call_id, row["month"], row["operator"], findings, score,
                    reviewed_by=inspector, reviewed_at=clock.iso(clock.now()))
        self.post_message(ReviewSaved(call_id, score))

    @on(ReviewSaved)
    def _saved(self, message: ReviewSaved) -> None:
        self.query_one("#desk-status", Static).update(content(f"{message.call_id} 已评：{message.score} 分"))
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    # -- contests (申诉): the agent contests, a lead decides; the store keeps both --------------

    def action_contest(self) -> None:
        i = self._finding_index()
        if self.current is None or i is None or self.app.actor is None:
            return
        call_id, agent = self.current, self.app.actor.operator
        from screens.widgets.dispatch_reason import ReasonModal

        def submit(note: str):
            return self._contest_command(lambda store: contest_finding(store, call_id, i, agent, note),
                                         f"{call_id} 已提出申诉，等待裁定")

        item = self.checklist.item(self.findings[i]["code"])
        self.app.push_screen(ReasonModal(f"申诉：{item.text}（{item.points}分）", (), submit,
                                         placeholder="写明理由后回车"))

    def action_decide(self, uphold: bool) -> None:
        i = self._finding_index()
        actor = self.app.actor
        if self.current is None or i is None or actor is None:
            return
        call_id = self.current
        from screens.widgets.dispatch_reason import ReasonModal

        def submit(note: str):
            return self._contest_command(
                lambda store: decide_contest(store, call_id, i, actor.operator, actor.role, uphold, note),
                f"{call_id} 申诉已裁定：{'维持扣分' if uphold else '撤销扣分'}")

        self.app.push_screen(ReasonModal(f"裁定申诉：{'驳回（维持扣分）' if uphold else '成立（撤销扣分）'}", (), submit,
                                         placeholder="裁定说明（可空），回车确认"))

    def _contest_command(self, change, done: str):
        """Runs in a worker; the dialog waits on the answer (closes, or says why and stays)."""
        from screens.desk import PendingCommand

        pending = PendingCommand()
        self._contest_worker(change, done, pending)
        return pending

    @work(thread=True, exit_on_error=False, group="qa-contest")
    def _contest_worker(self, change, done: str, pending) -> None:
        result = change(self.app.store)
        self.app.call_from_thread(self._contest_done, result, done, pending)

    def _contest_done(self, result, done: str, pending) -> None:
        from console.store import Recorded

        pending.resolve(Recorded(False, reason=result.refused) if result.refused else Recorded(True))
        if not result.refused:
            self.query_one("#desk-status", Static).update(content(done))
            self.reload()


def own_scorecard(store, month: str, operator: str) -> str:
    """The agent's own scorecard line: each component's points, the total and the place (a worker)."""
    from console.domain.scorecard import COMPONENTS
    from console.scorecard import scorecards

    card = next((c for c in scorecards(store, month) if c.operator == operator), None)
    if card is None or card.total is None:
        return "本月考核：暂无"
    parts = "，".join(f"{COMPONENTS[c]} {'-' if p is None else f'{p:.1f}'}" for c, p in card.points.items())
    return f"本月考核 {card.total:.1f} 分，第 {card.rank}/{card.of} 名（{parts}）"


class _Done:
    ok = True


class _Refused:
    ok = False

    def __init__(self, reason: str) -> None:
        self.reason = reason
