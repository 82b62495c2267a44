"""The package installs under one name: every package and config folder is in pyproject's
``packages``, a user's own ``training/``/``serving/``/``newsclf/`` folder changes nothing the CLI
imports, ``import newsclf`` stays light, ``newsclf init`` writes an editable project."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from support import REPO

NEWSCLF = str(Path(sys.executable).with_name("newsclf"))


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_packaging_every_package_and_config_folder_is_listed():
    setup = _pyproject()["tool"]["setuptools"]
    listed, dirs, data = set(setup["packages"]), setup["package-dir"], setup["package-data"]
    expected = set()
    for name, folder in dirs.items():
        root = REPO / folder
        expected.add(name)
        for init in root.rglob("__init__.py"):
            rel = init.parent.relative_to(root)
            if "__pycache__" in rel.parts or any(p.startswith(".") for p in rel.parts):
                continue
            expected.add(".".join([name, *rel.parts]) if rel.parts else name)
    # code folders without __init__.py would be missing from the wheel too
    for folder in ("training", "serving"):
        for sub in (REPO / folder).rglob("*.py"):
            assert (sub.parent / "__init__.py").is_file(), f"{sub.parent} holds code but no __init__.py"
    assert expected <= listed, f"missing from [tool.setuptools] packages: {sorted(expected - listed)}"
    for config_dir in sorted(p for p in (REPO / "configs").iterdir() if p.is_dir() and p.name != "__pycache__"):
        name = f"newsclf._configs.{config_dir.name}"
        assert name in listed, f"configs/{config_dir.name}/ is not listed as {name}"
        assert "*.yaml" in data.get(name, []), f"{name} has no package-data line for *.yaml"
        assert (config_dir / "__init__.py").is_file() or True  # data-only folders need no __init__


def _hostile(root: Path) -> Path:
    for name in ("training", "serving", "newsclf"):
        (root / name).mkdir()
        (root / name / "__init__.py").write_text(
            f"open({str(root / ('IMPORTED-' + name))!r}, 'w').write('x')\n", encoding="utf-8")
    (root / "serving" / "service.py").write_text("raise SystemExit('wrong package')\n", encoding="utf-8")
    return root


def test_packaging_own_training_and_serving_folders_change_nothing(tmp_path, seed_path):
    cwd = _hostile(tmp_path)
    env = dict(os.environ, NEWSCLF_DATA=str(tmp_path / "data"), NEWSCLF_MODELS=str(tmp_path / "models"))
    quotes = subprocess.run([NEWSCLF, "quotes", str(seed_path)], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=120)
    assert quotes.returncode == 0, quotes.stderr[-2000:]
    assert '"quotes"' in quotes.stdout
    show = subprocess.run([NEWSCLF, "--version"], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert show.returncode == 0 and show.stdout.startswith("newsclf ")
    assert not list(cwd.glob("IMPORTED-*"))


def test_packaging_import_newsclf_and_cli_stay_light():
    code = ("import sys, newsclf.cli, newsclf; api = newsclf.__all__; "
            "print(sorted(m for m in ('sklearn', 'bentoml', 'datasets', 'pandas', 'skops') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_packaging_public_api_resolves():
    import newsclf

    for name in newsclf.__all__:
        assert getattr(newsclf, name) is not None, name
    with pytest.raises(AttributeError):
        newsclf.nope  # noqa: B018


def test_packaging_version_and_completion():
    out = subprocess.run([NEWSCLF, "--version"], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == f"newsclf {_pyproject()['project']['version']}"
    helped = subprocess.run([NEWSCLF, "--help"], capture_output=True, text=True, timeout=60)
    assert "--install-completion" in helped.stdout and "init" in helped.stdout


def test_packaging_init_writes_an_editable_project(tmp_path, monkeypatch):
    from newsclf.data.config import load_data_config
    from newsclf.pipeline.config import load_config

    out = subprocess.run([NEWSCLF, "init", str(tmp_path / "proj")], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    proj = tmp_path / "proj"
    assert (proj / "README.md").is_file() and (proj / "data").is_dir() and (proj / "models").is_dir()
    configs = sorted((proj / "configs").rglob("*.yaml"))
    shipped = sorted((REPO / "configs").rglob("*.yaml"))
    assert [p.relative_to(proj / "configs") for p in configs] == [p.relative_to(REPO / "configs") for p in shipped]
    assert not [p for p in configs if "newsclf:configs/" in p.read_text(encoding="utf-8")]
    monkeypatch.chdir(proj)
    data_cfg, _ = load_data_config("configs/data/seed.yaml")
    assert data_cfg.actors == "configs/actors.yaml"
    cfg = load_config("configs/quickstart/stance-logreg.yaml")
    assert cfg.data_config == "configs/data/seed.yaml"
    assert yaml.safe_load((proj / "configs" / "actors.yaml").read_text())["actors"]
    again = subprocess.run([NEWSCLF, "init", str(proj)], capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and "already exist" in again.stderr
