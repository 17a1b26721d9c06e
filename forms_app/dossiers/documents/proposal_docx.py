"""The Tờ trình as a .docx, for the union to edit, print, sign and stamp.

This module owns the Word layout of `proposal.build_proposal`'s strings: the
header as a borderless two-column table, the nominees' table with its header
row repeated on every page, "Nơi nhận" and the signature side by side in a row
that never splits, page numbers at the top centre from page 2. The page is
`docx_layout`'s (A4, the decree's margins, Times New Roman 13 pt); the line
heights are exact and the same as the PDF stylesheet's, so LibreOffice breaks
the pages where WeasyPrint does. It must not word anything itself.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ...docx_layout import (
    add_paragraph,
    keep_row_whole,
    repeat_as_header,
    set_cell_text,
    set_widths,
    style_document,
)
from ..facts import DossierFacts
from .proposal import MOTTO, NATION, TABLE_HEADERS, Proposal, build_proposal

# The same exact line heights as dossier_documents/proposal.css.
LINE_PT = 15
HEADING_LINE_PT = 14
TABLE_LINE_PT = 14
RECIPIENTS_LINE_PT = 13
RULE_PT = 5  # a short rule: the bottom border of an empty paragraph this high
HEADER_WIDTHS = [70, 95]
TABLE_WIDTHS = [12, 55, 55, 43]
CENTER = WD_ALIGN_PARAGRAPH.CENTER


def _exact(paragraph: Any, line_pt: float) -> Any:
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(line_pt)
    return paragraph


def _line(
    cell: Any,
    text: str,
    *,
    first: bool = False,
    bold: bool = False,
    italic: bool = False,
    size: float = 12,
    line_pt: float = HEADING_LINE_PT,
    align: Any = CENTER,
    before: float = 0,
) -> Any:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = align
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        run.font.size = Pt(size)
    if before:
        paragraph.paragraph_format.space_before = Pt(before)
    return _exact(paragraph, line_pt)


def _rule(container: Any, column_mm: float, width_mm: float) -> None:
    """A short centred line under a heading: the bottom border of an indented empty
    paragraph (a row of characters would vary with the font)."""
    paragraph = add_paragraph(container, "", align=CENTER)
    _exact(paragraph, RULE_PT)
    indent = Mm((column_mm - width_mm) / 2)
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _heading(document: Any, p: Proposal) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, HEADER_WIDTHS)
    left, right = table.rows[0].cells
    for cell in (left, right):
        cell.text = ""
    _line(left, p.parent_union, first=True)
    _line(left, p.union_name, bold=True)
    _rule(left, HEADER_WIDTHS[0], 25)
    _line(left, p.number_line, size=13, before=6)
    _line(right, NATION, first=True, bold=True)
    _line(right, MOTTO, bold=True, size=13)
    _rule(right, HEADER_WIDTHS[1], 60)
    _line(right, p.date_line, italic=True, size=13, before=6)


def _nominees(document: Any, p: Proposal) -> None:
    table = document.add_table(rows=1, cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    repeat_as_header(header)
    for cell, title in zip(header.cells, TABLE_HEADERS, strict=True):
        _exact(set_cell_text(cell, title, bold=True, align=CENTER), TABLE_LINE_PT)
    for group in p.groups:
        row = table.add_row()
        keep_row_whole(row)
        merged = row.cells[0].merge(row.cells[-1])
        _exact(set_cell_text(merged, group.label, bold=True, italic=True), TABLE_LINE_PT)
        for line in group.lines:
            row = table.add_row()
            keep_row_whole(row)
            values = (str(line.number), line.name, line.position_and_unit, line.award)
            for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                paragraph = set_cell_text(cell, value, align=CENTER if index == 0 else None)
                _exact(paragraph, TABLE_LINE_PT)
    set_widths(table, TABLE_WIDTHS)


def _foot(document: Any, p: Proposal) -> None:
    table = document.add_table(rows=1, cols=2)
    set_widths(table, HEADER_WIDTHS)
    keep_row_whole(table.rows[0])
    left, right = table.rows[0].cells
    for cell in (left, right):
        cell.text = ""
    _line(
        left,
        "Nơi nhận:",
        first=True,
        bold=True,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        line_pt=RECIPIENTS_LINE_PT,
    )
    for text in p.recipients:
        _line(left, text, size=11, line_pt=RECIPIENTS_LINE_PT, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right, p.on_behalf, first=True, bold=True, size=13, line_pt=LINE_PT)
    _line(right, p.signer_role, bold=True, size=13, line_pt=LINE_PT)
    # Room for the signature and the stamp, as the PDF's 25 mm.
    _line(right, p.signer_name, bold=True, size=13, line_pt=LINE_PT, before=25 * 72 / 25.4)


def _page_numbers(document: Any) -> None:
    """The page number at the top centre, from page 2 on (the first page's header is empty)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
        else:
            field = OxmlElement("w:instrText")
            field.set(qn("xml:space"), "preserve")
            field.text = text
        run._r.append(field)


def _body(document: Any, text: str, *, before: float = 0, after: float = 4) -> Any:
    paragraph = add_paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=before)
    paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def render_proposal_docx(facts: DossierFacts) -> bytes:
    p = build_proposal(facts)
    document = Document()
    style_document(document, line_pt=LINE_PT)
    _page_numbers(document)
    _heading(document, p)
    title = add_paragraph(document, p.title, bold=True, size=14, align=CENTER, before=18)
    _exact(title, 16)
    add_paragraph(document, p.subject_line, bold=True, align=CENTER)
    if p.revision_line:
        add_paragraph(document, p.revision_line, italic=True, align=CENTER)
    _rule(document, sum(TABLE_WIDTHS), 30)
    addressee = add_paragraph(document, p.addressee, align=CENTER, before=10)
    addressee.paragraph_format.space_after = Pt(6)
    for text in p.grounds:
        _body(document, text)
    _nominees(document, p)
    for index, text in enumerate(p.closing):
        paragraph = _body(document, text, before=6 if index == 0 else 0)
    # The last paragraph, "Nơi nhận" and the signature stay together on one page.
    paragraph.paragraph_format.keep_with_next = True
    spacer = add_paragraph(document, "")
    spacer.paragraph_format.keep_with_next = True
    _exact(spacer, 6)
    _foot(document, p)
    if p.reference:
        reference = add_paragraph(document, p.reference, size=9, before=6)
        _exact(reference, 11)
    document.core_properties.title = p.document_title
    document.core_properties.author = p.author
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
