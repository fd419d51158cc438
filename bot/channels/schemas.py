"""What the platforms send, as pydantic models: a body is answered only once it has the shape a person's
message has. Fields are strict (no "7" for 7, no list for a name) and text must be valid Unicode, since
a lone surrogate parses as JSON but fails later, when it is stored or sent on. Unknown fields are
ignored: the platforms add fields over time."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError


def _unicode(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text is not valid Unicode (a lone surrogate)") from None
    return value


Text = Annotated[str, AfterValidator(_unicode)]


class _Schema(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class SlackAuthorization(_Schema):
    """Who the app acts as in a workspace: its bot user's id tells its own messages apart."""

    user_id: Text | None = None
    is_bot: bool = False


def _usable_authorizations(value: object) -> list[SlackAuthorization]:
    # Only used to tell the app's own messages apart: a malformed list must not stop a real question.
    items = value if isinstance(value, list) else []
    usable = []
    for item in items:
        try:
            usable.append(SlackAuthorization.model_validate(item))
        except ValidationError:
            continue
    return usable


class SlackEvent(_Schema):
    """An `app_mention` or `message` event; bots' messages carry `bot_id`, edits and joins a `subtype`."""

    type: Text
    user: Text | None = None
    text: Text = ""
    ts: Text | None = None
    thread_ts: Text | None = None
    channel: Text | None = None
    channel_type: Text | None = None
    bot_id: Text | None = None
    subtype: Text | None = None


class SlackCallback(_Schema):
    """An Events API `event_callback` envelope."""

    type: Literal["event_callback"]
    team_id: Text = ""
    event_id: Text = ""
    event: SlackEvent
    authorizations: Annotated[list[SlackAuthorization], BeforeValidator(_usable_authorizations)] = Field(
        default_factory=list
    )


class SlackChallenge(_Schema):
    """The `url_verification` handshake Slack sends when the events URL is set."""

    type: Literal["url_verification"]
    challenge: Text


class TelegramUser(_Schema):
    """The sender of a message."""

    id: int
    is_bot: bool = False


class TelegramChat(_Schema):
    """The chat a message was sent in (a person's private chat, a group)."""

    id: int


class TelegramMessage(_Schema):
    """A message; `text` is absent for photos, stickers and the like."""

    chat: TelegramChat
    sender: TelegramUser | None = Field(default=None, alias="from")
    text: Text | None = None


class TelegramUpdate(_Schema):
    """One webhook update; only `message` is answered (edits, channel posts and the rest are dropped)."""

    update_id: int
    message: TelegramMessage | None = None


def problem(error: ValidationError) -> str:
    """The first thing wrong with a body, naming the field ("event.user: Input should be a valid string")."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return f"{where}: {first['msg']}"
