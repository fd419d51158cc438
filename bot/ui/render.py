"""Pure functions from conversation turns to HTML. All corpus and user text is escaped here."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode

from bot.present import dates, note_text, plain, shorten, sources_text, where, with_markers
from bot.types import Answer, Citation, StoryInfo

_NEW_TAB = 'target="_blank" rel="noopener noreferrer"'
STOPPED = "You stopped this answer."
# A card shows the start of its quote; the whole passage is one click away.
CARD_QUOTE_CHARS = 220
MAX_COMMENT_CHARS = 2000


@dataclass
class Turn:
    """One question and what came back: an `Answer`, or an error message for the reader.

    `waiting`: queued behind an earlier question. `retry`: the error was ours (or a Stop), so asking
    again may work. `story`: the story it was asked about ("" for all), for its permalink.
    `rate_note`: what became of the reader's rating, shown under the answer.
    """

    question: str
    answer: Answer | None = None
    error: str | None = None
    passages: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: bool = False
    draft: str = ""
    rating: int | None = None
    waiting: bool = False
    retry: bool = False
    story: str = ""
    rate_note: str = ""


def story_header(story: StoryInfo | None, count: int) -> str:
    """The title and date of the story being discussed (or a line for all stories)."""
    if story is None:
        meta = f'<p class="sb-meta">{count} stories indexed</p>'
        return f'<div class="sb-story"><h1>All stories</h1>{meta}{_intro("these stories")}</div>'
    when = dates(story.published, story.updated)
    date = f'<p class="sb-meta">{escape(when[:1].upper() + when[1:])}</p>' if when else ""
    link = f' <a href="{escape(story.url, quote=True)}" {_NEW_TAB}>Read the story</a>' if story.url else ""
    fix = _correction(story.correction, "p")
    return f'<div class="sb-story"><h1>{escape(story.title)}</h1>{date}{link}{fix}{_intro("this story")}</div>'


def _correction(correction: str | None, tag: str) -> str:
    # Set apart in its own element, so a reader does not take it for part of the quote.
    if not correction:
        return ""
    label = '<strong class="sb-correction-label">Correction:</strong>'
    return f'<{tag} class="sb-correction">{label} {escape(correction)}</{tag}>'


def _intro(sources: str) -> str:
    # A reader meeting the page must know what answers: a program, from these sources only.
    return (
        f'<p class="sb-intro">Storybot answers automatically, only from {sources} and profiles of the people '
        "in them. Every sentence quotes its source; when they don't answer, it says so.</p>"
    )


def conversation(turns: list[Turn], version: int = 0) -> str:
    """The whole conversation. `version` counts its changes: the page's script asks again when an older
    rendering arrives after a newer one (the page's calls travel on different connections)."""
    if not turns:
        return (
            f'<div class="sb-empty" data-version="{version}">Ask a question about the story, or pick a suggested '
            "one.</div>"
        )
    shown = [_turn(index, turn, _behind(turns, index)) for index, turn in enumerate(turns)]
    return f'<div class="sb-log" aria-live="polite" data-version="{version}">' + "".join(shown) + "</div>"


def _behind(turns: list[Turn], index: int) -> bool:
    # Queued behind another: one being answered, or one queued before it.
    return any(t.pending and (not t.waiting or i < index) for i, t in enumerate(turns) if i != index)


def _turn(index: int, turn: Turn, behind: bool = False) -> str:
    question = f'<div class="sb-q"><span class="sb-who">You</span>{escape(turn.question)}</div>'
    if turn.error is not None:
        body = _error(index, turn)
    elif turn.waiting and behind:
        # Visible, so a question sent while another is answered is seen to be kept (issue 12 item 4).
        body = '<div class="sb-a sb-pending sb-waiting">Queued: answered after the question above.</div>'
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
        body += _actions(turn) + _rating(index, turn)
    return f'<section class="sb-turn" id="turn-{index}">{question}{body}</section>'


def _error(index: int, turn: Turn) -> str:
    again = f' <button type="button" class="sb-retry" data-turn="{index}">Retry</button>' if turn.retry else ""
    if turn.error == STOPPED:  # the reader's own doing: no alarm
        return f'<div class="sb-a sb-error sb-stopped" role="status">{escape(STOPPED)}{again}</div>'
    return f'<div class="sb-a sb-error" role="alert"><strong>Sorry:</strong> {escape(turn.error or "")}{again}</div>'


def permalink(story: str, question: str) -> str:
    """The page's address that opens `story` ("" for all stories) and asks `question` again (relative, so it
    works wherever the page is served)."""
    return "?" + urlencode({"story": story, "q": question})


def copy_text(turn: Turn) -> str:
    """The question, the answer with its `[n]` markers and the numbered sources, as plain text to keep."""
    assert turn.answer is not None
    return f"{turn.question}\n\n{plain(turn.answer)}{sources_text(turn.answer)}"


def _actions(turn: Turn) -> str:
    copy = (
        f'<button type="button" class="sb-copy" data-copy="{escape(copy_text(turn), quote=True)}">Copy answer</button>'
    )
    link = f'<a class="sb-permalink" href="{escape(permalink(turn.story, turn.question), quote=True)}" {_NEW_TAB}>'
    return f'<div class="sb-actions">{copy} {link}Link to this answer</a></div>'


def _rating(index: int, turn: Turn) -> str:
    note = f'<p class="sb-rate-note" role="status">{escape(turn.rate_note)}</p>' if turn.rate_note else ""
    if turn.rating is not None:
        return f'<div class="sb-rate sb-rated" data-turn="{index}">Thanks for rating this answer.{note}</div>'
    buttons = "".join(
        f'<button type="button" class="sb-rate-btn" data-turn="{index}" data-rating="{value}" aria-pressed="false">'
        f"{label}</button>"
        for value, label in ((1, "Yes"), (-1, "No"))
    )
    # The comment sits with the answer it is about and is sent with that answer's rating (issue 12 item 5).
    form = (
        f'<div class="sb-rate-form" hidden><label for="sb-comment-{index}">Add a comment (optional)</label>'
        f'<textarea id="sb-comment-{index}" class="sb-comment-box" rows="2" maxlength="{MAX_COMMENT_CHARS}">'
        f'</textarea><button type="button" class="sb-rate-send" data-turn="{index}">Send rating</button></div>'
    )
    return f'<div class="sb-rate" data-turn="{index}">Was this helpful? {buttons}{form}{note}</div>'


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


def card_label(citation: Citation) -> tuple[str, str]:
    """A source card's heading and kind: the person for a profile, the section for a story passage, so two
    cards from one story tell apart (they had all shown the story's title)."""
    if citation.entity:
        return citation.entity, "bio"
    return citation.section or citation.title, "story"


def _card_meta(citation: Citation, kind: str, published: str | None) -> list[str]:
    # Under the heading: what it is part of (a profile, or the story when the heading is its section), and when.
    if kind == "bio":
        meta = [where(citation)] + ([citation.title] if citation.title != citation.entity else [])
    else:
        meta = [citation.title] if citation.section else [where(citation)]
    when = dates(published, citation.updated, " · ")
    return meta + ([when] if when else [])


def _source(index: int, citation: Citation, passages: dict[str, dict[str, Any]]) -> str:
    known = passages.get(citation.chunk_id, {})
    passage = known.get("text", citation.quote)
    heading, kind = card_label(citation)
    # Answers from before citations carried dates: the passage's own date.
    meta = _card_meta(citation, kind, citation.published or known.get("published"))
    url = citation.url
    link = f'<a class="sb-link" href="{escape(url, quote=True)}" {_NEW_TAB}>Open the article</a>' if url else ""
    quote = escape(shorten(citation.quote, CARD_QUOTE_CHARS))
    return (
        f'<details class="sb-source sb-card sb-card-{kind}" id="src-{index}-{citation.number}">'
        f'<summary><span class="sb-n"><span class="sb-sr">Source </span>{citation.number}</span>'
        f'<span class="sb-card-body"><span class="sb-card-title">{escape(heading)}</span>'
        f'<span class="sb-card-meta">{" · ".join(escape(m) for m in meta)}</span>'
        f'<q class="sb-card-quote">{quote}</q>{_correction(citation.correction, "span")}</span></summary>'
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


def counter(limit: int) -> str:
    """The question box's character count against `limit`; the page's script keeps it current."""
    return f'<p class="sb-count" data-max="{limit}">0 / {limit}</p>'
