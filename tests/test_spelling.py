"""Misspelt names are read as the corpus's names, only when one name is close enough."""

from __future__ import annotations

from pathlib import Path

import pytest
from wordnet import fake_wordnet

from bot import Bot
from bot.editor.checks import Case, integrity, judge
from bot.lexicon import Lexicon
from bot.spelling import Speller, edit_distance, max_edits, vocabulary
from bot.types import Bio

TEXTS = [
    "Belarus freed Maria Kalesnikava and Viktar Babaryka; Alexander Lukashenko has ruled since 1994.",
    "Sviatlana Tsikhanouskaya ran against him. The Minsk court jailed Ales Bialiatski.",
    "A man named Karlsen met a man named Karlson.",
]
BIOS = [
    Bio("viktar-babaryka", "Viktar Babaryka", "", "b.md", aliases=("Viktor Babariko", "Babariko")),
    Bio("maria-kalesnikava", "Maria Kalesnikava", "", "k.md", aliases=("Maria Kolesnikova",)),
]


@pytest.fixture
def lexicon(tmp_path: Path) -> Lexicon:
    return Lexicon.load(fake_wordnet(tmp_path / "wordnet"))


def nobody_knows(word: str) -> bool:
    return False


def test_edit_distance_counts_slips_and_swaps_and_stops_at_the_cap() -> None:
    assert edit_distance("lukashneko", "lukashenko", 5) == 1  # two letters swapped
    assert edit_distance("tikhanovskaya", "tsikhanouskaya", 5) == 2
    assert edit_distance("kitten", "sitting", 9) == 3
    assert edit_distance("abcdef", "uvwxyz", 2) == 2
    assert [max_edits(n) for n in (4, 6, 7, 11, 12)] == [1, 1, 2, 2, 3]


def test_a_misspelt_name_is_read_as_the_one_close_name(lexicon: Lexicon) -> None:
    speller = Speller.build(vocabulary(TEXTS), lexicon, BIOS)
    text, corrections = speller.correct("Why did Lukashneko free Tikhanovskaya's allies?", nobody_knows, lexicon)
    assert text == "Why did Lukashenko free Tsikhanouskaya's allies?"
    assert [(c.typed, c.name) for c in corrections] == [
        ("Lukashneko", "Lukashenko"),
        ("Tikhanovskaya", "Tsikhanouskaya"),
    ]


def test_lower_case_names_are_read_too(lexicon: Lexicon) -> None:
    speller = Speller.build(vocabulary(TEXTS), lexicon, BIOS)
    assert speller.correct("what did bialatski win", nobody_knows, lexicon)[0] == "what did Bialiatski win"


def test_spellings_of_one_person_are_not_ambiguous_and_give_the_bio_name(lexicon: Lexicon) -> None:
    # "Babarika" is one slip from both "Babaryka" and the alias "Babariko": the same man.
    speller = Speller.build(vocabulary(TEXTS), lexicon, BIOS)
    assert speller.nearest("babarika") == "babaryka"


def test_two_different_names_equally_close_are_left_alone(lexicon: Lexicon) -> None:
    speller = Speller.build(vocabulary(["Mr Karlsen met Mr Karlson."]), lexicon)
    assert speller.nearest("karlsan") is None
    assert speller.correct("Did Karlsan come?", nobody_knows, lexicon) == ("Did Karlsan come?", ())


def test_ordinary_known_and_far_words_are_never_changed(lexicon: Lexicon) -> None:
    speller = Speller.build(vocabulary([*TEXTS, "The prisoners were freed by Minsk."]), lexicon, BIOS)
    question = "Was a prisoner released in Minsk or did Navalny and Kasparov stay?"
    # "prisoner" and "release" are dictionary words; "Minsk" is known to the corpus;
    # "Kasparov" and "Navalny" are close to no name of the corpus.
    assert speller.correct(question, lambda w: w == "minsk", lexicon) == (question, ())


def test_without_a_dictionary_only_capitalised_words_are_read_as_names(tmp_path: Path) -> None:
    empty = Lexicon.load(fake_wordnet(tmp_path / "empty", synsets=()))
    speller = Speller.build(vocabulary(TEXTS), empty, BIOS)
    assert speller.correct("lukashneko and Lukashneko", nobody_knows, empty)[0] == "lukashneko and Lukashenko"


def test_a_slip_in_an_ordinary_word_is_read_as_the_corpus_word(lexicon: Lexicon) -> None:
    texts = ["The court released them.", "Others were released later; the released men left.", "It related to them."]
    speller = Speller.build(vocabulary(texts), lexicon)
    # "released" is one slip from "relased"; so is "related", but it is used only once.
    assert speller.correct("how many were relased", nobody_knows, lexicon)[0] == "how many were released"
    # Pronouns and question words are not in WordNet, and are never read as anything else.
    assert speller.correct("Whom did they free them", nobody_knows, lexicon)[0] == "Whom did they free them"


def test_spellings_of_different_words_equally_close_are_left_alone(lexicon: Lexicon) -> None:
    texts = ["They were released, released, and related, related."]
    speller = Speller.build(vocabulary(texts), lexicon)
    assert speller.nearest("relased") is None


def test_the_vocabulary_keeps_names_and_repeated_lower_case_words() -> None:
    words = vocabulary(["Minsk freed Kalesnikava.", "Minsk freed them, and freed others once."])
    assert set(words) == {"Minsk", "Kalesnikava", "freed"}


def test_the_answer_says_which_reading_it_took(fake_bot: Bot) -> None:
    answer = fake_bot.ask("What was Babarika's job?")
    assert answer.text.startswith("(Reading “Babarika” as “Babaryka”.)")
    assert fake_bot.last_trace is not None and "Babaryka's" in fake_bot.last_trace.standalone
    assert not fake_bot.ask("What was Babaryka's job?").text.startswith("(Reading")


def test_the_editor_check_judges_the_answer_not_the_reading_note(fake_bot: Bot) -> None:
    answer = fake_bot.ask("Who is Viktar Babarika?")
    assert answer.citations and answer.note == "Reading “Babarika” as “Babaryka”."
    assert not any("Reading" in s.text for s in answer.sentences)
    assert integrity(fake_bot, answer) == []  # the note is ours, not a claim needing a citation


def test_a_misspelt_name_in_an_earlier_question_still_resolves_a_pronoun(fake_bot: Bot) -> None:
    history = [{"role": "user", "content": "Who is Tikhanovskaya?"}, {"role": "assistant", "content": "An activist."}]
    answer = fake_bot.ask("What does she do now?", history)
    trace = fake_bot.last_trace
    assert trace is not None and "Tsikhanouskaya" in trace.standalone and "(" not in trace.standalone
    assert not answer.text.startswith("(Reading")  # the reading belongs to the earlier answer


def test_a_must_mention_is_not_met_by_the_reading_note(fake_bot: Bot) -> None:
    answer = fake_bot.ask("Who is Viktar Babarika?")
    assert "“Babaryka”" in answer.text  # the note names the corrected word…
    case = Case(question="Who is Viktar Babarika?", must_mention=(("Babarika",),))
    assert judge(fake_bot, case, answer) == ["mentions none of ['Babarika']"]  # …but only the answer counts
