"""The Vietnamese names of the content's keys, to point editors to the right key.

Keys are English (`recipients`); editors think in the document's words ("Nơi
nhận") and often type them (`noi_nhan`). This module owns that vocabulary and
the suggestion made for a key the model does not know. It must not validate.
"""

from __future__ import annotations

import difflib
import re

from .folding import fold

# Each key with the Vietnamese names an editor may use for it; the first one is
# shown in messages. A key means the same thing wherever it appears.
VIETNAMESE_NAMES: dict[str, tuple[str, ...]] = {
    "number": ("số, ký hiệu", "số", "ký hiệu", "số hiệu", "số văn bản"),
    "doc_type": ("loại văn bản", "thể loại", "loại"),
    "issuer": ("cơ quan ban hành", "cơ quan", "đơn vị ban hành", "nơi ban hành"),
    "place": ("địa danh", "nơi"),
    "issued": ("ngày ban hành", "ngày ký", "ngày tháng", "ngày"),
    "title": ("trích yếu", "tên", "tiêu đề", "tên văn bản"),
    "implements": ("căn cứ", "thực hiện", "văn bản căn cứ"),
    "period": ("thời gian thực hiện", "thời gian"),
    "phases": ("các đợt", "đợt", "giai đoạn"),
    "themes": ("phong trào", "chủ đề", "các phong trào"),
    "deadlines": ("thời hạn", "hạn", "các mốc", "hạn nộp báo cáo"),
    "nominations": ("đợt nhận hồ sơ", "đề nghị khen thưởng", "khen thưởng"),
    "recipients": ("nơi nhận",),
    "signature": ("chữ ký", "người ký", "ký tên"),
    "on_behalf": ("thay mặt", "tm", "kt", "ký thay"),
    "role": ("chức vụ", "chức danh"),
    "signer_title": ("chức danh khác",),
    "name": ("họ tên", "họ và tên", "tên"),
    "short_name": ("tên viết tắt", "tên ngắn"),
    "parent": ("cơ quan cấp trên", "cấp trên", "cơ quan chủ quản"),
    "email": ("thư điện tử", "hộp thư", "địa chỉ email", "thư"),
    "website": ("trang web", "trang thông tin"),
    "date": ("ngày",),
    "start": ("bắt đầu", "từ ngày", "ngày bắt đầu"),
    "end": ("kết thúc", "đến ngày", "ngày kết thúc"),
    "theme": ("chủ đề",),
    "what": ("nội dung", "việc"),
    "due": ("hạn", "thời hạn", "hạn chót"),
    "to": ("gửi về", "nơi nhận hồ sơ", "gửi"),
    "deadline": ("hạn nộp", "hạn", "thời hạn"),
    "office": ("bộ phận nhận hồ sơ", "bộ phận", "nơi nhận hồ sơ"),
    "contact": ("người liên hệ", "liên hệ"),
    "phone": ("điện thoại", "số điện thoại", "sđt"),
    "subjects": ("đối tượng", "ai được đề nghị"),
    "categories": ("các đối tượng", "đối tượng", "tiêu chí"),
    "awards": ("hình thức khen thưởng", "danh hiệu"),
    "dossier": ("hồ sơ", "thành phần hồ sơ"),
    "copies": ("số bản", "bản"),
    "selection": ("cách chọn", "hình thức chọn"),
    "description": ("mô tả", "tiêu chuẩn"),
    "criteria": ("tiêu chí",),
    "item": ("thành phần", "mục"),
    "key": ("mã", "khóa"),
    "subject": ("đối tượng khen", "cá nhân hay tập thể"),
    "min_initiatives": ("số sáng kiến tối thiểu", "số sáng kiến"),
    "min_total_benefit": ("giá trị làm lợi tối thiểu", "giá trị làm lợi"),
    "from_year": ("từ năm",),
    "to_year": ("đến năm",),
    "required_awards": ("danh hiệu cần có", "khen thưởng cần có"),
    "channels": ("cách gửi", "hình thức gửi"),
    "one_page_a4": ("01 trang A4", "một trang A4"),
    "photo": ("ảnh", "hình ảnh"),
    "source": ("văn bản gốc", "nguồn", "bản gốc"),
    "body": ("toàn văn",),
    "reason": ("lý do",),
    "text": ("chữ", "nội dung"),
    "question": ("câu hỏi",),
    "related": ("kế hoạch liên quan", "liên quan"),
    "relation": ("quan hệ", "nhãn"),
    "year_theme": ("chủ đề năm", "chủ đề hoạt động năm"),
    "recipients_note": ("ghi chú nơi nhận",),
    "edits": ("chỗ sửa", "sửa đổi"),
    "misprints": ("lỗi in", "nguyên văn"),
    "correct": ("chữ đúng",),
    "eligibility": ("điều kiện",),
    "quota": ("số lượng", "chỉ tiêu"),
    "plan": ("mã kế hoạch",),
}


def _key_form(text: str) -> str:
    """'Nơi nhận', 'noi_nhan', 'noi-nhan', 'NoiNhan' → 'noinhan'."""
    return re.sub(r"[^a-z0-9]", "", fold(text).lower())


def suggest_key(unknown: str, known: list[str]) -> str | None:
    """The closest key among `known`, with its Vietnamese name, for a message.

    The Vietnamese names are tried first, because `noi_nhan` is much closer to
    "nơi nhận" than to any English key; then the English keys themselves.
    """
    typed = _key_form(unknown)
    by_name: dict[str, str] = {}
    for key in known:
        for name in VIETNAMESE_NAMES.get(key, ()):
            by_name.setdefault(_key_form(name), key)
    if typed in by_name:
        return _describe(by_name[typed])
    close = difflib.get_close_matches(typed, list(by_name), n=1, cutoff=0.8)
    if close:
        return _describe(by_name[close[0]])
    close = difflib.get_close_matches(unknown, known, n=1, cutoff=0.6)
    if close:
        return _describe(close[0])
    return None


def _describe(key: str) -> str:
    names = VIETNAMESE_NAMES.get(key)
    return f'"{key}" ({names[0]})' if names else f'"{key}"'
