"""Issue 12's acceptance, in real Chromium: a unit's whole dossier for seed 003's city call.

A grassroots union opens its dossier, adds three nominees of three categories
(one first refused for a criterion, in the plan's words, then fixed),
downloads the Tờ trình (PDF and Word: same page count in LibreOffice) and
sends; a real SMTP server on loopback receives one office mail with every file
(the danh sách read back with openpyxl) and one confirmation. An edit before
the deadline sends the revised dossier, marked as such; after the deadline the
dossier is read-only.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from email.header import decode_header, make_header

import pytest
from docx import Document
from docx_checks import docx_to_pdf
from mail_fixtures import smtp_server  # noqa: F401  (a fixture)
from openpyxl import load_workbook
from paths import CONTENT
from pdf_checks import fonts, page_sizes, read_pdf, text
from photo_samples import phone_photo
from playwright.sync_api import expect
from sitegen.loader import load_content
from sitegen.models import TZ
from test_browser import (  # noqa: F401  (browser and page are fixtures)
    CONFIRMED,
    INITIATIVE_LABELS,
    PLAN,
    PROCESSING,
    browser,
    browser_app,
    consent_box,
    download,
    fill_row,
    fill_submitter,
    open_dossier,
    page,
    wait_until,
)
from web_client import serve

pytestmark = pytest.mark.browser

OFFICE = "hoanghaldld206@gmail.com"
UNIT_MAIL = "congdoan@binhminh.vn"
# The plan's title as content/ holds it (the Tờ trình cites it in its grounds).
PLAN_TITLE = load_content(CONTENT).by_slug[PLAN].meta.title
AWARD_LABELS = ("Năm khen thưởng", "Danh hiệu / hình thức khen thưởng", "Số quyết định")
AWARD = "Bằng khen của Liên đoàn Lao động thành phố"


def fill_nominee(page, category: str, person: dict[str, str], gender: str) -> None:  # noqa: F811
    """The individual form by its labels: category, the person, a photo, the plan's
    condition and the consents (no ethnicity, so no sensitive-data consent)."""
    page.get_by_label("Đối tượng", exact=True).select_option(label=category)
    page.get_by_label("Giới tính", exact=True).select_option(label=gender)
    for label, value in person.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Ảnh chân dung", exact=True).set_input_files(
        files=[{"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}]
    )
    fill_submitter(page)  # the plan's eligibility question
    consent_box(page, PROCESSING).check()
    consent_box(page, CONFIRMED).check()


def person(name: str, year: str, position: str) -> dict[str, str]:
    return {
        "Họ và tên": name,
        "Năm sinh": year,
        "Chức vụ": position,
        "Đơn vị công tác": "Công ty TNHH Cơ khí Bình Minh",
        "Công đoàn cơ sở": "CĐCS Công ty TNHH Cơ khí Bình Minh",
        "Trình độ chuyên môn": "Kỹ sư cơ khí",
        "Nhiệm vụ được giao": "Phụ trách một tổ sản xuất của phân xưởng cơ khí.",
        "Thành tích nổi bật": "Năm năm liền hoàn thành xuất sắc nhiệm vụ được giao.",
    }


def initiatives(page, rows: list[tuple[str, str, str, str]]) -> None:  # noqa: F811
    for _ in range(len(rows) - 3):
        page.get_by_role("button", name="Thêm dòng sáng kiến").click()
    for index, row in enumerate(rows):
        fill_row(page, dict(zip(INITIATIVE_LABELS, row, strict=True)), index)


def save(page) -> None:  # noqa: F811
    page.get_by_role("button", name="Xem trước bản in").click()
    expect(page.get_by_role("heading", name="Xem trước bản tóm tắt thành tích")).to_be_visible()
    page.get_by_role("button", name="Lưu vào hồ sơ").click()
    expect(page.get_by_role("heading", name=re.compile("^Hồ sơ của "))).to_be_visible()


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def roster_rows(data: bytes) -> list[tuple]:
    """The danh sách's nominee rows (those whose first cell is an STT number)."""
    sheet = load_workbook(io.BytesIO(data)).active
    return [row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]


