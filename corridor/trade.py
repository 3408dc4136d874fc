"""Trade between corridor countries: shipped figures, published claims, readers, value to tonnes, OD freight.

Every trade table here is tidy, one row per reported figure:

``year`` (first calendar year of the period), ``period`` (``CY2023``, ``FY2022-23``, ``H1-2024``...),
``months`` (length of the period), ``exporter``, ``importer`` (ISO3), ``flow`` (``exports`` or
``imports`` as reported, or ``turnover`` for the two-way total), ``commodity`` and ``classification``,
``value_usd``, ``tonnes`` (where known), ``reporter`` (ISO3), ``source``, ``confidence`` (H/M/L), ``used``
(the row the model uses where sources disagree) and ``note``. A ``turnover`` row's exporter and importer
are the pair in alphabetical order.

Periods: ``CY2023`` is a calendar year, ``FY2022-23`` India's fiscal year (April-March; ``year`` is the year it
starts in), ``IY1401`` an Iranian year (21 March-20 March; ``year`` 2022). A full-year label always has
``months`` 12; any other period (``H1-2024``, ``Jan-Oct 2023``, ``Apr2022-Feb2023``) has fewer and says which
months it covers. A figure stated before its period ended is not that period's figure.

The shipped table also carries ``growth_pct`` (the growth the source states, %), ``growth_base`` (the
``period`` of the row in the same table it is computed from, or ``not in this table: ...`` naming the
source's own base) and ``published`` (date of the statement, ``YYYY-MM-DD`` or ``YYYY-MM``).
"""

from __future__ import annotations

import functools
import pathlib
import re
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from corridor import datasets
from corridor._validate import nearest

__all__ = [
    "TRADE_COLUMNS",
    "UnknownCountryError",
    "load_trade",
    "load_claims",
    "load_value_per_tonne",
    "load_gateways",
    "to_iso3",
    "read_comtrade",
    "read_baci",
    "read_imf_dots",
    "claims_vs_data",
    "latest",
    "directional_flows",
    "split_turnover",
    "value_to_tonnes",
    "od_freight",
]

TRADE_COLUMNS = (
    "year", "period", "months", "exporter", "importer", "flow", "commodity", "classification", "value_usd",
    "tonnes", "reporter", "source", "confidence", "used", "note",
)  # fmt: skip
OPTIONAL_COLUMNS = ("growth_pct", "growth_base", "published")
FLOWS = ("exports", "imports", "turnover")
FULL_YEAR = re.compile(r"^(CY\d{4}|FY\d{4}-\d{2}|IY\d{4})$")
WORLD = ("W00", "World", "WLD", "0")


class UnknownCountryError(ValueError):
    """Country codes or names that could not be turned into ISO3; lists every one, with near matches."""


# --- shipped data ------------------------------------------------------------------------------------------


def _trade_path(name: str) -> pathlib.Path:
    return datasets.get_path("trade") / name


def load_trade() -> pd.DataFrame:
    """Bilateral goods trade between the corridor countries as published, with sources (``data/trade``).

    Examples
    --------
    >>> from corridor import trade
    >>> t = trade.load_trade()
    >>> t.query("exporter == 'AZE' and importer == 'RUS' and year == 2023")[["value_usd", "reporter", "used"]]
          value_usd reporter   used
    1  4.400000e+09      RUS   True
    2  4.400000e+09      AZE  False
    """
    return _check_trade(
        pd.read_csv(_trade_path("bilateral_trade.csv"), dtype={"commodity": str}), "bilateral_trade.csv"
    )


def load_claims() -> pd.DataFrame:
    """Published claims about corridor trade and transport: the claim, its number and unit, who said it, where, when.

    Indexed by ``claim_id``. ``period`` and ``months`` say what a trade claim covers: a statement made
    before its year ended covers fewer than 12 months (``Jan-Sep 2025``) and is never set beside a
    full year's figure. Set them beside the data with :func:`claims_vs_data`.
    """
    claims = pd.read_csv(_trade_path("claims.csv"), index_col="claim_id")
    claims["date"] = pd.to_datetime(claims["date"], format="ISO8601")  # a date known to the month is its first day
    return _check_claims(claims.astype({"year": "Int64", "months": "Int64"}), "claims.csv")


