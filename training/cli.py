"""The ``newsclf`` command line: a thin Typer shell over pure functions.

Each module in :mod:`newsclf.commands` adds its commands through ``register(app)``; commands parse
arguments, call one library function and print its result. Heavy imports (datasets, bentoml) happen
inside the commands so that ``newsclf --help`` stays fast.
"""

from __future__ import annotations

import os

import typer

from newsclf.commands import annotate, data, experiments, extract, quickstart, quotes, serving

__all__ = ["app", "main"]

# Offline by default: datasets pings a download counter and BentoML sends usage data otherwise.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")

app = typer.Typer(
    name="newsclf",
    help="Turn news articles into trained, evaluated and served text classifiers.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

for _module in (data, annotate, quotes, experiments, extract, quickstart, serving):
    _module.register(app)


def main() -> None:
    """Console-script entry point (user errors are handled per command: ``commands._common``)."""
    app()
