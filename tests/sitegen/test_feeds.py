"""Atom feed and iCalendar files of the seeds, read back by independent parsers."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from paths import CONTENT
from sitegen.feeds import generate_atom
from sitegen.ical import fold_line, generate_calendars
from sitegen.loader import load_content
from sitegen.settings import SiteSettings

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SETTINGS = SiteSettings(
    site_url="https://thidua.example.org/",
    forms_url="https://hoso.example.org",
    now=dt.datetime(2024, 1, 2, 8, 0, tzinfo=HCM),
)


@pytest.fixture(scope="module")
def content():
    return load_content(CONTENT)


def test_atom_parses_newest_first(content):
    feed = feedparser.parse(generate_atom(content, SETTINGS))
    assert feed.bozo == 0
    assert [e.link for e in feed.entries] == [
        "https://thidua.example.org/ke-hoach/ldld-long-bien-32-kh-2023/",
        "https://thidua.example.org/ke-hoach/hdtdkt-long-bien-32-kh-2021/",
        "https://thidua.example.org/ke-hoach/ldld-ba-dinh-63-kh-2021/",
        "https://thidua.example.org/ke-hoach/ldld-lai-chau-141-kh-2020/",
        "https://thidua.example.org/ke-hoach/ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020/",
    ]
    first = feed.entries[0]
    assert first.title.startswith("Kế hoạch 32/KH-LĐLĐ: Phát động đợt thi đua cao điểm")
    assert first.published == "2023-08-21T00:00:00+07:00"
    assert first.author == "Liên đoàn Lao động quận Long Biên"


def test_feed_summary_gives_deadlines_in_the_plans_words(content):
    feed = feedparser.parse(generate_atom(content, SETTINGS))
    (entry,) = [e for e in feed.entries if e.link.endswith("/ldld-ba-dinh-63-kh-2021/")]
    assert entry.summary.split("\n")[1:] == [
        "Hạn: Gửi hồ sơ đề nghị khen thưởng (bản giấy và file mềm qua email) – "
        "“trước ngày 27/5/2021” (tức là hết ngày 26/05/2021)",
        "Hạn: Báo cáo kết quả thực hiện kế hoạch – "
        "“trước ngày 27/05/2021” (tức là hết ngày 26/05/2021)",
    ]


def _events(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_calendar_has_every_seed_deadline_with_time_and_zone(content):
    events = _events(generate_calendars(content, SETTINGS)["lich/tat-ca.ics"])
    expected = 0
    for plan in content.plans:
        for i, deadline in enumerate(plan.meta.deadlines):
            expected += 1
            event = events[f"{plan.slug}-deadline-{i}@thidua.example.org"]
            start = event.decoded("DTSTART")
            if deadline.due.time is None:
                assert start == deadline.due.last_day
                assert event.decoded("DTEND") == deadline.due.last_day + dt.timedelta(days=1)
            else:
                assert start == deadline.due.closes_at
                assert str(start.tzinfo) == "Asia/Ho_Chi_Minh"
    # Seed 003: the city-level dossier is due at 16:00 on 14/02/2020, Việt Nam time.
    due = events[
        "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020-deadline-0@thidua.example.org"
    ].decoded("DTSTART")
    assert due == dt.datetime(2020, 2, 14, 16, 0, tzinfo=HCM)
    assert due.astimezone(dt.UTC) == dt.datetime(2020, 2, 14, 9, 0, tzinfo=dt.UTC)
    assert expected == 9


@pytest.mark.parametrize(
    "uid, start, words",
    [
        # "trước ngày 27/5/2021": the 27th is too late, the event is on the 26th.
        (
            "ldld-ba-dinh-63-kh-2021-deadline-0",
            dt.date(2021, 5, 26),
            "Hạn: “trước ngày 27/5/2021” (tức là hết ngày 26/05/2021).",
        ),
        # "chậm nhất ngày 18/9/2023": the whole of the 18th counts.
        (
            "ldld-long-bien-32-kh-2023-deadline-2",
            dt.date(2023, 9, 18),
            "Hạn: “chậm nhất ngày 18/9/2023” (tức là hết ngày 18/09/2023).",
        ),
        # "chậm nhất trước 16g00 ngày 10/4/2020": at that minute.
        (
            "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020-deadline-2",
            dt.datetime(2020, 4, 10, 16, 0, tzinfo=HCM),
            "Hạn: “chậm nhất trước 16g00 ngày 10/4/2020” (tức là trước 16:00 ngày 10/04/2020).",
        ),
    ],
)
def test_calendar_deadline_follows_the_plans_words(content, uid, start, words):
    event = _events(generate_calendars(content, SETTINGS)["lich/tat-ca.ics"])[
        f"{uid}@thidua.example.org"
    ]
    assert event.decoded("DTSTART") == start
    assert str(event["DESCRIPTION"]).split("\n")[0] == words


def test_calendar_has_periods_phases_and_nomination_deadlines(content):
    events = _events(generate_calendars(content, SETTINGS)["lich/tat-ca.ics"])
    period = events["ldld-long-bien-32-kh-2023-period-0@thidua.example.org"]
    assert period.decoded("DTSTART") == dt.date(2023, 8, 16)
    assert period.decoded("DTEND") == dt.date(2023, 9, 16)
    phase = events["ldld-lai-chau-141-kh-2020-phase-1@thidua.example.org"]
    assert str(phase["SUMMARY"]).startswith("Đợt 2: Chào mừng Đại hội thi đua yêu nước")
    # Seed 001's nomination deadline equals one of its deadlines: listed once.
    assert "ldld-ba-dinh-63-kh-2021-nomination-0@thidua.example.org" not in events


def test_calendar_uids_stable_between_builds(content):
    later = SiteSettings(site_url=SETTINGS.site_url, now=dt.datetime(2025, 6, 1, tzinfo=HCM))
    first = generate_calendars(content, SETTINGS)
    second = generate_calendars(content, later)
    assert sorted(first) == sorted(second)
    for path in first:
        assert sorted(_events(first[path])) == sorted(_events(second[path]))


def test_calendar_one_file_per_plan(content):
    files = generate_calendars(content, SETTINGS)
    assert sorted(files) == sorted(
        ["lich/tat-ca.ics"] + [f"lich/{p.slug}.ics" for p in content.plans]
    )
    own = _events(files["lich/ldld-long-bien-32-kh-2023.ics"])
    assert sorted(own) == sorted(
        [
            f"ldld-long-bien-32-kh-2023-{k}@thidua.example.org"
            for k in ("period-0", "deadline-0", "deadline-1", "deadline-2")
        ]
    )


def test_fold_line_keeps_characters_whole():
    line = "SUMMARY:" + "Hạn nộp hồ sơ đề nghị khen thưởng " * 4
    folded = fold_line(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line
    assert max(len(p.encode("utf-8")) for p in parts) <= 75


def test_a_plan_calendar_gives_back_exactly_its_events():
    """What an incremental build reads back from a previous build's calendar file."""
    from sitegen.ical import events_in_calendar, generate_plan_calendar, plan_events

    for plan in load_content(CONTENT).plans:
        made = generate_plan_calendar(plan, SETTINGS)
        assert events_in_calendar(made) == plan_events(plan, SETTINGS)
    assert events_in_calendar(b"not a calendar") is None


