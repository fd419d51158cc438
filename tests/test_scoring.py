from types import SimpleNamespace
from typing import cast

import pytest

from bot.scoring import Idf, KeyTerm, coverage, covered, covers, plain_terms, weight
from bot.snapshot import Catalog


def test_an_unknown_word_weighs_the_unknown_weight() -> None:
    idf = Idf({"belarus": 2.0}, unknown=3.5)
    assert idf.weight("belarus") == 2.0
    assert idf.weight("potash") == 3.5
    assert idf.knows("belarus") and not idf.knows("potash")


def test_the_corpus_table_weighs_a_word_it_never_uses_at_half_the_rarest_weight() -> None:
    catalog = cast(Catalog, SimpleNamespace(n_chunks=3, doc_freq={"rare": 1, "common": 3}))
    idf = Idf.of(catalog)
    assert idf.weight("rare") == pytest.approx(1.3863, abs=1e-4)  # log(1 + 3/1)
    assert idf.weight("common") == pytest.approx(0.6931, abs=1e-4)  # log(1 + 3/3)
    assert idf.weight("unseen") == pytest.approx(0.5 * idf.weight("rare"))


def test_a_key_term_weighs_its_rarest_typed_word() -> None:
    idf = Idf({"us": 0.5, "american": 2.0}, unknown=9.0)
    assert weight(KeyTerm(("us", "american"), frozenset({"us", "american"}), entity=True), idf) == 2.0
    assert weight(KeyTerm(("envoy",), frozenset({"envoy"})), idf) == 9.0


def test_names_are_covered_exactly_and_words_by_family() -> None:
    name = KeyTerm(("viktar",), frozenset({"viktar"}), entity=True)
    assert not covered(name, {"viktaravich"})
    assert covers("economi", {"econom"})
    assert not covers("econ", {"economy"})  # too short for a family


def test_coverage_is_the_idf_weighted_share_of_key_terms() -> None:
    keys = plain_terms(["belarus", "potash", "belarus"])
    assert [k.typed for k in keys] == [("belarus",), ("potash",)]
    idf = Idf({"belarus": 1.0}, unknown=3.0)
    assert coverage(keys, {"potash"}, idf) == pytest.approx(0.75)
    assert coverage([], {"potash"}, idf) == 0.0
