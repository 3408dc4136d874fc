"""Maps and charts of a corridor: a static map for reports, an interactive map, and the event timeline.

Static functions take ``ax=None`` and return the matplotlib Axes they drew on. The interactive map needs
the ``interactive`` extra (folium) and is self-contained: :func:`corridor._webmap.self_contained` inlines
Leaflet from package data and drops folium's CDN links, so a map draws without network access. Every new
interactive map should pass its ``folium.Map`` through it (``tests/test_browser.py`` shows how to check).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from pyproj import CRS

from corridor import datasets
from corridor.network import Corridor
from corridor.routing import NoRoute, Route

if TYPE_CHECKING:
    import folium
    from matplotlib.axes import Axes

    from corridor.uncertainty import MonteCarlo

__all__ = [
    "MODE_COLORS",
    "STATUS_STYLES",
    "explore",
    "explore_flows",
    "label_places",
    "plot_corridor",
    "plot_events",
    "plot_flow_difference",
    "plot_flows",
    "plot_observed",
    "plot_route_distributions",
    "plot_routes",
    "plot_time_cost_distance",
    "plot_tornado",
    "region_crs",
]

MODE_COLORS = {"rail": "#b2182b", "road": "#e08214", "sea": "#2166ac", "inland_water": "#35978f"}
STATUS_STYLES = {
    "operational": {"linestyle": "-", "linewidth": 1.8},
    "under_construction": {"linestyle": (0, (5, 2)), "linewidth": 1.8},
    "planned": {"linestyle": (0, (1, 1.5)), "linewidth": 1.8},
    "missing_link": {"linestyle": (0, (1, 1.5)), "linewidth": 3.2},
}
#: drawing order: links that are not in service go above operational lines of every mode
STATUS_ZORDER = {"operational": 2.0, "under_construction": 2.2, "planned": 2.4, "missing_link": 2.6}
#: side-by-side spacing of lines that share a track (points)
LINE_SPACING_PT = 3.2
#: width of a route on a route map, and spacing of routes that share a segment (points)
ROUTE_WIDTH_PT, ROUTE_SPACING_PT = 2.6, 2.8
KIND_MARKERS = {
    "port": ("s", "#2166ac", 30),
    "border_post": ("D", "#222222", 26),
    "terminal": ("^", "#6a3d9a", 34),
    "dry_port": ("P", "#6a3d9a", 34),
    "city": ("o", "#444444", 24),
    "junction": ("o", "#999999", 12),
}
ATTRIBUTION = (
    "Basemap: Natural Earth (public domain). Rail alignments: (c) OpenStreetMap contributors, ODbL 1.0. "
    "Sea lanes: searoute / Eurostat SeaRoute / ORNL."
)
_LAND, _WATER, _BORDER, _MUTED = "#f3f1ec", "#dbe9f4", "#b8b2a7", "#9a9a9a"
ROUTE_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
MODE_LINESTYLES = {"rail": "-", "road": "--", "sea": ":", "inland_water": "-."}
_TRANSFER_LABELS = {
    "border_crossing": "border", "transshipment": "transship", "gauge_change": "gauge",
    "port_call": "port", "ferry_wait": "ferry",
}  # fmt: skip


def region_crs(bounds: tuple[float, float, float, float]) -> CRS:
    """A Lambert conformal conic CRS centred on lon/lat `bounds` (west, south, east, north).

    Standard parallels sit at one sixth and five sixths of the latitude span, which keeps scale error small
    over a region the size of the INSTC. A region centred on the equator, where the cone degenerates (the two
    parallels mirror each other), gets a Mercator projection instead, conformal too.

    Examples
    --------
    >>> region_crs((30, 20, 70, 60)).coordinate_operation.method_name
    'Lambert Conic Conformal (2SP)'
    >>> region_crs((0, -1, 2, 1)).coordinate_operation.method_name
    'Mercator (variant A)'
    """
    west, south, east, north = bounds
    span = north - south
    if abs(south + north) < 1.0:
        return CRS.from_dict({"proj": "merc", "lon_0": (west + east) / 2, "datum": "WGS84", "units": "m"})
    return CRS.from_dict({
        "proj": "lcc", "lon_0": (west + east) / 2, "lat_0": (south + north) / 2,
        "lat_1": south + span / 6, "lat_2": north - span / 6, "datum": "WGS84", "units": "m",
    })  # fmt: skip


def plot_corridor(
    corridor: Corridor,
    *,
    ax: Axes | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    labels: list[str] | None = None,
    basemap: bool = True,
    legend: bool = True,
    muted: bool = False,
    figsize: tuple[float, float] = (10.0, 10.0),
) -> Axes:
    """Draw the corridor on a basemap: segments by mode and status, places by kind, key places labelled.

    Parameters
    ----------
    corridor : Corridor
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure of `figsize` (inches) is made if omitted.
    bounds : (west, south, east, north), optional
        Extent in degrees; defaults to the corridor's own bounds plus a margin. The map is drawn in
        :func:`region_crs` of these bounds.
    labels : list of str, optional
        ``place_id`` values to label; defaults to ``corridor.metadata["key_places"]``, else every place.
    basemap : bool, default True
        Draw Natural Earth countries and lakes under the corridor.
    legend : bool, default True
    muted : bool, default False
        Draw every segment thin and grey, as the backdrop for :func:`plot_routes`.

    Returns
    -------
    matplotlib Axes
        One LineCollection per (mode, status) present, one PathCollection per place kind present.

    Examples
    --------
    >>> import corridor
    >>> from corridor.plot import plot_corridor
    >>> ax = plot_corridor(corridor.load_instc(), bounds=(40, 22, 75, 50))
    >>> ax.get_title()
    'International North-South Transport Corridor (INSTC)'
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    bounds = bounds or _padded_bounds(corridor.segments)
    crs = region_crs(bounds)
    frame = gpd.GeoSeries([shapely.box(*bounds).segmentize(0.5)], crs="EPSG:4326").to_crs(crs)
    xmin, ymin, xmax, ymax = frame.total_bounds
    if basemap:
        ax.set_facecolor(_WATER)
        clip = shapely.box(*bounds).buffer(5)
        countries = datasets.basemap("countries").clip(clip).to_crs(crs)
        lakes = datasets.basemap("lakes").clip(clip).to_crs(crs)
        if len(countries):  # open sea has no land to draw
            countries.plot(ax=ax, color=_LAND, edgecolor=_BORDER, linewidth=0.5, zorder=0)
        if len(lakes):
            lakes.plot(ax=ax, color=_WATER, edgecolor="none", zorder=0.5)

    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    spacing = LINE_SPACING_PT * _map_units_per_point(ax)
    segments = corridor.segments.to_crs(crs)
    drawn = segments.assign(geometry=_side_by_side(segments, spacing))
    for (mode, status), group in drawn.groupby(["mode", "status"], sort=True):
        style = {**STATUS_STYLES[status], "linewidth": 0.8} if muted else STATUS_STYLES[status]
        casing = [patheffects.withStroke(linewidth=style["linewidth"] + 1.6, foreground="white")]
        effects = {} if muted or status == "operational" else {"path_effects": casing}
        _draw_lines(ax, group.geometry, color=_MUTED if muted else MODE_COLORS[mode], zorder=STATUS_ZORDER[status],
                    **style, **effects)  # fmt: skip

    places = corridor.places.to_crs(crs)
    for kind, group in places.groupby("kind", sort=True):
        marker, color, size = KIND_MARKERS[kind]
        ax.scatter(group.geometry.x, group.geometry.y, marker=marker, s=size, color=color,
                   edgecolor="white", linewidth=0.6, zorder=3, label=kind.replace("_", " "))  # fmt: skip

    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(corridor.metadata.get("name", ""))
    attribution = ax.annotate(ATTRIBUTION, (0.005, 0.005), xycoords="axes fraction", fontsize=5.5, color="#555555",
                              wrap=True)  # fmt: skip
    if legend:
        _legend(ax, segments, places)
        samples = shapely.get_coordinates(shapely.segmentize(drawn.geometry.to_numpy(), 2 * spacing))
        _place_legend(ax, [*[shapely.get_coordinates(places.geometry.to_numpy())] * 10, samples], [attribution])
    wanted = labels if labels is not None else corridor.metadata.get("key_places", list(places.index))
    _label_key_places(ax, places, wanted, obstacles=[attribution, *([ax.get_legend()] if legend else [])],
                      lines=drawn.geometry, important=drawn.geometry[drawn["status"].ne("operational")])  # fmt: skip
    return ax


