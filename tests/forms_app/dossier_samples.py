"""Dossiers with real rows for the tests: a unit, its nominees and their real summaries.

Each nominee's version holds the one-page summary rendered by nominations/pdf.py
and docx_export.py from summary_samples' data (rendered once per test run and
reused: WeasyPrint is the slow part), so a sending attaches real files.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import json

from mail_fixtures import stored
from sitegen.models import Subject
from summary_samples import NOW, PLAN, collective, individual

from forms_app.campaigns import find_campaign, get_content
from forms_app.content_types import DOCX_TYPE
from forms_app.nominations import docx_export, drafts, pdf
from forms_app.nominations.summary import build_summary
from forms_app.store.database import get_session
from forms_app.store.models import (
    Dossier,
    FileKind,
    Nomination,
    NominationStatus,
    NominationVersion,
)

CITY = "cap-thanh-pho"  # individuals only, closes 2020-02-14 16:00
DISTRICT = "cap-quan"  # individuals and collectives, closes 2020-04-10 16:00

UNIT = {
    "union_name": "Công đoàn cơ sở Công ty TNHH Cơ khí Bình Minh",
    "parent_union": "Liên đoàn Lao động quận 1",
    "address": "15 Lê Lợi, phường Bến Nghé, quận 1",
    "place": "Thành phố Hồ Chí Minh",
    "signer_name": "Nguyễn Văn Bình",
    "signer_title": "Chủ tịch",
    "contact_name": "Trần Văn Đức",
    "contact_email": "congdoan@binhminh.vn",
    "contact_phone": "0909 123 456",
}


def person(name: str, category: str, **changes) -> dict:
    data = individual()
    data.update(full_name=name, category=category, **changes)
    return data


def group(name: str, **changes) -> dict:
    data = collective()
    data.update(unit_name=name, **changes)
    return data


THREE_PEOPLE = (
    person("Nguyễn Thị Lan Hương", "doi-tuong-3"),
    person("Lê Văn Tám", "doi-tuong-2", birth_year=1979, gender="Nam"),
    person("Phạm Thị Mai", "doi-tuong-4", position="Chuyên viên"),
)


@functools.lru_cache(maxsize=64)
def _rendered(call: str, data_json: str) -> tuple[bytes, bytes, float]:
    data = json.loads(data_json)
    campaign = find_campaign(get_content(), PLAN, call)
    category = campaign.category(Subject(data["subject"]), data["category"])
    summary = build_summary(campaign, category, data, None, NOW, union_name=UNIT["union_name"])
    pdf_bytes, fit = pdf.render_pdf(summary)
    return pdf_bytes, docx_export.render_docx(summary, None), fit.used


def add_nominee(session, dossier: Dossier, data: dict, position: int, reference: str) -> Nomination:
    """A pending nominee of `dossier` with one version and its real summary (not committed)."""
    pdf_bytes, docx_bytes, used = _rendered(
        dossier.call_key, json.dumps(data, ensure_ascii=False, sort_keys=True)
    )
    subject = Subject(data["subject"])
    nomination = Nomination(
        reference=reference,
        edit_token_hash=hashlib.sha256(f"edit-{reference}".encode()).hexdigest(),
        plan_slug=dossier.plan_slug,
        call_key=dossier.call_key,
        subject=subject.value,
        category_key=data["category"],
        nominee_name=data.get("full_name") or data["unit_name"],
        union_name=dossier.union_name,
        submitter_name=dossier.contact_name,
        submitter_email=dossier.contact_email,
        submitter_phone=dossier.contact_phone,
        status=NominationStatus.PENDING,
        client_address="127.0.0.1",
        dossier=dossier,
        position=position,
    )
    version = NominationVersion(
        nomination=nomination, number=1, data={"typed": {}, "clean": copy.deepcopy(data)}
    )
    version.fill_ratio = used
    base = f"tom-tat-thanh-tich-{reference}-v1"
    for item in (
        stored(FileKind.PDF, f"{base}.pdf", "application/pdf", pdf_bytes),
        stored(FileKind.DOCX, f"{base}.docx", DOCX_TYPE, docx_bytes),
    ):
        item.version = version
    session.add(nomination)
    return nomination


def new_version(session, nomination: Nomination, data: dict) -> NominationVersion:
    """An edit of a nominee: a new version with its re-rendered summary (not committed)."""
    pdf_bytes, docx_bytes, used = _rendered(
        nomination.call_key, json.dumps(data, ensure_ascii=False, sort_keys=True)
    )
    number = nomination.latest.number + 1
    version = NominationVersion(
        nomination=nomination, number=number, data={"typed": {}, "clean": data}, fill_ratio=used
    )
    base = f"tom-tat-thanh-tich-{nomination.reference}-v{number}"
    for item in (
        stored(FileKind.PDF, f"{base}.pdf", "application/pdf", pdf_bytes),
        stored(FileKind.DOCX, f"{base}.docx", DOCX_TYPE, docx_bytes),
    ):
        item.version = version
    nomination.nominee_name = data.get("full_name") or data["unit_name"]
    session.add(version)
    return version


def make_dossier(
    app, nominees=THREE_PEOPLE, *, call: str = CITY, reference: str = "HS7K2M9Q", **unit
) -> str:
    """A committed dossier with its nominees; returns its private link's token."""
    token = drafts.new_token()
    with app.test_request_context():
        session = get_session()
        dossier = Dossier(
            reference=reference,
            token_hash=drafts.hash_token(token),
            plan_slug=PLAN,
            call_key=call,
            revision=0,
            changed_since_sent=False,
            client_address="127.0.0.1",
            **{**UNIT, **unit},
        )
        session.add(dossier)
        for position, data in enumerate(nominees, start=1):
            add_nominee(session, dossier, data, position, f"{reference[:6]}{position:02d}")
        session.commit()
    return token


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
