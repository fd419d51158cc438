"""What a bench run measures and where: the suites, their options, the full and the smoke run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import ROOT
from bot.errors import InputError

NAME = re.compile(r"[A-Za-z0-9_-]+")
SUITES = (
    "retrieval",
    "answers",
    "rgb",
    "seed",
    "readers",
    "time",
    "faithful",
    "citations",
    "tuning",
    "recency",
    "indexing",
    "latency",
    "memory",
    "live",
    "scale",
)
# The order they run in: the costly synthetic-scale index last, so everything else is on disk first.
ORDER = (*SUITES[:-1], "llm", "scale")


@dataclass(frozen=True)
class BenchOptions:
    """What to run and where. `articles`/`questions`/`rgb_items` None means all of them."""

    eval_dir: Path
    out_dir: Path
    work_dir: Path
    cache_path: Path
    name: str = "full"
    suites: tuple[str, ...] = SUITES
    articles: int | None = None
    questions: int | None = None
    rgb_items: int | None = None
    index_articles: int = 40
    scale_sizes: tuple[int, ...] = (200,)
    scale_copies: int = 10
    sweep_articles: int = 200
    encoders: tuple[str, ...] = ("minilm", "minilm-int8", "use")
    encoder_articles: int = 20
    # The live suite: archive articles beside the corpus, and changes of each kind timed.
    live_articles: int = 1989
    live_ops: int = 5
    # Storybot's chunking for the whole run (chunk_chars, chunk_overlap); empty means the defaults.
    chunking: dict[str, int] = field(default_factory=dict)
    llm: bool = False
    llm_questions: int = 20
    gguf_path: Path = ROOT / ".storybot" / "models" / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
    seed_corpus: Path = ROOT / "corpus"
    seed_cases: Path = ROOT / "tests" / "integration" / "questions.yaml"
    # Readers' questions over every story in corpus/: the half the reader is trained on, a later half
    # rules were checked on, and the half nothing is tuned on (bench/readers/README.md).
    readers_cases: tuple[Path, ...] = (
        ROOT / "bench" / "readers" / "train.yaml",
        ROOT / "bench" / "readers" / "dev.yaml",
        ROOT / "bench" / "readers" / "test.yaml",
    )
    # Claim/passage pairs for the faithfulness check: its training half and the half it never saw.
    faithful_pairs: tuple[Path, ...] = (
        ROOT / "bench" / "faithful" / "train.yaml",
        ROOT / "bench" / "faithful" / "test.yaml",
    )
    model: str = "minilm"
    extra: dict[str, Any] = field(default_factory=dict)


def check_options(options: BenchOptions) -> None:
    """Reject bad options before hours of work: unknown suites, a name that is not a plain file name."""
    unknown = set(options.suites) - set(SUITES) - {"llm"}
    if unknown:
        raise InputError(f"unknown suites: {', '.join(sorted(unknown))}; choose from {', '.join(SUITES)}, llm")
    if not NAME.fullmatch(options.name):
        raise InputError(f"bench name {options.name!r} must be letters, digits, '-' or '_' (it names files)")


def default_options(name: str, smoke: bool, eval_dir: Path, out_dir: Path, **changes: Any) -> BenchOptions:
    """The full run, or the smoke run CI uses (a few articles, questions and RGB items)."""
    base = BenchOptions(
        eval_dir=eval_dir,
        out_dir=out_dir,
        work_dir=ROOT / ".storybot" / "bench" / name,
        cache_path=ROOT / ".storybot" / "bench-cache" / "embeddings.sqlite3",
        name=name,
    )
    if smoke:
        base = BenchOptions(
            **{
                **base.__dict__,
                "articles": 12,
                "questions": 6,
                "rgb_items": 3,
                "index_articles": 4,
                "scale_sizes": (6,),
                "scale_copies": 2,
                "sweep_articles": 6,
                "encoder_articles": 2,
                "live_articles": 6,
                "live_ops": 1,
            }
        )
    return BenchOptions(**{**base.__dict__, **{k: v for k, v in changes.items() if v is not None}})


def options_json(options: BenchOptions) -> dict[str, Any]:
    """The options a results file records: what was measured, not where its files were."""
    keep = (
        "name",
        "suites",
        "articles",
        "questions",
        "rgb_items",
        "index_articles",
        "scale_sizes",
        "scale_copies",
        "sweep_articles",
        "encoders",
        "chunking",
        "llm",
        "llm_questions",
        "model",
    )
    return {k: getattr(options, k) for k in keep}
