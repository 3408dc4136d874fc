"""A corridor compiled into arrays for shortest paths with :mod:`scipy.sparse.csgraph`.

Each place expands into one *terminal* per mode, gauge and side of a border (see ``corridor.network``).
Segments join terminals of the same mode at two places (two directed edges); transfers join two terminals
at one place (both ways unless ``directed``). Every place also gets an origin node, with edges to each of
its terminals, and a destination node, with edges from each; a route therefore starts and ends at a place
but can change mode only through a transfer.

The graph's *shape* (nodes, edges, the CSR structure) depends on the corridor and the date only: it is
compiled once (:func:`compiled` keeps it on the corridor, per date) and reused. Its *weights* depend on the
cost parameters: :meth:`Graph.weights` computes them in one vectorised pass from the element costs of
:func:`corridor.costs.element_costs` and keeps the last few parameter sets.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from corridor import _model
from corridor.costs import CostParameters, element_costs
from corridor.network import Corridor

__all__ = ["CRITERIA", "METRICS", "Graph", "compile_graph", "compiled", "shortest_path", "k_shortest_paths"]

CRITERIA = ("generalised_cost_usd", "time_h", "cost_usd", "distance_km", "co2e_kg")
METRICS = ("distance_km", "time_h", "moving_time_h", "cost_usd", "co2e_kg", "generalised_cost_usd")
MAX_K = 50  # Yen's algorithm runs one search per node of every path found; more routes than this is a sweep
_EPSILON = 1e-9  # added to every edge so that, of equal routes, the one with fewer steps wins
_WEIGHT_SETS = 16  # parameter sets (and cargo classes priced at their own rates) whose costs a graph keeps


class _Adjacency:
    """The CSR structure of a directed multigraph, built once; weights are supplied per search.

    Parallel edges (same two nodes) share one CSR entry that takes the cheapest of them, so a search costs
    one ``reduceat`` and one csgraph call, and a path's steps map back to edges with one ``searchsorted``.
    """

    def __init__(self, n_nodes: int, source: np.ndarray, target: np.ndarray) -> None:
        source, target = np.asarray(source, dtype=np.int64), np.asarray(target, dtype=np.int64)
        self.n_nodes = n_nodes
        self.order = np.lexsort((target, source))
        pair = source[self.order] * n_nodes + target[self.order]
        first = np.ones(len(pair), dtype=bool)
        first[1:] = pair[1:] != pair[:-1]
        self.starts = np.flatnonzero(first)
        self.group = np.cumsum(first) - 1  # group of each sorted edge
        self.pair = pair[self.starts]
        self.indices = target[self.order][self.starts].astype(np.int32)
        self.indptr = np.searchsorted(source[self.order][self.starts], np.arange(n_nodes + 1)).astype(np.int32)
        self.parallel = len(self.starts) < len(pair)
        self._local = threading.local()

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (for a Dask worker) without the per-thread matrices, which are rebuilt on first use."""
        state = self.__dict__.copy()
        del state["_local"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    def reduce(self, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cheapest weight of each node pair and the edge that has it."""
        w = weight[self.order]
        w = np.where(np.isnan(w), np.inf, w)
        if not self.parallel:
            return w, self.order
        best = np.minimum.reduceat(w, self.starts)
        winners = np.flatnonzero(w == best[self.group])  # in sorted order, so the first of each group leads
        keep = np.ones(len(winners), dtype=bool)
        keep[1:] = self.group[winners[1:]] != self.group[winners[:-1]]
        return best, self.order[winners[keep]]

    def matrix(self, best: np.ndarray) -> csr_array:
        """The csgraph input for pair weights `best` (infinite weights are never taken).

        One matrix per thread is built once and takes new weights in place, which spares scipy's format
        checks on every search; use it before asking for the next one.
        """
        matrix = getattr(self._local, "matrix", None)
        if matrix is None:
            matrix = self._local.matrix = csr_array(
                (np.ones(len(self.indices)), self.indices, self.indptr), shape=(self.n_nodes, self.n_nodes)
            )
        matrix.data = best + _EPSILON
        return matrix

    def edges(self, best_edge: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The edge taken for each step ``u -> v`` (arrays of equal shape)."""
        return best_edge[np.searchsorted(self.pair, u.astype(np.int64) * self.n_nodes + v)]

    def path(self, weight: np.ndarray, start: int, end: int) -> tuple[float, list[int]]:
        """Cheapest path from `start` to `end`: its weight and its edges in order, or ``(inf, [])``.

        The pair weights of the last `weight` searched (per thread) are kept: searches with the same weights, as
        a run of routes under one parameter set makes, reduce them once.
        """
        key = weight.tobytes()
        last = getattr(self._local, "last", None)
        if last is None or last[0] != key:
            last = self._local.last = (key, *self.reduce(weight))
        _, best, best_edge = last
        distance, predecessor = dijkstra(self.matrix(best), indices=start, return_predecessors=True)
        if not np.isfinite(distance[end]):
            return float("inf"), []
        nodes = [end]
        while nodes[-1] != start:
            nodes.append(int(predecessor[nodes[-1]]))
        nodes = np.array(nodes[::-1])
        path = self.edges(best_edge, nodes[:-1], nodes[1:])
        return float(weight[path].sum()), path.tolist()


def shortest_path(
    n_nodes: int, source: np.ndarray, target: np.ndarray, weight: np.ndarray, start: int, end: int
) -> tuple[float, list[int]]:
    """Cheapest path from node `start` to node `end` over directed edges (`source`, `target`, `weight`).

    Parallel edges keep the cheapest. Returns the path's total weight and its edge positions in order,
    or ``(inf, [])`` if `end` cannot be reached. Edges with a NaN or infinite weight are skipped.

    Examples
    --------
    >>> import numpy as np
    >>> shortest_path(3, np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([1.0, 1.0, 5.0]), 0, 2)
    (2.0, [0, 1])
    """
    return _Adjacency(n_nodes, source, target).path(np.asarray(weight, dtype=float), start, end)


def k_shortest_paths(
    n_nodes: int,
    source: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray,
    start: int,
    end: int,
    k: int,
    *,
    adjacency: _Adjacency | None = None,
) -> list[tuple[float, list[int]]]:
    """Up to `k` cheapest loopless paths from `start` to `end`, cheapest first (Yen's algorithm).

    `adjacency` is the structure of (`source`, `target`) if the caller already has it.
    """
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= MAX_K:
        raise ValueError(f"`k` was {k!r}; expected a whole number of routes from 1 to {MAX_K}.")
    adjacency = adjacency or _Adjacency(n_nodes, source, target)
    weight = np.asarray(weight, dtype=float)
    best = adjacency.path(weight, start, end)
    if not best[1] or k == 1:
        return [best] if best[1] else []
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
            cost, spur = adjacency.path(blocked, nodes[j], end)
            if spur and tuple(root + spur) not in seen:
                seen.add(tuple(root + spur))
                heapq.heappush(candidates, (float(weight[root].sum()) + cost, root + spur))
        if not candidates:
            break
        found.append(heapq.heappop(candidates))
    return found


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Graph:
    """Directed edges of a compiled corridor, and the costs of its elements per parameter set.

    Attributes
    ----------
    network : Corridor
        The corridor that was compiled (the elements in service on the date it was taken at).
    nodes : ndarray of str
        Terminal labels ``place|mode|gauge|country``, then ``place|origin`` and ``place|destination``.
    source, target : ndarray of int
        Edge ends (positions in `nodes`).
    edges : DataFrame
        One row per edge: ``element_type`` (segment, transfer, access), ``element_id``, ``forward`` (a
        segment run from ``from_place`` to ``to_place``), ``from_place``, ``to_place``, and ``access`` (see
        :attr:`access_role`). A stop is an edge from its own node into its terminal.
    element : ndarray of int
        Each edge's row in the element table (the corridor's segments, then its transfers); access edges
        point one past the last row, at costs of zero.
    """

    network: Corridor
    nodes: np.ndarray
    source: np.ndarray
    target: np.ndarray
    edges: pd.DataFrame
    element: np.ndarray
    _weights: dict[Any, tuple[pd.DataFrame, np.ndarray]] = dataclasses.field(default_factory=dict, init=False)

    def __repr__(self) -> str:
        return f"<Graph {len(self.nodes)} nodes, {len(self.source)} edges of {self.network!r}>"

    @functools.cached_property
    def adjacency(self) -> _Adjacency:
        """The CSR structure, built on first use."""
        return _Adjacency(len(self.nodes), self.source, self.target)

    @functools.cached_property
    def node_index(self) -> pd.Index:
        """Node labels to positions."""
        return pd.Index(self.nodes)

    @functools.cached_property
    def edge_place(self) -> np.ndarray:
        """Each edge's ``from_place`` as an integer code into ``network.places.index``."""
        return self.network.places.index.get_indexer(self.edges["from_place"])

    @functools.cached_property
    def is_transfer(self) -> np.ndarray:
        """Which edges are transfers."""
        return self.edges["element_type"].eq("transfer").to_numpy()

    @functools.cached_property
    def access_role(self) -> np.ndarray:
        """Each edge's access role: ``"water"``, ``"bypass"`` or ``""``.

        ``"water"``: an access edge into a port's water side at a place with land terminals; ``"bypass"``: an
        access edge past the stops at a terminal; ``""``: every other edge.
        """
        return self.edges["access"].to_numpy(dtype=object)

    @functools.cached_property
    def is_access(self) -> np.ndarray:
        """Which edges join a place's origin or destination node to its terminals."""
        return self.edges["element_type"].eq("access").to_numpy()

    @functools.cached_property
    def edge_kind(self) -> np.ndarray:
        """Each edge's mode (segments) or kind (transfers); None for access edges."""
        kinds = np.concatenate([self.network.segments["mode"].to_numpy(dtype=object),
                                self.network.transfers["kind"].to_numpy(dtype=object), [None]])  # fmt: skip
        return kinds[self.element]

    @functools.cached_property
    def element_columns(self) -> dict[str, np.ndarray]:
        """What a route's legs say about each element (segments, then transfers), in element-row order.

        One array per column, for fast positional takes.
        """
        seg, tr, places = self.network.segments, self.network.transfers, self.network.places
        segments = pd.DataFrame(
            {
                "element_type": "segment",
                "element_id": seg.index.to_numpy(dtype=object),
                "kind": seg["mode"].to_numpy(dtype=object),
                "mode": seg["mode"].to_numpy(dtype=object),
                "country": seg["country"].to_numpy(dtype=object),
                "time_source": seg["speed_source"].to_numpy(dtype=object),
                "time_confidence": seg["speed_confidence"].to_numpy(dtype=object),
                "cost_source": seg["cost_source"].to_numpy(dtype=object),
                "cost_confidence": seg["cost_confidence"].to_numpy(dtype=object),
                "co2e_factor": ("co2e_kg_per_tkm." + seg["mode"].astype(str) + "." + seg["branch"].fillna(""))
                .astype(str).to_numpy(dtype=object),
                "geometry": seg.geometry.to_numpy(),
            }
        )  # fmt: skip
        transfers = pd.DataFrame(
            {
                "element_type": "transfer",
                "element_id": tr.index.to_numpy(dtype=object),
                "kind": tr["kind"].to_numpy(dtype=object),
                "mode": pd.NA,
                "country": places["country"].reindex(tr["place_id"]).to_numpy(dtype=object),
                "time_source": tr["time_source"].to_numpy(dtype=object),
                "time_confidence": tr["time_confidence"].to_numpy(dtype=object),
                "cost_source": tr["cost_source"].to_numpy(dtype=object),
                "cost_confidence": tr["cost_confidence"].to_numpy(dtype=object),
                "co2e_factor": "",
                "geometry": places.geometry.reindex(tr["place_id"]).to_numpy(),
            }
        )
        table = pd.concat([segments, transfers], ignore_index=True)
        return {column: values.to_numpy(dtype=object) for column, values in table.items()}

    def terminals(self, place_id: str) -> np.ndarray:
        """Positions of the terminals of `place_id`."""
        return np.unique(self.target[self.is_access & (self.source == self.node_index.get_loc(f"{place_id}|origin"))])

    def costs(self, parameters: CostParameters, *, cargo_class: str | None = None) -> pd.DataFrame:
        """:func:`corridor.costs.element_costs` of the network, indexed by (element_type, element_id).

        With `cargo_class`, priced and timed with that class's own rates and times where `parameters` has them
        (the class-less costs otherwise). A copy: editing it changes no later cost (the weights are read-only
        arrays for the same reason).
        """
        return self._evaluate(parameters, cargo_class)[0].copy()

    def class_costs(self, parameters: CostParameters, classes: Sequence[str], column: str) -> np.ndarray:
        """One cost column for several cargo classes: an array of shape ``(len(classes), n_elements)``.

        Row ``i`` is `column` of :meth:`costs` for ``classes[i]``; elements in the corridor's order (segments,
        then transfers). A class without rates or times of its own gets the class-less row.

        Examples
        --------
        >>> import corridor
        >>> from corridor.costs import CostParameters
        >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
        >>> p = CostParameters.default(rates={"dry_bulk:port_call": (5.0, "usd_per_tonne", 2022)}, price_year=2022)
        >>> money = compiled(toy).class_costs(p, ["container", "dry_bulk"], "cost_usd")
        >>> money.shape, float(money[1, 6])  # c_port: 5 US$/t x 12 t per TEU
        ((2, 8), 60.0)
        """
        rows = [self._evaluate(parameters, c)[0][column].to_numpy(dtype=float) for c in classes]
        return np.vstack(rows) if rows else np.zeros((0, len(self._evaluate(parameters)[0])))

    def weights(self, parameters: CostParameters, *, cargo_class: str | None = None) -> np.ndarray:
        """Edge weights, shape ``(n_edges, len(METRICS))``, columns in the order of :data:`METRICS`.

        Computed in one vectorised pass from the element costs and kept for the last few parameter sets. With
        `cargo_class`, at that class's own rates and times where `parameters` has them.

        Raises
        ------
        ValueError
            If a segment or transfer lacks a figure a criterion needs (a speed, a rate), naming each one.
        """
        return self._evaluate(parameters, cargo_class)[1]

    def _evaluate(self, parameters: CostParameters, cargo_class: str | None = None) -> tuple[pd.DataFrame, np.ndarray]:
        if cargo_class is not None and cargo_class not in parameters.own_classes:
            cargo_class = None  # a class without rates or times of its own costs what every class costs
        key = parameters.key if cargo_class is None else (parameters.key, cargo_class)
        if key not in self._weights:
            costs = element_costs(self.network, parameters, cargo_class=cargo_class)
            missing = costs[list(CRITERIA)].isna().any(axis=1)
            if missing.any():
                names = [f"{t} {i!r}" for t, i in costs.index[missing]]
                raise ValueError(
                    f"cannot cost {', '.join(names)} with assumption set {parameters.assumption_set!r}: a speed, a "
                    "length or a rate is missing; fill `cost_usd_per_tkm` in the data, add a rate for the mode, "
                    "service or country to the set (`rates`), or give `rate_usd_per_tkm` in the cost parameters."
                )
            negative = (costs[list(METRICS)] < 0).any(axis=1)
            if negative.any():  # a search over negative weights would be wrong (or never end)
                names = [f"{t} {i!r}" for t, i in costs.index[negative]]
                raise ValueError(
                    f"negative time, money, distance or CO2e for {', '.join(names)} with assumption set "
                    f"{parameters.assumption_set!r}; check the figures and rates (none may be negative)."
                )
            infinite = np.isinf(costs[list(METRICS)].to_numpy(dtype=float)).any(axis=1)
            if infinite.any():  # finite figures whose product overflows would block an edge without a word
                names = [f"{t} {i!r}" for t, i in costs.index[infinite]]
                raise ValueError(
                    f"infinite time, money, distance or CO2e for {', '.join(names)} with assumption set "
                    f"{parameters.assumption_set!r}: a figure or rate is too large to cost; check it."
                )
            values = np.vstack([costs[list(METRICS)].to_numpy(dtype=float), np.zeros(len(METRICS))])
            weights = values[self.element]  # access edges take the appended row of zeros
            weights.flags.writeable = False
            if len(self._weights) >= _WEIGHT_SETS:
                self._weights.pop(next(iter(self._weights)))
            self._weights[key] = (costs, weights)
        return self._weights[key]


def compile_graph(corridor: Corridor, parameters: CostParameters | None = None) -> Graph:
    """Compile `corridor` into a :class:`Graph`; with `parameters`, cost it too (and fail early).

    Raises
    ------
    ValueError
        If `parameters` is given and a segment or transfer lacks a figure a criterion needs, naming each one.

    Examples
    --------
    >>> import corridor
    >>> from corridor.costs import CostParameters
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> g = compile_graph(toy, CostParameters.default())
    >>> g.edges["element_type"].value_counts().to_dict()
    {'access': 16, 'segment': 8, 'transfer': 8}
    """
    seg, tr = corridor.segments, corridor.transfers
    seg_from, seg_to = (t.to_numpy() for t in _model.segment_terminals(seg))
    tr_from, tr_to = (t.to_numpy() for t in _model.transfer_terminals(tr))
    n_seg = len(seg)
    stop = tr["kind"].isin(_model.STOP_KINDS).to_numpy()
    both_ways = ~tr["directed"].to_numpy(dtype=bool) & ~stop
    seg_rows, tr_rows = np.arange(n_seg), n_seg + np.arange(len(tr))
    seg_a, seg_b = seg["from_place"].to_numpy(dtype=object), seg["to_place"].to_numpy(dtype=object)
    tr_place = tr["place_id"].to_numpy(dtype=object)
    modes = [seg["mode"], seg["mode"], tr["from_mode"], tr["to_mode"]]
    codes, terminals = pd.factorize(np.concatenate([seg_from, seg_to, tr_from, tr_to]))
    _, first = np.unique(codes, return_index=True)
    place_of = np.concatenate([seg_a, seg_b, tr_place, tr_place])[first]
    on_water = pd.Index(np.concatenate([m.to_numpy(dtype=object) for m in modes])[first]).isin(_model.WATER_MODES)
    terminals = np.asarray(terminals, dtype=object)
    # a stop is a node of its own in front of its terminal: every edge into the terminal passes it first
    chain, entry = _stop_chains(tr_from[stop], tr.index[stop].to_numpy(dtype=object))
    enter = pd.Series(entry, dtype=object)

    def into(labels: np.ndarray) -> np.ndarray:
        if enter.empty:
            return labels
        mapped = enter.reindex(labels).to_numpy(dtype=object)
        return np.where(pd.isna(mapped), labels, mapped)

    has_stop = pd.Index(terminals).isin(enter.index)
    land_places = np.unique(place_of[~on_water])
    water_access = on_water & pd.Index(place_of).isin(land_places)  # a port reached from land, not from the sea
    n_terminals = len(terminals)
    origin, destination = place_of + "|origin", place_of + "|destination"
    parts = [  # (kind, element row, forward, from node, to node, place at start, place at end, access role)
        ("segment", seg_rows, True, seg_from, into(seg_to), seg_a, seg_b, ""),
        ("segment", seg_rows, False, seg_to, into(seg_from), seg_b, seg_a, ""),
        ("transfer", tr_rows[~stop], True, tr_from[~stop], into(tr_to[~stop]), tr_place[~stop], tr_place[~stop], ""),
        ("transfer", tr_rows[both_ways], False, tr_to[both_ways], into(tr_from[both_ways]),
         tr_place[both_ways], tr_place[both_ways], ""),
        ("transfer", tr_rows[stop][chain["stop"]], True, chain["from"], chain["to"],
         tr_place[stop][chain["stop"]], tr_place[stop][chain["stop"]], ""),
        ("access", np.full(n_terminals, -1), True, origin, into(terminals), place_of, place_of,
         np.where(water_access, "water", "")),
        ("access", np.full(n_terminals, -1), True, terminals, destination, place_of, place_of,
         np.where(water_access, "water", "")),
        ("access", np.full(has_stop.sum(), -1), True, origin[has_stop], terminals[has_stop], place_of[has_stop],
         place_of[has_stop], "bypass"),
        ("access", np.full(has_stop.sum(), -1), True, into(terminals[has_stop]), destination[has_stop],
         place_of[has_stop], place_of[has_stop], "bypass"),
    ]  # fmt: skip
    element_ids = np.concatenate([seg.index.to_numpy(dtype=object), tr.index.to_numpy(dtype=object), [None]])
    element = np.concatenate([p[1] for p in parts])
    edges = pd.DataFrame(
        {
            "element_type": np.concatenate([np.full(len(p[1]), p[0], dtype=object) for p in parts]),
            "element_id": element_ids[element],
            "forward": np.concatenate([np.full(len(p[1]), p[2]) for p in parts]),
            "from_place": np.concatenate([p[5] for p in parts]),
            "to_place": np.concatenate([p[6] for p in parts]),
            "access": np.concatenate([np.broadcast_to(np.asarray(p[7], dtype=object), len(p[1])) for p in parts]),
        }
    )
    places = corridor.places.index.to_numpy(dtype=object)
    nodes = np.concatenate([terminals, chain["node"], places + "|origin", places + "|destination"]).astype(object)
    index = pd.Index(nodes)
    source = index.get_indexer(np.concatenate([p[3] for p in parts]))
    target = index.get_indexer(np.concatenate([p[4] for p in parts]))
    element = np.where(element < 0, n_seg + len(tr), element)  # access edges point at the zero row
    graph = Graph(corridor, nodes, source, target, edges, element)
    if parameters is not None:
        graph.weights(parameters)
    return graph


def _stop_chains(terminal: np.ndarray, stop_id: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Nodes and edges that put the stops at each terminal in a row in front of it.

    Returns the chain (``node``: one node per stop; ``stop``, ``from``, ``to``: one edge per stop, from its
    node to the next stop's node or, for the last, the terminal itself) and each terminal's entry node.
    """
    order = np.argsort(terminal, kind="stable")
    terminal, stop_id = terminal[order], stop_id[order]
    node = terminal.astype(object) + "|" + stop_id.astype(object)
    last = np.ones(len(terminal), dtype=bool)
    last[:-1] = terminal[1:] != terminal[:-1]
    following = np.where(last, terminal, np.roll(node, -1))
    first = np.ones(len(terminal), dtype=bool)
    first[1:] = terminal[1:] != terminal[:-1]
    chain = {"node": node, "stop": order, "from": node, "to": following}
    return chain, dict(zip(terminal[first], node[first], strict=True))


def compiled(corridor: Corridor, as_of: str | pd.Timestamp | None = None) -> Graph:
    """The graph of `corridor` on `as_of` (its operational baseline if None), compiled once and kept.

    The graph is kept on the corridor, one per date; an edit of the corridor's tables (even in place, such as
    ``corridor.segments.loc[...] = ...``) is noticed and compiles it again. Pass ``as_of="all"`` for every
    element whatever its status, with no events.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> compiled(toy) is compiled(toy)
    True
    """
    key = "all" if isinstance(as_of, str) and as_of == "all" else None if as_of is None else pd.Timestamp(as_of)
    return corridor._cached(("graph", key), lambda: compile_graph(_in_service(corridor, key)))


def _in_service(corridor: Corridor, as_of: pd.Timestamp | str | None) -> Corridor:
    if isinstance(as_of, str):
        return corridor
    return corridor.as_of(as_of) if as_of is not None else corridor.select(statuses=["operational"])


def layered(graph: Any, via_terminals: Sequence[np.ndarray]) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
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
