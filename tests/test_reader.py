"""The reader: sentence candidates, the model file, refusal by threshold, whole sentences only."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot import Bot
from bot.errors import ModelError
from bot.reader import FEATURES, Reader, ReaderModel, answer_type, clauses, ends_mid_text, is_fragment, question_kind
from bot.retrieve import make_query


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


def test_the_shipped_model_loads_with_its_provenance() -> None:
    model = ReaderModel.load()
    assert model.features == FEATURES and 0.0 < model.threshold < 1.0
    training = model.provenance["training_files"]
    assert "bench/readers/train.yaml" in training and "bench/readers/test.yaml" not in training
    assert not any("shared" in path for path in [*training, *model.provenance["corpus"]])


def test_a_model_for_other_features_is_refused(tmp_path: Path) -> None:
    data = ReaderModel.untrained().to_json()
    data["features"] = ["dense"]
    path = tmp_path / "reader.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="other features"):
        ReaderModel.load(path)
    path.write_text("{}")
    with pytest.raises(ModelError, match="malformed"):
        ReaderModel.load(path)


def test_model_round_trips_through_its_file_form() -> None:
    model = ReaderModel.load()
    again = ReaderModel.from_json(json.loads(json.dumps(model.to_json())), "memory")
    x = np.random.default_rng(0).random((4, len(FEATURES)))
    assert np.allclose(model.probability(x), again.probability(x))


def test_reader_quotes_exact_sentences_of_the_hits(fake_bot: Bot) -> None:
    query = make_query("How many political prisoners did Belarus release?", fake_bot.catalog())
    hits = fake_bot.retriever.search(query)
    draft = fake_bot.reader.draft(query, hits, fake_bot.idf())
    assert 1 <= len(draft.sentences) <= 3
    for sentence in draft.sentences:
        (source,) = sentence.sources
        assert sentence.quotes[0] in hits[source].chunk.text
    assert any("123" in s.text for s in draft.sentences)


def test_reader_declines_when_nothing_clears_the_threshold(fake_bot: Bot) -> None:
    query = make_query("How many political prisoners did Belarus release?", fake_bot.catalog())
    hits = fake_bot.retriever.search(query)
    strict = Reader(replace(fake_bot.reader.model, threshold=1.0), places=fake_bot.places)
    assert strict.draft(query, hits, fake_bot.idf()).declined


def test_still_and_next_must_be_matched_by_the_quote(fake_bot: Bot) -> None:
    """'Is X still …' is not answered by a sentence that says what X was."""
    catalog = fake_bot.catalog()
    query = make_query("Is Lukashenko still the president of Belarus?", catalog)
    hits = fake_bot.retriever.search(query)
    draft = Reader(replace(fake_bot.reader.model, threshold=0.0), places=fake_bot.places).draft(
        query, hits, fake_bot.idf()
    )
    for sentence in draft.sentences:
        assert any(cue in sentence.text.lower() for cue in ("still", "continu", "remain", "will", "current"))


def test_scores_are_probabilities_best_first(fake_bot: Bot) -> None:
    query = make_query("Who is Ales Bialiatski?", fake_bot.catalog())
    ranked = fake_bot.reader.score(query, fake_bot.retriever.search(query), fake_bot.idf())
    probabilities = [c.probability for c in ranked]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in probabilities)


def test_a_question_about_money_wants_a_sum_not_any_number() -> None:
    asked = "How much money did Belarus get for freeing the prisoners?"
    assert not answer_type("how_many", "Belarus has released 123 political prisoners.", asked)
    assert answer_type("how_many", "The owners agreed to pay about 102 million dollars.", asked)
    assert answer_type("how_many", "It cost $75m.", "How much did the mission cost?")
    assert answer_type("how_many", "Belarus has released 123 political prisoners.", "How many were freed?")


def test_clauses_split_a_sentence_about_more_than_its_answer() -> None:
    sentence = "The negotiations, involving US envoy John Coale, suggest the regime is seeking to rebrand itself."
    assert "involving US envoy John Coale" in clauses(sentence)
    assert clauses("Maryland plans to open a replacement bridge by 2028.") == []  # one clause: nothing to add
