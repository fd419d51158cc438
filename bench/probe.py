"""A fresh process that opens an existing index, answers questions, and reports cold start and peak RSS.

Run by the memory suite: `python -m bench.probe` with a JSON request on stdin
({"index_dir", "model", "questions", "system": "storybot" | "baseline:<collection>"}); prints one JSON line.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the heavy imports: they are part of a cold start

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def _storybot(index_dir: Path, model: str, questions: list[str]) -> float:
    from bot.bot import build_bot
    from bot.config import Settings

    bot = build_bot(Settings.from_env(env={}, index_dir=index_dir, embedding_model=model))
    bot.ask(questions[0])
    ready = time.perf_counter()
    for question in questions[1:]:
        bot.ask(question)
    return ready


def _baseline(index_dir: Path, model: str, collection: str, questions: list[str]) -> float:
    from langchain_chroma import Chroma

    from bot.embeddings import build_embeddings
    from bot.index import make_client

    store = Chroma(
        collection_name=collection, embedding_function=build_embeddings(model), client=make_client(index_dir)
    )
    store.similarity_search(questions[0], k=4)
    ready = time.perf_counter()
    for question in questions[1:]:
        store.similarity_search(question, k=4)
    return ready


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    /proc's VmHWM belongs to this program's own address space. `ru_maxrss` does not: Linux carries it
    over from the forked copy of the parent across exec, so a child of a 3 GB benchmark reports 3 GB.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Read the request, serve it, print cold start seconds and peak RSS in MB."""
    request = json.loads(sys.stdin.read())
    index_dir, questions, system = Path(request["index_dir"]), request["questions"], request["system"]
    model = request.get("model", "minilm")
    if system == "storybot":
        ready = _storybot(index_dir, model, questions)
    else:
        ready = _baseline(index_dir, model, system.split(":", 1)[1], questions)
    peak_mb = peak_rss_mb()
    print(
        json.dumps(
            {"cold_start_s": round(ready - STARTED, 2), "peak_rss_mb": round(peak_mb, 1), "questions": len(questions)}
        )
    )


if __name__ == "__main__":
    main()
