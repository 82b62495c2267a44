"""Grouped deterministic splits: no group on two sides, fractions, fixed splits, determinism."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclf.data.splits import assign_splits, split_indices

FRACTIONS = {"train": 0.7, "validation": 0.15, "test": 0.15}


def _sides(groups, splits):
    seen: dict[str, set[str]] = {}
    for g, s in zip(groups, splits, strict=True):
        seen.setdefault(g, set()).add(s)
    return seen


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from([f"g{i}" for i in range(30)]), st.sampled_from("abc")),
        min_size=1,
        max_size=200,
    ),
    seed=st.integers(0, 2**31 - 1),
    stratify=st.booleans(),
)
def test_splits_no_group_on_two_sides(rows, seed, stratify):
    groups = [g for g, _ in rows]
    labels = [lab for _, lab in rows] if stratify else None
    splits = assign_splits(groups, FRACTIONS, seed, labels=labels)
    assert len(splits) == len(groups)
    assert all(len(v) == 1 for v in _sides(groups, splits).values())
    assert set(splits) <= set(FRACTIONS)


@pytest.mark.parametrize("seed", [0, 13, 2024])
@pytest.mark.parametrize("stratify", [False, True])
def test_splits_deterministic_and_order_independent(seed, stratify):
    groups = [f"a{i % 17}" for i in range(300)]
    labels = ["x" if i % 7 else "y" for i in range(300)]
    lab = labels if stratify else None
    first = assign_splits(groups, FRACTIONS, seed, labels=lab)
    assert first == assign_splits(groups, FRACTIONS, seed, labels=lab)
    shuffled = list(reversed(groups))
    by_group = dict(zip(groups, first, strict=True))
    lab_shuffled = list(reversed(labels)) if stratify else None
    again = assign_splits(shuffled, FRACTIONS, seed, labels=lab_shuffled)
    assert again == [by_group[g] for g in shuffled]


def test_splits_seed_changes_assignment():
    groups = [f"a{i}" for i in range(50)]
    assert assign_splits(groups, FRACTIONS, 1) != assign_splits(groups, FRACTIONS, 2)


@pytest.mark.parametrize("n_groups", [100, 400])
@pytest.mark.parametrize("stratify", [False, True])
def test_splits_fractions_in_rows(n_groups, stratify):
    groups = [f"g{i}" for i in range(n_groups) for _ in range(3)]
    labels = ["rare" if i % 10 == 0 else "common" for i in range(len(groups))]
    splits = assign_splits(groups, FRACTIONS, 13, labels=labels if stratify else None)
    counts = Counter(splits)
    for name, frac in FRACTIONS.items():
        assert abs(counts[name] / len(groups) - frac) < 0.05
    if stratify:
        rare = Counter(s for s, lab in zip(splits, labels, strict=True) if lab == "rare")
        for name, frac in FRACTIONS.items():
            assert abs(rare[name] / labels.count("rare") - frac) < 0.08


def test_splits_stratified_rare_label_goes_to_train_first():
    # One paragraph holds the only "favor" row: it must be in train, not held out.
    groups = ["p1", "p1", "p2", "p2", "p3", "p3", "p4", "p5", "p6"]
    labels = ["favor", "none", "against", "none", "against", "none", "against", "none", "against"]
    for seed in range(20):
        splits = assign_splits(groups, FRACTIONS, seed, labels=labels)
        assert splits[0] == "train"
        assert set(splits) == set(FRACTIONS)


def test_splits_small_data_fills_every_split():
    groups = ["p0", "p1", "p2", "p3"]
    assert set(assign_splits(groups, FRACTIONS, 13)) == set(FRACTIONS)


def test_splits_zero_fraction_gets_nothing():
    groups = [f"g{i}" for i in range(40)]
    splits = assign_splits(groups, {"train": 0.8, "validation": 0.2, "test": 0.0}, 13)
    assert "test" not in splits


def test_splits_fixed_rows_keep_split_and_pull_their_group():
    groups = ["a", "a", "b", "c", "d", "e", "f"]
    fixed = ["dev_mt", None, None, None, None, None, "test"]
    splits = assign_splits(groups, FRACTIONS, 13, fixed=fixed)
    assert splits[0] == splits[1] == "dev_mt"
    assert splits[6] == "test"


def test_splits_rejects_bad_arguments():
    with pytest.raises(ValueError, match="positive"):
        assign_splits(["a"], {"train": 0.0}, 1)
    with pytest.raises(ValueError, match="fixed"):
        assign_splits(["a", "b"], FRACTIONS, 1, fixed=[None])
    with pytest.raises(ValueError, match="labels"):
        assign_splits(["a", "b"], FRACTIONS, 1, labels=["x"])


def test_splits_indices_per_split():
    idx = split_indices(["train", "test", "train"])
    assert idx["train"].tolist() == [0, 2] and idx["test"].tolist() == [1]
