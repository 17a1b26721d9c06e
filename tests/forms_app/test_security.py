"""Security headers and cookies of every route, walked from app.url_map, and their settings."""

from __future__ import annotations

import io
import re

import pytest
from form_data import (
    CITY_CALL,
    PLAN,
    add_nominee,
    csrf_token,
    individual_fields,
    nominee_url,
    open_dossier,
)
from mail_fixtures import all_mails, submit_with_mails
from photo_samples import phone_photo
from sent_dossiers import store_sent_dossier
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from forms_app.config import ConfigError
from forms_app.office.cli import create_user_command

PASSWORD = "mật-khẩu-đủ-dài-2020"
REFERENCE = "Q1AAAA22"  # a nominee stored by mail_fixtures, for the office's pages
CAMPAIGN = f"/van-phong/dot/{PLAN}/cap-thanh-pho/"
NO_STORE = "no-store"


def directives(policy: str) -> dict[str, str]:
    """{"script-src": "'self'", ...} from a Content-Security-Policy header."""
    parts = (part.strip().partition(" ") for part in policy.split(";") if part.strip())
    return {name: value for name, _space, value in parts}


def draft_with_photo(client, dossier_token: str | None = None) -> str:
    """A real draft (with a processed photo) through a dossier's form: its token."""
    url = nominee_url(dossier_token or open_dossier(client))
    fields = {**individual_fields(), "csrf_token": csrf_token(client, url)}
    files = {"photo": FileStorage(io.BytesIO(phone_photo()), filename="anh.jpg")}
    boundary, body = encode_multipart(MultiDict({**fields, **files}))
    response = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 303
    return re.fullmatch(r"/nhap/([^/]+)/", response.headers["Location"])[1]


def log_in(client) -> None:
    page = client.get("/van-phong/dang-nhap")
    response = client.post(
        "/van-phong/dang-nhap",
        data={
            "username": "quan1",
            "password": PASSWORD,
            "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)[
                1
            ],
        },
    )
    assert response.status_code == 302


@pytest.fixture
def site(make_app):
    app = make_app(MAIL_BACKEND="file", OUTBOX_SEND_AFTER_COMMIT=False)
    result = app.test_cli_runner().invoke(
        create_user_command,
        ["quan1", "--name", "Hoàng Thị Hà", "--password", PASSWORD, "--issuer", "ldld-quan-1"],
    )
    assert result.exit_code == 0
    submit_with_mails(app, REFERENCE, "Nguyễn Thị Lan")
    store_sent_dossier(app)  # DQ1SENT2, one nominee, sent once
    return app


