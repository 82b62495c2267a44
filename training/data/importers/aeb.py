"""Importer of the Article Extraction Benchmark (``corpora/aeb``) for the boilerplate task.

Each page is read with :func:`newsclf.data.html.read_html` and cut into units (blocks, or
sentences with ``unit="sentence"``). A unit is labelled by alignment with the page's human
``articleBody``:

- Units of four or more ``\\w+`` tokens: CONTENT when at least ``threshold`` (default 0.5) of their
  token 4-gram shingles occur in the body (the benchmark's own unit of comparison), else BOILERPLATE.
- Short units (under four tokens or 15 characters): BOILERPLATE when their normalised text does not
  occur in the body; when it does (``"Advertisement"``, ``"Read more"``, a one-word sub-heading) the
  string is ambiguous and is resolved by alignment with its neighbours: CONTENT when the nearest
  long units before and after it are both content, BOILERPLATE when both are boilerplate, otherwise
  left unlabelled (dropped, counted in ``stats["unlabelled"]``).
- The headline is not part of ``articleBody``. ``headline="boilerplate"`` (default) keeps the
  benchmark's definition, so a model trained on these rows extracts what AEB scores;
  ``headline="content"`` follows the project's label guide (the first occurrence of the headline
  is content); ``headline="drop"`` leaves it out. The headline is the first non-content unit whose
  text equals the page's ``og:title``/``<title>`` (or its part before a `` | `` / `` - ``
  separator), else the first ``h1``.

Rows carry the task input columns, ``label``, ``group`` = the page's site (registered domain, so
no site lands in two splits) and ``id`` = the page id, in reading order within each page.
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

__all__ = ["check_renderings", "headline_candidates", "label_units", "load", "read_pages"]

_TOKEN = re.compile(r"\w+")
_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip().lower()


def _shingles(tokens: list[str], n: int = 4) -> list[str]:
    return [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def headline_candidates(meta: dict[str, Any]) -> set[str]:
    """Normalised title strings of a page (og:title, <title> and its parts around separators)."""
    out = set()
    for key in ("og_title", "title"):
        value = meta.get(key)
        if not value:
            continue
        value = _norm(value)
        out.add(value)
        for sep in (" | ", " - ", " – ", " — ", " :: ", " « ", " » "):
            if sep in value:
                parts = [p.strip() for p in value.split(sep)]
                out.add(max(parts, key=len))
                if len(_TOKEN.findall(parts[0])) >= 3:  # not a section label ("Opinion | ...")
                    out.add(parts[0])
    return {x for x in out if x}


def label_units(
    units: list[Unit], body: str, meta: dict[str, Any], threshold: float = 0.5, headline: str = "boilerplate"
) -> tuple[list[str | None], Counter]:
    """Labels (``"content"``, ``"boilerplate"`` or None) for a page's units; see the module doc."""
    if headline not in ("boilerplate", "content", "drop"):
        raise ValueError(f"headline must be 'boilerplate', 'content' or 'drop', got {headline!r}")
    body_tokens = [t.lower() for t in _TOKEN.findall(body)]
    body_shingles = set(_shingles(body_tokens))
    body_text = " " + " ".join(body_tokens) + " "
    stats: Counter = Counter()
    labels: list[str | None] = []
    short: list[bool] = []
    for u in units:
        tokens = [t.lower() for t in _TOKEN.findall(u.text)]
        if len(tokens) >= 4 and len(u.text) >= 15:
            sh = _shingles(tokens)
            frac = sum(s in body_shingles for s in sh) / len(sh)
            labels.append("content" if frac >= threshold else "boilerplate")
            short.append(False)
        elif not tokens:
            labels.append("boilerplate")
            short.append(True)
        else:
            inside = (" " + " ".join(tokens) + " ") in body_text
            labels.append(None if inside else "boilerplate")
            short.append(True)
    # resolve ambiguous short strings by their long neighbours
    n = len(labels)
    for i in range(n):
        if labels[i] is not None:
            continue
        prev = next((labels[j] for j in range(i - 1, -1, -1) if not short[j]), None)
        nxt = next((labels[j] for j in range(i + 1, n) if not short[j]), None)
        if prev == nxt and prev is not None:
            labels[i] = prev
            stats["short_resolved"] += 1
        else:
            stats["unlabelled_ambiguous"] += 1
    # headline
    titles = headline_candidates(meta)
    head = next((i for i, u in enumerate(units) if labels[i] != "content" and _norm(u.text) in titles), None)
    if head is None:
        head = next((i for i, u in enumerate(units) if labels[i] != "content" and u.block.tag == "h1"), None)
    if head is not None:
        stats["headline_found"] += 1
        labels[head] = None if headline == "drop" else headline
    return labels, stats


