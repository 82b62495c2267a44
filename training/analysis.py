"""Analyse an article: label its sentences, find its quotes and classify their stance.

This is the one inference facade: ``newsclf analyze``, ``POST /analyze`` and
:func:`newsclf.analyze` all build an :class:`Analyzer` and call it. It composes the data module
(segmentation, quotes, speakers), a fitted boilerplate pipeline and a fitted stance pipeline:

1. :func:`newsclf.data.document.process_article` splits the article into sentences and quotes;
2. the boilerplate model labels every sentence (``content``/``boilerplate``) with its context
   (block DOM features, position, neighbours within the article);
3. quotes lying in boilerplate sentences are dropped (a quote is a span in a content sentence);
4. the stance model classifies every remaining quote toward every target; fragments (a few words
   embedded in the reporter's sentence) get an empty ``stance``, as they are left out of the
   stance training data too.

Offsets index the analysed text: ``article.text`` for plain text; for an HTML page the main text
extracted by the boilerplate model, returned as ``"text"``.

Actors (speaker sides, default targets) are those the stance model was trained with (its run's
``actors.yaml``, see :func:`choose_actors`); an explicit actors file overrides them, with a warning
when it differs.
"""

from __future__ import annotations

import bisect
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from newsclf.data.types import Article, Quote

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from newsclf.data.actors import Actors
    from newsclf.pipeline.runs import Run

__all__ = [
    "ActorsMismatchWarning",
    "Analyzer",
    "ArticleAnalysis",
    "Prediction",
    "WorkLimits",
    "analysis_run",
    "analyze",
    "choose_actors",
    "explain_rows",
    "predict",
]


class Prediction(TypedDict):
    """One classified record: the label and a score per task label."""

    label: str
    scores: dict[str, float]


class ArticleAnalysis(TypedDict, total=False):
    """The ``/analyze`` response: ``sentences`` and ``quotes`` (and ``text`` for HTML pages)."""

    text: str
    sentences: list[dict[str, Any]]
    quotes: list[dict[str, Any]]


class ActorsMismatchWarning(UserWarning):
    """The actors chosen for an analysis differ from those the stance model was trained with."""


def predict(model: Pipeline, task: str, records: Sequence[Mapping[str, Any]]) -> list[Prediction]:
    """``[{"label", "scores"}]`` per record (:func:`newsclf.pipeline.predict.predict_records`)."""
    if not records:
        return []
    from newsclf.pipeline.predict import predict_records

    return predict_records(model, task, records)


def explain_rows(model: Pipeline, task: str, records: Sequence[Mapping[str, Any]], k: int = 5
                 ) -> list[list[dict[str, Any]]]:
    """Top ``k`` features behind each record's predicted label: ``[{"feature", "weight"}]`` per
    record (empty lists when the model is not linear)."""
    if not records:
        return []
    from newsclf.pipeline.explain import top_features
    from newsclf.tasks import to_frame

    rows = top_features(model, to_frame(task, records), k=k)
    return [[{"feature": str(name), "weight": round(float(w), 6)} for name, w in row] for row in rows]


def choose_actors(stance_run: Run, explicit: str | Path | Actors | None = None) -> Actors:
    """The actors an analysis uses: those the stance model was trained with, unless ``explicit``
    (an actors file or :class:`~newsclf.data.actors.Actors`) is given; an explicit choice that
    differs from the model's warns (:class:`ActorsMismatchWarning`): the model learnt its actor
    aliases from its own file, so speaker sides and targets may not match what it knows.

    Raises
    ------
    NewsclfError
        When nothing is explicit and the run records no actors (a converted old run).
    """
    from newsclf.data.actors import Actors, load_actors

    if explicit is None:
        return stance_run.actors()
    actors = explicit if isinstance(explicit, Actors) else load_actors(explicit)
    trained = stance_run.actors() if "actors.yaml" in stance_run.manifest.get("files", {}) else None
    if trained is None or trained.spec != actors.spec:
        warnings.warn(
            f"the actors in use ({actors.path or 'given'}) differ from those stance model "
            f"{stance_run.run_id} was trained with; its actor aliases come from its own file",
            ActorsMismatchWarning, stacklevel=2,
        )
    return actors


