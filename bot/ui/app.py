"""The reader's chat page: Gradio Blocks built from a `Bot`. No retrieval or answering logic here."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import gradio as gr

from bot.bot import Bot
from bot.config import Settings
from bot.errors import BotError
from bot.feedback import FeedbackStore
from bot.ui import render
from bot.ui.editor import listed_stories
from bot.ui.session import Chat, enqueue, retry, work

ALL_STORIES = ""
MAX_SUGGESTIONS = 6
ASSETS = Path(__file__).resolve().parent


def choose_story(bot: Bot, story: str) -> list[Any]:
    """The header and suggested-question buttons for a story id ("" for all stories)."""
    stories = {s.id: s for s in listed_stories(bot)}
    info = stories.get(story)
    questions = bot.suggested_questions(story or None)[:MAX_SUGGESTIONS] if stories else []
    buttons = [gr.update(value=q, visible=True) for q in questions]
    buttons += [gr.update(value="", visible=False)] * (MAX_SUGGESTIONS - len(buttons))
    return [render.story_header(info, len(stories)), *buttons]


def opening(bot: Bot, default: str, params: Mapping[str, str]) -> tuple[str, str, str]:
    """From the page's address: the story to open, a question to ask at once ("" for none) and a note for
    the reader ("" for none). `?story=ID` opens a story (the widget's frame); `&q=…` (an answer's
    permalink) asks its question again. `?story=` names all stories, where the page offers them."""
    ids = [s.id for s in listed_stories(bot)]
    wanted = params.get("story", default)
    all_offered = len(ids) != 1
    story = wanted if wanted in ids or (wanted == ALL_STORIES and all_offered) else default
    question = params.get("q", "").strip()
    limit = bot.settings.max_question_chars
    if len(question) > limit:
        return story, "", f"The link's question is too long to ask ({len(question)} characters; the limit is {limit})."
    if question and wanted not in (story, ALL_STORIES):
        return story, "", "The link's story is not available here, so its question was not asked."
    return story, question, ""


def rate(store: FeedbackStore, chat: Chat, target: str) -> str:
    """Store a reader's rating of one answer, with the comment typed under that answer. `target` is the JSON
    `{"turn": N, "rating": 1 or -1, "comment": "…"}` the page's script sends. Returns a status line for a
    rating that no longer fits the page (else ""): the outcome shows under the rated answer."""
    try:
        data = json.loads(target)
        index, rating, comment = int(data["turn"]), int(data["rating"]), str(data.get("comment", ""))
    except (ValueError, KeyError, TypeError):
        return "Sorry: that rating could not be read; please try again."
    turns = chat.snapshot()
    if not 0 <= index < len(turns):
        return "Sorry: that answer is no longer on the page."
    turn = turns[index]
    if turn.answer is None or turn.pending or turn.error is not None:
        return "Wait for the answer, then rate it."
    try:
        store.add(rating, turn.question, turn.answer.to_dict(), comment, turn.story or None)
    except BotError as exc:
        failed = f"Sorry: {exc}"
        chat.update(index, lambda t: replace(t, rate_note=failed))
        return ""
    thanks = "Saved. Editors review every rating." if rating > 0 else "Saved. An editor will look at it."
    chat.update(index, lambda t: replace(t, rating=rating, rate_note=thanks))
    return ""


@dataclass
class _Page:
    """The reader's page components the events read and write."""

    chat: gr.State
    story: gr.Dropdown
    header: gr.HTML
    buttons: list[gr.Button]
    log: gr.HTML
    question: gr.Textbox
    status: gr.Markdown


def _answer_all(bot: Bot, chat: Chat) -> Iterator[Any]:
    pages = work(bot, chat)
    first = next(pages, None)
    if first is None:
        yield gr.skip()  # another call is answering this page's questions, or there were none
        return
    yield first
    yield from pages


def _send(bot: Bot, chat: Chat, question: str, story: str) -> Any:
    # The box is never written from here: the page's script empties it as the question leaves, since a
    # reply that emptied it arrived after the reader had typed the next question and wiped that one.
    return gr.skip() if enqueue(bot, chat, question, story) is None else chat.page()


# Empties the question box as a question is sent (not one over the limit, which stays to be shortened).
CLEAR_ON_SEND = """(question, chat, story) => {
  const box = document.querySelector("#sb-question textarea");
  const count = document.querySelector("#sb-count .sb-count");
  const limit = count ? Number(count.dataset.max) : Infinity;
  const text = (question || "").trim();
  if (box && text && text.length <= limit) {
    box.value = "";
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }
  return [question, chat, story];
}"""


