"""The ``newsclf`` command line: a thin Typer shell over pure functions.

Each module in :mod:`newsclf.commands` adds its commands through ``register(app)``; commands parse
arguments, call one library function and print its result. Heavy imports (datasets, bentoml) happen
inside the commands so that ``newsclf --help`` stays fast.
"""

from __future__ import annotations

import os

import typer

from newsclf import __version__
from newsclf.commands import (
    annotate,
    data,
    experiments,
    extract,
    project,
    quickstart,
    quotes,
    serving,
)

__all__ = ["app", "main"]

# Offline by default: datasets pings a download counter and BentoML sends usage data otherwise.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")

app = typer.Typer(
    name="newsclf",
    help="Turn news articles into trained, evaluated and served text classifiers.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=True,  # --install-completion / --show-completion
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsclf {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Turn news articles into trained, evaluated and served text classifiers."""


for _module in (project, data, annotate, quotes, experiments, extract, quickstart, serving):
    _module.register(app)


def main() -> None:
    """Console-script entry point (user errors are handled per command: ``commands._common``)."""
    app()
