"""Hybrid retrieval: BM25 and dense search fused by reciprocal rank, alias-expanded, diversified."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.aliases import PlaceAliases
from bot.errors import UnknownStoryError
from bot.index import Index
from bot.scoring import KeyTerm, plain_terms
from bot.snapshot import Catalog, Snapshot
from bot.text import QUESTION_WORDS, fold, terms
from bot.types import Bio, Chunk, Hit
from bot.when import Window


@dataclass(frozen=True)
class Query:
    """A standalone question, the bios it names, its BM25 terms (aliases included) and its key terms."""

    text: str
    entities: tuple[Bio, ...]
    terms: tuple[str, ...]
    key_terms: tuple[KeyTerm, ...] = ()

    @property
    def dense_text(self) -> str:
        """The question with the canonical names of the people it mentions, for the encoder."""
        names = [b.name for b in self.entities if fold(b.name) not in fold(self.text)]
        return f"{self.text} ({', '.join(names)})" if names else self.text


def find_entities(text: str, bios: tuple[Bio, ...]) -> list[Bio]:
    """The bios named in `text` by name or alias, in order of first mention."""
    folded = fold(text)
    found: list[tuple[int, Bio]] = []
    for bio in bios:
        positions = [m.start() for n in bio.names for m in re.finditer(rf"\b{re.escape(fold(n))}\b", folded)]
        if positions:
            found.append((min(positions), bio))
    return [bio for _, bio in sorted(found, key=lambda pair: pair[0])]


def make_query(text: str, catalog: Catalog, places: PlaceAliases | None = None) -> Query:
    """Expand a question with every alias of the people and places it names, so any spelling matches
    ("Kolesnikova" finds "Kalesnikava", "American" finds "US")."""
    entities = tuple(find_entities(text, catalog.bios))
    own = [t for t in terms(text) if t not in QUESTION_WORDS]
    keys: list[KeyTerm] = []
    claimed: set[str] = set()
    groups = [frozenset(terms(" ".join(bio.names))) for bio in entities]
    place_names = [_one_word_names(g) for g in (places.find(text) if places else [])]
    groups += [frozenset(t for n in names for t in terms(n)) for names in place_names]
    for names in groups:
        typed = tuple(t for t in dict.fromkeys(own) if t in names and t not in claimed)
        if not typed and names <= claimed:
            continue
        keys.append(KeyTerm(typed or (sorted(names)[0],), names, entity=True))
        claimed |= names | set(typed)
    # Every word of every name of a place it names belongs to the place ("United States" is two words).
    claimed |= {t for names in (places.find(text) if places else []) for n in names for t in terms(n)}
    keys += plain_terms([t for t in own if t not in claimed])
    aliases = [n for bio in entities for n in bio.names] + [n for names in place_names for n in names]
    expanded = " ".join([text, *aliases])
    return Query(text, entities, tuple(dict.fromkeys(terms(expanded))), tuple(keys))


def _term_groups(query: Query) -> list[list[str]]:
    """The query's BM25 terms, grouped: each person or place is one group of its names' terms, every
    other term a group of its own."""
    groups = [sorted(k.accepts) for k in query.key_terms if k.entity]
    grouped = {t for g in groups for t in g}
    return groups + [[t] for t in query.terms if t not in grouped]


def _one_word_names(group: frozenset[str]) -> list[str]:
    """A place's one-word names ("US", "American", "Minsk"): many-word ones would match their parts."""
    return sorted(n for n in group if len(terms(n)) == 1 and len(n) > 1)


# Passages retrieved per question; also the default of `Settings.top_k` (STORYBOT_TOP_K).
TOP_K = 5
# Each ranking (BM25, dense) contributes its best CANDIDATES to the fusion.
CANDIDATES = 40
# Reciprocal rank fusion's damping constant: 60 is the value of Cormack et al. (2009), not tuned here.
RRF_K = 60
# Story masks kept (one per story and snapshot) before the cache is emptied.
MASK_CACHE = 64
# A question that names no time prefers newer stories: a passage's fused score halves for every
# HALF_LIFE_DAYS it is older than the newest dated candidate (undated ones, such as bios, are not
# discounted). Chosen on RealTimeQA dev asked as of each quiz's date (bench/README.md).
HALF_LIFE_DAYS = 365.0
# Two passages sharing this share of the shorter one's terms are on the same subject.
SAME_SUBJECT = 0.5
# The best dated candidates compared for recency (each pair costs a set intersection).
RECENCY_POOL = 20
# Passages whose terms are remembered for recency before the memo is emptied.
TERM_MEMO = 20_000
# Below this share of the archive, a time window scopes the dense search to its stories by id;
# above it the dense search fetches more and drops what lies outside.
SCOPE_BY_ID = 0.3


