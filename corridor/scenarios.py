r"""Scenarios: declarative what-ifs applied to a corridor, evaluated against the baseline, and the trade response.

A scenario is a TOML file a policy analyst can read and write. It names a date, the assumption set it starts
from, and a list of changes, each with its source and confidence (or marked as an assumption with a range):

.. code-block:: toml

    name = "rasht_astara_opens"
    description = "The 162 km Rasht - Astara railway is in service: no more train-truck-train in Iran."
    as_of = 2025-12-01                 # the corridor as it stood on this day (a TOML date or "YYYY-MM-DD")
    parameters = "baseline"            # a shipped assumption set, or the path of a .toml file

    [[change]]
    action = "open"                    # open | close | set | scale | add
    element = "segments"               # segments | transfers | places | passages | countries
    ids = ["astara_ir_rasht_rail"]     # select by id ...
    source = "Novak/Overchuk (Mehr 2025; IRNA): 162 km, Russian state loan signed 17 May 2023"
    confidence = "H"

    [[change]]
    action = "scale"
    element = "transfers"
    where = { kind = "border_crossing", place_id = ["astara_az", "astara_ir"] }   # ... or by attribute
    values = { time_h_mode = 0.5 }     # x 0.5: the dwell (min, mode and max together) halves
    range = { time_h_mode = [0.3, 0.8] }
    source = "assumption: a facilitation target, no published figure"
    confidence = "L"

    [[parameter]]                      # any CostParameters field, via CostParameters.replace
    name = "rates"
    key = "sea.caspian"
    scale = 1.33
    source = "ships load 70-80% (deliver-2.com, 2025)"
    confidence = "M"

    [[trade]]                          # growth or a shock on origin-destination freight
    where = { between = ["IND", "RUS"], cargo_class = "container" }
    growth_pct_per_year = 7.8
    years = 5
    source = "India-Russia target of US$100 bn by 2030 from US$68.7 bn in FY2024-25 (PTI, Jan 2026)"
    confidence = "M"

Changes
-------
``action`` says what a change does to the elements it selects:

- ``open``: a segment or transfer goes into service: ``status = "operational"``, ``available_from`` = the
  change's ``from`` date (blank if not given) and ``available_until`` = its ``until`` (blank if not given).
  Dated closures in ``events`` still apply.
- ``close``: adds a ``closed`` event for each selected element from ``from`` (default: the scenario's
  ``as_of``) to ``until`` (default: open-ended). Segments, transfers, places, ``passages`` (``suez``,
  ``hormuz``, ... as in the segments' ``passages``) and ``countries`` (ISO3) can be closed; closing a place
  or a country closes everything there, as :meth:`corridor.Corridor.as_of` describes.
- ``set``: ``values`` gives new figures. Setting a figure that has a range (``speed_kmh``, ``time_h_mode``,
  ``cost_usd_per_teu``, ``cost_usd_per_tkm``) sets its ``_min``/``_max`` to the change's ``range`` for it,
  or to the value itself when no range is given; figures may also be set one by one.
- ``scale``: ``values`` gives factors. Scaling a figure with a range scales its min, mode and max together.
  On segments, ``cost_usd`` scales the money cost whatever prices it: the segment's own
  ``cost_usd_per_tkm``, or else the assumption-set rate it is priced at (added as a ``segment.<id>`` rate).
- ``add``: ``values`` is a new element with its ``id``: a segment (``from_place``, ``to_place``, ``mode``,
  ``speed_kmh``, ...; ``geometry`` as WKT, or a straight line between its places when left out), a transfer
  or a place (``lat``, ``lon``, ``name``, ``country``, ``kind``). Figures without their own source take the
  change's.

Elements are selected by ``ids`` or by ``where``, a table of attribute = value (or list of values); every
attribute must match. Segments: ``mode``, ``country``, ``branch``, ``service``, ``status``, ``gauge_mm``,
``from_place``, ``to_place``, ``place`` (either end), ``passage``. Transfers: ``kind``, ``place_id``,
``from_mode``, ``to_mode``, ``from_country``, ``to_country``. Places: ``country``, ``kind``.

Every change, parameter and trade entry needs ``source`` and ``confidence`` (H, M or L). An entry whose
confidence is L or whose source starts with ``assumption`` needs a ``range`` for each number it sets or
scales (``range = { time_h_mode = [0.3, 0.8] }``; a parameter or trade entry gives ``range = [low, high]``).

Parameters and trade
--------------------
``[[parameter]]`` entries change the starting assumption set: ``name`` (a :class:`CostParameters` field),
``key`` for the mapping fields (``rates``, ``headway_h``, ``co2e_kg_per_tkm``, ``rate_usd_per_tkm``), and
``value`` (a rate as ``[value, unit, price_year]``) or ``scale`` (a factor on the current number or rate).

``[[trade]]`` entries change origin-destination freight tables indexed by (``origin``, ``destination``,
``cargo_class``) with ``tonnes_per_year``, ``teu_per_year`` and ``value_usd_per_year``: ``where`` selects
rows by ``origin``, ``destination`` (place ids), ``origin_country``, ``destination_country``, ``between``
(two ISO3 codes, both directions) and ``cargo_class`` (``container``, ``dry_bulk``, ``liquid_bulk``);
``growth_pct_per_year`` with ``years`` compounds growth, ``factor`` is a one-off shock.

Errors
------
A file with an unknown key, an unknown id, a value of the wrong type or range, or a date in the wrong form
raises one :class:`~corridor.errors.ScenarioError` naming the file, each bad key and the closest valid
choice. Nothing is applied in part: the corridor handed in is never changed, and a scenario whose result
breaks the data model raises before anything is returned.

Examples
--------
>>> import corridor
>>> from corridor import scenarios
>>> s = scenarios.load_scenario(scenarios.get_path("rasht_astara_opens"))
>>> s.name, str(s.as_of.date())
('rasht_astara_opens', '2025-12-01')
>>> c = corridor.load_instc()
>>> scenarios.apply(c, s).segments.loc["astara_ir_rasht_rail", "status"]
'operational'
>>> c.segments.loc["astara_ir_rasht_rail", "status"]  # the baseline is never changed
'missing_link'
"""

from __future__ import annotations

import dataclasses
import datetime
import pathlib
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from corridor import _model, datasets
from corridor._validate import nearest
from corridor.assignment import Assignment, assign
from corridor.costs import CostParameters, Rate, segment_costs
from corridor.errors import CorridorValidationError, NoRouteError, ScenarioError
from corridor.network import Corridor, validate
from corridor.routing import NoRoute, Route, best_route, named_routes
from corridor.trade import CARGO_CLASSES

__all__ = [
    "CARGO_CLASSES",
    "TRADE_ELASTICITY",
    "Change",
    "Scenario",
    "Evaluation",
    "ScenarioRun",
    "available",
    "get_path",
    "load_scenario",
    "check",
    "apply",
    "apply_parameters",
    "apply_trade",
    "changes_table",
    "trade_response",
    "respond_trade",
    "evaluate_routes",
    "run",
]


TRADE_ELASTICITY = {
    "value": -5.0,
    "low": -8.0,
    "high": -3.0,
    "source": (
        "Head & Mayer (2014), Gravity Equations: Workhorse, Toolkit, and Cookbook, Handbook of International "
        "Economics vol. 4 ch. 3: meta-analysis of trade-cost (tariff) elasticities, structural-gravity estimates "
        "with a median of about -5; Simonovska & Waugh (2014, J. Int. Econ. 92) estimate about -4; the range "
        "-8 to -3 is our bracket of the published estimates"
    ),
    "confidence": "M",
}
"""Elasticity of bilateral trade with respect to the ad-valorem trade-cost factor (1 + cost share)."""

_GEOD = Geod(ellps="WGS84")
_ACTIONS = ("open", "close", "set", "scale", "add")
_ELEMENTS = ("segments", "transfers", "places", "passages", "countries")
_ACTIONS_OF = {
    "segments": _ACTIONS,
    "transfers": _ACTIONS,
    "places": ("close", "add"),
    "passages": ("close",),
    "countries": ("close",),
}
_TOP_KEYS = ("name", "description", "as_of", "parameters", "change", "parameter", "trade")
_CHANGE_KEYS = ("action", "element", "ids", "where", "values", "range", "from", "until", "source", "confidence",
                "note")  # fmt: skip
_PARAMETER_KEYS = ("name", "key", "value", "scale", "range", "source", "confidence", "note")
_TRADE_KEYS = ("where", "growth_pct_per_year", "years", "factor", "range", "source", "confidence", "note")
_TRADE_WHERE = ("origin", "destination", "origin_country", "destination_country", "between", "cargo_class")
_TRADE_COLUMNS = ("tonnes_per_year", "teu_per_year", "value_usd_per_year")
_MAPPING_PARAMETERS = ("rates", "headway_h", "co2e_kg_per_tkm", "rate_usd_per_tkm")
_WHERE = {
    "segments": {
        "mode": "mode", "country": "country", "branch": "branch", "service": "service", "status": "status",
        "gauge_mm": "gauge_mm", "from_place": "from_place", "to_place": "to_place", "place": None, "passage": None,
    },
    "transfers": {
        "kind": "kind", "place_id": "place_id", "from_mode": "from_mode", "to_mode": "to_mode",
        "from_country": "from_country", "to_country": "to_country",
    },
    "places": {"country": "country", "kind": "kind"},
}  # fmt: skip
_RANGED = {  # a figure with a range: (min column, max column)
    "speed_kmh": ("speed_kmh_min", "speed_kmh_max"),
    "time_h_mode": ("time_h_min", "time_h_max"),
    "cost_usd_per_teu": ("cost_usd_per_teu_min", "cost_usd_per_teu_max"),
    "cost_usd_per_tkm": ("cost_usd_per_tkm_min", "cost_usd_per_tkm_max"),
}
_NUMBERS = {
    "segments": ("speed_kmh", "speed_kmh_min", "speed_kmh_max", "length_km_published", "cost_usd_per_tkm",
                 "cost_usd_per_tkm_min", "cost_usd_per_tkm_max", "capacity_mtpa"),
    "transfers": ("time_h_min", "time_h_mode", "time_h_max", "cost_usd_per_teu", "cost_usd_per_teu_min",
                  "cost_usd_per_teu_max", "capacity_mtpa"),
}  # fmt: skip
_SETTABLE = {
    "segments": (*_NUMBERS["segments"], "cost_year", "status", "passages", "service", "branch", "available_from",
                 "available_until"),
    "transfers": (*_NUMBERS["transfers"], "cost_year", "available_from", "available_until"),
}  # fmt: skip
_SCALABLE = {"segments": (*_NUMBERS["segments"], "cost_usd"), "transfers": _NUMBERS["transfers"]}
_DATE_COLUMNS = ("available_from", "available_until")
_FIGURE_OF = {  # column -> the figure whose source and confidence it carries
    column: figure
    for table in ("segments", "transfers")
    for figure, (low, high, _, _) in _model.FIGURES[table].items()
    for column in (figure, low, high)
    if column
} | {"length_km_published": "length_km_published"}


