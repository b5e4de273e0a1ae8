"""Articles: the article page (text, facts linked to searches, topics, near-duplicates, related policies, more
like this); API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi import Query as Param
from fastapi.responses import HTMLResponse

from policydigest.intel.related import RelatedAnswer, related_to_article
from policydigest.web.context import WebContext, get_context
from policydigest.web.facts import fact_groups
from policydigest.web.problems import ERROR_RESPONSES
from policydigest.web.schemas import ArticleDetail, ArticleList, Paging, SimilarAnswer, next_url, paging
from policydigest.web.searching import SearchParams

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["articles"], responses=ERROR_RESPONSES)

Ctx = Annotated[WebContext, Depends(get_context)]
ArticleId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="The article's id.")]
MORE_LIKE_THIS = 5


@pages.get("/articles/{article_id}", response_class=HTMLResponse)
async def article_page(ctx: Ctx, article_id: ArticleId) -> HTMLResponse:
    """One article with its facts (each a link to a search), topics, near-duplicates and similar articles."""

    def values() -> dict[str, Any]:
        detail = ctx.library.article(article_id)
        return {
            "nav": "search",
            "article": detail,
            "facts": fact_groups(detail.facts),
            "topic_links": [
                (t.label, SearchParams(filters={"topic": (t.label,)}).query_string()) for t in detail.topics
            ],
            "similar": ctx.searcher.more_like_this(article_id, limit=MORE_LIKE_THIS),
            "related": related_policies(ctx, article_id).items,
        }

    return await ctx.cached_page(f"article:{article_id}", "article.html.j2", values)


def related_policies(ctx: WebContext, article_id: int) -> RelatedAnswer:
    """Documents and articles related to an article, each with its reason (what readers may see only)."""
    with ctx.store.session() as session:
        items = related_to_article(session, article_id, vetted=ctx.vetted)
    return RelatedAnswer(kind="article", id=article_id, items=items)


# ---- API ----------------------------------------------------------------------------------------


@api.get("/articles", response_model=ArticleList, summary="List articles, newest first")
def list_articles(
    request: Request,
    ctx: Ctx,
    page: Annotated[Paging, Depends(paging)],
    column: Annotated[str | None, Param(max_length=100, description="Only this column.")] = None,
    issue: Annotated[int | None, Param(ge=1, le=1_000_000, description="Only articles of this 总期.")] = None,
) -> ArticleList:
    items, total = ctx.library.articles(limit=page.limit, offset=page.offset, column=column, issue=issue)
    return ArticleList(
        items=items,
        total=total,
        limit=page.limit,
        offset=page.offset,
        next=next_url(request, page, total),
    )


@api.get("/articles/{article_id}", response_model=ArticleDetail, summary="One article with its enrichment")
def get_article(ctx: Ctx, article_id: ArticleId) -> ArticleDetail:
    return ctx.library.article(article_id)


@api.get("/articles/{article_id}/similar", response_model=SimilarAnswer, summary="Articles most like this one")
def similar_articles(
    ctx: Ctx,
    article_id: ArticleId,
    limit: Annotated[int, Param(ge=1, le=20, description="How many (1–20).")] = MORE_LIKE_THIS,
) -> SimilarAnswer:
    ctx.library.article(article_id)  # 404 for an article that is not stored
    return SimilarAnswer(id=article_id, items=ctx.searcher.more_like_this(article_id, limit=limit))


@api.get(
    "/articles/{article_id}/related",
    response_model=RelatedAnswer,
    summary="Policies related to an article, each with its reason",
)
def related_to(ctx: Ctx, article_id: ArticleId) -> RelatedAnswer:
    return related_policies(ctx, article_id)
