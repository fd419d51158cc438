"""`storybot ingest` against a local site: a feed, articles with boilerplate, a paywall stub, a malformed
page, robots.txt, a missing page and duplicates. Nothing reaches the internet."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bot import Bot, Settings, build_bot
from bot.ingest import Fetcher, Ingester, canonical, interval, story_file, story_id

ARTICLE = """<html><head><title>Site | Key Bridge falls</title>
<meta property="article:published_time" content="2024-03-26"></head><body>
<nav>Home | News | Sport | Weather | Subscribe</nav>
<article><h1>{title}</h1>
<p>A container ship lost power and struck the Francis Scott Key Bridge in Baltimore early on Tuesday, and the
bridge collapsed into the Patapsco River within seconds, the state's governor said at a news conference.</p>
<p>Six members of a road crew who were filling potholes on the bridge were killed. Two other people were
pulled from the water, one of them unhurt, according to the city's fire department.</p>
<p>{extra}</p></article>
<footer>Copyright 2024 The Example Gazette. Cookie settings. Newsletter sign-up.</footer></body></html>"""
PAYWALL = """<html><head><title>Port reopens</title></head><body><article><h1>Port reopens</h1>
<p>Subscribe to read the rest of this story.</p></article></body></html>"""
ROBOTS = "User-agent: *\nDisallow: /private/\n"


@dataclass
class Site:
    """A local web site whose pages a test may change; it records each path requested."""

    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)
    slow: dict[str, float] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    url: str = ""

    def feed(self, *paths: str) -> str:
        items = "".join(
            f"<item><title>Item {i}</title><link>{self.url}{p}</link>"
            f"<pubDate>Tue, 26 Mar 2024 09:00:00 GMT</pubDate></item>"
            for i, p in enumerate(paths)
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>'


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the standard library's name
            state.requested.append(self.path)
            time.sleep(state.slow.get(self.path, 0.0))
            if self.path in state.redirects:
                self.send_response(302)
                self.send_header("Location", state.redirects[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            kind, body = state.pages.get(self.path.split("?")[0], ("text/plain", ""))
            status = 200 if self.path.split("?")[0] in state.pages else 404
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.pages = {
        "/robots.txt": ("text/plain", ROBOTS),
        "/news/bridge-falls.html": ("text/html", ARTICLE.format(title="Key Bridge falls", extra="")),
        "/news/copy-of-bridge.html": ("text/html", ARTICLE.format(title="Key Bridge falls", extra="")),
        "/news/port-reopens.html": ("text/html", PAYWALL),
        "/news/broken.html": ("text/html", "<html><body><div><p>\x00\x01 <<<>>> </div"),
        "/private/memo.html": ("text/html", ARTICLE.format(title="Internal memo", extra="Not for crawlers.")),
    }
    state.pages["/feed.xml"] = (
        "application/rss+xml",
        state.feed(
            "/news/bridge-falls.html",
            "/news/bridge-falls.html?utm_source=rss",
            "/news/copy-of-bridge.html",
            "/news/port-reopens.html",
            "/news/broken.html",
            "/private/memo.html",
            "/news/gone.html",
        ),
    )
    yield state
    server.shutdown()


@pytest.fixture
def ingester(fake_bot: Bot) -> Iterator[Ingester]:
    with httpx.Client(timeout=5) as client:
        yield Ingester(Fetcher(client, delay=0), fake_bot.settings.corpus_dir, fake_bot.index_corpus)


def outcomes(report: object) -> dict[str, str]:
    return {item.url.rsplit("/", 1)[-1]: item.outcome for item in report.items}  # type: ignore[attr-defined]


def test_a_feed_is_ingested_and_every_item_is_indexed_or_reported(
    site: Site, ingester: Ingester, fake_bot: Bot
) -> None:
    report = ingester.run([f"{site.url}/feed.xml"])
    assert outcomes(report) == {
        "bridge-falls.html": "new",  # its ?utm_source copy is the same address
        "copy-of-bridge.html": "duplicate",
        "port-reopens.html": "skipped",
        "broken.html": "skipped",
        "memo.html": "failed",
        "gone.html": "failed",
    }
    details = {item.url.rsplit("/", 1)[-1]: item.detail for item in report.items}
    assert "robots.txt" in details["memo.html"] and "HTTP 404" in details["gone.html"]
    assert "paywall" in details["port-reopens.html"]
    assert "/private/memo.html" not in site.requested  # robots.txt is obeyed, not just reported
    story = fake_bot.catalog().stories[story_id(f"{site.url}/news/bridge-falls.html")]
    assert story.title == "Key Bridge falls" and story.published == "2024-03-26"
    passages = " ".join(c.text for c in fake_bot.index.snapshot().chunks if c.doc_id == story.id)
    assert "Patapsco River" in passages and "Cookie settings" not in passages and "Subscribe" not in passages
    answer = fake_bot.ask("How many members of the road crew were killed?")
    assert "Six members" in answer.text


def test_a_rerun_changes_nothing_and_an_edited_article_replaces_its_version(
    site: Site, ingester: Ingester, fake_bot: Bot
) -> None:
    ingester.run([f"{site.url}/feed.xml"])
    again = ingester.run([f"{site.url}/feed.xml"])
    assert again.embedded == 0 and outcomes(again)["bridge-falls.html"] == "unchanged"
    edited = ARTICLE.format(title="Key Bridge falls", extra="Divers recovered a third body on Wednesday morning.")
    site.pages["/news/bridge-falls.html"] = ("text/html", edited)
    third = ingester.run([f"{site.url}/news/bridge-falls.html"])
    assert outcomes(third) == {"bridge-falls.html": "updated"} and third.embedded >= 1
    ids = [s for s in fake_bot.catalog().stories if s.startswith("bridge-falls-")]
    assert len(ids) == 1  # replaced, not added beside the old one
    assert "third body" in " ".join(c.text for c in fake_bot.index.snapshot().chunks if c.doc_id == ids[0])


def test_an_unreachable_source_is_reported_and_the_rest_ingested(site: Site, ingester: Ingester) -> None:
    report = ingester.run(["http://127.0.0.1:9/feed.xml", "ftp://example.org/x", f"{site.url}/news/bridge-falls.html"])
    assert [item.outcome for item in report.items] == ["failed", "failed", "new"]


def test_requests_to_one_host_are_spaced_by_the_delay(site: Site) -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with httpx.Client(timeout=5) as client:
        fetcher = Fetcher(client, delay=2.0, clock=lambda: now[0], sleep=sleep)
        fetcher.get(f"{site.url}/news/bridge-falls.html")  # robots.txt first, then the page
        fetcher.get(f"{site.url}/news/copy-of-bridge.html")
    assert slept == [2.0, 2.0]


def test_ids_are_stable_and_addresses_canonical() -> None:
    a = story_id("https://News.example.org/2024/03/key-bridge-falls/?utm_source=x#top")
    assert a == story_id("https://news.example.org/2024/03/key-bridge-falls")
    assert a.startswith("key-bridge-falls-") and a != story_id("https://other.example.org/2024/03/key-bridge-falls")
    assert canonical("https://a.org/x/?b=1&utm_medium=y") == "https://a.org/x?b=1"
    assert interval("5m") == 300 and interval("30s") == 30 and interval("2") == 2
    with pytest.raises(ValueError, match="not an interval"):
        interval("soon")


def test_a_page_without_an_article_is_named_not_crashed() -> None:
    with pytest.raises(Exception, match=r"not an article page|characters of text"):
        story_file("https://a.org/x", "<html></html>")


def test_a_killed_ingest_leaves_the_last_index_serving_and_the_next_run_completes(
    site: Site, tmp_path: Path, corpus_dir: Path
) -> None:
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index", embedding_model="fake").with_changes(
        conversations_url=f"sqlite:///{tmp_path / 'conversations.sqlite3'}"
    )
    build_bot(settings).index_corpus()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("STORYBOT_")},
        "STORYBOT_INDEX_DIR": str(settings.index_dir),
        "STORYBOT_CORPUS_DIR": str(corpus_dir),
        "STORYBOT_EMBEDDING_MODEL": "fake",
        "STORYBOT_CONVERSATIONS_URL": settings.channels.conversations_url,
        "ANONYMIZED_TELEMETRY": "False",
    }
    site.slow["/news/copy-of-bridge.html"] = 60.0
    command = [sys.executable, "-m", "bot", "ingest", "--delay", "0"]
    pages = [f"{site.url}/news/bridge-falls.html", f"{site.url}/news/copy-of-bridge.html"]
    process = subprocess.Popen([*command, *pages], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while "/news/copy-of-bridge.html" not in site.requested and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)  # mid-run: one article written, the other being fetched
    process.wait()
    assert list((corpus_dir / "ingested").glob("*.md"))
    serving = build_bot(settings)
    assert set(serving.catalog().stories) == {"belarus-prisoners-released"}  # the last good state
    assert serving.ask("Who is Ales Bialiatski?").citations
    site.slow.clear()
    site.pages["/news/copy-of-bridge.html"] = (
        "text/html",
        ARTICLE.format(title="Ship crew stays aboard", extra="The crew of 21 stayed aboard."),
    )
    done = subprocess.run([*command, *pages], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unchanged" in done.stdout and "new" in done.stdout  # the first article was kept from the killed run
    assert len([s for s in build_bot(settings).catalog().stories if s != "belarus-prisoners-released"]) == 2


def test_a_redirect_is_followed_through_robots_txt(site: Site, ingester: Ingester) -> None:
    site.redirects["/go/bridge"] = "/news/bridge-falls.html"
    site.redirects["/go/memo"] = "/private/memo.html"
    report = ingester.run([f"{site.url}/go/bridge", f"{site.url}/go/memo"])
    assert [item.outcome for item in report.items] == ["new", "failed"]
    assert "robots.txt" in report.items[1].detail and "/private/memo.html" not in site.requested


def test_a_site_whose_robots_txt_fails_is_not_crawled(site: Site, ingester: Ingester) -> None:
    site.redirects["/robots.txt"] = "/robots-moved.txt"
    site.redirects["/robots-moved.txt"] = "/robots.txt"  # a loop: the site cannot say what it allows
    report = ingester.run([f"{site.url}/news/bridge-falls.html"])
    assert [item.outcome for item in report.items] == ["failed"]
    assert "robots.txt" in report.items[0].detail and "/news/bridge-falls.html" not in site.requested


def test_an_xhtml_page_is_read_as_a_page_not_a_feed(site: Site, ingester: Ingester) -> None:
    body = ARTICLE.format(title="Key Bridge falls", extra="").replace("<html>", '<?xml version="1.0"?><html>')
    site.pages["/news/bridge.xhtml"] = ("application/xhtml+xml", body)
    report = ingester.run([f"{site.url}/news/bridge.xhtml"])
    assert [item.outcome for item in report.items] == ["new"]


def test_a_moved_robots_txt_is_followed(site: Site, ingester: Ingester) -> None:
    site.redirects["/robots.txt"] = "/static/robots.txt"
    site.pages["/static/robots.txt"] = ("text/plain", ROBOTS)
    report = ingester.run([f"{site.url}/news/bridge-falls.html", f"{site.url}/private/memo.html"])
    assert [item.outcome for item in report.items] == ["new", "failed"]
