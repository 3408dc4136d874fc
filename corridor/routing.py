"""Routes: the best route by any criterion, k alternatives, the corridor's named routes, and comparisons.

A :class:`Route` holds its legs in order, segments and transfers alike, with time, money, CO2e and distance
per cargo unit, their cumulative sums, and the source and confidence of each figure. Every function takes
the cost assumptions as an explicit :class:`~corridor.costs.CostParameters` and every comparison prints
them.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse.csgraph import dijkstra

from corridor import _model
from corridor._validate import nearest
from corridor.costs import CostParameters
from corridor.errors import ConstraintError, NoRouteError, UnknownPlaceError
from corridor.graph import CRITERIA, MAX_K, METRICS, Graph, compiled, k_shortest_paths, layered
from corridor.network import Corridor, _as_date

__all__ = [
    "Criterion",
    "Route",
    "NoRoute",
    "Comparison",
    "best_route",
    "alternatives",
    "named_routes",
    "compare_routes",
    "sensitivity",
    "skim",
    "compare_sets",
]

Criterion = Literal["generalised_cost_usd", "time_h", "cost_usd", "distance_km", "co2e_kg"]
_RANK = {"H": 2, "M": 1, "L": 0}
_RATIOS = {
    "distance_km": "distance_ratio", "time_h": "time_ratio", "cost_usd": "cost_ratio", "co2e_kg": "co2e_ratio",
    "generalised_cost_usd": "generalised_cost_ratio",
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Constraints:
    """What a route may use. Every field is optional; see :func:`best_route` for their meaning."""

    via: tuple[str, ...] = ()
    avoid_places: frozenset[str] = frozenset()
    avoid_countries: frozenset[str] = frozenset()
    avoid_modes: frozenset[str] = frozenset()
    avoid_passages: frozenset[str] = frozenset()
    modes: frozenset[str] | None = None
    branches: frozenset[str] | None = None

    def active(self) -> dict[str, Any]:
        """The constraints that restrict anything, by argument name."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if getattr(self, f.name) not in ((), frozenset(), None)
        }


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Route:
    """One route between two places, per cargo unit.

    Attributes
    ----------
    legs : GeoDataFrame
        Indexed by ``leg`` (0, 1, ...): ``element_type`` (segment or transfer), ``element_id``, ``kind``
        (the mode of a segment, the kind of a transfer), ``mode``, ``from_place``, ``to_place``, ``country``,
        the metrics ``distance_km``, ``time_h``, ``moving_time_h``, ``cost_usd``, ``co2e_kg``,
        ``generalised_cost_usd``, their running totals ``cum_*``, and ``time_source``/``time_confidence``,
        ``cost_source``/``cost_confidence``, ``co2e_source``/``co2e_confidence``. Geometry: the segment
        line in the direction travelled, or the transfer's place. Built on first use. The legs carry the
        loaded box; the empty boxes' way back is in :attr:`totals` only.
    origin, destination : str
    criterion : str
        What was minimised.
    parameters : CostParameters
    as_of : str or None
        The date the corridor was taken at, if any.
    name : str or None
    graph : Graph
        The compiled corridor the route was found on.
    path : ndarray of int
        The route's edges in `graph`, in order.
    handling_at_ends : bool
        Whether handling at the origin and destination places (a port call, stops there) is counted.
    empty_repositioning_usd : float
        ``empty_return_share`` x ``empty_cost_ratio`` x the money cost of the cheapest way back from the
        destination to the origin under the same constraints (US$ per cargo unit; NaN if there is none).
    """

    origin: str
    destination: str
    criterion: str
    parameters: CostParameters
    as_of: str | None
    name: str | None
    graph: Graph
    path: np.ndarray
    handling_at_ends: bool = True
    empty_repositioning_usd: float = 0.0

    def __repr__(self) -> str:
        t = self.totals
        label = f"{self.name}: " if self.name else ""
        return (
            f"<Route {label}{self.origin} -> {self.destination}, {len(self.path)} legs, {t['distance_km']:,.0f} km, "
            f"{t['time_h'] / 24:.1f} days, US${t['cost_usd']:,.0f} per {self.parameters.cargo_unit}, "
            f"{t['co2e_kg']:,.0f} kg CO2e>"
        )

    @functools.cached_property
    def legs(self) -> gpd.GeoDataFrame:  # noqa: D102 (documented with the class)
        return _legs(self.graph, self.path, self.parameters)

    @property
    def totals(self) -> pd.Series:
        """Sums over the legs, the time spent stopped, the number of transfers by kind, and empty boxes.

        ``cost_usd`` and ``generalised_cost_usd`` include ``empty_repositioning_usd``, the cost of bringing
        back the share of boxes the trade imbalance leaves empty; ``cost_usd_loaded`` is the legs' sum.
        """
        sums = self.graph.weights(self.parameters)[self.path].sum(axis=0)
        totals = pd.Series(sums, index=list(METRICS), name=self.name)
        totals["cost_usd_loaded"] = totals["cost_usd"]
        totals["empty_repositioning_usd"] = self.empty_repositioning_usd
        totals["cost_usd"] += self.empty_repositioning_usd
        totals["generalised_cost_usd"] += self.empty_repositioning_usd
        totals["stopped_time_h"] = totals["time_h"] - totals["moving_time_h"]
        totals["share_time_stopped"] = totals["stopped_time_h"] / totals["time_h"] if totals["time_h"] else 0.0
        kinds = self.graph.edge_kind[self.path]
        for kind in _model.TRANSFER_KINDS:
            totals[f"n_{kind}"] = int(np.count_nonzero(kinds == kind))
        return totals

    @property
    def elements(self) -> list[str]:
        """Element ids in order."""
        return self.graph.edges["element_id"].to_numpy()[self.path].tolist()

    def weakest(self, figure: Literal["time", "cost", "co2e"]) -> str:
        """The lowest-confidence figure `figure` depends on, e.g. ``'L: astara_ir_rail_road (assumption: ...)'``.

        Among the legs with the lowest confidence, the one contributing most is named.
        """
        metric = {"time": "time_h", "cost": "cost_usd", "co2e": "co2e_kg"}[figure]
        legs = self.legs[self.legs[metric] > 0]
        if legs.empty:
            return ""
        rank = legs[f"{figure}_confidence"].map(_RANK).fillna(-1)
        lowest = legs[rank.eq(rank.min())]
        leg = lowest.loc[lowest[metric].idxmax()]
        return f"{leg[f'{figure}_confidence']}: {leg['element_id']} ({leg[f'{figure}_source']})"

    def plot(self, **kwargs: Any) -> Any:
        """Draw the route on a map; see :func:`corridor.plot.plot_routes`."""
        from corridor.plot import plot_routes  # plot depends on routing, not the other way round

        return plot_routes({self.name or "route": self}, **kwargs)


