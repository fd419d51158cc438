from bot.snapshot import StoryInfo
from bot.text import cited_sentences
from bot.ui.render import Turn, conversation, highlight, story_header

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>alert(1)</script>'


def _answer(text: str, quote: str = "Quote.") -> dict[str, object]:
    citation = {
        "number": 1,
        "chunk_id": "c1",
        "story_id": "s",
        "section": HOSTILE,
        "entity": None,
        "title": HOSTILE,
        "url": 'https://x.test/"onmouseover="alert(1)',
        "quote": quote,
    }
    return {"text": text, "citations": [citation], "refused": False}


def test_corpus_text_is_escaped_everywhere() -> None:
    turn = Turn(question=HOSTILE, answer=_answer(f"{HOSTILE} [1]."), passages={"c1": {"text": f"{HOSTILE} Quote."}})
    html = conversation([turn])
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and 'href="https://x.test/&quot;onmouseover=&quot;alert(1)"' in html
    assert "<script>" not in story_header(StoryInfo("s", HOSTILE, "2025-01-01", None), 1)


def test_markers_link_only_to_real_citations() -> None:
    html = conversation([Turn(question="q", answer=_answer("One [1]. Two [7]."))])
    assert html.count('class="sb-cite"') == 1 and "Two [7]." in html
    assert 'data-target="src-0-1"' in html and 'id="src-0-1"' in html


def test_highlight_marks_the_quote_in_its_passage() -> None:
    assert highlight("A <b>. Quote here. C", "Quote here.") == "A &lt;b&gt;. <mark>Quote here.</mark> C"
    assert highlight("unrelated", "Missing.") == "<mark>Missing.</mark>"


def test_cited_sentences_split_after_markers() -> None:
    text = "Belarus freed 123 people [1]. The timing aligns with relief [2][3]. Bio without stop [4]"
    assert cited_sentences(text) == [
        "Belarus freed 123 people [1].",
        "The timing aligns with relief [2][3].",
        "Bio without stop [4]",
    ]