def load_value_per_tonne() -> pd.DataFrame:
    """US$ per tonne by commodity group, with a range, a source and a confidence; indexed by ``commodity_group``."""
    table = pd.read_csv(_trade_path("value_per_tonne.csv"), index_col="commodity_group", dtype={"hs_chapters": str})
    bad = table.index[~((table["low"] <= table["usd_per_tonne"]) & (table["usd_per_tonne"] <= table["high"]))]
    if len(bad):
        raise ValueError(f"value_per_tonne.csv: low <= usd_per_tonne <= high does not hold for {list(bad)}.")
    return table


def load_gateways() -> pd.DataFrame:
    """Each country's gateway places on the corridor and the share of its trade each handles."""
    return _check_gateways(pd.read_csv(_trade_path("gateways.csv")))


# --- country codes -----------------------------------------------------------------------------------------


@functools.cache
def _aliases() -> dict[str, str]:
    table = pd.read_csv(_trade_path("country_aliases.csv"), dtype=str)
    return {a.casefold(): iso for a, iso in zip(table["alias"], table["iso3"], strict=True)}


def _one_iso3(value: Any) -> str | None:
    text = str(value).strip()
    if not text or text.casefold() in ("nan", "<na>", "none"):
        return None
    alias = _aliases().get(text.casefold())
    if alias:
        return alias
    if text.isdigit():
        country = pycountry.countries.get(numeric=text.zfill(3))
    elif len(text) == 2:
        country = pycountry.countries.get(alpha_2=text.upper())
    elif len(text) == 3 and text.isalpha():
        country = pycountry.countries.get(alpha_3=text.upper())
    else:
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            country = None
    return country.alpha_3 if country else None


def to_iso3(values: Iterable[Any], *, argument: str = "values") -> list[str]:
    """Turn country codes or names into ISO 3166 alpha-3, offline.

    Accepts ISO alpha-2 and alpha-3, M49 / ISO numeric codes (with UN Comtrade's own 699 India, 842 USA,
    ...), and English names including the IMF's (``'Iran, Islamic Rep. of'``).

    Raises
    ------
    UnknownCountryError
        Listing every value that could not be mapped, with the nearest names; nothing is dropped.

    Examples
    --------
    >>> to_iso3(["IN", "RUS", "364", "Iran, Islamic Rep. of", 699, "Azerbaijan"])
    ['IND', 'RUS', 'IRN', 'IRN', 'IND', 'AZE']
    """
    values = list(values)
    mapped = {v: _one_iso3(v) for v in set(map(str, values))}
    unknown = sorted(v for v, iso in mapped.items() if iso is None)
    if unknown:
        names = [c.name for c in pycountry.countries] + list(_aliases())
        shown = "; ".join(f"{v!r}{nearest(v, names)}" for v in unknown)
        raise UnknownCountryError(
            f"{len(unknown)} value(s) in `{argument}` are not countries: {shown}. Use ISO codes or English "
            "names, or add the spelling to data/trade/country_aliases.csv."
        )
    return [mapped[str(v)] for v in values]


# --- readers -----------------------------------------------------------------------------------------------

_COMTRADE = ("refYear", "reporterISO", "partnerISO", "flowCode", "cmdCode", "classificationCode", "primaryValue",
             "netWgt")  # fmt: skip
_COMTRADE_FLOWS = {"X": "exports", "M": "imports", "RX": "exports", "RM": "imports"}


def read_comtrade(path: str | pathlib.Path, *, drop_world: bool = False) -> pd.DataFrame:
    """Read a UN Comtrade (Comtrade+) CSV as downloaded into the tidy trade table.

    Uses ``refYear``, ``reporterISO``, ``partnerISO``, ``flowCode`` (X, M, RX, RM), ``cmdCode``,
    ``classificationCode``, ``primaryValue`` (US$) and ``netWgt`` (kg, turned into tonnes).

    Parameters
    ----------
    drop_world : bool, default False
        Leave out rows whose partner is the World aggregate (W00); otherwise they raise like any code that
        is not a country.

    Raises
    ------
    ValueError
        If a column is missing or a flow code is not X, M, RX or RM.
    UnknownCountryError
        Listing every reporter or partner code that is not a country.
    """
    raw = pd.read_csv(path, dtype={"cmdCode": str, "flowCode": str, "reporterISO": str, "partnerISO": str})
    _require(raw, _COMTRADE, path, "UN Comtrade (Comtrade+ export)")
    if drop_world:
        raw = raw[~raw["partnerISO"].isin(WORLD)]
    bad = sorted(set(raw["flowCode"]) - set(_COMTRADE_FLOWS))
    if bad:
        raise ValueError(f"{path}: `flowCode` has {bad}; expected one of {sorted(_COMTRADE_FLOWS)}.")
    reporter, partner = _iso3_columns(raw, "reporterISO", "partnerISO")
    is_export = raw["flowCode"].isin(["X", "RX"])
    out = _annual(
        raw["refYear"],
        exporter=reporter.where(is_export, partner),
        importer=partner.where(is_export, reporter),
        flow=raw["flowCode"].map(_COMTRADE_FLOWS),
        commodity=raw["cmdCode"],
        classification=raw["classificationCode"],
        value_usd=raw["primaryValue"].astype(float),
        tonnes=raw["netWgt"].astype(float) / 1000.0,
        reporter=reporter,
        source=f"UN Comtrade ({pathlib.Path(path).name})",
        note=np.where(raw["flowCode"].str.startswith("R"), "re-" + raw["flowCode"].map(_COMTRADE_FLOWS), ""),
    )
    return _check_trade(out, path)


