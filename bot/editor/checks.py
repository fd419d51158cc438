"""Editor checks: run questions through the bot and judge the answers, with or without expectations."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.bot import Bot
from bot.errors import BotError, InputError
from bot.present import claims, shorten
from bot.types import Answer, Citation
from bot.when import parse_as_of

# A reason quotes this much of the sentence it is about: enough to find it in the answer.
REASON_CHARS = 60

Message = dict[str, str]
# An `as_of` written as text: a whole day, nothing before or after it.
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class _CasesLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: an `as_of` stays text, so a bad date is named with its case."""


_CasesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class CasesError(InputError):
    """A cases file is unreadable or a case is malformed; the message names the file and case."""


@dataclass(frozen=True)
class Case:
    """A question to check. Expectations are optional; without any, the default verdicts apply.

    `history` holds OpenAI-style messages; a plain string in it is a user turn whose answer the bot
    gives when the case runs. `as_of` is the day the question (and its history) is asked as of; None
    means today.
    """

    question: str
    history: tuple[Message | str, ...] = ()
    story: str | None = None
    refused: bool | None = None
    must_mention: tuple[tuple[str, ...], ...] = ()
    must_cite: tuple[str, ...] = ()
    known_failure: str | None = None
    as_of: date | None = None

    @property
    def has_expectations(self) -> bool:
        """True when the case says what a good answer does."""
        return self.refused is not None or bool(self.must_mention) or bool(self.must_cite)


@dataclass(frozen=True)
class Result:
    """A case, the bot's answer, the verdict and why."""

    case: Case
    answer: Answer
    reasons: tuple[str, ...] = field(default_factory=tuple)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """True when no check failed."""
        return not self.reasons

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: the case, the `Answer` JSON, verdict, reasons and latency."""
        case = {k: v for k, v in asdict(self.case).items() if k != "known_failure"}
        case["as_of"] = self.case.as_of.isoformat() if self.case.as_of else None
        return {
            "case": case,
            "answer": self.answer.to_dict(),
            "verdict": "pass" if self.passed else "fail",
            "reasons": list(self.reasons),
            "latency_ms": round(self.seconds * 1000, 1),
        }


def load_cases(path: Path) -> list[Case]:
    """Read cases from a YAML (.yaml/.yml) or JSON (.json) file: a list, or {"cases": [...]}."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_CasesLoader)
    except OSError as exc:
        raise CasesError(f"cannot read cases file {path}: {exc.strerror}") from None
    except (ValueError, yaml.YAMLError, RecursionError) as exc:
        kind = "JSON" if path.suffix == ".json" else "YAML"
        raise CasesError(f"cases file {path} is not valid {kind}: {exc}") from None
    if isinstance(data, dict) and "cases" in data:
        data = data["cases"]
    if not isinstance(data, list) or not data:
        raise CasesError(f"cases file {path} must hold a non-empty list of cases")
    return [parse_case(item, f"{path}, case {i + 1}") for i, item in enumerate(data)]


def parse_case(item: Any, where: str) -> Case:
    """One case from its JSON/YAML form; `where` names it in errors."""
    if not isinstance(item, dict):
        raise CasesError(f"{where}: a case is an object with at least a 'question'")
    fields = {"question", "history", "story", "refused", "must_mention", "must_cite", "known_failure", "as_of"}
    unknown = set(item) - fields
    if unknown:
        raise CasesError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    question = item.get("question")
    if not isinstance(question, str) or not question.strip():
        raise CasesError(f"{where}: 'question' must be non-empty text")
    refused = item.get("refused")
    if refused is not None and not isinstance(refused, bool):
        raise CasesError(f"{where}: 'refused' must be true or false")
    story = item.get("story")
    if story is not None and not isinstance(story, str):
        raise CasesError(f"{where}: 'story' must be a story id")
    return Case(
        question=question,
        history=_history(item.get("history", []), where),
        story=story,
        refused=refused,
        must_mention=_mentions(item.get("must_mention", []), where),
        must_cite=_strings(item.get("must_cite", []), "must_cite", where),
        known_failure=item.get("known_failure"),
        as_of=_as_of(item.get("as_of"), where),
    )


