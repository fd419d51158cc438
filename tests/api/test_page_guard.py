"""The web page's Gradio endpoints are no back door: limited like the API, uploads off, nothing
listed for client libraries; guessing keys or editor tokens is slowed."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
from fastapi.testclient import TestClient

from bot import Bot
from bot.api import create_api
from bot.feedback import FeedbackStore
from bot.http import FAILED_AUTH_PER_MINUTE
from bot.ui.app import create_app
from bot.ui.editor import mount_editor


def page_and_api(bot: Bot, tmp_path: Path, **changes: object) -> TestClient:
    settings = bot.settings.with_changes(**changes)
    page = create_app(bot, FeedbackStore(tmp_path / "feedback.db"), settings)
    return TestClient(gr.mount_gradio_app(create_api(bot, settings), page, path="/"))


def test_uploads_are_refused(fake_bot: Bot, tmp_path: Path) -> None:
    client = page_and_api(fake_bot, tmp_path)
    response = client.post("/gradio_api/upload", files={"files": ("a.txt", b"x" * 1000)})
    assert response.status_code == 403 and "uploads" in response.json()["error"]["message"]


def test_the_page_functions_are_not_offered_as_an_api(fake_bot: Bot, tmp_path: Path) -> None:
    info = page_and_api(fake_bot, tmp_path).get("/gradio_api/info").json()
    assert info["named_endpoints"] == {}, list(info["named_endpoints"])


def test_page_calls_share_the_api_rate_limit(fake_bot: Bot, tmp_path: Path) -> None:
    client = page_and_api(fake_bot, tmp_path, rate_limit=3)
    codes = [client.post("/gradio_api/queue/join", json={}).status_code for _ in range(4)]
    assert 429 not in codes[:3] and codes[3] == 429  # Gradio may answer the empty join as it likes, not 429
    assert client.get("/").status_code == 200  # the page itself is not a call


def test_wrong_keys_are_slowed_per_address(fake_bot: Bot) -> None:
    settings = fake_bot.settings.with_changes(api_keys=("right-key-123",))
    client = TestClient(create_api(fake_bot, settings))
    wrong = {"Authorization": "Bearer wrong-key"}
    codes = [client.get("/api/stories", headers=wrong).status_code for _ in range(FAILED_AUTH_PER_MINUTE + 1)]
    assert codes == [401] * FAILED_AUTH_PER_MINUTE + [429]


def test_editor_tokens_cannot_be_guessed_by_trying(fake_bot: Bot) -> None:
    settings = fake_bot.settings.with_changes(host="0.0.0.0", api_keys=("k",), editor_token="the-token")
    api = create_api(fake_bot, settings)
    mount_editor(api, fake_bot, settings, gr.themes.Default())  # the Editor's login at /editor

    def login(address: str, token: str) -> int:
        client = TestClient(api, client=(address, 50000))
        return client.post("/editor/login", data={"username": "editor", "password": token}).status_code

    assert [login("10.0.0.9", f"guess-{i}") for i in range(FAILED_AUTH_PER_MINUTE)] == [400] * FAILED_AUTH_PER_MINUTE
    assert login("10.0.0.9", "the-token") == 429  # too many attempts
    assert login("10.0.0.10", "the-token") == 200  # another address is not locked out


def test_a_set_editor_token_is_asked_for_on_localhost_too(fake_bot: Bot) -> None:
    # Behind a reverse proxy on the same machine every caller is local: the token must still hold.
    settings = fake_bot.settings.with_changes(editor_token="the-token")
    api = create_api(fake_bot, settings)
    mount_editor(api, fake_bot, settings, gr.themes.Default())
    client = TestClient(api)
    assert client.post("/editor/login", data={"username": "e", "password": "guess"}).status_code == 400
    assert client.get("/editor/config").status_code == 401  # the app's config, which needs a login
    assert client.post("/editor/login", data={"username": "e", "password": "the-token"}).status_code == 200
