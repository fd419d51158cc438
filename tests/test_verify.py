from pathlib import Path

from wordnet import fake_wordnet

from bot import Bot
from bot.lexicon import Lexicon
from bot.retrieve import make_query
from bot.verify import assess, unknown_names


def test_unknown_names_and_numbers_trigger_refusal(fake_bot: Bot) -> None:
    catalog = fake_bot.catalog()
    assert unknown_names("What did the EU say about the release?", catalog) == ["EU"]
    assert unknown_names("Who won the 2022 World Cup?", catalog) == ["2022 World Cup"]
    assert unknown_names("Why did Belarus release Bialiatski?", catalog) == []
    # headline capitals are not names, but acronyms and numbers still are
    assert unknown_names("Why Did Belarus Release Opposition Leaders Now?", catalog) == []
    assert unknown_names("What Did The EU Say About The Release?", catalog) == ["EU"]
    query = make_query("Who won the 2022 World Cup?", catalog)
    evidence = assess(query, catalog)
    assert not evidence.answerable and evidence.missing == ("2022 World Cup",)


def test_places_are_known_by_any_of_their_names(fake_bot: Bot) -> None:
    """The stories say "US" and "Belarus"; readers write "United States", "American", "Minsk"."""
    catalog, places = fake_bot.catalog(), fake_bot.places
    for question in (
        "Why did the United States negotiate with Minsk?",
        "Which American envoy was involved?",
        "Did Washington lift sanctions?",
    ):
        assert unknown_names(question, catalog, places) == [], question
        assert assess(make_query(question, catalog, places), catalog, places).answerable, question
    assert unknown_names("What did Japan say?", catalog, places) == ["Japan"]


def test_names_typed_in_lower_case_veto_like_capitalised_ones(fake_bot: Bot, tmp_path: Path) -> None:
    catalog, places, lexicon = fake_bot.catalog(), fake_bot.places, Lexicon.load(fake_wordnet(tmp_path / "wn"))
    assert unknown_names("did putin release the political prisoners?", catalog, places, lexicon) == ["putin"]
    assert unknown_names("what did zelensky say?", catalog, places, lexicon) == ["zelensky"]
    evidence = assess(make_query("did putin free them?", catalog, places), catalog, places, lexicon)
    assert not evidence.answerable and evidence.missing == ("putin",)
    # the corpus's own names, misspelt or not, and ordinary words in any case are not vetoed
    for question in ("why was bialiatsky jailed?", "is lukashenko still in power?", "what instrument does she play?"):
        assert unknown_names(question, catalog, places, lexicon) == [], question


def test_ordinary_words_never_veto(fake_bot: Bot) -> None:
    catalog = fake_bot.catalog()
    for question in ("What's Babaryka's job?", "Who is Tsikhanouskaya married to?", "Which outlets covered it?"):
        assert assess(make_query(question, catalog), catalog).answerable, question


def test_a_pronoun_with_nobody_to_refer_to_asks_who(fake_bot: Bot) -> None:
    evidence = assess(make_query("When was he born?", fake_bot.catalog()), fake_bot.catalog())
    assert not evidence.answerable and evidence.unclear_person == "he"


def test_acronyms_spelled_out_in_the_passages_are_known(fake_bot: Bot) -> None:
    from bot.verify import spelled_out

    texts = ["Evan Gershkovich covered Russia for The Wall Street Journal.", "The Indian Space Research Organisation."]
    found = spelled_out("How long did the WSJ reporter get? What does ISRO do? And the XYZ?", texts, fake_bot.catalog())
    assert found == {"WSJ": "Wall Street Journal", "ISRO": "Indian Space Research Organisation"}


def test_an_acronym_the_passages_spell_out_does_not_veto(fake_bot: Bot) -> None:
    catalog = fake_bot.catalog()
    query = make_query("Who heads ISRO now?", catalog)
    assert assess(query, catalog).missing == ("ISRO",)
    assert assess(query, catalog, known={"ISRO"}).answerable
