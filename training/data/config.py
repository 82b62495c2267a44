"""The data config schema (``configs/data/*.yaml``): sources, splits, labelling; validated before
any work starts, with errors naming the file, the line, the key and the allowed keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newsclf import settings
from newsclf.configfile import allowed_keys, yaml_line
from newsclf.errors import ConfigError
from newsclf.resources import resolve_path
from newsclf.safeyaml import clip, load_mapping
from newsclf.tasks import TASKS

__all__ = [
    "SOURCE_KINDS",
    "DataConfig",
    "LabellingConfig",
    "SourceConfig",
    "SplitConfig",
    "load_data_config",
    "resolve_path",
]

SOURCE_KINDS = ("files", "rows", "aeb", "trafilatura", "newsmtsc", "dse", "polnear")
"""``files``: articles; ``rows``: labelled rows (:mod:`newsclf.data.rows`); the rest: corpus importers."""
SEED_CONFIG = "newsclf:configs/data/seed.yaml"



class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceConfig(_Strict):
    """One source: article files (``kind: files``), labelled rows (``kind: rows``) or a corpus
    importer (``kind: aeb``...)."""

    kind: str
    paths: list[str] = Field(default_factory=list)
    options: dict[str, Any] = Field(default_factory=dict)
    unit: Literal["sentence", "block"] = "sentence"
    annotations: str | None = None
    unlabelled: Literal["drop", "context"] = "drop"
    """Rows an importer leaves unlabelled (trafilatura-eval labels only the blocks holding a
    snippet): ``drop`` them, or keep them as ``context`` rows (label -1) so that context features
    see whole pages; the estimator is not fitted on them and evaluation does not score them."""
    task: str | None = None
    """The task of a ``rows`` source's rows (may be left out when the config has one task)."""
    repeat: int = Field(1, ge=0, le=1000)
    """Over-sampling: every *train* row of this source is used ``repeat`` times (validation and
    test rows once), so that a few hundred hand-labelled rows weigh in beside corpora of tens of
    thousands. The copies share their group, so CV folds keep them together. ``repeat: 0`` trains
    on none of them (a baseline evaluated on the same test rows)."""
    splits: list[str] | None = None
    """Keep only this source's rows that land in these splits (e.g. ``[train]``: a corpus used
    for training only, so that the test split holds only your own articles); default all."""

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in SOURCE_KINDS:
            raise ValueError(f"unknown source kind {v!r}; allowed: {', '.join(SOURCE_KINDS)}")
        return v

    @field_validator("splits")
    @classmethod
    def _splits(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and not v:
            raise ValueError("give at least one split name (train, validation, test...) or drop 'splits'")
        return v

    @field_validator("task")
    @classmethod
    def _task(cls, v: str | None) -> str | None:
        if v is not None and v not in TASKS:
            raise ValueError(f"unknown task {v!r}; allowed: {', '.join(TASKS)}")
        return v

    @model_validator(mode="after")
    def _shape(self) -> SourceConfig:
        if self.task is not None and self.kind != "rows":
            raise ValueError("'task' is for 'rows' sources (a source of one task's labelled rows)")
        if self.kind == "rows":
            if not self.paths:
                raise ValueError("a 'rows' source needs 'paths' (JSONL or CSV files of labelled rows)")
            extra = [k for k in ("options", "annotations") if getattr(self, k)]
            if extra or self.unit != "sentence" or self.unlabelled != "drop":
                raise ValueError(
                    "a 'rows' source takes paths, task, repeat and splits (its rows are labelled already)"
                )
        elif self.kind == "files":
            if not self.paths:
                raise ValueError("a 'files' source needs 'paths' (files or folders of articles)")
            if self.options:
                raise ValueError(
                    "'options' are for importer sources; a 'files' source takes paths, unit, annotations"
                )
            if self.unlabelled != "drop":
                raise ValueError(
                    "'unlabelled: context' is for importer sources; sentences of a 'files' source "
                    "that no labelling function labels are dropped"
                )
        elif self.paths:
            raise ValueError(
                f"an importer source ({self.kind}) reads its corpus folder; drop 'paths' or use kind: files"
            )
        return self


class SplitConfig(_Strict):
    """Split fractions (rows, by group), the grouping key and label stratification."""

    train: float = Field(0.7, ge=0, le=1)
    validation: float = Field(0.15, ge=0, le=1)
    test: float = Field(0.15, ge=0, le=1)
    group_by: Literal["article", "block"] = "article"
    stratify: bool = True

    @model_validator(mode="after")
    def _sum(self) -> SplitConfig:
        total = self.train + self.validation + self.test
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"train + validation + test must be 1.0, got {total:g}")
        return self

    def fractions(self) -> dict[str, float]:
        return {"train": self.train, "validation": self.validation, "test": self.test}


