"""Long commands draw progress on a terminal and print nothing extra when piped or --quiet.

The commands run in a subprocess whose stderr is a pseudo-terminal (a real TTY, as a person
sees it) or a pipe; the synthetic dataset keeps them to a few seconds.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys

import pytest

from newsclf import progress
from support import REPO

SEARCH = {"method": "grid", "cv": 3, "params": {"model__C": [0.1, 10]}, "n_jobs": 1}


def _env(data_env) -> dict[str, str]:
    env = dict(os.environ)
    env.update(NEWSCLF_DATA=os.environ["NEWSCLF_DATA"], NEWSCLF_MODELS=str(data_env / "models"),
               COLUMNS="120", TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    return env


def _run_on_tty(args: list[str], cwd, env) -> tuple[int, str, str]:
    """Run ``newsclf ARGS`` with stderr on a pseudo-terminal; return (code, stdout, tty output)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", "from newsclf.cli import main; main()", *args],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    out = proc.stdout.read().decode()
    proc.wait(timeout=120)
    os.close(master)
    return proc.returncode, out, b"".join(chunks).decode(errors="replace")


@pytest.mark.slow
def test_progress_train_on_a_tty_shows_bars_and_piped_prints_nothing_extra(data_env, write_config):
    cfg = write_config("tty", search=SEARCH)
    env = _env(data_env)
    code, out, tty = _run_on_tty(["train", str(cfg)], data_env, env)
    assert code == 0, tty
    assert "search grid: 2 candidates x 3 folds" in tty  # the bar (or its summary line)
    assert "candidate 1/2" in tty and "candidate 2/2" in tty  # one line per finished candidate
    assert "\x1b[" in tty  # drawn with terminal control codes
    assert out.strip().startswith(str(data_env / "models"))
    piped = subprocess.run([sys.executable, "-c", "from newsclf.cli import main; main()", "train", str(cfg)],
                           cwd=data_env, env=env, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0, piped.stderr
    assert "\x1b[" not in piped.stderr and "candidate" not in piped.stderr and "x 3 folds" not in piped.stderr
    # piped stderr: only the result lines the command prints itself
    assert {line.split(" ", 1)[0] for line in piped.stderr.splitlines()} <= {"data", "search", "macro_f1", "warning:",
                                                                             "report:"}
    assert len(piped.stdout.strip().splitlines()) == 1  # stdout: the run directory only
    quiet = subprocess.run([sys.executable, "-c", "from newsclf.cli import main; main()", "train", str(cfg), "-q"],
                           cwd=data_env, env=env, capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and quiet.stderr == "" and len(quiet.stdout.strip().splitlines()) == 1


@pytest.mark.slow
def test_progress_data_build_on_a_tty_and_piped(workdir):
    env = dict(os.environ, NEWSCLF_DATA=str(workdir / "data"), COLUMNS="120", TERM="xterm-256color")
    cfg = REPO / "configs" / "data" / "seed.yaml"
    code, out, tty = _run_on_tty(["data", "build", str(cfg), "--force"], workdir, env)
    assert code == 0, tty
    assert "\x1b[" in tty and "fingerprint" in tty
    piped = subprocess.run([sys.executable, "-c", "from newsclf.cli import main; main()", "data", "build", str(cfg),
                            "--force"], cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and piped.stderr == "" and "\x1b[" not in piped.stdout


def test_progress_is_silent_without_a_command(capsys):
    with progress.step("nothing shown", total=2) as s:
        s.advance()
    assert list(progress.track([1, 2], "nor this")) == [1, 2]
    progress.say("dropped")
    assert capsys.readouterr() == ("", "") and not progress.active()


def test_progress_reporting_draws_only_on_a_terminal():
    import io

    from rich.console import Console

    buf = io.StringIO()
    with progress.reporting(console=Console(file=buf, force_terminal=False)) as drawn:
        assert not drawn and not progress.active()
    buf = io.StringIO()
    with progress.reporting(console=Console(file=buf, force_terminal=True, width=100)) as drawn:
        assert drawn and progress.active()
        progress.say("shown")
    assert "shown" in buf.getvalue()
    with progress.reporting(quiet=True, console=Console(file=io.StringIO(), force_terminal=True)) as drawn:
        assert not drawn
