"""Precision and recall of policy intelligence on two annotated sets: tuning and held-out.

- tuning, pooled over two files the rules were written on:
  ``tests/quality/intel_gold.json``: articles of the three shared bulletins (texts read from
  ../shared at run time), annotated for issuers and follow-up links; its targets are those of
  ``facts_gold.json`` (matched on value, unit and deadline year);
  ``tests/quality/intel_tuning.json``: articles written for the project (the first held-out part,
  moved here once it had been scored, and examples added for later rules).
- held_out: ``tests/quality/held_out/intel_v2.json``: 33 articles written for the project, texts and
  gold committed before the rules ran on them. Never tune on it.

What is scored, per article, pooled over the set (micro-averaged):
- issuers: the full names of the bodies issuing the document the article announces (a set);
- targets: one to one on value (relative tolerance 1e-6), unit, deadline (held-out: the date, and the
  range's upper bound; tuning: the year);
- follow_ups: (parent document, relation) of the links the article makes to a higher-level document.

Pins: ``tests/quality/intel_scores.json``; a score below its pin fails tests/test_intel_quality.py.
Run: ``python -m bench intel_quality``.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.facts_quality import GOLD as FACTS_GOLD
from bench.facts_quality import _find, _title_key, gold_articles
from bench.material import ROOT, shared_folder

TUNING = ROOT / "tests" / "quality" / "intel_gold.json"
#: Articles written for the project that the rules were tuned on (the first held-out part among them).
TUNING_WRITTEN = ROOT / "tests" / "quality" / "intel_tuning.json"
HELD_OUT = ROOT / "tests" / "quality" / "held_out" / "intel_v2.json"
SCORES = ROOT / "tests" / "quality" / "intel_scores.json"
KINDS = ("issuers", "targets", "follow_ups")
MEASURES = ("precision", "recall")
Scores = dict[str, dict[str, float]]
#: (gold entry, issuers found, targets found, follow-ups found) of one article.
Found = tuple[dict[str, Any], list[str], list[dict[str, Any]], list[tuple[str, str]]]
#: (hits, found, gold) of each kind, pooled over a set.
Totals = dict[str, list[int]]


def _results(store_url: str, entries: dict[int, dict[str, Any]]) -> Iterator[Found]:
    """What intelligence found in each stored article that has a gold entry (by article id)."""
    from sqlalchemy import select

    from policydigest.intel import build_intel
    from policydigest.intel.documents import document_key
    from policydigest.intel.queries import find_document, follow_ups_of, list_documents, list_targets
    from policydigest.store import open_store
    from policydigest.store.intel_schema import IntelMentionRow

    store = open_store(store_url)
    build_intel(store)
    with store.session() as session:
        links: dict[int, list[tuple[str, str]]] = {}
        for document in list_documents(session):
            for link in follow_ups_of(session, find_document(session, str(document.id))):
                links.setdefault(link.article_id, []).append((document_key(document.name), link.relation))
        for article_id, entry in entries.items():
            announced = session.scalar(
                select(IntelMentionRow).where(IntelMentionRow.article_id == article_id, IntelMentionRow.announces)
            )
            targets = [t.__dict__ for t in list_targets(session, article_id=article_id)]
            yield entry, list(announced.issuers) if announced else [], targets, links.get(article_id, [])
    store.engine.dispose()


def _target_match(gold: dict[str, Any], found: dict[str, Any]) -> bool:
    if gold["unit"].casefold() != found["unit"].casefold():
        return False
    if abs(gold["value"] - found["value"]) > 1e-6 * max(abs(gold["value"]), 1.0):
        return False
    if "deadline" in gold:
        return gold["deadline"] == found["deadline"] and gold.get("value_max") == found["value_max"]
    return bool(gold["deadline_year"] == found["year"])


def _counts(gold: list[Any], found: list[Any], match: Any) -> tuple[int, int, int]:
    left = list(found)
    hits = 0
    for item in gold:
        at = next((i for i, other in enumerate(left) if match(item, other)), None)
        if at is not None:
            hits += 1
            left.pop(at)
    return hits, len(found), len(gold)


def totals(results: Iterator[Found]) -> Totals:
    """(hits, found, gold) of each kind, pooled over the articles."""
    from policydigest.intel.documents import document_key

    pooled = {kind: [0, 0, 0] for kind in KINDS}
    for entry, issuers, targets, links in results:
        parts = {
            "targets": _counts(entry["targets"], targets, _target_match) if entry.get("targets") is not None else None,
            "issuers": _counts(entry["issuers"], issuers, str.__eq__) if entry.get("issuers") is not None else None,
            "follow_ups": _counts(
                [(document_key(f["parent"]), f["relation"]) for f in entry["follow_ups"]], links, tuple.__eq__
            )
            if entry.get("follow_ups") is not None
            else None,
        }
        for kind, counted in parts.items():
            if counted is not None:
                for i, n in enumerate(counted):
                    pooled[kind][i] += n
    return pooled


def score(*parts: Totals) -> Scores:
    """Pooled precision and recall of each kind (1.0 when nothing was found or expected)."""
    summed = {kind: [sum(part[kind][i] for part in parts) for i in range(3)] for kind in KINDS}
    return {
        kind: {
            "precision": hits / found if found else 1.0,
            "recall": hits / gold if gold else 1.0,
        }
        for kind, (hits, found, gold) in summed.items()
    }


def held_out_scores() -> Scores:
    """Scores on the held-out set: its articles stored as one issue, then intelligence built."""
    return score(written_totals(HELD_OUT))


def written_totals(path: Path) -> Totals:
    """Counts on a set of written articles: stored as one issue, then intelligence built."""
    from policydigest.enrich.facts import extract_facts
    from policydigest.enrichment import Enrichment
    from policydigest.model import Article, Block, Issue
    from policydigest.store import open_store

    entries = gold_articles(path)
    articles = []
    for entry in entries:
        published = dt.date.fromisoformat(entry["published"])
        text = entry["title"] + "\n" + entry["body"]
        facts = extract_facts(text, published=published)
        blocks = [Block.paragraph(p) for p in entry["body"].split("\n")]
        articles.append(
            Article(title=entry["title"], blocks=blocks, published=published, enrichment=Enrichment(facts=facts))
        )
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'written.db'}"
        store = open_store(url)
        issue = Issue(series=path.stem, number=1, total_number=1, date=dt.date(2025, 6, 30), articles=articles)
        store.save_issue(issue)
        ids = sorted(store.stored_articles(range(1, len(articles) + 1)), key=lambda s: s.id)
        store.engine.dispose()
        by_id = {s.id: {**e["gold"], "title": e["title"]} for s, e in zip(ids, entries, strict=True)}
        return totals(_results(url, by_id))


def _stored_articles(issue: Any) -> Any:
    """The issue with the facts the enrichment stage would give each article."""
    from policydigest.enrich.facts import extract_facts
    from policydigest.enrichment import Enrichment

    articles = [
        a.model_copy(
            update={
                "enrichment": Enrichment(
                    facts=extract_facts(a.title + "\n" + a.body, published=a.published or issue.date)
                )
            }
        )
        for a in issue.articles
    ]
    return issue.model_copy(update={"articles": articles})


def tuning_scores(bulletins: Path) -> Scores:
    """Scores on the tuning set: the shared bulletins' articles and the written tuning articles, pooled."""
    return score(bulletin_totals(bulletins), written_totals(TUNING_WRITTEN))