# --- the scenario ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Change:
    """One change of a scenario, as read from its file (see the module docstring for the keys)."""

    action: str
    element: str
    ids: tuple[str, ...] | None
    where: Mapping[str, tuple[Any, ...]] | None
    values: Mapping[str, Any]
    range: Mapping[str, tuple[float, float]]
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    source: str
    confidence: str
    note: str = ""
    key: str = "change[0]"


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A what-if: a date, a starting assumption set and the changes to the corridor, parameters and trade.

    Read one with :func:`load_scenario`; apply it with :func:`apply`, :func:`apply_parameters` and
    :func:`apply_trade`, or evaluate several with :func:`run`.

    Attributes
    ----------
    name, description : str
    as_of : Timestamp
        The day the corridor (baseline and scenario alike) is taken at.
    parameters : str or Path
        The assumption set the scenario starts from.
    changes : tuple of Change
    parameter_changes, trade_changes : tuple of dict
        The ``[[parameter]]`` and ``[[trade]]`` entries, checked.
    path : Path or None
        The file it was read from.
    """

    name: str
    description: str
    as_of: pd.Timestamp
    parameters: str | pathlib.Path = "baseline"
    changes: tuple[Change, ...] = ()
    parameter_changes: tuple[Mapping[str, Any], ...] = ()
    trade_changes: tuple[Mapping[str, Any], ...] = ()
    path: pathlib.Path | None = None

    def __repr__(self) -> str:
        return (
            f"<Scenario {self.name!r} as of {self.as_of:%Y-%m-%d}: {len(self.changes)} changes, "
            f"{len(self.parameter_changes)} parameter changes, {len(self.trade_changes)} trade changes>"
        )

    def to_frame(self) -> pd.DataFrame:
        """Every change of the scenario with what it selects, its values, source and confidence, one per row.

        Examples
        --------
        >>> from corridor import scenarios
        >>> s = scenarios.load_scenario(scenarios.get_path("suez_bab_el_mandeb_closed"))
        >>> s.to_frame()[["kind", "action", "element", "selects"]].to_dict("records")[0]
        {'kind': 'change', 'action': 'close', 'element': 'passages', 'selects': 'suez, bab_el_mandeb'}
        """
        rows = []
        for c in self.changes:
            selects = ", ".join(c.ids) if c.ids is not None else _describe_where(c.where or {})
            rows.append({"kind": "change", "action": c.action, "element": c.element, "selects": selects,
                         "values": _text(c.values), "range": _text(c.range), "source": c.source,
                         "confidence": c.confidence})  # fmt: skip
        for p in self.parameter_changes:
            action = "scale" if "scale" in p else "set"
            value = p.get("scale", p.get("value"))
            rows.append({"kind": "parameter", "action": action, "element": "parameters",
                         "selects": p["name"] + (f".{p['key']}" if "key" in p else ""), "values": _text(value),
                         "range": _text(p.get("range", "")), "source": p["source"],
                         "confidence": p["confidence"]})  # fmt: skip
        for t in self.trade_changes:
            value = {k: t[k] for k in ("growth_pct_per_year", "years", "factor") if k in t}
            rows.append({"kind": "trade", "action": "grow" if "factor" not in t else "shock", "element": "trade",
                         "selects": _describe_where(t.get("where", {})) or "all", "values": _text(value),
                         "range": _text(t.get("range", "")), "source": t["source"],
                         "confidence": t["confidence"]})  # fmt: skip
        return pd.DataFrame(rows, columns=["kind", "action", "element", "selects", "values", "range", "source",
                                           "confidence"])  # fmt: skip


def _describe_where(where: Mapping[str, Any]) -> str:
    return "; ".join(f"{k} = {', '.join(map(str, v)) if isinstance(v, tuple | list) else v}" for k, v in where.items())


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{k} = {_text(v)}" for k, v in value.items())
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return "" if value is None else str(value)


def available() -> list[str]:
    """Names of the shipped scenarios (files in ``data/scenarios``).

    Examples
    --------
    >>> from corridor import scenarios
    >>> "rasht_astara_opens" in scenarios.available()
    True
    """
    return sorted(p.stem for p in datasets.get_path("scenarios").glob("*.toml"))


def get_path(name: str) -> pathlib.Path:
    """Path of a shipped scenario file by name; the error names the closest and lists them all.

    Examples
    --------
    >>> from corridor import scenarios
    >>> scenarios.get_path("caspian_low_water").name
    'caspian_low_water.toml'
    """
    names = available()
    if name not in names:
        raise ValueError(f"scenario {name!r} is not shipped{nearest(name, names)}; available: {names}.")
    return datasets.get_path("scenarios") / f"{name}.toml"


# --- reading -----------------------------------------------------------------------------------------------


def load_scenario(path: str | pathlib.Path, *, corridor: Corridor | None = None) -> Scenario:
    """Read a scenario file and check it; with `corridor`, check its ids and attributes against it too.

    Parameters
    ----------
    path : str or Path
        A scenario TOML file (see the module docstring), or the name of a shipped scenario.
    corridor : Corridor, optional
        Check every id and attribute value the changes select against this corridor now (otherwise
        :func:`apply` does).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Listing every problem: the file, the key, the bad value and the closest valid choice.

    Examples
    --------
    >>> from corridor import scenarios
    >>> scenarios.load_scenario("faster_az_ir_borders")
    <Scenario 'faster_az_ir_borders' as of 2025-12-01: 1 changes, 0 parameter changes, 0 trade changes>
    """
    path = pathlib.Path(path)
    if path.suffix != ".toml" and not path.exists() and str(path) in available():
        path = get_path(str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError([f"the file does not exist{nearest(path.stem, available())}"], path=path) from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError([f"not valid TOML: {error}"], path=path) from None
    except UnicodeDecodeError:
        raise ScenarioError(["not a text file (expected UTF-8 TOML)"], path=path) from None
    scenario = _parse(data, path)
    if corridor is not None:
        check(corridor, scenario)
    return scenario


def _unknown_keys(label: str, table: Mapping[str, Any], allowed: Sequence[str]) -> list[str]:
    return [
        f"`{label}{key}` is not a scenario key{nearest(key, allowed)}; expected one of {list(allowed)}"
        for key in table
        if key not in allowed
    ]


def _parse(data: dict[str, Any], path: pathlib.Path | None) -> Scenario:
    problems = _unknown_keys("", data, _TOP_KEYS)
    for key in ("name", "description"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(f"`{key}` is {data.get(key)!r}; expected text (the scenario's {key})")
    as_of = _date(data.get("as_of"), "as_of", problems, required=True)
    parameters = data.get("parameters", "baseline")
    if not isinstance(parameters, str):
        problems.append(f"`parameters` is {parameters!r}; expected an assumption-set name or the path of a .toml file")
    elif not parameters.endswith(".toml"):
        from corridor.costs import assumption_sets

        if parameters not in assumption_sets():
            problems.append(
                f"`parameters` is {parameters!r}, which is not a shipped assumption set"
                f"{nearest(parameters, assumption_sets())}; expected one of {sorted(assumption_sets())} or a .toml path"
            )
    elif path is not None and not pathlib.Path(parameters).is_absolute():
        parameters = str(path.parent / parameters)
    changes = []
    for i, entry in enumerate(_entries(data, "change", problems)):
        change = _parse_change(entry, f"change[{i}]", as_of, problems)
        if change is not None:
            changes.append(change)
    parameter_changes = [
        _parse_parameter(entry, f"parameter[{i}]", problems)
        for i, entry in enumerate(_entries(data, "parameter", problems))
    ]
    trade_changes = [
        _parse_trade(entry, f"trade[{i}]", problems) for i, entry in enumerate(_entries(data, "trade", problems))
    ]
    if not (changes or parameter_changes or trade_changes) and not problems:
        problems.append("the scenario changes nothing; add [[change]], [[parameter]] or [[trade]] entries")
    if problems:
        raise ScenarioError(problems, path=path)
    return Scenario(
        name=data["name"].strip(), description=data["description"].strip(), as_of=as_of, parameters=parameters,
        changes=tuple(changes), parameter_changes=tuple(parameter_changes), trade_changes=tuple(trade_changes),
        path=path,
    )  # fmt: skip


def _entries(data: Mapping[str, Any], key: str, problems: list[str]) -> list[Mapping[str, Any]]:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        problems.append(f"`{key}` must be a list of tables, written [[{key}]]")
        return []
    return entries


def _date(value: Any, label: str, problems: list[str], *, required: bool = False) -> pd.Timestamp | None:
    if value is None:
        if required:
            problems.append(f"`{label}` is missing; expected a date such as 2025-12-01")
        return None
    if isinstance(value, datetime.datetime | datetime.time):
        problems.append(f"`{label}` is {value!r}; expected a date without a time, such as 2025-12-01")
        return None
    if isinstance(value, datetime.date):
        return pd.Timestamp(value)
    if isinstance(value, str):
        try:
            return pd.Timestamp(datetime.date.fromisoformat(value))
        except ValueError:
            pass
    problems.append(f"`{label}` is {value!r}; expected a date written YYYY-MM-DD, such as 2025-12-01")
    return None


def _provenance(entry: Mapping[str, Any], label: str, problems: list[str]) -> tuple[str, str]:
    source, confidence = entry.get("source"), entry.get("confidence")
    if not isinstance(source, str) or not source.strip():
        problems.append(f"`{label}.source` is {source!r}; expected where the change comes from, or 'assumption: ...'")
        source = ""
    if confidence not in _model.CONFIDENCES:
        problems.append(
            f"`{label}.confidence` is {confidence!r}{nearest(str(confidence).upper(), _model.CONFIDENCES)}; expected "
            f"one of {list(_model.CONFIDENCES)}"
        )
        confidence = ""
    return source.strip(), str(confidence)


def _needs_range(source: str, confidence: str) -> bool:
    return confidence == "L" or source.lower().startswith("assumption")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and bool(np.isfinite(value))


def _pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(_number(v) for v in value) and value[0] <= value[1]


def _parse_change(entry: Mapping[str, Any], label: str, as_of: Any, problems: list[str]) -> Change | None:
    problems += _unknown_keys(f"{label}.", entry, _CHANGE_KEYS)
    before = len(problems)
    action, element = entry.get("action"), entry.get("element")
    if action not in _ACTIONS:
        problems.append(f"`{label}.action` is {action!r}{nearest(action, _ACTIONS)}; expected one of {list(_ACTIONS)}")
    if element not in _ELEMENTS:
        problems.append(
            f"`{label}.element` is {element!r}{nearest(element, _ELEMENTS)}; expected one of {list(_ELEMENTS)}"
        )
    elif action in _ACTIONS and action not in _ACTIONS_OF[element]:
        problems.append(
            f"`{label}`: {element} cannot be given action {action!r}; they can be {list(_ACTIONS_OF[element])}"
        )
    source, confidence = _provenance(entry, label, problems)
    ids, where = entry.get("ids"), entry.get("where")
    if isinstance(ids, str):
        ids = [ids]
    if action == "add":
        if ids is not None or where is not None:
            problems.append(f"`{label}`: an added element is described in `values` (with its `id`), not `ids`/`where`")
    elif (ids is None) == (where is None):
        problems.append(f"`{label}`: select elements with either `ids` or `where` (one of them)")
    elif ids is not None and (not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids)):
        problems.append(f'`{label}.ids` is {ids!r}; expected a list of ids such as ["astara_ir_rasht_rail"]')
    elif where is not None:
        allowed = _WHERE.get(element, {})
        if not isinstance(where, Mapping) or not where:
            problems.append(f'`{label}.where` is {where!r}; expected a table such as {{ mode = "rail" }}')
        elif element in ("passages", "countries"):
            problems.append(f"`{label}`: {element} are selected by `ids`, not `where`")
        else:
            problems += _unknown_keys(f"{label}.where.", where, list(allowed))
    values = entry.get("values", {})
    ranges = entry.get("range", {})
    if not isinstance(values, Mapping):
        problems.append(f"`{label}.values` is {values!r}; expected a table such as {{ speed_kmh = 40 }}")
        values = {}
    if not isinstance(ranges, Mapping):
        problems.append(f"`{label}.range` is {ranges!r}; expected a table such as {{ speed_kmh = [30, 50] }}")
        ranges = {}
    if action in ("set", "scale", "add") and not values:
        problems.append(f"`{label}.values` is missing; a {action!r} change needs the figures it {action}s")
    if action in ("open", "close") and values:
        problems.append(f"`{label}.values`: an {action!r} change takes no values; use `from` and `until` for dates")
    if action in ("set", "scale") and element in _SETTABLE:
        allowed = _SETTABLE[element] if action == "set" else _SCALABLE[element]
        for key, value in values.items():
            if key not in allowed:
                problems.append(
                    f"`{label}.values.{key}` cannot be {action} on {element}{nearest(key, allowed)}; expected some of "
                    f"{list(allowed)}"
                )
            elif action == "scale" and not (_number(value) and value >= 0):
                problems.append(f"`{label}.values.{key}` is {value!r}; expected a factor >= 0 (1 = unchanged)")
            elif action == "set":
                problems += _value_problems(f"{label}.values.{key}", key, value)
    if action == "add" and element in ("segments", "transfers", "places"):
        problems += _add_problems(f"{label}.values", element, values)
    for key, pair in ranges.items():
        if key not in values:
            problems.append(
                f"`{label}.range.{key}` gives a range for a figure the change does not set{nearest(key, values)}"
            )
        elif not _pair(pair):
            problems.append(f"`{label}.range.{key}` is {pair!r}; expected [low, high] with low <= high")
        elif _number(values[key]) and not pair[0] <= values[key] <= pair[1]:
            problems.append(f"`{label}.range.{key}` {pair!r} does not contain the value {values[key]!r}")
    if action in ("set", "scale") and _needs_range(source, confidence):
        for key, value in values.items():
            if _number(value) and key not in ranges:
                problems.append(
                    f"`{label}` is an assumption (confidence L or source 'assumption...') but has no range for "
                    f"`{key}`; give `range = {{ {key} = [low, high] }}`"
                )
    start = _date(entry.get("from"), f"{label}.from", problems)
    end = _date(entry.get("until"), f"{label}.until", problems)
    if start is not None and end is not None and end <= start:
        problems.append(f"`{label}.until` {end:%Y-%m-%d} is not after `from` {start:%Y-%m-%d}")
    if action in ("set", "scale", "add") and (start is not None or end is not None):
        problems.append(
            f"`{label}`: `from` and `until` go with 'open' and 'close'; to date a {action!r} change, set "
            "`available_from` / `available_until` in `values`"
        )
    if action == "close" and start is None:
        start = as_of
    note = entry.get("note", "")
    if len(problems) > before:
        return None
    return Change(
        action=action, element=element, ids=tuple(ids) if ids is not None else None,
        where={k: tuple(v) if isinstance(v, list) else (v,) for k, v in where.items()} if where else None,
        values=dict(values), range={k: (float(a), float(b)) for k, (a, b) in ranges.items()}, start=start, end=end,
        source=source, confidence=confidence, note=str(note), key=label,
    )  # fmt: skip


def _value_problems(label: str, key: str, value: Any) -> list[str]:
    if key == "status":
        if value not in _model.STATUSES:
            return [f"`{label}` is {value!r}{nearest(value, _model.STATUSES)}; expected one of {list(_model.STATUSES)}"]
    elif key == "service":
        if value not in _model.SERVICES:
            return [f"`{label}` is {value!r}{nearest(value, _model.SERVICES)}; expected one of {list(_model.SERVICES)}"]
    elif key in _DATE_COLUMNS:
        problems: list[str] = []
        _date(value, label, problems)
        return problems
    elif key in ("passages", "branch"):
        if not isinstance(value, str):
            return [f"`{label}` is {value!r}; expected text"]
    elif key == "cost_year":
        if not (isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100):
            return [f"`{label}` is {value!r}; expected the price year of the money figure, such as 2024"]
    elif not (_number(value) and value >= 0):
        return [f"`{label}` is {value!r}; expected a number >= 0"]
    return []


_ADD_REQUIRED = {
    "segments": ("id", "from_place", "to_place", "mode", "speed_kmh"),
    "transfers": ("id", "place_id", "kind", "from_mode", "to_mode", "time_h_mode"),
    "places": ("id", "name", "country", "kind", "lat", "lon"),
}


def _add_problems(label: str, element: str, values: Mapping[str, Any]) -> list[str]:
    columns = {
        "segments": (*_model.SEGMENT_COLUMNS, "id", "geometry"),
        "transfers": (*_model.TRANSFER_COLUMNS, "id"),
        "places": (*_model.PLACE_COLUMNS, "id", "lat", "lon"),
    }[element]
    problems = [
        f"`{label}.{key}` is not a column of {element}{nearest(key, columns)}" for key in values if key not in columns
    ]
    problems += [f"`{label}.{key}` is missing; a new {element[:-1]} needs it" for key in _ADD_REQUIRED[element]
                 if key not in values]  # fmt: skip
    numbers = {*_model.NUMERIC.get(element, ()), "lat", "lon"}
    for key, value in values.items():
        if key in numbers and not _number(value):
            problems.append(f"`{label}.{key}` is {value!r}; expected a number")
        elif key in _DATE_COLUMNS:
            _date(value, f"{label}.{key}", problems)
        elif key == "directed" and not isinstance(value, bool):
            problems.append(f"`{label}.directed` is {value!r}; expected true or false")
        elif key not in numbers and key not in _DATE_COLUMNS and key != "directed" and not isinstance(value, str):
            problems.append(f"`{label}.{key}` is {value!r}; expected text")
    if "id" in values and not (isinstance(values["id"], str) and values["id"]):
        problems.append(f"`{label}.id` is {values['id']!r}; expected a lowercase slug such as 'rasht_anzali_rail'")
    if "geometry" in values:
        try:
            line = shapely.from_wkt(values["geometry"])
            if not isinstance(line, shapely.LineString):
                problems.append(f"`{label}.geometry` is a {line.geom_type}; expected a WKT LINESTRING (lon lat, ...)")
        except (shapely.errors.ShapelyError, TypeError):
            problems.append(f"`{label}.geometry` {str(values['geometry'])[:40]!r} is not valid WKT")
    return problems


def _parse_parameter(entry: Mapping[str, Any], label: str, problems: list[str]) -> dict[str, Any]:
    problems += _unknown_keys(f"{label}.", entry, _PARAMETER_KEYS)
    fields = sorted({f.name for f in dataclasses.fields(CostParameters)} - {"sources", "cargo_unit", "emission_basis",
                                                                              "assumption_set"})  # fmt: skip
    name = entry.get("name")
    source, confidence = _provenance(entry, label, problems)
    if name not in fields:
        problems.append(f"`{label}.name` is {name!r}{nearest(name, fields)}; expected a cost parameter: {fields}")
    if name in _MAPPING_PARAMETERS and not isinstance(entry.get("key"), str):
        problems.append(f'`{label}.key` is missing; `{name}` is a table: say which entry, e.g. key = "sea.caspian"')
    if name in fields and name not in _MAPPING_PARAMETERS and "key" in entry:
        problems.append(f"`{label}.key`: `{name}` is a single value, not a table; leave `key` out")
    if ("value" in entry) == ("scale" in entry):
        problems.append(f"`{label}`: give either `value` or `scale` (a factor)")
    elif "scale" in entry and not (_number(entry["scale"]) and entry["scale"] >= 0):
        problems.append(f"`{label}.scale` is {entry['scale']!r}; expected a factor >= 0")
    elif "value" in entry and name == "rates":
        value = entry["value"]
        if not (isinstance(value, list) and len(value) == 3 and _number(value[0]) and isinstance(value[1], str)
                and isinstance(value[2], int)):  # fmt: skip
            problems.append(
                f'`{label}.value` is {value!r}; a rate is [value, unit, price_year], e.g. [900, "usd_per_teu", 2024]'
            )
    elif "value" in entry and name == "price_year":
        if not isinstance(entry["value"], int) or isinstance(entry["value"], bool):
            problems.append(f"`{label}.value` is {entry['value']!r}; expected a year such as 2024")
    elif "value" in entry and name is not None and not _number(entry["value"]):
        problems.append(f"`{label}.value` is {entry['value']!r}; expected a number")
    problems += _range_problems(entry, label, entry.get("scale", entry.get("value")), source, confidence)
    return dict(entry)


def _range_problems(entry: Mapping[str, Any], label: str, number: Any, source: str, confidence: str) -> list[str]:
    """An assumption's `range` is there, is [low, high] and contains the entry's `number`."""
    if _needs_range(source, confidence) and "range" not in entry:
        return [f"`{label}` is an assumption (confidence L or source 'assumption...') but has no `range = [low, high]`"]
    if "range" not in entry:
        return []
    if not _pair(entry["range"]):
        return [f"`{label}.range` is {entry['range']!r}; expected [low, high] with low <= high"]
    if _number(number) and not entry["range"][0] <= number <= entry["range"][1]:
        return [f"`{label}.range` {entry['range']!r} does not contain {number!r}"]
    return []


def _parse_trade(entry: Mapping[str, Any], label: str, problems: list[str]) -> dict[str, Any]:
    problems += _unknown_keys(f"{label}.", entry, _TRADE_KEYS)
    source, confidence = _provenance(entry, label, problems)
    where = entry.get("where", {})
    if not isinstance(where, Mapping):
        problems.append(f'`{label}.where` is {where!r}; expected a table such as {{ cargo_class = "container" }}')
        where = {}
    problems += _unknown_keys(f"{label}.where.", where, _TRADE_WHERE)
    classes = where.get("cargo_class")
    for value in [classes] if isinstance(classes, str) else classes or []:
        if value not in CARGO_CLASSES:
            problems.append(
                f"`{label}.where.cargo_class` has {value!r}{nearest(value, CARGO_CLASSES)}; expected one of "
                f"{list(CARGO_CLASSES)}"
            )
    if "between" in where and not (isinstance(where["between"], list) and len(where["between"]) == 2):
        problems.append(
            f'`{label}.where.between` is {where["between"]!r}; expected two ISO3 codes, e.g. ["IND", "RUS"]'
        )
    growth = "growth_pct_per_year" in entry or "years" in entry
    if growth == ("factor" in entry):
        problems.append(f"`{label}`: give either `growth_pct_per_year` with `years`, or `factor` (a one-off shock)")
    elif growth:
        if not (_number(entry.get("growth_pct_per_year")) and entry["growth_pct_per_year"] > -100):
            problems.append(
                f"`{label}.growth_pct_per_year` is {entry.get('growth_pct_per_year')!r}; expected % a year > -100"
            )
        years = entry.get("years")
        if not (_number(years) and years >= 0):
            problems.append(f"`{label}.years` is {years!r}; expected a number of years >= 0")
    elif not (_number(entry["factor"]) and entry["factor"] >= 0):
        problems.append(f"`{label}.factor` is {entry['factor']!r}; expected a factor >= 0 (1 = unchanged)")
    number = entry.get("growth_pct_per_year", entry.get("factor"))
    problems += _range_problems(entry, label, number, source, confidence)
    return {**entry, "where": dict(where)}


# --- checking against a corridor ----------------------------------------------------------------------------


def check(corridor: Corridor, scenario: Scenario) -> None:
    """Check every id and attribute value `scenario` selects against `corridor`; one error lists every problem.

    Raises
    ------
    ScenarioError

    Examples
    --------
    >>> import corridor
    >>> from corridor import scenarios
    >>> scenarios.check(corridor.load_instc(), scenarios.load_scenario("western_capacity_target"))
    """
    problems = []
    added: dict[str, set[str]] = {"places": set(), "segments": set(), "transfers": set()}
    for change in scenario.changes:
        if change.action == "add":
            problems += _add_reference_problems(corridor, change, added)
            added[change.element].add(change.values.get("id"))
        elif change.ids is not None and change.element in added:
            known = [i for i in change.ids if i not in added[change.element]]
            problems += _selection(corridor, dataclasses.replace(change, ids=tuple(known)))[1]
        else:
            problems += _selection(corridor, change)[1]
    if problems:
        raise ScenarioError(problems, path=scenario.path)


def _passages(corridor: Corridor) -> list[str]:
    return sorted(set(corridor.segments["passages"].dropna().str.split(";").explode()))


def _selection(corridor: Corridor, change: Change) -> tuple[pd.Index, list[str]]:
    """The ids `change` selects, and the problems with its selection (unknown ids, values, empty selections)."""
    label = change.key
    if change.action == "add":
        return pd.Index([]), []
    if change.element in ("passages", "countries"):
        known = _passages(corridor) if change.element == "passages" else sorted(set(corridor.places["country"]))
        bad = [i for i in change.ids or () if i not in known]
        return pd.Index(change.ids or ()), [
            f"`{label}.ids` has {i!r}, which is not one of the corridor's {change.element}{nearest(i, known)}; "
            f"expected some of {known}"
            for i in bad
        ]
    table = getattr(corridor, change.element)
    if change.ids is not None:
        problems = [
            f"`{label}.ids` has {i!r}, which is not in the corridor's {change.element}{nearest(i, table.index)}"
            for i in change.ids
            if i not in table.index
        ]
        return pd.Index(change.ids), problems
    keep = pd.Series(True, index=table.index)
    problems = []
    for key, wanted in (change.where or {}).items():
        if key == "place":
            column = pd.concat([table["from_place"], table["to_place"]])
            known = set(column.dropna())
            match = table["from_place"].isin(wanted) | table["to_place"].isin(wanted)
        elif key == "passage":
            crossed = table["passages"].fillna("").str.split(";")
            known = set(_passages(corridor))
            match = crossed.map(lambda p, w=set(wanted): bool(w.intersection(p)))
        else:
            column = table[_WHERE[change.element][key]]
            known = set(column.dropna())
            match = column.isin(wanted)
        for value in wanted:
            if value not in known:
                problems.append(
                    f"`{label}.where.{key}` has {value!r}, which no {change.element[:-1]} has{nearest(value, known)}; "
                    f"expected some of {sorted(map(str, known))}"
                )
        keep &= match.astype(bool)
    if not problems and not keep.any():
        problems.append(
            f"`{label}.where` selects no {change.element}: no element has all of {dict(change.where or {})}"
        )
    return table.index[keep], problems


def _add_reference_problems(corridor: Corridor, change: Change, added: Mapping[str, set[str]]) -> list[str]:
    values, label = change.values, f"{change.key}.values"
    table = getattr(corridor, change.element)
    problems = []
    if values.get("id") in table.index or values.get("id") in added[change.element]:
        problems.append(
            f"`{label}.id` {values['id']!r} is already in the corridor's {change.element}; use 'set' to change it"
        )
    for key in ("from_place", "to_place", "place_id"):
        if key in values and values[key] not in corridor.places.index and values[key] not in added["places"]:
            problems.append(
                f"`{label}.{key}` {values[key]!r} is not a place{nearest(values[key], corridor.places.index)}"
            )
    return problems


# --- applying ----------------------------------------------------------------------------------------------


def apply(corridor: Corridor, scenario: Scenario) -> Corridor:
    """The corridor with the scenario's changes: a new corridor, checked against the data model.

    The input corridor and its tables are left as they were. Changed figures carry the change's source and
    confidence (prefixed ``scenario '<name>':``); closures become rows of ``events``.

    Parameters
    ----------
    corridor : Corridor
    scenario : Scenario

    Returns
    -------
    Corridor
        With ``metadata["scenario"]`` set to the scenario's name.

    Raises
    ------
    ScenarioError
        If any change selects an unknown id or value, or the changed corridor breaks the data model (every
        problem listed; nothing is returned).

    Examples
    --------
    >>> import corridor
    >>> from corridor import scenarios
    >>> c = corridor.load_instc()
    >>> after = scenarios.apply(c, scenarios.load_scenario("faster_az_ir_borders"))
    >>> after.transfers.loc["astara_road_border", "time_h_mode"], c.transfers.loc["astara_road_border", "time_h_mode"]
    (np.float64(4.95), np.float64(9.9))
    """
    check(corridor, scenario)
    new = corridor.copy()
    places, segments, transfers, events = new.places, new.segments, new.transfers, new.events
    added_events = []
    for number, change in enumerate(scenario.changes):
        ids, _ = _selection(new, change)
        prefix = f"scenario '{scenario.name}': {change.source}"
        if change.action == "close":
            added_events.append(_closure(change, ids, f"{_slug(scenario.name)}_{number}", prefix))
        elif change.action == "add":
            if change.element == "places":
                places = _add_place(places, change, prefix)
            elif change.element == "segments":
                segments = _add_segment(segments, places, change, prefix)
            else:
                transfers = _add_transfer(transfers, places, change, prefix)
        else:
            table = segments if change.element == "segments" else transfers
            table = _edit(table, ids, change, prefix)
            if change.element == "segments":
                segments = table
            else:
                transfers = table
        new = dataclasses.replace(new, places=places, segments=segments, transfers=transfers)
    if added_events:
        events = pd.concat([events, *added_events])
    metadata = {**corridor.metadata, "scenario": scenario.name}
    places, segments, transfers, events = (_text_storage(t) for t in (places, segments, transfers, events))
    new = dataclasses.replace(new, places=places, segments=segments, transfers=transfers, events=events,
                              metadata=metadata)  # fmt: skip
    try:
        validate(new, source=f"the corridor with scenario {scenario.name!r}")
    except CorridorValidationError as error:
        raise ScenarioError([f"the changed corridor breaks the data model: {p}" for p in error.problems],
                            path=scenario.path) from None  # fmt: skip
    return new


def _text_storage(table: pd.DataFrame) -> pd.DataFrame:
    """Text columns in the data model's string storage (as the readers make them), also after added rows."""

    def is_text(column: str) -> bool:
        values = table[column]
        if column == "geometry" or values.dtype == _model.TEXT:
            return False
        if isinstance(values.dtype, pd.StringDtype):
            return True
        present = values.dropna()
        return values.dtype == object and len(present) > 0 and present.map(lambda v: isinstance(v, str)).all()

    text = [c for c in table.columns if is_text(c)]
    return table.astype(dict.fromkeys(text, _model.TEXT)) if text else table


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text.lower()).strip("_")


