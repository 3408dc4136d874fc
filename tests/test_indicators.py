from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.costs import CostParameters
from corridor.indicators import border_crossings, cpmm_indicators, section_costs, speeds, time_cost_distance
from corridor.routing import best_route
from tests.conftest import place_pairs


@pytest.fixture
def road_route(toy):
    # a -> b rail (100 km, 2 h), border at b (4 h, 100 US$), rail to road (2 h), b -> d road (200 km, 4 h)
    p = CostParameters.default(cargo_unit="teu", price_year=2022, empty_return_share=0.0)  # the toy's 2022 US$
    return best_route(toy, "a", "d", by="time_h", parameters=p)


def test_profile_has_vertical_steps_at_transfers(road_route):
    profile = time_cost_distance(road_route)
    assert profile["cum_distance_km"].tolist() == [0.0, 100.0, 100.0, 100.0, 300.0]
    assert profile["cum_time_h"].tolist() == [0.0, 2.0, 6.0, 8.0, 12.0]
    steps = profile[profile["element_type"].eq("transfer")]
    assert steps["kind"].tolist() == ["border_crossing", "transshipment"] and steps["place"].eq("b").all()


def test_border_crossings_tfi1_tfi2(road_route):
    crossings = border_crossings(road_route)
    assert crossings.index.tolist() == ["b_border"]
    # the border (4 h, 100 US$) and the transloading from rail to road at the border post (2 h, 50 US$)
    assert crossings.loc["b_border", ["place", "time_h", "cost_usd"]].tolist() == ["b", 6.0, 150.0]
    assert crossings.loc["b_border", "includes"] == "b_border;b_rail_road"


def test_section_costs_by_country_in_travel_order(road_route):
    sections = section_costs(road_route)
    assert sections.index.tolist() == ["FIN", "SWE"]
    assert sections.loc["FIN", "distance_km"] == 100.0 and sections.loc["SWE", "distance_km"] == 200.0
    assert sections["cost_usd"].sum() == pytest.approx(road_route.totals["cost_usd_loaded"])


def test_speeds_by_hand(road_route):
    # 300 km in 6 h moving and 12 h in all
    assert speeds(road_route).to_dict() == {"swod_kmh": 50.0, "swd_kmh": 25.0}


def test_cpmm_summary(road_route):
    summary = cpmm_indicators(road_route)
    assert summary["border_crossings"] == 1 and summary["bcp_time_h"] == 6.0 and summary["swd_kmh"] == 25.0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_speed_with_delay_never_exceeds_speed_without(instc, data):
    origin, destination = data.draw(place_pairs(instc))
    s = speeds(best_route(instc, origin, destination, by="time_h"))
    assert s["swd_kmh"] <= s["swod_kmh"] + 1e-9


def test_a_gauge_change_at_the_border_counts_towards_the_crossing(instc):
    # Sarakhs: 28 h to change gauge and 12 h of border formalities, one crossing point of 40 h for CPMM
    route = best_route(instc, "mashhad", "bereket", by="time_h")
    crossings = border_crossings(route)
    assert crossings.index.tolist() == ["sarakhs_rail_border"]
    assert crossings.loc["sarakhs_rail_border", "time_h"] == 40.0
    assert cpmm_indicators(route)["bcp_time_h"] == 40.0


def test_profile_is_a_start_row_then_one_row_per_leg(road_route):
    profile = time_cost_distance(road_route)
    assert profile.columns.tolist() == [
        "leg", "element_id", "element_type", "kind", "place", "cum_distance_km", "cum_time_h", "cum_cost_usd",
    ]  # fmt: skip
    assert profile.index.tolist() == [0, 1, 2, 3, 4]
    assert profile.iloc[0].tolist() == [-1, None, "start", "start", "a", 0.0, 0.0, 0.0]
    assert profile["leg"].tolist() == [-1, 0, 1, 2, 3]
    assert profile["cum_cost_usd"].tolist()[1:] == road_route.legs["cum_cost_usd"].tolist()


def test_border_crossings_are_indexed_by_transfer_id(road_route):
    assert border_crossings(road_route).index.name == "transfer_id"


def test_section_cost_per_500_km_by_hand(road_route):
    # FIN: a_b_rail (100 km) and the border and transshipment at b; SWE: b_d_road (200 km)
    sections = section_costs(road_route)
    assert sections.index.name == "section"
    assert sections.columns.tolist() == ["distance_km", "time_h", "cost_usd", "cost_usd_per_500_km"]
    legs = road_route.legs
    fin, swe = legs["cost_usd"].iloc[:3].sum(), legs["cost_usd"].iloc[3]
    assert sections["cost_usd_per_500_km"].tolist() == pytest.approx([fin / 100 * 500, swe / 200 * 500])


def test_sea_legs_make_their_own_section_in_travel_order(toy):
    # a -> b rail (FIN), border at b (FIN), b -> c rail (SWE), port call at c (SWE), c -> d by sea
    route = best_route(toy, "a", "d", avoid_modes=["road"], parameters=CostParameters.default(cargo_unit="teu"))
    sections = section_costs(route)
    assert sections.index.tolist() == ["FIN", "SWE", "sea"]
    assert sections["distance_km"].tolist() == [100.0, 100.0, 200.0]


