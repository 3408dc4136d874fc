import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corridor
from corridor import uncertainty
from corridor.costs import CostParameters, Rate
from corridor.errors import NoRouteError
from corridor.routing import best_route
from corridor.uncertainty import figure_draws, monte_carlo, sweep, tornado, uncertain_figures

PAIRS = [("jnpt", "moscow"), ("mundra", "yekaterinburg")]
METRICS = ["distance_km", "time_h", "cost_usd", "co2e_kg", "generalised_cost_usd"]


@pytest.fixture(scope="module")
def instc_run(instc):
    return monte_carlo(instc, PAIRS, n=3000, seed=11, progress=False)


def apply_draw(c: corridor.Corridor, p: CostParameters, row: pd.Series) -> tuple[corridor.Corridor, CostParameters]:
    """The corridor and parameters of one draw: every drawn figure written where costs.py reads it."""
    c = c.copy()
    rates, headways, factors, scalars = {}, {}, {}, {}
    for name, value in row.items():
        kind, _, rest = name.partition(".")
        if kind == "segment":
            element, column = rest.rsplit(".", 1)
            c.segments.loc[element, "speed_kmh" if column == "speed_kmh" else column] = value
        elif kind == "transfer":
            element, column = rest.rsplit(".", 1)
            c.transfers.loc[element, "time_h_mode" if column == "time_h" else column] = value
        elif kind == "rates":
            rate = p.rates[rest]
            rates[rest] = Rate(float(value), rate.unit, rate.year)
        elif kind == "headway_h":
            headways[rest] = float(value)
        elif kind == "co2e_kg_per_tkm":
            factors[rest] = float(value)
        else:
            scalars[name] = float(value)
    changes = {"rates": rates, "headway_h": headways, "co2e_kg_per_tkm": factors, **scalars}
    return c, p.replace(**{k: v for k, v in changes.items() if v != {}})


# --- reproducibility ------------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_draws(toy):
    a = monte_carlo(toy, [("a", "d")], n=500, seed=5, progress=False)
    b = monte_carlo(toy, [("a", "d")], n=500, seed=5, progress=False)
    c = monte_carlo(toy, [("a", "d")], n=500, seed=6, progress=False)
    pd.testing.assert_frame_equal(a.draws, b.draws)
    assert not np.allclose(a.draws["time_h"], c.draws["time_h"])


def test_draws_do_not_depend_on_chunks_or_other_pairs(instc, monkeypatch):
    together = monte_carlo(instc, PAIRS, n=700, seed=2, progress=False)
    monkeypatch.setattr(uncertainty, "_CHUNK", 128)
    alone = monte_carlo(instc, [PAIRS[1]], n=700, seed=2, progress=False)
    pd.testing.assert_frame_equal(together.draws.loc[PAIRS[1]], alone.draws.loc[PAIRS[1]])


def test_pairs_searched_together_equal_pairs_searched_alone(instc):
    # jnpt to two destinations share one search out (and moscow and st_petersburg each one search back)
    pairs = [("jnpt", "moscow"), ("jnpt", "st_petersburg"), ("mundra", "moscow")]
    together = monte_carlo(instc, pairs, n=300, seed=8, progress=False)
    for pair in pairs:
        alone = monte_carlo(instc, [pair], n=300, seed=8, progress=False)
        pd.testing.assert_frame_equal(together.draws.loc[pair], alone.draws.loc[pair])
        pd.testing.assert_frame_equal(together.routes.loc[pair], alone.routes.loc[pair])


def test_the_whole_bounded_subgraph_when_the_label_search_stops(instc, monkeypatch):
    pruned = monte_carlo(instc, PAIRS, n=300, seed=9, progress=False)
    monkeypatch.setattr(uncertainty, "_LABELS", 3)  # too few: every pair falls back to the bounded subgraph
    whole = monte_carlo(instc.copy(), PAIRS, n=300, seed=9, progress=False)  # a copy: nothing cached
    assert sum(whole.settings["subgraph_edges"].values()) > sum(pruned.settings["subgraph_edges"].values())
    pd.testing.assert_frame_equal(whole.draws, pruned.draws)


