"""Documented shipments and service offers, set beside the model's routes: the credibility check.

The registry (``data/instc/observations.csv``) holds trial runs, pilot trains, liner schedules, freight
quotes and published estimates on the corridor, each with its origin and destination mapped to places of
the corridor, the named route it took, the days and/or cost observed, a source and a confidence.
:func:`compare_observed` finds the model's route for each one and puts the two side by side.

The model's inputs are never fitted to these totals: they are the check, not the input.

Columns of the registry
-----------------------
``observation_id`` (index), ``date`` (``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` when only the month or year
is known; read as the start of that period), ``origin`` and ``destination`` (``place_id`` of the corridor),
``origin_as_published`` / ``destination_as_published`` (the place as the source names it), ``route`` (a
named route of the corridor), ``route_description``, ``mode_chain`` (modes in order, ``"rail>road>sea"``),
``observed_days`` (the figure published, or the midpoint of a published range), ``observed_days_min`` /
``observed_days_max`` (the range, if any), ``observed_cost`` with ``cost_unit`` (``"USD per TEU"``,
``"USD per FEU"``, ``"USD per tonne"`` or another ``"USD per ..."``), ``kind`` (one of :data:`KINDS`),
``source``, ``confidence`` (H/M/L) and ``note``.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from corridor import _model, datasets
from corridor._validate import nearest
from corridor.costs import CostParameters, cpi_u, deflator
from corridor.errors import CorridorValidationError
from corridor.network import Corridor
from corridor.routing import Criterion, NoRoute, named_routes

__all__ = ["COST_UNITS", "KINDS", "compare_observed", "read_observations"]

KINDS = ("trial_run", "pilot_train", "train_timetable", "liner_schedule", "freight_quote", "study_estimate")
"""What an observation is: a shipment that ran, a service's timetable, a price offered, or an estimate."""

TERMINAL_TO_TERMINAL = ("liner_schedule", "train_timetable")
"""Kinds of observation that run from departure to arrival: compared with routes that leave out the handling
at their two ends (``handling_at_ends=False``); every other kind is door-to-door or port-to-port with handling."""

COST_UNITS = {"USD per TEU": "teu", "USD per FEU": "feu", "USD per tonne": "tonne"}
"""Cost units the model can price, and the cargo unit each maps to."""

_REQUIRED = ("observation_id", "date", "origin", "destination", "route", "kind", "source", "confidence")
_TEXT = ("origin_as_published", "destination_as_published", "route_description", "mode_chain", "cost_unit", "note")
_NUMBERS = ("observed_days", "observed_days_min", "observed_days_max", "observed_cost")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_PRECISION = {1: "year", 2: "month", 3: "day"}


def read_observations(path: str | os.PathLike[str] | None = None, *, corridor: Corridor | None = None) -> pd.DataFrame:
    """Read and validate a registry of documented shipments.

    Parameters
    ----------
    path : path-like, optional
        A CSV file in the registry's format (see the module docstring); the shipped INSTC registry
        (``data/instc/observations.csv``) if omitted.
    corridor : Corridor, optional
        The corridor whose places and named routes the registry refers to; the INSTC if omitted.

    Returns
    -------
    DataFrame
        Indexed by ``observation_id``: ``date`` (Timestamp, start of the period given), ``date_precision``
        (day, month or year), the days as floats (days), ``observed_cost`` (float, in ``cost_unit``) and the
        text columns.

    Raises
    ------
    CorridorValidationError
        Listing every problem at once: missing columns, duplicate ids, unknown places and routes (with the
        nearest valid one), unparseable dates, days that are not positive or not ordered, a cost without a
        unit, an observation with neither days nor a cost, unknown kinds or modes, a missing source or
        confidence.

    Examples
    --------
    >>> from corridor.observed import read_observations
    >>> obs = read_observations()
    >>> obs.loc["rzdl_chekhov_sarakhs_2022_07", ["origin", "destination", "route"]].tolist()
    ['moscow', 'sarakhs', 'eastern']
    >>> float(obs.loc["rzdl_chekhov_sarakhs_2022_07", "observed_days"])
    6.0
    >>> sorted(obs["route"].unique())
    ['eastern', 'suez', 'trans_caspian', 'western']
    """
    path = datasets.get_path("observations") if path is None else path
    if not os.path.isfile(path):
        raise FileNotFoundError(f"`path` was {str(path)!r}: no such file; expected an observations CSV file.")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    corridor = datasets.load_instc() if corridor is None else corridor
    return _checked(raw, corridor, source=f"observations ({os.fspath(path)})")


