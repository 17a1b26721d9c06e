"""A person fills the forms in real Chromium (Playwright), by their Vietnamese labels.

The app runs on loopback in a thread with a fresh SQLite file; Debian's
Chromium is driven, never a downloaded browser.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from docx import Document
from docx_checks import SOFFICE, docx_to_pdf
from mail_fixtures import all_mails
from paths import CONTENT
from pdf_checks import fonts, page_sizes, read_pdf, text
from photo_samples import phone_photo
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import func, select
from web_client import serve

from forms_app import create_app
from forms_app.store.models import MailState, Nomination

pytestmark = pytest.mark.browser

PLAN = "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def browser_app(folder: Path, **overrides):
    return create_app(
        {
            "SECRET_KEY": "browser-test-secret-0123456789",
            "INSTANCE_PATH": str(folder / "instance"),
            "DATABASE_URL": f"sqlite:///{folder / 'forms.sqlite3'}",
            "CONTENT_DIR": str(CONTENT),
            "NOW": "2020-02-10T09:00:00+07:00",
            "MAIL_BACKEND": "file",
            "MAIL_DIR": str(folder / "mail"),
            **overrides,
        }
    )


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    with serve(browser_app(tmp_path_factory.mktemp("live"))) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is required for the browser tests (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def fill_row(page, labels_values: dict[str, str], index: int) -> None:
    for label, value in labels_values.items():
        page.get_by_label(label, exact=True).nth(index).fill(value)


def fill_individual(page, values: dict[str, str], gender: str) -> None:
    """Category 3, the nominee's part of Mẫu 03 (workplace and union fixed), by labels."""
    page.get_by_label("Đối tượng", exact=True).select_option(label="Đối tượng 3")
    page.get_by_label("Giới tính", exact=True).select_option(label=gender)
    values = {
        "Đơn vị công tác": "Công ty TNHH Cơ khí Bình Minh",
        "Công đoàn cơ sở": "CĐCS Công ty TNHH Cơ khí Bình Minh",
        **values,
    }
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)


def fill_person(page) -> None:
    """The individual form's personal fields and photo (rows and submitter aside)."""
    fill_individual(
        page,
        {
            "Họ và tên": "Nguyễn Thị Lan Hương",
            "Năm sinh": "1985",
            "Dân tộc": "Kinh",
            "Chức vụ": "Tổ trưởng tổ sản xuất",
            "Trình độ chuyên môn": "Kỹ sư cơ khí",
            "Nhiệm vụ được giao": "Phụ trách tổ đúc khuôn gồm 25 công nhân; kèm cặp công nhân mới.",
            "Thành tích nổi bật": (
                "Năm năm liền hoàn thành xuất sắc nhiệm vụ; tổ vượt năng suất 15%."
            ),
        },
        gender="Nữ",
    )
    page.get_by_label("Ảnh chân dung", exact=True).set_input_files(
        files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}]
    )


UNIT = {
    "Tên công đoàn cơ sở": "CĐCS Công ty TNHH Cơ khí Bình Minh",
    "Công đoàn cấp trên trực tiếp": "Liên đoàn Lao động Quận 1",
    "Địa chỉ": "25 Lê Duẩn, phường Bến Nghé, Quận 1",
    "Địa danh ghi ở dòng ngày tháng": "Thành phố Hồ Chí Minh",
    "Người ký tờ trình (họ và tên)": "Phạm Văn Hùng",
    "Người liên hệ": "Trần Văn Đức",
    "Email": "congdoan@binhminh.vn",
    "Số điện thoại": "0909 123 456",
}


