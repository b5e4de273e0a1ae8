"""Small fictional articles for the intelligence tests (all text invented for the project)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from policydigest.enrich.facts import extract_facts
from policydigest.enrichment import Enrichment, TopicLabel, Topics
from policydigest.model import Article, Block, Issue
from policydigest.settings import Settings
from policydigest.store import Store, open_store
from policydigest.store.desk_schema import CandidateRow

NATIONAL = (
    "国家数据局印发《“算力强基”三年行动计划（2025—2027年）》",
    "近日，国家数据局印发《“算力强基”三年行动计划（2025—2027年）》（以下简称《计划》）。",
    "《计划》提出，到2027年，全国智能算力规模超过100EFLOPS。",
)
PROVINCE = (
    "云南省人民政府办公厅印发算力实施方案",
    "为贯彻落实《“算力强基”三年行动计划（2025—2027年）》，云南省人民政府办公厅印发"
    "《云南省算力强基实施方案（2025—2027年）》。",
    "方案提出，到2026年底，全省算力规模达到8EFLOPS，建设3—5个算力枢纽。对符合条件的企业给予最高500万元补贴。",
)
CITY = (
    "昆明市开展“算力强基”专项行动",
    "昆明市工业和信息化局近日部署开展“算力强基”专项行动，推动算力进园区。",
)
#: Later: the province raises its computing target (progress of the same metric and region); made public.
PROGRESS = ("云南省上调算力目标", "云南省人民政府办公厅近日提出，到2027年，全省算力规模达到12EFLOPS。")
#: Unvetted (in no issue, not made public): readers must see no trace of it.
UNVETTED = (
    "浙江省人民政府办公厅印发算力强基实施方案",
    "为贯彻落实《“算力强基”三年行动计划（2025—2027年）》，浙江省人民政府办公厅印发《浙江省算力强基实施方案（2025—2027年）》。",
    "方案提出，到2027年，全省算力规模达到20EFLOPS。",
)


def enriched(title: str, *paragraphs: str, published: dt.date, topic: str | None = None) -> Article:
    """An article with the facts the enrichment stage would find in it (and ``topic``, when given)."""
    article = Article(title=title, blocks=[Block.paragraph(p) for p in paragraphs], published=published)
    facts = extract_facts(f"{article.title}\n{article.body}", published=published)
    topics = Topics(labels=[TopicLabel(id=topic, label=topic, score=1.0)]) if topic else None
    return article.model_copy(update={"enrichment": Enrichment(facts=facts, topics=topics)})


def policy_issue() -> Issue:
    """A national plan, a province implementing it 30 days later and a city continuing its programme."""
    return Issue(
        series="数字经济观察",
        number=1,
        total_number=1,
        date=dt.date(2025, 3, 31),
        articles=[
            enriched(*NATIONAL, published=dt.date(2025, 3, 1), topic="算力"),
            enriched(*PROVINCE, published=dt.date(2025, 3, 31), topic="算力"),
            enriched(*CITY, published=dt.date(2025, 3, 20)),
        ],
    )


def sample_store(url: str) -> Store:
    """A store holding :func:`policy_issue` (articles 1–3), the public :data:`PROGRESS` (4) and the unvetted
    :data:`UNVETTED` (5)."""
    store = open_store(url)
    store.save_issue(policy_issue())
    with store.session() as session, session.begin():
        later = store.upsert_article(session, enriched(*PROGRESS, published=dt.date(2025, 6, 2), topic="算力"))
        session.flush()
        session.add(CandidateRow(article_id=later.id, public=True))
        store.upsert_article(session, enriched(*UNVETTED, published=dt.date(2025, 3, 10), topic="算力"))
    return store


def sample_site(root: Path, **options: object) -> Settings:
    """Settings of a web site under ``root`` (with ``options``) whose store is :func:`sample_store`."""
    settings = Settings.model_validate(
        {"database_url": f"sqlite:///{root / 'site.db'}", "index_path": root / "index", "catalogue_file": None}
        | options
    )
    sample_store(settings.database_url)
    return settings
