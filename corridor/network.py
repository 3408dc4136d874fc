"""The `Corridor`: places, segments, transfers and dated events, read, validated, selected and written.

Index contract
--------------
- ``places``: GeoDataFrame of Points (EPSG:4326) indexed by ``place_id``.
- ``segments``: GeoDataFrame of LineStrings (EPSG:4326) indexed by ``segment_id``; ``from_place`` and
  ``to_place`` hold labels of ``places.index``. ``length_km_geodesic`` is computed from the geometry on
  load; ``length_km`` is the published length where one is recorded, else the geodesic one.
- ``transfers``: DataFrame indexed by ``transfer_id``; ``place_id`` holds labels of ``places.index``.
  A transfer joins two terminals of one place, each a (mode, gauge, country) triple; a blank country on a
  land side means the place's own country. Border crossings join the same mode in two countries.
- ``events``: DataFrame indexed by (``event_id``, ``target``): dated closures and disruptions of a segment,
  transfer, place, country (ISO3) or sea passage (``hormuz``, ``suez``, ...).
- ``routes``: DataFrame indexed by ``route_id``: named routes, each the ``;``-separated segment
  ``branch`` values it may use (see :func:`corridor.routing.named_routes`).

On disk a corridor is a folder (``places.csv`` with ``lat``/``lon``, ``segments.csv`` with a WKT
``geometry`` column, ``transfers.csv``, optional ``events.csv``, ``routes.csv`` and ``corridor.toml``) or a GeoPackage
with layers of the same names. In memory, :func:`from_frames` builds one from (Geo)DataFrames in any CRS, and
:func:`suggest_transfers` proposes the transfers where modes, gauges or countries meet.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import datetime as dt
import io
import json
import pathlib
import re
import tomllib
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Geod
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from corridor import _model, _validate
from corridor.errors import CorridorReadError, CorridorValidationError

__all__ = [
    "Corridor", "read_corridor", "from_frames", "suggest_transfers", "validate", "length_summary",
    "confidence_summary",
]  # fmt: skip

_GEOD = Geod(ellps="WGS84")
_COPY_ON_WRITE = _model.COPY_ON_WRITE
_IDS = {"places": "place_id", "segments": "segment_id", "transfers": "transfer_id"}
_ID_COLUMNS = {**_IDS, "events": "event_id", "routes": "route_id"}  # events are keyed by (event_id, target)
_COMPUTED = ("length_km_geodesic", "length_km")
#: ids: pandas' default text ("str", NaN where missing) in its Python storage, as without pyarrow, so that look-ups
#: by id hash the Python strings themselves rather than convert Arrow text each time (`_validate.coerce` keeps ids
#: read from a GeoPackage or given in memory the same way)
_ID_TEXT = pd.StringDtype("python", na_value=np.nan)
_DEFAULT_PROVENANCE = "provenance_for_all"  # metadata key: the source and confidence given for all bare figures
_LENGTH_PROVENANCE = (None, None, "length_source", "length_confidence")


@dataclasses.dataclass(frozen=True, repr=False)
class Corridor:
    """A transport corridor: places joined by segments, with transfers at places and dated events.

    Build one with :func:`read_corridor`, :func:`from_frames` or :func:`corridor.load_instc`; the tables are ordinary
    (Geo)DataFrames, so everything pandas and geopandas do works on them. Methods return new corridors.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> toy
    <Corridor 'Toy corridor': 4 places, 4 segments, 4 transfers, 1 events, 1 routes>
    >>> toy.segments["length_km"].sum()
    np.float64(600.0)
    """

    places: gpd.GeoDataFrame
    segments: gpd.GeoDataFrame
    transfers: pd.DataFrame
    events: pd.DataFrame
    routes: pd.DataFrame = dataclasses.field(default_factory=lambda: _empty("routes"))
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict)
    _cache: dict[Any, tuple[tuple[Any, ...], tuple[pd.DataFrame, ...], Any]] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __repr__(self) -> str:
        name = self.metadata.get("name", "unnamed")
        as_of = f" as of {self.metadata['as_of']}" if "as_of" in self.metadata else ""
        return (
            f"<Corridor {name!r}{as_of}: {len(self.places)} places, {len(self.segments)} segments, "
            f"{len(self.transfers)} transfers, {len(self.events.index.unique(0))} events, {len(self.routes)} routes>"
        )

    def _cached(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()`` once per `key`, made again after any edit of the tables, even one in place.

        With pandas' copy-on-write, a table edited in place while a shallow copy of it is kept gets new
        blocks of column data; the identities of the blocks and indexes are the tables' signature.
        """
        tables = tuple(getattr(self, table) for table in _model.TABLES)
        signature = _signature(tables)
        hit = self._cache.get(key)
        if hit is None or hit[0] != signature:
            kept = tuple(table.copy(deep=False) for table in tables)  # keeps the arrays shared, so edits copy
            hit = self._cache[key] = (signature, kept, make())
        return hit[2]

    def copy(self) -> Corridor:
        """A deep copy: changing its tables leaves this corridor as it was."""
        return dataclasses.replace(
            self,
            **{table: getattr(self, table).copy() for table in _model.TABLES},
            metadata=copy.deepcopy(self.metadata),
        )

    def select(
        self,
        *,
        modes: Iterable[str] | None = None,
        countries: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        branches: Iterable[str] | None = None,
    ) -> Corridor:
        """Keep the segments that match every given filter, the places they touch and the transfers there.

        Parameters
        ----------
        modes, statuses, branches : iterable of str, optional
            Keep segments whose ``mode`` / ``status`` / ``branch`` is one of these.
        countries : iterable of str, optional
            ISO3 codes. Keep land segments in these countries and water segments whose both ends are in them.

        Returns
        -------
        Corridor
            A subset; it is not re-validated (a subset may well be disconnected).

        Examples
        --------
        >>> import corridor
        >>> corridor.load_instc().select(modes=["rail"], countries=["AZE"]).segments.index.tolist()
        ['yalama_sumqayit_rail', 'sumqayit_baku_rail', 'baku_alat_rail', 'baku_astara_az_rail',
         'astara_az_astara_ir_rail']
        """
        segments = self.segments
        keep = pd.Series(True, index=segments.index)
        for column, wanted, allowed in (
            ("mode", modes, _model.MODES),
            ("status", statuses, _model.STATUSES),
            ("branch", branches, segments["branch"].dropna().unique()),
        ):
            if wanted is not None:
                wanted = _check_values(column, wanted, allowed)
                keep &= segments[column].isin(wanted)
        if countries is not None:
            countries = _check_values("countries", countries, self.places["country"].unique())
            place_country = self.places["country"]
            ends_in = segments["from_place"].map(place_country).isin(countries) & segments["to_place"].map(
                place_country
            ).isin(countries)
            water = segments["mode"].isin(_model.WATER_MODES)
            keep &= (segments["country"].isin(countries) & ~water) | (water & ends_in)
        return self._subset(keep)

    def as_of(self, date: str | pd.Timestamp) -> Corridor:
        """The corridor in service on `date`: what has opened and not closed, less what an event closed.

        A segment or transfer is in service when ``available_from`` <= `date` < ``available_until``; one
        without ``available_from`` is in service only if its status is operational (transfers: always).
        Events with effect ``closed`` in force on `date` remove their targets: a segment or transfer; every
        segment and transfer at a place; everything in a country; every segment through a passage.
        Events with effect ``disrupted`` remove nothing; :meth:`events_on` lists them. Places are kept.

        Examples
        --------
        >>> import corridor
        >>> c = corridor.load_instc()
        >>> "jnpt_shahid_rajaee_sea" in c.as_of("2026-05-01").segments.index
        False
        >>> "jnpt_shahid_rajaee_sea" in c.as_of("2025-05-01").segments.index
        True
        """
        day = _as_date(date)
        seg, tr = self.segments, self.transfers
        seg_open = _in_service(seg, day, seg["status"].eq("operational"))
        tr_open = _in_service(tr, day, pd.Series(True, index=tr.index))
        closing = self.events_on(day)
        closing = closing[closing["effect"].eq("closed")].index.get_level_values("target")
        kinds = _validate.event_targets(self.places, seg, tr)
        for target in closing:
            kind = kinds.get(target)
            if kind == "segment":
                seg_open[target] = False
            elif kind == "transfer":
                tr_open[target] = False
            elif kind == "place":
                seg_open &= ~(seg["from_place"].eq(target) | seg["to_place"].eq(target))
                tr_open &= tr["place_id"].ne(target)
            elif kind == "country":
                in_country = self.places.index[self.places["country"].eq(target)]
                touches = seg["from_place"].isin(in_country) | seg["to_place"].isin(in_country)
                in_it = seg["country"].eq(target).fillna(False).astype(bool)  # a blank country (sea) is not in it
                seg_open &= ~(in_it | touches)
                tr_open &= ~tr["place_id"].isin(in_country)
            elif kind == "passage":
                seg_open &= ~seg["passages"].fillna("").str.split(";").map(lambda p, t=target: t in p)
        metadata = {**self.metadata, "as_of": f"{day:%Y-%m-%d}"}
        return self._derived(segments=seg[seg_open], transfers=tr[tr_open], metadata=metadata)

    def events_on(self, date: str | pd.Timestamp) -> pd.DataFrame:
        """Events in force on `date` (``start`` <= `date` < ``end``; no ``end`` means still in force).

        Examples
        --------
        >>> import corridor
        >>> corridor.load_instc().events_on("2026-03-05").index.get_level_values("event_id").unique().tolist()
        ['us_israel_campaign_2026', 'azerbaijan_iran_truck_border_closure_2026']
        """
        day = _as_date(date)
        events = self.events
        return events[(events["start"] <= day) & ~(events["end"] <= day)]

    def to_file(self, path: str | pathlib.Path) -> pathlib.Path:
        """Write the corridor to a GeoPackage (``.gpkg``, opens in QGIS or ArcGIS) or to a folder of CSV files.

        Computed columns (``length_km``, ``length_km_geodesic``) are left out; they are recomputed on read.
        An existing GeoPackage or corridor folder of the same name is replaced completely (a folder's old
        ``corridor.toml`` goes too: the metadata is written to ``metadata.json``); a folder that holds any
        other file is refused, so that nothing of another corridor is left beside this one.

        Examples
        --------
        >>> import corridor, tempfile, pathlib
        >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
        >>> path = toy.to_file(pathlib.Path(tempfile.mkdtemp()) / "toy.gpkg")
        >>> corridor.read_corridor(path).segments.index.equals(toy.segments.index)
        True
        """
        path = pathlib.Path(path)
        segments = self.segments.drop(columns=list(_COMPUTED))
        events = self.events.reset_index()
        metadata = pd.DataFrame({"key": list(self.metadata), "value": [json.dumps(v) for v in self.metadata.values()]})
        if path.suffix.lower() == ".gpkg":
            path.unlink(missing_ok=True)
            self.places.to_file(path, layer="places", driver="GPKG")
            segments.to_file(path, layer="segments", driver="GPKG")
            tables = {"transfers": self.transfers.reset_index(), "events": events, "routes": self.routes.reset_index()}
            for layer, frame in {**tables, "metadata": metadata}.items():
                pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")
            return path
        if path.suffix:
            raise ValueError(f"`path` was {str(path)!r}; expected a folder (no suffix) or a '.gpkg' file.")
        if path.exists() and not path.is_dir():
            raise ValueError(f"`path` was {str(path)!r}, which is a file; expected a folder or a '.gpkg' file.")
        if path.is_dir():
            others = sorted(p.name for p in path.iterdir() if p.name not in _CORRIDOR_FILES)
            if others:
                raise ValueError(
                    f"`path` {str(path)!r} holds files that are not part of a corridor ({', '.join(others[:5])}"
                    f"{', ...' if len(others) > 5 else ''}); `to_file` replaces a corridor folder completely, so "
                    "give a new or empty folder."
                )
            for name in _CORRIDOR_FILES:
                (path / name).unlink(missing_ok=True)
        path.mkdir(parents=True, exist_ok=True)
        places = pd.DataFrame(self.places.drop(columns="geometry"))
        places["lat"], places["lon"] = self.places.geometry.y, self.places.geometry.x
        places.to_csv(path / "places.csv", lineterminator="\n")
        segments = pd.DataFrame(segments.drop(columns="geometry")).assign(
            geometry=shapely.to_wkt(segments.geometry.array, rounding_precision=6)
        )
        segments.to_csv(path / "segments.csv", lineterminator="\n", date_format="%Y-%m-%d")
        self.transfers.to_csv(path / "transfers.csv", lineterminator="\n", date_format="%Y-%m-%d")
        events.to_csv(path / "events.csv", index=False, lineterminator="\n", date_format="%Y-%m-%d")
        self.routes.to_csv(path / "routes.csv", lineterminator="\n")
        (path / "metadata.json").write_text(json.dumps(self.metadata, indent=2, ensure_ascii=False) + "\n")
        return path

    def _subset(self, keep_segments: pd.Series) -> Corridor:
        segments = self.segments[keep_segments]
        used = pd.Index(segments["from_place"]).union(pd.Index(segments["to_place"]))
        places = self.places[self.places.index.isin(used)]
        transfers = self.transfers[self.transfers["place_id"].isin(used)]
        return self._derived(places=places, segments=segments, transfers=transfers)

    def _derived(self, **tables: Any) -> Corridor:
        """A corridor with `tables` replaced that shares no mutable object with this one.

        Under pandas' copy-on-write (always on from pandas 3) a shallow copy is a new table whose edits never reach
        this one; without it, the tables are copied deeply. The metadata is copied deeply.
        """
        fresh = {name: tables.get(name, getattr(self, name)) for name in _model.TABLES}
        fresh = {name: frame.copy(deep=not _COPY_ON_WRITE) for name, frame in fresh.items()}
        metadata = copy.deepcopy(tables.get("metadata", self.metadata))
        return dataclasses.replace(self, **fresh, metadata=metadata)


