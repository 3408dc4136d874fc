"""Cost parameters, and how each segment and transfer turns into time, money, CO2e and generalised cost.

All results are per cargo unit (a loaded TEU, a loaded FEU or a tonne), which is always an explicit
parameter. Parameters come in named *assumption sets* (``data/assumptions/*.toml``, every value with a source,
a confidence and a range): :meth:`CostParameters.load` reads one by name or path, :meth:`CostParameters.to_frame`
prints it beside any result.

Money is priced in the unit the market quotes it in: rail container tariffs per TEU-km or per container-km,
truck rates per container-km, sea freight per TEU per leg, canal dues per TEU per passage, and bulk rates per
tonne-km or per tonne per leg. Every money figure carries its price year and is converted to the parameters'
``price_year`` with the US CPI-U annual averages in ``data/cpi_u.csv``.

A cargo class may have rates of its own, per tonne, for the markets it moves in (bulk grain goes by Caspian
general-cargo ship at so many US$ per tonne, by wagon at a per-tonne tariff): keys ``<class>:<key>`` in the same
``rates`` mapping (``dry_bulk:sea.caspian``; in a set's file, a ``[rates_by_class.<class>]`` table), and
``<class>:<transfer kind>`` or ``<class>:transfer.<id>`` for handling per tonne at a transfer. A class's own rate
wins over every class-less one; where a class has none, its costs are the class-less ones, unchanged. So one
parameter set still carries every class: ``segment_costs(..., cargo_class="dry_bulk")``.

A class may have times of its own in the same way: hours between its sailings on a water service
(``headway_h["dry_bulk:caspian"]``: bulk waits for a chartered general-cargo ship, not for a container line's
weekly sailing) and its dwell at transfers (``dwell_h["dry_bulk:port_call"]``, ``dwell_h["dry_bulk:transfer.<id>"]``,
hours per cargo unit); in a set's file, a ``[times_by_class.<class>]`` table with keys ``headway_h.<service>`` and
``dwell_h.<transfer kind>`` / ``dwell_h.transfer.<id>``.
"""

from __future__ import annotations

import dataclasses
import functools
import numbers
import pathlib
import tomllib
from collections.abc import Iterator, Mapping
from typing import Any, Literal, NamedTuple, get_args

import numpy as np
import pandas as pd
import pycountry

from corridor import _model, datasets
from corridor._validate import nearest

__all__ = [
    "CargoUnit",
    "Rate",
    "CostParameters",
    "assumption_sets",
    "deflator",
    "segment_costs",
    "transfer_costs",
    "element_costs",
]

CargoUnit = Literal["teu", "feu", "tonne"]
CARGO_UNITS: tuple[str, ...] = get_args(CargoUnit)
RATE_UNITS = {
    "usd_per_teu_km": "US$ per TEU-km",
    "usd_per_container_km": "US$ per container-km (one 20' or 40' box, as trucks and some railways quote)",
    "usd_per_teu": "US$ per TEU per leg (sea freight) or per passage (canal dues)",
    "usd_per_tkm": "US$ per tonne-km (bulk)",
    "usd_per_tonne": "US$ per tonne per leg (bulk sea freight) or per handling (a transfer)",
}
CLASS_SEGMENT_UNITS = ("usd_per_tonne", "usd_per_tkm")
"""Units of a cargo class's own segment rates (``<class>:<key>``): a class's rates are per tonne."""
CLASS_TRANSFER_UNITS = ("usd_per_tonne",)
"""Units of a cargo class's own transfer fees (``<class>:<transfer kind>``, ``<class>:transfer.<id>``)."""
_SCALARS = {
    "cargo_value_usd_per_tonne": "USD per t",
    "value_of_time_pct_per_day": "% of cargo value per day",
    "empty_return_share": "share of loaded moves",
    "empty_cost_ratio": "cost of an empty move / loaded move",
    "sea_headway_h": "h between sailings",
    "carbon_price_usd_per_t": "USD per t CO2e",
}
_SHARES = ("empty_return_share", "empty_cost_ratio")
_MAPPINGS = ("co2e_kg_per_tkm", "rates", "headway_h", "dwell_h", "rate_usd_per_tkm", "sources", "ranges")
TIME_KEYS = ("headway_h", "dwell_h")
"""What a ``[times_by_class.<class>]`` table may give: ``headway_h.<service>``, ``dwell_h.<kind | transfer.<id>>``."""
_FIGURE_KEYS = ("value", "low", "high", "unit", "source", "confidence")


