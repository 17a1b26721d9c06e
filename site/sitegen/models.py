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
import zlib
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

from . import vndates
from .text import EmailAddressError, clean_text, nfc, normalise_email

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DATETIME_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})$")


def _to_text(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value).strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A number such as 141 written without quotes is still a text field.
        return str(value)
    return value


def parse_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("vn_date", "phải là một ngày, không kèm giờ")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("vn_date", "phải là một ngày, ví dụ {forms}", _DATE_FORMS)
    try:
        day = vndates.parse_date(value)
        moment = vndates.parse_moment(value) if day is None else None
    except vndates.NotADate:
        raise PydanticCustomError(
            "vn_date", 'ngày không tồn tại: "{value}"', {"value": value}
        ) from None
    if moment is not None:
        raise PydanticCustomError(
            "vn_date", 'phải là một ngày, không kèm giờ: "{value}"', {"value": value}
        )
    if day is None:
        raise PydanticCustomError(
            "vn_date",
            'không đọc được ngày "{value}"; hãy viết theo một trong các dạng {forms}',
            {"value": value, **_DATE_FORMS},
        )
    return day


_DATE_FORMS = {"forms": ", ".join(vndates.ACCEPTED_DATES)}


_TIME_RE = re.compile(
    r"(?<!\d)(?P<hour>\d{1,2})\s*(?:g|giờ|h)\s*(?P<minute>\d{1,2})?(?:\s*phút)?(?![\w/])"
    r"|(?<![\d/])(?P<hour2>\d{1,2}):(?P<minute2>\d{2})(?![\d/])"
)
_DAY_RE = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<month>\d{1,2})"
    r"(?:\s*(?P=sep)\s*(?P<year>\d{4}))?(?!\s*[/.-]?\d)"
    r"|(?<!\d)(?P<day2>\d{1,2})\s+tháng\s+(?P<month2>\d{1,2})(?:\s+năm\s+(?P<year2>\d{4}))?"
)
_BEFORE_RE = re.compile(r"(?<!\w)trước(?!\w)")

MOMENT_FORMS = (
    '"trước ngày 27/5/2021", "chậm nhất ngày 18/9/2023", "trước 16g00 ngày 14/02/2020", '
    '"16 giờ 00 ngày 14/02/2020", hoặc YYYY-MM-DD, YYYY-MM-DD HH:MM'
)


def _moment_error(message: str, value: str) -> PydanticCustomError:
    return PydanticCustomError(
        "vn_moment",
        message + "; các cách ghi được nhận: {forms}",
        {"value": value, "forms": MOMENT_FORMS},
    )


def parse_deadline_words(words: str, issued: dt.date | None) -> Moment:
    """Read a deadline as the plan words it ("chậm nhất trước ngày 15/9/2023").

    The meaning follows how Vietnamese documents are read: "trước ngày X" closes
    at 00:00 on X; "ngày X" or "chậm nhất ngày X" at the end of X; a time of day
    ("16g00", "16 giờ 00", "16:00") closes at that minute. A date written
    without its year takes the year of issue (the next year when the day would
    fall before the issue date).
    """
    text = " ".join(nfc(words).lower().split())
    days = list(_DAY_RE.finditer(text))
    if not days:
        raise _moment_error('không thấy ngày nào trong "{value}"', words)
    if len(days) > 1:
        raise _moment_error(
            'có nhiều hơn một ngày trong "{value}"; mỗi hạn chỉ ghi một ngày', words
        )
    found = days[0]
    day = int(found["day"] or found["day2"])
    month = int(found["month"] or found["month2"])
    year_text = found["year"] or found["year2"]
    rest = text[: found.start()] + " " + text[found.end() :]
    time_match = _TIME_RE.search(rest)
    time = None
    if time_match:
        hour = int(time_match["hour"] or time_match["hour2"])
        minute = int(time_match["minute"] or time_match["minute2"] or 0)
        if hour > 23 or minute > 59:
            raise _moment_error('giờ không tồn tại trong "{value}"', words)
        time = dt.time(hour, minute)
    if year_text:
        year = int(year_text)
    elif issued is not None:
        year = issued.year
        try:
            if dt.date(year, month, day) < issued:
                year += 1
        except ValueError:
            pass
    else:
        raise PydanticCustomError(
            "vn_moment",
            'hạn "{value}" không ghi năm và kế hoạch không có ngày ban hành (issued) để suy ra '
            "năm: hãy ghi năm vào hạn, ví dụ 15/9/2023",
            {"value": words},
        )
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise _moment_error('ngày không tồn tại trong "{value}"', words) from None
    if time is not None:
        rule = DeadlineRule.AT_TIME
    elif _BEFORE_RE.search(rest):
        rule = DeadlineRule.BEFORE_DAY
    else:
        rule = DeadlineRule.END_OF_DAY
    return Moment(date, time, rule, nfc(words).strip())


