"""One test per class of bad input: each asserts the message names the table, the id, the value and the fix."""

import re

import numpy as np
import pandas as pd
import pytest

import corridor
from corridor import CorridorValidationError


def set_cell(row_id: str, column: str, value: str, *, id_column: str):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame[id_column] == row_id, column] = value
        return frame

    return change


def problems_of(path) -> list[str]:
    with pytest.raises(CorridorValidationError) as info:
        corridor.read_corridor(path)
    return info.value.problems


def test_shipped_toy_is_valid(toy):
    corridor.validate(toy)


def test_error_lists_every_problem_at_once(edit):
    edit("segments", set_cell("a_b_rail", "mode", "rial", id_column="segment_id"))
    path = edit("places", set_cell("c", "kind", "harbour", id_column="place_id"))
    with pytest.raises(CorridorValidationError) as info:
        corridor.read_corridor(path)
    assert len(info.value.problems) == 2
    assert str(info.value).startswith(f"{path} has 2 problems:\n- ")
    assert isinstance(info.value, ValueError)


def test_duplicate_id(edit):
    path = edit("places", lambda f: pd.concat([f, f.iloc[[0]]]))
    assert "places: id 'a' appears more than once; ids must be unique." in problems_of(path)


def test_id_that_is_not_a_slug(edit):
    edit("places", set_cell("a", "place_id", "Alpha Town", id_column="place_id"))
    path = edit("segments", set_cell("a_b_rail", "from_place", "Alpha Town", id_column="segment_id"))
    assert any("place_id 'Alpha Town' is not a slug" in p for p in problems_of(path))


def test_unknown_place_reference_suggests_nearest(edit):
    edit("places", set_cell("b", "place_id", "bravo", id_column="place_id"))
    path = edit("segments", set_cell("a_b_rail", "to_place", "brav", id_column="segment_id"))
    found = problems_of(path)
    assert "segments['a_b_rail']: `to_place` 'brav' is not a known place (did you mean 'bravo'?)." in found


def test_unknown_mode_lists_choices_and_nearest(edit):
    path = edit("segments", set_cell("a_b_rail", "mode", "rial", id_column="segment_id"))
    [message] = [p for p in problems_of(path) if "`mode`" in p]
    assert message == (
        "segments['a_b_rail']: `mode` is 'rial'; expected one of ['rail', 'road', 'sea', 'inland_water']"
        " (did you mean 'rail'?)."
    )


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "expected"),
    [
        ("segments", "a_b_rail", "status", "open", "`status` is 'open'; expected one of ['operational'"),
        ("places", "c", "kind", "harbour", "`kind` is 'harbour'; expected one of ['city', 'port'"),
        ("transfers", "c_port", "kind", "port-call", "(did you mean 'port_call'?)"),
        ("events", "c_port_strike", "effect", "shut", "`effect` is 'shut'; expected one of ['closed', 'disrupted']"),
    ],
)
def test_unknown_category_values(edit, table, row, column, value, expected):
    id_column = {"segments": "segment_id", "places": "place_id", "transfers": "transfer_id", "events": "event_id"}
    path = edit(table, set_cell(row, column, value, id_column=id_column[table]))
    assert any(expected in p and repr(row) in p for p in problems_of(path))


def test_bad_country_code_suggests_alpha3(edit):
    path = edit("places", set_cell("c", "country", "SE", id_column="place_id"))
    assert "places['c']: `country` is 'SE', which is not an ISO 3166 alpha-3 code (did you mean 'SWE'?)." in (
        problems_of(path)
    )


def test_missing_geometry(edit):
    path = edit("segments", set_cell("b_c_rail", "geometry", "", id_column="segment_id"))
    assert "segments['b_c_rail']: the geometry is missing; expected a LineString." in problems_of(path)


def test_unparseable_wkt_and_number_and_date(edit):
    edit("segments", set_cell("b_c_rail", "geometry", "LINESTRING (0.9 0,", id_column="segment_id"))
    edit("segments", set_cell("a_b_rail", "speed_kmh", "fast", id_column="segment_id"))
    path = edit("segments", set_cell("b_d_road", "available_from", "spring 2020", id_column="segment_id"))
    found = problems_of(path)
    assert any(p.startswith("segments['b_c_rail']: `geometry` 'LINESTRING (0.9 0,'") for p in found)
    assert "segments['a_b_rail']: `speed_kmh` is 'fast'; expected a number." in found
    assert "segments['b_d_road']: `available_from` is 'spring 2020'; expected a date as YYYY-MM-DD." in found


