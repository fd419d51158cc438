"""`storybot ingest`: stories from RSS/Atom feeds and article pages, written into the corpus and indexed.

Each article becomes a story file under `<corpus>/ingested/`, its id derived from its address, so a
changed article replaces its earlier version and an unchanged one costs nothing. Pages are fetched
politely (robots.txt, a delay per host, timeouts); each failure is reported and the rest are ingested.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import yaml

from bot.corpus import parse_markdown
from bot.errors import BotError, CorpusError
from bot.publish import write_file

log = logging.getLogger(__name__)
USER_AGENT = "Storybot/0.1 (newsroom ingest)"
TIMEOUT_S = 15.0
# Seconds between two requests to one host: a newsroom's own site must not feel the crawler.
HOST_DELAY_S = 1.0
# Less text than this is a stub (a paywall, a teaser, an error page), not an article to answer from.
MIN_TEXT_CHARS = 300
MAX_PAGE_BYTES = 5_000_000
MAX_REDIRECTS = 5
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")
FOLDER = "ingested"
SECTION = "The report"
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)=", re.IGNORECASE)


class FetchError(BotError):
    """A page or feed could not be fetched (refused by robots.txt, an HTTP error, a timeout)."""


@dataclass(frozen=True)
class Item:
    """What happened to one address."""

    url: str
    outcome: str  # "new", "updated", "unchanged", "duplicate", "skipped" or "failed"
    detail: str = ""
    story_id: str = ""


@dataclass(frozen=True)
class IngestReport:
    """One run: each address's outcome, and the index build after it (None when nothing was indexed)."""

    items: tuple[Item, ...]
    snapshot: str | None = None
    embedded: int = 0

    def count(self, outcome: str) -> int:
        """How many items ended so."""
        return sum(1 for item in self.items if item.outcome == outcome)


@dataclass(frozen=True)
class Page:
    """An article's address, with its feed entry or its already fetched HTML."""

    url: str
    entry: dict[str, Any] | None = None
    html: str | None = None


@dataclass
class Fetcher:
    """HTTP GETs that obey robots.txt and wait between requests to one host."""

    client: httpx.Client
    delay: float = HOST_DELAY_S
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)

    def get(self, url: str) -> httpx.Response:
        """The response for `url`, or `FetchError` saying why not. Redirects are followed one hop at a
        time, each through robots.txt and the host's delay, since a redirect may lead to another host."""
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise FetchError(f"{url}: not an http(s) address")
            if not self._allowed(url):
                raise FetchError(f"{url}: robots.txt asks crawlers not to fetch it")
            response = self._get(url)
            if not response.is_redirect:
                break
            url = str(response.url.join(response.headers.get("location", "")))
        else:
            raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")
        if response.status_code != 200:
            raise FetchError(f"{url}: HTTP {response.status_code}")
        return response

    def forget_robots(self) -> None:
        """Read each site's robots.txt again on its next request (a site may change it between runs)."""
        self._robots.clear()

    def _get(self, url: str) -> httpx.Response:
        host = urlsplit(url).netloc
        wait = self._last.get(host, -1e9) + self.delay - self.clock()
        if wait > 0:
            self.sleep(wait)
        try:
            with self.client.stream("GET", url, headers={"User-Agent": USER_AGENT}) as response:
                body = b""
                for part in response.iter_bytes():
                    body += part
                    if len(body) > MAX_PAGE_BYTES:  # read as it comes: a huge page is never held whole
                        raise FetchError(f"{url}: larger than {MAX_PAGE_BYTES // 1_000_000} MB")
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__} {exc}".rstrip()) from None
        finally:
            self._last[host] = self.clock()
        return httpx.Response(response.status_code, headers=response.headers, content=body, request=response.request)

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        robots = self._robots[origin]
        return robots is None or robots.can_fetch(USER_AGENT, url)

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """None means every page may be fetched (no robots.txt); unreachable means none may (RFC 9309)."""
        parser = urllib.robotparser.RobotFileParser()
        url, response = f"{origin}/robots.txt", None
        try:
            for _ in range(MAX_REDIRECTS + 1):  # http to https, or to another host, as the RFC allows
                response = self._get(url)
                if not response.is_redirect:
                    break
                url = str(response.url.join(response.headers.get("location", "")))
        except FetchError:
            response = None
        if response is not None and 400 <= response.status_code < 500:
            return None
        ok = response is not None and response.status_code == 200
        parser.parse(response.text.splitlines() if ok and response else ["User-agent: *", "Disallow: /"])
        return parser


