import pytest

from bot.llm import REFUSAL_TOKEN
from bot.prompts import PromptError, prompt_names, render, variables

SAMPLES = {
    "max_sentences": 3,
    "refusal_token": REFUSAL_TOKEN,
    "passages": [{"number": 1, "title": "T", "label": "What's happened", "text": "Belarus released 123 prisoners."}],
    "question": "Why?",
    "history": [{"role": "user", "content": "Who is Ales Bialiatski?"}],
    "title": "Belarus releases 123 political prisoners",
    "text": "Belarus has released 123 political prisoners.",
    "count": 5,
}


@pytest.mark.parametrize("name", prompt_names())
def test_every_prompt_renders(name: str) -> None:
    values = {k: SAMPLES[k] for k in variables(name)}
    text = render(name, **values)
    assert text and "{{" not in text and "{%" not in text


def test_rendering_is_strict() -> None:
    assert set(prompt_names()) == {"answer_system", "answer_user", "condense", "suggest"}
    with pytest.raises(PromptError, match="missing"):
        render("condense", question="x")
    with pytest.raises(PromptError, match=r"unknown \['typo'\]"):
        render("condense", question="x", history=[], typo=1)
    with pytest.raises(PromptError, match="no prompt file"):
        render("nope")