class LabellingConfig(_Strict):
    """How weak labels are combined."""

    combiner: Literal["majority", "label_model"] = "majority"


class DataConfig(_Strict):
    """A data config: see ``configs/data/seed.yaml``."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    tasks: list[str] = Field(default_factory=lambda: [t for t in TASKS if not TASKS[t].importer_only])
    seed: int = settings.DEFAULT_SEED
    sources: list[SourceConfig] = Field(min_length=1)
    split: SplitConfig = Field(default_factory=SplitConfig)
    labelling: LabellingConfig = Field(default_factory=LabellingConfig)
    actors: str | None = None

    @field_validator("tasks")
    @classmethod
    def _tasks(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError(f"at least one task is needed; allowed: {', '.join(TASKS)}")
        for t in v:
            if t not in TASKS:
                raise ValueError(f"unknown task {t!r}; allowed: {', '.join(TASKS)}")
        return list(dict.fromkeys(v))

    @model_validator(mode="after")
    def _rows_tasks(self) -> DataConfig:
        for i, src in enumerate(self.sources):
            if src.kind != "rows":
                continue
            if src.task is None:
                if len(self.tasks) != 1:
                    raise ValueError(
                        f"sources.{i}: a 'rows' source needs 'task' (one of {', '.join(self.tasks)}) "
                        "when the config has several tasks"
                    )
                src.task = self.tasks[0]
            elif src.task not in self.tasks:
                raise ValueError(
                    f"sources.{i}: task {src.task!r} is not one of the config's tasks "
                    f"({', '.join(self.tasks)}); add it to tasks"
                )
        return self


def _config_error(exc: ValidationError, where: str, tree: Any = None) -> ConfigError:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        dotted = ".".join(str(p) for p in loc) or "(top level)"
        line = yaml_line(tree, loc) if tree is not None else None
        at = f"{where}:{line}" if line else where
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(allowed_keys(DataConfig, loc))
            problems.append(f"{at}: unknown key {dotted!r}; allowed keys here: {allowed}")
        elif err["type"] == "missing":
            problems.append(f"{at}: missing required key {dotted!r}")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{at}: {dotted}: {clip(msg)}")
    return ConfigError("invalid data config:\n  " + "\n  ".join(problems))


def load_data_config(config: str | Path | dict | DataConfig) -> tuple[DataConfig, str]:
    """Validate a data config (path, dict or model); returns (config, where it came from).

    ``newsclf:configs/data/<name>.yaml`` names a shipped config; other paths are project files.
    """
    if isinstance(config, DataConfig):
        return config, "<config>"
    if isinstance(config, dict):
        try:
            return DataConfig.model_validate(config), "<config>"
        except ValidationError as exc:
            raise _config_error(exc, "<config>") from None
    path = resolve_path(config, "data config")
    if not path.is_file():
        raise ConfigError(f"{config}: not a file (a data config is a YAML file, see {SEED_CONFIG})")
    data, raw = load_mapping(path, "data config", "name, tasks, sources; see configs/data/seed.yaml")
    try:
        return DataConfig.model_validate(data), str(path)
    except ValidationError as exc:
        raise _config_error(exc, str(path), raw) from None
