"""Suggestions for one call or order: the three likeliest content classes and lead units, each
with its score and the words that led to it. Learned from history when the seat has a model; the
units from the directory's keywords (console.domain.units.suggest_units) while it has none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from console.domain.units import Unit, suggest_units
from console.routing.features import features
from console.routing.history import cached


@dataclass
class Suggestion:
    label: str  # a content class path (a/b/c) or a unit code
    score: float  # the model's probability (0..1); for keyword units the matched keywords' length
    words: list[str] = field(default_factory=list)  # what in the call led to it
    name: str = ""  # the unit's short name


@dataclass
class Suggestions:
    classes: list[Suggestion]
    units: list[Suggestion]
    class_source: str  # "history" or "none"
    unit_source: str  # "history" or "keywords"


def suggest(store_path: Path, description: str, address: str = "", nature: str = "",
            directory: Sequence[Unit] = (), k: int = 3) -> Suggestions:
    doc = features(description, address, nature)
    names = {u.code: u.short or u.name for u in directory}
    out = Suggestions([], [], "none", "keywords")
    class_model = cached(store_path, "class")
    if class_model is not None and doc:
        out.class_source = "history"
        out.classes = [Suggestion(label, round(p, 4), class_model.explain(doc, label))
                       for label, p in class_model.predict(doc, k)]
    unit_model = cached(store_path, "unit")
    if unit_model is not None and doc:
        out.unit_source = "history"
        out.units = [Suggestion(code, round(p, 4), unit_model.explain(doc, code), names.get(code, ""))
                     for code, p in unit_model.predict(doc, k)]
    else:
        folded = description.lower()
        out.units = [Suggestion(u.code, float(score), [kw for kw in u.keywords if kw and kw.lower() in folded][:5],
                                u.short or u.name) for u, score in suggest_units(directory, description, limit=k)]
    return out
