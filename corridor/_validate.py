"""Collect-every-problem validation of corridor tables (private; see :func:`corridor.network.validate`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pycountry
import shapely
from pyproj import Geod
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from corridor import _model

GEOD = Geod(ellps="WGS84")
_TYPE_IDS = {"Point": 0, "LineString": 1}
_SEPARATOR = "\x00"  # NUL: in no cell of a text table, and not whitespace
# a separator before or after whitespace: a cell that starts or ends with it (a literal first character: re scans
# for it in C, and looks at one character on either side)
_PADDED = re.compile(r"\x00(?:\s|(?<=\s\x00))")
_EMPTY = re.compile(r"\x00\s*\x00")
_NOT_SLUG = re.compile(r"[^a-z0-9_\x00]")  # with ids joined: a character no slug has
_NO_LETTER = re.compile(r"\x00_*\x00")  # an id that is empty or only underscores


def nearest(value: object, choices: Iterable[object]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest of `choices`, or ``""``."""
    match = closest(value, choices)
    return f" (did you mean {match!r}?)" if match is not None else ""


def closest(value: object, choices: Iterable[object]) -> str | None:
    """The closest of `choices` to `value` as text, or None if none is close."""
    match = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1, cutoff=0.6)
    return match[0] if match else None


# --- columns: what each table must have, and what each column means ---------------------------------------

MEANINGS = {
    "places": {
        "place_id": "the place's id, a lowercase slug such as 'aktau'",
        "name": "the place's name as shown on maps",
        "country": "ISO 3166 alpha-3 code such as 'KAZ'",
        "kind": f"one of {list(_model.PLACE_KINDS)}",
        "locode": "UN/LOCODE where one exists",
        "source": "where the place's position comes from",
        "confidence": "H, M or L: how sure the position is",
    },
    "segments": {
        "segment_id": "the segment's id, a lowercase slug",
        "from_place": "place_id of the place the segment starts at",
        "to_place": "place_id of the place the segment ends at",
        "mode": f"one of {list(_model.MODES)}",
        "gauge_mm": "track gauge in mm (1520, 1435), rail only",
        "country": "ISO3 country a land segment lies in",
        "branch": "the corridor branch the segment belongs to (named routes are sets of branches)",
        "status": f"one of {list(_model.STATUSES)}",
        "length_km_published": "a published length in km, where one exists (else the geodesic length is used)",
        "speed_kmh": "typical speed over the segment in km/h",
        "speed_source": "where the speed comes from, or 'assumption: ...'",
        "speed_confidence": "H, M or L: how sure the speed is",
    },
    "transfers": {
        "transfer_id": "the transfer's id, a lowercase slug",
        "place_id": "place_id of the place where the transfer happens",
        "kind": f"one of {list(_model.TRANSFER_KINDS)}",
        "from_mode": "mode of the side the cargo arrives on",
        "to_mode": "mode of the side the cargo leaves on",
        "time_h_mode": "typical dwell time in hours",
        "time_source": "where the dwell time comes from, or 'assumption: ...'",
        "time_confidence": "H, M or L: how sure the dwell time is",
    },
    "events": {
        "event_id": "the event's id, a lowercase slug",
        "target": "the segment, transfer, place, ISO3 country or sea passage it affects",
        "effect": f"one of {list(_model.EVENT_EFFECTS)}",
        "start": "first day in force, YYYY-MM-DD",
        "source": "where the event is reported",
        "confidence": "H, M or L: how sure the report is",
    },
    "routes": {
        "route_id": "the route's id, a lowercase slug",
        "name": "the route's name",
        "branches": "the ';'-separated segment branches the route may use",
    },
}
ALL_COLUMNS = {
    "places": _model.PLACE_COLUMNS,
    "segments": _model.SEGMENT_COLUMNS,
    "transfers": _model.TRANSFER_COLUMNS,
    "events": _model.EVENT_COLUMNS,
    "routes": _model.ROUTE_COLUMNS,
}
COMPUTED = {"segments": ("length_km_geodesic", "length_km")}


def present_columns(frame: pd.DataFrame) -> set[str]:
    """Column names of `frame`, counting the names of its index levels."""
    return {*map(str, frame.columns), *(str(n) for n in frame.index.names if n is not None)}


def missing_columns(table: str, frame: pd.DataFrame) -> list[str]:
    """One problem naming every required column `table` lacks, what each means, and near-miss names present."""
    present = present_columns(frame)
    missing = [c for c in _model.REQUIRED[table] if c not in present]
    if not missing:
        return []
    unused = [c for c in present if c not in ALL_COLUMNS[table]]
    shown = []
    for column in missing:
        match = closest(column, unused)  # a near-miss name, offered to the missing column it is closest to
        hint = f"; did you mean {match!r}?" if match is not None and closest(match, missing) == column else ""
        shown.append(f"`{column}` ({MEANINGS[table][column]}{hint})")
    noun = "a required column is" if len(missing) == 1 else f"{len(missing)} required columns are"
    return [f"{table}: {noun} missing: {', '.join(shown)}."]


