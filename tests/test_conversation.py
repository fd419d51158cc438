import pytest

from bot import Bot, InputError
from bot.channels.store import ConversationStore
from bot.conversation import HISTORY_KEPT, HISTORY_PROMPTED, HISTORY_READ, RuleCondenser, validate_history


def _turns(*questions: str) -> list[dict[str, str]]:
    out = []
    for q in questions:
        out += [{"role": "user", "content": q}, {"role": "assistant", "content": "an answer"}]
    return out


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        ((), "When was he born?", "When was he born?"),
        (("Who is Ales Bialiatski?",), "When was he born?", "When was Ales Bialiatski born?"),
        (("Who is Kolesnikova?",), "What is her role?", "What is Maria Kalesnikava's role?"),
        (("Who is Kolesnikova?",), "Who freed her?", "Who freed Maria Kalesnikava?"),
        (("Why was Kolesnikova released?",), "What about Bialiatski?", "Why was Bialiatski released?"),
        (("Who is Ales Bialiatski?", "When was he born?"), "Where does he work?", "Where does Ales Bialiatski work?"),
        (
            ("Why did Belarus release prisoners?",),
            "Who negotiated it?",
            "Who negotiated it? (belarus release prisoners)",
        ),
        (("Who is Ales Bialiatski?",), "Who is Lukashenko?", "Who is Lukashenko?"),
        (
            ("Why did Belarus release prisoners?",),
            "Why did this happen now?",
            "Why did this happen now? (belarus release prisoners)",
        ),
        (("Why did Belarus release prisoners?",), "whats potash", "Whats potash"),
        (("Why did Belarus release prisoners?",), "What is it?", "What is it? (belarus release prisoners)"),
        (
            ("Why did Belarus release prisoners?",),
            "what was the name of the ship that hit the bridge",
            "What was the name of the ship that hit the bridge",
        ),
        (("Who is Ales Bialiatski?",), "And when was he born?", "When was Ales Bialiatski born?"),
        (("Who is Ales Bialiatski?",), "and what about his wife?", "What about Ales Bialiatski's wife?"),
        (("Who is Kolesnikova?",), "Did police arrest her in 2020?", "Did police arrest Maria Kalesnikava in 2020?"),
        (
            ("Why was Ales Bialiatski released?",),
            "What about the sanctions?",
            "What about the sanctions? (ales bialiatski released)",
        ),
    ],
)
def test_follow_ups_become_standalone(fake_bot: Bot, history: tuple[str, ...], question: str, expected: str) -> None:
    bios = fake_bot.catalog().bios
    assert RuleCondenser().condense(question, _turns(*history), bios) == expected


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ("not a list", "history must be a list"),
        ([{"role": "user"}], "history message 0 must be an object with a text 'content'"),
        ([{"role": "robot", "content": "x"}], "history message 0 has role 'robot'"),
    ],
)
def test_bad_history_is_named(history: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        validate_history(history)  # type: ignore[arg-type]


def test_a_question_reads_its_last_messages_and_a_chat_keeps_fewer() -> None:
    history = [{"role": "user", "content": f"q{i}"} for i in range(HISTORY_READ + 5)]
    kept = validate_history(history)
    assert len(kept) == HISTORY_READ and kept[-1]["content"] == f"q{HISTORY_READ + 4}"
    # what a chat stores is read whole, and the LLM condenser sees only its latest part
    assert HISTORY_PROMPTED < HISTORY_KEPT <= HISTORY_READ
    assert ConversationStore("sqlite://").max_messages == HISTORY_KEPT