def _parse_moment(value: Any, info: Any = None) -> Any:
    """A deadline: the plan's own words, or an ISO date or date-time (Asia/Ho_Chi_Minh)."""
    if isinstance(value, Moment):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return Moment(value, None)
    if not isinstance(value, str):
        raise PydanticCustomError(
            "vn_moment",
            "phải là hạn ghi như trong kế hoạch, ví dụ {forms}",
            {"forms": MOMENT_FORMS},
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
    if DATE_RE.match(text):
        return Moment(parse_date(text), None)
    context = getattr(info, "context", None) or {}
    return parse_deadline_words(text, context.get("issued"))


def _check_email(value: str) -> str:
    # The same rule as the nomination form's: an address the mailer can send to.
    try:
        return normalise_email(value).lower()
    except EmailAddressError:
        raise PydanticCustomError(
            "vn_email", 'địa chỉ email không hợp lệ: "{value}"', {"value": value}
        ) from None


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
Date = Annotated[dt.date, BeforeValidator(parse_date)]
Email = Annotated[str, BeforeValidator(_to_text), AfterValidator(_check_email)]
Slug = Annotated[str, BeforeValidator(_to_text), AfterValidator(_check_slug)]


class DeadlineRule(enum.StrEnum):
    """How the plan's words close a deadline."""

    BEFORE_DAY = "before-day"  # "trước ngày X": closes at 00:00 on X
    END_OF_DAY = "end-of-day"  # "ngày X", "chậm nhất ngày X": closes when X ends
    AT_TIME = "at-time"  # "trước 16g00 ngày X": closes at that minute


class Moment:
    """A deadline: the plan's words (when given) and what they mean.

    `date` is the day the words name, `time` the time of day they name (or
    None), `rule` how they close and `words` the plan's own wording, shown
    beside the computed moment ("trước ngày 27/5/2021" closes at 00:00 on
    27/5/2021, a day earlier than "ngày 27/5/2021"). An ISO value written by an
    editor has no words: a date closes at the end of that day.
    """

    __slots__ = ("date", "rule", "time", "words")

    def __init__(
        self,
        date: dt.date,
        time: dt.time | None,
        rule: DeadlineRule | None = None,
        words: str | None = None,
    ):
        if rule is None:
            rule = DeadlineRule.AT_TIME if time is not None else DeadlineRule.END_OF_DAY
        if (rule is DeadlineRule.AT_TIME) != (time is not None):
            raise ValueError("a time of day goes with the at-time rule only")
        self.date = date
        self.time = time
        self.rule = rule
        self.words = words

    def __eq__(self, other: object) -> bool:
        """Two deadlines are the same when they close at the same instant."""
        return isinstance(other, Moment) and self.closes_at == other.closes_at

    def __hash__(self) -> int:
        return hash(self.closes_at)

    def __repr__(self) -> str:
        return f"Moment({self.date.isoformat()}, {self.time}, {self.rule.value}, {self.words!r})"

    @property
    def closes_at(self) -> dt.datetime:
        """The first instant that no longer counts, aware, in Asia/Ho_Chi_Minh.

        Open means `now < closes_at`.
        """
        if self.rule is DeadlineRule.AT_TIME:
            assert self.time is not None
            return dt.datetime.combine(self.date, self.time, TZ)
        if self.rule is DeadlineRule.BEFORE_DAY:
            return dt.datetime.combine(self.date, dt.time(0, 0), TZ)
        return dt.datetime.combine(self.date + dt.timedelta(days=1), dt.time(0, 0), TZ)

    @property
    def last_day(self) -> dt.date:
        """The last calendar day on which something can still be handed in."""
        return (self.closes_at - dt.timedelta(microseconds=1)).date()

    def is_open(self, now: dt.datetime) -> bool:
        return now < self.closes_at

    def isoformat(self) -> str:
        if self.time is None:
            return self.date.isoformat()
        return f"{self.date.isoformat()} {self.time.strftime('%H:%M')}"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.with_info_plain_validator_function(_parse_moment)


class Strict(BaseModel):
    """Base of every content model: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    def model_post_init(self, context: Any, /) -> None:
        # Pydantic keeps in each model the set of the fields given to it
        # (its own set: 200 to 700 bytes, 17 a plan, a quarter of a loaded
        # plan's memory). A frozen model never changes it, and `model_copy`
        # copies it before adding to it: models given the same fields share
        # one set.
        given = self.__pydantic_fields_set__
        shared = shared_fields(given)
        if shared is not given:
            object.__setattr__(self, "__pydantic_fields_set__", shared)


# The sets of fields given to models, one set each (see Strict.model_post_init).
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def shared_fields(given: set[str]) -> set[str]:
    """The one set of these field names that models given them share."""
    return _FIELDS_SETS.setdefault(frozenset(given), given)


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
    """A document the plan cites as its ground (căn cứ / thực hiện).

    Exactly the documents the plan's text cites; `plan` links one that is on
    the site. A plan that is only related (same occasion) is a `Related`.
    """

    number: Text | None = None
    date: Date | None = None
    issuer: Text | None = None
    title: Text | None = None
    plan: Slug | None = None


class Related(Strict):
    """A plan on the site related to this one without being cited (same occasion)."""

    plan: Slug
    relation: Text


class Misprint(Strict):
    """A misprint kept as printed, annotated "nguyên văn" where it appears."""

    text: Text
    correct: Text | None = None


class Edit(Strict):
    """A deliberate change of the source's words in the body, declared for the check.

    `source` is the words as the source prints them ("" when the body adds
    words), `body` the words as the body gives them ("" when it leaves them out).
    """

    source: Annotated[str, BeforeValidator(_to_text)] = ""
    body: Annotated[str, BeforeValidator(_to_text)] = ""
    reason: Text

    @model_validator(mode="after")
    def _changes_something(self) -> Edit:
        if self.source == self.body:
            raise PydanticCustomError("vn_edit", "source và body giống nhau: không có gì thay đổi")
        return self


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
    # Other ways the plan names to send it, as printed ("zalo LDLĐ quận").
    channels: tuple[Text, ...] = ()


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


class Eligibility(Strict):
    """A condition every nominee of a call must meet, which the form asks about.

    `text` is the plan's wording; `question` is what the form asks, to be
    answered "yes" ("Người được đề nghị chưa được tuyên dương … 2010 - 2014?").
    """

    key: Slug
    text: Text
    question: Text
    subject: Subject | None = None  # None: every nominee of the call


class Nomination(Strict):
    """One call for nomination dossiers within a plan (a plan may have several)."""

    key: Slug
    title: Text
    subjects: tuple[Subject, ...]
    eligibility: tuple[Eligibility, ...] = ()
    categories: tuple[Category, ...] = ()
    quota: Text | None = None
    awards: tuple[Text, ...] = ()
    dossier: tuple[DossierItem, ...] = ()
    deadline: Moment | None = None
    office: Text | None = None
    email: Email | None = None
    contact: Contact | None = None
    # Ethnicity is sensitive personal data (Decree 356/2025): asked only when the plan needs it.
    requires_ethnicity: bool = False

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
        for e in self.eligibility:
            if e.subject is not None and e.subject not in self.subjects:
                raise PydanticCustomError(
                    "vn_subject",
                    'eligibility: "{key}" dành cho {subject} nhưng subjects không có giá trị này',
                    {"key": e.key, "subject": e.subject.value},
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

    def eligibility_for(self, subject: Subject) -> tuple[Eligibility, ...]:
        """The shared conditions a nominee of this kind must meet (the form asks each)."""
        return tuple(e for e in self.eligibility if e.subject in (None, subject))

    def is_open(self, now: dt.datetime) -> bool:
        return self.deadline is not None and self.deadline.is_open(now)


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
    related: tuple[Related, ...] = ()
    period: Period | None = None
    phases: tuple[Phase, ...] = ()
    year_theme: Text | None = None
    themes: tuple[Text, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    nominations: tuple[Nomination, ...] = ()
    recipients: tuple[Text, ...] = ()
    recipients_note: Text | None = None
    signature: Signature | None = None
    source: Text | None = None
    edits: tuple[Edit, ...] = ()
    misprints: tuple[Misprint, ...] = ()


def pack_text(text: str) -> bytes:
    """A text kept for later, compressed (see `Plan`)."""
    return zlib.compress(text.encode("utf-8"), 1)


def unpack_text(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


class Plan(Strict):
    """A validated plan: its front matter, its body and where it came from.

    The body and the original text are kept compressed (`pack_text`): a site
    holds every plan at once and reads a body once or twice; as Python
    strings, Vietnamese text takes two bytes a letter, half of a loaded
    plan's memory (25 of 47 KB), against about 5 KB compressed.
    """

    slug: Slug
    source: str
    meta: FrontMatter
    packed_body: bytes
    issuer: Issuer
    packed_source: bytes | None = None

    @property
    def body(self) -> str:
        return unpack_text(self.packed_body)

    @property
    def source_text(self) -> str | None:
        """The original text the plan was made from (`meta.source`), if any."""
        return None if self.packed_source is None else unpack_text(self.packed_source)

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


@functools.lru_cache(maxsize=1 << 17)  # asked for every plan on each preview update
def normalise_number(number: str) -> str:
    """Fold a printed number for matching: '63 /KH-LĐLD' == '63/KH-LĐLĐ'."""
    folded = nfc(number).upper().replace("Đ", "D")
    return re.sub(r"\s+", "", folded)