class ReadOnlyMapping(Mapping[str, Any]):
    """A mapping that cannot be changed after it is made (unlike ``types.MappingProxyType``, it pickles and copies).

    Examples
    --------
    >>> m = ReadOnlyMapping({"rail": 0.02})
    >>> m["rail"], dict(m)
    (0.02, {'rail': 0.02})
    >>> m["rail"] = 1.0
    Traceback (most recent call last):
    ...
    TypeError: 'ReadOnlyMapping' object does not support item assignment
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._data.items(), key=lambda item: str(item[0]))))

    def __reduce__(self) -> tuple[Any, ...]:
        return (ReadOnlyMapping, (self._data,))


class Rate(NamedTuple):
    """A money rate as the market quotes it: its value, unit (one of ``RATE_UNITS``) and price year."""

    value: float
    unit: str
    year: int


@dataclasses.dataclass(frozen=True)
class CostParameters:
    """Every assumption a comparison rests on, with its source.

    Load a named set with :meth:`load` (:meth:`default` is the ``baseline`` set) and change it with
    :meth:`replace`. Every way of making one validates every figure (finite, of the right sign, keys that name
    a mode, service or country), and it is immutable all the way down: its mappings are read-only
    (:class:`ReadOnlyMapping`), so a search never sees a figure that was not checked. Results are nominal US$ of
    `price_year`; emission factors are tank-to-wheel (TTW) kg CO2e per tonne-km.

    Attributes
    ----------
    cargo_unit : {"teu", "feu", "tonne"}
        What one unit of every result is: a loaded 20-ft container, a loaded 40-ft container or a tonne.
    tonnes_per_unit, teu_per_unit : float
        Net cargo (t) and TEU in one cargo unit.
    price_year : int
        The year whose US$ every money figure is converted to (US CPI-U).
    cargo_value_usd_per_tonne : float
    value_of_time_pct_per_day : float
        Cost of a day in transit as % of cargo value.
    empty_return_share, empty_cost_ratio : float
        Share of loaded boxes on a route that must come back empty (the trade imbalance of the pair; 0 for a
        balanced trade) and what an empty move costs relative to a loaded one. Charged per route, by the
        cheapest way back (see :class:`corridor.routing.Route`), not on every segment.
    sea_headway_h : float
        Hours between sailings; a water segment adds a mean wait of half of it, unless `headway_h` gives
        its service's own.
    headway_h : mapping
        Hours between sailings by water service (``mainline``, ``feeder``, ``regional``, ``caspian``, ``river``);
        ``<class>:<service>`` gives a cargo class's own (``dry_bulk:caspian``), which wins for that class.
    dwell_h : mapping
        A cargo class's own dwell at transfers, hours per cargo unit, instead of the corridor's ``time_h_mode``:
        ``<class>:transfer.<id>`` for one transfer, else ``<class>:<transfer kind>`` (``dry_bulk:port_call``).
    carbon_price_usd_per_t : float
    co2e_kg_per_tkm : mapping
        Emission factors by ``mode`` or ``mode.branch`` (the more specific one wins).
    rates : mapping of str to Rate
        Money rates by key, the most specific first: ``segment.<id>``, ``<mode>.<service>`` (water) or
        ``<mode>.<ISO3>`` (land), ``<mode>``; and canal dues ``passage.<name>`` per TEU per passage. A
        segment's own ``cost_usd_per_tkm`` in the data wins over these defaults. A cargo class's own rates,
        per tonne, are keyed ``<class>:<key>`` (``dry_bulk:sea.caspian``, ``dry_bulk:rail.IRN``) and fees per
        tonne at transfers ``<class>:<transfer kind>`` (``dry_bulk:port_call``) or ``<class>:transfer.<id>``;
        for that class they win over every class-less rate of the set and a transfer's fee per TEU (a
        container figure), not over a segment's own ``cost_usd_per_tkm`` (see :func:`segment_costs`).
    rate_usd_per_tkm : mapping
        Overrides of any segment's money rate by ``mode`` or ``mode.country`` (ISO3), in US$ per t-km of
        `price_year`: the user's word beats the data and the set.
    assumption_set : str
        The name of the set the parameters came from.
    sources : mapping
        parameter -> (unit, source, confidence) for printing.
    ranges : mapping
        parameter -> (low, high) for the figures the set gives a range for, keyed like `sources` (``sea_headway_h``,
        ``headway_h.feeder``, ``co2e_kg_per_tkm.rail``, ``rates.rail.RUS``; a rate's range is in its own unit and
        year). A value changed with :meth:`replace` loses its range. Used by :mod:`corridor.uncertainty`.

    Examples
    --------
    >>> from corridor.costs import CostParameters
    >>> p = CostParameters.default(cargo_unit="feu")
    >>> p.tonnes_per_unit, p.teu_per_unit
    (20.0, 2.0)
    >>> p.replace(empty_return_share=0.0).empty_return_share
    0.0
    """

    cargo_unit: CargoUnit
    tonnes_per_unit: float
    teu_per_unit: float
    price_year: int
    cargo_value_usd_per_tonne: float
    value_of_time_pct_per_day: float
    empty_return_share: float
    empty_cost_ratio: float
    sea_headway_h: float
    carbon_price_usd_per_t: float
    co2e_kg_per_tkm: Mapping[str, float]
    rates: Mapping[str, Rate] = dataclasses.field(default_factory=dict)
    headway_h: Mapping[str, float] = dataclasses.field(default_factory=dict)
    dwell_h: Mapping[str, float] = dataclasses.field(default_factory=dict)
    rate_usd_per_tkm: Mapping[str, float] = dataclasses.field(default_factory=dict)
    assumption_set: str = "custom"
    sources: Mapping[str, tuple[str, str, str]] = dataclasses.field(default_factory=dict, repr=False)
    emission_basis: str = "TTW"
    ranges: Mapping[str, tuple[float, float]] = dataclasses.field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name in _MAPPINGS:
            value = getattr(self, name)
            if not isinstance(value, Mapping):
                raise TypeError(
                    f"`{name}` is a {type(value).__name__} ({value!r}); expected a mapping such as "
                    f"{_EXAMPLES.get(name, {})!r}."
                )
            if name == "rates":  # a rate may come as a (value, unit, year) tuple
                value = {k: Rate(*r) if isinstance(r, tuple) and len(r) == 3 else r for k, r in value.items()}
            object.__setattr__(self, name, ReadOnlyMapping(value))
        self._checked()

    @classmethod
    def default(cls, *, cargo_unit: CargoUnit = "teu", **changes: Any) -> CostParameters:
        """The ``baseline`` assumption set for `cargo_unit`, with `changes` applied."""
        return cls.load("baseline", cargo_unit=cargo_unit, **changes)

    @classmethod
    def load(
        cls, name: str | pathlib.Path = "baseline", *, cargo_unit: CargoUnit = "teu", **changes: Any
    ) -> CostParameters:
        """A shipped assumption set by name (see :func:`assumption_sets`) or a TOML file by path.

        Examples
        --------
        >>> from corridor.costs import CostParameters
        >>> CostParameters.load("pre2020").price_year
        2019
        """
        if not isinstance(name, str | pathlib.PurePath):
            raise TypeError(f"`name` was {name!r}; expected an assumption set's name, such as 'baseline', or a path.")
        path = pathlib.Path(name)
        if path.suffix != ".toml":
            sets = assumption_sets()
            if str(name) not in sets:
                raise ValueError(
                    f"assumption set {str(name)!r} is not shipped{nearest(str(name), sets)}; available: "
                    f"{sorted(sets)}, or give the path of a .toml file."
                )
            path = sets[str(name)]
        return cls.from_toml(path, cargo_unit=cargo_unit, **changes)

    @classmethod
    def from_toml(cls, path: str | pathlib.Path, *, cargo_unit: CargoUnit = "teu", **changes: Any) -> CostParameters:
        """Parameters from an assumption-set file; errors name the file, the key and the value."""
        if cargo_unit not in CARGO_UNITS:
            raise ValueError(
                f"`cargo_unit` was {cargo_unit!r}; expected one of {list(CARGO_UNITS)}"
                f"{nearest(cargo_unit, CARGO_UNITS)}."
            )
        spec = _read_set(pathlib.Path(path))
        figures, rates, name = spec["figures"], spec["rates"], spec["name"]
        value = {key: f["value"] for key, f in figures.items()}
        sources = {key: (f.get("unit", ""), f["source"], f["confidence"]) for key, f in figures.items()}
        sources |= {f"rates.{key}": (RATE_UNITS[r["unit"]], r["source"], r["confidence"]) for key, r in rates.items()}
        ranges = {key: (float(f["low"]), float(f["high"])) for key, f in figures.items() if {"low", "high"} <= set(f)}
        ranges |= {
            f"rates.{key}": (float(r["low"]), float(r["high"])) for key, r in rates.items() if {"low", "high"} <= set(r)
        }
        for field, key in (("tonnes_per_unit", "tonnes"), ("teu_per_unit", "teu")):
            if f"cargo_unit.{cargo_unit}.{key}" in ranges:
                ranges[field] = ranges[f"cargo_unit.{cargo_unit}.{key}"]
        base = cls(
            cargo_unit=cargo_unit,
            tonnes_per_unit=float(value[f"cargo_unit.{cargo_unit}.tonnes"]),
            teu_per_unit=float(value[f"cargo_unit.{cargo_unit}.teu"]),
            price_year=int(value["price_year"]),
            co2e_kg_per_tkm=_prefixed(value, "co2e_kg_per_tkm."),
            headway_h=_prefixed(value, "headway_h."),
            dwell_h=_prefixed(value, "dwell_h."),
            rates={key: Rate(float(r["value"]), r["unit"], int(r["year"])) for key, r in rates.items()},
            assumption_set=name,
            sources={
                **sources,
                "tonnes_per_unit": sources[f"cargo_unit.{cargo_unit}.tonnes"],
                "teu_per_unit": sources[f"cargo_unit.{cargo_unit}.teu"],
            },
            ranges=ranges,
            **{k: float(value[k]) for k in _SCALARS},
        )
        return base.replace(**changes) if changes else base

    def replace(self, **changes: Any) -> CostParameters:
        """A copy with `changes`; each changed value is recorded as set by the user.

        Mappings (``rates``, ``co2e_kg_per_tkm``, ``headway_h``, ``dwell_h``, ``rate_usd_per_tkm``) are merged into the
        current ones; a rate may be given as a :class:`Rate` or a ``(value, unit, year)`` tuple.
        """
        fields = {f.name for f in dataclasses.fields(self)} - {"sources", "cargo_unit", "emission_basis", "ranges"}
        unknown = [k for k in changes if k not in fields]
        if unknown:
            hints = "".join(nearest(k, fields) for k in unknown)
            raise TypeError(f"unknown cost parameter(s) {unknown}{hints}; expected some of {sorted(fields)}.")
        sources, ranges = dict(self.sources), dict(self.ranges)
        for name, new in changes.items():
            if name in _MAPPINGS and not isinstance(new, Mapping):
                raise TypeError(
                    f"`{name}` is a {type(new).__name__} ({new!r}); expected a mapping such as "
                    f"{_EXAMPLES.get(name, {})!r}, merged into the current one."
                )
            if isinstance(new, Mapping):
                for key in new:
                    unit = sources.get(f"{name}.{key}", ("",))[0]
                    sources[f"{name}.{key}"] = (unit, "set by the user", "-")
                    ranges.pop(f"{name}.{key}", None)
                changes[name] = {**getattr(self, name), **new}
            elif name != "assumption_set":
                sources[name] = (sources.get(name, (_SCALARS.get(name, ""),))[0], "set by the user", "-")
                ranges.pop(name, None)
        return dataclasses.replace(self, **changes, sources=sources, ranges=ranges)

    @functools.cached_property
    def key(self) -> tuple:
        """Every value that changes a cost, as a hashable tuple (sources left out): equal keys, equal costs."""
        return tuple(
            tuple(sorted(value.items())) if isinstance(value, Mapping) else value
            for field in dataclasses.fields(self)
            if field.name not in ("sources", "assumption_set", "ranges")
            for value in [getattr(self, field.name)]
        )

    @property
    def value_of_time_usd_per_h(self) -> float:
        """Value of one cargo unit's time, US$ per hour."""
        unit_value = self.cargo_value_usd_per_tonne * self.tonnes_per_unit
        return unit_value * self.value_of_time_pct_per_day / 100.0 / 24.0

    @property
    def containers_per_unit(self) -> float:
        """Boxes in one cargo unit: one for a TEU or an FEU, a share of a 20-ft box for a tonne."""
        return self.teu_per_unit if self.cargo_unit == "tonne" else 1.0

    @property
    def priced_classes(self) -> tuple[str, ...]:
        """The cargo classes with rates of their own (keys ``<class>:...`` in `rates`), sorted.

        Examples
        --------
        >>> from corridor.costs import CostParameters
        >>> CostParameters.default().priced_classes
        ('dry_bulk',)
        """
        return tuple(sorted({key.partition(":")[0] for key in self.rates if ":" in key}))

    @property
    def timed_classes(self) -> tuple[str, ...]:
        """The cargo classes with times of their own (``<class>:...`` keys in `headway_h` or `dwell_h`), sorted.

        Examples
        --------
        >>> from corridor.costs import CostParameters
        >>> CostParameters.default().timed_classes
        ('dry_bulk',)
        """
        keys = [*self.headway_h, *self.dwell_h]
        return tuple(sorted({key.partition(":")[0] for key in keys if ":" in key}))

    @property
    def own_classes(self) -> tuple[str, ...]:
        """The cargo classes with rates or times of their own (:attr:`priced_classes`, :attr:`timed_classes`)."""
        return tuple(sorted({*self.priced_classes, *self.timed_classes}))

    def without_class_rates(self) -> CostParameters:
        """A copy in which every class is priced with the class-less rates (the ``<class>:...`` rates dropped).

        The costs every class had before classes had rates of their own: the *before* of a comparison.

        Examples
        --------
        >>> from corridor.costs import CostParameters
        >>> CostParameters.default().without_class_rates().priced_classes
        ()
        """
        drop = [key for key in self.rates if ":" in key]
        if not drop:
            return self
        sources = {k: v for k, v in self.sources.items() if k.removeprefix("rates.") not in drop}
        ranges = {k: v for k, v in self.ranges.items() if k.removeprefix("rates.") not in drop}
        rates = {k: v for k, v in self.rates.items() if k not in drop}
        return dataclasses.replace(self, rates=rates, sources=sources, ranges=ranges)

    def without_class_times(self) -> CostParameters:
        """A copy in which every class waits and dwells as the containers do (the ``<class>:...`` times dropped).

        Examples
        --------
        >>> from corridor.costs import CostParameters
        >>> CostParameters.default().without_class_times().timed_classes
        ()
        """
        drop = {f"{name}.{key}" for name in TIME_KEYS for key in getattr(self, name) if ":" in key}
        if not drop:
            return self
        kept = {name: {k: v for k, v in getattr(self, name).items() if ":" not in k} for name in TIME_KEYS}
        sources = {k: v for k, v in self.sources.items() if k not in drop}
        ranges = {k: v for k, v in self.ranges.items() if k not in drop}
        return dataclasses.replace(self, **kept, sources=sources, ranges=ranges)

    def to_frame(self) -> pd.DataFrame:
        """Every assumption with its value, unit, source and confidence, indexed by parameter.

        Examples
        --------
        >>> from corridor.costs import CostParameters
        >>> CostParameters.default().to_frame().loc["cargo_unit", "value"]
        'teu'
        """
        rows = {
            "assumption_set": (self.assumption_set, "", "data/assumptions/ or a user file", "-"),
            "cargo_unit": (self.cargo_unit, "", "explicit argument", "-"),
            "emission_basis": (self.emission_basis, "", "tank-to-wheel factors (DESNZ/DEFRA 2025)", "-"),
            "value_of_time_usd_per_h": (
                round(self.value_of_time_usd_per_h, 2), "USD per unit-hour", "derived: value x share / 24", "-"
            ),
        }  # fmt: skip
        for name in ("price_year", "tonnes_per_unit", "teu_per_unit", *_SCALARS):
            rows[name] = (getattr(self, name), *self.sources.get(name, ("", "", "")))
        for prefix in ("headway_h", "dwell_h", "co2e_kg_per_tkm", "rate_usd_per_tkm"):
            for key, value in sorted(getattr(self, prefix).items()):
                rows[f"{prefix}.{key}"] = (value, *self.sources.get(f"{prefix}.{key}", ("", "", "")))
        for key, rate in sorted(self.rates.items()):
            unit, source, confidence = self.sources.get(f"rates.{key}", (RATE_UNITS.get(rate.unit, ""), "", ""))
            rows[f"rates.{key}"] = (rate.value, f"{rate.unit} ({rate.year} US$)", source, confidence)
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=["value", "unit", "source", "confidence"])
        return frame.rename_axis("parameter")

    def differences(self, other: CostParameters) -> pd.DataFrame:
        """The parameters whose value differs from `other`'s: both values side by side.

        Examples
        --------
        >>> from corridor.costs import CostParameters
        >>> CostParameters.load("balanced").differences(CostParameters.load("baseline")).index.tolist()
        ['assumption_set', 'empty_return_share']
        """
        mine, theirs = self.to_frame()["value"], other.to_frame()["value"]
        names = (self.assumption_set, other.assumption_set)
        if names[0] == names[1]:  # e.g. a set and its changed copy: one column each all the same
            names = ("this", "other")
        both = pd.concat(dict(zip(names, (mine, theirs), strict=True)), axis=1)
        differs = both.iloc[:, 0].astype(str).ne(both.iloc[:, 1].astype(str))
        return both[differs & ~both.index.isin(["value_of_time_usd_per_h"])]

    def __str__(self) -> str:
        frame = self.to_frame()
        return "\n".join(
            f"{name:34s} {row.value!s:>10} {row.unit:30s} [{row.confidence}] {row.source}"
            for name, row in frame.iterrows()
        )

    def _checked(self) -> CostParameters:
        problems = []
        if self.cargo_unit not in CARGO_UNITS:
            problems.append(
                f"`cargo_unit` is {self.cargo_unit!r}; expected one of {list(CARGO_UNITS)}"
                f"{nearest(self.cargo_unit, CARGO_UNITS)}."
            )
        for name in ("tonnes_per_unit", "teu_per_unit", "cargo_value_usd_per_tonne", "sea_headway_h"):
            value = getattr(self, name)
            if not (_is_number(value) and value > 0):
                problems.append(f"`{name}` is {value!r}; it must be a positive finite number.")
        for name in ("value_of_time_pct_per_day", "carbon_price_usd_per_t"):
            value = getattr(self, name)
            if not (_is_number(value) and value >= 0):
                problems.append(f"`{name}` is {value!r}; it must be a finite number >= 0 (it cannot be negative).")
        for name in _SHARES:
            value = getattr(self, name)
            if not (_is_number(value) and 0.0 <= value <= 1.0):
                problems.append(f"`{name}` is {value!r}; expected a share between 0 and 1.")
        years = _cpi_u().index
        if not _is_whole(self.price_year):
            problems.append(f"`price_year` is {self.price_year!r}; expected a whole year such as 2024.")
        elif self.price_year not in years:
            problems.append(f"`price_year` is {self.price_year}; the price index covers {years.min()}-{years.max()}.")
        keyed = [*self.rates, *self.headway_h, *self.dwell_h]
        classes = _cargo_classes() if any(":" in str(key) for key in keyed) else None  # read once
        for name in ("co2e_kg_per_tkm", "rate_usd_per_tkm", "headway_h", "dwell_h"):
            for k, v in getattr(self, name).items():
                if not (_is_number(v) and v >= 0):
                    problems.append(f"`{name}['{k}']` is {v!r}; it must be a finite number >= 0.")
                problems += _key_problems(name, k, classes=classes)
        for key, rate in self.rates.items():
            if not isinstance(rate, Rate):
                problems.append(f"`rates['{key}']` is {rate!r}; expected a Rate or a (value, unit, year) tuple.")
                continue
            problems += _rate_problems(f"rates['{key}']", rate.value, rate.unit, rate.year)
            problems += _key_problems("rates", key, unit=rate.unit, classes=classes)
        if problems:
            raise ValueError("invalid cost parameters: " + " ".join(problems))
        return self


