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
    from corridor.costs import CostParameters

    od = demand({("a", "d", "dry_bulk"): 1000.0})
    p = CostParameters.default().without_class_rates()  # the toy's two routes are near a tie at bulk's own prices
    aon = assign(toy_corridor, od, parameters=p, method="aon").shares["share"]
    scales = (1e-4, 1e-3, 1e-1)
    gaps = [(assign(toy_corridor, od, parameters=p, scale_per_usd=s).shares["share"] - aon).abs().max() for s in scales]
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
    od = demand({("a", "d", "container"): 2000.0})
    free = assign(toy, od, method="aon").loads.loc["segment", "tonnes_per_year"]
    [own] = free.index[(free == 2000.0) & (free.index != "a_b_rail")]  # the cheapest route's own last leg
    toy.segments.loc[own, "capacity_mtpa"] = 0.0005  # 500 t a year: 4 times overloaded
    before = assign(toy, od, method="aon").loads.loc[("segment", own)]
    assert before["utilisation"] == 4.0 and before["delay_h"] > 0  # shown, though no route felt it
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
    pairs = [("a", "d"), ("d", "a")]
    assert candidate_routes(toy_corridor, pairs, cargo_classes=["container", "dry_bulk"]) is first.routes
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


# --- cross-check against AequilibraE (in the `test` extra: imported, never skipped) ------------------------


def aequilibrae_loads(toy, od_pair, tonnes_by_class, algorithm):
    """Element loads from AequilibraE on the same compiled graph, costs and BPR function as `assign`.

    One AequilibraE traffic class per cargo class, each with its value of time (``set_vot``) and the money
    part of the generalised cost at its own class's prices as its fixed cost, as `assign` values each class's
    time at its cargo value and prices it with its own rates.
    """
    from aequilibrae.matrix import AequilibraeMatrix
    from aequilibrae.paths import Graph, TrafficAssignment, TrafficClass

    from corridor.costs import CostParameters
    from corridor.graph import compiled

    p = CostParameters.default().without_class_times()  # AequilibraE has one free-flow time per link
    values = corridor.trade.load_cargo_classes()["usd_per_tonne"]
    graph = compiled(toy)
    costs = graph.costs(p)
    empties = {"container": p.empty_return_share * p.empty_cost_ratio, "dry_bulk": 0.0}  # only boxes come back empty
    capacity = pd.concat([toy.segments["capacity_mtpa"], toy.transfers["capacity_mtpa"]]).to_numpy() * 1e6
    keep = np.flatnonzero(graph.access_role == "")  # as `assign`: a route starts and ends with its handling
    element = graph.element[keep]
    inside = element < len(costs)
    t0 = np.where(inside, np.r_[costs["time_h"].to_numpy(), 0.0][element], 0.0)
    fixed = {}
    for name in tonnes_by_class:  # money, empties and carbon at the class's own prices
        own = graph.costs(p, cargo_class=name)
        base = own["generalised_cost_usd"].to_numpy() + empties[name] * own["cost_usd"].to_numpy()
        fixed[name] = np.where(inside, np.r_[base, 0.0][element], 0.0) - p.value_of_time_usd_per_h * t0
    cap = np.where(inside, np.r_[capacity, np.nan][element], np.nan)
    origin = graph.node_index.get_loc(f"{od_pair[0]}|origin")
    destination = graph.node_index.get_loc(f"{od_pair[1]}|destination")
    # AequilibraE wants its centroids first: number the two zones 1 and 2, every other node after them
    order = [origin, destination] + [n for n in range(len(graph.nodes)) if n not in (origin, destination)]
    node_id = np.empty(len(graph.nodes), dtype=np.int64)
    node_id[order] = np.arange(1, len(graph.nodes) + 1)
    network = pd.DataFrame(
        {
            "link_id": np.arange(1, len(keep) + 1),
            "a_node": node_id[graph.source[keep]],
            "b_node": node_id[graph.target[keep]],
            "direction": 1,
            "free_flow_time": np.maximum(t0, 1e-6),  # AequilibraE refuses zero times (access links)
            "capacity": np.where(np.isfinite(cap) & (cap > 0), cap, 1e15),
            "alpha": 0.15,
            "beta": 4.0,
            **{f"fixed_cost_{name}": cost for name, cost in fixed.items()},
        }
    )
    with warnings.catch_warnings():  # AequilibraE 1.7 under pandas 3.1: its own deprecations, not ours
        warnings.simplefilter("ignore", pd.errors.Pandas4Warning)
        warnings.simplefilter("ignore", RuntimeWarning)  # its line search divides by a zero slope at the optimum
        classes = []
        for name, tonnes in tonnes_by_class.items():
            vot = p.value_of_time_usd_per_h * values[name] / p.cargo_value_usd_per_tonne  # as `assign`
            network[f"cost_{name}"] = network["free_flow_time"] + network[f"fixed_cost_{name}"] / vot
            g = Graph()
            g.network = network
            g.prepare_graph(np.array([1, 2]))
            g.set_graph(f"cost_{name}")
            g.set_skimming([f"cost_{name}"])
            g.set_blocked_centroid_flows(True)
            matrix = AequilibraeMatrix()
            matrix.create_empty(zones=2, matrix_names=[name], memory_only=True)
            matrix.index[:] = [1, 2]
            matrix.matrices[:, :, 0] = [[0.0, tonnes], [0.0, 0.0]]
            matrix.computational_view([name])
            traffic = TrafficClass(name, g, matrix)
            traffic.set_fixed_cost(f"fixed_cost_{name}")
            traffic.set_vot(vot)
            classes.append(traffic)
        run = TrafficAssignment()
        run.set_classes(classes)
        run.set_vdf("BPR")
        run.set_vdf_parameters({"alpha": "alpha", "beta": "beta"})
        run.set_capacity_field("capacity")
        run.set_time_field("free_flow_time")
        run.set_algorithm(algorithm)
        run.max_iter = 200
        run.rgap_target = 1e-6
        run.execute(log_specification=False)
        results = run.results()
    flows = sum(results[f"{name}_tot"].reindex(network["link_id"]).to_numpy() for name in tonnes_by_class)
    per_element = pd.Series(flows).groupby(element).sum()
    names = [*(("segment", s) for s in toy.segments.index), *(("transfer", t) for t in toy.transfers.index)]
    return pd.Series(per_element.reindex(range(len(names)), fill_value=0.0).to_numpy(), index=pd.Index(names))


