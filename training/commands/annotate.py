"""``newsclf annotate export`` and ``newsclf annotate import``: a round trip with Label Studio
(thin wrappers over :mod:`newsclf.labelstudio`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsclf.commands._common import user_errors
from newsclf.errors import NewsclfError

__all__ = ["register"]

annotate_app = typer.Typer(
    help="Label your own articles in Label Studio: export pre-labelled tasks, import the labels as gold.",
    no_args_is_help=True,
)


def export_cmd(
    articles: Annotated[list[Path], typer.Argument(help="Article files (.txt, .html, .jsonl, .gz) or folders.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Tasks file to write (Label Studio JSON).")] = Path(
        "label-studio-tasks.json"
    ),
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Labelling config to write (default: <output stem>.xml beside it)."),
    ] = None,
    boilerplate: Annotated[
        Path | None, typer.Option(help="Boilerplate run directory (default: the promoted model).")
    ] = None,
    stance: Annotated[Path | None, typer.Option(help="Stance run directory (default: the promoted model).")] = None,
    target: Annotated[
        list[str] | None, typer.Option("--target", help="Stance target (repeatable; default: every actor).")
    ] = None,
) -> None:
    """Write pre-labelled Label Studio tasks (least confident first) and their labelling config."""
    from newsclf.analysis import Analyzer, analysis_run
    from newsclf.labelstudio import export_articles, label_config
    from newsclf.resources import resolve_path

    runs = {"boilerplate": analysis_run("boilerplate", boilerplate), "stance": analysis_run("stance", stance)}
    analyzer = Analyzer.from_runs(runs["boilerplate"], runs["stance"])
    actors = analyzer.actors
    targets = analyzer.targets(target or None)
    paths = [resolve_path(a, "article path") for a in articles]  # newsclf:seeds/ names the seed
    version = " + ".join(runs[t].run_id for t in ("boilerplate", "stance"))
    tasks = export_articles(paths, analyzer, targets, version)
    if not tasks:
        raise NewsclfError("no articles found in " + ", ".join(map(str, articles)))
    config = config or output.with_suffix(".xml")
    sides = [*actors.keys, "other"]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(tasks, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    config.write_text(label_config(targets, sides), encoding="utf-8")
    for t in tasks:
        pred = t["predictions"][0]
        n = {"sentence": 0, "quote": 0}
        for r in pred["result"]:
            if r["from_name"] in n:
                n[r["from_name"]] += 1
        typer.echo(
            f"{t['data']['article_id']}: {n['sentence']} sentences, {n['quote']} quotes, "
            f"lowest confidence {pred.get('score', float('nan')):.2f}",
            err=True,
        )
    typer.echo(
        f"{len(tasks)} task(s), least confident first. In Label Studio: create a project, paste {config} "
        f"under Settings > Labeling Interface, import {output}, label, then Export > JSON and run "
        "`newsclf annotate import EXPORT.json`.",
        err=True,
    )
    typer.echo(str(output))
    typer.echo(str(config))


def import_cmd(
    export: Annotated[Path, typer.Argument(help="Label Studio JSON export (Export > JSON).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Gold folder (default: NEWSCLF_DATA/annotations or ./data/annotations).")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace gold files that differ.")] = False,
) -> None:
    """Write one gold file per labelled task into the project's data/annotations/."""
    from newsclf.labelstudio import import_export

    result = import_export(export, output, overwrite=overwrite)
    for path in result.written:
        aid = path.stem
        c = result.counts[aid]
        typer.echo(
            f"{aid}: {c['sentences']} sentences, {c['quotes']} quotes, {c['stance']} stance labels -> {path}",
            err=True,
        )
    for path in result.unchanged:
        typer.echo(f"{path.stem}: unchanged ({path})", err=True)
    if result.unlabelled:
        typer.echo(f"not labelled yet (skipped): {', '.join(result.unlabelled)}", err=True)
    if not result.written and not result.unchanged:
        raise NewsclfError(f"{export}: no task has a submitted annotation; label some in Label Studio first")
    for path in result.written + result.unchanged:
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add the ``annotate`` command group."""
    annotate_app.command("export")(user_errors(export_cmd))
    annotate_app.command("import")(user_errors(import_cmd))
    app.add_typer(annotate_app, name="annotate")