_EXAMPLES = {
    "co2e_kg_per_tkm": {"rail": 0.025, "sea.suez": 0.008},
    "rates": {"rail.KAZ": (1.2, "usd_per_teu_km", 2022)},
    "headway_h": {"caspian": 96.0, "dry_bulk:caspian": 48.0},
    "dwell_h": {"dry_bulk:port_call": 24.0},
    "rate_usd_per_tkm": {"rail": 0.04, "road.IRN": 0.06},
    "sources": {"price_year": ("", "my source", "M")},
}
_KEY_FORMS = {
    "co2e_kg_per_tkm": "a mode or 'mode.branch'",
    "rate_usd_per_tkm": "a mode or 'mode.ISO3'",
    "headway_h": "a water service or '<class>:<service>'",
    "dwell_h": "'<class>:<transfer kind>' or '<class>:transfer.<id>'",
    "rates": "'segment.<id>', 'passage.<name>', a mode, or 'mode.<service>' / 'mode.<ISO3>'",
}
_CLASS_KEY_FORM = (
    "'<class>:<key>' with a segment key ('segment.<id>', a mode, 'mode.<service>' / 'mode.<ISO3>') or a transfer "
    "key (a transfer kind, 'transfer.<id>')"
)


def _is_number(value: Any) -> bool:
    """A real, finite number (not a bool, not text)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and bool(np.isfinite(value))


def _is_whole(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@functools.cache
def _is_iso3(code: str) -> bool:
    return len(code) == 3 and code.isupper() and pycountry.countries.get(alpha_3=code) is not None


def _cargo_classes() -> list[str]:
    """The cargo classes a class's own rates may name: the shipped table's (``data/trade/cargo_classes.csv``).

    Read again only when the table changes on disk: parameters are checked each time one is made.
    """
    path = datasets.get_path("trade") / "cargo_classes.csv"
    return list(_cargo_classes_as_of(path.stat().st_mtime_ns))


@functools.cache
def _cargo_classes_as_of(_mtime_ns: int) -> tuple[str, ...]:  # the file's mtime keys the cache
    from corridor.trade import CARGO_CLASSES, load_cargo_classes  # trade sits above costs; imported when needed

    return tuple(dict.fromkeys([*CARGO_CLASSES, *load_cargo_classes().index]))


def _class_key_problems(key: str, unit: Any, classes: list[str] | None = None) -> list[str]:
    """A cargo class's own rate ``<class>:<key>``: a known class, a segment or transfer key, a per-tonne unit."""
    cargo_class, _, rest = key.partition(":")
    classes = _cargo_classes() if classes is None else classes
    problems = []
    label = f"`rates` has the key {key!r}"
    if cargo_class not in classes:
        problems.append(f"{label}: {cargo_class!r} is not a cargo class {classes}{nearest(cargo_class, classes)}.")
    head, _, tail = rest.partition(".")
    transfer = head == "transfer" or rest in _model.TRANSFER_KINDS
    if head in ("segment", "transfer"):
        if not tail:
            problems.append(f"{label}: {head!r} needs an id after it ('{head}.<id>'); expected {_CLASS_KEY_FORM}.")
    elif not transfer:
        choices = [*_model.MODES, *_model.TRANSFER_KINDS]
        if head not in _model.MODES:
            problems.append(
                f"{label}: {head!r} is neither a mode {list(_model.MODES)} nor a transfer kind "
                f"{list(_model.TRANSFER_KINDS)}{nearest(head, choices)}; expected {_CLASS_KEY_FORM}."
            )
        elif tail and tail not in _model.SERVICES and not _is_iso3(tail):
            problems.append(
                f"{label}: {tail!r} is neither a water service {list(_model.SERVICES)} nor an ISO 3166 alpha-3 "
                f"code{nearest(tail, _model.SERVICES)}; expected {_CLASS_KEY_FORM}."
            )
    allowed = CLASS_TRANSFER_UNITS if transfer else CLASS_SEGMENT_UNITS
    if unit is not None and unit not in allowed:
        what = "fee at a transfer" if transfer else "segment rate"
        problems.append(
            f"{label} with unit {unit!r}: a cargo class's own {what} is per tonne; expected one of {list(allowed)}"
            f"{nearest(unit, allowed)}."
        )
    return problems