def read_corridor(path: str | pathlib.Path, *, max_end_gap_km: float = 5.0, length_tolerance: float = 0.2) -> Corridor:
    """Read and validate a corridor from a folder of CSV files or from a GeoPackage.

    Parameters
    ----------
    path : str or Path
        A folder holding ``places.csv``, ``segments.csv``, ``transfers.csv`` and optionally ``events.csv``
        and ``corridor.toml`` (or ``metadata.json``); or a ``.gpkg`` file with layers of those names.
    max_end_gap_km : float, default 5.0
        Largest distance (km) allowed between a segment line's end and its place.
    length_tolerance : float, default 0.2
        Largest relative gap between a recorded length and the geometry's geodesic length
        (gaps under 10 km always pass).

    Returns
    -------
    Corridor

    Raises
    ------
    CorridorReadError
        If a file cannot be read as a table: empty, not UTF-8, a row with more or fewer fields than the header,
        a quote left open, a column named twice, broken ``corridor.toml`` / ``metadata.json`` (or both present),
        an unreadable GeoPackage. Names the file and, where known, the line.
    CorridorValidationError
        Listing every problem found, each naming the table, the id, the bad value and the fix; a column that
        is not in the data model is one (with the near match, if any).
    FileNotFoundError
        If `path` or one of its required tables does not exist.
    ValueError
        If `max_end_gap_km` or `length_tolerance` is not a finite number >= 0.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> toy.places.loc["b", "name"]
    'Bravo'
    """
    _check_tolerances(max_end_gap_km, length_tolerance)
    path = pathlib.Path(path)
    if path.is_dir():
        raw, metadata = _read_folder(path)
        where = "{table}.csv"
    elif path.suffix.lower() == ".gpkg" and path.is_file():
        raw, metadata = _read_gpkg(path)
        where = "layer {table!r}"
    else:
        raise FileNotFoundError(
            f"`path` was {str(path)!r}: expected an existing corridor folder (places.csv, segments.csv, "
            "transfers.csv) or a '.gpkg' file."
        )
    corridor = _from_tables(raw, metadata, source=str(path), where=where)
    validate(corridor, max_end_gap_km=max_end_gap_km, length_tolerance=length_tolerance, source=str(path))
    return corridor


