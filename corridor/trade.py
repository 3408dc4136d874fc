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

Tables read from downloads (:func:`read_trade`) also carry ``is_country``: False where the exporter or the
importer is World or another area that is not a country, which then has an explicit code (``WLD``; ``S19``
'Other Asia, nes'; see ``data/trade/aggregate_codes.csv``) instead of an ISO3 code.
"""

from __future__ import annotations

import csv
import functools
import pathlib
import re
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
import pycountry

from corridor import _trade_layouts as _layouts
from corridor import datasets
from corridor._validate import nearest

__all__ = [
    "TRADE_COLUMNS",
    "LAYOUTS",
    "SCHEMES",
    "TradeFileError",
    "UnknownCountryError",
    "load_trade",
    "load_claims",
    "load_value_per_tonne",
    "load_gateways",
    "to_iso3",
    "from_iso3",
    "read_trade",
    "read_comtrade",
    "read_baci",
    "read_imf",
    "claims_vs_data",
    "latest",
    "directional_flows",
    "split_turnover",
    "value_to_tonnes",
    "od_freight",
    "CARGO_CLASSES",
    "load_cargo_classes",
    "load_cargo_class_shares",
    "freight_by_class",
    "shipped_freight",
]

TRADE_COLUMNS = (
    "year", "period", "months", "exporter", "importer", "flow", "commodity", "classification", "value_usd",
    "tonnes", "reporter", "source", "confidence", "used", "note",
)  # fmt: skip
OPTIONAL_COLUMNS = ("growth_pct", "growth_base", "published", "is_country")
FLOWS = ("exports", "imports", "turnover")
FULL_YEAR = re.compile(r"^(CY\d{4}|FY\d{4}-\d{2}|IY\d{4})$")


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

Scheme = Literal["m49", "comtrade", "imf", "iso2", "iso3", "name"]
SCHEMES: tuple[str, ...] = ("m49", "comtrade", "imf", "iso2", "iso3", "name")
_EMPTY = ("", "nan", "<na>", "none")


@functools.cache
def _aliases() -> dict[str, str]:
    """Country names and spellings pycountry does not know -> ISO3 (``country_aliases.csv``, names only)."""
    table = pd.read_csv(_trade_path("country_aliases.csv"), dtype=str)
    return {a.casefold(): iso for a, iso in zip(table["alias"], table["iso3"], strict=True) if not a.isdigit()}


@functools.cache
def _comtrade_own() -> dict[str, str]:
    """UN Comtrade's numeric codes that differ from ISO 3166 numeric (699 India, 842 USA, ...) -> ISO3."""
    table = pd.read_csv(_trade_path("country_aliases.csv"), dtype=str)
    return {str(int(a)): iso for a, iso in zip(table["alias"], table["iso3"], strict=True) if a.isdigit()}


@functools.cache
def _imf_codes() -> dict[str, str]:
    """IMF country codes (534 India, 922 Russia, ...) -> ISO3 (``imf_country_codes.csv``)."""
    table = pd.read_csv(_trade_path("imf_country_codes.csv"), dtype=str)
    return {str(int(c)): iso for c, iso in zip(table["imf_code"], table["iso3"], strict=True)}


@functools.cache
def _aggregates() -> dict[tuple[str, str], tuple[str, str]]:
    """(scheme, code) of World and other non-country areas -> (explicit code such as ``WLD``, name)."""
    table = pd.read_csv(_trade_path("aggregate_codes.csv"), dtype=str)
    rows = zip(table["scheme"], table["code"], table["aggregate"], table["name"], strict=True)
    return {(s, _key(c, s)): (a, n) for s, c, a, n in rows}


def _key(text: str, scheme: str) -> str:
    text = str(text).strip()
    if scheme in ("m49", "comtrade", "imf") and text.isdigit():
        return str(int(text))
    return text.casefold()


def _code(value: Any, scheme: str | None) -> tuple[str, bool] | None:
    """(ISO3 or explicit aggregate code, is_country) of one value in a code list, or None if unknown."""
    text = str(value).strip()
    if text.casefold() in _EMPTY:
        return None
    if scheme is None:  # a guess among codes and names that cannot be confused; numbers need their list
        if text.isdigit():
            return None
        if len(text) == 2 and text.isalpha():
            return _code(text, "iso2")
        if len(text) == 3:
            return _code(text, "iso3") or _code(text, "name")
        return _code(text, "name")
    aggregate = _aggregates().get((scheme, _key(text, scheme)))
    if aggregate:
        return aggregate[0], False
    if scheme == "iso3" and re.fullmatch(r"G\d{3}", text.upper()):
        return f"IMF:{text.upper()}", False  # an IMF data-portal group (no ISO3 code has a digit)
    country = None
    if scheme in ("m49", "comtrade", "imf") and not text.isdigit():
        return None
    if scheme == "m49":
        country = pycountry.countries.get(numeric=str(int(text)).zfill(3))
    elif scheme == "comtrade":
        own = _comtrade_own().get(str(int(text)))
        if own:
            return own, True
        country = pycountry.countries.get(numeric=str(int(text)).zfill(3))
    elif scheme == "imf":
        iso = _imf_codes().get(str(int(text)))
        return (iso, True) if iso else None
    elif scheme == "iso2":
        country = pycountry.countries.get(alpha_2=text.upper()) if len(text) == 2 else None
    elif scheme == "iso3":
        country = pycountry.countries.get(alpha_3=text.upper()) if len(text) == 3 else None
    else:  # name
        alias = _aliases().get(text.casefold())
        if alias:
            return alias, True
        if len(text) > 3:
            try:
                country = pycountry.countries.lookup(text)
            except LookupError:
                country = None
    return (country.alpha_3, True) if country else None