def _closure(change: Change, ids: pd.Index, event_id: str, source: str) -> pd.DataFrame:
    description = change.note or f"closed by a scenario ({change.element})"
    index = pd.MultiIndex.from_arrays([[f"scenario_{event_id}"] * len(ids), list(ids)], names=["event_id", "target"])
    return pd.DataFrame(
        {"effect": "closed", "start": change.start, "end": change.end if change.end is not None else pd.NaT,
         "description": description, "source": source, "confidence": change.confidence},
        index=index,
    )  # fmt: skip


def _stamp(table: pd.DataFrame, ids: pd.Index, column: str, source: str, confidence: str, table_name: str) -> None:
    figure = _FIGURE_OF.get(column)
    if figure is None:
        return
    _, _, source_column, confidence_column = _model.FIGURES[table_name].get(
        figure, (None, None, "length_source", "length_confidence")
    )
    for name, value in ((source_column, source), (confidence_column, confidence)):
        if name not in table.columns:
            table[name] = pd.Series(pd.NA, index=table.index, dtype=_model.TEXT)
        table.loc[ids, name] = value


def _edit(table: pd.DataFrame, ids: pd.Index, change: Change, source: str) -> pd.DataFrame:
    table = table.copy()
    name = change.element
    if change.action == "open":
        if name == "segments":
            table.loc[ids, "status"] = "operational"
            _stamp(table, ids, "status", source, change.confidence, name)
        for column, value in (("available_from", change.start), ("available_until", change.end)):
            table.loc[ids, column] = value if value is not None else pd.NaT
        return table
    for column, value in change.values.items():
        if change.action == "scale" and column == "cost_usd":
            own = table.loc[ids, "cost_usd_per_tkm"].notna()
            for figure in ("cost_usd_per_tkm", "cost_usd_per_tkm_min", "cost_usd_per_tkm_max"):
                table.loc[ids[own.to_numpy()], figure] = table.loc[ids[own.to_numpy()], figure] * value
            _stamp(table, ids[own.to_numpy()], "cost_usd_per_tkm", source, change.confidence, name)
            continue  # segments priced by a rate of the assumption set: see apply_parameters
        group = [column, *_RANGED.get(column, ())]
        if change.action == "scale":
            for figure in group:
                table.loc[ids, figure] = table.loc[ids, figure] * value
        elif column in _DATE_COLUMNS:
            table.loc[ids, column] = pd.Timestamp(value)
        else:
            if table[column].dtype != object and not _number(value):
                table[column] = table[column].astype(object)
            table.loc[ids, column] = value
            if column in _RANGED and not any(c in change.values for c in _RANGED[column]):
                low, high = change.range.get(column, (value, value))
                table.loc[ids, _RANGED[column][0]] = low
                table.loc[ids, _RANGED[column][1]] = high
        _stamp(table, ids, column, source, change.confidence, name)
    return table


