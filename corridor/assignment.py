"""Origin-destination freight onto routes: all-or-nothing, multinomial logit, and capacity restraint.

The route-choice model is shared by assignment and uncertainty: multinomial logit over the candidate routes
of a pair (:func:`logit_shares`), with the path-size correction of Ben-Akiva and Bierlaire (1999) for routes
that share elements (:func:`path_size`).

:func:`assign` puts freight by cargo class (:func:`corridor.trade.freight_by_class`) on each pair's candidate
routes: the corridor's named routes that connect the pair plus `k` alternatives (:func:`candidate_routes`,
found once and reused). Routes become a sparse route x element incidence matrix, so every evaluation is a
few matrix products: route costs = incidence @ element costs, loads = incidence.T @ route flows. With capacity
restraint, an element loaded past its capacity is slowed by the BPR volume-delay function and the split is
iterated to equilibrium (Frank-Wolfe for all-or-nothing, self-regulated successive averages for logit).

:func:`compare_volumes` sets the loads beside the volumes published for the corridor's crossings and ports
(``data/instc/observed_volumes.csv``): those are the check, never an input.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from corridor import datasets
from corridor._validate import nearest
from corridor.costs import CostParameters
from corridor.errors import NoRouteError
from corridor.graph import METRICS, Graph, compiled
from corridor.network import Corridor
from corridor.routing import Route, _constraints, _paths, alternatives, named_routes
from corridor.trade import CARGO_CLASSES, load_cargo_classes

__all__ = [
    "Assignment",
    "RouteSet",
    "METHODS",
    "OFF_CORRIDOR",
    "assign",
    "candidate_routes",
    "compare_volumes",
    "load_observed_volumes",
    "logit_shares",
    "path_size",
]

METHODS = ("aon", "logit")
"""Route-choice methods: all-or-nothing on generalised cost, or multinomial logit with path size."""

OFF_CORRIDOR = "tanker_or_pipeline"
"""The route reported for a class the corridor's services never carry (``modes`` empty): oil goes by tanker."""

DEFAULT_SCALE_PER_USD = 0.002
SCALE_RANGE = (0.0005, 0.01)
SCALE_SOURCE = (
    "assumption: no published scale for freight route choice on this corridor was found; 0.002 per US$ per TEU "
    "leaves a route US$500 per TEU dearer e^-1 = 37 % of the odds of the cheaper one; range 0.0005-0.01 "
    "(the same odds at US$2,000 to US$100 per TEU)"
)
BPR_ALPHA, BPR_BETA = 0.15, 4.0
BPR_SOURCE = (
    "Bureau of Public Roads (1964), Traffic Assignment Manual: t = t0 (1 + 0.15 (v/c)^4), the default of most "
    "assignment software (AequilibraE's BPR among them); for rail lines and terminals an assumption"
)


def path_size(incidence: np.ndarray, length_km: np.ndarray) -> np.ndarray:
    """Path-size factor of each route in a choice set (Ben-Akiva and Bierlaire 1999), between 0 and 1.

    ``PS_r = sum over elements a of route r of (l_a / L_r) / N_a``, where ``l_a`` is the element's length,
    ``L_r`` the route's length and ``N_a`` the number of routes in the set that use ``a``. A route that shares
    nothing has 1; two identical routes have 0.5 each.

    Parameters
    ----------
    incidence : ndarray of bool, shape (routes, elements)
        Which elements each route uses.
    length_km : ndarray, shape (elements,)
        Length of each element (km); zero-length elements (transfers) carry no weight.

    Returns
    -------
    ndarray, shape (routes,)

    Examples
    --------
    >>> incidence = np.array([[1, 1, 0], [1, 0, 1]], dtype=bool)
    >>> path_size(incidence, np.array([10.0, 30.0, 30.0])).round(3).tolist()
    [0.875, 0.875]
    """
    incidence = np.asarray(incidence, dtype=bool)
    length_km = np.asarray(length_km, dtype=float)
    if incidence.ndim != 2 or incidence.shape[1] != length_km.shape[0]:
        raise ValueError(
            f"`incidence` must be (routes, elements) with one column per entry of `length_km`; got "
            f"{incidence.shape} and {length_km.shape}."
        )
    if not np.isfinite(length_km).all() or (length_km < 0).any():
        raise ValueError("`length_km` must be finite and not negative.")
    used = incidence.sum(axis=0)
    route_km = incidence @ length_km
    if (route_km <= 0).any():
        raise ValueError("every route needs a positive length (km) for its path-size factor.")
    share = np.where(used > 0, length_km / np.maximum(used, 1), 0.0)
    return (incidence @ share) / route_km


def logit_shares(cost: np.ndarray, *, scale_per_usd: float, path_size: np.ndarray | None = None) -> np.ndarray:
    """Multinomial logit shares of routes from their generalised cost, along the last axis.

    ``P_r = PS_r exp(-scale * c_r) / sum_s PS_s exp(-scale * c_s)``: the utility is ``-scale * c_r + ln PS_r``.
    As the scale grows the shares tend to all-or-nothing on the cheapest route; at zero they are proportional
    to the path sizes. Computed stably (the cheapest route's cost is subtracted first). Infinite costs (a
    route closed in a draw) get a share of 0.

    Parameters
    ----------
    cost : ndarray, shape (..., routes)
        Generalised cost of each route (US$ per cargo unit).
    scale_per_usd : float
        Logit scale (1/US$), not negative.
    path_size : ndarray, shape (routes,) or like `cost`, optional
        Path-size factors in (0, 1]; see :func:`path_size`. None means no correction.

    Returns
    -------
    ndarray like `cost`, summing to 1 along the last axis.

    Examples
    --------
    >>> logit_shares(np.array([100.0, 100.0, 200.0]), scale_per_usd=0.01).round(3).tolist()
    [0.422, 0.422, 0.155]
    >>> logit_shares(np.array([100.0, 100.0, 200.0]), scale_per_usd=1.0).round(3).tolist()
    [0.5, 0.5, 0.0]
    """
    cost = np.asarray(cost, dtype=float)
    if not np.isfinite(scale_per_usd) or scale_per_usd < 0:
        raise ValueError(f"`scale_per_usd` was {scale_per_usd!r}; expected a finite number >= 0 (1/US$).")
    if np.isnan(cost).any() or np.isneginf(cost).any():
        raise ValueError("`cost` holds NaN or -inf; route costs must be numbers (inf for a closed route).")
    open_ = np.isfinite(cost)
    if not open_.any(axis=-1).all():
        raise ValueError("every choice needs at least one route with a finite cost.")
    utility = np.where(open_, -scale_per_usd * cost, -np.inf)
    if path_size is not None:
        size = np.broadcast_to(np.asarray(path_size, dtype=float), cost.shape)
        if not ((size > 0) & (size <= 1)).all():
            raise ValueError("`path_size` factors must lie in (0, 1].")
        utility = utility + np.log(size)
    utility = utility - utility.max(axis=-1, keepdims=True)
    weight = np.exp(utility)
    return weight / weight.sum(axis=-1, keepdims=True)


