"""Turn a follow-up question into a standalone one, using the conversation so far."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from bot.errors import InputError
from bot.retrieve import find_entities
from bot.text import QUESTION_WORDS, STOPWORDS, fold, words
from bot.types import Bio

Message = dict[str, str]

# History caps, in messages (a turn is two), each named for what it bounds; they differ on purpose.
# The most of a caller's history one question reads (web page, API, CLI): the rules carry people and
# topics forward turn by turn, so it is generous; it bounds the work one request can ask for.
HISTORY_READ = 40
# What the conversation store keeps per messaging chat (bot/channels/store.py): ten turns, pruned on
# every message, so a chat's stored history stays small however long it runs.
HISTORY_KEPT = 20
# The latest messages the LLM condenser shows its model (bot/llm.py): a follow-up refers to the last
# few turns, and every earlier one lengthens a prompt that a small local model reads slowly.
HISTORY_PROMPTED = 8

_PERSON_PRONOUN = re.compile(r"\b(he|she|him|his|her|hers)\b", re.IGNORECASE)
_ANY_PRONOUN = re.compile(r"\b(he|she|him|his|her|hers|they|them|their|it|its|this|that|these|those)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(he|she|him|his|her|hers|they|them|their|it|its)\b", re.IGNORECASE)
_DEMONSTRATIVE = re.compile(r"\b(this|that|these|those)\b", re.IGNORECASE)
_DEFINITION = re.compile(r"^\s*(?:what|who)(?:['’]?s|\s+(?:is|are|was|were))\s+(?P<rest>.+)$", re.IGNORECASE)
# Content words from which a question with "this" or "that" stands on its own.
OWN_WORDS = 3
_WHAT_ABOUT = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?P<rest>.+?)\s*\??\s*$", re.IGNORECASE)
_LEADING_AND = re.compile(r"^\s*and\s+(?=\S)", re.IGNORECASE)


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
    return out[-HISTORY_READ:]


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
        before = find_entities(previous, bios)
        topic = before[-1] if before else None
        about = _WHAT_ABOUT.match(question)
        short = about is not None and not _ANY_PRONOUN.search(about["rest"]) and len(content_words(about["rest"])) <= 4
        if about and short and topic and find_entities(about["rest"], bios):
            return _swap_subject(previous, about["rest"], topic)
        question = _LEADING_AND.sub("", question)
        question = question[:1].upper() + question[1:]
        if topic and not find_entities(question, bios) and _PERSON_PRONOUN.search(question):
            return _replace_pronouns(question, topic.name)
        if find_entities(question, bios) or not _is_elliptical(question):
            return question
        context = " ".join(dict.fromkeys(content_words(previous)))
        return f"{question.rstrip()} ({context})" if context else question


def _names_own_subject(question: str) -> bool:
    """True when the question names something itself ("Who was the US envoy?", "Who is John Coale?")."""
    tokens = question.split()[1:]
    return any(t[:1].isupper() and fold(t.strip("?,.!")) not in STOPWORDS for t in tokens)


def _replace_pronouns(question: str, name: str) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group().lower()
        following = re.match(r"\s+([^\W\d_][\w'-]*)", question[match.end() :])
        # "her role" is possessive; "arrest her in 2020" and "freed her?" are not.
        possessive = word in ("his", "hers") or (
            word == "her" and following is not None and fold(following[1]) not in STOPWORDS
        )
        return f"{name}'s" if possessive else name

    return _PERSON_PRONOUN.sub(swap, question)


def _is_elliptical(question: str) -> bool:
    """A follow-up that leans on the previous turn: a pronoun ("Who negotiated it?"), a "this" or
    "that" with little else ("Why did this happen?"), or almost no words of its own ("And when?").

    A question naming its own subject is never pulled back, and "that" in a question with words of
    its own is a relative ("the ship that hit the bridge"), not a reference back."""
    own = len(content_words(question))
    if _PRONOUN.search(question):
        return True
    if _DEMONSTRATIVE.search(question) and own < OWN_WORDS:
        return True
    defined = _DEFINITION.match(question)
    if defined and content_words(defined["rest"]):  # "whats potash", "what is viasna": a subject of its own
        return False
    return not _names_own_subject(question) and own < 2


def _swap_subject(previous: str, subject: str, topic: Bio | None) -> str:
    """ "What about X?" asks the previous question again, about X instead of its person."""
    subject = subject.strip().rstrip("?")
    for name in sorted(topic.names if topic else (), key=len, reverse=True):
        swapped = re.sub(rf"\b{re.escape(name)}\b", subject, previous, flags=re.IGNORECASE)
        if swapped != previous:
            return swapped
    return f"{previous.rstrip().rstrip('?')} ({subject})?"


# Direction overrides can make a question display differently from what it says, so they are refused;
# other format characters (emoji joiners, soft hyphens) are harmless and removed.
_ZERO_WIDTH_SPACES = str.maketrans({"\u200b": " ", "\u2060": " ", "\ufeff": " "})
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def clean_question(question: object, max_chars: int) -> str:
    """Reject empty, oversized or control-character questions with a message saying which."""
    if not isinstance(question, str):
        raise InputError("the question must be text")
    text = question.strip()
    if not text:
        raise InputError("the question is empty: type a question about the news")
    if len(text) > max_chars:
        raise InputError(f"the question is {len(text)} characters long; the limit is {max_chars}")
    bad = [c for c in text if (unicodedata.category(c) in ("Cc", "Co", "Cs") and c not in "\t\n") or c in _BIDI]
    if bad:
        raise InputError(
            f"the question contains control characters ({', '.join(repr(c) for c in bad[:3])}); remove them"
        )
    # Invisible format characters (soft hyphens, zero-width joiners) come along when text is copied
    # from a web page; left in, "Luka\u00adshenko" is read as the unknown name "Luka".
    # Zero-width spaces and word joiners separate words; other format characters are simply dropped.
    spaced = text.translate(_ZERO_WIDTH_SPACES)
    visible = " ".join("".join(c for c in spaced if unicodedata.category(c) != "Cf").split())
    if not visible:
        raise InputError("the question is empty: type a question about the news")
    return visible
