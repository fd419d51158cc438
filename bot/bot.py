"""The `Bot` facade and `build_bot`, the one place that constructs the pipeline."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from chromadb.api import ClientAPI
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from bot.aliases import PlaceAliases
from bot.answer import Answerer, compose
from bot.chunking import Chunking
from bot.config import Settings
from bot.conversation import Message, RuleCondenser, clean_question, validate_history
from bot.corpus import load_corpus
from bot.embeddings import build_embeddings
from bot.errors import BotError, StoreError
from bot.faithful import Faithfulness, FaithModel, faithfulness_for
from bot.index import Index, IndexReport, Progress
from bot.lexicon import DEFAULT_WORDNET_DIR, Lexicon
from bot.llm import LLMAnswerer, LLMCondenser, build_chat_model
from bot.offers import Offers, own_questions, recheck, story_prints
from bot.reader import Reader, reader_for
from bot.reader_model import ReaderModel
from bot.retrieve import Query, Retriever, make_query
from bot.scoring import Idf
from bot.snapshot import Catalog
from bot.spelling import Correction, Speller, vocabulary
from bot.suggestions import EditorQuestion, SuggestionStore, Verdict
from bot.suspicious import in_corpus
from bot.topic import Topics
from bot.types import Answer, Bio, Chunk, Draft, Hit, StoryInfo
from bot.verify import Evidence, assess, known_word, spelled_out
from bot.when import anchored, parse_as_of, window, without_event

log = logging.getLogger(__name__)


class Condenser(Protocol):
    """Rewrites a follow-up into a standalone question."""

    def condense(self, question: str, history: list[Message], bios: tuple[Bio, ...]) -> str:
        """The standalone question."""
        ...


@dataclass(frozen=True)
class Trace:
    """What the pipeline did for one question, for debugging and benchmarks."""

    standalone: str
    hits: tuple[Hit, ...]
    evidence: Evidence
    query: Query
    idf: Idf
    corrections: tuple[Correction, ...] = ()


class Bot:
    """Answers questions from the index with cited passages; every surface is a thin layer over it."""

    def __init__(
        self,
        settings: Settings,
        index: Index,
        retriever: Retriever,
        answerer: Answerer,
        condenser: Condenser,
        reader: Reader,
        places: PlaceAliases,
        lexicon: Lexicon | None = None,
        faithfulness: Faithfulness | None = None,
        suggestions: SuggestionStore | None = None,
    ) -> None:
        self.settings = settings
        self.index = index
        self.retriever = retriever
        self.answerer = answerer
        self.condenser = condenser
        self.reader = reader
        self.places = places
        self.topics = Topics(retriever, places)
        self.lexicon = lexicon or Lexicon()
        self.faithfulness = faithfulness or Faithfulness(FaithModel.load(lexical=True), None, places, self.lexicon)
        # The last question's pipeline state, for tests and benchmarks (not for concurrent callers).
        self.last_trace: Trace | None = None
        self._idf_for: str | None = None
        self._idf_cache = Idf({}, 0.0)
        self._speller_for: str | None = None
        self._speller = Speller()
        # Editors' questions (the conversations' database) and the verdicts of suggested questions
        # (checked as stories are indexed, kept beside the index).
        self.suggestions = suggestions or SuggestionStore(
            settings.channels.conversations_url, settings.max_question_chars
        )
        self.offers = Offers(self._answers, index.root / "offers")
        self._last_check: tuple[str, dict[str, str]] | None = None

    def ask(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        story: str | None = None,
        *,
        as_of: date | None = None,
    ) -> Answer:
        """Answer `question` in the conversation `history` (OpenAI-style messages), optionally within one
        story, as of a day (today by default: stories published later are invisible)."""
        for event in self.ask_stream(question, history, story, as_of=as_of):
            if isinstance(event, Answer):
                return event
        raise AssertionError("ask_stream ended without an answer")

    def ask_stream(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        story: str | None = None,
        retry: bool = True,
        *,
        as_of: date | None = None,
    ) -> Iterator[str | Answer]:
        """Like `ask`, but first yields the answerer's raw text as it is generated (LLM answerers only).

        The raw text is unverified: show it as a draft. The final `Answer` replaces it. An answer citing
        a passage withdrawn meanwhile is answered again from the live index (`retry`).
        """
        question = clean_question(question, self.settings.max_question_chars)
        trace = self.trace(question, validate_history(history), story, as_of)
        self.last_trace = trace
        query, hits, idf, evidence = trace.query, list(trace.hits), trace.idf, trace.evidence
        if not evidence.answerable:
            yield _noting(trace.corrections, self.refusal(evidence, story, question, hits))
            return
        draft = yield from self.answerer.stream(query, hits, idf)
        answer = _noting(trace.corrections, self._finish(draft, query, hits, idf, evidence, story, question))
        if retry and self._withdrawn(answer):
            # A story taken down (or corrected) while this was answered: answer from what is live now.
            # Its final answer only: a second draft would be shown after the first.
            again = self.ask_stream(question, history, story, retry=False, as_of=as_of)
            yield next(e for e in again if isinstance(e, Answer))
            return
        yield answer

    def _withdrawn(self, answer: Answer) -> bool:
        """True when a cited passage is no longer in the live index."""
        live = self.index.snapshot().by_id
        return any(c.chunk_id not in live for c in answer.citations)

    def trace(
        self, question: str, messages: list[Message], story: str | None = None, as_of: date | None = None
    ) -> Trace:
        """Everything before answering: the standalone question, its hits and whether it may be answered."""
        self.retriever.check_story(story)
        catalog = self.catalog()
        # Spelling first, for the earlier questions too: the condenser must recognise the person a
        # misspelt earlier question named ("who is tsikhanovskaya" then "what does she do now"). Only
        # the readings of this question are shown with its answer.
        known = partial(known_word, catalog=catalog, places=self.places)
        speller = self.speller()
        question, corrections = speller.correct(question, known, self.lexicon)
        when = window(question, parse_as_of(as_of))
        messages = [
            {**m, "content": speller.correct(m["content"], known, self.lexicon)[0]} if m["role"] == "user" else m
            for m in messages
        ]
        standalone = self.condenser.condense(question, messages, catalog.bios)
        query = make_query(standalone, catalog, self.places)
        if not when.explicit:  # "And in Belarus?" after "What happened in 2022?": the span carries over
            when = window(standalone, when.end or parse_as_of(as_of))
        anchor = anchored(question, when, partial(self.topics.event_day, when=when))
        if anchor != when:
            when, standalone = anchor, without_event(standalone)
            query = make_query(standalone, catalog, self.places)
        hits = self.topics.search(query, story, messages, when)
        expansions = spelled_out(standalone, [h.chunk.text for h in hits], catalog)
        if expansions:  # "WSJ" where the stories say "Wall Street Journal": ask again with both
            standalone = f"{standalone} ({', '.join(expansions.values())})"
            query = make_query(standalone, catalog, self.places)
            hits = self.topics.search(query, story, messages, when)
        evidence = assess(query, catalog, self.places, self.lexicon, known=expansions.keys())
        return Trace(standalone, tuple(hits), evidence, query, self.idf(), corrections)

    def speller(self) -> Speller:
        """The live index's names, for reading a misspelt name as the one the stories use."""
        snapshot = self.index.snapshot()
        if self._speller_for != snapshot.name:
            # Snapshots written before the vocabulary was kept are read once for it.
            words = snapshot.catalog.vocabulary or vocabulary(c.text for c in snapshot.chunks)
            self._speller = Speller.build(words, self.lexicon, snapshot.catalog.bios)
            self._speller_for = snapshot.name
        return self._speller

    def _finish(
        self,
        draft: Draft,
        query: Query,
        hits: list[Hit],
        idf: Idf,
        evidence: Evidence,
        story: str | None,
        question: str,
    ) -> Answer:
        sentences = [] if draft.declined else self.faithfulness.verify(draft.sentences, hits, idf)
        if not sentences and self.answerer is not self.reader:
            # The model declined or its sentences failed verification. Small local models decline
            # answerable questions far too often: the reader's answer stands if it clears its threshold.
            sentences = self.faithfulness.verify(self.reader.draft(query, hits, idf).sentences, hits, idf)
        if not sentences:
            return self.refusal(evidence, story, question, hits)
        return compose(sentences, hits, self.catalog().stories)

    def index_corpus(self, paths: Sequence[Path] | None = None, progress: Progress | None = None) -> IndexReport:
        """Load, chunk and index the corpus (default: the settings' corpus folder)."""
        corpus = load_corpus(paths or [self.settings.corpus_dir])
        report = replace(self.index.build(corpus, progress), flagged=(*corpus.warnings, *in_corpus(corpus)))
        try:
            self.check_suggestions()
        except Exception:  # the new index is live: a failed check must not report the build as failed
            log.exception(
                "suggested questions not checked on snapshot %s; they are checked when asked", report.snapshot
            )
        return report

    def check_suggestions(self) -> None:
        """Check the stories' suggested questions (those not yet checked on the live snapshot) and the editors'
        questions last checked on another, as a story is indexed: a reader's request then only looks them up."""
        snapshot = self.index.snapshot()
        key = self.offers_key(snapshot.name)
        prints = story_prints(snapshot.chunks)
        if self._last_check is not None:
            # A story whose passages (and its profiles') are unchanged keeps its verdicts: publishing one
            # story into an archive must not ask every other story's questions again.
            last_key, last_prints = self._last_check
            self.offers.carry(last_key, key, {s for s, p in prints.items() if last_prints.get(s) == p})
        changed = {s for s, p in prints.items() if self._last_check is None or self._last_check[1].get(s) != p}
        edits = self.editor_questions()
        self.offers.check(key, own_questions(snapshot.catalog.stories.values(), edits))
        self._last_check = (key, prints)
        recheck(self.suggestions, edits, key, changed & set(snapshot.catalog.stories), self.verdict)
        self.offers.prune(lambda kept: (self.index.root / "snapshots" / kept.split(".")[0]).is_dir())

    def verdict(self, question: str, story: str, checked_on: str = "") -> Verdict:
        """Whether a suggested question passes within its story: answered, not refused. (The Editor's
        checks, `bot/editor/checks.py`, also judge the answer's citations; their verdict is the one kept
        for a question an editor checks there.)"""
        try:
            answer = self.ask(question, story=story)
        except BotError as exc:  # a question the bot cannot take (too long, control characters) fails
            return Verdict(False, (f"not asked: {exc}",), checked_on)
        return Verdict(not answer.refused, ("refused: " + answer.reason,) if answer.refused else (), checked_on)

    def offers_key(self, snapshot: str) -> str:
        """What a suggested question's verdict depends on: the snapshot and who answers (and how strictly)."""
        setup = f"{self.settings.answerer}|{self.settings.llm_model}|{self.settings.reader_threshold}"
        setup += f"|{self.settings.reader_model}"
        return f"{snapshot}.{hashlib.sha256(setup.encode()).hexdigest()[:8]}"

    def editor_questions(self, story: str | None = None) -> list[EditorQuestion]:
        """The questions editors added to `story` (to every story when None); none while their store
        cannot be read (logged), so a reader still gets the story's own suggestions."""
        try:
            return self.suggestions.questions(story)
        except StoreError as exc:
            log.error("%s", exc)
            return []

    def passage(self, chunk_id: str) -> Chunk | None:
        """The indexed chunk with this id, for showing a citation in context."""
        snapshot = self.index.snapshot()
        position = snapshot.by_id.get(chunk_id)
        return None if position is None else snapshot.chunks[position]

    def catalog(self) -> Catalog:
        """Stories and bios of the live index."""
        return self.index.snapshot().catalog

    def stories(self) -> list[StoryInfo]:
        """The indexed stories, newest first (undated last)."""
        return sorted(self.catalog().stories.values(), key=lambda s: s.published or "", reverse=True)

    def refusal(
        self, evidence: Evidence, story: str | None = None, question: str = "", hits: Sequence[Hit] = ()
    ) -> Answer:
        """A plain "the sources don't say" answer, naming what was missing and suggesting covered questions:
        the story's, or when asked across all stories, those of the story the nearest passages come from."""
        if evidence.unclear_person:
            return Answer(
                refused=True, reason=f"Who do you mean by “{evidence.unclear_person}”? Name the person and ask again."
            )
        reason = "The sources here don't say."
        if evidence.missing:
            names = ", ".join(f"“{m}”" for m in evidence.missing[:3])
            reason += f" Nothing in the stories I have mentions {names}."
        else:
            reason += " I couldn't find a passage that answers this question."
        asked = question.casefold().strip()
        near = story or nearest_story(hits, self.catalog().stories)
        suggestions = [q for q in self.suggested_questions(near) if q.casefold().strip() != asked][:2]
        return Answer(refused=True, reason=reason, suggestions=tuple(suggestions))

    def suggested_questions(self, story: str | None = None) -> list[str]:
        """The suggested questions of one story, or of all stories, that pass the editor's check: a reader is
        never offered a question it would refuse (checked as the story is indexed, `bot/offers.py`), and
        editors' questions that passed their last check are offered too."""
        snapshot = self.index.snapshot()
        stories = snapshot.catalog.stories
        chosen = [stories[story]] if story in stories else list(stories.values())
        key = self.offers_key(snapshot.name)
        edits = self.editor_questions(story if story in stories else None)
        return [
            question
            for s in chosen
            for question in self.offers.with_editors(
                key, s.id, [q.question for q in s.questions], [e for e in edits if e.story == s.id]
            )
        ]

    def _answers(self, question: str, story: str) -> bool:
        # Only for a question left unchecked at indexing (a snapshot swapped in by another process just
        # before its checks were kept); the reader's trace stays theirs.
        kept = self.last_trace
        try:
            return self.verdict(question, story).passed
        finally:
            self.last_trace = kept

    def warm(self) -> str:
        """Answer one question of the newest story, so the reader's first question finds everything loaded
        (snapshot, embedding model, word lists, reader, IDF table); returns the question asked."""
        self.check_suggestions()  # only those not checked when indexed: usually none
        stories = self.stories()
        story = stories[0].id if stories else None
        question = (self.suggested_questions(story) if story else [])[:1] or ["What happened?"]
        self.ask(question[0], story=story)
        # A question naming a section is answered by its opening, past the reader's scoring: also ask the
        # title, which goes through all of it (word vectors, the lexicon's WordNet, the model's shapes).
        # Without it the first reader's question took 3.1x the next ten's median, once suggestions were
        # checked at indexing instead of being asked here.
        if stories:
            self.ask(f"{stories[0].title}?", story=story)
        return question[0]

    def idf(self) -> Idf:
        """The live index's IDF table (a word it never uses weighs `scoring.unknown_idf`)."""
        # One table per snapshot: computing it per question would cost O(vocabulary) each time.
        snapshot = self.index.snapshot()
        key = snapshot.name
        if self._idf_for != key:
            self._idf_cache = Idf.of(snapshot.catalog)
            self._idf_for = key
        return self._idf_cache


