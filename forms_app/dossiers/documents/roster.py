"""The danh sách trích ngang: one row per nominee, as XLSX (printable) and CSV.

This module owns the list the office works with (STT, họ và tên / tên tập
thể, năm sinh, giới tính, chức vụ, đơn vị, đối tượng, hình thức đề nghị, số
sáng kiến, giá trị làm lợi, ghi chú) for one dossier or for every dossier of a
call, and the app's one defence against formula injection in spreadsheets: a
text that starts with = + - @, a tab or a carriage return is written as a
typed text cell with Excel's quote prefix in XLSX, and after an apostrophe in
CSV, so no spreadsheet evaluates what a submitter typed.

Several dossiers (the office's list of a call) get two more columns, the
Công đoàn cơ sở and the dossier's reference, rather than rows grouping them:
a flat table is what the office sorts and filters in Excel, and the CSV of the
same rows stays a plain table. STT runs on across the dossiers, in the order
given. Generators return bytes; they must not query the database.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from sitegen.models import Subject
from sitegen.pages import plan_label

from ..facts import DossierFacts
from .common import normalised

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TITLE = "DANH SÁCH TRÍCH NGANG TẬP THỂ, CÁ NHÂN ĐỀ NGHỊ KHEN THƯỞNG"
MONEY_FORMAT = "#,##0"
# Rows get their height written: neither openpyxl nor LibreOffice on opening the file
# grows a row to its wrapped text, which would then print over the next row.
LINE_PT = 15  # one line of the default 11 pt font, Excel's standard row height

# (header, width in characters); the unit columns only in a list of several dossiers.
COLUMNS = (
    ("STT", 5),
    ("Họ và tên / Tên tập thể", 26),
    ("Năm sinh", 8),
    ("Giới tính", 8),
    ("Chức vụ", 18),
    ("Đơn vị", 26),
    ("Đối tượng", 16),
    ("Hình thức đề nghị", 24),
    ("Số sáng kiến", 9),
    ("Giá trị làm lợi (đồng)", 16),
    ("Ghi chú", 20),
)
UNIT_COLUMNS = (("Công đoàn cơ sở", 26), ("Mã hồ sơ", 14))
CENTRED = ("STT", "Năm sinh", "Giới tính", "Số sáng kiến")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise_csv(value: object) -> object:
    """An apostrophe before text a spreadsheet would take for a formula."""
    return f"'{value}" if is_formula_like(value) else value


def set_text_cell(cell, value: str) -> None:
    """Write `value` as a text cell, never a formula.

    openpyxl stores any string starting with "=" as a formula: the cell is typed as
    text, and Excel's quote prefix keeps Excel from evaluating it once edited. The
    control characters XLSX cannot hold (and a cleaned form never keeps) are dropped
    rather than failing the whole file.
    """
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True


@dataclass(frozen=True)
class RosterRow:
    number: int  # STT
    name: str
    birth_year: int | None
    gender: str
    position: str
    workplace: str
    category: str
    award: str
    initiatives: int | None  # None for a collective
    benefit: int | None  # đồng
    note: str
    union_name: str  # the CĐCS that proposes
    reference: str  # its dossier's reference

    def values(self, *, with_unit: bool) -> tuple:
        values = (
            self.number,
            self.name,
            self.birth_year,
            self.gender,
            self.position,
            self.workplace,
            self.category,
            self.award,
            self.initiatives,
            self.benefit,
            self.note,
        )
        return (*values, self.union_name, self.reference) if with_unit else values


def roster_rows(dossiers: Sequence[DossierFacts]) -> list[RosterRow]:
    """One row per nominee, dossier after dossier, each in its dossier's order."""
    rows = []
    number = 0
    for facts in map(normalised, dossiers):
        for nominee in facts.nominees:
            number += 1
            individual = nominee.subject == Subject.INDIVIDUAL
            rows.append(
                RosterRow(
                    number=number,
                    name=nominee.name,
                    birth_year=nominee.birth_year,
                    gender=nominee.gender,
                    position=nominee.position,
                    workplace=nominee.workplace,
                    category=nominee.category_name,
                    award=nominee.award,
                    initiatives=nominee.initiatives if individual else None,
                    benefit=nominee.benefit,
                    note=nominee.note,
                    union_name=facts.unit.union_name,
                    reference=facts.reference,
                )
            )
    return rows


