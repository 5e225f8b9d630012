"""A separate title names a story's main event: headline grammar, and how it ranks events."""

from __future__ import annotations

import pytest

from detente.evaluate import headline_event

BODY = "Officials spoke to reporters on Monday. The weather was mild."


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Air Force Bombs Training Camp, No Survivors", "ASSAULT"),  # "bombs" tagged a noun
        ("Police in Lagos Allege Local Companies Violated Law", "ACCUSE"),  # "allege" too
        ("Bombs Kill 20 in Market", "ASSAULT"),  # a noun subject stays a noun
        ("Ministers Meet in Geneva to Discuss Border", "CONSULT"),
        ("Government to Detain Journalists if Protests Continue", "THREATEN"),
    ],
)
def test_headline_event_type(coder, title: str, expected: str) -> None:
    top = headline_event(coder.code(BODY, title=title, published="2020-01-21"))
    assert top is not None and top.event == expected


def test_headline_without_a_trigger_adds_nothing(coder) -> None:
    assert coder.code(BODY, title="A Look Back at the Week", published="2020-01-21") == []


def test_headline_record_when_the_body_has_no_event_of_its_type(coder) -> None:
    events = coder.code(BODY, title="Air Force Bombs Training Camp", published="2020-01-21")
    assert [(e.event, e.sentence_index) for e in events] == [("ASSAULT", -1)]
    assert events[0].trigger.text == "Bombs"


def test_body_event_of_the_headline_type_is_ranked_first(coder) -> None:
    text = (
        "Iran's foreign minister met his Turkish counterpart in Ankara on Monday. "
        "Separately, Turkish police arrested ten people in Istanbul."
    )
    events = coder.code(text, title="Police Arrest Ten in Istanbul", published="2020-01-21")
    top = headline_event(events)
    assert top is not None and top.event == "COERCE" and top.sentence_index == 1


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Government Lifts Curfew in Capital", "CONCEDE"),  # "lifts" read as a compound noun
        ("Kenya Releases Detained Activists", "RETREAT"),  # not the detention
        ("Sanctions on Iran Lifted After Deal", "RETREAT"),  # headline passive without "were"
        ("Shops Smashed by Violent Protesters in Lagos", "PROTEST"),  # the passive's agent
    ],
)
def test_headline_verbs_read_again(coder, title: str, expected: str) -> None:
    top = headline_event(coder.code(BODY, title=title, published="2020-01-21"))
    assert top is not None and top.event == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Kenya and Uganda Ratify Agreement on Trade", "SUPPORT"),  # finalising is support
        ("Oman and Iran Strengthen Ties", "SUPPORT"),  # diplomatic cooperation
        ("Japan and India Expand Cooperation in Energy", "COOPERATE"),  # material cooperation
        ("Peru and Chile Hold Talks on Border", "CONSULT"),
    ],
)
def test_headline_with_a_coordinated_subject(coder, title: str, expected: str) -> None:
    top = headline_event(coder.code(BODY, title=title, published="2020-01-21"))
    assert top is not None and top.event == expected


def test_history_an_article_recalls_is_left_out_unless_kept(coder) -> None:
    text = "In 2014, Russian troops attacked Ukraine. Russian troops attacked Ukraine on Monday."
    dates = [e.date for e in coder.code(text, published="2018-06-30")]
    assert dates == ["2018-06-25"]
    saved, coder.history_days = coder.history_days, None
    try:
        dates = [e.date for e in coder.code(text, published="2018-06-30")]
    finally:
        coder.history_days = saved
    assert dates == ["2014", "2018-06-25"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Protesters Storm Parliament in Skopje", "PROTEST"),  # who storms decides: a riot
        ("Workers Strike Over Unpaid Wages in Lagos", "PROTEST"),  # not an attack
    ],
)
def test_headline_verbs_keep_their_subject(coder, title: str, expected: str) -> None:
    top = headline_event(coder.code(BODY, title=title, published="2020-01-21"))
    assert top is not None and top.event == expected