@pytest.mark.threads
@pytest.mark.parametrize("capacity_mtpa", [None, 0.0003])
@pytest.mark.parametrize("tonnes_by_class", [{"dry_bulk": 2000.0}, {"dry_bulk": 1500.0, "container": 500.0}])
def test_loads_equal_aequilibrae_all_or_nothing_and_bpr_equilibrium(capacity_mtpa, tonnes_by_class):
    from corridor.costs import CostParameters

    toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    if capacity_mtpa is not None:  # an overloaded last leg on the cheaper route, so the equilibrium splits
        toy.segments.loc["b_d_road", "capacity_mtpa"] = capacity_mtpa
        toy.transfers.loc["d_port", "capacity_mtpa"] = capacity_mtpa * 3
    od = demand({("a", "d", name): tonnes for name, tonnes in tonnes_by_class.items()})
    # one free-flow time per link for every class, as AequilibraE has (each class's own times are tested above)
    p = CostParameters.default().without_class_times()
    ours = assign(toy, od, parameters=p, method="aon", k=10, capacity_restraint=capacity_mtpa is not None,
                  tolerance=1e-9, max_iterations=5000)  # fmt: skip
    algorithm = "all-or-nothing" if capacity_mtpa is None else "bfw"
    theirs = aequilibrae_loads(toy, ("a", "d"), tonnes_by_class, algorithm)
    mine = ours.loads["tonnes_per_year"].reindex(theirs.index)
    assert np.allclose(mine, theirs, atol=2000.0 * 1e-3), pd.concat({"ours": mine, "aequilibrae": theirs}, axis=1)
    if capacity_mtpa is not None:  # the split is interior: both of a -> d's routes carry freight
        assert 0 < ours.loads.loc[("segment", "b_d_road"), "tonnes_per_year"] < 2000.0
        assert 0 < ours.loads.loc[("segment", "c_d_sea"), "tonnes_per_year"] < 2000.0


