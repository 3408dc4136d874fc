import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corridor
from corridor.assignment import (
    OFF_CORRIDOR,
    assign,
    candidate_routes,
    compare_volumes,
    load_observed_volumes,
    logit_shares,
    path_size,
)
from corridor.errors import NoRouteError

costs = st.lists(st.floats(0, 1e5), min_size=1, max_size=6)


@given(costs, st.floats(0, 10))
def test_logit_shares_sum_to_one(cost, scale):
    shares = logit_shares(np.array(cost), scale_per_usd=scale)
    assert shares.sum() == pytest.approx(1.0)
    assert (shares >= 0).all()


def test_logit_tends_to_all_or_nothing_as_the_scale_grows():
    cost = np.array([[120.0, 100.0, 150.0]])
    cheapest = [logit_shares(cost, scale_per_usd=s)[0, 1] for s in (0.001, 0.01, 0.1, 1.0)]
    assert cheapest == sorted(cheapest) and cheapest[-1] == pytest.approx(1.0)


def test_path_size_lowers_the_share_of_overlapping_routes():
    # routes 0 and 1 share their long element; route 2 shares nothing; all cost the same
    incidence = np.array([[1, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 1]], dtype=bool)
    size = path_size(incidence, np.array([90.0, 10.0, 10.0, 100.0]))
    assert size.round(3).tolist() == [0.55, 0.55, 1.0]
    shares = logit_shares(np.zeros(3), scale_per_usd=0.01, path_size=size)
    assert shares[2] > 1 / 3 > shares[0] == shares[1]


def test_closed_routes_get_no_share_and_bad_inputs_are_named():
    assert logit_shares(np.array([np.inf, 5.0]), scale_per_usd=0.1).tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="scale_per_usd"):
        logit_shares(np.array([1.0]), scale_per_usd=-1)
    with pytest.raises(ValueError, match="at least one route"):
        logit_shares(np.array([np.inf]), scale_per_usd=0.1)


# --- assign ------------------------------------------------------------------------------------------------

LEVELS = ["origin", "destination", "cargo_class"]


def demand(rows: dict[tuple[str, str, str], float]) -> pd.DataFrame:
    index = pd.MultiIndex.from_tuples(list(rows), names=LEVELS)
    return pd.DataFrame({"tonnes_per_year": list(rows.values())}, index=index)


@pytest.fixture(scope="module")
def toy_corridor():
    return corridor.read_corridor(corridor.datasets.get_path("toy"))


def test_aon_puts_everything_on_the_cheapest_route(toy_corridor):
    result = assign(toy_corridor, demand({("a", "d", "dry_bulk"): 1000.0}), method="aon")
    shares = result.shares["share"]
    assert sorted(shares.tolist()) == [0.0, 1.0]
    cheapest = result.shares["generalised_cost_usd"].idxmin()
    assert shares[cheapest] == 1.0
    # a_b_rail and b_border are on both routes: all 1000 t cross them
    assert result.loads.loc[("segment", "a_b_rail"), "tonnes_per_year"] == 1000.0
    assert result.loads.loc[("transfer", "b_border"), "tonnes_per_year"] == 1000.0


def test_logit_tends_to_aon_as_the_scale_grows(toy_corridor):
    od = demand({("a", "d", "dry_bulk"): 1000.0})
    aon = assign(toy_corridor, od, method="aon").shares["share"]
    gaps = [(assign(toy_corridor, od, scale_per_usd=s).shares["share"] - aon).abs().max() for s in (1e-4, 1e-3, 1e-1)]
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 1e-6


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0, 1e7), min_size=4, max_size=4), st.sampled_from(["aon", "logit"]), st.booleans())
def test_tonnes_are_conserved(tonnes, method, restraint):
    toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    toy.segments.loc["b_d_road", "capacity_mtpa"] = 0.5
    rows = {("a", "d", "dry_bulk"): tonnes[0], ("d", "a", "container"): tonnes[1],
            ("a", "c", "container"): tonnes[2], ("b", "d", "liquid_bulk"): tonnes[3]}  # fmt: skip
    od = demand(rows)
    result = assign(toy, od, method=method, capacity_restraint=restraint)
    per_pair = result.shares.groupby(level=LEVELS)["tonnes_per_year"].sum()
    assert np.allclose(per_pair.reindex(od.index), od["tonnes_per_year"], rtol=1e-9, atol=1e-6)
    assert (result.loads["tonnes_per_year"] >= 0).all()
    # the class columns add up to the total, and oil is never on the corridor
    classes = result.loads.filter(like="tonnes_per_year_").sum(axis=1)
    assert np.allclose(classes, result.loads["tonnes_per_year"])
    assert (result.loads["tonnes_per_year_liquid_bulk"] == 0).all()