def read_baci(
    path: str | pathlib.Path,
    country_codes: str | pathlib.Path,
    *,
    countries: Iterable[str] | None = None,
    classification: str = "HS",
) -> pd.DataFrame:
    """Read a CEPII BACI yearly CSV (``t,i,j,k,v,q``) with its country-code file into the tidy trade table.

    ``v`` is in thousands of US$ and ``q`` in tonnes. With `countries` (ISO3), only flows whose exporter and
    importer are both among them are kept, and the file is filtered by DuckDB as it is scanned, so a year of
    BACI (over ten million rows) never sits in memory as a whole; without it the whole file is read.

    Parameters
    ----------
    path : path to ``BACI_HSxx_Yyyyy_Vyyyyyy.csv``
    country_codes : path to ``country_codes_Vyyyyyy.csv`` (``country_code, country_name, country_iso2,
        country_iso3``)
    countries : iterable of ISO3, optional
    classification : str
        Recorded in ``classification`` (e.g. ``"HS17"``).

    Raises
    ------
    UnknownCountryError
        If a BACI code used by the kept flows has no ISO3 equivalent (``S19`` 'Other Asia, nes', ...), listed
        together; or if `countries` holds something that is not a country.
    """
    codes = pd.read_csv(country_codes, dtype=str)
    _require(codes, ("country_code", "country_iso3"), country_codes, "BACI country codes")
    code_to_iso = dict(zip(codes["country_code"].str.strip(), codes["country_iso3"].str.strip(), strict=True))
    if countries is not None:
        wanted = to_iso3(countries, argument="countries")
        numbers = sorted(int(c) for c, iso in code_to_iso.items() if iso in wanted)
        raw = _baci_filtered(path, numbers)
    else:
        raw = pd.read_csv(path, dtype={"k": str}, skipinitialspace=True)
    _require(raw, ("t", "i", "j", "k", "v", "q"), path, "CEPII BACI")
    used_codes = pd.unique(pd.concat([raw["i"], raw["j"]]).astype(str))
    not_iso = sorted(c for c in used_codes if _one_iso3(code_to_iso.get(c, "")) is None)
    if not_iso:
        shown = "; ".join(f"{c} ({code_to_iso.get(c, 'not in the code file')})" for c in not_iso)
        raise UnknownCountryError(f"{path}: BACI codes without an ISO3 country: {shown}. Filter them with `countries`.")
    iso = {c: _one_iso3(code_to_iso[c]) for c in used_codes}
    out = _annual(
        raw["t"],
        exporter=raw["i"].astype(str).map(iso),
        importer=raw["j"].astype(str).map(iso),
        flow="exports",
        commodity=raw["k"].astype(str).str.zfill(6),
        classification=classification,
        value_usd=pd.to_numeric(raw["v"], errors="coerce") * 1000.0,
        tonnes=pd.to_numeric(raw["q"], errors="coerce"),
        reporter="",
        source=f"CEPII BACI ({pathlib.Path(path).name}; reconciled mirror flows)",
    )
    return _check_trade(out, path)


def _baci_filtered(path: str | pathlib.Path, numbers: list[int]) -> pd.DataFrame:
    try:
        import duckdb
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("filtering BACI by `countries` needs DuckDB: pip install 'corridor[large]'") from None
    wanted = ", ".join(map(str, numbers)) or "NULL"
    query = f"""
        SELECT t, i, j, k, v, q
        FROM read_csv(?, header = true, columns = {{
            't': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'VARCHAR', 'v': 'VARCHAR', 'q': 'VARCHAR'}})
        WHERE i IN ({wanted}) AND j IN ({wanted})
    """
    with duckdb.connect() as connection:
        return connection.execute(query, [str(path)]).df()