def open_dossier(page, base: str, call_key: str, **changes: str) -> str:
    """From the start page: the call's page, the unit's form by its labels; the dossier's URL."""
    page.goto(base + "/")
    page.locator(f"#{PLAN}--{call_key}").get_by_role(
        "link", name="Mở hồ sơ của công đoàn cơ sở"
    ).click()
    expect(page.get_by_role("heading", name="Mở hồ sơ của công đoàn cơ sở")).to_be_visible()
    for label, value in {**UNIT, **changes}.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Chức vụ người ký", exact=True).select_option(label="Chủ tịch")
    page.get_by_role("button", name="Mở hồ sơ").click()
    union = changes.get("Tên công đoàn cơ sở", UNIT["Tên công đoàn cơ sở"])
    expect(page.get_by_role("heading", name=f"Hồ sơ của {union}")).to_be_visible()
    return page.url


def add_nominee(page, base: str, call_key: str, subject_label: str) -> None:
    """A new dossier of the call, then its "Thêm …" button: the nominee's form."""
    open_dossier(page, base, call_key)
    page.get_by_role("link", name=f"Thêm {subject_label}").click()


def fill_and_preview(page) -> None:
    """The whole individual form (three initiatives, the submitter, the sensitive data's
    consent), then "Xem trước bản in"."""
    fill_person(page)
    for index, row in enumerate(INITIATIVES):
        fill_row(page, dict(zip(INITIATIVE_LABELS, row, strict=True)), index)
    fill_submitter(page)
    give_consent(page, SENSITIVE)
    page.get_by_role("button", name="Xem trước bản in").click()


def fill_submitter(page) -> None:
    # The plan's conditions (seed 003 asks one of individuals): each box, by its question.
    for box in page.locator("fieldset:has(legend:text('Điều kiện của kế hoạch')) input").all():
        box.check()


PROCESSING = "Đồng ý cho xử lý dữ liệu cá nhân trong hồ sơ để xét khen thưởng theo kế hoạch này"
SENSITIVE = "Đồng ý cho xử lý dữ liệu cá nhân nhạy cảm (dân tộc) đã ghi ở trên"
CONFIRMED = (
    "Đơn vị xác nhận đã thông báo nội dung trên cho người được đề nghị và người đó đã đồng ý"
)


def consent_box(page, label: str):
    return page.get_by_role("checkbox", name=label, exact=True)


def give_consent(page, *labels: str) -> None:
    for label in (PROCESSING, CONFIRMED, *labels):
        consent_box(page, label).check()


def check_notice(page, issuer: str) -> None:
    """The short notice names the plan's issuing body, and its full page does too."""
    expect(page.locator(".privacy .controller")).to_have_text(issuer)
    for label in (PROCESSING, CONFIRMED):
        expect(consent_box(page, label)).not_to_be_checked()
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Đọc thông báo đầy đủ").click()
    full = opened.value
    expect(full.get_by_role("heading", name="Thông báo xử lý dữ liệu cá nhân")).to_be_visible()
    expect(full.locator(".controller")).to_have_text(issuer)
    full.close()


def preview_and_send(page) -> str:
    """Preview, then "Lưu vào hồ sơ": back on the dossier page; the new nominee's reference."""
    page.get_by_role("button", name="Xem trước bản in").click()
    expect(page.get_by_role("heading", name="Xem trước bản tóm tắt thành tích")).to_be_visible()
    used = page.locator(".used").inner_text()
    assert re.fullmatch(r"đã dùng \d{2,3}% trang A4", used), used
    frame = page.frame_locator("iframe.page")
    expect(frame.get_by_text("TÓM TẮT THÀNH TÍCH")).to_be_visible()
    page.get_by_role("button", name="Lưu vào hồ sơ").click()
    expect(page.get_by_role("heading", name=re.compile("^Hồ sơ của "))).to_be_visible()
    row = page.locator(".nominee-table tbody tr").last
    return row.get_attribute("id").removeprefix("nguoi-")


