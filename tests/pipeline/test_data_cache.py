"""Cached data builds: a second build of the same config does no work, --force does, and a
changed input rebuilds (newsclf.data.cache)."""

from __future__ import annotations

import shutil

import pytest
import yaml
from typer.testing import CliRunner

from newsclf import settings
from newsclf.data import build as build_mod
from newsclf.data.build import build_dataset
from newsclf.data.cache import input_fingerprint
from newsclf.data.config import load_data_config

SEED_CONFIG = settings.shipped_configs_dir() / "data" / "seed.yaml"


class _Counting:
    """Counts real builds: wraps the builder's per-source reader (the expensive part)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = build_mod._Build.read_files

        def counted(this, *args, **kwargs):
            self.calls += 1
            return real(this, *args, **kwargs)

        monkeypatch.setattr(build_mod._Build, "read_files", counted)


def test_data_cache_second_build_does_no_work_and_force_does(tmp_path, monkeypatch):
    builds = _Counting(monkeypatch)
    first = build_dataset(SEED_CONFIG, output_root=tmp_path)
    assert not first.cached and builds.calls == 1
    stamp = (first.output_dir / "manifest.json").stat().st_mtime_ns
    again = build_dataset(SEED_CONFIG, output_root=tmp_path)
    assert again.cached and builds.calls == 1  # nothing read, nothing written
    assert (again.output_dir / "manifest.json").stat().st_mtime_ns == stamp
    assert again.manifest["fingerprint"] == first.manifest["fingerprint"]
    forced = build_dataset(SEED_CONFIG, output_root=tmp_path, force=True)
    assert not forced.cached and builds.calls == 2
    assert forced.manifest["fingerprint"] == first.manifest["fingerprint"]  # same inputs, same value


def test_data_cache_fingerprint_is_known_before_building_and_tracks_inputs(tmp_path):
    cfg, _ = load_data_config(SEED_CONFIG)
    before = input_fingerprint(cfg)
    built = build_dataset(SEED_CONFIG, output_root=tmp_path / "a")
    assert built.manifest["fingerprint"] == before
    # a copy of the seed with one more line: a new fingerprint, so the build runs again
    seeds = tmp_path / "seeds"
    shutil.copytree(settings.seed_article_path().parent, seeds)
    data = cfg.model_dump()
    data["sources"][0]["paths"] = [str(seeds)]
    assert input_fingerprint(load_data_config(data)[0]) == before  # same bytes elsewhere: same value
    article = next(seeds.glob("*.txt"))
    article.write_text(article.read_text(encoding="utf-8") + "\n\nOne more line.\n", encoding="utf-8")
    assert input_fingerprint(load_data_config(data)[0]) != before
    data["seed"] = 14
    assert input_fingerprint(load_data_config(data)[0]) != before


def test_data_cache_cli_says_unchanged_and_show_prints_the_same_fingerprint(workdir):
    from newsclf.cli import app

    runner = CliRunner()
    cfg = workdir / "seed.yaml"
    cfg.write_text(yaml.safe_dump(yaml.safe_load(SEED_CONFIG.read_text())), encoding="utf-8")
    first = runner.invoke(app, ["data", "build", str(cfg)])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["data", "build", str(cfg)])
    assert second.exit_code == 0 and "unchanged" in second.stderr and "--force rebuilds" in second.stderr
    forced = runner.invoke(app, ["data", "build", str(cfg), "--force"])
    assert forced.exit_code == 0 and "unchanged" not in forced.stderr
    fp = load_data_config(cfg)[0]
    shown = runner.invoke(app, ["data", "show", "seed"])
    assert f"fingerprint {input_fingerprint(fp)}" in shown.stdout
