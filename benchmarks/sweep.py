"""Time a sweep of scenario variants with full assignment, in this process and on a local Dask cluster.

Run: ``python benchmarks/sweep.py [--variants 200] [--n 200] [--workers 2] [--subset 5]``. Prints a table of our
times, the baseline's and the ratios, the machine's load average, and checks that the Dask sweep equals the
in-process one.

- Ours: :func:`corridor.uncertainty.sweep` over `variants` what-ifs of the INSTC baseline (a grid of value of time,
  empty-return share and sea headway, changed with ``CostParameters.replace``): for each, `n` Monte Carlo draws of
  JNPT -> Moscow and the shipped trade (freight by cargo class, every pair) assigned by logit. Candidate routes
  are found once and shared by every variant (the grid changes figures, not the network).
- Dask: the same sweep on a ``LocalCluster`` of `workers` processes (one thread each), started before timing.
- Baseline: what a user would write without the sweep: per variant, ``monte_carlo`` and ``assign`` called
  afresh (``assign`` then finds its candidate routes itself); timed on `subset` variants and scaled.
"""

import argparse
import itertools
import os
import time

import pandas as pd

import corridor
from corridor import trade
from corridor.assignment import assign
from corridor.costs import CostParameters
from corridor.uncertainty import monte_carlo, sweep

PAIRS = [("jnpt", "moscow")]


def variants(base: CostParameters, count: int) -> dict[str, tuple]:
    grid = itertools.product([0.2, 0.4, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1], [0.0, 0.1, 0.22, 0.35, 0.5], [84.0, 168.0, 252.0,
                             336.0, 504.0])  # fmt: skip
    out = {}
    for vot, empty, headway in itertools.islice(grid, count):
        name = f"vot{vot}_empty{empty}_headway{headway:g}"
        out[name] = base.replace(value_of_time_pct_per_day=vot, empty_return_share=empty, sea_headway_h=headway)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=200)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--subset", type=int, default=5)
    args = parser.parse_args()
    instc = corridor.load_instc()
    od = trade.shipped_freight()
    grid = variants(CostParameters.default(), args.variants)
    what = {name: (instc, p) for name, p in grid.items()}
    print(f"{len(what)} variants x ({args.n} draws of {PAIRS} + assignment of {len(od)} OD rows); load average "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip

    start = time.perf_counter()
    local = sweep(what, PAIRS, n=args.n, seed=1, od=od, progress=False)
    ours = time.perf_counter() - start

    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:  # fmt: skip
        client.run(lambda: None)
        start = time.perf_counter()
        remote = sweep(what, PAIRS, n=args.n, seed=1, od=od, progress=False, client=client)
        on_dask = time.perf_counter() - start
    for name in local:
        pd.testing.assert_frame_equal(local[name].draws, remote[name].draws)
        pd.testing.assert_frame_equal(local[name].assignment.loads, remote[name].assignment.loads)

    subset = list(grid.items())[: args.subset]
    start = time.perf_counter()
    for _, p in subset:
        fresh = corridor.load_instc()
        monte_carlo(fresh, PAIRS, n=args.n, seed=1, parameters=p, progress=False)
        assign(fresh, od, parameters=p)
    baseline = (time.perf_counter() - start) / len(subset) * len(what)

    rows = [
        ("sweep, in process", ours, baseline),
        (f"sweep, Dask LocalCluster ({args.workers} processes)", on_dask, baseline),
    ]
    print(f"\n| {len(what)} variants with assignment | ours s | baseline s | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for label, mine, theirs in rows:
        print(f"| {label} | {mine:.1f} | {theirs:.1f} | {theirs / mine:.1f} |")
    print("\nbaseline: monte_carlo + assign called afresh per variant, timed on "
          f"{len(subset)} and scaled; the Dask sweep equals the in-process one (draws and loads); load average "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
