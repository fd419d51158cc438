"""`python -m bench.time [dev|test ...]`: the time suite alone, on the real embedding model (no RealTimeQA)."""

from __future__ import annotations

import argparse
import json

from bench import ROOT
from bench.cache import CachedEmbeddings
from bench.time.suite import HALVES, real_bot_maker, run
from bot.embeddings import build_embeddings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.time", description=__doc__)
    names = [p.stem for p in HALVES]
    parser.add_argument("halves", nargs="*", help=f"any of {', '.join(names)} (default: both)")
    parser.add_argument("--model", default="minilm")
    args = parser.parse_args()
    if set(args.halves) - set(names):
        parser.error(
            f"unknown halves: {', '.join(sorted(set(args.halves) - set(names)))}; choose from {', '.join(names)}"
        )
    halves = [p for p in HALVES if not args.halves or p.stem in args.halves]
    cache = ROOT / ".storybot" / "bench-cache" / "embeddings.sqlite3"
    embeddings = CachedEmbeddings(build_embeddings(args.model), args.model, cache)
    result = run(real_bot_maker(embeddings, args.model), ROOT / ".storybot" / "bench" / "time", halves)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
