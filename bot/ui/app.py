"""The reader's chat page: Gradio Blocks built from a `Bot`. No retrieval or answering logic here."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import gradio as gr

from bot.bot import Bot
from bot.config import Settings
from bot.errors import BotError
from bot.feedback import FeedbackStore
from bot.present import remembered
from bot.types import Answer
from bot.ui import render
from bot.ui.editor import editor_tab, listed_stories
from bot.ui.render import Turn

log = logging.getLogger(__name__)
ALL_STORIES = ""
MAX_SUGGESTIONS = 6
# Gap between streamed sentences: long enough for the browser to paint each, short enough not to notice.
SENTENCE_DELAY = 0.04
# Shown after "Sorry:" in the chat; the details go to the log.
GENERIC_ERROR = "Something went wrong on our side; please try again."
ASSETS = Path(__file__).resolve().parent

Update = tuple[str, list[Turn], str]


def history_of(turns: list[Turn]) -> list[dict[str, str]]:
    """The OpenAI-style messages of the answered turns."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        if turn.answer is not None and turn.error is None:
            messages += [
                {"role": "user", "content": turn.question},
                {"role": "assistant", "content": remembered(turn.answer)},
            ]
    return messages


def ask(bot: Bot, question: str, turns: list[Turn], story: str | None) -> Iterator[Update]:
    """Answer in the conversation, yielding the page as it fills: pending, each sentence, then the sources.

    A blank question yields nothing: no turn, no error, and no update that could clear text typed since.
    """
    if not question.strip():
        return
    turns = [*turns, Turn(question=question, pending=True)]
    yield render.conversation(turns), turns, ""
    answer: Answer | None = None
    draft = ""
    try:
        for event in bot.ask_stream(question, history=history_of(turns[:-1]), story=story or None):
            if isinstance(event, Answer):
                answer = event
                continue
            draft += event  # an LLM's raw text, shown as an unverified draft until checked
            turns = [*turns[:-1], replace(turns[-1], draft=draft)]
            yield render.conversation(turns), turns, ""
    except BotError as exc:
        turns = [*turns[:-1], replace(turns[-1], error=str(exc), pending=False)]
        yield render.conversation(turns), turns, question  # keep the text so the reader can fix it
        return
    except Exception:
        log.exception("unexpected error answering %r", question)
        turns = [*turns[:-1], replace(turns[-1], error=GENERIC_ERROR, pending=False)]
        yield render.conversation(turns), turns, question
        return
    assert answer is not None
    for shown in range(1, len(answer.sentences)):
        # A new list each time: Gradio may still hold the previous one.
        partial = replace(answer, sentences=answer.sentences[:shown])
        turns = [*turns[:-1], replace(turns[-1], answer=partial, draft="")]
        yield render.conversation(turns), turns, ""
        time.sleep(SENTENCE_DELAY)
    passages = {c.chunk_id: _passage(bot, c.chunk_id) for c in answer.citations}
    turns = [*turns[:-1], replace(turns[-1], answer=answer, passages=passages, pending=False, draft="")]
    yield render.conversation(turns), turns, ""


def _passage(bot: Bot, chunk_id: str) -> dict[str, Any]:
    chunk = bot.passage(chunk_id)
    return {"text": chunk.text} if chunk is not None else {}


def choose_story(bot: Bot, story: str) -> list[Any]:
    """The header and suggested-question buttons for a story id ("" for all stories)."""
    stories = {s.id: s for s in listed_stories(bot)}
    info = stories.get(story)
    questions = bot.suggested_questions(story or None)[:MAX_SUGGESTIONS] if stories else []
    buttons = [gr.update(value=q, visible=True) for q in questions]
    buttons += [gr.update(value="", visible=False)] * (MAX_SUGGESTIONS - len(buttons))
    return [render.story_header(info, len(stories)), *buttons]


def _initial_story(bot: Bot, default: str, request: gr.Request | None) -> list[Any]:
    wanted = dict(request.query_params).get("story", "") if request is not None else ""
    story = wanted if wanted in {s.id for s in listed_stories(bot)} else default
    return [story, *choose_story(bot, story)]


def rate(
    store: FeedbackStore, turns: list[Turn], target: str, comment: str, story: str
) -> tuple[str, list[Turn], str, str]:
    """Store a reader's rating of one answer. `target` is "TURN RATING" (e.g. "2 -1"), set by the page's script.

    Returns the page, the turns (the rated one marked), a status line and the comment box (cleared when saved).
    """
    try:
        index, rating = (int(part) for part in target.split())
        turn = turns[index]
    except (ValueError, IndexError):
        return render.conversation(turns), turns, "Sorry: that answer is no longer on the page.", comment
    if turn.answer is None or turn.pending:
        return render.conversation(turns), turns, "Wait for the answer, then rate it.", comment
    try:
        store.add(rating, turn.question, turn.answer.to_dict(), comment, story or None)
    except BotError as exc:
        return render.conversation(turns), turns, f"Sorry: {exc}", comment
    turns = [*turns[:index], replace(turn, rating=rating), *turns[index + 1 :]]
    thanks = "Thanks — saved. Editors review every rating." if rating > 0 else "Thanks — an editor will look at it."
    return render.conversation(turns), turns, thanks, ""


