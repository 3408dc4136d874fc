import copy
import dataclasses
import pickle
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import datasets
from corridor.costs import (
    CostParameters,
    Rate,
    ReadOnlyMapping,
    cpi_u,
    deflator,
    element_costs,
    segment_costs,
    transfer_costs,
)


@pytest.fixture
def per_tonne():  # the toy's figures are 2022 US$
    return CostParameters.default(cargo_unit="tonne", price_year=2022)


def _set_beside_baseline(tmp_path, name: str, text: str):
    """The assumption file `name`.toml in `tmp_path`, extending a copy of the shipped baseline set, with `text`."""
    (tmp_path / "baseline.toml").write_text((datasets.get_path("assumptions") / "baseline.toml").read_text())
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\nextends = "baseline"\n' + text, encoding="utf-8")
    return path


def test_segment_by_hand(toy, per_tonne):
    # a_b_rail: 100 km at 50 km/h, 0.05 US$/t-km, rail 0.02779 kg/t-km
    row = segment_costs(toy.segments, per_tonne).loc["a_b_rail"]
    assert row["time_h"] == 2.0 and row["wait_h"] == 0.0
    assert row["cost_usd"] == pytest.approx(5.0)
    assert row["co2e_kg"] == pytest.approx(2.779)


def test_sea_segments_wait_half_a_headway(toy, per_tonne):
    row = segment_costs(toy.segments, per_tonne.replace(sea_headway_h=48.0)).loc["c_d_sea"]
    assert row["moving_time_h"] == 10.0 and row["wait_h"] == 24.0 and row["time_h"] == 34.0


def test_empties_are_not_charged_on_segments(toy, per_tonne):
    with_empties = per_tonne.replace(empty_return_share=0.5, empty_cost_ratio=0.7)
    costs = segment_costs(toy.segments, with_empties)["cost_usd"]
    assert costs.equals(segment_costs(toy.segments, per_tonne)["cost_usd"])


def test_cargo_unit_scales_money_and_emissions(toy):
    teu = segment_costs(toy.segments, CostParameters.default(cargo_unit="teu"))
    tonne = segment_costs(toy.segments, CostParameters.default(cargo_unit="tonne"))
    assert (teu["cost_usd"] / tonne["cost_usd"]).round(6).eq(12.0).all()
    assert (teu["time_h"] == tonne["time_h"]).all()


def test_transfer_fees_are_per_teu(toy):
    feu = transfer_costs(toy.transfers, CostParameters.default(cargo_unit="feu", price_year=2022), data_year=2022)
    assert feu.loc["c_port", "cost_usd"] == 400.0 and feu.loc["c_port", "time_h"] == 12.0
    assert (feu["co2e_kg"] == 0).all()


def test_generalised_cost(toy, per_tonne):
    p = per_tonne.replace(cargo_value_usd_per_tonne=2400.0, value_of_time_pct_per_day=1.0, carbon_price_usd_per_t=100.0)
    assert p.value_of_time_usd_per_h == pytest.approx(1.0)  # 2,400 x 1 % / 24 h
    row = segment_costs(toy.segments, p, data_year=2022).loc["a_b_rail"]
    assert row["generalised_cost_usd"] == pytest.approx(5.0 + 1.0 * 2.0 + 100.0 * 2.779 / 1000)


def test_rate_overrides_by_mode_and_country(toy, per_tonne):
    costs = segment_costs(toy.segments, per_tonne.replace(rate_usd_per_tkm={"rail": 0.1, "rail.SWE": 0.2}))
    assert costs.loc["a_b_rail", "cost_usd"] == pytest.approx(10.0)  # FIN: the mode-wide override
    assert costs.loc["b_c_rail", "cost_usd"] == pytest.approx(20.0)  # SWE: the country override wins
    assert costs.loc["b_d_road", "cost_usd"] == pytest.approx(20.0)  # untouched: 200 km x 0.1


def test_emission_factor_by_branch_falls_back_to_mode(instc):
    p = CostParameters.default(cargo_unit="tonne")
    costs = segment_costs(instc.segments, p)
    per_tkm = costs["co2e_kg"] / instc.segments["length_km"]
    assert per_tkm["st_petersburg_jnpt_sea"] == pytest.approx(p.co2e_kg_per_tkm["sea.suez"])
    assert per_tkm["jnpt_chabahar_sea"] == pytest.approx(p.co2e_kg_per_tkm["sea"])
    assert per_tkm["astrakhan_anzali_sea"] == pytest.approx(p.co2e_kg_per_tkm["sea.trans_caspian"])


def test_element_costs_cover_every_element(instc):
    costs = element_costs(instc, CostParameters.default())
    assert len(costs) == len(instc.segments) + len(instc.transfers)
    assert costs[["time_h", "cost_usd", "co2e_kg", "generalised_cost_usd"]].notna().all().all()


def test_parameters_print_every_assumption_with_its_source():
    frame = CostParameters.default().to_frame()
    for name in ("cargo_unit", "price_year", "value_of_time_pct_per_day", "empty_return_share", "co2e_kg_per_tkm.rail"):
        assert name in frame.index
    assert frame.loc["co2e_kg_per_tkm.rail", "unit"] == "kg CO2e per t-km (TTW)"
    assert "DEFRA" in frame.loc["co2e_kg_per_tkm.rail", "source"]
    assert "empty_return_share" in str(CostParameters.default())


def test_changed_values_are_marked_as_set_by_the_user():
    frame = CostParameters.default().replace(empty_return_share=0.2).to_frame()
    assert frame.loc["empty_return_share", "source"] == "set by the user"


def test_unknown_cargo_unit_lists_choices():
    with pytest.raises(
        ValueError, match=r"`cargo_unit` was 'teus'; expected one of \['teu', 'feu', 'tonne'\] \(did you"
    ):
        CostParameters.default(cargo_unit="teus")


def test_unknown_parameter_suggests():
    with pytest.raises(
        TypeError, match=r"unknown cost parameter\(s\) \['empty_share'\] \(did you mean 'empty_return_share'"
    ):
        CostParameters.default().replace(empty_share=0.3)


def test_out_of_range_values_are_refused_together():
    with pytest.raises(
        ValueError,
        match=r"`sea_headway_h` is 0.0; it must be a positive finite number. `empty_return_share` is 1.5; expected",
    ):
        CostParameters.default().replace(empty_return_share=1.5, sea_headway_h=0.0)


def test_parameters_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CostParameters.default().empty_return_share = 0.1  # type: ignore[misc]


# --- rates as the market quotes them, price years, assumption sets ---------------------------------------------


def _no_own_rates(toy):
    segments = toy.segments.copy()
    segments["cost_usd_per_tkm"] = float("nan")  # so the set's rates apply
    return segments


def test_rates_per_teu_do_not_scale_with_tonnes_per_teu(toy):
    p = CostParameters.default(price_year=2023).replace(rates={"rail": (0.2, "usd_per_teu_km", 2023)})
    light, heavy = p.replace(tonnes_per_unit=8.0), p.replace(tonnes_per_unit=20.0)
    segments = _no_own_rates(toy)
    assert segment_costs(segments, light).loc["a_b_rail", "cost_usd"] == pytest.approx(20.0)  # 100 km x 0.2
    assert segment_costs(segments, heavy).loc["a_b_rail", "cost_usd"] == pytest.approx(20.0)
    per_tonne = p.replace(rates={"rail": (0.02, "usd_per_tkm", 2023)})
    assert segment_costs(segments, per_tonne.replace(tonnes_per_unit=20.0)).loc["a_b_rail", "cost_usd"] == 40.0


