"""Time filtering a year of BACI to the corridor countries: corridor.trade.read_baci (DuckDB) vs pandas.read_csv.

Generates a BACI-shaped CSV (``t,i,j,k,v,q``; default 10 million rows, about the size of one BACI year) in a
temporary folder, then runs each reader in a fresh process and prints wall time, peak memory (RSS) and the
ratios. Run: ``python benchmarks/baci_filter.py [--rows N]``.
"""

import argparse
import pathlib
import subprocess
import sys
import tempfile
import time

import duckdb

CORRIDOR = {"AZE": 31, "IRN": 364, "KAZ": 398, "RUS": 643, "IND": 699, "TKM": 795}

OURS = """
import sys
from corridor.trade import read_baci
t = read_baci(sys.argv[1], sys.argv[2], countries={countries!r})
print(len(t))
"""
BASELINE = """
import sys
import pandas as pd
codes = pd.read_csv(sys.argv[2])
wanted = codes.loc[codes["country_iso3"].isin({countries!r}), "country_code"]
t = pd.read_csv(sys.argv[1], dtype={{"k": str}})
t = t[t["i"].isin(wanted) & t["j"].isin(wanted)]
print(len(t))
"""


def make_files(folder: pathlib.Path, rows: int) -> tuple[pathlib.Path, pathlib.Path]:
    codes = folder / "country_codes_V202501.csv"
    others = [c for c in range(4, 900, 4) if c not in CORRIDOR.values()]
    lines = ["country_code,country_name,country_iso2,country_iso3"]
    lines += [f"{n},{iso},,{iso}" for iso, n in CORRIDOR.items()]
    lines += [f"{n},Country {n},,X{n:02d}"[:40] for n in others]
    codes.write_text("\n".join(lines) + "\n")
    numbers = sorted([*CORRIDOR.values(), *others])
    data = folder / "BACI_HS17_Y2022_V202501.csv"
    duckdb.sql(f"""
        COPY (
            SELECT 2022 AS t,
                   list_extract({numbers}, 1 + (hash(r) % {len(numbers)})::INTEGER) AS i,
                   list_extract({numbers}, 1 + (hash(r * 7) % {len(numbers)})::INTEGER) AS j,
                   lpad(((hash(r * 13) % 5000) + 10100)::VARCHAR, 6, '0') AS k,
                   round(random() * 1000, 3) AS v,
                   round(random() * 100, 3) AS q
            FROM range({rows}) AS s(r)
        ) TO '{data}' (HEADER, DELIMITER ',')
    """)
    return data, codes


def run(code: str, data: pathlib.Path, codes: pathlib.Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB, and rows kept, for `code` in a fresh interpreter."""
    wrapped = code + "\nimport resource\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", wrapped, str(data), str(codes)], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    kept, peak_kb = out.stdout.split()
    return seconds, int(peak_kb) / 1024, int(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    countries = sorted(CORRIDOR)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        data, codes = make_files(pathlib.Path(folder), args.rows)
        print(
            f"generated {args.rows:,} rows ({data.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - start:.1f} s"
        )
        ours = run(OURS.format(countries=countries), data, codes)
        base = run(BASELINE.format(countries=countries), data, codes)
    assert ours[2] == base[2], f"the two readers kept different rows: {ours[2]} vs {base[2]}"
    print(f"{'':28s} {'wall s':>8s} {'peak MB':>9s} {'rows kept':>10s}")
    print(f"{'corridor.trade.read_baci':28s} {ours[0]:8.1f} {ours[1]:9.0f} {ours[2]:10,d}")
    print(f"{'pandas.read_csv + filter':28s} {base[0]:8.1f} {base[1]:9.0f} {base[2]:10,d}")
    print(f"ratio pandas / corridor: time {base[0] / ours[0]:.1f}x, peak memory {base[1] / ours[1]:.1f}x")


if __name__ == "__main__":
    main()
