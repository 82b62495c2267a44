"""``newsclf init DIR``: write a project skeleton (configs, data/, models/, README) to edit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsclf.commands._common import user_errors

__all__ = ["register"]


def init_cmd(
    directory: Annotated[Path, typer.Argument(help="Project folder (created if needed; '.' for here).")],
) -> None:
    """Copy the shipped configs (references made local) and create data/, models/ and a README."""
    from newsclf.project import init_project

    written = init_project(directory)
    typer.echo(f"wrote {len(written)} files into {directory}; next: cd {directory} && newsclf quickstart",
               err=True)
    typer.echo(str(directory))


def register(app: typer.Typer) -> None:
    app.command("init")(user_errors(init_cmd))
