"""The HTTP API (and OpenAI-compatible endpoint), served in the same process as the web page."""

from bot.api.app import create_api, serve

__all__ = ["create_api", "serve"]
