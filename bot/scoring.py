"""Lexical evidence shared by retrieval checks, the reader's features and verification: key-term coverage."""

from __future__ import annotations

from collections.abc import Sequence

from bot.retrieve import KeyTerm

# Word families are matched on a shared prefix of this many characters ("economi" / "econom").
FAMILY_PREFIX = 5


def covers(term: str, have: set[str] | frozenset[str]) -> bool:
    """True when `have` holds the term, or a word of the same family ("economi" / "econom")."""
    if term in have:
        return True
    if len(term) < FAMILY_PREFIX:
        return False
    prefix = term[:FAMILY_PREFIX]
    return any(len(h) >= FAMILY_PREFIX and h[:FAMILY_PREFIX] == prefix and (h in term or term in h) for h in have)


def weight(key: KeyTerm, idf: dict[str, float]) -> float:
    """A key term's weight: the IDF of the rarest word the question used for it."""
    return max(idf.get(t, 1.0) for t in key.typed)


def covered(key: KeyTerm, have: set[str] | frozenset[str]) -> bool:
    """True when `have` covers the key term. Names match exactly: "Viktar" must not stand for "Viktaravich"."""
    if key.entity:
        return not key.accepts.isdisjoint(have)
    return any(covers(a, have) for a in key.accepts)


def coverage(wanted: Sequence[KeyTerm], have: set[str] | frozenset[str], idf: dict[str, float]) -> float:
    """The IDF-weighted share of `wanted` that `have` covers."""
    total = sum(weight(k, idf) for k in wanted)
    got = sum(weight(k, idf) for k in wanted if covered(k, have))
    return got / total if total else 0.0
