import pytest
from chromadb.api import ClientAPI

from bot import Bot, Settings, UnknownStoryError, build_bot
from bot.retrieve import Query, Retriever, make_query
from bot.scoring import KeyTerm


def test_alias_expansion_finds_the_other_spelling(fake_bot: Bot) -> None:
    query = make_query("Who is Kolesnikova?", fake_bot.catalog())
    assert [b.id for b in query.entities] == ["maria-kalesnikava"]
    assert "kalesnikava" in query.terms
    hits = fake_bot.retriever.search(query)
    assert hits[0].chunk.entity == "Maria Kalesnikava"


def test_cyrillic_alias_finds_the_bio(fake_bot: Bot) -> None:
    hits = fake_bot.retriever.search(make_query("Кто такой Алесь Віктаравіч Бяляцкі?", fake_bot.catalog()))
    assert hits[0].chunk.entity == "Ales Bialiatski"


def test_story_filter_and_unknown_story(fake_bot: Bot) -> None:
    query = make_query("political prisoners", fake_bot.catalog())
    hits = fake_bot.retriever.search(query, story="belarus-prisoners-released")
    assert hits and all("belarus-prisoners-released" in h.chunk.stories for h in hits)
    with pytest.raises(UnknownStoryError, match="unknown story id 'nope'"):
        fake_bot.retriever.search(query, story="nope")


def test_one_section_cannot_fill_every_slot(fake_bot: Bot) -> None:
    fake_bot.retriever.per_section = 1
    hits = fake_bot.retriever.search(make_query("Belarus sanctions prisoners", fake_bot.catalog()), k=5)
    groups = [(h.chunk.doc_id, h.chunk.section) for h in hits]
    assert len(groups) == len(set(groups)) == 5


def test_a_story_scoped_search_keeps_to_the_story_and_its_bios(settings: Settings, chroma: ClientAPI) -> None:
    other = settings.corpus_dir / "stories" / "potash.md"
    other.write_text(
        "---\nid: potash\ntitle: Potash exports\n---\n\n## What's happened\n\nBelarus sells potash to China.\n",
        encoding="utf-8",
    )
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus()
    vector = bot.index.embeddings.embed_query("political prisoners potash")
    scope = ["potash"]
    assert {bot.index.snapshot().by_id[i] for i, _ in bot.index.dense(vector, 50, scope)} == {
        p for p, c in enumerate(bot.index.snapshot().chunks) if c.doc_id == "potash"
    }
    hits = bot.retriever.search(make_query("Who is Babaryka?", bot.catalog()), story="belarus-prisoners-released", k=20)
    docs = {h.chunk.doc_id for h in hits}
    assert "potash" not in docs and "viktar-babaryka" in docs


def test_the_vector_store_keeps_no_key_per_story(fake_bot: Bot) -> None:
    # A metadata key per story made every dense query scale with the number of stories.
    metadatas = fake_bot.index.store.get(include=["metadatas"])["metadatas"]
    assert {key for m in metadatas for key in m} == {"doc_id", "kind"}


def test_a_place_counts_once_however_many_of_its_names_a_passage_uses(settings: Settings, chroma: ClientAPI) -> None:
    """Summed, the aliases of "US" (American, America, Washington…) outweighed the word that mattered:
    a passage now scores for a place as it would for the best of its names alone."""
    flags = settings.corpus_dir / "stories" / "flags.md"
    flags.write_text(
        "---\nid: flags\ntitle: Flags\n---\n\n## What's happened\n\n"
        "American flags flew in America on the national holiday, and crowds in Washington cheered.\n",
        encoding="utf-8",
    )
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus()
    lexical_only = Retriever(bot.index, dense_weight=0.0)

    def score(terms: tuple[str, ...], place: frozenset[str]) -> float | None:
        keys = (KeyTerm(("us",), place, entity=True), KeyTerm(("envoy",), frozenset({"envoy"})))
        hits = lexical_only.search(Query("us envoy", (), terms, keys), k=20)
        return next(h.lexical for h in hits if h.chunk.doc_id == "flags")

    names = ("american", "america", "washington")
    expanded = score(("envoy", *names), frozenset(names))
    singles = [score(("envoy", name), frozenset({name})) for name in names]
    assert expanded == pytest.approx(max(s for s in singles if s is not None))
