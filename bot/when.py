"""Time in questions: the moment a question is asked as of, and the span of time it asks about.

Every question is asked as of a day (today by default). Stories published after it are invisible to
that question. A question that names a time ("in 2022", "last week", "yesterday", "in March", "this
week") is answered from stories of that span; one that names none prefers newer stories (the decay is
`Retriever.half_life`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from bot.errors import InputError

# English names, whatever the process locale (calendar.month_name follows it).
_NAMES = "january february march april may june july august september october november december".split()
MONTHS = (
    {name: i for i, name in enumerate(_NAMES, 1)}
    | {name[:3]: i for i, name in enumerate(_NAMES, 1) if name != "may"}
    | {"sept": 9}
)
# Month names that are also common words ("this may matter", "the last march"): months when capitalised
# or after "in" ("in march").
AMBIGUOUS_MONTHS = frozenset({"may", "march"})
# The days a question may reach back (a century): "the past 999999 days" must not overflow the calendar.
MAX_DAYS_BACK = 36_500
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"
# "in 2022", "during 2022", "of 2022": a bare year elsewhere ("the 2020 election") names an event, not a span.
YEAR = re.compile(
    rf"\b(?:in|during|of|from|since|before|after|until|till)\s+(?:early\s+|late\s+|mid-?)?({_YEAR})\b", re.I
)
MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(?:of\s+)?({_YEAR})\b", re.I)
IN_MONTH = re.compile(rf"\b(?:in|during|last|this)\s+({_MONTH})\b", re.I)
RELATIVE = re.compile(
    r"\b(today|tonight|yesterday|the (?:past|last) (?:week|month|year)|this (?:week|month|year)|"
    r"last (?:week|month|year)|"
    r"(?:the )?(?:past|last) (\d+|two|three|four|few|several) (days|weeks|months))\b",
    re.I,
)
# Only an occasion bounds time: "before the Journal" (an employer) or "after the landing" (a moment inside
# the story) ask about the story's own facts, and dating them by publication would hide the answer.
EVENT_NOUN = re.compile(
    r"\b(summit|election|elections|vote|referendum|war|invasion|talks|ceasefire|truce|deal|agreement|treaty|"
    r"meeting|conference|ceremony|inauguration|coup|earthquake|quake|hurricane|pandemic|olympics|games|"
    r"tournament|cup|strike|census|budget|festival)\b",
    re.I,
)
# How far back a span counted from the day of asking reaches. A story about yesterday is published today
# or tomorrow, so every span runs to as_of rather than stopping at its own last day.
DAYS_BACK = {
    "today": 1,
    "tonight": 1,
    "yesterday": 2,
    "this week": 7,
    "last week": 14,
    "this month": 31,
    "last month": 62,
}
_NUMBERS = {"two": 2, "three": 3, "four": 4, "few": 3, "several": 5}
# "before the talks", "since the election": a span bounded by an event, dated by the story about it.
EVENT = re.compile(
    r"\b(before|since|after|until)\s+the\s+(\w[\w'-]*(?:\s+\w[\w'-]*){0,3}?)"
    r"(?=\s*(?:[,?.;:!]|$|\b(?:who|what|where|when|why|how|which|did|does|do|was|were|is|are|has|had|have)\b))",
    re.I,
)


@dataclass(frozen=True)
class Window:
    """The days a question may draw on: published on or after `start` and on or before `end`.

    `explicit` is true when the question itself named the span: recency does not apply. `relative` is
    true when it named it from the day it is asked ("this week", "yesterday"): an undated text (a
    profile, an undated story) cannot be of that span, while it may tell of "2020" or "March 2024".
    """

    start: date | None = None
    end: date | None = None
    explicit: bool = False
    relative: bool = False


def parse_as_of(value: str | date | None, today: date | None = None) -> date:
    """The day a question is asked as of: `value` as YYYY-MM-DD (or a date), today when None."""
    if value is None or value == "":
        # UTC, as feeds date their stories: a server west of Greenwich must not hide the evening's stories.
        return today or datetime.now(UTC).date()
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            raise InputError(f"as_of must be a date like 2025-12-13; got {value!r}") from None
    if not 1900 <= value.year <= 9999 - 1:
        raise InputError(f"as_of must be a day between the years 1900 and 9998; got {value.isoformat()}")
    return value


def window(question: str, as_of: date) -> Window:
    """The span of time `question` asks about, never later than `as_of`."""
    if m := RELATIVE.search(question):
        start, end = _relative(m, as_of)
        return Window(start, min(end, as_of), explicit=True, relative=True)
    span = _named_span(question, as_of)
    if span is None:
        return Window(None, as_of)
    start, end = span
    return Window(start, min(end, as_of), explicit=True)


def anchored(question: str, when: Window, date_of: Callable[[str], date | None]) -> Window:
    """`when`, bounded by an event the question names ("before the Dubai summit", "since the election"):
    `date_of` dates the event (the day the story about it was published). Unchanged without one."""
    m = EVENT.search(question)
    if m is None or when.explicit or not EVENT_NOUN.search(m.group(2)):
        return when
    day = date_of(m.group(2))
    if day is None:
        return when
    if m.group(1).lower() in ("before", "until"):
        return replace(when, end=min(day - timedelta(days=1), when.end or day), explicit=True)
    return replace(when, start=day, explicit=True)


def without_event(question: str) -> str:
    """The question with the event that bounds its time reduced to its common words: "Before the Dubai
    summit, where were the talks held?" asks where talks were held before a summit, and an answer
    need not name Dubai; "before the harbour festival, how many came?" still asks about the festival."""
    m = EVENT.search(question)
    if m is None:
        return question
    common = " ".join(w for w in m.group(2).split() if not w[:1].isupper())
    joined = " ".join(f"{question[: m.start()]} {common} {question[m.end() :]}".split())
    return re.sub(r"\s+([,?.;:!])", r"\1", joined)


def _named_span(question: str, as_of: date) -> tuple[date, date] | None:
    if m := MONTH_YEAR.search(question):
        month, year = MONTHS[m.group(1).lower().rstrip(".")], int(m.group(2))
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if (m := IN_MONTH.search(question)) and _is_month(m):
        month = MONTHS[m.group(1).lower()]
        # The latest such month up to as_of ("in March" asked in May is this year's March); "last June"
        # asked in June is a year ago.
        latest = month < as_of.month or (month == as_of.month and not m.group(0).lower().startswith("last"))
        year = as_of.year if latest else as_of.year - 1
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if m := YEAR.search(question):
        year = int(m.group(1))
        word = m.group(0).split()[0].lower()
        if word == "since":
            return date(year, 1, 1), as_of
        if word == "before":
            return date(1900, 1, 1), date(year - 1, 12, 31)
        if word in ("until", "till"):
            return date(1900, 1, 1), date(year, 12, 31)
        if word == "after":
            return date(year + 1, 1, 1), as_of
        return date(year, 1, 1), date(year, 12, 31)
    return None


def _is_month(m: re.Match[str]) -> bool:
    """ "in march" is the month; "this may matter" and "the last march" are words, unless capitalised."""
    name = m.group(1)
    return name.lower() not in AMBIGUOUS_MONTHS or name[0].isupper() or m.group(0).lower().startswith(("in", "during"))


def _relative(m: re.Match[str], as_of: date) -> tuple[date, date]:
    phrase = m.group(1).lower()
    if phrase in DAYS_BACK:
        return as_of - timedelta(days=DAYS_BACK[phrase]), as_of
    if phrase == "this year":
        return date(as_of.year, 1, 1), as_of
    if phrase == "last year":
        return date(as_of.year - 1, 1, 1), date(as_of.year - 1, 12, 31)
    if m.group(2) is None and phrase.startswith(
        "the "
    ):  # "the past year": the twelve months before as_of, not last calendar year
        return as_of - timedelta(days={"week": 7, "month": 31, "year": 365}[phrase.split()[-1]]), as_of
    count = m.group(2).lower()
    n = int(count) if count.isdigit() else _NUMBERS[count]
    days = min(MAX_DAYS_BACK, {"days": 1, "weeks": 7, "months": 31}[m.group(3).lower()] * n)
    return max(date(1900, 1, 1), as_of - timedelta(days=days)), as_of
