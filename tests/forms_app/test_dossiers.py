"""The dossier through Flask's test client: opening, the unit, nominees, order, the deadline."""

from __future__ import annotations

import io
import re

import pytest
from form_data import (
    CITY_CALL,
    DISTRICT_CALL,
    PLAN,
    add_nominee,
    collective_fields,
    csrf_token,
    individual_fields,
    nominee_url,
    open_dossier,
    preview_nominee,
    save_nominee,
    unit_fields,
)
from openpyxl import load_workbook
from pdf_checks import read_pdf, text
from photo_samples import phone_photo
from sqlalchemy import select
from test_app import page_text, problems

from forms_app.nominations.drafts import hash_token
from forms_app.nominations.operations import REFERENCE_ALPHABET
from forms_app.store.models import (
    Dossier,
    DossierSending,
    Draft,
    Nomination,
    NominationStatus,
    NominationVersion,
    StoredFile,
)

# After seed 003's city-level deadline (16:00 on 14 February 2020).
AFTER_DEADLINE = "2020-02-14T16:00:00+07:00"


def db(app):
    return app.extensions["forms_sessionmaker"]()


def names_in_table(response) -> list[str]:
    body = page_text(response)
    return re.findall(r'<td class="name">([^<]+)<br>', body)


def second_individual(**changes):
    values = {
        "full_name": "Lê Văn Bình",
        "birth_year": "1979",
        "ethnicity": "",
        "consent_sensitive": None,
        **changes,
    }
    return individual_fields(**values)


def test_start_page_says_what_the_plan_asks_and_opens_a_dossier(app, client):
    text = page_text(client.get(CITY_CALL))
    assert "Hồ sơ kế hoạch yêu cầu" in text
    assert "Mở hồ sơ của công đoàn cơ sở" in text
    assert "Hạn nộp: <strong>“chậm nhất trước 16g00 ngày 14/02/2020”" in text
    assert "Đối tượng 3</strong> (cá nhân): ít nhất 03 sáng kiến" in text
    assert "Bằng khen của Liên đoàn Lao động thành phố" in text
    token = open_dossier(client)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    page = page_text(client.get(f"/ho-so/{token}/"))
    assert f"http://localhost/ho-so/{token}/" in page
    assert "Hồ sơ của CĐCS Công ty TNHH Cơ khí Bình Minh" in page
    assert "Chủ tịch Phạm Văn Hùng" in page
    with db(app) as session:
        dossier = session.scalar(select(Dossier))
        # Only the token's hash is stored; the reference is readable over the phone.
        assert dossier.token_hash == hash_token(token)
        assert token not in repr(
            [getattr(dossier, c.key) for c in Dossier.__table__.columns if c.key != "scan"]
        )
        assert len(dossier.reference) == 8 and set(dossier.reference) <= set(REFERENCE_ALPHABET)
        assert (dossier.plan_slug, dossier.call_key, dossier.revision) == (PLAN, "cap-thanh-pho", 0)
        assert dossier.contact_email == "congdoan@binhminh.vn"
    # The index links to the call pages, not to loose forms.
    assert f'href="{CITY_CALL}"' in client.get("/").get_data(as_text=True)


def test_unit_form_errors_show_everything_typed_in_vietnamese(app, client):
    fields = unit_fields(
        contact_email="khong-phai-email", contact_phone="abc", signer_title="", place=""
    )
    response = client.post(CITY_CALL, data={**fields, "csrf_token": csrf_token(client, CITY_CALL)})
    assert response.status_code == 422
    found = problems(response)
    assert "Thông tin đơn vị còn chỗ chưa hợp lệ." in found
    assert "Hãy chọn chức vụ người ký." in found
    assert "Hãy nhập địa danh." in found
    assert "Số điện thoại chỉ gồm chữ số (8 đến 20 ký tự), ví dụ 0982 206 192." in found
    assert any("email" in p.lower() for p in found if p.startswith(("Địa chỉ", "Email")))
    body = page_text(response)
    for value in (
        "CĐCS Công ty TNHH Cơ khí Bình Minh",
        "Liên đoàn Lao động Quận 1",
        "khong-phai-email",
    ):
        assert f'value="{value}"' in body
    with db(app) as session:
        assert session.scalar(select(Dossier)) is None


