"""The one YAML loader: every hostile config ends in a one-line ConfigError naming file and key,
fast and in bounded memory, through the real loaders of each config kind."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from newsclf.data.actors import load_actors
from newsclf.data.config import load_data_config
from newsclf.errors import ConfigError
from newsclf.pipeline.config import load_config
from newsclf.safeyaml import MAX_NODES, parse_yaml, shown

EXPERIMENT = "task: stance\ndataset: seed\nfeatures: [{name: word_tfidf}]\nmodel: {name: logreg}\n"


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The 'billion laughs' document: ``width ** levels`` strings from a few hundred bytes."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + f"\ndescription: *l{levels - 1}\n"


def _error(load, path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load(path)
    return str(info.value)


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        (b"name: x\nsources: !!python/object/apply:os.system [echo]\n", [":2:", "python/object", "not allowed"]),
        (b"name: \xff\xfe\n", [":1:", "not UTF-8"]),
        (b"- a\n- b\n", ["expected a mapping", "list"]),
        (b"root:x:0:0:root:/root:/bin/bash\n", ["expected a mapping", "single text value"]),
        (b"name: a\nname: b\nsources: []\n", [":2:", "'name' is given twice", "line 1"]),
        (b"name: a\nseed: .nan\n", [":2:", "not a finite number"]),
        (b"name: a\nx: &a [*a]\n", ["recursive"]),
        (b"name: [1,\n", ["not valid YAML"]),
    ],
)
def test_safeyaml_data_config_hostile_files(tmp_path, body, needles):
    path = tmp_path / "data.yaml"
    path.write_bytes(body)
    msg = _error(load_data_config, path)
    assert str(path) in msg and "\n" not in msg
    for needle in needles:
        assert needle in msg, msg


def test_safeyaml_alias_bomb_is_refused_fast_in_bounded_memory(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(EXPERIMENT + alias_bomb(), encoding="utf-8")
    assert path.stat().st_size < 600
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    msg = _error(load_config, path)
    assert time.perf_counter() - t < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KB
    assert f"{path}:" in msg and "alias" in msg and f"{MAX_NODES:,}" in msg and len(msg) < 300


def test_safeyaml_aliases_within_the_limit_still_work():
    data = parse_yaml("base: &b {C: 1.0}\nmodel: {<<: *b, name: logreg}\nxs: [*b, *b]\n")
    assert data["model"] == {"C": 1.0, "name": "logreg"} and data["xs"] == [{"C": 1.0}] * 2


def test_safeyaml_experiment_config_names_file_and_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- a\n", encoding="utf-8")
    for target in ("passwd", "list.yaml"):
        exp = tmp_path / f"exp-{target}.yaml"
        exp.write_text(EXPERIMENT.replace("dataset: seed", f"data_config: {target}"), encoding="utf-8")
        msg = _error(load_config, exp)
        assert msg.startswith(f"{exp}, line 2: data_config: {target}: expected a mapping"), msg
    exp = tmp_path / "escape.yaml"
    exp.write_text(EXPERIMENT.replace("seed", "../../../etc"), encoding="utf-8")
    msg = _error(load_config, exp)
    assert "line 2: dataset:" in msg and "folder" in msg
    dup = tmp_path / "dup.yaml"
    dup.write_text("task: stance\n" + EXPERIMENT, encoding="utf-8")
    assert "'task' is given twice" in _error(load_config, dup)


@pytest.mark.parametrize("value", ["1e999", ".inf", "-.inf", ".nan", "1.0e+999", "-1e999"])
def test_safeyaml_set_refuses_non_finite_numbers(value):
    with pytest.raises(ConfigError, match="not a finite number"):
        load_config("newsclf:configs/quickstart/stance-logreg.yaml", [f"features.word_tfidf.min_df={value}"])


def test_safeyaml_non_finite_string_in_a_file_is_refused_by_the_factory_signature(tmp_path):
    exp = tmp_path / "inf.yaml"
    exp.write_text(EXPERIMENT.replace("{name: logreg}", "{name: logreg, params: {C: '1e999'}}"), encoding="utf-8")
    assert "finite" in _error(load_config, exp)


def test_safeyaml_actors_file_refuses_tags_and_duplicates(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("actors: {}\nactors: {}\n", encoding="utf-8")
    assert "given twice" in _error(load_actors, path)
    path.write_text("actors: !!python/name:os.system\n", encoding="utf-8")
    assert "not allowed" in _error(load_actors, path)


def test_safeyaml_messages_never_render_unbounded_input(tmp_path):
    huge = list(range(100_000))
    assert len(shown(huge)) <= 120 and len(shown("x" * 10**6)) <= 120
    nested: list = []
    for _ in range(10_000):
        nested = [nested]
    assert len(shown(nested)) <= 120
    exp = tmp_path / "long.yaml"
    exp.write_text(EXPERIMENT.replace("{name: logreg}", "{name: logreg, params: {C: '" + "9" * 100_000 + "x'}}"),
                   encoding="utf-8")
    assert len(_error(load_config, exp)) < 1000
