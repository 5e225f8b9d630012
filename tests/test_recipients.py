"""Whom an event is done to: the checks the golden file cannot make (what must be absent)."""

from __future__ import annotations

import datetime as dt


def _pairs(coder, text: str) -> set[tuple[str, str | None, str | None]]:
    events = coder.code(text, published=dt.date(2018, 12, 20), doc_id="t")
    return {(e.event, e.actor.country, e.recipient.country if e.recipient else None) for e in events}


def test_own_troops_are_not_the_recipient_of_a_withdrawal(coder) -> None:
    pairs = _pairs(coder, "Donald Trump ordered the withdrawal of 2,000 US troops from Syria.")
    assert not any(p[1] == "USA" and p[2] == "USA" for p in pairs), pairs
    pairs = _pairs(coder, "Donald Trump plans to withdraw all US troops from Syria.")
    assert ("AGREE", "USA", "SYR") in pairs and ("AGREE", "USA", "USA") not in pairs


def test_a_capital_before_an_attack_noun_is_where_not_who(coder) -> None:
    pairs = _pairs(coder, "Officials discussed the Paris terror attacks of 2015 on Monday.")
    assert not any(p[0] == "ASSAULT" and p[1] == "FRA" for p in pairs), pairs


def test_a_backing_clause_is_not_the_target_of_the_main_act(coder) -> None:
    pairs = _pairs(
        coder, "Syrian government forces continue to pound the area, backed by Iranian allies."
    )
    assert not any(p[0] == "ASSAULT" and p[2] == "IRN" for p in pairs), pairs


def test_a_later_act_of_another_party_is_not_the_recipient(coder) -> None:
    pairs = _pairs(
        coder,
        "Reports suggest the pair were seized by Syrian rebel forces in January, then at "
        "some stage made available for interrogation by US forces.",
    )
    assert not any(p[0] == "COERCE" and p[2] == "USA" for p in pairs), pairs


def test_a_group_named_in_the_sentence_is_no_place(coder) -> None:
    events = coder.code("Egypt mediated between Israel and Hamas on Thursday.",
                        published=dt.date(2019, 5, 6), doc_id="t")
    assert events and all(e.location is None or e.location.country != "DEU" for e in events)


def test_a_national_security_council_is_not_the_un_security_council(coder) -> None:
    pairs = _pairs(coder, "Trump agreed at a US National Security Council meeting on Tuesday "
                          "to keep US troops in Syria a little longer.")
    assert not any(p[2] == "UNO" for p in pairs), pairs


def test_an_expulsion_years_before_keeps_its_own_time(coder) -> None:
    pairs = _pairs(coder, "The Arab League is poised to re-admit Syria, seven years after "
                          "expelling it.")
    assert not any(p[0] == "THREATEN" for p in pairs), pairs