def _new_row(
    table: pd.DataFrame, values: Mapping[str, Any], change: Change, source: str, table_name: str
) -> pd.DataFrame:
    row = {k: v for k, v in values.items() if k not in ("id", "geometry", "lat", "lon")}
    for column in _DATE_COLUMNS:
        if column in row:
            row[column] = pd.Timestamp(row[column])
    for figure, (_, _, source_column, confidence_column) in _model.FIGURES.get(table_name, {}).items():
        if figure in row and source_column not in row:
            row[source_column], row[confidence_column] = source, change.confidence
    for column, (low, high) in _RANGED.items():
        if column in row and low not in row and column in table.columns:
            row[low], row[high] = change.range.get(column, (row[column], row[column]))
    frame = pd.DataFrame([row], index=pd.Index([values["id"]], name=table.index.name))
    return frame


def _add_place(places: gpd.GeoDataFrame, change: Change, source: str) -> gpd.GeoDataFrame:
    values = change.values
    frame = _new_row(places, values, change, source, "places")
    frame["source"] = frame.get("source", source)
    frame["confidence"] = frame.get("confidence", change.confidence)
    new = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy([values["lon"]], [values["lat"]]), crs=_model.CRS)
    return gpd.GeoDataFrame(pd.concat([places, new]), crs=_model.CRS)


