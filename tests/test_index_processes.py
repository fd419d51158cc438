"""Two processes on one index folder: a server keeps answering while another process re-indexes."""

import os
import subprocess
import sys
from pathlib import Path

from bot import Settings, build_bot


def test_a_running_reader_sees_vectors_indexed_by_another_process(tmp_path: Path, corpus_dir: Path) -> None:
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index", embedding_model="fake")
    reader = build_bot(settings)
    reader.index_corpus()
    assert reader.ask("Who is Ales Bialiatski?").citations
    (corpus_dir / "stories" / "zebra.md").write_text(
        "---\nid: zebra\ntitle: Zebra crossing\n---\n## What's happened\n\n"
        "A zebra escaped from the city zoo on Friday.\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "STORYBOT_INDEX_DIR": str(settings.index_dir),
        "STORYBOT_CORPUS_DIR": str(corpus_dir),
        "STORYBOT_EMBEDDING_MODEL": "fake",
        "ANONYMIZED_TELEMETRY": "False",
    }
    subprocess.run([sys.executable, "-m", "bot", "index"], env=env, check=True, capture_output=True)
    from bot.retrieve import make_query

    hits = reader.retriever.search(make_query("zebra escaped zoo", reader.catalog()))
    assert hits[0].chunk.doc_id == "zebra"
    assert hits[0].dense is not None  # found by meaning too, not only by BM25
