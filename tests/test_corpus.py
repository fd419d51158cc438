import json
from pathlib import Path

import pytest

from bot import CorpusError
from bot.corpus import load_corpus

SEED_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "belarus-prisoners-story.txt"


def test_seed_story_and_bios_load(corpus_dir: Path) -> None:
    corpus = load_corpus([corpus_dir])
    (story,) = corpus.stories
    assert story.id == "belarus-prisoners-released"
    assert [s.heading for s in story.sections] == [
        "What's happened",
        "What's behind the headline?",
        "What the papers say",
        "How we got here",
    ]
    assert next(q.question for q in story.questions) == "Why Did Belarus Release Opposition Leaders Now?"
    kalesnikava = next(b for b in corpus.bios if b.id == "maria-kalesnikava")
    assert "Maria Kolesnikova" in kalesnikava.aliases
    assert all(story.id in b.stories for b in corpus.bios)


@pytest.mark.skipif(not SEED_SOURCE.exists(), reason="shared seed not present")
def test_seed_text_is_kept_exactly_as_given(corpus_dir: Path) -> None:
    source = SEED_SOURCE.read_text(encoding="utf-8")
    corpus = load_corpus([corpus_dir])
    texts = [s.text for s in corpus.stories[0].sections] + [b.text for b in corpus.bios]
    assert all(t in source for t in texts)
    assert any(t.endswith("chair of the Viasna Human Rights") for t in texts)  # truncated bios stay truncated


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("no front matter\n", 1, "missing front matter"),
        ("---\nid: x\ntitle: T\n", 1, "not closed"),
        ("---\nid: x\ntitle: [unclosed\n---\n## A\n\ntext\n", 3, "broken front matter"),
        ("---\nid: x\n---\n## A\n\ntext\n", 2, "needs 'title'"),
        ("---\ntitle: T\n---\n## A\n\ntext\n", 2, "'id' is required"),
        ("---\nid: has space\ntitle: T\n---\n## A\n\ntext\n", 2, "no spaces"),
        ("---\nid: x\ntitle: T\npublished: yesterday\n---\n## A\n\ntext\n", 4, "'published' must be a date"),
        ("---\nid: x\ntitle: T\nupdated: soon\n---\n## A\n\ntext\n", 4, "'updated' must be a date"),
        ("---\nid: x\npublished: 2025-01-01\nupdated: 2025-13\ntitle: T\n---\n## A\n\nt\n", 4, "'updated' must be"),
        ("---\nid: x\ntitle: T\ncorrection: [a, b]\n---\n## A\n\ntext\n", 4, "'correction' must be text"),
        ("---\nid: x\ntitle: T\n---\nstray text\n## A\n\ntext\n", 5, "text before the first"),
        ("---\nid: x\ntitle: T\n---\n## A\n\n## B\n\ntext\n", 5, "section 'A' has no text"),
    ],
)
def test_broken_story_names_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = _write(tmp_path, "bad.md", text)
    with pytest.raises(CorpusError) as info:
        load_corpus([tmp_path])
    assert info.value.path == str(path)
    assert info.value.line == line
    assert problem in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_jsonl_archive_loads_and_reports_bad_lines(tmp_path: Path) -> None:
    good = '{"id": "a1", "title": "T", "text": "Body one. Body two.", "published": "2023-10-01", "url": "https://x.test/a"}'
    _write(tmp_path, "archive.jsonl", good + "\n\n")
    (story,) = load_corpus([tmp_path]).stories
    assert (story.id, story.published, story.sections[0].text) == ("a1", "2023-10-01", "Body one. Body two.")

    _write(tmp_path, "archive.jsonl", good + "\n{not json\n")
    with pytest.raises(CorpusError, match=r"archive.jsonl:2: not valid JSON"):
        load_corpus([tmp_path])
    _write(tmp_path, "archive.jsonl", '{"id": "a2", "title": "T"}\n')
    with pytest.raises(CorpusError, match=r"archive.jsonl:1: article needs a non-empty 'text'"):
        load_corpus([tmp_path])


def test_stories_carry_their_update_day_and_correction_notice(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "s.md",
        "---\nid: s\ntitle: T\npublished: 2026-12-04\nupdated: 2026-12-05\n"
        "correction: An earlier version gave the wrong count.\n---\n## A\n\ntext\n",
    )
    record = {"id": "a1", "title": "T", "text": "Body.", "published": "2023-10-01", "updated": "2023-10-02"}
    _write(tmp_path, "archive.jsonl", json.dumps({**record, "correction": "Fixed a name."}) + "\n")
    article, story = load_corpus([tmp_path]).stories
    assert (story.published, story.updated, story.correction) == (
        "2026-12-04",
        "2026-12-05",
        "An earlier version gave the wrong count.",
    )
    assert (article.updated, article.correction) == ("2023-10-02", "Fixed a name.")
    _write(tmp_path, "archive.jsonl", json.dumps({**record, "updated": "Oct 2"}) + "\n")
    with pytest.raises(CorpusError, match=r"archive\.jsonl:1: 'updated' must be a date like 2025-12-13; got 'Oct 2'"):
        load_corpus([tmp_path])