def test_cpmm_summary_in_full(toy):
    route = best_route(toy, "a", "d", by="time_h", parameters=CostParameters.default(cargo_unit="teu"), name="x")
    summary = cpmm_indicators(route)
    totals = route.totals
    assert summary.name == "x"
    assert summary.to_dict() == {
        # the border (4 h) and the transloading at the border post (2 h): one crossing point for CPMM
        "border_crossings": 1, "bcp_time_h": 6.0, "bcp_cost_usd": route.legs["cost_usd"].iloc[1:3].sum(),
        "distance_km": 300.0, "time_h": 12.0, "cost_usd": totals["cost_usd"], "swod_kmh": 50.0, "swd_kmh": 25.0,
    }  # fmt: skip


def test_water_legs_without_a_country_count_as_sea(edit):
    import corridor

    def inland(column, rows):
        def change(frame):
            frame.loc[frame.iloc[:, 0].isin(rows), column] = "inland_water"
            return frame

        return change

    edit("segments", inland("mode", ["c_d_sea"]))
    edit("transfers", inland("to_mode", ["c_port"]))
    toy = corridor.read_corridor(edit("transfers", inland("from_mode", ["d_port"])))
    route = best_route(toy, "a", "d", avoid_modes=["road"], parameters=CostParameters.default(cargo_unit="teu"),
                       handling_at_ends=False)  # fmt: skip
    assert route.legs["mode"].iloc[-1] == "inland_water"
    assert section_costs(route).index.tolist() == ["FIN", "SWE", "sea"]


def test_speeds_carry_the_route_name(toy):
    route = best_route(toy, "a", "d", by="time_h", name="x")
    assert speeds(route).name == "x"


def test_a_sea_leg_with_a_country_still_counts_as_sea(edit):
    import corridor

    def swedish_waters(segments):
        return segments.assign(country=segments["country"].mask(segments["segment_id"].eq("c_d_sea"), "SWE"))

    toy = corridor.read_corridor(edit("segments", swedish_waters))
    route = best_route(toy, "a", "d", avoid_modes=["road"], parameters=CostParameters.default(cargo_unit="teu"))
    assert section_costs(route).index.tolist() == ["FIN", "SWE", "sea"]


def _route_of(rows):
    """A stand-in for a Route: only its legs, written by hand (element_type, element_id, kind, from_place,
    country, mode, distance_km, time_h, cost_usd)."""
    legs = pd.DataFrame(rows, columns=["element_type", "element_id", "kind", "from_place", "country", "mode",
                                       "distance_km", "time_h", "cost_usd"])  # fmt: skip
    for column in ("time_source", "time_confidence", "cost_source", "cost_confidence"):
        legs[column] = "s"
    legs.index = pd.RangeIndex(len(legs), name="leg")
    return SimpleNamespace(legs=legs)


def test_border_crossings_split_stops_by_place_and_count_each_stop_once():
    route = _route_of([
        ("transfer", "x_port", "port_call", "x", "AAA", None, 0.0, 1.0, 10.0),
        ("transfer", "x_border", "border_crossing", "x", "AAA", None, 0.0, 2.0, 20.0),
        ("transfer", "y_border", "border_crossing", "y", "BBB", None, 0.0, 4.0, 40.0),  # next place, no segment
        ("segment", "y_z", None, "y", "BBB", "rail", 100.0, 2.0, 50.0),
        ("transfer", "z_border", "border_crossing", "z", "CCC", None, 0.0, 8.0, 80.0),
        ("transfer", "z_border_2", "border_crossing", "z", "CCC", None, 0.0, 16.0, 160.0),  # one stop, two posts
        ("segment", "z_w", None, "z", "CCC", "rail", 100.0, 2.0, 50.0),
    ])  # fmt: skip
    crossings = border_crossings(route)
    assert crossings.index.tolist() == ["x_border", "y_border", "z_border"]
    assert crossings["includes"].tolist() == ["x_port;x_border", "y_border", "z_border;z_border_2"]
    assert crossings["time_h"].tolist() == [3.0, 4.0, 24.0]


def test_section_costs_per_500_km_only_where_a_section_has_length():
    route = _route_of([
        ("segment", "a_b", None, "a", "CCC", "rail", 100.0, 2.0, 50.0),
        ("transfer", "b_border", "border_crossing", "b", "BBB", None, 0.0, 4.0, 100.0),  # a section of no length
        ("segment", "b_c", None, "b", "AAA", "road", 0.5, 0.1, 2.0),  # half a kilometre
    ])  # fmt: skip
    sections = section_costs(route)
    assert sections.index.tolist() == ["CCC", "BBB", "AAA"]  # in travel order, not sorted
    assert sections.loc["CCC", "cost_usd_per_500_km"] == 250.0
    assert np.isnan(sections.loc["BBB", "cost_usd_per_500_km"])
    assert sections.loc["AAA", "cost_usd_per_500_km"] == 2000.0
