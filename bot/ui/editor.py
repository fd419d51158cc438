"""The web app's Editor tab: run a story's checks, try new questions, download the report."""

from __future__ import annotations

import hmac
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from bot.bot import Bot
from bot.config import Settings
from bot.editor.checks import Case, Result, run_case, run_cases, story_cases, summary
from bot.editor.report import cited_labels, render_report
from bot.errors import BotError, IndexNotReadyError
from bot.http import FAILED_AUTH_PER_MINUTE, ApiError, RateLimiter
from bot.types import StoryInfo

COLUMNS = ["Question", "Verdict", "Why", "Answer", "Cited", "Latency (ms)"]
LOCKED = "The editor tab is locked: enter the editor token."


def rows(results: list[Result]) -> list[list[Any]]:
    """The table rows for results."""
    return [
        [
            r.case.question,
            "PASS" if r.passed else "FAIL",
            "; ".join(r.reasons),
            r.answer.text,
            ", ".join(cited_labels(r)),
            round(r.seconds * 1000),
        ]
        for r in results
    ]


def unlock(settings: Settings, token: str, attempts: RateLimiter | None = None, address: str = "") -> tuple[bool, str]:
    """Whether `token` opens the tab, and a message saying so. Each address gets a few attempts a
    minute (`attempts`), so a token cannot be guessed by trying."""
    if settings.server.local_only:
        return True, "Open: the app only listens on this machine."
    if not settings.server.editor_token:
        return False, "Set STORYBOT_EDITOR_TOKEN to use the editor tab on a public address."
    if attempts is not None:
        try:
            attempts.check("editor:" + address)
        except ApiError as exc:
            return False, f"Too many attempts: {exc.message}."
    if hmac.compare_digest(token.encode(), settings.server.editor_token.encode()):
        return True, "Unlocked."
    return False, "Wrong token."


def run_story(bot: Bot, story: str, unlocked: bool) -> tuple[list[Result], list[list[Any]], str, str | None]:
    """Check the story's suggested questions: results, table rows, summary line, report file."""
    if not unlocked:
        return [], [], LOCKED, None
    try:
        results = run_cases(bot, story_cases(bot, story))
    except BotError as exc:
        return [], [], f"Sorry: {exc}", None
    return results, rows(results), _summary(results), write_report(results, story)


def run_question(
    bot: Bot, story: str, question: str, results: list[Result], unlocked: bool
) -> tuple[list[Result], list[list[Any]], str, str | None]:
    """Check one added or edited question (replacing its earlier result) with the default verdicts."""
    if not unlocked:
        return results, rows(results), LOCKED, None
    if not question.strip():
        return results, rows(results), "Type a question to check.", write_report(results, story) if results else None
    result = run_case(bot, Case(question=question.strip(), story=story or None))
    kept = [r for r in results if r.case.question != result.case.question] + [result]
    return kept, rows(kept), _summary(kept), write_report(kept, story)


def write_report(results: list[Result], story: str) -> str:
    """Write the HTML report to a temporary file for download; returns its path."""
    folder = Path(tempfile.mkdtemp(prefix="storybot-report-"))
    path = folder / f"checks-{story or 'all'}.html"
    path.write_text(render_report(results, f"Storybot checks: {story}"), encoding="utf-8")
    return str(path)


def _summary(results: list[Result]) -> str:
    counts = summary(results)
    return f"**{counts['passed']} of {counts['total']} passed**, {counts['failed']} failed."


def listed_stories(bot: Bot) -> list[StoryInfo]:
    """The stories for the page's lists; none while the index is not built yet (the page still loads,
    and asking says what is wrong), so a server started before `storybot index` serves."""
    try:
        return bot.stories()
    except IndexNotReadyError:
        return []


def editor_tab(bot: Bot, settings: Settings) -> None:
    """Build the tab inside the current Blocks."""
    open_now, message = unlock(settings, "")
    stories = [(s.title, s.id) for s in listed_stories(bot)]
    with gr.Tab("Editor", id="editor", elem_id="sb-editor"):
        unlocked = gr.State(open_now)
        results = gr.State([])
        with gr.Row(visible=not open_now):
            token = gr.Textbox(type="password", label="Editor token", elem_id="sb-token", scale=3)
            enter = gr.Button("Unlock", scale=1)
        status = gr.Markdown(message if not open_now else "", elem_id="sb-editor-status")
        with gr.Row():
            story = gr.Dropdown(stories, value=stories[0][1] if stories else None, label="Story", scale=3)
            run_all = gr.Button("Run checks", variant="primary", scale=1, elem_id="sb-run-checks")
        table = gr.Dataframe(
            headers=COLUMNS,
            interactive=False,
            wrap=True,
            column_widths=["24%", "7%", "22%", "31%", "10%", "6%"],
            elem_id="sb-checks",
        )
        with gr.Row():
            question = gr.Textbox(label="Add or edit a question (click a row to edit it)", scale=4, elem_id="sb-edit-q")
            run_one = gr.Button("Check this question", scale=1, elem_id="sb-run-one")
        report = gr.File(label="Report (HTML)", elem_id="sb-report")
        outputs = [results, table, status, report]
        attempts = RateLimiter(FAILED_AUTH_PER_MINUTE)

        def enter_token(typed: str, request: gr.Request) -> tuple[bool, str]:
            address = request.client.host if request is not None and request.client else "unknown"
            return unlock(settings, typed, attempts, address)

        enter.click(enter_token, token, [unlocked, status])
        run_all.click(lambda s, u: run_story(bot, s, u), [story, unlocked], outputs)
        run_one.click(lambda s, q, r, u: run_question(bot, s, q, r, u), [story, question, results, unlocked], outputs)
        question.submit(lambda s, q, r, u: run_question(bot, s, q, r, u), [story, question, results, unlocked], outputs)
        table.select(_pick_question, None, question)


def _pick_question(event: gr.SelectData) -> str:
    return str(event.row_value[0]) if event.row_value else ""