# --- the same answers as one search per draw --------------------------------------------------------------------


def test_zero_width_ranges_give_the_deterministic_best_route(instc):
    p = CostParameters.default()
    mc = monte_carlo(instc, PAIRS, n=50, seed=1, vary=(), progress=False)
    for origin, destination in PAIRS:
        totals = best_route(instc, origin, destination, parameters=p).totals
        draws = mc.draws.loc[(origin, destination)]
        for metric in METRICS:
            np.testing.assert_allclose(draws[metric], totals[metric], rtol=1e-9)
        assert mc.probability_best().loc[(origin, destination)].tolist() == [1.0]


@pytest.mark.parametrize("correlate", [None, "country"])
def test_every_draw_equals_a_plain_search_with_its_figures(instc, correlate):
    p = CostParameters.default()
    mc = monte_carlo(instc, [("jnpt", "moscow")], n=400, seed=3, correlate=correlate, progress=False)
    figures = figure_draws(instc, n=400, seed=3, correlate=correlate)
    draws = mc.draws.loc[("jnpt", "moscow")]
    for d in range(0, 400, 40):
        c, q = apply_draw(instc, p, figures.loc[d])
        route = best_route(c, "jnpt", "moscow", parameters=q)
        for metric in METRICS:
            assert draws.loc[d, metric] == pytest.approx(route.totals[metric], rel=1e-9), (d, metric)
        elements = mc.routes.loc[("jnpt", "moscow", draws.loc[d, "route"]), "elements"]
        assert elements == route.elements


def test_a_plain_search_by_time_without_handling_at_the_ends(instc):
    p = CostParameters.default()
    mc = monte_carlo(instc, [("mundra", "moscow")], n=200, seed=4, by="time_h", handling_at_ends=False,
                     avoid_countries=["AZE"], progress=False)  # fmt: skip
    figures = figure_draws(instc, n=200, seed=4)
    for d in (0, 57, 199):
        c, q = apply_draw(instc, p, figures.loc[d])
        route = best_route(c, "mundra", "moscow", by="time_h", parameters=q, handling_at_ends=False,
                           avoid_countries=["AZE"])  # fmt: skip
        assert mc.draws.loc[("mundra", "moscow", d), "time_h"] == pytest.approx(route.totals["time_h"], rel=1e-9)
    assert not mc.routes["elements"].map(lambda e: any("astara_az" in x or "baku" in x for x in e)).any()


def test_the_model_reproduces_costs_at_the_modes(instc):
    figures = uncertain_figures(instc)
    assert (figures["low"] <= figures["mode"]).all() and (figures["mode"] <= figures["high"]).all()
    assert {"speed", "dwell", "fee", "rates", "headway", "co2e"} <= set(figures["group"])
    assert figures.loc["rates.sea.mainline", ["low", "mode", "high"]].tolist() == [450.0, 3100.0, 7015.0]


# --- summaries ----------------------------------------------------------------------------------------------------


def test_probabilities_sum_to_one_and_order_the_routes(instc_run):
    p = instc_run.probability_best()
    sums = p.groupby(level=["origin", "destination"]).sum()
    np.testing.assert_allclose(sums, 1.0)
    for pair in PAIRS:
        assert p.loc[pair].is_monotonic_decreasing
        counts = instc_run.draws.loc[pair, "route"].value_counts(normalize=True)
        np.testing.assert_allclose(p.loc[pair][counts.index], counts)


