"""Renderings of a structured answer: markers, labels, shortening, splitting, each surface's format."""

from __future__ import annotations

from bot import present
from bot.present import (
    SLACK_CONTEXT_ELEMENTS,
    SLACK_SECTION_CHARS,
    TELEGRAM_LIMIT,
    for_history,
    pieces,
    plain,
    shorten,
    slack_blocks,
    slack_sections,
    telegram_html,
    telegram_messages,
    to_json,
    with_markers,
)
from bot.types import Answer, AnswerSentence, Citation

BIO = Citation(1, "c1", "s", None, "Ales Bialiatski", "Ales Bialiatski", None, "Born in 1962.")
SECTION = Citation(2, "c2", "s", "What's happened", None, "Belarus <frees>", "https://x.test/a", "word " * 80)
ANSWER = Answer(
    sentences=(AnswerSentence("He was born in 1962.", (1,)), AnswerSentence("“Freed,” it said", (1, 2))),
    citations=(BIO, SECTION),
    note="Reading “Bialatski” as “Bialiatski”.",
)
REFUSAL = Answer(refused=True, reason="The sources here don't say.", suggestions=("Who is Kolesnikova?", "Why *now*?"))


def test_markers_go_before_closing_punctuation_and_quotes() -> None:
    assert with_markers("Born in 1962.", (1,)) == "Born in 1962 [1]."
    assert with_markers("He said “no.”", (1, 2)) == "He said “no [1] [2].”"
    assert with_markers("No stop", (3,)) == "No stop [3]"
    assert with_markers("a < b.", (1,), lambda n: f"<{n}>", lambda t: t.replace("<", "&lt;")) == "a &lt; b <1>."


def test_plain_text_streams_as_note_then_sentences_and_refusals_list_their_suggestions() -> None:
    assert pieces(ANSWER) == [
        "(Reading “Bialatski” as “Bialiatski”.)",
        "He was born in 1962 [1].",
        "“Freed,” it said [1] [2]",
    ]
    assert plain(ANSWER) == " ".join(pieces(ANSWER)) == ANSWER.text
    assert plain(REFUSAL) == "The sources here don't say. You could ask: Who is Kolesnikova? / Why *now*?"
    assert for_history(plain(REFUSAL)) == "The sources here don't say."
    assert for_history(plain(ANSWER)).endswith("He was born in 1962. “Freed,” it said")


def test_json_keeps_text_and_the_structure_behind_it() -> None:
    data = to_json(ANSWER)
    assert data["text"] == plain(ANSWER) and data["note"] == ANSWER.note and data["refused"] is False
    assert data["sentences"][1] == {"text": "“Freed,” it said", "citations": [1, 2]}
    assert [c["number"] for c in data["citations"]] == [1, 2]
    assert to_json(REFUSAL)["suggestions"] == ["Who is Kolesnikova?", "Why *now*?"]


def test_labels_name_the_section_or_a_profile() -> None:
    assert present.where(SECTION) == "What's happened" and present.where(BIO) == "Profile"
    assert "[1] Ales Bialiatski — Profile: “Born in 1962.”" in present.sources_text(ANSWER)
    assert "    “Born in 1962.”" in present.terminal(ANSWER).splitlines()


def test_shorten_cuts_on_a_word_with_an_ellipsis() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("x" * 20, 5) == "xxxx…"


def test_telegram_escapes_and_splits_messages_cleanly_within_the_limit() -> None:
    html = telegram_html(ANSWER)
    assert "Belarus &lt;frees&gt;" in html and '<a href="https://x.test/a">' in html and "…”</i>" in html
    text = "\n".join(f'[{i}] <a href="https://x.test/{i}">Title {i}</a> — <i>“{"word " * 60}”</i>' for i in range(40))
    messages = telegram_messages(text)
    assert len(messages) > 1 and all(len(p) <= TELEGRAM_LIMIT for p in messages)
    assert all(p.count("<i>") == p.count("</i>") and p.count("<a ") == p.count("</a>") for p in messages)
    assert "".join(messages).replace("\n", "") == text.replace("\n", "")