def requests_for_every_route(
    app, draft: str, mail_id: int, dossier: str, nominee: str
) -> dict[str, list[tuple]]:
    """(method, path, expected status) for each endpoint, with real arguments; `dossier` is
    a dossier's path (/ho-so/<token>/), `nominee` one of its nominees' (…/nguoi/<ref>)."""
    draft_base = f"/nhap/{draft}"
    form = f"{dossier}them/ca-nhan"
    return {
        "static": [("GET", "/static/forms.css", 200), ("GET", "/static/office.css", 200)],
        "nominations.index": [("GET", "/", 200)],
        "dossiers.start": [("GET", CITY_CALL, 200), ("POST", CITY_CALL, 400)],  # no CSRF token
        "dossiers.dossier_page": [("GET", dossier, 200)],
        "dossiers.unit": [("GET", f"{dossier}don-vi", 200), ("POST", f"{dossier}don-vi", 400)],
        "dossiers.edit": [("POST", f"{nominee}/sua", 400)],
        "dossiers.remove": [("POST", f"{nominee}/bo", 400)],
        "dossiers.move": [("POST", f"{nominee}/len", 400), ("POST", f"{nominee}/xuong", 400)],
        "dossiers.nominee_file": [
            ("GET", f"{nominee}/tom-tat.pdf", 200),
            ("GET", f"{nominee}/tom-tat.docx", 200),
            ("GET", f"{nominee}/anh.jpg", 200),
        ],
        "dossiers.document": [
            ("GET", f"{dossier}to-trinh.pdf", 200),
            ("GET", f"{dossier}to-trinh.docx", 200),
            ("GET", f"{dossier}danh-sach.xlsx", 200),
        ],
        "dossiers.signed_scan": [("GET", f"{dossier}to-trinh-da-ky.pdf", 404)],  # none uploaded
        "dossiers.upload_scan": [("POST", f"{dossier}ban-ky", 400)],
        "dossiers.remove_scan": [("POST", f"{dossier}ban-ky/xoa", 400)],
        "dossiers.send": [("POST", f"{dossier}gui", 400)],
        "nominations.nomination_form": [("GET", form, 200), ("POST", form, 400)],
        "nominations.preview": [("GET", f"{draft_base}/", 200)],
        "nominations.preview_page": [("GET", f"{draft_base}/trang", 200)],
        "nominations.preview_pdf": [("GET", f"{draft_base}/ban-xem-truoc.pdf", 200)],
        "nominations.draft_photo": [("GET", f"{draft_base}/anh.jpg", 200)],
        "nominations.asset": [("GET", "/tai-nguyen/fonts/LiberationSerif-Regular.ttf", 200)],
        "nominations.submit": [("POST", f"{draft_base}/gui", 400)],
        "office.login": [
            ("GET", "/van-phong/dang-nhap", 200),
            ("POST", "/van-phong/dang-nhap", 400),
        ],
        "office.logout": [("POST", "/van-phong/dang-xuat", 302)],
        "office.index": [("GET", "/van-phong/", 200)],
        "office.campaign": [
            ("GET", CAMPAIGN, 200),
            ("GET", f"{CAMPAIGN}?den_ngay=9999-12-31", 400),
        ],
        "office.export_xlsx": [("GET", f"{CAMPAIGN}danh-sach.xlsx", 200)],
        "office.export_csv": [("GET", f"{CAMPAIGN}danh-sach.csv", 200)],
        "office.export_zip": [("GET", f"{CAMPAIGN}ho-so.zip", 200)],
        "office.set_quota": [("POST", f"{CAMPAIGN}dinh-muc", 400)],  # no CSRF token
        "office.remove_quota": [("POST", f"{CAMPAIGN}dinh-muc/1/bo", 404)],
        "office.dossier": [("GET", "/van-phong/ho-so-don-vi/DQ1SENT2", 200)],
        "office.dossier_zip": [("GET", "/van-phong/ho-so-don-vi/DQ1SENT2/lan-1.zip", 200)],
        "office.nomination": [("GET", f"/van-phong/ho-so/{REFERENCE}", 200)],
        "office.download": [
            ("GET", f"/van-phong/ho-so/{REFERENCE}/ban-1/pdf", 200),
            ("GET", f"/van-phong/ho-so/{REFERENCE}/ban-1/docx", 200),
            ("GET", f"/van-phong/ho-so/{REFERENCE}/ban-1/anh", 200),
        ],
        "office.outbox": [("GET", "/van-phong/thu-gui", 200)],
        "office.resend": [("POST", f"/van-phong/thu-gui/{mail_id}/gui-lai", 400)],
        "office.privacy_requests": [("GET", "/van-phong/yeu-cau-du-lieu", 200)],
        "office.access_log": [("GET", "/van-phong/nhat-ky-truy-cap", 404)],  # admins only
        "office.answer_privacy_request": [("POST", "/van-phong/yeu-cau-du-lieu/1/xu-ly", 400)],
        "privacy.notice": [("GET", f"/{PLAN}/cap-thanh-pho/bao-ve-du-lieu-ca-nhan", 200)],
        "privacy.my_data": [("GET", f"{nominee}/du-lieu", 200)],
        "privacy.my_data_json": [("GET", f"{nominee}/du-lieu.json", 200)],
        "privacy.withdraw": [("POST", f"{nominee}/rut-dong-y", 400)],
        "privacy.erase": [("POST", f"{nominee}/yeu-cau-xoa", 400)],
        "privacy.send_request": [("POST", f"{nominee}/yeu-cau", 400)],
    }


def check_headers(response, endpoint: str) -> None:
    headers = response.headers
    policy = directives(headers["Content-Security-Policy"])
    scripts = policy.get("script-src", policy["default-src"])
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    if endpoint == "nominations.preview_page":
        # Shown in the preview's own frame, nowhere else.
        assert policy["frame-ancestors"] == "'self'"
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
    else:
        assert policy["frame-ancestors"] == "'none'"
        assert headers["X-Frame-Options"] == "DENY"
        assert "'unsafe-inline'" not in policy["style-src"]
    if endpoint in ("static", "nominations.asset"):
        assert headers.get("Cache-Control") != NO_STORE  # shared files, nothing personal
    else:
        assert headers["Cache-Control"] == NO_STORE
    for cookie in headers.getlist("Set-Cookie"):
        assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
        assert "Expires=" not in cookie and "Max-Age=" not in cookie  # ends with the browser


def test_every_route_sends_the_security_headers(site):
    public = site.test_client()
    token = open_dossier(public)
    page = add_nominee(public, token, individual_fields(), photo=phone_photo())
    reference = re.search(r'<tr id="nguoi-([A-Z0-9]+)">', page.text)[1]
    draft = draft_with_photo(public, token)
    office = site.test_client()
    log_in(office)
    dossier = f"/ho-so/{token}/"
    routes = requests_for_every_route(
        site, draft, all_mails(site)[0].id, dossier, f"{dossier}nguoi/{reference}"
    )
    assert set(routes) == {rule.endpoint for rule in site.url_map.iter_rules()}

    seen = []
    for endpoint, calls in routes.items():
        client = office if endpoint.startswith("office.") else public
        for method, path, status in calls:
            if endpoint == "office.logout":
                continue  # walked last: it ends the office login the other calls use
            response = client.open(path, method=method)
            response.close()  # static files are streamed from disk
            assert (path, method, response.status_code) == (path, method, status)
            check_headers(response, endpoint)
            seen.append(endpoint)
    # The same routes logged out (redirects to the login page), errors, and logout.
    anonymous = site.test_client()
    for endpoint, calls in routes.items():
        if endpoint.startswith("office."):
            for method, path, _status in calls:
                check_headers(anonymous.open(path, method=method), endpoint)
    for path, status in (("/khong-co-trang-nay", 404), ("/ho-so/khong-co/", 404)):
        response = public.get(path)
        assert response.status_code == status
        check_headers(response, None)
    response = public.delete("/")
    assert response.status_code == 405
    check_headers(response, None)
    response = office.post("/van-phong/dang-xuat")
    assert response.status_code == 302
    check_headers(response, "office.logout")
    assert set(seen) == set(routes) - {"office.logout"}


