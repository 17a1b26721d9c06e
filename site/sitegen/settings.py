"""The settings a build needs, in one immutable record.

This module owns the names, defaults and validation of the site's settings
(the public address of the nomination app, the site's own address, the day
of the build). MkDocs reads them from `mkdocs.yml` (`extra`, with `!ENV`), the
glue turns them into `SiteSettings`; generators receive the record and never
read the environment or the MkDocs config themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from .models import TZ

DEFAULT_FORMS_URL = "http://127.0.0.1:5000"
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class SiteSettings:
    """What the generators may depend on besides the content."""

    forms_url: str = DEFAULT_FORMS_URL
    site_url: str = DEFAULT_SITE_URL
    now: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=TZ)

    def __post_init__(self) -> None:
        for name in ("forms_url", "site_url"):
            value = getattr(self, name)
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"{name} phải là địa chỉ http(s) đầy đủ, nhận được {value!r}")
        if self.now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        object.__setattr__(self, "site_url", self.site_url.rstrip("/") + "/")
        object.__setattr__(self, "forms_url", self.forms_url.rstrip("/"))

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(TZ).date()

    @property
    def domain(self) -> str:
        """The host that makes calendar UIDs unique worldwide."""
        return urlsplit(self.site_url).hostname or "localhost"

    def nomination_url(self, slug: str, key: str) -> str:
        """The nomination app's form for one call: <forms_url>/<plan>/<call>/."""
        return f"{self.forms_url}/{slug}/{key}/"


def settings_for_day(
    day: dt.date | None,
    forms_url: str = DEFAULT_FORMS_URL,
    site_url: str = DEFAULT_SITE_URL,
) -> SiteSettings:
    """Settings at the start of `day` (Asia/Ho_Chi_Minh), or now when `day` is None."""
    now = dt.datetime.now(TZ) if day is None else dt.datetime.combine(day, dt.time(0, 0), TZ)
    return SiteSettings(forms_url=forms_url, site_url=site_url, now=now)
