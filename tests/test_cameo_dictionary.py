"""Importing CAMEO/PETRARCH actor and agent dictionaries."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from detente.cameo_dictionary import load_cameo_dictionary
from detente.errors import ResourceError
from detente.knowledge import ActorKB, EntryKind
from detente.records import Sector

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "cameo_dictionaries"

SAMPLE = """# a comment line
VLADIMIR_PUTIN_  # CountryInfo.txt
+PUTIN_
+PRESIDENT_VLADIMIR_PUTIN_
\t[RUSELI 700101-990809]
\t[RUSGOV 19991231-080507]
\t[RUSGOV >080508]
\t[RUSELI]
KOSOVO_ [KSV]
UN_ [IGOUNO]  #MleH 14 Jul 2009
UNHCR_\t[IGOUNOREFHCR]# NGO_Actors
HAMAS_
\t[PSEREBHMS]
OLD_TIMER_ [USAGOV <991231]
BROKEN_MAN_
\t[USAGOV 2004017-20061201]
\t[USAELI]
INDIAN_OCEAN  [---]
NOT_AN_ACTOR_
"""

AGENTS = """!PERSON! = MAN, MEN
BUSINESS!PERSON! [~BUS]
CHAMBER_OF_COMMERCE {CHAMBERS_OF_COMMERCE} [~BUS]
RIOT_POLICE {} [~COP]
DEPARMENT_OF_ENVIRONMENT [~ENV}
"""


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.actors.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def _by_pattern(path: Path) -> dict[str, object]:
    return {e.pattern: e for e in load_cameo_dictionary(path)}


def test_person_with_dated_codes(sample: Path) -> None:
    entries = _by_pattern(sample)
    putin = entries["Putin"]
    assert putin.kind is EntryKind.PERSON
    assert putin.name == "Vladimir Putin"
    assert (putin.country, putin.sector, putin.code) == ("RUS", Sector.GOV, "RUSGOV")
    assert not putin.case_sensitive
    spans = {(r.code, r.start, r.end) for r in putin.roles}
    assert spans == {
        ("RUSELI", dt.date(1970, 1, 1), dt.date(1999, 8, 9)),
        ("RUSGOV", dt.date(1999, 12, 31), dt.date(2008, 5, 7)),
        ("RUSGOV", dt.date(2008, 5, 8), None),
        ("RUSELI", None, None),
    }
    assert entries["President Vladimir Putin"].roles == putin.roles


def test_role_on_uses_date_restrictions(sample: Path) -> None:
    kb = ActorKB(entries=load_cameo_dictionary(sample), version="test")
    (putin,) = kb.lookup("Putin")
    assert kb.role_on(putin, dt.date(1990, 1, 1)).sector is Sector.ELI
    assert kb.role_on(putin, dt.date(2020, 1, 10)).sector is Sector.GOV
    # no dated code covers 1999-10-01: the undated default applies
    assert kb.role_on(putin, dt.date(1999, 10, 1)).code == "RUSELI"
    (old,) = kb.lookup("Old Timer")
    assert old.roles[0].end == dt.date(1999, 12, 31) and old.roles[0].start is None


def test_codes_split_into_country_and_sector(sample: Path) -> None:
    entries = _by_pattern(sample)
    assert (entries["Kosovo"].kind, entries["Kosovo"].country) == (EntryKind.STATE, "XKX")
    assert (entries["Un"].kind, entries["Un"].country) == (EntryKind.IGO, "UNO")
    unhcr = entries["Unhcr"]
    assert (unhcr.country, unhcr.sector, unhcr.code) == ("UNO", Sector.IGO, "IGOUNOREFHCR")
    hamas = entries["Hamas"]
    assert (hamas.kind, hamas.country, hamas.sector) == (EntryKind.GROUP, "PSE", Sector.REB)


def test_discards_and_codeless_entries_are_dropped(sample: Path) -> None:
    entries = _by_pattern(sample)
    assert "Indian Ocean" not in entries
    assert "Not An Actor" not in entries


def test_malformed_line_is_skipped_with_file_and_line(
    sample: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="detente.cameo_dictionary"):
        entries = _by_pattern(sample)
    assert f"{sample}:16" in caplog.text
    broken = entries["Broken Man"]
    assert [r.code for r in broken.roles] == ["USAELI"]


def test_agent_dictionary(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "agents.txt"
    path.write_text(AGENTS, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="detente.cameo_dictionary"):
        entries = _by_pattern(path)
    assert entries["businessman"].sector is Sector.BUS
    assert entries["businessmen"].kind is EntryKind.AGENT
    assert entries["chambers of commerce"].sector is Sector.BUS
    assert entries["riot police"].sector is Sector.COP
    assert "riot polices" not in entries
    assert "deparment of environment" not in entries
    assert f"{path}:5" in caplog.text


def test_missing_dictionary_is_a_resource_error(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="cannot read CAMEO dictionary"):
        load_cameo_dictionary(tmp_path / "absent.txt")


def test_builtin_entries_win_on_conflict(sample: Path) -> None:
    kb = ActorKB.load(dictionaries=[sample])
    assert kb.lookup("UN")[0].case_sensitive  # the built-in United Nations entry
    assert kb.lookup("Un") == ()  # the imported "UN_" pattern was dropped
    assert kb.lookup("Old Timer")[0].kind is EntryKind.PERSON
    assert "sample.actors.txt" in kb.version


def _shared(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared/data is only in the workplace and CI)")
    return path


def test_real_countries_dictionary_has_putin() -> None:
    # 54k lines; loads in about a second
    entries = load_cameo_dictionary(_shared("Phoenix.Countries.actors.txt"))
    assert len(entries) > 20000
    putin = next(e for e in entries if e.pattern == "Vladimir Putin")
    assert putin.kind is EntryKind.PERSON
    gov = [r for r in putin.roles if r.code == "RUSGOV"]
    assert any(r.start == dt.date(2008, 5, 8) and r.end is None for r in gov)
    assert any(r.start is not None and r.end is not None for r in gov)
    kosovo = next(e for e in entries if e.pattern == "Kosovo")
    assert kosovo.country == "XKX"


def test_real_international_and_militant_dictionaries() -> None:
    international = {
        e.pattern: e for e in load_cameo_dictionary(_shared("Phoenix.International.actors.txt"))
    }
    assert international["Unhcr"].country == "UNO"
    militant = {
        e.pattern: e for e in load_cameo_dictionary(_shared("Phoenix.MilNonState.actors.txt"))
    }
    assert militant["Hamas"].country == "PSE"
    agents = {e.pattern: e for e in load_cameo_dictionary(_shared("Phoenix.agents.txt"))}
    assert agents["business leader"].sector is Sector.BUS


def test_real_dictionaries_merge_into_the_kb() -> None:
    kb = ActorKB.load(dictionaries=[_shared("Phoenix.Countries.actors.txt")])
    assert kb.lookup("Turkey")[0].case_sensitive  # built-in wins
    (putin,) = kb.lookup("Vladimir Putin")[:1]
    role = kb.role_on(putin, dt.date(2020, 1, 21))
    assert role is not None and (role.country, role.sector) == ("RUS", Sector.GOV)
