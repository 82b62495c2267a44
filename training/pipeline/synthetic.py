"""Synthetic task datasets for tests and benchmarks (no corpus needed).

:func:`make_dataset` builds a ``datasets.DatasetDict`` (train/validation/test, grouped by document)
with the task's input columns and a ``label`` ``ClassLabel``; :func:`save_dataset` writes it where
:func:`newsclf.pipeline.data.load_dataset` looks (``<data_dir>/<name>/<task>/``). Labels follow
cue words with a little noise, so models learn but do not score 1.0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from newsclf import settings
from newsclf.tasks import get_task

__all__ = ["make_dataset", "save_dataset"]

_CONTENT = ("the resistance fighters said the valley remained under their control after heavy clashes "
            "officials in kabul announced new measures while residents described shortages of food and "
            "fuel commanders claimed progress talks were proposed by elders from the province").split()
_BOILER = ["read more", "share on facebook", "subscribe to our newsletter", "published on",
           "photo credit afp", "related articles", "sign up for updates", "skip to content",
           "last updated", "advertisement", "comments", "follow us on twitter"]
_FAVOR = "victory peace control secure amnesty support welcome liberated".split()
_AGAINST = "terrorists occupiers fight enemy resist killed invaders crimes".split()
_NEUTRAL = "talks meeting statement reported visited ceasefire discussed condolences".split()


def _content_sentence(rng) -> str:
    return " ".join(rng.choice(_CONTENT, size=rng.integers(6, 16))).capitalize() + "."


def _rows(task: str, n: int, rng, n_groups: int, noise: float) -> list[dict]:
    spec = get_task(task)
    rows = []
    per_group = max(1, n // n_groups)
    for i in range(n):
        g = min(i // per_group, n_groups - 1)
        if task == "boilerplate":
            is_bp = rng.random() < 0.25
            text = (rng.choice(_BOILER) + " " + " ".join(rng.choice(_CONTENT, size=rng.integers(0, 3)))
                    if is_bp else _content_sentence(rng))
            label = "boilerplate" if is_bp else "content"
            row = {"text": text, "group": f"doc{g}", "position": float(rng.random()), "tag_path": "",
                   "attrs": "", "link_density": float(rng.random() * (0.8 if is_bp else 0.1)), "tag": "p"}
        elif task == "attribution":  # three candidates per quote, the first of them the speaker
            label = "speaker" if i % 3 == 0 else "other"
            signals = (["verb_adjacent", "subject", "same_sentence"] if label == "speaker"
                       else ["other_sentence", "object"])
            row = {"text": " ".join(rng.choice(["said", "told", "CC", "QQ", "and", "the"], size=3)),
                   "candidate": f"Person {i}", "kind": str(rng.choice(["name", "pronoun", "nominal"])),
                   "signals": " ".join([*signals, str(rng.choice(["p0", "p1"]))]),
                   "distance": float(rng.random() * (1.0 if label == "speaker" else 4.0)),
                   "query": f"q{i // 3}", "group": f"doc{g}"}
        else:
            label = spec.labels[int(rng.integers(0, 3))]
            cue = {"favor": _FAVOR, "against": _AGAINST, "none": _NEUTRAL}[label]
            words = list(rng.choice(_CONTENT, size=rng.integers(4, 10))) + list(rng.choice(cue, size=2))
            rng.shuffle(words)
            row = {"text": " ".join(words), "target": str(rng.choice(["taliban", "nrf"])), "speaker": "",
                   "side": "", "group": f"doc{g}"}
        if rng.random() < noise:
            label = spec.labels[int(rng.integers(0, len(spec.labels)))]
        row["label"] = label
        row["id"] = f"{task}-{i}"
        rows.append(row)
    return rows


def make_dataset(task: str, n: int = 200, seed: int = 0, n_groups: int | None = None, noise: float = 0.05,
                 fractions: tuple[float, float, float] = (0.6, 0.2, 0.2)):
    """A grouped synthetic ``DatasetDict`` for ``task`` with ``n`` rows."""
    import datasets

    spec = get_task(task)
    rng = np.random.default_rng(seed)
    n_groups = n_groups or max(2, n // 10)
    rows = _rows(task, n, rng, n_groups, noise)
    groups = sorted({r["group"] for r in rows}, key=lambda s: int(s[3:]))
    order = rng.permutation(len(groups))
    cut1 = int(round(fractions[0] * len(groups)))
    cut2 = cut1 + int(round(fractions[1] * len(groups)))
    side = {}
    for rank, gi in enumerate(order):
        side[groups[gi]] = "train" if rank < cut1 else "validation" if rank < cut2 else "test"
    features = datasets.Features({
        **{c: datasets.Value("float64" if isinstance(d, float) else "string") for c, d in spec.inputs.items()},
        "label": datasets.ClassLabel(names=list(spec.labels)),
        "id": datasets.Value("string"),
    })
    out = {}
    for split in ("train", "validation", "test"):
        part = [r for r in rows if side[r["group"]] == split]
        cols = {c: [r[c] for r in part] for c in features}
        out[split] = datasets.Dataset.from_dict(cols, features=features)
    return datasets.DatasetDict(out)


def save_dataset(name: str, task: str, n: int = 200, seed: int = 0, data_dir: Path | None = None, **kwargs) -> Path:
    """Build :func:`make_dataset` and save it to ``<data_dir>/<name>/<task>/``; return that path."""
    import datasets

    datasets.disable_progress_bars()
    path = Path(data_dir or settings.data_dir()) / name / task
    make_dataset(task, n, seed, **kwargs).save_to_disk(str(path))
    return path