def _as_of(value: Any, where: str) -> date | None:
    """The case's `as_of` day, from text (a file) or a date (a caller's own case)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or (isinstance(value, str) and DAY.fullmatch(value.strip())):
        try:
            return parse_as_of(value)
        except InputError:
            pass
    raise CasesError(f"{where}: 'as_of' must be a date like 2024-03-26; got {value!r}")


def _history(value: Any, where: str) -> tuple[Message | str, ...]:
    if not isinstance(value, list):
        raise CasesError(f"{where}: 'history' must be a list of messages")
    out: list[Message | str] = []
    for message in value:
        if isinstance(message, str):
            out.append(message)
        elif _is_message(message):
            out.append({"role": message["role"], "content": message["content"]})
        else:
            raise CasesError(f"{where}: each 'history' item is {{role: user|assistant, content: text}} or a question")
    return tuple(out)


def _is_message(value: Any) -> bool:
    return (
        isinstance(value, dict) and value.get("role") in ("user", "assistant") and isinstance(value.get("content"), str)
    )


def _mentions(value: Any, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        raise CasesError(f"{where}: 'must_mention' must be a list of lists of alternatives")
    groups = [[v] if isinstance(v, str) else v for v in value]  # a bare string is a group of one
    return tuple(_strings(g, "must_mention", where) for g in groups)


def _strings(value: Any, name: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CasesError(f"{where}: '{name}' must be a list of text")
    return tuple(value)


def story_cases(bot: Bot, story: str) -> list[Case]:
    """The story's own suggested questions, checked against it with the default verdicts."""
    bot.retriever.check_story(story)
    info = bot.catalog().stories[story]
    if not info.questions:
        raise InputError(f"story {story!r} has no suggested questions ('## Common questions'); use --cases")
    return [Case(question=q.question, story=story) for q in info.questions]


def run_case(bot: Bot, case: Case) -> Result:
    """Ask the case's question after its history, timing only the question itself, and judge it."""
    history: list[Message] = []
    for turn in case.history:
        if isinstance(turn, str):
            previous = bot.ask(turn, history=history, story=case.story, as_of=case.as_of)
            history += [{"role": "user", "content": turn}, {"role": "assistant", "content": previous.text}]
        else:
            history.append(turn)
    started = time.perf_counter()
    try:
        answer = bot.ask(case.question, history=history, story=case.story, as_of=case.as_of)
    except BotError as exc:
        return Result(case, Answer(refused=True, reason=str(exc)), (f"error: {exc}",), time.perf_counter() - started)
    seconds = time.perf_counter() - started
    return Result(case, answer, tuple(judge(bot, case, answer)), seconds)


def run_cases(bot: Bot, cases: Iterable[Case]) -> list[Result]:
    """Every case's result, in order."""
    return [run_case(bot, case) for case in cases]


def judge(bot: Bot, case: Case, answer: Answer) -> list[str]:
    """Why the answer fails the case (empty when it passes)."""
    reasons: list[str] = []
    if case.refused is True:
        return [] if answer.refused else ["answered, but the case expects a refusal"]
    if answer.refused:
        return ["refused: " + answer.reason]
    text = claims(answer).casefold()  # not the note: it names the corrected word, no evidence of an answer
    for alternatives in case.must_mention:
        if not any(a.casefold() in text for a in alternatives):
            reasons.append(f"mentions none of {list(alternatives)}")
    cited = {c.story_id for c in answer.citations} | {x for c in answer.citations for x in (c.section, c.entity) if x}
    if case.must_cite and not cited & set(case.must_cite):
        reasons.append(f"cites {sorted(cited)}, none of {list(case.must_cite)}")
    if not case.has_expectations and case.story and not any(_of_story(bot, c, case.story) for c in answer.citations):
        others = sorted({c.story_id for c in answer.citations})
        reasons.append(f"cites no passage of story {case.story!r} (only {others})")
    return reasons + integrity(bot, answer)


def _of_story(bot: Bot, citation: Citation, story: str) -> bool:
    """True when the citation quotes the story, or the bio of someone the story is linked to."""
    if citation.story_id == story:
        return True
    chunk = bot.passage(citation.chunk_id)
    return chunk is not None and story in chunk.stories


def integrity(bot: Bot, answer: Answer) -> list[str]:
    """Checks every answer must pass: quotes verbatim in the corpus, sentences supported by their quotes."""
    reasons = []
    quotes = {c.number: c for c in answer.citations}
    for citation in answer.citations:
        chunk = bot.passage(citation.chunk_id)
        if chunk is None or citation.quote not in chunk.text:
            reasons.append(f"quote [{citation.number}] is not found verbatim in the corpus")
    for sentence in answer.sentences:
        if not sentence.citations:
            reasons.append(f"sentence without a citation: {shorten(sentence.text, REASON_CHARS)!r}")
            continue
        cited = [quotes[n] for n in sentence.citations if n in quotes]
        if not any(bot.faithfulness.supports(sentence.text, c.quote, c.entity, bot.idf()) for c in cited):
            reasons.append(f"sentence not supported by its citations: {shorten(sentence.text, REASON_CHARS)!r}")
    return reasons


def summary(results: list[Result]) -> dict[str, Any]:
    """Counts for a report header."""
    passed = sum(r.passed for r in results)
    return {"total": len(results), "passed": passed, "failed": len(results) - passed}
