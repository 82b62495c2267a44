"""Analyse one article: label its sentences, find its quotes and classify their stance.

:func:`analyze_article` is the one code path behind ``POST /analyze`` and ``newsclf analyze``: both
read the article (plain text or HTML), call this function and emit its dict as JSON. It composes
the data module (segmentation, quotes, speakers), the boilerplate model and the stance model:

1. ``newsclf.data.document.process_article`` splits the article into sentences and quotes;
2. the boilerplate model labels every sentence (``content``/``boilerplate``) with its context
   (block DOM features, position, neighbours within the article);
3. quotes lying in boilerplate sentences are dropped (a quote is a span in a content sentence);
4. the stance model classifies every remaining quote toward every target; fragments (a few words
   embedded in the reporter's sentence, not a quote of their own) get an empty ``stance``, as
   they are left out of the stance training data too.

Offsets index the analysed text: ``article.text`` for plain text; for HTML (see
:func:`analyze_html`) the main text extracted by the boilerplate model, returned as ``"text"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from newsclf.data.types import Article

__all__ = [
    "analyze_article",
    "analyze_html",
    "analyze_page",
    "article_targets",
    "boilerplate_records",
    "explain_rows",
    "extract_text",
    "predict",
]


def _pipeline(model: Any) -> Any:
    """Accept a :class:`newsclf.serving.models.LoadedModel` or a bare fitted pipeline."""
    return getattr(model, "model", model)


def predict(model: Any, task: str, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``[{"label", "scores"}]`` per record (``newsclf.pipeline.predict.predict_records``)."""
    if not records:
        return []
    from newsclf.pipeline.predict import predict_records

    return predict_records(_pipeline(model), task, records)


def boilerplate_records(processed: Any) -> list[dict[str, Any]]:
    """Boilerplate model inputs for the sentences of a processed article (one document, in order)."""
    from newsclf.data.document import boilerplate_records as records

    return records(processed)


def article_targets(actors: Any) -> list[str]:
    """Target keys of the actors file (``["taliban", "nrf"]`` for the shipped one)."""
    if actors is None:
        return []
    if isinstance(actors, Mapping):
        return [str(k) for k in actors]
    for attr in ("targets", "keys", "names"):
        value = getattr(actors, attr, None)
        if value is not None:
            value = value() if callable(value) else value
            return [str(v) for v in value]
    try:
        return [str(getattr(a, "key", a)) for a in actors]
    except TypeError:
        return []


def explain_rows(
    model: Any, task: str, records: Sequence[Mapping[str, Any]], k: int = 5
) -> list[list[dict]]:
    """Top ``k`` features behind each record's predicted label: ``[{"feature", "weight"}]`` per record.

    Empty lists when the model is not linear (or the explanation module is unavailable).
    """
    if not records:
        return []
    try:
        from newsclf.pipeline.explain import top_features
    except ImportError:  # pragma: no cover - the stance helper's module
        return [[] for _ in records]
    from newsclf.tasks import to_frame

    rows = top_features(_pipeline(model), to_frame(task, records), k=k)
    return [
        [{"feature": str(name), "weight": round(float(w), 6)} for name, w in row] for row in rows
    ]


def _stance_parts(model: Any, records: Sequence[Mapping[str, Any]]) -> list[dict] | None:
    """Per record, the parts that decided its stance, or None for a model that is not composed."""
    from newsclf.pipeline.features.stance import explain_records

    return explain_records(_pipeline(model), records)


