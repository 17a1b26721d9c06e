"""What the dossier's own documents are made from: plain values, no database rows.

This module owns the shape handed to the documents (the Tờ trình in PDF and
Word, the danh sách trích ngang in XLSX): the unit that signs, its nominees in
the dossier's order, and the plan's call they answer. The operations build it
from the database; the documents read only it, so they can be tested and
rendered without a request or a session. It must not query or render.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sitegen.models import Subject

from ..campaigns import Campaign

SIGNER_TITLES = ("Chủ tịch", "Phó Chủ tịch")


@dataclass(frozen=True)
class Unit:
    """The grassroots union (CĐCS) that proposes, as it typed itself."""

    union_name: str  # tên công đoàn cơ sở
    parent_union: str  # công đoàn cấp trên trực tiếp
    address: str
    place: str  # địa danh of the date line ("Hà Nội, ngày … tháng … năm …")
    signer_name: str
    signer_title: str  # one of SIGNER_TITLES; signs "TM. BAN CHẤP HÀNH"
    contact_name: str
    contact_email: str
    contact_phone: str


# The unit's fields, in the order the form shows them: also the dossier's columns.
UNIT_FIELDS = tuple(item.name for item in fields(Unit))


@dataclass(frozen=True)
class Nominee:
    """One line of the dossier: an individual or a collective, as its summary says."""

    subject: Subject
    name: str  # họ và tên, or tên tập thể
    category_key: str
    category_name: str  # đối tượng, in the plan's words
    award: str  # hình thức đề nghị ("" when the plan names none)
    birth_year: int | None = None
    gender: str = ""  # "Nam", "Nữ" or ""
    position: str = ""  # chức vụ
    workplace: str = ""  # đơn vị công tác (a collective: its address)
    initiatives: int = 0  # số sáng kiến
    benefit: int | None = None  # giá trị làm lợi in đồng, summed over the initiatives
    note: str = ""  # ghi chú
    fill_ratio: float | None = None  # how full its one-page summary is (0..1)


@dataclass(frozen=True)
class DossierFacts:
    campaign: Campaign
    unit: Unit
    nominees: tuple[Nominee, ...]
    reference: str  # the dossier's reference, printed small on its documents
    revision: int  # 0 before the first sending; n for "bản sửa đổi lần n" after n sendings
    on: dt.date  # the date line, Asia/Ho_Chi_Minh
