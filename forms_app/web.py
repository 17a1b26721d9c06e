"""What every blueprint shares about HTTP: client address, error pages, security headers.

This module owns the one reading of the client's address (ProxyFix, installed
when FORMS_TRUST_PROXY is set, has already put the forwarded address in
`remote_addr`), the Vietnamese page for every error a person can cause, and
the headers of every response: Flask-Talisman's Content-Security-Policy (no
inline script or style), framing refused, nosniff, Referrer-Policy, the
session cookie's SameSite/Secure flags and HSTS over https; and
`Cache-Control: no-store` on everything except the static files, since forms,
previews, confirmations, downloads and the office all hold personal data.
It must not know about nominations, the office or the database.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, render_template, request
from flask_talisman import DENY, SAMEORIGIN, Talisman

MB = 1024 * 1024

# Every page: scripts, styles, images and frames from this app only, nothing inline.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The summary shown in the preview's frame is the print document itself: its styles are
# inline (WeasyPrint reads the same HTML), its photo a data: URI, and only our own pages
# may frame it.
SUMMARY_FRAME_POLICY = {
    "default-src": "'none'",
    "img-src": "data:",
    "style-src": "'unsafe-inline'",
    "font-src": "'self'",
    "frame-ancestors": "'self'",
}
# Files that hold nothing personal and may be cached by the browser.
CACHEABLE_ENDPOINTS = frozenset({"static", "nominations.asset"})

# Talisman's decorator only marks a view with its own options; the app's Talisman
# (register_security_headers) reads them. Every other option is the same in every app.
summary_frame = Talisman()(frame_options=SAMEORIGIN, content_security_policy=SUMMARY_FRAME_POLICY)


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


def register_security_headers(app: Flask) -> None:
    """Flask-Talisman's headers on every response, and no-store on everything personal."""
    Talisman(
        app,
        # https is enforced where TLS ends (the reverse proxy); redirecting here as well
        # would loop behind a proxy that is not trusted (FORMS_TRUST_PROXY off).
        force_https=False,
        frame_options=DENY,
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        session_cookie_http_only=True,
        strict_transport_security=app.config["SESSION_COOKIE_SECURE"],
    )

    @app.after_request
    def no_store(response: Response) -> Response:
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"
        return response
