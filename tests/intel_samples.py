"""Small fictional articles for the intelligence tests (all text invented for the project)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from policydigest.enrich.facts import extract_facts
from policydigest.enrichment import Enrichment
from policydigest.model import Article, Block, Issue
from policydigest.settings import Settings
from policydigest.store import open_store

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


def enriched(title: str, *paragraphs: str, published: dt.date) -> Article:
    """An article with the facts the enrichment stage would find in it."""
    article = Article(title=title, blocks=[Block.paragraph(p) for p in paragraphs], published=published)
    facts = extract_facts(f"{article.title}\n{article.body}", published=published)
    return article.model_copy(update={"enrichment": Enrichment(facts=facts)})


def policy_issue() -> Issue:
    """A national plan, a province implementing it 30 days later and a city continuing its programme."""
    return Issue(
        series="数字经济观察",
        number=1,
        total_number=1,
        date=dt.date(2025, 3, 31),
        articles=[
            enriched(*NATIONAL, published=dt.date(2025, 3, 1)),
            enriched(*PROVINCE, published=dt.date(2025, 3, 31)),
            enriched(*CITY, published=dt.date(2025, 3, 20)),
        ],
    )


def sample_site(root: Path) -> Settings:
    """Settings of a web site under ``root`` whose store holds :func:`policy_issue`."""
    settings = Settings(database_url=f"sqlite:///{root / 'site.db'}", index_path=root / "index", catalogue_file=None)
    open_store(settings.database_url).save_issue(policy_issue())
    return settings