def _add_segment(segments: gpd.GeoDataFrame, places: gpd.GeoDataFrame, change: Change, source: str) -> gpd.GeoDataFrame:
    values = change.values
    frame = _new_row(segments, values, change, source, "segments")
    if "geometry" in values:
        line = shapely.from_wkt(values["geometry"])
        frame["geometry_source"] = frame.get("geometry_source", source)
    else:
        start, end = places.geometry[values["from_place"]], places.geometry[values["to_place"]]
        line = shapely.LineString([start, end])
        frame["geometry_source"] = "a straight line between its places (added by a scenario)"
    if "status" not in values:
        frame["status"], frame["status_source"], frame["status_confidence"] = "operational", source, change.confidence
    coords = shapely.get_coordinates(line)
    _, _, metres = _GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    frame["length_km_geodesic"] = float(np.sum(metres)) / 1000.0
    frame["length_km"] = frame.get("length_km_published", pd.Series([np.nan], index=frame.index)).fillna(
        frame["length_km_geodesic"]
    )
    new = gpd.GeoDataFrame(frame, geometry=[line], crs=_model.CRS)
    return gpd.GeoDataFrame(pd.concat([segments, new]), crs=_model.CRS)


def _add_transfer(transfers: pd.DataFrame, places: gpd.GeoDataFrame, change: Change, source: str) -> pd.DataFrame:
    frame = _new_row(transfers, change.values, change, source, "transfers")
    country = places.loc[change.values["place_id"], "country"]
    for side in ("from", "to"):
        if frame[f"{side}_mode"].iloc[0] not in _model.WATER_MODES and f"{side}_country" not in change.values:
            frame[f"{side}_country"] = country
    frame["directed"] = bool(change.values.get("directed", False))
    return pd.concat([transfers, frame])


def apply_parameters(
    scenario: Scenario, *, corridor: Corridor | None = None, cargo_unit: str = "teu", base: CostParameters | None = None
) -> CostParameters:
    """The scenario's cost parameters: its starting set with its ``[[parameter]]`` changes.

    Scaling the money cost (``cost_usd``) of segments priced by a rate of the set adds a ``segment.<id>`` rate
    for each, so `corridor` is needed for such scenarios.

    Parameters
    ----------
    scenario : Scenario
    corridor : Corridor, optional
        The baseline corridor; needed when a change scales ``cost_usd`` of segments.
    cargo_unit : {"teu", "feu", "tonne"}
    base : CostParameters, optional
        Start from these instead of the scenario's ``parameters`` set.

    Examples
    --------
    >>> import corridor
    >>> from corridor import scenarios
    >>> s = scenarios.load_scenario("caspian_low_water")
    >>> p = scenarios.apply_parameters(s, corridor=corridor.load_instc())
    >>> round(p.rates["segment.astrakhan_anzali_sea"].value / p.rates["sea.caspian"].value, 2)
    1.33
    """
    p = base if base is not None else CostParameters.load(scenario.parameters, cargo_unit=cargo_unit)
    problems = []
    changes: dict[str, Any] = {}
    for entry in scenario.parameter_changes:
        name, key = entry["name"], entry.get("key")
        current = getattr(p, name)
        if name in _MAPPING_PARAMETERS:
            table = {**current, **changes.get(name, {})}
            if "scale" in entry:
                if key not in table:
                    problems.append(f"`parameters.{name}` has no entry {key!r} to scale{nearest(key, table)}")
                    continue
                old = table[key]
                new = Rate(old.value * entry["scale"], old.unit, old.year) if name == "rates" else old * entry["scale"]
            else:
                new = Rate(*entry["value"]) if name == "rates" else entry["value"]
            changes[name] = {**changes.get(name, {}), key: new}
        else:
            changes[name] = changes.get(name, current) * entry["scale"] if "scale" in entry else entry["value"]
    cost_scales = [c for c in scenario.changes if c.action == "scale" and "cost_usd" in c.values]
    if cost_scales:
        if corridor is None:
            problems.append("a change scales `cost_usd` of segments priced by the assumption set: pass `corridor=`")
        else:
            interim = _replaced(p, changes, scenario)
            year = corridor.metadata.get("price_year")
            # each class with rates of its own is scaled at its own rate: "<class>:segment.<id>"
            priced = {
                prefix: segment_costs(corridor.segments, interim, data_year=year, cargo_class=cargo_class)
                for prefix, cargo_class in [("", None), *((f"{c}:", c) for c in interim.priced_classes)]
            }
            rates = {**interim.rates, **changes.get("rates", {})}
            for change in cost_scales:
                ids, selection_problems = _selection(corridor, change)
                problems += selection_problems
                for segment in ids:
                    for prefix, costs in priced.items():
                        used = costs.loc[segment, "rate_source"] if segment in costs.index else None
                        if not (isinstance(used, str) and used.startswith(f"rates.{prefix}")):
                            continue  # the user's rate or the segment's own figure; or, for a class, no rate of its own
                        own = f"{prefix}segment.{segment}"  # scaled before (by the set or an earlier change): compound
                        rate = rates[own] if own in rates else rates[used.removeprefix("rates.")]
                        scaled = Rate(rate.value * change.values["cost_usd"], rate.unit, rate.year)
                        rates[own] = scaled
                        changes.setdefault("rates", {})[own] = scaled
    if problems:
        raise ScenarioError(problems, path=scenario.path)
    p = _replaced(p, changes, scenario)
    return dataclasses.replace(p, assumption_set=f"{p.assumption_set} + {scenario.name}")


def _replaced(p: CostParameters, changes: Mapping[str, Any], scenario: Scenario) -> CostParameters:
    if not changes:
        return p
    try:
        return p.replace(**changes)
    except (ValueError, TypeError) as error:
        raise ScenarioError([f"the changed parameters are invalid: {error}"], path=scenario.path) from None


