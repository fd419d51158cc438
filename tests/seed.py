"""The seed corpus for tests: the seed story and its people, copied from corpus/."""

from __future__ import annotations

import shutil
from pathlib import Path

SEED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEED_STORY = "belarus-prisoners-released"


def seed_copy(target: Path) -> Path:
    """A copy of the repository's corpus holding only the seed story and its people.

    The unit tests were written about the seed story alone; the other stories in corpus/ (which the
    readers' question set uses) would otherwise change which passage answers what.
    """
    shutil.copytree(SEED_CORPUS, target)
    for path in [*target.glob("stories/*.md"), *target.glob("people/*.md")]:
        if SEED_STORY not in path.read_text(encoding="utf-8"):
            path.unlink()
    return target


# The dates and correction notice `date_seed_story` gives the seed story (which has none of its own).
SEED_PUBLISHED = "2025-09-11"
SEED_UPDATED = "2025-09-12"
SEED_CORRECTION = "An earlier version of this story misspelt Maria Kalesnikava's name."


def date_seed_story(corpus: Path) -> Path:
    """Give the seed story in `corpus` a publication day, an update day and a correction notice."""
    path = corpus / "stories" / f"{SEED_STORY}.md"
    front = f"---\npublished: {SEED_PUBLISHED}\nupdated: {SEED_UPDATED}\ncorrection: {SEED_CORRECTION}\n"
    path.write_text(path.read_text(encoding="utf-8").replace("---\n", front, 1), encoding="utf-8")
    return corpus