_IMF_COLUMNS = ("Country Name", "Counterpart Country Name", "Indicator Code", "Attribute")
_IMF_FLOWS = {"TXG_FOB_USD": "exports", "TMG_CIF_USD": "imports", "TMG_FOB_USD": "imports"}


def read_imf_dots(path: str | pathlib.Path, *, scale: float) -> pd.DataFrame:
    """Read an IMF Direction of Trade Statistics CSV (time-series layout, one column per year).

    Keeps the goods flows ``TXG_FOB_USD`` (exports f.o.b.), ``TMG_CIF_USD`` and ``TMG_FOB_USD`` (imports);
    the trade balance (``TBG_USD``) is derived, not a flow, and is left out. Countries are matched by name
    (the IMF's own numeric codes are not ISO). ``Status`` rows and empty years are skipped.

    Parameters
    ----------
    scale : float
        US$ per unit of the file's values: 1 if they are in dollars, 1e6 if in millions. Explicit because
        downloads differ and the file does not say.
    """
    if not scale > 0:
        raise ValueError(f"`scale` was {scale!r}; expected US$ per unit of the file's values, e.g. 1 or 1e6.")
    raw = pd.read_csv(path, dtype=str)
    _require(raw, _IMF_COLUMNS, path, "IMF DOTS (time-series layout)")
    years = [c for c in raw.columns if str(c).strip().isdigit()]
    if not years:
        raise ValueError(f"{path}: no year columns (such as '2022') found; expected the IMF DOTS time-series layout.")
    rows = raw[raw["Attribute"].eq("Value") & raw["Indicator Code"].isin(_IMF_FLOWS)]
    long = rows.melt(id_vars=list(_IMF_COLUMNS), value_vars=years, var_name="year", value_name="value")
    long = long[long["value"].notna() & long["value"].str.strip().ne("")]
    country, partner = _iso3_columns(long, "Country Name", "Counterpart Country Name")
    flow = long["Indicator Code"].map(_IMF_FLOWS)
    exports = flow.eq("exports")
    out = _annual(
        long["year"],
        exporter=country.where(exports, partner),
        importer=partner.where(exports, country),
        flow=flow,
        commodity="TOTAL",
        classification="",
        value_usd=long["value"].astype(float) * scale,
        tonnes=np.nan,
        reporter=country,
        source=f"IMF DOTS ({pathlib.Path(path).name}; {'/'.join(sorted(set(long['Indicator Code'])))})",
    )
    return _check_trade(out, path)


# --- analysis ----------------------------------------------------------------------------------------------


def claims_vs_data(claims: pd.DataFrame, trade: pd.DataFrame) -> pd.DataFrame:
    """Each full-year trade claim beside the used calendar-year turnover for the same pair and year.

    Returns the claims that name a pair and a year and cover 12 months (``months``), with
    ``data_value_usd``, ``data_source``, ``claim_to_data`` (ratio) and, where the data has the previous
    year, ``data_growth_pct``.

    Examples
    --------
    >>> from corridor import trade
    >>> table = trade.claims_vs_data(trade.load_claims(), trade.load_trade())
    >>> table.loc["aze_rus_2023_garayev", ["value", "data_value_usd", "data_growth_pct"]].round(1).tolist()
    [4500000000.0, 4400000000.0, 5.5]
    """
    full = trade[
        trade["used"] & trade["months"].eq(12) & trade["flow"].eq("turnover") & trade["period"].str.startswith("CY")
    ]
    pair = full.assign(pair=[frozenset(p) for p in zip(full["exporter"], full["importer"], strict=True)])
    lookup = pair.set_index(["pair", "year"])
    annual = claims["months"].eq(12) if "months" in claims else pd.Series(True, index=claims.index)
    rows = claims[
        claims["subject"].eq("trade") & claims["year"].notna() & claims["importer"].notna() & annual.fillna(False)
    ].copy()
    keys = [frozenset((e, i)) for e, i in zip(rows["exporter"], rows["importer"], strict=True)]
    rows["data_value_usd"] = [_get(lookup, (k, int(y)), "value_usd") for k, y in zip(keys, rows["year"], strict=True)]
    rows["data_source"] = [_get(lookup, (k, int(y)), "source") for k, y in zip(keys, rows["year"], strict=True)]
    before = [_get(lookup, (k, int(y) - 1), "value_usd") for k, y in zip(keys, rows["year"], strict=True)]
    rows["data_growth_pct"] = (rows["data_value_usd"] / pd.Series(before, index=rows.index, dtype=float) - 1) * 100
    rows["claim_to_data"] = rows["value"] / rows["data_value_usd"]
    columns = ["exporter", "importer", "year", "claim", "value", "qualifier", "growth_pct", "who", "outlet", "date",
               "confidence", "data_value_usd", "data_growth_pct", "claim_to_data", "data_source"]  # fmt: skip
    return rows[columns]


