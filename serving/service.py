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
    service worker processes (one model copy each; they serve ``/boilerplate``, ``/stance``,
    ``/models`` and the HTTP traffic) and request threads per worker.
``NEWSCLF_ANALYSIS_WORKERS`` (default: the number of CPUs, at most 4)
    analysis processes per service worker, forked from it (models shared copy-on-write), that
    run ``/analyze`` and ``/extract`` under a time and memory budget
    (:mod:`newsclf.serving.workers`); ``0`` runs them in the worker's threads, without the
    budget's enforcement (development only).
``NEWSCLF_TIME_BUDGET`` (seconds, default 20), ``NEWSCLF_MEMORY_BUDGET_MB`` (default 1024)
    the budget of one ``/analyze`` or ``/extract`` request (422 past it).
``NEWSCLF_HEADER_TIMEOUT`` (10 s), ``NEWSCLF_BODY_TIMEOUT`` (30 s)
    deadlines for a request's headers and body (408 and the connection closed past them).
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

import asyncio
import functools
import gc
import json
import logging
import os
from typing import Any

import bentoml
from bentoml.exceptions import InvalidArgument, ServiceUnavailable, UnprocessableEntity

from newsclf.analysis import Analyzer, WorkLimits, choose_actors, predict
from newsclf.errors import BudgetError, NewsclfError

from . import bento_internals
from .batching import Batcher
from .http import RequestGuard, client_gone, install_log_filter
from .limits import (
    MAX_PAIRS,
    MAX_SENTENCES,
    MEMORY_BUDGET_MB,
    TIME_BUDGET,
    AnalyzeRequest,
    BoilerplateRequest,
    ExtractRequest,
    ModelsRequest,
    StanceRequest,
)
from .models import ENV_RUN, LoadedModel, load_run_dir, load_stored_model, model_ref, stored_or_none
from .workers import AnalysisPool, BudgetExceeded, ChildFailed, ClientError, Job

__all__ = ["Newsclf"]

log = logging.getLogger("bentoml.newsclf")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _int_env(name: str, default: int, least: int = 1) -> int:
    value = os.environ.get(name, str(default))
    if not value.strip().isdigit() or int(value) < least:
        raise NewsclfError(f"{name}={value!r}: expected a whole number >= {least}")
    return int(value)


