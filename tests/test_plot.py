import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba

from corridor.plot import MODE_COLORS, explore, plot_corridor, plot_events, region_crs


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
