"""The ``newsclf`` command line: a thin Typer shell over pure functions.

Each module in :mod:`training.commands` adds its commands through ``register(app)``; commands parse
arguments, call one library function and print its result. Heavy imports (datasets, bentoml) happen
inside the commands so that ``newsclf --help`` stays fast.
"""

from __future__ import annotations

import importlib
import os

import typer

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

_COMMAND_MODULES = (
    "training.commands.data",
    "training.commands.quotes",
    "training.commands.experiments",
    "training.commands.extract",
    "training.commands.quickstart",
    "training.commands.serving",
)

for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # a command module not written yet must not break the rest
        if exc.name != _name:
            raise
        continue
    _module.register(app)


def main() -> None:
    """Console-script entry point (user errors are handled per command: ``commands._common``)."""
    app()
