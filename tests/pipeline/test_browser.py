"""The run report and the compare page in a real headless Chromium at 1280 px: screenshot taken,
no table clipped, every plot decoded (skipped with a reason when chromium is absent)."""

from __future__ import annotations

import json
import shutil

import pytest
from browser import assert_readable, chromium_or_skip, inspect_page

from newsclf.comparison.compare import compare_runs, render


@pytest.mark.slow
def test_browser_report_html_is_self_contained_and_readable(base_run, tmp_path):
    chromium_or_skip()
    run = shutil.copytree(base_run, tmp_path / "run")
    shutil.rmtree(run / "plots")  # the page must not need the files beside it
    page = run / "report.html"
    probe = inspect_page(page, tmp_path / "shots")
    assert_readable(probe)
    assert len(probe["images"]) >= 3 and len(probe["tables"]) >= 5
    text = page.read_text(encoding="utf-8")
    for needed in ("Resolved config", "Most confident errors", "fingerprint", "timings", "F1 [95% CI]"):
        assert needed in text


@pytest.mark.slow
def test_browser_compare_page_fits_1280(base_run, tmp_path):
    chromium_or_skip()
    runs = []
    for i, c in enumerate((0.01, 0.1, 1.0, 10.0, 100.0)):
        run = shutil.copytree(base_run, tmp_path / f"boilerplate-word-and-char-ngrams-2026120{i}-1529{i:02d}-a60a6d5{i}")
        cfg = run / "config.yaml"
        text = cfg.read_text().replace("C: 1.0", f"C: {c}")
        lines = [ln for ln in text.splitlines() if not ln.startswith("description:")]  # a key once
        cfg.write_text("\n".join(lines) + f"\ndescription: a long description of variant {i} " + "x" * 80 + "\n")
        manifest = json.loads((run / "manifest.json").read_text())
        manifest["run_id"] = run.name
        from newsclf.hashing import sha256_file

        manifest["files"]["config.yaml"] = sha256_file(cfg)
        (run / "manifest.json").write_text(json.dumps(manifest))
        runs.append(run)
    result = compare_runs(runs, n_boot=50)
    page = tmp_path / "compare.html"
    page.write_text(render(result, "html"), encoding="utf-8")
    probe = inspect_page(page, tmp_path / "shots")
    assert_readable(probe)
    assert {t["id"] for t in probe["tables"]} >= {"scores"} and len(probe["images"]) == 1
