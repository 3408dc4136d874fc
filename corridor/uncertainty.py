"""Monte Carlo uncertainty of routes: draws of every uncertain figure, evaluated as arrays; sensitivity; sweeps.

Dwell times, speeds, fees and rates are ranges, not points. :func:`monte_carlo` draws every uncertain figure
from its range and answers, for each draw and each origin-destination pair, which route is best and what it
takes (time, money, CO2e, distance, generalised cost). :func:`tornado` moves one figure at a time to the ends
of its range. :func:`sweep` runs :func:`monte_carlo` over several corridors or assumption sets, in this process
or on a Dask cluster.

The uncertain figures (see :func:`uncertain_figures`) and the groups they belong to:

- ``speed``: each segment's speed (``speed_kmh_min``, ``speed_kmh``, ``speed_kmh_max``); time is length / speed.
- ``segment_rate``: a segment's own money rate (``cost_usd_per_tkm_min`` ...), where the data gives one.
- ``dwell``, ``fee``: each transfer's time (``time_h_min``, ``time_h_mode``, ``time_h_max``) and fee
  (``cost_usd_per_teu_min``, ``cost_usd_per_teu``, ``cost_usd_per_teu_max``).
- ``rates``: the assumption set's money rates with a ``low`` and ``high`` (``rates.rail.RUS``, ``rates.sea.mainline``,
  canal dues ``rates.passage.suez``, ...). One rate is one figure: every segment priced by it moves with it.
- ``headway``: hours between sailings (``headway_h.<service>``, ``sea_headway_h``); a water leg waits half of it.
- ``co2e``: emission factors (``co2e_kg_per_tkm.<mode>``, ``co2e_kg_per_tkm.<mode>.<branch>``).

The cargo and policy figures of the parameters (cargo value, value of time, tonnes per unit, empty-return share,
carbon price) describe *what* is shipped and under which policy, not how the corridor performs; they stay at
their value (vary them with :func:`sweep`). A figure without a range stays at its value.

How it is computed (the performance shape of ``DESIGN.md``). Every element's time, money and CO2e is linear in
its figures (time in 1/speed), so a draw prices an element, and a route, by a short sparse dot product. The routes
that can win are found once per pair and criterion: (1) a route whose best case (every figure at the favourable
end of its range) is worse than the best route's worst case never wins, so only the edges on such paths are kept
(two csgraph searches bound them); (2) a label-setting search over that subgraph drops every partial route that
another one beats in *every* state of the ranges (exact with figures shared between routes, such as a rate),
leaving the edges of the routes that can be best somewhere (if it would make more than ``_LABELS`` partial
routes it stops, and the whole bounded subgraph is searched instead). Pairs from one origin share one subgraph
(the union of theirs), searched once for all their destinations; the empties' ways back into one place share one
searched backwards. Each draw's best route is then found over these small subgraphs by a dynamic programme over
their strongly connected components (Bellman-Ford passes inside a cyclic one), compiled with numba
(:mod:`corridor._kernels`), for a chunk of draws at a time on a pool of two threads that meanwhile draws the
next chunk (the draws stay in order, so results do not depend on the threads); routes are told apart by a key
summed over their edges. The totals of every winning route in every draw
come from one matrix product per metric (routes x figures @ figures x draws). The answers equal one
shortest-path search per draw (``tests/test_uncertainty.py`` rebuilds a draw's corridor and parameters and calls
:func:`corridor.routing.best_route`). The subgraphs are kept with the compiled corridor, so a second run on the
same corridor and parameters skips steps (1)-(2).

Memory: the transformed draws of the figures that matter are kept (``n`` x figures x 8 bytes: 100,000 draws of
160 figures take 128 MB), and the totals of each winning route in float32.
"""

from __future__ import annotations

import dataclasses
import functools
import zlib
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import sparse, special
from scipy.sparse.csgraph import connected_components, dijkstra

from corridor import _kernels, _model, datasets
from corridor import scenarios as _scenarios
from corridor._validate import nearest
from corridor.assignment import Assignment, RouteSet, _same_shape, assign, candidate_routes, logit_shares, path_size
from corridor.costs import CostParameters, deflator
from corridor.errors import NoRouteError
from corridor.graph import Graph, compiled
from corridor.network import Corridor
from corridor.routing import _check_constraints, _constraints, _resolve_place, _weight, best_route

__all__ = [
    "Distribution",
    "Correlation",
    "GROUPS",
    "MonteCarlo",
    "uncertain_figures",
    "figure_draws",
    "monte_carlo",
    "tornado",
    "sweep",
]

Distribution = Literal["pert", "triangular", "uniform"]
DISTRIBUTIONS: tuple[str, ...] = get_args(Distribution)
Correlation = Literal["country", "kind"]
CORRELATIONS: tuple[str | None, ...] = (None, *get_args(Correlation))
GROUPS = ("speed", "segment_rate", "dwell", "fee", "rates", "headway", "co2e")
TOTALS = ("distance_km", "time_h", "cost_usd", "co2e_kg", "generalised_cost_usd")
QUANTILES = (5, 50, 90, 95)
_VARYING = ("time_h", "cost_usd", "co2e_kg")  # the metrics the figures move (distance is fixed)
_EPSILON = 1e-9  # the search's tie-break per edge (corridor.graph): of equal routes, the one with fewer steps wins
_CHUNK = 25_000  # draws priced at once (memory: chunk x figures x 8 bytes)
_LABELS = 50_000  # partial routes the dominance search may make before it keeps the whole bounded subgraph
_THREADS = 2  # threads of a Monte Carlo run: they draw the next chunk and search this one


