"""Quotas: how many nominees a unit may propose for a call, as the office set them.

This module owns reading the quota that applies to a unit (its own, else the
call's number for every unit) and the wording of a refusal. The office sets
quotas (office/operations.py); the dossier's sending checks them. Units are
matched by their folded name, so "CĐCS Trường THCS Lê Lợi" and "cdcs truong
thcs le loi" are one unit.
"""

from __future__ import annotations

from sitegen.folding import fold
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import UnitQuota

EVERY_UNIT = ""  # union_key of the call-wide quota


def union_key(union_name: str) -> str:
    return " ".join(fold(union_name).split())


def quota_for(session: Session, plan_slug: str, call_key: str, union_name: str) -> UnitQuota | None:
    """The unit's own quota for the call, else the call-wide one, else None (no limit)."""
    rows = session.scalars(
        select(UnitQuota).where(
            UnitQuota.plan_slug == plan_slug,
            UnitQuota.call_key == call_key,
            UnitQuota.union_key.in_((union_key(union_name), EVERY_UNIT)),
        )
    ).all()
    own = [row for row in rows if row.union_key != EVERY_UNIT]
    return (own or rows or [None])[0]


def describe_excess(quota: UnitQuota, count: int) -> str | None:
    """The refusal when `count` nominees exceed the quota, else None."""
    if count <= quota.max_nominees:
        return None
    whom = "mỗi đơn vị" if quota.union_key == EVERY_UNIT else f"“{quota.union_name}”"
    return (
        f"Văn phòng công đoàn đã phân bổ cho {whom} tối đa {quota.max_nominees} "
        f"người/tập thể trong đợt này; hồ sơ đang có {count}. Hãy bỏ bớt "
        f"{count - quota.max_nominees} trước khi gửi."
    )