def compare_observed(
    corridor: Corridor,
    observations: pd.DataFrame | str | os.PathLike[str] | None = None,
    *,
    parameters: CostParameters | None = None,
    by: Criterion = "generalised_cost_usd",
    dated: bool = True,
) -> pd.DataFrame:
    """Each observation beside the model's route for the same origin, destination and named route.

    The model's route is the best one by `by` within the observation's named route
    (:func:`~corridor.routing.named_routes`), taken as of the observation's date when `dated` (dated
    availability and events apply: a link that had not opened yet is not used). An observation with a cost
    in ``USD per TEU``, ``FEU`` or ``tonne`` is priced per that cargo unit, with `parameters` otherwise
    unchanged; other units are not priced. Rows the model cannot route are kept, with the reason.

    Parameters
    ----------
    corridor : Corridor
    observations : DataFrame or path-like, optional
        From :func:`read_observations`, or a path to a registry; the shipped registry if omitted.
        Checked against `corridor` either way.
    parameters : CostParameters, optional
        Cost assumptions; :meth:`CostParameters.default` (per TEU) if omitted.
    by : {"generalised_cost_usd", "time_h", "cost_usd", "distance_km", "co2e_kg"}
        What the model's route minimises.
    dated : bool
        Take the corridor as of each observation's date (the start of its period); if False, use the
        operational baseline for all.

    Returns
    -------
    DataFrame
        Indexed by ``observation_id``, in the registry's order: ``route``, ``origin``, ``destination``,
        ``date``, ``kind``, ``confidence``; ``observed_days`` (with ``_min``/``_max``), ``modelled_days``,
        ``difference_days`` (modelled - observed) and ``difference_pct`` (of observed);
        ``observed_cost_usd`` (converted to ``price_year`` US$ with US CPI-U; ``observed_cost_nominal_usd`` as
        published) and ``modelled_cost_usd`` (US$ per ``cargo_unit``), ``cost_difference_pct``,
        ``observed_cost_year`` (the year the observed money is in) and ``price_year`` (the model's);
        ``modelled_distance_km``, ``as_of`` (the date the corridor was taken at, NaT for the baseline) and
        ``model_note`` (why a modelled figure is missing). ``attrs["assumptions"]`` holds every cost
        parameter (value by name) with `by` and `dated`; ``attrs["routes"]`` the corridor's named routes.

    Notes
    -----
    A route runs from the first departure at the origin to the last arrival at the destination: handling
    at the two ends is not counted, and neither is the wait for cargo or paperwork before departure. Observed
    money is converted from its own year to the model's price year with the US CPI-U.

    Examples
    --------
    >>> import corridor
    >>> from corridor.observed import compare_observed
    >>> table = compare_observed(corridor.load_instc())
    >>> table.loc["rzdl_chekhov_sarakhs_2022_07", ["observed_days", "modelled_days"]].round(1).tolist()
    [6.0, 5.0]
    >>> (table["modelled_days"] < table["observed_days"]).mean() > 0.5  # the model is faster than most trips
    np.True_
    """
    if observations is None or isinstance(observations, (str, os.PathLike)):
        observations = read_observations(observations, corridor=corridor)
    else:
        observations = _checked(_as_raw(observations), corridor, source="observations")
    parameters = parameters or CostParameters.default()
    if not isinstance(dated, bool):
        raise TypeError(f"`dated` was {dated!r}; expected True (as of each observation's date) or False.")

    found: dict[tuple[Hashable, ...], Any] = {}
    rows = []
    for observation_id, obs in observations.iterrows():
        unit = COST_UNITS.get(obs["cost_unit"]) if pd.notna(obs["cost_unit"]) else None
        p = _per_unit(parameters, unit or parameters.cargo_unit)
        as_of = obs["date"] if dated else None
        ends = obs["kind"] not in TERMINAL_TO_TERMINAL  # a timetable runs from departure to arrival
        key = (obs["origin"], obs["destination"], obs["route"], as_of, p.cargo_unit, ends)
        if key not in found:
            found[key] = named_routes(corridor, obs["origin"], obs["destination"], by=by, parameters=p, as_of=as_of,
                                      routes=[obs["route"]], handling_at_ends=ends)[obs["route"]]  # fmt: skip
        rows.append({**_row(observation_id, obs, found[key], p, as_of), "handling_at_ends": ends})
    table = pd.DataFrame(rows).set_index("observation_id")
    table.attrs["assumptions"] = {**parameters.to_frame()["value"].to_dict(), "criterion": by, "dated": dated}
    table.attrs["routes"] = list(corridor.routes.index)
    return table


