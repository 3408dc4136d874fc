import os
import shutil
from collections.abc import Callable
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from hypothesis import Phase, settings
from hypothesis import strategies as st

import corridor

matplotlib.use("Agg")

# Under mutmut (which sets MUTANT_UNDER_TEST), a mutant that breaks a property would make hypothesis shrink and
# explain the failure for minutes, and the mutant would time out instead of being killed: a kill needs no minimal
# example, so property tests stop at the first failing one.
settings.register_profile("mutants", phases=[Phase.explicit, Phase.reuse, Phase.generate])
if os.environ.get("MUTANT_UNDER_TEST"):
    settings.load_profile("mutants")


@pytest.fixture
def toy_dir(tmp_path: Path) -> Path:
    """A writable copy of the toy corridor folder (4 places, 4 segments, 4 transfers, 1 event)."""
    return Path(shutil.copytree(corridor.datasets.get_path("toy"), tmp_path / "toy"))


@pytest.fixture
def edit(toy_dir: Path) -> Callable[..., Path]:
    """Edit one table of the toy copy: ``edit("segments", fn)`` with fn taking and returning the raw text table."""

    def _edit(table: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Path:
        path = toy_dir / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        change(frame).to_csv(path, index=False)
        return toy_dir

    return _edit


@pytest.fixture
def toy() -> corridor.Corridor:
    return corridor.read_corridor(corridor.datasets.get_path("toy"))


@pytest.fixture(scope="session")
def instc() -> corridor.Corridor:
    return corridor.load_instc()


@st.composite
def place_pairs(draw, corridor: corridor.Corridor) -> tuple[str, str]:
    """Two different places of `corridor`, for property tests over origin-destination pairs."""
    places = sorted(corridor.places.index)
    origin = draw(st.sampled_from(places))
    return origin, draw(st.sampled_from([p for p in places if p != origin]))
