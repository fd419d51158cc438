"""The reader's page in real headless Chromium: questions, citations, refusals, hostile text, feedback."""

from __future__ import annotations

import sqlite3
from typing import Any

from seed import SEED_CORRECTION

# Generous: on a shared 2-core machine a cold Gradio frame plus its first answer has taken over 30 s.
TIMEOUT = 60_000


def ask(page: Any, question: str) -> Any:
    """Type a question, send it, and return the finished turn (sources rendered, or a refusal/error)."""
    before = page.locator("section.sb-turn").count()
    page.fill("#sb-question textarea", question)
    page.click("#sb-send")
    return finished_turn(page, before)


def finished_turn(page: Any, before: int) -> Any:
    turn = page.locator("section.sb-turn").nth(before)
    turn.locator(".sb-sources .sb-source, .sb-refusal, .sb-error").first.wait_for(timeout=TIMEOUT)
    return turn


def test_suggested_question_then_citation_shows_the_quoted_passage(page: Any, shot: Any, server: Any) -> None:
    assert page.locator("#sb-header h1").inner_text() == "Belarus releases 123 political prisoners"
    shot(page, "1-start")
    page.get_by_role("button", name="Why Did Belarus Release Opposition Leaders Now?").click()
    turn = finished_turn(page, 0)
    answer_text = turn.locator(".sb-text").inner_text()
    assert "[1]" in answer_text
    turn.locator("a.sb-cite").first.click()
    panel = turn.locator("details#src-0-1")
    assert panel.get_attribute("open") is not None
    quote = panel.locator("mark").inner_text()
    assert quote.rstrip(".") in answer_text  # the highlighted span is the cited quote
    corpus_text = (server.corpus / "stories" / "belarus-prisoners-released.md").read_text(encoding="utf-8")
    corpus_text += "".join(p.read_text(encoding="utf-8") for p in (server.corpus / "people").glob("*.md"))
    assert quote in corpus_text
    shot(page, "2-answer-with-citation-open")


def test_follow_up_uses_the_conversation_and_new_conversation_clears(page: Any, shot: Any) -> None:
    ask(page, "Who is Ales Bialiatski?")
    turn = ask(page, "When was he born?")
    assert "1962" in turn.locator(".sb-text").inner_text()
    assert "Ales Bialiatski" in turn.locator(".sb-source summary").first.inner_text()
    shot(page, "3-follow-up")
    page.click("#sb-new")
    page.locator(".sb-empty").wait_for(timeout=TIMEOUT)
    assert page.locator("section.sb-turn").count() == 0


def test_unanswerable_question_is_refused_visibly(page: Any, shot: Any) -> None:
    turn = ask(page, "Who won the 2022 World Cup?")
    refusal = turn.locator(".sb-refusal")
    assert "The sources here don't say" in refusal.inner_text()
    assert refusal.locator("button.sb-suggest").count() >= 1
    assert turn.locator("a.sb-cite").count() == 0
    shot(page, "4-refusal")
    refusal.locator("button.sb-suggest").first.click()  # a suggestion asks the question it names
    finished_turn(page, 1)


def test_every_suggestion_offered_is_answered(page: Any) -> None:
    offered = [b.inner_text() for b in page.locator("#sb-suggested button:visible").all()]
    # the seed also suggests "What Do Recent Political Changes in Ireland and Belarus Mean…", refused
    assert offered == ["Why Did Belarus Release Opposition Leaders Now?"]
    refusal = ask(page, "Who won the 2022 World Cup?").locator(".sb-refusal")
    assert [b.inner_text() for b in refusal.locator("button.sb-suggest").all()] == offered
    for number, question in enumerate(offered, start=1):
        page.get_by_role("button", name=question).first.click()
        assert finished_turn(page, number).locator(".sb-refusal").count() == 0


def test_the_header_and_source_cards_show_the_story_s_dates_and_correction(page: Any) -> None:
    header = page.locator("#sb-header")
    assert "Published 11 Sep 2025, updated 12 Sep 2025" in header.locator(".sb-meta").inner_text()
    assert header.locator(".sb-correction").inner_text() == f"Correction: {SEED_CORRECTION}"
    turn = ask(page, "How many political prisoners did Belarus release?")
    card = turn.locator("details.sb-card-story").first
    assert "published 11 Sep 2025" in card.locator(".sb-card-meta").inner_text()


