"""Column accuracy: the share of articles whose predicted column is the editors' column.

- tuning: the shared bulletins, each issue judged by a model fitted (from the domain priors) only on
  the other shared issues; and the project's sample bulletins, judged by a model fitted on the shared
  issues and by the shipped weights (``data/enrich/column_weights.json``, fitted on the shared and
  sample bulletins, so in-sample there);
- held_out: the held-out articles (tests/quality/held_out/articles.json, new text labelled with the
  column an editor would give), judged by the shipped weights and by a model fitted on the shared
  issues. No rule or weight was changed after they were scored.

The truth of a bulletin article is the column the editors gave it (the table of contents, or the
column of its position for articles it leaves out). ``l2`` in the pin is the fitting's regularisation.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.quality import HELD_OUT_ARTICLES, QUALITY, SAMPLE_DIR, Parts, load_pin
from policydigest.compose.demo import load_articles
from policydigest.enrich.column import ROLES, ColumnModel, Feature
from policydigest.enrich.column_fit import fit, leave_one_issue_out
from policydigest.enrich.pipeline import ColumnStage
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.model import DEFAULT_COLUMNS, Article
from policydigest.settings import Settings

PIN = QUALITY / "column_scores.json"
SAMPLES = sorted(SAMPLE_DIR.glob("sample-bulletin-*"))
Row = tuple[str, list[Feature], str]  # title, the features that fired, the editors' role
Rows = dict[Hashable, list[Row]]  # by issue


@dataclass(frozen=True)
class Accuracy:
    """How many articles were judged, how many right, and the misses as readable lines."""

    articles: int
    right: int
    misses: list[str]

    @property
    def share(self) -> float:
        return self.right / self.articles if self.articles else 0.0


def column_stage() -> ColumnStage:
    """The column stage as the sets are judged: home region 贵州, the four default columns, shipped weights."""
    return ColumnStage(Settings(home_region="贵州", columns=list(DEFAULT_COLUMNS), column_model_file=None), None)


def rows_of(stage: ColumnStage, articles: Iterable[tuple[Hashable, Article]]) -> Rows:
    """(issue, article) pairs as rows by issue; an article's role is that of its labelled column."""
    rows: Rows = {}
    for issue, article in articles:
        role = ROLES[stage.columns.index(article.column or "")]
        rows.setdefault(issue, []).append((article.title, stage.features_of(article), role))
    return rows


def bulletin_rows(stage: ColumnStage, paths: Sequence[Path]) -> Rows:
    """The articles of these bulletins, by 总期."""
    return rows_of(stage, ((issue.total_number, a) for issue in map(read_bulletin, paths) for a in issue.articles))


def held_out_rows(stage: ColumnStage) -> Rows:
    """The held-out articles, as one group."""
    return rows_of(stage, (("held-out", article) for article in load_articles(HELD_OUT_ARTICLES)))


def judge(model: ColumnModel, rows: Rows, columns: Sequence[str]) -> Accuracy:
    """Accuracy of ``model`` on ``rows``."""
    flat = [row for group in rows.values() for row in group]
    misses = []
    for title, fired, role in flat:
        predicted = model.predict(fired, columns).role
        if predicted != role:
            misses.append(f"{title}: {role} → {predicted}")
    return Accuracy(len(flat), len(flat) - len(misses), misses)


def leave_one_out(rows: Rows, l2: float) -> Accuracy:
    """Each issue judged by a model fitted only on the others."""
    judged = leave_one_issue_out(rows, l2=l2)
    misses = [f"总第{j.issue}期 {j.title}: {j.truth} → {j.predicted}" for j in judged if not j.right]
    return Accuracy(len(judged), len(judged) - len(misses), misses)


def fitted_on(rows: Rows, l2: float) -> ColumnModel:
    """A model fitted (from the domain priors) on every row."""
    return fit([(fired, role) for group in rows.values() for _, fired, role in group], l2=l2)


def accuracies(shared: Path) -> dict[str, dict[str, Accuracy]]:
    """Every accuracy of both parts, by part and measure."""
    l2 = float(load_pin(PIN)["l2"])
    stage = column_stage()
    shared_rows = bulletin_rows(stage, sorted((shared / "bulletins").glob("*.txt")))
    sample_rows = bulletin_rows(stage, SAMPLES)
    held_out = held_out_rows(stage)
    on_shared = fitted_on(shared_rows, l2)
    shipped = ColumnModel.load(None)
    return {
        "tuning": {
            "shared_leave_one_issue_out": leave_one_out(shared_rows, l2),
            "sample_fitted_on_shared": judge(on_shared, sample_rows, stage.columns),
            "sample_shipped_weights": judge(shipped, sample_rows, stage.columns),
        },
        "held_out": {
            "shipped_weights": judge(shipped, held_out, stage.columns),
            "fitted_on_shared": judge(on_shared, held_out, stage.columns),
        },
    }


def measure(shared: Path) -> Parts:
    """The accuracies of both parts as shares."""
    return {part: {name: a.share for name, a in found.items()} for part, found in accuracies(shared).items()}
