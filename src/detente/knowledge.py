"""The actor knowledge base: states, seats of power, IGOs, armed groups, people, agent words.

`ActorKB.load()` reads the CSV tables under `detente/data/kb/` (and, optionally, existing
CAMEO/PETRARCH actor dictionaries through `detente.cameo_dictionary`) into `KBEntry`
records, one per surface pattern. Nothing is loaded at import time: build the KB once
and pass it to the stages that need it.

Tables (UTF-8 CSV with a header row; `|` separates several values in one cell):

    states.csv   iso3, cameo, name, aliases, adjectives, demonyms, seats
                 every UN member and observer state plus Taiwan and Kosovo. `country`
                 is ISO 3166-1 alpha-3 ("XKX"); `cameo` is the country part of CAMEO
                 codes ("KSV"). Seats are capitals and seats of power standing for the
                 government (sector GOV).
    seats.csv    pattern, iso3, sector
                 seats and institutions that stand for another sector ("Pentagon" MIL,
                 "Knesset" LEG, "ISI" SPY).
    igos.csv     code, name, aliases, country, sector, cameo_code
                 international organisations and prominent international NGOs. `country`
                 is what an actor gets in its `country` field ("UNO", "NATO", "EU");
                 organs carry their parent's code (Security Council -> "UNO").
                 `cameo_code` follows CAMEO's "IGO" + region + organisation pattern where
                 CAMEO has one ("IGOUNO", "IGOWSTNAT", "IGOEUREEC", "IGOMEAARL"), else
                 "IGO" + a short code ("IGOCASSCO", "IGOBRI"); NGOs use "NGO" + topic
                 ("NGOHLHIRC", "NGOHRIAMN").
    groups.csv   name, aliases, country, sector, code
                 non-state armed groups. `country` is the country the group operates in
                 (empty for transnational groups such as al-Qaeda and Islamic State).
                 Codes are country + sector + a three-letter group tag for national
                 groups ("AFGREBTAL", "PSEREBHMS") and "IMGMUS" + tag for transnational
                 jihadist groups ("IMGMUSISI", "IMGMUSALQ").
    agents.csv   pattern, aliases, sector, title, kind
                 lower-case generic words that give a sector ("troops" MIL, "foreign
                 minister" GOV). `title` is the normalised office title when the word is
                 one (see `normalise_title`); `kind` is "title" (an office held by one
                 person), "member" (a member of a group), "body" (an institution or
                 collective) or "relative" ("counterpart": the same sector of the other
                 side).
    people.csv   name, aliases, country, sector, title, start, end[, gender]
                 one row per term in office (written separately; optional). Rows with the
                 same name make one person with several `Role`s. `gender` ("f" or "m";
                 optional, empty for unknown) lets "she" and "he" be told apart.

Proper names match case-sensitively; agent words (all lower case) match any case.
Entries imported from CAMEO dictionaries (upper-case sources) carry
`case_sensitive=False`; the matcher accepts them only on capitalised text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from detente.errors import ResourceError
from detente.records import Sector

__all__ = [
    "KB_VERSION",
    "ActorKB",
    "EntryKind",
    "KBEntry",
    "Role",
    "normalise_title",
    "read_people",
]

logger = logging.getLogger(__name__)

KB_VERSION = "kb 2026.11"

_DATA_PACKAGE = "detente.data.kb"


class EntryKind(str, Enum):
    """What a knowledge-base pattern names."""

    STATE = "state"
    ADJECTIVE = "adjective"  # adjectives and demonyms: "Russian", "the Russians"
    SEAT = "seat"  # capitals and seats of power: "Moscow", "the Kremlin", "Pentagon"
    IGO = "igo"  # international organisations and their organs, international NGOs
    GROUP = "group"  # non-state armed groups, movements, parties
    PERSON = "person"
    AGENT = "agent"  # generic sector words: "troops", "foreign minister"


@dataclass(frozen=True)
class Role:
    """An office or affiliation a person holds, between two dates (inclusive).

    `start`/`end` are None when open. `country` and `sector` are None only for roles
    imported from CAMEO dictionaries whose code has no country ("[ELI]") or no known
    sector. `code` keeps the full CAMEO code of imported roles ("IGOUNOREFHCR").
    """

    country: str | None
    sector: Sector | None
    title: str
    start: dt.date | None
    end: dt.date | None
    code: str | None = None

    def covers(self, on: dt.date) -> bool:
        """True when `on` falls within the role's dates."""
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass(frozen=True)
class KBEntry:
    """One surface pattern and what it stands for."""

    pattern: str
    kind: EntryKind
    name: str
    country: str | None
    sector: Sector | None
    code: str | None
    title: str | None = None
    roles: tuple[Role, ...] = ()
    case_sensitive: bool = True
    agent_kind: str | None = None
    gender: str | None = None  # people only: "f", "m" or None (unknown)


