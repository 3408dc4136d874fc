"""Derive the alignment of every INSTC segment and write it into data/instc/segments.csv.

Build-time only; run by hand after adding a segment or changing an alignment, and commit the output::

    pip install geopandas searoute==1.6.0 scgraph==2.15.0 scgraph-data==2.0.0
    python data/build/build_segment_geometry.py

``alignments.csv`` (beside this file) says how each segment's line is made:

- ``rail_osm``: shortest path on OpenStreetMap railways as packaged by ``scgraph-data`` 2.0.0 (ODbL 1.0,
  (c) OpenStreetMap contributors), from the ``from_place`` point to the ``to_place`` point, through the
  ``lat lon`` via points in ``waypoints`` if any; a via point written ``lat lon straight`` is reached by a
  straight hand-placed stroke instead, for stretches the OSM extract lacks (a final ``straight`` token makes
  the stroke to the end place hand-placed too);
- ``road_osm``: the same on OpenStreetMap highways (``scgraph-data`` 2.0.0 ``world_highways``);
- ``searoute``: shortest sea route on the ``searoute`` 1.6.0 lane network (Eurostat SeaRoute, after the ORNL
  Global Shipping Lane Network), with the ports appended as end points; the passages it traverses are kept;
  ``lat lon start`` / ``lat lon end`` waypoints are hand-placed approach points sailed straight from the
  first port or to the last port (harbour channels the coarse lanes cut across land); ``avoid <passage>``
  tokens (searoute's names: ``suez``, ``babalmandab``, ...) close passages to the lane search, so a
  Cape of Good Hope routing is the shortest lane with Suez and Bab el-Mandeb closed (searoute names the
  passage round South Africa ``south_africa``; it is kept as ``cape_of_good_hope``); a ``join end`` token joins
  the last port to the nearest point of the nearest lane *edge* instead of searoute's nearest lane *vertex*
  (Chabahar's nearest vertex is 225 km offshore, Nowshahr's is Amirabad's, 168 km along the coast), and sails
  straight from there to the port;
- ``waypoints``: a line through hand-placed ``lat lon`` waypoints (our own data, read off a map, or GeoNames town
  points of the towns a line passes);
- ``rail_osm_corridor`` / ``road_osm_corridor``: for lines the OSM extract has only in pieces, the shortest path on
  the OSM network kept within ``CORRIDOR_DEG`` of the guide line through the ``lat lon`` points, the pieces joined
  by straight strokes (see ``_osm_corridor``); a point written ``lat lon via`` must be passed (each leg between
  such points has its own corridor); the build prints the strokes' total and longest.

The ``waypoint_source`` column of ``alignments.csv`` says where each row's points come from; where it names
GeoNames, ``geometry_source`` carries it.

Every line starts and ends exactly at its places. The script stops with a list of every segment whose
off-network access leg is longer than ``MAX_SNAP_KM`` or whose Caspian route leaves the Caspian.
Only the columns ``passages``, ``geometry_source`` and ``geometry`` (WKT) of segments.csv are rewritten, and,
for segments without a published length, ``length_source`` and ``length_confidence``: such a segment's length
is the geodesic length of its line, graded M for an OSM or sea-lane alignment and L for a hand-placed one.
"""

import functools
import json
import pathlib

import networkx as nx
import numpy as np
import pandas as pd
import pyproj
import searoute
import shapely
from scgraph_data.world_highways import world_highways_geograph  # scgraph==2.15.0
from scgraph_data.world_railways import world_railways_geograph

