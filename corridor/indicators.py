"""Corridor-analyst readings of a route: the UNESCAP time/cost-distance profile and CAREC CPMM indicators.

UNESCAP (2004): cumulative time and cost against cumulative distance; links slope, nodes (borders,
transshipments, gauge changes, port calls) are vertical steps. CAREC CPMM (ADB, since 2009): time and
cost at each border-crossing point (TFI1, TFI2), cost per corridor section (TFI3), and speed without and
with delay (TFI4: SWOD = distance / moving time, SWD = distance / total time).
"""

from __future__ import annotations

import pandas as pd

from corridor.routing import Route

__all__ = ["time_cost_distance", "border_crossings", "section_costs", "speeds", "cpmm_indicators"]


def time_cost_distance(route: Route) -> pd.DataFrame:
    """Vertices of the time/cost-distance chart: a start row, then the end of every leg.

    Returns a DataFrame with ``leg`` (-1 for the start), ``element_id``, ``element_type``, ``kind``,
    ``place`` (where the leg ends), and ``cum_distance_km``, ``cum_time_h``, ``cum_cost_usd``. A transfer
    row repeats the previous distance: a vertical step.

    Examples
    --------
    >>> import corridor
    >>> from corridor.routing import best_route
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> profile = time_cost_distance(best_route(toy, "a", "d", by="time_h"))
    >>> profile[["kind", "cum_distance_km", "cum_time_h"]].values.tolist()
    [['start', 0.0, 0.0], ['rail', 100.0, 2.0], ['border_crossing', 100.0, 6.0],
     ['transshipment', 100.0, 8.0], ['road', 300.0, 12.0]]
    """
    legs = route.legs
    columns = ["cum_distance_km", "cum_time_h", "cum_cost_usd"]
    start = pd.DataFrame(
        {"leg": [-1], "element_id": [None], "element_type": ["start"], "kind": ["start"], "place": [route.origin],
         **{c: [0.0] for c in columns}}
    )  # fmt: skip
    body = legs.reset_index()[["leg", "element_id", "element_type", "kind", "to_place", *columns]]
    return pd.concat([start, body.rename(columns={"to_place": "place"})], ignore_index=True)


def border_crossings(route: Route) -> pd.DataFrame:
    """Time (h) and cost (US$ per cargo unit) at each border crossing point of the route: CPMM TFI1 and TFI2.

    As CPMM measures all the time spent at a border crossing point, a crossing counts every transfer made
    there in a row with it: a gauge change or transloading at the border, customs, inspection. Indexed by
    the ``transfer_id`` of the border crossing, with the ``place``, ``time_h``, ``cost_usd``, the transfers
    counted (``includes``) and the sources of the crossing itself.

    Examples
    --------
    >>> import corridor
    >>> from corridor.routing import best_route
    >>> route = best_route(corridor.load_instc(), "mashhad", "bereket", by="time_h")
    >>> border_crossings(route)[["place", "time_h", "includes"]].values.tolist()
    [['sarakhs', 40.0, 'sarakhs_gauge_change;sarakhs_rail_border']]
    """
    legs = route.legs.reset_index()
    transfer = legs["element_type"].eq("transfer")
    # consecutive transfers at one place form one stop; a stop with a border crossing is a crossing point
    run = (~transfer | legs["from_place"].ne(legs["from_place"].shift()) | ~transfer.shift(fill_value=False)).cumsum()
    runs = legs[transfer].groupby(run[transfer])
    sums = runs[["time_h", "cost_usd"]].sum()
    includes = runs["element_id"].agg(";".join)
    crossing = legs[transfer & legs["kind"].eq("border_crossing")]
    crossing = crossing.assign(run=run[crossing.index]).drop_duplicates("run")
    columns = ["time_source", "time_confidence", "cost_source", "cost_confidence"]
    table = pd.DataFrame(
        {
            "place": crossing["from_place"].to_numpy(),
            "time_h": sums.loc[crossing["run"], "time_h"].to_numpy(),
            "cost_usd": sums.loc[crossing["run"], "cost_usd"].to_numpy(),
            "includes": includes.loc[crossing["run"]].to_numpy(),
            **{c: crossing[c].to_numpy() for c in columns},
        },
        index=pd.Index(crossing["element_id"].to_numpy(), name="transfer_id"),
    )
    return table


def section_costs(route: Route) -> pd.DataFrame:
    """Distance, time and cost per country section of the route (CPMM TFI3), in travel order.

    Segments count towards their ``country`` (sea legs towards ``"sea"``); transfers towards the country of
    their place. ``cost_usd_per_500_km`` scales the section cost to 500 km; CAREC's own normalisation
    (per 500 km per ~20 t cargo unit) is unconfirmed, so compare with its published figures with care.
    """
    legs = route.legs
    at_sea = legs["mode"].eq("sea").fillna(False).astype(bool)  # a transfer has no mode
    section = legs["country"].where(~at_sea, "sea").fillna("sea")
    table = legs.groupby(section, sort=False)[["distance_km", "time_h", "cost_usd"]].sum()  # in travel order
    table["cost_usd_per_500_km"] = table["cost_usd"] / table["distance_km"].where(lambda d: d > 0) * 500.0
    return table.rename_axis("section")


def speeds(route: Route) -> pd.Series:
    """Speed without delay (``swod_kmh`` = distance / moving time) and with delay (``swd_kmh`` = distance / total time).

    SWD never exceeds SWOD: stops only add time.

    Examples
    --------
    >>> import corridor
    >>> from corridor.routing import best_route
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> speeds(best_route(toy, "a", "d", by="time_h")).round(1).to_dict()
    {'swod_kmh': 50.0, 'swd_kmh': 25.0}
    """
    totals = route.totals
    return pd.Series(
        {
            "swod_kmh": totals["distance_km"] / totals["moving_time_h"],
            "swd_kmh": totals["distance_km"] / totals["time_h"],
        },
        name=route.name,
    )


def cpmm_indicators(route: Route) -> pd.Series:
    """The CPMM summary of a route: border crossings and their time and cost, SWOD, SWD, and totals."""
    crossings = border_crossings(route)
    totals = route.totals
    return pd.concat(
        [
            pd.Series(
                {
                    "border_crossings": len(crossings),
                    "bcp_time_h": crossings["time_h"].sum(),
                    "bcp_cost_usd": crossings["cost_usd"].sum(),
                    "distance_km": totals["distance_km"],
                    "time_h": totals["time_h"],
                    "cost_usd": totals["cost_usd"],
                }
            ),
            speeds(route),
        ]
    ).rename(route.name)
