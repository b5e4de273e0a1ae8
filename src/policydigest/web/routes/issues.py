"""Issues: the home page (latest issue), the archive, an issue in the bulletin's form and its print view; API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi import Query as Param
from fastapi.responses import FileResponse, HTMLResponse
from starlette.concurrency import run_in_threadpool

from policydigest.model import Issue
from policydigest.render.view import issue_view
from policydigest.web.context import WebContext, get_context
from policydigest.web.downloads import DownloadFormat, issue_file
from policydigest.web.feeds import feed_links
from policydigest.web.problems import ERROR_RESPONSES
from policydigest.web.schemas import IssueArticle, IssueDetail, IssueItem, IssueList, Paging, next_url, paging

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["issues"], responses=ERROR_RESPONSES)

Ctx = Annotated[WebContext, Depends(get_context)]
TotalNumber = Annotated[int, PathParam(ge=1, le=1_000_000, description="总期: the issue's number within its series.")]
Series = Annotated[
    str | None, Param(max_length=200, description="Series title, when several series share 总期 numbers.")
]
ISSUES_PER_PAGE = 20


def issue_url(issue: Issue | Any, *, print_view: bool = False) -> str:
    """The path of an issue's page.

    >>> import datetime as dt
    >>> issue_url(Issue(series="数字经济观察", number=9, total_number=58, date=dt.date(2025, 3, 21)))
    '/issues/58?series=%E6%95%B0%E5%AD%97%E7%BB%8F%E6%B5%8E%E8%A7%82%E5%AF%9F'
    """
    from urllib.parse import quote

    return f"/issues/{issue.total_number}{'/print' if print_view else ''}?series={quote(issue.series, safe='')}"


def _issue_values(ctx: WebContext, issue: Issue) -> dict[str, Any]:
    view = issue_view(issue, ctx.columns)
    ids = {shown.anchor: article.id for shown, article in zip(view.articles, issue.articles, strict=True)}
    return {"nav": "issues", "view": view, "ids": ids, "feeds": feed_links("/feeds/issues", "", "新刊")}


@pages.get("/", response_class=HTMLResponse)
async def home(ctx: Ctx) -> HTMLResponse:
    """The latest issue (cover and 本期要目) and the few before it."""

    def values() -> dict[str, Any]:
        latest = ctx.library.latest_issue()
        recent, _ = ctx.library.issues(limit=6)
        return {
            "nav": "home",
            "view": issue_view(latest, ctx.columns) if latest else None,
            "recent": recent[1:],
            "feeds": feed_links("/feeds/issues", "", "新刊"),
        }

    return await ctx.cached_page("home", "home.html.j2", values)


@pages.get("/issues", response_class=HTMLResponse)
def archive(ctx: Ctx, page: Annotated[int, Param(ge=1, le=10_000)] = 1) -> HTMLResponse:
    """Every issue, newest first, a page at a time."""
    items, total = ctx.library.issues(limit=ISSUES_PER_PAGE, offset=(page - 1) * ISSUES_PER_PAGE)
    last = max(1, -(-total // ISSUES_PER_PAGE))
    return ctx.page(
        "archive.html.j2",
        {
            "nav": "issues",
            "items": items,
            "total": total,
            "previous": f"/issues?page={page - 1}" if page > 1 else None,
            "following": f"/issues?page={page + 1}" if page < last else None,
            "where": f"第{page}/{last}页",
            "feeds": feed_links("/feeds/issues", "", "新刊"),
        },
    )


@pages.get("/issues/{total_number}", response_class=HTMLResponse)
async def issue_page(ctx: Ctx, total_number: TotalNumber, series: Series = None) -> HTMLResponse:
    """An issue laid out like the bulletin: cover, masthead, 本期要目, columns, articles with QR codes."""
    return await ctx.cached_page(
        f"issue:{total_number}:{series}",
        "issue.html.j2",
        lambda: _issue_values(ctx, ctx.library.issue(total_number, series)),
    )


@pages.get("/issues/{total_number}/download.{fmt}", response_class=FileResponse)
async def download(ctx: Ctx, total_number: TotalNumber, fmt: DownloadFormat, series: Series = None) -> FileResponse:
    """The issue as PDF or Word (下载PDF / 下载Word), from the published outputs."""
    issue = await run_in_threadpool(ctx.library.issue, total_number, series)
    return await run_in_threadpool(issue_file, ctx, issue, fmt.value)


@pages.get("/issues/{total_number}/print", response_class=HTMLResponse)
async def print_page(ctx: Ctx, total_number: TotalNumber, series: Series = None) -> HTMLResponse:
    """The issue alone, styled for A4 paper."""
    return await ctx.cached_page(
        f"print:{total_number}:{series}",
        "print.html.j2",
        lambda: _issue_values(ctx, ctx.library.issue(total_number, series)),
    )


# ---- API ----------------------------------------------------------------------------------------


@api.get("/issues", response_model=IssueList, summary="List issues, newest first")
def list_issues(request: Request, ctx: Ctx, page: Annotated[Paging, Depends(paging)]) -> IssueList:
    items, total = ctx.library.issues(limit=page.limit, offset=page.offset)
    return IssueList(
        items=[
            IssueItem(
                series=i.series,
                number=i.number,
                total_number=i.total_number,
                date=i.date,
                cover_headline=i.cover_headline,
                articles=i.articles,
                url=issue_url(i),
            )
            for i in items
        ],
        total=total,
        limit=page.limit,
        offset=page.offset,
        next=next_url(request, page, total),
    )


@api.get("/issues/{total_number}", response_model=IssueDetail, summary="One issue with its contents")
def get_issue(ctx: Ctx, total_number: TotalNumber, series: Series = None) -> IssueDetail:
    issue = ctx.library.issue(total_number, series)
    return IssueDetail(
        series=issue.series,
        number=issue.number,
        total_number=issue.total_number,
        date=issue.date,
        cover_headline=issue.cover_headline,
        toc=issue.toc,
        articles=[
            IssueArticle(id=a.id or 0, title=a.title, column=a.column, source=a.source, url=a.url, page=a.toc_page)
            for a in issue.articles
        ],
        url=issue_url(issue),
    )
