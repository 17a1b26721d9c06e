"""Reading sums of money as people type them."""

from __future__ import annotations

import pytest

from forms_app.nominations.amounts import AmountError, parse_money


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("60.000.000", 60_000_000),
        ("60000000", 60_000_000),
        ("60 triệu", 60_000_000),
        ("60 trieu", 60_000_000),
        ("45tr", 45_000_000),
        ("1,5 tỷ", 1_500_000_000),
        ("1.5 ty", 1_500_000_000),
        ("1.500 triệu", 1_500_000_000),
        ("2 tỷ 300 triệu", 2_300_000_000),
        ("60.000.000 đồng", 60_000_000),
        ("60.000.000đ", 60_000_000),
        ("60,000,000", 60_000_000),
        ("60 000 000", 60_000_000),
        ("500 nghìn", 500_000),
        (" 12.500.000 VND ", 12_500_000),
    ],
)
def test_parse_money_accepts_vietnamese_writing(typed, expected):
    assert parse_money(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("sáu mươi", "Không đọc được số tiền “sáu mươi”; hãy viết như 60.000.000 hoặc 60 triệu."),
        ("60,5", "Không đọc được số tiền “60,5”; hãy viết như 60.000.000 hoặc 60 triệu."),
        ("60.00.000", "Không đọc được số tiền “60.00.000”; hãy viết như 60.000.000 hoặc 60 triệu."),
        (
            "1,2345678 nghìn",
            "Số tiền “1,2345678 nghìn” có phần lẻ dưới 1 đồng; hãy viết như 60.000.000 "
            "hoặc 60 triệu.",
        ),
    ],
)
def test_parse_money_unreadable_says_how_to_write(typed, message):
    with pytest.raises(AmountError) as caught:
        parse_money(typed)
    assert str(caught.value) == message
