"""Highlighted snippets: the stretch of an article where the query's words are, as safe HTML.

Crawled text is escaped before it reaches HTML: every piece of article text goes through
``html.escape``; the only markup in a snippet is the ``<mark>`` around matched words.
Matching follows the index (see ``text.py``): folded text, Chinese anywhere, Latin words whole.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from policydigest.search.query import Term
from policydigest.search.text import fold, is_latin

#: Characters of a snippet (about two lines of a result list).
SNIPPET_WIDTH = 120
_LATIN = "0-9a-z\u00c0-\u024f"


def term_regex(term: Term) -> str:
    """The regular expression that finds ``term`` in folded text.

    >>> bool(re.search(term_regex(Term("AI")), "ai+制造")), bool(re.search(term_regex(Term("AI")), "said"))
    (True, False)
    """
    words = fold(term.text).split()
    if not words:
        return ""
    body = r"\s+".join(re.escape(word) for word in words)
    if is_latin(words[0][0]):
        body = f"(?<![{_LATIN}])" + body
    if is_latin(words[-1][-1]) and not term.prefix:
        body += f"(?![{_LATIN}])"
    return body


def match_pattern(terms: Sequence[Term]) -> re.Pattern[str] | None:
    """One pattern finding any of the (not excluded) terms and their other forms, longest first; None without terms."""
    forms = [f for t in terms if not t.exclude for f in (t, *(Term(a) for a in t.alternatives))]
    parts = sorted({term_regex(f) for f in forms} - {""}, key=len, reverse=True)
    return re.compile("|".join(parts)) if parts else None


def _marked(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> str:
    out: list[str] = []
    at = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[at:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        at = e
    out.append(html.escape(text[at:end]))
    return " ".join("".join(out).split())


def highlight(text: str, pattern: re.Pattern[str] | None) -> str:
    """All of ``text`` escaped, with every match marked.

    >>> highlight("<b>算力</b>券", match_pattern([Term("算力")]))
    '&lt;b&gt;<mark>算力</mark>&lt;/b&gt;券'
    """
    spans = [m.span() for m in pattern.finditer(fold(text))] if pattern else []
    return _marked(text, spans, 0, len(text))


def snippet(text: str, pattern: re.Pattern[str] | None, width: int = SNIPPET_WIDTH) -> str:
    """The window of ``text`` with the most distinct matched words, escaped and marked.

    Without a match it is the start of the text.

    >>> snippet("前言。" * 50 + "贵州发放算力券，支持数据要素流通。", match_pattern([Term("算力")]), width=20)
    '…前言。贵州发放<mark>算力</mark>券，支持数据要素流通。'
    """
    folded = fold(text)
    matches = [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(folded)] if pattern else []
    if not matches:
        end = min(len(text), width)
        return _marked(text, [], 0, end) + ("…" if end < len(text) else "")
    best_start, best_score = 0, (-1, -1)
    lead = width // 4
    # Windows start before each match, in order: the matches inside one are a sliding range.
    first = last = 0
    for s, _e, _word in matches[:200]:  # a long article's first 200 matches are enough to choose from
        start = max(0, min(s - lead, len(text) - width))
        while first < len(matches) and matches[first][0] < start:
            first += 1
        last = max(last, first)
        while last < len(matches) and matches[last][1] <= start + width:
            last += 1
        inside = [w for ms, _me, w in matches[first:last] if ms >= start]
        score = (len(set(inside)), len(inside))
        if score > best_score:
            best_start, best_score = start, score
    end = min(len(text), best_start + width)
    spans = [(s, e) for s, e, _w in matches]
    prefix = "…" if best_start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + _marked(text, spans, best_start, end) + suffix
