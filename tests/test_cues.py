"""What a question asks for and what a sentence offers: kinds, answer types, fragments."""

from __future__ import annotations

from bot.cues import answer_type, ends_mid_text, is_fragment, question_kind


def test_question_kinds() -> None:
    assert question_kind("When was he born?") == "when"
    assert question_kind("Why did Belarus release them now?") == "why"
    assert question_kind("How many prisoners were freed?") == "how_many"
    assert question_kind("How long was Whelan held?") == "how_long"
    assert question_kind("Who is Lukashenko?") == "who"
    assert question_kind("What industry was hit?") == "other"
    # the first question word decides, not a "when" that follows it
    assert question_kind("Where was Modi when it landed?") == "where"
    assert question_kind("What happened when the ship hit the bridge?") == "other"
    assert question_kind("In what year did he win the prize?") == "when"
    assert question_kind("Whose idea was the swap?") == "who"
    assert question_kind("How far did the rover go?") == question_kind("How heavy is it?") == "how_many"


def test_verbless_fragments_are_not_sentences() -> None:
    for fragment in (
        "Christiana Mall and nearby shopping hubs",
        "STORY: Colonial School District gears up for referendum",
        "Related coverage",
        "Why did Buybuy Baby close in 2023?",
    ):
        assert is_fragment(fragment), fragment
    for sentence in (
        "Belarus releases 123 political prisoners.",
        "The bridge opened in 1977.",
        "He said the talks would continue.",
        "Six members of a road crew were killed.",
    ):
        assert not is_fragment(sentence), sentence


def test_text_that_stops_mid_sentence_is_marked() -> None:
    bio = "He is a banker who intended to become a candidate in 2020 Belarusi"
    assert ends_mid_text(bio, len(bio))
    assert not ends_mid_text("He is a banker.", len("He is a banker."))


def test_a_question_about_money_wants_a_sum_not_any_number() -> None:
    asked = "How much money did Belarus get for freeing the prisoners?"
    assert not answer_type("how_many", "Belarus has released 123 political prisoners.", asked)
    assert answer_type("how_many", "The owners agreed to pay about 102 million dollars.", asked)
    assert answer_type("how_many", "It cost $75m.", "How much did the mission cost?")
    assert answer_type("how_many", "Belarus has released 123 political prisoners.", "How many were freed?")
    # counting people who were paid or fined is still counting
    assert answer_type("how_many", "About 300 workers were paid late.", "How many workers were paid?")
