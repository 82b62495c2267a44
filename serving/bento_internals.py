"""Every use of a private BentoML API, in one place, behind one switch.

BentoML 1.4 has no public API for what these helpers do; each one names the private object it
uses, so that an upgrade that moves it fails here, loudly (``tests/serving/test_bento_internals.py``
checks every one against the installed BentoML), and not somewhere inside the service.

``NEWSCLF_BENTOML_INTERNALS`` (default ``1``) is the switch: set it to ``0`` to run without them.
Then the service skips its per-request fast path (:func:`tune_api_methods`; same behaviour,
slower), the home folder is read from ``BENTOML_HOME`` only, and a model store other than
BentoML's own (``store=`` in :func:`newsclf.serving.promote.promote`, used by tests) is refused
with an error that says so. Nothing is swallowed: with the switch on, a broken private API raises.

=========================================================  =========================================
private API                                                used for
=========================================================  =========================================
``bentoml._internal.models.ModelStore``                    a model store in another folder
``bentoml.models.create/get(..., _model_store=...)``       saving to / reading from that store
``bentoml._internal.configuration.containers.BentoMLContainer.bentoml_home``  where the store is
``_bentoml_sdk.method.APIMethod._local_call``, ``.output_spec``  the service's per-request fast path
logger names ``bentoml._internal.server.http_app``,
``_bentoml_impl.server.app``                               dropping tracebacks of client errors
module ``_bentoml_impl.server.app`` (warning filter)       its per-request ``model_fields`` access on
                                                           an instance (pydantic 2.11 deprecation)
``uvicorn.config.HTTP_PROTOCOLS["auto"]`` (uvicorn's)      the header timeout
                                                           (:mod:`newsclf.serving.connections`)
=========================================================  =========================================
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from newsclf.errors import NewsclfError

__all__ = [
    "ENV_SWITCH",
    "REQUEST_ERROR_LOGGERS",
    "bentoml_home",
    "enabled",
    "install_connection_timeouts",
    "silence_per_request_warnings",
    "store_kwargs",
    "tune_api_methods",
]

ENV_SWITCH = "NEWSCLF_BENTOML_INTERNALS"
"""``0`` turns every private BentoML API off (default on)."""

REQUEST_ERROR_LOGGERS = ("bentoml._internal.server.http_app", "_bentoml_impl.server.app", "bentoml.serve")
"""Loggers BentoML logs request errors to (their names are private module paths)."""


def enabled() -> bool:
    """Whether the private BentoML APIs are used (``NEWSCLF_BENTOML_INTERNALS``, default on)."""
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


def _model_store(store: str | os.PathLike[str]) -> Any:
    from bentoml._internal.models import ModelStore

    Path(store).mkdir(parents=True, exist_ok=True)
    return ModelStore(str(store))


def store_kwargs(store: str | os.PathLike[str] | None) -> dict[str, Any]:
    """Keyword arguments for ``bentoml.models.create/get`` that select the model store at
    ``store`` ({} for BentoML's own store, ``$BENTOML_HOME/models``).

    Raises
    ------
    NewsclfError
        When ``store`` is given and the switch is off.
    """
    if store is None:
        return {}
    if not enabled():
        raise NewsclfError(
            f"a model store other than BentoML's own ({store}) needs BentoML's private API; "
            f"unset {ENV_SWITCH}=0 or set BENTOML_HOME instead"
        )
    return {"_model_store": _model_store(store)}


def bentoml_home() -> Path:
    """BentoML's home folder (its model store is ``<home>/models``)."""
    if enabled():
        from bentoml._internal.configuration.containers import BentoMLContainer

        return Path(str(BentoMLContainer.bentoml_home.get()))
    return Path(os.environ.get("BENTOML_HOME", "~/bentoml")).expanduser()


def tune_api_methods(service: Any) -> bool:
    """Trim BentoML's per-request overhead of ``service``'s endpoints (same behaviour, less work);
    returns whether it was applied (False when the switch is off).

    - The output media type is fixed (``application/json``); otherwise BentoML derives it from the
      output model's JSON schema on every response.
    - The bound local caller of each API method is built once per service instance; BentoML
      rebuilds it (``inspect.signature`` + ``functools.wraps``) on every request.
    """
    if not enabled():
        return False
    from _bentoml_sdk.method import APIMethod

    class _CachedAPIMethod(APIMethod):
        __slots__ = ()

        def _local_call(self, instance: Any) -> Any:
            cache = instance.__dict__.setdefault("_newsclf_local_calls", {})
            func = cache.get(self.name)
            if func is None:
                func = cache[self.name] = super()._local_call(instance)
            return func

    for method in service.apis.values():
        if method.output_spec.media_type is None:
            method.output_spec.media_type = "application/json"
        method.__class__ = _CachedAPIMethod
    return True


def silence_per_request_warnings() -> None:
    """Drop the ``PydanticDeprecatedSince211`` warning BentoML's request handler triggers on every
    request (``input_data.model_fields`` on an instance, in ``_bentoml_impl/server/app.py``).

    Python shows a warning once per place, but every ``warnings.catch_warnings()`` (scikit-learn
    uses them, in other threads too) resets that memory or swaps the filters for a while, so under
    load it was printed again and again (13.8 MB in a 10-minute soak). A filter alone is not
    enough (another thread's ``catch_warnings`` replaces the filter list for its duration), so
    ``warnings.showwarning`` (a documented hook) is wrapped too: only that warning from that file
    is dropped. Idempotent; applies whether the switch is on or off.
    """
    import warnings

    from pydantic.warnings import PydanticDeprecatedSince211

    warnings.filterwarnings("ignore", category=PydanticDeprecatedSince211, module=r"_bentoml_impl\.server\.app")
    shown = warnings.showwarning
    if getattr(shown, "_newsclf", False):
        return
    origin = os.path.join("_bentoml_impl", "server", "app.py")

    def showwarning(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001, ANN202
        if issubclass(category, PydanticDeprecatedSince211) and str(filename).endswith(origin):
            return
        shown(message, category, filename, lineno, file, line)

    showwarning._newsclf = True  # type: ignore[attr-defined]
    warnings.showwarning = showwarning


def install_connection_timeouts() -> bool:
    """Make :class:`newsclf.serving.connections.TimedHttpToolsProtocol` uvicorn's ``auto`` HTTP
    protocol (BentoML starts uvicorn with the default, ``http="auto"``); returns whether it was
    installed (False when the switch is off: no header timeout then)."""
    if not enabled():
        return False
    import uvicorn.config

    uvicorn.config.HTTP_PROTOCOLS["auto"] = "newsclf.serving.connections:TimedHttpToolsProtocol"
    return True
