"""Progress bars for long steps, shared by data builds, importers, training, search and evaluation.

Library code reports through the module-level :func:`track` and :func:`step`; they do nothing
unless a command has opened :func:`reporting`, which draws Rich progress bars on stderr when stderr
is a terminal and stays silent under ``--quiet`` or when output is piped. So a function called from
a test or a notebook prints nothing, and the same function called from the CLI shows its bars.

Each bar shows what runs, how far it is (``done/total`` when the total is known), the elapsed time
and, with a total, the estimated time left. A finished step leaves one line behind (``✓ fit
(12.3 s)``) when it took over :data:`MIN_SECONDS_TO_KEEP` seconds, so a finished command shows
where its time went.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

__all__ = ["MIN_SECONDS_TO_KEEP", "Step", "active", "reporting", "say", "step", "track"]

T = TypeVar("T")

MIN_SECONDS_TO_KEEP = 1.0
"""Finished steps shorter than this vanish from the screen; longer ones leave a summary line."""


class Step:
    """Handle of one running step: advance it, retitle it, or set its total once known."""

    def advance(self, n: float = 1) -> None:
        """Count ``n`` more units of work done."""

    def update(self, description: str | None = None, total: float | None = None) -> None:
        """Change the description or the total."""


class _Reporter:
    """The silent reporter used when no command has opened :func:`reporting`."""

    @contextlib.contextmanager
    def step(self, description: str, total: float | None = None) -> Iterator[Step]:
        yield Step()

    def say(self, message: str) -> None:
        """Print ``message`` (a silent reporter drops it)."""


class _RichStep(Step):
    def __init__(self, progress: Any, task_id: Any) -> None:
        self._progress = progress
        self._id = task_id

    def advance(self, n: float = 1) -> None:
        self._progress.advance(self._id, n)

    def update(self, description: str | None = None, total: float | None = None) -> None:
        kwargs: dict[str, Any] = {}
        if description is not None:
            kwargs["description"] = description
        if total is not None:
            kwargs["total"] = total
        self._progress.update(self._id, **kwargs)


class _RichReporter(_Reporter):
    def __init__(self, progress: Any) -> None:
        self.progress = progress

    @contextlib.contextmanager
    def step(self, description: str, total: float | None = None) -> Iterator[Step]:
        t0 = time.perf_counter()
        task_id = self.progress.add_task(description, total=total)
        ok = False
        try:
            yield _RichStep(self.progress, task_id)
            ok = True
        finally:
            seconds = time.perf_counter() - t0
            final = self.progress.tasks[[t.id for t in self.progress.tasks].index(task_id)]
            self.progress.remove_task(task_id)
            if ok and seconds >= MIN_SECONDS_TO_KEEP:
                done = f" {final.completed:g}/{final.total:g}" if final.total else ""
                self.progress.console.print(
                    f"[green]✓[/green] {final.description}{done} ({_duration(seconds)})", highlight=False
                )

    def say(self, message: str) -> None:
        self.progress.console.print(message, markup=False, highlight=False)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, sec = divmod(int(round(seconds)), 60)
    return f"{minutes} min {sec:02d} s"


_SILENT = _Reporter()
_current: ContextVar[_Reporter] = ContextVar("newsclf_progress", default=_SILENT)


def active() -> bool:
    """True when progress bars are being drawn (a command opened :func:`reporting` on a terminal)."""
    return _current.get() is not _SILENT


def _columns():
    from rich.progress import (
        BarColumn,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class CountColumn(ProgressColumn):
        """``done/total`` when the total is known, ``done`` otherwise (never ``0/?``)."""

        def render(self, task: Any) -> Text:
            if task.total is None:
                return Text(f"{task.completed:g}" if task.completed else "", style="progress.download")
            return Text(f"{task.completed:g}/{task.total:g}", style="progress.download")

    class RemainingColumn(TimeRemainingColumn):
        """Estimated time left, only for steps with a known total."""

        def render(self, task: Any) -> Text:
            if task.total is None:
                return Text("")
            return Text("ETA ") + super().render(task)

    return (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=30), CountColumn(),
            TimeElapsedColumn(), RemainingColumn())


@contextlib.contextmanager
def reporting(quiet: bool = False, console: Any = None) -> Iterator[bool]:
    """Draw progress bars on ``console`` (default: stderr) while the block runs.

    Yields True when bars are drawn: not ``quiet`` and the console is a terminal. Otherwise every
    :func:`step` and :func:`track` inside is silent and the output holds only what the command
    prints itself.
    """
    from rich.console import Console
    from rich.progress import Progress

    console = console or Console(stderr=True)
    if quiet or not console.is_terminal:
        token = _current.set(_SILENT)
        try:
            yield False
        finally:
            _current.reset(token)
        return
    with Progress(*_columns(), console=console, transient=True, refresh_per_second=8) as progress:
        token = _current.set(_RichReporter(progress))
        try:
            yield True
        finally:
            _current.reset(token)


def step(description: str, total: float | None = None) -> contextlib.AbstractContextManager[Step]:
    """A context manager for one step of work: ``with step("fit") as s: ... s.advance()``."""
    return _current.get().step(description, total)


def track(iterable: Iterable[T], description: str, total: float | None = None) -> Iterator[T]:
    """Yield from ``iterable`` while advancing a bar (``total`` from ``len()`` when it has one).

    Has the signature of the ``progress`` callable of :func:`newsclf.data.build.build_dataset`.
    """
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    with step(description, total) as s:
        for item in iterable:
            yield item
            s.advance()


def say(message: str) -> None:
    """Print a line above the bars (nothing when no bars are drawn)."""
    _current.get().say(message)
