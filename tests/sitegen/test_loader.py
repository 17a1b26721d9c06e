"""The loader on small content trees: each mistake, its file, line, field and message."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel
from sitegen.errors import ContentError
from sitegen.loader import load_content
from sitegen.models import TZ, DeadlineRule, Status, Subject


def problems_of(tree) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_content(tree.root)
    return [p.format() for p in info.value.problems]


def test_load_valid_tree_gives_typed_plan(tree):
    tree.plan()
    content = load_content(tree.root)
    (plan,) = content.plans
    assert plan.slug == "ke-hoach-a"
    assert plan.issuer.short_name == "LĐLĐ quận A"
    assert plan.meta.issued == dt.date(2024, 3, 5)
    assert plan.meta.deadlines[0].due.closes_at == dt.datetime(2024, 6, 30, 16, 0, tzinfo=TZ)
    nomination = plan.nomination("cap-quan")
    assert nomination.subjects == (Subject.INDIVIDUAL,)
    assert nomination.categories[0].criteria.min_total_benefit == 60_000_000
    assert plan.body == "## I. MỤC ĐÍCH\n\nNội dung kế hoạch.\n"
    assert plan.status(dt.date(2024, 3, 9)) is Status.UPCOMING
    assert plan.status(dt.date(2024, 3, 10)) is Status.ONGOING
    assert plan.status(dt.date(2025, 1, 1)) is Status.ENDED


def test_load_date_only_deadline_closes_at_end_of_day(tree):
    tree.plan(edits=[("due: 2024-06-30 16:00", "due: 2024-06-30")])
    (plan,) = load_content(tree.root).plans
    due = plan.meta.deadlines[0].due
    assert due.closes_at == dt.datetime(2024, 7, 1, 0, 0, tzinfo=TZ)
    assert (due.words, due.rule, due.last_day) == (
        None,
        DeadlineRule.END_OF_DAY,
        dt.date(2024, 6, 30),
    )


@pytest.mark.parametrize(
    "words, closes_at, rule, last_day",
    [
        # "trước ngày X" closes when X begins: X itself is too late.
        ("trước ngày 27/5/2024", (2024, 5, 27, 0, 0), DeadlineRule.BEFORE_DAY, (2024, 5, 26)),
        (
            "chậm nhất trước ngày 15/9/2024",
            (2024, 9, 15, 0, 0),
            DeadlineRule.BEFORE_DAY,
            (2024, 9, 14),
        ),
        ("trước 25/3/2024", (2024, 3, 25, 0, 0), DeadlineRule.BEFORE_DAY, (2024, 3, 24)),
        # "ngày X", "chậm nhất ngày X": the whole of X counts.
        ("chậm nhất ngày 18/9/2024", (2024, 9, 19, 0, 0), DeadlineRule.END_OF_DAY, (2024, 9, 18)),
        ("ngày 18 tháng 9 năm 2024", (2024, 9, 19, 0, 0), DeadlineRule.END_OF_DAY, (2024, 9, 18)),
        ("ngày 18.9.2024", (2024, 9, 19, 0, 0), DeadlineRule.END_OF_DAY, (2024, 9, 18)),
        ("16:00 ngày 14-02-2024", (2024, 2, 14, 16, 0), DeadlineRule.AT_TIME, (2024, 2, 14)),
        # A time of day closes at that minute.
        (
            "chậm nhất trước 16g00 ngày 14/02/2024",
            (2024, 2, 14, 16, 0),
            DeadlineRule.AT_TIME,
            (2024, 2, 14),
        ),
        ("16 giờ 30 ngày 14/02/2024", (2024, 2, 14, 16, 30), DeadlineRule.AT_TIME, (2024, 2, 14)),
        ("trước 8h ngày 14/02/2024", (2024, 2, 14, 8, 0), DeadlineRule.AT_TIME, (2024, 2, 14)),
        # The year, when not written, is the year of issue (issued 2024-03-05) ...
        ("trước ngày 15/9", (2024, 9, 15, 0, 0), DeadlineRule.BEFORE_DAY, (2024, 9, 14)),
        # ... or the next one when the day would come before the issue date.
        ("trước ngày 10/01", (2025, 1, 10, 0, 0), DeadlineRule.BEFORE_DAY, (2025, 1, 9)),
        # A misprint after the date ("27/05/2021/.") does not hide it.
        ("trước ngày 27/05/2024/.", (2024, 5, 27, 0, 0), DeadlineRule.BEFORE_DAY, (2024, 5, 26)),
    ],
)
def test_load_deadline_keeps_the_plans_words_and_their_meaning(
    tree, words, closes_at, rule, last_day
):
    tree.plan(edits=[("due: 2024-06-30 16:00", f'due: "{words}"')])
    (plan,) = load_content(tree.root).plans
    due = plan.meta.deadlines[0].due
    assert due.words == words
    assert due.rule is rule
    assert due.closes_at == dt.datetime(*closes_at, tzinfo=TZ)
    assert due.last_day == dt.date(*last_day)


def test_load_nomination_before_day_is_closed_on_the_day_named(tree):
    tree.plan(edits=[("deadline: 2024-11-15 16:00", 'deadline: "trước ngày 15/11/2024"')])
    call = load_content(tree.root).plans[0].nomination("cap-quan")
    assert call.is_open(dt.datetime(2024, 11, 14, 23, 59, 59, tzinfo=TZ)) is True
    assert call.is_open(dt.datetime(2024, 11, 15, 0, 0, tzinfo=TZ)) is False
    assert call.is_open(dt.datetime(2024, 11, 15, 8, 0, tzinfo=TZ)) is False


@pytest.mark.parametrize(
    "words, message",
    [
        (
            "trước ngày ba mươi",
            'không thấy ngày nào trong "trước ngày ba mươi"; các cách ghi được nhận: ',
        ),
        (
            "từ 01/9 đến 15/9/2024",
            'có nhiều hơn một ngày trong "từ 01/9 đến 15/9/2024"; mỗi hạn chỉ ghi một ngày; '
            "các cách ghi được nhận: ",
        ),
        (
            "trước ngày 30/02/2024",
            'ngày không tồn tại trong "trước ngày 30/02/2024"; các cách ghi được nhận: ',
        ),
        (
            "trước 25g00 ngày 14/02/2024",
            'giờ không tồn tại trong "trước 25g00 ngày 14/02/2024"; các cách ghi được nhận: ',
        ),
    ],
)
def test_check_deadline_words_without_a_meaning(tree, words, message):
    tree.plan(edits=[("due: 2024-06-30 16:00", f'due: "{words}"')])
    forms = (
        '"trước ngày 27/5/2021", "chậm nhất ngày 18/9/2023", "trước 16g00 ngày 14/02/2020", '
        '"16 giờ 00 ngày 14/02/2020", hoặc YYYY-MM-DD, YYYY-MM-DD HH:MM'
    )
    assert problems_of(tree) == [
        f"content/plans/ke-hoach-a.md:12: deadlines[0].due: {message}{forms}"
    ]


def test_check_deadline_without_year_needs_an_issue_date(tree):
    tree.plan(
        edits=[("issued: 2024-03-05\n", ""), ("due: 2024-06-30 16:00", 'due: "trước ngày 15/9"')]
    )
    assert problems_of(tree) == [
        'content/plans/ke-hoach-a.md:11: deadlines[0].due: hạn "trước ngày 15/9" không ghi năm '
        "và kế hoạch không có ngày ban hành (issued) để suy ra năm: "
        "hãy ghi năm vào hạn, ví dụ 15/9/2023"
    ]


def test_load_text_is_nfc_normalised(tree):
    decomposed = "Phát động thi đua".replace("á", "a\u0301")
    tree.plan(edits=[("title: Phát động thi đua", f"title: {decomposed}")])
    (plan,) = load_content(tree.root).plans
    assert plan.meta.title == "Phát động thi đua năm 2024"


def test_check_yaml_syntax_error_names_yaml_line(tree):
    tree.plan(edits=[("title: Phát động thi đua năm 2024", "title: [Phát động")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:6: yaml: lỗi cú pháp YAML: danh sách trong dấu [ ] chưa "
        "đóng hoặc thiếu dấu phẩy; ví dụ đúng: [individual, collective]"
    ]


def test_check_unknown_key_suggests_close_key(tree):
    tree.plan(edits=[("title:", "titel:")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:2: title: thiếu trường bắt buộc",
        "content/plans/ke-hoach-a.md:6: titel: khóa không được hỗ trợ; "
        'có phải ý bạn là "title" (trích yếu)?',
    ]


def test_check_unknown_nested_key_suggests_close_key(tree):
    tree.plan(edits=[("min_initiatives: 3", "min_initiative: 3")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:25: nominations[0].categories[0].criteria.min_initiative: "
        'khóa không được hỗ trợ; có phải ý bạn là "min_initiatives" (số sáng kiến tối thiểu)?'
    ]


def test_check_missing_required_field(tree):
    tree.plan(edits=[("  role: CHỦ TỊCH\n", "")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:29: signature.role: thiếu trường bắt buộc"
    ]


def test_check_wrong_type(tree):
    tree.plan(edits=[("min_initiatives: 3", "min_initiatives: ba")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:25: nominations[0].categories[0].criteria.min_initiatives: "
        "phải là số nguyên"
    ]


def test_check_wrong_type_list(tree):
    tree.plan(edits=[("recipients:\n  - Lưu VP", "recipients: 5")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:27: recipients: "
        "phải là danh sách (mỗi mục một dòng bắt đầu bằng '- ')"
    ]


def test_check_impossible_date(tree):
    tree.plan(edits=[("issued: 2024-03-05", "issued: 2023-02-30")])
    assert problems_of(tree) == [
        'content/plans/ke-hoach-a.md:5: issued: ngày không tồn tại: "2023-02-30"'
    ]


def test_check_impossible_deadline_time(tree):
    tree.plan(edits=[("due: 2024-06-30 16:00", "due: 2024-06-30 25:00")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:12: deadlines[0].due: "
        'ngày giờ không tồn tại: "2024-06-30 25:00"'
    ]


def test_check_end_before_start(tree):
    tree.plan(edits=[("end: 2024-12-31", "end: 2024-01-31")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:7: period: "
        "ngày kết thúc 2024-01-31 trước ngày bắt đầu 2024-03-10"
    ]


def test_check_nomination_deadline_before_issue_date(tree):
    tree.plan(edits=[("deadline: 2024-11-15 16:00", "deadline: 2024-02-15 16:00")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:18: nominations[0].deadline: "
        "hạn nộp hồ sơ 2024-02-15 trước ngày ban hành 2024-03-05"
    ]


def test_check_unknown_issuer(tree):
    tree.plan(edits=[("issuer: ldld-a", "issuer: ldl-a")])
    assert problems_of(tree) == [
        'content/plans/ke-hoach-a.md:3: issuer: không có cơ quan "ldl-a" trong '
        'content/issuers.yml; có phải ý bạn là "ldld-a"?'
    ]


def test_check_duplicate_number_same_body_same_year(tree):
    tree.plan("ke-hoach-a")
    # Printed with a stray space and Đ typed as D: still the same number.
    tree.plan("ke-hoach-b", edits=[("number: 12/KH-LĐLĐ", "number: 12 /KH-LĐLD")])
    assert problems_of(tree) == [
        'content/plans/ke-hoach-b.md:2: number: số "12 /KH-LĐLD" của LĐLĐ quận A năm 2024 '
        "đã dùng cho content/plans/ke-hoach-a.md"
    ]


def test_check_same_number_other_year_or_body_is_fine(tree):
    tree.plan("ke-hoach-a")
    tree.plan(
        "ke-hoach-b",
        edits=[("issued: 2024-03-05", "issued: 2025-01-05"), ("2024-11-15", "2025-11-15")],
    )
    tree.plan("ke-hoach-c", edits=[("issuer: ldld-a", "issuer: ldld-c")])
    assert len(load_content(tree.root).plans) == 3


def test_check_malformed_email(tree):
    tree.plan(edits=[("email: vp@example.org", "email: vp@example")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:13: deadlines[0].email: "
        'địa chỉ email không hợp lệ: "vp@example"'
    ]


def test_check_link_to_missing_plan(tree):
    tree.plan(
        edits=[
            (
                "period:",
                "implements:\n  - number: 1/KH\n    plan: ke-hoach-z\nperiod:",
            )
        ]
    )
    assert problems_of(tree) == [
        'content/plans/ke-hoach-a.md:9: implements[0].plan: không có kế hoạch "ke-hoach-z" '
        'trong content/plans; có phải ý bạn là "ke-hoach-a"?'
    ]


def test_check_link_to_existing_plan_resolves(tree):
    tree.plan("ke-hoach-a")
    tree.plan(
        "ke-hoach-b",
        edits=[
            ("number: 12/KH-LĐLĐ", "number: 13/KH-LĐLĐ"),
            ("period:", "implements:\n  - number: 12/KH-LĐLĐ\n    plan: ke-hoach-a\nperiod:"),
        ],
    )
    content = load_content(tree.root)
    parent = content.by_slug["ke-hoach-a"]
    assert [p.slug for p in content.implementing(parent)] == ["ke-hoach-b"]


def test_check_duplicate_key_in_yaml(tree):
    tree.plan(edits=[("place: Quận A\n", "place: Quận A\nplace: Quận B\n")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:5: place: khóa bị lặp lại trong cùng một nhóm"
    ]


def test_check_missing_front_matter(tree):
    tree.write("plans/ke-hoach-a.md", "# Không có phần thông tin\n")
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:1: front matter: "
        "tệp phải bắt đầu bằng dòng '---' mở phần thông tin"
    ]


def test_check_bad_issuer_file(tree):
    tree.write("issuers.yml", "ldld-a:\n  name: A\n  short_name: A\n  emial: a@b.vn\n")
    tree.plan()
    assert problems_of(tree) == [
        "content/issuers.yml:4: ldld-a.emial: khóa không được hỗ trợ; "
        'có phải ý bạn là "email" (thư điện tử)?'
    ]


def test_check_collects_problems_of_every_file(tree):
    tree.plan("ke-hoach-a", edits=[("issued: 2024-03-05", "issued: 2023-02-30")])
    tree.plan("ke-hoach-b", edits=[("title:", "titel:")])
    found = problems_of(tree)
    assert len(found) == 3
    assert {line.split(":")[0] for line in found} == {
        "content/plans/ke-hoach-a.md",
        "content/plans/ke-hoach-b.md",
    }


def test_check_reports_issuer_and_link_even_when_other_fields_are_wrong(tree):
    tree.plan(
        edits=[
            ("issuer: ldld-a", "issuer: ldld-aa"),
            ("title:", "titel:"),
            ("period:", "implements:\n  - plan: ke-hoach-khac\nperiod:"),
        ]
    )
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:2: title: thiếu trường bắt buộc",
        'content/plans/ke-hoach-a.md:3: issuer: không có cơ quan "ldld-aa" trong '
        'content/issuers.yml; có phải ý bạn là "ldld-a"?',
        "content/plans/ke-hoach-a.md:6: titel: khóa không được hỗ trợ; "
        'có phải ý bạn là "title" (trích yếu)?',
        'content/plans/ke-hoach-a.md:8: implements[0].plan: không có kế hoạch "ke-hoach-khac" '
        'trong content/plans; có phải ý bạn là "ke-hoach-a"?',
    ]


def test_load_seed_metadata_follows_the_plans_text():
    from paths import CONTENT

    content = load_content(CONTENT)
    long_bien = content.by_slug["ldld-long-bien-32-kh-2023"]
    # Grounds are exactly what the plan cites; the other plan for the anniversary is related.
    assert [r.number for r in long_bien.meta.implements] == ["107-KH/QU", "338/KH-UBND"]
    assert [r.plan for r in long_bien.meta.related] == ["hdtdkt-long-bien-32-kh-2021"]
    call = long_bien.meta.nominations[0]
    # The general standard applies to both categories: a shared condition the form asks.
    assert [(e.key, e.subject) for e in call.eligibility] == [("tieu-chuan-chung", None)]
    assert call.eligibility_for(Subject.INDIVIDUAL) == call.eligibility_for(Subject.COLLECTIVE)
    assert call.quota == "(LĐLĐ Quận Long Biên sẽ xét chọn và phân bổ sau đợt thi đua)"
    assert long_bien.meta.deadlines[0].channels == ("zalo LDLĐ quận",)
    assert "Xanh, sạch, đẹp, bảo đảm an toàn vệ sinh lao động" in long_bien.meta.themes
    assert "Doanh nghiệp Thủ đô hội nhập và phát triển" in long_bien.meta.themes

    ba_dinh = content.by_slug["ldld-ba-dinh-63-kh-2021"]
    assert len(ba_dinh.meta.recipients) == 10
    assert ba_dinh.meta.recipients_note == "(để báo cáo)"
    assert ba_dinh.issuer.email == "ldldbadinh@gmail.com"
    assert [m.text for m in ba_dinh.meta.misprints] == [
        "63 /KH-LĐLD",
        "cỗ vũ",
        "đồng đảo",
        "27/05/2021/.",
    ]

    lai_chau = content.by_slug["ldld-lai-chau-141-kh-2020"]
    assert lai_chau.meta.year_theme == "Nâng cao chất lượng hoạt động công đoàn cơ sở"
    assert lai_chau.meta.themes[-4:] == (
        "Cả nước chung sức xây dựng nông thôn mới",
        "Cả nước chung tay vì người nghèo, không để ai bị bỏ lại phía sau",
        "Doanh nghiệp Việt Nam hội nhập và phát triển",
        "Cán bộ, công chức, viên chức thi đua thực hiện văn hoá công sở",
    )

    quan_1 = content.by_slug["ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020"]
    for key, organiser in (("cap-thanh-pho", "Thành phố"), ("cap-quan", "quận 1")):
        call = quan_1.nomination(key)
        (condition,) = call.eligibility_for(Subject.INDIVIDUAL)
        assert condition.text.endswith(
            f"giai đoạn 2010 - 2014 do Liên đoàn Lao động {organiser} tổ chức"
        )
        assert condition.question.startswith("Người được đề nghị là đoàn viên công đoàn và chưa")
    assert quan_1.nomination("cap-quan").eligibility_for(Subject.COLLECTIVE) == ()


def test_check_misprint_must_be_printed_somewhere(tree):
    tree.plan(edits=[("signature:", "misprints:\n  - text: cỗ vũ\n    correct: cổ vũ\nsignature:")])
    assert problems_of(tree) == [
        'content/plans/ke-hoach-a.md:30: misprints[0].text: không thấy "cỗ vũ" trong toàn văn '
        "hay số ký hiệu của kế hoạch"
    ]


def test_check_related_plan_must_exist_and_eligibility_subject_be_called(tree):
    tree.plan(
        edits=[
            ("period:", "related:\n  - plan: ke-hoach-b\n    relation: Cùng dịp\nperiod:"),
            (
                "    categories:",
                "    eligibility:\n      - key: dieu-kien\n        subject: collective\n"
                "        text: Chưa được khen\n        question: Chưa được khen?\n    categories:",
            ),
        ]
    )
    assert problems_of(tree) == [
        'content/plans/ke-hoach-a.md:8: related[0].plan: không có kế hoạch "ke-hoach-b" '
        'trong content/plans; có phải ý bạn là "ke-hoach-a"?',
        'content/plans/ke-hoach-a.md:18: nominations[0]: eligibility: "dieu-kien" dành cho '
        "collective nhưng subjects không có giá trị này",
    ]


def test_large_site_read_by_two_processes_loads_as_one(tree, monkeypatch):
    """A large site's second half of plan files is read by a child process:
    the same plans, the same problems in the same order, as read alone."""
    from sitegen import loader

    for i in range(6):
        tree.plan(f"ke-hoach-{i}", edits=[("12/KH-LĐLĐ", f"{i}/KH-LĐLĐ")])
    alone = load_content(tree.root)
    monkeypatch.setattr(loader, "PARALLEL_FILES", 2)
    together = load_content(tree.root)
    assert together.plans == alone.plans and len(together.plans) == 6
    assert together.issuers == alone.issuers
    # Problems from both halves: a date and a link in the parent's half, a
    # number already used in the child's half.
    tree.plan("ke-hoach-0", edits=[("issued: 2024-03-05", "issued: 2024-02-30")])
    tree.plan("ke-hoach-1", edits=[("12/KH-LĐLĐ", "1/KH-LĐLĐ\nrelated:\n  - plan: khong-co")])
    tree.plan("ke-hoach-5", edits=[("12/KH-LĐLĐ", "4/KH-LĐLĐ")])
    with pytest.raises(ContentError) as in_two:
        load_content(tree.root)
    monkeypatch.setattr(loader, "PARALLEL_FILES", 1000)
    with pytest.raises(ContentError) as in_one:
        load_content(tree.root)
    assert [p.format() for p in in_two.value.problems] == [
        p.format() for p in in_one.value.problems
    ]
    assert [p.format() for p in in_two.value.problems] == [
        'content/plans/ke-hoach-0.md:5: issued: ngày không tồn tại: "2024-02-30"',
        'content/plans/ke-hoach-1.md:4: related[0].plan: không có kế hoạch "khong-co" '
        "trong content/plans",
        "content/plans/ke-hoach-1.md:4: related[0].relation: thiếu trường bắt buộc",
        'content/plans/ke-hoach-5.md:2: number: số "4/KH-LĐLĐ" của LĐLĐ quận A năm 2024 '
        "đã dùng cho content/plans/ke-hoach-4.md",
    ]


def test_yaml_values_read_with_their_lines_equal_the_yaml_librarys():
    """`_parse_yaml` takes a string's text from its node instead of asking
    the constructor: every kind of value comes out as PyYAML makes it."""
    import yaml
    from sitegen.loader import _Loader, _parse_yaml

    text = "\n".join(
        [
            "title: Kế hoạch thi đua",
            "number: '32/KH-LĐLĐ'",
            'quoted: "a: b"',
            "issued: 2023-08-21",
            "count: 12",
            "ratio: 1.5",
            "flag: true",
            "off: no",
            "empty:",
            "none: null",
            "tagged: !!str 42",
            "block: |",
            "  dòng một",
            "  dòng hai",
            "folded: >",
            "  một",
            "  hai",
            "anchor: &a [x, 1, {k: v}]",
            "alias: *a",
            "nested:",
            "  - name: Tập thể",
            "    quota: 3",
            "  - [1, two, 3.0]",
            "? complex",
            ": value",
            "7: seven",
        ]
    )
    doc = _parse_yaml(text, 2)
    theirs = yaml.load(text, Loader=_Loader)
    assert doc.data == {str(key): value for key, value in theirs.items()}  # keys as text
    assert doc.data["False"] is False and doc.data["tagged"] == "42" and doc.data["7"] == "seven"
    assert doc.data["issued"] == "2023-08-21"  # dates stay text: the model checks them
    assert doc.lines[("nested", 0, "quota")] == 23


def _models(value: object):
    if isinstance(value, BaseModel):
        yield value
        for field in value.__dict__.values():
            yield from _models(field)
    elif isinstance(value, tuple):
        for item in value:
            yield from _models(item)


def test_models_given_the_same_fields_share_one_set_of_them():
    from paths import CONTENT

    plans = load_content(CONTENT).plans
    by_fields: dict[frozenset[str], list[BaseModel]] = {}
    for model in _models(plans):
        by_fields.setdefault(frozenset(model.model_fields_set), []).append(model)
    assert max(map(len, by_fields.values())) > len(plans)  # many models, few sets
    for models in by_fields.values():
        assert len({id(model.__pydantic_fields_set__) for model in models}) == 1
    # Copying with a change adds to the copy's set only.
    meta = next(plan.meta for plan in plans if plan.meta.place is None)
    given = set(meta.model_fields_set)
    changed = meta.model_copy(update={"place": "Hà Nội"})
    assert changed.place == "Hà Nội" and "place" in changed.model_fields_set
    assert meta.model_fields_set == given and "place" not in given
