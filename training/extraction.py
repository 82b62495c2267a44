"""Main-text extraction: classify a page's blocks with a boilerplate model and keep the content.

One policy serves the CLI (``newsclf extract``), the service (``/extract``) and the benchmark:
:func:`extract_main_text` for one page, :func:`extract_many` for a stream of pages (featurized and
classified in batches of pages, which halves the per-page cost of the model on small pages). HTML
articles (blocks with a DOM ``tag_path``) are classified block by block with their DOM context;
plain-text articles sentence by sentence, as the boilerplate datasets of plain text are built
(:mod:`newsclf.data.pages`).

Prediction runs with one OpenMP thread: a page has a few hundred rows, too few for threads to pay
off, and idle OpenMP workers spin on the CPU between the trees' parallel loops (measured: 7x the
CPU time of one thread on a shared 2-core machine).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import numpy as np

from newsclf.data.pages import Unit, page_columns, page_units
from newsclf.data.types import Article
from newsclf.pipeline.features.layout import in_comment_section
from newsclf.tasks import TASKS

__all__ = ["classify_many", "classify_units", "extract_many", "extract_main_text", "resolve_model", "select_main_text"]

_INPUTS = list(TASKS["boilerplate"].inputs)


def resolve_model(model: Any) -> Any:
    """The fitted pipeline of ``model`` (a pipeline or a :class:`~newsclf.pipeline.runs.Run`)."""
    from newsclf.pipeline.runs import Run

    if isinstance(model, Run):
        if model.task != "boilerplate":
            raise ValueError(f"run {model.run_id} is a {model.task!r} model; extraction needs a boilerplate run")
        return model.model
    if not hasattr(model, "predict_proba"):
        raise TypeError(f"expected a fitted boilerplate pipeline or a Run, got {type(model).__name__}")
    return model


@lru_cache(maxsize=1)
def _threads() -> Any:
    """A threadpoolctl controller (built once: building one scans the loaded libraries, ~5 ms)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _content_proba(pipeline: Any, columns: dict[str, list]) -> np.ndarray:
    import pandas as pd

    from newsclf.pipeline.router import fast_predict_proba

    frame = pd.DataFrame(columns, columns=_INPUTS)
    with _threads().limit(limits=1, user_api="openmp"):
        steps = getattr(pipeline, "steps", None)
        if steps and len(steps) > 1:  # features, then the estimator's trees walked on binned features
            proba = fast_predict_proba(steps[-1][1], pipeline[:-1].transform(frame))
        else:
            proba = pipeline.predict_proba(frame)
        proba = np.asarray(proba, dtype=float)
    classes = [str(c) for c in pipeline.classes_]
    return proba[:, classes.index("content")] if "content" in classes else 1.0 - proba[:, -1]


def classify_many(model: Any, articles: Iterable[Article], unit: str | None = None) -> list[tuple[list[Unit], np.ndarray]]:
    """``(units, content probability per unit)`` of each article, classified in one batch.

    Each article is its own document for the context features (a distinct ``group``), so the
    result is the same as classifying them one by one.
    """
    pipeline = resolve_model(model)
    out: list[tuple[list[Unit], np.ndarray]] = []
    columns: dict[str, list] = {name: [] for name in _INPUTS}
    sizes: list[int] = []
    for k, article in enumerate(articles):
        is_html = any(b.tag_path for b in article.blocks)
        kind = unit or ("block" if is_html else "sentence")
        units = page_units(article, kind) if article.text.strip() else []
        out.append((units, np.zeros(0)))
        sizes.append(len(units))
        if units:
            cols = page_columns(article, f"{k}:{article.id or 'page'}", "dom" if is_html else "text", kind, units)
            for name in _INPUTS:
                columns[name] += cols[name]
    if not columns["text"]:
        return out
    content = _content_proba(pipeline, columns)
    bounds = np.r_[0, np.cumsum(sizes)]
    return [(units, content[bounds[k] : bounds[k + 1]]) for k, (units, _) in enumerate(out)]


def classify_units(model: Any, article: Article, unit: str | None = None) -> tuple[list, np.ndarray]:
    """``(units, content probability per unit)`` of ``article`` (units in reading order)."""
    return classify_many(model, [article], unit)[0]


def select_main_text(units: list[Unit], content: np.ndarray, threshold: float = 0.5, comments: bool = False) -> str:
    """The kept units' text: content probability at least ``threshold``, comment sections left out
    (see :func:`extract_main_text`); units of one block joined by a space, blocks by a blank line."""
    if not units:
        return ""
    eligible = np.ones(len(units), dtype=bool)
    if not comments:
        eligible = ~in_comment_section([u.block.attrs for u in units])
        if not (eligible & (content >= threshold)).any():
            eligible[:] = True  # no article content outside comment-named blocks: a forum thread
    keep = eligible & (content >= threshold)
    if not keep.any():
        keep = eligible & (content >= 0.5 * float(content[eligible].max()))
    paragraphs: list[str] = []
    last_block = None
    for u, k in zip(units, keep, strict=True):
        if not k:
            continue
        if last_block is not None and u.block.index == last_block:
            paragraphs[-1] += " " + u.text
        else:
            paragraphs.append(u.text)
        last_block = u.block.index
    return "\n\n".join(paragraphs)


def extract_main_text(
    model: Any, article: Article, threshold: float = 0.5, unit: str | None = None, comments: bool = False
) -> str:
    """The article's main content as text.

    Parameters
    ----------
    model : Pipeline or Run
        A fitted boilerplate model (``Run.model`` is used for a run).
    article : Article
        From :func:`newsclf.data.html.read_html` (blocks with DOM context) or a plain-text reader.
    threshold : float, default 0.5
        Minimum content probability of a kept unit. When no unit reaches it, the units scoring at
        least half the page's best score are kept (a page always yields its most likely content).
    unit : {"block", "sentence"}, optional
        Default: blocks for HTML, sentences for plain text.
    comments : bool, default False
        Keep reader comments. By default blocks of a comment section (a ``comment`` cue among the
        block's nearest class/id tokens, :func:`~newsclf.pipeline.features.layout.in_comment_section`)
        are left out whatever the model says, as trafilatura's ``include_comments=False`` does:
        comments are not the article, but a block model reads a long comment as prose, and one
        training corpus (trafilatura-eval) labels the comments of some forum pages as content. When
        no block outside comment sections reaches ``threshold`` (a forum thread, or an article
        wrapper whose class names comments), the policy is not applied.

    Returns
    -------
    str
        Kept units in reading order; units of one block joined by a space, blocks by a blank line.
    """
    units, content = classify_units(model, article, unit)
    return select_main_text(units, content, threshold, comments)


def extract_many(
    model: Any,
    articles: Iterable[Article],
    threshold: float = 0.5,
    unit: str | None = None,
    comments: bool = False,
    batch_pages: int = 32,
) -> Iterator[tuple[Article, str]]:
    """``(article, main text)`` for each article of a stream, in order, classified ``batch_pages``
    pages at a time (the same texts as :func:`extract_main_text` page by page)."""
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= batch_pages:
            yield from _extract_batch(model, batch, threshold, unit, comments)
            batch = []
    if batch:
        yield from _extract_batch(model, batch, threshold, unit, comments)


def _extract_batch(model, batch, threshold, unit, comments) -> Iterator[tuple[Article, str]]:
    for article, (units, content) in zip(batch, classify_many(model, batch, unit), strict=True):
        yield article, select_main_text(units, content, threshold, comments)