def new_conversation() -> Update:
    """An empty conversation."""
    return render.conversation([]), [], ""


def create_app(bot: Bot, feedback: FeedbackStore, settings: Settings | None = None) -> gr.Blocks:
    """The reader's page for `bot` (ratings go to `feedback`) and the editors' tab."""
    settings = settings or bot.settings
    stories = listed_stories(bot)
    choices = [(s.title, s.id) for s in stories] + ([("All stories", ALL_STORIES)] if len(stories) != 1 else [])
    first = stories[0].id if stories else ALL_STORIES
    with gr.Blocks(title="Storybot", analytics_enabled=False) as app:
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Ask", id="ask", elem_id="sb-ask"), gr.Column(elem_id="sb-page"):
                story = gr.Dropdown(
                    choices=choices, value=first, label="Story", visible=len(choices) > 1, elem_id="sb-story-pick"
                )
                header = gr.HTML(elem_id="sb-header")
                with gr.Row(elem_id="sb-suggested"):
                    buttons = [
                        gr.Button(visible=False, size="sm", elem_classes="sb-suggested-q")
                        for _ in range(MAX_SUGGESTIONS)
                    ]
                log_html = gr.HTML(
                    render.conversation([]), elem_id="sb-conversation", js_on_load=_read_js("conversation.js")
                )
                with gr.Row(elem_id="sb-ask-row"):
                    question = gr.Textbox(
                        placeholder="Ask about the story…",
                        show_label=False,
                        scale=5,
                        elem_id="sb-question",
                        max_lines=4,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="sb-send")
                with gr.Row(elem_id="sb-feedback"):
                    comment = gr.Textbox(
                        placeholder="Optional comment, sent with your next Yes/No rating of an answer",
                        show_label=False,
                        scale=3,
                        elem_id="sb-comment",
                    )
                    reset = gr.Button("New conversation", size="sm", elem_id="sb-new")
                status = gr.Markdown(elem_id="sb-status")
                # Filled by the page's script when a reader rates an answer inside the conversation.
                rate_target = gr.Textbox(visible="hidden", elem_id="sb-rate-target")
                rate_go = gr.Button(visible="hidden", elem_id="sb-rate-go")
            editor_tab(bot, settings)
        outputs = [log_html, turns, question]
        story_outputs = [header, *buttons]

        # "?story=ID" (the widget's iframe) opens the page on that story.
        def on_load(s: str, request: gr.Request) -> list[Any]:  # Gradio passes the request by annotation
            return _initial_story(bot, s, request)

        app.load(on_load, story, [story, *story_outputs])
        # "&embed=1" (the widget) shows the chat alone: no story picker, no Editor tab in a reader's frame.
        app.load(None, None, None, js=EMBED_JS)
        # A reader's switch only (`input`, not `change`): the load above also sets the story, and a reset
        # fired by it arrived late on a loaded machine and wiped the question the reader had just sent.
        # One event, not a chain: a question asked right after switching must not be wiped by a late reset.
        story.input(lambda s: [*choose_story(bot, s), *new_conversation()], story, story_outputs + outputs)

        def respond(q: str, t: list[Turn], s: str) -> Iterator[Any]:
            updates = ask(bot, q, t, s)
            first = next(updates, None)
            if first is None:
                # Skip, not "": an empty Enter's reply arrived after the reader had typed the next question
                # on a loaded machine and wiped it, so their click then sent nothing.
                yield gr.skip(), gr.skip(), gr.skip()
                return
            yield first
            yield from updates

        gr.on([send.click, question.submit], respond, [question, turns, story], outputs, show_progress="hidden")
        for button in buttons:
            button.click(respond, [button, turns, story], outputs, show_progress="hidden")
        rate_go.click(
            lambda t, r, c, s: rate(feedback, t, r, c, s),
            [turns, rate_target, comment, story],
            [log_html, turns, status, comment],
        )
        reset.click(new_conversation, None, outputs).then(lambda: "", None, status)
    # The page's functions are for the page: not listed, nor callable by name, as a second API beside
    # /api (which has keys). Calls are rate-limited per address like the API (`Guard.page`).
    for function in app.fns.values():
        function.api_visibility = "private"
    return app  # type: ignore[no-any-return]


EMBED_JS = """() => {
  if (new URLSearchParams(window.location.search).get("embed") === "1") document.body.classList.add("sb-embed");
}"""


def _read_js(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def theme_and_css() -> tuple[gr.themes.Base, str]:
    """System fonts (nothing fetched from outside) and the page's stylesheet."""
    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    return theme, _read_js("style.css")
