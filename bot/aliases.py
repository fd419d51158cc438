"""Place aliases: a country's names, codes, demonym and capital stand for one another.

Readers write "United States", "American" or "Washington" where a story says "US", and "Minsk" for
"Belarus". The table comes from the maintained `countryinfo` package (names, alternative spellings,
ISO codes, demonyms, capitals), built once per process by `PlaceAliases.load()` and passed down.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.text import fold, terms

# Two-letter codes that are also English words ("BY", "IN", "IT", "ME") would alias every sentence:
# a code counts only when it is a familiar abbreviation written in capitals.
_CODES_AS_NAMES = frozenset({"US", "USA", "UK", "UAE", "EU", "DRC", "PRC", "ROK", "DPRK"})
_EXTRA = {
    # Short forms news writes that the table lacks.
    "united states": ("U.S.", "America", "Americans", "Washington"),
    "united kingdom": ("Britain", "British", "Great Britain", "London"),
    "russia": ("Moscow", "Kremlin", "Russians"),
    "china": ("Beijing", "Chinese"),
}


@dataclass(frozen=True)
class PlaceAliases:
    """Folded alias phrase → the group of every name of that place."""

    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    # Folded names of capitals and seats of government ("Minsk", "Washington", "Kremlin"): a city is
    # more than its country, so only the country may stand for it, not the other way round.
    capitals: frozenset[str] = frozenset()
    _long: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    _short: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def load(cls) -> PlaceAliases:
        """The table from `countryinfo`; empty (no aliasing) when the package is missing."""
        try:
            from countryinfo import all_countries
        except ImportError:  # pragma: no cover - it is a dependency; keep answering without it
            return cls()
        return cls.from_countries(dict(country.info()) for country in all_countries())

    @classmethod
    def from_countries(cls, countries: Iterable[dict[str, Any]]) -> PlaceAliases:
        """Build from countryinfo-shaped records (name, altSpellings, ISO, demonym, capital, population)."""
        groups: dict[str, frozenset[str]] = {}
        capitals: set[str] = set(_SEATS)
        # A phrase two places share ("American": the US and its outlying islands) names the larger.
        for info in sorted(countries, key=lambda i: -(i.get("population") or 0)):
            names = _names(info)
            capital = info.get("capital")
            if isinstance(capital, str) and capital:
                capitals |= {fold(capital), fold(capital.rsplit(" ", 1)[0])}
            for name in names:
                groups.setdefault(fold(name), frozenset(names))
        long = [k for k in groups if len(k) >= 4]
        short = [k.upper() for k in groups if len(k) < 4 and k.upper() in _CODES_AS_NAMES]
        return cls(groups, frozenset(capitals), _alternation(long), _alternation(short))

    def is_capital(self, phrase: str) -> bool:
        """True for a capital or seat of government ("Moscow", "Kremlin"), not a country's own name."""
        return fold(phrase.strip(" ")) in self.capitals

    def group(self, phrase: str) -> frozenset[str]:
        """Every name of the place `phrase` names, or nothing."""
        return self.groups.get(fold(phrase.strip(" ")), frozenset())

    def find(self, text: str) -> list[frozenset[str]]:
        """The alias groups of the places named in `text`: names in any case, codes ("US") in capitals."""
        found: list[frozenset[str]] = []
        for pattern, source in ((self._long, fold(text)), (self._short, text)):
            for match in pattern.finditer(source) if pattern else ():
                group = self.groups[fold(match.group())]
                if group not in found:
                    found.append(group)
        return found

    def alias_terms(self, text: str) -> set[str]:
        """Stemmed terms of every alias of every place named in `text`."""
        return {t for group in self.find(text) for name in group for t in terms(name)}


# Seats of government news writes for a country that the table does not list as capitals.
_SEATS = frozenset({"washington", "london", "moscow", "beijing", "kremlin"})


def _alternation(keys: list[str]) -> re.Pattern[str] | None:
    if not keys:
        return None
    body = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{body})(?![\w])")


def _names(info: dict[str, Any]) -> list[str]:
    name = info.get("name")
    if not isinstance(name, str):
        return []
    names = [name]
    spellings = info.get("altSpellings")
    if isinstance(spellings, list):
        names += [s for s in spellings if isinstance(s, str) and (len(s) > 3 or s in _CODES_AS_NAMES)]
    for key in ("demonym", "capital"):
        value = info.get(key)
        if isinstance(value, str) and value:
            names.append(value)
            if key == "capital" and " " in value and value.split()[-1].replace(".", "").isupper():
                names.append(value.rsplit(" ", 1)[0])  # "Washington D.C." is also "Washington"
    names += _EXTRA.get(fold(name), ())
    return [n for n in dict.fromkeys(names) if n.isascii() or n.isalpha()]
