from pathlib import Path

import pytest
from wordnet import fake_wordnet

from bot.errors import ModelError
from bot.lexicon import Lexicon


@pytest.fixture
def lexicon(tmp_path: Path) -> Lexicon:
    return Lexicon.load(fake_wordnet(tmp_path / "wordnet"))


def test_a_word_whose_every_sense_is_capitalised_is_a_name(lexicon: Lexicon) -> None:
    assert lexicon.is_name("putin") and lexicon.is_name("Putin's") and lexicon.is_name("minsk")
    assert "vladimir" in lexicon.names  # a many-word name's parts are names too


def test_dictionary_words_and_their_inflections_are_not_names(lexicon: Lexicon) -> None:
    for word in (
        "banker",
        "bankers",
        "job",
        "instrument",
        "prisoners",
        "released",
        "freed",
        "married",
        "receiving",
        "died",
    ):
        assert not lexicon.is_name(word), word


def test_the_plural_of_an_ordinary_noun_is_not_a_name_though_a_name_uses_it(lexicon: Lexicon) -> None:
    assert not lexicon.is_name("workers")  # "Industrial Workers of the World"
    assert lexicon.is_name("industrial")  # no ordinary sense, so still a name's word
    # a name of its own stays one, though an ordinary word hides in it ("jam", "wale", "pari")
    assert lexicon.is_name("james") and lexicon.is_name("wales") and lexicon.is_name("paris")
    assert lexicon.is_name("baerbock")  # not "ba" + "er" + "bock": stems are three letters or more


def test_an_unknown_word_is_a_name_unless_it_is_a_slip_or_a_compound(lexicon: Lexicon) -> None:
    assert lexicon.is_name("zelensky")
    assert not lexicon.is_name("recieve")  # two letters swapped
    assert not lexicon.is_name("bankr")  # one dropped
    assert not lexicon.is_name("ceasefire") and not lexicon.is_name("livestream")
    # a slip of a word the corpus uses is that word, not a name
    assert lexicon.is_name("lukashneko")
    assert not lexicon.is_name("lukashneko", known=lambda w: w == "lukashenko")


def test_short_or_non_ascii_words_are_never_called_names(lexicon: Lexicon) -> None:
    assert not lexicon.is_name("xqz") and not lexicon.is_name("łukasz") and not lexicon.is_name("r2d2")


def test_without_wordnet_no_lower_case_word_is_a_name(tmp_path: Path) -> None:
    empty = Lexicon.load(tmp_path / "nowhere")
    assert empty.empty and not empty.is_name("putin") and not empty.is_name("zelensky")


def test_a_broken_database_is_reported_with_its_folder(tmp_path: Path) -> None:
    root = fake_wordnet(tmp_path / "wordnet")
    (root / "data.verb").write_text("00000001 00 v zz broken\n")
    with pytest.raises(ModelError, match=r"cannot read WordNet in .*wordnet"):
        Lexicon.load(root)
