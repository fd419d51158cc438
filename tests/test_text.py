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


def test_line_breaks_end_sentences_and_no_ends_a_sentence() -> None:
    assert sentences("He said no. The court agreed.") == ["He said no.", "The court agreed."]
    assert sentences("See No. 5 now.") == ["See No. 5 now."]
    assert sentences("- first item\n- second item") == ["- first item", "- second item"]


def test_sentence_splitting_is_linear_on_long_text() -> None:
    # 2 MB of sentences: the old splitter rescanned the prefix at every full stop.
    text = "The council met on Monday. It agreed a budget. " * 40_000
    assert len(sentences(text)) == 80_000


def test_fold_strips_accents_exactly_as_a_full_decomposition_does() -> None:
    import unicodedata

    def by_hand(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")

    samples = [
        "Aleś Bialiatski’s “quote”",
        "Łukaszenka café naïve ﬁnance",
        "Алесь Віктаравіч Бяляцкі",
        "e\u0301 and a combining mark after ASCII",
        "한국어 and 日本語, " + "長い段落" * 20,
        "plain ascii",
    ]
    for text in samples:
        assert fold(text) == by_hand(text), text
