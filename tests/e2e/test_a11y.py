"""The reader's page checked by axe-core in real headless Chromium: light and dark, desktop and phone.

The gate is WCAG's: no violation axe rates serious or critical (contrast, names, tap targets among them),
in each state a reader meets: the start, an answer with a citation opened, a refusal, an error.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe import AXE_JS, extract, install, require, violations

TIMEOUT = 60_000
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# WCAG AA for text under 18.66 px bold or 24 px.
AA_CONTRAST = 4.5
HINTS = (
    ".sb-empty, .sb-meta, .sb-who, .sb-sources-label, .sb-where, .sb-rate, .sb-card-meta, p.sb-count, .sb-correction"
)


@pytest.fixture(scope="module")
def axe_js() -> str:
    require()
    return str(AXE_JS)


@pytest.fixture
def reader(request: pytest.FixtureRequest, browser: Any, server: Any) -> Iterator[Any]:
    """The reader's page in the colour scheme and viewport of the test's parameters."""
    scheme, viewport = request.param
    context = browser.new_context(
        viewport=viewport, color_scheme=scheme, is_mobile=viewport == PHONE, has_touch=viewport == PHONE
    )
    page = context.new_page()
    page.goto(server.url)
    page.wait_for_selector("#sb-header h1")
    yield page
    context.close()


def low_contrast(page: Any) -> list[str]:
    """Hint text under AA contrast against what is painted behind it. axe leaves text it cannot place over
    a single background "incomplete", so the hints the issue named are measured here too."""
    return list(page.evaluate(CONTRAST_JS, {"selector": HINTS, "minimum": AA_CONTRAST}))


# The effective background: the first opaque one up the tree (the page's own colour at the root).
CONTRAST_JS = """({ selector, minimum }) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0.9)) return c;
    }
    return [255, 255, 255];
  };
  const bad = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.getClientRects().length) continue;
    const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(behind(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < minimum) bad.push(`${el.className}: ${ratio.toFixed(2)}:1`);
  }
  return bad;
}"""


def ask(page: Any, question: str, finished: str) -> Any:
    """Send a question and wait for its turn to show `finished` (a selector)."""
    before = page.locator("section.sb-turn").count()
    page.fill("#sb-question textarea", question)
    page.click("#sb-send")
    turn = page.locator("section.sb-turn").nth(before)
    turn.locator(finished).first.wait_for(timeout=TIMEOUT)
    return turn


def check(page: Any, state: str) -> list[str]:
    """Everything wrong with the page in one state, labelled with it."""
    return [f"{state}: {problem}" for problem in violations(page) + low_contrast(page)]


COMBINATIONS = [("light", DESKTOP), ("dark", DESKTOP), ("light", PHONE), ("dark", PHONE)]


@pytest.mark.parametrize(
    "reader", COMBINATIONS, ids=["light-desktop", "dark-desktop", "light-phone", "dark-phone"], indirect=True
)
def test_the_reader_page_passes_axe_in_every_state(reader: Any, axe_js: str, shot: Any) -> None:
    page = reader
    scheme = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'")
    phone = page.viewport_size["width"] == PHONE["width"]
    name = f"a11y-{'phone-' if phone else ''}{scheme}"
    problems = check(page, "start")
    turn = ask(page, "Who is Kolesnikova?", ".sb-sources .sb-source")
    turn.locator("a.sb-cite").first.click()
    turn.locator("details#src-0-1[open] mark").wait_for(timeout=TIMEOUT)
    problems += check(page, "answer with a citation open")
    shot(page, name)
    ask(page, "Who won the 2022 World Cup?", ".sb-refusal")
    problems += check(page, "refusal")
    ask(page, "x" * 1200, ".sb-error")
    problems += check(page, "error")
    # Answering goes through Gradio's queue: held back, the answer stays in progress (and Stop shown).
    held: list[Any] = []
    page.route("**/gradio_api/queue/join*", lambda route: held.append(route))
    page.fill("#sb-question textarea", "Who is Ales Bialiatski?")
    page.press("#sb-question textarea", "Enter")
    page.locator("#sb-stop").wait_for(timeout=TIMEOUT)
    problems += check(page, "answering")
    page.click("#sb-stop")
    page.get_by_role("button", name="Retry").wait_for(timeout=TIMEOUT)
    problems += check(page, "stopped, with Retry")
    shot(page, f"{name}-all")
    for route in held:
        route.abort()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("reader", [("dark", DESKTOP)], ids=["dark-desktop"], indirect=True)
def test_dark_mode_is_dark_and_the_inputs_have_names(reader: Any) -> None:
    page = reader
    # Gradio follows the system: it marks dark mode with the class `dark`, which the page's colours key on.
    assert page.evaluate("document.body.classList.contains('dark')")
    assert page.get_by_role("textbox", name="Your question").count() == 1
    # One top heading, the story's title: a screen reader's "next heading" starts there.
    assert page.get_by_role("heading", level=1).all_inner_texts() == ["Belarus releases 123 political prisoners"]
    turn = ask(page, "Who is Kolesnikova?", ".sb-sources .sb-source")
    cite = turn.locator("a.sb-cite").first
    box = cite.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box  # WCAG 2.5.8's minimum tap target
    turn.get_by_role("button", name="No", exact=True).click()
    assert turn.get_by_role("textbox", name="Add a comment (optional)").count() == 1


def test_an_axe_tarball_other_than_the_pinned_one_is_refused(tmp_path: Path) -> None:
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as archive:
        script = b"window.axe = { run: () => ({ violations: [] }) };"  # a checker that passes everything
        member = tarfile.TarInfo("package/axe.min.js")
        member.size = len(script)
        archive.addfile(member, io.BytesIO(script))
    with pytest.raises(ValueError, match="is not the pinned"):
        extract(data.getvalue())
    target = tmp_path / "axe.min.js"
    tarball = tmp_path / "axe.tgz"
    tarball.write_bytes(data.getvalue())
    with pytest.raises(ValueError):
        install(target, tarball.as_uri())
    assert not target.exists()  # nothing to run is left behind
