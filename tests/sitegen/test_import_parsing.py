"""The importer's reading of a plan's parts, on plain text as PDF extraction gives it."""

from __future__ import annotations

import datetime as dt

import pypandoc
from sitegen.importer.parsing import parse_blocks
from sitegen.importer.reading import read_document, read_text

PLAN = """\
LĐLĐ THÀNH PHỐ HỒ CHÍ MINH
LIÊN ĐOÀN LAO ĐỘNG QUẬN 3
Số: 15 /KH-LĐLĐ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập – Tự do – Hạnh phúc
Quận 3, ngày 04 tháng 01 năm 2024
KẾ HOẠCH
Tổ chức Tháng Công nhân năm 2024
Căn cứ Quyết định số 12/QĐ-UBND ngày 05.01.2024 của UBND TP. Hồ Chí Minh về việc ban \
hành quy chế; Nghị quyết Đại hội XIII Công đoàn Việt Nam; Kế hoạch số 9/KH-LĐLĐ ngày \
3 tháng 1 năm 2024 của Liên đoàn Lao động Thành phố về Tháng Công nhân.
I. MỤC ĐÍCH
1. Chăm lo đời sống đoàn viên.
a) Thăm hỏi công nhân khó khăn.
II. TỔ CHỨC THỰC HIỆN
Báo cáo gửi về Văn phòng (đ/c Lan, điện thoại 0909.123.456, email vp.q3@example.org) \
chậm nhất trước 16 giờ 30 ngày 20/5/2024.
Nơi nhận:
- LĐLĐ TP;
- Lưu: VT.
KT. BAN THƯỜNG VỤ
PHÓ CHỦ TỊCH
(Đã ký)
Trần Thị B
"""


def test_plain_text_plan_gives_every_part():
    draft = parse_blocks(read_text(PLAN).blocks)
    assert (draft.parent, draft.issuer_name) == (
        "LĐLĐ THÀNH PHỐ HỒ CHÍ MINH",
        "LIÊN ĐOÀN LAO ĐỘNG QUẬN 3",
    )
    assert (draft.number, draft.place, draft.issued) == (
        "15 /KH-LĐLĐ",
        "Quận 3",
        dt.date(2024, 1, 4),
    )
    assert (draft.doc_type, draft.title) == ("Kế hoạch", "Tổ chức Tháng Công nhân năm 2024")
    assert draft.grounds == [
        {
            "number": "12/QĐ-UBND",
            "date": dt.date(2024, 1, 5),
            "issuer": "UBND TP. Hồ Chí Minh",
            "title": "ban hành quy chế",
        },
        {"title": "Nghị quyết Đại hội XIII Công đoàn Việt Nam"},
        {
            "number": "9/KH-LĐLĐ",
            "date": dt.date(2024, 1, 3),
            "issuer": "Liên đoàn Lao động Thành phố",
            "title": "Tháng Công nhân",
        },
    ]
    assert draft.deadlines == [
        {
            "what": "Báo cáo gửi về Văn phòng (đ/c Lan, điện thoại 0909.123.456, email "
            "vp.q3@example.org)",
            "due": "chậm nhất trước 16 giờ 30 ngày 20/5/2024",
            "email": "vp.q3@example.org",
        }
    ]
    assert draft.contacts == ["vp.q3@example.org", "0909.123.456"]
    assert draft.recipients == ["LĐLĐ TP;", "Lưu: VT."]
    assert draft.signature == {
        "on_behalf": "KT. BAN THƯỜNG VỤ",
        "role": "PHÓ CHỦ TỊCH",
        "name": "Trần Thị B",
    }
    headings = {draft.body[i].text: level for i, level in draft.headings.items()}
    assert headings == {"I. MỤC ĐÍCH": 2, "II. TỔ CHỨC THỰC HIỆN": 2}
    assert draft.missing == []


def test_signature_on_one_line_is_split_at_the_role():
    text = PLAN.replace("KT. BAN THƯỜNG VỤ\nPHÓ CHỦ TỊCH\n", "TM. BAN THƯỜNG VỤ CHỦ TỊCH\n")
    draft = parse_blocks(read_text(text).blocks)
    assert draft.signature == {
        "on_behalf": "TM. BAN THƯỜNG VỤ",
        "role": "CHỦ TỊCH",
        "name": "Trần Thị B",
    }


AUTO_NUMBERED = """\
I.  **MỤC ĐÍCH**

II. **NỘI DUNG**

    1.  Tổ chức hội thi tại các công đoàn cơ sở.
    2.  Báo cáo trước ngày 30/4/2024.

        a)  Gửi bản giấy;
        b)  Gửi bản điện tử.
"""


def test_word_automatic_numbering_reads_as_printed(tmp_path):
    # Word's own numbered lists (not typed numbers), as pandoc writes them into a .docx.
    path = tmp_path / "danh-so.docx"
    pypandoc.convert_text(AUTO_NUMBERED, "docx", format="markdown", outputfile=str(path))
    blocks = read_document(path).blocks
    assert [b.text for b in blocks] == [
        "I. MỤC ĐÍCH",
        "II. NỘI DUNG",
        "1. Tổ chức hội thi tại các công đoàn cơ sở.",
        "2. Báo cáo trước ngày 30/4/2024.",
        "a) Gửi bản giấy;",
        "b) Gửi bản điện tử.",
    ]
    assert [b.bold for b in blocks[:2]] == [True, True]
