"""How an `Answer` is shown. One place owns citation markers, source labels, shortening and splitting, and
the renderings each surface needs: plain text (CLI, JSON `text`), Markdown (the OpenAI-compatible
endpoint), Telegram HTML and Slack Block Kit. Surfaces call these with the answer's fields; none parses an
answer's text back.

The only text parsed here comes from outside: a chat model's reply (its `[n]` markers) and earlier answers
that a client sends back as conversation history.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from html import escape as html_escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.types import Answer, AnswerSentence, Citation

# `[1]`, `[1, 2]` and the space before them, as a chat model writes them.
MARKER = re.compile(r"\s*\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]")
LEADING_MARKERS = re.compile(r"^(?:\s*\[\d{1,2}(?:\s*,\s*\d{1,2})*\])+")
# How a refusal's plain text lists the questions the sources do cover.
SUGGESTIONS_LEAD = " You could ask: "
SUGGESTIONS_SEPARATOR = " / "
# Markers go before a sentence's closing punctuation: "… in 1962 [1]." reads as one sentence.
_CLOSERS = ".!?\"'”’"
ELLIPSIS = "…"
# What a reader hears when something unexpected failed on our side (the details go to the log).
SORRY = "Sorry, something went wrong on our side. Please ask again in a moment."

# Telegram: one message holds at most this many characters; a quote is cut to QUOTE_CHARS.
TELEGRAM_LIMIT = 4096
QUOTE_CHARS = 200
# Slack: a section's text holds at most 3000 characters, a context block at most 10 elements.
SLACK_SECTION_CHARS = 3000
SLACK_CONTEXT_ELEMENTS = 10
SLACK_QUOTE_CHARS = 150
SLACK_TITLE_CHARS = 150
# A correction notice is shown whole, except in chat messages with their own size limits.
CORRECTION_CHARS = 400
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Slack has no escape for its formatting characters, so hostile text gets look-alikes that cannot pair up.
_LOOKALIKES = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})


def markers(numbers: Iterable[int], mark: Callable[[int], str] = "[{}]".format) -> str:
    """`[1] [2]`, or each number as `mark` renders it (a link, say)."""
    return " ".join(mark(n) for n in numbers)


def with_markers(
    text: str, numbers: Sequence[int], mark: Callable[[int], str] = "[{}]".format, esc: Callable[[str], str] = str
) -> str:
    """The sentence with its markers before its closing punctuation; `esc` escapes the sentence's text."""
    body = text.rstrip()
    if not numbers:
        return esc(body)
    end = len(body)
    while end and body[end - 1] in _CLOSERS:
        end -= 1
    if end and body[end - 1] == " ":
        end -= 1
    marks = markers(numbers, mark)
    if end < len(body):
        return f"{esc(body[:end])} {marks}{esc(body[end:])}"
    return f"{esc(body)} {marks}"


def sentence_text(sentence: AnswerSentence) -> str:
    """One answer sentence as plain text with its `[n]` markers."""
    return with_markers(sentence.text, sentence.citations)


def note_text(answer: Answer) -> str:
    """The lead note on readings of misspelt names, in brackets ("(Reading “X” as “Y”.)"), or ""."""
    return f"({answer.note})" if answer.note else ""


def pieces(answer: Answer) -> list[str]:
    """The units an answer streams in: the note, then each sentence with its markers (or the refusal)."""
    lead = [note_text(answer)] if answer.note else []
    if answer.refused:
        return [*lead, plain_refusal(answer)]
    return [*lead, *(sentence_text(s) for s in answer.sentences)]


def plain_refusal(answer: Answer) -> str:
    """A refusal's reason, then the questions it suggests."""
    suggestions = SUGGESTIONS_LEAD + SUGGESTIONS_SEPARATOR.join(answer.suggestions) if answer.suggestions else ""
    return answer.reason + suggestions


def plain(answer: Answer) -> str:
    """The whole answer as one line of plain text with `[n]` markers (the JSON `text`)."""
    return " ".join(pieces(answer))