@dataclasses.dataclass(frozen=True)
class NoRoute:
    """A named route that does not exist under the constraints given, and why."""

    name: str
    reason: str


@dataclasses.dataclass(frozen=True)
class Comparison:
    """A table of routes side by side, printed with every assumption it rests on.

    Attributes
    ----------
    table : DataFrame
        One row per route: totals, ratios to the reference route, share of time stopped, and the
        lowest-confidence figure behind time, cost and CO2e.
    assumptions : DataFrame
        :meth:`CostParameters.to_frame` plus the criterion and as-of date.
    """

    table: pd.DataFrame
    assumptions: pd.DataFrame

    def __repr__(self) -> str:
        with pd.option_context("display.width", 160, "display.max_columns", 30, "display.max_rows", None):
            return f"{self.table}\n\nAssumptions:\n{self.assumptions[['value', 'unit', 'confidence', 'source']]}"

    def _repr_html_(self) -> str:
        return (
            self.table.to_html(float_format=lambda x: f"{x:,.2f}", na_rep="-")
            + "<h4>Assumptions</h4>"
            + self.assumptions.to_html()
        )


def best_route(
    corridor: Corridor,
    origin: str,
    destination: str,
    *,
    by: Criterion = "generalised_cost_usd",
    parameters: CostParameters | None = None,
    via: Sequence[str] = (),
    avoid_places: Iterable[str] = (),
    avoid_countries: Iterable[str] = (),
    avoid_modes: Iterable[str] = (),
    avoid_passages: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    branches: Iterable[str] | None = None,
    as_of: str | pd.Timestamp | None = None,
    name: str | None = None,
    handling_at_ends: bool = True,
) -> Route:
    """The cheapest route from `origin` to `destination` by `by`, under the given constraints.

    Parameters
    ----------
    corridor : Corridor
    origin, destination : str
        ``place_id`` values (a place's name works too).
    by : {"generalised_cost_usd", "time_h", "cost_usd", "distance_km", "co2e_kg"}
        What to minimise, per cargo unit.
    parameters : CostParameters, optional
        Cost assumptions; :meth:`CostParameters.default` if omitted.
    via : sequence of str
        Places to pass, in this order.
    avoid_places, avoid_countries, avoid_modes, avoid_passages : iterable of str
        Places, ISO3 countries, modes and sea passages (``suez``, ``bab_el_mandeb``, ``hormuz``,
        ``gibraltar``) the route must not use. Avoiding a country avoids its segments, its places'
        transfers and the sea legs to its ports.
    modes : iterable of str, optional
        The only modes the route may use.
    branches : iterable of str, optional
        The only segment ``branch`` values the route may use.
    as_of : date, optional
        Take the corridor as of this date first (:meth:`Corridor.as_of`: opened and not closed, less what
        an event closed). If omitted, the baseline: every operational element, no events.
    name : str, optional
        A label for the route.
    handling_at_ends : bool, default True
        Count the handling at the origin and destination places: a route from a port enters it from the land
        (so its port call counts, and a route from the port and from the city beside it differ only by the
        leg between them), and the stops at its first and last terminal count. False: from the first
        departure to the last arrival.

    Returns
    -------
    Route

    Raises
    ------
    UnknownPlaceError
        An origin, destination, via or avoided place that is not in the corridor; names the closest.
    ConstraintError
        Constraints that contradict each other or name unknown modes, countries, passages or branches;
        raised before any search.
    NoRouteError
        No route satisfies the constraints; says which constraint, or which unavailable element, cut it.

    Examples
    --------
    >>> import corridor
    >>> from corridor.costs import CostParameters
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> p = CostParameters.default(cargo_unit="tonne", empty_return_share=0.0)
    >>> best_route(toy, "a", "d", by="time_h", parameters=p).elements
    ['a_b_rail', 'b_border', 'b_rail_road', 'b_d_road']
    >>> best_route(toy, "a", "d", by="time_h", parameters=p).totals["time_h"]
    np.float64(12.0)
    """
    constraints = _constraints(
        via=via, avoid_places=avoid_places, avoid_countries=avoid_countries, avoid_modes=avoid_modes,
        avoid_passages=avoid_passages, modes=modes, branches=branches,
    )  # fmt: skip
    routes = _search(corridor, origin, destination, by=by, parameters=parameters, as_of=as_of, k=1, name=name,
                     ends=handling_at_ends,
                     constraints=constraints)  # fmt: skip
    return routes[0]


