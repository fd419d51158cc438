"""Words typed with a slip or in another spelling ("Babarika", "Kolesnikova", "relased").

Readers rarely spell a Belarusian or Indian name the way a story does, and a name the corpus never
uses vetoes the question outright (`verify.unknown_names`); a mistyped ordinary word ("relased") is
missed by the lexical search and counts against the reader's coverage. Before either, a word that
neither the corpus nor the dictionary knows is read as the corpus word it is closest to, when the
closest ones are all spellings of one thing (one person's names, one word's inflections). The answer
says which reading it took, so a reader who meant something else can tell.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.lexicon import Lexicon
from bot.text import QUESTION_WORDS, STOPWORDS, fold, stem
from bot.types import Bio

# Capitalised words of the corpus (a name, or a sentence's first word, which the dictionary filters out).
_CAPITALISED = re.compile(r"(?<![\w'’-])[^\W\d_a-z][^\W\d_]{3,}")
# Lower-case words of the corpus: what an ordinary word with a slip is read as.
_LOWER = re.compile(r"(?<![\w'’-])[a-z]{4,}(?![\w-])")
_TOKEN = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:['’]s)?")
# Words shorter than this are too often initials, or slips of too many words, to correct.
MIN_LENGTH = 4


def vocabulary(texts: Iterable[str]) -> tuple[str, ...]:
    """The words a misspelling may be read as: every capitalised word (a name, or a sentence's first
    word, which `Speller.build` drops when the dictionary knows it) and the lower-case words used more
    than once (a word seen once may itself be a slip). Computed when a snapshot is written."""
    names: dict[str, None] = {}
    lower: Counter[str] = Counter()
    for text in texts:
        names.update(dict.fromkeys(_CAPITALISED.findall(text)))
        lower.update(_LOWER.findall(text))
    return tuple(names) + tuple(sorted(w for w, n in lower.items() if n > 1))


def max_edits(length: int) -> int:
    """Edits allowed for a word of this length: one slip in a short word, more in a long one
    ("Kolesnikova" for "Kalesnikava" is two, in eleven letters)."""
    return 1 if length <= 6 else 2 if length <= 11 else 3


@dataclass(frozen=True)
class Correction:
    """One word of the question read as a corpus word."""

    typed: str
    name: str


@dataclass(frozen=True)
class Speller:
    """The corpus's words (folded, with their surface form), by first letter and length.

    `group` names what a word is a spelling of: a person (their bio's id) for their names and aliases,
    a stem for ordinary words; words of one group are never rivals.
    """

    words: dict[str, str] = field(default_factory=dict)
    group: dict[str, str] = field(default_factory=dict)
    # Words of the bios' own names: of several spellings of a person, the one a reading gives.
    titles: frozenset[str] = frozenset()
    _buckets: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, words: Iterable[str], lexicon: Lexicon, people: Iterable[Bio] = ()) -> Speller:
        """A speller over a corpus's `vocabulary` and its bios: names (capitalised words the dictionary
        does not know as ordinary ones) and, with a dictionary, lower-case words."""
        bios = list(people)
        names: dict[str, str] = {}
        lower: dict[str, str] = {}
        for surface in [*words, *(w for b in bios for alias in (b.name, *b.aliases) for w in alias.split())]:
            folded = fold(surface)
            if len(folded) < MIN_LENGTH or not folded.isalpha():
                continue
            if surface[:1].isupper():
                if not _ordinary(folded, lexicon):
                    names.setdefault(folded, surface)
            elif not lexicon.empty:
                lower.setdefault(folded, surface)
        known = {w: w for w in lower if w not in names} | names
        group = {w: stem(w) for w in known if w not in names} | _same_person(bios)
        buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for folded in known:
            buckets[folded[0], len(folded)].append(folded)
        titles = frozenset(w for b in bios for w in fold(b.name).split())
        return cls(known, group, titles, {k: tuple(v) for k, v in buckets.items()})

    def correct(
        self, question: str, known: Callable[[str], bool], lexicon: Lexicon
    ) -> tuple[str, tuple[Correction, ...]]:
        """The question with each unknown word read as its closest corpus word, and the readings.

        `known` says whether the corpus uses a word; such words, and the dictionary's ordinary words,
        are left alone.
        """
        corrections: list[Correction] = []
        parts: list[str] = []
        last = 0
        for match in _TOKEN.finditer(question):
            token = match.group()
            word = token.removesuffix("'s").removesuffix("’s")
            folded = fold(word)
            if len(folded) < MIN_LENGTH or not folded.isalpha() or folded in STOPWORDS or folded in QUESTION_WORDS:
                continue
            if known(folded) or _ordinary(folded, lexicon):
                continue
            # Without a dictionary any word might be an ordinary one: only a capitalised word past the
            # first is taken for a name.
            if lexicon.empty and not (match.start() and word[:1].isupper()):
                continue
            found = self.nearest(folded)
            if found is None:
                continue
            surface = self.words[found]
            parts += [question[last : match.start()], surface + token[len(word) :]]
            last = match.end()
            corrections.append(Correction(word, surface))
        return "".join(parts) + question[last:], tuple(corrections)

    def nearest(self, word: str) -> str | None:
        """The closest word within `max_edits` of `word` (same first letter), or None when there is
        none, or the closest are spellings of different things."""
        limit = max_edits(len(word))
        best: list[str] = []
        best_distance = limit + 1
        for length in range(len(word) - limit, len(word) + limit + 1):
            for other in self._buckets.get((word[0], length), ()):
                distance = edit_distance(word, other, limit + 1)
                if distance < best_distance:
                    best, best_distance = [other], distance
                elif distance == best_distance <= limit:
                    best.append(other)
        if len({self.group.get(w, w) for w in best}) != 1:
            return None
        # Several spellings of one person ("Babaryka", "Babariko"): the one their bio is named by.
        named = [w for w in best if w in self.titles]
        return (named or best)[0]


def _same_person(bios: list[Bio]) -> dict[str, str]:
    """Each word of a bio's name and aliases mapped to the bio, when only one bio uses it ("Babariko",
    "Babaryka" → viktar-babaryka; a first name two bios share stays unmapped)."""
    owners: dict[str, set[str]] = defaultdict(set)
    for bio in bios:
        for alias in (bio.name, *bio.aliases):
            for word in fold(alias).split():
                owners[word].add(bio.id)
    return {word: f"bio:{next(iter(ids))}" for word, ids in owners.items() if len(ids) == 1}


def _ordinary(word: str, lexicon: Lexicon) -> bool:
    """A dictionary word that is not only a name ("release", not "minsk")."""
    return lexicon.knows(word) and word not in lexicon.names


def edit_distance(a: str, b: str, cap: int) -> int:
    """Deletions, insertions, substitutions and swaps of neighbours turning `a` into `b`; any value
    of `cap` or more is returned as `cap` (the search stops early)."""
    if abs(len(a) - len(b)) >= cap:
        return cap
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) >= cap:
            return cap
        before, row = row, current
    return min(row[-1], cap)
