"""Labelled rows (data source ``kind: rows``): reading, validation with file:line errors, splits,
over-sampling, fingerprints, and the same dataset rows as the equivalent gold annotations."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsclf.data.build import build_dataset, load_data_config, load_dataset_dict
from newsclf.data.rows import read_rows, row_fields
from newsclf.errors import ConfigError, InputError
from newsclf.tasks import TASKS

runner = CliRunner()


def _value(default, i: int):
    """A valid value of an input field with this default (any task's)."""
    if default is None or isinstance(default, str):
        return f"value {i}"
    if isinstance(default, float):
        return round(0.1 * (i % 10), 1)
    return i


def _rows(task: str, n: int = 12) -> list[dict]:
    spec = TASKS[task]
    rows = []
    for i in range(n):
        row = {name: _value(default, i) for name, default in spec.inputs.items()}
        row["text"] = f"Row number {i} of the {task} task."
        row["group"] = f"doc-{i % 4}"
        row["label"] = spec.labels[i % len(spec.labels)]
        rows.append(row)
    return rows


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


# ------------------------------------------------------------------ reading


@pytest.mark.parametrize("task", list(TASKS))
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "jsonl.gz"])
def test_rows_read_any_task(tmp_path, task: str, fmt: str) -> None:
    rows = _rows(task)
    if fmt == "csv":
        path = _csv(tmp_path / "r.csv", rows)
    else:
        path = _jsonl(tmp_path / "r.jsonl", rows)
        if fmt == "jsonl.gz":
            gz = tmp_path / "r.jsonl.gz"
            gz.write_bytes(gzip.compress(path.read_bytes()))
            path = gz
    got = read_rows(path, task)
    assert got.rows == rows  # CSV cells are converted back to the fields' types
    assert got.lines == list(range(2, 14)) if fmt == "csv" else list(range(1, 13))
    stats = got.stats()
    assert stats["rows"] == 12 and stats["groups"] == 4 and stats["duplicates"] == 0


def test_rows_defaults_group_and_ignored_scores(tmp_path) -> None:
    path = _jsonl(
        tmp_path / "my-labels.jsonl",
        [
            {"text": "We will fight on.", "target": "taliban", "label": "against"},
            # a `newsclf predict --file ... --with-input` line with a corrected label
            {"text": "Talks are welcome.", "target": "nrf", "label": "none",
             "scores": {"favor": 0.6, "against": 0.1, "none": 0.3}},
        ],
    )
    got = read_rows(path, "stance")
    assert got.rows[0] == {"text": "We will fight on.", "target": "taliban", "speaker": "", "side": "",
                           "group": "my-labels", "label": "against"}
    assert "scores" not in got.rows[1]


@pytest.mark.parametrize(
    ("lines", "needle"),
    [
        (['{"text": "a", "label": "none"', ], r"r.jsonl:1: not valid JSON"),
        (['{"text": "a", "label": "none"}', '[1]'], r"r.jsonl:2: expected a JSON object, got list"),
        (['', '{"text": "a", "label": "none", "lable": 1}'], r"r.jsonl:2: unknown field 'lable'; a stance row has text, target, speaker, side, group, label"),
        (['{"target": "nrf", "label": "none"}'], r"r.jsonl:1: missing required field 'text'"),
        (['{"text": "  ", "label": "none"}'], r"r.jsonl:1: field 'text' is empty"),
        (['{"text": "a"}'], r"r.jsonl:1: missing 'label' \(one of favor, against, none\)"),
        (['{"text": "a", "label": "pro"}'], r"r.jsonl:1: label 'pro' is not a stance label \(favor, against, none\)"),
        (['{"text": "a", "label": "none", "speaker": 3}'], r"r.jsonl:1: field 'speaker' must be a string, got int"),
    ],
)
def test_rows_errors_name_file_and_line(tmp_path, lines: list[str], needle: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=needle):
        read_rows(path, "stance")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("text,label,colour\na,content,red\n", r"r.csv:1: unknown column 'colour' in the header"),
        ("text,label,position\na,content,0.5\nb,content,high\n", r"r.csv:3: field 'position' must be a number, got 'high'"),
        ('text,label\n"two\nlines",content\nb,chrome\n', r"r.csv:4: label 'chrome' is not a boilerplate label"),
        ("text,label\na,content,extra\n", r"r.csv:2: 3 cells for 2 columns"),
        ("text,label\n", r"r.csv: no labelled rows"),
    ],
)
def test_rows_csv_errors_name_file_and_line(tmp_path, content: str, needle: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=needle):
        read_rows(path, "boilerplate")


