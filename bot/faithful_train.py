"""`storybot train-faithful`: fit the faithfulness check on claim/passage pairs written for Storybot.

Training data (all ours; nothing from ../shared/eval):
- `bench/faithful/train.yaml`: hand-written claims about corpus sentences, faithful paraphrases and
  claims with a changed fact (the test half, `bench/faithful/test.yaml`, is never read here);
- variants made from them by rule: each source sentence as its own claim (faithful), and each
  faithful claim with a number, a name, a negation or a WordNet opposite changed (not faithful).

The threshold is chosen on out-of-fold probabilities of the hand-written pairs (grouped by source),
balancing faithful claims kept against changed ones dropped.
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.config import Settings
from bot.errors import InputError
from bot.faithful import FAITH_FEATURES, Faithfulness, FaithModel, Window, numbers, vetoed
from bot.reader_train import SEED, provenance
from bot.scoring import Idf

DEFAULT_PAIRS = Path("bench/faithful/train.yaml")
DEFAULT_OUT = Path("bot/models/faithful.json")
FOLDS = 5
REGULARISATION = 1.0
# A changed fact shown with a citation is the worst error a news product can make; a faithful sentence
# that is dropped only gives way to the reader's own quote. So keeping one costs twice dropping one.
KEPT_CHANGE_COST = 2.0
_AUXILIARY = re.compile(r"\b(is|was|were|are|has|have|had|will|would|could|can|did|does)\b")


@dataclass(frozen=True)
class Pair:
    """A claim, the corpus text it cites (and the person a bio is about), and whether it is faithful."""

    claim: str
    source: str
    faithful: bool
    entity: str | None = None
    written: bool = True  # False for the rule-made variants


def load_pairs(path: Path) -> list[Pair]:
    """Read a pairs file; a malformed entry is reported with its file and position."""
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        return [Pair(str(r["claim"]), str(r["source"]), bool(r["faithful"]), r.get("entity")) for r in rows]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: cannot read faithfulness pairs: {exc}") from None


def add_parser(sub: Any) -> None:
    """Register `train-faithful` on the CLI's subparsers."""
    p = sub.add_parser("train-faithful", help="fit the faithfulness check (bot/models/faithful.json)")
    p.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="hand-written claim/source pairs")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the model is written")


def cmd_train_faithful(args: argparse.Namespace, settings: Settings, check: Faithfulness, idf: Idf) -> int:
    """Fit both models (with and without the encoder's features), write them and print their figures."""
    written = load_pairs(args.pairs)
    pairs = written + variants(written, check)
    sources = provenance([args.pairs], settings.corpus_dir, len(written))
    sources["embedding_model"] = settings.embedding_model
    sources["variants"] = len(pairs) - len(written)
    x = np.array([check.features(p.claim, Window(p.source, p.entity), idf) for p in pairs])
    for path, lexical in ((args.out, False), (args.out.with_name(FaithModel.LEXICAL), True)):
        features = tuple(f for f in FAITH_FEATURES if not (lexical and f in FaithModel.COSTLY))
        model = fit(pairs, x, features, sources)
        model.save(path)
        figures = model.provenance["out_of_fold"]
        print(
            f"wrote {path}: {len(written)} written pairs + {len(pairs) - len(written)} variants, threshold "
            f"{model.threshold:.2f}; out-of-fold: faithful kept {figures['kept']}, changed dropped {figures['dropped']}"
        )
    return 0


def fit(pairs: list[Pair], x: np.ndarray, features: tuple[str, ...], sources: dict[str, Any]) -> FaithModel:
    """Logistic regression on every pair; the threshold from out-of-fold probabilities."""
    y = np.array([p.faithful for p in pairs], dtype=float)
    # Vetoed pairs are decided before the model: it learns from, and is judged on, the others.
    free = ~vetoed(x)
    groups = sorted({p.source for p in pairs})
    order = random.Random(SEED).sample(groups, len(groups))
    fold_of = {g: i % FOLDS for i, g in enumerate(order)}
    oof = np.zeros(len(pairs))
    for fold in range(FOLDS):
        held = np.array([fold_of[p.source] == fold for p in pairs])
        if held.any() and (~held & free).any():
            oof[held] = _fit(x[~held & free], y[~held & free], features).probability(x[held])
    oof[~free] = 0.0
    mine = np.array([p.written for p in pairs])
    threshold = choose_threshold(oof[mine], y[mine])
    model = _fit(x[free], y[free], features)
    figures = figures_at(oof[mine], y[mine], threshold)
    provenance = {**sources, "out_of_fold": figures, "model": f"logistic regression, C={REGULARISATION}"}
    return replace(model, threshold=threshold, provenance=provenance)


