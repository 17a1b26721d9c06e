"""YAML syntax errors told in Vietnamese, with the usual cause and its fix.

PyYAML (and libyaml under it) reports "mapping values are not allowed in this
context": true, and of no help to an editor. This module owns turning such an
error, and the text around it, into a Vietnamese sentence naming the line and
the likely cause (a colon inside a value, a Tab, an unclosed quote, a list item
out of line). It reads the lines of the text it is given; it must not parse
YAML itself (the loader does) nor open files.
"""

from __future__ import annotations

import re

QUOTE_HINT = 'hãy đặt cả giá trị trong dấu nháy kép, ví dụ title: "Kế hoạch: thi đua năm 2024"'
TAB = "dòng này có ký tự Tab; YAML chỉ nhận dấu cách: hãy thay mỗi Tab bằng hai dấu cách"
COLON = "giá trị có dấu hai chấm và dấu cách ': ' nên bị hiểu nhầm là một khóa mới; " + QUOTE_HINT
UNCLOSED = (
    "dấu nháy {quote} mở ở dòng {line} chưa được đóng; hãy thêm dấu {quote} ở cuối giá trị "
    "(nếu trong giá trị có dấu nháy kép, hãy dùng “ ” hoặc đặt giá trị trong dấu nháy đơn)"
)
AFTER_QUOTE = (
    "sau dấu nháy đóng còn chữ; " + QUOTE_HINT + ' (dấu nháy bên trong viết là “ ” hoặc \\")'
)
INDENT = (
    "dòng này thụt lề sâu hơn dòng trên mà dòng trên đã có giá trị; "
    "hãy thụt lề bằng đúng số dấu cách như các khóa cùng cấp"
)
LIST_ITEM = (
    "dòng này không thẳng hàng với các mục '- ' phía trên; mỗi mục của danh sách bắt đầu "
    "bằng '- ' ở cùng một lề, còn khóa của nhóm phải thẳng hàng với các khóa cùng cấp"
)
NOT_KEY = (
    "dòng này không có dạng 'khóa: giá trị' (thiếu dấu hai chấm, hoặc thụt lề sai); "
    "hãy viết 'khóa: giá trị' và thụt lề bằng dấu cách như các dòng cùng cấp"
)
FLOW = "danh sách trong dấu [ ] chưa đóng hoặc thiếu dấu phẩy; ví dụ đúng: [individual, collective]"
SPECIAL_START = 'giá trị không được bắt đầu bằng ký tự "{char}"; ' + QUOTE_HINT
GENERIC = (
    "không đọc được dòng này; nguyên nhân thường gặp: giá trị chứa ': ' hoặc ' #' mà không "
    "đặt trong dấu nháy kép, phím Tab, dấu nháy chưa đóng, thụt lề không đều"
)

_PREFIX = "lỗi cú pháp YAML: "
_COLON_IN_VALUE = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"][^:]*:\s+[^'\"\s].*?:(?:\s|$)")


def explain(
    problem: str,
    context: str | None,
    problem_line: int,
    context_line: int | None,
    lines: list[str],
    first_line: int = 1,
) -> tuple[int, str]:
    """(file line to report, Vietnamese message) for one syntax error.

    `problem_line` and `context_line` are 0-based in `lines`; `first_line` is
    the file line of `lines[0]`.
    """
    line_no, message = _explain(problem, context, problem_line, context_line, lines)
    return line_no + first_line, message.replace("{line}", str((context_line or 0) + first_line))


def _explain(
    problem: str,
    context: str | None,
    problem_line: int,
    context_line: int | None,
    lines: list[str],
) -> tuple[int, str]:
    problem = problem or ""
    context = context or ""

    def text(i: int | None) -> str:
        return lines[i] if i is not None and 0 <= i < len(lines) else ""

    for i in (problem_line, context_line):
        if "\t" in text(i):
            return i or 0, _PREFIX + TAB
    if "quoted scalar" in context and context_line is not None:
        quote = _opening_quote(text(context_line))
        return context_line, _PREFIX + UNCLOSED.format(quote=quote, line="{line}")
    line = text(problem_line)
    if "mapping values are not allowed" in problem:
        if _COLON_IN_VALUE.match(line):
            return problem_line, _PREFIX + COLON
        return problem_line, _PREFIX + INDENT
    if "flow sequence" in context or "flow mapping" in context:
        return (context_line if context_line is not None else problem_line), _PREFIX + FLOW
    if "block collection" in context:
        return problem_line, _PREFIX + LIST_ITEM
    if "block mapping" in context:
        previous = text(context_line) if context_line == problem_line else line
        if re.search(r"""^\s*(?:-\s+)?[^:]+:\s*(["']).*\1\s*\S""", previous):
            return problem_line, _PREFIX + AFTER_QUOTE
        return problem_line, _PREFIX + NOT_KEY
    if "cannot start any token" in problem or "undefined alias" in problem:
        m = re.search(r":\s+([@`%*&!|>])|^\s*-\s+([@`%*&!|>])", line)
        char = (m[1] or m[2]) if m else line.strip()[:1]
        return problem_line, _PREFIX + SPECIAL_START.format(char=char)
    if "could not find expected ':'" in problem or "simple key" in context:
        return (context_line if context_line is not None else problem_line), _PREFIX + NOT_KEY
    return problem_line, _PREFIX + GENERIC


def _opening_quote(line: str) -> str:
    m = re.search(r"""(?::\s+|^\s*-\s+)(["'])""", line)
    return m[1] if m else '"'
