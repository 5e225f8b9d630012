"""Where to highlight triggers, actors and recipients in a sentence or an article text.

Pure functions that cut a text into `Segment`s (a piece of text and what it is); the
templates print each piece escaped, inside `<mark>` when it is marked. Nothing here
builds HTML, so no article text can ever reach the page unescaped.

Trigger offsets point into the article text (into the title for headline events,
`sentence_index == -1`). Actors carry only their words ("FM Qureshi"), so they are found
in the event's own sentence, the occurrence nearest the trigger.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from detente.records import Event

TRIGGER = "trigger"
ACTOR = "actor"
RECIPIENT = "recipient"
_PRIORITY = {TRIGGER: 0, ACTOR: 1, RECIPIENT: 2}


@dataclass(frozen=True)
class Mark:
    """A span [start, end) of a text to highlight as `kind`, with a label and an anchor."""

    start: int
    end: int
    kind: str
    label: str = ""
    anchor: str | None = None  # id of the element, so an event row can link to it


@dataclass(frozen=True)
class Segment:
    """A piece of text; `mark` is None for plain text."""

    text: str
    mark: Mark | None = None


def segments(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """`text` cut into plain and marked pieces. Overlapping marks: triggers win over
    actors, actors over recipients, then the earlier mark; the others are dropped."""
    chosen: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (_PRIORITY.get(m.kind, 9), m.start, m.end)):
        if not 0 <= mark.start < mark.end <= len(text):
            continue
        if any(mark.start < c.end and c.start < mark.end for c in chosen):
            continue
        chosen.append(mark)
    chosen.sort(key=lambda m: m.start)
    out: list[Segment] = []
    at = 0
    for mark in chosen:
        if mark.start > at:
            out.append(Segment(text[at : mark.start]))
        out.append(Segment(text[mark.start : mark.end], mark))
        at = mark.end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def _occurrences(haystack: str, needle: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of `needle` as whole words in haystack[start:end]."""
    if not needle.strip():
        return []
    pattern = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")
    stop = len(haystack) if end is None else end
    return [m.start() for m in pattern.finditer(haystack, start, stop)]


def _nearest(offsets: Sequence[int], target: int) -> int | None:
    return min(offsets, key=lambda o: (abs(o - target), o)) if offsets else None


def sentence_start(text: str, sentence: str, trigger_start: int) -> int | None:
    """Where `sentence` starts in `text`: the occurrence holding the trigger, else the first."""
    if not sentence:
        return None
    found = None
    at = text.find(sentence)
    while at >= 0:
        if at <= trigger_start < at + len(sentence):
            return at
        found = at if found is None else found
        at = text.find(sentence, at + 1)
    return found


def trigger_offset(sentence: str, event: Event, start: int | None) -> int | None:
    """Where the trigger starts in the event's sentence.

    `start` is where the sentence starts in the article text (None when unknown). A
    headline event's offsets are into the title, which is its sentence.
    """
    trigger = event.trigger
    if event.sentence_index < 0:
        start = 0
    if start is not None:
        rel = trigger.start - start
        if sentence[rel : rel + len(trigger.text)] == trigger.text:
            return rel
    found = _occurrences(sentence, trigger.text)  # as a word; else anywhere
    if found:
        return found[0]
    at = sentence.find(trigger.text) if trigger.text else -1
    return at if at >= 0 else None


def trigger_is_ambiguous(event: Event) -> bool:
    """True when the trigger's words occur more than once in its sentence (so finding it
    needs the article text), False when they occur once or it is a headline event."""
    return event.sentence_index >= 0 and len(_occurrences(event.sentence, event.trigger.text)) > 1


def event_marks(
    event: Event, within: str, base: int, trigger_at: int | None, *, anchor: str | None = None
) -> list[Mark]:
    """Marks for one event in a text: its trigger at `trigger_at` and its actor and
    recipient words, searched in within[base : base + len(event.sentence)]."""
    marks: list[Mark] = []
    label = f"{event.event} ({event.cameo})"
    end = base + len(event.sentence)
    target = trigger_at if trigger_at is not None else base
    if trigger_at is not None:
        marks.append(Mark(trigger_at, trigger_at + len(event.trigger.text), TRIGGER, label, anchor))
    for kind, who in ((ACTOR, event.actor), (RECIPIENT, event.recipient)):
        if who is None:
            continue
        at = _nearest(_occurrences(within, who.text, base, end), target)
        if at is not None:
            code = who.code or who.country or ""
            marks.append(Mark(at, at + len(who.text), kind, f"{kind}: {code}".strip(": ")))
    return marks


def sentence_segments(event: Event, text: str | None = None) -> list[Segment]:
    """The event's sentence with its trigger, actor and recipient marked. `text`, the
    article text, places an ambiguous trigger; without it the first occurrence is used."""
    sentence = event.sentence
    start = sentence_start(text, sentence, event.trigger.start) if text else None
    at = trigger_offset(sentence, event, start)
    return segments(sentence, event_marks(event, sentence, 0, at))


def article_segments(
    text: str, title: str | None, mentions: Sequence[Event]
) -> tuple[list[Segment], list[Segment]]:
    """The title and the text of an article with every mention's trigger, actor and
    recipient marked; each trigger mark's anchor is "m-N", N the mention's position."""
    text_marks: list[Mark] = []
    title_marks: list[Mark] = []
    for number, event in enumerate(mentions):
        anchor = f"m-{number}"
        if event.sentence_index < 0:
            if title:
                at = trigger_offset(title, event, 0)
                title_marks.extend(event_marks(event, title, 0, at, anchor=anchor))
            continue
        start = sentence_start(text, event.sentence, event.trigger.start)
        if start is None:
            continue
        trigger = event.trigger
        place: int | None = trigger.start
        if text[trigger.start : trigger.end] != trigger.text:
            rel = trigger_offset(event.sentence, event, start)
            place = start + rel if rel is not None else None
        text_marks.extend(event_marks(event, text, start, place, anchor=anchor))
    return segments(title or "", title_marks), segments(text, text_marks)