def changes_table(before: Corridor, after: Corridor) -> pd.DataFrame:
    """Every figure that differs between two corridors, and every element or event added or removed.

    Returns
    -------
    DataFrame
        Indexed by (``table``, ``element_id``, ``column``) with ``before`` and ``after`` as text; an added
        element has ``column`` = ``"(added)"``, an added closure is in table ``events``.

    Examples
    --------
    >>> import corridor
    >>> from corridor import scenarios
    >>> c = corridor.load_instc()
    >>> after = scenarios.apply(c, scenarios.load_scenario("rasht_astara_opens"))
    >>> scenarios.changes_table(c, after).loc[("segments", "astara_ir_rasht_rail", "status")].tolist()
    ['missing_link', 'operational']
    """
    rows = []
    for table in ("places", "segments", "transfers", "events"):
        old, new = getattr(before, table), getattr(after, table)
        for key in new.index.difference(old.index, sort=False):
            rows.append((table, _key(key), "(added)", "", _summary(new.loc[key], table)))
        for key in old.index.difference(new.index, sort=False):
            rows.append((table, _key(key), "(removed)", _summary(old.loc[key], table), ""))
        both = old.index.intersection(new.index, sort=False)
        columns = [c for c in old.columns if c in new.columns and c != "geometry"]
        a = old.loc[both, columns].astype(object)
        b = new.loc[both, columns].astype(object)
        same = (a == b) | (a.isna() & b.isna())
        for key, column in zip(*np.nonzero(~same.to_numpy()), strict=True):
            rows.append((table, _key(both[key]), columns[column], _cell(a.iat[key, column]), _cell(b.iat[key, column])))
        if "geometry" in old.columns and "geometry" in new.columns:
            moved = ~old.loc[both].geometry.geom_equals(new.loc[both].geometry)
            rows += [(table, _key(k), "geometry", "(line)", "(moved)") for k in both[moved.to_numpy()]]
    frame = pd.DataFrame(rows, columns=["table", "element_id", "column", "before", "after"])
    return frame.set_index(["table", "element_id", "column"])


def _key(key: Any) -> str:
    return ":".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float | np.floating):
        return f"{value:g}"
    return str(value)


def _summary(row: pd.Series, table: str) -> str:
    if table == "events":
        return f"{row['effect']} from {_cell(row['start'])}" + (
            f" until {_cell(row['end'])}" if pd.notna(row["end"]) else ""
        )
    if table == "segments":
        return f"{row['from_place']} - {row['to_place']} ({row['mode']})"
    if table == "transfers":
        return f"{row['kind']} at {row['place_id']}"
    return str(row.get("name", ""))


# --- trade ---------------------------------------------------------------------------------------------------


def apply_trade(od: pd.DataFrame, scenario: Scenario, *, corridor: Corridor | None = None) -> pd.DataFrame:
    """Origin-destination freight with the scenario's ``[[trade]]`` growth and shocks applied.

    Parameters
    ----------
    od : DataFrame
        Indexed by (``origin``, ``destination``, ``cargo_class``), origin and destination place ids,
        with any of ``tonnes_per_year``, ``teu_per_year``, ``value_usd_per_year`` (all scaled alike).
    scenario : Scenario
    corridor : Corridor, optional
        Needed when an entry selects by country (``origin_country``, ``destination_country``, ``between``).

    Returns
    -------
    DataFrame
        A new table like `od`; entries apply one after another, each on the rows it selects.

    Examples
    --------
    >>> import pandas as pd
    >>> import corridor
    >>> from corridor import scenarios
    >>> od = pd.DataFrame({"tonnes_per_year": [1000.0, 500.0]}, index=pd.MultiIndex.from_tuples(
    ...     [("jnpt", "moscow", "container"), ("baku", "tehran", "dry_bulk")],
    ...     names=["origin", "destination", "cargo_class"]))
    >>> grown = scenarios.apply_trade(od, scenarios.load_scenario("trade_growth_2030"), corridor=corridor.load_instc())
    >>> (grown["tonnes_per_year"] / od["tonnes_per_year"]).round(3).tolist()
    [1.456, 1.159]
    """
    _check_od(od)
    problems = []
    factor = pd.Series(1.0, index=od.index)
    origin = od.index.get_level_values("origin")
    destination = od.index.get_level_values("destination")
    cargo = od.index.get_level_values("cargo_class")
    country = corridor.places["country"] if corridor is not None else None
    for number, entry in enumerate(scenario.trade_changes):
        label, where = f"trade[{number}]", entry["where"]
        keep = np.ones(len(od), dtype=bool)
        for key in ("origin", "destination"):
            if key in where:
                wanted = _as_list(where[key])
                places = origin if key == "origin" else destination
                if corridor is not None:
                    problems += [f"`{label}.where.{key}` {w!r} is not a place{nearest(w, corridor.places.index)}"
                                 for w in wanted if w not in corridor.places.index]  # fmt: skip
                keep &= places.isin(wanted)
        if "cargo_class" in where:
            keep &= cargo.isin(_as_list(where["cargo_class"]))
        by_country = [k for k in ("origin_country", "destination_country", "between") if k in where]
        if by_country and country is None:
            problems.append(f"`{label}.where` selects by country ({', '.join(by_country)}): pass `corridor=`")
            continue
        if by_country:
            known = set(country)
            unknown = [c for k in by_country for c in _as_list(where[k]) if c not in known]
            problems += [f"`{label}.where` has country {c!r}, which no place is in{nearest(c, known)}" for c in unknown]
            from_country = origin.map(country).to_numpy()
            to_country = destination.map(country).to_numpy()
            if "origin_country" in where:
                keep &= np.isin(from_country, _as_list(where["origin_country"]))
            if "destination_country" in where:
                keep &= np.isin(to_country, _as_list(where["destination_country"]))
            if "between" in where:
                a, b = where["between"]
                keep &= ((from_country == a) & (to_country == b)) | ((from_country == b) & (to_country == a))
        if "factor" in entry:
            step = float(entry["factor"])
        else:
            step = (1.0 + entry["growth_pct_per_year"] / 100.0) ** entry["years"]
        factor[keep] *= step
    if problems:
        raise ScenarioError(problems, path=scenario.path)
    out = od.copy()
    for column in _TRADE_COLUMNS:
        if column in out.columns:
            out[column] = out[column] * factor
    return out


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _check_od(od: pd.DataFrame) -> None:
    problems = []
    if list(od.index.names) != ["origin", "destination", "cargo_class"]:
        problems.append(f"`od` is indexed by {list(od.index.names)}; expected ['origin', 'destination', 'cargo_class']")
    elif not od.index.get_level_values("cargo_class").isin(CARGO_CLASSES).all():
        bad = sorted(set(od.index.get_level_values("cargo_class")) - set(CARGO_CLASSES))
        problems.append(f"`od` has cargo classes {bad}{nearest(bad[0], CARGO_CLASSES)}; expected {list(CARGO_CLASSES)}")
    if not any(c in od.columns for c in _TRADE_COLUMNS):
        problems.append(f"`od` has none of the columns {list(_TRADE_COLUMNS)}")
    if problems:
        raise ValueError("; ".join(problems) + ".")


def trade_response(
    baseline_cost_share: Any, scenario_cost_share: Any, *, elasticity: float = TRADE_ELASTICITY["value"]
) -> Any:
    """Factor by which trade changes when the transport cost share of cargo value changes (structural gravity).

    Trade between two countries is proportional to ``tau ** elasticity``, where ``tau = 1 + cost share`` is the
    ad-valorem trade-cost factor (transport cost / cargo value). So the factor is
    ``((1 + scenario_cost_share) / (1 + baseline_cost_share)) ** elasticity``: a cheaper route means more
    trade. The default elasticity is :data:`TRADE_ELASTICITY` (about -5, Head & Mayer 2014; range -8 to -3).

    Parameters
    ----------
    baseline_cost_share, scenario_cost_share : float or array
        Transport cost as a share of cargo value (cost per tonne / value per tonne), >= 0.
    elasticity : float, default -5.0
        Trade-cost elasticity, <= 0.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> from corridor.scenarios import trade_response
    >>> round(trade_response(0.10, 0.10), 6)
    1.0
    >>> round(trade_response(0.10, 0.05), 3)  # cost share 10% -> 5%: (1.05 / 1.10) ** -5
    1.262
    """
    base = np.asarray(baseline_cost_share, dtype=float)
    new = np.asarray(scenario_cost_share, dtype=float)
    for name, values in (("baseline_cost_share", base), ("scenario_cost_share", new)):
        if not np.isfinite(values).all() or (values < 0).any():
            raise ValueError(f"`{name}` was {values.tolist()!r}; expected finite shares of cargo value >= 0.")
    if not (np.isfinite(elasticity) and elasticity <= 0):
        raise ValueError(f"`elasticity` was {elasticity!r}; expected a number <= 0 (about -5; range -8 to -3).")
    factor = ((1.0 + new) / (1.0 + base)) ** elasticity
    return float(factor) if factor.ndim == 0 else factor


