"""``newsclf quickstart``: seed data -> quotes -> trained, evaluated, compared models in a minute."""

from __future__ import annotations

import typer

from newsclf.commands._common import user_errors

__all__ = ["register"]


def quickstart_cmd(
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or progress lines."),
) -> None:
    """Build the seed datasets, train the quickstart configs, score them by grouped
    cross-validation, compare them and say what the seed can and cannot measure."""
    from rich.console import Console

    from newsclf.comparison.compare import render
    from newsclf.pipeline.quickstart import run_quickstart
    from newsclf.progress import reporting

    console = Console()
    log = None if quiet else (lambda m: console.print(m, markup=False, highlight=False))
    with reporting(quiet=quiet):
        result = run_quickstart(log=log)
    for comp in result["comparisons"].values():
        console.print()
        console.print(render(comp, "table", width=console.width))
    console.print()
    for line in result["summary"]:
        console.print(line, markup=False, highlight=False)
    typer.echo(f"\nquickstart done in {result['seconds']:.1f} s. Reports (report.html, MODEL_CARD.md):")
    for stem, path in result["runs"].items():
        typer.echo(f"  {stem:20} {path / 'report.html'}")
    typer.echo("Next: newsclf runs | newsclf compare --task stance --format html -o compare.html | "
               'newsclf predict RUN "some text"')


def register(app: typer.Typer) -> None:
    app.command("quickstart")(user_errors(quickstart_cmd))
