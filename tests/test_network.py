import datetime as dt
import io
import shutil
import signal
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corridor
from corridor.errors import CorridorReadError, CorridorValidationError


def test_tables_are_indexed_by_id_and_typed(toy):
    assert toy.places.index.name == "place_id"
    assert toy.segments.index.name == "segment_id"
    assert toy.transfers.index.name == "transfer_id"
    assert toy.events.index.names == ["event_id", "target"]
    assert toy.places.crs == "EPSG:4326" and toy.segments.crs == "EPSG:4326"
    assert toy.segments["speed_kmh"].dtype == float
    assert toy.transfers["directed"].dtype == bool
    assert pd.api.types.is_datetime64_any_dtype(toy.events["start"])


def test_lengths_use_published_and_keep_geodesic(toy):
    # 0.9 degrees of longitude on the equator is 100.19 km on WGS84
    assert toy.segments.loc["a_b_rail", "length_km_geodesic"] == pytest.approx(100.19, abs=0.01)
    assert toy.segments.loc["a_b_rail", "length_km"] == 100.0


def test_length_falls_back_to_geodesic(edit):
    def drop_published(frame):
        frame.loc[frame["segment_id"] == "b_c_rail", ["length_km_published", "length_source", "length_confidence"]] = ""
        return frame

    toy = corridor.read_corridor(edit("segments", drop_published))
    assert toy.segments.loc["b_c_rail", "length_km"] == pytest.approx(100.19, abs=0.01)


def test_blank_transfer_country_is_the_place_country(toy):
    assert toy.transfers.loc["c_port", "from_country"] == "SWE"  # rail side, blank in the file
    assert pd.isna(toy.transfers.loc["c_port", "to_country"])  # sea side has no country


def test_select_by_mode_keeps_touched_places_and_their_transfers(toy):
    rail = toy.select(modes=["rail"])
    assert rail.segments.index.tolist() == ["a_b_rail", "b_c_rail"]
    assert rail.places.index.tolist() == ["a", "b", "c"]
    assert "d_port" not in rail.transfers.index


def test_select_by_country_and_status(toy):
    assert toy.select(countries=["SWE"]).segments.index.tolist() == ["b_c_rail", "b_d_road", "c_d_sea"]
    assert toy.select(statuses=["planned"]).segments.empty


def test_select_refuses_unknown_values_with_choices(toy):
    with pytest.raises(ValueError, match=r"`mode` has \['rial'\] \(did you mean 'rail'\?\); expected values from"):
        toy.select(modes=["rial"])


def test_as_of_honours_closures_with_exclusive_end(toy):
    assert "c_port" not in toy.as_of("2026-01-01").transfers.index
    assert "c_port" not in toy.as_of("2026-01-09").transfers.index
    assert "c_port" in toy.as_of("2026-01-10").transfers.index
    assert toy.as_of("2026-01-05").metadata["as_of"] == "2026-01-05"


def test_as_of_honours_availability_dates(edit):
    def dates(frame):
        frame.loc[frame["segment_id"] == "b_d_road", "available_from"] = "2020-06-01"
        frame.loc[frame["segment_id"] == "c_d_sea", "status"] = "planned"
        return frame

    toy = corridor.read_corridor(edit("segments", dates))
    assert "b_d_road" not in toy.as_of("2020-05-31").segments.index
    assert "b_d_road" in toy.as_of("2020-06-01").segments.index
    assert "c_d_sea" not in toy.as_of("2030-01-01").segments.index  # planned and undated: never in service


def test_as_of_rejects_a_non_date(toy):
    with pytest.raises(ValueError, match=r"`date` was 'soon'; expected a date such as '2026-03-01'."):
        toy.as_of("soon")


def test_closed_passage_and_country_targets(instc):
    during = instc.as_of("2026-04-20")
    assert not during.segments["passages"].fillna("").str.contains("hormuz").any()
    assert "chabahar_port_road" not in during.transfers.index
    assert "jnpt_chabahar_sea" in during.segments.index  # Chabahar lies outside Hormuz


def test_events_on(instc):
    on = instc.events_on("2025-06-20").index.get_level_values("event_id").unique().tolist()
    assert on == ["israel_iran_war_2025"]
    assert instc.events_on("2025-01-01").empty


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31)))
def test_as_of_only_keeps_elements_in_service(instc, day):
    now = instc.as_of(day)
    stamp = pd.Timestamp(day)
    seg = now.segments
    assert seg.index.isin(instc.segments.index).all()
    dated = seg["available_from"].notna()
    assert (seg.loc[dated, "available_from"] <= stamp).all()
    assert seg.loc[~dated, "status"].eq("operational").all()
    closed = now.events_on(stamp).query("effect == 'closed'").index.get_level_values("target")
    assert not seg.index.isin(closed).any() and not now.transfers.index.isin(closed).any()


@pytest.mark.parametrize("name", ["toy.gpkg", "toy_folder"])
def test_round_trip_to_file(toy, tmp_path, name):
    path = toy.to_file(tmp_path / name)
    back = corridor.read_corridor(path)
    assert_geodataframe_equal(back.places, toy.places, check_dtype=False, check_less_precise=True)
    assert_geodataframe_equal(back.segments, toy.segments, check_dtype=False, check_less_precise=True)
    pd.testing.assert_frame_equal(back.transfers, toy.transfers, check_dtype=False)
    pd.testing.assert_frame_equal(back.events, toy.events, check_dtype=False)
    pd.testing.assert_frame_equal(back.routes, toy.routes, check_dtype=False)
    assert back.metadata == toy.metadata


def test_to_file_refuses_other_suffixes(toy, tmp_path):
    with pytest.raises(ValueError, match=r"expected a folder \(no suffix\) or a '.gpkg' file"):
        toy.to_file(tmp_path / "toy.shp")