def _label(table: str, key: object) -> str:
    return f"{table}[{key!r}]"


def _blank(values: pd.Series) -> pd.Series:
    """Missing or whitespace-only cells."""
    return pd.Series(_blank_cells(values.to_numpy(dtype=object)), index=values.index)


def _blank_cells(cells: np.ndarray) -> np.ndarray:
    """Missing or whitespace-only cells of an object array (a boolean array)."""
    missing = pd.isna(cells)
    if missing.all():
        return missing
    try:  # one C pass: is any present cell empty or only whitespace?
        padded = _EMPTY.search(_SEPARATOR + _SEPARATOR.join(cells[~missing]) + _SEPARATOR) is not None
    except TypeError:  # not all text
        padded = True
    return pd.isna(_stripped(cells)) if padded else missing


def _stripped(values: np.ndarray) -> np.ndarray:
    """Text without surrounding whitespace, and None for missing or blank cells (an object array)."""
    out = np.array(values, dtype=object)
    try:  # all text (as read from a file): nothing is missing, and one C pass answers the rest
        joined = _SEPARATOR + _SEPARATOR.join(out.tolist()) + _SEPARATOR
    except TypeError:  # a missing or non-text cell: the general path
        joined = None
    if joined is not None:
        padded = _padded(joined)
        if padded:
            out[:] = [v.strip() for v in out.tolist()]
        out[out == ""] = None  # all text: one C comparison finds the empty cells
        return out
    missing = pd.isna(out)
    present = out[~missing].tolist()
    out[missing] = None
    try:  # one C pass finds whether any cell starts or ends with whitespace
        padded = _padded(_SEPARATOR + _SEPARATOR.join(present) + _SEPARATOR)
    except TypeError:  # not all text
        padded = True
    if padded:
        out[~missing] = [v.strip() if isinstance(v, str) else v for v in present]
    out[out == ""] = None
    return out


def _python_text(index: pd.Index) -> pd.Index:
    """`index` with Arrow-backed text (its levels, for a MultiIndex) in pandas' Python storage.

    The dtype stays pandas' text (``str``, as without pyarrow); looking ids up, masking and reading them then works
    on the Python strings themselves, without a conversion from Arrow each time.
    """
    if isinstance(index, pd.MultiIndex):
        return index.set_levels([_python_text(level) for level in index.levels])
    dtype = index.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return index.astype(pd.StringDtype("python", na_value=dtype.na_value))
    return index


def _padded(joined: str) -> bool:
    """Whether a cell of `joined` (cells between separators, one at each end) starts or ends with whitespace.

    Most columns hold no whitespace at all, which one split in C tells (the separators at the ends are not
    whitespace, so any whitespace splits the text); only the others are scanned cell end by cell end.
    """
    return len(joined.split(maxsplit=1)) > 1 and _PADDED.search(joined) is not None