def test_summary_percentiles_are_ordered_and_buffer_time_is_p95_minus_p50(instc_run):
    table = instc_run.summary()
    for metric in METRICS[1:]:
        cols = [f"{metric}_p{q}" for q in (5, 50, 90, 95)]
        assert (table[cols].diff(axis=1).iloc[:, 1:] >= -1e-9).all().all()
    np.testing.assert_allclose(table["buffer_time_h"], table["time_h_p95"] - table["time_h_p50"])
    best = instc_run.draws.loc[PAIRS[0], "time_h"]
    assert table.loc[(*PAIRS[0], "best"), "time_h_p50"] == pytest.approx(np.percentile(best, 50))


def test_the_best_route_of_a_draw_is_the_cheapest_of_all_routes(instc_run):
    long = instc_run.route_draws.loc[PAIRS[0]]
    cheapest = long.groupby("draw")["generalised_cost_usd"].min()
    best = instc_run.draws.loc[PAIRS[0], "generalised_cost_usd"]
    np.testing.assert_allclose(cheapest.to_numpy(), best.to_numpy(), rtol=1e-6)  # route draws are float32
    assert long.groupby("draw")["best"].sum().eq(1).all()


def test_expected_shares_sum_to_one_and_tend_to_the_winner(instc_run):
    loose = instc_run.expected_shares(scale_per_usd=1e-4)
    np.testing.assert_allclose(loose.groupby(level=[0, 1]).sum(), 1.0)
    sharp = instc_run.expected_shares(scale_per_usd=10.0, path_size_correction=False)
    np.testing.assert_allclose(sharp, instc_run.probability_best(), atol=0.01)
    assert loose.loc[PAIRS[0]].max() < sharp.loc[PAIRS[0]].max()


def test_correlated_border_dwell_moves_together(instc):
    draws = figure_draws(instc, n=200, seed=9, correlate="country", vary=["dwell"])
    iran = ["transfer.incheh_borun_rail_border.time_h", "transfer.sarakhs_rail_border.time_h",
            "transfer.astara_rail_border.time_h"]  # fmt: skip
    np.testing.assert_array_equal(draws[iran[0]], draws[iran[1]])
    np.testing.assert_array_equal(draws[iran[0]], draws[iran[2]])
    independent = figure_draws(instc, n=200, seed=9, vary=["dwell"])
    assert not np.array_equal(independent[iran[0]], independent[iran[1]])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32), distribution=st.sampled_from(["pert", "triangular", "uniform"]),
       correlate=st.sampled_from([None, "country", "kind"]))  # fmt: skip
def test_properties_hold_for_any_seed_and_family(toy, seed, distribution, correlate):
    mc = monte_carlo(toy, [("a", "d"), ("d", "a")], n=300, seed=seed, distribution=distribution,
                     correlate=correlate, progress=False)  # fmt: skip
    np.testing.assert_allclose(mc.probability_best().groupby(level=[0, 1]).sum(), 1.0)
    figures = uncertain_figures(toy)
    draws = figure_draws(toy, n=300, seed=seed, distribution=distribution, correlate=correlate)
    low, high = figures.loc[draws.columns, "low"], figures.loc[draws.columns, "high"]
    assert ((draws >= low - 1e-12) & (draws <= high + 1e-12)).all().all()
    table = mc.summary()
    assert (table["time_h_p5"] <= table["time_h_p95"]).all()


def test_pert_draws_have_the_pert_mean(toy):
    draws = figure_draws(toy, n=20000, seed=1)["transfer.b_border.time_h"]  # 2 / 4 / 6 h
    assert draws.mean() == pytest.approx((2 + 4 * 4 + 6) / 6, abs=0.02)
    uniform = figure_draws(toy, n=20000, seed=1, distribution="uniform")["transfer.b_border.time_h"]
    assert uniform.std() > draws.std()


# --- sensitivity, sweeps, progress --------------------------------------------------------------------------------