def test_the_most_specific_rate_wins_and_says_so(toy):
    p = CostParameters.default(cargo_unit="feu", price_year=2023).replace(
        rates={"rail": (0.2, "usd_per_teu_km", 2023), "rail.SWE": (0.3, "usd_per_teu_km", 2023),
               "road": (1.0, "usd_per_container_km", 2023)}
    )  # fmt: skip
    costs = segment_costs(_no_own_rates(toy), p)
    assert costs.loc["a_b_rail", "cost_usd"] == pytest.approx(40.0)  # FIN: 100 km x 0.2 x 2 TEU
    assert costs.loc["b_c_rail", "cost_usd"] == pytest.approx(60.0)  # SWE: the country's own rate
    assert costs.loc["b_d_road", "cost_usd"] == pytest.approx(200.0)  # one 40-ft box on one truck, 200 km
    assert costs.loc["b_c_rail", "rate_source"] == "rates.rail.SWE"


def test_sea_freight_per_leg_and_canal_dues_per_passage(toy):
    segments = _no_own_rates(toy)
    segments["service"] = segments["service"].astype(object)
    segments.loc["c_d_sea", "service"] = "feeder"
    p = CostParameters.default(price_year=2023).replace(
        rates={"sea.feeder": (300.0, "usd_per_teu", 2023), "passage.narrows": (50.0, "usd_per_teu", 2023)}
    )
    row = segment_costs(segments, p).loc["c_d_sea"]
    assert row["cost_usd_freight"] == 300.0 and row["cost_usd_passages"] == 50.0 and row["cost_usd"] == 350.0


def test_deflating_to_the_price_year_of_a_figure_leaves_it_unchanged(toy):
    from corridor.costs import deflator

    assert deflator(2019, 2019) == 1.0
    same = segment_costs(toy.segments, CostParameters.default(price_year=2022), data_year=2022)
    later = segment_costs(toy.segments, CostParameters.default(price_year=2024), data_year=2022)
    assert same.loc["a_b_rail", "cost_usd"] == pytest.approx(60.0)  # 100 km x 0.05 x 12 t
    assert later.loc["a_b_rail", "cost_usd"] == pytest.approx(60.0 * 313.689 / 292.655)  # CPI-U 2024 / 2022


def test_price_year_outside_the_index_is_refused():
    with pytest.raises(ValueError, match=r"`price_year` is 1999; the price index covers 2010-2025"):
        CostParameters.default(price_year=1999)


@pytest.mark.parametrize("name", ["baseline", "pre2020", "balanced"])
def test_each_assumption_set_loads_and_costs_the_instc(instc, name):
    p = CostParameters.load(name)
    assert p.assumption_set == name
    costs = element_costs(instc, p)
    assert costs[["time_h", "cost_usd"]].notna().all().all() and (costs["cost_usd"] >= 0).all()
    assert all(p.sources[f"rates.{key}"][1] for key in p.rates)  # every rate has a source


def test_sets_differ_where_they_say():
    balanced = CostParameters.load("balanced")
    assert balanced.empty_return_share == 0.0
    assert balanced.differences(CostParameters.load("baseline")).index.tolist() == [
        "assumption_set", "empty_return_share"
    ]  # fmt: skip


def test_unknown_set_suggests_the_nearest():
    with pytest.raises(ValueError, match=r"assumption set 'baseline2' is not shipped \(did you mean 'baseline'\?\)"):
        CostParameters.load("baseline2")


def test_a_bad_assumption_file_names_file_key_and_value(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        'name = "mine"\nextends = "baseline"\n'
        '[parameters]\nvalue_of_time_pct_per_day = { value = 0.5, source = "x", confidence = "Q" }\n'
        '[rates]\n"rail.KAZ" = { value = -1, unit = "usd_per_teu_kms", year = 2023, source = "x", confidence = "H" }\n'
    )
    from corridor import datasets

    (tmp_path / "baseline.toml").write_text((datasets.get_path("assumptions") / "baseline.toml").read_text())
    with pytest.raises(ValueError) as error:
        CostParameters.from_toml(path)
    message = str(error.value)
    assert str(path) in message
    assert "`parameters.value_of_time_pct_per_day.confidence` is 'Q'" in message
    assert "`rates.rail.KAZ` has value -1" in message
    assert "`rates.rail.KAZ` has unit 'usd_per_teu_kms'" in message and "did you mean 'usd_per_teu_km'" in message


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["rail.KAZ", "rail.RUS", "road.IRN", "sea.caspian", "sea.mainline", "passage.suez"]),
       factor=st.floats(1.0, 5.0))  # fmt: skip
def test_raising_any_rate_never_lowers_any_cost(instc, key, factor):
    base = CostParameters.default()
    rate = base.rates[key]
    raised = base.replace(rates={key: (rate.value * factor, rate.unit, rate.year)})
    before, after = element_costs(instc, base)["cost_usd"], element_costs(instc, raised)["cost_usd"]
    assert (after >= before - 1e-9).all()


def test_an_edited_assumption_file_is_read_again(tmp_path):
    import shutil
    import time

    from corridor import datasets

    folder = datasets.get_path("assumptions")
    for name in ("baseline", "balanced"):
        shutil.copy(folder / f"{name}.toml", tmp_path / f"{name}.toml")
    assert CostParameters.from_toml(tmp_path / "balanced.toml").value_of_time_pct_per_day == 0.6
    time.sleep(0.01)
    text = (tmp_path / "baseline.toml").read_text().replace("value_of_time_pct_per_day = { value = 0.6,",
                                                           "value_of_time_pct_per_day = { value = 0.7,")  # fmt: skip
    (tmp_path / "baseline.toml").write_text(text)  # the parent changes: the child that extends it follows
    assert CostParameters.from_toml(tmp_path / "balanced.toml").value_of_time_pct_per_day == 0.7


# --- reliability: every bad parameter is named at the boundary (issue 11) ---------------------------------------

BAD_PARAMETERS = [  # (what is corrupted, changes, exception, fragment of the message)
    ("negative override", {"rate_usd_per_tkm": {"rail": -0.05}}, ValueError, r"`rate_usd_per_tkm\['rail'\]` is -0.05;"),
    ("misspelt mode in an override", {"rate_usd_per_tkm": {"trian": 0.01}}, ValueError, r"key 'trian'"),
    ("unknown country in an override", {"rate_usd_per_tkm": {"rail.XXX": 0.01}}, ValueError, r"'XXX' is not an ISO"),
    ("misspelt mode of a factor", {"co2e_kg_per_tkm": {"rial": 0.02}}, ValueError, r"'rial'.*did you mean 'rail'"),
    ("NaN factor", {"co2e_kg_per_tkm": {"rail": float("nan")}}, ValueError, r"`co2e_kg_per_tkm\['rail'\]` is nan"),
    ("misspelt service", {"headway_h": {"caspain": 96.0}}, ValueError, r"did you mean 'caspian'"),
    ("infinite headway", {"headway_h": {"caspian": float("inf")}}, ValueError, r"`headway_h\['caspian'\]` is inf"),
    ("negative rate", {"rates": {"rail": (-1.0, "usd_per_teu_km", 2022)}}, ValueError, r"has value -1.0"),
    ("rate for no mode", {"rates": {"trian.KAZ": (1.0, "usd_per_teu_km", 2022)}}, ValueError, r"'trian' is not one"),
    ("rate not a triple", {"rates": {"rail": 1.0}}, ValueError, r"`rates\['rail'\]` is 1.0; expected a Rate"),
    ("NaN value of time", {"value_of_time_pct_per_day": float("nan")}, ValueError, r"`value_of_time_pct_per_day` is n"),
    ("text value of time", {"value_of_time_pct_per_day": "1"}, ValueError, r"`value_of_time_pct_per_day` is '1'"),
    ("infinite tonnes", {"tonnes_per_unit": float("inf")}, ValueError, r"`tonnes_per_unit` is inf"),
    ("bool as a number", {"carbon_price_usd_per_t": True}, ValueError, r"`carbon_price_usd_per_t` is True"),
    ("text price year", {"price_year": "twenty"}, ValueError, r"`price_year` is 'twenty'; expected a whole year"),
    ("fractional price year", {"price_year": 2022.5}, ValueError, r"`price_year` is 2022.5; expected a whole year"),
    ("text for a mapping", {"co2e_kg_per_tkm": "rail"}, TypeError, r"`co2e_kg_per_tkm` is a str \('rail'\); expect"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "error", "message"), [row[1:] for row in BAD_PARAMETERS], ids=[row[0] for row in BAD_PARAMETERS]
)
def test_bad_parameters_are_refused_with_their_name_and_value(changes, error, message):
    with pytest.raises(error, match=message):
        CostParameters.default().replace(**changes)