def _class_time_problems(name: str, key: str, classes: list[str] | None = None) -> list[str]:
    """A cargo class's own time: ``<class>:<service>`` (headway) or ``<class>:<kind>`` / ``<class>:transfer.<id>``."""
    cargo_class, _, rest = key.partition(":")
    classes = _cargo_classes() if classes is None else classes
    problems, label = [], f"`{name}` has the key {key!r}"
    if cargo_class not in classes:
        problems.append(f"{label}: {cargo_class!r} is not a cargo class {classes}{nearest(cargo_class, classes)}.")
    if name == "headway_h" and rest not in _model.SERVICES:
        problems.append(
            f"{label}: {rest!r} is not a water service {list(_model.SERVICES)}{nearest(rest, _model.SERVICES)}; "
            f"expected {_KEY_FORMS[name]}."
        )
    if name == "dwell_h":
        head, _, tail = rest.partition(".")
        if head == "transfer" and not tail:
            problems.append(f"{label}: 'transfer' needs an id after it ('transfer.<id>'); expected {_KEY_FORMS[name]}.")
        elif head != "transfer" and rest not in _model.TRANSFER_KINDS:
            problems.append(
                f"{label}: {rest!r} is not a transfer kind {list(_model.TRANSFER_KINDS)}"
                f"{nearest(rest, _model.TRANSFER_KINDS)}; expected {_KEY_FORMS[name]}."
            )
    return problems


