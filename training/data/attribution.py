"""Attribution as a ranking: candidate speakers of a quote, their features, and the trained ranker.

For every quote, the candidates are the mentions (:mod:`newsclf.data.mentions`: names, actors,
descriptions, pronouns) outside quotes from two paragraphs before the quote's paragraph to the
paragraph after it (at most :data:`MAX_BEFORE` before and :data:`MAX_AFTER` after the quote,
nearest first). Each (quote, candidate) pair becomes one row of the ``attribution`` task
(:data:`newsclf.tasks.TASKS`):

``text``       the words linking them, ``CC`` for the candidate and ``QQ`` for the quote
               (``QQ , said Taliban spokesman CC``), at most six words from each end
``candidate``  the mention as written
``kind``       ``name``, ``group``, ``nominal`` or ``pronoun``
``signals``    space-separated structural features: direction, paragraph and sentence distance,
               rank among candidates, the reporting verb between them and where it sits, the
               mention's own verb and title, the paragraph's shape ("X said:" before, transcript
               label, trailing "― Name"), whether the rules pick the same speaker for this quote or
               the previous one, how often the article has named the person so far; crossed with
               the kind and direction
``distance``   log1p of the characters between them
``query``      the quote's id (rows of one query are ranked together), ``group`` the article

A fitted model (``newsclf train configs/attribution/default.yaml``) scores every row; the quote's
speaker is its best candidate (:func:`rank_speakers`). A pronoun or description resolves to the
nearest compatible named mention before it, and names to the fullest form the article gives
("Zabihullah Mujahid"). Without a model the rules (:func:`newsclf.data.quotes.attribute_sites`)
attribute quotes; their choice is also one of the model's features.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import re
from collections.abc import Sequence
from typing import Any

from newsclf.data.actors import Actors
from newsclf.data.mentions import _SPEECH_CS as _SPEECH
from newsclf.data.mentions import (
    Mention,
    MentionContext,
    MentionIndex,
    find_mentions,
    mention_context,
)
from newsclf.data.speakers import (
    _DASH_NAME,
    _PRONOUNS,
    Speaker,
    SpeakerResolver,
    _resolve,
    transcript_speaker,
)
from newsclf.data.textindex import QuoteSite, TextIndex

__all__ = [
    "MAX_AFTER",
    "MAX_BEFORE",
    "ArticleCandidates",
    "candidate_rows",
    "load_attribution",
    "rank_speakers",
    "resolve_attribution",
    "speaker_of_mention",
]

MAX_BEFORE = 10
"""Candidates kept before a quote (nearest first)."""
MAX_AFTER = 3
"""Candidates kept after a quote (nearest first)."""
WINDOW = 2
"""Paragraphs before the quote's paragraph searched for candidates (one after it)."""

_LINK_WORDS = 6
_GAP_CLIP = 80
_WORD = re.compile(r"[\w’'-]+")
_MARK = re.compile(r"''|[“”„«»\"]")