def canonical(url: str) -> str:
    """The address without its fragment, tracking parameters or a trailing slash: one article, one id."""
    parts = urlsplit(url.strip())
    query = "&".join(p for p in parts.query.split("&") if p and not _TRACKING.match(p))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def story_id(url: str) -> str:
    """A stable id from the address: its last path segment, readable, and a hash that keeps it unique."""
    address = canonical(url)
    last = urlsplit(address).path.rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"[^a-z0-9]+", "-", last.lower().rsplit(".", 1)[0]).strip("-")[:60].strip("-")
    digest = hashlib.sha256(address.encode()).hexdigest()[:10]
    return f"{slug}-{digest}" if slug else f"article-{digest}"


def story_file(url: str, html: str, feed_entry: dict[str, Any] | None = None) -> str:
    """The corpus Markdown for an article page, or `CorpusError` when it holds no article."""
    import trafilatura  # imported on use: several hundred ms, and only ingesting needs it

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    title = _one_line(getattr(doc, "title", None) or (feed_entry or {}).get("title") or "")
    if not title:
        raise CorpusError(url, None, "no title found: not an article page")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and lines[0] == title:
        lines = lines[1:]  # the extractor repeats the headline as the first line
    body = "\n\n".join(lines)
    if len(body) < MIN_TEXT_CHARS:
        raise CorpusError(url, None, f"only {len(body)} characters of text (a paywall or a teaser?); not ingested")
    meta = {"id": story_id(url), "title": title, "url": canonical(url), "source": urlsplit(url).netloc}
    published = _day(getattr(doc, "date", None)) or _entry_day(feed_entry, "published_parsed")
    updated = _entry_day(feed_entry, "updated_parsed")
    meta |= {k: v for k, v in (("published", published), ("updated", updated)) if v}
    author = _one_line(getattr(doc, "author", None) or "")
    if author:
        meta["author"] = author
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n\n## {SECTION}\n\n{body}\n"


