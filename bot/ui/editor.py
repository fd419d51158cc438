"""The Editor page at /editor: run a story's checks, add or reword questions (kept with their verdicts),
download the report. Beyond localhost it sits behind `STORYBOT_EDITOR_TOKEN` (Gradio's login)."""

from __future__ import annotations

import hmac
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from bot.bot import Bot
from bot.config import Settings
from bot.editor.checks import Case, Result, run_case, summary
from bot.editor.report import cited_labels, render_report
from bot.errors import BotError, IndexNotReadyError, StoreError
from bot.http import FAILED_AUTH_PER_MINUTE, PAGE_CALLS, PAGE_UPLOADS, ApiError, RateLimiter
from bot.present import shorten
from bot.suggestions import EditorQuestion, Verdict
from bot.types import StoryInfo

PATH = "/editor"
COLUMNS = ("Question", "From", "Verdict", "Why", "Answer", "Cited", "Latency")
NEW = ""  # the edit picker's value for "a new question"
# An answer in the table is cut to this much; the report has it whole.
ANSWER_CHARS = 300
ASSETS = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Listed:
    """A question of the story as the editor sees it: its text, where it comes from, its stored verdict."""

    question: str
    origin: str  # "story" or "editor"
    edit: EditorQuestion | None = None
    indexed: bool | None = None  # a story's own question's verdict from when the story was indexed


@dataclass(frozen=True)
class View:
    """What every editor action returns: results of this session's runs, the table, a status line, the
    report file and the edit picker's choices and value."""

    results: list[Result]
    table: str
    status: str
    report: str | None
    choices: list[tuple[str, str]]
    editing: str
    typed: str | None = None  # the question box's new text (None leaves it as it is)

    def outputs(self) -> list[Any]:
        """The values for the page's outputs, in order."""
        picker = gr.update(choices=self.choices, value=self.editing)
        typed = gr.skip() if self.typed is None else self.typed
        return [self.results, self.table, self.status, self.report, picker, typed]


def listed(bot: Bot, story: str) -> list[Listed]:
    """The story's questions in the editor's order: its own (an editor's rewording in place of the
    question it rewords), then the questions editors added."""
    snapshot = bot.index.snapshot()
    info = snapshot.catalog.stories.get(story)
    edits = bot.suggestions.questions(story)
    rewording = {e.replaces: e for e in edits if e.replaces}
    key = bot.offers_key(snapshot.name)
    rows = []
    for q in info.questions if info else ():
        edit = rewording.get(q.question)
        indexed = bot.offers.verdict(key, story, q.question)
        rows.append(Listed(edit.question, "editor", edit) if edit else Listed(q.question, "story", None, indexed))
    rows += [Listed(e.question, "editor", e) for e in edits if not e.replaces]
    return list({row.question: row for row in rows}.values())


