"""The intelligence read layer as readers see it (``vetted``), on both back ends: related policies with
their reasons, which provinces followed a national document, target progress and trends — none of it
touched by an unvetted article, all of it showing that article when ``vetted`` is off."""

from __future__ import annotations

import pytest

from intel_samples import sample_store
from policydigest.errors import NotFoundError
from policydigest.intel import build_intel
from policydigest.intel.charts import all_trends
from policydigest.intel.diffusion import diffusion
from policydigest.intel.progress import progress_of
from policydigest.intel.queries import find_document, follow_ups_of, list_documents, list_targets
from policydigest.intel.related import related_to_article, related_to_document
from policydigest.store import Store

PLAN = "“算力强基”三年行动计划（2025—2027年）"
UNVETTED_ID = 5


@pytest.fixture
def store(store_url: str) -> Store:
    store = sample_store(store_url)
    build_intel(store)
    return store


def test_vetted_documents_come_only_from_articles_readers_may_see(store: Store) -> None:
    with store.session() as session:
        every = {d.name for d in list_documents(session)}
        shown = {d.name for d in list_documents(session, vetted=True)}
        assert every - shown == {"浙江省算力强基实施方案（2025—2027年）"}
        with pytest.raises(NotFoundError, match="没有名称包含“浙江省算力”的政策文件"):
            find_document(session, "浙江省算力", vetted=True)
        assert find_document(session, "浙江省算力").article_ids == [UNVETTED_ID]


def test_a_national_document_lists_the_provinces_that_followed_and_those_that_did_not(store: Store) -> None:
    with store.session() as session:
        for vetted, expected in ((True, ["云南省"]), (False, ["浙江省", "云南省"])):
            plan = find_document(session, PLAN, vetted=vetted)
            spread = diffusion(plan, follow_ups_of(session, plan, vetted=vetted))
            assert spread is not None and [p.province for p in spread.followed] == expected
            assert len(spread.pending) == 31 - len(expected)
        local = find_document(session, "云南省算力强基实施方案")
        assert diffusion(local, follow_ups_of(session, local)) is None


def test_related_policies_carry_their_reasons_and_hide_the_unvetted(store: Store) -> None:
    with store.session() as session:
        plan = find_document(session, PLAN)
        hidden = {(r.kind, r.title[:3]) for r in related_to_document(session, plan, vetted=True)}
        shown = {(r.kind, r.title[:3], r.reason) for r in related_to_document(session, plan)}
        assert ("document", "浙江省", "cited_by") in shown and ("document", "浙江省") not in hidden
        reasons = {(r.kind, r.id): r.reason for r in related_to_article(session, 4, vetted=True)}
        assert reasons[("article", 2)] == "targets" and ("article", UNVETTED_ID) not in reasons
        with pytest.raises(NotFoundError):
            related_to_article(session, UNVETTED_ID, vetted=True)


def test_progress_links_later_mentions_of_the_same_metric_and_region(store: Store) -> None:
    with store.session() as session:
        targets = list_targets(session, region="云南", vetted=True)
        progress = dict(zip([(t.article_id, t.metric) for t in targets], progress_of(session, targets), strict=True))
    assert [(m.article_id, m.value) for m in progress[(2, "算力规模")]] == [(4, 12.0)]
    assert progress[(4, "算力规模")] == [] and progress[(2, "算力枢纽")] == []


def test_trends_count_only_what_readers_may_see(store: Store) -> None:
    with store.session() as session:
        shown = {t.name: t for t in all_trends(session, vetted=True)}
        every = {t.name: t for t in all_trends(session)}
    assert [(p.x, p.n) for p in shown["topics"].points] == [("2025-03", 2), ("2025-06", 1)]
    assert [(p.x, p.n) for p in every["topics"].points] == [("2025-03", 3), ("2025-06", 1)]
    assert "浙江省" not in {p.series for p in shown["regions"].points}
    assert "浙江省" in {p.series for p in every["regions"].points}
