"""The web UI: a Gradio page over a `Bot`."""

from bot.ui.app import create_app

__all__ = ["create_app"]
