"""A round trip with Label Studio: pre-labelled tasks out, the labelled export back as gold files.

Label Studio (https://labelstud.io, ``pip install label-studio`` in its own environment) is not a
dependency of newsclf: this module only writes and reads its JSON formats.

Export
    :func:`label_config` writes the labelling interface (XML) and :func:`article_task` one task
    per article, in Label Studio's JSON task format: ``{"data": {"text", "article_id", "source",
    "sha256"}, "predictions": [{"model_version", "score", "result": [...]}]}``. The prediction
    holds one ``sentence`` region per sentence (label ``content``/``boilerplate``) and one
    ``quote`` region per quote (label ``quote`` or ``fragment``) with, for the same region id, the
    speaker (``speaker``, a text area), the speaker's side (``side``) and, for full quotes, the
    stance toward every target (``stance_<target>``). Every region carries the model's
    confidence (the probability of its predicted label; for a quote the lowest over its
    targets) as ``score``; the task's ``score`` is the lowest of them, and :func:`export_articles`
    orders tasks least confident first, so that a user labels what helps the model most.
Import
    :func:`gold_from_task` turns one exported task with its annotation back into a gold file
    (:mod:`newsclf.data.annotations`): sentences and quotes with offsets and text, speaker, side,
    fragment flag and stance. Label Studio counts offsets in UTF-16 code units (JavaScript
    strings); they are converted to Python string offsets. The gold lists every quote of the
    article (``quotes_complete``): a predicted quote the annotator deleted is not a quote.
    :func:`import_export` writes one ``<article id>.json`` per labelled task.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

from newsclf.errors import InputError

if TYPE_CHECKING:
    from newsclf.analysis import Analyzer

__all__ = [
    "ImportResult",
    "article_task",
    "export_articles",
    "gold_from_task",
    "import_export",
    "label_config",
    "read_export",
    "stance_control",
]

TEXT = "text"
"""Name of the ``<Text>`` object every region points to."""
SENTENCE, QUOTE, SPEAKER, SIDE = "sentence", "quote", "speaker", "side"
QUOTE_LABELS = ("quote", "fragment")
SENTENCE_LABELS = ("content", "boilerplate")
OTHER_SIDE = "other"
"""Side of a speaker the article ties to none of the actors."""


def stance_control(target: str) -> str:
    """Name of the per-region stance choices toward ``target`` (``stance_taliban``)."""
    return "stance_" + re.sub(r"[^0-9A-Za-z_]", "_", target)


# ----------------------------------------------------------------------------- offsets


def _utf16_index(text: str) -> list[int] | None:
    """Python offset -> UTF-16 offset for every position (len + 1 entries); None when equal."""
    if all(ord(ch) < 0x10000 for ch in text):
        return None
    out, pos = [0], 0
    for ch in text:
        pos += 2 if ord(ch) >= 0x10000 else 1
        out.append(pos)
    return out


def _to_utf16(index: list[int] | None, offset: int) -> int:
    return offset if index is None else index[offset]


def _from_utf16(index: list[int] | None, offset: int) -> int:
    if index is None:
        return offset
    from bisect import bisect_left

    i = bisect_left(index, offset)
    return i if i < len(index) and index[i] == offset else -1


# ----------------------------------------------------------------------------- export


def label_config(targets: Sequence[str], sides: Sequence[str] | None = None) -> str:
    """The labelling interface (Label Studio XML) for sentences, quotes, speakers, sides, stance.

    Parameters
    ----------
    targets : actor keys the stance is labelled toward (``["taliban", "nrf"]``)
    sides : speaker sides to choose from (default: the targets and ``other``)
    """
    sides = list(sides if sides is not None else [*targets, OTHER_SIDE])
    choice = "\n".join
    stance = [
        f'    <Header value={quoteattr("Stance toward " + t)} size="6"/>\n'
        f'    <Choices name={quoteattr(stance_control(t))} toName="{TEXT}" perRegion="true" '
        f'choice="single" showInline="true">\n'
        + choice(f"      <Choice value={quoteattr(v)}/>" for v in ("favor", "against", "none"))
        + "\n    </Choices>"
        for t in targets
    ]
    return f"""<View>
  <Header value="$article_id"/>
  <Labels name="{SENTENCE}" toName="{TEXT}" choice="single">
    <Label value="content" background="#a8dadc"/>
    <Label value="boilerplate" background="#adb5bd"/>
  </Labels>
  <Labels name="{QUOTE}" toName="{TEXT}" choice="single">
    <Label value="quote" background="#ffb703"/>
    <Label value="fragment" background="#ffe08a"/>
  </Labels>
  <Text name="{TEXT}" value="$text"/>
  <View visibleWhen="region-selected" whenTagName="{QUOTE}">
    <Header value="Speaker (as fully named as the article allows)" size="6"/>
    <TextArea name="{SPEAKER}" toName="{TEXT}" perRegion="true" maxSubmissions="1" editable="true" rows="1"/>
    <Header value="Speaker's side" size="6"/>
    <Choices name="{SIDE}" toName="{TEXT}" perRegion="true" choice="single" showInline="true">
{choice(f"      <Choice value={quoteattr(s)}/>" for s in sides)}
    </Choices>
{choice(stance)}
  </View>