def _fit(x: np.ndarray, y: np.ndarray, features: tuple[str, ...]) -> FaithModel:
    from sklearn.linear_model import LogisticRegression

    columns = [FAITH_FEATURES.index(f) for f in features]
    rows = x[:, columns]
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=REGULARISATION, max_iter=2000, random_state=SEED).fit((rows - mean) / scale, y)
    return FaithModel(
        features,
        tuple(float(w) for w in lr.coef_[0]),
        float(lr.intercept_[0]),
        tuple(map(float, mean)),
        tuple(map(float, scale)),
        0.5,
    )


def choose_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The threshold with the least cost: a changed fact kept costs `KEPT_CHANGE_COST` times a faithful
    sentence dropped (which the reader's verbatim quote then replaces). Ties go to the higher."""
    grid = np.round(np.linspace(0.05, 0.95, 91), 2)
    good, bad = max(1, int((y == 1).sum())), max(1, int((y == 0).sum()))

    def cost(t: float) -> float:
        dropped_good = ((p < t) & (y == 1)).sum() / good
        kept_bad = ((p >= t) & (y == 0)).sum() / bad
        return float(dropped_good + KEPT_CHANGE_COST * kept_bad)

    return float(min(grid, key=lambda t: (round(cost(float(t)), 6), -t)))


def figures_at(p: np.ndarray, y: np.ndarray, threshold: float) -> dict[str, Any]:
    """Faithful pairs kept and changed pairs dropped at `threshold`."""
    kept = int(((p >= threshold) & (y == 1)).sum())
    dropped = int(((p < threshold) & (y == 0)).sum())
    good, bad = int((y == 1).sum()), int((y == 0).sum())
    balanced = (kept / max(1, good) + dropped / max(1, bad)) / 2
    return {"kept": f"{kept}/{good}", "dropped": f"{dropped}/{bad}", "balanced": round(balanced, 3)}


def variants(pairs: list[Pair], check: Faithfulness) -> list[Pair]:
    """Rule-made pairs: every source as its own claim, and each faithful claim with one fact changed."""
    rng = random.Random(SEED)
    names = sorted({m for p in pairs for m in re.findall(r"\b[A-Z][a-z]{3,}\b", p.source)})
    out = [Pair(s, s, True, e, written=False) for s, e in dict.fromkeys((p.source, p.entity) for p in pairs)]
    for pair in (p for p in pairs if p.faithful):
        for changed in (_number(pair.claim, rng), _name(pair.claim, names, rng), _negate(pair.claim)):
            if changed and changed != pair.claim:
                out.append(Pair(changed, pair.source, False, pair.entity, written=False))
        opposite = _opposite(pair.claim, check)
        if opposite:
            out.append(Pair(opposite, pair.source, False, pair.entity, written=False))
    return out


def _number(claim: str, rng: random.Random) -> str | None:
    match = re.search(r"\b\d+\b", claim)
    if not match:
        return None
    value = int(match.group())
    other = value + rng.choice((-2, -1, 1, 3, 10)) if value > 3 else value + 2
    return claim[: match.start()] + str(other) + claim[match.end() :] if str(other) not in numbers(claim) else None


def _name(claim: str, names: list[str], rng: random.Random) -> str | None:
    present = [m for m in re.finditer(r"(?<=\s)[A-Z][a-z]{3,}\b", claim)]
    if not present:
        return None
    match = rng.choice(present)
    others = [n for n in names if n not in claim]
    return claim[: match.start()] + rng.choice(others) + claim[match.end() :] if others else None


def _negate(claim: str) -> str | None:
    match = _AUXILIARY.search(claim)
    if match is None or " not " in claim:
        return None
    return claim[: match.end()] + " not" + claim[match.end() :]


def _opposite(claim: str, check: Faithfulness) -> str | None:
    lexicon = check.lexicon
    for word in re.findall(r"\b[a-z]{3,}\b", claim):
        for base in sorted(lexicon.bases(word)):
            opposite = sorted(b for a, b in lexicon.antonyms if a == base)
            if opposite:
                return re.sub(rf"\b{word}\b", opposite[0], claim, count=1)
    return None


def seed_idf(settings: Settings) -> tuple[Faithfulness, Idf]:
    """A check built like the bot's, and the corpus's IDF table (from a temporary index of corpus/)."""
    from bot.bot import build_bot

    with tempfile.TemporaryDirectory() as tmp:
        bot = build_bot(settings.with_changes(index_dir=Path(tmp) / "index"))
        bot.index_corpus()
        check = Faithfulness(FaithModel.untrained(), bot.index.embeddings, bot.places, bot.lexicon)
        return check, bot.idf()