def _key_problems(name: str, key: Any, *, unit: Any = None, classes: list[str] | None = None) -> list[str]:
    """A key of a parameter mapping that names no mode, service or country (a typo would be ignored)."""
    form = _KEY_FORMS[name]
    if not isinstance(key, str):
        return [f"`{name}` has the key {key!r}; expected {form}."]
    if name == "rates" and ":" in key:
        return _class_key_problems(key, unit, classes)
    if name in TIME_KEYS and ":" in key:
        return _class_time_problems(name, key, classes)
    if name == "dwell_h":
        return [f"`{name}` has the key {key!r}: a dwell of its own is a cargo class's; expected {form}."]
    head, _, tail = key.partition(".")
    if name == "headway_h":
        ok, choices = key in _model.SERVICES, list(_model.SERVICES)
        shown = key
    elif name == "rates" and head in ("segment", "passage"):
        return [] if tail else [f"`{name}` has the key {key!r}; expected {form}."]
    else:
        ok, choices, shown = head in _model.MODES, list(_model.MODES), head
        if ok and tail and name == "rate_usd_per_tkm" and not _is_iso3(tail):
            return [f"`{name}` has the key {key!r}: {tail!r} is not an ISO 3166 alpha-3 code; expected {form}."]
        if ok and tail and name == "rates" and tail not in _model.SERVICES and not _is_iso3(tail):
            return [
                f"`{name}` has the key {key!r}: {tail!r} is neither a water service {list(_model.SERVICES)} nor an "
                f"ISO 3166 alpha-3 code; expected {form}."
            ]
    if ok:
        return []
    return [
        f"`{name}` has the key {key!r}: {shown!r} is not one of {choices}{nearest(shown, choices)}; expected {form}."
    ]


def assumption_sets() -> dict[str, pathlib.Path]:
    """The shipped assumption sets by name.

    Examples
    --------
    >>> from corridor.costs import assumption_sets
    >>> sorted(assumption_sets())
    ['balanced', 'baseline', 'pre2020']
    """
    folder = datasets.get_path("assumptions")
    return {path.stem: path for path in sorted(folder.glob("*.toml"))}


def cpi_u() -> pd.Series:
    """US CPI-U annual averages (1982-84 = 100) by year, from ``data/cpi_u.csv`` (BLS series CUUR0000SA0).

    A fresh copy each call: changing it changes no cost.
    """
    return _cpi_u().copy()


@functools.cache
def _cpi_u() -> pd.Series:
    """The CPI-U series, read once (callers must not change it; :func:`cpi_u` hands out copies)."""
    table = pd.read_csv(datasets.get_path("cpi_u"), index_col="year")
    return table["cpi_u"].astype(float)


