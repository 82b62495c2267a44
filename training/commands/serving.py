"""Commands ``promote``, ``serve`` and ``analyze``: thin wrappers over :mod:`newsclf.serving`."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from newsclf.commands._common import user_errors
from newsclf.errors import NewsclfError

__all__ = ["register"]

SERVICE = "newsclf.serving.service:Newsclf"


def promote_cmd(
    run: Annotated[Path, typer.Argument(help="Run directory (models/<run-id>/).")],
    name: Annotated[
        str | None,
        typer.Option(
            help="Model-store name (default newsclf-boilerplate / newsclf-stance by task)."
        ),
    ] = None,
) -> None:
    """Check RUN's hashes and save it into the BentoML model store; prints the new tag."""
    from newsclf.serving.promote import promote

    typer.echo(promote(run, name=name))


def serve_cmd(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 3000,
    host: Annotated[
        str, typer.Option(help="Address to bind (0.0.0.0 for all interfaces).")
    ] = "127.0.0.1",
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (one model copy each).")
    ] = 1,
    threads: Annotated[int, typer.Option(min=1, help="Request threads per worker.")] = 1,
    analysis_workers: Annotated[
        int | None,
        typer.Option(min=0, help="Analysis processes per worker for /analyze and /extract (default: CPUs, at most 4; "
                                 "0: in threads, no time or memory budget)."),
    ] = None,
    time_budget: Annotated[
        float | None, typer.Option(min=0.1, help="Seconds of analysis per /analyze or /extract request (default 20).")
    ] = None,
    boilerplate: Annotated[
        Path | None,
        typer.Option(help="Serve this boilerplate run directory instead of the promoted model."),
    ] = None,
    stance: Annotated[
        Path | None,
        typer.Option(help="Serve this stance run directory instead of the promoted model."),
    ] = None,
    attribution: Annotated[
        Path | None,
        typer.Option(help="Attribution run ranking speakers in /analyze (default: the promoted one, if any; else the rules)."),
    ] = None,
    access_log: Annotated[
        bool, typer.Option(help="Log every request (costs ~30% throughput).")
    ] = False,
    actors: Annotated[
        str | None,
        typer.Option(help="Actors file for /analyze (default: the actors the stance model was trained with)."),
    ] = None,
) -> None:
    """Start the HTTP service (bentoml serve) with the promoted models."""
    from newsclf.resources import is_resource, resolve_path

    env = dict(os.environ)
    env.update(
        NEWSCLF_WORKERS=str(workers), NEWSCLF_THREADS=str(threads), BENTOML_DO_NOT_TRACK="true",
        # never import from the working directory (a folder of the user's named like a module)
        PYTHONSAFEPATH="1",
    )
    if access_log:
        env["NEWSCLF_ACCESS_LOG"] = "1"
    if analysis_workers is not None:
        env["NEWSCLF_ANALYSIS_WORKERS"] = str(analysis_workers)
    if time_budget is not None:
        env["NEWSCLF_TIME_BUDGET"] = str(time_budget)
    if actors is not None:
        env["NEWSCLF_SERVE_ACTORS"] = actors if is_resource(actors) else str(
            resolve_path(actors, "actors file").resolve())
    if "BENTOML_HOME" in env:
        env["BENTOML_HOME"] = str(Path(env["BENTOML_HOME"]).expanduser().resolve())
    for key, run in (
        ("NEWSCLF_BOILERPLATE_RUN", boilerplate),
        ("NEWSCLF_STANCE_RUN", stance),
        ("NEWSCLF_ATTRIBUTION_RUN", attribution),
    ):
        if run is not None:
            if not run.is_dir():
                raise NewsclfError(f"{run}: not a run directory")
            env[key] = str(run.resolve())
    missing = [t for t, run in (("boilerplate", boilerplate), ("stance", stance)) if run is None]
    if missing:
        import bentoml
        from bentoml.exceptions import NotFound

        from newsclf.serving.models import model_ref

        for task in missing:
            try:
                bentoml.models.get(model_ref(task))
            except NotFound:
                raise NewsclfError(
                    f"no {task} model {model_ref(task)!r} in the BentoML model store; promote one first "
                    f"(newsclf promote models/<run-id>) or pass --{task} RUN"
                ) from None
    # BentoML puts its working directory first on sys.path (and its workers start there): give it
    # an empty one, so that the service is newsclf.serving.service from the installed package
    empty = tempfile.mkdtemp(prefix="newsclf-serve-")
    argv = [sys.executable, "-P", "-m", "bentoml", "serve", SERVICE, "--host", host, "--port", str(port),
            "--working-dir", empty]
    typer.echo(f"serving on http://{host}:{port} (workers={workers})", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(empty)
    os.execve(sys.executable, argv, env)


def analyze_cmd(
    articles: Annotated[
        list[Path], typer.Argument(help="Article files (.txt, .html, .jsonl, .gz) or folders.")
    ],
    boilerplate: Annotated[
        Path | None, typer.Option(help="Boilerplate run directory (default: the promoted model).")
    ] = None,
    stance: Annotated[
        Path | None, typer.Option(help="Stance run directory (default: the promoted model).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Folder for the JSON files (default data/analysis/)."),
    ] = None,
    target: Annotated[
        list[str] | None,
        typer.Option("--target", help="Stance target (repeatable; default: every actor)."),
    ] = None,
    actors: Annotated[
        str | None,
        typer.Option(help="Actors file (default: the actors the stance model was trained with)."),
    ] = None,
    explain: Annotated[bool, typer.Option(help="Add the top features behind each label.")] = False,
    attribution: Annotated[
        str | None,
        typer.Option(help="Attribution run ranking speakers ('rules' for none; default: the promoted one, if any)."),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option("--format", help="json: one file per article (small jobs; the default in one "
                     "process); jsonl or parquet: shards of many articles + a _SUCCESS manifest, "
                     "resumable (the default, jsonl, with --workers/--scheduler)."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Run on a local Dask cluster of N worker processes.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Run on a running Dask cluster (tcp://host:8786).")
    ] = None,
    partition_size: Annotated[
        int, typer.Option(min=1, help="Articles per partition (one shard each).")
    ] = 500,
    fail_fast: Annotated[
        bool, typer.Option(help="Stop at the first article that cannot be read or analysed.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite existing output files (never through a symbolic link); "
                           "sharded output: take over a folder holding another job's output.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Analyse ARTICLES (files, folders, quoted globs such as 'news/**/*.jsonl') into one JSON file
    per article, as /analyze does, or into shards (--format jsonl|parquet), here or on Dask."""
    import warnings

    from newsclf.analysis import Analyzer
    from newsclf.analysis_files import analyze_files

    fmt = output_format or ("jsonl" if workers or scheduler else "json")
    if fmt != "json":
        _analyze_sharded(articles, output, fmt, boilerplate=boilerplate, stance=stance, actors=actors,
                         attribution=attribution, targets=target or None, explain=explain,
                         workers=workers, scheduler=scheduler, partition_size=partition_size,
                         fail_fast=fail_fast, force=force, quiet=quiet)
        return
    if workers or scheduler:
        raise NewsclfError("--format json writes one file per article in this process (small jobs); "
                           "use --format jsonl or parquet with --workers/--scheduler")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        analyzer = Analyzer.load(boilerplate, stance, actors, attribution)
    for w in caught:
        typer.echo(f"warning: {w.message}", err=True)

    def report(path: Path, result: dict) -> None:
        n_boiler = sum(s["label"] == "boilerplate" for s in result["sentences"])
        typer.echo(
            f"{path}: {len(result['sentences'])} sentences ({n_boiler} boilerplate), {len(result['quotes'])} quotes",
            err=True,
        )

    written = analyze_files(
        articles, analyzer, output, targets=target or None, explain=explain, on_written=report,
        force=force,
    )
    if not written:
        raise NewsclfError("no articles found in " + ", ".join(map(str, articles)))
    for path in written:
        typer.echo(str(path))


def _analyze_sharded(articles: list[Path], output: Path | None, fmt: str, *, workers: int | None,
                     scheduler: str | None, partition_size: int, fail_fast: bool, force: bool,
                     quiet: bool, boilerplate: Path | None, stance: Path | None, actors: str | None,
                     attribution: str | None, targets: list[str] | None, explain: bool) -> None:
    """``newsclf analyze --format jsonl|parquet``: :func:`newsclf.batch.analyze_batch`."""
    import warnings

    from newsclf.analysis_files import default_output_dir
    from newsclf.batch import analyze_batch, model_payload, open_executor, summary_lines
    from newsclf.progress import reporting

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        models = model_payload(boilerplate, stance, actors, attribution)
    for w in caught:
        typer.echo(f"warning: {w.message}", err=True)
    with open_executor(scheduler, workers) as executor, reporting(quiet=quiet):
        result = analyze_batch(articles, output or default_output_dir(), models=models, targets=targets,
                               explain=explain, fmt=fmt, executor=executor,
                               partition_articles=partition_size, fail_fast=fail_fast, force=force)
    for line in summary_lines(result):
        typer.echo(line, err=True)
    if result.manifest is None:
        raise typer.Exit(1)
    typer.echo(str(result.output_dir / "_SUCCESS"))


def build_bento_cmd(
    source: Annotated[Path | None, typer.Option(help="Project checkout to build the newsclf wheel from (default: here).")] = None,
    wheel: Annotated[Path | None, typer.Option(help="A built newsclf wheel to carry instead.")] = None,
    version: Annotated[str | None, typer.Option(help="Bento version (default: generated).")] = None,
) -> None:
    """Build the Bento: the newsclf wheel, the service and the promoted models; prints its tag."""
    from newsclf.serving.build import build_bento

    typer.echo(build_bento(source=source, wheel=wheel, version=version))


def register(app: typer.Typer) -> None:
    app.command("promote")(user_errors(promote_cmd))
    app.command("serve")(user_errors(serve_cmd))
    app.command("analyze")(user_errors(analyze_cmd))
    app.command("build-bento")(user_errors(build_bento_cmd))