def test_parameters_are_immutable_all_the_way_down():
    p = CostParameters.default()
    for name in ("co2e_kg_per_tkm", "rates", "headway_h", "rate_usd_per_tkm", "sources"):
        with pytest.raises(TypeError, match="does not support item assignment"):
            getattr(p, name)["rail"] = -5  # the hang of issue 11: a negative factor set behind the checks


def test_immutable_parameters_still_copy_pickle_hash_and_compare():
    p = CostParameters.default().replace(rate_usd_per_tkm={"rail": 0.04})
    for twin in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert twin == p and twin.key == p.key and hash(twin) == hash(p)
        assert isinstance(twin.co2e_kg_per_tkm, ReadOnlyMapping)


def test_direct_construction_is_checked_too():
    p = CostParameters.default()
    fields = {f.name: getattr(p, f.name) for f in dataclasses.fields(p)} | {"tonnes_per_unit": -1.0}
    with pytest.raises(ValueError, match=r"`tonnes_per_unit` is -1.0; it must be a positive finite number"):
        CostParameters(**fields)


def test_cpi_table_handed_out_is_a_copy():
    table = cpi_u()
    table[2022] = 1.0
    assert deflator(2022, 2022) == 1.0 and cpi_u()[2022] > 100


def test_a_set_named_by_something_else_than_text_is_refused():
    with pytest.raises(TypeError, match=r"`name` was 2022; expected an assumption set's name"):
        CostParameters.load(2022)


@pytest.mark.parametrize(("name", "value"), [("cargo_unit", "feu"), ("emission_basis", "WTW"), ("sources", {}),
                                             ("ranges", {})])  # fmt: skip
def test_replace_refuses_what_only_loading_a_set_may_set(name, value):
    # the cargo unit fixes tonnes and TEU per unit, the emission basis the factors: `load` them instead
    with pytest.raises(TypeError, match=rf"unknown cost parameter\(s\) \['{name}'\]"):
        CostParameters.default().replace(**{name: value})


def test_replace_marks_each_changed_value_as_the_users_and_drops_its_range():
    p = CostParameters.default()
    assert {"sea_headway_h", "rates.rail.RUS"} <= set(p.ranges)  # the set gives both a range
    q = p.replace(sea_headway_h=200.0, rates={"rail.RUS": (0.3, "usd_per_teu_km", 2024)}, assumption_set="mine")
    assert q.sources["sea_headway_h"] == ("h between sailings", "set by the user", "-")  # the unit is kept
    assert q.sources["rates.rail.RUS"] == ("US$ per TEU-km", "set by the user", "-")
    assert "sea_headway_h" not in q.ranges and "rates.rail.RUS" not in q.ranges  # no longer the set's figure
    assert q.ranges["empty_return_share"] == p.ranges["empty_return_share"]  # the others keep theirs
    assert q.assumption_set == "mine" and q.sources.get("assumption_set") == p.sources.get("assumption_set")
    new = q.replace(rate_usd_per_tkm={"rail": 0.05})  # a key the set does not give: no unit to keep
    assert new.sources["rate_usd_per_tkm.rail"] == ("", "set by the user", "-")


def test_a_mapping_given_as_a_number_is_shown_an_example():
    with pytest.raises(TypeError, match=r"`co2e_kg_per_tkm` is a int \(5\); expected a mapping such as \{'rail'"):
        CostParameters.default().replace(co2e_kg_per_tkm=5)
    with pytest.raises(TypeError, match=r"did you mean 'rates'"):
        CostParameters.default().replace(ratse={})


