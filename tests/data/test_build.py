"""Data configs, dataset builds, manifests, fingerprints and the `data` commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from newsclf import settings
from newsclf.data import build as build_mod
from newsclf.data.build import build_dataset, load_data_config, load_dataset_dict, load_manifest
from newsclf.data.importers import Imported
from newsclf.errors import ConfigError, InputError

runner = CliRunner()
SEED_CONFIG = settings.shipped_configs_dir() / "data" / "seed.yaml"


def _app():
    from newsclf.cli import app

    return app


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _cfg(paths, **kw) -> dict:
    cfg = {
        "name": "t",
        "tasks": ["boilerplate", "stance"],
        "sources": [{"kind": "files", "paths": [str(p) for p in paths]}],
        "split": {"train": 0.6, "validation": 0.2, "test": 0.2, "group_by": "block"},
    }
    cfg.update(kw)
    return cfg


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    return build_dataset(SEED_CONFIG, output_root=root)


# ------------------------------------------------------------------ config schema


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (
            {"name": "x", "sources": [{"kind": "files", "paths": ["a"]}], "colour": 1},
            r"cfg.yaml:\d+: unknown key 'colour'; allowed keys here: name, description, tasks, seed, sources",
        ),
        (
            {
                "name": "x",
                "sources": [{"kind": "files", "paths": ["a"]}],
                "split": {"train": 1.0, "validation": 0, "test": 0, "by": "x"},
            },
            r"unknown key 'split.by'; allowed keys here: train, validation, test, group_by",
        ),
        (
            {"name": "x", "sources": [{"kind": "files", "paths": ["a"], "path": "b"}]},
            r"unknown key 'sources.0.path'; allowed keys here: kind, paths, options, unit, annotations",
        ),
        (
            {"name": "x", "sources": [{"kind": "ftp"}]},
            r"unknown source kind 'ftp'; allowed: files, rows, aeb",
        ),
        (
            {
                "name": "x",
                "sources": [{"kind": "files", "paths": ["a"]}],
                "split": {"train": 0.5, "validation": 0.1, "test": 0.1},
            },
            r"must be 1.0, got 0.7",
        ),
        (
            {"name": "x", "tasks": ["sentiment"], "sources": [{"kind": "files", "paths": ["a"]}]},
            r"unknown task 'sentiment'; allowed: boilerplate, stance",
        ),
        (
            {
                "name": "x",
                "sources": [{"kind": "files", "paths": ["a"]}],
                "labelling": {"combiner": "snorkel"},
            },
            r"labelling.combiner",
        ),
        ({"sources": [{"kind": "files", "paths": ["a"]}]}, r"missing required key 'name'"),
        ({"name": "x", "sources": [{"kind": "files"}]}, r"needs 'paths'"),
        ({"name": "x", "sources": [{"kind": "aeb", "paths": ["a"]}]}, r"drop 'paths'"),
    ],
)
def test_build_config_errors_name_file_and_key(tmp_path, data, pattern):
    path = _write(tmp_path / "cfg.yaml", data)
    with pytest.raises(ConfigError, match=pattern):
        load_data_config(path)


def test_build_config_missing_file(workdir):
    with pytest.raises(ConfigError, match="nope.yaml: data config not found"):
        load_data_config("configs/data/nope.yaml")


def test_build_config_not_yaml(tmp_path):
    path = tmp_path / "cfg.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cfg.yaml:2: not valid YAML"):
        load_data_config(path)


@pytest.mark.parametrize(
    "path", sorted((settings.shipped_configs_dir() / "data").glob("*.yaml")), ids=lambda p: p.name
)
def test_build_config_shipped_configs_are_valid(path):
    cfg, _ = load_data_config(path)
    assert cfg.name and cfg.sources


def test_build_config_seed_file_is_valid():
    cfg, _ = load_data_config(SEED_CONFIG)
    assert (
        cfg.name == "seed"
        and cfg.tasks == ["boilerplate", "stance"]
        and cfg.split.group_by == "block"
    )


# ------------------------------------------------------------------ the seed build


def test_build_seed_datasets_and_manifest(seed_build):
    out = seed_build.output_dir
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (
        manifest["fingerprint"] == seed_build.manifest["fingerprint"]
        and len(manifest["fingerprint"]) == 64
    )
    for task, labels in (
        ("boilerplate", ["content", "boilerplate"]),
        ("stance", ["favor", "against", "none"]),
    ):
        dd = load_dataset_dict("seed", task, root=out.parent)
        assert list(dd) == ["train", "validation", "test"]
        assert dd["train"].features["label"].names == labels
        info = manifest["tasks"][task]
        assert sum(s["rows"] for s in info["splits"].values()) == info["rows"] > 0
        assert info["groups_across_splits"] == 0
        sides: dict[str, set[str]] = {}
        for split, ds in dd.items():
            for g in ds["split_group"][:]:
                sides.setdefault(g, set()).add(split)
        assert all(len(v) == 1 for v in sides.values())
        rep = info["labelling"][0]
        assert rep["counts"]["gold"] == info["rows"]  # the seed is fully annotated
        assert rep["combined"]["gold_items"] == info["rows"]
    bp = manifest["tasks"]["boilerplate"]
    assert bp["rows"] == 20 and sum(s["labels"]["boilerplate"] for s in bp["splits"].values()) == 2
    assert manifest["tasks"]["stance"]["rows"] == 10
    assert not list(out.parent.glob(".seed.*"))


def test_build_deterministic_and_path_independent(seed_build, tmp_path):
    # Same inputs elsewhere (copied seed + annotations), different output root: same fingerprint and rows.
    seeds = tmp_path / "elsewhere" / "seeds"
    shutil.copytree(settings.seed_article_path().parent, seeds)
    ann = tmp_path / "elsewhere" / "ann"
    shutil.copytree(settings.shipped_annotations_dir(), ann)
    cfg, _ = load_data_config(SEED_CONFIG)
    data = cfg.model_dump()
    data["sources"][0]["paths"] = [str(seeds)]
    data["sources"][0]["annotations"] = str(ann)
    again = build_dataset(data, output_root=tmp_path / "out")
    assert again.manifest["fingerprint"] == seed_build.manifest["fingerprint"]
    for task in ("boilerplate", "stance"):
        a = load_dataset_dict("seed", task, root=seed_build.output_dir.parent)
        b = load_dataset_dict("seed", task, root=tmp_path / "out")
        for split in a:
            assert a[split].to_dict() == b[split].to_dict()
        assert (
            again.manifest["tasks"][task]["splits"] == seed_build.manifest["tasks"][task]["splits"]
        )


def test_build_fingerprint_changes_with_config_and_input(seed_build, tmp_path):
    cfg, _ = load_data_config(SEED_CONFIG)
    data = cfg.model_dump()
    data["seed"] = 14
    other = build_dataset(data, output_root=tmp_path / "a")
    assert other.manifest["fingerprint"] != seed_build.manifest["fingerprint"]
    art = tmp_path / "in" / "panjshir-nrf-2021-09.txt"
    art.parent.mkdir()
    art.write_text(
        settings.seed_article_path().read_text(encoding="utf-8") + "\n\nOne more line here.\n",
        encoding="utf-8",
    )
    data = cfg.model_dump()
    data["sources"][0]["paths"] = [str(art.parent)]
    # the annotated text changed: --strict refuses, otherwise the gold is placed by its text
    with pytest.raises(InputError, match="text changed since it was annotated"):
        build_dataset(data, output_root=tmp_path / "b", strict=True)
    assert not (tmp_path / "b" / "seed").exists()
    changed = build_dataset(data, output_root=tmp_path / "b")
    assert changed.manifest["fingerprint"] != seed_build.manifest["fingerprint"]
    gold = changed.manifest["gold"]
    assert gold["text_changed"] == 1
    assert gold["labels"] == {"applied": 30, "fuzzy": 0, "added": 0, "unplaced": 0}
    assert changed.manifest["tasks"]["boilerplate"]["labelling"][0]["counts"]["gold"] == 20


def test_build_label_model_combiner(tmp_path):
    art = tmp_path / "in" / "a.txt"
    art.parent.mkdir()
    art.write_text(
        "Headline of a story here\n\nThe army said on Monday that the fighting had stopped in the north of the country.\n\n"
        "Read more\n\nShare on Facebook\n\nIt rained.\n",
        encoding="utf-8",
    )
    res = build_dataset(
        _cfg([art.parent], tasks=["boilerplate"], labelling={"combiner": "label_model"}),
        output_root=tmp_path / "o",
    )
    rep = res.manifest["tasks"]["boilerplate"]["labelling"][0]
    assert rep["combiner"]["combiner"] == "label_model"
    assert rep["counts"] == {"candidates": 5, "gold": 0, "weak": 4, "abstain": 1}


# ------------------------------------------------------------------ bad input, atomic output


@pytest.fixture
def mixed_folder(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(
        "Rebels vow to fight on\n\n“We will fight on until the end,” Ahmad Massoud said on Monday in a statement.\n",
        encoding="utf-8",
    )
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 50)
    return folder


def test_build_bad_input_raises_naming_the_file(mixed_folder, tmp_path):
    with pytest.raises(InputError, match=r"(binary|empty)\.txt"):
        build_dataset(_cfg([mixed_folder]), output_root=tmp_path / "o")
    assert not (tmp_path / "o" / "t").exists()


def test_build_cli_skip_bad(workdir, mixed_folder):
    cfg = _write(workdir / "cfg.yaml", _cfg([mixed_folder]))
    result = runner.invoke(_app(), ["data", "build", str(cfg)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and ".txt" in result.output
    result = runner.invoke(_app(), ["data", "build", str(cfg), "--skip-bad"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].endswith(str(Path("data") / "t"))
    manifest = load_manifest("t")
    assert sorted(Path(b["source"]).name for b in manifest["bad_inputs"]) == [
        "binary.txt",
        "empty.txt",
    ]
    assert manifest["articles_read"] == 1


def test_build_failure_keeps_previous_dataset(workdir, mixed_folder, monkeypatch):
    good = _cfg([mixed_folder / "good.txt"])
    first = build_dataset(good)
    before = (first.output_dir / "manifest.json").read_text(encoding="utf-8")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_mod, "_save_quietly", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        build_dataset(good, force=True)  # same inputs: without force the dataset is reused
    assert (first.output_dir / "manifest.json").read_text(encoding="utf-8") == before
    assert load_dataset_dict("t", "boilerplate")["train"].num_rows >= 0
    assert sorted(p.name for p in first.output_dir.parent.iterdir()) == ["t"]


def test_build_load_missing_dataset_says_how_to_build(workdir):
    with pytest.raises(InputError, match=r"newsclf data build newsclf:configs/data/seed.yaml"):
        load_dataset_dict("seed", "stance")
    with pytest.raises(InputError, match=r"newsclf data build CONFIG"):
        load_manifest("nope")


# ------------------------------------------------------------------ importer sources


def test_build_importer_rows_keep_fixed_splits(workdir, monkeypatch):
    corpora = workdir / "corpora"
    (corpora / "newsmtsc").mkdir(parents=True)
    monkeypatch.setenv("NEWSCLF_CORPORA", str(corpora))
    seen = {}

    def fake_load(root, seed=0, validation=0.1):
        seen.update(root=root, seed=seed, validation=validation)
        rows = [
            {
                "text": f"s{i}",
                "target": "X",
                "label": ["favor", "against", "none"][i % 3],
                "group": f"g{i // 2}",
                "split": "dev_mt" if i >= 16 else None,
            }
            for i in range(20)
        ]
        rows.append({"text": "u", "target": "X", "label": None, "group": "g99"})
        return Imported(task="stance", rows=rows, stats={"read": 21})

    import newsclf.data.importers as importers

    monkeypatch.setattr(importers, "get_importer", lambda name: fake_load)
    cfg = {
        "name": "imp",
        "tasks": ["stance"],
        "seed": 7,
        "sources": [{"kind": "newsmtsc", "options": {"validation": 0.2}}],
    }
    res = build_dataset(cfg)
    assert seen == {"root": corpora / "newsmtsc", "seed": 7, "validation": 0.2}
    info = res.manifest["tasks"]["stance"]
    assert info["splits"]["dev_mt"]["rows"] == 4
    assert info["imported"] == {"unlabelled": 1, "rows": 20}
    dd = load_dataset_dict("imp", "stance")
    assert set(dd) == {"train", "validation", "test", "dev_mt"}
    assert set(dd["train"]["label_source"][:]) == {"corpus"}
    assert res.manifest["importers"][0]["stats"] == {"read": 21}
    with pytest.raises(ConfigError, match="gives 'stance' rows"):
        build_dataset({**cfg, "tasks": ["boilerplate"]})


def test_build_missing_corpus_is_a_clear_error(workdir, monkeypatch):
    monkeypatch.setenv("NEWSCLF_CORPORA", str(workdir / "nowhere"))
    with pytest.raises(InputError, match="corpus 'dse' not found .* NEWSCLF_CORPORA"):
        build_dataset({"name": "d", "tasks": ["stance"], "sources": [{"kind": "dse"}]})


# ------------------------------------------------------------------ commands


def test_build_cli_seed_end_to_end(workdir):
    # a project path that this project lacks is refused, naming the shipped config of that name
    missing = runner.invoke(_app(), ["data", "build", "configs/data/seed.yaml"])
    assert missing.exit_code == 1 and "newsclf:configs/data/seed.yaml" in missing.output
    assert not (workdir / "data").exists()
    result = runner.invoke(_app(), ["data", "build", "newsclf:configs/data/seed.yaml"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == str(workdir / "data" / "seed")
    assert "labelling functions" in result.stdout and "long_prose" in result.stdout
    assert (workdir / "data" / "seed" / "stance" / "dataset_dict.json").is_file()
    shown = runner.invoke(_app(), ["data", "show", "seed"])
    assert shown.exit_code == 0, shown.output
    assert "fingerprint" in shown.stdout and "sample rows" in shown.stdout


def test_build_cli_errors_are_clean(workdir, tmp_path):
    bad = _write(
        tmp_path / "bad.yaml",
        {"name": "x", "sources": [{"kind": "files", "paths": ["a"]}], "oops": 1},
    )
    result = runner.invoke(_app(), ["data", "build", str(bad)])
    assert (
        result.exit_code == 1
        and "unknown key 'oops'" in result.output
        and "Traceback" not in result.output
    )
    result = runner.invoke(_app(), ["data", "show", "missing"])
    assert result.exit_code == 1 and "newsclf data build" in result.output


def test_build_group_by_article_keeps_articles_whole(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(12):
        (folder / f"a{i:02d}.txt").write_text(
            f"Story number {i} about the valley\n\n"
            f"The army said on Monday that fighting had stopped in district {i} of the northern province.\n\n"
            f"“We will continue our fight until the last moment,” Ahmad Massoud said in statement {i}.\n\n"
            "Sign up to receive our latest news!\n",
            encoding="utf-8",
        )
    cfg = _cfg(
        [folder], split={"train": 0.5, "validation": 0.25, "test": 0.25, "group_by": "article"}
    )
    res = build_dataset(cfg, output_root=tmp_path / "o")
    for task in ("boilerplate", "stance"):
        dd = load_dataset_dict("t", task, root=tmp_path / "o")
        owner: dict[str, str] = {}
        for split, ds in dd.items():
            for g in ds["group"][:]:
                assert owner.setdefault(g, split) == split
        assert set(owner.values()) == {"train", "validation", "test"}
        assert res.manifest["tasks"][task]["groups_across_splits"] == 0
    assert res.manifest["articles_read"] == 12


def test_build_broken_annotation_file(tmp_path):
    ann = tmp_path / "ann"
    shutil.copytree(settings.shipped_annotations_dir(), ann)
    (ann / "broken.json").write_text("{not json", encoding="utf-8")
    cfg, _ = load_data_config(SEED_CONFIG)
    data = cfg.model_dump()
    data["sources"][0]["annotations"] = str(ann)
    with pytest.raises(InputError, match=r"broken.json:1: not valid JSON"):
        build_dataset(data, output_root=tmp_path / "o")
    res = build_dataset(data, output_root=tmp_path / "o", skip_bad=True)
    assert [Path(b["source"]).name for b in res.bad] == ["broken.json"]
    assert res.manifest["tasks"]["stance"]["labelling"][0]["counts"]["gold"] == 10


def test_build_importer_bad_options_are_config_errors(workdir, monkeypatch):
    corpora = workdir / "corpora"
    (corpora / "aeb").mkdir(parents=True)
    monkeypatch.setenv("NEWSCLF_CORPORA", str(corpora))

    def fake_load(root, mode="dom"):
        return Imported(task="boilerplate", rows=[])

    import newsclf.data.importers as importers

    monkeypatch.setattr(importers, "get_importer", lambda name: fake_load)
    cfg = {
        "name": "a",
        "tasks": ["boilerplate"],
        "sources": [{"kind": "aeb", "options": {"colour": 1}}],
    }
    with pytest.raises(ConfigError, match=r"source 'aeb' with options \{'colour': 1\}.*colour"):
        build_dataset(cfg)


def _page_rows(n_pages: int = 6, per_page: int = 5) -> list[dict]:
    """Boilerplate rows of ``n_pages`` pages; every third row unlabelled."""
    rows = []
    for p in range(n_pages):
        for i in range(per_page):
            label = None if i % 3 == 2 else ("content" if i % 2 else "boilerplate")
            rows.append({"text": f"page {p} block {i}", "group": f"site{p}", "position": i / per_page,
                         "label": label})
    return rows


def test_build_importer_context_rows(workdir, monkeypatch):
    """``unlabelled: context`` keeps the importer's unlabelled rows as label -1 (counted per split)."""
    from newsclf.tasks import CONTEXT_LABEL

    corpora = workdir / "corpora"
    (corpora / "trafilatura-eval").mkdir(parents=True)
    monkeypatch.setenv("NEWSCLF_CORPORA", str(corpora))
    asked = {}

    def fake_load(root, keep_unlabelled=False):
        asked["keep_unlabelled"] = keep_unlabelled
        rows = _page_rows()
        rows = rows if keep_unlabelled else [r for r in rows if r["label"] is not None]
        return Imported(task="boilerplate", rows=rows, stats={})

    import newsclf.data.importers as importers

    monkeypatch.setattr(importers, "get_importer", lambda name: fake_load)
    cfg = {"name": "ctx", "tasks": ["boilerplate"], "seed": 3,
           "sources": [{"kind": "trafilatura", "unlabelled": "context"}]}
    res = build_dataset(cfg)
    assert asked == {"keep_unlabelled": True}
    info = res.manifest["tasks"]["boilerplate"]
    assert sum(s.get("context_rows", 0) for s in info["splits"].values()) == 6
    assert sum(sum(s["labels"].values()) for s in info["splits"].values()) == 24
    dd = load_dataset_dict("ctx", "boilerplate")
    for split in dd.values():
        for label, source in zip(split["label"], split["label_source"], strict=True):
            assert (label == CONTEXT_LABEL) == (source == "context")

    dropped = build_dataset({**cfg, "name": "noctx", "sources": [{"kind": "trafilatura"}]})
    assert asked == {"keep_unlabelled": False}
    assert all("context_rows" not in s for s in dropped.manifest["tasks"]["boilerplate"]["splits"].values())


