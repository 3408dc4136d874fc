import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corridor
from corridor import _model
from corridor.costs import CostParameters
from corridor.errors import ConstraintError, CorridorValidationError, NoRouteError, UnknownPlaceError
from corridor.routing import NoRoute, alternatives, best_route, compare_routes, named_routes, sensitivity, skim
from tests.conftest import place_pairs

ROAD = ["a_b_rail", "b_border", "b_rail_road", "b_d_road"]
SEA = ["a_b_rail", "b_border", "b_c_rail", "c_port", "c_d_sea"]
SEA_HANDLED = [*SEA, "d_port"]  # d has a road side: a box landed there passes its port call


@pytest.fixture
def teu():  # the toy's figures are 2022 US$; no empties, so the hand sums below hold
    return CostParameters.default(cargo_unit="teu", price_year=2022, empty_return_share=0.0)


def test_criterion_decides_the_route(toy, teu):
    # by time the road wins: 2 + 4 + 2 + 4 = 12 h, against 2 + 4 + 2 + 12 + 10 + 84 = 114 h by sea
    assert best_route(toy, "a", "d", by="time_h", parameters=teu).elements == ROAD
    # from the first departure to the last arrival, the sea wins on money: 60 + 100 + 60 + 200 + 24 = 444 US$,
    # against 60 + 100 + 50 + 240 = 450 US$ by road (12 t a TEU at 0.05, 0.01 and 0.1 US$/t-km)
    by_cost = best_route(toy, "a", "d", by="cost_usd", parameters=teu, handling_at_ends=False)
    assert by_cost.elements == SEA
    assert by_cost.totals["cost_usd"] == pytest.approx(444.0)


def test_handling_at_the_ends_counts_the_port_call(toy, teu):
    # counted by default: the sea route pays d's port call too (444 + 200 US$), and the road (450) wins
    sea = best_route(toy, "a", "d", by="cost_usd", parameters=teu, modes=["rail", "sea"])
    assert sea.elements == SEA_HANDLED and sea.totals["cost_usd"] == pytest.approx(644.0)
    assert best_route(toy, "a", "d", by="cost_usd", parameters=teu).elements == ROAD
    # from the port by sea: d's port call and the sea leg; from b (beside it by road) the same plus the road
    from_port = best_route(toy, "d", "c", by="time_h", parameters=teu, modes=["sea"])
    assert from_port.elements == ["d_port", "c_d_sea", "c_port"]


def test_a_stop_adds_its_time_to_every_route_through_its_terminal(toy, teu):
    import dataclasses

    stop = pd.DataFrame(
        {"place_id": "b", "kind": "customs", "from_mode": "road", "from_gauge_mm": np.nan, "from_country": "SWE",
         "to_mode": "road", "to_gauge_mm": np.nan, "to_country": "SWE", "directed": False, "time_h_mode": 5.0,
         "cost_usd_per_teu": 30.0, "time_source": "test", "time_confidence": "H"},
        index=pd.Index(["b_customs"], name="transfer_id"),
    )  # fmt: skip
    with_stop = dataclasses.replace(toy, transfers=pd.concat([toy.transfers, stop]))
    before = best_route(toy, "a", "d", by="time_h", parameters=teu)
    after = best_route(with_stop, "a", "d", by="time_h", parameters=teu)
    assert after.elements == ["a_b_rail", "b_border", "b_rail_road", "b_customs", "b_d_road"]
    assert after.totals["time_h"] == before.totals["time_h"] + 5.0
    assert after.totals["n_customs"] == 1
    # a route from b by road starts at the stop when the ends are handled, and skips it when they are not
    assert best_route(with_stop, "b", "d", by="time_h", parameters=teu).elements == ["b_customs", "b_d_road"]
    assert best_route(with_stop, "b", "d", by="time_h", parameters=teu, handling_at_ends=False).elements == ["b_d_road"]


def test_empty_boxes_come_back_by_the_cheapest_way(toy, teu):
    with_empties = teu.replace(empty_return_share=0.5, empty_cost_ratio=0.5)
    route = best_route(toy, "a", "d", by="time_h", parameters=with_empties)
    # the way back d -> a by money is the road (450 US$ loaded): a quarter of it per loaded box
    assert route.totals["empty_repositioning_usd"] == pytest.approx(0.25 * 450.0)
    assert route.totals["cost_usd"] == pytest.approx(450.0 + 0.25 * 450.0)
    assert best_route(toy, "a", "d", by="time_h", parameters=teu).totals["empty_repositioning_usd"] == 0.0


def test_legs_carry_running_totals_and_sources(toy, teu):
    route = best_route(toy, "a", "d", by="time_h", parameters=teu)
    legs = route.legs
    assert legs.index.name == "leg" and legs["element_type"].tolist() == ["segment", "transfer", "transfer", "segment"]
    assert legs["cum_time_h"].tolist() == [2.0, 6.0, 8.0, 12.0]
    assert legs["cum_distance_km"].tolist() == [100.0, 100.0, 100.0, 300.0]
    assert route.totals["moving_time_h"] == 6.0 and route.totals["stopped_time_h"] == 6.0
    assert route.totals["share_time_stopped"] == 0.5
    assert legs["time_source"].notna().all() and legs["cost_confidence"].notna().all()
    assert legs.crs == "EPSG:4326"


def test_a_segment_run_backwards_is_reversed(toy, teu):
    route = best_route(toy, "d", "a", by="time_h", parameters=teu)
    first = route.legs.iloc[0]
    assert first["element_id"] == "b_d_road" and first["from_place"] == "d" and first["to_place"] == "b"
    assert first.geometry.coords[0] == pytest.approx((1.8, 1.8))