def bulletin_totals(bulletins: Path) -> Totals:
    """Counts on the shared bulletins: stored with their facts, then intelligence built."""
    from policydigest.ingest.bulletin.parse import parse_bulletin
    from policydigest.store import open_store

    gold = {(e["file"], _title_key(e["title"])): e for e in gold_articles(TUNING)}
    targets = {(e["file"], _title_key(e["title"])): e.get("targets", []) for e in gold_articles(FACTS_GOLD)}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'tuning.db'}"
        store = open_store(url)
        keys: dict[str, dict[str, int]] = {}
        for path in sorted(bulletins.glob("*.txt")):
            before = {s.id for batch in store.iter_stored_articles() for s in batch}
            store.save_issue(_stored_articles(parse_bulletin(path.read_text(encoding="utf-8"), source=str(path))))
            added = [s for batch in store.iter_stored_articles() for s in batch if s.id not in before]
            keys[path.name] = {_title_key(s.article.title): s.id for s in added}
        store.engine.dispose()
        entries: dict[int, dict[str, Any]] = {}
        for file, key in set(gold) | set(targets):
            article_id = _find(key, keys.get(file, {}))
            if article_id is not None:
                entry = dict(gold.get((file, key), {"issuers": None, "follow_ups": None}))
                entries[article_id] = {**entry, "targets": targets.get((file, key), [])}
        return totals(_results(url, entries))


def intel_quality(shared: Path | None = None) -> dict[str, Scores | None]:
    """``{"tuning": scores, "held_out": scores}``; tuning is None without the shared bulletins."""
    folder = shared_folder("bulletins") if shared is None else shared / "bulletins"
    return {
        "tuning": tuning_scores(folder) if folder is not None and folder.is_dir() else None,
        "held_out": held_out_scores(),
    }


def main(smoke: bool = False) -> None:
    """Print the intelligence scores beside their pins (``smoke``: the same, the set is small)."""
    scores = intel_quality()
    pins = json.loads(SCORES.read_text(encoding="utf-8")) if SCORES.exists() else {}
    for part, found in scores.items():
        for kind in KINDS:
            for measure in MEASURES:
                value = found[kind][measure] if found else None
                pin = pins.get(part, {}).get(kind, {}).get(measure)
                print(f"{part:9} {kind:10} {measure:9} {value if value is None else f'{value:.4f}'} (pin {pin})")
