import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot import Bot, InputError
from bot.editor.checks import Case, CasesError, load_cases, parse_case, run_case, run_cases, story_cases
from bot.editor.report import render_report


def test_story_questions_get_default_verdicts_and_the_checker_can_fail(editor_bot: Bot) -> None:
    results = run_cases(editor_bot, story_cases(editor_bot, "city-budget"))
    tram, mayor = results
    assert tram.passed, tram.reasons
    assert "40 million euros" in tram.answer.text
    assert not mayor.passed and mayor.reasons[0].startswith("refused")


def test_default_verdict_requires_citing_the_checked_story(editor_bot: Bot) -> None:
    result = run_case(editor_bot, Case(question="Who is Ales Bialiatski?", story="city-budget"))
    # the bio is linked to the Belarus story, not this one: a story filter refuses or cites elsewhere
    assert not result.passed


def test_a_bio_linked_to_the_story_counts_as_citing_it(editor_bot: Bot) -> None:
    """The page's "Who is X?" questions are answered from X's bio, which the story links to."""
    result = run_case(editor_bot, Case(question="Who is Ales Bialiatski?", story="belarus-prisoners-released"))
    assert result.passed, result.reasons
    assert all(c.entity == "Ales Bialiatski" for c in result.answer.citations)


@pytest.mark.parametrize(
    ("case", "passes", "reason"),
    [
        ({"question": "What did the EU say about the release?", "refused": True}, True, ""),
        ({"question": "Who is Ales Bialiatski?", "refused": True}, False, "expects a refusal"),
        ({"question": "Who is Ales Bialiatski?", "must_mention": [["human rights", "activist"]]}, True, ""),
        ({"question": "Who is Ales Bialiatski?", "must_mention": [["Nobel"]]}, False, "mentions none of ['Nobel']"),
        ({"question": "Who is Ales Bialiatski?", "must_cite": ["Ales Bialiatski"]}, True, ""),
        ({"question": "Who is Ales Bialiatski?", "must_cite": ["city-budget"]}, False, "none of ['city-budget']"),
        (
            {
                "question": "When was he born?",
                "history": [
                    {"role": "user", "content": "Who is Ales Bialiatski?"},
                    {"role": "assistant", "content": "A defender."},
                ],
                "must_mention": [["1962"]],
            },
            True,
            "",
        ),
    ],
)
def test_expectations(editor_bot: Bot, case: dict[str, object], passes: bool, reason: str) -> None:
    result = run_case(editor_bot, parse_case(case, "test"))
    assert result.passed is passes, result.reasons
    assert reason in " ".join(result.reasons)


def test_cases_files_in_yaml_and_json(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("- question: Who?\n  must_mention: [[a, b], c]\n  refused: false\n")
    (case,) = load_cases(tmp_path / "c.yaml")
    assert case.must_mention == (("a", "b"), ("c",)) and case.refused is False
    (tmp_path / "c.json").write_text(json.dumps({"cases": [{"question": "Why?", "story": "s"}]}))
    assert load_cases(tmp_path / "c.json")[0].story == "s"
    repo_example = Path(__file__).resolve().parents[2] / "corpus" / "checks" / "belarus-prisoners-released.yaml"
    assert len(load_cases(repo_example)) == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- question: ''\n", "'question' must be non-empty text"),
        ("- question: Q\n  refused: maybe\n", "'refused' must be true or false"),
        ("- question: Q\n  must_cite: Reuters\n", "'must_cite' must be a list of text"),
        ("- question: Q\n  expect: answer\n", "unknown field(s) expect"),
        ("- question: Q\n  history: [{role: robot, content: x}]\n", "each 'history' item"),
        ("[]\n", "non-empty list"),
        ("- question: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_cases_are_named(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "bad.yaml").write_text(text)
    with pytest.raises(CasesError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        load_cases(tmp_path / "bad.yaml")


def test_story_without_questions_or_unknown_story(editor_bot: Bot, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown story id 'nope'"):
        story_cases(editor_bot, "nope")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def test_report_is_self_contained_escaped_html(editor_bot: Bot) -> None:
    results = run_cases(editor_bot, story_cases(editor_bot, "city-budget"))
    results.append(run_case(editor_bot, Case(question="<script>alert(1)</script> Who is Ales Bialiatski?")))
    html = render_report(results, "Checks: city-budget")
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.chunks)
    assert f"{sum(r.passed for r in results)} of 3 passed" in text and "FAIL" in text and "PASS" in text
    assert "<script>alert(1)</script>" in text  # shown as text...
    assert "script" not in parser.tags  # ...never as a tag
    assert "http" not in html.split("<body>")[0]  # no external stylesheet or script
    assert parser.tags.count("section") == 3 and "40 million euros" in text
