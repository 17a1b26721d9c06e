"""The dossier's own documents from its facts: the Tờ trình (PDF, .docx) and the danh sách.

Facts are built from the seed plans in content/ (seed 003 is LĐLĐ quận 1's
"Hội nghị điển hình tiên tiến" plan, with a city-level and a district-level
call). The PDF is read back with pypdf, the .docx through LibreOffice, the
XLSX with openpyxl and the CSV with the csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from functools import cache

from docx import Document
from docx.oxml.ns import qn
from docx_checks import docx_files_to_pdfs, needs_soffice, page_setup_mm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from paths import CONTENT
from pdf_checks import DOCUMENT_FONTS, fonts, page_sizes, read_pdf, text
from sitegen.loader import load_content
from sitegen.models import Subject
from sitegen.text import clean_text

from forms_app.campaigns import Campaign, find_campaign
from forms_app.dossiers.documents import (
    RosterRow,
    render_proposal_docx,
    render_proposal_pdf,
    render_roster_csv,
    render_roster_xlsx,
    roster_rows,
)
from forms_app.dossiers.documents.proposal import build_proposal
from forms_app.dossiers.documents.proposal_pdf import layout_proposal, proposal_html
from forms_app.dossiers.facts import DossierFacts, Nominee, Unit

SEED_003 = "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020"
LONG_BIEN = "ldld-long-bien-32-kh-2023"
ON = dt.date(2026, 11, 26)


@cache
def content():
    return load_content(str(CONTENT))


def campaign(slug: str = SEED_003, call: str = "cap-thanh-pho") -> Campaign:
    found = find_campaign(content(), slug, call)
    assert found is not None
    return found


def unit(**changes) -> Unit:
    values = {
        "union_name": "Công đoàn cơ sở Công ty TNHH Cơ khí Bến Thành",
        "parent_union": "Liên đoàn Lao động quận 1",
        "address": "12 Lê Lợi, phường Bến Thành, quận 1",
        "place": "Quận 1",
        "signer_name": "Nguyễn Thị Lan",
        "signer_title": "Chủ tịch",
        "contact_name": "Trần Văn Bình",
        "contact_email": "binh@benthanh.vn",
        "contact_phone": "0909 123 456",
    }
    values.update(changes)
    return Unit(**values)


def individual(found: Campaign, category_key: str, name: str, **changes) -> Nominee:
    category = found.category(Subject.INDIVIDUAL, category_key)
    assert category is not None
    values = {
        "subject": Subject.INDIVIDUAL,
        "name": name,
        "category_key": category.key,
        "category_name": category.name,
        "award": found.call.awards[0] if found.call.awards else "",
        "birth_year": 1982,
        "gender": "Nữ",
        "position": "Tổ trưởng tổ sản xuất",
        "workplace": "Phân xưởng cơ khí chính xác",
        "initiatives": 5,
        "benefit": 320_000_000,
    }
    values.update(changes)
    return Nominee(**values)


def collective(found: Campaign, name: str) -> Nominee:
    category = found.categories(Subject.COLLECTIVE)[0]
    return Nominee(
        subject=Subject.COLLECTIVE,
        name=name,
        category_key=category.key,
        category_name=category.name,
        award=found.call.awards[0] if found.call.awards else "",
        workplace="12 Lê Lợi, phường Bến Thành, quận 1",
    )


def facts_of(found: Campaign, nominees, **changes) -> DossierFacts:
    values = {
        "campaign": found,
        "unit": unit(),
        "nominees": tuple(nominees),
        "reference": "HS-7K2M9Q",
        "revision": 0,
        "on": ON,
    }
    values.update(changes)
    return DossierFacts(**values)


THREE = ("Lê Văn Hùng", "Phạm Thị Thu Hà", "Đặng Quốc Việt")


def city_three(**changes) -> DossierFacts:
    """Seed 003's city-level call, three nominees of three categories (out of plan order)."""
    found = campaign()
    nominees = [
        individual(found, "doi-tuong-3", THREE[0], gender="Nam", birth_year=1979),
        individual(found, "doi-tuong-2", THREE[1], benefit=None, initiatives=0),
        individual(found, "doi-tuong-3", THREE[2], position="", workplace="Xưởng đúc"),
    ]
    return facts_of(found, nominees, **changes)