def _scheme_codes(countries: Iterable[str], scheme: str) -> list[str]:
    """The codes of a list that stand for `countries` (ISO3): e.g. IND -> ['356', '699'] in Comtrade's list."""
    wanted = set(countries)
    if scheme == "imf":
        return sorted(c for c, iso in _imf_codes().items() if iso in wanted)
    codes = {str(int(c.numeric)) for c in pycountry.countries if c.alpha_3 in wanted}
    if scheme == "comtrade":
        codes |= {c for c, iso in _comtrade_own().items() if iso in wanted}
    return sorted(codes)


def to_iso3(
    values: Any, *, scheme: Scheme | None = None, aggregates: bool = False, argument: str = "values"
) -> str | list[str]:
    """Turn country codes or names into ISO 3166 alpha-3, offline, reading them in a named code list.

    Parameters
    ----------
    values : str, int or iterable of them
        One value (a string is one value, not its letters; one value in gives one code out) or several.
    scheme : {'m49', 'comtrade', 'imf', 'iso2', 'iso3', 'name'}, optional
        The code list the values come from. ``'m49'``: UN M49 / ISO 3166 numeric (356 India).
        ``'comtrade'``: UN Comtrade's numeric codes, M49 with its own variants (699 India, 842 USA; 0 World,
        490 'Other Asia, nes'). ``'imf'``: IMF country codes (534 India, 922 Russia; 001 World).
        ``'iso2'``, ``'iso3'``: ISO 3166 alpha codes (and the portals' own aggregate codes, such as Comtrade's
        ``W00``, BACI's ``S19`` and the IMF data portal's groups ``G001`` World and ``Gnnn``, kept as
        ``IMF:Gnnn``). ``'name'``: English names, including the IMF's and the UN's spellings.
        Without it, ISO alpha codes and names are recognised, and numeric codes are refused: ``534`` is India
        for the IMF and Sint Maarten in M49.
    aggregates : bool, default False
        Return World and other non-country areas as explicit codes (``WLD``, ``S19``, ...) instead of raising.

    Returns
    -------
    str or list of str
        ISO3 codes (a str for one value, a list for several).

    Raises
    ------
    UnknownCountryError
        Listing every value that is not a country of the list (or is an aggregate), with near matches;
        nothing is dropped.

    Examples
    --------
    >>> to_iso3("534", scheme="imf"), to_iso3("534", scheme="m49")
    ('IND', 'SXM')
    >>> to_iso3([699, "364"], scheme="comtrade")
    ['IND', 'IRN']
    >>> to_iso3(["IN", "RUS", "Iran, Islamic Rep. of", "Azerbaijan"])
    ['IND', 'RUS', 'IRN', 'AZE']
    >>> to_iso3(["W00", "S19", "AZE"], scheme="iso3", aggregates=True)
    ['WLD', 'S19', 'AZE']
    """
    if scheme is not None and scheme not in SCHEMES:
        raise ValueError(f"`scheme` was {scheme!r}; expected one of {list(SCHEMES)} or None.")
    one = isinstance(values, (str, int, np.integer))
    items = [values] if one else list(values)
    mapped = {v: _code(v, scheme) for v in set(map(str, items))}
    bad = sorted(v for v, m in mapped.items() if m is None or (not m[1] and not aggregates))
    if bad:
        raise UnknownCountryError(
            f"{len(bad)} value(s) in `{argument}` are not countries"
            + (f" in the {scheme!r} code list" if scheme else "")
            + f": {'; '.join(_why(v, mapped[v], scheme) for v in bad)}. "
            + "Name the code list with `scheme=`, use ISO codes or English names, or add the spelling to "
            "data/trade/country_aliases.csv (countries) or data/trade/aggregate_codes.csv (areas)."
        )
    out = [mapped[str(v)][0] for v in items]  # type: ignore[index]
    return out[0] if one else out


def from_iso3(values: Any, *, scheme: Scheme) -> str | list[str]:
    """The code of ISO3 countries (or explicit aggregates such as ``WLD``) in a portal's list: :func:`to_iso3` inverted.

    Useful to ask a portal for the corridor countries in its own codes. Numeric codes are written as the
    lists write them: three digits for M49 and the IMF (``004``, ``534``), no padding for UN Comtrade (``4``).

    Examples
    --------
    >>> from_iso3("IND", scheme="imf"), from_iso3("IND", scheme="comtrade"), from_iso3("IND", scheme="m49")
    ('534', '699', '356')
    >>> from_iso3(["WLD", "AZE"], scheme="comtrade")
    ['0', '31']
    """
    if scheme not in SCHEMES:
        raise ValueError(f"`scheme` was {scheme!r}; expected one of {list(SCHEMES)}.")
    one = isinstance(values, str)
    items = [values] if one else list(values)
    areas: dict[str, str] = {}
    for (list_name, code), (aggregate, _name) in _aggregates().items():
        if list_name == scheme:
            areas.setdefault(aggregate, code.upper() if scheme in ("iso2", "iso3") else code)
    own = {iso: code for code, iso in _comtrade_own().items()}
    imf = {iso: code for code, iso in _imf_codes().items()}
    out, bad = [], []
    for value in items:
        iso = str(value).strip().upper()
        country = pycountry.countries.get(alpha_3=iso)
        code: str | None = None
        if iso in areas:
            code = areas[iso]
        elif scheme == "imf":
            code = imf.get(iso)
        elif country is None:
            code = None
        elif scheme == "comtrade":
            code = own.get(iso, str(int(country.numeric)))
        elif scheme == "m49":
            code = country.numeric
        elif scheme == "iso2":
            code = country.alpha_2
        elif scheme == "iso3":
            code = country.alpha_3
        else:
            code = country.name
        if code is not None and scheme in ("m49", "imf") and code.isdigit():
            code = code.zfill(3)
        if code is None:
            bad.append(str(value))
        out.append(code)
    if bad:
        raise UnknownCountryError(f"{sorted(set(bad))} have no code in the {scheme!r} list (expected ISO3 countries).")
    return out[0] if one else out  # type: ignore[return-value]


