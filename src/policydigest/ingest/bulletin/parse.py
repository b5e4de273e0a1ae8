"""``parse_bulletin``: bulletin text (plain or Markdown-flavoured) → an ``Issue``."""

from __future__ import annotations

from collections.abc import Sequence

from policydigest.errors import NotABulletinError, TruncatedInputError
from policydigest.ingest.bulletin.articles import (
    RawArticle,
    build_article,
    find_unlisted_starts,
    title_line_count,
)
from policydigest.ingest.bulletin.lines import SourceLine, split_lines
from policydigest.ingest.bulletin.masthead import parse_header
from policydigest.ingest.bulletin.text import fold, normalize_text
from policydigest.ingest.bulletin.toc import find_anchors, parse_toc
from policydigest.model import DEFAULT_BACK_MATTER, DEFAULT_COLUMNS, Article, BackMatter, Block, Issue, Provenance


def _back_matter_start(lines: list[SourceLine], start: int, headings: Sequence[str], organisations: set[str]) -> int:
    """The closing section starts at its heading, or at the name of an editing organisation.

    Some issues print 主编简介 before the profiles; others go straight to the editing
    organisations' names (as listed under 主编/联合主编 on the masthead page).
    """
    for i in range(start, len(lines)):
        text = lines[i].text.replace(" ", "")
        if text in headings or (text in organisations and i > start):
            return i
    return len(lines)


def _back_matter(lines: list[SourceLine]) -> list[BackMatter]:
    texts = [line.text for line in lines if line.text]
    if not texts:
        return []
    parts = [BackMatter(heading=normalize_text(texts[0]))]
    for text in texts[1:]:
        clean = normalize_text(text)
        block = Block.paragraph(clean) if len(clean) > 40 or clean[-1:] in "。；" else Block.heading(clean)
        parts[-1].blocks.append(block)
    return parts


def parse_bulletin(
    text: str,
    source: str | None = None,
    *,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    back_matter_headings: Sequence[str] = DEFAULT_BACK_MATTER,
) -> Issue:
    """Parse one bulletin issue; mismatches between contents and body become ``warnings``.

    Raises ``NotABulletinError`` when there is no header or no article, and
    ``TruncatedInputError`` when the text stops before the articles the contents promise.

    >>> issue = parse_bulletin(open("src/policydigest/data/sample/sample-bulletin-no8.txt").read())
    >>> issue.number, len(issue.articles) > 5
    (8, True)
    """
    lines = split_lines(text)
    header = parse_header(lines)
    toc = parse_toc(lines, header.toc_start, columns)
    warnings = list(toc.warnings)
    organisations = {
        name.replace(" ", "")
        for role in header.masthead.roles
        if role.role in ("主编", "联合主编")
        for name in role.names
    }
    end = _back_matter_start(lines, toc.body_start, back_matter_headings, organisations)
    anchors = find_anchors(toc.entries, lines, toc.body_start, end)
    raws = [RawArticle(start=a.line_index, title_lines=a.title_lines, entry_index=a.entry_index) for a in anchors]
    taken = {raw.start for raw in raws}
    for start in find_unlisted_starts(lines, toc.body_start, end, taken):
        raws.append(RawArticle(start=start, title_lines=title_line_count(lines, start, end)))
    first_text = next((i for i in range(toc.body_start, end) if lines[i].text), None)
    if first_text is not None and first_text not in {raw.start for raw in raws}:
        raws.append(RawArticle(start=first_text, title_lines=title_line_count(lines, first_text, end)))
    raws.sort(key=lambda raw: raw.start)
    if not raws:
        raise NotABulletinError("不是简报：有报头，但目录之后没有文章")

    articles: list[Article] = []
    column = toc.entries[0].column if toc.entries else (columns[0] if columns else None)
    for index, raw in enumerate(raws):
        stop = raws[index + 1].start if index + 1 < len(raws) else end
        build_article(raw, lines, stop)
        toc_page = None
        title = raw.title
        if raw.entry_index is not None:
            entry = toc.entries[raw.entry_index]
            column, toc_page = entry.column, entry.page
            if fold(entry.title) != fold(raw.title):
                warnings.append(
                    f"标题与目录不一致：正文为«{raw.title}»，目录为«{entry.title}»"
                )
            title = entry.title
        else:
            warnings.append(f"文章«{raw.title}»不在目录中；按位置归入栏目 {column}")
        for extra in raw.extra_urls:
            warnings.append(f"文章«{title}»另有一个链接，未记入：{extra}")
        articles.append(
            Article(
                title=title,
                column=column,
                blocks=raw.blocks,
                source=raw.source,
                url=raw.url,
                toc_page=toc_page,
                provenance=[Provenance(kind="bulletin", location=source or "", issue_total_number=header.total_number)],
            )
        )
    found = {raw.entry_index for raw in raws if raw.entry_index is not None}
    missing = [i for i, _ in enumerate(toc.entries) if i not in found]
    last_found = max(found, default=-1)
    if missing and end == len(lines) and not raws[-1].ends_cleanly and min(missing) > last_found:
        raise TruncatedInputError(
            f"文件不完整：正文在«{articles[-1].title}»中途中断；目录所列从"
            f"«{toc.entries[missing[0]].title}»起的 {len(missing)} 篇文章缺失"
        )
    for i in missing:
        entry = toc.entries[i]
        warnings.append(
            f"目录列有«{entry.title}»（第 {entry.page} 页，{entry.column}），但正文中没有这篇文章"
        )
    return Issue(
        series=header.series,
        number=header.number,
        total_number=header.total_number,
        date=header.date,
        cover_headline=header.cover_headline,
        masthead=header.masthead,
        disclaimer=header.disclaimer,
        toc=toc.entries,
        articles=articles,
        back_matter=_back_matter(lines[end:]),
        source_file=source,
        warnings=warnings,
    )
