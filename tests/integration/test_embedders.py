"""The optional embedding models load from their PyPI packages, checked, and rank the right passage first."""

from __future__ import annotations

import numpy as np
import pytest

from bot.embeddings import build_embeddings

pytestmark = pytest.mark.integration

PASSAGES = [
    "Belarus has released 123 political prisoners, including Maria Kalesnikava.",
    "The bakery in Lyon won the national bread prize for its baguette.",
]


@pytest.mark.parametrize(("name", "size"), [("use", 512), ("minilm-int8", 384)])
def test_optional_embedders_rank_the_relevant_passage_first(name: str, size: int) -> None:
    model = build_embeddings(name)
    docs = np.array(model.embed_documents(PASSAGES))
    query = np.array(model.embed_query("Which prisoners did Belarus free?"))
    assert docs.shape == (2, size)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-3)
    assert int(np.argmax(docs @ query)) == 0
