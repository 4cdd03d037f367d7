"""One handler that turns a failed worker into a visible message instead of a crash.

Worker.StateChanged does not bubble, so every screen or widget that starts workers mixes this in.
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState


def describe(error: BaseException | None) -> str:
    if error is None:
        return "未知错误"
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


class ReportsWorkerErrors:
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            worker = event.worker
            group = worker.group or worker.name or "后台任务"
            self.app.notify(f"后台任务失败（{group}）：{describe(worker.error)}", title="出错了",
                            severity="error", markup=False, timeout=10)
            on_failed = getattr(self, "on_worker_failed", None)
            if on_failed is not None:
                on_failed(worker)
