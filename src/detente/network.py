"""Who interacts with whom: the actor network as a networkx graph, and writing it out.

Nodes are actor keys (country, else actor code, as in `detente.rankings`) with their name
and event counts; edges are dyads weighted by their number of events (`weight`), with the
mean Goldstein score, cooperation and conflict counts and the last date as attributes.
Undirected by default (a `Graph`); `directed=True` gives a `DiGraph` whose edge A -> B
counts the events A did to B. GraphML and GEXF files open in Gephi, Cytoscape or networkx.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from detente.errors import AnalysisError
from detente.rankings import actor_names
from detente.store import EventQuery, EventStore

if TYPE_CHECKING:
    import networkx

logger = logging.getLogger(__name__)

FORMATS = ("graphml", "gexf")


def actor_network(
    store: EventStore,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    directed: bool = False,
    min_events: int = 1,
    event_type: str | None = None,
    names: Mapping[str, str] | None = None,
) -> networkx.Graph:
    """The actor network of the events matching the filters (dyads with >= `min_events`)."""
    import networkx as nx

    query = EventQuery(since=since, until=until, event_type=event_type)
    dyads = [c for c in store.dyad_counts(query, directed=directed) if c.events >= min_events]
    names = actor_names() if names is None else names
    graph: networkx.Graph = nx.DiGraph() if directed else nx.Graph()
    actors = {c.code: c for c in store.actor_counts(query)}
    for dyad in dyads:
        for code in (dyad.first, dyad.second):
            if code not in graph:
                count = actors.get(code)
                graph.add_node(
                    code,
                    name=names.get(code, code),
                    events=count.events if count else 0,
                    as_actor=count.as_actor if count else 0,
                    as_recipient=count.as_recipient if count else 0,
                )
        graph.add_edge(
            dyad.first,
            dyad.second,
            weight=dyad.events,
            cooperation=dyad.verbal_cooperation + dyad.material_cooperation,
            conflict=dyad.verbal_conflict + dyad.material_conflict,
            goldstein_mean=round(dyad.goldstein_sum / dyad.events, 6),
            last_date=dyad.last_date.isoformat() if dyad.last_date else "",
        )
    return graph


def layout(graph: networkx.Graph, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Node positions for drawing (spring layout on event counts, reproducible by `seed`)."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    positions = nx.spring_layout(graph.to_undirected(), weight="weight", seed=seed)
    return {node: (round(float(x), 6), round(float(y), 6)) for node, (x, y) in positions.items()}


def network_format(path: Path, fmt: str | None = None) -> str:
    """The output format: `fmt`, else the file's suffix (graphml, gexf)."""
    value = (fmt or path.suffix.lstrip(".")).lower()
    if value not in FORMATS:
        raise AnalysisError(
            f"cannot tell the network format of {path}: name it .graphml or .gexf, or give --format"
        )
    return value


def write_network(graph: networkx.Graph, path: Path, fmt: str | None = None) -> Path:
    """Write the graph as GraphML or GEXF (from `fmt` or the suffix)."""
    import networkx as nx

    kind = network_format(path, fmt)
    try:
        if kind == "graphml":
            nx.write_graphml(graph, path)
        else:
            nx.write_gexf(graph, path)
    except OSError as err:
        raise AnalysisError(f"cannot write network to {path}: {err.strerror}") from None
    return path
