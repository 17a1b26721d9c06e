"""What every blueprint shares about HTTP: the client's address and the error pages.

This module owns the one reading of the client's address (ProxyFix, installed
when FORMS_TRUST_PROXY is set, has already put the forwarded address in
`remote_addr`) and the Vietnamese page for every error a person can cause. It
must not know about nominations, the office or the database.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request

MB = 1024 * 1024


def client_address() -> str:
    return (request.remote_addr or "unknown")[:64]


def megabytes(size: int) -> str:
    return f"{size / MB:.0f} MB"


MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Trang không hiểu yêu cầu vừa gửi. Hãy quay lại và thử lại."),
    403: ("Không được phép", "Bạn không có quyền thực hiện thao tác này."),
    404: ("Không tìm thấy trang", "Địa chỉ này không có trên trang nộp hồ sơ."),
    405: ("Thao tác không hợp lệ", "Trang này không nhận kiểu yêu cầu vừa gửi."),
    413: ("Dữ liệu quá lớn", ""),
    429: (
        "Gửi quá nhiều lần",
        "Địa chỉ của bạn đã gửi quá nhiều lần trong một giờ. Hãy đợi một lúc rồi thử lại.",
    ),
    500: ("Lỗi máy chủ", "Đã có lỗi phía máy chủ; hồ sơ chưa được lưu. Hãy thử lại sau."),
}


def describe_too_large(app: Flask) -> str:
    """Which limit the request passed: the size of the whole request, or its number of parts."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    length = request.content_length or 0
    if length and length > limit:
        return (
            f"Hồ sơ gửi lên nặng {megabytes(length)}, vượt giới hạn {megabytes(limit)} của cả "
            f"hồ sơ (ảnh tối đa {megabytes(app.config['MAX_PHOTO_BYTES'])}). Hãy chọn ảnh nhỏ "
            "hơn rồi gửi lại."
        )
    return (
        f"Hồ sơ gửi lên có quá nhiều ô (tối đa {app.config['MAX_FORM_PARTS']} ô, tức là vài "
        "chục dòng sáng kiến và khen thưởng). Hãy bớt các dòng trống hoặc gộp bớt rồi gửi lại."
    )


def register_error_pages(app: Flask) -> None:
    """Every error a user can cause gets a Vietnamese page, never a bare 500."""

    def handler(error: Any) -> tuple[str, int]:
        code = getattr(error, "code", 500) or 500
        title, text = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
        if code == 413:
            text = describe_too_large(app)
        return render_template("message.html", title=title, message=text), code

    for code in MESSAGES:
        app.register_error_handler(code, handler)
