"""Find knowledge-base mentions (states, seats, IGOs, groups, people, agent words) in text.

`ActorMatcher` runs spaCy `PhraseMatcher`s over a `Doc` or `Span` and returns the
longest non-overlapping mentions in text order. It needs only the tokenizer, so it works
on `nlp.make_doc(text)` and can serve as a cheap pre-filter before parsing.

Matching rules:
- proper names (states, adjectives/demonyms, seats, IGOs, groups, people) match
  case-sensitively on ORTH, so "turkey", "china" and "us" are not Turkey, China, US;
  a pattern starting with "the " also matches "The ..."; patterns with an apostrophe
  also match the curly one ("Workers’ Party");
- agent words (lower-case patterns) match in any case ("Foreign Minister", "troops");
- entries imported from CAMEO dictionaries (`case_sensitive=False`) match in any case
  but only where every word is capitalised (particles such as "al", "bin", "of" may be
  lower case): "AL-QAEDA"-style sources cannot tell us the real casing.

When one span matches several entries (or groups of entries), case-sensitive proper
names win over imported entries, which win over agent words; within a group the first
entry in knowledge-base order wins (`ActorKB.lookup` gives all of them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from detente.knowledge import ActorKB, EntryKind, KBEntry

__all__ = ["ActorMatcher", "Mention"]

_PARTICLES = frozenset(
    [
        "al",
        "el",
        "ad",
        "ar",
        "as",
        "an",
        "ash",
        "at",
        "az",
        "ul",
        "ur",
        "ud",
        "bin",
        "ibn",
        "bint",
        "de",
        "del",
        "della",
        "der",
        "di",
        "da",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "van",
        "von",
        "y",
        "e",
        "of",
        "the",
        "and",
        "for",
        "in",
        "on",
        "on'",
        "-",
    ]
)

# lower number = preferred when two groups match the same span
_PROPER, _IMPORTED, _AGENT = 0, 1, 2


@dataclass(frozen=True)
class Mention:
    """A knowledge-base entry found at tokens [start, end) of the doc."""

    start: int
    end: int
    entry: KBEntry


@dataclass(frozen=True)
class _Group:
    entries: tuple[KBEntry, ...]
    rank: int


def _variants(pattern: str, *, institution: bool = False) -> Iterator[str]:
    """The pattern, its "The ..." form and its curly-apostrophe form; for an institution's
    name of three words or more, also the house style that keeps only the first capital
    ("European court of human rights", "UN security council")."""
    starts = [pattern, "The " + pattern[4:]] if pattern.startswith("the ") else [pattern]
    words = pattern.split(" ")
    if institution and len(words) >= 3 and words[0][:1].isupper():
        lowered = " ".join([words[0], *(w if w.isupper() else w.lower() for w in words[1:])])
        starts.append(lowered)
    forms = {*starts, *(form.replace("'", "\u2019") for form in starts)}
    yield from sorted(forms)


class ActorMatcher:
    """Find `ActorKB` patterns in spaCy docs. Build once per (kb, vocab)."""

    def __init__(self, *, kb: ActorKB, vocab: Vocab) -> None:
        self.kb = kb
        # patterns are tokenised exactly as English text is (spaCy's English rules)
        tokenizer = spacy.blank("en", vocab=vocab).tokenizer
        orth: dict[str, list[KBEntry]] = {}
        lower: dict[str, list[KBEntry]] = {}
        imported: dict[str, list[KBEntry]] = {}
        for entry in kb.entries:
            if not entry.pattern.strip():
                continue
            if entry.kind is EntryKind.AGENT and entry.pattern == entry.pattern.lower():
                table, forms = lower, _variants(entry.pattern.lower())
            elif not entry.case_sensitive:
                table, forms = imported, _variants(entry.pattern.lower())
            else:
                table, forms = orth, _variants(
                    entry.pattern, institution=entry.kind is EntryKind.IGO
                )
            for form in forms:
                table.setdefault(form, []).append(entry)

        self._groups: dict[int, _Group] = {}
        self._orth = PhraseMatcher(vocab, attr="ORTH")
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        for matcher, table, rank in (
            (self._orth, orth, _PROPER),
            (self._lower, imported, _IMPORTED),
            (self._lower, lower, _AGENT),
        ):
            for text in table:
                pattern_doc = tokenizer(text)
                key = f"detente.kb.{rank}.{text}"
                key_id = vocab.strings.add(key)
                self._groups[key_id] = _Group(tuple(table[text]), rank)
                matcher.add(key, [pattern_doc])

    def __call__(self, doc: Doc | Span) -> list[Mention]:
        """Longest non-overlapping mentions in text order; token indices are relative
        to the doc (also when a span is passed)."""
        if isinstance(doc, Span):
            offset, target = doc.start, doc.as_doc()
        else:
            offset, target = 0, doc
        candidates: list[tuple[int, int, _Group]] = []
        for matcher in (self._orth, self._lower):
            for key_id, start, end in matcher(target):
                group = self._groups[key_id]
                if group.rank == _IMPORTED and not _capitalised(target[start:end]):
                    continue
                candidates.append((start, end, group))
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2].rank))
        taken = [False] * len(target)
        mentions: list[Mention] = []
        for start, end, group in candidates:
            if any(taken[start:end]):
                continue
            for i in range(start, end):
                taken[i] = True
            mentions.append(Mention(start + offset, end + offset, group.entries[0]))
        mentions.sort(key=lambda m: m.start)
        return mentions


def _capitalised(span: Span) -> bool:
    """True when every word of the span starts with a capital (particles excepted)."""
    for token in span:
        text = token.text
        if text[:1].isalpha() and not text[0].isupper() and token.lower_ not in _PARTICLES:
            return False
    return True