# --- helpers ----------------------------------------------------------------------------------------------


def _row(observation_id: Hashable, obs: pd.Series, route: Any, p: CostParameters, as_of: Any) -> dict[str, Any]:
    notes = []
    if isinstance(route, NoRoute):
        notes.append(route.reason)
        days = cost = distance = np.nan
    else:
        totals = route.totals
        days, cost, distance = totals["time_h"] / 24.0, totals["cost_usd"], totals["distance_km"]
    observed_cost = obs["observed_cost"]
    if pd.notna(observed_cost) and obs["cost_unit"] not in COST_UNITS:
        notes.append(f"cost unit {obs['cost_unit']!r} is not one the model prices ({sorted(COST_UNITS)}).")
        observed_cost = np.nan
    observed_days = obs["observed_days"]
    nominal, year = observed_cost, obs["date"].year
    if pd.notna(observed_cost):
        if year in cpi_u().index:
            observed_cost = observed_cost * deflator(year, p.price_year)
        else:
            notes.append(f"no price index for {year}: the observed cost is not converted to {p.price_year} US$.")
            observed_cost = np.nan
    return {
        "observation_id": observation_id,
        "route": obs["route"],
        "origin": obs["origin"],
        "destination": obs["destination"],
        "date": obs["date"],
        "kind": obs["kind"],
        "confidence": obs["confidence"],
        "observed_days": observed_days,
        "observed_days_min": obs["observed_days_min"],
        "observed_days_max": obs["observed_days_max"],
        "modelled_days": days,
        "difference_days": days - observed_days,
        "difference_pct": 100.0 * (days - observed_days) / observed_days,
        "observed_cost_nominal_usd": nominal,
        "observed_cost_usd": observed_cost,
        "modelled_cost_usd": cost,
        "cost_difference_pct": 100.0 * (cost - observed_cost) / observed_cost,
        "cargo_unit": p.cargo_unit,
        "observed_cost_year": year if pd.notna(nominal) else np.nan,
        "price_year": p.price_year,
        "modelled_distance_km": distance,
        "as_of": pd.Timestamp(as_of) if as_of is not None else pd.NaT,
        "model_note": " ".join(notes),
    }


