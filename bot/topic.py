"""The hits a question gets in its conversation and in time: the story a conversation is about comes
first, and an event a question names ("before the Dubai summit") is dated by the story about it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import zip_longest

from bot.aliases import PlaceAliases
from bot.conversation import Message
from bot.retrieve import Query, Retriever, make_query
from bot.types import Hit
from bot.when import Window


class Topics:
    """Searches for a question within its conversation and its window of time."""

    def __init__(self, retriever: Retriever, places: PlaceAliases) -> None:
        self.retriever = retriever
        self.places = places

    def event_day(self, event: str, when: Window) -> date | None:
        """The day the best-matching dated story about `event` ("the Dubai summit") was published (searched
        without preferring newer stories: "since the 2020 election" is not the latest election)."""
        query = make_query(event, self.retriever.index.snapshot().catalog, self.places)
        hits = self.retriever.search(query, when=replace(when, explicit=True))
        day = next((h.chunk.published for h in hits if h.chunk.published), None)
        return date.fromisoformat(day[:10]) if day else None

    def search(self, query: Query, story: str | None, messages: list[Message], when: Window) -> list[Hit]:
        """The hits for `query`; in a conversation, the story it has been about comes first.

        After "Who is Ales Bialiatski?", "Who was the US envoy?" means the envoy of his story, not the
        likeliest envoy anywhere. The best hits of the whole index stay in, interleaved, so a reader
        who changes the subject is still answered.
        """
        hits = self.retriever.search(query, story, when=when)
        topic = None if story else self.conversation_story(query, messages, when)
        if topic is None:
            return hits
        scoped = self.retriever.search(query, topic, when=when)
        merged: dict[str, Hit] = {}
        for pair in zip_longest(scoped, hits):
            for hit in pair:
                if hit is not None:
                    merged.setdefault(hit.chunk.id, hit)
        return list(merged.values())[: self.retriever.top_k]

    def conversation_story(self, query: Query, messages: list[Message], when: Window | None = None) -> str | None:
        """The one story the conversation's last question was about, unless this question names
        people of other stories only. None outside a conversation or when it is unclear."""
        asked = [m["content"] for m in messages if m["role"] == "user"]
        if not asked:
            return None
        catalog = self.retriever.index.snapshot().catalog
        previous = make_query(asked[-1], catalog, self.places)
        stories = {s for bio in previous.entities for s in bio.stories}
        if not previous.entities:
            top = self.retriever.search(previous, when=when)[:3]
            stories = {h.chunk.doc_id if h.chunk.kind == "story" else "" for h in top} - {""}
        own = {s for bio in query.entities for s in bio.stories}
        if len(stories) != 1 or (own and not own & stories):
            return None
        (story,) = stories
        return story if story in catalog.stories else None
