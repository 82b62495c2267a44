"""What every command shares: user errors become one clean line on stderr and exit code 1."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import typer

from newsclf.errors import NewsclfError

__all__ = ["user_errors"]


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a command so that a :class:`NewsclfError` prints ``error: <message>`` and exits 1.

    Anything else is a bug and keeps its traceback.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except NewsclfError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None

    return wrapper
