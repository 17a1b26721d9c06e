"""Nothing personal in logs: addresses in texts that go to a log are replaced."""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


def redact(text: object) -> str:
    """`text` with every email address replaced by "<address>" (SMTP replies quote them)."""
    return EMAIL_RE.sub("<address>", str(text))