def test_a_class_only_takes_routes_of_its_modes(toy_corridor):
    classes = corridor.trade.load_cargo_classes()
    classes.loc["dry_bulk", "modes"] = "rail;road"  # no ships: only the overland route is left
    od = demand({("a", "d", "dry_bulk"): 1000.0, ("a", "d", "container"): 1000.0})
    result = assign(toy_corridor, od, cargo_classes=classes)
    bulk = result.shares.xs("dry_bulk", level="cargo_class")
    assert bulk.index.get_level_values("route").tolist() == ["overland"] and bulk["share"].tolist() == [1.0]
    assert len(result.shares.xs("container", level="cargo_class")) == 2
    loads = result.loads["tonnes_per_year_dry_bulk"]
    assert loads[("segment", "c_d_sea")] == 0.0 and loads[("segment", "b_d_road")] == 1000.0


def test_teu_are_carried_with_their_tonnes(toy_corridor):
    od = demand({("a", "d", "container"): 1200.0, ("a", "d", "dry_bulk"): 500.0})
    od["teu_per_year"] = [100.0, np.nan]
    result = assign(toy_corridor, od)
    assert result.loads.loc[("segment", "a_b_rail"), "teu_per_year"] == pytest.approx(100.0)
    assert result.shares.xs("container", level="cargo_class")["teu_per_year"].sum() == pytest.approx(100.0)
    legs = result.loads.loc[[("segment", "b_d_road"), ("segment", "c_d_sea")], "teu_per_year"]
    assert legs.sum() == pytest.approx(100.0)


def test_empty_demand_gives_empty_loads(toy_corridor):
    empty = pd.DataFrame({"tonnes_per_year": pd.Series([], dtype=float)},
                         index=pd.MultiIndex.from_tuples([], names=LEVELS))  # fmt: skip
    result = assign(toy_corridor, empty, capacity_restraint=True)
    assert result.shares.empty and result.loads["tonnes_per_year"].sum() == 0.0 and result.converged


def test_a_pair_without_tonnes_still_shows_its_split(toy_corridor):
    with_tonnes = assign(toy_corridor, demand({("a", "d", "dry_bulk"): 1000.0})).shares["share"]
    without = assign(toy_corridor, demand({("a", "d", "dry_bulk"): 0.0})).shares
    assert np.allclose(without["share"], with_tonnes) and (without["tonnes_per_year"] == 0).all()


def test_routes_found_once_serve_a_corridor_whose_figures_changed():
    toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    od = demand({("a", "d", "dry_bulk"): 2000.0})
    routes = candidate_routes(toy, [("a", "d")])
    toy.segments.loc["b_d_road", "capacity_mtpa"] = 0.001  # an edit: the graph is compiled again
    reused = assign(toy, od, routes=routes, method="aon")
    fresh = assign(toy, od, method="aon")
    assert reused.routes.graph is not fresh.routes.graph
    pd.testing.assert_frame_equal(reused.loads, fresh.loads)
    assert reused.loads.loc[("segment", "b_d_road"), "capacity_mtpa"] == 0.001
    strike = "2026-01-05"  # the toy's port of c is closed: one element fewer
    assign(toy, od, as_of=strike, routes=candidate_routes(toy, [("a", "d")], as_of=strike))
    with pytest.raises(ValueError, match="other elements or edges"):
        assign(toy, od, as_of=strike, routes=routes)


