"""What every request handler needs, built once per app: settings, store, search, templates, cache."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import jinja2
from cachetools import TTLCache
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from policydigest.intel import attach_intel, intel_behind, update_intel
from policydigest.profile import Profile, profile_for
from policydigest.render.view import page_label, qr_inline_svg, safe_href
from policydigest.search import attach_search_index
from policydigest.search.facets import BROWSABLE
from policydigest.settings import Settings
from policydigest.store import Store
from policydigest.web.library import Library
from policydigest.web.searching import Searcher

log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"


def date_zh(value: dt.date | str | None) -> str:
    """A date as Chinese readers write it.

    >>> date_zh(dt.date(2025, 3, 21)), date_zh("2025-03-07"), date_zh(None)
    ('2025年3月21日', '2025年3月7日', '')
    """
    if value is None or value == "":
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def path_part(value: str) -> str:
    """A value made safe as one segment of a URL path.

    >>> path_part("地方新政"), path_part("a/b")
    ('%E5%9C%B0%E6%96%B9%E6%96%B0%E6%94%BF', 'a%2Fb')
    """
    return quote(value, safe="")


class PageCache:
    """Rendered pages reused for ``seconds``, forgotten at once when this process writes the store."""

    def __init__(self, seconds: float, size: int = 512) -> None:
        self._cache: TTLCache[str, Any] | None = TTLCache(size, seconds) if seconds > 0 else None
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        """The value kept under ``key``, or None."""
        if self._cache is None:
            return None
        with self._lock:
            return self._cache.get(key)

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` under ``key`` (nothing is kept when the cache is off)."""
        if self._cache is not None:
            with self._lock:
                self._cache[key] = value

    def clear(self, _ids: frozenset[int] | None = None) -> None:
        if self._cache is not None:
            with self._lock:
                self._cache.clear()


def qr_svg(url: str) -> Markup:
    """The printed issue's QR code of a link, marked safe for the templates (segno draws it from the URL).

    >>> str(qr_svg("https://example.org/a")).startswith('<svg role="img"')
    True
    """
    return Markup(qr_inline_svg(url))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("policydigest.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date_zh"] = date_zh
    env.filters["path_part"] = path_part
    env.filters["http_href"] = safe_href
    env.globals["browse_nav"] = [(f.name, f"/{f.route}", f.nav_label or f.label) for f in BROWSABLE]
    env.globals["qr_svg"] = qr_svg
    env.globals["page_label"] = page_label
    return env


@dataclass
class WebContext:
    """Everything the routes share."""

    settings: Settings
    store: Store
    library: Library
    searcher: Searcher
    profile: Profile
    templates: Jinja2Templates
    cache: PageCache
    columns: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings, store: Store) -> WebContext:
        """Open the search index (building it from the store if there is none) and the templates."""
        sync = attach_search_index(store, settings)
        # Open the index now (or build it from the store), not on the first reader's search.
        log.info("search index: %d articles", sync.index.count())
        sync.index.warm_up()
        attach_intel(store)  # the desk's writes build in the editor's request, before the page cache is cleared
        update_intel(store)  # writes made while no builder ran are caught up at start, not on a reader's page view
        cache = PageCache(settings.web_cache_seconds)
        store.changes.subscribe(cache.clear)
        profile = profile_for(settings)
        templates = Jinja2Templates(env=_environment())
        library = Library(store, open_library=settings.web_open_library)
        context = cls(
            settings=settings,
            store=store,
            library=library,
            searcher=Searcher(
                sync,
                published=None if settings.web_open_library else library.published_issue_numbers,
                follow_every=settings.index_follow_seconds,
            ),
            profile=profile,
            templates=templates,
            cache=cache,
            columns=list(settings.columns),
        )
        templates.env.globals["site"] = {"name": profile.series.title, "columns": context.columns}
        return context

    @property
    def vetted(self) -> bool:
        """Whether readers see only vetted articles (and what is derived from them): the library is not open."""
        return not self.library.open_library

    def intel_page(self, name: str, values: Mapping[str, Any]) -> HTMLResponse:
        """A page drawn from the intelligence tables as built; it says 情报更新中 when the store changed since
        (writers build, a page never does)."""
        return self.page(name, {**values, "intel_updating": intel_behind(self.store)})

    def render(self, name: str, values: Mapping[str, Any]) -> str:
        """Template ``name`` rendered with ``values`` (autoescaped)."""
        return self.templates.env.get_template(name).render(values)

    def page(
        self, name: str, values: Mapping[str, Any], *, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> HTMLResponse:
        """An HTML response of template ``name``."""
        return HTMLResponse(self.render(name, values), status_code=status, headers=headers)

    async def cached_page(self, key: str, name: str, make: Callable[[], Mapping[str, Any]]) -> HTMLResponse:
        """An HTML page kept in the page cache under ``key``; ``make`` gives its values when missing.

        A page in the cache is answered on the event loop; only a miss goes to a worker thread.
        """
        body = self.cache.get(key)
        if body is None:
            body = await run_in_threadpool(lambda: self.render(name, make()).encode("utf-8"))
            self.cache.put(key, body)
        return HTMLResponse(body)

    def base_url(self, request: Request) -> str:
        """The public address of the app, without a trailing slash (the Host was checked by ``TrustedHosts``)."""
        return (self.settings.web_base_url or str(request.base_url)).rstrip("/")


async def get_context(request: Request) -> WebContext:
    """The app's context (a FastAPI dependency)."""
    context: WebContext = request.app.state.context
    return context
