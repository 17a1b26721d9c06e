"""The signed Tờ trình's scan: checked as strictly as a photo, kept as a clean PDF."""

from __future__ import annotations

import io

import pytest
from dossier_samples import make_dossier, pdf_text
from photo_samples import huge_png, phone_photo
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from werkzeug.datastructures import FileStorage

from forms_app.dossiers.scan import ScanError, check_scan
from forms_app.dossiers.sending import DossierRefused, find_dossier, remove_scan, upload_scan
from forms_app.nominations.operations import Closed
from forms_app.store.database import get_session

MB = 1024 * 1024
LIMIT = 10 * MB
DANGEROUS = (b"/JavaScript", b"/JS", b"/OpenAction", b"/EmbeddedFiles", b"/AA", b"/Annots")


def text_pdf(text: str, pages: int = 1) -> PdfWriter:
    """A PDF whose pages show `text` in Helvetica (extractable again)."""
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(width=595, height=842)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
        )
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("ascii"))
        page[NameObject("/Contents")] = writer._add_object(content)
    return writer


def as_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def booby_trapped_pdf() -> bytes:
    """A signed-looking PDF that runs JavaScript on opening, from a link and from its page,
    and carries an embedded executable."""
    writer = text_pdf("TO TRINH DA KY")
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x')"),
        }
    )
    root = writer._root_object
    root[NameObject("/OpenAction")] = writer._add_object(script)
    root[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("x"), script])}
            )
        }
    )
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): script})
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/A"): script,
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    writer.add_attachment("cai-dat.exe", b"MZ not a program")
    return as_bytes(writer)


def test_a_pdf_with_javascript_and_attachments_is_rewritten_without_them():
    trapped = booby_trapped_pdf()
    assert [k for k in DANGEROUS if k in trapped] == list(DANGEROUS)
    clean = check_scan(trapped, "to-trinh-da-ky.pdf", max_bytes=LIMIT)
    assert [k for k in DANGEROUS if k in clean] == []
    reader = PdfReader(io.BytesIO(clean))
    assert sorted(reader.trailer["/Root"].keys()) == ["/Pages", "/Type"]
    assert (len(reader.pages), reader.attachments) == (1, {})
    assert reader.pages[0].extract_text() == "TO TRINH DA KY"


def test_a_clean_pdf_of_ten_pages_keeps_its_pages_and_text():
    clean = check_scan(as_bytes(text_pdf("TRANG", pages=10)), "scan.pdf", max_bytes=LIMIT)
    assert pdf_text(clean).split("\n") == ["TRANG"] * 10


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Tệp “quét.pdf” trống; hãy chọn lại bản quét Tờ trình đã ký."),
        (
            b"%PDF-1.7\nkhong phai pdf that\n%%EOF\n",
            "Tệp “quét.pdf” là PDF bị hỏng hoặc chưa tải lên hết; hãy lưu hoặc quét lại "
            "rồi chọn lại.",
        ),
        (
            as_bytes(text_pdf("TRANG"))[:400],
            "Tệp “quét.pdf” là PDF bị hỏng hoặc chưa tải lên hết; hãy lưu hoặc quét lại "
            "rồi chọn lại.",
        ),
        (
            b"PK\x03\x04 a .docx chosen by mistake",
            "Tệp “quét.pdf” không phải PDF hay ảnh (JPEG, PNG, WebP); hãy chọn bản quét "
            "Tờ trình đã ký.",
        ),
        (
            as_bytes(text_pdf("TRANG", pages=11)),
            "Tệp “quét.pdf” có 11 trang; bản quét Tờ trình chỉ nhận tối đa 10 trang.",
        ),
        (
            huge_png(),
            "Tệp “quét.pdf”: Ảnh có kích thước điểm ảnh quá lớn (trên 50 triệu điểm ảnh); "
            "hãy chụp hoặc lưu lại ảnh ở cỡ nhỏ hơn.",
        ),
        (
            phone_photo()[:2000],
            "Tệp “quét.pdf”: Tệp ảnh bị hỏng hoặc chưa tải lên hết; hãy chọn lại ảnh gốc.",
        ),
    ],
    ids=["empty", "fake-pdf", "truncated-pdf", "not-a-scan", "eleven-pages", "bomb", "broken"],
)
def test_a_bad_scan_is_refused_naming_the_file(data, message):
    with pytest.raises(ScanError) as refused:
        check_scan(data, "quét.pdf", max_bytes=LIMIT)
    assert str(refused.value) == message


def test_an_encrypted_pdf_is_refused():
    writer = text_pdf("TRANG")
    writer.encrypt("mat-khau")
    with pytest.raises(ScanError) as refused:
        check_scan(as_bytes(writer), "khoa.pdf", max_bytes=LIMIT)
    assert str(refused.value) == (
        "Tệp “khoa.pdf” là PDF có mật khẩu hoặc bị khóa; hãy lưu lại bản không khóa rồi chọn lại."
    )


