import pytest
from pydantic import ValidationError

from bot.channels.schemas import SlackCallback, TelegramUpdate, problem


def test_text_must_be_valid_unicode_and_fields_are_not_coerced() -> None:
    with pytest.raises(ValidationError) as caught:
        SlackCallback.model_validate({"type": "event_callback", "event": {"type": "app_mention", "user": "\ud800"}})
    assert problem(caught.value) == "event.user: Value error, text is not valid Unicode (a lone surrogate)"
    with pytest.raises(ValidationError):
        TelegramUpdate.model_validate({"update_id": "1"})
    with pytest.raises(ValidationError):
        TelegramUpdate.model_validate({"update_id": 1, "message": {"chat": {"id": True}}})


def test_malformed_authorizations_are_dropped_not_fatal() -> None:
    callback = SlackCallback.model_validate(
        {
            "type": "event_callback",
            "event": {"type": "app_mention"},
            "authorizations": [{"user_id": ["U1"], "is_bot": True}, {"user_id": "U2", "is_bot": True}, 5],
        }
    )
    assert [a.user_id for a in callback.authorizations] == ["U2"]
    assert SlackCallback.model_validate({"type": "event_callback", "event": {"type": "x"}, "authorizations": 5})


def test_a_telegram_message_keeps_its_sender_under_from() -> None:
    update = TelegramUpdate.model_validate(
        {"update_id": 1, "message": {"chat": {"id": 4}, "from": {"id": 7, "is_bot": True}, "text": "hi", "x": [1]}}
    )
    assert update.message is not None and update.message.sender is not None and update.message.sender.is_bot
