from __future__ import annotations

import pandas as pd
import pytest
from sklearn.base import clone

from newsclf.pipeline.features.text import TextTfidf, select_text, target_marked_text
from newsclf.pipeline.registry import featurizers


def _frame():
    return pd.DataFrame({"text": ["We will fight", "Peace is here", None], "target": ["taliban", "nrf", "Ahmad Massoud"],
                         "speaker": ["a", "b", "c"]})


@pytest.mark.parametrize("column, expected", [("text", ["We will fight", "Peace is here", ""]),
                                              (["speaker", "text"], ["a We will fight", "b Peace is here", "c "])])
def test_text_select_columns(column, expected):
    assert select_text(_frame(), column) == expected


def test_text_select_missing_column_names_present_ones():
    with pytest.raises(ValueError, match="present"):
        select_text(_frame(), "headline")


def test_text_target_marking():
    assert target_marked_text(["We fight"], ["Ahmad Massoud"]) == ["We fight ahmad_massoud_we ahmad_massoud_fight"]


@pytest.mark.parametrize("name", ["word_tfidf", "char_tfidf", "hashing", "target_word_tfidf"])
def test_text_featurizers_follow_the_contract(name):
    feat = featurizers.create(name)
    X = _frame()
    out = clone(feat).fit(X).transform(X)
    assert out.shape[0] == 3
    assert len(feat.fit(X).get_feature_names_out()) == out.shape[1]


def test_text_tfidf_tiny_split_does_not_crash():
    feat = TextTfidf(min_df=5)
    assert feat.fit_transform(_frame()).shape[0] == 3
