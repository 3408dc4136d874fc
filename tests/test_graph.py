import numpy as np
import pandas as pd
import pytest

from corridor.costs import CostParameters
from corridor.graph import MAX_K, compile_graph, k_shortest_paths, layered, shortest_path

# a diamond: 0 -> 1 -> 3 (1 + 1), 0 -> 2 -> 3 (1 + 3), plus a parallel 0 -> 1 edge of weight 5
SOURCE = np.array([0, 1, 0, 2, 0])
TARGET = np.array([1, 3, 2, 3, 1])
WEIGHT = np.array([1.0, 1.0, 1.0, 3.0, 5.0])


def test_shortest_path_by_hand():
    cost, path = shortest_path(4, SOURCE, TARGET, WEIGHT, 0, 3)
    assert cost == 2.0 and path == [0, 1]


def test_parallel_edges_keep_the_cheapest():
    weight = WEIGHT.copy()
    weight[0] = 9.0  # now the parallel 0 -> 1 edge (5) is cheaper than edge 0
    cost, path = shortest_path(4, SOURCE, TARGET, weight, 0, 3)
    assert path == [2, 3] and cost == 4.0  # 0 -> 2 -> 3 (4) beats 0 -> 1 -> 3 (6)


def test_zero_weight_edges_are_edges():
    cost, path = shortest_path(4, SOURCE, TARGET, np.zeros(5), 0, 3)
    assert cost == 0.0 and len(path) == 2


def test_unreachable_and_blocked():
    weight = WEIGHT.copy()
    weight[[1, 3]] = np.inf
    assert shortest_path(4, SOURCE, TARGET, weight, 0, 3) == (float("inf"), [])


def test_k_shortest_paths_in_order_and_distinct():
    found = k_shortest_paths(4, SOURCE, TARGET, WEIGHT, 0, 3, k=5)
    assert [cost for cost, _ in found] == [2.0, 4.0, 6.0]
    assert len({tuple(p) for _, p in found}) == 3


def test_layered_graph_forces_the_via_node():
    n, source, target, edge_of = layered_graph_via(2)
    weight = np.where(edge_of >= 0, WEIGHT[np.maximum(edge_of, 0)], 0.0)
    cost, path = shortest_path(n, source, target, weight, 0, 3 + 4)
    assert cost == 4.0
    assert [int(edge_of[e]) for e in path if edge_of[e] >= 0] == [2, 3]


def layered_graph_via(*nodes):
    class Stub:  # only what `layered` reads
        nodes = np.arange(4)

    Stub.source, Stub.target = SOURCE, TARGET
    return layered(Stub, [np.array([node]) for node in nodes])


def test_layered_graph_forces_two_via_nodes_in_order():
    # via 2 then 3: 0 -> 2 -> 3 (1 + 3) in three layers; skipping 2 (0 -> 1 -> 3, cost 2) must not be possible
    n, source, target, edge_of = layered_graph_via(2, 3)
    assert n == 12
    weight = np.where(edge_of >= 0, WEIGHT[np.maximum(edge_of, 0)], 0.0)
    cost, path = shortest_path(n, source, target, weight, 0, 3 + 2 * 4)
    assert cost == 4.0
    assert [int(edge_of[e]) for e in path if edge_of[e] >= 0] == [2, 3]


def test_k_shortest_paths_when_the_end_is_unreachable():
    weight = WEIGHT.copy()
    weight[[1, 3]] = np.inf  # nothing reaches 3
    assert k_shortest_paths(4, SOURCE, TARGET, weight, 0, 3, k=1) == []
    assert k_shortest_paths(4, SOURCE, TARGET, weight, 0, 3, k=3) == []


def test_two_shortest_paths():
    found = k_shortest_paths(4, SOURCE, TARGET, WEIGHT, 0, 3, k=2)
    assert found == [(2.0, [0, 1]), (4.0, [2, 3])]


def test_k_up_to_the_cap_is_accepted():
    assert len(k_shortest_paths(4, SOURCE, TARGET, WEIGHT, 0, 3, k=MAX_K)) == 3


def test_k_shortest_paths_take_integer_weights():
    found = k_shortest_paths(4, SOURCE, TARGET, np.array([1, 1, 1, 3, 5]), 0, 3, k=5)
    assert [cost for cost, _ in found] == [2.0, 4.0, 6.0]