def test_via_forces_the_route(toy, teu):
    # by time the quickest way via c goes there and back: a-b-c-b-d (2+4+2+2+2+4 h), not by sea (114 h)
    there_and_back = best_route(toy, "a", "d", by="time_h", via=["c"], parameters=teu)
    assert there_and_back.elements == ["a_b_rail", "b_border", "b_c_rail", "b_c_rail", "b_rail_road", "b_d_road"]
    assert there_and_back.totals["time_h"] == 16.0
    # by money via c: there and back by rail and road (60 + 100 + 60 + 60 + 50 + 240 = 570 US$) beats the sea with
    # d's port call (644 US$)
    assert best_route(toy, "a", "d", by="cost_usd", via=["c"], parameters=teu).elements == there_and_back.elements


def test_mode_constraints(toy, teu):
    assert best_route(toy, "a", "d", by="time_h", avoid_modes=["road"], parameters=teu).elements == SEA_HANDLED
    assert best_route(toy, "a", "d", by="time_h", modes=["rail", "sea"], parameters=teu).elements == SEA_HANDLED


def test_avoid_passage(toy, teu):
    assert best_route(toy, "a", "d", by="cost_usd", avoid_passages=["narrows"], parameters=teu).elements == ROAD


def test_place_names_resolve_and_misspellings_suggest(toy, instc):
    assert best_route(toy, "Alpha", "Delta").origin == "a"
    with pytest.raises(
        UnknownPlaceError, match=r"`origin` 'moskow' is not a place of this corridor \(did you mean 'moscow'\?\)"
    ):
        best_route(instc, "moskow", "jnpt")


def test_no_route_names_the_constraint(toy):
    with pytest.raises(
        NoRouteError, match=r"no route from 'a' to 'd': dropping any one of `avoid_places=\['b'\]` would give"
    ):
        best_route(toy, "a", "d", avoid_places=["b"])


def test_no_route_names_the_closure(toy):
    with pytest.raises(
        NoRouteError, match=r"as of 2026-01-05 the corridor is cut by closures in force: c_port_strike \(c_port\)"
    ):
        best_route(toy, "a", "d", avoid_modes=["road"], as_of="2026-01-05")


def test_as_of_changes_the_route(toy, teu):
    assert best_route(toy, "a", "d", by="cost_usd", parameters=teu, as_of="2026-01-05").elements == ROAD
    route = best_route(toy, "a", "d", by="cost_usd", parameters=teu, as_of="2026-02-01", handling_at_ends=False)
    assert route.elements == SEA and route.as_of == "2026-02-01"


def test_availability_dates_change_the_instc_route(instc):
    # the Qazvin-Rasht railway opened on 6 Mar 2019: by rail, Qazvin reaches Rasht only after that date
    with pytest.raises(NoRouteError, match=r"as of 2019-01-01 .*out of service then: .*rasht_qazvin_rail"):
        best_route(instc, "qazvin", "rasht", by="time_h", modes=["rail"], as_of="2019-01-01")
    after = best_route(instc, "qazvin", "rasht", by="time_h", modes=["rail"], as_of="2020-01-01")
    assert after.elements == ["rasht_qazvin_rail"]
    by_road = best_route(instc, "qazvin", "rasht", by="time_h", modes=["road"], as_of="2019-01-01")
    assert by_road.elements == ["rasht_qazvin_road"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"avoid_places": ["a"]}, r"`origin` 'a' is also in `avoid_places`"),
        ({"avoid_countries": ["SWE"]}, r"`destination` 'd' lies in SWE, which `avoid_countries` excludes"),
        ({"modes": ["rail"], "avoid_modes": ["rail"]}, r"`modes` allows \['rail'\], which `avoid_modes` forbids"),
        ({"avoid_modes": ["rial"]}, r"`avoid_modes` has 'rial'; expected values from .* \(did you mean 'rail'\?\)"),
        ({"via": ["d"]}, r"`via\[0\]` 'd' is the origin or the destination"),
        ({"by": "days"}, r"`by` was 'days'; expected one of \['generalised_cost_usd'"),
    ],
)
def test_contradictory_constraints_are_refused_before_search(toy, kwargs, message):
    with pytest.raises(ConstraintError, match=message):
        best_route(toy, "a", "d", **kwargs)


def test_several_contradictions_reported_together(toy):
    with pytest.raises(ConstraintError) as info:
        best_route(toy, "a", "a", avoid_places=["a"])
    assert "are both 'a'" in str(info.value) and "also in `avoid_places`" in str(info.value)


def test_alternatives_are_distinct_and_ordered(instc):
    routes = alternatives(instc, "jnpt", "moscow", k=4, by="time_h")
    assert len(routes) == 4
    assert len({tuple(r.elements) for r in routes}) == 4
    times = [r.totals["time_h"] for r in routes]
    assert times == sorted(times)


def test_alternatives_refuse_bad_k_and_unknown_constraints(toy):
    with pytest.raises(ValueError, match=r"`k` was 0"):
        alternatives(toy, "a", "d", k=0)
    with pytest.raises(TypeError, match=r"unknown constraint\(s\) \['avoid_ports'\]"):
        alternatives(toy, "a", "d", avoid_ports=["c"])


def test_named_routes_follow_their_branches(instc):
    found = named_routes(instc, "jnpt", "moscow")
    assert set(found) == {"western", "trans_caspian", "eastern", "suez"}
    assert "baku_astara_az_rail" in found["western"].elements or "baku_astara_az_road" in found["western"].elements
    assert any(e.endswith("_sea") and e != "jnpt_shahid_rajaee_sea" for e in found["trans_caspian"].elements)
    assert "etrek_gauge_change" in found["eastern"].elements or "sarakhs_gauge_change" in found["eastern"].elements
    assert found["suez"].elements[:2] == ["jnpt_port", "st_petersburg_jnpt_sea"]  # handled at the port
    assert "astara_ir_rasht_rail" not in found["western"].elements  # the missing link is not operational


