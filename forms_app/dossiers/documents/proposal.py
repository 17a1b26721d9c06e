"""What the Tờ trình says, worked out once from the dossier's facts for the PDF and the .docx.

This module owns the wording of the grassroots union's proposal (Tờ trình) in
the layout of Nghị định 30/2020/NĐ-CP as union documents apply it: the header
(the parent union above the CĐCS, "Số: …/TTr-CĐCS", the national name and
motto, the place and date line), the title and its subject line, the grounds
citing the plan from `content/`, the nominees grouped by category with the
award proposed for each, the closing sentence, "Nơi nhận" and the signature
block. Both renderers (`proposal_pdf`, `proposal_docx`) print exactly these
strings, so the two files cannot say different things. It must not render,
query or decide who is in the dossier.

Choices worth knowing:
- The number and the day and month of the date line are left blank: the
  union's clerk writes them by hand when the signed Tờ trình is registered
  (the decree dates a document on the day it is signed and numbered, which is
  not the day it was generated), and the file stays the same whatever day it is
  downloaded, so the copy the office receives matches the one the unit printed.
  The year is the facts' date's year.
- "Kính gửi" is the body that issued the plan and decides the awards; the
  plan's receiving office, when it is another desk, is listed under "Nơi nhận".
- A Phó Chủ tịch signs "TM. BAN CHẤP HÀNH / PHÓ CHỦ TỊCH": union bodies are
  collectives, and any member of the standing committee signs on the
  collective's behalf under its own title, as the union's own plans do (Lai
  Châu's 141/KH-LĐLĐ, in content/, is signed "TM. BAN THƯỜNG VỤ / PHÓ CHỦ
  TỊCH"). "KT. CHỦ TỊCH" is the state bodies' form for a deputy signing for the
  head (decree 30, Phụ lục I); the union's documents do not use it under "TM.".
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.dates import format_date_words
from sitegen.folding import fold
from sitegen.models import Subject

from ..facts import DossierFacts, Nominee
from .common import normalised

NUMBER_LINE = "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/TTr-CĐCS"
BLANK = "\u00a0" * 6  # room for the day and the month, written by hand
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "TỜ TRÌNH"
ON_BEHALF = "TM. BAN CHẤP HÀNH"
TABLE_HEADERS = ("STT", "Họ và tên / Tên tập thể", "Chức vụ, đơn vị", "Hình thức đề nghị")
NO_AWARD = "Khen thưởng theo kế hoạch"


@dataclass(frozen=True)
class Line:
    """One row of the nominees' table, numbered across the groups."""

    number: int
    name: str
    position_and_unit: str
    award: str


@dataclass(frozen=True)
class Group:
    """The nominees of one category (đối tượng), in the dossier's order."""

    label: str  # "Đối tượng 1: 02 cá nhân"
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Proposal:
    parent_union: str  # upper case, as printed
    union_name: str  # upper case, as printed
    number_line: str
    date_line: str
    title: str
    subject_line: str  # "V/v đề nghị khen thưởng …"
    revision_line: str  # "(Bản sửa đổi lần 2)" or ""
    addressee: str  # "Kính gửi: …"
    grounds: tuple[str, ...]  # the paragraphs before the table
    groups: tuple[Group, ...]
    closing: tuple[str, ...]  # the paragraphs after the table
    recipients: tuple[str, ...]  # the lines under "Nơi nhận:"
    on_behalf: str
    signer_role: str
    signer_name: str
    reference: str  # printed small, so the office can find the dossier
    document_title: str  # the file's own title (PDF metadata, .docx properties)
    author: str  # the union, as it writes its name


def two_digits(count: int) -> str:
    """'01', '02' … '10': how administrative texts write small counts."""
    return f"{count:02d}"


def _sentence_start(text: str) -> str:
    """A title continuing a sentence: a capital first letter lowered unless the title is
    written in capitals throughout (then it is kept as printed, in quotes)."""
    text = text.strip().rstrip(".;:").strip()
    if not text:
        return text
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return f"“{text}”"
    if len(text) > 1 and text[1].isupper():  # an acronym ("CNVCLĐ …") keeps its case
        return text
    return text[0].lower() + text[1:]


def plan_citation(facts: DossierFacts) -> str:
    """'Kế hoạch số 32/KH-LĐLĐ ngày 21 tháng 8 năm 2023 của Liên đoàn Lao động quận Long
    Biên về phát động …', the parts the plan has."""
    plan = facts.campaign.plan
    meta = plan.meta
    parts = [meta.doc_type]
    if meta.number:
        parts.append(f"số {meta.number}")
    if meta.issued:
        parts.append(format_date_words(meta.issued))
    parts.append(f"của {plan.issuer.name}")
    title = _sentence_start(meta.title)
    if title:
        parts.append(f"về {title}")
    return " ".join(parts)


def _plan_short(facts: DossierFacts) -> str:
    plan = facts.campaign.plan
    number = f" số {plan.meta.number}" if plan.meta.number else ""
    return f"{plan.meta.doc_type}{number} của {plan.issuer.short_name}"