def _get(table: pd.DataFrame, key: tuple, column: str) -> Any:
    return table[column].get(key, np.nan) if key in table.index else np.nan


def latest(trade: pd.DataFrame, *, flows: Iterable[str] = ("exports", "imports")) -> pd.DataFrame:
    """The most recent used, full-year figure of each exporter-importer pair among `flows`.

    "Most recent" is by the end of the period: India's ``FY2022-23`` (to March 2023) is later than
    ``CY2022``. Where a pair has both an exports and an imports figure for its latest period (the two
    sides of one flow), the exporter's report is kept. Each direction is taken on its own; use
    :func:`directional_flows` for both directions of a pair from one period.
    """
    rows = trade[trade["used"] & trade["months"].eq(12) & trade["flow"].isin(list(flows))]
    rows = rows.assign(
        _end=_period_end(rows["period"], rows["year"]),
        _rank=rows["flow"].map({"exports": 0, "turnover": 1, "imports": 2}),
    )
    rows = rows.sort_values(["exporter", "importer", "_end", "_rank"], ascending=[True, True, False, True])
    return rows.drop_duplicates(["exporter", "importer"]).drop(columns=["_end", "_rank"]).reset_index(drop=True)


def directional_flows(trade: pd.DataFrame, *, turnover_shares: float | Mapping[tuple[str, str], float]) -> pd.DataFrame:
    """Both directions of every pair from one full-year period, ready for :func:`value_to_tonnes`.

    Pairs with directional figures (``exports`` or ``imports``) use the latest full-year period in which
    both directions have a used figure, so the two directions are comparable; where the two directions
    share no period, each direction's latest figure is used and a warning names the pair and both
    periods. Pairs known only by their turnover use their latest turnover, split by `turnover_shares` (an
    assumption, so explicit).

    Parameters
    ----------
    trade : DataFrame
        A tidy trade table (see the module docstring), such as :func:`load_trade` returns.
    turnover_shares : float or mapping of (exporter, importer) to float
        Share of a turnover-only pair's trade that flows from the alphabetically first country to the other;
        one number for every such pair, or one per pair.

    Returns
    -------
    DataFrame
        One ``exports`` or ``imports`` row per direction, with ``pair_period``: the period both directions
        come from, or ``'FY2022-23 / CY2021'`` (this direction's, then the other's) where they differ.

    Warns
    -----
    UserWarning
        For each pair whose two directions have no full-year period in common (or only one direction).

    Examples
    --------
    >>> from corridor import trade
    >>> flows = trade.directional_flows(trade.load_trade(), turnover_shares=0.5)
    >>> flows.query("exporter == 'AZE' and importer == 'RUS'")[["period", "value_usd", "note"]].values.tolist()
    [['CY2023', 2200000000.0, 'split from turnover at an assumed share of 0.5']]
    >>> flows.query("exporter == 'IND' and importer == 'IRN'")[["period", "pair_period"]].values.tolist()
    [['FY2022-23', 'FY2022-23']]
    """
    full = trade[trade["used"] & trade["months"].eq(12) & trade["flow"].isin(["exports", "imports"])]
    full = full.assign(
        _end=_period_end(full["period"], full["year"]),
        _rank=full["flow"].map({"exports": 0, "imports": 1}),
        _pair=["|".join(sorted(p)) for p in zip(full["exporter"], full["importer"], strict=True)],
    ).sort_values(["_end", "_rank"], ascending=[False, True], kind="stable")
    chosen = []
    for pair, rows in full.groupby("_pair", sort=True):
        first, second = pair.split("|")
        ways = [rows[rows["exporter"].eq(first)], rows[rows["exporter"].eq(second)]]
        common = [p for p in pd.unique(ways[0]["period"]) if p in set(ways[1]["period"])]
        if common:
            for way in ways:
                chosen.append(way[way["period"].eq(common[0])].iloc[[0]].assign(pair_period=common[0]))
            continue
        periods = [way["period"].iloc[0] if len(way) else "none" for way in ways]
        warnings.warn(
            f"directional_flows: {first}->{second} and {second}->{first} have no full-year period in common; "
            f"using {first}->{second} from {periods[0]} and {second}->{first} from {periods[1]}. Add figures for "
            "one period to compare like with like.",
            UserWarning,
            stacklevel=2,
        )
        for way, mine, other in ((ways[0], *periods), (ways[1], *periods[::-1])):
            if len(way):
                chosen.append(way.iloc[[0]].assign(pair_period=f"{mine} / {other}"))
    columns = [*trade.columns, "pair_period"]
    directional = pd.concat(chosen, ignore_index=True)[columns] if chosen else pd.DataFrame(columns=columns)
    known = set(full["_pair"])
    turnover = latest(trade, flows=["turnover"])
    pairs = ["|".join(sorted(p)) for p in zip(turnover["exporter"], turnover["importer"], strict=True)]
    turnover = turnover[[p not in known for p in pairs]]
    if not isinstance(turnover_shares, Mapping):
        turnover_shares = dict.fromkeys(zip(turnover["exporter"], turnover["importer"], strict=True), turnover_shares)
    split = split_turnover(turnover, turnover_shares)
    return pd.concat([directional, split.assign(pair_period=split["period"])], ignore_index=True)