# --- each class at its own prices --------------------------------------------------------------------------


def _toy_pair_by_class():
    return demand({("a", "d", "dry_bulk"): 1000.0, ("a", "d", "container"): 1000.0})


@pytest.mark.parametrize(("method", "restraint"), [("aon", False), ("logit", False), ("aon", True), ("logit", True)])
def test_a_bulk_rate_per_tonne_moves_bulk_and_leaves_containers_alone(toy_corridor, method, restraint):
    from corridor.costs import CostParameters

    # overland (rail, border, transshipment, road) vs by sea (rail, border, rail, two port calls at US$200 per TEU)
    before = CostParameters.default(price_year=2022).without_class_rates()
    after = before.replace(rates={"dry_bulk:port_call": (1.0, "usd_per_tonne", 2022)})  # bulk handled per tonne
    old = assign(toy_corridor, _toy_pair_by_class(), parameters=before, method=method, capacity_restraint=restraint)
    new = assign(toy_corridor, _toy_pair_by_class(), parameters=after, method=method, capacity_restraint=restraint)
    by_sea = [r for r in new.shares.index if r[2] == "dry_bulk" and new.shares.loc[r, "modes"] == "rail;sea"][0]
    # by sea, per 12-t unit: rail 60 + border 100 + rail 60 + ports 2 x 1 US$/t x 12 t + sea 24 = 268; bulk pays
    # no empties (its rates per tonne include the way back)
    assert new.shares.loc[by_sea, "cost_usd"] == pytest.approx(268.0)
    assert old.shares.loc[by_sea, "cost_usd"] == pytest.approx(644.0)
    assert new.shares.loc[by_sea, "share"] > old.shares.loc[by_sea, "share"]
    if method == "aon" and not restraint:
        assert old.shares.loc[by_sea, "share"] == 0.0 and new.shares.loc[by_sea, "share"] == 1.0
    # the containers see the same prices, so (without restraint, which couples the classes) the same split
    boxes = new.shares.xs("container", level="cargo_class", drop_level=False)
    if not restraint:
        pd.testing.assert_frame_equal(boxes, old.shares.xs("container", level="cargo_class", drop_level=False))
    assert boxes["cost_usd"].tolist() == pytest.approx(
        old.shares.xs("container", level="cargo_class")["cost_usd"].tolist()
    )


def test_only_boxes_pay_for_the_empties_way_back(toy_corridor):
    from corridor.costs import CostParameters

    # the toy by sea, per 12-t unit at 2022 prices without class rates (hand-checked in the test above):
    # the same route costs bulk 644 and containers 644 x (1 + 0.22 x 0.5) = 714.84 (the empty boxes' way back)
    p = CostParameters.default(price_year=2022).without_class_rates()
    od = demand({("a", "d", "dry_bulk"): 1000.0, ("a", "d", "container"): 1000.0})
    shares = assign(toy_corridor, od, parameters=p, method="aon").shares
    by_sea = shares[shares["modes"] == "rail;sea"]
    bulk, boxes = (by_sea.xs(c, level="cargo_class")["cost_usd"].iloc[0] for c in ("dry_bulk", "container"))
    assert bulk == pytest.approx(644.0) and boxes == pytest.approx(714.84)
    table = assign(toy_corridor, od, parameters=p).assumptions
    assert table.loc["empties.classes", "value"] == "container"
    assert "way back" in table.loc["empties.classes", "source"]


