from __future__ import annotations

from pathlib import Path

import pytest

from bench.data import load_articles, load_questions, load_rgb
from bot.errors import InputError


def test_loads_every_set_in_its_published_format(eval_dir: Path) -> None:
    corpus = load_articles(eval_dir)
    assert [s.id for s in corpus.stories] == ["a1", "a2", "a3"]
    assert corpus.stories[0].url == "https://news.example/a1"
    questions = load_questions(eval_dir)
    assert [q.answer_in_articles for q in questions] == [True, True, False]
    assert questions[0].article_ids == ("a1",)
    (item,) = load_rgb(eval_dir)
    assert item.answers == ("Tadej Pogacar",) and item.fake_answers == ("Egan Bernal",)
    assert len(item.negative) == 2


def test_a_missing_eval_folder_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"questions-dev\.jsonl"):
        load_questions(tmp_path)
    with pytest.raises(InputError, match=r"articles\.jsonl"):
        load_articles(tmp_path)