def respond_trade(
    od: pd.DataFrame, costs: pd.DataFrame, *, elasticity: float = TRADE_ELASTICITY["value"]
) -> pd.DataFrame:
    """Apply :func:`trade_response` to an OD table from its pairs' transport cost per tonne before and after.

    Parameters
    ----------
    od : DataFrame
        Indexed by (``origin``, ``destination``, ``cargo_class``) with ``tonnes_per_year`` and
        ``value_usd_per_year`` (value per tonne = their ratio) and optionally ``teu_per_year``.
    costs : DataFrame
        Indexed by (``origin``, ``destination``) with ``baseline_cost_usd_per_tonne`` and
        ``scenario_cost_usd_per_tonne``. Pairs of `od` not in it keep their trade (factor 1); a pair with no
        route in the scenario gets factor 0 and one with no route in the baseline keeps factor 1.

    Returns
    -------
    DataFrame
        `od` with the trade columns scaled, plus ``baseline_cost_share``, ``scenario_cost_share`` and
        ``trade_response_factor``.

    Examples
    --------
    >>> import pandas as pd
    >>> from corridor.scenarios import respond_trade
    >>> od = pd.DataFrame({"tonnes_per_year": [100.0], "value_usd_per_year": [100_000.0]},
    ...     index=pd.MultiIndex.from_tuples([("a", "d", "container")], names=["origin", "destination", "cargo_class"]))
    >>> costs = pd.DataFrame({"baseline_cost_usd_per_tonne": [100.0], "scenario_cost_usd_per_tonne": [50.0]},
    ...     index=pd.MultiIndex.from_tuples([("a", "d")], names=["origin", "destination"]))
    >>> respond_trade(od, costs)[["scenario_cost_share", "trade_response_factor"]].round(3).values.tolist()
    [[0.05, 1.262]]
    """
    _check_od(od)
    missing = [c for c in ("tonnes_per_year", "value_usd_per_year") if c not in od.columns]
    if missing:
        raise ValueError(f"`od` has no {missing}; the value per tonne (value / tonnes) needs both.")
    pair = pd.MultiIndex.from_arrays([od.index.get_level_values(0), od.index.get_level_values(1)])
    value_per_tonne = (od["value_usd_per_year"] / od["tonnes_per_year"]).to_numpy()
    base = costs["baseline_cost_usd_per_tonne"].reindex(pair).to_numpy()
    new = costs["scenario_cost_usd_per_tonne"].reindex(pair).to_numpy()
    out = od.copy()
    out["baseline_cost_share"] = base / value_per_tonne
    out["scenario_cost_share"] = new / value_per_tonne
    factor = np.ones(len(od))
    both = np.isfinite(base) & np.isfinite(new) & (value_per_tonne > 0)
    factor[both] = trade_response(base[both] / value_per_tonne[both], new[both] / value_per_tonne[both],
                                  elasticity=elasticity)  # fmt: skip
    factor[np.isfinite(base) & ~np.isfinite(new) & pd.notna(base)] = 0.0  # the pair lost every route
    out["trade_response_factor"] = factor
    for column in _TRADE_COLUMNS:
        if column in out.columns:
            out[column] = out[column] * factor
    return out


# --- evaluating and comparing ----------------------------------------------------------------------------------

Evaluator = Callable[[Corridor, CostParameters, pd.Timestamp, Sequence[tuple[str, str]]], pd.DataFrame]
"""Makes one result table of a corridor under parameters on a date for the pairs (see :func:`run`)."""

_METRICS = ("time_h", "cost_usd", "distance_km", "co2e_kg", "generalised_cost_usd")


@dataclasses.dataclass(frozen=True, repr=False)
class Evaluation:
    """A corridor and its parameters evaluated on one date: the baseline or one scenario.

    Attributes
    ----------
    name : str
        ``"baseline"`` or the scenario's name.
    corridor : Corridor
    parameters : CostParameters
    as_of : Timestamp
    tables : dict of str to DataFrame
        One table per evaluator of :func:`run` (``"routes"`` always: see :func:`evaluate_routes`).
    routes : dict
        (origin, destination) -> {``"best"`` and each named route: Route or NoRoute}, for maps.
    assignment : Assignment or None
        The freight assigned on this corridor (:func:`corridor.assignment.assign`) when :func:`run` was given
        `od`; its ``loads`` and ``shares`` are also the ``"loads"`` and ``"shares"`` tables.
    """

    name: str
    corridor: Corridor
    parameters: CostParameters
    as_of: pd.Timestamp
    tables: Mapping[str, pd.DataFrame]
    routes: Mapping[tuple[str, str], Mapping[str, Route | NoRoute]]
    assignment: Assignment | None = None

    def __repr__(self) -> str:
        return f"<Evaluation {self.name!r} as of {self.as_of:%Y-%m-%d}: tables {list(self.tables)}>"


def _found(
    corridor: Corridor, parameters: CostParameters, as_of: pd.Timestamp, pairs: Sequence[tuple[str, str]], by: str
) -> dict[tuple[str, str], dict[str, Route | NoRoute]]:
    found: dict[tuple[str, str], dict[str, Route | NoRoute]] = {}
    for origin, destination in pairs:
        try:
            best: Route | NoRoute = best_route(corridor, origin, destination, by=by, parameters=parameters,
                                               as_of=as_of, name="best")  # fmt: skip
        except NoRouteError as error:
            best = NoRoute("best", str(error))
        named = named_routes(corridor, origin, destination, by=by, parameters=parameters, as_of=as_of)
        found[(origin, destination)] = {"best": best, **named}
    return found


def evaluate_routes(found: Mapping[tuple[str, str], Mapping[str, Route | NoRoute]]) -> pd.DataFrame:
    """The routes table of an evaluation: one row per (origin, destination, route) with totals and the path.

    Returns
    -------
    DataFrame
        Indexed by (``origin``, ``destination``, ``route``): ``available``, ``time_h``, ``time_days``,
        ``cost_usd``, ``distance_km``, ``co2e_kg``, ``generalised_cost_usd`` (per cargo unit; NaN when the
        route does not exist), ``path`` (the segments in order, ``" > "``-separated) and ``note``.
    """
    rows = {}
    for (origin, destination), routes in found.items():
        for name, route in routes.items():
            if isinstance(route, NoRoute):
                rows[(origin, destination, name)] = {"available": False, "note": route.reason}
                continue
            totals = route.totals
            segments = [e for e, t in zip(route.elements, route.graph.edge_kind[route.path], strict=True)
                        if t in _model.MODES]  # fmt: skip
            rows[(origin, destination, name)] = {
                "available": True, **{m: float(totals[m]) for m in _METRICS},
                "time_days": float(totals["time_h"]) / 24.0, "path": " > ".join(segments), "note": "",
            }  # fmt: skip
    columns = ["available", *_METRICS, "time_days", "path", "note"]
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns)
    table.index = pd.MultiIndex.from_tuples(table.index, names=["origin", "destination", "route"])
    return table


@dataclasses.dataclass(frozen=True, repr=False)
class ScenarioRun:
    """Baseline and scenarios evaluated for the same pairs; every comparison is a table of differences.

    Attributes
    ----------
    scenarios : dict of str to Scenario
    baselines : dict of str to Evaluation
        The baseline each scenario is compared with (the corridor on the scenario's date under the
        scenario's starting assumption set), by scenario name.
    results : dict of str to Evaluation
    trade : DataFrame or None
        See :meth:`trade_table`.
    """

    scenarios: Mapping[str, Scenario]
    baselines: Mapping[str, Evaluation]
    results: Mapping[str, Evaluation]
    trade: pd.DataFrame | None = None

    def __repr__(self) -> str:
        return f"<ScenarioRun: {list(self.scenarios)} against their baselines; tables {self.table_names()}>"

    def table_names(self) -> list[str]:
        """The evaluators' tables each evaluation holds, plus ``changes`` (and ``trade`` if OD was given)."""
        first = next(iter(self.results.values()), None)
        names = list(first.tables) if first is not None else []
        return [*names, "changes", *(["trade"] if self.trade is not None else [])]

    def compare(self, table: str = "routes") -> pd.DataFrame:
        """Differences from the baseline, several scenarios side by side (the first index level).

        For ``"routes"``: one row per (scenario, origin, destination, route) with ``baseline_<m>``,
        ``scenario_<m>`` and ``diff_<m>`` for time, cost, distance, CO2e and generalised cost (per cargo unit),
        both paths and ``route_changed``. For ``"changes"``: :func:`changes_table` of each scenario. For any
        other evaluator's table: the baseline and scenario values of each numeric column and their difference,
        aligned on the table's index.

        Examples
        --------
        >>> import corridor
        >>> from corridor import scenarios
        >>> result = scenarios.run(["rasht_astara_opens"], pairs=[("jnpt", "moscow")])
        >>> row = result.compare().loc[("rasht_astara_opens", "jnpt", "moscow", "western")]
        >>> bool(row["route_changed"]), bool(row["diff_time_h"] < 0)
        (True, True)
        """
        if table == "changes":
            return pd.concat(
                {name: changes_table(self.baselines[name].corridor, r.corridor) for name, r in self.results.items()},
                names=["scenario"],
            )
        if table == "trade":
            if self.trade is None:
                raise ValueError("no trade table: pass `od=` to `run`.")
            return self.trade
        known = self.table_names()
        if table not in known:
            raise ValueError(f"`table` was {table!r}{nearest(table, known)}; expected one of {known}.")
        frames = {name: _differences(self.baselines[name].tables[table], r.tables[table], routes=table == "routes",
                                     absent_is_zero=table in ("loads", "shares"))
                  for name, r in self.results.items()}  # fmt: skip
        return pd.concat(frames, names=["scenario"])

    def summary(self) -> pd.DataFrame:
        """The best route of each pair, scenario by scenario: change in days and US$ and whether the path moved.

        Examples
        --------
        >>> from corridor import scenarios
        >>> scenarios.run(["suez_bab_el_mandeb_closed"], pairs=[("jnpt", "moscow")]).summary().columns.tolist()
        ['baseline_days', 'scenario_days', 'diff_days', 'baseline_cost_usd', 'scenario_cost_usd', 'diff_cost_usd',
         'route_changed']
        """
        table = self.compare("routes").xs("best", level="route")
        out = pd.DataFrame(
            {
                "baseline_days": table["baseline_time_h"] / 24.0,
                "scenario_days": table["scenario_time_h"] / 24.0,
                "diff_days": table["diff_time_h"] / 24.0,
                "baseline_cost_usd": table["baseline_cost_usd"],
                "scenario_cost_usd": table["scenario_cost_usd"],
                "diff_cost_usd": table["diff_cost_usd"],
                "route_changed": table["route_changed"],
            }
        )
        return out

    def trade_table(self) -> pd.DataFrame:
        """Trade per OD row: baseline, after the scenario's growth and shocks, and after the trade response."""
        return self.compare("trade")


def _text_or_blank(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "")