def _period_end(period: pd.Series, year: pd.Series) -> pd.Series:
    """Months since year 0 at which each full-year period ends, for ordering.

    A calendar year ends in December of `year`, India's fiscal year and the Iranian year in March of
    `year` + 1.
    """
    ends_in_march = period.astype(str).str.match(r"(FY|IY)\d")
    return pd.Series(year.astype(int) * 12 + np.where(ends_in_march, 15, 12), index=period.index)


def split_turnover(trade: pd.DataFrame, shares: Mapping[tuple[str, str], float]) -> pd.DataFrame:
    """Turn each ``turnover`` row into two directional rows with explicit export shares.

    Parameters
    ----------
    shares : mapping of (exporter, importer) to the share of the pair's turnover that flows that way
        The reverse direction gets ``1 - share``. Every pair with a turnover row needs one: a split is an
        assumption and must be stated.

    Returns
    -------
    DataFrame
        Directional rows (``flow`` = ``exports``) whose values sum to the turnover; ``source`` and ``note``
        say that they were split. Other rows pass through unchanged.
    """
    turnover = trade[trade["flow"].eq("turnover")]
    missing = sorted({(e, i) for e, i in zip(turnover["exporter"], turnover["importer"], strict=True)
                      if (e, i) not in shares and (i, e) not in shares})  # fmt: skip
    if missing:
        raise ValueError(f"no export share for the turnover of {missing}; pass `shares={{('AAA', 'BBB'): 0.5, ...}}`.")
    bad = {k: v for k, v in shares.items() if not 0.0 <= v <= 1.0}
    if bad:
        raise ValueError(f"`shares` must lie between 0 and 1; got {bad}.")
    parts = []
    for part in (turnover.copy(), turnover.rename(columns={"exporter": "importer", "importer": "exporter"})):
        share = np.array([
            shares[(e, i)] if (e, i) in shares else 1.0 - shares[(i, e)]
            for e, i in zip(part["exporter"], part["importer"], strict=True)
        ])  # fmt: skip
        part = part.assign(value_usd=part["value_usd"] * share, tonnes=part["tonnes"] * share, flow="exports")
        part["note"] = [f"split from turnover at an assumed share of {s:g}" for s in share]
        parts.append(part[list(TRADE_COLUMNS)])
    return pd.concat([trade[trade["flow"].ne("turnover")], *parts], ignore_index=True)


