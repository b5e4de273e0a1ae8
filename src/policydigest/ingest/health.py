"""Source health: which watched sources work, and which stopped (errors, empty listings, no bodies)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from policydigest.ingest.catalogue import SourceSpec
from policydigest.settings import Settings
from policydigest.store.sources import SourceState, now

QUIET_DAYS = 30


class Health(StrEnum):
    """Overall state of a source, worst first."""

    FAILING = "failing"  # errors or empty results for health_stale_runs runs in a row
    WARNING = "warning"  # a recent error, or no new item for a long time
    NEVER_RUN = "never run"
    OK = "ok"


@dataclass(frozen=True)
class SourceHealth:
    """A source, its counters and what is wrong with it."""

    name: str
    kind: str
    url: str
    verified: bool | None  # None: not in the catalogue any more
    state: SourceState | None
    health: Health
    flags: tuple[str, ...]  # for editors: what is wrong, with the raw errors
    summary: tuple[str, ...] = ()  # for readers: the same in short Chinese, no error text or addresses

    @property
    def items_per_week(self) -> float:
        """Articles stored per week over the last four weeks."""
        return 0.0 if self.state is None else self.state.items_last_28_days / 4


def assess(
    state: SourceState | None,
    settings: Settings,
    *,
    spec: SourceSpec | None = None,
    at: dt.datetime | None = None,
) -> SourceHealth:
    """The health of one source from its stored state.

    >>> spec = SourceSpec(name="s", kind="feed", url="https://e.org/f")
    >>> assess(None, Settings(), spec=spec).health
    <Health.NEVER_RUN: 'never run'>
    """
    name = spec.name if spec else state.name if state else "?"
    kind = spec.kind if spec else state.kind if state else "?"
    url = spec.address if spec else state.url if state else ""
    verified = spec.verified if spec else None
    if state is None or state.last_run_at is None:
        return SourceHealth(name, kind, url, verified, state, Health.NEVER_RUN, ())
    at = at or now()
    stale = settings.health_stale_runs
    failing: list[tuple[str, str]] = []  # (detail, summary)
    warnings: list[tuple[str, str]] = []
    if state.error_streak:
        text = f"连续{state.error_streak}次抓取失败：{state.last_error}"
        (failing if state.error_streak >= stale else warnings).append((text, f"连续{state.error_streak}次抓取失败"))
    if state.empty_listing_streak >= stale:
        failing.append(
            (
                f"列表页连续{state.empty_listing_streak}次没有链接——版式改了？",
                f"列表页连续{state.empty_listing_streak}次没有链接",
            )
        )
    if state.empty_body_streak >= stale:
        failing.append(
            (
                f"文章页连续{state.empty_body_streak}次没有正文——文章模板改了？",
                f"文章页连续{state.empty_body_streak}次没有正文",
            )
        )
    newest = state.last_new_item_at
    if newest is not None and at - newest > dt.timedelta(days=QUIET_DAYS):
        days = (at - newest).days
        warnings.append((f"{days}天没有新文章（最近一篇在 {newest:%Y-%m-%d}）", f"{days}天没有新文章"))
    elif newest is None and state.last_success_at is not None and state.items_last_28_days == 0:
        warnings.append(("抓取成功过，但尚无新文章", "尚无新文章"))
    if spec is None:
        warnings.append(("已不在信息源目录中（旧的抓取记录仍保留）", "已不在信息源目录中"))
    health = Health.FAILING if failing else Health.WARNING if warnings else Health.OK
    problems = failing + warnings
    return SourceHealth(
        name,
        kind,
        url,
        verified,
        state,
        health,
        tuple(detail for detail, _ in problems),
        tuple(summary for _, summary in problems),
    )


def source_health(
    states: Sequence[SourceState],
    catalogue: Sequence[SourceSpec],
    settings: Settings,
    *,
    at: dt.datetime | None = None,
) -> list[SourceHealth]:
    """Health of every catalogue source, then of stored sources no longer in the catalogue."""
    by_name = {state.name: state for state in states}
    report = [assess(by_name.pop(spec.name, None), settings, spec=spec, at=at) for spec in catalogue]
    report += [assess(state, settings, at=at) for state in by_name.values()]
    return report
