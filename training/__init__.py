"""newsclf: news articles -> labelled datasets -> trained, evaluated, compared, served classifiers.

The public API (imported lazily, so that ``import newsclf`` and ``newsclf --help`` stay fast):

>>> import newsclf                                                    # doctest: +SKIP
>>> built = newsclf.build_dataset("newsclf:configs/data/seed.yaml")   # data/seed/<task>/
>>> run_dir = newsclf.train("newsclf:configs/quickstart/stance-logreg.yaml")
>>> run = newsclf.load_run(run_dir)                                   # verified, trusted types only
>>> newsclf.predict(run.model, run.task, [{"text": "We will fight on", "target": "taliban"}])
>>> newsclf.analyze("article.txt", boilerplate="models/<run>", stance="models/<run>")
>>> newsclf.compare_runs([run_a, run_b])

Subpackages: :mod:`newsclf.data` (reading, sentences, quotes, labels, datasets),
:mod:`newsclf.pipeline` (configs, registries, training, runs), :mod:`newsclf.evaluation`,
:mod:`newsclf.comparison`, :mod:`newsclf.analysis` (the inference facade) and
:mod:`newsclf.serving` (the BentoML service).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

# public name -> (module, attribute)
_API = {
    "Analyzer": ("newsclf.analysis", "Analyzer"),
    "analyze": ("newsclf.analysis", "analyze"),
    "build_dataset": ("newsclf.data.build", "build_dataset"),
    "compare_runs": ("newsclf.comparison.compare", "compare_runs"),
    "convert_run": ("newsclf.pipeline.runs", "convert_run"),
    "evaluate_run": ("newsclf.pipeline.evaluate", "evaluate_run"),
    "init_project": ("newsclf.project", "init_project"),
    "load_actors": ("newsclf.data.actors", "load_actors"),
    "load_config": ("newsclf.pipeline.config", "load_config"),
    "load_run": ("newsclf.pipeline.runs", "load_run"),
    "predict": ("newsclf.pipeline.predict", "predict_records"),
    "process_article": ("newsclf.data.document", "process_article"),
    "promote": ("newsclf.serving.promote", "promote"),
    "read_articles": ("newsclf.data.readers", "read_articles"),
    "train": ("newsclf.pipeline.train", "train"),
}

__all__ = [
    "Analyzer",
    "__version__",
    "analyze",
    "build_dataset",
    "compare_runs",
    "convert_run",
    "evaluate_run",
    "init_project",
    "load_actors",
    "load_config",
    "load_run",
    "predict",
    "process_article",
    "promote",
    "read_articles",
    "train",
]

if TYPE_CHECKING:
    from newsclf.analysis import Analyzer, analyze
    from newsclf.comparison.compare import compare_runs
    from newsclf.data.actors import load_actors
    from newsclf.data.build import build_dataset
    from newsclf.data.document import process_article
    from newsclf.data.readers import read_articles
    from newsclf.pipeline.config import load_config
    from newsclf.pipeline.evaluate import evaluate_run
    from newsclf.pipeline.predict import predict_records as predict
    from newsclf.pipeline.runs import convert_run, load_run
    from newsclf.pipeline.train import train
    from newsclf.project import init_project
    from newsclf.serving.promote import promote


def __getattr__(name: str) -> Any:
    try:
        module, attr = _API[name]
    except KeyError:
        raise AttributeError(f"module 'newsclf' has no attribute {name!r}") from None
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
