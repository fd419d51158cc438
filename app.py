"""Serve the reader's page and the HTTP API: build settings and bot, then serve both in one process."""

from bot import Settings, build_bot
from bot.api import serve

if __name__ == "__main__":
    settings = Settings.from_env()
    serve(build_bot(settings), settings)
