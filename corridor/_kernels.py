"""Compiled loops of the Monte Carlo search (:mod:`corridor.uncertainty`), with numba.

Two searches whose work is a loop no array operation expresses: the label-setting search for the routes that can
be best somewhere in the box of ranges (one per pair, at the first call), and the cheapest path of every draw over
such a small subgraph (one per pair and chunk of draws). Both are compiled on first use and cached on disk
(``cache=True``). The public two are compiled for one signature each, when this module is imported (loading
them from the cache takes numba about a second the first time in a process, so a first Monte Carlo call does
not pay it). The search of each draw lets go of the GIL, so several can run in threads.
"""

import numba
import numpy as np


@numba.njit(cache=True, fastmath=True)
def _never_below(a: np.ndarray, b: np.ndarray, at_lo: float, span: np.ndarray, tol: float) -> bool:
    """Whether ``a @ t + ca >= b @ t + cb - tol`` in the whole box ``lo <= t <= hi`` (``span = hi - lo``).

    `at_lo` is the difference at the favourable corner ``t = lo``; the minimum over the box subtracts
    ``|a_i - b_i| * span_i`` for every figure where ``a`` weighs less (a sum without branches, which the
    compiler vectorises).
    """
    total = 0.0
    for i in range(a.shape[0]):
        total += min(a[i] - b[i], 0.0) * span[i]
    return at_lo + total >= -tol


@numba.njit(cache=True)
def _push(keys: np.ndarray, ids: np.ndarray, size: int, key: float, item: int) -> None:
    """Put (`key`, `item`) on the binary heap of the first `size` entries of `keys` and `ids`."""
    i = size
    while i > 0:
        up = (i - 1) // 2
        if keys[up] < key or (keys[up] == key and ids[up] < item):
            break
        keys[i], ids[i] = keys[up], ids[up]
        i = up
    keys[i], ids[i] = key, item