def claims(answer: Answer) -> str:
    """What the answer asserts, without note, markers or suggestions: for checking it against expectations."""
    return " ".join(s.text.strip() for s in answer.sentences)


def remembered(answer: Answer) -> str:
    """The answer as a conversation's history keeps it: its claims, or the refusal's reason."""
    return answer.reason if answer.refused else claims(answer)


def for_history(content: str) -> str:
    """An earlier answer, as a client sends it back, without markers or suggested questions: they mean
    nothing to a question rewriter and leak into its output."""
    return MARKER.sub("", content.split(SUGGESTIONS_LEAD)[0])


def to_json(answer: Answer) -> dict[str, Any]:
    """The JSON shape every surface uses: `text` (plain, with markers) plus the structure behind it."""
    return {
        "text": plain(answer),
        "sentences": [{"text": s.text, "citations": list(s.citations)} for s in answer.sentences],
        "citations": [asdict(c) for c in answer.citations],
        "refused": answer.refused,
        "reason": answer.reason,
        "suggestions": list(answer.suggestions),
        "note": answer.note,
    }


def where(citation: Citation) -> str:
    """Where in its source a citation quotes from: the story's section, a person's profile, or the article."""
    return citation.section or ("Profile" if citation.entity else "Article")


def day(iso: str | None) -> str:
    """An ISO date as a reader writes it ("4 Dec 2026"); anything else as given; "" for none."""
    if not iso:
        return ""
    try:
        when = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    # Not strftime("%b"): month names must not change with the server's locale.
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


def dates(published: str | None, updated: str | None, sep: str = ", ") -> str:
    """A story's dates as "published 4 Dec 2026, updated 5 Dec 2026", or the part there is ("" for neither);
    an update on the day of publication says nothing new."""
    parts = [f"published {day(published)}"] if published else []
    if updated and updated != published:
        parts.append(f"updated {day(updated)}")
    return sep.join(parts)


def where_when(citation: Citation) -> str:
    """Where a citation quotes from, then its story's dates: "What's happened, published 4 Dec 2026"."""
    return ", ".join(filter(None, (where(citation), dates(citation.published, citation.updated))))


def correction_text(correction: str | None, limit: int | None = None) -> str:
    """A story's correction notice as "Correction: <text>" (shortened to `limit`), or "" when it has none."""
    if not correction:
        return ""
    return f"Correction: {shorten(correction, limit) if limit else correction}"


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut on a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + ELLIPSIS


def split(
    text: str, limit: int, breaks: Sequence[str] = ("\n",), guard: Callable[[str, int], int] | None = None
) -> list[str]:
    """Pieces of at most `limit` characters, each cut after the last of `breaks` in its window, else at a
    space, else at the limit; `guard(window, cut)` moves a cut that would split markup to before it."""
    out: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(_break_at(window, b) for b in breaks)
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit
        if guard is not None:
            cut = guard(window, cut) or cut
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*out, rest] if rest else out


def _break_at(window: str, brk: str) -> int:
    # A sentence end (". ") or a marker's end ("] ") keeps its character in the piece before the cut.
    found = window.rfind(brk)
    return found if found < 0 or not brk.strip() else found + len(brk.rstrip())


def sources_text(answer: Answer) -> str:
    """The numbered sources as plain lines after a blank line, for chat answers (empty when none)."""
    lines = [
        f"[{c.number}] {c.title} — {where_when(c)}: “{c.quote}”"
        + (f" {c.url}" if c.url else "")
        + (f" ({correction_text(c.correction)})" if c.correction else "")
        for c in answer.citations
    ]
    return "\n\nSources:\n" + "\n".join(lines) if lines else ""


def terminal(answer: Answer) -> str:
    """The answer for a terminal: its text, then each numbered source with its quote on a line of its own."""
    lines = [plain(answer)]
    if answer.citations:
        lines += ["", "Sources:"]
    for c in answer.citations:
        lines.append(f"[{c.number}] {c.title} — {where_when(c)}" + (f" <{c.url}>" if c.url else ""))
        lines.append(f"    “{c.quote}”")
        if c.correction:
            lines.append(f"    {correction_text(c.correction)}")
    return "\n".join(lines)


