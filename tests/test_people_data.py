"""Checks on the people table of the actor knowledge base (data/kb/people.csv).

The table is written by hand, so these tests guard its shape (columns, ISO dates,
codes) and a few facts that the seed example and the golden file depend on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from importlib import resources
from itertools import pairwise

import pytest

HEADER = ["name", "aliases", "country", "sector", "title", "start", "end", "gender"]
IGO_CODES = {"EU", "NATO", "UNO"}
SECTORS = {"GOV", "MIL", "IGO"}
# Surnames too common in world news to identify one person on their own.
AMBIGUOUS_SURNAMES = {
    "Khan",
    "Ali",
    "Singh",
    "Kim",
    "Lee",
    "Wang",
    "Li",
    "Johnson",
    "Brown",
    "Sharif",
}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    text = resources.files("detente").joinpath("data/kb/people.csv").read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert header == HEADER
    body = list(reader)
    for number, fields in enumerate(body, start=2):
        assert len(fields) == len(HEADER), f"line {number} has {len(fields)} fields: {fields}"
    return [dict(zip(HEADER, fields)) for fields in body]


def _aliases(row: dict[str, str]) -> list[str]:
    return [alias for alias in row["aliases"].split("|") if alias]


def test_table_is_large_enough_to_cover_the_listed_offices(rows: list[dict[str, str]]) -> None:
    assert len(rows) >= 500


def test_dates_are_iso_and_terms_do_not_end_before_they_start(rows: list[dict[str, str]]) -> None:
    for row in rows:
        start = dt.date.fromisoformat(row["start"])
        if row["end"]:
            end = dt.date.fromisoformat(row["end"])
            assert start <= end, row
            assert end >= dt.date(2000, 1, 1), f"term ended before the covered period: {row}"


def test_no_duplicate_terms(rows: list[dict[str, str]]) -> None:
    keys = [(row["name"], row["title"], row["start"]) for row in rows]
    duplicates = {key for key in keys if keys.count(key) > 1}
    assert not duplicates


def test_codes_sectors_and_titles_are_normalised(rows: list[dict[str, str]]) -> None:
    for row in rows:
        country = row["country"]
        assert (
            len(country) == 3 and country.isalpha() and country.isupper()
        ) or country in IGO_CODES, row
        assert row["sector"] in SECTORS, row
        assert (row["sector"] == "IGO") == (country in IGO_CODES), row
        assert row["title"] and row["title"] == row["title"].lower().strip(), row
        assert row["name"] == row["name"].strip() and row["name"], row


def test_aliases_are_consistent_per_person_and_never_shared(rows: list[dict[str, str]]) -> None:
    aliases_of: dict[str, str] = {}
    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        assert aliases_of.setdefault(row["name"], row["aliases"]) == row["aliases"], row["name"]
        assert row["name"] not in _aliases(row), row["name"]
        for form in [row["name"], *_aliases(row)]:
            assert form == form.strip(), form
            assert form not in AMBIGUOUS_SURNAMES, f"{form!r} is too ambiguous to be an alias"
            owners[form].add(row["name"])
    shared = {form: names for form, names in owners.items() if len(names) > 1}
    assert not shared


def test_one_holder_at_a_time_per_office(rows: list[dict[str, str]]) -> None:
    terms: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for row in rows:
        terms[(row["country"], row["title"])].append(
            (row["start"], row["end"] or "9999-12-31", row["name"])
        )
    for office, spans in terms.items():
        spans.sort()
        for (_, end, name), (start, _, successor) in pairwise(spans):
            assert end <= start, f"{office}: {name} until {end} overlaps {successor} from {start}"


@pytest.mark.parametrize(
    ("name", "title", "start", "end"),
    [
        ("Shah Mahmood Qureshi", "foreign minister", "2008-03-31", "2011-02-09"),
        ("Shah Mahmood Qureshi", "foreign minister", "2018-08-20", "2022-04-10"),
        ("Sergey Lavrov", "foreign minister", "2004-03-09", ""),
        ("Vladimir Putin", "president", "2000-05-07", "2008-05-07"),
        ("Vladimir Putin", "president", "2012-05-07", ""),
        ("Vladimir Putin", "prime minister", "1999-08-16", "2000-05-07"),
        ("Vladimir Putin", "prime minister", "2008-05-08", "2012-05-07"),
        ("Imran Khan", "prime minister", "2018-08-18", "2022-04-10"),
        ("António Guterres", "secretary-general", "2017-01-01", ""),
        ("Donald Trump", "president", "2017-01-20", "2021-01-20"),
        ("Donald Trump", "president", "2025-01-20", ""),
    ],
)
def test_known_terms(
    rows: list[dict[str, str]], name: str, title: str, start: str, end: str
) -> None:
    assert any(
        row["name"] == name
        and row["title"] == title
        and row["start"] == start
        and row["end"] == end
        for row in rows
    )


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        ("Sergey Lavrov", "Sergei Lavrov"),
        ("Recep Tayyip Erdoğan", "Erdogan"),
        ("Recep Tayyip Erdoğan", "Recep Tayyip Erdogan"),
        ("António Guterres", "Antonio Guterres"),
        ("Mohammed bin Salman", "MBS"),
        ("Shah Mahmood Qureshi", "Qureshi"),
    ],
)
def test_known_aliases(rows: list[dict[str, str]], name: str, alias: str) -> None:
    assert any(row["name"] == name and alias in _aliases(row) for row in rows)


def test_imran_khan_has_no_bare_surname_alias(rows: list[dict[str, str]]) -> None:
    imran = [row for row in rows if row["name"] == "Imran Khan"]
    assert imran and all("Khan" not in _aliases(row) for row in imran)
    assert {row["country"] for row in imran} == {"PAK"}
