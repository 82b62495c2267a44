"""Component parameters are checked against the factories' typed signatures before any work starts,
errors name the file, line, key and allowed values, and the resolved config holds every parameter."""

from __future__ import annotations

import re

import pytest
import yaml

import newsclf.pipeline.components  # noqa: F401
from newsclf.errors import ConfigError
from newsclf.pipeline import train as train_module
from newsclf.pipeline.config import load_config
from newsclf.pipeline.registry import estimators, featurizers
from newsclf.pipeline.train import train
from support import REPO


def _readme_example() -> str:
    """The experiment config shown in the README's Experiments section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Experiments"):]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def no_data(monkeypatch):
    """Fail the test if training gets as far as loading data."""
    def refuse(*args, **kwargs):
        pytest.fail("data was loaded before the config was refused")

    monkeypatch.setattr(train_module, "load_dataset", refuse)


# (dotted key in the README example, wrong value, words the error must hold)
WRONG = [
    ("task", "sentiment", ["task", "'boilerplate', 'stance' or 'attribution'"]),
    ("seed", "abc", ["seed", "integer"]),
    ("features.0.name", "word_tfidff", ["features.0.name", "registered:", "word_tfidf"]),
    ("features.0.params.ngram_range", [2, 1], ["features.0.params.ngram_range", "min_n 2 is larger than max_n 1"]),
    ("features.0.params.ngram_range", [0, 2], ["features.0.params.ngram_range.0", "greater than or equal to 1"]),
    ("features.0.params.ngram_range", "1-2", ["features.0.params.ngram_range", "tuple"]),
    ("features.0.params.ngrams", 2, ["features.0.params.ngrams", "unknown parameter", "ngram_range, min_df"]),
    ("features.1.params", {"min_df": 0}, ["features.1.params.min_df", "greater than or equal to 1"]),
    ("model.name", "logregg", ["model.name", "registered:", "logreg"]),
    ("model.params.C", -1, ["model.params.C", "greater than 0"]),
    ("model.params.C", "high", ["model.params.C", "valid number"]),
    ("model.params.class_weight", "heavy", ["model.params.class_weight", "'balanced'"]),
    ("model.params.Cx", 1, ["model.params.Cx", "unknown parameter", "C, class_weight, solver"]),
    ("search.method", "exhaustive", ["search.method", "'none', 'grid', 'random' or 'halving'"]),
    ("search.cv", 1, ["search.cv", "greater than or equal to 2"]),
    ("search.scoring", "f1_macros", ["search.scoring", "unknown scoring"]),
    ("search.params.model__C", [0.1, -1], ["search.params.model__C", "candidate -1", "greater than 0"]),
    ("search.params.model__CC", [1], ["search.params.model__CC", "unknown search parameter"]),
    ("search.backend", "spark", ["search.backend", "'loky' or 'dask'"]),
]


def _set(data: dict, dotted: str, value) -> dict:
    node = data
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


@pytest.mark.parametrize(("key", "value", "words"), WRONG, ids=[f"{k}={v}" for k, v, _ in WRONG])
def test_params_readme_example_wrong_values_refused_before_work(tmp_path, no_data, key, value, words):
    example = yaml.safe_load(_readme_example())
    load_config_ok = tmp_path / "ok.yaml"
    load_config_ok.write_text(yaml.safe_dump(example), encoding="utf-8")
    load_config(load_config_ok)  # the example itself is valid
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_set(example, key, value), sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        train(path)
    message = str(info.value)
    assert str(path) in message and ", line " in message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


@pytest.mark.parametrize(("features", "override", "words"), [
    ("[{name: block_stats, params: {window: -3}}]", (), ["features.0.params.window", "greater than or equal to 0"]),
    ("[{name: word_tfidf, params: {ngram_range: [2, 1]}}]", (), ["ngram_range", "min_n 2 is larger"]),
    ("[{name: word_tfidf}]", ("model.Cx=1",), ["model.params.Cx", "unknown parameter", "allowed parameters: C"]),
    ("[{name: word_tfidf}]", ("model.C=0",), ["model.params.C", "greater than 0"]),
    ("[{name: word_tfidf, params: {analyzer: words}}]", (), ["analyzer", "'word', 'char' or 'char_wb'"]),
])
def test_params_issue_examples_refused_before_data_loads(tmp_path, no_data, features, override, words):
    path = tmp_path / "exp.yaml"
    path.write_text(f"task: boilerplate\ndataset: nowhere\nfeatures: {features}\nmodel: {{name: logreg}}\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        train(path, override)
    for word in words:
        assert word in str(info.value)


def test_params_nested_estimator_params_checked(tmp_path, no_data):
    path = tmp_path / "exp.yaml"
    path.write_text("task: stance\ndataset: nowhere\nfeatures: [{name: stance_tfidf}, {name: stance_relation}]\n"
                    "model: {name: relation_gate, params: {base: blend, base_params: {members: "
                    "[{name: logreg, params: {C: -4}}]}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"model\.params.*base_params\.members\.0.*params\.C.*greater than 0"):
        train(path)


@pytest.mark.parametrize("registry", [featurizers, estimators], ids=["featurizers", "estimators"])
def test_params_every_factory_is_typed_and_its_defaults_resolve(registry):
    for name in registry.names():
        model = registry.params_model(name)
        if name == "blend":
            continue  # needs members
        resolved = registry.resolve(name, {})
        assert set(resolved) == set(model.model_fields), name


def test_params_untyped_factory_cannot_register():
    from newsclf.pipeline.registry import Registry

    reg = Registry("featurizer")
    with pytest.raises(TypeError, match="named keyword parameters"):
        reg.register("loose")(lambda **params: None)
    with pytest.raises(TypeError, match="type hint and a default"):
        reg.register("untyped")(lambda window=2: None)


def test_params_shipped_configs_validate():
    for path in sorted((REPO / "configs").glob("*/*.yaml")):
        if path.parent.name in ("data",):
            continue
        load_config(path)


def test_params_resolved_config_lists_every_effective_parameter(base_run):
    cfg = yaml.safe_load((base_run / "config.yaml").read_text(encoding="utf-8"))
    feat = cfg["features"][0]["params"]
    assert feat["ngram_range"] == [1, 2]  # set in the config
    assert feat["min_df"] == 1 and feat["norm"] == "l2" and feat["sublinear_tf"] is False  # defaults
    model = cfg["model"]["params"]
    assert set(model) == set(estimators.params_model("logreg").model_fields)
    assert model["random_state"] == cfg["seed"] == 13 and model["max_iter"] == 1000
