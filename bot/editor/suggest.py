"""Propose reader questions for a story and keep only those the bot answers well from that story."""

from __future__ import annotations

import logging

from bot.bot import Bot
from bot.editor.checks import Case, Result, run_case
from bot.prompts import render
from bot.suspicious import withheld

log = logging.getLogger(__name__)

# Reader questions that newsroom section headings answer.
_SECTION_QUESTIONS = {
    "what's happened": "What happened?",
    "what's behind the headline?": "What is behind the headline?",
    "what the papers say": "What do the papers say?",
    "how we got here": "How did we get here?",
}
# What the model reads of a story (its prompt stays within a small model's context window),
# how many questions it is asked for, and the length of a line kept as a question.
PROMPT_CHARS = 6000
MODEL_QUESTIONS = 6
QUESTION_CHARS = (8, 200)


def candidates(bot: Bot, story: str) -> list[str]:
    """Questions drawn from the story's sections and people (and from the LLM, when one is configured)."""
    bot.retriever.check_story(story)
    catalog = bot.catalog()
    info = catalog.stories[story]
    chunks = [c for c in bot.index.snapshot().chunks if c.doc_id == story]
    questions = [
        _SECTION_QUESTIONS[s.lower()]
        for s in dict.fromkeys(c.section or "" for c in chunks)
        if s.lower() in _SECTION_QUESTIONS
    ]
    questions += [f"Who is {bio.name}?" for bio in catalog.bios if story in bio.stories]
    questions += [q.question for q in info.questions]
    # text addressed to an assistant is withheld from the model, as when it answers
    questions += _from_model(bot, withheld(info.title), "\n\n".join(withheld(c.text) for c in chunks))
    return list(dict.fromkeys(questions))


def _from_model(bot: Bot, title: str, text: str) -> list[str]:
    """The questions the answerer's language model proposes; none from an answerer without one."""
    prompt = render("suggest", title=title, text=text[:PROMPT_CHARS], count=MODEL_QUESTIONS)
    try:
        reply = bot.answerer.complete(prompt)
    except Exception as exc:
        log.warning("chat model failed to suggest questions: %s", exc)
        return []
    if reply is None:
        return []
    lines = [line.strip().lstrip("-*0123456789.) ").strip() for line in reply.splitlines()]
    shortest, longest = QUESTION_CHARS
    return [line for line in lines if line.endswith("?") and shortest <= len(line) <= longest]


def suggest(bot: Bot, story: str) -> list[Result]:
    """Every candidate's check result; those that passed the default verdicts come first."""
    results = [run_case(bot, Case(question=q, story=story)) for q in candidates(bot, story)]
    return sorted(results, key=lambda r: not r.passed)