def many(count: int, **changes) -> DossierFacts:
    """Seed 003's district call: a collective and individuals of every category, with cells
    long enough to take two lines each."""
    found = campaign(call="cap-quan")
    categories = found.categories(Subject.INDIVIDUAL)
    nominees = [collective(found, "Tổ sản xuất số 1 – Phân xưởng lắp ráp")]
    for index in range(1, count):
        nominees.append(
            individual(
                found,
                categories[index % len(categories)].key,
                f"Nguyễn Hoàng Phương Thảo {index:02d}",
                position="Phó Quản đốc phân xưởng cơ khí",
                workplace="Công ty TNHH Cơ khí Bến Thành",
            )
        )
    return facts_of(found, nominees[:count], **changes)


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\u00a0", " "))


def pdf_text(data: bytes) -> str:
    return squash(text(read_pdf(data)))


# -- The Tờ trình's content -------------------------------------------------------------


def test_build_proposal_seed_003_city_call_header_grounds_groups_signature():
    p = build_proposal(city_three())
    assert (p.parent_union, p.union_name) == (
        "LIÊN ĐOÀN LAO ĐỘNG QUẬN 1",
        "CÔNG ĐOÀN CƠ SỞ CÔNG TY TNHH CƠ KHÍ BẾN THÀNH",
    )
    assert squash(p.number_line) == "Số: /TTr-CĐCS"
    # Day and month left for the clerk: only the year is printed.
    assert squash(p.date_line) == "Quận 1, ngày tháng năm 2026"
    assert p.title == "TỜ TRÌNH"
    # The city-level call is titled in capitals: who is proposed, under which plan.
    assert p.subject_line == "V/v đề nghị khen thưởng cá nhân theo Kế hoạch của LĐLĐ quận 1"
    assert p.revision_line == ""
    assert p.addressee == "Kính gửi: Liên đoàn Lao động quận 1"
    assert p.grounds == (
        "Căn cứ Kế hoạch của Liên đoàn Lao động quận 1 về “TỔ CHỨC HỘI NGHỊ ĐIỂN HÌNH TIÊN "
        "TIẾN TRONG CÔNG ĐOÀN CƠ SỞ VÀ HỘI NGHỊ ĐIỂN HÌNH TIÊN TIẾN CẤP QUẬN GIAI ĐOẠN "
        "2015 – 2019”;",
        "Xét thành tích đạt được của các tập thể, cá nhân, Ban Chấp hành Công đoàn cơ sở Công "
        "ty TNHH Cơ khí Bến Thành kính đề nghị Liên đoàn Lao động quận 1 xem xét, khen thưởng "
        "03 cá nhân có thành tích xuất sắc, cụ thể như sau:",
    )
    # The plan's category order (Đối tượng 2 before 3), numbered across the groups.
    award = "Bằng khen của Liên đoàn Lao động thành phố"
    assert [
        (g.label, [(x.number, x.name, x.position_and_unit, x.award) for x in g.lines])
        for g in p.groups
    ] == [
        (
            "Đối tượng 2: 01 cá nhân",
            [(1, THREE[1], "Tổ trưởng tổ sản xuất, Phân xưởng cơ khí chính xác", award)],
        ),
        (
            "Đối tượng 3: 02 cá nhân",
            [
                (2, THREE[0], "Tổ trưởng tổ sản xuất, Phân xưởng cơ khí chính xác", award),
                (3, THREE[2], "Xưởng đúc", award),
            ],
        ),
    ]
    assert p.closing[-1] == (
        "Ban Chấp hành Công đoàn cơ sở Công ty TNHH Cơ khí Bến Thành kính trình Liên đoàn "
        "Lao động quận 1 xem xét, quyết định./."
    )
    # The call's office is a desk of the issuer: listed under Nơi nhận.
    assert p.recipients == (
        "- Như trên;",
        "- Bộ phận Chính sách Pháp luật Liên đoàn Lao động quận 1;",
        "- Lưu: VT.",
    )
    assert (p.on_behalf, p.signer_role, p.signer_name) == (
        "TM. BAN CHẤP HÀNH",
        "CHỦ TỊCH",
        "Nguyễn Thị Lan",
    )
    assert p.reference == "Mã hồ sơ HS-7K2M9Q"


