"""The editor report shows each citation's story dates and correction notice, escaped."""

from __future__ import annotations

from bot.editor.checks import Case, Result
from bot.editor.report import render_report
from bot.types import Answer, AnswerSentence, Citation

CITED = Citation(
    1,
    "c1",
    "budget",
    "What's happened",
    None,
    "City budget",
    None,
    "The council passed the budget.",
    published="2026-12-04",
    updated="2026-12-05",
    correction="The vote was <b>7-2</b>, not 6-3.",
)


def test_sources_show_the_story_s_dates_and_correction() -> None:
    answer = Answer(sentences=(AnswerSentence("It passed.", (1,)),), citations=(CITED,))
    html = render_report([Result(Case("Did it pass?"), answer)], "Checks")
    assert "[1] City budget — What&#x27;s happened, published 4 Dec 2026, updated 5 Dec 2026<blockquote>" in html
    assert '<p class="correction">Correction: The vote was &lt;b&gt;7-2&lt;/b&gt;, not 6-3.</p>' in html
