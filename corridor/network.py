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
with layers of the same names.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pathlib
import tomllib
from collections.abc import Callable, Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Geod

from corridor import _model, _validate
from corridor.errors import CorridorValidationError

__all__ = ["Corridor", "read_corridor", "validate", "length_summary", "confidence_summary"]

_GEOD = Geod(ellps="WGS84")
_IDS = {"places": "place_id", "segments": "segment_id", "transfers": "transfer_id"}
_COMPUTED = ("length_km_geodesic", "length_km")


@dataclasses.dataclass(frozen=True, repr=False)
class Corridor:
    """A transport corridor: places joined by segments, with transfers at places and dated events.

    Build one with :func:`read_corridor` or :func:`corridor.load_instc`; the tables are ordinary
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
                seg_open &= ~(seg["country"].eq(target) | touches)
                tr_open &= ~tr["place_id"].isin(in_country)
            elif kind == "passage":
                seg_open &= ~seg["passages"].fillna("").str.split(";").map(lambda p, t=target: t in p)
        metadata = {**self.metadata, "as_of": f"{day:%Y-%m-%d}"}
        return dataclasses.replace(self, segments=seg[seg_open], transfers=tr[tr_open], metadata=metadata)

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
        An existing GeoPackage or folder of the same name is replaced.

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
        return dataclasses.replace(self, places=places, segments=segments, transfers=transfers)


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
    CorridorValidationError
        Listing every problem found, each naming the table, the id, the bad value and the fix.
    FileNotFoundError
        If `path` or one of its required tables does not exist.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> toy.places.loc["b", "name"]
    'Bravo'
    """
    path = pathlib.Path(path)
    if path.is_dir():
        raw, metadata = _read_folder(path)
    elif path.suffix.lower() == ".gpkg" and path.is_file():
        raw, metadata = _read_gpkg(path)
    else:
        raise FileNotFoundError(
            f"`path` was {str(path)!r}: expected an existing corridor folder (places.csv, segments.csv, "
            "transfers.csv) or a '.gpkg' file."
        )
    corridor = _from_tables(raw, metadata, source=str(path))
    validate(corridor, max_end_gap_km=max_end_gap_km, length_tolerance=length_tolerance, source=str(path))
    return corridor


