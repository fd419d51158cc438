"""Question sets with expectations, checked against a bot: shared by tests and benchmarks."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.bot import Bot
from bot.types import Answer


@dataclass(frozen=True)
class Case:
    """A question, its earlier user turns and what a good answer does."""

    question: str
    expect: str = "answer"
    history: tuple[str, ...] = ()
    must_mention: tuple[tuple[str, ...], ...] = ()
    must_cite: tuple[str, ...] = ()
    known_failure: str | None = None


@dataclass(frozen=True)
class Outcome:
    """A case's answer, verdict, reasons and latency."""

    case: Case
    answer: Answer
    passed: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)
    seconds: float = 0.0


def load_cases(path: Path) -> list[Case]:
    """Read a YAML list of cases."""
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Case(
            question=item["question"],
            expect=item.get("expect", "answer"),
            history=tuple(item.get("history", ())),
            must_mention=tuple(tuple(alts) for alts in item.get("must_mention", ())),
            must_cite=tuple(item.get("must_cite", ())),
            known_failure=item.get("known_failure"),
        )
        for item in raw
    ]


def run_case(bot: Bot, case: Case) -> Outcome:
    """Ask the case's question after replaying its history, and judge the answer."""
    history: list[dict[str, str]] = []
    for turn in case.history:
        previous = bot.ask(turn, history=history)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": previous.text}]
    started = time.perf_counter()
    answer = bot.ask(case.question, history=history)
    seconds = time.perf_counter() - started
    reasons = judge(case, answer)
    return Outcome(case, answer, not reasons, tuple(reasons), seconds)


def judge(case: Case, answer: Answer) -> list[str]:
    """Why the answer fails the case (empty when it passes)."""
    if case.expect == "refuse":
        return [] if answer.refused else ["answered a question the sources do not cover"]
    if answer.refused:
        return ["refused an answerable question"]
    reasons = []
    text = answer.text.casefold()
    for alternatives in case.must_mention:
        if not any(a.casefold() in text for a in alternatives):
            reasons.append(f"does not mention any of {list(alternatives)}")
    cited = {c.section for c in answer.citations} | {c.entity for c in answer.citations}
    if case.must_cite and not cited & set(case.must_cite):
        reasons.append(f"cites {sorted(x for x in cited if x)}, not any of {list(case.must_cite)}")
    return reasons