def test_unit_form_without_csrf_keeps_what_was_typed(app, client):
    client.get(CITY_CALL)
    response = client.post(CITY_CALL, data=unit_fields())
    assert response.status_code == 400
    assert 'value="CĐCS Công ty TNHH Cơ khí Bình Minh"' in page_text(response)
    with db(app) as session:
        assert session.scalar(select(Dossier)) is None


def test_wrong_token_is_404_everywhere(client):
    token = open_dossier(client)
    wrong = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for path in (
        f"/ho-so/{wrong}/",
        f"/ho-so/{wrong}/don-vi",
        nominee_url(wrong),
        f"/ho-so/{wrong}/nguoi/ABCDEFGH/tom-tat.pdf",
        "/ho-so/%00/",
        "/ho-so/" + "A" * 300 + "/",
    ):
        assert client.get(path).status_code == 404, path
    action = csrf_token(client, nominee_url(token))
    for path in (f"/ho-so/{wrong}/nguoi/ABCDEFGH/bo", f"/ho-so/{wrong}/nguoi/ABCDEFGH/len"):
        assert client.post(path, data={"csrf_token": action}).status_code == 404


def test_subject_the_call_does_not_take_is_404(client):
    token = open_dossier(client)  # the city-level call takes individuals only
    assert client.get(nominee_url(token, "tap-the")).status_code == 404
    page = page_text(client.get(f"/ho-so/{token}/"))
    assert "Thêm cá nhân" in page and "Thêm tập thể" not in page


