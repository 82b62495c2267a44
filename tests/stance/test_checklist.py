"""Behavioural (CheckList-style) tests of the default stance model trained once on the corpora.

The model is ``configs/stance/default.yaml``'s pipeline fitted on the NewsMTSC and DSE train parts
named by its data config, **without the seed article** (about a minute on 2 cores); the cases are
in :mod:`checklist_cases`. Each test type must pass at least 80% of its cases and the suite as a
whole at least 90%; ``pytest -s`` prints the pass rate per type and the failures.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from stance.checklist_cases import TEST_TYPES, run_checklist

from newsclf import settings
from newsclf.resources import resolve_path
from newsclf.tasks import get_task

pytestmark = pytest.mark.slow

INPUTS = list(get_task("stance").inputs)


def corpus_train_rows(data_config: str) -> pd.DataFrame:
    """Train rows of the corpus importers a data config names (``files`` sources, the seed, left out)."""
    from newsclf.data.importers import dse, newsmtsc

    data = yaml.safe_load(resolve_path(data_config).read_text(encoding="utf-8"))
    loaders = {"newsmtsc": newsmtsc.load, "dse": dse.load}
    rows: list[dict] = []
    for source in data["sources"]:
        if source.get("kind") in loaders:
            imported = loaders[source["kind"]](settings.corpora_dir() / source["kind"], seed=data.get("seed", 13),
                                               **dict(source.get("options") or {}))
            rows += [r for r in imported.rows if r["split"] == "train"]
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def default_stance_model(corpora):
    from newsclf.pipeline.assemble import build_pipeline
    from newsclf.pipeline.config import load_config

    for name in ("newsmtsc", "dse"):
        if not (corpora / name).is_dir():
            pytest.skip(f"corpus {name} not found under {corpora} (set NEWSCLF_CORPORA)")
    cfg = load_config(resolve_path("newsclf:configs/stance/default.yaml"))
    train = corpus_train_rows(cfg.data_config)
    return build_pipeline(cfg).fit(train.reindex(columns=INPUTS), train.label.tolist())


@pytest.fixture(scope="session")
def checklist(default_stance_model):
    def predict(rows):
        return default_stance_model.predict(pd.DataFrame(rows).reindex(columns=INPUTS))

    result = run_checklist(predict)
    print("\nstance checklist (default config, trained on the corpora without the seed):")
    for name, r in result.items():
        print(f"  {name:11s} {r['passed']:3d}/{r['total']:3d}  {r['rate']:.0%}")
        for text, side, target, expected, got in r["failures"][:6]:
            print(f"      fail: side={side or '-':8s} target={target:8s} expected {expected:9s} got {got:8s} | {text}")
    return result


@pytest.mark.parametrize("test_type", list(TEST_TYPES))
def test_checklist_pass_rate_per_type(checklist, test_type):
    r = checklist[test_type]
    assert r["rate"] >= 0.8, f"{test_type}: {r['passed']}/{r['total']} cases pass; failures: {r['failures'][:5]}"


def test_checklist_suite_pass_rate(checklist):
    passed = sum(r["passed"] for r in checklist.values())
    total = sum(r["total"] for r in checklist.values())
    assert passed / total >= 0.9, f"{passed}/{total} behavioural cases pass"
