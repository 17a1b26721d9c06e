"""Real HTTP against the app: a threaded server on loopback and a cookie-keeping client.

Used by the concurrency tests, the browser tests and the load run
(bench/load_submissions.py): requests go through sockets, one server thread
per request, so parallel clients really overlap in the database.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import io
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.serving import make_server
from werkzeug.test import encode_multipart

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
DRAFT_RE = re.compile(r'id="draft" name="draft" type="hidden" value="([^"]+)"')


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """The app under werkzeug's threaded server on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    location: str | None
    text: str

    def csrf_token(self) -> str:
        return CSRF_RE.search(self.text)[1]

    def draft_token(self) -> str:
        return DRAFT_RE.search(self.text)[1]


class WebClient:
    """One person's browser: a cookie jar, redirects not followed, errors returned."""

    def __init__(self, base: str, timeout: float = 120) -> None:
        self.base = base
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.statuses: list[int] = []

    def _opener(self) -> urllib.request.OpenerDirector:
        # One opener per call: clients share the jar (it has its own lock), not the opener.
        return urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def request(self, path: str, data: bytes | None = None, content_type: str = "") -> Answer:
        request = urllib.request.Request(self.base + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            response = self._opener().open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx
            response = error
        with response:
            answer = Answer(
                response.status,
                response.headers.get("Location"),
                response.read().decode("utf-8", "replace"),
            )
        self.statuses.append(answer.status)
        return answer

    def get(self, path: str) -> Answer:
        return self.request(path)

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        body = urllib.parse.urlencode(fields).encode()
        return self.request(path, body, "application/x-www-form-urlencoded")

    def post_multipart(
        self, path: str, fields: dict[str, str], photo: bytes | None = None
    ) -> Answer:
        values = MultiDict(fields)
        if photo is not None:
            values["photo"] = FileStorage(io.BytesIO(photo), filename="anh.jpg")
        boundary, body = encode_multipart(values)
        return self.request(path, body, f"multipart/form-data; boundary={boundary}")

    def preview(self, form_path: str, fields: dict[str, str], photo: bytes | None) -> str:
        """Fill the form (CSRF token from the page) and preview it; the preview's path."""
        token = self.get(form_path).csrf_token()
        answer = self.post_multipart(form_path, {**fields, "csrf_token": token}, photo)
        if answer.status != 303:
            raise AssertionError(f"form answered {answer.status}")
        return answer.location.removeprefix(self.base)

    def send_token(self, preview_path: str) -> str:
        """The CSRF token of the preview page's send button."""
        return self.get(preview_path).csrf_token()


def at_once(count: int, action: Callable[[int], object]) -> list[object]:
    """Run `action(i)` in `count` threads released together; their results in order.

    Every thread is waited for; then the first exception raised in one (e.g. a
    connection refused) is raised here, never lost.
    """
    start = threading.Barrier(count)
    results: list[object] = [None] * count
    errors: list[Exception] = []

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = action(index)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