def analyze_article(
    article: Article,
    boilerplate_model: Any,
    stance_model: Any,
    actors: Any,
    targets: Sequence[str] | None = None,
    explain: bool = False,
) -> dict[str, Any]:
    """Analyse ``article`` into the ``/analyze`` response shape.

    Parameters
    ----------
    article : Article
    boilerplate_model, stance_model : LoadedModel or fitted Pipeline
    actors : Actors
        The actors file (targets, aliases, sides) used for speaker sides and default targets.
    targets : list of str, optional
        Targets to classify every quote toward; default: every target of ``actors``.
    explain : bool
        Add the top features behind each sentence label and each stance (``"features"``).

    Returns
    -------
    dict
        ``{"sentences": [{"start", "end", "text", "label", "score"}], "quotes": [{"start", "end",
        "text", "speaker", "side", "fragment", "stance": {target: {"label", "scores"}}}]}``.
    """
    from newsclf.data.document import process_article

    processed = process_article(article, actors)
    sentences = list(processed.sentences)
    records = boilerplate_records(processed)
    labelled = predict(boilerplate_model, "boilerplate", records)
    why = (
        explain_rows(boilerplate_model, "boilerplate", records)
        if explain
        else [None] * len(records)
    )
    out_sentences = []
    boiler_spans = []
    for sent, pred, reasons in zip(sentences, labelled, why, strict=True):
        item = {
            "start": sent.start,
            "end": sent.end,
            "text": sent.text,
            "label": pred["label"],
            "score": float(pred["scores"][pred["label"]]),
        }
        if explain:
            item["features"] = reasons
        if pred["label"] == "boilerplate":
            boiler_spans.append((sent.start, sent.end))
        out_sentences.append(item)

    def in_boilerplate(quote: Any) -> bool:
        return any(s <= quote.start and quote.end <= e for s, e in boiler_spans)

    quotes = [q for q in processed.quotes if not in_boilerplate(q)]
    targets = list(dict.fromkeys(targets)) if targets is not None else article_targets(actors)
    stance_records = [
        {
            "text": q.text,
            "target": target,
            "speaker": q.speaker or "",
            "side": q.side or "",
            "group": article.id,
        }
        for q in quotes
        if not q.fragment
        for target in targets
    ]
    stances = predict(stance_model, "stance", stance_records)
    stance_why = explain_rows(stance_model, "stance", stance_records) if explain else []
    stance_parts = _stance_parts(stance_model, stance_records) if explain else None
    out_quotes = []
    k = 0
    for q in quotes:
        stance: dict[str, Any] = {}
        for target in [] if q.fragment else targets:
            pred = stances[k]
            entry: dict[str, Any] = {"label": pred["label"], "scores": pred["scores"]}
            if explain:
                entry["features"] = stance_why[k]
                if stance_parts is not None:  # which parts decided (side relation, cue, sentiment)
                    entry["explanation"] = stance_parts[k]
            stance[target] = entry
            k += 1
        out_quotes.append(
            {
                "start": q.start,
                "end": q.end,
                "text": q.text,
                "speaker": q.speaker,
                "side": q.side,
                "fragment": bool(q.fragment),
                "stance": stance,
            }
        )
    return {"sentences": out_sentences, "quotes": out_quotes}


def extract_text(page: Article, boilerplate_model: Any, comments: bool = False) -> str:
    """Main text of an HTML page (an Article with DOM blocks) by the boilerplate model
    (``newsclf.extraction.extract_main_text``, the function ``newsclf extract`` uses); reader
    comments are left out unless ``comments``."""
    from newsclf.extraction import extract_main_text

    return extract_main_text(_pipeline(boilerplate_model), page, comments=comments)


def analyze_page(
    page: Article,
    boilerplate_model: Any,
    stance_model: Any,
    actors: Any,
    targets: Sequence[str] | None = None,
    explain: bool = False,
) -> dict[str, Any]:
    """Analyse an HTML page already read into an Article with DOM blocks (``read_html``).

    The boilerplate model extracts the main text; :func:`analyze_article` analyses that text. The
    result carries ``"text"``, the extracted text its offsets index.
    """
    from newsclf.data.readers import article_from_text

    text = extract_text(page, boilerplate_model)
    if not text.strip():
        return {"text": text, "sentences": [], "quotes": []}
    article = article_from_text(text, id=page.id, source=page.source, meta=dict(page.meta))
    result = analyze_article(article, boilerplate_model, stance_model, actors, targets, explain)
    return {"text": text, **result}


def analyze_html(
    html: str | bytes,
    boilerplate_model: Any,
    stance_model: Any,
    actors: Any,
    *,
    id: str = "page",
    source: str = "",
    targets: Sequence[str] | None = None,
    explain: bool = False,
) -> dict[str, Any]:
    """Read ``html`` (markup or bytes) and :func:`analyze_page` it."""
    from newsclf.data.html import read_html

    page = read_html(html, id=id, source=source)
    return analyze_page(page, boilerplate_model, stance_model, actors, targets, explain)
