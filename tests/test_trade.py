import math
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor import trade

DATA = Path(__file__).parent / "data"


# --- codes ---------------------------------------------------------------------------------------------------


def test_to_iso3_guesses_only_what_cannot_be_confused():
    values = ["IN", "ind", "RUS", "Iran, Islamic Rep. of", "Russian Federation", "Azerbaijan"]
    assert trade.to_iso3(values) == ["IND", "IND", "RUS", "IRN", "RUS", "AZE"]
    with pytest.raises(trade.UnknownCountryError, match=r"'534' \(a number: say which list, e\.g\. m49 SXM, "
                                                        r"comtrade SXM, imf IND\)"):  # fmt: skip
        trade.to_iso3("534")


def test_to_iso3_reads_each_code_list():
    assert trade.to_iso3("534", scheme="imf") == "IND"  # the IMF's India ...
    assert trade.to_iso3("534", scheme="m49") == "SXM"  # ... is Sint Maarten in M49
    assert trade.to_iso3(["699", 364, "842", "0356"], scheme="comtrade") == ["IND", "IRN", "USA", "IND"]
    assert trade.to_iso3(["356", "004"], scheme="m49") == ["IND", "AFG"]
    assert trade.to_iso3(["922", "912", "916", "925", "429"], scheme="imf") == ["RUS", "AZE", "KAZ", "TKM", "IRN"]
    assert trade.to_iso3("Türkiye", scheme="name") == "TUR"
    with pytest.raises(trade.UnknownCountryError, match=r"'IN'"):
        trade.to_iso3("IN", scheme="iso3")  # an ISO2 code is not in the ISO3 list
    with pytest.raises(ValueError, match=r"`scheme` was 'isO3'; expected one of \['m49', 'comtrade'"):
        trade.to_iso3("IND", scheme="isO3")


def test_a_string_is_one_value_not_its_letters():
    assert trade.to_iso3("IND") == "IND"
    assert trade.to_iso3(["IND"]) == ["IND"]
    assert trade.from_iso3("IND", scheme="imf") == "534"
    t = trade.read_trade(DATA / "BACI_HS17_Y2022_V202501.csv", countries="IND")
    assert t.attrs["read_report"]["countries"] == ["IND"]  # not ['D', 'I', 'N']
    assert t.empty and t.attrs["read_report"]["rows outside `countries` left out"] == 9


def test_aggregates_have_explicit_codes_only_when_asked():
    with pytest.raises(trade.UnknownCountryError, match=r"'W00' \(an aggregate, WLD: pass `aggregates=True`"):
        trade.to_iso3(["W00", "IND"], scheme="iso3")
    assert trade.to_iso3(["W00", "S19", "AZE"], scheme="iso3", aggregates=True) == ["WLD", "S19", "AZE"]
    assert trade.to_iso3(["0", "490", "899"], scheme="comtrade", aggregates=True) == ["WLD", "S19", "_X"]
    assert trade.to_iso3("001", scheme="imf", aggregates=True) == "WLD"
    assert trade.to_iso3(["G001", "G110"], scheme="iso3", aggregates=True) == ["WLD", "IMF:G110"]  # IMF groups


@pytest.mark.parametrize("scheme", trade.SCHEMES)
def test_codes_round_trip_in_every_scheme(scheme):
    countries = ["IND", "RUS", "IRN", "AZE", "KAZ", "TKM", "USA", "FRA", "CHE", "NOR", "TUR", "CHN", "GEO", "ARM"]
    codes = trade.from_iso3(countries, scheme=scheme)
    assert len(set(codes)) == len(countries)
    assert trade.to_iso3(codes, scheme=scheme) == countries
    assert trade.to_iso3(trade.from_iso3("WLD", scheme=scheme), scheme=scheme, aggregates=True) == "WLD"


def test_every_imf_code_round_trips():
    table = pd.read_csv(trade._trade_path("imf_country_codes.csv"), dtype=str)
    assert table["imf_code"].is_unique and table["iso3"].is_unique
    assert trade.to_iso3(table["imf_code"], scheme="imf") == table["iso3"].tolist()
    assert trade.from_iso3(table["iso3"], scheme="imf") == table["imf_code"].tolist()


def test_to_iso3_lists_every_unmapped_value_once():
    with pytest.raises(trade.UnknownCountryError) as info:
        trade.to_iso3(["IND", "Atlantis", "XX", "Atlantis", "Kazakstan"], argument="partner")
    message = str(info.value)
    assert message.startswith("3 value(s) in `partner` are not countries: 'Atlantis'")
    assert "'Kazakstan' (did you mean 'Kazakhstan'?)" in message
    assert "'XX'" in message and "country_aliases.csv" in message


# --- readers: one good file per layout ------------------------------------------------------------------------

GOOD = {
    "comtrade_plus_export.csv": "comtrade_plus",  # Windows-1252, trailing comma on every row, CRLF
    "comtrade_plus_export.xlsx": "comtrade_plus",
    "comtrade_sample.csv": "comtrade_plus",  # UTF-8, no trailing comma
    "comtrade_api.json": "comtrade_json",
    "comtrade_bulk_C_M_643_2023_H6.txt": "comtrade_bulk",
    "comtrade_legacy.csv": "comtrade_legacy",
    "comtrade_legacy_w00.csv": "comtrade_legacy",
    "BACI_HS17_Y2022_V202501.csv": "baci",
    "imf_imts_sdmx30.csv": "imf_imts",
    "imf_dot_sdmx21.csv": "imf_imts",
    "imf_dots_sample.csv": "imf_dots",
}