# --- the uncertain figures of a compiled corridor -------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class _Model:
    """Figures of a graph under parameters, and how each element's metrics depend on them.

    ``figures``: one row per figure (``group``, ``quantity``, ``unit``, ``low``, ``mode``, ``high``, ``together``,
    ``reciprocal``); ``coef[m]``: figures x (elements + 1) sparse, ``const[m]``: (elements + 1,), such that an
    element's metric ``m`` is ``const + t(F) @ coef`` with ``t`` = 1/x for reciprocal figures (speeds).
    """

    graph: Graph
    parameters: CostParameters
    figures: pd.DataFrame
    coef: dict[str, sparse.csr_array]
    const: dict[str, np.ndarray]

    @functools.cached_property
    def transformed_bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Transformed figures at their favourable end, mode and unfavourable end (each metric grows with them)."""
        low, mode, high = (self.figures[c].to_numpy(dtype=float) for c in ("low", "mode", "high"))
        recip = self.figures["reciprocal"].to_numpy(dtype=bool)
        with np.errstate(divide="ignore"):
            return (np.where(recip, 1.0 / high, low), np.where(recip, 1.0 / mode, mode),
                    np.where(recip, 1.0 / low, high))  # fmt: skip

    def element_metric(self, transformed: np.ndarray, metric: str) -> np.ndarray:
        """Metric of every element (and the zero row) for transformed figures, shape (..., elements + 1)."""
        if metric == "distance_km":
            return np.broadcast_to(self.const[metric], (*transformed.shape[:-1], len(self.const[metric])))
        if metric == "generalised_cost_usd":
            return self.generalised({m: self.element_metric(transformed, m) for m in _VARYING})
        return self.const[metric] + (self.coef[metric].T @ transformed.T).T

    def generalised(self, parts: Mapping[str, np.ndarray]) -> np.ndarray:
        """Generalised cost from money, time and CO2e (the formula of :mod:`corridor.costs`)."""
        p = self.parameters
        return (
            parts["cost_usd"]
            + p.value_of_time_usd_per_h * parts["time_h"]
            + p.carbon_price_usd_per_t * (parts["co2e_kg"] / 1000.0)
        )


def _build_model(graph: Graph, p: CostParameters, vary: frozenset[str]) -> _Model:
    net = graph.network
    seg, tr = net.segments, net.transfers
    costs = graph.costs(p)  # raises, naming them, if elements lack a figure
    graph.weights(p)
    sc = costs.loc["segment"].reindex(seg.index)
    n_seg, n_el = len(seg), len(seg) + len(tr) + 1
    data_year = net.metadata.get("price_year") or p.price_year
    rows: dict[str, dict[str, Any]] = {}
    entries: list[tuple[str, int, str, float]] = []  # (figure, element, metric, coefficient)
    const = {m: np.zeros(n_el) for m in ("distance_km", *_VARYING)}
    problems: list[str] = []

    def figure(name, group, quantity, unit, low, mode, high, together, *, reciprocal=False) -> str:
        if name not in rows:
            low = mode if pd.isna(low) else float(low)
            high = mode if pd.isna(high) else float(high)
            if not low <= mode <= high:
                problems.append(f"`{name}`: low <= mode <= high does not hold ({low} / {mode} / {high})")
            if reciprocal and not low > 0:
                problems.append(f"`{name}` must be positive; its range starts at {low}")
            if group not in vary:
                low = high = mode
            rows[name] = {"group": group, "quantity": quantity, "unit": unit, "low": low, "mode": float(mode),
                          "high": high, "together": together, "reciprocal": reciprocal}  # fmt: skip
        return name

    def parameter(key: str, value: float, group: str, unit: str) -> str:
        low, high = p.ranges.get(key, (value, value))
        return figure(key, group, key.rsplit(".", 1)[0] if group == "rates" else group, unit, low, value, high, {})

    water = seg["mode"].isin(_model.WATER_MODES).to_numpy()
    passages = {k.removeprefix("passage."): k for k in p.rates if k.startswith("passage.")}
    for e, (sid, row) in enumerate(seg.iterrows()):
        length = float(sc.at[sid, "distance_km"])
        const["distance_km"][e] = length
        area = row["service"] if water[e] and pd.notna(row.get("service")) else row["country"]
        area = "" if pd.isna(area) else str(area)
        speed = figure(f"segment.{sid}.speed_kmh", "speed", "speed_kmh", "km/h", row["speed_kmh_min"],
                       float(row["speed_kmh"]), row["speed_kmh_max"],
                       {"country": f"speed|{area}|{row['mode']}", "kind": f"speed|{row['mode']}"},
                       reciprocal=True)  # fmt: skip
        entries.append((speed, e, "time_h", length))
        if water[e]:
            service = row.get("service")
            if pd.notna(service) and service in p.headway_h:
                key, value = f"headway_h.{service}", p.headway_h[service]
            else:
                key, value = "sea_headway_h", p.sea_headway_h
            entries.append((parameter(key, value, "headway", "h"), e, "time_h", 0.5))
        source = sc.at[sid, "rate_source"]
        if source == "segment cost_usd_per_tkm":
            year = row.get("cost_year")
            year = data_year if pd.isna(year) else int(year)
            name = figure(f"segment.{sid}.cost_usd_per_tkm", "segment_rate", "cost_usd_per_tkm", "USD per t-km",
                          row["cost_usd_per_tkm_min"], float(row["cost_usd_per_tkm"]), row["cost_usd_per_tkm_max"],
                          {"country": f"segment_rate|{area}|{row['mode']}",
                           "kind": f"segment_rate|{row['mode']}"})  # fmt: skip
            entries.append((name, e, "cost_usd", length * p.tonnes_per_unit * deflator(year, p.price_year)))
        elif isinstance(source, str) and source.startswith("rates."):
            key = source.removeprefix("rates.")
            rate = p.rates[key]
            amount = {"usd_per_teu_km": length * p.teu_per_unit, "usd_per_container_km": length * p.containers_per_unit,
                      "usd_per_teu": p.teu_per_unit, "usd_per_tkm": length * p.tonnes_per_unit}[rate.unit]  # fmt: skip
            name = parameter(f"rates.{key}", rate.value, "rates", rate.unit)
            entries.append((name, e, "cost_usd", amount * deflator(rate.year, p.price_year)))
        else:  # the user's own rate: fixed
            const["cost_usd"][e] += float(sc.at[sid, "cost_usd_freight"])
        crossed = set(str(row.get("passages") or "").split(";")) if pd.notna(row.get("passages")) else set()
        for passage in sorted(crossed & set(passages)):
            rate = p.rates[passages[passage]]
            name = parameter(f"rates.{passages[passage]}", rate.value, "rates", rate.unit)
            entries.append((name, e, "cost_usd", p.teu_per_unit * deflator(rate.year, p.price_year)))
        branch = f"{row['mode']}.{row['branch']}"
        factor_key = branch if pd.notna(row["branch"]) and branch in p.co2e_kg_per_tkm else str(row["mode"])
        factor = parameter(f"co2e_kg_per_tkm.{factor_key}", p.co2e_kg_per_tkm[factor_key], "co2e", "kg CO2e per t-km")
        entries.append((factor, e, "co2e_kg", p.tonnes_per_unit * length))
    country = net.places["country"].reindex(tr["place_id"]).to_numpy(dtype=object)
    for i, (tid, row) in enumerate(tr.iterrows()):
        e, kind = n_seg + i, row["kind"]
        together = {"country": f"{{q}}|{country[i]}|{kind}", "kind": f"{{q}}|{kind}"}
        dwell = figure(f"transfer.{tid}.time_h", "dwell", "time_h", "h", row["time_h_min"], float(row["time_h_mode"]),
                       row["time_h_max"], {k: v.format(q="dwell") for k, v in together.items()})  # fmt: skip
        entries.append((dwell, e, "time_h", 1.0))
        if pd.notna(row["cost_usd_per_teu"]):
            year = row.get("cost_year")
            year = data_year if pd.isna(year) else int(year)
            fee = figure(f"transfer.{tid}.cost_usd_per_teu", "fee", "cost_usd_per_teu", "USD per TEU",
                         row["cost_usd_per_teu_min"], float(row["cost_usd_per_teu"]), row["cost_usd_per_teu_max"],
                         {k: v.format(q="fee") for k, v in together.items()})  # fmt: skip
            entries.append((fee, e, "cost_usd", p.teu_per_unit * deflator(year, p.price_year)))
    if problems:
        raise ValueError("invalid ranges in the corridor or the assumption set: " + "; ".join(problems) + ".")
    figures = pd.DataFrame.from_dict(rows, orient="index").rename_axis("figure")
    position = pd.Series(np.arange(len(figures)), index=figures.index)
    coef = {}
    for metric in _VARYING:
        chosen = [(position[f], e, c) for f, e, m, c in entries if m == metric]
        r, col, val = (np.array(x) for x in zip(*chosen, strict=True)) if chosen else ([], [], [])
        coef[metric] = sparse.csr_array((val, (r, col)), shape=(len(figures), n_el))
    model = _Model(graph, p, figures, coef, const)
    _check_against_costs(model, costs, n_seg, len(tr))
    return model


def _check_against_costs(model: _Model, costs: pd.DataFrame, n_seg: int, n_tr: int) -> None:
    """At the mode of every figure the model must give the element costs of :mod:`corridor.costs`."""
    mode = model.transformed_bounds[1]
    expected = costs.reindex(
        pd.MultiIndex.from_arrays([["segment"] * n_seg + ["transfer"] * n_tr,
                                   [*model.graph.network.segments.index, *model.graph.network.transfers.index]])
    )  # fmt: skip
    for metric in (*_VARYING, "distance_km", "generalised_cost_usd"):
        ours = model.element_metric(mode, metric)[:-1]
        theirs = expected[metric].to_numpy(dtype=float)
        if not np.allclose(ours, theirs, rtol=1e-9, atol=1e-6):
            worst = expected.index[int(np.nanargmax(np.abs(ours - theirs)))]
            raise RuntimeError(
                f"the uncertainty model disagrees with corridor.costs on {metric} of {worst}; this is a bug, "
                "please report it with the corridor and the assumption set."
            )


def _model_of(graph: Graph, p: CostParameters, vary: frozenset[str]) -> _Model:
    cache = graph.__dict__.setdefault("_uncertainty_models", {})
    key = (p.key, tuple(sorted(p.ranges.items())), vary)
    if key not in cache:
        if len(cache) >= 8:
            cache.pop(next(iter(cache)))
        cache[key] = _build_model(graph, p, vary)
    return cache[key]


def uncertain_figures(
    corridor: Corridor,
    *,
    parameters: CostParameters | None = None,
    as_of: str | pd.Timestamp | None = None,
    vary: Iterable[str] = GROUPS,
) -> pd.DataFrame:
    """Every figure a Monte Carlo run draws, with its range.

    Parameters
    ----------
    corridor : Corridor
    parameters : CostParameters, optional
        :meth:`CostParameters.default` if omitted; its ``ranges`` give the ranges of rates, headways and
        emission factors.
    as_of : date, optional
        As in :func:`corridor.routing.best_route`.
    vary : iterable of str
        The groups of figures that vary (see :data:`GROUPS`); the others stay at their value.

    Returns
    -------
    DataFrame
        Indexed by ``figure`` (``segment.<id>.speed_kmh``, ``transfer.<id>.time_h``, ``rates.<key>``, ...):
        ``group``, ``quantity``, ``unit``, ``low``, ``mode``, ``high`` (in ``unit``; a rate in its own price
        year), ``together`` (the keys that tie figures together under each ``correlate`` option) and
        ``reciprocal`` (True for speeds, whose time is length / speed).

    Examples
    --------
    >>> import corridor
    >>> table = uncertain_figures(corridor.read_corridor(corridor.datasets.get_path("toy")))
    >>> table.loc["transfer.b_border.time_h", ["low", "mode", "high"]].tolist()
    [2.0, 4.0, 6.0]
    >>> sorted(table["group"].unique())
    ['co2e', 'dwell', 'fee', 'headway', 'segment_rate', 'speed']
    """
    parameters = parameters or CostParameters.default()
    vary = _check_vary(vary)
    return _model_of(compiled(corridor, as_of), parameters, vary).figures.copy()


def figure_draws(
    corridor: Corridor,
    *,
    n: int,
    seed: int,
    parameters: CostParameters | None = None,
    as_of: str | pd.Timestamp | None = None,
    distribution: Distribution = "pert",
    correlate: Correlation | None = None,
    vary: Iterable[str] = GROUPS,
) -> pd.DataFrame:
    """The values :func:`monte_carlo` draws for every figure with a range, draw by draw, in the figures' units.

    With the same `seed`, `distribution`, `correlate` and `vary`, row ``d`` holds the figures of draw ``d`` of
    :func:`monte_carlo`: set them in the corridor and the parameters and :func:`corridor.routing.best_route`
    gives that draw's best route. Useful to check a run or to relate outcomes to inputs.

    Returns
    -------
    DataFrame
        Indexed by ``draw``, one column per figure of :func:`uncertain_figures` whose range is not empty.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> draws = figure_draws(toy, n=1000, seed=0, distribution="uniform")
    >>> bool(draws["transfer.b_border.time_h"].between(2.0, 6.0).all())
    True
    """
    problems: list[str] = []
    _check_arguments(n, seed, "time_h", distribution, correlate, vary, problems)
    if problems:
        raise ValueError("invalid arguments to `figure_draws`: " + " ".join(problems))
    parameters = parameters or CostParameters.default()
    model = _model_of(compiled(corridor, as_of), parameters, _check_vary(vary))
    figures = model.figures
    columns = np.flatnonzero((figures["low"] < figures["high"]).to_numpy())
    values = _Sampler(figures, seed, distribution, correlate).draw(n, columns)
    return pd.DataFrame(values.T, columns=figures.index[columns], index=pd.RangeIndex(n, name="draw"))


# --- drawing ----------------------------------------------------------------------------------------------------


def _stream(seed: int, key: str) -> np.random.Generator:
    """The random stream of one figure or group: the same values whatever else is drawn."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(key.encode("utf-8")),)))