def alternatives(
    corridor: Corridor,
    origin: str,
    destination: str,
    *,
    k: int = 3,
    by: Criterion = "generalised_cost_usd",
    parameters: CostParameters | None = None,
    as_of: str | pd.Timestamp | None = None,
    handling_at_ends: bool = True,
    **constraints: Any,
) -> list[Route]:
    """Up to `k` distinct routes, cheapest first by `by` (Yen's k shortest loopless paths).

    Takes the same constraints and `handling_at_ends` as :func:`best_route`. Routes differ in at least one
    segment or transfer.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> [r.elements[-1] for r in alternatives(toy, "a", "d", k=3, by="distance_km")]
    ['b_d_road', 'd_port']
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"`k` was {k!r}; expected a whole number of routes >= 1.")
    if k > MAX_K:  # Yen's search grows with k: refused before any work
        raise ValueError(f"`k` was {k!r}; expected a whole number of routes from 1 to {MAX_K}.")
    unknown = set(constraints) - {f.name for f in dataclasses.fields(Constraints)}
    if unknown:
        raise TypeError(f"unknown constraint(s) {sorted(unknown)}; see `best_route` for the constraints.")
    c = _constraints(**constraints)
    routes = _search(corridor, origin, destination, by=by, parameters=parameters, as_of=as_of, k=k, constraints=c,
                     ends=handling_at_ends)  # fmt: skip
    return [dataclasses.replace(r, name=f"alternative {i + 1}") for i, r in enumerate(routes)]


def named_routes(
    corridor: Corridor,
    origin: str,
    destination: str,
    *,
    by: Criterion = "generalised_cost_usd",
    parameters: CostParameters | None = None,
    as_of: str | pd.Timestamp | None = None,
    routes: Iterable[str] | None = None,
    handling_at_ends: bool = True,
) -> dict[str, Route | NoRoute]:
    """The best route within each of the corridor's named routes (``corridor.routes``).

    A named route is the set of segment branches it may use; the ones that cannot connect `origin` and
    `destination` (for instance during a closure) come back as :class:`NoRoute` with the reason. Empty boxes
    come back within the same named route. `handling_at_ends` as in :func:`best_route`.

    Examples
    --------
    >>> import corridor
    >>> found = named_routes(corridor.load_instc(), "jnpt", "moscow")
    >>> list(found)
    ['western', 'trans_caspian', 'eastern', 'suez']
    """
    _check_arguments(by=by, parameters=parameters, handling_at_ends=handling_at_ends)
    as_of = _checked_date(as_of)
    table = corridor.routes
    wanted = list(table.index) if routes is None else [routes] if isinstance(routes, str) else list(routes)
    for route_id in wanted:
        if route_id not in table.index:
            raise ValueError(
                f"`routes` has {route_id!r}, which is not a named route{nearest(route_id, table.index)}; "
                f"expected some of {list(table.index)}."
            )
    parameters = parameters or CostParameters.default()
    found: dict[str, Route | NoRoute] = {}
    for route_id in wanted:
        branches = _constraints(branches=table.loc[route_id, "branches"].split(";"))
        try:
            [found[route_id]] = _search(corridor, origin, destination, by=by, parameters=parameters, as_of=as_of,
                                        k=1, constraints=branches, name=route_id, ends=handling_at_ends)  # fmt: skip
        except NoRouteError as error:
            found[route_id] = NoRoute(route_id, str(error))
    return found


def compare_routes(
    routes: Mapping[str, Route | NoRoute] | Sequence[Route], *, reference: str | None = None
) -> Comparison:
    """Routes side by side: totals, ratios to `reference`, share of time stopped, weakest figures.

    Parameters
    ----------
    routes : mapping of name to Route (or NoRoute), or a sequence of named Routes
    reference : str, optional
        The route the ratios divide by; the first available route if omitted.

    Returns
    -------
    Comparison
        Its ``table`` has one row per route; unavailable routes keep a row with the reason.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> routes = {r.name: r for r in alternatives(toy, "a", "d", k=2, by="time_h")}
    >>> compare_routes(routes, reference="alternative 1").table["time_ratio"].tolist()
    [1.0, 10.5]
    """
    if isinstance(routes, Route | NoRoute | str) or not isinstance(routes, Mapping | Iterable):
        raise TypeError(
            f"`routes` is a {type(routes).__name__}; expected a mapping of name to Route (as `named_routes` returns) "
            "or a list of Routes."
        )
    if not isinstance(routes, Mapping):
        routes = {r.name or f"route {i + 1}": r for i, r in enumerate(routes) if isinstance(r, Route)} | {
            f"item {i}": r for i, r in enumerate(routes) if not isinstance(r, Route)
        }
    wrong = [f"{k!r} is a {type(r).__name__}" for k, r in routes.items() if not isinstance(r, Route | NoRoute)]
    if wrong:
        raise TypeError(f"`routes` holds what is not a Route or NoRoute: {'; '.join(wrong)}.")
    if not routes:
        raise ValueError("`routes` is empty; pass the routes to compare (`named_routes(...)` or a list of Routes).")
    available = {k: r for k, r in routes.items() if isinstance(r, Route)}
    if not available:
        raise ValueError("none of the routes exists: " + "; ".join(f"{k}: {r.reason}" for k, r in routes.items()))
    reference = reference or next(iter(available))
    if reference not in available:
        raise ValueError(
            f"`reference` was {reference!r}; expected one of the available routes {list(available)}"
            f"{nearest(reference, available)}."
        )
    rows = {}
    for key, route in routes.items():
        if isinstance(route, NoRoute):
            rows[key] = {"available": False, "note": route.reason}
            continue
        t = route.totals
        rows[key] = {
            "available": True,
            **t[["distance_km", "time_h"]].to_dict(),
            "time_days": t["time_h"] / 24,
            **t[["cost_usd", "co2e_kg", "generalised_cost_usd", "share_time_stopped"]].to_dict(),
            "transfers": int(sum(t[f"n_{kind}"] for kind in _model.TRANSFER_KINDS)),
            "weakest_time": route.weakest("time"),
            "weakest_cost": route.weakest("cost"),
            "weakest_co2e": route.weakest("co2e"),
            "note": "",
        }
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("route")
    for metric, ratio in _RATIOS.items():
        table[ratio] = table[metric] / table.loc[reference, metric]
    ref = available[reference]
    assumptions = pd.concat(
        [
            pd.DataFrame(
                {"value": [ref.criterion, ref.as_of or "-", reference, ref.handling_at_ends], "unit": "",
                 "source": "argument", "confidence": "-"},
                index=pd.Index(["criterion", "as_of", "reference_route", "handling_at_ends"], name="parameter"),
            ),
            ref.parameters.to_frame(),
        ]
    )  # fmt: skip
    return Comparison(table=table, assumptions=assumptions)


def sensitivity(
    corridor: Corridor,
    origin: str,
    destination: str,
    *,
    parameter: str,
    values: Sequence[Any],
    metric: str = "generalised_cost_usd",
    by: Criterion = "generalised_cost_usd",
    parameters: CostParameters | None = None,
    as_of: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """One total of each named route as one assumption takes each of `values`.

    Parameters
    ----------
    parameter : str
        A :class:`CostParameters` field (``empty_return_share``, ``value_of_time_pct_per_day``, ...) or
        ``"as_of"`` to vary the date.
    values : sequence
    metric : str
        A column of :attr:`Route.totals` (``time_h``, ``cost_usd``, ``co2e_kg``, ...).

    Returns
    -------
    DataFrame
        Indexed by the values of `parameter`, one column per named route; NaN where the route does not
        exist. ``.rank(axis=1)`` gives the ranking.

    Examples
    --------
    >>> import corridor
    >>> table = sensitivity(corridor.load_instc(), "jnpt", "moscow", parameter="empty_return_share",
    ...                     values=[0.0, 1.0], metric="cost_usd")
    >>> list(table.columns), table.index.name
    (['western', 'trans_caspian', 'eastern', 'suez'], 'empty_return_share')
    """
    _check_arguments(by=by, parameters=parameters)
    fields = {f.name for f in dataclasses.fields(CostParameters)} - {"sources", "cargo_unit", "emission_basis"}
    if parameter != "as_of" and parameter not in fields:
        raise ValueError(
            f"`parameter` was {parameter!r}; expected 'as_of' or a cost parameter"
            f"{nearest(parameter, [*fields, 'as_of'])}: {sorted(fields)}."
        )
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise TypeError(f"`values` was {values!r}; expected a list of values for `{parameter}`, such as [0.0, 0.5].")
    values = list(values)
    if not values:
        raise ValueError(f"`values` is empty; give the values `{parameter}` should take, such as [0.0, 0.5].")
    totals = _TOTALS
    if metric not in totals:
        raise ValueError(
            f"`metric` was {metric!r}; expected a column of `Route.totals`{nearest(metric, totals)}: {totals}."
        )
    as_of = _checked_date(as_of)
    base = parameters or CostParameters.default()
    rows = {}
    for value in values:
        if parameter == "as_of":
            found = named_routes(corridor, origin, destination, by=by, parameters=base, as_of=value)
        else:
            found = named_routes(corridor, origin, destination, by=by, parameters=base.replace(**{parameter: value}),
                                 as_of=as_of)  # fmt: skip
        rows[value] = {k: r.totals[metric] if isinstance(r, Route) else np.nan for k, r in found.items()}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(parameter)


def compare_sets(
    corridor: Corridor,
    origin: str,
    destination: str,
    *,
    sets: Sequence[str | CostParameters] = ("baseline", "pre2020", "balanced"),
    reference: str = "suez",
    by: Criterion = "generalised_cost_usd",
    as_of: str | pd.Timestamp | None = None,
    cargo_unit: str = "teu",
) -> pd.DataFrame:
    """The named routes under several assumption sets, against `reference`: which conclusions hold.

    A conclusion such as "cheaper than Suez" rests on the rates of a set; the table shows it set by set.

    Parameters
    ----------
    sets : sequence of str or CostParameters
        Assumption-set names (see :func:`corridor.costs.assumption_sets`), paths, or parameters.
    reference : str
        The named route the others are set against (the all-water route by default).

    Returns
    -------
    DataFrame
        Indexed by (``assumption_set``, ``route``): ``time_days``, ``cost_usd`` (in the set's price year),
        ``price_year``, ``time_ratio`` and ``cost_ratio`` to the reference under the same set, and the
        conclusions ``faster_than_reference`` and ``cheaper_than_reference``.

    Examples
    --------
    >>> import corridor
    >>> table = compare_sets(corridor.load_instc(), "jnpt", "moscow")
    >>> table.index.get_level_values("assumption_set").unique().tolist()
    ['baseline', 'pre2020', 'balanced']
    """
    frames = {}
    for spec in sets:
        p = spec if isinstance(spec, CostParameters) else CostParameters.load(spec, cargo_unit=cargo_unit)
        table = compare_routes(named_routes(corridor, origin, destination, by=by, parameters=p, as_of=as_of),
                               reference=reference).table  # fmt: skip
        table = table[table["available"].astype(bool)]
        frames[p.assumption_set] = pd.DataFrame(
            {
                "time_days": table["time_days"],
                "cost_usd": table["cost_usd"],
                "price_year": p.price_year,
                "time_ratio": table["time_ratio"],
                "cost_ratio": table["cost_ratio"],
                "faster_than_reference": table["time_ratio"] < 1.0,
                "cheaper_than_reference": table["cost_ratio"] < 1.0,
            }
        )
    return pd.concat(frames, names=["assumption_set", "route"])


def skim(
    corridor: Corridor,
    origins: Iterable[str] | None = None,
    destinations: Iterable[str] | None = None,
    *,
    by: Criterion = "generalised_cost_usd",
    parameters: CostParameters | None = None,
    as_of: str | pd.Timestamp | None = None,
    batch_size: int = 64,
    handling_at_ends: bool = True,
    **constraints: Any,
) -> pd.DataFrame:
    """Every metric of the best route by `by` between each origin and each destination: the skim matrices.

    One csgraph call serves a batch of origins; the metrics along each shortest-path tree are summed with
    array operations (pointer doubling), so the cost grows with the network, not with the number of pairs.

    Parameters
    ----------
    corridor : Corridor
    origins, destinations : iterable of str, optional
        ``place_id`` values (names work too); every place if omitted.
    by : {"generalised_cost_usd", "time_h", "cost_usd", "distance_km", "co2e_kg"}
        What the routes minimise, per cargo unit.
    parameters : CostParameters, optional
    as_of : date, optional
        As in :func:`best_route`.
    batch_size : int, default 64
        Origins per csgraph call (memory grows with batch size x nodes).
    handling_at_ends : bool, default True
        As in :func:`best_route`.
    **constraints
        ``avoid_places``, ``avoid_countries``, ``avoid_modes``, ``avoid_passages``, ``modes``, ``branches``
        as in :func:`best_route` (``via`` is not supported).

    Returns
    -------
    DataFrame
        Indexed by (``origin``, ``destination``), one row per pair of different places, with ``distance_km``,
        ``time_h``, ``moving_time_h``, ``cost_usd``, ``co2e_kg`` and ``generalised_cost_usd`` of the route
        (money including ``empty_repositioning_usd``, as :attr:`Route.totals`); NaN where no route exists.
        ``.attrs`` holds the criterion, date and assumptions; ``skim(...)["time_h"].unstack()`` is the
        origin x destination matrix.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> table = skim(toy, ["a"], ["c", "d"], by="time_h")
    >>> table["time_h"].tolist()
    [8.0, 12.0]
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"`batch_size` was {batch_size!r}; expected a whole number of origins >= 1.")
    unknown = set(constraints) - ({f.name for f in dataclasses.fields(Constraints)} - {"via"})
    if unknown:
        raise TypeError(f"unknown constraint(s) {sorted(unknown)}; `skim` takes those of `best_route` but `via`.")
    _check_arguments(by=by, parameters=parameters, handling_at_ends=handling_at_ends)
    as_of = _checked_date(as_of)
    parameters = parameters or CostParameters.default()
    every = corridor.places.index
    origins, destinations = (
        [o] if isinstance(o, str) else o for o in (origins, destinations)
    )  # one place, not letters
    origins = every if origins is None else pd.Index([_resolve_place(corridor, o, "origins") for o in origins])
    destinations = (
        every if destinations is None else pd.Index([_resolve_place(corridor, d, "destinations") for d in destinations])
    )
    ends = {**{f"origins[{i}]": o for i, o in enumerate(origins)},
            **{f"destinations[{i}]": d for i, d in enumerate(destinations)}}  # fmt: skip
    c = _check_constraints(corridor, None, None, _constraints(**constraints), by, ends=ends)
    graph = compiled(corridor, as_of)
    weights = graph.weights(parameters)
    weight = _weight(graph, c, by, parameters, ends=handling_at_ends)
    start = graph.node_index.get_indexer(origins + "|origin")
    end = graph.node_index.get_indexer(destinations + "|destination")
    values = _skim_sums(graph, weights, weight, start, end, batch_size)
    values = values.reshape(len(origins) * len(destinations), len(METRICS))
    index = pd.MultiIndex.from_product([origins, destinations], names=["origin", "destination"])
    table = pd.DataFrame(values, index=index, columns=list(METRICS))
    share = parameters.empty_return_share * parameters.empty_cost_ratio
    table["empty_repositioning_usd"] = np.where(table["cost_usd"].isna(), np.nan, 0.0)
    if share > 0:  # the cheapest way back for the empties: one more skim, by money, from the destinations
        money = _weight(graph, c, "cost_usd", parameters, ends=handling_at_ends)
        back_start = graph.node_index.get_indexer(destinations + "|origin")
        back_end = graph.node_index.get_indexer(origins + "|destination")
        back = _skim_sums(graph, weights, money, back_start, back_end, batch_size)[..., METRICS.index("cost_usd")]
        table["empty_repositioning_usd"] = share * back.T.reshape(-1)
        table["cost_usd"] += table["empty_repositioning_usd"]
        table["generalised_cost_usd"] += table["empty_repositioning_usd"]
    table = table[index.get_level_values(0) != index.get_level_values(1)]
    table.attrs = {"criterion": by, "as_of": graph.network.metadata.get("as_of"), "cargo_unit": parameters.cargo_unit,
                   "price_year": parameters.price_year, "assumption_set": parameters.assumption_set,
                   "handling_at_ends": handling_at_ends, "constraints": c.active()}  # fmt: skip
    return table


