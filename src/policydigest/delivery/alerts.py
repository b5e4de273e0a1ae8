"""Alerts: for each saved search (and each column, region or topic preference), a digest of only the
articles the reader has not been sent yet, in an issue or an earlier alert.

What a reader has been sent is recorded when each message is marked sent (``alert_sent``), so the
articles of the issue just sent never come back in an alert. The subject carries the search's
name and the count; each saved search also has its Atom feed (``/feeds/search.atom?<query>``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

from sqlalchemy import select, update

from policydigest.delivery.sending import SendReport, deliver, queue_mailing
from policydigest.delivery.subscribers import Subscriber, now
from policydigest.search import FACETS, Query, SearchHit, SearchIndex, SortOrder
from policydigest.search.facets import FOLLOWED
from policydigest.settings import Settings
from policydigest.store import Store
from policydigest.store.delivery_schema import AlertSentRow, SavedSearchRow, SubscriberRow

log = logging.getLogger(__name__)
PERIOD = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(days=7)}
#: A run a little early still counts (a daily cron job drifts by minutes).
SLACK = dt.timedelta(hours=1)
MOST_HITS = 200


def search_query(query_string: str) -> Query:
    """The search stage's query for a reader search URL's query (same parameters as ``/search``).

    >>> q = search_query("q=算力&column=地方新政&since=2025-01-01")
    >>> q.text, q.filters, q.since.isoformat()
    ('算力', {'column': ['地方新政']}, '2025-01-01')
    """
    values = parse_qs(query_string.lstrip("?"), keep_blank_values=False)
    filters = {f.name: [v.strip() for v in values.get(f.param, []) if v.strip()] for f in FACETS}

    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(values[name][0]) if name in values else None
        except ValueError:
            return None

    return Query(
        text=" ".join(values.get("q", [""])[0].split())[:1000],
        filters={k: v for k, v in filters.items() if v},
        since=day("since"),
        until=day("until"),
        sort=SortOrder.DATE,
        limit=MOST_HITS,
        facets=False,
    )


@dataclass(frozen=True)
class Watch:
    """One thing a subscriber follows: a saved search, or a preference as a search."""

    key: str
    name: str
    query: Query
    query_string: str
    frequency: str


def watches(row: SubscriberRow) -> list[Watch]:
    """The saved searches and the followed facets (columns, regions, topics) of a subscriber."""
    found = [Watch(f"search{s.id}", s.name, search_query(s.query), s.query, s.frequency) for s in row.searches]
    follows = Subscriber.of(row).preferences
    for facet in FOLLOWED:
        values = list(follows.followed(facet.name))
        if values:
            qs = urlencode([(facet.param, v) for v in values])
            query = Query(filters={facet.name: values}, sort=SortOrder.DATE, limit=MOST_HITS, facets=False)
            found.append(Watch(f"pref-{facet.name}", f"{facet.label}：{'、'.join(values)}", query, qs, row.frequency))
    return found


def _due(last: dt.datetime | None, frequency: str, at: dt.datetime) -> bool:
    return last is None or at - last >= PERIOD.get(frequency, PERIOD["daily"]) - SLACK


def digest_html(settings: Settings, watch: Watch, hits: Iterable[SearchHit]) -> str:
    """The digest's HTML: each new article's title, date and link (titles escaped)."""
    base = settings.public_url.rstrip("/")
    items = "".join(
        f'<li style="margin:0 0 8px"><a href="{base}/articles/{h.id}">{html.escape(h.title)}</a>'
        f'{" · " + h.date.isoformat() if h.date else ""}</li>'
        for h in hits
    )
    feed = html.escape(f"{base}/feeds/search.atom?{watch.query_string}")
    return (
        f"<html><body><h1 style=\"font-size:18px\">{html.escape(watch.name)}：新内容</h1><ul>{items}</ul>"
        f'<p style="font-size:12px;color:#666">这条检索的 <a href="{feed}">Atom 订阅源</a></p></body></html>'
    )


@dataclass
class AlertReport:
    """Digests queued by a run, and what sending them did."""

    digests: int = 0
    articles: int = 0
    sent: SendReport | None = None


def run_alerts(
    store: Store, settings: Settings, index: SearchIndex, *, at: dt.datetime | None = None, send: bool = True
) -> AlertReport:
    """Queue every due digest (one per watch with new articles) and send them.

    A digest's key names its reader, watch and articles, so a run stopped after queueing and run
    again queues nothing twice.
    """
    moment = at or now()
    report = AlertReport()
    digests: list[tuple[int, Watch, list[SearchHit]]] = []
    ran_searches: list[int] = []
    ran_readers: list[int] = []
    with store.session() as session:
        for row in session.scalars(select(SubscriberRow).where(SubscriberRow.status == "active")):
            sent = set(session.scalars(select(AlertSentRow.article_id).where(AlertSentRow.subscriber_id == row.id)))
            preferences_due = _due(row.alerts_run_at, row.frequency, moment)
            if preferences_due:
                ran_readers.append(row.id)
            searches = {f"search{s.id}": s for s in row.searches}
            for watch in watches(row):
                saved = searches.get(watch.key)
                if not (_due(saved.last_run_at, saved.frequency, moment) if saved else preferences_due):
                    continue
                if saved is not None:
                    ran_searches.append(saved.id)
                hits = [h for h in index.search(watch.query).hits if h.id not in sent]
                if hits:
                    sent.update(h.id for h in hits)  # the reader's other watches leave them out
                    digests.append((row.id, watch, hits))
    for subscriber_id, watch, hits in digests:
        ids = sorted(h.id for h in hits)
        queue_mailing(
            store,
            key=f"alert:{subscriber_id}:{watch.key}:{hashlib.sha256(repr(ids).encode()).hexdigest()[:32]}",
            kind="alert",
            subject=f"【{watch.name}】{len(hits)}条新内容",
            html=digest_html(settings, watch, hits),
            subscriber_ids=[subscriber_id],
            article_ids=ids,
        )
        report.digests += 1
        report.articles += len(hits)
    with store.write_session() as session, session.begin():
        session.execute(update(SavedSearchRow).where(SavedSearchRow.id.in_(ran_searches)).values(last_run_at=moment))
        session.execute(update(SubscriberRow).where(SubscriberRow.id.in_(ran_readers)).values(alerts_run_at=moment))
    if send and report.digests:
        report.sent = deliver(store, settings)
    return report
