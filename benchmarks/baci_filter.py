"""Time reading a big trade file for the corridor countries: corridor.trade.read_trade (DuckDB) vs pandas.read_csv.

Generates, in a temporary folder, a BACI-shaped CSV (``t,i,j,k,v,q``; default 10 million rows, about the size
of one BACI year) and a UN Comtrade bulk-shaped tab-separated file (35 columns, numeric reporter and partner
codes, capitalised ``CIFValue``/``FOBValue``), then reads each in fresh processes:

- ``read_trade(path, countries=[...], engine="duckdb")``: DuckDB scans the file, selects the named columns and
  keeps the corridor countries' rows while scanning; the kept rows are then checked strictly and mapped;
- ``pandas.read_csv(path)`` of the whole file, then the same filter on the codes (the baseline).

Prints the best of ``--repeat`` runs (default 3) of each: wall time, peak memory (RSS), the time spent only
importing corridor (geopandas and all), and the ratios. Run:
``python benchmarks/baci_filter.py [--rows N] [--layout baci|bulk|both] [--repeat N]``.
"""

import argparse
import pathlib
import subprocess
import sys
import tempfile
import time

import duckdb

CORRIDOR = {"AZE": 31, "IRN": 364, "KAZ": 398, "RUS": 643, "IND": 699, "TKM": 795}

IMPORT = """
import sys
import corridor.trade
import duckdb
print(0)
"""
OURS = """
import sys
from corridor.trade import read_trade
t = read_trade(sys.argv[1], countries={countries!r}, engine="duckdb")
print(len(t))
"""
BASELINE = {
    "baci": """
import sys
import pandas as pd
t = pd.read_csv(sys.argv[1], dtype={{"k": str}})
t = t[t["i"].isin({codes!r}) & t["j"].isin({codes!r})]
print(len(t))
""",
    "bulk": """
import sys
import pandas as pd
t = pd.read_csv(sys.argv[1], sep="\\t", dtype={{"cmdCode": str}})
t = t[t["reporterCode"].isin({codes!r}) & t["partnerCode"].isin({codes!r})]
print(len(t))
""",
}
BULK_COLUMNS = (
    "typeCode freqCode refPeriodId refYear refMonth period reporterCode flowCode partnerCode partner2Code "
    "classificationCode classificationSearchCode isOriginalClassification cmdCode aggrLevel isLeaf customsCode "
    "mosCode motCode qtyUnitCode qty isQtyEstimated altQtyUnitCode altQty isAltQtyEstimated netWgt "
    "isNetWgtEstimated grossWgt isGrossWgtEstimated CIFValue FOBValue primaryValue legacyEstimationFlag isReported "
    "isAggregate"
)


def numbers() -> list[int]:
    others = [c for c in range(4, 900, 4) if c not in CORRIDOR.values()]
    return sorted([*CORRIDOR.values(), *others])


def make_baci(folder: pathlib.Path, rows: int) -> pathlib.Path:
    codes = folder / "country_codes_V202501.csv"
    lines = ["country_code,country_name,country_iso2,country_iso3"]
    lines += [f"{n},{iso},,{iso}" for iso, n in CORRIDOR.items()]
    lines += [f"{n},Country {n},,X{n:02d}"[:40] for n in numbers() if n not in CORRIDOR.values()]
    codes.write_text("\n".join(lines) + "\n")
    data = folder / "BACI_HS17_Y2022_V202501.csv"
    every = numbers()
    duckdb.sql(f"""
        COPY (
            SELECT 2022 AS t,
                   list_extract({every}, 1 + (hash(r) % {len(every)})::INTEGER) AS i,
                   list_extract({every}, 1 + (hash(r * 7) % {len(every)})::INTEGER) AS j,
                   lpad(((hash(r * 13) % 5000) + 10100)::VARCHAR, 6, '0') AS k,
                   round(random() * 1000, 3) AS v,
                   round(random() * 100, 3) AS q
            FROM range({rows}) AS s(r)
        ) TO '{data}' (HEADER, DELIMITER ',')
    """)
    return data


