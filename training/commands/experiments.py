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


QUIET = typer.Option("--quiet", "-q", help="No progress bars or progress lines (bars are off anyway when stderr is not a terminal).")


def train_cmd(
    config: Annotated[Path, typer.Argument(help="Experiment config (configs/<task>/*.yaml).")],
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override: --set model.C=0.5 (repeatable).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Run directory to create (default models/<run-id>/).")] = None,
    cv: Annotated[int | None, typer.Option("--cv", min=2, help="Also score by grouped K-fold cross-validation over every labelled row and rank the run by it (for datasets too small for a held-out test split).")] = None,
    quiet: Annotated[bool, QUIET] = False,
) -> None:
    """Train CONFIG, evaluate on validation and test, write a run directory (printed last)."""
    from newsclf.pipeline.train import train
    from newsclf.progress import reporting

    with reporting(quiet=quiet):
        run = train(config, set_ or (), output=output, log=None if quiet else _err, cv=cv)
    if not quiet:
        typer.echo(f"report: {run / 'report.html'}", err=True)
    typer.echo(str(run))


def evaluate_cmd(
    run: Annotated[Path, typer.Argument(help="Run directory.")],
    dataset: Annotated[str | None, typer.Option(help="Dataset name under data/ (default: the run's).")] = None,
    split: Annotated[str, typer.Option(help="Split to evaluate.")] = "test",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Report directory to create.")] = None,
    quiet: Annotated[bool, QUIET] = False,
) -> None:
    """Re-evaluate RUN (hashes checked first) and write a new report; prints its directory."""
    from newsclf.pipeline.evaluate import evaluate_run
    from newsclf.progress import reporting

    with reporting(quiet=quiet):
        out = evaluate_run(run, dataset=dataset, split=split, output=output)
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    s = metrics["splits"][split]
    if not quiet:
        _err(f"{split}: n={s['n']} accuracy={s['accuracy']:.3f} macro_f1={s['macro_f1']:.3f}"
             + (f" f_avg={s['f_avg']:.3f}" if "f_avg" in s else ""))
        for w in (s.get("adequacy") or {}).get("warnings", []):
            _err(f"warning: {w}")
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
    with_input: Annotated[bool, typer.Option("--with-input", help="Echo each input's fields before label and scores: correct the labels and train on the file (data source kind: rows).")] = False,
) -> None:
    """Print one JSON line {"label", "scores"} per input."""
    from newsclf.pipeline.predict import missing_targets, predict_records
    from newsclf.pipeline.runs import load_run

    if not texts and file is None:
        raise NewsclfError("give TEXT arguments or --file FILE (JSON lines)")
    records = [{"text": t, **({"target": target} if target else {})} for t in texts or []]
    if file is not None:
        records += _read_records(file)
    loaded = load_run(run)
    missing = missing_targets(loaded.task, records)
    if missing:
        from newsclf.pipeline.predict import target_hint

        first = missing[0]
        where = (f"TEXT argument {first + 1}" if first < len(texts or []) else
                 f"{file}, record {first - len(texts or []) + 1}")
        raise NewsclfError(f"{where}: a {loaded.task} prediction needs a target (--target NAME for TEXT "
                           f"arguments, a \"target\" field in --file lines); {target_hint()}")
    try:
        results = predict_records(loaded.model, loaded.task, records)
    except ValueError as exc:
        raise NewsclfError(f"bad input: {exc}") from None
    for rec, res in zip(records, results, strict=True):
        typer.echo(json.dumps({**rec, **res} if with_input else res, ensure_ascii=False))


runs_app = typer.Typer(help="List, remove, garbage-collect or convert runs (models/<run-id>/).")

_MODELS = typer.Option(help="Models directory (default NEWSCLF_MODELS or ./models).")