def test_length_summary_checks_by(toy):
    with pytest.raises(ValueError, match=r"`by` was 'brnch'; expected a segments column \(did you mean 'branch'\?\)"):
        corridor.length_summary(toy, by="brnch")


def test_length_summary_totals_match_segments(instc):
    summary = corridor.length_summary(instc, by="mode")
    assert summary["total_km"].sum() == pytest.approx(instc.segments["length_km"].sum())
    assert summary["segments"].sum() == len(instc.segments)


def test_confidence_summary_counts_every_figure(toy):
    summary = corridor.confidence_summary(toy)
    assert summary.loc[("segments", "speed_kmh"), "H"] == 4
    assert summary.loc[("places", "geometry")].tolist()[:3] == [4, 0, 0]


# --- from_frames ------------------------------------------------------------------------------------------


@pytest.fixture
def toy_frames() -> dict[str, pd.DataFrame]:
    """The toy corridor's tables as a user holds them in a notebook: GeoDataFrames read from the CSV files."""
    folder = corridor.datasets.get_path("toy")
    places = pd.read_csv(folder / "places.csv")
    segments = pd.read_csv(folder / "segments.csv")
    return {
        "places": gpd.GeoDataFrame(
            places.drop(columns=["lat", "lon"]), geometry=gpd.points_from_xy(places["lon"], places["lat"]), crs=4326
        ),
        "segments": gpd.GeoDataFrame(
            segments.drop(columns="geometry"), geometry=gpd.GeoSeries.from_wkt(segments["geometry"]), crs=4326
        ),
        "transfers": pd.read_csv(folder / "transfers.csv"),
        "events": pd.read_csv(folder / "events.csv"),
        "routes": pd.read_csv(folder / "routes.csv"),
    }


def build(frames: dict[str, pd.DataFrame], **options) -> corridor.Corridor:
    return corridor.from_frames(**frames, **{"name": "Toy corridor", "price_year": 2022, **options})


def problems_building(frames: dict[str, pd.DataFrame], **options) -> list[str]:
    with pytest.raises(corridor.CorridorValidationError) as info:
        build(frames, **options)
    return info.value.problems


def test_from_frames_equals_reading_the_files(toy, toy_frames):
    before = {table: frame.copy() for table, frame in toy_frames.items()}
    built = build(toy_frames)
    for table, frame in before.items():  # the caller's frames are left as they were
        pd.testing.assert_frame_equal(toy_frames[table], frame)
    assert_geodataframe_equal(built.places, toy.places, check_like=True)
    assert_geodataframe_equal(built.segments, toy.segments, check_like=True)
    for table in ("transfers", "events", "routes"):
        pd.testing.assert_frame_equal(getattr(built, table), getattr(toy, table), check_like=True)
    assert built.metadata == {"name": "Toy corridor", "price_year": 2022,
                              "input_crs": {"places": "EPSG:4326", "segments": "EPSG:4326"}}  # fmt: skip


def test_from_frames_takes_ids_from_the_index_too(toy, toy_frames):
    frames = {
        **toy_frames,
        "places": toy_frames["places"].set_index("place_id"),
        "segments": toy_frames["segments"].set_index("segment_id").rename_axis(None),  # unnamed but labelled
        "events": toy_frames["events"].set_index(["event_id", "target"]),
    }
    built = build(frames)
    assert built.places.index.equals(toy.places.index) and built.segments.index.equals(toy.segments.index)
    assert built.events.index.equals(toy.events.index)


def test_from_frames_without_ids_says_where_to_put_them(toy_frames):
    frames = {**toy_frames, "places": toy_frames["places"].rename(columns={"place_id": "place"})}
    assert problems_building(frames) == [
        "places: no ids (did you mean 'place'?): give each row its `place_id` (the place's id, a lowercase slug "
        "such as 'aktau') as the index or in a `place_id` column."
    ]


@pytest.mark.parametrize("crs", ["EPSG:3857", "EPSG:32634"])
def test_from_frames_reprojects_and_keeps_geodesic_lengths(toy, toy_frames, crs):
    frames = {**toy_frames, "places": toy_frames["places"].to_crs(crs), "segments": toy_frames["segments"].to_crs(crs)}
    built = build(frames)
    assert built.places.crs == "EPSG:4326" and built.segments.crs == "EPSG:4326"
    assert built.metadata["input_crs"] == {"places": crs, "segments": crs}
    pd.testing.assert_series_equal(built.segments["length_km_geodesic"], toy.segments["length_km_geodesic"], rtol=1e-9)


def test_from_frames_refuses_a_missing_crs(toy_frames):
    frames = {**toy_frames, "segments": toy_frames["segments"].set_crs(None, allow_override=True)}
    with pytest.raises(corridor.CorridorValidationError, match=r"segments: the CRS is missing; set the CRS the "):
        build(frames)


def test_from_frames_lists_every_missing_column_with_its_meaning(toy_frames):
    frames = {
        **toy_frames,
        "places": toy_frames["places"].drop(columns=["kind"]),
        "segments": toy_frames["segments"].drop(columns=["mode", "speed_kmh"]).rename(columns={"status": "stat"}),
    }
    found = problems_building(frames)
    assert found == [
        "places: a required column is missing: `kind` (one of ['city', 'port', 'border_post', 'terminal', "
        "'junction', 'dry_port']).",
        "segments: 3 required columns are missing: `mode` (one of ['rail', 'road', 'sea', 'inland_water']), "
        "`status` (one of ['operational', 'under_construction', 'planned', 'missing_link']; did you mean 'stat'?), "
        "`speed_kmh` (typical speed over the segment in km/h).",
    ]