# --- candidate routes --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class RouteSet:
    """Candidate routes of some origin-destination pairs on one compiled graph, as sparse incidence matrices.

    Attributes
    ----------
    graph : Graph
        The compiled corridor the routes run on.
    routes : DataFrame
        One row per route (positional index): ``origin``, ``destination``, ``route`` (the named route's id, or
        ``alternative i``), ``modes`` (the segment modes it uses, ``;``-joined).
    incidence : scipy.sparse.csr_array, shape (routes, elements)
        How often each route uses each element (segments, then transfers, in the corridor's order).
    uses_mode : ndarray of bool, shape (routes, modes)
        Whether each route uses each mode of :attr:`mode_names`.
    k : int
        Alternatives asked for per pair, on top of the named routes.
    """

    graph: Graph
    routes: pd.DataFrame
    incidence: sparse.csr_array
    uses_mode: np.ndarray
    mode_names: tuple[str, ...]
    k: int

    def __repr__(self) -> str:
        pairs = len(self.routes[["origin", "destination"]].drop_duplicates())
        return f"<RouteSet {len(self.routes)} routes for {pairs} pairs, k={self.k}>"


def candidate_routes(
    corridor: Corridor,
    pairs: Iterable[tuple[str, str]],
    *,
    parameters: CostParameters | None = None,
    as_of: str | pd.Timestamp | None = None,
    k: int = 3,
    cargo_classes: Iterable[str] = (),
) -> RouteSet:
    """Each pair's named routes (where they connect it) and its `k` cheapest alternatives, without duplicates.

    Routes are found by generalised cost under `parameters` (:func:`corridor.routing.named_routes`,
    :func:`corridor.routing.alternatives`), once; :func:`assign` reuses them for any parameters and demand.
    For each of `cargo_classes` with rates or times of its own (:attr:`CostParameters.own_classes`), the
    best route within each named route and the `k` cheapest alternatives are found again at that class's own
    costs (its money and its time at its own cargo value, ``usd_per_tonne`` of
    :func:`corridor.trade.load_cargo_classes`), and each pair's set is the union, so a route cheapest only
    for bulk is among the choices (named ``"<route> (<class>)"`` where it is new); :func:`assign` lets each
    class choose among the routes that may carry it. The result is kept on the corridor per date, parameter
    set, `k`, classes and set of pairs.

    Raises
    ------
    NoRouteError
        Listing every pair that no route connects.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> candidate_routes(toy, [("a", "d")], k=3).routes["route"].tolist()
    ['overland', 'alternative 2']
    """
    parameters = parameters or CostParameters.default()
    wanted = tuple(sorted({(str(o), str(d)) for o, d in pairs}))
    if not isinstance(k, int) or k < 0:
        raise ValueError(f"`k` was {k!r}; expected a whole number of alternatives >= 0.")
    own = tuple(sorted({str(c) for c in cargo_classes} & set(parameters.own_classes)))
    key = ("assignment.routes", None if as_of is None else str(as_of), parameters.key, k, wanted, own)
    return corridor._cached(key, lambda: _find_routes(corridor, wanted, parameters, as_of, k, own))


