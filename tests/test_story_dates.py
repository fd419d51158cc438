"""Story dates and correction notices: from the corpus, through the snapshot's catalog, onto citations."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from chromadb.api import ClientAPI
from seed import SEED_CORRECTION, SEED_PUBLISHED, SEED_STORY, SEED_UPDATED, date_seed_story

from bot import Settings, build_bot
from bot.answer import compose
from bot.present import terminal
from bot.snapshot import load_snapshot
from bot.types import Chunk, DraftSentence, Hit, StoryInfo

STORY = Chunk("c1", "s", "story", "Freed.", "T", section="A", published="2026-12-04")
BIO = Chunk("b1", "p", "bio", "Born.", "P", entity="P")
INFO = StoryInfo("s", "T", "2026-12-04", None, (), "2026-12-05", "Six, not seven.")


def test_citations_carry_their_story_s_dates_and_correction_and_bios_none() -> None:
    said = [DraftSentence("Freed.", (0, 1), ("Freed.", "Born."))]
    story, bio = compose(said, [Hit(STORY, 1.0), Hit(BIO, 0.5)], {"s": INFO}).citations
    assert (story.published, story.updated, story.correction) == ("2026-12-04", "2026-12-05", "Six, not seven.")
    assert (bio.published, bio.updated, bio.correction) == (None, None, None)
    (alone,) = compose(said[:1], [Hit(STORY, 1.0), Hit(BIO, 0.5)]).citations[:1]
    assert (alone.published, alone.updated) == ("2026-12-04", None)  # no catalog: the passage's own date


def test_the_catalog_keeps_them_and_snapshots_written_before_them_still_load(
    settings: Settings, chroma: ClientAPI, corpus_dir: Path
) -> None:
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus([date_seed_story(corpus_dir)])
    info = bot.catalog().stories[SEED_STORY]
    assert (info.published, info.updated, info.correction) == (SEED_PUBLISHED, SEED_UPDATED, SEED_CORRECTION)
    folder = bot.index.root / "snapshots" / bot.index.snapshot().name
    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    for story in catalog["stories"]:
        del story["updated"], story["correction"]
    (folder / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")
    old = load_snapshot(folder, folder.name).catalog.stories[SEED_STORY]
    assert asdict(old) == {**asdict(info), "updated": None, "correction": None}


def test_the_bot_s_citations_carry_the_update_day_and_correction(
    settings: Settings, chroma: ClientAPI, corpus_dir: Path
) -> None:
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus([date_seed_story(corpus_dir)])
    answer = bot.ask("How many political prisoners did Belarus release?")
    cited = next(c for c in answer.citations if c.story_id == SEED_STORY)
    assert cited.published == SEED_PUBLISHED  # from the passage, so this part holds already
    assert (cited.updated, cited.correction) == (SEED_UPDATED, SEED_CORRECTION)
    assert f"Correction: {SEED_CORRECTION}" in terminal(answer)