def _skim_sums(graph: Graph, weights: np.ndarray, weight: np.ndarray, start, end, batch_size: int) -> np.ndarray:
    """Every metric summed along the cheapest path by `weight` from each start node to each end node.

    One csgraph call per batch of start nodes; returns (starts x ends x metrics), NaN where unreachable.
    """
    adjacency = graph.adjacency
    best, best_edge = adjacency.reduce(weight)
    matrix = adjacency.matrix(best)
    blocks = []
    for first in range(0, len(start), batch_size):
        rows = start[first : first + batch_size]
        _, predecessor = dijkstra(matrix, indices=rows, return_predecessors=True)
        blocks.append(_tree_sums(adjacency, best_edge, weights, predecessor, rows)[:, end])
    return np.concatenate(blocks)


def _tree_sums(adjacency, best_edge, weights, predecessor, roots) -> np.ndarray:
    """Sum each metric from the root to every node of shortest-path trees; NaN where a node is not reached.

    ``predecessor`` is csgraph's (trees x nodes); returns (trees x nodes x metrics). Pointer doubling:
    after round r each node holds the sum over its 2^r nearest tree edges and points 2^r steps up.
    """
    trees, nodes = predecessor.shape
    parent = predecessor.astype(np.int64)
    reached = parent >= 0
    row = np.arange(trees)[:, None]
    edge = adjacency.edges(best_edge, np.where(reached, parent, 0), np.broadcast_to(np.arange(nodes), parent.shape))
    total = np.where(reached[..., None], weights[edge], 0.0)
    up = parent.copy()
    while (up >= 0).any():
        has = up >= 0
        step = np.where(has, up, 0)
        total = total + np.where(has[..., None], total[row, step], 0.0)
        up = np.where(has, up[row, step], -1)
    reached[np.arange(trees), roots] = True
    total[~reached] = np.nan
    return total


