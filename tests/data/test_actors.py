"""Actors file: loading, validation, sides and mentions."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsclf.data.actors import load_actors
from newsclf.errors import ConfigError


@pytest.fixture(scope="module")
def actors():
    return load_actors()


@pytest.mark.parametrize(
    ("speaker", "side"),
    [
        ("Taliban spokesman Zabihullah Mujahid", "taliban"),
        ("Zabihullah Mujahid", "taliban"),
        ("Mujahid", "taliban"),
        ("mujahid", "taliban"),
        ("Ahmad Massoud", "nrf"),
        ("Massoud", "nrf"),
        ("NRF military leader Ahmad Massoud", "nrf"),
        ("Amrullah Saleh", "nrf"),
        ("the Islamist militia", "taliban"),
        ("The militant group", "taliban"),
        ("Islamic Emirate", "taliban"),
        ("National Resistance Front", "nrf"),
        ("the resistance", "nrf"),
        ("Abdullah Abdullah", None),
        ("", None),
        (None, None),
        ("an anti-Taliban activist", None),
    ],
)
def test_actors_side_of(actors, speaker, side) -> None:
    assert actors.side_of(speaker) == side


def test_actors_keys_names_media(actors) -> None:
    assert actors.keys[:2] == ["taliban", "nrf"]
    assert actors.name_of("taliban") == "Taliban"
    assert actors.is_media("CNN")
    assert actors.is_media("Associated Press")
    assert not actors.is_media("Massoud")
    with pytest.raises(KeyError, match="known actors"):
        actors.get("isis")


def test_actors_find_mentions(actors) -> None:
    text = "The Taliban and Taliban-led forces met NRF and anti-Taliban fighters; Massoud spoke. taliban!"
    spans = actors.find_mentions(text, "taliban")
    assert [text[a:b] for a, b in spans] == ["Taliban", "Taliban", "taliban"]
    nrf = [text[a:b] for a, b in actors.find_mentions(text, "nrf")]
    assert nrf == ["NRF", "anti-Taliban fighters", "Massoud"]


def test_actors_user_file_without_code_changes(tmp_path: Path) -> None:
    p = tmp_path / "actors.yaml"
    p.write_text(
        "actors:\n  un:\n    name: United Nations\n    aliases: [UN, the world body]\n    members: [Antonio Guterres]\n"
    )
    actors = load_actors(p)
    assert actors.keys == ["un"]
    assert actors.side_of("Secretary-General Antonio Guterres") == "un"
    assert actors.side_of("Guterres") == "un"
    assert actors.find_mentions("the world body and the UN", "un") == [(0, 14), (23, 25)]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("actors:\n  Taliban:\n    name: T\n", "actors: Value error, actor key 'Taliban'"),
        ("actors:\n  t:\n    name: T\n    alias: [x]\n", "actors.t.alias: Extra inputs"),
        ("actors:\n  t:\n    aliases: [x]\n", "actors.t.name: Field required"),
        ("actors:\n  t:\n    name: T\n    members: ['']\n", "actors.t.members"),
        ("actors: {}\n", "at least one actor"),
        ("- a list\n", "expected a mapping"),
        ("actors: [unclosed\n", "not valid YAML"),
    ],
)
def test_actors_invalid_file_names_file_and_key(tmp_path: Path, content: str, needle: str) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_actors(p)
    assert str(p) in str(info.value) and needle in str(info.value)


def test_actors_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_actors(tmp_path / "none.yaml")


@pytest.mark.parametrize(
    ("name", "member", "side"),
    [
        # spellings of one person: the fullest, first listed, is named
        ("Nazary", ("nrf", "Ali Maisam Nazary"), "nrf"),
        ("Mujahid", ("taliban", "Zabihullah Mujahid"), "taliban"),
        ("Zabiullah Mujahid", ("taliban", "Zabiullah Mujahid"), "taliban"),
        ("Baradar", ("taliban", "Abdul Ghani Baradar"), "taliban"),
        ("Stanekzai", ("taliban", "Sher Mohammad Abbas Stanekzai"), "taliban"),
        # a surname several people carry names no one, but gives their common side
        ("Haqqani", None, "taliban"),
        ("Akhund", None, "taliban"),
        # never a guess: another Haqqani is not a Taliban member
        ("Husain Haqqani", None, None),
    ],
)
def test_actors_surnames_name_one_person_or_only_a_side(actors, name, member, side) -> None:
    assert actors.member(name) == member
    assert actors.side_of(name) == side


def test_actors_shared_surname_across_actors_gives_nothing(tmp_path: Path) -> None:
    f = tmp_path / "actors.yaml"
    f.write_text(
        "actors:\n  a: {name: A, members: [John Smith]}\n  b: {name: B, members: [Jane Smith]}\n",
        encoding="utf-8",
    )
    other = load_actors(f)
    assert other.member("Smith") is None and other.side_of("Smith") is None
    assert other.side_of("Jane Smith") == "b"