def _class_weights(graph: Graph, p: CostParameters, own: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Each class's generalised cost per edge at its own rates and times, its time valued at its own cargo value."""
    if not own:
        return {}
    vot = _class_values_of_time(p, load_cargo_classes(), list(own), by_class=True)
    out = {}
    for name, value in zip(own, vot, strict=True):
        w = graph.weights(p, cargo_class=name)
        out[name] = (w[:, METRICS.index("cost_usd")] + value * w[:, METRICS.index("time_h")]
                     + p.carbon_price_usd_per_t * w[:, METRICS.index("co2e_kg")] / 1000.0)  # fmt: skip
    return out


def _class_paths(corridor: Corridor, graph: Graph, origin, destination, p, k: int, base) -> list[tuple[str, tuple]]:
    """The best path within each named route, then the `k` cheapest, by the edge weights `base`."""
    found = []
    for route_id, branches in corridor.routes["branches"].items():
        c = _constraints(branches=str(branches).split(";"))
        found += [(str(route_id), tuple(int(e) for e in path)) for path in
                  _paths(graph, origin, destination, c, "generalised_cost_usd", 1, p, base=base)]  # fmt: skip
    if k:
        paths = _paths(graph, origin, destination, _constraints(), "generalised_cost_usd", k, p, base=base)
        found += [(f"alternative {i + 1}", tuple(int(e) for e in path)) for i, path in enumerate(paths)]
    return found


def _find_routes(corridor: Corridor, pairs, parameters: CostParameters, as_of, k: int, own=()) -> RouteSet:
    graph = compiled(corridor, as_of)
    class_weights = _class_weights(graph, parameters, tuple(own))
    rows, paths, unconnected = [], [], []
    for origin, destination in pairs:  # route search runs once per pair; evaluation below is vectorised
        found: list[Route] = [r for r in named_routes(corridor, origin, destination, parameters=parameters,
                                                       as_of=as_of).values() if isinstance(r, Route)]  # fmt: skip
        if k:
            with contextlib.suppress(NoRouteError):  # the named routes may still connect the pair
                found += alternatives(corridor, origin, destination, k=k, parameters=parameters, as_of=as_of)
        candidates = [(route.name, tuple(int(e) for e in route.path)) for route in found]
        for name, base in class_weights.items():  # routes cheapest at a class's own costs join the set
            own_paths = _class_paths(corridor, graph, origin, destination, parameters, k, base)
            candidates += [(f"{route} ({name})", path) for route, path in own_paths]
        seen: set[tuple[int, ...]] = set()
        for name, path in candidates:
            if path in seen:
                continue
            seen.add(path)
            rows.append({"origin": origin, "destination": destination, "route": name})
            paths.append(np.asarray(path, dtype=np.int64))
        if not seen:
            unconnected.append((origin, destination))
    if unconnected:
        raise NoRouteError(f"no route connects {unconnected}; check the pairs and `as_of`.")
    n_elements = len(graph.network.segments) + len(graph.network.transfers)
    lengths = np.array([len(p) for p in paths], dtype=np.int64)
    edges = np.concatenate(paths) if paths else np.zeros(0, dtype=np.int64)
    route_of = np.repeat(np.arange(len(paths)), lengths)
    element = graph.element[edges]
    incidence = sparse.csr_array(
        (np.ones(len(edges)), (route_of, element)), shape=(len(paths), n_elements)
    )  # duplicates add up
    incidence.sum_duplicates()
    kinds = graph.edge_kind[edges]
    is_segment = graph.edges["element_type"].to_numpy()[edges] == "segment"
    mode_names = tuple(sorted(set(graph.network.segments["mode"])))
    uses_mode = np.zeros((len(paths), len(mode_names)), dtype=bool)
    for j, mode in enumerate(mode_names):
        hit = is_segment & (kinds == mode)
        uses_mode[route_of[hit], j] = True
    table = pd.DataFrame(rows, columns=["origin", "destination", "route"])
    table["modes"] = [";".join(m for m, u in zip(mode_names, used, strict=True) if u) for used in uses_mode]
    return RouteSet(graph, table, incidence, uses_mode, mode_names, k)


# --- assignment --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Assignment:
    """Freight on routes, segments and transfers, under printed assumptions.

    Attributes
    ----------
    loads : DataFrame
        Indexed by (``element_type``, ``element_id``) over every segment and transfer in service:
        ``tonnes_per_year``, ``teu_per_year`` (containers), ``tonnes_per_year_<class>`` per cargo class,
        ``capacity_mtpa`` with ``capacity_source``/``capacity_confidence``, ``utilisation`` (tonnes per year /
        capacity; NaN where the capacity is not known, which says nothing about congestion) and ``delay_h``
        (the volume-delay function's delay per cargo unit at these loads, at the class-less times; a class
        with times of its own is slowed in proportion to them; without capacity restraint it is
        shown but no route choice or route time counts it).
    shares : DataFrame
        Indexed by (``origin``, ``destination``, ``cargo_class``, ``route``): ``share``, ``tonnes_per_year``,
        ``teu_per_year`` and the route's ``distance_km``, ``time_h`` (with delays), ``cost_usd`` (with the
        empties' way back for the classes in boxes), ``generalised_cost_usd`` (both), per cargo unit of
        `parameters`, at the prices of the row's cargo class. A class the corridor never carries has one row,
        route :data:`OFF_CORRIDOR`, with NaN metrics.
    parameters : CostParameters
    method : {"aon", "logit"}
    as_of : str or None
    scale_per_usd : float
        Logit scale, 1 / (US$ per TEU) (NaN for all-or-nothing).
    capacity_restraint : bool
    iterations : int
        Equilibrium iterations (0 without capacity restraint).
    relative_gap : float
        Frank-Wolfe relative gap (all-or-nothing) or the MSA fixed-point gap sum|y - x| / sum x (logit) at the
        end; 0 without capacity restraint.
    converged : bool
    assumptions : DataFrame
        Every assumption of the assignment, with value, unit and source; the cost parameters follow.
    routes : RouteSet
    """

    loads: pd.DataFrame
    shares: pd.DataFrame
    parameters: CostParameters
    method: str
    as_of: str | None
    scale_per_usd: float
    capacity_restraint: bool
    iterations: int
    relative_gap: float
    converged: bool
    assumptions: pd.DataFrame
    routes: RouteSet

    def __repr__(self) -> str:
        total = self.shares["tonnes_per_year"].sum() / 1e6
        restraint = f", capacity restraint ({self.iterations} iterations, gap {self.relative_gap:.1e})" * bool(
            self.capacity_restraint
        )
        return f"<Assignment {self.method}{restraint}: {total:,.2f} Mt/yr on {len(self.routes.routes)} routes>"

    def bottlenecks(self, n: int = 10, *, min_utilisation: float = 0.0) -> pd.DataFrame:
        """The `n` most used elements whose capacity is known, by utilisation (tonnes / capacity), highest first.

        Elements with an unknown capacity are left out (their utilisation is NaN, not 0).

        Examples
        --------
        >>> import corridor
        >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
        >>> toy.segments.loc["b_d_road", "capacity_mtpa"] = 0.001
        >>> od = pd.DataFrame({"tonnes_per_year": [2000.0], "teu_per_year": [np.nan]},
        ...                   index=pd.MultiIndex.from_tuples([("a", "d", "dry_bulk")],
        ...                                                   names=["origin", "destination", "cargo_class"]))
        >>> assign(toy, od, method="aon").bottlenecks()[["tonnes_per_year", "utilisation"]]
                                       tonnes_per_year  utilisation
        element_type element_id
        segment      b_d_road                   2000.0          2.0
        """
        loads = self.loads[self.loads["utilisation"].notna() & (self.loads["utilisation"] >= min_utilisation)]
        return loads.sort_values("utilisation", ascending=False).head(n)


def assign(
    corridor: Corridor,
    od: pd.DataFrame,
    *,
    parameters: CostParameters | None = None,
    as_of: str | pd.Timestamp | None = None,
    method: Literal["aon", "logit"] = "logit",
    scale_per_usd: float = DEFAULT_SCALE_PER_USD,
    path_size_correction: bool = True,
    k: int = 3,
    capacity_restraint: bool = False,
    bpr_alpha: float = BPR_ALPHA,
    bpr_beta: float = BPR_BETA,
    max_iterations: int = 200,
    tolerance: float = 1e-4,
    routes: RouteSet | None = None,
    cargo_classes: pd.DataFrame | None = None,
    value_of_time_by_class: bool = True,
) -> Assignment:
    """Assign freight by cargo class to each pair's candidate routes: loads, utilisation, route shares.

    Parameters
    ----------
    corridor : Corridor
    od : DataFrame
        Indexed by (``origin``, ``destination``, ``cargo_class``) with ``tonnes_per_year`` (t per year, >= 0)
        and optionally ``teu_per_year``; :func:`corridor.trade.freight_by_class` makes one.
    parameters : CostParameters, optional
        Cost assumptions (:meth:`CostParameters.default` if omitted). Costs are per its cargo unit. Each
        class is priced with its own rates where the parameters have them (``<class>:<key>`` rates, per tonne:
        :attr:`CostParameters.priced_classes`), with the class-less rates otherwise;
        ``parameters.without_class_rates()`` prices every class as the containers. Likewise each class waits
        for its own sailings and dwells at transfers for its own hours where the parameters give them
        (:attr:`CostParameters.timed_classes`); ``parameters.without_class_times()`` times every class as the
        containers.
    as_of : date, optional
        The corridor on this date (:meth:`Corridor.as_of`); the operational baseline if omitted.
    method : {"aon", "logit"}
        All-or-nothing on generalised cost, or multinomial logit over the candidate routes.
    scale_per_usd : float
        Logit scale in 1 / (US$ per TEU), converted to the cargo unit of `parameters`; an assumption (see
        :data:`SCALE_SOURCE`), range 0.0005-0.01.
    path_size_correction : bool
        Logit with the path-size term (routes sharing elements count less than distinct ones).
    k : int
        Alternatives per pair on top of the named routes (:func:`candidate_routes`).
    capacity_restraint : bool
        Slow elements past their capacity with the BPR function ``t0 (1 + alpha (v / c)^beta)`` (time valued
        at the parameters' value of time; capacity is for both directions together) and iterate to
        equilibrium: Frank-Wolfe with an exact line search for ``"aon"``, self-regulated successive averages
        (Liu, Meng and He 2009) for ``"logit"``. Elements without a capacity are never slowed.
    bpr_alpha, bpr_beta : float
        BPR parameters (Bureau of Public Roads 1964: 0.15 and 4).
    max_iterations : int
    tolerance : float
        Relative gap at which the equilibrium stops.
    routes : RouteSet, optional
        Candidate routes found before (:func:`candidate_routes`); reuse them across calls for speed (a sweep
        over parameters or over figures of the corridor's tables). They must cover every pair of `od`, and the
        corridor as of `as_of` must have the same elements as when they were found; costs and capacities are
        always taken from the corridor and `parameters` of this call.
    cargo_classes : DataFrame, optional
        :func:`corridor.trade.load_cargo_classes` if omitted: which modes may carry each class, and its value.
    value_of_time_by_class : bool, default True
        Value each class's time (and delays) at its own cargo value (``usd_per_tonne`` of `cargo_classes`:
        a day of a tonne of grain costs less than a day of a tonne of machinery) instead of
        ``parameters.cargo_value_usd_per_tonne`` for every class.

    Returns
    -------
    Assignment

    Raises
    ------
    ValueError
        Listing every problem with `od` and the options together: unknown places or classes (with the nearest
        valid one), negative or missing tonnes, an unknown method.
    NoRouteError
        If no candidate route connects a pair, or none of a pair's routes may carry its class.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> od = pd.DataFrame({"tonnes_per_year": [1000.0], "teu_per_year": [np.nan]},
    ...                   index=pd.MultiIndex.from_tuples([("a", "d", "dry_bulk")],
    ...                                                   names=["origin", "destination", "cargo_class"]))
    >>> result = assign(toy, od, method="logit")
    >>> result.shares["share"].round(3).tolist()
    [0.507, 0.493]
    >>> result.loads.loc[("segment", "a_b_rail"), "tonnes_per_year"]
    np.float64(1000.0)
    """
    parameters = parameters or CostParameters.default()
    classes = load_cargo_classes() if cargo_classes is None else cargo_classes
    od = _checked_od(corridor, od, classes, method=method, scale_per_usd=scale_per_usd, k=k,
                     capacity_restraint=capacity_restraint, bpr=(bpr_alpha, bpr_beta),
                     iterations=(max_iterations, tolerance))  # fmt: skip
    graph = compiled(corridor, as_of)
    origin = od.index.get_level_values("origin").to_numpy(dtype=object)
    destination = od.index.get_level_values("destination").to_numpy(dtype=object)
    cargo = od.index.get_level_values("cargo_class").to_numpy(dtype=object)
    modes = classes["modes"].reindex(cargo)
    on_corridor = modes.notna().to_numpy() & modes.fillna("").astype(str).str.len().gt(0).to_numpy()
    pairs = sorted(set(zip(origin[on_corridor], destination[on_corridor], strict=True)))
    if routes is None:
        carried = sorted(set(cargo[on_corridor].tolist()), key=str)
        routes = candidate_routes(corridor, pairs, parameters=parameters, as_of=as_of, k=k, cargo_classes=carried)
    elif not _same_shape(routes.graph, graph):
        raise ValueError(
            "`routes` were found on a graph of other elements or edges than this corridor's as of `as_of` (an element "
            "opened or closed?); find them again with `candidate_routes` on this corridor and date."
        )
    # the choice sets: one row per (od row on the corridor, allowed route)
    table = routes.routes
    codes, known_pairs = pd.factorize(table["origin"] + "|" + table["destination"])
    choices = np.flatnonzero(on_corridor)
    choice_code = pd.Index(known_pairs).get_indexer(pd.Index(origin[choices] + "|" + destination[choices]))
    if (choice_code < 0).any():
        lost = choices[choice_code < 0]
        missing = sorted(set(zip(origin[lost], destination[lost], strict=True)))
        raise ValueError(f"`routes` has no candidate routes for {missing}; pass routes found for every pair.")
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=len(known_pairs))
    starts = np.cumsum(counts) - counts
    n_alts = counts[choice_code]
    alt_choice = np.repeat(np.arange(len(choices)), n_alts)
    alt_route = order[np.repeat(starts[choice_code], n_alts) + _ranges(n_alts)]
    class_codes, class_names = pd.factorize(pd.Index(cargo[choices]))
    class_modes = [set(str(m).split(";")) for m in classes["modes"].reindex(class_names).to_numpy()]
    allowed = np.array([[m in c for m in routes.mode_names] for c in class_modes], dtype=bool).reshape(
        -1, len(routes.mode_names)
    )[class_codes]
    fits = ~(routes.uses_mode[alt_route] & ~allowed[alt_choice]).any(axis=1)
    alt_choice, alt_route = alt_choice[fits], alt_route[fits]
    uncarried = sorted(set(range(len(choices))) - set(alt_choice.tolist()))
    if uncarried:
        names = [f"{origin[choices[c]]}->{destination[choices[c]]} ({cargo[choices[c]]})" for c in uncarried]
        raise NoRouteError(f"no candidate route may carry {names}; check the class's `modes` in cargo_classes.")
    class_vot = _class_values_of_time(parameters, classes, class_names, by_class=value_of_time_by_class)
    boxed = _boxed(classes, class_names)
    model = _Model(routes, parameters, alt_choice, alt_route, len(choices), (bpr_alpha, bpr_beta), graph=graph,
                   alt_vot=class_vot[class_codes[alt_choice]], alt_class=class_codes[alt_choice],
                   class_names=list(class_names), boxed=boxed)  # fmt: skip
    demand = od["tonnes_per_year"].to_numpy(dtype=float)[choices]
    scale = scale_per_usd / parameters.teu_per_unit
    respond = _responder(model, method, scale, path_size_correction)
    flows = demand[alt_choice] * respond(model.route_cost(np.zeros(model.n_elements)))
    iterations, gap, converged = 0, 0.0, True
    if capacity_restraint:
        flows, iterations, gap, converged = _equilibrium(model, demand, flows, respond, method=method,
                                                        max_iterations=max_iterations, tolerance=tolerance)  # fmt: skip
    volume = model.volume(flows)
    delay_h = model.delay_h(volume)
    # without restraint, no route sees a delay
    route_time = model.route_time_h(volume) if capacity_restraint else model.alt_time_h
    response = respond(model.route_cost(volume if capacity_restraint else np.zeros(model.n_elements)))
    shares = _shares_table(od, choices, on_corridor, model, flows, response, route_time, table)
    loads = _loads_table(graph, model, flows, alt_choice, cargo[choices], od, choices, delay_h, classes)
    as_of_text = graph.network.metadata.get("as_of")
    boxed = [str(c) for c, b in zip(class_names, boxed, strict=True) if b]
    assumptions = _assumptions(method, scale_per_usd, path_size_correction, k, capacity_restraint,
                               bpr_alpha, bpr_beta, parameters, boxed)  # fmt: skip
    if value_of_time_by_class:
        values = classes.loc[classes.index.isin(class_names), ["usd_per_tonne", "source", "confidence"]]
        by_class = pd.DataFrame({"value": values["usd_per_tonne"], "unit": "USD per t (values its time)",
                                 "source": values["source"], "confidence": values["confidence"]})  # fmt: skip
        by_class.index = "cargo_value_usd_per_tonne." + by_class.index
        assumptions = pd.concat([by_class.rename_axis("parameter"), assumptions])
    return Assignment(loads, shares, parameters, method, as_of_text, scale_per_usd if method == "logit" else np.nan,
                      bool(capacity_restraint), iterations, gap, converged, assumptions, routes)  # fmt: skip