def _subjects_phrase(nominees: tuple[Nominee, ...]) -> str:
    subjects = {n.subject for n in nominees} or set(Subject)
    if subjects == {Subject.INDIVIDUAL}:
        return "cá nhân"
    if subjects == {Subject.COLLECTIVE}:
        return "tập thể"
    return "tập thể, cá nhân"


def subject_line(facts: DossierFacts) -> str:
    """'V/v đề nghị khen thưởng …': the call's own words when it is titled "Khen thưởng
    …", else who is proposed and under which plan."""
    title = facts.campaign.call.title.strip().rstrip(".")
    head = "khen thưởng "
    if title.lower().startswith(head) and not title.isupper():
        what = title[len(head) :].strip()
    else:
        what = f"{_subjects_phrase(facts.nominees)} theo {_plan_short(facts)}"
    return f"V/v đề nghị khen thưởng {what}"


def count_phrase(nominees: tuple[Nominee, ...]) -> str:
    """'01 tập thể và 02 cá nhân'."""
    collectives = sum(1 for n in nominees if n.subject == Subject.COLLECTIVE)
    individuals = len(nominees) - collectives
    parts = []
    if collectives:
        parts.append(f"{two_digits(collectives)} tập thể")
    if individuals:
        parts.append(f"{two_digits(individuals)} cá nhân")
    return " và ".join(parts) or "00 cá nhân"


def _position_and_unit(nominee: Nominee) -> str:
    return ", ".join(part for part in (nominee.position, nominee.workplace) if part)


def _award(nominee: Nominee) -> str:
    """The award as a table cell starts: with a capital ("giấy khen" -> "Giấy khen")."""
    award = nominee.award.strip() or NO_AWARD
    return award[0].upper() + award[1:]


def group_nominees(facts: DossierFacts) -> tuple[Group, ...]:
    """The nominees by category, the plan's categories in the plan's order (a category the
    plan no longer has comes after them), numbered 1…n across the groups."""
    order = {c.key: i for i, c in enumerate(facts.campaign.call.categories)}
    keys: list[tuple[str, str]] = []
    for nominee in facts.nominees:
        key = (nominee.subject.value, nominee.category_key)
        if key not in keys:
            keys.append(key)
    keys.sort(key=lambda k: order.get(k[1], len(order)))
    groups = []
    number = 0
    for subject, category_key in keys:
        members = [
            n
            for n in facts.nominees
            if n.subject.value == subject and n.category_key == category_key
        ]
        lines = []
        for nominee in members:
            number += 1
            lines.append(Line(number, nominee.name, _position_and_unit(nominee), _award(nominee)))
        noun = Subject(subject).label.lower()
        label = f"{members[0].category_name}: {two_digits(len(members))} {noun}"
        groups.append(Group(label, tuple(lines)))
    return tuple(groups)


def _same_body(office: str, facts: DossierFacts) -> bool:
    issuer = facts.campaign.plan.issuer
    names = {fold(name).casefold() for name in (issuer.name, issuer.short_name)}
    return fold(office).casefold() in names


def build_proposal(facts: DossierFacts) -> Proposal:
    facts = normalised(facts)
    unit = facts.unit
    plan = facts.campaign.plan
    call = facts.campaign.call
    addressee = plan.issuer.name
    place = unit.place.strip() or "\u00a0" * 12
    date_line = f"{place}, ngày{BLANK}tháng{BLANK}năm {facts.on.year}"
    union = unit.union_name
    grounds = (
        f"Căn cứ {plan_citation(facts)};",
        f"Xét thành tích đạt được của các tập thể, cá nhân, Ban Chấp hành {union} kính đề nghị "
        f"{addressee} xem xét, khen thưởng {count_phrase(facts.nominees)} có thành tích "
        "xuất sắc, cụ thể như sau:",
    )
    closing = (
        "Hồ sơ kèm theo: tóm tắt thành tích của từng tập thể, cá nhân và danh sách trích ngang.",
        f"Ban Chấp hành {union} kính trình {addressee} xem xét, quyết định./.",
    )
    recipients = ["- Như trên;"]
    if call.office and not _same_body(call.office, facts):
        recipients.append(f"- {call.office};")
    recipients.append("- Lưu: VT.")
    revision = f"(Bản sửa đổi lần {facts.revision})" if facts.revision > 0 else ""
    return Proposal(
        parent_union=unit.parent_union.upper(),
        union_name=union.upper(),
        number_line=NUMBER_LINE,
        date_line=date_line,
        title=TITLE,
        subject_line=subject_line(facts),
        revision_line=revision,
        addressee=f"Kính gửi: {addressee}",
        grounds=grounds,
        groups=group_nominees(facts),
        closing=closing,
        recipients=tuple(recipients),
        on_behalf=ON_BEHALF,
        # Chủ tịch or Phó Chủ tịch (facts.SIGNER_TITLES), in capitals under the TM. line.
        signer_role=unit.signer_title.upper(),
        signer_name=unit.signer_name,
        reference=f"Mã hồ sơ {facts.reference}" if facts.reference else "",
        document_title=f"Tờ trình đề nghị khen thưởng – {union}",
        author=union,
    )