# --- machinery ---------------------------------------------------------------------------------------------


_NONE = Constraints()


def _constraints(
    *, via=(), avoid_places=(), avoid_countries=(), avoid_modes=(), avoid_passages=(), modes=None, branches=None
) -> Constraints:
    def as_set(values, argument="constraint"):
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, Iterable):
            raise TypeError(f"`{argument}` was {values!r}; expected a list of names, such as ['rail'].")
        values = list(values)
        wrong = [v for v in values if not isinstance(v, str)]
        if wrong:
            raise TypeError(f"`{argument}` has {wrong[0]!r} ({type(wrong[0]).__name__}); expected names as text.")
        return frozenset(values)

    return Constraints(
        via=(via,) if isinstance(via, str) else tuple(via),
        avoid_places=as_set(avoid_places, "avoid_places"),
        avoid_countries=as_set(avoid_countries, "avoid_countries"),
        avoid_modes=as_set(avoid_modes, "avoid_modes"),
        avoid_passages=as_set(avoid_passages, "avoid_passages"),
        modes=None if modes is None else as_set(modes, "modes"),
        branches=None if branches is None else as_set(branches, "branches"),
    )


def _resolve_place(corridor: Corridor, value: str, argument: str) -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"`{argument}` has {value!r} ({type(value).__name__}); expected a place_id (or a place's name)."
        )
    places = corridor.places
    if value in places.index:
        return value
    by_name = places.index[places["name"].str.lower().eq(str(value).lower())]
    if len(by_name) == 1:
        return by_name[0]
    choices = [*places.index, *places["name"]]
    match = nearest(str(value).lower(), [c.lower() for c in choices])
    raise UnknownPlaceError(f"`{argument}` {value!r} is not a place of this corridor{match}; see `corridor.places`.")