def make_bulk(folder: pathlib.Path, rows: int) -> pathlib.Path:
    """A Comtrade bulk-shaped file. Codes that are not countries in Comtrade's list are replaced by India's."""
    every = [n for n in numbers() if n in CORRIDOR.values() or n % 8 == 0]  # keep to codes that are countries
    every = [n for n in every if n not in (0, 490, 899)]
    data = folder / "COMTRADE-FINAL-CA2023.txt"
    values = {
        "typeCode": "'C'", "freqCode": "'A'", "refPeriodId": "20230101", "refYear": "2023", "refMonth": "52",
        "period": "2023", "reporterCode": f"list_extract({every}, 1 + (hash(r) % {len(every)})::INTEGER)",
        "flowCode": "CASE WHEN hash(r * 3) % 2 = 0 THEN 'X' ELSE 'M' END",
        "partnerCode": f"list_extract({every}, 1 + (hash(r * 7) % {len(every)})::INTEGER)", "partner2Code": "0",
        "classificationCode": "'H6'", "classificationSearchCode": "'HS'", "isOriginalClassification": "1",
        "cmdCode": "lpad(((hash(r * 13) % 5000) + 10100)::VARCHAR, 6, '0')", "aggrLevel": "6", "isLeaf": "1",
        "customsCode": "'C00'", "mosCode": "0", "motCode": "0", "qtyUnitCode": "8", "qty": "round(random() * 1e6, 0)",
        "isQtyEstimated": "0", "altQtyUnitCode": "-1", "altQty": "0", "isAltQtyEstimated": "0",
        "netWgt": "round(random() * 1e6, 0)", "isNetWgtEstimated": "0", "grossWgt": "0", "isGrossWgtEstimated": "0",
        "CIFValue": "round(random() * 1e7, 2)", "FOBValue": "NULL", "primaryValue": "round(random() * 1e7, 2)",
        "legacyEstimationFlag": "0", "isReported": "1", "isAggregate": "0",
    }  # fmt: skip
    select = ", ".join(f'{values[c]} AS "{c}"' for c in BULK_COLUMNS.split())
    duckdb.sql(f"COPY (SELECT {select} FROM range({rows}) AS s(r)) TO '{data}' (HEADER, DELIMITER '\t')")
    return data


def run(code: str, data: pathlib.Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB, and rows kept, for `code` in a fresh interpreter."""
    wrapped = code + "\nimport resource\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", wrapped, str(data)], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    kept, peak_kb = out.stdout.split()
    return seconds, int(peak_kb) / 1024, int(kept)


def compare(layout: str, data: pathlib.Path, generated_s: float, rows: int, repeat: int) -> None:
    countries = sorted(CORRIDOR)
    codes = sorted(CORRIDOR.values())
    print(f"\n{layout}: {rows:,} rows, {data.stat().st_size / 1e6:,.0f} MB, generated in {generated_s:.1f} s")
    runs = {"ours": [], "base": [], "imports": []}
    for _ in range(repeat):  # alternate, and keep each one's best run: the machine's noise is one-sided
        runs["ours"].append(run(OURS.format(countries=countries), data))
        runs["base"].append(run(BASELINE[layout].format(codes=codes), data))
        runs["imports"].append(run(IMPORT, data))
    ours, base, imports = (min(runs[k]) for k in ("ours", "base", "imports"))
    assert ours[2] == base[2], f"the two readers kept different rows: {ours[2]} vs {base[2]}"
    print(f"{'best of ' + str(repeat):34s} {'wall s':>8s} {'peak MB':>9s} {'rows kept':>10s}")
    print(f"{'corridor.trade.read_trade (DuckDB)':34s} {ours[0]:8.1f} {ours[1]:9.0f} {ours[2]:10,d}")
    print(f"{'  of which import corridor, duckdb':34s} {imports[0]:8.1f} {imports[1]:9.0f}")
    print(f"{'pandas.read_csv + filter':34s} {base[0]:8.1f} {base[1]:9.0f} {base[2]:10,d}")
    print(f"ratio pandas / corridor: time {base[0] / ours[0]:.1f}x, peak memory {base[1] / ours[1]:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--layout", choices=["baci", "bulk", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for layout, make in (("baci", make_baci), ("bulk", make_bulk)):
            if args.layout not in (layout, "both"):
                continue
            start = time.perf_counter()
            data = make(pathlib.Path(folder), args.rows)
            compare(layout, data, time.perf_counter() - start, args.rows, args.repeat)


if __name__ == "__main__":
    main()
