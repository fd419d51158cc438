import os
from pathlib import Path

import pytest

from bot import ConfigError, Settings


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
        ({"STORYBOT_TOP_K": "0"}, "top_k must be between 1 and 50"),
        ({"STORYBOT_READER_THRESHOLD": "half"}, "STORYBOT_READER_THRESHOLD must be a number"),
        ({"STORYBOT_READER_THRESHOLD": "1.5"}, "reader_threshold must be between 0 and 1"),
        ({"STORYBOT_READER_THRESHOLD": "nan"}, "reader_threshold must be between 0 and 1"),
        ({"STORYBOT_ANSWERER": "magic"}, "answerer must be one of"),
        ({"STORYBOT_CHUNK_CHARS": "50"}, "chunk_chars must be between 200 and 4000"),
        ({"STORYBOT_CHUNK_OVERLAP": "-1"}, "chunk_overlap must be between 0 and 3 sentences"),
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
    assert (s.slack_bot_token, s.slack_signing_secret) == ("xoxb-secret", "signing-secret")
    assert s.slack_api_url == "https://slack.com/api/"
    assert "xoxb-secret" not in repr(s) and "signing-secret" not in repr(s)
    local = Settings.from_env({**env, "STORYBOT_SLACK_API_URL": "http://127.0.0.1:9/api/"})
    assert local.slack_api_url == "http://127.0.0.1:9/api/"


def test_a_wordnet_folder_without_wordnet_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"STORYBOT_WORDNET_DIR .* holds no WordNet"):
        Settings.from_env({"STORYBOT_WORDNET_DIR": str(tmp_path)})


def test_tests_run_without_the_callers_storybot_settings() -> None:
    # tests/conftest.py clears them, so a developer's own STORYBOT_INDEX_DIR or key never leaks in
    assert not [name for name in os.environ if name.startswith("STORYBOT_")]