_TOTALS = [
    *METRICS, "cost_usd_loaded", "empty_repositioning_usd", "stopped_time_h", "share_time_stopped",
    *(f"n_{kind}" for kind in _model.TRANSFER_KINDS),
]  # fmt: skip
"""The columns of :attr:`Route.totals`."""


def _check_arguments(*, by: Any, parameters: Any, handling_at_ends: Any = True) -> None:
    """The options every search takes, checked before any work."""
    if not isinstance(by, str) or by not in CRITERIA:
        raise ConstraintError(f"`by` was {by!r}; expected one of {list(CRITERIA)}{nearest(by, CRITERIA)}.")
    if parameters is not None and not isinstance(parameters, CostParameters):
        raise TypeError(
            f"`parameters` is a {type(parameters).__name__}; expected a CostParameters "
            "(`CostParameters.default()`, `CostParameters.load(name)`) or None for the baseline."
        )
    if not isinstance(handling_at_ends, bool | np.bool_):
        raise TypeError(f"`handling_at_ends` was {handling_at_ends!r}; expected True or False.")


def _checked_date(as_of: Any) -> pd.Timestamp | None:
    """`as_of` as a day, or None; refused with a message if it is not a date (a number is not guessed)."""
    return None if as_of is None else _as_date(as_of, "as_of")


def _choices(corridor: Corridor) -> dict[str, set[str]]:
    """The values each constraint may take in `corridor`, worked out once per corridor."""

    def make() -> dict[str, set[str]]:
        seg = corridor.segments
        return {
            "avoid_countries": set(corridor.places["country"]),
            "avoid_modes": set(_model.MODES),
            "modes": set(_model.MODES),
            "avoid_passages": set(seg["passages"].dropna().str.split(";").explode()),
            "branches": set(seg["branch"].dropna()),
        }

    return corridor._cached(("choices",), make)


def _check_constraints(
    corridor: Corridor,
    origin: str | None,
    destination: str | None,
    c: Constraints,
    by: str,
    *,
    ends: Mapping[str, str] | None = None,
) -> Constraints:
    """Resolve names and refuse contradictory or unknown constraints, reporting them all at once.

    `ends` names the places a search starts or ends at (``{"origin": origin, "destination": destination}``
    if omitted).
    """  # fmt: skip
    if by not in CRITERIA:
        raise ConstraintError(f"`by` was {by!r}; expected one of {list(CRITERIA)}{nearest(by, CRITERIA)}.")
    if c == _NONE and ends is None and origin != destination:
        return c
    problems = []
    for argument in ("modes", "branches"):
        if getattr(c, argument) == frozenset():
            problems.append(
                f"`{argument}` is empty, which allows no {argument[:-1]}; list the ones the route may use, or leave "
                "it out to allow all."
            )
    via = tuple(_resolve_place(corridor, v, "via") for v in c.via)
    avoid = frozenset(_resolve_place(corridor, p, "avoid_places") for p in c.avoid_places)
    choices = _choices(corridor) if c.active() else {}
    for argument, values in (
        ("avoid_countries", c.avoid_countries),
        ("avoid_modes", c.avoid_modes),
        ("modes", c.modes or ()),
        ("avoid_passages", c.avoid_passages),
        ("branches", c.branches or ()),
    ):
        allowed = choices.get(argument, ())
        for value in sorted(values):
            if value not in allowed:
                problems.append(
                    f"`{argument}` has {value!r}; expected values from {sorted(allowed)}{nearest(value, allowed)}."
                )
    if ends is None:
        ends = {"origin": origin, "destination": destination}
        if origin == destination:
            problems.append(f"`origin` and `destination` are both {origin!r}.")
    ends = {**ends, **{f"via[{i}]": v for i, v in enumerate(via)}}
    country_of = corridor.places["country"] if c.avoid_countries else {}
    for label, place in ends.items():
        if place in avoid:
            problems.append(f"`{label}` {place!r} is also in `avoid_places`.")
        if c.avoid_countries and country_of[place] in c.avoid_countries:
            problems.append(f"`{label}` {place!r} lies in {country_of[place]}, which `avoid_countries` excludes.")
    for i, place in enumerate(via):
        if place in (origin, destination):
            problems.append(f"`via[{i}]` {place!r} is the origin or the destination.")
    if c.modes is not None:
        clash = c.modes & c.avoid_modes
        if clash:
            problems.append(f"`modes` allows {sorted(clash)}, which `avoid_modes` forbids.")
    if problems:
        raise ConstraintError("contradictory or unknown constraints: " + " ".join(problems))
    return dataclasses.replace(c, via=via, avoid_places=avoid)


