import textwrap

import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from hypothesis import given, settings
from hypothesis import strategies as st

import corridor
from corridor import scenarios
from corridor.costs import CostParameters
from corridor.errors import ScenarioError
from corridor.routing import NoRoute, best_route, named_routes

AS_OF = "2025-12-01"


def write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


HEAD = """\
name = "test"
description = "a test scenario"
as_of = 2026-02-01
"""


def assert_unchanged(before, after):
    for table in ("places", "segments"):
        assert_geodataframe_equal(getattr(before, table), getattr(after, table))
    for table in ("transfers", "events", "routes"):
        pd.testing.assert_frame_equal(getattr(before, table), getattr(after, table))
    assert before.metadata == after.metadata


# --- shipped scenarios --------------------------------------------------------------------------------------


def test_shipped_scenarios_are_listed_and_found():
    names = scenarios.available()
    assert {"rasht_astara_opens", "faster_az_ir_borders", "suez_bab_el_mandeb_closed", "iran_ports_hormuz_2026",
            "caspian_low_water", "western_capacity_target", "trade_growth_2030"} <= set(names)  # fmt: skip
    assert "scenarios" in corridor.datasets.available()
    with pytest.raises(ValueError, match="did you mean 'caspian_low_water'"):
        scenarios.get_path("caspian_lowwater")


@pytest.mark.parametrize("name", scenarios.available())
def test_shipped_scenario_applies_without_touching_the_baseline(instc, name):
    scenario = scenarios.load_scenario(scenarios.get_path(name), corridor=instc)
    before = instc.copy()
    after = scenarios.apply(instc, scenario)
    assert_unchanged(before, instc)
    assert after.metadata["scenario"] == scenario.name
    frame = scenario.to_frame()
    assert frame["source"].str.len().gt(20).all() and frame["confidence"].isin(["H", "M", "L"]).all()
    assumption = frame["confidence"].eq("L") | frame["source"].str.startswith("assumption")
    assert frame.loc[assumption, "range"].ne("").all()  # every assumption carries its range


def western_segments(c, *, as_of=AS_OF):
    route = named_routes(c, "jnpt", "moscow", as_of=as_of, routes=["western"])["western"]
    return route.elements


def test_rasht_astara_opens_replaces_the_truck_leg(instc):
    scenario = scenarios.load_scenario("rasht_astara_opens")
    before = western_segments(instc)
    after = western_segments(scenarios.apply(instc, scenario))
    assert "astara_ir_rasht_road" in before and "astara_ir_rail_road" in before
    assert "astara_ir_rasht_road" not in after and "astara_ir_rasht_rail" in after
    assert "astara_ir_gauge_change" in after  # 1,520 mm to 1,435 mm at Astara (Iran)
    assert instc.segments.loc["astara_ir_rasht_rail", "status"] == "missing_link"


def test_faster_borders_halve_the_astara_dwell(instc):
    after = scenarios.apply(instc, scenarios.load_scenario("faster_az_ir_borders"))
    for transfer in ("astara_road_border", "astara_rail_border"):
        old = instc.transfers.loc[transfer, ["time_h_min", "time_h_mode", "time_h_max"]].to_numpy(dtype=float)
        new = after.transfers.loc[transfer, ["time_h_min", "time_h_mode", "time_h_max"]].to_numpy(dtype=float)
        np.testing.assert_allclose(new, old * 0.5)
        assert after.transfers.loc[transfer, "time_confidence"] == "L"
        assert after.transfers.loc[transfer, "time_source"].startswith("scenario 'faster_az_ir_borders': assumption")
    untouched = instc.transfers.index.difference(["astara_road_border", "astara_rail_border"])
    pd.testing.assert_frame_equal(after.transfers.loc[untouched], instc.transfers.loc[untouched])
    result = scenarios.run(["faster_az_ir_borders"], pairs=[("jnpt", "moscow")])
    # the western route crosses by rail: 12 h -> 6 h, the only change
    assert result.compare().loc[("faster_az_ir_borders", "jnpt", "moscow", "western"), "diff_time_h"] == -6.0


def test_suez_closed_sends_the_all_water_route_round_the_cape(instc):
    scenario = scenarios.load_scenario("suez_bab_el_mandeb_closed")
    after = scenarios.apply(instc, scenario)
    suez = named_routes(after, "jnpt", "st_petersburg", as_of=AS_OF, routes=["suez"])["suez"]
    passages = after.segments["passages"].fillna("")
    used = [e for e in suez.elements if e in after.segments.index]
    assert used and all("_cape_" in e for e in used)
    assert not any("suez" in passages[e] or "bab_el_mandeb" in passages[e] for e in used)
    closed = after.events.loc[after.events.index.get_level_values("target").isin(["suez", "bab_el_mandeb"])]
    assert len(closed) == 2 and closed["start"].eq(pd.Timestamp(AS_OF)).all()
    baseline = named_routes(instc, "jnpt", "st_petersburg", as_of=AS_OF, routes=["suez"])["suez"]
    assert suez.totals["distance_km"] > baseline.totals["distance_km"] + 7_000