def test_from_frames_without_provenance_points_to_source_and_confidence(toy_frames):
    frames = {**toy_frames, "segments": toy_frames["segments"].drop(columns=["speed_source", "speed_confidence"])}
    found = problems_building(frames)
    assert found[0].startswith("segments: 2 required columns are missing: `speed_source` (where the speed comes from")
    assert found[1].startswith(
        "give every figure its own source and confidence in these columns, or pass one `source=`"
    )


def test_from_frames_gives_one_source_to_figures_without_their_own(toy_frames):
    bare = toy_frames["segments"].drop(columns=["speed_source", "speed_confidence", "status_source"])
    bare["status_confidence"] = None
    bare.loc[bare["segment_id"] == "c_d_sea", "cost_source"] = None  # its own cost_confidence stays: not bare
    bare.loc[bare["segment_id"] == "c_d_sea", "cost_confidence"] = None
    built = build({**toy_frames, "segments": bare}, source="made-up survey 2024", confidence="M")
    assert built.segments["speed_source"].eq("made-up survey 2024").all()
    assert built.segments["speed_confidence"].eq("M").all() and built.segments["status_confidence"].eq("M").all()
    assert built.segments["cost_source"].tolist() == ["made-up toy data"] * 3 + ["made-up survey 2024"]
    assert built.metadata["provenance_for_all"] == {"source": "made-up survey 2024", "confidence": "M"}
    summary = corridor.confidence_summary(built)
    assert summary.loc[("segments", "speed_kmh"), ["M", "given_for_all"]].tolist() == [4, 4]
    assert summary.loc[("segments", "cost_usd_per_tkm"), ["H", "M", "given_for_all"]].tolist() == [3, 1, 1]
    assert summary.loc[("transfers", "time_h_mode"), "given_for_all"] == 0


def test_from_frames_provenance_for_all_still_needs_ranges_when_low(toy_frames):
    bare = toy_frames["segments"].drop(columns=["speed_source", "speed_confidence", "speed_kmh_min", "speed_kmh_max"])
    found = problems_building({**toy_frames, "segments": bare}, source="assumption: guessed", confidence="L")
    assert "segments['a_b_rail']: `speed_kmh` is low-confidence (L) but has no range; give `speed_kmh_min` and " \
        "`speed_kmh_max`." in found  # fmt: skip


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"source": "a survey"}, r"`source` was 'a survey' and `confidence` None; give both"),
        ({"source": "a survey", "confidence": "high"}, r"`confidence` was 'high'; expected one of \['H', 'M', 'L'\]"),
        ({"price_year": "2022"}, r"`price_year` was '2022'; expected the year of the US\$ figures"),
        ({"name": ""}, r"`name` was ''; expected the corridor's name"),
    ],
)
def test_from_frames_checks_its_arguments(toy_frames, options, message):
    with pytest.raises(ValueError, match=message):
        build(toy_frames, **options)


def test_from_frames_refuses_a_table_that_is_not_a_frame(toy_frames):
    with pytest.raises(TypeError, match=r"`transfers` is a list; expected a \(Geo\)DataFrame."):
        build({**toy_frames, "transfers": []})


def test_from_frames_names_the_column_and_a_bad_value_of_the_wrong_type(toy_frames):
    segments = toy_frames["segments"].assign(country=[246, 752, 752, None])  # ISO numeric codes
    segments["speed_kmh"] = segments["speed_kmh"].astype(object)
    segments.loc[1, "speed_kmh"] = "fast"
    segments["available_from"] = [2020, None, None, None]
    assert problems_building({**toy_frames, "segments": segments}) == [
        "segments: `country` holds numbers (246.0 for 'a_b_rail'); expected text: ISO3 country a land segment lies in.",
        "segments: `available_from` holds numbers (2020.0 for 'a_b_rail'); expected dates (YYYY-MM-DD text or "
        "datetime64): see the data model.",
    ]
    segments = toy_frames["segments"].astype({"speed_kmh": object})
    segments.loc[1, "speed_kmh"] = "fast"
    assert "segments['b_c_rail']: `speed_kmh` is 'fast'; expected a number." in problems_building(
        {**toy_frames, "segments": segments}
    )


def test_from_frames_flags_near_miss_column_names(toy_frames):
    segments = toy_frames["segments"].rename(columns={"gauge_mm": "gauge"})
    assert problems_building({**toy_frames, "segments": segments}) == [
        "segments: column `gauge` is not in the data model; did you mean `gauge_mm` (track gauge in mm (1520, 1435), "
        "rail only)? Rename it."
    ]


def test_from_frames_refuses_length_km_as_a_published_length(toy_frames):
    segments = toy_frames["segments"].rename(columns={"length_km_published": "length_km"})
    assert any(p.startswith("segments: `length_km` is computed") for p in problems_building(
        {**toy_frames, "segments": segments}))  # fmt: skip


def test_from_frames_without_transfers_names_those_needed(toy_frames):
    found = problems_building({**toy_frames, "transfers": None, "events": None})
    assert found[0].startswith("the network falls into 4 pieces")
    assert found[1] == (
        "transfers are needed where modes, gauges or countries meet: at 'b' a border_crossing (rail 1520 mm FIN / "
        "rail 1520 mm SWE); at 'b' a transshipment (rail 1520 mm SWE / road SWE); at 'c' a port_call (rail 1520 mm "
        "SWE / sea); at 'd' a port_call (road SWE / sea); `corridor.suggest_transfers(...)` proposes them as a "
        "table to fill in."
    )


