"""Standard phrasing (R-40..R-44): scripts with placeholders, rendered for one call.

Pure: built from a dict (console/kb_data/phrasing.toml via console.phrasing_source). Rendering is a
single pass over the template, so caller-supplied values (a surname with "{x}" or markup in
it) are inserted verbatim and never re-parsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
KNOWN_PLACEHOLDERS = frozenset({"hotline", "surname", "title", "address", "trainee_no", "matter"})
# Phrase keys of console/kb_data/phrasing.toml with their on-screen names and pinyin initials (the
# panel, the phrase picker and the quality desk's timeline of a call name them so).
PHRASE_LABELS: dict[str, tuple[str, str]] = {
    "greeting": ("问候", "wh"),
    "greeting_holiday": ("节日问候", "jrwh"),
    "greeting_trainee": ("实习员问候", "sxwh"),
    "greeting_trainee_holiday": ("实习员节日问候", "sxjrwh"),
    "ask_surname": ("问姓", "wx"),
    "ask_surname_alt": ("问称呼", "wch"),
    "address_answer": ("称呼答复", "chdf"),
    "confirm": ("确认", "qr"),
    "ask_wait": ("请稍等", "qsd"),
    "hold_prompt": ("保持提示", "bcts"),
    "after_wait": ("感谢等待", "gxdd"),
    "closing": ("结束语", "jsy"),
    "silent_caller": ("无声电话", "wsdh"),
    "callback_closing": ("回访结束语", "hfjsy"),
}

REQUIRED_KEYS = (
    "greeting",
    "greeting_holiday",
    "greeting_trainee",
    "greeting_trainee_holiday",
    "ask_surname",
    "ask_surname_alt",
    "address_answer",
    "confirm",
    "ask_wait",
    "hold_prompt",
    "after_wait",
    "closing",
    "silent_caller",
)
DEFAULT_HOTLINE = "市民热线"
DEFAULT_COURTESIES = ("您好", "请", "谢谢", "对不起", "再见")


@dataclass(frozen=True)
class PhraseContext:
    hotline: str = DEFAULT_HOTLINE
    surname: str | None = None
    title: str | None = None  # 先生 / 女士
    trainee_no: str | int | None = None
    holiday: bool = False
    matter: str | None = None


MATTER_END = "。，；：！？!?,.;: 、…"  # punctuation a description may end with
DEFAULT_ALTERNATIVE = "您反映的问题我帮您记录下来，尽快为您落实答复。"


@dataclass(frozen=True)
class Phrasebook:
    # key -> variants; the first whose placeholders are all known wins, the last is the fallback
    phrases: Mapping[str, tuple[str, ...]]
    forbidden: tuple[str, ...] = ()
    # what to say instead of a forbidden phrase (phrase -> the standard wording)
    alternatives: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    courtesies: tuple[str, ...] = DEFAULT_COURTESIES
    hotline: str = DEFAULT_HOTLINE
    address_unknown: str = "您"
    matter_unknown: str = "……"
    trainee_no_unknown: str = "**"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Phrasebook:
        settings = d.get("settings", {})
        rules = d.get("rules", {})
        phrases: dict[str, tuple[str, ...]] = {}
        for key, value in d.get("phrases", {}).items():
            variants = (value,) if isinstance(value, str) else tuple(value)
            if not variants or not all(isinstance(v, str) for v in variants):
                raise ValueError(f"phrase {key!r} must be a string or a list of strings")
            for v in variants:
                unknown = set(PLACEHOLDER.findall(v)) - KNOWN_PLACEHOLDERS
                if unknown:
                    raise ValueError(f"phrase {key!r} uses unknown placeholder(s): {', '.join(sorted(unknown))}")
            phrases[key] = variants
        missing = [k for k in REQUIRED_KEYS if k not in phrases]
        if missing:
            raise ValueError(f"phrasebook lacks: {', '.join(missing)}")
        return cls(
            phrases=MappingProxyType(phrases),
            forbidden=tuple(str(x) for x in rules.get("forbidden", ())),
            alternatives=MappingProxyType({str(k): str(v) for k, v in rules.get("alternatives", {}).items()}),
            courtesies=tuple(str(x) for x in rules.get("courtesies", DEFAULT_COURTESIES)),
            hotline=str(settings.get("hotline", DEFAULT_HOTLINE)),
            address_unknown=str(settings.get("address_unknown", "您")),
            matter_unknown=str(settings.get("matter_unknown", "……")),
            trainee_no_unknown=str(settings.get("trainee_no_unknown", "**")),
        )

    def keys(self) -> tuple[str, ...]:
        return tuple(self.phrases)

    def context(self, **kwargs: Any) -> PhraseContext:
        """A PhraseContext carrying this book's hotline name unless one is given."""
        kwargs.setdefault("hotline", self.hotline)
        return PhraseContext(**kwargs)

    def render(self, key: str, ctx: PhraseContext | None = None) -> str:
        """The phrase `key` for this call. Raises KeyError for an unknown key."""
        ctx = ctx or self.context()
        variants = self.phrases[key]
        known = self._known(ctx)
        for template in variants:
            if all(known.get(name) is not None for name in PLACEHOLDER.findall(template)):
                return self._fill(template, known)
        return self._fill(variants[-1], known)

    def greeting(self, ctx: PhraseContext | None = None) -> str:
        """R-40: the opening line, with the holiday and/or trainee variant as the context says."""
        ctx = ctx or self.context()
        key = "greeting"
        if _present(ctx.trainee_no):
            key += "_trainee"
        if ctx.holiday:
            key += "_holiday"
        return self.render(key, ctx)

    def alternative(self, phrase: str) -> str:
        """R-44: the standard wording to use instead of the forbidden `phrase`."""
        return self.alternatives.get(phrase) or DEFAULT_ALTERNATIVE

    def find_forbidden(self, text: str) -> list[str]:
        """R-44: forbidden phrases in `text`, in order of appearance. A phrase seen only inside
        a longer one that was found ("不知道" in "我不知道") is not reported again."""
        spans: list[tuple[int, int, str]] = []
        for phrase in self.forbidden:
            start = text.find(phrase)
            while phrase and start != -1:
                spans.append((start, start + len(phrase), phrase))
                start = text.find(phrase, start + 1)
        kept = [
            s for s in spans
            if not any(o is not s and o[0] <= s[0] and s[1] <= o[1] and len(o[2]) > len(s[2]) for o in spans)
        ]
        out: list[str] = []
        for _start, _end, phrase in sorted(kept):
            if phrase not in out:
                out.append(phrase)
        return out

    # -- rendering ------------------------------------------------------------------------

    def _known(self, ctx: PhraseContext) -> dict[str, str | None]:
        surname = _clean(ctx.surname)
        title = _clean(ctx.title)
        address = (surname + title) if (surname and title) else title
        return {
            "hotline": _clean(ctx.hotline) or self.hotline,
            "surname": surname,
            "title": title,
            "address": address,
            "trainee_no": _clean(ctx.trainee_no),
            "matter": _clean((ctx.matter or "").rstrip(MATTER_END)),  # "关于{matter}，" never reads "。，"
        }

    def _fill(self, template: str, known: Mapping[str, str | None]) -> str:
        fallback = {
            "address": self.address_unknown,
            "title": self.address_unknown,
            "surname": "",
            "matter": self.matter_unknown,
            "trainee_no": self.trainee_no_unknown,
        }

        def value(m: re.Match[str]) -> str:
            name = m.group(1)
            v = known.get(name)
            return v if v is not None else fallback.get(name, "")

        # One pass: inserted values are never scanned for placeholders again.
        return PLACEHOLDER.sub(value, template)


def _present(value: object) -> bool:
    return _clean(value) is not None


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