def test_named_routes_during_the_2026_closures(instc):
    found = named_routes(instc, "jnpt", "moscow", as_of="2026-05-01")
    assert isinstance(found["western"], NoRoute) and "hormuz_closure_2026 (hormuz)" in found["western"].reason
    assert not isinstance(found["suez"], NoRoute)


def test_unknown_named_route(instc):
    with pytest.raises(
        ValueError, match=r"`routes` has 'westren', which is not a named route \(did you mean 'western'\?\)"
    ):
        named_routes(instc, "jnpt", "moscow", routes=["westren"])


def test_comparison_table_and_assumptions(instc):
    found = named_routes(instc, "jnpt", "moscow", as_of="2026-05-01")
    comparison = compare_routes(found, reference="suez")
    table = comparison.table
    assert table.loc["suez", "time_ratio"] == 1.0 and table.loc["suez", "cost_ratio"] == 1.0
    assert not table.loc["western", "available"] and "hormuz" in table.loc["western", "note"]
    assert table.loc["suez", "weakest_cost"].startswith("L: ")
    assert comparison.assumptions.loc["cargo_unit", "value"] == "teu"
    assert comparison.assumptions.loc["as_of", "value"] == "2026-05-01"
    text = repr(comparison)
    assert "Assumptions:" in text and "empty_return_share" in text
    assert "<h4>Assumptions</h4>" in comparison._repr_html_()


def test_compare_routes_checks_the_reference(toy):
    routes = {"fast": best_route(toy, "a", "d", by="time_h")}
    with pytest.raises(ValueError, match=r"`reference` was 'slow'; expected one of the available routes \['fast'\]"):
        compare_routes(routes, reference="slow")


# --- properties -----------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_raising_a_delay_never_lowers_the_best_time(instc, data):
    transfer = data.draw(st.sampled_from(sorted(instc.transfers.index)))
    extra_h = data.draw(st.floats(min_value=0.0, max_value=500.0))
    origin, destination = data.draw(st.sampled_from([("jnpt", "moscow"), ("mundra", "baku"), ("chabahar", "aktau")]))
    transfers = instc.transfers.copy()
    transfers.loc[transfer, ["time_h_mode", "time_h_max"]] += extra_h
    slower = dataclasses.replace(instc, transfers=transfers)
    before = best_route(instc, origin, destination, by="time_h").totals["time_h"]
    after = best_route(slower, origin, destination, by="time_h").totals["time_h"]
    assert after >= before - 1e-9


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_slowing_a_segment_never_lowers_the_best_time(instc, data):
    segment = data.draw(st.sampled_from(sorted(instc.segments.index)))
    factor = data.draw(st.floats(min_value=0.1, max_value=1.0))
    segments = instc.segments.copy()
    segments.loc[segment, "speed_kmh"] *= factor
    slower = dataclasses.replace(instc, segments=segments)
    before = best_route(instc, "jnpt", "moscow", by="time_h").totals["time_h"]
    after = best_route(slower, "jnpt", "moscow", by="time_h").totals["time_h"]
    assert after >= before - 1e-9


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_route_invariants_between_any_two_places(instc, data):
    origin, destination = data.draw(place_pairs(instc))
    by = data.draw(st.sampled_from(["time_h", "cost_usd", "distance_km", "co2e_kg", "generalised_cost_usd"]))
    route = best_route(instc, origin, destination, by=by)
    legs = route.legs
    totals = route.totals.rename({"cost_usd": "with_empties", "cost_usd_loaded": "cost_usd"})
    for metric in ("distance_km", "time_h", "cost_usd", "co2e_kg"):
        assert np.all(np.diff(legs[f"cum_{metric}"]) >= -1e-9)
        assert legs[f"cum_{metric}"].iloc[-1] == pytest.approx(totals[metric])
    assert totals["with_empties"] == pytest.approx(totals["cost_usd"] + totals["empty_repositioning_usd"])
    assert legs["from_place"].iloc[0] == origin and legs["to_place"].iloc[-1] == destination
    joined = legs["to_place"].iloc[:-1].to_numpy() == legs["from_place"].iloc[1:].to_numpy()
    assert joined.all()
    assert pd.Series(route.elements).is_unique  # without `via` a cheapest route never repeats an element


def test_sensitivity_to_empty_returns_moves_cost_not_time(instc):
    from corridor.routing import sensitivity

    cost = sensitivity(
        instc, "jnpt", "moscow", parameter="empty_return_share", values=[0.0, 0.5, 1.0], metric="cost_usd"
    )
    assert (cost.diff().iloc[1:] > 0).all().all()  # every route costs more with more empties
    time = sensitivity(
        instc, "jnpt", "moscow", parameter="empty_return_share", values=[0.0, 1.0], metric="time_h", by="time_h"
    )
    assert (time.iloc[0] == time.iloc[1]).all()


def test_sensitivity_over_dates_marks_missing_routes(instc):
    from corridor.routing import sensitivity

    table = sensitivity(
        instc, "jnpt", "moscow", parameter="as_of", values=["2025-05-01", "2026-05-01"], metric="time_h"
    )
    assert table.loc["2025-05-01"].notna().all()
    assert table.loc["2026-05-01", "western"] != table.loc["2026-05-01", "western"]  # NaN: cut by Hormuz
    assert table.loc["2026-05-01", "suez"] > 0


