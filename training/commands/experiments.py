"""Commands ``train``, ``evaluate``, ``predict``, ``runs`` and ``compare``: thin wrappers over
:mod:`newsclf.pipeline` and :mod:`newsclf.comparison`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from newsclf.commands._common import user_errors
from newsclf.errors import NewsclfError

__all__ = ["register"]


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


def train_cmd(
    config: Annotated[Path, typer.Argument(help="Experiment config (configs/<task>/*.yaml).")],
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override: --set model.C=0.5 (repeatable).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Run directory to create (default models/<run-id>/).")] = None,
) -> None:
    """Train CONFIG, evaluate on validation and test, write a run directory (printed last)."""
    from newsclf.pipeline.train import train

    run = train(config, set_ or (), output=output, log=_err)
    typer.echo(f"report: {run / 'report.html'}", err=True)
    typer.echo(str(run))


def evaluate_cmd(
    run: Annotated[Path, typer.Argument(help="Run directory.")],
    dataset: Annotated[str | None, typer.Option(help="Dataset name under data/ (default: the run's).")] = None,
    split: Annotated[str, typer.Option(help="Split to evaluate.")] = "test",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Report directory to create.")] = None,
) -> None:
    """Re-evaluate RUN (hashes checked first) and write a new report; prints its directory."""
    from newsclf.pipeline.evaluate import evaluate_run

    out = evaluate_run(run, dataset=dataset, split=split, output=output)
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    s = metrics["splits"][split]
    _err(f"{split}: n={s['n']} accuracy={s['accuracy']:.3f} macro_f1={s['macro_f1']:.3f}"
         + (f" f_avg={s['f_avg']:.3f}" if "f_avg" in s else ""))
    typer.echo(str(out))


def _read_records(path: Path) -> list[dict]:
    records = []
    stream = sys.stdin if str(path) == "-" else None
    try:
        lines = stream.read().splitlines() if stream else path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise NewsclfError(f"{path}: cannot read ({exc})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError as exc:
            raise NewsclfError(f"{path}, line {n}: not a JSON object ({exc.args[0]}); each line must look "
                               'like {"text": "...", "target": "taliban"}') from None
        if not isinstance(rec, dict):
            raise NewsclfError(f"{path}, line {n}: expected a JSON object, got {type(rec).__name__}")
        records.append(rec)
    return records


def predict_cmd(
    run: Annotated[Path, typer.Argument(help="Run directory.")],
    texts: Annotated[list[str] | None, typer.Argument(help="Texts to classify.")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="JSON lines with the task's input fields ('-' = stdin).")] = None,
    target: Annotated[str | None, typer.Option(help="Stance target for TEXT arguments (e.g. taliban).")] = None,
) -> None:
    """Print one JSON line {"label", "scores"} per input."""
    from newsclf.pipeline.predict import predict_records
    from newsclf.pipeline.runs import load_run

    if not texts and file is None:
        raise NewsclfError("give TEXT arguments or --file FILE (JSON lines)")
    records = [{"text": t, **({"target": target} if target else {})} for t in texts or []]
    if file is not None:
        records += _read_records(file)
    loaded = load_run(run)
    try:
        results = predict_records(loaded.model, loaded.task, records)
    except ValueError as exc:
        raise NewsclfError(f"bad input: {exc}") from None
    for res in results:
        typer.echo(json.dumps(res, ensure_ascii=False))


def runs_cmd(
    models: Annotated[Path | None, typer.Option(help="Models directory (default NEWSCLF_MODELS or ./models).")] = None,
    task: Annotated[str | None, typer.Option(help="Only runs of this task.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """List runs with task, config, data fingerprint and headline metric."""
    from rich.console import Console
    from rich.table import Table

    from newsclf.pipeline.runs import list_runs

    rows = [r for r in list_runs(models) if not task or r["task"] == task]
    if as_json:
        for r in rows:
            typer.echo(json.dumps(r))
        return
    if not rows:
        _err("no runs yet: train one with `newsclf train CONFIG` or `newsclf quickstart`")
        return
    table = Table()
    for col in ("run", "task", "config", "dataset", "data", "metric", "value"):
        table.add_column(col, overflow="fold")
    for r in rows:
        value = f"{r['value']:.3f}" if isinstance(r["value"], float) else "-"
        table.add_row(r["run_id"], r["task"] or "", r["config"] or "", r["dataset"] or "",
                      r["data_fingerprint"], r["metric"] or "", value)
    Console(width=200).print(table)


def compare_cmd(
    runs: Annotated[list[Path] | None, typer.Argument(help="Run directories.")] = None,
    task: Annotated[str | None, typer.Option(help="Compare all runs of this task.")] = None,
    metric: Annotated[str | None, typer.Option(
        help="macro_f1, accuracy, f_avg or f1:<label> (default: the task's headline metric).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | md | json | html")] = "table",
    force: Annotated[bool, typer.Option(help="List runs even when their test data differ.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write md/json/html to this file.")] = None,
) -> None:
    """Rank runs by METRIC with intervals, difference to the best and paired significance."""
    from newsclf.comparison.compare import compare_runs, render
    from newsclf.pipeline.runs import list_runs

    if fmt not in ("table", "md", "json", "html"):
        raise NewsclfError(f"--format {fmt!r}: use table, md, json or html")
    paths = list(runs or [])
    if task:
        found = [r for r in list_runs() if r["task"] == task]
        if found and not force:
            # runs of the task evaluated on the same test data as the newest one
            latest = found[-1]["test_fingerprint"]
            same = [r for r in found if r["test_fingerprint"] == latest]
            if len(same) < len(found):
                _err(f"comparing the {len(same)} {task} runs on the newest test data; "
                     f"{len(found) - len(same)} older runs on other data skipped (--force lists all)")
            found = same
        paths += [Path(r["path"]) for r in found]
    if not paths:
        raise NewsclfError("give run directories or --task TASK (see `newsclf runs`)")
    if metric is None:  # the task's headline: macro_f1, accuracy for attribution (per quote)
        from newsclf.pipeline.runs import load_run
        from newsclf.tasks import get_task

        metric = get_task(load_run(paths[0], load_model=False).task).headline
    result = compare_runs(paths, metric=metric, force=force)
    if fmt == "table":
        import shutil

        from rich.console import Console

        from newsclf.comparison.compare import table_width

        width = max(shutil.get_terminal_size((100, 24)).columns, min(table_width(result), 240))
        Console(width=width).print(render(result, "table"))
        return
    text = render(result, fmt)
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(str(output))
    else:
        typer.echo(text)


def register(app: typer.Typer) -> None:
    app.command("train")(user_errors(train_cmd))
    app.command("evaluate")(user_errors(evaluate_cmd))
    app.command("predict")(user_errors(predict_cmd))
    app.command("runs")(user_errors(runs_cmd))
    app.command("compare")(user_errors(compare_cmd))