BAD_SETS = [
    ("unknown section", 'ratse = {}\n', ["unknown section or key `ratse` (did you mean 'rates'?)"]),
    ("class rates not in tables", "rates_by_class = 5\n",
     ["`rates_by_class` is 5; expected tables such as [rates_by_class.dry_bulk]"]),
    ("a class's times not a table", "[times_by_class]\ndry_bulk = 3\n",
     ["`times_by_class.dry_bulk` is 3; expected a table of times by key"]),
    ("extends a set that is not there", 'extends = "basline"\n', ["`extends` is 'basline', which is not an"]),
    ("unknown figure key", '[parameters]\nsea_headway_h = { value = 100, sorce = "x", confidence = "H" }\n',
     ["`parameters.sea_headway_h` has an unknown key `sorce` (did you mean 'source'?)"]),
    ("L without a range", '[parameters]\nsea_headway_h = { value = 100, source = "x", confidence = "L" }\n',
     ["`parameters.sea_headway_h`", "low", "high"]),
    ("value outside its range", '[parameters]\nsea_headway_h = { value = 100, low = 120, high = 200, '
     'source = "x", confidence = "M" }\n', ["`parameters.sea_headway_h`: low <= value <= high does not hold "
                                            "(120 / 100 / 200)"]),
    ("rate without a year", '[rates]\n"rail.KAZ" = { value = 0.2, unit = "usd_per_teu_km", source = "x", '
     'confidence = "H" }\n', ["`rates.rail.KAZ`", "year"]),
    ("rate with a year key on a parameter", '[parameters]\nsea_headway_h = { value = 100, year = 2024, source = "x", '
     'confidence = "H" }\n', ["`parameters.sea_headway_h` has an unknown key `year`"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [row[1:] for row in BAD_SETS], ids=[row[0] for row in BAD_SETS])
def test_bad_assumption_files_name_the_key(tmp_path, text, expected):
    from corridor import datasets

    (tmp_path / "baseline.toml").write_text((datasets.get_path("assumptions") / "baseline.toml").read_text())
    path = tmp_path / "mine.toml"
    head = 'name = "mine"\n' + ("" if text.startswith("extends") else 'extends = "baseline"\n')
    path.write_text(head + text, encoding="utf-8")
    with pytest.raises((ValueError, FileNotFoundError)) as error:
        CostParameters.from_toml(path)
    for part in expected:
        assert part in str(error.value), (part, str(error.value))


def test_differences_of_a_set_and_its_changed_copy():
    base = CostParameters.load("baseline")
    changed = base.replace(value_of_time_pct_per_day=1.0, rates={"rail.RUS": (0.3, "usd_per_teu_km", 2024)})
    table = changed.differences(base)
    assert table.columns.tolist() == ["this", "other"]  # both are 'baseline' by name
    assert table.index.tolist() == ["value_of_time_pct_per_day", "rates.rail.RUS"]  # the derived value of time left out
    assert table.loc["value_of_time_pct_per_day"].tolist() == [1.0, 0.6]
    assert base.differences(CostParameters.load("baseline")).empty


def test_read_only_mappings_hash_by_content():
    first, second = CostParameters.load("baseline"), CostParameters.load("baseline")
    assert first.co2e_kg_per_tkm is not second.co2e_kg_per_tkm
    assert hash(first.co2e_kg_per_tkm) == hash(second.co2e_kg_per_tkm)
    assert hash(first.co2e_kg_per_tkm) != hash(first.replace(co2e_kg_per_tkm={"rail": 0.03}).co2e_kg_per_tkm)


# --- a cargo class's own rates, per tonne ------------------------------------------------------------------


@pytest.fixture
def bare_toy(toy):
    """The toy without its segments' own money figures, so the assumption set prices every segment."""
    bare = copy.deepcopy(toy)
    bare.segments["cost_usd_per_tkm"] = float("nan")
    return bare


def test_a_class_rate_is_per_tonne_by_hand(bare_toy):
    p = CostParameters.default(price_year=2022, rates={"dry_bulk:road": (0.03, "usd_per_tkm", 2022),
                                                       "dry_bulk:sea": (5.0, "usd_per_tonne", 2022)})  # fmt: skip
    bulk = segment_costs(bare_toy.segments, p, data_year=2022, cargo_class="dry_bulk")
    boxes = segment_costs(bare_toy.segments, p, data_year=2022)
    # b_d_road: 200 km x 0.03 US$/t-km x 12 t per TEU; c_d_sea: 5 US$/t per leg x 12 t
    assert bulk.loc["b_d_road", "cost_usd"] == pytest.approx(72.0)
    assert bulk.loc["c_d_sea", "cost_usd"] == pytest.approx(60.0)
    assert bulk.loc["b_d_road", "rate_source"] == "rates.dry_bulk:road"
    assert boxes.loc["b_d_road", "rate_source"] == "rates.road"  # the containers keep the truck rate
    per_tonne = segment_costs(bare_toy.segments, p.replace(), data_year=2022, cargo_class="dry_bulk")
    assert per_tonne.equals(bulk)
    one_tonne = CostParameters.default(cargo_unit="tonne", price_year=2022, rates=dict(p.rates))
    assert segment_costs(bare_toy.segments, one_tonne, data_year=2022, cargo_class="dry_bulk").loc[
        ["b_d_road", "c_d_sea"], "cost_usd"
    ].tolist() == pytest.approx([6.0, 5.0])


def test_a_segments_own_figure_beats_a_class_rate(toy):
    p = CostParameters.default(price_year=2022, rates={"dry_bulk:road": (0.03, "usd_per_tkm", 2022)})
    bulk = segment_costs(toy.segments, p, data_year=2022, cargo_class="dry_bulk")
    assert bulk.loc["b_d_road", "rate_source"] == "segment cost_usd_per_tkm"
    assert bulk.loc["b_d_road", "cost_usd"] == pytest.approx(200 * 0.1 * 12)


def test_a_class_fee_per_tonne_replaces_the_fee_per_teu(toy):
    fees = {
        "dry_bulk:port_call": (5.0, "usd_per_tonne", 2022),
        "dry_bulk:transfer.d_port": (2.0, "usd_per_tonne", 2022),
    }
    p = CostParameters.default(price_year=2022, rates=fees)
    bulk = transfer_costs(toy.transfers, p, data_year=2022, cargo_class="dry_bulk")["cost_usd"]
    boxes = transfer_costs(toy.transfers, p, data_year=2022)["cost_usd"]
    assert bulk["c_port"] == pytest.approx(60.0)  # 5 US$/t x 12 t, by kind
    assert bulk["d_port"] == pytest.approx(24.0)  # the transfer's own key wins over its kind's
    assert bulk["b_border"] == boxes["b_border"] == pytest.approx(100.0)  # no bulk fee: US$100 per TEU as before
    assert boxes["c_port"] == pytest.approx(200.0)


@pytest.mark.parametrize("cargo_class", ["container", "liquid_bulk", None])
def test_a_class_without_rates_of_its_own_costs_exactly_what_every_class_costs(instc, cargo_class):
    p = CostParameters.default()
    pd.testing.assert_frame_equal(element_costs(instc, p, cargo_class=cargo_class), element_costs(instc, p))
    bare = p.without_class_rates().without_class_times()
    pd.testing.assert_frame_equal(element_costs(instc, bare, cargo_class="dry_bulk"), element_costs(instc, p))
    assert bare.priced_classes == () and not any(k.startswith("rates.dry_bulk:") for k in bare.sources)
    assert bare.timed_classes == () and not any(":" in k for k in bare.sources if k.startswith(("headway", "dwell")))


def test_the_baseline_prices_dry_bulk_per_tonne_with_sources(instc):
    p = CostParameters.default()
    frame = p.to_frame()
    own = frame[frame.index.str.startswith("rates.dry_bulk:")]
    assert {"rates.dry_bulk:sea.caspian", "rates.dry_bulk:rail.IRN", "rates.dry_bulk:port_call"} <= set(own.index)
    assert own["source"].str.len().gt(20).all() and own["confidence"].isin(["H", "M", "L"]).all()
    assert all(p.ranges.get(k) for k in own.index[own["confidence"] == "L"])  # every L figure has a range
    bulk = element_costs(instc, p, cargo_class="dry_bulk").loc["segment"]
    caspian = bulk.loc["astrakhan_anzali_sea"]
    assert caspian["rate_source"] == "rates.dry_bulk:sea.caspian"
    assert caspian["cost_usd_freight"] == pytest.approx(36 * deflator(2020, 2024) * 12)


@pytest.mark.parametrize(
    ("key", "rate", "message"),
    [
        ("dry_bulck:sea.caspian", (36, "usd_per_tonne", 2020), r"'dry_bulck' is not a cargo class.*mean 'dry_bulk'"),
        ("dry_bulk:rial.IRN", (0.02, "usd_per_tkm", 2021), r"'rial' is neither a mode.*did you mean 'rail'"),
        ("dry_bulk:sea.caspain", (36, "usd_per_tonne", 2020), r"'caspain' is neither a water service.*'caspian'"),
        ("dry_bulk:sea.caspian", (36, "usd_per_teu", 2020), r"'usd_per_teu': a cargo class's own segment rate "
         r"is per tonne; expected one of \['usd_per_tonne', 'usd_per_tkm'\] \(did you mean 'usd_per_tonne'\?\)"),
        ("dry_bulk:port_call", (5, "usd_per_tkm", 2024), r"own fee at a transfer is per tonne.*\['usd_per_tonne'\]"),
        ("dry_bulk:sea.caspian", (36, "usd_per_tone", 2020), r"unit 'usd_per_tone'.*did you mean 'usd_per_tonne'"),
        ("dry_bulk:segment", (36, "usd_per_tonne", 2020), r"'segment' needs an id after it"),
    ],
)  # fmt: skip
def test_bad_class_rates_name_the_key_the_value_and_a_near_match(key, rate, message):
    with pytest.raises(ValueError, match=message) as error:
        CostParameters.default(rates={key: rate})
    assert repr(key) in str(error.value) or f"['{key}']" in str(error.value)


def test_bad_class_rates_are_reported_together():
    bad = {"dry_bulck:sea.caspian": (36, "usd_per_tonne", 2020), "dry_bulk:rial": (0.02, "usd_per_tkm", 2021),
           "dry_bulk:sea.caspian": (36, "usd_per_teu", 2020)}  # fmt: skip
    with pytest.raises(ValueError) as error:
        CostParameters.default(rates=bad)
    assert all(key in str(error.value) for key in bad)


def test_bad_class_rates_in_a_file_name_the_file_and_every_key(tmp_path):
    path = _set_beside_baseline(
        tmp_path,
        "bulk",
        "[rates_by_class.dry_bulck]\n"
        '"sea.caspian" = { value = 36, unit = "usd_per_tonne", year = 2020, source = "s", confidence = "M" }\n'
        "[rates_by_class.dry_bulk]\n"
        '"sea.caspian" = { value = 36, unit = "usd_per_teu", year = 2020, source = "s", confidence = "M" }\n'
        'rial = { value = 0.02, unit = "usd_per_tkm", year = 2021, source = "s", confidence = "M" }\n',
    )
    with pytest.raises(ValueError) as error:
        CostParameters.load(path)
    message = str(error.value)
    assert "bulk.toml" in message and "did you mean 'dry_bulk'" in message and "did you mean 'rail'" in message
    assert "'usd_per_teu': a cargo class's own segment rate is per tonne" in message


def test_a_rates_by_class_table_is_read_as_class_keys(tmp_path):
    path = _set_beside_baseline(
        tmp_path,
        "cheap",
        "[rates_by_class.dry_bulk]\n"
        '"sea.caspian" = { value = 10, low = 5, high = 20, unit = "usd_per_tonne", year = 2024, source = "s", '
        'confidence = "L" }\n',
    )
    p = CostParameters.load(path)
    assert p.rates["dry_bulk:sea.caspian"] == (10.0, "usd_per_tonne", 2024)
    assert p.ranges["rates.dry_bulk:sea.caspian"] == (5.0, 20.0)
    assert p.rates["dry_bulk:rail.IRN"] == CostParameters.default().rates["dry_bulk:rail.IRN"]  # inherited


_CLASS_KEYS = ["dry_bulk:sea.caspian", "dry_bulk:rail.IRN", "dry_bulk:rail.RUS", "dry_bulk:road", "dry_bulk:port_call",
               "dry_bulk:sea.mainline", "dry_bulk:gauge_change"]  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(_CLASS_KEYS), factor=st.floats(1.0, 5.0), cargo_class=st.sampled_from(["dry_bulk", None]))
def test_raising_any_class_rate_never_lowers_any_cost(instc, key, factor, cargo_class):
    base = CostParameters.default()
    rate = base.rates[key]
    raised = base.replace(rates={key: (rate.value * factor, rate.unit, rate.year)})
    before = element_costs(instc, base, cargo_class=cargo_class)["cost_usd"]
    after = element_costs(instc, raised, cargo_class=cargo_class)["cost_usd"]
    assert (after >= before - 1e-9).all()
    if cargo_class is None:
        assert (after == before).all()  # a class's rate moves no class-less cost


# --- a class's own times -----------------------------------------------------------------------------------


@pytest.fixture
def caspian_toy(toy):
    """The toy with its sea leg on the Caspian service (class-less headway 168 h: a wait of 84 h)."""
    sea = copy.deepcopy(toy)
    sea.segments["service"] = sea.segments["service"].astype(object)
    sea.segments.loc["c_d_sea", "service"] = "caspian"
    return sea


def test_a_class_waits_for_its_own_sailings_and_dwells_its_own_hours_by_hand(caspian_toy):
    p = CostParameters.default(price_year=2022, headway_h={"dry_bulk:caspian": 48.0},
                               dwell_h={"dry_bulk:port_call": 6.0, "dry_bulk:transfer.d_port": 20.0})  # fmt: skip
    bulk = element_costs(caspian_toy, p, cargo_class="dry_bulk")
    boxes = element_costs(caspian_toy, p)
    # c_d_sea: 200 km at 20 km/h = 10 h moving, plus half the headway: 24 h for bulk, 84 h for the boxes
    assert bulk.loc[("segment", "c_d_sea"), ["wait_h", "time_h"]].tolist() == [24.0, 34.0]
    assert boxes.loc[("segment", "c_d_sea"), ["wait_h", "time_h"]].tolist() == [84.0, 94.0]
    # c_port by kind (6 h), d_port by id (20 h, its own key wins), the border as the containers (4 h)
    assert bulk.loc["transfer", "time_h"][["c_port", "d_port", "b_border"]].tolist() == [6.0, 20.0, 4.0]
    assert boxes.loc["transfer", "time_h"][["c_port", "d_port"]].tolist() == [12.0, 12.0]
    # time is valued in the generalised cost: 60 h less at the c_d_sea leg
    saved = (
        boxes.loc[("segment", "c_d_sea"), "generalised_cost_usd"]
        - bulk.loc[("segment", "c_d_sea"), "generalised_cost_usd"]
    )
    assert saved == pytest.approx(60.0 * p.value_of_time_usd_per_h)
    assert p.timed_classes == ("dry_bulk",) and "dry_bulk" in p.own_classes
    pd.testing.assert_frame_equal(element_costs(caspian_toy, p, cargo_class="container"), boxes)


def test_a_transfer_recorded_as_no_stop_keeps_its_zeros_under_a_class_figure_by_kind(instc):
    p = CostParameters.default()
    bulk = element_costs(instc, p, cargo_class="dry_bulk").loc[("transfer", "vcssc_canal_to_sea")]
    assert bulk["time_h"] == 0.0 and bulk["cost_usd"] == 0.0  # the ship sails on into the sea
    by_id = p.replace(dwell_h={"dry_bulk:transfer.vcssc_canal_to_sea": 3.0})
    assert element_costs(instc, by_id, cargo_class="dry_bulk").loc[("transfer", "vcssc_canal_to_sea"), "time_h"] == 3


def test_the_baseline_times_dry_bulk_on_the_caspian_with_sources(instc):
    p = CostParameters.default()
    frame = p.to_frame()
    own = frame.loc[["headway_h.dry_bulk:caspian", "dwell_h.dry_bulk:port_call"]]
    assert own["source"].str.len().gt(50).all() and own["confidence"].isin(["H", "M", "L"]).all()
    assert p.ranges["headway_h.dry_bulk:caspian"] == (12.0, 168.0)
    assert p.ranges["dwell_h.dry_bulk:port_call"] == (12.0, 72.0)
    bulk = element_costs(instc, p, cargo_class="dry_bulk")
    boxes = element_costs(instc, p, cargo_class="container")
    assert bulk.loc[("segment", "astrakhan_anzali_sea"), "wait_h"] == 24.0
    assert boxes.loc[("segment", "astrakhan_anzali_sea"), "wait_h"] == 84.0
    assert bulk.loc[("transfer", "amirabad_port"), "time_h"] == 24.0
    assert (
        bulk.loc[("transfer", "astara_ir_gauge_change"), "time_h"]
        == boxes.loc[("transfer", "astara_ir_gauge_change"), "time_h"]
    )  # no bulk figure: the containers' time
    bare = p.without_class_times()
    assert bare.timed_classes == () and bare.priced_classes == p.priced_classes
    assert "headway_h.dry_bulk:caspian" not in bare.ranges and bare.headway_h["caspian"] == 168.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"headway_h": {"dry_bulk:caspain": 48.0}}, r"'caspain' is not a water service.*did you mean 'caspian'"),
        ({"headway_h": {"dry_bulck:caspian": 48.0}}, r"'dry_bulck' is not a cargo class.*did you mean 'dry_bulk'"),
        ({"dwell_h": {"dry_bulk:port_cal": 24.0}}, r"'port_cal' is not a transfer kind.*did you mean 'port_call'"),
        ({"dwell_h": {"dry_bulk:transfer": 24.0}}, r"'transfer' needs an id after it"),
        ({"dwell_h": {"port_call": 24.0}}, r"a dwell of its own is a cargo class's"),
        ({"dwell_h": {"dry_bulk:port_call": -1.0}}, r"`dwell_h\['dry_bulk:port_call'\]` is -1.0; it must be"),
    ],
)
def test_bad_class_times_name_the_key_and_a_near_match(changes, message):
    with pytest.raises(ValueError, match=message):
        CostParameters.default().replace(**changes)


