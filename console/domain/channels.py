"""The channels an order arrives by (电话, 短信, 网站, …): the configured list and its checks. Pure.

The list is data (console/kb_data/channels.toml, read by console/channels_source.py). An order
recorded before channels existed came in by phone (the `created` payload's version 1 upcaster).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from console.domain.limits import LINE_TEXT

PHONE = "电话"  # the channel of every order recorded before there were channels
SMS = "短信"
CHANNEL_MAX = LINE_TEXT["channel"]


@dataclass(frozen=True)
class Channel:
    name: str
    written: bool = False  # a message channel: its message id and text are kept on the order
    same_day_reply: bool = False  # M-03: answered the day it arrives
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Channels:
    """The configured channels, in the order the form lists them."""

    channels: tuple[Channel, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Channels:
        """From the TOML's tables; ValueError names what is wrong."""
        items = data.get("channel")
        if not isinstance(items, list) or not items:
            raise ValueError("channels: at least one [[channel]] is needed")
        out: list[Channel] = []
        seen: set[str] = set()
        for n, item in enumerate(items, start=1):
            name = item.get("name") if isinstance(item, Mapping) else None
            if not isinstance(name, str) or not name.strip() or len(name) > CHANNEL_MAX:
                raise ValueError(f"channels: channel {n} needs a name of 1 to {CHANNEL_MAX} characters")
            aliases = tuple(str(a) for a in item.get("aliases", ()))
            for key in (name, *aliases):
                if key.casefold() in seen:
                    raise ValueError(f"channels: {key!r} is listed twice")
                seen.add(key.casefold())
            out.append(Channel(name, bool(item.get("written", False)), bool(item.get("same_day_reply", False)),
                               aliases))
        if PHONE not in {c.name for c in out}:
            raise ValueError(f"channels: the list must hold {PHONE} (older orders came by phone)")
        return cls(tuple(out))

    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.channels)

    def get(self, name: str) -> Channel | None:
        return next((c for c in self.channels if c.name == name), None)

    def resolve(self, raw: str) -> str | None:
        """The configured name for a name or an alias (any case, surrounding blanks ignored)."""
        key = raw.strip().casefold()
        for c in self.channels:
            if key == c.name.casefold() or key in (a.casefold() for a in c.aliases):
                return c.name
        return None


DEFAULT_CHANNELS = Channels((
    Channel(PHONE), Channel(SMS, True, True), Channel("网站", True), Channel("手机APP", True), Channel("微信", True),
    Channel("信件", True), Channel("领导信箱", True), Channel("110联动"), Channel("网格员"), Channel("其他"),
))


def channel_problem(channel: str, message_id: str, known: Iterable[str] | None) -> tuple[str, str] | None:
    """An order's channel that is not configured, or a message id on a channel that has none.
    `known` None: no list to check against (the name's limits are still checked by decide())."""
    if not channel:
        return "channel", "请选择受理渠道"
    names = tuple(known) if known is not None else None
    if names is not None and channel not in names:
        return "channel", f"未知的受理渠道：{channel}"
    if message_id and channel == PHONE:
        return "channel", "电话受理没有留言编号"
    return None
