"""Title, publication date, source, author and canonical URL of a page.

Chinese government CMSs (TRS, Hanweb, Ucap …) emit ``<meta name="ArticleTitle|PubDate|ContentSource">``:
those win. Otherwise the title is the headline element that the ``<title>`` starts with (which strips
site suffixes such as ``_新闻_央视网`` without guessing separators), and date and source come first from
the line between the headline and the body (``2019-09-07 13:43 来源：新华社``), then from metadata.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from policydigest.ingest.extract.dates import FoundDate, find_dates, parse_date
from policydigest.ingest.extract.dom import TextStream, collapse, tag_of, visible_text
from policydigest.safetext import http_url

log = logging.getLogger(__name__)

_DATE_METAS = (
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "publish_time",
    "article:published_time",
    "og:article:published_time",
    "og:release_date",
    "og:time",
    "apub:time",
    "weibo: article:create_at",
    "datepublished",
    "dc.date.issued",
    "dc.date",
    "firstpublishedtime",
    "ptime",
    "dateupdate",
    "lastmodifiedtime",
)
_SOURCE_METAS = ("contentsource", "source", "article:source", "og:article:source", "mediaid", "article:author")
_GENERIC_PUBLISHERS = re.compile(r"^(网易|新浪|腾讯|搜狐|凤凰|name, email@gmail.com|.*\.(com|net|cn))$", re.I)
_TITLE_CLASS = re.compile(r"(^|[\s_-])(title|headline|biaoti|tit|bt|article-?title|news-?title)", re.I)
_TITLE_SUFFIX = re.compile(r"\s*(?:[_|｜]|--|——|\s-\s|-(?=[^-]*$)).*$")
_SOURCE_LABEL = re.compile(
    r"(?:信息来源|文章来源|稿件来源|新闻来源|来源于|来源|出处)\s*[：:|｜]\s*(?P<v>\S[^\n]{0,40})"
)
_SOURCE_STOP = re.compile(
    r"(?:\s|作者|编辑|责任|时间|发布|日期|浏览|阅读|点击|字号|字体|【|\[|（|\(|(?:19|20)\d\d[-年/.]).*$"
)
_SOURCE_BARE = re.compile(r"来源\s*(?P<v>[A-Za-z\u4e00-\u9fff][^\s|｜]{1,30})")
_BADGE = re.compile(
    r"^(原创|转载|独家|首发|企鹅号|头条号|百家号|澎湃号|发布时间|发表于|举报|分享|分享到|评论|阅读|关注|收藏|字号|来源|作者|编辑|优质原创作者|发布日期|日期|时间|更新时间|举报文章问题|举报|跟贴|参与|人参与)$"
)
_BADGE_SUFFIX = re.compile(r"[\[【(（](整理|原创|转载|编译)[\]】)）]$")
_AUTHOR_LABEL = re.compile(r"(?:作者|撰稿|文)\s*[：:/]\s*(?P<v>[^\s，,。；;【】\[\]()（）]{2,20})")
_DATE_LABEL = re.compile(r"(发布时间|发布日期|发表时间|发表于|发文日期|成文日期|更新时间|时间|日期)\s*[：:]?\s*$")
_SOURCE_CLASS = re.compile(
    r"(^|[\s_-])(source|a_source|media-?name|media-?user|author-?name|nickname|account|from|origin|ly)($|[\s_-])", re.I
)
_HEAD_WINDOW = 300  # characters after the headline searched for the date/source line


@dataclass
class PageMeta:
    """What the page says about itself; ``title_element`` is the headline found in the body, if any."""

    title: str | None = None
    title_element: etree._Element | None = None
    published: dt.datetime | dt.date | None = None
    source: str | None = None
    author: str | None = None
    canonical_url: str | None = None


def meta_values(root: etree._Element) -> dict[str, str]:
    """``<meta>`` name/property/itemprop (lower-cased) to content; the first occurrence wins."""
    values: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        content = collapse(el.get("content") or "")
        if key and content and key not in values:
            values[key] = content
    return values


def _headline_candidates(root: etree._Element) -> list[tuple[etree._Element, str]]:
    found: list[tuple[etree._Element, str]] = []
    body = root.find("body")
    if body is None:
        return found
    for el in body.iter():
        tag = tag_of(el)
        if not tag:
            continue
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} or _TITLE_CLASS.search(
            f"{el.get('class') or ''} {el.get('id') or ''}"
        ):
            text = collapse(visible_text(el))
            if 4 <= len(text) <= 120 and "\n" not in visible_text(el).strip():
                found.append((el, text))
    return found


def find_title(
    root: etree._Element, metas: dict[str, str], stream: TextStream | None = None, body_el: etree._Element | None = None
) -> tuple[str | None, etree._Element | None]:
    """The headline and the element showing it (None when only metadata names it).

    Order: CMS ArticleTitle; the longest headline the ``<title>`` starts with; a headline the
    ``<title>`` contains that sits just above the body; the headline just above the body; og:title;
    the ``<title>`` without its suffix.

    >>> import lxml.html
    >>> page = lxml.html.fromstring("<html><title>数据条例_新闻_央视网</title><body><h1>数据条例</h1></body></html>")
    >>> find_title(page, {})[0]
    '数据条例'
    """
    title_el = root.find(".//title")
    page_title = collapse(title_el.text_content()) if title_el is not None else ""
    candidates = _headline_candidates(root)
    cms_title = metas.get("articletitle")
    if cms_title:
        match = next((el for el, text in candidates if text == cms_title), None)
        return cms_title, match

    def distance(el: etree._Element) -> int:
        """Characters between the candidate's end and the body's start (large when unknown or after)."""
        if stream is None or body_el is None or el not in stream.ends or body_el not in stream.starts:
            return 10**6
        if any(a is body_el for a in el.iterancestors()):
            return stream.starts[el] - stream.starts[body_el]  # a headline at the top of the container
        gap = stream.starts[body_el] - stream.ends[el]
        return gap if gap >= -1 else 10**6

    prefix = [(el, text) for el, text in candidates if len(text) >= 4 and page_title.startswith(text)]
    # "原创" and similar badges prefixed to a headline: the <title> is the headline.
    prefix += [
        (el, page_title)
        for el, text in candidates
        if len(page_title) >= 6 and text.endswith(page_title) and len(text) - len(page_title) <= 4
    ]
    if prefix:
        el, text = max(prefix, key=lambda c: (len(c[1]), -distance(c[0])))
        return text, el
    near = sorted((c for c in candidates if len(c[1]) >= 6 and distance(c[0]) <= 600), key=lambda c: distance(c[0]))
    contained = [c for c in near if c[1] in page_title]
    if contained:
        return contained[0][1], contained[0][0]
    for key in ("og:title", "twitter:title", "articletitle"):
        if metas.get(key) and len(metas[key]) >= 6 and page_title.startswith(metas[key]):
            return metas[key], None
    if near:
        return near[0][1], near[0][0]
    stripped = _TITLE_SUFFIX.sub("", page_title) if page_title else ""
    if len(stripped) >= 6:
        return stripped, None
    for el, text in candidates:
        if tag_of(el) in {"h1", "h2"} and len(text) >= 6:
            return text, el
    return (page_title or None), None


def _first_date(text: str, *, labelled_only: bool) -> FoundDate | None:
    for found in find_dates(text):
        if not labelled_only or _DATE_LABEL.search(text[max(0, found.start - 12) : found.start]):
            return found
    return None


def find_published(
    metas: dict[str, str], stream: TextStream, head: tuple[int, int] | None
) -> dt.datetime | dt.date | None:
    """Publication date: CMS PubDate, then the date line under the headline, then metadata, then labels."""
    meta_date = None
    for key in _DATE_METAS:
        if key in metas:
            meta_date = parse_date(metas[key])
            if meta_date is not None:
                break
    if "pubdate" in metas and meta_date is not None:
        return meta_date
    found = None
    if head is not None:
        window = stream.text[head[0] : head[1]]
        found = _first_date(window, labelled_only=True) or _first_date(window, labelled_only=False)
    if found is None and meta_date is None:
        found = _first_date(stream.text, labelled_only=True)
    if found is not None and found.has_year:
        return found.result()
    if found is not None and meta_date is not None:
        # "10-08 12:00": the year comes from the metadata.
        return found.value.replace(year=meta_date.year) if found.has_time else meta_date
    return meta_date


def _clean_source(value: str) -> str | None:
    value = _SOURCE_STOP.sub("", value.strip(" ：:|｜·"))
    value = value.strip(" ：:|｜·,，。")
    return value if 2 <= len(value) <= 30 else None


def _source_near_date(window: str) -> str | None:
    """The publisher named next to the date on the info line ("原创 南方都市报 2019-09-09 16:01")."""
    found = next(iter(find_dates(window)), None)
    if found is None:
        return None
    before = window[: found.start].split()[-1:]
    after = window[found.end :].split()[:3]
    for token in [*before, *after]:
        if token.endswith((":", "：")):
            continue  # a label, not a name
        token = _BADGE_SUFFIX.sub("", token.split("/")[-1]).strip("·⋅|｜:：[]【】")
        name_like = re.search(r"[\u4e00-\u9fffA-Za-z]", token) and not re.search(r"[\d，。！？、；]", token)
        if 2 <= len(token) <= 20 and name_like and not _BADGE.match(token):
            return token
    return None


def find_source(
    root: etree._Element, metas: dict[str, str], stream: TextStream, head: tuple[int, int] | None
) -> str | None:
    """Publisher: ContentSource; then, on the info line under the headline, a ``来源：`` label, a
    source-like element, or the name beside the date; then a label anywhere; then metadata."""
    if metas.get("contentsource"):
        return metas["contentsource"]
    if head is not None:
        window = stream.text[head[0] : head[1]]
        match = _SOURCE_LABEL.search(window) or _SOURCE_BARE.search(window)
        if match and (cleaned := _clean_source(match["v"])):
            return cleaned
        for el, start in stream.starts.items():
            if head[0] <= start < head[1] and _SOURCE_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
                text = collapse(visible_text(el))
                if 2 <= len(text) <= 20 and not any(ch.isdigit() for ch in text):
                    return text
        near = _source_near_date(window)
        if near:
            return near
    match = _SOURCE_LABEL.search(stream.text)
    if match and (cleaned := _clean_source(match["v"])):
        return cleaned
    for key in _SOURCE_METAS:
        value = metas.get(key)
        if value and not _GENERIC_PUBLISHERS.match(value) and len(value) <= 30:
            return value
    return None


def find_author(metas: dict[str, str], stream: TextStream, head: tuple[int, int] | None) -> str | None:
    """Author from ``作者：`` near the headline, else a personal-looking ``<meta name="author">``."""
    if head is not None:
        match = _AUTHOR_LABEL.search(stream.text[head[0] : head[1]])
        if match:
            return match["v"]
    author = metas.get("author") or metas.get("article:author") or ""
    if author and not _GENERIC_PUBLISHERS.match(author) and len(author) <= 20 and not re.search(r"[网报社台]$", author):
        return author
    return None


def find_canonical(root: etree._Element, metas: dict[str, str], url: str | None) -> str | None:
    """``<link rel=canonical>``, else ``og:url``, else the URL the page came from; made absolute."""
    for el in root.iter("link"):
        href = str(el.get("href") or "").strip()
        # A canonical link that is not http(s) (javascript:, data:) is ignored, never kept.
        if str(el.get("rel") or "").lower() == "canonical" and http_url(urljoin(url or "", href)):
            return urljoin(url or "", href)
    og_url = metas.get("og:url", "").strip()
    if og_url and http_url(urljoin(url or "", og_url)):
        return urljoin(url or "", og_url)
    return url


def head_window(
    stream: TextStream, title_el: etree._Element | None, body_el: etree._Element | None
) -> tuple[int, int] | None:
    """Where the date/source line is: from the headline's end up to the body (at most a few lines)."""
    if title_el is None or title_el not in stream.ends:
        return None
    start = stream.ends[title_el]
    end = start + _HEAD_WINDOW
    if body_el is not None and body_el in stream.starts and start < stream.starts[body_el]:
        end = min(end, stream.starts[body_el] + 1)
    return start, end


def extract_metadata(
    root: etree._Element, stream: TextStream, body_el: etree._Element | None, url: str | None
) -> PageMeta:
    """All page metadata in one pass over the tree (see the module docstring for the order of trust)."""
    metas = meta_values(root)
    title, title_el = find_title(root, metas, stream, body_el)
    head = head_window(stream, title_el, body_el)
    source = find_source(root, metas, stream, head)
    author = find_author(metas, stream, head)
    return PageMeta(
        title=title,
        title_element=title_el,
        published=find_published(metas, stream, head),
        source=source,
        author=None if author == source else author,
        canonical_url=find_canonical(root, metas, url),
    )
