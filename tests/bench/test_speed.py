from __future__ import annotations

from pathlib import Path

from bench.data import load_articles
from bench.report import markdown
from bench.speed import duplicated, percentiles, probe, subset
from bot.types import Corpus, Section, Story


def _corpus(n: int) -> Corpus:
    return Corpus(stories=tuple(Story(f"s{i}", f"T{i}", (Section("", f"text {i}", 1),), "x") for i in range(n)))


def test_percentiles_use_the_nearest_rank() -> None:
    assert percentiles([]) == {"p50_ms": None, "p95_ms": None}
    seconds = [i / 1000 for i in range(1, 31)]  # 1..30 ms
    assert percentiles(seconds) == {"p50_ms": 15.5, "p95_ms": 29.0}  # rank ceil(0.95*30)=29
    assert percentiles([0.002]) == {"p50_ms": 2.0, "p95_ms": 2.0}


def test_subset_puts_wanted_articles_first_and_duplicates_perturb_ids() -> None:
    corpus = _corpus(5)
    assert [s.id for s in subset(corpus, ["s3", "s1"], 3).stories] == ["s3", "s1", "s0"]
    big = duplicated(corpus, 3)
    assert len(big.stories) == 15 and len({s.id for s in big.stories}) == 15
    assert big.stories[7].sections[0].text == corpus.stories[2].sections[0].text


def test_a_failing_probe_is_reported_not_raised(tmp_path: Path) -> None:
    result = probe(tmp_path / "no-index", "fake", ["a question?"], "storybot")
    assert "error" in result and "index" in result["error"]


def test_the_table_shows_figures_and_lists_as_their_own_tables() -> None:
    meta = {"options": {"name": "t"}, "versions": {"chromadb": "1"}, "cores": 2}
    suites = {"citations": {"storybot": {"supported": 1.0}, "hand_check_sample": [{"sentence": "a|b", "quote": "q"}]}}
    text = markdown(meta, suites)
    assert "| storybot.supported | 1 |" in text
    assert "### citations: hand_check_sample" in text and "| 1 | a\\|b | q |" in text


def test_encoders_are_timed_on_the_same_chunks_with_a_ratio_to_the_first(eval_dir: Path) -> None:
    from bench.speed import encoder_suite
    from bot.embeddings import HashingEmbeddings

    result = encoder_suite(load_articles(eval_dir), {"a": HashingEmbeddings(64), "b": HashingEmbeddings(512)})
    assert result["chunks"] == 3
    assert set(result["chunks_per_s"]) == {"a", "b"} and result["speed_vs_first"]["a"] == 1.0
    assert all(v > 0 for v in result["chunks_per_s"].values())
