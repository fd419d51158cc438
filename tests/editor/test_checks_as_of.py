"""A case's `as_of`: read from the cases file, checked, and every question of the case asked as of it."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot import Bot
from bot.editor.checks import CasesError, load_cases, parse_case, run_case
from bot.types import Answer


def test_as_of_is_read_from_yaml_quoted_or_not(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        "- question: Who won?\n  as_of: 2024-03-26\n"
        "- question: Who won?\n  as_of: '2023-01-05'\n"
        "- question: Who won?\n",
        encoding="utf-8",
    )
    assert [c.as_of for c in load_cases(path)] == [date(2024, 3, 26), date(2023, 1, 5), None]


def test_as_of_is_read_from_json_and_a_timestamp_keeps_its_day(tmp_path: Path) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([{"question": "Who won?", "as_of": "2024-03-26"}]), encoding="utf-8")
    assert load_cases(path)[0].as_of == date(2024, 3, 26)
    assert parse_case({"question": "q", "as_of": datetime(2024, 3, 26, 10, 30)}, "x").as_of == date(2024, 3, 26)


@pytest.mark.parametrize("bad", ["2024-02-30", "26/03/2024", "2024-03-261", "yesterday", "", 2024, True, [2024]])
def test_a_bad_as_of_is_rejected_naming_the_file_and_case(tmp_path: Path, bad: Any) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([{"question": "fine"}, {"question": "Who won?", "as_of": bad}]), encoding="utf-8")
    with pytest.raises(CasesError) as caught:
        load_cases(path)
    message = str(caught.value)
    assert f"{path}, case 2: 'as_of' must be a date like 2024-03-26" in message
    assert repr(bad) in message


def test_a_bad_unquoted_yaml_date_is_named_with_its_case(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text("- question: Who won?\n  as_of: 2024-13-01\n", encoding="utf-8")
    with pytest.raises(CasesError, match=r"case 1: 'as_of' must be a date"):
        load_cases(path)


class RecordingBot:
    """Just enough of a Bot for run_case: records how each question is asked, answers by refusing."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, date | None, int]] = []

    def ask(self, question: str, history: Any = None, story: Any = None, *, as_of: date | None = None) -> Answer:
        self.asked.append((question, as_of, len(history or [])))
        return Answer(refused=True, reason="nothing")


def test_run_case_asks_the_question_and_its_history_as_of_the_case_day() -> None:
    bot = RecordingBot()
    case = parse_case({"question": "and now?", "history": ["Who won?"], "as_of": "2023-10-08", "refused": True}, "x")
    result = run_case(bot, case)  # type: ignore[arg-type]
    assert bot.asked == [("Who won?", date(2023, 10, 8), 0), ("and now?", date(2023, 10, 8), 2)]
    assert result.passed
    assert result.to_dict()["case"]["as_of"] == "2023-10-08"
    json.dumps(result.to_dict())  # the JSON shape stays serialisable


def test_without_as_of_the_bot_asks_as_of_today() -> None:
    bot = RecordingBot()
    result = run_case(bot, parse_case({"question": "Who won?"}, "x"))  # type: ignore[arg-type]
    assert bot.asked == [("Who won?", None, 0)]
    assert result.to_dict()["case"]["as_of"] is None


def test_as_of_hides_later_stories_from_a_real_bot(editor_bot: Bot) -> None:
    """The budget story (published 2026-11-20) answers a case asked after it, not one asked before."""
    question = {"question": "How much will the city spend on tram lines?", "story": "city-budget"}
    after = run_case(editor_bot, parse_case({**question, "as_of": "2026-12-01"}, "after"))
    before = run_case(editor_bot, parse_case({**question, "as_of": "2026-11-01", "refused": True}, "before"))
    assert "40 million euros" in after.answer.text
    assert before.answer.refused, before.answer.text