def _boxed(classes: pd.DataFrame, names) -> np.ndarray:
    """Whether each class in `names` travels in containers (it has a ``tonnes_per_teu``): only boxes come back empty.

    Bulk rates per tonne (a ship's voyage charter, a wagon tariff, a truck rate) already pay for the way back
    of the ship, wagon or truck, so no empty-return surcharge is added to them.
    """
    per_teu = classes["tonnes_per_teu"] if "tonnes_per_teu" in classes else pd.Series(dtype=float)
    return per_teu.reindex(list(names)).notna().to_numpy(dtype=bool)


def _class_values_of_time(p: CostParameters, classes: pd.DataFrame, names, *, by_class: bool) -> np.ndarray:
    """US$ per cargo unit-hour of each class in `names`: its own cargo value, or the parameters' for all."""
    if not by_class or len(names) == 0:
        return np.full(len(names), p.value_of_time_usd_per_h)
    value = classes["usd_per_tonne"].reindex(names).to_numpy(dtype=float)
    return value / p.cargo_value_usd_per_tonne * p.value_of_time_usd_per_h  # linear in the cargo value


def _same_shape(first: Graph, second: Graph) -> bool:
    """Whether two compiled graphs have the same elements and edges (so route edge positions carry over).

    A scenario that changes figures (speeds, costs, capacities) keeps the shape: routes found before stay valid
    and are costed with the new figures. One that opens or closes an element does not.
    """
    if first is second:
        return True
    a, b = first.network, second.network
    return (
        a.segments.index.equals(b.segments.index)
        and a.transfers.index.equals(b.transfers.index)
        and np.array_equal(first.source, second.source)
        and np.array_equal(first.target, second.target)
        and np.array_equal(first.element, second.element)
    )


