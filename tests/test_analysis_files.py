"""write_output: atomic, never clobbers without force, never writes through a symbolic link."""

from __future__ import annotations

import os

import pytest

from newsclf.analysis_files import (
    OutputExistsError,
    check_output,
    sweep_partial_outputs,
    write_output,
)


def test_analysis_files_write_new_and_refuse_existing(tmp_path):
    path = tmp_path / "out" / "a.json"
    assert write_output(path, b"one") == path and path.read_bytes() == b"one"
    with pytest.raises(OutputExistsError, match="exists; pass --force"):
        write_output(path, b"two")
    with pytest.raises(OutputExistsError):
        check_output(path)
    assert path.read_bytes() == b"one"
    write_output(path, b"two", force=True)
    assert path.read_bytes() == b"two"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.json"]  # no temporary file left


@pytest.mark.parametrize("force", [False, True])
def test_analysis_files_never_write_through_a_symlink(tmp_path, force):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").symlink_to(victim)
    (out / "dangling.json").symlink_to(tmp_path / "nowhere.txt")
    for name in ("a.json", "dangling.json"):
        with pytest.raises(OutputExistsError, match="symbolic link"):
            write_output(out / name, b"evil", force=force)
    assert victim.read_text() == "precious" and not (tmp_path / "nowhere.txt").exists()


def test_analysis_files_refuse_a_folder(tmp_path):
    (tmp_path / "a.json").mkdir()
    with pytest.raises(OutputExistsError, match="not a regular file"):
        write_output(tmp_path / "a.json", b"x", force=True)


def test_analysis_files_sweep_leftovers_of_dead_writers_only(tmp_path):
    dead = tmp_path / ".a.json.999999999-abcd.part"
    live = tmp_path / f".b.json.{os.getpid()}-abcd.part"
    for p in (dead, live):
        p.write_text("half")
    assert sweep_partial_outputs(tmp_path) == [dead]
    assert live.exists()
