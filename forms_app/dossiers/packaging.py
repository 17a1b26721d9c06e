"""The files of one sending of a dossier, in one order, for the mail and the office's ZIP.

This module owns which files a sent dossier consists of and their names:
the Tờ trình (PDF, DOCX, and the signed scan if any), each nominee's
one-page summary (PDF and DOCX, numbered in the dossier's order) and the
danh sách (XLSX). The office mail and the office's ZIP both call
`sending_files`, so they always hold the same files. It must not render or send.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import (
    DossierFileKind,
    DossierSending,
    FileKind,
    NominationVersion,
)

PROPOSAL_KINDS = (
    DossierFileKind.PROPOSAL_PDF,
    DossierFileKind.PROPOSAL_DOCX,
    DossierFileKind.SIGNED_SCAN,
)
SUMMARY_KINDS = (FileKind.PDF, FileKind.DOCX)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


def sending_versions(session: Session, sending: DossierSending) -> list[NominationVersion]:
    """The nominees' versions the sending held, in the dossier's order."""
    versions = []
    for item in sending.contents:
        version = session.scalar(
            select(NominationVersion).where(
                NominationVersion.nomination_id == item["nomination_id"],
                NominationVersion.number == item["version"],
            )
        )
        if version is not None:  # a nominee erased at the person's request is gone
            versions.append(version)
    return versions


def sending_files(session: Session, sending: DossierSending) -> list[Attachment]:
    files = [
        Attachment(stored.filename, stored.content_type, stored.content)
        for kind in PROPOSAL_KINDS
        if (stored := sending.file(kind)) is not None
    ]
    for index, version in enumerate(sending_versions(session, sending), start=1):
        for kind in SUMMARY_KINDS:
            stored = version.file(kind)
            if stored is not None:
                files.append(
                    Attachment(
                        f"{index:02d}-{stored.filename}", stored.content_type, stored.content
                    )
                )
    roster = sending.file(DossierFileKind.ROSTER_XLSX)
    if roster is not None:
        files.append(Attachment(roster.filename, roster.content_type, roster.content))
    return files
