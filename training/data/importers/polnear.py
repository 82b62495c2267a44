"""Importer for PolNeAR (Newell et al., LREC 2018): hand-annotated attributions in US political news.

Reading (:func:`read_part`): per article ``<part>/text/<article>.txt`` and the **first**
``<part>/attributions/<article>_<annotator>.ann`` in sorted file-name order (brat standoff:
``Source``, ``Cue``, ``Content`` spans and ``E`` lines tying them into attributions); the publisher
is the file-name prefix. Offsets are ``str`` indices into the text (never the T lines' text column).

Gold direct quotes (:func:`gold_quotes`), the corpus README's rule, used for training rows and for
scoring (:mod:`newsclf.evaluation.quotes`):

1. per attribution, the fragments of its ``Content``/``Content2`` spans joined across whitespace,
   cut at newlines and trimmed ("pieces");
2. quoted regions per paragraph (line): “ opens, ” closes, a straight ``"`` (and the NYT's ``''``)
   closes an open quote or opens one; a “ glued to the word before and followed by a space closes,
   a ” after a space glued to the next word opens; an unclosed quote runs to the paragraph's end;
   single quotes do not count;
3. a piece is **direct** when every letter/digit lies inside quoted regions and it reaches the
   start or the end of its quotation; **mixed** when only part of it is quoted, **embedded** when
   it is quoted throughout but strictly inside a longer quotation, else indirect;
4. the speaker is the ``Source`` span's head phrase (:func:`source_head`): parentheticals,
   appositions and possessors dropped; it is *named* when its head word is capitalised and not a
   pronoun, title or common noun.

Rows (:func:`load`, task ``attribution``): one row per (quote, candidate speaker) pair (direct
quotes, and the quoted phrases of mixed pieces) from
:func:`newsclf.data.attribution.candidate_rows`, label ``speaker`` for the candidate that overlaps
the gold ``Source`` span, ``other`` for the rest. ``train`` gives ``train`` and a seeded, grouped
``validation`` carve; ``dev`` gives ``test`` (the corpus's test part is kept aside). Rows are grouped
by article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsclf.settings import DEFAULT_SEED

from ._stance_common import label_counts
from .base import Imported

__all__ = [
    "PARTS",
    "GoldQuote",
    "PolnearArticle",
    "PolnearAttribution",
    "gold_quotes",
    "load",
    "parse_ann",
    "quoted_regions",
    "read_part",
    "source_head",
    "source_head_span",
    "validation_articles",
]

PARTS: dict[str, str] = {"train": "train", "dev": "test"}
"""Corpus part -> dataset split (``train`` is carved into train + validation)."""

_T_LINE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")


@dataclass(frozen=True)
class PolnearAttribution:
    """One attribution: ``source`` (span or None), ``cue`` and ``content`` spans (fragments)."""

    id: str
    source: tuple[int, int] | None
    cue: tuple[tuple[int, int], ...]
    content: tuple[tuple[int, int], ...]


@dataclass
class PolnearArticle:
    """An article of one part with the attributions of its first annotator."""

    id: str
    part: str
    publisher: str
    text: str
    annotator: str
    attributions: list[PolnearAttribution] = field(default_factory=list)


@dataclass(frozen=True)
class GoldQuote:
    """A gold direct quote (one piece of a direct content span) and its speaker.

    Attributes
    ----------
    start, end : int
        The piece, trimmed of white space (quote marks may be included, as annotated).
    source : tuple of int or None
        The attribution's ``Source`` span.
    speaker : str
        The source's head phrase ("" without a source).
    kind : str
        ``name``, ``pronoun``, ``nominal`` or ``none`` (no source).
    attribution : str
        The ``E`` id.
    head : tuple of int or None
        ``(start, end)`` of the head phrase in the text; ``end`` closes its head word.
    """

    start: int
    end: int
    source: tuple[int, int] | None
    speaker: str
    kind: str
    attribution: str
    head: tuple[int, int] | None = None

    @property
    def named(self) -> bool:
        return self.kind == "name"


# ----------------------------------------------------------------------------- reading


def parse_ann(raw: str, text: str, where: str = "<ann>") -> list[PolnearAttribution]:
    """The attributions of a brat ``.ann`` file (offsets checked against ``text``).

    Raises ``ValueError`` naming ``where`` and the line for a malformed E line or a span outside
    the text.
    """
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}
    events: list[tuple[str, dict[str, str], int]] = []
    for lineno, line in enumerate(raw.split("\n"), 1):
        m = _T_LINE.match(line)
        if m:
            parts = []
            for chunk in m.group(3).split(";"):
                a, b = (int(x) for x in chunk.split())
                if not 0 <= a <= b <= len(text):
                    raise ValueError(
                        f"{where}:{lineno}: span {a}-{b} lies outside the text ({len(text)} characters)"
                    )
                parts.append((a, b))
            spans[m.group(1)] = (m.group(2), tuple(parts))
            continue
        m = _E_LINE.match(line)
        if m:
            roles: dict[str, str] = {}
            for item in m.group(2).split():
                role, _, ref = item.partition(":")
                if not ref:
                    raise ValueError(f"{where}:{lineno}: malformed role {item!r} in {m.group(1)}")
                roles[role] = ref
            events.append((m.group(1), roles, lineno))
    def get(eid: str, roles: dict[str, str], lineno: int, role: str) -> tuple[tuple[int, int], ...]:
        ref = roles.get(role)
        if ref is None:
            return ()
        if ref not in spans:
            raise ValueError(f"{where}:{lineno}: {eid} refers to {ref}, which is not defined")
        return spans[ref][1]

    out = []
    for eid, roles, lineno in events:
        source = get(eid, roles, lineno, "Source")
        content = tuple(sorted(get(eid, roles, lineno, "Content") + get(eid, roles, lineno, "Content2")))
        out.append(
            PolnearAttribution(
                id=eid,
                source=(source[0][0], source[-1][1]) if source else None,
                cue=get(eid, roles, lineno, "Cue"),
                content=content,
            )
        )
    return out


def _article_ids(root: Path, part: str) -> list[str]:
    folder = root / part / "text"
    if not folder.is_dir():
        raise FileNotFoundError(f"PolNeAR part {part!r} not found: {folder} is missing")
    return sorted(p.stem for p in folder.glob("*.txt"))


def read_part(root: str | Path, part: str) -> Iterator[PolnearArticle]:
    """The articles of ``part`` (``train`` or ``dev``), each with its first annotator's attributions.

    Raises ``FileNotFoundError`` when the part or an article's ``.ann`` file is missing.
    """
    root = Path(root)
    ann_dir = root / part / "attributions"
    anns: dict[str, list[Path]] = {}
    for p in sorted(ann_dir.glob("*.ann")):
        anns.setdefault(p.stem.rsplit("_", 1)[0], []).append(p)
    for article_id in _article_ids(root, part):
        files = anns.get(article_id)
        if not files:
            raise FileNotFoundError(f"PolNeAR article {article_id}: no .ann file in {ann_dir}")
        path = files[0]
        text = (root / part / "text" / f"{article_id}.txt").read_text(encoding="utf-8")
        attributions = parse_ann(path.read_text(encoding="utf-8"), text, str(path))
        yield PolnearArticle(
            id=article_id,
            part=part,
            publisher=article_id.split("_", 1)[0],
            text=text,
            annotator=path.stem.rsplit("_", 1)[1],
            attributions=attributions,
        )


# ----------------------------------------------------------------------------- quoted regions

_MARK = re.compile(r"''|[“”\"]")


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def quoted_regions(text: str, closed_only: bool = False) -> list[tuple[int, int]]:
    """Interiors ``(start, end)`` of the outermost quotations, paired per line (module docstring, 2).

    ``start`` is just after the opening mark, ``end`` the closing mark's index (or the end of the
    line for a quotation left open; left out with ``closed_only``).
    """
    out: list[tuple[int, int]] = []
    for ls, le in _line_spans(text):
        depth, opened = 0, -1
        for m in _MARK.finditer(text, ls, le):
            p, q, mark = m.start(), m.end(), m.group()
            prev = text[p - 1] if p > ls else " "
            nxt = text[q] if q < le else " "
            if mark == "“":
                closes = not prev.isspace() and nxt.isspace() and depth > 0
                opens = not closes
            elif mark == "”":
                opens = prev.isspace() and not nxt.isspace() and nxt not in ".,;:!?"
                closes = not opens
            else:  # straight mark or two apostrophes
                closes = depth > 0
                opens = not closes
            if opens:
                if depth == 0:
                    opened = q
                depth += 1
            elif closes and depth > 0:
                depth -= 1
                if depth == 0:
                    out.append((opened, p))
        if depth > 0 and not closed_only:
            out.append((opened, le))
    return out


def _alnum_positions(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if text[i].isalnum()]


def _pieces(text: str, fragments: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join fragments separated only by white space, cut at newlines, trim."""
    joined: list[list[int]] = []
    for a, b in sorted(fragments):
        if joined and not text[joined[-1][1] : a].strip() and a >= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], b)
        else:
            joined.append([a, b])
    out = []
    for a, b in joined:
        pos = a
        for line in text[a:b].split("\n"):
            s, e = pos, pos + len(line)
            pos = e + 1
            lead = len(line) - len(line.lstrip())
            s, e = s + lead, s + lead + len(line.strip())
            if e > s:
                out.append((s, e))
    return out


