"""The actor knowledge base: built-in tables, people roles, lookups and codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from importlib import resources
from pathlib import Path

import pytest

from detente.errors import ResourceError
from detente.knowledge import KB_VERSION, ActorKB, EntryKind, KBEntry, normalise_title
from detente.records import Sector

PEOPLE = """name,aliases,country,sector,title,start,end
Shah Mahmood Qureshi,Qureshi|FM Qureshi,PAK,GOV,foreign minister,2008-03-31,2011-02-11
Shah Mahmood Qureshi,Qureshi|FM Qureshi,PAK,GOV,Foreign Minister,2018-08-20,2022-04-10
Hina Rabbani Khar,Khar,PAK,GOV,minister of foreign affairs,2011-07-19,2013-03-16
Bilawal Bhutto Zardari,Bilawal,PAK,GOV,foreign minister,2022-04-27,2023-08-10
Sergey Lavrov,Lavrov|Sergei Lavrov,RUS,GOV,foreign minister,2004-03-09,
Mike Pompeo,Pompeo,USA,GOV,secretary of state,2018-04-26,2021-01-20
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> ActorKB:
    people = tmp_path_factory.mktemp("kb") / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    return ActorKB.load(people=people)


def _table(name: str) -> list[dict[str, str]]:
    text = resources.files("detente.data.kb").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_every_state_row_has_a_valid_unique_iso3() -> None:
    rows = _table("states.csv")
    codes = [row["iso3"] for row in rows]
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in codes)
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z]{3}", row["cameo"]) for row in rows)
    # 193 UN members, 2 observers, Taiwan and Kosovo, and the Soviet Union (history is news)
    assert len(rows) == 198
    assert {"TWN", "XKX", "PSE", "VAT", "PAK", "RUS"} <= set(codes)


def test_kosovo_keeps_iso3_as_country_and_ksv_in_codes(kb: ActorKB) -> None:
    (entry,) = kb.lookup("Kosovo")
    assert (entry.country, entry.code) == ("XKX", "KSV")
    assert kb.cameo_code("XKX", Sector.GOV) == "KSVGOV"
    assert kb.country_name("KSV") == "Kosovo"


def test_agent_titles_are_normalised_titles() -> None:
    titles = {row["title"] for row in _table("agents.csv") if row["title"]}
    assert titles
    assert all(normalise_title(title) == title for title in titles)


def test_table_codes_are_known() -> None:
    iso3 = {row["iso3"] for row in _table("states.csv")}
    assert all(row["iso3"] in iso3 for row in _table("seats.csv"))
    assert all(row["country"] in iso3 for row in _table("groups.csv") if row["country"])
    assert all(row["sector"] in {"IGO", "NGO"} for row in _table("igos.csv"))


@pytest.mark.parametrize(
    ("text", "kind", "country", "sector"),
    [
        ("Pakistan", EntryKind.STATE, "PAK", None),
        ("U.S.", EntryKind.STATE, "USA", None),
        ("Russians", EntryKind.ADJECTIVE, "RUS", None),
        ("Emirati", EntryKind.ADJECTIVE, "ARE", None),
        ("the Kremlin", EntryKind.SEAT, "RUS", Sector.GOV),
        ("Pentagon", EntryKind.SEAT, "USA", Sector.MIL),
        ("Islamabad", EntryKind.SEAT, "PAK", Sector.GOV),
        ("Security Council", EntryKind.IGO, "UNO", Sector.IGO),
        ("Red Cross", EntryKind.IGO, "ICRC", Sector.NGO),
        ("Daesh", EntryKind.GROUP, None, Sector.IMG),
        ("Taliban", EntryKind.GROUP, "AFG", Sector.REB),
        ("YPG", EntryKind.GROUP, "SYR", Sector.REB),
        ("troops", EntryKind.AGENT, None, Sector.MIL),
        ("riot police", EntryKind.AGENT, None, Sector.COP),
    ],
)
def test_lookup_finds_the_entry(
    kb: ActorKB, text: str, kind: EntryKind, country: str | None, sector: Sector | None
) -> None:
    entry = kb.lookup(text)[0]
    assert (entry.kind, entry.country, entry.sector) == (kind, country, sector)