# --- compiled once, skims, scale ---------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_reused_graph_answers_as_a_fresh_compile(instc, data):
    parameters = CostParameters.default(
        cargo_unit=data.draw(st.sampled_from(["teu", "feu", "tonne"])),
        value_of_time_pct_per_day=data.draw(st.floats(0.0, 2.0)),
        empty_return_share=data.draw(st.floats(0.0, 1.0)),
        carbon_price_usd_per_t=data.draw(st.floats(0.0, 200.0)),
    )
    by = data.draw(st.sampled_from(["time_h", "cost_usd", "distance_km", "co2e_kg", "generalised_cost_usd"]))
    as_of = data.draw(st.sampled_from([None, "2019-06-01", "2025-05-01", "2026-03-05"]))
    origin, destination = data.draw(place_pairs(instc))
    fresh = instc.copy()  # a copy has no compiled graph yet

    def found(c):
        try:
            route = best_route(c, origin, destination, by=by, parameters=parameters, as_of=as_of)
        except NoRouteError as error:
            return str(error)
        return route.elements, route.totals.to_dict()

    assert found(instc) == found(fresh)


def test_skim_by_hand(toy, teu):
    table = skim(toy, ["a", "d"], ["c", "d"], by="time_h", parameters=teu)
    assert table.index.tolist() == [("a", "c"), ("a", "d"), ("d", "c")]
    # a-b-c by rail with the border: 2 + 4 + 2 h; a to d by road as in test_criterion_decides_the_route: 12 h
    assert table["time_h"].tolist() == [8.0, 12.0, 8.0]  # d-b by road 4, transshipment 2, b-c by rail 2
    assert table.attrs["criterion"] == "time_h" and table.attrs["cargo_unit"] == "teu"


def test_skim_agrees_with_best_route_pair_by_pair(instc):
    for by in ("time_h", "cost_usd", "generalised_cost_usd"):
        table = skim(instc, by=by)
        for (origin, destination), row in table.sample(40, random_state=0).iterrows():
            try:
                totals = best_route(instc, origin, destination, by=by).totals
            except NoRouteError:
                assert row.isna().all()
                continue
            assert row.to_numpy() == pytest.approx(totals[list(row.index)].to_numpy(dtype=float))


def test_skim_takes_constraints_and_marks_missing_routes(toy, teu):
    table = skim(toy, ["a"], ["d"], by="time_h", parameters=teu, avoid_modes=["road"])
    assert table["time_h"].iloc[0] == 114.0 + 12.0  # forced onto the sea leg, and d's port call
    cut = skim(toy, ["a"], ["d"], by="time_h", parameters=teu, avoid_modes=["road", "sea"])
    assert cut.isna().all(axis=None)
    with pytest.raises(TypeError, match=r"`skim` takes those of `best_route` but `via`"):
        skim(toy, ["a"], ["d"], via=["c"])
    with pytest.raises(UnknownPlaceError, match=r"`destinations` 'dleta' .*did you mean 'delta'"):
        skim(toy, ["a"], ["dleta"])


def test_alternatives_k_has_a_cap(toy):
    with pytest.raises(ValueError, match=r"`k` was 1000; expected a whole number of routes from 1 to 50"):
        alternatives(toy, "a", "d", k=1000)


def test_a_generated_corridor_of_10k_segments_reads_validates_and_routes(tmp_path):
    import corridor

    made = corridor.datasets.synthetic_corridor(10_000, seed=3)
    assert len(made.segments) == 10_000
    back = corridor.read_corridor(made.to_file(tmp_path / "big"))
    assert back.segments.index.equals(made.segments.index)
    first, last = back.places.index[0], back.places.index[-1]
    route = best_route(back, first, last, by="distance_km")
    assert route.legs["from_place"].iloc[0] == first and route.legs["to_place"].iloc[-1] == last
    table = skim(back, [first], [last], by="distance_km")
    assert table["distance_km"].iloc[0] == pytest.approx(route.totals["distance_km"])
    # on a grid 0.1 degrees a step, a route takes at least as many segments as grid steps between its ends
    a, b = back.places.geometry[first], back.places.geometry[last]
    steps = round((abs(b.x - a.x) + abs(b.y - a.y)) / 0.1)
    assert route.totals["distance_km"] >= steps * back.segments["length_km"].min()


def test_a_route_from_a_port_is_the_route_from_the_city_beside_it_less_the_leg_between(toy, teu):
    # b lies by road beside the port d: b -> c by road and sea is the road to d, then exactly the route from d
    from_port = best_route(toy, "d", "c", by="time_h", parameters=teu, modes=["road", "sea"])
    from_city = best_route(toy, "b", "c", by="time_h", parameters=teu, modes=["road", "sea"])
    assert from_city.elements == ["b_d_road", *from_port.elements]
    leg = from_city.legs.iloc[0]
    for metric in ("time_h", "cost_usd_loaded", "distance_km"):
        column = "cost_usd" if metric == "cost_usd_loaded" else metric
        assert from_city.totals[metric] == pytest.approx(from_port.totals[metric] + leg[column])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_adding_a_stop_never_lowers_the_best_time(instc, data):
    segment = instc.segments.loc[data.draw(st.sampled_from(sorted(instc.segments.index)))]
    place = data.draw(st.sampled_from([segment["from_place"], segment["to_place"]]))
    water = segment["mode"] in ("sea", "inland_water")
    country = None if water else segment["country"]
    hours = data.draw(st.floats(0.0, 200.0))
    stop = pd.DataFrame(
        {"place_id": place, "kind": "inspection", "from_mode": segment["mode"], "from_gauge_mm": segment["gauge_mm"],
         "from_country": country, "to_mode": segment["mode"], "to_gauge_mm": segment["gauge_mm"],
         "to_country": country, "directed": False, "time_h_mode": hours, "cost_usd_per_teu": 0.0,
         "time_source": "test", "time_confidence": "H"},
        index=pd.Index(["drawn_stop"], name="transfer_id"),
    )  # fmt: skip
    stopped = dataclasses.replace(instc, transfers=pd.concat([instc.transfers, stop]))
    origin, destination = data.draw(st.sampled_from([("jnpt", "moscow"), ("mundra", "baku"), ("chabahar", "aktau")]))
    before = best_route(instc, origin, destination, by="time_h").totals["time_h"]
    after = best_route(stopped, origin, destination, by="time_h").totals["time_h"]
    assert after >= before - 1e-9