def classify_piece(
    text: str, piece: tuple[int, int], regions: list[tuple[int, int]]
) -> str:
    """``direct``, ``mixed``, ``embedded`` or ``indirect`` (module docstring, 3)."""
    import bisect

    starts = [r[0] for r in regions]
    alnum = _alnum_positions(text, *piece)
    if not alnum:
        return "indirect"
    inside_regions = []
    for i in alnum:
        k = bisect.bisect_right(starts, i) - 1
        inside_regions.append(k if k >= 0 and regions[k][0] <= i < regions[k][1] else -1)
    n_in = sum(1 for k in inside_regions if k >= 0)
    if n_in == 0:
        return "indirect"
    if n_in < len(alnum):
        return "mixed"
    first, last = regions[inside_regions[0]], regions[inside_regions[-1]]
    reaches_start = not any(c.isalnum() for c in text[first[0] : alnum[0]])
    reaches_end = not any(c.isalnum() for c in text[alnum[-1] + 1 : last[1]])
    return "direct" if reaches_start or reaches_end else "embedded"


# ----------------------------------------------------------------------------- source heads

PRONOUNS = frozenset(
    """i me my mine we us our ours you your he him his she her hers it its they them their theirs
    who whom whose which that this these those one someone somebody anyone everyone everybody
    nobody none some many most others another other each both all few several himself herself
    themselves itself myself ourselves""".split()
)
_TITLES = frozenset(
    """mr mrs ms miss dr sen rep gov gen lt col sgt capt maj adm prof rev pres hon sir st
    senator representative governor president vice secretary general mayor judge justice chief
    chairman chairwoman speaker leader minister ambassador attorney director candidate nominee
    congressman congresswoman sheriff commissioner detective officer lieutenant colonel sergeant
    captain major admiral professor reverend father pastor pope king queen prince princess
    former first lady sheikh mullah""".split()
)
_HONORIFICS = frozenset("mr mrs ms miss dr sen rep gov gen lt col sgt capt maj adm prof rev".split())
_HEAD_PREP = re.compile(r"\s+(?:of|for|at|from|with|in|on|to|who|whose|which|that)\s")
_PAREN = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_POSSESSOR = re.compile(r"^.*?[’']s?\s+(?=\S)")
_TOKEN = re.compile(r"[\w’'.-]+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def source_head(source: str) -> tuple[str, str]:
    """``(head phrase, kind)`` of a ``Source`` span's text; kind ``name``/``pronoun``/``nominal``.

    Parentheticals, appositions (after a comma or dash) and possessors ("Trump's") are dropped, and
    a prepositional tail ("the head of the FBI") unless the phrase is a lone title ("Secretary of
    State John Kerry"). The head word is the phrase's last word (suffixes such as ``Jr.`` skipped):
    a pronoun makes a ``pronoun``, a capitalised word that is not a title a ``name`` ("Mr. King",
    "Charlie King"), anything else a ``nominal``.

    >>> source_head("longtime Democratic pollster Pat Caddell")
    ('longtime Democratic pollster Pat Caddell', 'name')
    >>> source_head("Pat Caddell, a pollster")
    ('Pat Caddell', 'name')
    >>> source_head("the senator")
    ('the senator', 'nominal')
    >>> source_head("He")
    ('He', 'pronoun')
    """
    hs, he, kind = source_head_span(source, 0, len(source))
    return " ".join(source[hs:he].split()), kind


def source_head_span(text: str, start: int, end: int) -> tuple[int, int, str]:
    """``(start, end, kind)`` of the head phrase of the source span ``text[start:end]`` (see
    :func:`source_head`); ``end`` is the end of the head word."""
    src = _PAREN.sub(lambda m: " " * len(m.group()), text[start:end])
    m = re.search(r"\s*[,;:—–]\s*|\s+-\s+", src)
    lo, hi = 0, m.start() if m else len(src)
    while lo < hi and src[lo].isspace():
        lo += 1
    while hi > lo and src[hi - 1].isspace():
        hi -= 1
    m = _POSSESSOR.match(src, lo, hi)
    if m and m.end() < hi and not src[lo : m.end()].strip().lower().startswith(("it’", "it'")):
        lo = m.end()
    cut = _HEAD_PREP.search(src, lo, hi)
    if cut:
        before = src[lo : cut.start()].split()
        # "the head of the FBI", "Mr. Morgan of the Sierra Club", but "Secretary of State John Kerry"
        if before and not (len(before) == 1 and before[0].lower().rstrip(".") in _TITLES):
            hi = cut.start()
    tokens = list(_TOKEN.finditer(src, lo, hi))
    while len(tokens) > 1 and tokens[-1].group().lower().rstrip(".") in _SUFFIXES:
        tokens.pop()
    if not tokens:
        return start + lo, start + hi, "nominal"
    head = tokens[-1].group().strip(".’'-")
    head_end = start + tokens[-1].end()
    low = head.lower()
    if (len(tokens) == 1 and low in PRONOUNS) or (low in PRONOUNS and not head[:1].isupper()):
        return start + lo, head_end, "pronoun"
    # "Mr. King", "Charlie King": a title word after a honorific or a first name is a surname
    prev = tokens[-2].group() if len(tokens) > 1 else ""
    surname = prev.lower().rstrip(".") in _HONORIFICS or (
        prev[:1].isupper() and prev.lower().rstrip(".") not in _TITLES
    )
    if head[:1].isupper() and low not in PRONOUNS and (low not in _TITLES or surname):
        return start + lo, head_end, "name"
    return start + lo, head_end, "nominal"


def last_name(name: str) -> str:
    """Lower-cased last name token of a name phrase (suffixes such as ``Jr.`` skipped)."""
    tokens = [re.sub(r"[’']s$", "", t).strip(".’'-").lower() for t in _TOKEN.findall(name)]
    tokens = [t for t in tokens if t]
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    return tokens[-1] if tokens else ""


# ----------------------------------------------------------------------------- gold quotes


@dataclass
class ArticleGold:
    """Gold of one article for quote scoring: direct quotes and the spans predictions may not be
    judged in (mixed and embedded pieces)."""

    quotes: list[GoldQuote]
    ignore: list[tuple[int, int]]
    counts: dict[str, int]
    mixed: list[GoldQuote] = field(default_factory=list)


def gold_quotes(article: PolnearArticle) -> ArticleGold:
    """Direct quotes of ``article`` with their speakers, and the mixed/embedded spans."""
    text = article.text
    regions = quoted_regions(text)
    quotes: list[GoldQuote] = []
    mixed: list[GoldQuote] = []
    ignore: list[tuple[int, int]] = []
    counts = {"direct": 0, "mixed": 0, "embedded": 0, "indirect": 0}
    for att in article.attributions:
        head: tuple[int, int] | None = None
        if att.source is not None:
            hs, he, kind = source_head_span(text, *att.source)
            speaker = " ".join(text[hs:he].split())
            head = (hs, he)
        else:
            speaker, kind = "", "none"
        for piece in _pieces(text, att.content):
            what = classify_piece(text, piece, regions)
            counts[what] += 1
            if what == "direct":
                quotes.append(GoldQuote(piece[0], piece[1], att.source, speaker, kind, att.id, head))
            elif what in ("mixed", "embedded"):
                ignore.append(piece)
                mixed.append(GoldQuote(piece[0], piece[1], att.source, speaker, kind, att.id, head))
    quotes.sort(key=lambda q: (q.start, q.end))
    mixed.sort(key=lambda q: (q.start, q.end))
    return ArticleGold(quotes=quotes, ignore=sorted(ignore), counts=counts, mixed=mixed)


# ----------------------------------------------------------------------------- rows


def validation_articles(root: str | Path, fraction: float, seed: int = DEFAULT_SEED) -> set[str]:
    """Ids of the train articles carved out as ``validation``: a seeded ``fraction`` of the sorted
    train article ids (the same set for the importer and ``bench/bench_quotes.py --part
    validation``)."""
    import numpy as np

    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"validation fraction must be in [0, 1), got {fraction}")
    ids = _article_ids(Path(root), "train")
    if not ids or fraction == 0.0:
        return set()
    order = np.random.default_rng(seed).permutation(len(ids))
    return {ids[i] for i in order[: max(1, round(fraction * len(ids)))]}


