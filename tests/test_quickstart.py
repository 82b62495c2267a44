"""``newsclf quickstart`` end to end on the seed article (builds data, trains, compares)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newsclf.cli import app


@pytest.mark.slow
def test_quickstart_end_to_end(workdir):
    pytest.importorskip("newsclf.data.build")
    res = CliRunner().invoke(app, ["quickstart"])
    assert res.exit_code == 0, res.output
    runs = sorted(p.name for p in (workdir / "models").iterdir())
    assert len(runs) == 4 and {r.split("-")[0] for r in runs} == {"boilerplate", "stance"}
    assert (workdir / "data" / "seed" / "manifest.json").is_file()
    for run in (workdir / "models").iterdir():
        assert (run / "report.html").is_file() and (run / "manifest.json").is_file()
    assert "quickstart done" in res.stdout and "report.html" in res.stdout
    assert "quotes in panjshir-nrf-2021-09" in res.stdout
    assert "runs by macro_f1 on cv" in res.stdout
    # the seed's test splits are single-class and tiny: no winner anywhere, and it says why
    assert "no winner" in res.stdout and "best:" not in res.stdout
    assert "cannot rank runs (one class only" in res.stdout
    assert "newsclf:configs/stance/default.yaml" in res.stdout  # where real figures come from
    for run in (workdir / "models").iterdir():
        manifest = json.loads((run / "manifest.json").read_text())
        assert manifest["eval_split"] == "cv"  # ranked by grouped CV over every seed row
        if manifest["task"] == "stance":  # 10 rows in 4 paragraphs: too few units even pooled
            assert manifest["headline"]["rankable"] is False
        metrics = json.loads((run / "metrics.json").read_text())
        assert metrics["splits"]["test"]["adequacy"]["single_class"] is True
        assert (run / "MODEL_CARD.md").is_file()
    again = CliRunner().invoke(app, ["quickstart"])
    assert again.exit_code == 0 and "reused dataset seed" in again.stdout  # the build is cached
