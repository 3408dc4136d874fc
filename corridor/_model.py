"""The corridor data model: allowed values, column groups, and how elements meet at terminals.

Private: the public contract is written in the docstrings of :mod:`corridor.network`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CRS = "EPSG:4326"
#: text columns use pandas' own string storage whether or not pyarrow is installed, so that lookups (``.map``)
#: and comparisons give numpy results in every environment
TEXT = pd.StringDtype("python")
TABLES = ("places", "segments", "transfers", "events", "routes")
MODES = ("rail", "road", "sea", "inland_water")
WATER_MODES = ("sea", "inland_water")
STATUSES = ("operational", "under_construction", "planned", "missing_link")
PLACE_KINDS = ("city", "port", "border_post", "terminal", "junction", "dry_port")
STOP_KINDS = ("customs", "marshalling", "terminal_dwell", "inspection")
"""Transfers that change nothing: a stop every route entering their terminal makes (its from and to sides agree)."""
TRANSFER_KINDS = ("border_crossing", "transshipment", "gauge_change", "port_call", "ferry_wait", *STOP_KINDS)
SERVICES = ("mainline", "feeder", "regional", "caspian", "river")
"""Kinds of water service a sea or inland-water segment is run as; rates can differ by service."""
EVENT_EFFECTS = ("closed", "disrupted")
CONFIDENCES = ("H", "M", "L")

PLACE_COLUMNS = ("name", "country", "kind", "locode", "source", "confidence")
SEGMENT_COLUMNS = (
    "from_place", "to_place", "mode", "gauge_mm", "country", "branch", "status", "status_source",
    "status_confidence", "available_from", "available_until", "length_km_published", "length_source",
    "length_confidence", "speed_kmh_min", "speed_kmh", "speed_kmh_max", "speed_source", "speed_confidence",
    "cost_usd_per_tkm_min", "cost_usd_per_tkm", "cost_usd_per_tkm_max", "cost_year", "cost_source", "cost_confidence",
    "capacity_mtpa", "capacity_source", "capacity_confidence", "passages", "service", "note", "geometry_source",
)  # fmt: skip
TRANSFER_COLUMNS = (
    "place_id", "kind", "from_mode", "from_gauge_mm", "from_country", "to_mode", "to_gauge_mm", "to_country",
    "directed", "time_h_min", "time_h_mode", "time_h_max", "time_source", "time_confidence",
    "cost_usd_per_teu_min", "cost_usd_per_teu", "cost_usd_per_teu_max", "cost_year", "cost_source", "cost_confidence",
    "capacity_mtpa", "capacity_source", "capacity_confidence", "available_from", "available_until", "note",
)  # fmt: skip
EVENT_COLUMNS = ("event_id", "target", "effect", "start", "end", "description", "source", "confidence")
ROUTE_COLUMNS = ("name", "branches", "description", "source")

REQUIRED = {
    "places": ("name", "country", "kind", "source", "confidence"),
    "segments": ("from_place", "to_place", "mode", "status", "speed_kmh", "speed_source", "speed_confidence"),
    "transfers": ("place_id", "kind", "from_mode", "to_mode", "time_h_mode", "time_source", "time_confidence"),
    "events": ("event_id", "target", "effect", "start", "source", "confidence"),
    "routes": ("name", "branches"),
}
NUMERIC = {
    "places": (),
    "segments": (
        "gauge_mm", "length_km_published", "speed_kmh_min", "speed_kmh", "speed_kmh_max",
        "cost_usd_per_tkm_min", "cost_usd_per_tkm", "cost_usd_per_tkm_max", "cost_year", "capacity_mtpa",
    ),
    "transfers": (
        "from_gauge_mm", "to_gauge_mm", "time_h_min", "time_h_mode", "time_h_max",
        "cost_usd_per_teu_min", "cost_usd_per_teu", "cost_usd_per_teu_max", "cost_year", "capacity_mtpa",
    ),
    "events": (),
    "routes": (),
}  # fmt: skip
DATES = {
    "places": (),
    "segments": ("available_from", "available_until"),
    "transfers": ("available_from", "available_until"),
    "events": ("start", "end"),
    "routes": (),
}
# figure -> (low, high, source column, confidence column); a figure with a value needs a source and a confidence
FIGURES = {
    "segments": {
        "status": (None, None, "status_source", "status_confidence"),
        "length_km_published": (None, None, "length_source", "length_confidence"),
        "speed_kmh": ("speed_kmh_min", "speed_kmh_max", "speed_source", "speed_confidence"),
        "cost_usd_per_tkm": ("cost_usd_per_tkm_min", "cost_usd_per_tkm_max", "cost_source", "cost_confidence"),
        "capacity_mtpa": (None, None, "capacity_source", "capacity_confidence"),
    },
    "transfers": {
        "time_h_mode": ("time_h_min", "time_h_max", "time_source", "time_confidence"),
        "cost_usd_per_teu": ("cost_usd_per_teu_min", "cost_usd_per_teu_max", "cost_source", "cost_confidence"),
        "capacity_mtpa": (None, None, "capacity_source", "capacity_confidence"),
    },
    "places": {"geometry": (None, None, "source", "confidence")},
    "events": {"effect": (None, None, "source", "confidence")},
}


def terminal_keys(place: pd.Series, mode: pd.Series, gauge_mm: pd.Series, country: pd.Series) -> pd.Series:
    """Label the terminal each element end attaches to: ``place|mode|gauge|country``.

    A place holds one terminal per mode, gauge and side of a border; water terminals have no country.
    """
    on_land = ~mode.isin(WATER_MODES).to_numpy()
    gauge = pd.to_numeric(gauge_mm, errors="coerce").round()
    gauge = gauge.where(gauge.abs() < 1e9)  # an absurd gauge (the validator names it) must not overflow Int64
    parts = [_text(place), _text(mode), _text(gauge.astype("Int64")), np.where(on_land, _text(country), "")]
    label = parts[0] + "|" + parts[1] + "|" + parts[2] + "|" + parts[3]
    return pd.Series(label, index=place.index, dtype=object)


def _text(values: pd.Series) -> np.ndarray:
    """Each value as text, '' where missing, formatting each distinct value once (an object array)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([str(u) for u in np.asarray(uniques, dtype=object).tolist()] + [""], dtype=object)
    return texts[codes]  # the sentinel -1 takes the appended ''


def segment_terminals(segments: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Terminal labels at the start and at the end of each segment, indexed like `segments`."""
    args = (segments["mode"], segments["gauge_mm"], segments["country"])
    return terminal_keys(segments["from_place"], *args), terminal_keys(segments["to_place"], *args)


def transfer_terminals(transfers: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Terminal labels a transfer joins (from, to), indexed like `transfers`."""
    start = terminal_keys(
        transfers["place_id"], transfers["from_mode"], transfers["from_gauge_mm"], transfers["from_country"]
    )
    end = terminal_keys(transfers["place_id"], transfers["to_mode"], transfers["to_gauge_mm"], transfers["to_country"])
    return start, end
