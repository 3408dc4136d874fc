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
                                   ("KAZ", "RUS"), ("IRN", "KAZ"), ("IRN", "TKM")]} <= pairs  # fmt: skip
    same = t.groupby(["year", "period", "exporter", "importer", "flow"])["used"]
    assert (same.sum() == 1).all()  # where sources disagree exactly one row is used
    kaz = t.query("year == 2022 and exporter == 'KAZ' and importer == 'RUS'")
    assert len(kaz) == 2 and kaz.loc[kaz["used"], "reporter"].item() == "KAZ"


def test_directional_rows_add_up_to_turnover():
    t = trade.load_trade()
    for period, pair in [("FY2021-22", {"IND", "RUS"}), ("FY2022-23", {"IND", "IRN"}), ("CY2021", {"IRN", "RUS"})]:
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
                                                        ("IRN", "KAZ"): 0.5, ("IRN", "TKM"): 0.5})  # fmt: skip
    assert set(flows["flow"]) <= {"exports", "imports"}
    aze_rus = flows.query("exporter == 'AZE' and importer == 'RUS'")["value_usd"].item()
    rus_aze = flows.query("exporter == 'RUS' and importer == 'AZE'")["value_usd"].item()
    assert (aze_rus, rus_aze) == (pytest.approx(0.3 * 4.4e9), pytest.approx(0.7 * 4.4e9))
    ind_rus = flows.query("exporter == 'IND' and importer == 'RUS'").iloc[0]
    assert ind_rus["period"] == "FY2024-25" and ind_rus["value_usd"] == 4.9e9  # reported direction, not a split
    with pytest.raises(ValueError, match=r"no export share for the turnover of \[\('AZE', 'IRN'\)"):
        trade.directional_flows(t, turnover_shares={("AZE", "RUS"): 0.3})