def read_pages(root: Path, limit: int | None = None) -> list[tuple[str, Any, str, str]]:
    """``(page_id, article, body, site)`` for the corpus pages, sorted by id."""
    gt_path = root / "ground-truth.json"
    if not gt_path.is_file():
        raise InputError(f"{gt_path}: AEB ground truth not found; point NEWSCLF_CORPORA at the corpora folder")
    truth = json.loads(gt_path.read_text(encoding="utf-8"))
    out = []
    for page_id in progress.track(sorted(truth)[:limit], "aeb: reading pages"):
        path = root / "html" / f"{page_id}.html.gz"
        if not path.is_file():
            raise InputError(f"{path}: page listed in ground-truth.json is missing")
        article = read_html(path.read_bytes(), page_id, str(path))
        url = truth[page_id].get("url", "")
        article.meta.setdefault("url", url)
        out.append((page_id, article, truth[page_id].get("articleBody", "") or "", site_of(url or page_id)))
    return out


def load(
    root: Path,
    mode: str = "dom",
    unit: str = "block",
    headline: str = "boilerplate",
    threshold: float = 0.5,
    keep_unlabelled: bool = False,
    limit: int | None = None,
    renderings: list[str] | None = None,
    noise: float = 0.0,
    seed: int = 13,
) -> Imported:
    """Import AEB pages as labelled boilerplate rows.

    Parameters
    ----------
    root : Path
        The ``aeb`` corpus folder.
    mode : {"dom", "text"}
        ``"text"`` renders pages as plain visible text (DOM columns empty).
    unit : {"block", "sentence"}
    headline : {"boilerplate", "content", "drop"}
    threshold : float
        Share of a unit's 4-gram shingles that must occur in the body for CONTENT.
    keep_unlabelled : bool
        Keep unresolved ambiguous units with ``label=None`` (for experiments that need whole pages).
    limit : int, optional
        Read only the first ``limit`` pages (by id), for quick tests.
    renderings : list of str, optional
        With ``mode="text"``: render each page in these ways (:data:`newsclf.data.renderings.RENDERINGS`)
        and label every sentence of every rendering against the body; each rendering is a
        document of its own (``unit`` must be ``"sentence"``).
    noise : float
        Noise of the renderings (lines joined or broken; :func:`~newsclf.data.renderings.render_page`).
    seed : int
        Seed of the renderings' random choices (one stream per page).
    """
    import random

    from newsclf.data.renderings import RENDERINGS, story_span

    renderings = check_renderings(renderings, mode, unit, RENDERINGS)
    rows: list[dict[str, Any]] = []
    stats: Counter = Counter()
    for page_id, article, body, site in read_pages(Path(root), limit):
        units = page_units(article, "block" if renderings else unit)
        labels, page_stats = label_units(units, body, article.meta, threshold, headline)
        stats.update(page_stats)
        if renderings:
            titles = headline_candidates(article.meta)
            story = story_span(labels, article.blocks, [u.text for u in units], titles)

            def labeller(text_units, _article, body=body, meta=article.meta):
                return label_units(text_units, body, meta, threshold, headline)[0]

            rng = random.Random(f"{seed}:{page_id}")
            rows += rendered_rows(article, site, renderings, story, labeller, rng, noise, keep_unlabelled, stats)
        else:
            rows += labelled_rows(article, site, mode, unit, units, labels, keep_unlabelled, stats)
        stats["pages"] += 1
    stats["sites"] = len({r["group"] for r in rows})
    return Imported(task="boilerplate", rows=rows, stats={"corpus": "aeb", "mode": mode, "unit": unit,
                                                          "headline": headline, **dict(stats)})  # fmt: skip


def check_renderings(renderings: list[str] | None, mode: str, unit: str, known: tuple[str, ...]) -> list[str]:
    if not renderings:
        return []
    if mode != "text" or unit != "sentence":
        raise InputError("renderings need mode: text and unit: sentence (a rendering is plain text)")
    bad = [r for r in renderings if r not in known]
    if bad:
        raise InputError(f"unknown rendering(s) {', '.join(map(str, bad))}; known: {', '.join(known)}")
    return list(renderings)
