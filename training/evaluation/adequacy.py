"""Can a split rank runs? Small-sample and single-class checks, said the same way everywhere.

A split **cannot rank runs** when

- it holds **one class only**: every metric is then a statement about that class alone (a model
  that always answers it is perfect), and the other labels have no support; or
- it holds **fewer than** :data:`MIN_UNITS` **independent units** (groups, i.e. articles or
  paragraphs, when the split has them; rows otherwise). Below that no paired test can show a
  difference between two runs at the 5% level whatever the runs predict: the exact two-sided sign
  (McNemar) test needs 6 units that all favour the same run to reach p = 2 * 0.5**6 = 0.031
  (5 give 0.0625), and a bootstrap over fewer than 6 units draws from so few distinct resamples
  that its intervals are not trustworthy either.

Labels **without support** (no gold row in the split) are reported too: their F1 is 0 by
definition and macro-F1 averages it in, so the split measures only the other labels.

Two runs are **tied** when the paired test on the same examples does not tell them apart: the
Holm-adjusted paired-bootstrap p-value of their difference is at least :data:`ALPHA` (see
:func:`newsclf.comparison.compare.compare_entries`). No run is called best among ties.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

__all__ = ["ALPHA", "MIN_UNITS", "split_adequacy"]

ALPHA = 0.05
"""Significance level of every paired comparison (two-sided)."""

MIN_UNITS = 6
"""Fewest independent units (groups, else rows) a split needs to rank runs: with 5 or fewer an exact
sign test cannot reach p < 0.05 (2 * 0.5**5 = 0.0625)."""


def split_adequacy(gold: Sequence[str], labels: Sequence[str], groups: Sequence[Any] | None = None,
                   split: str = "test", per_class: bool = True) -> dict[str, Any]:
    """Say whether the split with gold labels ``gold`` can rank runs, and why not.

    Parameters
    ----------
    gold : gold label names of the split's scored rows, length n
    labels : every label of the task
    groups : the rows' groups (the bootstrap unit), length n, or None (rows are the units)
    split : the split's name, used in the messages
    per_class : False when the headline is not per class (a ranking task's accuracy per query,
        whose gold is "the best candidate is the speaker"): only the number of units counts

    Returns
    -------
    dict with ``n`` (rows), ``units`` and ``unit`` ("groups" or "rows"), ``classes`` (labels
    present), ``labels_without_support``, ``single_class`` and ``too_small`` (bools),
    ``rankable`` (bool) and ``warnings`` (one sentence each, empty when all is well).
    """
    counts = Counter(gold)
    n = len(gold)
    has_groups = groups is not None and len(set(groups)) > 1
    units = len(set(groups)) if has_groups else n
    unit = "groups" if has_groups else "rows"
    missing = [lab for lab in labels if not counts.get(lab)]
    present = [lab for lab in labels if counts.get(lab)]
    single = per_class and len(present) < 2
    too_small = units < MIN_UNITS
    warnings = []
    if n == 0:
        warnings.append(f"{split} split is empty: nothing was measured")
    elif single:
        warnings.append(
            f"{split} split has one class only ({present[0] if present else '-'}: {n} rows): every metric "
            "describes that class alone, so it cannot rank runs")
    if n and too_small:
        warnings.append(
            f"{split} split has {units} independent {unit} (< {MIN_UNITS}): no paired test can reach "
            f"p < {ALPHA} on it (an exact sign test needs {MIN_UNITS} units all favouring one run), "
            "so it cannot rank runs")
    if n and missing and per_class and not single:
        warnings.append(
            f"{split} split has no rows of {', '.join(missing)}: their F1 is 0 by definition and "
            "macro-F1 averages it in; it measures only " + ", ".join(present))
    return {
        "split": split,
        "n": n,
        "units": units,
        "unit": unit,
        "classes": present,
        "labels_without_support": missing,
        "single_class": bool(single),
        "too_small": bool(too_small),
        "rankable": bool(n and not single and not too_small),
        "warnings": warnings,
    }
