"""Derive the alignment of every INSTC segment and write it into data/instc/segments.csv.

Build-time only; run by hand after adding a segment or changing an alignment, and commit the output::

    pip install geopandas searoute==1.6.0 scgraph==2.15.0 scgraph-data==2.0.0
    python data/build/build_segment_geometry.py

``alignments.csv`` (beside this file) says how each segment's line is made:

- ``rail_osm``: shortest path on OpenStreetMap railways as packaged by ``scgraph-data`` 2.0.0 (ODbL 1.0,
  (c) OpenStreetMap contributors), from the ``from_place`` point to the ``to_place`` point;
- ``searoute``: shortest sea route on the ``searoute`` 1.6.0 lane network (Eurostat SeaRoute, after the ORNL
  Global Shipping Lane Network), with the ports appended as end points; the passages it traverses are kept;
- ``waypoints``: a line through hand-placed ``lat lon`` waypoints (our own data, read off a map).

Every line starts and ends exactly at its places. The script stops with a list of every segment whose
off-network access leg is longer than ``MAX_SNAP_KM`` or whose Caspian route leaves the Caspian.
Only the columns ``passages``, ``geometry_source`` and ``geometry`` (WKT) of segments.csv are rewritten.
"""

import pathlib

import pandas as pd
import pyproj
import searoute
import shapely
from scgraph_data.world_railways import world_railways_geograph  # scgraph==2.15.0

HERE = pathlib.Path(__file__).resolve().parent
INSTC = HERE.parent / "instc"
MAX_SNAP_KM = 15.0
SIMPLIFY_DEG = 0.005  # ~0.5 km
CASPIAN = shapely.box(46.5, 36.4, 55.0, 47.2)
GEOD = pyproj.Geod(ellps="WGS84")
PASSAGES = {"ormuz": "hormuz", "babalmandab": "bab_el_mandeb"}  # searoute's names -> ours
SOURCES = {
    "rail_osm": "OpenStreetMap railways via scgraph-data 2.0.0 (ODbL 1.0, (c) OpenStreetMap contributors)",
    "searoute": "searoute 1.6.0 sea lanes (Eurostat SeaRoute / ORNL Global Shipping Lane Network 2000)",
    "waypoints": "hand-placed waypoints, corridor team (read off a map, +-5 km)",
}


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000.0


def _rail(start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
    result = world_railways_geograph.get_shortest_path(
        origin_node={"latitude": start[1], "longitude": start[0]},
        destination_node={"latitude": end[1], "longitude": end[0]},
    )
    path = [(lon, lat) for lat, lon in result["coordinate_path"]]
    return path


def _sea(start: tuple[float, float], end: tuple[float, float]) -> tuple[list[tuple[float, float]], str]:
    feature = searoute.searoute(list(start), list(end), units="km", append_orig_dest=True, return_passages=True)
    traversed = feature["properties"].get("traversed_passages", [])
    passages = ";".join(sorted(PASSAGES.get(name, name) for name in traversed))
    return [tuple(xy) for xy in feature["geometry"]["coordinates"]], passages


def main() -> None:
    places = pd.read_csv(INSTC / "places.csv", index_col="place_id")
    segments = pd.read_csv(INSTC / "segments.csv", index_col="segment_id", dtype=str, keep_default_na=False)
    alignments = pd.read_csv(HERE / "alignments.csv", index_col="segment_id", keep_default_na=False)
    missing = segments.index.difference(alignments.index)
    if len(missing):
        raise SystemExit(f"alignments.csv has no row for: {', '.join(missing)}")
    problems, geometries, passages = [], {}, {}
    for segment_id, seg in segments.iterrows():
        method, waypoints = alignments.loc[segment_id, ["method", "waypoints"]]
        start = tuple(places.loc[seg["from_place"], ["lon", "lat"]])
        end = tuple(places.loc[seg["to_place"], ["lon", "lat"]])
        passages[segment_id] = ""
        if method == "rail_osm":
            path = _rail(start, end)
        elif method == "searoute":
            path, passages[segment_id] = _sea(start, end)
        elif method == "waypoints":
            inner = [tuple(map(float, p.split()))[::-1] for p in waypoints.split(";") if p.strip()]
            path = [start, *inner, end]
        else:
            raise SystemExit(f"{segment_id}: unknown method {method!r}; expected one of {sorted(SOURCES)}")
        snaps = (_km(path[0], path[1]), _km(path[-2], path[-1])) if method != "waypoints" else (0.0, 0.0)
        if max(snaps) > MAX_SNAP_KM and method == "rail_osm":
            problems.append(f"{segment_id}: access legs of {snaps[0]:.0f} / {snaps[1]:.0f} km to the rail network")
        line = shapely.LineString([start, *path[1:-1], end])
        if method != "waypoints":
            line = shapely.simplify(line, SIMPLIFY_DEG)
        if segment_id.endswith("_sea") and CASPIAN.intersects(shapely.Point(start)) and not CASPIAN.contains(line):
            problems.append(f"{segment_id}: Caspian route leaves the Caspian (Volga-Don link?)")
        geometries[segment_id] = line
        length = GEOD.geometry_length(line) / 1000.0
        print(
            f"{segment_id:34s} {method:9s} {length:8.1f} km  published {seg['length_km_published'] or '-':>6}"
            f"  snap {snaps[0]:5.1f}/{snaps[1]:5.1f} km  {passages[segment_id]}"
        )
    if problems:
        raise SystemExit("segment geometry problems:\n  " + "\n  ".join(problems))
    segments["passages"] = pd.Series(passages)
    segments["geometry_source"] = alignments["method"].map(SOURCES)
    segments["geometry"] = [shapely.to_wkt(geometries[i], rounding_precision=4) for i in segments.index]
    segments.to_csv(INSTC / "segments.csv", lineterminator="\n")


if __name__ == "__main__":
    main()
