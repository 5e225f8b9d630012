"""Who "he", "she" and unnamed victims are, across the sentences of an article."""

from __future__ import annotations

import datetime as dt


def _coded(coder, text: str):
    return coder.code(text, published=dt.date(2019, 3, 2), doc_id="t")


def test_she_after_an_unknown_speaker_is_not_the_last_leader_named(coder) -> None:
    events = _coded(
        coder,
        "Vladimir Putin met Recep Tayyip Erdogan on Monday. "
        "Natalia Ivanova, a lawyer, said the family would appeal. "
        "She denied taking part in violence.",
    )
    denial = [e for e in events if e.event == "REJECT"]
    assert denial and denial[0].actor.country is None
    assert denial[0].actor.name == "Natalia Ivanova"


def test_he_still_follows_a_known_leader(coder) -> None:
    events = _coded(coder, "Vladimir Putin met Recep Tayyip Erdogan on Monday. Later he visited Ankara.")
    visit = [e for e in events if e.trigger.text == "visited"]
    assert visit and visit[0].actor.country == "RUS"


def test_an_unnamed_he_acts_without_a_country(coder) -> None:
    events = _coded(coder, "He accused Russia of lying about the attack.")
    assert [(e.event, e.actor.text, e.actor.country) for e in events] == [("ACCUSE", "He", None)]


def test_victims_without_a_country_are_of_the_war_the_article_is_about(coder) -> None:
    text = (
        "Syrian government forces pressed their offensive in Syria on Sunday. "
        "Rebels in Syria said the army had shelled Idlib and Hama. "
        "Damascus denied it. Syria's army also shelled Homs. "
        "More than 40 people were killed in airstrikes on Saturday."
    )
    killed = [e for e in _coded(coder, text) if e.trigger.text == "killed"]
    assert killed and killed[0].recipient is not None
    assert killed[0].recipient.country == "SYR"


def test_he_is_the_unknown_subject_just_named_not_the_last_leader(coder) -> None:
    events = _coded(
        coder,
        "Vladimir Putin met Recep Tayyip Erdogan on Monday. "
        "Sajid Javid caused controversy when he ordered that Begum be stripped of her "
        "British citizenship.",
    )
    order = [e for e in events if e.trigger.text == "ordered"]
    assert order and order[0].actor.name != "Vladimir Putin"


def test_a_day_named_by_a_sentence_without_an_event_dates_the_paragraph(coder) -> None:
    text = (
        "Speaking as the airstrikes got under way early on Saturday, the defence "
        "secretary sounded calm. The Assad regime, the US defence secretary said, had "
        "defied the norms of civilised people."
    )
    events = coder.code(text, published=dt.date(2018, 4, 15), doc_id="t")
    accusation = [e for e in events if e.event == "ACCUSE"]
    assert accusation and accusation[0].date == "2018-04-14"


def test_an_infinitive_under_a_past_verb_is_told_in_the_past(coder) -> None:
    text = (
        "On Friday the Russian foreign minister met his Turkish counterpart. "
        "The US president used a televised address to castigate Russia."
    )
    events = coder.code(text, published=dt.date(2018, 4, 15), doc_id="t")
    castigation = [e for e in events if e.trigger.text == "castigate"]
    assert castigation and castigation[0].date == "2018-04-13"


def test_a_bare_capitalised_title_word_is_a_surname(coder) -> None:
    events = _coded(coder, "Bishop told reporters that the talks must resume.")
    assert all(e.actor.sector is None for e in events)  # not a bishop of a church


def test_kurdish_forces_do_not_take_the_country_the_article_is_about(coder) -> None:
    text = (
        "The American woman who joined Isis wants to return to the United States. "
        "Her parents in the United States say she was misled. The US State Department "
        "has not commented. She was captured by Kurdish forces last month."
    )
    captured = [e for e in _coded(coder, text) if e.trigger.text == "captured"]
    assert captured and captured[0].actor.country != "USA"