class Ingester:
    """Fetches feeds and pages, writes their stories into the corpus, then indexes once."""

    def __init__(self, fetcher: Fetcher, corpus_dir: Path, index: Callable[[], Any]) -> None:
        self.fetcher = fetcher
        self.folder = corpus_dir / FOLDER
        self.index = index

    def run(self, sources: Iterable[str]) -> IngestReport:
        """Ingest every article of `sources` (feed or page addresses); a failed one is reported, not fatal."""
        items: list[Item] = []
        seen: set[str] = set()
        self.fetcher.forget_robots()
        known = self._known_texts()
        for source in sources:
            try:
                found = self._articles(source)
            except FetchError as exc:
                items.append(Item(source, "failed", str(exc)))
                continue
            for page in found:
                if canonical(page.url) not in seen:  # an address listed twice (with ?utm_source=…) is one
                    seen.add(canonical(page.url))
                    items.append(self._one(page, known))
        # Always: a run killed after writing files but before indexing is completed by the next one.
        report = self.index()
        return IngestReport(tuple(items), report.snapshot, report.embedded)

    def _articles(self, source: str) -> list[Page]:
        """The feed's entries, or the page itself (fetched once) when `source` is an article."""
        import feedparser

        response = self.fetcher.get(source)
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        head = response.content[:1000].lstrip().lower()
        # By type, or by its first element when served as text/plain; an XHTML page is a page.
        sniffed = head.startswith((b"<rss", b"<feed")) or (head.startswith(b"<?xml") and b"<html" not in head)
        if kind not in FEED_TYPES and not (kind in ("", "text/plain", "application/octet-stream") and sniffed):
            return [Page(source, html=response.text)]
        feed = feedparser.parse(response.content)
        entries = [dict(e) for e in feed.entries if e.get("link")]
        if not entries:
            reason = getattr(feed, "bozo_exception", None) or "no entries with links"
            raise FetchError(f"{source}: not a readable feed ({reason})")
        return [Page(str(e["link"]), entry=e) for e in entries]

    def _one(self, page: Page, known: dict[str, str]) -> Item:
        url = page.url
        try:
            html = page.html if page.html is not None else self.fetcher.get(url).text
            text = story_file(url, html, page.entry)
            story = parse_markdown(text, f"{FOLDER}/{story_id(url)}.md")  # what the indexer will read
        except (FetchError, CorpusError) as exc:
            return Item(url, "failed" if isinstance(exc, FetchError) else "skipped", str(exc))
        except Exception as exc:  # the extractor on a hostile page: this item fails, the run goes on
            log.exception("ingesting %s failed", url)
            return Item(url, "failed", f"{url}: {type(exc).__name__} while reading the page")
        path = self.folder / f"{story.id}.md"
        body = _body_hash(text)
        if known.get(body, story.id) != story.id:
            return Item(url, "duplicate", f"same text as {known[body]}", story.id)
        previous = path.read_text(encoding="utf-8") if path.is_file() else None
        if previous == text:
            return Item(url, "unchanged", "", story.id)
        write_file(path, text)
        known[body] = story.id
        return Item(url, "updated" if previous is not None else "new", "", story.id)

    def _known_texts(self) -> dict[str, str]:
        """Each ingested story's body hash, so one article found at two addresses is kept once."""
        known = {}
        for path in sorted(self.folder.glob("*.md")) if self.folder.is_dir() else []:
            known[_body_hash(path.read_text(encoding="utf-8"))] = path.stem
        return known


def _body_hash(text: str) -> str:
    body = text.split(f"\n## {SECTION}\n", 1)[-1]
    return hashlib.sha256(" ".join(body.split()).encode()).hexdigest()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:300]


def _day(value: object) -> str | None:
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _entry_day(entry: dict[str, Any] | None, key: str) -> str | None:
    parsed = (entry or {}).get(key)
    if not parsed:
        return None
    return time.strftime("%Y-%m-%d", parsed)


def add_parser(sub: Any) -> None:
    """Register `ingest` on the CLI's subparsers."""
    p = sub.add_parser("ingest", help="ingest articles from RSS/Atom feeds and article addresses")
    p.add_argument("sources", nargs="+", help="feed or article addresses (http/https)")
    p.add_argument("--follow", type=interval, help="keep going, every INTERVAL (e.g. 30s, 5m, 1h)")
    p.add_argument("--delay", type=float, default=HOST_DELAY_S, help="seconds between requests to one host")


def interval(text: str) -> float:
    """Seconds in "30s", "5m", "1h" or a plain number of seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not match or float(match[1]) <= 0:
        raise ValueError(f"not an interval: {text!r} (try 30s, 5m or 1h)")
    return float(match[1]) * {"": 1, "s": 1, "m": 60, "h": 3600}[match[2]]


def cmd_ingest(bot: Any, args: Any) -> int:
    """Ingest once, or every `--follow` interval until stopped; exit 2 when some item failed (last run)."""
    with httpx.Client(timeout=TIMEOUT_S) as client:
        ingester = Ingester(Fetcher(client, delay=args.delay), bot.settings.corpus_dir, bot.index_corpus)
        while True:
            report = ingester.run(args.sources)
            for item in report.items:
                print(f"{item.outcome:9} {item.story_id or item.url}{': ' + item.detail if item.detail else ''}")
            added = report.count("new") + report.count("updated")
            print(f"ingested {added} of {len(report.items)}; {report.embedded} passages embedded")
            if args.follow is None:
                return 0 if report.count("failed") == 0 else 2
            time.sleep(args.follow)