</View>
"""


def _region(rid: str, index: list[int] | None, start: int, end: int, text: str) -> dict[str, Any]:
    return {
        "id": rid,
        "to_name": TEXT,
        "value": {"start": _to_utf16(index, start), "end": _to_utf16(index, end), "text": text},
    }


def _result(base: dict[str, Any], from_name: str, kind: str, key: str, value: Any, score: float | None) -> dict:
    out = {**base, "from_name": from_name, "type": kind, "value": {**base["value"], key: value}}
    if score is not None:
        out["score"] = round(float(score), 4)
    return out


def article_task(article: Any, analysis: Mapping[str, Any], model_version: str = "") -> dict[str, Any]:
    """One Label Studio task pre-labelled from an ``/analyze`` result of ``article``.

    Parameters
    ----------
    article : Article
        The article as read (its text is what the gold offsets index).
    analysis : mapping
        :meth:`newsclf.analysis.Analyzer.article` output for the same text:
        ``{"sentences": [{"start", "end", "text", "label", "score"}], "quotes": [{"start",
        "end", "text", "speaker", "side", "fragment", "stance": {target: {"label", "scores"}}}]}``.
    model_version : str
        Shown by Label Studio beside the prediction (the run ids).

    Returns
    -------
    dict
        ``{"data": {...}, "predictions": [{"model_version", "score", "result"}]}``.
    """
    from newsclf.data.annotations import text_sha256

    index = _utf16_index(article.text)
    result: list[dict[str, Any]] = []
    scores: list[float] = []
    for i, s in enumerate(analysis.get("sentences", ())):
        base = _region(f"s{i}", index, s["start"], s["end"], s["text"])
        score = s.get("score")
        result.append(_result(base, SENTENCE, "labels", "labels", [s["label"]], score))
        if score is not None:
            scores.append(float(score))
    for i, q in enumerate(analysis.get("quotes", ())):
        base = _region(f"q{i}", index, q["start"], q["end"], q["text"])
        stance = q.get("stance") or {}
        conf = [max(p["scores"].values()) for p in stance.values() if p.get("scores")]
        score = min(conf) if conf else None
        label = "fragment" if q.get("fragment") else "quote"
        result.append(_result(base, QUOTE, "labels", "labels", [label], score))
        if q.get("speaker"):
            result.append(_result(base, SPEAKER, "textarea", "text", [q["speaker"]], None))
        if q.get("side"):
            result.append(_result(base, SIDE, "choices", "choices", [q["side"]], None))
        for target, pred in stance.items():
            best = max(pred["scores"].values()) if pred.get("scores") else None
            result.append(
                _result(base, stance_control(target), "choices", "choices", [pred["label"]], best)
            )
        if score is not None:
            scores.append(score)
    data = {
        "text": article.text,
        "article_id": article.id,
        "source": article.source or "",
        "sha256": text_sha256(article.text),
    }
    prediction: dict[str, Any] = {"model_version": model_version, "result": result}
    if scores:
        prediction["score"] = round(min(scores), 4)
    return {"data": data, "predictions": [prediction]}


def export_articles(
    paths: Iterable[str | Path], analyzer: Analyzer, targets: Sequence[str] | None = None,
    model_version: str = "",
) -> list[dict[str, Any]]:
    """Pre-labelled tasks for every article under ``paths``, least confident first.

    ``analyzer`` holds the boilerplate and stance models and the actors
    (:meth:`newsclf.analysis.Analyzer.load`); ``model_version`` names them in the tasks (run ids).
    Ties keep the reading order.
    """
    from newsclf.data.readers import read_articles

    tasks = []
    seen: set[str] = set()
    for article in read_articles([Path(p) for p in paths]):
        if article.id in seen:
            raise InputError(
                f"{article.source}: article id {article.id!r} is given twice; gold files are named by it"
            )
        seen.add(article.id)
        analysis = analyzer.article(article, targets)
        tasks.append(article_task(article, analysis, model_version))
    tasks.sort(key=lambda t: t["predictions"][0].get("score", 1.0))
    return tasks


# ----------------------------------------------------------------------------- import


def read_export(path: str | Path) -> list[dict[str, Any]]:
    """Label Studio's JSON export (a list of tasks) from ``path``; InputError when it is not one."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the export ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); export the project as JSON") from None
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(t, dict) and "data" in t for t in raw):
        raise InputError(
            f"{path}: not a Label Studio JSON export (a list of tasks with 'data'); in Label Studio "
            "use Export > JSON"
        )
    return raw


