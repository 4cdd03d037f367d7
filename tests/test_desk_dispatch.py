"""Dispatch queue (F4, issue 5): review, return, escalate, dispatch — pressing real keys."""

from datetime import datetime

from dispatch_support import SIZE, DeskApp, add_order, data, screen_text, settle, stored, table_keys  # noqa: F401 (fixture)

from console.domain.order import Status
from console.domain.roles import Role
from console.store import Store
from screens.dispatch import DispatchScreen
from screens.dispatch_common import RETURN_REASONS

EARLY = datetime(2026, 11, 26, 23, 0)  # before every demo order due at 12:00



def app_for(data, role=Role.DISPATCHER):
    return DeskApp(data, DispatchScreen, role=role)


async def test_queue_shows_priority_first_with_countdowns_and_header_counts(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        keys = table_keys(screen)
        assert keys[0] == "20261127-S07-0005"  # the urgent one
        assert str(screen.table.get_cell(keys[0], "prio")) == "紧急"
        assert str(screen.table.get_cell(keys[0], "left")) == "剩 1:30:00"
        overdue = [k for k in keys if str(screen.table.get_cell(k, "left")).startswith("超")]
        assert overdue
        assert screen_text(screen, "#cnt-overdue") == f"已超时 {len(overdue)}"
        assert screen.query_one("#cnt-overdue").has_class("-late")
        assert screen_text(screen, "#cnt-next") == "距12:00截止 1:30:00"
        assert screen_text(screen, "#cnt-noon").startswith("12:00前 ")


async def test_dispatch_to_the_suggested_unit_shows_the_time_limit_first(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        await pilot.press("d")
        await pilot.pause()
        modal = app.screen
        first = str(modal.query_one("#modal-options").get_option_at_index(0).prompt)
        assert first.startswith("建议 教育局")
        await pilot.press("enter")  # lead unit = the highlighted (suggested) one
        preview = screen_text(modal, "#modal-preview")
        assert "主办：教育局" in preview and f"{number}：5个工作日，办结时限 2026-12-04 23:59" in preview
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, DispatchScreen)
        assert number not in table_keys(app.screen)
        assert "已转办 1 张给 教育局" in screen_text(app.screen, "#desk-status")
    state = stored(data, number)
    assert state.status == Status.DISPATCHED and state.lead_unit == "U010"


async def test_pick_by_pinyin_with_an_assisting_unit_and_complex_limit(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"scsg")
        await pilot.press("enter")  # 城管局 as lead
        modal = app.screen
        modal.query_one("#picker-input").value = ""
        await pilot.pause()
        await pilot.press("f3")  # the suggested 教育局 assists
        await pilot.press("f4")  # complex: 10 working days
        preview = screen_text(modal, "#modal-preview")
        assert "主办：城管局    协办：教育局    办理类型：复杂件" in preview
        assert "10个工作日" in preview
        await pilot.press("f2")
        await settle(pilot)
    state = stored(data, number)
    assert (state.lead_unit, state.assist_units, state.limit_days) == ("U002", ["U010"], 10)


async def test_several_marked_orders_go_to_one_unit_in_one_action(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = table_keys(app.screen)
        await pilot.press("space", "space", "space")  # marks the first three, cursor moves down
        assert "已选 3" in screen_text(app.screen, "#cnt-view")
        await pilot.press("d")
        await pilot.pause()
        assert app.screen.query_one("#modal-title").content == "转办 3 张工单"
        await pilot.press(*"U002", "enter", "f2")
        await settle(pilot)
        assert not set(keys[:3]) & set(table_keys(app.screen))
    assert {stored(data, n).lead_unit for n in keys[:3]} == {"U002"}


async def test_a_rejected_dispatch_says_why_and_changes_nothing(data):
    number = add_order(data, description="停水了", address="", urgent=True, at=EARLY)
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert table_keys(app.screen)[0] == number
        review = app.screen.query_one("#review")
        missing = [str(w.content) for w in review.query(".rv-check.-missing")]
        assert "✗ 问题描述（至少10字）" in missing and "✗ 单位或地址" in missing
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"U001", "enter", "f2")
        await pilot.pause()
        status = screen_text(app.screen, "#modal-status")
        assert status.startswith("未执行：记录不符合规范，请退回受理") and "单位或地址" in status
        await pilot.press("escape")
        await settle(pilot)
        assert number in table_keys(app.screen)
    assert stored(data, number).status == Status.PENDING_DISPATCH


async def test_return_to_intake_with_a_picked_reason(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert number not in table_keys(app.screen)
    state = stored(data, number)
    assert state.status == Status.RETURNED_TO_INTAKE and state.returned_reason == RETURN_REASONS[1]


async def test_return_to_intake_with_a_typed_reason(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        await pilot.press("r")
        await pilot.pause()
        field = app.screen.query_one("#modal-input")
        field.value = "来电人说的小区名称与地址不一致"
        await pilot.press("enter")
        await settle(pilot)
    assert stored(data, number).returned_reason == "来电人说的小区名称与地址不一致"


async def test_knowledge_base_return_carries_the_r21_note(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        await pilot.press("k")
        await pilot.pause()
        app.screen.query_one("#modal-input").value = ""
        await pilot.press("enter")  # no article: refused, nothing changes
        assert screen_text(app.screen, "#modal-status") == "未执行：退回受理须写明原因"
        assert stored(data, number).status == Status.PENDING_DISPATCH
        app.screen.query_one("#modal-input").value = "KB-0031 市教育局"
        await pilot.press("enter")
        await settle(pilot)
    state = stored(data, number)
    assert state.returned_reason == "市教育局知识库已有明确答复" and state.kb_article == "KB-0031"


async def test_escalated_order_is_the_leads_to_dispatch(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert str(app.screen.table.get_cell(number, "prio")) == "紧急 负责人"
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"U010", "enter", "f2")
        await pilot.pause()
        assert "已提交转办负责人的工单由负责人处理（R-22）" in screen_text(app.screen, "#modal-status")
    assert stored(data, number).status == Status.ESCALATED
    lead = app_for(data, role=Role.LEAD)
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"U010", "enter", "f2")
        await settle(pilot)
    assert stored(data, number).status == Status.DISPATCHED


async def test_sort_and_filter_keys_requery(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "截止时间" in screen_text(app.screen, "#cnt-view")
        dues = [app.screen.page_rows[k]["dispatch_due"] for k in table_keys(app.screen)]
        assert dues == sorted(dues)
        await pilot.press("f")
        await settle(pilot)
        assert "紧急/领导" in screen_text(app.screen, "#cnt-view")
        rows = [app.screen.page_rows[k] for k in table_keys(app.screen)]
        assert rows and all(r["urgent"] or r["leader_day"] or r["leader_report"] for r in rows)
        await pilot.press("slash")
        app.screen.query_one("#desk-search").value = "物价"
        await settle(pilot)
        rows = [app.screen.page_rows[k] for k in table_keys(app.screen)]
        assert all("物价" in r["content_class"] or "物价" in r["description"] for r in rows)


async def test_caller_text_is_never_markup(data):
    nasty = "[/] [b]x[/b] [B]x[/B] [$accent]x[/] [@click=app.quit]x[/] C:\\temp\\ 路口井盖丢失很危险"
    number = add_order(data, description=nasty, address="[red]幸福路[/red]", caller_name="[@click=app.quit]王[/]",
                       urgent=True, at=EARLY)
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert table_keys(app.screen)[0] == number
        assert nasty in screen_text(app.screen, "#rv-description")
        assert "[red]幸福路[/red]" in screen_text(app.screen, "#rv-address")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_a_kb_article_is_offered_and_k_returns_with_its_department(data):
    from console.kb import seed_starter_kb

    store = Store.open(data)
    seed_starter_kb(store)
    store.close()
    number = add_order(data, description="咨询在幸福路购买二手房如何提取住房公积金，需要哪些材料。", nature="咨询",
                       content_path=["城建环保", "住房公积金"], urgent=True, at=EARLY)
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert table_keys(app.screen)[0] == number
        await settle(pilot)  # the KB lookup runs in a worker after the panel shows the order
        hint = screen_text(app.screen, "#rv-kb")
        assert hint.startswith("知识库 KB-C01-019 住房公积金提取条件和办理方式（市住房公积金管理中心）")
        await pilot.press("k")
        await pilot.pause()
        assert app.screen.query_one("#modal-input").value == "KB-C01-019 市住房公积金管理中心"
        await pilot.press("enter")
        await settle(pilot)
    state = stored(data, number)
    assert state.returned_reason == "市住房公积金管理中心知识库已有明确答复" and state.kb_article == "KB-C01-019"


async def test_an_order_dispatched_meanwhile_is_not_dispatched_twice(data):
    from dispatch_support import record

    from console.domain.order import Kind

    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        record(data, number, Kind.DISPATCHED, {"lead_unit": "U001"}, Role.LEAD)  # another desk was faster
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"U002", "enter", "f2")
        await pilot.pause()
        status = screen_text(app.screen, "#modal-status")
        assert status.startswith("未执行：工单已于 11-27 10:30 由 L301") and "转办给 U001" in status
    state = stored(data, number)
    assert state.lead_unit == "U001" and state.dispatch_count == 1


async def test_a_batch_dispatches_the_rest_when_one_order_cannot_go(data):
    bad = add_order(data, description="停水了", address="", urgent=True, at=EARLY)  # incomplete
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = table_keys(app.screen)
        assert keys[0] == bad
        await pilot.press("space", "space", "space")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"U002", "enter", "f2")
        await settle(pilot)
        status = screen_text(app.screen, "#desk-status")
        assert status.startswith("已转办 2 张给") and f"1 张未转办（仍已选）：{bad}：" in status
        assert "单位或地址" in status
        assert bad in table_keys(app.screen) and not set(keys[1:3]) & set(table_keys(app.screen))
        assert app.screen.marked == {bad}
    assert {stored(data, n).lead_unit for n in keys[1:3]} == {"U002"}
    assert stored(data, bad).status == Status.PENDING_DISPATCH
