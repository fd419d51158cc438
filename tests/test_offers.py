from pathlib import Path

from bot import Bot
from bot.editor.checks import Case, run_case
from bot.offers import Offers
from bot.suggestions import EditorQuestion, Verdict

SEED = "belarus-prisoners-released"


def test_a_reader_is_offered_only_the_suggested_questions_that_pass(fake_bot: Bot) -> None:
    written = [q.question for q in fake_bot.catalog().stories[SEED].questions]
    offered = fake_bot.suggested_questions(SEED)
    assert offered and set(offered) < set(written)  # the seed's Ireland-and-Belarus question is refused
    for question in written:
        assert (question in offered) == (not fake_bot.ask(question, story=SEED).refused)
        assert (question in offered) == run_case(fake_bot, Case(question, story=SEED)).passed  # the Editor agrees
    refusal = fake_bot.ask("What did the EU say about the release?")
    assert refusal.refused and set(refusal.suggestions) <= set(offered)


def test_each_question_is_asked_once_a_snapshot_and_its_own_refusal_cannot_recurse() -> None:
    asked: list[tuple[str, str]] = []
    snapshot = ["s1"]

    def answers(question: str, story: str) -> bool:
        asked.append((question, story))
        # the refusal of a question lists the suggestions, the question itself among them
        assert question not in offers.offered(snapshot[0], story, [question])
        return question.startswith("Why")

    offers = Offers(answers)
    questions = ["Why now?", "What next for Ireland?"]
    assert offers.offered("s1", "story", questions) == ["Why now?"]
    assert offers.offered("s1", "story", questions) == ["Why now?"]
    assert len(asked) == 2
    snapshot[0] = "s2"
    offers.offered("s2", "story", questions)  # a new snapshot may answer differently: asked again
    assert len(asked) == 4


def test_checked_verdicts_are_kept_per_snapshot_and_read_back_without_asking(tmp_path: Path) -> None:
    def never(question: str, story: str) -> bool:
        raise AssertionError("asked again")

    checked = Offers(lambda q, s: q.startswith("Why"), tmp_path)
    verdicts = checked.check("snap.1", {"story": ["Why now?", "What next?"]})
    assert verdicts == {("story", "Why now?"): True, ("story", "What next?"): False}
    later = Offers(never, tmp_path)  # another process, or a restart
    assert later.offered("snap.1", "story", ["Why now?", "What next?"]) == ["Why now?"]
    assert later.verdict("snap.1", "story", "What next?") is False and later.verdict("snap.1", "x", "y") is None
    later.prune(lambda key: key != "snap.1")
    assert not list(tmp_path.glob("*.json"))


def test_editors_questions_take_their_place_among_the_offers() -> None:
    offers = Offers(lambda q, s: q != "Refused?")

    def edit(question: str, passed: bool, replaces: str | None = None) -> EditorQuestion:
        return EditorQuestion("story", question, Verdict(passed), replaces)

    own = ["First?", "Refused?", "Reworded?", "Reworded badly?"]
    edits = [edit("Added?", True), edit("Better?", True, "Reworded?"), edit("Worse?", False, "Reworded badly?")]
    edits.append(edit("Failed?", False))
    assert offers.with_editors("snap", "story", own, edits) == ["First?", "Better?", "Added?"]


def test_publishing_one_story_checks_only_its_own_questions_again(fake_bot: Bot) -> None:
    other = fake_bot.settings.corpus_dir / "stories" / "zoo.md"
    text = (
        "---\nid: zoo-escape\ntitle: Zebra escapes\n---\n\n## What's happened\n\n"
        "A zebra escaped from the city zoo on {day}.\n\n"
        "## Common questions\n\n### Where did the zebra go?\n\nA teaser.\n"
    )
    other.write_text(text.format(day="Friday"), encoding="utf-8")
    fake_bot.index_corpus()
    asked: list[str] = []
    checking = fake_bot.offers.passes

    def counted(question: str, story: str) -> bool:
        asked.append(story)
        return checking(question, story)

    fake_bot.offers.passes = counted
    other.write_text(text.format(day="Saturday"), encoding="utf-8")
    fake_bot.index_corpus()
    assert asked == ["zoo-escape"]  # the seed story is unchanged: its verdicts carried over
    assert fake_bot.suggested_questions(SEED)  # and still offered


def test_checking_at_indexing_leaves_a_question_another_request_is_checking_to_it() -> None:
    # Found by the live bench: a reader's refusal, checking a suggestion while the index checked them all,
    # made the index's check fail with a KeyError on that question.
    def answers(question: str, story: str) -> bool:
        if question == "Why now?":
            assert offers.check("s1", {"story": ["Why now?", "What next?"]}) == {("story", "What next?"): True}
        return True

    offers = Offers(answers)
    assert offers.offered("s1", "story", ["Why now?"]) == ["Why now?"]
    assert offers.check("s1", {"story": ["Why now?", "What next?"]}) == {
        ("story", "Why now?"): True,
        ("story", "What next?"): True,
    }


def test_a_check_survives_another_snapshot_swapping_the_table() -> None:
    def answers(question: str, story: str) -> bool:
        offers.verdict("other", story, question)  # a request on another snapshot meanwhile
        return True

    offers = Offers(answers)
    assert offers.check("s1", {"story": ["Why now?", "What next?"]}) == {
        ("story", "Why now?"): True,
        ("story", "What next?"): True,
    }
