"""Finding a plan's values in a document laid out by Nghị định 30/2020/NĐ-CP.

This module owns reading the blocks of an office document as a plan: the
header (parent body, issuing body, "Số:", national heading, place and date),
the document type and title, the grounds ("Căn cứ…", "Thực hiện…": number,
date and issuing body of each cited document), the body with its headings
(from the "I.", "1.", "a)", "1.1." numbering), the deadlines in the plan's own
words, e-mail addresses and phone numbers, "Nơi nhận" and the signature block.

It never invents: a value it cannot find stays None and a `Missing` says what
was looked for. It must not write files nor know the content folder.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .. import vndates
from .reading import Block

DOC_TYPES = {
    "KẾ HOẠCH": "Kế hoạch",
    "CHƯƠNG TRÌNH": "Chương trình",
    "HƯỚNG DẪN": "Hướng dẫn",
    "THÔNG BÁO": "Thông báo",
    "QUYẾT ĐỊNH": "Quyết định",
    "CÔNG VĂN": "Công văn",
    "BÁO CÁO": "Báo cáo",
}
CITED_TYPES = (
    "Kế hoạch|Nghị định|Nghị quyết|Chỉ thị|Quyết định|Hướng dẫn|Công văn|Thông tư|"
    "Chương trình|Luật|Thông báo|Điều lệ|Kết luận|Thông tri|Văn bản"
)
ROLE_WORDS = (
    "PHÓ CHỦ TỊCH THƯỜNG TRỰC|PHÓ CHỦ TỊCH|CHỦ TỊCH|PHÓ TRƯỞNG BAN|TRƯỞNG BAN|"
    "PHÓ GIÁM ĐỐC|GIÁM ĐỐC|PHÓ TRƯỞNG PHÒNG|TRƯỞNG PHÒNG|PHÓ BÍ THƯ|BÍ THƯ|CHÁNH VĂN PHÒNG"
)

_DOC_TYPE_RE = re.compile(rf"^({'|'.join(DOC_TYPES)})\b\s*(.*)$")
_NUMBER_RE = re.compile(r"^Số\s*:\s*(.*)$", re.IGNORECASE)
_PLACE_DATE_RE = re.compile(
    r"^(?P<place>[^,]+?)\s*,\s*ngày\s+(?P<d>[\d.…]+)\s+tháng\s+(?P<m>[\d.…]+)\s+năm\s+(?P<y>[\d.…]+)"
)
_NATIONAL_RE = re.compile(
    r"^(CỘNG HÒA|CỘNG HOÀ|ĐỘC LẬP|Độc lập|ĐẢNG CỘNG SẢN)|Tự do\s*-\s*Hạnh phúc", re.IGNORECASE
)
_BODY_OPENER_RE = re.compile(r"^(Căn cứ|Thực hiện|Hưởng ứng|Nhằm|Để|Triển khai)\b")
_GROUND_OPENER_RE = re.compile(r"^\W*(Căn cứ|Thực hiện)\b")
_RECIPIENTS_RE = re.compile(r"^\W*Nơi nhận\s*:?\s*(.*)$", re.IGNORECASE)
_SIGN_RE = re.compile(r"^(TM|KT|Q|TL|TUQ)\s*\.\s*(.+)$")
_ROLE_RE = re.compile(rf"^({ROLE_WORDS})$")
_ROLE_END_RE = re.compile(rf"^(.*?)\s+({ROLE_WORDS})$")
_SIGNED_NOTE_RE = re.compile(r"^\(?\s*(đã ký|ký|ký tên|ký, ghi rõ|đóng dấu)[^)]*\)?$", re.I)

_ROMAN_HEADING_RE = re.compile(r"^(?=[IVXL])[IVXL]+\s*[.\-–/)]")
_ARABIC_HEADING_RE = re.compile(r"^\d{1,2}\s*[.\-–)]\s*\D")
_SUB_HEADING_RE = re.compile(r"^(\d{1,2}\.\d{1,2}\.?|[a-zđ]\))\s")

_DEADLINE_RE = re.compile(
    r"(?:chậm nhất|hạn chót|hạn cuối)?\s*(?:trước|vào|trong)?\s*"
    rf"(?:(?:{vndates.TIME_PATTERN})\s*,?\s*)?(?:ngày\s+)?"
    r"(?P<day>\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?)(?![\d])",
    re.IGNORECASE,
)
_DEADLINE_WORDS = re.compile(r"^(chậm nhất|hạn chót|hạn cuối|trước)", re.IGNORECASE)
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
PHONE_RE = re.compile(r"(?<![\d/])(?:\+84|0)\d{2,3}(?:[ .]?\d){6,8}(?![\d/])")


@dataclass
class Missing:
    """A value the document does not give: the field and what was looked for."""

    field: str
    message: str


@dataclass
class Draft:
    """Everything found in one document; None where nothing was found."""

    number: str | None = None
    doc_type: str | None = None
    parent: str | None = None
    issuer_name: str | None = None
    place: str | None = None
    issued: dt.date | None = None
    title: str | None = None
    grounds: list[dict[str, object]] = field(default_factory=list)
    deadlines: list[dict[str, str]] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    recipients_note: str | None = None
    signature: dict[str, str] = field(default_factory=dict)
    contacts: list[str] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    headings: dict[int, int] = field(default_factory=dict)  # body index → level
    missing: list[Missing] = field(default_factory=list)


def parse_blocks(blocks: list[Block]) -> Draft:
    draft = Draft()
    start = _find_doc_type(blocks, draft)
    header = [line for b in blocks[:start] for line in b.lines()] if start is not None else []
    _parse_header(header, draft)
    body_start = _parse_title(blocks, start, draft) if start is not None else 0
    end = _find_tail(blocks, body_start)
    draft.body = [b for b in blocks[body_start:end] if b.is_table or _has_letters(b.text)]
    tail = [line for b in blocks[end:] for line in b.lines()]
    _parse_tail(tail, draft)
    _parse_grounds(draft)
    _parse_deadlines_and_contacts(draft)
    _mark_headings(draft)
    return draft


def _has_letters(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _find_doc_type(blocks: list[Block], draft: Draft) -> int | None:
    for i, block in enumerate(blocks):
        if block.is_table or _BODY_OPENER_RE.match(block.text):
            continue
        first = block.lines()[0] if block.lines() else ""
        m = _DOC_TYPE_RE.match(first.upper() if first.upper() in DOC_TYPES else first)
        if m and (not m[2] or m[2].isupper()):
            draft.doc_type = DOC_TYPES[m[1]]
            return i
    draft.missing.append(
        Missing("doc_type", "không thấy dòng tên loại văn bản (ví dụ KẾ HOẠCH) trên một dòng riêng")
    )
    return None


def _parse_header(lines: list[str], draft: Draft) -> None:
    names = []
    for line in lines:
        if not _has_letters(line) or _NATIONAL_RE.search(line):
            continue
        if m := _NUMBER_RE.match(line):
            value = m[1].strip()
            draft.number = value if re.search(r"\d", value) else None
            continue
        if m := _PLACE_DATE_RE.match(line):
            draft.place = m["place"].strip()
            try:
                draft.issued = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                draft.missing.append(
                    Missing("issued", f'dòng ngày tháng "{line}" không ghi một ngày có thật')
                )
            continue
        # Names are printed in capitals; text converted from a .VnTimeH font comes back
        # in small letters, so any other header line counts as a name.
        if not line.startswith("("):
            names.append(line)
    if len(names) >= 2:
        draft.parent, draft.issuer_name = names[0], " ".join(names[1:])
    elif names:
        draft.issuer_name = names[0]
        draft.missing.append(
            Missing(
                "parent",
                "góc trái phía trên chỉ có một dòng tên cơ quan, không có cơ quan cấp trên",
            )
        )
    if draft.issuer_name is None:
        draft.missing.append(
            Missing("issuer", "không thấy tên cơ quan ban hành ở góc trái phía trên văn bản")
        )
    if draft.number is None:
        draft.missing.append(Missing("number", 'không thấy dòng "Số: …" có số văn bản'))
    if draft.place is None:
        draft.missing.append(
            Missing("place", 'không thấy dòng địa danh, ngày tháng ("…, ngày … tháng … năm …")')
        )
    if draft.issued is None and draft.place is None:
        draft.missing.append(Missing("issued", "không thấy ngày ban hành"))
    elif draft.issued is None and not any(m.field == "issued" for m in draft.missing):
        draft.missing.append(Missing("issued", "dòng ngày tháng để trống ngày ban hành"))


def _parse_title(blocks: list[Block], start: int, draft: Draft) -> int:
    first_lines = blocks[start].lines()
    m = _DOC_TYPE_RE.match(first_lines[0])
    parts = ([m[2]] if m and m[2] else []) + first_lines[1:]
    i = start + 1
    while not parts and i < len(blocks):
        block = blocks[i]
        i += 1
        if block.is_table or not _has_letters(block.text):
            continue
        if _BODY_OPENER_RE.match(block.text) or _ROMAN_HEADING_RE.match(block.text):
            i -= 1
            break
        parts = block.lines()
    # An upper-case title may continue over several paragraphs.
    while parts and parts[-1].isupper() and i < len(blocks):
        block = blocks[i]
        if block.is_table or not _has_letters(block.text):
            i += 1
            continue
        if not block.text.isupper() or _ROMAN_HEADING_RE.match(block.text):
            break
        parts += block.lines()
        i += 1
    if parts:
        draft.title = " ".join(p.strip() for p in parts)
    else:
        draft.missing.append(
            Missing("title", "không thấy trích yếu ngay dưới dòng tên loại văn bản")
        )
    return i


def _find_tail(blocks: list[Block], start: int) -> int:
    for i in range(start, len(blocks)):
        block = blocks[i]
        lines = block.lines()
        if block.is_table:
            if any(_RECIPIENTS_RE.match(x) or _SIGN_RE.match(x) for x in lines):
                return i
            continue
        if lines and (_RECIPIENTS_RE.match(lines[0]) or _SIGN_RE.match(lines[0])):
            return i
    return len(blocks)


def _parse_tail(lines: list[str], draft: Draft) -> None:
    recipients: list[str] = []
    sign: list[str] = []
    in_recipients = False
    for line in lines:
        if m := _RECIPIENTS_RE.match(line):
            in_recipients = True
            if m[1]:
                recipients.append(_strip_bullet(m[1]))
            continue
        if _SIGN_RE.match(line) or _ROLE_RE.match(line) or sign:
            in_recipients = False
            sign.append(line)
            continue
        if in_recipients:
            recipients.append(_strip_bullet(line))
    # A line that is only a parenthesis ("(để báo cáo)") notes the whole list.
    notes = [r for r in recipients if re.fullmatch(r"\(.*\)", r)]
    draft.recipients = [r for r in recipients if r and r not in notes]
    draft.recipients_note = " ".join(notes) or None
    if not draft.recipients:
        draft.missing.append(Missing("recipients", 'không thấy mục "Nơi nhận:"'))
    _parse_signature(sign, draft)


def _strip_bullet(line: str) -> str:
    return re.sub(r"^[\-+•–]\s*", "", line.strip()).strip()


def _parse_signature(lines: list[str], draft: Draft) -> None:
    lines = [x for x in lines if _has_letters(x) and not _SIGNED_NOTE_RE.match(x)]
    signature: dict[str, str] = {}
    if lines and _SIGN_RE.match(lines[0]):
        head = lines.pop(0)
        split = _ROLE_END_RE.match(head)
        if split and _SIGN_RE.match(split[1]):
            signature["on_behalf"], signature["role"] = split[1], split[2]
        else:
            signature["on_behalf"] = head
    if "role" not in signature and lines and lines[0].isupper():
        signature["role"] = lines.pop(0)
    if lines and not lines[-1].isupper():
        last = lines.pop()
        # "CHỦ TỊCH UBND QUẬN Nguyễn Mạnh Hà": a title in capitals run into the name.
        words = last.split()
        cut = next((i for i, w in enumerate(words) if not w.isupper()), 0)
        if cut:
            lines.append(" ".join(words[:cut]))
        signature["name"] = " ".join(words[cut:])
    if lines:
        signature["signer_title"] = " ".join(lines)
    draft.signature = signature
    if "role" not in signature:
        draft.missing.append(
            Missing("signature.role", "không thấy chức vụ người ký (ví dụ CHỦ TỊCH)")
        )
    if "name" not in signature:
        draft.missing.append(Missing("signature.name", "không thấy họ tên người ký"))


# Clauses end at ";", at a full stop before a capital (but not after "TP." or "Tp."),
# and at "và" before another cited document.
_CLAUSE_SPLIT = re.compile(
    rf";\s*|(?<!TP)(?<!Tp)\.\s+(?=[A-ZĐÂÊÔƠƯĂ])|\s+và\s+(?=(?i:{CITED_TYPES})\s+số)"
)
_CITED_RE = re.compile(
    rf"^(?:(?:Căn cứ|Thực hiện)\s+)?(?P<type>{CITED_TYPES})\s+số\s*"
    r"(?P<number>[^\s,]+(?:\s+/[^\s,]+)?)\s*,?\s*(?:ngày\s+)?"
    r"(?P<date>\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"
    r"(?:\s+của\s+(?P<issuer>.+?))?(?:\s+về\s+(?:việc\s+)?(?P<title>.+))?$",
    re.IGNORECASE,
)
_UNNUMBERED_RE = re.compile(rf"^(?:(?:Căn cứ|Thực hiện)\s+)?(?P<title>(?:{CITED_TYPES})\b.+)$")


def _parse_grounds(draft: Draft) -> None:
    for block in draft.body:
        if block.is_table or _ROMAN_HEADING_RE.match(block.text):
            break
        if not _GROUND_OPENER_RE.match(block.text):
            continue
        for clause in _CLAUSE_SPLIT.split(block.text.strip()):
            clause = clause.strip().rstrip(".;,:").strip()
            if m := _CITED_RE.match(clause):
                ref: dict[str, object] = {"number": m["number"].strip()}
                day = vndates.parse_date(m["date"])
                if day:
                    ref["date"] = day
                if m["issuer"]:
                    ref["issuer"] = m["issuer"].strip()
                if m["title"]:
                    ref["title"] = m["title"].strip()
                draft.grounds.append(ref)
            elif (m := _UNNUMBERED_RE.match(clause)) and len(clause.split()) <= 30:
                draft.grounds.append({"title": m["title"].strip()})
    if not draft.grounds:
        draft.missing.append(
            Missing("implements", 'không thấy văn bản căn cứ ("Căn cứ…", "Thực hiện…") trước mục I')
        )


def _parse_deadlines_and_contacts(draft: Draft) -> None:
    contacts: list[str] = []
    for block in draft.body:
        text = block.text.replace("\n", " ")
        for m in _DEADLINE_RE.finditer(text):
            words = m[0].strip()
            if not _DEADLINE_WORDS.match(words):
                continue
            sentence = _sentence_around(text, m.start(), m.end())
            entry = {"what": sentence, "due": words}
            emails = EMAIL_RE.findall(text)
            if len(set(emails)) == 1:
                entry["email"] = emails[0]
            draft.deadlines.append(entry)
        for found in EMAIL_RE.findall(text) + PHONE_RE.findall(text):
            if found not in contacts:
                contacts.append(found)
    draft.contacts = contacts
    if not draft.deadlines:
        draft.missing.append(
            Missing("deadlines", 'không thấy hạn nào ghi "trước ngày …" hoặc "chậm nhất …"')
        )


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("; ", 0, start))
    left = 0 if left < 0 else left + 2
    before = text[left:start].strip(" ,:;-–(")
    before = re.sub(r"^[\-–•]\s*", "", before)
    return before or text[left:end].strip()


def _mark_headings(draft: Draft) -> None:
    for i, block in enumerate(draft.body):
        if block.is_table or block.bullet:
            continue
        text = block.text
        words = len(text.split())
        short = words <= 20 and (text.rstrip().endswith(":") or text.isupper() or block.bold)
        if _ROMAN_HEADING_RE.match(text) and (block.bold or words <= 25):
            draft.headings[i] = 2
        elif _ARABIC_HEADING_RE.match(text) and (block.bold or short):
            draft.headings[i] = 3
        elif _SUB_HEADING_RE.match(text) and block.bold:
            draft.headings[i] = 4