def test_a_story_without_an_update_or_correction_has_none(corpus_dir: Path) -> None:
    (story,) = load_corpus([corpus_dir]).stories
    assert (story.updated, story.correction) == (None, None)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    story = "---\nid: same\ntitle: T\n---\n## A\n\ntext\n"
    _write(tmp_path, "one.md", story)
    _write(tmp_path, "two.md", story)
    with pytest.raises(CorpusError, match="id 'same' is already used by"):
        load_corpus([tmp_path])


def test_bios_link_to_stories_that_mention_them(tmp_path: Path) -> None:
    _write(tmp_path, "s.md", "---\nid: s\ntitle: T\n---\n## A\n\nKolesnikova spoke.\n")
    _write(
        tmp_path, "b.md", "---\nname: Maria Kalesnikava\naliases: [Maria Kolesnikova, Kolesnikova]\n---\nA musician.\n"
    )
    (bio,) = load_corpus([tmp_path]).bios
    assert bio.id == "b"
    assert bio.stories == ("s",)


def test_missing_path_and_unreadable_encoding(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file or folder"):
        load_corpus([tmp_path / "nope"])
    (tmp_path / "latin.md").write_bytes(b"---\nid: x\ntitle: caf\xe9\n---\n")
    with pytest.raises(CorpusError, match=r"latin.md:3: not valid UTF-8"):
        load_corpus([tmp_path])


def test_crlf_files_keep_quotes_exact(tmp_path: Path) -> None:
    raw = "---\r\nid: crlf\r\ntitle: T\r\n---\r\n\r\n## A\r\n\r\n"
    raw += "The council approved a quokka\r\nsanctuary on Monday.\r\n"
    (tmp_path / "crlf.md").write_bytes(raw.encode())
    (story,) = load_corpus([tmp_path]).stories
    assert story.sections[0].heading == "A"
    assert story.sections[0].text in raw


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("---\nid: x\ntitle: T\npublished: 2025-02-30\n---\n## A\n\ntext\n", "broken front matter"),
        ("---\nid: x\ntitle: T\nnote: " + "[" * 5000 + "\n---\n## A\n\ntext\n", "broken front matter"),
    ],
)
def test_values_yaml_cannot_build_are_reported(tmp_path: Path, text: str, problem: str) -> None:
    _write(tmp_path, "bad.md", text)
    with pytest.raises(CorpusError, match=problem):
        load_corpus([tmp_path])


def test_bio_links_are_checked_and_short_names_do_not_link_everything(tmp_path: Path) -> None:
    _write(tmp_path, "s.md", "---\nid: s\ntitle: T\n---\n## A\n\nThe example text.\n")
    _write(tmp_path, "xi.md", "---\nname: Xi\n---\nA leader.\n")
    (bio,) = load_corpus([tmp_path]).bios
    assert bio.stories == ()
    _write(tmp_path, "xi.md", "---\nname: Xi\nstories: [s, nope]\n---\nA leader.\n")
    corpus = load_corpus([tmp_path])  # a dangling link (a story taken down) is named, not fatal
    assert corpus.bios[0].stories == ("s",)
    assert corpus.warnings == (f"{tmp_path / 'xi.md'}:2: 'stories' names unknown story ids: nope (ignored)",)
    _write(tmp_path, "xi.md", "---\nname: Xi\n---\nA leader.\n")
    (tmp_path / "xi.md").rename(tmp_path / "bad name.md")
    with pytest.raises(CorpusError, match="no spaces"):
        load_corpus([tmp_path])


def test_an_oversized_item_is_refused_naming_the_file_or_line(tmp_path: Path) -> None:
    from bot.corpus import MAX_ITEM_BYTES

    story = tmp_path / "dump.md"
    story.write_text("---\nid: dump\ntitle: Dump\n---\n## What's happened\n\n" + "word " * (MAX_ITEM_BYTES // 5 + 1))
    with pytest.raises(CorpusError, match=r"dump\.md: 2\.0 MB is too large for one item \(the limit is 2 MB\)"):
        load_corpus([story])
    archive = tmp_path / "archive.jsonl"
    small = '{"id": "a1", "title": "Fine", "text": "A short article."}'
    archive.write_text(
        small + "\n" + small.replace("a1", "a2").replace("A short article.", "x" * MAX_ITEM_BYTES) + "\n"
    )
    with pytest.raises(CorpusError, match=r"archive\.jsonl:2: 2\.0 MB is too large"):
        load_corpus([archive])
