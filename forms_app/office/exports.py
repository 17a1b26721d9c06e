"""What the office downloads: the nominee list (XLSX, CSV) and a ZIP of all dossiers.

This module owns the layout of the danh sách trích ngang (STT, họ tên, năm
sinh nam/nữ, chức vụ và đơn vị, đối tượng, hình thức đề nghị, tóm tắt thành
tích, ghi chú) and the defence against formula injection: a cell that starts
with = + - @ (or a tab or carriage return) is written as a typed text cell
with Excel's quote prefix in XLSX, and prefixed with an apostrophe in CSV, so
no spreadsheet evaluates what a submitter typed. Generators return bytes;
they must not query the database (the views pass the nominations in).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sitegen.models import Subject
from sitegen.pages import plan_label

from ..campaigns import Campaign
from ..dossiers.documents.roster import neutralise_csv, set_text_cell
from ..mail.notifications import ascii_filename
from ..store.models import FileKind, Nomination, NominationStatus

COLUMNS = (
    "STT",
    "Họ và tên",
    "Năm sinh (Nam)",
    "Năm sinh (Nữ)",
    "Chức vụ và đơn vị",
    "Đối tượng",
    "Hình thức đề nghị",
    "Tóm tắt thành tích",
    "Ghi chú",
)
WIDTHS = (6, 28, 10, 10, 36, 16, 30, 70, 30)


@dataclass(frozen=True)
class NomineeRow:
    number: int
    name: str
    born_male: int | None
    born_female: int | None
    position_and_unit: str
    category: str
    award: str
    summary: str
    note: str

    def values(self) -> tuple:
        return (
            self.number,
            self.name,
            self.born_male,
            self.born_female,
            self.position_and_unit,
            self.category,
            self.award,
            self.summary,
            self.note,
        )


def build_rows(campaign: Campaign, nominations: list[Nomination]) -> list[NomineeRow]:
    """One row per nomination, from its latest version, numbered in list order."""
    rows = []
    for number, nomination in enumerate(nominations, start=1):
        data = nomination.latest.data.get("clean", {})
        subject = Subject(nomination.subject)
        category = campaign.category(subject, nomination.category_key)
        born = data.get("birth_year") if subject == Subject.INDIVIDUAL else None
        female = data.get("gender") == "Nữ"
        if subject == Subject.INDIVIDUAL:
            unit = ", ".join(p for p in (data.get("position"), data.get("workplace")) if p)
        else:
            unit = "; ".join(p for p in (data.get("leader"), data.get("address")) if p)
            unit = f"Người đứng đầu: {unit}" if data.get("leader") else unit
        note = f"Mã hồ sơ {nomination.reference}; CĐCS: {nomination.union_name}"
        if nomination.latest.number > 1:
            note += f"; bản {nomination.latest.number}"
        if nomination.status == NominationStatus.WITHDRAWN:
            note += "; đã rút"
        rows.append(
            NomineeRow(
                number=number,
                name=nomination.nominee_name,
                born_male=born if born and not female else None,
                born_female=born if born and female else None,
                position_and_unit=unit,
                category=category.name if category else nomination.category_key,
                award=data.get("award") or "",
                summary=data.get("achievements") or "",
                note=note,
            )
        )
    return rows


def render_csv(rows: list[NomineeRow]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Vietnamese text correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if v is None else neutralise_csv(v) for v in row.values()])
    return out.getvalue().encode("utf-8-sig")


def render_xlsx(campaign: Campaign, rows: list[NomineeRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách trích ngang"
    sheet["A1"] = "DANH SÁCH TRÍCH NGANG"
    sheet["A1"].font = Font(bold=True, size=14)
    set_text_cell(
        sheet.cell(row=2, column=1), f"{plan_label(campaign.plan)} – {campaign.call.title}"
    )
    header_row = 4
    for column, (title, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        cell = sheet.cell(row=header_row, column=column, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row.values(), start=1):
            cell = sheet.cell(row=header_row + offset, column=column)
            if isinstance(value, str):
                set_text_cell(cell, value)
            else:
                cell.value = value
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render_zip(campaign: Campaign, nominations: list[Nomination], rows: list[NomineeRow]) -> bytes:
    """Each dossier's latest PDF, DOCX and photo in a folder of its own, plus the list."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("danh-sach-trich-ngang.xlsx", render_xlsx(campaign, rows))
        archive.writestr("danh-sach-trich-ngang.csv", render_csv(rows))
        for number, nomination in enumerate(nominations, start=1):
            folder = ascii_filename(
                f"{number:03d}", nomination.nominee_name, nomination.reference, extension=""
            ).rstrip(".")
            for stored in nomination.latest.files:
                extension = {FileKind.PDF: "pdf", FileKind.DOCX: "docx"}.get(stored.kind, "jpg")
                stem = "Anh" if stored.kind == FileKind.PHOTO else "Tom-tat-thanh-tich"
                name = ascii_filename(stem, nomination.nominee_name, extension=extension)
                archive.writestr(f"{folder}/{name}", stored.content)
    return out.getvalue()
