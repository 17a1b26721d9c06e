"""The app through Flask's test client: flow, refusals, abuse; never a 500."""

from __future__ import annotations

import hashlib
import html
import io
import re

import pytest
from form_data import (
    CITY_CALL,
    DISTRICT_CALL,
    PLAN,
    csrf_token,
    individual_fields,
    nominee_url,
    open_dossier,
    unit_fields,
)
from pdf_checks import page_sizes, read_pdf
from photo_samples import huge_png, pdf_named_jpg, phone_photo
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from forms_app.nominations.operations import REFERENCE_ALPHABET
from forms_app.store.models import FileKind, Nomination, NominationVersion, StoredFile

MB = 1024 * 1024
CSRF_MESSAGE = (
    "Phiên làm việc đã hết hạn hoặc thiếu mã bảo mật, nên hồ sơ chưa được xử lý. "
    "Mọi nội dung bạn nhập vẫn còn dưới đây; hãy bấm nút gửi lần nữa."
)


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def problems(response) -> list[str]:
    body = response.get_data(as_text=True)
    found = re.findall(r'<(?:li|p) class="(?:problem|error)"[^>]*>(.*?)</(?:li|p)>', body, re.S)
    return [html.unescape(text) for text in found]


def individual_url(client, dossier_of=None) -> str:
    """The nominee form of the client's dossier (opened on first use, or `dossier_of`'s)."""
    if dossier_of is not None:
        client.dossier_token = dossier_of.dossier_token
    if getattr(client, "dossier_token", None) is None:
        client.dossier_token = open_dossier(client)
    return nominee_url(client.dossier_token)


def post_form(client, url=None, photo=None, photo_name="anh.jpg", **changes):
    url = url or individual_url(client)
    fields = {**individual_fields(**changes), "csrf_token": csrf_token(client, url)}
    if photo is None:
        return client.post(url, data=fields, content_type="multipart/form-data")
    # Encoded in memory: the test client spools big bodies to a temporary file it
    # never closes, which filterwarnings=error turns into a ResourceWarning failure.
    files = {"photo": FileStorage(io.BytesIO(photo), filename=photo_name)}
    boundary, body = encode_multipart(MultiDict({**fields, **files}))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def submit_ok(client, **changes):
    response = post_form(client, photo=phone_photo(), **changes)
    assert response.status_code == 303, problems(response)
    preview = client.get(response.headers["Location"])
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', preview.text)[1]
    sent = client.post(response.headers["Location"] + "gui", data={"csrf_token": token})
    assert sent.status_code == 303
    return sent.headers["Location"]


def db(app):
    return app.extensions["forms_sessionmaker"]()


def test_index_lists_open_and_closed_campaigns(make_app):
    client = make_app(NOW="2020-03-01T09:00:00+07:00").test_client()
    text = page_text(client.get("/"))
    closed = text.index(f'id="{PLAN}--cap-thanh-pho"')
    open_ = text.index(f'id="{PLAN}--cap-quan"')
    assert "Đã đóng" in text[closed:open_]
    assert (
        "Hạn nộp: <strong>“chậm nhất trước 16g00 ngày 10/4/2020” "
        "(tức là trước 16:00 ngày 10/04/2020)</strong>" in text
    )
    assert "Đang nhận hồ sơ — còn 40 ngày" in text
    assert (
        "Đối tượng 3</strong> (cá nhân): ít nhất 03 sáng kiến; tổng giá trị làm lợi từ "
        "60.000.000 đồng; giai đoạn 2015 – 2019." in text
    )
    assert f'href="{DISTRICT_CALL}"' in text
    assert f'href="{CITY_CALL}"' not in text


def test_form_labels_tied_to_inputs(client):
    body = client.get(individual_url(client)).get_data(as_text=True)
    for field_id, label in [
        ("full_name", "Họ và tên"),
        ("birth_year", "Năm sinh"),
        ("category", "Đối tượng"),
        ("initiatives-0-benefit", "Giá trị làm lợi (đồng)"),
        ("awards-1-title", "Danh hiệu / hình thức khen thưởng"),
        ("photo", "Ảnh chân dung"),
    ]:
        assert f'<label for="{field_id}">{label}</label>' in body
    assert 'id="full_name" maxlength="100"' in body


