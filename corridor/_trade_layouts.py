"""The layouts of the trade files the portals serve: decoding, detection, strict numbers, one reader per layout.

Private machinery behind :func:`corridor.trade.read_trade`. Each ``_read_*`` function turns one layout into a
*raw* frame of strings and numbers with the source's own codes:

``where`` (the line, row or record each row came from, for error messages), ``year``, ``period``, ``months``,
``reporter`` and ``partner`` (codes in the layout's code list), ``flow`` (``exports`` or ``imports``, seen
from the reporter), ``note``, ``commodity``, ``classification``, ``value_usd`` (US$), ``tonnes`` (t).

:mod:`corridor.trade` maps the codes, keeps or drops aggregates and checks the result.
"""

from __future__ import annotations

import csv
import io
import json
import pathlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor._model import TEXT
from corridor._validate import nearest

LAYOUTS: dict[str, str] = {
    "comtrade_plus": "UN Comtrade+ website export, CSV (UTF-8 or Windows-1252, trailing commas or not) or XLSX: "
    "refYear, reporterISO, partnerISO, flowCode, cmdCode, primaryValue (US$), netWgt (kg)",
    "comtrade_json": "UN Comtrade+ API JSON: an object whose `data` array holds records with reporterCode, "
    "partnerCode, flowCode, cmdCode, primaryValue (US$), netWgt (kg)",
    "comtrade_bulk": "UN Comtrade+ bulk file, tab-separated: reporterCode, partnerCode (numeric), flowCode, cmdCode, "
    "primaryValue / CIFValue / FOBValue (US$), netWgt (kg)",
    "comtrade_legacy": "legacy UN Comtrade CSV (35 columns): Year, Trade Flow Code (1-4), Reporter Code, Partner Code, "
    "Commodity Code, 'Trade Value (US$)', 'Netweight (kg)'; World as Partner ISO WLD or W00",
    "baci": "CEPII BACI yearly CSV: t, i, j, k, v (thousands of US$), q (tonnes), with country_codes_V*.csv",
    "imf_imts": "IMF IMTS (International Trade in Goods by partner country) SDMX-CSV: DATAFLOW (SDMX-CSV 1.0) or "
    "STRUCTURE, STRUCTURE_ID, ACTION (2.0); COUNTRY, INDICATOR, COUNTERPART_COUNTRY, TIME_PERIOD, OBS_VALUE",
    "imf_dots": "legacy IMF Direction of Trade Statistics CSV: Country Code, Counterpart Country Code (IMF codes), "
    "Indicator Code, Attribute (Value/Status), one column per year",
}

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BIG_FILE_BYTES = 50_000_000  # above this, `engine="auto"` scans with DuckDB


class TradeFileError(ValueError):
    """A trade file that cannot be read as its layout: names the file, the line, the column and the text."""


# --- decoding and splitting ----------------------------------------------------------------------------------