def value_to_tonnes(trade: pd.DataFrame, value_per_tonne: pd.DataFrame) -> pd.DataFrame:
    """Fill ``tonnes`` from ``value_usd`` where it is not reported, by commodity group.

    A row's group is the one whose ``hs_chapters`` hold its ``commodity`` (``TOTAL`` and ``NON-OIL`` map to
    ``all_goods``; HS codes by their first two digits). Adds ``usd_per_tonne`` and ``tonnes_source``
    (``reported`` or the group used), and ``tonnes_low``/``tonnes_high`` from the group's range.

    Raises
    ------
    ValueError
        If a commodity falls in no group, listing them.

    Examples
    --------
    >>> from corridor import trade
    >>> t = trade.value_to_tonnes(trade.load_trade(), trade.load_value_per_tonne())
    >>> round(t.loc[0, "tonnes"]), t.loc[0, "tonnes_source"]
    (4754846, 'value / 877 US$ per t (all_goods)')
    """
    group_of = {
        code: group for group, chapters in value_per_tonne["hs_chapters"].items() for code in str(chapters).split(";")
    }
    commodity = trade["commodity"].astype(str)
    key = commodity.where(commodity.isin(group_of), commodity.str[:2])
    group = key.map(group_of)
    unknown = sorted(set(commodity[group.isna() & trade["tonnes"].isna()]))
    if unknown:
        raise ValueError(
            f"commodities {unknown} fall in no group of `value_per_tonne`; add their HS chapter to `hs_chapters`."
        )
    out = trade.copy()
    price = group.map(value_per_tonne["usd_per_tonne"])
    reported = out["tonnes"].notna()
    out["usd_per_tonne"] = price.where(~reported, out["value_usd"] / out["tonnes"])
    out["tonnes_low"] = out["tonnes"].where(reported, out["value_usd"] / group.map(value_per_tonne["high"]))
    out["tonnes_high"] = out["tonnes"].where(reported, out["value_usd"] / group.map(value_per_tonne["low"]))
    out["tonnes"] = out["tonnes"].where(reported, out["value_usd"] / price)
    out["tonnes_source"] = np.where(
        reported, "reported", "value / " + price.map("{:g}".format) + " US$ per t (" + group + ")"
    )
    return out


def od_freight(flows: pd.DataFrame, gateways: pd.DataFrame) -> pd.DataFrame:
    """Spread directional flows (tonnes) over each country's gateway places: tonnes per year between places.

    Each flow's tonnes go from every origin gateway of the exporter to every destination gateway of the
    importer in proportion to the product of their shares, so the totals are kept exactly.

    Parameters
    ----------
    flows : DataFrame
        Directional rows (``exports`` or ``imports``) with ``exporter``, ``importer``, ``tonnes`` and
        ``value_usd``; see :func:`latest`, :func:`split_turnover` and :func:`value_to_tonnes`.
    gateways : DataFrame
        ``country``, ``place_id``, ``share``; shares sum to 1 per country.

    Returns
    -------
    DataFrame
        Indexed by (``origin``, ``destination``) place ids: ``tonnes_per_year``, ``value_usd_per_year``.

    Raises
    ------
    ValueError
        If a flow is a turnover, lacks tonnes, or names a country with no gateway (listed together).

    Examples
    --------
    >>> import pandas as pd
    >>> flows = pd.DataFrame({"exporter": ["IND"], "importer": ["AZE"], "flow": ["exports"],
    ...                       "tonnes": [1000.0], "value_usd": [1e6]})
    >>> od_freight(flows, load_gateways())["tonnes_per_year"].to_dict()
    {('jnpt', 'baku'): 600.0, ('mundra', 'baku'): 400.0}
    """
    _check_gateways(gateways)
    problems = []
    if flows["flow"].eq("turnover").any():
        problems.append("turnover rows have no direction; use `split_turnover` first")
    if flows["tonnes"].isna().any():
        problems.append("some flows have no tonnes; use `value_to_tonnes` first")
    missing = sorted((set(flows["exporter"]) | set(flows["importer"])) - set(gateways["country"]))
    if missing:
        problems.append(f"no gateway places for {missing}; add them to the gateways table")
    if problems:
        raise ValueError("cannot assign flows to gateways: " + "; ".join(problems) + ".")
    origin = gateways.rename(columns={"country": "exporter", "place_id": "origin", "share": "origin_share"})
    destination = gateways.rename(
        columns={"country": "importer", "place_id": "destination", "share": "destination_share"}
    )
    spread = flows[["exporter", "importer", "tonnes", "value_usd"]].merge(
        origin[["exporter", "origin", "origin_share"]]
    )
    spread = spread.merge(destination[["importer", "destination", "destination_share"]])
    share = spread["origin_share"] * spread["destination_share"]
    spread["tonnes_per_year"] = spread["tonnes"] * share
    spread["value_usd_per_year"] = spread["value_usd"] * share
    return spread.groupby(["origin", "destination"])[["tonnes_per_year", "value_usd_per_year"]].sum()


def _iso3_columns(frame: pd.DataFrame, first: str, second: str) -> tuple[pd.Series, pd.Series]:
    """Both country columns in ISO3, with every unmapped value of either listed in one error."""
    both = to_iso3(pd.concat([frame[first], frame[second]]), argument=f"{first} / {second}")
    return pd.Series(both[: len(frame)], index=frame.index), pd.Series(both[len(frame) :], index=frame.index)


