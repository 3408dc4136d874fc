"""Time the routing core against raw scipy csgraph and networkx, on the INSTC and on generated corridors.

Everything is measured in one run on one machine; each figure is the best of several repeats (seconds).
Run: ``python benchmarks/routing.py [--sizes 1000 10000 100000] [--repeat 5]``. Prints a table of our time,
the baseline's time and the ratio, and checks that all three give the same answers.

- INSTC: ``best_route`` (search only, and with its legs table) and ``skim`` of the key places, against raw
  ``scipy.sparse.csgraph.dijkstra`` one-to-all on the same CSR and against networkx on the same edges.
- Generated corridors (``corridor.datasets.synthetic_corridor``) written as CSV folders and GeoPackages: read
  + validate against pandas / pyogrio just reading the same files; compile; one shortest path and a one-to-all
  skim against raw csgraph one-to-all on the same CSR. For CSV, three baselines: ``read_csv(dtype=object)`` plus
  parsing the WKT geometry (like for like: our text columns hold Python ``str`` objects; the 3x target),
  ``read_csv(dtype=object)`` alone, and ``read_csv`` with its default dtypes (floats, and with pyarrow installed
  Arrow-backed strings).
"""

import argparse
import pathlib
import tempfile
import time

import networkx as nx
import numpy as np
import pandas as pd
import pyogrio
import shapely
from scipy.sparse.csgraph import dijkstra

import corridor
from corridor.costs import CostParameters
from corridor.graph import METRICS, compile_graph, compiled
from corridor.routing import best_route, skim

BY = "time_h"
ENDS = {"handling_at_ends": False}  # from departure to arrival, as a plain one-to-one search answers


def best_of(repeat, function):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def raw_inputs(graph, parameters):
    """The CSR our search uses (cheapest parallel edge, same epsilon) and the cheapest edge per node pair."""
    weight = graph.weights(parameters)[:, METRICS.index(BY)]
    best, best_edge = graph.adjacency.reduce(weight)
    return graph.adjacency.matrix(best).copy(), best, best_edge  # a copy: our searches refill the shared one


def networkx_graph(graph, best):
    adjacency = graph.adjacency
    source = np.repeat(np.arange(adjacency.n_nodes), np.diff(adjacency.indptr))
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(source.tolist(), adjacency.indices.tolist(), (best + 1e-9).tolist(), strict=True))
    return g


def instc(repeat, rows):
    c = corridor.load_instc()
    p = CostParameters.default(empty_return_share=0.0)  # one search per route: no way back for empties
    graph = compiled(c)
    matrix, best, _ = raw_inputs(graph, p)
    g = networkx_graph(graph, best)
    origin, destination = "jnpt", "moscow"
    start = graph.node_index.get_loc(f"{origin}|origin")
    end = graph.node_index.get_loc(f"{destination}|destination")
    best_route(c, origin, destination, by=BY, parameters=p, **ENDS)  # compile and cost once

    raw = best_of(repeat * 20, lambda: dijkstra(matrix, indices=start))
    ours = best_of(repeat * 20, lambda: best_route(c, origin, destination, by=BY, parameters=p, **ENDS))
    legs = best_of(repeat * 20, lambda: best_route(c, origin, destination, by=BY, parameters=p, **ENDS).legs)
    networkx = best_of(repeat * 20, lambda: nx.single_source_dijkstra(g, start, end))
    rows += [
        ("INSTC", "best_route (search)", ours, "csgraph one-to-all", raw),
        ("INSTC", "best_route (search)", ours, "networkx one-to-one", networkx),
        ("INSTC", "best_route + legs", legs, "csgraph one-to-all", raw),
        ("INSTC", "compile (once per date)", best_of(repeat, lambda: compile_graph(graph.network, p)), "-", np.nan),
    ]

    key = c.metadata["key_places"]
    starts = graph.node_index.get_indexer([f"{k}|origin" for k in key])
    ours = best_of(repeat, lambda: skim(c, key, key, by=BY, parameters=p, **ENDS))
    raw = best_of(repeat, lambda: dijkstra(matrix, indices=starts))
    networkx = best_of(repeat, lambda: [nx.single_source_dijkstra_path_length(g, s) for s in starts])
    rows += [
        ("INSTC", f"skim {len(key)}x{len(key)}", ours, "csgraph many-to-all", raw),
        ("INSTC", f"skim {len(key)}x{len(key)}", ours, "networkx one-to-all each", networkx),
    ]

    # the same answers three ways
    route = best_route(c, origin, destination, by=BY, parameters=p, **ENDS).totals[BY]
    distance = dijkstra(matrix, indices=start)[end]
    length = nx.single_source_dijkstra(g, start, end)[0]
    table = skim(c, key, key, by=BY, parameters=p, **ENDS)[BY].unstack()
    lengths = dijkstra(matrix, indices=starts)[:, graph.node_index.get_indexer([f"{k}|destination" for k in key])]
    np.fill_diagonal(lengths, np.nan)
    assert abs(route - distance) < 1e-6 and abs(route - length) < 1e-6, (route, distance, length)
    assert np.allclose(table.loc[key, key].to_numpy(), lengths, atol=1e-6, equal_nan=True)
    return f"INSTC {origin} -> {destination} by {BY}: ours {route:.3f} h, csgraph {distance:.3f}, networkx {length:.3f}"


