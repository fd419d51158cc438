from bot.chunking import DEFAULT, chunk_story, make_chunk, split_text
from bot.types import Section, Story


def test_small_sections_stay_whole_and_long_ones_split_on_sentences() -> None:
    assert list(split_text("Short. Text.")) == ["Short. Text."]
    long = " ".join(f"Sentence number {i} says something about the news today." for i in range(60))
    pieces = list(split_text(long, target=400, limit=600))
    assert len(pieces) > 3
    assert all(p in long and len(p) <= 600 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    # consecutive windows overlap by one sentence so no answer is cut in two
    assert pieces[0].split(". ")[-1].rstrip(".") in pieces[1]


def test_run_on_text_without_sentence_ends_is_still_bounded() -> None:
    blob = "word " * 1000
    pieces = list(split_text(blob))
    assert len(pieces) > 1 and all(len(p) <= DEFAULT.limit for p in pieces)


def test_chunk_ids_are_content_hashes() -> None:
    a = make_chunk(doc_id="s", kind="story", text="Same text.", title="T", section="A")
    b = make_chunk(doc_id="s", kind="story", text="Same text.", title="T", section="A")
    c = make_chunk(doc_id="s", kind="story", text="Same text!", title="T", section="A")
    assert a.id == b.id != c.id


def test_story_chunks_know_their_story() -> None:
    story = Story(
        "s1", "Title", (Section("What's happened", "It happened.", 5),), "s1.md", "2025-01-02", "https://x.test"
    )
    (chunk,) = chunk_story(story)
    assert (chunk.doc_id, chunk.section, chunk.title, chunk.published, chunk.url) == (
        "s1",
        "What's happened",
        "Title",
        "2025-01-02",
        "https://x.test",
    )
    assert chunk.embedding_text().startswith("Title. What's happened.")


def test_overlap_is_a_number_of_sentences() -> None:
    long = " ".join(f"Sentence {i} is here." for i in range(40))
    none, two = list(split_text(long, 100, 150, overlap=0)), list(split_text(long, 100, 150, overlap=2))
    assert " ".join(none) == long  # no overlap: the windows tile the text
    assert two[0].split(". ")[-2] in two[1] and two[0].split(". ")[-1].rstrip(".") in two[1]
