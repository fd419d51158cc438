"""Benchmarks: Storybot against the LangChain tutorial RAG on real news, run by `python -m bench`.

Not part of the product: it lives beside the checkout's corpus, question sets and `../shared/eval`, and is
never installed with `bot` (its extra, `.[bench]`, brings the baseline's text splitter).
"""

from pathlib import Path

# The checkout the bench runs from: its corpus, question sets and models are read from here, never from
# an installed `bot`.
ROOT = Path(__file__).resolve().parent.parent
