"""The reader model file: the shipped one loads, a model for other features is refused, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.errors import ModelError
from bot.reader_model import FEATURES, ReaderModel


def test_the_shipped_model_loads_with_its_provenance() -> None:
    model = ReaderModel.load()
    assert model.features == FEATURES and 0.0 < model.threshold < 1.0
    training = model.provenance["training_files"]
    assert "bench/readers/train.yaml" in training and "bench/readers/test.yaml" not in training
    assert not any("shared" in path for path in [*training, *model.provenance["corpus"]])


def test_a_model_for_other_features_is_refused(tmp_path: Path) -> None:
    data = ReaderModel.untrained().to_json()
    data["features"] = ["dense"]
    path = tmp_path / "reader.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="other features"):
        ReaderModel.load(path)
    path.write_text("{}")
    with pytest.raises(ModelError, match="malformed"):
        ReaderModel.load(path)


def test_model_round_trips_through_its_file_form() -> None:
    model = ReaderModel.load()
    again = ReaderModel.from_json(json.loads(json.dumps(model.to_json())), "memory")
    x = np.random.default_rng(0).random((4, len(FEATURES)))
    assert np.allclose(model.probability(x), again.probability(x))