def _pert_shape(low: np.ndarray, mode: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    width = high - low
    return 1.0 + 4.0 * (mode - low) / width, 1.0 + 4.0 * (high - mode) / width


def _quantile(u: np.ndarray, low: float, mode: float, high: float, distribution: str) -> np.ndarray:
    if distribution == "uniform":
        return low + u * (high - low)
    if distribution == "triangular":
        cut = (mode - low) / (high - low)
        return np.where(u < cut, low + np.sqrt(u * (high - low) * (mode - low)),
                        high - np.sqrt((1.0 - u) * (high - low) * (high - mode)))  # fmt: skip
    a, b = _pert_shape(np.float64(low), np.float64(mode), np.float64(high))
    return low + (high - low) * special.betaincinv(a, b, u)


class _Sampler:
    """Draws figures chunk by chunk; the values do not depend on the chunk size or on the other figures drawn."""

    def __init__(self, figures: pd.DataFrame, seed: int, distribution: str, correlate: str | None) -> None:
        self.figures, self.distribution = figures, distribution
        low, high = figures["low"].to_numpy(float), figures["high"].to_numpy(float)
        self.fixed = low == high
        keys = [t.get(correlate, name) if correlate else name for name, t in zip(figures.index, figures["together"],
                                                                                  strict=True)]  # fmt: skip
        self.key = pd.Series(keys, index=figures.index)
        self.size = self.key.map(self.key[~self.fixed].value_counts()).fillna(0).to_numpy()
        self.streams = {k: _stream(seed, k) for k in pd.unique(self.key[~self.fixed])}

    def draw(self, n: int, columns: np.ndarray) -> np.ndarray:
        """`n` further draws of the figures at positions `columns`, shape (len(columns), n), in their units."""
        out = np.empty((len(columns), n))
        f = self.figures
        uniforms: dict[str, np.ndarray] = {}
        for j, col in enumerate(columns):
            low, mode, high = f["low"].iat[col], f["mode"].iat[col], f["high"].iat[col]
            if self.fixed[col]:
                out[j] = mode
                continue
            key = self.key.iat[col]
            if self.size[col] > 1:  # figures drawn together share one uniform variate (comonotone)
                if key not in uniforms:
                    uniforms[key] = self.streams[key].random(n)
                out[j] = _quantile(uniforms[key], low, mode, high, self.distribution)
            elif self.distribution == "pert":
                a, b = _pert_shape(low, mode, high)
                out[j] = low + (high - low) * self.streams[key].beta(a, b, n)
            elif self.distribution == "triangular":
                out[j] = self.streams[key].triangular(low, mode, high, n)
            else:
                out[j] = self.streams[key].uniform(low, high, n)
        return out

    def columns_for(self, used: np.ndarray) -> np.ndarray:
        """Positions of the figures in `used` plus every figure drawn together with one of them."""
        keys = set(self.key.iloc[used])
        return np.flatnonzero(self.key.isin(keys).to_numpy() | np.isin(np.arange(len(self.key)), used))


# --- the routes that can win: a subgraph, searched for every draw at once ---------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class _Plan:
    """The part of the graph that can carry the best route from one place to others in some state of the figures.

    ``edges`` (graph edge positions) in relaxation order, their local ends ``tail`` and ``head``, the local
    ``start`` and ``ends``. A reversed plan searches the edges backwards, from the destination to the origins
    (its paths run from an origin to ``start``). ``blocks`` are (first edge, past the last edge, cyclic): the
    strongly connected components of the subgraph in topological order, each as the edges that enter it
    (relaxed once: their tails are settled) and the edges inside it (relaxed until nothing changes if it has a
    cycle).
    """

    criterion: str
    edges: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    n_nodes: int
    start: int
    ends: np.ndarray
    blocks: np.ndarray


def _blocked_edges(graph: Graph, origin: str, destination: str, c: Any, by: str, p: CostParameters, ends: bool):
    """What :func:`corridor.routing.best_route` forbids: constraints, port access at the ends, end transfers."""
    blocked = np.isinf(_weight(graph, c, by, p, ends=ends))
    if not ends:  # as routing._paths: from the first departure to the last arrival
        places = graph.network.places.index
        at_ends = (graph.edge_place == places.get_loc(origin)) | (graph.edge_place == places.get_loc(destination))
        blocked |= graph.is_transfer & at_ends
    return blocked


def _candidate_edges(model: _Model, origin: str, destination: str, blocked: np.ndarray, by: str) -> np.ndarray | None:
    """The edges of the routes that can be best from `origin` to `destination`; None if they are not connected.

    A route whose best case (every figure at the favourable end of its range) is worse than another route's
    worst case never wins: an edge ``u -> v`` is kept only if the optimistic cost to ``u``, of the edge and from
    ``v`` adds up to no more than the cost of the best route under pessimistic figures. The label search of
    :func:`_dominance_prune` then keeps the edges of the routes no other route beats in every state.
    """
    graph = model.graph
    adjacency = graph.adjacency
    start = graph.node_index.get_loc(f"{origin}|origin")
    end = graph.node_index.get_loc(f"{destination}|destination")
    low_f, _, high_f = model.transformed_bounds
    low = np.where(blocked, np.inf, model.element_metric(low_f, by)[graph.element]) + _EPSILON
    high = np.where(blocked, np.inf, model.element_metric(high_f, by)[graph.element])
    worst, _ = adjacency.path(high, start, end)
    if not np.isfinite(worst):
        return None
    best, _ = adjacency.reduce(low)
    matrix = sparse.csr_array((best, adjacency.indices, adjacency.indptr), shape=(adjacency.n_nodes,) * 2)
    from_start = dijkstra(matrix, indices=start)
    to_end = dijkstra(matrix.T.tocsr(), indices=end)
    bound = worst * (1 + 1e-9) + 1e-6 + _EPSILON * len(graph.nodes)
    keep = np.isfinite(low) & (from_start[graph.source] + low + to_end[graph.target] <= bound)
    edges = np.flatnonzero(keep)
    pruned = _dominance_prune(model, edges, by, start, end, bound, to_end, _LABELS)
    return pruned if pruned is not None and len(pruned) else edges


def _plan(model: _Model, edges: np.ndarray, start: int, ends: Sequence[int], blocked: np.ndarray, by: str,
          reverse: bool) -> _Plan:  # fmt: skip
    """Order `edges` for the search from graph node `start` to `ends` (backwards if `reverse`)."""
    graph = model.graph
    source, target = (graph.target, graph.source) if reverse else (graph.source, graph.target)
    nodes, local = np.unique(np.concatenate([source[edges], target[edges]]), return_inverse=True)
    tail, head = local[: len(edges)], local[len(edges) :]
    # relax the edges inside a component in the order the typical state settles them
    typical = np.where(blocked, np.inf, model.element_metric(model.transformed_bounds[1], by)[graph.element])
    matrix = sparse.csr_array((typical[edges] + _EPSILON, (source[edges], target[edges])),
                              shape=(len(graph.nodes),) * 2)  # fmt: skip
    at_mode = dijkstra(matrix, indices=start)[nodes]
    shape = sparse.csr_array((np.ones(len(edges)), (tail, head)), shape=(len(nodes),) * 2)
    n_comp, comp = connected_components(shape, directed=True, connection="strong")
    inside = comp[tail] == comp[head]
    order, _ = _topological(n_comp, comp[tail][~inside], comp[head][~inside])
    comp_rank = np.empty(n_comp, dtype=np.int64)
    comp_rank[order] = np.arange(n_comp)
    sequence = np.lexsort((at_mode[tail], inside, comp_rank[comp[head]]))
    tail, head, edges, inside = tail[sequence], head[sequence], edges[sequence], inside[sequence]
    key = comp_rank[comp[head]] * 2 + inside
    cuts = np.flatnonzero(np.diff(key)) + 1
    first, last = np.r_[0, cuts], np.r_[cuts, len(edges)]
    cyclic = inside[first] & ((last - first > 1) | (tail[first] == head[first]))
    blocks = np.column_stack([first, last, cyclic]).astype(np.int64)
    return _Plan(by, edges, tail, head, len(nodes), int(np.searchsorted(nodes, start)),
                 np.searchsorted(nodes, np.asarray(ends)), blocks)  # fmt: skip


def _plans(model: _Model, legs: Sequence[tuple[str, str, np.ndarray, str]], *, reverse: bool = False):
    """One plan for each group of `legs` (origin, destination, blocked edges, criterion) that share an origin.

    With `reverse`, legs that share a destination share a plan, searched backwards. Returns, per leg, its plan
    and the position of its destination (origin if reversed) among the plan's ends; None for a leg whose places
    are not connected.
    """
    graph = model.graph
    cache = model.__dict__.setdefault("_plans", {})
    groups: dict[tuple, list[int]] = {}
    edges_of = []
    for i, (origin, destination, blocked, by) in enumerate(legs):
        key = (origin, destination, by, np.packbits(blocked).tobytes())
        if key not in cache:
            cache[key] = _candidate_edges(model, origin, destination, blocked, by)
        edges_of.append(cache[key])
        if cache[key] is not None:
            groups.setdefault((destination if reverse else origin, by, key[3]), []).append(i)
    out: list[tuple[_Plan, int] | None] = [None] * len(legs)
    for (place, by, _), members in groups.items():
        ends = [legs[i][0] if reverse else legs[i][1] for i in members]
        key = ("plan", place, by, reverse, tuple(ends), _)
        if key not in cache:
            start = graph.node_index.get_loc(f"{place}|destination" if reverse else f"{place}|origin")
            nodes = graph.node_index.get_indexer([f"{e}|origin" if reverse else f"{e}|destination" for e in ends])
            edges = np.unique(np.concatenate([edges_of[i] for i in members]))
            cache[key] = _plan(model, edges, start, nodes, legs[members[0]][2], by, reverse)
        for position, i in enumerate(members):
            out[i] = (cache[key], position)
    return out


def _criterion_coefficients(model: _Model, by: str) -> tuple[np.ndarray, np.ndarray]:
    """Criterion `by` of every element as ``const + t @ coef``: coef (figures x elements + 1, dense) and const.

    Kept on the model, one per criterion.
    """
    kept = model.__dict__.setdefault("_coefficients", {})
    if by not in kept:
        kept[by] = _coefficients(model, by)
    return kept[by]


def _coefficients(model: _Model, by: str) -> tuple[np.ndarray, np.ndarray]:
    if by == "distance_km":
        return np.zeros((len(model.figures), len(model.const[by]))), model.const[by]
    if by == "generalised_cost_usd":
        parts = {m: model.coef[m].toarray() for m in _VARYING}
        return model.generalised(parts), model.generalised({m: model.const[m] for m in _VARYING})
    return model.coef[by].toarray(), model.const[by]


def _dominance_prune(
    model: _Model, edges: np.ndarray, by: str, start: int, end: int, bound: float, to_go: np.ndarray, limit: int
) -> np.ndarray | None:
    """The edges of the routes that can be best in some state of the figures, by a label-setting search.

    A label is a partial path from the start: its criterion as a linear function of the (transformed) figures.
    Label ``q`` dominates ``r`` at the same node when ``q`` costs no more in every state of the box of ranges
    (``min over the box of r - q >= 0``, exact for figures both share); every completion of ``r`` is then
    dominated by the same completion of ``q``, so ``r`` is dropped, and so are labels whose optimistic cost
    plus the optimistic cost to go exceeds `bound`. The routes left at the end contain a best route of every
    state. Returns the edges they use, or None after `limit` labels (the caller keeps all of `edges`). The search
    itself is compiled (:func:`corridor._kernels.label_search`).
    """
    graph = model.graph
    low, mode, high = model.transformed_bounds
    coef, const = _criterion_coefficients(model, by)
    rows = graph.element[edges]
    moving = (high > low) & (coef[:, rows] != 0).any(axis=1)
    active = np.flatnonzero(moving)
    vec_of = np.ascontiguousarray(coef[np.ix_(active, rows)].T)  # kept edges x moving figures
    const_of = const[rows] + coef[:, rows].T @ np.where(moving, 0.0, mode) + _EPSILON
    lo, hi = low[active], high[active]
    order = np.argsort(graph.source[edges], kind="stable")
    firsts = np.searchsorted(graph.source[edges][order], np.arange(len(graph.nodes) + 1))
    tol = 1e-9 * max(1.0, abs(bound))
    finished, used = _kernels.label_search(firsts, order, graph.target[edges], vec_of, const_of, lo, hi, start, end,
                                           bound, to_go, tol, limit)  # fmt: skip
    return edges[used] if finished else None


def _topological(n: int, tail: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, bool]:
    """Kahn's order of a small directed graph, and whether it is acyclic."""
    indegree = np.bincount(head, minlength=n)
    out = [[] for _ in range(n)]
    for a, b in zip(tail.tolist(), head.tolist(), strict=True):
        out[a].append(b)
    ready = [i for i in range(n) if indegree[i] == 0]
    order = []
    while ready:
        node = ready.pop()
        order.append(node)
        for b in out[node]:
            indegree[b] -= 1
            if indegree[b] == 0:
                ready.append(b)
    return np.asarray(order, dtype=np.int64), len(order) == n


def _weights(form: tuple[np.ndarray, sparse.csr_array], draws: np.ndarray, out: np.ndarray | None = None):
    """The linear form ``base + coef @ t`` (rows x figures) of each draw (`draws`: draws x figures): draws x rows."""
    base, coef = form
    draws = np.ascontiguousarray(draws)
    out = np.empty((len(draws), len(base))) if out is None else out
    _kernels.linear_forms(np.ascontiguousarray(base, dtype=float), coef.indptr.astype(np.int64),
                          coef.indices.astype(np.int64), coef.data.astype(float), draws, out)  # fmt: skip
    return out


def _best_paths(plan: _Plan, columns: np.ndarray, weights: np.ndarray, *, record: bool = False):
    """Cheapest path of every draw over the plan's edges to each of its ends.

    Edge ``j`` of the plan weighs ``weights[d, columns[j]]`` in draw ``d`` (`weights`: draws x columns, from
    :func:`_weights`). Returns the cost, the number of edges and a key that equal paths share (each ends x
    draws) and, if `record`, the paths: local edges from the end back (ends x draws x nodes, -1 past the start).
    A dynamic programme over the components in topological order; inside a component with a cycle, passes until
    nothing changes (Bellman-Ford); compiled (:func:`corridor._kernels.best_paths`).
    """
    tags = np.random.default_rng(0).integers(1, 2**63, size=len(plan.edges), dtype=np.uint64)
    columns = np.asarray(columns, dtype=np.int64)
    return _kernels.best_paths(plan.n_nodes, plan.start, plan.ends, plan.tail, plan.head, plan.blocks, columns,
                               np.ascontiguousarray(weights), tags, record)  # fmt: skip


# --- the result -------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class MonteCarlo:
    """Results of :func:`monte_carlo`.

    Attributes
    ----------
    routes : DataFrame
        The routes that were best in at least one draw, indexed by (``origin``, ``destination``, ``route``):
        ``named_route`` (the corridor's named route it fits, or ``"other"``), ``elements`` (ids in order),
        ``distance_km``, ``p_best``. ``route`` is ``"<named_route> <n>"``, most often best first. Pairs come in
        sorted order in every table of the result, so ``table.loc[(origin, destination)]`` selects one.
    settings : dict
        Everything the run rests on: ``n``, ``seed``, ``by``, ``distribution``, ``correlate``, ``vary``, ``as_of``,
        ``handling_at_ends``, the assumption set, cargo unit and price year, the search used per pair and the
        number of candidate routes.
    assignment : Assignment or None
        The variant's freight assigned at the figures' modes, when :func:`sweep` was given `od`.
    """

    routes: pd.DataFrame
    settings: dict[str, Any]
    _best: dict[tuple[str, str], dict[str, np.ndarray]] = dataclasses.field(repr=False)
    _route_totals: dict[tuple[str, str], dict[str, np.ndarray]] = dataclasses.field(repr=False)
    assignment: Assignment | None = dataclasses.field(default=None, repr=False)

    def __repr__(self) -> str:
        s = self.settings
        return (f"<MonteCarlo {s['n']:,} draws x {len(self._best)} pairs, best by {s['by']}, {s['distribution']}, "
                f"seed {s['seed']}, {len(self.routes)} routes that win>")  # fmt: skip

    @functools.cached_property
    def draws(self) -> pd.DataFrame:
        """The best route of each draw and its totals, indexed by (``origin``, ``destination``, ``draw``).

        Columns: ``route`` (a label of :attr:`routes`), ``distance_km``, ``time_h``, ``cost_usd``, ``co2e_kg``,
        ``generalised_cost_usd`` (money including ``empty_repositioning_usd``, as :attr:`Route.totals`).
        """
        frames = {}
        for pair, best in self._best.items():
            labels = self._routes_of(pair).index.to_numpy(dtype=object)
            frames[pair] = pd.DataFrame({"route": labels[best["route"]], **{m: best[m] for m in TOTALS},
                                         "empty_repositioning_usd": best["empty_repositioning_usd"]})  # fmt: skip
        table = pd.concat(frames, names=["origin", "destination", "draw"])
        return table

    @functools.cached_property
    def route_draws(self) -> pd.DataFrame:
        """Every draw of every route in :attr:`routes` (best or not), long: one row per pair, route and draw.

        Columns ``time_h``, ``cost_usd``, ``co2e_kg``, ``generalised_cost_usd`` (float32), ``best`` (bool).
        """
        frames = {}
        for pair, totals in self._route_totals.items():
            labels = self._routes_of(pair).index
            n = totals["time_h"].shape[0]
            best = self._best[pair]["route"]
            frames[pair] = pd.DataFrame(
                {"route": np.repeat(labels.to_numpy(dtype=object), n), "draw": np.tile(np.arange(n), len(labels)),
                 **{m: totals[m].T.ravel() for m in TOTALS[1:]},
                 "best": (best[None, :] == np.arange(len(labels))[:, None]).ravel()}
            )  # fmt: skip
        return pd.concat(frames, names=["origin", "destination", "row"]).droplevel("row")

    def probability_best(self) -> pd.Series:
        """Share of draws in which each route is best; sums to 1 per pair.

        Examples
        --------
        >>> import corridor
        >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
        >>> mc = monte_carlo(toy, [("a", "d")], n=1000, seed=1, progress=False)
        >>> float(mc.probability_best().groupby(level=[0, 1]).sum().iloc[0])
        1.0
        """
        return self.routes["p_best"].rename("p_best")

    def summary(self, *, quantiles: Sequence[float] = QUANTILES) -> pd.DataFrame:
        """Percentiles of each total per route and pair, the chance of being best, and the buffer time.

        Rows are the routes of :attr:`routes` plus, per pair, ``"best"``: the best route of each draw, whichever
        it is. Columns ``<metric>_p<q>`` for time, money, CO2e and generalised cost, ``distance_km`` (of a
        route; the mean for ``"best"``), ``p_best`` and ``buffer_time_h`` = P95 - P50 of time (h), a reliability
        measure (the margin a shipper adds to be on time 19 times out of 20).
        """
        qs = np.asarray(quantiles, dtype=float)
        if qs.ndim != 1 or not ((qs > 0) & (qs < 100)).all():
            raise ValueError(f"`quantiles` was {quantiles!r}; expected percentiles between 0 and 100 (exclusive).")
        rows, index = [], []
        for pair, totals in self._route_totals.items():
            routes = self._routes_of(pair)
            for r, label in enumerate(routes.index):
                row = {"named_route": routes.at[label, "named_route"], "p_best": routes.at[label, "p_best"],
                       "distance_km": routes.at[label, "distance_km"]}  # fmt: skip
                row |= _percentiles({m: totals[m][:, r].astype(float) for m in TOTALS[1:]}, qs)
                rows.append(row)
                index.append((*pair, label))
            best = self._best[pair]
            row = {"named_route": "", "p_best": 1.0, "distance_km": float(best["distance_km"].mean())}
            rows.append(row | _percentiles({m: best[m] for m in TOTALS[1:]}, qs))
            index.append((*pair, "best"))
        table = pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index, names=["origin", "destination", "route"]))
        if {50, 95} <= set(qs.tolist()):
            table["buffer_time_h"] = table["time_h_p95"] - table["time_h_p50"]
        return table

    def expected_shares(self, *, scale_per_usd: float, path_size_correction: bool = True) -> pd.Series:
        """Mean over the draws of the logit shares of the routes of each pair (the routes that win somewhere).

        Each draw's shares come from :func:`corridor.assignment.logit_shares` on the routes' generalised cost
        (US$ per cargo unit) with `scale_per_usd` (1/US$), corrected for overlap with
        :func:`corridor.assignment.path_size` unless `path_size_correction` is False. Sums to 1 per pair.
        """
        out = {}
        for pair, totals in self._route_totals.items():
            routes = self._routes_of(pair)
            size = None
            if path_size_correction:
                elements = sorted({e for es in routes["elements"] for e in es})
                incidence = np.array([[e in set(es) for e in elements] for es in routes["elements"]])
                lengths = self._lengths(elements)
                size = path_size(incidence, lengths)
            shares = logit_shares(totals["generalised_cost_usd"].astype(float), scale_per_usd=scale_per_usd,
                                  path_size=size)  # fmt: skip
            for label, share in zip(routes.index, shares.mean(axis=0), strict=True):
                out[(*pair, label)] = share
        return pd.Series(out, name="expected_share").rename_axis(["origin", "destination", "route"])

    def _routes_of(self, pair: tuple[str, str]) -> pd.DataFrame:
        """The routes of one pair, indexed by route label, most often best first."""
        index = self.routes.index
        mask = (index.get_level_values(0) == pair[0]) & (index.get_level_values(1) == pair[1])
        return self.routes[mask].droplevel([0, 1])

    def _lengths(self, elements: Sequence[str]) -> np.ndarray:
        lengths = self.settings["_element_km"]
        return np.array([lengths.get(e, 0.0) for e in elements])

    def plot(self, origin: str, destination: str, **kwargs: Any) -> Any:
        """Distributions of the routes of a pair; see :func:`corridor.plot.plot_route_distributions`."""
        from corridor.plot import plot_route_distributions

        return plot_route_distributions(self, origin, destination, **kwargs)


