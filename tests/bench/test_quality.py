from __future__ import annotations

from pathlib import Path

from chromadb.api import ClientAPI

from bench.data import Question, load_rgb
from bench.quality import (
    DECLINE,
    JUDGING_UNKNOWN_WEIGHT,
    citation_precision,
    citation_sample,
    cited_pairs,
    contains,
    mentions,
    passages_corpus,
    recall_at_k,
    rgb_suite,
)
from bot import Settings, build_bot
from bot.bot import Bot
from bot.embeddings import HashingEmbeddings
from bot.faithful import Faithfulness, FaithModel
from bot.scoring import Idf
from bot.types import Answer, AnswerSentence, Citation, Corpus


def test_mentions_matches_whole_words_ignoring_case() -> None:
    assert mentions("It had happened 0 times.", "0")
    assert not mentions("In 2020 it rained.", "0")
    assert mentions("patrick mchenry took over", "Patrick McHenry")
    assert mentions("It costs $10.4 billion.", "$10.4 billion")


def test_retrieval_matches_the_answer_string_anywhere_as_the_measure_defines_it() -> None:
    assert contains("In 2020 it rained.", "0") and contains("PATRICK McHenry", "patrick mchenry")
    assert not contains("Patrick", "Patrick McHenry")


def test_the_baselines_declines_are_recognised() -> None:
    for text in ("I don’t know.", "The context does not mention the winner.", "It is not provided in the text."):
        assert DECLINE.search(text), text
    for text in ("Patrick McHenry became acting speaker.", "Fans cannot wait for the final."):
        assert not DECLINE.search(text), text


def test_recall_counts_a_question_once_its_answer_is_in_the_top_k() -> None:
    questions = [
        Question("1", "q one", "alpha", True, ()),
        Question("2", "q two", "beta", True, ()),
    ]
    ranked = {"q one": ["x", "has alpha", "y"], "q two": ["x"] * 6 + ["beta here"]}
    figures = recall_at_k(lambda q, k: ranked[q.question][:k], questions)
    assert figures == {"questions": 2, "recall@1": 0.0, "recall@5": 0.5, "recall@10": 1.0}


def _answer() -> Answer:
    c1 = Citation(1, "c1", "s", None, None, "T", None, "Comet Nishimura returns every 437 years.")
    c2 = Citation(2, "c2", "s", None, None, "T", None, "A bakery in Lyon won a prize.")
    said = (
        AnswerSentence("Comet Nishimura returns every 437 years.", (1,)),
        AnswerSentence("A bakery in Paris won a prize.", (2,)),
    )
    return Answer(sentences=said, citations=(c1, c2))


def test_cited_pairs_and_precision_use_the_answerers_checker() -> None:
    pairs = cited_pairs(_answer())
    assert pairs[0] == ("Comet Nishimura returns every 437 years.", "Comet Nishimura returns every 437 years.")
    assert pairs[1][0] == "A bakery in Paris won a prize."
    check = Faithfulness(FaithModel.load(lexical=True))
    idf = Idf({}, JUDGING_UNKNOWN_WEIGHT)
    figures = citation_precision([("q", _answer(), idf)], check)
    # "Paris" is a name the quote does not have: that sentence is not supported
    assert figures == {"cited_sentences": 2, "supported": 0.5}
    (row,) = citation_sample([("Where?", _answer(), idf)], size=1, seed=1)
    assert row["question"] == "Where?" and row["chunk_id"] in ("c1", "c2") and row["quote"]


def test_passages_become_neutral_single_section_stories() -> None:
    corpus = passages_corpus(["one passage", "one passage", "", "another"], "rgb0")
    assert [s.id for s in corpus.stories] == ["rgb0-0", "rgb0-1"]
    assert corpus.stories[0].title == "Search result 1"


def test_rgb_rejects_on_noise_only_and_answers_citing_the_positive(
    eval_dir: Path, tmp_path: Path, chroma: ClientAPI
) -> None:
    counter = iter(range(100))

    def make_bot(corpus: Corpus) -> Bot:
        # Each bot its own Chroma (on disk under its index folder), as in a real run: a shared
        # collection would lose one bot's vectors when the next bot indexes.
        settings = Settings(corpus_dir=tmp_path, index_dir=tmp_path / f"i{next(counter)}", embedding_model="fake")
        bot = build_bot(settings)
        bot.index.build(corpus)
        return bot

    result = rgb_suite(make_bot, load_rgb(eval_dir), HashingEmbeddings(), chroma)
    ours = result["storybot"]
    assert ours["top1_positive"] == 1.0
    assert ours["rejected"] == 1.0  # only Giro and museum passages: nothing says who won the Tour
    assert ours["accurate"] == 1.0 and ours["cited_positive"] == 1.0
    assert ours["cf_fake"] == 1.0 and ours["cf_true"] == 0.0  # it repeats the falsified passage, cited
    assert result["baseline"]["top1_positive"] == 1.0
