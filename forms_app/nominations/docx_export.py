"""The same one-page summary as a .docx, for offices that edit in Word.

This module owns the summary's Word layout: the header, the photo at top
right and the sections of the official summary, on the page every .docx of the
app shares (`docx_layout`: A4, the decree's margins, Times New Roman 13 pt). It
receives the summary built by services.py and returns bytes; it must not
validate, store or decide anything. python-docx escapes text itself.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..docx_layout import (
    add_paragraph,
    add_rows_table,
    keep_row_whole,
    set_widths,
    style_document,
)

# Exact line height, a little tighter than the PDF's 13 pt × 1.15, so that a
# summary the PDF check accepts also stays on one page in Word and LibreOffice.
LINE_PT = 14.2


def _labelled(container: Any, label: str, value: Any, *, bold_value: bool = False) -> None:
    paragraph = container.add_paragraph()
    paragraph.add_run(f"- {label}: ")
    paragraph.add_run(f"{value}.").bold = bold_value


def _no_side_margins(cell: Any) -> None:
    """Drop the cell's left and right padding: a 30 mm picture fits its 32 mm cell."""
    margins = OxmlElement("w:tcMar")
    for side in ("w:left", "w:right"):
        margin = OxmlElement(side)
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    cell._tc.get_or_add_tcPr().append(margins)


def _heading(document: Any, summary: dict[str, Any]) -> None:
    table = document.add_table(rows=1, cols=2)
    set_widths(table, [70, 95])
    left, right = table.rows[0].cells
    for cell, lines in (
        (left, [(summary["issuer_name"].upper(), False), (summary["union_name"].upper(), True)]),
        (
            right,
            [
                ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
                ("Độc lập – Tự do – Hạnh phúc", True),
            ],
        ),
    ):
        cell.text = ""
        for index, (text, bold) in enumerate(lines):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            run.bold = bold
            run.font.size = Pt(12)
        rule = cell.add_paragraph("―――――")
        rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
        rule.runs[0].font.size = Pt(8)


def _title_and_photo(document: Any, summary: dict[str, Any], photo: bytes | None) -> Any:
    """Title and facts on the left, the 3×4 photo in the right cell, as on the PDF."""
    table = document.add_table(rows=1, cols=2)
    set_widths(table, [131, 34])
    text_cell, photo_cell = table.rows[0].cells
    photo_cell.text = ""
    holder = photo_cell.paragraphs[0]
    if photo:
        holder.add_run().add_picture(io.BytesIO(photo), width=Mm(30), height=Mm(40))
        # The Normal style's exact line height would clip the picture to one
        # line (Word and LibreOffice both do): this paragraph grows with it.
        holder.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _no_side_margins(photo_cell)
    else:
        holder.add_run("Ảnh 3×4")
    holder.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    text_cell.text = ""
    first = text_cell.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = first.add_run("TÓM TẮT THÀNH TÍCH")
    title.bold = True
    title.font.size = Pt(14)
    add_paragraph(text_cell, summary["award_line"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(
        text_cell,
        f"({summary['subject_label']} – {summary['category_name']})",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    return text_cell


def render_docx(summary: dict[str, Any], photo: bytes | None) -> bytes:
    """The summary as .docx bytes."""
    document = Document()
    style_document(document, line_pt=LINE_PT)
    _heading(document, summary)
    add_paragraph(document, summary["date_line"], italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    cell = _title_and_photo(document, summary, photo)
    if summary["subject"] == "individual":
        add_paragraph(cell, "I. SƠ LƯỢC LÝ LỊCH", bold=True, before=2)
        paragraph = cell.add_paragraph("- Họ và tên: ")
        paragraph.add_run(summary["full_name"]).bold = True
        ethnicity = f"; dân tộc: {summary['ethnicity']}" if summary["ethnicity"] else ""
        paragraph.add_run(
            f"; giới tính: {summary['gender']}; năm sinh: {summary['birth_year']}{ethnicity}."
        )
        _labelled(cell, "Chức vụ", summary["position"])
        _labelled(cell, "Đơn vị công tác", summary["workplace"])
        _labelled(cell, "Công đoàn cơ sở", summary["grassroots_union"])
        _labelled(cell, "Trình độ chuyên môn", summary["qualification"])
        add_paragraph(document, "II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True, before=2)
        add_paragraph(document, "1. Nhiệm vụ được giao", bold=True, italic=True)
        add_paragraph(document, summary["duties"], align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        add_paragraph(document, "2. Thành tích nổi bật", bold=True, italic=True)
        add_paragraph(document, summary["achievements"], align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        add_paragraph(document, "3. Sáng kiến cải tiến kỹ thuật, giải pháp", bold=True, italic=True)
        if summary["initiatives"]:
            rows = [
                [str(n), i["title"], i["year"], i["level"], i["benefit_text"]]
                for n, i in enumerate(summary["initiatives"], start=1)
            ]
            rows.append(["", "Tổng cộng", "", "", summary["total_benefit_text"]])
            add_rows_table(
                document,
                ["TT", "Tên sáng kiến", "Năm", "Cấp công nhận", "Giá trị làm lợi (đồng)"],
                rows,
                [10, 68, 14, 33, 40],
            )
        else:
            add_paragraph(document, "Không có.")
    else:
        add_paragraph(cell, "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", bold=True, before=2)
        paragraph = cell.add_paragraph("- Tên tập thể: ")
        paragraph.add_run(summary["unit_name"]).bold = True
        paragraph.add_run(".")
        _labelled(cell, "Địa chỉ", summary["address"])
        members = f"{summary['members']}"
        if summary["members_women"] is not None:
            members += f" (nữ: {summary['members_women']})"
        workers = f"{summary['workers']}"
        if summary["workers_women"] is not None:
            workers += f" (nữ: {summary['workers_women']})"
        cell.add_paragraph(f"- Số đoàn viên: {members}; số lao động: {workers}.")
        _labelled(cell, "Người đứng đầu", summary["leader"])
        add_paragraph(document, summary["features"], align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        add_paragraph(document, "II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True, before=2)
        add_paragraph(document, summary["achievements"], align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    add_paragraph(document, "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN", bold=True, before=2)
    if summary["awards"]:
        add_rows_table(
            document,
            ["Năm", "Danh hiệu / hình thức khen thưởng", "Số quyết định", "Cơ quan ban hành"],
            [[a["year"], a["title"], a["decision"], a["issuer"]] for a in summary["awards"]],
            [14, 66, 35, 50],
        )
    else:
        add_paragraph(document, "Chưa có.")
    signatures = document.add_table(rows=1, cols=2)
    set_widths(signatures, [82, 83])
    # Keep the signature row whole: a page break inside it would orphan the name.
    keep_row_whole(signatures.rows[0])
    for sign_cell, (role, note, name) in zip(
        signatures.rows[0].cells,
        (
            (summary["left_sign"], "(Ký, đóng dấu)", ""),
            (summary["right_sign"], "(Ký, ghi rõ họ tên)", summary["signer_name"]),
        ),
        strict=True,
    ):
        sign_cell.text = ""
        head = sign_cell.paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        head.add_run(role).bold = True
        add_paragraph(sign_cell, note, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        if name:
            add_paragraph(sign_cell, name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=22)
    document.core_properties.title = f"Tóm tắt thành tích – {summary['nominee']}"
    document.core_properties.author = summary["union_name"]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
