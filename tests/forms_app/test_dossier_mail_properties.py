"""Whatever a unit types, its dossier's mails are built, well formed, and say it unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from email import message_from_bytes
from email.policy import default

import markupsafe
import pytest
from dossier_samples import UNIT
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sitegen.models import Subject
from sitegen.text import clean_text
from summary_samples import NOW, PLAN

from forms_app.campaigns import find_campaign, get_content
from forms_app.dossiers.facts import DossierFacts, Nominee, Unit
from forms_app.dossiers.packaging import Attachment
from forms_app.mail import notifications
from forms_app.store.database import get_session
from forms_app.store.models import DossierSending

PROFILE = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples every run; a failure is reproducible
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking mail text takes minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# Any text, as the forms keep it (sitegen.text.clean_text: NFC, controls removed).
words = st.text(st.characters(), min_size=1, max_size=120).map(clean_text).filter(str.strip)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from paths import CONTENT

    from forms_app import create_app

    folder = tmp_path_factory.mktemp("properties")
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-0123456789",
            "INSTANCE_PATH": str(folder / "instance"),
            "DATABASE_URL": f"sqlite:///{folder / 'forms.sqlite3'}",
            "CONTENT_DIR": str(CONTENT),
            "NOW": NOW,
            "OUTBOX_SEND_AFTER_COMMIT": False,
        }
    )


def check_well_formed(raw: bytes) -> None:
    head, _, _ = raw.partition(b"\r\n\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n")  # CRLF only
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998  # RFC 5322 line limit
    assert head.isascii()  # non-ASCII only as RFC 2047 encoded words


def build_mails(app, union: str, contact: str, signer: str, names: list[str]):
    """The office mail and the confirmation of a second sending (queued, then rolled back)."""
    unit = Unit(**{**UNIT, "union_name": union, "contact_name": contact, "signer_name": signer})
    with app.test_request_context():
        campaign = find_campaign(get_content(), PLAN, "cap-thanh-pho")
        facts = DossierFacts(
            campaign=campaign,
            unit=unit,
            nominees=tuple(
                Nominee(Subject.INDIVIDUAL, name, "doi-tuong-3", "Đối tượng 3", "Bằng khen")
                for name in names
            ),
            reference="HS7K2M9Q",
            revision=1,
            on=dt.date(2020, 2, 10),
        )
        sent = dt.datetime(2020, 2, 10, 2, tzinfo=dt.UTC)
        f = notifications.collect_dossier_facts(facts, 2, sent, "http://localhost/ho-so/x", 10**6)
        f = dataclasses.replace(f, files=(("a.pdf", 1),), part_files=("a.pdf",))
        sending = DossierSending(number=2, contents=[], created_at=sent)
        session = get_session()
        try:
            office = notifications.queue_dossier_office_mail(
                session, sending, f, [Attachment("a.pdf", "application/pdf", b"%PDF-1.7")]
            )
            receipt = notifications.queue_dossier_confirmation(session, sending, f, None)
        finally:
            session.rollback()
    return office, receipt


@PROFILE
@given(union=words, contact=words, signer=words, names=st.lists(words, min_size=1, max_size=4))
def test_any_unit_and_nominee_text_gives_well_formed_mails(app, union, contact, signer, names):
    office, receipt = build_mails(app, union, contact, signer, names)
    for mail in (office, receipt):
        check_well_formed(mail.raw)
        message = message_from_bytes(mail.raw, policy=default)
        subject = str(message["Subject"])
        assert subject == mail.subject
        assert unicodedata.is_normalized("NFC", subject)
        assert subject.endswith(" – bản sửa đổi lần 1")
        # Line ends travel as CRLF: a name with a line break keeps it, as CRLF.
        text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        html = message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")
        for name in names:
            assert name in text  # exactly as typed: NFC kept, nothing dropped
            assert str(markupsafe.escape(name)) in html
    assert office.subject.startswith(
        f"Hồ sơ đề nghị khen thưởng – {notifications.one_line(union, 100)} – "
    )
    assert (
        message_from_bytes(receipt.raw, policy=default)["To"].addresses[0].addr_spec
        == (UNIT["contact_email"])
    )


@pytest.mark.parametrize("length", range(0, 80, 4))
def test_no_space_of_a_long_vietnamese_subject_is_lost_on_the_wire(app, length):
    """Folded at 78 characters, Python put spaces between encoded words, where readers
    drop them ("LĐLĐ quận" read "LĐLĐquận"); the subject must arrive as written."""
    union = "Công đoàn cơ sở " + "Trường Tiểu học Nguyễn Bỉnh Khiêm quận Một "[:length]
    office, receipt = build_mails(app, union.strip(), "Trần Văn Đức", "Nguyễn Văn Bình", ["Lê Tám"])
    for mail in (office, receipt):
        assert str(message_from_bytes(mail.raw, policy=default)["Subject"]) == mail.subject


def test_markup_typed_by_a_unit_is_shown_as_text_in_the_html_mails(app):
    office, receipt = build_mails(
        app, "CĐCS <b>Bình Minh</b>", "Đức <script>x</script>", "Bình", ['Tám "&" <i>']
    )
    for mail in (office, receipt):
        html = message_from_bytes(mail.raw, policy=default).get_body(("html",)).get_content()
        assert "<b>" not in html and "<script>" not in html and "<i>" not in html
        assert "CĐCS &lt;b&gt;Bình Minh&lt;/b&gt;" in html
        assert "Tám &#34;&amp;&#34; &lt;i&gt;" in html
    receipt_html = message_from_bytes(receipt.raw, policy=default).get_body(("html",))
    assert "Kính gửi Đức &lt;script&gt;x&lt;/script&gt;," in receipt_html.get_content()