@pytest.mark.parametrize(("name", "layout"), GOOD.items())
def test_detection_picks_the_layout_of_every_good_file(name, layout):
    scale = 1e6 if layout == "imf_dots" else None
    t = trade.read_trade(DATA / name, scale=scale)
    assert t.attrs["read_report"]["layout"] == layout
    assert len(t) and t["value_usd"].gt(0).all() and t["source"].str.len().gt(0).all()
    forced = trade.read_trade(DATA / name, layout=layout, scale=scale)
    pd.testing.assert_frame_equal(t, forced)


@pytest.mark.parametrize(("name", "layout"), GOOD.items())
def test_nothing_is_dropped_silently(name, layout):
    scale = 1e6 if layout == "imf_dots" else None
    full = trade.read_trade(DATA / name, scale=scale)
    fewer = trade.read_trade(DATA / name, scale=scale, drop_aggregates=True)
    assert len(full) == len(fewer) + fewer.attrs["read_report"]["aggregate rows left out"]
    assert (~full["is_country"]).sum() == fewer.attrs["read_report"]["aggregate rows left out"] > 0
    report = full.attrs["read_report"]
    skipped = sum(count for key, count in report.items() if "skipped" in key)
    if layout == "imf_dots":  # one row per year cell of each Value row of a goods flow
        rows = report["rows in file"] - report["Status rows skipped (flags, not values)"]
        rows -= report["trade balance rows skipped (derived, not a flow)"]
        assert rows * 3 == len(full) + report["empty year cells skipped (no figure)"]
    else:  # one row per line or record
        assert report["rows in file"] == len(full) + skipped


def _key(t):
    return t[["exporter", "importer", "flow", "commodity", "value_usd", "tonnes", "note", "is_country"]]


def test_comtrade_plus_windows_1252_with_trailing_commas():
    t = trade.read_trade(DATA / "comtrade_plus_export.csv")
    assert t.attrs["read_report"]["encoding"] == "cp1252"
    assert t["exporter"].tolist() == ["IND", "RUS", "IND", "IRN", "IND", "IND"]  # no column shifted by one
    assert t["importer"].tolist() == ["RUS", "IND", "WLD", "RUS", "TUR", "S19"]
    tea = t.iloc[0]
    assert (tea["flow"], tea["commodity"], tea["classification"]) == ("exports", "09", "H6")
    assert tea["value_usd"] == 6_000_000 and tea["tonnes"] == 2000.0  # 2,000,000 kg
    fuel = t.iloc[1]  # India's imports from Russia: Russia exports, India reports
    assert (fuel["exporter"], fuel["importer"], fuel["reporter"], fuel["tonnes"]) == ("RUS", "IND", "IND", 60000.0)
    assert np.isnan(t.iloc[2]["tonnes"]) and t.iloc[3]["note"] == "re-exports"
    assert t["is_country"].tolist() == [True, True, False, True, True, False]  # World, Other Asia nes kept
    assert (t["period"] == "CY2022").all() and (t["months"] == 12).all()


def test_comtrade_breakdown_rows_are_counted(tmp_path):
    lines = (DATA / "comtrade_plus_export.csv").read_bytes().decode("cp1252").split("\r\n")
    lines[1] = lines[1].replace(",C00,TOTAL CPC,0,0,TOTAL MOT,", ",C00,TOTAL CPC,0,2100,Rail,")
    (tmp_path / "by_mode.csv").write_bytes("\r\n".join(lines).encode("cp1252"))
    report = trade.read_trade(tmp_path / "by_mode.csv").attrs["read_report"]
    key = "rows breaking a total down by customs procedure, mode of transport or second partner (kept)"
    assert report[key] == 1
    assert key not in trade.read_trade(DATA / "comtrade_plus_export.csv").attrs["read_report"]


def test_comtrade_plus_xlsx_reads_as_the_csv():
    csv_table = trade.read_trade(DATA / "comtrade_plus_export.csv")
    xlsx_table = trade.read_trade(DATA / "comtrade_plus_export.xlsx")
    assert xlsx_table.attrs["read_report"]["encoding"] == "xlsx"
    pd.testing.assert_frame_equal(_key(csv_table), _key(xlsx_table))


def test_comtrade_api_json_uses_numeric_codes():
    t = trade.read_trade(DATA / "comtrade_api.json")
    pd.testing.assert_frame_equal(_key(t), _key(trade.read_trade(DATA / "comtrade_plus_export.csv").head(4)))


def test_comtrade_bulk_monthly_with_capitalised_value_columns():
    t = trade.read_trade(DATA / "comtrade_bulk_C_M_643_2023_H6.txt")
    assert t["period"].tolist() == ["Jan 2023", "Feb 2023", "Jan 2023", "Jan 2023"] and (t["months"] == 1).all()
    apples = t.iloc[2]  # Russia's imports from Iran
    assert (apples["exporter"], apples["importer"], apples["value_usd"], apples["tonnes"]) == ("IRN", "RUS", 3e6, 4000)
    assert t.iloc[3]["importer"] == "WLD"


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_comtrade_bulk_filtered_by_named_columns(engine):
    t = trade.read_trade(DATA / "comtrade_bulk_C_M_643_2023_H6.txt", countries=["RUS", "IND", "IRN"], engine=engine)
    assert list(zip(t["exporter"], t["importer"], t["period"], strict=True)) == [
        ("RUS", "IND", "Jan 2023"), ("RUS", "IND", "Feb 2023"), ("IRN", "RUS", "Jan 2023")
    ]  # fmt: skip
    assert t["value_usd"].sum() == 1.5e6 + 0.6e6 + 3e6


