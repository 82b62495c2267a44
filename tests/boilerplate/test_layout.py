"""Page-layout block features: repeated tag-path runs and the main prose run."""

from __future__ import annotations

import numpy as np
import pytest

from newsclf.pipeline.features.blocks import BlockStats, block_stat_names
from newsclf.pipeline.features.layout import (
    LAYOUT_NAMES,
    REGION_NAMES,
    in_comment_section,
    layout_features,
    nearest_class_tokens,
    path_prefixes,
    region_flags,
)
from newsclf.tasks import to_frame

BODY = "The minister said on Tuesday that the talks would resume next week in the capital, officials added."
TEASER = "A short teaser of another story that links elsewhere on the site and ends here."


def _page() -> tuple[list[str], list[str]]:
    """Nav, a body of four paragraphs in one container, then six teaser cards (h2 + p each)."""
    texts = ["Home", "News"] + [BODY] * 4
    paths = ["html/body/nav/li", "html/body/nav/li"] + ["html/body/main/article/div/p"] * 4
    for i in range(6):
        texts += [f"Teaser title {i}", TEASER]
        paths += ["html/body/aside/div/article/h2", "html/body/aside/div/article/div/p"]
    return texts, paths


def _features():
    texts, paths = _page()
    n = len(texts)
    links = np.zeros(n)
    terminal = np.asarray([t.endswith(".") for t in texts], dtype=float)
    return layout_features(texts, paths, links, terminal, np.zeros(n, dtype=int)), texts


def _col(F, name):
    return F[:, LAYOUT_NAMES.index(name)]


def test_layout_path_prefixes_levels():
    assert path_prefixes(["html/body/div/p"], 0) == ["html/body/div/p"]
    assert path_prefixes(["html/body/div/p"], 2) == ["html/body"]
    assert path_prefixes(["html"], 3) == ["html"]


def test_layout_repeated_cards_have_many_short_runs():
    F, texts = _features()
    body, teaser = texts.index(BODY), len(texts) - 1
    assert F.shape == (len(texts), len(LAYOUT_NAMES))
    assert _col(F, "run0_log_runs")[teaser] > _col(F, "run0_log_runs")[body]  # 6 runs vs 1
    assert _col(F, "run0_log_len")[body] > _col(F, "run0_log_len")[teaser]  # run of 4 vs 1
    assert _col(F, "run0_share")[body] > _col(F, "run0_share")[teaser]


def test_layout_main_prose_run():
    F, texts = _features()
    body, teaser = texts.index(BODY), len(texts) - 1
    assert _col(F, "dense_dist")[body] < _col(F, "dense_dist")[teaser]
    assert _col(F, "prose1_share")[body] > 0.5 > _col(F, "prose1_share")[teaser]
    assert _col(F, "in_prose_span")[body] == 1 and _col(F, "in_prose_span")[0] == 0
    assert _col(F, "prose_before")[0] == 0 and _col(F, "prose_before")[teaser] > 0.5


def test_layout_region_flags_use_the_nearest_tokens_and_ancestors():
    attrs = ["page content main comments comment list even thread depth 1 949868 body div",
             "page content main entry",
             "comments-open wrapper " + " ".join(f"x{i}" for i in range(25)) + " story",
             "page content main entry"]  # fmt: skip
    paths = ["html/body/div/ol/li/p", "html/body/article/p", "html/body/div/p", "html/body/div/footer/div/p"]
    F = region_flags(paths, attrs)
    assert F.shape == (4, len(REGION_NAMES))
    assert F[0].tolist() == [1, 1]  # a comment list around the block
    assert F[1].tolist() == [0, 0]  # article body
    assert F[2].tolist() == [0, 0]  # a far ancestor's cue does not count
    assert F[3].tolist() == [0, 1]  # inside a <footer>
    assert region_flags(["footer"], [""])[0].tolist() == [0, 0]  # the block's own tag is not an ancestor


def test_layout_in_comment_section_reads_the_nearest_non_numeric_tokens():
    ids = " ".join(str(1000 + i) for i in range(30))  # comment ids do not push the cue out
    attrs = ["post comments comment list byuser " + ids + " body div", "comments-open page " + " ".join(f"w{i}" for i in range(25)), ""]
    assert in_comment_section(attrs).tolist() == [True, False, False]
    assert nearest_class_tokens("a 1 b 2 c", last=2) == ["b", "c"]


@pytest.mark.parametrize(("layout", "region"), [(False, False), (True, False), (True, True), (False, True)])
def test_layout_block_stats_columns_and_documents(layout, region):
    texts, paths = _page()
    rows = [{"text": t, "tag_path": p, "group": g, "position": i / (len(texts) - 1)}
            for g in ("a", "b") for i, (t, p) in enumerate(zip(texts, paths, strict=True))]  # fmt: skip
    X = to_frame("boilerplate", rows)
    est = BlockStats(layout=layout, region=region)
    F = est.fit_transform(X)
    assert F.shape[1] == len(block_stat_names(2, True, layout, region)) == len(est.get_feature_names_out())
    n = len(texts)
    np.testing.assert_allclose(F[:n], F[n:])  # documents do not see each other
    np.testing.assert_allclose(BlockStats(layout=layout, region=region).fit_transform(X.iloc[:n]), F[:n])


def test_layout_empty_and_no_prose():
    assert layout_features([], [], np.zeros(0), np.zeros(0), np.zeros(0, dtype=int)).shape == (0, len(LAYOUT_NAMES))
    F = layout_features(["Home", "About"], ["a/b", "a/b"], np.ones(2), np.zeros(2), np.zeros(2, dtype=int))
    assert np.isfinite(F).all() and (_col(F, "dense_dist") == 1).all()
