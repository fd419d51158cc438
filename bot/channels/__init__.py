"""Messaging platforms: thin layers over the `Bot` that keep a conversation per chat."""
