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


def test_requests_never_fail_while_snapshots_swap_under_them(tmp_path: Path, corpus_dir: Path) -> None:
    """Four threads ask while a fifth moves CURRENT between two snapshots 30 times (as live publishing
    does): before, 30 of 265 such requests failed inside Chroma."""
    import threading

    from bot.retrieve import make_query

    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index", embedding_model="fake")
    bot = build_bot(settings)
    first = bot.index_corpus().snapshot
    (corpus_dir / "stories" / "zebra.md").write_text(
        "---\nid: zebra\ntitle: Zebra crossing\n---\n## What's happened\n\nA zebra escaped from the zoo on Friday.\n",
        encoding="utf-8",
    )
    second = bot.index_corpus().snapshot
    errors: list[BaseException] = []
    answered = [0]
    done = threading.Event()

    def ask() -> None:
        while not done.is_set():
            try:
                snapshot = bot.index.snapshot()
                hits = bot.retriever.search(make_query("Who is Ales Bialiatski?", snapshot.catalog))
                assert hits and all(h.chunk.id in snapshot.by_id or h.chunk.doc_id == "zebra" for h in hits)
                answered[0] += 1
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for i in range(30):
            (settings.index_dir / "CURRENT.tmp").write_text((first, second)[i % 2] + "\n")
            os.replace(settings.index_dir / "CURRENT.tmp", settings.index_dir / "CURRENT")
            while bot.index.snapshot().name != (first, second)[i % 2]:
                pass
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert not errors, errors[:3]
    assert answered[0] > 30


def test_a_soak_of_swaps_every_half_second_under_eight_readers(tmp_path: Path, corpus_dir: Path) -> None:
    """Issue 11's soak: CURRENT moves every 0.5 s while 8 threads ask whole questions; not one may fail
    or lose its citations. SOAK_SECONDS sets the length (5 s here and in CI; measured at 60 s)."""
    import threading
    import time

    seconds = float(os.environ.get("SOAK_SECONDS", "5"))
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index", embedding_model="fake")
    bot = build_bot(settings)
    names = [bot.index_corpus().snapshot]
    (corpus_dir / "stories" / "zebra.md").write_text(
        "---\nid: zebra\ntitle: Zebra crossing\n---\n## What's happened\n\nA zebra escaped from the zoo on Friday.\n",
        encoding="utf-8",
    )
    names.append(bot.index_corpus().snapshot)
    failures: list[str] = []
    answered = [0] * 8
    seen: set[str] = set()
    done = threading.Event()

    def ask(reader: int) -> None:
        while not done.is_set():
            try:
                seen.add(bot.index.snapshot().name)
                answer = bot.ask(("Who is Ales Bialiatski?", "How many political prisoners were released?")[reader % 2])
                if answer.refused or not answer.citations:
                    failures.append(f"reader {reader}: {answer.text[:80]}")
                answered[reader] += 1
            except Exception as exc:  # any failure at all is the finding
                failures.append(f"reader {reader}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    swaps = 0
    try:
        start = time.monotonic()
        while (due := start + 0.5 * (swaps + 1)) <= start + seconds:
            time.sleep(max(0.0, due - time.monotonic()))  # on a schedule, so slow swaps do not stretch it
            (settings.index_dir / "CURRENT.tmp").write_text(names[swaps % 2] + "\n")
            os.replace(settings.index_dir / "CURRENT.tmp", settings.index_dir / "CURRENT")
            swaps += 1
    finally:
        done.set()
        for thread in threads:
            thread.join()
    print(f"soak: {seconds:.0f} s, {swaps} swaps, {sum(answered)} answers, {len(failures)} failures")
    assert not failures, failures[:3]
    assert swaps == int(seconds / 0.5) and all(answered) and seen == set(names)  # both snapshots served
