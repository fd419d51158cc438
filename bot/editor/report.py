"""A self-contained HTML report of editor checks: summary first, then each question in full."""

from __future__ import annotations

import datetime as dt
from html import escape

from bot.editor.checks import Result, summary
from bot.present import correction_text, where_when
from bot.types import Citation

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 900px; margin: 2em auto; padding: 0 1em; color: #222;
       background: #fff; overflow-wrap: anywhere; }
.summary { padding: 0.8em 1em; border-radius: 8px; }
.summary.pass { background: #e8f5e9; } .summary.fail { background: #fdecec; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { text-align: left; padding: 0.3em 0.5em; border-bottom: 1px solid #ddd; vertical-align: top; }
.verdict-pass { color: #1b5e20; font-weight: 600; } .verdict-fail { color: #b71c1c; font-weight: 600; }
section.case { border-top: 2px solid #eee; padding-top: 0.5em; margin-top: 1.5em; }
blockquote { margin: 0.3em 0 0.6em 1em; padding-left: 0.6em; border-left: 3px solid #ccc; color: #444; }
.reasons { color: #b71c1c; } .refused { font-style: italic; } ul.sources { list-style: none; padding-left: 0.5em; }
.scroll { overflow-x: auto; }
.correction { margin: 0 0 0.6em 1em; padding: 0.2em 0.5em; border-left: 3px solid #b7861d; background: #fff8e6;
              color: #5c4400; }
@media (max-width: 600px) {
  body { margin: 1em auto; font-size: 16px; } h1 { font-size: 1.4em; } h2 { font-size: 1.15em; }
  th, td { padding: 0.3em 0.35em; }
}
@media (prefers-color-scheme: dark) {
  body { color: #e8e8ea; background: #16171a; } th, td { border-bottom-color: #3a3b40; }
  .summary.pass { background: #1e3a22; } .summary.fail { background: #4a1f1f; }
  .verdict-pass { color: #81c784; } .verdict-fail, .reasons { color: #ff9e9e; }
  blockquote { color: #c8c8cc; border-left-color: #55575d; } section.case { border-top-color: #2c2d31; }
  .correction { background: #2e2410; color: #f6e3b4; border-left-color: #a8801f; }
}
"""


def render_report(results: list[Result], title: str) -> str:
    """The report as one HTML document (no external resources; all text escaped)."""
    counts = summary(results)
    state = "pass" if counts["failed"] == 0 else "fail"
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = "".join(_row(i, r) for i, r in enumerate(results, start=1))
    cases = "".join(_case(i, r) for i, r in enumerate(results, start=1))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>"
        f'<div class="summary {state}" id="summary"><strong>{counts["passed"]} of {counts["total"]} passed</strong>'
        f" — {counts['failed']} failed. Checked {when}.</div>"
        '<div class="scroll"><table><thead><tr><th>#</th><th>Question</th><th>Verdict</th><th>Cited</th>'
        "<th>Latency</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>{cases}</body></html>"
    )


def _row(i: int, result: Result) -> str:
    verdict = "pass" if result.passed else "fail"
    return (
        f'<tr><td><a href="#case-{i}">{i}</a></td><td>{escape(result.case.question)}</td>'
        f'<td class="verdict-{verdict}">{verdict.upper()}</td><td>{escape(", ".join(cited_labels(result)))}</td>'
        f"<td>{result.seconds * 1000:.0f} ms</td></tr>"
    )


def _case(i: int, result: Result) -> str:
    answer = result.answer
    reasons = "".join(f"<li>{escape(r)}</li>" for r in result.reasons)
    why = f'<ul class="reasons">{reasons}</ul>' if reasons else ""
    sources = "".join(_source(c) for c in answer.citations)
    text_class = ' class="refused"' if answer.refused else ""
    return (
        f'<section class="case" id="case-{i}"><h2>{i}. {escape(result.case.question)}</h2>'
        f'<p class="verdict-{"pass" if result.passed else "fail"}">{"PASS" if result.passed else "FAIL"}</p>{why}'
        f'<p{text_class}>{escape(answer.text)}</p><ul class="sources">{sources}</ul></section>'
    )


def _source(c: Citation) -> str:
    fix = f'<p class="correction">{escape(correction_text(c.correction))}</p>' if c.correction else ""
    quote = f"<blockquote>{escape(c.quote)}</blockquote>"
    return f"<li>[{c.number}] {escape(c.title)} — {escape(where_when(c))}{quote}{fix}</li>"


def cited_labels(result: Result) -> list[str]:
    """The sections or people an answer cites, in order."""
    return list(dict.fromkeys(c.section or c.entity or c.story_id for c in result.answer.citations))