def test_comtrade_legacy_flow_codes_and_world():
    for name in ("comtrade_legacy.csv", "comtrade_legacy_w00.csv"):
        t = trade.read_trade(DATA / name)
        assert t["flow"].tolist() == ["exports", "imports", "exports", "exports"]
        assert t["note"].tolist() == ["", "", "re-exports", ""]
        assert (t.iloc[1]["exporter"], t.iloc[1]["importer"]) == ("IRN", "KAZ")  # flow code 1: an import
        assert t.iloc[0]["tonnes"] == 500_000 and t.iloc[3]["importer"] == "WLD"
        assert (t["classification"] == "H4").all() and (t["period"] == "CY2016").all()


def test_baci_thousands_tonnes_and_code_490():
    t = trade.read_trade(DATA / "BACI_HS17_Y2022_V202501.csv")  # country_codes_V202501.csv found beside it
    tea = t[t["commodity"].eq("090240")].iloc[0]
    assert tea["value_usd"] == pytest.approx(1_500_500.0) and tea["tonnes"] == 250.25  # v in thousands of US$
    assert (t["classification"] == "HS17").all() and (t["reporter"] == "").all()
    other_asia = t[t["exporter"].eq("S19")]
    assert len(other_asia) == 1 and not other_asia["is_country"].item()  # code 490 kept, not a country
    assert t["tonnes"].isna().sum() == 2  # q blank and q 'NA'
    assert t["value_usd"].sum() == pytest.approx(1000 * (1500.5 + 8000 + 25000 + 3000 + 70.2 + 900 + 500 + 10 + 12.5))


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_baci_filtered_while_scanning(engine):
    t = trade.read_trade(DATA / "BACI_HS17_Y2022_V202501.csv", countries=["IND", "RUS", "IRN", "AZE"], engine=engine)
    assert sorted(zip(t["exporter"], t["importer"], strict=True)) == [
        ("AZE", "IRN"), ("IND", "RUS"), ("IND", "RUS"), ("IRN", "AZE"), ("RUS", "IND"), ("RUS", "IRN")
    ]  # fmt: skip
    assert t["value_usd"].sum() == pytest.approx(1000 * (1500.5 + 8000 + 25000 + 3000 + 70.2 + 12.5))
    left_out = t.attrs["read_report"]["rows outside `countries` left out"]
    assert left_out == (3 if engine == "python" else "not counted: left out by DuckDB while scanning")


def test_imf_imts_sdmx_csv_both_versions():
    t = trade.read_trade(DATA / "imf_imts_sdmx30.csv")
    report = t.attrs["read_report"]
    assert report["trade balance rows skipped (derived, not a flow)"] == 1
    assert t["value_usd"].tolist() == [4e9, 61e9, 431e9, 15.5e6, 250e6]  # SCALE 6: millions; 0: dollars
    assert t["period"].tolist() == ["CY2023", "CY2023", "CY2023", "Q1-2023", "Jan 2023"]
    assert t.iloc[2]["importer"] == "WLD" and not t.iloc[2]["is_country"]  # G001
    old = trade.read_trade(DATA / "imf_dot_sdmx21.csv")  # ISO2 areas, UNIT_MULT, W00
    assert list(zip(old["exporter"], old["importer"], old["value_usd"], strict=True)) == [
        ("IND", "RUS", 2.8e9), ("IRN", "IND", 6.7e8), ("IND", "WLD", 4.53e11)
    ]  # fmt: skip


def test_imf_dots_codes_world_and_status_rows():
    t = trade.read_trade(DATA / "imf_dots_sample.csv", scale=1e6)
    assert set(t["flow"]) == {"exports", "imports"}  # the balance is not a flow
    ind_rus = t[(t["exporter"] == "IND") & (t["importer"] == "RUS")].set_index("year")["value_usd"]
    assert ind_rus.to_dict() == {2021: 3e9, 2022: 2.8e9, 2023: 4e9}  # IMF code 534 is India
    assert t.query("importer == 'WLD'")["value_usd"].tolist() == [395e9, 453e9, 431e9]
    report = t.attrs["read_report"]
    assert report["Status rows skipped (flags, not values)"] == 1
    assert report["empty year cells skipped (no figure)"] == 1  # India's imports from Iran, 2023


def test_drop_aggregates_reports_what_it_dropped():
    kept = trade.read_trade(DATA / "comtrade_plus_export.csv")
    dropped = trade.read_trade(DATA / "comtrade_plus_export.csv", drop_aggregates=True)
    assert len(kept) == 6 and len(dropped) == 4 and dropped["is_country"].all()
    report = dropped.attrs["read_report"]
    assert report["aggregate rows left out"] == 2
    assert report["aggregate rows left out, by code"] == {"S19": 1, "WLD": 1}
    assert "aggregate rows left out" not in kept.attrs["read_report"]


def test_wrappers_keep_their_families():
    assert len(trade.read_comtrade(DATA / "comtrade_legacy.csv")) == 4
    assert len(trade.read_imf(DATA / "imf_dots_sample.csv", scale=1)) == 11
    assert len(trade.read_baci(DATA / "BACI_HS17_Y2022_V202501.csv", DATA / "country_codes_V202501.csv")) == 9
    with pytest.raises(trade.TradeFileError, match=r"is a baci file, not UN Comtrade; use read_trade"):
        trade.read_comtrade(DATA / "BACI_HS17_Y2022_V202501.csv")


