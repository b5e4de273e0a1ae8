"""Small fictional issues for the store tests (all text invented for the project)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from policydigest.enrichment import Enrichment, TopicLabel, Topics
from policydigest.model import (
    Article,
    BackMatter,
    Block,
    Issue,
    Masthead,
    MastheadRole,
    Provenance,
    TocEntry,
)
from policydigest.store import Store
from policydigest.store.schema import Base

SERIES = "数字经济观察"
BEIJING = dt.timezone(dt.timedelta(hours=8))


def article(title: str, *paragraphs: str, total_number: int = 101, **fields: object) -> Article:
    """An article of a bulletin issue, with that issue's provenance."""
    blocks = [Block.paragraph(text) for text in (paragraphs or (f"{title}的正文。",))]
    provenance = [
        Provenance(
            kind="bulletin",
            location=f"samples/第{total_number}期.txt",
            issue_total_number=total_number,
            retrieved_at=dt.datetime(2024, 3, 15, 9, 30, tzinfo=BEIJING),
        )
    ]
    return Article(title=title, blocks=blocks, provenance=provenance, **fields)


def full_issue(total_number: int = 101) -> Issue:
    """An issue with every field filled: masthead, toc, tables, captions, back matter."""
    policy = article(
        "关于加快培育数据要素市场的若干意见",
        total_number=total_number,
        column="国策要论",
        source="国家数据局",
        url="https://example.gov.cn/zcfg/2024/0315.html",
        toc_page=1,
        published=dt.date(2024, 3, 12),
        enrichment=Enrichment(
            topics=Topics(labels=[TopicLabel(id="data_elements", label="数据要素", score=5.0, keywords=["数据要素"])]),
            versions={"topics": "1"},
        ),
    ).model_copy(
        update={
            "blocks": [
                Block.paragraph("为加快培育数据要素市场，现提出如下意见。"),
                Block.heading("一、总体要求"),
                Block.paragraph("到2027年，数据要素市场体系基本建成。"),
            ]
        }
    )
    local = article(
        "某省发布算力基础设施三年行动计划",
        total_number=total_number,
        column="地方新政",
        source="某省发展改革委",
        toc_page=3,
    ).model_copy(
        update={
            "blocks": [
                Block.paragraph("计划提出三项重点任务。"),
                Block.caption("表1 重点任务分工"),
                Block.table([["任务", "牵头单位", "完成时限"], ["建设算力枢纽", "省数据局", "2026年底"]]),
                Block.paragraph("各地要抓好落实。"),
            ]
        }
    )
    bare = article("数谷简讯", "本周无其他消息。", total_number=total_number, column="数谷动态")
    return Issue(
        series=SERIES,
        number=5,
        total_number=total_number,
        date=dt.date(2024, 3, 15),
        cover_headline="数据要素市场\n加快培育",
        masthead=Masthead(
            slogan="观察数字经济 服务科学决策",
            strapline="内部资料 注意保存",
            guiding_units=["某省数据局", "某大学数字经济研究院"],
            roles=[
                MastheadRole(role="主编", names=["张三"]),
                MastheadRole(role="责任编辑", names=["李四", "王五"]),
            ],
            # Order matters on the masthead; the store must keep it.
            contacts={
                "咨询电话": "0000-12345678",
                "邮箱": "editor@example.org",
                "新媒体": "数字经济观察公众号",
            },
            address="某市某区示例路1号",
        ),
        disclaimer="本刊内容仅供参考。",
        toc=[
            TocEntry(column="国策要论", title=policy.title, page=1),
            TocEntry(column="地方新政", title=local.title, page=3),
            TocEntry(column="数谷动态", title="数谷简讯", page=None),
        ],
        articles=[policy, local, bare],
        back_matter=[BackMatter(heading="主编简介", blocks=[Block.paragraph("张三，某大学教授。")])],
        source_file=f"samples/第{total_number}期.txt",
        warnings=["目录中“数谷简讯”无页码"],
    )


def small_issue(total_number: int, *articles: Article, date: dt.date | None = None) -> Issue:
    """An issue holding just ``articles``."""
    return Issue(
        series=SERIES,
        number=total_number % 50,
        total_number=total_number,
        date=date or dt.date(2024, 1, 1) + dt.timedelta(days=7 * total_number),
        cover_headline=f"第{total_number}期要闻",
        toc=[TocEntry(column=a.column or "国策要论", title=a.title) for a in articles],
        articles=list(articles),
    )


def without_ids(issue: Issue) -> str:
    """The issue as order-sensitive JSON for comparing a round trip: store ids left out, times in UTC.

    Times are compared as instants: PostgreSQL's ``timestamptz`` keeps the instant, not the offset.
    """
    articles = [
        a.model_copy(
            update={
                "id": None,
                "provenance": [p.model_copy(update={"retrieved_at": _utc(p.retrieved_at)}) for p in a.provenance],
            }
        )
        for a in issue.articles
    ]
    return issue.model_copy(update={"articles": articles}).model_dump_json()


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order, to prove that nothing changed."""
    with store.engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(table.select().order_by(*table.primary_key))]
            for table in Base.metadata.sorted_tables
        }
