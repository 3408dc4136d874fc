"""Cost parameters, and how each segment and transfer turns into time, money, CO2e and generalised cost.

All results are per cargo unit (a loaded TEU, a loaded FEU or a tonne), which is always an explicit
parameter. Defaults come from ``data/parameters.csv``, where every value has a source, a confidence and a
range; :meth:`CostParameters.to_frame` prints them beside any result.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any, Literal, get_args

import pandas as pd

from corridor import datasets
from corridor._validate import nearest

__all__ = ["CargoUnit", "CostParameters", "segment_costs", "transfer_costs", "element_costs"]

CargoUnit = Literal["teu", "feu", "tonne"]
CARGO_UNITS: tuple[str, ...] = get_args(CargoUnit)
_SCALARS = {
    "cargo_value_usd_per_tonne": "USD per t",
    "value_of_time_pct_per_day": "% of cargo value per day",
    "empty_return_share": "share of loaded moves",
    "empty_cost_ratio": "cost of an empty move / loaded move",
    "sea_headway_h": "h between sailings",
    "carbon_price_usd_per_t": "USD per t CO2e",
}
_SHARES = ("empty_return_share", "empty_cost_ratio")


@dataclasses.dataclass(frozen=True)
class CostParameters:
    """Every assumption a comparison rests on, with its source.

    Build with :meth:`default` and change with :meth:`replace`; both validate. Money is nominal US$ of
    `price_year`; emission factors are tank-to-wheel (TTW) kg CO2e per tonne-km.

    Attributes
    ----------
    cargo_unit : {"teu", "feu", "tonne"}
        What one unit of every result is: a loaded 20-ft container, a loaded 40-ft container or a tonne.
    tonnes_per_unit, teu_per_unit : float
        Net cargo (t) and TEU in one cargo unit; transfer fees per TEU scale by ``teu_per_unit``.
    price_year : int
    cargo_value_usd_per_tonne : float
    value_of_time_pct_per_day : float
        Cost of a day in transit as % of cargo value.
    empty_return_share, empty_cost_ratio : float
        Share of loaded moves that need an empty container moved back, and what an empty move costs
        relative to a loaded one; adds ``share * ratio`` to every segment's money cost.
    sea_headway_h : float
        Hours between sailings; a sea segment adds a mean wait of half of it.
    carbon_price_usd_per_t : float
    co2e_kg_per_tkm : mapping
        Emission factors by ``mode`` or ``mode.branch`` (the more specific one wins).
    rate_usd_per_tkm : mapping
        Overrides of segments' ``cost_usd_per_tkm`` by ``mode`` or ``mode.country`` (ISO3).
    sources : mapping
        parameter -> (unit, source, confidence) for printing.

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
    rate_usd_per_tkm: Mapping[str, float] = dataclasses.field(default_factory=dict)
    sources: Mapping[str, tuple[str, str, str]] = dataclasses.field(default_factory=dict, repr=False)
    emission_basis: str = "TTW"

    @classmethod
    def default(cls, *, cargo_unit: CargoUnit = "teu", **changes: Any) -> CostParameters:
        """Parameters from ``data/parameters.csv`` for `cargo_unit`, with `changes` applied."""
        if cargo_unit not in CARGO_UNITS:
            raise ValueError(
                f"`cargo_unit` was {cargo_unit!r}; expected one of {list(CARGO_UNITS)}"
                f"{nearest(cargo_unit, CARGO_UNITS)}."
            )
        table = _parameter_table()
        value = table["value"].astype(float)
        sources = {name: (row.unit, row.source, row.confidence) for name, row in table.iterrows()}
        sources = {
            **{k: sources[k] for k in ("price_year", *_SCALARS)},
            "tonnes_per_unit": sources[f"cargo_unit.{cargo_unit}.tonnes"],
            "teu_per_unit": sources[f"cargo_unit.{cargo_unit}.teu"],
            **{k: v for k, v in sources.items() if k.startswith("co2e_kg_per_tkm.")},
        }
        factors = {k.removeprefix("co2e_kg_per_tkm."): v for k, v in value.items() if k.startswith("co2e_kg_per_tkm.")}
        base = cls(
            cargo_unit=cargo_unit,
            tonnes_per_unit=float(value[f"cargo_unit.{cargo_unit}.tonnes"]),
            teu_per_unit=float(value[f"cargo_unit.{cargo_unit}.teu"]),
            price_year=int(value["price_year"]),
            co2e_kg_per_tkm=factors,
            sources=sources,
            **{k: float(value[k]) for k in _SCALARS},
        )
        return base.replace(**changes) if changes else base._checked()

    def replace(self, **changes: Any) -> CostParameters:
        """A copy with `changes`; each changed value is recorded as set by the user."""
        fields = {f.name for f in dataclasses.fields(self)} - {"sources", "cargo_unit"}
        unknown = [k for k in changes if k not in fields]
        if unknown:
            hints = "".join(nearest(k, fields) for k in unknown)
            raise TypeError(f"unknown cost parameter(s) {unknown}{hints}; expected some of {sorted(fields)}.")
        sources = dict(self.sources)
        for name, new in changes.items():
            if isinstance(new, Mapping):
                for key in new:
                    sources[f"{name}.{key}"] = (sources.get(f"{name}.{key}", ("",))[0], "set by the user", "-")
            else:
                sources[name] = (sources.get(name, (_SCALARS.get(name, ""),))[0], "set by the user", "-")
        if "co2e_kg_per_tkm" in changes:
            changes["co2e_kg_per_tkm"] = {**self.co2e_kg_per_tkm, **changes["co2e_kg_per_tkm"]}
        return dataclasses.replace(self, **changes, sources=sources)._checked()

    @functools.cached_property
    def key(self) -> tuple:
        """Every value that changes a cost, as a hashable tuple (sources left out): equal keys, equal costs."""
        return tuple(
            tuple(sorted(value.items())) if isinstance(value, Mapping) else value
            for field in dataclasses.fields(self)
            if field.name != "sources"
            for value in [getattr(self, field.name)]
        )

    @property
    def value_of_time_usd_per_h(self) -> float:
        """Value of one cargo unit's time, US$ per hour."""
        unit_value = self.cargo_value_usd_per_tonne * self.tonnes_per_unit
        return unit_value * self.value_of_time_pct_per_day / 100.0 / 24.0

    def to_frame(self) -> pd.DataFrame:
        """Every assumption with its value, unit, source and confidence, indexed by parameter.

        Examples
        --------
        >>> from corridor.costs import CostParameters
        >>> CostParameters.default().to_frame().loc["cargo_unit", "value"]
        'teu'
        """
        rows = {
            "cargo_unit": (self.cargo_unit, "", "explicit argument", "-"),
            "emission_basis": (self.emission_basis, "", "tank-to-wheel factors (DESNZ/DEFRA 2025)", "-"),
            "value_of_time_usd_per_h": (
                round(self.value_of_time_usd_per_h, 2), "USD per unit-hour", "derived: value x share / 24", "-"
            ),
        }  # fmt: skip
        for name in ("price_year", "tonnes_per_unit", "teu_per_unit", *_SCALARS):
            rows[name] = (getattr(self, name), *self.sources.get(name, ("", "", "")))
        for key, factor in sorted(self.co2e_kg_per_tkm.items()):
            rows[f"co2e_kg_per_tkm.{key}"] = (factor, *self.sources.get(f"co2e_kg_per_tkm.{key}", ("", "", "")))
        for key, rate in sorted(self.rate_usd_per_tkm.items()):
            rows[f"rate_usd_per_tkm.{key}"] = (rate, "USD per t-km", "set by the user", "-")
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=["value", "unit", "source", "confidence"])
        return frame.rename_axis("parameter")

    def __str__(self) -> str:
        frame = self.to_frame()
        return "\n".join(
            f"{name:34s} {row.value!s:>10} {row.unit:30s} [{row.confidence}] {row.source}"
            for name, row in frame.iterrows()
        )

    def _checked(self) -> CostParameters:
        problems = []
        for name in ("tonnes_per_unit", "teu_per_unit", "cargo_value_usd_per_tonne", "sea_headway_h"):
            if not getattr(self, name) > 0:
                problems.append(f"`{name}` is {getattr(self, name)}; it must be positive.")
        for name in ("value_of_time_pct_per_day", "carbon_price_usd_per_t"):
            if getattr(self, name) < 0:
                problems.append(f"`{name}` is {getattr(self, name)}; it cannot be negative.")
        for name in _SHARES:
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"`{name}` is {getattr(self, name)}; expected a share between 0 and 1.")
        for name in ("co2e_kg_per_tkm", "rate_usd_per_tkm"):
            problems += [
                f"`{name}['{k}']` is {v}; it cannot be negative." for k, v in getattr(self, name).items() if v < 0
            ]
        if problems:
            raise ValueError("invalid cost parameters: " + " ".join(problems))
        return self