def test_nominee_saved_into_the_dossier_with_the_units_details(app, client):
    token = open_dossier(client)
    form_page = page_text(client.get(nominee_url(token)))
    # The union and its contact are the dossier's: the nominee form does not ask them.
    assert 'name="union_name"' not in form_page and 'name="contact_email"' not in form_page
    assert "Hồ sơ của <strong>CĐCS Công ty TNHH Cơ khí Bình Minh</strong>" in form_page
    previewed = preview_nominee(client, token, individual_fields(), photo=phone_photo())
    assert previewed.status_code == 303
    preview = page_text(client.get(previewed.location))
    assert "Lưu vào hồ sơ" in preview and "Gửi hồ sơ</button>" not in preview
    saved = save_nominee(client, previewed.location)
    assert (saved.status_code, saved.location) == (303, f"/ho-so/{token}/")
    page = client.get(saved.location)
    assert names_in_table(page) == ["Nguyễn Thị Lan Hương"]
    text = page_text(page)
    assert "Đối tượng 3" in text and "Bằng khen của Liên đoàn Lao động thành phố" in text
    assert "Đạt tiêu chí" in text and "Chưa gửi" in text
    assert re.search(r"đã dùng \d+% trang A4", text)
    with db(app) as session:
        nomination = session.scalar(select(Nomination))
        assert (nomination.status, nomination.position, nomination.union_name) == (
            NominationStatus.PENDING,
            1,
            "CĐCS Công ty TNHH Cơ khí Bình Minh",
        )
        assert (nomination.submitter_email, nomination.submitter_phone) == (
            "congdoan@binhminh.vn",
            "0909 123 456",
        )
        clean = nomination.latest.data["clean"]
        assert not {"union_name", "contact_name", "contact_email", "contact_phone"} & set(clean)
        reference = nomination.reference
    pdf = client.get(f"/ho-so/{token}/nguoi/{reference}/tom-tat.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    assert client.get(f"/ho-so/{token}/nguoi/{reference}/tom-tat.docx").data[:2] == b"PK"
    assert client.get(f"/ho-so/{token}/nguoi/{reference}/anh.jpg").data[:3] == b"\xff\xd8\xff"
    # A repeated click lands on the dossier again and adds no one.
    back = client.get(previewed.location)
    assert (back.status_code, back.location) == (302, f"/ho-so/{token}/")
    action = csrf_token(client, f"/ho-so/{token}/")
    again = client.post(previewed.location + "gui", data={"csrf_token": action})
    assert (again.status_code, again.location) == (303, f"/ho-so/{token}/")
    with db(app) as session:
        assert len(session.scalars(select(Nomination)).all()) == 1


def test_union_name_is_printed_from_the_dossier(app, client):
    token = open_dossier(client, union_name="CĐCS Trường THCS Lê Lợi")
    previewed = preview_nominee(client, token, individual_fields(), photo=phone_photo())
    frame = client.get(previewed.location + "trang").get_data(as_text=True)
    assert "CĐCS TRƯỜNG THCS LÊ LỢI" in frame


def test_edit_creates_version_two_and_keeps_the_place(app, client):
    token = open_dossier(client)
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    add_nominee(client, token, second_individual(), photo=phone_photo())
    with db(app) as session:
        first = session.scalar(select(Nomination).where(Nomination.position == 1)).reference
    action = csrf_token(client, f"/ho-so/{token}/")
    started = client.post(f"/ho-so/{token}/nguoi/{first}/sua", data={"csrf_token": action})
    assert started.status_code == 303
    assert started.location.startswith(f"/ho-so/{token}/them/ca-nhan?nhap=")
    form = page_text(client.get(started.location))
    assert f"Bạn đang sửa hồ sơ mã <strong>{first}</strong>" in form
    assert 'value="Nguyễn Thị Lan Hương"' in form
    draft = re.search(r'id="draft" name="draft" type="hidden" value="([^"]+)"', form)[1]
    changed = individual_fields(draft=draft, full_name="Nguyễn Thị Lan Anh")
    previewed = preview_nominee(client, token, changed)
    assert previewed.status_code == 303
    assert save_nominee(client, previewed.location).location == f"/ho-so/{token}/"
    page = client.get(f"/ho-so/{token}/")
    assert names_in_table(page) == ["Nguyễn Thị Lan Anh", "Lê Văn Bình"]
    with db(app) as session:
        nomination = session.scalar(select(Nomination).where(Nomination.reference == first))
        assert [v.number for v in nomination.versions] == [1, 2]
        assert nomination.latest.data["clean"]["full_name"] == "Nguyễn Thị Lan Anh"
        # The photo of version 1 is kept by the edit.
        assert nomination.latest.file("photo") is not None
        assert len(session.scalars(select(Nomination)).all()) == 2


def test_reorder_and_remove(app, client):
    token = open_dossier(client)
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    add_nominee(client, token, second_individual(), photo=phone_photo())
    add_nominee(client, token, second_individual(full_name="Đỗ Thị Cúc"), photo=phone_photo())
    with db(app) as session:
        refs = {n.nominee_name: n.reference for n in session.scalars(select(Nomination))}
    action = csrf_token(client, f"/ho-so/{token}/")
    moved = client.post(
        f"/ho-so/{token}/nguoi/{refs['Đỗ Thị Cúc']}/len", data={"csrf_token": action}
    )
    assert moved.status_code == 303
    assert names_in_table(client.get(f"/ho-so/{token}/")) == [
        "Nguyễn Thị Lan Hương",
        "Đỗ Thị Cúc",
        "Lê Văn Bình",
    ]
    client.post(
        f"/ho-so/{token}/nguoi/{refs['Nguyễn Thị Lan Hương']}/xuong", data={"csrf_token": action}
    )
    assert names_in_table(client.get(f"/ho-so/{token}/")) == [
        "Đỗ Thị Cúc",
        "Nguyễn Thị Lan Hương",
        "Lê Văn Bình",
    ]
    # The first cannot go up: nothing changes.
    client.post(f"/ho-so/{token}/nguoi/{refs['Đỗ Thị Cúc']}/len", data={"csrf_token": action})
    assert names_in_table(client.get(f"/ho-so/{token}/"))[0] == "Đỗ Thị Cúc"
    # Without a CSRF token nothing moves.
    refused = client.post(f"/ho-so/{token}/nguoi/{refs['Lê Văn Bình']}/len")
    assert refused.status_code == 400
    assert names_in_table(client.get(f"/ho-so/{token}/"))[2] == "Lê Văn Bình"
    # A never-sent nominee is deleted with its versions and files.
    removed = client.post(
        f"/ho-so/{token}/nguoi/{refs['Nguyễn Thị Lan Hương']}/bo", data={"csrf_token": action}
    )
    assert removed.status_code == 303
    page = client.get(f"/ho-so/{token}/")
    assert names_in_table(page) == ["Đỗ Thị Cúc", "Lê Văn Bình"]
    assert "Đã bỏ Nguyễn Thị Lan Hương khỏi hồ sơ." in page_text(page)
    with db(app) as session:
        assert len(session.scalars(select(Nomination)).all()) == 2
        assert len(session.scalars(select(NominationVersion)).all()) == 2
        assert len(session.scalars(select(StoredFile)).all()) == 6
        assert (
            session.scalar(select(Draft).where(Draft.nomination_id.is_(None), Draft.ready)) is None
        )
    assert (
        client.get(f"/ho-so/{token}/nguoi/{refs['Nguyễn Thị Lan Hương']}/tom-tat.pdf").status_code
        == 404
    )


def test_a_nominee_that_was_sent_is_kept_as_removed(app, client):
    token = open_dossier(client)
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    with db(app) as session:
        # As a sending leaves it (sending.py): the nominee in the sending's record.
        dossier = session.scalar(select(Dossier))
        nomination = session.scalar(select(Nomination))
        nomination.status = NominationStatus.SUBMITTED
        dossier.revision = 1
        session.add(
            DossierSending(
                dossier=dossier,
                number=1,
                contents=[{"nomination_id": nomination.id, "version": 1}],
            )
        )
        session.commit()
        reference = nomination.reference
    action = csrf_token(client, f"/ho-so/{token}/")
    client.post(f"/ho-so/{token}/nguoi/{reference}/bo", data={"csrf_token": action})
    page = page_text(client.get(f"/ho-so/{token}/"))
    assert "Không còn trong hồ sơ" in page
    assert f"Nguyễn Thị Lan Hương (mã {reference}) – Đã bỏ khỏi hồ sơ" in page
    assert "hãy gửi lại (bản sửa đổi lần 1)" in page
    with db(app) as session:
        nomination = session.scalar(select(Nomination))
        assert nomination.status == NominationStatus.REMOVED
        assert session.scalar(select(Dossier)).changed_since_sent is True


def test_unit_change_reaches_the_nominees(app, client):
    token = open_dossier(client)
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    url = f"/ho-so/{token}/don-vi"
    form = page_text(client.get(url))
    assert 'value="CĐCS Công ty TNHH Cơ khí Bình Minh"' in form
    bad = client.post(
        url, data={**unit_fields(contact_email="x@"), "csrf_token": csrf_token(client, url)}
    )
    assert bad.status_code == 422
    assert 'value="x@"' in page_text(bad)
    fields = unit_fields(union_name="CĐCS Công ty Bình Minh Mới", contact_email="Moi@BinhMinh.vn")
    changed = client.post(url, data={**fields, "csrf_token": csrf_token(client, url)})
    assert changed.status_code == 303
    with db(app) as session:
        nomination = session.scalar(select(Nomination))
        assert nomination.union_name == "CĐCS Công ty Bình Minh Mới"
        assert nomination.submitter_email == "Moi@binhminh.vn"
        assert session.scalar(select(Dossier)).changed_since_sent is False  # never sent


def test_after_the_deadline_the_dossier_is_read_only(make_app, tmp_path):
    app = make_app()
    client = app.test_client()
    token = open_dossier(client)
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    with db(app) as session:
        reference = session.scalar(select(Nomination)).reference
    action = csrf_token(client, f"/ho-so/{token}/")
    late = make_app(NOW=AFTER_DEADLINE)
    late_client = late.test_client()
    late_client.get(CITY_CALL)
    with late_client.session_transaction() as session, client.session_transaction() as old:
        session.update(old)  # the same browser, after the deadline
    page = late_client.get(f"/ho-so/{token}/")
    assert page.status_code == 200
    text = page_text(page)
    assert "Đã hết hạn nộp hồ sơ" in text and "Hồ sơ chỉ còn xem và tải về" in text
    assert "Thêm cá nhân" not in text and ">Sửa</button>" not in text
    assert "Gửi hồ sơ</button>" not in text and 'name="scan"' not in text
    assert late_client.get(f"/ho-so/{token}/to-trinh.pdf").status_code == 200
    assert late_client.get(f"/ho-so/{token}/nguoi/{reference}/tom-tat.pdf").status_code == 200
    refused = [
        late_client.post(f"/ho-so/{token}/nguoi/{reference}/{verb}", data={"csrf_token": action})
        for verb in ("bo", "len", "xuong", "sua")
    ]
    refused.append(
        late_client.post(f"/ho-so/{token}/don-vi", data={**unit_fields(), "csrf_token": action})
    )
    refused.append(
        late_client.post(nominee_url(token), data={**individual_fields(), "csrf_token": action})
    )
    refused.append(late_client.post(CITY_CALL, data={**unit_fields(), "csrf_token": action}))
    for path in ("gui", "ban-ky", "ban-ky/xoa"):
        refused.append(
            late_client.post(f"/ho-so/{token}/{path}", data={"csrf_token": action, "revision": "0"})
        )
    for response in refused:
        assert response.status_code == 403
        assert "Đã hết hạn nộp hồ sơ" in page_text(response)
    with db(late) as session:
        assert session.scalar(select(Nomination)).status == NominationStatus.PENDING
        assert len(session.scalars(select(Dossier)).all()) == 1


def test_a_collective_in_a_district_dossier(app, client):
    token = open_dossier(client, DISTRICT_CALL)
    fields = collective_fields(
        award="giấy khen",
        **{"awards-1-year": "2018", "awards-1-title": "Bằng khen của Ủy ban nhân dân Thành phố"},
    )
    page = add_nominee(client, token, fields, "tap-the", photo=phone_photo())
    assert names_in_table(page) == ["Công đoàn cơ sở Công ty Cổ phần Dệt Phước Long"]


@pytest.mark.parametrize("field", ["union_name", "contact_email"])
def test_nominee_form_ignores_unit_fields_sent_anyway(app, client, field):
    token = open_dossier(client)
    add_nominee(client, token, {**individual_fields(), field: "kẻ gian"}, photo=phone_photo())
    with db(app) as session:
        nomination = session.scalar(select(Nomination))
        assert "kẻ gian" not in (nomination.union_name, nomination.submitter_email)


# --- the documents and the sending, through the dossier page --------------------------


def reference_of(app, name: str) -> str:
    with db(app) as session:
        return session.scalar(select(Nomination.reference).where(Nomination.nominee_name == name))


def test_documents_as_the_dossier_stands(app, client):
    token = open_dossier(client)
    empty = client.get(f"/ho-so/{token}/to-trinh.pdf")
    assert empty.status_code == 422
    assert "Hồ sơ chưa có cá nhân hoặc tập thể nào" in page_text(empty)
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    add_nominee(client, token, second_individual(), photo=phone_photo())
    page = page_text(client.get(f"/ho-so/{token}/"))
    assert "Tải tờ trình PDF" in page and "Tải danh sách trích ngang (.xlsx)" in page
    proposal = client.get(f"/ho-so/{token}/to-trinh.pdf")
    assert proposal.status_code == 200 and proposal.mimetype == "application/pdf"
    words = " ".join(text(read_pdf(proposal.data)).split())
    for expected in ("TỜ TRÌNH", "Nguyễn Thị Lan Hương", "Lê Văn Bình", "Phạm Văn Hùng"):
        assert expected in words, expected
    assert client.get(f"/ho-so/{token}/to-trinh.docx").data[:2] == b"PK"
    roster = client.get(f"/ho-so/{token}/danh-sach.xlsx")
    assert roster.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(roster.data)).active
    names = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert names.index("Lê Văn Bình") == names.index("Nguyễn Thị Lan Hương") + 1


