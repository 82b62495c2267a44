"""The newsclf BentoML service: batch classification per task, article analysis, text extraction.

Run it with ``newsclf serve`` (or ``bentoml serve newsclf.serving.service:Newsclf``). Models come from the
BentoML model store, referenced at class scope so that ``bentoml build`` packs them:

``NEWSCLF_BOILERPLATE_MODEL`` / ``NEWSCLF_STANCE_MODEL``
    store tags (default ``newsclf-boilerplate:latest`` / ``newsclf-stance:latest``).
``NEWSCLF_BOILERPLATE_RUN`` / ``NEWSCLF_STANCE_RUN``
    load a run directory instead of the store (development and tests).
``NEWSCLF_ATTRIBUTION_RUN`` / ``NEWSCLF_ATTRIBUTION_MODEL``
    the attribution model ranking quote speakers in ``/analyze`` (optional: a run directory, or
    a store tag, default ``newsclf-attribution:latest`` when promoted); the rules without one.
``NEWSCLF_WORKERS`` (default 1), ``NEWSCLF_THREADS`` (default 1)
    worker processes and request threads per worker.
``NEWSCLF_SERVE_ACTORS``
    an actors file for ``/analyze`` (``newsclf serve --actors``); default: the actors the stance
    model was trained with (a warning is logged when the file differs from them).
``NEWSCLF_ACCESS_LOG=1``
    turn BentoML's access log on (off by default: it costs ~30% throughput).
``NEWSCLF_TRACING=1``
    keep OpenTelemetry spans for the API routes (off by default: without an exporter they are
    pure overhead; configure the exporter through BentoML's tracing config).

Every model file is checked against its run's sha256 manifest and loaded with newsclf's trusted
types only (``model.skops``); a run that fails either check stops the service from starting.

Endpoints (JSON over POST; limits in :mod:`newsclf.serving.limits`): ``/boilerplate``, ``/stance``,
``/analyze``, ``/extract``, ``/models`` (also GET), plus BentoML's ``/healthz``, ``/readyz``,
``/metrics``.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import os
from typing import Any

import bentoml
from bentoml.exceptions import InvalidArgument

from newsclf.analysis import Analyzer, choose_actors, predict
from newsclf.errors import NewsclfError

from . import bento_internals
from .batching import Batcher
from .http import RequestGuard, install_log_filter
from .limits import AnalyzeRequest, BoilerplateRequest, ExtractRequest, ModelsRequest, StanceRequest
from .models import ENV_RUN, LoadedModel, load_run_dir, load_stored_model, model_ref, stored_or_none

__all__ = ["Newsclf"]

log = logging.getLogger("bentoml.newsclf")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    if not value.strip().isdigit() or int(value) < 1:
        raise NewsclfError(f"{name}={value!r}: expected a whole number >= 1")
    return int(value)


API_PATHS = ("/boilerplate", "/stance", "/analyze", "/extract", "/models")


ENV_ACTORS = "NEWSCLF_SERVE_ACTORS"
"""An actors file overriding the stance model's own for ``/analyze`` (``newsclf serve --actors``)."""