def test_bad_class_times_are_reported_together():
    with pytest.raises(ValueError) as error:
        CostParameters.default().replace(headway_h={"dry_bulk:caspain": 48.0}, dwell_h={"dry_bulck:port_call": 1.0})
    assert "'caspain'" in str(error.value) and "'dry_bulck'" in str(error.value)


def test_a_times_by_class_table_is_read_and_its_bad_keys_reported_together(tmp_path):
    good = _set_beside_baseline(
        tmp_path,
        "slow",
        "[times_by_class.dry_bulk]\n"
        '"headway_h.caspian" = { value = 96, low = 48, high = 168, unit = "h", source = "s", confidence = "L" }\n',
    )
    p = CostParameters.load(good)
    assert p.headway_h["dry_bulk:caspian"] == 96.0 and p.ranges["headway_h.dry_bulk:caspian"] == (48.0, 168.0)
    assert p.dwell_h["dry_bulk:port_call"] == 24.0  # inherited
    assert p.to_frame().loc["headway_h.dry_bulk:caspian", "source"] == "s"
    bad = _set_beside_baseline(
        tmp_path,
        "bad",
        "[times_by_class.dry_bulck]\n"
        '"headway_h.caspian" = { value = 96, unit = "h", source = "s", confidence = "M" }\n'
        "[times_by_class.dry_bulk]\n"
        '"dwell_h.port_cal" = { value = 24, unit = "h", source = "s", confidence = "M" }\n'
        '"headway.caspian" = { value = 24, unit = "h", source = "s", confidence = "M" }\n'
        '"headway_h.feeder" = { value = 24, unit = "h", source = "s", confidence = "L" }\n',
    )
    with pytest.raises(ValueError) as error:
        CostParameters.load(bad)
    message = str(error.value)
    assert "bad.toml" in message and "did you mean 'dry_bulk'" in message and "did you mean 'port_call'" in message
    assert "times_by_class.dry_bulk.headway.caspian" in message and "did you mean 'headway_h'" in message
    assert "low-confidence (L) but has no range" in message


