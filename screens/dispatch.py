"""F4 — the dispatch queue (R-20..R-24): orders awaiting dispatch, urgent and leader orders
first, then by cutoff, with a live countdown; review, return to intake, escalate, dispatch."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist
from textual.worker import Worker, WorkerState

from console import queues
from console.domain.order import Kind, OrderState, Status
from console.domain.roles import Role
from console.domain.units import suggest_units
from console.store import NewEvent, Recorded
from screens.desk import DeskScreen, Page, PendingCommand
from screens.dispatch_common import (
    ESCALATE_REASONS,
    RETURN_REASONS,
    VIEW_BINDINGS,
    directory,
    kb_answer,
    switch_view,
    unit_name,
)
from screens.safe import clip, plain
from screens.widgets.dispatch_reason import ReasonModal
from screens.widgets.keys_help import bound_key
from screens.widgets.review_panel import ReviewPanel
from screens.widgets.unit_picker_dispatch import UnitPickerModal

SORT_ORDER = tuple(queues.DISPATCH_SORTS)
FILTER_ORDER = tuple(queues.DISPATCH_FILTERS)


class BatchRecorded(Message):
    """Each order of a batch dispatch was recorded as a command of its own: (number, Recorded)."""

    def __init__(self, pending: PendingCommand, results: list[tuple[str, Recorded]], lead: str) -> None:
        super().__init__()
        self.pending, self.results, self.lead = pending, results, lead


class DispatchScreen(DeskScreen):
    TITLE_TEXT = "转办队列"
    HEADER_IDS = ("total", "noon", "evening", "overdue", "next", "view")
    SEARCHABLE = True
    COLUMNS = (
        # the countdown and the deadline first: never cut off at 100 columns (issue 17)
        ("mark", "选", 2), ("left", "倒计时", 12), ("due", "转办截止", 11), ("number", "工单编号", 17), ("prio", "优先", 11),
        ("created", "受理时间", 11), ("nature", "性质", 4), ("klass", "分类", 18), ("desc", "诉求", 40),
    )
    BINDINGS = [
        Binding("d", "dispatch", "转办", id="dispatch.dispatch"),
        Binding("space", "mark", "选择", id="dispatch.mark"),
        Binding("r", "return_intake", "退回", id="dispatch.return"),
        Binding("k", "return_kb", "知识库退回", id="dispatch.return_kb"),
        Binding("e", "escalate", "负责人", id="dispatch.escalate"),
        Binding("s", "cycle_sort", "排序", id="dispatch.sort"),
        Binding("f", "cycle_filter", "筛选", id="dispatch.filter"),
        Binding("slash", "search", "搜索", id="dispatch.search"),
        *VIEW_BINDINGS,
    ]

    def footer_hidden_actions(self) -> set[str]:
        # Alt+R (the inbox) is view 4 here: one footer entry for it is enough at 160 columns.
        return {"desk('inbox')"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.qq = queues.QueueQuery()
        self.marked: set[str] = set()
        self.counts: queues.CutoffCounts | None = None
        self.kb_hits: dict[str, object] = {}
        self.route_hits: dict[str, str] = {}  # order -> its unit suggestions (screens.widgets.route_hint)
        self.route_asked: set[str] = set()

    def compose_detail(self) -> ComposeResult:
        yield ReviewPanel(id="review")

    # -- data -------------------------------------------------------------------------------

    def fetch_page(self, offset: int, limit: int) -> Page:
        now = self.now()
        q = queues.QueueQuery(self.qq.sort, self.qq.filter, self.search_text)
        rows = queues.dispatch_queue(self.store, q, limit=limit, offset=offset, now=now)
        total = queues.dispatch_count(self.store, q, now=now)
        return Page(rows, total, offset, {"counts": queues.queue_counts(self.store, now)})

    def apply_page(self, page: Page) -> None:
        self.counts = page.extra.get("counts")
        super().apply_page(page)

    def row_cells(self, row: dict) -> dict:
        t = self.table
        label, level = queues.countdown(row["dispatch_due"], self.now())
        prio = "紧急" if row["urgent"] else ("领导" if row["leader_day"] or row["leader_report"] else "")
        if row["status"] == Status.ESCALATED:
            prio = (prio + " 负责人").strip()
        return {
            "mark": t.styled("✓" if row["number"] in self.marked else "", "queue--marked"),
            "prio": t.styled(prio, "queue--priority"),
            "number": plain(row["number"]),
            "due": plain((row["dispatch_due"] or "")[5:16].replace("T", " ")),
            "left": t.deadline(label, level),
            "created": plain(row["created_at"][5:16].replace("T", " ")),
            "nature": plain(row["nature"]),
            "klass": plain(row["content_class"]),
            "desc": plain(clip(row["description"] or "", 40)),
        }

    def header_values(self) -> dict[str, tuple[str, str]]:
        c = self.counts
        if c is None:
            return {}
        now = self.now()
        label, level = queues.countdown(c.next_cutoff, now)
        sort_label = queues.DISPATCH_SORTS[self.qq.sort][0]
        filter_label = queues.DISPATCH_FILTERS[self.qq.filter]
        marked = f"，已选 {len(self.marked)}" if self.marked else ""
        return {
            "total": (f"待转办 {c.total}", ""),
            "noon": (f"12:00前 {c.due_noon}", "-soon" if c.due_noon and c.next_cutoff.hour == 12 else ""),
            "evening": (f"17:00前 {c.due_evening}", "-soon" if c.due_evening and c.next_cutoff.hour == 17 else ""),
            "overdue": (f"已超时 {c.overdue}", "-late" if c.overdue else ""),
            "next": (f"距{c.next_cutoff:%H:%M}截止 {label[2:]}", f"-{level}"),
            "view": (f"{self.page_label()}｜{sort_label}｜{filter_label}{marked}", "-muted"),
        }

    def tick(self) -> None:
        now = self.now()
        table = self.table
        for number, row in self.page_rows.items():
            label, level = queues.countdown(row["dispatch_due"], now)
            try:
                table.update_cell(number, "left", table.deadline(label, level))
            except CellDoesNotExist:  # the row left the page between ticks
                continue
        self.refresh_header()

    # -- detail -----------------------------------------------------------------------------

    def render_detail(self, row: dict | None, state: OrderState | None) -> None:
        panel = self.query_one("#review", ReviewPanel)
        if row is None or state is None:
            panel.show(None)
            return
        suggestions = self.route_hits.get(state.number)
        if suggestions is None:  # until the learned ones (console.routing) come back from the worker
            ranked = suggest_units(directory(self.store), state.description, limit=3)
            suggestions = "、".join(f"{u.short}（{u.code}）" for u, _ in ranked)
            if state.number not in self.route_asked:  # one lookup per order, never cancelled by the next
                self.route_asked.add(state.number)
                self._lookup_route(state.number, state.description, state.address, state.nature)
        extra = f"已提交负责人：{state.escalated_reason}" if state.escalated_reason and state.status == Status.ESCALATED else ""
        hit = self.kb_hits.get(state.number)
        panel.show(state, suggestions, self._kb_text(hit), extra)
        if state.number not in self.kb_hits:
            self._lookup_kb(state.number, state.description)

    def _kb_text(self, hit) -> str:
        if not hit:
            return ""
        return f"{hit.id} {hit.title}（{hit.department}）— 按 {bound_key(self.app, 'dispatch.return_kb', 'k')} 以知识库答复退回"

    @work(thread=True, exclusive=True, exit_on_error=False, group="desk-kb")
    def _lookup_kb(self, number: str, description: str):
        return number, kb_answer(self.store, description)

    @work(thread=True, exit_on_error=False, group="desk-route")
    def _lookup_route(self, number: str, description: str, address: str, nature: str):
        from screens.widgets.route_hint import unit_suggestions

        return number, unit_suggestions(self.store, description, address, nature)

    @on(Worker.StateChanged)
    def _kb_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "desk-route" and event.state == WorkerState.SUCCESS:
            number, text = event.worker.result
            self.route_hits[number] = text
            row = self.current_row()
            if text and row and row["number"] == number:
                self.show_detail(row)
        if event.worker.group == "desk-kb" and event.state == WorkerState.SUCCESS:
            number, hit = event.worker.result
            self.kb_hits[number] = hit
            row = self.current_row()
            if hit and row and row["number"] == number:
                self.show_detail(row)

    # -- selection and views ----------------------------------------------------------------

    def action_mark(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]
        self.marked.symmetric_difference_update({number})
        self.table.update_cell(number, "mark", self.table.styled("✓" if number in self.marked else "", "queue--marked"))
        self.refresh_header()
        self.table.action_cursor_down()

    def action_cycle_sort(self) -> None:
        nxt = SORT_ORDER[(SORT_ORDER.index(self.qq.sort) + 1) % len(SORT_ORDER)]
        self.qq = queues.QueueQuery(nxt, self.qq.filter)
        self._load(0)

    def action_cycle_filter(self) -> None:
        nxt = FILTER_ORDER[(FILTER_ORDER.index(self.qq.filter) + 1) % len(FILTER_ORDER)]
        self.qq = queues.QueueQuery(self.qq.sort, nxt)
        self._load(0)

    def action_view(self, view: str) -> None:
        switch_view(self, view)

    @on(DataTable.RowSelected, "#desk-table")
    def _enter(self, event: DataTable.RowSelected) -> None:
        self.action_dispatch()

    # -- actions ----------------------------------------------------------------------------

    def _targets(self) -> list[str]:
        if self.marked:
            return sorted(self.marked)
        row = self.current_row()
        return [row["number"]] if row else []

    def action_dispatch(self) -> None:
        numbers = self._targets()
        if numbers:
            self._claim_then_dispatch(numbers)

    @work(thread=True, exclusive=True, exit_on_error=False, group="lease")
    def _claim_then_dispatch(self, numbers: list[str]) -> None:
        """While online, lease the orders from the centre first so two dispatchers do not work the
        same one; offline (no answer in 2 s) work proceeds and the centre's decide() settles it."""
        from console.sync.leases import claim_many

        claims = claim_many(self.store, numbers, f"{self.actor.operator}@{self.store.seat}")
        held = {n: c for n, c in claims.items() if c.granted is False}
        fences = {n: c.fence for n, c in claims.items() if c.granted}
        free = [n for n in numbers if n not in held]
        states = [s for s in (self.store.get(n) for n in free) if s is not None]
        self.app.call_from_thread(self._open_dispatch, free, held, states, fences)

    def _open_dispatch(self, numbers: list[str], held: dict, states: list[OrderState],
                       fences: dict[str, int]) -> None:
        for number, lease in held.items():
            self.say(f"{number} 正由 {lease.holder} 处理（中心租约），请稍后再试", error=True)
        if not numbers:
            self._release(fences)
            return

        def submit(choice):
            def payload(n: str) -> dict:  # the fence lets the centre refuse it if the lease was lost
                return {"lead_unit": choice.lead, "assist_units": list(choice.assists),
                        "complexity": choice.complexity, **({"fence": fences[n]} if n in fences else {})}

            events = [NewEvent(Kind.DISPATCHED, payload(n), self.actor, n) for n in numbers]
            if len(events) == 1:
                pending = self.record(events, f"已转办 1 张给 {unit_name(self.store, choice.lead)}")
                return pending.then(lambda result: result.ok and self.marked.clear())
            return self.record_each(events, choice.lead)

        title = f"转办 {len(numbers)} 张工单" if len(numbers) > 1 else f"转办 {numbers[0]}"
        self.app.push_screen(UnitPickerModal(states, directory(self.store), self.store.rules, self.store.calendar,
                                             self.now(), submit, title=title),
                             callback=lambda dispatched: None if dispatched else self._release(fences))

    @work(thread=True, exit_on_error=False, group="lease-release")
    def _release(self, fences: dict[str, int]) -> None:
        """The dialog closed without a dispatch: give the leases back at once, not at expiry. (A
        dispatch keeps its lease until the centre accepts it, which ends the lease there.)"""
        from console.sync.leases import release

        for number, fence in fences.items():
            release(self.store, number, fence)

    def record_each(self, events: list[NewEvent], lead: str) -> PendingCommand:
        """A batch: each order is its own command, so one that cannot go does not hold back the rest."""
        stamp = self.now()
        for event in events:
            event.at = event.at or stamp
        pending = PendingCommand()
        self._record_each_worker(events, lead, pending)
        return pending

    @work(thread=True, exit_on_error=False, group="desk-record")
    def _record_each_worker(self, events: list[NewEvent], lead: str, pending: PendingCommand) -> None:
        results = [(event.order, self.store.record([event])) for event in events]
        self.post_message(BatchRecorded(pending, results, lead))

    @on(BatchRecorded)
    def _batch_recorded(self, message: BatchRecorded) -> None:
        done = [number for number, result in message.results if result.ok]
        failed = [(number, result.reason) for number, result in message.results if not result.ok]
        if not done:  # nothing went: the dialog stays open and says why
            number, reason = failed[0]
            message.pending.resolve(Recorded(ok=False, reason=f"{number}：{reason}", code="batch"))
            return
        self.marked.difference_update(done)  # what could not go stays marked
        text = f"已转办 {len(done)} 张给 {unit_name(self.store, message.lead)}"
        if failed:
            text += f"；{len(failed)} 张未转办（仍已选）：" + "；".join(f"{n}：{reason}" for n, reason in failed)
        self.detail = None
        self.say(text, error=bool(failed))
        self.reload()
        message.pending.resolve(Recorded(ok=True, orders=done))

    def action_return_intake(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]

        def submit(reason: str):
            return self._record_one(Kind.RETURNED_TO_INTAKE, {"reason": reason}, number, f"{number} 已退回受理：{reason}")

        self.app.push_screen(ReasonModal(f"退回受理 {number}（R-20）", RETURN_REASONS, submit))

    def action_return_kb(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]
        hit = self.kb_hits.get(number)
        department = getattr(hit, "department", "") or ""
        article = getattr(hit, "id", "") or ""
        preview = (f"退回说明：{department or '<部门>'}知识库已有明确答复（R-21）\n"
                   f"知识库条目：{article or '（请输入条目编号）'}")

        def submit(value: str):
            art, _, dept = value.partition(" ")
            payload = {"kb_article": art.strip(), "department": dept.strip() or department}
            return self._record_one(Kind.RETURNED_TO_INTAKE, payload, number,
                                    f"{number} 已退回受理：{payload['department']}知识库已有明确答复")

        self.app.push_screen(ReasonModal(
            f"知识库答复退回 {number}", (), submit, preview=preview,
            placeholder="知识库条目编号 部门，如：KB-0012 市住建局", value=f"{article} {department}".strip(),
        ))

    def action_escalate(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]
        to_supervision = self.actor.role == Role.LEAD and row["status"] == Status.ESCALATED
        title = f"提交督办室 {number}（R-22）" if to_supervision else f"提交转办负责人 {number}（R-22）"

        def submit(reason: str):
            payload = {"reason": reason, "to_supervision": to_supervision}
            done = f"{number} 已提交督办室" if to_supervision else f"{number} 已提交转办负责人"
            return self._record_one(Kind.ESCALATED, payload, number, done)

        self.app.push_screen(ReasonModal(title, ESCALATE_REASONS, submit))

    def _record_one(self, kind: str, payload: dict, number: str, done: str):
        return self.record([NewEvent(kind, payload, self.actor, number)], done)