def _percentiles(values: Mapping[str, np.ndarray], qs: np.ndarray) -> dict[str, float]:
    row = {}
    for metric, v in values.items():
        for q, x in zip(qs, np.percentile(v, qs), strict=True):
            row[f"{metric}_p{q:g}"] = float(x)
    return row


# --- the public functions ---------------------------------------------------------------------------------------


def _check_vary(vary: Iterable[str]) -> frozenset[str]:
    vary = frozenset([vary] if isinstance(vary, str) else vary)
    unknown = sorted(vary - set(GROUPS))
    if unknown:
        raise ValueError(f"`vary` has {unknown}; expected some of {list(GROUPS)}{nearest(unknown[0], GROUPS)}.")
    return vary


def _check_arguments(n, seed, by, distribution, correlate, vary, problems: list[str]) -> None:
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 1:
        problems.append(f"`n` was {n!r}; expected a whole number of draws >= 1.")
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
        problems.append(f"`seed` was {seed!r}; expected a whole number >= 0 (the same seed gives the same draws).")
    if by not in TOTALS:
        problems.append(f"`by` was {by!r}; expected one of {list(TOTALS)}{nearest(str(by), TOTALS)}.")
    if distribution not in DISTRIBUTIONS:
        problems.append(f"`distribution` was {distribution!r}; expected one of {list(DISTRIBUTIONS)}"
                        f"{nearest(str(distribution), DISTRIBUTIONS)}.")  # fmt: skip
    if correlate not in CORRELATIONS:
        problems.append(f"`correlate` was {correlate!r}; expected one of {list(CORRELATIONS)}.")
    try:
        _check_vary(vary)
    except ValueError as error:
        problems.append(str(error))