def test_send_from_the_page_then_edit_and_send_the_revision(app, client):
    token = open_dossier(client)
    action = csrf_token(client, nominee_url(token))
    refused = client.post(f"/ho-so/{token}/gui", data={"csrf_token": action, "revision": "0"})
    assert refused.status_code == 422
    assert "Hồ sơ chưa có cá nhân hoặc tập thể nào" in " ".join(problems(refused))
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    assert client.post(f"/ho-so/{token}/gui", data={"revision": "0"}).status_code == 400
    sent = client.post(f"/ho-so/{token}/gui", data={"csrf_token": action, "revision": "0"})
    assert sent.status_code == 303
    page = page_text(client.get(f"/ho-so/{token}/"))
    assert "Đã gửi hồ sơ" in page and "Lần 1: " in page and "Đã gửi</td>" in page
    assert "Văn phòng đã nhận hồ sơ như hiện tại." in page
    # The same page's button again: nothing new is sent.
    again = client.post(f"/ho-so/{token}/gui", data={"csrf_token": action, "revision": "0"})
    assert again.status_code == 303
    assert "không có gì gửi lại" in page_text(client.get(f"/ho-so/{token}/"))
    # An edit before the deadline: the dossier is to be sent again, as a revision.
    reference = reference_of(app, "Nguyễn Thị Lan Hương")
    started = client.post(f"/ho-so/{token}/nguoi/{reference}/sua", data={"csrf_token": action})
    form = page_text(client.get(started.location))
    draft = re.search(r'id="draft" name="draft" type="hidden" value="([^"]+)"', form)[1]
    add_nominee(client, token, individual_fields(draft=draft, position="Tổ phó"))
    page = page_text(client.get(f"/ho-so/{token}/"))
    assert "Gửi lại hồ sơ (bản sửa đổi lần 1)" in page
    assert 'name="revision" type="hidden" value="1"' in page.replace(
        'type="hidden" name="revision"', 'name="revision" type="hidden"'
    )
    resent = client.post(f"/ho-so/{token}/gui", data={"csrf_token": action, "revision": "1"})
    assert resent.status_code == 303
    assert "Đã gửi bản sửa đổi lần 1 của hồ sơ" in page_text(client.get(f"/ho-so/{token}/"))
    with db(app) as session:
        dossier = session.scalar(select(Dossier))
        assert (dossier.revision, dossier.changed_since_sent) == (2, False)
        assert [s.contents for s in dossier.sendings] == [
            [{"nomination_id": 1, "version": 1}],
            [{"nomination_id": 1, "version": 2}],
        ]
    for bad in ("x", "-1", "9" * 40):
        answer = client.post(f"/ho-so/{token}/gui", data={"csrf_token": action, "revision": bad})
        assert answer.status_code == 400, bad