def test_suggested_transfers_match_the_toy_transfers(toy, toy_frames):
    proposed = corridor.suggest_transfers(toy_frames["segments"], places=toy_frames["places"])
    columns = ["place_id", "kind", "from_mode", "from_gauge_mm", "from_country", "to_mode", "to_gauge_mm", "to_country"]

    def unordered(frame):  # (place, kind, {from side, to side}): a transfer joins its two sides both ways
        rows = frame[columns].astype(object).where(frame[columns].notna(), None).to_numpy().tolist()
        return sorted((r[0], r[1], *sorted([tuple(r[2:5]), tuple(r[5:8])], key=str)) for r in rows)

    assert unordered(proposed) == unordered(toy.transfers)
    assert proposed[["time_h_mode", "time_source", "cost_usd_per_teu"]].isna().all().all()  # never invented
    assert proposed["fill_in"].str.startswith("time_h_min, time_h_mode, time_h_max").all()
    assert proposed.loc["c_port_call", "joins"] == "rail 1520 mm SWE (b_c_rail) / sea (c_d_sea)"


def test_suggest_transfers_leaves_out_the_ones_there(toy_frames):
    some = toy_frames["transfers"][toy_frames["transfers"]["transfer_id"] != "d_port"]
    proposed = corridor.suggest_transfers(toy_frames["segments"], places=toy_frames["places"], transfers=some)
    assert proposed.index.tolist() == ["d_port_call"]


def test_suggest_transfers_guesses_a_gauge_change():
    # x --1520 rail--> y --1435 rail--> z, all in one country; y also has a road out
    line = shapely.LineString
    segments = pd.DataFrame(
        {"from_place": ["x", "y", "y"], "to_place": ["y", "z", "z"], "mode": ["rail", "rail", "road"],
         "gauge_mm": [1520, 1435, None], "country": ["GEO", "GEO", "GEO"]},
        index=["x_y", "y_z", "y_z_road"],
    )  # fmt: skip
    segments = gpd.GeoDataFrame(segments, geometry=[line([(0, 0), (1, 0)])] * 3, crs=4326)
    proposed = corridor.suggest_transfers(segments)
    shown = proposed[["place_id", "kind", "from_gauge_mm", "to_gauge_mm", "to_mode"]].astype(object)
    assert shown.where(shown.notna(), None).to_numpy().tolist() == [
        ["y", "gauge_change", 1520.0, 1435.0, "rail"],
        ["y", "transshipment", 1520.0, None, "road"],
        ["z", "transshipment", 1435.0, None, "road"],
    ]


def test_unfilled_suggestions_are_refused_until_filled(toy_frames):
    proposed = corridor.suggest_transfers(toy_frames["segments"], places=toy_frames["places"])
    found = problems_building({**toy_frames, "transfers": proposed, "events": None})
    assert "transfers['c_port_call']: `time_h_mode` is blank; fill in the dwell time (h, with `time_h_min` and " \
        "`time_h_max`) from a source, with `time_source` and `time_confidence`." in found  # fmt: skip
    filled = proposed.assign(
        time_h_min=1.0, time_h_mode=2.0, time_h_max=3.0, time_source="made-up", time_confidence="H"
    )
    built = build({**toy_frames, "transfers": filled, "events": None})
    assert len(built.transfers) == 4


def test_from_frames_corridor_written_and_read_back_keeps_its_provenance(toy_frames, tmp_path):
    bare = toy_frames["segments"].drop(columns=["speed_source", "speed_confidence"])
    built = build({**toy_frames, "segments": bare}, source="made-up survey 2024", confidence="M")
    back = corridor.read_corridor(built.to_file(tmp_path / "toy.gpkg"))
    assert back.metadata == built.metadata
    pd.testing.assert_frame_equal(corridor.confidence_summary(back), corridor.confidence_summary(built))


def test_from_frames_takes_places_with_lat_lon_columns(toy, toy_frames):
    places = pd.read_csv(corridor.datasets.get_path("toy") / "places.csv")
    built = build({**toy_frames, "places": places})
    assert_geodataframe_equal(built.places, toy.places, check_like=True)
    assert built.metadata["input_crs"]["places"] == "EPSG:4326 (read as `lat`/`lon` columns)"


def test_suggest_transfers_takes_places_only_with_frames(toy):
    with pytest.raises(TypeError, match=r"`places` and `transfers` go with a segments table; a Corridor brings"):
        corridor.suggest_transfers(toy, places=toy.places)


# --- behaviours pinned down by mutation testing (tests/MUTANTS.md) ---------------------------------------------


def test_length_summary_by_branch_in_full(edit):
    def plan_b_c(segments):
        return segments.assign(status=segments["status"].mask(segments["segment_id"].eq("b_c_rail"), "planned"))

    toy = corridor.read_corridor(edit("segments", plan_b_c))
    expected = pd.DataFrame(
        {"rail_km": [200.0, 0.0], "road_km": [200.0, 0.0], "sea_km": [0.0, 200.0], "total_km": [400.0, 200.0],
         "segments": [3, 1], "not_operational": [1, 0]},
        index=pd.Index(["land", "sea"], name="branch"),
    )  # fmt: skip
    summary = corridor.length_summary(toy)  # by branch
    pd.testing.assert_frame_equal(summary, expected, check_dtype=False, check_index_type=False, check_column_type=False)
    assert summary.columns.name is None


def test_confidence_summary_counts_and_low_shares_by_hand(edit):
    def one_low_place(places):
        return places.assign(confidence=places["confidence"].mask(places["place_id"].eq("a"), "L"))

    summary = corridor.confidence_summary(corridor.read_corridor(edit("places", one_low_place)))
    assert summary.index.names == ["table", "figure"]
    assert summary.columns.tolist() == ["H", "M", "L", "share_low", "given_for_all"]
    assert summary.loc[("places", "geometry")].tolist() == [3, 0, 1, 0.25, 0]
    assert summary.loc[("segments", "length_km")].tolist() == [4, 0, 0, 0.0, 0]  # every length, H
    assert summary.loc[("events", "effect")].tolist() == [1, 0, 0, 0.0, 0]  # one figure: a share, not a gap