def pick_story(page: Any, title_part: str) -> None:
    page.click("#sb-story-pick input")
    page.get_by_role("option").filter(has_text=title_part).first.click()
    page.locator("#sb-header h1").filter(has_text=title_part).wait_for(timeout=TIMEOUT)


def test_hostile_corpus_text_is_shown_as_text_and_never_runs(page: Any, shot: Any) -> None:
    pick_story(page, "Zeppelin")
    assert "<img" in page.locator("#sb-header h1").inner_text()  # the title's markup shows as text
    turn = ask(page, "Did demand for zeppelin tours double?")
    turn.locator("a.sb-cite").first.click()
    shown = turn.inner_text()
    assert "<script>" in shown or "<img" in shown
    assert page.evaluate("window.__pwned") is None
    assert page.locator("section.sb-turn img, section.sb-turn script").count() == 0
    shot(page, "5-hostile")


def test_errors_are_shown_in_the_chat(page: Any) -> None:
    turn = ask(page, "x" * 1200)
    assert "the limit is 1000" in turn.locator(".sb-error").inner_text()


def test_an_empty_question_adds_nothing(page: Any) -> None:
    page.fill("#sb-question textarea", "   ")
    page.press("#sb-question textarea", "Enter")
    page.click("#sb-send")
    page.fill("#sb-question textarea", "Who is Lukashenko?")
    page.wait_for_timeout(1500)  # the empty sends' replies come back while the reader types
    assert page.input_value("#sb-question textarea") == "Who is Lukashenko?"  # they never wipe the new text
    page.click("#sb-send")
    finished_turn(page, 0)
    assert page.locator("section.sb-turn").count() == 1
    assert page.locator(".sb-error").count() == 0


def rate(turn: Any, verdict: str, comment: str = "") -> None:
    """Rate one answer, with a comment typed under it, and wait until it is saved."""
    turn.get_by_role("button", name=verdict, exact=True).click()
    if comment:
        turn.locator("textarea.sb-comment-box").fill(comment)
    turn.get_by_role("button", name="Send rating").click()
    turn.get_by_text("Thanks for rating this answer.").wait_for(timeout=TIMEOUT)


def test_a_comment_is_stored_with_the_answer_it_was_typed_under(page: Any, server: Any) -> None:
    first = ask(page, "How many political prisoners did Belarus release?")
    first.get_by_role("button", name="No", exact=True).click()
    box = first.get_by_label("Add a comment (optional)")
    box.fill("missing context")
    # another question answered meanwhile re-renders the conversation: the comment must survive it
    second = ask(page, "Who is Ales Bialiatski?")
    assert box.input_value() == "missing context"
    first.get_by_role("button", name="Send rating").click()
    first.get_by_text("Thanks for rating this answer.").wait_for(timeout=TIMEOUT)
    assert "An editor will look at it" in first.inner_text()
    rate(second, "Yes")
    assert page.locator("#sb-comment").count() == 0  # no comment box away from the answers
    with sqlite3.connect(server.feedback) as db:
        rows = db.execute("SELECT rating, comment, question, answer, citations FROM feedback").fetchall()
    assert rows[-2][:3] == (-1, "missing context", "How many political prisoners did Belarus release?")
    assert rows[-1][:3] == (1, "", "Who is Ales Bialiatski?")
    assert "123" in rows[-2][3] and "chunk_id" in rows[-2][4]


def test_questions_sent_before_the_answer_finished_are_all_answered_in_order(page: Any) -> None:
    # Answering goes through Gradio's queue: held back here, the first answer is still unfinished while
    # the reader sends two more (before, the second vanished: its Enter was dropped and the box cleared).
    held: list[Any] = []
    page.route("**/gradio_api/queue/join*", lambda route: held.append(route))
    questions = ["Who is Ales Bialiatski?", "When was he born?", "Who is Lukashenko?"]
    for number, question in enumerate(questions):
        page.fill("#sb-question textarea", question)
        if number < 2:
            page.press("#sb-question textarea", "Enter")
        else:
            page.click("#sb-send")
        # the box empties as the question leaves, and the question shows at once
        page.wait_for_function("document.querySelector('#sb-question textarea').value === ''")
        page.locator("section.sb-turn").nth(number).wait_for(timeout=TIMEOUT)
    assert page.locator(".sb-waiting").count() == 2  # "Queued: answered after the question above."
    for route in held:
        route.continue_()
    page.unroute("**/gradio_api/queue/join*")
    for number in range(3):
        finished_turn(page, number)
    turns = page.locator("section.sb-turn")
    asked = [turns.nth(i).locator(".sb-q").text_content() for i in range(3)]
    assert [text.removeprefix("You").strip() for text in asked] == questions
    assert "1962" in turns.nth(1).locator(".sb-text").inner_text()  # the follow-up came after its question
    assert page.locator(".sb-pending").count() == 0