def test_build_proposal_long_bien_cites_number_date_and_title_as_a_sentence():
    found = campaign(LONG_BIEN, "khen-thuong-dot-thi-dua-cao-diem")
    nominees = [
        collective(found, "Tổ Công đoàn Phòng Kế toán"),
        individual(found, "ca-nhan", "Vũ Minh Tâm"),
    ]
    p = build_proposal(facts_of(found, nominees, unit=unit(place="Long Biên")))
    assert p.grounds[0] == (
        "Căn cứ Kế hoạch số 32/KH-LĐLĐ ngày 21 tháng 8 năm 2023 của Liên đoàn Lao động quận "
        "Long Biên về phát động đợt thi đua cao điểm trong CNVCLĐ phấn đấu lập thành tích "
        "chào mừng kỷ niệm 20 năm Ngày thành lập quận Long Biên (06/11/2003 – 06/11/2023);"
    )
    # The call is titled "Khen thưởng …": its own words.
    assert p.subject_line == (
        "V/v đề nghị khen thưởng tập thể, cá nhân có thành tích xuất sắc trong đợt thi đua "
        "cao điểm chào mừng kỷ niệm 20 năm Ngày thành lập quận Long Biên"
    )
    assert "01 tập thể và 01 cá nhân" in p.grounds[1]
    # The office "LĐLĐ Quận Long Biên" is the issuer itself: "Như trên" says it.
    assert p.recipients == ("- Như trên;", "- Lưu: VT.")
    # No award named by the plan: the table says so rather than leaving a blank.
    assert [line.award for g in p.groups for line in g.lines] == ["Khen thưởng theo kế hoạch"] * 2
    assert [g.label for g in p.groups] == ["Tập thể: 01 tập thể", "Cá nhân: 01 cá nhân"]


def test_build_proposal_vice_chair_signs_for_the_committee_and_revision_is_marked():
    p = build_proposal(city_three(unit=unit(signer_title="Phó Chủ tịch"), revision=2))
    assert (p.on_behalf, p.signer_role) == ("TM. BAN CHẤP HÀNH", "PHÓ CHỦ TỊCH")
    assert p.revision_line == "(Bản sửa đổi lần 2)"


# -- The PDF ------------------------------------------------------------------------------


def test_render_proposal_pdf_seed_003_a4_fonts_embedded_text_extractable():
    facts = city_three()
    reader = read_pdf(render_proposal_pdf(facts))
    assert page_sizes(reader) == [(595, 842)]
    assert (reader.metadata.title, reader.metadata.author) == (
        "Tờ trình đề nghị khen thưởng – Công đoàn cơ sở Công ty TNHH Cơ khí Bến Thành",
        "Công đoàn cơ sở Công ty TNHH Cơ khí Bến Thành",
    )
    # The shipped font, every style embedded: never a system fallback.
    assert fonts(reader) == DOCUMENT_FONTS
    extracted = squash(text(reader))
    for expected in [
        "LIÊN ĐOÀN LAO ĐỘNG QUẬN 1",
        "CÔNG ĐOÀN CƠ SỞ CÔNG TY TNHH CƠ KHÍ BẾN THÀNH",
        "Số: /TTr-CĐCS",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quận 1, ngày tháng năm 2026",
        "TỜ TRÌNH",
        "V/v đề nghị khen thưởng cá nhân theo Kế hoạch của LĐLĐ quận 1",
        "Kính gửi: Liên đoàn Lao động quận 1",
        facts.campaign.plan.meta.title,
        "STT Họ và tên / Tên tập thể Chức vụ, đơn vị Hình thức đề nghị",
        "Đối tượng 2: 01 cá nhân",
        "Đối tượng 3: 02 cá nhân",
        *THREE,
        "Bằng khen của Liên đoàn Lao động thành phố",
        "Nơi nhận:",
        "- Lưu: VT.",
        "TM. BAN CHẤP HÀNH CHỦ TỊCH",
        "Nguyễn Thị Lan",
        "Mã hồ sơ HS-7K2M9Q",
    ]:
        assert expected in extracted, expected
    assert "(Bản sửa đổi" not in extracted


