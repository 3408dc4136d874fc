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
