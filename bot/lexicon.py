"""An English lexicon from WordNet (Debian's `wordnet-base`), to tell a name from an ordinary word.

Readers type names in lower case ("did putin release them?"). A capitalised name the corpus never
uses already vetoes the question (`verify.unknown_names`); in lower case only a dictionary can tell
"putin" from "instrument". WordNet lists every sense of a word with its case, so a word whose every
sense is capitalised is a name ("Putin", "Minsk"), and one WordNet lacks entirely is a name unless it
is one typing slip away from a known word ("recieve", "lukashneko").
"""

from __future__ import annotations

import logging
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from bot.errors import ModelError

# Where Debian's `wordnet-base` puts the WordNet 3.0 database.
DEFAULT_WORDNET_DIR = Path("/usr/share/wordnet")
_PARTS = ("noun", "verb", "adj", "adv")
# Inflections stripped to find a dictionary form, as WordNet's own morphology does ("swapped" → "swap").
_SUFFIXES = (
    ("ies", "y"),
    ("ses", "s"),
    ("xes", "x"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("men", "man"),
    ("es", "e"),
    ("es", ""),
    ("s", ""),
    ("ed", "e"),
    ("ed", ""),
    ("ing", "e"),
    ("ing", ""),
    ("er", ""),
    ("er", "e"),
    ("est", ""),
    ("est", "e"),
    ("ly", ""),
)
# Shorter words are too often abbreviations or slips to call names.
MIN_NAME_LENGTH = 4
# The shortest piece of a word run together from two ("live" + "stream").
MIN_PART = 3

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lexicon:
    """Lower-cased WordNet words, split into ordinary words and names (every sense capitalised)."""

    words: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    # Irregular forms and their dictionary form ("went" → "go", "largest" → "large").
    inflections: dict[str, str] = field(default_factory=dict)
    # Lemma pairs WordNet marks as opposites ("large"/"small", "encourage"/"discourage"), both ways.
    antonyms: frozenset[tuple[str, str]] = frozenset()

    @property
    def empty(self) -> bool:
        """True when no dictionary was loaded: no lower-case word is then taken for a name."""
        return not self.words

    @classmethod
    def load(cls, root: Path = DEFAULT_WORDNET_DIR) -> Lexicon:
        """Read WordNet's data and exception files under `root`; empty, with a warning, when absent."""
        if not (root / "data.noun").is_file():
            log.warning("WordNet not found in %s (apt-get install wordnet-base): lower-case names go unnoticed", root)
            return cls()
        common: set[str] = set()
        capital: set[str] = set()
        alone: set[str] = set()  # capitalised one-word lemmas ("Wales", "James"), not parts of longer names
        inflected: dict[str, str] = {}
        opposites: set[tuple[str, str]] = set()
        try:
            for part in _PARTS:
                _read_data(root / f"data.{part}", common, capital, alone)
                opposites |= _read_antonyms(root, part)
                exceptions = root / f"{part}.exc"
                if exceptions.is_file():
                    for line in exceptions.read_text().splitlines():
                        form, *base = line.split()
                        inflected.setdefault(form, base[0] if base else form)
        except (OSError, UnicodeDecodeError, IndexError, ValueError) as exc:
            raise ModelError(f"cannot read WordNet in {root}: {exc}") from None
        # A capitalised plural of an ordinary noun found only inside longer names ("Industrial Workers of
        # the World", "United States") is not a name: readers ask about "workers" and "states". One that
        # is a name of its own ("Wales", "Gates") stays one.
        names = {w for w in capital - common if w in alone or not any(b in common for b in _plural_bases(w))}
        return cls(frozenset(common | capital), frozenset(names), inflected, frozenset(opposites))

    def bases(self, word: str) -> set[str]:
        """The word and the dictionary forms it may inflect ("largest" → "large", "freed" → "free")."""
        found = {word, *(b for b in _bases(word) if b in self.words)}
        return found | ({self.inflections[word]} if word in self.inflections else set())

    def opposite(self, word: str, others: set[str] | frozenset[str]) -> bool:
        """True when some form of `word` is WordNet's antonym of some form of a word in `others`."""
        mine = self.bases(word)
        return any((a, b) in self.antonyms for other in others for b in self.bases(other) for a in mine)

    def knows(self, word: str) -> bool:
        """True for a word in the dictionary, inflected or not ("released", "prisoners", "went")."""
        return word in self.words or word in self.inflections or any(b in self.words for b in _bases(word))

    def is_name(self, word: str, known: Callable[[str], bool] = lambda _: False) -> bool:
        """True when a word is a name: every WordNet sense capitalised, or no WordNet entry, not two
        dictionary words run together ("ceasefire"), and no word of the dictionary or the corpus
        (`known`) one typing slip away."""
        word = word.lower().removesuffix("'s").removesuffix("’s")
        if self.empty or len(word) < MIN_NAME_LENGTH or not word.isalpha() or not word.isascii():
            return False
        if word in self.names:
            return True
        if self.knows(word) or known(word) or self._compound(word):
            return False
        return not any(self.knows(w) or known(w) for w in _slips(word))

    def _compound(self, word: str) -> bool:
        return any(self.knows(word[:i]) and self.knows(word[i:]) for i in range(MIN_PART, len(word) - MIN_PART + 1))


def _read_data(path: Path, common: set[str], capital: set[str], alone: set[str]) -> None:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(" "):  # the licence header
                continue
            fields = line.split(" ", 4 + 2 * 255)
            count = int(fields[3], 16)
            for lemma in fields[4 : 4 + 2 * count : 2]:
                lemma = lemma.split("(", 1)[0]  # adjective markers: "galore(ip)"
                if lemma.isalpha() and lemma[0].isupper():
                    alone.add(lemma.lower())
                for piece in lemma.split("_"):
                    if piece.isalpha():
                        (capital if piece[0].isupper() else common).add(piece.lower())


_POS_FILE = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}


