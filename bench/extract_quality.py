"""Extraction quality on two page sets: policydigest against plain trafilatura, same scorer.

- tuning: the 52 shared pages (../shared/pages, expectations in tests/quality/pages_expected.json),
  which the extraction rules were written on;
- held_out: pages written for the project (tests/fixtures/pages_heldout, expectations in
  tests/quality/held_out/pages.json) that no rule was tuned on: never change a rule after seeing them.

The scorer does not import policydigest: it reads the hand-written expectations and scores any
extractor's results, given as ``{"title", "date", "time", "source", "body"}`` per page. Pins:
tests/quality/pages_scores.json, ``{"tuning": …, "held_out": …}`` for policydigest, and the same
for each plain trafilatura run under ``baselines``.
Measures, as shares of all pages:

- title: exactly the expected headline (white space collapsed);
- date: the expected publication day; time: the expected clock time, on pages that show one;
- start / end: the body starts with an expected first anchor / ends with an expected last anchor
  (all white space removed, NFKC); body: both;
- clean: a body that contains none of the page's boilerplate strings (no body is not clean);
- source: one of the expected publishers, on pages that name one;
- attachments: as many attachment links found as the page offers, on pages that offer some.

A second pair of sets holds legacy pages (issue 14: table layouts, script-held bodies, print
versions, attachment lists), written for the project: tests/fixtures/pages_legacy (tuning) and
tests/fixtures/pages_legacy_heldout (held-out); ``legacy_quality()`` scores them.

Run: ``python -m bench extract_quality``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.material import shared_folder

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "quality" / "pages_expected.json"
HELD_OUT = ROOT / "tests" / "quality" / "held_out" / "pages.json"
HELD_OUT_PAGES = ROOT / "tests" / "fixtures" / "pages_heldout"
SCORES = ROOT / "tests" / "quality" / "pages_scores.json"
SMOKE_PAGES = 4
LEGACY_EXPECTED = ROOT / "tests" / "quality" / "legacy_pages_expected.json"
LEGACY_PAGES = ROOT / "tests" / "fixtures" / "pages_legacy"
LEGACY_HELD_OUT = ROOT / "tests" / "quality" / "held_out" / "legacy_pages.json"
LEGACY_HELD_OUT_PAGES = ROOT / "tests" / "fixtures" / "pages_legacy_heldout"
MEASURES = ("title", "date", "start", "end", "body", "clean", "time", "source", "attachments")

Result = dict[str, Any]
Summary = dict[str, dict[str, float]]  # extractor -> measure -> share of pages
Extractor = Callable[[bytes], Result | None]


def pages_dir() -> Path | None:
    """../shared/pages, or None when it is not beside the repository."""
    return shared_folder("pages")


def load_expected(path: Path = EXPECTED) -> dict[str, dict[str, Any]]:
    """The ``pages`` of an expectations file (default: the tuning part)."""
    pages: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["pages"]
    return pages


def squash(text: str) -> str:
    """NFKC with every white space character removed: the form anchors are compared in."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def score_page(expected: dict[str, Any], result: Result | None) -> dict[str, bool | None]:
    """One page's verdicts (None where a measure does not apply to the page)."""
    result = result or {}
    body = squash(result.get("body") or "")
    title = " ".join((result.get("title") or "").split())
    sources = expected.get("source") or []
    got_time = (result.get("time") or "")[: len(expected["time"])] if expected.get("time") else None
    return {
        "title": title == " ".join(expected["title"].split()),
        "date": result.get("date") == expected["date"],
        "start": bool(body) and any(body.startswith(squash(a)) for a in expected["first"]),
        "end": bool(body) and any(body.endswith(squash(a)) for a in expected["last"]),
        "body": bool(body)
        and any(body.startswith(squash(a)) for a in expected["first"])
        and any(body.endswith(squash(a)) for a in expected["last"]),
        "clean": bool(body) and not any(squash(b) in body for b in expected["boilerplate"]),
        "time": (got_time == expected["time"]) if expected.get("time") else None,
        "source": (squash(result.get("source") or "") in {squash(s) for s in sources}) if sources else None,
        "attachments": (result.get("attachments") == expected["attachments"]) if expected.get("attachments") else None,
    }


def summarise(verdicts: dict[str, dict[str, bool | None]]) -> dict[str, float]:
    """Share of applicable pages passing each measure, rounded to 4 places."""
    summary: dict[str, float] = {}
    for measure in MEASURES:
        applicable = [v[measure] for v in verdicts.values() if v[measure] is not None]
        summary[measure] = round(sum(1 for v in applicable if v) / len(applicable), 4) if applicable else 0.0
    return summary


