"""Locks and staged directories: a busy output fails at once; leftovers of dead processes are
swept, those of live ones kept (real processes, killed with SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from newsclf.staging import BusyError, exclusive, staging_dir, sweep_stale


def _holder(code: str) -> subprocess.Popen:
    """A Python process running ``code`` that prints 'ready' once it holds what it takes."""
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


def test_staging_exclusive_fails_at_once_while_another_process_holds_it(tmp_path):
    lock = tmp_path / ".out.lock"
    proc = _holder(f"""
        import time
        from newsclf.staging import exclusive
        with exclusive({str(lock)!r}, "out"):
            print("ready", flush=True); time.sleep(60)
    """)
    try:
        t = time.perf_counter()
        with pytest.raises(BusyError, match=rf"out is in use by another newsclf process \(pid {proc.pid}\)"):
            with exclusive(lock, "out"):
                pass
        assert time.perf_counter() - t < 1
    finally:
        _kill(proc)
    with exclusive(lock, "out"):  # the kernel dropped the dead holder's lock
        assert lock.read_text() == str(os.getpid())
    assert not lock.exists()


def test_staging_sweep_removes_only_what_no_live_process_holds(tmp_path):
    code = """
        import time
        from pathlib import Path
        from newsclf.staging import staging_dir
        with staging_dir(Path({root!r}), "run", "partial") as d:
            (d / "model.skops").write_bytes(b"x" * 1000)
            print("ready", flush=True); time.sleep(60)
    """
    live = _holder(code.format(root=str(tmp_path)))
    dead = _holder(code.format(root=str(tmp_path)))
    _kill(dead)
    staged = {p.name.split(".")[2].split("-")[0]: p for p in tmp_path.glob(".run.*.partial")}
    assert set(staged) == {str(live.pid), str(dead.pid)}
    legacy_dead = tmp_path / ".run.tmp-999999999-1"  # an older newsclf's name: pid, no lock file
    legacy_dead.mkdir()
    unrelated = tmp_path / ".keep.partial.txt"
    unrelated.write_text("not a staged directory")
    try:
        removed = sweep_stale(tmp_path, r"\..+\.partial|\..+\.tmp-\d+-\d+")
        assert sorted(removed) == sorted([staged[str(dead.pid)], legacy_dead])
        assert staged[str(live.pid)].is_dir() and unrelated.is_file()
    finally:
        _kill(live)
    assert sweep_stale(tmp_path, r"\..+\.partial") == [staged[str(live.pid)]]
    assert not list(tmp_path.glob("*.lock")) and not list(tmp_path.glob(".run.*"))


def test_staging_sweep_restores_a_dataset_moved_aside_by_a_dead_build(tmp_path):
    old = tmp_path / ".seed.old-999999999-5"
    old.mkdir()
    (old / "manifest.json").write_text("{}")
    from newsclf.data.build import sweep_stale_datasets

    assert sweep_stale_datasets(tmp_path) == []
    assert (tmp_path / "seed" / "manifest.json").is_file() and not old.exists()


def test_staging_dir_is_removed_when_the_block_raises(tmp_path):
    with pytest.raises(KeyboardInterrupt), staging_dir(tmp_path, "x", "tmp") as d:
        (d / "f").write_text("half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_staging_sweep_ignores_symlinks_and_files(tmp_path):
    target = tmp_path / "precious"
    target.mkdir()
    (tmp_path / ".evil.tmp-999999999-1").symlink_to(target)
    assert sweep_stale(tmp_path, r"\..+\.tmp-\d+-\d+") == []
    assert target.is_dir()
