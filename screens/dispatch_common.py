"""What the dispatch-side desks share: the unit directory as domain Units, unit names for codes,
the R-21 knowledge-base lookup, and the keys that switch between the dispatch views."""

from __future__ import annotations

from textual.binding import Binding

from console.domain.units import Unit

RETURN_REASONS = (
    "问题描述不清，请补充具体诉求",
    "联系人或联系电话不全",
    "地址不详细，请补充具体位置",
    "内容分类或性质分类不准确",
    "来电人回复要求未记录",
)
ESCALATE_REASONS = (
    "涉及多个部门职责，无法确定承办单位",
    "属地与职责存在争议",
    "重大、敏感事项，需负责人决定",
)
REJECT_EXTENSION_REASONS = (
    "延期理由不充分，请按期办结",
    "申请天数过长，请按原时限办理",
    "未在办理时限内提出申请",
)

# One footer entry for the five views ("12345 视图"), so every key fits 160 columns; F1 and the
# palette name each one.
_VIEWS = Binding.Group("视图")
VIEW_BINDINGS = [
    Binding("1", "view('queue')", "待转办", id="dispatch.view_queue", group=_VIEWS),
    Binding("2", "view('returns')", "单位退回", id="dispatch.view_returns", group=_VIEWS),
    Binding("3", "view('extensions')", "延期申请", id="dispatch.view_extensions", group=_VIEWS),
    Binding("4", "view('inbox')", "受理退回", id="dispatch.view_inbox", group=_VIEWS),
    Binding("5", "view('replies')", "答复审核", id="dispatch.view_replies", group=_VIEWS),
]


def directory(store) -> list[Unit]:
    """The store's unit directory as domain Units (follows what the centre publishes)."""
    return store.unit_directory()


def unit_name(store, code: str | None) -> str:
    if not code:
        return ""
    for unit in directory(store):
        if unit.code == code:
            return unit.short
    return code


def kb_answer(store, text: str):
    """R-21: the best knowledge-base article for an order's description, or None."""
    from console.kb.search import search
    from console.store.engine import read_transaction

    with read_transaction(store.engine) as conn:
        result = search(conn, text, limit=1, typing=False, with_announcements=False)
    return result.hits[0] if result.hits else None


# view -> (module, class), like the app's DESKS: this module is imported by the views, so it
# names them instead of importing them, and loads one when it is first shown.
DISPATCH_VIEWS = {
    "queue": ("screens.dispatch", "DispatchScreen"),
    "returns": ("screens.dispatch_returns", "ReturnsScreen"),
    "extensions": ("screens.dispatch_extensions", "ExtensionsScreen"),
    "inbox": ("screens.inbox", "InboxScreen"),
    "replies": ("screens.dispatch_replies", "ReplyReviewScreen"),
}


def switch_view(screen, view: str) -> None:
    """Show another dispatch view without piling up screens: at most one view over the mode's desk."""
    import importlib

    module_name, class_name = DISPATCH_VIEWS[view]
    target = getattr(importlib.import_module(module_name), class_name)
    if isinstance(screen, target):
        return
    app = screen.app
    stack = app.screen_stack
    if isinstance(stack[0], target):  # back to the desk the mode started with
        while len(app.screen_stack) > 1:
            app.pop_screen()
    elif len(stack) == 1:  # a mode's own screen cannot be switched away: open the view over it (Esc returns)
        app.push_screen(target(now=screen._now))
    else:
        app.switch_screen(target(now=screen._now))