def test_wrong_geometry_type(edit):
    path = edit("segments", set_cell("b_c_rail", "geometry", "POINT (0.9 0)", id_column="segment_id"))
    assert "segments['b_c_rail']: the geometry is a Point; expected a LineString." in problems_of(path)


def test_missing_crs(toy):
    places = toy.places.set_crs(None, allow_override=True)
    broken = corridor.Corridor(places, toy.segments, toy.transfers, toy.events)
    with pytest.raises(CorridorValidationError, match=r"places: the CRS is missing; set it with `.set_crs"):
        corridor.validate(broken)


def test_projected_crs_is_refused(toy):
    segments = toy.segments.to_crs(3857)
    broken = corridor.Corridor(toy.places, segments, toy.transfers, toy.events)
    with pytest.raises(CorridorValidationError, match=r"segments: the CRS is 'EPSG:3857'; expected EPSG:4326 .*to_crs"):
        corridor.validate(broken)


@pytest.mark.parametrize("value", ["0", "-5"])
def test_non_positive_speed(edit, value):
    edit("segments", set_cell("a_b_rail", "speed_kmh_min", value, id_column="segment_id"))
    path = edit("segments", set_cell("a_b_rail", "speed_kmh", value, id_column="segment_id"))
    assert f"segments['a_b_rail']: `speed_kmh` is {float(value)}; it must be positive." in problems_of(path)


def test_non_positive_length(edit):
    path = edit("segments", set_cell("a_b_rail", "length_km_published", "0", id_column="segment_id"))
    assert "segments['a_b_rail']: `length_km_published` is 0.0; it must be positive." in problems_of(path)


def test_figure_without_source(edit):
    path = edit("segments", set_cell("b_d_road", "cost_source", "", id_column="segment_id"))
    assert (
        "segments['b_d_road']: `cost_usd_per_tkm` has no `cost_source`; cite where it comes from, "
        "or write 'assumption: ...' and give a range."
    ) in problems_of(path)


def test_figure_without_confidence(edit):
    path = edit("transfers", set_cell("b_border", "time_confidence", "high", id_column="transfer_id"))
    assert (
        "transfers['b_border']: `time_confidence` is 'high'; expected one of ['H', 'M', 'L'] (high, medium, low)."
        in (problems_of(path))
    )


def test_low_confidence_figure_needs_a_range(edit):
    edit("segments", set_cell("a_b_rail", "speed_confidence", "L", id_column="segment_id"))
    path = edit("segments", set_cell("a_b_rail", "speed_kmh_max", "", id_column="segment_id"))
    assert (
        "segments['a_b_rail']: `speed_kmh` is low-confidence (L) but has no range; give `speed_kmh_min` and "
        "`speed_kmh_max`."
    ) in problems_of(path)


def test_unordered_range(edit):
    path = edit("transfers", set_cell("b_border", "time_h_min", "5", id_column="transfer_id"))
    assert (
        "transfers['b_border']: `time_h_min` <= `time_h_mode` <= `time_h_max` does not hold (5.0 / 4.0 / 6.0)"
        in (problems_of(path)[0])
    )


def test_segment_end_far_from_place(edit):
    path = edit("segments", set_cell("a_b_rail", "geometry", "LINESTRING (0 0.2, 0.9 0)", id_column="segment_id"))
    assert (
        "segments['a_b_rail']: the line's start lies 22.1 km from its from_place 'a' (allowed 5 km); "
        "move the end point or the place."
    ) in problems_of(path)


def test_recorded_length_far_from_geodesic(edit):
    path = edit("segments", set_cell("b_c_rail", "length_km_published", "150", id_column="segment_id"))
    assert (
        "segments['b_c_rail']: the recorded length 150 km differs from the geometry's geodesic length 100.2 km "
        "by more than 20%; check the alignment or the figure."
    ) in problems_of(path)