def _ranges(counts: np.ndarray) -> np.ndarray:
    """0..n-1 for each n in `counts`, concatenated."""
    ends = np.cumsum(counts)
    return np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - counts, counts)


class _Model:
    """The arrays of one assignment: alternatives x elements incidence, element costs and capacities.

    Money is priced per cargo class (each class with its own rates where the parameters have them): the class x
    element cost matrices give each alternative the money of its own class (``alt_money``, ``alt_fixed``). Time
    is timed per class too (each class's own waits for sailings and dwell at transfers where the parameters give
    them, ``alt_time_h``), and valued at the class's value of time (``alt_vot``); a congested element slows
    each class in proportion to that class's own time on it. The empties' way back
    (``empty_return_share`` x ``empty_cost_ratio`` of the money) is charged to the classes that travel in boxes
    (`boxed`; every class if omitted), not to bulk, whose rates per tonne pay for the way back.
    """

    def __init__(
        self, routes: RouteSet, p: CostParameters, alt_choice, alt_route, n_choices, bpr, graph=None, alt_vot=None,
        alt_class=None, class_names=None, boxed=None,
    ) -> None:  # fmt: skip
        graph = graph or routes.graph  # costs and capacities from the corridor as it is now
        costs = graph.costs(p)
        self.alt_choice, self.alt_route, self.n_choices = alt_choice, alt_route, n_choices
        self.incidence = routes.incidence[alt_route]  # alternatives x elements
        self.n_elements = self.incidence.shape[1]
        names = list(class_names) if class_names else [None]
        alt_class = np.zeros(len(alt_choice), dtype=int) if alt_class is None else np.asarray(alt_class, dtype=int)
        boxed = np.ones(len(names), dtype=bool) if boxed is None else np.asarray(boxed, dtype=bool)
        # the empty boxes come back the same way; bulk's rates per tonne already pay for the way back
        empties = (p.empty_return_share * p.empty_cost_ratio * boxed)[:, None]  # classes x 1
        self.time_h = costs["time_h"].to_numpy(dtype=float)  # class-less: the loads' delay column
        self.class_time_h = graph.class_costs(p, names, "time_h")  # classes x elements
        money = graph.class_costs(p, names, "cost_usd")  # classes x elements
        generalised = graph.class_costs(p, names, "generalised_cost_usd") + money * empties
        self.money = money * (1 + empties)
        self.fixed = generalised - p.value_of_time_usd_per_h * self.class_time_h  # money, empties, carbon: not time
        rows = np.arange(len(alt_choice))
        self.alt_rows, self.alt_class = rows, alt_class
        self.alt_time_h = (self.incidence @ self.class_time_h.T)[rows, alt_class]  # free-flow hours, own class
        self.alt_money = (self.incidence @ self.money.T)[rows, alt_class]  # each alternative at its class's prices
        self.alt_fixed = (self.incidence @ self.fixed.T)[rows, alt_class]
        self.distance_km = costs["distance_km"].to_numpy(dtype=float)
        network = graph.network
        capacity = pd.concat([network.segments["capacity_mtpa"], network.transfers["capacity_mtpa"]])
        self.capacity_mtpa = capacity.to_numpy(dtype=float)
        self.capacity_t = self.capacity_mtpa * 1e6
        vot = np.full(len(alt_choice), p.value_of_time_usd_per_h) if alt_vot is None else np.asarray(alt_vot, float)
        self.alt_vot = vot  # US$ per cargo unit-hour of each alternative's class
        self.alpha, self.beta = bpr
        self.choice_matrix = sparse.csr_array(
            (np.ones(len(alt_choice)), (alt_choice, np.arange(len(alt_choice)))), shape=(n_choices, len(alt_choice))
        )

    def volume(self, flows: np.ndarray) -> np.ndarray:
        """Tonnes per year on each element."""
        return self.incidence.T @ flows

    def delay_factor(self, volume: np.ndarray) -> np.ndarray:
        """BPR slowdown of each element, ``alpha (v / c)^beta`` (a share of its free time); 0 where c is unknown."""
        ratio = np.where(np.isfinite(self.capacity_t) & (self.capacity_t > 0), volume / self.capacity_t, 0.0)
        return self.alpha * ratio**self.beta

    def delay_h(self, volume: np.ndarray) -> np.ndarray:
        """BPR delay per cargo unit on each element (h), ``t0 alpha (v / c)^beta``, at the class-less times t0."""
        return self.time_h * self.delay_factor(volume)

    def route_time_h(self, volume: np.ndarray) -> np.ndarray:
        """Time of each alternative with the delays at element volumes `volume` (h per cargo unit, own class)."""
        delays = self.incidence @ (self.class_time_h.T * self.delay_factor(volume)[:, None])  # alternatives x classes
        return self.alt_time_h + delays[self.alt_rows, self.alt_class]

    def route_cost(self, volume: np.ndarray) -> np.ndarray:
        """Generalised cost of each alternative (US$ per cargo unit) at element volumes `volume`.

        Money, empties and carbon, plus the time (with delays) valued at the alternative's class value of time.
        """
        return self.alt_fixed + self.alt_vot * self.route_time_h(volume)

    def padded(self, values: np.ndarray, fill: float) -> np.ndarray:
        """Alternatives' values as a (choices x most alternatives) matrix, `fill` where a choice has fewer."""
        counts = np.bincount(self.alt_choice, minlength=self.n_choices)
        out = np.full((self.n_choices, max(counts.max(initial=0), 1)), fill)
        out[self.alt_choice, _ranges(counts)] = values
        return out

    def unpadded(self, matrix: np.ndarray) -> np.ndarray:
        counts = np.bincount(self.alt_choice, minlength=self.n_choices)
        return matrix[self.alt_choice, _ranges(counts)]

    def path_sizes(self) -> np.ndarray:
        """Path-size factor of each alternative within its choice set (vectorised :func:`path_size`)."""
        used = self.incidence.copy()
        used.data = np.ones_like(used.data)
        shared = (self.choice_matrix @ used).toarray()  # choices x elements: how many alternatives use each
        coo = used.tocoo()
        weight = self.distance_km[coo.col] / shared[self.alt_choice[coo.row], coo.col]
        length = used @ self.distance_km
        return np.bincount(coo.row, weights=weight, minlength=used.shape[0]) / length


