"""What the office downloads: ZIPs of dossiers as they were sent, and the call's list.

This module owns the office's archives: one dossier's sending in a folder of
its own, or every sent dossier of a call, one folder each, beside the call's
danh sách; each folder holds exactly the files `dossiers.packaging.sending_files`
gives for the sending (the files of its mail, with the mail's names), and
refuses to write a path twice. Until the dossier roster replaces it, it also
owns the call's nominee list (XLSX, CSV) and the defence against formula
injection: a cell that starts with = + - @ (or a tab or carriage return) is
written as a typed text cell with Excel's quote prefix in XLSX, and prefixed
with an apostrophe in CSV. Generators return bytes; they must not query the
database (the operations pass the rows in).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sitegen.models import Subject
from sitegen.pages import plan_label

from ..campaigns import Campaign
from ..dossiers.packaging import Attachment
from ..mail.notifications import ascii_filename
from ..store.models import Dossier, DossierSending, Nomination, NominationStatus

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
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


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise_csv(value: object) -> object:
    """An apostrophe before text a spreadsheet would take for a formula."""
    return f"'{value}" if is_formula_like(value) else value


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
    _text(sheet.cell(row=2, column=1), f"{plan_label(campaign.plan)} – {campaign.call.title}")
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
                _text(cell, value)
            else:
                cell.value = value
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text(cell, value: str) -> None:
    # openpyxl stores any string starting with "=" as a formula: force a text cell.
    cell.value = value
    cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True


def dossier_folder(dossier: Dossier, sending: DossierSending) -> str:
    """'CDCS-Cong-ty-Binh-Minh-D4K7Q2XA-lan-2': ASCII, unique by the dossier's reference."""
    return ascii_filename(
        dossier.union_name, dossier.reference, f"lan {sending.number}", extension=""
    ).rstrip(".")


def render_zip(
    folders: Sequence[tuple[str, Sequence[Attachment]]],
    loose: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """Each folder with its files under their own names, then the loose files at the top."""
    out = io.BytesIO()
    written: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        paths = [
            (f"{folder}/{item.filename}", item.content)
            for folder, files in folders
            for item in files
        ]
        for path, content in [*paths, *loose]:
            if path in written:
                raise ValueError(f"{path} would be written twice into the ZIP")
            written.add(path)
            archive.writestr(path, content)
    return out.getvalue()