def test_lookup_is_case_sensitive_for_names_but_not_agents(kb: ActorKB) -> None:
    assert kb.lookup("turkey") == ()
    assert kb.lookup("us") == ()
    assert kb.lookup("Turkey")[0].country == "TUR"
    assert kb.lookup("Foreign Minister")[0].title == "foreign minister"


def test_seat_names_the_state_it_stands_for(kb: ActorKB) -> None:
    assert kb.lookup("Moscow")[0].name == "Russia"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Foreign Secretary", "foreign minister"),
        ("secretary of state", "foreign minister"),
        ("Minister of Foreign Affairs", "foreign minister"),
        ("Defense Secretary", "defence minister"),
        ("defence secretary", "defence minister"),
        ("Premier", "prime minister"),
        ("Vice-President", "vice president"),
        ("Secretary General", "secretary-general"),
        ("the  Supreme Leader", "supreme leader"),
        ("plumber", None),
    ],
)
def test_normalise_title(text: str, title: str | None) -> None:
    assert normalise_title(text) == title


def test_person_with_two_terms_is_one_person_with_two_roles(kb: ActorKB) -> None:
    (qureshi,) = kb.lookup("Qureshi")
    assert qureshi.kind is EntryKind.PERSON
    assert qureshi.name == "Shah Mahmood Qureshi"
    assert (qureshi.country, qureshi.sector, qureshi.code) == ("PAK", Sector.GOV, "PAKGOV")
    assert [r.start for r in qureshi.roles] == [dt.date(2008, 3, 31), dt.date(2018, 8, 20)]
    assert all(r.title == "foreign minister" for r in qureshi.roles)
    assert kb.lookup("FM Qureshi")[0].roles == qureshi.roles


def test_role_on_a_date(kb: ActorKB) -> None:
    (qureshi,) = kb.lookup("Shah Mahmood Qureshi")
    role = kb.role_on(qureshi, dt.date(2020, 1, 10))
    assert role is not None and role.start == dt.date(2018, 8, 20)
    assert kb.role_on(qureshi, dt.date(2015, 1, 1)) is None
    latest = kb.role_on(qureshi, None)
    assert latest is not None and latest.end == dt.date(2022, 4, 10)


@pytest.mark.parametrize(
    ("country", "title", "on", "name"),
    [
        ("PAK", "foreign minister", dt.date(2020, 1, 10), "Shah Mahmood Qureshi"),
        ("PAK", "Foreign Minister", dt.date(2010, 1, 10), "Shah Mahmood Qureshi"),
        ("PAK", "minister of foreign affairs", dt.date(2012, 1, 10), "Hina Rabbani Khar"),
        ("PAK", "foreign minister", dt.date(2023, 1, 1), "Bilawal Bhutto Zardari"),
        ("USA", "Secretary of State", dt.date(2020, 1, 10), "Mike Pompeo"),
        ("RUS", "foreign minister", dt.date(2020, 1, 10), "Sergey Lavrov"),
    ],
)
def test_office_holder(kb: ActorKB, country: str, title: str, on: dt.date, name: str) -> None:
    holder = kb.office_holder(country, title, on)
    assert holder is not None and holder.name == name


def test_office_holder_none_when_vacant_or_unknown(kb: ActorKB) -> None:
    assert kb.office_holder("PAK", "foreign minister", dt.date(2016, 1, 1)) is None
    assert kb.office_holder("USA", "foreign minister", dt.date(2022, 1, 1)) is None


def test_country_names_and_codes(kb: ActorKB) -> None:
    assert kb.country_name("PAK") == "Pakistan"
    assert kb.country_name("UNO") == "United Nations"
    assert kb.country_name("ZZZ") is None
    assert kb.cameo_code("PAK", Sector.GOV) == "PAKGOV"
    assert kb.cameo_code("RUS", None) == "RUS"
    assert kb.cameo_code("UNO", Sector.IGO) == "IGOUNO"
    assert kb.cameo_code("NATO", None) == "IGOWSTNAT"
    assert kb.cameo_code(None, Sector.IMG) == "IMG"
    assert kb.cameo_code(None, None) is None


