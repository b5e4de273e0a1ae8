"""Precision and recall of the fact extractor on the gold set of the shared bulletins.

Gold: ``tests/quality/facts_gold.json``, one entry per article (file + title) of the three shared
bulletins, annotated by reading the article (its title and body, without the source line).
Pins: ``tests/quality/facts_scores.json``; the test fails when a score drops below its pin.

Annotation scope (what an analyst wants from the article):
- documents: every title in 《…》 once, except abbreviations of a document already named
  (《通告》 after 《关于…的通告》); kind = the suffix class, status = 征求意见稿/试行/暂行/草案.
- authorities: every public body named, issuing or acting — national ministries and offices,
  local governments and their departments (a bare 省工信厅 belongs to the article's province),
  legislatures, party committees, foreign agencies, international organisations that issue texts.
  Not authorities: research institutes, companies, exchanges, associations, courts, and generic
  references (各省通信管理局, 有关部门). Offices inside a ministry count as the ministry.
- regions: every Chinese administrative division named (short forms included, districts only in
  full), 中国 as the country (中华人民共和国, 我国; not inside 中国人民银行 or 中国式), foreign
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

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from policydigest.enrich.facts import Facts, extract_facts
from policydigest.ingest.bulletin.parse import parse_bulletin

QUALITY = Path(__file__).parent / "quality"
KINDS = ("documents", "authorities", "regions", "targets", "money")
_ACRONYM = re.compile(r"[（(]\s*[A-Za-z][A-Za-z0-9 .&\-]*[)）]")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _subject(text: str) -> str:
    return re.sub(r"[()（）“”\"'《》]", "", _PAREN.sub("", _norm(text)))


_PAREN = re.compile(r"\([^()]*\)")


def _title_key(title: str) -> str:
    return re.sub(r"[\s#*]", "", re.sub(r"[—–－]", "-", unicodedata.normalize("NFKC", title)))


def _find(key: str, parsed: dict[str, Any]) -> Any:
    """The parsed article whose title is the gold title, allowing the parser's small repairs (美国防部)."""
    if key in parsed:
        return parsed[key]
    ratio, best = max(((SequenceMatcher(None, key, k).ratio(), k) for k in parsed), default=(0.0, ""))
    return parsed[best] if ratio >= 0.9 else None


def document_key(name: str, kind: str | None, status: str | None) -> tuple[str, str | None, str | None]:
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


def score(pairs: Iterator[tuple[dict[str, Any], Facts]]) -> dict[str, dict[str, float]]:
    """Pooled precision and recall per fact kind over (gold article, extracted facts) pairs."""
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


def _articles(shared: Path) -> Iterator[tuple[dict[str, Any], Facts]]:
    gold = json.loads((QUALITY / "facts_gold.json").read_text(encoding="utf-8"))["articles"]
    by_file: dict[str, list[dict[str, Any]]] = {}
    for entry in gold:
        by_file.setdefault(entry["file"], []).append(entry)
    for name, entries in by_file.items():
        path = shared / "bulletins" / name
        issue = parse_bulletin(path.read_text(encoding="utf-8"), source=str(path))
        parsed = {_title_key(a.title): a for a in issue.articles}
        for entry in entries:
            article = _find(_title_key(entry["title"]), parsed)
            if article is None:
                continue
            text = article.title + "\n" + article.body
            yield entry, extract_facts(text, published=issue.date)


def test_fact_extraction_keeps_its_precision_and_recall_on_the_bulletin_gold_set(shared_dir: Path) -> None:
    pairs = list(_articles(shared_dir))
    assert len(pairs) >= 47, f"only {len(pairs)} gold articles were found in the parsed bulletins"
    pins = json.loads((QUALITY / "facts_scores.json").read_text(encoding="utf-8"))
    scores = score(iter(pairs))
    drops = [
        f"{kind} {measure} {scores[kind][measure]:.3f} < pin {pins[kind][measure]:.2f}"
        for kind in KINDS
        for measure in ("precision", "recall")
        if scores[kind][measure] < pins[kind][measure]
    ]
    assert not drops, "; ".join(drops)


def test_the_gold_set_covers_at_least_forty_articles_of_the_three_bulletins() -> None:
    gold = json.loads((QUALITY / "facts_gold.json").read_text(encoding="utf-8"))["articles"]
    assert len(gold) >= 40
    assert len({entry["file"] for entry in gold}) == 3
    assert all(set(KINDS) <= set(entry) for entry in gold)
