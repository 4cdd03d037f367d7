"""Exponential backoff with full jitter: many seats coming back after an outage spread out
instead of hitting the centre in step."""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, base: float = 0.5, cap: float = 30.0, rng: random.Random | None = None):
        self.base, self.cap = base, cap
        self.failures = 0
        self.rng = rng or random.Random()

    def next(self, retry_after: float | None = None) -> float:
        """Seconds to wait after one more failure. When the centre said when to come back
        (503 + Retry-After), not before then, plus up to as long again at random: seats it sent
        away together come back spread out, not in step."""
        self.failures += 1
        if retry_after is not None and retry_after > 0:
            hint = min(retry_after, self.cap)
            return hint + self.rng.uniform(0, hint)
        return self.rng.uniform(0, min(self.cap, self.base * 2 ** min(self.failures, 16)))

    def reset(self) -> None:
        self.failures = 0
