"""`sitegen import` from the command line: what an editor sees."""

from __future__ import annotations

import shutil

from paths import CONTENT
from sitegen.cli import main

LOSSY_PLAN = """\
LĐLĐ TỈNH LAI CHÂU
LIÊN ĐOÀN LAO ĐỘNG HUYỆN TAM ĐƯỜNG
Số: 07/KH-LĐLĐ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Tam Đường, ngày 05 tháng 3 năm 2024
KẾ HOẠCH
Tổ chức hội thi tay nghề năm 2024
Thực hiện Kế hoạch số 141/KH-LĐLĐ ngày 14/01/2020 của LĐLĐ tỉnh về phát động thi đua;
I. MỤC ĐÍCH, U CẦU
1. Các cơng đồn cơ sở vận động đồn viên tham gia hội thi tại đồn biên phịng.
2. Báo cáo kết quả về LĐLĐ huyện trước ngày 30/4/2024.
Nơi nhận:
- Các CĐCS;
- Lưu: VP.
TM. BAN THƯỜNG VỤ
CHỦ TỊCH
Nguyễn Văn A
"""


def test_import_lossy_text_prints_check_lines_doubts_and_proposal(import_root, tmp_path, capsys):
    root = import_root
    shutil.copytree(CONTENT / "sources", root / "sources")  # correctly written phrases
    source = tmp_path / "tam-duong.txt"
    source.write_text(LOSSY_PLAN, encoding="utf-8")
    assert main(["import", str(source), "--out", str(root)]) == 0
    plan = "content/plans/ldld-huyen-tam-duong-07-kh-2024.md"
    assert capsys.readouterr().out.split("\n") == [
        f'{plan}:5: issuer: cơ quan "LIÊN ĐOÀN LAO ĐỘNG HUYỆN TAM ĐƯỜNG" chưa có trong '
        'content/issuers.yml: đã đặt khóa "ldld-huyen-tam-duong"; hãy thêm mục đề xuất dưới '
        "đây vào content/issuers.yml (sửa tên viết hoa/thường cho đúng)",
        'content/sources/ldld-huyen-tam-duong-07-kh-2024.txt:21: văn bản: chữ "đồn" có thể bị '
        'lỗi phông khi trích từ PDF, có thể là "đoàn"; hãy đối chiếu với bản gốc và sửa tay',
        "Đề xuất thêm vào content/issuers.yml:",
        "    ldld-huyen-tam-duong:",
        "      name: LIÊN ĐOÀN LAO ĐỘNG HUYỆN TAM ĐƯỜNG",
        "      short_name: LIÊN ĐOÀN LAO ĐỘNG HUYỆN TAM ĐƯỜNG",
        "      parent: LĐLĐ TỈNH LAI CHÂU",
        "      place: Tam Đường",
        "Đã sửa 4 chữ bị mất dấu khi trích từ PDF.",
        f"Đã tạo {plan} (văn bản gốc: content/sources/ldld-huyen-tam-duong-07-kh-2024.txt) "
        "từ tam-duong.txt.",
        "Còn 2 điểm cần xem lại (ở trên); sửa xong hãy chạy: sitegen check",
        "",
    ]
    text = (root / "plans" / "ldld-huyen-tam-duong-07-kh-2024.md").read_text(encoding="utf-8")
    assert "## I. MỤC ĐÍCH, YÊU CẦU" in text  # a lone upper-case "U" in an upper-case line
    assert (
        "1\\. Các công đoàn cơ sở vận động đoàn viên tham gia hội thi tại đồn biên phịng." in text
    )
    assert "    due: trước ngày 30/4/2024" in text


def test_import_unreadable_file(tmp_path, capsys):
    source = tmp_path / "ke-hoach.pdf"
    source.write_bytes(b"%PDF-1.4")
    assert main(["import", str(source), "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().out == (
        f"{source}:0: tệp: không đọc được tệp .pdf: chỉ nhận .docx, .odt, .txt (với .doc hoặc "
        ".pdf, hãy mở bằng Word/LibreOffice rồi lưu thành .docx)\n"
    )


TCVN3_PLAN = """\
TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM
LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU
Số: 07/KH-LĐLĐ
Lai Châu, ngày 05 tháng 3 năm 2024
KẾ HOẠCH
Tổ chức hội thi tay nghề năm 2024
Thùc hiÖn KÕ ho¹ch sè 141/KH-L§L§ ngµy 14/01/2020 cña L§L§ tØnh vÒ ph¸t ®éng thi ®ua;
I. MỤC ĐÍCH, YÊU CẦU
1. C¸c c«ng ®oµn c¬ së vËn ®éng ®oµn viªn tham gia héi thi.
2. B¸o c¸o kÕt qu¶ vÒ L§L§ tØnh tr\xadíc ngµy 30/4/2024.
Nơi nhận:
- Các CĐCS;
- L\xadu: VP.
TM. BAN THƯỜNG VỤ
CHỦ TỊCH
Nguyễn Văn A
"""


def test_import_converts_tcvn3_paragraphs_pasted_from_old_files(import_root, tmp_path, capsys):
    root = import_root
    source = tmp_path / "ke-hoach.txt"
    source.write_text(TCVN3_PLAN, encoding="utf-8")
    assert main(["import", str(source), "--out", str(root)]) == 0
    out = capsys.readouterr().out.split("\n")
    assert out[0] == "Đã chuyển chữ mã TCVN3 (ABC, phông .VnTime) sang Unicode."
    text = (root / "plans" / "ldld-lai-chau-07-kh-2024.md").read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    assert body.split("\n") == [
        "Thực hiện Kế hoạch số 141/KH-LĐLĐ ngày 14/01/2020 của LĐLĐ tỉnh về phát động thi đua;",
        "",
        "## I. MỤC ĐÍCH, YÊU CẦU",
        "",
        "1\\. Các công đoàn cơ sở vận động đoàn viên tham gia hội thi.",
        "",
        "2\\. Báo cáo kết quả về LĐLĐ tỉnh trước ngày 30/4/2024.",
        "",
    ]
    assert "  - 'Lưu: VP.'" in front
    # The converted text is the plan's source; the file as it came is kept beside it.
    kept = root / "sources" / "ldld-lai-chau-07-kh-2024.goc.txt"
    assert kept.read_text(encoding="utf-8") == TCVN3_PLAN
    assert "    due: trước ngày 30/4/2024" in front


def test_import_reports_a_parent_body_other_than_issuers_yml(import_root, tmp_path, capsys):
    root = import_root
    source = tmp_path / "ke-hoach.txt"
    text = TCVN3_PLAN.replace("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "LĐLĐ TỈNH ĐIỆN BIÊN")
    source.write_text(text, encoding="utf-8")
    assert main(["import", str(source), "--out", str(root)]) == 0
    assert capsys.readouterr().out.split("\n")[0] == (
        "content/plans/ldld-lai-chau-07-kh-2024.md:5: parent: văn bản ghi cơ quan cấp trên "
        '"LĐLĐ TỈNH ĐIỆN BIÊN", content/issuers.yml ghi "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM" '
        'cho "ldld-lai-chau": hãy kiểm tra'
    )
