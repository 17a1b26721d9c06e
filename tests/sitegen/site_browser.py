"""Helpers for the browser tests of the public site.

Builds the seed site once per test session (statuses computed for a pinned
build day), serves a built site over HTTP on loopback with the headers that
netlify.toml declares (so the Content-Security-Policy is exercised for real),
and launches Debian's Chromium through Playwright (never a downloaded browser).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from paths import CONTENT, PROJECT

BUILD_DAY = "2023-08-01"  # before seed 000's campaign: its items are all on the home page
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def netlify_headers() -> list[tuple[re.Pattern[str], dict[str, str]]]:
    """(path pattern, headers) pairs from netlify.toml, in file order."""
    config = tomllib.loads((PROJECT / "netlify.toml").read_text(encoding="utf-8"))
    rules = []
    for rule in config.get("headers", []):
        pattern = re.compile("^" + re.escape(rule["for"]).replace(r"\*", ".*") + "$")
        rules.append((pattern, dict(rule["values"])))
    return rules


def build_with_env(out: Path, content: Path = CONTENT, **env: str) -> Path:
    """Run `sitegen build` into `out` with SITEGEN_* settings set for its duration."""
    from sitegen.build import build_site

    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        build_site(content, out)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return out


@functools.cache
def seed_site(root: str) -> Path:
    """The five seeds built once per session under `root` (a pytest tmp folder)."""
    return build_with_env(
        Path(root) / "site",
        SITEGEN_TODAY=BUILD_DAY,
        SITEGEN_FORMS_URL="https://hoso.example.org",
        SITEGEN_SITE_URL="https://thidua.example.org/",
    )


class _Handler(http.server.SimpleHTTPRequestHandler):
    rules: ClassVar[list[tuple[re.Pattern[str], dict[str, str]]]] = []

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]
        for pattern, values in self.rules:
            if pattern.match(path):
                for name, value in values.items():
                    self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 with netlify.toml's headers; yield the base URL."""
    handler = type("Handler", (_Handler,), {"rules": netlify_headers()})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def launch_chromium(playwright):
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is required for the browser tests"
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