# --- readers: bad files, each with its message ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "options", "error", "message"),
    [
        ("bad_unknown_code.csv", {}, trade.UnknownCountryError,
         r"bad_unknown_code\.csv, line 3, column 'partnerCode': partner code '999' is not a country or area in "
         r"the 'comtrade' code list"),
        ("bad_thousands.csv", {}, trade.TradeFileError,
         r"bad_thousands\.csv, line 2, column 'primaryValue': '6,000,000' is not a number \(thousands separators "
         r"are not part of the comtrade_plus layout"),
        ("BACI_HS17_Y2022_V209901.csv", {}, trade.TradeFileError,
         r"BACI_HS17_Y2022_V209901\.csv, line 4, column 'v': '25OO0' is not a number\."),
        ("BACI_HS17_Y2022_V209901.csv", {"engine": "duckdb"}, trade.TradeFileError,
         r"BACI_HS17_Y2022_V209901\.csv, line 4, column 'v': '25OO0' is not a number\."),
        ("bad_truncated.csv", {}, trade.TradeFileError,
         r"bad_truncated\.csv, line 4: 14 fields where the header has 47 \(the row is cut short: a truncated "
         r"download\?\); the row begins 'C,A,20220101"),
        ("bad_truncated.json", {}, trade.TradeFileError,
         r"bad_truncated\.json, line \d+, column \d+: not valid JSON .*a truncated download\?"),
        ("bad_header.csv", {}, trade.TradeFileError,
         r"bad_header\.csv: missing column\(s\) 'primaryValue' \(did you mean 'primaryValu'\?\); expected the "
         r"comtrade_plus layout"),
        ("bad_layout.csv", {}, trade.TradeFileError,
         r"bad_layout\.csv: not a trade layout this reader knows\. The file looks like: utf-8, delimiter ',', 4 "
         r"columns \['year', 'from', 'to', 'value'\], 1 rows\. Known layouts: comtrade_plus: .*imf_dots: "),
        ("bad_empty.csv", {}, trade.TradeFileError, r"bad_empty\.csv: the file is empty \(0 bytes\)"),
        ("bad_mixed_encoding.csv", {}, trade.TradeFileError,
         r"bad_mixed_encoding\.csv: mixes encodings: line 2 is UTF-8 \('tea, maté and spi'\) but line 6 has byte "
         r"0xfc, which is not UTF-8"),
        ("imf_dots_sample.csv", {}, trade.TradeFileError,
         r"imf_dots_sample\.csv: legacy IMF DOTS files do not state their unit; pass `scale`"),
        ("imf_imts_sdmx30.csv", {"scale": 1e6}, trade.TradeFileError,
         r"imf_imts_sdmx30\.csv: the file states its unit in column 'SCALE'; leave out `scale`"),
        ("imf_dots_unmappable.csv", {"scale": 1}, trade.UnknownCountryError,
         r"imf_dots_unmappable\.csv, line 6, year 2021, column 'Country Code': reporter code '999' is not a country "
         r"or area in the 'imf' code list \(all unknown: \['998', '999'\]\)"),
        ("comtrade_plus_export.csv", {"layout": "baci"}, trade.TradeFileError,
         r"missing column\(s\) 't', 'i', 'j', 'k', 'v', 'q'; expected the baci layout"),
    ],
)  # fmt: skip
def test_bad_files_get_a_message_naming_file_line_column_and_text(name, options, error, message):
    with pytest.raises(error, match=message):
        trade.read_trade(DATA / name, **options)


def test_bad_cells_never_become_nan(tmp_path):
    lines = (DATA / "BACI_HS17_Y2022_V202501.csv").read_text().splitlines()
    for text, hint in [("", "is blank"), ('"12,5"', "a decimal comma"), ("n/a", "'n/a' is not a number"),
                       ("1e", "'1e' is not a number"), ("-80", "'-80' is negative")]:  # fmt: skip
        path = tmp_path / "BACI_HS17_Y2022_V202501.csv"
        path.write_text("\n".join([*lines[:2], lines[2].replace(",8000,", f",{text},"), *lines[3:]]) + "\n")
        (tmp_path / "country_codes_V202501.csv").write_text((DATA / "country_codes_V202501.csv").read_text())
        with pytest.raises(trade.TradeFileError, match=rf"line 3, column 'v': .*{re.escape(hint)}"):
            trade.read_trade(path)


def test_baci_code_missing_from_its_country_table(tmp_path):
    path = tmp_path / "BACI_HS17_Y2022_V202501.csv"
    path.write_text((DATA / "BACI_HS17_Y2022_V202501.csv").read_text().replace("2022,842,", "2022,841,"))
    with pytest.raises(trade.UnknownCountryError, match=r"line 7, column 'i': country code '841' is not in "
                                                        r"country_codes_V202501\.csv"):  # fmt: skip
        trade.read_trade(path, country_codes=DATA / "country_codes_V202501.csv")
    with pytest.raises(trade.TradeFileError, match=r"pass `country_codes=`"):
        trade.read_trade(path)


def test_options_are_checked():
    with pytest.raises(ValueError, match=r"`layout` was 'comtrade'; expected one of \['comtrade_plus'"):
        trade.read_trade(DATA / "comtrade_sample.csv", layout="comtrade")
    with pytest.raises(ValueError, match=r"`engine` was 'fast'"):
        trade.read_trade(DATA / "comtrade_sample.csv", engine="fast")
    with pytest.raises(FileNotFoundError, match=r"nowhere\.csv: no such file"):
        trade.read_trade(DATA / "nowhere.csv")


def test_utf16_with_bom_is_read_and_nul_bytes_without_it_are_refused(tmp_path):
    text = (DATA / "comtrade_legacy.csv").read_text()
    (tmp_path / "utf16.csv").write_bytes(text.encode("utf-16"))
    assert trade.read_trade(tmp_path / "utf16.csv").attrs["read_report"]["encoding"] == "utf-16"
    (tmp_path / "utf16le.csv").write_bytes(text.encode("utf-16-le"))
    with pytest.raises(trade.TradeFileError, match=r"utf16le\.csv: holds NUL bytes"):
        trade.read_trade(tmp_path / "utf16le.csv")


