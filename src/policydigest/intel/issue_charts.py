"""Charts for a rendered issue, when the settings ask for them (``bulletin_trend_chart``).

Drawn from the intelligence tables (what readers may see only: the issue is public) and passed into the
renderers, which draw nothing themselves (render sits below intel). Here, below delivery, so that the
issue's e-mail and its PDF carry the same charts whoever renders or queues them.
"""

from __future__ import annotations

import logging

from policydigest.intel import update_intel
from policydigest.intel.charts import announced_by_month, within
from policydigest.model import Issue
from policydigest.render.figures import IssueChart
from policydigest.render.output import WITH_CHARTS
from policydigest.settings import Settings
from policydigest.store import Store

log = logging.getLogger(__name__)


def charts_for(store: Store, settings: Settings, issue: Issue, fmt: str, *, catch_up: bool = True) -> list[IssueChart]:
    """The charts a rendering of ``issue`` as ``fmt`` carries: those the settings ask for, in the formats that
    show charts (PDF, e-mail); the same whether the CLI, a job or the web renders it.

    >>> import datetime as dt
    >>> from policydigest.store import open_store
    >>> issue = Issue(series="示例", number=1, total_number=1, date=dt.date(2025, 1, 3))
    >>> charts_for(open_store("sqlite://"), Settings(bulletin_trend_chart=True), issue, "docx")
    []
    """
    return issue_charts(store, settings, issue, catch_up=catch_up) if fmt in WITH_CHARTS else []


def issue_charts(store: Store, settings: Settings, issue: Issue, *, catch_up: bool = True) -> list[IssueChart]:
    """The trend chart of the year up to the issue (documents per month by kind), if the settings ask for it;
    ``catch_up``: build intelligence not built yet first (writers' paths; a reader's download does not).

    >>> import datetime as dt
    >>> from policydigest.store import open_store
    >>> issue = Issue(series="示例", number=1, total_number=1, date=dt.date(2025, 1, 3))
    >>> issue_charts(open_store("sqlite://"), Settings(bulletin_trend_chart=True), issue)
    []
    """
    if not settings.bulletin_trend_chart:
        return []
    if catch_up:  # publishing and rendering are writers' paths: catch up on any write not built yet
        update_intel(store)
    with store.session() as session:
        kinds = next(t for t in announced_by_month(session, vetted=True) if t.name == "kinds")
    last = issue.date.strftime("%Y-%m")
    first = f"{issue.date.year - 1}-{issue.date.month + 1:02d}" if issue.date.month < 12 else f"{issue.date.year}-01"
    chart = within(kinds, first, last, title="近一年各月发布的政策文件（按文件类型）")
    if not chart.points:
        log.info("no trend chart for 总第%d期: no document announced from %s to %s", issue.total_number, first, last)
        return []
    rows = [(p.x, p.series, p.n) for p in chart.points]
    return [IssueChart(chart.title, chart.x_title, chart.series_title, rows, chart.svg, chart.png())]
