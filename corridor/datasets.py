"""Datasets shipped with `corridor`: the INSTC corridor, a toy corridor, and the basemap layers.

Everything here is read from files inside the installed package (or the repository's ``data/`` folder when
working from a source checkout); nothing is downloaded. ``data/README.md`` gives each file's source,
licence and date.
"""

from __future__ import annotations

import functools
import pathlib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from corridor import _model
from corridor.network import Corridor, _from_tables, read_corridor, validate

__all__ = ["available", "get_path", "load_instc", "basemap", "synthetic_corridor"]

_DATASETS = {
    "instc": "instc",
    "toy": "toy",
    "countries": "basemap/countries_ne10m.geojson",
    "lakes": "basemap/lakes_ne10m.geojson",
    "assumptions": "assumptions",
    "cpi_u": "cpi_u.csv",
    "trade": "trade",
    "observations": "instc/observations.csv",
    "scenarios": "scenarios",
}


def _data_dir() -> pathlib.Path:
    packaged = pathlib.Path(__file__).with_name("data")  # wheels carry data/ as corridor/data/
    return packaged if packaged.is_dir() else pathlib.Path(__file__).resolve().parents[1] / "data"


def available() -> list[str]:
    """Names of the shipped datasets.

    Examples
    --------
    >>> import corridor
    >>> corridor.datasets.available()
    ['assumptions', 'countries', 'cpi_u', 'instc', 'lakes', 'observations', 'scenarios', 'toy', 'trade']
    """
    return sorted(_DATASETS)


def get_path(name: str) -> pathlib.Path:
    """Path of a shipped dataset: a corridor folder, or a GeoJSON or CSV file.

    Examples
    --------
    >>> import corridor
    >>> corridor.datasets.get_path("instc").name
    'instc'
    """
    if name not in _DATASETS:
        from corridor._validate import nearest

        raise ValueError(f"dataset {name!r} is not shipped{nearest(name, _DATASETS)}; available: {available()}.")
    return _data_dir() / _DATASETS[name]


@functools.cache
def _instc() -> Corridor:
    return read_corridor(get_path("instc"))


def load_instc() -> Corridor:
    """The International North-South Transport Corridor as shipped: a fresh copy, validated on first load.

    Russia - Azerbaijan - Iran - India by rail, road and sea, with the trans-Caspian and eastern
    (Kazakhstan - Turkmenistan) branches and the all-water Suez route from the Baltic. Figures describe the
    pre-2026 baseline; the 2025-2026 disruptions are dated events (see :meth:`Corridor.as_of`).

    Examples
    --------
    >>> import corridor
    >>> c = corridor.load_instc()
    >>> c.segments.loc["astara_ir_rasht_rail", ["mode", "status", "length_km_published"]].to_dict()
    {'mode': 'rail', 'status': 'missing_link', 'length_km_published': 162.0}
    """
    return _instc().copy()


def basemap(layer: str = "countries") -> gpd.GeoDataFrame:
    """Natural Earth 1:10m ``countries`` or ``lakes`` (EPSG:4326) for the corridor region.

    Examples
    --------
    >>> import corridor
    >>> "CAS" in corridor.datasets.basemap("countries")["adm0_a3"].values
    False
    >>> len(corridor.datasets.basemap("lakes")) > 0
    True
    """
    if layer not in ("countries", "lakes"):
        raise ValueError(f"`layer` was {layer!r}; expected 'countries' or 'lakes'.")
    return gpd.read_file(get_path(layer))


