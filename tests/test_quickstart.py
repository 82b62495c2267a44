"""``newsclf quickstart`` end to end on the seed article (builds data, trains, compares)."""

from __future__ import annotations

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
    assert "runs by macro_f1" in res.stdout
