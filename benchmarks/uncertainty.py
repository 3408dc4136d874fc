"""Time Monte Carlo route uncertainty against one networkx shortest-path search per draw, in the same run.

Run: ``python benchmarks/uncertainty.py [--n 100000] [--subset 300] [--repeat 3]``. Prints a table of our time,
the baseline's time and the ratio, the machine's load average, and checks that both give the same answers.

- Ours: :func:`corridor.uncertainty.monte_carlo` with every uncertain figure drawn (beta-PERT), `n` draws of the key
  gateway pairs (JNPT and Mundra to Moscow, St Petersburg, Yekaterinburg, Chelyabinsk, Novosibirsk), best route
  by generalised cost with the empty boxes' way back; first call (in a fresh process: reads the corridor, builds
  the model and each pair's subgraph) and a second call on the same corridor (both kept), each best of `repeat`.
  The import of :mod:`corridor.uncertainty` (numba's start-up) is timed apart, in a fresh process.
- Baseline: for each draw, the cheapest path of every pair and of its way back with networkx's Dijkstra on the
  compiled graph, edge weights read from that draw's element costs (computed beforehand, not timed); timed on
  `subset` draws and scaled to `n`. Its answers are checked against ours, draw by draw.
"""

import argparse
import os
import subprocess
import sys
import time

import networkx as nx
import numpy as np
import pandas as pd

import corridor
from corridor import uncertainty
from corridor.costs import CostParameters
from corridor.graph import compiled
from corridor.routing import _constraints

ORIGINS = ["jnpt", "mundra"]
DESTINATIONS = ["moscow", "st_petersburg", "yekaterinburg", "chelyabinsk", "novosibirsk"]
PAIRS = [(o, d) for o in ORIGINS for d in DESTINATIONS]
BY = "generalised_cost_usd"


def best_of(repeat, function):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


FIRST_CALL = """
import sys, time
sys.path.insert(0, {here!r})
import corridor
from corridor import uncertainty
from uncertainty import PAIRS
start = time.perf_counter()
uncertainty.monte_carlo(corridor.load_instc(), PAIRS, n={n}, seed=1, progress=False)
print(time.perf_counter() - start)
"""


def first_call(n: int) -> float:
    """Seconds of the first `monte_carlo` call in a fresh process (reading the corridor included)."""
    code = FIRST_CALL.format(here=os.path.dirname(os.path.abspath(__file__)), n=n)
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def baseline(c, p, n_draws, seed):
    """One networkx search per draw, pair and way back; returns seconds and the answers."""
    graph = compiled(c)
    model = uncertainty._model_of(graph, p, frozenset(uncertainty.GROUPS))
    figures = uncertainty.figure_draws(c, n=n_draws, seed=seed, parameters=p)
    transformed = np.broadcast_to(model.transformed_bounds[1], (n_draws, len(model.figures))).copy()
    columns = model.figures.index.get_indexer(figures.columns)
    transformed[:, columns] = uncertainty._transform(model, columns, figures.to_numpy().T.copy()).T
    elem = uncertainty._Evaluator(model, np.arange(len(model.figures)))(np.ascontiguousarray(transformed.T))
    weights = {m: elem[m][graph.element].T.copy() for m in (BY, "cost_usd")}  # draws x edges
    g = nx.MultiDiGraph()
    g.add_edges_from(
        (int(s), int(t), {"i": i}) for i, (s, t) in enumerate(zip(graph.source, graph.target, strict=True))
    )
    share = p.empty_return_share * p.empty_cost_ratio
    searches = []
    for origin, destination in PAIRS:
        for a, b, criterion in ((origin, destination, BY), (destination, origin, "cost_usd")):
            blocked = uncertainty._blocked_edges(graph, a, b, _constraints(), criterion, p, True)
            searches.append((graph.node_index.get_loc(f"{a}|origin"), graph.node_index.get_loc(f"{b}|destination"),
                             criterion, blocked))  # fmt: skip
    answers = np.empty((n_draws, len(PAIRS)))

    def run():
        for d in range(n_draws):
            found = []
            for start, end, criterion, blocked in searches:
                w = np.where(blocked, np.inf, weights[criterion][d]) + 1e-9

                def weight(_u, _v, data, w=w):
                    best = min(w[e["i"]] for e in data.values())
                    return None if not np.isfinite(best) else best

                found.append(nx.dijkstra_path_length(g, start, end, weight=weight))
            out, back = np.array(found[0::2]), np.array(found[1::2])
            answers[d] = out + share * back

    seconds, _ = best_of(1, run)
    return seconds, answers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--subset", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()
    p = CostParameters.default()
    rows = []
    first = min(first_call(args.n) for _ in range(args.repeat))
    c = corridor.load_instc()
    uncertainty.monte_carlo(c, PAIRS, n=10, seed=1, progress=False)  # builds the model and the subgraphs once
    again, mc = best_of(args.repeat, lambda: uncertainty.monte_carlo(c, PAIRS, n=args.n, seed=1, progress=False))
    seconds, answers = baseline(c, p, args.subset, seed=1)
    scaled = seconds * args.n / args.subset
    what = f"{args.n:,} draws x {len(PAIRS)} pairs"
    rows.append((what, "monte_carlo, first call", first, f"networkx per draw (x{args.n // args.subset})", scaled))
    rows.append((what, "monte_carlo, subgraphs kept", again, f"networkx per draw (x{args.n // args.subset})", scaled))
    table = pd.DataFrame(rows, columns=["work", "ours", "ours_s", "baseline", "baseline_s"])
    table["speed-up"] = table["baseline_s"] / table["ours_s"]
    with pd.option_context("display.width", 160, "display.float_format", "{:.3f}".format):
        print(table.to_string(index=False))
    draws = mc.draws.sort_index()
    ours = np.column_stack([draws.loc[pair, BY].to_numpy()[: args.subset] for pair in PAIRS])
    worst = float(np.max(np.abs(ours - answers) / answers))
    assert worst < 1e-9, worst
    print(f"same best generalised cost (with empties) as networkx in all {args.subset} x {len(PAIRS)} checked draws "
          f"(largest relative difference {worst:.1e})")  # fmt: skip
    code = "import time; t = time.perf_counter(); import corridor.uncertainty; print(time.perf_counter() - t)"
    imported = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    print(f"import corridor.uncertainty in a fresh process: {imported:.2f} s (numba loads the compiled searches from "
          f"its cache; the first import after an install compiles them, once)")  # fmt: skip
    print(f"load average before/after: {load_before[0]:.2f} / {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    print("routes that win:", len(mc.routes), "; figures drawn:", mc.settings["figures_drawn"])


if __name__ == "__main__":
    main()