def _annual(year: pd.Series, **columns: Any) -> pd.DataFrame:
    """A tidy table of official calendar-year figures read from a statistics download (confidence H, all used)."""
    year = year.astype(int)
    columns.setdefault("note", "")
    return pd.DataFrame(
        {"year": year, "period": "CY" + year.astype(str), "months": 12, **columns, "confidence": "H", "used": True}
    )


# --- checks ------------------------------------------------------------------------------------------------


def _require(frame: pd.DataFrame, columns: Iterable[str], path: Any, layout: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        hints = "".join(nearest(c, frame.columns) for c in missing)
        raise ValueError(f"{path}: columns {missing}{hints} are missing; expected the {layout} layout.")


def _check_trade(frame: pd.DataFrame, source: Any) -> pd.DataFrame:
    """Refuse a trade table with unknown flows, non-ISO3 countries, negative values or missing sources."""
    problems = []
    missing = [c for c in TRADE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{source}: trade columns {missing} are missing.")
    bad_flow = sorted(set(frame["flow"]) - set(FLOWS))
    if bad_flow:
        problems.append(f"`flow` has {bad_flow}; expected one of {list(FLOWS)}")
    for column in ("exporter", "importer"):
        odd = sorted({c for c in frame[column] if pycountry.countries.get(alpha_3=str(c)) is None})
        if odd:
            problems.append(f"`{column}` has {odd}, which are not ISO3 country codes")
    if (frame["value_usd"] < 0).any() or (frame["tonnes"] < 0).any():
        problems.append("`value_usd` and `tonnes` cannot be negative")
    if frame["source"].isna().any() or not frame["confidence"].isin(["H", "M", "L"]).all():
        problems.append("every row needs a `source` and a `confidence` of H, M or L")
    months = pd.to_numeric(frame["months"], errors="coerce")
    bad_months = sorted(set(frame.loc[~months.between(1, 12), "months"].astype(str)))
    if bad_months:
        problems.append(f"`months` has {bad_months}; expected the length of the period, 1 to 12")
    full_label = frame["period"].astype(str).str.match(FULL_YEAR)
    short = frame.loc[full_label & months.ne(12), "period"]
    if len(short):
        problems.append(
            f"periods {sorted(set(short))} name a full year but have `months` < 12; label a part of a year by "
            "the months it covers (e.g. 'Jan-Oct 2023') or set `months` to 12"
        )
    if "growth_pct" in frame and "growth_base" in frame:
        unbased = frame.index[frame["growth_pct"].notna() & frame["growth_base"].isna()]
        if len(unbased):
            problems.append(
                f"rows {list(unbased)} give `growth_pct` without `growth_base`; name the base period in this "
                "table or write 'not in this table: ...'"
            )
    if problems:
        raise ValueError(f"{source}: " + "; ".join(problems) + ".")
    types = {"year": int, "months": int, "value_usd": float, "tonnes": float, "used": bool}
    columns = [*TRADE_COLUMNS, *(c for c in OPTIONAL_COLUMNS if c in frame.columns)]
    if "growth_pct" in frame.columns:
        types["growth_pct"] = float
    return frame[columns].astype(types).reset_index(drop=True)


def _check_claims(claims: pd.DataFrame, source: Any) -> pd.DataFrame:
    """Refuse claims without who, outlet and confidence, or whose ``months`` is not a period's length."""
    problems = []
    graded = claims["confidence"].isin(["H", "M", "L"])
    unsourced = claims.index[claims["who"].isna() | claims["outlet"].isna() | ~graded]
    if len(unsourced):
        problems.append(f"claims {list(unsourced)} need `who`, `outlet` and a `confidence` of H, M or L")
    bad = claims.index[claims["months"].notna() & ~claims["months"].between(1, 12)]
    if len(bad):
        problems.append(f"claims {list(bad)} have `months` outside 1 to 12")
    short = claims.index[claims["period"].astype(str).str.match(FULL_YEAR) & claims["months"].ne(12)]
    if len(short):
        problems.append(f"claims {list(short)} name a full-year period but do not have `months` 12")
    if problems:
        raise ValueError(f"{source}: " + "; ".join(problems) + ".")
    return claims


def _check_gateways(gateways: pd.DataFrame) -> pd.DataFrame:
    total = gateways.groupby("country")["share"].sum()
    bad = total[(total - 1.0).abs() > 1e-9]
    if len(bad):
        raise ValueError(f"gateway shares must sum to 1 per country; they sum to {bad.round(6).to_dict()}.")
    return gateways
