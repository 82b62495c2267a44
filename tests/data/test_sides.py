"""Sides from how the article describes a speaker (newsclf.data.sides): actor ties, "other",
and nothing said (None)."""

from __future__ import annotations

import pytest

from newsclf.data.actors import load_actors
from newsclf.data.sides import (
    OTHER,
    description_after,
    description_before,
    is_organisation,
    side_from_descriptions,
)


@pytest.fixture(scope="module")
def actors():
    return load_actors()


@pytest.mark.parametrize(
    ("name", "descriptions", "side"),
    [
        # the article ties the speaker to an actor
        ("Qari Ahmad", ["a Taliban commander"], "taliban"),
        ("Qari Ahmad", ["the Islamic Emirate's deputy minister"], "taliban"),
        ("Ahmad Wali", ["spokesman for the resistance front"], "nrf"),
        ("Ahmad Wali", ["a senior official of the NRF"], "nrf"),
        ("Ahmad Wali", ["a former army general who joined the resistance"], "nrf"),
        ("Ahmad Wali", ["", "a member of the Taliban's negotiating team in Doha"], "taliban"),
        ("the militant group", [], "taliban"),
        ("Taliban", [], "taliban"),
        # listed members whatever the article says
        ("Amrullah Saleh", ["former vice president"], "nrf"),
        ("Mujahid", [], "taliban"),
        # described, but tied to neither side
        ("Antony Blinken", ["US Secretary of State"], OTHER),
        ("UN spokesman", ["a UN spokesman"], OTHER),
        ("Abdul Rahman", ["a shopkeeper in the Panjshir capital Bazarak"], OTHER),
        ("Ahmad", ["a shopkeeper who fled the Taliban"], OTHER),  # an actor named near is no tie
        ("Ahmad", ["an anti-Taliban activist"], OTHER),
        ("Pentagon", [], OTHER),  # an organisation
        ("UNICEF", [], OTHER),
        # nothing said: empty side, never a guess
        ("Ahmad Wali", [], None),
        ("Ahmad Wali", ["", ""], None),
    ],
)
def test_sides_from_descriptions(actors, name, descriptions, side) -> None:
    assert side_from_descriptions(name, descriptions, actors) == side


def test_sides_without_actors_are_none() -> None:
    assert side_from_descriptions("Taliban", ["a Taliban commander"], None) is None


@pytest.mark.parametrize(
    ("text", "name", "before", "after"),
    [
        ("Taliban spokesman Zabihullah Mujahid said", "Zabihullah Mujahid", "Taliban spokesman", ""),
        ("Pakistan's foreign minister, Shah Mahmood Qureshi, told reporters", "Shah Mahmood Qureshi",
         "Pakistan's foreign minister", ""),
        ("But Ali Maisam Nazary, the head of foreign relations for the NRF, said", "Ali Maisam Nazary",
         "", "the head of foreign relations for the NRF"),
        ("said Hamid, 34, a teacher who fled to Kabul.", "Hamid", "", "a teacher who fled to Kabul"),
        ("Ahmad Massoud, and his men, left", "Ahmad Massoud", "", ""),
    ],
)
def test_sides_descriptions_around_a_name(text, name, before, after) -> None:
    start = text.index(name)
    assert description_before(text, start) == before
    assert description_after(text, start + len(name)) == after


@pytest.mark.parametrize(
    ("name", "org"),
    [("UN", True), ("NATO", True), ("the State Department", True), ("Human Rights Watch", True),
     ("Ahmad Massoud", False), ("Kabul", False)],
)
def test_sides_is_organisation(name, org) -> None:
    assert is_organisation(name) is org
