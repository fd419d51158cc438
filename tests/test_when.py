from datetime import date

import pytest

from bot.errors import InputError
from bot.when import Window, anchored, parse_as_of, window, without_event

AS_OF = date(2024, 5, 15)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("what did the court decide in 2022", date(2022, 1, 1), date(2022, 12, 31)),
        ("What happened this week?", date(2024, 5, 8), AS_OF),
        ("any news from yesterday", date(2024, 5, 13), AS_OF),
        ("who won last year", date(2023, 1, 1), date(2023, 12, 31)),
        ("What was agreed in March?", date(2024, 3, 1), date(2024, 3, 31)),
        ("what was agreed in june", date(2023, 6, 1), date(2023, 6, 30)),  # the last June before as_of
        ("what happened in September 2023", date(2023, 9, 1), date(2023, 9, 30)),
        ("what has changed since 2023", date(2023, 1, 1), AS_OF),
        ("who led it before 2020", date(1900, 1, 1), date(2019, 12, 31)),
        ("what happened in the past 3 days", date(2024, 5, 12), AS_OF),
    ],
)
def test_a_named_time_becomes_a_window(question: str, start: date, end: date) -> None:
    found = window(question, AS_OF)
    assert (found.start, found.end, found.explicit) == (start, end, True)
    # Only a span counted from the day of asking rules out undated texts.
    assert found.relative == any(w in question for w in ("week", "yesterday", "last year", "past"))


@pytest.mark.parametrize(
    "question",
    ["Who ran against Lukashenko in the 2020 presidential vote?", "What is the latest on the talks?", "May I ask?"],
)
def test_without_a_named_time_the_window_ends_at_as_of(question: str) -> None:
    # "the 2020 vote" names an event, not a span; "May" is a verb as often as a month.
    assert window(question, AS_OF) == Window(None, AS_OF)


def test_a_window_never_reaches_past_as_of() -> None:
    assert window("what happened in 2024", AS_OF).end == AS_OF


def test_as_of_parsing() -> None:
    assert parse_as_of("2024-05-15") == AS_OF
    assert parse_as_of(None, today=AS_OF) == AS_OF
    assert parse_as_of(AS_OF) == AS_OF
    with pytest.raises(InputError, match="as_of must be a date like 2025-12-13; got 'next tuesday'"):
        parse_as_of("next tuesday")


def test_an_event_bounds_the_window_by_its_story_s_day() -> None:
    day = date(2023, 12, 13)
    asked: list[str] = []

    def date_of(event: str) -> date:
        asked.append(event)
        return day

    as_of = Window(None, AS_OF)
    assert anchored("Before the Dubai summit, where were the talks held?", as_of, date_of) == Window(
        None, date(2023, 12, 12), explicit=True
    )
    assert asked == ["Dubai summit"]
    assert anchored("what has changed since the election", as_of, date_of) == Window(day, AS_OF, explicit=True)
    assert anchored("where were the talks held", as_of, date_of) == as_of
    assert anchored("before the talks, who led?", as_of, lambda e: None) == as_of


def test_the_event_is_taken_out_of_what_the_answer_must_be_about() -> None:
    assert without_event("Before the Dubai summit, where were the talks held?") == "summit, where were the talks held?"
    assert without_event("what has changed since the election?") == "what has changed election?"
    assert without_event("where were the talks held?") == "where were the talks held?"


def test_only_an_occasion_bounds_time() -> None:
    as_of = Window(None, AS_OF)
    never = lambda event: date(2000, 1, 1)  # noqa: E731
    for question in ("Which papers did he write for before the Journal?", "What happened after the landing?"):
        assert anchored(question, as_of, never) == as_of


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("what happened until 2020", date(1900, 1, 1), date(2020, 12, 31)),
        ("what happened in the past year", date(2023, 5, 16), AS_OF),
        ("what was agreed last May", date(2023, 5, 1), date(2023, 5, 31)),  # asked in May: a year ago
        ("what did he say in march", date(2024, 3, 1), date(2024, 3, 31)),
        ("what happened in the past 999999 days", date(1924, 6, 9), AS_OF),  # a century at most: no overflow
    ],
)
def test_edge_spans(question: str, start: date, end: date) -> None:
    found = window(question, AS_OF)
    assert (found.start, found.end) == (start, end)


@pytest.mark.parametrize("question", ["Why this may matter for the election", "Where did the last march end?"])
def test_may_and_march_in_lower_case_are_words(question: str) -> None:
    assert window(question, AS_OF) == Window(None, AS_OF)


def test_as_of_takes_a_datetime_and_refuses_days_the_calendar_cannot_reach_back_from() -> None:
    from datetime import datetime

    assert parse_as_of(datetime(2024, 5, 15, 23, 59)) == AS_OF
    for bad in ("0001-01-01", date(1, 1, 1), "9999-12-31"):
        with pytest.raises(InputError, match="between the years 1900 and 9998"):
            parse_as_of(bad)
