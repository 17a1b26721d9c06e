"""Personal data: notice and consent, retention, a person's rights, the office's access log."""

from __future__ import annotations

import datetime as dt
import re

from photo_samples import phone_photo
from sqlalchemy import select
from test_app import db, page_text, post_form, problems, submit_ok

from forms_app.nominations.forms import IndividualForm
from forms_app.store.models import Nomination

PROCESSING_MISSING = (
    "Hãy đánh dấu ô đồng ý xử lý dữ liệu cá nhân; thiếu ô này hồ sơ không gửi được."
)
SENSITIVE_MISSING = (
    "Đã ghi dân tộc: hãy đánh dấu ô đồng ý xử lý dữ liệu nhạy cảm, hoặc để trống ô “Dân tộc”."
)
CONFIRMATION_MISSING = "Hãy xác nhận người được đề nghị đã được thông báo và đồng ý."
PHOTO = phone_photo()
FORM_PROBLEM = "Hồ sơ còn chỗ chưa hợp lệ; xem các ô được đánh dấu bên dưới."


def only_nomination(app) -> Nomination:
    with db(app) as session:
        nomination = session.scalars(select(Nomination)).one()
        nomination.versions  # noqa: B018  (loaded before the session closes)
        return nomination


# --- 1. notice and consent -----------------------------------------------------------


def test_consent_recorded_on_the_version_with_time_and_notice_version(app, client):
    submit_ok(client, consent_publication="y")
    version = only_nomination(app).latest
    consent = version.data["consent"]
    at = dt.datetime.fromisoformat(consent.pop("at"))
    assert abs((dt.datetime.now(dt.UTC) - at).total_seconds()) < 120
    assert consent == {
        "processing": True,
        "sensitive": True,
        "publication": True,
        "nominee_confirmed": True,
        "notice_version": "2026-01",
    }
    assert not any(key.startswith("consent") for key in version.data["clean"])


def test_without_required_consent_nothing_is_previewed_and_everything_stays(client):
    response = post_form(client, photo=PHOTO, consent_processing=None, nominee_confirmed=None)
    assert response.status_code == 422
    assert problems(response) == [FORM_PROBLEM, PROCESSING_MISSING, CONFIRMATION_MISSING]
    text = page_text(response)
    assert 'value="Nguyễn Thị Lan Hương"' in text
    assert 'value="Cải tiến khuôn ép nhựa"' in text
    # The box that was ticked is ticked again; the missing ones are not.
    assert re.search(r'<input[^>]*checked[^>]*id="consent_sensitive"', text)
    assert not re.search(r'<input[^>]*checked[^>]*id="consent_processing"', text)


def test_ethnicity_needs_its_own_consent_only_when_filled(client):
    filled = post_form(client, photo=PHOTO, consent_sensitive=None)
    assert filled.status_code == 422
    assert problems(filled) == [FORM_PROBLEM, SENSITIVE_MISSING]
    empty = post_form(client, photo=PHOTO, ethnicity="", consent_sensitive=None)
    assert empty.status_code == 303, problems(empty)


def test_a_plan_that_needs_ethnicity_makes_it_required(app):
    with app.test_request_context():
        form = IndividualForm(
            now_year=2020, requires_ethnicity=True, formdata=None, meta={"csrf": False}
        )
        form.set_choices([("doi-tuong-3", "Đối tượng 3")], ["Bằng khen"])
        form.ethnicity.data = ""
        form.consent_sensitive.data = False
        form.validate()
        assert form.ethnicity.errors == ["Hãy nhập dân tộc (kế hoạch yêu cầu)."]


def test_the_summary_page_does_not_depend_on_consent(client):
    pages = []
    for publication in ("y", None):
        sent = post_form(client, photo=PHOTO, consent_publication=publication)
        pages.append(client.get(sent.headers["Location"] + "trang").get_data())
    assert pages[0] == pages[1]


def test_notice_page_names_the_issuer_and_the_retention(client):
    response = client.get(
        "/ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020/cap-thanh-pho/bao-ve-du-lieu-ca-nhan"
    )
    text = page_text(response)
    assert response.status_code == 200
    assert '<span class="controller">Liên đoàn Lao động quận 1</span>' in text
    assert "Hồ sơ, các tệp và thư liên quan được lưu 24 tháng sau hạn nộp, tức là đến" in text