def test_liquid_bulk_is_reported_as_tanker_or_pipeline_and_never_assigned(toy_corridor):
    result = assign(toy_corridor, demand({("a", "d", "liquid_bulk"): 5000.0}))
    assert result.shares.index.get_level_values("route").tolist() == [OFF_CORRIDOR]
    assert result.shares["tonnes_per_year"].tolist() == [5000.0]
    assert result.loads["tonnes_per_year"].sum() == 0.0


def test_path_size_lowers_the_share_of_the_route_that_overlaps_more(toy_corridor):
    od = demand({("a", "d", "dry_bulk"): 1000.0})
    plain = assign(toy_corridor, od, path_size_correction=False).shares["share"].droplevel(LEVELS)
    corrected = assign(toy_corridor, od, path_size_correction=True).shares["share"].droplevel(LEVELS)
    # both routes share a_b_rail (100 km): overland is 300 km long (factor 50/300 + 200/300 = 0.833), the
    # sea route 400 km (50/400 + 300/400 = 0.875); the correction moves the odds by 0.833 / 0.875
    odds = (corrected["overland"] / corrected["alternative 2"]) / (plain["overland"] / plain["alternative 2"])
    assert odds == pytest.approx((5 / 6) / 0.875)
    assert corrected["overland"] < plain["overland"]


def test_vectorised_path_sizes_match_path_size(toy_corridor):
    from corridor.assignment import _Model

    od = demand({("a", "d", "dry_bulk"): 1.0, ("a", "d", "container"): 1.0})
    result = assign(toy_corridor, od, k=3)
    n = len(result.routes.routes)
    alt_choice, alt_route = np.repeat([0, 1], n), np.tile(np.arange(n), 2)
    model = _Model(result.routes, result.parameters, alt_choice, alt_route, 2, (0.15, 4.0))
    lengths = model.distance_km
    expected = path_size(result.routes.incidence.toarray() > 0, lengths)
    assert np.allclose(model.path_sizes(), np.tile(expected, 2))


def test_capacity_restraint_relieves_an_overloaded_link_and_converges():
    toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    od = demand({("a", "d", "dry_bulk"): 2000.0})
    free = assign(toy, od, method="aon").loads.loc["segment", "tonnes_per_year"]
    [own] = free.index[(free == 2000.0) & (free.index != "a_b_rail")]  # the cheapest route's own last leg
    toy.segments.loc[own, "capacity_mtpa"] = 0.0005  # 500 t a year: 4 times overloaded
    before = assign(toy, od, method="aon").loads.loc[("segment", own)]
    assert before["utilisation"] == 4.0 and before["delay_h"] == 0.0
    for method in ("aon", "logit"):
        after = assign(toy, od, method=method, capacity_restraint=True, tolerance=1e-6, max_iterations=2000)
        assert after.converged and after.relative_gap <= 1e-6 and after.iterations > 1
        assert after.loads.loc[("segment", own), "utilisation"] < before["utilisation"]
        assert after.loads.loc[("segment", own), "delay_h"] > 0


def test_unknown_capacity_is_nan_not_zero(toy_corridor):
    result = assign(toy_corridor, demand({("a", "d", "dry_bulk"): 1000.0}))
    assert result.loads["capacity_mtpa"].isna().all() and result.loads["utilisation"].isna().all()
    assert result.bottlenecks().empty


def test_assign_is_reproducible_and_reuses_routes(toy_corridor):
    od = demand({("a", "d", "dry_bulk"): 1000.0, ("d", "a", "container"): 300.0})
    first = assign(toy_corridor, od)
    second = assign(toy_corridor, od, routes=first.routes)
    pd.testing.assert_frame_equal(first.loads, second.loads)
    pd.testing.assert_frame_equal(first.shares, second.shares)
    assert candidate_routes(toy_corridor, [("a", "d"), ("d", "a")]) is first.routes
    assert "scale_per_usd" in first.assumptions.index and "bpr_alpha" in first.assumptions.index


