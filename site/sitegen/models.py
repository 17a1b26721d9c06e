"""The typed, immutable model of the content: plans and issuing bodies.

This module owns the schema of `content/` (which keys exist, their types and the
rules that concern one value at a time) and the derived facts every consumer
needs (deadlines as aware datetimes in Asia/Ho_Chi_Minh, status on a given day).
It must not read files or parse YAML: the loader does that and hands plain data
to these models. Messages raised here are Vietnamese, for editors.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import unicodedata
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+$"
)
DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DATETIME_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})$")


def nfc(text: str) -> str:
    """Normalise to NFC: editors paste text from Word in either form."""
    return unicodedata.normalize("NFC", text)


def _to_text(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value).strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A number such as 141 written without quotes is still a text field.
        return str(value)
    return value


def _parse_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("vn_date", "phải là một ngày (YYYY-MM-DD), không kèm giờ")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("vn_date", "phải là một ngày dạng YYYY-MM-DD")
    m = DATE_RE.match(value.strip())
    if not m:
        raise PydanticCustomError(
            "vn_date", 'phải là một ngày dạng YYYY-MM-DD, nhận được "{value}"', {"value": value}
        )
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise PydanticCustomError(
            "vn_date", 'ngày không tồn tại: "{value}"', {"value": value}
        ) from None


def _parse_moment(value: Any) -> Any:
    """A deadline: a date, or a date with a time of day (Asia/Ho_Chi_Minh)."""
    if isinstance(value, (dt.date, Moment)):
        return value if isinstance(value, Moment) else Moment(value, None)
    if not isinstance(value, str):
        raise PydanticCustomError(
            "vn_moment", "phải là ngày YYYY-MM-DD hoặc ngày giờ YYYY-MM-DD HH:MM"
        )
    text = value.strip()
    m = DATETIME_RE.match(text)
    if m:
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            time = dt.time(int(m[4]), int(m[5]))
        except ValueError:
            raise PydanticCustomError(
                "vn_moment", 'ngày giờ không tồn tại: "{value}"', {"value": value}
            ) from None
        return Moment(day, time)
    return Moment(_parse_date(text), None)


def _check_email(value: str) -> str:
    if not EMAIL_RE.match(value):
        raise PydanticCustomError(
            "vn_email", 'địa chỉ email không hợp lệ: "{value}"', {"value": value}
        )
    return value.lower()


def _check_slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise PydanticCustomError(
            "vn_slug",
            'chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang: "{value}"',
            {"value": value},
        )
    return value


def _check_nonempty(value: str) -> str:
    if not value:
        raise PydanticCustomError("vn_empty", "không được để trống")
    return value


Text = Annotated[str, BeforeValidator(_to_text), AfterValidator(_check_nonempty)]
Date = Annotated[dt.date, BeforeValidator(_parse_date)]
Email = Annotated[str, BeforeValidator(_to_text), AfterValidator(_check_email)]
Slug = Annotated[str, BeforeValidator(_to_text), AfterValidator(_check_slug)]


class Moment:
    """A day with an optional time of day, as plans give deadlines.

    "16g00 ngày 14/02/2020" has a time; "trước ngày 15/9/2023" does not, and
    then the whole day counts (the deadline is the end of that day).
    """

    __slots__ = ("date", "time")

    def __init__(self, date: dt.date, time: dt.time | None):
        self.date = date
        self.time = time

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Moment) and (self.date, self.time) == (other.date, other.time)

    def __hash__(self) -> int:
        return hash((self.date, self.time))

    def __repr__(self) -> str:
        return f"Moment({self.date.isoformat()}, {self.time})"

    @property
    def closes_at(self) -> dt.datetime:
        """The last instant that still counts, aware, in Asia/Ho_Chi_Minh."""
        if self.time is not None:
            return dt.datetime.combine(self.date, self.time, TZ)
        return dt.datetime.combine(self.date, dt.time(23, 59, 59), TZ)

    def isoformat(self) -> str:
        if self.time is None:
            return self.date.isoformat()
        return f"{self.date.isoformat()} {self.time.strftime('%H:%M')}"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(_parse_moment)


class Strict(BaseModel):
    """Base of every content model: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Subject(enum.StrEnum):
    """Who may be nominated."""

    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"

    @property
    def label(self) -> str:
        return {"individual": "Cá nhân", "collective": "Tập thể"}[self.value]


class Status(enum.StrEnum):
    """Where a campaign stands on a given day."""

    UPCOMING = "upcoming"
    ONGOING = "ongoing"
    ENDED = "ended"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            "upcoming": "Sắp diễn ra",
            "ongoing": "Đang diễn ra",
            "ended": "Đã kết thúc",
            "unknown": "Chưa rõ thời gian",
        }[self.value]


class Issuer(Strict):
    """An issuing body. Bodies are renamed and merged: they are data, not code."""

    key: Slug
    name: Text
    short_name: Text
    parent: Text | None = None
    place: Text | None = None
    email: Email | None = None
    website: Text | None = None


class Reference(Strict):
    """A document the plan implements (căn cứ / thực hiện)."""

    number: Text | None = None
    date: Date | None = None
    issuer: Text | None = None
    title: Text | None = None
    plan: Slug | None = None


