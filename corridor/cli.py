"""The ``corridor`` command: routes, scenarios, validation and the notebook report from a shell.

.. code-block:: text

    corridor route jnpt moscow --by time_h --as-of 2025-12-01
    corridor scenario rasht_astara_opens data/scenarios/caspian_low_water.toml --out results/
    corridor scenario rasht_astara_opens --freight instc --out results/   # with freight assigned
    corridor validate data/instc
    corridor validate my_scenario.toml
    corridor report --out reports

Every command takes ``--help``. Problems (an unknown place, a bad file, validation problems) are printed on
standard error, one line each, and the command exits with status 2; nothing prints a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import pathlib
import sys
from collections.abc import Sequence
from typing import Any

import pandas as pd

from corridor import datasets, scenarios
from corridor.costs import CARGO_UNITS, CostParameters
from corridor.errors import (
    ConstraintError,
    CorridorValidationError,
    NoRouteError,
    ScenarioError,
    UnknownPlaceError,
)
from corridor.graph import CRITERIA
from corridor.network import Corridor, read_corridor

__all__ = ["main"]

_ERRORS = (
    CorridorValidationError, ScenarioError, UnknownPlaceError, ConstraintError, NoRouteError, ValueError,
    FileNotFoundError, NotADirectoryError,
)  # fmt: skip
_INSTC_PAIRS = (("jnpt", "moscow"), ("jnpt", "st_petersburg"))


class _CommandError(Exception):
    """A problem the command reports on one line (or one line per problem)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``corridor`` command with `argv` (the process arguments if None); return the exit status.

    Examples
    --------
    >>> import corridor
    >>> from corridor.cli import main
    >>> main(["validate", str(corridor.datasets.get_path("toy"))])
    ok: <Corridor 'Toy corridor': 4 places, 4 segments, 4 transfers, 1 events, 1 routes>
    0
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help (0) or a usage error (2, already printed by argparse)
        return int(done.code or 0)
    try:
        return args.run(args)
    except _ERRORS + (_CommandError,) as error:
        for line in str(error).splitlines() or [type(error).__name__]:
            print(f"corridor: error: {line}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corridor",
        description="Analyse trade corridors: routes, scenarios, validation and the notebook report.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    route = commands.add_parser(
        "route",
        help="the best route and each named route between two places",
        description="Print the best route and the best route within each named route between two places, per cargo "
        "unit, with the assumption set used.",
    )
    route.add_argument("origin", metavar="ORIGIN", help="a place id (or name), such as jnpt")
    route.add_argument("destination", metavar="DESTINATION", help="a place id (or name), such as moscow")
    _common(route)
    route.add_argument("--as-of", help="take the corridor as of this date (YYYY-MM-DD); default: its baseline")
    route.add_argument(
        "--parameters", default="baseline", help="an assumption set (baseline, pre2020, balanced) or a .toml path"
    )
    route.set_defaults(run=_route)

    scenario = commands.add_parser(
        "scenario",
        help="run scenario files against the baseline and write the differences",
        description="Evaluate the baseline and each scenario for the pairs; write routes.csv (differences per pair "
        "and route), changes.csv (what each scenario changed), summary.csv, and a route map per scenario.",
    )
    scenario.add_argument("files", nargs="+", metavar="FILE", help="scenario .toml files or shipped scenario names")
    scenario.add_argument("--out", required=True, type=pathlib.Path, help="folder for the tables and maps")
    scenario.add_argument(
        "--pair", nargs=2, action="append", metavar=("ORIGIN", "DESTINATION"),
        help="an origin-destination pair (repeatable); default for INSTC: jnpt moscow and jnpt st_petersburg",
    )  # fmt: skip
    scenario.add_argument(
        "--freight", metavar="SOURCE",
        help="also assign freight and write loads.csv, shares.csv, trade.csv and a flow-change map per scenario: "
        "'instc' for the shipped trade by cargo class, or a CSV with origin, destination, cargo_class, "
        "tonnes_per_year, teu_per_year, value_usd_per_year",
    )  # fmt: skip
    _common(scenario)
    scenario.add_argument("--no-maps", action="store_true", help="write the tables only")
    scenario.set_defaults(run=_scenario)

    validate = commands.add_parser(
        "validate",
        help="check a corridor folder, a GeoPackage or a scenario file",
        description="Check a corridor (folder of CSV files or .gpkg) against the data model, or a scenario .toml "
        "against the corridor (INSTC unless --corridor is given); every problem is listed.",
    )
    validate.add_argument("path", metavar="PATH", type=pathlib.Path)
    validate.add_argument("--corridor", type=pathlib.Path, help="for a scenario: the corridor it applies to")
    validate.set_defaults(run=_validate)

    report = commands.add_parser(
        "report",
        help="execute the notebooks and write HTML reports",
        description="Execute the notebooks (all, or those named) with notebooks/run_notebooks.py and write "
        "<out>/<notebook>.html and <out>/figures/*.png. Needs a source checkout: the notebooks are not installed "
        "with the package.",
    )
    report.add_argument("notebooks", nargs="*", type=pathlib.Path, metavar="NOTEBOOK")
    report.add_argument("--out", type=pathlib.Path, default=pathlib.Path("reports"))
    report.add_argument(
        "--notebooks-dir",
        type=pathlib.Path,
        help="the folder holding run_notebooks.py (default: found from the source tree)",
    )
    report.set_defaults(run=_report)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", default="generalised_cost_usd", choices=list(CRITERIA), help="what routes minimise")
    parser.add_argument("--cargo-unit", default="teu", choices=list(CARGO_UNITS), help="the unit of every result")
    parser.add_argument("--corridor", type=pathlib.Path, help="a corridor folder or .gpkg (default: the shipped INSTC)")


