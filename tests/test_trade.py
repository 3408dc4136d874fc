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


def test_to_iso3_accepts_every_common_form():
    values = ["IN", "ind", "RUS", "643", 364, "699", "Iran, Islamic Rep. of", "Russian Federation", "Azerbaijan"]
    assert trade.to_iso3(values) == ["IND", "IND", "RUS", "RUS", "IRN", "IND", "IRN", "RUS", "AZE"]


def test_to_iso3_lists_every_unmapped_value_once():
    with pytest.raises(trade.UnknownCountryError) as info:
        trade.to_iso3(["IND", "Atlantis", "XX", "Atlantis", "Kazakstan"], argument="partner")
    message = str(info.value)
    assert message.startswith("3 value(s) in `partner` are not countries: 'Atlantis'")
    assert "'Kazakstan' (did you mean 'Kazakhstan'?)" in message
    assert "'XX'" in message and "country_aliases.csv" in message


# --- readers -------------------------------------------------------------------------------------------------


def test_read_comtrade_orients_flows_and_converts_units():
    t = trade.read_comtrade(DATA / "comtrade_sample.csv", drop_world=True)
    assert len(t) == 4  # the World row is left out only because it was asked for
    tea = t.iloc[0]
    assert (tea["exporter"], tea["importer"], tea["flow"], tea["commodity"]) == ("IND", "RUS", "exports", "09")
    assert tea["value_usd"] == 6_000_000 and tea["tonnes"] == 2000.0  # 2,000,000 kg
    fuel = t.iloc[1]  # India's imports from Russia: Russia exports, India reports
    assert (fuel["exporter"], fuel["importer"], fuel["flow"], fuel["reporter"]) == ("RUS", "IND", "imports", "IND")
    assert np.isnan(t.iloc[2]["tonnes"])
    assert t.iloc[3]["note"] == "re-exports"


def test_read_comtrade_refuses_world_unless_told():
    with pytest.raises(trade.UnknownCountryError, match=r"in `reporterISO / partnerISO` are not countries: 'W00'"):
        trade.read_comtrade(DATA / "comtrade_sample.csv")


def test_read_comtrade_names_missing_columns(tmp_path):
    path = tmp_path / "odd.csv"
    pd.read_csv(DATA / "comtrade_sample.csv").drop(columns=["primaryValue"]).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"columns \['primaryValue'\] .*are missing; expected the UN Comtrade"):
        trade.read_comtrade(path)


def test_read_baci_filters_countries_and_converts_thousands():
    t = trade.read_baci(DATA / "BACI_HS17_Y2022_V202501.csv", DATA / "country_codes_V202501.csv",
                        countries=["IND", "RUS", "IRN", "AZE"], classification="HS17")  # fmt: skip
    assert sorted(zip(t["exporter"], t["importer"], strict=True)) == [
        ("IND", "RUS"), ("IND", "RUS"), ("IRN", "AZE"), ("RUS", "IND"), ("RUS", "IRN")
    ]  # fmt: skip
    tea = t[t["commodity"].eq("090240")].iloc[0]
    assert tea["value_usd"] == pytest.approx(1_500_500.0) and tea["tonnes"] == 250.25
    assert (t["classification"] == "HS17").all()


def test_read_baci_whole_file_names_non_country_codes():
    with pytest.raises(trade.UnknownCountryError, match=r"BACI codes without an ISO3 country: 490 \(S19\)"):
        trade.read_baci(DATA / "BACI_HS17_Y2022_V202501.csv", DATA / "country_codes_V202501.csv")


def test_read_baci_without_filter_keeps_every_row(tmp_path):
    rows = pd.read_csv(DATA / "BACI_HS17_Y2022_V202501.csv", dtype={"k": str})
    path = tmp_path / "BACI_clean.csv"
    rows[rows["i"] != 490].to_csv(path, index=False)
    t = trade.read_baci(path, DATA / "country_codes_V202501.csv")
    assert len(t) == len(rows) - 1 and t["value_usd"].sum() == pytest.approx(rows.query("i != 490")["v"].sum() * 1000)


def test_read_imf_dots_goods_flows_only():
    t = trade.read_imf_dots(DATA / "imf_dots_sample.csv", scale=1e6)
    assert set(t["flow"]) == {"exports", "imports"}  # the balance is not a flow
    ind_rus = t[(t["exporter"] == "IND") & (t["importer"] == "RUS")].set_index("year")["value_usd"]
    assert ind_rus.to_dict() == {2021: 3e9, 2022: 2.8e9, 2023: 4e9}
    iran = t[t["exporter"] == "IRN"]
    assert iran["importer"].unique().tolist() == ["IND"] and len(iran) == 2  # the empty 2023 cell is skipped
    assert t.query("exporter == 'AZE'")["importer"].unique().tolist() == ["KAZ"]


