"""The observations registry and the observed-vs-modelled comparison.

Toy numbers, per TEU with no empty returns: a -> d overland is rail a-b 100 km at 50 km/h (2 h, 100 km x
US$0.05/t-km x 12 t = US$60), border 4 h (US$100), rail-road transshipment 2 h (US$50), road b-d 200 km at
50 km/h (4 h, 200 x 0.10 x 12 = US$240): 12 h = 0.5 days and US$450 per TEU. Per FEU (20 t, 2 TEU) US$800.
"""

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import corridor
from corridor.costs import CostParameters
from corridor.errors import CorridorValidationError
from corridor.observed import COST_UNITS, KINDS, compare_observed, read_observations

COLUMNS = [
    "observation_id", "date", "origin", "destination", "origin_as_published", "destination_as_published", "route",
    "route_description", "mode_chain", "observed_days", "observed_days_min", "observed_days_max", "observed_cost",
    "cost_unit", "kind", "source", "confidence", "note",
]  # fmt: skip
GOOD = {
    "observation_id": "toy_run", "date": "2025-05-01", "origin": "a", "destination": "d", "route": "overland",
    "mode_chain": "rail>road", "observed_days": "1", "observed_cost": "500", "cost_unit": "USD per TEU",
    "kind": "trial_run", "source": "made-up toy data", "confidence": "H",
}  # fmt: skip
TO_2022 = 292.655 / 321.943  # US CPI-U 2022 / 2025, annual averages
NO_EMPTIES = CostParameters.default(empty_return_share=0.0, price_year=2022)  # the toy is in 2022 US$


def registry(tmp_path, *rows):
    """Write observation rows (GOOD with changes) to a CSV file and return its path."""
    frame = pd.DataFrame([{**GOOD, **row} for row in rows], columns=COLUMNS, dtype=object).fillna("")
    path = tmp_path / "observations.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def shipped():
    return read_observations()


@pytest.fixture(scope="module")
def shipped_comparison(instc):
    return compare_observed(instc)


# --- the shipped registry ---------------------------------------------------------------------------------


def test_shipped_registry_covers_every_named_route(shipped, instc):
    assert len(shipped) >= 12
    assert shipped.index.is_unique
    counts = shipped["route"].value_counts()
    assert set(counts.index) == set(instc.routes.index)
    assert (counts >= 2).all(), counts.to_dict()


def test_shipped_registry_places_exist_and_figures_are_sourced(shipped, instc):
    assert shipped["origin"].isin(instc.places.index).all()
    assert shipped["destination"].isin(instc.places.index).all()
    assert shipped["confidence"].isin(["H", "M", "L"]).all()
    assert shipped["kind"].isin(KINDS).all()
    # a followable citation names a year; a bare internal reference does not count
    assert shipped["source"].str.contains(r"(?:19|20)\d\d").all()
    assert not shipped["source"].str.fullmatch(r"instc-facts.*").any()
    assert shipped["observed_days"].notna().all()
    priced = shipped["observed_cost"].notna()
    assert priced.sum() >= 4
    assert shipped.loc[priced, "cost_unit"].isin(list(COST_UNITS)).all()


def test_shipped_ranges_hold_their_figure(shipped):
    ranged = shipped.dropna(subset=["observed_days_min", "observed_days_max"])
    assert len(ranged) >= 3
    assert ranged["observed_days"].between(ranged["observed_days_min"], ranged["observed_days_max"]).all()


def test_dates_keep_their_precision(shipped):
    assert shipped.loc["modul_nhava_spb_2022", "date"] == pd.Timestamp("2022-07-01")
    assert shipped.loc["modul_nhava_spb_2022", "date_precision"] == "month"
    assert shipped.loc["fesco_india_spb_2024", "date_precision"] == "year"
    assert shipped.loc["rzdl_chekhov_sarakhs_2022_07", "date_precision"] == "day"


