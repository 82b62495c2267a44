"""Boilerplate LFs: items are sentences (with their block's DOM context); sentence labels for
``newsclf quotes``."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsclf.tasks import get_task

from .base import ABSTAIN, GatedRegex, LabellingFunction
from .votes import apply_lfs, combine

__all__ = ["BOILERPLATE_LFS", "Unit", "make_units", "units_of", "weak_sentence_labels"]


@dataclass(slots=True)
class Unit:
    """A sentence of a document, with what the boilerplate LFs look at.

    ``first_text`` is the document's first unit (usually the headline); ``repeated`` says that
    the same text occurred earlier in the document (a headline repeated in a breadcrumb, a pull
    quote). DOM fields are "" / 0.0 / "p" for plain text. Build them with :func:`make_units`.
    """

    text: str
    index: int = 0
    n_units: int = 1
    tag_path: str = ""
    attrs: str = ""
    link_density: float = 0.0
    tag: str = "p"
    first_text: str = ""
    repeated: bool = False
    lower: str = field(init=False)
    n_words: int = field(init=False)
    n_function: int = field(init=False)
    tokens: frozenset = field(init=False)

    def __post_init__(self) -> None:
        self.text = self.text.strip()
        self.lower = self.text.lower()
        words = self.lower.split()  # white-space tokens: cheap, close enough for counts
        self.n_words = len(words)
        self.n_function = len(_FUNCTION_WORDS.intersection(words))  # distinct function words
        path_tokens = (
            _TOKEN_SPLIT.split(f"{self.tag_path} {self.attrs}".lower())
            if (self.tag_path or self.attrs)
            else ()
        )
        self.tokens = frozenset(t for t in path_tokens if t)


_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_DIGIT = re.compile(r"\d")
_END_PUNCT = re.compile(r"[.!?…][\"'”’»)\]]*$")


_CTA = GatedRegex(
    r"\b(sign ?up|subscribe|subscription|newsletters?|register (now|here|for free)|create (an|your) account"
    r"|log ?in to|download (our|the) app|get (our|the) (latest|app)|receive our|join our (mailing|community)"
    r"|unlock (this|full)|support (our|independent) journalism|become a member|donate)\b",
    "sign up|signup|subscri|newsletter|register |create an|create your|log in|login|download our|download the|get our|get the|receive our|join our|unlock this|unlock full|support our|support independent|become a member|donate",
)
_FORM = GatedRegex(
    r"\b(by (submitting|clicking|signing|continuing)|i agree|you agree|terms (of (use|service)|and conditions)"
    r"|the terms|privacy (policy|notice|statement)|cookie(s| policy| settings)?|your email( address)?"
    r"|enter your|required fields?|unsubscribe)\b",
    "by submitting|by clicking|by signing|by continuing|agree|terms|privacy|cookie|your email|enter your|required field|unsubscribe",
)
_COPYRIGHT = GatedRegex(r"(©|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b)")
_SHARE = GatedRegex(
    r"^(share( this| on| via|:)?|follow us|follow @|tweet|email|print|whatsapp|facebook|twitter|linkedin"
    r"|pinterest|reddit|copy link|telegram)\b"
)
_NAV = GatedRegex(
    r"^(skip to( main)? (content|navigation)|home\s*[>›»/|]|menu$|back to top|next (article|story|post)"
    r"|previous (article|story|post)|main navigation|you are here|breadcrumb|search$|close$|toggle)"
)
_NAV_SEPARATOR_CHARS = ("|", "›", "»", ">", "•")
_NAV_SEPARATORS = re.compile(r"(\s[|›»>•]\s.*){2,}")
_AD = GatedRegex(
    r"^(advertisement|advertising|sponsored( content)?|promoted( content)?|paid (content|post)|ad|ads"
    r"|partner content)\W*$|story continues below|continue reading below|scroll to continue"
)
_READ_MORE = GatedRegex(
    r"^(also read|read more|read also|see also|related( articles?| stories| news| coverage| content)?\b"
    r"|recommended( for you)?|more (from|on|stories)|you may also like|you might also like|most (read|popular|viewed)"
    r"|trending( now)?|top stories|editor'?s picks|don'?t miss|watch:|listen:|click here)"
)
_CAPTION = GatedRegex(
    r"(\b(photo|image|picture|file photo|video|graphic)s?( credit)?\s*[:/|]|\bgetty images\b|\bshutterstock\b"
    r"|\b(ap|afp|reuters|epa|anadolu)\s*(photo|/|via)|\bcredit:\s|\bphotograph:\s|\(photo:|\(image:)"
)
_BYLINE = re.compile(
    r"^(?:[Bb]y|BY|[Ww]ritten by|[Ww]ords by|[Aa]uthor:)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s*(?:[,|—–-].*)?$"
    r"|^(?:[Ss]taff|[Ss]pecial) (?:[Ww]riter|[Cc]orrespondent)\b"
)
_TIMESTAMP = GatedRegex(
    r"\b(published( on| at)?|posted( on| at)?|last (updated|modified)|updated( on| at)?|first published)\b\s*:?"
    r"\s*(\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|\w+ ago)"
    r"|^\W*\d{1,2}[:.]\d{2}\s*(am|pm|gmt|utc|et|ist)?\W*$"
    r"|^\W*(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+\w+\s+\d{1,2},?\s+\d{4}\W*$"
    r"|^\W*(\d{1,2}\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(,\s*|\s+)\d{4}\W*$"
    r"|^\W*\d{4}-\d{2}-\d{2}([ t]\d{2}:\d{2}.*)?$|\b\d+\s+(minutes?|hours?|days?) ago\W*$"
)
# Substrings a timestamp line without digits must contain (gate in front of the big regex).
_TIMESTAMP_WORDS = tuple(
    "publ post last upda firs ago mon tue wed thu fri sat sun jan feb mar apr may jun jul aug sep "
    "oct nov dec".split()
)
_AGENCY = GatedRegex(
    r"^\W*(with (inputs|input) from|with (agencies|agency inputs)|\(?(reuters|afp|ap|ani|pti|ians|xinhua|upi|dpa|efe)\)?)"
    r"\W*(agencies|reuters|afp|ap|pti)?\W*$|reporting by .*;?\s*(editing|writing) by|^\W*(source|sources):\s"
    r"|\bcontributed (to )?this report\b",
    "with|reut|afp|ap|ani|pti|ians|xinh|upi|dpa|efe|repo|sour|cont",
)
_COMMENT = GatedRegex(
    r"\b(leave a (comment|reply)|post a comment|add a comment|join the (discussion|conversation)|comments? \(\d+\)"
    r"|\d+ comments?|show comments|view comments|log in to comment|be the first to comment|what do you think\?)",
    "comment|leave a|join the|what do you think",
)
_ADBLOCK = GatedRegex(
    r"\bad ?-?block(er|ing)?\b|disable your ad|whitelist (us|our site)|turn off your ad"
)
_FUNCTION_WORDS = frozenset(
    "the a an of to in on and that which who with for from by as at was were is are has have had it "
    "its their his her they he she we our but not after before while until about into be been being "
    "will would can could should may might this these those there than so if or also when where what".split()
)
_REPORTING = GatedRegex(
    r"\b(said|says|told|added|vowed|accused|stated|announced|claimed|according to|insisted|warned|explained)\b",
    "said|says|told|added|vowed|accused|stated|announced|claimed|according to|insisted|warned|explained",
)
_CHROME_TOKENS = frozenset(
    "nav navbar navigation menu footer header aside sidebar share sharing social related comment comments "
    "breadcrumb breadcrumbs cookie cookies newsletter subscribe promo banner advert advertisement ads ad "
    "widget recommended recirculation trending popular masthead toolbar pagination tags byline dateline "
    "caption figcaption credit copyright signup login modal popup".split()
)
_CONTENT_TOKENS = frozenset(
    "article story content main body entry post text articlebody article-body storytext".split()
)


# Cheap substring pre-filters in front of the costlier regexes.
_CAPTION_KEYS = (
    "photo",
    "image",
    "picture",
    "video",
    "graphic",
    "getty",
    "shutterstock",
    "credit",
    "/",
    " via ",
)
_COPYRIGHT_KEYS = ("©", "(c)", "copyright", "rights reserved")
_ADBLOCK_KEYS = ("block", "whitelist", "disable your ad", "turn off your ad")


def _has(u: Unit, keys: tuple[str, ...]) -> bool:
    return any(map(u.lower.__contains__, keys))


def _short(u: Unit, n: int = 12) -> bool:
    return u.n_words <= n


def _no_final_punct(u: Unit) -> bool:
    return not _END_PUNCT.search(u.text)


def _bp_repeated(u: Unit) -> bool:
    # Short lines only: long repeated passages are as often a standfirst repeated in the body.
    return u.repeated and 3 <= u.n_words <= 15


def _bp_long_prose(u: Unit) -> bool:
    return (
        u.n_words >= 12 and u.n_function >= 3 and u.link_density <= 0.3 and not _no_final_punct(u)
    )


def _bp_dom_chrome(u: Unit) -> bool:
    return bool(u.tokens & _CHROME_TOKENS)


def _bp_dom_content(u: Unit) -> bool:
    return (
        bool(u.tokens & _CONTENT_TOKENS)
        and not (u.tokens & _CHROME_TOKENS)
        and u.tag in ("p", "h1", "h2", "h3", "blockquote")
        and u.link_density < 0.2
    )


def _bp_short_label(u: Unit) -> bool:
    # A one- or two-word line without final punctuation past the headline: category label, menu item.
    return u.index > 0 and u.n_words <= 2 and _no_final_punct(u)


_BP: list[tuple[str, str, Callable[[Unit], bool], str]] = [
    (
        "cta_signup",
        "boilerplate",
        lambda u: u.n_words <= 25 and bool(_CTA.hit(u)),
        "call to action: sign up, subscribe, newsletter, download the app, donate",
    ),
    (
        "form_terms",
        "boilerplate",
        lambda u: u.n_words <= 40 and bool(_FORM.hit(u)),
        "form and legal text: by submitting, I agree, terms, privacy policy, cookies",
    ),
    (
        "copyright",
        "boilerplate",
        lambda u: _has(u, _COPYRIGHT_KEYS) and bool(_COPYRIGHT.hit(u)),
        "copyright notices",
    ),
    (
        "share_follow",
        "boilerplate",
        lambda u: u.n_words <= 8 and bool(_SHARE.hit(u)),
        "short share/follow/print prompts",
    ),
    (
        "navigation",
        "boilerplate",
        lambda u: (
            u.n_words <= 20
            and (
                _NAV.hit(u)
                or (_has(u, _NAV_SEPARATOR_CHARS) and _NAV_SEPARATORS.search(u.text) is not None)
            )
        ),
        "navigation, breadcrumbs, Skip to content, menu separators",
    ),
    (
        "ad_marker",
        "boilerplate",
        lambda u: u.n_words <= 8 and bool(_AD.hit(u)),
        "advertisement / sponsored markers",
    ),
    (
        "read_more",
        "boilerplate",
        lambda u: u.n_words <= 25 and bool(_READ_MORE.hit(u)),
        "ALSO READ / Read more / Related / Recommended lines",
    ),
    (
        "caption_credit",
        "boilerplate",
        lambda u: u.n_words <= 40 and _has(u, _CAPTION_KEYS) and bool(_CAPTION.hit(u)),
        "photo captions and credits",
    ),
    (
        "byline",
        "boilerplate",
        lambda u: u.n_words <= 10 and bool(_BYLINE.search(u.text)),
        "bylines",
    ),
    (
        "timestamp",
        "boilerplate",
        lambda u: (
            u.n_words <= 14
            and (
                _DIGIT.search(u.text) is not None
                or any(map(u.lower.__contains__, _TIMESTAMP_WORDS))
            )
            and _TIMESTAMP.hit(u)
        ),
        "timestamps, Published on, Last updated",
    ),
    (
        "agency_credit",
        "boilerplate",
        lambda u: u.n_words <= 15 and bool(_AGENCY.hit(u)),
        "agency credit tags: (Reuters), With inputs from agencies, Reporting by ... Editing by",
    ),
    (
        "comment_prompt",
        "boilerplate",
        lambda u: u.n_words <= 15 and bool(_COMMENT.hit(u)),
        "comment prompts and counters",
    ),
    (
        "adblock",
        "boilerplate",
        lambda u: _has(u, _ADBLOCK_KEYS) and bool(_ADBLOCK.hit(u)),
        "adblock notices",
    ),
    (
        "repeated_line",
        "boilerplate",
        _bp_repeated,
        "a later copy of an earlier short line (repeated headline, teaser)",
    ),
    (
        "short_label",
        "boilerplate",
        _bp_short_label,
        "one/two-word unpunctuated line after the first",
    ),
    (
        "dom_link_dense",
        "boilerplate",
        lambda u: u.link_density >= 0.5 and u.n_words <= 30,
        "HTML: mostly link text",
    ),
    (
        "dom_chrome_path",
        "boilerplate",
        _bp_dom_chrome,
        "HTML: tag path or class/id tokens nav/footer/share/related/comment/aside/menu...",
    ),
    (
        "dom_content_path",
        "content",
        _bp_dom_content,
        "HTML: p/h/blockquote inside article/story/content containers, few links",
    ),
    (
        "first_line",
        "content",
        lambda u: u.index == 0 and u.n_words >= 3,
        "the first line: the headline",
    ),
    (
        "long_prose",
        "content",
        _bp_long_prose,
        ">= 12 words, final punctuation, >= 3 distinct function words, few links",
    ),
    (
        "reported_speech",
        "content",
        lambda u: u.n_words >= 6 and u.link_density < 0.3 and bool(_REPORTING.hit(u)),
        "reported speech: said, told, vowed, according to ...",
    ),
]

BOILERPLATE_LFS: list[LabellingFunction] = [
    LabellingFunction(name, "boilerplate", label, fn, doc) for name, label, fn, doc in _BP
]


def make_units(spans: Sequence[tuple[str, Any]]) -> list[Unit]:
    """Boilerplate LF items for a document's units in order: ``(text, block or None)`` pairs."""
    n = len(spans)
    first = spans[0][0].strip() if spans else ""
    seen: set[str] = set()
    units = []
    for i, (text, b) in enumerate(spans):
        key = " ".join(text.split()).lower()
        units.append(
            Unit(
                text=text,
                index=i,
                n_units=n,
                tag_path=b.tag_path if b is not None else "",
                attrs=b.attrs if b is not None else "",
                link_density=float(b.link_density) if b is not None else 0.0,
                tag=b.tag if b is not None else "p",
                first_text=first,
                repeated=key in seen,
            )
        )
        seen.add(key)
    return units


def units_of(processed: Any) -> list[Unit]:
    """Boilerplate LF items for every sentence of a ``ProcessedArticle`` (in order)."""
    blocks = {b.index: b for b in getattr(processed.article, "blocks", None) or ()}
    return make_units([(s.text, blocks.get(s.block)) for s in processed.sentences])


def weak_sentence_labels(processed: Any, combiner: str = "majority") -> list[str]:
    """``"content"``/``"boilerplate"`` for each sentence of ``processed`` (content on abstain)."""
    labels = get_task("boilerplate").labels
    units = units_of(processed)
    if not units:
        return []
    L = apply_lfs(BOILERPLATE_LFS, units, labels)
    y, _ = combine(L, len(labels), combiner)
    return [labels[k] if k != ABSTAIN else "content" for k in y]
