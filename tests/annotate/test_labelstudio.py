"""The Label Studio round trip: tasks and labelling config out, a labelled export back as gold.

The stored export (``fixtures/label-studio-export-seed.json``) was produced by a real Label Studio
1.23.2 server by :func:`test_labelstudio_real_server_round_trip` (``NEWSCLF_UPDATE_FIXTURES=1``):
the seed task exported by ``newsclf annotate export`` (pre-labelled by the quickstart models),
imported into a project with the exported labelling config, annotated through Label Studio's
API with the seed's hand labels (what an annotator submits from the labelling screen), and
exported as JSON. It holds only the seed article's text, the models' predictions and those labels.

Tests that need Label Studio (``pip install label-studio`` in its own environment: it pins other
versions of numpy and pandas than newsclf) find it through ``NEWSCLF_LABEL_STUDIO`` (the
``label-studio`` executable) or on PATH, and skip with a reason otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsclf import settings
from newsclf.data.annotations import load_annotations, load_gold, text_sha256
from newsclf.data.readers import article_from_text, read_articles
from newsclf.errors import InputError
from newsclf.labelstudio import (
    article_task,
    export_articles,
    gold_from_task,
    import_export,
    label_config,
    read_export,
)

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "label-studio-export-seed.json"
SEED_ID = "panjshir-nrf-2021-09"
SEED_GOLD = settings.shipped_annotations_dir() / f"{SEED_ID}.json"
TARGETS = ["taliban", "nrf"]

runner = CliRunner()


def _app():
    from newsclf.cli import app

    return app


def _hand_gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


def _seed():
    [article] = read_articles(settings.seed_article_path())
    return article


def _analysis_from_gold(gold) -> dict:
    """The hand labels of a placed gold in the /analyze shape (what an annotator ends up with)."""
    return {
        "sentences": [
            {"start": s.start, "end": s.end, "text": s.text, "label": s.label} for s in gold.sentences
        ],
        "quotes": [
            {
                "start": q.start,
                "end": q.end,
                "text": q.text,
                "speaker": q.speaker,
                "side": q.side,
                "fragment": q.fragment,
                "stance": {t: {"label": lab} for t, lab in (q.stance or {}).items()},
            }
            for q in gold.quotes
        ],
    }


def _hand_result(article) -> list[dict]:
    """The annotation result an annotator submits for ``article``: its hand gold as regions."""
    gold = load_gold(article, settings.shipped_annotations_dir())
    return article_task(article, _analysis_from_gold(gold))["predictions"][0]["result"]


@pytest.fixture(scope="module")
def quickstart_models(tmp_path_factory):
    """The quickstart boilerplate and stance models, trained on the seed by the real trainer."""
    from newsclf.analysis import Analyzer
    from newsclf.pipeline.train import train

    root = tmp_path_factory.mktemp("qs")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.setenv("NEWSCLF_DATA", str(root / "data"))
        mp.setenv("NEWSCLF_MODELS", str(root / "models"))
        runs = {
            task: train(f"newsclf:configs/quickstart/{task}-logreg.yaml", n_boot=50)
            for task in ("boilerplate", "stance")
        }
    return runs, Analyzer.load(runs["boilerplate"], runs["stance"])


# ------------------------------------------------------------------ config and tasks


def test_labelstudio_config_has_a_control_per_target_and_side() -> None:
    from lxml import etree

    root = etree.fromstring(label_config(["taliban", "nrf"], ["taliban", "nrf", "other"]).encode())
    names = [el.get("name") for el in root.iter() if el.get("name")]
    assert len(names) == len(set(names))
    assert {"text", "sentence", "quote", "speaker", "side", "stance_taliban", "stance_nrf"} == set(names)
    per_region = {el.get("name") for el in root.iter() if el.get("perRegion") == "true"}
    assert per_region == {"speaker", "side", "stance_taliban", "stance_nrf"}
    side = root.find(".//Choices[@name='side']")
    assert [c.get("value") for c in side] == ["taliban", "nrf", "other"]
    assert all(el.get("toName") == "text" for el in root.iter() if el.get("toName"))


def test_labelstudio_task_regions_follow_the_analysis() -> None:
    text = "“We will never surrender,” said Ahmad Massoud. Sign up now!"
    article = article_from_text(text, "a1", "a1.txt")
    analysis = {
        "sentences": [
            {"start": 0, "end": 46, "text": text[:46], "label": "content", "score": 0.9},
            {"start": 47, "end": len(text), "text": text[47:], "label": "boilerplate", "score": 0.6},
        ],
        "quotes": [
            {
                "start": 1, "end": 25, "text": text[1:25], "speaker": "Ahmad Massoud", "side": "nrf",
                "fragment": False,
                "stance": {
                    "taliban": {"label": "against", "scores": {"favor": 0.1, "against": 0.55, "none": 0.35}},
                    "nrf": {"label": "favor", "scores": {"favor": 0.8, "against": 0.1, "none": 0.1}},
                },
            }
        ],
    }
    task = article_task(article, analysis, "m1")
    assert task["data"] == {"text": text, "article_id": "a1", "source": "a1.txt", "sha256": text_sha256(text)}
    [pred] = task["predictions"]
    assert pred["model_version"] == "m1" and pred["score"] == 0.55  # the least confident region
    by = {(r["id"], r["from_name"]): r for r in pred["result"]}
    assert by[("s1", "sentence")]["value"]["labels"] == ["boilerplate"]
    assert by[("q0", "quote")]["value"] == {"start": 1, "end": 25, "text": "We will never surrender,", "labels": ["quote"]}
    assert by[("q0", "speaker")]["value"]["text"] == ["Ahmad Massoud"]
    assert by[("q0", "side")]["value"]["choices"] == ["nrf"]
    assert by[("q0", "stance_taliban")]["value"]["choices"] == ["against"]
    assert by[("q0", "stance_taliban")]["score"] == 0.55
    # read back as if the annotator accepted the prediction
    gold = gold_from_task({**task, "annotations": [{"id": 1, "result": pred["result"]}]})
    assert gold["quotes"] == [
        {"start": 1, "end": 25, "text": "We will never surrender,", "speaker": "Ahmad Massoud", "side": "nrf",
         "fragment": False, "stance": {"taliban": "against", "nrf": "favor"}}
    ]
    assert [s["label"] for s in gold["sentences"]] == ["content", "boilerplate"]


def test_labelstudio_offsets_are_utf16_code_units() -> None:
    text = "😀 Intro line.\n\n“We will win,” he said. 🎉"
    article = article_from_text(text, "emoji")
    start = text.index("We")
    quote = {"start": start, "end": start + 12, "text": "We will win,", "speaker": None, "side": None,
             "fragment": False, "stance": {"nrf": {"label": "favor"}}}
    task = article_task(article, {"sentences": [], "quotes": [quote]})
    value = task["predictions"][0]["result"][0]["value"]
    assert (value["start"], value["end"]) == (start + 1, start + 13)  # one emoji before: +1 unit
    gold = gold_from_task({**task, "annotations": [{"result": task["predictions"][0]["result"]}]})
    assert (gold["quotes"][0]["start"], gold["quotes"][0]["end"]) == (start, start + 12)
    assert text[gold["quotes"][0]["start"] : gold["quotes"][0]["end"]] == "We will win,"


def test_labelstudio_export_orders_tasks_least_confident_first(quickstart_models, tmp_path) -> None:
    runs, models = quickstart_models
    other = tmp_path / "other.txt"
    other.write_text(
        "Fighting in the valley\n\n“We have taken control of the whole province,” said Zabihullah "
        "Mujahid, the Taliban spokesman.\n\nRead more\n",
        encoding="utf-8",
    )

    tasks = export_articles([settings.seed_article_path(), other], models, TARGETS,
                            " + ".join(p.name for p in runs.values()))
    scores = [t["predictions"][0]["score"] for t in tasks]
    assert scores == sorted(scores) and len(tasks) == 2
    for t in tasks:
        pred = t["predictions"][0]
        regions = [r for r in pred["result"] if "score" in r]
        assert min(r["score"] for r in regions) == pred["score"]
        assert "boilerplate-logreg" in pred["model_version"] and "stance-logreg" in pred["model_version"]
    [seed] = [t for t in tasks if t["data"]["article_id"] == SEED_ID]
    quotes = [r for r in seed["predictions"][0]["result"] if r["from_name"] == "quote"]
    assert [r["value"]["labels"][0] for r in quotes].count("fragment") == 3 and len(quotes) == 8


# ------------------------------------------------------------------ import


def test_labelstudio_stored_real_export_gives_the_hand_gold(tmp_path) -> None:
    """The judged round trip, without Label Studio installed: a real export back to the seed gold."""
    export = read_export(FIXTURE)
    [task] = export
    # it is Label Studio's own export format, not ours
    assert {"id", "annotations", "predictions", "data", "created_at", "updated_at", "project"} <= set(task)
    [ann] = task["annotations"]
    assert {"id", "result", "completed_by", "was_cancelled", "lead_time", "created_at"} <= set(ann)
    # the annotator corrected some predicted stances
    predicted = task["annotations"][0]["prediction"]["result"]
    assert [r["value"] for r in predicted if r["from_name"].startswith("stance_")] != [
        r["value"] for r in ann["result"] if r["from_name"].startswith("stance_")
    ]
    result = import_export(FIXTURE, tmp_path / "ann")
    [path] = result.written
    got, want = json.loads(path.read_text(encoding="utf-8")), _hand_gold()
    assert json.dumps(got["sentences"]) == json.dumps(want["sentences"])  # same values, same order
    assert json.dumps(got["quotes"]) == json.dumps(want["quotes"])
    assert got["sha256"] == want["sha256"] and got["article_id"] == SEED_ID
    assert got["quotes_complete"] is True
    assert result.counts[SEED_ID] == {"sentences": 20, "quotes": 8, "stance": 10}
    # and the imported gold builds the same rows as the hand gold
    from newsclf.data.build import build_dataset, load_dataset_dict

    def build(folder: Path, name: str):
        cfg = {
            "name": name, "tasks": ["boilerplate", "stance"],
            "sources": [{"kind": "files", "paths": [str(settings.seed_article_path())], "annotations": str(folder)}],
            "split": {"train": 0.6, "validation": 0.2, "test": 0.2, "group_by": "block"},
        }
        res = build_dataset(cfg, output_root=tmp_path / "data")
        return res, {t: load_dataset_dict(name, t, root=tmp_path / "data") for t in ("boilerplate", "stance")}

    a, rows_a = build(tmp_path / "ann", "imported")
    b, rows_b = build(settings.shipped_annotations_dir(), "hand")
    assert a.manifest["gold"]["labels"] == b.manifest["gold"]["labels"] == {
        "applied": 30, "fuzzy": 0, "added": 0, "unplaced": 0
    }
    for t in rows_a:
        assert {s: rows_a[t][s].to_dict() for s in rows_a[t]} == {s: rows_b[t][s].to_dict() for s in rows_b[t]}


def _seed_task(result: list[dict], **annotation) -> dict:
    article = _seed()
    task = article_task(article, {"sentences": [], "quotes": []})
    return {**task, "id": 7, "annotations": [{"id": 1, "result": result, **annotation}]}


def test_labelstudio_import_takes_the_newest_submitted_annotation(tmp_path) -> None:
    article = _seed()
    hand = _hand_result(article)
    changed = json.loads(json.dumps(hand))
    for r in changed:
        if r["from_name"] == "stance_nrf" and r["id"] == "q6":
            r["value"]["choices"] = ["favor"]
    task = _seed_task(hand, updated_at="2026-01-02T00:00:00Z")
    task["annotations"] += [
        {"id": 2, "result": changed, "updated_at": "2026-01-03T00:00:00Z", "was_cancelled": True},
        {"id": 3, "result": changed, "updated_at": "2026-01-01T00:00:00Z"},
    ]
    gold = gold_from_task(task)
    assert gold["quotes"] == _hand_gold()["quotes"]  # annotation 1: newest not cancelled
    assert "annotation 1" in gold["notes"]


def test_labelstudio_deleted_and_added_quotes(tmp_path) -> None:
    """A predicted quote the annotator deleted is no quote; a region they added is one."""
    article = _seed()
    hand = [r for r in _hand_result(article) if r["id"] != "q6"]  # "We need their expertise," deleted
    words = "refused to surrender"
    start = article.text.index(words)
    span = {"start": start, "end": start + len(words), "text": words}
    hand.append({"id": "new1", "from_name": "quote", "to_name": "text", "type": "labels",
                 "value": {**span, "labels": ["quote"]}})
    hand.append({"id": "new1", "from_name": "stance_nrf", "to_name": "text", "type": "choices",
                 "value": {**span, "choices": ["favor"]}})
    result = import_export([_seed_task(hand)], tmp_path / "ann")
    gold = load_annotations(result.written[0])
    assert gold.quotes_complete and len(gold.quotes) == 8
    from newsclf.data.document import process_article
    from newsclf.data.gold_matching import apply_gold

    processed, labels, report = apply_gold(process_article(article), gold, TARGETS)
    texts = [q.text for q in processed.quotes]
    assert "We need their expertise," not in texts and words in texts
    assert labels.stance[(start, start + len(words), "nrf")] == "favor"
    assert report.left_out_quotes == 1 and report.quotes["added"] == 1
    assert report.stance["added"] == 1 and report.stance["applied"] == 8


def test_labelstudio_import_keeps_or_refuses_existing_gold(tmp_path) -> None:
    out = tmp_path / "ann"
    first = import_export(FIXTURE, out)
    assert len(first.written) == 1
    again = import_export(FIXTURE, out)
    assert again.unchanged == first.written and not again.written
    path = first.written[0]
    edited = path.read_text(encoding="utf-8").replace('"content"', '"boilerplate"', 1)
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(InputError, match="a different gold file exists.*--overwrite"):
        import_export(FIXTURE, out)
    assert path.read_text(encoding="utf-8") == edited  # nothing lost
    assert import_export(FIXTURE, out, overwrite=True).written == [path]
    assert path.read_text(encoding="utf-8") != edited


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{oops", r"x.json:1: not valid JSON"),
        ('{"tasks": []}', "not a Label Studio JSON export"),
        ("[1, 2]", "not a Label Studio JSON export"),
    ],
)
def test_labelstudio_import_refuses_what_is_no_export(tmp_path, content: str, needle: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=needle):
        import_export(path, tmp_path / "ann")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda r: r["value"].update(end=99_999), "region s0: offsets 0:99999 are outside the text"),
        (lambda r: r["value"].update(labels=["chrome"]), "region s0: sentence label \\['chrome'\\] is not one of"),
    ],
)
def test_labelstudio_import_bad_regions_name_task_and_region(tmp_path, change, needle: str) -> None:
    result = _hand_result(_seed())
    change(result[0])
    with pytest.raises(InputError, match=f"task 7, {needle}"):
        import_export([_seed_task(result)], tmp_path / "ann")
    assert not (tmp_path / "ann").exists() or not list((tmp_path / "ann").iterdir())


def test_labelstudio_cli_export_and_import(quickstart_models, workdir) -> None:
    runs, _ = quickstart_models
    res = runner.invoke(
        _app(),
        ["annotate", "export", "newsclf:seeds/", "--boilerplate", str(runs["boilerplate"]),
         "--stance", str(runs["stance"]), "-o", "ls/tasks.json"],
    )
    assert res.exit_code == 0, res.output
    assert res.stdout.split() == ["ls/tasks.json", "ls/tasks.xml"]
    assert f"{SEED_ID}: 20 sentences, 8 quotes" in res.stderr
    tasks = json.loads((workdir / "ls" / "tasks.json").read_text(encoding="utf-8"))
    assert tasks[0]["data"]["article_id"] == SEED_ID
    res = runner.invoke(_app(), ["annotate", "import", str(FIXTURE)])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(workdir / "data" / "annotations" / f"{SEED_ID}.json")
    assert "20 sentences, 8 quotes, 10 stance labels" in res.stderr
    res = runner.invoke(_app(), ["annotate", "import", str(workdir / "ls" / "tasks.json")])
    assert res.exit_code == 1 and "no task has a submitted annotation" in res.stderr


# ------------------------------------------------------------------ against Label Studio itself


def _label_studio() -> Path | None:
    exe = os.environ.get("NEWSCLF_LABEL_STUDIO") or shutil.which("label-studio")
    return Path(exe) if exe and Path(exe).is_file() else None


def _sdk_python() -> str | None:
    """A Python with label_studio_sdk: this one, or the one beside the label-studio executable."""
    import importlib.util

    if importlib.util.find_spec("label_studio_sdk") is not None:
        return sys.executable
    exe = _label_studio()
    if exe is not None:
        for name in ("python", "python3"):
            if (exe.parent / name).is_file():
                return str(exe.parent / name)
    return None


_VALIDATE = """
import json, sys
from label_studio_sdk.label_interface import LabelInterface
config, tasks, export = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
li = LabelInterface(config)
li.validate()
errors = [e for t in tasks for p in t["predictions"] for e in li.validate_prediction(p, return_errors=True)]
errors += [e for t in export for a in t["annotations"] for e in li.validate_prediction(a, return_errors=True)]
bad = json.loads(json.dumps(tasks[0]["predictions"][0]))
bad["result"][0]["value"]["labels"] = ["chrome"]
print(json.dumps({"errors": errors, "bad": li.validate_prediction(bad, return_errors=True)}))
"""


def test_labelstudio_sdk_accepts_config_tasks_and_export(quickstart_models, tmp_path) -> None:
    """Label Studio's own validator (label_studio_sdk.LabelInterface) on what newsclf writes."""
    python = _sdk_python()
    if python is None:
        pytest.skip("label_studio_sdk not found (pip install label-studio in an environment and set "
                    "NEWSCLF_LABEL_STUDIO to its label-studio executable)")

    _, models = quickstart_models
    tasks = export_articles([settings.seed_article_path()], models, TARGETS)
    (tmp_path / "config.xml").write_text(label_config(TARGETS), encoding="utf-8")
    (tmp_path / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    out = subprocess.run(
        [python, "-c", _VALIDATE, str(tmp_path / "config.xml"), str(tmp_path / "tasks.json"), str(FIXTURE)],
        capture_output=True, text=True, timeout=300, check=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["errors"] == []
    assert report["bad"] and "valid labels: ['content', 'boilerplate']" in report["bad"][0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def label_studio_round_trip(exe: Path, config: str, tasks: list[dict], results: dict[str, list[dict]],
                            workdir: Path, timeout: float = 900) -> list[dict]:
    """Start Label Studio on 127.0.0.1, create a project with ``config``, import ``tasks``, submit
    ``results[article_id]`` as each task's annotation through the API, and return the JSON export."""
    import httpx

    port, token = _free_port(), "newsclf-test-token"
    env = {**os.environ, "LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false", "SENTRY_DSN": "",
           "FRONTEND_SENTRY_DSN": "", "LABEL_STUDIO_BASE_DATA_DIR": str(workdir / "ls-data")}
    log = (workdir / "label-studio.log").open("wb")
    proc = subprocess.Popen(
        [str(exe), "start", "--no-browser", "--data-dir", str(workdir / "ls-data"), "--port", str(port),
         "--internal-host", "127.0.0.1", "--username", "annotator@example.com", "--password", "newsclf-test",
         "--user-token", token, "--enable-legacy-api-token"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Token {token}"},
                              timeout=120)
        deadline = time.monotonic() + timeout
        while True:
            assert proc.poll() is None, (workdir / "label-studio.log").read_text(errors="replace")[-2000:]
            try:
                if client.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "Label Studio did not start in time"
            time.sleep(2)
        project = client.post("/api/projects", json={"title": "newsclf", "label_config": config})
        assert project.status_code == 201, project.text
        pid = project.json()["id"]
        imported = client.post(f"/api/projects/{pid}/import", json=tasks)
        assert imported.status_code == 201, imported.text
        listed = client.get("/api/tasks", params={"project": pid}).json()["tasks"]
        for t in listed:
            ann = client.post(f"/api/tasks/{t['id']}/annotations",
                              json={"result": results[t["data"]["article_id"]], "lead_time": 60.0})
            assert ann.status_code == 201, ann.text
        export = client.get(f"/api/projects/{pid}/export", params={"exportType": "JSON"})
        assert export.status_code == 200, export.text
        return export.json()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()


@pytest.mark.slow
def test_labelstudio_real_server_round_trip(quickstart_models, tmp_path) -> None:
    """export -> a real Label Studio (project, import, annotate, JSON export) -> import: the hand gold.

    With NEWSCLF_UPDATE_FIXTURES=1 the export replaces the stored fixture. Starting a fresh Label
    Studio (database migrations) takes 1-3 minutes.
    """
    exe = _label_studio()
    if exe is None:
        pytest.skip("Label Studio not installed (pip install label-studio in its own environment and "
                    "set NEWSCLF_LABEL_STUDIO to its label-studio executable)")

    _, models = quickstart_models
    article = _seed()
    tasks = export_articles([settings.seed_article_path()], models, TARGETS)
    config = label_config(TARGETS, [*TARGETS, "other"])
    export = label_studio_round_trip(exe, config, tasks, {SEED_ID: _hand_result(article)}, tmp_path)
    result = import_export(export, tmp_path / "ann")
    got = json.loads(result.written[0].read_text(encoding="utf-8"))
    want = _hand_gold()
    assert (got["sentences"], got["quotes"]) == (want["sentences"], want["quotes"])
    if os.environ.get("NEWSCLF_UPDATE_FIXTURES") == "1":
        FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        FIXTURE.write_text(json.dumps(export, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    stored = read_export(FIXTURE)  # the stored export has the shape this Label Studio writes
    assert set(export[0]) == set(stored[0])
    assert set(export[0]["annotations"][0]) == set(stored[0]["annotations"][0])
