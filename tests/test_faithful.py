import numpy as np
import pytest

from bot import Bot
from bot.faithful import FAITH_FEATURES, VETOES, Faithfulness, FaithModel, Window, numbers
from bot.retrieve import make_query
from bot.scoring import Idf
from bot.types import DraftSentence

# Every word weighs the same: these checks are about names, numbers and negation, not rarity.
FLAT = Idf({}, unknown=1.0)
PASSAGE = "Belarus has released 123 political prisoners, including Ales Bialiatski, following negotiations with the US."


@pytest.fixture
def check(fake_bot: Bot) -> Faithfulness:
    """The check a bot with a test encoder gets: the model without the encoder's features."""
    assert not fake_bot.faithfulness.model.uses_encoder
    return fake_bot.faithfulness


def test_numbers_are_read_in_digits_words_and_ordinals() -> None:
    assert numbers("Twenty-six prisoners, the fourth country, 1,600 cars at 1:30 a.m.") == {"26", "4", "1600", "1:30"}
    assert numbers("Chandrayaan-3 and Luna-25 crashed") == set()  # digits in a name are not a number given
    assert numbers("six-wheeled, one hundred, 6.15 billion rupees") == {"6", "100", "6.15"}


def test_a_changed_number_name_or_place_is_vetoed_whatever_the_model_says(check: Faithfulness) -> None:
    for claim in (
        "Belarus released 132 political prisoners.",
        "The EU welcomed the release of 123 prisoners.",
        "Łukasz negotiated the release of 123 political prisoners with the US.",
        "Belarus released 123 political prisoners after a secret deal with china.",
    ):
        assert check.probability(claim, Window(PASSAGE), FLAT) == 0.0, claim


def test_a_place_may_go_by_another_of_its_names_but_a_city_is_not_its_country(check: Faithfulness) -> None:
    row = check.features("The releases followed talks with the United States.", Window(PASSAGE), FLAT)
    assert row[FAITH_FEATURES.index("name_missing")] == 0.0
    moscow = check.features("He was born in Moscow.", Window("He grew up speaking Russian at home."), FLAT)
    assert moscow[FAITH_FEATURES.index("name_missing")] == 1.0


def test_a_bio_window_holds_its_persons_name(check: Faithfulness) -> None:
    window = Window("He watched the landing by video link from South Africa.", entity="Narendra Modi")
    row = check.features("Modi watched the landing from South Africa.", window, FLAT)
    assert row[FAITH_FEATURES.index("name_missing")] == 0


def test_a_faithful_paraphrase_is_kept_and_a_negation_dropped(check: Faithfulness) -> None:
    assert check.supports("Belarus released 123 political prisoners after talks with the US.", PASSAGE, None, FLAT)
    assert not check.supports("Belarus has not released any political prisoners.", PASSAGE, None, FLAT)


def test_verify_keeps_cited_supported_sentences_with_their_window(fake_bot: Bot, check: Faithfulness) -> None:
    hits = fake_bot.retriever.search(make_query("Who was released?", fake_bot.catalog()))
    happened = next(i for i, h in enumerate(hits) if h.chunk.section == "What's happened")
    sentences = [
        DraftSentence("Belarus has released 123 political prisoners.", (happened,)),
        DraftSentence("Lukashenko released 500 prisoners on television.", (happened,)),
        DraftSentence("Belarus has released 123 political prisoners.", ()),
        DraftSentence("Belarus has released 123 political prisoners.", (99,)),
    ]
    (kept,) = check.verify(sentences, hits, fake_bot.idf())
    assert kept.sources == (happened,)
    assert kept.quotes[0] in hits[happened].chunk.text
    assert kept.quotes[0].startswith("Belarus has released 123 political prisoners")


def test_the_shipped_models_name_their_data_and_veto_features() -> None:
    for lexical in (False, True):
        model = FaithModel.load(lexical=lexical)
        assert set(VETOES) <= set(model.features) <= set(FAITH_FEATURES)
        assert model.uses_encoder is not lexical
        assert "bench/faithful/train.yaml" in model.provenance["training_files"]
        assert 0 < model.threshold < 1
        assert model.probability(np.zeros((1, len(FAITH_FEATURES)))).shape == (1,)
