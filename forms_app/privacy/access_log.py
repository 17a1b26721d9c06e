"""The office's access log: every page, download and export of personal data, recorded.

One entry per response that showed personal data to an office account (who,
when, what, from where), written by an after-request hook on the office
blueprint so that no office route can forget it; exports are stamped with
who made them and when. Administrators see the entries of their bodies. It
must not hold names of nominees: targets are references and campaigns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..store.models import AccessLogEntry, Dossier, Nomination, OfficeMembership, OfficeUser

# endpoint -> (action, what it shows); only these are recorded.
LOGGED = {
    "office.campaign": ("xem-danh-sach", "Danh sách hồ sơ của đợt"),
    "office.nomination": ("xem-ho-so", "Hồ sơ"),
    "office.download": ("tai-tep", "Tệp của hồ sơ"),
    "office.export_xlsx": ("xuat-xlsx", "Danh sách trích ngang (XLSX)"),
    "office.export_csv": ("xuat-csv", "Danh sách trích ngang (CSV)"),
    "office.export_zip": ("xuat-zip", "Toàn bộ hồ sơ (ZIP)"),
    "office.dossier": ("xem-ho-so-don-vi", "Hồ sơ đơn vị"),
    "office.dossier_zip": ("tai-ho-so-don-vi", "Hồ sơ đơn vị, một lần gửi (ZIP)"),
    "office.outbox": ("xem-thu", "Thư gửi đi"),
    "office.privacy_requests": ("xem-yeu-cau", "Yêu cầu về dữ liệu cá nhân"),
    "office.answer_privacy_request": ("xu-ly-yeu-cau", "Xử lý yêu cầu về dữ liệu"),
}
ACTION_LABELS = {action: label for action, label in LOGGED.values()}
EXPORTS = {
    "office.export_xlsx": "xlsx",
    "office.export_csv": "csv",
    "office.export_zip": "zip",
    "office.dossier_zip": "zip",
}


def describe_target(
    session: Session, endpoint: str, view_args: dict[str, Any], query: str
) -> tuple[str, str | None]:
    """(what was seen, its plan) from the route's arguments; references, never names."""
    plan = view_args.get("plan_slug")
    if plan:
        target = f"{plan}/{view_args.get('call_key')}"
    elif "dossier" in view_args:
        target = f"hồ sơ đơn vị {view_args['dossier']}"
        plan = session.scalar(
            select(Dossier.plan_slug).where(Dossier.reference == view_args["dossier"].upper())
        )
        if "number" in view_args:
            target += f" lần gửi {view_args['number']}"
    elif "reference" in view_args:
        target = view_args["reference"]
        plan = session.scalar(select(Nomination.plan_slug).where(Nomination.reference == target))
        if "number" in view_args:
            target += f" bản {view_args['number']} {view_args.get('kind', '')}".rstrip()
    elif "request_id" in view_args:
        target = f"yêu cầu số {view_args['request_id']}"
    else:
        target = LOGGED[endpoint][1]
    if query:
        target += f" ?{query}"
    return target[:500], plan


def record(
    session: Session,
    account: OfficeUser,
    endpoint: str,
    view_args: dict[str, Any],
    query: str,
    address: str,
    at: dt.datetime,
) -> AccessLogEntry:
    """Add one entry for a response that showed personal data; the caller commits."""
    target, plan = describe_target(session, endpoint, view_args, query)
    entry = AccessLogEntry(
        at=at,
        user_id=account.id,
        username=account.username,
        action=LOGGED[endpoint][0],
        target=target,
        plan_slug=plan,
        address=address[:64],
    )
    session.add(entry)
    return entry


def entries_for(
    session: Session, admin: OfficeUser, plan_slugs: list[str], limit: int = 500
) -> list[AccessLogEntry]:
    """What an administrator may see: entries about their bodies' plans, and every entry
    of the accounts that share one of their bodies. Newest first."""
    colleagues = select(OfficeMembership.user_id).where(
        OfficeMembership.issuer_key.in_(admin.issuer_keys)
    )
    return list(
        session.scalars(
            select(AccessLogEntry)
            .where(
                or_(
                    AccessLogEntry.plan_slug.in_(plan_slugs), AccessLogEntry.user_id.in_(colleagues)
                )
            )
            .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
            .limit(limit)
        )
    )


def stamp_export(kind: str, data: bytes, line: str) -> bytes:
    """The export with who made it and when: a last CSV row, XLSX properties and a sheet,
    the ZIP's comment."""
    if kind == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow([line])
        return data + out.getvalue().encode("utf-8")
    if kind == "xlsx":
        workbook = load_workbook(io.BytesIO(data))
        workbook.properties.creator = line
        workbook.properties.lastModifiedBy = line
        info = workbook.create_sheet("Thông tin xuất")
        info["A1"] = line
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.comment = line.encode("utf-8")
    return out.getvalue()