def download(page, link_name: str, folder: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def check_docx(data: bytes, folder: Path) -> None:
    section = Document(io.BytesIO(data)).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    if SOFFICE is None and os.environ.get("CI") != "true":
        return  # the page count needs LibreOffice; CI installs it (test_docx says so)
    assert page_sizes(read_pdf(docx_to_pdf(data, folder))) == [(595, 842)]


def check_pdf(data: bytes, expected: list[str]) -> None:
    reader = read_pdf(data)
    assert page_sizes(reader) == [(595, 842)]
    assert fonts(reader) and all(fonts(reader).values())
    extracted = " ".join(text(reader).split())
    for value in expected:
        assert value in extracted, value


INITIATIVE_LABELS = ("Tên sáng kiến", "Năm công nhận", "Cấp công nhận", "Giá trị làm lợi (đồng)")
INITIATIVES = [
    ("Cải tiến khuôn ép nhựa giảm phế phẩm", "2016", "Cấp cơ sở", "25.000.000"),
    ("Băng tải tự động cho dây chuyền đóng gói", "2017", "Cấp cơ sở", "30 triệu"),
    ("Quy trình bảo dưỡng máy nén khí tiết kiệm điện", "2019", "Cấp cơ sở", "15000000"),
]


def test_browser_individual_form_filled_previewed_sent(live_server, page, tmp_path):
    add_nominee(page, live_server, "cap-thanh-pho", "cá nhân")
    fill_person(page)
    for index, row in enumerate(INITIATIVES[:2]):
        fill_row(page, dict(zip(INITIATIVE_LABELS, row, strict=True)), index)
    fill_submitter(page)
    # Add a row, then remove one: nothing typed may be lost (three rows stay as a minimum).
    page.get_by_role("button", name="Thêm dòng sáng kiến").click()
    expect(page.get_by_label("Tên sáng kiến", exact=True)).to_have_count(4)
    page.get_by_role("button", name="Xóa sáng kiến 4").click()
    expect(page.get_by_label("Tên sáng kiến", exact=True)).to_have_count(3)
    expect(page.get_by_label("Họ và tên", exact=True)).to_have_value("Nguyễn Thị Lan Hương")
    expect(page.get_by_label("Tên sáng kiến", exact=True).nth(1)).to_have_value(INITIATIVES[1][0])
    expect(page.get_by_text("Ảnh đã nhận; chọn tệp khác nếu muốn thay.")).to_be_visible()
    fill_row(page, dict(zip(INITIATIVE_LABELS, INITIATIVES[2], strict=True)), 2)
    award_labels = (
        "Năm khen thưởng",
        "Danh hiệu / hình thức khen thưởng",
        "Số quyết định",
        "Cơ quan ban hành",
    )
    fill_row(
        page,
        dict(
            zip(
                award_labels,
                ("2018", "Chiến sĩ thi đua cơ sở", "45/QĐ-BM", "Công ty TNHH Cơ khí Bình Minh"),
                strict=True,
            )
        ),
        0,
    )
    fill_row(
        page,
        dict(
            zip(
                award_labels,
                (
                    "2019",
                    "Giấy khen của Liên đoàn Lao động quận 1",
                    "112/QĐ-LĐLĐ",
                    "Liên đoàn Lao động quận 1",
                ),
                strict=True,
            )
        ),
        1,
    )
    check_notice(page, "Liên đoàn Lao động quận 1")
    # Without the consent boxes the form is not sent: each says why, nothing typed is lost.
    page.get_by_role("button", name="Xem trước bản in").click()
    expect(page.locator(".problem")).to_have_text(
        "Hồ sơ còn chỗ chưa hợp lệ; xem các ô được đánh dấu bên dưới."
    )
    expect(page.locator(".consent .error")).to_have_text(
        [
            "Hãy đánh dấu ô đồng ý xử lý dữ liệu cá nhân; thiếu ô này hồ sơ không gửi được.",
            "Đã ghi dân tộc: hãy đánh dấu ô đồng ý xử lý dữ liệu nhạy cảm, "
            "hoặc để trống ô “Dân tộc”.",
            "Hãy xác nhận người được đề nghị đã được thông báo và đồng ý.",
        ]
    )
    expect(page.get_by_label("Tên sáng kiến", exact=True).nth(2)).to_have_value(INITIATIVES[2][0])
    expect(page.get_by_label("Dân tộc", exact=True)).to_have_value("Kinh")
    give_consent(page)  # the sensitive-data box still missing: still refused
    page.get_by_role("button", name="Xem trước bản in").click()
    expect(page.locator(".consent .error")).to_have_count(1)
    expect(consent_box(page, PROCESSING)).to_be_checked()
    consent_box(page, SENSITIVE).check()
    reference = preview_and_send(page)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", reference)
    pdf_bytes = download(page, "Tải bản tóm tắt PDF của Nguyễn Thị Lan Hương", tmp_path)
    check_pdf(
        pdf_bytes,
        [
            "Nguyễn Thị Lan Hương",
            "Công ty TNHH Cơ khí Bình Minh",
            "CĐCS CÔNG TY TNHH CƠ KHÍ BÌNH MINH",  # the dossier's union, top left
            "70.000.000",
            *[row[0] for row in INITIATIVES],
        ],
    )
    docx = download(page, "Tải bản tóm tắt Word của Nguyễn Thị Lan Hương", tmp_path)
    check_docx(docx, tmp_path)


def test_browser_collective_form_filled_previewed_sent(live_server, page, tmp_path):
    add_nominee(page, live_server, "cap-quan", "tập thể")
    page.get_by_label("Đối tượng", exact=True).select_option(label="Tập thể")
    page.get_by_label("Tên tập thể", exact=True).fill(
        "Công đoàn cơ sở Công ty Cổ phần Dệt Phước Long"
    )
    page.get_by_label("Địa chỉ", exact=True).fill("12 Nguyễn Huệ, phường Bến Nghé, quận 1")
    page.get_by_label("Số đoàn viên", exact=True).fill("420")
    page.get_by_label("Số đoàn viên nữ", exact=True).fill("310")
    page.get_by_label("Số lao động", exact=True).fill("450")
    page.get_by_label("Số lao động nữ", exact=True).fill("320")
    page.get_by_label("Người đứng đầu", exact=True).fill("Lê Thị Ngọc Ánh, Chủ tịch công đoàn")
    page.get_by_label("Đặc điểm, nhiệm vụ", exact=True).fill(
        "Doanh nghiệp dệt may với ba phân xưởng; đa số lao động là nữ."
    )
    page.get_by_label("Thành tích nổi bật", exact=True).fill(
        "Năm năm liền đạt danh hiệu Công đoàn cơ sở vững mạnh xuất sắc."
    )
    award_labels = (
        "Năm khen thưởng",
        "Danh hiệu / hình thức khen thưởng",
        "Số quyết định",
        "Cơ quan ban hành",
    )
    fill_row(
        page,
        dict(
            zip(
                award_labels,
                (
                    "2018",
                    "Bằng khen của Ủy ban nhân dân Thành phố",
                    "2345/QĐ-UBND",
                    "UBND Thành phố Hồ Chí Minh",
                ),
                strict=True,
            )
        ),
        0,
    )
    fill_row(
        page,
        dict(
            zip(
                award_labels,
                (
                    "2019",
                    "Giấy khen của Liên đoàn Lao động quận 1",
                    "98/QĐ-LĐLĐ",
                    "Liên đoàn Lao động quận 1",
                ),
                strict=True,
            )
        ),
        1,
    )
    page.get_by_label("Ảnh tập thể", exact=True).set_input_files(
        files=[{"name": "tap-the.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}]
    )
    fill_submitter(page)
    check_notice(page, "Liên đoàn Lao động quận 1")
    expect(consent_box(page, SENSITIVE)).to_have_count(0)  # no ethnicity on Mẫu 02
    page.get_by_role("button", name="Xem trước bản in").click()
    expect(page.locator(".consent .error")).to_have_count(2)
    expect(page.get_by_label("Người đứng đầu", exact=True)).to_have_value(
        "Lê Thị Ngọc Ánh, Chủ tịch công đoàn"
    )
    consent_box(page, PROCESSING).check()
    page.get_by_role("button", name="Xem trước bản in").click()
    expect(page.locator(".consent .error")).to_have_text(
        ["Hãy xác nhận người được đề nghị đã được thông báo và đồng ý."]
    )
    consent_box(page, CONFIRMED).check()
    reference = preview_and_send(page)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", reference)
    name = "Công đoàn cơ sở Công ty Cổ phần Dệt Phước Long"
    pdf_bytes = download(page, f"Tải bản tóm tắt PDF của {name}", tmp_path)
    check_pdf(
        pdf_bytes,
        [name, "12 Nguyễn Huệ, phường Bến Nghé, quận 1", "Bằng khen của Ủy ban nhân dân Thành phố"],
    )
    check_docx(download(page, f"Tải bản tóm tắt Word của {name}", tmp_path), tmp_path)


def test_browser_too_long_summary_keeps_everything_typed(live_server, page):
    add_nominee(page, live_server, "cap-quan", "tập thể")
    page.get_by_label("Đối tượng", exact=True).select_option(label="Tập thể")
    page.get_by_label("Tên tập thể", exact=True).fill("Công đoàn cơ sở Công ty Dệt Phước Long")
    page.get_by_label("Địa chỉ", exact=True).fill("12 Nguyễn Huệ, quận 1")
    page.get_by_label("Số đoàn viên", exact=True).fill("420")
    page.get_by_label("Số lao động", exact=True).fill("450")
    page.get_by_label("Người đứng đầu", exact=True).fill("Lê Thị Ngọc Ánh")
    page.get_by_label("Đặc điểm, nhiệm vụ", exact=True).fill("Dệt may.")
    long_text = "Tổ chức nhiều phong trào thi đua sôi nổi, thiết thực và hiệu quả. " * 45
    page.get_by_label("Thành tích nổi bật", exact=True).fill(long_text)
    page.get_by_label("Năm khen thưởng", exact=True).first.fill("2018")
    page.get_by_label("Danh hiệu / hình thức khen thưởng", exact=True).first.fill(
        "Bằng khen UBND TP"
    )
    page.get_by_label("Ảnh tập thể", exact=True).set_input_files(
        files=[{"name": "tap-the.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}]
    )
    fill_submitter(page)
    give_consent(page)
    page.get_by_role("button", name="Xem trước bản in").click()
    problem = page.locator(".problem").first.inner_text()
    assert re.match(
        r"Bản tóm tắt dài khoảng 1,\d trang A4, vượt giới hạn 01 trang: hãy cắt "
        r"bớt khoảng \d+% \(\d+ dòng\)\. Dài nhất là mục “Thành tích nổi bật”",
        problem,
    )
    expect(page.get_by_label("Thành tích nổi bật", exact=True)).to_have_value(long_text)
    expect(page.get_by_label("Tên tập thể", exact=True)).to_have_value(
        "Công đoàn cơ sở Công ty Dệt Phước Long"
    )
    expect(page.get_by_text("Ảnh đã nhận; chọn tệp khác nếu muốn thay.")).to_be_visible()


class HoldFirstSend:
    """WSGI middleware: counts the POSTs to the save URL and holds the first one until the
    second arrives, as a slow connection holds a person's first click while they click
    again; then both run at once. `overlapped` says whether the second came while the first
    was held (the wait is generous: a loaded machine may take long to send it)."""

    def __init__(self, app) -> None:
        self.app = app
        self.sends = 0
        self.answered = 0
        self.lock = threading.Lock()
        self.second = threading.Event()
        self.overlapped = False

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/gui"):
            with self.lock:
                self.sends += 1
                first = self.sends == 1
            if first:
                self.overlapped = self.second.wait(180)
            else:
                self.second.set()
            response = self.app(environ, start_response)
            with self.lock:
                self.answered += 1
            return response
        return self.app(environ, start_response)


def test_browser_double_click_on_save_adds_the_nominee_once(page, tmp_path):
    app = browser_app(tmp_path)
    gate = HoldFirstSend(app.wsgi_app)
    app.wsgi_app = gate
    with serve(app) as base:
        add_nominee(page, base, "cap-thanh-pho", "cá nhân")
        fill_and_preview(page)
        save = page.get_by_role("button", name="Lưu vào hồ sơ")
        # Two clicks of the mouse: the second while the first request is at the server
        # (Chromium sends a second form submission only once the first has left). The
        # preview's frame may still be loading its fonts and move the button: a click
        # that met no button is made again where the button stands then.
        for _ in range(10):
            save.click(trial=True)  # scrolled into view and standing still
            box = save.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.click(x, y)
            if until(lambda: gate.sends == 1, 10):
                break
        wait_until(lambda: gate.sends == 1, "the first click's POST")
        page.mouse.click(x, y)
        expect(page.get_by_role("heading", name=re.compile("^Hồ sơ của "))).to_be_visible()
        wait_until(lambda: gate.answered == 2, "both saves answered")
        expect(page.locator(".nominee-table tbody tr")).to_have_count(1)
        page.reload()
        expect(page.locator(".nominee-table tbody tr")).to_have_count(1)
    assert gate.sends == gate.answered == 2
    assert gate.overlapped  # the second click came while the first was at the server
    with app.extensions["forms_sessionmaker"]() as session:
        assert session.scalar(select(func.count()).select_from(Nomination)) == 1
        assert all_mails(app) == []  # saving mails nothing; the dossier is sent whole


def delivered(app) -> int:
    """Mails of the outbox delivered, once none is pending any more (else 0)."""
    states = [mail.state for mail in all_mails(app)]
    return 0 if MailState.PENDING in states else len(states)


def wait_until(condition, what: str, seconds: float = 180.0) -> None:
    if not until(condition, seconds):
        raise AssertionError(f"waited {seconds:.0f} s for {what}")


def until(condition, seconds: float) -> bool:
    """Whether `condition()` came true within `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_browser_ethnicity_left_empty_needs_no_sensitive_consent(live_server, page, tmp_path):
    add_nominee(page, live_server, "cap-thanh-pho", "cá nhân")
    fill_individual(  # "Dân tộc" left empty
        page,
        {
            "Họ và tên": "Phạm Minh Tuấn",
            "Năm sinh": "1980",
            "Chức vụ": "Trưởng ca",
            "Trình độ chuyên môn": "Kỹ sư điện",
            "Nhiệm vụ được giao": "Phụ trách ca đêm.",
            "Thành tích nổi bật": "Ba năm liền không có sự cố.",
        },
        gender="Nam",
    )
    page.get_by_label("Ảnh chân dung", exact=True).set_input_files(
        files=[{"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}]
    )
    labels = ("Tên sáng kiến", "Năm công nhận", "Cấp công nhận", "Giá trị làm lợi (đồng)")
    for index, row in enumerate(INITIATIVES):
        fill_row(page, dict(zip(labels, row, strict=True)), index)
    fill_submitter(page)
    give_consent(page)  # processing and the unit's confirmation; no sensitive-data box
    expect(consent_box(page, SENSITIVE)).not_to_be_checked()
    preview_and_send(page)
    pdf_bytes = download(page, "Tải bản tóm tắt PDF của Phạm Minh Tuấn", tmp_path)
    text_of_pdf = " ".join(text(read_pdf(pdf_bytes)).split())
    assert "năm sinh: 1980." in text_of_pdf
    assert "dân tộc" not in text_of_pdf