def test_bad_demand_is_named_all_at_once(toy_corridor):
    od = demand({("a", "dd", "dry_bulk"): 1.0, ("a", "d", "contaner"): -5.0, ("b", "c", "dry_bulk"): np.nan})
    with pytest.raises(ValueError, match="5 problems") as error:
        assign(toy_corridor, od, method="logitt")
    message = str(error.value)
    assert "`od` destination 'dd' is not a place of this corridor (did you mean 'd'?)" in message
    assert "'contaner' is unknown (did you mean 'container'?)" in message
    assert "is negative for ('a', 'd', 'contaner') (-5.0)" in message
    assert "is missing or not a number for ('b', 'c', 'dry_bulk')" in message
    assert "`method` was 'logitt'; expected one of ['aon', 'logit'] (did you mean 'logit'?)" in message


def test_bad_index_and_missing_route(toy_corridor):
    with pytest.raises(ValueError, match="must be indexed"):
        assign(toy_corridor, pd.DataFrame({"tonnes_per_year": [1.0]}))
    routes = candidate_routes(toy_corridor, [("a", "d")])
    with pytest.raises(ValueError, match="no candidate routes for"):
        assign(toy_corridor, demand({("a", "c", "dry_bulk"): 1.0}), routes=routes)
    classes = corridor.trade.load_cargo_classes()
    classes.loc["dry_bulk", "modes"] = "inland_water"
    with pytest.raises(NoRouteError, match="no candidate route may carry"):
        assign(toy_corridor, demand({("a", "d", "dry_bulk"): 1.0}), cargo_classes=classes)


def test_observed_volumes_are_sourced_and_set_beside_the_model():
    volumes = load_observed_volumes()
    assert volumes["confidence"].isin(["H", "M", "L"]).all() and volumes["source"].notna().all()
    assert volumes.loc["sarakhs_transit_1401", "tonnes_per_year"] == pytest.approx(737000 * 12 / 11)
    toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    result = assign(toy, demand({("a", "d", "dry_bulk"): 1000.0}), method="aon")
    seen = pd.DataFrame(
        {"elements": ["transfer:b_border", "segment:b_d_road;segment:c_d_sea"], "description": ["b", "into d"],
         "year": 2024, "tonnes_per_year": [800.0, 2000.0], "definition": "all", "confidence": "M", "source": "toy"},
        index=pd.Index(["b", "d"], name="volume_id"),
    )  # fmt: skip
    table = compare_volumes(result, seen)
    assert table["model_tonnes_per_year"].tolist() == [1000.0, 1000.0]
    assert table["gap_tonnes_per_year"].tolist() == [200.0, -1000.0]
    assert table["model_to_observed"].tolist() == [1.25, 0.5]


def test_unknown_element_in_observed_volumes_is_named():
    toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    with pytest.raises(ValueError, match="astara_ir_rail_road' is not in the corridor"):
        load_observed_volumes(toy)


def test_instc_assignment_runs_on_freight_by_class(instc):
    from corridor import trade

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # directional_flows warns about pairs without a common year
        flows = trade.directional_flows(trade.load_trade(), turnover_shares=0.5)
    od = trade.freight_by_class(flows, trade.load_gateways())
    result = assign(instc, od)
    on_corridor = od.drop(index="liquid_bulk", level="cargo_class")["tonnes_per_year"].sum()
    assert result.loads.filter(like="tonnes_per_year_").sum().sum() > 0
    assert result.shares.xs(OFF_CORRIDOR, level="route")["tonnes_per_year"].sum() == pytest.approx(
        od.xs("liquid_bulk", level="cargo_class")["tonnes_per_year"].sum()
    )
    assert result.shares.drop(index=OFF_CORRIDOR, level="route")["tonnes_per_year"].sum() == pytest.approx(on_corridor)
    table = compare_volumes(result)
    assert table["model_tonnes_per_year"].notna().all() and len(table) == len(load_observed_volumes())