def run(extract: Extractor, pages: Path, expected: dict[str, dict[str, Any]]) -> dict[str, dict[str, bool | None]]:
    """Score one extractor on every expected page; an extractor's exception counts as no result."""
    verdicts = {}
    for name, exp in expected.items():
        data = (pages / f"{name}.html").read_bytes()
        try:
            result = extract(data)
        except Exception:  # a crash is a failed page, not a failed benchmark
            result = None
        verdicts[name] = score_page(exp, result)
    return verdicts


def _date_parts(value: object) -> tuple[str | None, str | None]:
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), value.strftime("%H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat(), None
    if isinstance(value, str) and value:
        return value[:10], (value[11:19] or None)
    return None, None


def trafilatura_extractor(*, with_metadata: bool) -> Extractor:
    """Plain trafilatura: ``bare_extraction`` with default options (and optionally its metadata)."""
    import trafilatura

    def extract(data: bytes) -> Result | None:
        doc = trafilatura.bare_extraction(data, with_metadata=with_metadata)
        if doc is None:
            return None
        found = doc if isinstance(doc, dict) else doc.as_dict()
        day, clock = _date_parts(found.get("date"))
        return {
            "title": found.get("title"),
            "date": day,
            "time": clock,
            "source": found.get("sitename"),
            "body": found.get("text") or "",
        }

    return extract


def policydigest_extractor() -> Extractor:
    """policydigest's extract_page (imported here only: the scorer itself does not need it)."""
    from policydigest.ingest.extract import extract_page

    def extract(data: bytes) -> Result | None:
        page = extract_page(data)
        if page is None:
            return None
        day, clock = _date_parts(page.published)
        return {
            "title": page.title,
            "date": day,
            "time": clock,
            "source": page.source,
            "body": page.body,
            "attachments": len(page.attachments),
        }

    return extract


def all_scores(pages: Path, expected: dict[str, dict[str, Any]] | None = None) -> Summary:
    """Summaries for policydigest, trafilatura with defaults, and trafilatura with its metadata on."""
    expected = load_expected() if expected is None else expected
    return {
        "policydigest": summarise(run(policydigest_extractor(), pages, expected)),
        "trafilatura": summarise(run(trafilatura_extractor(with_metadata=False), pages, expected)),
        "trafilatura_metadata": summarise(run(trafilatura_extractor(with_metadata=True), pages, expected)),
    }


def extraction_quality(shared: Path | None = None) -> dict[str, Summary | None]:
    """``{"tuning": summaries, "held_out": summaries}``, each ``{extractor: {measure: share}}``.

    ``shared`` is the ../shared folder (found when None); tuning is None without its pages.
    """
    folder = pages_dir() if shared is None else shared / "pages"
    return {
        "tuning": all_scores(folder) if folder is not None and folder.is_dir() else None,
        "held_out": all_scores(HELD_OUT_PAGES, load_expected(HELD_OUT)),
    }


def legacy_quality() -> dict[str, Summary]:
    """``{"tuning": …, "held_out": …}`` on the legacy pages written for the project (issue 14)."""
    return {
        "tuning": all_scores(LEGACY_PAGES, load_expected(LEGACY_EXPECTED)),
        "held_out": all_scores(LEGACY_HELD_OUT_PAGES, load_expected(LEGACY_HELD_OUT)),
    }


def main(smoke: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    sets = {
        "tuning": (pages_dir(), load_expected()),
        "held_out": (HELD_OUT_PAGES, load_expected(HELD_OUT)),
        "legacy_tuning": (LEGACY_PAGES, load_expected(LEGACY_EXPECTED)),
        "legacy_held_out": (LEGACY_HELD_OUT_PAGES, load_expected(LEGACY_HELD_OUT)),
    }
    for part, (folder, expected) in sets.items():
        if folder is None:
            print(f"{part}: ../shared/pages not found; not scored")
            continue
        if smoke:
            expected = dict(list(expected.items())[:SMOKE_PAGES])
        found = all_scores(folder, expected)
        table = Table("measure", *found, title=f"extraction quality, {part}: {len(expected)} pages")
        for measure in MEASURES:
            table.add_row(measure, *(f"{found[who][measure]:.1%}" for who in found))
        Console().print(table)
        for name, verdicts in run(policydigest_extractor(), folder, expected).items():
            missed = [m for m, ok in verdicts.items() if ok is False]
            if missed:
                print(f"  policydigest misses {name}: {', '.join(missed)}")
