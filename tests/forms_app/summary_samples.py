"""Clean nomination data for seed 003's campaign, as services.clean_data returns it."""

from __future__ import annotations

import datetime as dt

from paths import CONTENT
from sitegen.loader import load_content
from sitegen.models import Subject

from forms_app.campaigns import find_campaign
from forms_app.nominations.summary import build_summary

PLAN = "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020"
NOW = dt.datetime.fromisoformat("2020-02-10T09:00:00+07:00")

INITIATIVES = [
    ("Cải tiến khuôn ép nhựa giảm tỷ lệ phế phẩm", 2016, "Cấp cơ sở", 25_000_000),
    ("Hệ thống băng tải tự động cho dây chuyền đóng gói", 2017, "Cấp cơ sở", 30_000_000),
    ("Quy trình bảo dưỡng máy nén khí tiết kiệm điện", 2019, "Cấp cơ sở", 15_000_000),
]


def individual(achievements: str | None = None) -> dict:
    return {
        "subject": "individual",
        "category": "doi-tuong-3",
        "award": "Bằng khen của Liên đoàn Lao động thành phố",
        "full_name": "Nguyễn Thị Lan Hương",
        "gender": "Nữ",
        "birth_year": 1985,
        "ethnicity": "Kinh",
        "position": "Tổ trưởng tổ sản xuất",
        "workplace": "Công ty TNHH Cơ khí Bình Minh",
        "grassroots_union": "Công đoàn cơ sở Công ty TNHH Cơ khí Bình Minh",
        "qualification": "Kỹ sư cơ khí",
        "duties": "Phụ trách tổ đúc khuôn gồm 25 công nhân; hướng dẫn tay nghề cho công nhân mới.",
        "achievements": achievements
        or "Năm năm liền hoàn thành xuất sắc nhiệm vụ; tổ đạt năng suất vượt 15% kế hoạch.",
        "initiatives": [
            {"title": t, "year": y, "level": lv, "benefit": b} for t, y, lv, b in INITIATIVES
        ],
        "awards": [
            {
                "year": 2018,
                "title": "Chiến sĩ thi đua cơ sở",
                "decision": "45/QĐ-BM",
                "issuer": "Công ty TNHH Cơ khí Bình Minh",
            },
            {
                "year": 2019,
                "title": "Giấy khen của Liên đoàn Lao động quận 1",
                "decision": "112/QĐ-LĐLĐ",
                "issuer": "Liên đoàn Lao động quận 1",
            },
        ],
    }


# The proposing union printed top left: the dossier's, not part of the nominee's data.
UNIONS = {
    Subject.INDIVIDUAL: "CĐCS Công ty TNHH Cơ khí Bình Minh",
    Subject.COLLECTIVE: "CĐCS Công ty Cổ phần Dệt Phước Long",
}


def collective() -> dict:
    return {
        "subject": "collective",
        "category": "tap-the",
        "award": "giấy khen",
        "unit_name": "Công đoàn cơ sở Công ty Cổ phần Dệt Phước Long",
        "address": "12 Nguyễn Huệ, phường Bến Nghé, quận 1",
        "members": 420,
        "members_women": 310,
        "workers": 450,
        "workers_women": 320,
        "leader": "Lê Thị Ngọc Ánh, Chủ tịch công đoàn",
        "features": "Doanh nghiệp dệt may với ba phân xưởng; đa số lao động là nữ.",
        "achievements": "Năm năm liền đạt danh hiệu Công đoàn cơ sở vững mạnh xuất sắc.",
        "awards": [
            {
                "year": 2018,
                "title": "Bằng khen của Ủy ban nhân dân Thành phố",
                "decision": "2345/QĐ-UBND",
                "issuer": "Ủy ban nhân dân Thành phố Hồ Chí Minh",
            },
        ],
    }


def summary_of(data: dict, photo: bytes | None = None) -> dict:
    campaign = find_campaign(
        load_content(CONTENT),
        PLAN,
        "cap-quan" if data["subject"] == "collective" else "cap-thanh-pho",
    )
    subject = Subject(data["subject"])
    category = campaign.category(subject, data["category"])
    return build_summary(campaign, category, data, photo, NOW, union_name=UNIONS[subject])
