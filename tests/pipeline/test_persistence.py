"""Model files that cannot run code: trusted types on save and load, crafted files refused by every
command that loads a model (evaluate, predict, promote; ``serve`` in tests/serving/test_model_safety.py),
old pickle runs refused unopened and converted only on request."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from typer.testing import CliRunner

from newsclf.cli import app
from newsclf.errors import LegacyModelError, NewsclfError, UnsafeModelError
from newsclf.pipeline.persistence import dumps_model, load_model, loads_model, model_types
from newsclf.pipeline.runs import convert_run, load_run
from newsclf.pipeline.trusted import TRUSTED_TYPES
from payload import Marker, PickleMarker, craft_run, rehash_run

runner = CliRunner()


@pytest.mark.parametrize("kind", ["skops", "joblib"])
def test_persistence_payloads_are_live(tmp_path, kind):
    """Control: the payloads do run code when loaded without newsclf's checks."""
    marker = tmp_path / "ran"
    if kind == "skops":
        sio.loads(sio.dumps(Marker(marker)), trusted=["payload.Marker"])
    else:
        pickle.loads(pickle.dumps(PickleMarker(marker)))  # noqa: S301 - the point of the control
    assert marker.read_text() == "payload ran"


def test_persistence_round_trip_keeps_predictions(base_run):
    run = load_run(base_run)
    data = dumps_model(run.model)
    again = loads_model(data)
    X = ["Sign up to receive our latest news!", "The valley was quiet on Monday."]
    import pandas as pd

    frame = pd.DataFrame({"text": X})
    np.testing.assert_allclose(run.model.predict_proba(frame), again.predict_proba(frame))
    assert model_types(data) <= TRUSTED_TYPES


def test_persistence_load_names_the_untrusted_type(tmp_path):
    path = tmp_path / "model.skops"
    path.write_bytes(sio.dumps(Marker(tmp_path / "ran")))
    with pytest.raises(UnsafeModelError, match=r"payload\.Marker"):
        load_model(path)
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize("func", [os.getcwd, shutil.rmtree], ids=["builtin", "python"])
def test_persistence_refuses_functions(tmp_path, func):
    path = tmp_path / "model.skops"
    path.write_bytes(sio.dumps({"f": func}))
    with pytest.raises(UnsafeModelError, match=func.__name__):
        load_model(path)


def test_persistence_save_refuses_a_component_that_would_not_load():
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    with pytest.raises(UnsafeModelError, match="FunctionTransformer|FunctionNode"):
        dumps_model(Pipeline([("f", FunctionTransformer(np.log1p))]))


def test_persistence_not_a_skops_file(tmp_path):
    path = tmp_path / "model.skops"
    path.write_bytes(b"not a zip")
    with pytest.raises(UnsafeModelError, match="not a skops model file"):
        load_model(path)


@pytest.mark.parametrize("kind", ["skops", "joblib"])
@pytest.mark.parametrize("command", ["evaluate", "predict", "promote"])
def test_persistence_crafted_model_refused_by_commands(run_copy, tmp_path, monkeypatch, kind, command):
    marker = tmp_path / "marker"
    run = craft_run(run_copy, kind, marker)
    monkeypatch.setenv("BENTOML_HOME", str(tmp_path / "bentoml"))
    args = {"evaluate": ["evaluate", str(run)], "predict": ["predict", str(run), "some text"],
            "promote": ["promote", str(run)]}[command]
    res = runner.invoke(app, args)
    assert res.exit_code == 1, res.output
    expected = "does not trust" if kind == "skops" else "saved as a pickle"
    assert expected in res.stderr
    assert not marker.exists()
    assert not list((tmp_path / "bentoml").rglob("model.*"))


def _legacy_run(run_copy: Path) -> Path:
    """Turn a run into what newsclf 0.1 wrote: model.joblib (a real fitted pipeline, pickled)."""
    import joblib

    model = load_model(run_copy / "model.skops")
    (run_copy / "model.skops").unlink()
    joblib.dump(model, run_copy / "model.joblib")
    rehash_run(run_copy)
    return run_copy


def test_persistence_legacy_run_refused_with_what_to_do(run_copy, monkeypatch):
    run = _legacy_run(run_copy)
    import joblib

    monkeypatch.setattr(joblib, "load", lambda *a, **k: pytest.fail("joblib.load called"))
    with pytest.raises(LegacyModelError, match="newsclf train .*config.yaml.*runs convert .* --trust-pickle"):
        load_run(run)


def test_persistence_convert_needs_trust_and_keeps_predictions(run_copy):
    import pandas as pd

    frame = pd.DataFrame({"text": ["Read more", "Fighting went on in the valley."]})
    expected = load_run(run_copy).model.predict_proba(frame)
    run = _legacy_run(run_copy)
    res = runner.invoke(app, ["runs", "convert", str(run)])
    assert res.exit_code == 1 and "--trust-pickle" in res.stderr
    assert (run / "model.joblib").exists()
    res = runner.invoke(app, ["runs", "convert", str(run), "--trust-pickle"])
    assert res.exit_code == 0, res.output
    assert not (run / "model.joblib").exists()
    loaded = load_run(run)
    np.testing.assert_allclose(loaded.model.predict_proba(frame), expected)
    assert loaded.manifest["converted"]["from"] == "model.joblib"
    with pytest.raises(NewsclfError, match="nothing to convert"):
        convert_run(run, trust_pickle=True)


def test_persistence_convert_refuses_a_tampered_pickle(run_copy, tmp_path):
    marker = tmp_path / "marker"
    run = _legacy_run(run_copy)
    (run / "model.joblib").write_bytes(pickle.dumps(PickleMarker(marker)))  # manifest not updated
    res = runner.invoke(app, ["runs", "convert", str(run), "--trust-pickle"])
    assert res.exit_code == 1 and "does not match" in res.stderr
    assert not marker.exists()
