"""Fixtures for the serving tests: tiny real models trained once per session, and a model store.

The models are fitted by the real trainer (``newsclf.pipeline.train.train``) on a few dozen
hand-written rows, so the service loads exactly what ``newsclf train`` writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BOILERPLATE_ROWS = [
    ("Skip to content", "boilerplate"),
    ("Read more", "boilerplate"),
    ("ALSO READ: Taliban name new cabinet", "boilerplate"),
    ("Subscribe to our newsletter for daily updates", "boilerplate"),
    ("Share this article on Facebook and Twitter", "boilerplate"),
    ("Photo: AFP / Getty Images", "boilerplate"),
    ("Published on 6 September 2021", "boilerplate"),
    ("Last updated 7 September 2021, 10:30 GMT", "boilerplate"),
    ("Related articles", "boilerplate"),
    ("Sign up for breaking news alerts", "boilerplate"),
    ("Advertisement", "boilerplate"),
    ("Comments are closed", "boilerplate"),
    ("Taliban forces entered the Panjshir valley on Monday after days of fighting.", "content"),
    (
        "The resistance front said its fighters still held strategic positions in the mountains.",
        "content",
    ),
    (
        "Residents described heavy shelling overnight in several districts of the province.",
        "content",
    ),
    ("Ahmad Massoud called on Afghans to rise up against the new rulers in Kabul.", "content"),
    ("Talks between the two sides collapsed last week, officials said.", "content"),
    (
        "A spokesman for the group claimed the whole province was now under their control.",
        "content",
    ),
    ("Thousands of families fled to neighbouring valleys as the fighting spread.", "content"),
    ("The former vice president said he remained inside the country.", "content"),
    ("Communications with the valley were cut for most of the week.", "content"),
    ("Analysts said the resistance lacked supplies and foreign support.", "content"),
    ("The fighters raised their flag over the governor's compound, witnesses said.", "content"),
    ("Humanitarian groups warned of food shortages in the region.", "content"),
]

STANCE_ROWS = [
    ("We have taken full control of Panjshir and the war is over", "taliban", "favor"),
    ("The Islamic Emirate will bring peace and security to every Afghan", "taliban", "favor"),
    ("Everyone is safe, there is a general amnesty", "taliban", "favor"),
    ("The Taliban are terrorists who kill innocent people", "taliban", "against"),
    ("We will fight the Taliban until our last breath", "taliban", "against"),
    ("They are occupiers backed by foreign powers", "taliban", "against"),
    ("We will never surrender, the resistance holds the valley", "nrf", "favor"),
    ("Join the resistance and defend your homeland", "nrf", "favor"),
    ("The resistance front has won important victories", "nrf", "favor"),
    ("The so-called resistance is a handful of rebels", "nrf", "against"),
    ("The rebels are to blame for the failed talks", "nrf", "against"),
    ("These troublemakers will be crushed soon", "nrf", "against"),
    ("The talks will continue next week in Kabul", "taliban", "none"),
    ("We offer our condolences to the families", "nrf", "none"),
    ("A ceasefire proposal was sent to both sides", "taliban", "none"),
    ("The meeting was held on Sunday", "nrf", "none"),
    ("We are ready to negotiate a peaceful solution", "taliban", "none"),
    ("The situation is being assessed by our commanders", "nrf", "none"),
]


def _tiny_dataset(data_dir: Path) -> None:
    from datasets import ClassLabel, Dataset, DatasetDict, Features, Value

    from newsclf.tasks import get_task

    def build(task: str, rows: list[dict]) -> None:
        spec = get_task(task)
        feats = {
            c: Value("float64" if isinstance(d, float) else "string")
            for c, d in spec.inputs.items()
        }
        feats["label"] = ClassLabel(names=list(spec.labels))
        features = Features(feats)
        full = []
        for r in rows:
            row = {c: (d if d is not None else "") for c, d in spec.inputs.items()}
            row.update(r)
            row["label"] = spec.labels.index(r["label"])
            full.append(row)
        splits = {"train": full, "validation": full[::3], "test": full[1::3]}
        DatasetDict(
            {k: Dataset.from_list(v, features=features) for k, v in splits.items()}
        ).save_to_disk(str(data_dir / "tiny" / task))

    n = len(BOILERPLATE_ROWS)
    build(
        "boilerplate",
        [
            {"text": t, "label": lab, "group": f"doc{i % 4}", "position": i / (n - 1)}
            for i, (t, lab) in enumerate(BOILERPLATE_ROWS)
        ],
    )
    build(
        "stance",
        [
            {"text": t, "target": tg, "label": lab, "group": f"doc{i % 4}"}
            for i, (t, tg, lab) in enumerate(STANCE_ROWS)
        ],
    )


def train_tiny_runs(root: Path) -> dict[str, Path]:
    """Train a tiny boilerplate and a tiny stance model under ``root``; return their run dirs."""
    from newsclf.pipeline.train import train

    data, models = root / "data", root / "models"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSCLF_DATA", str(data))
        mp.setenv("NEWSCLF_MODELS", str(models))
        _tiny_dataset(data)
        runs = {}
        for task, feats in {
            "boilerplate": "[{name: word_tfidf, params: {ngram_range: [1, 2]}}, {name: char_tfidf}]",
            "stance": "[{name: word_tfidf}, {name: target_word_tfidf}]",
        }.items():
            cfg = root / f"{task}-tiny.yaml"
            cfg.write_text(
                f"task: {task}\ndataset: tiny\nseed: 13\nfeatures: {feats}\n"
                "model: {name: logreg, params: {C: 10.0}}\n",
                encoding="utf-8",
            )
            runs[task] = train(cfg, output=models / f"{task}-tiny", n_boot=20)
        return runs


@pytest.fixture(scope="session")
def tiny_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run directories of a tiny boilerplate and a tiny stance model (trained once per session)."""
    return train_tiny_runs(tmp_path_factory.mktemp("tiny-runs"))


@pytest.fixture(scope="session")
def client(tiny_runs):
    """A TestClient on the service's ASGI app serving the tiny runs (one app per session: BentoML
    registers its Prometheus metrics once per process)."""
    from starlette.testclient import TestClient

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSCLF_BOILERPLATE_RUN", str(tiny_runs["boilerplate"]))
        mp.setenv("NEWSCLF_STANCE_RUN", str(tiny_runs["stance"]))
        from newsclf.serving.service import Newsclf

        with TestClient(Newsclf.to_asgi(), raise_server_exceptions=False) as c:
            yield c