def _corridor(path: pathlib.Path | None) -> Corridor:
    return datasets.load_instc() if path is None else read_corridor(path)


def _route(args: argparse.Namespace) -> int:
    corridor = _corridor(args.corridor)
    parameters = CostParameters.load(args.parameters, cargo_unit=args.cargo_unit)
    from corridor.routing import NoRoute, best_route, named_routes

    as_of = None
    if args.as_of:
        try:
            as_of = pd.Timestamp(pd.to_datetime(args.as_of, format="%Y-%m-%d"))
        except ValueError:
            raise _CommandError(f"--as-of was {args.as_of!r}; expected a date written YYYY-MM-DD.") from None
    best = best_route(corridor, args.origin, args.destination, by=args.by, parameters=parameters, as_of=as_of,
                      name="best")  # fmt: skip
    found: dict[str, Any] = {"best": best}
    if len(corridor.routes):
        found |= named_routes(corridor, best.origin, best.destination, by=args.by, parameters=parameters, as_of=as_of)
    table = scenarios.evaluate_routes({(best.origin, best.destination): found}).droplevel([0, 1])
    shown = table[["time_days", "cost_usd", "distance_km", "co2e_kg"]]
    print(
        f"{best.origin} -> {best.destination}, per {parameters.cargo_unit}, minimising {args.by}, assumption set "
        f"{parameters.assumption_set!r} (US$ of {parameters.price_year}), as of {best.as_of or 'the baseline'}"
    )
    with pd.option_context("display.width", 200, "display.float_format", "{:,.1f}".format):
        print(shown.to_string())
    for name, route in found.items():
        path = f"no route: {route.reason}" if isinstance(route, NoRoute) else table.loc[name, "path"]
        print(f"{name}: {path}")
    return 0


def _pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    if args.pair:
        return [tuple(p) for p in args.pair]
    if args.corridor is None:
        return list(_INSTC_PAIRS)
    raise _CommandError("give the pairs to compare with --pair ORIGIN DESTINATION (repeatable).")


def _scenario(args: argparse.Namespace) -> int:
    pairs = _pairs(args)
    corridor = _corridor(args.corridor)
    loaded = [scenarios.load_scenario(f, corridor=corridor) for f in args.files]
    od = _freight(args.freight) if args.freight else None
    result = scenarios.run(loaded, corridor=corridor, pairs=pairs, by=args.by, cargo_unit=args.cargo_unit, od=od)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    routes, changes, summary = result.compare("routes"), result.compare("changes"), result.summary()
    tables = {"routes": routes, "changes": changes, "summary": summary}
    if od is not None:
        tables.update({name: result.compare(name) for name in ("loads", "shares", "trade")})
    for name, table in tables.items():
        table.to_csv(out / f"{name}.csv", lineterminator="\n")
    written = [f"{name}.csv" for name in tables]
    if not args.no_maps:
        written += _maps(result, out)
    print(f"best route per pair, scenario against its baseline (per {args.cargo_unit}, minimising {args.by}):")
    with pd.option_context("display.width", 200, "display.float_format", "{:,.2f}".format):
        print(summary.to_string())
    moved = routes[(routes["diff_time_h"].fillna(1) != 0) | (routes["diff_cost_usd"].fillna(1) != 0)
                   | routes["route_changed"]]  # fmt: skip
    moved = moved.drop(index="best", level="route")
    if len(moved):
        print("\nnamed routes that changed (days and US$ against the baseline; NaN: the route no longer exists):")
        shown = pd.DataFrame(
            {"diff_days": moved["diff_time_h"] / 24.0, "diff_cost_usd": moved["diff_cost_usd"],
             "available": moved["scenario_available"], "path_changed": moved["route_changed"]}
        )  # fmt: skip
        with pd.option_context("display.width", 200, "display.float_format", "{:,.2f}".format):
            print(shown.to_string())
    counts = changes.groupby(level="scenario").size()
    for name in result.scenarios:
        print(f"{name}: {int(counts.get(name, 0))} figures or elements changed (see changes.csv)")
    print(f"wrote {', '.join(written)} to {out}")
    return 0