@pytest.mark.parametrize(("method", "restraint"), [("aon", False), ("logit", False), ("aon", True), ("logit", True)])
def test_each_class_is_timed_with_its_own_waits_and_dwell(method, restraint):
    from corridor.costs import CostParameters

    toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    toy.segments["service"] = toy.segments["service"].astype(object)
    toy.segments.loc["c_d_sea", "service"] = "caspian"  # the class-less Caspian headway: 168 h, a wait of 84 h
    before = CostParameters.default(price_year=2022).without_class_rates().without_class_times()
    after = before.replace(headway_h={"dry_bulk:caspian": 48.0}, dwell_h={"dry_bulk:port_call": 6.0})
    old = assign(toy, _toy_pair_by_class(), parameters=before, method=method, capacity_restraint=restraint)
    new = assign(toy, _toy_pair_by_class(), parameters=after, method=method, capacity_restraint=restraint)
    by_sea = [r for r in new.shares.index if r[2] == "dry_bulk" and new.shares.loc[r, "modes"] == "rail;sea"][0]
    boxes_by_sea = (by_sea[0], by_sea[1], "container", by_sea[3])
    if not restraint:  # (no element of the toy has a capacity, so restraint adds no delay either)
        # by sea: rail 2 + border 4 + rail 2 + port 6 + sea (10 moving + 24 wait) + port 6 = 54 h for bulk;
        # the containers: 2 + 4 + 2 + 12 + (10 + 84) + 12 = 126 h
        assert new.shares.loc[by_sea, "time_h"] == pytest.approx(54.0)
        assert new.shares.loc[boxes_by_sea, "time_h"] == pytest.approx(126.0)
        assert old.shares.loc[by_sea, "time_h"] == pytest.approx(126.0)
    vot = new.shares.loc[by_sea, "generalised_cost_usd"] - new.shares.loc[by_sea, "cost_usd"]
    assert vot == pytest.approx(new.shares.loc[by_sea, "time_h"] * 350 / 3000 * after.value_of_time_usd_per_h)
    assert new.shares.loc[by_sea, "share"] >= old.shares.loc[by_sea, "share"]
    if method == "logit":
        assert new.shares.loc[by_sea, "share"] > old.shares.loc[by_sea, "share"]
    boxes = new.shares.xs("container", level="cargo_class")
    assert boxes["time_h"].tolist() == pytest.approx(old.shares.xs("container", level="cargo_class")["time_h"].tolist())


def test_capacity_restraint_slows_each_class_by_its_own_time():
    from corridor.costs import CostParameters

    toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    toy.transfers.loc["c_port", "capacity_mtpa"] = 0.001  # 1,000 t a year at the port
    p = CostParameters.default(price_year=2022).without_class_rates().replace(dwell_h={"dry_bulk:port_call": 6.0})
    od = demand({("a", "d", "dry_bulk"): 1000.0, ("a", "d", "container"): 1000.0})
    result = assign(toy, od, parameters=p, method="logit", capacity_restraint=True, tolerance=1e-6,
                    max_iterations=2000)  # fmt: skip
    assert result.converged
    shares = result.shares[result.shares["modes"] == "rail;sea"]
    bulk, boxes = (shares.xs(c, level="cargo_class")["time_h"].iloc[0] for c in ("dry_bulk", "container"))
    volume = result.loads.loc[("transfer", "c_port"), "tonnes_per_year"]
    factor = 0.15 * (volume / 1000.0) ** 4
    assert volume > 0 and factor > 0
    # by sea, free: bulk 2 + 4 + 2 + 6 + 94 + 6 = 114 h, boxes 2 + 4 + 2 + 12 + 94 + 12 = 126 h; c_port slows each
    # class in proportion to its own time there (6 h for bulk, 12 h for boxes)
    assert bulk == pytest.approx(114.0 + 6.0 * factor) and boxes == pytest.approx(126.0 + 12.0 * factor)


