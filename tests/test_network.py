"""The actor network: nodes, weighted edges, GraphML and GEXF files."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from analysis_events import event, store_with

from detente.errors import AnalysisError
from detente.network import actor_network, layout, write_network


@pytest.fixture
def store(tmp_path: Path):
    events = [
        event("IRN", "USA", "2020-01-06", "ACCUSE"),
        event("USA", "IRN", "2020-01-07", "ASSAULT"),
        event("IRN", "USA", "2020-01-08", "CONSULT"),
        event("PAK", "RUS", "2020-01-10", "AGREE"),
        event("PAK", "PAK", "2020-01-11", "ASSAULT"),
    ]
    with store_with(tmp_path / "s.duckdb", events) as s:
        yield s


def test_undirected_network_weights_dyads_by_events(store) -> None:
    graph = actor_network(store)
    assert not graph.is_directed()
    assert sorted(graph.nodes) == ["IRN", "PAK", "RUS", "USA"]  # no self-loop for PAK-PAK
    edge = graph.edges["IRN", "USA"]
    assert (edge["weight"], edge["cooperation"], edge["conflict"]) == (3, 1, 2)
    assert edge["goldstein_mean"] == pytest.approx((-2 - 10 + 1) / 3)
    assert graph.nodes["IRN"]["name"] == "Iran" and graph.nodes["IRN"]["events"] == 3
    assert graph.nodes["PAK"]["events"] == 2  # the domestic event counts for the actor


def test_directed_network_and_minimum_events(store) -> None:
    graph = actor_network(store, directed=True)
    assert graph.edges["IRN", "USA"]["weight"] == 2 and graph.edges["USA", "IRN"]["weight"] == 1
    busy = actor_network(store, min_events=2)
    assert list(busy.edges) == [("IRN", "USA")]
    assert actor_network(store, event_type="AGREE").number_of_edges() == 1


def test_graphml_and_gexf_read_back(store, tmp_path: Path) -> None:
    graph = actor_network(store)
    back = nx.read_graphml(write_network(graph, tmp_path / "n.graphml"))
    assert back.edges["IRN", "USA"]["weight"] == 3
    gexf = nx.read_gexf(write_network(graph, tmp_path / "n.gexf"))
    assert gexf.number_of_edges() == 2
    with pytest.raises(AnalysisError, match=".graphml or .gexf"):
        write_network(graph, tmp_path / "n.txt")


def test_layout_is_reproducible(store) -> None:
    graph = actor_network(store)
    assert layout(graph) == layout(graph)
    assert set(layout(graph)) == set(graph.nodes)