def validate(
    corridor: Corridor, *, max_end_gap_km: float = 5.0, length_tolerance: float = 0.2, source: str = "corridor"
) -> None:
    r"""Check a corridor against the data model and raise one error that lists every problem.

    Checks ids, references to places, geometry and CRS, allowed values of mode/status/kind/effect, ISO3 country
    codes, finite figures of the right sign (positive lengths, speeds, gauges and capacities; rates, fees and dwell
    times not negative; cost years the price index covers), ordered ranges, a source and a confidence for every
    figure, the metadata keys read (``name``, ``price_year``, ``key_places``), segment ends near their places,
    recorded vs geodesic lengths, transfer terminals that some segment reaches, event targets, and that the network
    is one connected piece (if not, it names the transfers needed where modes, gauges or countries meet). A corridor
    built directly with ``Corridor(...)`` gets its missing columns listed, each with what it means.

    Raises
    ------
    CorridorValidationError

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> no_ports = toy.transfers.drop(["c_port", "d_port"])
    >>> broken = corridor.Corridor(toy.places, toy.segments, no_ports, toy.events.iloc[:0])
    >>> try:
    ...     corridor.validate(broken)
    ... except corridor.CorridorValidationError as error:
    ...     print(*error.problems[1].split("; "), sep="\n")
    transfers are needed where modes, gauges or countries meet: at 'c' a port_call (rail 1520 mm SWE / sea)
    at 'd' a port_call (road SWE / sea)
    `corridor.suggest_transfers(...)` proposes them as a table to fill in.
    """
    _check_tolerances(max_end_gap_km, length_tolerance)
    problems = _validate.check_corridor(corridor, max_end_gap_km=max_end_gap_km, length_tolerance=length_tolerance)
    problems.extend(_validate.check_metadata(corridor.metadata, corridor.places))
    if not _validate.check_columns(corridor):
        problems.extend(_blank_figures(corridor))
    if any(p.startswith("the network falls into") for p in problems):
        problems.extend(_needed_transfers(corridor))
    if problems:
        raise CorridorValidationError(problems, source=source)


def _check_tolerances(max_end_gap_km: Any, length_tolerance: Any) -> None:
    for name, value in (("max_end_gap_km", max_end_gap_km), ("length_tolerance", length_tolerance)):
        number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
        if not (number and np.isfinite(value) and value >= 0):
            raise ValueError(
                f"`{name}` was {value!r}; expected a finite number >= 0 "
                f"({'km, such as 5.0' if name == 'max_end_gap_km' else 'a share of the length, such as 0.2'})."
            )


def _blank_figures(corridor: Corridor) -> list[str]:
    """Figures every element needs: a speed for each segment, a dwell time for each transfer."""
    problems = []
    for key in corridor.segments.index[corridor.segments["speed_kmh"].isna()]:
        problems.append(
            f"segments[{key!r}]: `speed_kmh` is blank; give the typical speed (km/h) with `speed_source` and "
            "`speed_confidence`."
        )
    for key in corridor.transfers.index[corridor.transfers["time_h_mode"].isna()]:
        problems.append(
            f"transfers[{key!r}]: `time_h_mode` is blank; fill in the dwell time (h, with `time_h_min` and "
            "`time_h_max`) from a source, with `time_source` and `time_confidence`."
        )
    return problems


def _needed_transfers(corridor: Corridor) -> list[str]:
    """The proposed transfers that would join pieces of a network that falls apart, as one problem."""
    proposed = suggest_transfers(corridor)
    if proposed.empty:
        return []
    (seg_from, seg_to), (tr_from, tr_to) = (
        _model.segment_terminals(corridor.segments),
        _model.transfer_terminals(corridor.transfers),
    )
    starts = pd.concat([seg_from, tr_from], ignore_index=True)
    ends = pd.concat([seg_to, tr_to], ignore_index=True)
    new_from, new_to = _model.transfer_terminals(proposed)
    codes, labels = pd.factorize(np.concatenate([starts, ends, new_from, new_to]))
    n, m = len(starts), len(new_from)
    graph = coo_array((np.ones(n), (codes[:n], codes[n : 2 * n])), shape=(len(labels), len(labels)))
    _, piece = connected_components(graph, directed=False)
    joins = piece[codes[2 * n : 2 * n + m]] != piece[codes[2 * n + m :]]
    shown = [
        f"at {row.place_id!r} a {row.kind} ({_side(row, 'from')} / {_side(row, 'to')})"
        for row in proposed[joins].itertuples()
    ]
    return [
        "transfers are needed where modes, gauges or countries meet: "
        + "; ".join(shown)
        + "; `corridor.suggest_transfers(...)` proposes them as a table to fill in."
    ]


def _side(row: Any, side: str) -> str:
    gauge, country = getattr(row, f"{side}_gauge_mm"), getattr(row, f"{side}_country")
    return " ".join(
        [
            getattr(row, f"{side}_mode"),
            *([f"{gauge:g} mm"] if pd.notna(gauge) else []),
            *([country] if pd.notna(country) else []),
        ]
    )


def length_summary(corridor: Corridor, *, by: str = "branch") -> pd.DataFrame:
    """Segment length (km) by `by` and mode, with the number of segments not yet operational.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> corridor.length_summary(toy)[["rail_km", "road_km", "sea_km", "total_km"]]
            rail_km  road_km  sea_km  total_km
    branch
    land      200.0    200.0     0.0     400.0
    sea         0.0      0.0   200.0     200.0
    """
    segments = corridor.segments
    if by not in segments.columns:
        raise ValueError(f"`by` was {by!r}; expected a segments column{_validate.nearest(by, segments.columns)}.")
    keys = [segments[by].rename("group"), segments["mode"]]
    table = segments.groupby(keys)["length_km"].sum().unstack(fill_value=0.0).rename_axis(index=by)
    table = table.rename(columns=lambda mode: f"{mode}_km")
    table["total_km"] = table.sum(axis=1)
    table["segments"] = segments.groupby(by).size()
    table["not_operational"] = segments["status"].ne("operational").groupby(segments[by]).sum()
    table.columns.name = None
    return table


def confidence_summary(corridor: Corridor) -> pd.DataFrame:
    """How many figures of each table carry confidence H, M and L.

    Returns a DataFrame indexed by (table, figure) with columns ``H``, ``M``, ``L`` and ``share_low``.
    Besides the recorded figures it has the row ``("segments", "length_km")``: every length routing uses,
    published or taken from the geometry, counted by ``length_confidence``; a length without a confidence
    counts in none of the columns. ``given_for_all`` counts the figures whose source and confidence are the
    one pair given for all figures without their own (the ``source`` and ``confidence`` of
    :func:`from_frames`), rather than their own.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> corridor.confidence_summary(toy).loc[("transfers", "time_h_mode")].tolist()
    [4.0, 0.0, 0.0, 0.0, 0.0]
    """
    rows = {}
    given = {}
    default = corridor.metadata.get(_DEFAULT_PROVENANCE) or {}
    for table, figures in {**_model.FIGURES, "segments_length": {"length_km": _LENGTH_PROVENANCE}}.items():
        table = table.removesuffix("_length")
        frame = getattr(corridor, table)
        for figure, (_, _, source, confidence) in figures.items():
            present = frame.geometry.notna() if figure == "geometry" else frame[figure].notna()
            counts = frame.loc[present, confidence].value_counts()
            rows[(table, figure)] = [int(counts.get(level, 0)) for level in _model.CONFIDENCES]
            if default:
                same = frame[source].eq(default["source"]) & frame[confidence].eq(default["confidence"])
                given[(table, figure)] = int((present & same.fillna(False)).sum())
    summary = pd.DataFrame.from_dict(rows, orient="index", columns=list(_model.CONFIDENCES))
    summary.index = pd.MultiIndex.from_tuples(summary.index, names=["table", "figure"])
    summary["share_low"] = summary["L"] / summary[list(_model.CONFIDENCES)].sum(axis=1).where(lambda n: n > 0)
    summary["given_for_all"] = pd.Series(given, dtype="int64").reindex(summary.index, fill_value=0)
    return summary


# --- reading ---------------------------------------------------------------------------------------------


_CORRIDOR_FILES = ("places.csv", "segments.csv", "transfers.csv", "events.csv", "routes.csv", "corridor.toml",
                   "metadata.json")  # fmt: skip
_QUOTE, _COMMA, _NEWLINE, _RETURN = (ord(c) for c in '",\n\r')
_NOT_COMMA_OR_QUOTE = bytes(b for b in range(256) if b not in (_QUOTE, _COMMA))