def _per_unit(parameters: CostParameters, unit: str) -> CostParameters:
    """`parameters` per another cargo unit: the unit's tonnes and TEU from the defaults, all else kept."""
    if unit == parameters.cargo_unit:
        return parameters
    base = CostParameters.default(cargo_unit=unit)  # type: ignore[arg-type]
    sources = {**parameters.sources, **{k: base.sources[k] for k in ("tonnes_per_unit", "teu_per_unit")}}
    return dataclasses.replace(parameters, cargo_unit=unit, tonnes_per_unit=base.tonnes_per_unit,
                               teu_per_unit=base.teu_per_unit, sources=sources)  # fmt: skip


def _as_raw(frame: pd.DataFrame) -> pd.DataFrame:
    """A typed registry (from :func:`read_observations`) back to text cells, to check it again."""
    raw = frame.reset_index() if "observation_id" not in frame.columns else frame.copy()
    if "date" in raw and pd.api.types.is_datetime64_any_dtype(raw["date"]):
        fmt = {"year": "%Y", "month": "%Y-%m"}
        precision = raw.get("date_precision", pd.Series("day", index=raw.index))
        pairs = zip(raw["date"], precision, strict=True)
        raw["date"] = [d.strftime(fmt.get(p, "%Y-%m-%d")) if pd.notna(d) else "" for d, p in pairs]
    raw = raw.drop(columns=["date_precision"], errors="ignore")
    return raw.astype(object).where(raw.notna(), "").astype(str)


def _checked(raw: pd.DataFrame, corridor: Corridor, *, source: str) -> pd.DataFrame:
    """Type the raw text registry, collecting every problem; raise them all together."""
    problems: list[str] = []
    raw = raw.apply(lambda column: column.str.strip())
    for column in _REQUIRED:
        if column not in raw.columns:
            problems.append(f"required column `{column}` is missing{nearest(column, raw.columns)}.")
    if problems:
        raise CorridorValidationError(problems, source=source)
    for column in (*_TEXT, *_NUMBERS):
        if column not in raw.columns:
            raw[column] = ""

    ids = raw["observation_id"]
    for row in raw.index[ids.eq("")]:
        problems.append(f"row {row + 2}: `observation_id` is empty; give each observation a unique id.")
    for dup in sorted(set(ids[ids.duplicated() & ids.ne("")])):
        problems.append(f"`observation_id` {dup!r} is used more than once; ids must be unique.")
    label = [f"observations[{i!r}]" if i else f"row {n + 2}" for n, i in zip(raw.index, ids, strict=True)]

    frame = pd.DataFrame(index=raw.index)
    frame["date"], frame["date_precision"] = pd.NaT, None
    for n, text in raw["date"].items():
        when = _parse_date(text)
        if when is None:
            problems.append(f"{label[n]}: `date` {text!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY.")
        else:
            frame.loc[n, "date"], frame.loc[n, "date_precision"] = when
    frame["date"] = pd.to_datetime(frame["date"])
    for column in _NUMBERS:
        numbers = pd.to_numeric(raw[column].replace("", np.nan), errors="coerce")
        for n in raw.index[numbers.isna() & raw[column].ne("")]:
            problems.append(f"{label[n]}: `{column}` {raw.loc[n, column]!r} is not a number.")
        frame[column] = numbers.astype(float)

    places, routes = corridor.places.index, corridor.routes.index
    for n in raw.index:
        row, at = raw.loc[n], label[n]
        for end in ("origin", "destination"):
            if row[end] not in places:
                hint = nearest(row[end], places)
                problems.append(f"{at}: `{end}` {row[end]!r} is not a place of the corridor{hint}; map it to the "
                                f"nearest place_id and keep the original in `{end}_as_published`.")  # fmt: skip
        if row["origin"] and row["origin"] == row["destination"]:
            problems.append(f"{at}: `origin` and `destination` are both {row['origin']!r}.")
        if row["route"] not in routes:
            problems.append(f"{at}: `route` {row['route']!r} is not a named route{nearest(row['route'], routes)}; "
                            f"expected one of {list(routes)}.")  # fmt: skip
        if row["kind"] not in KINDS:
            problems.append(f"{at}: `kind` {row['kind']!r} is not known{nearest(row['kind'], KINDS)}; "
                            f"expected one of {list(KINDS)}.")  # fmt: skip
        if not row["source"]:
            problems.append(f"{at}: `source` is empty; name the outlet or agency, title, date and URL.")
        if row["confidence"] not in _model.CONFIDENCES:
            problems.append(f"{at}: `confidence` {row['confidence']!r} is not one of {list(_model.CONFIDENCES)}.")
        for mode in filter(None, row["mode_chain"].split(">")):
            if mode.strip() not in _model.MODES:
                problems.append(f"{at}: `mode_chain` has {mode.strip()!r}{nearest(mode.strip(), _model.MODES)}; "
                                f"expected modes from {list(_model.MODES)} joined by '>'.")  # fmt: skip
        problems += _figures(at, frame.loc[n], row["cost_unit"])
    if problems:
        raise CorridorValidationError(problems, source=source)

    out = pd.concat([raw[["observation_id"]], frame[["date", "date_precision"]]], axis=1)
    for column in ("origin", "destination", "origin_as_published", "destination_as_published", "route",
                   "route_description", "mode_chain"):  # fmt: skip
        out[column] = raw[column]
    out[list(_NUMBERS[:3])] = frame[list(_NUMBERS[:3])]
    out["observed_cost"] = frame["observed_cost"]
    for column in ("cost_unit", "kind", "source", "confidence", "note"):
        out[column] = raw[column]
    text = [c for c in out.columns if out[c].dtype == object and c != "date_precision"]
    out[text] = out[text].replace("", np.nan)
    return out.set_index("observation_id")