def test_geopackage_without_segments_and_transfers_names_both(toy, tmp_path):
    import pyogrio

    path = toy.to_file(tmp_path / "toy.gpkg")
    thin = tmp_path / "thin.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(path, layer="places"), thin, layer="places")
    with pytest.raises(FileNotFoundError, match=r"GeoPackage '.*thin\.gpkg' has no layer segments, transfers\.$"):
        corridor.read_corridor(thin)


def test_geopackage_without_metadata_reads(toy, tmp_path):
    import pyogrio

    path = toy.to_file(tmp_path / "toy.gpkg")
    bare = tmp_path / "bare.gpkg"
    for layer in ("places", "segments", "transfers", "events", "routes"):
        frame = pyogrio.read_dataframe(path, layer=layer, read_geometry=layer in ("places", "segments"))
        pyogrio.write_dataframe(frame, bare, layer=layer)
    back = corridor.read_corridor(bare)
    assert back.segments.index.tolist() == toy.segments.index.tolist()


def test_corridor_repr_counts_its_tables(toy):
    assert repr(toy) == "<Corridor 'Toy corridor': 4 places, 4 segments, 4 transfers, 1 events, 1 routes>"


def close(target):
    """An `edit` of the events table: one closure of `target` from 2026-03-01 to 2026-03-10."""

    def change(events):
        return events.assign(event_id="test_closure", target=target, start="2026-03-01", end="2026-03-10")

    return change


def in_service(toy, day="2026-03-05"):
    network = toy.as_of(day)
    return sorted(network.segments.index), sorted(network.transfers.index)


def test_closing_a_segment_closes_only_it(edit):
    toy = corridor.read_corridor(edit("events", close("b_d_road")))
    assert in_service(toy) == (["a_b_rail", "b_c_rail", "c_d_sea"], ["b_border", "b_rail_road", "c_port", "d_port"])


def test_closing_a_place_closes_its_segments_and_transfers(edit):
    toy = corridor.read_corridor(edit("events", close("c")))
    assert in_service(toy) == (["a_b_rail", "b_d_road"], ["b_border", "b_rail_road", "d_port"])


def test_closing_a_country_closes_what_touches_its_places(edit):
    # a and b are in FIN: b_c_rail and b_d_road (country SWE) start at b, so they close too
    toy = corridor.read_corridor(edit("events", close("FIN")))
    segments, transfers = in_service(toy)
    assert not {"a_b_rail", "b_c_rail", "b_d_road"} & set(segments)
    assert transfers == ["c_port", "d_port"]


def test_closing_a_country_leaves_sea_segments_that_do_not_touch_it(edit):
    toy = corridor.read_corridor(edit("events", close("FIN")))
    assert in_service(toy)[0] == ["c_d_sea"]


def test_closing_one_of_several_passages_closes_the_segment(edit):
    edit("segments", lambda s: s.assign(passages=s["passages"].mask(s["segment_id"].eq("c_d_sea"), "narrows;strait")))
    toy = corridor.read_corridor(edit("events", close("strait")))
    assert in_service(toy)[0] == ["a_b_rail", "b_c_rail", "b_d_road"]


def test_available_until_is_exclusive(edit):
    def until(segments):
        return segments.assign(available_until=segments["segment_id"].map({"b_d_road": "2026-06-01"}))

    toy = corridor.read_corridor(edit("segments", until))
    assert "b_d_road" in toy.as_of("2026-05-31").segments.index
    assert "b_d_road" not in toy.as_of("2026-06-01").segments.index


def test_copy_is_deep(toy):
    toy.metadata["nested"] = {"a": 1}
    twin = toy.copy()
    twin.metadata["nested"]["a"] = 2
    twin.segments.loc["a_b_rail", "speed_kmh"] = 1.0
    assert toy.metadata["nested"] == {"a": 1} and toy.segments.loc["a_b_rail", "speed_kmh"] == 50.0


def test_to_file_round_trips_dates_in_a_new_nested_folder_and_overwrites(edit, tmp_path):
    def dated(frame):
        return frame.assign(available_from="2026-03-01")

    edit("segments", dated)
    toy = corridor.read_corridor(edit("transfers", dated))
    folder = tmp_path / "new" / "toy"
    toy.to_file(folder)
    back = corridor.read_corridor(toy.to_file(folder))  # writing again over the same folder
    assert (back.segments["available_from"] == pd.Timestamp("2026-03-01")).all()
    assert (back.transfers["available_from"] == pd.Timestamp("2026-03-01")).all()


def test_to_file_writes_wkt_to_six_decimals_and_readable_metadata(edit, tmp_path):
    def nudge(segments):
        return segments.assign(geometry=segments["geometry"].replace("LINESTRING (0 0, 0.9 0)",
                                                                     "LINESTRING (0 0, 0.9000004 0)"))  # fmt: skip

    toy = corridor.read_corridor(edit("segments", nudge))
    toy.metadata["name"] = "Tøy"
    folder = toy.to_file(tmp_path / "out")
    assert "LINESTRING (0 0, 0.9 0)" in (folder / "segments.csv").read_text()
    assert '\n  "name": "Tøy"' in (folder / "metadata.json").read_text(encoding="utf-8")


def test_corridor_repr_of_an_unnamed_corridor_on_a_date(toy):
    del toy.metadata["name"]
    assert repr(toy.as_of("2026-02-01")).startswith("<Corridor 'unnamed' as of 2026-02-01: 4 places, ")


def test_to_file_echoes_a_refused_path(toy, tmp_path):
    with pytest.raises(ValueError, match=r"^`path` was '.*toy\.shp'; expected a folder"):
        toy.to_file(tmp_path / "toy.shp")