HERE = pathlib.Path(__file__).resolve().parent
INSTC = HERE.parent / "instc"
MAX_SNAP_KM = 15.0
SIMPLIFY_DEG = 0.005  # ~0.5 km
CASPIAN = shapely.box(46.5, 36.4, 55.0, 47.2)
GEOD = pyproj.Geod(ellps="WGS84")
# searoute's passage names -> ours
PASSAGES = {"ormuz": "hormuz", "babalmandab": "bab_el_mandeb", "south_africa": "cape_of_good_hope"}
SOURCES = {
    "rail_osm": "OpenStreetMap railways via scgraph-data 2.0.0 (ODbL 1.0, (c) OpenStreetMap contributors)",
    "road_osm": "OpenStreetMap highways via scgraph-data 2.0.0 (ODbL 1.0, (c) OpenStreetMap contributors)",
    "searoute": "searoute 1.6.0 sea lanes (Eurostat SeaRoute / ORNL Global Shipping Lane Network 2000)",
    "waypoints": "hand-placed waypoints, corridor team (read off a map, +-5 km)",
}
for _kind, _what in (("rail", "railways"), ("road", "highways")):
    SOURCES[f"{_kind}_osm_corridor"] = (
        f"OpenStreetMap {_what} via scgraph-data 2.0.0 (ODbL 1.0, (c) OpenStreetMap contributors): shortest path"
        " kept within 0.3 deg of our guide points, gaps in the extract bridged by straight strokes"
    )
CORRIDOR_DEG = 0.3  # ~33 km north-south, ~25 km east-west at 40 N: the guide points are +-5 km
MAX_BRIDGE_KM = 80.0  # longest straight stroke considered across a gap in the OSM extract
BRIDGE_PENALTY = 3.0  # a km of straight stroke costs 3 km of OSM line, a km along the guide line 4.5


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000.0


LENGTH_SOURCES = {
    "rail_osm": ("geodesic length of the OSM rail alignment (scgraph-data 2.0.0); no published length found", "M"),
    "road_osm": ("geodesic length of the OSM road alignment (scgraph-data 2.0.0); no published length found", "M"),
    "searoute": ("geodesic length of the searoute 1.6.0 shortest lane; no published length found", "M"),
    "waypoints": ("geodesic length of the hand-placed alignment (+-5 km points); no published length found", "L"),
    "mixed": ("geodesic length of the OSM rail alignment with hand-placed strokes; no published length found", "L"),
    "mixed_road": (
        "geodesic length of the OSM road alignment with hand-placed strokes; no published length found",
        "L",
    ),
    "rail_osm_corridor": (
        "geodesic length of the OSM rail alignment (scgraph-data 2.0.0), gaps under 10 % bridged straight;"
        " no published length found",
        "M",
    ),
    "road_osm_corridor": (
        "geodesic length of the OSM road alignment (scgraph-data 2.0.0), gaps under 10 % bridged straight;"
        " no published length found",
        "M",
    ),
}
HAND_STROKES: dict[str, list[float]] = {}  # straight strokes of the OSM path being built (km)
GRAPHS = {"rail_osm": world_railways_geograph, "road_osm": world_highways_geograph}


