"""How text becomes index terms: normalised characters, then overlapping character bigrams.

Search is exact by construction: an article matches a word when the word occurs in it, as plain
substring matching would say. Every pair of neighbouring characters is indexed as a term at its
position, so a word of n ≥ 2 characters occurs exactly where its n−1 bigrams stand at consecutive
positions (a phrase query), and a single character occurs wherever a bigram starts with it (every
character starts one: the text ends with a separator). Two-character words (算力, 数商) are one term;
words no dictionary knows need no dictionary; 大模型 never matches 大 … 模型 apart.

Normalisation, the same for articles and queries: full-width ASCII folded to ASCII, lower case,
each run of white space one separator, and runs of Latin letters and digits wrapped in word marks
so that ``ai`` matches the word AI but not the inside of "said" (``ai*`` matches any word starting
with ai). Chinese has no word boundaries to honour: it matches anywhere.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

#: Stands for a run of white space, and ends every indexed text (a private-use character).
SEP = "\ue000"
#: Wraps each run of Latin letters and digits (a private-use character).
MARK = "\ue001"

# Full-width letters and digits (common in Chinese PDFs) and the ideographic space; full-width
# punctuation stays as it is, in articles and queries alike.
_WIDE = [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
_FOLD = {0x3000: 0x20, **{code: code - 0xFEE0 for code in _WIDE}}
_NEEDS_FOLD = re.compile("[\u3000\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
#: The characters of Latin words (folded): code point ranges, first and last.
_LATIN_RANGES = ((0x30, 0x39), (0x61, 0x7A), (0xC0, 0x24F))
_LATIN = re.compile("[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in _LATIN_RANGES) + "]+")
_SEP_POINT, _MARK_POINT = ord(SEP), ord(MARK)
_KIND_SPACE, _KIND_LATIN, _KIND_WIDE = 1, 2, 3
#: The kind of every code point (0: other): white space as ``str.isspace`` and ``\\s`` say (none is beyond
#: the BMP; the ideographic space is one), and the private marks, which count as white space in articles;
#: the characters of Latin words; full-width letters and digits, which ``fold`` makes ASCII.
_KIND = np.zeros(sys.maxunicode + 1, dtype=np.uint8)
_KIND[[code for code in range(0x10000) if chr(code).isspace()] + [_SEP_POINT, _MARK_POINT]] = _KIND_SPACE
for _first, _last in _LATIN_RANGES:
    _KIND[_first : _last + 1] = _KIND_LATIN
_KIND[_WIDE] = _KIND_WIDE
#: Joins the texts of a batch (a private-use character, neither white space nor Latin: it stays as it is).
_JOIN = "\ue002"
_JOIN_POINT = ord(_JOIN)


def fold(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case, keeping the length (offsets stay valid).

    >>> fold("ＡＩ＋制造　Data")
    'ai＋制造 data'
    """
    if _NEEDS_FOLD.search(text):
        text = text.translate(_FOLD)
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    # A few characters lower-case to two (İ); keep those as they are so offsets still line up.
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def is_latin(ch: str) -> bool:
    """Whether ``ch`` (already folded) belongs to a Latin word: a letter or digit.

    >>> is_latin("a"), is_latin("7"), is_latin("数")
    (True, True, False)
    """
    return bool(_LATIN.fullmatch(ch))


def normalize(text: str) -> str:
    """The characters that are indexed (or searched for) for ``text``.

    >>> normalize("AI+制造  数据") == f"{MARK}ai{MARK}+制造{SEP}数据"
    True
    """
    return _code_points(text).tobytes().decode("utf-32-le")