def test_nominee_stored_with_files_checksums_and_email(app, client):
    dossier = submit_ok(client)
    assert re.fullmatch(r"/ho-so/[A-Za-z0-9_-]{32}/", dossier)
    page = page_text(client.get(dossier))
    reference = re.search(r'<tr id="nguoi-([A-Z0-9]+)">', page)[1]
    assert len(reference) == 8 and set(reference) <= set(REFERENCE_ALPHABET)
    with db(app) as session:
        nomination = session.scalar(select(Nomination))
        assert (nomination.reference, nomination.submitter_email, nomination.status.value) == (
            reference,
            "congdoan@binhminh.vn",
            "pending",
        )
        assert nomination.nominee_name == "Nguyễn Thị Lan Hương"
        files = session.scalars(select(StoredFile).order_by(StoredFile.kind)).all()
        assert sorted(f.kind for f in files) == [FileKind.DOCX, FileKind.PDF, FileKind.PHOTO]
        for stored in files:
            assert stored.sha256 == hashlib.sha256(stored.content).hexdigest()
        clean = nomination.latest.data["clean"]
        assert [i["benefit"] for i in clean["initiatives"]] == [25_000_000, 30_000_000, 15_000_000]
    download = client.get(f"{dossier}nguoi/{reference}/tom-tat.pdf")
    assert download.status_code == 200
    assert page_sizes(read_pdf(download.data)) == [(595, 842)]
    assert client.get(f"{dossier}nguoi/{reference}/tom-tat.docx").data[:2] == b"PK"


def test_dossier_only_through_the_secret_link(app, client):
    dossier = submit_ok(client)
    reference = re.search(r'<tr id="nguoi-([A-Z0-9]+)">', client.get(dossier).text)[1]
    other = app.test_client()
    guessed = dossier[:-5] + ("AAAA/" if not dossier.endswith("AAAA/") else "BBBB/")
    assert other.get(guessed).status_code == 404
    assert other.get(f"{guessed}nguoi/{reference}/tom-tat.pdf").status_code == 404
    assert other.get(dossier).status_code == 200
    assert "session" not in " ".join(client.get(dossier).headers.getlist("Set-Cookie"))


def test_criteria_failure_cites_plan_and_keeps_typed_values(client):
    response = post_form(
        client,
        photo=phone_photo(),
        **{
            "initiatives-2-title": "",
            "initiatives-2-year": "",
            "initiatives-2-level": "",
            "initiatives-2-benefit": "",
            "initiatives-1-benefit": "20 triệu",
        },
    )
    assert response.status_code == 422
    assert problems(response) == [
        "Đối tượng 3 yêu cầu ít nhất 03 sáng kiến với tổng giá trị làm lợi từ 60.000.000 đồng; "
        "hồ sơ mới có 2 sáng kiến, tổng 45.000.000 đồng."
    ]
    body = page_text(response)
    assert 'value="Nguyễn Thị Lan Hương"' in body
    assert 'value="20 triệu"' in body
    assert "Ảnh đã nhận; chọn tệp khác nếu muốn thay." in body


def test_deadline_passed_by_a_minute_refuses_post(make_app):
    client = make_app(NOW="2020-02-14T15:59:00+07:00").test_client()
    url = individual_url(client)
    token = csrf_token(client, url)
    late = make_app(NOW="2020-02-14T16:01:00+07:00").test_client()
    response = late.post(url, data={**individual_fields(), "csrf_token": token})
    assert response.status_code == 403
    assert problems(response) == [
        "Đã hết hạn nộp hồ sơ “chậm nhất trước 16g00 ngày 14/02/2020” "
        "(tức là trước 16:00 ngày 14/02/2020); hồ sơ không được nhận nữa."
    ]


