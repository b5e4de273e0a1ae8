"""Alerts: a digest per saved search with only the articles the reader was not sent yet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from policydigest.delivery.alerts import run_alerts, search_query
from policydigest.delivery.publishing import send_issue
from policydigest.delivery.subscribers import Preferences, SavedSearch, add_subscriber
from policydigest.model import Issue
from policydigest.search import attach_search_index
from tests.delivery_support import ISSUE, delivery_settings, links, store_with_issue
from tests.smtp_support import html_part, smtp_server


def later_issue(total_number: int) -> Issue:
    """The fictional issue again as 总第``total_number``期, with one new article about 算力."""
    data = json.loads(ISSUE.read_text(encoding="utf-8"))
    fresh = {
        "title": "明川市新建算力调度中心投入运行",
        "column": "地方新政",
        "blocks": [{"kind": "paragraph", "text": "明川市算力调度中心投入运行，统筹全市算力资源。"}],
        "source": "明川日报",
        "url": "https://www.example.gov.cn/news/2.html",
    }
    data.update(total_number=total_number, number=total_number, articles=[fresh])
    return Issue.model_validate(data)


def test_an_alert_digest_holds_only_articles_the_reader_was_not_sent(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port)
        store, issue = store_with_issue(settings)
        sync = attach_search_index(store, settings)
        prefs = Preferences(searches=(SavedSearch("算力动态", "q=算力", "daily"),))
        add_subscriber(store, "watcher@example.org", prefs=prefs)
        hits_in_issue = {h.id for h in sync.index.search(search_query("q=算力")).hits}
        assert hits_in_issue, "the fixture issue mentions 算力"

        send_issue(store, settings, issue.total_number)
        first = run_alerts(store, settings, sync.index)
        assert first.digests == 0  # everything that matches came in the issue just sent

        store.save_issue(later_issue(issue.total_number + 1))
        new = {h.id for h in sync.index.search(search_query("q=算力")).hits} - hits_in_issue
        assert len(new) == 1
        second = run_alerts(store, settings, sync.index, at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
        assert (second.digests, second.articles) == (1, 1)
        [digest] = [m for m in sink.to("watcher@example.org") if "算力动态" in m["Subject"]]
        assert digest["Subject"] == "【算力动态】1条新内容"
        assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        article_links = [u for u in links(html_part(digest)) if "/articles/" in u]
        assert article_links == [f"{settings.public_url}/articles/{new.pop()}"]
        assert any("/feeds/search.atom?q=" in u for u in links(html_part(digest)))

        # Not due again the same day; the day after, nothing new: no digest.
        assert run_alerts(store, settings, sync.index).digests == 0
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        assert run_alerts(store, settings, sync.index, at=later).digests == 0


def test_a_column_preference_is_an_alert_too(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        settings = delivery_settings(tmp_path, port)
        store, _ = store_with_issue(settings)
        sync = attach_search_index(store, settings)
        local = Preferences(whole_issue=False, follows={"column": ["地方新政"]}, frequency="weekly")
        add_subscriber(store, "local@example.org", prefs=local)
        report = run_alerts(store, settings, sync.index)
        in_column = sync.index.search(search_query("column=地方新政")).total
        assert report.digests == 1 and report.articles == in_column
        [digest] = sink.to("local@example.org")
        assert digest["Subject"] == f"【栏目：地方新政】{in_column}条新内容"
