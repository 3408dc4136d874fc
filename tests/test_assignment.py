import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.assignment import logit_shares, path_size

costs = st.lists(st.floats(0, 1e5), min_size=1, max_size=6)


@given(costs, st.floats(0, 10))
def test_logit_shares_sum_to_one(cost, scale):
    shares = logit_shares(np.array(cost), scale_per_usd=scale)
    assert shares.sum() == pytest.approx(1.0)
    assert (shares >= 0).all()


def test_logit_tends_to_all_or_nothing_as_the_scale_grows():
    cost = np.array([[120.0, 100.0, 150.0]])
    cheapest = [logit_shares(cost, scale_per_usd=s)[0, 1] for s in (0.001, 0.01, 0.1, 1.0)]
    assert cheapest == sorted(cheapest) and cheapest[-1] == pytest.approx(1.0)


def test_path_size_lowers_the_share_of_overlapping_routes():
    # routes 0 and 1 share their long element; route 2 shares nothing; all cost the same
    incidence = np.array([[1, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 1]], dtype=bool)
    size = path_size(incidence, np.array([90.0, 10.0, 10.0, 100.0]))
    assert size.round(3).tolist() == [0.55, 0.55, 1.0]
    shares = logit_shares(np.zeros(3), scale_per_usd=0.01, path_size=size)
    assert shares[2] > 1 / 3 > shares[0] == shares[1]


def test_closed_routes_get_no_share_and_bad_inputs_are_named():
    assert logit_shares(np.array([np.inf, 5.0]), scale_per_usd=0.1).tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="scale_per_usd"):
        logit_shares(np.array([1.0]), scale_per_usd=-1)
    with pytest.raises(ValueError, match="at least one route"):
        logit_shares(np.array([np.inf]), scale_per_usd=0.1)
