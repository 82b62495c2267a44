"""``newsclf quotes FILE...``: sentences (with boilerplate labels) and attributed quotes, as JSON lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from newsclf.commands._common import user_errors

__all__ = ["register", "run_quotes"]

_PROGRESS_MIN_FILES = 10


def run_quotes(
    files: list[Path],
    skip_bad: bool = False,
    model_run: str | None = None,
    out=None,
    err=None,
    attribution: str | None = None,
) -> int:
    """Process ``files`` and write one JSON object per article to ``out``; returns articles written.

    ``attribution`` names an attribution run (``"rules"``: none); by default the promoted one, if
    any (:func:`newsclf.data.attribution.resolve_attribution`).
    Raises ``NewsclfError`` on bad input unless ``skip_bad`` (then bad inputs are listed on ``err``).
    """
    from rich.console import Console

    from newsclf.data.actors import load_actors
    from newsclf.data.document import process_article, quotes_json, sentence_labels
    from newsclf.data.readers import BadInputReport, iter_files, read_articles
    from newsclf.errors import InputError

    out = out or sys.stdout
    console = Console(file=err or sys.stderr, highlight=False, soft_wrap=True)
    model = None
    if model_run:
        from newsclf.pipeline.runs import load_run

        run = load_run(model_run)
        if run.task != "boilerplate":
            raise InputError(
                f"run {model_run!r} is a {run.task!r} model; --model needs a boilerplate run"
            )
        model = run.model
    from newsclf.data.attribution import resolve_attribution

    ranker = resolve_attribution(attribution)
    actors = load_actors()
    report = BadInputReport()
    n_files = sum(1 for p in files if Path(p).is_dir()) * _PROGRESS_MIN_FILES + len(files)
    articles = read_articles(files, skip_bad=skip_bad, report=report)
    written = 0

    def emit(article) -> None:
        nonlocal written
        processed = process_article(article, actors, attribution=ranker)
        for w in processed.warnings:
            console.print(f"[yellow]warning:[/yellow] {w}", markup=True)
        out.write(
            json.dumps(
                quotes_json(processed, sentence_labels(processed, model)), ensure_ascii=False
            )
            + "\n"
        )
        written += 1

    if n_files >= _PROGRESS_MIN_FILES:
        from rich.progress import Progress

        total = sum(1 for _ in iter_files([p for p in files if Path(p).exists()]))
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("articles", total=total)
            for article in articles:
                emit(article)
                progress.update(task, advance=1)
    else:
        for article in articles:
            emit(article)
    out.flush()
    for bad in report.bad:
        console.print(f"[yellow]skipped[/yellow] {bad.message}", markup=True)
    if report.ignored:
        console.print(f"note: {len(report.ignored)} file(s) without an article extension ignored")
    if report.bad and written == 0:
        raise InputError(f"no article could be read ({len(report.bad)} bad input(s), listed above)")
    if written == 0:
        raise InputError(
            f"no articles found in {', '.join(str(f) for f in files)} "
            "(looked for .txt, .html, .htm, .jsonl files, optionally .gz)"
        )
    return written


def register(app: typer.Typer) -> None:
    @app.command("quotes")
    def quotes(
        files: list[Path] = typer.Argument(
            ..., help="Articles: .txt, .html/.htm, .jsonl (optionally .gz) or folders."
        ),
        skip_bad: bool = typer.Option(
            False, "--skip-bad", help="Report bad files on stderr and go on with the rest."
        ),
        model: str | None = typer.Option(
            None, "--model", help="Boilerplate run (folder or run id) for sentence labels."
        ),
        attribution: str | None = typer.Option(
            None,
            "--attribution",
            help="Attribution run (folder or run id) ranking speakers; 'rules' for none. "
            "Default: $NEWSCLF_ATTRIBUTION_RUN, else the promoted model, else the rules.",
        ),
    ) -> None:
        """Print one JSON object per article: sentences (content/boilerplate) and attributed quotes."""
        user_errors(run_quotes)(files, skip_bad=skip_bad, model_run=model, attribution=attribution)