def test_tornado_puts_the_base_between_the_ends(instc):
    table = tornado(instc, "jnpt", "moscow")
    base = table.attrs["base"]["generalised_cost_usd"]
    p = CostParameters.default()
    assert base == pytest.approx(best_route(instc, "jnpt", "moscow", parameters=p).totals["generalised_cost_usd"])
    low, high = table["generalised_cost_usd_at_low"], table["generalised_cost_usd_at_high"]
    assert (np.minimum(low, high) <= base + 1e-6).all() and (np.maximum(low, high) >= base - 1e-6).all()
    assert table["swing"].is_monotonic_decreasing and (table["swing"] >= 0).all()


def test_tornado_moves_a_group_at_once(instc):
    single = tornado(instc, "jnpt", "moscow", vary=["dwell"])
    grouped = tornado(instc, "jnpt", "moscow", vary=["dwell"], together="kind")
    assert len(grouped) < len(single)
    assert "dwell|border_crossing" in grouped.index


def test_sweep_in_process_runs_each_variant(toy):
    p = CostParameters.default()
    runs = sweep({"base": (toy, None), "dear": (toy, p.replace(value_of_time_pct_per_day=2.0))}, [("a", "d")],
                 n=300, seed=4, progress=False)  # fmt: skip
    alone = monte_carlo(toy, [("a", "d")], n=300, seed=4, progress=False)
    pd.testing.assert_frame_equal(runs["base"].draws, alone.draws)
    assert (runs["dear"].draws["generalised_cost_usd"] > runs["base"].draws["generalised_cost_usd"]).all()


@pytest.mark.threads
@pytest.mark.enable_socket  # the in-process scheduler still opens its HTTP server: on loopback only
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_sweep_on_dask_equals_the_in_process_sweep(instc):
    distributed = pytest.importorskip("distributed")
    variants = {"baseline": (instc, None), "pre2020": (instc, CostParameters.load("pre2020"))}
    variants["rasht_astara_opens"] = "rasht_astara_opens"  # a scenario, applied to the corridor
    local = sweep(variants, PAIRS, n=400, seed=8, progress=False, corridor=instc, od=OD)
    with distributed.Client(
        processes=False, dashboard_address="127.0.0.1:0", n_workers=1, threads_per_worker=1
    ) as client:
        remote = sweep(variants, PAIRS, n=400, seed=8, client=client, progress=False, corridor=instc, od=OD)
    assert list(remote) == list(local)
    for name in local:
        pd.testing.assert_frame_equal(remote[name].draws, local[name].draws)
        pd.testing.assert_frame_equal(remote[name].summary(), local[name].summary())
        pd.testing.assert_frame_equal(remote[name].assignment.loads, local[name].assignment.loads)


OD = pd.DataFrame(
    {"tonnes_per_year": [120_000.0], "teu_per_year": [10_000.0], "value_usd_per_year": [3.6e8]},
    index=pd.MultiIndex.from_tuples([("jnpt", "moscow", "container")], names=["origin", "destination", "cargo_class"]),
)


def test_sweep_of_scenarios_assigns_each_variant(instc):
    runs = sweep({"base": "faster_az_ir_borders", "rasht": "rasht_astara_opens"}, [("jnpt", "moscow")], n=200,
                 seed=2, progress=False, corridor=instc, od=OD)  # fmt: skip
    for run in runs.values():
        assert run.assignment.shares["tonnes_per_year"].sum() == pytest.approx(120_000.0)  # conserved
    new_line = ("segment", "astara_ir_rasht_rail")
    assert runs["rasht"].assignment.loads.loc[new_line, "tonnes_per_year"] > 0
    assert runs["base"].assignment.loads["tonnes_per_year"].get(new_line, 0.0) == 0.0
    assert runs["rasht"].settings["as_of"] == runs["base"].settings["as_of"]  # each on its scenario's date
    assert sweep({"base": (instc, None)}, [("jnpt", "moscow")], n=50, seed=2, progress=False)["base"].assignment is None


def test_progress_bar_on_request(toy, capsys):
    monte_carlo(toy, [("a", "d")], n=100, seed=1, progress=True)
    assert "Monte Carlo" in capsys.readouterr().err
    monte_carlo(toy, [("a", "d")], n=100, seed=1, progress=False)
    assert capsys.readouterr().err == ""


