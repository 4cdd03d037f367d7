"""Exponential backoff with full jitter: many seats coming back after an outage spread out
instead of hitting the centre in step."""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, base: float = 0.5, cap: float = 30.0, rng: random.Random | None = None):
        self.base, self.cap = base, cap
        self.failures = 0
        self.rng = rng or random.Random()

    def next(self) -> float:
        """Seconds to wait after one more failure."""
        self.failures += 1
        return self.rng.uniform(0, min(self.cap, self.base * 2 ** min(self.failures, 16)))

    def reset(self) -> None:
        self.failures = 0
