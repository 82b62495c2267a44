"""Importer for NewsMTSC (sentiment of a news sentence toward a person mentioned in it).

Each target of the nested files becomes one stance row: ``text`` = the sentence, ``target`` = the
mention (``target_start``/``target_end`` give its span in ``text``), ``speaker``/``side`` empty,
label ``favor``/``against``/``none`` from positive/negative/neutral. Rows are grouped by the
article (``polusa_v1_<article>``) or AllSides story (``allsides_<story>``, a story groups the
left/centre/right articles about one event) parsed from the gid, so one article never straddles
two splits. Splits: ``train.jsonl`` -> ``train`` + a seeded, grouped ``validation`` carve;
``dev_rw.jsonl`` -> ``test``; ``dev_mt.jsonl`` -> ``dev_mt``. The dev files are the corpus's
development parts (its test parts are kept aside): evaluate on them, never select on them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsclf.settings import DEFAULT_SEED

from ._stance_common import absent_target_rows, carve_validation, label_counts
from .base import Imported

__all__ = ["POLARITY", "article_group", "load"]

POLARITY: dict[float, str] = {6.0: "favor", 2.0: "against", 4.0: "none"}
"""NewsMTSC polarity (2 negative, 4 neutral, 6 positive) -> stance label."""

FILES: dict[str, str] = {"train.jsonl": "train", "dev_rw.jsonl": "test", "dev_mt.jsonl": "dev_mt"}


def article_group(gid: str) -> str:
    """Group id of a NewsMTSC gid: ``polusa_v1_<article>`` or ``allsides_<story>``.

    >>> article_group("allsides_1000_401_25_Reality Leigh Winner_0_6")
    'newsmtsc:allsides_401'
    >>> article_group("polusa_v1_59488606_-1_30_Dr. Sidney J. Blair_1_3")
    'newsmtsc:polusa_v1_59488606'
    """
    parts = gid.split("_")
    if parts[0] == "allsides" and len(parts) > 2:
        return f"newsmtsc:allsides_{parts[2]}"
    if parts[0] == "polusa" and len(parts) > 2:
        return f"newsmtsc:polusa_{parts[1]}_{parts[2]}"
    return f"newsmtsc:{gid}"


def _read(path: Path, split: str, stats: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                text = rec["sentence_normalized"]
                targets = rec["targets"]
                group = article_group(rec["primary_gid"])
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{lineno}: not a NewsMTSC record ({exc})") from exc
            for t in targets:
                label = POLARITY.get(float(t.get("polarity", -1)))
                start, end = int(t["from"]), int(t["to"])
                if label is None or text[start:end] != t["mention"]:
                    stats["skipped"] = stats.get("skipped", 0) + 1
                    continue
                rows.append(
                    {
                        "text": text,
                        "target": t["mention"],
                        "speaker": "",
                        "side": "",
                        "group": group,
                        "label": label,
                        "split": split,
                        "target_start": start,
                        "target_end": end,
                        "source": "newsmtsc",
                "label_source": "newsmtsc",
                        "id": t.get("Input.gid", ""),
                    }
                )
    return rows


def load(
    root: Path, seed: int = DEFAULT_SEED, validation: float = 0.1, absent: float = 0.0, **options: Any
) -> Imported:
    """Read NewsMTSC from ``root`` (the folder with ``train.jsonl``, ``dev_rw.jsonl``, ``dev_mt.jsonl``).

    Parameters
    ----------
    root : Path
    seed : int
        Seeds the grouped validation carve from ``train``.
    validation : float, default 0.1
        Share of train groups moved to ``validation`` (0 keeps all of train).
    absent : float, default 0.0
        Share of train/validation rows that get a ``none`` twin asking about a target the
        sentence does not name (see ``_stance_common.absent_target_rows``).
    """
    if options:
        raise ValueError(f"newsmtsc importer: unknown options {sorted(options)}; known: seed, validation, absent")
    root = Path(root)
    stats: dict[str, Any] = {"corpus": "newsmtsc"}
    rows: list[dict[str, Any]] = []
    for name, split in FILES.items():
        path = root / name
        if not path.is_file():
            raise FileNotFoundError(f"NewsMTSC file {path} is missing (expected {', '.join(FILES)} in {root})")
        rows.extend(_read(path, split, stats))
    carve_validation(rows, validation, seed)
    rows.extend(absent_target_rows(rows, absent, seed, "newsmtsc"))
    stats["rows"] = len(rows)
    stats["labels"] = label_counts(rows)
    stats["groups"] = len({r["group"] for r in rows})
    return Imported(task="stance", rows=rows, stats=stats)