# --- bad input ------------------------------------------------------------------------------------------------------


def test_bad_arguments_are_named_all_at_once(toy):
    with pytest.raises(ValueError) as error:
        monte_carlo(toy, [("a", "d")], n=0, seed=-1, by="speed", distribution="normal", correlate="region",
                    vary=["dwel"], avoid_ports=["c"])  # fmt: skip
    message = str(error.value)
    for part in ("`n` was 0", "`seed` was -1", "`by` was 'speed'", "`distribution` was 'normal'",
                 "`correlate` was 'region'", "`vary` has ['dwel']", "avoid_ports", "'pert'", "'dwell'"):  # fmt: skip
        assert part in message, part


def test_bad_pairs_and_places(toy):
    with pytest.raises(ValueError, match="`pairs` must be"):
        monte_carlo(toy, [], n=10, seed=1)
    with pytest.raises(corridor.errors.UnknownPlaceError, match="`origin` 'zz'"):
        monte_carlo(toy, [("zz", "d")], n=10, seed=1)


def test_a_range_out_of_order_names_the_figure(toy):
    toy.transfers.loc["b_border", "time_h_min"] = 5.0  # above the mode of 4 h
    with pytest.raises(ValueError, match=r"`transfer\.b_border\.time_h`: low <= mode <= high does not hold"):
        monte_carlo(toy, [("a", "d")], n=10, seed=1)


def test_no_route_is_diagnosed_as_best_route_does(instc):
    with pytest.raises(NoRouteError, match="no route"):
        monte_carlo(instc, [("jnpt", "moscow")], n=10, seed=1, avoid_countries=["IRN"], branches=["western"])


def test_bad_sweep_variants(toy):
    with pytest.raises(ValueError, match=r"`variants\['x'\]`: .*toy") as error:
        sweep({"x": "toy", "y": 3}, [("a", "d")], n=10, seed=1)
    assert "`variants['y']` is int" in str(error.value)  # every bad variant named at once
    with pytest.raises(ValueError, match=r"may not set \['routes'\]"):
        sweep({"base": (toy, None)}, [("a", "d")], n=10, seed=1, od=pd.DataFrame(), assign_options={"routes": 1})
    with pytest.raises(ValueError, match="non-empty mapping"):
        sweep({}, [("a", "d")], n=10, seed=1)


@pytest.mark.parametrize("by", ["distance_km", "co2e_kg", "cost_usd"])
def test_every_criterion_agrees_with_a_plain_search(instc, by):
    p = CostParameters.default()
    mc = monte_carlo(instc, [("mundra", "st_petersburg")], n=60, seed=12, by=by, progress=False)
    figures = figure_draws(instc, n=60, seed=12)
    for d in (0, 31, 59):
        c, q = apply_draw(instc, p, figures.loc[d])
        route = best_route(c, "mundra", "st_petersburg", by=by, parameters=q)
        assert mc.draws.loc[("mundra", "st_petersburg", d), by] == pytest.approx(route.totals[by], rel=1e-9)
    if by == "distance_km":
        assert mc.draws[by].nunique() == 1


def test_tables_come_sorted_by_pair_and_select_without_warnings(instc):
    from corridor.plot import plot_route_distributions

    mc = monte_carlo(instc, [("mundra", "moscow"), ("jnpt", "moscow")], n=200, seed=1, progress=False)
    assert mc.draws.index.get_level_values("origin").unique().tolist() == ["jnpt", "mundra"]
    for table in (mc.routes, mc.draws, mc.summary(), mc.route_draws, mc.probability_best().to_frame()):
        assert len(table.loc[("mundra", "moscow")]) > 0  # filterwarnings=error: no lexsort PerformanceWarning
    plot_route_distributions(mc, "mundra", "moscow")
