"""Precision and recall of the fact extractor on two gold sets: tuning and held-out.

- tuning: ``tests/quality/facts_gold.json``, one entry per article (file + title) of the three shared
  bulletins (their texts are read from ../shared at run time). The extractor's rules were written
  while reading these articles, so its scores here say little about new text.
- held_out: ``tests/quality/held_out/facts.json``, articles written for the project (texts and gold
  together, before the extractor ever ran on them). No rule, dictionary or data file may be changed
  after seeing its result; new material for tuning goes into the tuning part instead.

Both are annotated by reading the article (its title and body, without the source line).
Pins: ``tests/quality/facts_scores.json``, ``{"tuning": …, "held_out": …}`` (rounded down to 4
places); a score below its pin fails tests/test_enrich_facts_quality.py.
Run: ``python -m bench facts_quality``.

Annotation scope (what an analyst wants from the article):
- documents: every title in 《…》 once, except abbreviations of a document already named
  (《通告》 after 《关于…的通告》); kind = the suffix class, status = 征求意见稿/试行/暂行/草案.
- authorities: every public body named, issuing or acting — national ministries and offices,
  local governments and their departments (a bare 省工信厅 belongs to the article's province),
  legislatures, party committees, foreign agencies, international organisations that issue texts.
  Not authorities: research institutes, companies, exchanges, associations, courts, and generic
  references (各省通信管理局, 有关部门). Offices inside a ministry count as the ministry.
- regions: every Chinese administrative division named (short forms included, districts only in
  full), 中国 as the country (中华人民共和国, 我国; not inside 中国人民银行, 中国式, 数字中国,
  中国（温州）…, “中国数谷”), foreign
  countries, blocs and international organisations (欧盟, 联合国, 上海合作组织), state-level new areas.
  Not regions: economic areas (长三角, 粤港澳大湾区), continents, foreign cities and states.
- targets: every quantity (number + unit) that is a goal with a deadline (到2026年, 今年内) or with
  a threshold (以上, 超过, 不低于) in a goal statement; not statistics, not subsidy rules, not
  eligibility conditions. Ranges (3—5个以上) count from their lower bound.
- money: every amount in a currency, and every percentage that sets a subsidy or award.

Matching rule, per article, then pooled over all articles (micro-averaged):
- documents match on (name, kind, status) with names compared without spaces, without bracketed
  acronyms such as （DIB）, after NFKC (half- and full-width brackets are the same) and with every
  dash (— – －) read as "-";
- authorities and regions match on the normalised name;
- targets match one to one on deadline year, comparator, value (relative tolerance 1e-6) and unit
  (case-insensitive), and the subjects overlap: one, without spaces, brackets and quotes, contains
  the other;
- money matches as a multiset on (amount, currency, kind).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.material import shared_folder

if TYPE_CHECKING:
    from policydigest.enrich.facts import Facts

QUALITY = Path(__file__).resolve().parents[1] / "tests" / "quality"
GOLD = QUALITY / "facts_gold.json"
HELD_OUT = QUALITY / "held_out" / "facts.json"
SCORES = QUALITY / "facts_scores.json"
KINDS = ("documents", "authorities", "regions", "targets", "money")
MEASURES = ("precision", "recall")
PARTS = ("tuning", "held_out")

Scores = dict[str, dict[str, float]]
Pair = tuple[dict[str, Any], "Facts"]
_ACRONYM = re.compile(r"[（(]\s*[A-Za-z][A-Za-z0-9 .&\-]*[)）]")
_PAREN = re.compile(r"\([^()]*\)")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _subject(text: str) -> str:
    return re.sub(r"[()（）“”\"'《》]", "", _PAREN.sub("", _norm(text)))


def _title_key(title: str) -> str:
    return re.sub(r"[\s#*]", "", re.sub(r"[—–－]", "-", unicodedata.normalize("NFKC", title)))


def _find(key: str, parsed: dict[str, Any]) -> Any:
    """The parsed article whose title is the gold title, allowing the parser's small repairs (美国防部)."""
    if key in parsed:
        return parsed[key]
    ratio, best = max(((SequenceMatcher(None, key, k).ratio(), k) for k in parsed), default=(0.0, ""))
    return parsed[best] if ratio >= 0.9 else None


def document_key(name: str, kind: str | None, status: str | None) -> tuple[str, str | None, str | None]:
    """The form two document facts are compared in.

    >>> document_key("数据安全管理办法（DIB）", "办法", None)
    ('数据安全管理办法', '办法', None)
    """
    folded = re.sub(r"[—–－‐-―]", "-", unicodedata.normalize("NFKC", name))
    return (_norm(_ACRONYM.sub("", folded)), kind, status)


def _target_match(gold: dict[str, Any], found: dict[str, Any]) -> bool:
    if (gold["deadline_year"], gold["comparator"]) != (found["deadline_year"], found["comparator"]):
        return False
    if gold["unit"].casefold() != found["unit"].casefold():
        return False
    if abs(gold["value"] - found["value"]) > 1e-6 * max(abs(gold["value"]), 1.0):
        return False
    mine, theirs = _subject(gold["subject"]), _subject(found["subject"])
    return bool(mine and theirs) and (mine in theirs or theirs in mine)


