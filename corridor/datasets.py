"""Datasets shipped with `corridor`: the INSTC corridor, a toy corridor, and the basemap layers.

Everything here is read from files inside the installed package (or the repository's ``data/`` folder when
working from a source checkout); nothing is downloaded. ``data/README.md`` gives each file's source,
licence and date.
"""

from __future__ import annotations

import functools
import pathlib

import geopandas as gpd

from corridor.network import Corridor, read_corridor

__all__ = ["available", "get_path", "load_instc", "basemap"]

_DATASETS = {
    "instc": "instc",
    "toy": "toy",
    "countries": "basemap/countries_ne10m.geojson",
    "lakes": "basemap/lakes_ne10m.geojson",
    "parameters": "parameters.csv",
    "trade": "trade",
    "observations": "instc/observations.csv",
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
    ['countries', 'instc', 'lakes', 'observations', 'parameters', 'toy', 'trade']
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
