"""The signed Tờ trình's scan: untrusted upload bytes in, a clean PDF out, or a refusal.

This module owns checking the scan a unit uploads after signing and stamping
its Tờ trình, as strictly as a nominee's photo: within the size limit, a PDF
(parsed fully, not encrypted, 1 to `MAX_PAGES` pages, every page's content
readable) or an image (JPEG, PNG or WebP, through `photos.decode_image`, the
one gate for image bytes). What is kept is always re-written: a PDF's pages
copied into a new document without its catalogue (no JavaScript, open action,
embedded files, forms or metadata) and without annotations or page actions;
an image re-encoded as JPEG inside a one-page PDF sized to fit A4. It raises
ScanError with a Vietnamese message naming the file, and must not know about
requests, storage or the dossier.
"""

from __future__ import annotations

import io
import warnings

from pypdf import PdfReader, PdfWriter

from ..nominations.photos import NotAnImage, PhotoError, decode_image, megabytes

CONTENT_TYPE = "application/pdf"
MAX_PAGES = 10
# A4 at 300 dpi: the longest side an image scan keeps (a signature stays legible).
MAX_IMAGE_SIDE = 3508
A4_INCHES = (8.27, 11.69)
JPEG_QUALITY = 85
# What a page must not carry into the office's copy: annotations (links, form fields,
# their actions), page-open/close actions, and pieces tied to the old document's catalogue.
DROPPED_PAGE_KEYS = ("/Annots", "/AA", "/B", "/StructParents", "/PieceInfo", "/Metadata")


class ScanError(ValueError):
    """The upload cannot be used as the signed scan; the message names the file and why."""


def check_scan(data: bytes, filename: str, *, max_bytes: int) -> bytes:
    """The scan as a clean PDF, or ScanError."""
    name = f"Tệp “{filename}”" if filename else "Tệp tải lên"
    if not data:
        raise ScanError(f"{name} trống; hãy chọn lại bản quét Tờ trình đã ký.")
    if len(data) > max_bytes:
        raise ScanError(
            f"{name} nặng {megabytes(len(data))}, vượt giới hạn {megabytes(max_bytes)} của bản "
            "quét; hãy quét ở độ phân giải thấp hơn (200 dpi là đủ) hoặc chọn tệp nhỏ hơn."
        )
    if data.lstrip()[:5] == b"%PDF-":
        clean = _rewrite_pdf(data, name)
    else:
        clean = _image_as_pdf(data, name, max_bytes)
    if len(clean) > max_bytes:
        raise ScanError(
            f"{name} sau khi kiểm tra nặng {megabytes(len(clean))}, vượt giới hạn "
            f"{megabytes(max_bytes)}; hãy quét ở độ phân giải thấp hơn."
        )
    return clean


def _rewrite_pdf(data: bytes, name: str) -> bytes:
    broken = ScanError(
        f"{name} là PDF bị hỏng hoặc chưa tải lên hết; hãy lưu hoặc quét lại rồi chọn lại."
    )
    try:
        with warnings.catch_warnings():
            # pypdf warns about repairs it makes; a repaired file is judged by what follows.
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ScanError(
                    f"{name} là PDF có mật khẩu hoặc bị khóa; hãy lưu lại bản không khóa "
                    "rồi chọn lại."
                )
            count = len(reader.pages)
            if count == 0:
                raise broken
            if count > MAX_PAGES:
                raise ScanError(
                    f"{name} có {count} trang; bản quét Tờ trình chỉ nhận tối đa {MAX_PAGES} trang."
                )
            writer = PdfWriter()
            for page in reader.pages:
                page.get_contents()  # decodes the page's content: a broken stream fails here
                writer.add_page(page, excluded_keys=DROPPED_PAGE_KEYS)
            out = io.BytesIO()
            writer.write(out)
            clean = out.getvalue()
            if len(PdfReader(io.BytesIO(clean)).pages) != count:
                raise broken
    except ScanError:
        raise
    except Exception:  # any parser failure on untrusted bytes is the file's fault
        raise broken from None
    return clean


def _image_as_pdf(data: bytes, name: str, max_bytes: int) -> bytes:
    try:
        image = decode_image(data, max_bytes=max_bytes, decode_side=MAX_IMAGE_SIDE)
    except NotAnImage:
        raise ScanError(
            f"{name} không phải PDF hay ảnh (JPEG, PNG, WebP); hãy chọn bản quét Tờ trình đã ký."
        ) from None
    except PhotoError as error:
        raise ScanError(f"{name}: {error}") from None
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    page = A4_INCHES if image.height >= image.width else A4_INCHES[::-1]
    dpi = max(image.width / page[0], image.height / page[1])
    out = io.BytesIO()
    image.save(out, "PDF", resolution=dpi, quality=JPEG_QUALITY)
    return out.getvalue()
