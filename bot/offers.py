"""Which suggested questions a reader is offered: only those the bot answers from the live index."""

from __future__ import annotations

from collections.abc import Callable, Sequence


class Offers:
    """Whether each story's suggested question is answered, asked once per snapshot and then remembered.

    A newsroom's "Common questions" are written before the story is indexed, and some are ones the
    bot refuses ("What Do Recent Political Changes in Ireland and Belarus Mean…"): offered as a button
    or in a refusal, they would lead a reader straight to another refusal.
    """

    def __init__(self, answers: Callable[[str, str], bool]) -> None:
        """`answers(question, story)` says whether the bot answers the question within the story."""
        self._answers = answers
        self._snapshot: str | None = None
        self._known: dict[tuple[str, str], bool] = {}

    def offered(self, snapshot: str, story: str, questions: Sequence[str]) -> list[str]:
        """The questions of `story` that are answered on `snapshot`, in their order."""
        if snapshot != self._snapshot:
            self._known, self._snapshot = {}, snapshot  # a new snapshot may answer differently
        known = self._known  # this snapshot's table, even if another request swaps in the next one
        chosen = []
        for question in questions:
            key = (story, question)
            if key not in known:
                # Not offered while it is asked: its own refusal, which lists suggestions, must not
                # offer it, nor ask it again.
                known[key] = False
                known[key] = self._answers(question, story)
            if known[key]:
                chosen.append(question)
        return chosen
