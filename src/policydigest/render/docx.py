"""An issue as a Word document (python-docx), for editors who finish issues in Word.

Structure uses Word's own styles so the navigation pane and Word's table of contents work: the
column names are Heading 1, article titles Heading 2, sub-headings Heading 3. Each article keeps
its source line, its QR code (a PNG) and its original link as a real hyperlink. Chinese text is
set in a CJK font via the East Asian font slot, which python-docx has no setting for.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import segno
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from policydigest.model import Block, BlockKind, Issue
from policydigest.render.pdf import QR_ERROR
from policydigest.render.view import QR_CAPTION, ArticleView, IssueView, issue_view, page_label
from policydigest.safetext import clean_text

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
RED = RGBColor(0xA8, 0x23, 0x1B)
BLUE = RGBColor(0x0B, 0x4F, 0x8A)
GREY = RGBColor(0x4A, 0x4A, 0x4A)


def _east_asian(style_font: object, name: str) -> None:
    element = style_font.element  # type: ignore[attr-defined]
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _setup(document: DocumentObject) -> None:
    for style_name, font in (("Normal", SERIF), ("Title", SANS), *((f"Heading {n}", SANS) for n in (1, 2, 3))):
        style = document.styles[style_name]
        style.font.name = font
        _east_asian(style, font)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.4))


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field, so Word prints each page's number."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)


def _hyperlink(paragraph: Paragraph, url: str) -> None:
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0B4F8A")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.extend([color, underline])
    text = OxmlElement("w:t")
    text.text = clean_text(url)
    run.extend([props, text])
    link.append(run)
    paragraph._p.append(link)


def _para(document: DocumentObject, text: str, *, indent: bool = True) -> Paragraph:
    paragraph = document.add_paragraph(clean_text(text))
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(21)  # two characters of 10.5 pt
    return paragraph


def _blocks(document: DocumentObject, blocks: Sequence[Block], heading_level: int) -> None:
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            document.add_heading(clean_text(block.text), level=heading_level)
        elif block.kind is BlockKind.CAPTION:
            caption = document.add_paragraph(clean_text(block.text), style="Caption")
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind is BlockKind.TABLE and block.rows:
            width = max(len(row) for row in block.rows)
            table = document.add_table(rows=len(block.rows), cols=width)
            table.style = document.styles["Table Grid"]
            # Row by row: table.cell(r, c) re-reads the whole grid on every call.
            for r, (table_row, row) in enumerate(zip(table.rows, block.rows, strict=True)):
                for cell, text in zip(table_row.cells, row, strict=False):
                    cell.text = clean_text(text)
                    if r == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
        elif block.text.strip():
            _para(document, block.text)


def _cover(document: DocumentObject, view: IssueView) -> None:
    issue = view.issue
    lines: list[tuple[str, str | None, float, RGBColor | None, bool]] = []
    if issue.masthead.slogan:
        lines.append((issue.masthead.slogan, None, 12, GREY, False))
    lines.append((issue.series, "Title", 36, RED, True))
    if issue.masthead.strapline:
        lines.append((issue.masthead.strapline, None, 14, BLUE, False))
    lines.append((view.issue_line, None, 12, None, True))
    lines.extend((line, None, 18, None, True) for line in view.cover_lines)
    for text, style, size, color, bold in lines:
        paragraph = document.add_paragraph(style=style)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(clean_text(text))
        run.font.size, run.bold = Pt(size), bold
        if color is not None:
            run.font.color.rgb = color


def _masthead(document: DocumentObject, view: IssueView) -> None:
    if view.masthead:
        table = document.add_table(rows=0, cols=2)
        for row in view.masthead:
            cells = table.add_row().cells
            cells[0].text = clean_text(row.label)
            cells[1].text = clean_text("　".join(row.values))
            for run in cells[0].paragraphs[0].runs:
                run.bold = True
    if view.issue.disclaimer:
        paragraph = document.add_paragraph()
        paragraph.add_run("声明：").bold = True
        run = paragraph.add_run(clean_text(view.issue.disclaimer))
        run.font.size, run.font.color.rgb = Pt(9), GREY


def _contents(document: DocumentObject, view: IssueView) -> None:
    document.add_paragraph("本期要目", style="TOC Heading")
    for group in view.toc:
        heading = document.add_paragraph()
        run = heading.add_run(clean_text(group.column))
        run.bold, run.font.color.rgb = True, RED
        for line in group.lines:
            document.add_paragraph(clean_text(f"{page_label(line.page)}\t{line.title}"))


def _article(document: DocumentObject, article: ArticleView) -> None:
    document.add_heading(clean_text(article.title), level=2)
    _blocks(document, article.blocks, 3)
    if article.source:
        source = document.add_paragraph(clean_text(f"（来源：{article.source}）"))
        source.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if article.href:
        png = io.BytesIO()
        segno.make(article.href, error=QR_ERROR, micro=False).save(png, kind="png", scale=4, border=2)
        png.seek(0)
        document.add_picture(png, width=Cm(2.6))
        document.add_paragraph(QR_CAPTION)
        link = document.add_paragraph("原文链接：")
        _hyperlink(link, article.href)
    elif article.url:
        document.add_paragraph(clean_text(f"原文链接：{article.url}"))


def render_docx(issue: Issue, *, columns: Sequence[str]) -> bytes:
    """``issue`` as a .docx file's bytes.

    >>> import datetime as dt
    >>> data = render_docx(Issue(series="示例", number=1, total_number=1, date=dt.date(2025, 1, 3)), columns=[])
    >>> data[:2]
    b'PK'
    """
    view = issue_view(issue, columns)
    document = Document()
    _setup(document)
    _cover(document, view)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _masthead(document, view)
    if view.toc:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _contents(document, view)
    body = document.add_section(WD_SECTION.NEW_PAGE)
    body.header.is_linked_to_previous = False
    header = body.header.paragraphs[0]
    header.text = clean_text(f"{issue.series}\t\t{view.issue_line}")
    footer = body.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)
    for section in view.sections:
        document.add_heading(clean_text(section.column or "其他"), level=1)
        for article in section.articles:
            _article(document, article)
    for part in issue.back_matter:
        document.add_heading(clean_text(part.heading), level=1)
        _blocks(document, part.blocks, 2)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