def _as_pairs(pairs: Any) -> list[tuple[str, str]]:
    if isinstance(pairs, tuple) and len(pairs) == 2 and all(isinstance(x, str) for x in pairs):
        pairs = [pairs]
    try:
        pairs = [tuple(p) for p in pairs]
    except TypeError:
        pairs = None
    if not pairs or any(len(p) != 2 for p in pairs):
        raise ValueError(f"`pairs` must be a non-empty list of (origin, destination) place ids; got {pairs!r}.")
    return pairs


def _named_route(corridor: Corridor, graph: Graph, path: np.ndarray) -> str:
    seg = graph.network.segments
    rows = graph.element[path]
    rows = rows[rows < len(seg)]
    branches = set(seg["branch"].to_numpy(dtype=object)[rows]) - {None, np.nan}
    for route_id, allowed in corridor.routes["branches"].items():
        if branches <= set(str(allowed).split(";")):
            return str(route_id)
    return "other"


def monte_carlo(
    corridor: Corridor,
    pairs: Iterable[tuple[str, str]],
    *,
    n: int,
    seed: int,
    parameters: CostParameters | None = None,
    as_of: str | pd.Timestamp | None = None,
    by: str = "generalised_cost_usd",
    distribution: Distribution = "pert",
    correlate: Correlation | None = None,
    vary: Iterable[str] = GROUPS,
    handling_at_ends: bool = True,
    progress: bool | None = None,
    **constraints: Any,
) -> MonteCarlo:
    """Draw every uncertain figure `n` times and find, per draw and pair, the best route and its totals.

    Parameters
    ----------
    corridor : Corridor
    pairs : iterable of (str, str)
        (origin, destination) place ids (names work too); one pair alone may be given as a tuple.
    n : int
        Number of draws. Every pair is evaluated in the same draws (the same state of the corridor).
    seed : int
        Seed of numpy's random generator; each figure (or group drawn together) has its own stream derived
        from it, so the same seed gives the same draws whatever the pairs, chunking or other figures.
    parameters : CostParameters, optional
        :meth:`CostParameters.default` if omitted. Its ``ranges`` (from the assumption set) are drawn from.
    as_of : date, optional
        As in :func:`corridor.routing.best_route`.
    by : {"generalised_cost_usd", "time_h", "cost_usd", "distance_km", "co2e_kg"}
        What the best route minimises, per cargo unit.
    distribution : {"pert", "triangular", "uniform"}
        The family each figure is drawn from, on its (low, mode, high): ``"pert"``, beta-PERT (a beta
        distribution with mean (low + 4 mode + high) / 6, the usual choice for expert ranges); ``"triangular"``;
        ``"uniform"`` (ignores the mode).
    correlate : {None, "country", "kind"}
        Which figures move together (one draw, the same quantile of each one's own range). None: every figure
        on its own (a rate of the assumption set is one figure for every segment it prices). ``"country"``: the
        dwell times (and, separately, the fees) of the transfers of one kind in one country, and the speeds of
        one mode in one country (or one sea service), e.g. one draw of Iran's border dwell applies to all its
        crossings. ``"kind"``: the same, corridor-wide (every border crossing at once).
    vary : iterable of str
        The groups of figures drawn (:data:`GROUPS`); the others stay at their value.
    handling_at_ends : bool, default True
        As in :func:`corridor.routing.best_route`.
    progress : bool, optional
        Show a progress bar (tqdm); by default when ``n x len(pairs)`` is at least 1,000,000.
    **constraints
        ``avoid_places``, ``avoid_countries``, ``avoid_modes``, ``avoid_passages``, ``modes``, ``branches`` as in
        :func:`corridor.routing.best_route` (``via`` is not supported).

    Returns
    -------
    MonteCarlo
        ``.draws`` (best route and totals per draw), ``.routes``, ``.summary()`` (P5/P50/P90/P95, probability
        best, buffer time), ``.probability_best()``, ``.expected_shares(scale_per_usd=...)``.

    Raises
    ------
    ValueError
        Bad arguments, every problem named at once; ranges with low > mode or mode > high.
    NoRouteError, UnknownPlaceError, ConstraintError
        As :func:`corridor.routing.best_route`.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> mc = monte_carlo(toy, [("a", "d")], n=2000, seed=7, by="time_h", progress=False)
    >>> table = mc.summary()
    >>> bool((table["time_h_p5"] <= table["time_h_p95"]).all())
    True
    >>> mc.draws["route"].value_counts().index[0]
    'overland 1'
    """
    problems: list[str] = []
    _check_arguments(n, seed, by, distribution, correlate, vary, problems)
    unknown = set(constraints) - {"avoid_places", "avoid_countries", "avoid_modes", "avoid_passages", "modes",
                                  "branches"}  # fmt: skip
    if unknown:
        problems.append(
            f"unknown constraint(s) {sorted(unknown)}; `monte_carlo` takes those of `best_route` but `via`."
        )
    if problems:
        raise ValueError("invalid arguments to `monte_carlo`: " + " ".join(problems))
    pairs = _as_pairs(pairs)
    parameters = parameters or CostParameters.default()
    vary = _check_vary(vary)
    graph = compiled(corridor, as_of)
    model = _model_of(graph, parameters, vary)
    c = _constraints(**constraints)
    share = parameters.empty_return_share * parameters.empty_cost_ratio
    out_legs, back_legs, names = [], [], []
    for origin, destination in pairs:
        origin = _resolve_place(corridor, origin, "origin")
        destination = _resolve_place(corridor, destination, "destination")
        checked = _check_constraints(corridor, origin, destination, c, by)
        names.append((origin, destination))
        out_legs.append((origin, destination, _blocked_edges(graph, origin, destination, checked, by, parameters,
                                                             handling_at_ends), by))  # fmt: skip
        if share > 0:
            blocked = _blocked_edges(graph, destination, origin, checked, "cost_usd", parameters, handling_at_ends)
            back_legs.append((destination, origin, blocked, "cost_usd"))
    # the way out searched from each origin to all its destinations at once; the way back into each origin
    out_plans, back_plans = _plans(model, out_legs), _plans(model, back_legs, reverse=True)
    planned_legs = [*zip(out_legs, out_plans, strict=True), *zip(back_legs, back_plans, strict=True)]
    for (a, b, _, criterion), planned in planned_legs:
        if planned is None:
            best_route(
                corridor,
                a,
                b,
                by=criterion,
                parameters=parameters,
                as_of=as_of,
                handling_at_ends=handling_at_ends,
                **constraints,
            )  # fmt: skip  (raises the diagnosed error)
            raise NoRouteError(f"no route from {a!r} to {b!r}.")  # pragma: no cover (best_route raised)
    groups = {id(plan): plan for plan, _ in [*out_plans, *back_plans]}
    sampler = _Sampler(model.figures, seed, distribution, correlate)
    elements = np.unique(np.concatenate([graph.element[plan.edges] for plan in groups.values()]))
    used = np.unique(np.concatenate([model.coef[m][:, elements].tocoo().coords[0] for m in _VARYING]))
    columns = sampler.columns_for(used.astype(np.int64))
    evaluate = _Evaluator(model, columns, elements)  # only the elements some pair's subgraph uses
    # each criterion of every element some subgraph uses (plus the tie-break per edge), and where each plan's
    # edges read it
    criteria = sorted({plan.criterion for plan in groups.values()})
    rows = {by_: np.unique(np.concatenate([graph.element[plan.edges] for plan in groups.values()
                                           if plan.criterion == by_])) for by_ in criteria}  # fmt: skip
    forms = {}
    for by_ in criteria:
        base, coef = evaluate.linear(by_, rows[by_])
        forms[by_] = (base + _EPSILON, coef)
    columns_of = {key: np.searchsorted(rows[plan.criterion], graph.element[plan.edges]) for key, plan in groups.items()}
    chunks = list(range(0, n, _CHUNK))
    bar = _progress(progress, n * len(pairs), len(chunks))
    found = {pair: _Found() for pair in names}
    kept = []

    # the figures in as many parts as threads, the figures drawn together in one part
    part = pd.factorize(sampler.key.iloc[columns].to_numpy())[0] % _THREADS
    parts = [np.flatnonzero(part == i) for i in range(_THREADS)]

    def start_drawing(pool: ThreadPoolExecutor, first: int) -> tuple[int, list]:
        size = min(_CHUNK, n - first)
        return size, [pool.submit(sampler.draw, size, columns[p]) for p in parts]

    def drawn(started: tuple[int, list]) -> np.ndarray:
        size, jobs = started
        out = np.empty((len(columns), size))
        for p, job in zip(parts, jobs, strict=True):
            out[p] = job.result()
        return _transform(model, columns, out)

    # threads (the draws and the searches let go of the GIL): the next chunk is drawn while this one is
    # searched; each figure's draws stay in chunk order, so the results do not depend on the threads
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        drawing = start_drawing(pool, chunks[0])
        for number in range(len(chunks)):
            t = drawn(drawing)
            if number + 1 < len(chunks):
                drawing = start_drawing(pool, chunks[number + 1])
            kept.append(t)
            by_draw = np.ascontiguousarray(t.T)
            weights = {by_: np.empty((len(by_draw), len(rows[by_]))) for by_ in criteria}
            cuts = np.linspace(0, len(by_draw), _THREADS + 1).astype(int)
            for job in [pool.submit(_weights, forms[by_], by_draw[a:b], weights[by_][a:b]) for by_ in criteria
                        for a, b in zip(cuts[:-1], cuts[1:], strict=True)]:  # fmt: skip
                job.result()
            searches = {key: pool.submit(_best_paths, plan, columns_of[key], weights[plan.criterion])
                        for key, plan in groups.items()}  # fmt: skip
            searched = {key: search.result() for key, search in searches.items()}
            _found(found, names, out_plans, back_plans, columns_of, weights, searched, share)
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    settings = {
        "n": n, "seed": seed, "by": by, "distribution": distribution, "correlate": correlate, "vary": sorted(vary),
        "as_of": graph.network.metadata.get("as_of"), "handling_at_ends": handling_at_ends,
        "assumption_set": parameters.assumption_set, "cargo_unit": parameters.cargo_unit,
        "price_year": parameters.price_year, "constraints": c.active(), "figures_drawn": len(columns),
        "subgraph_edges": {f"{a}->{b} ({k})": len(plan.edges) for (a, b, _, k), (plan, _) in planned_legs},
    }  # fmt: skip
    return _result(corridor, model, evaluate, kept, found, settings)


