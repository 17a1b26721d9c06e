"""Form posts for the app tests: fields as the browser sends them."""

from __future__ import annotations

import io
import re

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

PLAN = "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020"
# Seed 003's two calls: the city-level one takes individuals, the district one collectives.
CITY_CALL = f"/{PLAN}/cap-thanh-pho/"
DISTRICT_CALL = f"/{PLAN}/cap-quan/"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    return CSRF_RE.search(client.get(url).get_data(as_text=True))[1]


def unit_fields(**changes) -> dict:
    """The unit's form (tên CĐCS, cấp trên, người ký, liên hệ) as the browser sends it."""
    fields = {
        "union_name": "CĐCS Công ty TNHH Cơ khí Bình Minh",
        "parent_union": "Liên đoàn Lao động Quận 1",
        "address": "25 Lê Duẩn, phường Bến Nghé, Quận 1",
        "place": "Thành phố Hồ Chí Minh",
        "signer_name": "Phạm Văn Hùng",
        "signer_title": "Chủ tịch",
        "contact_name": "Trần Văn Đức",
        "contact_email": "congdoan@binhminh.vn",
        "contact_phone": "0909 123 456",
        "website": "",
    }
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


def open_dossier(client, call_url: str = CITY_CALL, **changes) -> str:
    """Open a dossier through the call's start page; its private token."""
    fields = {**unit_fields(**changes), "csrf_token": csrf_token(client, call_url)}
    response = client.post(call_url, data=fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.location.removeprefix("/ho-so/").strip("/")


def nominee_url(token: str, subject_slug: str = "ca-nhan") -> str:
    return f"/ho-so/{token}/them/{subject_slug}"


def preview_nominee(client, token: str, fields: dict, subject_slug: str = "ca-nhan", photo=None):
    """Fill the dossier's nominee form and preview it; the response (303 to the preview)."""
    url = nominee_url(token, subject_slug)
    data = MultiDict({**fields, "csrf_token": csrf_token(client, url)})
    if photo is not None:
        data["photo"] = FileStorage(io.BytesIO(photo), filename="anh.jpg")
    # Encoded in memory: the test client spools big bodies to a temporary file it
    # never closes, which filterwarnings=error turns into a ResourceWarning failure.
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def save_nominee(client, preview_location: str):
    """Press "Lưu vào hồ sơ" on the preview; the response (303 to the dossier)."""
    token = csrf_token(client, preview_location)
    return client.post(preview_location.rstrip("/") + "/gui", data={"csrf_token": token})


def add_nominee(client, token: str, fields: dict, subject_slug: str = "ca-nhan", photo=None):
    """Preview and save one nominee; the dossier page's response after saving."""
    previewed = preview_nominee(client, token, fields, subject_slug, photo)
    assert previewed.status_code == 303, previewed.get_data(as_text=True)
    saved = save_nominee(client, previewed.location)
    assert saved.status_code == 303, saved.get_data(as_text=True)
    assert saved.location == f"/ho-so/{token}/"
    return client.get(saved.location)


def individual_fields(**changes) -> dict:
    fields = {
        "category": "doi-tuong-3",
        "award": "Bằng khen của Liên đoàn Lao động thành phố",
        "full_name": "Nguyễn Thị Lan Hương",
        "gender": "Nữ",
        "birth_year": "1985",
        "ethnicity": "Kinh",
        "position": "Tổ trưởng tổ sản xuất",
        "workplace": "Công ty TNHH Cơ khí Bình Minh",
        "grassroots_union": "Công đoàn cơ sở Công ty TNHH Cơ khí Bình Minh",
        "qualification": "Kỹ sư cơ khí",
        "duties": "Phụ trách tổ đúc khuôn gồm 25 công nhân.",
        "achievements": "Năm năm liền hoàn thành xuất sắc nhiệm vụ.",
        "initiatives-0-title": "Cải tiến khuôn ép nhựa",
        "initiatives-0-year": "2016",
        "initiatives-0-level": "Cấp cơ sở",
        "initiatives-0-benefit": "25.000.000",
        "initiatives-1-title": "Băng tải tự động",
        "initiatives-1-year": "2017",
        "initiatives-1-level": "Cấp cơ sở",
        "initiatives-1-benefit": "30 triệu",
        "initiatives-2-title": "Bảo dưỡng máy nén khí",
        "initiatives-2-year": "2019",
        "initiatives-2-level": "Cấp cơ sở",
        "initiatives-2-benefit": "15000000",
        "awards-0-year": "2018",
        "awards-0-title": "Chiến sĩ thi đua cơ sở",
        "awards-0-decision": "45/QĐ-BM",
        "awards-0-issuer": "Công ty TNHH Cơ khí Bình Minh",
        "awards-1-year": "",
        "awards-1-title": "",
        "awards-1-decision": "",
        "awards-1-issuer": "",
        # Seed 003 asks every individual nominee's union to confirm its condition.
        "eligibility_chua_tuyen_duong_2010_2014": "y",
        "website": "",
        "consent_processing": "y",
        "consent_sensitive": "y",
        "nominee_confirmed": "y",
        "action": "preview",
    }
    fields.update(changes)
    # None stands for "not sent at all", as an unticked checkbox is.
    return {key: value for key, value in fields.items() if value is not None}


def eligibility_answers(campaign, subject) -> dict:
    """A "yes" to every condition the call asks of this subject."""
    return {
        "eligibility_" + condition.key.replace("-", "_"): "y"
        for condition in campaign.call.eligibility_for(subject)
    }


def collective_fields(**changes) -> dict:
    """The collective form (Mẫu 02) as the browser sends it."""
    fields = {
        "category": "tap-the",
        "unit_name": "Công đoàn cơ sở Công ty Cổ phần Dệt Phước Long",
        "address": "12 Nguyễn Trãi, phường Bến Thành",
        "members": "250",
        "members_women": "180",
        "workers": "260",
        "workers_women": "185",
        "leader": "Trần Văn Minh, Chủ tịch công đoàn",
        "features": "Doanh nghiệp dệt may, ba phân xưởng.",
        "achievements": "Hoàn thành vượt mức kế hoạch sản xuất ba năm liền.",
        "awards-0-year": "2019",
        "awards-0-title": "Giấy khen của Liên đoàn Lao động quận",
        "awards-0-decision": "12/QĐ-LĐLĐ",
        "awards-0-issuer": "Liên đoàn Lao động quận",
        "awards-1-year": "",
        "awards-1-title": "",
        "awards-1-decision": "",
        "awards-1-issuer": "",
        "website": "",
        "consent_processing": "y",
        "nominee_confirmed": "y",
        "action": "preview",
    }
    fields.update(changes)
    return fields


def fields_meeting(category, base: dict) -> dict:
    """`base` changed so that it meets the category's criteria as the plan states them:
    enough initiatives inside the period, enough benefit, a required award."""
    criteria = category.criteria
    year = str(criteria.to_year or criteria.from_year or 2019)
    fields = {**base, "category": category.key}
    if category.subject.value == "individual":
        count = max(criteria.min_initiatives or 0, 1)
        each = -(-(criteria.min_total_benefit or 0) // count) if criteria.min_total_benefit else 0
        for key in [k for k in fields if k.startswith("initiatives-")]:
            del fields[key]
        for i in range(count):
            fields.update(
                {
                    f"initiatives-{i}-title": f"Sáng kiến số {i + 1}",
                    f"initiatives-{i}-year": year,
                    f"initiatives-{i}-level": "Cấp cơ sở",
                    f"initiatives-{i}-benefit": str(each) if each else "",
                }
            )
    if criteria.required_awards:
        fields.update({"awards-1-year": year, "awards-1-title": criteria.required_awards[0]})
        fields.update({"awards-1-decision": "01/QĐ", "awards-1-issuer": "Cơ quan khen thưởng"})
    return fields
