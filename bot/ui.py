"""A minimal Gradio chat over a `Bot`: the UI holds no retrieval or answering logic."""

from __future__ import annotations

import html
import logging
from typing import Any

import gradio as gr

from bot.bot import Bot
from bot.errors import BotError
from bot.types import Answer

log = logging.getLogger(__name__)


def answer_markdown(answer: Answer) -> str:
    """The answer and its numbered, quoted sources; corpus text is escaped, never rendered as HTML."""
    lines = [html.escape(answer.text)]
    if answer.refused:
        lines[0] = "_" + lines[0] + "_"
    for c in answer.citations:
        where = html.escape(c.section or c.entity or "article")
        lines.append(f"\n**[{c.number}]** {html.escape(c.title)} — {where}\n> {html.escape(c.quote)}")
    return "\n".join(lines)


def respond(bot: Bot, question: str, history: list[dict[str, Any]]) -> str:
    """One chat turn: the bot's answer as Markdown, or the error message for the reader."""
    past = [{"role": m["role"], "content": _text(m["content"])} for m in history]
    try:
        return answer_markdown(bot.ask(question, history=past))
    except BotError as exc:
        return f"⚠️ {html.escape(str(exc))}"
    except Exception:
        log.exception("unexpected error answering %r", question)
        return "⚠️ Something went wrong on our side; please try again."


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def create_app(bot: Bot) -> gr.Blocks:
    """The reader's chat page for `bot`."""
    examples = bot.suggested_questions()[:4] or None
    with gr.Blocks(title="Storybot", analytics_enabled=False) as app:
        gr.Markdown("## Storybot\nAsk about the news. Every sentence cites the passage it comes from.")
        gr.ChatInterface(fn=lambda q, h: respond(bot, q, h), examples=examples)
    return app  # type: ignore[no-any-return]
