"""A centre served by uvicorn in a background thread of this process (demo, bench)."""

from __future__ import annotations

import socket
import threading
import time


class LocalCentre:
    def __init__(self, centre, host: str = "127.0.0.1", port: int = 0, docs: bool = False, fast: bool = True):
        """`fast`: long polls answered by the connection, as `hotline centre serve` does
        (console/centre/pull_protocol.py); False: every request through the ASGI app."""
        import uvicorn

        from console.centre.app import create_app

        if not port:
            with socket.socket() as s:
                s.bind((host, 0))
                port = s.getsockname()[1]
        self.url = f"http://{host}:{port}"
        http = "console.centre.pull_protocol:PullProtocol" if fast else "httptools"
        self.server = uvicorn.Server(uvicorn.Config(create_app(centre, docs=docs), host=host, port=port, log_level="error",
                                                    timeout_graceful_shutdown=1, http=http, proxy_headers=False))
        self.thread = threading.Thread(target=self.server.run, name="centre", daemon=True)

    def start(self) -> LocalCentre:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the local centre did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
