"""Origin-destination freight onto routes: all-or-nothing, multinomial logit, and capacity restraint.

This module starts with the route-choice model shared by assignment and uncertainty: multinomial logit over
the candidate routes of a pair, with the path-size correction of Ben-Akiva and Bierlaire (1999) for routes
that share elements.
"""

from __future__ import annotations

import numpy as np

__all__ = ["logit_shares", "path_size"]


def path_size(incidence: np.ndarray, length_km: np.ndarray) -> np.ndarray:
    """Path-size factor of each route in a choice set (Ben-Akiva and Bierlaire 1999), between 0 and 1.

    ``PS_r = sum over elements a of route r of (l_a / L_r) / N_a``, where ``l_a`` is the element's length,
    ``L_r`` the route's length and ``N_a`` the number of routes in the set that use ``a``. A route that shares
    nothing has 1; two identical routes have 0.5 each.

    Parameters
    ----------
    incidence : ndarray of bool, shape (routes, elements)
        Which elements each route uses.
    length_km : ndarray, shape (elements,)
        Length of each element (km); zero-length elements (transfers) carry no weight.

    Returns
    -------
    ndarray, shape (routes,)

    Examples
    --------
    >>> incidence = np.array([[1, 1, 0], [1, 0, 1]], dtype=bool)
    >>> path_size(incidence, np.array([10.0, 30.0, 30.0])).round(3).tolist()
    [0.875, 0.875]
    """
    incidence = np.asarray(incidence, dtype=bool)
    length_km = np.asarray(length_km, dtype=float)
    if incidence.ndim != 2 or incidence.shape[1] != length_km.shape[0]:
        raise ValueError(
            f"`incidence` must be (routes, elements) with one column per entry of `length_km`; got "
            f"{incidence.shape} and {length_km.shape}."
        )
    if not np.isfinite(length_km).all() or (length_km < 0).any():
        raise ValueError("`length_km` must be finite and not negative.")
    used = incidence.sum(axis=0)
    route_km = incidence @ length_km
    if (route_km <= 0).any():
        raise ValueError("every route needs a positive length (km) for its path-size factor.")
    share = np.where(used > 0, length_km / np.maximum(used, 1), 0.0)
    return (incidence @ share) / route_km


def logit_shares(cost: np.ndarray, *, scale_per_usd: float, path_size: np.ndarray | None = None) -> np.ndarray:
    """Multinomial logit shares of routes from their generalised cost, along the last axis.

    ``P_r = PS_r exp(-scale * c_r) / sum_s PS_s exp(-scale * c_s)``: the utility is ``-scale * c_r + ln PS_r``.
    As the scale grows the shares tend to all-or-nothing on the cheapest route; at zero they are proportional
    to the path sizes. Computed stably (the cheapest route's cost is subtracted first). Infinite costs (a
    route closed in a draw) get a share of 0.

    Parameters
    ----------
    cost : ndarray, shape (..., routes)
        Generalised cost of each route (US$ per cargo unit).
    scale_per_usd : float
        Logit scale (1/US$), not negative.
    path_size : ndarray, shape (routes,) or like `cost`, optional
        Path-size factors in (0, 1]; see :func:`path_size`. None means no correction.

    Returns
    -------
    ndarray like `cost`, summing to 1 along the last axis.

    Examples
    --------
    >>> logit_shares(np.array([100.0, 100.0, 200.0]), scale_per_usd=0.01).round(3).tolist()
    [0.422, 0.422, 0.155]
    >>> logit_shares(np.array([100.0, 100.0, 200.0]), scale_per_usd=1.0).round(3).tolist()
    [0.5, 0.5, 0.0]
    """
    cost = np.asarray(cost, dtype=float)
    if not np.isfinite(scale_per_usd) or scale_per_usd < 0:
        raise ValueError(f"`scale_per_usd` was {scale_per_usd!r}; expected a finite number >= 0 (1/US$).")
    if np.isnan(cost).any() or np.isneginf(cost).any():
        raise ValueError("`cost` holds NaN or -inf; route costs must be numbers (inf for a closed route).")
    open_ = np.isfinite(cost)
    if not open_.any(axis=-1).all():
        raise ValueError("every choice needs at least one route with a finite cost.")
    utility = np.where(open_, -scale_per_usd * cost, -np.inf)
    if path_size is not None:
        size = np.broadcast_to(np.asarray(path_size, dtype=float), cost.shape)
        if not ((size > 0) & (size <= 1)).all():
            raise ValueError("`path_size` factors must lie in (0, 1].")
        utility = utility + np.log(size)
    utility = utility - utility.max(axis=-1, keepdims=True)
    weight = np.exp(utility)
    return weight / weight.sum(axis=-1, keepdims=True)
