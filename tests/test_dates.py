"""Date phrases: finding them in sentences and resolving them against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from detente.dates import DatePhrase, event_date, find_date_phrases, resolve_date
from detente.records import Precision, ResolvedDate

# The seed article was published on Tuesday 2020-01-21.
PUB = dt.date(2020, 1, 21)
WED = dt.date(2020, 1, 22)
D, M, Y = Precision.DAY, Precision.MONTH, Precision.YEAR


@pytest.mark.parametrize(
    ("phrase", "published", "value", "precision"),
    [
        # explicit dates
        ("On Jan. 10", PUB, "2020-01-10", D),
        ("Jan 10", PUB, "2020-01-10", D),
        ("10 January 2020", PUB, "2020-01-10", D),
        ("January 10, 2020", None, "2020-01-10", D),
        ("on 3 March", dt.date(2020, 3, 20), "2020-03-03", D),
        ("2019-03-04", None, "2019-03-04", D),
        ("the 5th of May", dt.date(2020, 6, 1), "2020-05-05", D),
        ("Dec. 28", PUB, "2019-12-28", D),  # no year: would be 11 months ahead -> last year
        ("March 3", PUB, "2020-03-03", D),  # six weeks ahead: still this year
        ("In April 2018", PUB, "2018-04", M),
        ("April 2018", None, "2018-04", M),
        ("in April", PUB, "2019-04", M),  # most recent April on or before publication
        ("in January", PUB, "2020-01", M),
        ("last May", dt.date(2020, 5, 20), "2019-05", M),
        ("in 2018", PUB, "2018", Y),
        ("since 2014", None, "2014", Y),
        ("in late 2019", PUB, "2019", Y),
        # weekdays
        ("on Tuesday", WED, "2020-01-21", D),
        ("on Tuesday", PUB, "2020-01-21", D),  # published on a Tuesday -> that day
        ("Tuesday", dt.date(2020, 1, 20), "2020-01-14", D),
        ("last Friday", PUB, "2020-01-17", D),
        ("next Tuesday", PUB, "2020-01-28", D),
        ("on Tuesday night", WED, "2020-01-21", D),
        # relative days
        ("yesterday", PUB, "2020-01-20", D),
        ("today", PUB, "2020-01-21", D),
        ("tonight", PUB, "2020-01-21", D),
        ("last night", dt.date(2020, 3, 1), "2020-02-29", D),
        ("two days ago", PUB, "2020-01-19", D),
        ("3 days ago", dt.date(2020, 1, 2), "2019-12-30", D),
        # weeks resolve to the month of the week's Wednesday
        ("last week", PUB, "2020-01", M),
        ("last week", dt.date(2020, 2, 3), "2020-01", M),  # week of Wed 2020-01-29
        ("this week", dt.date(2020, 2, 3), "2020-02", M),
        ("next week", dt.date(2020, 1, 27), "2020-02", M),  # week of Wed 2020-02-05
        ("three weeks ago", PUB, "2019-12", M),
        ("over the weekend", dt.date(2020, 2, 3), "2020-02", M),  # Sat 2020-02-01
        ("last weekend", dt.date(2020, 2, 1), "2020-01", M),  # published Sat -> Sat 01-25
        # months and years
        ("This month", PUB, "2020-01", M),
        ("earlier this month", PUB, "2020-01", M),
        ("last month", PUB, "2019-12", M),
        ("this year", PUB, "2020", Y),
        ("earlier this year", PUB, "2020", Y),
        ("last year", PUB, "2019", Y),
        ("two years ago", PUB, "2018", Y),
        ("six months ago", PUB, "2019-07", M),
        # outside the rules: dateparser
        ("2020/01/10", None, "2020-01-10", D),
    ],
)
def test_resolve_date(
    phrase: str, published: dt.date | None, value: str, precision: Precision
) -> None:
    assert resolve_date(phrase, published) == ResolvedDate(value, precision, phrase)


@pytest.mark.parametrize(
    "phrase",
    ["yesterday", "this month", "on Tuesday", "Jan. 10", "last week", "in April", "two days ago",
     "over the weekend", "last year"],
)
def test_relative_phrases_stay_unresolved_without_publication_date(phrase: str) -> None:
    assert resolve_date(phrase, None) is None


@pytest.mark.parametrize("phrase", ["Feb. 30, 2020", "hello", "", "2019-13-01"])
def test_resolve_date_rejects_non_dates(phrase: str) -> None:
    assert resolve_date(phrase, PUB) is None


@pytest.mark.parametrize(
    ("sentence", "phrases"),
    [
        ("On Jan. 10, before embarking on his Middle East peace-mission, Qureshi called Lavrov.",
         ["On Jan. 10"]),
        ("In April 2018, at the SCO forum, Lavrov said so.", ["In April 2018"]),
        ("He arrived on 10 January 2020 and left January 12, 2020.",
         ["on 10 January 2020", "January 12, 2020"]),
        ("They met last week and again on Tuesday night.", ["last week", "on Tuesday night"]),
        ("Talks began in 2018 and have continued since 2014 rules.", ["in 2018"]),
        ("March 2020 demonstrations", ["March 2020"]),
        ("Officials met two days ago, yesterday and today.",
         ["two days ago", "yesterday", "today"]),
        ("Black Friday sales fell on Friday.", ["on Friday"]),
        # false positives
        ("Unrest grew in the 1990s.", []),
        ("Theresa May said she may resign.", []),
        ("Theresa May said she may resign in May.", ["in May"]),
        ("A march on Sunday drew 2,000 people.", ["on Sunday"]),
        ("Some 500 people joined a crowd of 2000 protesters.", []),
        ("Police counted 1999 arrests, and 2020 was a bad year.", []),
        ("In May's cabinet, ministers may march.", []),
        ("The Sunday Times and the Good Friday Agreement.", []),
        ("He met Jan Smith 10 times.", []),
    ],
)
def test_find_date_phrases(sentence: str, phrases: list[str]) -> None:
    found = find_date_phrases(sentence)
    assert [p.text for p in found] == phrases
    for p in found:
        assert sentence[p.start : p.end] == p.text


def test_find_date_phrases_offsets() -> None:
    assert find_date_phrases("They met on Tuesday.") == [DatePhrase("on Tuesday", 9, 19)]


SEED = (
    "On Jan. 10, before embarking on his Middle East peace-mission, Foreign Minister Shah "
    "Mahmood Qureshi called his Russian counterpart, Sergey Lavrov."
)


def test_event_date_seed_sentence() -> None:
    got = event_date(SEED, PUB, trigger_offset=SEED.index("called"))
    assert got == ResolvedDate("2020-01-10", D, "On Jan. 10")


def test_event_date_picks_phrase_nearest_the_trigger() -> None:
    sentence = "After talks in April 2018, the two sides met again on Tuesday in Moscow."
    assert event_date(sentence, WED, trigger_offset=sentence.index("met")).value == "2020-01-21"
    assert event_date(sentence, WED, trigger_offset=sentence.index("talks")).value == "2018-04"


def test_event_date_prefers_same_clause() -> None:
    sentence = "Troops withdrew in 2018; yesterday the ministers met."
    assert event_date(sentence, PUB, trigger_offset=sentence.index("withdrew")).value == "2018"


def test_event_date_without_offset_takes_first_resolvable_phrase() -> None:
    sentence = "On Tuesday, as in 2019, leaders met."
    assert event_date(sentence, None) == ResolvedDate("2019", Y, "in 2019")
    assert event_date(sentence, WED).value == "2020-01-21"


def test_event_date_none_when_no_date() -> None:
    assert event_date("Russia praised Pakistan.", PUB, trigger_offset=7) is None
    assert event_date("They met yesterday.", None, trigger_offset=5) is None


def test_a_weekday_still_to_come_is_the_next_one() -> None:
    saturday = dt.date(2018, 6, 30)
    assert resolve_date("on Friday", saturday).value == "2018-06-29"
    assert resolve_date("on Friday", saturday, ahead=True).value == "2018-07-06"
    assert resolve_date("Saturday", saturday, ahead=True).value == "2018-06-30"
    assert resolve_date("last Friday", saturday, ahead=True).value == "2018-06-29"


def test_a_meeting_still_to_come_takes_the_coming_weekday(coder) -> None:
    events = coder.code("Macron and Merkel are due to meet in Minsk on Friday.", published="2018-06-30")
    assert events and {e.date for e in events} == {"2018-07-06"}
    past = coder.code("Macron met Merkel in Minsk on Friday.", published="2018-06-30")
    assert past and {e.date for e in past} == {"2018-06-29"}


def test_a_year_that_modifies_the_event_dates_it(coder) -> None:
    events = coder.code("The militant commander was killed in a 2016 drone strike.", published="2017-06-30")
    assert [(e.date, e.date_precision) for e in events] == [("2016", Precision.YEAR)]


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("The attack took place in March last year.", "2017-03"),
        ("On 5 July this year, troops entered the town.", "2018-07-05"),
        ("Talks are planned for January next year.", "2019-01"),
    ],
)
def test_a_month_of_a_named_year(sentence: str, value: str) -> None:
    (phrase,) = find_date_phrases(sentence)
    assert resolve_date(phrase.text, dt.date(2018, 6, 30)).value == value


def test_part_of_a_month() -> None:
    (phrase,) = find_date_phrases("At the end of May, Libyan militias attacked the airport.")
    assert resolve_date(phrase.text, dt.date(2018, 6, 30)).value == "2018-05"


def test_a_month_still_to_come_is_the_next_one() -> None:
    june = dt.date(2018, 6, 30)
    assert resolve_date("in February", june).value == "2018-02"
    assert resolve_date("in February", june, ahead=True).value == "2019-02"
    assert resolve_date("in July", june, ahead=True).value == "2018-07"
