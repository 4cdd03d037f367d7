"""Chinese segmentation for index and queries: one rjieba instance, one user dictionary.

Index and query must be cut the same way (SEARCH-NOTES), so everything goes through `words()`.
The user dictionary (console/kb_data/kb_userdict.txt, jieba format `word [freq] [tag]`) adds hotline
terms and place names; the synonym table's terms are added too so that 医保局 stays one word
and can be expanded. Bigrams of every Han run back the words up where the cuts differ.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path

from console.paths import KB_DATA

USERDICT_FILE = KB_DATA / "kb_userdict.txt"

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_TOKEN = re.compile(f"[{_HAN}]+|[a-z0-9]+")
_IS_HAN = re.compile(f"^[{_HAN}]+$")

# Words that say nothing about the matter; dropped from queries (not from the index).
STOPWORDS = frozenset(
    ["的", "了", "吗", "呢", "吧", "啊", "呀", "么", "是", "在", "有", "和", "与", "及", "或", "我", "你", "他", "她", "我们", "我家", "家里", "请问", "想", "想问", "问", "问一下", "一下", "怎么", "怎么办", "怎样", "如何", "什么", "哪里", "哪儿", "哪个", "哪些", "能", "能否", "可以", "可不可以", "要", "需要", "这", "那", "这个", "那个", "还", "都", "就", "也", "又", "被", "把", "给", "让", "没有", "不", "会", "吗？", "请", "谢谢", "你好", "您好", "咨询", "一个", "现在", "今天",
     "问问", "想问问", "了解", "了解一下", "咨询一下", "怎么弄", "要怎么", "怎么样"]
)

_lock = threading.Lock()
_jieba = None


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits to ascii) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def load_userdict(path: Path = USERDICT_FILE) -> list[tuple[str, int | None]]:
    entries: list[tuple[str, int | None]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return entries
    for line in lines:
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        entries.append((parts[0], freq))
    return entries


def _instance():
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import rjieba

                jb = rjieba.Jieba()
                from console.kb.synonyms import table

                words = load_userdict() + [(w, 1000) for w in table().all_terms()]
                for word, freq in words:
                    w = normalise(word)
                    if w and not w.isascii():
                        jb.add_word(w, freq, None)
                _jieba = jb
    return _jieba


def cut(text: str) -> list[str]:
    """Han words (rjieba, no HMM so cuts are stable) and ascii words; punctuation dropped."""
    text = normalise(text)
    out: list[str] = []
    jb = _instance()
    for m in _TOKEN.finditer(text):
        piece = m.group()
        if piece[0].isascii():
            out.append(piece)
        else:
            out.extend(jb.cut(piece, False))
    return out


def pieces(text: str) -> list[str]:
    """`text` split into words with nothing dropped or changed (punctuation is its own piece):
    "".join(pieces(t)) == t, for cutting a display text at a word boundary."""
    return list(_instance().cut(text, False)) if text else []


def clip(text: str, limit: int, width: Callable[[str], int] = len, ellipsis: str = "…") -> str:
    """`text` cut to at most `limit` (counted by `width`: characters, or terminal cells) at a word
    boundary, with `ellipsis` when something was left out: never half a word (无人接|听). One very
    long word is cut rather than showing almost nothing."""
    if width(text) <= limit:
        return text
    room = limit - width(ellipsis)
    kept, used = [], 0
    for word in pieces(text):
        w = width(word)
        if used + w > room:
            break
        kept.append(word)
        used += w
    if used < room // 2:
        kept, used = [], 0
        for ch in text:
            if used + width(ch) > room:
                break
            kept.append(ch)
            used += width(ch)
    return "".join(kept).rstrip("，。、；： ,.;:") + ellipsis


def sub_word_starts(word: str) -> list[int]:
    """Where the dictionary words inside a long word begin: 住房公积金 -> 0 (住房), 2 (公积金), 3."""
    starts = {0}
    if len(word) >= 3:
        for sub in _instance().cut_for_search(word, False):
            i = word.find(sub)
            while i != -1:
                starts.add(i)
                i = word.find(sub, i + 1)
    return sorted(starts)


def words(text: str) -> str:
    """The index form: words separated by spaces."""
    return " ".join(cut(text))


def bigram_list(text: str) -> list[str]:
    """Overlapping two-character pieces of each Han run (a lone character stays itself), ascii words."""
    out: list[str] = []
    for m in _TOKEN.finditer(normalise(text)):
        piece = m.group()
        if piece[0].isascii() or len(piece) == 1:
            out.append(piece)
        else:
            out.extend(piece[i : i + 2] for i in range(len(piece) - 1))
    return out


def bigrams(text: str) -> str:
    return " ".join(bigram_list(text))


def is_han(token: str) -> bool:
    return bool(_IS_HAN.match(token))


def warm() -> None:
    """Load the dictionary now (a worker calls this so the first keystroke does not pay for it)."""
    cut("预热")
