"""Text as people paste it, made safe once: NFC, line breaks, controls, email addresses.

This module owns the one normalisation every input surface applies before
anything else sees the text (the content loader, the nomination forms): NFC
composition (Word and phones send either form of Vietnamese letters), Word's
manual line break (U+000B), form feeds and Unicode line/paragraph separators
turned into ordinary line breaks, and every other C0/C1 control character and
Unicode non-character removed (the DOCX writer, XML and mail headers refuse
them). It also owns the rule for email addresses, the one the mailer applies
(email-validator, ASCII only so every SMTP server accepts it). It must not
know about forms, files or the database.
"""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

# Characters that mean "new line" in pasted text: CR LF, CR, VT (Word's Shift+Enter),
# FF (page break), NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0 and C1 controls except TAB and LF, and the Unicode non-characters.
_REMOVED = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufdd0-\ufdef"
    + "".join(
        f"\\U{plane * 0x10000 + 0xFFFE:08x}\\U{plane * 0x10000 + 0xFFFF:08x}" for plane in range(17)
    )
    + "]"
)
# Lone surrogates cannot be encoded in UTF-8 (a browser never sends them, a script may).
_SURROGATES = re.compile("[\ud800-\udfff]")
# Any character one of the three above changes: most texts have none, and
# one search is cheaper than three substitutions (a line of Vietnamese 5.9 ->
# 4.2 µs with the NFC step; a plan has about fifty texts).
_CLEANED = re.compile("[\r\x0b\x0c\x85\u2028\u2029\ud800-\udfff" + _REMOVED.pattern[1:-1] + "]")


def nfc(text: str) -> str:
    """Normalise to NFC: editors paste text from Word in either form."""
    return unicodedata.normalize("NFC", text)


def clean_text(text: str) -> str:
    """NFC, every kind of line break as \\n, controls and non-characters removed."""
    if _CLEANED.search(text) is None:
        return nfc(text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _SURROGATES.sub("", _REMOVED.sub("", text))
    return nfc(text)


class EmailAddressError(ValueError):
    """The address cannot be used to send mail; the message is Vietnamese."""


def normalise_email(address: str) -> str:
    """The address as the mailer will use it (domain lower-cased, IDN as ASCII), or
    EmailAddressError saying what is wrong."""
    try:
        result = validate_email(
            address.strip(),
            check_deliverability=False,
            allow_smtputf8=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
        )
    except EmailNotValidError:
        raise EmailAddressError(
            "Email chưa đúng dạng (ví dụ: congdoan@congty.vn): chỉ gồm chữ không dấu, chữ số "
            "và các dấu . _ - +; không có hai dấu chấm liền nhau, không bắt đầu hay kết thúc "
            "bằng dấu chấm trước @."
        ) from None
    return result.ascii_email or result.normalized
