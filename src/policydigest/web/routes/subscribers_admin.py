"""Subscribers on the desk, for administrators: ``/desk/subscribers`` lists them (search, status, paging)
and adds, imports (CSV upload), exports (CSV download), suppresses and deletes, each a thin layer over
``desk.subscribers`` (which records each in the audit log). Every button is a form that answers with a redirect
back, saying what happened."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, Response

from policydigest.delivery import subscribers as subs
from policydigest.desk import subscribers as admin
from policydigest.errors import DeliveryError, InvalidAddressError, NotFoundError
from policydigest.web.auth import Principal, require
from policydigest.web.context import WebContext, get_context
from policydigest.web.routes.desk import _back, _page

pages = APIRouter(include_in_schema=False)

Ctx = Annotated[WebContext, Depends(get_context)]
Admin = Annotated[Principal, Depends(require("subscribers.manage"))]
Address = Annotated[str, Form(max_length=320)]
Search = Annotated[str, Param(max_length=320)]
Status = Annotated[str, Param(max_length=20)]
#: The list's search and status, sent back by a row's buttons so the admin stays on the same list.
FormSearch = Annotated[str, Form(max_length=320)]
FormStatus = Annotated[str, Form(max_length=20)]
HOME = "/desk/subscribers"
PAGE_SIZE = 50
#: Largest CSV an upload may be (about 100,000 subscribers).
MOST_CSV_BYTES = 10_000_000
STATUS_LABELS = subs.STATUS_LABELS


@pages.get(HOME, response_class=HTMLResponse)
def subscribers_page(
    ctx: Ctx,
    who: Admin,
    q: Search = "",
    status: Status = "",
    offset: Annotated[int, Param(ge=0, le=10_000_000)] = 0,
    flash: Annotated[str, Param(max_length=300)] = "",
    problem: Annotated[str, Param(max_length=300)] = "",
) -> HTMLResponse:
    """Subscribers whose address contains ``q``, of one status or all, a page at a time."""
    status = status if status in STATUS_LABELS else ""
    counts = subs.count_subscribers(ctx.store, search=q)
    total = counts.get(status, 0) if status else sum(counts.values())
    found = subs.list_subscribers(ctx.store, search=q, status=status or None, offset=offset, limit=PAGE_SIZE)
    query = {k: v for k, v in (("q", q), ("status", status)) if v}
    pages_at = {
        "prev": urlencode({**query, "offset": max(0, offset - PAGE_SIZE)}) if offset > 0 else None,
        "next": urlencode({**query, "offset": offset + PAGE_SIZE}) if offset + PAGE_SIZE < total else None,
    }
    return _page(ctx, who, "desk_subscribers.html.j2", {
        "nav": "subscribers", "found": found, "total": total, "counts": counts, "q": q, "status": status,
        "offset": offset, "pages_at": pages_at, "labels": STATUS_LABELS, "export_query": urlencode(query),
        "flash": flash, "problem": problem,
    })


@pages.post(f"{HOME}/add")
def add(ctx: Ctx, who: Admin, email: Address) -> Response:
    """添加: an active subscriber whose consent the administrator vouches for (recorded as such)."""
    try:
        added = admin.add(ctx.store, who.user.name, email)
    except InvalidAddressError as exc:
        return _back(HOME, problem=str(exc))
    return _back(HOME, flash=f"已添加 {added.email}（{STATUS_LABELS.get(added.status, added.status)}）")


@pages.post(f"{HOME}/import")
async def import_csv(ctx: Ctx, who: Admin, file: Annotated[UploadFile, File()]) -> Response:
    """导入 a CSV (an ``email`` column; others as the export writes them); bad rows are reported, not fatal."""
    data = await file.read(MOST_CSV_BYTES + 1)
    if len(data) > MOST_CSV_BYTES:
        return _back(HOME, problem=f"文件过大（上限 {MOST_CSV_BYTES // 1_000_000} MB），请分批导入")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _back(HOME, problem="文件不是 UTF-8 编码的 CSV，请另存为 UTF-8 后重试")
    try:
        report = admin.import_csv(ctx.store, who.user.name, text)
    except DeliveryError as exc:
        return _back(HOME, problem=str(exc))
    failed = "；".join(f"第{line}行：{reason}" for line, reason in report.failed[:5])
    more = f" 等{len(report.failed)}行" if len(report.failed) > 5 else ""
    said = f"已导入 {report.added} 位订阅者" + (f"，{len(report.failed)} 行未导入（{failed}{more}）" if failed else "")
    return _back(HOME, flash=said)


@pages.get(f"{HOME}/export.csv")
def export_csv(ctx: Ctx, who: Admin, q: Search = "", status: Status = "") -> Response:
    """导出 the subscribers the page shows (all pages) as CSV, in the shape the import reads back."""
    status = status if status in STATUS_LABELS else ""
    found = subs.list_subscribers(ctx.store, search=q, status=status or None)
    text = admin.export_csv(ctx.store, who.user.name, found, q, status)
    return Response(
        text.encode("utf-8-sig"),  # with a BOM: spreadsheet programs then read UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="subscribers.csv"', "cache-control": "no-store"},
    )


def _listed(q: str, status: str) -> str:
    """The list as it was searched."""
    query = urlencode({k: v for k, v in (("q", q), ("status", status)) if v})
    return f"{HOME}?{query}" if query else HOME


@pages.post(f"{HOME}/suppress")
def suppress(ctx: Ctx, who: Admin, email: Address, q: FormSearch = "", status: FormStatus = "") -> Response:
    """屏蔽: no more mail to the address, and a new subscription from it is refused."""
    try:
        admin.suppress(ctx.store, who.user.name, email)
    except NotFoundError as exc:
        return _back(_listed(q, status), problem=str(exc))
    return _back(_listed(q, status), flash=f"已屏蔽 {email}，不再向其发送邮件")


@pages.post(f"{HOME}/delete")
def delete(ctx: Ctx, who: Admin, email: Address, q: FormSearch = "", status: FormStatus = "") -> Response:
    """删除 the subscriber and everything kept about them."""
    if not admin.delete(ctx.store, who.user.name, email):
        return _back(_listed(q, status), problem=f"没有这个订阅：{email}")
    return _back(_listed(q, status), flash=f"已删除 {email} 及其全部数据")
