"""The unit's form: who proposes (the grassroots union), who signs, whom the office calls.

This module declares the fields of the dossier's unit, asked once per dossier
and printed on the Tờ trình, the danh sách and every nominee's summary:
Vietnamese labels, help text, length limits, and the email and phone rules
the nominee forms used to apply (one helper each, in nominations/forms.py).
It must not touch the database, the documents or the mail.
"""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Optional

from ..form_messages import VietnameseForm
from ..nominations.forms import check_email, check_phone, make_choice, max_length, required_text
from .facts import SIGNER_TITLES, UNIT_FIELDS


class UnitForm(VietnameseForm):
    """The grassroots union that proposes: its names, the signer and the contact."""

    union_name = StringField(
        "Tên công đoàn cơ sở",
        [required_text("tên công đoàn cơ sở"), max_length(200)],
        description="Tên đầy đủ, ví dụ: Công đoàn cơ sở Công ty TNHH Cơ khí Bình Minh; "
        "in ở đầu tờ trình và góc trên bên trái mỗi bản tóm tắt.",
    )
    parent_union = StringField(
        "Công đoàn cấp trên trực tiếp",
        [required_text("tên công đoàn cấp trên trực tiếp"), max_length(200)],
        description="Ví dụ: Liên đoàn Lao động Quận 1; in ở dòng trên tên công đoàn cơ sở.",
    )
    address = StringField(
        "Địa chỉ",
        [required_text("địa chỉ của công đoàn cơ sở"), max_length(200)],
        description="Số nhà, đường, phường, quận.",
    )
    place = StringField(
        "Địa danh ghi ở dòng ngày tháng",
        [required_text("địa danh"), max_length(60)],
        description="Ví dụ: Hà Nội, Thành phố Hồ Chí Minh, Lai Châu "
        "(“Hà Nội, ngày … tháng … năm …”).",
    )
    signer_name = StringField(
        "Người ký tờ trình (họ và tên)",
        [required_text("họ tên người ký tờ trình"), max_length(100)],
        description="Thay mặt Ban chấp hành (TM. BAN CHẤP HÀNH).",
    )
    signer_title = SelectField(
        "Chức vụ người ký",
        [InputRequired(message="Hãy chọn chức vụ người ký.")],
        choices=[make_choice("", "— Chọn —"), *(make_choice(t, t) for t in SIGNER_TITLES)],
    )
    contact_name = StringField(
        "Người liên hệ",
        [required_text("họ tên người liên hệ"), max_length(100)],
        description="Người văn phòng có thể gọi khi cần bổ sung hồ sơ.",
    )
    contact_email = StringField(
        "Email",
        [required_text("email"), max_length(254), check_email],
        description="Nơi nhận đường dẫn riêng của hồ sơ và thư xác nhận khi gửi.",
    )
    contact_phone = StringField(
        "Số điện thoại",
        [required_text("số điện thoại"), max_length(20), check_phone],
        description="Ví dụ: 0982 206 192.",
    )
    # Honeypot: hidden from people by CSS; bots fill every input they see.
    website = StringField("Trang web (để trống ô này)", [Optional(), max_length(200)])

    def unit_values(self) -> dict[str, Any]:
        """The validated unit as the dossier keeps it: one line each, trimmed."""
        return {name: " ".join((self[name].data or "").split()) for name in UNIT_FIELDS}