def test_a_place_closure_keeps_out_what_was_already_out_of_service(edit):
    edit("segments", lambda s: s.assign(status=s["status"].mask(s["segment_id"].eq("b_d_road"), "planned")))
    edit("transfers", lambda t: t.assign(available_from=t["transfer_id"].map({"d_port": "2027-01-01"})))
    toy = corridor.read_corridor(edit("events", close("a")))
    assert in_service(toy) == (["b_c_rail", "c_d_sea"], ["b_border", "b_rail_road", "c_port"])


def test_a_country_closure_keeps_out_transfers_not_yet_open(edit):
    edit("transfers", lambda t: t.assign(available_from=t["transfer_id"].map({"d_port": "2027-01-01"})))
    toy = corridor.read_corridor(edit("events", close("FIN")))
    assert in_service(toy)[1] == ["c_port"]


# --- reliability: every bad input named, nothing silently accepted (issue 11) -----------------------------------


def _cell(key, column, value):
    """A change of one cell of a CSV text: the row whose first column is `key`."""

    def change(text):
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        frame.loc[frame.iloc[:, 0] == key, column] = value
        return frame.to_csv(index=False, lineterminator="\n")

    return change


def _columns(change):
    def apply(text):
        return change(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)).to_csv(
            index=False, lineterminator="\n"
        )

    return apply


def _lines(change):
    return lambda text: "\n".join(change(text.split("\n")))


def _header_only(text):
    return text.split("\n")[0] + "\n"


def _no_range(key):
    return lambda t: _cell(key, "cost_usd_per_tkm_min", "")(_cell(key, "cost_usd_per_tkm_max", "")(t))


BAD_FILES = [  # (what is corrupted, {file: change of its text, None to delete it}, exception, fragment of the message)
    ("empty places.csv", {"places.csv": lambda _: ""}, CorridorReadError,
     r"places\.csv': the file is empty; expected a header row \(place_id, \.\.\.\)"),
    ("empty events.csv", {"events.csv": lambda _: "\n"}, CorridorReadError, r"events\.csv': the file is empty"),
    ("Latin-1 text", {"places.csv": lambda t: t.replace("Alpha", "Älpha").encode("latin-1")}, CorridorReadError,
     r"places\.csv', line 2: byte b'\\xc4' is not UTF-8 text \(the file may be Latin-1"),
    ("UTF-16 text", {"transfers.csv": lambda t: t.encode("utf-16")}, CorridorReadError,
     r"transfers\.csv', line 1: the file is UTF-16 text; save it as UTF-8"),
    ("a row with an extra field", {"segments.csv": _lines(lambda ls: [*ls[:2], ls[2] + ",x", *ls[3:]])},
     CorridorReadError, r"segments\.csv', line 3: rows must have as many fields as the header \(26\), but line 3 "
     r"has 27"),
    ("the first row with an extra field", {"places.csv": _lines(lambda ls: [ls[0], ls[1] + ",x", *ls[2:]])},
     CorridorReadError, r"places\.csv', line 2: .* but line 2 has 10"),
    ("a truncated row", {"routes.csv": _lines(lambda ls: [ls[0], ls[1].rsplit(",", 1)[0], *ls[2:]])},
     CorridorReadError, r"routes\.csv', line 2: .* but line 2 has 4"),
    ("a truncated quote", {"segments.csv": lambda t: t.rstrip("\n")[:-3] + "\n"}, CorridorReadError,
     r"segments\.csv', line 5: a quote \(\"\) is opened and never closed"),
    ("broken corridor.toml", {"corridor.toml": lambda t: t + "key_places = [\n"}, CorridorReadError,
     r"corridor\.toml'.*: not valid TOML"),
    ("broken metadata.json", {"corridor.toml": None, "metadata.json": lambda _: '{"name": "x",\n bad}'},
     CorridorReadError, r"metadata\.json', line 2: not valid JSON"),
    ("both corridor.toml and metadata.json", {"metadata.json": lambda _: '{"name": "x"}'}, CorridorReadError,
     r"holds both corridor\.toml and metadata\.json"),
    ("a repeated header", {"segments.csv": lambda t: t.replace("speed_kmh_max,", "speed_kmh,", 1)},
     CorridorReadError, r"segments\.csv', line 1: the header names `speed_kmh` 2 times"),
    ("places.csv without lat", {"places.csv": _columns(lambda f: f.drop(columns="lat"))}, CorridorValidationError,
     r"places: columns `lat` and `lon` \(degrees, WGS84\) are missing"),
    ("a misspelt optional column", {"segments.csv": _columns(lambda f: f.rename(
        columns={"length_km_published": "length_km_publshed"}))}, CorridorValidationError,
     r"segments\.csv: column `length_km_publshed` is not in the data model; did you mean `length_km_published`"),
    ("an unknown column", {"transfers.csv": _columns(lambda f: f.assign(remarks="x"))}, CorridorValidationError,
     r"transfers\.csv: column `remarks` is not in the data model; remove it or use one of \['place_id'"),
    ("a computed column", {"segments.csv": _columns(lambda f: f.assign(length_km="1"))}, CorridorValidationError,
     r"segments\.csv: column `length_km` is computed on reading"),
    ("a blank speed", {"segments.csv": _cell("a_b_rail", "speed_kmh", "")}, CorridorValidationError,
     r"segments\['a_b_rail'\]: `speed_kmh` is blank"),
    ("a blank dwell time", {"transfers.csv": _cell("b_border", "time_h_mode", "")}, CorridorValidationError,
     r"transfers\['b_border'\]: `time_h_mode` is blank"),
    ("an infinite speed", {"segments.csv": _cell("a_b_rail", "speed_kmh_max", "inf")}, CorridorValidationError,
     r"segments\['a_b_rail'\]: `speed_kmh_max` is inf; expected a finite number"),
    ("an overflowing dwell time", {"transfers.csv": _cell("b_border", "time_h_max", "1e400")},
     CorridorValidationError, r"transfers\['b_border'\]: `time_h_max` is inf; expected a finite number"),
    ("a negative rate without a range", {"segments.csv": lambda t: _cell("a_b_rail", "cost_usd_per_tkm", "-0.05")(
        _no_range("a_b_rail")(t))}, CorridorValidationError,
     r"segments\['a_b_rail'\]: `cost_usd_per_tkm` is -0.05; it cannot be negative"),
    ("a negative top of a fee range", {"transfers.csv": _cell("b_border", "cost_usd_per_teu_max", "-5")},
     CorridorValidationError, r"transfers\['b_border'\]: `cost_usd_per_teu_max` is -5.0; it cannot be negative"),
    ("a cost year outside the price index", {"segments.csv": _cell("a_b_rail", "cost_year", "1800")},
     CorridorValidationError, r"segments\['a_b_rail'\]: `cost_year` is 1800; expected the whole year"),
    ("a NaN in WKT", {"segments.csv": _cell("a_b_rail", "geometry", "LINESTRING (0 0, nan 0)")},
     CorridorValidationError, r"segments\['a_b_rail'\]: `geometry` .* has a coordinate that is not a finite number"),
    ("an unknown key place", {"corridor.toml": lambda t: t.replace('["a", "d"]', '["a", "dd"]')},
     CorridorValidationError, r"metadata: `key_places` names 'dd', which is not a place_id of this corridor"),
    ("a price year in words", {"corridor.toml": lambda t: t.replace("price_year = 2022", 'price_year = "twenty"')},
     CorridorValidationError, r"metadata: `price_year` is 'twenty'; expected the year"),
    ("an event start that is not a date", {"events.csv": _cell("c_port_strike", "start", "soon")},
     CorridorValidationError, r"events\[\('c_port_strike', 'c_port'\)\]: `start` is 'soon'"),
    ("segments with a header and no rows", {"segments.csv": _header_only}, CorridorValidationError,
     r"has 1 problem:\n- segments: the table has no rows"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "error", "message"), [row[1:] for row in BAD_FILES], ids=[row[0] for row in BAD_FILES]
)
def test_bad_files_are_named_with_the_fix(toy_dir, changes, error, message):
    for name, change in changes.items():
        file = toy_dir / name
        if change is None:
            file.unlink()
            continue
        new = change(file.read_text(encoding="utf-8") if file.exists() else "")
        file.write_bytes(new if isinstance(new, bytes) else new.encode("utf-8"))
    with pytest.raises(error, match=message):
        corridor.read_corridor(toy_dir)


