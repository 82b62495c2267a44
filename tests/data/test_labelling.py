"""Weak labelling functions, combiners and their statistics."""

from __future__ import annotations

import numpy as np
import pytest

from newsclf.data.labelling import (
    ABSTAIN,
    BOILERPLATE_LFS,
    STANCE_LFS,
    LabellingFunction,
    LabelModel,
    StanceItem,
    Unit,
    apply_lfs,
    combine,
    lf_stats,
    majority_vote,
    make_units,
    summary_stats,
    weak_sentence_labels,
)

BP_LABELS = ("content", "boilerplate")
ST_LABELS = ("favor", "against", "none")


def _fired(lfs, item):
    return {lf.name for lf in lfs if lf(item) is not None}


def _bp(text, **kw):
    kw.setdefault("index", 5)
    kw.setdefault("n_units", 20)
    kw.setdefault("first_text", "A headline about something else entirely")
    return Unit(text=text, **kw)


@pytest.mark.parametrize(
    ("text", "lf"),
    [
        ("Sign up to receive our latest news!", "cta_signup"),
        ("Subscribe to our newsletter", "cta_signup"),
        ("By submitting this form, I agree to the terms.", "form_terms"),
        ("Read our Privacy Policy", "form_terms"),
        ("© 2021 Example Media. All rights reserved.", "copyright"),
        ("Share on Facebook", "share_follow"),
        ("Follow us on Twitter", "share_follow"),
        ("Skip to content", "navigation"),
        ("Home | World | Asia | Afghanistan", "navigation"),
        ("Advertisement", "ad_marker"),
        ("Story continues below advertisement", "ad_marker"),
        ("ALSO READ: Taliban name new government", "read_more"),
        ("Read more", "read_more"),
        ("Related Articles", "read_more"),
        ("Photo: Getty Images", "caption_credit"),
        ("Fighters in Panjshir. (AP Photo/Rahmat Gul)", "caption_credit"),
        ("By John Smith", "byline"),
        ("Published on Sept. 7, 2021", "timestamp"),
        ("Last updated: 2 hours ago", "timestamp"),
        ("September 7, 2021", "timestamp"),
        ("(With inputs from agencies)", "agency_credit"),
        ("Reporting by Jane Doe; Editing by Tom Roe", "agency_credit"),
        ("Leave a comment", "comment_prompt"),
        ("12 Comments", "comment_prompt"),
        ("Please disable your ad blocker to continue.", "adblock"),
        ("World", "short_label"),
    ],
)
def test_labelling_boilerplate_lfs_fire(text, lf):
    unit = _bp(text)
    assert lf in _fired(BOILERPLATE_LFS, unit)
    assert next(x for x in BOILERPLATE_LFS if x.name == lf)(unit) == "boilerplate"


@pytest.mark.parametrize(
    "text",
    [
        "National Resistance Front (NRF) refused to surrender after Taliban forces declared victory in the last standing region, Panjshir province.",
        "“In no way military pressure on us and our territory will lessen our resolve to continue our fight,” he said in a statement shared on Facebook.",
        "The spokesman promises women will soon be invited to return to work.",
        "By the end of the week the fighters had left the valley and returned to their homes in the north.",
    ],
)
def test_labelling_story_sentences_get_no_boilerplate_vote(text):
    unit = _bp(text)
    fired = [lf for lf in BOILERPLATE_LFS if lf(unit) is not None]
    assert all(lf.label == "content" for lf in fired)


def test_labelling_repeated_headline_and_first_line():
    head = "Taliban claim control of Panjshir valley"
    assert "first_line" in _fired(BOILERPLATE_LFS, _bp(head, index=0, first_text=head))
    assert "repeated_line" in _fired(
        BOILERPLATE_LFS, _bp(head, index=7, first_text=head, repeated=True)
    )
    assert "repeated_line" not in _fired(BOILERPLATE_LFS, _bp(head, index=0, first_text=head))


@pytest.mark.parametrize(
    ("kw", "lf", "label"),
    [
        (
            {"tag_path": "html/body/nav/ul/li", "attrs": "main-menu", "tag": "li"},
            "dom_chrome_path",
            "boilerplate",
        ),
        (
            {"tag_path": "html/body/div/aside/p", "attrs": "related-stories"},
            "dom_chrome_path",
            "boilerplate",
        ),
        ({"tag_path": "html/body/footer/p", "attrs": ""}, "dom_chrome_path", "boilerplate"),
        ({"link_density": 0.9}, "dom_link_dense", "boilerplate"),
        (
            {"tag_path": "html/body/article/div/p", "attrs": "article-body", "tag": "p"},
            "dom_content_path",
            "content",
        ),
    ],
)
def test_labelling_dom_lfs(kw, lf, label):
    unit = _bp("Some words in a block of the page", **kw)
    assert next(x for x in BOILERPLATE_LFS if x.name == lf)(unit) == label