def table_html(rows: list[Listed], results: list[Result]) -> str:
    """The checks as an HTML table (all text escaped); on a phone each row becomes a card (editor.css)."""
    ran = {r.case.question: r for r in results}
    shown = [*rows, *(Listed(q, "editor") for q in ran if q not in {row.question for row in rows})]
    if not shown:
        return '<p class="sb-empty">No questions yet: add one below.</p>'
    head = "".join(f'<th scope="col">{c}</th>' for c in COLUMNS)
    body = "".join(_row(row, ran.get(row.question)) for row in shown)
    return (
        '<table class="sb-checks-table"><caption>Suggested questions and their checks</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _row(row: Listed, result: Result | None) -> str:
    origin = "Story" if row.origin == "story" else "Editor"
    if row.edit is not None and row.edit.replaces:
        origin = f"Editor (rewords “{row.edit.replaces}”)"
    if result is not None:
        passed: bool | None = result.passed
        why, answer = "; ".join(result.reasons), shorten(result.answer.text, ANSWER_CHARS)
        cited, latency = ", ".join(cited_labels(result)), f"{result.seconds * 1000:.0f} ms"
    else:
        passed = row.edit.verdict.passed if row.edit else row.indexed
        why = "; ".join(row.edit.verdict.reasons) if row.edit else ""
        if passed is False and not why:
            why = "Run the checks to see why."
        answer, cited, latency = "", "", ""
    verdict = {True: "PASS", False: "FAIL", None: "not run"}[passed]
    css = {True: "pass", False: "fail", None: "none"}[passed]
    cells = (row.question, origin, verdict, why, answer, cited, latency)
    tds = "".join(
        f'<td data-label="{name}"{" class=sb-v-" + css if name == "Verdict" else ""}>{escape(text)}</td>'
        for name, text in zip(COLUMNS, cells, strict=True)
    )
    return f"<tr>{tds}</tr>"


def unlock(settings: Settings, username: str, token: str) -> bool:
    """Gradio's login check: any name, and the editor token as the password."""
    del username  # editors share the one token
    expected = settings.server.editor_token
    return bool(expected) and hmac.compare_digest(token.encode(), str(expected).encode())


def load_story(bot: Bot, story: str) -> View:
    """The story's questions with their stored verdicts, before anything is run."""
    try:
        rows = listed(bot, story)
    except (BotError, StoreError) as exc:
        return View([], "", f"Sorry: {exc}", None, [("New question", NEW)], NEW)
    status = "Run the checks to see each answer." if rows else ""
    return View([], table_html(rows, []), status, None, _choices(rows), NEW)


def run_story(bot: Bot, story: str) -> View:
    """Check all the story's questions (its own and editors'), storing the editors' verdicts."""
    try:
        bot.retriever.check_story(story)
        rows = listed(bot, story)
    except (BotError, StoreError) as exc:
        return View([], "", f"Sorry: {exc}", None, [("New question", NEW)], NEW)
    if not rows:
        return View([], table_html([], []), "This story has no suggested questions: add one below.", None, [], NEW)
    results = [run_case(bot, Case(question=row.question, story=story)) for row in rows]
    problem = _keep(bot, story, [(row, r) for row, r in zip(rows, results, strict=True) if row.origin == "editor"])
    return _view(bot, story, results, problem, NEW)


def run_question(bot: Bot, story: str, question: str, editing: str, results: list[Result]) -> View:
    """Check one question, new or an edit of the row `editing`, which it then replaces, and store it."""
    question = question.strip()
    try:
        rows = listed(bot, story)
        bot.retriever.check_story(story)
    except (BotError, StoreError) as exc:
        return View(results, "", f"Sorry: {exc}", None, [("New question", NEW)], editing)
    if not question:
        return _view(bot, story, results, "Type a question to check.", editing)
    result = run_case(bot, Case(question=question, story=story))
    kept = [r for r in results if r.case.question not in (question, editing)] + [result]
    own = {q.question for q in bot.catalog().stories[story].questions}
    if question in own and question not in {row.question for row in rows if row.origin == "editor"}:
        return _view(bot, story, kept, "", NEW)  # the story's own question, unchanged: nothing to keep
    was = next((row for row in rows if row.question == editing), None) if editing else None
    if was is not None and was.origin == "story":  # rewording the story's own question: stands in its place
        problem = _keep(bot, story, [(Listed(question, "editor"), result)], replaces=editing)
    else:  # a new question, or an edit of an editor's, whose row it then takes
        edit = Listed(question, "editor", was.edit if was else None)
        problem = _keep(bot, story, [(edit, result)], was=editing if was else None)
    # Kept: the box is ready for a new question (picking a row edits it again); not kept: the text stays.
    view = _view(bot, story, kept, problem, NEW)
    return view if problem else replace(view, typed="")


def _keep(
    bot: Bot,
    story: str,
    checked: list[tuple[Listed, Result]],
    was: str | None = None,
    replaces: str | None = None,
) -> str:
    """Store the editors' questions' verdicts; a failure is a message for the editor, never a crash."""
    key = bot.offers_key(bot.index.snapshot().name)
    for row, result in checked:
        keeps = replaces or (row.edit.replaces if row.edit else None)
        try:
            bot.suggestions.save(
                story,
                row.question,
                Verdict(result.passed, result.reasons, key),
                was=was or row.question,
                replaces=keeps,
            )
        except StoreError as exc:
            return f"Checked, but not saved (it will be gone after a reload): {exc}."
    return ""


def _view(bot: Bot, story: str, results: list[Result], problem: str, editing: str) -> View:
    try:
        rows = listed(bot, story)
    except StoreError as exc:  # the results still show, below a message saying what is missing
        rows, problem = [], f"{problem} The kept questions are not shown: {exc}.".strip()
    ordered = {row.question: i for i, row in enumerate(rows)}
    ran = sorted(results, key=lambda r: ordered.get(r.case.question, len(ordered)))
    counts = summary(ran)
    status = f"**{counts['passed']} of {counts['total']} passed**, {counts['failed']} failed." if ran else ""
    status = f"{status} {problem}".strip()
    picked = editing if editing in ordered or editing in {r.case.question for r in ran} else NEW
    return View(ran, table_html(rows, ran), status, write_report(ran, story) if ran else None, _choices(rows), picked)


def _choices(rows: list[Listed]) -> list[tuple[str, str]]:
    return [("New question", NEW)] + [(row.question, row.question) for row in rows]


def write_report(results: list[Result], story: str) -> str:
    """Write the HTML report to a temporary file for download; returns its path."""
    folder = Path(tempfile.mkdtemp(prefix="storybot-report-"))
    path = folder / f"checks-{story or 'all'}.html"
    path.write_text(render_report(results, f"Storybot checks: {story}"), encoding="utf-8")
    return str(path)


def listed_stories(bot: Bot) -> list[StoryInfo]:
    """The stories for the page's lists; none while the index is not built yet (the page still loads,
    and asking says what is wrong), so a server started before `storybot index` serves."""
    try:
        return bot.stories()
    except IndexNotReadyError:
        return []


def create_editor(bot: Bot) -> gr.Blocks:
    """The Editor page's Blocks (mounted at /editor by `mount_editor`)."""
    stories = [(s.title, s.id) for s in listed_stories(bot)]
    with gr.Blocks(title="Storybot editor", analytics_enabled=False) as page, gr.Column(elem_id="sb-editor"):
        gr.Markdown("# Storybot editor\nCheck a story's suggested questions before readers see them.")
        results = gr.State([])
        with gr.Row(elem_id="sb-editor-pick"):
            story = gr.Dropdown(stories, value=stories[0][1] if stories else None, label="Story", scale=3)
            run_all = gr.Button("Run checks", variant="primary", scale=1, elem_id="sb-run-checks")
        status = gr.Markdown(elem_id="sb-editor-status")
        table = gr.HTML(elem_id="sb-checks")
        with gr.Group(elem_id="sb-edit"):
            editing = gr.Dropdown([("New question", NEW)], value=NEW, label="Edit a question", elem_id="sb-edit-pick")
            question = gr.Textbox(label="Question", elem_id="sb-edit-q", max_lines=3)
            run_one = gr.Button("Check and save", elem_id="sb-run-one")
        report = gr.File(label="Report (HTML)", elem_id="sb-report")
        outputs = [results, table, status, report, editing, question]

        page.load(lambda s: load_story(bot, s).outputs() if s else [gr.skip()] * len(outputs), story, outputs)
        story.input(lambda s: load_story(bot, s).outputs(), story, outputs)
        run_all.click(lambda s: run_story(bot, s).outputs(), story, outputs)
        one = [story, question, editing, results]
        run_one.click(lambda s, q, e, r: run_question(bot, s, q, e, r).outputs(), one, outputs)
        question.submit(lambda s, q, e, r: run_question(bot, s, q, e, r).outputs(), one, outputs)
        editing.input(lambda e: e, editing, question)  # picking a row puts its question in the box
    for function in page.fns.values():
        function.api_visibility = "private"  # the page's functions are for the page, not a second API
    return page  # type: ignore[no-any-return]


def mount_editor(api: FastAPI, bot: Bot, settings: Settings, theme: Any) -> None:
    """Serve the Editor at /editor (before the reader's page takes /). With a token set, every request
    needs Gradio's login first; without one it is open on localhost and off (403) beyond it."""
    server = settings.server
    if not server.local_only and not server.editor_token:

        @api.api_route(PATH, methods=["GET", "POST"], include_in_schema=False)
        @api.api_route(PATH + "/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
        async def off(rest: str = "") -> JSONResponse:
            message = "the editor is off: set STORYBOT_EDITOR_TOKEN to use it on a public address"
            return JSONResponse({"error": {"message": message, "type": "permission_error"}}, 403)

        return
    api.middleware("http")(_editor_guard(RateLimiter(server.rate_limit), RateLimiter(FAILED_AUTH_PER_MINUTE)))
    # A token set is always asked for, on localhost too: behind a reverse proxy every caller is local.
    auth = (lambda user, token: unlock(settings, user, token)) if server.editor_token else None
    css = (ASSETS / "editor.css").read_text(encoding="utf-8")
    gr.mount_gradio_app(
        api,
        create_editor(bot),
        path=PATH,
        auth=auth,
        auth_message="Enter any name and the editor token (STORYBOT_EDITOR_TOKEN).",
        theme=theme,
        css=css,
        footer_links=[],
    )


Call = Callable[[Request], Awaitable[Response]]


def _editor_guard(calls: RateLimiter, logins: RateLimiter) -> Callable[[Request, Call], Awaitable[Response]]:
    """The reader page's limits for the editor's own calls (per address; no uploads), and a few login
    attempts a minute per address, so the token cannot be guessed by trying."""

    async def guard(request: Request, call_next: Call) -> Response:
        path = request.url.path
        if path.startswith(PATH + "/"):
            inner = path.removeprefix(PATH)
            address = request.client.host if request.client else "unknown"
            try:
                if inner.startswith(PAGE_UPLOADS):
                    raise ApiError(403, "uploads are switched off")
                if inner.startswith(PAGE_CALLS):
                    calls.check("editor:" + address)
                if inner.rstrip("/") == "/login" and request.method == "POST":
                    logins.check("editor-login:" + address)
            except ApiError as exc:
                body = {"error": {"message": exc.message, "type": "permission_error"}}
                return JSONResponse(body, exc.status, headers=exc.headers)
        return await call_next(request)

    return guard
