"""Pure functions from conversation turns to HTML. All corpus and user text is escaped here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

from bot.snapshot import StoryInfo
from bot.types import SUGGESTIONS_PREFIX, SUGGESTIONS_SEPARATOR

_NEW_TAB = 'target="_blank" rel="noopener noreferrer"'
_MARKER = re.compile(r"\[(\d{1,2})\]")


@dataclass
class Turn:
    """One question and what came back: an `Answer` JSON, or an error message for the reader."""

    question: str
    answer: dict[str, Any] | None = None
    error: str | None = None
    passages: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: bool = False
    draft: str = ""
    rating: int | None = None


def story_header(story: StoryInfo | None, count: int) -> str:
    """The title and date of the story being discussed (or a line for all stories)."""
    if story is None:
        return f'<div class="sb-story"><h2>All stories</h2><p class="sb-meta">{count} stories indexed</p></div>'
    date = f'<p class="sb-meta">Published {escape(story.published)}</p>' if story.published else ""
    link = f' <a href="{escape(story.url, quote=True)}" {_NEW_TAB}>Read the story</a>' if story.url else ""
    return f'<div class="sb-story"><h2>{escape(story.title)}</h2>{date}{link}</div>'


def conversation(turns: list[Turn]) -> str:
    """The whole conversation."""
    if not turns:
        return '<div class="sb-empty">Ask a question about the story, or pick a suggested one.</div>'
    return '<div class="sb-log" aria-live="polite">' + "".join(_turn(i, t) for i, t in enumerate(turns)) + "</div>"


def _turn(index: int, turn: Turn) -> str:
    question = f'<div class="sb-q"><span class="sb-who">You</span>{escape(turn.question)}</div>'
    if turn.error is not None:
        body = f'<div class="sb-a sb-error" role="alert"><strong>Sorry:</strong> {escape(turn.error)}</div>'
    elif turn.answer is None and turn.draft:
        note = '<span class="sb-checking">Draft, being checked against the sources:</span> '
        body = f'<div class="sb-a sb-pending sb-draft">{note}{escape(turn.draft)}</div>'
    elif turn.answer is None:
        body = '<div class="sb-a sb-pending">Looking through the sources…</div>'
    elif turn.answer.get("refused"):
        body = _refusal(turn.answer)
    else:
        body = _answer(index, turn)
    if turn.answer is not None and not turn.pending and turn.error is None:
        body += _rating(index, turn.rating)
    return f'<section class="sb-turn" id="turn-{index}">{question}{body}</section>'


def _rating(index: int, rating: int | None) -> str:
    if rating is not None:
        return '<div class="sb-rate">Thanks for rating this answer.</div>'
    buttons = "".join(
        f'<button type="button" class="sb-rate-btn" data-turn="{index}" data-rating="{value}">{label}</button>'
        for value, label in ((1, "Yes"), (-1, "No"))
    )
    return f'<div class="sb-rate">Was this helpful? {buttons}</div>'


def _answer(index: int, turn: Turn) -> str:
    assert turn.answer is not None
    numbers = {c["number"] for c in turn.answer["citations"]}

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in numbers:
            return match.group(0)
        target = f"src-{index}-{n}"
        return f'<a class="sb-cite" href="#{target}" data-target="{target}" aria-label="Source {n}">[{n}]</a>'

    text = _MARKER.sub(link, escape(turn.answer["text"]))
    sources = "" if turn.pending else "".join(_source(index, c, turn.passages) for c in turn.answer["citations"])
    label = '<div class="sb-sources-label">Sources</div>' if sources else ""
    return f'<div class="sb-a"><div class="sb-text">{text}</div>{label}<div class="sb-sources">{sources}</div></div>'


def _source(index: int, citation: dict[str, Any], passages: dict[str, dict[str, Any]]) -> str:
    # A bio's title is the person's name already; label it as a profile rather than repeat the name.
    where = citation.get("section") or ("Profile" if citation.get("entity") else "Article")
    passage = passages.get(citation["chunk_id"], {}).get("text", citation["quote"])
    url = citation.get("url")
    link = f'<a class="sb-link" href="{escape(url, quote=True)}" {_NEW_TAB}>Open the article</a>' if url else ""
    return (
        f'<details class="sb-source" id="src-{index}-{citation["number"]}">'
        f'<summary><span class="sb-n">[{citation["number"]}]</span> {escape(citation["title"])}'
        f' <span class="sb-where">— {escape(where)}</span></summary>'
        f'<blockquote class="sb-context">{highlight(passage, citation["quote"])}</blockquote>{link}</details>'
    )


def highlight(passage: str, quote: str) -> str:
    """The passage, escaped, with the quoted span marked."""
    start = passage.find(quote)
    if start < 0 or not quote:
        return f"<mark>{escape(quote)}</mark>"
    end = start + len(quote)
    return f"{escape(passage[:start])}<mark>{escape(quote)}</mark>{escape(passage[end:])}"


def _refusal(answer: dict[str, Any]) -> str:
    text, _, rest = answer["text"].partition(SUGGESTIONS_PREFIX)
    suggestions = [q for q in rest.split(SUGGESTIONS_SEPARATOR) if q.strip()]
    buttons = "".join(
        f'<li><button type="button" class="sb-suggest" data-q="{escape(q, quote=True)}">{escape(q)}</button></li>'
        for q in suggestions
    )
    more = f'<p>The sources do cover:</p><ul class="sb-suggestions">{buttons}</ul>' if buttons else ""
    note = f"<p><strong>Not in the sources.</strong> {escape(text)}</p>"
    return f'<div class="sb-a sb-refusal" role="status">{note}{more}</div>'