def _st(text, target, side, speaker="X", mentions=None):
    return StanceItem(
        text=text, target=target, speaker=speaker, side=side, mentions_target=mentions
    )


VOW = "In no way military pressure on us will lessen our resolve to continue our fight until the last moment"
ACCUSE = "The Taliban started attacking us, which resulted in the killing of a large number of our countrymen"
TALKS = "We tried our best to solve the problem through negotiations and they rejected talks"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (_st(VOW, "nrf", "nrf"), {"own_side_fights_on": "favor"}),
        (_st(VOW, "taliban", "nrf", mentions=False), {"opponent_fight_vow": "against"}),
        (
            _st(ACCUSE, "taliban", "nrf", mentions=True),
            {"target_hostile_words": "against", "opponent_accuses": "against"},
        ),
        (_st(TALKS, "nrf", "taliban", mentions=False), {"opponent_accuses": "against"}),
        (
            _st("We need their expertise", "taliban", "taliban", mentions=False),
            {"own_side_no_claim": "none", "conciliatory": "none"},
        ),
        (
            _st("We need their expertise", "nrf", "taliban", mentions=False),
            {"other_side_not_about_target": "none", "conciliatory": "none"},
        ),
        (
            _st("We have captured all of Panjshir", "taliban", "taliban", mentions=False),
            {"own_side_victory": "favor"},
        ),
        (
            _st("The weather was cold", "taliban", "", mentions=False),
            {"no_side_no_mention": "none"},
        ),
    ],
)
def test_labelling_stance_lfs(item, expected):
    fired = {lf.name: lf(item) for lf in STANCE_LFS if lf(item) is not None}
    for name, label in expected.items():
        assert fired.get(name) == label, fired
    # nothing votes against the expected direction
    assert len(set(fired.values())) == 1, fired


def test_labelling_stance_mentions_from_aliases():
    item = StanceItem(
        text="The NRF will fight on", target="nrf", aliases=("National Resistance Front", "NRF")
    )
    assert item.mentions_target
    item = StanceItem(text="the nrf", target="taliban", aliases=("Taliban",))
    assert not item.mentions_target


def test_labelling_majority_vote_ties_and_abstain():
    L = np.array([[0, 0, 1], [0, 1, -1], [-1, -1, -1], [1, -1, -1]])
    assert majority_vote(L, 2).tolist() == [0, ABSTAIN, ABSTAIN, 1]


def test_labelling_majority_vote_empty():
    assert majority_vote(np.zeros((0, 3), dtype=np.int8), 2).tolist() == []


def test_labelling_label_model_downweights_noisy_lf():
    # LFs 0-2 agree with each other; LF 3 disagrees with them everywhere and breaks ties.
    rows = [[0, 0, 0, 1]] * 20 + [[1, 1, 1, 0]] * 20 + [[0, -1, -1, 1]] * 5
    L = np.array(rows)
    model = LabelModel(2).fit(L)
    assert model.accuracies_[3] < 0.5 < model.accuracies_[0]
    # In the tie rows the majority abstains; the label model trusts LF 0.
    assert majority_vote(L, 2)[-1] == ABSTAIN
    assert model.predict(L)[-1] == 0


def test_labelling_label_model_lone_lf_does_not_vouch_for_itself():
    # LF 1 only ever fires alone: no evidence about it, accuracy stays at the 0.5 prior.
    L = np.array([[0, -1], [0, -1], [-1, 1], [-1, 1]])
    model = LabelModel(2).fit(L)
    assert model.accuracies_[1] == pytest.approx(0.5)
    assert model.predict(L).tolist() == [0, 0, 1, 1]


def test_labelling_combine_unknown_combiner():
    with pytest.raises(ValueError, match="known: majority, label_model"):
        combine(np.zeros((1, 1), dtype=np.int8), 2, "snorkel")


def test_labelling_lf_stats_numbers():
    lfs = [
        LabellingFunction("a", "boilerplate", "content", lambda x: True),
        LabellingFunction("b", "boilerplate", "boilerplate", lambda x: True),
        LabellingFunction("c", "boilerplate", "content", lambda x: True),
    ]
    # a: votes on 0,1,2,3 ; b: on 1,2 ; c: on 3
    L = np.array([[0, -1, -1], [0, 1, -1], [0, 1, -1], [0, -1, 0], [-1, -1, -1]])
    gold = np.array([0, 1, -1, 0, 1])
    stats = {s["name"]: s for s in lf_stats(L, lfs, BP_LABELS, gold)}
    assert stats["a"]["votes"] == 4 and stats["a"]["coverage"] == 0.8
    assert stats["a"]["overlaps"] == 0.6  # rows 1, 2, 3
    assert stats["a"]["conflicts"] == 0.4  # rows 1, 2
    assert (stats["a"]["gold_votes"], stats["a"]["correct"], stats["a"]["accuracy"]) == (
        3,
        2,
        0.6667,
    )
    assert (stats["b"]["gold_votes"], stats["b"]["correct"], stats["b"]["accuracy"]) == (1, 1, 1.0)
    assert stats["c"]["conflicts"] == 0.0 and stats["c"]["overlaps"] == 0.2
    assert summary_stats(majority_vote(L, 2), BP_LABELS, gold)["gold_correct"] == 2


