from bot.types import Answer, AnswerSentence, Citation, StoryInfo
from bot.ui.render import Turn, conversation, highlight, story_header

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>alert(1)</script>'


def _answer(*sentences: AnswerSentence, quote: str = "Quote.") -> Answer:
    citation = Citation(1, "c1", "s", HOSTILE, None, HOSTILE, 'https://x.test/"onmouseover="alert(1)', quote)
    return Answer(sentences=sentences, citations=(citation,))


def test_corpus_text_is_escaped_everywhere() -> None:
    turn = Turn(
        question=HOSTILE,
        answer=_answer(AnswerSentence(f"{HOSTILE}.", (1,))),
        passages={"c1": {"text": f"{HOSTILE} Quote."}},
    )
    html = conversation([turn])
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and 'href="https://x.test/&quot;onmouseover=&quot;alert(1)"' in html
    assert "<script>" not in story_header(StoryInfo("s", HOSTILE, "2025-01-01", None), 1)


def test_markers_link_only_to_real_citations() -> None:
    html = conversation(
        [Turn(question="q", answer=_answer(AnswerSentence("One.", (1,)), AnswerSentence("Two.", (7,))))]
    )
    assert html.count('class="sb-cite"') == 1 and "Two [7]." in html
    assert 'data-target="src-0-1"' in html and 'id="src-0-1"' in html


def test_highlight_marks_the_quote_in_its_passage() -> None:
    assert highlight("A <b>. Quote here. C", "Quote here.") == "A &lt;b&gt;. <mark>Quote here.</mark> C"
    assert highlight("unrelated", "Missing.") == "<mark>Missing.</mark>"


def test_refusals_show_the_reason_the_reading_and_the_suggested_questions_as_buttons() -> None:
    refusal = Answer(
        refused=True, reason="The sources here don't say.", suggestions=(HOSTILE,), note="Reading “a” as “b”."
    )
    html = conversation([Turn(question="q", answer=refusal)])
    assert "(Reading “a” as “b”.) The sources here don&#x27;t say." in html and "<img" not in html
    assert html.count('class="sb-suggest"') == 1 and 'data-q="&lt;img src=x' in html


def test_the_header_says_what_answers_and_from_what() -> None:
    one = story_header(StoryInfo("s", "Zoo", "2025-01-01", None), 1)
    assert "answers automatically, only from this story and profiles" in one
    assert "only from these stories" in story_header(None, 4)