def _why(value: str, mapped: tuple[str, bool] | None, scheme: str | None) -> str:
    """One unmapped value, with what it could be."""
    if mapped is not None:
        return f"{value!r} (an aggregate, {mapped[0]}: pass `aggregates=True` to keep it)"
    if value.strip().isdigit() and scheme is None:
        readings = [f"{s} {m[0]}" for s in ("m49", "comtrade", "imf") if (m := _code(value, s))]
        return f"{value!r} (a number: say which list, e.g. {', '.join(readings) or 'none of m49, comtrade, imf'})"
    names = [c.name for c in pycountry.countries] + list(_aliases())
    return f"{value!r}{nearest(value, names)}"


# --- readers -----------------------------------------------------------------------------------------------

Layout = Literal["comtrade_plus", "comtrade_json", "comtrade_bulk", "comtrade_legacy", "baci", "imf_imts", "imf_dots"]
LAYOUTS = _layouts.LAYOUTS
TradeFileError = _layouts.TradeFileError
_TITLES = {"comtrade_plus": "UN Comtrade+ export", "comtrade_json": "UN Comtrade API", "comtrade_bulk":
           "UN Comtrade bulk file", "comtrade_legacy": "UN Comtrade (legacy CSV)", "baci": "CEPII BACI",
           "imf_imts": "IMF IMTS", "imf_dots": "IMF DOTS"}  # fmt: skip


