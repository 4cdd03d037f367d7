"""What the routing model reads of an order: character 1-3 grams and words of the description
(its first sentence counted twice: a caller's matter is said first), the address's district and
place names, and the nature. Features are strings with a one-letter kind: c (characters), w (word),
a (address), n (nature)."""

from __future__ import annotations

import re

from console.kb import places, segment

TEXT_CHARS = 1500  # the rest of a long message adds little and costs time
LEAD_CHARS = 60
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def lead(description: str) -> str:
    """The first sentence (at most LEAD_CHARS)."""
    m = _SENTENCE_END.search(description)
    return description[: m.start() if m else LEAD_CHARS][:LEAD_CHARS]


def features(description: str, address: str = "", nature: str = "") -> dict[str, float]:
    text = segment.normalise(description.strip())[:TEXT_CHARS]
    counts: dict[str, float] = {}
    for part in (lead(text), text):
        kept = "".join(ch for ch in part if segment.is_han(ch) or ch.isalnum())
        for n in (1, 2, 3):
            for i in range(len(kept) - n + 1):
                key = "c" + kept[i:i + n]
                counts[key] = counts.get(key, 0.0) + 1.0
        for w in segment.cut(part):
            if len(w) > 1 and w not in segment.STOPWORDS:
                counts["w" + w] = counts.get("w" + w, 0.0) + 1.0
    address = address.strip()[:200]
    if address:
        for name in [places.district(address), *places.address_places(address)]:
            if name:
                counts["a" + name] = 1.0
    if nature:
        counts["n" + nature] = 1.0
    return counts


def shown_word(feature: str) -> str:
    """The feature as the agent reads it among the words that led to a suggestion."""
    return feature[1:]