def test_version(kb: ActorKB) -> None:
    assert kb.version == KB_VERSION
    assert KB_VERSION.startswith("kb ")


def test_missing_people_file_is_a_resource_error(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="people table"):
        ActorKB.load(people=tmp_path / "nope.csv")


def test_bad_people_row_names_the_line(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "name,aliases,country,sector,title,start,end\nX Y,,PAK,GOV,president,2020-13-01,\n",
        encoding="utf-8",
    )
    with pytest.raises(ResourceError, match="line 2.*ISO date"):
        ActorKB.load(people=people)


def test_kb_from_entries_drops_exact_duplicates() -> None:
    entry = KBEntry("Atlantis", EntryKind.STATE, "Atlantis", "ATL", None, "ATL")
    kb = ActorKB(entries=[entry, entry], version="test")
    assert kb.entries == (entry,)
    assert kb.country_name("ATL") == "Atlantis"
    assert kb.cameo_code("ATL", Sector.MIL) == "ATLMIL"


def test_a_table_row_with_an_unquoted_comma_is_refused_with_its_line() -> None:
    import pytest as _pytest

    from detente.errors import ResourceError
    from detente.knowledge import _rows

    text = "pattern,aliases,sector,title,kind\nrebels,rebel|militants,REB,,member|bombers\nx,y,REB,,member,extra\n"
    rows = _rows(text, "agents.csv", ("pattern", "aliases", "sector", "title", "kind"))
    assert next(rows)[1]["kind"] == "member|bombers"  # caught by the agent-kind check
    with _pytest.raises(ResourceError, match="agents.csv line 3: more fields"):
        next(rows)


@pytest.fixture(scope="module")
def builtin_kb() -> ActorKB:
    return ActorKB.load()


@pytest.mark.parametrize(
    ("name", "gender"),
    [("Theresa May", "f"), ("Angela Merkel", "f"), ("Vladimir Putin", "m")],
)
def test_gender_of_people_in_the_builtin_table(builtin_kb: ActorKB, name: str, gender: str) -> None:
    assert builtin_kb.gender_of(name) == gender
    person = next(e for e in builtin_kb.lookup(name) if e.kind is EntryKind.PERSON)
    assert person.gender == gender


def test_gender_is_unknown_without_the_column_or_the_person(kb: ActorKB) -> None:
    assert kb.gender_of("Sergey Lavrov") is None  # the test table has no gender column
    assert kb.gender_of("Nobody Atall") is None


def test_gender_may_be_empty_on_some_rows_of_a_person() -> None:
    from detente.knowledge import builtin_code_tables, read_people

    text = (
        "name,aliases,country,sector,title,start,end,gender\n"
        "Jo Doe,Doe,PAK,GOV,president,2001-01-01,2002-01-01,\n"
        "Jo Doe,Doe,PAK,GOV,president,2003-01-01,,f\n"
        "Al Roe,,PAK,GOV,foreign minister,2001-01-01,,\n"
    )
    entries = read_people(text, source="people.csv", tables=builtin_code_tables())
    assert {(e.pattern, e.gender) for e in entries} == {
        ("Jo Doe", "f"),
        ("Doe", "f"),
        ("Al Roe", None),
    }


@pytest.mark.parametrize("bad", ["x", "F", "female"])
def test_a_bad_gender_is_refused_with_its_line(tmp_path: Path, bad: str) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "name,aliases,country,sector,title,start,end,gender\n"
        "A B,,PAK,GOV,president,2020-01-01,,m\n"
        f"X Y,,PAK,GOV,president,2021-01-01,,{bad}\n",
        encoding="utf-8",
    )
    with pytest.raises(ResourceError, match=r"line 3: gender .* is not f, m or empty"):
        ActorKB.load(people=people)


def test_rows_of_one_person_that_disagree_on_gender_are_refused(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "name,aliases,country,sector,title,start,end,gender\n"
        "X Y,,PAK,GOV,foreign minister,2019-01-01,2020-01-01,m\n"
        "X Y,,PAK,GOV,president,2021-01-01,,f\n",
        encoding="utf-8",
    )
    with pytest.raises(ResourceError, match="line 3: gender 'f' for X Y disagrees"):
        ActorKB.load(people=people)