def test_build_context_rows_need_an_importer_that_keeps_them(workdir, monkeypatch):
    corpora = workdir / "corpora"
    (corpora / "trafilatura-eval").mkdir(parents=True)
    monkeypatch.setenv("NEWSCLF_CORPORA", str(corpora))
    import newsclf.data.importers as importers

    monkeypatch.setattr(importers, "get_importer",
                        lambda name: lambda root: Imported(task="boilerplate", rows=_page_rows(), stats={}))
    with pytest.raises(ConfigError, match="'unlabelled: context' needs an importer"):
        build_dataset({"name": "c", "tasks": ["boilerplate"],
                       "sources": [{"kind": "trafilatura", "unlabelled": "context"}]})
    with pytest.raises(ConfigError, match="is for importer sources"):
        build_dataset({"name": "c", "sources": [{"kind": "files", "paths": ["seeds/"], "unlabelled": "context"}]})


def test_build_removes_datasets_left_by_a_killed_build(tmp_path):
    """A `data build` killed while writing leaves a hidden staged dataset; the next build removes
    it (its process is gone), keeps a live build's, and the dataset on disk is intact."""
    import signal
    import subprocess
    import sys

    root = tmp_path / "data"
    code = ("import time\nfrom pathlib import Path\nfrom newsclf.staging import staging_dir\n"
            f"with staging_dir(Path({str(root)!r}), 'seed', 'tmp') as d:\n"
            "    (d / 'big.arrow').write_bytes(b'x' * 100000); print('ready', flush=True); time.sleep(60)")
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    killed, live = procs
    killed.send_signal(signal.SIGKILL)
    killed.wait(10)
    legacy = root / ".seed.tmp-999999999-1"  # an older newsclf's name: pid inside, no lock
    legacy.mkdir()
    try:
        result = build_dataset(SEED_CONFIG, output_root=root)
        hidden = sorted(p.name for p in root.iterdir() if p.name.startswith("."))
        assert all(f".{live.pid}-" in n for n in hidden) and len(hidden) == 2  # the live one + its lock
    finally:
        live.kill()
        live.wait(10)
    assert (result.output_dir / "manifest.json").is_file()