def deflator(from_year: Any, to_year: int) -> Any:
    """Factor that turns US$ of `from_year` (a year or an array of years) into US$ of `to_year` (US CPI-U).

    Examples
    --------
    >>> from corridor.costs import deflator
    >>> round(deflator(2017, 2024), 3)
    1.28
    >>> deflator(2022, 2022)
    1.0
    """
    index = _cpi_u()
    years = np.asarray(from_year)
    unknown = sorted(set(np.unique(years[~pd.isna(years)]).astype(int).tolist()) - set(index.index))
    if unknown or to_year not in index.index:
        raise ValueError(
            f"no price index for {unknown or [to_year]}; `data/cpi_u.csv` covers "
            f"{index.index.min()}-{index.index.max()}."
        )
    factor = index[to_year] / index.reindex(years.ravel()).to_numpy().reshape(years.shape)
    return float(factor) if np.ndim(factor) == 0 else factor


def _rate_problems(label: str, value: Any, unit: Any, year: Any) -> list[str]:
    problems = []
    if not (_is_number(value) and value >= 0):
        problems.append(f"`{label}` has value {value!r}; expected a finite number >= 0.")
    if unit not in RATE_UNITS:
        problems.append(f"`{label}` has unit {unit!r}; expected one of {list(RATE_UNITS)}{nearest(unit, RATE_UNITS)}.")
    if not (_is_whole(year) and year in _cpi_u().index):
        problems.append(f"`{label}` has year {year!r}; expected a price year the CPI-U table covers.")
    return problems


def _prefixed(values: Mapping[str, Any], prefix: str) -> dict[str, float]:
    return {k.removeprefix(prefix): float(v) for k, v in values.items() if k.startswith(prefix)}


_REQUIRED = ("price_year", "cargo_unit.teu.tonnes", "cargo_unit.teu.teu", "cargo_unit.feu.tonnes",
             "cargo_unit.feu.teu", "cargo_unit.tonne.tonnes", "cargo_unit.tonne.teu", *_SCALARS)  # fmt: skip


_SETS: dict[pathlib.Path, tuple[tuple[tuple[pathlib.Path, int], ...], dict[str, Any]]] = {}


def _read_set(path: pathlib.Path) -> dict[str, Any]:
    """An assumption set, read again only when it or a set it extends has changed on disk since."""
    kept = _SETS.get(path)
    if kept and all(_mtime(p) == m for p, m in kept[0]):
        return kept[1]
    spec = _parse_set(path)
    _SETS[path] = (tuple((p, _mtime(p)) for p in spec["files"]), spec)
    return spec


def _mtime(path: pathlib.Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def _parse_set(path: pathlib.Path) -> dict[str, Any]:
    """Read an assumption set (following ``extends``), checking every figure; one error lists every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"assumption set {str(path)!r} does not exist.") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"assumption set {str(path)!r} is not valid TOML: {error}.") from None
    problems: list[str] = []
    unknown = set(data) - {"name", "description", "extends", "parameters", "rates", "rates_by_class", "times_by_class"}
    sections = ["parameters", "rates", "rates_by_class", "times_by_class", "extends"]
    problems += [f"unknown section or key `{k}`{nearest(k, sections)}" for k in unknown]
    base: dict[str, Any] = {"figures": {}, "rates": {}, "files": ()}
    if "extends" in data:
        parent = path.with_name(f"{data['extends']}.toml")
        if parent == path or not parent.is_file():
            problems.append(f"`extends` is {data['extends']!r}, which is not an assumption set beside this file")
        else:
            base = _read_set(parent)
    figures = dict(base["figures"])
    for key, figure in _flatten(data.get("parameters", {})).items():
        problems += _figure_problems(f"parameters.{key}", figure, rate=False)
        figures[key] = figure
    rates = dict(base["rates"])
    for key, figure in data.get("rates", {}).items():
        problems += _figure_problems(f"rates.{key}", figure, rate=True)
        if ":" in str(key):  # a class's own rate; class-less keys are checked when the parameters are made
            problems += [p.rstrip(".") for p in _key_problems("rates", key, unit=_unit_of(figure))]
        rates[key] = figure
    for cargo_class, key, figure, label in _class_tables(data, "rates_by_class", "rates", problems):
        problems += _figure_problems(label, figure, rate=True)
        problems += [p.rstrip(".") for p in _key_problems("rates", f"{cargo_class}:{key}", unit=_unit_of(figure))]
        rates[f"{cargo_class}:{key}"] = figure
    for cargo_class, key, figure, label in _class_tables(data, "times_by_class", "times", problems):
        name, _, rest = str(key).partition(".")
        if name not in TIME_KEYS or not rest:
            problems.append(
                f"`{label}`: expected a key 'headway_h.<service>' or 'dwell_h.<transfer kind>' / "
                f"'dwell_h.transfer.<id>'{nearest(name, TIME_KEYS)}"
            )
            continue
        problems += _figure_problems(label, figure, rate=False)
        problems += [p.rstrip(".") for p in _class_time_problems(name, f"{cargo_class}:{rest}")]
        figures[f"{name}.{cargo_class}:{rest}"] = figure
    problems += [f"`parameters.{key}` is missing" for key in _REQUIRED if key not in figures]
    if problems:
        raise ValueError(f"assumption set {str(path)!r}: " + "; ".join(problems) + ".")
    return {"name": data.get("name", path.stem), "figures": figures, "rates": rates, "files": (path, *base["files"])}


def _class_tables(data: Mapping[str, Any], section: str, what: str, problems: list[str]):
    """(class, key, figure, label) of every figure in an assumption file's ``[<section>.<class>]`` tables.

    A section or a class that is not a table is added to `problems` and skipped.
    """
    tables = data.get(section, {})
    if not isinstance(tables, Mapping):
        problems.append(f"`{section}` is {tables!r}; expected tables such as [{section}.dry_bulk]")
        return
    for cargo_class, table in tables.items():
        if not isinstance(table, Mapping):
            problems.append(f"`{section}.{cargo_class}` is {table!r}; expected a table of {what} by key")
            continue
        for key, figure in table.items():
            yield cargo_class, key, figure, f"{section}.{cargo_class}.{key}"


def _unit_of(figure: Any) -> Any:
    """A rate figure's unit if it is a known one (an unknown unit is reported by :func:`_figure_problems`)."""
    unit = figure.get("unit") if isinstance(figure, Mapping) else None
    return unit if unit in RATE_UNITS else None


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"cargo_unit": {"teu": {"tonnes": {...figure...}}}}`` -> ``{"cargo_unit.teu.tonnes": {...}}``."""
    flat = {}
    for key, value in table.items():
        if isinstance(value, Mapping) and "value" not in value:
            flat |= _flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _figure_problems(label: str, figure: Any, *, rate: bool) -> list[str]:
    if not isinstance(figure, Mapping):
        return [f"`{label}` is {figure!r}; expected a table with `value`, `source` and `confidence`"]
    problems = []
    allowed = (*_FIGURE_KEYS, "year") if rate else _FIGURE_KEYS
    for key in set(figure) - set(allowed):
        problems.append(f"`{label}` has an unknown key `{key}`{nearest(key, allowed)}")
    for key in ("value", "source", "confidence", *(("unit", "year") if rate else ())):
        if key not in figure:
            problems.append(f"`{label}` has no `{key}`")
    if figure.get("confidence") not in (*_model.CONFIDENCES, None):
        problems.append(f"`{label}.confidence` is {figure['confidence']!r}; expected one of {list(_model.CONFIDENCES)}")
    if figure.get("confidence") == "L" and not {"low", "high"} <= set(figure):
        problems.append(f"`{label}` is low-confidence (L) but has no range; give `low` and `high`")
    value = figure.get("value")
    if rate and {"value", "unit", "year"} <= set(figure):
        problems += [p.rstrip(".") for p in _rate_problems(label, value, figure["unit"], figure["year"])]
    elif not rate and not isinstance(value, int | float | str):
        problems.append(f"`{label}.value` is {value!r}; expected a number")
    if (
        isinstance(value, int | float)
        and {"low", "high"} <= set(figure)
        and not figure["low"] <= value <= figure["high"]
    ):
        problems.append(f"`{label}`: low <= value <= high does not hold ({figure['low']} / {value} / {figure['high']})")
    return problems


def _lookup(table: Mapping[str, float], first: pd.Series, second: pd.Series) -> pd.Series:
    """Value for ``first.second`` if given, else for ``first``, else NaN."""
    specific = (first.astype(str) + "." + second.fillna("").astype(str)).map(table).astype(float)
    return specific.fillna(first.map(table).astype(float))  # float first: a pyarrow string maps to double[pyarrow]


def _rate_for(segments: pd.DataFrame, p: CostParameters, prefix: str = "") -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each segment's default rate from the set: value (in US$ of `p.price_year`), unit, key used.

    With `prefix` (``"<class>:"``), only that class's own rates are looked at.
    """
    mode = segments["mode"].astype(str)
    water = segments["mode"].isin(_model.WATER_MODES)
    area = segments["service"].where(water, segments["country"]).astype(object).fillna("").astype(str)
    candidates = [("segment." + segments.index.to_series().astype(str)), mode + "." + area, mode]
    candidates = [prefix + candidate for candidate in candidates]
    key = pd.Series(None, index=segments.index, dtype=object)
    for candidate in candidates:
        key = key.fillna(candidate.where(candidate.isin(list(p.rates))))
    value = key.map({k: r.value * deflator(r.year, p.price_year) for k, r in p.rates.items()}).astype(float)
    unit = key.map({k: r.unit for k, r in p.rates.items()}).astype(object)
    return value, unit, key


