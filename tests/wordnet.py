"""A tiny WordNet database in WordNet's own file format, so tests never depend on the Debian package."""

from __future__ import annotations

from pathlib import Path

HEADER = "  1 This is a test copy of a few WordNet entries.\n"
# (part of speech, lemmas of one synset); case as WordNet writes it.
SYNSETS = (
    ("noun", ("Putin", "Vladimir_Putin")),
    ("noun", ("Minsk",)),
    ("noun", ("banker",)),
    ("noun", ("job", "occupation")),
    ("noun", ("instrument",)),
    ("noun", ("prisoner", "captive")),
    ("noun", ("cease",)),
    ("noun", ("fire",)),
    ("noun", ("live",)),
    ("noun", ("stream",)),
    ("verb", ("receive",)),
    ("verb", ("release", "free")),
    ("verb", ("marry", "wed")),
    ("noun", ("jail", "gaol")),
    ("noun", ("power",)),
    ("noun", ("worker",)),
    ("noun", ("James", "William_James")),
    ("noun", ("jam",)),
    ("noun", ("Wales",)),
    ("noun", ("wale",)),
    ("noun", ("Paris",)),
    ("noun", ("pari",)),
    ("noun", ("bock",)),
    ("noun", ("Industrial_Workers_of_the_World",)),
    ("verb", ("die",)),
    ("verb", ("play",)),
    ("adj", ("political",)),
    ("adv", ("still",)),
)
EXCEPTIONS = {"verb": ("freed free", "wed wed")}


def fake_wordnet(root: Path, synsets: tuple[tuple[str, tuple[str, ...]], ...] = SYNSETS) -> Path:
    """Write `synsets` (the entries above unless given; none makes an empty dictionary, so no word is
    taken for a name) under `root` as data.* and *.exc files; return `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for part in ("noun", "verb", "adj", "adv"):
        lines = [
            f"{offset:08d} 00 {part[0]} {len(lemmas):02x} {' '.join(f'{lemma} 0' for lemma in lemmas)} 000 | test\n"
            for offset, (kind, lemmas) in enumerate(synsets)
            if kind == part
        ]
        (root / f"data.{part}").write_text(HEADER + "".join(lines))
        exceptions = EXCEPTIONS.get(part, ()) if synsets else ()
        (root / f"{part}.exc").write_text("".join(f"{line}\n" for line in exceptions))
    return root
