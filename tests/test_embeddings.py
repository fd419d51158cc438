from pathlib import Path

import pytest

from bot import ModelError, Settings, build_bot
from bot.embeddings import HashingEmbeddings, build_embeddings, verify_sha256


def test_model_files_are_checked_against_their_published_sha256(tmp_path: Path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"not the published weights")
    with pytest.raises(ModelError, match="refusing to load it"):
        verify_sha256(fake, "0" * 64)
    with pytest.raises(ModelError, match="model file not found"):
        verify_sha256(tmp_path / "missing.gguf", "0" * 64)


def test_llamacpp_answerer_refuses_a_tampered_gguf(tmp_path: Path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"tampered")
    settings = Settings(answerer="llamacpp", gguf_path=fake, embedding_model="fake", index_dir=tmp_path / "i")
    with pytest.raises(ModelError, match="expected the published 1d9614638d18"):
        build_bot(settings)


def test_unknown_embedding_model_is_named() -> None:
    with pytest.raises(ModelError, match="unknown embedding model 'nope'"):
        build_embeddings("nope")


def test_hashing_fake_is_deterministic_and_lexical() -> None:
    fake = HashingEmbeddings()
    a, b, c = fake.embed_documents(["Belarus released prisoners", "prisoners released in Belarus", "football final"])
    assert a == fake.embed_query("Belarus released prisoners")
    dot = lambda x, y: sum(p * q for p, q in zip(x, y, strict=True))  # noqa: E731
    assert dot(a, b) > 0.99 > dot(a, c)