BA_DINH_CALL = "/ldld-ba-dinh-63-kh-2021/khen-thuong-dot-thi-dua-cao-diem/"


def test_before_day_call_is_closed_on_the_day_named(make_app):
    # Seed 001: dossiers "trước ngày 27/5/2021". The 26th still counts ...
    evening = make_app(NOW="2021-05-26T23:30:00+07:00").test_client()
    BA_DINH_FORM = nominee_url(open_dossier(evening, BA_DINH_CALL))
    assert 'name="full_name"' in evening.get(BA_DINH_FORM).get_data(as_text=True)
    # ... at 08:00 on the 27th the call is closed, and a post is refused.
    token = csrf_token(evening, BA_DINH_FORM)
    morning = make_app(NOW="2021-05-27T08:00:00+07:00").test_client()
    page = page_text(morning.get(BA_DINH_FORM))
    assert 'name="full_name"' not in page
    assert 'name="union_name"' not in page_text(morning.get(BA_DINH_CALL))
    message = (
        "Đã hết hạn nộp hồ sơ “trước ngày 27/5/2021” (tức là hết ngày 26/05/2021); "
        "hồ sơ không được nhận nữa."
    )
    assert message in page
    response = morning.post(BA_DINH_FORM, data={**individual_fields(), "csrf_token": token})
    assert response.status_code == 403
    assert problems(response) == [message]
    index = page_text(morning.get("/"))
    assert "Hạn nộp: <strong>“trước ngày 27/5/2021” (tức là hết ngày 26/05/2021)</strong>" in index


def test_deadline_before_the_minute_is_open_and_the_minute_closed(make_app):
    # "chậm nhất trước 16g00 ngày 14/02/2020": 15:59:59 counts, 16:00 does not.
    client = make_app(NOW="2020-02-14T15:59:59+07:00").test_client()
    url = individual_url(client)
    assert 'name="full_name"' in client.get(url).get_data(as_text=True)
    closed = make_app(NOW="2020-02-14T16:00:00+07:00").test_client()
    assert 'name="full_name"' not in closed.get(url).get_data(as_text=True)


@pytest.mark.parametrize(
    ("photo", "name", "message"),
    [
        (
            phone_photo()[:4000],
            "anh.jpg",
            "Tệp ảnh bị hỏng hoặc chưa tải lên hết; hãy chọn lại ảnh gốc.",
        ),
        (
            pdf_named_jpg(),
            "anh.jpg",
            "Tệp này không phải ảnh JPEG, PNG hay WebP; hãy chọn một tệp ảnh.",
        ),
        (
            huge_png(),
            "anh.png",
            "Ảnh có kích thước điểm ảnh quá lớn (trên 50 triệu điểm ảnh); "
            "hãy chụp hoặc lưu lại ảnh ở cỡ nhỏ hơn.",
        ),
    ],
    ids=["truncated-jpeg", "pdf-renamed-jpg", "20000x20000"],
)
def test_bad_photo_refused_and_form_kept(client, photo, name, message):
    response = post_form(client, photo=photo, photo_name=name)
    assert response.status_code == 422
    assert problems(response) == [
        "Hồ sơ còn chỗ chưa hợp lệ; xem các ô được đánh dấu bên dưới.",
        message,
    ]
    assert 'value="Nguyễn Thị Lan Hương"' in page_text(response)