def test_k_shortest_paths_never_revisit_a_node():
    # 0 -> 1 -> 3 (2), 0 -> 2 -> 3 (10), 0 -> 1 -> 2 -> 3 (26); the loop 0 -> 1 -> 0 -> 2 -> 3 (12) is not a route
    source, target = np.array([0, 1, 1, 0, 2, 1]), np.array([1, 3, 0, 2, 3, 2])
    weight = np.array([1.0, 1.0, 1.0, 5.0, 5.0, 20.0])
    found = k_shortest_paths(4, source, target, weight, 0, 3, k=3)
    assert found == [(2.0, [0, 1]), (10.0, [3, 4]), (26.0, [0, 5, 4])]


def test_compile_toy(toy):
    graph = compile_graph(toy, CostParameters.default())
    counts = graph.edges["element_type"].value_counts()
    assert counts["segment"] == 2 * len(toy.segments)
    assert counts["transfer"] == 2 * len(toy.transfers)  # none is directed
    assert len(graph.nodes) == len(np.unique(graph.nodes))
    assert sorted(graph.nodes[graph.terminals("b")]) == ["b|rail|1520|FIN", "b|rail|1520|SWE", "b|road||SWE"]


def test_compile_refuses_elements_it_cannot_cost(toy):
    import dataclasses

    segments = toy.segments.copy()
    segments.loc["c_d_sea", "cost_usd_per_tkm"] = float("nan")  # no rate for a sea leg without a service either
    broken = dataclasses.replace(toy, segments=segments)
    with pytest.raises(ValueError, match=r"cannot cost segment 'c_d_sea' with assumption set 'baseline': .*`rates`"):
        compile_graph(broken, CostParameters.default())


# --- compiled once, reused ------------------------------------------------------------------------------------


def test_compiled_is_kept_per_date_and_recompiled_after_an_edit(toy):
    from corridor.graph import compiled

    first = compiled(toy)
    assert compiled(toy) is first
    assert compiled(toy, "2020-01-01") is compiled(toy, pd.Timestamp("2020-01-01"))
    assert compiled(toy, "2020-01-01") is not first
    toy.segments.loc["b_d_road", "speed_kmh"] = 10.0  # an edit in place, as in a notebook
    again = compiled(toy)
    assert again is not first
    assert again.network.segments.loc["b_d_road", "speed_kmh"] == 10.0


def test_weights_are_the_element_costs_per_edge(toy):
    from corridor.costs import element_costs
    from corridor.graph import METRICS, compiled

    p = CostParameters.default(cargo_unit="tonne", empty_return_share=0.0)
    graph = compiled(toy)
    weights = graph.weights(p)
    costs = element_costs(graph.network, p)
    edges = graph.edges
    for i in np.flatnonzero(edges["element_type"].ne("access").to_numpy()):
        key = (edges["element_type"].iloc[i], edges["element_id"].iloc[i])
        assert weights[i].tolist() == costs.loc[key, list(METRICS)].tolist()
    assert (weights[edges["element_type"].eq("access").to_numpy()] == 0).all()
    assert graph.weights(p.replace(empty_return_share=0.0)) is weights  # equal parameters, kept weights
    assert not weights.flags.writeable


def test_parallel_edges_map_back_to_the_cheapest_of_them():
    from corridor.graph import _Adjacency

    adjacency = _Adjacency(4, SOURCE, TARGET)
    best, best_edge = adjacency.reduce(np.array([1.0, 1.0, 1.0, 3.0, 0.5]))
    assert adjacency.edges(best_edge, np.array([0]), np.array([1])).tolist() == [4]
    assert best.min() == 0.5


def test_k_has_a_cap_with_a_clear_message():
    with pytest.raises(ValueError, match=r"`k` was 51; expected a whole number of routes from 1 to 50"):
        k_shortest_paths(4, SOURCE, TARGET, WEIGHT, 0, 3, k=51)