def _label_key_places(
    ax: Axes,
    places: gpd.GeoDataFrame,
    wanted: Sequence[str],
    *,
    obstacles: Sequence[Any],
    lines: gpd.GeoSeries,
    important: gpd.GeoSeries,
) -> None:
    """Label the `wanted` places (projected, inside the axes) clear of each other, `obstacles` and markers."""
    (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
    inside = places.geometry.x.between(xmin, xmax) & places.geometry.y.between(ymin, ymax)
    labelled = places[places.index.isin(wanted) & inside]
    step = 2 * _map_units_per_point(ax)
    samples = [shapely.get_coordinates(shapely.segmentize(geoms.to_numpy(), step)) for geoms in (lines, important)]
    label_places(ax, labelled.geometry.x, labelled.geometry.y, [n.split(" (")[0] for n in labelled["name"]],
                 obstacles=obstacles, points=(places.geometry.x[inside], places.geometry.y[inside]),
                 lines=np.concatenate([samples[0], *[samples[1]] * 4]))  # fmt: skip


def _draw_lines(ax: Axes, geometry: gpd.GeoSeries, *, linewidth: float, linestyle: Any = "-", **style: Any) -> None:
    """One LineCollection for `geometry` (LineStrings or MultiLineStrings), without autoscaling or redrawing."""
    parts = shapely.get_parts(geometry.to_numpy())
    collection = LineCollection([shapely.get_coordinates(part) for part in parts], linewidths=linewidth,
                                linestyles=[linestyle], capstyle="round", **style)  # fmt: skip
    ax.add_collection(collection, autolim=False)


def _map_units_per_point(ax: Axes) -> float:
    """Map units (m) per typographic point on `ax`, once its limits are set and its aspect is equal."""
    figure_width, figure_height = ax.figure.get_size_inches() * 72
    box = ax.get_position(original=True)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return max(abs(x1 - x0) / (box.width * figure_width), abs(y1 - y0) / (box.height * figure_height))


def _side_by_side(lines: gpd.GeoDataFrame, spacing: float, *, key: Sequence[str] | None = None) -> gpd.GeoSeries:
    """Lines offset side by side (by `spacing`, map units) where several share a track.

    Lines share a track when they join the same two places (`from_place`, `to_place`, either direction), or,
    given `key`, when they have the same values in those columns. Each line of a group of n is moved by
    ``(i - (n - 1) / 2) * spacing`` to the left of the group's common direction; lone lines stay as they are.
    """
    if key is None:
        track = [tuple(sorted(pair)) for pair in zip(lines["from_place"], lines["to_place"], strict=True)]
    else:
        track = list(zip(*(lines[k] for k in key), strict=True))
    geometry = lines.geometry.copy()
    groups = pd.Series(range(len(lines))).groupby(pd.Series(track, dtype=object).astype(str))
    for _, positions in groups:
        if len(positions) < 2:
            continue
        first = lines.geometry.iloc[positions.iloc[0]]
        start = shapely.Point(first.coords[0])
        for rank, position in enumerate(positions):
            line = lines.geometry.iloc[position]
            if shapely.Point(line.coords[0]).distance(start) > shapely.Point(line.coords[-1]).distance(start):
                line = shapely.reverse(line)  # run every line of the track in one direction
            geometry.iloc[position] = _one_line(line.offset_curve((rank - (len(positions) - 1) / 2) * spacing), line)
    return geometry


def _one_line(moved: shapely.Geometry, line: shapely.LineString) -> shapely.LineString:
    """An offset line as one LineString (parts joined in order), or `line` itself if the offset vanished."""
    if moved.is_empty:
        return line
    if moved.geom_type == "MultiLineString":
        return shapely.LineString(np.concatenate([np.asarray(part.coords) for part in moved.geoms]))
    return moved


#: where a label may go around its point: (dx, dy) in points, horizontal and vertical alignment
_LABEL_SLOTS = (
    (4, 3, "left", "bottom"), (4, -3, "left", "top"), (-4, 3, "right", "bottom"), (-4, -3, "right", "top"),
    (6, 0, "left", "center"), (-6, 0, "right", "center"), (0, 6, "center", "bottom"), (0, -6, "center", "top"),
)  # fmt: skip


def label_places(
    ax: Axes,
    x: Sequence[float],
    y: Sequence[float],
    texts: Sequence[str],
    *,
    obstacles: Sequence[Any] = (),
    points: tuple[Sequence[float], Sequence[float]] | None = None,
    lines: np.ndarray | None = None,
    fontsize: float = 8.0,
) -> list[Any]:
    """Label points so that no label overlaps another label, an obstacle, or a marked point.

    Each label tries eight positions around its point (right-above first), then the same positions two and
    three times further out with a thin leader line, measured by the renderer. Among the positions clear of
    labels already placed, obstacles, markers and the axes edge, it takes the one covering the fewest
    `lines` points, preferring near positions. A label with no clear position is left out. Labels are
    placed in the order given, so put the most important first.

    Parameters
    ----------
    ax : matplotlib Axes
        With its limits and aspect already set (labels are measured in display space).
    x, y : sequence of float
        Label anchors, in data coordinates.
    texts : sequence of str
    obstacles : sequence of matplotlib Artist
        Artists the labels keep off (a legend, an attribution line).
    points : (x, y), optional
        Marker positions labels should not cover (defaults to the anchors); 5 points across each.
    lines : ndarray of shape (n, 2), optional
        Points along lines, in data coordinates, that labels should rather not cover (a point may repeat,
        to weigh it more).
    fontsize : float
        In points.

    Returns
    -------
    list of matplotlib Annotation
        One per label placed, in the order given.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> labels = label_places(ax, [0.5, 0.5], [0.5, 0.5], ["Rasht", "Anzali"])
    >>> a, b = (t.get_window_extent() for t in labels)  # the labels' text (no leader lines here)
    >>> bool(a.overlaps(b))
    False
    """
    figure = ax.figure
    get_renderer = getattr(figure.canvas, "get_renderer", None)
    renderer = get_renderer() if get_renderer is not None else figure._get_renderer()
    ax.apply_aspect()
    frame = ax.get_window_extent(renderer)
    taken = [artist.get_window_extent(renderer) for artist in obstacles]
    marks_x, marks_y = points if points is not None else (x, y)
    pixels_per_point = figure.dpi / 72
    half = 2.5 * pixels_per_point
    marks = [
        Bbox.from_extents(px - half, py - half, px + half, py + half)
        for px, py in ax.transData.transform(np.column_stack([np.asarray(marks_x, float), np.asarray(marks_y, float)]))
    ]
    line_points = ax.transData.transform(lines) if lines is not None and len(lines) else np.empty((0, 2))
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    probe = ax.annotate("", (0, 0), xytext=(0, 0), textcoords="offset points", fontsize=fontsize)
    placed = []
    for px, py, text in zip(x, y, texts, strict=True):
        probe.set_text(text)
        probe.xy = (px, py)
        anchor = ax.transData.transform((px, py))
        others = [*taken, *(m for m in marks if not m.contains(*anchor))]
        best, best_cost = _LABEL_SLOTS[0], (np.inf, np.inf)
        for slot, far in (((dx * k, dy * k, ha, va), k - 1) for k in (1, 2, 3) for dx, dy, ha, va in _LABEL_SLOTS):
            probe.xyann = slot[:2]
            probe.set_horizontalalignment(slot[2])
            probe.set_verticalalignment(slot[3])
            box = probe.get_window_extent(renderer)
            covered = ((line_points >= box.p0) & (line_points <= box.p1)).all(axis=1).sum()
            cost = (sum(_overlap(box, other) for other in others) + _outside(box, frame), covered + 4 * far)
            if cost < best_cost:
                best, best_cost = slot, cost
            if cost == (0, 0):
                break
        if best_cost[0] > 0:
            continue  # no clear position (its point is under the legend, say): leave the label out
        dx, dy, ha, va = best
        leader = {"arrowstyle": "-", "color": "#777777", "linewidth": 0.5, "shrinkA": 1, "shrinkB": 3}
        label = ax.annotate(text, (px, py), xytext=(dx, dy), textcoords="offset points", fontsize=fontsize,
                            ha=ha, va=va, zorder=4, path_effects=halo,
                            arrowprops=leader if max(abs(dx), abs(dy)) > 6 else None)  # fmt: skip
        label.update_positions(renderer)
        taken.append(Text.get_window_extent(label, renderer))  # the text alone, without its leader line
        placed.append(label)
    probe.remove()
    return placed


def _overlap(a: Bbox, b: Bbox) -> float:
    """Area (square pixels) shared by two boxes."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


def _outside(box: Bbox, frame: Bbox) -> float:
    """Area (square pixels) of `box` outside `frame`."""
    return box.width * box.height - _overlap(box, frame)


def _padded_bounds(frame: gpd.GeoDataFrame, share: float = 0.05) -> tuple[float, float, float, float]:
    west, south, east, north = frame.total_bounds
    pad = share * max(east - west, north - south)
    return (west - pad, south - pad, east + pad, north + pad)


def _as_dict(routes: Mapping[str, Route | NoRoute] | Sequence[Route]) -> dict[str, Route]:
    """Named routes that exist; unavailable ones (NoRoute) are left out of a drawing."""
    if not isinstance(routes, Mapping):
        routes = {r.name or f"route {i + 1}": r for i, r in enumerate(routes)}
    return {name: route for name, route in routes.items() if isinstance(route, Route)}


def plot_routes(
    routes: Mapping[str, Route | NoRoute] | Sequence[Route],
    *,
    corridor: Corridor | None = None,
    ax: Axes | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    figsize: tuple[float, float] = (10.0, 10.0),
) -> Axes:
    """Draw routes in colour over the corridor (muted) or over the basemap alone.

    Routes that use the same segment are drawn side by side (``ROUTE_SPACING_PT`` apart), not on top of
    each other. Transfers on each route are marked where they happen. Unavailable routes
    (:class:`NoRoute`) are skipped. Key places of `corridor` are labelled clear of each other and the legend.

    Examples
    --------
    >>> import corridor
    >>> from corridor.routing import named_routes
    >>> c = corridor.load_instc()
    >>> ax = plot_routes(named_routes(c, "jnpt", "moscow"), corridor=c, bounds=(30, 15, 75, 60))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['western', 'trans_caspian', 'eastern', 'suez']
    """
    routes = _as_dict(routes)
    legs = pd.concat([r.legs for r in routes.values()])
    bounds = bounds or _padded_bounds(corridor.segments if corridor is not None else legs)
    if corridor is not None:
        ax = plot_corridor(corridor, ax=ax, bounds=bounds, legend=False, muted=True, labels=[], figsize=figsize)
    else:
        ax = plot_corridor(_route_corridor(legs), ax=ax, bounds=bounds, legend=False, labels=[], figsize=figsize)
    crs = region_crs(bounds)
    projected = [route.legs.to_crs(crs).assign(route=number) for number, route in enumerate(routes.values())]
    lines = pd.concat([p[p["element_type"].eq("segment")] for p in projected], ignore_index=True)
    spacing = ROUTE_SPACING_PT * _map_units_per_point(ax)
    lines = lines.assign(geometry=_side_by_side(lines, spacing, key=["element_id"]))
    handles = []
    for number, name in enumerate(routes):
        color = ROUTE_COLORS[number % len(ROUTE_COLORS)]
        _draw_lines(ax, lines.geometry[lines["route"].eq(number)], color=color, linewidth=ROUTE_WIDTH_PT, alpha=0.9,
                    zorder=5)  # fmt: skip
        stops = projected[number][projected[number]["element_type"].eq("transfer")]
        ax.scatter(stops.geometry.x, stops.geometry.y, s=40, color=color, edgecolor="black", linewidth=0.6, zorder=6)
        handles.append(Line2D([], [], color=color, lw=3, label=name))
    ax.legend(handles=handles, loc="upper right", fontsize=9, title="routes (dots: transfers)")
    attribution = [t for t in ax.texts if t.get_text() == ATTRIBUTION]
    route_points = shapely.get_coordinates(shapely.segmentize(lines.geometry.to_numpy(), spacing))
    _place_legend(ax, [route_points], attribution)
    if corridor is not None:
        places = corridor.places.to_crs(crs)
        wanted = corridor.metadata.get("key_places", list(places.index))
        _label_key_places(ax, places, wanted, obstacles=[*attribution, ax.get_legend()], lines=lines.geometry,
                          important=lines.geometry)  # fmt: skip
    ax.set_xlabel("")
    ax.set_ylabel("")
    return ax


def _route_corridor(legs: gpd.GeoDataFrame) -> Corridor:
    """A throwaway corridor holding just the route lines, for a basemap without the full corridor."""
    lines = legs[legs["element_type"].eq("segment")].assign(status="operational")
    empty = gpd.GeoDataFrame({"kind": [], "name": []}, geometry=[], crs=legs.crs)
    return Corridor(empty, lines, pd.DataFrame(), pd.DataFrame(), metadata={"name": ""})


def plot_flows(
    corridor: Corridor,
    loads: pd.DataFrame,
    *,
    column: str = "tonnes_per_year",
    ax: Axes | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    max_width_pt: float = 9.0,
    figsize: tuple[float, float] = (10.0, 10.0),
) -> Axes:
    """Flow map: each loaded segment drawn with a width by its load and a colour by its utilisation.

    Border crossings are circles with an area by the load through them (summed over the crossing's directions),
    coloured by utilisation like the lines. Segments that join the same two places are drawn side by side. Where
    an element has no known capacity its utilisation is unknown and it is drawn grey, never as empty.

    Parameters
    ----------
    corridor : Corridor
        The corridor the loads were assigned on (the scenario's, for a scenario).
    loads : DataFrame
        Indexed by (``element_type``, ``element_id``) with `column` (not negative) and, optionally,
        ``utilisation`` (load / capacity); the ``loads`` of an assignment result.
    column : str, default "tonnes_per_year"
        The load to draw, e.g. ``teu_per_year`` or one cargo class's tonnes.
    max_width_pt : float, default 9
        Width of the most loaded line (points); others in proportion.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd, corridor
    >>> from corridor.plot import plot_flows
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> loads = pd.DataFrame({"tonnes_per_year": [2e6, 1e6], "utilisation": [0.5, float("nan")]},
    ...     index=pd.MultiIndex.from_tuples([("segment", "a_b_rail"), ("transfer", "b_border")],
    ...                                     names=["element_type", "element_id"]))
    >>> ax = plot_flows(toy, loads)
    >>> ax.get_title()
    'tonnes per year'
    """
    frame = _checked_loads(corridor, loads, column, "loads")
    ax, bounds = _flow_base(corridor, frame, ax=ax, bounds=bounds, figsize=figsize)
    utilisation = frame["utilisation"] if "utilisation" in frame else pd.Series(np.nan, index=frame.index)
    cmap, norm = _utilisation_scale()

    def colours(values: pd.Series) -> list[Any]:
        return [(0.55, 0.55, 0.55, 1.0) if np.isnan(u) else cmap(norm(u)) for u in values]

    _draw_flow(ax, bounds, corridor, frame[column], colours, utilisation, max_width_pt=max_width_pt)
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    ax.figure.colorbar(mappable, ax=ax, shrink=0.5, label="utilisation (load / capacity); grey: capacity unknown")
    ax.set_title(column.replace("_", " "))
    return ax


def plot_flow_difference(
    corridor: Corridor,
    baseline: pd.DataFrame,
    scenario: pd.DataFrame,
    *,
    column: str = "tonnes_per_year",
    baseline_corridor: Corridor | None = None,
    ax: Axes | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    max_width_pt: float = 9.0,
    figsize: tuple[float, float] = (10.0, 10.0),
) -> Axes:
    """Difference map of two assignments: width by the change in load, red for more, blue for less.

    An element loaded in only one of the two counts as 0 in the other (a new link, a closed one). Its line is
    taken from `corridor` (the scenario's) or else from `baseline_corridor`.

    Examples
    --------
    >>> import pandas as pd, corridor
    >>> from corridor.plot import plot_flow_difference
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> index = pd.MultiIndex.from_tuples([("segment", "a_b_rail"), ("transfer", "b_border")],
    ...                                   names=["element_type", "element_id"])
    >>> base = pd.DataFrame({"tonnes_per_year": [2e6, 1e6]}, index=index)
    >>> ax = plot_flow_difference(toy, base, base.assign(tonnes_per_year=[1e6, 3e6]))
    >>> ax.get_title()
    'change in tonnes per year'
    """
    lines = corridor if baseline_corridor is None else _union(corridor, baseline_corridor)
    before = _checked_loads(lines, baseline, column, "baseline")[column]
    after = _checked_loads(lines, scenario, column, "scenario")[column]
    change = _load_change(before, after)
    change = change[change.ne(0.0)]
    frame = change.to_frame(column)
    ax, bounds = _flow_base(lines, frame, ax=ax, bounds=bounds, figsize=figsize)
    cmap, norm = _change_scale(change)

    def colours(values: pd.Series) -> list[Any]:
        return [cmap(norm(v)) for v in values]

    _draw_flow(ax, bounds, lines, change.abs(), colours, change, max_width_pt=max_width_pt)
    ax.figure.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.5,
                       label=f"change in {column.replace('_', ' ')} (scenario - baseline)")  # fmt: skip
    ax.set_title(f"change in {column.replace('_', ' ')}")
    return ax


def _utilisation_scale() -> tuple[Any, Any]:
    """Colours of utilisation (load / capacity) on flow maps: 0 to 1.2, the top for anything past capacity."""
    return plt.get_cmap("YlOrRd"), plt.Normalize(0.0, 1.2)


def _change_scale(change: pd.Series) -> tuple[Any, Any]:
    """A diverging scale symmetric about 0 over `change` (blue for less, red for more)."""
    limit = (float(change.abs().max()) if len(change) else 0.0) or 1.0
    return plt.get_cmap("RdBu_r"), plt.Normalize(-limit, limit)


def _load_change(before: pd.Series, after: pd.Series) -> pd.Series:
    """`after` - `before` per element; an element loaded on one side only counts as 0 on the other."""
    return after.reindex(after.index.union(before.index), fill_value=0.0).sub(before, fill_value=0.0)


def _checked_loads(corridor: Corridor, loads: pd.DataFrame, column: str, argument: str) -> pd.DataFrame:
    """`loads` checked: the index levels, `column` present, figures finite and not negative, ids known."""
    names = ["element_type", "element_id"]
    if not isinstance(loads, pd.DataFrame) or list(loads.index.names) != names:
        raise ValueError(f"`{argument}` must be a DataFrame indexed by {names}, like an assignment's `loads`.")
    if column not in loads.columns:
        raise ValueError(f"`{argument}` has no column {column!r}; it has {sorted(map(str, loads.columns))}.")
    problems = []
    values = pd.to_numeric(loads[column], errors="coerce")
    bad = values.isna() | ~np.isfinite(values) | values.lt(0)
    if bad.any():
        problems.append(f"{column} must be finite and not negative; bad at {list(loads.index[bad])[:5]}")
    kinds = set(loads.index.get_level_values(0)) - {"segment", "transfer"}
    if kinds:
        problems.append(f"element_type {sorted(kinds)} is not 'segment' or 'transfer'")
    for kind, table in (("segment", corridor.segments), ("transfer", corridor.transfers)):
        ids = loads.index.get_level_values(1)[loads.index.get_level_values(0) == kind]
        unknown = sorted(set(ids) - set(table.index))
        if unknown:
            problems.append(f"{len(unknown)} {kind} id(s) not in the corridor: {unknown[:5]}")
    if problems:
        raise ValueError(f"`{argument}` cannot be drawn: " + "; ".join(problems) + ".")
    return loads.assign(**{column: values})


def _union(first: Corridor, second: Corridor) -> Corridor:
    """A corridor with the segments, transfers and places of both (`first` wins where an id is in both)."""

    def both(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([a, b[~b.index.isin(a.index)]])

    return Corridor(both(first.places, second.places), both(first.segments, second.segments),
                    both(first.transfers, second.transfers), first.events, metadata=first.metadata)  # fmt: skip


def _flow_base(
    corridor: Corridor, frame: pd.DataFrame, *, ax: Axes | None, bounds: Any, figsize: tuple[float, float]
) -> tuple[Axes, tuple[float, float, float, float]]:
    """The muted corridor under a flow map, framed on segments with >= 5 % of the top load, unless `bounds`."""
    size = frame.iloc[:, 0].abs()
    large = frame.index[size.ge(0.05 * size.max())] if len(size) else frame.index
    segment_ids = large.get_level_values(1)[large.get_level_values(0) == "segment"]
    framed = corridor.segments.loc[segment_ids] if len(segment_ids) else corridor.segments
    bounds = bounds or _padded_bounds(framed)
    return plot_corridor(corridor, ax=ax, bounds=bounds, legend=False, muted=True, figsize=figsize), bounds


def _draw_flow(
    ax: Axes,
    bounds: tuple[float, float, float, float],
    corridor: Corridor,
    size: pd.Series,
    colours: Any,
    shade: pd.Series,
    *,
    max_width_pt: float,
) -> None:
    """Draw loaded segments (width by `size`) and border crossings (area by `size`), coloured from `shade`."""
    if max_width_pt <= 0 or not np.isfinite(max_width_pt):
        raise ValueError(f"`max_width_pt` was {max_width_pt!r}; expected a positive number of points.")
    top = float(size.max()) if len(size) and size.max() > 0 else 1.0
    crs = region_crs(bounds)
    kind = size.index.get_level_values(0)
    loaded = size[(kind == "segment") & size.gt(0)].droplevel(0)
    lines = corridor.segments.loc[loaded.index].to_crs(crs)
    widths = np.maximum(max_width_pt * loaded.to_numpy() / top, 0.4)
    spacing = (max_width_pt * 0.6 + 1.0) * _map_units_per_point(ax)
    lines = lines.assign(geometry=_side_by_side(lines, spacing))
    parts = [shapely.get_coordinates(g) for g in lines.geometry]
    order = np.argsort(-widths)  # the thickest first, so thin lines stay visible on top
    shades = colours(shade.xs("segment").reindex(loaded.index))
    collection = LineCollection([parts[i] for i in order], linewidths=widths[order], capstyle="round", zorder=5,
                                colors=[shades[i] for i in order])  # fmt: skip
    ax.add_collection(collection, autolim=False)
    crossings = size[kind == "transfer"].droplevel(0)
    transfers = corridor.transfers.loc[crossings.index]
    crossings = crossings[transfers["kind"].eq("border_crossing").to_numpy() & crossings.gt(0).to_numpy()]
    if len(crossings):
        at = corridor.transfers.loc[crossings.index, "place_id"]
        by_place = crossings.groupby(at.to_numpy()).sum()
        shade_at = shade.xs("transfer").reindex(crossings.index).groupby(at.to_numpy()).max()
        points = corridor.places.loc[by_place.index].to_crs(crs).geometry
        ax.scatter(points.x, points.y, s=(3 * max_width_pt) ** 2 * by_place.to_numpy() / top, zorder=6,
                   c=colours(shade_at.reindex(by_place.index)), edgecolor="black", linewidth=0.6)  # fmt: skip


def plot_time_cost_distance(
    routes: Mapping[str, Route | NoRoute] | Sequence[Route],
    *,
    axes: Sequence[Axes] | None = None,
    label_steps_over_h: float = 24.0,
    figsize: tuple[float, float] = (11.0, 9.0),
) -> np.ndarray:
    """The UNESCAP time/cost-distance chart: cumulative time (days) and cost (US$) against distance (km).

    One colour per route; the line style gives the mode of each link; transfers are vertical steps, marked,
    and labelled (kind and place) when they take more than `label_steps_over_h` hours.

    Returns
    -------
    ndarray of two Axes
        Time above, cost below, sharing the distance axis.

    Examples
    --------
    >>> import corridor
    >>> from corridor.routing import best_route
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> time_ax, cost_ax = plot_time_cost_distance([best_route(toy, "a", "d", by="time_h", name="overland")])
    >>> time_ax.get_ylabel(), cost_ax.get_xlabel()
    ('cumulative time (days)', 'cumulative distance (km)')
    """
    routes = _as_dict(routes)
    if axes is None:
        _, axes = plt.subplots(2, 1, sharex=True, figsize=figsize)
    time_ax, cost_ax = axes
    for number, route in enumerate(routes.values()):
        color = ROUTE_COLORS[number % len(ROUTE_COLORS)]
        legs = route.legs
        before = legs[["cum_distance_km", "cum_time_h", "cum_cost_usd"]].shift(fill_value=0.0)
        for (_, leg), (_, start) in zip(legs.iterrows(), before.iterrows(), strict=True):
            is_step = leg["element_type"] == "transfer"
            style = {"color": color, "linewidth": 2.6 if is_step else 1.8, "solid_capstyle": "butt",
                     "linestyle": "-" if is_step else MODE_LINESTYLES[leg["mode"]]}  # fmt: skip
            x = [start["cum_distance_km"], leg["cum_distance_km"]]
            time_ax.plot(x, [start["cum_time_h"] / 24, leg["cum_time_h"] / 24], **style)
            cost_ax.plot(x, [start["cum_cost_usd"], leg["cum_cost_usd"]], **style)
            if is_step:
                for ax, y in ((time_ax, leg["cum_time_h"] / 24), (cost_ax, leg["cum_cost_usd"])):
                    ax.plot(leg["cum_distance_km"], y, marker="_", markersize=8, color=color)
                if leg["time_h"] >= label_steps_over_h:
                    text = f"{_TRANSFER_LABELS[leg['kind']]} {leg['from_place']}"
                    time_ax.annotate(text, (leg["cum_distance_km"], leg["cum_time_h"] / 24), xytext=(3, -3),
                                     textcoords="offset points", fontsize=7, color=color, va="top")  # fmt: skip
    time_ax.set_ylabel("cumulative time (days)")
    cost_ax.set_ylabel("cumulative cost (US$ per unit)")
    cost_ax.set_xlabel("cumulative distance (km)")
    route_handles = [
        Line2D([], [], color=ROUTE_COLORS[i % len(ROUTE_COLORS)], lw=2, label=n) for i, n in enumerate(routes)
    ]
    mode_handles = [Line2D([], [], color="#555555", linestyle=s, label=m) for m, s in MODE_LINESTYLES.items()
                    if any(r.legs["mode"].eq(m).any() for r in routes.values())]  # fmt: skip
    time_ax.legend(handles=route_handles + mode_handles, fontsize=8, loc="upper left")
    unit = next(iter(routes.values())).parameters.cargo_unit
    time_ax.set_title(f"Time/cost-distance (UNESCAP method), per {unit}; vertical steps are transfers")
    for ax in axes:
        ax.grid(alpha=0.3)
    return np.asarray(axes)


def _legend(ax: Axes, segments: pd.DataFrame, places: pd.DataFrame) -> None:
    handles = [
        Line2D([], [], color=MODE_COLORS[m], lw=2, label=m.replace("_", " ")) for m in sorted(segments["mode"].unique())
    ]
    handles += [
        Line2D([], [], color="#555555", label=s.replace("_", " "), **STATUS_STYLES[s])
        for s in STATUS_STYLES
        if s in set(segments["status"])
    ]
    handles += [
        Line2D([], [], marker=KIND_MARKERS[k][0], color="none", markerfacecolor=KIND_MARKERS[k][1],
               markeredgecolor="white", markersize=np.sqrt(KIND_MARKERS[k][2]) + 1, label=k.replace("_", " "))
        for k in sorted(places["kind"].unique())
    ]  # fmt: skip
    ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)


def _place_legend(ax: Axes, points: Sequence[np.ndarray], obstacles: Sequence[Any]) -> None:
    """Move the legend to the corner of `ax` that covers the fewest `points` (data coordinates) and obstacles.

    A point given several times weighs more. Ties keep the earlier corner: upper right, upper left, lower
    right, lower left.
    """
    legend = ax.get_legend()
    get_renderer = getattr(ax.figure.canvas, "get_renderer", None)
    renderer = get_renderer() if get_renderer is not None else ax.figure._get_renderer()
    ax.apply_aspect()
    shown = ax.transData.transform(np.concatenate([np.reshape(p, (-1, 2)) for p in points]))
    avoid = [artist.get_window_extent(renderer) for artist in obstacles]
    costs = {}
    for corner in ("upper right", "upper left", "lower right", "lower left"):
        legend.set_loc(corner)
        box = legend.get_window_extent(renderer)
        covered = ((shown >= box.p0) & (shown <= box.p1)).all(axis=1).sum()
        costs[corner] = covered + sum(_overlap(box, other) for other in avoid)
    legend.set_loc(min(costs, key=costs.get))


def plot_events(corridor: Corridor, *, ax: Axes | None = None, until: str | None = None) -> Axes:
    """Timeline of the corridor's dated events: one bar per event, coloured by effect.

    Open-ended events run to `until` (default: ``corridor.metadata["data_date"]``, else the latest start
    plus 90 days) and end in an arrow.

    Examples
    --------
    >>> import corridor
    >>> from corridor.plot import plot_events
    >>> ax = plot_events(corridor.load_instc())
    >>> len(ax.patches) >= 5
    True
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3))
    events = corridor.events.reset_index()
    spans = events.groupby("event_id", sort=False).agg(
        start=("start", "min"), end=("end", "max"), effect=("effect", "first"),
        targets=("target", lambda t: ", ".join(t)), open_ended=("end", lambda e: e.isna().any()),
    )  # fmt: skip
    spans = spans.sort_values("start")
    limit = pd.Timestamp(until or corridor.metadata.get("data_date") or spans["start"].max() + pd.Timedelta(days=90))
    colors = {"closed": "#b2182b", "disrupted": "#f4a582"}
    for row, (event_id, event) in enumerate(spans.iterrows()):
        end = limit if event["open_ended"] else max(event["end"], event["start"] + pd.Timedelta(days=2))
        ax.barh(row, (end - event["start"]).days, left=event["start"], color=colors[event["effect"]], height=0.6)
        if event["open_ended"]:
            ax.annotate("", (end + pd.Timedelta(days=20), row), (end, row), arrowprops={"arrowstyle": "->"})
        ax.annotate(f"{event_id.replace('_', ' ')}  [{event['targets']}]", (event["start"], row + 0.38),
                    fontsize=7, va="bottom")  # fmt: skip
    ax.set_yticks([])
    ax.set_ylim(-0.6, len(spans) + 0.2)
    ax.set_xlim(spans["start"].min() - pd.Timedelta(days=45), limit + pd.Timedelta(days=45))
    ax.legend(handles=[Line2D([], [], color=c, lw=6, label=e) for e, c in colors.items()], loc="upper left", fontsize=8)
    ax.set_title("Dated events (closures remove elements in Corridor.as_of; disruptions are listed)")
    return ax


def explore(corridor: Corridor, *, tiles: str | None = None, **kwargs: Any) -> folium.Map:
    """Interactive map for the notebook: hover a segment, place or transfer for its figures and sources.

    The map is self-contained: Leaflet (shipped with `corridor`) is inlined and the Natural Earth basemap is
    drawn as vector layers, so the saved HTML (``explore(c).save("map.html")``), the notebook and the HTML
    report all draw without network access. Only `tiles`, when given, comes from the network.

    Parameters
    ----------
    corridor : Corridor
    tiles : str, optional
        Web tiles for users who are online (a folium/xyzservices name such as ``"CartoDB positron"``, or a URL
        template). By default no tile server is used: the offline Natural Earth countries and lakes are drawn.
    **kwargs
        Passed to :meth:`geopandas.GeoDataFrame.explore` for the segments.

    Returns
    -------
    folium.Map
        Layers ``countries`` and ``lakes`` (without `tiles`), ``segments`` and ``places``.

    Examples
    --------
    >>> import corridor
    >>> from corridor.plot import explore
    >>> page = explore(corridor.load_instc()).get_root().render()
    >>> "<script src=" in page, "Leaflet 1.9.4" in page
    (False, True)
    """
    folium, fmap = _base_map(corridor, tiles)
    segments = _printable(corridor.segments)
    segments["color"] = segments["mode"].map(MODE_COLORS)
    tooltip = [c for c in (
        "mode", "gauge_mm", "status", "length_km", "length_source", "speed_kmh", "speed_source", "speed_confidence",
        "cost_usd_per_tkm", "cost_source", "capacity_mtpa", "capacity_source", "available_from", "geometry_source",
    ) if c in segments]  # fmt: skip
    dashes = {"under_construction": "8 4", "planned": "2 5", "missing_link": "2 6"}
    segments.explore(m=fmap, color=segments["color"].tolist(), tooltip=["segment_id", *tooltip], name="segments",
                     style_kwds={"style_function": lambda f: {
                         "weight": 5 if f["properties"]["status"] == "missing_link" else 3,
                         "dashArray": dashes.get(f["properties"]["status"])}},
                     **kwargs)  # fmt: skip
    places = _printable(corridor.places)
    at_place = corridor.transfers.groupby("place_id")
    places["transfers"] = at_place.apply(
        lambda t: "; ".join(f"{k}: {h:g} h ({s}; {c})" for k, h, s, c in
                            zip(t.index, t["time_h_mode"], t["time_source"], t["time_confidence"], strict=True))
    ).reindex(places["place_id"]).fillna("").to_numpy()  # fmt: skip
    places.explore(m=fmap, color="#222222", marker_kwds={"radius": 4},
                   tooltip=["place_id", "name", "kind", "country", "locode", "source", "confidence", "transfers"],
                   name="places")  # fmt: skip
    folium.LayerControl().add_to(fmap)
    return fmap


def explore_flows(
    corridor: Corridor,
    loads: pd.DataFrame,
    *,
    baseline: pd.DataFrame | None = None,
    column: str = "tonnes_per_year",
    tiles: str | None = None,
    max_weight_px: float = 12.0,
) -> folium.Map:
    """Interactive flow map: hover a segment or crossing for its load, capacity and utilisation.

    Like :func:`plot_flows` (line weight by load, colour by utilisation, grey where capacity is unknown, border
    crossings as circles by load); given `baseline`, the change from it instead, red for more and blue for less,
    like :func:`plot_flow_difference`. Self-contained and offline like :func:`explore`.

    Examples
    --------
    >>> import pandas as pd, corridor
    >>> from corridor.plot import explore_flows
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> index = pd.MultiIndex.from_tuples([("segment", "a_b_rail"), ("transfer", "b_border")],
    ...                                   names=["element_type", "element_id"])
    >>> loads = pd.DataFrame({"tonnes_per_year": [2e6, 2e6], "utilisation": [0.5, 1.1]}, index=index)
    >>> "flows" in explore_flows(toy, loads).get_root().render()
    True
    """
    if max_weight_px <= 0 or not np.isfinite(max_weight_px):
        raise ValueError(f"`max_weight_px` was {max_weight_px!r}; expected a positive number of pixels.")
    frame = _checked_loads(corridor, loads, column, "loads")
    if baseline is None:
        value = frame[column]
        shade = frame["utilisation"] if "utilisation" in frame else pd.Series(np.nan, index=frame.index)
        cmap, norm = _utilisation_scale()
        label = column
    else:
        before = _checked_loads(corridor, baseline, column, "baseline")[column]
        value = shade = _load_change(before, frame[column])
        cmap, norm = _change_scale(value)
        label = f"change_in_{column}"
    top = float(value.abs().max()) or 1.0
    colour = [("#8c8c8c" if np.isnan(v) else matplotlib.colors.to_hex(cmap(norm(v)))) for v in shade]
    table = pd.DataFrame({label: value, "weight": max_weight_px * value.abs() / top, "color": colour},
                         index=value.index)  # fmt: skip
    if "utilisation" in frame and baseline is None:
        table["utilisation"] = frame["utilisation"].round(3)
    table = table[table[label].ne(0.0)]
    folium, fmap = _base_map(corridor, tiles)
    kind = table.index.get_level_values(0)
    lines = _printable(corridor.segments.loc[table.index.get_level_values(1)[kind == "segment"]])
    lines = lines.join(table.xs("segment"), on="segment_id")
    lines["weight"] = lines["weight"].clip(lower=1.0)
    fields = ["segment_id", "mode", label, *(["utilisation"] if "utilisation" in lines else []), "capacity_mtpa"]
    if len(lines):
        lines.explore(m=fmap, color=lines["color"].tolist(), tooltip=[f for f in fields if f in lines], name="flows",
                      style_kwds={"style_function": lambda f: {"weight": f["properties"]["weight"]}})  # fmt: skip
    crossings = table[kind == "transfer"].droplevel(0)
    crossings = crossings[corridor.transfers.loc[crossings.index, "kind"].eq("border_crossing").to_numpy()]
    if len(crossings):
        at = corridor.transfers.loc[crossings.index, "place_id"].to_numpy()
        by_place = crossings.groupby(at).agg({label: "sum", "weight": "sum", "color": "first"})
        points = _printable(corridor.places.loc[by_place.index]).join(by_place, on="place_id")
        points.explore(m=fmap, color=points["color"].tolist(), tooltip=["place_id", "name", label],
                       marker_type="circle_marker", name="crossings",
                       style_kwds={"style_function": lambda f: {"radius": 2 + f["properties"]["weight"]}})  # fmt: skip
    folium.LayerControl().add_to(fmap)
    return fmap


def _base_map(corridor: Corridor, tiles: str | None) -> tuple[Any, folium.Map]:
    """The folium module and an offline map framed on `corridor` (Natural Earth unless `tiles` is given)."""
    try:
        import folium
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("interactive maps need folium: pip install 'corridor[interactive]'") from None
    from corridor._webmap import self_contained

    west, south, east, north = corridor.segments.total_bounds
    fmap = self_contained(folium.Map(location=((south + north) / 2, (west + east) / 2), tiles=tiles,
                                     control_scale=True, zoom_snap=0.25))  # fmt: skip
    fmap.fit_bounds([[south, west], [north, east]])
    if tiles is None:
        sea = f"<style>.folium-map.leaflet-container {{background: {_WATER};}}</style>"
        fmap.get_root().header.add_child(folium.Element(sea))
        clip = shapely.box(west - 3, south - 3, east + 3, north + 3)
        countries = datasets.basemap("countries").clip(clip)
        countries.explore(m=fmap, color=_LAND, style_kwds={"color": _BORDER, "weight": 0.6, "fillOpacity": 1.0},
                          tooltip="name", name="countries", highlight=False)  # fmt: skip
        lakes = datasets.basemap("lakes").clip(clip)
        if len(lakes):
            lakes.explore(m=fmap, color=_WATER, style_kwds={"stroke": False, "fillOpacity": 1.0}, tooltip=False,
                          name="lakes", highlight=False)  # fmt: skip
    return folium, fmap


def _printable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reset the index and turn dates and numbers into text folium can serialise."""
    frame = frame.reset_index()
    for column in frame.columns.drop("geometry"):
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d").fillna("")
        elif pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].round(3)
    return frame


def plot_observed(
    comparison: pd.DataFrame,
    *,
    ax: Axes | None = None,
    labels: bool = False,
    figsize: tuple[float, float] = (7.0, 7.0),
) -> Axes:
    """Observed against modelled door-to-door days: one point per observation, coloured by route.

    Points below the 1:1 line are observations the model makes faster than they were. Trips, timetables
    and quotes are filled; published estimates (``kind == "study_estimate"``) are hollow. A published range
    of days is drawn as a horizontal bar. Observations the model could not route are left out and counted
    in the title.

    Parameters
    ----------
    comparison : DataFrame
        From :func:`corridor.observed.compare_observed`: ``route``, ``kind``, ``observed_days`` (with ``_min`` and
        ``_max``) and ``modelled_days``, indexed by ``observation_id``.
    ax : Axes, optional
    labels : bool
        Write each point's observation id beside it.
    figsize : tuple of float
        Size of a new figure (inches), when `ax` is not given.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import corridor
    >>> from corridor.observed import compare_observed
    >>> ax = plot_observed(compare_observed(corridor.load_instc()))
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('observed (days)', 'modelled (days)')
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    routed = comparison.dropna(subset=["observed_days", "modelled_days"])
    order = [r for r in comparison.attrs.get("routes", []) if r in set(routed["route"])]
    order += [r for r in pd.unique(routed["route"]) if r not in order]
    handles: list[Line2D] = []
    for number, route in enumerate(order):
        color = ROUTE_COLORS[number % len(ROUTE_COLORS)]
        rows = routed[routed["route"].eq(route)]
        low = (rows["observed_days"] - rows["observed_days_min"]).fillna(0.0)
        high = (rows["observed_days_max"] - rows["observed_days"]).fillna(0.0)
        ax.errorbar(rows["observed_days"], rows["modelled_days"], xerr=[low, high], fmt="none", ecolor=color,
                    elinewidth=1.2, alpha=0.7)  # fmt: skip
        estimate = rows["kind"].eq("study_estimate")
        for part, face, what in ((rows[~estimate], color, "trips"), (rows[estimate], "white", "estimates")):
            ax.scatter(part["observed_days"], part["modelled_days"], s=50, facecolor=face, edgecolor=color,
                       linewidth=1.6, zorder=3, label=f"{route} ({what})")  # fmt: skip
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=color,
                              markeredgecolor=color, label=route))  # fmt: skip
        if labels:
            for observation_id, row in rows.iterrows():
                ax.annotate(str(observation_id), (row["observed_days"], row["modelled_days"]), xytext=(4, 3),
                            textcoords="offset points", fontsize=7, color=color)  # fmt: skip
    top = float(np.nanmax([routed["observed_days_max"].max(), routed["observed_days"].max(),
                           routed["modelled_days"].max(), 1.0])) * 1.08  # fmt: skip
    (one_to_one,) = ax.plot([0.0, top], [0.0, top], color="#555555", linestyle="--", linewidth=1.0,
                            label="model = observed")  # fmt: skip
    hollow = Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor="white",
                    markeredgecolor="#555555", label="published estimate")  # fmt: skip
    ax.set_xlim(0.0, top)
    ax.set_ylim(0.0, top)
    ax.set_aspect("equal")
    ax.set_xlabel("observed (days)")
    ax.set_ylabel("modelled (days)")
    ax.grid(alpha=0.3)
    ax.legend(handles=[*handles, hollow, one_to_one], fontsize=8, loc="upper left", title="route (filled: trips)")
    left_out = len(comparison) - len(routed)
    ax.set_title(f"Documented shipments against the model ({len(routed)} shown, {left_out} not routed)")
    return ax