def validate(
    corridor: Corridor, *, max_end_gap_km: float = 5.0, length_tolerance: float = 0.2, source: str = "corridor"
) -> None:
    """Check a corridor against the data model and raise one error that lists every problem.

    Checks ids, references to places, geometry and CRS, allowed values of mode/status/kind/effect,
    ISO3 country codes, positive lengths and speeds, ordered ranges, a source and a confidence for every
    figure, segment ends near their places, recorded vs geodesic lengths, transfer terminals that some
    segment reaches, event targets, and that the network is one connected piece.

    Raises
    ------
    CorridorValidationError
    """
    problems = _validate.check_corridor(corridor, max_end_gap_km=max_end_gap_km, length_tolerance=length_tolerance)
    if problems:
        raise CorridorValidationError(problems, source=source)


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
    counts in none of the columns.

    Examples
    --------
    >>> import corridor
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> corridor.confidence_summary(toy).loc[("transfers", "time_h_mode")].tolist()
    [4.0, 0.0, 0.0, 0.0]
    """
    rows = {}
    for table, figures in _model.FIGURES.items():
        frame = getattr(corridor, table)
        for figure, (_, _, _, confidence) in figures.items():
            present = frame.geometry.notna() if figure == "geometry" else frame[figure].notna()
            counts = frame.loc[present, confidence].value_counts()
            rows[(table, figure)] = [int(counts.get(level, 0)) for level in _model.CONFIDENCES]
    segments = corridor.segments
    counts = segments.loc[segments["length_km"].notna(), "length_confidence"].value_counts()
    rows[("segments", "length_km")] = [int(counts.get(level, 0)) for level in _model.CONFIDENCES]
    summary = pd.DataFrame.from_dict(rows, orient="index", columns=list(_model.CONFIDENCES))
    summary.index = pd.MultiIndex.from_tuples(summary.index, names=["table", "figure"])
    summary["share_low"] = summary["L"] / summary.sum(axis=1).where(lambda n: n > 0)
    return summary


# --- reading ---------------------------------------------------------------------------------------------


def _read_folder(path: pathlib.Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    missing = [f"{t}.csv" for t in ("places", "segments", "transfers") if not (path / f"{t}.csv").is_file()]
    if missing:
        raise FileNotFoundError(f"corridor folder {str(path)!r} has no {', '.join(missing)}.")

    def read(name: str) -> pd.DataFrame:
        file = path / f"{name}.csv"
        numbers = set(_model.NUMERIC[name]) | ({"lat", "lon"} if name == "places" else set())
        header = pd.read_csv(file, nrows=0).columns
        numeric, text = [c for c in header if c in numbers], [c for c in header if c not in numbers]
        try:  # numbers parsed by the C reader; a cell that is not a number sends the table down the text path
            return pd.read_csv(
                file, dtype={**dict.fromkeys(text, str), **dict.fromkeys(numeric, "float64")},
                keep_default_na=False, na_values=dict.fromkeys(numeric, [""]),
            )  # fmt: skip
        except ValueError:
            return pd.read_csv(file, dtype=str, keep_default_na=False)

    raw = {name: read(name) for name in ("places", "segments", "transfers")}
    for name in ("events", "routes"):
        raw[name] = read(name) if (path / f"{name}.csv").is_file() else pd.DataFrame()
    metadata: dict[str, Any] = {}
    if (path / "corridor.toml").is_file():
        metadata = tomllib.loads((path / "corridor.toml").read_text(encoding="utf-8"))
    elif (path / "metadata.json").is_file():
        metadata = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    return raw, metadata


def _read_gpkg(path: pathlib.Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    layers = set(pyogrio.list_layers(path)[:, 0])
    missing = [name for name in ("places", "segments", "transfers") if name not in layers]
    if missing:
        raise FileNotFoundError(f"GeoPackage {str(path)!r} has no layer {', '.join(missing)}.")
    raw: dict[str, pd.DataFrame] = {
        "places": gpd.read_file(path, layer="places"),
        "segments": gpd.read_file(path, layer="segments"),
    }
    for name in ("transfers", "events", "routes", "metadata"):
        raw[name] = pyogrio.read_dataframe(path, layer=name, read_geometry=False) if name in layers else pd.DataFrame()
    meta = raw.pop("metadata")
    metadata = {k: json.loads(v) for k, v in zip(meta.get("key", []), meta.get("value", []), strict=True)}
    return raw, metadata


def _from_tables(raw: dict[str, pd.DataFrame], metadata: dict[str, Any], *, source: str) -> Corridor:
    """Type the raw tables and compute derived columns; collects every parse problem before raising."""
    problems: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    for table, id_column in _IDS.items():
        frame = raw[table]
        if id_column not in frame.columns:
            raise CorridorValidationError([f"{table}: the id column `{id_column}` is missing."], source=source)
        tables[table] = _validate.coerce(table, frame.set_index(id_column), problems)
    events = raw["events"] if not raw["events"].empty else pd.DataFrame(columns=list(_model.EVENT_COLUMNS))
    events = _validate.coerce("events", events, problems).set_index(["event_id", "target"])
    routes = raw["routes"] if not raw["routes"].empty else _empty("routes").reset_index()
    if "route_id" not in routes.columns:
        raise CorridorValidationError(["routes: the id column `route_id` is missing."], source=source)
    routes = _validate.coerce("routes", routes.set_index("route_id"), problems)

    places = tables["places"]
    if "geometry" not in places.columns:
        lat = pd.to_numeric(places.get("lat"), errors="coerce")
        lon = pd.to_numeric(places.get("lon"), errors="coerce")
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
        wkt = segments["geometry"]
        wkt = wkt.where(wkt.notna() & wkt.astype(str).ne(""))  # an empty cell is a missing geometry
        lines = shapely.from_wkt(wkt.astype(object).where(wkt.notna(), None).to_numpy(), on_invalid="ignore")
        for key in segments.index[wkt.notna() & pd.isna(lines)]:
            problems.append(f"segments[{key!r}]: `geometry` {str(wkt[key])[:40]!r}... is not valid WKT.")
        segments = gpd.GeoDataFrame(segments.drop(columns="geometry"), geometry=lines, crs=_model.CRS)
    segments["length_km_geodesic"] = _geodesic_km(segments.geometry.array)
    segments["length_km"] = segments["length_km_published"].fillna(segments["length_km_geodesic"])

    transfers = tables["transfers"]
    place_country = places["country"][~places.index.duplicated()]
    for side in ("from", "to"):
        on_land = ~transfers[f"{side}_mode"].isin(_model.WATER_MODES)
        default = transfers["place_id"].map(place_country)
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


def _empty(table: str) -> pd.DataFrame:
    columns = {"routes": _model.ROUTE_COLUMNS}[table]
    return pd.DataFrame(columns=list(columns), dtype="string").rename_axis("route_id")


# --- helpers ----------------------------------------------------------------------------------------------


def _check_values(argument: str, values: Iterable[str], allowed: Iterable[str]) -> list[str]:
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


def _as_date(date: str | pd.Timestamp) -> pd.Timestamp:
    try:
        return pd.Timestamp(date)
    except (TypeError, ValueError):
        raise ValueError(f"`date` was {date!r}; expected a date such as '2026-03-01'.") from None


def _in_service(frame: pd.DataFrame, day: pd.Timestamp, undated: pd.Series) -> pd.Series:
    start, end = frame["available_from"], frame["available_until"]
    opened = (start <= day) | (start.isna() & undated)
    return opened & ~(end <= day)