# --- behaviours pinned down by mutation testing (tests/MUTANTS.md) ---------------------------------------------


def test_route_repr_by_hand(toy, teu):
    route = best_route(toy, "a", "d", by="time_h", parameters=teu, name="fast")
    t = route.totals  # 300 km in 12 h; money and CO2e come from the cost model
    assert repr(route) == (
        f"<Route fast: a -> d, 4 legs, 300 km, 0.5 days, US${t['cost_usd']:,.0f} per teu, {t['co2e_kg']:,.0f} kg CO2e>"
    )


def test_comparison_table_columns_and_rows_by_hand(toy, teu):
    routes = {
        "fast": best_route(toy, "a", "d", by="time_h", parameters=teu),
        "none": NoRoute("none", "closed for the test"),
        "cheap": best_route(toy, "a", "d", by="cost_usd", parameters=teu, handling_at_ends=False),  # by sea
    }
    table = compare_routes(routes).table  # reference: the first available route, "fast"
    assert table.index.name == "route" and table.index.tolist() == ["fast", "none", "cheap"]
    assert table.columns.tolist() == [
        "available", "distance_km", "time_h", "time_days", "cost_usd", "co2e_kg", "generalised_cost_usd",
        "share_time_stopped", "transfers", "weakest_time", "weakest_cost", "weakest_co2e", "note",
        "distance_ratio", "time_ratio", "cost_ratio", "co2e_ratio", "generalised_cost_ratio",
    ]  # fmt: skip
    fast = table.loc["fast"]
    assert fast["available"]
    assert (fast["time_h"], fast["time_days"], fast["transfers"], fast["note"]) == (12.0, 0.5, 2, "")
    assert fast["share_time_stopped"] == 0.5  # 6 h stopped of 12
    assert table.loc["cheap", "time_ratio"] == 114.0 / 12.0
    assert not table.loc["none", "available"] and table.loc["none", "note"] == "closed for the test"


def test_comparison_assumptions_start_with_the_arguments(toy, teu):
    routes = {"fast": best_route(toy, "a", "d", by="time_h", parameters=teu)}
    assumptions = compare_routes(routes).assumptions
    head = assumptions.iloc[:3]
    assert head.index.name == "parameter" and head.index.tolist() == ["criterion", "as_of", "reference_route"]
    assert head["value"].tolist() == ["time_h", "-", "fast"]
    assert head[["unit", "source", "confidence"]].values.tolist() == [["", "argument", "-"]] * 3


def test_compare_routes_names_unnamed_routes_by_position(toy, teu):
    fast = best_route(toy, "a", "d", by="time_h", parameters=teu)
    named = best_route(toy, "a", "d", by="cost_usd", parameters=teu, name="cheap")
    assert compare_routes([fast, named, fast]).table.index.tolist() == ["route 1", "cheap", "route 3"]


def test_compare_routes_with_no_route_at_all_gives_every_reason():
    with pytest.raises(ValueError, match=r"^none of the routes exists: x: closed; y: cut$"):
        compare_routes({"x": NoRoute("x", "closed"), "y": NoRoute("y", "cut")})


def test_compare_routes_suggests_the_reference_meant(toy):
    routes = {"fast": best_route(toy, "a", "d", by="time_h")}
    with pytest.raises(ValueError, match=r"\['fast'\] \(did you mean 'fast'\?\)\.$"):
        compare_routes(routes, reference="fsat")


def test_comparison_html_formats_numbers_and_gaps(toy, teu):
    routes = {"fast": best_route(toy, "a", "d", by="time_h", parameters=teu), "none": NoRoute("none", "closed")}
    html = compare_routes(routes)._repr_html_()
    assert "<td>12.00</td>" in html and "<td>0.50</td>" in html  # time_h and time_days, two decimals
    assert "<td>-</td>" in html.split("<h4>")[0]  # the missing route's figures
    assert "</table><h4>Assumptions</h4><table" in html


def test_alternatives_default_to_three_named_in_order(instc):
    routes = alternatives(instc, "jnpt", "moscow")
    assert [r.name for r in routes] == ["alternative 1", "alternative 2", "alternative 3"]


def test_alternatives_accept_one_and_refuse_zero_with_their_own_message(toy):
    assert len(alternatives(toy, "a", "d", k=1)) == 1
    with pytest.raises(ValueError, match=r"^`k` was 0; expected a whole number of routes >= 1\.$"):
        alternatives(toy, "a", "d", k=0)


def test_alternatives_pass_parameters_and_date_on(toy, teu):
    routes = alternatives(toy, "a", "d", k=2, by="cost_usd", parameters=teu, as_of="2026-01-05")
    assert [r.elements for r in routes] == [ROAD]  # the sea route is closed by the port strike
    assert routes[0].parameters is teu and routes[0].as_of == "2026-01-05"


def test_named_routes_carry_their_names(toy, instc):
    assert named_routes(toy, "a", "d")["overland"].name == "overland"
    cut = named_routes(instc, "jnpt", "moscow", as_of="2026-05-01", routes=["western"])["western"]
    assert isinstance(cut, NoRoute) and cut.name == "western"


def test_sensitivity_defaults_to_generalised_cost_indexed_by_the_parameter(toy):
    from corridor.routing import sensitivity

    table = sensitivity(toy, "a", "d", parameter="empty_return_share", values=[0.0])
    expected = named_routes(toy, "a", "d", parameters=CostParameters.default(empty_return_share=0.0))
    assert table.index.name == "empty_return_share"
    assert table.loc[0.0, "overland"] == expected["overland"].totals["generalised_cost_usd"]