def test_render_proposal_pdf_marks_a_revision_and_a_vice_chair():
    facts = city_three(unit=unit(signer_title="Phó Chủ tịch"), revision=1)
    extracted = pdf_text(render_proposal_pdf(facts))
    assert "TỜ TRÌNH V/v đề nghị khen thưởng cá nhân theo Kế hoạch của LĐLĐ quận 1 " in extracted
    assert "(Bản sửa đổi lần 1)" in extracted
    assert "TM. BAN CHẤP HÀNH PHÓ CHỦ TỊCH" in extracted


def test_render_proposal_pdf_escapes_what_the_unit_typed():
    found = campaign()
    typed = '<b>Hà</b> & "Nam" <img src="file:///etc/passwd">'
    facts = facts_of(
        found,
        [individual(found, "doi-tuong-3", typed)],
        unit=unit(union_name="Công đoàn <i>cơ sở</i> & Co"),
    )
    html = proposal_html(facts)
    assert "<b>Hà</b>" not in html and "<img" not in html
    assert "&lt;b&gt;Hà&lt;/b&gt; &amp; &#34;Nam&#34;" in html
    extracted = pdf_text(render_proposal_pdf(facts))
    assert typed in extracted
    assert "Ban Chấp hành Công đoàn <i>cơ sở</i> & Co kính đề nghị" in extracted


def test_layout_proposal_fifteen_long_rows_fit_two_pages_and_more_run_on():
    # Every row takes two lines in its cells. Up to 21 nominees are two pages (15 is
    # what the plans' paper dossiers hold at most); a longer list runs on, about 16
    # nominees a page, the header row repeated and the signature kept with the last
    # paragraph.
    assert [len(layout_proposal(many(n)).pages) for n in (1, 15, 21)] == [1, 2, 2]
    reader = read_pdf(render_proposal_pdf(many(40)))
    assert len(reader.pages) == 4
    header = "STT Họ và tên / Tên tập thể Chức vụ, đơn vị Hình thức đề nghị"
    pages = [squash(page.extract_text()) for page in reader.pages]
    # The table runs over three pages, its header on each; the last paragraph moves with
    # the signature rather than leaving it alone on a page.
    assert [header in page for page in pages] == [True, True, True, False]
    assert pages[3].startswith("Ban Chấp hành Công đoàn cơ sở Công ty TNHH Cơ khí Bến Thành")
    assert "TM. BAN CHẤP HÀNH CHỦ TỊCH Nguyễn Thị Lan" in pages[3]
    # Page numbers from page 2 (the margin box is drawn, and extracted, last).
    assert [page.rsplit(" ", 1)[-1] for page in pages] == ["khen", "2", "3", "4"]


# -- The .docx ----------------------------------------------------------------------------