def _wire_questions(bot: Bot, page: _Page, send: gr.Button, retry_target: gr.Textbox, retry_go: gr.Button) -> list[Any]:
    """Questions, suggestions and retries: each is queued in the conversation at once (not through Gradio's
    queue, so it shows while an earlier answer streams), then answered in order. Returns the answering events."""

    def answer(c: Chat) -> Iterator[Any]:
        yield from _answer_all(bot, c)

    def answer_after(event: Any) -> Any:
        # "multiple": a question queued while another is answered must still start a call of its own, in
        # case the running one has just finished.
        return event.then(
            answer,
            page.chat,
            page.log,
            show_progress="hidden",
            trigger_mode="multiple",
        )

    asked = gr.on(
        [send.click, page.question.submit],
        lambda q, c, s: _send(bot, c, q, s),
        [page.question, page.chat, page.story],
        page.log,
        js=CLEAR_ON_SEND,
        queue=False,
        trigger_mode="multiple",
        show_progress="hidden",
    )
    events = [answer_after(asked)]
    for button in page.buttons:
        picked = button.click(
            lambda q, c, s: _send(bot, c, q, s),
            [button, page.chat, page.story],
            page.log,
            queue=False,
            trigger_mode="multiple",
            show_progress="hidden",
        )
        events.append(answer_after(picked))
    retried = retry_go.click(
        lambda r, c: c.page() if retry(c, r) else gr.skip(),
        [retry_target, page.chat],
        page.log,
        queue=False,
        show_progress="hidden",
    )
    events.append(answer_after(retried))
    return events


def _wire_load(bot: Bot, app: gr.Blocks, page: _Page) -> Any:
    """Open the page on `?story=ID` (the widget's frame) and ask `&q=…` (an answer's permalink)."""
    outputs = [page.story, page.header, *page.buttons, page.log, page.question, page.status]
    skips = [gr.skip()] * (len(outputs) - 3)

    # One call, also when it asks: the widget's frame once made two, and the late one wiped a question.
    def on_load(s: str, c: Chat, request: gr.Request) -> Iterator[list[Any]]:  # the request, by annotation
        story, question, note = opening(bot, s, dict(request.query_params))
        queued = enqueue(bot, c, question, story) if question else None
        shown = c.page() if queued is not None else gr.skip()
        box = question if queued is False else gr.skip()
        yield [story, *choose_story(bot, story), shown, box, note or gr.skip()]
        if queued:
            for html in work(bot, c):
                yield [*skips, html, gr.skip(), gr.skip()]

    return app.load(on_load, [page.story, page.chat], outputs, show_progress="hidden")


def _reset(chat: Chat) -> list[Any]:
    chat.reset()
    return [chat.page(), ""]


def _stop(chat: Chat) -> str:
    chat.stop()
    return chat.page()


