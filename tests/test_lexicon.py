"""The trigger lexicon: rules, conditions and the pre-parse filter."""

from __future__ import annotations

import pytest

from detente.lexicon import TriggerLexicon, inflections
from detente.ontology import PLOVER_TYPES, Ontology, quad_class
from detente.records import QuadClass


@pytest.fixture(scope="module")
def lexicon() -> TriggerLexicon:
    return TriggerLexicon.load(ontology=Ontology.load())


@pytest.fixture(scope="module")
def nlp():
    from detente.nlp import load_pipeline

    return load_pipeline()


def test_inflections_cover_regular_and_irregular_forms():
    assert {"attack", "attacks", "attacked", "attacking"} <= inflections("attack")
    assert {"met", "meets", "meeting"} <= inflections("meet")
    assert "blew" in inflections("blow")


def test_every_plover_type_has_a_quad_class():
    assert quad_class("CONSULT") is QuadClass.VERBAL_COOPERATION
    assert quad_class("ASSAULT") is QuadClass.MATERIAL_CONFLICT
    assert {quad_class(t) for t in PLOVER_TYPES} == set(QuadClass)


def test_filter_needs_the_words_a_conditioned_rule_needs(lexicon):
    # "down" is a trigger only as "downed a jet"; "close" only for borders, embassies ...
    assert not lexicon.may_hold_event({"the", "power", "supply", "is", "down"})
    assert lexicon.may_hold_event({"rebels", "downed", "a", "jet"})
    assert not lexicon.may_hold_event({"the", "shop", "will", "close"})
    assert lexicon.may_hold_event({"turkey", "closed", "its", "border"})
    assert lexicon.may_hold_event({"police", "arrested", "them"})


@pytest.mark.parametrize(
    ("sentence", "word", "event"),
    [
        ("Pakistan called on India to lift the curfew.", "called", "REQUEST"),
        ("Qureshi called Lavrov on Friday.", "called", "CONSULT"),
        ("The president called out the attack.", "called", "ACCUSE"),
        ("Police imposed a curfew on the city.", "imposed", "COERCE"),
        ("Washington imposed sanctions on Caracas.", "imposed", "SANCTION"),
        ("The army withdrew from the town.", "withdrew", "RETREAT"),
        ("The US withdrew from the nuclear deal.", "withdrew", "SANCTION"),
    ],
)
def test_conditions_choose_the_rule(lexicon, nlp, sentence, word, event):
    doc = nlp(sentence)
    token = next(t for t in doc if t.text == word)
    rule = lexicon.rule_for(token, lambda t: t.ent_type_ in ("PERSON", "GPE", "NORP", "ORG"))
    assert rule is not None and rule.event == event


def test_rules_that_ask_for_something_go_before_rules_that_only_rule_out(lexicon) -> None:
    # "agreed to all demands" is a concession: the rule naming demands is tried before the
    # near catch-all "agree (unless agreeing that ...)", whatever the order of the file
    rules = lexicon._rules[("agree", "V")]
    kinds = [r.when for r in rules]
    assert kinds.index("pobj=demand|demands|concession|concessions|terms|conditions") < kinds.index(
        "noccomp"
    )


def test_irregular_forms_reach_their_verb(lexicon) -> None:
    for form, lemma in (
        ("found", "find"),
        ("retook", "retake"),
        ("swept", "sweep"),
        ("brought", "bring"),
    ):
        assert form in inflections(lemma)
        assert lexicon.may_trigger(form)
    assert "aides" not in inflections("aid")  # another word
