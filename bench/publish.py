"""How long a published change takes to be live: correct, add and take down a story through `Publisher`.

`python -m bench.publish [--articles N] [--model NAME] [--ops K]` copies the checkout's corpus, adds the
first N RealTimeQA articles (../shared/eval) as an archive, indexes it, then times K of each operation
from the call until it returns, which is when the change is live (checked after each call by asking).
Run it with N=0 and a large N in one sitting: the ratio says how a change's cost grows with the archive.
Prints one JSON line; writes nothing outside a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.bot import Bot, build_bot
from bot.config import Settings
from bot.publish import Publisher

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "eval" / "realtimeqa" / "articles.jsonl"
SEED = "belarus-prisoners-released"
QUESTION = "How many political prisoners did Belarus release?"
# Asked in a loop while the changes are made (readers' words, none from a question set).
ASKED = ("who was freed in belarus", "what did the rover find", "why did the bridge fall down")
NEW = "---\nid: {id}\ntitle: Airship tours number {n}\n---\n\n## What's happened\n\nAirship tour {n} left {place}.\n"


def main() -> None:
    """Parse the arguments, run the operations, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=0, help="RealTimeQA articles added as an archive")
    parser.add_argument("--model", default="fake", help="embedding model (fake: no encoder cost)")
    parser.add_argument("--ops", type=int, default=10, help="operations of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(run(Path(tmp), args.articles, args.model, args.ops)))


def run(tmp: Path, articles: int, model: str, ops: int, source: Path = ARTICLES) -> dict[str, Any]:
    """Index the corpus plus `articles` of `source`, then correct, add and withdraw `ops` times each."""
    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    if articles:
        with source.open(encoding="utf-8") as lines_in:
            lines = [line for _, line in zip(range(articles), lines_in, strict=False)]
        (corpus / "archive.jsonl").write_text("".join(lines), encoding="utf-8")
    settings = Settings.from_env(
        env={},
        corpus_dir=corpus,
        index_dir=tmp / "index",
        embedding_model=model,
        conversations_url=f"sqlite:///{tmp / 'conversations.sqlite3'}",  # editors' questions: not the checkout's
    )
    bot = build_bot(settings)
    started = time.perf_counter()
    bot.index_corpus()
    first_index = time.perf_counter() - started
    publisher = Publisher(bot, corpus, tmp / "history")
    seed = (corpus / "stories" / f"{SEED}.md").read_text(encoding="utf-8")
    timings: dict[str, list[float]] = {"correct": [], "add": [], "take_down": []}
    wrong: list[str] = []
    quiet = [_timed(bot.ask, q) for q in ASKED * 2]
    busy: list[float] = []
    stop = threading.Event()

    def keep_asking() -> None:  # a reader asking while the newsroom publishes
        while not stop.is_set():
            busy.extend(_timed(bot.ask, q) for q in ASKED)

    reader = threading.Thread(target=keep_asking)
    reader.start()
    try:
        _operate(publisher, bot, seed, ops, timings, wrong)
    finally:
        stop.set()
        reader.join()
    return {
        "articles": articles,
        "model": model,
        "chunks": len(bot.index.snapshot().chunks),
        "first_index_s": round(first_index, 2),
        **{f"{kind}_p50_s": round(statistics.median(t), 3) for kind, t in timings.items()},
        **{f"{kind}_max_s": round(max(t), 3) for kind, t in timings.items()},
        "ask_quiet_p50_ms": round(1000 * statistics.median(quiet), 1),
        "ask_while_publishing_p50_ms": round(1000 * statistics.median(busy), 1),
        "ask_while_publishing_p95_ms": round(1000 * statistics.quantiles(busy, n=20)[-1], 1) if len(busy) > 1 else None,
        "not_live": wrong,
    }


def _operate(
    publisher: Publisher, bot: Bot, seed: str, ops: int, timings: dict[str, list[float]], wrong: list[str]
) -> None:
    for i in range(ops):
        count = str(200 + i)
        timings["correct"].append(_timed(publisher.put, "story", SEED, seed.replace("123", count)))
        if count not in bot.ask(QUESTION).text:
            wrong.append(f"correction {count} not answered")
        story = f"airship-tours-{i}"
        text = NEW.format(id=story, n=i, place="Friedrichshafen")
        timings["add"].append(_timed(publisher.put, "story", story, text))
        if story not in bot.catalog().stories:
            wrong.append(f"{story} not indexed")
        timings["take_down"].append(_timed(publisher.take_down, "story", story))
        if story in bot.catalog().stories:
            wrong.append(f"{story} still indexed")


def _timed(call: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    call(*args)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
