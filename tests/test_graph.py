import numpy as np
import pytest

from corridor.costs import CostParameters
from corridor.graph import compile_graph, k_shortest_paths, layered, shortest_path

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


def layered_graph_via(node):
    class Stub:  # only what `layered` reads
        nodes = np.arange(4)

    Stub.source, Stub.target = SOURCE, TARGET
    return layered(Stub, [np.array([node])])


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
    segments.loc["b_d_road", "cost_usd_per_tkm"] = float("nan")
    broken = dataclasses.replace(toy, segments=segments)
    with pytest.raises(ValueError, match=r"cannot cost segment 'b_d_road': .* give `rate_usd_per_tkm`"):
        compile_graph(broken, CostParameters.default())