@dataclass(frozen=True)
class WorkLimits:
    """Caps on the work of one analysis (the service sets them; ``None`` fields: no cap).

    Attributes
    ----------
    sentences : int or None
        Most sentences one article may hold (each is classified and returned).
    pairs : int or None
        Most quote-target pairs one article may ask the stance model for (quotes x targets).
    """

    sentences: int | None = None
    pairs: int | None = None

    def check(self, n_sentences: int, n_quotes: int, n_targets: int) -> None:
        """Raise :class:`~newsclf.errors.BudgetError` naming the cap an article exceeds."""
        from newsclf.errors import BudgetError

        if self.sentences is not None and n_sentences > self.sentences:
            raise BudgetError(f"the article has {n_sentences:,} sentences; the limit is "
                              f"{self.sentences:,} per article: split it")
        pairs = n_quotes * n_targets
        if self.pairs is not None and pairs > self.pairs:
            raise BudgetError(f"{n_quotes:,} quotes x {n_targets:,} targets = {pairs:,} stance "
                              f"predictions; the limit is {self.pairs:,} per article: send fewer "
                              "targets or a shorter article")


@dataclass(frozen=True)
class Analyzer:
    """A boilerplate model, a stance model and the actors they analyse articles with.

    Attributes
    ----------
    boilerplate, stance : sklearn.pipeline.Pipeline
        Fitted pipelines of the two tasks.
    actors : Actors
        Speaker sides and the default stance targets (:func:`choose_actors`).
    attribution : sklearn.pipeline.Pipeline or None
        A fitted attribution model ranking each quote's candidate speakers; None: the rules
        (:mod:`newsclf.data.attribution`).
    limits : WorkLimits or None
        Caps on the work of one article (checked before the models run); None: none.
    """

    boilerplate: Pipeline
    stance: Pipeline
    actors: Actors
    attribution: Pipeline | None = None
    limits: WorkLimits | None = None

    @classmethod
    def load(cls, boilerplate: str | Path | None = None, stance: str | Path | None = None,
             actors: str | Path | Actors | None = None, attribution: str | None = None) -> Analyzer:
        """An analyzer over two run directories (or run ids); a task left out uses its promoted
        model (:func:`analysis_run`). ``attribution``: an attribution run, ``"rules"`` for none,
        default the promoted one if any (:func:`newsclf.data.attribution.resolve_attribution`)."""
        from newsclf.data.attribution import resolve_attribution

        return cls.from_runs(analysis_run("boilerplate", boilerplate), analysis_run("stance", stance),
                             actors, resolve_attribution(attribution))

    @classmethod
    def from_runs(cls, boilerplate: Run, stance: Run, actors: str | Path | Actors | None = None,
                  attribution: Pipeline | None = None) -> Analyzer:
        """An analyzer over two loaded runs (actors: :func:`choose_actors`)."""
        from newsclf.errors import NewsclfError

        for run, task in ((boilerplate, "boilerplate"), (stance, "stance")):
            if run.task != task:
                raise NewsclfError(f"{run.path}: is a {run.task} run; a {task} run is needed here")
        return cls(boilerplate.model, stance.model, choose_actors(stance, actors), attribution)

    def targets(self, targets: Sequence[str] | None = None) -> list[str]:
        """``targets`` without duplicates, or every actor key."""
        return list(dict.fromkeys(targets)) if targets is not None else list(self.actors.keys)

    def article(self, article: Article, targets: Sequence[str] | None = None, explain: bool = False
                ) -> ArticleAnalysis:
        """Analyse a plain-text article: ``{"sentences": [{"start", "end", "text", "label",
        "score"}], "quotes": [{"start", "end", "text", "speaker", "side", "fragment", "stance":
        {target: {"label", "scores"}}}]}``."""
        from newsclf.data.document import boilerplate_records, process_article

        chosen = self.targets(targets)
        processed = process_article(article, self.actors, attribution=self.attribution)
        if self.limits is not None:
            self.limits.check(len(processed.sentences),
                              sum(1 for q in processed.quotes if not q.fragment), len(chosen))
        records = boilerplate_records(processed)
        labelled = predict(self.boilerplate, "boilerplate", records)
        why = explain_rows(self.boilerplate, "boilerplate", records) if explain else [None] * len(records)
        sentences, boiler_spans = [], []
        for sent, pred, reasons in zip(processed.sentences, labelled, why, strict=True):
            item: dict[str, Any] = {"start": sent.start, "end": sent.end, "text": sent.text,
                                    "label": pred["label"], "score": float(pred["scores"][pred["label"]])}
            if explain:
                item["features"] = reasons
            if pred["label"] == "boilerplate":
                boiler_spans.append((sent.start, sent.end))
            sentences.append(item)

        starts = [s for s, _ in boiler_spans]  # sentences are in text order: sorted, disjoint

        def in_boilerplate(quote: Quote) -> bool:
            i = bisect.bisect_right(starts, quote.start) - 1
            return i >= 0 and quote.end <= boiler_spans[i][1]

        quotes = [q for q in processed.quotes if not in_boilerplate(q)]
        stance_records = [
            {"text": q.text, "target": target, "speaker": q.speaker or "", "side": q.side or "",
             "group": article.id}
            for q in quotes if not q.fragment for target in chosen
        ]
        stances = predict(self.stance, "stance", stance_records)
        stance_why = explain_rows(self.stance, "stance", stance_records) if explain else []
        # which parts decided each stance (side relation, cue, sentiment); None: not a composed model
        stance_parts = None
        if explain:
            from newsclf.pipeline.features.stance import explain_records

            stance_parts = explain_records(self.stance, stance_records)
        out_quotes, k = [], 0
        for q in quotes:
            stance: dict[str, Any] = {}
            for target in [] if q.fragment else chosen:
                entry: dict[str, Any] = {"label": stances[k]["label"], "scores": stances[k]["scores"]}
                if explain:
                    entry["features"] = stance_why[k]
                    if stance_parts is not None:
                        entry["explanation"] = stance_parts[k]
                stance[target] = entry
                k += 1
            out_quotes.append({"start": q.start, "end": q.end, "text": q.text, "speaker": q.speaker,
                               "side": q.side, "fragment": bool(q.fragment), "stance": stance})
        return {"sentences": sentences, "quotes": out_quotes}

    def extract(self, page: Article, comments: bool = False) -> str:
        """Main text of an HTML page (an Article with DOM blocks) by the boilerplate model
        (:func:`newsclf.extraction.extract_main_text`); reader comments left out unless ``comments``."""
        from newsclf.extraction import extract_main_text

        return extract_main_text(self.boilerplate, page, comments=comments)

    def page(self, page: Article, targets: Sequence[str] | None = None, explain: bool = False
             ) -> ArticleAnalysis:
        """Analyse an HTML page read into an Article with DOM blocks: the boilerplate model
        extracts the main text, :meth:`article` analyses it; ``"text"`` is what offsets index."""
        from newsclf.data.readers import article_from_text

        text = self.extract(page)
        if not text.strip():
            return {"text": text, "sentences": [], "quotes": []}
        article = article_from_text(text, id=page.id, source=page.source, meta=dict(page.meta))
        return {"text": text, **self.article(article, targets, explain)}

    def html(self, html: str | bytes, *, id: str = "page", source: str = "",
             targets: Sequence[str] | None = None, explain: bool = False) -> ArticleAnalysis:
        """Read ``html`` (markup or bytes) and analyse it as a page."""
        from newsclf.data.html import read_html

        return self.page(read_html(html, id=id, source=source), targets, explain)

    def any(self, article: Article, targets: Sequence[str] | None = None, explain: bool = False
            ) -> ArticleAnalysis:
        """:meth:`page` for an article read from HTML (its blocks carry DOM paths), else :meth:`article`."""
        if is_page(article):
            return self.page(article, targets, explain)
        return self.article(article, targets, explain)


