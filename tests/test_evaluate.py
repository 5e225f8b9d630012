"""Tests of detente.evaluate and its scoring rules (detente._metrics).

Every figure is computed by hand from tiny inputs; the coder is a fake that answers
from a lookup table, so these tests never load a model.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from detente import _metrics as m
from detente.errors import EvaluationError
from detente.evaluate import (
    EvaluationReport,
    detect_kind,
    evaluate_file,
    headline_event,
    render_report,
    report_to_dict,
)
from detente.records import Actor, Event, Precision, QuadClass, Sector, Trigger

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


# --------------------------------------------------------------------------- fakes


def make_event(
    event_type: str,
    *,
    actor: str | None = "USA",
    recipient: str | None = None,
    confidence: float = 0.5,
    date: str | None = None,
    sector: Sector | None = None,
    mode: str | None = None,
) -> Event:
    return Event(
        event_id="e",
        doc_id="d",
        event=event_type,
        mode=mode,
        context=(),
        cameo="010",
        goldstein=0.0,
        quad_class=QuadClass.VERBAL_COOPERATION,
        actor=Actor(text="a", name=None, country=actor, sector=sector, code=None),
        recipient=(
            Actor(text="r", name=None, country=recipient, sector=None, code=None)
            if recipient
            else None
        ),
        date=date,
        date_precision=Precision.DAY if date else None,
        location=None,
        sentence_index=0,
        sentence="s",
        trigger=Trigger(text="t", start=0, end=1),
        confidence=confidence,
        coder_version="test",
    )


class FakeCoder:
    """Answers `code` from a table keyed by text; records how it was called."""

    def __init__(self, answers: Mapping[str, list[Event]]) -> None:
        self.answers = answers
        self.calls: list[dict[str, Any]] = []

    def code(
        self,
        text: str,
        *,
        published: Any = None,
        doc_id: str = "text",
        title: str | None = None,
    ) -> list[Event]:
        self.calls.append({"text": text, "published": published, "doc_id": doc_id, "title": title})
        return list(self.answers.get(text, []))


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- metrics


def test_precision_recall_f1_by_hand() -> None:
    scores = m.precision_recall_f1(tp=3, fp=1, fn=2)
    assert scores.precision == pytest.approx(0.75)
    assert scores.recall == pytest.approx(0.6)
    assert scores.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_precision_recall_f1_with_nothing_predicted_is_zero_not_nan() -> None:
    scores = m.precision_recall_f1(tp=0, fp=0, fn=4)
    assert (scores.precision, scores.recall, scores.f1) == (0.0, 0.0, 0.0)


def test_class_scores_and_macro_f1_count_a_class_never_predicted() -> None:
    pairs = [("AID", "AID"), ("AID", "AGREE"), ("AGREE", "AGREE"), ("REJECT", "NONE")]
    per_class = m.class_scores(pairs, ["AGREE", "AID", "REJECT", "PROTEST"])
    assert per_class["AID"]["precision"] == 1.0
    assert per_class["AID"]["recall"] == 0.5
    assert per_class["AGREE"]["precision"] == 0.5
    assert per_class["AGREE"]["recall"] == 1.0
    assert per_class["REJECT"] == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1.0, "predicted": 0.0
    }  # fmt: skip
    # AID f1 = 2/3, AGREE f1 = 2/3, REJECT 0; PROTEST (absent everywhere) is not averaged.
    assert m.macro_f1(per_class) == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)


def test_macro_f1_includes_a_class_only_predicted() -> None:
    per_class = m.class_scores([("AID", "AID"), ("AID", "AGREE")], ["AID", "AGREE"])
    # AID: P 1, R .5 -> 2/3; AGREE: P 0, R 0 (no gold) -> 0; both are averaged.
    assert m.macro_f1(per_class) == pytest.approx(1 / 3)


def test_confusion_counts() -> None:
    pairs = [("AID", "AID"), ("AID", "NONE"), ("AID", "NONE"), ("NONE", "ACCUSE")]
    assert m.confusion_counts(pairs) == {
        ("AID", "AID"): 1,
        ("AID", "NONE"): 2,
        ("NONE", "ACCUSE"): 1,
    }


def test_typed_scores_count_false_alarms_and_wrong_types() -> None:
    pairs = [
        ("ACCUSE", "ACCUSE"),  # TP
        ("ACCUSE", "REQUEST"),  # FP and FN
        ("NONE", "ASSAULT"),  # FP (false alarm)
        ("AID", "NONE"),  # FN
        ("NONE", "NONE"),  # nothing
    ]
    scores = m.typed_scores(pairs)
    assert (scores.tp, scores.fp, scores.fn) == (1, 2, 2)
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("gold", "predicted", "agree"),
    [
        ("2018-06", "2018-06-12", True),  # month precision in gold
        ("2018-06-30", "2018-06", True),  # month precision in prediction
        ("2018-06-30", "2018-06-29", False),
        ("2018-06-30", "2018", True),
        ("2018-06", "2018-07-01", False),
        ("2019", "2018-12-31", False),
        (None, "2018-06-01", True),  # no gold date: anything agrees
        (None, None, True),
        ("2018-06", None, False),  # no predicted date cannot agree with a gold one
    ],
)
def test_dates_agree_at_the_coarser_precision(
    gold: str | None, predicted: str | None, agree: bool
) -> None:
    assert m.dates_agree(gold, predicted) is agree


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DEMAND", "REQUEST"),
        ("DISAPPROVE", "ACCUSE"),
        ("INVESTIGATE", "ACCUSE"),
        ("FIGHT", "ASSAULT"),
        ("assault", "ASSAULT"),
        ("AGREE", "AGREE"),
    ],
)
def test_plover_05_names_are_mapped(name: str, expected: str) -> None:
    assert m.plover_type(name) == expected


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("USA", "USA"),
        ("USAGOV", "USA"),
        ("IGOUNO", "IGO"),
        ("IGO", "IGO"),
        ("UNO", "IGO"),
        ("NATO", "IGO"),
        ("NGO", "NGO"),
        ("JAP", "JPN"),  # a CAMEO-era code
        ("", None),
        ("***", None),
        (None, None),
    ],
)
def test_gold_country_key(code: str | None, key: str | None) -> None:
    assert m.gold_country_key(code) == key


@pytest.mark.parametrize(
    ("country", "key"),
    [("UNO", "IGO"), ("NATO", "IGO"), ("EU", "IGO"), ("ARL", "IGO"), ("GBR", "GBR"),
     ("igo", "IGO"), (None, None)],
)  # fmt: skip
def test_country_key_maps_organisations_to_igo(country: str | None, key: str | None) -> None:
    assert m.country_key(country) == key


def test_actor_country_key_falls_back_to_sector() -> None:
    igo = Actor(text="the UN", name=None, country=None, sector=Sector.IGO, code=None)
    nobody = Actor(text="gunmen", name=None, country=None, sector=Sector.REB, code=None)
    assert m.actor_country_key(igo) == "IGO"
    assert m.actor_country_key(nobody) is None
    assert m.actor_country_key(None) is None


def test_wilson_interval_by_hand() -> None:
    low, high = m.wilson_interval(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4)
    assert high == pytest.approx(0.7634, abs=1e-4)
    # No successes: the lower end is 0, the upper end z^2/n / (1 + z^2/n).
    assert m.wilson_interval(0, 10) == (0.0, pytest.approx(0.38416 / 1.38416))
    assert m.wilson_interval(0, 0) == (0.0, 1.0)


def _is_matching(adjacency: list[list[int]], pairs: dict[int, int]) -> bool:
    uses_edges = all(right in adjacency[left] for left, right in pairs.items())
    return uses_edges and len(set(pairs.values())) == len(pairs)


def _brute_force_matching_size(adjacency: list[list[int]]) -> int:
    """The largest matching by trying every choice (a partner or none) for each left vertex."""
    best = 0
    for choice in itertools.product(*[[None, *rights] for rights in adjacency]):
        taken = [r for r in choice if r is not None]
        if len(taken) == len(set(taken)):
            best = max(best, len(taken))
    return best


def test_maximum_matching_augments_where_greedy_stops() -> None:
    # Greedy pairs left 0 with right 0 and leaves left 1 stranded; the augmenting path
    # 1 -> 0 -> 0 -> 1 re-pairs left 0 with right 1: two pairs.
    assert m.maximum_matching([[0, 1], [0]]) == {0: 1, 1: 0}


def test_maximum_matching_is_one_to_one() -> None:
    # Two left vertices compete for one right vertex: only the first gets it.
    assert m.maximum_matching([[0], [0]]) == {0: 0}
    # One left vertex with two partners is still paired once.
    assert m.maximum_matching([[0, 1]]) == {0: 0}
    assert m.maximum_matching([]) == {}
    assert m.maximum_matching([[], []]) == {}


def test_maximum_matching_needs_a_path_of_two_augmentations() -> None:
    # Greedy in order gives 0-0, 1-1 and nothing for 2; the maximum re-pairs all three:
    # 2 -> 1 (held by 1) -> 1 takes 0 (held by 0) -> 0 takes 2.
    adjacency = [[0, 2], [1, 0], [1]]
    pairs = m.maximum_matching(adjacency)
    assert len(pairs) == 3
    assert _is_matching(adjacency, pairs)


@given(
    st.lists(st.lists(st.integers(min_value=0, max_value=3), max_size=4, unique=True), max_size=4)
)
@settings(max_examples=200, deadline=None)
def test_maximum_matching_is_as_large_as_brute_force(adjacency: list[list[int]]) -> None:
    pairs = m.maximum_matching(adjacency)
    assert _is_matching(adjacency, pairs)
    assert len(pairs) == _brute_force_matching_size(adjacency)


def test_headline_event_is_highest_confidence() -> None:
    low, high = make_event("AID", confidence=0.2), make_event("ASSAULT", confidence=0.9)
    assert headline_event([low, high]) is high
    assert headline_event([]) is None


# --------------------------------------------------------------------------- detection


def test_detect_kind_of_each_format(tmp_path: Path) -> None:
    gsr = write_json(
        tmp_path / "gsr.json",
        [{"id": "1", "text": "t", "event": "AGREE", "source": [], "target": ""}],
    )
    sentences = write_json(
        tmp_path / "s.json",
        [{"id": "1", "text": "t", "event": "NONE", "actor_country": None,
          "recipient_country": None}],
    )  # fmt: skip
    articles = write_json(
        tmp_path / "a.json",
        [{"article": "a1", "event": "AID", "actor": "USA", "recipient": None, "date": None}],
    )
    synthetic = tmp_path / "syn.csv"
    synthetic.write_text("id,title,text,event,mode\ns1,T,body,AID,\n", encoding="utf-8")
    assert detect_kind(gsr) == "plover_gsr"
    assert detect_kind(sentences) == "sentences"
    assert detect_kind(articles) == "articles"
    assert detect_kind(synthetic) == "synthetic"


def test_detect_kind_rejects_unknown_content_with_advice(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match="kind="):
        detect_kind(other)


def test_detect_kind_points_article_texts_to_the_articles_option(tmp_path: Path) -> None:
    texts = tmp_path / "articles.jsonl"
    texts.write_text('{"id": "a1", "date": "2018-01-01", "text": "x"}\n', encoding="utf-8")
    with pytest.raises(EvaluationError, match="articles="):
        detect_kind(texts)


def test_missing_file_is_an_evaluation_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="no such file"):
        evaluate_file(tmp_path / "absent.json", FakeCoder({}))


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    path = write_json(tmp_path / "s.json", [{"text": "t", "event": "AID", "actor_country": None}])
    with pytest.raises(EvaluationError, match="unknown kind"):
        evaluate_file(path, FakeCoder({}), kind="tweets")


# --------------------------------------------------------------------------- kinds


def test_plover_gsr_scores_top_event_and_countries(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "gsr.json",
        [
            {"id": "g1", "date": "2000-01-01", "text": "one", "event": "DEMAND",
             "source": [{"code": "USAGOV"}], "target": [{"code": "IGO"}]},
            {"id": "g2", "date": "2000-01-01", "text": "two", "event": "FIGHT",
             "source": [{"code": "ISR"}, {"code": "PSE"}], "target": ""},
            {"id": "g3", "date": "2000-01-01", "text": "three", "event": "AGREE",
             "source": [{"code": "FRA"}], "target": [{"code": "DEU"}]},
        ],
    )  # fmt: skip
    coder = FakeCoder(
        {
            # top event (0.9) is REQUEST by USA to the UN: all right.
            "one": [make_event("ACCUSE", confidence=0.1),
                    make_event("REQUEST", actor="USA", recipient="UNO", confidence=0.9)],
            # ASSAULT by PSE: type right, actor matches the second gold source.
            "two": [make_event("ASSAULT", actor="PSE", recipient="ISR")],
            # nothing found: type wrong, actor and recipient wrong "of all".
        }
    )  # fmt: skip
    report = evaluate_file(path, coder)
    assert report.kind == "plover_gsr"
    assert report.n_items == 3
    assert report.metrics["top1_accuracy"] == pytest.approx(2 / 3)
    assert report.metrics["actor_country_accuracy"] == pytest.approx(2 / 3)
    assert report.metrics["actor_country_accuracy_coded"] == 1.0
    assert report.metrics["recipient_country_accuracy"] == pytest.approx(1 / 2)
    assert report.metrics["recipient_country_accuracy_coded"] == 1.0
    assert report.confusion == {("REQUEST", "REQUEST"): 1, ("ASSAULT", "ASSAULT"): 1,
                                ("AGREE", "NONE"): 1}  # fmt: skip
    assert [e.item_id for e in report.errors] == ["g3"]
    assert coder.calls[0]["published"] == "2000-01-01"


def test_synthetic_accuracy_macro_f1_and_title(tmp_path: Path) -> None:
    rows = [
        {"id": "s1", "title": "{country_1} sends aid", "text": "a", "event": "AID", "mode": ""},
        {"id": "s2", "title": "", "text": "b", "event": "AID", "mode": ""},
        {"id": "s3", "title": "", "text": "c", "event": "ASSAULT", "mode": "BEAT"},
        {"id": "s4", "title": "", "text": "d", "event": "PROTEST", "mode": ""},
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "dev.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    coder = FakeCoder(
        {
            "a": [make_event("AID")],
            "b": [make_event("ASSAULT")],
            "c": [make_event("ASSAULT", mode="beat")],
            # "d": no event -> NONE, a miss for PROTEST
        }
    )
    report = evaluate_file(path, coder)
    assert report.kind == "synthetic"
    assert report.metrics["accuracy"] == pytest.approx(0.5)
    # AID: P 1 R .5 F 2/3; ASSAULT: P .5 R 1 F 2/3; PROTEST: 0.
    assert report.metrics["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)
    assert report.metrics["mode_accuracy"] == 1.0
    assert report.confusion[("PROTEST", "NONE")] == 1
    assert report.per_class["PROTEST"]["recall"] == 0.0
    assert coder.calls[0]["title"] == "{country_1} sends aid"
    assert coder.calls[1]["title"] is None


def _sentence(i: int, text: str, event: str, actor: str | None, recipient: str | None) -> dict:
    return {"id": f"gd-{i}", "article": "x", "date": "2018-05-14", "text": text,
            "event": event, "actor_country": actor, "recipient_country": recipient}  # fmt: skip


def test_sentences_typed_scores_false_alarms_and_countries(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "sentences.json",
        [
            _sentence(1, "s1", "ACCUSE", "USA", "SYR"),  # TP, actor right, recipient wrong
            _sentence(2, "s2", "REQUEST", "SYR", "IGO"),  # TP, both right (UNO -> IGO)
            _sentence(3, "s3", "ASSAULT", "TUR", None),  # predicted COERCE: FP + FN
            _sentence(4, "s4", "NONE", None, None),  # false alarm
            _sentence(5, "s5", "NONE", None, None),  # right
            _sentence(6, "s6", "AID", "GBR", None),  # missed: FN
        ],
    )
    coder = FakeCoder(
        {
            "s1": [make_event("ACCUSE", actor="USA", recipient="RUS")],
            "s2": [make_event("REQUEST", actor="SYR", recipient="UNO")],
            "s3": [make_event("COERCE", actor="TUR")],
            "s4": [make_event("CONSULT")],
        }
    )
    report = evaluate_file(path, coder)
    assert report.kind == "sentences"
    assert report.counts["tp"] == 2 and report.counts["fp"] == 2 and report.counts["fn"] == 2
    assert report.metrics["precision"] == pytest.approx(0.5)
    assert report.metrics["recall"] == pytest.approx(0.5)
    assert report.metrics["false_alarm_rate"] == pytest.approx(0.5)
    assert report.metrics["detection_precision"] == pytest.approx(3 / 4)
    assert report.metrics["detection_recall"] == pytest.approx(3 / 4)
    assert report.metrics["actor_country_accuracy"] == 1.0  # s1, s2 (s3 has the wrong type)
    assert report.metrics["recipient_country_accuracy"] == pytest.approx(0.5)  # s1 no, s2 yes
    assert report.confusion[("NONE", "CONSULT")] == 1
    assert report.confusion[("NONE", "NONE")] == 1
    assert {e.item_id for e in report.errors} == {"gd-1", "gd-3", "gd-4", "gd-6"}
    assert report.intervals["false_alarm_rate"] == m.wilson_interval(1, 2)
    assert report.intervals["precision"] == m.wilson_interval(2, 4)


def test_an_unknown_gold_label_is_an_error_not_a_silent_miss(tmp_path: Path) -> None:
    path = write_json(tmp_path / "s.json", [_sentence(1, "s1", "COOPERATION", "USA", None)])
    with pytest.raises(EvaluationError, match="COOPERATION"):
        evaluate_file(path, FakeCoder({}))


def test_none_is_a_gold_label_only_for_sentences(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "gsr.json", [{"id": "g", "text": "t", "event": "NONE", "source": []}]
    )
    with pytest.raises(EvaluationError, match="not a PLOVER type"):
        evaluate_file(path, FakeCoder({}))


def test_limit_scores_only_the_first_items(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "sentences.json",
        [_sentence(i, f"s{i}", "NONE", None, None) for i in range(5)],
    )
    coder = FakeCoder({})
    report = evaluate_file(path, coder, limit=2)
    assert report.n_items == 2
    assert len(coder.calls) == 2


def _articles_fixture(tmp_path: Path) -> tuple[Path, Path]:
    gold = write_json(
        tmp_path / "events.json",
        [
            {"article": "a1", "event": "ASSAULT", "actor": "TUR", "recipient": "SYR",
             "date": "2018-06", "evidence": "Turkish jets struck."},
            {"article": "a1", "event": "ACCUSE", "actor": "SYR", "recipient": "IGO",
             "date": "2018-06-30", "evidence": "Syria blamed the UN."},
            {"article": "a2", "event": "AID", "actor": "GBR", "recipient": None,
             "date": None, "evidence": "Britain sent aid."},
            {"article": "a2", "event": "CONSULT", "actor": "USA", "recipient": "RUS",
             "date": "2018-07-19", "evidence": "They met."},
        ],
    )  # fmt: skip
    texts = tmp_path / "articles.jsonl"
    texts.write_text(
        '{"id": "a1", "date": "2018-06-30", "text": "article one"}\n'
        '{"id": "a2", "date": "2018-07-20", "text": "article two"}\n',
        encoding="utf-8",
    )
    return gold, texts


def test_articles_recall_with_and_without_dates(tmp_path: Path) -> None:
    gold, _ = _articles_fixture(tmp_path)
    coder = FakeCoder(
        {
            "article one": [
                make_event("ASSAULT", actor="TUR", recipient="SYR", date="2018-06-12"),
                make_event("ACCUSE", actor="SYR", recipient="UNO", date="2018-06-29"),
                make_event("ASSAULT", actor="SYR", recipient="TUR", date="2018-06-30"),
            ],
            "article two": [
                make_event("AID", actor="GBR", recipient=None, date="2018-07-20"),
            ],
        }
    )
    report = evaluate_file(gold, coder)  # articles.jsonl found beside the gold file
    assert report.kind == "articles"
    assert report.n_items == 2
    # matched: ASSAULT (date ok), ACCUSE (day differs), AID (null gold date): 3 of 4
    assert report.metrics["articles_recall"] == pytest.approx(3 / 4)
    assert report.metrics["articles_recall_with_dates"] == pytest.approx(2 / 4)
    assert report.metrics["events_per_article"] == pytest.approx(2.0)
    assert report.metrics["matched_predicted_share"] == pytest.approx(3 / 4)
    assert report.per_class["ACCUSE"]["recall_with_dates"] == 0.0
    assert coder.calls[0]["published"] == "2018-06-30"
    assert coder.calls[0]["doc_id"] == "a1"
    assert len(report.errors) == 2  # the mis-dated ACCUSE and the missed CONSULT


def test_a_null_gold_recipient_does_not_match_a_predicted_recipient(tmp_path: Path) -> None:
    gold, _ = _articles_fixture(tmp_path)
    coder = FakeCoder({"article two": [make_event("AID", actor="GBR", recipient="SYR")]})
    report = evaluate_file(gold, coder)
    assert report.counts["matched"] == 0


def _one_article(tmp_path: Path, gold_events: list[dict[str, Any]]) -> Path:
    (tmp_path / "articles.jsonl").write_text(
        '{"id": "a1", "date": "2020-01-05", "text": "article one"}\n', encoding="utf-8"
    )
    return write_json(tmp_path / "events.json", [{"article": "a1", **g} for g in gold_events])


def test_one_prediction_recalls_only_one_of_two_identical_gold_events(tmp_path: Path) -> None:
    twice = {"event": "ASSAULT", "actor": "RUS", "recipient": "UKR", "date": None}
    gold = _one_article(tmp_path, [twice, twice])
    coder = FakeCoder({"article one": [make_event("ASSAULT", actor="RUS", recipient="UKR")]})
    report = evaluate_file(gold, coder)
    assert report.metrics["articles_recall"] == pytest.approx(1 / 2)
    assert report.metrics["articles_recall_with_dates"] == pytest.approx(1 / 2)
    assert report.metrics["matched_predicted_share"] == 1.0
    assert report.per_class["ASSAULT"]["recall"] == pytest.approx(1 / 2)
    assert report.counts["matched"] == 1
    assert len(report.errors) == 1
    assert "matched to another gold event" in report.errors[0].predicted
    assert any("one-to-one" in note for note in report.notes)


def test_two_identical_predictions_count_once_against_one_gold_event(tmp_path: Path) -> None:
    gold = _one_article(
        tmp_path, [{"event": "AID", "actor": "GBR", "recipient": None, "date": None}]
    )
    aid = make_event("AID", actor="GBR", recipient=None)
    report = evaluate_file(gold, FakeCoder({"article one": [aid, aid]}))
    assert report.metrics["articles_recall"] == 1.0
    assert report.counts["predicted_matching"] == 1
    assert report.metrics["matched_predicted_share"] == pytest.approx(1 / 2)


def test_dated_recall_uses_a_maximum_matching_not_first_come(tmp_path: Path) -> None:
    # Gold 1 has no date (accepts either prediction); gold 2 needs 2020-01-05. Pairing
    # gold 1 with the first prediction would strand gold 2; the maximum pairs both.
    gold = _one_article(
        tmp_path,
        [
            {"event": "ACCUSE", "actor": "USA", "recipient": "IRN", "date": None},
            {"event": "ACCUSE", "actor": "USA", "recipient": "IRN", "date": "2020-01-05"},
        ],
    )
    coder = FakeCoder(
        {
            "article one": [
                make_event("ACCUSE", actor="USA", recipient="IRN", date="2020-01-05"),
                make_event("ACCUSE", actor="USA", recipient="IRN", date="2019-03-01"),
            ]
        }
    )
    report = evaluate_file(gold, coder)
    assert report.metrics["articles_recall"] == 1.0
    assert report.metrics["articles_recall_with_dates"] == 1.0
    assert report.errors == []


def test_a_wrongly_dated_match_is_reported_with_its_date(tmp_path: Path) -> None:
    # Both gold events need January 2020 at month precision; only one prediction has it.
    gold = _one_article(
        tmp_path,
        [
            {"event": "REJECT", "actor": "IRN", "recipient": "USA", "date": "2020-01"},
            {"event": "REJECT", "actor": "IRN", "recipient": "USA", "date": "2020-01"},
        ],
    )
    coder = FakeCoder(
        {
            "article one": [
                make_event("REJECT", actor="IRN", recipient="USA", date="2020-01-20"),
                make_event("REJECT", actor="IRN", recipient="USA", date="2019-12-31"),
            ]
        }
    )
    report = evaluate_file(gold, coder)
    assert report.metrics["articles_recall"] == 1.0
    assert report.metrics["articles_recall_with_dates"] == pytest.approx(1 / 2)
    assert [e.predicted for e in report.errors] == [
        "right event, date 2019-12-31 (the rightly dated one is matched to another gold event)"
    ]


def test_articles_file_can_be_given_and_must_hold_every_article(tmp_path: Path) -> None:
    gold, texts = _articles_fixture(tmp_path)
    elsewhere = tmp_path / "texts.jsonl"
    elsewhere.write_text(texts.read_text(encoding="utf-8"), encoding="utf-8")
    texts.unlink()
    with pytest.raises(EvaluationError, match="article texts not found"):
        evaluate_file(gold, FakeCoder({}))
    assert evaluate_file(gold, FakeCoder({}), articles=elsewhere).n_items == 2
    elsewhere.write_text('{"id": "a1", "date": "2018-06-30", "text": "x"}\n', encoding="utf-8")
    with pytest.raises(EvaluationError, match="a2"):
        evaluate_file(gold, FakeCoder({}), articles=elsewhere)


# --------------------------------------------------------------------------- output


def _small_report() -> EvaluationReport:
    return EvaluationReport(
        kind="sentences",
        path="dev.json",
        n_items=2,
        metrics={"precision": 0.5, "false_alarm_rate": 0.25},
        per_class=m.class_scores([("AID", "AID"), ("NONE", "AID")], m.PLOVER_TYPES),
        confusion={("AID", "AID"): 1, ("NONE", "AID"): 1},
        errors=[],
        counts={"tp": 1},
        intervals={"precision": (0.1, 0.9)},
        notes=("a rule",),
    )


def test_report_to_dict_is_json_serialisable() -> None:
    data = report_to_dict(_small_report())
    text = json.dumps(data)
    assert json.loads(text)["confusion"] == [
        {"gold": "AID", "predicted": "AID", "count": 1},
        {"gold": "NONE", "predicted": "AID", "count": 1},
    ]
    assert data["metrics"]["precision"] == 0.5
    assert data["intervals"] == {"precision": [0.1, 0.9]}


def test_render_report_prints_metrics_classes_and_confusion() -> None:
    console = Console(record=True, width=160)
    render_report(_small_report(), console=console, show_errors=3)
    out = console.export_text()
    assert "Typed precision" in out and "50.0%" in out
    assert "False-alarm rate" in out and "25.0%" in out
    assert "10.0-90.0%" in out
    assert "per event type" in out and "AID" in out
    assert "confusion" in out
    assert "a rule" in out


# --------------------------------------------------------------------------- real gold files


@pytest.mark.parametrize(
    ("relative", "kind"),
    [
        ("plover_gsr/dev.json", "plover_gsr"),
        ("synthetic_events/dev.csv", "synthetic"),
        ("news_guardian/dev_sentences.json", "sentences"),
        ("news_guardian/dev_article_events.json", "articles"),
    ],
)
def test_the_shared_dev_sets_are_recognised(relative: str, kind: str) -> None:
    path = SHARED_DATA / relative
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared is only in the development workplace)")
    assert detect_kind(path) == kind


def test_shared_sentences_scored_by_a_coder_that_finds_nothing() -> None:
    path = SHARED_DATA / "news_guardian" / "dev_sentences.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared is only in the development workplace)")
    report = evaluate_file(path, FakeCoder({}))
    # Nothing predicted: no false alarms, no recall; the counts match the README (107/76).
    assert report.counts["gold_none"] == 107
    assert report.counts["gold_events"] == 76
    assert report.metrics["recall"] == 0.0
    assert report.metrics["false_alarm_rate"] == 0.0


def test_shared_article_events_find_their_texts_beside_the_gold_file() -> None:
    path = SHARED_DATA / "news_guardian" / "dev_article_events.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared is only in the development workplace)")
    coder = FakeCoder({})
    report = evaluate_file(path, coder)
    assert report.counts["gold_events"] == 40
    assert report.n_items == len(coder.calls) == 7  # guardian-0246 has no gold events
    assert all(call["published"] for call in coder.calls)
    assert report.metrics["articles_recall"] == 0.0


def test_accuracy_benchmark_exits_cleanly_without_shared_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util
    import sys

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "accuracy.py"
    spec = importlib.util.spec_from_file_location("accuracy_benchmark", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "accuracy_benchmark", module)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "SHARED_DATA", tmp_path / "absent")
    assert module.main([]) == 0
    assert "Nothing to benchmark" in " ".join(capsys.readouterr().out.split())


def test_a_perfect_coder_scores_100_percent_on_the_shared_sentences() -> None:
    path = SHARED_DATA / "news_guardian" / "dev_sentences.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared is only in the development workplace)")
    gold = json.loads(path.read_text(encoding="utf-8"))
    oracle = FakeCoder(
        {
            s["text"]: [
                make_event(
                    s["event"],
                    actor="UNO" if s["actor_country"] == "IGO" else s["actor_country"],
                    recipient="UNO" if s["recipient_country"] == "IGO" else s["recipient_country"],
                )
            ]
            for s in gold
            if s["event"] != "NONE"
        }
    )
    report = evaluate_file(path, oracle)
    assert report.metrics["f1"] == 1.0
    assert report.metrics["false_alarm_rate"] == 0.0
    assert report.metrics["actor_country_accuracy"] == 1.0
    assert report.metrics["recipient_country_accuracy"] == 1.0
    assert report.errors == []


def test_a_perfect_coder_recalls_every_shared_article_event() -> None:
    path = SHARED_DATA / "news_guardian" / "dev_article_events.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared is only in the development workplace)")
    gold = json.loads(path.read_text(encoding="utf-8"))
    texts = {
        json.loads(line)["id"]: json.loads(line)["text"]
        for line in (path.parent / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    answers: dict[str, list[Event]] = {}
    for g in gold:
        answers.setdefault(texts[g["article"]], []).append(
            make_event(g["event"], actor=g["actor"], recipient=g["recipient"], date=g["date"])
        )
    report = evaluate_file(path, FakeCoder(answers))
    assert report.metrics["articles_recall"] == 1.0
    assert report.metrics["articles_recall_with_dates"] == 1.0
    assert report.metrics["matched_predicted_share"] == 1.0