# --- titles -----------------------------------------------------------------------------

_TITLE_SYNONYMS: Mapping[str, str] = MappingProxyType(
    {
        # canonical titles map to themselves
        **{
            t: t
            for t in (
                "president",
                "vice president",
                "prime minister",
                "deputy prime minister",
                "foreign minister",
                "defence minister",
                "interior minister",
                "finance minister",
                "minister",
                "chancellor",
                "king",
                "queen",
                "crown prince",
                "emir",
                "sultan",
                "supreme leader",
                "secretary-general",
                "ambassador",
                "envoy",
                "spokesperson",
                "leader",
                "speaker",
                "army chief",
                "chief of staff",
                "high representative",
                "director-general",
            )
        },
        "vice-president": "vice president",
        "vp": "vice president",
        "premier": "prime minister",
        "pm": "prime minister",
        "head of government": "prime minister",
        "deputy pm": "deputy prime minister",
        "vice premier": "deputy prime minister",
        "foreign secretary": "foreign minister",
        "secretary of state": "foreign minister",
        "minister of foreign affairs": "foreign minister",
        "minister for foreign affairs": "foreign minister",
        "foreign affairs minister": "foreign minister",
        "fm": "foreign minister",
        "defense minister": "defence minister",
        "defence secretary": "defence minister",
        "defense secretary": "defence minister",
        "secretary of defense": "defence minister",
        "secretary of defence": "defence minister",
        "minister of defence": "defence minister",
        "minister of defense": "defence minister",
        "minister for defence": "defence minister",
        "home secretary": "interior minister",
        "home minister": "interior minister",
        "interior secretary": "interior minister",
        "minister of interior": "interior minister",
        "minister of the interior": "interior minister",
        "minister of finance": "finance minister",
        "treasury secretary": "finance minister",
        "secretary of the treasury": "finance minister",
        "chancellor of the exchequer": "finance minister",
        "secretary general": "secretary-general",
        "un secretary-general": "secretary-general",
        "un secretary general": "secretary-general",
        "director general": "director-general",
        "spokesman": "spokesperson",
        "spokeswoman": "spokesperson",
        "monarch": "king",
        "amir": "emir",
        "army chief of staff": "army chief",
        "chief of army staff": "army chief",
        "head of state": "president",
    }
)


def normalise_title(text: str) -> str | None:
    """The canonical lower-case office title for `text`, or None if it is not a known title.

    "Foreign Secretary", "secretary of state" and "Minister of Foreign Affairs" all give
    "foreign minister"; "Premier" gives "prime minister"; "Defense Secretary" gives
    "defence minister".
    """
    key = " ".join(text.replace("\u2019", "'").casefold().split())
    key = re.sub(r"\s*-\s*", "-", key)
    key = key.removeprefix("the ")
    found = _TITLE_SYNONYMS.get(key)
    if found is None and "-" in key:
        found = _TITLE_SYNONYMS.get(key.replace("-", " "))
    return found


# --- reading the tables -------------------------------------------------------------------


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split("|") if part.strip()]


def _sector(value: str, where: str) -> Sector:
    try:
        return Sector(value.strip().upper())
    except ValueError as exc:
        raise ResourceError(
            f"{where}: unknown sector {value!r}; use one of {', '.join(s.value for s in Sector)}"
        ) from exc


def _parse_date(value: str, where: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ResourceError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)") from exc