def _annotation(task: Mapping[str, Any]) -> dict[str, Any] | None:
    """The task's newest annotation that was submitted (not cancelled), or None."""
    done = [a for a in task.get("annotations") or () if not a.get("was_cancelled")]
    if not done:
        return None
    return max(done, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), a.get("id") or 0))


@dataclass
class _Region:
    start: int = -1
    end: int = -1
    text: str = ""
    kind: str = ""
    label: str = ""
    speaker: str | None = None
    side: str | None = None
    stance: dict[str, str] = field(default_factory=dict)


def gold_from_task(task: Mapping[str, Any], where: str = "") -> dict[str, Any] | None:
    """The gold file (dict) of one labelled task; None when it has no submitted annotation.

    Raises
    ------
    InputError
        When a region's offsets fall outside the text or a label is unknown (naming the task
        and the region).
    """
    data = task.get("data") or {}
    text, article_id = data.get("text"), data.get("article_id")
    tid = task.get("id", "?")
    at = f"{where}: task {tid}"
    if not isinstance(text, str) or not article_id:
        raise InputError(f"{at}: no 'text' and 'article_id' in its data; was it exported by newsclf annotate export?")
    ann = _annotation(task)
    if ann is None:
        return None
    regions: dict[str, _Region] = {}
    targets: list[str] = []  # in the order the annotation gives them
    index = _utf16_index(text)
    for item in ann.get("result") or ():
        name, value = item.get("from_name"), item.get("value") or {}
        rid = str(item.get("id"))
        r = regions.setdefault(rid, _Region())
        if "start" in value and "end" in value:
            start, end = _from_utf16(index, int(value["start"])), _from_utf16(index, int(value["end"]))
            if not 0 <= start < end <= len(text):
                raise InputError(
                    f"{at}, region {rid}: offsets {value['start']}:{value['end']} are outside the text "
                    f"({len(text)} characters)"
                )
            r.start, r.end = start, end
            if name in (SENTENCE, QUOTE):  # a text area's "text" holds what was typed
                r.text = value.get("text") if isinstance(value.get("text"), str) else text[start:end]
        if name in (SENTENCE, QUOTE):
            labels = value.get("labels") or []
            allowed = SENTENCE_LABELS if name == SENTENCE else QUOTE_LABELS
            if len(labels) != 1 or labels[0] not in allowed:
                raise InputError(f"{at}, region {rid}: {name} label {labels} is not one of {', '.join(allowed)}")
            r.kind, r.label = name, labels[0]
        elif name == SPEAKER:
            said = [s.strip() for s in value.get("text") or () if s and s.strip()]
            r.speaker = said[-1] if said else None
        elif name == SIDE:
            r.side = (value.get("choices") or [None])[0]
        elif isinstance(name, str) and name.startswith("stance_"):
            choice = (value.get("choices") or [None])[0]
            if choice is not None:
                target = name.removeprefix("stance_")
                r.stance[target] = choice
                if target not in targets:
                    targets.append(target)
    sentences, quotes = [], []
    for r in regions.values():
        if not r.kind:
            continue  # per-region values of a region without its label (deleted region)
        if r.kind == SENTENCE:
            sentences.append({"start": r.start, "end": r.end, "text": r.text, "label": r.label})
            continue
        fragment = r.label == "fragment"
        quotes.append(
            {
                "start": r.start,
                "end": r.end,
                "text": r.text,
                "speaker": r.speaker,
                "side": r.side,
                "fragment": fragment,
                "stance": None if fragment or not r.stance else {t: r.stance[t] for t in targets if t in r.stance},
            }
        )
    by_span = lambda d: (d["start"], d["end"])  # noqa: E731
    who = ann.get("completed_by")
    who = who.get("email") if isinstance(who, dict) else who
    return {
        "article_id": str(article_id),
        "source": str(data.get("source") or ""),
        "sha256": data.get("sha256"),
        "sentences": sorted(sentences, key=by_span),
        "quotes": sorted(quotes, key=by_span),
        "quotes_complete": True,
        "notes": (
            f"Imported from Label Studio: task {tid}, annotation {ann.get('id', '?')}"
            + (f" by {who}" if who else "")
            + (f" ({ann['updated_at']})" if ann.get("updated_at") else "")
            + "."
        ),
    }


