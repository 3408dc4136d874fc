import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from corridor import _kernels


def _adjacency(tail, n_nodes):
    order = np.argsort(tail, kind="stable")
    return np.searchsorted(np.asarray(tail)[order], np.arange(n_nodes + 1)), order


# --- the label search: which routes can win somewhere in the box -------------------------------------------------


def _search(tail, head, vec_of, const_of, lo, hi, *, bound=1e9, limit=1000):
    n_nodes = max(max(tail), max(head)) + 1
    firsts, order = _adjacency(tail, n_nodes)
    return _kernels.label_search(firsts, order, np.asarray(head), np.asarray(vec_of, dtype=float),
                                 np.asarray(const_of, dtype=float), np.asarray(lo, dtype=float),
                                 np.asarray(hi, dtype=float), 0, n_nodes - 1, bound, np.zeros(n_nodes), 1e-9,
                                 limit)  # fmt: skip


def test_routes_that_cross_in_the_box_both_survive():
    # 0 -> 1 by edge 0 (cost t1) or edge 1 (cost 5): t1 in [2, 8] makes either best; edge 2 goes on to 2
    finished, used = _search([0, 0, 1], [1, 1, 2], [[1.0], [0.0], [0.0]], [0.0, 5.0, 1.0], [2.0], [8.0])
    assert finished
    assert used.tolist() == [0, 1, 2]


def test_a_route_never_better_is_dropped():
    # edge 1 costs 9 > t1 for every t1 in [2, 8]: it never wins
    finished, used = _search([0, 0, 1], [1, 1, 2], [[1.0], [0.0], [0.0]], [0.0, 9.0, 1.0], [2.0], [8.0])
    assert finished and used.tolist() == [0, 2]


def test_a_route_better_in_every_state_drops_the_one_found_first():
    # edge 1 (2 + t1 / 2) is never dearer than edge 0 (1 + t1) for t1 in [2, 8] (equal at 2): the label of
    # edge 0, made first, is dropped when edge 1's arrives
    finished, used = _search([0, 0, 1], [1, 1, 2], [[1.0], [0.5], [0.0]], [1.0, 2.0, 1.0], [2.0], [8.0])
    assert finished and used.tolist() == [1, 2]


def test_shared_figures_cancel_in_the_comparison():
    # both routes use the uncertain figure t1 once; the constant decides, whatever t1 is
    finished, used = _search([0, 0, 1, 2], [1, 2, 3, 3], [[1.0], [1.0], [0.0], [0.0]], [0.0, 0.0, 1.0, 2.0],
                             [0.0], [100.0])  # fmt: skip
    assert finished and used.tolist() == [0, 2]


def test_the_bound_prunes_and_the_limit_stops():
    _, used = _search([0, 0, 1], [1, 1, 2], [[1.0], [0.0], [0.0]], [0.0, 5.0, 1.0], [2.0], [8.0], bound=5.5)
    assert used.tolist() == [0, 2]  # via edge 1 costs at least 6
    finished, used = _search([0, 0, 1], [1, 1, 2], [[1.0], [0.0], [0.0]], [0.0, 5.0, 1.0], [2.0], [8.0], limit=2)
    assert not finished and len(used) == 0


# --- the cheapest path of every draw ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_best_paths_equal_dijkstra_draw_by_draw(seed):
    # a small graph with a two-node cycle (1 <-> 2): blocks as uncertainty._plan orders them
    tail = np.array([0, 0, 1, 2, 1, 2, 3])
    head = np.array([1, 2, 2, 1, 3, 4, 4])
    blocks = np.array([[0, 2, 0], [2, 4, 1], [4, 6, 0], [6, 7, 0]])
    figures = np.random.default_rng(seed).uniform(0, 5, size=(50, 3))  # draws x figures
    # each edge weighs 1 + 2 t_j + t_(j+1) (figures taken round): a sparse linear form per edge
    n = len(tail)
    base = np.ones(n)
    indptr, indices = np.arange(0, 2 * n + 1, 2), np.ravel([[j % 3, (j + 1) % 3] for j in range(n)])
    data = np.tile([2.0, 1.0], n)
    weight = base + figures[:, indices[0::2]] * 2 + figures[:, indices[1::2]]  # what linear_forms must give
    tags = np.arange(1, n + 1, dtype=np.uint64) * np.uint64(1000003)
    weights = np.empty((len(figures), n))
    _kernels.linear_forms(base, indptr, indices, data, figures, weights)
    np.testing.assert_allclose(weights, weight)
    args = (5, 0, np.array([3, 4]), tail, head, blocks, np.arange(n), weights, tags)
    cost, count, key, steps = _kernels.best_paths(*args, True)
    for d in range(len(weight)):
        matrix = sparse.csr_array((weight[d], (tail, head)), shape=(5, 5))
        expected = dijkstra(matrix, indices=0)
        np.testing.assert_allclose(cost[:, d], expected[[3, 4]])
        for e, end in enumerate([3, 4]):
            path = steps[e, d][steps[e, d] >= 0]
            assert count[e, d] == len(path) and key[e, d] == tags[path].sum()
            assert head[path[0]] == end and tail[path[-1]] == 0
            assert weight[d, path].sum() == pytest.approx(cost[e, d])
    unrecorded = _kernels.best_paths(*args, False)
    np.testing.assert_array_equal(unrecorded[0], cost)
    assert unrecorded[3].size == 0