def read_trade(
    path: str | pathlib.Path,
    *,
    layout: Layout | None = None,
    countries: Iterable[str] | str | None = None,
    drop_aggregates: bool = False,
    scale: float | None = None,
    country_codes: str | pathlib.Path | None = None,
    classification: str | None = None,
    engine: Literal["auto", "python", "duckdb"] = "auto",
) -> pd.DataFrame:
    """Read a trade file as downloaded from UN Comtrade, CEPII BACI or the IMF into the tidy trade table.

    The layout is detected from the file (Excel or text, encoding, delimiter, header); see ``LAYOUTS`` for the
    ones known. Text may be UTF-8, UTF-16 with a byte-order mark or Windows-1252 (as the Comtrade+ website
    serves it), and rows may end with a trailing delimiter. Numbers are read strictly: a cell that is not a
    plain number is an error naming the file, the line, the column and the text, never NaN.

    Parameters
    ----------
    path : path to the file
    layout : str, optional
        Force a layout instead of detecting it (one of ``LAYOUTS``).
    countries : ISO3 code or iterable of them, optional
        Keep only flows between these countries. For BACI and Comtrade bulk files scanned by DuckDB the filter
        is applied while scanning, so a file larger than memory can be read.
    drop_aggregates : bool, default False
        Leave out rows whose partner (or reporter) is World or another non-country area. By default they are
        kept, with an explicit code (``WLD``; Comtrade/BACI ``S19`` 'Other Asia, nes', i.e. Taiwan's trade;
        ``_X`` 'Areas, nes') and ``is_country`` False. The numbers dropped are in ``attrs['read_report']``.
    scale : float, optional
        US$ per unit of the values, for IMF files that do not state it (legacy DOTS; SDMX-CSV without a
        ``SCALE`` or ``UNIT_MULT`` column): 1 for dollars, 1e6 for millions. Refused where the file states it.
    country_codes : path, optional
        BACI's ``country_codes_V*.csv``; by default the one beside the data file.
    classification : str, optional
        Recorded in ``classification`` where the file does not say (BACI: read from its name, ``HS17``).
    engine : {'auto', 'python', 'duckdb'}
        How BACI and Comtrade bulk files are scanned: DuckDB (filtering by named columns while scanning) for
        files over 50 MB with 'auto', or always / never.

    Returns
    -------
    DataFrame
        The tidy trade table (see the module docstring) plus ``is_country`` (False where the exporter or the
        importer is an aggregate). Values in US$ (BACI's thousands multiplied out), weights in tonnes
        (Comtrade's kg divided by 1000). ``attrs['read_report']`` gives the layout, the encoding, the rows
        read, the number of rows left out by kind (aggregates, ``Status`` rows, derived balances, ...) and
        the number of Comtrade rows that break a total down by customs procedure, mode of transport or
        second partner (kept, and not to be added to the totals).

    Raises
    ------
    TradeFileError
        For a file in no known layout (listing them and what the file looked like), an empty or truncated
        file, a file that mixes encodings, a missing column, or a value that is not a number.
    UnknownCountryError
        For a code not in the layout's code list, naming the line and column.

    Examples
    --------
    >>> from corridor import datasets, trade
    >>> t = trade.read_trade(datasets.get_path("trade") / "samples" / "comtrade_plus_sample.csv")
    >>> t.attrs["read_report"]["layout"], t.attrs["read_report"]["encoding"]
    ('comtrade_plus', 'cp1252')
    >>> t[["exporter", "importer", "flow", "commodity", "value_usd", "tonnes", "is_country"]].head(3)
      exporter importer    flow commodity   value_usd  tonnes  is_country
    0      IND      RUS exports        09   6000000.0  2000.0        True
    1      RUS      IND imports        27  30000000.0 60000.0        True
    2      IND      WLD exports     TOTAL  45000000.0     NaN       False
    """
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"`layout` was {layout!r}; expected one of {list(LAYOUTS)} or None (detect).")
    if engine not in ("auto", "python", "duckdb"):
        raise ValueError(f"`engine` was {engine!r}; expected 'auto', 'python' or 'duckdb'.")
    path = pathlib.Path(path)
    source = str(path)
    if not path.is_file():
        raise FileNotFoundError(f"{source}: no such file.")
    size = path.stat().st_size
    if size == 0:
        raise TradeFileError(f"{source}: the file is empty (0 bytes); download it again.")
    wanted = None
    if countries is not None:
        named = to_iso3(countries, scheme="iso3", argument="countries")
        wanted = {named} if isinstance(named, str) else set(named)
    with path.open("rb") as handle:
        head = handle.read(65536)
    big = engine == "duckdb" or (engine == "auto" and size > _layouts.BIG_FILE_BYTES)
    report: dict[str, Any] = {}
    table, frame, locate = None, None, None
    if head.startswith(b"PK\x03\x04"):
        table = _layouts.read_xlsx(path, source)
        found = _layouts.detect(table.header)
    elif big and _layouts.detect(_header(head)) in ("baci", "comtrade_bulk"):
        header = _header(head)
        found = _layouts.detect(header)
        delimiter = _layouts.sniff_delimiter(head.decode("utf-8", "replace").splitlines()[0])
        report["encoding"] = "read by DuckDB"
    else:
        text, encoding = _layouts.decode(path.read_bytes(), source)
        if text.lstrip().startswith(("{", "[")):
            table = _layouts.read_json(text, source)
            lower = {h.casefold() for h in table.header}
            found = "comtrade_json" if {"reportercode", "partnercode", "flowcode"} <= lower else None
        else:
            table = _layouts.split_text(text, source, encoding=encoding)
            found = _layouts.detect(table.header)
    if table is not None:
        report["encoding"] = table.encoding
    chosen = layout or found
    if chosen is None:
        raise TradeFileError(_unknown_layout(source, table, head))
    if table is not None and not table.rows:
        raise TradeFileError(f"{source}: has a header but no data rows; read as the {chosen} layout.")
    rows_in_file = {"rows in file": len(table.rows)} if table is not None else {}
    report = {"layout": chosen, **report, **rows_in_file}
    scheme, reporter_blank = "comtrade", False
    title = f"{_TITLES[chosen]} ({path.name})"
    if chosen in ("comtrade_plus", "comtrade_json", "comtrade_bulk"):
        if table is None:
            frame, locate = _scan_bulk(path, head, delimiter, wanted)
        raw = _layouts.read_comtrade_plus(frame if frame is not None else table.frame(), source, chosen, locate)
        scheme = raw.attrs["scheme"]
        if raw.attrs["breakdown rows"]:
            key = "rows breaking a total down by customs procedure, mode of transport or second partner (kept)"
            report[key] = raw.attrs["breakdown rows"]
    elif chosen == "comtrade_legacy":
        raw = _layouts.read_comtrade_legacy(table.frame(), source)
    elif chosen == "baci":
        codes_path = _baci_code_file(path, country_codes)
        codes = _layouts.baci_codes(codes_path)
        if classification is None:
            named = re.match(r"BACI_(HS\d{2})_", path.name)
            classification = named.group(1) if named else "HS"
        if table is None:
            keep = None if wanted is None else {"i": _baci_numbers(codes, wanted), "j": _baci_numbers(codes, wanted)}
            columns = {c: c.strip() for c in _header(head)}
            frame = _layouts.scan_duckdb(path, delimiter=delimiter, columns=columns, where=keep)
            locate = _layouts.locator(path, delimiter)
        raw = _layouts.read_baci(frame if frame is not None else table.frame(), source,
                                 classification=classification, locate=locate)  # fmt: skip
        raw = _baci_to_iso3(raw, codes, codes_path, source, locate)
        scheme, reporter_blank = "iso3", True
        title = f"CEPII BACI ({path.name}; reconciled mirror flows)"
    elif chosen == "imf_imts":
        raw, scheme = _layouts.read_imf_imts(table.frame(), source, scale=scale, report=report)
    else:
        raw = _layouts.read_imf_dots(table.frame(), source, scale=scale, report=report)
        scheme = "imf"
    if table is None:
        report["rows kept while scanning"] = len(raw)
    out = _finish(raw, scheme=scheme, source=source, title=title, reporter_blank=reporter_blank, locate=locate)
    if classification is not None and chosen != "baci":
        out["classification"] = out["classification"].where(out["classification"].ne(""), classification)
    if wanted is not None:
        report["countries"] = sorted(wanted)
        inside = out["exporter"].isin(wanted) & out["importer"].isin(wanted)
        report["rows outside `countries` left out"] = (
            int((~inside).sum()) if table is not None else "not counted: left out by DuckDB while scanning"
        )
        out = out[inside]
    if drop_aggregates:
        areas = out.loc[~out["is_country"], ["exporter", "importer"]]
        codes_dropped = pd.concat([areas["exporter"], areas["importer"]])
        codes_dropped = codes_dropped[~codes_dropped.map(lambda c: pycountry.countries.get(alpha_3=c) is not None)]
        report["aggregate rows left out"] = int(len(areas))
        report["aggregate rows left out, by code"] = codes_dropped.value_counts().sort_index().to_dict()
        out = out[out["is_country"]]
    out = _check_trade(out.reset_index(drop=True), source)
    out.attrs["read_report"] = report
    return out


