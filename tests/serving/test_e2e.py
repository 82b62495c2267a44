"""End to end: promote tiny models into a temporary BentoML home, run `newsclf serve` as a real
server on a free port, call every endpoint over HTTP, send bad requests, stop it; `bentoml build`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from support import REPO, serve_process

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def home(tiny_runs, tmp_path_factory):
    """A BentoML home holding the promoted tiny models, and the environment pointing at it."""
    from newsclf.serving.promote import promote

    root = tmp_path_factory.mktemp("bentoml-home")
    tags = {task: promote(run, store=root / "models") for task, run in tiny_runs.items()}
    env = dict(
        os.environ, BENTOML_HOME=str(root), BENTOML_DO_NOT_TRACK="true", HF_DATASETS_OFFLINE="1"
    )
    for key in (
        "NEWSCLF_BOILERPLATE_RUN",
        "NEWSCLF_STANCE_RUN",
        "NEWSCLF_BOILERPLATE_MODEL",
        "NEWSCLF_STANCE_MODEL",
    ):
        env.pop(key, None)
    return root, env, tags


def hostile_folder(root: Path) -> Path:
    """A working directory holding its own ``training``, ``serving`` and ``newsclf`` packages whose
    import writes ``root/IMPORTED-<name>``: newsclf must import none of them."""
    for name in ("training", "serving", "newsclf"):
        pkg = root / name
        pkg.mkdir(parents=True)
        (pkg / "__init__.py").write_text(
            f"open({str(root / ('IMPORTED-' + name))!r}, 'w').write('x')\n", encoding="utf-8")
    (root / "serving" / "service.py").write_text("raise SystemExit('wrong serving package')\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(home, tmp_path_factory):
    root, env, tags = home
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    cwd = hostile_folder(tmp_path_factory.mktemp("hostile"))
    with serve_process([], env, log, cwd=cwd) as (url, proc):
        yield url, tags, log, proc, cwd


@pytest.mark.serve
def test_e2e_every_endpoint_over_http(server, seed_text):
    import httpx

    url, tags, log, proc, cwd = server
    with httpx.Client(base_url=url, timeout=60) as http:
        models = http.get("/models").json()
        assert {m["tag"] for m in models.values()} == set(tags.values())
        r = http.post(
            "/boilerplate",
            json={"sentences": ["Skip to content", "Taliban forces entered the valley."]},
        )
        assert r.status_code == 200 and [x["label"] for x in r.json()][0] == "boilerplate"
        r = http.post(
            "/stance", json={"quotes": [{"text": "We will fight the Taliban", "target": "taliban"}]}
        )
        assert r.status_code == 200 and set(r.json()[0]["scores"]) == {"favor", "against", "none"}
        r = http.post("/analyze", json={"text": seed_text})
        assert r.status_code == 200 and r.json()["quotes"]
        page = "<html><body><nav>Home | World</nav><p>Taliban forces entered the Panjshir valley on Monday.</p></body></html>"
        r = http.post("/analyze", json={"html": page})
        assert r.status_code == 200 and "text" in r.json()
        r = http.post("/extract", json={"html": page})
        assert r.status_code == 200 and isinstance(r.json()["text"], str)
        for path in ("/healthz", "/readyz", "/metrics"):
            assert http.get(path).status_code == 200
        assert "bentoml_service_request" in http.get("/metrics").text

        bad = [
            http.post("/boilerplate", json={"sentences": ["a"] * 1001}),
            http.post("/boilerplate", json={"sentences": ["x" * 10_001]}),
            http.post("/analyze", json={"text": "x" * (2 * 1024 * 1024 + 1)}),
            http.post(
                "/boilerplate", content=b"{oops", headers={"content-type": "application/json"}
            ),
            http.post(
                "/boilerplate",
                content=b'{"sentences": ["\xff"]}',
                headers={"content-type": "application/json"},
            ),
            http.post("/stance", json={"quotes": [{"text": 1, "target": "t"}]}),
        ]
        assert [r.status_code for r in bad] == [400] * len(bad)
        assert "1000" in bad[0].json()["error"] and "2 MB" in bad[2].json()["error"]
        r = http.post(
            "/boilerplate",
            content=b"\x80\x04N.",
            headers={"content-type": "application/python-pickle"},
        )
        assert r.status_code == 415
        assert http.post("/nope", json={}).status_code == 404

    import bentoml

    with bentoml.SyncHTTPClient(url) as client:
        out = client.boilerplate(sentences=["Read more"])
        assert out[0]["label"] in ("content", "boilerplate")

    text = log.read_text(errors="replace")
    assert "rejected POST /boilerplate: 400" in text and "rejected POST /boilerplate: 415" in text
    assert "Traceback" not in text
    assert " 200 (scheme=" not in text  # access log off by default

    # started from a folder with its own training/, serving/ and newsclf/ packages: none imported
    assert not list(cwd.glob("IMPORTED-*"))

    os.killpg(proc.pid, signal.SIGTERM)
    assert proc.wait(30) is not None


def test_e2e_build_bento_carries_the_wheel_and_models(home, tmp_path):
    """`newsclf build-bento` (build_bento): the newsclf wheel under python.wheels, the promoted models,
    no source folders; the service is newsclf.serving.service from the wheel."""
    import zipfile

    root, env, tags = home
    build = subprocess.run(
        [str(Path(sys.executable).with_name("newsclf")), "build-bento", "--source", str(REPO)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    tag = build.stdout.strip().splitlines()[-1]
    assert tag.startswith("newsclf:")
    out = tmp_path / "newsclf.bento"
    export = subprocess.run([str(Path(sys.executable).with_name("bentoml")), "export", tag, str(out)],
                            env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert export.returncode == 0, export.stderr[-2000:]
    with tarfile.open(out) as tar:
        names = set(tar.getnames())
        wheels = [n for n in names if n.startswith("./env/python/wheels/newsclf-") and n.endswith(".whl")]
        assert len(wheels) == 1
        tar.extract(wheels[0], tmp_path, filter="data")
        bento_yaml = tar.extractfile("./bento.yaml").read().decode()
    for tag in tags.values():
        name, version = tag.split(":")
        assert f"./models/{name}/{version}/model.skops" in names
        assert f"./models/{name}/{version}/manifest.json" in names
    assert "service: newsclf.serving.service:Newsclf" in bento_yaml
    assert not [n for n in names if n.startswith(("./src/training", "./src/serving", "./src/tests"))]
    with zipfile.ZipFile(tmp_path / wheels[0]) as whl:
        inside = set(whl.namelist())
    assert {"newsclf/serving/service.py", "newsclf/analysis.py", "newsclf/_configs/actors.yaml"} <= inside