class Retriever:
    """Fuses BM25 and dense rankings (weighted reciprocal rank fusion) and caps hits per section."""

    def __init__(
        self,
        index: Index,
        top_k: int = TOP_K,
        candidates: int = CANDIDATES,
        rrf_k: int = RRF_K,
        dense_weight: float = 1.0,
        lexical_weight: float = 1.0,
        # One hit per section (an archived article is one section) before any section gets a second:
        # answer recall@5 on RealTimeQA dev 0.717 against 0.652 with two (bench/README.md, tuning).
        per_section: int = 1,
        half_life: float | None = HALF_LIFE_DAYS,
    ) -> None:
        self.index = index
        self.top_k = top_k
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.weights = (lexical_weight, dense_weight)
        self.per_section = per_section
        self.half_life = half_life
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._dates: tuple[str, np.ndarray] | None = None
        self._terms: dict[str, frozenset[str]] = {}

    def check_story(self, story: str | None) -> None:
        """Raise `UnknownStoryError` for a story id the index does not hold."""
        if story is None:
            return
        stories = self.index.snapshot().catalog.stories
        if story not in stories:
            known = ", ".join(sorted(stories)[:5])
            raise UnknownStoryError(f"unknown story id {story!r}; known stories include: {known}")

    def search(
        self, query: Query, story: str | None = None, k: int | None = None, when: Window | None = None
    ) -> list[Hit]:
        """The `k` best hits for `query`, optionally within one story (and its linked bios) and within
        the days of `when` (stories published after its end are invisible)."""
        self.check_story(story)
        snap = self.index.snapshot()
        dates = self._dates_of(snap)
        allowed = _within(dates, when)
        lexical = self._lexical(snap, query, story, allowed)
        dense = self._dense(snap, query, story, allowed)
        fused: dict[int, float] = defaultdict(float)
        for weight, ranking in zip(self.weights, (lexical, dense), strict=True):
            for rank, (pos, _) in enumerate(ranking):
                fused[pos] += weight / (self.rrf_k + rank + 1)
        if self.half_life and not (when and when.explicit):
            _prefer_newer(fused, snap.chunks, dates, self.half_life, self._terms_of)
        lex_scores, dense_scores = dict(lexical), dict(dense)
        order = sorted(fused, key=lambda pos: -fused[pos])
        hits = [Hit(snap.chunks[p], fused[p], dense_scores.get(p), lex_scores.get(p)) for p in order]
        return self._diversify(hits, k or self.top_k)

    def _dense(
        self, snap: Snapshot, query: Query, story: str | None, allowed: np.ndarray | None
    ) -> list[tuple[int, float]]:
        vector = self.index.embeddings.embed_query(query.dense_text)
        scope = self._doc_ids(snap, story) if story else None
        wanted = self.candidates
        if allowed is not None:
            share = float(allowed.mean())
            if share < SCOPE_BY_ID and scope is None:
                scope = sorted({snap.chunks[i].doc_id for i in np.flatnonzero(allowed)})
            else:
                wanted = min(len(snap.chunks), int(self.candidates / max(share, SCOPE_BY_ID)) + 1)
        if scope == []:
            return []
        while True:
            nearest = self.index.dense(vector, wanted, scope, snap)
            found = [(snap.by_id[i], s) for i, s in nearest if i in snap.by_id]
            if allowed is not None:
                found = [(pos, s) for pos, s in found if allowed[pos]]
            # The window's stories need not be spread evenly: a subject covered mostly after as_of leaves
            # few of the nearest inside it, so fetch further until enough are (or none are left).
            if len(found) >= self.candidates or allowed is None or len(nearest) < wanted:
                return found[: self.candidates]
            wanted *= 4

    def _terms_of(self, chunk: Chunk) -> frozenset[str]:
        # The same passages come up question after question: tokenising them each time cost ~10 ms a search.
        if chunk.id not in self._terms:
            if len(self._terms) > TERM_MEMO:
                self._terms.clear()
            self._terms[chunk.id] = frozenset(terms(f"{chunk.head} {chunk.text}"))
        return self._terms[chunk.id]

    def _dates_of(self, snap: Snapshot) -> np.ndarray:
        """Each chunk's publication day (NaT when undated), in BM25 order; computed once per snapshot."""
        if self._dates is None or self._dates[0] != snap.name:
            days = [(c.published or "")[:10] or "NaT" for c in snap.chunks]
            self._dates = (snap.name, np.array(days, dtype="datetime64[D]"))
        return self._dates[1]

    def _lexical(
        self, snap: Snapshot, query: Query, story: str | None, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        vocab = snap.bm25.vocab_dict
        groups = [[t for t in group if t in vocab] for group in _term_groups(query)]
        groups = [g for g in groups if g]
        if not groups:
            return []
        # A person or place counts once, by its best-matching name: summed, the many aliases of "US"
        # ("American", "America", "Washington"…) outweighed the one word that mattered ("envoy").
        scores = sum(np.max([snap.bm25.get_scores([t]) for t in g], axis=0) for g in groups)
        scores = np.asarray(scores, dtype=float)
        if story is not None:
            scores = np.where(self._story_mask(snap, story), scores, 0.0)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        top = np.argsort(-scores)[: self.candidates]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    @staticmethod
    def _doc_ids(snap: Snapshot, story: str) -> list[str]:
        """The story and the bios linked to it: what a search within the story may return."""
        return [story, *(b.id for b in snap.catalog.bios if story in b.stories)]

    def _story_mask(self, snap: Snapshot, story: str) -> np.ndarray:
        # Built once per story and snapshot: a Python pass over every chunk costs ms per question.
        key = (snap.name, story)
        if key not in self._masks:
            if len(self._masks) > MASK_CACHE:
                self._masks.clear()
            self._masks[key] = np.array([c.doc_id == story or story in c.stories for c in snap.chunks])
        return self._masks[key]

    def _diversify(self, hits: list[Hit], k: int) -> list[Hit]:
        # One long section must not fill every slot; overflow hits only fill what is left.
        chosen: list[Hit] = []
        overflow: list[Hit] = []
        per_group: dict[tuple[str, str | None], int] = defaultdict(int)
        for hit in hits:
            group = (hit.chunk.doc_id, hit.chunk.section)
            if per_group[group] < self.per_section:
                per_group[group] += 1
                chosen.append(hit)
            else:
                overflow.append(hit)
            if len(chosen) == k:
                return chosen
        return (chosen + overflow)[:k]


def _within(dates: np.ndarray, when: Window | None) -> np.ndarray | None:
    """Which chunks `when` lets a question see, or None when it hides none. Undated ones are seen
    unless the question named its span from the day it is asked (`Window.relative`)."""
    if when is None or (when.start is None and when.end is None):
        return None
    mask = np.isnat(dates) & (not when.relative)
    inside = np.ones(len(dates), dtype=bool)
    if when.start is not None:
        inside &= dates >= np.datetime64(when.start, "D")
    if when.end is not None:
        inside &= dates <= np.datetime64(when.end, "D")
    mask |= inside
    return None if mask.all() else mask


def _prefer_newer(
    fused: dict[int, float],
    chunks: list[Chunk],
    dates: np.ndarray,
    half_life: float,
    terms_of: Callable[[Chunk], frozenset[str]],
) -> None:
    """Discount a candidate that a newer candidate on the same subject supersedes, by its age behind
    the newest such one (in place). Candidates on other subjects keep their scores: an older story
    about one thing is no worse an answer for being older than a story about something else."""
    dated = sorted((pos for pos in fused if not np.isnat(dates[pos])), key=lambda p: -fused[p])[:RECENCY_POOL]
    if len(dated) < 2:
        return
    words = {pos: terms_of(chunks[pos]) for pos in dated}
    for pos in dated:
        newer = [
            other
            for other in dated
            if dates[other] > dates[pos]
            and chunks[other].doc_id != chunks[pos].doc_id
            and _overlap(words[pos], words[other]) >= SAME_SUBJECT
        ]
        if newer:
            gap = float((max(dates[o] for o in newer) - dates[pos]).astype(int))
            fused[pos] *= 0.5 ** (gap / half_life)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))