def _responder(model: _Model, method: str, scale: float, path_size_correction: bool):
    """The share of each alternative given the alternatives' costs."""
    if method == "aon":

        def respond(cost: np.ndarray) -> np.ndarray:
            matrix = model.padded(cost, np.inf)
            best = np.zeros_like(matrix)
            best[np.arange(len(matrix)), np.argmin(matrix, axis=1)] = 1.0
            return model.unpadded(best)

        return respond
    size = model.padded(model.path_sizes(), 1.0) if path_size_correction else None

    def respond(cost: np.ndarray) -> np.ndarray:
        return model.unpadded(logit_shares(model.padded(cost, np.inf), scale_per_usd=scale, path_size=size))

    return respond


def _equilibrium(model: _Model, demand, flows, respond, *, method, max_iterations, tolerance):
    """Frank-Wolfe (all-or-nothing) or successive averages (logit) to a stable split; flows, n, gap, converged.

    The logit steps are self-regulated averages (Liu, Meng and He 2009): the step is 1 / k, and k grows by
    1.5 when the gap grew and by 0.1 when it shrank, so steps stay long while they help and the sequence still
    satisfies the conditions under which MSA converges.
    """
    gap, previous, k = np.inf, np.inf, 1.0
    for iteration in range(1, max_iterations + 1):
        volume = model.volume(flows)
        cost = model.route_cost(volume)
        target = demand[model.alt_choice] * respond(cost)
        if method == "aon":
            total = float(flows @ cost)
            gap = (total - float(target @ cost)) / total if total > 0 else 0.0
        else:
            gap = float(np.abs(target - flows).sum() / max(flows.sum(), 1e-12))
        if gap <= tolerance:
            return flows, iteration, gap, True
        if method == "aon" and (model.alt_vot > 0).all():
            step = _line_search(model, flows, target)
        elif method == "aon":  # a class whose time is worth nothing: no objective to search, average instead
            step = 1.0 / (iteration + 1)
        else:
            k += 1.5 if gap >= previous else 0.1
            step = 1.0 / k
        previous = gap
        flows = flows + step * (target - flows)
    return flows, max_iterations, gap, False


def _line_search(model: _Model, flows: np.ndarray, target: np.ndarray, rounds: int = 40) -> float:
    """The step in [0, 1] from `flows` towards `target` that minimises the Beckmann objective.

    Costs are taken in hours (each class's generalised cost over its value of time). The slope along the
    move is the move times the routes' hours (fixed hours plus delays) at the step; bisection finds where it
    changes sign. Where every class has the same times this is the Beckmann objective's slope; where a class has
    times of its own (its delays scale with them) it is the variational inequality's, and the step is still
    where the move stops lowering the cost.
    """
    move = target - flows
    fixed = model.alt_fixed / model.alt_vot
    volume, direction = model.volume(flows), model.volume(move)

    def slope(step: float) -> float:
        return float((fixed + model.route_time_h(volume + step * direction)) @ move)

    if slope(1.0) <= 0:
        return 1.0
    low, high = 0.0, 1.0
    for _ in range(rounds):
        middle = (low + high) / 2
        if slope(middle) > 0:
            high = middle
        else:
            low = middle
    return (low + high) / 2


def _shares_table(od, choices, on_corridor, model: _Model, flows, response, route_time_h, table) -> pd.DataFrame:
    """Shares are flows / demand; a row with no tonnes shows how it would split (`response`)."""
    incidence = model.incidence
    demand = od["tonnes_per_year"].to_numpy(dtype=float)[choices][model.alt_choice]
    share = np.divide(flows, demand, out=response.copy(), where=demand > 0)
    teu = od["teu_per_year"].to_numpy(dtype=float)[choices] if "teu_per_year" in od else np.full(len(choices), np.nan)
    index = od.index[choices]
    frame = pd.DataFrame(
        {
            "origin": index.get_level_values("origin")[model.alt_choice],
            "destination": index.get_level_values("destination")[model.alt_choice],
            "cargo_class": index.get_level_values("cargo_class")[model.alt_choice],
            "route": table["route"].to_numpy()[model.alt_route],
            "share": share,
            "tonnes_per_year": flows,
            "teu_per_year": teu[model.alt_choice] * share,
            "distance_km": incidence @ model.distance_km,
            "time_h": route_time_h,
            "cost_usd": model.alt_money,
            "generalised_cost_usd": model.alt_fixed + model.alt_vot * route_time_h,
            "modes": table["modes"].to_numpy()[model.alt_route],
        }
    )
    off = od[~on_corridor]
    if len(off):
        rest = off.reset_index()[["origin", "destination", "cargo_class", "tonnes_per_year"]].assign(
            route=OFF_CORRIDOR, share=1.0, teu_per_year=np.nan, modes=""
        )
        frame = pd.concat([frame, rest], ignore_index=True)
    return frame.set_index(["origin", "destination", "cargo_class", "route"])


