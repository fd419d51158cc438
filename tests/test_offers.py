from bot import Bot
from bot.offers import Offers

SEED = "belarus-prisoners-released"


def test_a_reader_is_offered_only_the_suggested_questions_the_bot_answers(fake_bot: Bot) -> None:
    written = [q.question for q in fake_bot.catalog().stories[SEED].questions]
    offered = fake_bot.suggested_questions(SEED)
    assert offered and set(offered) < set(written)  # the seed's Ireland-and-Belarus question is refused
    for question in written:
        assert (question in offered) == (not fake_bot.ask(question, story=SEED).refused)
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
