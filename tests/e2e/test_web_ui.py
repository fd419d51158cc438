"""The reader's page in real headless Chromium: questions, citations, refusals, hostile text, feedback."""

from __future__ import annotations

import sqlite3
from typing import Any

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
    assert page.locator("#sb-header h2").inner_text() == "Belarus releases 123 political prisoners"
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


def pick_story(page: Any, title_part: str) -> None:
    page.click("#sb-story-pick input")
    page.get_by_role("option").filter(has_text=title_part).first.click()
    page.locator("#sb-header h2").filter(has_text=title_part).wait_for(timeout=TIMEOUT)


def test_hostile_corpus_text_is_shown_as_text_and_never_runs(page: Any, shot: Any) -> None:
    pick_story(page, "Zeppelin")
    assert "<img" in page.locator("#sb-header h2").inner_text()  # the title's markup shows as text
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


def test_feedback_is_stored_with_the_answer(page: Any, server: Any) -> None:
    turn = ask(page, "How many political prisoners did Belarus release?")
    page.fill("#sb-comment textarea", "clear and sourced")
    turn.get_by_role("button", name="Yes").click()
    page.get_by_text("Thanks — saved").wait_for(timeout=TIMEOUT)
    turn.get_by_text("Thanks for rating this answer.").wait_for(timeout=TIMEOUT)
    with sqlite3.connect(server.feedback) as db:
        rows = db.execute("SELECT rating, comment, question, answer, citations FROM feedback").fetchall()
    assert rows[-1][:3] == (1, "clear and sourced", "How many political prisoners did Belarus release?")
    assert "123" in rows[-1][3] and "chunk_id" in rows[-1][4]


def test_keyboard_and_phone_width(browser: Any, server: Any, shot: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(server.url)
    page.wait_for_selector("#sb-header h2")
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
    page.wait_for_selector("#sb-header h2")
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


def test_editor_tab_runs_the_story_checks_and_offers_the_report(page: Any, shot: Any) -> None:
    page.get_by_role("tab", name="Editor").click()
    page.click("#sb-run-checks")
    page.locator("#sb-editor-status").filter(has_text="passed").wait_for(timeout=TIMEOUT)
    table = page.locator("#sb-checks").inner_text()
    assert "Why Did Belarus Release Opposition Leaders Now?" in table and "PASS" in table
    page.fill("#sb-edit-q textarea", "How many political prisoners did Belarus release?")
    page.click("#sb-run-one")
    page.locator("#sb-checks").filter(has_text="How many political prisoners").wait_for(timeout=TIMEOUT)
    assert page.locator("#sb-report a").count() >= 1
    shot(page, "7-editor")


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


def test_widget_on_another_site_opens_a_chat_bound_to_its_story(
    browser: Any, server: Any, shot: Any, tmp_path: Any
) -> None:
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "index.html").write_text(
        "<!doctype html><html><body><h1>A newsroom article page</h1><p>Article text.</p>"
        f'<script src="{server.url}widget.js" data-story="hostile-zeppelins" async></script></body></html>',
        encoding="utf-8",
    )
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    site = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    events: list[str] = []
    page.on("request", lambda request: events.append(request.url) if "/queue/join" in request.url else None)
    try:
        page.goto(f"http://127.0.0.1:{site.server_address[1]}/index.html")
        page.click("#storybot-open")
        frame = page.frame_locator("#storybot-frame")
        frame.locator("#sb-header h2").filter(has_text="Zeppelin").wait_for(timeout=TIMEOUT)
        # Opening on a story is one call: a second (a story switch fired by the load) once arrived late on
        # a loaded machine and wiped the question the reader had just sent.
        assert len(events) == 1
        # bound to its story: no picker to wander off to other stories, no Editor tab
        frame.locator("body.sb-embed").wait_for(state="attached", timeout=TIMEOUT)
        assert not frame.locator("#sb-story-pick").is_visible()
        assert not frame.get_by_role("tab", name="Editor").is_visible()
        frame.locator("#sb-question textarea").fill("Did demand for zeppelin tours double?")
        frame.locator("#sb-send").click()
        frame.locator(".sb-source").first.wait_for(timeout=TIMEOUT)
        frame.locator("a.sb-cite").first.click()
        assert frame.locator("details#src-0-1").get_attribute("open") is not None
        assert "zeppelin tours doubled" in frame.locator("details#src-0-1 mark").inner_text()
        shot(page, "8-widget")
    finally:
        context.close()
        site.shutdown()