# --- assumption files: what each message says, and the name a set takes (issue 16, mutants of `_parse_set`) -------


def _set_file(tmp_path, text, name="mine.toml"):
    """A set file beside a copy of the shipped baseline, so that it may extend it."""
    from corridor import datasets

    (tmp_path / "baseline.toml").write_text((datasets.get_path("assumptions") / "baseline.toml").read_text())
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_assumption_file_is_named(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(FileNotFoundError, match=rf"^assumption set '{re.escape(str(path))}' does not exist\.$"):
        CostParameters.from_toml(path)


def test_an_assumption_file_that_is_not_toml_is_named(tmp_path):
    path = _set_file(tmp_path, "name = \n")
    with pytest.raises(ValueError, match=rf"^assumption set '{re.escape(str(path))}' is not valid TOML: .+\.$"):
        CostParameters.from_toml(path)


@pytest.mark.parametrize(("key", "meant"), [("paramters", "parameters"), ("extend", "extends")])
def test_a_misspelt_section_suggests_the_one_meant(tmp_path, key, meant):
    path = _set_file(tmp_path, f'extends = "baseline"\n{key} = {{}}\n')
    with pytest.raises(ValueError, match=rf"unknown section or key `{key}` \(did you mean '{meant}'\?\)"):
        CostParameters.from_toml(path)


def test_every_problem_of_a_file_is_listed_in_one_message(tmp_path):
    path = _set_file(
        tmp_path,
        'extends = "baseline"\nratse = {}\n[parameters]\n'
        'sea_headway_h = { value = 100, source = "x", confidence = "Q" }\n'
        'carbon_price_usd_per_t = { value = 0, source = "x" }\n',
    )
    with pytest.raises(ValueError) as error:
        CostParameters.from_toml(path)
    assert str(error.value) == (
        f"assumption set '{path}': unknown section or key `ratse` (did you mean 'rates'?); "
        "`parameters.sea_headway_h.confidence` is 'Q'; expected one of ['H', 'M', 'L']; "
        "`parameters.carbon_price_usd_per_t` has no `confidence`."
    )


def test_a_set_is_named_by_its_name_key_else_by_its_file(tmp_path):
    named = _set_file(tmp_path, 'name = "my rates"\nextends = "baseline"\n', name="other.toml")
    assert CostParameters.from_toml(named).assumption_set == "my rates"
    unnamed = _set_file(tmp_path, 'extends = "baseline"\n', name="unnamed.toml")
    assert CostParameters.from_toml(unnamed).assumption_set == "unnamed"


# --- figures of an assumption file (mutants of `_figure_problems`) ----------------------------------------------


def test_a_rate_with_no_source_still_has_its_value_checked(tmp_path):
    path = _set_file(
        tmp_path, 'extends = "baseline"\n[rates]\n"rail.KAZ" = { value = -1, unit = "usd_per_teu_km", year = 2023 }\n'
    )
    with pytest.raises(ValueError) as error:
        CostParameters.from_toml(path)
    assert str(error.value) == (
        f"assumption set '{path}': `rates.rail.KAZ` has no `source`; `rates.rail.KAZ` has no `confidence`; "
        "`rates.rail.KAZ` has value -1; expected a finite number >= 0."
    )  # each problem once, without its own full stop


def test_a_figure_whose_value_is_not_a_number_is_refused(tmp_path):
    path = _set_file(
        tmp_path,
        'extends = "baseline"\n[parameters]\nsea_headway_h = { value = [1, 2], source = "x", confidence = "H" }\n',
    )
    with pytest.raises(ValueError, match=r"`parameters.sea_headway_h.value` is \[1, 2\]; expected a number\.$"):
        CostParameters.from_toml(path)


def test_a_rate_with_no_year_is_not_asked_for_a_number(tmp_path):
    path = _set_file(
        tmp_path,
        'extends = "baseline"\n[rates]\n'
        'rail = { value = [1], unit = "usd_per_teu_km", source = "x", confidence = "H" }\n',
    )
    with pytest.raises(ValueError) as error:
        CostParameters.from_toml(path)
    assert str(error.value) == f"assumption set '{path}': `rates.rail` has no `year`."


def test_a_value_at_either_end_of_its_range_is_accepted(tmp_path):
    text = ('[parameters]\nsea_headway_h = { value = 100, low = 50, high = 100, source = "x", confidence = "M" }\n'
            'empty_cost_ratio = { value = 0.4, low = 0.4, high = 0.6, source = "x", confidence = "M" }\n')  # fmt: skip
    p = CostParameters.from_toml(_set_file(tmp_path, 'extends = "baseline"\n' + text))
    assert p.ranges["sea_headway_h"] == (50.0, 100.0) and p.ranges["empty_cost_ratio"] == (0.4, 0.6)


# --- replace, the printed table, differences, hashing (mutants of `replace`, `to_frame`, `differences`, ...) ------


def test_two_unknown_parameters_are_each_given_a_suggestion():
    with pytest.raises(TypeError) as error:
        CostParameters.default().replace(empty_share=0.3, sea_headway=10.0)
    assert str(error.value).startswith(
        "unknown cost parameter(s) ['empty_share', 'sea_headway'] (did you mean 'empty_return_share'?) "
        "(did you mean 'sea_headway_h'?); expected some of "
    )


def test_a_changed_value_keeps_the_unit_its_set_gives_it():
    p = CostParameters.default()  # the set gives tonnes per TEU and the price year units of its own
    q = p.replace(tonnes_per_unit=10.0, price_year=2023)
    assert q.sources["tonnes_per_unit"] == ("t per unit", "set by the user", "-")
    assert q.sources["price_year"] == ("year of nominal US$", "set by the user", "-")


def test_the_table_of_assumptions_opens_with_where_they_came_from():
    p = CostParameters.default().replace(cargo_value_usd_per_tonne=1234.56)  # 1,234.56 x 12 t x 0.6 % / 24 h
    frame = p.to_frame()
    assert frame.iloc[:4].values.tolist() == [
        ["baseline", "", "data/assumptions/ or a user file", "-"],
        ["teu", "", "explicit argument", "-"],
        ["TTW", "", "tank-to-wheel factors (DESNZ/DEFRA 2025)", "-"],
        [3.7, "USD per unit-hour", "derived: value x share / 24", "-"],  # 3.70368, to the cent
    ]
    assert frame.index[:4].tolist() == ["assumption_set", "cargo_unit", "emission_basis", "value_of_time_usd_per_h"]


def test_differences_of_two_sets_are_headed_by_their_names():
    table = CostParameters.load("balanced").differences(CostParameters.load("baseline"))
    assert table.columns.tolist() == ["balanced", "baseline"]
    assert table.loc["empty_return_share"].tolist() == [0.0, 0.22]


def test_parameters_print_one_line_per_assumption():
    p = CostParameters.default()
    lines = str(p).splitlines()
    assert [line.split()[0] for line in lines] == p.to_frame().index.tolist()


def test_read_only_mappings_hash_alike_whatever_the_order_they_were_made_in():
    assert hash(ReadOnlyMapping({"rail": 0.02, "road": 0.02})) == hash(ReadOnlyMapping({"road": 0.02, "rail": 0.02}))
    mixed = ReadOnlyMapping({1: "a", "b": 2})  # keys of two types are sorted by their text
    assert hash(mixed) == hash(ReadOnlyMapping({"b": 2, 1: "a"}))


def test_a_changed_value_of_parameters_made_without_sources_gets_its_usual_unit():
    p = CostParameters.default()
    bare = CostParameters(**{f.name: getattr(p, f.name) for f in dataclasses.fields(p)} | {"sources": {}})
    q = bare.replace(sea_headway_h=100.0, price_year=2023)
    assert q.sources["sea_headway_h"] == ("h between sailings", "set by the user", "-")
    assert q.sources["price_year"] == ("", "set by the user", "-")  # no usual unit: none is made up


def _bare(**changes):
    """Parameters made by hand, with no sources: one figure of each mapping."""
    fields = {
        "cargo_unit": "teu", "tonnes_per_unit": 12.0, "teu_per_unit": 1.0, "price_year": 2024,
        "cargo_value_usd_per_tonne": 2400.0, "value_of_time_pct_per_day": 1.0, "empty_return_share": 0.0,
        "empty_cost_ratio": 0.5, "sea_headway_h": 168.0, "carbon_price_usd_per_t": 0.0,
        "co2e_kg_per_tkm": {"rail": 0.03}, "rates": {"rail.KAZ": (1.2, "usd_per_teu_km", 2022)},
        "headway_h": {"caspian": 96.0}, "rate_usd_per_tkm": {"road": 0.06},
    }  # fmt: skip
    return CostParameters(**fields | changes)


def test_the_table_of_parameters_made_by_hand_in_full():
    frame = _bare().to_frame()
    none = ["", "", ""]  # no unit, source or confidence given
    assert frame.index.name == "parameter" and frame.columns.tolist() == ["value", "unit", "source", "confidence"]
    assert frame.reset_index().values.tolist() == [
        ["assumption_set", "custom", "", "data/assumptions/ or a user file", "-"],
        ["cargo_unit", "teu", "", "explicit argument", "-"],
        ["emission_basis", "TTW", "", "tank-to-wheel factors (DESNZ/DEFRA 2025)", "-"],
        [
            "value_of_time_usd_per_h",
            12.0,
            "USD per unit-hour",
            "derived: value x share / 24",
            "-",
        ],  # 2,400 x 12 / 2,400
        ["price_year", 2024, *none],
        ["tonnes_per_unit", 12.0, *none],
        ["teu_per_unit", 1.0, *none],
        ["cargo_value_usd_per_tonne", 2400.0, *none],
        ["value_of_time_pct_per_day", 1.0, *none],
        ["empty_return_share", 0.0, *none],
        ["empty_cost_ratio", 0.5, *none],
        ["sea_headway_h", 168.0, *none],
        ["carbon_price_usd_per_t", 0.0, *none],
        ["headway_h.caspian", 96.0, *none],
        ["co2e_kg_per_tkm.rail", 0.03, *none],
        ["rate_usd_per_tkm.road", 0.06, *none],
        ["rates.rail.KAZ", 1.2, "usd_per_teu_km (2022 US$)", "", ""],  # a rate's unit is its own, with its year
    ]


def test_the_table_of_a_set_gives_each_figure_its_unit_and_source():
    frame = CostParameters.default().to_frame()
    assert frame.loc["price_year"].tolist() == [2024, "year of nominal US$", "choice: latest full year of the US "
                                                "CPI-U (BLS)", "H"]  # fmt: skip
    assert frame.loc["headway_h.caspian", "confidence"] == "M"
    assert frame.loc["rates.rail.KAZ", "unit"].endswith(" US$)") and frame.loc["rates.rail.KAZ", "source"]


def test_a_read_only_mapping_shows_as_its_content():
    assert repr(ReadOnlyMapping({"rail": 0.02})) == "{'rail': 0.02}"
    assert repr(CostParameters.default().headway_h).startswith("{'mainline': 168.0, ")


# --- every check of `_checked`, `_key_problems` and `_rate_problems`, message in full ------------------------------

ALL_WRONG = {  # one of each problem, in the order the checks run
    "cargo_unit": "teus", "tonnes_per_unit": 0.0, "value_of_time_pct_per_day": -1.0, "empty_return_share": 1.5,
    "price_year": 2000, "co2e_kg_per_tkm": {"rial": -0.1}, "rate_usd_per_tkm": {"rail.XXX": 0.1},
    "headway_h": {"caspain": 96.0},
    "rates": {"rail.KAZ": "x", "trian": (-1.0, "usd_per_teu_kms", 1990), "rail.ZZZ": (1.0, "usd_per_teu_km", 2022),
              "segment.": (1.0, "usd_per_teu_km", 2022)},
}  # fmt: skip
MODES = "['rail', 'road', 'sea', 'inland_water']"
SERVICES = "['mainline', 'feeder', 'regional', 'caspian', 'river']"
RATE_KEYS = "expected 'segment.<id>', 'passage.<name>', a mode, or 'mode.<service>' / 'mode.<ISO3>'."


def test_every_wrong_parameter_is_named_in_one_message():
    with pytest.raises(ValueError) as error:
        _bare(**ALL_WRONG)
    assert str(error.value).split(". `") == [
        "invalid cost parameters: `cargo_unit` is 'teus'; expected one of ['teu', 'feu', 'tonne'] (did you mean "
        "'teu'?)",
        "tonnes_per_unit` is 0.0; it must be a positive finite number",
        "value_of_time_pct_per_day` is -1.0; it must be a finite number >= 0 (it cannot be negative)",
        "empty_return_share` is 1.5; expected a share between 0 and 1",
        "price_year` is 2000; the price index covers 2010-2025",
        "co2e_kg_per_tkm['rial']` is -0.1; it must be a finite number >= 0",
        f"co2e_kg_per_tkm` has the key 'rial': 'rial' is not one of {MODES} (did you mean 'rail'?); expected a mode "
        "or 'mode.branch'",
        "rate_usd_per_tkm` has the key 'rail.XXX': 'XXX' is not an ISO 3166 alpha-3 code; expected a mode or "
        "'mode.ISO3'",
        f"headway_h` has the key 'caspain': 'caspain' is not one of {SERVICES} (did you mean 'caspian'?); expected a "
        "water service or '<class>:<service>'",
        "rates['rail.KAZ']` is 'x'; expected a Rate or a (value, unit, year) tuple",
        "rates['trian']` has value -1.0; expected a finite number >= 0",
        "rates['trian']` has unit 'usd_per_teu_kms'; expected one of ['usd_per_teu_km', 'usd_per_container_km', "
        "'usd_per_teu', 'usd_per_tkm', 'usd_per_tonne'] (did you mean 'usd_per_teu_km'?)",
        "rates['trian']` has year 1990; expected a price year the CPI-U table covers",
        f"rates` has the key 'trian': 'trian' is not one of {MODES}; {RATE_KEYS[:-1]}",
        f"rates` has the key 'rail.ZZZ': 'ZZZ' is neither a water service {SERVICES} nor an ISO 3166 alpha-3 code; "
        f"{RATE_KEYS[:-1]}",
        f"rates` has the key 'segment.'; {RATE_KEYS}",
    ]


def test_more_wrong_parameters_named_in_full():
    with pytest.raises(ValueError) as error:
        _bare(price_year="x", sea_headway_h=float("nan"), empty_cost_ratio=-0.1, carbon_price_usd_per_t=-1.0,
              co2e_kg_per_tkm={3: 0.1}, rates={"passage.": (1.0, "usd_per_teu", 2022),
                                               "sea.caspian": (1.0, "usd_per_teu", 2022.0)})  # fmt: skip
    assert str(error.value).split(". `") == [
        "invalid cost parameters: `sea_headway_h` is nan; it must be a positive finite number",
        "carbon_price_usd_per_t` is -1.0; it must be a finite number >= 0 (it cannot be negative)",
        "empty_cost_ratio` is -0.1; expected a share between 0 and 1",
        "price_year` is 'x'; expected a whole year such as 2024",
        "co2e_kg_per_tkm` has the key 3; expected a mode or 'mode.branch'",
        f"rates` has the key 'passage.'; {RATE_KEYS[:-1]}",
        "rates['sea.caspian']` has year 2022.0; expected a price year the CPI-U table covers.",
    ]


def test_figures_at_the_edge_of_what_is_allowed_are_accepted():
    p = _bare(value_of_time_pct_per_day=0.0, carbon_price_usd_per_t=0.0, empty_return_share=1.0, empty_cost_ratio=0.0,
              price_year=2025, co2e_kg_per_tkm={"rail": 0.0, "sea.suez": 0.01}, headway_h={"river": 0.0},
              rate_usd_per_tkm={"road.IRN": 0.0}, tonnes_per_unit=1e-9,
              rates={"rail.KAZ": (0.0, "usd_per_teu_km", 2010), "sea.caspian": (1.0, "usd_per_teu", 2025),
                     "segment.x": (1.0, "usd_per_teu", 2024), "passage.suez": (1.0, "usd_per_teu", 2024)})  # fmt: skip
    assert p.price_year == 2025 and p.rates["rail.KAZ"] == (0.0, "usd_per_teu_km", 2010)


def test_loading_with_no_name_gives_the_baseline_per_teu(tmp_path):
    p = CostParameters.load()
    assert p.assumption_set == "baseline" and p.cargo_unit == "teu" and p == CostParameters.default()
    assert CostParameters.load("pre2020").cargo_unit == "teu"
    path = _set_file(tmp_path, 'extends = "baseline"\n')  # a path ending in .toml is read as a file
    assert CostParameters.load(path, cargo_unit="feu").tonnes_per_unit == 20.0


def test_an_unknown_set_lists_the_shipped_ones():
    with pytest.raises(ValueError) as error:
        CostParameters.load("basline")
    assert str(error.value) == (
        "assumption set 'basline' is not shipped (did you mean 'baseline'?); available: ['balanced', 'baseline', "
        "'pre2020'], or give the path of a .toml file."
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"headway_h": 5},
            "`headway_h` is a int (5); expected a mapping such as {'caspian': 96.0, 'dry_bulk:caspian': 48.0}.",
        ),
        ({"ranges": 5}, "`ranges` is a int (5); expected a mapping such as {}."),  # no example for ranges
    ],
)
def test_parameters_made_by_hand_want_mappings(changes, message):
    with pytest.raises(TypeError) as error:
        _bare(**changes)
    assert str(error.value) == message