def test_iran_ports_and_hormuz_closed_cut_every_instc_branch_to_india(instc):
    after = scenarios.apply(instc, scenarios.load_scenario("iran_ports_hormuz_2026"))
    found = named_routes(after, "jnpt", "moscow", as_of=AS_OF)
    assert all(isinstance(found[r], NoRoute) for r in ("western", "trans_caspian", "eastern"))
    best = best_route(after, "jnpt", "moscow", as_of=AS_OF)
    assert set(best.legs.loc[best.legs["element_type"].eq("segment"), "element_id"]) <= set(
        instc.segments.index[instc.segments["branch"].isin(["suez", "russia_trunk"])]
    )
    assert not isinstance(named_routes(instc, "jnpt", "moscow", as_of=AS_OF)["western"], NoRoute)


def test_caspian_low_water_raises_northern_caspian_costs_only(instc):
    scenario = scenarios.load_scenario("caspian_low_water")
    after = scenarios.apply(instc, scenario)
    p = scenarios.apply_parameters(scenario, corridor=instc)
    base = CostParameters.load("baseline")
    for segment in ("astrakhan_anzali_sea", "astrakhan_amirabad_sea"):
        assert p.rates[f"segment.{segment}"].value == pytest.approx(base.rates["sea.caspian"].value * 1.33)
    assert "segment.makhachkala_anzali_sea" not in p.rates  # a deep-water port keeps the Caspian rate
    assert after.transfers.loc["astrakhan_port", "capacity_mtpa"] == pytest.approx(12 * 0.75)
    speeds = after.segments.loc[after.segments["mode"].eq("inland_water"), "speed_kmh"]
    assert speeds.tolist() == pytest.approx([14 * 0.8] * len(speeds))
    result = scenarios.run([scenario], pairs=[("jnpt", "moscow")])
    row = result.compare().loc[("caspian_low_water", "jnpt", "moscow", "trans_caspian")]
    assert row["diff_cost_usd"] > 200 and row["diff_time_h"] > 0
    assert result.compare().loc[("caspian_low_water", "jnpt", "moscow", "eastern"), "diff_time_h"] == 0


def test_western_capacity_target_changes_capacities_not_routes():
    result = scenarios.run(["western_capacity_target"], pairs=[("jnpt", "moscow")])
    changes = result.compare("changes").xs("capacity_mtpa", level="column")
    segments = changes.xs("segments", level="table")
    assert set(segments.index.get_level_values("element_id")) == {
        "yalama_sumqayit_rail", "sumqayit_baku_rail", "baku_astara_az_rail", "astara_az_astara_ir_rail"
    }  # fmt: skip
    assert segments["after"].eq("15").all()
    assert changes.loc[("western_capacity_target", "transfers", "astara_ir_gauge_change"), "after"] == "5"
    assert result.compare()["diff_time_h"].abs().max() == 0 and not result.compare()["route_changed"].any()


def test_trade_growth_to_2030_by_pair(instc):
    od = pd.DataFrame(
        {"tonnes_per_year": [1000.0, 1000.0, 500.0, 100.0], "value_usd_per_year": [3e6, 3e6, 1e6, 1e5]},
        index=pd.MultiIndex.from_tuples(
            [("jnpt", "moscow", "container"), ("moscow", "jnpt", "dry_bulk"), ("baku", "tehran", "dry_bulk"),
             ("baku", "moscow", "liquid_bulk")], names=["origin", "destination", "cargo_class"]),
    )  # fmt: skip
    grown = scenarios.apply_trade(od, scenarios.load_scenario("trade_growth_2030"), corridor=instc)
    ratio = grown["tonnes_per_year"] / od["tonnes_per_year"]
    assert ratio.tolist() == pytest.approx([1.078**5, 1.078**5, 1.03**5, 1.0])
    assert (grown["value_usd_per_year"] / od["value_usd_per_year"]).tolist() == pytest.approx(ratio.tolist())


# --- bad files: one row per file, one error naming the file, the key and the closest choice -------------------

