"""A model that predicts with OpenMP threads (histogram gradient boosting, as the shipped
boilerplate default) served for real: ``/analyze`` and ``/extract`` run in analysis processes
forked from the service worker, and OpenMP's thread team does not survive a fork. With two OpenMP
threads allowed, every request must still be answered, well within the time budget."""

from __future__ import annotations

import os

import httpx
import pytest

from support import serve_process

pytestmark = [pytest.mark.slow, pytest.mark.serve]

TEXT = ('Taliban fighters entered the valley on Monday. "We will never surrender," Ahmad Massoud said.\n\n'
        "Sign up for our newsletter.")


MODELS = {
    "hgb": "features: [{name: word_tfidf}]\nmodel: {name: hist_gradient_boosting, params: {max_iter: 20}}\n",
    # as the shipped default: line features first, HTML and text rows routed to their own booster,
    # whose trees are walked on binned features
    "routed": "features: [{name: line_stats}]\nmodel: {name: mode_router, params: {"
              "html: {name: hist_gradient_boosting, params: {max_iter: 20}}, "
              "text: {name: hist_gradient_boosting, params: {max_iter: 20}}}}\n",
}


@pytest.fixture(scope="module", params=sorted(MODELS))
def hgb_run(request, tiny_runs, tmp_path_factory):
    """A boilerplate run with histogram gradient boosting on the tiny serving dataset."""
    from newsclf.pipeline.train import train

    root = tmp_path_factory.mktemp(request.param)
    cfg = root / f"{request.param}.yaml"
    cfg.write_text("task: boilerplate\ndataset: tiny\nseed: 13\n" + MODELS[request.param], encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSCLF_DATA", str(tiny_runs["boilerplate"].parents[1] / "data"))
        return train(cfg, output=root / f"boilerplate-{request.param}", n_boot=20)


def test_openmp_models_answer_in_forked_analysis_processes(hgb_run, tiny_runs, tmp_path):
    env = {k: v for k, v in os.environ.items() if not (k.startswith("NEWSCLF_") and k.endswith(("_RUN", "_MODEL")))}
    env.update(OMP_NUM_THREADS="2", NEWSCLF_TIME_BUDGET="20", BENTOML_HOME=str(tmp_path / "bentoml"))
    args = ["--boilerplate", str(hgb_run), "--stance", str(tiny_runs["stance"]), "--analysis-workers", "2"]
    with serve_process(args, env, tmp_path / "serve.log") as (url, _):
        for _ in range(3):  # more requests than analysis processes: every child serves
            resp = httpx.post(url + "/analyze", json={"text": TEXT}, timeout=60)
            assert resp.status_code == 200, resp.text
            assert [s["label"] for s in resp.json()["sentences"]]
        page = f"<html><body><nav>Home</nav><p>{TEXT}</p></body></html>"
        resp = httpx.post(url + "/extract", json={"html": page}, timeout=60)
        assert resp.status_code == 200, resp.text
        resp = httpx.post(url + "/boilerplate", json={"sentences": ["Sign up for our newsletter."]}, timeout=30)
        assert resp.status_code == 200
