"""Campaigns that take nominations, as the plans in `content/` define them.

This module owns the app's view of the content: it loads it once through
`sitegen.loader` (the only reader of `content/`), finds a plan's call for
nominations and tells whether it is open at the app's "now" (which a setting
can pin). It must not parse YAML or know about forms, PDFs or the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sitegen.dates import format_deadline
from sitegen.loader import Content, load_content
from sitegen.models import TZ, Category, Nomination, Plan, Subject

# URL segments for the two forms, as Vietnamese readers expect them.
SUBJECT_SLUGS = {Subject.INDIVIDUAL: "ca-nhan", Subject.COLLECTIVE: "tap-the"}
SUBJECTS_BY_SLUG = {slug: subject for subject, slug in SUBJECT_SLUGS.items()}


@dataclass(frozen=True)
class Campaign:
    """One call for nominations (a plan may have several)."""

    plan: Plan
    call: Nomination

    @property
    def closes_at(self) -> dt.datetime | None:
        """The instant the call closes (open while now < closes_at), as the plan words it."""
        return self.call.deadline.closes_at if self.call.deadline else None

    @property
    def deadline_text(self) -> str | None:
        """The plan's words and their meaning, as `sitegen.dates.format_deadline` gives them."""
        return format_deadline(self.call.deadline) if self.call.deadline else None

    def is_open(self, now: dt.datetime) -> bool:
        return self.call.is_open(now)

    def categories(self, subject: Subject) -> tuple[Category, ...]:
        return self.call.categories_for(subject)

    def category(self, subject: Subject, key: str) -> Category | None:
        return next((c for c in self.categories(subject) if c.key == key), None)


def load_campaign_content(content_dir: str) -> Content:
    """Load and validate the content; a ContentError stops the app at start-up."""
    return load_content(content_dir)


def get_content() -> Content:
    return current_app.extensions["forms_content"]


def list_campaigns(content: Content) -> list[Campaign]:
    """Every call for nominations, soonest deadline first, calls without one last."""
    campaigns = [Campaign(plan, call) for plan in content.plans for call in plan.meta.nominations]
    far = dt.datetime.max.replace(tzinfo=TZ)
    return sorted(campaigns, key=lambda c: (c.closes_at or far, c.plan.slug, c.call.key))


def find_campaign(content: Content, plan_slug: str, call_key: str) -> Campaign | None:
    plan = content.by_slug.get(plan_slug)
    if plan is None:
        return None
    call = plan.nomination(call_key)
    return Campaign(plan, call) if call else None


def get_now() -> dt.datetime:
    """The app's "now", aware: pinned by FORMS_NOW for demos and tests, else the clock."""
    pinned = current_app.config.get("NOW")
    if pinned is not None:
        return pinned
    return dt.datetime.now(TZ)