def _header(head: bytes) -> list[str]:
    first = head.decode("utf-8-sig", "replace").splitlines()[0] if head.strip() else ""
    return next(csv.reader([first], delimiter=_layouts.sniff_delimiter(first)), [])


def _unknown_layout(source: str, table: Any, head: bytes) -> str:
    if table is not None:
        looked = (
            f"{table.encoding or 'text'}, delimiter {table.delimiter!r}, {len(table.header)} columns "
            f"{table.header[:8]}{' ...' if len(table.header) > 8 else ''}, {len(table.rows)} rows"
        )
    else:
        looked = f"first bytes {head[:80]!r}"
    known = "; ".join(f"{name}: {text}" for name, text in LAYOUTS.items())
    return f"{source}: not a trade layout this reader knows. The file looks like: {looked}. Known layouts: {known}."


def _scan_bulk(path: pathlib.Path, head: bytes, delimiter: str, wanted: set[str] | None) -> tuple[pd.DataFrame, Any]:
    """A big Comtrade bulk file through DuckDB: named columns only, rows filtered by reporter and partner code."""
    header = [h.strip() for h in _header(head)]
    lower = {h.casefold(): h for h in header}
    needed = ("refyear", "reportercode", "partnercode", "flowcode", "cmdcode", "primaryvalue", "netwgt")
    _layouts.require(lower, needed, str(path), "comtrade_bulk")
    optional = ("freqcode", "refmonth", "classificationcode", "customscode", "motcode", "partner2code")
    columns = {lower[c]: c for c in (*needed, *(o for o in optional if o in lower))}
    keep = None
    if wanted is not None:
        codes = _scheme_codes(wanted, "comtrade")
        keep = {"reportercode": codes, "partnercode": codes}
    frame = _layouts.scan_duckdb(path, delimiter=delimiter, columns=columns, where=keep)
    return frame.assign(where=None), _layouts.locator(path, delimiter)


def _baci_code_file(path: pathlib.Path, given: str | pathlib.Path | None) -> pathlib.Path:
    if given is not None:
        return pathlib.Path(given)
    version = re.search(r"_(V\d{6}\w*)\.csv$", path.name)
    candidates = sorted(
        path.parent.glob(f"country_codes_{version.group(1)}.csv" if version else "country_codes_V*.csv")
    )
    if not candidates:
        candidates = sorted(path.parent.glob("country_codes_V*.csv"))
    if not candidates:
        raise TradeFileError(
            f"{path}: BACI codes countries by number; pass `country_codes=` (the country_codes_V*.csv that comes "
            "in the same download), or keep it beside the data file."
        )
    return candidates[-1]


def _baci_numbers(codes: Mapping[str, str], wanted: set[str]) -> list[str]:
    return sorted(c for c, iso in codes.items() if _code(iso, "iso3") and _code(iso, "iso3")[0] in wanted)  # type: ignore[index]


def _baci_to_iso3(raw: pd.DataFrame, codes: Mapping[str, str], codes_path: pathlib.Path, source: str,
                  locate: Any) -> pd.DataFrame:  # fmt: skip
    """BACI's numbers -> the ISO3 of its own country table (S19 stays S19, an aggregate)."""
    for column, name in (("reporter", "i"), ("partner", "j")):
        key = raw[column].str.lstrip("0").replace("", "0")
        missing = ~key.isin(list(codes))
        if missing.any():
            first = missing.idxmax()
            where = raw.at[first, "where"] if isinstance(raw.at[first, "where"], str) else (
                locate(name, raw.at[first, column]) if locate else "")  # fmt: skip
            raise UnknownCountryError(
                f"{source}, {where}, column {name!r}: country code {raw.at[first, column]!r} is not in "
                f"{codes_path.name} (codes missing: {sorted(set(raw.loc[missing, column]))}); use the country "
                "table of the same BACI version."
            )
        raw[column] = key.map(codes)
    return raw