@numba.njit(cache=True)
def _pop(keys: np.ndarray, ids: np.ndarray, size: int) -> int:
    """Take the item of the smallest (key, item) off the heap of `size` entries (leaving `size` - 1)."""
    top = ids[0]
    size -= 1
    key, item = keys[size], ids[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and (
            keys[child + 1] < keys[child] or (keys[child + 1] == keys[child] and ids[child + 1] < ids[child])
        ):
            child += 1
        if key < keys[child] or (key == keys[child] and item < ids[child]):
            break
        keys[i], ids[i] = keys[child], ids[child]
        i = child
    keys[i], ids[i] = key, item
    return top


_LABEL_SEARCH = ("Tuple((b1, i8[::1]))(i8[::1], i8[::1], i8[::1], f8[:, ::1], f8[::1], f8[::1], f8[::1], i8, i8, f8, "
                 "f8[::1], f8, i8)")  # fmt: skip
_LINEAR_FORMS = "void(f8[::1], i8[::1], i8[::1], f8[::1], f8[:, ::1], f8[:, ::1])"
_BEST_PATHS = ("Tuple((f8[:, ::1], i8[:, ::1], u8[:, ::1], i8[:, :, ::1]))(i8, i8, i8[::1], i8[::1], i8[::1], "
               "i8[:, ::1], i8[::1], f8[:, ::1], u8[::1], b1)")  # fmt: skip


@numba.njit(_LABEL_SEARCH, cache=True)
def label_search(
    firsts: np.ndarray,
    order: np.ndarray,
    heads: np.ndarray,
    vec_of: np.ndarray,
    const_of: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    start: int,
    end: int,
    bound: float,
    to_go: np.ndarray,
    tol: float,
    limit: int,
) -> tuple[bool, np.ndarray]:
    """Edges (positions in `vec_of`) of the partial routes from `start` that no other one dominates at `end`.

    Edge ``k`` leaves node ``s`` when ``k`` is in ``order[firsts[s]:firsts[s + 1]]`` and enters ``heads[k]``; its
    criterion is ``const_of[k] + vec_of[k] @ t`` for figures ``t`` in the box ``[lo, hi]``. A label is dropped
    when one already at its node costs no more in every state of the box (``min (new - old) >= -tol``), and
    removes those it beats the same way (checked first at the box's unfavourable corner); a label whose
    optimistic cost plus ``to_go`` of its node exceeds `bound` is never made. Labels are expanded cheapest
    optimistic cost first. Returns (False, empty) after `limit` labels.
    """
    width = vec_of.shape[1]
    cap = limit + 2  # every array below is written before it is read: no time spent zeroing
    vecs = np.empty((cap, width))
    consts = np.empty(cap)
    corners = np.empty((cap, 2))  # the criterion at the favourable and at the unfavourable corner of the box
    parent = np.empty(cap, dtype=np.int64)
    via = np.empty(cap, dtype=np.int64)
    alive = np.empty(cap, dtype=np.bool_)
    node_of = np.empty(cap, dtype=np.int64)
    following = np.empty(cap, dtype=np.int64)  # the next label kept at the same node
    first_at = np.full(firsts.shape[0], -1, dtype=np.int64)
    vecs[0] = 0.0
    consts[0], corners[0, 0], corners[0, 1], parent[0], via[0], alive[0] = 0.0, 0.0, 0.0, -1, -1, True
    node_of[0] = start
    count = 1
    vec = np.empty(width)
    span = hi - lo
    heap_keys, heap_ids, size = np.empty(cap), np.empty(cap, dtype=np.int64), 1  # (optimistic cost, label)
    heap_keys[0], heap_ids[0] = 0.0, 0
    while size > 0:
        label = _pop(heap_keys, heap_ids, size)
        size -= 1
        node = node_of[label]
        if not alive[label] or node == end:
            continue
        for position in range(firsts[node], firsts[node + 1]):
            k = order[position]
            v = heads[k]
            c = consts[label] + const_of[k]
            optimistic, pessimistic = c, c
            for i in range(width):
                vec[i] = vecs[label, i] + vec_of[k, i]
                optimistic += vec[i] * lo[i]
                pessimistic += vec[i] * hi[i]
            if optimistic + to_go[v] > bound:
                continue
            dominated = False
            q = first_at[v]
            while q >= 0:
                if (
                    optimistic - corners[q, 0] >= -tol
                    and pessimistic - corners[q, 1] >= -tol
                    and _never_below(vec, vecs[q], optimistic - corners[q, 0], span, tol)
                ):
                    dominated = True  # a label already here is never worse
                    break
                q = following[q]
            if dominated:
                continue
            previous, q = -1, first_at[v]
            while q >= 0:
                after = following[q]
                if (
                    corners[q, 0] - optimistic >= -tol
                    and corners[q, 1] - pessimistic >= -tol
                    and _never_below(vecs[q], vec, corners[q, 0] - optimistic, span, tol)
                ):
                    alive[q] = False
                    if previous < 0:
                        first_at[v] = after
                    else:
                        following[previous] = after
                else:
                    previous = q
                q = after
            if count > limit:
                return False, np.empty(0, dtype=np.int64)
            new = count
            count += 1
            vecs[new] = vec
            consts[new] = c
            corners[new, 0], corners[new, 1] = optimistic, pessimistic
            parent[new], alive[new] = label, True
            via[new] = k
            node_of[new] = v
            following[new] = first_at[v]
            first_at[v] = new
            _push(heap_keys, heap_ids, size, optimistic, new)
            size += 1
    used = np.zeros(vec_of.shape[0], dtype=np.bool_)
    q = first_at[end]
    while q >= 0:
        label = q
        while parent[label] >= 0:
            used[via[label]] = True
            label = parent[label]
        q = following[q]
    return True, np.flatnonzero(used)


@numba.njit(_LINEAR_FORMS, cache=True, nogil=True)
def linear_forms(
    base: np.ndarray, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, draws: np.ndarray, out: np.ndarray
) -> None:
    """``out[d, r] = base[r] + data[k] @ draws[d, indices[k]]`` over ``k`` in ``indptr[r]:indptr[r + 1]``.

    Rows ``r`` in CSR form (``indptr``, ``indices``, ``data``); `draws` is draws x figures, `out` draws x rows.
    """
    for d in range(draws.shape[0]):
        t = draws[d]
        for r in range(base.shape[0]):
            total = base[r]
            for k in range(indptr[r], indptr[r + 1]):
                total += data[k] * t[indices[k]]
            out[d, r] = total


@numba.njit(_BEST_PATHS, cache=True, nogil=True)
def best_paths(
    n_nodes: int,
    start: int,
    ends: np.ndarray,
    tail: np.ndarray,
    head: np.ndarray,
    blocks: np.ndarray,
    columns: np.ndarray,
    weights: np.ndarray,
    tags: np.ndarray,
    record: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cheapest path from `start` to each of `ends` in every draw: its cost, its number of edges and its key.

    Edge ``j`` weighs ``weights[d, columns[j]]`` in draw ``d`` (`weights` is draws x columns). The edges are
    ordered so that `blocks` (first edge, past the last edge, cyclic) relax them in order: once for a block
    without a cycle, until nothing changes for one with a cycle (Bellman-Ford). A path's key is the sum of the
    `tags` of its edges (uint64, wrapping): equal paths have equal keys. Returns cost, count and key (each ends
    x draws) and, if `record`, the steps (ends x draws x nodes: the edges from the end back, -1 past the start;
    else an empty array).
    """
    m = weights.shape[0]
    n_edges = columns.shape[0]
    n_ends = ends.shape[0]
    w = np.empty(n_edges)
    dist = np.empty(n_nodes)
    pred = np.empty(n_nodes, dtype=np.int64)
    cost = np.empty((n_ends, m))
    count = np.zeros((n_ends, m), dtype=np.int64)
    key = np.zeros((n_ends, m), dtype=np.uint64)
    steps = np.full((n_ends, m if record else 0, n_nodes if record else 0), -1, dtype=np.int64)
    for d in range(m):
        row = weights[d]
        for j in range(n_edges):
            w[j] = row[columns[j]]
        dist[:] = np.inf
        dist[start] = 0.0
        pred[:] = -1
        for b in range(blocks.shape[0]):
            for _ in range(n_nodes):
                changed = False
                for j in range(blocks[b, 0], blocks[b, 1]):
                    candidate = dist[tail[j]] + w[j]
                    if candidate < dist[head[j]]:
                        dist[head[j]] = candidate
                        pred[head[j]] = j
                        changed = True
                if blocks[b, 2] == 0 or not changed:
                    break
        for e in range(n_ends):
            node, s, k = ends[e], 0, np.uint64(0)
            cost[e, d] = dist[node]
            while node != start and s < n_nodes and pred[node] >= 0:
                j = pred[node]
                k += tags[j]
                if record:
                    steps[e, d, s] = j
                node = tail[j]
                s += 1
            count[e, d] = s
            key[e, d] = k
    return cost, count, key, steps
