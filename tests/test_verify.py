from bot import Bot
from bot.retrieve import make_query
from bot.types import Draft, DraftSentence
from bot.verify import assess, support, unknown_names, verify

PASSAGE = "Belarus has released 123 political prisoners, including Ales Bialiatski, following negotiations with the US."


def test_support_needs_names_and_numbers_of_the_sentence() -> None:
    idf: dict[str, float] = {}
    assert support("Belarus released 123 political prisoners.", PASSAGE, idf) == 1.0
    assert support("Belarus released 500 political prisoners.", PASSAGE, idf) == 0.0
    assert support("The EU welcomed the release of prisoners.", PASSAGE, idf) == 0.0
    assert support("Prisoners were tortured and starved in camps.", PASSAGE, idf) < 0.6


def test_verify_drops_unsupported_and_uncited_sentences(fake_bot: Bot) -> None:
    query = make_query("Who was released?", fake_bot.catalog())
    hits = fake_bot.retriever.search(query)
    idf = fake_bot._idf(fake_bot.catalog())
    happened = next(i for i, h in enumerate(hits) if h.chunk.section == "What's happened")
    draft = Draft(
        sentences=(
            DraftSentence("Belarus has released 123 political prisoners.", (happened,)),
            DraftSentence("Lukashenko apologised to them on television.", (happened,)),
            DraftSentence("Belarus has released 123 political prisoners.", ()),
            DraftSentence("Belarus has released 123 political prisoners.", (99,)),
        )
    )
    kept = verify(draft, hits, idf)
    assert len(kept) == 1
    assert kept[0].quotes[0] in hits[happened].chunk.text
    assert kept[0].quotes[0].startswith("Belarus has released 123 political prisoners")


def test_unknown_names_and_numbers_trigger_refusal(fake_bot: Bot) -> None:
    catalog = fake_bot.catalog()
    assert unknown_names("What did the EU say about the release?", catalog) == ["EU"]
    assert unknown_names("Who won the 2022 World Cup?", catalog) == ["2022 World Cup"]
    assert unknown_names("Why did Belarus release Bialiatski?", catalog) == []
    # headline capitals are not names, but acronyms and numbers still are
    assert unknown_names("Why Did Belarus Release Opposition Leaders Now?", catalog) == []
    assert unknown_names("What Did The EU Say About The Release?", catalog) == ["EU"]
    query = make_query("Who won the 2022 World Cup?", catalog)
    evidence = assess(query, fake_bot.retriever.search(query), catalog, fake_bot._idf(catalog))
    assert not evidence.answerable and evidence.missing == ("2022 World Cup",)


def test_support_rejects_negation_additions_and_foreign_names() -> None:
    idf: dict[str, float] = {}
    for claim in (
        "Belarus has not released any political prisoners.",
        "Belarus released 123 political prisoners after a secret deal with china.",
        "Łukasz negotiated the release of 123 political prisoners with the US.",
    ):
        assert support(claim, PASSAGE, idf) == 0.0, claim
    assert support("Belarus released 123 political prisoners after talks with the US.", PASSAGE, idf) >= 0.7


def test_key_terms_must_meet_in_one_or_two_sentences_not_across_the_chunk() -> None:
    from bot.chunking import make_chunk
    from bot.retrieve import plain_terms
    from bot.text import terms
    from bot.types import Hit
    from bot.verify import local_coverage

    wanted = plain_terms(terms("Who won the women's singles at Wimbledon in 2019?"))
    scattered = make_chunk(
        doc_id="d",
        kind="story",
        title="Search result 1",
        text="Alcaraz won Wimbledon. The weather was fine. Tickets sold out. "
        "The 2019 draw was published. Women's singles seeds were named.",
    )
    together = make_chunk(
        doc_id="d",
        kind="story",
        title="Search result 2",
        text="The weather was fine. Simona Halep won the women's singles title at Wimbledon in 2019.",
    )
    assert local_coverage(wanted, Hit(scattered, 1.0), {}) < 0.7
    assert local_coverage(wanted, Hit(together, 1.0), {}) == 1.0
