"""Public subscription pages: subscribe, confirm, one-click unsubscribe, preferences and one's own data.

No account is needed: each page after /subscribe is opened from a signed link (delivery.tokens).
Bounce reports are POSTed to /bounces by the mail server with the bounce token.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Header, HTTPException, Request
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, JSONResponse

from policydigest.delivery import subscribers as subs
from policydigest.delivery.bounces import process_bounce
from policydigest.delivery.optin import RateLimitedError, SubscribeDesk, confirm_token
from policydigest.delivery.tokens import Purpose, make_token, read_token
from policydigest.errors import DeliveryError, InvalidAddressError, NotFoundError, TokenError
from policydigest.search.facets import FOLLOWED
from policydigest.web.context import WebContext, get_context

pages = APIRouter(include_in_schema=False)

Ctx = Annotated[WebContext, Depends(get_context)]
Token = Annotated[str, Param(max_length=500)]
Many = Annotated[list[str], Form(max_length=20)]
#: The followed facet whose values are the profile's columns (checkboxes); the others are typed in.
COLUMN = "column"
#: Values one followed facet may hold, and the length of each.
MOST_VALUES, LONGEST_VALUE = 20, 100


async def followed_form(request: Request) -> dict[str, list[str]]:
    """The followed facets' values of a preferences form: one field per facet (its ``param``); a typed
    field may hold several values separated by ``;``."""
    form = await request.form()
    found = {}
    for facet in FOLLOWED:
        typed = [str(v).replace("；", ";").split(";") for v in form.getlist(facet.param)]
        values = [v.strip() for parts in typed for v in parts if v.strip()]
        if any(len(v) > LONGEST_VALUE for v in values) or len(values) > MOST_VALUES:
            raise HTTPException(422, f"{facet.label}最多{MOST_VALUES}项，每项不超过{LONGEST_VALUE}字")
        found[facet.name] = values
    return found


def follow_fields(ctx: WebContext, data: dict[str, Any]) -> list[dict[str, Any]]:
    """What the preferences form shows for each followed facet: its field, label, choices (the columns) and
    the values ``data`` (``personal_data``) holds."""
    return [
        {"param": f.param, "label": f.label, "choices": ctx.columns if f.name == COLUMN else None,
         "chosen": data["preferences"].get(f.query_key, [])}
        for f in FOLLOWED
    ]


def _desk(request: Request, ctx: WebContext) -> SubscribeDesk:
    desk: SubscribeDesk | None = getattr(request.app.state, "subscribe_desk", None)
    if desk is None:
        desk = request.app.state.subscribe_desk = SubscribeDesk(ctx.store, ctx.settings)
    return desk


def _page(ctx: WebContext, heading: str, *, status: int = 200, **values: Any) -> HTMLResponse:
    return ctx.page("subscribe.html.j2", {"heading": heading, "consent": subs.CONSENT_TEXT, **values}, status=status)


@pages.get("/subscribe")
def subscribe_form(ctx: Ctx) -> HTMLResponse:
    """The form: 邮箱 and 订阅, with the consent wording that will be recorded."""
    return _page(ctx, "订阅本刊", form=True)


@pages.post("/subscribe")
def subscribe(
    request: Request,
    ctx: Ctx,
    email: Annotated[str, Form(max_length=320)],
    column: Many = [],  # noqa: B006  (FastAPI copies defaults)
    frequency: Annotated[str, Form(max_length=10)] = "weekly",
) -> HTMLResponse:
    """Take a request; the answer is the same whether or not the address subscribes already."""
    columns = [c for c in column if c in ctx.columns]
    prefs = subs.Preferences(
        whole_issue=not columns,
        follows={COLUMN: columns},
        frequency="daily" if frequency == "daily" else "weekly",
    )
    ip = request.client.host if request.client else "unknown"
    try:
        _desk(request, ctx).request(email, ip=ip, prefs=prefs)
    except InvalidAddressError as exc:
        return _page(ctx, "订阅本刊", status=422, form=True, message=f"{exc}，请检查后重试。", email=email)
    except RateLimitedError as exc:
        return _page(ctx, "订阅本刊", status=429, message=str(exc))
    except DeliveryError:
        return _page(ctx, "订阅本刊", status=503, message="暂时无法订阅，请稍后再试。")
    sent = "我们已向该邮箱发送确认邮件（如果该邮箱可以订阅）。请点击邮件中的链接完成订阅。"
    return _page(ctx, "请查收邮件", message=sent)


@pages.get("/subscribe/confirm")
def confirm_page(ctx: Ctx, token: Token) -> HTMLResponse:
    """The link of the confirmation mail: the subscription becomes active."""
    try:
        confirm_token(ctx.store, ctx.settings, token)
    except (TokenError, NotFoundError) as exc:
        return _page(ctx, "无法确认", status=400, message=str(exc))
    return _page(ctx, "订阅成功", message="感谢订阅！新一期出版后将发送到您的邮箱。")


@pages.get("/unsubscribe")
def unsubscribe_page(ctx: Ctx, token: Token) -> HTMLResponse:
    """The unsubscribe link of a message: one button (a GET never unsubscribes: mail scanners open links)."""
    try:
        read_token(ctx.settings, Purpose.UNSUBSCRIBE, token)
    except TokenError as exc:
        return _page(ctx, "无法退订", status=400, message=str(exc))
    return _page(ctx, "退订", message="点击下面的按钮即退订，不会再收到任何邮件。", unsubscribe_token=token)


@pages.post("/unsubscribe")
def unsubscribe(ctx: Ctx, token: Token) -> HTMLResponse:
    """Unsubscribe at once: the button above, and RFC 8058 one-click (``List-Unsubscribe=One-Click``)."""
    try:
        email = read_token(ctx.settings, Purpose.UNSUBSCRIBE, token)
    except TokenError as exc:
        return _page(ctx, "无法退订", status=400, message=str(exc))
    subs.unsubscribe(ctx.store, email)
    return _page(ctx, "已退订", message="您已退订，不会再收到本刊的邮件。")


def _manage_email(ctx: WebContext, token: str) -> str:
    try:
        return read_token(ctx.settings, Purpose.MANAGE, token)
    except TokenError as exc:
        raise HTTPException(400, str(exc)) from exc


def _search_query(url: str) -> str:
    """The query of a reader search URL (``/search?q=…`` or just ``q=…``)."""
    parts = urlsplit(url.strip())
    return parts.query if parts.query or parts.path.endswith("/search") else url.strip().lstrip("?")


@pages.get("/subscription")
def subscription_page(ctx: Ctx, token: Token) -> HTMLResponse:
    """A subscriber's preferences and everything kept about them."""
    email = _manage_email(ctx, token)
    try:
        data = subs.personal_data(ctx.store, email)
    except NotFoundError as exc:
        return _page(ctx, "我的订阅", status=404, message=str(exc))
    return _page(ctx, "我的订阅", data=data, follows=follow_fields(ctx, data), token=token)


