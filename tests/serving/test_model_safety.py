"""A real `newsclf serve` (bentoml serve) refuses crafted model files whose manifests match, and
the payload never runs."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from payload import craft_run

pytestmark = [pytest.mark.slow, pytest.mark.serve]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("kind", ["skops", "joblib"])
def test_service_refuses_crafted_model_files(tiny_runs, tmp_path, kind):
    """A real `newsclf serve` (bentoml serve) on crafted runs never becomes ready, says why, and the
    payload never runs - even though its module is importable by the server (PYTHONPATH)."""
    import httpx

    marker = tmp_path / "marker"
    runs = {task: craft_run(Path(shutil.copytree(path, tmp_path / task)), kind, marker)
            for task, path in tiny_runs.items()}
    env = dict(os.environ, BENTOML_HOME=str(tmp_path / "bentoml"), BENTOML_DO_NOT_TRACK="true",
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("newsclf")), "serve", "--port", str(port),
             "--boilerplate", str(runs["boilerplate"]), "--stance", str(runs["stance"])],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    ready = False
    try:
        deadline = time.monotonic() + 60
        expected = "does not trust" if kind == "skops" else "saved as a pickle"
        while time.monotonic() < deadline and proc.poll() is None:
            if expected in log.read_text(errors="replace"):
                break
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                pass
            if ready:
                break
            time.sleep(0.3)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    text = log.read_text(errors="replace")
    assert not ready, text[-3000:]
    assert expected in text, text[-3000:]
    assert not marker.exists()