def _found(found, names, out_plans, back_plans, columns_of, weights, searched, share) -> None:
    """Add one chunk's searches to each pair's routes and to its empty boxes' way back."""
    for i, pair in enumerate(names):
        plan, end = out_plans[i]
        found[pair].add(plan, end, columns_of[id(plan)], weights[plan.criterion], searched[id(plan)][2][end])
        if back_plans:
            plan, end = back_plans[i]
            cost, count, _, _ = searched[id(plan)]
            found[pair].empty.append(share * (cost[end] - _EPSILON * count[end]))
        else:
            found[pair].empty.append(np.zeros(len(searched[id(plan)][0][end])))


class _Evaluator:
    """Every element's metrics (elements + 1 x draws) from transformed figure draws (`columns` x draws)."""

    def __init__(self, model: _Model, columns: np.ndarray, rows: np.ndarray | None = None) -> None:
        self.model = model
        fixed = np.ones(len(model.figures), dtype=bool)
        fixed[columns] = False
        mode = np.where(fixed, model.transformed_bounds[1], 0.0)
        n_el = len(model.const["distance_km"])
        rows = np.arange(n_el) if rows is None else np.asarray(rows, dtype=np.int64)
        self.position = np.full(n_el, -1, dtype=np.int64)  # element number -> row of the evaluated arrays
        self.position[rows] = np.arange(len(rows))
        self.width = len(rows)
        self.distance_km = model.const["distance_km"][rows]
        self.base = {m: (model.const[m] + model.coef[m].T @ mode)[rows] for m in _VARYING}
        self.coef_t = {m: model.coef[m][columns][:, rows].T.tocsr() for m in _VARYING}

    def index(self, elements: np.ndarray) -> np.ndarray:
        """Rows of the evaluated arrays for element numbers `elements` (all among the evaluated ones)."""
        return self.position[elements]

    def linear(self, metric: str, elements: np.ndarray) -> tuple[np.ndarray, sparse.csr_array]:
        """Metric `metric` of `elements` as ``base + coef @ t``: base (elements,), coef (elements x columns)."""
        rows = self.index(elements)
        if metric == "distance_km":
            return self.distance_km[rows], sparse.csr_array((len(rows), self.coef_t["time_h"].shape[1]))
        if metric == "generalised_cost_usd":
            parts = {m: self.linear(m, elements) for m in _VARYING}
            return (self.model.generalised({m: b for m, (b, _) in parts.items()}),
                    sparse.csr_array(self.model.generalised({m: c for m, (_, c) in parts.items()})))  # fmt: skip
        return self.base[metric][rows], self.coef_t[metric][rows]

    def __call__(self, transformed: np.ndarray) -> dict[str, np.ndarray]:
        elem = {m: self.base[m][:, None] + self.coef_t[m] @ transformed for m in _VARYING}
        elem["generalised_cost_usd"] = self.model.generalised(elem)
        elem["distance_km"] = np.broadcast_to(self.distance_km[:, None], elem["time_h"].shape)
        return elem


