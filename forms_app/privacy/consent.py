"""What a unit agreed to when it sent a nomination, as kept on each version.

The record lives in the version's data under "consent" (never in "clean", so the
summary's page is the same whatever was ticked): each box, when, and the
version of the notice that was shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .notice import NOTICE_VERSION

LABELS = {
    "processing": "Xử lý dữ liệu cá nhân để xét khen thưởng",
    "sensitive": "Xử lý dữ liệu nhạy cảm (dân tộc)",
    "publication": "Công bố bản tóm tắt nếu được khen thưởng",
    "nominee_confirmed": "Đơn vị xác nhận người được đề nghị đã đồng ý",
}


def consent_record(typed: dict[str, Any], at: dt.datetime) -> dict[str, Any]:
    """The boxes as ticked in the form that was sent, stamped with time and notice version."""
    return {
        "processing": bool(typed.get("consent_processing")),
        "sensitive": bool(typed.get("consent_sensitive")),
        "publication": bool(typed.get("consent_publication")),
        "nominee_confirmed": bool(typed.get("nominee_confirmed")),
        "notice_version": NOTICE_VERSION,
        "at": at.isoformat(),
    }


def describe(record: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, "Có"/"Không") rows for the person's and the office's pages."""
    if not record:
        return [("Đồng ý", "Không có bản ghi (hồ sơ gửi trước khi có thông báo)")]
    return [(label, "Có" if record.get(key) else "Không") for key, label in LABELS.items()]
