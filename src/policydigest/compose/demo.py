"""The end-to-end demo: sample bulletins and articles in, a drafted, published and rendered issue out.

Steps: import the fictional sample bulletins (第8期, 第9期); store the fictional sample web articles
(``data/sample/articles.json``); enrich them as every ingest does (setting ``enrich_on_import``);
draft the next issue a week after the newest one; publish it (pages from Typst's layout); render it
to PDF and HTML.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from policydigest.compose.draft import make_draft
from policydigest.compose.publish import publish
from policydigest.compose.repository import DraftRepository
from policydigest.ingest.enrichment import enrich_after_ingest
from policydigest.ingest.importer import ImportReport, import_paths
from policydigest.model import Article
from policydigest.profile import Profile
from policydigest.render.html import render_html
from policydigest.render.pdf import render_pdf
from policydigest.settings import Settings
from policydigest.store import Store

#: Days between two issues of the (weekly) demo series.
ISSUE_INTERVAL_DAYS = 7


def sample_dir() -> Path:
    """The packaged sample data folder."""
    return Path(str(resources.files("policydigest") / "data" / "sample"))


def load_articles(path: Path) -> list[Article]:
    """Articles from a JSON file ``{"articles": [...]}`` in the model's shape.

    >>> len(load_articles(sample_dir() / "articles.json")) > 10
    True
    """
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return [Article.model_validate(item) for item in data["articles"]]


def store_articles(store: Store, articles: list[Article]) -> int:
    """Store standalone articles in one transaction; returns how many are new."""
    before = store.count_articles()
    with store.session() as session, session.begin():
        for article in articles:
            store.upsert_article(session, article)
    return store.count_articles() - before


def enrich_articles(store: Store, settings: Settings) -> str:
    """Enrich the stored articles not yet enriched (facts, topics, column, summary, duplicates); says what it did."""
    report = enrich_after_ingest(store, settings)
    if report is None:
        return "已跳过加工（原因见日志）"
    return f"已加工 {report.enriched} 篇文章；近似重复 {report.duplicate_groups} 组"


@dataclass
class DemoResult:
    """What the demo made and where."""

    db: Path
    pdf: Path
    html: Path
    total_number: int
    steps: list[tuple[str, float]] = field(default_factory=list)


def run_demo(
    out: Path,
    store: Store,
    settings: Settings,
    profile: Profile,
    *,
    on_import: Callable[[ImportReport], None] | None = None,
    say: Callable[[str], None] = print,
) -> DemoResult:
    """Run every step into ``out`` on a fresh ``store``; ``say`` reports progress in one line a step."""
    steps: list[tuple[str, float]] = []
    started = time.perf_counter()

    def step(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        steps.append((name, now - started))
        started = now

    report = import_paths([sample_dir()], store, settings)
    if on_import is not None:
        on_import(report)
    step("import bulletins")
    new = store_articles(store, load_articles(sample_dir() / "articles.json"))
    say(f"已存入 {new} 篇样例网页文章")
    step("store articles")
    say(enrich_articles(store, settings))
    step("enrich")
    repo = DraftRepository(store)
    newest = max(store.list_issues(), key=lambda s: (s.date, s.total_number))
    date = dt.date.fromisoformat(newest.date) + dt.timedelta(days=ISSUE_INTERVAL_DAYS)
    draft = make_draft(repo, profile, settings, date=date)
    included = draft.included(profile.column_names)
    say(
        f"已起草 第{draft.number}期 总第{draft.total_number}期（{date.isoformat()}）："
        f"入选 {len(included)} 篇，未入选 {len(draft.items) - len(included)} 篇；封面：{draft.cover_headline}"
    )
    step("draft")
    issue = publish(repo, profile, draft.total_number)
    say(f"已出版 总第{issue.total_number}期，页码 {[e.page for e in issue.toc]}")
    step("publish")
    stem = f"{profile.series.title}-{issue.date.year}-{issue.number:02d}-{issue.total_number}"
    pdf, html = out / f"{stem}.pdf", out / f"{stem}.html"
    pdf.write_bytes(render_pdf(issue, columns=profile.column_names))
    step("render pdf")
    page = render_html(issue, columns=profile.column_names, logo=profile.logo_path, logo_alt=profile.series.logo_alt)
    html.write_text(page, encoding="utf-8")
    step("render html")
    db = Path(store.engine.url.database or "")
    return DemoResult(db=db, pdf=pdf, html=html, total_number=issue.total_number, steps=steps)
