"""Messages an editor understands: YAML mistakes, Vietnamese times, Vietnamese key names.

Each test writes one mistake an editor makes and checks the exact Vietnamese line
`sitegen check` prints for it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sitegen.errors import ContentError
from sitegen.loader import load_content
from sitegen.models import TZ

FORMS_MOMENT = (
    '"trước ngày 27/5/2021", "chậm nhất ngày 18/9/2023", "trước 16g00 ngày 14/02/2020", '
    '"16 giờ 00 ngày 14/02/2020", hoặc YYYY-MM-DD, YYYY-MM-DD HH:MM'
)


def problems_of(tree) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_content(tree.root)
    return [p.format() for p in info.value.problems]


def test_yaml_colon_inside_value_says_to_quote(tree):
    tree.plan(edits=[("title: Phát động thi đua năm 2024", "title: Kế hoạch: thi đua năm 2024")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:6: yaml: lỗi cú pháp YAML: giá trị có dấu hai chấm và dấu "
        "cách ': ' nên bị hiểu nhầm là một khóa mới; hãy đặt cả giá trị trong dấu nháy kép, "
        'ví dụ title: "Kế hoạch: thi đua năm 2024"'
    ]


def test_yaml_colon_inside_list_item_says_to_quote(tree):
    tree.plan(edits=[("  - Lưu VP", "  - Lưu: VP, TĐ: 2 bản")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:28: yaml: lỗi cú pháp YAML: giá trị có dấu hai chấm và dấu "
        "cách ': ' nên bị hiểu nhầm là một khóa mới; hãy đặt cả giá trị trong dấu nháy kép, "
        'ví dụ title: "Kế hoạch: thi đua năm 2024"'
    ]


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("  role: CHỦ TỊCH", "\trole: CHỦ TỊCH", 31),
        ("  - Lưu VP", "\t- Lưu VP", 28),
    ],
)
def test_yaml_tab_says_to_use_spaces(tree, old, new, line):
    tree.plan(edits=[(old, new)])
    assert problems_of(tree) == [
        f"content/plans/ke-hoach-a.md:{line}: yaml: lỗi cú pháp YAML: dòng này có ký tự Tab; "
        "YAML chỉ nhận dấu cách: hãy thay mỗi Tab bằng hai dấu cách"
    ]


def test_yaml_unclosed_quote_names_the_line_it_opens(tree):
    tree.plan(edits=[("title: Phát động thi đua năm 2024", 'title: "Phát động thi đua năm 2024')])
    assert problems_of(tree) == [
        'content/plans/ke-hoach-a.md:6: yaml: lỗi cú pháp YAML: dấu nháy " mở ở dòng 6 chưa được '
        'đóng; hãy thêm dấu " ở cuối giá trị (nếu trong giá trị có dấu nháy kép, hãy dùng “ ” '
        "hoặc đặt giá trị trong dấu nháy đơn)"
    ]


def test_yaml_text_after_closing_quote(tree):
    tree.plan(edits=[("title: Phát động thi đua năm 2024", 'title: "Phát động" thi đua')])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:6: yaml: lỗi cú pháp YAML: sau dấu nháy đóng còn chữ; "
        'hãy đặt cả giá trị trong dấu nháy kép, ví dụ title: "Kế hoạch: thi đua năm 2024" '
        '(dấu nháy bên trong viết là “ ” hoặc \\")'
    ]


def test_yaml_list_item_out_of_line(tree):
    tree.plan(edits=[("recipients:\n  - Lưu VP\n", "recipients:\n  - Lưu VP\n  ban: A\n")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:29: yaml: lỗi cú pháp YAML: dòng này không thẳng hàng với "
        "các mục '- ' phía trên; mỗi mục của danh sách bắt đầu bằng '- ' ở cùng một lề, còn "
        "khóa của nhóm phải thẳng hàng với các khóa cùng cấp"
    ]


def test_yaml_value_starting_with_special_character(tree):
    tree.plan(edits=[("  - Lưu VP", "  - @Lưu VP")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:28: yaml: lỗi cú pháp YAML: giá trị không được bắt đầu bằng "
        'ký tự "@"; hãy đặt cả giá trị trong dấu nháy kép, ví dụ title: "Kế hoạch: thi đua năm '
        '2024"'
    ]


def test_yaml_indented_key_after_a_value(tree):
    tree.plan(edits=[("place: Quận A", "  place: Quận A")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:4: yaml: lỗi cú pháp YAML: dòng này thụt lề sâu hơn dòng "
        "trên mà dòng trên đã có giá trị; hãy thụt lề bằng đúng số dấu cách như các khóa cùng cấp"
    ]


@pytest.mark.parametrize(
    ("written", "closes_at"),
    [
        ("16g00 ngày 30/06/2024", dt.datetime(2024, 6, 30, 16, 0, tzinfo=TZ)),
        ("16 giờ 00 ngày 30/6/2024", dt.datetime(2024, 6, 30, 16, 0, tzinfo=TZ)),
        ("16h30, ngày 30/06/2024", dt.datetime(2024, 6, 30, 16, 30, tzinfo=TZ)),
        ("30/06/2024", dt.datetime(2024, 7, 1, 0, 0, tzinfo=TZ)),
        ("ngày 30 tháng 6 năm 2024", dt.datetime(2024, 7, 1, 0, 0, tzinfo=TZ)),
        ("trước ngày 30/6/2024", dt.datetime(2024, 6, 30, 0, 0, tzinfo=TZ)),
    ],
)
def test_deadline_accepts_times_as_vietnamese_write_them(tree, written, closes_at):
    tree.plan(edits=[("due: 2024-06-30 16:00", f"due: {written}")])
    (plan,) = load_content(tree.root).plans
    assert plan.meta.deadlines[0].due.closes_at == closes_at


def test_issued_accepts_vietnamese_date(tree):
    tree.plan(edits=[("issued: 2024-03-05", "issued: ngày 05 tháng 3 năm 2024")])
    (plan,) = load_content(tree.root).plans
    assert plan.meta.issued == dt.date(2024, 3, 5)


def test_unreadable_time_lists_the_accepted_forms(tree):
    tree.plan(edits=[("due: 2024-06-30 16:00", "due: 16 giờ chiều thứ Sáu")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:12: deadlines[0].due: không thấy ngày nào trong "
        f'"16 giờ chiều thứ Sáu"; các cách ghi được nhận: {FORMS_MOMENT}'
    ]


def test_impossible_vietnamese_time(tree):
    tree.plan(edits=[("due: 2024-06-30 16:00", "due: 16g00 ngày 31/06/2024")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:12: deadlines[0].due: ngày không tồn tại trong "
        f'"16g00 ngày 31/06/2024"; các cách ghi được nhận: {FORMS_MOMENT}'
    ]


def test_issue_date_with_a_time_is_refused(tree):
    tree.plan(edits=[("issued: 2024-03-05", "issued: 8g00 ngày 05/03/2024")])
    assert problems_of(tree) == [
        'content/plans/ke-hoach-a.md:5: issued: phải là một ngày, không kèm giờ: "8g00 ngày '
        '05/03/2024"'
    ]


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("noi_nhan", '"recipients" (nơi nhận)'),
        ("Nơi nhận", '"recipients" (nơi nhận)'),
        ("trich_yeu", '"title" (trích yếu)'),
        ("so_ky_hieu", '"number" (số, ký hiệu)'),
        ("can_cu", '"implements" (căn cứ)'),
        ("nguoi_ky", '"signature" (chữ ký)'),
        ("recipent", '"recipients" (nơi nhận)'),
    ],
)
def test_unknown_key_suggests_field_by_vietnamese_name(tree, typed, suggestion):
    tree.plan(edits=[("place: Quận A", f"place: Quận A\n{typed}: x")])
    assert problems_of(tree) == [
        f"content/plans/ke-hoach-a.md:5: {typed}: khóa không được hỗ trợ; "
        f"có phải ý bạn là {suggestion}?"
    ]


def test_unknown_nested_key_suggests_by_vietnamese_name(tree):
    tree.plan(edits=[("  name: Nguyễn Văn A", "  ho_ten: Nguyễn Văn A")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:29: signature.name: thiếu trường bắt buộc",
        "content/plans/ke-hoach-a.md:32: signature.ho_ten: khóa không được hỗ trợ; "
        'có phải ý bạn là "name" (họ tên)?',
    ]


def test_wrong_choice_lists_the_choices_in_vietnamese(tree):
    tree.plan(edits=[("subjects: [individual]", "subjects: [ca_nhan]")])
    assert problems_of(tree) == [
        "content/plans/ke-hoach-a.md:17: nominations[0].subjects[0]: giá trị không hợp lệ, "
        "chỉ nhận: 'individual' hoặc 'collective'"
    ]


def test_unreadable_date_lists_the_accepted_forms(tree):
    tree.plan(edits=[("issued: 2024-03-05", "issued: mùng 5 tháng 3")])
    assert problems_of(tree) == [
        'content/plans/ke-hoach-a.md:5: issued: không đọc được ngày "mùng 5 tháng 3"; hãy viết '
        'theo một trong các dạng "2020-02-14", "14/02/2020", "ngày 14 tháng 02 năm 2020"'
    ]