def synthetic_corridor(n_segments: int = 1_000, *, seed: int = 0) -> Corridor:
    """A made-up corridor of about `n_segments` segments in the shipped schema, for scale tests and benchmarks.

    Places sit on a square grid 0.1 degrees apart (about 11 km) in two countries (``KAZ`` west, ``UZB``
    east): 1,520 mm rail joins every pair of neighbours; every third neighbour pair in a country is also
    joined by road, with a rail-road transshipment at its ends; the border column has rail and road border
    crossings. Speeds and rates are drawn from fixed ranges with `seed`. Every figure says it is made up.

    Examples
    --------
    >>> import corridor
    >>> c = corridor.datasets.synthetic_corridor(200, seed=1)
    >>> len(c.segments), sorted(c.transfers["kind"].unique())
    (200, ['border_crossing', 'transshipment'])
    """
    if not isinstance(n_segments, int | np.integer) or n_segments < 10:
        raise ValueError(f"`n_segments` was {n_segments!r}; expected a whole number >= 10.")
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_segments / 2.5))) + 1  # rail on every neighbour pair, roads on a third of them
    row, col = np.divmod(np.arange(side * side), side)
    ids = np.char.add("p", np.arange(side * side).astype(str)).astype(object)
    west = col < side // 2
    country = np.where(west, "KAZ", "UZB").astype(object)
    border = col == side // 2 - 1  # last western column: its eastward links cross into UZB
    made_up = "made-up synthetic corridor"
    places = gpd.GeoDataFrame(
        {"name": ids, "country": country, "kind": np.where(border, "border_post", "junction"), "locode": None,
         "source": made_up, "confidence": "H"},
        geometry=gpd.points_from_xy(60 + col * 0.1, 40 + row * 0.1), crs=_model.CRS,
        index=pd.Index(ids, name="place_id"),
    )  # fmt: skip
    right = np.flatnonzero(col < side - 1)
    down = np.flatnonzero(row < side - 1)
    a = np.concatenate([right, down])
    b = np.concatenate([right + 1, down + side])
    road = (np.arange(len(a)) % 3 == 0) & (west[a] == west[b])  # roads stay inside a country
    n_rail = min(len(a), n_segments)
    n_road = min(int(road.sum()), n_segments - n_rail)
    road_pairs = np.flatnonzero(road)[:n_road]
    start = np.concatenate([a[:n_rail], a[road_pairs]])
    end = np.concatenate([b[:n_rail], b[road_pairs]])
    mode = np.array(["rail"] * n_rail + ["road"] * n_road, dtype=object)
    is_rail = mode == "rail"
    seg_country = np.where(west[end], "KAZ", "UZB").astype(object)  # a crossing link belongs to the country it enters
    speed = np.where(is_rail, rng.uniform(30, 60, len(mode)), rng.uniform(40, 70, len(mode))).round(1)
    rate = np.where(is_rail, rng.uniform(0.03, 0.06, len(mode)), rng.uniform(0.06, 0.12, len(mode))).round(4)
    coords = np.stack([60 + col * 0.1, 40 + row * 0.1], axis=1)
    lines = shapely.linestrings(np.stack([coords[start], coords[end]], axis=1))
    seg_ids = np.char.add(np.char.add(np.char.add("s", np.arange(len(mode)).astype(str)), "_"), mode.astype(str))
    segments = gpd.GeoDataFrame(
        {
            "from_place": ids[start], "to_place": ids[end], "mode": mode, "gauge_mm": np.where(is_rail, 1520.0, np.nan),
            "country": seg_country, "branch": np.where(is_rail, "rail", "road"), "status": "operational",
            "status_source": made_up, "status_confidence": "H",
            "speed_kmh_min": speed * 0.8, "speed_kmh": speed, "speed_kmh_max": speed * 1.2,
            "speed_source": made_up, "speed_confidence": "H",
            "cost_usd_per_tkm_min": rate * 0.8, "cost_usd_per_tkm": rate, "cost_usd_per_tkm_max": rate * 1.2,
            "cost_source": made_up, "cost_confidence": "H",
        },
        geometry=lines, crs=_model.CRS, index=pd.Index(seg_ids.astype(object), name="segment_id"),
    )  # fmt: skip
    road_places = np.unique(np.concatenate([start[~is_rail], end[~is_rail]]))
    crossing = np.flatnonzero(border)
    kind = ["transshipment"] * len(road_places) + ["border_crossing"] * len(crossing)
    at = np.concatenate([road_places, crossing])
    transfers = pd.DataFrame(
        {
            "place_id": ids[at], "kind": kind,
            "from_mode": "rail", "from_gauge_mm": 1520.0, "from_country": country[at],
            "to_mode": np.where(np.arange(len(at)) < len(road_places), "road", "rail"),
            "to_gauge_mm": np.where(np.arange(len(at)) < len(road_places), np.nan, 1520.0),
            "to_country": np.where(np.arange(len(at)) < len(road_places), country[at], "UZB"),
            "directed": False, "time_h_min": 2.0, "time_h_mode": 4.0, "time_h_max": 8.0,
            "time_source": made_up, "time_confidence": "H",
            "cost_usd_per_teu_min": 50.0, "cost_usd_per_teu": 80.0, "cost_usd_per_teu_max": 120.0,
            "cost_source": made_up, "cost_confidence": "H",
        },
        index=pd.Index(np.char.add("t", np.arange(len(at)).astype(str)).astype(object), name="transfer_id"),
    )  # fmt: skip
    raw = {"places": places.reset_index(), "segments": segments.reset_index(), "transfers": transfers.reset_index(),
           "events": pd.DataFrame(), "routes": pd.DataFrame()}  # fmt: skip
    made = _from_tables(raw, {"name": f"Synthetic corridor ({len(mode)} segments)"}, source="synthetic_corridor")
    validate(made, source="synthetic_corridor")
    return made
