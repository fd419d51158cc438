"""Serve the reader's chat page: build settings and bot, create the app, launch."""

import os

from bot import Settings, build_bot
from bot.ui import create_app

if __name__ == "__main__":
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    bot = build_bot(Settings.from_env())
    port = int(os.environ.get("STORYBOT_PORT", "7860"))
    create_app(bot).launch(server_name="127.0.0.1", server_port=port)
