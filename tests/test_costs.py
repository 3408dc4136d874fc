import dataclasses

import pytest

from corridor.costs import CostParameters, element_costs, segment_costs, transfer_costs


@pytest.fixture
def per_tonne():
    return CostParameters.default(cargo_unit="tonne", empty_return_share=0.0)


def test_segment_by_hand(toy, per_tonne):
    # a_b_rail: 100 km at 50 km/h, 0.05 US$/t-km, rail 0.02779 kg/t-km
    row = segment_costs(toy.segments, per_tonne).loc["a_b_rail"]
    assert row["time_h"] == 2.0 and row["wait_h"] == 0.0
    assert row["cost_usd"] == pytest.approx(5.0)
    assert row["co2e_kg"] == pytest.approx(2.779)


def test_sea_segments_wait_half_a_headway(toy, per_tonne):
    row = segment_costs(toy.segments, per_tonne.replace(sea_headway_h=48.0)).loc["c_d_sea"]
    assert row["moving_time_h"] == 10.0 and row["wait_h"] == 24.0 and row["time_h"] == 34.0


def test_empty_return_adds_share_times_ratio(toy, per_tonne):
    with_empties = per_tonne.replace(empty_return_share=0.5, empty_cost_ratio=0.7)
    row = segment_costs(toy.segments, with_empties).loc["a_b_rail"]
    assert row["cost_usd_loaded"] == pytest.approx(5.0)
    assert row["cost_usd_empty_return"] == pytest.approx(1.75)
    assert row["cost_usd"] == pytest.approx(6.75)


def test_cargo_unit_scales_money_and_emissions(toy):
    teu = segment_costs(toy.segments, CostParameters.default(cargo_unit="teu", empty_return_share=0.0))
    tonne = segment_costs(toy.segments, CostParameters.default(cargo_unit="tonne", empty_return_share=0.0))
    assert (teu["cost_usd"] / tonne["cost_usd"]).round(6).eq(12.0).all()
    assert (teu["time_h"] == tonne["time_h"]).all()


def test_transfer_fees_are_per_teu(toy):
    feu = transfer_costs(toy.transfers, CostParameters.default(cargo_unit="feu"))
    assert feu.loc["c_port", "cost_usd"] == 400.0 and feu.loc["c_port", "time_h"] == 12.0
    assert (feu["co2e_kg"] == 0).all()


def test_generalised_cost(toy, per_tonne):
    p = per_tonne.replace(cargo_value_usd_per_tonne=2400.0, value_of_time_pct_per_day=1.0, carbon_price_usd_per_t=100.0)
    assert p.value_of_time_usd_per_h == pytest.approx(1.0)  # 2,400 x 1 % / 24 h
    row = segment_costs(toy.segments, p).loc["a_b_rail"]
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
        ValueError, match=r"`sea_headway_h` is 0.0; it must be positive. `empty_return_share` is 1.5; expected"
    ):
        CostParameters.default().replace(empty_return_share=1.5, sea_headway_h=0.0)


def test_parameters_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CostParameters.default().empty_return_share = 0.1  # type: ignore[misc]