def test_only_a_triple_is_taken_for_a_rate():
    with pytest.raises(ValueError) as error:
        _bare(rates={"rail": (1.0, "usd_per_teu"), "road": "abc"})
    assert str(error.value) == (
        "invalid cost parameters: `rates['rail']` is (1.0, 'usd_per_teu'); expected a Rate or a (value, unit, year) "
        "tuple. `rates['road']` is 'abc'; expected a Rate or a (value, unit, year) tuple."
    )
    assert type(_bare().rates["rail.KAZ"]) is Rate


# --- what `from_toml` takes from a file (mutants of `from_toml`) ---------------------------------------------------


def test_an_unknown_cargo_unit_suggests_the_nearest_one():
    with pytest.raises(ValueError) as error:
        CostParameters.load("baseline", cargo_unit="teus")
    assert str(error.value) == "`cargo_unit` was 'teus'; expected one of ['teu', 'feu', 'tonne'] (did you mean 'teu'?)."


def test_tonnes_and_teu_per_unit_take_the_figures_of_the_cargo_unit_with_their_ranges():
    teu, tonne = CostParameters.load("baseline"), CostParameters.load("baseline", cargo_unit="tonne")
    assert teu.ranges["tonnes_per_unit"] == (8.0, 20.0) and "teu_per_unit" not in teu.ranges  # 1 TEU: no range
    assert tonne.ranges["teu_per_unit"] == (0.05, 0.125) and "tonnes_per_unit" not in tonne.ranges
    assert teu.sources["teu_per_unit"] == ("TEU per unit", "definition", "H")
    assert teu.sources["tonnes_per_unit"][:2] == ("t per unit", teu.sources["cargo_unit.teu.tonnes"][1])