def analysis_run(task: str, run: str | Path | None = None) -> Run:
    """The verified run of ``task`` an analysis uses: ``run`` (a directory or run id), else the
    model promoted into the BentoML store (``newsclf-<task>:latest`` or its environment override)."""
    from newsclf.pipeline.runs import load_run

    if run is not None:
        return load_run(run)
    from newsclf.serving.models import load_stored, model_ref

    return load_stored(model_ref(task)).run


def is_page(article: Article) -> bool:
    """True for an article read from HTML (its blocks carry DOM paths)."""
    return any(b.tag_path for b in article.blocks)


def analyze(article: str | Path | Article, boilerplate: str | Path | Run, stance: str | Path | Run, *,
            actors: str | Path | Actors | None = None, targets: Sequence[str] | None = None,
            explain: bool = False) -> ArticleAnalysis:
    """Analyse one article with two trained runs (public API: ``newsclf.analyze``).

    Parameters
    ----------
    article : str, Path or Article
        Plain text, a file (``.txt``, ``.html``, ``.jsonl``: its first article) or an Article.
    boilerplate, stance : path, run id or Run
        Run directories (verified before loading) or loaded runs.
    actors : path or Actors, optional
        Overrides the actors the stance model was trained with (warns when they differ).
    targets : list of str, optional
        Stance targets (default: every actor).
    explain : bool
        Add the top features behind each label.
    """
    from newsclf.data.readers import article_from_text, read_articles
    from newsclf.pipeline.runs import Run, load_run

    runs = [r if isinstance(r, Run) else load_run(r) for r in (boilerplate, stance)]
    analyzer = Analyzer.from_runs(runs[0], runs[1], actors)
    if isinstance(article, Path):
        article = next(iter(read_articles([article])))
    elif isinstance(article, str):
        article = article_from_text(article, id="article")
    return analyzer.any(article, targets, explain)