def _blocked(graph: Graph, c: Constraints) -> np.ndarray | None:
    """Edges the constraints forbid (None if they forbid nothing)."""
    if not (c.avoid_modes or c.modes is not None or c.branches is not None or c.avoid_places or c.avoid_countries
            or c.avoid_passages):  # fmt: skip
        return None
    network = graph.network
    seg, tr, places = network.segments, network.transfers, network.places
    bad_segments = seg["mode"].isin(c.avoid_modes)
    if c.modes is not None:
        bad_segments |= ~seg["mode"].isin(c.modes)
    if c.branches is not None:
        bad_segments |= ~seg["branch"].isin(c.branches)
    avoided = c.avoid_places | set(places.index[places["country"].isin(c.avoid_countries)])
    bad_segments |= seg["from_place"].isin(avoided) | seg["to_place"].isin(avoided)
    bad_segments |= seg["country"].isin(c.avoid_countries)
    if c.avoid_passages:
        crossed = seg["passages"].fillna("").str.split(";")
        bad_segments |= crossed.map(lambda p: bool(c.avoid_passages.intersection(p)))
    bad_transfers = tr["place_id"].isin(avoided)
    bad = np.concatenate([bad_segments.to_numpy(dtype=bool), bad_transfers.to_numpy(dtype=bool), [False]])
    return bad[graph.element]


def _paths(
    graph: Graph,
    origin: str,
    destination: str,
    c: Constraints,
    by: str,
    k: int,
    parameters,
    *,
    ends: bool = True,
    base: np.ndarray | None = None,
) -> list:
    """Up to `k` cheapest paths by `by` (or by edge weights `base`), as arrays of edge positions in `graph`.

    Access edges are left out.
    """
    weight = _weight(graph, c, by, parameters, ends=ends, base=base)
    if not ends:  # a route runs from its first departure to its last arrival: no transfer at either end
        places = graph.network.places.index
        at_ends = (graph.edge_place == places.get_loc(origin)) | (graph.edge_place == places.get_loc(destination))
        weight[graph.is_transfer & at_ends] = np.inf
    start = graph.node_index.get_loc(f"{origin}|origin")
    end = graph.node_index.get_loc(f"{destination}|destination")
    if not c.via:
        found = k_shortest_paths(len(graph.nodes), graph.source, graph.target, weight, start, end, k,
                                 adjacency=graph.adjacency)  # fmt: skip
        edge_of = None
    else:
        via_terminals = [graph.terminals(v) for v in c.via]
        n_nodes, source, target, edge_of = layered(graph, via_terminals)
        stacked = np.where(edge_of >= 0, weight[np.maximum(edge_of, 0)], 0.0)
        end += len(via_terminals) * len(graph.nodes)
        found = k_shortest_paths(n_nodes, source, target, stacked, start, end, k)
    paths = []
    for _, path in found:
        edges = np.asarray(path, dtype=np.int64)
        if edge_of is not None:  # back from the stacked layers, less the edges that join them
            edges = edge_of[edges][edge_of[edges] >= 0]
        paths.append(edges[~graph.is_access[edges]])
    return paths


def _weight(
    graph: Graph, c: Constraints, by: str, parameters: CostParameters, *, ends: bool, base: np.ndarray | None = None
) -> np.ndarray:
    """Edge weights of criterion `by` (or `base`, one weight per edge) with what the constraints forbid set to infinity.

    With handling at the ends, a route enters and leaves a port from the land (so its port call counts) and
    passes the stops at its first and last terminal; without, it may skip both.
    """
    weight = graph.weights(parameters)[:, METRICS.index(by)].copy() if base is None else np.array(base, dtype=float)
    blocked = _blocked(graph, c)
    if blocked is not None:
        weight[blocked] = np.inf
    if ends:
        weight[graph.access_role != ""] = np.inf
    return weight


def _search(
    corridor, origin, destination, *, by, parameters, as_of, k, constraints, name=None, ends=True
) -> list[Route]:
    _check_arguments(by=by, parameters=parameters, handling_at_ends=ends)
    as_of = _checked_date(as_of)
    parameters = parameters or CostParameters.default()
    origin = _resolve_place(corridor, origin, "origin")
    destination = _resolve_place(corridor, destination, "destination")
    c = _check_constraints(corridor, origin, destination, constraints, by)
    graph = compiled(corridor, as_of)
    paths = _paths(graph, origin, destination, c, by, k, parameters, ends=ends)
    if not paths:
        raise NoRouteError(_diagnose(corridor, origin, destination, c, as_of, parameters, ends=ends))
    as_of_text = graph.network.metadata.get("as_of")
    empty = _empty_repositioning(graph, origin, destination, c, parameters, ends=ends)
    return [Route(origin, destination, by, parameters, as_of_text, name, graph, path, ends, empty) for path in paths]


def _empty_repositioning(graph: Graph, origin: str, destination: str, c: Constraints, parameters, *, ends) -> float:
    """US$ per cargo unit for the share of boxes that go back empty, by the cheapest way back."""
    share = parameters.empty_return_share * parameters.empty_cost_ratio
    if share == 0:
        return 0.0
    back = _paths(graph, destination, origin, dataclasses.replace(c, via=()), "cost_usd", 1, parameters, ends=ends)
    if not back:
        return float("nan")
    return share * float(graph.weights(parameters)[back[0], METRICS.index("cost_usd")].sum())


