"""Main-text extraction: classify a page's blocks with a boilerplate model and keep the content.

One function serves the CLI (``newsclf extract``), the service (``/extract``) and the benchmark:
:func:`extract_main_text`. HTML articles (blocks with a DOM ``tag_path``) are classified block by
block with their DOM context; plain-text articles sentence by sentence, as the boilerplate datasets
of plain text are built (:mod:`newsclf.data.pages`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from newsclf.data.pages import page_rows, page_units
from newsclf.data.types import Article
from newsclf.pipeline.features.layout import in_comment_section
from newsclf.tasks import TASKS

__all__ = ["classify_units", "extract_main_text", "resolve_model"]

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


def classify_units(model: Any, article: Article, unit: str | None = None) -> tuple[list, np.ndarray]:
    """``(units, content probability per unit)`` of ``article`` (units in reading order)."""
    pipeline = resolve_model(model)
    is_html = any(b.tag_path for b in article.blocks)
    unit = unit or ("block" if is_html else "sentence")
    units = page_units(article, unit) if article.text.strip() else []
    if not units:
        return [], np.zeros(0)
    import pandas as pd

    rows = page_rows(article, article.id or "page", "dom" if is_html else "text", unit, units)
    frame = pd.DataFrame(rows, columns=_INPUTS)
    proba = np.asarray(pipeline.predict_proba(frame), dtype=float)
    classes = [str(c) for c in pipeline.classes_]
    content = proba[:, classes.index("content")] if "content" in classes else 1.0 - proba[:, -1]
    return units, content


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
