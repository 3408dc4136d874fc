"""Time ``corridor.assignment.assign`` on the INSTC baseline freight by cargo class.

Everything is measured in one run on one machine; each figure is the median of several repeats (seconds).
Run: ``python benchmarks/assignment.py [--repeat 7]``. Prints the time of the first call (which finds the
candidate routes, once per corridor, date, parameter set and k) and of later calls that reuse them, for
all-or-nothing, logit, and both with capacity restraint, and the equilibrium's iterations and gap; then the
model's loads beside the published volumes (``compare_volumes``) for logit without and with capacity restraint.
"""

import argparse
import statistics
import time

import pandas as pd

import corridor
from corridor import trade
from corridor.assignment import assign, candidate_routes, compare_volumes


def median_of(repeat, function):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    instc = corridor.load_instc()
    od = trade.shipped_freight()
    pairs = od.drop(index="liquid_bulk", level="cargo_class").index.droplevel("cargo_class").unique()
    start = time.perf_counter()
    classes = od.drop(index="liquid_bulk", level="cargo_class").index.unique("cargo_class")
    routes = candidate_routes(instc, list(pairs), k=3, cargo_classes=classes)  # as assign finds them
    found = time.perf_counter() - start
    print(f"INSTC: {len(od)} OD rows by class, {len(pairs)} pairs on the corridor, {len(routes.routes)} routes")
    print(f"{'candidate_routes (once)':42s} {found:8.3f} s")
    for label, options in (
        ("assign aon", {"method": "aon"}),
        ("assign logit", {"method": "logit"}),
        ("assign aon + capacity (Frank-Wolfe)", {"method": "aon", "capacity_restraint": True}),
        ("assign logit + capacity (MSA)", {"method": "logit", "capacity_restraint": True}),
    ):
        seconds, result = median_of(args.repeat, lambda options=options: assign(instc, od, routes=routes, **options))
        extra = f"  {result.iterations} iterations, gap {result.relative_gap:.1e}" if result.capacity_restraint else ""
        print(f"{label:42s} {seconds:8.3f} s{extra}")
    logit = compare_volumes(assign(instc, od, routes=routes))
    restrained = compare_volumes(assign(instc, od, routes=routes, capacity_restraint=True))
    table = pd.DataFrame(
        {
            "year": logit["year"],
            "observed_Mt": logit["observed_tonnes_per_year"] / 1e6,
            "conf": logit["confidence"],
            "logit_Mt": logit["model_tonnes_per_year"] / 1e6,
            "logit_gap_Mt": logit["gap_tonnes_per_year"] / 1e6,
            "logit_ratio": logit["model_to_observed"],
            "logit+BPR_Mt": restrained["model_tonnes_per_year"] / 1e6,
            "logit+BPR_ratio": restrained["model_to_observed"],
        }
    )
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round(2))


if __name__ == "__main__":
    main()
