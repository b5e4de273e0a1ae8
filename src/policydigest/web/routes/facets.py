"""Facets: counts per column, region, authority, topic, document kind, source and issue for any search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from policydigest.web.context import WebContext, get_context
from policydigest.web.problems import ERROR_RESPONSES
from policydigest.web.schemas import FacetsAnswer
from policydigest.web.searching import SearchParams, search_params

api = APIRouter(prefix="/api/v1", tags=["search"], responses=ERROR_RESPONSES)

Ctx = Annotated[WebContext, Depends(get_context)]


@api.get("/facets", response_model=FacetsAnswer, summary="Facet counts of a search (no hits)")
def facets_api(ctx: Ctx, params: Annotated[SearchParams, Depends(search_params)]) -> FacetsAnswer:
    result = ctx.searcher.search(params, limit=0)
    return FacetsAnswer(total=result.total, facets=result.facets)
