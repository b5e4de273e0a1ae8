"""Find the article body and turn it into blocks: paragraphs, sub-headings, captions and tables.

The body is the first known content container of Chinese CMSs and portals that holds real text
(``#zoom``, ``.TRS_Editor``, ``#js_content``, ``.article-content`` …); failing that, the element
whose paragraphs carry the most Chinese prose (text weighted by sentence punctuation, with link text
discounted), scored the way Readability scores candidates.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from lxml import etree

from policydigest.ingest.extract import boilerplate
from policydigest.ingest.extract.dom import BLOCK_TAGS, collapse, inline_text, is_hidden, tag_of, walk
from policydigest.model import Block

log = logging.getLogger(__name__)

#: Known content containers, most specific first (CSS-like: '#id' or '.class').
KNOWN_CONTAINERS: tuple[str, ...] = (
    "#js_content",
    ".rich_media_content",
    "#UCAP-CONTENT",
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#zoom",
    "#Zoom",
    ".pages_content",
    "#Content-Main-Article-QQ",
    "#Cnt-Main-Article-QQ",
    "#artibody",
    "#endText",
    ".post_text",
    ".article-content",
    ".article_content",
    ".articleContent",
    ".article_text",
    ".detailCon",
    ".detail-content",
    ".content-article",
    ".a-con",
    ".art_content",
    ".news_txt",
    ".news-content",
    ".newsContent",
    ".text_content",
    ".main-text",
    ".news_content",
    ".arti_content",
    "#articleContent",
    "#article_content",
    ".rich_text",
)
_PUNCT = re.compile(r"[，。！？；：、“”]")
_SENTENCE_END = re.compile(r"[。！？!?…；;：:”」』）)]$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MIN_BODY_CHARS = 20
_MIN_KNOWN_PROSE = 20  # a known container with less than this (say, only attachment links) is passed over
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CAPTION_CLASS = re.compile(r"img_descr|caption|pic_?txt|pictext|imgtxt|img-desc|photo_?desc", re.I)
_EMPHASIS = frozenset({"strong", "b"})


def _xpath_for(selector: str) -> str:
    name = selector[1:]
    if selector.startswith("#"):
        return f"//*[@id='{name}']"
    return f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


# One compiled query per selector: C-speed matching instead of a Python walk per selector.
_KNOWN_XPATHS = tuple(etree.XPath(_xpath_for(selector)) for selector in KNOWN_CONTAINERS)


@dataclass
class _Stats:
    text: int = 0
    links: int = 0
    punct: int = 0
    parts: list[str] = field(default_factory=list)


def _block_stats(root: etree._Element) -> dict[etree._Element, _Stats]:
    """Text attributed to its nearest block ancestor, in one pass: length, link text, punctuation."""
    stats: dict[etree._Element, _Stats] = {}
    blocks: list[etree._Element] = [root]
    links = 0

    def add(text: str | None) -> None:
        if text and text.strip():
            s = stats.setdefault(blocks[-1], _Stats())
            n = len(_CJK.findall(text)) + len(text.split()) // 2
            s.text += n
            s.punct += len(_PUNCT.findall(text))
            if links:
                s.links += n

    skip_until: etree._Element | None = None
    for event, el in walk(root):
        tag = tag_of(el)
        if skip_until is not None:
            if event == "end" and el is skip_until:
                skip_until = None
                add(el.tail)
            continue
        if event == "skip":
            if el is not root:
                add(el.tail)
            continue
        if event == "start":
            if el is not root and boilerplate.is_widget(el):
                skip_until = el  # widgets hold no article prose
                continue
            if tag in BLOCK_TAGS and el is not root:
                blocks.append(el)
            if tag == "a":
                links += 1
            add(el.text)
        else:
            if tag == "a":
                links -= 1
            if tag in BLOCK_TAGS and el is not root and blocks and blocks[-1] is el:
                blocks.pop()
            if el is not root:
                add(el.tail)
    return stats


def text_weight(el: etree._Element) -> int:
    """Chinese characters of non-link text under ``el``: how much prose it holds."""
    return sum(s.text - s.links for s in _block_stats(el).values())


def score_candidates(root: etree._Element) -> etree._Element | None:
    """The element whose paragraphs carry the most prose (Readability-style propagation to ancestors)."""
    scores: dict[etree._Element, float] = {}
    for el, s in _block_stats(root).items():
        if s.text < 10 or el is root:
            continue
        density = 1 - s.links / s.text
        if density < 0.5:
            continue
        value = (1 + s.punct + min(s.text / 40, 4)) * density
        parent = el.getparent()
        for share in (1.0, 0.5, 0.25):
            if parent is None or tag_of(parent) in {"html", ""}:
                break
            scores[parent] = scores.get(parent, 0.0) + value * share
            parent = parent.getparent()
    if not scores:
        return None
    return _tighten(max(scores, key=lambda el: scores[el]))


_WRAPPERS = frozenset({"div", "section", "article", "main", "td", "tbody", "table", "tr", "center", "font"})


def _tighten(best: etree._Element) -> etree._Element:
    """Descend while one child wrapper holds nearly all of the prose (drops headline and info lines)."""
    for _ in range(50):
        total = text_weight(best)
        if total <= 0:
            break
        heavy = [
            c
            for c in best
            if tag_of(c) in _WRAPPERS and not boilerplate.is_widget(c) and text_weight(c) >= 0.85 * total
        ]
        if len(heavy) != 1:
            break
        best = heavy[0]
    return best


def find_container(root: etree._Element) -> etree._Element | None:
    """The element holding the article: a known container with prose in it, else the best-scored one."""
    for query in _KNOWN_XPATHS:
        found = query(root)
        matches = (
            [el for el in found if isinstance(el, etree._Element) and not is_hidden(el)]
            if isinstance(found, list)
            else []
        )
        if matches:
            best = max(matches, key=text_weight)
            if text_weight(best) >= _MIN_KNOWN_PROSE:
                return best
    return score_candidates(root)


@dataclass
class Para:
    text: str
    kind: str  # paragraph | heading | caption
    link_chars: int = 0
    emphasis_chars: int = 0


class _Collector:
    """Accumulates inline text and flushes it as a paragraph at every block boundary."""

    def __init__(self) -> None:
        self.paras: list[Para | Block] = []
        self.buffer: list[str] = []
        self.link_chars = 0
        self.emphasis_chars = 0

    def add(self, text: str | None, *, in_link: bool, in_emphasis: bool) -> None:
        if not text:
            return
        self.buffer.append(text)
        n = len(collapse(text))
        self.link_chars += n if in_link else 0
        self.emphasis_chars += n if in_emphasis else 0

    def flush(self, kind: str = "paragraph") -> None:
        text = collapse("".join(self.buffer))
        if text:
            self.paras.append(Para(text, kind, self.link_chars, self.emphasis_chars))
        self.buffer, self.link_chars, self.emphasis_chars = [], 0, 0


def _table_rows(table: etree._Element) -> list[list[str]] | None:
    """Rows of a data table; None for a layout table (one that holds paragraphs or nested tables)."""
    rows: list[list[str]] = []
    for tr in table.iter("tr"):
        cells = [c for c in tr if tag_of(c) in {"td", "th"}]
        rows.append([inline_text(c) for c in cells])
    if not rows or any(t is not table for t in table.iter("table")):
        return None
    if any(len(cell) > 200 for row in rows for cell in row) or max(len(r) for r in rows) < 2:
        return None
    return [row for row in rows if any(row)]


def raw_paragraphs(container: etree._Element, *, after: etree._Element | None = None) -> list[Para | Block]:
    """The container's text in reading order, split at block boundaries; data tables as table blocks.

    With ``after`` (the headline, when the container holds it), text up to its end is skipped.
    """
    out = _Collector()
    kinds: list[str] = []
    links = emphasis = 0
    skip_until: etree._Element | None = None
    if after is not None and not any(a is container for a in after.iterancestors()):
        after = None
    for event, el in walk(container):
        if after is not None:
            if event == "end" and el is after:
                after = None
            continue
        tag = tag_of(el)
        if skip_until is not None:
            if event == "end" and el is skip_until:
                skip_until = None
                out.add(el.tail, in_link=links > 0, in_emphasis=emphasis > 0)
            continue
        if event == "skip":
            out.add(el.tail, in_link=links > 0, in_emphasis=emphasis > 0)
            continue
        if event == "start":
            if el is not container and (is_hidden(el) or boilerplate.is_widget(el)):
                skip_until = el
                continue
            if tag == "table" and (rows := _table_rows(el)):
                out.flush()
                out.paras.append(Block.table(rows))
                skip_until = el
                continue
            if tag in BLOCK_TAGS or tag == "img":
                out.flush(kinds[-1] if kinds else "paragraph")
            if tag in _HEADING_TAGS:
                kinds.append("heading")
            elif tag == "figcaption" or _CAPTION_CLASS.search(el.get("class") or ""):
                kinds.append("caption")
            links += tag == "a"
            emphasis += tag in _EMPHASIS
            out.add(el.text, in_link=links > 0, in_emphasis=emphasis > 0)
        else:
            if tag in BLOCK_TAGS:
                out.flush(kinds[-1] if kinds else "paragraph")
            closes_kind = tag in _HEADING_TAGS or tag == "figcaption" or _CAPTION_CLASS.search(el.get("class") or "")
            if closes_kind and kinds:
                kinds.pop()
            links -= tag == "a"
            emphasis -= tag in _EMPHASIS
            if el is not container:
                out.add(el.tail, in_link=links > 0, in_emphasis=emphasis > 0)
    out.flush()
    return out.paras


def _as_block(para: Para) -> Block:
    if para.kind == "heading":
        return Block.heading(para.text)
    if para.kind == "caption":
        return Block.caption(para.text)
    # A short, wholly bold line without closing punctuation is a sub-heading.
    if para.emphasis_chars >= len(para.text) * 0.9 and len(para.text) <= 40 and not _SENTENCE_END.search(para.text):
        return Block.heading(para.text)
    return Block.paragraph(para.text)


def to_blocks(paras: list[Para | Block], *, title: str | None = None) -> list[Block]:
    """Keep article text only: drop furniture, link lists, leading bylines and closing credits."""
    kept: list[Block] = []
    for para in paras:
        if isinstance(para, Block):
            kept.append(para)
            continue
        text = boilerplate.clean_tail(para.text)
        if not text or (title and collapse(text) == collapse(title) and not kept):
            continue
        if boilerplate.is_editor_line(text) and kept:
            break  # nothing after the editor's line belongs to the article
        if boilerplate.is_furniture(text):
            continue
        if para.link_chars > 0.5 * len(text) and len(text) <= 80:
            continue  # a related link or a "more" link, not prose
        kept.append(_as_block(Para(text, para.kind, para.link_chars, para.emphasis_chars)))
    while (
        kept
        and kept[0].kind.value != "table"
        and (boilerplate.is_byline(kept[0].text) or boilerplate.is_credit(kept[0].text))
    ):
        kept.pop(0)
    while kept and kept[-1].kind.value != "table" and boilerplate.is_credit(kept[-1].text):
        kept.pop()
    return kept


def extract_blocks(
    container: etree._Element, *, title: str | None = None, title_element: etree._Element | None = None
) -> list[Block]:
    """The container's article text as blocks (see :func:`to_blocks` for what is dropped).

    >>> import lxml.html
    >>> div = lxml.html.fromstring(
    ...     "<div><p>记者 张三</p><p><b>一、总体要求</b></p><p>数据要素加快流通。</p><p>责任编辑：李四</p></div>"
    ... )
    >>> [(b.kind.value, b.text) for b in extract_blocks(div)]
    [('heading', '一、总体要求'), ('paragraph', '数据要素加快流通。')]
    """
    return to_blocks(raw_paragraphs(container, after=title_element), title=title)


def body_chars(blocks: list[Block]) -> int:
    """Characters of text in the blocks (tables included)."""
    return sum(len(b.as_text()) for b in blocks)


def has_body(blocks: list[Block]) -> bool:
    """Enough text to call it an article body."""
    return body_chars(blocks) >= _MIN_BODY_CHARS
