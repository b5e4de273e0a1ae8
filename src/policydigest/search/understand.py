"""Query understanding: the words a reader types → the words articles use.

Two steps here, each reported to the reader (``Understanding``), and with the closest articles when
none has every word (``SearchIndex.search``) all switched off by ``Query(expand=False)`` (URL
``expand=0``, CLI ``--exact``):

- question phrasing: function words (哪些, 了, 吗, 如何 …) are left out of unquoted Chinese runs;
- other forms: a word (or a known word inside it) also searches its other forms, from the one
  authority table (发改委 → 国家发展和改革委员会), the region gazetteer (法兰西共和国 ↔ 法国,
  贵州省 → 贵州) and the synonym file (AI ↔ 人工智能), which users extend with their own
  (setting ``search_synonyms_file``);
- traditional characters are converted before any of this (``query.to_simplified``).

>>> from policydigest.search.query import parse_query
>>> vocabulary = Vocabulary.load()
>>> understood = understand(parse_query("哪些地方出台了AI方案吗"), vocabulary)
>>> understood.parsed.as_typed(), understood.dropped
('出台 AI方案', ('哪些地方', '了', '吗'))
>>> understood.also_searched
('印发', '发布', '人工智能方案')
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from policydigest.errors import ConfigError
from policydigest.search.query import ParsedQuery, Term, segmenter

#: Other forms searched for one word at most (the first ones of its group).
MAX_ALTERNATIVES = 6
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Vocabulary:
    """Other forms of words (form → its other forms) and the function words of questions."""

    forms: dict[str, tuple[str, ...]]
    inner: tuple[str, ...]  # forms also replaced inside longer words, longest first
    function_words: frozenset[str]

    @classmethod
    def load(cls, extra: Path | None = None) -> Vocabulary:
        """The shipped synonyms, authorities and places, plus the groups of ``extra`` (a TOML file).

        >>> Vocabulary.load().forms["发改委"][:2]
        ('国家发展和改革委员会', '国家发展改革委')
        """
        return _load(extra)

    def alternatives(self, word: str) -> tuple[str, ...]:
        """Other forms of ``word``: the word's own, else the word with a known form inside it replaced.

        Forms that contain ``word`` are left out (they are found anyway).

        >>> Vocabulary.load().alternatives("数交所"), Vocabulary.load().alternatives("大模型")
        (('数据交易所',), ('大语言模型', 'LLM'))
        """
        typed = word.lower()  # Latin words match in any case: ai, AI, Ai
        key = typed if typed in self.forms else next((f for f in self.inner if f in typed), None)
        if key is None:
            return ()
        found = (typed.replace(key, other, 1) for other in self.forms[key])
        return tuple(dict.fromkeys(a for a in found if typed not in a.lower() and len(a) > 1))[:MAX_ALTERNATIVES]


def _groups_of(path: Path | resources.abc.Traversable) -> tuple[list[list[str]], list[str]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"无法读取同义词文件 {path}：{exc}") from exc
    groups, words = data.get("groups", []), data.get("function_words", [])
    if not all(isinstance(g, list) and all(isinstance(w, str) for w in g) for g in groups):
        raise ConfigError(f"同义词文件 {path}：groups 必须是词语列表")
    if not all(isinstance(w, str) for w in words):
        raise ConfigError(f"同义词文件 {path}：function_words 必须是词语")
    return groups, words


def _authority_groups() -> list[list[str]]:
    """Each national authority of the one authority table: its full name and abbreviations."""
    from policydigest.enrich.facts.resources import authority_table

    return [[full, *row.aliases] for full, row in authority_table().national.items()]


def _place_groups() -> list[list[str]]:
    """Places of the gazetteer written in another form that names one place only."""
    from policydigest.enrich.facts.regions import gazetteer

    gaz = gazetteer()
    groups = []
    for form, places in gaz.by_name.items():
        if len(places) != 1 or form == places[0].name:
            continue
        # A short form: the full name also searches it (贵州省 → 贵州; the other way is found anyway).
        # An alias: both ways (法兰西共和国 ↔ 法国).
        groups.append([places[0].name, form])
    return groups


@functools.cache
def _load(extra: Path | None) -> Vocabulary:
    groups, words = _groups_of(resources.files("policydigest") / "data" / "search" / "synonyms.toml")
    if extra is not None:
        more, more_words = _groups_of(extra)
        groups, words = groups + more, words + more_words
    authorities = _authority_groups()
    # Known forms are replaced inside longer words too (AI治理 → 人工智能治理); place names are not
    # (too many short ones occur inside ordinary words).
    inner = {w.lower() for g in groups for w in g if len(w) > 1} | {w for g in authorities for w in g if len(w) > 2}
    forms: dict[str, dict[str, None]] = {}
    for group in [*groups, *authorities, *_place_groups()]:
        for form in group:
            forms.setdefault(form.lower(), {}).update(dict.fromkeys(o for o in group if o != form))
    known = {form: tuple(others) for form, others in forms.items() if others}
    return Vocabulary(
        forms=known,
        inner=tuple(sorted(inner & set(known), key=len, reverse=True)),
        function_words=frozenset(words),
    )


@dataclass(frozen=True)
class Understanding:
    """The query as searched, and what understanding it changed (for the reader)."""

    parsed: ParsedQuery
    dropped: tuple[str, ...] = ()  # function words left out
    also_searched: tuple[str, ...] = ()  # other forms searched too


def _without_function_words(term: Term, vocabulary: Vocabulary) -> tuple[list[Term], list[str]]:
    """The term's runs between function words, and the function words; the term itself if none."""
    cutter = segmenter()
    if term.phrase or term.exclude or cutter is None or not _CJK.search(term.text):
        return [term], []
    runs: list[str] = [""]
    dropped: list[str] = []
    for word in cutter.cut(term.text):
        if word in vocabulary.function_words:
            dropped.append(word)
            runs.append("")
        else:
            runs[-1] += word
    if not dropped:
        return [term], []
    kept = [r for r in runs if r.strip()]
    return [replace(term, text=r, prefix=term.prefix and r == kept[-1]) for r in kept], dropped


def understand(parsed: ParsedQuery, vocabulary: Vocabulary) -> Understanding:
    """``parsed`` without question words, each word with its other forms (see the module doc).

    A query of nothing but function words is searched as typed.

    >>> from policydigest.search.query import parse_query
    >>> understand(parse_query('"首届" 首届'), Vocabulary.load()).parsed.terms[1].alternatives
    ('首次', '第一届')
    """
    terms: list[Term] = []
    dropped: list[str] = []
    for term in parsed.terms:
        kept, left_out = _without_function_words(term, vocabulary)
        terms.extend(kept)
        dropped.extend(left_out)
    if not any(not t.exclude for t in terms):
        terms, dropped = list(parsed.terms), []
    expanded: list[Term] = []
    also: list[str] = []
    for term in terms:
        if term.phrase or term.prefix or term.exclude:
            expanded.append(term)
            continue
        alternatives = vocabulary.alternatives(term.text)
        expanded.append(replace(term, alternatives=alternatives))
        also.extend(a for a in alternatives if a not in also)
    return Understanding(ParsedQuery(tuple(expanded), parsed.ignored), tuple(dropped), tuple(also))