def test_a_scan_over_the_limit_is_refused_with_both_sizes():
    data = as_bytes(text_pdf("TRANG")) + b"%" + b"0" * (2 * MB)
    with pytest.raises(ScanError) as refused:
        check_scan(data, "lon.pdf", max_bytes=1 * MB)
    assert str(refused.value) == (
        "Tệp “lon.pdf” nặng 2 MB, vượt giới hạn 1 MB của bản quét; hãy quét ở độ phân giải "
        "thấp hơn (200 dpi là đủ) hoặc chọn tệp nhỏ hơn."
    )


def test_a_phone_photo_becomes_an_upright_one_page_pdf_within_a4_without_its_exif():
    photo = phone_photo((1600, 1200))  # landscape pixels, EXIF says: turn to portrait
    assert b"PhoneMaker" in photo
    clean = check_scan(photo, "anh-chup.jpg", max_bytes=LIMIT)
    reader = PdfReader(io.BytesIO(clean))
    [page] = reader.pages
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert height > width  # upright: portrait
    assert width <= 595.5 and height <= 842.0
    assert abs(width - 595.4) < 1  # a 3:4 photo fills the width of A4
    [image] = page.images
    assert image.image.size == (1200, 1600)
    # Displayed upright the black half is on top.
    pixels = image.image.convert("L")
    assert pixels.getpixel((600, 100)) < 30 and pixels.getpixel((600, 1500)) > 225
    assert b"PhoneMaker" not in clean and b"Exif" not in clean


def test_a_large_png_scan_is_scaled_to_300_dpi_on_a4():
    image = Image.new("L", (5000, 7000), 255)
    out = io.BytesIO()
    image.save(out, "PNG")
    clean = check_scan(out.getvalue(), "scan.png", max_bytes=LIMIT)
    [picture] = PdfReader(io.BytesIO(clean)).pages[0].images
    assert picture.image.size == (2506, 3508)


# --- the operations: a dossier's scan -------------------------------------------------


def upload(data: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type="application/pdf")


def stored_scan(app, token: str) -> tuple[bytes | None, bool, int]:
    with app.test_request_context():
        dossier = find_dossier(get_session(), token)
        return dossier.scan, dossier.changed_since_sent, dossier.revision


def test_uploading_a_scan_keeps_the_clean_pdf_and_removing_it_forgets_it(app):
    token = make_dossier(app)
    now = app.config["NOW"]
    with app.test_request_context():
        upload_scan(token, upload(booby_trapped_pdf(), "to-trinh.pdf"), now)
    scan, changed, revision = stored_scan(app, token)
    assert (pdf_text(scan), changed, revision) == ("TO TRINH DA KY", False, 0)
    assert [k for k in DANGEROUS if k in scan] == []
    with app.test_request_context():
        remove_scan(token, now)
    assert stored_scan(app, token) == (None, False, 0)


def test_a_scan_after_a_sending_marks_the_dossier_changed(app):
    token = make_dossier(app)
    with app.test_request_context():
        dossier = find_dossier(get_session(), token)
        dossier.revision = 1
        get_session().commit()
        upload_scan(token, upload(as_bytes(text_pdf("KY")), "ky.pdf"), app.config["NOW"])
    scan, changed, revision = stored_scan(app, token)
    assert (pdf_text(scan), changed, revision) == ("KY", True, 1)


def test_a_refused_scan_changes_nothing_and_says_why(app):
    token = make_dossier(app)
    with app.test_request_context(), pytest.raises(DossierRefused) as refused:
        upload_scan(token, upload(b"%PDF-1.4 hong", "Tờ trình.pdf"), app.config["NOW"])
    assert refused.value.message == (
        "Tệp “Tờ trình.pdf” là PDF bị hỏng hoặc chưa tải lên hết; hãy lưu hoặc quét lại "
        "rồi chọn lại."
    )
    assert stored_scan(app, token) == (None, False, 0)


def test_no_file_chosen_is_refused(app):
    token = make_dossier(app)
    with app.test_request_context(), pytest.raises(DossierRefused) as refused:
        upload_scan(token, upload(b"", ""), app.config["NOW"])
    assert refused.value.message == "Tệp tải lên trống; hãy chọn lại bản quét Tờ trình đã ký."


def test_the_scan_limit_is_a_setting(make_app):
    app = make_app(MAX_SCAN_BYTES=1 * MB)
    token = make_dossier(app)
    with app.test_request_context(), pytest.raises(DossierRefused) as refused:
        upload_scan(token, upload(b"\0" * (2 * MB), "x.pdf"), app.config["NOW"])
    assert refused.value.message.startswith("Tệp “x.pdf” nặng 2 MB, vượt giới hạn 1 MB")


def test_no_scan_after_the_deadline(make_app):
    app = make_app(NOW="2020-02-14T16:00:00+07:00")
    token = make_dossier(app)
    with app.test_request_context(), pytest.raises(Closed) as closed:
        upload_scan(token, upload(as_bytes(text_pdf("KY")), "ky.pdf"), app.config["NOW"])
    assert closed.value.message.startswith("Đã hết hạn nộp hồ sơ")
    assert stored_scan(app, token) == (None, False, 0)