def generated(n_segments, repeat, rows, folder):
    made = corridor.datasets.synthetic_corridor(n_segments, seed=0)
    path = made.to_file(folder / f"synthetic_{n_segments}")
    files = [path / f"{t}.csv" for t in ("places", "segments", "transfers")]
    reps = max(1, repeat if n_segments <= 10_000 else 2)
    size = f"{n_segments:,} segments"

    def read_and_parse():  # like for like: text as Python str objects (as our TEXT columns), WKT parsed
        frames = [pd.read_csv(f, dtype=object, keep_default_na=False) for f in files]
        return shapely.from_wkt(frames[1]["geometry"].to_numpy())

    csv_reps = max(3, reps)  # the CSV target is a ratio: one more repeat against noise on a shared machine
    ours = best_of(csv_reps, lambda: corridor.read_corridor(path))
    rows += [
        (size, "read + validate CSV", ours, "read_csv + WKT parse (dtype=object; target <= 3x)",
         best_of(csv_reps, read_and_parse)),
        (size, "read + validate CSV", ours, "pandas read_csv (dtype=object)",
         best_of(csv_reps, lambda: [pd.read_csv(f, dtype=object, keep_default_na=False) for f in files])),
        (size, "read + validate CSV", ours, "pandas read_csv (default dtypes, Arrow strings)",
         best_of(csv_reps, lambda: [pd.read_csv(f) for f in files])),
    ]  # fmt: skip
    gpkg = made.to_file(folder / f"synthetic_{n_segments}.gpkg")
    layers = ("places", "segments", "transfers")
    read = best_of(reps, lambda: [pyogrio.read_dataframe(gpkg, layer=layer) for layer in layers])
    ours = best_of(reps, lambda: corridor.read_corridor(gpkg))
    rows.append((size, "read + validate GPKG", ours, "pyogrio read", read))
    c = corridor.read_corridor(path)
    p = CostParameters.default(empty_return_share=0.0)  # one search per route: no way back for empties
    rows.append((size, "compile + cost", best_of(reps, lambda: compile_graph(c, p)), "-", np.nan))
    graph = compiled(c)
    origin, destination = c.places.index[0], c.places.index[-1]
    best_route(c, origin, destination, by=BY, parameters=p, **ENDS)
    matrix, _, _ = raw_inputs(graph, p)
    start = graph.node_index.get_loc(f"{origin}|origin")
    raw = best_of(repeat, lambda: dijkstra(matrix, indices=start))
    ours = best_of(repeat, lambda: best_route(c, origin, destination, by=BY, parameters=p, **ENDS))
    rows.append((size, "best_route (search)", ours, "csgraph one-to-all", raw))
    if n_segments <= 10_000:
        _, best, _ = raw_inputs(graph, p)
        g = networkx_graph(graph, best)
        end = graph.node_index.get_loc(f"{destination}|destination")
        rows.append((size, "best_route (search)", ours, "networkx one-to-one",
                     best_of(repeat, lambda: nx.single_source_dijkstra(g, start, end))))  # fmt: skip
    rows.append((size, "skim one-to-all", best_of(repeat, lambda: skim(c, [origin], by=BY, parameters=p, **ENDS)),
                 "csgraph one-to-all", raw))  # fmt: skip
    route = best_route(c, origin, destination, by=BY, parameters=p, **ENDS).totals[BY]
    assert abs(route - skim(c, [origin], [destination], by=BY, parameters=p, **ENDS)[BY].iloc[0]) < 1e-6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    check = instc(args.repeat, rows)
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            generated(n, args.repeat, rows, pathlib.Path(folder))
    table = pd.DataFrame(rows, columns=["corridor", "ours", "ours_s", "baseline", "baseline_s"])
    table["ratio"] = table["ours_s"] / table["baseline_s"]
    with pd.option_context("display.width", 200, "display.float_format", "{:.5f}".format):
        print(table.to_string(index=False))
    print(check)
    print("answers equal across corridor, csgraph and networkx: yes")


if __name__ == "__main__":
    main()
