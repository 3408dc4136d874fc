import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba

from corridor.plot import MODE_COLORS, ROUTE_COLORS, explore, plot_corridor, plot_events, plot_routes, region_crs


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def line_collections(ax):
    return [c for c in ax.collections if isinstance(c, LineCollection)]


def test_one_line_per_segment_coloured_by_mode(toy):
    ax = plot_corridor(toy, basemap=False)
    collections = line_collections(ax)
    assert sum(len(c.get_paths()) for c in collections) == len(toy.segments)
    colours = {tuple(np.round(c.get_colors()[0], 3)) for c in collections}
    expected = {tuple(np.round(to_rgba(MODE_COLORS[m]), 3)) for m in toy.segments["mode"].unique()}
    assert colours == expected


def test_status_sets_the_line_style(instc):
    ax = plot_corridor(instc.select(modes=["rail"]), basemap=False)
    styles = {c.get_linestyle()[0][1] is None for c in line_collections(ax)}
    assert styles == {True, False}  # solid operational lines and dashed/dotted others


def test_places_by_kind_and_key_labels(toy):
    ax = plot_corridor(toy, basemap=False)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sorted(c.get_label() for c in scatters) == ["border post", "city", "port"]
    assert sum(len(c.get_offsets()) for c in scatters) == len(toy.places)
    assert [t.get_text() for t in ax.texts if t.get_text() in ("Alpha", "Delta", "Bravo")] == ["Alpha", "Delta"]


def test_legend_names_modes_statuses_and_kinds(toy):
    ax = plot_corridor(toy, basemap=False)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["rail", "road", "sea", "operational", "border post", "city", "port"]


def test_draws_on_given_axes_in_a_projected_crs(instc):
    _, given = plt.subplots()
    ax = plot_corridor(instc, ax=given, bounds=(40, 22, 75, 50))
    assert ax is given
    assert ax.get_xlim()[1] - ax.get_xlim()[0] > 1e6  # metres, not degrees
    assert len(ax.patches) + len(ax.collections) > 10  # basemap drawn
    assert "OpenStreetMap" in " ".join(t.get_text() for t in ax.texts)


def test_region_crs_is_conic_and_centred():
    params = {p.name: p.value for p in region_crs((30, 10, 80, 62)).coordinate_operation.params}
    assert region_crs((30, 10, 80, 62)).coordinate_operation.method_name.startswith("Lambert Conic Conformal")
    assert params["Longitude of false origin"] == 55 and params["Latitude of false origin"] == 36


def test_event_timeline_one_bar_per_event(instc):
    ax = plot_events(instc)
    assert len(ax.patches) == instc.events.index.get_level_values("event_id").nunique()


def test_interactive_map_carries_figures_and_sources(instc):
    html = explore(instc).get_root().render()
    assert "astara_ir_rasht_rail" in html
    assert "speed_source" in html and "CAREC CPMM 2022" in html
    assert "tile.openstreetmap" not in html  # offline basemap by default


def test_time_cost_distance_chart_draws_every_leg(toy):
    from corridor.plot import plot_time_cost_distance
    from corridor.routing import best_route

    route = best_route(toy, "a", "d", by="time_h", name="overland")
    time_ax, cost_ax = plot_time_cost_distance({"overland": route})
    legs = len(route.legs)
    transfers = int(route.legs["element_type"].eq("transfer").sum())
    assert len(time_ax.lines) == legs + transfers  # a line per leg, a tick per transfer
    [road] = [line for line in time_ax.lines if line.get_linestyle() == "--"]
    assert road.get_xydata().tolist() == [[100.0, 8 / 24], [300.0, 0.5]]  # from 8 h at 100 km to 12 h at 300 km
    assert [t.get_text() for t in time_ax.get_legend().get_texts()] == ["overland", "rail", "road"]
    assert cost_ax.get_ylabel() == "cumulative cost (US$ per unit)"


def test_route_map_without_the_corridor(toy):
    from corridor.routing import best_route

    ax = best_route(toy, "a", "d", by="time_h", name="overland").plot()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["overland"]


REMOTE = r"""(?:<script[^>]*\bsrc|<link[^>]*\bhref|@import|url\()\s*=?\s*["']?\s*(?:https?:)?//"""


def test_saved_map_references_nothing_on_the_network(instc, tmp_path):
    import re

    path = tmp_path / "instc.html"
    explore(instc).save(str(path))
    page = path.read_text(encoding="utf-8")
    assert not re.search(REMOTE, page, flags=re.IGNORECASE)
    assert "{s}.tile" not in page and "tile.openstreetmap" not in page  # no tile server
    assert "Leaflet 1.9.4" in page and "L.Icon.Default.mergeOptions" in page  # Leaflet inlined
    assert "Make this Notebook Trusted" not in explore(instc)._repr_html_()
    assert 'iframe class="corridor-map" srcdoc=' in explore(instc)._repr_html_()


