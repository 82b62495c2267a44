"""The baseline of ``bench/bench_serving.py``: a minimal BentoML service serving the same model.

BentoML's defaults throughout (one worker, one thread, access log on, pydantic input from the
signature) and the same prediction function as the real service, so the benchmark's ratio
measures what the tuning of :mod:`newsclf.serving.service` buys. Not for production use.

The model: the run directory in ``NEWSCLF_BOILERPLATE_RUN``, else the store entry
``NEWSCLF_BOILERPLATE_MODEL`` (default ``newsclf-boilerplate:latest``).
"""

from __future__ import annotations

import os
from typing import Any

import bentoml

from newsclf.pipeline.predict import predict_records
from newsclf.pipeline.runs import load_run


@bentoml.service(name="newsclf-minimal")
class Minimal:
    """``POST /boilerplate {"sentences": [str]}`` and nothing else."""

    def __init__(self) -> None:
        path = (
            os.environ.get("NEWSCLF_BOILERPLATE_RUN")
            or bentoml.models.get(
                os.environ.get("NEWSCLF_BOILERPLATE_MODEL", "newsclf-boilerplate:latest")
            ).path
        )
        self.model = load_run(path).model

    @bentoml.api
    def boilerplate(self, sentences: list[str]) -> list[dict[str, Any]]:
        return predict_records(self.model, "boilerplate", [{"text": s} for s in sentences])