def test_sensitivity_over_dates_keeps_the_criterion_and_parameters(instc):
    from corridor.routing import sensitivity

    p = CostParameters.default(empty_return_share=0.0)
    table = sensitivity(instc, "jnpt", "moscow", parameter="as_of", values=["2025-05-01"], metric="cost_usd",
                        by="time_h", parameters=p)  # fmt: skip
    found = named_routes(instc, "jnpt", "moscow", by="time_h", parameters=p, as_of="2025-05-01")
    assert table.loc["2025-05-01"].to_dict() == {k: r.totals["cost_usd"] for k, r in found.items()}


def test_sensitivity_over_a_parameter_keeps_the_date(instc):
    from corridor.routing import sensitivity

    table = sensitivity(instc, "jnpt", "moscow", parameter="empty_return_share", values=[0.0], metric="time_h",
                        as_of="2026-05-01")  # fmt: skip
    assert np.isnan(table.loc[0.0, "western"])  # cut by Hormuz on that date
    assert table.index.name == "empty_return_share"


def test_avoiding_a_valid_country_or_a_passage_in_a_list_of_passages(toy, instc):
    # both ports have a land side, so the route passes the port calls at its two ends
    assert best_route(toy, "c", "d", avoid_countries=["FIN"]).elements == ["c_port", "c_d_sea", "d_port"]
    route = best_route(instc, "jnpt", "moscow", avoid_passages=["gibraltar"])
    assert "gibraltar" not in ";".join(route.legs["element_id"])


def test_no_route_message_in_full_for_a_closure(toy):
    with pytest.raises(NoRouteError) as error:
        best_route(toy, "a", "d", avoid_modes=["road"], as_of="2026-01-05")
    assert str(error.value) == (
        "no route from 'a' to 'd': as of 2026-01-05 the corridor is cut by closures in force: c_port_strike (c_port); "
        "dropping any one of `avoid_modes=['road']` would give a route."
    )


def test_no_route_lists_every_closure_in_force(edit):
    def strike_at_d(events):
        return pd.concat([events, events.assign(event_id="d_port_strike", target="d_port")], ignore_index=True)

    toy = corridor_from(edit("events", strike_at_d))
    with pytest.raises(NoRouteError, match=r"closures in force: c_port_strike \(c_port\), d_port_strike \(d_port\);"):
        best_route(toy, "a", "d", avoid_modes=["road"], as_of="2026-01-05")


def test_no_route_names_segments_not_yet_open_without_closures(edit):
    def open_later(segments):
        later = segments["segment_id"].isin(["b_c_rail", "b_d_road"])
        return segments.assign(available_from=np.where(later, "2027-01-01", segments["available_from"]))

    toy = corridor_from(edit("segments", open_later))
    with pytest.raises(NoRouteError) as error:
        best_route(toy, "a", "d", as_of="2026-06-01")
    assert str(error.value) == (
        "no route from 'a' to 'd': as of 2026-06-01 the corridor is cut; "
        "segments out of service then: b_c_rail, b_d_road."
    )


def test_no_route_names_links_not_yet_operational(edit):
    def plan_the_road(segments):
        return segments.assign(status=np.where(segments["segment_id"].eq("b_d_road"), "planned", segments["status"]))

    toy = corridor_from(edit("segments", plan_the_road))
    with pytest.raises(NoRouteError) as error:
        best_route(toy, "a", "d", avoid_modes=["sea"])
    assert str(error.value) == (
        "no route from 'a' to 'd': only links not yet operational would connect them (b_d_road); "
        "dropping any one of `avoid_modes=['sea']` would give a route."
    )


def test_no_route_lists_every_link_not_yet_operational(edit):
    def plan_two(segments):
        planned = segments["segment_id"].isin(["b_c_rail", "b_d_road"])
        return segments.assign(status=segments["status"].mask(planned, "planned"))

    toy = corridor_from(edit("segments", plan_two))
    with pytest.raises(NoRouteError) as error:
        best_route(toy, "a", "d")
    assert str(error.value) == (
        "no route from 'a' to 'd': only links not yet operational would connect them (b_c_rail, b_d_road)."
    )


def test_no_route_names_each_constraint_that_alone_cuts_it(toy):
    # the road needs mode road, the sea route needs place c: either constraint dropped gives a route
    with pytest.raises(NoRouteError) as error:
        best_route(toy, "a", "d", avoid_places=["c"], avoid_modes=["road"])
    assert str(error.value) == (
        "no route from 'a' to 'd': dropping any one of `avoid_places=['c']`, `avoid_modes=['road']` would give a route."
    )


def test_no_route_when_no_single_constraint_is_to_blame(toy):
    with pytest.raises(NoRouteError, match=r"^no route from 'a' to 'd': the constraints .* together leave no path; "):
        best_route(toy, "a", "d", avoid_modes=["road", "sea"], modes=["rail"])


def with_legs(route, **columns):
    """`route` with a hand-made legs table (``weakest`` reads only the legs)."""
    route.__dict__["legs"] = pd.DataFrame(columns)
    return route


def test_weakest_skips_legs_that_add_nothing(toy):
    # x adds 0 h (L), w adds 0.5 h (M), y adds 5 h (H): the weakest figure that matters is w's
    route = with_legs(best_route(toy, "a", "d"), element_id=["x", "w", "y"], time_h=[0.0, 0.5, 5.0],
                      time_confidence=["L", "M", "H"], time_source=["sx", "sw", "sy"])  # fmt: skip
    assert route.weakest("time") == "M: w (sw)"


def test_weakest_counts_a_missing_confidence_as_the_lowest(toy):
    route = with_legs(best_route(toy, "a", "d"), element_id=["y", "z"], time_h=[5.0, 3.0],
                      time_confidence=[pd.NA, "L"], time_source=["sy", "sz"])  # fmt: skip
    assert route.weakest("time").endswith(": y (sy)")  # not "L: z (sz)"


