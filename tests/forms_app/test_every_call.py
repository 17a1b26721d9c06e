"""Every call for nominations of every plan in content/ takes a dossier with valid nominees.

The plans are the one source of truth for what is open and what is asked: a
call whose plan names no award form, or no photo, must still take a dossier
through the real routes, with one nominee for each subject it admits.
"""

from __future__ import annotations

import datetime as dt

import pytest
from form_data import (
    add_nominee,
    collective_fields,
    eligibility_answers,
    fields_meeting,
    individual_fields,
    nominee_url,
    open_dossier,
)
from paths import CONTENT
from photo_samples import phone_photo
from sitegen.loader import load_content
from sqlalchemy import select
from test_app import page_text
from test_dossiers import names_in_table

from forms_app.campaigns import SUBJECT_SLUGS, list_campaigns
from forms_app.store.models import Dossier, Nomination

CALLS = [
    pytest.param(campaign, id=f"{campaign.plan.slug}/{campaign.call.key}")
    for campaign in list_campaigns(load_content(CONTENT))
]


def valid_fields(campaign, subject) -> dict:
    category = campaign.categories(subject)[0]
    base = individual_fields() if subject.value == "individual" else collective_fields()
    fields = {**fields_meeting(category, base), **eligibility_answers(campaign, subject)}
    if campaign.call.awards:
        fields["award"] = campaign.call.awards[0]
    else:
        fields.pop("award", None)
    return fields


@pytest.mark.parametrize("campaign", CALLS)
def test_every_call_takes_a_dossier_with_one_nominee_per_subject(make_app, campaign):
    url = f"/{campaign.plan.slug}/{campaign.call.key}/"
    if campaign.closes_at is None:
        page = page_text(make_app().test_client().get(url))
        assert "Kế hoạch này chưa ghi hạn nộp hồ sơ nên chưa nhận hồ sơ trực tuyến." in page
        assert 'action="' + url + '"' not in page  # no form to open a dossier
        return
    now = campaign.closes_at - dt.timedelta(hours=1)
    app = make_app(NOW=now.isoformat())
    client = app.test_client()
    token = open_dossier(client, url)
    names = []
    for subject in campaign.call.subjects:
        fields = valid_fields(campaign, subject)
        slug = SUBJECT_SLUGS[subject]
        if not campaign.call.awards:
            assert 'name="award"' not in client.get(nominee_url(token, slug)).get_data(as_text=True)
        page = add_nominee(client, token, fields, slug, photo=phone_photo())
        names.append(fields.get("full_name") or fields.get("unit_name"))
        assert names_in_table(page) == names
    with app.extensions["forms_sessionmaker"]() as session:
        dossier = session.scalar(select(Dossier))
        stored = session.scalars(select(Nomination).order_by(Nomination.position)).all()
        assert [(n.plan_slug, n.call_key, n.subject, n.dossier_id) for n in stored] == [
            (campaign.plan.slug, campaign.call.key, subject.value, dossier.id)
            for subject in campaign.call.subjects
        ]