def decode(raw: bytes, source: str) -> tuple[str, str]:
    """Text and encoding name of a downloaded file: UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252.

    A file that is UTF-8 in one place and not in another mixes encodings, and is refused rather than guessed.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw[:4096]:
        raise TradeFileError(
            f"{source}: holds NUL bytes, so it is not text in UTF-8 or Windows-1252 (UTF-16 without a byte-order "
            "mark, or a binary file). Save it as CSV (UTF-8) and read it again."
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        bad_line = raw.count(b"\n", 0, error.start) + 1
        bad_byte = raw[error.start]
        utf8 = re.search(rb"[\xc2-\xf4][\x80-\xbf]+", raw[: error.start])
        if utf8:
            good_line = raw.count(b"\n", 0, utf8.start()) + 1
            sample = raw[max(utf8.start() - 8, 0) : utf8.end() + 8].decode("utf-8", "replace").strip()
            raise TradeFileError(
                f"{source}: mixes encodings: line {good_line} is UTF-8 ({sample!r}) but line {bad_line} has byte "
                f"0x{bad_byte:02x}, which is not UTF-8. Download the file again or save it in one encoding."
            ) from None
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise TradeFileError(
            f"{source}: line {line} has byte 0x{raw[error.start]:02x}, which is neither UTF-8 nor Windows-1252."
        ) from None


def sniff_delimiter(header_line: str) -> str:
    """The field delimiter of a header line: tab, semicolon or comma, whichever it holds most of."""
    counts = {d: header_line.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class Table:
    """A file's header and rows as strings, each row with where it came from."""

    source: str
    header: list[str]
    rows: list[list[str]]
    where: list[str]
    encoding: str = ""
    delimiter: str = ","
    extra: dict[str, Any] = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame of strings with a ``where`` column."""
        frame = pd.DataFrame(self.rows, columns=self.header, dtype=object)
        frame["where"] = self.where
        return frame


def split_text(text: str, source: str, *, encoding: str) -> Table:
    """Rows of a delimited text, checked for length; a trailing delimiter on every row is allowed and removed."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    where: list[str] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            if len(header) > 1 and header[-1] == "":
                header = header[:-1]  # a trailing delimiter after the last column name
            continue
        if len(row) == len(header) + 1 and row[-1].strip() == "":
            row = row[:-1]  # Comtrade+ website CSV: every row ends with a delimiter
        if len(row) != len(header):
            short = len(row) < len(header)
            raise TradeFileError(
                f"{source}, line {reader.line_num}: {len(row)} fields where the header has {len(header)} "
                f"({'the row is cut short: a truncated download?' if short else 'more fields than column names'}); "
                f"the row begins {delimiter.join(row)[:60]!r}."
            )
        rows.append(row)
        where.append(f"line {reader.line_num}")
    return Table(source, header or [], rows, where, encoding=encoding, delimiter=delimiter)


def read_xlsx(path: pathlib.Path, source: str) -> Table:
    """The first sheet of an Excel download, as strings (numbers written in full, empty cells as '')."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"{source} is an Excel file; reading it needs openpyxl: pip install 'corridor[trade]'"
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several types for a damaged archive
        raise TradeFileError(f"{source}: not a readable Excel workbook ({error}).") from None
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    cells = [[_cell(v) for v in row] for row in rows]
    index = [i for i, row in enumerate(cells) if any(c.strip() for c in row)]
    if not index:
        return Table(source, [], [], [])
    header = cells[index[0]]
    while header and header[-1] == "":
        header = header[:-1]
    body, where = [], []
    for i in index[1:]:
        row = cells[i][: len(header)] + [""] * (len(header) - len(cells[i]))
        if any(c.strip() for c in cells[i][len(header) :]):
            raise TradeFileError(f"{source}, row {i + 1} of sheet {sheet.title!r}: cells beyond the last column name.")
        body.append(row)
        where.append(f"row {i + 1} of sheet {sheet.title!r}")
    return Table(source, header, body, where, encoding="xlsx")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_json(text: str, source: str) -> Table:
    """The ``data`` array of a Comtrade API response, one record per row."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TradeFileError(
            f"{source}, line {error.lineno}, column {error.colno}: not valid JSON ({error.msg}); a truncated download?"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        keys = sorted(document) if isinstance(document, dict) else type(document).__name__
        raise TradeFileError(f"{source}: expected a JSON object with a `data` array (UN Comtrade API); found {keys}.")
    records = document["data"]
    if isinstance(document.get("count"), int) and document["count"] != len(records):
        raise TradeFileError(
            f"{source}: `count` says {document['count']} records but `data` holds {len(records)}; a truncated download?"
        )
    header: list[str] = []
    for record in records:
        header += [k for k in record if k not in header]
    rows = [["" if r.get(k) is None else _cell(r.get(k)) for k in header] for r in records]
    where = [f"record {i + 1} of `data`" for i in range(len(records))]
    return Table(source, header, rows, where, encoding="json")


# --- detection ---------------------------------------------------------------------------------------------


def detect(header: Iterable[str]) -> str | None:
    """The layout a header belongs to, or None."""
    names = [h.strip() for h in header]
    lower = {h.casefold() for h in names}
    first = names[0].casefold() if names else ""
    if {"t", "i", "j", "k", "v", "q"} <= lower:
        return "baci"
    if "trade value (us$)" in lower:
        return "comtrade_legacy"
    if (first == "dataflow" or first.startswith("structure")) and any(h.startswith("obs_value") for h in lower):
        return "imf_imts"
    if {"indicator code", "counterpart country code", "attribute"} <= lower:
        return "imf_dots"
    if {"reportercode", "partnercode", "flowcode"} <= lower and "reporteriso" not in lower:
        return "comtrade_bulk"
    if {"refyear", "reporteriso", "partneriso", "flowcode"} <= lower:
        return "comtrade_plus"
    return None