def test_weakest_of_a_figure_no_leg_adds_to_is_empty(toy):
    route = with_legs(best_route(toy, "a", "d"), element_id=["x"], co2e_kg=[0.0], co2e_confidence=["L"],
                      co2e_source=["sx"])  # fmt: skip
    assert route.weakest("co2e") == ""


def test_unnamed_route_repr_has_no_label(toy, teu):
    route = best_route(toy, "a", "d", by="cost_usd", parameters=teu, handling_at_ends=False)  # by sea: 400 km, 114 h
    assert repr(route).startswith("<Route a -> d, 5 legs, 400 km, 4.8 days, US$")


def test_legs_of_transfers_have_no_mode_and_no_emission_factor(toy, teu):
    legs = best_route(toy, "a", "d", by="time_h", parameters=teu).legs  # rail, border, transshipment, road
    assert legs["mode"].isna().tolist() == [False, True, True, False]
    assert legs["mode"].iloc[[0, 3]].tolist() == ["rail", "road"]
    assert legs["co2e_source"].iloc[1:3].tolist() == ["hub emissions not counted"] * 2
    assert legs["co2e_confidence"].isna().tolist() == [False, True, True, False]


def test_legs_name_the_emission_factor_of_their_mode(toy, teu):
    legs = best_route(toy, "a", "d", by="time_h", parameters=teu).legs
    rail, road = teu.sources["co2e_kg_per_tkm.rail"], teu.sources["co2e_kg_per_tkm.road"]
    assert legs["co2e_source"].iloc[[0, 3]].tolist() == [rail[1], road[1]]
    assert legs["co2e_confidence"].iloc[[0, 3]].tolist() == [rail[2], road[2]]


def test_legs_prefer_the_emission_factor_of_their_branch(instc):
    p = CostParameters.default()
    route = named_routes(instc, "jnpt", "moscow", parameters=p, routes=["suez"])["suez"]
    sea = route.legs[route.legs["mode"].eq("sea")]
    suez = p.sources["co2e_kg_per_tkm.sea.suez"][1]
    assert suez != p.sources["co2e_kg_per_tkm.sea"][1]
    assert suez in sea["co2e_source"].tolist()


def test_a_segment_run_forwards_keeps_its_direction(toy, teu):
    first = best_route(toy, "a", "d", by="time_h", parameters=teu).legs.iloc[0]
    assert first["element_id"] == "a_b_rail" and first.geometry.coords[0] == pytest.approx((0.0, 0.0))


def test_skim_defaults_and_what_it_records(toy):
    table = skim(toy, ["a"], ["d"])
    assert table.index.names == ["origin", "destination"]
    assert table.attrs == {"criterion": "generalised_cost_usd", "as_of": None, "cargo_unit": "teu",
                           "price_year": CostParameters.default().price_year, "assumption_set": "baseline",
                           "handling_at_ends": True, "constraints": {}}  # fmt: skip


def test_skim_takes_a_date(toy, teu):
    table = skim(toy, ["a"], ["d"], by="time_h", parameters=teu, as_of="2026-01-05", avoid_modes=["road"])
    assert table["time_h"].isna().all()  # the port strike cuts the sea route that day
    assert table.attrs["as_of"] == "2026-01-05" and table.attrs["constraints"] == {"avoid_modes": frozenset({"road"})}


def test_skim_batch_size_of_one_and_zero(toy, teu):
    one = skim(toy, ["a", "d"], ["c"], by="time_h", parameters=teu, batch_size=1)
    assert one["time_h"].tolist() == [8.0, 8.0]
    with pytest.raises(ValueError, match=r"^`batch_size` was 0; expected a whole number of origins >= 1\.$"):
        skim(toy, batch_size=0)


def test_skim_names_a_misspelt_origin(toy):
    with pytest.raises(UnknownPlaceError, match=r"^`origins` 'alhpa' is not a place"):
        skim(toy, ["alhpa"], ["d"])


def corridor_from(folder):
    import corridor

    return corridor.read_corridor(folder)


def test_no_route_names_a_via_that_alone_cuts_it(toy):
    # rail does not reach d; without the via, rail reaches c
    with pytest.raises(NoRouteError) as error:
        best_route(toy, "a", "c", via=["d"], modes=["rail"])
    assert str(error.value) == (
        "no route from 'a' to 'c': dropping any one of `via=['d']`, `modes=['rail']` would give a route."
    )


# --- reliability: every bad argument is named before any search (issue 11) -------------------------------------

