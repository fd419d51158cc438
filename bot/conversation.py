"""Turn a follow-up question into a standalone one, using the conversation so far."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.errors import InputError
from bot.retrieve import find_entities
from bot.text import QUESTION_WORDS, STOPWORDS, words
from bot.types import Bio

Message = dict[str, str]
MAX_HISTORY_MESSAGES = 40

_PERSON_PRONOUN = re.compile(r"\b(he|she|him|his|her|hers)\b", re.IGNORECASE)
_ANY_PRONOUN = re.compile(r"\b(he|she|him|his|her|hers|they|them|their|it|its|this|that|these|those)\b", re.IGNORECASE)
_WHAT_ABOUT = re.compile(r"^\s*(?:and|what about|how about)\s+(?P<rest>.+?)\s*\??\s*$", re.IGNORECASE)


def validate_history(history: Sequence[Any] | None) -> list[Message]:
    """Check OpenAI-style messages and keep the last few; raise `InputError` naming the bad one."""
    if history is None:
        return []
    if not isinstance(history, list | tuple):
        raise InputError("history must be a list of {'role', 'content'} messages")
    out: list[Message] = []
    for i, message in enumerate(history):
        if not isinstance(message, dict) or not isinstance(message.get("content"), str):
            raise InputError(f"history message {i} must be an object with a text 'content'")
        role = message.get("role")
        if role not in ("user", "assistant", "system"):
            raise InputError(f"history message {i} has role {role!r}; use 'user' or 'assistant'")
        if role != "system":
            out.append({"role": str(role), "content": message["content"]})
    return out[-MAX_HISTORY_MESSAGES:]


def content_words(text: str) -> list[str]:
    """Words of `text` that carry meaning (no stopwords, no question words)."""
    return [w for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS]


class RuleCondenser:
    """Carries the people and topic of earlier turns into pronoun-led or elliptical follow-ups."""

    def condense(self, question: str, history: list[Message], bios: tuple[Bio, ...]) -> str:
        """The standalone form of `question` given the earlier messages."""
        previous: str | None = None
        for message in history:
            if message["role"] == "user":
                previous = self._one(message["content"], previous, bios)
        return self._one(question, previous, bios) if previous else question

    def _one(self, question: str, previous: str | None, bios: tuple[Bio, ...]) -> str:
        if previous is None:
            return question
        own = find_entities(question, bios)
        before = find_entities(previous, bios)
        topic = before[-1] if before else None
        about = _WHAT_ABOUT.match(question)
        if about and len(content_words(about["rest"])) <= 4:
            return _swap_subject(previous, about["rest"], topic)
        if topic and not own and _PERSON_PRONOUN.search(question):
            return _replace_pronouns(question, topic.name)
        if own or (not _ANY_PRONOUN.search(question) and len(content_words(question)) >= 3):
            return question
        context = " ".join(dict.fromkeys(content_words(previous)))
        return f"{question.rstrip()} ({context})" if context else question


def _replace_pronouns(question: str, name: str) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group().lower()
        rest = question[match.end() :]
        possessive = word in ("his", "hers") or (word == "her" and re.match(r"\s+[a-zA-Z]", rest) is not None)
        return f"{name}'s" if possessive else name

    return _PERSON_PRONOUN.sub(swap, question)


def _swap_subject(previous: str, subject: str, topic: Bio | None) -> str:
    """ "What about X?" asks the previous question again, about X instead of its person."""
    subject = subject.strip().rstrip("?")
    for name in sorted(topic.names if topic else (), key=len, reverse=True):
        swapped = re.sub(rf"\b{re.escape(name)}\b", subject, previous, flags=re.IGNORECASE)
        if swapped != previous:
            return swapped
    return f"{previous.rstrip().rstrip('?')} ({subject})?"