def test_a_unit_builds_sends_and_revises_its_dossier(
    page,  # noqa: F811
    tmp_path,
    smtp_server,  # noqa: F811
):
    app = browser_app(tmp_path, **smtp_server.config(), OUTBOX_SEND_AFTER_COMMIT=True)
    with serve(app) as base:
        dossier_url = open_dossier(page, base, "cap-thanh-pho")
        assert re.fullmatch(re.escape(base) + r"/ho-so/[A-Za-z0-9_-]{32}/", dossier_url)
        expect(page.locator(".edit-link")).to_have_text(dossier_url)

        # 1. Đối tượng 3: three initiatives worth 70 million đồng.
        page.get_by_role("link", name="Thêm cá nhân").click()
        fill_nominee(page, "Đối tượng 3", person("Nguyễn Thị Lan Hương", "1985", "Tổ trưởng"), "Nữ")
        initiatives(
            page,
            [
                ("Cải tiến khuôn ép nhựa", "2016", "Cấp cơ sở", "25.000.000"),
                ("Băng tải tự động", "2017", "Cấp cơ sở", "30 triệu"),
                ("Bảo dưỡng máy nén khí", "2019", "Cấp cơ sở", "15000000"),
            ],
        )
        save(page)

        # 2. Đối tượng 2: five initiatives worth 350 million đồng.
        page.get_by_role("link", name="Thêm cá nhân").click()
        fill_nominee(page, "Đối tượng 2", person("Lê Văn Tám", "1979", "Quản đốc xưởng"), "Nam")
        initiatives(
            page,
            [
                (f"Sáng kiến tiết kiệm số {i}", str(2015 + i), "Cấp cơ sở", "70 triệu")
                for i in range(5)
            ],
        )
        save(page)

        # 3. Đối tượng 1 needs an award the plan names: refused in its words, then fixed.
        page.get_by_role("link", name="Thêm cá nhân").click()
        fill_nominee(
            page, "Đối tượng 1", person("Phạm Thị Mai", "1975", "Chủ tịch công đoàn"), "Nữ"
        )
        fill_row(
            page,
            dict(zip(AWARD_LABELS, ("2018", "Chiến sĩ thi đua cơ sở", "45/QĐ"), strict=True)),
            0,
        )
        page.get_by_role("button", name="Xem trước bản in").click()
        expect(page.locator(".problems .problem")).to_have_text(
            [
                "Đối tượng 1 yêu cầu đã được tặng một trong các hình thức “huân chương Lao "
                "động”, “Bằng khen Thủ tướng Chính phủ” trong giai đoạn 2015 – 2019; mục khen "
                "thưởng đã nhận chưa có hình thức nào như vậy."
            ]
        )
        expect(page.get_by_label("Họ và tên", exact=True)).to_have_value("Phạm Thị Mai")
        fill_row(
            page,
            dict(
                zip(
                    AWARD_LABELS,
                    ("2017", "Bằng khen của Thủ tướng Chính phủ", "1234/QĐ-TTg"),
                    strict=True,
                )
            ),
            1,
        )
        save(page)

        rows = page.locator(".nominee-table tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.locator("td.name")).to_have_text(
            [
                re.compile("^Nguyễn Thị Lan Hương"),
                re.compile("^Lê Văn Tám"),
                re.compile("^Phạm Thị Mai"),
            ]
        )
        expect(rows.locator("td.criteria")).to_have_text(["Đạt tiêu chí"] * 3)
        expect(rows.nth(0).locator("td").nth(4)).to_contain_text(
            re.compile(r"đã dùng \d+% trang A4")
        )

        # The Tờ trình as it stands: A4, decree 30's header, the plan cited, the three listed.
        proposal = download(page, "Tải tờ trình PDF", tmp_path)
        reader = read_pdf(proposal)
        assert set(page_sizes(reader)) == {(595, 842)}
        assert fonts(reader) and all(fonts(reader).values())
        words = " ".join(text(reader).split())
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "/TTr-CĐCS",
            "TỜ TRÌNH",
            "CĐCS CÔNG TY TNHH CƠ KHÍ BÌNH MINH",
            " ".join(PLAN_TITLE.split()),
            "Nguyễn Thị Lan Hương",
            "Lê Văn Tám",
            "Phạm Thị Mai",
            "Phạm Văn Hùng",
        ):
            assert expected in words, expected
        word = download(page, "Tải tờ trình Word (.docx)", tmp_path)
        section = Document(io.BytesIO(word)).sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert len(page_sizes(read_pdf(docx_to_pdf(word, tmp_path)))) == len(reader.pages)

        # Sent: one office mail with every file, one confirmation.
        page.get_by_role("button", name="Gửi hồ sơ").click()
        expect(page.locator(".notice")).to_contain_text("Đã gửi hồ sơ")
        wait_until(lambda: len(smtp_server.handler.messages()) >= 2, "two mails")
        office, confirmation = sorted(
            smtp_server.handler.messages(), key=lambda m: m["To"].addresses[0].addr_spec != OFFICE
        )
        assert [a.addr_spec for a in office["To"].addresses] == [OFFICE]
        assert [a.addr_spec for a in confirmation["To"].addresses] == [UNIT_MAIL]
        assert subject_of(office).endswith(" – 3 cá nhân")
        files = attachments(office)
        names = list(files)
        assert len(names) == 9
        assert [n.rsplit(".", 1)[1] for n in names] == ["pdf", "docx"] * 4 + ["xlsx"]
        assert names[0].startswith("to-trinh-") and names[-1].startswith("danh-sach-")
        assert [n[:3] for n in names[2:8]] == ["01-", "01-", "02-", "02-", "03-", "03-"]
        assert files[names[0]] == proposal  # what the unit downloaded is what the office got
        listed = roster_rows(files[names[-1]])
        assert [(r[0], r[1], r[2]) for r in listed] == [
            (1, "Nguyễn Thị Lan Hương", 1985),
            (2, "Lê Văn Tám", 1979),
            (3, "Phạm Thị Mai", 1975),
        ]
        cells = [" ".join(str(c) for c in r if c is not None) for r in listed]
        for row, category in zip(cells, ("Đối tượng 3", "Đối tượng 2", "Đối tượng 1"), strict=True):
            assert category in row and AWARD in row and "Nữ" in cells[0]
        assert "70000000" in cells[0].replace(".", "") and "350000000" in cells[1].replace(".", "")
        assert dossier_url in confirmation.get_body(("plain",)).get_content()

        # An edit before the deadline: the whole dossier again, marked "bản sửa đổi lần 1".
        page.get_by_role("button", name="Sửa Lê Văn Tám").click()
        expect(page.get_by_label("Họ và tên", exact=True)).to_have_value("Lê Văn Tám")
        page.get_by_label("Chức vụ", exact=True).fill("Phó Quản đốc xưởng")
        save(page)
        page.get_by_role("button", name="Gửi lại hồ sơ (bản sửa đổi lần 1)").click()
        expect(page.locator(".notice")).to_contain_text("Đã gửi bản sửa đổi lần 1")
        wait_until(lambda: len(smtp_server.handler.messages()) >= 4, "four mails")
        revised = next(
            m
            for m in smtp_server.handler.messages()[2:]
            if m["To"].addresses[0].addr_spec == OFFICE
        )
        assert subject_of(revised).endswith("bản sửa đổi lần 1")
        revised_files = attachments(revised)
        revised_proposal = next(v for k, v in revised_files.items() if k.startswith("to-trinh-"))
        assert "Bản sửa đổi lần 1" in " ".join(text(read_pdf(revised_proposal)).split())
        assert next(n for n in revised_files if n.startswith("02-")).endswith("-v2.pdf")
        revised_roster = next(v for k, v in revised_files.items() if k.endswith(".xlsx"))
        assert "Phó Quản đốc xưởng" in roster_rows(revised_roster)[1]

        # After the deadline: read-only, said plainly.
        app.config["NOW"] = dt.datetime(2020, 2, 14, 16, 0, tzinfo=TZ)
        page.goto(dossier_url)
        expect(page.locator(".closed-notice")).to_contain_text(
            "Đã hết hạn nộp hồ sơ “chậm nhất trước 16g00 ngày 14/02/2020”"
        )
        expect(page.locator(".closed-notice")).to_contain_text("Hồ sơ chỉ còn xem và tải về")
        for name in ("Thêm cá nhân", "Sửa thông tin đơn vị"):
            expect(page.get_by_role("link", name=name)).to_have_count(0)
        for name in ("Gửi hồ sơ", "Sửa Lê Văn Tám"):
            expect(page.get_by_role("button", name=name)).to_have_count(0)
        assert download(page, "Tải tờ trình PDF", tmp_path).startswith(b"%PDF")
