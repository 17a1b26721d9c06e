"""Work handed to a forked child while the build goes on (the second core).

This module owns running one function in a child process made by fork:
the child sees the parent's memory as it was (the loaded plans, without
pickling them), does the work, sends back its answer and leaves without
running the parent's exit code. Where there is no fork the work is done
at once.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ForkedError(RuntimeError):
    """The work failed in the child; the message is its traceback."""


class Forked(Generic[T]):
    """The work running in a child: `result` waits for its answer."""

    def __init__(self, pid: int | None, reader: int | None, answer: tuple[bool, object]) -> None:
        self.pid, self.reader, self.answer = pid, reader, answer

    def result(self) -> T:
        """The work's return value, once the child is done (raises ForkedError)."""
        if self.pid is not None and self.reader is not None:
            with os.fdopen(self.reader, "rb") as source:
                data = source.read()
            _, status = os.waitpid(self.pid, 0)
            self.pid = self.reader = None
            try:
                self.answer = pickle.loads(data)
            except Exception:
                code = os.waitstatus_to_exitcode(status)
                self.answer = (False, f"the child left without an answer (exit {code})")
        done, value = self.answer
        if not done:
            raise ForkedError(str(value))
        return value  # type: ignore[return-value]

    def cancel(self) -> None:
        """Stop the child if it still runs."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None


def in_child(work: Callable[[], T]) -> Forked[T]:
    """Start `work` in a forked child (or do it now where there is no fork)."""
    if not hasattr(os, "fork"):
        return Forked(None, None, _answer(work))
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, then leave at once
        try:
            os.close(reader)
            data = pickle.dumps(_answer(work))
            with os.fdopen(writer, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(writer)
    return Forked(pid, reader, (False, "not answered"))


def _answer(work: Callable[[], T]) -> tuple[bool, object]:
    try:
        return True, work()
    except BaseException:
        return False, traceback.format_exc()
