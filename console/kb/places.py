"""Place names in addresses and call texts: the river, road or estate a matter is about.

An address is read as administrative parts (…省 …市 …区/县 …街道/镇/乡) then places: each run of
Han characters ending in a place word (河 路 小区 花园 …) is one name (三捷河, 幸福路, 幸福家园).
The names of recorded addresses are kept in the store (`order_places`, console.kb.order_index) and
form the user dictionary of places: a call that names 三捷河 in its description, with no address
yet, is matched to the orders at 三捷河, and the word cut's split of a name (三捷河 -> 三/捷/河)
no longer loses it.
"""

from __future__ import annotations

import re

# Hard endings close a name where they stand (roads, estates: 幸福路 | 幸福家园); soft ones (one
# character of water or estate) close it at the last one before the next hard ending or the end of
# the run, so 白湖亭河 stays whole and is not cut at its 湖.
HARD_ENDINGS = ("支河", "小区", "花园", "家园", "新村", "公寓", "大厦", "广场", "公园", "大道", "路", "街",
                "巷", "弄", "桥")
SOFT_ENDINGS = ("河", "港", "溪", "江", "湖", "渠", "浦", "苑", "园", "村", "城", "湾")
_ENDINGS = sorted(HARD_ENDINGS + SOFT_ENDINGS, key=len, reverse=True)
_ADMIN = re.compile(r"^(?:[\u4e00-\u9fff]{2,7}?省)?(?:[\u4e00-\u9fff]{2,7}?市)?(?P<district>[\u4e00-\u9fff]{1,6}?[区县])?")
_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LEADING = "号栋楼幢单元室层座期之"  # what follows a house number: not part of the next name
MIN_NAME, MAX_NAME = 2, 10


def district(address: str) -> str:
    """The district or county named at the start of an address ('' when none)."""
    m = _ADMIN.match(address.strip())
    district = (m.group("district") or "") if m else ""
    return "" if district.endswith(("小区", "社区")) else district


def _split_run(run: str) -> list[str]:
    """Place names in one run of Han characters (幸福路幸福家园 -> 幸福路, 幸福家园)."""
    run = run.lstrip(_LEADING)
    names: list[str] = []
    start, i, soft = 0, 0, None
    while i < len(run):
        if run.startswith(("街道", "社区"), i):  # a sub-district or community, not a place
            start, soft, i = i + 2, None, i + 2
            continue
        end = next((e for e in _ENDINGS if run.startswith(e, i)), None)
        if end is None or i == start:
            i += 1
            continue
        i += len(end)
        if end in HARD_ENDINGS:
            names.append(run[start:i])
            start, soft = i, None
        else:
            soft = i
    if soft is not None:
        names.append(run[start:soft])
    return [n for n in names if MIN_NAME <= len(n) <= MAX_NAME and not n.endswith("街道")]


def address_places(address: str) -> list[str]:
    """The place names of an address, in order, without its administrative parts."""
    text = address.strip()
    m = _ADMIN.match(text)
    rest = text[m.end():] if m and district(text) else text
    out: list[str] = []
    for run in _RUN.findall(rest):
        out.extend(_split_run(run))
    return list(dict.fromkeys(out))


def known_in(text: str, names: frozenset[str], longest: int = MAX_NAME) -> list[str]:
    """The known place names that occur in `text` (longest match at each position)."""
    found: list[str] = []
    i, n = 0, len(text)
    while i < n:
        for size in range(min(longest, n - i), MIN_NAME - 1, -1):
            if text[i:i + size] in names:
                found.append(text[i:i + size])
                i += size
                break
        else:
            i += 1
    return list(dict.fromkeys(found))