# --- shipped data --------------------------------------------------------------------------------------------


def test_shipped_trade_is_sourced_and_marks_the_figure_used():
    t = trade.load_trade()
    assert t["source"].notna().all() and t["confidence"].isin(["H", "M", "L"]).all()
    pairs = {frozenset(p) for p in zip(t["exporter"], t["importer"], strict=True)}
    assert {frozenset(p) for p in [("AZE", "RUS"), ("IND", "RUS"), ("IRN", "RUS"), ("IND", "IRN"), ("AZE", "IRN"),
                                   ("KAZ", "RUS"), ("IRN", "KAZ")]} <= pairs  # fmt: skip
    # Iran-Turkmenistan is known only from statements of a "current" level, which are claims, not data
    assert frozenset(("IRN", "TKM")) not in pairs
    assert trade.load_claims().query("exporter == 'IRN' and importer == 'TKM'").shape[0] == 3
    same = t.groupby(["year", "period", "exporter", "importer", "flow"])["used"]
    assert (same.sum() == 1).all()  # where sources disagree exactly one row is used
    kaz = t.query("year == 2022 and exporter == 'KAZ' and importer == 'RUS'")
    assert len(kaz) == 2 and kaz.loc[kaz["used"], "reporter"].item() == "KAZ"


def test_directional_rows_add_up_to_turnover():
    t = trade.load_trade()
    checks = [("FY2021-22", {"IND", "RUS"}), ("FY2022-23", {"IND", "IRN"}), ("CY2021", {"IRN", "RUS"}),
              ("Apr2022-Feb2023", {"IND", "RUS"}), ("FY2017-18", {"IND", "IRN"}),
              ("CY2022", {"IND", "IRN"})]  # fmt: skip
    for period, pair in checks:
        rows = t[t["period"].eq(period) & t["exporter"].isin(pair) & t["importer"].isin(pair)]
        turnover = rows.loc[rows["flow"].eq("turnover"), "value_usd"].item()
        assert rows.loc[rows["flow"].ne("turnover"), "value_usd"].sum() == pytest.approx(turnover, rel=0.01)


def test_claims_link_to_the_data():
    claims = trade.load_claims()
    assert "aze_rus_2023_garayev" in claims.index
    garayev = claims.loc["aze_rus_2023_garayev"]
    assert (garayev["value"], garayev["growth_pct"], garayev["who"]) == (4.5e9, 17.0, "Azer Garayev (analyst)")
    table = trade.claims_vs_data(claims, trade.load_trade())
    row = table.loc["aze_rus_2023_garayev"]
    assert row["data_value_usd"] == 4.4e9 and row["claim_to_data"] == pytest.approx(4.5 / 4.4)
    assert "Yevdokimov" in row["data_source"]


def test_value_per_tonne_ranges_hold():
    table = trade.load_value_per_tonne()
    assert (table["low"] <= table["usd_per_tonne"]).all() and (table["usd_per_tonne"] <= table["high"]).all()
    assert table["source"].notna().all()


# --- value to tonnes to gateway pairs -------------------------------------------------------------------------


def test_value_to_tonnes_keeps_reported_tonnes():
    t = trade.value_to_tonnes(trade.load_trade(), trade.load_value_per_tonne())
    aze_irn = t[t["period"].eq("IY1401")].iloc[0]
    assert aze_irn["tonnes"] == 784_000 and aze_irn["tonnes_source"] == "reported"
    assert (t["tonnes_low"] <= t["tonnes"]).all() and (t["tonnes"] <= t["tonnes_high"]).all()


def test_value_to_tonnes_by_hs_chapter():
    t = trade.read_trade(DATA / "comtrade_plus_export.csv", drop_aggregates=True)
    t["tonnes"] = np.nan
    out = trade.value_to_tonnes(t, trade.load_value_per_tonne())
    assert out.loc[0, "tonnes"] == pytest.approx(6_000_000 / 3000)  # chapter 09: 3,000 US$/t
    assert out.loc[1, "tonnes"] == pytest.approx(30e6 / 550)  # chapter 27: 550 US$/t


def test_value_to_tonnes_names_ungrouped_commodities():
    t = trade.load_trade().head(1).assign(commodity="999999")
    with pytest.raises(ValueError, match=r"commodities \['999999'\] fall in no group"):
        trade.value_to_tonnes(t, trade.load_value_per_tonne())


def test_split_turnover_needs_explicit_shares():
    t = trade.load_trade()
    with pytest.raises(ValueError, match=r"no export share for the turnover of \[\('AZE', 'IRN'\)"):
        trade.split_turnover(t, {})


def test_od_freight_conserves_tonnes_through_every_step():
    t = trade.load_trade()
    flows = trade.latest(t)  # directional rows only
    tonnes = trade.value_to_tonnes(flows, trade.load_value_per_tonne())
    od = trade.od_freight(tonnes, trade.load_gateways())
    assert od["tonnes_per_year"].sum() == pytest.approx(tonnes["tonnes"].sum())
    assert od["value_usd_per_year"].sum() == pytest.approx(flows["value_usd"].sum())
    assert od.loc[("moscow", "jnpt"), "tonnes_per_year"] > 0


def test_od_freight_refuses_turnover_and_unknown_countries():
    flows = pd.DataFrame({"exporter": ["IND", "CHN"], "importer": ["RUS", "RUS"], "flow": ["turnover", "exports"],
                          "tonnes": [1.0, np.nan], "value_usd": [1.0, 1.0]})  # fmt: skip
    with pytest.raises(ValueError) as info:
        trade.od_freight(flows, trade.load_gateways())
    message = str(info.value)
    assert "split_turnover" in message and "value_to_tonnes" in message and "no gateway places for ['CHN']" in message


