"""A small corpus in PolNeAR's layout (text + brat ``.ann``), generated for tests.

Each article has a headline and paragraphs with quotes in the usual patterns ("“...,” X said.",
"X said: “...”", "“...,” said X, the ...", "“...,” he said.", a quote continued over two
paragraphs, NYT ``''`` marks), with Source/Cue/Content spans written exactly where they are, so
offsets are right by construction. Seeded: the same call gives the same corpus.
"""

from __future__ import annotations

import random
from pathlib import Path

PEOPLE = [
    ("Maria Lopez", "Lopez", "she", "a county official"),
    ("John Carter", "Carter", "he", "the campaign manager"),
    ("Ahmad Wali", "Wali", "he", "a local elder"),
    ("Sara Kim", "Kim", "she", "an economist at the institute"),
    ("David Chen", "Chen", "he", "a senator from Ohio"),
    ("Laila Noori", "Noori", "she", "a teacher in Kabul"),
]
SAYINGS = [
    "We will keep working until the job is done",
    "Nobody expected the vote to be this close",
    "The numbers tell a different story",
    "Our plan is simple and it will work",
    "This is the most important election of our lives",
    "People are tired of promises",
    "I have never seen anything like it",
    "We need answers, not slogans",
]


class _Writer:
    """Appends text and records spans."""

    def __init__(self) -> None:
        self.text = ""
        self.spans: list[tuple[str, int, int]] = []

    def add(self, s: str, kind: str | None = None) -> tuple[int, int]:
        start = len(self.text)
        self.text += s
        if kind:
            self.spans.append((kind, start, len(self.text)))
        return start, len(self.text)


def _article(rng: random.Random, n_paras: int, nyt: bool) -> tuple[str, list[dict]]:
    w = _Writer()
    w.add("Officials weigh in on the budget fight.\n\n")
    atts: list[dict] = []
    om, cm = ("''", "''") if nyt else ("“", "”")
    for _ in range(n_paras):
        full, last, pron, desc = rng.choice(PEOPLE)
        say = rng.choice(SAYINGS)
        pattern = rng.randrange(6)
        att: dict = {}
        if pattern == 0:  # “..., ” X said.
            w.add(om)
            att["content"] = w.add(say + ",")
            w.add(cm + " ")
            att["source"] = w.add(full)
            w.add(" ")
            att["cue"] = w.add("said")
            w.add(".")
        elif pattern == 1:  # X said: “...”
            att["source"] = w.add(full)
            w.add(" ")
            att["cue"] = w.add("said")
            w.add(": " + om)
            att["content"] = w.add(say + ".")
            w.add(cm)
        elif pattern == 2:  # “...,” said X, a description.
            w.add(om)
            att["content"] = w.add(say + ",")
            w.add(cm + " ")
            att["cue"] = w.add("said")
            w.add(" ")
            att["source"] = w.add(full)
            w.add(f", {desc}.")
        elif pattern == 3:  # X spoke first. “...,” he said.
            w.add(f"{full} spoke at the hearing on Tuesday. {om}")
            att["content"] = w.add(say + ",")
            w.add(cm + " ")
            att["source"] = w.add(pron)
            w.add(" ")
            att["cue"] = w.add("said")
            w.add(".")
        elif pattern == 4:  # surname after an earlier full mention
            w.add(f"{full} has followed the debate for years.\n\n{om}")
            att["content"] = w.add(say + ",")
            w.add(cm + " ")
            att["source"] = w.add(last)
            w.add(" ")
            att["cue"] = w.add("added")
            w.add(".")
        else:  # a quote over two paragraphs
            att["source"] = w.add(full)
            w.add(" ")
            att["cue"] = w.add("said")
            w.add(" on Monday.\n\n" + om)
            a = w.add(say + ".")
            w.add("\n\n" + om)
            b = w.add(rng.choice(SAYINGS) + ".")
            w.add(cm)
            att["content2"] = b
            att["content"] = a
        atts.append(att)
        w.add(rng.choice(["\n\n", "\n"]))
        w.add("The committee meets again next week.\n\n")
    return w.text, atts