def segment_costs(
    segments: pd.DataFrame,
    parameters: CostParameters,
    *,
    data_year: int | None = None,
    cargo_class: str | None = None,
) -> pd.DataFrame:
    """Time (h), money (US$), CO2e (kg) and generalised cost (US$) of moving one cargo unit along each segment.

    ``moving_time_h`` = length / speed; ``wait_h`` = half the headway of the segment's water service (with
    `cargo_class`, the class's own ``<class>:<service>`` headway where the parameters give one).
    Money (``cost_usd``), in US$ of ``parameters.price_year``, from the first of: the user's
    ``rate_usd_per_tkm``; the segment's own ``cost_usd_per_tkm`` (priced in ``cost_year``, else `data_year`);
    the assumption set's rate for the segment, its mode and service or country, or its mode, in the unit the
    market quotes (per TEU-km, per container-km, per TEU per leg, per tonne-km, per tonne per leg). Canal dues
    are added per TEU for every passage with a ``passage.<name>`` rate. ``rate_source`` says which was used.

    With `cargo_class`, that class's own rates (``<class>:segment.<id>``, ``<class>:<mode>.<service|ISO3>``,
    ``<class>:<mode>``, per tonne, times ``tonnes_per_unit``) come after the user's ``rate_usd_per_tkm`` and the
    segment's own ``cost_usd_per_tkm`` (figures per tonne-km about the segment itself) and before every
    class-less rate of the set; a segment no class rate covers costs exactly what it costs without a class.

    Returns a DataFrame indexed like `segments`.

    Examples
    --------
    >>> import corridor
    >>> from corridor.costs import CostParameters, segment_costs
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> p = CostParameters.default(cargo_unit="tonne", price_year=2022)
    >>> segment_costs(toy.segments, p, data_year=2022).loc["a_b_rail", ["distance_km", "time_h", "cost_usd"]].tolist()
    [100.0, 2.0, 5.0]
    """
    p = parameters
    length = segments["length_km"]
    moving = length / segments["speed_kmh"]
    water = segments["mode"].isin(_model.WATER_MODES)
    service = segments.get("service", pd.Series(index=segments.index, dtype=object))
    headway = service.map(p.headway_h).astype(float)
    if cargo_class is not None and any(k.startswith(f"{cargo_class}:") for k in p.headway_h):
        own_headway = (f"{cargo_class}:" + service.astype(object).fillna("").astype(str)).map(p.headway_h)
        headway = own_headway.astype(float).fillna(headway)  # the class's own sailings first
    wait = headway.fillna(p.sea_headway_h).where(water, 0.0) / 2.0
    user = _lookup(p.rate_usd_per_tkm, segments["mode"], segments["country"])
    years = segments.get("cost_year", pd.Series(np.nan, index=segments.index)).fillna(data_year or p.price_year)
    own = segments["cost_usd_per_tkm"] * deflator(years.to_numpy(), p.price_year)
    rate, unit, key = _rate_for(segments, p)
    per_unit = {
        "usd_per_teu_km": length * p.teu_per_unit,
        "usd_per_container_km": length * p.containers_per_unit,
        "usd_per_teu": pd.Series(p.teu_per_unit, index=segments.index),
        "usd_per_tkm": length * p.tonnes_per_unit,
        "usd_per_tonne": pd.Series(p.tonnes_per_unit, index=segments.index),
    }
    from_set = _scaled(rate, unit, per_unit)
    if cargo_class is not None and any(k.startswith(f"{cargo_class}:") for k in p.rates):
        class_rate, class_unit, class_key = _rate_for(segments, p, f"{cargo_class}:")
        from_class = _scaled(class_rate, class_unit, per_unit)
    else:
        from_class = class_key = pd.Series(np.nan, index=segments.index, dtype=object)
        from_class = from_class.astype(float)
    money = (user * length * p.tonnes_per_unit).fillna(own * length * p.tonnes_per_unit)
    money = money.fillna(from_class).fillna(from_set)
    source = pd.Series("rate_usd_per_tkm (user)", index=segments.index).where(user.notna(), None)
    source = source.fillna(pd.Series("segment cost_usd_per_tkm", index=segments.index).where(own.notna(), None))
    source = source.fillna(("rates." + class_key.astype(object)).where(class_key.notna(), None))
    source = source.fillna("rates." + key.astype(object).where(key.notna(), "?"))
    dues = _canal_dues(segments, p)
    factor = _lookup(p.co2e_kg_per_tkm, segments["mode"], segments["branch"])
    out = pd.DataFrame(
        {
            "distance_km": length,
            "moving_time_h": moving,
            "wait_h": wait,
            "time_h": moving + wait,
            "cost_usd_freight": money,
            "cost_usd_passages": dues,
            "co2e_kg": p.tonnes_per_unit * length * factor,
            "rate_source": source.where(money.notna(), None),
        },
        index=segments.index,
    )
    out["cost_usd"] = out["cost_usd_freight"] + out["cost_usd_passages"]
    out["generalised_cost_usd"] = _generalised(out, p)
    return out