def load(
    root: Path,
    seed: int = DEFAULT_SEED,
    validation: float = 0.1,
    parts: list[str] | None = None,
    window: int = 2,
    mixed: bool = True,
    **options: Any,
) -> Imported:
    """Read PolNeAR from ``root`` into ``attribution`` rows (see the module docstring).

    Parameters
    ----------
    root : Path
        The folder with ``train/``, ``dev/`` and ``metadata.tsv``.
    seed : int
        Seeds the grouped validation carve from ``train``.
    validation : float, default 0.1
        Share of train articles moved to ``validation``.
    parts : list of str, optional
        Corpus parts to read (default: ``train`` and ``dev``).
    window : int, default 2
        Paragraphs before the quote's paragraph searched for candidates (and one after).
    mixed : bool, default True
        Also give rows for quoted phrases inside indirect speech (mixed pieces: the finder's
        fragments), so the ranker learns their speakers too; they are marked ``quote_type: mixed``.
    """
    if options:
        raise ValueError(
            f"polnear importer: unknown options {sorted(options)}; known: seed, validation, parts, "
            "window, mixed"
        )
    from newsclf.data.actors import load_actors
    from newsclf.data.attribution import candidate_rows

    parts = list(parts or PARTS)
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        raise ValueError(f"polnear importer: unknown parts {unknown}; known: {', '.join(PARTS)}")
    actors = load_actors()
    rows: list[dict[str, Any]] = []
    stats: dict[str, Any] = {"corpus": "polnear", "articles": {}, "quotes": {}, "no_candidate": {}}
    for part in parts:
        n_art = n_q = n_miss = 0
        held = validation_articles(root, validation, seed) if part == "train" else set()
        for article in read_part(root, part):
            n_art += 1
            gold = gold_quotes(article)
            group = f"polnear:{article.id}"
            split = "validation" if article.id in held else PARTS[part]
            for row in candidate_rows(article.text, article.id, gold.quotes, actors, window=window,
                                      mixed=gold.mixed if mixed else ()):
                row.update(group=group, split=split, source="polnear", label_source="polnear")
                rows.append(row)
            n_q += len(gold.quotes)
            n_miss += sum(1 for q in gold.quotes if q.source is None)
        stats["articles"][part] = n_art
        stats["quotes"][part] = n_q
    stats["rows"] = len(rows)
    stats["labels"] = label_counts(rows)
    stats["queries"] = len({r["query"] for r in rows})
    return Imported(task="attribution", rows=rows, stats=stats)
