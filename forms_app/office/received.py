"""What the office received for a call, shaped for its pages: sent dossiers grouped by unit.

This module owns turning the rows queries.py loaded (the sent dossiers, their
sendings and nominees, the call's quotas, the dossiers' mails) into what the
office's call page and dossier page show: one group per unit (units matched by
their folded name, as quotas are), each dossier with its latest sending, the
nominees that sending held and that are still proposed, the quota that applies
and whether the dossier is over it. It must not query, commit or render.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from ..campaigns import Campaign
from ..dossiers import assemble
from ..dossiers.facts import DossierFacts
from ..dossiers.quotas import choose_quota, describe_excess, union_key
from ..store.models import (
    Dossier,
    DossierSending,
    MailKind,
    MailState,
    OutboxMail,
    UnitQuota,
)
from .queries import Filters, Received, as_utc, received_nominees


def describe_sending(sending: DossierSending) -> str:
    """'lần gửi 1 (bản đầu)', 'lần gửi 3 (bản sửa đổi lần 2)'."""
    if sending.number == 1:
        return "lần gửi 1 (bản đầu)"
    return f"lần gửi {sending.number} (bản sửa đổi lần {sending.number - 1})"


@dataclass(frozen=True)
class SendingRow:
    """One sending of a dossier with the mails it queued (office copy and confirmation)."""

    sending: DossierSending
    mails: list[OutboxMail]

    @property
    def label(self) -> str:
        return describe_sending(self.sending)

    @property
    def office_state(self) -> MailState | None:
        """The worst state of the mails to the office (a split dossier has several)."""
        states = {m.state for m in self.mails if m.kind == MailKind.OFFICE}
        for state in (MailState.FAILED, MailState.PENDING, MailState.SENT):
            if state in states:
                return state
        return None


@dataclass(frozen=True)
class DossierRow:
    dossier: Dossier
    latest: SendingRow
    nominees: list[Received]  # those of the latest sending still proposed (and matching)
    received: int  # how many the latest sending holds that are still proposed
    quota: UnitQuota | None
    excess: str | None  # the quota's refusal wording when the dossier is over it

    @property
    def changed(self) -> bool:
        """The unit changed the dossier after its latest sending and has not sent it again."""
        return self.dossier.changed_since_sent


@dataclass(frozen=True)
class UnitGroup:
    name: str
    parent_union: str
    dossiers: list[DossierRow]


def dossier_row(
    dossier: Dossier,
    mails: dict[tuple[int, int], list[OutboxMail]],
    quotas: Sequence[UnitQuota],
    filters: Filters | None = None,
) -> DossierRow:
    sending = dossier.sendings[-1]
    nominees = received_nominees(dossier, sending)
    quota = choose_quota(quotas, dossier.union_name)
    return DossierRow(
        dossier=dossier,
        latest=SendingRow(sending, mails.get((dossier.id, sending.number), [])),
        nominees=[r for r in nominees if filters is None or filters.keeps_nominee(r.nomination)],
        received=len(nominees),
        quota=quota,
        excess=describe_excess(quota, len(nominees)) if quota else None,
    )


def group_by_unit(
    dossiers: Sequence[Dossier],
    mails: dict[tuple[int, int], list[OutboxMail]],
    quotas: Sequence[UnitQuota],
    filters: Filters,
) -> list[UnitGroup]:
    """The dossiers the filters keep, one group per unit, units in name order.

    A filter on nominees (category, kind, status) keeps the dossiers with at
    least one such nominee, showing only those.
    """
    groups: dict[str, UnitGroup] = {}
    for dossier in dossiers:
        if not dossier.sendings or not filters.keeps_dossier(
            dossier, dossier.sendings[-1].created_at
        ):
            continue
        row = dossier_row(dossier, mails, quotas, filters)
        if not row.nominees and (filters.category or filters.subject or filters.status):
            continue
        key = union_key(dossier.union_name)
        group = groups.setdefault(key, UnitGroup(dossier.union_name, dossier.parent_union, []))
        group.dossiers.append(row)
    return [groups[key] for key in sorted(groups)]


def sent_facts(campaign: Campaign, row: DossierRow) -> DossierFacts:
    """The dossier's facts as its latest sending held them: the versions it sent, its
    number ("bản sửa đổi lần n" from the second on) and its date."""
    sending = row.latest.sending
    facts = assemble.build_facts(campaign, row.dossier, as_utc(sending.created_at), nominations=[])
    return dataclasses.replace(
        facts,
        nominees=tuple(
            assemble.nominee_of(campaign, r.nomination, r.version) for r in row.nominees
        ),
        revision=sending.number - 1,
    )