def test_registry_is_a_shipped_dataset():
    assert corridor.datasets.get_path("observations").name == "observations.csv"
    assert "observations" in corridor.datasets.available()


# --- validation -------------------------------------------------------------------------------------------


def test_a_good_toy_registry_reads(tmp_path, toy):
    obs = read_observations(registry(tmp_path, {}), corridor=toy)
    assert obs.loc["toy_run", ["origin", "destination", "route"]].tolist() == ["a", "d", "overland"]
    assert obs.loc["toy_run", "observed_days"] == 1.0


def test_a_bad_registry_reports_every_problem_at_once(tmp_path, toy):
    path = registry(
        tmp_path,
        {"observation_id": "misspelt", "origin": "alpah", "destination": "delta", "route": "overlnd"},
        {"observation_id": "bad_figures", "date": "2022-13-01", "observed_days": "-3", "cost_unit": ""},
        {
            "observation_id": "bad_labels",
            "kind": "trail_run",
            "confidence": "X",
            "source": "",
            "mode_chain": "rial>road",
        },
        {"observation_id": "bad_range", "observed_days": "9", "observed_days_min": "2", "observed_days_max": "5"},
        {"observation_id": "empty", "observed_days": "", "observed_cost": "", "cost_unit": ""},
        {"observation_id": "empty"},
    )
    with pytest.raises(CorridorValidationError) as caught:
        read_observations(path, corridor=toy)
    message = str(caught.value)
    expected = [
        r"observations\['misspelt'\]: `origin` 'alpah' is not a place of the corridor; map it to the nearest",
        r"`destination` 'delta' is not a place of the corridor",
        r"`route` 'overlnd' is not a named route \(did you mean 'overland'\?\); expected one of \['overland'\]",
        r"observations\['bad_figures'\]: `date` '2022-13-01' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY",
        r"`observed_days` is -3; days must be positive",
        r"`observed_cost` 500 has no `cost_unit`; write e.g. 'USD per TEU'",
        r"`kind` 'trail_run' is not known \(did you mean 'trial_run'\?\)",
        r"`confidence` 'X' is not one of \['H', 'M', 'L'\]",
        r"observations\['bad_labels'\]: `source` is empty",
        r"`mode_chain` has 'rial' \(did you mean 'rail'\?\)",
        r"observations\['bad_range'\]: `observed_days` 9 lies outside its range \[2, 5\]",
        r"observations\['empty'\]: neither `observed_days` nor `observed_cost` is given",
        r"`observation_id` 'empty' is used more than once",
    ]
    for pattern in expected:
        assert re.search(pattern, message), pattern
    assert message.startswith(f"observations ({path}) has {len(caught.value.problems)} problems:")
    assert len(caught.value.problems) == 13


def test_a_misspelt_place_gets_its_near_match(tmp_path, instc):
    path = registry(tmp_path, {"origin": "moscw", "destination": "sarakh", "route": "eastern"})
    with pytest.raises(CorridorValidationError, match=r"`origin` 'moscw' .*\(did you mean 'moscow'\?\)") as caught:
        read_observations(path, corridor=instc)
    assert "(did you mean 'sarakhs'?)" in str(caught.value)
    assert "keep the original in `destination_as_published`" in str(caught.value)


def test_missing_columns_are_named(tmp_path, toy):
    path = tmp_path / "observations.csv"
    pd.DataFrame([GOOD]).drop(columns=["source", "route"]).rename(columns={"origin": "orgin"}).to_csv(path, index=False)
    with pytest.raises(CorridorValidationError, match=r"has 3 problems") as caught:
        read_observations(path, corridor=toy)
    assert "required column `origin` is missing (did you mean 'orgin'?)." in caught.value.problems


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"`path` was '.*nothing.csv': no such file"):
        read_observations(tmp_path / "nothing.csv")


def test_the_shipped_registry_does_not_fit_another_corridor(toy, shipped):
    with pytest.raises(CorridorValidationError, match=r"`origin` 'jnpt' is not a place of the corridor"):
        compare_observed(toy, shipped)


