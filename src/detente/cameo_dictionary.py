"""Import existing CAMEO actor and agent dictionaries (TABARI/PETRARCH/Phoenix format).

The format, as the Phoenix dictionaries use it:

    # comment (anything after '#' on a line is a comment)
    VLADIMIR_PUTIN_  # a head line: the entry's name; '_' stands for a space
    +PUTIN_          # a synonym of the entry above
    +PRESIDENT_PUTIN_
        [RUSELI 700101-990809]   # a code, valid between two dates (inclusive)
        [RUSGOV >080508]         # valid from a date on
        [RUSGOV <991231]         # valid until a date
        [RUSELI]                 # valid otherwise
    UN_  [IGOUNO]    # codes may also follow the name on the head line
    [---]            # no code: the entry is a known non-actor

Dates are YYMMDD (years 00-30 are 2000-2030, others 1900s) or YYYYMMDD. Agent
dictionaries use `[~GOV]` codes, `{PLURAL}` forms and `!MACRO! = A, B` substitutions.

`load_cameo_dictionary(path)` turns a file into `KBEntry` objects, one per pattern:

- A code splits into country and sector: "RUSGOV" -> ("RUS", GOV); CAMEO country codes
  that differ from ISO3 are mapped ("KSVGOV" -> "XKX"); "IGOUNOREFHCR" -> the built-in
  IGO with that code prefix ("UNO"), sector IGO; "IMG..." -> no country, sector IMG;
  "[ELI]" -> no country, sector ELI. The full code is kept on the `Role`.
- Each code becomes a `Role` with its dates. The entry's own country/sector/code are
  those of its latest role.
- Kind: agent codes ("~") give AGENT entries (lower-case patterns); bare country codes
  (possibly dated, as for Kosovo) a STATE; dated codes or an ELI code a PERSON; IGO/NGO
  codes an IGO; anything else a GROUP.
- Patterns are title-cased ("Vladimir Putin") and marked `case_sensitive=False`.

A malformed line is skipped with a warning naming the file and line number.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from detente.errors import ResourceError
from detente.knowledge import EntryKind, KBEntry, Role, builtin_code_tables
from detente.records import Sector

__all__ = ["load_cameo_dictionary"]

logger = logging.getLogger(__name__)

_SECTORS = frozenset(s.value for s in Sector)
# CAMEO agent codes that detente's sector list names differently.
_SECTOR_ALIASES = {"INS": Sector.REB, "MNC": Sector.BUS, "UAF": Sector.MIL}

_DATE = r"\d{6}|\d{8}"
_CODE_RE = re.compile(
    rf"^(?P<code>~?[A-Z0-9]*|-+)\s*"
    rf"(?:(?P<op>[<>])\s*(?P<one>{_DATE})|(?P<start>{_DATE})\s*-\s*(?P<end>{_DATE}))?$"
)
_BRACKET_RE = re.compile(r"\[([^\]]*)\]")
_MACRO_RE = re.compile(r"^(![A-Z]+!)\s*=\s*(.+)$")


@dataclass
class _Block:
    """An entry being read: head name, synonyms, codes."""

    line: int
    name: str
    patterns: list[str] = field(default_factory=list)
    codes: list[tuple[str, dt.date | None, dt.date | None]] = field(default_factory=list)
    discarded: bool = False


class _Malformed(ValueError):
    pass


def _parse_date(text: str) -> dt.date:
    if len(text) == 6:
        yy = int(text[:2])
        year = 2000 + yy if yy <= 30 else 1900 + yy
        month, day = int(text[2:4]), int(text[4:6])
    else:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise _Malformed(f"{text!r} is not a valid date") from exc


def _parse_code(text: str) -> tuple[str, dt.date | None, dt.date | None]:
    match = _CODE_RE.match(text.strip())
    if match is None:
        raise _Malformed(f"cannot read code [{text}]")
    code = match["code"]
    if match["op"] == ">":
        return code, _parse_date(match["one"]), None
    if match["op"] == "<":
        return code, None, _parse_date(match["one"])
    if match["start"]:
        return code, _parse_date(match["start"]), _parse_date(match["end"])
    return code, None, None


def _display(raw: str) -> str:
    """ "VLADIMIR_PUTIN_" -> "Vladimir Putin"."""
    text = " ".join(raw.replace("_", " ").split())
    return re.sub(r"(?<=\w)'S\b", "'s", text.title())


def _agent_pattern(raw: str) -> str:
    return " ".join(raw.replace("_", " ").split()).lower()


class _CodeSplitter:
    """Split CAMEO codes into (country, sector) using the built-in code tables."""

    def __init__(self) -> None:
        tables = builtin_code_tables()
        self._cameo_iso3 = tables.cameo_iso3
        # longest IGO code first, so IGOUNOREFHCR matches UNHCR's code before IGOUNO
        self._igo = sorted(tables.igo_by_cameo.items(), key=lambda kv: -len(kv[0]))

    def split(self, code: str) -> tuple[str | None, Sector | None]:
        code = code.lstrip("~")
        chunks = [code[i : i + 3] for i in range(0, len(code), 3)]
        if not chunks:
            return None, None
        head = chunks[0]
        if head in ("IGO", "NGO"):
            country = next((c for prefix, c in self._igo if code.startswith(prefix)), None)
            if country is None and head == "IGO" and len(chunks) > 1:
                country = chunks[1]
            return country, Sector(head)
        if head == "IMG":
            return None, Sector.IMG
        if head in _SECTORS or head in _SECTOR_ALIASES:
            return None, _sector_of(head)
        country = self._cameo_iso3.get(head, head)
        sector = next((s for c in chunks[1:] if (s := _sector_of(c)) is not None), None)
        return country, sector

    def is_state(self, code: str) -> bool:
        return code in self._cameo_iso3


def _sector_of(chunk: str) -> Sector | None:
    if chunk in _SECTORS:
        return Sector(chunk)
    return _SECTOR_ALIASES.get(chunk)


def _expand_macros(raw: str, macros: dict[str, list[str]]) -> list[str]:
    match = re.search(r"![A-Z]+!", raw)
    if match is None:
        return [raw]
    values = macros.get(match.group(0))
    if values is None:
        raise _Malformed(f"unknown macro {match.group(0)}")
    out: list[str] = []
    for value in values:
        out.extend(_expand_macros(raw[: match.start()] + value + raw[match.end() :], macros))
    return out


def _entries(block: _Block, splitter: _CodeSplitter) -> list[KBEntry]:
    if block.discarded or not block.codes:
        return []
    agent = any(code.startswith("~") for code, _, _ in block.codes)
    roles = []
    for code, start, end in block.codes:
        country, sector = splitter.split(code)
        roles.append(Role(country, sector, "", start, end, code=code.lstrip("~")))
    ordered = tuple(sorted(roles, key=lambda r: r.start or dt.date.min))
    latest = max(ordered, key=lambda r: (r.end or dt.date.max, r.start or dt.date.min))
    if agent:
        return [
            KBEntry(
                _agent_pattern(p),
                EntryKind.AGENT,
                _agent_pattern(block.name),
                None,
                latest.sector,
                None,
            )
            for p in block.patterns
        ]
    if all(r.sector is None for r in ordered) and splitter.is_state(latest.code or ""):
        kind = EntryKind.STATE
    elif any(r.dated for r in ordered) or any(r.sector is Sector.ELI for r in ordered):
        kind = EntryKind.PERSON
    elif latest.sector in (Sector.IGO, Sector.NGO):
        kind = EntryKind.IGO
    else:
        kind = EntryKind.GROUP
    name = _display(block.name)
    return [
        KBEntry(
            _display(p),
            kind,
            name,
            latest.country,
            latest.sector,
            latest.code,
            roles=ordered if kind is EntryKind.PERSON else (),
            case_sensitive=False,
        )
        for p in block.patterns
    ]


def load_cameo_dictionary(path: Path) -> list[KBEntry]:
    """Read a CAMEO actor or agent dictionary into knowledge-base entries.

    Raises ResourceError if the file cannot be read; malformed lines are skipped with a
    logged warning naming the file and line number.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ResourceError(
            f"cannot read CAMEO dictionary {path}: {exc.strerror or exc}; "
            "pass the path of an existing .actors.txt or agents file"
        ) from exc

    splitter = _CodeSplitter()
    macros: dict[str, list[str]] = {}
    entries: list[KBEntry] = []
    block: _Block | None = None
    skipped = 0

    def finish() -> None:
        if block is not None:
            entries.extend(_entries(block, splitter))

    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            macro = _MACRO_RE.match(line)
            if macro:
                macros[macro.group(1)] = [v.strip() for v in macro.group(2).split(",") if v.strip()]
                continue
            codes = []
            for inner in _BRACKET_RE.findall(line):
                code, start, end = _parse_code(inner)
                codes.append((code, start, end))
            words = _BRACKET_RE.sub(" ", line)
            if "[" in words or "]" in words:
                raise _Malformed("unbalanced brackets")
            plurals = re.findall(r"\{([^}]*)\}", words)
            words = re.sub(r"\{[^}]*\}", " ", words).strip()

            if line.startswith("["):
                if block is None:
                    raise _Malformed("a code line before any entry")
            elif words.startswith("+"):
                if block is None:
                    raise _Malformed("a synonym line before any entry")
                synonym = words[1:].strip()
                if synonym:
                    block.patterns.extend(_expand_macros(synonym, macros))
            else:
                finish()
                block = _Block(line=number, name=words)
                expanded = _expand_macros(words, macros)
                block.patterns.extend(expanded)
                if plurals:
                    block.patterns.extend(p for p in plurals if p.strip())
                elif any(c.startswith("~") for c, _, _ in codes):
                    block.patterns.extend(p + "S" for p in expanded if not p.endswith("S"))
                if "!" in block.name:
                    block.name = expanded[0]
            for code, start, end in codes:
                if code.strip("-") == "":
                    block.discarded = True
                else:
                    block.codes.append((code, start, end))
        except _Malformed as exc:
            if not line.startswith(("[", "+")):
                # a broken head line: drop the whole entry, not just the line
                finish()
                block = _Block(line=number, name="", discarded=True)
            skipped += 1
            logger.warning("%s:%d: skipped malformed line (%s): %r", path, number, exc, raw_line)
    finish()

    seen: set[str] = set()
    unique = []
    for entry in entries:
        key = entry.pattern.casefold()
        if entry.pattern and key not in seen:
            seen.add(key)
            unique.append(entry)
    logger.info("%s: %d patterns read, %d malformed lines skipped", path, len(unique), skipped)
    return unique