@functools.cache
def _parameter_table() -> pd.DataFrame:
    return pd.read_csv(datasets.get_path("parameters"), index_col="parameter")


def _lookup(table: Mapping[str, float], first: pd.Series, second: pd.Series) -> pd.Series:
    """Value for ``first.second`` if given, else for ``first``, else NaN."""
    specific = (first.astype(str) + "." + second.fillna("").astype(str)).map(table)
    return specific.fillna(first.map(table)).astype(float)


def segment_costs(segments: pd.DataFrame, parameters: CostParameters) -> pd.DataFrame:
    """Time (h), money (US$), CO2e (kg) and generalised cost (US$) of moving one cargo unit along each segment.

    ``moving_time_h`` = length / speed; ``wait_h`` = half the sea headway on sea segments; money is
    tonnes x length x rate (``cost_usd_per_tkm``, or an override) plus the empty-return share.

    Returns a DataFrame indexed like `segments`.

    Examples
    --------
    >>> import corridor
    >>> from corridor.costs import CostParameters, segment_costs
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> p = CostParameters.default(cargo_unit="tonne", empty_return_share=0.0)
    >>> segment_costs(toy.segments, p).loc["a_b_rail", ["distance_km", "time_h", "cost_usd"]].tolist()
    [100.0, 2.0, 5.0]
    """
    p = parameters
    length = segments["length_km"]
    moving = length / segments["speed_kmh"]
    wait = pd.Series(0.0, index=segments.index).where(segments["mode"].ne("sea"), p.sea_headway_h / 2.0)
    rate = _lookup(p.rate_usd_per_tkm, segments["mode"], segments["country"]).fillna(segments["cost_usd_per_tkm"])
    loaded = p.tonnes_per_unit * length * rate
    factor = _lookup(p.co2e_kg_per_tkm, segments["mode"], segments["branch"])
    out = pd.DataFrame(
        {
            "distance_km": length,
            "moving_time_h": moving,
            "wait_h": wait,
            "time_h": moving + wait,
            "cost_usd_loaded": loaded,
            "cost_usd_empty_return": loaded * p.empty_return_share * p.empty_cost_ratio,
            "co2e_kg": p.tonnes_per_unit * length * factor,
        },
        index=segments.index,
    )
    out["cost_usd"] = out["cost_usd_loaded"] + out["cost_usd_empty_return"]
    out["generalised_cost_usd"] = _generalised(out, p)
    return out


