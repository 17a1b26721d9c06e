"""Every call for nominations of every plan in content/ takes a valid nomination.

The plans are the one source of truth for what is open and what is asked: a
call whose plan names no award form, or no photo, must still take a
nomination through the real routes, for each subject it admits.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from form_data import collective_fields, eligibility_answers, fields_meeting, individual_fields
from paths import CONTENT
from photo_samples import phone_photo
from sitegen.loader import load_content
from sqlalchemy import select
from test_app import page_text, post_form, problems

from forms_app.campaigns import SUBJECT_SLUGS, list_campaigns
from forms_app.store.models import Nomination

CALLS = [
    pytest.param(campaign, subject, id=f"{campaign.plan.slug}/{campaign.call.key}/{subject.value}")
    for campaign in list_campaigns(load_content(CONTENT))
    for subject in campaign.call.subjects
]


@pytest.mark.parametrize(("campaign", "subject"), CALLS)
def test_every_call_takes_a_valid_nomination(make_app, campaign, subject):
    url = f"/{campaign.plan.slug}/{campaign.call.key}/{SUBJECT_SLUGS[subject]}"
    if campaign.closes_at is None:
        page = page_text(make_app().test_client().get(url))
        assert "Kế hoạch này chưa ghi hạn nộp hồ sơ nên chưa nhận hồ sơ trực tuyến." in page
        return
    now = campaign.closes_at - dt.timedelta(hours=1)
    app = make_app(NOW=now.isoformat())
    client = app.test_client()
    category = campaign.categories(subject)[0]
    base = individual_fields() if subject.value == "individual" else collective_fields()
    fields = {**fields_meeting(category, base), **eligibility_answers(campaign, subject)}
    if campaign.call.awards:
        fields["award"] = campaign.call.awards[0]
    else:
        fields.pop("award", None)
        assert 'name="award"' not in client.get(url).get_data(as_text=True)
    response = post_form(client, url=url, photo=phone_photo(), **fields)
    assert response.status_code == 303, problems(response)
    preview = client.get(response.headers["Location"])
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', preview.text)[1]
    sent = client.post(response.headers["Location"] + "gui", data={"csrf_token": token})
    assert sent.status_code == 303
    assert "Đã nhận hồ sơ" in page_text(client.get(sent.headers["Location"]))
    with app.extensions["forms_sessionmaker"]() as session:
        stored = session.scalars(select(Nomination)).all()
        assert [(n.plan_slug, n.call_key, n.subject) for n in stored] == [
            (campaign.plan.slug, campaign.call.key, subject.value)
        ]