def _as_text(cells: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """`cells` (text, None where missing, as from :func:`_stripped`) as an array of pandas text (`_model.TEXT`)."""
    try:  # text and None only: wrapped as they are, None read as missing
        return pd.arrays.StringArray(cells, dtype=_model.TEXT)
    except ValueError:  # other values (numbers in a table built in memory): pandas converts each
        return pd.array(cells, dtype=_model.TEXT)


# --- coercion: raw text cells to typed columns ------------------------------------------------------------


def coerce(table: str, frame: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    """Type the columns of a raw `table` in place of text, recording every cell that does not parse.

    Missing optional columns are added empty; missing required columns are reported.
    """
    frame = frame.copy(deep=not _model.COPY_ON_WRITE)  # every column it types is replaced, not edited
    frame.index = _python_text(frame.index)
    problems.extend(missing_columns(table, frame))
    numeric = set(_model.NUMERIC[table])
    for column in frame.columns:
        if column == "geometry":  # WKT: the parser takes surrounding spaces, and says what is not WKT
            continue
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            text = _stripped(frame[column].to_numpy(dtype=object))
            frame[column] = text if column in numeric else _as_text(text)
    for column in ALL_COLUMNS[table]:
        if column not in frame.columns and column not in frame.index.names:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype=_model.TEXT)
    for column in _model.NUMERIC[table]:
        raw = frame[column]
        number = pd.to_numeric(raw, errors="coerce").astype(float)
        for key in frame.index[raw.notna() & number.isna()]:
            problems.append(f"{_label(table, key)}: `{column}` is {raw[key]!r}; expected a number.")
        frame[column] = number  # infinite numbers are reported by `check_corridor`
    for column in _model.DATES[table]:
        raw = frame[column]
        if not raw.notna().any():  # no dates given: no parsing or conversion
            frame[column] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
            continue
        date = pd.Series(pd.to_datetime(raw, errors="coerce", format="ISO8601"), index=frame.index)
        if pd.api.types.is_datetime64_any_dtype(date):  # a year such as -1 parses, but not in nanoseconds
            date = date.where(date.dt.year.between(1678, 2261))
        date = date.astype("datetime64[ns]")
        for key in frame.index[raw.notna() & date.isna()]:
            problems.append(f"{_label(table, key)}: `{column}` is {raw[key]!r}; expected a date as YYYY-MM-DD.")
        frame[column] = date
    if table == "transfers":
        text = frame["directed"].astype(_model.TEXT).str.lower()
        at = _model.positions(pd.Index(list(_FLAGS), dtype=object), text)  # -1: not a flag (or missing)
        for key in frame.index[text.notna() & (at < 0)]:
            problems.append(f"{_label(table, key)}: `directed` is {frame['directed'][key]!r}; expected true or false.")
        frame["directed"] = np.array([*_FLAGS.values(), False])[at]
    return frame


_FLAGS = {"true": True, "false": False, "1": True, "0": False}


# --- checks on typed tables -------------------------------------------------------------------------------


def check_corridor(corridor: Any, *, max_end_gap_km: float, length_tolerance: float) -> list[str]:
    """Every problem of a typed corridor, as messages that name the table, the id, the value and the fix."""
    problems = check_columns(corridor)
    if problems:  # the checks below read these columns
        return problems
    for table in ("places", "segments"):
        if getattr(corridor, table).empty:
            problems.append(f"{table}: the table has no rows; a corridor needs at least two places and one segment.")
    if problems:  # every other check would only repeat it (transfers that reach nothing, ...)
        return problems
    tables = {}
    for table in _model.TABLES:
        frame = getattr(corridor, table)
        _check_index(table, frame, problems)
        repeated = frame.index.duplicated()
        if repeated.any():  # report duplicates once, check the rest
            frame = frame[~repeated]
        tables[table] = frame
        _check_finite(table, frame, problems)
        _check_figures(table, frame, problems)
    places, segments, transfers, events, routes = tables.values()
    _check_places(places, problems)
    _check_segments(segments, places, problems, max_end_gap_km=max_end_gap_km, tolerance=length_tolerance)
    terminals = None
    if not problems:  # where elements meet: numbered once, used by the two checks that need it
        terminals = _model.number_terminals(_model.segment_ends(segments) + _model.transfer_ends(transfers))
    _check_transfers(transfers, places, problems, terminals)
    _check_events(events, places, segments, transfers, problems)
    _check_routes(routes, segments, problems)
    if terminals is not None and not problems:
        _check_connected(terminals, problems)
    return problems


def check_columns(corridor: Any) -> list[str]:
    """Tables that are not (Geo)DataFrames or lack columns: required ones with their meaning, then the rest."""
    problems: list[str] = []
    for table in _model.TABLES:
        frame = getattr(corridor, table)
        if not isinstance(frame, pd.DataFrame):
            problems.append(f"{table}: is a {type(frame).__name__}; expected a DataFrame.")
            continue
        if table in ("places", "segments") and not hasattr(frame, "crs"):
            kind = "Points" if table == "places" else "LineStrings"
            problems.append(
                f"{table}: is a {type(frame).__name__}; expected a GeoDataFrame of {kind}. "
                "Build the corridor with `corridor.from_frames(...)`."
            )
        present = present_columns(frame)
        if frame.empty and not present & set(ALL_COLUMNS[table]):  # an empty stand-in: one line, not two
            problems.append(
                f"{table}: the table is empty and has none of its columns; build the corridor with "
                f"`corridor.from_frames(...)`, which makes an empty `{table}` table when you leave it out."
            )
            continue
        problems.extend(missing_columns(table, frame))
        others = [
            c for c in (*ALL_COLUMNS[table], *COMPUTED.get(table, ()))
            if c not in present and c not in _model.REQUIRED[table]
        ]  # fmt: skip
        if others:
            problems.append(
                f"{table}: {len(others)} optional or computed column{'s are' if len(others) > 1 else ' is'} missing "
                f"({', '.join(f'`{c}`' for c in others)}); build the corridor with `corridor.from_frames(...)`, "
                "which adds optional columns empty and computes lengths."
            )
    return problems


def _check_index(table: str, frame: pd.DataFrame, problems: list[str]) -> None:
    duplicated = frame.index[frame.index.duplicated()].unique()
    for key in duplicated:
        problems.append(f"{table}: id {key!r} appears more than once; ids must be unique.")
    index = frame.index
    if isinstance(index, pd.MultiIndex):  # events: (event_id, target); a target may be a country code such as 'KAZ'
        for level in range(1, index.nlevels):
            for key in frame.index[pd.isna(index.get_level_values(level))]:
                problems.append(f"{_label(table, key)}: `{index.names[level]}` is missing.")
        index = index.get_level_values(0)
    name = index.name or "id"
    keys = pd.Series(index, dtype=object)
    try:  # two passes over all ids joined, then one per id only if something is off
        joined = _SEPARATOR + _SEPARATOR.join(keys) + _SEPARATOR
        if _NOT_SLUG.search(joined) is None and _NO_LETTER.search(joined) is None:
            return
    except TypeError:  # an id that is not text
        pass
    is_slug = keys.map(type).eq(str) & keys.astype(str).str.fullmatch(r"[a-z0-9_]*[a-z0-9][a-z0-9_]*")
    for key in keys[~is_slug.to_numpy(dtype=bool)]:
        problems.append(f"{table}: {name} {key!r} is not a slug; use lowercase letters, digits and underscores.")


def _check_choice(
    table: str, frame: pd.DataFrame, column: str, choices: Iterable[str], problems: list[str], *, required: bool
) -> None:
    choices = tuple(choices)
    missing = frame[column].isna().to_numpy(dtype=bool)
    if required:
        for key in frame.index[missing]:
            problems.append(f"{_label(table, key)}: `{column}` is missing; expected one of {list(choices)}.")
    rows = np.flatnonzero(~missing)
    values = frame[column].to_numpy(dtype=object)[rows]
    unknown = _choice(values, choices) < 0
    for key, value in zip(frame.index[rows[unknown]], values[unknown], strict=True):
        problems.append(
            f"{_label(table, key)}: `{column}` is {value!r}; expected one of {list(choices)}{nearest(value, choices)}."
        )


def _choice(values: pd.Series | np.ndarray, choices: Sequence[str]) -> np.ndarray:
    """Which of `choices` each value is: its position in them, or -1 (another value, or missing).

    One hash look-up per value; cheapest where few values are missing (pandas hashes ``pd.NA`` slowly).
    """
    return _model.positions(pd.Index(list(choices), dtype=object), values)


def _check_figures(table: str, frame: pd.DataFrame, problems: list[str]) -> None:
    for figure, (low, high, source, confidence) in _model.FIGURES.get(table, {}).items():
        has_value = frame[figure].notna() if figure != "geometry" else ~frame.geometry.isna()
        rows = np.flatnonzero(has_value.to_numpy(dtype=bool))  # provenance is read only where there is a figure
        for key in frame.index[rows[_blank_cells(frame[source].to_numpy(dtype=object)[rows])]]:
            problems.append(
                f"{_label(table, key)}: `{figure}` has no `{source}`; cite where it comes from, "
                "or write 'assumption: ...' and give a range."
            )
        conf = frame[confidence]
        level = _choice(conf.to_numpy(dtype=object)[rows], _model.CONFIDENCES)  # H, M, L: 0, 1, 2; else -1
        for key in frame.index[rows[level < 0]]:
            problems.append(
                f"{_label(table, key)}: `{confidence}` is {_show(conf[key])}; expected one of "
                f"{list(_model.CONFIDENCES)} (high, medium, low)."
            )
        if low is None:
            continue
        value, lo, hi = frame[figure], frame[low], frame[high]
        for key in frame.index[(lo > value) | (value > hi) | (lo > hi)]:
            problems.append(
                f"{_label(table, key)}: `{low}` <= `{figure}` <= `{high}` does not hold "
                f"({lo[key]} / {value[key]} / {hi[key]}); order the range."
            )
        low_confidence = rows[level == _model.CONFIDENCES.index("L")]
        for key in frame.index[low_confidence[(lo.isna() | hi.isna()).to_numpy(dtype=bool)[low_confidence]]]:
            problems.append(
                f"{_label(table, key)}: `{figure}` is low-confidence (L) but has no range; give `{low}` and `{high}`."
            )


def _check_finite(table: str, frame: pd.DataFrame, problems: list[str]) -> None:
    """Numbers that are infinite (or not numbers at all, in a table built in memory)."""
    for column in _model.NUMERIC[table]:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            problems.append(f"{table}: `{column}` holds {values.dtype} values; expected numbers.")
            continue
        for key in frame.index[np.isinf(values.to_numpy(dtype=float))]:
            problems.append(f"{_label(table, key)}: `{column}` is {values[key]}; expected a finite number.")
    for column in _YEARS.get(table, ()):
        years = frame[column]
        if not pd.api.types.is_numeric_dtype(years):
            continue
        whole = years.isna() | (years == years.round())
        from corridor.costs import _cpi_u  # costs reads the corridor: imported here, not at the top

        index = _cpi_u().index
        for key in frame.index[~whole | (years.notna() & ~years.isin(index))]:
            problems.append(
                f"{_label(table, key)}: `{column}` is {years[key]:g}; expected the whole year of the US$ figure, "
                f"which the price index (data/cpi_u.csv) covers for {index.min()}-{index.max()}."
            )


_YEARS = {"segments": ("cost_year",), "transfers": ("cost_year",)}
_POSITIVE = {
    "segments": ("speed_kmh_min", "speed_kmh", "speed_kmh_max", "length_km_published", "capacity_mtpa"),
    "transfers": ("capacity_mtpa",),
}
_NOT_NEGATIVE = {
    "segments": ("cost_usd_per_tkm_min", "cost_usd_per_tkm", "cost_usd_per_tkm_max"),
    "transfers": ("time_h_min", "time_h_mode", "time_h_max", "cost_usd_per_teu_min", "cost_usd_per_teu",
                  "cost_usd_per_teu_max"),
}  # fmt: skip


def check_metadata(metadata: Any, places: Any) -> list[str]:
    """The metadata keys the package reads: ``name``, ``price_year`` and ``key_places``."""
    if not isinstance(metadata, dict):
        return [f"metadata: is a {type(metadata).__name__}; expected a mapping of keys to values."]
    problems = []
    name = metadata.get("name")
    if "name" in metadata and not (isinstance(name, str) and name.strip()):
        problems.append(f"metadata: `name` is {name!r}; expected the corridor's name as text.")
    year = metadata.get("price_year")
    if "price_year" in metadata and not (
        isinstance(year, int | np.integer) and not isinstance(year, bool) and 1900 <= year <= 2100
    ):
        problems.append(f"metadata: `price_year` is {year!r}; expected the year of the US$ figures, such as 2022.")
    key_places = metadata.get("key_places")
    if "key_places" in metadata:
        if isinstance(key_places, str) or not isinstance(key_places, list | tuple):
            problems.append(f"metadata: `key_places` is {key_places!r}; expected a list of place ids, such as ['a'].")
        else:
            known = places.index if isinstance(places, pd.DataFrame) else []
            for place in key_places:
                if not isinstance(place, str) or place not in known:
                    problems.append(
                        f"metadata: `key_places` names {place!r}, which is not a place_id of this corridor"
                        f"{nearest(place, known)}."
                    )
    return problems


def _show(value: object) -> str:
    return "missing" if pd.isna(value) else repr(value)


def _check_crs(table: str, frame: Any, problems: list[str]) -> None:
    if frame.crs is None:
        problems.append(f"{table}: the CRS is missing; set it with `.set_crs('EPSG:4326')` if these are lon/lat.")
    elif not frame.crs.equals(_model.CRS):
        problems.append(
            f"{table}: the CRS is {frame.crs.to_string()!r}; expected EPSG:4326 (lengths are geodesic). "
            "Use `.to_crs('EPSG:4326')`."
        )


def _check_geometry(table: str, frame: Any, kind: str, problems: list[str]) -> None:
    geometry = np.asarray(frame.geometry.array, dtype=object)
    missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    wrong = ~missing & (shapely.get_type_id(geometry) != _TYPE_IDS[kind])
    invalid = ~missing & ~wrong & ~shapely.is_valid(geometry)
    bounds = shapely.bounds(geometry)
    outside = ~missing & ~wrong & ~invalid & ((np.abs(bounds[:, [0, 2]]) > 180).any(axis=1)
                                              | (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1))  # fmt: skip
    keys = frame.index
    for i in np.flatnonzero(missing | wrong | invalid | outside):
        key, geom = keys[i], geometry[i]
        if missing[i]:
            problems.append(f"{_label(table, key)}: the geometry is missing; expected a {kind}.")
        elif wrong[i]:
            problems.append(f"{_label(table, key)}: the geometry is a {geom.geom_type}; expected a {kind}.")
        elif invalid[i]:
            problems.append(f"{_label(table, key)}: the geometry is invalid ({shapely.is_valid_reason(geom)}).")
        else:
            problems.append(f"{_label(table, key)}: coordinates lie outside lon -180..180, lat -90..90.")


def _check_country(
    table: str, frame: pd.DataFrame, column: str, problems: list[str], *, where: pd.Series | np.ndarray
) -> None:
    rows = where.to_numpy(dtype=bool) if isinstance(where, pd.Series) else np.asarray(where, dtype=bool)
    codes = frame[column].to_numpy(dtype=object)[rows]
    numbers, distinct = pd.factorize(codes)  # each distinct code looked up once; a missing one is -1
    known = np.array([pycountry.countries.get(alpha_3=code) is not None for code in distinct.tolist()] + [False])
    bad = ~known[numbers]
    for key, code in zip(frame.index[rows][bad], codes[bad], strict=True):
        if pd.isna(code):
            problems.append(f"{_label(table, key)}: `{column}` is missing; expected an ISO 3166 alpha-3 code.")
        else:
            try:
                hint = f" (did you mean {pycountry.countries.lookup(code).alpha_3!r}?)"
            except LookupError:
                hint = ""
            problems.append(
                f"{_label(table, key)}: `{column}` is {code!r}, which is not an ISO 3166 alpha-3 code{hint}."
            )


def _check_places(places: Any, problems: list[str]) -> None:
    _check_crs("places", places, problems)
    _check_geometry("places", places, "Point", problems)
    _check_choice("places", places, "kind", _model.PLACE_KINDS, problems, required=True)
    _check_country("places", places, "country", problems, where=np.ones(len(places), dtype=bool))


def _check_reference(table: str, frame: pd.DataFrame, column: str, ids: pd.Index, problems: list[str]) -> np.ndarray:
    """Report values of `column` that are not place ids; return where each stands in `ids` (-1: nowhere)."""
    at = _model.positions(ids, frame[column])
    values = frame[column]
    for key, value in values[at < 0].items():
        if pd.isna(value):
            problems.append(f"{_label(table, key)}: `{column}` is missing; expected a place_id.")
        else:
            problems.append(f"{_label(table, key)}: `{column}` {value!r} is not a known place{nearest(value, ids)}.")
    return at


def _check_positive(table: str, frame: pd.DataFrame, columns: Iterable[str], problems: list[str]) -> None:
    for column in columns:
        for key in frame.index[frame[column] <= 0]:
            problems.append(f"{_label(table, key)}: `{column}` is {frame[column][key]}; it must be positive.")


def _check_not_negative(table: str, frame: pd.DataFrame, columns: Iterable[str], problems: list[str]) -> None:
    for column in columns:
        for key in frame.index[frame[column] < 0]:
            problems.append(f"{_label(table, key)}: `{column}` is {frame[column][key]}; it cannot be negative.")


def _check_gauges(table: str, frame: pd.DataFrame, mode: str, gauge: str, problems: list[str]) -> None:
    mode_at = _choice(frame[mode], _model.MODES)
    is_rail = mode_at == _model.MODES.index("rail")
    other = (mode_at >= 0) & ~is_rail
    for key in frame.index[is_rail & frame[gauge].isna()]:
        problems.append(f"{_label(table, key)}: `{gauge}` is missing; rail needs a track gauge in mm (1520, 1435).")
    for key in frame.index[other & frame[gauge].notna()]:
        problems.append(
            f"{_label(table, key)}: `{gauge}` is {frame[gauge][key]:g} for mode {frame[mode][key]!r}; "
            "only rail has a gauge, leave it empty."
        )
    _check_positive(table, frame, [gauge], problems)
    for key in frame.index[(frame[gauge] > 0) & ~frame[gauge].between(_GAUGES_MM[0], _GAUGES_MM[1])]:
        problems.append(
            f"{_label(table, key)}: `{gauge}` is {frame[gauge][key]:g}; track gauges lie between {_GAUGES_MM[0]} and "
            f"{_GAUGES_MM[1]} mm (1520, 1435, 1676, 1067, ...)."
        )


_GAUGES_MM = (300, 2000)


def _check_dates(table: str, frame: pd.DataFrame, start: str, end: str, problems: list[str]) -> None:
    for key in frame.index[frame[start] >= frame[end]]:
        problems.append(
            f"{_label(table, key)}: `{start}` {frame[start][key]:%Y-%m-%d} is not before "
            f"`{end}` {frame[end][key]:%Y-%m-%d}."
        )


def _check_segments(
    segments: Any, places: Any, problems: list[str], *, max_end_gap_km: float, tolerance: float
) -> None:
    table = "segments"
    _check_crs(table, segments, problems)
    _check_geometry(table, segments, "LineString", problems)
    _check_choice(table, segments, "mode", _model.MODES, problems, required=True)
    _check_choice(table, segments, "status", _model.STATUSES, problems, required=True)
    mode = _choice(segments["mode"], _model.MODES)  # which mode each segment has, -1 for none
    water = np.isin(mode, [_model.MODES.index(m) for m in _model.WATER_MODES])
    _check_choice(table, segments.loc[water, ["service"]], "service", _model.SERVICES, problems, required=False)
    for key in segments.index[~water & segments["service"].notna()]:
        problems.append(
            f"{_label(table, key)}: `service` is {segments['service'][key]!r} on a {segments['mode'][key]} segment; "
            "only sea and inland-water segments have a service, leave it empty."
        )
    at = {column: _check_reference(table, segments, column, places.index, problems) for column in _ENDS}
    for key in segments.index[segments["from_place"].eq(segments["to_place"])]:
        problems.append(
            f"{_label(table, key)}: starts and ends at {segments['from_place'][key]!r}; a segment joins two places."
        )
    on_land = np.isin(mode, [_model.MODES.index(m) for m in ("rail", "road")])
    _check_country(table, segments, "country", problems, where=on_land)
    _check_gauges(table, segments, "mode", "gauge_mm", problems)
    _check_positive(table, segments, _POSITIVE[table], problems)
    _check_not_negative(table, segments, _NOT_NEGATIVE[table], problems)
    _check_dates(table, segments, "available_from", "available_until", problems)
    _check_ends(segments, places, at, problems, max_end_gap_km)
    _check_lengths(segments, problems, tolerance)


_ENDS = ("from_place", "to_place")
_MAX_KM_PER_DEGREE = 112.0  # WGS84: a degree of latitude is at most 111.7 km (at the poles), of longitude 111.3 km


def _check_ends(
    segments: Any, places: Any, at_place: dict[str, np.ndarray], problems: list[str], max_gap_km: float
) -> None:
    """Segment lines whose ends lie far from their places (`at_place`: where each end's place is in `places`)."""
    lines = np.asarray(segments.geometry.array, dtype=object)
    usable = (shapely.get_type_id(lines) == _TYPE_IDS["LineString"]) & ~shapely.is_empty(lines)
    px, py = shapely.get_x(places.geometry.array), shapely.get_y(places.geometry.array)  # NaN where missing
    coords = shapely.get_coordinates(lines[usable])  # every vertex of every usable line, in order
    last = np.cumsum(shapely.get_num_coordinates(lines[usable])) - 1
    first = np.concatenate([[0], last[:-1] + 1])
    for end, column, vertex in (("start", "from_place", first), ("end", "to_place", last)):
        at = at_place[column]
        ok = usable & (at >= 0)
        known = np.isfinite(px[at[usable]]) & (at[usable] >= 0)
        ok[usable] = known
        (x, y), (to_x, to_y) = coords[vertex[known]].T, (px[at[ok]], py[at[ok]])
        # no geodesic is longer than the way along the meridian and then along the parallel: only ends that this
        # bound does not place within the allowed gap are measured (absurd or NaN coordinates too)
        with np.errstate(over="ignore", invalid="ignore"):  # 1e308 - -1e308 is inf, inf - inf NaN: measured
            measure = ~(np.abs(y - to_y) + np.abs(x - to_x) <= max_gap_km / _MAX_KM_PER_DEGREE)
        gap_km = np.zeros(len(x))
        gap_km[measure] = GEOD.inv(x[measure], y[measure], to_x[measure], to_y[measure])[2] / 1000.0
        far = gap_km > max_gap_km
        keys, names = segments.index[ok][far], segments[column].to_numpy()[ok][far]
        for key, place, km in zip(keys, names, gap_km[far], strict=True):
            problems.append(
                f"segments[{key!r}]: the line's {end} lies {km:.1f} km from its {column} {place!r} "
                f"(allowed {max_gap_km:g} km); move the end point or the place."
            )


def _check_lengths(segments: pd.DataFrame, problems: list[str], tolerance: float) -> None:
    published, geodesic = segments["length_km_published"], segments["length_km_geodesic"]
    # short links (a bridge, a port spur) may differ by a few km whatever their share
    gap = (published - geodesic).abs()
    far = (gap > tolerance * published) & (gap > 10.0)
    for key in segments.index[far]:
        problems.append(
            f"segments[{key!r}]: the recorded length {published[key]:g} km differs from the geometry's geodesic "
            f"length {geodesic[key]:.1f} km by more than {tolerance:.0%}; check the alignment or the figure."
        )


def _check_transfers(
    transfers: pd.DataFrame, places: Any, problems: list[str], terminals: tuple[list[np.ndarray], pd.DataFrame] | None
) -> None:
    """Check the transfers, and then (only if no problem was found so far) that each transfer end leads somewhere.

    `terminals` is :func:`corridor._model.number_terminals` of the segment starts, segment ends, transfer froms and
    transfer tos.
    """
    table = "transfers"
    _check_reference(table, transfers, "place_id", places.index, problems)
    _check_choice(table, transfers, "kind", _model.TRANSFER_KINDS, problems, required=True)
    for side in ("from", "to"):
        _check_choice(table, transfers, f"{side}_mode", _model.MODES, problems, required=True)
        _check_gauges(table, transfers, f"{side}_mode", f"{side}_gauge_mm", problems)
        on_land = _model.is_one_of(transfers[f"{side}_mode"], ["rail", "road"])
        _check_country(table, transfers, f"{side}_country", problems, where=on_land)
    _check_not_negative(table, transfers, _NOT_NEGATIVE[table], problems)
    _check_positive(table, transfers, _POSITIVE[table], problems)
    _check_dates(table, transfers, "available_from", "available_until", problems)
    same = (
        transfers["from_mode"].eq(transfers["to_mode"])
        & transfers["from_gauge_mm"].fillna(0).eq(transfers["to_gauge_mm"].fillna(0))
        & transfers["from_country"].fillna("").eq(transfers["to_country"].fillna(""))
    )
    stop = _model.is_one_of(transfers["kind"], _model.STOP_KINDS)
    for key in transfers.index[same & ~stop]:
        problems.append(
            f"{_label(table, key)}: joins a terminal to itself; a transfer changes mode, gauge or country "
            f"(a stop that changes nothing has a kind from {list(_model.STOP_KINDS)})."
        )
    for key in transfers.index[stop & ~same]:
        problems.append(
            f"{_label(table, key)}: a {transfers['kind'][key]} stop changes nothing: give the same mode, gauge and "
            "country on both sides (the terminal where it happens)."
        )
    if problems or terminals is None:
        return
    (seg_from, seg_to, *ends), terminal = terminals
    reached = np.zeros(len(terminal), dtype=bool)
    reached[seg_from] = reached[seg_to] = True
    uses = np.bincount(np.concatenate(ends), minlength=len(terminal))  # one only this transfer end touches: a dead end
    parts = [terminal[name].to_numpy(dtype=object) for name in ("place", "mode", "gauge", "country")]
    for side, number in zip(("from", "to"), ends, strict=True):
        dead = ~reached[number] & (uses[number] == 1)
        for key, t in zip(transfers.index[dead], number[dead], strict=True):
            place, mode, gauge, country = (part[t] for part in parts)
            problems.append(
                f"transfers[{key!r}]: no segment or other transfer reaches its {side} terminal at {place!r} "
                f"({mode}{' ' + gauge + ' mm' if gauge else ''}{', ' + country if country else ''}); "
                "check its mode, gauge and country against the segments there."
            )


def _check_events(
    events: pd.DataFrame, places: Any, segments: pd.DataFrame, transfers: pd.DataFrame, problems: list[str]
) -> None:
    if events.empty:
        return
    table = "events"
    _check_choice(table, events, "effect", _model.EVENT_EFFECTS, problems, required=True)
    _check_dates(table, events, "start", "end", problems)
    for key in events.index[events["start"].isna()]:
        problems.append(f"{_label(table, key)}: `start` is missing; expected a date as YYYY-MM-DD.")
    targets = event_targets(places, segments, transfers)
    for key in events.index:
        target = key[1] if isinstance(key, tuple) else events["target"][key]
        if target not in targets:
            problems.append(
                f"{_label(table, key)}: target {target!r} is not a segment, transfer, place, country or passage "
                f"of this corridor{nearest(target, targets)}."
            )


def _check_routes(routes: pd.DataFrame, segments: pd.DataFrame, problems: list[str]) -> None:
    known = segments["branch"].dropna().unique()
    for key, branches in routes["branches"].dropna().items():
        for branch in branches.split(";"):
            if branch not in known:
                problems.append(
                    f"routes[{key!r}]: branch {branch!r} is not a `branch` of any segment{nearest(branch, known)}; "
                    f"expected ';'-separated values from {sorted(known)}."
                )


def event_targets(places: Any, segments: pd.DataFrame, transfers: pd.DataFrame) -> dict[str, str]:
    """Every name an event may target, mapped to what it is."""
    passages = segments["passages"].dropna().str.split(";").explode().dropna()
    return {
        **dict.fromkeys(places["country"].dropna(), "country"),
        **dict.fromkeys(passages, "passage"),
        **dict.fromkeys(places.index, "place"),
        **dict.fromkeys(transfers.index, "transfer"),
        **dict.fromkeys(segments.index, "segment"),
    }


def _check_connected(terminals: tuple[list[np.ndarray], pd.DataFrame], problems: list[str]) -> None:
    """One problem if the network falls into pieces, naming the places and modes of each piece."""
    (seg_from, seg_to, tr_from, tr_to), terminal = terminals
    start, end = np.concatenate([seg_from, tr_from]), np.concatenate([seg_to, tr_to])
    n = len(terminal)
    graph = coo_array((np.ones(len(start)), (start, end)), shape=(n, n))
    count, component = connected_components(graph, directed=False)
    if count <= 1:
        return
    pieces = []
    order = np.argsort(component, kind="stable")
    place, mode = terminal["place"].to_numpy(dtype=object), terminal["mode"].to_numpy(dtype=object)
    for members in np.split(order, np.flatnonzero(np.diff(component[order])) + 1):  # the terminals of each piece
        place_names = sorted(set(place[members].tolist()))
        modes = sorted(set(mode[members].tolist()))
        shown = ", ".join(place_names[:8]) + (f", ... ({len(place_names)} places)" if len(place_names) > 8 else "")
        pieces.append((len(place_names), f"[{'/'.join(modes)}] {shown}"))
    pieces.sort(reverse=True)
    problems.append(
        f"the network falls into {count} pieces that no segment or transfer joins: "
        + "; ".join(text for _, text in pieces)
        + ". Add the missing segment or transfer (a port_call or transshipment where modes meet)."
    )