def _site_calendar_parts(plans, settings):
    from sitegen.ical import generate_site_calendar, plan_events

    site = SimpleNamespace(plans=tuple(plans))  # what it reads of the content
    made = generate_site_calendar(site, settings)  # type: ignore[arg-type]
    expected = {p.slug: plan_events(p, settings) for p in plans}
    return made, {slug: events for slug, events in expected.items() if events}


@pytest.mark.parametrize(
    "site_url",
    [
        "https://thidua.example.org/",
        # long enough that every URL line is folded, one within the slug
        "https://thi-dua-khen-thuong-cong-doan-viet-nam.example.org/mot/hai/ba/",
    ],
)
def test_the_site_calendar_gives_back_each_plans_events(content, site_url):
    """What an incremental build reads back from the previous site calendar
    instead of every plan's own file."""
    from sitegen.ical import events_by_plan

    settings = SiteSettings(site_url=site_url, forms_url=SETTINGS.forms_url, now=SETTINGS.now)
    made, expected = _site_calendar_parts(content.plans, settings)
    assert len(expected) == len(content.plans)
    assert events_by_plan(made, settings) == expected
    # Not such a calendar: another site's, cut short, or not a calendar at all.
    other = SiteSettings(
        site_url="https://khac.example.org/", forms_url=SETTINGS.forms_url, now=SETTINGS.now
    )
    assert events_by_plan(made, other) is None
    assert events_by_plan(made[:-40] + made[-15:], settings) is None
    assert events_by_plan(b"not a calendar", settings) is None


@examples(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    titles=st.lists(
        st.lists(
            st.sampled_from([*"aăâđêôơư ĐỆ:/\\;,\r\n", "END:VEVENT", "URL:", "Hạn nộp "]),
            min_size=1,
            max_size=60,
        )
        .map("".join)
        .filter(str.strip),
        min_size=1,
        max_size=5,
    )
)
def test_the_site_calendar_read_back_is_exact_or_refused(titles):
    """Whatever the plans' titles hold, the events read back are each plan's
    own, or none at all (the build then reads each plan's own calendar)."""
    from sitegen.ical import events_by_plan

    seeds = load_content(CONTENT).plans
    plans = [
        seed.model_copy(update={"meta": seed.meta.model_copy(update={"title": title})})
        for seed, title in zip(seeds, titles, strict=False)
    ]
    made, expected = _site_calendar_parts(plans, SETTINGS)
    assert events_by_plan(made, SETTINGS) in (None, expected)


def test_the_feed_does_not_change_with_the_builds_moment(tree):
    """A plan without a date of issue is dated like its calendar events
    (the start of its year), not by the build: two builds a minute apart
    make the same feed, and an incremental build need not make it again."""
    tree.plan("ke-hoach-a", edits=(("issued: 2024-03-05\n", ""),))
    tree.plan("ke-hoach-b", edits=(("12/KH-LĐLĐ", "13/KH-LĐLĐ"),))
    content = load_content(tree.root)
    assert any(p.meta.issued is None for p in content.plans)
    later = SiteSettings(
        site_url=SETTINGS.site_url,
        forms_url=SETTINGS.forms_url,
        now=SETTINGS.now + dt.timedelta(minutes=1),
    )
    made = generate_atom(content, SETTINGS)
    assert made == generate_atom(content, later)
    feed = feedparser.parse(made)
    assert feed.bozo == 0
    assert {e.link.split("/")[-2]: e.updated for e in feed.entries} == {
        "ke-hoach-a": "2024-01-01T00:00:00+07:00",
        "ke-hoach-b": "2024-03-05T00:00:00+07:00",
    }
    assert feed.feed.updated == "2024-03-05T00:00:00+07:00"
