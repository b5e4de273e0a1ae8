"""Importing a batch of bulletin files into the store: one transaction per file, never aborting; then enriching."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from policydigest.enrich.runner import EnrichReport
from policydigest.errors import BadInputError
from policydigest.ingest.bulletin.reader import SUFFIXES, read_bulletin
from policydigest.ingest.enrichment import enrich_after_ingest
from policydigest.settings import Settings
from policydigest.store import SaveStatus, Store

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    """What importing one file did."""

    path: str
    status: str  # a SaveStatus value, or "failed"
    issue: str | None = None
    articles: int = 0
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The outcome of a batch."""

    files: list[FileResult] = field(default_factory=list)
    enrichment: EnrichReport | None = None  # None: nothing new, or enrichment after ingest is off

    @property
    def failed(self) -> list[FileResult]:
        return [result for result in self.files if result.status == "failed"]

    def as_dict(self) -> dict[str, object]:
        counts: dict[str, int] = {}
        for result in self.files:
            counts[result.status] = counts.get(result.status, 0) + 1
        return {"counts": counts, "files": [asdict(result) for result in self.files]}


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus bulletin files (.txt/.md/.pdf) found under named folders.

    >>> expand_paths([Path("src/policydigest/data/sample")])[0].suffix in (".txt", ".md")
    True
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            files.append(path)
    return files


def import_file(path: Path, store: Store, settings: Settings, *, replace: bool = False) -> FileResult:
    """Import one file; any failure becomes a ``failed`` result with a one-line reason."""
    try:
        issue = read_bulletin(path, columns=settings.columns, back_matter_headings=settings.back_matter_headings)
        status = store.save_issue(issue, replace=replace)
    except FileNotFoundError:
        return FileResult(str(path), "failed", reason="文件不存在")
    except IsADirectoryError:
        return FileResult(str(path), "failed", reason="这是文件夹")
    except BadInputError as exc:
        return FileResult(str(path), "failed", reason=exc.reason)
    except Exception as exc:  # a bug or a store fault must not abort the batch
        log.exception("importing %s failed", path)
        return FileResult(str(path), "failed", reason=f"内部错误（{type(exc).__name__}: {exc}），请报告")
    label = f"{issue.series} 第{issue.number}期 总第{issue.total_number}期 ({issue.date.isoformat()})"
    return FileResult(
        str(path),
        status.value,
        issue=label,
        articles=len(issue.articles),
        reason="已导入过内容不同的同一期；要更新请加 --replace"
        if status is SaveStatus.SKIPPED
        else None,
        warnings=list(issue.warnings),
    )


def import_paths(
    paths: Iterable[Path],
    store: Store,
    settings: Settings,
    *,
    replace: bool = False,
    on_file: Callable[[FileResult], None] | None = None,
    on_enrich_total: Callable[[int], None] | None = None,
    on_enriched: Callable[[], None] | None = None,
) -> ImportReport:
    """Import every file, then enrich what is new; each file is all-or-nothing and one bad file never
    stops the batch."""
    report = ImportReport()
    for path in expand_paths(paths):
        result = import_file(path, store, settings, replace=replace)
        report.files.append(result)
        if on_file is not None:
            on_file(result)
    if any(result.status in (SaveStatus.CREATED, SaveStatus.REPLACED) for result in report.files):
        # Saving an issue gives no article ids: the runner goes over the store and skips what is current.
        report.enrichment = enrich_after_ingest(store, settings, on_total=on_enrich_total, on_article=on_enriched)
    return report
