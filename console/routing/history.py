"""The history the routing models learn from, read from the seat's store, and the models kept
beside it (`routing-class.npz`, `routing-unit.npz` in the data directory), retrained when the
history has grown (`stale`): by the console's worker (console.routing.worker) or `hotline orders
suggest`. Classes are learned from dispatched and closed orders (the class the work was done under),
lead units from the orders a unit kept (not the ones it sent back, R-24)."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from console.domain.kinds import Kind, Status
from console.routing.features import features
from console.routing.model import LinearModel

log = logging.getLogger("hotline.routing")

MIN_HISTORY = 200  # orders with a label: fewer, and the directory's keywords suggest units
GROWTH = 0.10  # retrain once the history is a tenth larger than what the model saw
# Where the work was done: the class and unit were confirmed by dispatch, the reply or the close.
LEARNED_STATUSES = (Status.DISPATCHED, Status.REPLIED, Status.CLOSED)
FILES = {"class": "routing-class.npz", "unit": "routing-unit.npz"}


@dataclass(frozen=True)
class Example:
    description: str
    address: str
    nature: str
    content_class: str
    lead_unit: str


def read_history(db: sqlite3.Connection) -> list[Example]:
    marks = ",".join("?" * len(LEARNED_STATUSES))
    rows = db.execute(f"SELECT description, address, nature, content_class, lead_unit FROM orders "
                      f"WHERE status IN ({marks}) ORDER BY created_at", [s.value for s in LEARNED_STATUSES])
    return [Example(*(r or "" for r in row)) for row in rows]


def returned_share(db: sqlite3.Connection) -> tuple[int, int]:
    """(orders a unit sent back, orders dispatched): the field's own measure of routing (R-24)."""
    one = lambda kind: db.execute("SELECT count(DISTINCT order_no) FROM events WHERE kind = ?",  # noqa: E731
                                  (kind,)).fetchone()[0]
    return one(Kind.UNIT_RETURNED.value), one(Kind.DISPATCHED.value)


def model_path(store_path: Path, which: str) -> Path:
    return Path(store_path).parent / FILES[which]


def labelled(examples: list[Example], which: str) -> tuple[list[Example], list[str]]:
    pairs = [(e, e.content_class if which == "class" else e.lead_unit) for e in examples]
    kept = [(e, label) for e, label in pairs if label]
    return [e for e, _ in kept], [label for _, label in kept]


def train(examples: list[Example], labels: list[str]) -> LinearModel | None:
    """A model, or None when the history is too thin (MIN_HISTORY) or has one label only."""
    if len(examples) < MIN_HISTORY or len(set(labels)) < 2:
        return None
    return LinearModel.train([features(e.description, e.address, e.nature) for e in examples], labels)


@dataclass
class RetrainReport:
    trained: dict[str, int]  # which -> orders learned from (absent: too thin)
    seconds: float


def retrain(store_path: Path, force: bool = False) -> RetrainReport:
    """Retrain the stale models from the store's history (all of them with force)."""
    from console.kb.db import open_read

    t0 = time.perf_counter()
    conn = open_read(store_path)
    try:
        examples = read_history(conn)
    finally:
        conn.close()
    trained: dict[str, int] = {}
    for which in FILES:
        xs, ys = labelled(examples, which)
        if not force and not _stale(store_path, which, len(xs)):
            continue
        model = train(xs, ys)
        if model is not None:
            model.save(model_path(store_path, which))
            trained[which] = len(xs)
    report = RetrainReport(trained, time.perf_counter() - t0)
    if trained:
        log.info("routing retrained on %s in %.1f s", trained, report.seconds)
    return report


def _stale(store_path: Path, which: str, history: int) -> bool:
    if history < MIN_HISTORY:
        return False
    model = cached(store_path, which)
    return model is None or history >= model.trained_on * (1 + GROWTH) + 1


def stale(store_path: Path) -> bool:
    from console.kb.db import open_read

    conn = open_read(store_path)
    try:
        examples = read_history(conn)
    finally:
        conn.close()
    return any(_stale(store_path, which, len(labelled(examples, which)[0])) for which in FILES)


_lock = threading.Lock()
_models: dict[Path, tuple[float, LinearModel]] = {}


def cached(store_path: Path, which: str) -> LinearModel | None:
    """The saved model (read again when the file changed), or None when there is none."""
    path = model_path(store_path, which)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    with _lock:
        hit = _models.get(path)
        if hit is not None and hit[0] == mtime:
            return hit[1]
    model = LinearModel.load(path)
    with _lock:
        _models[path] = (mtime, model)
    return model