def _differences(base: pd.DataFrame, new: pd.DataFrame, *, routes: bool, absent_is_zero: bool = False) -> pd.DataFrame:
    index = base.index.union(new.index, sort=False)
    base, new = base.reindex(index), new.reindex(index)
    numbers = [c for c in base.columns if pd.api.types.is_numeric_dtype(base[c]) and c != "available"]
    if absent_is_zero:  # an element or route used on one side only carries nothing on the other
        flows = [c for c in numbers if c.startswith(("tonnes_per_year", "teu_per_year", "share"))]
        base[flows], new[flows] = base[flows].fillna(0.0), new[flows].fillna(0.0)
    if routes:
        numbers = list(_METRICS)
    out = {}
    for column in numbers:
        out[f"baseline_{column}"] = base[column].astype(float)
        out[f"scenario_{column}"] = new[column].astype(float)
        out[f"diff_{column}"] = new[column].astype(float) - base[column].astype(float)
    frame = pd.DataFrame(out, index=index)
    if routes:
        frame.insert(0, "baseline_available", base["available"].eq(True).to_numpy())
        frame.insert(1, "scenario_available", new["available"].eq(True).to_numpy())
        frame["baseline_path"] = base["path"]
        frame["scenario_path"] = new["path"]
        frame["route_changed"] = (_text_or_blank(base["path"]) != _text_or_blank(new["path"])).to_numpy()
        frame["note"] = _text_or_blank(new["note"])
    return frame


def run(
    scenarios: Iterable[Scenario | str | pathlib.Path],
    *,
    pairs: Sequence[tuple[str, str]],
    corridor: Corridor | None = None,
    by: str = "generalised_cost_usd",
    cargo_unit: str = "teu",
    od: pd.DataFrame | None = None,
    respond: bool = True,
    elasticity: float = TRADE_ELASTICITY["value"],
    response_cost: str = "cost_usd",
    evaluators: Mapping[str, Evaluator] | None = None,
    assign_options: Mapping[str, Any] | None = None,
) -> ScenarioRun:
    """Evaluate the baseline and each scenario for the (origin, destination) pairs, and diff them.

    For each scenario, the baseline is `corridor` on the scenario's ``as_of`` under its starting assumption
    set; the scenario is :func:`apply` and :func:`apply_parameters` on the same date. Each pair gets its best
    route by `by` and the best route within each named route.

    Parameters
    ----------
    scenarios : iterable of Scenario, path or shipped name
    pairs : sequence of (origin, destination)
        ``place_id`` values.
    corridor : Corridor, optional
        The baseline; the shipped INSTC corridor if omitted.
    by : str, default "generalised_cost_usd"
        What routes minimise (see :func:`corridor.routing.best_route`).
    cargo_unit : {"teu", "feu", "tonne"}
    od : DataFrame, optional
        Origin-destination freight (see :func:`apply_trade`) for the pairs. With it, :attr:`ScenarioRun.trade`
        holds per OD row the baseline, the scenario's growth and shocks (``tonnes_per_year_changed``) and, if
        `respond`, the trade response to the change in the best route's cost per tonne
        (``tonnes_per_year_responded``), so the response is reported apart from rerouting. Only OD rows whose
        (origin, destination) is one of `pairs` respond; the others keep a factor of 1.
    respond : bool, default True
        Apply the trade response (switch it off to see growth and shocks alone). With `od`, the baseline's
        freight and each scenario's (after growth, shocks and, if `respond`, the response) are also assigned to
        routes with :func:`corridor.assignment.assign`: tables ``"loads"`` (per element) and ``"shares"`` (per
        OD row and route), compared like the others, with loads absent on one side counted as 0.
    elasticity : float, default -5
        Trade-cost elasticity of the response (:data:`TRADE_ELASTICITY`).
    response_cost : {"cost_usd", "generalised_cost_usd"}
        The trade cost the response sees: the money cost of the best route (default), or its generalised
        cost, which adds the value of the cargo's time (so a faster route raises trade too).
    evaluators : mapping of str to callable, optional
        More result tables: ``name -> f(corridor, parameters, as_of, pairs) -> DataFrame``, evaluated for the
        baseline and each scenario and compared by :meth:`ScenarioRun.compare` (numeric columns differenced
        on the table's index).
    assign_options : mapping, optional
        Keyword options of :func:`corridor.assignment.assign` (``method``, ``capacity_restraint``, ``k``,
        ``scale_per_usd``, ...) for every assignment of the run. Each corridor variant finds its own candidate
        routes, so a scenario that opens a link can route freight over it.

    Returns
    -------
    ScenarioRun

    Examples
    --------
    >>> from corridor import scenarios
    >>> result = scenarios.run(["faster_az_ir_borders"], pairs=[("jnpt", "moscow")])
    >>> round(result.summary().loc[("faster_az_ir_borders", "jnpt", "moscow"), "diff_days"], 2)
    np.float64(-0.25)
    """
    corridor = corridor if corridor is not None else datasets.load_instc()
    evaluators = {"routes": None, **(evaluators or {})}
    loaded = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    names = [s.name for s in loaded]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"scenario names must differ; {duplicated} appear more than once.")
    if response_cost not in ("cost_usd", "generalised_cost_usd"):
        raise ValueError(
            f"`response_cost` was {response_cost!r}{nearest(response_cost, ['cost_usd', 'generalised_cost_usd'])}; "
            "expected 'cost_usd' or 'generalised_cost_usd'."
        )
    pairs = [tuple(p) for p in pairs]
    if not pairs or not all(len(p) == 2 for p in pairs):
        raise ValueError(f"`pairs` was {pairs!r}; expected (origin, destination) pairs such as [('jnpt', 'moscow')].")

    options = dict(assign_options or {})
    taken = sorted({"parameters", "as_of", "routes"} & set(options))
    if taken:
        raise ValueError(f"`assign_options` may not set {taken}: `run` sets them for each scenario.")

    def evaluate(name: str, c: Corridor, p: CostParameters, as_of: pd.Timestamp) -> Evaluation:
        found = _found(c, p, as_of, pairs, by)
        tables = {"routes": evaluate_routes(found)}
        for key, make in evaluators.items():
            if make is not None:
                tables[key] = make(c, p, as_of, pairs)
        return Evaluation(name, c, p, as_of, tables, found)

    def assigned(evaluation: Evaluation, demand: pd.DataFrame) -> Evaluation:
        result = assign(evaluation.corridor, demand, parameters=evaluation.parameters, as_of=evaluation.as_of,
                        **options)  # fmt: skip
        tables = {**evaluation.tables, "loads": result.loads, "shares": _named_shares(result.shares)}
        return dataclasses.replace(evaluation, tables=tables, assignment=result)

    baselines: dict[str, Evaluation] = {}
    results: dict[str, Evaluation] = {}
    kept: dict[tuple[Any, ...], Evaluation] = {}
    trade_frames = {}
    for scenario in loaded:
        base_parameters = CostParameters.load(scenario.parameters, cargo_unit=cargo_unit)
        key = (scenario.as_of, base_parameters.key)
        if key not in kept:
            kept[key] = evaluate("baseline", corridor, base_parameters, scenario.as_of)
            if od is not None:
                kept[key] = assigned(kept[key], od)
        baselines[scenario.name] = kept[key]
        changed = apply(corridor, scenario)
        parameters = apply_parameters(scenario, corridor=corridor, base=base_parameters)
        results[scenario.name] = evaluate(scenario.name, changed, parameters, scenario.as_of)
        if od is not None:
            trade_frames[scenario.name] = _trade(od, scenario, corridor, kept[key], results[scenario.name],
                                                 respond=respond, elasticity=elasticity,
                                                 cost=response_cost)  # fmt: skip
            final = "responded" if respond else "changed"
            demand = od.assign(**{c: trade_frames[scenario.name][f"{c}_{final}"] for c in _TRADE_COLUMNS if c in od})
            results[scenario.name] = assigned(results[scenario.name], demand)
    trade = pd.concat(trade_frames, names=["scenario"]) if trade_frames else None
    return ScenarioRun({s.name: s for s in loaded}, baselines, results, trade)


def _named_shares(shares: pd.DataFrame) -> pd.DataFrame:
    """Route shares with every unnamed alternative summed into ``"other"``.

    Alternatives are numbered within each run's own candidate set, so "alternative 2" of a scenario need not
    be the baseline's; named routes and the other routes as a whole compare like for like. Per-unit figures of
    ``"other"`` are share-weighted means (plain means where none of its routes carries a share).
    """
    levels = list(shares.index.names)
    route = shares.index.get_level_values("route")
    frame = shares.reset_index(level="route", drop=True)
    per_unit = [c for c in ("distance_km", "time_h", "cost_usd", "generalised_cost_usd") if c in frame]
    flows = [c for c in ("share", "tonnes_per_year", "teu_per_year") if c in frame]
    weight = frame["share"].where(frame["share"] > 0, 0.0)
    frame = frame.assign(route=route.where(~route.str.startswith("alternative"), "other"), _weight=weight,
                         **{f"_weighted_{c}": frame[c] * weight for c in per_unit})  # fmt: skip
    grouped = frame.reset_index().groupby([*levels[:-1], "route"], sort=False)
    totals = grouped[flows].sum(min_count=1)
    sums = grouped[["_weight", *(f"_weighted_{c}" for c in per_unit)]].sum()
    plain = grouped[per_unit].mean()  # where no route of the group carries anything (all-or-nothing)
    for c in per_unit:
        totals[c] = (sums[f"_weighted_{c}"] / sums["_weight"].where(sums["_weight"] > 0)).fillna(plain[c])
    return totals


def _trade(
    od: pd.DataFrame,
    scenario: Scenario,
    corridor: Corridor,
    base: Evaluation,
    new: Evaluation,
    *,
    respond: bool,
    elasticity: float,
    cost: str,
) -> pd.DataFrame:
    changed = apply_trade(od, scenario, corridor=corridor)
    out = pd.DataFrame(index=od.index)
    columns = [c for c in _TRADE_COLUMNS if c in od.columns]
    for column in columns:
        out[f"{column}_baseline"] = od[column]
        out[f"{column}_changed"] = changed[column]
    if respond:
        best = {}
        for label, evaluation in (("baseline", base), ("scenario", new)):
            routes = evaluation.tables["routes"].xs("best", level="route")
            per_tonne = routes[cost] / evaluation.parameters.tonnes_per_unit
            best[f"{label}_cost_usd_per_tonne"] = per_tonne
        costs = pd.DataFrame(best)
        responded = respond_trade(changed, costs, elasticity=elasticity)
        out["baseline_cost_share"] = responded["baseline_cost_share"]
        out["scenario_cost_share"] = responded["scenario_cost_share"]
        out["trade_response_factor"] = responded["trade_response_factor"]
        for column in columns:
            out[f"{column}_responded"] = responded[column]
    return out
