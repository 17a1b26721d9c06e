"""Photos: real decoding with Pillow, on real files built in memory."""

from __future__ import annotations

import io

import pytest
from photo_samples import huge_png, pdf_named_jpg, phone_photo
from PIL import Image

from forms_app.nominations.photos import PhotoError, process_photo

MB = 1024 * 1024


def test_process_photo_applies_exif_rotation_and_crops_3x4():
    result = Image.open(io.BytesIO(process_photo(phone_photo(), max_bytes=10 * MB)))
    assert (result.format, result.size) == ("JPEG", (354, 472))
    assert result.getpixel((177, 20)) == (0, 0, 0)  # the black half is on top
    assert result.getpixel((177, 450)) == (255, 255, 255)


def test_process_photo_strips_metadata():
    result = Image.open(io.BytesIO(process_photo(phone_photo(), max_bytes=10 * MB)))
    assert dict(result.getexif()) == {}
    assert "exif" not in result.info


def test_process_photo_png_with_transparency_on_white():
    image = Image.new("RGBA", (300, 400), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    result = Image.open(io.BytesIO(process_photo(out.getvalue(), max_bytes=10 * MB)))
    assert result.getpixel((10, 10)) == (255, 255, 255)


def test_process_photo_webp_accepted():
    out = io.BytesIO()
    Image.new("RGB", (600, 800), "blue").save(out, "WEBP")
    assert Image.open(io.BytesIO(process_photo(out.getvalue(), max_bytes=MB))).size == (354, 472)


def _error(data: bytes, max_bytes: int = 10 * MB) -> str:
    with pytest.raises(PhotoError) as caught:
        process_photo(data, max_bytes=max_bytes)
    return str(caught.value)


def test_process_photo_truncated_jpeg_rejected():
    data = phone_photo()
    assert _error(data[: len(data) // 2]) == (
        "Tệp ảnh bị hỏng hoặc chưa tải lên hết; hãy chọn lại ảnh gốc."
    )


def test_process_photo_pdf_renamed_jpg_rejected():
    assert _error(pdf_named_jpg()) == (
        "Tệp này không phải ảnh JPEG, PNG hay WebP; hãy chọn một tệp ảnh."
    )


def test_process_photo_decompression_bomb_rejected():
    data = huge_png()
    assert len(data) < 100
    assert _error(data) == (
        "Ảnh có kích thước điểm ảnh quá lớn (trên 50 triệu điểm ảnh); "
        "hãy chụp hoặc lưu lại ảnh ở cỡ nhỏ hơn."
    )


def test_process_photo_bomb_below_pillow_limit_rejected():
    # 9000×9000 = 81 megapixels: Pillow itself would decode it; our limit refuses it.
    assert _error(huge_png(9000, 9000)) == (
        "Ảnh có kích thước điểm ảnh quá lớn (trên 50 triệu điểm ảnh); "
        "hãy chụp hoặc lưu lại ảnh ở cỡ nhỏ hơn."
    )


def test_process_photo_over_size_limit_rejected():
    assert _error(b"\xff" * (10 * MB + MB // 2)) == (
        "Ảnh nặng 10,5 MB, vượt giới hạn 10 MB; hãy chọn ảnh nhỏ hơn."
    )


def test_process_photo_gif_rejected():
    out = io.BytesIO()
    Image.new("RGB", (30, 40)).save(out, "GIF")
    assert _error(out.getvalue()) == "Ảnh dạng GIF chưa được nhận; hãy dùng JPEG, PNG hoặc WebP."


def test_process_photo_empty_rejected():
    assert _error(b"") == "Tệp ảnh trống; hãy chọn lại ảnh."


def test_process_photo_truncated_jpeg_rejected_after_weasyprint_import():
    import weasyprint  # noqa: F401  (it relaxes Pillow's truncation check process-wide)

    data = phone_photo()
    assert _error(data[: len(data) // 2]) == (
        "Tệp ảnh bị hỏng hoặc chưa tải lên hết; hãy chọn lại ảnh gốc."
    )


def test_process_photo_12_megapixel_phone_photo_rotated_and_reduced():
    result = Image.open(io.BytesIO(process_photo(phone_photo((4000, 3000)), max_bytes=10 * MB)))
    assert result.size == (354, 472)
    assert result.getpixel((177, 20)) == (0, 0, 0)
    assert result.getpixel((177, 450)) == (255, 255, 255)


def test_process_photo_truncated_12_megapixel_jpeg_rejected():
    data = phone_photo((4000, 3000))
    assert _error(data[: len(data) * 3 // 4]) == (
        "Tệp ảnh bị hỏng hoặc chưa tải lên hết; hãy chọn lại ảnh gốc."
    )


def test_process_photo_16_bit_greyscale_png_keeps_its_tones():
    # Three bands of a real 16-bit PNG: black, mid-grey (128 × 257) and light grey (192 × 257).
    image = Image.new("I;16", (354, 472), 0)
    image.paste(128 * 257, (0, 160, 354, 320))
    image.paste(192 * 257, (0, 320, 354, 472))
    out = io.BytesIO()
    image.save(out, "PNG")
    source = Image.open(io.BytesIO(out.getvalue()))
    assert (source.mode, source.getpixel((10, 200))) == ("I;16", 32896)

    result = Image.open(io.BytesIO(process_photo(out.getvalue(), max_bytes=10 * MB)))

    assert result.size == (354, 472)
    assert [result.getpixel((177, y)) for y in (80, 240, 400)] == [
        (0, 0, 0),
        (128, 128, 128),
        (192, 192, 192),
    ]