def _runs_renderables(rows: list[dict], width: int) -> list:
    """Rich renderables for ``newsclf runs``: the runs table with the differing parameters as
    columns when they fit ``width``, else sideways in a table of their own; then the warnings."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from newsclf.pipeline.catalog import runs_table

    lay = runs_table(rows)
    head, body, params = lay["head"], lay["body"], lay["params"]

    def table(h, b, title=None):
        t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1))
        for name in h:
            t.add_column(name, overflow="fold", justify="right" if name in ("#", "n") else "left",
                         style="yellow" if name == "note" else None,
                         min_width=14 if name.endswith("[95% CI]") else
                         {"run": 22, "config": 12, "overrides": 10, "parameter": 14, "note": 5}.get(name))
        for row in b:
            t.add_row(*row)
        return t

    wide_head = head + [k for k, _ in params]
    wide_body = [row + [v[i] for _, v in params] for i, row in enumerate(body)]
    need = sum(max(len(c) for c in col) + 3 for col in zip(wide_head, *wide_body, strict=True))
    if need <= width or not params:
        out = [table(wide_head, wide_body, lay["title"])]
    else:
        out = [table(head, body, lay["title"]),
               table(["parameter", *[f"#{i}" for i in range(1, len(body) + 1)]],
                     [[k, *v] for k, v in params], "parameters that differ between these runs")]
    for code, ids, w in lay["warnings"]:
        out.append(Text(f"{code} (run{'s' if len(ids) > 1 else ''} {', '.join(map(str, ids))}): {w}",
                        style="yellow"))
    return out


@runs_app.callback(invoke_without_command=True)
def runs_cmd(
    ctx: typer.Context,
    models: Annotated[Path | None, _MODELS] = None,
    task: Annotated[str | None, typer.Option(help="Only runs of this task.")] = None,
    dataset: Annotated[str | None, typer.Option(help="Only runs trained on this dataset.")] = None,
    config: Annotated[str | None, typer.Option(help="Only runs of this config (path, path end or stem).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """One row per run: metric with its 95% interval and n, config file, overrides, data
    fingerprint (as `data show` prints it) and the parameters that differ between the listed runs."""
    if ctx.invoked_subcommand is not None:
        return
    user_errors(_list_runs)(models, task, dataset, config, as_json)


def _list_runs(models, task, dataset, config, as_json) -> None:
    from rich.console import Console

    from newsclf.pipeline.catalog import catalog

    rows = catalog(models, task=task, dataset=dataset, config=config)
    if as_json:
        for r in rows:
            typer.echo(json.dumps(r, default=str))
        return
    if not rows:
        _err("no runs" + (" match these filters" if task or dataset or config else
                          " yet: train one with `newsclf train CONFIG` or `newsclf quickstart`"))
        return
    console = Console()
    for part in _runs_renderables(rows, console.width):
        console.print(part)


@runs_app.command("rm")
def runs_rm_cmd(
    runs: Annotated[list[str], typer.Argument(help="Run directories or run ids.")],
) -> None:
    """Delete runs (all names are checked before anything is deleted)."""

    def rm() -> None:
        from newsclf.pipeline.catalog import remove_runs

        for path in remove_runs(runs):
            typer.echo(f"removed {path}")

    user_errors(rm)()


@runs_app.command("gc")
def runs_gc_cmd(
    keep: Annotated[int, typer.Option("--keep", "-k", help="Best runs to keep per task (by headline metric).")] = 3,
    models: Annotated[Path | None, _MODELS] = None,
    task: Annotated[str | None, typer.Option(help="Only collect runs of this task.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be removed.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove every run except the promoted ones and the KEEP best of each task."""

    def gc() -> None:
        from newsclf.pipeline.catalog import catalog, plan_gc, promoted_run_ids, remove_runs

        rows = catalog(models, task=task)
        promoted = promoted_run_ids()
        kept, removed = plan_gc(rows, keep, promoted)
        for r in kept:
            why = "promoted" if r["run_id"] in promoted else f"best {keep}"
            typer.echo(f"keep   {r['run_id']}  ({why})")
        for r in removed:
            typer.echo(f"remove {r['run_id']}")
        if not removed or dry_run:
            _err("nothing to remove" if not removed else f"dry run: {len(removed)} run(s) would be removed")
            return
        if not yes and not typer.confirm(f"remove {len(removed)} run(s)?", err=True):
            raise NewsclfError("nothing removed (pass --yes to skip the question)")
        remove_runs([r["path"] for r in removed])
        _err(f"removed {len(removed)} run(s)")

    user_errors(gc)()