# --- strict numbers ----------------------------------------------------------------------------------------


def numbers(
    frame: pd.DataFrame,
    column: str,
    *,
    source: str,
    layout: str,
    blank: str = "error",
    missing: Iterable[str] = (),
    locate: Callable[[str, str], str] | None = None,
    signed: bool = False,
) -> pd.Series:
    """A column of numbers, parsed strictly: every cell is a plain decimal number or, where allowed, blank.

    Parameters
    ----------
    blank : 'error' or 'missing'
        What an empty cell (or one of `missing`, such as BACI's ``NA``) means: an error, or a figure not reported.
    locate : callable, optional
        ``locate(column, text) -> 'line N'`` for rows whose ``where`` is unknown (rows scanned by DuckDB).
    signed : bool, default False
        Allow negative numbers; trade values and weights are amounts, so by default a minus sign is an error.
    """
    text = frame[column].astype(TEXT).str.strip()
    empty = text.isna() | text.eq("") | text.isin(list(missing))
    good = text.str.fullmatch(_NUMBER.pattern).fillna(False).astype(bool)
    bad = ~good & ~empty
    if bad.any() or (blank == "error" and empty.any()):
        first = (bad | (empty if blank == "error" else False)).idxmax()
        value = "" if pd.isna(text[first]) else str(text[first])
        where = frame.at[first, "where"] if "where" in frame else None
        if not isinstance(where, str):
            where = locate(column, value) if locate else f"row {first + 1}"
        if not value or value in set(missing):
            problem = f"is blank ({value!r}); the {layout} layout gives a number in every row of this column"
        else:
            problem = f"{value!r} is not a number{_hint(value, layout)}"
        raise TradeFileError(f"{source}, {where}, column {column!r}: {problem}.")
    values = pd.to_numeric(text.where(~empty), errors="raise").astype(float)
    negative = values.lt(0)
    if negative.any() and not signed:
        first = negative.idxmax()
        where = frame.at[first, "where"] if "where" in frame else None
        if not isinstance(where, str):
            where = locate(column, str(text[first])) if locate else f"row {first + 1}"
        raise TradeFileError(
            f"{source}, {where}, column {column!r}: {text[first]!r} is negative; the {layout} layout gives amounts."
        )
    return values


def _hint(value: str, layout: str) -> str:
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", value):
        return f" (thousands separators are not part of the {layout} layout: was the file re-saved by a spreadsheet?)"
    if re.fullmatch(r"[+-]?\d+,\d+", value):
        return f" (a decimal comma is not part of the {layout} layout: was the file re-saved in another locale?)"
    return ""


def require(frame_columns: Iterable[str], columns: Iterable[str], source: str, layout: str) -> None:
    """Raise naming every missing column, with the nearest present name."""
    present = list(frame_columns)
    missing = [c for c in columns if c not in present]
    if missing:
        named = ", ".join(f"{c!r}{nearest(c, present)}" for c in missing)
        raise TradeFileError(f"{source}: missing column(s) {named}; expected the {layout} layout ({LAYOUTS[layout]}).")


# --- periods -----------------------------------------------------------------------------------------------


def period_labels(year: pd.Series, month: pd.Series | None = None, quarter: pd.Series | None = None) -> pd.DataFrame:
    """``period`` and ``months`` for calendar years, quarters (``Q1-2023``) or months (``Mar 2023``)."""
    year = year.astype(int)
    period = "CY" + year.astype(str)
    months = pd.Series(12, index=year.index)
    if quarter is not None:
        has = quarter.notna()
        period = period.where(~has, "Q" + quarter.astype("Int64").astype(str) + "-" + year.astype(str))
        months = months.where(~has, 3)
    if month is not None:
        has = month.notna()
        names = month.where(has, 1).astype(int).map(lambda m: _MONTHS[m - 1])
        period = period.where(~has, names + " " + year.astype(str))
        months = months.where(~has, 1)
    return pd.DataFrame({"year": year, "period": period, "months": months.astype(int)})


