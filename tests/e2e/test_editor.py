"""The Editor at /editor in real headless Chromium: checks, edits that replace their row, questions kept
across reloads and offered to readers, a phone layout, and a report that reads on a phone."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from axe import require, violations

TIMEOUT = 60_000
OWN_PASSING = "Why Did Belarus Release Opposition Leaders Now?"
OWN_FAILING = "What Do Recent Political Changes in Ireland and Belarus Mean for Global Stability?"
ADDED = "How many political prisoners did Belarus release?"


@pytest.fixture(autouse=True)
def no_editor_questions(server: Any) -> Iterator[None]:
    """Each test starts and ends without editors' questions: they are offered to readers on the shared server."""
    yield
    database = server.feedback.parent / "conversations.sqlite3"
    if database.exists():
        with sqlite3.connect(database) as connection:
            connection.execute("DELETE FROM editor_questions")


def open_editor(browser: Any, server: Any, width: int = 1280, height: int = 800) -> Any:
    """A new page on the Editor, its stored table shown."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(server.url + "editor/")
    page.locator("#sb-checks table").wait_for(timeout=TIMEOUT)
    return page


def rows(page: Any) -> list[str]:
    """The question of each row of the checks table."""
    return [text.strip() for text in page.locator("#sb-checks tbody tr td:first-child").all_inner_texts()]


def check(page: Any, question: str, editing: str | None = None) -> None:
    """Pick the row to edit (or none, for a new question), type the question, check it and wait for its row."""
    if editing is not None:
        page.locator("#sb-edit-pick input").click()
        page.get_by_role("option", name=editing, exact=True).click()
        page.wait_for_function(
            "q => document.querySelector('#sb-edit-q textarea').value === q", arg=editing, timeout=TIMEOUT
        )
    page.fill("#sb-edit-q textarea", question)
    page.click("#sb-run-one")
    page.wait_for_timeout(4000)
    page.screenshot(path="/tmp/e_dbg.png", full_page=True)
    page.locator("#sb-checks td:first-child", has_text=question).wait_for(timeout=TIMEOUT)
    page.locator("#sb-editor-status").filter(has_text="passed").wait_for(timeout=TIMEOUT)


def test_editor_runs_the_story_checks_and_offers_the_report(browser: Any, server: Any, shot: Any) -> None:
    page = open_editor(browser, server)
    page.click("#sb-run-checks")
    page.locator("#sb-editor-status").filter(has_text="passed").wait_for(timeout=TIMEOUT)
    table = page.locator("#sb-checks").inner_text()
    assert OWN_PASSING in table and "PASS" in table and "FAIL" in table
    check(page, ADDED)
    assert page.locator("#sb-report a").count() >= 1
    shot(page, "7-editor")
    page.context.close()


def test_the_readers_page_has_no_editor(page: Any) -> None:
    assert page.get_by_role("tab", name="Editor").count() == 0
    assert page.locator("#sb-editor, #sb-run-checks, #sb-token").count() == 0


def test_on_a_phone_the_table_is_cards_of_readable_lines(browser: Any, server: Any, shot: Any) -> None:
    page = open_editor(browser, server, 390, 844)
    page.click("#sb-run-checks")
    page.locator("#sb-editor-status").filter(has_text="passed").wait_for(timeout=TIMEOUT)
    failing = page.locator("#sb-checks tbody tr", has_text=OWN_FAILING)
    for cell in ("td:first-child", "td[data-label='Why']", "td[data-label='Answer']"):
        box = failing.locator(cell).bounding_box()
        assert box is not None and box["width"] > 250, cell  # not a letter a line
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off the side of the screen
    shot(page, "7-editor-phone")
    page.context.close()


def test_editing_a_row_replaces_it(browser: Any, server: Any) -> None:
    page = open_editor(browser, server)
    before = rows(page)
    assert OWN_FAILING in before
    check(page, "Why were the prisoners released?", editing=OWN_FAILING)  # a rewording of the story's own
    check(page, ADDED)
    check(page, "How many prisoners were freed?", editing=ADDED)  # an edit of an editor's question
    after = rows(page)
    assert len(after) == len(before) + 1
    assert after[before.index(OWN_FAILING)] == "Why were the prisoners released?"
    assert ADDED not in after and after[-1] == "How many prisoners were freed?"
    page.context.close()


def test_an_added_question_is_kept_and_offered_to_readers(browser: Any, server: Any) -> None:
    page = open_editor(browser, server)
    check(page, ADDED)
    assert "PASS" in page.locator("#sb-checks tbody tr", has_text=ADDED).inner_text()
    page.reload()
    page.locator("#sb-checks td:first-child", has_text=ADDED).wait_for(timeout=TIMEOUT)
    assert "PASS" in page.locator("#sb-checks tbody tr", has_text=ADDED).inner_text()
    page.goto(server.url)  # the reader's page offers the editor-approved question
    page.get_by_role("button", name=ADDED).wait_for(timeout=TIMEOUT)
    assert page.get_by_role("button", name=OWN_FAILING).count() == 0
    page.context.close()


def test_the_report_has_a_viewport_and_fits_a_phone(browser: Any, server: Any) -> None:
    page = open_editor(browser, server)
    page.click("#sb-run-checks")
    page.locator("#sb-report a").first.wait_for(timeout=TIMEOUT)
    html = page.request.get(page.locator("#sb-report a").first.get_attribute("href")).text()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.set_content(html)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 15
    phone.context.close()
    page.context.close()


def test_in_dark_mode_the_verdicts_are_light_on_dark(browser: Any, server: Any, shot: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    page = context.new_page()
    page.goto(server.url + "editor/")
    page.click("#sb-run-checks")
    page.locator("#sb-checks .sb-v-pass").first.wait_for(timeout=TIMEOUT)
    colours = page.evaluate(
        """() => ['.sb-v-pass', '.sb-v-fail', '.sb-checks-table td'].map(
             s => getComputedStyle(document.querySelector('#sb-checks ' + s)).color)"""
    )
    assert colours[:2] == ["rgb(129, 199, 132)", "rgb(255, 158, 158)"]
    assert min(int(part) for part in colours[2][4:-1].split(",")) > 150  # light text, not the light theme's dark
    shot(page, "7-editor-dark")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_axe_finds_nothing_serious(browser: Any, server: Any, scheme: str, width: int, height: int) -> None:
    require()
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    page.goto(server.url + "editor/")
    page.click("#sb-run-checks")
    page.locator("#sb-report a").first.wait_for(timeout=TIMEOUT)
    # Gradio dims the outputs while an event runs (and fades them back): judge the settled page.
    page.wait_for_function("!document.querySelector('#sb-editor .pending, #sb-editor .translucent')", timeout=TIMEOUT)
    page.wait_for_timeout(500)
    assert violations(page) == []
    context.close()
