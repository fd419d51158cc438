import os
from pathlib import Path

import pytest

from bot import ConfigError, Settings
from bot.config import AnswererKind, env_var, knobs


def test_from_env_reads_variables_and_flags_override() -> None:
    env = {"STORYBOT_INDEX_DIR": "/tmp/x", "STORYBOT_TOP_K": "7", "OPENAI_API_KEY": "sk-secret"}
    s = Settings.from_env(env, top_k=3)
    assert s.index_dir == Path("/tmp/x")
    assert s.top_k == 3
    assert s.llm_api_key == "sk-secret"
    assert "sk-secret" not in repr(s)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORYBOT_TOP_K": "many"}, "STORYBOT_TOP_K must be a whole number"),
        ({"STORYBOT_TOP_K": "0"}, "STORYBOT_TOP_K must be between 1 and 50"),
        ({"STORYBOT_READER_THRESHOLD": "half"}, "STORYBOT_READER_THRESHOLD must be a number"),
        ({"STORYBOT_READER_THRESHOLD": "1.5"}, "STORYBOT_READER_THRESHOLD must be between 0 and 1"),
        ({"STORYBOT_READER_THRESHOLD": "nan"}, "STORYBOT_READER_THRESHOLD must be between 0 and 1"),
        ({"STORYBOT_ANSWERER": "magic"}, "STORYBOT_ANSWERER must be one of extractive, openai, llamacpp; got 'magic'"),
        ({"STORYBOT_ANSWERER": "OpenAI"}, "STORYBOT_ANSWERER must be one of extractive, openai, llamacpp"),
        ({"STORYBOT_CHUNK_CHARS": "50"}, "STORYBOT_CHUNK_CHARS must be between 200 and 4000"),
        ({"STORYBOT_CHUNK_OVERLAP": "-1"}, "STORYBOT_CHUNK_OVERLAP must be between 0 and 3 sentences"),
        ({"STORYBOT_MAX_QUESTION_CHARS": "5"}, "STORYBOT_MAX_QUESTION_CHARS must be between 20 and 20000"),
        ({"STORYBOT_PORT": "70000"}, "STORYBOT_PORT must be between 1 and 65535; got 70000"),
        ({"STORYBOT_PORT": "http"}, "STORYBOT_PORT must be a whole number"),
        ({"STORYBOT_RATE_LIMIT": "0"}, "STORYBOT_RATE_LIMIT must be between 1 and 100000 requests a minute"),
        ({"STORYBOT_HOST": "0.0.0.0"}, "set STORYBOT_API_KEYS"),
        ({"STORYBOT_TELEGRAM_TOKEN": "1:abc"}, "STORYBOT_TELEGRAM_TOKEN needs STORYBOT_TELEGRAM_SECRET"),
        ({"STORYBOT_ANSWERER": "openai"}, "needs STORYBOT_LLM_BASE_URL"),
        (
            {"STORYBOT_ANSWERER": "openai", "STORYBOT_LLM_BASE_URL": "localhost", "STORYBOT_LLM_MODEL": "m"},
            "http(s) URL",
        ),
        ({"STORYBOT_ANSWERER": "llamacpp"}, "needs STORYBOT_GGUF_PATH"),
        ({"STORYBOT_SLACK_BOT_TOKEN": "xoxb-1"}, "STORYBOT_SLACK_BOT_TOKEN needs STORYBOT_SLACK_SIGNING_SECRET"),
    ],
)
def test_invalid_settings_fail_fast_with_a_clear_message(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env(env)


def test_settings_are_frozen() -> None:
    s = Settings()
    with pytest.raises(AttributeError):
        s.top_k = 9  # type: ignore[misc]


def test_slack_settings_come_from_the_environment_and_stay_out_of_repr() -> None:
    env = {"STORYBOT_SLACK_BOT_TOKEN": "xoxb-secret", "STORYBOT_SLACK_SIGNING_SECRET": "signing-secret"}
    s = Settings.from_env(env)
    slack = s.channels.slack
    assert (slack.bot_token, slack.signing_secret) == ("xoxb-secret", "signing-secret")
    assert slack.api_url == "https://slack.com/api/"
    assert "xoxb-secret" not in repr(s) and "signing-secret" not in repr(s)
    assert set(s.secrets) == {"xoxb-secret", "signing-secret"}
    local = Settings.from_env({**env, "STORYBOT_SLACK_API_URL": "http://127.0.0.1:9/api/"})
    assert local.channels.slack.api_url == "http://127.0.0.1:9/api/"


def test_every_knob_has_its_documented_variable_named_after_it() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    names = knobs()
    assert len(names) == 30  # every field of every group: one variable each
    for name in names:
        assert env_var(name) == "STORYBOT_" + name.upper()
        assert f"`{env_var(name)}`" in readme, name
    assert names["telegram_token"].path == ("channels", "telegram", "token")
    assert names["port"].path == ("server", "port") and names["top_k"].path == ("top_k",)


def test_settings_are_grouped_by_concern_and_changed_by_flat_name(tmp_path: Path) -> None:
    env = {"STORYBOT_PORT": "8080", "STORYBOT_FEEDBACK_PATH": str(tmp_path / "fb"), "STORYBOT_TOP_K": "9"}
    s = Settings.from_env(env)
    assert (s.server.port, s.server.feedback_path, s.top_k) == (8080, tmp_path / "fb", 9)
    changed = s.with_changes(port=8081, telegram_token="1:abc", telegram_secret="webhook-secret", top_k=3)
    assert (changed.server.port, changed.channels.telegram.token, changed.top_k) == (8081, "1:abc", 3)
    assert changed.server.feedback_path == tmp_path / "fb" and s.server.port == 8080
    assert changed.value("telegram_secret") == "webhook-secret"
    with pytest.raises(ConfigError, match="set STORYBOT_API_KEYS"):
        s.with_changes(host="0.0.0.0")  # a group's change is validated with the rest
    assert s.with_changes(host="0.0.0.0", api_keys=("k",)).server.local_only is False
    with pytest.raises(TypeError, match="unknown settings: colour"):
        s.with_changes(colour="blue")


def test_the_answerer_is_an_enum_whatever_the_caller_passes() -> None:
    assert Settings().answerer is AnswererKind.EXTRACTIVE
    configured = Settings(answerer="llamacpp", gguf_path="model.gguf")  # type: ignore[arg-type]
    assert configured.answerer is AnswererKind.LLAMACPP and configured.answerer.uses_chat_model
    assert configured.gguf_path == Path("model.gguf")
    assert Settings.from_env({}, answerer="extractive").answerer is AnswererKind.EXTRACTIVE
    with pytest.raises(ConfigError, match="STORYBOT_ANSWERER must be one of extractive, openai, llamacpp"):
        Settings().with_changes(answerer="gpt")


def test_a_wordnet_folder_without_wordnet_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"STORYBOT_WORDNET_DIR .* holds no WordNet"):
        Settings.from_env({"STORYBOT_WORDNET_DIR": str(tmp_path)})


def test_tests_run_without_the_callers_storybot_settings() -> None:
    # tests/conftest.py clears them, so a developer's own STORYBOT_INDEX_DIR or key never leaks in
    assert not [name for name in os.environ if name.startswith("STORYBOT_")]