def limit_threads() -> None:
    """One BLAS/OpenMP thread per worker: requests are parallel across workers, not inside one."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _json(obj: Any) -> Any:
    """A ready JSON response: BentoML would validate the output against the return annotation,
    dump it to Python objects and only then to JSON (~10% of a 1,000-sentence request)."""
    from starlette.responses import Response

    return Response(json.dumps(obj).encode(), media_type="application/json")


def _client_error(exc: Exception) -> InvalidArgument:
    msg = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    return InvalidArgument(msg or type(exc).__name__)


def load_task_model(task: str, ref: Any) -> LoadedModel:
    """The model the service serves for ``task``: a run directory (env) or the store entry ``ref``."""
    run = os.environ.get(ENV_RUN[task])
    if run:
        loaded = load_run_dir(run)
    elif ref is None:
        raise NewsclfError(
            f"{ENV_RUN[task]} was set when the service was imported but is not set now; set it "
            "again, or unset it before starting the service to use the promoted model"
        )
    else:
        stored = ref.stored
        if stored is None:
            raise NewsclfError(
                f"model {ref.tag} for the {task} task is not in the BentoML model store; promote a "
                f"{task} run first (newsclf promote models/<run-id>) or set {ENV_RUN[task]}"
            )
        loaded = load_stored_model(stored)
    if loaded.task != task:
        raise NewsclfError(
            f"{loaded.path}: is a {loaded.task} model, but the service needs a {task} model here"
        )
    return loaded


@bentoml.service(
    name="newsclf",
    workers=_int_env("NEWSCLF_WORKERS", 1),
    threads=_int_env("NEWSCLF_THREADS", 1),
    traffic={"timeout": 120},
    logging={"access": {"enabled": _flag("NEWSCLF_ACCESS_LOG")}},
    # Without an exporter, BentoML's OpenTelemetry middleware only burns ~25% of the event loop on
    # spans nobody collects: tracing of the API routes is off unless NEWSCLF_TRACING=1.
    tracing={} if _flag("NEWSCLF_TRACING") else {"excluded_urls": list(API_PATHS)},
)
class Newsclf:
    """Boilerplate and stance classification of news text over HTTP."""

    # Class-scope references, so that `bentoml build` packs the models. A task served from a run
    # directory (NEWSCLF_<TASK>_RUN) has none: `bentoml serve` resolves references at start.
    if not os.environ.get(ENV_RUN["boilerplate"]):
        boilerplate_ref = bentoml.models.BentoModel(model_ref("boilerplate"))
    if not os.environ.get(ENV_RUN["stance"]):
        stance_ref = bentoml.models.BentoModel(model_ref("stance"))
    # optional: packed only when promoted; /analyze uses the rules without it
    if not os.environ.get(ENV_RUN["attribution"]) and stored_or_none(model_ref("attribution")):
        attribution_ref = bentoml.models.BentoModel(model_ref("attribution"))

    def __init__(self) -> None:
        install_log_filter()
        limit_threads()
        cls = type(self)
        self.boilerplate_model = load_task_model("boilerplate", cls.__dict__.get("boilerplate_ref"))
        self.stance_model = load_task_model("stance", cls.__dict__.get("stance_ref"))
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            actors = choose_actors(self.stance_model.run, os.environ.get(ENV_ACTORS) or None)
        for w in caught:
            log.warning("newsclf: %s", w.message)
        self.attribution_model = (
            load_task_model("attribution", cls.__dict__.get("attribution_ref"))
            if os.environ.get(ENV_RUN["attribution"]) or "attribution_ref" in cls.__dict__
            else None
        )
        self.analyzer = Analyzer(
            self.boilerplate_model.model, self.stance_model.model, actors,
            self.attribution_model.model if self.attribution_model is not None else None,
        )
        self._boilerplate_batcher = Batcher(
            functools.partial(predict, self.boilerplate_model.model, "boilerplate")
        )
        self._stance_batcher = Batcher(functools.partial(predict, self.stance_model.model, "stance"))
        # The models are long-lived: keep the garbage collector from re-scanning them (a full
        # collection over a large TF-IDF vocabulary stalls every request for hundreds of ms).
        gc.collect()
        gc.freeze()
        log.info(
            "newsclf models: boilerplate %s (run %s), stance %s (run %s)",
            self.boilerplate_model.tag or self.boilerplate_model.path,
            self.boilerplate_model.run_id,
            self.stance_model.tag or self.stance_model.path,
            self.stance_model.run_id,
        )

    @bentoml.api(input_spec=BoilerplateRequest)
    async def boilerplate(self, sentences: list[str]) -> list[dict[str, Any]]:
        """Label sentences of one document (in reading order) ``content`` or ``boilerplate``."""
        group = self._boilerplate_batcher.next_group()
        n = len(sentences)
        records = [
            {"text": s, "group": group, "position": i / (n - 1) if n > 1 else 0.0}
            for i, s in enumerate(sentences)
        ]
        return _json(await self._boilerplate_batcher(records))

    @bentoml.api(input_spec=StanceRequest)
    async def stance(self, quotes: list[Any]) -> list[dict[str, Any]]:
        """Stance (``favor``/``against``/``none``) of each quote toward its target."""
        empty = [i for i, q in enumerate(quotes) if not q.target.strip()]
        if empty:
            from newsclf.pipeline.predict import target_hint

            raise InvalidArgument(f"quotes[{empty[0]}].target is empty: {target_hint()}")
        group = self._stance_batcher.next_group()
        records = [
            {
                "text": q.text,
                "target": q.target,
                "speaker": q.speaker or "",
                "side": q.side or "",
                "group": group,
            }
            for q in quotes
        ]
        return _json(await self._stance_batcher(records))

    @bentoml.api(input_spec=AnalyzeRequest)
    def analyze(
        self, text: str | None = None, html: str | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        """Analyse one article (``text`` or ``html``): sentence labels, quotes and their stance."""
        try:
            if html is not None:
                return self.analyzer.html(html, id="page", targets=targets)
            from newsclf.data.readers import article_from_text

            return self.analyzer.article(article_from_text(text or "", id="article"), targets)
        except (NewsclfError, ValueError) as exc:
            raise _client_error(exc) from None

    @bentoml.api(input_spec=ExtractRequest)
    def extract(self, html: str, comments: bool = False) -> dict[str, str]:
        """Main text of an HTML page, by the boilerplate model (reader comments left out unless
        ``comments``)."""
        from newsclf.data.html import read_html

        try:
            page = read_html(html, id="page")
            return {"text": self.analyzer.extract(page, comments=comments)}
        except (NewsclfError, ValueError) as exc:
            raise _client_error(exc) from None

    @bentoml.api(input_spec=ModelsRequest)
    def models(self) -> dict[str, Any]:
        """Tag, run id, task, labels, metrics and data fingerprint of each loaded model."""
        out = {"boilerplate": self.boilerplate_model.info(), "stance": self.stance_model.info()}
        if self.attribution_model is not None:
            out["attribution"] = self.attribution_model.info()
        return out


if not bento_internals.tune_api_methods(Newsclf):
    log.info("newsclf: BentoML fast path off (%s=0)", bento_internals.ENV_SWITCH)
Newsclf.add_asgi_middleware(RequestGuard, paths=API_PATHS, get_paths=("/models",))
install_log_filter()
