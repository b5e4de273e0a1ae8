"""Policy documents: the list with facets, one document with its follow-ups and related policies (pages and /api/v1)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from fastapi import Query as Param
from fastapi.responses import HTMLResponse

from policydigest.intel import refresh
from policydigest.intel.charts import LEVELS_ZH
from policydigest.intel.queries import find_document, follow_ups_of, list_documents, list_targets, related_documents
from policydigest.web.context import WebContext, get_context
from policydigest.web.problems import ERROR_RESPONSES

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["documents"], responses=ERROR_RESPONSES)

Ctx = Annotated[WebContext, Depends(get_context)]
Level = Annotated[str | None, Param(max_length=20, description="national, provincial, city or foreign.")]
Region = Annotated[str | None, Param(max_length=40, description="Region full name, e.g. 浙江省.")]
DocumentId = Annotated[int, PathParam(ge=1, le=2_000_000_000, description="The document's id.")]
RELATIONS_ZH = {
    "implements": "贯彻落实",
    "according_to": "根据/按照",
    "detailed_rules": "实施细则",
    "continues_programme": "延续专项行动",
    "cites": "引用",
}


def documents_data(ctx: WebContext, level: str | None, region: str | None) -> dict[str, Any]:
    """The documents and their facets (level, region)."""
    refresh(ctx.store)
    with ctx.store.session() as session:
        every = list_documents(session)
        shown = list_documents(session, level=level or None, region=region or None)
    levels: dict[str, int] = {}
    regions: dict[str, int] = {}
    for d in every:
        levels[d.level or ""] = levels.get(d.level or "", 0) + 1
        if d.region:
            regions[d.region] = regions.get(d.region, 0) + 1
    return {
        "documents": [asdict(d) for d in shown],
        "facets": {"level": levels, "region": dict(sorted(regions.items(), key=lambda kv: -kv[1]))},
        "total": len(shown),
    }


def document_data(ctx: WebContext, document_id: int) -> dict[str, Any]:
    """One document, its follow-ups (a table of which provinces followed and when), targets and related policies."""
    refresh(ctx.store)
    with ctx.store.session() as session:
        document = find_document(session, str(document_id))
        links = follow_ups_of(session, document)
        targets = [asdict(t) for a in document.article_ids[:1] for t in list_targets(session, article_id=a)]
        related = related_documents(session, document)
    return {
        "document": asdict(document),
        "follow_ups": [asdict(link) for link in links],
        "no_follow_ups": "暂无下级落实文件或文章" if not links else None,
        "targets": targets if document.announcing_article_id else [],
        "related": related,
    }


@pages.get("/documents", response_class=HTMLResponse)
def documents_page(ctx: Ctx, level: Level = None, region: Region = None) -> HTMLResponse:
    """Every policy document named in the articles, with facets by level and region."""
    values = documents_data(ctx, level, region)
    return ctx.page(
        "documents.html.j2", {**values, "nav": "documents", "level": level, "region": region, "levels_zh": LEVELS_ZH}
    )


@pages.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(ctx: Ctx, document_id: DocumentId) -> HTMLResponse:
    """One document: issuers, dates, the articles naming it, its follow-ups, targets and related policies."""
    values = document_data(ctx, document_id)
    return ctx.page(
        "document.html.j2", {**values, "nav": "documents", "levels_zh": LEVELS_ZH, "relations_zh": RELATIONS_ZH}
    )


@api.get("/documents", summary="Policy documents, with facets by level and region")
def documents_api(ctx: Ctx, level: Level = None, region: Region = None) -> dict[str, Any]:
    return documents_data(ctx, level, region)


@api.get("/documents/{document_id}", summary="One document with its follow-ups, targets and related policies")
def document_api(ctx: Ctx, document_id: DocumentId) -> dict[str, Any]:
    return document_data(ctx, document_id)
