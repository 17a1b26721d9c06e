"""The dossier's facts from its rows: what the Tờ trình and the danh sách are made from.

This module owns turning a Dossier and its nominees' latest versions into
`facts.DossierFacts`, the one input of the dossier's documents, so the
downloads before sending, the sending itself and the office's exports print
the same values. Removed and withdrawn nominees are left out. It reads rows
it is given; it must not commit, render or send.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sitegen.models import TZ, Subject

from ..campaigns import Campaign
from ..store.models import Dossier, Nomination, NominationStatus, NominationVersion
from .facts import UNIT_FIELDS, DossierFacts, Nominee, Unit

LISTED = (NominationStatus.PENDING, NominationStatus.SUBMITTED)


def listed_nominations(dossier: Dossier) -> list[Nomination]:
    """The nominees the dossier holds now, in its order."""
    return [n for n in dossier.nominations if n.status in LISTED]


def unit_of(dossier: Dossier) -> Unit:
    """The unit's details as the dossier's columns hold them."""
    return Unit(**{name: getattr(dossier, name) for name in UNIT_FIELDS})


def nominee_of(
    campaign: Campaign, nomination: Nomination, version: NominationVersion | None = None
) -> Nominee:
    """The nominee as its latest version says, or as `version` said (e.g. the one sent)."""
    version = version or nomination.latest
    data: dict[str, Any] = version.data.get("clean", {})
    subject = Subject(nomination.subject)
    category = campaign.category(subject, nomination.category_key)
    individual = subject == Subject.INDIVIDUAL
    initiatives = data.get("initiatives") or [] if individual else []
    benefits = [row["benefit"] for row in initiatives if row.get("benefit") is not None]
    return Nominee(
        subject=subject,
        name=nomination.nominee_name,
        category_key=nomination.category_key,
        category_name=category.name if category else nomination.category_key,
        award=data.get("award") or "",
        birth_year=data.get("birth_year") if individual else None,
        gender=data.get("gender") or "" if individual else "",
        position=data.get("position") or "" if individual else "",
        workplace=(data.get("workplace") if individual else data.get("address")) or "",
        initiatives=len(initiatives),
        benefit=sum(benefits) if benefits else None,
        fill_ratio=version.fill_ratio,
    )


def build_facts(
    campaign: Campaign,
    dossier: Dossier,
    now: dt.datetime,
    nominations: list[Nomination] | None = None,
) -> DossierFacts:
    """The facts of `dossier` as it stands (or with the given nominees, e.g. a sending's)."""
    chosen = listed_nominations(dossier) if nominations is None else nominations
    return DossierFacts(
        campaign=campaign,
        unit=unit_of(dossier),
        nominees=tuple(nominee_of(campaign, n) for n in chosen),
        reference=dossier.reference,
        revision=dossier.revision,
        on=now.astimezone(TZ).date(),
    )
