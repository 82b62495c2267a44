"""Boilerplate featurizers: estimator contract, shapes, context windows within documents."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from newsclf.pipeline.features.blocks import (
    BlockProba,
    BlockStats,
    DomTokens,
    TextProba,
    block_stat_names,
    container_keys,
    document_ids,
)
from newsclf.pipeline.registry import featurizers
from newsclf.tasks import to_frame

CONTENT = ["The minister said on Tuesday that the talks would resume next week in the capital.",
           "Officials from both sides were expected to attend, according to a statement."]  # fmt: skip
CHROME = ["Home", "Share on Facebook", "Subscribe to our newsletter", "© 2026 Example News"]


def _page(group: str, n_repeat: int = 1) -> list[dict]:
    units = [("Home", "html/body/nav/ul/li", "nav menu", 1.0, "li"),
             *[(t, "html/body/article/p", "story body", 0.0, "p") for t in CONTENT * n_repeat],
             ("Share on Facebook", "html/body/div/a", "share social", 1.0, "div"),
             ("© 2026 Example News", "html/body/footer", "site footer", 0.0, "footer")]  # fmt: skip
    n = len(units)
    return [{"text": t, "group": group, "position": i / (n - 1), "tag_path": p, "attrs": a, "link_density": ld,
             "tag": tag} for i, (t, p, a, ld, tag) in enumerate(units)]  # fmt: skip


def _frame(groups=("a", "b", "c", "d")):
    rows = [r for g in groups for r in _page(g)]
    y = ["content" if r["text"] in CONTENT else "boilerplate" for r in rows]
    return to_frame("boilerplate", rows), np.asarray(y)


@pytest.mark.parametrize(
    "make",
    [lambda: BlockStats(), lambda: BlockStats(window=0, dom=False), lambda: BlockStats(scale=True), lambda: DomTokens(min_df=1),
     lambda: TextProba(cv=2), lambda: BlockProba(cv=2, max_iter=10)],  # fmt: skip
)
def test_blocks_contract_clone_pickle_shapes(make):
    X, y = _frame()
    est = make()
    assert clone(est).get_params() == est.get_params()
    out = est.fit_transform(X, y)
    assert out.shape[0] == len(X)
    again = pickle.loads(pickle.dumps(est)).transform(X)
    assert again.shape == out.shape
    np.testing.assert_allclose(np.asarray(again.todense() if hasattr(again, "todense") else again),
                               np.asarray(est.transform(X).todense() if hasattr(out, "todense") else est.transform(X)))
    assert len(est.transform(X.iloc[:3])) == 3 if not hasattr(out, "todense") else est.transform(X.iloc[:3]).shape[0] == 3


def test_blocks_stat_names_match_columns():
    X, _ = _frame()
    for window, dom in [(2, True), (0, False), (1, True)]:
        est = BlockStats(window=window, dom=dom).fit(X)
        assert est.transform(X).shape[1] == len(block_stat_names(window, dom)) == len(est.get_feature_names_out())


def test_blocks_document_ids_split_on_group_and_position():
    X = to_frame("boilerplate", [
        {"text": "a", "group": "s", "position": 0.0}, {"text": "b", "group": "s", "position": 1.0},
        {"text": "c", "group": "s", "position": 0.0},  # a new page of the same site
        {"text": "d", "group": "t", "position": 0.5}])  # fmt: skip
    assert document_ids(X).tolist() == [0, 0, 1, 2]


def test_blocks_context_windows_do_not_cross_documents():
    X, _ = _frame(("a", "b"))
    names = list(block_stat_names(2, True))
    F = BlockStats().fit_transform(X)
    prev_present = F[:, names.index("ctx-1_present")]
    next_present = F[:, names.index("ctx+1_present")]
    n = len(_page("a"))
    assert prev_present[0] == 0 and prev_present[n] == 0  # first row of each page: no previous row
    assert next_present[n - 1] == 0 and next_present[-1] == 0  # last row of each page: no next row
    # a page's features do not depend on its neighbour page
    alone = BlockStats().fit_transform(X.iloc[n:].reset_index(drop=True))
    np.testing.assert_allclose(alone, F[n:])


def test_blocks_keyword_and_tag_features():
    X, _ = _frame(("a",))
    names = list(block_stat_names())
    F = BlockStats().fit_transform(X)
    assert F[0, names.index("kw_nav")] == 1 and F[0, names.index("in_nav")] == 1 and F[0, names.index("tag=li")] == 1
    assert F[-2, names.index("kw_share")] == 1 and F[-1, names.index("kw_footer")] == 1
    assert F[1, names.index("kw_story")] == 1 and F[1, names.index("kw_nav")] == 0


def test_blocks_container_keys_are_runs():
    paths = ["html/body/div/p", "html/body/div/p", "html/body/nav/li", "html/body/div/p"]
    keys = container_keys(paths, np.zeros(4, dtype=int), 1)
    assert keys.tolist() == [0, 0, 1, 2]  # the second html/body/div is another element


def test_blocks_text_proba_needs_labels():
    X, _ = _frame()
    with pytest.raises(ValueError, match="labels"):
        TextProba().fit_transform(X)


def test_blocks_registered():
    for name in ("block_stats", "dom_tokens", "text_proba", "block_proba"):
        assert name in featurizers
    assert isinstance(featurizers.create("block_stats", window=1), BlockStats)


def test_blocks_empty_and_plain_sequences():
    assert BlockStats().fit(_frame()[0]).transform(_frame()[0].iloc[:0]).shape[0] == 0
    out = BlockStats(dom=False).fit_transform(["Just a sentence.", "Another one here."])
    assert out.shape == (2, len(block_stat_names(2, False)))