def test_short_links_may_differ_by_a_few_km(edit):
    # 100.2 km geodesic vs 108 km recorded: 8 % and under 10 km - passes
    path = edit("segments", set_cell("b_c_rail", "length_km_published", "108", id_column="segment_id"))
    corridor.read_corridor(path)


def test_rail_without_gauge_and_road_with_gauge(edit):
    edit("segments", set_cell("a_b_rail", "gauge_mm", "", id_column="segment_id"))
    path = edit("segments", set_cell("b_d_road", "gauge_mm", "1435", id_column="segment_id"))
    found = problems_of(path)
    assert "segments['a_b_rail']: `gauge_mm` is missing; rail needs a track gauge in mm (1520, 1435)." in found
    assert "segments['b_d_road']: `gauge_mm` is 1435 for mode 'road'; only rail has a gauge, leave it empty." in found


def test_dates_out_of_order(edit):
    def change(frame):
        frame["available_until"] = ""
        frame.loc[frame["segment_id"] == "c_d_sea", ["available_from", "available_until"]] = [
            "2030-01-01",
            "2020-01-01",
        ]
        return frame

    path = edit("segments", change)
    assert "segments['c_d_sea']: `available_from` 2030-01-01 is not before `available_until` 2020-01-01." in (
        problems_of(path)
    )


def test_transfer_terminal_no_segment_reaches(edit):
    path = edit("transfers", set_cell("c_port", "from_gauge_mm", "1435", id_column="transfer_id"))
    assert (
        "transfers['c_port']: no segment or other transfer reaches its from terminal at 'c' (rail 1435 mm, SWE); "
        "check its mode, gauge and country against the segments there."
    ) in problems_of(path)


def test_transfer_joining_a_terminal_to_itself(edit):
    path = edit("transfers", set_cell("b_border", "to_country", "FIN", id_column="transfer_id"))
    assert any(p.startswith("transfers['b_border']: joins a terminal to itself") for p in problems_of(path))


def test_event_with_unknown_target(edit):
    path = edit("events", set_cell("c_port_strike", "target", "c_prot", id_column="event_id"))
    found = problems_of(path)
    assert any(re.search(r"target 'c_prot' is not a segment, .* \(did you mean 'c_port'\?\)", p) for p in found)


def test_disconnected_network_names_the_pieces(edit):
    path = edit("transfers", lambda f: f[~f["transfer_id"].isin(["d_port", "b_rail_road"])])
    message, needed = problems_of(path)
    assert message.startswith("the network falls into 2 pieces that no segment or transfer joins: ")
    assert "[rail/sea] a, b, c, d; [road] b, d." in message
    assert needed == (
        "transfers are needed where modes, gauges or countries meet: at 'b' a transshipment (rail 1520 mm SWE / "
        "road SWE); at 'd' a port_call (road SWE / sea); `corridor.suggest_transfers(...)` proposes them as a table "
        "to fill in."
    )


def test_missing_required_column(edit):
    path = edit("segments", lambda f: f.drop(columns=["speed_kmh"]))
    assert "segments: a required column is missing: `speed_kmh` (typical speed over the segment in km/h)." in (
        problems_of(path)
    )


def test_missing_required_columns_listed_in_one_problem_with_near_misses(edit):
    path = edit("segments", lambda f: f.drop(columns=["speed_kmh"]).rename(columns={"speed_source": "speed_src"}))
    assert (
        "segments: 2 required columns are missing: `speed_kmh` (typical speed over the segment in km/h), "
        "`speed_source` (where the speed comes from, or 'assumption: ...'; did you mean 'speed_src'?)."
    ) in problems_of(path)


def test_validate_reports_missing_columns_of_a_corridor_built_directly(toy):
    places = toy.places.drop(columns=["source", "confidence"])
    broken = corridor.Corridor(places, toy.segments.drop(columns=["branch"]), toy.transfers, pd.DataFrame())
    with pytest.raises(CorridorValidationError) as info:
        corridor.validate(broken)
    found = info.value.problems
    assert found[0] == (
        "places: 2 required columns are missing: `source` (where the place's position comes from), "
        "`confidence` (H, M or L: how sure the position is)."
    )
    assert found[1].startswith("segments: 1 optional or computed column is missing (`branch`); build the corridor")
    assert found[2] == (
        "events: the table is empty and has none of its columns; build the corridor with `corridor.from_frames(...)`, "
        "which makes an empty `events` table when you leave it out."
    )


