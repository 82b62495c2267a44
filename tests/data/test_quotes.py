"""Quotes and speakers: the seed against its gold, marks, fragments, attribution, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsclf import settings as newsclf_settings
from newsclf.data.actors import load_actors
from newsclf.data.annotations import load_gold
from newsclf.data.document import process_article
from newsclf.data.readers import article_from_text, read_articles


@pytest.fixture(scope="module")
def actors():
    return load_actors()


@pytest.fixture(scope="module")
def seed(seed_path: Path, actors):
    [article] = read_articles(seed_path)
    return process_article(article, actors)


def _quotes(text: str, actors) -> tuple[list[tuple], list[str]]:
    p = process_article(article_from_text(text, "t", "t.txt"), actors)
    for q in p.quotes:
        assert text[q.start : q.end] == q.text
    return [(q.text, q.speaker, q.side, q.fragment) for q in p.quotes], p.warnings


def test_quotes_seed_match_gold_exactly(seed) -> None:
    gold = load_gold(seed.article, newsclf_settings.shipped_annotations_dir())
    assert gold is not None and len(gold.quotes) == 8
    got = [(q.start, q.end, q.text, q.speaker, q.side, q.fragment) for q in seed.quotes]
    want = [(q.start, q.end, q.text, q.speaker, q.side, q.fragment) for q in gold.quotes]
    assert got == want
    assert not seed.warnings


def test_quotes_seed_sentences_match_gold(seed) -> None:
    gold = load_gold(seed.article, newsclf_settings.shipped_annotations_dir())
    assert [(s.start, s.end, s.text) for s in seed.sentences] == [
        (s.start, s.end, s.text) for s in gold.sentences
    ]


@pytest.mark.parametrize(
    ("index", "speaker", "side", "fragment", "starts"),
    [
        (0, "Ahmad Massoud", "nrf", True, "last moment."),
        (1, "Ahmad Massoud", "nrf", False, "In no way"),
        (2, "Ahmad Massoud", "nrf", False, "The Taliban started"),
        (3, "Ahmad Massoud", "nrf", False, "[The] Taliban showed"),
        (4, "Zabihullah Mujahid", "taliban", False, "We tried our best"),
        (5, "Taliban", "taliban", True, "within days,"),
        (6, "Zabihullah Mujahid", "taliban", False, "We need their expertise,"),
        (7, "Taliban", "taliban", True, "military situation."),
    ],
)
def test_quotes_seed_each_quote(seed, index, speaker, side, fragment, starts) -> None:
    q = seed.quotes[index]
    assert (q.speaker, q.side, q.fragment) == (speaker, side, fragment)
    assert q.text.startswith(starts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # quote continued over paragraphs: the next paragraph re-opens it; one quote per paragraph
        (
            "Taliban spokesman Zabihullah Mujahid spoke on Monday.\n\n“We will bring peace. Nobody will be harmed.\n\n"
            "“Everyone is safe now,” he said.",
            [
                ("We will bring peace. Nobody will be harmed.", "Zabihullah Mujahid", "taliban", False),
                ("Everyone is safe now,", "Zabihullah Mujahid", "taliban", False),
            ],
        ),
        # guillemets, introduced by "X said:"
        (
            "Ahmad Massoud said: «We will never surrender.»",
            [("We will never surrender.", "Ahmad Massoud", "nrf", False)],
        ),
        (
            "Massoud told AFP: « We will resist until the end », in Panjshir.",
            [("We will resist until the end", "Ahmad Massoud", "nrf", False)],
        ),
        ("»Wir geben nicht auf«, sagte Massoud.", [("Wir geben nicht auf", None, None, False)]),
        # straight quotes, inverted attribution
        (
            '"We control all of Panjshir," said Taliban spokesman Zabihullah Mujahid.',
            [("We control all of Panjshir,", "Zabihullah Mujahid", "taliban", False)],
        ),
        (
            'Amrullah Saleh wrote on Twitter: "The resistance is alive." Then he left.',
            [("The resistance is alive.", "Amrullah Saleh", "nrf", False)],
        ),
        # according to a person (a news outlet is a source, not a speaker)
        (
            "“We control everything,” according to Mujahid.",
            [("We control everything,", "Zabihullah Mujahid", "taliban", False)],
        ),
        (
            "“We control everything,” according to CNN.",
            [("We control everything,", None, None, False)],
        ),
        (
            "“We control everything,” Mujahid said according to CNN.",
            [("We control everything,", "Zabihullah Mujahid", "taliban", False)],
        ),
        # descriptions resolve to the named person / the actor
        (
            "The Taliban named Zabihullah Mujahid spokesman. “We are ready,” the spokesman said.",
            [("We are ready,", "Zabihullah Mujahid", "taliban", False)],
        ),
        (
            "“The fight goes on,” the resistance said in a statement.",
            [("The fight goes on,", "National Resistance Front", "nrf", False)],
        ),
        (
            "The militant group said it would “crush the rebels in days.”",
            [("crush the rebels in days.", "Taliban", "taliban", True)],
        ),
        # pronoun -> most recent named person; unattributed quote continues the speaker
        (
            "Fahim Dashti was killed. “He was a hero,” Massoud said. “We will avenge him.”",
            [
                ("He was a hero,", "Ahmad Massoud", "nrf", False),
                ("We will avenge him.", "Ahmad Massoud", "nrf", False),
            ],
        ),
        (
            "Abdul Rahman, a farmer, fled. “We lost everything,” he told reporters.",
            [("We lost everything,", "Abdul Rahman", "other", False)],
        ),
        # scare quotes and titles are not quotes
        ("The talks were “illegal” and the group left.", []),
        ('Critics call it "fake news" online.', []),
        ("She read “The Kite Runner” last year.", []),
        # a longer embedded quote without a verb is still a fragment
        (
            "The deal was “a step toward lasting peace” for many.",
            [("a step toward lasting peace", None, None, True)],
        ),
        # nested quotes of another kind stay inside
        (
            '“He told me "never" twice,” Saleh said.',
            [('He told me "never" twice,', "Amrullah Saleh", "nrf", False)],
        ),
    ],
)
def test_quotes_cases(actors, text: str, expected: list[tuple]) -> None:
    got, warnings = _quotes(text, actors)
    assert got == expected
    assert warnings == []


@pytest.mark.parametrize(
    ("text", "n_quotes", "needle"),
    [
        # an unclosed quote runs to the end of its paragraph (and is reported)
        (
            "He said “this is unbalanced.\n\nNext paragraph here.",
            1,
            "not closed before the paragraph ends",
        ),
        (
            "A stray ” mark here. “One more quote here,” Massoud said.",
            1,
            "closing mark without an opening",
        ),
        (
            "“First opens. “Second opens and closes,” Mujahid said.",
            1,
            "new quote opens before it closes",
        ),
        ("Ends open “at the very end of the text", 1, "not closed"),
        ('Unclosed "straight quote runs on and on', 1, "not closed"),
    ],
)
def test_quotes_unbalanced_marks_warn_without_bogus_quote(
    actors, text: str, n_quotes: int, needle: str
) -> None:
    got, warnings = _quotes(text, actors)
    assert len(got) == n_quotes
    assert len(warnings) == 1 and needle in warnings[0] and warnings[0].startswith("t.txt:1:")


def test_quotes_no_actors_means_no_sides() -> None:
    p = process_article(article_from_text("“We will win,” said Ahmad Massoud.", "x"), load_actors())
    assert p.quotes[0].side == "nrf"
    from newsclf.data.quotes import find_quotes

    q = find_quotes(p.article, p.sentences, None)
    assert (q[0].speaker, q[0].side) == ("Ahmad Massoud", None)


@settings(max_examples=120, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list('ab .,\n“”"«»:Hhe said'))
        | st.characters(blacklist_categories=("Cs",)),
        max_size=200,
    )
)
def test_quotes_property_never_crash_offsets_slice(text: str) -> None:
    p = process_article(article_from_text(text, "h"), load_actors())
    for q in p.quotes:
        assert text[q.start : q.end] == q.text and q.text
    for s in p.sentences:
        assert text[s.start : s.end] == s.text


def test_quotes_cli_prints_one_json_per_article(seed_path: Path, tmp_path: Path) -> None:
    from newsclf.cli import app

    other = tmp_path / "other.txt"
    other.write_text(
        "“We will win,” said Ahmad Massoud.\n\nSign up for our newsletter!", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["quotes", str(seed_path), str(other)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [d["id"] for d in lines] == ["panjshir-nrf-2021-09", "other"]
    seed = lines[0]
    assert set(seed) == {"id", "sentences", "quotes"}
    assert set(seed["sentences"][0]) == {"start", "end", "text", "label"}
    assert set(seed["quotes"][0]) == {"start", "end", "text", "speaker", "side", "fragment"}
    assert len(seed["sentences"]) == 20 and len(seed["quotes"]) == 8
    assert {s["label"] for s in seed["sentences"]} <= {"content", "boilerplate"}
    assert lines[1]["quotes"][0]["speaker"] == "Ahmad Massoud"


def test_quotes_cli_bad_file_exit_1_and_skip_bad(seed_path: Path, tmp_path: Path) -> None:
    from newsclf.cli import app

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    result = CliRunner().invoke(app, ["quotes", str(bad)])
    assert result.exit_code == 1
    assert (
        "bad.txt" in result.stderr
        and "binary" in result.stderr
        and "Traceback" not in result.output
    )
    result = CliRunner().invoke(app, ["quotes", "--skip-bad", str(bad), str(seed_path)])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1
    assert "skipped" in result.stderr and "bad.txt" in result.stderr


@pytest.mark.parametrize(
    ("text", "speaker", "side"),
    [
        # appositive after the name
        ("“We will not surrender,” Massoud, the NRF leader, said.", "Ahmad Massoud", "nrf"),
        (
            "Rahim Khan, a local elder, said the fighting was “worse than anything we have seen.”",
            "Rahim Khan",
            "other",
        ),
        # pronouns prefer the subject / the previous speaker over a person merely mentioned
        (
            "Ahmad Massoud said the Taliban had killed Fahim Dashti. “We will avenge him,” he said.",
            "Ahmad Massoud",
            "nrf",
        ),
        # "family" is not an adverb
        ("Dashti's family said they were “devastated by the news.”", None, None),
    ],
)
def test_quotes_attribution_more(actors, text: str, speaker, side) -> None:
    got, _ = _quotes(text, actors)
    assert [(g[1], g[2]) for g in got] == [(speaker, side)]


class _KeywordModel:
    """A stand-in boilerplate model: 'boilerplate' for sign-up lines, 'content' otherwise."""

    classes_ = ["boilerplate", "content"]

    def predict_proba(self, X):
        import numpy as np

        bp = X["text"].str.contains("Sign up|By submitting", regex=True).to_numpy()
        return np.column_stack([bp, ~bp]).astype(float)


def test_quotes_cli_model_labels(
    seed_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    import newsclf.pipeline.runs as runs
    from newsclf.cli import app

    (tmp_path / "run1").mkdir()
    seen = {}

    def fake_load_run(path, load_model=True):
        seen["path"] = Path(path)
        return SimpleNamespace(task="boilerplate", model=_KeywordModel())

    monkeypatch.setattr(runs, "load_run", fake_load_run)
    result = CliRunner().invoke(app, ["quotes", "--model", str(tmp_path / "run1"), str(seed_path)])
    assert result.exit_code == 0, result.output
    labels = [s["label"] for s in json.loads(result.stdout)["sentences"]]
    assert labels == ["content"] * 18 + ["boilerplate"] * 2
    assert seen["path"] == tmp_path / "run1"

    monkeypatch.setattr(
        runs, "load_run", lambda p, load_model=True: SimpleNamespace(task="stance", model=None)
    )
    result = CliRunner().invoke(app, ["quotes", "--model", str(tmp_path / "run1"), str(seed_path)])
    assert result.exit_code == 1 and "needs a boilerplate run" in result.stderr
    monkeypatch.undo()  # the real load_run resolves run ids and paths
    result = CliRunner().invoke(app, ["quotes", "--model", "no-such-run", str(seed_path)])
    assert result.exit_code == 1 and "not found" in result.stderr


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“We will not roll the dice,” CEO Andy Vesey said.", "Andy Vesey"),
        ("“The plate is full,” Under NASA rules, Doug Cooke said.", "Doug Cooke"),
        ("“We are ready,” said Secretary Antony Blinken.", "Antony Blinken"),
        ("“Every study says so,” said Rep. Brian Babin (R-TX), a member.", "Brian Babin"),
        ("Gen. Mark Milley said the withdrawal was “a strategic failure.”", "Mark Milley"),
    ],
)
def test_quotes_titles_stripped(actors, text: str, speaker: str) -> None:
    got, _ = _quotes(text, actors)
    assert [g[1] for g in got] == [speaker]


def test_quotes_headline_runs_are_not_people(actors) -> None:
    text = (
        "Republicans Are Following Trump\n\nPresident Donald Trump tied himself to the outcome.\n\n"
        "“Governor Bevin has done a wonderful job!” Trump tweeted."
    )
    got, _ = _quotes(text, actors)
    assert [g[1] for g in got] == ["Donald Trump"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the NYT's two apostrophes
        (
            "''This isn't tax reform,'' said Douglas Holtz-Eakin, an economist. ''It's anti-reform.''",
            [("This isn't tax reform,", "Douglas Holtz-Eakin", "other", False),
             ("It's anti-reform.", "Douglas Holtz-Eakin", "other", False)],
        ),
        # mixed typography pairs
        ('“We will fight," Massoud said.', [("We will fight,", "Ahmad Massoud", "nrf", False)]),
        ('"We will fight,” Massoud said.', [("We will fight,", "Ahmad Massoud", "nrf", False)]),
        ("“We will fight“ Massoud said.", [("We will fight", "Ahmad Massoud", "nrf", False)]),
        # a colon-introduced quote in its own paragraph
        (
            "Ahmad Massoud said in an audio message:\n\n“We will never surrender to the Taliban.”",
            [("We will never surrender to the Taliban.", "Ahmad Massoud", "nrf", False)],
        ),
        # a transcript
        (
            "Mike Pence spoke first.\n\nPENCE: “We will win this race.”\n\nKAINE: “No, you will not.”",
            [("We will win this race.", "Mike Pence", None, False),
             ("No, you will not.", "Kaine", None, False)],
        ),
        # quotes followed by "― Name"
        (
            "“Panjshir is not surrendering.” ― Amrullah Saleh, on Twitter\n\n"
            "“The war is over.” — Zabihullah Mujahid",
            [("Panjshir is not surrendering.", "Amrullah Saleh", "nrf", False),
             ("The war is over.", "Zabihullah Mujahid", "taliban", False)],
        ),
        # paragraphs separated by single line breaks (PolNeAR, many wire feeds)
        (
            "Massoud spoke on Monday.\n“We will fight,” he said.\nThe valley was quiet.",
            [("We will fight,", "Ahmad Massoud", "nrf", False)],
        ),
        # a reporting verb then a whole statement: a quote, not a fragment (TOLOnews style)
        (
            'Karimi said "the doors of negotiation with the people of Panjshir are open."',
            [("the doors of negotiation with the people of Panjshir are open.", "Bilal Karimi",
              "taliban", False)],
        ),
        # ... but after "that" it is embedded in the reporter's sentence
        (
            'Karimi said that "the doors of negotiation are open."',
            [("the doors of negotiation are open.", "Bilal Karimi", "taliban", True)],
        ),
        # a quote glued after a comma and a capital letter is full
        (
            "In a statement, the resistance said, “The fight will go on.”",
            [("The fight will go on.", "National Resistance Front", "nrf", False)],
        ),
        # titles of shows and books are not quotes, even with a reporting verb nearby
        ('He said on NBC\'s "Meet the Press." "We will win," he added.',
         [("We will win,", None, None, False)]),
        # marks inside markup are not quotes
        ('<tweet author="@x" date="2021">We will win</tweet> said Massoud.', []),
    ],
)
def test_quotes_real_text_shapes(actors, text: str, expected: list[tuple]) -> None:
    got, warnings = _quotes(text, actors)
    assert got == expected
    assert warnings == []


def test_quotes_pronoun_and_description_resolve_to_names(actors) -> None:
    text = (
        "A senior Taliban commander, Mawlawi Fasihuddin, said his fighters had surrounded the valley. "
        "“We gave them a chance,” he said.\n\n"
        "A spokesman for the National Resistance Front said the group had lost contact with commanders. "
        "“Communications are cut,” the spokesman said."
    )
    got, _ = _quotes(text, actors)
    assert [(g[1], g[2]) for g in got] == [
        ("Mawlawi Fasihuddin", "taliban"),
        ("spokesman for the National Resistance Front", "nrf"),
    ]


def test_quotes_fullest_name_in_the_article(actors) -> None:
    text = ('"Panjshir is captured," Mujahid said in a statement. '
            "Zabihullah Mujahid is the group's chief spokesman.")
    got, _ = _quotes(text, actors)
    assert got[0][1:3] == ("Zabihullah Mujahid", "taliban")


def test_quotes_quoted_transcript_lines_name_their_speakers(actors) -> None:
    text = (
        "Mike Pence spoke to Chris Wallace on Sunday.\n\nPartial transcript as follows:\n\n"
        '"WALLACE: Will Gennifer Flowers be there?\n\n'
        '"PENCE: Gennifer Flowers will not be attending the debate.\n\n'
        '"But the truth is that Donald Trump has a unique way of communicating.\n\n'
        '"WALLACE: Governor, I want to try to get to the debate."\n\n'
        'VIDEO: "Watch the full interview here."'
    )
    got, _ = _quotes(text, actors)
    # the label is left out of the quote; an unlabelled paragraph continues the one before
    assert [(g[0][:12], g[1]) for g in got] == [
        ("Will Gennife", "Chris Wallace"),
        ("Gennifer Flo", "Mike Pence"),
        ("But the trut", "Mike Pence"),
        ("Governor, I ", "Chris Wallace"),
        ("Watch the fu", None),  # "VIDEO:" is a label, not a speaker
    ]