def _loads_table(graph: Graph, model: _Model, flows, alt_choice, cargo, od, choices, delay_h, classes) -> pd.DataFrame:
    network = graph.network
    index = pd.MultiIndex.from_arrays(
        [["segment"] * len(network.segments) + ["transfer"] * len(network.transfers),
         [*network.segments.index, *network.transfers.index]], names=["element_type", "element_id"],
    )  # fmt: skip
    names = list(dict.fromkeys([*CARGO_CLASSES, *classes.index]))
    onehot = (np.asarray(cargo)[alt_choice][:, None] == np.array(names)[None, :]).astype(float)
    per_class = model.incidence.T @ (flows[:, None] * onehot)
    loads = pd.DataFrame(per_class, index=index, columns=[f"tonnes_per_year_{c}" for c in names])
    loads.insert(0, "tonnes_per_year", per_class.sum(axis=1))
    teu = od["teu_per_year"].to_numpy(dtype=float)[choices] if "teu_per_year" in od else np.zeros(len(choices))
    tonnes = od["tonnes_per_year"].to_numpy(dtype=float)[choices]
    teu_per_tonne = np.divide(np.nan_to_num(teu), tonnes, out=np.zeros_like(tonnes), where=tonnes > 0)
    loads.insert(1, "teu_per_year", model.incidence.T @ (flows * teu_per_tonne[alt_choice]))
    loads["capacity_mtpa"] = model.capacity_mtpa
    sources = pd.concat([network.segments[["capacity_source", "capacity_confidence"]],
                         network.transfers[["capacity_source", "capacity_confidence"]]])  # fmt: skip
    loads["capacity_source"] = sources["capacity_source"].to_numpy(dtype=object)
    loads["capacity_confidence"] = sources["capacity_confidence"].to_numpy(dtype=object)
    loads["utilisation"] = loads["tonnes_per_year"] / (loads["capacity_mtpa"] * 1e6)  # NaN where unknown
    loads["delay_h"] = delay_h
    return loads


def _assumptions(
    method,
    scale,
    path_size_correction,
    k,
    restraint,
    alpha,
    beta,
    p: CostParameters,
    boxed: Iterable[str] = ("container",),
) -> pd.DataFrame:
    rows = {
        "method": (method, "", "argument", "-"),
        "scale_per_usd": (scale if method == "logit" else np.nan, "1 / (US$ per TEU)", SCALE_SOURCE, "L"),
        "scale_per_usd.range": (f"{SCALE_RANGE[0]}-{SCALE_RANGE[1]}", "1 / (US$ per TEU)", SCALE_SOURCE, "L"),
        "path_size_correction": (path_size_correction, "", "Ben-Akiva and Bierlaire (1999)", "-"),
        "k_alternatives": (k, "routes per pair", "argument: on top of the named routes", "-"),
        "capacity_restraint": (restraint, "", "argument", "-"),
        "bpr_alpha": (alpha, "", BPR_SOURCE, "M"),
        "bpr_beta": (beta, "", BPR_SOURCE, "M"),
        "capacity_direction": ("both", "", "assumption: capacity_mtpa is for both directions together", "L"),
        "empties": ("same route back", "", "assumption: empty boxes return along the loaded route", "L"),
        "empties.classes": (
            ";".join(boxed),
            "",
            "empty_return_share x empty_cost_ratio is added to the money of the classes that travel "
            "in boxes (a tonnes_per_teu in cargo_classes); bulk rates per tonne (voyage charters, wagon and truck "
            "tariffs) already pay for the way back of the ship, wagon or truck",
            "M",
        ),
    }
    own = pd.DataFrame.from_dict(rows, orient="index", columns=["value", "unit", "source", "confidence"])
    return pd.concat([own.rename_axis("parameter"), p.to_frame()])


def _checked_od(corridor, od, classes, *, method, scale_per_usd, k, capacity_restraint, bpr, iterations):
    """Refuse bad demand or options, reporting every problem at once."""
    problems = []
    if method not in METHODS:
        problems.append(f"`method` was {method!r}; expected one of {list(METHODS)}{nearest(method, METHODS)}")
    if not (isinstance(scale_per_usd, int | float) and np.isfinite(scale_per_usd) and scale_per_usd >= 0):
        problems.append(f"`scale_per_usd` was {scale_per_usd!r}; expected a finite number >= 0 (1 / US$ per TEU)")
    if not isinstance(k, int) or k < 0:
        problems.append(f"`k` was {k!r}; expected a whole number of alternatives >= 0")
    if not isinstance(capacity_restraint, bool):
        problems.append(f"`capacity_restraint` was {capacity_restraint!r}; expected True or False")
    for name, value in zip(("bpr_alpha", "bpr_beta"), bpr, strict=True):
        if not (np.isfinite(value) and value >= 0):
            problems.append(f"`{name}` was {value!r}; expected a finite number >= 0")
    if not (isinstance(iterations[0], int) and iterations[0] >= 1) or not iterations[1] > 0:
        problems.append(f"`max_iterations` and `tolerance` were {iterations}; expected an int >= 1 and a number > 0")
    if not isinstance(od, pd.DataFrame):
        raise ValueError(f"`od` must be a DataFrame; got {type(od).__name__}. " + "; ".join(problems))
    levels = ["origin", "destination", "cargo_class"]
    if list(od.index.names) != levels:
        if set(levels) <= set(od.columns):
            od = od.set_index(levels)
        else:
            problems.append(
                f"`od` must be indexed (or have columns) {levels}; its index is {list(od.index.names)} and its "
                f"columns {list(od.columns)}"
            )
            raise ValueError("cannot assign: " + "; ".join(problems) + ".")
    if "tonnes_per_year" not in od:
        problems.append(f"`od` needs a `tonnes_per_year` column; it has {list(od.columns)}")
        raise ValueError("cannot assign: " + "; ".join(problems) + ".")
    places = corridor.places.index
    for level in ("origin", "destination"):
        for value in sorted(set(od.index.get_level_values(level)) - set(places), key=str):
            problems.append(f"`od` {level} {value!r} is not a place of this corridor{nearest(value, places)}")
    for value in sorted(set(od.index.get_level_values("cargo_class")) - set(classes.index), key=str):
        problems.append(
            f"`od` cargo_class {value!r} is unknown{nearest(value, classes.index)}; expected one of "
            f"{list(classes.index)}"
        )
    tonnes = pd.to_numeric(od["tonnes_per_year"], errors="coerce")
    for label, bad in (("is missing or not a number", tonnes.isna() | np.isinf(tonnes)), ("is negative", tonnes < 0)):
        rows = od.index[bad.to_numpy()]
        if len(rows):
            values = od["tonnes_per_year"][bad].iloc[:5]
            shown = ", ".join(f"{r} ({v!r})" for r, v in zip(rows[:5], values, strict=True))
            more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
            problems.append(f"`tonnes_per_year` {label} for {shown}{more}; give tonnes per year >= 0")
    same = od.index[od.index.get_level_values("origin") == od.index.get_level_values("destination")]
    if len(same):
        problems.append(f"`od` has rows from a place to itself: {list(same)[:5]}; drop them")
    if od.index.duplicated().any():
        problems.append(f"`od` has duplicate rows: {list(od.index[od.index.duplicated()])[:5]}; sum them first")
    if problems:
        raise ValueError(f"cannot assign ({len(problems)} problems): " + "; ".join(problems) + ".")
    return od


