"""Importer for DSE (directed entity-to-entity sentiment in news: who blames or endorses whom).

Each tab-separated row ``sentence, entity1 (p), entity2 (q), label`` yields speaker-conditioned
stance rows (``speaker`` = the source entity, ``target`` = the other one, ``text`` = the sentence
without its ``[`` ``]`` marks; ``target_start``/``target_end`` and ``speaker_start``/``speaker_end``
give the spans in ``text``):

====== ===================== =================================
label  meaning               rows
====== ===================== =================================
0      no opinion either way (p -> q, none), (q -> p, none)
1      p positive toward q   (p -> q, favor)
2      q positive toward p   (q -> p, favor)
3      p negative toward q   (p -> q, against)
4      q negative toward p   (q -> p, against)
====== ===================== =================================

With ``reverse_none=True`` labels 1-4 also yield the opposite direction as ``none`` (the
annotation picked one of five exclusive answers, so the other direction carried no opinion).

Bracket artefacts (``[Los Angele]s``, ``[Obamacare’]s``: a word's tail left outside the bracket)
are repaired by extending the mention to the end of the word; CSV-style doubled quotes
(``""``) are undone. Rows are grouped by sentence text (syndicated duplicates share a group).
Splits: ``valid.txt`` -> ``test`` plus ``test_dedup`` (its rows whose (sentence, e1, e2) key is
not in train, the honest number); ``train.txt`` -> ``train`` + a seeded grouped ``validation``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from newsclf.settings import DEFAULT_SEED

from ._stance_common import absent_target_rows, carve_validation, label_counts
from .base import Imported

__all__ = ["DIRECTED", "load", "parse_row", "read_rows"]

DIRECTED: dict[int, list[tuple[str, str]]] = {
    0: [("pq", "none"), ("qp", "none")],
    1: [("pq", "favor")],
    2: [("qp", "favor")],
    3: [("pq", "against")],
    4: [("qp", "against")],
}
"""DSE label -> (direction, stance) pairs; ``pq`` = speaker p, target q."""

_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_WORD_TAIL = re.compile(r"[\w’']*")


def _unquote(sentence: str) -> str:
    if len(sentence) > 1 and sentence[0] == '"' and sentence[-1] == '"' and '""' in sentence:
        return sentence[1:-1].replace('""', '"')
    return sentence


def parse_row(sentence: str) -> tuple[str, list[tuple[int, int]]]:
    """Strip ``[`` ``]`` marks; return the clean text and the spans of the first two mentions.

    A mention whose word continues right after ``]`` (``[Los Angele]s``) is extended to the end
    of that word.

    >>> parse_row("A [Los Angele]s anchor met [Trump].")
    ('A Los Angeles anchor met Trump.', [(2, 13), (26, 31)])
    """
    sentence = _unquote(sentence)
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    length = 0
    for m in _BRACKET.finditer(sentence):
        before = sentence[pos : m.start()]
        out.append(before)
        length += len(before)
        start = length
        out.append(m.group(1))
        length += len(m.group(1))
        pos = m.end()
        tail = _WORD_TAIL.match(sentence, pos).group(0) if m.group(1)[-1:].isalnum() or m.group(1)[-1:] in "’'" else ""
        out.append(tail)
        length += len(tail)
        pos += len(tail)
        spans.append((start, length))
    out.append(sentence[pos:])
    return "".join(out), spans


def read_rows(path: Path) -> list[tuple[str, str, str, int]]:
    """Raw ``(sentence, entity1, entity2, label)`` tuples of a DSE file; bad lines raise with line no."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 4 or not parts[3].strip().isdigit() or int(parts[3]) not in DIRECTED:
                raise ValueError(f"{path}:{lineno}: expected 4 tab-separated columns with a label 0-4")
            rows.append((parts[0], parts[1], parts[2], int(parts[3])))
    return rows


def _examples(
    raw: tuple[str, str, str, int], split: str, reverse_none: bool, stats: dict[str, Any]
) -> list[dict[str, Any]]:
    sentence, e1, e2, label = raw
    text, spans = parse_row(sentence)
    if len(spans) < 2:
        stats["skipped_no_mentions"] = stats.get("skipped_no_mentions", 0) + 1
        return []
    (ps, pe), (qs, qe) = spans[0], spans[1]
    ents = {"p": (text[ps:pe], ps, pe), "q": (text[qs:qe], qs, qe)}
    pairs = list(DIRECTED[label])
    if reverse_none and label:
        direction = pairs[0][0]
        pairs.append((direction[::-1], "none"))
    group = "dse:" + " ".join(text.lower().split())
    rows = []
    for direction, stance in pairs:
        spk, tgt = ents[direction[0]], ents[direction[1]]
        rows.append(
            {
                "text": text,
                "target": tgt[0],
                "speaker": spk[0],
                "side": "",
                "group": group,
                "label": stance,
                "split": split,
                "target_start": tgt[1],
                "target_end": tgt[2],
                "speaker_start": spk[1],
                "speaker_end": spk[2],
                "source": "dse",
                "label_source": "dse",
                "dse_key": f"{sentence}\t{e1}\t{e2}",
                "dse_label": label,
                "direction": direction,
            }
        )
    return rows


def load(
    root: Path,
    seed: int = DEFAULT_SEED,
    validation: float = 0.1,
    reverse_none: bool = False,
    dedup: bool = True,
    absent: float = 0.0,
    **options: Any,
) -> Imported:
    """Read DSE from ``root`` (the folder with ``train.txt`` and ``valid.txt``).

    Parameters
    ----------
    root : Path
    seed : int
        Seeds the grouped validation carve from ``train``.
    validation : float, default 0.1
        Share of train groups (sentences) moved to ``validation``.
    reverse_none : bool, default False
        Also emit the opposite direction of labels 1-4 as ``none``.
    dedup : bool, default True
        Add the ``test_dedup`` split (valid rows whose key is not in train).
    absent : float, default 0.0
        Share of train/validation rows that get a ``none`` twin asking about a target the
        sentence does not name (see ``_stance_common.absent_target_rows``).
    """
    if options:
        raise ValueError(
            f"dse importer: unknown options {sorted(options)}; known: seed, validation, reverse_none, dedup, absent"
        )
    root = Path(root)
    stats: dict[str, Any] = {"corpus": "dse"}
    files = {"train.txt": "train", "valid.txt": "test"}
    raw: dict[str, list] = {}
    for name in files:
        path = root / name
        if not path.is_file():
            raise FileNotFoundError(f"DSE file {path} is missing (expected train.txt and valid.txt in {root})")
        raw[name] = read_rows(path)
    rows: list[dict[str, Any]] = []
    for name, split in files.items():
        for r in raw[name]:
            rows.extend(_examples(r, split, reverse_none, stats))
    carve_validation(rows, validation, seed)
    rows.extend(absent_target_rows(rows, absent, seed, "dse"))
    if dedup:
        train_keys = {r[:3] for r in raw["train.txt"]}
        kept = [r for r in raw["valid.txt"] if r[:3] not in train_keys]
        stats["valid_rows"] = len(raw["valid.txt"])
        stats["valid_dedup_rows"] = len(kept)
        for r in kept:
            rows.extend(_examples(r, "test_dedup", reverse_none, stats))
    stats["rows"] = len(rows)
    stats["labels"] = label_counts(rows)
    stats["groups"] = len({r["group"] for r in rows})
    return Imported(task="stance", rows=rows, stats=stats)
