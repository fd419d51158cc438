"""Quality suites: retrieval and answers on RealTimeQA, RGB robustness, the seed story, citation precision.

Every suite takes built systems and returns plain dicts of figures, so the runner can put Storybot and
the baseline side by side and the tests can run a suite on a toy corpus.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chromadb.api import ClientAPI
from langchain_core.embeddings import Embeddings

from bench.baseline import BaselineRag
from bench.data import Question, RgbItem
from bot.bot import Bot
from bot.editor.checks import load_cases, run_case
from bot.errors import BotError
from bot.faithful import Faithfulness
from bot.retrieve import make_query
from bot.scoring import Idf, idf_table
from bot.snapshot import Catalog
from bot.types import Answer, Citation, Corpus, Section, Story
from bot.when import parse_as_of, window

KS = (1, 5, 10)
DECLINE = re.compile(
    r"\b(?:don['’]?t know|do not know|(?:does|do) not (?:mention|provide|say|state|specify|contain|include)"
    r"|not (?:mentioned|provided|stated|specified|included)|no information|unable to (?:answer|determine|find)"
    r"|cannot (?:answer|determine|find|be determined))",
    re.I,
)


def mentions(text: str, answer: str) -> bool:
    """True when `answer` occurs in `text` as whole words, ignoring case ("0" is not in "2020")."""
    return re.search(rf"(?<!\w){re.escape(answer.strip())}(?!\w)", text, re.I) is not None


def contains(text: str, answer: str) -> bool:
    """The retrieval measure's match: the answer string anywhere in the text, ignoring case."""
    return answer.strip().casefold() in text.casefold()


def share(flags: Sequence[bool]) -> float | None:
    """The share of true flags, or None for no flags."""
    return round(sum(flags) / len(flags), 3) if flags else None


# --- 1. retrieval --------------------------------------------------------------------------------


def storybot_passages(bot: Bot, question: str, k: int, as_of: str | None = None) -> list[str]:
    """Storybot's top-k hits for a question, through its own query expansion, with their titles
    (as the baseline's chunks carry the article title on their first line), as of a day if given."""
    query = make_query(question, bot.catalog())
    when = window(question, parse_as_of(as_of)) if as_of else None
    return [hit.chunk.embedding_text() for hit in bot.retriever.search(query, k=k, when=when)]


def baseline_passages(rag: BaselineRag, question: str, k: int) -> list[str]:
    """The texts of the tutorial retriever's top-k."""
    return [doc.page_content for doc in rag.retrieve(question, k)]


def recall_at_k(passages: Callable[[Question, int], list[str]], questions: Sequence[Question]) -> dict[str, Any]:
    """Answer recall@k: the share of questions with the answer string in one of the top-k passages."""
    found = {k: [] for k in KS}  # type: dict[int, list[bool]]
    for q in questions:
        texts = passages(q, max(KS))
        for k in KS:
            found[k].append(any(contains(t, q.answer) for t in texts[:k]))
    return {"questions": len(questions), **{f"recall@{k}": share(found[k]) for k in KS}}


# --- 2. answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asked:
    """One question put to a system and what came back."""

    question: str
    expected: tuple[str, ...]
    text: str
    refused: bool
    answer: Answer | None = None
    error: bool = False

    @property
    def correct(self) -> bool:
        """Answered, and the text contains one of the expected answers."""
        return not self.refused and any(mentions(self.text, a) for a in self.expected)


def ask_storybot(bot: Bot, question: str, expected: tuple[str, ...], as_of: str | None = None) -> Asked:
    """Ask Storybot (as of a day, if given), recording a bot error as a refusal with its message."""
    try:
        answer = bot.ask(question, as_of=parse_as_of(as_of) if as_of else None)
    except BotError as exc:
        return Asked(question, expected, str(exc), True, error=True)
    return Asked(question, expected, answer.text, answer.refused, answer)


def ask_baseline(rag: BaselineRag, question: str, expected: tuple[str, ...]) -> Asked:
    """Ask the tutorial pipeline; a reply saying it does not know counts as declining."""
    text = rag.answer(question)
    return Asked(question, expected, text, DECLINE.search(text) is not None)


def answer_figures(asked: Sequence[Asked]) -> dict[str, Any]:
    """Accuracy (answer contains the correct choice) and refusal rate."""
    return {
        "questions": len(asked),
        "accuracy": share([a.correct for a in asked]),
        "refused": share([a.refused and not a.error for a in asked]),
        "errors": sum(a.error for a in asked),
    }


# --- 3. RGB --------------------------------------------------------------------------------------


def passages_corpus(passages: Sequence[str], prefix: str) -> Corpus:
    """Search-result passages as one-section stories with a neutral title (the title carries no answer)."""
    stories = tuple(
        Story(
            id=f"{prefix}-{n}", title=f"Search result {n + 1}", sections=(Section("", text, 1),), path=f"{prefix}:{n}"
        )
        for n, text in enumerate(dict.fromkeys(p for p in passages if p.strip()))
    )
    return Corpus(stories=stories, bios=())


