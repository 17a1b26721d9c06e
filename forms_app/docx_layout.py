"""The Word layout every .docx of the app shares (the summary, the Tờ trình).

This module owns the page of Nghị định 30/2020/NĐ-CP in python-docx: A4
portrait (python-docx defaults to US Letter), margins top and bottom 20 mm,
left 30 mm, right 15 mm, Times New Roman (Liberation Serif, shipped for the PDF,
has its metrics; LibreOffice substitutes it), and the small builders of
paragraphs and fixed-width tables the documents are made of. It must not know
what any document says. python-docx escapes text itself.
"""

from __future__ import annotations

from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 12


def style_document(document: Any, *, line_pt: float) -> None:
    """A4 with the decree's margins; the Normal style in FONT at BODY_PT with an exact
    line height of `line_pt` and no spacing around paragraphs."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(20)
    section.left_margin = Mm(30)
    section.right_margin = Mm(15)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    # East Asian and complex-script slots too, or Word picks another font for them.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    # Vietnamese text: Word and LibreOffice check its spelling as Vietnamese, not English.
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(language)
    paragraph = normal.paragraph_format
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0)
    paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.line_spacing = Pt(line_pt)


def add_paragraph(
    container: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: Any = None,
    before: float = 0,
) -> Any:
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if before:
        paragraph.paragraph_format.space_before = Pt(before)
    return paragraph


def set_cell_text(
    cell: Any, text: Any, *, bold: bool = False, italic: bool = False, align: Any = None
) -> Any:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run("" if text is None else str(text))
    run.bold = bold
    run.italic = italic
    run.font.size = Pt(TABLE_PT)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def set_widths(table: Any, widths: list[float]) -> None:
    # Word reads the cell widths, LibreOffice the grid columns: set both.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def keep_row_whole(row: Any) -> None:
    """A page break never splits this row (a signature would lose its name)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def repeat_as_header(row: Any) -> None:
    """The row is printed again at the top of every page the table runs onto."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def add_rows_table(
    document: Any, headers: list[str] | tuple[str, ...], rows: list[list[Any]], widths: list[float]
) -> Any:
    """A bordered table: a bold centred header row, then one row per value list."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        set_cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            set_cell_text(cell, value)
    set_widths(table, widths)
    return table
