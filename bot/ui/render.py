"""Pure functions from conversation turns to HTML. All corpus and user text is escaped here."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from bot.present import note_text, where, with_markers
from bot.types import Answer, Citation, StoryInfo

_NEW_TAB = 'target="_blank" rel="noopener noreferrer"'


@dataclass
class Turn:
    """One question and what came back: an `Answer`, or an error message for the reader."""

    question: str
    answer: Answer | None = None
    error: str | None = None
    passages: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: bool = False
    draft: str = ""
    rating: int | None = None


def story_header(story: StoryInfo | None, count: int) -> str:
    """The title and date of the story being discussed (or a line for all stories)."""
    if story is None:
        meta = f'<p class="sb-meta">{count} stories indexed</p>'
        return f'<div class="sb-story"><h2>All stories</h2>{meta}{_intro("these stories")}</div>'
    date = f'<p class="sb-meta">Published {escape(story.published)}</p>' if story.published else ""
    link = f' <a href="{escape(story.url, quote=True)}" {_NEW_TAB}>Read the story</a>' if story.url else ""
    return f'<div class="sb-story"><h2>{escape(story.title)}</h2>{date}{link}{_intro("this story")}</div>'


def _intro(sources: str) -> str:
    # A reader meeting the page must know what answers: a program, from these sources only.
    return (
        f'<p class="sb-intro">Storybot answers automatically, only from {sources} and profiles of the people '
        "in them. Every sentence quotes its source; when they don't answer, it says so.</p>"
    )


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
    elif turn.answer.refused:
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
    answer = turn.answer
    assert answer is not None
    numbers = {c.number for c in answer.citations}

    def link(n: int) -> str:
        target = f"src-{index}-{n}"
        if n not in numbers:
            return f"[{n}]"
        return f'<a class="sb-cite" href="#{target}" data-target="{target}" aria-label="Source {n}">[{n}]</a>'

    said = [with_markers(s.text, s.citations, link, escape) for s in answer.sentences]
    note = [f'<span class="sb-note">{escape(note_text(answer))}</span>'] if answer.note else []
    text = " ".join(note + said)
    sources = "" if turn.pending else "".join(_source(index, c, turn.passages) for c in answer.citations)
    label = '<div class="sb-sources-label">Sources</div>' if sources else ""
    return f'<div class="sb-a"><div class="sb-text">{text}</div>{label}<div class="sb-sources">{sources}</div></div>'


def _source(index: int, citation: Citation, passages: dict[str, dict[str, Any]]) -> str:
    passage = passages.get(citation.chunk_id, {}).get("text", citation.quote)
    url = citation.url
    link = f'<a class="sb-link" href="{escape(url, quote=True)}" {_NEW_TAB}>Open the article</a>' if url else ""
    return (
        f'<details class="sb-source" id="src-{index}-{citation.number}">'
        f'<summary><span class="sb-n">[{citation.number}]</span> {escape(citation.title)}'
        f' <span class="sb-where">— {escape(where(citation))}</span></summary>'
        f'<blockquote class="sb-context">{highlight(passage, citation.quote)}</blockquote>{link}</details>'
    )


def highlight(passage: str, quote: str) -> str:
    """The passage, escaped, with the quoted span marked."""
    start = passage.find(quote)
    if start < 0 or not quote:
        return f"<mark>{escape(quote)}</mark>"
    end = start + len(quote)
    return f"{escape(passage[:start])}<mark>{escape(quote)}</mark>{escape(passage[end:])}"


def _refusal(answer: Answer) -> str:
    buttons = "".join(
        f'<li><button type="button" class="sb-suggest" data-q="{escape(q, quote=True)}">{escape(q)}</button></li>'
        for q in answer.suggestions
    )
    more = f'<p>The sources do cover:</p><ul class="sb-suggestions">{buttons}</ul>' if buttons else ""
    lead = f"{escape(note_text(answer))} " if answer.note else ""
    note = f"<p><strong>Not in the sources.</strong> {lead}{escape(answer.reason)}</p>"
    return f'<div class="sb-a sb-refusal" role="status">{note}{more}</div>'
