"""`storybot check` and `storybot suggest`: the editor's commands (registered in bot/cli.py)."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.bot import Bot
from bot.editor.checks import Result, load_cases, run_cases, story_cases, summary
from bot.editor.report import cited_labels, render_report
from bot.errors import InputError
from bot.present import shorten

# The terminal summary shows this many characters of each answer; the report has them whole.
SHORT_ANSWER = 160


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `check` and `suggest` subcommands."""
    check = sub.add_parser("check", help="check a story's suggested questions (or a cases file) before publishing")
    check.add_argument("story", nargs="?", help="story id: run its 'Common questions' with the default verdicts")
    check.add_argument("--cases", type=Path, help="YAML or JSON file of cases with optional expectations")
    check.add_argument("--json", action="store_true", help="print the full results as JSON")
    check.add_argument("--report", type=Path, help="write a self-contained HTML report here")
    suggest = sub.add_parser("suggest", help="propose reader questions the bot answers well from a story")
    suggest.add_argument("story", help="story id")
    suggest.add_argument("--json", action="store_true", help="print the results as JSON")


def cmd_check(bot: Bot, args: argparse.Namespace) -> int:
    """Run the checks; exit 0 when every case passes, 1 when any fails."""
    if not args.story and not args.cases:
        raise InputError("name a story id, or give --cases FILE")
    cases = load_cases(args.cases) if args.cases else story_cases(bot, args.story)
    if args.cases and args.story:  # a story id given with a cases file scopes cases that name none
        cases = [c if c.story else replace(c, story=args.story) for c in cases]
    results = run_cases(bot, cases)
    title = f"Storybot checks: {args.story or args.cases}"
    if args.report:
        _write(args.report, render_report(results, title))
    if args.json:
        print(
            json.dumps(
                {"summary": summary(results), "results": [r.to_dict() for r in results]}, ensure_ascii=False, indent=2
            )
        )
    else:
        print_table(results, title)
    return 0 if all(r.passed for r in results) else 1


def cmd_suggest(bot: Bot, args: argparse.Namespace) -> int:
    """Print candidate questions, marking those the bot answers well from the story."""
    from bot.editor.suggest import suggest

    results = suggest(bot, args.story)
    if args.json:
        print(
            json.dumps(
                [{"question": r.case.question, "works": r.passed, "reasons": list(r.reasons)} for r in results],
                indent=2,
            )
        )
        return 0
    good = [r for r in results if r.passed]
    console = Console()
    console.print(
        f"[bold]{len(good)} of {len(results)} candidate questions are answered well from {args.story}:[/bold]"
    )
    for r in good:
        console.print(f"  ✓ {r.case.question}", markup=False)
    for r in results:
        if not r.passed:
            console.print(f"  ✗ {r.case.question} ({'; '.join(r.reasons)})", markup=False, style="dim")
    return 0


def print_table(results: list[Result], title: str) -> None:
    """A rich table: question, verdict, short answer, cited sections, latency; then the summary."""
    table = Table(title=title, show_lines=True)
    for column in ("Question", "Verdict", "Answer", "Cited", "Latency"):
        table.add_column(column, overflow="fold")
    for r in results:
        verdict = "[green]PASS[/green]" if r.passed else "[red]FAIL[/red]\n" + "\n".join(r.reasons)
        short = shorten(r.answer.text, SHORT_ANSWER)
        table.add_row(
            _plain(r.case.question),
            verdict,
            _plain(short),
            _plain(", ".join(cited_labels(r))),
            f"{r.seconds * 1000:.0f} ms",
        )
    console = Console()
    console.print(table)
    counts = summary(results)
    console.print(f"{counts['passed']} of {counts['total']} passed, {counts['failed']} failed.")


def _plain(text: str) -> str:
    return text.replace("[", r"\[")  # rich markup must not eat the answer's [1] markers


def _write(path: Path, html: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the report to {path}: {exc.strerror}") from None