def _diagnose(corridor, origin, destination, c: Constraints, as_of, parameters, *, ends: bool = True) -> str:
    """Say which constraint, or which unavailable element, cut every route."""
    head = f"no route from {origin!r} to {destination!r}"

    everything, in_service = compiled(corridor, "all"), compiled(corridor, as_of)
    network = in_service.network

    def feasible(graph, constraints) -> bool:
        return bool(_paths(graph, origin, destination, constraints, "distance_km", 1, parameters, ends=ends))

    if not feasible(everything, Constraints()):
        return f"{head}: the corridor does not connect them at all, even with planned links."
    culprits = [
        f"`{arg}={sorted(value) if isinstance(value, frozenset) else list(value)}`"
        for arg, value in c.active().items()
        if feasible(in_service, dataclasses.replace(c, **{arg: getattr(Constraints(), arg)}))
    ]
    reasons = []
    if as_of is None and feasible(everything, c):
        unbuilt = corridor.segments.index[corridor.segments["status"].ne("operational")]
        reasons.append(f"only links not yet operational would connect them ({', '.join(unbuilt)})")
    if as_of is not None and feasible(everything, c):
        events = corridor.events_on(as_of)
        closed = events[events["effect"].eq("closed")].reset_index()
        shown = ", ".join(f"{e} ({t})" for e, t in zip(closed["event_id"], closed["target"], strict=True))
        not_open = corridor.segments.index.difference(network.segments.index).difference(closed["target"])
        reasons.append(
            f"as of {pd.Timestamp(as_of):%Y-%m-%d} the corridor is cut"
            + (f" by closures in force: {shown}" if shown else "")
            + (f"; segments out of service then: {', '.join(sorted(not_open))}" if len(not_open) else "")
        )
    if culprits:
        reasons.append(f"dropping any one of {', '.join(culprits)} would give a route")
    if not reasons:
        reasons.append(f"the constraints {c.active()} together leave no path; no single one is to blame")
    return f"{head}: " + "; ".join(reasons) + "."


_LEG_TEXT = ("element_type", "element_id", "kind", "mode", "from_place", "to_place", "country", "time_source",
             "time_confidence", "cost_source", "cost_confidence", "co2e_source", "co2e_confidence")  # fmt: skip


_LEG_TABLES = 4  # parameter sets whose table of every leg a compiled graph keeps


def _legs(graph: Graph, path: np.ndarray, p: CostParameters) -> gpd.GeoDataFrame:
    """The legs table of `path`: one positional take from the table of every leg, and the running totals."""
    tables = graph.__dict__.setdefault("_leg_tables", {})
    if p.key not in tables:
        if len(tables) >= _LEG_TABLES:
            tables.pop(next(iter(tables)))
        edges = np.flatnonzero(graph.element < len(graph.element_columns["element_id"]))  # not the access edges
        position = np.full(len(graph.element), -1, dtype=np.int64)
        position[edges] = np.arange(len(edges))
        table = _leg_table(graph, edges, p)
        table.columns = pd.Index(table.columns, dtype=object)  # labels compared on every take: no Arrow strings
        running = table.columns.get_indexer([f"cum_{metric}" for metric in _CUMULATIVE])
        tables[p.key] = (table, position, table[list(_CUMULATIVE)].to_numpy(dtype=float), running)
    table, position, metrics, running = tables[p.key]
    rows = position[path]
    legs = table.take(rows)
    legs.iloc[:, running] = np.cumsum(metrics[rows], axis=0)  # in place: one write into the float block
    legs.index = pd.RangeIndex(len(path), name="leg")
    return legs


_CUMULATIVE = ("distance_km", "time_h", "cost_usd", "co2e_kg", "generalised_cost_usd")


def _leg_table(graph: Graph, path: np.ndarray, p: CostParameters) -> gpd.GeoDataFrame:
    """The legs of the edges `path` (positions), from the graph's element columns and weights."""
    table = graph.element_columns
    rows = graph.element[path]
    legs = {column: values[rows] for column, values in table.items()}
    legs = {
        **{k: legs[k] for k in ("element_type", "element_id", "kind", "mode")},
        "from_place": graph.edges["from_place"].to_numpy()[path],
        "to_place": graph.edges["to_place"].to_numpy()[path],
        **{k: legs[k] for k in ("country", "time_source", "time_confidence", "cost_source", "cost_confidence")},
    }
    hub = legs["element_type"] == "transfer"
    # a segment's money comes from its own figure or from a rate of the assumption set: cite whichever was used
    rate = graph.costs(p)["rate_source"].to_numpy(dtype=object)[rows]
    from_set = [r.startswith("rates.") if isinstance(r, str) else False for r in rate]
    cited = [p.sources.get(r, ("", "", "")) if s else None for r, s in zip(rate, from_set, strict=True)]
    legs["cost_source"] = [c[1] if c else v for c, v in zip(cited, legs["cost_source"], strict=True)]
    legs["cost_confidence"] = [c[2] if c else v for c, v in zip(cited, legs["cost_confidence"], strict=True)]
    factors = [
        None if is_hub else p.sources.get(key) or p.sources.get(f"co2e_kg_per_tkm.{mode}", ("", "", ""))
        for key, mode, is_hub in zip(table["co2e_factor"][rows], legs["mode"], hub, strict=True)
    ]
    legs["co2e_source"] = ["hub emissions not counted" if f is None else f[1] for f in factors]
    legs["co2e_confidence"] = [pd.NA if f is None else f[2] for f in factors]
    metrics = graph.weights(p)[path]
    for column, metric in enumerate(METRICS):
        legs[metric] = metrics[:, column]
    for metric in _CUMULATIVE:
        legs[f"cum_{metric}"] = np.cumsum(legs[metric])
    geometry = table["geometry"][rows]
    backward = ~graph.edges["forward"].to_numpy(dtype=bool)[path]
    geometry[backward] = shapely.reverse(geometry[backward])
    legs["mode"] = np.where(hub, None, legs["mode"])
    for column in _LEG_TEXT:  # text as the corridor's tables hold it (not inferred: Arrow where pyarrow is found)
        legs[column] = pd.array(np.asarray(legs[column], dtype=object), dtype=_model.TEXT)
    legs["geometry"] = gpd.array.from_shapely(geometry, crs=_model.CRS)
    return gpd.GeoDataFrame(legs, index=pd.RangeIndex(len(path), name="leg"))