BAD = [
    ("unknown top key", HEAD + 'descripton = "x"\n[[change]]\naction = "close"\nelement = "passages"\n'
     'ids = ["narrows"]\n'
     'source = "s"\nconfidence = "H"\n', ["`descripton`", "did you mean 'description'"]),
    ("unknown change key", HEAD + '[[change]]\nacton = "close"\nelement = "passages"\nids = ["narrows"]\n'
     'source = "s"\nconfidence = "H"\n', ["`change[0].acton`", "did you mean 'action'"]),
    ("misspelt action", HEAD + '[[change]]\naction = "clsoe"\nelement = "passages"\nids = ["narrows"]\n'
     'source = "s"\nconfidence = "H"\n', ["`change[0].action`", "did you mean 'close'"]),
    ("unknown id", HEAD + '[[change]]\naction = "close"\nelement = "segments"\nids = ["b_d_raod"]\n'
     'source = "s"\nconfidence = "H"\n', ["`change[0].ids`", "'b_d_raod'", "did you mean 'b_d_road'"]),
    ("unknown attribute value", HEAD + '[[change]]\naction = "close"\nelement = "segments"\nwhere = { mode = "rial" }\n'
     'source = "s"\nconfidence = "H"\n', ["`change[0].where.mode`", "did you mean 'rail'"]),
    ("unknown attribute", HEAD + '[[change]]\naction = "close"\nelement = "segments"\nwhere = { mdoe = "rail" }\n'
     'source = "s"\nconfidence = "H"\n', ["`change[0].where.mdoe`", "did you mean 'mode'"]),
    ("unknown passage", HEAD + '[[change]]\naction = "close"\nelement = "passages"\nids = ["narow"]\n'
     'source = "s"\nconfidence = "H"\n', ["`change[0].ids`", "did you mean 'narrows'"]),
    ("wrong type", HEAD + '[[change]]\naction = "set"\nelement = "segments"\nids = ["a_b_rail"]\n'
     'values = { speed_kmh = "fast" }\nsource = "s"\nconfidence = "H"\n', ["`change[0].values.speed_kmh`", "'fast'"]),
    ("negative factor", HEAD + '[[change]]\naction = "scale"\nelement = "segments"\nids = ["a_b_rail"]\n'
     'values = { speed_kmh = -2 }\nsource = "s"\nconfidence = "H"\n', ["`change[0].values.speed_kmh`", "factor >= 0"]),
    ("figure that cannot be set", HEAD + '[[change]]\naction = "set"\nelement = "segments"\nids = ["a_b_rail"]\n'
     'values = { sped_kmh = 60 }\nsource = "s"\nconfidence = "H"\n', ["`change[0].values.sped_kmh`",
                                                                     "did you mean 'speed_kmh'"]),
    ("bad status", HEAD + '[[change]]\naction = "set"\nelement = "segments"\nids = ["a_b_rail"]\n'
     'values = { status = "operatonal" }\nsource = "s"\nconfidence = "H"\n', ["did you mean 'operational'"]),
    ("date in the wrong form", 'name = "t"\ndescription = "d"\nas_of = "01/12/2025"\n[[change]]\naction = "close"\n'
     'element = "passages"\nids = ["narrows"]\nsource = "s"\nconfidence = "H"\n', ["`as_of`", "YYYY-MM-DD"]),
    ("date with a time", 'name = "t"\ndescription = "d"\nas_of = 2025-12-01T10:00:00\n[[change]]\naction = "close"\n'
     'element = "passages"\nids = ["narrows"]\nsource = "s"\nconfidence = "H"\n', ["`as_of`", "without a time"]),
    ("no source", HEAD + '[[change]]\naction = "close"\nelement = "passages"\nids = ["narrows"]\nconfidence = "H"\n',
     ["`change[0].source`"]),
    ("bad confidence", HEAD + '[[change]]\naction = "close"\nelement = "passages"\nids = ["narrows"]\nsource = "s"\n'
     'confidence = "h"\n', ["`change[0].confidence`", "did you mean 'H'"]),
    ("assumption without a range", HEAD + '[[change]]\naction = "scale"\nelement = "transfers"\nids = ["b_border"]\n'
     'values = { time_h_mode = 0.5 }\nsource = "assumption: faster"\nconfidence = "L"\n',
     ["`change[0]` is an assumption", "range = { time_h_mode = [low, high] }"]),
    ("range not containing the value", HEAD + '[[change]]\naction = "scale"\nelement = "transfers"\n'
     'ids = ["b_border"]\nvalues = { time_h_mode = 0.5 }\nrange = { time_h_mode = [0.6, 0.8] }\n'
     'source = "s"\nconfidence = "M"\n',
     ["`change[0].range.time_h_mode`", "does not contain"]),
    ("action not allowed on the element", HEAD + '[[change]]\naction = "open"\nelement = "passages"\n'
     'ids = ["narrows"]\n'
     'source = "s"\nconfidence = "H"\n', ["passages cannot be given action 'open'"]),
    ("misspelt cargo class", HEAD + '[[trade]]\nwhere = { cargo_class = "containers" }\nfactor = 1.1\nsource = "s"\n'
     'confidence = "H"\n', ["`trade[0].where.cargo_class`", "did you mean 'container'"]),
    ("growth without years", HEAD + '[[trade]]\ngrowth_pct_per_year = 3.0\nsource = "s"\nconfidence = "H"\n',
     ["`trade[0].years`"]),
    ("misspelt parameter", HEAD + '[[parameter]]\nname = "empty_return_shar"\nvalue = 0.1\nsource = "s"\n'
     'confidence = "H"\n', ["`parameter[0].name`", "did you mean 'empty_return_share'"]),
    ("rate without a key", HEAD + '[[parameter]]\nname = "rates"\nscale = 1.1\nsource = "s"\nconfidence = "H"\n',
     ["`parameter[0].key` is missing"]),
    ("misspelt assumption set", HEAD + 'parameters = "baseine"\n[[change]]\naction = "close"\nelement = "passages"\n'
     'ids = ["narrows"]\nsource = "s"\nconfidence = "H"\n', ["`parameters`", "did you mean 'baseline'"]),
    ("added segment to an unknown place", HEAD + '[[change]]\naction = "add"\nelement = "segments"\n'
     'values = { id = "x", '
     'from_place = "b", to_place = "e", mode = "rail", speed_kmh = 60 }\nsource = "s"\nconfidence = "H"\n',
     ["`change[0].values.to_place` 'e' is not a place"]),
    ("a date on a set change", HEAD + '[[change]]\naction = "set"\nelement = "segments"\nids = ["a_b_rail"]\n'
     'values = { speed_kmh = 60 }\nfrom = 2027-01-01\nsource = "s"\nconfidence = "H"\n',
     ["`from` and `until` go with 'open' and 'close'"]),
    ("added segment with a word for a number", HEAD + '[[change]]\naction = "add"\nelement = "segments"\n'
     'values = { id = "x", from_place = "b", to_place = "c", mode = "rail", speed_kmh = "fast" }\n'
     'source = "s"\nconfidence = "H"\n', ["`change[0].values.speed_kmh` is 'fast'; expected a number"]),
    ("assumed parameter without a range", HEAD + '[[parameter]]\nname = "rates"\nkey = "sea.caspian"\nscale = 1.3\n'
     'source = "assumption: dearer"\nconfidence = "L"\n', ["`parameter[0]` is an assumption", "[low, high]"]),
    ("trade range not containing the factor", HEAD + '[[trade]]\nfactor = 1.5\nrange = [0.8, 1.2]\nsource = "s"\n'
     'confidence = "M"\n', ["`trade[0].range` [0.8, 1.2] does not contain 1.5"]),
    ("parameter range not a pair", HEAD + '[[parameter]]\nname = "empty_return_share"\nvalue = 0.1\nrange = [0.3]\n'
     'source = "s"\nconfidence = "M"\n', ["`parameter[0].range` is [0.3]; expected [low, high]"]),
    ("changes nothing", HEAD, ["changes nothing"]),
    ("not TOML", "name = \n", ["not valid TOML"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_bad_scenario_file_gets_one_error_naming_file_key_and_nearest(tmp_path, toy, text, expected):
    path = write(tmp_path, text, name="bad_scenario.toml")
    with pytest.raises(ScenarioError) as error:
        scenarios.load_scenario(path, corridor=toy)
    message = str(error.value)
    assert message.startswith(f"scenario file {str(path)!r} has ")
    for part in expected:
        assert part in message, message


def test_every_problem_is_reported_together(tmp_path, toy):
    text = HEAD + textwrap.dedent("""\
        [[change]]
        action = "clsoe"
        element = "segmnts"
        ids = ["a_b_rail"]
        confidence = "X"
        """)
    with pytest.raises(ScenarioError) as error:
        scenarios.load_scenario(write(tmp_path, text), corridor=toy)
    assert len(error.value.problems) == 4  # action, element, source and confidence
    assert error.value.path.name == "s.toml"


def test_unknown_ids_are_also_caught_at_apply_time(tmp_path, toy):
    path = write(tmp_path, HEAD + '[[change]]\naction = "open"\nelement = "segments"\nids = ["a_b_rial", "c_d_sae"]\n'
                              'source = "s"\nconfidence = "H"\n')  # fmt: skip
    scenario = scenarios.load_scenario(path)  # no corridor: the ids cannot be checked yet
    with pytest.raises(ScenarioError, match="did you mean 'a_b_rail'") as error:
        scenarios.apply(toy, scenario)
    assert len(error.value.problems) == 2


def test_nothing_is_applied_in_part_when_the_result_breaks_the_model(tmp_path, toy):
    before = toy.copy()
    text = HEAD + textwrap.dedent("""\
        [[change]]
        action = "scale"
        element = "segments"
        ids = ["a_b_rail"]
        values = { speed_kmh = 2 }
        source = "s"
        confidence = "H"

        [[change]]
        action = "set"
        element = "transfers"
        ids = ["b_border"]
        values = { time_h_min = 100 }
        source = "s"
        confidence = "H"
        """)
    with pytest.raises(ScenarioError, match="breaks the data model") as error:
        scenarios.apply(toy, scenarios.load_scenario(write(tmp_path, text)))
    assert any("b_border" in p for p in error.value.problems)
    assert_unchanged(before, toy)


# --- applying on the toy corridor (numbers checkable by hand) ------------------------------------------------


def test_set_speed_takes_the_range_as_min_and_max(tmp_path, toy):
    text = HEAD + textwrap.dedent("""\
        [[change]]
        action = "set"
        element = "segments"
        where = { mode = "road" }
        values = { speed_kmh = 100 }
        range = { speed_kmh = [80, 120] }
        source = "assumption: a motorway"
        confidence = "L"
        """)
    after = scenarios.apply(toy, scenarios.load_scenario(write(tmp_path, text)))
    row = after.segments.loc["b_d_road"]
    assert row[["speed_kmh_min", "speed_kmh", "speed_kmh_max"]].tolist() == [80, 100, 120]
    assert row["speed_confidence"] == "L" and row["speed_source"] == "scenario 'test': assumption: a motorway"
    # 200 km at 100 km/h instead of 50 km/h: the a-d route by time loses 2 h
    p = CostParameters.default(cargo_unit="tonne", empty_return_share=0.0)
    old = best_route(toy, "a", "d", by="time_h", parameters=p).totals["time_h"]
    new = best_route(after, "a", "d", by="time_h", parameters=p).totals["time_h"]
    assert (old, new) == (12.0, 10.0)


def test_close_a_place_and_a_country_become_events(tmp_path, toy):
    text = HEAD + textwrap.dedent("""\
        [[change]]
        action = "close"
        element = "places"
        ids = ["c"]
        until = 2026-03-01
        source = "s"
        confidence = "M"
        note = "port of Charlie shut"
        """)
    after = scenarios.apply(toy, scenarios.load_scenario(write(tmp_path, text)))
    event = after.events.loc[("scenario_test_0", "c")]
    assert event["start"] == pd.Timestamp("2026-02-01") and event["end"] == pd.Timestamp("2026-03-01")
    assert event["description"] == "port of Charlie shut"
    assert "c_d_sea" not in after.as_of("2026-02-10").segments.index
    assert "c_d_sea" in after.as_of("2026-03-01").segments.index


def test_open_a_planned_segment_from_a_date(tmp_path, instc):
    text = HEAD + textwrap.dedent("""\
        [[change]]
        action = "open"
        element = "segments"
        ids = ["rasht_anzali_rail"]
        from = 2027-01-01
        source = "s"
        confidence = "M"
        """)
    after = scenarios.apply(instc, scenarios.load_scenario(write(tmp_path, text)))
    assert "rasht_anzali_rail" not in after.as_of("2026-12-31").segments.index
    assert "rasht_anzali_rail" in after.as_of("2027-01-01").segments.index


def test_add_a_segment_as_a_straight_line(tmp_path, toy):
    text = HEAD + textwrap.dedent("""\
        [[change]]
        action = "add"
        element = "segments"
        source = "made-up"
        confidence = "H"
        [change.values]
        id = "b_c_fast_rail"
        from_place = "b"
        to_place = "c"
        mode = "rail"
        gauge_mm = 1520
        country = "SWE"
        branch = "land"
        speed_kmh = 100
        length_km_published = 100
        """)
    after = scenarios.apply(toy, scenarios.load_scenario(write(tmp_path, text)))
    row = after.segments.loc["b_c_fast_rail"]
    assert row["length_km_geodesic"] == pytest.approx(100.19, abs=0.01)  # 0.9 degrees of longitude on the equator
    assert row["status"] == "operational" and row["speed_source"] == "scenario 'test': made-up"
    assert row["geometry"].equals(toy.segments.loc["b_c_rail", "geometry"])
    p = CostParameters.default(cargo_unit="tonne", empty_return_share=0.0)
    assert "b_c_fast_rail" in best_route(after, "a", "c", by="time_h", parameters=p).elements
    assert "b_c_fast_rail" not in toy.segments.index
    text = [c for c in toy.segments.columns if isinstance(toy.segments[c].dtype, pd.StringDtype)]
    assert (after.segments[text].dtypes == toy.segments[text].dtypes).all()  # added rows keep the text storage


def test_add_a_place_with_a_segment_and_transfer(tmp_path, toy):
    text = HEAD + textwrap.dedent("""\
        [[change]]
        action = "add"
        element = "places"
        values = { id = "e", name = "Echo", country = "SWE", kind = "city", lat = 0.9, lon = 1.8 }
        source = "made-up"
        confidence = "H"

        [[change]]
        action = "add"
        element = "segments"
        source = "made-up"
        confidence = "H"
        [change.values]
        id = "c_e_road"
        from_place = "c"
        to_place = "e"
        mode = "road"
        country = "SWE"
        branch = "land"
        speed_kmh = 50
        geometry = "LINESTRING (1.8 0, 1.8 0.9)"

        [[change]]
        action = "add"
        element = "transfers"
        source = "made-up"
        confidence = "H"
        [change.values]
        id = "c_rail_road"
        place_id = "c"
        kind = "transshipment"
        from_mode = "rail"
        from_gauge_mm = 1520
        to_mode = "road"
        time_h_min = 1
        time_h_mode = 2
        time_h_max = 3
        """)
    after = scenarios.apply(toy, scenarios.load_scenario(write(tmp_path, text)))
    assert after.places.loc["e", "name"] == "Echo" and after.transfers.loc["c_rail_road", "to_country"] == "SWE"
    assert best_route(after, "a", "e", by="time_h").elements[-1] == "c_e_road"


def test_parameters_change_by_value_and_scale(tmp_path):
    text = HEAD + textwrap.dedent("""\
        [[parameter]]
        name = "empty_return_share"
        value = 0.0
        source = "balanced trade"
        confidence = "H"

        [[parameter]]
        name = "rates"
        key = "sea.mainline"
        scale = 2.0
        source = "a freight spike"
        confidence = "M"

        [[parameter]]
        name = "rates"
        key = "sea.caspian"
        value = [900, "usd_per_teu", 2024]
        source = "a quote"
        confidence = "M"
        """)
    scenario = scenarios.load_scenario(write(tmp_path, text))
    p, base = scenarios.apply_parameters(scenario), CostParameters.load("baseline")
    assert p.empty_return_share == 0.0
    assert p.rates["sea.mainline"].value == 2 * base.rates["sea.mainline"].value
    assert tuple(p.rates["sea.caspian"]) == (900, "usd_per_teu", 2024)
    assert p.assumption_set == "baseline + test"
    assert set(p.differences(base).index) >= {"empty_return_share", "rates.sea.mainline", "rates.sea.caspian"}


def test_impossible_parameter_values_are_scenario_errors(tmp_path):
    text = HEAD + '[[parameter]]\nname = "empty_return_share"\nvalue = 1.5\nsource = "s"\nconfidence = "H"\n'
    with pytest.raises(ScenarioError, match="`empty_return_share` is 1.5; expected a share between 0 and 1"):
        scenarios.apply_parameters(scenarios.load_scenario(write(tmp_path, text)))


def test_changes_table_lists_what_changed(tmp_path, toy):
    text = HEAD + textwrap.dedent("""\
        [[change]]
        action = "scale"
        element = "transfers"
        ids = ["b_border"]
        values = { time_h_mode = 0.5 }
        source = "s"
        confidence = "M"
        """)
    after = scenarios.apply(toy, scenarios.load_scenario(write(tmp_path, text)))
    table = scenarios.changes_table(toy, after)
    assert table.loc[("transfers", "b_border", "time_h_mode")].tolist() == ["4", "2"]
    assert table.loc[("transfers", "b_border", "time_h_max")].tolist() == ["6", "3"]
    assert table.loc[("transfers", "b_border", "time_source")].tolist() == ["made-up toy data", "scenario 'test': s"]
    assert scenarios.changes_table(toy, toy).empty


# --- runs and comparisons -------------------------------------------------------------------------------------


def test_run_compares_scenarios_side_by_side_and_takes_more_evaluators(tmp_path, toy):
    faster = write(tmp_path, HEAD + '[[change]]\naction = "scale"\nelement = "transfers"\nids = ["b_border"]\n'
                   'values = { time_h_mode = 0.5 }\nsource = "s"\nconfidence = "M"\n', "faster.toml")  # fmt: skip
    shut = write(tmp_path, HEAD.replace('"test"', '"shut"') + '[[change]]\naction = "close"\nelement = "segments"\n'
                 'ids = ["b_d_road"]\nsource = "s"\nconfidence = "M"\n', "shut.toml")  # fmt: skip
    calls = []

    def lengths(c, _parameters, as_of, pairs):
        calls.append((as_of, tuple(pairs)))
        return c.as_of(as_of).segments[["length_km"]].rename_axis("segment_id")

    result = scenarios.run([faster, shut], corridor=toy, pairs=[("a", "d")], by="time_h",
                           evaluators={"lengths": lengths})  # fmt: skip
    table = result.compare()
    assert table.index.names == ["scenario", "origin", "destination", "route"]
    assert table.loc[("test", "a", "d", "best"), "diff_time_h"] == -2.0  # b_border 4 h -> 2 h
    shut_row = table.loc[("shut", "a", "d", "best")]
    assert shut_row["route_changed"] and shut_row["baseline_path"] == "a_b_rail > b_d_road"
    assert shut_row["scenario_path"] == "a_b_rail > b_c_rail > c_d_sea"
    assert not table.loc[("shut", "a", "d", "overland"), "scenario_available"]
    lengths_diff = result.compare("lengths")
    assert np.isnan(lengths_diff.loc[("shut", "b_d_road"), "scenario_length_km"])
    assert lengths_diff.loc[("test", "a_b_rail"), "diff_length_km"] == 0
    assert len(calls) == 3  # one shared baseline (same date and set) and two scenarios
    assert result.table_names() == ["routes", "lengths", "changes"]
    with pytest.raises(ValueError, match="did you mean 'routes'"):
        result.compare("route")


def test_run_reports_trade_response_apart_from_growth():
    od = pd.DataFrame(
        {"tonnes_per_year": [1000.0], "value_usd_per_year": [3e6]},
        index=pd.MultiIndex.from_tuples([("jnpt", "moscow", "container")],
                                        names=["origin", "destination", "cargo_class"]),
    )  # fmt: skip
    result = scenarios.run(["rasht_astara_opens"], pairs=[("jnpt", "moscow")], od=od)
    row = result.trade_table().loc[("rasht_astara_opens", "jnpt", "moscow", "container")]
    assert row["tonnes_per_year_changed"] == row["tonnes_per_year_baseline"] == 1000.0  # no growth in this scenario
    assert row["scenario_cost_share"] < row["baseline_cost_share"]
    expected = scenarios.trade_response(row["baseline_cost_share"], row["scenario_cost_share"])
    assert row["trade_response_factor"] == pytest.approx(expected) and expected > 1
    assert row["tonnes_per_year_responded"] == pytest.approx(1000.0 * expected)
    off = scenarios.run(["rasht_astara_opens"], pairs=[("jnpt", "moscow")], od=od, respond=False).trade_table()
    assert "trade_response_factor" not in off.columns


def test_trade_response_to_time_needs_the_generalised_cost():
    od = pd.DataFrame(
        {"tonnes_per_year": [1000.0], "value_usd_per_year": [3e6]},
        index=pd.MultiIndex.from_tuples([("jnpt", "moscow", "container")],
                                        names=["origin", "destination", "cargo_class"]),
    )  # fmt: skip
    money = scenarios.run(["faster_az_ir_borders"], pairs=[("jnpt", "moscow")], od=od).trade_table()
    assert money["trade_response_factor"].tolist() == [1.0]  # a faster border costs no less money
    both = scenarios.run(["faster_az_ir_borders"], pairs=[("jnpt", "moscow")], od=od,
                         response_cost="generalised_cost_usd").trade_table()  # fmt: skip
    assert both["trade_response_factor"].iloc[0] > 1.0
    with pytest.raises(ValueError, match="did you mean 'cost_usd'"):
        scenarios.run(["faster_az_ir_borders"], pairs=[("jnpt", "moscow")], od=od, response_cost="cost_usd_")


def test_respond_trade_a_pair_without_a_route_loses_its_trade():
    od = pd.DataFrame(
        {"tonnes_per_year": [10.0, 10.0, 10.0], "value_usd_per_year": [1e4, 1e4, 1e4]},
        index=pd.MultiIndex.from_tuples([("a", "b", "container"), ("a", "c", "container"), ("z", "y", "dry_bulk")],
                                        names=["origin", "destination", "cargo_class"]),
    )  # fmt: skip
    costs = pd.DataFrame(
        {"baseline_cost_usd_per_tonne": [100.0, 100.0], "scenario_cost_usd_per_tonne": [100.0, np.nan]},
        index=pd.MultiIndex.from_tuples([("a", "b"), ("a", "c")], names=["origin", "destination"]),
    )
    out = scenarios.respond_trade(od, costs)
    assert out["trade_response_factor"].tolist() == [1.0, 0.0, 1.0]
    assert out["tonnes_per_year"].tolist() == [10.0, 0.0, 10.0]


def test_trade_tables_must_name_their_cargo_classes():
    od = pd.DataFrame({"tonnes_per_year": [1.0]},
                      index=pd.MultiIndex.from_tuples([("a", "b", "containers")],
                                                      names=["origin", "destination", "cargo_class"]))  # fmt: skip
    with pytest.raises(ValueError, match="did you mean 'container'"):
        scenarios.respond_trade(od, pd.DataFrame())


shares = st.floats(min_value=0.0, max_value=5.0, allow_nan=False)
elasticities = st.floats(min_value=-10.0, max_value=0.0, allow_nan=False)


@settings(deadline=None)
@given(shares, shares, shares, elasticities)
def test_trade_response_composes_and_falls_with_cost(a, b, c, elasticity):
    ab = scenarios.trade_response(a, b, elasticity=elasticity)
    bc = scenarios.trade_response(b, c, elasticity=elasticity)
    assert ab * bc == pytest.approx(scenarios.trade_response(a, c, elasticity=elasticity), rel=1e-9)
    assert scenarios.trade_response(a, a, elasticity=elasticity) == pytest.approx(1.0)
    if b > a:
        assert ab <= 1.0


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [((-0.1, 0.1), {}, "`baseline_cost_share`"), ((0.1, np.inf), {}, "`scenario_cost_share`"),
     ((0.1, 0.2), {"elasticity": 2.0}, "`elasticity` was 2.0")],
)  # fmt: skip
def test_trade_response_refuses_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        scenarios.trade_response(*args, **kwargs)


def test_trade_elasticity_is_sourced_with_a_range():
    e = scenarios.TRADE_ELASTICITY
    assert e["low"] <= e["value"] <= e["high"] < 0 and "Head & Mayer (2014)" in e["source"]


def test_two_cost_scales_on_one_segment_compound(tmp_path, instc):
    change = textwrap.dedent("""\
        [[change]]
        action = "scale"
        element = "segments"
        ids = ["astrakhan_anzali_sea"]
        values = { cost_usd = FACTOR }
        source = "s"
        confidence = "M"
        """)
    text = HEAD + change.replace("FACTOR", "2.0") + "\n" + change.replace("FACTOR", "1.5")
    p = scenarios.apply_parameters(scenarios.load_scenario(write(tmp_path, text)), corridor=instc)
    base = CostParameters.load("baseline").rates["sea.caspian"].value
    assert p.rates["segment.astrakhan_anzali_sea"].value == pytest.approx(base * 3.0)
    assert p.rates["sea.caspian"].value == base


@settings(deadline=None, max_examples=25)
@given(st.floats(min_value=0.0, max_value=5.0, allow_nan=False))
def test_scaling_a_dwell_scales_it_and_nothing_else(factor):
    toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    scenario = scenarios.Scenario(
        name="p", description="d", as_of=pd.Timestamp("2026-02-01"),
        changes=(scenarios.Change(action="scale", element="transfers", ids=("b_border",), where=None,
                                  values={"time_h_mode": factor}, range={}, start=None, end=None, source="s",
                                  confidence="H"),),
    )  # fmt: skip
    before = toy.copy()
    after = scenarios.apply(toy, scenario)
    assert_unchanged(before, toy)
    assert after.transfers.loc["b_border", ["time_h_min", "time_h_mode", "time_h_max"]].tolist() == pytest.approx(
        [2 * factor, 4 * factor, 6 * factor]
    )
    changed = scenarios.changes_table(toy, after)
    assert set(changed.index.get_level_values("element_id")) <= {"b_border"}


# --- scenarios with freight assigned ------------------------------------------------------------------------


CLOSE_ROAD = '[[change]]\naction = "close"\nelement = "segments"\nids = ["b_d_road"]\nsource = "s"\nconfidence = "H"\n'


def toy_od(tonnes=1000.0):
    index = pd.MultiIndex.from_tuples([("a", "d", "container")], names=["origin", "destination", "cargo_class"])
    return pd.DataFrame({"tonnes_per_year": [tonnes], "teu_per_year": [tonnes / 10], "value_usd_per_year": [3e6]},
                        index=index)  # fmt: skip


def test_run_with_od_assigns_baseline_and_scenario_freight_and_diffs_the_loads(tmp_path, toy):
    text = HEAD + CLOSE_ROAD
    result = scenarios.run([scenarios.load_scenario(write(tmp_path, text))], pairs=[("a", "d")], corridor=toy,
                           od=toy_od(), respond=False, assign_options={"method": "aon"})  # fmt: skip
    loads = result.compare("loads").xs("test")
    # all-or-nothing: the road leg carries everything before; with it closed the freight goes by sea via Charlie
    assert loads.loc[("segment", "b_d_road"), ["baseline_tonnes_per_year", "diff_tonnes_per_year"]].tolist() == [
        1000.0, -1000.0]  # fmt: skip
    assert loads.loc[("segment", "c_d_sea"), ["baseline_tonnes_per_year", "scenario_tonnes_per_year"]].tolist() == [
        0.0, 1000.0]  # fmt: skip
    assert loads.loc[("segment", "a_b_rail"), "diff_tonnes_per_year"] == 0.0  # every route starts on it
    shares = result.compare("shares").xs("test")
    assert shares.groupby(level=["origin", "destination", "cargo_class"])["scenario_share"].sum().tolist() == [1.0]
    assert result.results["test"].assignment.shares["tonnes_per_year"].sum() == pytest.approx(1000.0)  # conserved


def test_run_assigns_the_grown_and_responded_freight(tmp_path, toy):
    text = HEAD + textwrap.dedent("""\
        [[trade]]
        where = { cargo_class = "container" }
        factor = 1.5
        source = "s"
        confidence = "H"
        """)
    result = scenarios.run([scenarios.load_scenario(write(tmp_path, text))], pairs=[("a", "d")], corridor=toy,
                           od=toy_od(), assign_options={"method": "aon"})  # fmt: skip
    trade = result.compare("trade").xs("test").iloc[0]
    assert trade["trade_response_factor"] == 1.0  # no change in transport cost, so no response
    loads = result.compare("loads").xs("test")
    assert loads.loc[("segment", "a_b_rail"), "scenario_tonnes_per_year"] == pytest.approx(1500.0)
    with pytest.raises(ValueError, match=r"may not set \['routes'\]"):
        scenarios.run(["rasht_astara_opens"], pairs=[("a", "d")], corridor=toy, od=toy_od(),
                      assign_options={"routes": None})  # fmt: skip


def test_routes_without_a_share_keep_their_figures_in_the_shares_table(tmp_path, toy):
    text = HEAD + CLOSE_ROAD
    result = scenarios.run([scenarios.load_scenario(write(tmp_path, text))], pairs=[("a", "d")], corridor=toy,
                           od=toy_od(), respond=False, assign_options={"method": "aon"})  # fmt: skip
    shares = result.compare("shares").xs("test")
    assert shares["baseline_time_h"].notna().all()  # all-or-nothing leaves routes at share 0: figures stay
    assert (shares["baseline_share"].isin([0.0, 1.0])).all()


def test_a_cost_scale_reaches_a_class_priced_at_its_own_rate(instc):
    # caspian_low_water scales the Caspian crossings' cost; dry bulk is priced there at its own rate per tonne
    s = scenarios.load_scenario("caspian_low_water")
    p = scenarios.apply_parameters(s, corridor=instc)
    for prefix in ("", "dry_bulk:"):
        ratio = p.rates[f"{prefix}segment.astrakhan_anzali_sea"].value / p.rates[f"{prefix}sea.caspian"].value
        assert ratio == pytest.approx(4 / 3, abs=0.01)
    before = element_costs_of(instc, CostParameters.load(s.parameters), "dry_bulk")
    after = element_costs_of(instc, p, "dry_bulk")
    assert after["astrakhan_anzali_sea"] == pytest.approx(
        before["astrakhan_anzali_sea"]
        * p.rates["dry_bulk:segment.astrakhan_anzali_sea"].value
        / p.rates["dry_bulk:sea.caspian"].value
    )


def element_costs_of(corridor_, parameters, cargo_class):
    from corridor.costs import element_costs

    return element_costs(corridor_, parameters, cargo_class=cargo_class).loc["segment", "cost_usd_freight"]