@pages.post("/subscription")
def update_subscription(
    ctx: Ctx,
    token: Token,
    follows: Annotated[dict[str, list[str]], Depends(followed_form)],
    whole_issue: Annotated[str, Form(max_length=5)] = "",
    frequency: Annotated[str, Form(max_length=10)] = "weekly",
    search_name: Many = [],  # noqa: B006
    search_query: Many = [],  # noqa: B006
) -> HTMLResponse:
    """Save preferences and saved searches."""
    email = _manage_email(ctx, token)
    searches = tuple(
        subs.SavedSearch(name.strip(), _search_query(query))
        for name, query in zip(search_name, search_query, strict=False)
        if name.strip() and query.strip()
    )
    prefs = subs.Preferences(
        whole_issue=bool(whole_issue),
        follows={**follows, COLUMN: [c for c in follows[COLUMN] if c in ctx.columns]},
        frequency="daily" if frequency == "daily" else "weekly",
        searches=searches,
    )
    try:
        subs.update_preferences(ctx.store, email, prefs)
        data = subs.personal_data(ctx.store, email)
    except NotFoundError as exc:
        return _page(ctx, "我的订阅", status=404, message=str(exc))
    token = make_token(ctx.settings, Purpose.MANAGE, email)
    return _page(ctx, "我的订阅", message="已保存。", data=data, follows=follow_fields(ctx, data), token=token)


@pages.get("/subscription/data.json")
def subscription_data(ctx: Ctx, token: Token) -> JSONResponse:
    """Everything kept about the subscriber, as a JSON download (PIPL)."""
    email = _manage_email(ctx, token)
    try:
        data = subs.personal_data(ctx.store, email)
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    return JSONResponse(data, headers={"content-disposition": 'attachment; filename="my-subscription.json"'})


@pages.post("/subscription/delete")
def delete_subscription(ctx: Ctx, token: Token) -> HTMLResponse:
    """Delete the subscriber and everything kept about them."""
    subs.delete_subscriber(ctx.store, _manage_email(ctx, token))
    return _page(ctx, "已删除", message="您的订阅和全部数据已删除。")


@pages.post("/bounces")
async def post_bounce(request: Request, ctx: Ctx, x_bounce_token: Annotated[str, Header()] = "") -> JSONResponse:
    """A bounce report (DSN, the raw message as the body) from the mail server."""
    expected = ctx.settings.bounce_token
    if expected is None or not secrets.compare_digest(x_bounce_token, expected.get_secret_value()):
        raise HTTPException(403, "需要正确的退信口令")
    body = await request.body()
    if len(body) > 5_000_000:
        raise HTTPException(413, "退信报告过大")
    result = process_bounce(ctx.store, ctx.settings, body)
    return JSONResponse({"hard": sorted(result.hard), "soft": sorted(result.soft)})
