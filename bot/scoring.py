"""Lexical evidence shared by retrieval checks, the reader's features and verification: key terms, the
IDF table that weighs them, and key-term coverage."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.snapshot import Catalog

# Word families are matched on a shared prefix of this many characters ("economi" / "econom").
FAMILY_PREFIX = 5


@dataclass(frozen=True)
class KeyTerm:
    """Something an answer must cover: a word of the question, or a person named in it.

    A person counts once, however many aliases expand it, and any of their names covers them;
    `typed` holds the question's own terms for it, which set its weight.
    """

    typed: tuple[str, ...]
    accepts: frozenset[str]
    entity: bool = False


def plain_terms(words: list[str]) -> list[KeyTerm]:
    """Key terms for plain words."""
    return [KeyTerm((t,), frozenset((t,))) for t in dict.fromkeys(words)]


@dataclass(frozen=True)
class Idf:
    """Inverse document frequency per term, and the weight of a term the table does not hold."""

    table: Mapping[str, float]
    unknown: float

    @classmethod
    def of(cls, catalog: Catalog) -> Idf:
        """The IDF table of a snapshot's chunks, where a word the corpus never uses weighs `unknown_idf`."""
        return cls(idf_table(catalog), unknown_idf(catalog))

    def weight(self, term: str) -> float:
        """The term's IDF, or the unknown weight for a term the corpus never uses."""
        return self.table.get(term, self.unknown)

    def knows(self, term: str) -> bool:
        """True when the corpus uses the term (it has its own IDF)."""
        return term in self.table


def idf_table(catalog: Catalog) -> dict[str, float]:
    """Inverse document frequency per term over the snapshot's chunks."""
    n = max(1, catalog.n_chunks)
    return {t: math.log(1 + n / df) for t, df in catalog.doc_freq.items()}


def unknown_idf(catalog: Catalog) -> float:
    """The weight of an ordinary word the corpus never uses.

    Half the rarest term's weight: such a word may be a paraphrase ("outlets" for "papers"), so it
    counts against coverage without vetoing it. Unknown names and numbers veto (`verify.unknown_names`).
    """
    return 0.5 * math.log(1 + max(1, catalog.n_chunks))


def covers(term: str, have: set[str] | frozenset[str]) -> bool:
    """True when `have` holds the term, or a word of the same family ("economi" / "econom")."""
    if term in have:
        return True
    if len(term) < FAMILY_PREFIX:
        return False
    prefix = term[:FAMILY_PREFIX]
    return any(len(h) >= FAMILY_PREFIX and h[:FAMILY_PREFIX] == prefix and (h in term or term in h) for h in have)


def weight(key: KeyTerm, idf: Idf) -> float:
    """A key term's weight: the IDF of the rarest word the question used for it."""
    return max(idf.weight(t) for t in key.typed)


def covered(key: KeyTerm, have: set[str] | frozenset[str]) -> bool:
    """True when `have` covers the key term. Names match exactly: "Viktar" must not stand for "Viktaravich"."""
    if key.entity:
        return not key.accepts.isdisjoint(have)
    return any(covers(a, have) for a in key.accepts)


def coverage(wanted: Sequence[KeyTerm], have: set[str] | frozenset[str], idf: Idf) -> float:
    """The IDF-weighted share of `wanted` that `have` covers."""
    total = sum(weight(k, idf) for k in wanted)
    got = sum(weight(k, idf) for k in wanted if covered(k, have))
    return got / total if total else 0.0
