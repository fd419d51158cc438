"""Serve the reader's chat page: build settings and bot, create the app, launch."""

from bot import Settings, build_bot
from bot.ui import launch

if __name__ == "__main__":
    settings = Settings.from_env()
    launch(build_bot(settings), settings)