BAD_CALLS = [  # (what is wrong, function, keyword arguments, exception, fragment of the message)
    ("k of a million", alternatives, {"k": 1_000_000}, ValueError, r"`k` was 1000000; expected a whole number of "
     r"routes from 1 to 50"),
    ("k as a bool", alternatives, {"k": True}, ValueError, r"`k` was True; expected a whole number"),
    ("k as a float", alternatives, {"k": 2.0}, ValueError, r"`k` was 2.0; expected a whole number"),
    ("a date as a number", best_route, {"as_of": 20260301}, TypeError, r"`as_of` was 20260301 \(int\); expected a "
     r"date as text"),
    ("a date in words", best_route, {"as_of": "soon"}, ValueError, r"`as_of` was 'soon'; expected a date"),
    ("no mode allowed", best_route, {"modes": []}, ConstraintError, r"`modes` is empty, which allows no mode"),
    ("no branch allowed", best_route, {"branches": ()}, ConstraintError, r"`branches` is empty, which allows no "
     r"branch"),
    ("a misspelt criterion", best_route, {"by": "time"}, ConstraintError, r"`by` was 'time'.*did you mean 'time_h'"),
    ("parameters as a dict", best_route, {"parameters": {"empty_return_share": 0}}, TypeError,
     r"`parameters` is a dict; expected a CostParameters"),
    ("handling as text", best_route, {"handling_at_ends": "no"}, TypeError, r"`handling_at_ends` was 'no'; "
     r"expected True or False"),
    ("a via place as a list", best_route, {"via": [["b"]]}, TypeError, r"`via` has \['b'\] \(list\); expected a "
     r"place_id"),
    ("a mode as a number", best_route, {"avoid_modes": [1]}, TypeError, r"`avoid_modes` has 1 \(int\); expected "
     r"names as text"),
    ("an unknown named route", named_routes, {"routes": "western"}, ValueError, r"`routes` has 'western', which is "
     r"not a named route; expected some of \['overland'\]"),
    ("a date as a number in a skim", skim, {"as_of": 20260301}, TypeError, r"`as_of` was 20260301"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("function", "options", "error", "message"), [r[1:] for r in BAD_CALLS], ids=[r[0] for r in BAD_CALLS]
)
def test_bad_arguments_are_named_before_any_search(toy, function, options, error, message):
    places = () if function is skim else ("a", "d")
    with pytest.raises(error, match=message):
        function(toy, *places, **options)


def test_a_named_route_given_as_one_string_is_one_route(toy):
    assert list(named_routes(toy, "a", "d", routes="overland")) == ["overland"]


def test_a_skim_origin_given_as_one_string_is_one_place(toy):
    table = skim(toy, "a", "d", by="time_h")
    assert table.index.tolist() == [("a", "d")]


def test_an_aware_date_is_its_utc_day(toy):
    route = best_route(toy, "a", "d", as_of=pd.Timestamp("2026-01-06 02:00", tz="Asia/Tehran"))  # 22:30 UTC the 5th
    assert route.as_of == "2026-01-05"


BAD_COMPARISONS = [  # (what is wrong, routes, keyword arguments, exception, fragment of the message)
    ("an empty list", [], {}, ValueError, r"`routes` is empty; pass the routes to compare"),
    ("an empty mapping", {}, {}, ValueError, r"`routes` is empty"),
    ("a string", "western", {}, TypeError, r"`routes` is a str; expected a mapping of name to Route"),
    ("not routes", {"x": 1}, {}, TypeError, r"`routes` holds what is not a Route or NoRoute: 'x' is a int"),
    ("only missing routes", {"x": NoRoute("x", "closed")}, {}, ValueError, r"none of the routes exists: x: closed"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("routes", "options", "error", "message"), [r[1:] for r in BAD_COMPARISONS], ids=[r[0] for r in BAD_COMPARISONS]
)
def test_bad_comparisons_say_what_is_wrong(routes, options, error, message):
    with pytest.raises(error, match=message):
        compare_routes(routes, **options)


BAD_SENSITIVITIES = [  # (what is wrong, keyword arguments, exception, fragment of the message)
    ("a metric that is not a total", {"metric": "time"}, ValueError, r"`metric` was 'time'; expected a column of "
     r"`Route.totals` \(did you mean 'time_h'\?\)"),
    ("a misspelt parameter", {"parameter": "empty_retrun_share"}, ValueError, r"`parameter` was 'empty_retrun_share';"
     r" expected 'as_of' or a cost parameter \(did you mean 'empty_return_share'\?\)"),
    ("values as one string", {"parameter": "as_of", "values": "2026-01-01"}, TypeError, r"`values` was '2026-01-01'; "
     r"expected a list of values"),
    ("no values", {"values": []}, ValueError, r"`values` is empty"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("options", "error", "message"), [r[1:] for r in BAD_SENSITIVITIES], ids=[r[0] for r in BAD_SENSITIVITIES]
)
def test_bad_sensitivity_arguments_are_named(toy, options, error, message):
    options = {"parameter": "empty_return_share", "values": [0.0, 1.0], **options}
    with pytest.raises(error, match=message):
        sensitivity(toy, "a", "d", **options)


def test_a_negative_rate_in_the_data_never_reaches_the_search(edit):
    def negative(frame):
        at = frame["segment_id"].eq("a_b_rail")
        frame.loc[at, ["cost_usd_per_tkm_min", "cost_usd_per_tkm_max"]] = ""
        frame.loc[at, "cost_usd_per_tkm"] = "-0.05"
        return frame

    with pytest.raises(CorridorValidationError, match=r"`cost_usd_per_tkm` is -0.05; it cannot be negative"):
        corridor.read_corridor(edit("segments", negative))


def test_legs_hold_text_as_the_corridor_tables_do(toy):
    legs = best_route(toy, "a", "d").legs
    text = ["element_type", "element_id", "kind", "mode", "from_place", "to_place", "country", "time_source",
            "time_confidence", "cost_source", "cost_confidence", "co2e_source", "co2e_confidence"]  # fmt: skip
    assert all(legs[column].dtype == _model.TEXT for column in text)
    assert legs["mode"].isna().tolist() == (legs["element_type"] == "transfer").tolist()


def test_legs_are_copies_of_the_kept_table_and_follow_the_parameters(toy):
    first = best_route(toy, "a", "d").legs
    first.loc[0, "cost_usd"] = -1.0
    first.loc[0, "element_id"] = "changed"
    again = best_route(toy, "a", "d").legs
    assert again.loc[0, "cost_usd"] > 0 and again.loc[0, "element_id"] != "changed"
    dearer = best_route(toy, "a", "d", parameters=CostParameters.default(carbon_price_usd_per_t=200.0)).legs
    assert (dearer["generalised_cost_usd"] > again["generalised_cost_usd"]).any()
    np.testing.assert_allclose(dearer["cum_cost_usd"], np.cumsum(dearer["cost_usd"]))
