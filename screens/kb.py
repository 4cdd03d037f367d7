"""The knowledge-base desk (F3): the KB panel across the whole window.

KBScreen(address="", query="", pick=False). Alt+A [kb_answer] on an article: with pick=True (pushed
from an order with a callback) the screen is dismissed with the KBPanel.AnswerChosen message; as a
desk of its own, the answer is copied to the clipboard and a toast names the article.
"""

from __future__ import annotations

from textual import on
from textual.screen import Screen
from textual.widgets import Static

from screens.desk_style import SCREEN_TCSS
from screens.safe import plain
from screens.widgets.footer import StableFooter
from screens.widgets.kb_panel import KBPanel


class KBScreen(Screen):
    CSS_PATH = SCREEN_TCSS
    def __init__(self, address: str = "", query: str = "", pick: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self._pick = pick
        self._address = address
        self._query = query

    def compose(self):
        yield Static(plain("知识库  统一答复口径与公告", "bold"), id="kb-title")
        yield KBPanel(address=self._address, id="kb-main", classes="kb-full")
        yield StableFooter(compact=True)

    def on_mount(self) -> None:
        panel = self.query_one(KBPanel)
        panel.focus_query()
        if self._query:
            panel.set_query(self._query)

    @on(KBPanel.AnswerChosen)
    def _chosen(self, message: KBPanel.AnswerChosen) -> None:
        message.stop()
        if self._pick:
            self.dismiss(message)
            return
        self.app.copy_to_clipboard(message.answer)
        self.app.notify(f"已复制答复口径：{message.title}", title="知识库", markup=False)
