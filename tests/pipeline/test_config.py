from __future__ import annotations

import pytest

from newsclf.errors import ConfigError
from newsclf.pipeline.config import apply_overrides, load_config, validate_config


def test_config_valid_roundtrip(write_config):
    cfg = load_config(write_config())
    assert cfg.task == "boilerplate" and cfg.model.params["C"] == 1.0
    assert validate_config(cfg.resolved()).resolved() == cfg.resolved()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("task: boilerplate\ndataset: syn\nfeatures: [{name: word_tfidf}]\nmodel: {name: logreg}\nmodle: 1\n",
         ["line 5", "modle", "unknown key", "allowed keys here: task, dataset"]),
        ("task: boilerplate\ndataset: syn\nfeatures: [{name: word_tfidf}]\nmodel: {name: logreg, parms: {}}\n",
         ["model.parms", "unknown key", "name, params"]),
        ("task: sentiment\ndataset: syn\nfeatures: [{name: word_tfidf}]\nmodel: {name: logreg}\n",
         ["line 1", "task", "'boilerplate', 'stance' or 'attribution'"]),
        ("task: boilerplate\ndataset: syn\nfeatures: [{name: bag_of_words}]\nmodel: {name: logreg}\n",
         ["features.0.name", "unknown featurizer 'bag_of_words'", "word_tfidf", "char_tfidf", "hashing"]),
        ("task: boilerplate\ndataset: syn\nfeatures: [{name: word_tfidf}]\nmodel: {name: xgboost}\n",
         ["model.name", "unknown model 'xgboost'", "logreg", "linear_svm", "complement_nb"]),
        ("task: boilerplate\ndataset: syn\nfeatures: [{name: word_tfidf}]\nmodel: {name: logreg, params: {C: -1}}\n",
         ["model.params.C", "greater than 0", "-1"]),
        ("task: boilerplate\ndataset: syn\nfeatures: [{name: word_tfidf, params: {ngrams: 2}}]\nmodel: {name: logreg}\n",
         ["features.0.params", "word_tfidf", "ngrams"]),
        ("task: boilerplate\ndataset: syn\nfeatures: [{name: word_tfidf}]\nmodel: {name: logreg}\n"
         "search: {method: grid, params: {model__CC: [1, 2]}}\n",
         ["search.params.model__CC", "unknown search parameter", "model__C"]),
        ("task: boilerplate\ndataset: syn\nfeatures: [{name: word_tfidf}]\nmodel: {name: logreg}\n"
         "search: {method: exhaustive}\n", ["search.method", "'none', 'grid', 'random' or 'halving'"]),
        ("task: boilerplate\ndataset: syn\nfeatures: [{name: word_tfidf}]\nmodel: {name: logreg}\n"
         "search: {method: grid, params: {model__C: 1}}\n", ["search.params.model__C", "non-empty list"]),
        ("task: boilerplate\nfeatures: [{name: word_tfidf}]\nmodel: {name: logreg}\n", ["dataset", "data_config"]),
        ("task: boilerplate\ndataset: [unclosed\n", ["not valid YAML"]),
    ],
)
def test_config_errors_name_file_key_and_allowed_values(write_config, text, expected):
    path = write_config("bad", text=text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_config_missing_file_says_where(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    "override, path, value",
    [
        ("model.C=0.5", ("model", "params", "C"), 0.5),
        ("model.params.class_weight=null", ("model", "params", "class_weight"), None),
        ("model.max_iter=50", ("model", "params", "max_iter"), 50),
        ("seed=7", ("seed",), 7),
        ("search.params.model__C=[0.1, 1]", ("search", "params", "model__C"), [0.1, 1]),
    ],
)
def test_config_overrides_parse_yaml_scalars(write_config, override, path, value):
    cfg = load_config(write_config(), [override]).resolved()
    node = cfg
    for key in path:
        node = node[key]
    assert node == value


def test_config_overrides_feature_by_name_and_index():
    data = {"features": [{"name": "word_tfidf", "params": {}}, {"name": "char_tfidf"}]}
    out = apply_overrides(data, ["features.word_tfidf.min_df=2", "features.1.params.ngram_range=[2, 3]"])
    assert out["features"][0]["params"] == {"min_df": 2}
    assert out["features"][1]["params"] == {"ngram_range": [2, 3]}
    assert data["features"][0]["params"] == {}  # input untouched


@pytest.mark.parametrize("override, match", [("model.C", "KEY=VALUE"), ("features.nope.x=1", "no list entry")])
def test_config_bad_overrides_are_config_errors(write_config, override, match):
    with pytest.raises(ConfigError, match=match):
        load_config(write_config(), [override])


def test_config_override_unknown_key_rejected(write_config):
    with pytest.raises(ConfigError, match="with --set") as info:
        load_config(write_config(), ["model.params.gamma=3"])
    assert "gamma" in str(info.value)
