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
from policydigest.settings import Settings
from policydigest.store import Store

log = logging.getLogger(__name__)


def issue_charts(store: Store, settings: Settings, issue: Issue) -> list[IssueChart]:
    """The trend chart of the year up to the issue (documents per month by kind), if the settings ask for it.

    >>> import datetime as dt
    >>> from policydigest.store import open_store
    >>> issue = Issue(series="示例", number=1, total_number=1, date=dt.date(2025, 1, 3))
    >>> issue_charts(open_store("sqlite://"), Settings(bulletin_trend_chart=True), issue)
    []
    """
    if not settings.bulletin_trend_chart:
        return []
    update_intel(store)  # publishing and rendering are writers' paths: catch up on any write not built yet
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
