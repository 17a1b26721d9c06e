"""Photos sent with a nomination: checked, decoded fully, straightened, cropped, re-encoded.

This module owns turning untrusted upload bytes into a small clean JPEG for
print: JPEG, PNG or WebP only, within the size limit, decompression bombs
refused, the whole image decoded (a truncated file is refused), EXIF rotation
applied, cropped to 3×4 portrait, resized, re-encoded without metadata. It
raises PhotoError with a Vietnamese message and must not know about forms,
requests or storage.
"""

from __future__ import annotations

import io
import threading
import warnings

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# About 50 megapixels: far above any phone camera, far below a bomb's 400.
MAX_PIXELS = 50_000_000
ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "MPO": "JPEG"}
# 3×4 cm at 300 dpi.
OUTPUT_SIZE = (354, 472)
JPEG_QUALITY = 85
# How Pillow opens 16-bit greyscale PNGs (by version and byte order).
WIDE_GREY_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})
_truncation_lock = threading.Lock()


class PhotoError(ValueError):
    """The upload cannot be used as the photo; the message says why, in Vietnamese."""


class NotAnImage(PhotoError):
    """The bytes are no image Pillow knows (e.g. a document chosen by mistake)."""


def megabytes(size: int) -> str:
    """'1,5 MB', '10 MB' ('80 KB' below 0,1 MB): a size as a Vietnamese message writes it."""
    if size < 1024 * 1024 // 10:
        return f"{-(-size // 1024)} KB"
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0") + " MB"


def process_photo(data: bytes, *, max_bytes: int) -> bytes:
    """A 354×472 JPEG without metadata from the uploaded bytes, or PhotoError."""
    image = decode_image(data, max_bytes=max_bytes, decode_side=2 * max(OUTPUT_SIZE))
    # A box reduction by a whole factor first, keeping at least twice the output size for
    # Lanczos (what Pillow's reducing_gap does): a phone photo resizes several times
    # faster and looks the same at 354×472.
    factor = int(min(image.width / OUTPUT_SIZE[0], image.height / OUTPUT_SIZE[1]) // 2)
    if factor > 1:
        image = image.reduce(factor)
    image = ImageOps.fit(image, OUTPUT_SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A new image carries no EXIF, GPS or ICC data: nothing personal leaks.
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def decode_image(data: bytes, *, max_bytes: int, decode_side: int) -> Image.Image:
    """The upload fully decoded, upright, as RGB pixels, or PhotoError.

    The one gate for untrusted image bytes (a nominee's photo, a signed scan):
    size limit, allowed formats, decompression bombs, truncation. A JPEG may be
    decoded at a reduced scale while keeping at least `decode_side` pixels on its
    shorter needed side; callers resize and re-encode what they get.
    """
    if not data:
        raise PhotoError("Tệp ảnh trống; hãy chọn lại ảnh.")
    if len(data) > max_bytes:
        raise PhotoError(
            f"Ảnh nặng {megabytes(len(data))}, vượt giới hạn {megabytes(max_bytes)}; "
            "hãy chọn ảnh nhỏ hơn."
        )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: make it an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _open_and_decode(data, decode_side)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(
            "Ảnh có kích thước điểm ảnh quá lớn (trên 50 triệu điểm ảnh); "
            "hãy chụp hoặc lưu lại ảnh ở cỡ nhỏ hơn."
        ) from None
    image = ImageOps.exif_transpose(image)
    if image.mode in WIDE_GREY_MODES:
        image = _grey_to_8_bits(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    return image.convert("RGB")


def _grey_to_8_bits(image: Image.Image) -> Image.Image:
    """A 16-bit greyscale PNG (0–65535) as 8-bit greyscale (0–255).

    Pillow's own conversion clips every value above 255, which turns a 16-bit
    photo all white; scaling first keeps its tones.
    """
    return image.convert("I").point(lambda value: value * (255 / 65535)).convert("L")


def _open_and_decode(data: bytes, decode_side: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
    except UnidentifiedImageError:
        raise NotAnImage(
            "Tệp này không phải ảnh JPEG, PNG hay WebP; hãy chọn một tệp ảnh."
        ) from None
    if image.format not in ALLOWED_FORMATS:
        raise PhotoError(f"Ảnh dạng {image.format} chưa được nhận; hãy dùng JPEG, PNG hoặc WebP.")
    width, height = image.size
    if width * height > MAX_PIXELS:
        # Checked before decoding: a few KB of PNG can declare gigabytes of pixels.
        raise Image.DecompressionBombError(f"{width}x{height}")
    if image.format in ("JPEG", "MPO"):
        # Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while decoding (every byte
        # is still read, so truncation is still caught): a 12 MP photo decodes ~10x faster.
        image.draft("RGB", (decode_side, decode_side))
    with _truncation_lock:
        # WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the whole process
        # when imported, which would let a half-uploaded JPEG through grey-filled.
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()  # decodes every pixel: verify() lets truncated JPEGs through
        except (OSError, SyntaxError, ValueError):
            raise PhotoError(
                "Tệp ảnh bị hỏng hoặc chưa tải lên hết; hãy chọn lại ảnh gốc."
            ) from None
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous
    return image
