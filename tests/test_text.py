from bot.text import fold, sentences, terms


def test_sentences_are_exact_substrings_and_respect_abbreviations() -> None:
    text = "Mr. Smith met the U.S. envoy. He left at 5 p.m. Then it rained! Did it?"
    found = sentences(text)
    assert found == ["Mr. Smith met the U.S. envoy.", "He left at 5 p.m. Then it rained!", "Did it?"]
    assert all(s in text for s in found)


def test_fold_and_terms_match_spellings() -> None:
    assert fold("Aleś Bialacki") == "ales bialacki"
    assert terms("Belarus' released prisoners") == terms("belarus release prisoner")
    assert "the" not in terms("the release")
