"""Policy documents: the list with facets, one document with its follow-ups and related policies (pages and /api/v1)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi import Path as PathParam
from fastapi import Query as Param
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from policydigest.intel.charts import LEVELS_ZH, diffusion_chart
from policydigest.intel.diffusion import Diffusion, diffusion
from policydigest.intel.queries import find_document, follow_ups_of, list_documents, list_targets
from policydigest.intel.related import RelatedAnswer, related_to_document
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
    with ctx.store.session() as session:
        every = list_documents(session, vetted=ctx.vetted)
        shown = [d for d in every if d.level == (level or d.level) and d.region == (region or d.region)]
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
    """One document, its follow-ups, which provinces followed (national documents), targets and related policies."""
    shown = ctx.vetted
    with ctx.store.session() as session:
        document = find_document(session, str(document_id), vetted=shown)
        links = follow_ups_of(session, document, vetted=shown)
        announcing = document.announcing_article_id
        targets = list_targets(session, article_id=announcing, vetted=shown) if announcing else []
        related = related_to_document(session, document, vetted=shown)
    spread = diffusion(document, links)
    return {
        "document": asdict(document),
        "follow_ups": [asdict(link) for link in links],
        "no_follow_ups": "暂无下级落实文件或文章" if not links else None,
        "diffusion": spread.model_dump() if spread else None,
        "targets": [asdict(t) for t in targets],
        "related": [r.model_dump() for r in related],
    }


def diffusion_data(ctx: WebContext, document_id: int) -> Diffusion:
    """Which provinces followed a national document and when, and which have not yet (404 for others: there is none)."""
    with ctx.store.session() as session:
        document = find_document(session, str(document_id), vetted=ctx.vetted)
        spread = diffusion(document, follow_ups_of(session, document, vetted=ctx.vetted))
    if spread is None:
        raise HTTPException(404, f"编号为 {document_id} 的政策文件不是国家级文件，不统计各省落实情况")
    return spread


@pages.get("/documents", response_class=HTMLResponse)
def documents_page(ctx: Ctx, level: Level = None, region: Region = None) -> HTMLResponse:
    """Every policy document named in the articles, with facets by level and region."""
    values = documents_data(ctx, level, region)
    return ctx.intel_page(
        "documents.html.j2", {**values, "nav": "documents", "level": level, "region": region, "levels_zh": LEVELS_ZH}
    )


@pages.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(ctx: Ctx, document_id: DocumentId) -> HTMLResponse:
    """One document: issuers, dates, the articles naming it, its follow-ups, targets and related policies."""
    values = document_data(ctx, document_id)
    spread = values["diffusion"]
    # The SVG is drawn by vl-convert from province names of our own region table and counts: safe to inline.
    chart = Markup(diffusion_chart(Diffusion.model_validate(spread))) if spread else ""
    return ctx.intel_page(
        "document.html.j2",
        {**values, "nav": "documents", "levels_zh": LEVELS_ZH, "relations_zh": RELATIONS_ZH, "chart": chart},
    )


@api.get("/documents", summary="Policy documents, with facets by level and region")
def documents_api(ctx: Ctx, level: Level = None, region: Region = None) -> dict[str, Any]:
    return documents_data(ctx, level, region)


@api.get("/documents/{document_id}", summary="One document with its follow-ups, targets and related policies")
def document_api(ctx: Ctx, document_id: DocumentId) -> dict[str, Any]:
    return document_data(ctx, document_id)


@api.get(
    "/documents/{document_id}/diffusion",
    response_model=Diffusion,
    summary="Which provinces followed a national document up, when, and which have not yet",
)
def diffusion_api(ctx: Ctx, document_id: DocumentId) -> Diffusion:
    return diffusion_data(ctx, document_id)


@api.get("/documents/{document_id}/related", response_model=RelatedAnswer, summary="Policies related to a document")
def related_api(ctx: Ctx, document_id: DocumentId) -> RelatedAnswer:
    with ctx.store.session() as session:
        document = find_document(session, str(document_id), vetted=ctx.vetted)
        items = related_to_document(session, document, vetted=ctx.vetted)
    return RelatedAnswer(kind="document", id=document_id, items=items)