def _float_env(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number > 0 or number == float("inf"):
        raise NewsclfError(f"{name}={value!r}: expected a number of seconds > 0")
    return number


def _status(exc: BaseException) -> int | None:
    """HTTP status of an exception the analysis raises on its input (None: a server error)."""
    if isinstance(exc, BudgetError):
        return 422
    if isinstance(exc, (NewsclfError, ValueError)):
        return 400
    return None


def _analysis_workers() -> int:
    return _int_env("NEWSCLF_ANALYSIS_WORKERS", min(4, os.cpu_count() or 1), least=0)


API_PATHS = ("/boilerplate", "/stance", "/analyze", "/extract", "/models")


ENV_ACTORS = "NEWSCLF_SERVE_ACTORS"
"""An actors file overriding the stance model's own for ``/analyze`` (``newsclf serve --actors``)."""


def limit_threads() -> None:
    """One BLAS/OpenMP thread per worker: requests are parallel across workers, not inside one.
    Applies to the thread-pool libraries loaded so far: call it once the models are loaded."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _json(obj: Any) -> Any:
    """A ready JSON response: BentoML would validate the output against the return annotation,
    dump it to Python objects and only then to JSON (~10% of a 1,000-sentence request)."""
    from starlette.responses import Response

    return Response(json.dumps(obj).encode(), media_type="application/json")


def _client_error(exc: Exception, status: int = 400) -> Exception:
    msg = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    msg = (msg or type(exc).__name__)[:2000]
    return UnprocessableEntity(msg) if status == 422 else InvalidArgument(msg)


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
    # the analysis budget stops work first (NEWSCLF_TIME_BUDGET); this only bounds what is left
    traffic={"timeout": max(120, _float_env("NEWSCLF_TIME_BUDGET", TIME_BUDGET) * 3)},
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
        bento_internals.silence_per_request_warnings()
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
            limits=WorkLimits(sentences=MAX_SENTENCES, pairs=MAX_PAIRS),
        )
        self._boilerplate_batcher = Batcher(
            functools.partial(predict, self.boilerplate_model.model, "boilerplate")
        )
        self._stance_batcher = Batcher(functools.partial(predict, self.stance_model.model, "stance"))
        # after loading: threadpoolctl limits only the libraries loaded so far, and the models load
        # OpenMP; before the warm-up, so that no OpenMP thread team exists when the analysis
        # processes fork (see newsclf.serving.workers)
        limit_threads()
        self._warm_up()
        # The models are long-lived: keep the garbage collector from re-scanning them (a full
        # collection over a large TF-IDF vocabulary stalls every request for hundreds of ms);
        # frozen before the analysis processes fork, so that they share them copy-on-write.
        gc.collect()
        gc.freeze()
        n_analysis = _analysis_workers()
        self.pool: AnalysisPool | None = None
        if n_analysis:
            self.pool = AnalysisPool(
                {"analyze": self._analyze, "extract": self._extract}, size=n_analysis,
                time_budget=_float_env("NEWSCLF_TIME_BUDGET", TIME_BUDGET),
                memory_budget=_int_env("NEWSCLF_MEMORY_BUDGET_MB", MEMORY_BUDGET_MB) * 2**20,
                classify=_status,
            )
            self.pool.start()
        log.info(
            "newsclf analysis: %s", f"{n_analysis} worker processes, budget "
            f"{self.pool.time_budget:g} s and {self.pool.memory_budget // 2**20} MB per request"
            if self.pool else "in threads (NEWSCLF_ANALYSIS_WORKERS=0: no time or memory budget)",
        )
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

    def _warm_up(self) -> None:
        """One small analysis and extraction: lazy imports and caches are ready before the
        analysis processes fork (so they share them, and the first request is not slow)."""
        text = ('Taliban forces entered the valley on Monday. "We will fight on," Ahmad Massoud '
                "said. Sign up for our newsletter.")
        self._analyze(text=text)
        self._extract(html=f"<html><body><nav>Home</nav><p>{text}</p></body></html>")

    def _analyze(self, text: str | None = None, html: str | None = None,
                 targets: list[str] | None = None) -> dict[str, Any]:
        if html is not None:
            return self.analyzer.html(html, id="page", targets=targets)
        from newsclf.data.readers import article_from_text

        return self.analyzer.article(article_from_text(text or "", id="article"), targets)

    def _extract(self, html: str, comments: bool = False) -> dict[str, str]:
        from newsclf.data.html import read_html

        return {"text": self.analyzer.extract(read_html(html, id="page"), comments=comments)}

    async def _run(self, method: str, path: str, **kwargs: Any) -> Any:
        """Run an analysis in the pool (or, without one, in a thread) and answer its JSON."""
        if self.pool is None:
            import anyio.to_thread

            fn = getattr(self, f"_{method}")
            try:
                return _json(await anyio.to_thread.run_sync(functools.partial(fn, **kwargs)))
            except (NewsclfError, ValueError) as exc:
                raise _client_error(exc, _status(exc) or 400) from None
        from starlette.responses import Response

        try:
            data = await self.pool.run(Job(method, kwargs), cancelled=client_gone())
        except BudgetExceeded as exc:
            raise UnprocessableEntity(f"{path}: {exc}; send a smaller input") from None
        except ClientError as exc:
            raise _client_error(exc, exc.status) from None
        except asyncio.CancelledError:
            log.info("aborted POST %s: the client went away; its analysis was stopped", path)
            return Response(status_code=499)
        except ChildFailed as exc:
            if str(exc).startswith("busy"):
                raise ServiceUnavailable(str(exc)) from None
            log.error("POST %s: 500 analysis failed: %s", path, exc)
            return Response(json.dumps({"error": "analysis failed; see the server log"}).encode(),
                            status_code=500, media_type="application/json")
        return Response(data, media_type="application/json")

    @bentoml.api(input_spec=AnalyzeRequest)
    async def analyze(
        self, text: str | None = None, html: str | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        """Analyse one article (``text`` or ``html``): sentence labels, quotes and their stance."""
        return await self._run("analyze", "/analyze", text=text, html=html, targets=targets)

    @bentoml.api(input_spec=ExtractRequest)
    async def extract(self, html: str, comments: bool = False) -> dict[str, str]:
        """Main text of an HTML page, by the boilerplate model (reader comments left out unless
        ``comments``)."""
        return await self._run("extract", "/extract", html=html, comments=comments)

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
bento_internals.silence_per_request_warnings()
bento_internals.install_connection_timeouts()