def test_gateway_shares_must_sum_to_one():
    gateways = trade.load_gateways()
    gateways.loc[gateways["place_id"] == "jnpt", "share"] = 0.7
    with pytest.raises(ValueError, match=r"sum to \{'IND': 1.1\}"):
        trade.od_freight(trade.latest(trade.load_trade()).assign(tonnes=1.0), gateways)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(min_value=1e3, max_value=1e11), min_size=1, max_size=6),
    share=st.floats(min_value=0.0, max_value=1.0),
)
def test_totals_are_conserved_for_any_flows(values, share):
    countries = ["IND", "RUS", "IRN", "AZE", "KAZ", "TKM"]
    pairs = [(countries[i % 6], countries[(i + 1) % 6]) for i in range(len(values))]
    rows = pd.DataFrame({
        "year": 2022, "period": "CY2022", "months": 12, "exporter": [p[0] for p in pairs],
        "importer": [p[1] for p in pairs], "flow": "turnover", "commodity": "TOTAL", "classification": "",
        "value_usd": values, "tonnes": np.nan, "reporter": "IND", "source": "test", "confidence": "L", "used": True,
        "note": "",
    })  # fmt: skip
    split = trade.split_turnover(rows, dict.fromkeys(pairs, share))
    assert split["value_usd"].sum() == pytest.approx(sum(values))
    tonnes = trade.value_to_tonnes(split, trade.load_value_per_tonne())
    od = trade.od_freight(tonnes, trade.load_gateways())
    assert od["tonnes_per_year"].sum() == pytest.approx(sum(values) / 877.0)


def test_directional_flows_use_direction_where_known_and_split_the_rest():
    t = trade.load_trade()
    flows = trade.directional_flows(t, turnover_shares={("AZE", "RUS"): 0.3, ("AZE", "IRN"): 0.5, ("KAZ", "RUS"): 0.5,
                                                        ("IRN", "KAZ"): 0.5})  # fmt: skip
    assert set(flows["flow"]) <= {"exports", "imports"}
    aze_rus = flows.query("exporter == 'AZE' and importer == 'RUS'")["value_usd"].item()
    rus_aze = flows.query("exporter == 'RUS' and importer == 'AZE'")["value_usd"].item()
    assert (aze_rus, rus_aze) == (pytest.approx(0.3 * 4.4e9), pytest.approx(0.7 * 4.4e9))
    ind_rus = flows.query("exporter == 'IND' and importer == 'RUS'").iloc[0]
    assert ind_rus["period"] == "FY2024-25" and ind_rus["value_usd"] == 4.9e9  # reported direction, not a split
    with pytest.raises(ValueError, match=r"no export share for the turnover of \[\('AZE', 'IRN'\)"):
        trade.directional_flows(t, turnover_shares={("AZE", "RUS"): 0.3})


# --- periods, growth and sources of the shipped rows ----------------------------------------------------------

FULL_YEAR = re.compile(r"^(CY\d{4}|FY\d{4}-\d{2}|IY\d{4})$")


def _period_end(period, year):
    """Last day of a full-year period: December for a calendar year, 31 March for India's fiscal year,
    20 March for the Iranian year (both of `year` + 1)."""
    if period.startswith("FY"):
        return pd.Timestamp(year + 1, 3, 31)
    if period.startswith("IY"):
        return pd.Timestamp(year + 1, 3, 20)
    return pd.Timestamp(year, 12, 31)


def _half_unit(value):
    """Half a unit of the last significant digit a published figure was rounded to: 4.6e9 -> 5e7."""
    digits = f"{abs(value):.0f}".rstrip("0")
    return 0.5 * 10 ** (len(f"{abs(value):.0f}") - len(digits))


def _growth_reproduces(growth_pct, value, base):
    """Whether a stated growth (%) follows from two rounded figures: the range of growths their rounding
    allows, widened by the rounding or truncation of the growth figure itself."""
    decimals = len(str(growth_pct).split(".")[1].rstrip("0")) if "." in str(growth_pct) else 0
    unit = 10.0**-decimals
    low = ((value - _half_unit(value)) / (base + _half_unit(base)) - 1) * 100
    high = ((value + _half_unit(value)) / (base - _half_unit(base)) - 1) * 100
    rounded = (growth_pct - unit / 2, growth_pct + unit / 2)
    truncated = (growth_pct, growth_pct + unit) if growth_pct >= 0 else (growth_pct - unit, growth_pct)
    return any(lo <= high and low <= hi for lo, hi in (rounded, truncated))


def test_growth_check_is_hand_checkable():
    assert _half_unit(4.6e9) == 5e7 and _half_unit(4.17e9) == 5e6 and _half_unit(993e6) == 5e5
    assert _growth_reproduces(15, 4.6e9, 4.042e9)  # 4.6 could be 4.65: +15.0 %
    assert _growth_reproduces(-27, 993e6, 1373e6)  # -27.7 % truncated to -27
    assert not _growth_reproduces(17, 4.4e9, 4.17e9)  # that gives +5.5 %
    assert _growth_reproduces(81, 4.042e9, 2.22e9)  # +82.1 %, but 4.0415 / 2.225 = +81.6 % truncates to 81
    assert not _growth_reproduces(-20, 993e6, 1373e6)