class Period(Strict):
    start: Date
    end: Date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise PydanticCustomError(
                "vn_order",
                "ngày kết thúc {end} trước ngày bắt đầu {start}",
                {"end": self.end.isoformat(), "start": self.start.isoformat()},
            )
        return self


class Phase(Strict):
    name: Text
    start: Date | None = None
    end: Date | None = None
    theme: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Phase:
        if self.start and self.end and self.end < self.start:
            raise PydanticCustomError(
                "vn_order",
                "ngày kết thúc {end} trước ngày bắt đầu {start}",
                {"end": self.end.isoformat(), "start": self.start.isoformat()},
            )
        return self


class Deadline(Strict):
    what: Text
    due: Moment
    to: Text | None = None
    email: Email | None = None


class Criteria(Strict):
    """Thresholds a nominee must meet; every key is optional.

    `required_awards` lists alternatives: at least ONE of them must be among
    the awards the nominee already received (plans write "… hoặc …").
    """

    min_initiatives: Annotated[int, Field(ge=0)] | None = None
    min_total_benefit: Annotated[int, Field(ge=0)] | None = None
    from_year: Annotated[int, Field(ge=1900, le=2200)] | None = None
    to_year: Annotated[int, Field(ge=1900, le=2200)] | None = None
    required_awards: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> Criteria:
        if self.from_year and self.to_year and self.to_year < self.from_year:
            raise PydanticCustomError(
                "vn_order",
                "to_year {to} trước from_year {start}",
                {"to": self.to_year, "start": self.from_year},
            )
        return self


class Category(Strict):
    """A category of nominees (Đối tượng 1, 2, …) and its criteria."""

    key: Slug
    name: Text
    subject: Subject
    selection: Text | None = None
    description: Text
    criteria: Criteria = Criteria()


class DossierItem(Strict):
    item: Text
    copies: Annotated[int, Field(ge=1)] | None = None
    one_page_a4: bool = False
    photo: bool = False


class Contact(Strict):
    name: Text | None = None
    role: Text | None = None
    phone: Text | None = None


class Nomination(Strict):
    """One call for nomination dossiers within a plan (a plan may have several)."""

    key: Slug
    title: Text
    subjects: tuple[Subject, ...]
    categories: tuple[Category, ...] = ()
    awards: tuple[Text, ...] = ()
    dossier: tuple[DossierItem, ...] = ()
    deadline: Moment | None = None
    office: Text | None = None
    email: Email | None = None
    contact: Contact | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Nomination:
        if not self.subjects:
            raise PydanticCustomError(
                "vn_empty", "subjects: cần ít nhất individual hoặc collective"
            )
        keys = [c.key for c in self.categories]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise PydanticCustomError(
                "vn_dup", "categories: khóa bị trùng: {keys}", {"keys": ", ".join(dup)}
            )
        for c in self.categories:
            if c.subject not in self.subjects:
                raise PydanticCustomError(
                    "vn_subject",
                    'categories: "{name}" dành cho {subject} nhưng subjects không có giá trị này',
                    {"name": c.name, "subject": c.subject.value},
                )
        return self

    def categories_for(self, subject: Subject) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if c.subject == subject)

    def is_open(self, now: dt.datetime) -> bool:
        return self.deadline is not None and now <= self.deadline.closes_at


class Signature(Strict):
    on_behalf: Text | None = None
    role: Text
    signer_title: Text | None = None
    name: Text


class FrontMatter(Strict):
    """Exactly what an editor may write at the top of a plan file."""

    number: Text | None = None
    doc_type: Text = "Kế hoạch"
    issuer: Slug
    place: Text | None = None
    issued: Date | None = None
    title: Text
    implements: tuple[Reference, ...] = ()
    period: Period | None = None
    phases: tuple[Phase, ...] = ()
    themes: tuple[Text, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    nominations: tuple[Nomination, ...] = ()
    recipients: tuple[Text, ...] = ()
    signature: Signature | None = None


class Plan(Strict):
    """A validated plan: its front matter, its body and where it came from."""

    slug: Slug
    source: str
    meta: FrontMatter
    body: str
    issuer: Issuer

    @functools.cached_property
    def year(self) -> int | None:
        """The year a listing files the plan under (asked for often: computed once)."""
        if self.meta.issued:
            return self.meta.issued.year
        if self.meta.period:
            return self.meta.period.start.year
        dates = [d.due.date for d in self.meta.deadlines] + [
            n.deadline.date for n in self.meta.nominations if n.deadline
        ]
        return min(dates).year if dates else None

    def status(self, today: dt.date) -> Status:
        period = self.meta.period
        if period is None:
            return Status.UNKNOWN
        if today < period.start:
            return Status.UPCOMING
        if today > period.end:
            return Status.ENDED
        return Status.ONGOING

    def nomination(self, key: str) -> Nomination | None:
        return next((n for n in self.meta.nominations if n.key == key), None)


def normalise_number(number: str) -> str:
    """Fold a printed number for matching: '63 /KH-LĐLD' == '63/KH-LĐLĐ'."""
    folded = nfc(number).upper().replace("Đ", "D")
    return re.sub(r"\s+", "", folded)