def test_signed_scan_upload_is_checked_and_kept(app, client):
    token = open_dossier(client)
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    action = csrf_token(client, f"/ho-so/{token}/")
    fake = client.post(
        f"/ho-so/{token}/ban-ky",
        data={"csrf_token": action, "scan": (io.BytesIO(b"not a scan"), "to-trinh.pdf")},
        content_type="multipart/form-data",
    )
    assert fake.status_code == 422
    assert problems(fake)  # the scan's own check says why, in Vietnamese
    with db(app) as session:
        assert session.scalar(select(Dossier)).scan is None
    uploaded = client.post(
        f"/ho-so/{token}/ban-ky",
        data={"csrf_token": action, "scan": (io.BytesIO(phone_photo()), "to-trinh-da-ky.jpg")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303
    page = page_text(client.get(f"/ho-so/{token}/"))
    assert "Đã nhận bản tờ trình đã ký" in page and "tờ trình đã ký (PDF)" in page
    scan = client.get(f"/ho-so/{token}/to-trinh-da-ky.pdf")
    assert scan.status_code == 200 and scan.data.startswith(b"%PDF")
    removed = client.post(f"/ho-so/{token}/ban-ky/xoa", data={"csrf_token": action})
    assert removed.status_code == 303
    assert client.get(f"/ho-so/{token}/to-trinh-da-ky.pdf").status_code == 404


def test_a_refused_sending_links_back_to_the_dossier(make_app):
    app = make_app(RATE_LIMIT_SUBMISSIONS=1)
    client = app.test_client()
    token = open_dossier(client)
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    action = csrf_token(client, f"/ho-so/{token}/")
    sent = client.post(f"/ho-so/{token}/gui", data={"csrf_token": action, "revision": "0"})
    assert sent.status_code == 303
    removed = client.post(
        f"/ho-so/{token}/nguoi/{reference_of(app, 'Nguyễn Thị Lan Hương')}/bo",
        data={"csrf_token": action},
    )
    assert removed.status_code == 303
    add_nominee(client, token, second_individual(), photo=phone_photo())
    refused = client.post(f"/ho-so/{token}/gui", data={"csrf_token": action, "revision": "1"})
    assert refused.status_code == 429
    assert problems(refused) == [
        "Địa chỉ của bạn đã gửi quá nhiều hồ sơ trong một giờ. Hồ sơ vẫn được giữ nguyên; "
        "hãy đợi một lúc rồi bấm “Gửi hồ sơ” lần nữa."
    ]
    assert f'<a href="/ho-so/{token}/">Về trang hồ sơ</a>' in refused.get_data(as_text=True)


def test_a_withdrawal_after_sending_asks_for_the_dossier_again(app, client):
    token = open_dossier(client)
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    with db(app) as session:
        session.scalar(select(Dossier)).revision = 1  # as a sending leaves it
        session.scalar(select(Nomination)).status = NominationStatus.SUBMITTED
        session.commit()
    reference = reference_of(app, "Nguyễn Thị Lan Hương")
    data_page = f"/ho-so/{token}/nguoi/{reference}/du-lieu"
    withdrawn = client.post(
        f"/ho-so/{token}/nguoi/{reference}/rut-dong-y",
        data={"csrf_token": csrf_token(client, data_page)},
    )
    assert withdrawn.status_code == 303
    page = page_text(client.get(f"/ho-so/{token}/"))
    assert "hãy gửi lại (bản sửa đổi lần 1)" in page
    assert names_in_table(client.get(f"/ho-so/{token}/")) == []