def test_a_late_older_rendering_does_not_undo_a_finished_answer(page: Any) -> None:
    # The page's calls come back on different connections. Here the reply to the second question's
    # sending is held until the answer to it has finished: that reply shows it still queued, and must not
    # stay on the page (a version check makes the page ask for the conversation as it is now).
    joins: list[Any] = []
    sends: list[Any] = []

    def send_late(route: Any) -> None:
        if "Who is Lukashenko?" in (route.request.post_data or ""):
            sends.append((route, route.fetch()))  # the server has it; the page gets the reply later
        else:
            route.continue_()

    page.route("**/gradio_api/queue/join*", lambda route: joins.append(route))
    page.route("**/gradio_api/run/predict*", send_late)
    page.fill("#sb-question textarea", "Who is Ales Bialiatski?")
    page.press("#sb-question textarea", "Enter")
    page.locator("section.sb-turn").first.wait_for(timeout=TIMEOUT)
    page.fill("#sb-question textarea", "Who is Lukashenko?")
    page.press("#sb-question textarea", "Enter")
    page.wait_for_function("document.querySelector('#sb-question textarea').value === ''")
    for route in joins:
        route.continue_()
    page.unroute("**/gradio_api/queue/join*")
    finished_turn(page, 1)  # both answered by the call already running
    for route, response in sends:
        route.fulfill(response=response)
    page.unroute("**/gradio_api/run/predict*")
    page.wait_for_timeout(2500)
    assert page.locator(".sb-pending").count() == 0
    assert page.locator("section.sb-turn").nth(1).locator(".sb-sources .sb-source").count() >= 1


def test_an_answer_can_be_stopped_and_retried(page: Any) -> None:
    # Answering goes through Gradio's queue: held back here, the answer stays in progress until stopped.
    held: list[Any] = []
    page.route("**/gradio_api/queue/join*", lambda route: held.append(route))
    page.fill("#sb-question textarea", "Who is Ales Bialiatski?")
    page.press("#sb-question textarea", "Enter")
    page.locator(".sb-pending").wait_for(timeout=TIMEOUT)
    page.click("#sb-stop", timeout=TIMEOUT)
    turn = page.locator("section.sb-turn").first
    turn.get_by_text("You stopped this answer.").wait_for(timeout=TIMEOUT)
    for route in held:
        route.continue_()
    page.unroute("**/gradio_api/queue/join*")
    page.wait_for_timeout(1500)  # the answering call, let through late, brings nothing back to life
    assert turn.locator(".sb-pending").count() == 0 and turn.locator(".sb-error").count() == 1
    assert not page.locator("#sb-stop").is_visible()
    turn.get_by_role("button", name="Retry").click()
    finished_turn(page, 0).locator(".sb-sources .sb-source").first.wait_for(timeout=TIMEOUT)
    assert turn.locator(".sb-error").count() == 0 and page.locator("section.sb-turn").count() == 1


def test_source_cards_tell_a_profile_from_a_story_section(page: Any) -> None:
    card = ask(page, "Who is Ales Bialiatski?").locator(".sb-card").first
    assert card.locator(".sb-card-title").inner_text() == "Ales Bialiatski"
    assert "Profile" in card.locator(".sb-card-meta").inner_text()
    assert card.locator(".sb-card-quote").inner_text()  # the quote shows before the card is opened
    card = ask(page, "How many political prisoners did Belarus release?").locator(".sb-card-story").first
    assert card.locator(".sb-card-title").inner_text() == "What's happened"  # the section, not the story
    assert "Belarus releases 123 political prisoners" in card.locator(".sb-card-meta").inner_text()
    card.locator("summary").click()
    assert "123 political prisoners" in card.locator("blockquote mark").inner_text()