def test_a_read_error_carries_the_file_and_line(toy_dir):
    (toy_dir / "places.csv").write_bytes(
        (toy_dir / "places.csv").read_text().replace("Delta", "Délta").encode("cp1252")
    )
    with pytest.raises(CorridorReadError) as caught:
        corridor.read_corridor(toy_dir)
    assert caught.value.path == str(toy_dir / "places.csv") and caught.value.line == 5


def test_a_utf8_byte_order_mark_is_read(toy_dir, toy):
    places = toy_dir / "places.csv"
    places.write_bytes(b"\xef\xbb\xbf" + places.read_bytes())
    assert corridor.read_corridor(toy_dir).places.index.equals(toy.places.index)


BAD_ARGUMENTS = [  # (what is wrong, keyword arguments of read_corridor, exception, fragment of the message)
    ("NaN end gap", {"max_end_gap_km": float("nan")}, ValueError, r"`max_end_gap_km` was nan; expected a finite"),
    ("negative tolerance", {"length_tolerance": -1}, ValueError, r"`length_tolerance` was -1; expected a finite"),
    ("text end gap", {"max_end_gap_km": "5"}, ValueError, r"`max_end_gap_km` was '5'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("options", "error", "message"), [row[1:] for row in BAD_ARGUMENTS], ids=[row[0] for row in BAD_ARGUMENTS]
)
def test_bad_read_arguments_are_named(options, error, message):
    with pytest.raises(error, match=message):
        corridor.read_corridor(corridor.datasets.get_path("toy"), **options)


BAD_DATES = [  # (what is wrong, value, exception, fragment of the message)
    ("a number", 20260301, TypeError, r"`date` was 20260301 \(int\); expected a date as text"),
    ("a numpy datetime64", np.datetime64("2026-03-01"), TypeError, r"\(datetime64\); expected a date"),
    ("words", "soon", ValueError, r"`date` was 'soon'; expected a date such as '2026-03-01'"),
    ("blank text", " ", ValueError, r"`date` was ' '; expected a date"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "error", "message"), [r[1:] for r in BAD_DATES], ids=[r[0] for r in BAD_DATES])
def test_bad_dates_are_refused_not_guessed(toy, value, error, message):
    with pytest.raises(error, match=message):
        toy.as_of(value)


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-05",
        dt.date(2026, 1, 5),
        dt.datetime(2026, 1, 5, 18, 30),
        pd.Timestamp("2026-01-05 23:59"),
        pd.Timestamp("2026-01-05 12:00", tz="UTC"),
        dt.datetime(2026, 1, 6, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=4))),  # 22:00 UTC the day before
    ],
)
def test_dates_of_every_accepted_kind_are_one_utc_day(toy, value):
    assert toy.as_of(value).metadata["as_of"] == "2026-01-05"
    assert toy.events_on(value).index.get_level_values("event_id").tolist() == ["c_port_strike"]


