"""The plan's criteria, checked with messages that cite the plan (seed 003)."""

from __future__ import annotations

import pytest
from paths import CONTENT
from sitegen.loader import load_content
from sitegen.models import Subject

from forms_app.campaigns import find_campaign
from forms_app.nominations.criteria import check_criteria, matches_award

PLAN = "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020"


@pytest.fixture(scope="module")
def content():
    return load_content(CONTENT)


def category(content, call, key, subject=Subject.INDIVIDUAL):
    return find_campaign(content, PLAN, call).category(subject, key)


def individual(initiatives=(), awards=()):
    return {
        "subject": "individual",
        "initiatives": [
            {"title": t, "year": y, "level": "Cấp cơ sở", "benefit": b} for t, y, b in initiatives
        ],
        "awards": [
            {"year": y, "title": t, "decision": "1/QĐ", "issuer": "UBND"} for y, t in awards
        ],
    }


def test_check_criteria_initiatives_too_few_and_too_little(content):
    data = individual([("Khuôn ép", 2016, 25_000_000), ("Băng tải", 2017, 20_000_000)])
    assert check_criteria(category(content, "cap-thanh-pho", "doi-tuong-3"), data) == [
        "Đối tượng 3 yêu cầu ít nhất 03 sáng kiến với tổng giá trị làm lợi từ 60.000.000 đồng; "
        "hồ sơ mới có 2 sáng kiến, tổng 45.000.000 đồng."
    ]


def test_check_criteria_benefit_below_threshold(content):
    data = individual([("A", 2016, 10_000_000), ("B", 2017, 10_000_000), ("C", 2018, None)])
    assert check_criteria(category(content, "cap-thanh-pho", "doi-tuong-3"), data) == [
        "Đối tượng 3 yêu cầu ít nhất 03 sáng kiến với tổng giá trị làm lợi từ 60.000.000 đồng; "
        "hồ sơ mới có 3 sáng kiến, tổng 20.000.000 đồng."
    ]


def test_check_criteria_initiative_outside_period_not_counted(content):
    data = individual([("A", 2014, 30_000_000), ("B", 2017, 30_000_000), ("C", 2018, 30_000_000)])
    assert check_criteria(category(content, "cap-thanh-pho", "doi-tuong-3"), data) == [
        "Sáng kiến “A” được công nhận năm 2014, ngoài giai đoạn 2015 – 2019 mà kế hoạch xét cho "
        "Đối tượng 3; sáng kiến này không được tính.",
        "Đối tượng 3 yêu cầu ít nhất 03 sáng kiến với tổng giá trị làm lợi từ 60.000.000 đồng; "
        "hồ sơ mới có 2 sáng kiến, tổng 60.000.000 đồng.",
    ]


def test_check_criteria_met_gives_nothing(content):
    data = individual([("A", 2015, 20_000_000), ("B", 2017, 20_000_000), ("C", 2019, 20_000_000)])
    assert check_criteria(category(content, "cap-thanh-pho", "doi-tuong-3"), data) == []


def test_check_criteria_count_only_category(content):
    data = individual(
        [("A", 2016, None), ("B", 2017, None)], [(2018, "Chiến sĩ thi đua Thành phố")]
    )
    assert check_criteria(category(content, "cap-thanh-pho", "doi-tuong-4"), data) == [
        "Đối tượng 4 yêu cầu ít nhất 03 sáng kiến; hồ sơ mới có 2 sáng kiến."
    ]


def test_check_criteria_required_award_missing(content):
    data = individual(
        [("A", 2016, None), ("B", 2017, None), ("C", 2018, None)],
        [(2018, "Chiến sĩ thi đua cơ sở")],
    )
    assert check_criteria(category(content, "cap-thanh-pho", "doi-tuong-4"), data) == [
        "Đối tượng 4 yêu cầu đã được tặng “Chiến sĩ thi đua Thành phố” trong giai đoạn "
        "2015 – 2019; mục khen thưởng đã nhận chưa có hình thức này."
    ]


def test_check_criteria_one_of_several_awards_missing(content):
    data = individual([], [(2013, "Huân chương Lao động hạng Ba")])
    assert check_criteria(category(content, "cap-thanh-pho", "doi-tuong-1"), data) == [
        "Đối tượng 1 yêu cầu đã được tặng một trong các hình thức “huân chương Lao động”, "
        "“Bằng khen Thủ tướng Chính phủ” trong giai đoạn 2015 – 2019; mục khen thưởng đã nhận "
        "chưa có hình thức nào như vậy."
    ]


def test_check_criteria_one_of_several_awards_present(content):
    data = individual([], [(2017, "Bằng khen của Thủ tướng Chính phủ")])
    assert check_criteria(category(content, "cap-thanh-pho", "doi-tuong-1"), data) == []


def test_check_criteria_collective_award_abbreviated(content):
    data = {"subject": "collective", "awards": [{"year": 2018, "title": "Bằng khen UBND TP"}]}
    cat = category(content, "cap-quan", "tap-the", Subject.COLLECTIVE)
    assert check_criteria(cat, data) == []
    data["awards"][0]["title"] = "Giấy khen LĐLĐ quận"
    assert check_criteria(cat, data) == [
        "Tập thể yêu cầu đã được tặng “Bằng khen của Ủy ban nhân dân Thành phố” trong giai đoạn "
        "2015 – 2019; mục khen thưởng đã nhận chưa có hình thức này."
    ]


def test_award_matches_without_diacritics():
    assert matches_award("Chiến sĩ thi đua cơ sở", "chien si thi dua co so nam 2018") is True
    assert matches_award("Chiến sĩ thi đua Thành phố", "Chiến sĩ thi đua cơ sở") is False
