"""The four user stories and the question set, with the real embedding model on the Belarus story."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Bot
from bot.editor.checks import Case, load_cases, run_case

CASES = load_cases(Path(__file__).with_name("questions.yaml"))


PARAMS = [
    # A known failure stays visible: strict xfail turns into a failure the day it starts passing.
    pytest.param(c, marks=pytest.mark.xfail(reason=c.known_failure, strict=True)) if c.known_failure else c
    for c in CASES
]


@pytest.mark.parametrize("case", PARAMS, ids=[c.question[:50] for c in CASES])
def test_question_set(real_bot: Bot, case: Case) -> None:
    result = run_case(real_bot, case)
    assert result.passed, f"{result.reasons}: {result.answer.text}"


def test_headline_question_is_answered_with_cited_quotes(real_bot: Bot) -> None:
    answer = real_bot.ask("Why did Belarus release opposition leaders now?")
    chunks = {c.id: c for c in real_bot.index.snapshot().chunks}
    assert not answer.refused and answer.citations
    for citation in answer.citations:
        assert citation.quote in chunks[citation.chunk_id].text
        assert f"[{citation.number}]" in answer.text
        assert citation.title == "Belarus releases 123 political prisoners" or citation.entity


def test_refusals_invent_nothing(real_bot: Bot) -> None:
    for question in ("Who won the 2022 World Cup?", "What did the EU say about the release?"):
        answer = real_bot.ask(question)
        assert answer.refused and not answer.citations
        assert answer.text.startswith("The sources here don't say.")