def test_tiles_only_when_asked_for(toy):
    page = explore(toy, tiles="OpenStreetMap").get_root().render()
    assert "tile.openstreetmap.org" in page
    assert '"countries"' not in page  # the tiles are the basemap; no opaque Natural Earth layer over them


def test_a_plugin_from_a_cdn_is_named_in_a_warning(toy):
    from folium.plugins import Fullscreen

    fmap = explore(toy)
    Fullscreen().add_to(fmap)
    with pytest.warns(
        UserWarning,
        match=r"links 'Control.Fullscreen.js' from https://\S+, 'Control.FullScreen.css' .*needs the network",
    ):
        fmap.get_root().render()


def text_boxes(ax):
    """Renderer bounding boxes of the place labels (text only, without leader lines)."""
    from matplotlib.text import Text

    from corridor.plot import ATTRIBUTION

    renderer = ax.figure.canvas.get_renderer()
    ax.figure.canvas.draw()
    labels = [t for t in ax.texts if t.get_text() != ATTRIBUTION]
    for label in labels:
        label.update_positions(renderer)
    return {t.get_text(): Text.get_window_extent(t, renderer) for t in labels}, renderer


def shared_area(a, b):
    return max(min(a.x1, b.x1) - max(a.x0, b.x0), 0) * max(min(a.y1, b.y1) - max(a.y0, b.y0), 0)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"bounds": (40, 22, 75, 50), "figsize": (10, 10)}, {"Rasht", "Bandar-e Anzali", "Amirabad", "Gorgan"}),
        ({"labels": ["st_petersburg", "moscow", "astrakhan", "baku", "tehran", "jnpt"], "figsize": (11, 8)}, {"Baku"}),
        ({"bounds": (46, 35, 56, 40), "figsize": (9, 6)}, {"Rasht", "Bandar-e Anzali", "Amirabad", "Gorgan"}),
    ],
    ids=["caspian", "suez", "zoomed"],
)
def test_place_labels_overlap_nothing(instc, options, expected):
    ax = plot_corridor(instc, **options)
    boxes, renderer = text_boxes(ax)
    assert expected <= set(boxes)
    names = sorted(boxes)
    clashes = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if shared_area(boxes[a], boxes[b]) > 0]
    assert clashes == []
    legend = ax.get_legend().get_window_extent(renderer)
    assert [n for n, box in boxes.items() if shared_area(box, legend) > 0] == []
    frame = ax.get_window_extent(renderer)
    assert [n for n, box in boxes.items() if shared_area(box, frame) < box.width * box.height] == []


def test_links_not_in_service_are_drawn_above_other_modes(instc):
    from corridor.plot import STATUS_STYLES

    ax = plot_corridor(instc, bounds=(40, 22, 75, 50))
    width = {c: c.get_linewidth()[0] for c in line_collections(ax)}
    missing = [c for c in width if width[c] == STATUS_STYLES["missing_link"]["linewidth"]]
    operational = [c for c in width if c.get_linestyle()[0][1] is None]
    assert missing and operational
    assert min(c.get_zorder() for c in missing) > max(c.get_zorder() for c in operational)
    assert missing[0].get_path_effects()  # a white casing keeps the dots visible over other lines