# --- comparison on the toy corridor -----------------------------------------------------------------------


def test_compare_on_the_toy_corridor_by_hand(tmp_path, toy):
    table = compare_observed(toy, registry(tmp_path, {}), parameters=NO_EMPTIES)
    row = table.loc["toy_run"]
    assert row["modelled_days"] == pytest.approx(0.5)  # 12 h
    assert row["observed_days"] == 1.0
    assert row["difference_days"] == pytest.approx(-0.5)
    assert row["difference_pct"] == pytest.approx(-50.0)
    assert row["modelled_cost_usd"] == pytest.approx(450.0)
    # US$500 quoted in 2025 is 500 x 292.655 / 321.943 in the model's 2022 US$ (US CPI-U)
    assert row["observed_cost_nominal_usd"] == 500.0
    assert row["observed_cost_usd"] == pytest.approx(500.0 * TO_2022)
    assert row["cost_difference_pct"] == pytest.approx(100.0 * (450.0 / (500.0 * TO_2022) - 1.0))
    assert row["modelled_distance_km"] == pytest.approx(300.0)
    assert (row["cargo_unit"], row["price_year"], row["observed_cost_year"]) == ("teu", 2022, 2025)
    assert row["as_of"] == pd.Timestamp("2025-05-01")
    assert row["model_note"] == ""


def test_each_observation_is_priced_in_its_own_unit(tmp_path, toy):
    path = registry(
        tmp_path,
        {"observation_id": "per_feu", "observed_cost": "1000", "cost_unit": "USD per FEU"},
        {"observation_id": "per_tonne", "observed_cost": "50", "cost_unit": "USD per tonne"},
        {"observation_id": "per_wagon", "observed_cost": "900", "cost_unit": "USD per wagon"},
        {"observation_id": "days_only", "observed_cost": "", "cost_unit": ""},
    )
    table = compare_observed(toy, path, parameters=NO_EMPTIES)
    assert table.loc["per_feu", "modelled_cost_usd"] == pytest.approx(800.0)  # 20 t and 2 TEU per FEU
    assert table.loc["per_feu", "cost_difference_pct"] == pytest.approx(100.0 * (800.0 / (1000.0 * TO_2022) - 1.0))
    # per tonne: 25 t-km dollars of haulage (5 + 20) plus US$150 of transfers per TEU x 0.0833 TEU per tonne
    assert table.loc["per_tonne", "modelled_cost_usd"] == pytest.approx(25.0 + 150.0 * 0.0833)
    assert table["cargo_unit"].tolist() == ["feu", "tonne", "teu", "teu"]
    assert np.isnan(table.loc["per_wagon", "cost_difference_pct"])
    assert "cost unit 'USD per wagon' is not one the model prices" in table.loc["per_wagon", "model_note"]
    assert (table["modelled_days"] == 0.5).all()  # the same route whatever the unit


def test_rows_the_model_cannot_route_are_kept_with_the_reason(tmp_path, edit):
    def road_opens_in_2030(segments):
        return segments.assign(available_from=np.where(segments["segment_id"] == "b_d_road", "2030-01-01", ""))

    folder = edit("segments", road_opens_in_2030)
    toy = corridor.read_corridor(folder)
    path = registry(
        tmp_path,
        {"observation_id": "before_the_road", "date": "2026-01-01"},
        {"observation_id": "after", "date": "2031"},
    )
    table = compare_observed(toy, path, parameters=NO_EMPTIES)
    assert table.index.tolist() == ["before_the_road", "after"]
    assert np.isnan(table.loc["before_the_road", "modelled_days"])
    assert "no route from 'a' to 'd': as of 2026-01-01" in table.loc["before_the_road", "model_note"]
    assert "b_d_road" in table.loc["before_the_road", "model_note"]
    assert table.loc["after", "modelled_days"] == pytest.approx(0.5)
    baseline = compare_observed(toy, path, parameters=NO_EMPTIES, dated=False)
    assert baseline["modelled_days"].tolist() == pytest.approx([0.5, 0.5])
    assert baseline["as_of"].isna().all()


