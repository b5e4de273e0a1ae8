"""Documents named in 《…》: their name, kind (the suffix class) and status (征求意见稿, 试行 …).

Abbreviations are folded into the document they stand for: ``（以下简称《通告》）`` and later
mentions such as 《管理办法》 for an earlier 《山西省数据工作管理办法》 are not new documents.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from policydigest.enrich.facts.model import DocumentFact
from policydigest.enrich.facts.resources import load_table

# Titles may be broken over a line or two, but never span a sentence end.
_TITLE = re.compile(r"《([^《》。]{1,200}?)》")
_TRAILING_PAREN = re.compile(r"\s*[（(]([^（）()]*)[)）]\s*$")
_SPACE_NEAR_CJK = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"\*\*|\\(?=[_*\[\]])")
# An acronym in brackets does not make another document: 《…（DIB）网络安全战略》.
_DASHES = re.compile(r"[—–－‐-―]")
_ACRONYM = re.compile(r"[（(]\s*[A-Za-z][A-Za-z0-9 .&\-]*[)）]")


@dataclass(frozen=True)
class _Vocabulary:
    kinds: tuple[str, ...]  # longest first
    statuses: tuple[str, ...]
    alias_markers: tuple[str, ...]
    after_kind: re.Pattern[str]
    after_status: re.Pattern[str]


@functools.cache
def _vocabulary() -> _Vocabulary:
    table = load_table("documents.toml")
    kinds = tuple(sorted(table["kinds"], key=len, reverse=True))
    statuses = tuple(sorted(table["statuses"], key=len, reverse=True))
    return _Vocabulary(
        kinds=kinds,
        statuses=statuses,
        alias_markers=tuple(table["alias_markers"]),
        after_kind=re.compile("(?:" + "|".join(map(re.escape, kinds)) + ")"),
        after_status=re.compile(r"\s*[（(]\s*(" + "|".join(map(re.escape, statuses)) + r")\s*[)）]"),
    )


def clean_title(raw: str) -> str:
    """A title as one line: line breaks and spaces next to Chinese removed, Markdown dropped.

    >>> clean_title("2024 年国防工业基础\\n网络安全战略")
    '2024年国防工业基础网络安全战略'
    >>> clean_title("Generative AI  Copyright")
    'Generative AI Copyright'
    """
    text = _MARKUP.sub("", raw)
    text = _SPACE_NEAR_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _core(name: str) -> tuple[str, list[str]]:
    """The name without trailing parentheticals, and those parentheticals' contents."""
    notes: list[str] = []
    core = name
    while match := _TRAILING_PAREN.search(core):
        if match.start() == 0:
            break
        notes.append(match.group(1).strip())
        core = core[: match.start()]
    return core, notes


def classify(name: str, following: str = "") -> tuple[str | None, str | None]:
    """Kind and status of a document title; ``following`` is the text right after 》.

    >>> classify("甘肃省加快推进工业领域“智改数转网联”三年行动计划（2024—2026年）")
    ('计划', None)
    >>> classify("会计师事务所数据安全管理暂行办法")
    ('办法', '暂行')
    >>> classify("武汉促进人工智能产业发展若干政策", "（征求意见稿）（以下简称")
    ('政策', '征求意见稿')
    >>> classify("欧盟数据空间中的个人数据保护", "报告，试图")
    ('报告', None)
    """
    vocab = _vocabulary()
    core, notes = _core(name)
    status = next((s for note in notes for s in vocab.statuses if s in note), None)
    for word in vocab.statuses:  # a status written into the title: …法草案, …办法（试行）
        if core.endswith(word) and len(core) > len(word):
            status = status or word
            core = core[: -len(word)]
    kind = next((k for k in vocab.kinds if core.endswith(k)), None)
    if kind is not None and status is None:
        stem = core[: -len(kind)]
        status = next((s for s in ("暂行", "试行") if stem.endswith(s)), None)
    after = vocab.after_status.match(following)
    if after is not None:
        status = status or after.group(1)
        following = following[after.end() :]
    if kind is None:
        direct = vocab.after_kind.match(following)
        kind = direct.group(0) if direct else None
    return kind, status


def document_key(name: str) -> str:
    """What two mentions of one document share: the name without spaces and bracketed acronyms.

    >>> document_key("2024年示例（DIB）网络安全战略（2024—2026年）")
    '2024年示例网络安全战略(2024-2026年)'
    """
    # Half- and full-width forms and the several dashes (2024—2026 / 2024-2026) are one title.
    folded = _DASHES.sub("-", unicodedata.normalize("NFKC", name))
    return _ACRONYM.sub("", folded).replace(" ", "")


def _is_abbreviation(text: str, start: int, name: str, earlier: list[str], aliases: set[str]) -> bool:
    if name in aliases:
        return True
    before = text[max(0, start - 6) : start]
    if any(marker in before for marker in _vocabulary().alias_markers):
        aliases.add(name)
        return True
    # An undeclared short form: 《管理办法》 after 《山西省数据工作管理办法》.
    return any(len(full) > len(name) and _core(full)[0].endswith(name) for full in earlier)


def extract_documents(text: str) -> list[DocumentFact]:
    """Every distinct document named in 《…》, in order of first mention.

    >>> [(d.name, d.kind, d.status) for d in extract_documents(
    ...     "市局发布《示例市数据条例（征求意见稿）》（以下简称《条例》）。《条例》提出……")]
    [('示例市数据条例（征求意见稿）', '条例', '征求意见稿')]
    """
    facts: list[DocumentFact] = []
    seen: dict[str, DocumentFact] = {}
    earlier: list[str] = []
    aliases: set[str] = set()
    for match in _TITLE.finditer(text):
        raw = match.group(1)
        if raw.count("\n") > 2:
            continue
        name = clean_title(raw)
        key = document_key(name)
        if not key or _is_abbreviation(text, match.start(), name, earlier, aliases):
            continue
        kind, status = classify(name, text[match.end() : match.end() + 12])
        known = seen.get(key)
        if known is not None:  # a later mention may say what the title does not: 《…》报告
            known.kind = known.kind or kind
            known.status = known.status or status
            continue
        earlier.append(name)
        seen[key] = DocumentFact.model_construct(
            text=match.group(0), start=match.start(), end=match.end(), name=name, kind=kind, status=status
        )
        facts.append(seen[key])
    return facts