def test_a_route_cheapest_only_for_a_class_joins_the_choice_set_and_only_it_may_use_it():
    from corridor.costs import CostParameters

    toy = corridor.read_corridor(corridor.datasets.get_path("toy"))
    # class-less, by sea costs US$644 a TEU against 450 overland: k=0 leaves only the named route's best (overland)
    p = CostParameters.default(price_year=2022).without_class_rates().without_class_times()
    plain = candidate_routes(toy, [("a", "d")], parameters=p, k=0)
    assert plain.routes["route"].tolist() == ["overland"]
    # bulk handled free at the ports: by sea US$244 + 126 h at bulk's US$1.05/h against 450 + 12 h overland
    cheap_sea = p.replace(rates={"dry_bulk:port_call": (0.0, "usd_per_tonne", 2022)})
    toy.routes.loc["overland", "branches"] = "land;sea"  # the named route may take the sea: bulk's best does
    found = candidate_routes(toy, [("a", "d")], parameters=cheap_sea, k=0, cargo_classes=["dry_bulk", "container"])
    assert found.routes["route"].tolist() == ["overland", "overland (dry_bulk)"]
    assert found.routes["modes"].tolist() == ["rail;road", "rail;sea"]
    # without a class of its own prices, the same set as before
    same = candidate_routes(toy, [("a", "d")], parameters=cheap_sea, k=0, cargo_classes=["container"])
    assert same.routes["route"].tolist() == ["overland"]
    od = demand({("a", "d", "dry_bulk"): 1000.0, ("a", "d", "container"): 1000.0})
    result = assign(toy, od, parameters=cheap_sea, method="aon", k=0)
    chosen = result.shares[result.shares["share"] > 0].reset_index()
    assert dict(zip(chosen["cargo_class"], chosen["route"], strict=True)) == {
        "dry_bulk": "overland (dry_bulk)", "container": "overland"}  # fmt: skip


def test_a_class_without_rates_of_its_own_is_assigned_exactly_as_before(toy_corridor, instc):
    from corridor import trade
    from corridor.costs import CostParameters

    p = CostParameters.default()
    assert p.priced_classes == ("dry_bulk",) and "container" not in p.priced_classes
    boxes = demand({("a", "d", "container"): 1000.0, ("d", "a", "container"): 300.0})
    for method in ("aon", "logit"):
        ours = assign(toy_corridor, boxes, parameters=p, method=method)
        plain = assign(toy_corridor, boxes, parameters=p.without_class_rates(), method=method)
        pd.testing.assert_frame_equal(ours.shares, plain.shares)
        pd.testing.assert_frame_equal(ours.loads, plain.loads)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        flows = trade.directional_flows(trade.load_trade(), turnover_shares=0.5)
    od = trade.freight_by_class(flows, trade.load_gateways()).xs("container", level="cargo_class", drop_level=False)
    ours, plain = assign(instc, od, parameters=p), assign(instc, od, parameters=p.without_class_rates())
    pd.testing.assert_frame_equal(ours.shares, plain.shares)


def test_compare_volumes_sets_a_before_beside_the_model(toy_corridor):
    from corridor.costs import CostParameters

    seen = pd.DataFrame({"elements": ["transfer:c_port;transfer:d_port"], "description": "toy", "year": 2024,
                         "tonnes_per_year": 800.0, "definition": "all", "confidence": "M", "source": "toy"},
                        index=pd.Index(["toy_2024"], name="volume_id"))  # fmt: skip
    p = CostParameters.default(price_year=2022).without_class_rates()
    od = demand({("a", "d", "dry_bulk"): 1000.0})
    before = assign(toy_corridor, od, parameters=p, method="aon")  # overland, past no port
    after = assign(toy_corridor, od, method="aon",
                   parameters=p.replace(rates={"dry_bulk:port_call": (1.0, "usd_per_tonne", 2022)}))  # fmt: skip
    table = compare_volumes(after, seen, before=before)
    row = table.loc["toy_2024"]
    assert row["before_tonnes_per_year"] == 0.0 and row["model_tonnes_per_year"] == 2000.0  # both ports
    assert row["before_to_observed"] == 0.0 and row["model_to_observed"] == pytest.approx(2.5)
    assert list(table.columns[:6]) == ["description", "year", "observed_tonnes_per_year", "before_tonnes_per_year",
                                       "model_tonnes_per_year", "gap_tonnes_per_year"]  # fmt: skip
    assert "before_tonnes_per_year" not in compare_volumes(after, seen).columns