def test_search_equals_networkx_and_raw_csgraph(instc):
    import networkx as nx
    from scipy.sparse.csgraph import dijkstra

    from corridor.graph import METRICS, compiled

    graph = compiled(instc)
    weight = graph.weights(CostParameters.default())[:, METRICS.index("time_h")]
    best, _ = graph.adjacency.reduce(weight)
    matrix = graph.adjacency.matrix(best)
    g = nx.DiGraph()
    source = np.repeat(np.arange(len(graph.nodes)), np.diff(graph.adjacency.indptr))
    g.add_weighted_edges_from(zip(source.tolist(), graph.adjacency.indices.tolist(), best.tolist(), strict=True))
    start = graph.node_index.get_loc("jnpt|origin")
    distances = dijkstra(matrix, indices=start)
    for place in ("moscow", "baku", "tehran", "aktau", "st_petersburg"):
        end = graph.node_index.get_loc(f"{place}|destination")
        ours, path = shortest_path(len(graph.nodes), graph.source, graph.target, weight, start, end)
        assert ours == pytest.approx(nx.dijkstra_path_length(g, start, end), abs=1e-6)
        assert ours == pytest.approx(distances[end], abs=1e-6)
        assert graph.target[path[-1]] == end


def test_negative_costs_are_refused_before_any_search(toy):
    p = CostParameters.default()
    # the parameters' mappings are read-only; force a negative factor past their checks to test the last guard
    object.__setattr__(p, "co2e_kg_per_tkm", {**p.co2e_kg_per_tkm, "rail": -5.0})
    with pytest.raises(ValueError, match=r"negative time, money, distance or CO2e for segment 'a_b_rail'"):
        compile_graph(toy, p)


def test_costs_are_per_element(toy):
    costs = compile_graph(toy).costs(CostParameters.default())
    assert costs.index.names == ["element_type", "element_id"]
    assert costs.index.tolist()[:1] == [("segment", "a_b_rail")] and len(costs) == 8  # 4 segments, 4 transfers


def test_a_compiled_graph_pickles_for_a_worker_and_searches_the_same(toy):
    import pickle

    from scipy.sparse.csgraph import dijkstra

    from corridor.graph import METRICS, compiled

    graph = compiled(toy, None)
    weight = graph.weights(CostParameters.default())[:, METRICS.index("time_h")]
    here = dijkstra(graph.adjacency.matrix(graph.adjacency.reduce(weight)[0]), indices=0)  # a thread's matrix exists
    copy = pickle.loads(pickle.dumps(graph))
    there = dijkstra(copy.adjacency.matrix(copy.adjacency.reduce(weight)[0]), indices=0)
    assert np.isfinite(here).sum() > 3 and np.array_equal(here, there)


def test_cached_costs_and_weights_cannot_be_edited_through_what_is_handed_out(toy):
    from corridor.graph import compiled

    graph = compiled(toy, None)
    p = CostParameters.default()
    costs = graph.costs(p)
    costs.loc[("segment", "a_b_rail"), "time_h"] = -1.0
    assert graph.costs(p).loc[("segment", "a_b_rail"), "time_h"] > 0
    with pytest.raises(ValueError, match="read-only"):
        graph.weights(p)[0, 0] = -1.0


def test_a_figure_too_large_to_cost_is_named_not_treated_as_closed(toy):
    from corridor.graph import compiled

    toy.segments.loc["a_b_rail", "cost_usd_per_tkm"] = 1e307  # finite, but x length x tonnes overflows
    with pytest.raises(ValueError, match=r"infinite .* segment 'a_b_rail'"):
        compiled(toy, None).weights(CostParameters.default())


def test_a_kept_graph_searches_again_when_the_weights_change_in_place(toy):
    graph = compile_graph(toy, CostParameters.default())
    adjacency = graph.adjacency
    weight = graph.weights(CostParameters.default())[:, 0].copy()  # distance
    start = graph.node_index.get_loc("a|origin")
    end = graph.node_index.get_loc("d|destination")
    first, path = adjacency.path(weight, start, end)
    weight[path[len(path) // 2]] += 1e6  # the same array, another content: the kept pair weights must not be used
    second, other = adjacency.path(weight, start, end)
    assert other != path and second < first + 1e6
    weight[path[len(path) // 2]] -= 1e6
    assert adjacency.path(weight, start, end) == (first, path)


def test_costs_of_a_class_use_its_own_rates_and_no_class_gives_an_empty_table(toy):
    p = CostParameters.default(rates={"dry_bulk:port_call": (5.0, "usd_per_tonne", 2022)}, price_year=2022)
    graph = compile_graph(toy, p)
    every, bulk = graph.costs(p), graph.costs(p, cargo_class="dry_bulk")
    assert bulk.loc[("transfer", "c_port"), "cost_usd"] == 60.0  # 5 US$/t x 12 t per TEU
    assert every.loc[("transfer", "c_port"), "cost_usd"] != 60.0
    assert graph.class_costs(p, [], "cost_usd").shape == (0, len(every))