def docx_texts(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            seen = []
            for cell in row.cells:
                if cell._tc not in seen:  # a merged cell is listed once per column
                    seen.append(cell._tc)
                    parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def test_render_proposal_docx_page_font_tables_and_the_same_strings():
    facts = city_three(unit=unit(signer_title="Phó Chủ tịch"), revision=3)
    document = Document(io.BytesIO(render_proposal_docx(facts)))
    assert page_setup_mm(document) == [210, 297, 20, 20, 30, 15]
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Times New Roman", 13.0)
    language = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert language.get(qn("w:val")) == "vi-VN"
    heading, nominees, foot = document.tables
    # The header and the signature have no borders; the nominees' table has, and its
    # header row is repeated on every page.
    assert (heading.style.name, foot.style.name) == ("Normal Table", "Normal Table")
    assert nominees.style.name == "Table Grid"
    assert nominees.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in nominees.rows[0].cells] == [
        "STT",
        "Họ và tên / Tên tập thể",
        "Chức vụ, đơn vị",
        "Hình thức đề nghị",
    ]
    texts = docx_texts(render_proposal_docx(facts))
    p = build_proposal(facts)
    for expected in [
        p.parent_union,
        p.union_name,
        p.number_line,
        p.date_line,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỜ TRÌNH",
        p.subject_line,
        "(Bản sửa đổi lần 3)",
        p.addressee,
        *p.grounds,
        *(g.label for g in p.groups),
        *THREE,
        *p.closing,
        "Nơi nhận:",
        *p.recipients,
        "TM. BAN CHẤP HÀNH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Thị Lan",
    ]:
        assert expected in texts.split("\n"), expected


@needs_soffice
def test_render_proposal_docx_same_page_count_in_libreoffice_as_the_pdf(tmp_path):
    # 1, 3 and 12 nominees, and the lists on either side of a page break in the PDF
    # (4 | 5 and 21 | 22 two-line rows): the .docx breaks at the same rows.
    cases = {
        "one": many(1),
        "three": city_three(revision=1),
        "twelve": many(12, unit=unit(signer_title="Phó Chủ tịch")),
        **{f"rows-{n}": many(n) for n in (4, 5, 21, 22)},
    }
    pdf_pages = {name: len(read_pdf(render_proposal_pdf(f)).pages) for name, f in cases.items()}
    assert pdf_pages == {
        "one": 1,
        "three": 1,
        "twelve": 2,
        "rows-4": 1,
        "rows-5": 2,
        "rows-21": 2,
        "rows-22": 3,
    }
    docx = {name: render_proposal_docx(f) for name, f in cases.items()}
    converted = docx_files_to_pdfs(docx, tmp_path)
    assert {name: len(read_pdf(data).pages) for name, data in converted.items()} == pdf_pages


# -- The danh sách trích ngang ------------------------------------------------------------

HEADERS = [
    "STT",
    "Họ và tên / Tên tập thể",
    "Năm sinh",
    "Giới tính",
    "Chức vụ",
    "Đơn vị",
    "Đối tượng",
    "Hình thức đề nghị",
    "Số sáng kiến",
    "Giá trị làm lợi (đồng)",
    "Ghi chú",
]


def city_three_rows():
    award = "Bằng khen của Liên đoàn Lao động thành phố"
    job = ("Tổ trưởng tổ sản xuất", "Phân xưởng cơ khí chính xác")
    return [
        (1, THREE[0], 1979, "Nam", *job, "Đối tượng 3", award, 5, 320_000_000, None),
        (2, THREE[1], 1982, "Nữ", *job, "Đối tượng 2", award, 0, None, None),
        (3, THREE[2], 1982, "Nữ", None, "Xưởng đúc", "Đối tượng 3", award, 5, 320_000_000, None),
    ]


def two_dossiers() -> list[DossierFacts]:
    second = many(2, unit=unit(union_name="Công đoàn cơ sở Trường THCS Văn Lang"), reference="HS-2")
    return [city_three(), second]


# STT, name, Công đoàn cơ sở, Mã hồ sơ of the rows of two_dossiers().
TWO_DOSSIERS = [
    (1, THREE[0], "Công đoàn cơ sở Công ty TNHH Cơ khí Bến Thành", "HS-7K2M9Q"),
    (2, THREE[1], "Công đoàn cơ sở Công ty TNHH Cơ khí Bến Thành", "HS-7K2M9Q"),
    (3, THREE[2], "Công đoàn cơ sở Công ty TNHH Cơ khí Bến Thành", "HS-7K2M9Q"),
    (4, "Tổ sản xuất số 1 – Phân xưởng lắp ráp", "Công đoàn cơ sở Trường THCS Văn Lang", "HS-2"),
    (5, "Nguyễn Hoàng Phương Thảo 01", "Công đoàn cơ sở Trường THCS Văn Lang", "HS-2"),
]