def transfer_costs(transfers: pd.DataFrame, parameters: CostParameters) -> pd.DataFrame:
    """Dwell time (h, the mode of the range), fees (US$) and generalised cost of one cargo unit at each transfer.

    Fees are recorded per TEU and scaled by ``teu_per_unit``. Hub emissions are not counted (no default
    factor has been extracted from GLEC yet), so ``co2e_kg`` is 0.

    Examples
    --------
    >>> import corridor
    >>> from corridor.costs import CostParameters, transfer_costs
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> per_feu = transfer_costs(toy.transfers, CostParameters.default(cargo_unit="feu"))
    >>> per_feu.loc["b_border", ["time_h", "cost_usd"]].tolist()
    [4.0, 200.0]
    """
    p = parameters
    out = pd.DataFrame(
        {
            "distance_km": 0.0,
            "moving_time_h": 0.0,
            "wait_h": transfers["time_h_mode"],
            "time_h": transfers["time_h_mode"],
            "cost_usd": transfers["cost_usd_per_teu"].fillna(0.0) * p.teu_per_unit,
            "co2e_kg": 0.0,
        },
        index=transfers.index,
    )
    out["generalised_cost_usd"] = _generalised(out, p)
    return out


def element_costs(corridor: Any, parameters: CostParameters) -> pd.DataFrame:
    """Segment and transfer costs in one table indexed by (``element_type``, ``element_id``)."""
    return pd.concat(
        {
            "segment": segment_costs(corridor.segments, parameters),
            "transfer": transfer_costs(corridor.transfers, parameters),
        },
        names=["element_type", "element_id"],
    )


def _generalised(costs: pd.DataFrame, p: CostParameters) -> pd.Series:
    return (
        costs["cost_usd"]
        + p.value_of_time_usd_per_h * costs["time_h"]
        + p.carbon_price_usd_per_t * costs["co2e_kg"] / 1000.0
    )