def test_rows_skip_bad_keeps_the_good_lines(tmp_path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"text": "a", "label": "none"}\n{"text": "b", "label": "pro"}\nnot json\n'
                    '{"text": "c", "label": "favor"}\n', encoding="utf-8")
    got = read_rows(path, "stance", skip_bad=True)
    assert [r["text"] for r in got.rows] == ["a", "c"] and got.lines == [1, 4]
    assert [b["source"] for b in got.bad] == [f"{path}:2", f"{path}:3"]


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("r.txt", b"text\n", "unknown file type .txt; labelled rows are .jsonl or .csv"),
        ("r.jsonl", b"\xff\xfe\x00x", "not UTF-8 text"),
        ("r.jsonl", b"\n\n", "no labelled rows"),
        ("r.jsonl.gz", b"not gzip", "cannot read the file"),
    ],
)
def test_rows_bad_files(tmp_path, name: str, data: bytes, needle: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=needle):
        read_rows(path, "stance")


def test_rows_fields_are_the_task_inputs_and_label() -> None:
    for task, spec in TASKS.items():
        assert row_fields(task) == [*spec.inputs, "label"]


# ------------------------------------------------------------------ data configs


def _config(tmp_path: Path, sources: list[dict], tasks=("stance",), **split) -> dict:
    return {
        "name": "r",
        "tasks": list(tasks),
        "seed": 13,
        "sources": sources,
        "split": {"train": 0.5, "validation": 0.25, "test": 0.25, "group_by": "article", **split},
    }


