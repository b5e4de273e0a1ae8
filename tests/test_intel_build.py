"""Building the intelligence tables from stored articles: documents, follow-ups and targets."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from intel_samples import CITY, NATIONAL, UNVETTED, enriched, policy_issue
from policydigest.errors import BadInputError, NotFoundError
from policydigest.intel import attach_intel, build, build_intel, intel_behind, update_intel
from policydigest.intel.queries import compare, find_document, follow_ups_of, list_documents, list_targets
from policydigest.model import Issue
from policydigest.store import Store, open_store
from policydigest.store.intel_schema import IntelDocumentRow

PLAN = "“算力强基”三年行动计划（2025—2027年）"


@pytest.fixture
def store(store_url: str) -> Store:
    store = open_store(store_url)
    store.save_issue(policy_issue())
    build_intel(store)
    return store


def test_a_document_named_in_two_articles_is_one_record_with_its_announcer_and_alias(store: Store) -> None:
    with store.session() as session:
        plan = find_document(session, PLAN)
    assert (plan.level, plan.issuers, plan.government) == ("national", ["国家数据局"], "国务院")
    assert plan.aliases == ["计划"] and plan.mentions == 2 and len(plan.article_ids) == 2
    assert plan.first_seen == "2025-03-01" and plan.announcing_article_id == plan.article_ids[0]


def test_the_full_issuer_is_kept_and_its_government_shown_apart(store: Store) -> None:
    with store.session() as session:
        local = find_document(session, "云南省算力强基实施方案")
    assert (local.issuers, local.government, local.level, local.region) == (
        ["云南省人民政府办公厅"],
        "云南省人民政府",
        "provincial",
        "云南省",
    )


def test_follow_ups_link_local_articles_with_relation_evidence_and_lag(store: Store) -> None:
    with store.session() as session:
        links = follow_ups_of(session, find_document(session, "算力强基”三年"))
    found = {(link.level, link.relation, link.lag_days) for link in links}
    assert found == {("city", "continues_programme", 19), ("provincial", "implements", 30)}
    assert all("算力强基" in link.evidence for link in links)


def test_a_document_with_no_follow_ups_has_an_empty_list(store: Store) -> None:
    with store.session() as session:
        assert follow_ups_of(session, find_document(session, "云南省算力强基实施方案")) == []


def test_targets_have_ranges_deadline_dates_issuer_and_document_but_no_subsidy(store: Store) -> None:
    with store.session() as session:
        yunnan = list_targets(session, region="云南")
        due = list_targets(session, due_before=dt.date(2027, 1, 1))
    assert [(t.metric, t.value, t.value_max, t.deadline) for t in yunnan] == [
        ("算力规模", 8.0, None, "2026-12-31"),
        ("算力枢纽", 3.0, 5.0, "2026-12-31"),
    ]
    assert {t.issuer for t in yunnan} == {"云南省人民政府办公厅"}
    assert {t.document for t in yunnan} == {"云南省算力强基实施方案（2025—2027年）"}
    assert {t.region for t in due} == {"云南省"}


def test_unknown_ids_names_and_too_many_ids_are_clear_errors(store: Store) -> None:
    with store.session() as session:
        with pytest.raises(NotFoundError, match="没有编号为 999"):
            find_document(session, "999")
        with pytest.raises(NotFoundError, match="没有名称包含“不存在的文件”"):
            find_document(session, "不存在的文件")
        with pytest.raises(BadInputError, match="2–4 项，收到 10 项"):
            compare(session, [str(n) for n in range(1, 11)])
        with pytest.raises(NotFoundError):
            compare(session, ["1", "999"])


def test_compare_aligns_targets_by_metric(store: Store) -> None:
    with store.session() as session:
        plan, local = (find_document(session, name) for name in (PLAN, "云南省算力强基实施方案"))
        result = compare(session, [f"d{plan.id}", f"d{local.id}"])
    assert [item["kind"] for item in result["items"]] == ["document", "document"]
    rows = {row["metric"]: [v and v["value"] for v in row["values"]] for row in result["targets"]}
    assert rows["智能算力规模"] == [100.0, None] and rows["算力规模"] == [None, 8.0]


def test_a_rebuild_redoes_only_changed_articles_and_drops_documents_no_longer_named(store: Store) -> None:
    assert build_intel(store).rebuilt == 0
    replacement = policy_issue().model_copy(
        update={"articles": [enriched("另一篇", "没有文件。", published=dt.date(2025, 3, 31))]}
    )
    store.save_issue(Issue.model_validate(replacement.model_dump()), replace=True)
    report = build_intel(store)
    assert (report.articles, report.documents, report.targets) == (1, 0, 0)
    with store.session() as session:
        assert list(session.scalars(select(IntelDocumentRow))) == []
        assert list_documents(session) == []


def test_a_store_with_a_builder_has_its_intelligence_current_when_each_write_returns(store_url: str) -> None:
    store = open_store(store_url)
    attach_intel(store)
    store.save_issue(policy_issue())
    assert not intel_behind(store)
    with store.session() as session:
        assert find_document(session, PLAN).mentions == 2
    with store.session() as session, session.begin():
        store.upsert_article(session, enriched(*UNVETTED, published=dt.date(2025, 3, 10)))
    assert not intel_behind(store)
    with store.session() as session:
        assert find_document(session, PLAN).mentions == 3


def test_an_update_builds_only_what_a_writer_without_a_builder_changed_since_the_last_build(
    store: Store, store_url: str
) -> None:
    other = open_store(store_url)  # another process, writing without a builder
    with other.session() as session, session.begin():
        other.upsert_article(session, enriched(*UNVETTED, published=dt.date(2025, 3, 10)))
    assert intel_behind(store)
    with store.session() as session:
        assert find_document(session, PLAN).mentions == 2
    assert update_intel(store) == 1
    assert not intel_behind(store) and update_intel(store) == 0
    with store.session() as session:
        assert find_document(session, PLAN).mentions == 3


def test_articles_a_writer_deletes_take_their_documents_with_them_without_a_full_build(store_url: str) -> None:
    store = open_store(store_url)
    attach_intel(store)
    store.save_issue(policy_issue())
    replacement = policy_issue().model_copy(
        update={"articles": [enriched("另一篇", "没有文件。", published=dt.date(2025, 3, 31))]}
    )
    store.save_issue(Issue.model_validate(replacement.model_dump()), replace=True)
    assert not intel_behind(store)
    with store.session() as session:
        assert list(session.scalars(select(IntelDocumentRow))) == []


def test_an_article_continuing_a_programme_is_linked_when_a_later_write_names_the_programme(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "FOLLOW_OVERLAP", 0.0)  # the city's change is not reread with the plan's
    store = open_store(store_url)
    attach_intel(store)
    for title, *paragraphs in (CITY, NATIONAL):  # the city's article first, the national plan in a later write
        with store.session() as session, session.begin():
            store.upsert_article(session, enriched(title, *paragraphs, published=dt.date(2025, 3, 20)))
    with store.session() as session:
        links = follow_ups_of(session, find_document(session, PLAN))
    assert [(link.region, link.relation) for link in links] == [("昆明市", "continues_programme")]
