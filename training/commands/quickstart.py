"""``newsclf quickstart``: seed data -> quotes -> trained, evaluated, compared models in a minute."""

from __future__ import annotations

import typer

from newsclf.commands._common import user_errors

__all__ = ["register"]


def quickstart_cmd() -> None:
    """Build the seed datasets, train the quickstart configs, compare them and show the reports."""
    from rich.console import Console

    from newsclf.comparison.compare import render, table_width
    from newsclf.pipeline.quickstart import run_quickstart

    console = Console()
    result = run_quickstart(log=lambda m: console.print(m, markup=False, highlight=False))

    for comp in result["comparisons"].values():
        Console(width=max(console.width, min(table_width(comp), 240))).print(render(comp, "table"))
    typer.echo(f"\nquickstart done in {result['seconds']:.1f} s. Reports:")
    for stem, path in result["runs"].items():
        typer.echo(f"  {stem:20} {path / 'report.html'}")
    typer.echo("Next: newsclf runs | newsclf compare --task stance --format html -o compare.html | "
               'newsclf predict RUN "some text"')


def register(app: typer.Typer) -> None:
    app.command("quickstart")(user_errors(quickstart_cmd))
