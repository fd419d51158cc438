from pathlib import Path

import pytest
from chromadb.api import ClientAPI
from langchain_core.embeddings import DeterministicFakeEmbedding

from bot import Bot, CorpusError, IndexNotReadyError, Settings, build_bot
from bot.corpus import load_corpus
from bot.index import Index


class FailingEmbeddings(DeterministicFakeEmbedding):
    """Fails on the first document batch, like a model crashing mid-index."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise RuntimeError("encoder crashed")


def _edit(corpus_dir: Path, old: str, new: str) -> None:
    path = corpus_dir / "stories" / "belarus-prisoners-released.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_build_then_rebuild_unchanged_does_nothing(settings: Settings, chroma: ClientAPI) -> None:
    bot = build_bot(settings, chroma_client=chroma)
    first = bot.index_corpus()
    assert (first.chunks, first.embedded, first.removed, first.unchanged) == (9, 9, 0, False)
    again = bot.index_corpus()
    assert again.unchanged and again.embedded == 0
    assert again.snapshot == first.snapshot


def test_editing_one_section_reembeds_only_that_chunk(settings: Settings, chroma: ClientAPI, corpus_dir: Path) -> None:
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus()
    _edit(corpus_dir, "amid ongoing political repression.", "amid ongoing political repression. A new line.")
    report = bot.index_corpus()
    assert (report.embedded, report.removed, report.chunks) == (1, 1, 9)
    texts = [c.text for c in bot.index.snapshot().chunks]
    assert any(t.endswith("A new line.") for t in texts)
    assert len(bot.index.store.get(include=[])["ids"]) == 9


def test_removed_files_disappear(settings: Settings, chroma: ClientAPI, corpus_dir: Path) -> None:
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus()
    (corpus_dir / "people" / "viktar-babaryka.md").unlink()
    report = bot.index_corpus()
    assert (report.chunks, report.removed) == (8, 1)
    assert all(c.entity != "Viktar Babaryka" for c in bot.index.snapshot().chunks)
    assert all(b.id != "viktar-babaryka" for b in bot.catalog().bios)


def test_broken_file_keeps_previous_index_serving(settings: Settings, chroma: ClientAPI, corpus_dir: Path) -> None:
    bot = build_bot(settings, chroma_client=chroma)
    before = bot.index_corpus()
    (corpus_dir / "stories" / "broken.md").write_text("---\nid: b\ntitle: [oops\n---\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"broken.md:3"):
        bot.index_corpus()
    assert bot.index.snapshot().name == before.snapshot
    assert not bot.ask("Who is Ales Bialiatski?").refused


def test_crash_while_embedding_leaves_previous_snapshot(
    settings: Settings, chroma: ClientAPI, corpus_dir: Path
) -> None:
    build_bot(settings, chroma_client=chroma).index_corpus()
    reader = build_bot(settings, chroma_client=chroma)
    name = reader.index.snapshot().name
    _edit(corpus_dir, "amid ongoing political repression.", "amid repression.")
    crashing = Index(settings.index_dir, FailingEmbeddings(size=64), "fake", client=chroma)
    with pytest.raises(RuntimeError):
        crashing.build(load_corpus([corpus_dir]))
    assert reader.index.snapshot().name == name
    assert (settings.index_dir / "CURRENT").read_text().strip() == name


def test_reader_picks_up_a_new_snapshot(settings: Settings, chroma: ClientAPI, corpus_dir: Path) -> None:
    writer = build_bot(settings, chroma_client=chroma)
    writer.index_corpus()
    reader = build_bot(settings, chroma_client=chroma)
    old = reader.index.snapshot().name
    _edit(corpus_dir, "## How we got here", "## How it began")
    writer.index_corpus()
    assert reader.index.snapshot().name != old
    assert "How it began" in {c.section for c in reader.index.snapshot().chunks}


def test_asking_before_indexing_says_what_to_do(settings: Settings, chroma: ClientAPI) -> None:
    with pytest.raises(IndexNotReadyError, match="run 'storybot index' first"):
        build_bot(settings, chroma_client=chroma).ask("Who is Ales Bialiatski?")


def test_index_built_with_another_model_is_not_silently_used(settings: Settings, chroma: ClientAPI) -> None:
    build_bot(settings, chroma_client=chroma).index_corpus()
    other = Index(settings.index_dir, FailingEmbeddings(size=64), "another-model", client=chroma)
    with pytest.raises(IndexNotReadyError, match="built with embedding model 'fake', not 'another-model'"):
        other.snapshot()


def test_a_missing_snapshot_is_reported_not_crashed(settings: Settings, chroma: ClientAPI) -> None:
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus()
    (settings.index_dir / "CURRENT").write_text("gone\n")
    with pytest.raises(IndexNotReadyError, match="incomplete"):
        build_bot(settings, chroma_client=chroma).ask("Who is Lukashenko?")


def test_a_new_chunk_size_rebuilds_rather_than_reporting_unchanged(settings: Settings, chroma: ClientAPI) -> None:
    first = build_bot(settings, chroma_client=chroma).index_corpus()
    narrow = build_bot(settings.with_changes(chunk_chars=200, chunk_overlap=0), chroma_client=chroma)
    report = narrow.index_corpus()
    assert not report.unchanged and report.snapshot != first.snapshot
    assert report.chunks > first.chunks and all(len(c.text) <= 300 for c in narrow.index.snapshot().chunks)


def test_a_snapshot_keeps_the_words_misspellings_are_read_as(fake_bot: Bot) -> None:
    # Written with the snapshot, so the first question after a swap does not read every chunk for them.
    words = set(fake_bot.catalog().vocabulary)
    assert {"Kalesnikava", "Bialiatski", "prisoners"} <= words


def test_vectors_an_interrupted_run_left_behind_are_swept(settings: Settings, chroma: ClientAPI) -> None:
    bot = build_bot(settings, chroma_client=chroma)
    first = bot.index_corpus()
    # a run killed mid-embedding of a story since withdrawn: its vectors are in the store, no chunk has them
    bot.index.store.add_texts(["A withdrawn story.", "Its second part."], ids=["orphan-1", "orphan-2"])
    swept = bot.index_corpus()
    assert not swept.unchanged and swept.removed == 2 and "interrupted run" in swept.repaired[0]
    assert swept.snapshot == first.snapshot and len(bot.index.store.get(include=[])["ids"]) == first.chunks
    assert bot.index_corpus().unchanged