def test_read_imf_dots_lists_unmappable_names():
    with pytest.raises(trade.UnknownCountryError) as info:
        trade.read_imf_dots(DATA / "imf_dots_unmappable.csv", scale=1e6)
    message = str(info.value)
    assert message.startswith("2 value(s) in `Country Name / Counterpart Country Name` are not countries: 'Atlantis'")
    assert "'Middle Earth'" in message


def test_read_imf_dots_needs_an_explicit_scale():
    with pytest.raises(ValueError, match=r"`scale` was 0; expected US\$ per unit"):
        trade.read_imf_dots(DATA / "imf_dots_sample.csv", scale=0)


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
    t = trade.read_comtrade(DATA / "comtrade_sample.csv", drop_world=True)
    t["tonnes"] = np.nan
    out = trade.value_to_tonnes(t, trade.load_value_per_tonne())
    assert out.loc[0, "tonnes"] == pytest.approx(6_000_000 / 3000)  # chapter 09: 3,000 US$/t
    assert out.loc[1, "tonnes"] == pytest.approx(30e9 / 550)  # chapter 27: 550 US$/t


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


def test_read_comtrade_in_full():
    # the five rows of comtrade_sample.csv less the World row; netWgt kg -> t; a re-export is an export, noted
    t = trade.read_comtrade(DATA / "comtrade_sample.csv", drop_world=True)
    expected = pd.DataFrame({
        "year": 2022, "period": "CY2022", "months": 12,
        "exporter": ["IND", "RUS", "IRN", "IRN"], "importer": ["RUS", "IND", "AZE", "RUS"],
        "flow": ["exports", "imports", "exports", "exports"], "commodity": ["09", "27", "TOTAL", "TOTAL"],
        "classification": "H6", "value_usd": [6e6, 3e10, 4e8, 1e6], "tonnes": [2000.0, 5e7, np.nan, np.nan],
        "reporter": ["IND", "IND", "IRN", "IRN"], "source": "UN Comtrade (comtrade_sample.csv)", "confidence": "H",
        "used": True, "note": ["", "", "", "re-exports"],
    })  # fmt: skip
    assert t.columns.tolist() == COLUMNS
    pd.testing.assert_frame_equal(t, expected, check_dtype=False)


def test_read_baci_in_full():
    # v is thousands of US$, q tonnes; 842 (USA) and 490 (S19) and 398 -> 795 fall outside the four countries
    t = trade.read_baci(DATA / "BACI_HS17_Y2022_V202501.csv", DATA / "country_codes_V202501.csv",
                        countries=["IND", "RUS", "IRN", "AZE"], classification="HS17")  # fmt: skip
    expected = pd.DataFrame({
        "year": 2022, "period": "CY2022", "months": 12,
        "exporter": ["IND", "IND", "RUS", "RUS", "IRN"], "importer": ["RUS", "RUS", "IND", "IRN", "AZE"],
        "flow": "exports", "commodity": ["090240", "300490", "270900", "100199", "720839"], "classification": "HS17",
        "value_usd": [1_500_500.0, 8e6, 2.5e7, 3e6, 70_200.0], "tonnes": [250.25, 40.1, 50_000.0, 12_000.0, 100.0],
        "reporter": "", "source": "CEPII BACI (BACI_HS17_Y2022_V202501.csv; reconciled mirror flows)",
        "confidence": "H", "used": True, "note": "",
    })  # fmt: skip
    assert t.columns.tolist() == COLUMNS
    pd.testing.assert_frame_equal(t, expected, check_dtype=False)


def test_read_imf_dots_in_full():
    # million US$ (scale 1e6); exports reported by the exporter, imports by the importer; the balance is dropped
    t = trade.read_imf_dots(DATA / "imf_dots_sample.csv", scale=1e6)
    expected = pd.DataFrame({
        "year": [2021] * 3 + [2022] * 3 + [2023] * 2, "period": ["CY2021"] * 3 + ["CY2022"] * 3 + ["CY2023"] * 2,
        "months": 12, "exporter": ["IND", "IRN", "AZE"] * 2 + ["IND", "AZE"],
        "importer": ["RUS", "IND", "KAZ"] * 2 + ["RUS", "KAZ"],
        "flow": ["exports", "imports", "exports"] * 2 + ["exports", "exports"], "commodity": "TOTAL",
        "classification": "", "value_usd": [3e9, 7e8, 5e7, 2.8e9, 6.7e8, 6e7, 4e9, 7e7], "tonnes": np.nan,
        "reporter": ["IND", "IND", "AZE"] * 2 + ["IND", "AZE"],
        "source": "IMF DOTS (imf_dots_sample.csv; TMG_CIF_USD/TXG_FOB_USD)", "confidence": "H", "used": True,
        "note": "",
    })  # fmt: skip
    assert t.columns.tolist() == COLUMNS
    pd.testing.assert_frame_equal(t, expected, check_dtype=False)