def _figures(at: str, row: pd.Series, unit: str) -> list[str]:
    problems = []
    days, low, high, cost = (row[c] for c in _NUMBERS)
    for column, value in (("observed_days", days), ("observed_days_min", low), ("observed_days_max", high)):
        if pd.notna(value) and value <= 0:
            problems.append(f"{at}: `{column}` is {value:g}; days must be positive.")
    if pd.notna(low) and pd.notna(high) and low > high:
        problems.append(f"{at}: `observed_days_min` {low:g} is more than `observed_days_max` {high:g}.")
    if pd.notna(days) and ((pd.notna(low) and days < low) or (pd.notna(high) and days > high)):
        problems.append(f"{at}: `observed_days` {days:g} lies outside its range [{low:g}, {high:g}].")
    if pd.isna(days) and (pd.notna(low) or pd.notna(high)):
        problems.append(f"{at}: a range of days without `observed_days`; give the midpoint of the range.")
    if pd.notna(cost) and cost <= 0:
        problems.append(f"{at}: `observed_cost` is {cost:g}; a cost must be positive.")
    if pd.notna(cost) and not unit:
        problems.append(f"{at}: `observed_cost` {cost:g} has no `cost_unit`; write e.g. 'USD per TEU' "
                        f"(the model prices {sorted(COST_UNITS)}).")  # fmt: skip
    if unit and not unit.startswith("USD per "):
        problems.append(f"{at}: `cost_unit` {unit!r} is not 'USD per <unit>'{nearest(unit, COST_UNITS)}.")
    if unit and pd.isna(cost):
        problems.append(f"{at}: `cost_unit` {unit!r} is given without an `observed_cost`.")
    if pd.isna(days) and pd.isna(cost):
        problems.append(f"{at}: neither `observed_days` nor `observed_cost` is given; an observation needs one.")
    return problems


def _parse_date(text: str) -> tuple[pd.Timestamp, str] | None:
    match = _DATE.match(text)
    if not match:
        return None
    parts = [int(p) for p in match.groups() if p is not None]
    try:
        when = pd.Timestamp(*parts, *[1] * (3 - len(parts)))
    except ValueError:
        return None
    return when, _PRECISION[len(parts)]