# A person's gender in people.csv: "f", "m", or empty for unknown.
_GENDERS = frozenset({"f", "m"})


def _gender(value: str, where: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if value not in _GENDERS:
        raise ResourceError(
            f"{where}: gender {value!r} is not f, m or empty (unknown); correct the row"
        )
    return value


# What an agent word names: a body ("ministry"), a member ("rebels"), a title
# ("foreign minister") or a relative ("his wife").
_AGENT_KINDS = frozenset({"body", "member", "title", "relative"})


def _rows(text: str, source: str, columns: Sequence[str]) -> Iterator[tuple[str, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ResourceError(
            f"{source}: missing column(s) {', '.join(missing)}; "
            f"the header must be {','.join(columns)}"
        )
    for row in reader:
        where = f"{source} line {reader.line_num}"
        if row.get(None):  # type: ignore[call-overload]
            raise ResourceError(
                f"{where}: more fields than the header's {len(reader.fieldnames or [])}; "
                "a value with a comma must be quoted"
            )
        yield where, {k: (v or "").strip() for k, v in row.items() if k}


def _package_table(filename: str, *, required: bool = True) -> str | None:
    resource = resources.files(_DATA_PACKAGE).joinpath(filename)
    if not resource.is_file():
        if required:
            raise ResourceError(
                f"knowledge-base table {filename} is missing from detente/data/kb; "
                "reinstall detente"
            )
        return None
    return resource.read_text(encoding="utf-8")


@dataclass(frozen=True)
class _Tables:
    """Country and IGO code tables needed to turn (country, sector) into CAMEO codes."""

    state_cameo: Mapping[str, str]  # iso3 -> CAMEO country code
    cameo_iso3: Mapping[str, str]  # CAMEO country code -> iso3
    igo_codes: Mapping[str, str]  # IGO country code ("UNO") -> CAMEO code ("IGOUNO")
    igo_by_cameo: Mapping[str, str]  # CAMEO IGO code ("IGOUNOREFHCR") -> country ("UNO")


def _read_builtin() -> tuple[_Tables, list[KBEntry]]:
    """Read the built-in tables except people: the code tables and the entries, in order."""
    entries: list[KBEntry] = []
    state_cameo: dict[str, str] = {}
    cameo_iso3: dict[str, str] = {}
    state_names: dict[str, str] = {}

    states = _package_table("states.csv") or ""
    columns = ("iso3", "cameo", "name", "aliases", "adjectives", "demonyms", "seats")
    for where, row in _rows(states, "states.csv", columns):
        iso3, cameo, name = row["iso3"], row["cameo"] or row["iso3"], row["name"]
        if not re.fullmatch(r"[A-Z]{3}", iso3) or not re.fullmatch(r"[A-Z]{3}", cameo):
            raise ResourceError(f"{where}: iso3 and cameo must be three capital letters")
        if iso3 in state_cameo:
            raise ResourceError(f"{where}: {iso3} appears twice in states.csv")
        state_cameo[iso3] = cameo
        cameo_iso3[cameo] = iso3
        state_names[iso3] = name
        for pattern in [name, *_split(row["aliases"])]:
            entries.append(KBEntry(pattern, EntryKind.STATE, name, iso3, None, cameo))
        for pattern in [*_split(row["adjectives"]), *_split(row["demonyms"])]:
            entries.append(KBEntry(pattern, EntryKind.ADJECTIVE, name, iso3, None, cameo))
        for pattern in _split(row["seats"]):
            entries.append(KBEntry(pattern, EntryKind.SEAT, name, iso3, Sector.GOV, f"{cameo}GOV"))

    seats = _package_table("seats.csv", required=False)
    if seats:
        for where, row in _rows(seats, "seats.csv", ("pattern", "iso3", "sector")):
            iso3 = row["iso3"]
            if iso3 not in state_cameo:
                raise ResourceError(f"{where}: {iso3!r} is not an iso3 code in states.csv")
            sector = _sector(row["sector"], where)
            entries.append(
                KBEntry(
                    row["pattern"],
                    EntryKind.SEAT,
                    state_names[iso3],
                    iso3,
                    sector,
                    f"{state_cameo[iso3]}{sector.value}",
                )
            )

    igo_codes: dict[str, str] = {}
    igo_by_cameo: dict[str, str] = {}
    igos = _package_table("igos.csv") or ""
    igo_columns = ("code", "name", "aliases", "country", "sector", "cameo_code")
    for where, row in _rows(igos, "igos.csv", igo_columns):
        country = row["country"] or row["code"]
        sector = _sector(row["sector"] or "IGO", where)
        cameo_code = row["cameo_code"]
        igo_codes.setdefault(country, cameo_code)
        igo_by_cameo.setdefault(cameo_code, country)
        for pattern in [row["name"], *_split(row["aliases"])]:
            entries.append(
                KBEntry(pattern, EntryKind.IGO, row["name"], country, sector, cameo_code)
            )

    groups = _package_table("groups.csv") or ""
    for where, row in _rows(groups, "groups.csv", ("name", "aliases", "country", "sector", "code")):
        home: str | None = row["country"] or None
        if home is not None and home not in state_cameo:
            raise ResourceError(f"{where}: {home!r} is not an iso3 code in states.csv")
        sector = _sector(row["sector"], where)
        for pattern in [row["name"], *_split(row["aliases"])]:
            entries.append(
                KBEntry(pattern, EntryKind.GROUP, row["name"], home, sector, row["code"] or None)
            )

    agents = _package_table("agents.csv") or ""
    for where, row in _rows(
        agents, "agents.csv", ("pattern", "aliases", "sector", "title", "kind")
    ):
        sector = _sector(row["sector"], where)
        title = row["title"] or None
        if row["kind"] and row["kind"] not in _AGENT_KINDS:
            raise ResourceError(
                f"{where}: agent kind {row['kind']!r} is not one of {', '.join(sorted(_AGENT_KINDS))}"
            )
        for pattern in [row["pattern"], *_split(row["aliases"])]:
            entries.append(
                KBEntry(
                    pattern.lower(),
                    EntryKind.AGENT,
                    row["pattern"],
                    None,
                    sector,
                    None,
                    title=title,
                    agent_kind=row["kind"] or None,
                )
            )

    tables = _Tables(
        state_cameo=MappingProxyType(state_cameo),
        cameo_iso3=MappingProxyType(cameo_iso3),
        igo_codes=MappingProxyType(igo_codes),
        igo_by_cameo=MappingProxyType(igo_by_cameo),
    )
    return tables, entries


def _read_tables(people: Path | None = None) -> tuple[_Tables, list[KBEntry]]:
    """Read all built-in tables, people last: from `people` if given, else the optional
    package people.csv."""
    tables, entries = _read_builtin()
    if people is not None:
        try:
            text: str | None = people.read_text(encoding="utf-8")
        except OSError as exc:
            raise ResourceError(
                f"cannot read the people table {people}: {exc.strerror}; "
                "pass an existing CSV with columns name,aliases,country,sector,title,start,end"
                " (and optionally gender)"
            ) from exc
        source = str(people)
    else:
        text, source = _package_table("people.csv", required=False), "people.csv"
    if text:
        entries.extend(read_people(text, source=source, tables=tables))
    return tables, entries


def _latest_role(roles: Sequence[Role]) -> Role | None:
    """The role that is current or ended last; an open-ended role beats an ended one."""
    if not roles:
        return None
    return max(roles, key=lambda r: (r.end or dt.date.max, r.start or dt.date.min))


def _code_for(tables: _Tables, country: str | None, sector: Sector | None) -> str | None:
    if country is None:
        return sector.value if sector is not None else None
    if country in tables.igo_codes:
        return tables.igo_codes[country]
    cameo = tables.state_cameo.get(country)
    if cameo is None:
        if not re.fullmatch(r"[A-Z]{3}", country):
            return None
        cameo = country
    return cameo + (sector.value if sector is not None else "")


def read_people(text: str, *, source: str, tables: _Tables | None = None) -> list[KBEntry]:
    """Person entries from a people table (`name,aliases,country,sector,title,start,end`
    and an optional `gender` column).

    Rows with the same name are one person with several roles; every alias (and the
    name) becomes one entry carrying all the roles. Titles are normalised with
    `normalise_title`; an unknown title is kept as written, lower-cased. `gender` is
    "f", "m" or empty (unknown); a person's rows may leave it empty but must not disagree.
    """
    if tables is None:
        tables, _ = _read_builtin()
    columns = ("name", "aliases", "country", "sector", "title", "start", "end")
    roles: dict[str, list[Role]] = {}
    aliases: dict[str, list[str]] = {}
    genders: dict[str, str] = {}
    for where, row in _rows(text, source, columns):
        name = row["name"]
        if not name:
            raise ResourceError(f"{where}: empty name")
        gender = _gender(row.get("gender", ""), where)
        if gender is not None and genders.setdefault(name, gender) != gender:
            raise ResourceError(
                f"{where}: gender {gender!r} for {name} disagrees with "
                f"{genders[name]!r} on an earlier row; give one person one gender"
            )
        raw_title = row["title"]
        title = normalise_title(raw_title) or raw_title.lower()
        role = Role(
            country=row["country"] or None,
            sector=_sector(row["sector"] or "GOV", where),
            title=title,
            start=_parse_date(row["start"], where),
            end=_parse_date(row["end"], where),
        )
        roles.setdefault(name, []).append(role)
        known = aliases.setdefault(name, [name])
        known.extend(a for a in _split(row["aliases"]) if a not in known)
    entries: list[KBEntry] = []
    for name, person_roles in roles.items():
        ordered = tuple(sorted(person_roles, key=lambda r: r.start or dt.date.min))
        latest = _latest_role(ordered)
        assert latest is not None
        code = _code_for(tables, latest.country, latest.sector)
        for pattern in aliases[name]:
            entries.append(
                KBEntry(
                    pattern,
                    EntryKind.PERSON,
                    name,
                    latest.country,
                    latest.sector,
                    code,
                    title=latest.title or None,
                    roles=ordered,
                    gender=genders.get(name),
                )
            )
    return entries


def builtin_code_tables() -> _Tables:
    """The code tables of the built-in knowledge base (used by the CAMEO importer)."""
    tables, _ = _read_builtin()
    return tables


# --- the knowledge base ---------------------------------------------------------------------


class ActorKB:
    """Patterns for actors and lookups over them. Build once (`ActorKB.load()`), pass around."""

    def __init__(self, *, entries: Iterable[KBEntry], version: str) -> None:
        self.version = version
        unique: dict[tuple[str, EntryKind, str], KBEntry] = {}
        for entry in entries:
            unique.setdefault((entry.pattern, entry.kind, entry.name), entry)
        self.entries: tuple[KBEntry, ...] = tuple(unique.values())

        by_pattern: dict[str, list[KBEntry]] = {}
        by_folded: dict[str, list[KBEntry]] = {}
        country_names: dict[str, str] = {}
        state_cameo: dict[str, str] = {}
        cameo_iso3: dict[str, str] = {}
        igo_codes: dict[str, str] = {}
        igo_by_cameo: dict[str, str] = {}
        people: dict[str, KBEntry] = {}
        for entry in self.entries:
            by_pattern.setdefault(entry.pattern, []).append(entry)
            if entry.kind is EntryKind.AGENT or not entry.case_sensitive:
                by_folded.setdefault(entry.pattern.casefold(), []).append(entry)
            if entry.kind is EntryKind.STATE and entry.country and entry.pattern == entry.name:
                country_names.setdefault(entry.country, entry.name)
                if entry.code:
                    state_cameo.setdefault(entry.country, entry.code)
                    cameo_iso3.setdefault(entry.code, entry.country)
            elif entry.kind is EntryKind.IGO and entry.country and entry.pattern == entry.name:
                country_names.setdefault(entry.country, entry.name)
                if entry.code:
                    igo_codes.setdefault(entry.country, entry.code)
                    igo_by_cameo.setdefault(entry.code, entry.country)
            elif entry.kind is EntryKind.PERSON and entry.roles:
                people.setdefault(entry.name, entry)
        self._by_pattern = {k: tuple(v) for k, v in by_pattern.items()}
        self._by_folded = {k: tuple(v) for k, v in by_folded.items()}
        self._country_names = country_names
        self._people = tuple(people.values())
        self._people_by_name = people
        self._tables = _Tables(
            state_cameo=MappingProxyType(state_cameo),
            cameo_iso3=MappingProxyType(cameo_iso3),
            igo_codes=MappingProxyType(igo_codes),
            igo_by_cameo=MappingProxyType(igo_by_cameo),
        )

    def __repr__(self) -> str:
        return f"ActorKB(version={self.version!r}, entries={len(self.entries)})"

    @classmethod
    def load(cls, *, dictionaries: Sequence[Path] = (), people: Path | None = None) -> ActorKB:
        """The built-in knowledge base, plus CAMEO/PETRARCH actor dictionaries if given.

        `people` replaces the package's people.csv (same columns) when given.

        Dictionary entries are merged after the built-in ones; a dictionary pattern that
        the built-in tables already have (compared case-insensitively) is dropped, so
        built-in entries win on conflict.
        """
        _, entries = _read_tables(people)
        if not dictionaries:
            return cls(entries=entries, version=KB_VERSION)
        from detente.cameo_dictionary import load_cameo_dictionary

        taken = {e.pattern.casefold() for e in entries}
        merged = list(entries)
        names = []
        for path in dictionaries:
            imported = load_cameo_dictionary(Path(path))
            added = [e for e in imported if e.pattern.casefold() not in taken]
            logger.info(
                "%s: %d dictionary patterns, %d not already in the knowledge base",
                path,
                len(imported),
                len(added),
            )
            taken.update(e.pattern.casefold() for e in added)
            merged.extend(added)
            names.append(Path(path).name)
        return cls(entries=merged, version=f"{KB_VERSION} + {', '.join(names)}")

    def lookup(self, text: str) -> tuple[KBEntry, ...]:
        """Entries whose pattern is exactly `text`; for agent words and imported
        dictionary entries, any case."""
        found = self._by_pattern.get(text)
        if found:
            return found
        return self._by_folded.get(text.casefold(), ())

    def role_on(self, person: KBEntry, on: dt.date | None) -> Role | None:
        """The role `person` held on `on` (the latest-starting if several); None if none.

        An undated role (no start, no end) is the fallback when no dated role covers the
        date. With `on=None`, the latest role: the current one, or the one that ended last.
        """
        if on is None:
            return _latest_role(person.roles)
        covering = [r for r in person.roles if r.dated and r.covers(on)]
        if covering:
            return max(covering, key=lambda r: r.start or dt.date.min)
        undated = [r for r in person.roles if not r.dated]
        return undated[-1] if undated else None

    def gender_of(self, name: str) -> str | None:
        """The gender ("f" or "m") of the person whose canonical name (`KBEntry.name`) is
        `name`; None when the person is unknown or their gender is not recorded."""
        person = self._people_by_name.get(name)
        return person.gender if person is not None else None

    def office_holder(self, country: str, title: str, on: dt.date) -> KBEntry | None:
        """The person who held office `title` (any synonym) in `country` on `on`."""
        wanted = normalise_title(title) or title.casefold()
        best: tuple[dt.date, KBEntry] | None = None
        for person in self._people:
            for role in person.roles:
                if role.country == country and role.title == wanted and role.covers(on):
                    start = role.start or dt.date.min
                    if best is None or start > best[0]:
                        best = (start, person)
        return best[1] if best else None

    def country_name(self, code: str) -> str | None:
        """The name of a country (ISO3 or CAMEO code) or IGO code: "PAK" -> "Pakistan"."""
        name = self._country_names.get(code)
        if name is None and code in self._tables.cameo_iso3:
            name = self._country_names.get(self._tables.cameo_iso3[code])
        return name

    def cameo_code(self, country: str | None, sector: Sector | None) -> str | None:
        """The CAMEO-style code: ("PAK", GOV) -> "PAKGOV", ("XKX", GOV) -> "KSVGOV";
        an IGO country code gives the IGO's code ("UNO" -> "IGOUNO")."""
        return _code_for(self._tables, country, sector)
