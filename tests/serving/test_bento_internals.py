"""Every private BentoML API newsclf uses still exists in the installed BentoML (this fails loudly
after an upgrade that moves one), and the switch turns them all off."""

from __future__ import annotations

import importlib
import inspect
import logging
import subprocess
import sys

import pytest

from newsclf.errors import NewsclfError
from newsclf.serving import bento_internals


def test_bento_internals_private_apis_exist():
    from bentoml._internal.configuration.containers import BentoMLContainer
    from bentoml._internal.models import ModelStore

    assert callable(BentoMLContainer.bentoml_home.get)
    assert "base_path" in inspect.signature(ModelStore).parameters
    import bentoml

    for fn in (bentoml.models.create, bentoml.models.get):
        assert "_model_store" in inspect.signature(fn).parameters, fn
    from _bentoml_sdk.method import APIMethod

    assert callable(APIMethod._local_call)
    assert "output_spec" in {f.name for f in __import__("attrs").fields(APIMethod)}
    for name in bento_internals.REQUEST_ERROR_LOGGERS:
        module = name if name != "bentoml.serve" else None
        if module:
            importlib.import_module(module)


def test_bento_internals_store_round_trip(tiny_runs, tmp_path):
    from newsclf.serving.models import load_stored
    from newsclf.serving.promote import promote

    tag = promote(tiny_runs["stance"], store=tmp_path / "store")
    from newsclf.pipeline.runs import load_run

    assert load_stored(tag, store=tmp_path / "store").run_id == load_run(tiny_runs["stance"], load_model=False).run_id
    assert (tmp_path / "store" / "newsclf-stance").is_dir()
    assert bento_internals.bentoml_home().is_absolute()


def test_bento_internals_fast_path_applied_to_the_service(client):
    from newsclf.serving.service import Newsclf

    methods = list(Newsclf.apis.values())
    assert methods and all(type(m).__name__ == "_CachedAPIMethod" for m in methods)
    assert all(m.output_spec.media_type == "application/json" for m in methods)
    assert client.post("/boilerplate", json={"sentences": ["Read more"]}).status_code == 200


def test_bento_internals_switch_off(monkeypatch, tmp_path):
    monkeypatch.setenv(bento_internals.ENV_SWITCH, "0")
    monkeypatch.setenv("BENTOML_HOME", str(tmp_path / "home"))
    assert not bento_internals.enabled()
    assert bento_internals.bentoml_home() == tmp_path / "home"
    assert bento_internals.store_kwargs(None) == {}
    with pytest.raises(NewsclfError, match="NEWSCLF_BENTOML_INTERNALS"):
        bento_internals.store_kwargs(tmp_path / "store")
    assert bento_internals.tune_api_methods(object()) is False


def test_bento_internals_service_imports_with_switch_off(tiny_runs):
    env_code = (
        "import os; os.environ['NEWSCLF_BENTOML_INTERNALS']='0';"
        f"os.environ['NEWSCLF_BOILERPLATE_RUN']={str(tiny_runs['boilerplate'])!r};"
        f"os.environ['NEWSCLF_STANCE_RUN']={str(tiny_runs['stance'])!r};"
        "from newsclf.serving.service import Newsclf;"
        "print(sorted({type(m).__name__ for m in Newsclf.apis.values()}))"
    )
    out = subprocess.run([sys.executable, "-c", env_code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "_CachedAPIMethod" not in out.stdout and "APIMethod" in out.stdout


def test_bento_internals_log_filter_on_request_loggers():
    from newsclf.serving.http import _FILTER, install_log_filter

    install_log_filter()
    assert all(_FILTER in logging.getLogger(n).filters for n in bento_internals.REQUEST_ERROR_LOGGERS)


def test_bento_internals_connection_timeouts_target_uvicorns_auto_protocol():
    """BentoML starts uvicorn with http="auto": our protocol replaces that entry, and it is
    uvicorn's httptools protocol with the hooks it overrides still in place."""
    import uvicorn.config
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from newsclf.serving.connections import TimedHttpToolsProtocol

    assert "auto" in uvicorn.config.HTTP_PROTOCOLS
    assert bento_internals.install_connection_timeouts() is True
    assert uvicorn.config.HTTP_PROTOCOLS["auto"] == "newsclf.serving.connections:TimedHttpToolsProtocol"
    for hook in ("connection_made", "on_message_begin", "on_headers_complete", "connection_lost"):
        assert callable(getattr(HttpToolsProtocol, hook))
    assert issubclass(TimedHttpToolsProtocol, HttpToolsProtocol)
    src = inspect.getsource(importlib.import_module("_bentoml_impl.worker.service"))
    assert "uvicorn.Config(" in src and "http=" not in src.split("uvicorn.Config(", 1)[1].split(")", 1)[0]


def test_bento_internals_per_request_warning_is_dropped_even_under_other_threads_filters():
    """The warning BentoML's handler raises per request stays silent even while another thread
    holds a catch_warnings() that shows every warning (as scikit-learn's do); other warnings
    still show. In a subprocess: pytest records warnings itself."""
    code = """
import threading, warnings
from pydantic.warnings import PydanticDeprecatedSince211 as W
from newsclf.serving import bento_internals
bento_internals.silence_per_request_warnings()
bento_internals.silence_per_request_warnings()
inside, leave = threading.Event(), threading.Event()
def other():
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        inside.set(); leave.wait(10)
t = threading.Thread(target=other); t.start(); inside.wait(10)
code = compile("warnings.warn(W('model_fields on an instance'), stacklevel=1)",
               "/x/site-packages/_bentoml_impl/server/app.py", "exec")
for _ in range(3):
    exec(code, {"warnings": warnings, "W": W, "__name__": "_bentoml_impl.server.app"})
warnings.warn("another warning stays visible", UserWarning, stacklevel=1)
leave.set(); t.join(10)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "model_fields" not in out.stderr and "another warning stays visible" in out.stderr
