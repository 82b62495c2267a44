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
``NEWSCLF_ACCESS_LOG=1``
    turn BentoML's access log on (off by default: it costs ~30% throughput).
``NEWSCLF_TRACING=1``
    keep OpenTelemetry spans for the API routes (off by default: without an exporter they are
    pure overhead; configure the exporter through BentoML's tracing config).

Every model file is checked against its run's sha256 manifest before ``joblib.load``.

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

from newsclf.errors import NewsclfError

from .analysis import analyze_article, analyze_html, extract_text, predict
from .batching import Batcher
from .http import RequestGuard, install_log_filter
from .limits import AnalyzeRequest, BoilerplateRequest, ExtractRequest, ModelsRequest, StanceRequest
from .models import ENV_RUN, LoadedModel, load_run_dir, load_stored_model, model_ref, stored_or_none

__all__ = ["Newsclf"]

log = logging.getLogger("bentoml.newsclf")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _int_env(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


API_PATHS = ("/boilerplate", "/stance", "/analyze", "/extract", "/models")


def limit_threads() -> None:
    """One BLAS/OpenMP thread per worker: requests are parallel across workers, not inside one."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except Exception:  # pragma: no cover - threadpoolctl is a scikit-learn dependency
        pass


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
        from newsclf.data.actors import load_actors

        cls = type(self)
        self.boilerplate_model = load_task_model("boilerplate", cls.__dict__.get("boilerplate_ref"))
        self.stance_model = load_task_model("stance", cls.__dict__.get("stance_ref"))
        self.actors = load_actors()
        self.attribution_model = (
            load_task_model("attribution", cls.__dict__.get("attribution_ref"))
            if os.environ.get(ENV_RUN["attribution"]) or "attribution_ref" in cls.__dict__
            else None
        )
        self._boilerplate_batcher = Batcher(
            functools.partial(predict, self.boilerplate_model, "boilerplate")
        )
        self._stance_batcher = Batcher(functools.partial(predict, self.stance_model, "stance"))
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
                return analyze_html(
                    html,
                    self.boilerplate_model,
                    self.stance_model,
                    self.actors,
                    id="page",
                    targets=targets,
                    attribution=self.attribution_model,
                )
            from newsclf.data.readers import article_from_text

            article = article_from_text(text or "", id="article")
            return analyze_article(
                article, self.boilerplate_model, self.stance_model, self.actors, targets,
                attribution=self.attribution_model,
            )
        except (NewsclfError, ValueError) as exc:
            raise _client_error(exc) from None

    @bentoml.api(input_spec=ExtractRequest)
    def extract(self, html: str, comments: bool = False) -> dict[str, str]:
        """Main text of an HTML page, by the boilerplate model (reader comments left out unless
        ``comments``)."""
        from newsclf.data.html import read_html

        try:
            page = read_html(html, id="page")
            return {"text": extract_text(page, self.boilerplate_model, comments=comments)}
        except (NewsclfError, ValueError) as exc:
            raise _client_error(exc) from None

    @bentoml.api(input_spec=ModelsRequest)
    def models(self) -> dict[str, Any]:
        """Tag, run id, task, labels, metrics and data fingerprint of each loaded model."""
        out = {"boilerplate": self.boilerplate_model.info(), "stance": self.stance_model.info()}
        if self.attribution_model is not None:
            out["attribution"] = self.attribution_model.info()
        return out


def _tune_api_methods(service: Any) -> None:
    """Trim BentoML's per-request overhead of our endpoints (same behaviour, less work).

    - The output media type is fixed (``application/json``); otherwise BentoML derives it from the
      output model's JSON schema on every response.
    - The bound local caller of each API method is built once per service instance; BentoML
      rebuilds it (``inspect.signature`` + ``functools.wraps``) on every request.
    """
    from _bentoml_sdk.method import APIMethod

    class _CachedAPIMethod(APIMethod):
        __slots__ = ()

        def _local_call(self, instance: Any) -> Any:
            try:
                cache = instance.__dict__.setdefault("_newsclf_local_calls", {})
            except AttributeError:  # pragma: no cover - instance without __dict__
                return super()._local_call(instance)
            func = cache.get(self.name)
            if func is None:
                func = cache[self.name] = super()._local_call(instance)
            return func

    for method in service.apis.values():
        if method.output_spec.media_type is None:
            method.output_spec.media_type = "application/json"
        try:
            method.__class__ = _CachedAPIMethod
        except TypeError:  # pragma: no cover - a BentoML version with another layout
            pass


try:
    _tune_api_methods(Newsclf)
except Exception:  # pragma: no cover - tuning is optional; never break the service over it
    log.warning("newsclf: BentoML fast path not applied", exc_info=True)
Newsclf.add_asgi_middleware(RequestGuard, paths=API_PATHS, get_paths=("/models",))
install_log_filter()