def nearest_story(hits: Sequence[Hit], stories: Mapping[str, StoryInfo]) -> str | None:
    """The story of the best hit that belongs to one (a profile belongs to the stories it is linked to)."""
    for hit in hits:
        for story in (hit.chunk.doc_id, *hit.chunk.stories):
            if story in stories:
                return story
    return None


def _noting(corrections: tuple[Correction, ...], answer: Answer) -> Answer:
    """The answer led by the readings of misspelt names it rests on, so a reader can tell."""
    if not corrections:
        return answer
    readings = ", ".join(f"“{c.typed}” as “{c.name}”" for c in corrections)
    return replace(answer, note=f"Reading {readings}.")


def build_bot(
    settings: Settings,
    *,
    embeddings: Embeddings | None = None,
    chat_model: BaseChatModel | None = None,
    chroma_client: ClientAPI | None = None,
    reader_model: ReaderModel | None = None,
) -> Bot:
    """Build the whole pipeline from `settings`; tests inject fakes for the models and the store."""
    model = embeddings or build_embeddings(settings.embedding_model)
    chunking = Chunking.of(settings.chunk_chars, settings.chunk_overlap)
    index = Index(settings.index_dir, model, settings.embedding_model, client=chroma_client, chunking=chunking)
    retriever = Retriever(index, top_k=settings.top_k)
    places = PlaceAliases.load()
    lexicon = Lexicon.load(settings.wordnet_dir or DEFAULT_WORDNET_DIR)
    reader = reader_for(settings, model, places, lexicon, reader_model)
    answerer: Answerer = reader
    condenser: Condenser = RuleCondenser()
    if chat_model is not None or settings.answerer.uses_chat_model:
        chat = chat_model or build_chat_model(settings)
        answerer, condenser = LLMAnswerer(chat), LLMCondenser(chat)
    faithfulness = faithfulness_for(settings, model, places, lexicon)
    return Bot(settings, index, retriever, answerer, condenser, reader, places, lexicon, faithfulness)