def test_parallel_links_are_drawn_side_by_side(instc):
    from corridor.plot import LINE_SPACING_PT

    ax = plot_corridor(instc.select(countries=["IRN"]), bounds=(46, 35, 52, 40), basemap=False, figsize=(6, 5))
    ax.figure.canvas.draw()
    width = {c: c.get_linewidth()[0] for c in line_collections(ax)}
    [missing] = [c for c in width if width[c] == 3.2]  # the Astara-Rasht railway
    road = next(c for c in line_collections(ax) if np.allclose(c.get_colors()[0], to_rgba(MODE_COLORS["road"])))
    rail_line = ax.transData.transform(missing.get_paths()[0].vertices)
    road_lines = [ax.transData.transform(p.vertices) for p in road.get_paths()]
    gap = min(np.abs(np.linalg.norm(rail_line[len(rail_line) // 2] - r, axis=1)).min() for r in road_lines)
    points = ax.figure.dpi / 72
    assert 0.7 * LINE_SPACING_PT * points < gap < 1.5 * LINE_SPACING_PT * points  # beside the road, not under it


def test_side_by_side_offsets_each_line_of_a_shared_track():
    import geopandas as gpd
    import shapely

    from corridor.plot import _side_by_side

    line = shapely.LineString([(0, 0), (100, 0)])
    lines = gpd.GeoDataFrame(
        {"from_place": ["a", "b", "a"], "to_place": ["b", "a", "c"]},
        geometry=[line, shapely.reverse(line), shapely.LineString([(0, 0), (0, 50)])],
    )
    moved = _side_by_side(lines, 4.0)
    assert sorted(g.coords[0][1] for g in moved.iloc[:2]) == [-2.0, 2.0]  # one each side of the shared track
    assert moved.iloc[2].equals(lines.geometry.iloc[2])  # a lone line stays where it is


def test_routes_sharing_a_segment_are_drawn_side_by_side(instc):
    from corridor.plot import ROUTE_SPACING_PT
    from corridor.routing import named_routes

    routes = named_routes(instc, "jnpt", "moscow")
    ax = plot_routes(routes, corridor=instc, bounds=(28, 14, 76, 61))
    drawn = {}
    for name, colour in zip(["western", "eastern"], [ROUTE_COLORS[0], ROUTE_COLORS[2]], strict=True):
        [collection] = [c for c in line_collections(ax) if np.allclose(c.get_colors()[0][:3], to_rgba(colour)[:3])]
        ids = routes[name].legs.query("element_type == 'segment'")["element_id"]
        drawn[name] = dict(zip(ids, collection.get_paths(), strict=True))  # one path per segment, in route order
    shared = sorted(set(drawn["western"]) & set(drawn["eastern"]))
    assert {"moscow_volgograd_rail", "volgograd_astrakhan_rail"} <= set(shared)
    to_points = ax.figure.dpi / 72
    for segment_id in shared:
        west, east = (ax.transData.transform(drawn[n][segment_id].vertices) for n in ("western", "eastern"))
        gap = np.linalg.norm(east - west[len(west) // 2], axis=1).min()
        assert gap > 0.7 * ROUTE_SPACING_PT * to_points, segment_id  # side by side, not on top of each other


def _loads(rows):
    import pandas as pd

    index = pd.MultiIndex.from_tuples([r[:2] for r in rows], names=["element_type", "element_id"])
    return pd.DataFrame({"tonnes_per_year": [r[2] for r in rows], "utilisation": [r[3] for r in rows]}, index=index)


def test_flow_map_width_by_load_and_colour_by_utilisation(toy):
    from corridor.plot import plot_flows

    loads = _loads([("segment", "a_b_rail", 2e6, 0.5), ("segment", "b_d_road", 1e6, np.nan),
                    ("segment", "b_c_rail", 0.0, 0.0), ("transfer", "b_border", 2e6, 1.1)])  # fmt: skip
    ax = plot_flows(toy, loads, max_width_pt=8.0)
    [flows] = [c for c in line_collections(ax) if c.get_zorder() == 5]
    assert sorted(flows.get_linewidths()) == [4.0, 8.0]  # the unloaded segment is not drawn
    grey = [tuple(c) for c in flows.get_colors() if np.allclose(c[:3], 0.55)]
    assert len(grey) == 1  # capacity unknown: grey, not 'empty'
    [circle] = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_zorder() == 6]
    assert circle.get_sizes().tolist() == [(3 * 8.0) ** 2]  # the crossing carries the top load


def test_flow_difference_is_red_for_more_and_blue_for_less(toy):
    from corridor.plot import plot_flow_difference

    base = _loads([("segment", "a_b_rail", 2e6, 0.5), ("segment", "b_d_road", 1e6, 0.1)])
    more = base.assign(tonnes_per_year=[1e6, 3e6])
    ax = plot_flow_difference(toy, base, more)
    [flows] = [c for c in line_collections(ax) if c.get_zorder() == 5]
    colours = dict(zip(flows.get_linewidths(), flows.get_colors(), strict=True))
    assert colours[9.0][0] > colours[9.0][2]  # +2 Mt on the road: red, the widest
    assert colours[4.5][2] > colours[4.5][0]  # -1 Mt on the rail: blue, half as wide


def test_flow_map_names_bad_loads(toy):
    from corridor.plot import plot_flows

    loads = _loads([("segment", "a_b_rial", 1.0, 0.1), ("segment", "b_d_road", -5.0, 0.1)])
    with pytest.raises(ValueError, match=r"a_b_rial.*|finite and not negative") as error:
        plot_flows(toy, loads)
    assert "finite and not negative" in str(error.value) and "a_b_rial" in str(error.value)
    with pytest.raises(ValueError, match="has no column 'teu'"):
        plot_flows(toy, loads, column="teu")


def test_interactive_flow_map_weights_lines_and_crossings_by_load(toy):

    from corridor.plot import explore_flows

    loads = _loads([("segment", "a_b_rail", 2e6, 0.5), ("segment", "b_d_road", 1e6, np.nan),
                    ("transfer", "b_border", 2e6, 1.1)])  # fmt: skip
    fmap = explore_flows(toy, loads, max_weight_px=10.0)
    layers = {c.layer_name: c for c in fmap._children.values() if hasattr(c, "data") and hasattr(c, "layer_name")}
    flows = {f["properties"]["segment_id"]: f["properties"] for f in layers["flows"].data["features"]}
    assert {k: v["weight"] for k, v in flows.items()} == {"a_b_rail": 10.0, "b_d_road": 5.0}
    assert flows["b_d_road"]["color"] == "#8c8c8c"  # capacity unknown
    [crossing] = layers["crossings"].data["features"]
    assert crossing["properties"]["place_id"] == "b" and crossing["properties"]["tonnes_per_year"] == 2e6
    change = explore_flows(toy, loads.assign(tonnes_per_year=[1e6, 3e6, 2e6]), baseline=loads)
    layers = {c.layer_name: c for c in change._children.values() if hasattr(c, "layer_name") and hasattr(c, "data")}
    moved = {f["properties"]["segment_id"]: f["properties"] for f in layers["flows"].data["features"]}
    assert {k: v["change_in_tonnes_per_year"] for k, v in moved.items()} == {"a_b_rail": -1e6, "b_d_road": 2e6}
    assert "crossings" not in layers  # no change at the crossing
    assert "Leaflet 1.9.4" in change.get_root().render()  # self-contained


# --- uncertainty ------------------------------------------------------------------------------------------------


@pytest.fixture
def toy_monte_carlo(toy):
    from corridor.uncertainty import monte_carlo

    return monte_carlo(toy, [("a", "d")], n=400, seed=2, progress=False)


def test_route_distributions_draw_one_violin_per_route_in_days(toy_monte_carlo):
    from matplotlib.collections import PolyCollection

    from corridor.plot import plot_route_distributions

    ax = plot_route_distributions(toy_monte_carlo, "a", "d")
    violins = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(violins) == len(toy_monte_carlo.routes)
    days = toy_monte_carlo.draws["time_h"] / 24
    [path] = violins[0].get_paths()
    assert path.vertices[:, 0].min() == pytest.approx(days.min(), rel=1e-5)
    assert path.vertices[:, 0].max() == pytest.approx(days.max(), rel=1e-5)


def test_route_cdf_ends_at_one_and_names_bad_arguments(toy_monte_carlo):
    from corridor.plot import plot_route_distributions

    ax = plot_route_distributions(toy_monte_carlo, "a", "d", kind="cdf", metric="cost_usd")
    [line] = [ln for ln in ax.get_lines() if ln.get_label().startswith("overland")]
    assert line.get_ydata()[-1] == 1.0
    assert np.diff(line.get_xdata()).min() >= 0
    with pytest.raises(ValueError, match=r"`kind` was 'box'.*`metric` was|`metric` was 'speed'.*`kind` was 'box'"):
        plot_route_distributions(toy_monte_carlo, "a", "d", kind="box", metric="speed")
    with pytest.raises(ValueError, match=r"\('d', 'a'\) is not a pair of this run"):
        plot_route_distributions(toy_monte_carlo, "d", "a")


def test_tornado_bars_span_low_to_high_widest_on_top(toy):
    from corridor.plot import plot_tornado
    from corridor.uncertainty import tornado

    table = tornado(toy, "a", "d", by="time_h")
    ax = plot_tornado(table, top=3)
    low, high = ax.patches[:3], ax.patches[3:]
    base_days = table.attrs["base"]["time_h"] / 24
    top_low, top_high = low[-1], high[-1]  # the widest swing is drawn last, on top
    ends = sorted([top_low.get_x() + top_low.get_width(), top_high.get_x() + top_high.get_width()])
    expected = sorted(table[["time_h_at_low", "time_h_at_high"]].iloc[0] / 24)
    assert ends == pytest.approx(expected)
    assert top_low.get_x() == pytest.approx(base_days)
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == table.index[0]
    with pytest.raises(ValueError, match="must come from `corridor.uncertainty.tornado`"):
        plot_tornado(table.drop(columns="time_h_at_low"))
