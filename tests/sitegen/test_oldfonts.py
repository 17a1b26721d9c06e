"""Text broken by old fonts: TCVN3/VNI converted, lossy words repaired or reported one by one."""

from __future__ import annotations

from sitegen.importer.oldfonts import Doubt, Repair, clean_text, phrases_of

# Correctly written union text: the phrases the repair may rely on.
PUBLISHED = [
    "Ban Thường vụ Liên đoàn Lao động quận yêu cầu các công đoàn cơ sở báo cáo.",
    "Vận động đoàn viên công đoàn tích cực học tập, nâng cao trình độ.",
    "Công đoàn quận tổ chức hội thi.",
]


def words(text: str) -> list[str]:
    return text.split()


TCVN3 = (
    "Thùc hiÖn kÕ ho¹ch cña Ban th\xadêng vô Liªn ®oµn Lao ®éng quËn vÒ viÖc ph¸t ®éng "
    "phong trµo thi ®ua trong c«ng nh©n, viªn chøc, lao ®éng; yªu cÇu c¸c c«ng ®oµn c¬ së "
    "b¸o c¸o kÕt qu¶."
)
VNI = (
    "Ban Thöôøng vuï Lieân ñoaøn Lao ñoäng quaän ñeà nghò caùc coâng ñoaøn cô sôû baùo caùo "
    "keát quaû tröôùc ngaøy 15/9/2023."
)


def test_tcvn3_byte_soup_is_converted_word_by_word():
    cleaned = clean_text(TCVN3)
    assert cleaned.encoding == "tcvn3"
    assert words(cleaned.text) == words(
        "Thực hiện kế hoạch của Ban thường vụ Liên đoàn Lao động quận về việc phát động "
        "phong trào thi đua trong công nhân, viên chức, lao động; yêu cầu các công đoàn cơ sở "
        "báo cáo kết quả."
    )
    assert cleaned.repairs == []
    assert cleaned.doubts == []


def test_vni_byte_soup_is_converted_word_by_word():
    cleaned = clean_text(VNI)
    assert cleaned.encoding == "vni"
    assert words(cleaned.text) == words(
        "Ban Thường vụ Liên đoàn Lao động quận đề nghị các công đoàn cơ sở báo cáo kết quả "
        "trước ngày 15/9/2023."
    )


def test_lossy_extraction_repaired_where_unambiguous_and_reported_otherwise():
    lossy = (
        "Các cơng đồn cơ sở u cầu đồn viên tham gia.\n"
        "CƠNG ĐỒN QUẬN tổ chức hội thi tại đồn biên phòng."
    )
    cleaned = clean_text(lossy, phrases_of(PUBLISHED))
    assert cleaned.encoding is None
    assert cleaned.text.split("\n") == [
        "Các công đoàn cơ sở yêu cầu đoàn viên tham gia.",
        "CÔNG ĐOÀN QUẬN tổ chức hội thi tại đồn biên phòng.",
    ]
    assert cleaned.repairs == [
        Repair(1, "cơng", "công"),
        Repair(1, "đồn", "đoàn"),
        Repair(1, "u", "yêu"),
        Repair(1, "đồn", "đoàn"),
        Repair(2, "CƠNG", "CÔNG"),
        Repair(2, "ĐỒN", "ĐOÀN"),
    ]
    # "đồn" is a word too and "đoàn biên" is no published phrase: reported, not changed.
    assert cleaned.doubts == [Doubt(2, "đồn", ("đoàn",))]
    assert cleaned.doubts[0].message() == (
        'chữ "đồn" có thể bị lỗi phông khi trích từ PDF, có thể là "đoàn"; '
        "hãy đối chiếu với bản gốc và sửa tay"
    )


def test_lossy_word_without_published_phrases_is_only_reported():
    cleaned = clean_text("Đề nghị đồn viên u cầu cơng nhân.")
    assert cleaned.text == "Đề nghị đồn viên u cầu công nhân."
    assert cleaned.repairs == [Repair(1, "cơng", "công")]
    assert cleaned.doubts == [Doubt(1, "đồn", ("đoàn",)), Doubt(1, "u", ("yêu",))]


def test_correct_text_is_left_alone():
    text = "Đồn biên phòng tổ chức hội thi; u sầu; cơ sở; mới."
    cleaned = clean_text(text, phrases_of(PUBLISHED))
    assert (cleaned.text, cleaned.repairs, cleaned.doubts) == (text, [], [])
