"""Splitting a document into sentences with character offsets, without parsing it.

Line breaks end a sentence (headlines, bylines and paragraphs carry no full stop);
inside a line spaCy's rule-based sentencizer splits on end punctuation, and the
tokenizer's exceptions keep "Jan. 10", "Dr." and "U.S." whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.pipeline import Sentencizer

_LINE = re.compile(r"[^\n]+")
_LOWER_START = re.compile(r"^[a-z]")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document: its 0-based index, text and character offsets."""

    index: int
    text: str
    start: int
    end: int


class SentenceSplitter:
    """Splits documents into `Sentence`s with a tokenizer and a rule sentencizer."""

    def __init__(self, *, nlp: Language) -> None:
        self._tokenizer = nlp.tokenizer
        self._sentencizer = Sentencizer()

    def split(self, text: str) -> list[Sentence]:
        return list(self._iter(text))

    def _iter(self, text: str) -> Iterator[Sentence]:
        index = 0
        for line in _LINE.finditer(text):
            if not line.group().strip():
                continue
            doc = self._sentencizer(self._tokenizer(line.group()))
            spans: list[tuple[int, int]] = []
            for sent in doc.sents:
                start, end = sent.start_char, sent.end_char
                # "... said Mr. X. he added": keep a lower-case continuation attached
                if spans and _LOWER_START.match(sent.text):
                    spans[-1] = (spans[-1][0], end)
                else:
                    spans.append((start, end))
            for start, end in spans:
                chunk = line.group()[start:end]
                stripped = chunk.strip()
                if not stripped:
                    continue
                offset = line.start() + start + (len(chunk) - len(chunk.lstrip()))
                yield Sentence(index, stripped, offset, offset + len(stripped))
                index += 1