def test_labelling_apply_lfs_shape():
    L = apply_lfs(BOILERPLATE_LFS, [_bp("Read more"), _bp("x y z")], BP_LABELS)
    assert L.shape == (2, len(BOILERPLATE_LFS)) and L.dtype == np.int8


def test_labelling_weak_sentence_labels_on_seed(seed_path):
    from newsclf.data.document import process_article
    from newsclf.data.readers import read_articles

    article = next(read_articles([seed_path]))
    processed = process_article(article)
    labels = weak_sentence_labels(processed)
    assert len(labels) == len(processed.sentences)
    by_text = dict(zip((s.text for s in processed.sentences), labels, strict=True))
    assert by_text["Sign up to receive our latest news!"] == "boilerplate"
    assert by_text["By submitting this form, I agree to the terms."] == "boilerplate"
    assert labels[0] == "content"
    assert labels.count("boilerplate") == 2


GATE_TEXTS = [
    "Sign-up for our newsletter",
    "Log in to comment",
    "login to continue",
    "He won’t be forgotten, the commander said.",
    "They won the battle and took control of the valley.",
    "We will never surrender to the occupiers, he vowed.",
    "Posted 3 hours ago",
    "Updated: Sept. 7, 2021 10:45 a.m.",
    "The cease-fire talks continue, according to officials.",
    "Rebels reportedly attacked the foreign-backed government.",
    "© 2021 All rights reserved",
    "Terms and Conditions | Privacy Policy | Cookie settings",
]


@pytest.mark.parametrize("text", GATE_TEXTS)
def test_labelling_word_gates_never_hide_a_match(text):
    from newsclf.data.labelling import boilerplate, stance
    from newsclf.data.labelling.base import GatedRegex

    unit = Unit(text)
    item = StanceItem(text=text, target="x")
    regexes = {**vars(boilerplate), **vars(stance)}
    assert sum(isinstance(g, GatedRegex) for g in regexes.values()) > 10
    for name, gated in regexes.items():
        if isinstance(gated, GatedRegex):
            expected = gated.pattern.search(text.lower()) is not None
            assert gated.hit(unit) == expected, name
            assert gated.hit(item) == expected, name


def test_labelling_make_units_marks_repeated_lines():
    units = make_units(
        [
            ("Taliban take Panjshir valley", None),
            ("Body text here.", None),
            ("Taliban  take Panjshir valley", None),
        ]
    )
    assert [u.repeated for u in units] == [False, False, True]
    assert all(u.first_text == "Taliban take Panjshir valley" for u in units)
    assert (
        next(lf for lf in BOILERPLATE_LFS if lf.name == "repeated_line")(units[2]) == "boilerplate"
    )


@pytest.mark.corpora
def test_labelling_boilerplate_lfs_agree_with_aeb_alignment_labels():
    from types import SimpleNamespace

    from newsclf import settings
    from newsclf.data.importers import get_importer

    root = settings.corpora_dir() / "aeb"
    if not root.is_dir():
        pytest.skip(f"corpus 'aeb' not found at {root} (set NEWSCLF_CORPORA to the corpora folder)")
    rows = get_importer("aeb")(root, unit="sentence", mode="dom", limit=15).rows
    units, gold = [], []
    for page in dict.fromkeys(r["group"] for r in rows):
        page_rows = [r for r in rows if r["group"] == page]
        spans = [
            (
                r["text"],
                SimpleNamespace(**{k: r[k] for k in ("tag_path", "attrs", "link_density", "tag")}),
            )
            for r in page_rows
        ]
        units += make_units(spans)
        gold += [BP_LABELS.index(r["label"]) for r in page_rows]
    L = apply_lfs(BOILERPLATE_LFS, units, BP_LABELS)
    for combiner in ("majority", "label_model"):
        y, _ = combine(L, 2, combiner)
        summary = summary_stats(y, BP_LABELS, np.array(gold))
        assert summary["coverage"] > 0.85 and summary["accuracy"] > 0.85, (combiner, summary)