def _integers(
    frame: pd.DataFrame, column: str, *, source: str, layout: str, low: int, high: int, locate: Callable | None = None
) -> pd.Series:
    values = numbers(frame, column, source=source, layout=layout, locate=locate)
    bad = ~(values.between(low, high) & (values % 1 == 0))
    if bad.any():
        first = bad.idxmax()
        raise TradeFileError(
            f"{source}, {_at(frame, first, column, locate)}, column {column!r}: {frame.at[first, column]!r} is "
            f"not a whole number from {low} to {high}."
        )
    return values.astype(int)


def _at(frame: pd.DataFrame, row: Any, column: str, locate: Callable | None, names: Mapping | None = None) -> str:
    """Where a row came from: its ``where`` cell, or the line found by `locate` for rows scanned by DuckDB."""
    where = frame.at[row, "where"] if "where" in frame else None
    if isinstance(where, str):
        return where
    if locate is not None:
        return locate((names or {}).get(column, column), str(frame.at[row, column]).strip())
    return f"row {row + 1}"


# --- one reader per layout ---------------------------------------------------------------------------------

_PLUS_NAMES = {"refyear": "refYear", "reporteriso": "reporterISO", "partneriso": "partnerISO", "reportercode":
               "reporterCode", "partnercode": "partnerCode", "flowcode": "flowCode", "cmdcode": "cmdCode",
               "primaryvalue": "primaryValue", "netwgt": "netWgt"}  # fmt: skip
_COMTRADE_FLOWS = {"X": ("exports", ""), "M": ("imports", ""), "RX": ("exports", "re-exports"),
                   "RM": ("imports", "re-imports"), "DX": ("exports", "domestic exports"),
                   "FM": ("imports", "foreign imports")}  # fmt: skip


def read_comtrade_plus(frame: pd.DataFrame, source: str, layout: str, locate: Callable | None = None) -> pd.DataFrame:
    """Comtrade+ records (website CSV/XLSX, API JSON, bulk TSV): column names matched without regard to case.

    Codes come from the numeric ``reporterCode``/``partnerCode`` (Comtrade's own list, which names every
    area), or from ``reporterISO``/``partnerISO`` in a website export that leaves the numbers out; the raw
    frame's ``attrs['scheme']`` says which.
    """
    by_lower = {c.casefold(): c for c in frame.columns if c != "where"}
    numeric = layout != "comtrade_plus" or {"reportercode", "partnercode"} <= set(by_lower)
    codes = ("reportercode", "partnercode") if numeric else ("reporteriso", "partneriso")
    needed = ["refyear", *codes, "flowcode", "cmdcode", "primaryvalue", "netwgt"]
    missing = [_PLUS_NAMES[c] for c in needed if c not in by_lower]
    require([*by_lower.values(), *(_PLUS_NAMES[c] for c in needed if c in by_lower)], missing, source, layout)
    frame = frame.rename(columns={by_lower[c]: c for c in by_lower})
    originals = {c: by_lower[c] for c in by_lower}
    flow = frame["flowcode"].astype(TEXT).str.strip()
    bad = ~flow.isin(list(_COMTRADE_FLOWS))
    if bad.any():
        first = bad.idxmax()
        raise TradeFileError(
            f"{source}, {_at(frame, first, 'flowcode', locate, originals)}, column {originals['flowcode']!r}: "
            f"{flow[first]!r} is not one of {sorted(_COMTRADE_FLOWS)}."
        )
    year = _integers(frame, "refyear", source=source, layout=layout, low=1900, high=2100, locate=locate)
    month = None
    if "freqcode" in frame and frame["freqcode"].astype(TEXT).str.strip().eq("M").any():
        monthly = frame["freqcode"].astype(TEXT).str.strip().eq("M")
        month = _integers(frame, "refmonth", source=source, layout=layout, low=1, high=12, locate=locate)
        month = month.where(monthly)
    periods = period_labels(year, month=month)
    classification = frame["classificationcode"].astype(TEXT).str.strip() if "classificationcode" in frame else ""
    text = {c: frame[c].astype(TEXT).str.strip() for c in (*codes, "cmdcode")}
    frame = frame.rename(columns={c: originals[c] for c in ("primaryvalue", "netwgt")})
    raw = pd.concat(
        [
            frame[["where"]],
            periods,
            pd.DataFrame(
                {
                    "reporter": text[codes[0]].astype(object),
                    "partner": text[codes[1]].astype(object),
                    "flow": flow.map(lambda f: _COMTRADE_FLOWS[f][0]).astype(object),
                    "note": flow.map(lambda f: _COMTRADE_FLOWS[f][1]).astype(object),
                    "commodity": text["cmdcode"].astype(object),
                    "classification": classification,
                    "value_usd": numbers(frame, originals["primaryvalue"], source=source, layout=layout, locate=locate),
                    # Comtrade+ leaves netWgt empty where no weight was reported
                    "tonnes": numbers(
                        frame, originals["netwgt"], source=source, layout=layout, blank="missing", locate=locate
                    )
                    / 1000.0,
                },
                index=frame.index,
            ),
        ],
        axis=1,
    )
    raw.attrs["columns"] = {"reporter": originals[codes[0]], "partner": originals[codes[1]]}
    raw.attrs["scheme"] = "comtrade" if numeric else "iso3"
    breakdown = pd.Series(False, index=frame.index)
    for column, total in (("customscode", "C00"), ("motcode", "0"), ("partner2code", "0")):
        if column in frame:
            cell = frame[column].astype(TEXT).str.strip().fillna("").replace("", total)
            breakdown |= cell.ne(total)
    raw.attrs["breakdown rows"] = int(breakdown.sum())
    return raw