# --- published volumes -------------------------------------------------------------------------------------


def load_observed_volumes(corridor: Corridor | None = None) -> pd.DataFrame:
    """Published cargo volumes through the corridor's crossings, terminals and ports, with sources.

    Indexed by ``volume_id``: ``elements`` (``element_type:element_id`` joined by ``;``; a volume through any
    of them), ``description``, ``year``, ``period``, ``months``, ``tonnes`` (as published), ``tonnes_per_year``
    (annualised: tonnes x 12 / months), ``definition`` (what was counted), ``source``, ``url``, ``published``,
    ``confidence`` and ``note``. The volumes are the check on the model, never an input to it.

    Raises
    ------
    ValueError
        If an element is not in `corridor` (the INSTC if omitted), or a row lacks a source or confidence.

    Examples
    --------
    >>> row = load_observed_volumes().loc["astara_terminal_2024"]
    >>> float(row["tonnes_per_year"]), row["confidence"]
    (777000.0, 'H')
    """
    from corridor.datasets import load_instc

    corridor = corridor or load_instc()
    path = datasets.get_path("instc") / "observed_volumes.csv"
    table = pd.read_csv(path, index_col="volume_id", dtype={"period": str})
    problems = []
    known = {f"segment:{s}" for s in corridor.segments.index} | {f"transfer:{t}" for t in corridor.transfers.index}
    for volume_id, elements in table["elements"].items():
        for element in str(elements).split(";"):
            if element not in known:
                problems.append(f"{volume_id}: element {element!r} is not in the corridor{nearest(element, known)}")
    if table["source"].isna().any() or not table["confidence"].isin(["H", "M", "L"]).all():
        problems.append("every volume needs a `source` and a `confidence` of H, M or L")
    if not table["months"].between(1, 12).all() or (table["tonnes"] < 0).any():
        problems.append("`months` must lie in 1-12 and `tonnes` be >= 0")
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems) + ".")
    table["tonnes_per_year"] = table["tonnes"] * 12.0 / table["months"]
    return table


def compare_volumes(
    assignment: Assignment, observed: pd.DataFrame | None = None, *, before: Assignment | None = None
) -> pd.DataFrame:
    """The model's loads beside published volumes, with the gap (and, given `before`, an earlier model's loads).

    Parameters
    ----------
    assignment : Assignment
    observed : DataFrame, optional
        The shipped INSTC volumes (:func:`load_observed_volumes`) if omitted. A volume whose elements are
        not in service on the assignment's date gets a NaN model figure.
    before : Assignment, optional
        Another assignment to set beside it, such as the same demand under
        ``parameters.without_class_rates()`` (every class at the container prices): adds
        ``before_tonnes_per_year`` and ``before_to_observed``.

    Returns
    -------
    DataFrame
        Indexed by ``volume_id``: ``description``, ``year``, ``observed_tonnes_per_year``,
        ``model_tonnes_per_year`` (the loads summed over the volume's elements), ``gap_tonnes_per_year``
        (model - observed), ``model_to_observed`` (ratio), ``definition``, ``confidence`` and ``source``. The
        model holds only trade between the corridor countries; the volumes count transit from elsewhere too.

    Examples
    --------
    >>> import corridor
    >>> from corridor import trade
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> od = pd.DataFrame({"tonnes_per_year": [1000.0]}, index=pd.MultiIndex.from_tuples(
    ...     [("a", "d", "dry_bulk")], names=["origin", "destination", "cargo_class"]))
    >>> seen = pd.DataFrame({"elements": ["transfer:b_border"], "description": "border b", "year": 2024,
    ...                      "tonnes_per_year": 800.0, "definition": "all", "confidence": "M", "source": "toy"},
    ...                     index=pd.Index(["b_2024"], name="volume_id"))
    >>> compare_volumes(assign(toy, od), seen)[["model_tonnes_per_year", "gap_tonnes_per_year"]].values.tolist()
    [[1000.0, 200.0]]
    """
    observed = load_observed_volumes() if observed is None else observed
    parts = observed["elements"].str.split(";").explode()

    def through(result: Assignment) -> pd.Series:
        loads = result.loads["tonnes_per_year"]
        by_key = pd.Series(loads.to_numpy(), index=[f"{t}:{i}" for t, i in loads.index])
        model = by_key.reindex(parts.to_numpy()).to_numpy()
        summed = pd.Series(model, index=parts.index).groupby(level=0, sort=False).sum(min_count=1)
        return summed.reindex(observed.index)

    out = pd.DataFrame(
        {
            "description": observed["description"],
            "year": observed["year"],
            "observed_tonnes_per_year": observed["tonnes_per_year"],
        }
    )
    if before is not None:
        out["before_tonnes_per_year"] = through(before)
    out["model_tonnes_per_year"] = through(assignment)
    out["gap_tonnes_per_year"] = out["model_tonnes_per_year"] - out["observed_tonnes_per_year"]
    out["model_to_observed"] = out["model_tonnes_per_year"] / out["observed_tonnes_per_year"]
    if before is not None:
        out["before_to_observed"] = out["before_tonnes_per_year"] / out["observed_tonnes_per_year"]
    for column in ("definition", "confidence", "source"):
        out[column] = observed[column]
    return out