def _code_points(text: str) -> np.ndarray[Any, np.dtype[np.uint32]]:
    """``normalize(text)`` as an array of code points: ``fold`` and the rest done on the array (the regular
    expressions over the batch this replaces took 1.6 times as long)."""
    folded = text.lower()
    if len(folded) != len(text):  # İ lower-cases to two characters, which fold keeps as one
        folded = fold(text)
    points = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    kind = _KIND[points]
    wide = kind == _KIND_WIDE
    if wide.any():  # full-width letters (lower case by now) and digits to ASCII, as fold does
        points = np.where(wide, (points - np.uint32(0xFEE0)) | np.uint32(0x20), points)
        kind[wide] = _KIND_LATIN
    space = kind == _KIND_SPACE
    if space.any():  # a run of white space becomes its first character, a separator
        keep = np.ones(len(points), dtype=bool)
        keep[1:] = ~(space[1:] & space[:-1])
        points = np.where(space, np.uint32(_SEP_POINT), points)[keep]
        kind = kind[keep]
    latin = kind == _KIND_LATIN
    if not latin.any():
        return points
    # A mark before and after each Latin run.
    edges = np.flatnonzero(np.diff(latin.astype(np.int8), prepend=0, append=0))
    return np.insert(points, edges, _MARK_POINT)


def index_terms(text: str) -> str:
    """The bigram terms of ``text`` separated by spaces, for the index's whitespace tokenizer.

    >>> index_terms("大模型")
    '大模 模型 型\\ue000'
    """
    return index_terms_many([text])[0]


def index_terms_many(texts: Sequence[str]) -> list[str]:
    """``index_terms`` of each text, computed in one pass over all of them (indexing goes by batches).

    Per text, the array set-up costs more than the work: the texts are normalised and paired together,
    joined by a character no text holds, and the result cut at those joins.

    >>> index_terms_many(["算力", "", "AI"]) == [index_terms("算力"), "", index_terms("AI")]
    True
    """
    joined = _JOIN.join(texts)
    # One by one when a text holds the joining character, or İ (then fold lowers character by
    # character, and a Greek final sigma's case would depend on the other texts of the batch).
    if joined.count(_JOIN) != len(texts) - 1 or "\u0130" in joined:
        return [_bigram_terms(points, [(0, len(points))])[0] for points in map(_code_points, texts)]
    points = _code_points(joined)
    joins = np.flatnonzero(points == _JOIN_POINT)
    spans = zip([0, *(joins + 1).tolist()], [*joins.tolist(), len(points)], strict=True)
    return _bigram_terms(points, list(spans), joins)


def _bigram_terms(
    norm: np.ndarray[Any, np.dtype[np.uint32]], spans: list[tuple[int, int]], joins: Any = None
) -> list[str]:
    """The terms of each span ``start:end`` of ``norm``; a separator follows each (at ``joins`` and the end)."""
    # Vectorised: code points c0 c1 c2 … become "c0c1 c1c2 c2…" (seven times faster than joining in Python).
    points = np.append(norm, np.uint32(_SEP_POINT))
    if joins is not None:
        points[joins] = _SEP_POINT
    out = np.empty(3 * (len(points) - 1), dtype=np.uint32)
    out[0::3] = points[:-1]
    out[1::3] = points[1:]
    out[2::3] = 0x20
    terms = out.tobytes().decode("utf-32-le")
    return [terms[3 * start : 3 * end - 1] if end > start else "" for start, end in spans]


def word_pattern(word: str, *, prefix: bool = False) -> str:
    """The normalised characters a query word must match (without the closing mark for a prefix).

    >>> word_pattern("GPT", prefix=True) == f"{MARK}gpt"
    True
    """
    norm = normalize(word.strip())
    if prefix and norm.endswith(MARK):
        norm = norm[:-1]
    return norm


def bigrams(pattern: str) -> list[str]:
    """The consecutive bigrams of a normalised pattern of at least two characters.

    >>> bigrams("数据要素")
    ['数据', '据要', '要素']
    """
    return [pattern[i : i + 2] for i in range(len(pattern) - 1)]


def covering_bigrams(pattern: str) -> list[tuple[int, str]]:
    """Bigrams that cover every character of ``pattern`` once (the last may overlap), with offsets.

    At their offsets they still pin every character, so the phrase stays exact, and with half the
    terms it is checked faster.

    >>> covering_bigrams("数据交易所")
    [(0, '数据'), (2, '交易'), (3, '易所')]
    """
    grams = bigrams(pattern)
    offsets = list(range(0, len(grams), 2))
    if offsets and offsets[-1] != len(grams) - 1:
        offsets.append(len(grams) - 1)
    return [(offset, grams[offset]) for offset in offsets]