class _Found:
    """The best route of every draw of one pair, chunk by chunk: route numbers, totals, and the routes' edges."""

    def __init__(self) -> None:
        self.keys: dict[int, int] = {}
        self.paths: list[np.ndarray] = []
        self.route: list[np.ndarray] = []
        self.empty: list[np.ndarray] = []

    def add(self, plan: _Plan, end: int, columns: np.ndarray, weights: np.ndarray, key: np.ndarray) -> None:
        """Add a chunk of draws: the keys of the best paths to the plan's `end` (searched with `weights`)."""
        unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        numbers = np.empty(len(unique), dtype=np.int64)
        new = [i for i, k in enumerate(unique.tolist()) if k not in self.keys]
        if new:  # search again, recording the path, in one draw of each route not seen before
            steps = _best_paths(plan, columns, weights[first[new]], record=True)[3][end]
            for i, path in zip(new, steps, strict=True):
                self.keys[int(unique[i])] = len(self.paths)
                self.paths.append(plan.edges[path[path >= 0][::-1]])
        for i, k in enumerate(unique.tolist()):
            numbers[i] = self.keys[k]
        self.route.append(numbers[inverse.ravel()])


def _transform(model: _Model, columns: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Figures as the model prices them (1/speed for speeds), in place; `draws` is (len(columns), draws)."""
    recip = model.figures["reciprocal"].to_numpy(dtype=bool)[columns]
    draws[recip] = 1.0 / draws[recip]
    return draws


def _progress(progress: bool | None, work: int, steps: int) -> Any:
    if progress is None:
        progress = work >= 1_000_000
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=steps, desc="Monte Carlo draws (chunks)", unit="chunk")


def _result(corridor, model, evaluate, kept, found, settings) -> MonteCarlo:
    """Number the routes by how often they win, price every route in every draw, and make the result."""
    graph = model.graph
    found = dict(sorted(found.items()))  # pairs in order: tables indexed by (origin, destination, ...) are sorted
    element_ids = np.concatenate([graph.network.segments.index.to_numpy(dtype=object),
                                  graph.network.transfers.index.to_numpy(dtype=object), [None]])  # fmt: skip
    orders, route_rows = {}, []
    for pair, f in found.items():
        route = np.concatenate(f.route)
        wins = np.bincount(route, minlength=len(f.paths))
        orders[pair] = np.argsort(-wins, kind="stable")
        numbers: dict[str, int] = {}
        for r in orders[pair]:
            named = _named_route(corridor, graph, f.paths[r])
            numbers[named] = numbers.get(named, 0) + 1
            rows = graph.element[f.paths[r]]
            route_rows.append({"origin": pair[0], "destination": pair[1], "route": f"{named} {numbers[named]}",
                               "named_route": named, "elements": [e for e in element_ids[rows] if e is not None],
                               "distance_km": float(model.const["distance_km"][rows].sum()),
                               "p_best": wins[r] / len(route)})  # fmt: skip
    # every metric of every route (pairs stacked, routes in order of wins) as base + coef @ t
    paths = [found[pair].paths[r] for pair in found for r in orders[pair]]
    rows = [evaluate.index(graph.element[path]) for path in paths]
    route_of = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    incidence = sparse.csr_array((np.ones(len(route_of)), (route_of, np.concatenate(rows))),
                                 shape=(len(rows), evaluate.width))  # fmt: skip
    linear = {m: (incidence @ evaluate.base[m], (incidence @ evaluate.coef_t[m]).toarray()) for m in _VARYING}
    distance = incidence @ evaluate.distance_km
    first = np.cumsum([0] + [len(orders[pair]) for pair in found])
    n = sum(t.shape[1] for t in kept)
    best_arrays = {pair: {"route": np.empty(n, dtype=np.int64), "empty_repositioning_usd": np.concatenate(f.empty),
                          **{m: np.empty(n) for m in TOTALS}} for pair, f in found.items()}  # fmt: skip
    route_totals = {pair: {m: np.empty((n, first[p + 1] - first[p]), dtype=np.float32) for m in TOTALS
                           if m != "distance_km"} for p, pair in enumerate(found)}  # fmt: skip
    used = np.flatnonzero(np.any([coef.any(axis=0) for _, coef in linear.values()], axis=0))  # figures that matter
    done = 0
    for i, t in enumerate(kept):
        drawn = t[used].T  # draws x figures that matter
        values = {m: base + drawn @ coef[:, used].T for m, (base, coef) in linear.items()}  # draws x routes
        values["generalised_cost_usd"] = model.generalised(values)
        at = slice(done, done + t.shape[1])
        done += t.shape[1]
        draws = np.arange(t.shape[1])
        for p, (pair, f) in enumerate(found.items()):
            number = np.argsort(orders[pair])[f.route[i]]  # the route of each draw, renumbered by wins
            best = best_arrays[pair]
            best["route"][at] = number
            best["distance_km"][at] = distance[first[p] + number]
            for m in TOTALS[1:]:
                best[m][at] = values[m][draws, first[p] + number]
                route_totals[pair][m][at] = values[m][:, first[p] : first[p + 1]]
                if m in ("cost_usd", "generalised_cost_usd"):
                    best[m][at] += f.empty[i]
                    route_totals[pair][m][at] += f.empty[i][:, None]
    routes = pd.DataFrame(route_rows).set_index(["origin", "destination", "route"])
    settings["_element_km"] = dict(zip(graph.network.segments.index, model.const["distance_km"][: len(
        graph.network.segments)], strict=True))  # fmt: skip
    return MonteCarlo(routes=routes, settings=settings, _best=best_arrays, _route_totals=route_totals)


# --- one figure at a time ----------------------------------------------------------------------------------------


def tornado(
    corridor: Corridor,
    origin: str,
    destination: str,
    *,
    parameters: CostParameters | None = None,
    as_of: str | pd.Timestamp | None = None,
    by: str = "generalised_cost_usd",
    vary: Iterable[str] = GROUPS,
    together: Correlation | None = None,
    handling_at_ends: bool = True,
    **constraints: Any,
) -> pd.DataFrame:
    """One-at-a-time sensitivity: each uncertain figure at the low and the high end of its range, the rest at mode.

    Uses the ranges :func:`monte_carlo` draws from; the best route is found afresh at each end, so a figure
    that switches the best route shows its full effect.

    Parameters
    ----------
    corridor : Corridor
    origin, destination : str
    parameters, as_of, by, vary, handling_at_ends, **constraints
        As in :func:`monte_carlo`.
    together : {None, "country", "kind"}
        Move the figures that :func:`monte_carlo`'s `correlate` ties together as one (e.g. every Iranian rail
        speed at once); None moves each figure on its own.

    Returns
    -------
    DataFrame
        One row per figure (or group) with a range, indexed by ``figure``, widest swing first: ``group``,
        ``low``, ``mode``, ``high`` (the figure's range in its unit; NaN for a group of several),
        ``<by>_at_low``, ``<by>_at_high``, ``time_h_at_low``, ``time_h_at_high`` (the best route's totals
        with the figure at each end), ``route_at_low``, ``route_at_high`` (its named route) and ``swing``
        (``|<by>_at_high - <by>_at_low|``, in the unit of `by`). ``.attrs`` holds ``base`` (the totals with
        every figure at its mode), ``by``, ``origin`` and ``destination``.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> table = tornado(toy, "a", "d", by="time_h")
    >>> table.index[0], float(table["swing"].iloc[0])
    ('transfer.b_border.time_h', 4.0)
    """
    problems: list[str] = []
    _check_arguments(1, 0, by, "pert", together, vary, problems)
    if problems:
        raise ValueError("invalid arguments to `tornado`: " + " ".join(problems).replace("`correlate`", "`together`"))
    parameters = parameters or CostParameters.default()
    graph = compiled(corridor, as_of)
    model = _model_of(graph, parameters, _check_vary(vary))
    origin = _resolve_place(corridor, origin, "origin")
    destination = _resolve_place(corridor, destination, "destination")
    checked = _check_constraints(corridor, origin, destination, _constraints(**constraints), by)
    share = parameters.empty_return_share * parameters.empty_cost_ratio
    plans = {}
    for leg, a, b, criterion in [("out", origin, destination, by), ("back", destination, origin, "cost_usd")]:
        if leg == "back" and share == 0:
            continue
        blocked = _blocked_edges(graph, a, b, checked, criterion, parameters, handling_at_ends)
        (planned,) = _plans(model, [(a, b, blocked, criterion)])
        if planned is None:
            best_route(corridor, a, b, by=criterion, parameters=parameters, as_of=as_of,
                       handling_at_ends=handling_at_ends, **constraints)  # fmt: skip
            raise NoRouteError(f"no route from {a!r} to {b!r}.")  # pragma: no cover (best_route raised)
        plans[leg] = planned[0]
    figures = model.figures
    moving = figures.index[figures["low"] < figures["high"]]
    keys = pd.Series([t.get(together, f) if together else f for f, t in zip(moving, figures.loc[moving, "together"],
                                                                            strict=True)], index=moving)  # fmt: skip
    groups = list(pd.unique(keys))
    low_t, mode_t, high_t = (np.asarray(b) for b in model.transformed_bounds)
    position = pd.Series(np.arange(len(figures)), index=figures.index)
    states = np.tile(mode_t, (1 + 2 * len(groups), 1))
    recip = figures["reciprocal"].to_numpy(dtype=bool)
    for i, key in enumerate(groups):
        cols = position[keys.index[keys.eq(key)]].to_numpy()
        # the low end of the figure (a low speed is a long time): transformed values at each end of the range
        states[1 + 2 * i, cols] = np.where(recip[cols], high_t[cols], low_t[cols])
        states[2 + 2 * i, cols] = np.where(recip[cols], low_t[cols], high_t[cols])
    evaluate = _Evaluator(model, np.arange(len(figures)))
    elem = evaluate(np.ascontiguousarray(states.T))
    totals, named = _best_totals(corridor, plans["out"], evaluate, states, elem, (by, "time_h"))
    if "back" in plans:
        back, _ = _best_totals(corridor, plans["back"], evaluate, states, elem, ("cost_usd",))
        if by in ("cost_usd", "generalised_cost_usd"):
            totals[by] = totals[by] + share * back["cost_usd"]
    rows = {}
    for i, key in enumerate(groups):
        members = keys.index[keys.eq(key)]
        single = len(members) == 1
        row = figures.loc[members[0]] if single else None
        rows[members[0] if single else key] = {
            "group": figures.loc[members[0], "group"],
            "low": row["low"] if single else np.nan,
            "mode": row["mode"] if single else np.nan,
            "high": row["high"] if single else np.nan,
            f"{by}_at_low": totals[by][1 + 2 * i],
            f"{by}_at_high": totals[by][2 + 2 * i],
            "time_h_at_low": totals["time_h"][1 + 2 * i],
            "time_h_at_high": totals["time_h"][2 + 2 * i],
            "route_at_low": named[1 + 2 * i],
            "route_at_high": named[2 + 2 * i],
        }
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("figure")
    if table.empty:
        table = pd.DataFrame(columns=["group", "low", "mode", "high", f"{by}_at_low", f"{by}_at_high",
                                      "time_h_at_low", "time_h_at_high", "route_at_low", "route_at_high"])  # fmt: skip
    table["swing"] = (table[f"{by}_at_high"] - table[f"{by}_at_low"]).abs().astype(float)
    table = table.sort_values("swing", ascending=False, kind="stable")
    table.attrs = {"base": {by: float(totals[by][0]), "time_h": float(totals["time_h"][0]), "route": named[0]},
                   "by": by, "origin": origin, "destination": destination,
                   "assumption_set": parameters.assumption_set}  # fmt: skip
    return table


def _best_totals(corridor, plan, evaluate, states, elem, metrics) -> tuple[dict[str, np.ndarray], list[str]]:
    """Totals and named route of the best path of each state (rows of `states`, columns of `elem`)."""
    graph = evaluate.model.graph
    rows = graph.element[plan.edges]
    base, coef = evaluate.linear(plan.criterion, rows)
    weights = _weights((base + _EPSILON, coef), states)
    steps = _best_paths(plan, np.arange(len(rows)), weights, record=True)[3][0].T
    taken, at = steps >= 0, np.maximum(steps, 0)
    states = np.arange(steps.shape[1])
    totals = {m: np.where(taken, elem[m][rows[at], states], 0.0).sum(axis=0) for m in metrics}
    named = [_named_route(corridor, graph, plan.edges[steps[:, d][taken[:, d]]]) for d in states]
    return totals, named


# --- sweeps ------------------------------------------------------------------------------------------------------


def sweep(
    variants: Mapping[str, tuple[Corridor, CostParameters | None] | _scenarios.Scenario | str],
    pairs: Iterable[tuple[str, str]],
    *,
    n: int,
    seed: int,
    client: Any = None,
    corridor: Corridor | None = None,
    od: pd.DataFrame | None = None,
    assign_options: Mapping[str, Any] | None = None,
    **options: Any,
) -> dict[str, MonteCarlo]:
    """:func:`monte_carlo` (and, given `od`, an assignment) for each variant, in this process or on Dask.

    Parameters
    ----------
    variants : mapping of str to (Corridor, CostParameters or None), or to a scenario
        Named what-ifs: a corridor (a scenario applied, another date's network) and its assumptions (None:
        :meth:`CostParameters.default`); or a :class:`~corridor.scenarios.Scenario` (or its path or shipped
        name), applied to `corridor` with its own parameters and taken on its own ``as_of`` date.
    pairs : iterable of (str, str)
    n, seed : int
        As in :func:`monte_carlo`; every variant uses the same seed, so figures that two variants share take
        the same draws (common random numbers: their differences are not noise).
    client : dask.distributed.Client, optional
        Run one task per variant on this client's cluster (dask is imported only then). The results equal the
        in-process ones exactly.
    corridor : Corridor, optional
        What scenario variants apply to; the shipped INSTC corridor if omitted.
    od : DataFrame, optional
        Origin-destination freight by cargo class (:func:`corridor.trade.freight_by_class`): each variant's is
        assigned with :func:`corridor.assignment.assign` (at the figures' modes) and kept as its result's
        ``assignment``. Candidate routes are found once per network shape and shared by every variant with the
        same elements (one that changes figures only); a variant that opens or closes an element finds its own.
    assign_options : mapping, optional
        Keyword options of :func:`corridor.assignment.assign` (``method``, ``capacity_restraint``, ...).
    **options
        Any other keyword of :func:`monte_carlo` (``by``, ``distribution``, ``correlate``, ``vary``, ``as_of``...).

    Returns
    -------
    dict of str to MonteCarlo
        In the order of `variants`. ``pd.concat({k: v.summary() for k, v in result.items()}, names=["variant"])``
        sets their summaries side by side.

    Examples
    --------
    >>> import corridor
    >>> from corridor.costs import CostParameters
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> runs = sweep({"base": (toy, None), "slow": (toy, CostParameters.default(sea_headway_h=336))},
    ...              [("a", "d")], n=500, seed=3, progress=False)
    >>> list(runs)
    ['base', 'slow']
    """
    if not isinstance(variants, Mapping) or not variants:
        raise ValueError(f"`variants` must be a non-empty mapping of name to (corridor, parameters); got {variants!r}.")
    taken = sorted({"parameters", "as_of", "routes"} & set(assign_options or {}))
    if taken:
        raise ValueError(f"`assign_options` may not set {taken}: `sweep` sets them for each variant.")
    problems, resolved = [], {}
    for name, value in variants.items():
        if isinstance(value, _scenarios.Scenario | str) or hasattr(value, "__fspath__"):
            try:
                scenario = value if isinstance(value, _scenarios.Scenario) else _scenarios.load_scenario(value)
            except (ValueError, FileNotFoundError) as error:
                problems.append(f"`variants[{name!r}]`: {error}")
                continue
            base = corridor if corridor is not None else datasets.load_instc()
            resolved[name] = (_scenarios.apply(base, scenario), _scenarios.apply_parameters(scenario, corridor=base),
                              scenario.as_of)  # fmt: skip
        elif (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Corridor)
              and (value[1] is None or isinstance(value[1], CostParameters))):  # fmt: skip
            resolved[name] = (value[0], value[1], options.get("as_of"))
        else:
            problems.append(
                f"`variants[{name!r}]` is {type(value).__name__}; expected (Corridor, CostParameters or None) or a "
                "scenario."
            )
    if problems:
        raise ValueError(" ".join(problems))
    pairs = _as_pairs(pairs)
    mc_options = {k: v for k, v in options.items() if k != "as_of"}
    routes = _variant_routes(resolved, od, assign_options or {}) if od is not None else dict.fromkeys(resolved)
    tasks = {name: (c, p, as_of, routes[name]) for name, (c, p, as_of) in resolved.items()}
    if client is None:
        return {name: _variant(*task, pairs, n=n, seed=seed, od=od, assign_options=assign_options, **mc_options)
                for name, task in tasks.items()}  # fmt: skip
    # each distinct corridor, route set and demand goes to the workers once (a copy carries no compiled graph:
    # a worker compiles it at its first task and keeps it for the next ones on the same corridor)
    shared: dict[int, Any] = {}

    def once(value: Any, make: Any = lambda v: v) -> Any:
        if value is None:
            return None
        if id(value) not in shared:
            [shared[id(value)]] = client.scatter([make(value)], broadcast=True)
        return shared[id(value)]

    futures = {
        name: client.submit(_variant, once(c, Corridor.copy), p, as_of, once(r), pairs, n=n, seed=seed, od=once(od),
                            assign_options=assign_options, pure=False, **mc_options)
        for name, (c, p, as_of, r) in tasks.items()
    }  # fmt: skip
    results = client.gather(list(futures.values()))
    return dict(zip(futures, results, strict=True))


def _variant_routes(
    resolved: Mapping[str, tuple[Corridor, CostParameters | None, Any]], od: pd.DataFrame, options: Mapping[str, Any]
) -> dict[str, RouteSet]:
    """Candidate routes for each variant's assignment: found once per network shape, shared by the rest."""
    pairs = sorted(set(zip(od.index.get_level_values("origin"), od.index.get_level_values("destination"),
                           strict=True)))  # fmt: skip
    found: list[RouteSet] = []
    out = {}
    for name, (c, p, as_of) in resolved.items():
        graph = compiled(c, None if as_of is None else pd.Timestamp(as_of))
        same = next((r for r in found if _same_shape(r.graph, graph)), None)
        if same is None:
            known = [pair for pair in pairs if pair[0] in c.places.index and pair[1] in c.places.index]
            classes = sorted(set(od.index.get_level_values("cargo_class")), key=str)  # as `assign` finds them
            same = candidate_routes(c, known, parameters=p, as_of=as_of, k=options.get("k", 3), cargo_classes=classes)
            found.append(same)
        out[name] = same
    return out


def _variant(
    c: Corridor,
    p: CostParameters | None,
    as_of: Any,
    routes: RouteSet | None,
    pairs: Sequence[tuple[str, str]],
    *,
    n: int,
    seed: int,
    od: pd.DataFrame | None,
    assign_options: Mapping[str, Any] | None,
    **options: Any,
) -> MonteCarlo:
    """One variant of a sweep: its Monte Carlo and, given `od`, its assignment."""
    result = monte_carlo(c, pairs, n=n, seed=seed, parameters=p, as_of=as_of, **options)
    if od is None:
        return result
    assigned = assign(c, od, parameters=p, as_of=as_of, routes=routes, **(assign_options or {}))
    return dataclasses.replace(result, assignment=assigned)