def _read_folder(path: pathlib.Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    missing = [f"{t}.csv" for t in ("places", "segments", "transfers") if not (path / f"{t}.csv").is_file()]
    if missing:
        raise FileNotFoundError(f"corridor folder {str(path)!r} has no {', '.join(missing)}.")
    raw = {name: _read_csv(path / f"{name}.csv", name) for name in ("places", "segments", "transfers")}
    for name in ("events", "routes"):
        raw[name] = _read_csv(path / f"{name}.csv", name) if (path / f"{name}.csv").is_file() else pd.DataFrame()
    toml, json_file = path / "corridor.toml", path / "metadata.json"
    if toml.is_file() and json_file.is_file():
        raise CorridorReadError(
            path, "the folder holds both corridor.toml and metadata.json, and they may disagree; keep one."
        )
    metadata: Any = {}
    if toml.is_file():
        try:
            metadata = tomllib.loads(_read_text(toml))
        except tomllib.TOMLDecodeError as error:
            line = re.search(r"line (\d+)", str(error))
            raise CorridorReadError(
                toml, f"not valid TOML ({error}); fix the syntax.", line=int(line.group(1)) if line else None
            ) from None
    elif json_file.is_file():
        try:
            metadata = json.loads(_read_text(json_file))
        except json.JSONDecodeError as error:
            raise CorridorReadError(
                json_file, f"not valid JSON ({error.msg}); fix the syntax.", line=error.lineno
            ) from None
        if not isinstance(metadata, dict):
            raise CorridorReadError(json_file, f"holds a {type(metadata).__name__}; expected an object of metadata.")
    return raw, metadata


def _read_text(file: pathlib.Path) -> str:
    """The UTF-8 text of `file`, or a CorridorReadError naming the encoding problem and its line."""
    data = file.read_bytes()
    _check_utf8(file, data)
    return data.decode("utf-8-sig")


def _check_utf8(file: pathlib.Path, data: bytes) -> None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise CorridorReadError(file, "the file is UTF-16 text; save it as UTF-8 (CSV UTF-8 in a spreadsheet).", line=1)
    if data.isascii():  # one fast C pass; most files stop here
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start : error.start + 1]
        raise CorridorReadError(
            file,
            f"byte {byte!r} is not UTF-8 text (the file may be Latin-1 or Windows-1252); save it as UTF-8.",
            line=line,
        ) from None