def _maps(result: scenarios.ScenarioRun, out: pathlib.Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from corridor.plot import plot_flow_difference, plot_routes
    from corridor.routing import Route

    written = []
    for name, evaluation in result.results.items():
        pair, routes = next(iter(evaluation.routes.items()))
        drawn = {k: r for k, r in routes.items() if isinstance(r, Route) and k != "best"} or {
            k: r for k, r in routes.items() if isinstance(r, Route)
        }
        if not drawn:
            continue
        ax = plot_routes(drawn, corridor=evaluation.corridor.as_of(evaluation.as_of))
        ax.set_title(f"{name}: {pair[0]} -> {pair[1]} as of {evaluation.as_of:%Y-%m-%d}")
        path = out / f"{name}_routes.png"
        ax.figure.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(ax.figure)
        written.append(path.name)
        if evaluation.assignment is not None:
            base = result.baselines[name]
            ax = plot_flow_difference(evaluation.corridor, base.assignment.loads, evaluation.assignment.loads,
                                      baseline_corridor=base.corridor)  # fmt: skip
            ax.set_title(f"{name}: change in freight, t/yr (scenario - baseline)")
            path = out / f"{name}_flow_change.png"
            ax.figure.savefig(path, dpi=100, bbox_inches="tight")
            plt.close(ax.figure)
            written.append(path.name)
    return written


def _freight(source: str) -> pd.DataFrame:
    """Origin-destination freight by cargo class: the shipped INSTC trade, or a CSV file."""
    from corridor import trade

    if source == "instc":
        return trade.shipped_freight()
    path = pathlib.Path(source)
    if not path.is_file():
        raise _CommandError(f"--freight {source!r}: expected 'instc' or the path of a CSV file; no such file.")
    try:
        table = pd.read_csv(path, dtype={"origin": str, "destination": str, "cargo_class": str}, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise _CommandError(f"--freight {path}: not a readable UTF-8 CSV file ({first}).") from None
    needed = ["origin", "destination", "cargo_class", "tonnes_per_year"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise _CommandError(f"--freight {path}: missing column(s) {missing}; it has {list(table.columns)}.")
    problems = []
    for column in ("tonnes_per_year", "teu_per_year"):
        if column not in table.columns:
            continue
        values = pd.to_numeric(table[column], errors="coerce")
        bad = table.index[values.isna() & table[column].notna()]
        if len(bad):
            rows = ", ".join(f"line {i + 2} ({table[column].iat[i]!r})" for i in bad[:5])
            more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
            problems.append(f"--freight {path}: `{column}` must be a number (t or TEU per year): {rows}{more}.")
        table[column] = values
    if problems:
        raise _CommandError("\n".join(problems))
    return table.set_index(["origin", "destination", "cargo_class"])


def _validate(args: argparse.Namespace) -> int:
    path = args.path
    if path.suffix == ".toml":
        corridor = _corridor(args.corridor)
        scenario = scenarios.load_scenario(path, corridor=corridor)
        scenarios.apply(corridor, scenario)  # the changed corridor must keep to the data model
        scenarios.apply_parameters(scenario, corridor=corridor)
        print(f"ok: {scenario!r} applies to {corridor!r}")
        return 0
    if not path.exists():
        raise _CommandError(f"{str(path)!r} does not exist; expected a corridor folder, a .gpkg or a scenario .toml.")
    print(f"ok: {read_corridor(path)!r}")
    return 0


def _notebooks_dir(given: pathlib.Path | None) -> pathlib.Path:
    candidates = [given] if given is not None else [
        pathlib.Path(__file__).resolve().parents[1] / "notebooks",  # a source checkout (editable install)
        pathlib.Path.cwd() / "notebooks",
    ]  # fmt: skip
    for folder in candidates:
        if (folder / "run_notebooks.py").is_file():
            return folder
    raise _CommandError(
        f"no notebooks/run_notebooks.py in {[str(c) for c in candidates]}; the notebooks are not installed with "
        "the package: run `corridor report` from a source checkout or pass --notebooks-dir."
    )


def _report(args: argparse.Namespace) -> int:
    folder = _notebooks_dir(args.notebooks_dir)
    spec = importlib.util.spec_from_file_location("corridor_run_notebooks", folder / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    missing = [str(n) for n in args.notebooks if not n.is_file()]
    if missing:
        found = sorted(p.name for p in folder.glob("[0-9]*.ipynb"))
        raise _CommandError(f"no notebook {missing}; the notebooks are {found} in {folder}.")
    return int(module.main(["--out", str(args.out), *map(str, args.notebooks)]) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
