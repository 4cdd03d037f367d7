"""Turn what the agent typed into FTS5 match expressions (one per search pass).

- Words: rjieba cut, stopwords dropped, all required; synonyms are already in the index (see
  indexer.with_synonyms); the last word is a prefix while the agent is still typing.
- Bigrams: the overlapping pairs of the Han text, all required; a trailing lone character is a
  prefix. Catches what the word cut splits differently from the article.
- Pinyin: an ascii token is also tried as a prefix of the indexed pinyin (`tstd` -> 停水停电).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from console.kb import segment
from console.kb.synonyms import table


@dataclass
class ParsedQuery:
    text: str
    words: list[str] = field(default_factory=list)  # content words, after stopwords
    prefix_last: bool = True
    alternatives: dict[str, list[str]] = field(default_factory=dict)
    bigrams: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.words

    @property
    def has_han(self) -> bool:
        return any(segment.is_han(w) for w in self.words)

    def expanded_words(self) -> list[str]:
        out = list(self.words)
        for w in self.words:
            out.extend(self.alternatives.get(w, ()))
        return out

    def highlight_terms(self) -> list[str]:
        """Strings to mark in the article text: the words, their synonyms, and the bigrams."""
        terms: set[str] = set()
        for w in self.words:
            if segment.is_han(w):
                terms.add(w)
                terms.update(a for a in self.alternatives.get(w, ()))
        if not terms:
            terms.update(b for b in self.bigrams if segment.is_han(b))
        return sorted(terms, key=len, reverse=True)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


MAX_QUERY_CHARS = 300  # a caller's question is rarely 100; a pasted page would cost 150 ms a search


def parse(text: str, typing: bool = True) -> ParsedQuery:
    """The query's words; past MAX_QUERY_CHARS the text is not searched (the start says the matter)."""
    norm = segment.normalise(text).strip()[:MAX_QUERY_CHARS]
    cut = segment.cut(norm)
    content = [w for w in cut if w not in segment.STOPWORDS] or cut
    # The last word is a prefix only while the agent is still typing it (no trailing space/punct).
    prefix_last = typing and bool(norm) and (norm[-1].isalnum())
    if content and cut and content[-1] != cut[-1]:
        prefix_last = False
    syn = table()
    alts = {w: syn.alternatives(w) for w in content}
    han_text = "".join(w for w in content if segment.is_han(w))
    return ParsedQuery(norm, content, prefix_last, alts, segment.bigram_list(han_text))


def _word_group(word: str, alts: list[str], prefix: bool) -> str:
    head = _quote(word) + ("*" if prefix else "")
    if not alts:
        return head
    options = [head]
    for alt in alts:
        parts = segment.cut(alt)
        options.append(_quote(" ".join(parts)) if len(parts) > 1 else _quote(alt))
    return "(" + " OR ".join(options) + ")"


def words_expr(q: ParsedQuery, joiner: str = " AND ") -> str:
    groups = []
    last = len(q.words) - 1
    for i, w in enumerate(q.words):
        prefix = q.prefix_last and i == last
        if w.isascii():
            # ascii: a word in the text, or pinyin initials / full pinyin typed without an IME
            groups.append(_quote(w) + ("*" if prefix or w.isalpha() else ""))
        else:
            groups.append(_word_group(w, [], prefix))  # synonyms were expanded at index time
    return joiner.join(groups)


def bigrams_expr(q: ParsedQuery, column: str = "bigrams") -> str:
    if not q.bigrams:
        return ""
    parts = []
    for b in dict.fromkeys(q.bigrams):
        prefix = len(b) == 1 and q.prefix_last  # a trailing lone character while typing
        parts.append(_quote(b) + ("*" if prefix else ""))
    return "{" + column + "} : (" + " AND ".join(parts) + ")"