def _finish(
    raw: pd.DataFrame, *, scheme: str, source: str, title: str, reporter_blank: bool, locate: Any
) -> pd.DataFrame:
    """Codes to ISO3 or explicit aggregates, reporter/partner to exporter/importer: the tidy table."""
    codes = pd.unique(pd.concat([raw["reporter"], raw["partner"]]))
    mapping = {c: _code(c, scheme) for c in codes}
    unknown = sorted(c for c, m in mapping.items() if m is None)
    if unknown:
        bad = raw["reporter"].isin(unknown) | raw["partner"].isin(unknown)
        first = bad.idxmax()
        column = "reporter" if raw.at[first, "reporter"] in unknown else "partner"
        name = raw.attrs.get("columns", {}).get(column, column)
        where = raw.at[first, "where"]
        if not isinstance(where, str):
            where = locate(name, raw.at[first, column]) if locate else f"row {first + 1}"
        raise UnknownCountryError(
            f"{source}, {where}, column {name!r}: {column} code {raw.at[first, column]!r} is not a country or area "
            "in the "
            f"{scheme!r} code list (all unknown: {unknown}); add an area to data/trade/aggregate_codes.csv or a "
            "country to data/trade/country_aliases.csv."
        )
    reporter = raw["reporter"].map(lambda c: mapping[c][0])
    partner = raw["partner"].map(lambda c: mapping[c][0])
    is_country = raw["reporter"].map(lambda c: mapping[c][1]) & raw["partner"].map(lambda c: mapping[c][1])
    exports = raw["flow"].eq("exports")
    return pd.DataFrame(
        {
            "year": raw["year"],
            "period": raw["period"],
            "months": raw["months"],
            "exporter": reporter.where(exports, partner),
            "importer": partner.where(exports, reporter),
            "flow": raw["flow"],
            "commodity": raw["commodity"],
            "classification": raw["classification"],
            "value_usd": raw["value_usd"],
            "tonnes": raw["tonnes"],
            "reporter": "" if reporter_blank else reporter,
            "source": title,
            "confidence": "H",
            "used": True,
            "note": raw["note"],
            "is_country": is_country.astype(bool),
        }
    )


def read_comtrade(path: str | pathlib.Path, *, drop_aggregates: bool = False) -> pd.DataFrame:
    """Read a UN Comtrade file (Comtrade+ CSV/XLSX, API JSON, bulk file or legacy CSV): see :func:`read_trade`."""
    out = read_trade(path, drop_aggregates=drop_aggregates)
    if not out.attrs["read_report"]["layout"].startswith("comtrade"):
        raise TradeFileError(
            f"{path}: is a {out.attrs['read_report']['layout']} file, not UN Comtrade; use read_trade."
        )
    return out


def read_baci(
    path: str | pathlib.Path,
    country_codes: str | pathlib.Path | None = None,
    *,
    countries: Iterable[str] | None = None,
    drop_aggregates: bool = False,
    engine: Literal["auto", "python", "duckdb"] = "auto",
) -> pd.DataFrame:
    """Read a CEPII BACI yearly CSV (``t,i,j,k,v,q``) with its country table: see :func:`read_trade`."""
    return read_trade(path, layout="baci", country_codes=country_codes, countries=countries,
                      drop_aggregates=drop_aggregates, engine=engine)  # fmt: skip


def read_imf(path: str | pathlib.Path, *, scale: float | None = None, drop_aggregates: bool = False) -> pd.DataFrame:
    """Read an IMF file (IMTS SDMX-CSV or legacy DOTS CSV): see :func:`read_trade`."""
    out = read_trade(path, scale=scale, drop_aggregates=drop_aggregates)
    if not out.attrs["read_report"]["layout"].startswith("imf"):
        raise TradeFileError(f"{path}: is a {out.attrs['read_report']['layout']} file, not IMF; use read_trade.")
    return out


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


# --- freight by cargo class --------------------------------------------------------------------------------

CARGO_CLASSES: tuple[str, ...] = ("container", "dry_bulk", "liquid_bulk")
"""The cargo classes every table uses; others may be added in ``data/trade/cargo_classes.csv``."""


@functools.lru_cache(maxsize=4)
def _read_classes(path: str, mtime_ns: int) -> pd.DataFrame:  # noqa: ARG001 (the file's date keys the cache)
    return pd.read_csv(path, index_col="cargo_class", dtype={"hs_chapters": str, "modes": str})


def load_cargo_classes() -> pd.DataFrame:
    """Cargo classes: HS chapters, the modes that may carry them, value per tonne and tonnes per TEU, with sources.

    Indexed by ``cargo_class``. ``modes`` lists the segment modes a class may use on the corridor; empty means
    the corridor's services never carry it (oil goes by tanker or pipeline). Ranges are ``*_low``/``*_high``.

    Examples
    --------
    >>> row = load_cargo_classes().loc["container"]
    >>> [int(row["usd_per_tonne"]), float(row["tonnes_per_teu"]), row["confidence"]]
    [3000, 12.0, 'L']
    """
    path = datasets.get_path("trade") / "cargo_classes.csv"
    table = _read_classes(str(path), path.stat().st_mtime_ns).copy()
    problems = []
    missing = [c for c in CARGO_CLASSES if c not in table.index]
    if missing:
        problems.append(f"classes {missing} are missing (other modules rely on {list(CARGO_CLASSES)})")
    for low, value, high in (("usd_per_tonne_low", "usd_per_tonne", "usd_per_tonne_high"),
                             ("tonnes_per_teu_low", "tonnes_per_teu", "tonnes_per_teu_high")):  # fmt: skip
        known = table[value].notna()
        bad = table.index[known & ~((table[low] <= table[value]) & (table[value] <= table[high]))]
        if len(bad):
            problems.append(f"`{low}` <= `{value}` <= `{high}` does not hold for {list(bad)}")
    unboxed = table.index[table["modes"].notna() & table["tonnes_per_teu"].isna() & table.index.isin(["container"])]
    if len(unboxed):
        problems.append(f"classes {list(unboxed)} need `tonnes_per_teu`")
    if table["source"].isna().any() or not table["confidence"].isin(["H", "M", "L"]).all():
        problems.append("every class needs a `source` and a `confidence` of H, M or L")
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems) + ".")
    return table


