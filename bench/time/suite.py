"""The time suite: readers' time-dependent questions, each asked as of a day, over a small dated corpus.

The corpus (`corpus/`) is indexed in a work folder without the stories that have earlier versions
(`versions/`); each of those is then published through `Publisher`, earliest version first and the
current one last, so the index keeps the history and serves only the current text.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from langchain_core.embeddings import Embeddings

from bench.quality import share
from bot.bot import Bot, build_bot
from bot.config import Settings
from bot.editor.checks import Result, load_cases, run_case
from bot.publish import Publisher

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
VERSIONS = HERE / "versions"
# The tuning half, and the half nothing is tuned on (README.md).
HALVES = (HERE / "dev.yaml", HERE / "test.yaml")

MakeBot = Callable[[Path, Path], Bot]  # (corpus folder, index folder) -> an unindexed bot


def story_id(path: Path) -> str:
    """The `id` in a story file's front matter."""
    front = path.read_text(encoding="utf-8").split("---", 2)[1]
    return str(yaml.safe_load(front)["id"])


def earlier_versions(versions: Path = VERSIONS) -> dict[str, list[Path]]:
    """Each versioned story's earlier versions, oldest first (files are named so they sort by age)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(versions.glob("*.md")):
        found.setdefault(story_id(path), []).append(path)
    return found


def build(make_bot: MakeBot, work: Path, corpus: Path = CORPUS, versions: Path = VERSIONS) -> tuple[Bot, list[str]]:
    """Index `corpus` in `work`, then publish every versioned story version by version.

    Returns the bot and what each publishing call did ("turkey-syria-earthquake: created", ...).
    """
    shutil.rmtree(work, ignore_errors=True)
    live = work / "corpus"
    shutil.copytree(corpus, live)
    history = earlier_versions(versions)
    for item in history:
        (live / "stories" / f"{item}.md").unlink()
    bot = make_bot(live, work / "index")
    bot.index_corpus()
    publisher = Publisher(bot, live, work / "history")
    done = []
    for item, paths in history.items():
        for path in [*paths, corpus / "stories" / f"{item}.md"]:
            published = publisher.put("story", item, path.read_text(encoding="utf-8"))
            done.append(f"{item}: {published.action}")
    return bot, done


def stale_quotes(result: Result, corpus: Path = CORPUS, versions: Path = VERSIONS) -> list[str]:
    """The answer's quotes that only an earlier version holds: the index served history."""
    old = {item: [p.read_text(encoding="utf-8") for p in paths] for item, paths in earlier_versions(versions).items()}
    current = {item: (corpus / "stories" / f"{item}.md").read_text(encoding="utf-8") for item in old}
    return [
        c.quote
        for c in result.answer.citations
        if c.story_id in old and c.quote not in current[c.story_id] and any(c.quote in text for text in old[c.story_id])
    ]


def figures(results: Sequence[Result]) -> dict[str, Any]:
    """Answered correctly and refused correctly, as counts and shares, with every failure named."""
    answerable = [r for r in results if r.case.refused is not True]
    refusals = [r for r in results if r.case.refused is True]
    return {
        "questions": len(results),
        "answerable": len(answerable),
        "answered_correctly": sum(r.passed for r in answerable),
        "answered_correctly_share": share([r.passed for r in answerable]),
        "unanswerable": len(refusals),
        "refused_correctly": sum(r.passed for r in refusals),
        "refused_correctly_share": share([r.passed for r in refusals]),
        "passed": sum(r.passed for r in results),
        "old_version_quoted": sum(bool(stale_quotes(r)) for r in results),
        "failures": [
            f"{r.case.question} (as of {r.case.as_of}) -> {'; '.join(r.reasons)}" for r in results if not r.passed
        ],
    }


def run(make_bot: MakeBot, work: Path, halves: Sequence[Path] = HALVES, limit: int | None = None) -> dict[str, Any]:
    """Build the index as above and run each half's cases; figures per half."""
    bot, published = build(make_bot, work)
    out: dict[str, Any] = {"published": published, "stories": len(bot.catalog().stories)}
    for path in halves:
        out[path.stem] = figures([run_case(bot, case) for case in load_cases(path)[:limit]])
    return out


def real_bot_maker(embeddings: Embeddings, model: str, **changes: Any) -> MakeBot:
    """Bots on the real embedding model (shared, e.g. the bench's cache), ignoring STORYBOT_* variables."""

    def make(corpus: Path, index: Path) -> Bot:
        settings = Settings.from_env(env={}, corpus_dir=corpus, index_dir=index, embedding_model=model, **changes)
        return build_bot(settings, embeddings=embeddings)

    return make