def telegram_html(answer: Answer) -> str:
    """The answer in Telegram HTML: escaped text, then numbered sources with shortened quotes and links."""
    lines = [html_escape(plain(answer))]
    if answer.citations:
        lines.append("\n<b>Sources</b>")
    for c in answer.citations:
        title = html_escape(c.title)
        if c.url:
            title = f'<a href="{html_escape(c.url, quote=True)}">{title}</a>'
        quote = html_escape(shorten(c.quote, QUOTE_CHARS))
        lines.append(f"[{c.number}] {title} — {html_escape(where_when(c))}\n<i>“{quote}”</i>")
        if c.correction:
            lines.append(f"<b>Correction:</b> {html_escape(shorten(c.correction, CORRECTION_CHARS))}")
    return "\n".join(lines)


def telegram_messages(html: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Telegram HTML in messages of at most `limit` characters, cut at lines, then spaces; tags never cut."""
    return split(html, limit, ("\n",), _outside_tag)


def _outside_tag(window: str, cut: int) -> int:
    while window.count("<", 0, cut) > window.count(">", 0, cut) and cut > 1:
        cut = window.rfind("<", 0, cut)
    return cut


def slack_escape(text: str) -> str:
    """Text safe in mrkdwn: no mentions, links or formatting can be smuggled in (`<!channel>` shows as text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").translate(_LOOKALIKES)


def slack_link(url: str | None, label: str) -> str:
    """`label` (already escaped) linked to `url` when it is an http(s) address, else just the label."""
    if not url or not url.startswith(("http://", "https://")) or len(url) > 2000:
        return label  # a url such as "!channel" would turn `<url|label>` into a mention
    safe = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{safe}|{label.replace('|', '¦')}>"


def slack_source(c: Citation) -> str:
    """One numbered source: bold number, linked title, where in the article and when, shortened quote, and
    the story's correction notice on a line of its own."""
    title = slack_link(c.url, slack_escape(shorten(c.title, SLACK_TITLE_CHARS)))
    quote = slack_escape(shorten(c.quote, SLACK_QUOTE_CHARS))
    line = f"*[{c.number}]* {title} — {slack_escape(where_when(c))}: “{quote}”"
    if c.correction:
        line += f"\n*Correction:* {slack_escape(shorten(c.correction, CORRECTION_CHARS))}"
    return line


def slack_sections(text: str, limit: int = SLACK_SECTION_CHARS) -> list[str]:
    """Escaped text in pieces of at most `limit`, cut at lines, then sentence ends, then spaces; never in `&amp;`."""
    return split(text, limit, ("\n", ". ", "] "), _outside_entity)


def _outside_entity(window: str, cut: int) -> int:
    amp = window.rfind("&", max(0, cut - 5), cut)
    return amp if amp > 0 and ";" not in window[amp:cut] else cut


def slack_text(text: str) -> dict[str, Any]:
    """A Block Kit mrkdwn text object for already escaped text."""
    # verbatim: Slack must not auto-link bare URLs or channel names found in corpus text.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def slack_blocks(answer: Answer) -> list[dict[str, Any]]:
    """Block Kit for an answer: sections of text, then context blocks of numbered sources; a refusal is
    an italic note with the covered questions it suggests as a list."""
    if answer.refused:
        body = f"_Not in the sources._ {slack_escape(answer.reason)}"
        if answer.suggestions:
            body += "\nThe sources do cover:\n" + "\n".join(f"• {slack_escape(q)}" for q in answer.suggestions)
        return [{"type": "section", "text": slack_text(piece)} for piece in slack_sections(body)]
    text = slack_escape(plain(answer))
    blocks: list[dict[str, Any]] = [{"type": "section", "text": slack_text(p)} for p in slack_sections(text)]
    lines = [slack_source(c) for c in answer.citations]
    for start in range(0, len(lines), SLACK_CONTEXT_ELEMENTS):
        chunk = lines[start : start + SLACK_CONTEXT_ELEMENTS]
        blocks.append({"type": "context", "elements": [slack_text(x) for x in chunk]})
    return blocks
