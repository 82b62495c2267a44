"""``newsclf data build CONFIG`` and ``newsclf data show NAME``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from newsclf.commands._common import user_errors
from newsclf.tasks import CONTEXT_LABEL

__all__ = ["register"]

data_app = typer.Typer(
    help="Build and inspect labelled datasets (data/<name>/).", no_args_is_help=True
)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def counts_table(manifest: dict[str, Any]):
    """Rich table: rows per task, split and label (plus label sources)."""
    from rich import box
    from rich.table import Table

    table = Table(
        title=f"dataset {manifest['name']}  (fingerprint {manifest['fingerprint'][:12]})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
    )
    table.add_column("task")
    table.add_column("split")
    table.add_column("rows", justify="right")
    table.add_column("groups", justify="right")
    table.add_column("labels")
    table.add_column("sources")
    for task, info in manifest["tasks"].items():
        for split, s in info["splits"].items():
            counts = {**s["labels"], **({"(context)": s["context_rows"]} if s.get("context_rows") else {})}
            labels = "  ".join(f"{k}={v}" for k, v in counts.items())
            sources = "  ".join(f"{k}={v}" for k, v in s["label_sources"].items())
            table.add_row(task, split, str(s["rows"]), str(s["groups"]), labels, sources)
    return table


def lf_tables(manifest: dict[str, Any]) -> list[Any]:
    """Rich tables of labelling-function statistics, one per task and source.

    Columns: votes; coverage, overlaps, conflicts (shares of the candidates); gold = gold items
    the LF voted on, correct, acc = correct / gold.
    """
    from rich import box
    from rich.table import Table

    out = []
    for task, info in manifest["tasks"].items():
        for rep in info.get("labelling", []):
            c = rep["counts"]
            comb = rep["combined"]
            acc = comb.get("accuracy")
            title = (
                f"{task}: labelling functions (source {rep['source'] + 1}, {rep['combiner']['combiner']}) — "
                f"{c['candidates']} candidates: gold {c['gold']}, weak {c['weak']}, abstain {c['abstain']}; "
                f"combined coverage {_fmt(comb['coverage'])}, accuracy vs gold {_fmt(acc)} "
                f"({comb.get('gold_correct', 0)}/{comb.get('gold_voted', 0)})"
            )
            table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1))
            table.add_column("LF", overflow="fold")
            table.add_column("label", no_wrap=True)
            for col in ("votes", "cov", "ovl", "cfl", "ok/gold", "acc"):
                table.add_column(col, justify="right", no_wrap=True)
            for lf in rep["lfs"]:
                if not lf["votes"]:
                    continue
                table.add_row(
                    lf["name"],
                    lf["label"],
                    str(lf["votes"]),
                    _f2(lf["coverage"]),
                    _f2(lf["overlaps"]),
                    _f2(lf["conflicts"]),
                    f"{lf.get('correct', '-')}/{lf.get('gold_votes', '-')}",
                    _f2(lf.get("accuracy")),
                )
            silent = [lf["name"] for lf in rep["lfs"] if not lf["votes"]]
            table.caption = "cov/ovl/cfl: share of candidates voted on / overlapping / conflicting; ok/gold: correct votes on gold items"
            if silent:
                table.caption += f"; never fired: {', '.join(silent)}"
            table.caption_justify = "left"
            out.append(table)
    return out


def _f2(v: Any) -> str:
    return "-" if v is None else f"{v:.2f}"


def gold_table(manifest: dict[str, Any]):
    """Rich table: per annotated article, gold labels (sentences and stance labels) applied /
    matched fuzzily / added (on quotes the finder missed) / not placed, and how many detected
    speakers, sides and fragment flags the gold replaced; None without gold."""
    from rich import box
    from rich.table import Table

    gold = manifest.get("gold") or {}
    reports = gold.get("per_article") or []
    if not reports and not gold.get("files_without_article"):
        return None
    t = gold["labels"]
    table = Table(
        title=(
            f"gold labels: {t['applied']} applied, {t['fuzzy']} matched fuzzily, {t['added']} on quotes "
            f"the finder missed (added), {t['unplaced']} could not be placed"
        ),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
    )
    table.add_column("article", no_wrap=True, overflow="ellipsis", min_width=12, ratio=3)
    for col in ("applied", "fuzzy", "added", "unplaced"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("gold replaced", overflow="fold", ratio=2)
    for r in reports:
        n = r["labels"]
        corrected = ", ".join(f"{k} {v}" for k, v in r["corrected"].items()) or "-"
        table.add_row(
            r["article"], str(n["applied"]), str(n["fuzzy"]), str(n["added"]), str(n["unplaced"]),
            corrected,
        )
    notes = [d for r in reports for d in (f"{r['article']}: {x}" for x in r["details"])]
    notes += [f"{p}: gold file for an article no source read" for p in gold.get("files_without_article", [])]
    if notes:
        table.caption = "\n".join(notes)
        table.caption_justify = "left"
    return table


def build(
    config: Path = typer.Argument(..., help="Data config (YAML), e.g. configs/data/seed.yaml."),
    skip_bad: bool = typer.Option(
        False, "--skip-bad", help="Report bad input files and build from the rest."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Data root (default: NEWSCLF_DATA or ./data)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Rebuild even when the inputs and config are unchanged."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Refuse to build unless every gold label is applied as written (none fuzzy or unplaced).",
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Read and label articles on a local Dask cluster of N processes."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Read and label articles on a running Dask cluster (tcp://host:8786)."
    ),
    partition_size: int = typer.Option(
        500, "--partition-size", min=1, help="Articles per partition (with --workers/--scheduler)."
    ),
) -> None:
    """Build the datasets of a data config: data/<name>/<task>/ + manifest.json (skipped when the
    input fingerprint is unchanged, as DVC skips unchanged stages; --force rebuilds). With
    --workers/--scheduler the per-article work runs on Dask: the same dataset, row for row."""
    from rich.console import Console

    from newsclf.data.build import build_dataset
    from newsclf.progress import reporting

    batch = None
    if workers is not None or scheduler is not None:
        from newsclf.batch import BatchBuild, open_executor

        batch = BatchBuild(open_executor(scheduler, workers), partition_articles=partition_size)
    try:
        with reporting(quiet=quiet):
            result = build_dataset(
                config, output_root=output, skip_bad=skip_bad, force=force, strict=strict, batch=batch
            )
    finally:
        if batch is not None:
            batch.executor.close()
    console = Console()
    err = _stderr_console()
    if result.cached:
        err.print(
            f"unchanged: {result.output_dir} was built from the same inputs and config "
            f"(fingerprint {result.manifest['fingerprint'][:12]}); nothing to do (--force rebuilds)",
            highlight=False,
            soft_wrap=True,
        )
    for b in result.bad:
        err.print(f"[yellow]skipped[/yellow] {b['source']}: {b['message']}", highlight=False)
    console.print(counts_table(result.manifest))
    gold = gold_table(result.manifest)
    if gold is not None:
        console.print(gold)
    for table in lf_tables(result.manifest):
        console.print(table)
    console.print(str(result.output_dir), highlight=False, soft_wrap=True)


def show(
    name: str = typer.Argument(..., help="Dataset name (a folder under the data root)."),
    rows: int = typer.Option(3, "--rows", "-n", help="Sample rows per task."),
    lfs: bool = typer.Option(True, "--lfs/--no-lfs", help="Show labelling-function statistics."),
    root: Path | None = typer.Option(
        None, "--root", help="Data root (default: NEWSCLF_DATA or ./data)."
    ),
) -> None:
    """Show a built dataset: splits, counts, label distribution, fingerprint, sample rows."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from newsclf.data.build import dataset_dir, load_dataset_dict, load_manifest

    console = Console()
    manifest = load_manifest(name, root)
    console.print(f"[bold]{name}[/bold]  {dataset_dir(name, root)}", highlight=False)
    console.print(f"fingerprint {manifest['fingerprint']}", highlight=False)
    console.print(
        f"built {manifest.get('built_at', '?')}  seed {manifest.get('seed')}  "
        f"articles {manifest.get('articles_read', 0)}  bad inputs {len(manifest.get('bad_inputs', []))}",
        highlight=False,
    )
    console.print(counts_table(manifest))
    gold = gold_table(manifest)
    if gold is not None:
        console.print(gold)
    if lfs:
        for table in lf_tables(manifest):
            console.print(table)
    for task in manifest["tasks"]:
        dd = load_dataset_dict(name, task, root)
        first = next((s for s in dd if len(dd[s])), None)
        if first is None or rows <= 0:
            continue
        ds = dd[first].select(range(min(rows, len(dd[first]))))
        names = ds.features["label"].names
        cols = [
            c
            for c in ("text", "target", "speaker", "side", "position", "tag")
            if c in ds.column_names
        ]
        table = Table(
            title=f"{task}: sample rows ({first})", title_justify="left", box=box.SIMPLE_HEAD
        )
        for c in [*cols, "label", "label_source"]:
            table.add_column(
                c, overflow="fold" if c == "text" else "ellipsis", no_wrap=c != "text"
            )
        for r in ds:
            text = r["text"] if len(r["text"]) <= 90 else r["text"][:89] + "…"
            table.add_row(
                text,
                *[_fmt(r[c]) for c in cols[1:]],
                "(context)" if r["label"] == CONTEXT_LABEL else names[r["label"]],
                r.get("label_source", ""),
            )
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group."""
    data_app.command("build")(user_errors(build))
    data_app.command("show")(user_errors(show))
    app.add_typer(data_app, name="data")
