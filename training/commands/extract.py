"""``newsclf extract``: main text of pages with a trained boilerplate model, one JSON line each."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from newsclf.commands._common import user_errors

if TYPE_CHECKING:
    from newsclf.data.types import Article
    from newsclf.pipeline.runs import Run

__all__ = ["HTML_CONFIG", "register", "trained_on_html"]

HTML_CONFIG = "newsclf:configs/boilerplate/default.yaml"
"""The shipped boilerplate config trained on HTML page blocks."""

_BLOCK_FEATURIZERS = {"block_stats", "dom_tokens", "block_proba"}


def trained_on_html(run) -> bool:
    """Whether a boilerplate run learnt from HTML blocks: recorded at training (``inputs``
    in the manifest); for older runs, whether it uses a featurizer of DOM blocks."""
    recorded = (run.manifest.get("inputs") or {}).get("html_blocks")
    if recorded is not None:
        return bool(recorded)
    return bool({f.get("name") for f in run.config.get("features", [])} & _BLOCK_FEATURIZERS)


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
        html_model = trained_on_html(run)
        report = BadInputReport()
        articles = read_articles(pages, skip_bad=skip_bad, report=report)
        if not html_model:
            articles = _refuse_html(articles, run)
        for article, text in extract_many(run, articles, threshold=threshold, comments=comments):
            typer.echo(json.dumps({"id": article.id, "text": text}, ensure_ascii=False))
        if report:
            typer.secho(report.summary(), err=True, fg=typer.colors.YELLOW)


def _refuse_html(articles: Iterable[Article], run: Run) -> Iterator[Article]:
    """Pass plain-text articles on; stop at the first HTML page (the run never saw HTML blocks)."""
    from newsclf.errors import InputError

    for article in articles:
        if any(b.tag_path for b in article.blocks):
            raise InputError(
                f"{article.source or article.id}: run {run.run_id} was trained on plain-text sentences "
                f"(dataset {run.manifest.get('dataset')!r}), never on HTML blocks, so it cannot tell page "
                f"chrome from the story; train {HTML_CONFIG} (AEB + trafilatura-eval pages) and "
                "pass that run with --model")
        yield article