def test_missing_places_file_is_named(toy_dir):
    (toy_dir / "places.csv").unlink()
    with pytest.raises(FileNotFoundError, match=r"has no places.csv"):
        corridor.read_corridor(toy_dir)


def test_path_that_is_neither_folder_nor_gpkg(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"expected an existing corridor folder"):
        corridor.read_corridor(tmp_path / "nothing.shp")


def test_named_route_with_unknown_branch(edit):
    path = edit("routes", set_cell("overland", "branches", "land;seaa", id_column="route_id"))
    assert (
        "routes['overland']: branch 'seaa' is not a `branch` of any segment (did you mean 'sea'?); "
        "expected ';'-separated values from ['land', 'sea']."
    ) in problems_of(path)


def test_figure_with_a_missing_confidence_says_missing(edit):
    path = edit("transfers", set_cell("b_border", "time_confidence", "", id_column="transfer_id"))
    assert (
        "transfers['b_border']: `time_confidence` is missing; expected one of ['H', 'M', 'L'] (high, medium, low)."
        in problems_of(path)
    )


def test_network_without_transfers_falls_into_one_piece_per_mode_and_gauge(edit):
    edit("events", lambda f: f.assign(target="c"))  # the strike closed the port call; now the place
    path = edit("transfers", lambda f: f.iloc[0:0])
    message, needed = problems_of(path)
    assert message == (
        "the network falls into 4 pieces that no segment or transfer joins: [sea] c, d; [road] b, d; [rail] b, c; "
        "[rail] a, b. Add the missing segment or transfer (a port_call or transshipment where modes meet)."
    )
    assert needed.startswith("transfers are needed where modes, gauges or countries meet: at 'b' a border_crossing")


def test_blank_cells_are_missing_empty_or_only_whitespace():
    from corridor._validate import _blank

    assert _blank(pd.Series(["a", "  ", None, ""])).tolist() == [False, True, True, True]
    assert _blank(pd.Series(["a", 1, "  "], dtype=object)).tolist() == [False, False, True]  # not all text


def test_the_end_gap_bound_is_never_shorter_than_the_geodesic():
    # `_check_ends` measures only the ends this bound does not place within the allowed gap
    from corridor._validate import _MAX_KM_PER_DEGREE, GEOD

    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(-180, 180, 200_000), rng.uniform(-90, 90, 200_000)
    scale = 10.0 ** rng.uniform(-4, 2.5, 200_000)  # from metres to across the globe, near the poles too
    to_lon = np.clip(lon + rng.normal(0, 1, 200_000) * scale, -180, 180)
    to_lat = np.clip(lat + rng.normal(0, 1, 200_000) * scale, -90, 90)
    km = GEOD.inv(lon, lat, to_lon, to_lat)[2] / 1000.0
    bound = (np.abs(to_lat - lat) + np.abs(to_lon - lon)) * _MAX_KM_PER_DEGREE
    assert (km <= bound).all()


def test_padded_and_empty_text_cells_are_found_at_either_end():
    from corridor._validate import _stripped

    cells = np.array(["a", " b", "c ", "\u3000d", "e\t", "", "  ", "f g", "h"], dtype=object)
    assert _stripped(cells).tolist() == ["a", "b", "c", "d", "e", None, None, "f g", "h"]
    for padded in (" x", "x ", "\nx", "x\u00a0"):
        assert _stripped(np.array(["a", padded, "b"], dtype=object)).tolist() == ["a", "x", "b"]
    assert _stripped(np.array(["a", "", "b"], dtype=object)).tolist() == ["a", None, "b"]
    inner = np.array(["f g", "made-up synthetic corridor", "x\ty"], dtype=object)  # whitespace inside only
    assert _stripped(inner).tolist() == inner.tolist()
    assert _stripped(np.array(["f g", "x\x1c"], dtype=object)).tolist() == ["f g", "x"]  # as str.strip does


def test_absurd_coordinates_are_named_without_a_warning(edit):
    import warnings

    path = edit("places", set_cell("a", "lat", "1e308", id_column="place_id"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the end-gap bound must not overflow
        assert problems_of(path) == ["places['a']: coordinates lie outside lon -180..180, lat -90..90."]
