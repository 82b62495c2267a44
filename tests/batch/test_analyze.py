"""``newsclf analyze`` in shards: the per-file JSON's content, failures, resuming; on a real Dask
LocalCluster the same bytes as one process, also when a worker or the client is killed mid-job."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsclf.batch import DaskCluster, InProcess, analyze_batch, read_records
from newsclf.batch.shards import OutputDir
from newsclf.cli import app
from newsclf.errors import NewsclfError


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_analyze_records_hold_the_per_file_json(tmp_path, monkeypatch, runs, models, make_corpus):
    from newsclf.analysis import Analyzer
    from newsclf.analysis_files import analyze_files

    monkeypatch.chdir(tmp_path)
    folder = make_corpus(tmp_path)
    (folder / "feed.jsonl").unlink()  # the one-file-per-article path stops at its bad lines
    result = analyze_batch([folder], "shards", models=models, partition_articles=4)
    assert result.manifest is not None and result.failures == []
    records = list(read_records("shards"))
    assert result.articles == len(records) == 5 + 1 + 14
    analyzer = Analyzer.load(runs["boilerplate"], runs["stance"], attribution="rules")
    written = analyze_files([folder], analyzer, "files")
    assert len(written) == len(records)
    for record, path in zip(records, written, strict=True):
        assert path.stem == record["id"]
        assert json.loads(path.read_text(encoding="utf-8")) == {
            k: v for k, v in record.items() if k not in ("id", "source")}
    assert [r["source"] for r in records][:2] == [os.path.join(str(folder), "a00.txt"), os.path.join(str(folder), "a01.txt")]
    assert "text" in next(r for r in records if r["id"] == "page")  # an HTML page carries its text
    assert sum(len(r["quotes"]) for r in records) == result.quotes > 0


def test_analyze_failures_are_reported_and_the_job_goes_on(tmp_path, monkeypatch, models, make_corpus):
    monkeypatch.chdir(tmp_path)
    folder = make_corpus(tmp_path)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    result = analyze_batch(["articles"], "out", models=models, fmt="parquet", partition_articles=5)
    assert result.manifest is not None
    assert [(f["source"], f["reason"][:22]) for f in result.failures] == [
        ("articles/empty.txt", "empty file (no text); "),
        ("articles/feed.jsonl:6", "not valid JSON (Expect"),
        ("articles/feed.jsonl:9", "the object has neither"),
    ]
    assert result.manifest["failures"] == result.failures
    assert result.articles == 5 + 1 + 11 + 14
    with pytest.raises(NewsclfError, match=r"articles/empty.txt: empty file .*--fail-fast"):
        analyze_batch(["articles"], "out2", models=models, partition_articles=5, fail_fast=True)


def test_analyze_rerun_skips_complete_shards_and_redoes_damaged_ones(tmp_path, monkeypatch, models, make_corpus):
    monkeypatch.chdir(tmp_path)
    make_corpus(tmp_path)
    out = Path("articles/out")  # inside the input folder: its shards are not read as input
    first = analyze_batch(["articles"], out, models=models, partition_articles=4)
    before = _files(out)
    again = analyze_batch(["articles"], out, models=models, partition_articles=4)
    assert (again.reused, again.computed_articles) == (first.partitions, 0)
    assert _files(out) == before
    shard = out / "part-00002.jsonl"
    shard.write_bytes(shard.read_bytes()[:-10])  # a damaged shard is redone, the others kept
    third = analyze_batch(["articles"], out, models=models, partition_articles=4)
    articles = json.loads(before["_parts/part-00002.json"])["articles"]
    assert third.reused == first.partitions - 1 and third.computed_articles == articles > 0
    assert _files(out) == before


def test_analyze_cli_shards_and_refusals(tmp_path, monkeypatch, runs, make_corpus):
    monkeypatch.chdir(tmp_path)
    make_corpus(tmp_path)
    args = ["analyze", "articles/*.txt", "articles/pages", "--boilerplate", str(runs["boilerplate"]),
            "--stance", str(runs["stance"]), "--attribution", "rules", "-o", "out"]
    done = CliRunner().invoke(app, [*args, "--format", "parquet", "--partition-size", "2"])
    assert done.exit_code == 0, done.output
    assert done.stdout.strip().endswith(os.path.join("out", "_SUCCESS"))
    assert "6 articles" in done.stderr and "in 3 partitions" in done.stderr
    assert [r["id"] for r in read_records("out")] == ["a00", "a01", "a02", "a03", "a04", "page"]
    other = CliRunner().invoke(app, [*args, "--format", "jsonl"])
    assert other.exit_code == 1 and "holds the output of another job (differs in format)" in other.stderr
    per_file = CliRunner().invoke(app, [*args[:-1], "files", "--format", "json", "--workers", "2"])
    assert per_file.exit_code == 1 and "use --format jsonl or parquet with --workers" in per_file.stderr


# ----------------------------------------------------------------------------- on a real cluster


PART = 2


@pytest.fixture(scope="module")
def big(tmp_path_factory, models, make_corpus, variant):
    """A corpus of 59 articles (files, a page, JSONL with bad lines, gzip JSONL, another JSONL) and
    its one-process JSON-lines output (partitions of 2 articles)."""
    root = tmp_path_factory.mktemp("big")
    folder = make_corpus(root)
    with open(folder / "wire.jsonl", "w", encoding="utf-8") as fh:
        for i in range(28):
            fh.write(json.dumps({"id": f"w{i}", "text": variant(300 + i)}) + "\n")
    out = root / "reference"
    analyze_batch([folder], out, models=models, executor=InProcess(), partition_articles=PART)
    return folder, out


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_analyze_on_a_local_cluster_equals_one_process(tmp_path, cluster, models, big, fmt):
    folder, reference = big
    if fmt == "parquet":
        reference = tmp_path / "one-process"
        analyze_batch([folder], reference, models=models, fmt=fmt, partition_articles=PART)
    with DaskCluster(scheduler=cluster.scheduler_address) as executor:
        result = analyze_batch([folder], tmp_path / "cluster", models=models, fmt=fmt, executor=executor,
                               partition_articles=PART)
    assert result.manifest is not None and result.partitions > 25
    assert _files(tmp_path / "cluster") == _files(reference)  # shards, records, manifest: byte for byte


def _records(out: Path) -> int:
    parts = out / "_parts"
    return len([p for p in parts.iterdir() if not p.name.startswith(".")]) if parts.is_dir() else 0


@pytest.mark.slow
def test_analyze_completes_when_a_worker_is_killed(tmp_path, cluster, models, big):
    folder, reference = big
    out = tmp_path / "cluster"
    outcome = {}
    with DaskCluster(scheduler=cluster.scheduler_address) as executor:
        pids = executor.client.run(os.getpid)

        def job() -> None:
            try:
                outcome["result"] = analyze_batch([folder], out, models=models, executor=executor,
                                                  partition_articles=PART)
            except BaseException as exc:  # reported by the assertion below
                outcome["error"] = exc

        worker = threading.Thread(target=job)
        worker.start()
        deadline = time.monotonic() + 120
        while _records(out) < 3 and time.monotonic() < deadline and worker.is_alive():
            time.sleep(0.02)
        assert not (out / "_SUCCESS").exists(), "the job finished before a worker could be killed"
        os.kill(next(iter(pids.values())), signal.SIGKILL)  # one of the cluster's worker processes
        worker.join(timeout=180)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["result"].manifest is not None
    assert _files(out) == _files(reference)  # every shard complete, the same bytes
    assert not [p for p in out.iterdir() if ".tmp-" in p.name]


@pytest.mark.slow
def test_analyze_rerun_after_a_killed_client_does_no_repeated_work(tmp_path, cluster, runs, models, big):
    folder, reference = big
    out = tmp_path / "out"
    cli = Path(sys.executable).with_name("newsclf")
    proc = subprocess.Popen(
        [str(cli), "analyze", str(folder), "--workers", "2", "--partition-size", str(PART), "-o", str(out),
         "--boilerplate", str(runs["boilerplate"]), "--stance", str(runs["stance"]), "--attribution", "rules"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while _records(out) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the client and the cluster it started
        proc.wait()
    assert not (out / "_SUCCESS").exists(), "the job finished before the client could be killed"
    for shard in out.glob("part-*.jsonl"):  # what is visible is whole
        data = shard.read_bytes()
        assert data.endswith(b"\n") and all(json.loads(line) for line in data.splitlines())
    job = json.loads((out / "_job.json").read_text(encoding="utf-8"))
    from newsclf.batch.plan import InputFile, plan_partitions
    from newsclf.data.readers import iter_files

    plan = plan_partitions([InputFile(str(f)) for f in iter_files([folder])], PART)
    done = OutputDir(out, "jsonl", job)
    complete = {p.index for p in plan if done.complete(p) is not None}
    assert len(complete) >= 3
    stamps = {i: os.stat(out / f"part-{i:05d}.jsonl").st_mtime_ns for i in complete}
    with DaskCluster(scheduler=cluster.scheduler_address) as executor:
        rerun = analyze_batch([folder], out, models=models, executor=executor, partition_articles=PART)
    assert rerun.reused == len(complete)
    assert rerun.computed_articles == rerun.articles - sum(
        json.loads((out / "_parts" / f"part-{i:05d}.json").read_text())["articles"] for i in complete)
    assert {i: os.stat(out / f"part-{i:05d}.jsonl").st_mtime_ns for i in complete} == stamps
    assert _files(out) == _files(reference)