# --- uncertainty: distributions of route totals and one-at-a-time sensitivity ------------------------------------

_METRIC_LABELS = {
    "time_h": "transit time (days)",
    "cost_usd": "money cost (US$ per cargo unit)",
    "co2e_kg": "CO2e (kg per cargo unit)",
    "generalised_cost_usd": "generalised cost (US$ per cargo unit)",
}


def plot_route_distributions(
    result: MonteCarlo,
    origin: str,
    destination: str,
    *,
    metric: str = "time_h",
    kind: str = "violin",
    max_routes: int = 6,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (8.0, 4.5),
) -> Axes:
    """Distribution of a total over the Monte Carlo draws, one violin (or CDF) per route of a pair.

    Parameters
    ----------
    result : MonteCarlo
        From :func:`corridor.uncertainty.monte_carlo`.
    origin, destination : str
    metric : {"time_h", "cost_usd", "co2e_kg", "generalised_cost_usd"}
        Time is drawn in days.
    kind : {"violin", "cdf"}
        Violins with the P50 and P90 marked, or cumulative distribution curves with the 0.5 and 0.9 levels.
    max_routes : int
        The routes most often best, at most this many.
    ax : Axes, optional
    figsize : tuple of float

    Returns
    -------
    Axes

    Examples
    --------
    >>> import corridor
    >>> from corridor.uncertainty import monte_carlo
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> mc = monte_carlo(toy, [("a", "d")], n=500, seed=1, progress=False)
    >>> ax = plot_route_distributions(mc, "a", "d", kind="cdf")
    >>> ax.get_xlabel()
    'transit time (days)'
    """
    problems = []
    if metric not in _METRIC_LABELS:
        problems.append(f"`metric` was {metric!r}; expected one of {list(_METRIC_LABELS)}.")
    if kind not in ("violin", "cdf"):
        problems.append(f"`kind` was {kind!r}; expected 'violin' or 'cdf'.")
    pairs = result.routes.index.droplevel("route").unique()
    if (origin, destination) not in pairs:
        problems.append(f"({origin!r}, {destination!r}) is not a pair of this run; expected one of {list(pairs)}.")
    if problems:
        raise ValueError(" ".join(problems))
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    draws, p_best = result.route_draws, result.probability_best()
    draws = draws[(draws.index.get_level_values(0) == origin) & (draws.index.get_level_values(1) == destination)]
    p_best = p_best.loc[
        (p_best.index.get_level_values(0) == origin) & (p_best.index.get_level_values(1) == destination)
    ]
    p_best = p_best.droplevel([0, 1])
    routes = list(p_best.index[:max_routes])
    scale = 1 / 24 if metric == "time_h" else 1.0
    values = [draws.loc[draws["route"].eq(r), metric].to_numpy(dtype=float) * scale for r in routes]
    labels = [f"{r}\n(best {p_best[r]:.0%})" for r in routes]
    if kind == "violin":
        sideways = (
            {"orientation": "horizontal"}
            if "orientation" in inspect.signature(ax.violinplot).parameters
            else {"vert": False}
        )  # matplotlib 3.10 renamed the argument
        parts = ax.violinplot(values, showextrema=False, quantiles=[[0.5, 0.9]] * len(values), **sideways)
        for number, body in enumerate(parts["bodies"]):
            body.set_facecolor(ROUTE_COLORS[number % len(ROUTE_COLORS)])
            body.set_alpha(0.6)
        ax.set_yticks(range(1, len(routes) + 1), labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(_METRIC_LABELS[metric])
        ax.set_title(f"{origin} -> {destination}: {len(values[0]):,} draws (lines: P50, P90)", fontsize=10)
    else:
        for number, (route, v) in enumerate(zip(labels, values, strict=True)):
            x = np.sort(v)
            ax.step(x, np.arange(1, len(x) + 1) / len(x), where="post", label=route.replace("\n", " "),
                    color=ROUTE_COLORS[number % len(ROUTE_COLORS)])  # fmt: skip
        for level in (0.5, 0.9):
            ax.axhline(level, color="#999999", linewidth=0.8, linestyle=":")
        ax.set_ylim(0, 1)
        ax.set_ylabel("share of draws at or below")
        ax.set_xlabel(_METRIC_LABELS[metric])
        ax.legend(fontsize=8, loc="lower right")
        ax.set_title(f"{origin} -> {destination}: cumulative distribution over {len(values[0]):,} draws", fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    return ax


def plot_tornado(
    table: pd.DataFrame,
    *,
    top: int = 15,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (8.0, 5.5),
) -> Axes:
    """Tornado chart of :func:`corridor.uncertainty.tornado`: one bar per figure from its low to its high end.

    Bars are centred on the base (every figure at its mode); the widest swing is on top. The part of a bar
    reached with the figure at its low end is blue, at its high end red.

    Examples
    --------
    >>> import corridor
    >>> from corridor.uncertainty import tornado
    >>> toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    >>> ax = plot_tornado(tornado(toy, "a", "d", by="time_h"), top=5)
    >>> len(ax.patches)
    10
    """
    by = table.attrs.get("by")
    if by is None or f"{by}_at_low" not in table.columns:
        raise ValueError("`table` must come from `corridor.uncertainty.tornado` (it needs its `by` and columns).")
    if not isinstance(top, int) or top < 1:
        raise ValueError(f"`top` was {top!r}; expected a whole number of bars >= 1.")
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    shown = table.head(top).iloc[::-1]
    base = table.attrs["base"][by]
    scale = 1 / 24 if by == "time_h" else 1.0
    y = np.arange(len(shown))
    for end, color in (("low", "#2166ac"), ("high", "#b2182b")):
        value = shown[f"{by}_at_{end}"].to_numpy(dtype=float)
        ax.barh(y, (value - base) * scale, left=base * scale, color=color, alpha=0.8, label=f"figure at its {end} end")
    ax.axvline(base * scale, color="#333333", linewidth=1.0)
    ax.set_yticks(y, [str(i) for i in shown.index], fontsize=8)
    ax.set_xlabel(_METRIC_LABELS.get(by, by) + " of the best route")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"{table.attrs['origin']} -> {table.attrs['destination']}: one figure at a time, the rest at mode",
                 fontsize=10)  # fmt: skip
    ax.grid(alpha=0.3, axis="x")
    return ax
