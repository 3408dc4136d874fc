"""The shipped data: what it must contain, and geometric consistency checked against the basemap."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

import corridor
from corridor import datasets

# every node named in shared/domain/instc-facts.md section B2
FACTS_NODES = [
    "st_petersburg", "moscow", "volgograd", "astrakhan", "olya", "makhachkala", "derbent", "samur_crossing",
    "yalama", "sumqayit", "baku", "alat", "astara_az", "astara_ir", "rasht", "anzali", "qazvin", "tehran", "aprin",
    "nowshahr", "amirabad", "bandar_e_gaz", "gorgan", "incheh_borun", "etrek", "bereket", "zhanaozen", "aktau",
    "sarakhs", "bafq", "bandar_abbas", "shahid_rajaee", "chabahar", "jnpt", "mumbai", "mundra", "kandla",
]  # fmt: skip


def test_available_and_get_path():
    assert datasets.available() == ["countries", "instc", "lakes", "observations", "parameters", "toy", "trade"]
    assert (datasets.get_path("instc") / "segments.csv").is_file()


def test_get_path_unknown_name_suggests():
    with pytest.raises(ValueError, match=r"dataset 'instx' is not shipped \(did you mean 'instc'\?\); available: "):
        datasets.get_path("instx")


def test_basemap_layer_is_checked():
    with pytest.raises(ValueError, match=r"`layer` was 'rivers'; expected 'countries' or 'lakes'."):
        datasets.basemap("rivers")


def test_load_instc_is_valid_and_a_fresh_copy_each_time(instc):
    corridor.validate(instc)
    mine = corridor.load_instc()
    mine.segments.loc["rasht_qazvin_rail", "speed_kmh"] = 1.0
    assert (
        corridor.load_instc().segments.loc["rasht_qazvin_rail", "speed_kmh"]
        == instc.segments.loc["rasht_qazvin_rail", "speed_kmh"]
    )


def test_every_facts_node_is_a_place(instc):
    assert set(FACTS_NODES) <= set(instc.places.index)


def test_branches_and_key_links(instc):
    seg = instc.segments
    assert set(seg["branch"]) == set(instc.metadata["branches"])
    assert seg.loc["astara_ir_rasht_rail", "status"] == "missing_link"
    assert seg.loc["astara_ir_rasht_road", "status"] == "operational"
    assert {"jnpt_shahid_rajaee_sea", "jnpt_chabahar_sea", "mundra_shahid_rajaee_sea", "mundra_chabahar_sea"} <= set(
        seg.index
    )
    assert seg.loc["st_petersburg_jnpt_sea", "passages"] == "bab_el_mandeb;gibraltar;suez"
    assert seg.loc[seg["branch"].eq("trans_caspian") & seg["mode"].eq("sea")].shape[0] >= 6


def test_gauge_changes_where_the_facts_put_them(instc):
    changes = instc.transfers.query("kind == 'gauge_change'")
    assert {"astara_ir", "etrek", "sarakhs"} <= set(changes["place_id"])
    assert (changes["from_gauge_mm"] == 1520).all() and (changes["to_gauge_mm"] == 1435).all()
    rail = instc.segments.query("mode == 'rail'")
    gauge_by_country = rail.groupby("country")["gauge_mm"].agg(set)
    assert gauge_by_country["IRN"] == {1435.0}
    assert gauge_by_country["RUS"] == gauge_by_country["AZE"] == gauge_by_country["KAZ"] == {1520.0}


def test_no_segment_is_a_straight_line_between_its_ends(instc):
    long = instc.segments[instc.segments["length_km_geodesic"] > 30]
    vertices = shapely.get_num_coordinates(long.geometry.array)
    assert (vertices > 2).all(), long.index[vertices <= 2].tolist()


def test_geometry_lengths_agree_with_published(instc):
    seg = instc.segments.dropna(subset=["length_km_published"])
    ratio = seg["length_km_geodesic"] / seg["length_km_published"]
    short = seg["length_km_published"] < 20
    assert ratio[~short].between(0.8, 1.2).all(), ratio[~short].round(2).to_dict()


def test_segment_ends_sit_on_their_places(instc):
    geod = Geod(ellps="WGS84")
    seg, places = instc.segments, instc.places.geometry
    for end, column in ((0, "from_place"), (-1, "to_place")):
        points = shapely.get_point(seg.geometry.array, end)
        target = places.reindex(seg[column]).array
        metres = geod.inv(shapely.get_x(points), shapely.get_y(points), target.x, target.y)[2]
        assert np.max(metres) < 1.0  # built to start and end exactly at the place point


def test_caspian_sea_legs_stay_in_the_caspian(instc):
    countries = datasets.basemap("countries")
    caspian_ports = instc.places.index[instc.places["country"].isin(["AZE", "KAZ", "RUS", "IRN", "TKM"])]
    sea = instc.segments.query("mode == 'sea' and branch == 'trans_caspian'")
    assert sea["from_place"].isin(caspian_ports).all()
    box = shapely.box(46.0, 36.0, 55.5, 47.5)
    assert sea.geometry.within(box).all()
    black_sea = countries.query("adm0_a3 == 'GEO'")  # a Volga-Don detour would pass Georgia's latitude westward
    assert not sea.geometry.intersects(black_sea.union_all().envelope).any()


def test_sea_legs_cross_little_land(instc):
    countries = datasets.basemap("countries")
    land = countries[countries["adm0_a3"] != "EGY"].to_crs(6933).union_all()  # the Suez Canal crosses Egypt
    sea = instc.segments.query("mode == 'sea'").to_crs(6933)
    on_land_km = sea.geometry.intersection(land).length / 1000
    # Astrakhan's lane runs ~92 km up the Volga delta (data-sources 4.4); port approaches cut coastlines a little
    assert (on_land_km < 100).all(), on_land_km[on_land_km >= 100].round().to_dict()
    assert (on_land_km.drop(["astrakhan_anzali_sea", "astrakhan_amirabad_sea"]) < 30).all()


def test_places_lie_in_or_near_their_country(instc):
    countries = datasets.basemap("countries").to_crs(6933)
    shapes = countries.dissolve("adm0_a3").geometry
    places = instc.places.to_crs(6933)
    distance_km = pd.Series(
        [shapes[c].distance(p) / 1000 for c, p in zip(places["country"], places.geometry, strict=True)],
        index=places.index,
    )
    # approximate border posts may sit a little on the wrong side of the line
    assert (distance_km < 30).all(), distance_km[distance_km >= 30].round(1).to_dict()


def test_every_shipped_figure_has_source_and_confidence(instc):
    summary = corridor.confidence_summary(instc)
    assert summary[["H", "M", "L"]].to_numpy().sum() > 300
    assumptions = instc.segments["speed_source"].str.startswith("assumption")
    assert instc.segments.loc[assumptions, "speed_confidence"].eq("L").all()


def test_disruptions_are_dated_events(instc):
    events = instc.events.reset_index()
    assert {"hormuz_closure_2026", "us_blockade_iranian_ports_2026", "azerbaijan_iran_truck_border_closure_2026",
            "israel_iran_war_2025", "us_israel_campaign_2026"} == set(events["event_id"])  # fmt: skip
    assert events["start"].min() == pd.Timestamp("2025-06-13")


def test_basemap_shows_the_caspian_as_water():
    countries = datasets.basemap("countries")
    assert not countries.contains(shapely.Point(50.5, 42.0)).any()  # mid-Caspian
    assert countries.contains(shapely.Point(51.39, 35.69)).any()  # Tehran
    assert isinstance(datasets.basemap("lakes"), gpd.GeoDataFrame)
