"""``build_bento()``: a Bento that carries the newsclf package as a wheel, and the promoted models.

The project's folders (``training/``, ``serving/``) are not importable under their own names: the
package is ``newsclf`` only once installed (setuptools ``package-dir``). So the Bento does not copy
source folders; it carries a newsclf wheel under ``python.wheels`` (installed with its
dependencies when the Bento's environment is built) and imports ``newsclf.serving.service:Newsclf``
from it. The models referenced at class scope in the service (``newsclf-boilerplate:latest``,
``newsclf-stance:latest`` or ``NEWSCLF_*_MODEL``) are packed as BentoML packs them.

The wheel is built from the project checkout by ``pip wheel`` (its build backend, setuptools, comes
from the package index like any install; pass ``wheel=`` to carry one built elsewhere).
Requirements are not locked (``lock_packages: false``: no network at build time; BentoML still
needs ``uv``, in the ``serving`` extra).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from newsclf.errors import NewsclfError

__all__ = ["SERVICE", "build_bento", "build_wheel"]

SERVICE = "newsclf.serving.service:Newsclf"


def build_wheel(source: str | Path, output: str | Path) -> Path:
    """Build the newsclf wheel of the project checkout ``source`` into ``output``; returns it.

    Raises
    ------
    NewsclfError
        When ``source`` is not a newsclf checkout or the build fails (with pip's last lines).
    """
    source, output = Path(source), Path(output)
    pyproject = source / "pyproject.toml"
    if not pyproject.is_file() or 'name = "newsclf"' not in pyproject.read_text(encoding="utf-8"):
        raise NewsclfError(f"{source}: not a newsclf checkout (no pyproject.toml of newsclf); run from the "
                           "project folder, or pass a built wheel with --wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
         "--wheel-dir", str(output), str(source)],
        capture_output=True, text=True,
    )
    wheels = sorted(output.glob("newsclf-*.whl"))
    if done.returncode != 0 or not wheels:
        raise NewsclfError(f"building the newsclf wheel from {source} failed: {done.stderr.strip()[-1500:]}")
    return wheels[-1]


def build_bento(source: str | Path | None = None, wheel: str | Path | None = None,
                version: str | None = None) -> str:
    """Build the newsclf Bento and return its tag (``newsclf:<version>``).

    Parameters
    ----------
    source : path, optional
        The project checkout to build the wheel from (default: the current directory).
    wheel : path, optional
        A built ``newsclf-*.whl`` to carry instead.
    version : str, optional
        The Bento version (default: BentoML's generated one).
    """
    import bentoml

    from newsclf import __version__

    with tempfile.TemporaryDirectory(prefix="newsclf-bento-") as tmp:
        ctx = Path(tmp) / "ctx"
        ctx.mkdir()
        if wheel is None:
            wheel = build_wheel(source or Path.cwd(), ctx)
        else:
            given = Path(wheel)
            if not given.is_file() or not given.name.startswith("newsclf-") or given.suffix != ".whl":
                raise NewsclfError(f"{given}: not a newsclf wheel (newsclf-<version>-...whl)")
            wheel = Path(shutil.copy2(given, ctx / given.name))
        with contextlib.chdir(ctx):  # BentoML resolves the wheel path from the working directory
            bento = _build(bentoml, wheel.name, version, __version__, ctx)
    return str(bento.tag)


def _build(bentoml, wheel_name: str, version: str | None, newsclf_version: str, ctx: Path):
    return bentoml.bentos.build(
        SERVICE,
        name="newsclf",
        version=version,
        description="newsclf: boilerplate and stance classification of news text",
        labels={"project": "newsclf", "newsclf_version": newsclf_version},
        include=[],
        python={"wheels": [wheel_name], "lock_packages": False},
        build_ctx=str(ctx),
    )