def test_roster_rows_one_per_nominee_in_dossier_order_numbered_across_dossiers():
    rows = roster_rows(two_dossiers())
    assert [(r.number, r.name, r.union_name, r.reference) for r in rows] == TWO_DOSSIERS
    # A collective has no birth year, gender or count of initiatives.
    assert rows[3] == RosterRow(
        number=4,
        name="Tổ sản xuất số 1 – Phân xưởng lắp ráp",
        birth_year=None,
        gender="",
        position="",
        workplace="12 Lê Lợi, phường Bến Thành, quận 1",
        category="Tập thể",
        award="giấy khen",
        initiatives=None,
        benefit=None,
        note="",
        union_name="Công đoàn cơ sở Trường THCS Văn Lang",
        reference="HS-2",
    )


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_render_roster_xlsx_one_dossier_values_titles_and_print_settings():
    facts = city_three()
    sheet = sheet_of(render_roster_xlsx([facts]))
    assert [sheet.cell(row=r, column=1).value for r in range(1, 5)] == [
        "DANH SÁCH TRÍCH NGANG TẬP THỂ, CÁ NHÂN ĐỀ NGHỊ KHEN THƯỞNG",
        "(Theo Kế hoạch của LĐLĐ quận 1: " + facts.campaign.plan.meta.title + ")",
        "Đợt đề nghị: ĐỐI TƯỢNG VÀ TIÊU CHÍ KHEN CẤP THÀNH PHỐ",
        "Kèm theo Tờ trình của Công đoàn cơ sở Công ty TNHH Cơ khí Bến Thành (mã hồ sơ HS-7K2M9Q)",
    ]
    header_row = 6
    assert [c.value for c in sheet[header_row]] == HEADERS
    body = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=header_row + 1)]
    assert body == city_three_rows()
    money = sheet.cell(row=header_row + 1, column=10)
    assert (money.value, money.number_format, money.data_type) == (320_000_000, "#,##0", "n")
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,
        1,
        0,
    )
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$6:$6"
    assert sheet.freeze_panes == "A7"
    assert sheet.auto_filter.ref == "A6:K9"
    assert sheet.oddFooter.center.text == "Trang &P/&N"


def test_render_roster_xlsx_rows_as_high_as_their_wrapped_text():
    found = campaign()
    name = "Nguyễn Văn Anh " * 9  # 135 characters in a 26-character column: 6 lines
    facts = facts_of(found, [individual(found, "doi-tuong-3", name.strip(), position="")])
    sheet = sheet_of(render_roster_xlsx([facts]))
    # The header's longest title, "Giá trị làm lợi (đồng)", takes two lines in bold.
    assert (sheet.row_dimensions[6].height, sheet.row_dimensions[7].height) == (30, 90)
    assert sheet.cell(row=7, column=1).alignment.horizontal == "center"


def test_render_roster_xlsx_several_dossiers_add_the_unit_columns():
    sheet = sheet_of(render_roster_xlsx(two_dossiers()))
    assert sheet.cell(row=4, column=1).value == "2 hồ sơ, 5 tập thể, cá nhân"
    assert [c.value for c in sheet[6]] == [*HEADERS, "Công đoàn cơ sở", "Mã hồ sơ"]
    assert [
        (r[0].value, r[1].value, r[11].value, r[12].value) for r in sheet.iter_rows(min_row=7)
    ] == TWO_DOSSIERS