def test_every_growth_reproduces_from_its_series_or_names_its_base():
    t = trade.load_trade()
    stated = t[t["growth_pct"].notna()]
    assert len(stated) >= 10
    checked = 0
    for _, row in stated.iterrows():
        base = row["growth_base"]
        if base.startswith("not in this table: "):
            assert len(base) > len("not in this table: ") + 3
            continue
        pair = t["exporter"].eq(row["exporter"]) & t["importer"].eq(row["importer"]) & t["flow"].eq(row["flow"])
        same = t[t["used"] & pair & t["period"].eq(base) & t["months"].eq(row["months"])]
        assert len(same) == 1, f"{row['period']} names {base!r} as its growth base, which is not one used row"
        assert _growth_reproduces(row["growth_pct"], row["value_usd"], same["value_usd"].item()), row["period"]
        checked += 1
    assert checked >= 4  # IRN-RUS CY2021 and CY2022, IND-IRN FY2019-20 and H1-2023


def test_every_full_year_row_has_twelve_months_and_every_other_row_fewer():
    t = trade.load_trade()
    full = t["period"].str.match(FULL_YEAR)
    assert t.loc[full, "months"].eq(12).all()
    assert t.loc[~full, "months"].lt(12).all(), t.loc[~full & t["months"].eq(12), "period"].tolist()
    fiscal = t[t["period"].str.startswith("FY")]
    assert fiscal["reporter"].eq("IND").all()
    assert (fiscal["year"] == fiscal["period"].str[2:6].astype(int)).all()
    iranian = t[t["period"].str.startswith("IY")]
    assert (iranian["year"] == iranian["period"].str[2:6].astype(int) + 621).all()  # 1401 began in March 2022


def test_no_full_year_figure_was_stated_before_its_period_ended():
    t = trade.load_trade()
    assert t["published"].notna().all()
    for _, row in t[t["months"].eq(12)].iterrows():
        stated = pd.Timestamp(row["published"])  # 'YYYY-MM' is read as the first of the month: the earliest
        assert stated > _period_end(row["period"], row["year"]), (row["period"], row["source"][:60])


def test_full_year_claims_were_stated_after_their_year_and_partial_ones_say_so():
    claims = trade.load_claims()
    annual = claims[claims["months"].eq(12) & claims["period"].notna()]
    assert len(annual) >= 5
    for _, row in annual.iterrows():
        assert row["date"] > _period_end(row["period"], int(row["year"])), row["claim"]
    partial = claims.loc[["rus_irn_2025_growth", "kaz_irn_2025_growth", "rus_irn_h1_2025_growth"]]
    assert partial["months"].tolist() == [9, 10, 6]
    table = trade.claims_vs_data(claims, trade.load_trade())
    assert not set(partial.index) & set(table.index)  # never set beside a full year


def test_every_row_has_a_followable_source_and_a_grade():
    t = trade.load_trade()
    assert t["confidence"].isin(["H", "M", "L"]).all()
    for source in t["source"]:
        assert re.search(r"\b(19|20)\d{2}\b", source), source  # a date
        assert "http" in source or source.startswith("(calc)"), source  # a page to open, or the sum shown
        assert not re.fullmatch(r"(?i).*instc[- ]facts?[^,;]*", source), source  # never only the fact sheet
    claims = trade.load_claims()
    assert claims[["who", "outlet"]].notna().all().all() and claims["confidence"].isin(["H", "M", "L"]).all()


def test_check_trade_refuses_a_full_year_label_on_part_of_a_year():
    rows = pd.read_csv(DATA / "trade_periods.csv")
    rows.loc[0, "months"] = 10
    with pytest.raises(ValueError, match=r"periods \['FY2023-24'\] name a full year but have `months` < 12; "
                                         r"label a part of a year by the months it covers"):  # fmt: skip
        trade._check_trade(rows, "trade_periods.csv")
    rows.loc[0, "months"] = 13
    with pytest.raises(ValueError, match=r"`months` has \['13'\]; expected the length of the period, 1 to 12"):
        trade._check_trade(rows, "trade_periods.csv")


# --- both directions of a pair from one period --------------------------------------------------------------


def _fixture_flows():
    rows = trade._check_trade(pd.read_csv(DATA / "trade_periods.csv", dtype={"commodity": str}), "trade_periods.csv")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        flows = trade.directional_flows(rows, turnover_shares=0.25)
    return flows.set_index(["exporter", "importer"]), [str(w.message) for w in caught]


def test_directional_flows_takes_both_directions_from_their_common_period():
    flows, _ = _fixture_flows()
    # FY2024-25 has India's exports (20) but not Russia's side; FY2023-24 has both: 10 and 100
    columns = ["period", "value_usd", "pair_period"]
    assert flows.loc[("IND", "RUS"), columns].tolist() == ["FY2023-24", 10.0, "FY2023-24"]
    assert flows.loc[("RUS", "IND"), columns].tolist() == ["FY2023-24", 100.0, "FY2023-24"]
    assert flows.loc[("AZE", "RUS"), "value_usd"] == 10.0 and flows.loc[("RUS", "AZE"), "value_usd"] == 30.0
    assert len(flows) == 6


def test_directional_flows_names_the_pair_and_both_periods_when_they_differ():
    flows, messages = _fixture_flows()
    assert messages == [
        "directional_flows: IRN->KAZ and KAZ->IRN have no full-year period in common; using IRN->KAZ from CY2021 "
        "and KAZ->IRN from CY2022. Add figures for one period to compare like with like."
    ]
    assert flows.loc[("IRN", "KAZ"), "pair_period"] == "CY2021 / CY2022"
    assert flows.loc[("KAZ", "IRN"), "pair_period"] == "CY2022 / CY2021"
    with pytest.warns(UserWarning, match=r"IRN->KAZ and KAZ->IRN have no full-year period in common"):
        trade.directional_flows(pd.read_csv(DATA / "trade_periods.csv"), turnover_shares=0.5)


