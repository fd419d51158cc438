"""Load the corpus: Markdown stories and bios with front matter, and JSON Lines article archives."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from bot.errors import CorpusError
from bot.types import Bio, Corpus, Section, Story, SuggestedQuestion

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_QUESTIONS_HEADING = re.compile(r"^common questions?$", re.IGNORECASE)
SKIPPED_NAMES = frozenset({"readme.md"})
# One story, bio or archived article: news runs to tens of kilobytes, and an item of 50 MB (a dump, a
# pasted PDF) would be held in memory whole and embedded for minutes.
MAX_ITEM_BYTES = 2_000_000


def load_corpus(paths: Iterable[Path]) -> Corpus:
    """Load every story, bio and archive under `paths` (files or folders), checking ids are unique."""
    stories: list[Story] = []
    bios: list[Bio] = []
    for path in _corpus_files(paths):
        for item in load_file(path):
            if isinstance(item, Story):
                stories.append(item)
            else:
                bios.append(item)
    _check_unique([*stories, *bios])
    bios, warnings = _known_links(bios, {s.id for s in stories})
    return Corpus(stories=tuple(stories), bios=tuple(_link_bios(bios, stories)), warnings=tuple(warnings))


def _corpus_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            found = [p for p in path.rglob("*") if p.suffix in (".md", ".jsonl") and p.is_file()]
            yield from sorted(p for p in found if p.name.lower() not in SKIPPED_NAMES)
        elif path.is_file():
            if path.suffix not in (".md", ".jsonl"):
                raise CorpusError(str(path), None, "not a corpus file (expected .md or .jsonl)")
            yield path
        else:
            raise CorpusError(str(path), None, "no such file or folder")


def load_file(path: Path) -> list[Story | Bio]:
    """Load one corpus file: a `.md` story or bio, or a `.jsonl` archive of articles (each article,
    one line, under `MAX_ITEM_BYTES`)."""
    try:
        if path.suffix == ".md" and path.stat().st_size > MAX_ITEM_BYTES:
            raise CorpusError(str(path), None, _too_large(path.stat().st_size))
        # newline="" keeps "\r\n" as written, so quotes stay exact substrings of CRLF files too.
        with path.open(encoding="utf-8", newline="") as handle:
            content = handle.read()
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise CorpusError(str(path), line, "not valid UTF-8 text") from None
    except OSError as exc:
        raise CorpusError(str(path), None, f"cannot read: {exc.strerror}") from None
    if path.suffix == ".jsonl":
        return list(_parse_jsonl(content, str(path)))
    return [parse_markdown(content, str(path))]


def parse_markdown(content: str, path: str) -> Story | Bio:
    """Parse a Markdown file with YAML front matter into a `Story` (has `title`) or `Bio` (has `name`)."""
    meta, body, body_line = _front_matter(content, path)
    if "title" in meta and "name" in meta:
        raise CorpusError(path, 2, "front matter has both 'title' (a story) and 'name' (a bio); keep one")
    if "name" in meta:
        return _bio(meta, body, body_line, path)
    if "title" in meta:
        return _story(meta, body, body_line, path, _key_lines(content))
    raise CorpusError(path, 2, "front matter needs 'title' (for a story) or 'name' (for a bio)")


def _front_matter(content: str, path: str) -> tuple[dict[str, Any], list[str], int]:
    lines = content.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        raise CorpusError(path, 1, "missing front matter: the file must start with a line '---'")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise CorpusError(path, 1, "front matter is not closed by a line '---'") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        reason = getattr(exc, "problem", None) or "invalid YAML"
        raise CorpusError(path, line, f"broken front matter: {reason}") from None
    except (ValueError, RecursionError) as exc:  # e.g. "published: 2025-02-30", absurd nesting
        raise CorpusError(path, 2, f"broken front matter: {str(exc) or type(exc).__name__}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise CorpusError(path, 2, "front matter must be 'key: value' lines")
    return meta, lines[end + 1 :], end + 2


def _story(meta: dict[str, Any], body: list[str], first: int, path: str, lines: dict[str, int]) -> Story:
    sections, questions = _sections(body, first, path)
    if not sections:
        raise CorpusError(path, first, "a story needs at least one '## ' section with text")
    published, updated = _dates(meta, {key: f"{path}:{lines.get(key, 2)}" for key in ("published", "updated")})
    return Story(
        id=_text(meta, "id", path, required=True, pattern=ID_PATTERN),
        title=_text(meta, "title", path, required=True),
        sections=tuple(sections),
        path=path,
        published=published,
        url=_url(meta, path),
        source=_text(meta, "source", path),
        questions=tuple(questions),
        updated=updated,
        correction=_text(meta, "correction", f"{path}:{lines.get('correction', 2)}") or None,
    )


def _key_lines(content: str) -> dict[str, int]:
    """The line of each top-level front matter key, so an error names the line it is on."""
    found: dict[str, int] = {}
    for number, line in enumerate(content.lstrip("\ufeff").split("\n")[1:], start=2):
        if line.strip() == "---":
            break
        key = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if key:
            found.setdefault(key.group(1), number)
    return found


def _bio(meta: dict[str, Any], body: list[str], first: int, path: str) -> Bio:
    text = "\n".join(body).strip()
    if not text:
        raise CorpusError(path, first, "a bio needs text after its front matter")
    return Bio(
        id=_text(meta, "id", path, pattern=ID_PATTERN)
        or _text({"id": Path(path).stem}, "id", path, pattern=ID_PATTERN),
        name=_text(meta, "name", path, required=True),
        text=text,
        path=path,
        aliases=_text_list(meta, "aliases", path),
        stories=_text_list(meta, "stories", path),
    )


def _sections(body: list[str], first: int, path: str) -> tuple[list[Section], list[SuggestedQuestion]]:
    sections: list[Section] = []
    questions: list[SuggestedQuestion] = []
    heading: str | None = None
    start = first
    block: list[str] = []

    def close() -> None:
        if heading is None:
            return
        if _QUESTIONS_HEADING.match(heading):
            questions.extend(_questions(block, start + 1, path))
            return
        text = "\n".join(block).strip()
        if not text:
            raise CorpusError(path, start, f"section '{heading}' has no text")
        sections.append(Section(heading=heading, text=text, line=start))

    for offset, line in enumerate(body):
        number = first + offset
        if line.startswith("## "):
            close()
            heading, start, block = line[3:].strip(), number, []
        elif heading is None and line.strip():
            raise CorpusError(path, number, "text before the first '## ' section heading")
        else:
            block.append(line)
    close()
    return sections, questions


def _questions(block: list[str], first: int, path: str) -> Iterator[SuggestedQuestion]:
    question: str | None = None
    teaser: list[str] = []
    for offset, line in enumerate(block):
        if line.startswith("### "):
            if question:
                yield SuggestedQuestion(question, "\n".join(teaser).strip())
            question, teaser = line[4:].strip(), []
        elif question is None and line.strip():
            raise CorpusError(path, first + offset, "common questions must each start with '### '")
        else:
            teaser.append(line)
    if question:
        yield SuggestedQuestion(question, "\n".join(teaser).strip())


def _parse_jsonl(content: str, path: str) -> Iterator[Story]:
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_ITEM_BYTES // 4 and len(line.encode("utf-8")) > MAX_ITEM_BYTES:
            raise CorpusError(path, number, _too_large(len(line.encode("utf-8"))))
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(path, number, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        except (ValueError, RecursionError) as exc:  # e.g. a 5,000-digit number
            raise CorpusError(path, number, f"not usable JSON ({str(exc)[:80] or type(exc).__name__})") from None
        if not isinstance(record, dict):
            raise CorpusError(path, number, "each line must be a JSON object")
        yield _article(record, path, number)


def _article(record: dict[str, Any], path: str, line: int) -> Story:
    where = f"{path}:{line}"
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(path, line, "article needs a non-empty 'text'")
    title = _text(record, "title", where, required=True)
    published, updated = _dates(record, {"published": where, "updated": where})
    return Story(
        id=_text(record, "id", where, required=True, pattern=ID_PATTERN),
        title=title,
        sections=(Section(heading="", text=text, line=line),),
        path=where,
        published=published,
        url=_url(record, where),
        source=_text(record, "source", where),
        updated=updated,
        correction=_text(record, "correction", where) or None,
    )


def _text(
    meta: dict[str, Any], key: str, path: str, *, required: bool = False, pattern: re.Pattern[str] | None = None
) -> str:
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _field_error(path, f"'{key}' is required")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _field_error(path, f"'{key}' must be text")
    text = str(value).strip()
    if pattern is not None and not pattern.match(text):
        raise _field_error(path, f"'{key}' {text!r} must be letters, digits, '-', '_', '.' or ':' (no spaces)")
    return text


def _text_list(meta: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
    value = meta.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _field_error(path, f"'{key}' must be a list of names")
    return tuple(v.strip() for v in value)


def _dates(meta: dict[str, Any], where: dict[str, str]) -> tuple[str | None, str | None]:
    # No ordering check: feeds' "updated" can precede a page's own date, and one odd article must not
    # stop the whole corpus from indexing.
    return _date(meta, where["published"], "published"), _date(meta, where["updated"], "updated")


def _date(meta: dict[str, Any], path: str, key: str = "published") -> str | None:
    value = meta.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise _field_error(path, f"'{key}' must be a date like 2025-12-13; got {value!r}")


def _url(meta: dict[str, Any], path: str) -> str | None:
    value = meta.get("url")
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.match(r"^https?://\S+$", value.strip()):
        raise _field_error(path, f"'url' must be an http(s) address; got {value!r}")
    return value.strip()


def _field_error(where: str, problem: str) -> CorpusError:
    # `where` is "path" for front matter (fields live on lines 2+) or "path:line" for archives.
    path, _, line = where.rpartition(":") if re.search(r":\d+$", where) else (where, "", "")
    return CorpusError(path or where, int(line) if line else 2, problem)


def _check_unique(items: list[Story | Bio]) -> None:
    seen: dict[str, str] = {}
    for item in items:
        if item.id in seen:
            raise CorpusError(item.path, None, f"id '{item.id}' is already used by {seen[item.id]}")
        seen[item.id] = item.path


def _known_links(bios: list[Bio], story_ids: set[str]) -> tuple[list[Bio], list[str]]:
    """The bios without links to stories the corpus lacks, and a warning for each bio that had some.

    A warning, not an error: a story taken down must not stop every later index because a profile
    still lists it.
    """
    kept, warnings = [], []
    for bio in bios:
        unknown = [s for s in bio.stories if s not in story_ids]
        if unknown:
            warnings.append(f"{bio.path}:2: 'stories' names unknown story ids: {', '.join(unknown)} (ignored)")
            bio = replace(bio, stories=tuple(s for s in bio.stories if s in story_ids))
        kept.append(bio)
    return kept, warnings


def unknown_links(bio: Bio, story_ids: set[str]) -> list[str]:
    """The story ids `bio` lists that are not in `story_ids`."""
    return [s for s in bio.stories if s not in story_ids]


def _link_bios(bios: list[Bio], stories: list[Story]) -> Iterator[Bio]:
    """Link each bio to the stories that mention one of its names, besides those it lists."""
    texts = [" ".join(sec.text for sec in s.sections).lower() for s in stories]
    for bio in bios:
        # Names under 4 letters ("Xi") match too much text to link by mention; list them in `stories`.
        names = sorted({n for n in bio.names if len(n) >= 4}, key=len, reverse=True)
        if not names:
            yield bio
            continue
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b", re.IGNORECASE)
        lowered = [n.lower() for n in names]
        mentioned = [
            s.id
            for s, text in zip(stories, texts, strict=True)
            # A substring test first: the word-bounded regex over every article was most of a load.
            if any(n in text for n in lowered) and any(pattern.search(sec.text) for sec in s.sections)
        ]
        linked = tuple(dict.fromkeys([*bio.stories, *mentioned]))
        yield replace(bio, stories=linked) if linked != bio.stories else bio


def _too_large(size: int) -> str:
    return f"{size / 1e6:.1f} MB is too large for one item (the limit is {MAX_ITEM_BYTES / 1e6:.0f} MB): split it"