FORMULAS = ['=HYPERLINK("http://x.example","Bấm")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def formula_facts() -> DossierFacts:
    found = campaign()
    nominees = [
        individual(found, "doi-tuong-3", value, position=value, note=value) for value in FORMULAS
    ]
    return facts_of(found, nominees, unit=unit(union_name="=1+2"))


def test_render_roster_xlsx_formula_like_text_stays_text():
    facts = formula_facts()
    sheet = sheet_of(render_roster_xlsx([facts, facts]))
    for offset, value in enumerate(FORMULAS, start=7):
        for column in (2, 5, 11):
            cell = sheet.cell(row=offset, column=column)
            assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)
        unit_cell = sheet.cell(row=offset, column=12)
        assert (unit_cell.value, unit_cell.data_type) == ("=1+2", "s")
    plain = sheet.cell(row=7, column=7)
    assert (plain.value, plain.quotePrefix) == ("Đối tượng 3", False)


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_render_roster_csv_bom_same_rows_and_formula_cells_prefixed():
    rows = csv_rows(render_roster_csv([city_three()]))
    expected = [["" if v is None else str(v) for v in row] for row in city_three_rows()]
    assert rows == [HEADERS, *expected]
    facts = formula_facts()
    rows = csv_rows(render_roster_csv([facts, facts]))
    assert rows[0] == [*HEADERS, "Công đoàn cơ sở", "Mã hồ sơ"]
    assert [(r[1], r[4], r[10], r[11]) for r in rows[1 : len(FORMULAS) + 1]] == [
        (f"'{v}", f"'{v}", f"'{v}", "'=1+2") for v in FORMULAS
    ]


def test_render_roster_of_no_dossier_is_the_header_alone():
    sheet = sheet_of(render_roster_xlsx([]))
    assert [c.value for c in sheet[3]] == HEADERS
    assert sheet.max_row == 3
    assert csv_rows(render_roster_csv([])) == [HEADERS]


# -- Whatever a unit types ----------------------------------------------------------------

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
LETTERS = VIETNAMESE + VIETNAMESE.upper() + "0123456789 .,-–()'\"&<>/"
readable = st.text(alphabet=LETTERS, min_size=1, max_size=300).map(lambda s: " ".join(s.split()))
wild = st.text(min_size=0, max_size=300).map(clean_text)


# Each example renders a PDF (and the .docx and XLSX): a few dozen, the same ones every run.
PROFILE = settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def facts_with(names, union_name, signer_name, decomposed) -> DossierFacts:
    found = campaign(call="cap-quan")
    categories = found.call.categories
    nominees = []
    for index, name in enumerate(names):
        category = categories[index % len(categories)]
        nominees.append(
            Nominee(
                subject=category.subject,
                name=unicodedata.normalize("NFD", name) if decomposed else name,
                category_key=category.key,
                category_name=category.name,
                award=found.call.awards[0],
                position=name[:40],
                workplace=name[-40:],
            )
        )
    return facts_of(found, nominees, unit=unit(union_name=union_name, signer_name=signer_name))


@PROFILE
@given(
    names=st.lists(readable.filter(str.strip), min_size=1, max_size=4),
    union_name=readable,
    decomposed=st.booleans(),
)
def test_render_proposal_pdf_any_vietnamese_text_is_printed_whole(names, union_name, decomposed):
    facts = facts_with(names, union_name, "Nguyễn Thị Lan", decomposed)
    extracted = re.sub(r"\s+", "", text(read_pdf(render_proposal_pdf(facts))))
    for name in names:
        assert re.sub(r"\s+", "", unicodedata.normalize("NFC", name)) in extracted


@PROFILE
@given(names=st.lists(wild, min_size=1, max_size=3), union_name=wild, signer=wild)
def test_dossier_documents_never_fail_on_any_unicode(names, union_name, signer):
    facts = facts_with(names, union_name, signer, False)
    assert render_proposal_pdf(facts).startswith(b"%PDF-")
    assert Document(io.BytesIO(render_proposal_docx(facts))).paragraphs
    sheet = sheet_of(render_roster_xlsx([facts]))
    assert sheet.max_row == 6 + len(names)
    assert len(csv_rows(render_roster_csv([facts]))) == 1 + len(names)
