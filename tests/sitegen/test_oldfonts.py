"""Text broken by old fonts: TCVN3/VNI converted, lossy words repaired or reported one by one."""

from __future__ import annotations

from paths import CONTENT
from sitegen.importer.oldfonts import Doubt, Repair, clean_text, phrases_of
from sitegen.loader import published_texts

# Correctly written union text: the phrases of the plans the project publishes.
PUBLISHED = phrases_of(published_texts(CONTENT))


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
        "Các cơng đồn cơ sở vận động đồn viên tham gia.\n"
        "Ban Thường vụ u cầu các cấp cơng đồn báo cáo.\n"
        "CƠNG ĐỒN QUẬN tổ chức hội thi tại đồn biên phòng."
    )
    cleaned = clean_text(lossy, PUBLISHED)
    assert cleaned.encoding is None
    assert cleaned.text.split("\n") == [
        "Các công đoàn cơ sở vận động đoàn viên tham gia.",
        "Ban Thường vụ u cầu các cấp công đồn báo cáo.",
        "CÔNG ĐOÀN QUẬN tổ chức hội thi tại đồn biên phòng.",
    ]
    # "cơng" is no Vietnamese syllable; each "đoàn" makes a published phrase on both sides.
    assert cleaned.repairs == [
        Repair(1, "cơng", "công"),
        Repair(1, "đồn", "đoàn"),
        Repair(1, "đồn", "đoàn"),
        Repair(2, "cơng", "công"),
        Repair(3, "CƠNG", "CÔNG"),
        Repair(3, "ĐỒN", "ĐOÀN"),
    ]
    # Real words whose repair no published phrase confirms on both sides: reported.
    assert cleaned.doubts == [
        Doubt(2, "u", ("yêu",)),
        Doubt(2, "đồn", ("đoàn",)),
        Doubt(3, "đồn", ("đoàn",)),
    ]
    assert cleaned.doubts[0].message() == (
        'chữ "u" có thể bị lỗi phông khi trích từ PDF, có thể là "yêu"; '
        "hãy đối chiếu với bản gốc và sửa tay"
    )


def test_lossy_word_without_published_phrases_is_only_reported():
    cleaned = clean_text("Đề nghị đồn viên u cầu cơng nhân.")
    assert cleaned.text == "Đề nghị đồn viên u cầu công nhân."
    assert cleaned.repairs == [Repair(1, "cơng", "công")]
    assert cleaned.doubts == [Doubt(1, "đồn", ("đoàn",)), Doubt(1, "u", ("yêu",))]


def test_correct_text_is_left_alone():
    text = "Đồn biên phòng tổ chức hội thi; u sầu; cơ sở; mới."
    cleaned = clean_text(text, PUBLISHED)
    assert (cleaned.text, cleaned.repairs, cleaned.doubts) == (text, [], [])
