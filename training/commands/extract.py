"""``newsclf extract``: main text of pages with a trained boilerplate model, one JSON line each."""

from __future__ import annotations

from pathlib import Path

import typer

from newsclf.commands._common import user_errors

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command("extract")
    @user_errors
    def extract(
        pages: list[Path] = typer.Argument(..., help="HTML pages (.html/.htm/.html.gz), text files or folders."),
        model: str = typer.Option(..., "--model", "-m", help="Run directory or run id of a boilerplate model."),
        threshold: float = typer.Option(0.5, help="Minimum content probability of a kept block."),
        comments: bool = typer.Option(False, "--comments", help="Keep reader-comment sections (left out by default)."),
        skip_bad: bool = typer.Option(False, "--skip-bad", help="Report unreadable pages and go on."),
    ) -> None:
        """Print {"id": <file name without extensions>, "text": <main content>} per page (JSON lines)."""
        import json

        from newsclf.data.readers import BadInputReport, read_articles
        from newsclf.errors import InputError
        from newsclf.extraction import extract_many
        from newsclf.pipeline.runs import load_run

        run = load_run(model)
        if run.task != "boilerplate":
            raise InputError(f"run {run.path} is a {run.task!r} model; `extract` needs a boilerplate run")
        report = BadInputReport()
        articles = read_articles(pages, skip_bad=skip_bad, report=report)
        for article, text in extract_many(run, articles, threshold=threshold, comments=comments):
            typer.echo(json.dumps({"id": article.id, "text": text}, ensure_ascii=False))
        if report:
            typer.secho(report.summary(), err=True, fg=typer.colors.YELLOW)