def load_cargo_class_shares() -> pd.DataFrame:
    """Share of each directional pair's trade value in each cargo class, and the share the corridor can contest.

    One row per (``exporter``, ``importer``, ``cargo_class``); ``*`` rows are the default for a pair without
    rows of its own. ``value_share`` sums to 1 per pair; ``contestable_share`` is the part of the class's
    tonnes that could take one of the corridor's routes at all (the rest goes by routes the model does not
    hold). Each figure has a range, a source and a confidence.

    Examples
    --------
    >>> shares = load_cargo_class_shares().set_index(["exporter", "importer", "cargo_class"])
    >>> shares.loc[("RUS", "IND", "dry_bulk"), ["value_share", "contestable_share"]].tolist()
    [0.15, 0.1]
    """
    path = datasets.get_path("trade") / "cargo_class_shares.csv"
    table = pd.read_csv(path)
    problems = []
    classes = load_cargo_classes().index
    unknown = sorted(set(table["cargo_class"]) - set(classes))
    if unknown:
        problems.append(f"`cargo_class` has {unknown}; expected some of {list(classes)}")
    total = table.groupby(["exporter", "importer"])["value_share"].sum()
    off = total[(total - 1.0).abs() > 1e-9]
    if len(off):
        problems.append(f"`value_share` must sum to 1 per pair; it sums to {off.round(6).to_dict()}")
    for name in ("value_share", "contestable_share"):
        bad = table.index[~((table[f"{name}_low"] <= table[name]) & (table[name] <= table[f"{name}_high"]))
                          | ~table[name].between(0, 1)]  # fmt: skip
        if len(bad):
            problems.append(f"rows {list(bad)}: `{name}` must lie in [`{name}_low`, `{name}_high`] and in [0, 1]")
    if table["source"].isna().any() or not table["confidence"].isin(["H", "M", "L"]).all():
        problems.append("every row needs a `source` and a `confidence` of H, M or L")
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems) + ".")
    return table


def freight_by_class(
    flows: pd.DataFrame,
    gateways: pd.DataFrame,
    *,
    class_shares: pd.DataFrame | None = None,
    cargo_classes: pd.DataFrame | None = None,
    contestable: Literal["value", "low", "high"] = "value",
) -> pd.DataFrame:
    """Freight between gateway places by cargo class, in tonnes, TEU and US$ a year.

    Each directional flow's value is split over the cargo classes: a flow whose ``commodity`` is an HS code
    goes wholly to the class whose ``hs_chapters`` hold its chapter; a total (``TOTAL``, ``NON-OIL``) by
    the pair's ``value_share`` (the ``*`` default where the pair has no rows). Value becomes tonnes at the
    class's US$ per tonne (reported tonnes are kept and split by value where a total is split), tonnes
    become TEU at the class's tonnes per TEU (containers only), and only the ``contestable_share`` of each
    class is kept: the rest goes by routes the corridor does not hold and is reported in
    ``tonnes_per_year_not_contestable``. Each country's part is then spread over its gateway places as
    :func:`corridor.trade.od_freight` does.

    Parameters
    ----------
    flows : DataFrame
        Directional rows with ``exporter``, ``importer``, ``flow`` (exports or imports), ``commodity``,
        ``value_usd`` and ``tonnes`` (NaN where not reported); see :func:`corridor.trade.directional_flows`.
    gateways : DataFrame
        ``country``, ``place_id``, ``share``; see :func:`corridor.trade.load_gateways`.
    class_shares, cargo_classes : DataFrame, optional
        :func:`load_cargo_class_shares` and :func:`load_cargo_classes` if omitted.
    contestable : {"value", "low", "high"}
        Which end of the contestable-share range to use (an assumption; ``"value"`` is the central one).

    Returns
    -------
    DataFrame
        Indexed by (``origin``, ``destination``, ``cargo_class``): ``tonnes_per_year`` (contestable),
        ``teu_per_year`` (containers; NaN for bulk), ``value_usd_per_year`` (contestable) and
        ``tonnes_per_year_not_contestable``. A ``liquid_bulk`` row is kept with what a tanker or pipeline
        carries: :func:`assign` reports it and never puts it on the corridor.

    Raises
    ------
    ValueError
        Naming every flow whose commodity falls in no class, every country without a gateway, and turnover
        rows, together.

    Examples
    --------
    >>> import pandas as pd
    >>> from corridor import trade
    >>> flows = pd.DataFrame({"exporter": ["IND"], "importer": ["IRN"], "flow": ["exports"],
    ...                       "commodity": ["TOTAL"], "value_usd": [3e8], "tonnes": [float("nan")]})
    >>> od = freight_by_class(flows, trade.load_gateways())
    >>> od.loc[("jnpt", "tehran")].round(0)[["tonnes_per_year", "teu_per_year"]]
                 tonnes_per_year  teu_per_year
    cargo_class
    container            25200.0        2100.0
    dry_bulk            144000.0           NaN
    """
    classes = load_cargo_classes() if cargo_classes is None else cargo_classes
    shares = load_cargo_class_shares() if class_shares is None else class_shares
    if contestable not in ("value", "low", "high"):
        raise ValueError(f"`contestable` was {contestable!r}; expected 'value', 'low' or 'high'.")
    column = "contestable_share" if contestable == "value" else f"contestable_share_{contestable}"
    problems = []
    if flows["flow"].eq("turnover").any():
        problems.append("turnover rows have no direction; use `trade.split_turnover` or `trade.directional_flows`")
    missing = sorted((set(flows["exporter"]) | set(flows["importer"])) - set(gateways["country"]))
    if missing:
        problems.append(f"no gateway places for {missing}; add them to the gateways table")
    chapter_class = {ch: c for c, chs in classes["hs_chapters"].dropna().items() for ch in str(chs).split(";")}
    commodity = flows["commodity"].astype(str)
    total = commodity.isin(["TOTAL", "NON-OIL"])
    own_class = commodity.str[:2].map(chapter_class).where(~total)
    unclassed = sorted(set(commodity[~total & own_class.isna()]))
    if unclassed:
        problems.append(
            f"commodities {unclassed} fall in no cargo class; add their HS chapter to `hs_chapters` in cargo_classes"
        )
    if (flows["value_usd"] < 0).any() or flows["value_usd"].isna().any():
        problems.append("`value_usd` must be a number >= 0 in every flow")
    if problems:
        raise ValueError("cannot split flows into cargo classes: " + "; ".join(problems) + ".")
    rows = flows[["exporter", "importer", "value_usd", "tonnes"]].assign(_flow=np.arange(len(flows)))
    # totals: one row per class of the pair (or of the default); HS rows: their own class at share 1
    keyed = shares.assign(_key=shares["exporter"] + "|" + shares["importer"])
    pair_key = rows["exporter"] + "|" + rows["importer"]
    rows = rows.assign(_key=pair_key.where(pair_key.isin(keyed["_key"]), "*|*"))
    split = rows[total.to_numpy()].merge(keyed[["_key", "cargo_class", "value_share", column]], on="_key")
    own = rows[~total.to_numpy()].assign(cargo_class=own_class[~total].to_numpy(), value_share=1.0)
    own = own.merge(keyed[["_key", "cargo_class", column]], on=["_key", "cargo_class"], how="left")
    own[column] = own[column].fillna(1.0)
    parts = pd.concat([split, own], ignore_index=True)
    value = parts["value_usd"] * parts["value_share"]
    price = parts["cargo_class"].map(classes["usd_per_tonne"])
    tonnes = (parts["tonnes"] * parts["value_share"]).fillna(value / price)
    keep = parts[column]
    parts = parts.assign(
        tonnes_per_year=tonnes * keep,
        value_usd_per_year=value * keep,
        tonnes_per_year_not_contestable=tonnes * (1 - keep),
    )
    origin = gateways.rename(columns={"country": "exporter", "place_id": "origin", "share": "origin_share"})
    destination = gateways.rename(columns={"country": "importer", "place_id": "destination", "share": "dest_share"})
    spread = parts.merge(origin[["exporter", "origin", "origin_share"]]).merge(
        destination[["importer", "destination", "dest_share"]]
    )
    weight = spread["origin_share"] * spread["dest_share"]
    extensive = ["tonnes_per_year", "value_usd_per_year", "tonnes_per_year_not_contestable"]
    spread[extensive] = spread[extensive].mul(weight, axis=0)
    od = spread.groupby(["origin", "destination", "cargo_class"])[extensive].sum()
    per_teu = od.index.get_level_values("cargo_class").map(classes["tonnes_per_teu"]).to_numpy(dtype=float)
    boxed = od.index.get_level_values("cargo_class") == "container"
    od.insert(1, "teu_per_year", np.where(boxed, od["tonnes_per_year"].to_numpy() / per_teu, np.nan))
    return od


