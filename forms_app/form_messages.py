"""WTForms' own messages in Vietnamese, for every form of the app.

WTForms ships no Vietnamese catalogue, so a field without its own message
(an unknown <select> value, a built-in validator) would answer in English.
This module owns the Vietnamese text of every message WTForms and Flask-WTF
can produce, and the base classes that install it: `VietnameseForm` for
Flask-WTF forms, `VietnameseMeta` for plain rows (FieldList/FormField). A
message missing here still reaches people in Vietnamese (a general sentence);
other strings WTForms asks about (default labels made from field names) pass
through unchanged.
It must not hold labels or rules of any particular form.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_wtf import FlaskForm

log = logging.getLogger(__name__)

GENERAL = "Giá trị này không hợp lệ; hãy kiểm tra lại."

# msgid (as in wtforms/locale/wtforms.pot and flask_wtf/file.py) -> Vietnamese.
# Plural msgids share the singular's text: Vietnamese nouns do not inflect.
MESSAGES = {
    "Invalid field name '%s'.": "Tên ô '%s' không có trong biểu mẫu.",
    "Field must be equal to %(other_name)s.": "Ô này phải giống ô %(other_name)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Tối đa %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Tối đa %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Cần đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Cần đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Cần từ %(min)d đến %(max)d ký tự."
    ),
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày phải từ %(min)s trở đi.",
    "Date must be at most %(max)s.": "Ngày không được sau %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải từ %(min)s đến %(max)s.",
    "This field is required.": "Hãy điền ô này.",
    "Invalid input.": "Giá trị nhập chưa đúng dạng.",
    "Invalid email address.": "Email chưa đúng dạng (ví dụ: congdoan@congty.vn).",
    "Invalid IP address.": "Địa chỉ IP chưa đúng dạng.",
    "Invalid Mac address.": "Địa chỉ MAC chưa đúng dạng.",
    "Invalid URL.": "Địa chỉ trang web chưa đúng dạng.",
    "Invalid UUID.": "Mã UUID chưa đúng dạng.",
    "Invalid value, must be one of: %(values)s.": "Giá trị phải là một trong: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không được là: %(values)s.",
    "This field cannot be edited.": "Ô này không được sửa.",
    "This field is disabled and cannot have a value.": "Ô này bị khóa và phải để trống.",
    "Invalid CSRF Token.": "Mã bảo mật của biểu mẫu không hợp lệ; hãy tải lại trang.",
    "CSRF token missing.": "Thiếu mã bảo mật của biểu mẫu; hãy tải lại trang.",
    "CSRF failed.": "Mã bảo mật của biểu mẫu không khớp; hãy tải lại trang.",
    "CSRF token expired.": "Mã bảo mật của biểu mẫu đã hết hạn; hãy tải lại trang.",
    # Flask-WTF's own CSRF check (flask_wtf/csrf.py) raises these without gettext.
    "The CSRF token is missing.": "Thiếu mã bảo mật của biểu mẫu; hãy tải lại trang.",
    "The CSRF session token is missing.": (
        "Phiên làm việc đã hết hạn hoặc trình duyệt chặn cookie; hãy tải lại trang."
    ),
    "The CSRF token has expired.": "Mã bảo mật của biểu mẫu đã hết hạn; hãy tải lại trang.",
    "The CSRF token is invalid.": "Mã bảo mật của biểu mẫu không hợp lệ; hãy tải lại trang.",
    "The CSRF tokens do not match.": "Mã bảo mật của biểu mẫu không khớp; hãy tải lại trang.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ; hãy chọn một mục trong danh sách.",
    "Choices cannot be None.": "Danh sách lựa chọn đang trống.",
    "Not a valid choice.": "Lựa chọn không hợp lệ; hãy chọn một mục trong danh sách.",
    "Invalid choice(s): one or more data inputs could not be coerced.": (
        "Có lựa chọn không hợp lệ; hãy chọn các mục trong danh sách."
    ),
    "'%(value)s' is not a valid choice for this field.": (
        "'%(value)s' không có trong danh sách lựa chọn."
    ),
    "'%(value)s' are not valid choices for this field.": (
        "'%(value)s' không có trong danh sách lựa chọn."
    ),
    "Not a valid datetime value.": "Thời điểm chưa đúng dạng.",
    "Not a valid date value.": "Ngày chưa đúng dạng.",
    "Not a valid time value.": "Giờ chưa đúng dạng.",
    "Not a valid week value.": "Tuần chưa đúng dạng.",
    "Not a valid integer value.": "Cần một số nguyên.",
    "Not a valid decimal value.": "Cần một số.",
    "Not a valid float value.": "Cần một số.",
    # Flask-WTF's file validators (flask_wtf/file.py).
    "File does not have an approved extension: {extensions}": (
        "Tệp không đúng loại cho phép: {extensions}"
    ),
    "File does not have an approved extension.": "Tệp không đúng loại cho phép.",
    "File must be between {min_size} and {max_size} bytes.": (
        "Tệp phải nặng từ {min_size} đến {max_size} byte."
    ),
}


class VietnameseTranslations:
    """The translations object WTForms asks for: gettext/ngettext over MESSAGES."""

    def gettext(self, string: str) -> str:
        found = MESSAGES.get(string)
        if found is not None:
            return found
        if string.endswith("."):
            # A message of a newer WTForms: never shown in English.
            log.warning("WTForms message without Vietnamese text: %r", string)
            return GENERAL
        return string  # a default label made from a field's name ("Draft"): not shown

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


TRANSLATIONS = VietnameseTranslations()


class VietnameseMeta:
    """`Meta = VietnameseMeta` on any WTForms form: its built-in messages in Vietnamese."""

    def get_translations(self, form: Any) -> VietnameseTranslations:
        return TRANSLATIONS


class VietnameseForm(FlaskForm):
    """A Flask-WTF form (CSRF included) whose built-in messages are Vietnamese."""

    Meta = VietnameseMeta

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Flask-WTF words its CSRF refusals in English without asking the translations.
        csrf = self._fields.get(self.meta.csrf_field_name) if self.meta.csrf else None
        if csrf is not None and csrf.errors:
            csrf.errors = [TRANSLATIONS.gettext(str(e)) for e in csrf.errors]
        return valid