def test_photo_over_photo_limit_refused(make_app):
    client = make_app(MAX_PHOTO_BYTES=1 * MB, MAX_CONTENT_LENGTH=2 * MB).test_client()
    response = post_form(client, photo=phone_photo() + b"\0" * (MB + MB // 2))
    assert response.status_code == 422
    assert problems(response)[1] == "Ảnh nặng 1,5 MB, vượt giới hạn 1 MB; hãy chọn ảnh nhỏ hơn."


def test_request_over_size_limit_gets_vietnamese_413(make_app):
    client = make_app(MAX_PHOTO_BYTES=1 * MB, MAX_CONTENT_LENGTH=2 * MB).test_client()
    response = post_form(client, photo=b"\xff" * (3 * MB))
    assert response.status_code == 413
    assert problems(response) == [
        "Hồ sơ gửi lên nặng 3 MB, vượt giới hạn 2 MB của cả hồ sơ (ảnh tối đa 1 MB). "
        "Hãy chọn ảnh nhỏ hơn rồi gửi lại."
    ]


def test_too_many_rows_gets_a_413_naming_the_rows_not_megabytes(client):
    rows = {
        f"initiatives-{i}-{name}": value
        for i in range(500)
        for name, value in (("title", f"Sáng kiến {i}"), ("year", "2018"), ("level", "cơ sở"))
    }
    response = post_form(client, **rows)
    assert response.status_code == 413
    assert problems(response) == [
        "Hồ sơ gửi lên có quá nhiều ô (tối đa 1000 ô, tức là vài chục dòng sáng kiến và khen "
        "thưởng). Hãy bớt các dòng trống hoặc gộp bớt rồi gửi lại."
    ]


def test_missing_csrf_token_reshows_typed_values(client):
    response = client.post(individual_url(client), data=individual_fields())
    assert response.status_code == 400
    assert problems(response) == [CSRF_MESSAGE]
    body = page_text(response)
    assert 'value="Nguyễn Thị Lan Hương"' in body
    assert "Năm năm liền hoàn thành xuất sắc nhiệm vụ." in body
    assert re.search(r'name="csrf_token" type="hidden" value="[^"]+"', body)


def test_missing_csrf_token_on_send_keeps_draft(client):
    response = post_form(client, photo=phone_photo())
    sent = client.post(response.headers["Location"] + "gui", data={})
    assert sent.status_code == 400
    assert problems(sent) == [CSRF_MESSAGE]
    assert client.get(response.headers["Location"]).status_code == 200


def test_honeypot_filled_refused(client):
    response = post_form(client, website="http://spam.example")
    assert response.status_code == 400
    assert problems(response) == ["Không thể nhận hồ sơ này: ô “Trang web” phải để trống."]


def test_rate_limit_on_previews(make_app):
    client = make_app(RATE_LIMIT_PREVIEWS=2).test_client()
    assert post_form(client).status_code == 422  # no photo
    assert post_form(client).status_code == 422
    draft = re.search(
        r'id="draft" name="draft" type="hidden" value="([^"]+)"',
        page_text(
            post_form(client, action="add-award")  # adding a row is not a preview: not counted
        ),
    )[1]
    response = post_form(client, draft=draft, full_name="Trần Văn Kiên")
    assert response.status_code == 429
    assert problems(response) == [
        "Địa chỉ của bạn đã xem trước quá nhiều lần trong một giờ. Mọi nội dung bạn nhập đã "
        "được lưu; hãy đợi một lúc rồi bấm “Xem trước bản in” lần nữa."
    ]
    back = re.search(r'<a href="([^"]+)">Trở lại bản nháp đã lưu</a>', page_text(response))[1]
    kept = page_text(client.get(back, follow_redirects=True))
    assert 'value="Trần Văn Kiên"' in kept
    assert kept.count('id="awards-') >= 3 * 4  # the added row is still there


def test_rate_limit_on_opening_dossiers(make_app):
    client = make_app(RATE_LIMIT_SUBMISSIONS=1).test_client()
    open_dossier(client)
    fields = {"csrf_token": csrf_token(client, CITY_CALL)}
    response = client.post(CITY_CALL, data={**fields, **unit_fields()})
    assert response.status_code == 429
    assert problems(response) == [
        "Địa chỉ của bạn đã mở quá nhiều hồ sơ trong một giờ. Hãy đợi một lúc rồi thử lại; "
        "hồ sơ đã mở vẫn dùng được qua đường dẫn riêng của nó."
    ]


def test_too_long_summary_refused_with_cut_message_and_values_kept(client):
    long_text = "Chủ động đề xuất và triển khai các giải pháp nâng cao năng suất lao động. " * 40
    response = post_form(client, photo=phone_photo(), achievements=long_text)
    assert response.status_code == 422
    [message] = problems(response)
    assert re.fullmatch(
        r"Bản tóm tắt dài khoảng 1,\d trang A4, vượt giới hạn 01 trang: hãy cắt bớt khoảng "
        r"\d+% \(\d+ dòng\)\. Dài nhất là mục “Thành tích nổi bật” \(khoảng \d+ dòng\) và "
        r"mục “[^”]+” \(khoảng \d+ dòng\)\.",
        message,
    )
    body = page_text(response)
    assert long_text.strip() in body
    assert 'value="Cải tiến khuôn ép nhựa"' in body


def test_rows_added_and_removed_keep_typed_values(client):
    response = post_form(client, action="add-initiative")
    assert response.status_code == 200
    body = page_text(response)
    assert 'id="initiatives-3-title"' in body
    assert 'value="Bảo dưỡng máy nén khí"' in body
    draft = re.search(r'id="draft" name="draft" type="hidden" value="([^"]+)"', body)[1]
    removed = post_form(client, action="remove-initiative-0", draft=draft)
    body = page_text(removed)
    assert (
        'id="initiatives-0-title" maxlength="300" name="initiatives-0-title" type="text" '
        'value="Băng tải tự động"' in body
    )


def test_edit_adds_a_version_until_deadline(app, client):
    dossier = submit_ok(client)
    reference = re.search(r'<tr id="nguoi-([A-Z0-9]+)">', client.get(dossier).text)[1]
    other = app.test_client()  # another browser with the private link
    other.dossier_token = client.dossier_token
    token = csrf_token(other, dossier)
    started = other.post(f"{dossier}nguoi/{reference}/sua", data={"csrf_token": token})
    assert started.status_code == 303
    form_page = page_text(other.get(started.headers["Location"]))
    assert 'value="Nguyễn Thị Lan Hương"' in form_page
    assert "Bạn đang sửa hồ sơ mã" in form_page
    draft = re.search(r'id="draft" name="draft" type="hidden" value="([^"]+)"', form_page)[1]
    submit_ok(other, draft=draft, full_name="Nguyễn Thị Lan Hương Giang")
    with db(app) as session:
        versions = session.scalars(
            select(NominationVersion).order_by(NominationVersion.number)
        ).all()
        assert [v.data["clean"]["full_name"] for v in versions] == [
            "Nguyễn Thị Lan Hương",
            "Nguyễn Thị Lan Hương Giang",
        ]
        assert len(session.scalars(select(StoredFile)).all()) == 6
        assert len(session.scalars(select(Nomination)).all()) == 1


def test_edit_after_deadline_refused(app, make_app, client):
    dossier = submit_ok(client)
    reference = re.search(r'<tr id="nguoi-([A-Z0-9]+)">', client.get(dossier).text)[1]
    token = csrf_token(client, dossier)
    late = make_app(NOW="2020-02-14T16:01:00+07:00").test_client()
    late.get(dossier)
    with late.session_transaction() as session, client.session_transaction() as old:
        session.update(old)
    refused = late.post(f"{dossier}nguoi/{reference}/sua", data={"csrf_token": token})
    assert refused.status_code == 403
    assert problems(refused) == [
        "Đã hết hạn nộp hồ sơ “chậm nhất trước 16g00 ngày 14/02/2020” "
        "(tức là trước 16:00 ngày 14/02/2020); hồ sơ không được nhận nữa."
    ]


def test_output_escaped_in_html(client):
    response = post_form(client, full_name='<script>alert("x")</script>')
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body


def test_text_normalised_to_nfc(app, client):
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Lan Hu\u031bo\u031bng"
    submit_ok(client, full_name=decomposed)
    with db(app) as session:
        assert session.scalar(select(Nomination)).nominee_name == "Nguyễn Thị Lan Hương"


def test_birth_year_in_future_refused(client):
    response = post_form(client, birth_year="2031")
    assert "Năm sinh 2031 chưa tới (năm nay là 2020)." in problems(response)


@pytest.mark.parametrize(
    ("method", "url", "data", "status"),
    [
        ("get", "/khong-co/cap/", None, 404),
        ("get", "{form}/../tap-the", None, 404),
        ("delete", "{form}", None, 405),
        ("get", "/nhap/khong-co/", None, 404),
        ("post", "/nhap/khong-co/gui", {}, 404),
        ("get", "/ho-so/ABCDEFGH/nguoi/ABCDEFGH/tom-tat.pdf", None, 404),
        ("get", "/ho-so/" + "x" * 500 + "/", None, 404),
        ("get", "/tai-nguyen/fonts/../config.py", None, 404),
        ("post", "{form}", {"action": "remove-initiative-99"}, 400),
    ],
)
def test_bad_requests_get_vietnamese_pages_not_500(client, method, url, data, status):
    form = individual_url(client)
    url = url.format(form=form).replace("ca-nhan/../", "")
    if data is not None and "action" in data:
        data = {**individual_fields(**data), "csrf_token": csrf_token(client, form)}
    response = getattr(client, method)(url, data=data)
    assert response.status_code == status
    assert '<html lang="vi">' in response.get_data(as_text=True)


def test_garbage_fields_never_500(client):
    url = individual_url(client)
    token = csrf_token(client, url)
    for changes in [
        {"category": "khong-co"},
        {"award": "Huân chương Sao Vàng"},
        {"initiatives-0-benefit": "rất nhiều"},
        {"initiatives-0-year": "20166"},
        {"awards-0-year": "abc"},
        {"initiatives-20-title": "ngoài giới hạn"},
        {"action": "add-sth"},
        {"draft": "x" * 200},
        {"union_name": "x" * 5000},
    ]:
        response = client.post(url, data={**individual_fields(**changes), "csrf_token": token})
        assert response.status_code in (200, 400, 422), changes


@pytest.mark.parametrize("pasted", ["\x0b", "\x0c", "\x00", "\x1b", "\ufffe", "\u2028"])
def test_controls_pasted_from_word_pass_preview_and_send(app, client, pasted):
    dossier = submit_ok(client, achievements=f"Dòng một{pasted}Dòng hai.")
    assert client.get(dossier).status_code == 200
    with db(app) as session:
        achievements = session.scalar(select(Nomination)).latest.data["clean"]["achievements"]
    breaks = pasted in "\x0b\x0c\u2028"
    assert achievements == ("Dòng một\nDòng hai." if breaks else "Dòng mộtDòng hai.")


@pytest.mark.parametrize("address", ["nguyen.van.a.@gmail.com", "a..b@binhminh.vn", ".lan@x.vn"])
def test_addresses_the_mailer_cannot_use_are_refused_on_the_field(client, address):
    fields = {**unit_fields(contact_email=address), "csrf_token": csrf_token(client, CITY_CALL)}
    response = client.post(CITY_CALL, data=fields)
    assert response.status_code == 422
    assert (
        "Email chưa đúng dạng (ví dụ: congdoan@congty.vn): chỉ gồm chữ không dấu, chữ số và "
        "các dấu . _ - +; không có hai dấu chấm liền nhau, không bắt đầu hay kết thúc bằng dấu "
        "chấm trước @."
    ) in problems(response)
    assert f'value="{address}"' in page_text(response)


@pytest.mark.parametrize(
    "path",
    [
        "/ho-so/a%00b/",
        "/ho-so/a%00b/nguoi/ABC/tom-tat.pdf",
        "/ho-so/a%00b/them/ca-nhan",
        "/nhap/a%00b/",
        "/nhap/a%00b/trang",
        "/nhap/é/",
    ],
)
def test_tokens_that_cannot_be_tokens_answer_404(client, path):
    assert client.get(path).status_code == 404
    assert client.get(individual_url(client) + "?nhap=a%00b").status_code == 200
