from dataclasses import replace

from bot.types import Answer, AnswerSentence, Citation, StoryInfo
from bot.ui.render import (
    STOPPED,
    Turn,
    card_label,
    conversation,
    copy_text,
    counter,
    highlight,
    permalink,
    story_header,
)

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


BIO = Citation(1, "b1", "ales-bialiatski", None, "Ales Bialiatski", "Ales Bialiatski", None, "He was born in 1962.")
SECTION = Citation(2, "s1", "belarus", "What's happened", None, "Belarus frees prisoners", "https://x.test/a", "Freed.")


def test_source_cards_name_the_person_or_the_section_with_the_date_and_quote() -> None:
    answer = Answer(sentences=(AnswerSentence("Born 1962.", (1, 2)),), citations=(BIO, SECTION))
    passages = {"b1": {"text": "Bio. He was born in 1962.", "published": None}, "s1": {"published": "2024-03-26"}}
    html = conversation([Turn(question="q", answer=answer, passages=passages)])
    bio, story = html.split('<details class="sb-source')[1:]
    assert "sb-card-bio" in bio and 'class="sb-card-title">Ales Bialiatski<' in bio and ">Profile<" in bio
    assert "sb-card-story" in story and 'class="sb-card-title">What&#x27;s happened<' in story
    assert "Belarus frees prisoners · published 26 Mar 2024" in story  # the story, then its date
    assert '<q class="sb-card-quote">He was born in 1962.</q>' in bio
    assert "Bio. <mark>He was born in 1962.</mark>" in bio  # opened: the passage with the quote marked
    assert card_label(replace(SECTION, section=None)) == ("Belarus frees prisoners", "story")


def test_source_cards_and_the_header_show_the_story_s_dates_and_correction() -> None:
    dated = replace(SECTION, published="2024-03-26", updated="2024-03-27", correction="<b>Six</b>, not seven.")
    html = conversation([Turn(question="q", answer=Answer(sentences=(), citations=(dated,)))])
    assert "Belarus frees prisoners · published 26 Mar 2024 · updated 27 Mar 2024" in html
    fix = '<strong class="sb-correction-label">Correction:</strong> &lt;b&gt;Six&lt;/b&gt;, not seven.'
    assert f'<span class="sb-correction">{fix}</span>' in html
    header = story_header(StoryInfo("s", "Zoo", "2024-03-26", None, (), "2024-03-27", "<b>Six</b>, not seven."), 1)
    assert "Published 26 Mar 2024, updated 27 Mar 2024" in header and f'<p class="sb-correction">{fix}</p>' in header
    assert "Correction" not in story_header(StoryInfo("s", "Zoo", "2024-03-26", None), 1)


def test_an_answer_can_be_copied_with_its_sources_and_linked_to() -> None:
    answer = Answer(sentences=(AnswerSentence("Born 1962.", (1,)),), citations=(BIO,))
    turn = Turn(question='Who & "why"?', answer=answer, story="s 1")
    assert copy_text(turn) == (
        'Who & "why"?\n\nBorn 1962 [1].\n\nSources:\n[1] Ales Bialiatski — Profile: “He was born in 1962.”'
    )
    html = conversation([turn])
    assert 'data-copy="Who &amp; &quot;why&quot;?' in html
    assert 'href="?story=s+1&amp;q=Who+%26+%22why%22%3F"' in html
    assert permalink("", "Who?") == "?story=&q=Who%3F"  # all stories


def test_pending_answers_have_no_actions_and_later_questions_show_as_queued() -> None:
    html = conversation([Turn("one", pending=True), Turn("two", pending=True, waiting=True)])
    assert html.count("Looking through the sources") == 1 and "Queued: answered after" in html
    assert "sb-copy" not in html and "sb-rate-btn" not in html


def test_a_rating_comes_with_a_comment_box_under_its_answer() -> None:
    answer = Answer(sentences=(AnswerSentence("One.", ()),))
    html = conversation([Turn("q", answer=answer), Turn("r", answer=answer, rating=1, rate_note="Saved.")])
    assert 'data-turn="0" data-rating="-1"' in html and '<label for="sb-comment-0">' in html
    assert 'id="sb-comment-0"' in html and "sb-comment-1" not in html
    assert "Thanks for rating this answer." in html and "Saved." in html


def test_errors_offer_a_retry_when_asking_again_may_help() -> None:
    assert 'class="sb-retry" data-turn="0"' in conversation([Turn("q", error="ours", retry=True)])
    assert "sb-retry" not in conversation([Turn("q", error="too long")])
    stopped = conversation([Turn("q", error=STOPPED, retry=True)])
    assert "Sorry" not in stopped and STOPPED in stopped


def test_the_counter_states_the_limit() -> None:
    assert counter(1000) == '<p class="sb-count" data-max="1000">0 / 1000</p>'