_LEGACY_FLOWS = {
    "1": ("imports", ""),
    "2": ("exports", ""),
    "3": ("exports", "re-exports"),
    "4": ("imports", "re-imports"),
}
_LEGACY = ("Year", "Period", "Trade Flow Code", "Reporter Code", "Partner Code", "Commodity Code", "Classification",
           "Netweight (kg)", "Trade Value (US$)")  # fmt: skip


def read_comtrade_legacy(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """The classic 35-column Comtrade CSV; flows coded 1 imports, 2 exports, 3 re-exports, 4 re-imports."""
    layout = "comtrade_legacy"
    require(frame.columns, _LEGACY, source, layout)
    flow = frame["Trade Flow Code"].str.strip()
    bad = ~flow.isin(list(_LEGACY_FLOWS))
    if bad.any():
        first = bad.idxmax()
        raise TradeFileError(
            f"{source}, {frame.at[first, 'where']}, column 'Trade Flow Code': {flow[first]!r} is not one of "
            f"{sorted(_LEGACY_FLOWS)} (1 imports, 2 exports, 3 re-exports, 4 re-imports)."
        )
    year = _integers(frame, "Year", source=source, layout=layout, low=1900, high=2100)
    period = frame["Period"].str.strip()
    month = period.where(period.str.fullmatch(r"\d{6}")).str[4:].astype("Int64")
    raw = pd.concat(
        [
            frame[["where"]],
            period_labels(year, month=month.astype(float).where(month.notna())),
            pd.DataFrame(
                {
                    "reporter": frame["Reporter Code"].str.strip(),
                    "partner": frame["Partner Code"].str.strip(),
                    "flow": flow.map(lambda f: _LEGACY_FLOWS[f][0]),
                    "note": flow.map(lambda f: _LEGACY_FLOWS[f][1]),
                    "commodity": frame["Commodity Code"].str.strip(),
                    "classification": frame["Classification"].str.strip(),
                    "value_usd": numbers(frame, "Trade Value (US$)", source=source, layout=layout),
                    "tonnes": numbers(frame, "Netweight (kg)", source=source, layout=layout, blank="missing") / 1000,
                },
                index=frame.index,
            ),
        ],
        axis=1,
    )
    raw.attrs["columns"] = {"reporter": "Reporter Code", "partner": "Partner Code"}
    return raw


def read_baci(frame: pd.DataFrame, source: str, *, classification: str, locate: Callable | None) -> pd.DataFrame:
    """BACI rows (``t,i,j,k,v,q``): ``v`` thousands of US$, ``q`` tonnes (``NA`` or blank where unknown)."""
    layout = "baci"
    require(frame.columns, ("t", "i", "j", "k", "v", "q"), source, layout)
    year = numbers(frame, "t", source=source, layout=layout, locate=locate).astype(int)
    raw = pd.concat(
        [
            frame[["where"]] if "where" in frame else pd.DataFrame({"where": None}, index=frame.index),
            period_labels(year),
            pd.DataFrame(
                {
                    "reporter": frame["i"].astype(str).str.strip(),
                    "partner": frame["j"].astype(str).str.strip(),
                    "flow": "exports",
                    "note": "",
                    "commodity": frame["k"].astype(str).str.strip().str.zfill(6),
                    "classification": classification,
                    "value_usd": numbers(frame, "v", source=source, layout=layout, locate=locate) * 1000.0,
                    "tonnes": numbers(
                        frame, "q", source=source, layout=layout, blank="missing", missing=("NA",), locate=locate
                    ),
                },
                index=frame.index,
            ),
        ],
        axis=1,
    )
    raw.attrs["columns"] = {"reporter": "i", "partner": "j"}
    return raw


def baci_codes(path: pathlib.Path) -> dict[str, str]:
    """BACI country code -> its ISO3 column, from ``country_codes_V*.csv`` (new or old column names)."""
    source = str(path)
    table = split_text(decode(path.read_bytes(), source)[0], source, encoding="")
    frame = table.frame()
    lower = {c.casefold(): c for c in frame.columns}
    iso = lower.get("country_iso3") or lower.get("iso_3digit_alpha")
    if "country_code" not in lower or iso is None:
        raise TradeFileError(
            f"{source}: expected BACI's country table with 'country_code' and 'country_iso3' (or the older "
            f"'iso_3digit_alpha'); found {list(frame.columns)}."
        )
    codes = frame[lower["country_code"]].str.strip().str.lstrip("0").replace("", "0")
    return dict(zip(codes, frame[iso].str.strip(), strict=True))


_IMF_INDICATORS = {  # IMTS codes, then the DOTS codes they replaced
    "XG_FOB_USD": ("exports", "exports f.o.b."),
    "MG_CIF_USD": ("imports", "imports c.i.f."),
    "MG_FOB_USD": ("imports", "imports f.o.b."),
    "TXG_FOB_USD": ("exports", "exports f.o.b."),
    "TMG_CIF_USD": ("imports", "imports c.i.f."),
    "TMG_FOB_USD": ("imports", "imports f.o.b."),
}
_IMF_DERIVED = ("TBG_USD",)  # the trade balance: derived, not a flow


def _strip_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """SDMX-CSV with ``labels=both``: headers ``COUNTRY: Country`` and cells ``IND: India`` -> the IDs."""
    frame = frame.rename(columns=lambda c: c.split(":")[0].strip() if c != "where" else c)
    for column in frame.columns.drop("where"):
        frame[column] = frame[column].str.split(": ", n=1).str[0].str.strip()
    return frame


def read_imf_imts(
    frame: pd.DataFrame, source: str, *, scale: float | None, report: dict[str, Any]
) -> tuple[pd.DataFrame, str]:
    """IMF SDMX-CSV rows; returns the raw frame and the code list of its country columns (iso3 or iso2)."""
    layout = "imf_imts"
    frame = _strip_labels(frame)
    country = "COUNTRY" if "COUNTRY" in frame else "REF_AREA"
    counterpart = "COUNTERPART_COUNTRY" if "COUNTERPART_COUNTRY" in frame else "COUNTERPART_AREA"
    require(frame.columns, (country, "INDICATOR", counterpart, "TIME_PERIOD", "OBS_VALUE"), source, layout)
    indicator = frame["INDICATOR"]
    derived = indicator.isin(_IMF_DERIVED)
    unknown = ~indicator.isin(list(_IMF_INDICATORS)) & ~derived
    if unknown.any():
        first = unknown.idxmax()
        raise TradeFileError(
            f"{source}, {frame.at[first, 'where']}, column 'INDICATOR': {indicator[first]!r} is not a goods flow "
            f"this reader knows ({sorted(_IMF_INDICATORS)}; {list(_IMF_DERIVED)} is skipped as derived)."
        )
    if derived.any():
        report["trade balance rows skipped (derived, not a flow)"] = int(derived.sum())
    empty = frame["OBS_VALUE"].str.strip().eq("")
    if empty.any():
        report["observations without a value skipped"] = int((empty & ~derived).sum())
    frame = frame[~derived & ~empty]
    unit_column = next((c for c in ("SCALE", "UNIT_MULT") if c in frame), None)
    if unit_column is not None and scale is not None:
        raise TradeFileError(
            f"{source}: the file states its unit in column {unit_column!r}; leave out `scale` (it was {scale!r})."
        )
    if unit_column is None and scale is None:
        raise TradeFileError(
            f"{source}: the file does not state its unit (no SCALE or UNIT_MULT column); pass `scale`, the US$ "
            "per unit of OBS_VALUE (1 for dollars, 1e6 for millions)."
        )
    if unit_column is not None:
        power = _integers(frame, unit_column, source=source, layout=layout, low=0, high=12)
        multiplier = 10.0**power
    else:
        multiplier = pd.Series(float(scale), index=frame.index)  # type: ignore[arg-type]
    time = frame["TIME_PERIOD"].str.strip()
    parts = time.str.extract(r"^(\d{4})(?:-Q([1-4])|-M?(\d{2}))?$")
    bad = parts[0].isna()
    if bad.any():
        first = bad.idxmax()
        raise TradeFileError(
            f"{source}, {frame.at[first, 'where']}, column 'TIME_PERIOD': {time[first]!r} is not a year ('2023'), "
            "quarter ('2023-Q1') or month ('2023-M01' or '2023-01')."
        )
    periods = period_labels(parts[0].astype(int), month=parts[2].astype(float), quarter=parts[1].astype(float))
    flow = frame["INDICATOR"].map(lambda i: _IMF_INDICATORS[i][0])
    raw = pd.concat(
        [
            frame[["where"]],
            periods,
            pd.DataFrame(
                {
                    "reporter": frame[country],
                    "partner": frame[counterpart],
                    "flow": flow,
                    "note": frame["INDICATOR"].map(lambda i: _IMF_INDICATORS[i][1]),
                    "commodity": "TOTAL",
                    "classification": "",
                    "value_usd": numbers(frame, "OBS_VALUE", source=source, layout=layout) * multiplier,
                    "tonnes": np.nan,
                },
                index=frame.index,
            ),
        ],
        axis=1,
    )
    raw.attrs["columns"] = {"reporter": country, "partner": counterpart}
    return raw, ("iso3" if country == "COUNTRY" else "iso2")


_DOTS = ("Country Code", "Counterpart Country Code", "Indicator Code", "Attribute")


def read_imf_dots(frame: pd.DataFrame, source: str, *, scale: float | None, report: dict[str, Any]) -> pd.DataFrame:
    """Legacy DOTS: ``Value`` rows of the goods flows, one column per year; the unit must come from the user."""
    layout = "imf_dots"
    if scale is None:
        raise TradeFileError(
            f"{source}: legacy IMF DOTS files do not state their unit; pass `scale`, the US$ per unit of the "
            "values (1 for dollars, 1e6 for millions, as chosen when downloading)."
        )
    require(frame.columns, _DOTS, source, layout)
    years = [c for c in frame.columns if re.fullmatch(r"\d{4}", c.strip())]
    if not years:
        raise TradeFileError(f"{source}: no year columns (such as '2022'); expected the {layout} layout.")
    attribute = frame["Attribute"].str.strip()
    status = attribute.eq("Status")
    if status.any():
        report["Status rows skipped (flags, not values)"] = int(status.sum())
    odd = ~attribute.isin(["Value", "Status"])
    if odd.any():
        first = odd.idxmax()
        raise TradeFileError(
            f"{source}, {frame.at[first, 'where']}, column 'Attribute': {attribute[first]!r} is not 'Value' or "
            "'Status'."
        )
    indicator = frame["Indicator Code"].str.strip()
    derived = indicator.isin(_IMF_DERIVED) & ~status
    if derived.any():
        report["trade balance rows skipped (derived, not a flow)"] = int(derived.sum())
    unknown = ~indicator.isin(list(_IMF_INDICATORS)) & ~derived & ~status
    if unknown.any():
        first = unknown.idxmax()
        raise TradeFileError(
            f"{source}, {frame.at[first, 'where']}, column 'Indicator Code': {indicator[first]!r} is not a goods "
            f"flow this reader knows ({sorted(_IMF_INDICATORS)})."
        )
    rows = frame[~status & ~derived]
    long = rows.melt(id_vars=[*_DOTS, "where"], value_vars=years, var_name="year", value_name="value")
    long["where"] = long["where"] + ", year " + long["year"]
    empty = long["value"].fillna("").str.strip().eq("")
    if empty.any():
        report["empty year cells skipped (no figure)"] = int(empty.sum())
    long = long[~empty].reset_index(drop=True)
    indicator = long["Indicator Code"].str.strip()
    raw = pd.concat(
        [
            long[["where"]],
            period_labels(long["year"].astype(int)),
            pd.DataFrame(
                {
                    "reporter": long["Country Code"].str.strip(),
                    "partner": long["Counterpart Country Code"].str.strip(),
                    "flow": indicator.map(lambda i: _IMF_INDICATORS[i][0]),
                    "note": indicator.map(lambda i: _IMF_INDICATORS[i][1]),
                    "commodity": "TOTAL",
                    "classification": "",
                    "value_usd": numbers(long, "value", source=source, layout=layout) * scale,
                    "tonnes": np.nan,
                }
            ),
        ],
        axis=1,
    )
    raw.attrs["columns"] = {"reporter": "Country Code", "partner": "Counterpart Country Code"}
    return raw


# --- big files: DuckDB filtering while scanning, by column names -------------------------------------------


def scan_duckdb(
    path: pathlib.Path, *, delimiter: str, columns: Mapping[str, str], where: Mapping[str, list[str]] | None
) -> pd.DataFrame:
    """Read named columns of a large delimited file as text, keeping rows whose columns hold one of the codes.

    `columns` maps the file's column names to the names returned; `where` maps returned names to the codes
    kept (compared after trimming spaces and leading zeros).
    """
    try:
        import duckdb
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(f"{path} is large; scanning it needs DuckDB: pip install 'corridor[large]'") from None
    select = ", ".join(f'"{name}" AS "{alias}"' for name, alias in columns.items())
    conditions = []
    for alias, codes in (where or {}).items():
        name = next(n for n, a in columns.items() if a == alias)
        if all(c.isdigit() for c in codes):  # numeric codes: compare numbers, much faster than trimmed text
            listed = ", ".join(str(int(c)) for c in codes) or "NULL"
            conditions.append(f'TRY_CAST(trim("{name}") AS BIGINT) IN ({listed})')
        else:
            listed = ", ".join("'" + c.replace("'", "''") + "'" for c in codes) or "NULL"
            conditions.append(f"coalesce(nullif(ltrim(trim(\"{name}\"), '0'), ''), '0') IN ({listed})")
    query = f"SELECT {select} FROM read_csv(?, header = true, delim = ?, all_varchar = true, quote = '\"')"
    if conditions:
        query += " WHERE " + " AND ".join(conditions)
    try:
        with duckdb.connect() as connection:
            connection.execute("SET enable_progress_bar = false")  # a library prints nothing
            return connection.execute(query, [str(path), delimiter]).df()
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        raise TradeFileError(f"{path}: DuckDB could not scan it as a delimited file: {message}") from None


def locator(path: pathlib.Path, delimiter: str) -> Callable[[str, str], str]:
    """``locate(column, text)``: the first line whose `column` holds `text` (only called to word an error)."""

    def locate(column: str, text: str) -> str:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            header = [h.strip() for h in next(reader)]
            index = header.index(column) if column in header else None
            for row in reader:
                if index is not None and index < len(row) and row[index].strip() == text:
                    return f"line {reader.line_num}"
        return "line unknown"

    return locate