def convert_cmd(
    run: Annotated[Path, typer.Argument(help="Run directory (or run id) holding model.joblib.")],
    trust_pickle: Annotated[bool, typer.Option("--trust-pickle", help="Unpickle model.joblib: only for runs you trust.")] = False,
) -> None:
    """Rewrite an old run's model.joblib (a pickle) as model.skops; prints the run directory."""
    from newsclf.pipeline.runs import convert_run

    typer.echo(str(convert_run(run, trust_pickle=trust_pickle)))


def compare_cmd(
    runs: Annotated[list[Path] | None, typer.Argument(help="Run directories.")] = None,
    task: Annotated[str | None, typer.Option(help="Compare the runs of this task.")] = None,
    dataset: Annotated[str | None, typer.Option(help="With --task: only runs on this dataset.")] = None,
    config: Annotated[str | None, typer.Option(help="With --task: only runs of this config.")] = None,
    metric: Annotated[str | None, typer.Option(
        help="macro_f1, accuracy, f_avg or f1:<label> (default: the task's headline metric).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | md | json | html")] = "table",
    force: Annotated[bool, typer.Option(help="List runs even when their test data differ.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (any format; table as plain text).")] = None,
) -> None:
    """Rank runs by METRIC with intervals, n, difference to the top run and paired significance;
    a run is called best only when it beats every other significantly on a split that can rank."""
    from rich.console import Console

    from newsclf.comparison.compare import compare_runs, render
    from newsclf.pipeline.catalog import catalog

    if fmt not in ("table", "md", "json", "html"):
        raise NewsclfError(f"--format {fmt!r}: use table, md, json or html")
    paths = list(runs or [])
    if task:
        found = catalog(task=task, dataset=dataset, config=config)
        if found and not force:
            # runs of the task evaluated on the same test data as the newest one
            latest = found[-1]["test_fingerprint"]
            same = [r for r in found if r["test_fingerprint"] == latest]
            if len(same) < len(found):
                _err(f"comparing the {len(same)} {task} runs on the newest test data; "
                     f"{len(found) - len(same)} older runs on other data skipped (--force lists all)")
            found = same
        paths += [Path(r["path"]) for r in found]
    elif dataset or config:
        raise NewsclfError("--dataset and --config filter the runs of --task TASK; give --task too")
    if not paths:
        raise NewsclfError("give run directories or --task TASK (see `newsclf runs`)")
    if metric is None:  # the task's headline: macro_f1, accuracy for attribution (per quote)
        from newsclf.pipeline.runs import load_run
        from newsclf.tasks import get_task

        metric = get_task(load_run(paths[0], load_model=False).task).headline
    result = compare_runs(paths, metric=metric, force=force)
    console = Console()
    if fmt == "table" and output is None:
        console.print(render(result, "table", width=console.width))
        return
    text = render(result, "text" if fmt == "table" else fmt, width=console.width)
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(str(output))
    else:
        typer.echo(text)


def register(app: typer.Typer) -> None:
    app.command("train")(user_errors(train_cmd))
    app.command("evaluate")(user_errors(evaluate_cmd))
    app.command("predict")(user_errors(predict_cmd))
    runs_app.command("convert")(user_errors(convert_cmd))
    app.add_typer(runs_app, name="runs")
    app.command("compare")(user_errors(compare_cmd))