def _read_antonyms(root: Path, part: str) -> set[tuple[str, str]]:
    """Antonym pairs of one part of speech. WordNet's pointers name a synset by its byte offset in its
    data file, so each target is read with one seek (one open handle per target file)."""
    pairs: set[tuple[str, str]] = set()
    with (root / f"data.{part}").open("rb") as handle:
        lines = [line.decode("utf-8") for line in handle if not line.startswith(b" ") and b" ! " in line]
    targets: dict[str, BinaryIO] = {}
    try:
        for line in lines:
            fields = line.split(" | ", 1)[0].split()
            count = int(fields[3], 16)
            lemmas = fields[4 : 4 + 2 * count : 2]
            at = 5 + 2 * count
            for i in range(int(fields[4 + 2 * count])):
                symbol, offset, pos, where = fields[at + 4 * i : at + 4 * i + 4]
                if symbol != "!" or where == "0000":
                    continue
                name = _POS_FILE[pos]
                if name not in targets:
                    targets[name] = (root / f"data.{name}").open("rb")
                target = _lemma_at(targets[name], int(offset), int(where[2:], 16))
                source = lemmas[int(where[:2], 16) - 1].split("(", 1)[0].lower()
                if target and "_" not in source + target:
                    pairs |= {(source, target), (target, source)}
    finally:
        for target_file in targets.values():
            target_file.close()
    return pairs


def _lemma_at(handle: BinaryIO, offset: int, index: int) -> str:
    handle.seek(offset)
    fields = handle.readline().decode("utf-8").split()
    lemmas = fields[4 : 4 + 2 * int(fields[3], 16) : 2]
    return lemmas[index - 1].split("(", 1)[0].lower() if 0 < index <= len(lemmas) else ""


def _bases(word: str) -> list[str]:
    found = [word[: -len(end)] + base for end, base in _SUFFIXES if word.endswith(end) and len(word) > len(end) + 2]
    # "died", "tied", "lied": a three-letter verb in "-ie" ("baer" + "bock" must stay a name, so no shorter stems)
    return [*found, word[:-1]] if len(word) == 4 and word.endswith("ied") else found


def _plural_bases(word: str) -> list[str]:
    """Singulars a plural noun may come from ("workers" → "worker", "ships" → "ship"); none for "-ss",
    "-is", "-us" ("Paris", "Andes" are not plurals of "pari", "and")."""
    if word.endswith("men"):
        return [word[:-3] + "man"]
    if not word.endswith("s") or word.endswith(("ss", "is", "us")) or len(word) < 4:
        return []
    return [word[:-3] + "y"] if word.endswith("ies") else [word[:-1]]


def _slips(word: str) -> set[str]:
    """Every string one deletion, insertion, substitution or swap of neighbours away."""
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return deletes | swaps | replaces | inserts