def counts(kind: str, gold: list[Any], facts: Facts) -> tuple[int, int, int]:
    """(true positives, found, gold) for one fact kind of one article."""
    if kind == "targets":
        found = [t.model_dump() for t in facts.targets]
        unmatched = list(found)
        hits = 0
        for item in gold:
            match = next((f for f in unmatched if _target_match(item, f)), None)
            if match is not None:
                unmatched.remove(match)
                hits += 1
        return hits, len(found), len(gold)
    mine: Counter[Any]
    theirs: Counter[Any]
    if kind == "documents":
        mine = Counter(document_key(d["name"], d["kind"], d["status"]) for d in gold)
        theirs = Counter(document_key(d.name, d.kind, d.status) for d in facts.documents)
    elif kind == "money":
        mine = Counter((round(m["amount"], 6), m["currency"], m["kind"]) for m in gold)
        theirs = Counter((round(m.amount, 6), m.currency, m.kind) for m in facts.money)
    else:
        mine = Counter(_norm(name) for name in gold)
        theirs = Counter(_norm(item.name) for item in getattr(facts, kind))
    return sum((mine & theirs).values()), sum(theirs.values()), sum(mine.values())


def score(pairs: Iterable[Pair]) -> Scores:
    """Pooled precision and recall per fact kind over (gold article, extracted facts) pairs.

    >>> score([])["money"]
    {'precision': 1.0, 'recall': 1.0}
    """
    totals = {kind: [0, 0, 0] for kind in KINDS}
    for gold, facts in pairs:
        for kind in KINDS:
            for index, value in enumerate(counts(kind, gold[kind], facts)):
                totals[kind][index] += value
    return {
        kind: {
            "precision": hits / found if found else 1.0,
            "recall": hits / wanted if wanted else 1.0,
        }
        for kind, (hits, found, wanted) in totals.items()
    }


def gold_articles(path: Path) -> list[dict[str, Any]]:
    """The ``articles`` of a gold file."""
    articles: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["articles"]
    return articles


def tuning_pairs(bulletins: Path) -> Iterator[Pair]:
    """Gold entries of the tuning set with the facts extracted from the shared bulletin articles."""
    from policydigest.enrich.facts import extract_facts
    from policydigest.ingest.bulletin.parse import parse_bulletin

    by_file: dict[str, list[dict[str, Any]]] = {}
    for entry in gold_articles(GOLD):
        by_file.setdefault(entry["file"], []).append(entry)
    for name, entries in by_file.items():
        path = bulletins / name
        issue = parse_bulletin(path.read_text(encoding="utf-8"), source=str(path))
        parsed = {_title_key(a.title): a for a in issue.articles}
        for entry in entries:
            article = _find(_title_key(entry["title"]), parsed)
            if article is not None:
                yield entry, extract_facts(article.title + "\n" + article.body, published=issue.date)


def held_out_pairs() -> Iterator[Pair]:
    """Gold entries of the held-out set with the facts extracted from their own texts."""
    from policydigest.enrich.facts import extract_facts

    for entry in gold_articles(HELD_OUT):
        published = dt.date.fromisoformat(entry["published"])
        yield entry, extract_facts(entry["title"] + "\n" + entry["body"], published=published)


def facts_quality(shared: Path | None = None) -> dict[str, Scores | None]:
    """``{"tuning": scores, "held_out": scores}``, scores as ``{kind: {"precision", "recall"}}``.

    ``shared`` is the ../shared folder (found when None); tuning is None without its bulletins.
    """
    folder = shared_folder("bulletins") if shared is None else shared / "bulletins"
    return {
        "tuning": score(tuning_pairs(folder)) if folder is not None and folder.is_dir() else None,
        "held_out": score(held_out_pairs()),
    }


def main(smoke: bool = False) -> None:
    """Both parts scored and shown beside their pins (small sets: ``smoke`` runs them whole too)."""
    from rich.console import Console
    from rich.table import Table

    scores = facts_quality()
    pins = json.loads(SCORES.read_text(encoding="utf-8"))
    table = Table("kind", "measure", *(f"{part} (pin)" for part in PARTS), title="fact extraction quality")
    for kind in KINDS:
        for measure in MEASURES:
            cells = []
            for part in PARTS:
                found = scores[part]
                now = "—" if found is None else f"{found[kind][measure]:.1%}"
                cells.append(f"{now} ({pins[part][kind][measure]:.1%})")
            table.add_row(kind, measure, *cells)
    Console().print(table)
    sizes = {"tuning": len(gold_articles(GOLD)), "held_out": len(gold_articles(HELD_OUT))}
    print(f"articles: tuning {sizes['tuning']}, held-out {sizes['held_out']}")
