"""The two nomination forms, as the official achievement summaries are laid out.

This module declares fields: Vietnamese labels tied to inputs, help text,
length limits and the rules that concern the form alone (required fields,
plausible years, readable sums, rows filled in completely). It must not touch
the database, the PDF, the mail or the plan's criteria (services.py checks
those against the plan).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from flask_wtf.file import FileField
from sitegen.text import EmailAddressError, normalise_email
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextArea

from ..form_messages import VietnameseForm, VietnameseMeta
from .amounts import AmountError, parse_money

try:
    from wtforms import SelectChoice
except ImportError:  # pragma: no cover  (WTForms < 3.3 takes (value, label) tuples)
    SelectChoice = None

MAX_INITIATIVES = 15
MAX_AWARDS = 15
MIN_INITIATIVE_ROWS = 3
MIN_AWARD_ROWS = 2
EARLIEST_YEAR = 1945
ROW_LIMITS = {"initiatives": MAX_INITIATIVES, "awards": MAX_AWARDS}

# The consent boxes: kept with what was typed, never part of the summary's data.
CONSENT_FIELDS = (
    "consent_processing",
    "consent_sensitive",
    "consent_publication",
    "nominee_confirmed",
)

PHONE_RE = re.compile(r"^\+?[0-9 .()-]{8,20}$")


def make_choice(value: str, label: str) -> Any:
    """One <option>; WTForms 3.3 deprecates the (value, label) tuples."""
    return SelectChoice(value, label) if SelectChoice else (value, label)


def check_email(form: Any, field: Any) -> None:
    """An email address by the mailer's own rule: what passes can be written in a header."""
    if field.data:
        try:
            normalise_email(field.data)
        except EmailAddressError as error:
            raise ValidationError(str(error)) from None


def check_phone(form: Any, field: Any) -> None:
    """A phone number as people write it: digits, spaces, dots, dashes, brackets, a plus."""
    if field.data and not PHONE_RE.match(field.data.strip()):
        raise ValidationError("Số điện thoại chỉ gồm chữ số (8 đến 20 ký tự), ví dụ 0982 206 192.")


def max_length(maximum: int) -> Length:
    return Length(max=maximum, message=f"Tối đa {maximum} ký tự.")


def required_text(what: str) -> InputRequired:
    return InputRequired(message=f"Hãy nhập {what}.")


