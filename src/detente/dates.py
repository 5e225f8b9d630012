"""Find the date phrases of a sentence and resolve them against the publication date.

Pure functions, no resources: `find_date_phrases` runs on every event sentence, so it is
a handful of precompiled regular expressions; `resolve_date` resolves the phrases those
expressions find with calendar arithmetic of its own (news conventions, below) and falls
back to `dateparser` only for a phrase none of them covers.

News conventions used:

- a bare weekday ("on Tuesday") is the most recent such day on or before publication;
  "last Tuesday" the one strictly before, "next Tuesday" the one strictly after, "this
  Tuesday" the one in the publication week (weeks start on Monday);
- a month and day without a year take the publication year, unless that puts the date
  more than about two months (61 days) after publication, then the previous year;
- a month alone ("in April") is the most recent such month on or before publication;
  "last April" the one strictly before the publication month;
- the schema has no week precision, so "last week", "this week", "next week", "N weeks
  ago" and weekends resolve to the *month* (precision month) of that week's Wednesday
  (of the weekend's Saturday);
- without a publication date every relative phrase (weekdays, "yesterday", "this month",
  a month and day without a year) is unresolved (None); dates that carry a year resolve.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from detente.records import Precision, ResolvedDate

logger = logging.getLogger(__name__)

__all__ = ["DatePhrase", "event_date", "find_date_phrases", "resolve_date"]


@dataclass(frozen=True)
class DatePhrase:
    """A date phrase found in a sentence; `start`/`end` are character offsets into it."""

    text: str
    start: int
    end: int


# ---------------------------------------------------------------------------- vocabulary

_MONTHS_FULL = (
    "January February March April May June July August September October November December"
).split()
_MONTH_NUMBER: dict[str, int] = {}
for _n, _name in enumerate(_MONTHS_FULL, start=1):
    _MONTH_NUMBER[_name.lower()] = _n
    _MONTH_NUMBER[_name[:3].lower()] = _n
_MONTH_NUMBER["sept"] = 9

_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_WEEKDAY_NUMBER = {name.lower(): n for n, name in enumerate(_WEEKDAYS)}

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "several": None, "few": None, "a few": None,
}  # fmt: skip

# Month names must be capitalised (lower-case "may", "march" are words, not months).
_MONTH_ANY = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Sept\.)"  # noqa: E501
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19|20)\d\d"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_ORD = r"(?:st|nd|rd|th)?"
_NUM = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_PREP = r"(?i:on|in|since|by|until|till|from|during|before|after)\s+"
_PART = r"(?:\s+(?i:morning|afternoon|evening|night))?"
# A year is not a year when a count noun or the plural "s" follows it.
_NOT_COUNT = r"(?!\d|,\d|s\b|'s\b|\s+[a-z]+s\b(?<!\bwas\b)(?<!\bhas\b)(?<!\bis\b)(?<!\bas\b))"

# "Good Friday", "Black Friday", "Bloody Sunday", "Super Tuesday" name things, not dates.
_NOT_HOLIDAY = "".join(
    rf"(?<!{word}\s)" for word in ("Good", "Black", "Bloody", "Super", "Cyber", "Palm",
                                   "Easter", "Ash", "Holy", "Maundy", "Whit")
)

_Resolver = Callable[[re.Match[str], "dt.date | None"], "tuple[str, Precision] | None"]


# ------------------------------------------------------------------------------ helpers


def _day(value: dt.date) -> tuple[str, Precision]:
    return value.isoformat(), Precision.DAY


def _month(year: int, month: int) -> tuple[str, Precision]:
    return f"{year:04d}-{month:02d}", Precision.MONTH


def _year(year: int) -> tuple[str, Precision]:
    return f"{year:04d}", Precision.YEAR


def _month_of(value: dt.date) -> tuple[str, Precision]:
    return _month(value.year, value.month)


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _week_wednesday(value: dt.date) -> dt.date:
    return value - dt.timedelta(days=value.weekday()) + dt.timedelta(days=2)


def _month_number(token: str) -> int:
    key = token.rstrip(".").lower()
    return _MONTH_NUMBER[key] if key in _MONTH_NUMBER else _MONTH_NUMBER[key[:3]]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _count(token: str) -> int | None:
    token = token.lower()
    if token.isdigit():
        return int(token)
    return _NUMBER_WORDS.get(token)


# ---------------------------------------------------------------------------- resolvers


def _r_iso(m: re.Match[str], published: dt.date | None) -> tuple[str, Precision] | None:
    value = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return _day(value) if value else None


def _r_month_day(m: re.Match[str], published: dt.date | None) -> tuple[str, Precision] | None:
    month = _month_number(m["mon"])
    day = int(m["d"])
    if m["y"]:
        value = _safe_date(int(m["y"]), month, day)
        return _day(value) if value else None
    if published is None:
        return None
    value = _safe_date(published.year, month, day)
    if value is None:  # 29 Feb in a non-leap publication year
        value = _safe_date(published.year - 1, month, day)
        return _day(value) if value else None
    if (value - published).days > 61:
        value = _safe_date(published.year - 1, month, day)
    return _day(value) if value else None


def _r_month_year(m: re.Match[str], published: dt.date | None) -> tuple[str, Precision] | None:
    return _month(int(m["y"]), _month_number(m["mon"]))


def _r_month_alone(m: re.Match[str], published: dt.date | None) -> tuple[str, Precision] | None:
    if published is None:
        return None
    month = _month_number(m["mon"])
    modifier = (m["mod"] or "").lower()
    if modifier == "next":
        year = published.year if month > published.month else published.year + 1
    elif modifier == "last":
        year = published.year if month < published.month else published.year - 1
    else:
        year = published.year if month <= published.month else published.year - 1
    return _month(year, month)


def _r_month_part(m: re.Match[str], published: dt.date | None) -> tuple[str, Precision] | None:
    """"at the end of May (2018)": that month, the latest one up to publication."""
    month = _month_number(m["mon"])
    if m["y"]:
        return _month(int(m["y"]), month)
    if published is None:
        return None
    return _month(published.year if month <= published.month else published.year - 1, month)


def _r_month_of_year(
    m: re.Match[str], published: dt.date | None
) -> tuple[str, Precision] | None:
    """"in March last year", "on 5 July this year": a month (or day) of a named year."""
    if published is None:
        return None
    year = published.year + {"last": -1, "this": 0, "next": 1}[m["which"].lower()]
    month = _month_number(m["mon"])
    if m["d"]:
        try:
            return _day(dt.date(year, month, int(m["d"])))
        except ValueError:
            return None
    return _month(year, month)


def _r_year(m: re.Match[str], published: dt.date | None) -> tuple[str, Precision] | None:
    return _year(int(m["y"]))


def _r_weekday(m: re.Match[str], published: dt.date | None) -> tuple[str, Precision] | None:
    if published is None:
        return None
    target = _WEEKDAY_NUMBER[m["wd"].lower()]
    modifier = (m["mod"] or "").lower()
    back = (published.weekday() - target) % 7
    if modifier == "next":
        ahead = (target - published.weekday()) % 7 or 7
        return _day(published + dt.timedelta(days=ahead))
    if modifier == "this":
        return _day(published + dt.timedelta(days=target - published.weekday()))
    if modifier == "last" and back == 0:
        back = 7
    return _day(published - dt.timedelta(days=back))


def _r_relative_day(m: re.Match[str], published: dt.date | None) -> tuple[str, Precision] | None:
    if published is None:
        return None
    word = " ".join(m[0].lower().split())
    if word.startswith(("yesterday", "last night")):
        return _day(published - dt.timedelta(days=1))
    if word.startswith("tomorrow"):
        return _day(published + dt.timedelta(days=1))
    return _day(published)  # today, tonight, this morning/afternoon/evening


def _r_period(m: re.Match[str], published: dt.date | None) -> tuple[str, Precision] | None:
    if published is None:
        return None
    which = m["which"].lower()
    unit = m["unit"].lower()
    delta = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(which, 0)
    if unit == "week":
        if which == "past":  # "the past week": the seven days up to publication
            return _month_of(published - dt.timedelta(days=3))
        return _month_of(_week_wednesday(published + dt.timedelta(weeks=delta)))
    if unit == "month":
        return _month(*_shift_month(published.year, published.month, delta))
    return _year(published.year + delta)


def _r_weekend(m: re.Match[str], published: dt.date | None) -> tuple[str, Precision] | None:
    if published is None:
        return None
    which = (m["which"] or "").strip().lower()
    # Saturday of the most recent weekend that started on or before publication.
    saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7)
    if which in ("next", "coming"):
        saturday = published + dt.timedelta(days=(5 - published.weekday()) % 7 or 7)
    elif which in ("last", "past") and published.weekday() >= 5:
        saturday -= dt.timedelta(weeks=1)
    return _month_of(saturday)


def _r_ago(m: re.Match[str], published: dt.date | None) -> tuple[str, Precision] | None:
    if published is None:
        return None
    count = _count(m["n"])
    if count is None:
        return None
    unit = m["unit"].lower().rstrip("s")
    if unit == "day":
        return _day(published - dt.timedelta(days=count))
    if unit == "week":
        return _month_of(published - dt.timedelta(weeks=count))
    if unit == "month":
        return _month(*_shift_month(published.year, published.month, -count))
    return _year(published.year - count)


# ------------------------------------------------------------------------------- rules

# Order matters only for ties: at one start offset the longest match wins.
_RULES: tuple[tuple[re.Pattern[str], _Resolver], ...] = tuple(
    (re.compile(pattern), resolver)
    for pattern, resolver in (
        (rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b", _r_iso),
        # Jan. 10 / January 10, 2020 / on Jan 10th
        (
            rf"(?:{_PREP})?\b(?P<mon>{_MONTH_ANY})\s+(?P<d>{_DAY}){_ORD}\b(?!,\d|\d|\s*%)"
            rf"(?:,?\s+(?P<y>{_YEAR})\b(?!\d))?",
            _r_month_day,
        ),
        # 10 January 2020 / on 3 March / the 3rd of March
        (
            rf"(?:{_PREP}(?i:the\s+)?)?(?<![\d,.])\b(?P<d>{_DAY}){_ORD}\s+(?:of\s+)?"
            rf"(?P<mon>{_MONTH_ANY})(?![a-z])(?:,?\s+(?P<y>{_YEAR})\b(?!\d))?",
            _r_month_day,
        ),
        # April 2018 / in April 2018
        (
            rf"(?:{_PREP})?(?:(?i:early|late|mid-?)\s*)?\b(?P<mon>{_MONTH_ANY}),?\s+"
            rf"(?P<y>{_YEAR})\b(?!\d|,\d)",
            _r_month_year,
        ),
        # at the end of May / the beginning of March 2018 / in the middle of June
        (
            rf"\b(?i:(?:at|by|in|until|since|from)\s+)?(?i:the\s+)?"
            rf"(?i:end|beginning|start|middle|close)\s+of\s+(?P<mon>{_MONTH_FULL})"
            rf"(?:,?\s+(?P<y>{_YEAR}))?\b",
            _r_month_part,
        ),
        # in March last year / in July this year / (on) 5 July this year
        (
            rf"(?:\b(?i:in|since|last|early|late|mid|until|by|during|before|after|from|on)"
            rf"(?:-|\s+))?(?:(?P<d>{_DAY}){_ORD}\s+(?:of\s+)?)?(?P<mon>{_MONTH_FULL}),?\s+"
            rf"(?P<which>(?i:last|this|next))\s+(?i:year)\b",
            _r_month_of_year,
        ),
        # in April / since March / last May / in early June
        (
            rf"\b(?P<mod>(?i:in|since|last|next|early|late|mid|until|till|by|during|this"
            rf"|before|after|from))(?:-|\s+)(?:(?i:early|late|mid)(?:-|\s+))?"
            rf"(?P<mon>{_MONTH_FULL})(?!\s*\d)(?!'s)\b",
            _r_month_alone,
        ),
        # in 2018 / since 2014 / in late 2019 / mid-2019
        (
            rf"\b(?:(?i:in|since|by|of|until|till|during|before|after|from)\s+"
            rf"(?:(?i:early|late|mid)(?:-|\s+))?|(?i:early|late|mid)(?:-|\s+))"
            rf"(?P<y>{_YEAR})\b{_NOT_COUNT}",
            _r_year,
        ),
        # on Tuesday / last Friday / Tuesday night (not "Good Friday", "Sunday Times")
        (
            rf"(?:\b(?P<mod>(?i:on|last|next|this|early|late|since|by|until))\s+)?"
            rf"{_NOT_HOLIDAY}"
            rf"\b(?P<wd>{_WEEKDAY})(?!\s+(?:Times|Telegraph|Mail|Express|Mirror|Post|Herald))"
            rf"{_PART}\b",
            _r_weekday,
        ),
        (
            r"\b(?i:yesterday|today|tonight|tomorrow|last\s+night"
            r"|this\s+(?:morning|afternoon|evening))\b"
            r"(?:\s+(?i:morning|afternoon|evening|night))?",
            _r_relative_day,
        ),
        (
            r"\b(?i:(?:earlier|later)\s+)?(?P<which>(?i:last|this|next|past|previous|coming))"
            r"\s+(?P<unit>(?i:week|month|year))\b",
            _r_period,
        ),
        (
            r"\b(?i:over\s+the\s+|at\s+the\s+|during\s+the\s+|the\s+)?"
            r"(?P<which>(?i:last|this|next|past|coming)\s+)?(?i:weekend)\b",
            _r_weekend,
        ),
        (
            rf"\b(?P<n>(?i:{_NUM}))\s+(?P<unit>(?i:days?|weeks?|months?|years?))\s+(?i:ago)\b",
            _r_ago,
        ),
    )
)


def find_date_phrases(sentence: str) -> list[DatePhrase]:
    """Return the date phrases of `sentence`, in order, without overlaps.

    A leading preposition ("On Jan. 10", "in April 2018") is part of the phrase. Bare
    numbers are not dates unless they are a year 1900-2099 after "in", "since", "by", "of",
    "until" (and not a count: "of 2000 protesters"), part of a full date, or an ISO date.
    """
    found: list[tuple[int, int]] = []
    for pattern, _resolver in _RULES:
        for m in pattern.finditer(sentence):
            if m.end() > m.start():
                found.append((m.start(), m.end()))
    found.sort(key=lambda span: (span[0], -span[1]))
    phrases: list[DatePhrase] = []
    last_end = -1
    for start, end in found:
        if start < last_end:
            continue
        phrases.append(DatePhrase(sentence[start:end], start, end))
        last_end = end
    return phrases


def resolve_date(
    phrase: str, published: dt.date | None, *, ahead: bool = False
) -> ResolvedDate | None:
    """Resolve one date phrase against the publication date (see the module docstring).
    `ahead`: the phrase dates something still to come ("are due to meet on Friday"), so a
    bare weekday is the coming one, not the last.

    Returns None when the phrase is not a date, or is relative and `published` is None.
    """
    text = " ".join(phrase.split()).strip(" ,;:")
    if not text:
        return None
    for candidate in (text, text.rstrip(".")):  # "Jan." keeps its dot; "yesterday." does not
        for pattern, resolver in _RULES:
            m = pattern.fullmatch(candidate)
            if m is not None:
                result = resolver(m, published)
                if ahead and resolver is _r_weekday and (m["mod"] or "on").lower() == "on" and published:
                    target = _WEEKDAY_NUMBER[m["wd"].lower()]
                    result = _day(published + dt.timedelta(days=(target - published.weekday()) % 7))
                if ahead and resolver is _r_month_alone and (m["mod"] or "in").lower() in (
                    "in", "by", "until", "till", "during", "early", "late", "mid"
                ) and published:
                    month = _month_number(m["mon"])  # "will take place in February": next one
                    result = _month(published.year + (month < published.month), month)
                return _finish(result, phrase)
    return _finish(_resolve_with_dateparser(text.rstrip("."), published), phrase)


def _finish(result: tuple[str, Precision] | None, phrase: str) -> ResolvedDate | None:
    if result is None:
        return None
    value, precision = result
    return ResolvedDate(value=value, precision=precision, text=phrase)


_DATEPARSER_PERIODS = {"day": Precision.DAY, "week": Precision.MONTH,
                       "month": Precision.MONTH, "year": Precision.YEAR,
                       "time": Precision.DAY}  # fmt: skip


def _resolve_with_dateparser(text: str, published: dt.date | None) -> tuple[str, Precision] | None:
    """Fallback for phrases outside the rules above ("2020/01/10", "10.01.2020", ...)."""
    if published is None and not re.search(rf"\b{_YEAR}\b", text):
        return None  # relative: cannot resolve without the publication date
    if not re.search(r"\d", text) or re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        return None  # word-only and ISO phrases are the rules' job (dateparser reads Y-D-M)
    from dateparser.date import DateDataParser  # slow import: only when needed

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past"}
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time(12, 0))
    parser = DateDataParser(languages=["en"], settings=settings)
    data = parser.get_date_data(text)
    if data.date_obj is None:
        return None
    precision = _DATEPARSER_PERIODS.get(data.period or "day", Precision.DAY)
    value = data.date_obj.date()
    if precision is Precision.DAY:
        return _day(value)
    if precision is Precision.MONTH:
        return _month_of(value)
    return _year(value.year)


def event_date(
    sentence: str, published: dt.date | None, *, trigger_offset: int | None = None
) -> ResolvedDate | None:
    """Resolve the date phrase of `sentence` that belongs to the event at `trigger_offset`.

    The phrase chosen is the resolvable one nearest to `trigger_offset` (a character offset
    into `sentence`), preferring phrases not separated from the trigger by a ";" (a cheap
    clause boundary); without an offset, the first resolvable phrase. None when there is
    none: the caller then falls back to the publication date.
    """
    candidates: list[tuple[tuple[int, int], ResolvedDate]] = []
    for phrase in find_date_phrases(sentence):
        resolved = resolve_date(phrase.text, published)
        if resolved is None:
            continue
        if trigger_offset is None:
            return resolved
        if phrase.start <= trigger_offset < phrase.end:
            distance = 0
        elif phrase.end <= trigger_offset:
            distance = trigger_offset - phrase.end
        else:
            distance = phrase.start - trigger_offset
        lo, hi = sorted((phrase.start, trigger_offset))
        other_clause = int(";" in sentence[lo:hi] or "\n" in sentence[lo:hi])
        candidates.append(((other_clause, distance), resolved))
    if not candidates:
        return None
    return min(candidates, key=lambda item: item[0])[1]
