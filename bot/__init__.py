"""Storybot: answers readers' questions about news stories, citing the passages it quotes."""

from bot.bot import Bot, build_bot
from bot.config import Settings
from bot.errors import BotError, ConfigError, CorpusError, IndexNotReadyError, InputError, ModelError, UnknownStoryError
from bot.types import Answer, Chunk, Citation, Hit

__all__ = [
    "Answer",
    "Bot",
    "BotError",
    "Chunk",
    "Citation",
    "ConfigError",
    "CorpusError",
    "Hit",
    "IndexNotReadyError",
    "InputError",
    "ModelError",
    "Settings",
    "UnknownStoryError",
    "build_bot",
]