@dataclass
class ImportResult:
    """What :func:`import_export` did, per task: ``written``, ``unchanged``, ``unlabelled``."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def import_export(
    export: str | Path | list[dict[str, Any]], output: str | Path | None = None, overwrite: bool = False
) -> ImportResult:
    """Write the gold file of every labelled task of a Label Studio export.

    Parameters
    ----------
    export : path of the JSON export, or its parsed list of tasks
    output : gold folder (default: the project's ``data/annotations/``)
    overwrite : replace gold files that differ (otherwise refused, naming them)

    Every gold file is checked (:func:`newsclf.data.annotations.load_annotations`) before any is
    written; nothing is written when one would be refused.
    """
    from newsclf import settings
    from newsclf.data.annotations import gold_path, parse_gold

    where = str(export) if not isinstance(export, list) else "<export>"
    tasks = read_export(export) if not isinstance(export, list) else export
    out_dir = Path(output) if output is not None else settings.annotations_dir()
    result = ImportResult()
    planned: list[tuple[Path, str]] = []
    seen: dict[str, Any] = {}
    for task in tasks:
        gold = gold_from_task(task, where)
        if gold is None:
            result.unlabelled.append(str((task.get("data") or {}).get("article_id") or task.get("id")))
            continue
        aid = gold["article_id"]
        if aid in seen:
            raise InputError(f"{where}: article {aid!r} is labelled in tasks {seen[aid]} and {task.get('id')}; keep one")
        seen[aid] = task.get("id")
        path = gold_path(aid, out_dir)
        parse_gold(gold, f"{where}: task {task.get('id', '?')}")
        text = json.dumps(gold, indent=2, ensure_ascii=False) + "\n"
        if path.is_file():
            if path.read_text(encoding="utf-8") == text:
                result.unchanged.append(path)
                continue
            if not overwrite:
                raise InputError(
                    f"{path}: a different gold file exists for {aid!r}; pass --overwrite to replace it "
                    "(or move it away first)"
                )
        planned.append((path, text))
        result.counts[aid] = {
            "sentences": len(gold["sentences"]),
            "quotes": len(gold["quotes"]),
            "stance": sum(len(q["stance"] or {}) for q in gold["quotes"]),
        }
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, text in planned:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        result.written.append(path)
    return result