def _scaled(rate: pd.Series, unit: pd.Series, per_unit: Mapping[str, pd.Series]) -> pd.Series:
    scaled = pd.Series(np.nan, index=rate.index)
    for name, amount in per_unit.items():
        mask = unit.eq(name).to_numpy()
        scaled[mask] = (rate * amount)[mask]
    return scaled


def _canal_dues(segments: pd.DataFrame, p: CostParameters) -> pd.Series:
    dues = pd.Series(0.0, index=segments.index)
    crossed = ";" + segments["passages"].fillna("").astype(str) + ";"
    for key, rate in p.rates.items():
        if key.startswith("passage."):
            passes = crossed.str.contains(f";{key.removeprefix('passage.')};", regex=False).to_numpy(dtype=bool)
            dues[passes] += rate.value * deflator(rate.year, p.price_year) * p.teu_per_unit
    return dues


def transfer_costs(
    transfers: pd.DataFrame,
    parameters: CostParameters,
    *,
    data_year: int | None = None,
    cargo_class: str | None = None,
) -> pd.DataFrame:
    """Dwell time (h, the mode of the range), fees (US$) and generalised cost of one cargo unit at each transfer.

    Fees are recorded per TEU in US$ of ``cost_year`` (else `data_year`), scaled by ``teu_per_unit`` and
    converted to ``parameters.price_year``. With `cargo_class`, that class's own fee per tonne
    (``<class>:transfer.<id>``, else ``<class>:<kind>``) times ``tonnes_per_unit`` replaces the per-TEU fee
    where the set has one, and its own dwell (``dwell_h["<class>:transfer.<id>"]``, else
    ``dwell_h["<class>:<kind>"]``, hours) replaces ``time_h_mode``. A figure by kind leaves alone a transfer the
    corridor records as no stop (zero hours at most, such as a ship sailing on from a canal into the sea); one
    by id does not. Hub emissions are not counted (no default
    factor has been extracted from GLEC yet), so ``co2e_kg`` is 0.

    Examples
    --------
    >>> import corridor
    >>> from corridor.costs import CostParameters, transfer_costs
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> p = CostParameters.default(cargo_unit="feu", price_year=2022)
    >>> per_feu = transfer_costs(toy.transfers, p, data_year=2022)
    >>> per_feu.loc["b_border", ["time_h", "cost_usd"]].tolist()
    [4.0, 200.0]
    """
    p = parameters
    years = transfers.get("cost_year", pd.Series(np.nan, index=transfers.index)).fillna(data_year or p.price_year)
    fee = transfers["cost_usd_per_teu"].fillna(0.0) * deflator(years.to_numpy(), p.price_year) * p.teu_per_unit
    # a transfer recorded as no stop (no time at all: a ship sailing on from a canal into the sea) keeps its
    # zero figures under a class's figures by kind; a class's figure for that transfer by id still applies
    stops = transfers["time_h_max"].fillna(transfers["time_h_mode"]).gt(0) if "time_h_max" in transfers else True
    if cargo_class is not None and any(k.startswith(f"{cargo_class}:") for k in p.rates):
        per_tonne = {
            k: r.value * deflator(r.year, p.price_year) for k, r in p.rates.items() if r.unit == "usd_per_tonne"
        }
        own = (f"{cargo_class}:transfer." + transfers.index.to_series().astype(str)).map(per_tonne).astype(float)
        by_kind = (f"{cargo_class}:" + transfers["kind"].astype(str)).map(per_tonne).astype(float).where(stops)
        fee = (own.fillna(by_kind) * p.tonnes_per_unit).fillna(fee)
    dwell = transfers["time_h_mode"].astype(float)
    if cargo_class is not None and any(k.startswith(f"{cargo_class}:") for k in p.dwell_h):
        ids = transfers.index.to_series().astype(str)
        own_dwell = (f"{cargo_class}:transfer." + ids).map(p.dwell_h).astype(float)
        kind_dwell = (f"{cargo_class}:" + transfers["kind"].astype(str)).map(p.dwell_h).astype(float).where(stops)
        dwell = own_dwell.fillna(kind_dwell).fillna(dwell)
    out = pd.DataFrame(
        {
            "distance_km": 0.0,
            "moving_time_h": 0.0,
            "wait_h": dwell,
            "time_h": dwell,
            "cost_usd": fee,
            "co2e_kg": 0.0,
        },
        index=transfers.index,
    )
    out["generalised_cost_usd"] = _generalised(out, p)
    return out


def element_costs(corridor: Any, parameters: CostParameters, *, cargo_class: str | None = None) -> pd.DataFrame:
    """Segment and transfer costs in one table indexed by (``element_type``, ``element_id``).

    Money figures in the corridor's tables without a ``cost_year`` are taken to be in US$ of the corridor's
    ``price_year`` (``corridor.toml``). With `cargo_class`, priced with that class's own rates where the set has
    them (see :func:`segment_costs`, :func:`transfer_costs`).
    """
    year = corridor.metadata.get("price_year")
    return pd.concat(
        {
            "segment": segment_costs(corridor.segments, parameters, data_year=year, cargo_class=cargo_class),
            "transfer": transfer_costs(corridor.transfers, parameters, data_year=year, cargo_class=cargo_class),
        },
        names=["element_type", "element_id"],
    )


def _generalised(costs: pd.DataFrame, p: CostParameters) -> pd.Series:
    return (
        costs["cost_usd"]
        + p.value_of_time_usd_per_h * costs["time_h"]
        + p.carbon_price_usd_per_t * costs["co2e_kg"] / 1000.0
    )
