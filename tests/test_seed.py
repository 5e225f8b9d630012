"""Acceptance on the seed article (publication date 2020-01-21), read from ../shared."""

from __future__ import annotations

import pytest
from conftest import shared_path


@pytest.fixture(scope="module")
def seed_events(coder):
    path = shared_path("seed", "pakistan-russia-cooperation.txt")
    return coder.code(path.read_text("utf-8"), published="2020-01-21", doc_id=path.stem)


def _find(events, event, actor, recipient=None, date=None):
    return [
        e
        for e in events
        if e.event == event
        and e.actor.country == actor
        and (recipient is None or (e.recipient is not None and e.recipient.country == recipient))
        and (date is None or e.date == date)
    ]


@pytest.mark.parametrize(
    ("event", "actor", "recipient", "date"),
    [
        ("CONSULT", "PAK", "RUS", "2020-01-10"),  # Qureshi called Lavrov on Jan. 10
        ("SUPPORT", "RUS", "PAK", None),  # the Russians praised Pakistan
        ("REQUEST", "PAK", "IRN", None),  # urged Iran's leadership to observe restraint
        ("CONSULT", "PAK", "SAU", None),  # visited Riyadh
        ("CONSULT", "PAK", "USA", None),  # travelled to the US to talk
        ("CONSULT", "PAK", "UNO", None),  # met Guterres
        ("CONSULT", "RUS", "SYR", None),  # Putin's visits to Syria ...
        ("CONSULT", "RUS", "TUR", None),  # ... and Turkey
    ],
)
def test_seed_required_events(seed_events, event, actor, recipient, date):
    found = _find(seed_events, event, actor, recipient, date)
    assert found, f"missing {actor}->{recipient} {event} {date or ''}"


def test_seed_most_of_the_optional_events(seed_events):
    optional = [
        _find(seed_events, "CONSULT", "PAK", "CHN"),
        _find(seed_events, "COOPERATE", "PAK", "RUS") + _find(seed_events, "COOPERATE", "RUS", "PAK")
        + _find(seed_events, "AGREE", "PAK", "RUS") + _find(seed_events, "AGREE", "RUS", "PAK"),
        _find(seed_events, "SUPPORT", "RUS", date="2018-04"),
        _find(seed_events, "SUPPORT", "PAK"),
    ]
    assert sum(bool(o) for o in optional) >= 3


def test_seed_people_resolve_with_gov_sector(seed_events):
    names = {
        (a.name, a.sector.value if a.sector else None)
        for e in seed_events
        for a in (e.actor, e.recipient)
        if a is not None
    }
    for person in ("Shah Mahmood Qureshi", "Sergey Lavrov", "Vladimir Putin"):
        assert (person, "GOV") in names, f"{person} not resolved with sector GOV: {sorted(names, key=str)}"


def test_seed_no_imagined_confrontation(seed_events):
    hostile = {"FIGHT", "ASSAULT", "COERCE", "MOBILIZE"}
    for e in seed_events:
        pair = {e.actor.country, e.recipient.country if e.recipient else None}
        assert not (e.event in hostile and pair == {"USA", "IRN"}), e.sentence


def test_seed_records_carry_evidence(seed_events):
    text = shared_path("seed", "pakistan-russia-cooperation.txt").read_text("utf-8")
    for e in seed_events:
        assert text[e.trigger.start : e.trigger.end] == e.trigger.text
        assert e.trigger.text in e.sentence
        assert 0 < e.confidence <= 1
        assert e.coder_version.startswith("detente ")
