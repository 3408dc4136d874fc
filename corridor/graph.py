"""A corridor compiled into arrays for shortest paths with :mod:`scipy.sparse.csgraph`.

Each place expands into one *terminal* per mode, gauge and side of a border (see ``corridor.network``).
Segments join terminals of the same mode at two places (two directed edges); transfers join two terminals
at one place (both ways unless ``directed``). Every place also gets an origin node, with edges to each of
its terminals, and a destination node, with edges from each; a route therefore starts and ends at a place
but can change mode only through a transfer.

Compile once per corridor (or ``as_of`` date) and cost parameters; the weights of every criterion are
columns of ``Graph.weights`` so a search only picks a column and a mask.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from corridor import _model
from corridor.costs import CostParameters, element_costs
from corridor.network import Corridor

__all__ = ["CRITERIA", "Graph", "compile_graph", "shortest_path", "k_shortest_paths"]

CRITERIA = ("generalised_cost_usd", "time_h", "cost_usd", "distance_km", "co2e_kg")
_EPSILON = 1e-9  # csgraph drops explicit zeros; access and layer edges cost this instead


@dataclasses.dataclass(frozen=True)
class Graph:
    """Directed edges of a compiled corridor.

    Attributes
    ----------
    nodes : ndarray of str
        Terminal labels ``place|mode|gauge|country``, then ``place|origin`` and ``place|destination``.
    source, target : ndarray of int
        Edge ends (positions in `nodes`).
    edges : DataFrame
        One row per edge: ``element_type`` (segment, transfer, access), ``element_id``, ``forward`` (a
        segment run from ``from_place`` to ``to_place``), ``from_place``, ``to_place``, and one column of
        weights per criterion in :data:`CRITERIA` (distance km, time h, money US$, CO2e kg per cargo unit).
    costs : DataFrame
        :func:`corridor.costs.element_costs` of the compiled corridor, indexed by (element_type, element_id).
    """

    nodes: np.ndarray
    source: np.ndarray
    target: np.ndarray
    edges: pd.DataFrame
    costs: pd.DataFrame

    def terminals(self, place_id: str) -> np.ndarray:
        """Positions of the terminals of `place_id`."""
        mask = np.char.startswith(self.nodes.astype(str), f"{place_id}|") & ~np.isin(
            self.nodes, [f"{place_id}|origin", f"{place_id}|destination"]
        )
        return np.flatnonzero(mask)


def compile_graph(corridor: Corridor, parameters: CostParameters) -> Graph:
    """Compile `corridor` with the costs of `parameters` into a :class:`Graph`.

    Raises
    ------
    ValueError
        If a segment or transfer lacks a figure a criterion needs (a speed, a rate), naming each one.

    Examples
    --------
    >>> import corridor
    >>> from corridor.costs import CostParameters
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> g = compile_graph(toy, CostParameters.default())
    >>> g.edges["element_type"].value_counts().to_dict()
    {'access': 16, 'segment': 8, 'transfer': 8}
    """
    costs = element_costs(corridor, parameters)
    missing = costs[list(CRITERIA)].isna().any(axis=1)
    if missing.any():
        names = [f"{t} {i!r}" for t, i in costs.index[missing]]
        raise ValueError(
            f"cannot cost {', '.join(names)}: a speed, a length or a rate (`cost_usd_per_tkm`) is missing; "
            "fill it in the data or give `rate_usd_per_tkm` in the cost parameters."
        )
    seg, tr = corridor.segments, corridor.transfers
    seg_from, seg_to = _model.segment_terminals(seg)
    tr_from, tr_to = _model.transfer_terminals(tr)

    parts = [
        _edges("segment", seg.index, seg_from, seg_to, True, seg["from_place"], seg["to_place"], costs.loc["segment"]),
        _edges("segment", seg.index, seg_to, seg_from, False, seg["to_place"], seg["from_place"], costs.loc["segment"]),
        _edges("transfer", tr.index, tr_from, tr_to, True, tr["place_id"], tr["place_id"], costs.loc["transfer"]),
    ]
    both_ways = ~tr["directed"]
    parts.append(
        _edges(
            "transfer", tr.index[both_ways], tr_to[both_ways], tr_from[both_ways], False,
            tr["place_id"][both_ways], tr["place_id"][both_ways], costs.loc["transfer"],
        )
    )  # fmt: skip
    terminals = pd.unique(pd.concat([seg_from, seg_to, tr_from, tr_to]).to_numpy())
    place_of = pd.Series(terminals).str.split("|").str[0].to_numpy()
    zero = pd.DataFrame(0.0, index=range(len(terminals)), columns=list(CRITERIA))
    parts.append(
        _edges("access", [None] * len(terminals), place_of + "|origin", terminals, True, place_of, place_of, zero)
    )
    parts.append(
        _edges("access", [None] * len(terminals), terminals, place_of + "|destination", True, place_of, place_of, zero)
    )
    edges = pd.concat(parts, ignore_index=True)
    places = corridor.places.index.to_numpy(dtype=object)
    nodes = np.concatenate([terminals, places + "|origin", places + "|destination"]).astype(object)
    index = pd.Index(nodes)
    source = index.get_indexer(edges.pop("from_node"))
    target = index.get_indexer(edges.pop("to_node"))
    return Graph(nodes=nodes, source=source, target=target, edges=edges, costs=costs)


def _edges(kind, ids, start, end, forward, from_place, to_place, weights) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "element_type": kind,
            "element_id": np.asarray(ids, dtype=object),
            "forward": forward,
            "from_node": np.asarray(start, dtype=object),
            "to_node": np.asarray(end, dtype=object),
            "from_place": np.asarray(from_place, dtype=object),
            "to_place": np.asarray(to_place, dtype=object),
        }
    )
    values = weights.loc[ids, list(CRITERIA)].to_numpy() if kind != "access" else weights.to_numpy()
    return pd.concat([frame, pd.DataFrame(values, columns=list(CRITERIA))], axis=1)


def shortest_path(
    n_nodes: int, source: np.ndarray, target: np.ndarray, weight: np.ndarray, start: int, end: int
) -> tuple[float, list[int]]:
    """Cheapest path from node `start` to node `end` over directed edges (`source`, `target`, `weight`).

    Parallel edges keep the cheapest. Returns the path's total weight and its edge positions in order,
    or ``(inf, [])`` if `end` cannot be reached. Edges with a NaN or infinite weight are skipped.
    """
    usable = np.isfinite(weight)
    edge_ids = np.flatnonzero(usable)
    order = np.lexsort((weight[edge_ids], target[edge_ids], source[edge_ids]))
    edge_ids = edge_ids[order]
    pairs = source[edge_ids].astype(np.int64) * n_nodes + target[edge_ids]
    first = np.concatenate([[True], pairs[1:] != pairs[:-1]])
    edge_ids = edge_ids[first]
    s, t = source[edge_ids], target[edge_ids]
    matrix = csr_array((weight[edge_ids] + _EPSILON, (s, t)), shape=(n_nodes, n_nodes))
    distance, predecessor = dijkstra(matrix, indices=start, return_predecessors=True)
    if not np.isfinite(distance[end]):
        return float("inf"), []
    lookup = dict(zip(zip(s.tolist(), t.tolist(), strict=True), edge_ids.tolist(), strict=True))
    path, node = [], end
    while node != start:
        previous = int(predecessor[node])
        path.append(lookup[(previous, node)])
        node = previous
    path.reverse()
    return float(weight[path].sum()), path


def k_shortest_paths(
    n_nodes: int, source: np.ndarray, target: np.ndarray, weight: np.ndarray, start: int, end: int, k: int
) -> list[tuple[float, list[int]]]:
    """Up to `k` cheapest loopless paths from `start` to `end`, cheapest first (Yen's algorithm)."""
    best = shortest_path(n_nodes, source, target, weight, start, end)
    if not best[1]:
        return []
    found, candidates, seen = [best], [], {tuple(best[1])}
    while len(found) < k:
        _, previous = found[-1]
        nodes = [start, *target[previous].tolist()]
        for j in range(len(previous)):
            root = previous[:j]
            blocked = weight.copy()
            for _, path in found:
                if path[:j] == root:
                    blocked[path[j]] = np.inf
            root_nodes = np.array(nodes[:j], dtype=int)
            blocked[np.isin(source, root_nodes) | np.isin(target, root_nodes)] = np.inf
            cost, spur = shortest_path(n_nodes, source, target, blocked, nodes[j], end)
            if spur and tuple(root + spur) not in seen:
                seen.add(tuple(root + spur))
                heapq.heappush(candidates, (float(weight[root].sum()) + cost, root + spur))
        if not candidates:
            break
        found.append(heapq.heappop(candidates))
    return found


def layered(graph: Graph, via_terminals: Sequence[np.ndarray]) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Stack ``len(via) + 1`` copies of the graph, joined at the terminals of each via place.

    A path from layer 0 to the last layer passes every via place in order and changes mode there only
    through a transfer. Returns ``(n_nodes, source, target, edge_of)``, where ``edge_of`` maps each stacked
    edge to its edge in `graph` (-1 for the edges that join layers).
    """
    n, layers = len(graph.nodes), len(via_terminals) + 1
    sources = [graph.source + layer * n for layer in range(layers)]
    targets = [graph.target + layer * n for layer in range(layers)]
    edge_of = [np.arange(len(graph.source))] * layers
    for layer, terminals in enumerate(via_terminals):
        sources.append(terminals + layer * n)
        targets.append(terminals + (layer + 1) * n)
        edge_of.append(np.full(len(terminals), -1))
    return n * layers, np.concatenate(sources), np.concatenate(targets), np.concatenate(edge_of)
