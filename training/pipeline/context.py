"""Fit a pipeline on a split that holds context rows.

Context rows (label None; data config ``unlabelled: context``) are rows a corpus leaves unlabelled
but that belong to a labelled page: trafilatura-eval marks only the blocks holding one of its
snippets. Dropping them would leave gappy pages whose neighbour features (``block_stats``
windows) differ from what the model sees at prediction time, on whole pages. So the featurizers
see every row and the estimator learns from the labelled rows only (the same as sample weight 0,
without paying for the unlabelled rows in the estimator's fit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags

from newsclf.errors import ConfigError

__all__ = ["check_context_fit", "fit_with_context", "has_context"]


def has_context(y: list[str | None]) -> bool:
    """True when ``y`` holds at least one context row (None)."""
    return any(lab is None for lab in y)


def _learns_from_labels(featurizer) -> bool:
    return bool(get_tags(featurizer).target_tags.required)


def check_context_fit(pipeline: Pipeline, n_context: int) -> None:
    """Raise ``ConfigError`` if a featurizer of ``pipeline`` learns from labels and cannot be fitted
    on ``n_context`` rows that have none. Featurizers with ``accepts_context_rows = True``
    (``text_proba``) learn from the labelled rows and featurize the context rows."""
    for name, featurizer in pipeline.named_steps["features"].transformer_list:
        if _learns_from_labels(featurizer) and not getattr(featurizer, "accepts_context_rows", False):
            raise ConfigError(
                f"features {name!r} learns from labels, and the train split has {n_context} context "
                f"rows (data config 'unlabelled: context'); drop {name!r} or build the data with "
                "'unlabelled: drop'"
            )


def fit_with_context(pipeline: Pipeline, X: pd.DataFrame, y: list[str | None]) -> Pipeline:
    """Fit the featurizers of ``pipeline`` on all rows of ``X`` (n_rows,) and its estimator on the
    features of the rows whose label in ``y`` is not None. Returns ``pipeline``, fitted."""
    labelled = np.array([lab is not None for lab in y], dtype=bool)
    check_context_fit(pipeline, int((~labelled).sum()))
    features = pipeline.named_steps["features"]
    if any(_learns_from_labels(f) for _, f in features.transformer_list):
        Z = features.fit_transform(X, list(y))  # context rows carry None: fitted on the labelled rows
    else:
        Z = features.fit_transform(X)
    keep = np.flatnonzero(labelled)
    pipeline.named_steps["model"].fit(Z[keep], [y[i] for i in keep])
    return pipeline
