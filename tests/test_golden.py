"""The team's golden sentences: each line of golden/sentences.jsonl is one test case.

A case lists the events a careful analyst codes from the sentence (type, actor country,
recipient country; null = not checked). A case with no events must give no event at all:
negations, hypotheticals, conditionals, questions and background states.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "golden" / "sentences.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:60] for c in CASES])
def test_golden_sentence(coder, case):
    events = coder.code(case["text"], published=case["date"], doc_id="golden")
    if not case["events"]:
        assert events == [], f"invented {[(e.event, e.actor.code, e.trigger.text) for e in events]}"
        return
    for want in case["events"]:
        matches = [
            e
            for e in events
            if e.event == want["event"]
            and (want["actor"] is None or e.actor.country == want["actor"])
            and (want["recipient"] is None or (e.recipient and e.recipient.country == want["recipient"]))
        ]
        got = [(e.event, e.actor.country, e.recipient.country if e.recipient else None) for e in events]
        assert matches, f"want {want}, got {got}"