def test_preview_page_may_only_be_framed_by_the_app(site):
    client = site.test_client()
    response = client.get(f"/nhap/{draft_with_photo(client)}/trang")

    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src 'self'; "
        "frame-ancestors 'self'"
    )


def test_pages_policy_is_exact(client):
    assert client.get("/").headers["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def test_no_template_has_inline_script_or_style():
    from paths import PROJECT

    for template in (PROJECT / "forms_app" / "templates").rglob("*.html"):
        if template.parent.name in ("mail", "summary"):
            continue  # mails are not served; the summary has its own policy (its frame)
        text = template.read_text(encoding="utf-8")
        # A script file (src, empty body) is what script-src 'self' allows; nothing else.
        inline = r"<script(?![^>]*\ssrc=)|<script[^>]*>[^<]|<style|\sstyle=|\son[a-z]+="
        assert re.findall(inline, text) == [], template


def session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_session_cookie_is_lax_not_secure_over_http(client):
    cookie = session_cookie(client.get(CITY_CALL))

    assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
    assert "Secure" not in cookie
    assert "Expires=" not in cookie


def test_https_app_url_makes_the_cookie_secure_and_sends_hsts(make_app):
    app = make_app(APP_URL="https://hoso.congdoan.vn/")
    client = app.test_client()

    response = client.get(CITY_CALL, base_url="https://hoso.congdoan.vn")

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert "; Secure" in session_cookie(response)
    assert response.headers["Strict-Transport-Security"] == ("max-age=31556926; includeSubDomains")


def test_public_session_is_short_and_not_permanent(app, client):
    response = client.get(CITY_CALL)

    assert app.permanent_session_lifetime.total_seconds() == 24 * 3600
    assert "Expires=" not in session_cookie(response)
    with client.session_transaction() as session:
        assert set(session) == {"csrf_token"}
        assert session.permanent is False


@pytest.mark.parametrize(
    ("settings", "sentence"),
    [
        (
            {"APP_URL": "https://hoso.congdoan.vn/", "SECURE_COOKIES": False},
            "FORMS_SECURE_COOKIES cannot be false when FORMS_APP_URL is https, or the session "
            "cookie would also travel over plain http.",
        ),
        (
            {"APP_URL": "http://hoso.congdoan.vn/", "SECURE_COOKIES": True},
            "FORMS_SECURE_COOKIES cannot be true when FORMS_APP_URL is plain http, or browsers "
            "would never send the session cookie back and no form could be sent.",
        ),
        (
            {"APP_URL": "hoso.congdoan.vn"},
            "FORMS_APP_URL must start with http:// or https://, got 'hoso.congdoan.vn'.",
        ),
        (
            {"SESSION_LIFETIME": 3600},
            "FORMS_SESSION_LIFETIME must be at least FORMS_WTF_CSRF_TIME_LIMIT, or the form's "
            "security token would outlive the cookie that holds it. "
            "FORMS_OFFICE_SESSION_LIFETIME must not be longer than FORMS_SESSION_LIFETIME, or "
            "the cookie would end every office login earlier than announced.",
        ),
    ],
)
def test_cookie_settings_contradictions_rejected(make_app, settings, sentence):
    with pytest.raises(ConfigError) as caught:
        make_app(**settings)
    assert str(caught.value) == sentence


def test_secure_cookies_alone_for_tls_ended_at_a_proxy(make_app):
    assert make_app(SECURE_COOKIES=True).config["SESSION_COOKIE_SECURE"] is True
    assert make_app().config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("key", ["aaaaaaaaaaaaaaaa", "abcabcabcabcabca", "1212121212121212abab"])
def test_secret_key_with_little_entropy_rejected(make_app, key):
    with pytest.raises(ConfigError) as caught:
        make_app(SECRET_KEY=key)
    assert str(caught.value) == (
        "FORMS_SECRET_KEY is too easy to guess (too few different characters for its length); "
        'make one with: python -c "import secrets; print(secrets.token_urlsafe(48))".'
    )


def test_secret_key_from_the_documented_command_accepted(make_app):
    import secrets

    for _ in range(20):
        key = secrets.token_urlsafe(48)
        assert make_app(SECRET_KEY=key).config["SECRET_KEY"] == key