@pytest.mark.parametrize("method", ["as_of", "select"])
def test_derived_corridors_share_no_mutable_object(toy, method):
    toy.metadata["key_places"] = ["a", "d"]
    derived = toy.as_of("2026-01-05") if method == "as_of" else toy.select(modes=["rail", "road", "sea"])
    for name in ("places", "segments", "transfers", "events", "routes", "metadata"):
        assert getattr(derived, name) is not getattr(toy, name), name
    derived.places.loc["a", "name"] = "changed"
    derived.events.loc[("c_port_strike", "c_port"), "effect"] = "disrupted"
    derived.routes.loc["overland", "name"] = "changed"
    derived.metadata["key_places"].append("b")
    assert toy.places.loc["a", "name"] == "Alpha" and toy.routes.loc["overland", "name"] == "Overland"
    assert toy.events["effect"].tolist() == ["closed"] and toy.metadata["key_places"] == ["a", "d"]


def test_to_file_replaces_a_corridor_folder_with_its_stale_toml(toy, toy_dir):
    toy.metadata["name"] = "Renamed"
    toy.to_file(toy_dir)  # toy_dir holds the shipped corridor.toml
    assert not (toy_dir / "corridor.toml").exists()
    assert corridor.read_corridor(toy_dir).metadata["name"] == "Renamed"


def test_to_file_refuses_a_folder_holding_other_files(toy, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match=r"holds files that are not part of a corridor \(notes\.txt\); `to_file`"):
        toy.to_file(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine" and not (tmp_path / "places.csv").exists()


# hypothesis: random corruptions of the toy files either read to the same data outside the row that was corrupted,
# or raise one of the package's two errors -- never another exception, never a hang
_TOY_FILES = ("places.csv", "segments.csv", "transfers.csv", "events.csv", "routes.csv")
_NUMBERS = ("-1", "-0.05", "0", "1e308", "1e400", "inf", "-inf", "nan", "NaN", "abc", "", " ", "1,5")


@st.composite
def corruptions(draw):
    name = draw(st.sampled_from(_TOY_FILES))
    text = (corridor.datasets.get_path("toy") / name).read_text(encoding="utf-8")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    row = draw(st.integers(0, len(frame) - 1))
    key = frame.iloc[row, 0]
    how = draw(st.sampled_from(["blank", "number", "truncate", "latin-1", "utf-16"]))
    if how == "blank":
        column = draw(st.sampled_from(list(frame.columns)))
        frame.iloc[row, frame.columns.get_loc(column)] = ""
        data = frame.to_csv(index=False, lineterminator="\n").encode()
    elif how == "number":
        numbers = [c for c in frame.columns if c in {*NUMERIC_COLUMNS, "lat", "lon"}] or list(frame.columns)
        column = draw(st.sampled_from(numbers))
        frame.iloc[row, frame.columns.get_loc(column)] = draw(st.sampled_from(_NUMBERS))
        data = frame.to_csv(index=False, lineterminator="\n").encode()
    elif how == "truncate":
        lines = text.split("\n")
        line = lines[row + 1]
        lines[row + 1] = line[: draw(st.integers(1, len(line) - 1))]  # cut to nothing, a row is simply not there
        data = "\n".join(lines).encode()
    elif how == "latin-1":
        data = text.replace("made-up", "madé-up", 1).encode("latin-1")
    else:
        data = text.encode("utf-16")
    return name, key, data


NUMERIC_COLUMNS = {c for columns in corridor._model.NUMERIC.values() for c in columns}


def _alarm(*_):
    raise TimeoutError("reading a corrupted toy corridor took more than 20 s")


@settings(
    max_examples=80, deadline=dt.timedelta(seconds=10), suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(corruption=corruptions())
def test_corrupted_toy_files_read_faithfully_or_raise_a_package_error(toy, tmp_path_factory, corruption):
    name, key, data = corruption
    folder = Path(shutil.copytree(corridor.datasets.get_path("toy"), tmp_path_factory.mktemp("bad") / "toy"))
    (folder / name).write_bytes(data)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(20)
    try:
        read = corridor.read_corridor(folder)
    except (CorridorReadError, CorridorValidationError):
        return
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    table = name.removesuffix(".csv")
    for other in ("places", "segments", "transfers", "events", "routes"):
        ours, theirs = getattr(read, other), getattr(toy, other)
        assert len(ours) == len(theirs), other  # no row dropped
        if other == table:  # only the corrupted row may differ (its id too, if it became another valid id)
            ours = ours[
                ~ours.index.isin(theirs.index[theirs.index.get_level_values(0) == key]) & ours.index.isin(theirs.index)
            ]
            theirs = theirs[theirs.index.get_level_values(0) != key]
        pd.testing.assert_frame_equal(pd.DataFrame(ours), pd.DataFrame(theirs), obj=other)


def test_a_file_that_is_not_a_geopackage_is_named(tmp_path):
    path = tmp_path / "toy.gpkg"
    path.write_bytes(b"place_id,name\na,Alpha\n")
    with pytest.raises(CorridorReadError, match=r"toy\.gpkg': not a readable GeoPackage"):
        corridor.read_corridor(path)


def test_a_geopackage_layer_with_an_unknown_column_is_named(toy, tmp_path):
    bad = toy.copy()
    object.__setattr__(bad, "routes", toy.routes.assign(colour="red"))
    path = bad.to_file(tmp_path / "toy.gpkg")
    with pytest.raises(CorridorValidationError, match=r"layer 'routes': column `colour` is not in the data model"):
        corridor.read_corridor(path)


def test_commas_are_counted_outside_quotes_only():
    from corridor.network import _fields_fit

    assert _fields_fit(b'a,b\n1,"x,y"\n', 1, 2)
    assert _fields_fit(b'a,b\n"say ""hi, there""",2\n', 1, 2)  # doubled quotes inside a quoted cell
    assert not _fields_fit(b"a,b\n1,2,3\n", 1, 2)
    assert not _fields_fit(b'a,b\n"1,2\n', 1, 2)  # a quote left open takes the commas after it
    assert _fields_fit(b"a,b\n", 0, 2) and _fields_fit(b"a\nx\n", 1, 1)