def test_shipped_directional_flows_pair_their_periods():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the shipped data needs no mixed pair
        flows = trade.directional_flows(trade.load_trade(), turnover_shares=0.5)
    assert (flows["period"] == flows["pair_period"]).all()
    ind_irn = flows[flows["exporter"].isin(["IND", "IRN"]) & flows["importer"].isin(["IND", "IRN"])]
    assert set(ind_irn["period"]) == {"FY2022-23"}  # ends March 2023: later than CY2022
    assert math.isclose(ind_irn["value_usd"].sum(), 2.33e9)


# --- readers in full (behaviours pinned down by mutation testing, tests/MUTANTS.md) -----------------------------


COLUMNS = ["year", "period", "months", "exporter", "importer", "flow", "commodity", "classification", "value_usd",
           "tonnes", "reporter", "source", "confidence", "used", "note"]  # fmt: skip


# --- freight by cargo class (issue 12) ---------------------------------------------------------------------


def _flow(exporter: str, importer: str, value: float, commodity: str = "TOTAL", tonnes: float = np.nan):
    return pd.DataFrame({"exporter": [exporter], "importer": [importer], "flow": ["exports"],
                         "commodity": [commodity], "value_usd": [value], "tonnes": [tonnes]})  # fmt: skip


def test_freight_by_class_splits_a_total_by_the_pair_shares():
    od = trade.freight_by_class(_flow("IND", "IRN", 3e8), trade.load_gateways())
    by_class = od.groupby(level="cargo_class").sum()
    # containers: 0.6 x 300 m US$ / 3,000 US$ per t = 60,000 t = 5,000 TEU at 12 t; dry bulk 0.4 x 300 m / 350
    assert by_class.loc["container", "tonnes_per_year"] == pytest.approx(60_000)
    assert by_class.loc["container", "teu_per_year"] == pytest.approx(5_000)
    assert by_class.loc["dry_bulk", "tonnes_per_year"] == pytest.approx(0.4 * 3e8 / 350)
    assert np.isnan(od.xs("dry_bulk", level="cargo_class")["teu_per_year"]).all()
    assert by_class["value_usd_per_year"].sum() == pytest.approx(3e8)  # India-Iran: all contestable


def test_freight_by_class_keeps_oil_whole_and_only_the_contestable_bulk():
    od = trade.freight_by_class(_flow("RUS", "IND", 1e9), trade.load_gateways())
    by_class = od.groupby(level="cargo_class").sum()
    assert by_class.loc["liquid_bulk", "tonnes_per_year"] == pytest.approx(0.8 * 1e9 / 550)
    dry = 0.15 * 1e9 / 350
    assert by_class.loc["dry_bulk", "tonnes_per_year"] == pytest.approx(0.1 * dry)
    assert by_class.loc["dry_bulk", "tonnes_per_year_not_contestable"] == pytest.approx(0.9 * dry)


def test_an_hs_coded_flow_goes_to_its_class_with_its_reported_tonnes():
    od = trade.freight_by_class(_flow("AZE", "RUS", 1e6, commodity="1001", tonnes=4000.0), trade.load_gateways())
    assert od.index.get_level_values("cargo_class").unique().tolist() == ["dry_bulk"]
    assert od["tonnes_per_year"].sum() == pytest.approx(4000.0)


@settings(max_examples=30, deadline=None)
@given(st.floats(1e3, 1e11), st.sampled_from(["value", "low", "high"]))
def test_freight_by_class_keeps_the_contestable_value_of_a_pair_without_rows(value, contestable):
    od = trade.freight_by_class(_flow("AZE", "KAZ", value), trade.load_gateways(), contestable=contestable)
    default = trade.load_cargo_class_shares().query("exporter == '*'")
    column = "contestable_share" if contestable == "value" else f"contestable_share_{contestable}"
    kept = (default["value_share"] * default[column]).sum()  # the '*' rows: a pair without its own
    assert od["value_usd_per_year"].sum() == pytest.approx(value * kept)
    assert (od["tonnes_per_year"] >= 0).all()


def test_freight_by_class_reports_every_problem_together():
    flows = pd.concat([_flow("IND", "XXX", 1.0), _flow("IND", "IRN", 1.0, commodity="9999")])
    flows.loc[0, "flow"] = "turnover"
    with pytest.raises(ValueError, match="turnover rows") as error:
        trade.freight_by_class(flows.reset_index(drop=True), trade.load_gateways())
    assert "no gateway places for ['XXX']" in str(error.value)
    assert "commodities ['9999'] fall in no cargo class" in str(error.value)
    with pytest.raises(ValueError, match="`contestable` was 'mid'"):
        trade.freight_by_class(_flow("IND", "IRN", 1.0), trade.load_gateways(), contestable="mid")


def test_cargo_class_tables_carry_the_three_classes_and_sources():
    classes = trade.load_cargo_classes()
    assert set(trade.CARGO_CLASSES) <= set(classes.index)
    assert classes.loc["liquid_bulk", "modes"] != classes.loc["liquid_bulk", "modes"]  # NaN: never on the corridor
    shares = trade.load_cargo_class_shares()
    assert shares["confidence"].isin(["H", "M", "L"]).all()
    assert np.allclose(shares.groupby(["exporter", "importer"])["value_share"].sum(), 1.0)


def test_shipped_freight_is_the_recipe_in_one_call():
    flows = trade.directional_flows(trade.load_trade(), turnover_shares=0.4)
    expected = trade.freight_by_class(flows, trade.load_gateways(), contestable="high")
    od = trade.shipped_freight(turnover_shares=0.4, contestable="high")
    pd.testing.assert_frame_equal(od, expected)
    assert not trade.shipped_freight(turnover_shares=0.4).equals(od)  # the contestable share matters