def test_a_figure_without_a_unit_has_none_in_the_table(tmp_path):
    path = _set_file(tmp_path, 'extends = "baseline"\n[parameters]\nsea_headway_h = { value = 100, source = "x", '
                               'confidence = "H" }\n')  # fmt: skip
    p = CostParameters.from_toml(path)
    assert p.sources["sea_headway_h"] == ("", "x", "H") and "sea_headway_h" not in p.ranges


def test_transfer_fees_without_a_cost_year_are_in_money_of_the_data_year():
    import pandas as pd

    transfers = pd.DataFrame({"time_h_mode": [4.0, 2.0], "cost_usd_per_teu": [100.0, None]}, index=["x", "y"])
    p = CostParameters.default(price_year=2024)
    costs = transfer_costs(transfers, p, data_year=2022)
    assert costs["cost_usd"].tolist() == pytest.approx([100.0 * 313.689 / 292.655, 0.0])  # CPI-U 2024 / 2022
    assert costs["time_h"].tolist() == [4.0, 2.0] and costs.index.tolist() == ["x", "y"]
    assert costs.columns.tolist() == [
        "distance_km", "moving_time_h", "wait_h", "time_h", "cost_usd", "co2e_kg", "generalised_cost_usd"
    ]  # fmt: skip
    assert costs["wait_h"].tolist() == [4.0, 2.0] and costs["distance_km"].tolist() == [0.0, 0.0]  # all time waits
    assert transfer_costs(transfers, p)["cost_usd"].tolist() == [100.0, 0.0]  # no data year: the price year's


def test_a_segment_cost_with_its_own_year_is_deflated_from_that_year(toy):
    segments = toy.segments.copy()
    segments["cost_year"] = [2017.0] + [float("nan")] * (len(segments) - 1)  # a_b_rail's rate is of 2017
    costs = segment_costs(segments, CostParameters.default(price_year=2024), data_year=2022)
    assert costs.loc["a_b_rail", "cost_usd"] == pytest.approx(60.0 * deflator(2017, 2024))  # 100 km x 0.05 x 12 t
    assert costs.loc["b_c_rail", "cost_usd"] == pytest.approx(60.0 * deflator(2022, 2024))  # no year: the data year
