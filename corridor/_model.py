"""The corridor data model: allowed values, column groups, and how elements meet at terminals.

Private: the public contract is written in the docstrings of :mod:`corridor.network`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

CRS = "EPSG:4326"
#: pandas 3 always copies on write: a shallow copy is then a table of its own, whose edits never reach the original
COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3
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


End = tuple[pd.Series, pd.Series, pd.Series, pd.Series]
"""One set of element ends: place, mode, gauge (mm) and country, each a Series over the elements."""


def number_terminals(ends: Sequence[End]) -> tuple[list[np.ndarray], pd.DataFrame]:
    """Number the terminals that several sets of element ends attach to, the same numbers across the sets.

    A place holds one terminal per mode, gauge and side of a border; water terminals have no country. Two ends
    meet at one terminal when their place, mode, gauge and country read the same as text.

    Parameters
    ----------
    ends : sequence of (place, mode, gauge_mm, country)
        Each a tuple of Series of equal length: one set of element ends (the starts of the segments, ...).

    Returns
    -------
    numbers : list of numpy.ndarray
        For each set, the terminal number of each end (int, 0 to the number of terminals - 1), in order.
    terminals : DataFrame
        One row per terminal, in order of number: ``place``, ``mode``, ``gauge`` (whole mm) and ``country`` as text,
        ``''`` where missing (and as the country of a water terminal).
    """
    parts = []
    for place, mode, gauge_mm, country in ends:
        on_land = ~is_one_of(mode, WATER_MODES)
        gauge = np.round(pd.to_numeric(gauge_mm, errors="coerce").to_numpy(dtype=float, na_value=np.nan))
        gauge[~(np.abs(gauge) < 1e9)] = np.nan  # an absurd gauge (the validator names it) is no gauge
        land_country = np.where(on_land, country.to_numpy(dtype=object), None)
        parts.append((place.to_numpy(dtype=object), mode.to_numpy(dtype=object), gauge, land_country))
    columns = [np.concatenate(column) for column in zip(*parts, strict=True)]  # place, mode, gauge, country
    codes_texts = [_text_codes(column, whole=i == 2) for i, column in enumerate(columns)]
    number = codes_texts[0][0]
    for codes, texts in codes_texts[1:]:  # pairwise, so that the combined codes stay far below int64 limits
        number, _ = pd.factorize(number.astype(np.int64) * len(texts) + codes)
    count = int(number.max()) + 1 if len(number) else 0
    example = np.zeros(count, dtype=np.intp)
    example[number] = np.arange(len(number))  # an end at each terminal (any one: they read the same)
    terminals = pd.DataFrame(
        {name: texts[codes[example]] for name, (codes, texts) in zip(_TERMINAL_PARTS, codes_texts, strict=True)},
        dtype=object,
    )
    bounds = np.cumsum([len(end[0]) for end in ends])[:-1]
    return np.split(number, bounds), terminals


_TERMINAL_PARTS = ("place", "mode", "gauge", "country")


def terminal_labels(terminals: pd.DataFrame) -> np.ndarray:
    """The label ``place|mode|gauge|country`` of each row of `terminals` (from :func:`number_terminals`)."""
    place, mode, gauge, country = (terminals[name].to_numpy(dtype=object) for name in _TERMINAL_PARTS)
    return place + "|" + mode + "|" + gauge + "|" + country


def terminal_keys(place: pd.Series, mode: pd.Series, gauge_mm: pd.Series, country: pd.Series) -> pd.Series:
    """Label the terminal each element end attaches to: ``place|mode|gauge|country``, indexed like `place`.

    A place holds one terminal per mode, gauge and side of a border; water terminals have no country.
    """
    (number,), terminals = number_terminals([(place, mode, gauge_mm, country)])
    return pd.Series(terminal_labels(terminals)[number], index=place.index, dtype=object)


def _text_codes(values: np.ndarray, *, whole: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Code each value by its text ('' where missing), formatting each distinct value once.

    Returns the codes and the distinct texts they index; values that read the same share a code. `whole` formats
    (float) numbers as whole numbers.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    shown = [str(int(u)) if whole else str(u) for u in np.asarray(uniques, dtype=object).tolist()]
    text_codes, texts = pd.factorize(np.array([*shown, ""], dtype=object))  # the sentinel -1 takes the last: ''
    return text_codes[codes], np.asarray(texts, dtype=object)


def is_one_of(values: pd.Series | np.ndarray, choices: Sequence[object]) -> np.ndarray:
    """Whether each value is one of `choices` (a boolean array; missing values are not).

    Only the values present are looked up: pandas hashes a missing text (``pd.NA``) slowly, and optional columns
    are mostly empty.
    """
    if isinstance(values, pd.Series) and not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
        return values.isin(choices).to_numpy(dtype=bool)
    cells = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    present = ~pd.isna(cells)
    found = np.zeros(len(cells), dtype=bool)
    found[present] = pd.Index(cells[present], dtype=object).isin(choices)
    return found


def segment_terminals(segments: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Terminal labels at the start and at the end of each segment, indexed like `segments`."""
    args = (segments["mode"], segments["gauge_mm"], segments["country"])
    return _labelled([(segments["from_place"], *args), (segments["to_place"], *args)], segments.index)


def transfer_terminals(transfers: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Terminal labels a transfer joins (from, to), indexed like `transfers`."""
    return _labelled(transfer_ends(transfers), transfers.index)


def segment_ends(segments: pd.DataFrame) -> list[End]:
    """The starts and the ends of `segments`, as sets of ends for :func:`number_terminals`."""
    args = (segments["mode"], segments["gauge_mm"], segments["country"])
    return [(segments["from_place"], *args), (segments["to_place"], *args)]


def transfer_ends(transfers: pd.DataFrame) -> list[End]:
    """The from and the to sides of `transfers`, as sets of ends for :func:`number_terminals`."""
    return [
        (transfers["place_id"], transfers[f"{side}_mode"], transfers[f"{side}_gauge_mm"], transfers[f"{side}_country"])
        for side in ("from", "to")
    ]


def _labelled(ends: list[End], index: pd.Index) -> tuple[pd.Series, pd.Series]:
    (start, end), terminals = number_terminals(ends)
    labels = terminal_labels(terminals)
    return pd.Series(labels[start], index=index, dtype=object), pd.Series(labels[end], index=index, dtype=object)


def positions(ids: pd.Index, values: pd.Series | np.ndarray) -> np.ndarray:
    """Where each of `values` stands in the unique `ids` (an int array, -1 where it is not there).

    Both sides are looked up as Python objects, so that pandas does not first infer (Arrow) text from `values`. A
    missing value finds a missing id, as with :meth:`pandas.Series.isin`.
    """
    keys = ids.to_numpy(dtype=object)
    cells = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    at = pd.Index(keys, dtype=object).get_indexer(pd.Index(cells, dtype=object))
    missing_id = np.flatnonzero(pd.isna(keys))
    if len(missing_id):
        at[pd.isna(cells)] = missing_id[0]
    return at
