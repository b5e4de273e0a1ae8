"""Drafting from a real store: gather, duplicates, columns, quota, cover, numbering; edits; publishing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policydigest.compose import edit
from policydigest.compose.draft import make_draft
from policydigest.compose.model import Draft, DraftStatus, ItemState
from policydigest.compose.publish import publish
from policydigest.compose.repository import DraftRepository
from policydigest.enrichment import Duplicates, Enrichment, SimilarArticle
from policydigest.errors import DraftError
from policydigest.model import Article, Block
from policydigest.profile import Profile, load_profile
from policydigest.settings import Settings
from policydigest.store import Store
from tests.compose_support import NEXT_ISSUE_DATE, article_id, sample_store


@pytest.fixture
def stocked(tmp_path: Path) -> tuple[Store, Settings, DraftRepository, Profile]:
    store, settings = sample_store(tmp_path)
    return store, settings, DraftRepository(store), load_profile()


@pytest.fixture
def drafted(stocked: tuple[Store, Settings, DraftRepository, Profile]) -> tuple[Store, DraftRepository, Profile, Draft]:
    store, settings, repo, profile = stocked
    return store, repo, profile, make_draft(repo, profile, settings, date=NEXT_ISSUE_DATE)


def _titles(draft: Draft, profile: Profile) -> list[str]:
    return [item.printed_title for item in draft.included(profile.column_names)]


def test_a_draft_takes_only_unpublished_articles_of_the_window(
    drafted: tuple[Store, DraftRepository, Profile, Draft],
) -> None:
    store, _, profile, draft = drafted
    published = {a.title for issue in store.iter_issues() for a in issue.articles}
    titles = _titles(draft, profile)
    assert len(titles) == 11
    assert not published & {item.title for item in draft.items}
    assert "国家数据局等5部门印发《关于加快公共数据资源开发利用的实施意见》" in titles


def test_the_window_limits_what_is_gathered(stocked: tuple[Store, Settings, DraftRepository, Profile]) -> None:
    _, settings, repo, profile = stocked
    draft = make_draft(repo, profile, settings, date=NEXT_ISSUE_DATE, date_from=dt.date(2025, 3, 25))
    dates = {item.date for item in draft.items}
    assert dates and min(d for d in dates if d) >= dt.date(2025, 3, 25)
    assert (draft.window_from, draft.window_to) == (dt.date(2025, 3, 25), NEXT_ISSUE_DATE)


def test_near_duplicates_keep_the_best_source_and_repeats_of_published_articles_are_dropped(
    drafted: tuple[Store, DraftRepository, Profile, Draft],
) -> None:
    store, _, _, draft = drafted
    media_copy = draft.item(article_id(store, "五部门发文"))
    official = draft.item(article_id(store, "国家数据局等5部门"))
    repeat = draft.item(article_id(store, "工信部出台工业数据资源登记管理办法"))
    assert media_copy is not None and official is not None and repeat is not None
    assert official.state is ItemState.INCLUDED
    assert media_copy.state is ItemState.DUPLICATE and f"#{official.article_id}" in media_copy.note
    assert repeat.state is ItemState.DUPLICATE and "已刊" in repeat.note


def test_enrichment_duplicate_groups_are_honoured(stocked: tuple[Store, Settings, DraftRepository, Profile]) -> None:
    store, settings, repo, profile = stocked
    first = Article(
        title="某市发布数据条例",
        source="某市人民政府",
        url="https://a.example.gov.cn/1.html",
        published=dt.date(2025, 3, 26),
        blocks=[Block.paragraph("正文甲。" * 20)],
    )
    with store.session() as session, session.begin():
        keep = store.upsert_article(session, first)
        session.flush()
        copy = first.model_copy(
            update={
                "title": "某市数据条例出台",
                "source": "某资讯",
                "url": "https://b.example.org/2.html",
                "blocks": [Block.paragraph("改写的正文乙。" * 20)],
                "enrichment": Enrichment(
                    duplicates=Duplicates(group=keep.id, similar=[SimilarArticle(id=keep.id, jaccard=0.83)])
                ),
            }
        )
        store.upsert_article(session, copy)
    draft = make_draft(repo, profile, settings, date=NEXT_ISSUE_DATE)
    copy_item = draft.item(article_id(store, "某市数据条例出台"))
    assert copy_item is not None and copy_item.state is ItemState.DUPLICATE


def test_columns_quota_and_cover_headline(stocked: tuple[Store, Settings, DraftRepository, Profile]) -> None:
    _, settings, repo, profile = stocked
    draft = make_draft(repo, profile, settings, date=NEXT_ISSUE_DATE, max_per_column=2)
    included = draft.included(profile.column_names)
    columns = [item.column for item in included]
    assert columns == sorted(columns, key=profile.column_names.index)
    assert all(columns.count(c) <= 2 for c in set(columns))
    overflow = [item for item in draft.items if item.state is ItemState.OVERFLOW]
    assert overflow and all("上限（2篇）" in item.note for item in overflow)
    for column in set(columns):
        scores = [item.score for item in included if item.column == column]
        assert scores == sorted(scores, reverse=True)
    assert draft.cover_article_id == included[0].article_id
    assert draft.cover_headline == included[0].title
    home = [item for item in included if item.column == "数谷动态"]
    assert home and all("本地新闻" in item.explained for item in home)


def test_the_draft_is_numbered_after_the_last_issue_and_a_second_draft_after_it(
    drafted: tuple[Store, DraftRepository, Profile, Draft], stocked: tuple[Store, Settings, DraftRepository, Profile]
) -> None:
    _, repo, profile, draft = drafted
    assert (draft.number, draft.total_number) == (10, 59)
    again = repo.get(59)
    assert again.items == draft.items and again.cover_headline == draft.cover_headline
    second = make_draft(repo, profile, stocked[1], date=NEXT_ISSUE_DATE + dt.timedelta(days=7))
    assert (second.number, second.total_number) == (11, 60)
    assert not {i.article_id for i in second.items if i.state is ItemState.INCLUDED} & {
        i.article_id for i in draft.items if i.state is ItemState.INCLUDED
    }


def test_editing_a_draft_moves_drops_adds_retitles_and_sets_the_cover(
    drafted: tuple[Store, DraftRepository, Profile, Draft],
) -> None:
    store, repo, profile, draft = drafted
    cover = draft.cover_article_id
    assert cover is not None
    guizhou = article_id(store, "贵州印发《算力产业")
    edit.move(draft, profile, guizhou, "国策要论", position=1)
    edit.drop(draft, profile, cover, "下期再用")
    repeat = article_id(store, "工信部出台工业数据资源登记管理办法")
    edit.add(draft, profile, repo, repeat, column="国策要论")
    edit.retitle(draft, guizhou, "贵州部署算力产业三年行动")
    edit.set_cover(draft, article_id=guizhou)
    repo.save(draft)
    saved = repo.get(draft.total_number)
    national = [i for i in saved.included(profile.column_names) if i.column == "国策要论"]
    assert national[0].article_id == guizhou and national[0].printed_title == "贵州部署算力产业三年行动"
    assert [i.position for i in national] == list(range(len(national)))
    dropped = saved.item(cover)
    assert dropped is not None and dropped.state is ItemState.DROPPED and "下期再用" in dropped.note
    assert repeat in [i.article_id for i in national]
    assert saved.cover_article_id == guizhou and saved.cover_headline == "贵州部署算力产业三年行动"


def test_dropping_the_cover_article_proposes_the_next_one(
    drafted: tuple[Store, DraftRepository, Profile, Draft],
) -> None:
    _, _, profile, draft = drafted
    first, second = draft.included(profile.column_names)[:2]
    message = edit.drop(draft, profile, first.article_id)
    assert draft.cover_article_id == second.article_id and "封面标题改为" in message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d, p, r: edit.move(d, p, d.items[0].article_id, "体育新闻"), "没有栏目"),
        (lambda d, p, r: edit.drop(d, p, 999_999), "不在草稿"),
        (lambda d, p, r: edit.add(d, p, r, 999_999), "没有文章 #999999"),
        (lambda d, p, r: edit.add(d, p, r, 1), "已在总第57期出版"),
        (lambda d, p, r: edit.set_cover(d), "封面标题"),
        (lambda d, p, r: edit.retitle(d, d.items[0].article_id, "  "), "空"),
        (lambda d, p, r: edit.renumber(d, r, total_number=58), "已出版"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(
    drafted: tuple[Store, DraftRepository, Profile, Draft], change: object, message: str
) -> None:
    _, repo, profile, draft = drafted
    before = repo.get(59)
    with pytest.raises(DraftError, match=message):
        change(draft, profile, repo)  # type: ignore[operator]
        repo.save(draft)
    assert repo.get(59) == before


def test_renumbering_by_hand_keeps_the_numbers_and_the_reason(
    drafted: tuple[Store, DraftRepository, Profile, Draft],
) -> None:
    _, repo, _, draft = drafted
    edit.renumber(draft, repo, number=12, total_number=61)
    repo.save(draft)
    saved = repo.get(61)
    assert (saved.number, saved.total_number) == (12, 61) and "人工设定" in saved.numbering_reason
    edit.renumber(saved, repo, date=dt.date(2026, 1, 2))
    assert (saved.number, saved.total_number) == (1, 59)


def test_publishing_freezes_the_draft_into_an_issue_and_marks_its_articles_published(
    drafted: tuple[Store, DraftRepository, Profile, Draft], stocked: tuple[Store, Settings, DraftRepository, Profile]
) -> None:
    store, repo, profile, draft = drafted
    guizhou = article_id(store, "贵州印发《算力产业")
    edit.retitle(draft, guizhou, "贵州部署算力产业三年行动")
    repo.save(draft)
    issue = publish(repo, profile, draft.total_number, fill_pages=False)
    stored = store.get_issue(59)
    assert stored.series == "数字经济观察" and (stored.number, stored.date) == (10, NEXT_ISSUE_DATE)
    assert [a.title for a in stored.articles] == [a.title for a in issue.articles] == _titles(draft, profile)
    assert [(e.column, e.title) for e in stored.toc] == [(a.column, a.title) for a in stored.articles]
    assert stored.cover_headline == draft.cover_headline
    assert stored.masthead.roles[0].role == "主编" and stored.back_matter[0].heading == "主编简介"
    assert "贵州部署算力产业三年行动" in [a.title for a in stored.articles]
    published = repo.get(59)
    retitled = published.item(guizhou)
    assert retitled is not None
    assert retitled.original_title == "贵州印发《算力产业高质量发展三年行动方案（2025—2027年）》"
    assert published.status is DraftStatus.PUBLISHED
    with pytest.raises(DraftError, match="已出版"):
        publish(repo, profile, 59, fill_pages=False)
    with pytest.raises(DraftError, match="已出版"):
        edit.drop(repo.get(59), profile, guizhou)
    later = make_draft(repo, profile, stocked[1], date=NEXT_ISSUE_DATE + dt.timedelta(days=7))
    assert (later.number, later.total_number) == (11, 60)
    assert not {a.id for a in stored.articles} & {i.article_id for i in later.items}


def test_an_empty_draft_cannot_be_published(stocked: tuple[Store, Settings, DraftRepository, Profile]) -> None:
    _, settings, repo, profile = stocked
    make_draft(repo, profile, settings, date=dt.date(2024, 6, 1))
    with pytest.raises(DraftError, match="没有文章"):
        publish(repo, profile, fill_pages=False)


@pytest.mark.slow
def test_publishing_fills_every_page_from_the_rendered_pdf(
    drafted: tuple[Store, DraftRepository, Profile, Draft],
) -> None:
    store, repo, profile, draft = drafted
    issue = publish(repo, profile, draft.total_number)
    pages = [entry.page for entry in issue.toc]
    assert all(isinstance(p, int) for p in pages) and pages == sorted(pages)
    stored = store.get_issue(draft.total_number)
    assert [e.page for e in stored.toc] == pages == [a.toc_page for a in stored.articles]
