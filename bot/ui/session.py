"""One reader's conversation on the page: its turns, shared by the page's events, and answering them in order.

Gradio reads a `gr.State` when an event is processed, not when it is triggered, and the events of one page
can overlap: a question sent while another is being answered, a rating, Stop, a story switch. Each used to
hold its own copy of the turns, so the last to finish overwrote the others' (a second question vanished).
Here every event changes one `Chat` under a lock, and questions wait in it, visibly, until answered in order.
"""

from __future__ import annotations

import copy
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from bot.bot import Bot
from bot.conversation import clean_question
from bot.errors import BotError, InputError
from bot.present import remembered
from bot.types import Answer
from bot.ui import render
from bot.ui.render import STOPPED, Turn

log = logging.getLogger(__name__)
# Gap between streamed sentences: long enough for the browser to paint each, short enough not to notice.
SENTENCE_DELAY = 0.04
# Shown after "Sorry:" in the chat; the details go to the log.
GENERIC_ERROR = "Something went wrong on our side; please try again."


class Chat:
    """The turns of one page. One answering loop at a time owns the page (a token from `claim`), so answers
    come in the order asked; Stop and reset take the page from it, so an answer still being worked on for
    the old conversation can tell and write nothing."""

    def __init__(self, turns: list[Turn] | None = None) -> None:
        self.turns: list[Turn] = list(turns or [])
        self.owner: int | None = None
        self.version = 0  # counts changes, so the page can tell a late, older rendering
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict[int, Any]) -> Chat:
        # Gradio copies a State's first value for each new page; a lock cannot be copied.
        return Chat(copy.deepcopy(self.turns, memo))

    def snapshot(self) -> list[Turn]:
        """The turns as they are now (a new list: rendering must not see a half-made change)."""
        with self._lock:
            return list(self.turns)

    def page(self) -> str:
        """The conversation's HTML as it is now, with its version."""
        with self._lock:
            turns, version = list(self.turns), self.version
        return render.conversation(turns, version)

    def add(self, question: str, story: str, error: str | None = None) -> int:
        """Queue a question (or record one refused before asking, with its `error`); returns its index."""
        with self._lock:
            queued = error is None
            self.turns.append(Turn(question=question, pending=queued, waiting=queued, story=story, error=error))
            self.version += 1
            return len(self.turns) - 1

    def claim(self) -> int | None:
        """Start answering: a token, or None when another loop is already answering this page."""
        with self._lock:
            if self.owner is not None:
                return None
            self.owner = next(self._tokens)
            return self.owner

    def next_waiting(self, token: int) -> tuple[int, Turn] | None:
        """The oldest queued turn, now started; None (and the page released) when there is none.

        One step under the lock, so a question queued just as the loop ends is either found here or finds
        the page released and starts a loop of its own."""
        with self._lock:
            if token != self.owner:
                return None
            for index, turn in enumerate(self.turns):
                if turn.waiting:
                    self.turns[index] = replace(turn, waiting=False)
                    self.version += 1
                    return index, self.turns[index]
            self.owner = None
            return None

    def put(self, index: int, turn: Turn, token: int) -> bool:
        """Replace a turn being answered; False when the conversation was stopped or reset meanwhile."""
        with self._lock:
            if token != self.owner or index >= len(self.turns) or not self.turns[index].pending:
                return False
            self.turns[index] = turn
            self.version += 1
            return True

    def release(self, token: int) -> None:
        """End an answering loop that stopped early (an error escaped it, or Gradio dropped it)."""
        with self._lock:
            if token == self.owner:
                self.owner = None

    def update(self, index: int, change: Callable[[Turn], Turn | None]) -> Turn | None:
        """Apply `change` to one turn (None leaves it); returns the turn before, or None when out of range."""
        with self._lock:
            if not 0 <= index < len(self.turns):
                return None
            before = self.turns[index]
            after = change(before)
            if after is not None:
                self.turns[index] = after
                self.version += 1
            return before

    def stop(self) -> None:
        """Stop the answer in progress and those queued after it; each can be retried."""
        with self._lock:
            self.owner = None
            self.turns = [
                replace(t, pending=False, waiting=False, draft="", answer=None, error=STOPPED, retry=True)
                if t.pending
                else t
                for t in self.turns
            ]
            self.version += 1

    def reset(self) -> None:
        """An empty conversation; an answer still being worked on is dropped."""
        with self._lock:
            self.owner = None
            self.turns = []
            self.version += 1