# --- checks ------------------------------------------------------------------------------------------------


def _check_trade(frame: pd.DataFrame, source: Any) -> pd.DataFrame:
    """Refuse a trade table with unknown flows, non-ISO3 countries, negative values or missing sources."""
    problems = []
    missing = [c for c in TRADE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{source}: trade columns {missing} are missing.")
    bad_flow = sorted(set(frame["flow"]) - set(FLOWS))
    if bad_flow:
        problems.append(f"`flow` has {bad_flow}; expected one of {list(FLOWS)}")
    countries = frame["is_country"].astype(bool) if "is_country" in frame else pd.Series(True, index=frame.index)
    for column in ("exporter", "importer"):
        odd = sorted({c for c in frame.loc[countries, column] if pycountry.countries.get(alpha_3=str(c)) is None})
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
    if "is_country" in frame.columns:
        types["is_country"] = bool
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


def shipped_freight(
    *, turnover_shares: float = 0.5, contestable: Literal["value", "low", "high"] = "value"
) -> pd.DataFrame:
    """The freight the analyses assign: the shipped trade as freight by cargo class between gateway places.

    ``freight_by_class(directional_flows(load_trade(), turnover_shares=...), load_gateways(), contestable=...)``
    in one call (it warns, as :func:`directional_flows` does, of pairs whose two directions share no full-year
    period: none in the shipped data).

    Parameters
    ----------
    turnover_shares : float
        Share of a turnover-only pair's trade that flows from the alphabetically first country to the other (an
        assumption; see :func:`directional_flows`).
    contestable : {"value", "low", "high"}
        Which end of each class's contestable-share range to use (see :func:`freight_by_class`).

    Returns
    -------
    DataFrame
        As :func:`freight_by_class`, indexed by (``origin``, ``destination``, ``cargo_class``).

    Examples
    --------
    >>> od = shipped_freight()
    >>> sorted(od.index.get_level_values("cargo_class").unique())
    ['container', 'dry_bulk', 'liquid_bulk']
    >>> od.equals(shipped_freight(contestable="value"))
    True
    """
    flows = directional_flows(load_trade(), turnover_shares=turnover_shares)
    return freight_by_class(flows, load_gateways(), contestable=contestable)