def read_year(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if re.fullmatch(r"\d{4}", text) else None


def read_count(text: str) -> int | None:
    text = re.sub(r"[.\s]", "", text or "")
    return int(text) if re.fullmatch(r"\d{1,7}", text) else None


class TextAreaField(StringField):
    widget = TextArea()


class BaseForm(VietnameseForm):
    """Fields both forms share; `now_year` makes "a year in the future" checkable."""

    def __init__(
        self, *args: Any, now_year: int, requires_ethnicity: bool = False, **kwargs: Any
    ) -> None:
        self.now_year = now_year
        self.requires_ethnicity = requires_ethnicity  # the plan's call asks for ethnicity
        super().__init__(*args, **kwargs)

    def check_year(self, field: Any, what: str, earliest: int = EARLIEST_YEAR) -> int | None:
        if not field.data:
            return None
        year = read_year(field.data)
        if year is None:
            raise ValidationError(f"{what} phải là năm có 4 chữ số, ví dụ 2018.")
        if year > self.now_year:
            raise ValidationError(f"{what} {year} chưa tới (năm nay là {self.now_year}).")
        if year < earliest:
            raise ValidationError(f"{what} {year} không hợp lý (sớm hơn {earliest}).")
        return year


class InitiativeRow(Form):
    """One initiative (sáng kiến); a row left empty is ignored."""

    Meta = VietnameseMeta

    title = StringField(
        "Tên sáng kiến",
        [Optional(), max_length(300)],
        description="Tên đúng như trong quyết định công nhận.",
    )
    year = StringField(
        "Năm công nhận", [Optional(), max_length(4)], description="Năm có 4 chữ số, ví dụ 2018."
    )
    level = StringField(
        "Cấp công nhận",
        [Optional(), max_length(100)],
        description="Ví dụ: cấp cơ sở, cấp quận, cấp thành phố.",
    )
    benefit = StringField(
        "Giá trị làm lợi (đồng)",
        [Optional(), max_length(40)],
        description="Ví dụ: 60.000.000 hoặc 60 triệu. Để trống nếu không tính được.",
    )

    def is_empty(self) -> bool:
        return not any(
            (f.data or "").strip() for f in (self.title, self.year, self.level, self.benefit)
        )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_empty():
            return ok
        for field, what in ((self.title, "tên sáng kiến"), (self.year, "năm công nhận")):
            if not (field.data or "").strip():
                field.errors.append(f"Hãy nhập {what} (hoặc xóa cả dòng).")
                ok = False
        if (self.benefit.data or "").strip():
            try:
                parse_money(self.benefit.data)
            except AmountError as error:
                self.benefit.errors.append(str(error))
                ok = False
        return ok


class AwardRow(Form):
    """One award already received (năm, danh hiệu/hình thức, số quyết định, cơ quan)."""

    Meta = VietnameseMeta

    year = StringField(
        "Năm khen thưởng", [Optional(), max_length(4)], description="Năm có 4 chữ số, ví dụ 2019."
    )
    title = StringField(
        "Danh hiệu / hình thức khen thưởng",
        [Optional(), max_length(200)],
        description="Ví dụ: Chiến sĩ thi đua cơ sở; Bằng khen của Ủy ban nhân dân Thành phố.",
    )
    decision = StringField(
        "Số quyết định", [Optional(), max_length(60)], description="Ví dụ: 1234/QĐ-UBND."
    )
    issuer = StringField(
        "Cơ quan ban hành", [Optional(), max_length(150)], description="Cơ quan ký quyết định."
    )

    def is_empty(self) -> bool:
        return not any(
            (f.data or "").strip() for f in (self.year, self.title, self.decision, self.issuer)
        )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_empty():
            return ok
        for field, what in ((self.year, "năm khen thưởng"), (self.title, "danh hiệu / hình thức")):
            if not (field.data or "").strip():
                field.errors.append(f"Hãy nhập {what} (hoặc xóa cả dòng).")
                ok = False
        return ok


class NominationForm(BaseForm):
    """What both summaries have: category, award, achievements, awards, photo, consent.

    Who proposes (the union, its contact) is the dossier's (dossiers/forms.py), asked once."""

    draft = HiddenField()
    category = SelectField(
        "Đối tượng",
        [InputRequired(message="Hãy chọn đối tượng.")],
        description="Nhóm đối tượng theo kế hoạch; tiêu chí của từng nhóm ghi ở đầu trang.",
    )
    award = SelectField(
        "Hình thức khen thưởng đề nghị",
        [InputRequired(message="Hãy chọn hình thức khen thưởng đề nghị.")],
        description="Theo kế hoạch của đợt khen thưởng này.",
    )
    achievements = TextAreaField(
        "Thành tích nổi bật",
        [required_text("thành tích nổi bật"), max_length(4000)],
        description="Kết quả cụ thể, có số liệu; bản in giới hạn trong 01 trang A4.",
    )
    awards = FieldList(FormField(AwardRow), min_entries=MIN_AWARD_ROWS, max_entries=MAX_AWARDS)
    photo = FileField(
        "Ảnh",
        description="JPEG, PNG hoặc WebP, tối đa 10 MB; ảnh được cắt theo khổ 3×4 (dọc).",
    )
    # Honeypot: hidden from people by CSS; bots fill every input they see.
    website = StringField("Trang web (để trống ô này)", [Optional(), max_length(200)])
    # Consent (Law 91/2025/QH15): unticked by default; what was ticked is kept on the version.
    consent_processing = BooleanField(
        "Đồng ý cho xử lý dữ liệu cá nhân trong hồ sơ để xét khen thưởng theo kế hoạch này",
        [
            DataRequired(
                message="Hãy đánh dấu ô đồng ý xử lý dữ liệu cá nhân; "
                "thiếu ô này hồ sơ không gửi được."
            )
        ],
    )
    consent_publication = BooleanField(
        "Đồng ý công bố bản tóm tắt thành tích nếu được khen thưởng (không bắt buộc)"
    )
    nominee_confirmed = BooleanField(
        "Đơn vị xác nhận đã thông báo nội dung trên cho người được đề nghị và người đó đã đồng ý",
        [DataRequired(message="Hãy xác nhận người được đề nghị đã được thông báo và đồng ý.")],
    )

    photo_label = "Ảnh"
    eligibility_keys: tuple[str, ...] = ()

    def set_choices(self, categories: Sequence[tuple[str, str]], awards: Sequence[str]) -> None:
        self.category.choices = [
            make_choice("", "— Chọn đối tượng —"),
            *(make_choice(key, name) for key, name in categories),
        ]
        if awards:
            self.award.choices = [make_choice(a, a) for a in awards]
        else:
            # The plan names no award form: there is nothing to choose, so nothing is asked.
            del self.award

    def check_row_years(self, rows: Any, label: str, summary: str) -> None:
        """Check the year of every filled row; mark the row and raise `summary`."""
        for row in rows:
            if not row.form.is_empty():
                try:
                    self.check_year(row.form.year, label)
                except ValidationError as error:
                    row.form.year.errors = [*row.form.year.errors, str(error)]
                    raise ValidationError(summary) from None

    def validate_awards(self, field: Any) -> None:
        self.check_row_years(field, "Năm khen thưởng", "Có dòng khen thưởng chưa hợp lệ.")


class IndividualForm(NominationForm):
    """Mẫu 03: the summary of an individual (cá nhân)."""

    full_name = StringField(
        "Họ và tên",
        [required_text("họ và tên"), max_length(100)],
        description="Viết có dấu, ví dụ: Nguyễn Thị Lan.",
    )
    gender = SelectField(
        "Giới tính",
        [InputRequired(message="Hãy chọn giới tính.")],
        choices=[make_choice("", "— Chọn —"), make_choice("Nam", "Nam"), make_choice("Nữ", "Nữ")],
        description="Như trong hồ sơ cán bộ.",
    )
    birth_year = StringField(
        "Năm sinh",
        [required_text("năm sinh"), max_length(4)],
        description="Năm có 4 chữ số, ví dụ 1985.",
    )
    # Sensitive data (Decree 356/2025): optional unless the plan asks for it, and only with
    # its own consent (`consent_sensitive`).
    ethnicity = StringField(
        "Dân tộc",
        [max_length(40)],  # no Optional(): it would skip validate_ethnicity on an empty field
        description="Không bắt buộc; là dữ liệu nhạy cảm, chỉ ghi khi người được đề nghị đồng ý. "
        "Ví dụ: Kinh, Tày, Khmer.",
    )
    position = StringField(
        "Chức vụ",
        [required_text("chức vụ"), max_length(150)],
        description="Chức vụ chính quyền và công đoàn, nếu có.",
    )
    workplace = StringField(
        "Đơn vị công tác",
        [required_text("đơn vị công tác"), max_length(200)],
        description="Tên đầy đủ của cơ quan, doanh nghiệp.",
    )
    grassroots_union = StringField(
        "Công đoàn cơ sở",
        [required_text("công đoàn cơ sở của người được đề nghị"), max_length(200)],
        description="Công đoàn cơ sở nơi người được đề nghị sinh hoạt.",
    )
    qualification = StringField(
        "Trình độ chuyên môn",
        [required_text("trình độ chuyên môn"), max_length(150)],
        description="Ví dụ: Kỹ sư cơ khí; Trung cấp điện.",
    )
    duties = TextAreaField(
        "Nhiệm vụ được giao",
        [required_text("nhiệm vụ được giao"), max_length(1500)],
        description="Ngắn gọn, vài dòng.",
    )
    initiatives = FieldList(
        FormField(InitiativeRow), min_entries=MIN_INITIATIVE_ROWS, max_entries=MAX_INITIATIVES
    )

    consent_sensitive = BooleanField(
        "Đồng ý cho xử lý dữ liệu cá nhân nhạy cảm (dân tộc) đã ghi ở trên"
    )

    photo_label = "Ảnh chân dung"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.photo.label.text = self.photo_label

    def validate_ethnicity(self, field: Any) -> None:
        if self.requires_ethnicity and not (field.data or "").strip():
            raise ValidationError("Hãy nhập dân tộc (kế hoạch yêu cầu).")

    def validate_consent_sensitive(self, field: Any) -> None:
        # Ethnicity is sensitive data: typed in, it needs its own explicit consent.
        if (self.ethnicity.data or "").strip() and not field.data:
            raise ValidationError(
                "Đã ghi dân tộc: hãy đánh dấu ô đồng ý xử lý dữ liệu nhạy cảm, "
                "hoặc để trống ô “Dân tộc”."
            )

    def validate_birth_year(self, field: Any) -> None:
        year = self.check_year(field, "Năm sinh", earliest=self.now_year - 100)
        if year is not None and year > self.now_year - 15:
            raise ValidationError(f"Năm sinh {year} không hợp lý cho người lao động.")

    def validate_initiatives(self, field: Any) -> None:
        self.check_row_years(field, "Năm công nhận", "Có dòng sáng kiến chưa hợp lệ.")


class CollectiveForm(NominationForm):
    """Mẫu 02: the summary of a collective (tập thể)."""

    unit_name = StringField(
        "Tên tập thể",
        [required_text("tên tập thể"), max_length(200)],
        description="Tên đầy đủ, ví dụ: Công đoàn cơ sở Công ty TNHH Bình Minh.",
    )
    address = StringField(
        "Địa chỉ",
        [required_text("địa chỉ"), max_length(200)],
        description="Số nhà, đường, phường, quận.",
    )
    members = StringField(
        "Số đoàn viên",
        [required_text("số đoàn viên"), max_length(9)],
        description="Tổng số đoàn viên công đoàn.",
    )
    members_women = StringField(
        "Số đoàn viên nữ", [Optional(), max_length(9)], description="Trong tổng số đoàn viên."
    )
    workers = StringField(
        "Số lao động",
        [required_text("số lao động"), max_length(9)],
        description="Tổng số người lao động.",
    )
    workers_women = StringField(
        "Số lao động nữ", [Optional(), max_length(9)], description="Trong tổng số người lao động."
    )
    leader = StringField(
        "Người đứng đầu",
        [required_text("người đứng đầu"), max_length(150)],
        description="Họ tên và chức vụ, ví dụ: Trần Văn Minh, Chủ tịch công đoàn.",
    )
    features = TextAreaField(
        "Đặc điểm, nhiệm vụ",
        [required_text("đặc điểm, nhiệm vụ"), max_length(1500)],
        description="Ngành nghề, tổ chức bộ máy, thuận lợi và khó khăn; vài dòng.",
    )

    photo_label = "Ảnh tập thể"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.photo.label.text = self.photo_label

    def _check_count(self, field: Any, what: str) -> int | None:
        if not (field.data or "").strip():
            return None
        count = read_count(field.data)
        if count is None:
            raise ValidationError(f"{what} phải là số nguyên, ví dụ 250.")
        return count

    def validate_members(self, field: Any) -> None:
        self._check_count(field, "Số đoàn viên")

    def validate_workers(self, field: Any) -> None:
        self._check_count(field, "Số lao động")

    def validate_members_women(self, field: Any) -> None:
        women = self._check_count(field, "Số đoàn viên nữ")
        total = read_count(self.members.data)
        if women is not None and total is not None and women > total:
            raise ValidationError(f"Số đoàn viên nữ ({women}) lớn hơn số đoàn viên ({total}).")

    def validate_workers_women(self, field: Any) -> None:
        women = self._check_count(field, "Số lao động nữ")
        total = read_count(self.workers.data)
        if women is not None and total is not None and women > total:
            raise ValidationError(f"Số lao động nữ ({women}) lớn hơn số lao động ({total}).")


ELIGIBILITY_PREFIX = "eligibility_"


@functools.lru_cache(maxsize=256)
def with_eligibility(form_class: type[NominationForm], conditions: tuple[Any, ...]) -> type:
    """The form with one required yes/no question per condition of the call
    (`sitegen.models.Eligibility`); unanswered, it is refused with the plan's words.
    Built once per form and call (the content does not change while the app runs)."""
    if not conditions:
        return form_class
    fields = {
        f"{ELIGIBILITY_PREFIX}{condition.key.replace('-', '_')}": BooleanField(
            condition.question,
            [
                InputRequired(
                    message=f"Kế hoạch chỉ xét người đáp ứng điều kiện: {condition.text}. "
                    "Hãy xác nhận (đánh dấu ô này) nếu người được đề nghị đáp ứng."
                )
            ],
            description=f"Theo kế hoạch: {condition.text}.",
        )
        for condition in conditions
    }
    fields["eligibility_keys"] = tuple(fields)
    return type(form_class.__name__, (form_class,), fields)
