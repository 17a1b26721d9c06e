"""A person's rights over a nomination's data: what is stored, as a page and as JSON.

This module assembles everything the app keeps about one nomination (its
record, every version with the consent given, file checksums, the mails and
the requests) for the person behind the edit link. It must not decide who may
see it (operations.py finds the nomination by its edit token) nor commit.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..nominations.forms import AwardRow, CollectiveForm, IndividualForm, InitiativeRow
from ..store.models import Nomination, OutboxMail, PrivacyRequest
from . import consent
from .retention import as_aware

LIST_LABELS = {"initiatives": "Sáng kiến", "awards": "Khen thưởng đã nhận"}
ROW_FORMS = {"initiatives": InitiativeRow, "awards": AwardRow}
OTHER_LABELS = {"subject": "Loại hồ sơ"}


def _label(form_class: type, key: str) -> str:
    unbound = getattr(form_class, key, None)
    args = getattr(unbound, "args", None)
    return args[0] if args and isinstance(args[0], str) else OTHER_LABELS.get(key, key)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def describe_version_data(clean: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) rows of one version's data, in the form's words; lists one row each."""
    form_class = IndividualForm if clean.get("subject") == "individual" else CollectiveForm
    rows: list[tuple[str, str]] = []
    for key, value in clean.items():
        if key in ROW_FORMS:
            for index, row in enumerate(value, start=1):
                parts = [
                    f"{_label(ROW_FORMS[key], k)}: {_text(v)}"
                    for k, v in row.items()
                    if v not in (None, "")
                ]
                rows.append((f"{LIST_LABELS[key]} {index}", "; ".join(parts)))
        else:
            rows.append((_label(form_class, key), _text(value)))
    return rows


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return as_aware(moment).isoformat()


def mails_of(session: Session, nomination: Nomination) -> list[OutboxMail]:
    """The mails about the nominee: its own (a withdrawal, a request) and those of every
    sending of its dossier that held it (the office mail carried its summary)."""
    sent_in = [
        sending.number
        for sending in (nomination.dossier.sendings if nomination.dossier else [])
        if any(item.get("nomination_id") == nomination.id for item in sending.contents)
    ]
    about = OutboxMail.nomination_id == nomination.id
    if sent_in:
        about = or_(
            about,
            and_(
                OutboxMail.dossier_id == nomination.dossier_id,
                OutboxMail.version_number.in_(sent_in),
            ),
        )
    return list(session.scalars(select(OutboxMail).where(about).order_by(OutboxMail.id)))


def requests_of(session: Session, nomination: Nomination) -> list[PrivacyRequest]:
    return list(
        session.scalars(
            select(PrivacyRequest)
            .where(PrivacyRequest.nomination_id == nomination.id)
            .order_by(PrivacyRequest.id)
        )
    )


def export_everything(session: Session, nomination: Nomination) -> dict[str, Any]:
    """Everything stored about the nomination, as plain JSON values (files by checksum)."""
    return {
        "reference": nomination.reference,
        "status": nomination.status.value,
        "plan": nomination.plan_slug,
        "call": nomination.call_key,
        "subject": nomination.subject,
        "nominee": nomination.nominee_name,
        "union": nomination.union_name,
        "contact": {
            "name": nomination.submitter_name,
            "email": nomination.submitter_email,
            "phone": nomination.submitter_phone,
        },
        "client_address": nomination.client_address,
        "created_at": _iso(nomination.created_at),
        "updated_at": _iso(nomination.updated_at),
        "deadline_at": _iso(nomination.deadline_at),
        "versions": [
            {
                "number": version.number,
                "created_at": _iso(version.created_at),
                "data": version.data.get("clean", {}),
                "consent": version.data.get("consent"),
                "files": [
                    {
                        "kind": stored.kind.value,
                        "filename": stored.filename,
                        "size": stored.size,
                        "sha256": stored.sha256,
                    }
                    for stored in version.files
                ],
            }
            for version in nomination.versions
        ],
        "mails": [
            {
                "kind": mail.kind.value,
                "recipients": list(mail.recipients),
                "subject": mail.subject,
                "state": mail.state.value,
                "created_at": _iso(mail.created_at),
                "sent_at": _iso(mail.sent_at),
            }
            for mail in mails_of(session, nomination)
        ],
        "requests": [
            {
                "kind": request.kind.value,
                "message": request.message,
                "state": request.state.value,
                "created_at": _iso(request.created_at),
                "due_at": _iso(request.due_at),
                "handled_at": _iso(request.handled_at),
                "outcome": request.outcome,
            }
            for request in requests_of(session, nomination)
        ],
    }


def export_json(session: Session, nomination: Nomination) -> bytes:
    return json.dumps(export_everything(session, nomination), ensure_ascii=False, indent=2).encode(
        "utf-8"
    )


def consent_rows(nomination: Nomination) -> list[tuple[str, str]]:
    return consent.describe(nomination.latest.data.get("consent"))