def _read_csv(file: pathlib.Path, name: str) -> pd.DataFrame:
    """One table of a corridor folder, numbers parsed in C; every malformed file is a CorridorReadError."""
    data = file.read_bytes()
    _check_utf8(file, data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data or data.isspace():  # (no copy of the data, unlike `not data.strip()`)
        raise CorridorReadError(
            file, f"the file is empty; expected a header row ({_ID_COLUMNS[name]}, ...) and one row per item."
        )
    end = data.find(b"\n")
    header = next(csv.reader(io.StringIO(data[: len(data) if end < 0 else end].decode("utf-8").rstrip("\r"))), [])
    counts = Counter(header)
    repeated = [column for column, n in counts.items() if n > 1]
    if repeated:
        raise CorridorReadError(
            file,
            "the header names "
            + ", ".join(f"`{c}` {counts[c]} times" for c in repeated)
            + "; each column must appear once (keep the right one, delete or rename the others).",
            line=1,
        )
    numbers = set(_model.NUMERIC[name]) | ({"lat", "lon"} if name == "places" else set())
    numeric, text = [c for c in header if c in numbers], [c for c in header if c not in numbers]
    ids = dict.fromkeys([c for c in (_ID_COLUMNS[name], "target") if c in header], _ID_TEXT)  # the index: text
    try:  # numbers parsed by the C reader; a cell that is not a number sends the table down the text path
        try:
            frame = pd.read_csv(
                io.BytesIO(data), dtype={**dict.fromkeys(text, object), **dict.fromkeys(numeric, "float64"), **ids},
                keep_default_na=False, na_values=dict.fromkeys(numeric, [""]), encoding="utf-8",
            )  # fmt: skip
        except pd.errors.ParserError:
            raise
        except ValueError:
            frame = pd.read_csv(io.BytesIO(data), dtype={**dict.fromkeys(header, object), **ids},
                                keep_default_na=False, encoding="utf-8")  # fmt: skip
    except pd.errors.ParserError as error:  # a long row or an open quote: the scan names the lines
        _check_rows(file, data)
        line = re.search(r"line (\d+)", str(error))
        raise CorridorReadError(
            file, f"cannot be parsed ({str(error).strip()})", line=int(line.group(1)) if line else None
        ) from None
    # pandas pads a short row with empty cells, and takes the extra fields of a long first row as an index; so the
    # commas outside quotes are counted (in C) and, only if they do not add up, the file is scanned for the lines
    if not isinstance(frame.index, pd.RangeIndex) or not _fields_fit(data, len(frame), len(header)):
        _check_rows(file, data)
        raise CorridorReadError(file, f"rows do not all have as many fields as the header ({len(header)}).")
    return frame


def _fields_fit(data: bytes, rows: int, fields: int) -> bool:
    """Whether the header and `rows` rows hold exactly ``fields - 1`` commas each, outside quotes, in total."""
    marks = data.translate(None, _NOT_COMMA_OR_QUOTE)  # the commas and quotes alone, in order: one pass in C
    quotes = np.flatnonzero(np.frombuffer(marks, dtype=np.uint8) == _QUOTE)
    # quotes alternate opening / closing ("" closes and reopens); all that lies between an opening quote and the
    # next quote (or the end) is commas inside quotes
    opening = quotes[0::2]
    closing = np.append(quotes[1::2], len(marks))[: len(opening)]
    inside = int((closing - opening - 1).sum())
    return len(marks) - len(quotes) - inside == (rows + 1) * (fields - 1)


def _check_rows(file: pathlib.Path, data: bytes) -> list[str]:
    """The header of a CSV file, after checking that every row has as many fields as it and no quote is left open.

    One vectorised pass over the bytes: quotes toggle a parity; commas and newlines count only outside quotes. Run
    only when a cheaper test failed, to name the lines at fault.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    quoted = np.bitwise_and(np.cumsum(raw == _QUOTE, dtype=np.uint8), 1).astype(bool)  # inside "..." (wraps: even)
    if quoted[-1]:
        opened = int(np.flatnonzero(raw == _QUOTE)[-1])
        raise CorridorReadError(
            file,
            'a quote (") is opened and never closed; close it or remove it.',
            line=data.count(b"\n", 0, opened) + 1,
        )
    ends = np.flatnonzero((raw == _NEWLINE) & ~quoted)
    if not len(ends) or ends[-1] != len(raw) - 1:
        ends = np.append(ends, len(raw))  # the last row without a newline
    commas = np.flatnonzero((raw == _COMMA) & ~quoted)
    fields = np.diff(np.searchsorted(commas, ends), prepend=0) + 1
    starts = np.concatenate([[0], ends[:-1] + 1])
    length = ends - starts
    blank = (length == 0) | ((length == 1) & (raw[np.minimum(starts, len(raw) - 1)] == _RETURN))
    header = next(csv.reader(io.StringIO(data[: ends[0]].decode("utf-8").rstrip("\r"))), [])
    wrong = np.flatnonzero((fields != len(header)) & ~blank)
    if len(wrong):
        lines = [data.count(b"\n", 0, starts[i]) + 1 for i in wrong[:5]]
        shown = [f"line {line} has {fields[i]}" for line, i in zip(lines, wrong, strict=False)]
        shown += [f"and {len(wrong) - 5} more rows"] if len(wrong) > 5 else []
        raise CorridorReadError(
            file,
            f"rows must have as many fields as the header ({len(header)}), but {', '.join(shown)}; check for a "
            "missing or extra comma, or a comma inside a value that is not quoted.",
            line=lines[0],
        )
    return header


def _read_gpkg(path: pathlib.Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    try:
        layers = set(pyogrio.list_layers(path)[:, 0])
    except pyogrio.errors.DataSourceError as error:
        raise CorridorReadError(path, f"not a readable GeoPackage ({error}).") from None
    missing = [name for name in ("places", "segments", "transfers") if name not in layers]
    if missing:
        raise FileNotFoundError(f"GeoPackage {str(path)!r} has no layer {', '.join(missing)}.")
    raw: dict[str, pd.DataFrame] = {}
    for name in ("places", "segments", "transfers", "events", "routes", "metadata"):
        try:
            if name in ("places", "segments"):
                raw[name] = gpd.read_file(path, layer=name)
            else:
                raw[name] = pyogrio.read_dataframe(path, layer=name, read_geometry=False) if name in layers else None
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
            raise CorridorReadError(path, f"layer {name!r} cannot be read ({error}).") from None
        if raw[name] is None:
            raw[name] = pd.DataFrame()
    meta = raw.pop("metadata")
    keys, values = list(meta.get("key", [])), list(meta.get("value", []))
    metadata = {}
    for row, (key, value) in enumerate(zip(keys, values, strict=True)):
        try:
            metadata[key] = json.loads(value)
        except (TypeError, json.JSONDecodeError) as error:
            raise CorridorReadError(
                path, f"layer 'metadata', row {row} (`{key}`): the value {value!r} is not JSON ({error})."
            ) from None
    return raw, metadata


def _from_tables(
    raw: dict[str, pd.DataFrame], metadata: dict[str, Any], *, source: str, where: str = "{table}"
) -> Corridor:
    """Type the raw tables and compute derived columns; collects every parse problem before raising.

    `where` names a table in messages about its columns (``"{table}.csv"`` for a folder).
    """
    problems: list[str] = []
    for table, frame in raw.items():
        problems.extend(_unknown_columns(table, frame.columns, where.format(table=table)))
    tables: dict[str, pd.DataFrame] = {}
    for table, id_column in _IDS.items():
        frame = raw[table]
        if id_column not in frame.columns:
            raise CorridorValidationError(
                [*problems, f"{where.format(table=table)}: the id column `{id_column}` is missing."], source=source
            )
        tables[table] = _validate.coerce(table, frame.set_index(id_column), problems)
    events = raw["events"] if not raw["events"].empty else pd.DataFrame(columns=list(_model.EVENT_COLUMNS))
    if {"event_id", "target"} <= set(events.columns):  # problems name each event by its id, not its row
        events = _validate.coerce("events", events.set_index(["event_id", "target"]), problems)
    else:
        events = _validate.coerce("events", events, problems).set_index(["event_id", "target"])
    routes = raw["routes"] if not raw["routes"].empty else _empty("routes").reset_index()
    if "route_id" not in routes.columns:
        raise CorridorValidationError(["routes: the id column `route_id` is missing."], source=source)
    routes = _validate.coerce("routes", routes.set_index("route_id"), problems)

    places = tables["places"]
    if "geometry" not in places.columns:
        nowhere = pd.Series(np.nan, index=places.index)
        lat = pd.to_numeric(places["lat"], errors="coerce") if "lat" in places.columns else nowhere
        lon = pd.to_numeric(places["lon"], errors="coerce") if "lon" in places.columns else nowhere
        if "lat" not in places.columns or "lon" not in places.columns:
            problems.append("places: columns `lat` and `lon` (degrees, WGS84) are missing.")
        else:
            for key in places.index[lat.isna() | lon.isna()]:
                problems.append(
                    f"places[{key!r}]: `lat`/`lon` are {places['lat'][key]!r}/{places['lon'][key]!r}; expected numbers."
                )
        points = gpd.points_from_xy(lon.fillna(0), lat.fillna(0), crs=_model.CRS)
        places = gpd.GeoDataFrame(places.drop(columns=["lat", "lon"], errors="ignore"), geometry=points)
        places.loc[lat.isna() | lon.isna(), "geometry"] = None
    places = gpd.GeoDataFrame(places)

    segments = tables["segments"]
    if not isinstance(segments, gpd.GeoDataFrame):
        if "geometry" not in segments.columns:
            problems.append("segments: the `geometry` column (WKT LineStrings, lon lat) is missing.")
            segments["geometry"] = None
        cells = segments["geometry"].to_numpy(dtype=object)
        given = ~pd.isna(cells)
        given[given] = cells[given] != ""  # an empty cell is a missing geometry
        wkt = pd.Series(np.where(given, cells, None), index=segments.index, dtype=object)
        with warnings.catch_warnings(record=True):  # NaN coordinates warn; they are named below instead
            warnings.simplefilter("always")
            lines = shapely.from_wkt(wkt.to_numpy(), on_invalid="ignore")
        for key in segments.index[given & pd.isna(lines)]:
            problems.append(f"segments[{key!r}]: `geometry` {str(wkt[key])[:40]!r}... is not valid WKT.")
        coords, owner = shapely.get_coordinates(lines, return_index=True)
        for key in segments.index[np.unique(owner[~np.isfinite(coords).all(axis=1)])]:
            problems.append(
                f"segments[{key!r}]: `geometry` {str(wkt[key])[:40]!r}... has a coordinate that is not a finite "
                "number (NaN or inf); give every vertex as 'lon lat' in degrees."
            )
        segments = gpd.GeoDataFrame(segments.drop(columns="geometry"), geometry=lines, crs=_model.CRS)
    segments["length_km_geodesic"] = _geodesic_km(segments.geometry.array)
    segments["length_km"] = segments["length_km_published"].fillna(segments["length_km_geodesic"])

    transfers = tables["transfers"]
    first = ~places.index.duplicated()
    at = _model.positions(places.index[first], transfers["place_id"])  # each transfer's place, -1 if unknown
    default = pd.Series(
        np.append(places["country"].to_numpy(dtype=object)[first], pd.NA)[at], index=transfers.index, dtype=_model.TEXT
    )  # the country of the transfer's place, missing if the place is unknown
    for side in ("from", "to"):
        on_land = ~_model.is_one_of(transfers[f"{side}_mode"], _model.WATER_MODES)
        transfers[f"{side}_country"] = transfers[f"{side}_country"].where(
            ~on_land | transfers[f"{side}_country"].notna(), default
        )
    if problems:
        raise CorridorValidationError(problems, source=source)
    return Corridor(places, segments, transfers, events, routes, metadata)


def _geodesic_km(lines: Any) -> np.ndarray:
    """Geodesic length (km, WGS84) of each line, from one array of all their vertices; NaN if missing."""
    lines = np.asarray(lines, dtype=object)
    coords, owner = shapely.get_coordinates(lines, return_index=True)
    same = owner[1:] == owner[:-1]
    _, _, metres = _GEOD.inv(coords[:-1, 0][same], coords[:-1, 1][same], coords[1:, 0][same], coords[1:, 1][same])
    km = np.bincount(owner[1:][same], weights=metres / 1000.0, minlength=len(lines))
    return np.where(shapely.is_missing(lines) | shapely.is_empty(lines), np.nan, km)


def _unknown_columns(table: str, columns: Iterable[Any], where: str) -> list[str]:
    """A problem for each column that is not in the data model: an error, so that a misspelt one is not lost."""
    columns = [str(c) for c in columns]
    model = _validate.ALL_COLUMNS[table]
    known = {*model, _ID_COLUMNS[table], "geometry", *(("lat", "lon") if table == "places" else ()), "target"}
    if table != "events":
        known.discard("target")
    problems = []
    for column in columns:
        if column in known:
            continue
        if column in _validate.COMPUTED.get(table, ()):
            problems.append(
                f"{where}: column `{column}` is computed on reading (the published length, else the geodesic one); "
                "put published lengths in `length_km_published` with `length_source` and `length_confidence`."
            )
            continue
        match = _validate.closest(column, [c for c in model if c not in columns])
        if match is not None:
            meaning = _validate.MEANINGS[table].get(match)
            problems.append(
                f"{where}: column `{column}` is not in the data model; did you mean `{match}`"
                f"{f' ({meaning})' if meaning else ''}? Rename it."
            )
        else:
            problems.append(
                f"{where}: column `{column}` is not in the data model; remove it or use one of {list(model)}."
            )
    return problems


def _empty(table: str) -> pd.DataFrame:
    columns = {"routes": _model.ROUTE_COLUMNS}[table]
    return pd.DataFrame(columns=list(columns), dtype=_model.TEXT).rename_axis("route_id")


# --- helpers ----------------------------------------------------------------------------------------------


def _check_values(argument: str, values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    if not isinstance(values, str | Iterable):
        raise TypeError(f"`{argument}` was {values!r}; expected a list of values such as {sorted(allowed)[:2]}.")
    values, allowed = list(values) if not isinstance(values, str) else [values], list(allowed)
    bad = [v for v in values if v not in allowed]
    if bad:
        hints = "".join(_validate.nearest(v, allowed) for v in bad)
        raise ValueError(f"`{argument}` has {bad!r}{hints}; expected values from {sorted(allowed)}.")
    return values


def _signature(tables: Iterable[pd.DataFrame]) -> tuple[Any, ...]:
    """Identities of the column blocks and indexes of `tables` (pandas internals; a fresh object if unavailable)."""
    try:
        return tuple(id(a) for t in tables for a in (t.index, t.columns, *t._mgr.blocks))
    except AttributeError:  # a pandas without block managers: never trust the cache
        return (object(),)


def _as_date(date: Any, argument: str = "date") -> pd.Timestamp:
    """A day (midnight, naive) from text, a date, a datetime or a Timestamp; aware ones are taken in UTC.

    Anything else (a number such as 20260301, a numpy datetime64) is refused rather than guessed.
    """
    if isinstance(date, str):
        try:
            stamp = pd.Timestamp(date.strip())
        except (TypeError, ValueError):
            stamp = pd.NaT
        if pd.isna(stamp):
            raise ValueError(f"`{argument}` was {date!r}; expected a date such as '2026-03-01'.") from None
    elif isinstance(date, dt.date):  # datetime and pandas.Timestamp are dates too
        stamp = pd.Timestamp(date)
        if pd.isna(stamp):
            raise ValueError(f"`{argument}` was {date!r}; expected a date such as '2026-03-01'.")
    else:
        raise TypeError(
            f"`{argument}` was {date!r} ({type(date).__name__}); expected a date as text ('2026-03-01'), a "
            "datetime.date, a datetime.datetime or a pandas.Timestamp."
        )
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.normalize()


def _in_service(frame: pd.DataFrame, day: pd.Timestamp, undated: pd.Series) -> pd.Series:
    start, end = frame["available_from"], frame["available_until"]
    opened = (start <= day) | (start.isna() & undated)
    return opened & ~(end <= day)


# --- building a corridor from frames ------------------------------------------------------------------------


def from_frames(
    places: pd.DataFrame,
    segments: pd.DataFrame,
    transfers: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    routes: pd.DataFrame | None = None,
    *,
    name: str,
    price_year: int,
    source: str | None = None,
    confidence: str | None = None,
    metadata: dict[str, Any] | None = None,
    max_end_gap_km: float = 5.0,
    length_tolerance: float = 0.2,
) -> Corridor:
    """Build and validate a corridor from (Geo)DataFrames already in memory, in any CRS.

    The tables follow the same schema as the files :func:`read_corridor` reads (see the module docstring);
    optional columns may be left out and are added empty. Geometries are reprojected to EPSG:4326 (the
    input CRS of each table is recorded in ``metadata["input_crs"]``), and ``length_km_geodesic`` and
    ``length_km`` are computed from the geometry as on reading.

    Parameters
    ----------
    places : GeoDataFrame
        Points, one per place; ids (``place_id``) as the index or in a ``place_id`` column. A plain
        DataFrame with ``lat``/``lon`` columns (degrees, WGS84) works too.
    segments : GeoDataFrame
        LineStrings, one per link; ids (``segment_id``) as the index or in a column.
    transfers : DataFrame, optional
        Dwell at places where modes, gauges or countries meet; ids (``transfer_id``) as the index or in a
        column. Leave it out and the error lists the transfers needed; :func:`suggest_transfers`
        proposes them as a table to fill in.
    events, routes : DataFrame, optional
        Dated closures and disruptions (``event_id`` and ``target`` as columns or index levels), and
        named routes (``route_id``).
    name : str
        The corridor's name, shown on maps and in reports.
    price_year : int
        The year whose US$ the money figures are in.
    source, confidence : str, optional
        One source and one confidence (H, M or L) for every figure that has neither of its own: recorded
        on each such row, and counted as ``given_for_all`` by :func:`confidence_summary`. Give both or
        neither; without them every figure needs its own source and confidence columns.
    metadata : dict, optional
        More metadata: ``description``, ``key_places`` (labelled on maps), ``branches``, ...
    max_end_gap_km, length_tolerance : float
        As for :func:`read_corridor`.

    Returns
    -------
    Corridor
        Validated, in EPSG:4326, indexed by id.

    Raises
    ------
    CorridorValidationError
        Listing every problem: missing columns with what each means (and a near-miss name where one is
        present), ids missing, a missing CRS, text columns holding numbers, then every bad cell, and the
        transfers needed where modes, gauges or countries meet.
    TypeError, ValueError
        For arguments of the wrong kind (a table that is not a DataFrame, a confidence not H/M/L).

    Examples
    --------
    Two places 100 km apart in a projected CRS (UTM zone 33N), one road, one source for all figures:

    >>> import corridor, geopandas as gpd, shapely
    >>> places = gpd.GeoDataFrame(
    ...     {"name": ["West", "East"], "country": ["SWE", "SWE"], "kind": ["city", "city"]},
    ...     geometry=gpd.points_from_xy([400_000, 500_000], [6_500_000, 6_500_000]),
    ...     index=pd.Index(["west", "east"], name="place_id"), crs="EPSG:32633",
    ... )
    >>> segments = gpd.GeoDataFrame(
    ...     {"from_place": ["west"], "to_place": ["east"], "mode": ["road"], "country": ["SWE"],
    ...      "status": ["operational"], "speed_kmh": [60.0]},
    ...     geometry=[shapely.LineString([(400_000, 6_500_000), (500_000, 6_500_000)])],
    ...     index=pd.Index(["west_east_road"], name="segment_id"), crs="EPSG:32633",
    ... )
    >>> c = corridor.from_frames(places, segments, name="Two towns", price_year=2024,
    ...                          source="made-up example", confidence="H")
    >>> c
    <Corridor 'Two towns': 2 places, 1 segments, 0 transfers, 0 events, 0 routes>
    >>> round(c.segments.loc["west_east_road", "length_km"], 1), c.metadata["input_crs"]["segments"]
    (np.float64(100.0), 'EPSG:32633')
    >>> c.segments.loc["west_east_road", ["speed_source", "speed_confidence"]].tolist()
    ['made-up example', 'H']
    """
    _check_frame_arguments(name, price_year, source, confidence)
    given = {"places": places, "segments": segments, "transfers": transfers, "events": events, "routes": routes}
    for table, frame in given.items():
        if frame is not None and not isinstance(frame, pd.DataFrame):
            raise TypeError(f"`{table}` is a {type(frame).__name__}; expected a (Geo)DataFrame.")
    label = f"corridor {name!r}"
    problems: list[str] = []
    input_crs: dict[str, str] = {}
    raw: dict[str, pd.DataFrame] = {}
    for table in ("places", "segments"):
        frame = _with_ids(table, given[table], problems)
        if isinstance(frame, gpd.GeoDataFrame):
            if frame.geometry.name != "geometry":
                frame = frame.rename_geometry("geometry")
            if frame.crs is None:
                problems.append(
                    f"{table}: the CRS is missing; set the CRS the coordinates are in with `.set_crs(...)` "
                    "('EPSG:4326' for lon/lat degrees)."
                )
            else:
                input_crs[table] = frame.crs.to_string()
                frame = frame.to_crs(_model.CRS)
        else:
            shape = "`lat`/`lon` columns" if table == "places" else "WKT `geometry` text"
            input_crs[table] = f"{_model.CRS} (read as {shape})"
        raw[table] = frame
    empty = pd.DataFrame(columns=["transfer_id", *_model.TRANSFER_COLUMNS])
    raw["transfers"] = (
        empty
        if transfers is None
        else _with_ids("transfers", transfers, problems).drop(columns=["joins", "fill_in"], errors="ignore")
    )  # the helper columns of `suggest_transfers` may stay; they are dropped
    if events is None or (events.empty and len(events.columns) == 0):
        raw["events"] = pd.DataFrame()
    else:
        raw["events"] = events.reset_index() if {"event_id", "target"} & set(events.index.names) else events
    raw["routes"] = pd.DataFrame() if routes is None else _with_ids("routes", routes, problems)
    for table, frame in raw.items():
        if source is not None and confidence is not None and len(frame):
            raw[table] = frame = _provenance_for_all(table, frame, source, confidence)
        if len(frame.columns):
            problems.extend(_validate.missing_columns(table, frame))
            problems.extend(_column_problems(table, frame))
    bare = [
        c for table, frame in raw.items() if len(frame.columns) for c in _model.REQUIRED[table]
        if c.endswith(("source", "confidence")) and c not in _validate.present_columns(frame)
    ]  # fmt: skip
    if source is None and bare:
        problems.append(
            "give every figure its own source and confidence in these columns, or pass one `source=` and "
            "`confidence=` to `corridor.from_frames` for all figures without their own (recorded on every row)."
        )
    if problems:
        raise CorridorValidationError(problems, source=label)
    for table, frame in raw.items():  # an empty text column read as float NaN is an empty text column
        text = [c for c in _text_columns(table) if c in frame.columns and frame[c].isna().all()]
        raw[table] = frame.astype(dict.fromkeys(text, object)) if text else frame
    meta: dict[str, Any] = {**(metadata or {}), "name": name, "price_year": int(price_year), "input_crs": input_crs}
    if source is not None:
        meta[_DEFAULT_PROVENANCE] = {"source": source, "confidence": confidence}
    built = _from_tables(raw, meta, source=label)
    validate(built, max_end_gap_km=max_end_gap_km, length_tolerance=length_tolerance, source=label)
    return built


def _check_frame_arguments(name: object, price_year: object, source: object, confidence: object) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"`name` was {name!r}; expected the corridor's name, such as 'Middle Corridor'.")
    if isinstance(price_year, bool) or not isinstance(price_year, int | np.integer) or not 1900 <= price_year <= 2100:
        raise ValueError(f"`price_year` was {price_year!r}; expected the year of the US$ figures, such as 2024.")
    if (source is None) != (confidence is None):
        raise ValueError(
            f"`source` was {source!r} and `confidence` {confidence!r}; give both (one source and one confidence "
            "for all figures without their own) or neither."
        )
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise ValueError(f"`source` was {source!r}; expected text that says where the figures come from.")
    if confidence is not None and confidence not in _model.CONFIDENCES:
        raise ValueError(
            f"`confidence` was {confidence!r}; expected one of {list(_model.CONFIDENCES)} (high, medium, low)."
        )


def _with_ids(table: str, frame: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    """`frame` with its ids in the id column: taken from that column, or else from a labelled index."""
    id_column = _ID_COLUMNS[table]
    if id_column in frame.columns:
        return frame.reset_index(drop=True)
    index = frame.index
    if index.name == id_column or (index.name is None and index.nlevels == 1 and not isinstance(index, pd.RangeIndex)):
        return frame.rename_axis(id_column).reset_index()
    near = _validate.closest(id_column, [*map(str, frame.columns), *(str(n) for n in index.names if n)])
    hint = f" (did you mean {near!r}?)" if near is not None else ""
    problems.append(
        f"{table}: no ids{hint}: give each row its `{id_column}` ({_validate.MEANINGS[table][id_column]}) "
        f"as the index or in a `{id_column}` column."
    )
    return frame.assign(**{id_column: pd.Series(pd.NA, index=frame.index, dtype=_model.TEXT)}).reset_index(drop=True)


def _has_value(frame: pd.DataFrame, column: str) -> pd.Series:
    if column == "geometry" and isinstance(frame, gpd.GeoDataFrame):
        return ~(frame.geometry.isna() | frame.geometry.is_empty)
    if column == "geometry" and "lat" in frame.columns:
        return frame["lat"].notna()
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    values = frame[column]
    return values.notna() & values.astype(_model.TEXT).str.strip().ne("").fillna(False).astype(bool)


def _provenance_for_all(table: str, frame: pd.DataFrame, source: str, confidence: str) -> pd.DataFrame:
    """Give `source` and `confidence` to every figure of `table` that has a value and neither of its own."""
    frame = frame.copy()
    for figure, (_, _, source_column, confidence_column) in _model.FIGURES.get(table, {}).items():
        has_value = _has_value(frame, figure)
        if not has_value.any():
            continue
        for column in (source_column, confidence_column):
            if column not in frame.columns:
                frame[column] = pd.Series(pd.NA, index=frame.index, dtype=object)
        bare = has_value & ~_has_value(frame, source_column) & ~_has_value(frame, confidence_column)
        frame[source_column] = frame[source_column].astype(object).where(~bare, source)
        frame[confidence_column] = frame[confidence_column].astype(object).where(~bare, confidence)
    return frame


def _text_columns(table: str) -> list[str]:
    numbers, dates = set(_model.NUMERIC[table]), set(_model.DATES[table])
    return [c for c in _validate.ALL_COLUMNS[table] if c not in numbers | dates and c not in ("directed", "geometry")]


def _column_problems(table: str, frame: pd.DataFrame) -> list[str]:
    """Text or date columns that hold numbers, and unknown columns whose name is near a model column."""
    problems = []
    model = _validate.ALL_COLUMNS[table]
    id_column = _ID_COLUMNS[table]
    numbers, dates = set(_model.NUMERIC[table]), set(_model.DATES[table])
    for column in frame.columns:
        values = frame[column]
        if column in model and column not in numbers and column not in ("directed", "geometry"):
            numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
            if numeric and values.notna().any():
                key = (
                    frame[id_column][values.notna()].iloc[0]
                    if id_column in frame.columns
                    else values.first_valid_index()
                )
                value = values[values.notna()].iloc[0]
                value = value.item() if isinstance(value, np.generic) else value
                wanted = "dates (YYYY-MM-DD text or datetime64)" if column in dates else "text"
                problems.append(
                    f"{table}: `{column}` holds numbers ({value!r} for {key!r}); expected {wanted}: "
                    f"{_validate.MEANINGS[table].get(column, 'see the data model')}."
                )
    present = set(map(str, frame.columns))
    known = {*model, id_column, "geometry", "lat", "lon", "target", *_validate.COMPUTED.get(table, ())}
    absent = [c for c in model if c not in present and c not in _model.REQUIRED[table]]  # required: named above
    for column in sorted(present - known):
        match = _validate.closest(column, absent)
        if match is not None:
            meaning = _validate.MEANINGS[table].get(match)
            problems.append(
                f"{table}: column `{column}` is not in the data model; did you mean `{match}`"
                f"{f' ({meaning})' if meaning else ''}? Rename it."
            )
    if table == "segments" and "length_km" in present and "length_km_published" not in present:
        problems.append(
            "segments: `length_km` is computed (the published length, else the geodesic one); put published "
            "lengths in `length_km_published` with `length_source` and `length_confidence`."
        )
    return problems


def suggest_transfers(
    network: Corridor | pd.DataFrame,
    *,
    places: pd.DataFrame | None = None,
    transfers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Propose the transfers missing where modes, gauges or countries meet at a place, as a table to fill in.

    Every segment end attaches to a terminal of its place: one per mode, rail gauge and (on land) country.
    Where a place holds terminals that no transfer joins, one transfer is proposed between each two
    unjoined groups of them, with its kind guessed: ``port_call`` between land and water,
    ``border_crossing`` between countries, ``transshipment`` between modes, ``gauge_change`` between
    gauges. Times, costs and their sources are left blank, never invented: ``fill_in`` says what to fill.

    Parameters
    ----------
    network : Corridor or GeoDataFrame
        A corridor, or the segments table of one being built (ids as the index or a ``segment_id``
        column; ``from_place``, ``to_place``, ``mode``, and ``gauge_mm`` and ``country`` where they apply).
    places : DataFrame, optional
        With frames: places with their ``country``, for land segments or transfers that leave theirs blank.
    transfers : DataFrame, optional
        With frames: the transfers there are already; only the missing ones are proposed.

    Returns
    -------
    DataFrame
        Indexed by a proposed ``transfer_id`` (``<place>_<kind>``), with every transfer column (the
        figures blank), ``joins`` (the segments each side comes from) and ``fill_in``. Edit it and pass it
        to :func:`from_frames` as ``transfers`` (``joins`` and ``fill_in`` may stay; they are ignored).

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> proposed = corridor.suggest_transfers(toy.segments, places=toy.places)
    >>> proposed[["place_id", "kind", "from_mode", "to_mode", "to_country"]]
                      place_id             kind from_mode to_mode to_country
    transfer_id
    b_border_crossing        b  border_crossing      rail    rail        SWE
    b_transshipment          b    transshipment      rail    road        SWE
    c_port_call              c        port_call      rail     sea       <NA>
    d_port_call              d        port_call      road     sea       <NA>
    >>> corridor.suggest_transfers(toy).empty  # the toy corridor has every transfer it needs
    True
    """
    if isinstance(network, Corridor):
        if places is not None or transfers is not None:
            raise TypeError("`places` and `transfers` go with a segments table; a Corridor brings its own.")
        segments, places, transfers = network.segments, network.places, network.transfers
    elif isinstance(network, pd.DataFrame):
        segments = network
    else:
        raise TypeError(f"`network` is a {type(network).__name__}; expected a Corridor or a segments GeoDataFrame.")
    ends = _segment_ends(segments, places)
    joined = _transfer_pairs(transfers, places)
    rows = []
    for place, at in ends.groupby("place", sort=False):
        terminals = [row for _, row in at.drop_duplicates("terminal").iterrows()]
        group = {t["terminal"]: t["terminal"] for t in terminals}

        def root(t: str, group: dict[str, str] = group) -> str:
            while group[t] != t:
                t = group[t]
            return t

        for a, b in joined:
            if a in group and b in group:
                group[root(a)] = root(b)
        pairs = [(x, y) for i, x in enumerate(terminals) for y in terminals[i + 1 :]]
        for x, y in sorted(pairs, key=lambda pair: _pair_weight(*pair)):  # stable: ties keep table order
            if root(x["terminal"]) != root(y["terminal"]):
                group[root(x["terminal"])] = root(y["terminal"])
                rows.append(_proposal(str(place), x, y, at))
    columns = ["transfer_id", *_model.TRANSFER_COLUMNS, "joins", "fill_in"]
    table = pd.DataFrame(rows, columns=columns)
    table["transfer_id"] = _unique_ids(table["transfer_id"])
    for column in ("from_gauge_mm", "to_gauge_mm", *_FIGURE_COLUMNS):
        table[column] = pd.to_numeric(table[column]).astype(float)
    text = [c for c in columns if c not in ("from_gauge_mm", "to_gauge_mm", "directed", *_FIGURE_COLUMNS)]
    table[text] = table[text].astype(_model.TEXT)
    table["directed"] = table["directed"].astype(bool)
    return table.set_index("transfer_id")


_FIGURE_COLUMNS = (
    "time_h_min", "time_h_mode", "time_h_max", "cost_usd_per_teu_min", "cost_usd_per_teu", "cost_usd_per_teu_max",
    "capacity_mtpa",
)  # fmt: skip
_FILL_IN = (
    "time_h_min, time_h_mode, time_h_max (dwell, h) with time_source and time_confidence; cost_usd_per_teu "
    "with cost_source and cost_confidence where known; check the kind"
)


def _segment_ends(segments: pd.DataFrame, places: pd.DataFrame | None) -> pd.DataFrame:
    """One row per segment end: segment, place, mode, gauge, country and terminal label, in table order."""
    needed = [c for c in ("from_place", "to_place", "mode") if c not in segments.columns]
    if needed:
        raise ValueError(
            f"`segments` has no {', '.join(f'`{c}`' for c in needed)}; expected the segments table "
            "(from_place, to_place, mode, and gauge_mm and country where they apply)."
        )
    ids = (
        segments["segment_id"] if "segment_id" in segments.columns else pd.Series(segments.index, index=segments.index)
    )
    mode = segments["mode"].astype(_model.TEXT).str.strip()
    gauge = pd.to_numeric(segments.get("gauge_mm", pd.Series(np.nan, index=segments.index)), errors="coerce")
    gauge = gauge.where(mode.eq("rail"))
    country = segments.get("country", pd.Series(pd.NA, index=segments.index)).astype(_model.TEXT).str.strip()
    place_country = _place_countries(places)
    ends = []
    for side in ("from_place", "to_place"):
        place = segments[side].astype(_model.TEXT).str.strip()
        land_country = country.fillna(place.map(place_country).astype(_model.TEXT))
        ends.append(pd.DataFrame({
            "segment": ids.to_numpy(), "place": place.to_numpy(), "mode": mode.to_numpy(),
            "gauge": gauge.to_numpy(), "country": land_country.where(~mode.isin(_model.WATER_MODES)).to_numpy(),
            "order": np.arange(len(segments)) * 2 + (side == "to_place"),
        }))  # fmt: skip
    ends = pd.concat(ends, ignore_index=True).sort_values("order", kind="stable")
    ends = ends[ends["mode"].isin(_model.MODES) & ends["place"].notna()]  # the validator reports the others
    ends["terminal"] = _model.terminal_keys(ends["place"], ends["mode"], ends["gauge"], ends["country"])
    return ends


def _place_countries(places: pd.DataFrame | None) -> pd.Series:
    if places is None or "country" not in places.columns:
        return pd.Series(dtype=_model.TEXT)
    ids = places["place_id"] if "place_id" in places.columns else pd.Series(places.index, index=places.index)
    countries = pd.Series(places["country"].to_numpy(), index=pd.Index(ids.astype(str))).astype(_model.TEXT)
    return countries[~countries.index.duplicated()]


def _transfer_pairs(transfers: pd.DataFrame | None, places: pd.DataFrame | None) -> list[tuple[str, str]]:
    """Terminal labels each existing transfer joins."""
    if transfers is None or transfers.empty:
        return []
    frame = transfers.copy()
    for column in _model.TRANSFER_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    place_country = _place_countries(places)
    for side in ("from", "to"):
        frame[f"{side}_gauge_mm"] = pd.to_numeric(frame[f"{side}_gauge_mm"], errors="coerce")
        on_land = ~frame[f"{side}_mode"].isin(_model.WATER_MODES)
        default = frame["place_id"].astype(_model.TEXT).map(place_country)
        frame[f"{side}_country"] = (
            frame[f"{side}_country"].astype(_model.TEXT).where(~on_land | frame[f"{side}_country"].notna(), default)
        )
    start, end = _model.transfer_terminals(frame)
    return list(zip(start, end, strict=True))


def _pair_weight(x: pd.Series, y: pd.Series) -> int:
    """How natural a transfer between two terminals is (lowest first).

    A port call, then a border crossing or a gauge change, then a change of land mode; a border crossing that
    also changes mode or gauge comes last.
    """
    kind = _transfer_kind(x, y)
    weight = {"port_call": 1, "border_crossing": 2, "gauge_change": 2, "transshipment": 3}[kind]
    unlike = x["mode"] != y["mode"] or str(x["gauge"]) != str(y["gauge"])
    return weight + 2 * int(kind == "border_crossing" and unlike)


def _transfer_kind(x: pd.Series, y: pd.Series) -> str:
    water_x, water_y = x["mode"] in _model.WATER_MODES, y["mode"] in _model.WATER_MODES
    if water_x != water_y:
        return "port_call"
    if water_x:
        return "transshipment"
    if pd.notna(x["country"]) and pd.notna(y["country"]) and x["country"] != y["country"]:
        return "border_crossing"
    return "transshipment" if x["mode"] != y["mode"] else "gauge_change"


def _describe(end: pd.Series, at: pd.DataFrame) -> str:
    gauge = f" {end['gauge']:g} mm" if pd.notna(end["gauge"]) else ""
    country = f" {end['country']}" if pd.notna(end["country"]) else ""
    segments = at.loc[at["terminal"] == end["terminal"], "segment"].astype(str).unique()
    return f"{end['mode']}{gauge}{country} ({', '.join(segments)})"


def _proposal(place: str, x: pd.Series, y: pd.Series, at: pd.DataFrame) -> dict[str, Any]:
    kind = _transfer_kind(x, y)
    return {
        "transfer_id": f"{place}_{kind}", "place_id": place, "kind": kind,
        "from_mode": x["mode"], "from_gauge_mm": x["gauge"], "from_country": x["country"],
        "to_mode": y["mode"], "to_gauge_mm": y["gauge"], "to_country": y["country"], "directed": False,
        "joins": f"{_describe(x, at)} / {_describe(y, at)}", "fill_in": _FILL_IN,
    }  # fmt: skip


def _unique_ids(ids: pd.Series) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for key in ids:
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}_{seen[key]}")
    return out