def _ann(atts: list[dict], text: str) -> str:
    lines, t, e = [], 0, 0
    for att in atts:
        refs = {}
        for role, key in (("Source", "source"), ("Cue", "cue"), ("Content", "content"),
                          ("Content", "content2")):
            if key not in att:
                continue
            t += 1
            a, b = att[key]
            lines.append(f"T{t}\t{role} {a} {b}\t{text[a:b]}")
            refs["Content2" if key == "content2" else role] = f"T{t}"
        t += 1
        a, b = att["cue"]
        lines.append(f"T{t}\tAttribution {a} {b}\t{text[a:b]}")
        e += 1
        roles = " ".join(f"{k}:{v}" for k, v in refs.items())
        lines.append(f"E{e}\tAttribution:T{t} {roles}")
    return "\n".join(lines) + "\n"


def write_corpus(root: Path, n_train: int = 24, n_dev: int = 8, seed: int = 3) -> Path:
    """Write ``root/polnear/{train,dev}/{text,attributions}`` and ``metadata.tsv``; return the
    ``polnear`` folder."""
    rng = random.Random(seed)
    base = Path(root) / "polnear"
    rows = ["compartment\tfilename\tpublisher"]
    for part, n in (("train", n_train), ("dev", n_dev)):
        (base / part / "text").mkdir(parents=True, exist_ok=True)
        (base / part / "attributions").mkdir(parents=True, exist_ok=True)
        for i in range(n):
            publisher = "nyt" if i % 3 == 0 else rng.choice(["politico", "wash-post"])
            name = f"{publisher}_2016-01-{i + 1:02d}_article-{part}-{i}"
            text, atts = _article(rng, rng.randint(3, 6), nyt=publisher == "nyt")
            (base / part / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
            ann = _ann(atts, text)
            (base / part / "attributions" / f"{name}_4b22.ann").write_text(ann, encoding="utf-8")
            if i == 0:  # a second annotator: the first file in sorted order is the one read
                (base / part / "attributions" / f"{name}_ef2d.ann").write_text("", encoding="utf-8")
            rows.append(f"{part}\t{name}\t{publisher}")
    (base / "metadata.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return base


ATTRIBUTION_CONFIG = """task: attribution
data_config: polnear.yaml
seed: 13
features:
  - {{name: attribution_signals, params: {{min_df: 1}}}}
  - {{name: attribution_link, params: {{ngram_range: [1, 2], min_df: 1}}}}
model: {{name: logreg, params: {{C: {C}, max_iter: 500}}}}
"""
ATTRIBUTION_DATA = """name: polnear-mini
tasks: [attribution]
seed: 13
sources:
  - {kind: polnear, options: {validation: 0.25}}
split: {train: 0.75, validation: 0.25, test: 0.0}
"""


def train_tiny_attribution(root: Path, c_values: tuple[float, ...] = (1.0,)) -> list[Path]:
    """Generate a corpus under ``root`` and train one attribution run per C with ``newsclf train``
    (the real CLI); returns the run directories."""
    import pytest
    from typer.testing import CliRunner

    from newsclf.cli import app

    root = Path(root)
    write_corpus(root / "corpora")
    runs = []
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.setenv("NEWSCLF_CORPORA", str(root / "corpora"))
        mp.setenv("NEWSCLF_DATA", str(root / "data"))
        mp.setenv("NEWSCLF_MODELS", str(root / "models"))
        mp.delenv("NEWSCLF_ATTRIBUTION_RUN", raising=False)
        (root / "polnear.yaml").write_text(ATTRIBUTION_DATA, encoding="utf-8")
        for c in c_values:
            cfg = root / f"attr-c{c}.yaml"
            cfg.write_text(ATTRIBUTION_CONFIG.format(C=c), encoding="utf-8")
            result = CliRunner().invoke(app, ["train", str(cfg)])
            assert result.exit_code == 0, result.output
            runs.append((root / result.stdout.strip().splitlines()[-1]).resolve())
    return runs
