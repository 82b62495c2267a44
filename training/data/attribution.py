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

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsclf.data.actors import Actors
from newsclf.data.mentions import Mention, MentionIndex, find_mentions
from newsclf.data.speakers import (
    _DASH_NAME,
    _PRONOUNS,
    _VERB_CS,
    Speaker,
    SpeakerResolver,
    _resolve,
    _words,
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
    "speaker_of_mention",
]

MAX_BEFORE = 12
"""Candidates kept before a quote (nearest first)."""
MAX_AFTER = 6
"""Candidates kept after a quote (nearest first)."""
WINDOW = 2
"""Paragraphs before the quote's paragraph searched for candidates (one after it)."""

_LINK_WORDS = 6
_GAP_CLIP = 300
_SENT_END = re.compile(r"[.!?]['\"”’)]*\s+[A-Z“\"]")
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


@dataclass
class ArticleCandidates:
    """Everything the candidate features of one article need, built once (O(n log n)).

    Attributes
    ----------
    text : str
    index : TextIndex
    sites : list of QuoteSite
    resolver : SpeakerResolver
    actors : Actors or None
    rules : list of Speaker or None
        The rules' speaker of each site.
    mentions : MentionIndex
    """

    text: str
    index: TextIndex
    sites: Sequence[QuoteSite]
    resolver: SpeakerResolver
    actors: Actors | None
    rules: Sequence[Speaker | None]
    mentions: MentionIndex

    @classmethod
    def build(
        cls,
        text: str,
        index: TextIndex,
        sites: Sequence[QuoteSite],
        resolver: SpeakerResolver,
        actors: Actors | None,
        rules: Sequence[Speaker | None],
    ) -> ArticleCandidates:
        out = cls(text, index, sites, resolver, actors, rules,
                  MentionIndex(find_mentions(text, index, actors)))
        out._salience = {}
        counts: dict[str, int] = {}
        for m in out.mentions.mentions:
            if m.kind in ("name", "group"):
                out._salience[m.start] = counts.get(m.head, 0)
                counts[m.head] = counts.get(m.head, 0) + 1
        return out

    # ------------------------------------------------------------------ candidates

    def candidates(self, k: int) -> list[Mention]:
        """The candidate mentions of site ``k``: nearest first on each side, in text order."""
        site = self.sites[k]
        paras = self.index.paragraphs
        p0 = max(0, site.para - WINDOW)
        p1 = min(len(paras) - 1, site.para + 1)
        lo, hi = paras[p0][0], paras[p1][1]
        before = [m for m in self._last(lo, site.open, MAX_BEFORE)]
        after = [m for m in self.mentions.between(site.close + site.close_len, hi)[:MAX_AFTER]]
        return before + after

    def _last(self, lo: int, hi: int, n: int) -> list[Mention]:
        import bisect

        j = bisect.bisect_left(self.mentions.starts, hi)
        i = max(bisect.bisect_left(self.mentions.starts, lo), j - n)
        return [m for m in self.mentions.mentions[i:j] if m.end <= hi]

    # ------------------------------------------------------------------ features

    def speaker_of(self, m: Mention, dynamic: list[tuple[int, Speaker]] | None = None) -> Speaker | None:
        """The speaker a mention stands for (see :func:`speaker_of_mention`)."""
        return speaker_of_mention(m, self.resolver, self.actors, dynamic or [])

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
        q_starts_para = not _words(text[para_start : site.open][-200:])
        q_ends_para = not _words(text[site.close + site.close_len : para_end][:200])
        si_open = index.sentence_at(site.open)
        si_close = index.sentence_at(max(site.open, site.close - 1))
        label = transcript_speaker(text, para_start, site.open)
        dash = _DASH_NAME.match(text, site.close + site.close_len, min(para_end, site.close + 80))
        prev_para_colon = False
        if site.para > 0 and q_starts_para:
            pe = index.paragraphs[site.para - 1][1]
            prev_para_colon = text[pe - 1 : pe] == ":"
        quote_feats = [
            f"qsp={int(q_starts_para)}", f"qep={int(q_ends_para)}", f"frag={int(site.fragment)}",
            f"cont={int(site.continues)}", f"prevgap={_bin(prev_gap, (0, 1, 2))}",
            f"rule={'none' if rule is None else rule.kind}",
        ]
        n_before = sum(1 for m in cands if m.end <= site.open)
        kind_rank: dict[tuple[str, str], int] = {}
        rows = []
        for ci, m in enumerate(cands):
            before = m.end <= site.open
            d = "B" if before else "A"
            rank = (n_before - ci) if before else (ci - n_before + 1)
            kr = kind_rank.get((d, m.kind), 0) + 1
            kind_rank[(d, m.kind)] = kr
            if before:
                gap = text[m.end : site.open]
                gap = gap if len(gap) <= 2 * _GAP_CLIP else gap[:_GAP_CLIP] + " … " + gap[-_GAP_CLIP:]
                s_rel = index.sentence_at(m.start) - si_open
            else:
                gap = text[site.close + site.close_len : m.start]
                gap = gap if len(gap) <= 2 * _GAP_CLIP else gap[:_GAP_CLIP] + " … " + gap[-_GAP_CLIP:]
                s_rel = index.sentence_at(m.start) - si_close
            p_rel = index.para_at(m.start) - site.para
            n_gap = len(_words(gap))
            verbs = list(_VERB_CS.finditer(gap))
            verb = _lemma(verbs[0].group() if not before else verbs[-1].group()) if verbs else "none"
            punct_q = (gap.rstrip()[-1:] if before else gap.lstrip()[:1]) or "_"
            if punct_q.isalnum():
                punct_q = "w"
            ent = self.speaker_of(m)
            rule_agree = rule is not None and ent is not None and ent.name == rule.name
            prev_agree = prev_rule is not None and ent is not None and ent.name == prev_rule.name
            sal = self._salience.get(m.start, -1) if m.kind in ("name", "group") else -1
            head = m.head if m.kind in ("pronoun", "nominal") else m.kind
            sig = [
                f"k={m.kind}", f"d={d}", f"p={p_rel}", f"s={max(-3, min(3, s_rel))}",
                f"r={min(rank, 6)}", f"kr={min(kr, 4)}", f"gw={_bin(n_gap, (0, 1, 2, 3, 5, 8, 12, 20))}",
                f"v={verb}", f"pq={punct_q}", f"h={head}", f"va={int(m.verb_after)}",
                f"vb={int(m.verb_before)}", f"ti={int(bool(m.title))}",
                f"gq={int(bool(_MARK.search(gap)))}", f"gs={int(bool(_SENT_END.search(gap)))}",
                f"ra={int(rule_agree)}", f"pa={int(prev_agree)}",
                f"sal={_bin(sal, (-1, 0, 1, 3))}", f"res={int(ent is not None)}",
                f"nt={min(3, len(m.text.split()))}",
                f"lab={int(label is not None and label[0] <= m.start < label[1])}",
                f"dash={int(dash is not None and dash.start('name') <= m.start < dash.end('name'))}",
                f"ppc={int(prev_para_colon and p_rel == -1)}",
                *quote_feats,
            ]
            kd = f"{m.kind}{d}"
            sig += [
                f"x:kd={kd}", f"x:kds={kd}{max(-2, min(2, s_rel))}", f"x:kdr={kd}{min(rank, 4)}",
                f"x:kdv={kd}{verb}", f"x:kdva={kd}{int(m.verb_after)}{int(m.verb_before)}",
                f"x:kdg={kd}{_bin(n_gap, (0, 2, 5, 12))}", f"x:kdra={kd}{int(rule_agree)}",
                f"x:kdpa={kd}{int(prev_agree)}{_bin(prev_gap, (0, 1))}", f"x:hd={head}{d}",
                f"x:kdq={kd}{int(q_starts_para)}{int(q_ends_para)}", f"x:kdpq={kd}{punct_q}",
                f"x:vva={verb}{int(m.verb_after)}{d}",
            ]
            rows.append({
                "text": _link_text(gap, before),
                "candidate": m.text,
                "kind": m.kind,
                "signals": " ".join(sig),
                "distance": math.log1p(len(gap)),
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
            return Speaker(name, "person", side, m.title)
        return None
    if m.kind == "pronoun":
        return resolver.recent(m.start, _PRONOUNS.get(m.head, "person"), dynamic)
    return _resolve("description", m.text, "", m.start, resolver, actors, dynamic)


# ----------------------------------------------------------------------------- training rows


def candidate_rows(
    text: str,
    article_id: str,
    gold: Sequence[Any],
    actors: Actors | None,
    window: int = WINDOW,
) -> list[dict[str, Any]]:
    """Labelled rows for the gold quotes of one article (the PolNeAR importer's rows).

    Every gold quote (``start``, ``end``, ``head`` = the source head's span) is matched to a quote
    the finder sees in ``text``; its candidates get label ``speaker`` when they cover the last
    character of the gold head word, ``other`` otherwise. Quotes the finder does not see, and those
    without a source, give no rows; quotes whose source is not among the candidates give rows that
    are all ``other`` (they count as errors when scored). Bookkeeping columns: ``query``,
    ``gold_kind`` (name/pronoun/nominal), ``quote_start``/``quote_end``.
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
    ctx = ArticleCandidates.build(text, index, sites, resolver, actors, rules)
    gold = [g for g in gold if g.head is not None]
    pairs = match_spans([trim_span(text, s.start, s.end) for s in sites],
                        [trim_span(text, g.start, g.end) for g in gold])
    out: list[dict[str, Any]] = []
    for k, j in pairs:
        g = gold[j]
        cands, rows = ctx.rows(k)
        target = g.head[1] - 1
        for m, row in zip(cands, rows, strict=True):
            row.update(
                query=f"{article_id}#{k}",
                label="speaker" if m.start <= target < m.end else "other",
                gold_kind=g.kind,
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
    from newsclf.pipeline.predict import predict_frame
    from newsclf.tasks import get_task, to_frame

    task = get_task("attribution")
    ctx = ArticleCandidates.build(text, index, sites, resolver, actors, rules)
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
    _, scores = predict_frame(model, to_frame(task, records), task.labels)
    col = task.labels.index("speaker")
    out: list[Speaker | None] = []
    dynamic: list[tuple[int, Speaker]] = []
    pos = 0
    for k, cands in enumerate(per_site):
        if not cands:
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