def create_app(bot: Bot, feedback: FeedbackStore, settings: Settings | None = None) -> gr.Blocks:
    """The reader's page for `bot` (ratings go to `feedback`); the Editor has its own page, `/editor`."""
    settings = settings or bot.settings
    stories = listed_stories(bot)
    choices = [(s.title, s.id) for s in stories] + ([("All stories", ALL_STORIES)] if len(stories) != 1 else [])
    first = stories[0].id if stories else ALL_STORIES
    with gr.Blocks(title="Storybot", analytics_enabled=False) as app:
        chat = gr.State(Chat())
        with gr.Column(elem_id="sb-page"):
            story = gr.Dropdown(
                choices=choices, value=first, label="Story", visible=len(choices) > 1, elem_id="sb-story-pick"
            )
            header = gr.HTML(elem_id="sb-header")
            with gr.Row(elem_id="sb-suggested"):
                buttons = [
                    gr.Button(visible=False, size="sm", elem_classes="sb-suggested-q") for _ in range(MAX_SUGGESTIONS)
                ]
            log_html = gr.HTML(
                render.conversation([]), elem_id="sb-conversation", js_on_load=_read_js("conversation.js")
            )
            with gr.Row(elem_id="sb-ask-row"):
                question = gr.Textbox(
                    placeholder="Ask about the story…",
                    # Hidden, but the box's accessible name: a screen reader said only "Textbox".
                    label="Your question",
                    show_label=False,
                    scale=5,
                    elem_id="sb-question",
                    max_lines=4,
                )
                send = gr.Button("Ask", variant="primary", scale=1, elem_id="sb-send")
                # Shown only while an answer is in progress (the page's script marks the body).
                stop = gr.Button("Stop", variant="stop", scale=1, elem_id="sb-stop")
            gr.HTML(render.counter(settings.max_question_chars), elem_id="sb-count")
            with gr.Row(elem_id="sb-tools"):
                reset = gr.Button("New conversation", size="sm", elem_id="sb-new")
            status = gr.Markdown(elem_id="sb-status")
            # Filled by the page's script when a reader rates or retries an answer inside the conversation.
            rate_target = gr.Textbox(visible="hidden", elem_id="sb-rate-target")
            rate_go = gr.Button(visible="hidden", elem_id="sb-rate-go")
            retry_target = gr.Textbox(visible="hidden", elem_id="sb-retry-target")
            retry_go = gr.Button(visible="hidden", elem_id="sb-retry-go")
            # Pressed by the page's script when an older rendering arrived after a newer one.
            refresh = gr.Button(visible="hidden", elem_id="sb-refresh")
        page = _Page(chat, story, header, buttons, log_html, question, status)
        answering_events = _wire_questions(bot, page, send, retry_target, retry_go)
        answering_events.append(_wire_load(bot, app, page))
        # "&embed=1" (the widget) shows the chat alone: no story picker, no Editor tab in a reader's frame.
        app.load(None, None, None, js=EMBED_JS)
        # A reader's switch only (`input`, not `change`): the load above also sets the story, and a reset
        # fired by it arrived late on a loaded machine and wiped the question the reader had just sent.
        # One event, not a chain: a question asked right after switching must not be wiped by a late reset.
        story.input(
            lambda s, c: [*choose_story(bot, s), *_reset(c)], [story, chat], [header, *buttons, log_html, question]
        )
        # Stop: Gradio drops the answering call, and the conversation marks what it was doing as stopped, so
        # a call Gradio could not reach (one answering a queue of questions) writes nothing more either.
        # Not queued, so it acts at once however busy the queue is.
        stop.click(_stop, chat, log_html, cancels=answering_events, queue=False, show_progress="hidden")

        def rated(c: Chat, r: str) -> tuple[str, str]:
            status_line = rate(feedback, c, r)  # first: the page shows the rating's outcome
            return c.page(), status_line

        rate_go.click(
            rated,
            [chat, rate_target],
            [log_html, status],
            show_progress="hidden",
        )
        reset.click(lambda c: [*_reset(c), ""], chat, [log_html, question, status], show_progress="hidden")
        refresh.click(lambda c: c.page(), chat, log_html, show_progress="hidden")
    # The page's functions are for the page: not listed, nor callable by name, as a second API beside
    # /api (which has keys). Calls are rate-limited per address like the API (`Guard.page`).
    for function in app.fns.values():
        function.api_visibility = "private"
    return app  # type: ignore[no-any-return]


# The widget's frame (`?embed=1`): the chat alone, with a Close control and Esc that ask widget.js on the
# host page to close the frame. "*" as the target: the host's origin is unknown here, the message carries
# nothing but its type, and widget.js accepts it only from its own frame.
EMBED_JS = """() => {
  if (new URLSearchParams(window.location.search).get("embed") !== "1") return;
  document.body.classList.add("sb-embed");
  if (window.parent === window || document.getElementById("sb-embed-bar")) return;
  const close = () => window.parent.postMessage({ type: "storybot:close" }, "*");
  const bar = document.createElement("header");
  bar.id = "sb-embed-bar";
  const name = document.createElement("span");
  name.textContent = "Storybot";
  const button = document.createElement("button");
  button.id = "sb-close";
  button.type = "button";
  button.textContent = "Close";
  button.addEventListener("click", close);
  bar.append(name, button);
  document.body.prepend(bar);  // first in the tab order
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.isComposing) close();
  });
}"""


def _read_js(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def theme_and_css() -> tuple[gr.themes.Base, str]:
    """System fonts (nothing fetched from outside) and the page's stylesheet. Colours at WCAG AA contrast (4.5:1)
    in light and dark mode: Gradio's defaults put hints at 1.9:1 and white on orange at 2.8:1."""
    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]).set(
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_400",
        input_placeholder_color="*neutral_500",
        input_placeholder_color_dark="*neutral_400",
        # Links sit on the answer's box too, which dark mode paints lighter than the page.
        link_text_color_dark="*secondary_400",
        link_text_color_visited="*secondary_600",
        link_text_color_visited_dark="*secondary_400",
        link_text_color_active_dark="*secondary_400",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_hover_dark="*primary_800",
        button_cancel_background_fill="#b91c1c",
        button_cancel_background_fill_dark="#b91c1c",
        button_cancel_background_fill_hover="#991b1b",
        button_cancel_background_fill_hover_dark="#991b1b",
    )
    return theme, _read_js("style.css")