def test_an_answer_is_copied_with_its_sources_and_its_permalink_asks_it_again(browser: Any, server: Any) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(server.url)
        page.wait_for_selector("#sb-header h1")
        turn = ask(page, "Who is Ales Bialiatski?")
        turn.get_by_role("button", name="Copy answer").click()
        turn.get_by_role("button", name="Copied").wait_for(timeout=TIMEOUT)
        copied = page.evaluate("navigator.clipboard.readText()")
        answer = turn.locator(".sb-text").inner_text()
        assert copied.startswith("Who is Ales Bialiatski?\n\n") and "[1]" in copied
        assert "\n\nSources:\n[1] Ales Bialiatski — Profile: “" in copied
        link = turn.get_by_role("link", name="Link to this answer")
        href = link.get_attribute("href")
        assert href == "?story=belarus-prisoners-released&q=Who+is+Ales+Bialiatski%3F"
        assert copied.endswith(server.url + href)
        again = context.new_page()
        again.goto(server.url + href)
        reopened = finished_turn(again, 0)
        assert reopened.locator(".sb-q").inner_text().endswith("Who is Ales Bialiatski?")
        assert reopened.locator(".sb-text").inner_text() == answer
    finally:
        context.close()


def test_a_broken_permalink_opens_the_page_and_says_why_nothing_was_asked(page: Any, server: Any) -> None:
    page.goto(server.url + "?story=no-such-story&q=Who+is+Lukashenko%3F")
    page.get_by_text("The link's story is not available here").wait_for(timeout=TIMEOUT)
    assert page.locator("#sb-header h1").inner_text() == "Belarus releases 123 political prisoners"
    assert page.input_value("#sb-question textarea") == ""
    page.goto(server.url + "?q=" + "x" * 1500)
    page.get_by_text("The link's question is too long to ask (1500 characters").wait_for(timeout=TIMEOUT)
    page.goto(server.url + "?story=belarus-prisoners-released&q=%20%20")
    page.wait_for_selector("#sb-header h1")
    page.wait_for_timeout(500)
    assert page.locator("section.sb-turn").count() == 0


def test_the_counter_warns_before_a_question_is_too_long(page: Any) -> None:
    counter = page.locator("#sb-count .sb-count")
    assert counter.inner_text() == "0 / 1000"
    page.fill("#sb-question textarea", "x" * 980)
    page.wait_for_function("document.querySelector('#sb-count .sb-count').textContent === '980 / 1000'")
    page.fill("#sb-question textarea", "x" * 1001)
    page.wait_for_function("document.querySelector('#sb-count .sb-count').classList.contains('sb-over')")
    assert counter.inner_text() == "1001 / 1000 (too long)"


def test_keyboard_and_phone_width(browser: Any, server: Any, shot: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(server.url)
    page.wait_for_selector("#sb-header h1")
    page.focus("#sb-question textarea")
    page.keyboard.type("Who is Kolesnikova?")
    page.keyboard.press("Enter")
    turn = finished_turn(page, 0)
    turn.locator("a.sb-cite").first.focus()
    page.keyboard.press("Enter")
    assert turn.locator("details#src-0-1").get_attribute("open") is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shot(page, "6-phone")
    context.close()


def test_each_new_answer_is_scrolled_into_view_on_a_phone(browser: Any, server: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(server.url)
    page.wait_for_selector("#sb-header h1")
    assert "answers automatically, only from this story" in page.locator(".sb-intro").inner_text()
    for number, question in enumerate(["Who is Ales Bialiatski?", "Who is Lukashenko?"]):
        page.fill("#sb-question textarea", question)
        page.click("#sb-send")
        finished_turn(page, number)
    # A suggestion at the top of the page, tapped: the answer is added far below it.
    page.get_by_role("button", name="Why Did Belarus Release Opposition Leaders Now?").first.tap()
    finished_turn(page, 2)
    page.wait_for_timeout(300)
    # the whole answer is on screen (before, it landed below the fold of the 844-px screen)
    box = page.locator("section.sb-turn").nth(2).locator(".sb-text").bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844
    context.close()


def test_no_request_leaves_the_machine(page: Any, server: Any) -> None:
    ask(page, "Who is Lukashenko?")
    outside = [u for u in server.requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert outside == []


def test_the_same_server_answers_the_http_api(server: Any) -> None:
    import json
    import urllib.request

    request = urllib.request.Request(
        server.url + "api/ask",
        data=json.dumps({"question": "Who is Kolesnikova?"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    assert answer["citations"][0]["entity"] == "Maria Kalesnikava" and not answer["refused"]
