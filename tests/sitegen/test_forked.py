"""Work in a forked child: its answer, its failure, its cancelling."""

from __future__ import annotations

import os
import time

import pytest
from sitegen.forked import ForkedError, in_child


def test_the_child_answers_from_the_parents_memory_and_leaves_it_alone():
    held = ["bản trong bộ nhớ"]

    def work() -> tuple[int, str]:
        held.append("chỉ trong tiến trình con")
        return os.getpid(), held[0]

    pid, first = in_child(work).result()
    assert pid != os.getpid() and first == "bản trong bộ nhớ"
    assert held == ["bản trong bộ nhớ"]


def test_a_failure_in_the_child_is_raised_with_its_traceback():
    def work() -> None:
        raise ValueError("tệp hỏng")

    with pytest.raises(ForkedError, match="ValueError: tệp hỏng"):
        in_child(work).result()


def test_a_child_that_dies_without_answering_is_a_failure():
    with pytest.raises(ForkedError, match="without an answer"):
        in_child(lambda: os._exit(3)).result()


def test_cancel_stops_a_child_still_working():
    started = time.monotonic()
    job = in_child(lambda: time.sleep(60))
    job.cancel()
    assert time.monotonic() - started < 30
    job.cancel()  # twice is harmless
