"""corridor: analyse trade corridors - places, segments, transfers and trade - in Jupyter.

>>> import corridor
>>> c = corridor.load_instc()
>>> sorted(c.segments["mode"].unique())
['inland_water', 'rail', 'road', 'sea']
"""

from importlib.metadata import PackageNotFoundError, version

from corridor import datasets, network, observed
from corridor.datasets import load_instc
from corridor.errors import CorridorReadError, CorridorValidationError
from corridor.network import (
    Corridor,
    confidence_summary,
    from_frames,
    length_summary,
    read_corridor,
    suggest_transfers,
    validate,
)

try:
    __version__ = version("corridor")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "Corridor",
    "CorridorReadError",
    "CorridorValidationError",
    "confidence_summary",
    "datasets",
    "from_frames",
    "length_summary",
    "load_instc",
    "network",
    "observed",
    "read_corridor",
    "suggest_transfers",
    "validate",
]