def test_assumptions_travel_with_the_table(tmp_path, toy):
    table = compare_observed(toy, registry(tmp_path, {}), parameters=NO_EMPTIES, by="time_h")
    assumptions = table.attrs["assumptions"]
    assert assumptions["price_year"] == 2022 and assumptions["cargo_unit"] == "teu"
    assert assumptions["empty_return_share"] == 0.0
    assert (assumptions["criterion"], assumptions["dated"]) == ("time_h", True)
    assert table.attrs["routes"] == ["overland"]


def test_dated_must_be_a_bool(tmp_path, toy):
    with pytest.raises(TypeError, match=r"`dated` was 'yes'; expected True"):
        compare_observed(toy, registry(tmp_path, {}), dated="yes")


def test_a_read_registry_can_be_passed_back_in(tmp_path, toy):
    obs = read_observations(registry(tmp_path, {"date": "2025-05"}), corridor=toy)
    table = compare_observed(toy, obs, parameters=NO_EMPTIES)
    assert table.loc["toy_run", "as_of"] == pd.Timestamp("2025-05-01")


# --- comparison on the INSTC ------------------------------------------------------------------------------


def test_every_shipped_observation_gets_a_row(shipped, shipped_comparison):
    table = shipped_comparison
    assert table.index.tolist() == shipped.index.tolist()
    routed = table["modelled_days"].notna()
    assert routed.sum() >= 10
    assert table.loc[~routed, "model_note"].str.startswith("no route").all()
    assert (table.loc[routed, "model_note"] == "").all()
    both = table.dropna(subset=["observed_cost_usd", "modelled_cost_usd"])
    assert len(both) >= 3


def test_the_model_sees_what_was_open_on_the_day(instc, shipped, shipped_comparison):
    # before the Astara rail link (Feb 2018) and the Qazvin-Rasht railway (Mar 2019) the western route differs
    dated = shipped_comparison.loc["rgi_mumbai_vorsino_2016"]
    assert dated["as_of"] == pd.Timestamp("2016-09-20")
    baseline = compare_observed(instc, shipped.loc[["rgi_mumbai_vorsino_2016"]], dated=False).iloc[0]
    assert pd.notna(baseline["modelled_days"]) and pd.isna(baseline["as_of"])
    assert "as of 2016-09-20" in dated["model_note"] or dated["modelled_days"] != baseline["modelled_days"]


# --- the chart --------------------------------------------------------------------------------------------


def test_plot_observed_draws_one_point_per_routed_observation(shipped_comparison):
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_rgb

    from corridor.plot import ROUTE_COLORS, plot_observed

    ax = plot_observed(shipped_comparison)
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in points) == shipped_comparison["modelled_days"].notna().sum()
    assert [c.get_label() for c in points][:2] == ["western (trips)", "western (estimates)"]
    western_trips, western_estimates = points[0], points[1]
    # the 2016 trial run (by road between Astara and Qazvin) and the 2021 block train, to Astara and to Nhava Sheva
    assert len(western_trips.get_offsets()) == 3
    assert tuple(np.round(western_trips.get_facecolors()[0][:3], 3)) == tuple(np.round(to_rgb(ROUTE_COLORS[0]), 3))
    assert tuple(western_estimates.get_facecolors()[0][:3]) == (1.0, 1.0, 1.0)  # hollow
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["western", "trans_caspian", "eastern", "suez", "published estimate", "model = observed"]
    one_to_one = [line for line in ax.get_lines() if line.get_label() == "model = observed"]
    assert len(one_to_one) == 1
    x, y = one_to_one[0].get_data()
    assert list(x) == list(y)
    assert ax.get_xlabel() == "observed (days)" and ax.get_ylabel() == "modelled (days)"
    plt.close("all")