def _bin(n: int, edges: Sequence[int]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def _lemma(verb: str) -> str:
    v = verb.lower()
    if v.startswith("according"):
        return "according"
    for suffix in ("ing", "ed", "es", "s"):
        if v.endswith(suffix) and len(v) - len(suffix) >= 3:
            return v[: -len(suffix)]
    return v


_PUNCT_WORD = {",": "COMMA", ":": "COLON", ";": "SEMI", ".": "STOP", "!": "STOP", "?": "STOP",
               "—": "DASH", "–": "DASH", "―": "DASH", "-": "DASH"}


def _link_text(gap: str, before: bool) -> str:
    words = [_PUNCT_WORD.get(w, w) for w in re.findall(r"[\w’']+(?:-[\w’']+)*|[,:;.!?—–―-]", gap)]
    if len(words) > 2 * _LINK_WORDS:
        words = words[:_LINK_WORDS] + ["GAP"] + words[-_LINK_WORDS:]
    middle = " ".join(words)
    return f"CC {middle} QQ" if before else f"QQ {middle} CC"


class ArticleCandidates:
    """Everything the candidate features of one article need, built once (O(n log n)).

    Parameters
    ----------
    text : str
    index : TextIndex
    sites : list of QuoteSite
    resolver : SpeakerResolver
    actors : Actors or None
    rules : list of Speaker or None
        The rules' speaker of each site.
    """

    def __init__(
        self,
        text: str,
        index: TextIndex,
        sites: Sequence[QuoteSite],
        resolver: SpeakerResolver,
        actors: Actors | None,
        rules: Sequence[Speaker | None],
    ) -> None:
        self.text = text
        self.index = index
        self.sites = sites
        self.resolver = resolver
        self.actors = actors
        self.rules = rules
        self.mentions = MentionIndex(find_mentions(text, index, actors))
        # offsets for O(log n) questions about the text between a candidate and its quote
        self._word_starts = [m.start() for m in _WORD.finditer(text)]
        self._verbs = [(m.start(), _lemma(m.group())) for m in _SPEECH.finditer(text)]
        self._verb_starts = [v[0] for v in self._verbs]
        self._marks = [m.start() for m in _MARK.finditer(text)]
        self._salience: dict[int, int] = {}
        counts: dict[str, int] = {}
        for m in self.mentions.mentions:
            if m.kind in ("name", "group"):
                self._salience[m.start] = counts.get(m.head, 0)
                counts[m.head] = counts.get(m.head, 0) + 1
        self._speakers: dict[tuple[int, int], Speaker | None] = {}
        self._contexts: dict[tuple[int, int], MentionContext] = {}

    # ------------------------------------------------------------------ candidates

    def candidates(self, k: int) -> list[Mention]:
        """The candidate mentions of site ``k``: nearest first on each side, in text order."""
        site = self.sites[k]
        paras = self.index.paragraphs
        p0 = max(0, site.para - WINDOW)
        p1 = min(len(paras) - 1, site.para + 1)
        lo, hi = paras[p0][0], paras[p1][1]
        starts = self.mentions.starts
        j = bisect.bisect_left(starts, site.open)
        i = max(bisect.bisect_left(starts, lo), j - MAX_BEFORE)
        before = [m for m in self.mentions.mentions[i:j] if m.end <= site.open]
        after = self.mentions.between(site.close + site.close_len, hi, MAX_AFTER)
        return before + after

    # ------------------------------------------------------------------ features

    def speaker_of(self, m: Mention) -> Speaker | None:
        """The speaker a mention stands for (see :func:`speaker_of_mention`), cached."""
        key = (m.start, m.end)
        if key not in self._speakers:
            self._speakers[key] = speaker_of_mention(m, self.resolver, self.actors, [])
        return self._speakers[key]

    def context(self, m: Mention) -> MentionContext:
        """The :class:`~newsclf.data.mentions.MentionContext` of ``m``, cached."""
        key = (m.start, m.end)
        ctx = self._contexts.get(key)
        if ctx is None:
            ctx = self._contexts[key] = mention_context(self.text, m)
        return ctx

    def _n_words(self, a: int, b: int) -> int:
        return bisect.bisect_left(self._word_starts, b) - bisect.bisect_left(self._word_starts, a)

    def _verb_in(self, a: int, b: int, last: bool) -> str:
        i = bisect.bisect_left(self._verb_starts, a)
        j = bisect.bisect_left(self._verb_starts, b)
        if i >= j:
            return "none"
        return self._verbs[j - 1 if last else i][1]

    def _mark_in(self, a: int, b: int) -> bool:
        i = bisect.bisect_left(self._marks, a)
        return i < len(self._marks) and self._marks[i] < b

    def rows(self, k: int) -> tuple[list[Mention], list[dict[str, Any]]]:
        """``(candidates, rows)`` of site ``k`` (module docstring); rows lack ``query``/``group``."""
        text, index, site = self.text, self.index, self.sites[k]
        cands = self.candidates(k)
        if not cands:
            return [], []
        rule = self.rules[k]
        prev_rule = self.rules[k - 1] if k > 0 else None
        prev_gap = site.para - self.sites[k - 1].para if k > 0 else 99
        para_start, para_end = index.paragraphs[site.para]
        q_end = site.close + site.close_len
        qsp = int(self._n_words(para_start, site.open) == 0)
        qep = int(self._n_words(q_end, para_end) == 0)
        si_open = index.sentence_at(site.open)
        si_close = index.sentence_at(max(site.open, site.close - 1))
        label = transcript_speaker(text, para_start, site.open)
        dash = _DASH_NAME.match(text, q_end, min(para_end, q_end + 80))
        ppc = False
        if site.para > 0 and qsp:
            pe = index.paragraphs[site.para - 1][1]
            ppc = text[pe - 1 : pe] == ":"
        quote_feats = (
            f"qsp={qsp} qep={qep} frag={int(site.fragment)} cont={int(site.continues)} "
            f"prevgap={_bin(prev_gap, (0, 1, 2))} rule={'none' if rule is None else rule.kind}"
        )
        n_before = sum(1 for m in cands if m.end <= site.open)
        kind_rank: dict[tuple[str, str], int] = {}
        rows = []
        for ci, m in enumerate(cands):
            before = m.end <= site.open
            d = "B" if before else "A"
            rank = (n_before - ci) if before else (ci - n_before + 1)
            kr = kind_rank.get((d, m.kind), 0) + 1
            kind_rank[(d, m.kind)] = kr
            a, b = (m.end, site.open) if before else (q_end, m.start)
            s_rel = index.sentence_at(m.start) - (si_open if before else si_close)
            p_rel = index.para_at(m.start) - site.para
            n_gap = self._n_words(a, b)
            verb = self._verb_in(a, b, last=before)
            edge = text[max(a, b - 3) : b].rstrip() if before else text[a : a + 3].lstrip()
            punct_q = (edge[-1:] if before else edge[:1]) or "_"
            if punct_q.isalnum():
                punct_q = "w"
            mc = self.context(m)
            ent = self.speaker_of(m)
            rule_agree = int(rule is not None and ent is not None and ent.name == rule.name)
            prev_agree = int(prev_rule is not None and ent is not None and ent.name == prev_rule.name)
            sal = self._salience.get(m.start, -1) if m.kind in ("name", "group") else -1
            head = m.head if m.kind in ("pronoun", "nominal") else m.kind
            kd = m.kind + d
            sb = max(-2, min(2, s_rel))
            gw = _bin(n_gap, (0, 1, 2, 3, 5, 8, 12, 20))
            va, vb = int(mc.verb_after), int(mc.verb_before)
            in_label = int(label is not None and label[0] <= m.start < label[1])
            in_dash = int(dash is not None and dash.start("name") <= m.start < dash.end("name"))
            sig = (
                f"k={m.kind} d={d} p={p_rel} s={max(-3, min(3, s_rel))} r={min(rank, 6)} "
                f"kr={min(kr, 4)} gw={gw} v={verb} pq={punct_q} h={head} va={va} vb={vb} "
                f"ti={int(bool(mc.title))} gq={int(self._mark_in(a, b))} gs={int(s_rel != 0)} "
                f"ra={rule_agree} pa={prev_agree} sal={_bin(sal, (-1, 0, 1, 3))} "
                f"res={int(ent is not None)} nt={min(3, m.text.count(' ') + 1)} lab={in_label} "
                f"dash={in_dash} ppc={int(ppc and p_rel == -1)} pv={mc.prev} nx={mc.next} "
                f"ap={int(mc.appositive)} {quote_feats} "
                f"x:kd={kd} x:kds={kd}{sb} x:kdr={kd}{min(rank, 4)} x:kdv={kd}{verb} "
                f"x:kdva={kd}{va}{vb} x:kdg={kd}{_bin(n_gap, (0, 2, 5, 12))} x:kdra={kd}{rule_agree} "
                f"x:kdpa={kd}{prev_agree}{_bin(prev_gap, (0, 1))} x:hd={head}{d} "
                f"x:kdq={kd}{qsp}{qep} x:kdpq={kd}{punct_q} x:vva={verb}{va}{d} "
                f"x:kdpv={kd}{mc.prev} x:kdnx={kd}{mc.next} x:kdpn={kd}{mc.prev}{mc.next} "
                f"x:kdap={kd}{int(mc.appositive)}"
            )
            gap = text[a:b] if b - a <= 2 * _GAP_CLIP else text[a : a + _GAP_CLIP] + " … " + text[b - _GAP_CLIP : b]
            rows.append({
                "text": _link_text(gap, before),
                "candidate": m.text,
                "kind": m.kind,
                "signals": sig,
                "distance": math.log1p(b - a),
            })
        return cands, rows


def speaker_of_mention(
    m: Mention, resolver: SpeakerResolver, actors: Actors | None, dynamic: list[tuple[int, Speaker]]
) -> Speaker | None:
    """The speaker a mention stands for: a name's fullest form (with its side), an actor, or for a
    pronoun or description the nearest compatible named mention before it."""
    if m.kind in ("name", "group"):
        ent = resolver.entity_for_name(m.text, pos=m.start)
        if ent is not None:
            return ent
        words = m.text.split()
        if m.kind == "name" and words:
            name = " ".join(w.capitalize() if w.isupper() and len(w) > 2 else w for w in words)
            side = actors.side_of(name) if actors is not None else None
            return Speaker(name, "person", side)
        return None
    if m.kind == "pronoun":
        return resolver.recent(m.start, _PRONOUNS.get(m.head, "person"), dynamic)
    text = resolver.text
    tail = _PP_TAIL.match(text, m.end, min(len(text), m.end + 80))
    # "A UN spokesman, Stephane Dujarric, said", "A resident of Kabul, Mohammad Rahim, told":
    # the name in apposition is the speaker
    after = tail.end() if tail is not None else m.end
    app = _APPOSED_NAME.match(text, after, min(len(text), after + 80))
    if app is not None:
        ent = resolver.entity_for_name(app.group("name"), pos=app.start("name"))
        if ent is not None:
            return ent
    # "an analyst at a Kabul think tank": the description with its prepositional tail
    phrase = m.text
    if tail is not None and phrase.split()[0].lower() in ("a", "an", "one", "another"):
        phrase = phrase + tail.group()
    return _resolve("description", phrase, "", m.start, resolver, actors, dynamic)


_APPOSED_NAME = re.compile(
    r",\s+(?P<name>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})(?=\s*,|\s+(?:said|told|says)\b)"
)
_PP_TAIL = re.compile(r"\s+(?:at|of|for|in|from|with|on)\s+[^,;:.“”\"\n]{1,60}?(?=,|\s+(?:said|told|says)\b)")


# ----------------------------------------------------------------------------- training rows


def candidate_rows(
    text: str,
    article_id: str,
    gold: Sequence[Any],
    actors: Actors | None,
    window: int = WINDOW,
    mixed: Sequence[Any] = (),
) -> list[dict[str, Any]]:
    """Labelled rows for the gold quotes of one article (the PolNeAR importer's rows).

    Every gold direct quote (``start``, ``end``, ``head`` = the source head's span) is matched to a
    quote the finder sees in ``text`` (span overlap, as the quote scorer matches); a ``mixed`` piece
    (indirect speech with a quoted phrase) to the finder's quotes lying inside it. The candidates of
    a matched quote get label ``speaker`` when they cover the last character of the gold head word,
    ``other`` otherwise. Quotes the finder does not see, and those without a source, give no rows;
    quotes whose source is not among the candidates give rows that are all ``other`` (they count as
    errors when scored). Bookkeeping columns: ``query``, ``gold_kind`` (name/pronoun/nominal),
    ``quote_type`` (direct/mixed), ``quote_start``/``quote_end``.
    """
    from newsclf.data.quotes import attribute_sites, find_quote_sites
    from newsclf.data.readers import article_from_text
    from newsclf.data.segment import split_sentences
    from newsclf.data.textindex import quote_paragraphs
    from newsclf.evaluation.quotes import match_spans, trim_span

    if window != WINDOW:
        raise ValueError(f"window must be {WINDOW} (the ranker's window); got {window}")
    article = article_from_text(text, article_id)
    sentences = split_sentences(text, article.blocks)
    index = TextIndex(text, quote_paragraphs(article), sentences)
    sites = find_quote_sites(article, index, [])
    if not sites:
        return []
    resolver = SpeakerResolver(text, actors, index)
    rules = attribute_sites(text, sites, index, resolver, actors)
    ctx = ArticleCandidates(text, index, sites, resolver, actors, rules)
    spans = [trim_span(text, s.start, s.end) for s in sites]
    gold = [g for g in gold if g.head is not None]
    targets: dict[int, tuple[Any, str]] = {
        k: (gold[j], "direct")
        for k, j in match_spans(spans, [trim_span(text, g.start, g.end) for g in gold])
    }
    for g in mixed:
        if g.head is None:
            continue
        for k, (a, b) in enumerate(spans):
            if k not in targets and b > a and g.start <= a and b <= g.end:
                targets[k] = (g, "mixed")
    out: list[dict[str, Any]] = []
    for k in sorted(targets):
        g, quote_type = targets[k]
        cands, rows = ctx.rows(k)
        target = g.head[1] - 1
        for m, row in zip(cands, rows, strict=True):
            row.update(
                query=f"{article_id}#{k}",
                label="speaker" if m.start <= target < m.end else "other",
                gold_kind=g.kind,
                quote_type=quote_type,
                quote_start=sites[k].start,
                quote_end=sites[k].end,
            )
            out.append(row)
    return out


# ----------------------------------------------------------------------------- inference


def rank_speakers(
    text: str,
    sites: Sequence[QuoteSite],
    index: TextIndex,
    resolver: SpeakerResolver,
    actors: Actors | None,
    rules: Sequence[Speaker | None],
    model: Any,
) -> list[Speaker | None]:
    """The speaker of every site by the attribution ``model`` (its best candidate per quote).

    Sites without candidates keep the rules' speaker. One ``predict_proba`` call per article.
    """
    import pandas as pd

    from newsclf.pipeline.predict import predict_frame
    from newsclf.tasks import get_task

    task = get_task("attribution")
    ctx = ArticleCandidates(text, index, sites, resolver, actors, rules)
    per_site: list[list[Mention]] = []
    records: list[dict[str, Any]] = []
    for k in range(len(sites)):
        cands, rows = ctx.rows(k)
        per_site.append(cands)
        for row in rows:
            row["query"] = str(k)
            records.append(row)
    if not records:
        return list(rules)
    # the rows are built here with the task's exact columns and types: no per-record checks
    frame = pd.DataFrame({c: [r.get(c, d) for r in records] for c, d in task.inputs.items()})
    _, scores = predict_frame(model, frame, task.labels)
    col = task.labels.index("speaker")
    out: list[Speaker | None] = []
    dynamic: list[tuple[int, Speaker]] = []
    pos = 0
    for k, cands in enumerate(per_site):
        if not cands or sites[k].label is not None:  # a transcript label names the speaker
            pos += len(cands)
            ent = rules[k]
        else:
            best = max(range(len(cands)), key=lambda i: scores[pos + i, col])
            pos += len(cands)
            ent = speaker_of_mention(cands[best], resolver, actors, dynamic)
            if ent is None:
                ent = rules[k]
        out.append(ent)
        if ent is not None:
            dynamic.append((sites[k].start, dataclasses.replace(ent, subject=True)))
    return out


ENV_RUN = "NEWSCLF_ATTRIBUTION_RUN"
"""Environment variable naming an attribution run to use when no ``--attribution`` is given."""
STORE_TAG = "newsclf-attribution:latest"
"""The promoted attribution model in the BentoML model store."""


def resolve_attribution(ref: str | None = None) -> Any:
    """The attribution model to use, or None for the rules.

    ``ref`` names a run (folder or run id); ``"rules"`` means no model. Without ``ref``:
    ``$NEWSCLF_ATTRIBUTION_RUN`` when set, else the promoted model (``$NEWSCLF_ATTRIBUTION_MODEL``,
    default ``newsclf-attribution:latest``, in the BentoML store) when there is one, else None.
    """
    import os
    from pathlib import Path

    if ref == "rules":
        return None
    if ref:
        return load_attribution(ref)
    env = os.environ.get(ENV_RUN)
    if env:
        return load_attribution(env)
    tag = os.environ.get("NEWSCLF_ATTRIBUTION_MODEL") or STORE_TAG
    home = Path(os.environ.get("BENTOML_HOME") or Path.home() / "bentoml")
    if not (home / "models" / tag.split(":")[0]).is_dir():  # no store entry: no need for bentoml
        return None
    from newsclf.serving.models import load_stored

    return load_stored(tag).model


def load_attribution(ref: str) -> Any:
    """The fitted model of attribution run ``ref`` (a run folder or run id; hashes checked first).

    Raises
    ------
    InputError
        When the run is not an ``attribution`` run.
    """
    from newsclf.errors import InputError
    from newsclf.pipeline.runs import load_run

    run = load_run(ref)
    if run.task != "attribution":
        raise InputError(f"run {ref!r} is a {run.task!r} model; --attribution needs an attribution run")
    return run.model
