"""The `storybot` command: index, ask, chat. A `BotError` prints its message and exits non-zero."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bot.bot import Bot, build_bot
from bot.config import AnswererKind, Settings
from bot.editor.commands import add_parsers as add_editor_parsers
from bot.editor.commands import cmd_check, cmd_suggest
from bot.errors import BotError, InputError
from bot.faithful_train import add_parser as add_faithful_parser
from bot.faithful_train import cmd_train_faithful, seed_idf
from bot.ingest import add_parser as add_ingest_parser
from bot.ingest import cmd_ingest
from bot.present import day, remembered, terminal, to_json
from bot.reader_train import add_parser as add_train_parser
from bot.reader_train import cmd_train_reader
from bot.redact import install as install_redaction
from bot.redact import redact
from bot.retrieve import TOP_K
from bot.suspicious import in_chunks
from bot.when import parse_as_of

EXIT_ERROR = 2
AS_OF_HELP = "answer as of this day, YYYY-MM-DD (default today): stories published later are invisible"


def parser() -> argparse.ArgumentParser:
    """The argument parser (flags override `STORYBOT_*` environment variables)."""
    p = argparse.ArgumentParser(
        prog="storybot",
        description="Answer questions about news stories, with cited passages.",
        allow_abbrev=False,  # argparse matches prefixes first: a subcommand flag could pass for a global one
    )
    p.add_argument("--index-dir", type=Path, help="index folder (STORYBOT_INDEX_DIR, default .storybot/index)")
    p.add_argument("--corpus-dir", type=Path, help="corpus folder (STORYBOT_CORPUS_DIR, default corpus)")
    p.add_argument("--embedding-model", help="minilm (default), fake, or a local model folder")
    p.add_argument("--answerer", choices=[kind.value for kind in AnswererKind], help="how answers are written")
    p.add_argument("--llm-base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1")
    p.add_argument("--llm-model", help="model name at that endpoint")
    p.add_argument("--top-k", type=int, help=f"passages retrieved per question (default {TOP_K})")
    sub = p.add_subparsers(dest="command", required=True)
    idx = sub.add_parser("index", help="index the corpus (only changed chunks are embedded)")
    idx.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the corpus folder)")
    idx.add_argument(
        "--check", action="store_true", help="only check the live index's files and vectors (exit 2 when damaged)"
    )
    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--history", type=Path, help="JSON file of earlier messages [{role, content}, ...]")
    ask.add_argument("--story", help="only answer from this story id (and its people)")
    ask.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    chat = sub.add_parser("chat", help="hold a conversation in the terminal")
    chat.add_argument("--story", help="only answer from this story id (and its people)")
    for command in (ask, chat):
        command.add_argument("--as-of", help=AS_OF_HELP)
    add_editor_parsers(sub)
    add_train_parser(sub)
    add_faithful_parser(sub)
    add_ingest_parser(sub)
    return p


# Commands that run long enough for progress bars to help; every other command prints only its answer.
_SHOWS_PROGRESS = frozenset({"index", "train-reader", "train-faithful"})


def _quiet_model_loading() -> None:
    """No "Loading weights: 100%…" bar before every answer (transformers draws it as the encoder loads)."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # transformers is untyped here


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    if args.command not in _SHOWS_PROGRESS:
        _quiet_model_loading()
    try:
        settings = Settings.from_env(
            index_dir=args.index_dir,
            corpus_dir=args.corpus_dir,
            embedding_model=args.embedding_model,
            answerer=args.answerer,
            llm_base_url=args.llm_base_url,
            llm_model=args.llm_model,
            top_k=args.top_k,
        )
        if args.command == "train-reader":  # builds its own bot, with an untrained reader
            return cmd_train_reader(args, settings)
        if args.command == "train-faithful":  # features come from a bot over a temporary index of corpus/
            return cmd_train_faithful(args, settings, *seed_idf(settings))
        install_redaction(settings.secrets)
        bot = build_bot(settings)
        return int(COMMANDS[args.command](bot, args) or 0)
    except BotError as exc:
        print(f"storybot: {redact(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def cmd_index(bot: Bot, args: argparse.Namespace) -> int:
    """Index the corpus with a progress bar, then report what changed (and what was repaired)."""
    from tqdm import tqdm

    if args.check:
        return _check_index(bot)

    started = time.perf_counter()
    with tqdm(total=0, unit="chunk", desc="embedding", disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        report = bot.index_corpus(args.paths or None, progress)
    elapsed = time.perf_counter() - started
    for problem in report.repaired:
        print(f"repaired: {problem}")
    for line in report.flagged:
        print(f"warning: {line}", file=sys.stderr)
    if report.unchanged:
        print(f"index is up to date: {report.chunks} chunks, nothing to embed ({elapsed:.1f}s)")
    else:
        print(
            f"indexed {report.chunks} chunks: {report.embedded} embedded, {report.removed} removed, "
            f"{report.chunks - report.embedded} unchanged ({elapsed:.1f}s); serving snapshot {report.snapshot}"
        )
    return 0


def _check_index(bot: Bot) -> int:
    problems = bot.index.problems()
    for problem in problems:
        print(f"storybot: {problem}", file=sys.stderr)
    if problems:
        print("storybot: run 'storybot index' to repair the index", file=sys.stderr)
        return EXIT_ERROR
    snapshot = bot.index.snapshot()
    print(f"index is whole: snapshot {snapshot.name}, {len(snapshot.chunks)} chunks, every one with its vector")
    for line in in_chunks(snapshot.chunks):
        print(f"warning: {line}")  # not damage: the index serves, and the passage is never quoted
    return 0


def cmd_ask(bot: Bot, args: argparse.Namespace) -> int:
    """Answer one question (a refusal is an answer too: exit 0, `refused` in the JSON)."""
    history = _read_history(args.history) if args.history else None
    answer = bot.ask(args.question, history=history, story=args.story, as_of=_as_of(args.as_of))
    if args.json:
        print(json.dumps(to_json(answer), ensure_ascii=False, indent=2))
    else:
        print(terminal(answer))
    return 0


def cmd_chat(bot: Bot, args: argparse.Namespace) -> int:
    """A read-eval-print conversation; an empty line or Ctrl-D ends it."""
    history: list[dict[str, str]] = []
    as_of = _as_of(args.as_of)  # a bad date stops the chat before it starts
    print("Ask about the news (empty line to quit)." + (f" As of {day(as_of.isoformat())}." if as_of else ""))
    while True:
        try:
            question = input("you> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            return 0
        try:
            answer = bot.ask(question, history=history, story=args.story, as_of=as_of)
        except InputError as exc:
            print(f"storybot: {exc}")
            continue
        print(terminal(answer), end="\n\n")
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": remembered(answer)}]


def _as_of(value: str | None) -> date | None:
    """The `--as-of` day, or None for today; a bad one is an `InputError` naming the flag."""
    if value is None:
        return None
    try:
        return parse_as_of(value.strip() or "-")
    except InputError:
        raise InputError(f"--as-of must be a date like 2025-12-13; got {value!r}") from None


def _read_history(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read history file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"history file {path} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"history file {path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except (ValueError, RecursionError):
        raise InputError(f"history file {path} holds JSON too large or deep to read") from None


COMMANDS = {
    "index": cmd_index,
    "ask": cmd_ask,
    "chat": cmd_chat,
    "check": cmd_check,
    "suggest": cmd_suggest,
    "ingest": cmd_ingest,
}