def _osm(graph, start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
    result = graph.get_shortest_path(
        origin_node={"latitude": start[1], "longitude": start[0]},
        destination_node={"latitude": end[1], "longitude": end[0]},
    )
    path = [(lon, lat) for lat, lon in result["coordinate_path"]]
    return path


def _osm_via(graph, points: list[tuple[float, float, bool]]) -> tuple[list[tuple[float, float]], float, bool]:
    """Route through ``(lon, lat, straight)`` points on `graph`.

    Returns the path, the largest access leg to the network (km) and whether any leg is a straight stroke.
    """
    path, snap, mixed = [points[0][:2]], 0.0, False
    for (x0, y0, _), (x1, y1, straight) in zip(points, points[1:], strict=False):
        if (x0, y0) == (x1, y1):
            continue
        if straight:
            path.append((x1, y1))
            mixed = True
            HAND_STROKES.setdefault("current", []).append(_km((x0, y0), (x1, y1)))
            continue
        leg = _osm(graph, (x0, y0), (x1, y1))
        snap = max(snap, _km((x0, y0), leg[1]), _km(leg[-2], (x1, y1)))
        path.extend([*leg[1:-1], (x1, y1)])
    return path, snap, mixed


@functools.cache
def _edges(kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes (lon, lat), edges (node index pairs) and edge lines of the OSM `kind` graph."""
    graph = GRAPHS[f"{kind}_osm"]
    nodes = np.asarray(graph.nodes, float)[:, ::-1]
    edges = np.array([(i, j) for i, neighbours in enumerate(graph.graph) for j in neighbours if i < j])
    return nodes, edges, shapely.linestrings(np.stack([nodes[edges[:, 0]], nodes[edges[:, 1]]], axis=1))


def _osm_corridor(kind: str, guide: list[tuple[float, float]]) -> tuple[list[tuple[float, float]], list[str]]:
    """Shortest path on the OSM `kind` network within ``CORRIDOR_DEG`` of the `guide` line (places and via points).

    The extract has gaps (lines cut into pieces that do not meet): every end of a piece, and every guide point, is
    joined by a straight stroke to each node within ``MAX_BRIDGE_KM``, costed ``BRIDGE_PENALTY`` times its length,
    and the guide line itself is a fall-back costed 1.5 times that, so the path keeps to OSM wherever OSM has the
    line. Returns the path and, per piece, ``"osm"``, ``"bridge"`` (a stroke between OSM nodes) or ``"guide"``.
    """
    nodes, edges, lines = _edges(kind)
    inside = shapely.intersects(lines, shapely.LineString(guide).buffer(CORRIDOR_DEG))
    graph = nx.Graph()
    for i, j in edges[inside]:
        graph.add_edge(int(i), int(j), weight=_km(tuple(nodes[i]), tuple(nodes[j])), kind="osm")
    xy = {int(i): tuple(nodes[i]) for i in graph.nodes}
    guide_ids = [-1 - k for k in range(len(guide))]  # negative ids: guide points, first and last the places
    xy.update(zip(guide_ids, guide, strict=True))
    for a, b in zip(guide_ids, guide_ids[1:], strict=False):
        graph.add_edge(a, b, weight=1.5 * BRIDGE_PENALTY * _km(xy[a], xy[b]), kind="guide")
    ids = np.array(list(xy))
    points = np.array([xy[i] for i in ids])
    for a in [int(i) for i in ids if i < 0 or graph.degree(int(i)) <= 1]:
        near = np.abs(points - xy[a]).max(axis=1) < MAX_BRIDGE_KM / 50  # a box wider than the bridge
        for b, xy_b in zip(ids[near], points[near], strict=True):
            km = _km(xy[a], tuple(xy_b))
            if int(b) != a and km <= MAX_BRIDGE_KM and not graph.has_edge(a, int(b)):
                kind_ab = "guide" if a < 0 or b < 0 else "bridge"
                graph.add_edge(a, int(b), weight=BRIDGE_PENALTY * km, kind=kind_ab)
    path = nx.shortest_path(graph, guide_ids[0], guide_ids[-1], weight="weight")
    return [xy[i] for i in path], [graph.edges[a, b]["kind"] for a, b in zip(path, path[1:], strict=False)]


def _sea(
    start: tuple[float, float], end: tuple[float, float], avoid: list[str]
) -> tuple[list[tuple[float, float]], str]:
    feature = searoute.searoute(
        list(start), list(end), units="km", append_orig_dest=True, return_passages=True,
        restrictions=["northwest", *avoid],
    )  # fmt: skip
    if not feature["geometry"]["coordinates"]:
        raise SystemExit(f"no sea lane from {start} to {end} avoiding {avoid}")
    traversed = feature["properties"].get("traversed_passages", [])
    passages = ";".join(sorted(PASSAGES.get(name, name) for name in traversed))
    return [tuple(xy) for xy in feature["geometry"]["coordinates"]], passages


@functools.cache
def _lane_edges() -> tuple[shapely.STRtree, list[shapely.LineString]]:
    """Every two-point edge of the searoute lane network (its graph joins consecutive line vertices)."""
    lanes = json.loads((pathlib.Path(searoute.__file__).parent / "data" / "marnet_searoute.geojson").read_text())
    edges = []
    for feature in lanes["features"]:
        parts = feature["geometry"]["coordinates"]
        parts = parts if feature["geometry"]["type"] == "MultiLineString" else [parts]
        edges += [shapely.LineString([a, b]) for part in parts for a, b in zip(part, part[1:], strict=False) if a != b]
    return shapely.STRtree(edges), edges


def _join(
    port: tuple[float, float], far: tuple[float, float], avoid: list[str]
) -> tuple[list[tuple[float, float]], str, float]:
    """Sea route from `far` to `port` that leaves the lanes at the lane point nearest to `port`.

    searoute snaps a port to the nearest lane *vertex*, which can lie far along the coast (Nowshahr's is
    Amirabad's, 168 km east). Here the port is joined to the nearest point of the nearest lane *edge* instead
    (the geodesically closest of the 20 edges nearest in degrees), reached from whichever end of that edge
    gives the shorter route; returns the route from `far` to `port`.
    """
    tree, edges = _lane_edges()
    candidates = [edges[i] for i in tree.query_nearest(shapely.Point(port), all_matches=True)]
    candidates += [edges[i] for i in tree.query(shapely.Point(port).buffer(2.0))]
    best, best_km = None, float("inf")
    for edge in candidates:
        # nearest point of the edge to the port, sampled every ~1 km along it (edges are short great-circle pieces)
        n = max(2, int(_km(*edge.coords) + 1))
        points = [edge.interpolate(f, normalized=True) for f in [i / n for i in range(n + 1)]]
        p = min(points, key=lambda q: _km(port, (q.x, q.y)))
        if _km(port, (p.x, p.y)) < best_km:
            best, best_km = (edge, (p.x, p.y)), _km(port, (p.x, p.y))
    edge, p = best
    routes = []
    for node in edge.coords:
        lane, passages = _sea(far, node, avoid)
        path = [*lane[:-1], p, port] if lane[-1] != p else [*lane, port]
        routes.append((GEOD.geometry_length(shapely.LineString(path)), path, passages))
    _, path, passages = min(routes, key=lambda r: r[0])
    return path, passages, best_km


def main() -> None:
    places = pd.read_csv(INSTC / "places.csv", index_col="place_id")
    segments = pd.read_csv(INSTC / "segments.csv", index_col="segment_id", dtype=str, keep_default_na=False)
    alignments = pd.read_csv(HERE / "alignments.csv", index_col="segment_id", keep_default_na=False)
    missing = segments.index.difference(alignments.index)
    if len(missing):
        raise SystemExit(f"alignments.csv has no row for: {', '.join(missing)}")
    problems, geometries, passages, kinds, strokes, hand = [], {}, {}, {}, {}, {}
    for segment_id, seg in segments.iterrows():
        method, waypoints = alignments.loc[segment_id, ["method", "waypoints"]]
        start = tuple(places.loc[seg["from_place"], ["lon", "lat"]])
        end = tuple(places.loc[seg["to_place"], ["lon", "lat"]])
        passages[segment_id] = ""
        via = [
            (float(p.split()[1]), float(p.split()[0]), p.split()[-1] == "straight")
            for p in waypoints.split(";")
            if p.strip() and p.strip() != "straight" and method != "searoute"
        ]
        if waypoints.strip().endswith("; straight"):  # the last stroke, to the end place, is hand-placed too
            via.append((*end, True))
        snap = 0.0
        if method in GRAPHS:
            HAND_STROKES.clear()
            path, snap, mixed = _osm_via(GRAPHS[method], [(*start, False), *via, (*end, False)])
            hand[segment_id] = HAND_STROKES.pop("current", [])
            if mixed:
                kinds[segment_id] = "mixed"
        elif method in ("rail_osm_corridor", "road_osm_corridor"):
            tokens = [p.split() for p in waypoints.split(";") if p.strip()]
            guide, path, pieces = [start], [start], []
            for (x, y, _), token in zip([*via, (*end, False)], [*tokens, ["end"]], strict=True):
                guide.append((x, y))
                if token[-1] in ("via", "end"):  # a point the path must pass: each leg has its own corridor
                    leg, leg_pieces = _osm_corridor(method[:4], guide)
                    path, pieces, guide = [*path, *leg[1:]], [*pieces, *leg_pieces], [(x, y)]
            lengths = [_km(a, b) for a, b in zip(path, path[1:], strict=False)]
            stroke = [km for km, piece in zip(lengths, pieces, strict=True) if piece != "osm"]
            if sum(stroke) > 0.1 * sum(lengths):
                kinds[segment_id] = "mixed" if method.startswith("rail") else "mixed_road"
            strokes[segment_id] = (sum(stroke), max(stroke, default=0.0))
            hand[segment_id] = stroke
        elif method == "searoute":
            tokens = [p.split() for p in waypoints.split(";") if p.strip()]
            head = [(float(t[1]), float(t[0])) for t in tokens if len(t) == 3 and t[-1] == "start"]
            tail = [(float(t[1]), float(t[0])) for t in tokens if len(t) == 3 and t[-1] == "end"]
            avoid = [t[1] for t in tokens if t[0] == "avoid"]
            joined = [t[1] for t in tokens if t[0] == "join"]
            if joined == ["end"]:  # the last port joins the nearest lane edge, not the nearest lane vertex
                lane, passages[segment_id], _ = _join(end, head[-1] if head else start, avoid)
                path = [start, *head, *lane[1:]]
            elif joined:
                raise SystemExit(f"{segment_id}: only 'join end' is supported, got {joined}")
            else:
                lane, passages[segment_id] = _sea(head[-1] if head else start, tail[0] if tail else end, avoid)
                path = [start, *head, *lane[1:-1], *tail, end]  # the lane without its appended query points
        elif method == "waypoints":
            path = [start, *[(x, y) for x, y, _ in via], end]
            hand[segment_id] = [_km(a, b) for a, b in zip(path, path[1:], strict=False)]
        else:
            raise SystemExit(f"{segment_id}: unknown method {method!r}; expected one of {sorted(SOURCES)}")
        snaps = (_km(path[0], path[1]), _km(path[-2], path[-1])) if method == "searoute" else (snap, snap)
        if snap > MAX_SNAP_KM:
            problems.append(f"{segment_id}: an access leg of {snap:.0f} km to the {method} network")
        line = shapely.LineString([start, *path[1:-1], end])
        if method != "waypoints":
            line = shapely.simplify(line, SIMPLIFY_DEG)
        if segment_id.endswith("_sea") and CASPIAN.intersects(shapely.Point(start)) and not CASPIAN.contains(line):
            problems.append(f"{segment_id}: Caspian route leaves the Caspian (Volga-Don link?)")
        geometries[segment_id] = line
        kinds.setdefault(segment_id, method)
        length = GEOD.geometry_length(line) / 1000.0
        coords = line.coords
        longest = max(_km(a, b) for a, b in zip(coords, coords[1:], strict=False))
        here = hand.get(segment_id, [])
        stroke = f"  hand-placed/straight {sum(here):.1f} km, longest {max(here):.1f} km" if here else ""
        print(
            f"{segment_id:34s} {method:9s} {length:8.1f} km  published {seg['length_km_published'] or '-':>6}"
            f"  snap {snaps[0]:5.1f}/{snaps[1]:5.1f} km  longest piece {longest:5.1f} km{stroke}"
            f"  {passages[segment_id]}"
        )
    if problems:
        raise SystemExit("segment geometry problems:\n  " + "\n  ".join(problems))
    segments["passages"] = pd.Series(passages)
    segments["geometry_source"] = alignments["method"].map(SOURCES)
    named = (alignments["method"] == "waypoints") & alignments["waypoint_source"].str.contains("GeoNames")
    segments.loc[named, "geometry_source"] = "hand-placed waypoints: " + alignments.loc[named, "waypoint_source"]
    for segment_id, kind in kinds.items():
        if segment_id in strokes:  # an OSM corridor path: say how much of it is straight strokes across gaps
            total, longest = strokes[segment_id]
            share = ", hand-placed strokes: over 10 % of the line" if kind.startswith("mixed") else ""
            segments.loc[segment_id, "geometry_source"] += (
                f" ({total:.0f} km of straight strokes, longest {longest:.0f} km{share})"
            )
        elif kind.startswith("mixed"):
            segments.loc[segment_id, "geometry_source"] += " with hand-placed strokes where OSM has no line"
        if not segments.loc[segment_id, "length_km_published"]:
            segments.loc[segment_id, ["length_source", "length_confidence"]] = LENGTH_SOURCES[kind]
    segments["geometry"] = [shapely.to_wkt(geometries[i], rounding_precision=4) for i in segments.index]
    segments.to_csv(INSTC / "segments.csv", lineterminator="\n")


if __name__ == "__main__":
    main()