def test_long_slack_answers_split_into_sections_within_block_kit_limits() -> None:
    said = tuple(AnswerSentence(f"Sentence {i} says {'a great deal ' * 20}& more.", (i % 30 + 1,)) for i in range(60))
    citations = tuple(
        Citation(i, f"c{i}", "s", "What's happened", None, f"Title {i}", f"https://x.test/{i}", "word " * 80)
        for i in range(1, 31)
    )
    answer = Answer(sentences=said, citations=citations)
    blocks = slack_blocks(answer)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    contexts = [b["elements"] for b in blocks if b["type"] == "context"]
    assert len(sections) > 1 and all(len(s) <= SLACK_SECTION_CHARS for s in sections)
    assert all(s.endswith("].") for s in sections)  # cut between sentences, never inside one
    assert " ".join(sections) == plain(answer).replace("&", "&amp;")
    assert [len(c) for c in contexts] == [SLACK_CONTEXT_ELEMENTS] * 3
    assert all(len(e["text"]) < 300 and e["text"].endswith("…”") for c in contexts for e in c)


def test_slack_split_never_cuts_an_escape() -> None:
    assert slack_sections("x" * 2996 + "&amp;" + "y" * 10) == ["x" * 2996, "&amp;" + "y" * 10]


def test_slack_refusals_are_a_plain_note_with_the_questions_the_sources_cover() -> None:
    assert slack_blocks(REFUSAL)[0]["text"]["text"] == (
        "_Not in the sources._ The sources here don't say.\nThe sources do cover:\n• Who is Kolesnikova?\n• Why ∗now∗?"
    )


DATED = Citation(
    3,
    "c3",
    "s",
    "What's happened",
    None,
    "Belarus frees prisoners",
    None,
    "Freed.",
    published="2026-12-04",
    updated="2026-12-05",
    correction="An earlier version said 132 <prisoners> *were* freed.",
)
DATED_ANSWER = Answer(sentences=(AnswerSentence("Freed.", (3,)),), citations=(DATED,))


def test_dates_read_as_a_reader_writes_them() -> None:
    assert present.day("2026-12-04") == "4 Dec 2026" and present.day("spring") == "spring" and present.day(None) == ""
    assert present.dates("2026-12-04", "2026-12-05") == "published 4 Dec 2026, updated 5 Dec 2026"
    assert present.dates("2026-12-04", "2026-12-04") == "published 4 Dec 2026"  # updated the day it came out
    assert present.dates(None, None) == "" and present.where_when(BIO) == "Profile"  # a bio has no dates


def test_every_text_rendering_shows_the_dates_and_the_correction() -> None:
    line = "[3] Belarus frees prisoners — What's happened, published 4 Dec 2026, updated 5 Dec 2026: “Freed.”"
    assert present.sources_text(DATED_ANSWER).endswith(
        f"{line} (Correction: An earlier version said 132 <prisoners> *were* freed.)"
    )
    assert present.terminal(DATED_ANSWER).splitlines()[-3:] == [
        "[3] Belarus frees prisoners — What's happened, published 4 Dec 2026, updated 5 Dec 2026",
        "    “Freed.”",
        "    Correction: An earlier version said 132 <prisoners> *were* freed.",
    ]
    assert to_json(DATED_ANSWER)["citations"][0]["updated"] == "2026-12-05"


def test_telegram_and_slack_show_the_dates_and_the_correction_escaped() -> None:
    html = telegram_html(DATED_ANSWER)
    assert "What&#x27;s happened, published 4 Dec 2026, updated 5 Dec 2026\n<i>“Freed.”</i>" in html
    assert "<b>Correction:</b> An earlier version said 132 &lt;prisoners&gt; *were* freed." in html
    (element,) = slack_blocks(DATED_ANSWER)[-1]["elements"]
    assert element["text"] == (
        "*[3]* Belarus frees prisoners — What's happened, published 4 Dec 2026, updated 5 Dec 2026: “Freed.”\n"
        "*Correction:* An earlier version said 132 &lt;prisoners&gt; ∗were∗ freed."
    )