def _columns(dossiers: Sequence[DossierFacts]) -> tuple[tuple[str, int], ...]:
    return COLUMNS + UNIT_COLUMNS if len(dossiers) > 1 else COLUMNS


def render_roster_csv(dossiers: Sequence[DossierFacts]) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads the Vietnamese right), CRLF lines."""
    with_unit = len(dossiers) > 1
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for title, _ in _columns(dossiers)])
    for row in roster_rows(dossiers):
        writer.writerow(
            ["" if v is None else neutralise_csv(v) for v in row.values(with_unit=with_unit)]
        )
    return out.getvalue().encode("utf-8-sig")


def _title_lines(dossiers: Sequence[DossierFacts]) -> list[str]:
    if not dossiers:
        return []
    campaign = dossiers[0].campaign
    lines = [
        f"(Theo {plan_label(campaign.plan)}: {campaign.plan.meta.title.rstrip('.')})",
        f"Đợt đề nghị: {campaign.call.title}",
    ]
    if len(dossiers) == 1:
        facts = normalised(dossiers[0])
        lines.append(f"Kèm theo Tờ trình của {facts.unit.union_name} (mã hồ sơ {facts.reference})")
        if facts.revision:
            lines.append(f"Bản sửa đổi lần {facts.revision}")
    else:
        nominees = sum(len(f.nominees) for f in dossiers)
        lines.append(f"{len(dossiers)} hồ sơ, {nominees} tập thể, cá nhân")
    return lines


def _wrapped_lines(text: str, width: float) -> int:
    """About how many lines `text` wraps to in a column `width` characters wide."""
    usable = max(1.0, width - 1.5)  # the cell's padding
    return sum(max(1, math.ceil(len(part) / usable)) for part in text.split("\n"))


def _row_height(values, widths, *, size: float = 11, bold: bool = False) -> float:
    scale = 11 / size / (1.1 if bold else 1.0)  # fewer characters fit in larger or bold type
    lines = max(
        (
            _wrapped_lines(v, w * scale)
            for v, w in zip(values, widths, strict=True)
            if isinstance(v, str)
        ),
        default=1,
    )
    return lines * LINE_PT * size / 11


def render_roster_xlsx(dossiers: Sequence[DossierFacts]) -> bytes:
    """The list on one sheet: title rows naming the plan and the call, the header row
    with filters and repeated on every printed page, A4 landscape fitted to the page
    width, the page number in the footer."""
    columns = _columns(dossiers)
    with_unit = len(dossiers) > 1
    last_column = get_column_letter(len(columns))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách trích ngang"
    lines = [TITLE, *_title_lines(dossiers)]
    for index, line in enumerate(lines, start=1):
        cell = sheet.cell(row=index, column=1)
        set_text_cell(cell, line)
        cell.font = Font(bold=index == 1, italic=index == 2, size=14 if index == 1 else 12)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.merge_cells(f"A{index}:{last_column}{index}")
        size = 14 if index == 1 else 12
        sheet.row_dimensions[index].height = _row_height(
            [line], [sum(width for _, width in columns)], size=size, bold=index == 1
        )
    header_row = len(lines) + 2
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, (title, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=column)
        set_text_cell(cell, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
        sheet.column_dimensions[get_column_letter(column)].width = width
    widths = [width for _, width in columns]
    sheet.row_dimensions[header_row].height = _row_height(
        [title for title, _ in columns], widths, bold=True
    )
    titles = [title for title, _ in columns]
    money_column = titles.index("Giá trị làm lợi (đồng)") + 1
    centred_columns = {titles.index(title) + 1 for title in CENTRED}
    rows = roster_rows(dossiers)
    for offset, row in enumerate(rows, start=1):
        values = row.values(with_unit=with_unit)
        sheet.row_dimensions[header_row + offset].height = _row_height(values, widths)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=header_row + offset, column=column)
            if isinstance(value, str):
                set_text_cell(cell, value)
            else:
                cell.value = value
            if column == money_column:
                cell.number_format = MONEY_FORMAT
            centred = "center" if column in centred_columns else None
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=centred)
            cell.border = border
    last_row = header_row + max(1, len(rows))
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{last_row}"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    sheet.print_options.horizontalCentered = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
