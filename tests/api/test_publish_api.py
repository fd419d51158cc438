"""The publishing API: a CMS puts, corrects and takes down stories; each change is live when the call returns."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot import Bot, build_bot
from bot.api import create_api

SEED = "belarus-prisoners-released"
KEY = "publish-key-for-tests"
AUTH = {"Authorization": f"Bearer {KEY}", "Content-Type": "text/markdown"}
NEW_STORY = """---
id: zeppelin-tours
title: Zeppelin tours return to Lake Constance
published: 2026-11-30
---

## What's happened

Zeppelin tours returned to the skies over Friedrichshafen, where the airship makers said bookings tripled.
"""


@pytest.fixture
def client(fake_bot: Bot) -> TestClient:
    # The takedown race asks in a loop from one address.
    server = replace(fake_bot.settings.server, publish_keys=(KEY,), rate_limit=100_000)
    settings = replace(fake_bot.settings, server=server)
    return TestClient(create_api(fake_bot, settings))


def seed_text(bot: Bot) -> str:
    return (bot.settings.corpus_dir / "stories" / f"{SEED}.md").read_text(encoding="utf-8")


def cited_stories(client: TestClient, question: str) -> set[str]:
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200, response.text
    return {c["story_id"] for c in response.json()["citations"]}


def test_publishing_needs_a_publishing_key_even_on_localhost(fake_bot: Bot) -> None:
    off = TestClient(create_api(fake_bot, fake_bot.settings))
    response = off.put("/api/stories/zeppelin-tours", content=NEW_STORY, headers=AUTH)
    assert response.status_code == 401 and "STORYBOT_PUBLISH_KEYS" in response.json()["error"]["message"]
    reading = replace(fake_bot.settings.server, api_keys=("read-key",), publish_keys=(KEY,))
    client = TestClient(create_api(fake_bot, replace(fake_bot.settings, server=reading)))
    for headers in ({"Content-Type": "text/markdown"}, {**AUTH, "Authorization": "Bearer read-key"}):
        response = client.put("/api/stories/zeppelin-tours", content=NEW_STORY, headers=headers)
        assert response.status_code == 401, headers
        assert client.delete(f"/api/stories/{SEED}", headers=headers).status_code == 401
    assert (fake_bot.settings.corpus_dir / "stories" / f"{SEED}.md").is_file()


def test_a_correction_is_answered_as_soon_as_the_call_returns(client: TestClient, fake_bot: Bot) -> None:
    question = "How many political prisoners did Belarus release?"
    assert "123" in client.post("/api/ask", json={"question": question}).json()["text"]
    original = seed_text(fake_bot)
    corrected = original.replace(
        "Belarus has released 123 political prisoners", "Belarus has released 150 political prisoners"
    )
    response = client.put(f"/api/stories/{SEED}", content=corrected, headers=AUTH)
    data = response.json()
    assert response.status_code == 200 and data["action"] == "updated"
    assert 0 < data["embedded"] < len(fake_bot.index.snapshot().chunks)  # the changed passages only
    assert "150" in client.post("/api/ask", json={"question": question}).json()["text"]
    (kept,) = (fake_bot.settings.index_dir / "history" / SEED).glob("*-replaced.md")
    assert kept.read_text(encoding="utf-8") == original  # the earlier version is kept, not lost
    again = client.put(f"/api/stories/{SEED}", content=corrected, headers=AUTH).json()
    assert again["action"] == "unchanged" and again["embedded"] == 0


def test_a_new_story_is_listed_and_described(client: TestClient) -> None:
    response = client.put("/api/stories/zeppelin-tours", content=NEW_STORY, headers=AUTH)
    assert response.status_code == 200 and response.json()["action"] == "created"
    assert "zeppelin-tours" in {s["id"] for s in client.get("/api/stories").json()}
    described = client.get("/api/stories/zeppelin-tours", headers=AUTH).json()
    assert described["title"] == "Zeppelin tours return to Lake Constance" and described["passages"] >= 1
    assert described["published"] == "2026-11-30" and described["version"] == response.json()["version"]
    hits = client.post("/api/ask", json={"question": "Where did the zeppelin tours return?"}).json()
    assert hits["refused"] or {c["story_id"] for c in hits["citations"]} == {"zeppelin-tours"}


def test_a_takedown_is_gone_at_once_and_kept_in_history(client: TestClient, fake_bot: Bot) -> None:
    question = "How many political prisoners did Belarus release?"
    assert SEED in cited_stories(client, question)
    response = client.delete(f"/api/stories/{SEED}", headers=AUTH)
    assert response.status_code == 200 and response.json()["action"] == "withdrawn"
    assert SEED not in cited_stories(client, question)
    assert client.get(f"/api/stories/{SEED}", headers=AUTH).status_code == 404
    assert client.delete(f"/api/stories/{SEED}", headers=AUTH).status_code == 404
    assert list((fake_bot.settings.index_dir / "history" / SEED).glob("*-withdrawn.md"))
    # Profiles that listed it still index (the link is dropped with a warning), so the next change works.
    assert client.put("/api/stories/zeppelin-tours", content=NEW_STORY, headers=AUTH).status_code == 200


def test_no_answer_given_after_a_takedown_returns_cites_it(client: TestClient, fake_bot: Bot) -> None:
    answers: list[tuple[float, set[str]]] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            try:
                cited = cited_stories(client, "How many political prisoners did Belarus release?")
            except BaseException as exc:  # reported by the test below
                failures.append(exc)
                return
            answers.append((time.monotonic(), cited))

    askers = [threading.Thread(target=keep_asking) for _ in range(3)]
    for asker in askers:
        asker.start()
    time.sleep(0.5)
    assert client.delete(f"/api/stories/{SEED}", headers=AUTH).status_code == 200
    returned = time.monotonic()
    time.sleep(0.5)
    stop.set()
    for asker in askers:
        asker.join()
    assert not failures
    before = [cited for at, cited in answers if at < returned]
    after = [cited for at, cited in answers if at > returned]
    assert any(SEED in cited for cited in before) and after  # the loop ran on both sides of the takedown
    assert not any(SEED in cited for cited in after)


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "says"),
    [
        ("/api/stories/zeppelin-tours", "no front matter", AUTH, 400, "stories/zeppelin-tours.md:1"),
        ("/api/stories/other-id", NEW_STORY, AUTH, 400, "says id 'zeppelin-tours'"),
        ("/api/people/zeppelin-tours", NEW_STORY, AUTH, 400, "not a profile"),
        ("/api/stories/ales-bialiatski", NEW_STORY.replace("zeppelin-tours", "ales-bialiatski"), AUTH, 409, "profile"),
        ("/api/stories/zeppelin-tours", NEW_STORY, {**AUTH, "Content-Type": "application/json"}, 415, "text/markdown"),
        ("/api/people/zed", "---\nname: Zed\nstories: [nope]\n---\nA pilot.\n", AUTH, 400, "unknown story ids: nope"),
        ("/api/stories/README", NEW_STORY.replace("zeppelin-tours", "README"), AUTH, 400, "not a usable id"),
    ],
)
def test_bad_input_is_refused_naming_the_problem_and_changes_nothing(
    client: TestClient, fake_bot: Bot, path: str, body: str, headers: dict[str, str], status: int, says: str
) -> None:
    before = fake_bot.index.snapshot().name
    files = sorted(p.name for p in fake_bot.settings.corpus_dir.rglob("*"))
    response = client.put(path, content=body, headers=headers)
    assert response.status_code == status and says in response.json()["error"]["message"]
    assert fake_bot.index.snapshot().name == before
    assert sorted(p.name for p in fake_bot.settings.corpus_dir.rglob("*")) == files


def test_a_failed_index_leaves_the_corpus_and_the_snapshot_as_they_were(
    client: TestClient, fake_bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, text = fake_bot.index.snapshot().name, seed_text(fake_bot)

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(fake_bot, "index_corpus", broken)
    with pytest.raises(OSError):
        client.put(f"/api/stories/{SEED}", content=text.replace("123", "150"), headers=AUTH)
    with pytest.raises(OSError):
        client.delete(f"/api/stories/{SEED}", headers=AUTH)
    assert seed_text(fake_bot) == text and fake_bot.index.snapshot().name == before
    assert not (fake_bot.settings.corpus_dir / "stories" / "zeppelin-tours.md").exists()
    assert not list(Path(fake_bot.settings.index_dir / "history").rglob("*-withdrawn.md"))


def test_a_new_story_naming_a_profiled_person_is_linked_to_the_profile(client: TestClient, fake_bot: Bot) -> None:
    story = NEW_STORY.replace("Zeppelin tours returned", "Ales Bialiatski watched as zeppelin tours returned")
    assert client.put("/api/stories/zeppelin-tours", content=story, headers=AUTH).status_code == 200
    (bio,) = [b for b in fake_bot.catalog().bios if b.id == "ales-bialiatski"]
    assert "zeppelin-tours" in bio.stories  # so "Who is he?" within this story finds his profile


def test_a_broken_file_is_fixed_by_publishing_it_again(client: TestClient, fake_bot: Bot) -> None:
    path = fake_bot.settings.corpus_dir / "stories" / "zeppelin-tours.md"
    assert client.put("/api/stories/zeppelin-tours", content=NEW_STORY, headers=AUTH).status_code == 200
    path.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")  # edited by hand, badly
    response = client.put("/api/stories/zeppelin-tours", content=NEW_STORY.replace("tripled", "doubled"), headers=AUTH)
    assert response.status_code == 200 and "doubled" in path.read_text(encoding="utf-8")


def test_describing_a_story_before_any_index_is_a_503(fake_bot: Bot, tmp_path: Path) -> None:
    server = replace(fake_bot.settings.server, publish_keys=(KEY,))
    empty = build_bot(replace(fake_bot.settings, index_dir=tmp_path / "empty-index", server=server))
    response = TestClient(create_api(empty, empty.settings)).get(f"/api/stories/{SEED}", headers=AUTH)
    assert response.status_code == 503 and "storybot index" in response.json()["error"]["message"]
