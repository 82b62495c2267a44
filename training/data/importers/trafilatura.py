"""Importer of trafilatura's evaluation corpus (``corpora/trafilatura-eval``), boilerplate task.

Each page is read with :func:`newsclf.data.html.read_html` (encodings sniffed: many pages are
not UTF-8) and cut into units (blocks, or sentences with ``unit="sentence"``). Labels follow the
corpus README: a unit whose whitespace-normalised text contains a ``with`` snippet is CONTENT, one
that contains a ``without`` snippet is BOILERPLATE; a unit of at least 15 characters that lies
inside a ``with``/``without`` snippet (a snippet spanning several blocks) gets that snippet's label;
a unit matching both kinds is a conflict and is dropped; all other units are unlabelled and dropped
(``keep_unlabelled=True`` keeps them with ``label=None`` for experiments that need whole pages).

``group`` is the page's site (registered domain of its URL, or of its canonical link / file name
for the entries keyed ``hard::<file>``); ``id`` is the page file name without extensions.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from newsclf import progress
from newsclf.data.html import read_html
from newsclf.data.importers.base import Imported
from newsclf.data.pages import Unit, labelled_rows, page_units, rendered_rows, site_of
from newsclf.errors import InputError

__all__ = ["fill_labels", "label_units", "load", "read_pages"]

_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text or "").strip()


def label_units(units: list[Unit], with_: list[str], without: list[str]) -> tuple[list[str | None], Counter]:
    """Labels (``"content"``, ``"boilerplate"`` or None) of a page's units from its snippets."""
    pos = [s for s in (_norm(x) for x in with_) if s]
    neg = [s for s in (_norm(x) for x in without) if s]
    stats: Counter = Counter()
    labels: list[str | None] = []
    for u in units:
        text = _norm(u.text)
        long = len(text) >= 15
        is_pos = any(s in text or (long and text in s) for s in pos)
        is_neg = any(s in text or (long and text in s) for s in neg)
        if is_pos and is_neg:
            labels.append(None)
            stats["conflicts"] += 1
        elif is_pos:
            labels.append("content")
        elif is_neg:
            labels.append("boilerplate")
        else:
            labels.append(None)
    return labels, stats


def fill_labels(units: list[Unit], labels: list[str | None], min_chars: int = 30) -> list[str | None]:
    """Labels with gaps filled from the page's snippet layout (``fill="span"``).

    An unlabelled unit of at least ``min_chars`` characters lying between two CONTENT units is
    CONTENT (the article body runs between its first and last ``with`` snippets); an unlabelled
    unit between two BOILERPLATE units with no content unit in between is BOILERPLATE. Everything
    else stays unlabelled. Only the page's own snippets are used.
    """
    out = list(labels)
    known = [i for i, lab in enumerate(labels) if lab is not None]
    for a, b in zip(known, known[1:], strict=False):
        if b - a < 2:
            continue
        if labels[a] == labels[b] == "content":
            for i in range(a + 1, b):
                if len(_norm(units[i].text)) >= min_chars:
                    out[i] = "content"
        elif labels[a] == labels[b] == "boilerplate":
            for i in range(a + 1, b):
                out[i] = "boilerplate"
    return out


def read_pages(root: Path, limit: int | None = None) -> list[tuple[str, Any, dict[str, Any], str]]:
    """``(page_id, article, entry, site)`` for the corpus pages in ``evaldata.json`` order."""
    path = root / "evaldata.json"
    if not path.is_file():
        raise InputError(f"{path}: trafilatura-eval annotations not found; point NEWSCLF_CORPORA at the corpora folder")
    entries = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for key, entry in progress.track(list(entries.items())[:limit], "trafilatura-eval: reading pages"):
        file = root / "html" / entry["file"]
        if not file.is_file():
            raise InputError(f"{file}: page listed in evaldata.json is missing")
        page_id = entry["file"].split(".html")[0]
        article = read_html(file.read_bytes(), page_id, str(file))
        if key.startswith("http"):
            site = site_of(key)
            article.meta["url"] = key
        else:
            site = site_of(article.meta.get("url") or entry.get("original_file") or entry["file"])
        out.append((page_id, article, entry, site))
    return out


def load(
    root: Path,
    mode: str = "dom",
    unit: str = "block",
    keep_unlabelled: bool = False,
    limit: int | None = None,
    fill: str = "none",
    renderings: list[str] | None = None,
    noise: float = 0.0,
    seed: int = 13,
) -> Imported:
    """Import trafilatura-eval pages as labelled boilerplate rows.

    Parameters
    ----------
    root : Path
        The ``trafilatura-eval`` corpus folder.
    mode : {"dom", "text"}
        ``"text"`` renders pages as plain visible text (DOM columns empty).
    unit : {"block", "sentence"}
    keep_unlabelled : bool
        Keep unlabelled units with ``label=None`` (whole pages, for context-aware experiments).
    limit : int, optional
        Read only the first ``limit`` pages, for quick tests.
    fill : {"none", "span"}
        ``"span"`` fills unlabelled units from the snippet layout (see :func:`fill_labels`).
    renderings : list of str, optional
        With ``mode="text"``: render each page in these ways (:data:`newsclf.data.renderings.RENDERINGS`)
        and label the sentences of each rendering from the snippets; each rendering is a document
        of its own (``unit`` must be ``"sentence"``).
    noise : float
        Noise of the renderings (:func:`~newsclf.data.renderings.render_page`).
    seed : int
        Seed of the renderings' random choices (one stream per page).
    """
    import random

    from newsclf.data.importers.aeb import check_renderings, headline_candidates
    from newsclf.data.renderings import RENDERINGS, story_span

    if fill not in ("none", "span"):
        raise InputError(f"trafilatura importer: fill must be 'none' or 'span', got {fill!r}")
    renderings = check_renderings(renderings, mode, unit, RENDERINGS)
    rows: list[dict[str, Any]] = []
    stats: Counter = Counter()
    for page_id, article, entry, site in read_pages(Path(root), limit):
        with_, without = entry.get("with", []), entry.get("without", [])
        units = page_units(article, "block" if renderings else unit)
        labels, page_stats = label_units(units, with_, without)
        if fill == "span":
            labels = fill_labels(units, labels)
        stats.update(page_stats)
        if renderings:
            titles = headline_candidates(article.meta)
            story = story_span(labels, article.blocks, [u.text for u in units], titles)

            def labeller(text_units, _article, with_=with_, without=without):
                return label_units(text_units, with_, without)[0]

            rng = random.Random(f"{seed}:{page_id}")
            rows += rendered_rows(article, site, renderings, story, labeller, rng, noise, keep_unlabelled, stats)
        else:
            rows += labelled_rows(article, site, mode, unit, units, labels, keep_unlabelled, stats)
        stats["pages"] += 1
    stats["sites"] = len({r["group"] for r in rows})
    return Imported(task="boilerplate", rows=rows, stats={"corpus": "trafilatura-eval", "mode": mode,
                                                          "unit": unit, **dict(stats)})  # fmt: skip
