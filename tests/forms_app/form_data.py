"""Form posts for the app tests: fields as the browser sends them."""

from __future__ import annotations

import re

PLAN = "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020"
INDIVIDUAL_URL = f"/{PLAN}/cap-thanh-pho/ca-nhan"
COLLECTIVE_URL = f"/{PLAN}/cap-quan/tap-the"


def csrf_token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


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
        "union_name": "CĐCS Công ty TNHH Cơ khí Bình Minh",
        "contact_name": "Trần Văn Đức",
        "contact_email": "congdoan@binhminh.vn",
        "contact_phone": "0909 123 456",
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
        "union_name": "CĐCS Công ty Cổ phần Dệt Phước Long",
        "contact_name": "Lê Thị Mai",
        "contact_email": "congdoan@phuoclong.vn",
        "contact_phone": "028 3822 1234",
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