@pytest.mark.parametrize(
    ("source", "tasks", "needle"),
    [
        ({"kind": "rows"}, ["stance"], "a 'rows' source needs 'paths'"),
        ({"kind": "rows", "paths": ["x"]}, ["stance", "boilerplate"], "needs 'task' \\(one of stance, boilerplate\\)"),
        ({"kind": "rows", "paths": ["x"], "task": "boilerplate"}, ["stance"], "task 'boilerplate' is not one of the config's tasks"),
        ({"kind": "rows", "paths": ["x"], "task": "sentiment"}, ["stance"], "unknown task 'sentiment'"),
        ({"kind": "rows", "paths": ["x"], "annotations": "a"}, ["stance"], "a 'rows' source takes paths, task, repeat and splits"),
        ({"kind": "files", "paths": ["x"], "task": "stance"}, ["stance"], "'task' is for 'rows' sources"),
        ({"kind": "rows", "paths": ["x"], "repeat": -1}, ["stance"], "repeat"),
    ],
)
def test_rows_config_errors(tmp_path, source: dict, tasks: list[str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        load_data_config(_config(tmp_path, [source], tasks))


@pytest.mark.parametrize("task", list(TASKS))
def test_rows_build_splits_by_group_for_any_task(tmp_path, task: str) -> None:
    path = _jsonl(tmp_path / "rows.jsonl", _rows(task, 40))
    res = build_dataset(_config(tmp_path, [{"kind": "rows", "paths": [str(path)]}], [task]),
                        output_root=tmp_path / "o")
    dd = load_dataset_dict("r", task, root=tmp_path / "o")
    owner = {}
    for split, ds in dd.items():
        for g in ds["group"][:]:
            assert owner.setdefault(g, split) == split
    assert sum(len(ds) for ds in dd.values()) == 40
    info = res.manifest["tasks"][task]
    assert info["groups_across_splits"] == 0
    assert all(set(s["label_sources"]) == {"gold"} for s in info["splits"].values() if s["rows"])
    [stats] = res.manifest["labelled_rows"]
    assert stats["files"][0]["rows"] == 40 and stats["task"] == task
    from newsclf.hashing import sha256_file

    assert res.manifest["inputs"] == [{"source": 0, "rows_file": "rows.jsonl", "sha256": sha256_file(path)}]


def test_rows_fingerprint_follows_content_not_place(tmp_path) -> None:
    rows = _rows("stance", 20)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _jsonl(tmp_path / "a" / "labels.jsonl", rows)
    b = _jsonl(tmp_path / "b" / "labels.jsonl", rows)
    fp = [
        build_dataset(_config(tmp_path, [{"kind": "rows", "paths": [str(p.parent)]}]),
                      output_root=tmp_path / f"o{i}").manifest["fingerprint"]
        for i, p in enumerate((a, b))
    ]
    assert fp[0] == fp[1]
    rows[3]["label"] = "favor" if rows[3]["label"] != "favor" else "none"
    _jsonl(b, rows)
    changed = build_dataset(_config(tmp_path, [{"kind": "rows", "paths": [str(b)]}]), output_root=tmp_path / "o2")
    assert changed.manifest["fingerprint"] != fp[0]


def test_rows_repeat_over_samples_train_rows_only(tmp_path) -> None:
    path = _jsonl(tmp_path / "rows.jsonl", _rows("stance", 40))
    once = build_dataset(_config(tmp_path, [{"kind": "rows", "paths": [str(path)]}]), output_root=tmp_path / "a")
    thrice = build_dataset(_config(tmp_path, [{"kind": "rows", "paths": [str(path)], "repeat": 3}]),
                           output_root=tmp_path / "b")
    s1, s3 = once.manifest["tasks"]["stance"], thrice.manifest["tasks"]["stance"]
    assert s3["splits"]["train"]["rows"] == 3 * s1["splits"]["train"]["rows"]
    for split in ("validation", "test"):
        assert s3["splits"][split]["content_sha256"] == s1["splits"][split]["content_sha256"]
    assert s3["repeated"] == {"source 1": 2 * s1["splits"]["train"]["rows"]} and "repeated" not in s1
    assert s3["groups_across_splits"] == 0
    assert once.manifest["fingerprint"] != thrice.manifest["fingerprint"]
    dd = load_dataset_dict("r", "stance", root=tmp_path / "b")
    texts = dd["train"]["text"][:]
    assert all(texts.count(t) == 3 for t in set(texts))


def test_rows_bad_line_in_a_build(tmp_path) -> None:
    path = tmp_path / "rows.jsonl"
    good = _rows("stance", 8)
    path.write_text("".join(json.dumps(r) + "\n" for r in good) + '{"text": "x", "label": "pro"}\n', encoding="utf-8")
    cfg = _config(tmp_path, [{"kind": "rows", "paths": [str(path)]}])
    with pytest.raises(InputError, match=r"rows.jsonl:9: label 'pro'"):
        build_dataset(cfg, output_root=tmp_path / "o")
    assert not (tmp_path / "o" / "r").exists()
    res = build_dataset(cfg, output_root=tmp_path / "o", skip_bad=True)
    assert [b["source"] for b in res.bad] == [f"{path}:9"]
    assert res.manifest["tasks"]["stance"]["rows"] == 8


# ------------------------------------------------------------------ the same rows as annotations

ARTICLES = {
    "kabul-1": (
        "Taliban enter the city\n\n“We have brought peace and security to every Afghan,” said Zabihullah "
        "Mujahid, the Taliban spokesman.\n\n“The resistance is a small group of rebels,” Mujahid added.\n",
        [("We have brought peace and security to every Afghan,", "Zabihullah Mujahid", "taliban",
          {"taliban": "favor", "nrf": "none"}),
         ("The resistance is a small group of rebels,", "Zabihullah Mujahid", "taliban",
          {"taliban": "none", "nrf": "against"})],
    ),
    "panjshir-2": (
        "Fighting in the valley\n\n“We will never surrender to the Taliban,” said Ahmad Massoud.\n",
        [("We will never surrender to the Taliban,", "Ahmad Massoud", "nrf", {"taliban": "against", "nrf": "favor"})],
    ),
    "saleh-3": (
        "Saleh speaks\n\n“They are terrorists and occupiers,” said Amrullah Saleh, the former vice "
        "president.\n\n“Talks are still possible,” he added.\n",
        [("They are terrorists and occupiers,", "Amrullah Saleh", "nrf", {"taliban": "against", "nrf": "none"}),
         ("Talks are still possible,", "Amrullah Saleh", "nrf", {"taliban": "none", "nrf": "none"})],
    ),
    "doha-4": (
        "Talks in Doha\n\n“We want an inclusive government,” said Suhail Shaheen, a Taliban negotiator.\n",
        [("We want an inclusive government,", "Suhail Shaheen", "taliban", {"taliban": "favor", "nrf": "none"})],
    ),
}


def test_rows_give_the_same_dataset_rows_as_equivalent_annotations(tmp_path, workdir) -> None:
    """A labelled-rows file and the same labels as gold annotations (by quote text) train on the
    same dataset rows, in every split."""
    from newsclf.pipeline.train import train

    articles, ann = tmp_path / "articles", tmp_path / "ann"
    articles.mkdir()
    ann.mkdir()
    rows = []
    for aid, (text, quotes) in ARTICLES.items():
        (articles / f"{aid}.txt").write_text(text, encoding="utf-8")
        gold = {"article_id": aid, "quotes_complete": True,
                "quotes": [{"text": q, "speaker": who, "side": side, "stance": stance}
                           for q, who, side, stance in quotes]}
        (ann / f"{aid}.json").write_text(json.dumps(gold), encoding="utf-8")
        rows += [{"text": q, "target": t, "speaker": who, "side": side, "group": aid, "label": lab}
                 for q, who, side, stance in quotes for t, lab in stance.items()]
    rows_file = _jsonl(tmp_path / "labels.jsonl", rows)
    split = {"train": 0.5, "validation": 0.25, "test": 0.25, "group_by": "article"}
    by_ann = build_dataset({"name": "ann", "tasks": ["stance"], "split": split,
                            "sources": [{"kind": "files", "paths": [str(articles)], "annotations": str(ann)}]})
    by_rows = build_dataset({"name": "rows", "tasks": ["stance"], "split": split,
                             "sources": [{"kind": "rows", "paths": [str(rows_file)]}]})
    assert by_ann.manifest["gold"]["labels"] == {"applied": 12, "fuzzy": 0, "added": 0, "unplaced": 0}
    assert by_ann.manifest["tasks"]["stance"]["rows"] == by_rows.manifest["tasks"]["stance"]["rows"] == 12
    a, b = load_dataset_dict("ann", "stance"), load_dataset_dict("rows", "stance")
    cols = [*TASKS["stance"].inputs, "label", "label_source", "split_group"]
    assert list(a) == list(b)
    for split_name in a:
        assert a[split_name].select_columns(cols).to_dict() == b[split_name].select_columns(cols).to_dict()
    assert by_ann.manifest["tasks"]["stance"]["splits"]["train"]["rows"] > 0
    # trained on either, the trainer sees the same rows
    runs = []
    for name in ("ann", "rows"):
        cfg = workdir / f"stance-{name}.yaml"
        cfg.write_text(json.dumps({"task": "stance", "dataset": name, "features": [{"name": "word_tfidf"}],
                                   "model": {"name": "logreg"}}), encoding="utf-8")
        runs.append(json.loads((train(cfg, n_boot=20) / "manifest.json").read_text(encoding="utf-8")))
    assert runs[0]["split_fingerprints"] == runs[1]["split_fingerprints"]
    assert runs[0]["data_content_fingerprint"] == runs[1]["data_content_fingerprint"]


def test_rows_predict_with_input_lines_feed_back(tmp_path, workdir) -> None:
    """`newsclf predict --file --with-input` lines, labels corrected, are a rows file."""
    from newsclf.cli import app
    from newsclf.pipeline.train import train

    path = _jsonl(tmp_path / "train.jsonl", _rows("stance", 24))
    build_dataset({"name": "p", "tasks": ["stance"], "sources": [{"kind": "rows", "paths": [str(path)]}]})
    cfg = workdir / "stance-p.yaml"
    cfg.write_text(json.dumps({"task": "stance", "dataset": "p", "features": [{"name": "word_tfidf"}],
                               "model": {"name": "logreg"}}), encoding="utf-8")
    run = train(cfg, n_boot=20)
    inputs = _jsonl(tmp_path / "in.jsonl", [{"text": "We will fight on.", "target": "taliban", "speaker": "X"}])
    res = runner.invoke(app, ["predict", str(run), "--file", str(inputs), "--with-input"])
    assert res.exit_code == 0, res.output
    line = json.loads(res.stdout.strip())
    assert line["text"] == "We will fight on." and set(line["scores"]) == {"favor", "against", "none"}
    line["label"] = "against"
    corrected = _jsonl(tmp_path / "corrected.jsonl", [line])
    assert read_rows(corrected, "stance").rows[0]["label"] == "against"


def test_rows_repeat_zero_and_source_splits_give_a_fair_baseline(tmp_path) -> None:
    """`repeat: 0` trains on none of a source's rows and `splits: [train]` keeps another source
    out of the test split: the baseline and the model trained with the rows share their test rows."""
    mine = _jsonl(tmp_path / "mine.jsonl", _rows("stance", 40))
    corpus = [dict(r, group=f"c-{i}", text=f"Corpus row {i}.") for i, r in enumerate(_rows("stance", 30))]
    other = _jsonl(tmp_path / "corpus.jsonl", corpus)

    def cfg(repeat: int) -> dict:
        return _config(tmp_path, [{"kind": "rows", "paths": [str(other)], "splits": ["train"]},
                                  {"kind": "rows", "paths": [str(mine)], "repeat": repeat}],
                       train=0.7, validation=0.0, test=0.3)

    with_rows = build_dataset(cfg(5), output_root=tmp_path / "a")
    baseline = build_dataset(cfg(0), output_root=tmp_path / "b")
    a, b = (m.manifest["tasks"]["stance"] for m in (with_rows, baseline))
    assert a["splits"]["test"]["content_sha256"] == b["splits"]["test"]["content_sha256"]
    test = load_dataset_dict("r", "stance", root=tmp_path / "b")["test"]
    assert all(t.startswith("Row number") for t in test["text"][:])  # only my rows are test rows
    assert a["left_out_by_source_splits"]["source 1"] > 0
    train_b = load_dataset_dict("r", "stance", root=tmp_path / "b")["train"]["text"][:]
    assert train_b and all(t.startswith("Corpus row") for t in train_b)
    n_mine = sum(t.startswith("Row number") for t in load_dataset_dict("r", "stance", root=tmp_path / "a")["train"]["text"][:])
    assert n_mine == 5 * -b["repeated"]["source 2"] and a["repeated"]["source 2"] == 4 * n_mine // 5


def test_rows_source_splits_must_name_a_split(tmp_path) -> None:
    with pytest.raises(ConfigError, match="give at least one split name"):
        load_data_config(_config(tmp_path, [{"kind": "rows", "paths": ["x"], "splits": []}]))