def rgb_suite(
    make_bot: Callable[[Corpus], Bot],
    items: Sequence[RgbItem],
    embeddings: Embeddings,
    client: ClientAPI,
    baseline_llm: bool = False,
) -> dict[str, dict[str, Any]]:
    """Negative rejection, noise robustness (with a cited positive passage) and counterfactual behaviour."""
    ours: dict[str, list[bool]] = {
        k: [] for k in ("top1_positive", "rejected", "accurate", "cited_positive", "cf_true", "cf_fake", "cf_refused")
    }
    base: dict[str, list[bool]] = {k: [] for k in ("top1_positive", "rejected", "accurate")}
    for n, item in enumerate(items):
        negative = passages_corpus(item.negative, f"rgb{n}-neg")
        noisy = passages_corpus([*item.positive, *item.negative], f"rgb{n}-mix")
        wrong = passages_corpus([*item.positive_wrong, *item.negative], f"rgb{n}-cf")
        ours["rejected"].append(ask_storybot(make_bot(negative), item.query, item.answers).refused)
        noisy_bot = make_bot(noisy)
        ours["top1_positive"].append(_passage_of(storybot_passages(noisy_bot, item.query, 1)[0], set(item.positive)))
        got = ask_storybot(noisy_bot, item.query, item.answers)
        ours["accurate"].append(got.correct)
        positives = set(item.positive)
        ours["cited_positive"].append(
            got.correct
            and got.answer is not None
            and any(_passage_of(c.quote, positives) for c in got.answer.citations)
        )
        cf = ask_storybot(make_bot(wrong), item.query, item.answers)
        ours["cf_refused"].append(cf.refused)
        ours["cf_true"].append(cf.correct)
        ours["cf_fake"].append(not cf.refused and any(mentions(cf.text, a) for a in item.fake_answers))
        rag = BaselineRag.build(noisy, embeddings, client)
        top = rag.retrieve(item.query, 1)
        base["top1_positive"].append(bool(top) and _passage_of(top[0].page_content, positives))
        if baseline_llm:
            base["accurate"].append(ask_baseline(rag, item.query, item.answers).correct)
            rag_neg = BaselineRag.build(negative, embeddings, client)
            base["rejected"].append(ask_baseline(rag_neg, item.query, item.answers).refused)
    return {
        "storybot": {"items": len(items), **{k: share(v) for k, v in ours.items()}},
        "baseline": {"items": len(items), **{k: share(v) for k, v in base.items() if v}},
    }


def _passage_of(text: str, passages: set[str]) -> bool:
    # A quote is a sentence of a passage, and a tutorial chunk holds a passage after its title.
    return any(text.strip() in p or p in text for p in passages)


# --- 4. the seed story ---------------------------------------------------------------------------


def seed_suite(bot: Bot, cases_file: Path, limit: int | None = None) -> dict[str, Any]:
    """The seed story's question set: answered correctly (with the expected citations) and refused correctly."""
    results = [run_case(bot, case) for case in load_cases(cases_file)[:limit]]
    answerable = [r for r in results if r.case.refused is not True]
    refusals = [r for r in results if r.case.refused is True]
    return {
        "questions": len(results),
        "answerable": len(answerable),
        "answered_correctly": share([r.passed for r in answerable]),
        "unanswerable": len(refusals),
        "refused_correctly": share([r.passed for r in refusals]),
        "failures": [f"{r.case.question} -> {'; '.join(r.reasons)}" for r in results if not r.passed],
        "answers": [(r.case.question, r.answer) for r in results],
    }


# --- 5. citation precision -----------------------------------------------------------------------


def cited_pairs(answer: Answer) -> list[tuple[str, str]]:
    """(sentence, quoted passage) for every citation of every answer sentence."""
    return [(sentence, citation.quote) for sentence, citation in _cited(answer)]


def _cited(answer: Answer) -> list[tuple[str, Citation]]:
    by_number = {c.number: c for c in answer.citations}
    return [(s.text, by_number[n]) for s in answer.sentences for n in s.citations if n in by_number]


Judged = tuple[str, Answer, Idf]  # question, answer, IDF table of the corpus it came from

# Citations are judged with the corpus's IDF table and a word it never uses at this weight, not the
# bot's own `unknown_idf`: the recorded citation figures were measured so, and stay comparable.
JUDGING_UNKNOWN_WEIGHT = 1.0


def judging_idf(catalog: Catalog) -> Idf:
    """The IDF table citation precision is judged with (see `JUDGING_UNKNOWN_WEIGHT`)."""
    return Idf(idf_table(catalog), JUDGING_UNKNOWN_WEIGHT)


def citation_precision(answers: Sequence[Judged], check: Faithfulness) -> dict[str, Any]:
    """The share of cited sentences that their quote supports, by the answerer's own checker."""
    pairs = [(pair, idf) for _, a, idf in answers if not a.refused for pair in _cited(a)]
    supported = [check.supports(sentence, c.quote, c.entity, idf) for (sentence, c), idf in pairs]
    return {"cited_sentences": len(pairs), "supported": share(supported)}


def citation_sample(answers: Sequence[Judged], size: int = 30, seed: int = 7) -> list[dict[str, str]]:
    """A reproducible random sample of (question, sentence, quote) to check by hand."""
    rows = [
        {"question": q, "sentence": sentence, "chunk_id": c.chunk_id, "quote": c.quote}
        for q, a, _ in answers
        if not a.refused
        for sentence, c in _cited(a)
    ]
    return random.Random(seed).sample(rows, min(size, len(rows)))