def history_of(turns: list[Turn]) -> list[dict[str, str]]:
    """The OpenAI-style messages of the answered turns."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        if turn.answer is not None and turn.error is None and not turn.pending:
            messages += [
                {"role": "user", "content": turn.question},
                {"role": "assistant", "content": remembered(turn.answer)},
            ]
    return messages


def answering(bot: Bot, question: str, earlier: list[Turn], story: str) -> Iterator[Turn]:
    """The turn answering `question` after the `earlier` turns, as it fills: pending, each draft, each
    sentence, then with its sources; or with an error, offering a retry unless the question was at fault."""
    turn = Turn(question=question, pending=True, story=story)
    yield turn
    answer: Answer | None = None
    draft = ""
    try:
        for event in bot.ask_stream(question, history=history_of(earlier), story=story or None):
            if isinstance(event, Answer):
                answer = event
                continue
            draft += event  # an LLM's raw text, shown as an unverified draft until checked
            yield replace(turn, draft=draft)
    except InputError as exc:
        yield replace(turn, error=str(exc), pending=False)
        return
    except BotError as exc:
        yield replace(turn, error=str(exc), pending=False, retry=True)
        return
    except Exception:
        log.exception("unexpected error answering %r", question)
        yield replace(turn, error=GENERIC_ERROR, pending=False, retry=True)
        return
    assert answer is not None
    for shown in range(1, len(answer.sentences)):
        yield replace(turn, answer=replace(answer, sentences=answer.sentences[:shown]))
        time.sleep(SENTENCE_DELAY)
    passages = {c.chunk_id: _passage(bot, c.chunk_id) for c in answer.citations}
    yield replace(turn, answer=answer, passages=passages, pending=False)


def _passage(bot: Bot, chunk_id: str) -> dict[str, Any]:
    chunk = bot.passage(chunk_id)
    return {"text": chunk.text, "published": chunk.published} if chunk is not None else {}


def enqueue(bot: Bot, chat: Chat, question: str, story: str) -> bool | None:
    """Queue a reader's question for `work`: True when queued; False when refused at once (too long, say:
    an error turn is added and the reader's text stays in the box to fix); None for a blank question."""
    if not question.strip():
        return None
    try:
        clean_question(question, bot.settings.max_question_chars)
    except InputError as exc:
        chat.add(question, story, error=str(exc))
        return False
    chat.add(question, story)
    return True


def work(bot: Bot, chat: Chat) -> Iterator[str]:
    """Answer the page's queued questions in the order asked, yielding the page after each change.

    Yields nothing when another call is already answering this page: that one reaches the new question.
    """
    token = chat.claim()
    if token is None:
        return
    try:
        while (started := chat.next_waiting(token)) is not None:
            index, queued = started
            for turn in answering(bot, queued.question, chat.snapshot()[:index], queued.story):
                if not chat.put(index, turn, token):
                    return  # stopped or reset meanwhile: the reader has moved on
                yield chat.page()
    finally:
        chat.release(token)


def retry(chat: Chat, target: str) -> bool:
    """Queue again the turn numbered `target` (set by the page's script) if it failed; whether it was."""
    try:
        index = int(target)
    except ValueError:
        return False

    def again(turn: Turn) -> Turn | None:
        if not turn.retry or turn.error is None:
            return None
        return replace(turn, error=None, retry=False, pending=True, waiting=True, answer=None, passages={})

    before = chat.update(index, again)
    return before is not None and before.retry
