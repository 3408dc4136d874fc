"""The package works when installed from a wheel, not only from the source tree."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
    subprocess.run([*pip, "-w", str(out), str(ROOT)], check=True, capture_output=True)
    [path] = out.glob("corridor-*.whl")
    return path


def test_wheel_carries_the_data_but_not_the_build_scripts(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "corridor/data/instc/segments.csv" in names
    assert "corridor/data/basemap/countries_ne10m.geojson" in names
    assert "corridor/data/toy/places.csv" in names
    assert {"corridor/data/scenarios/rasht_astara_opens.toml", "corridor/data/scenarios/README.md"} <= set(names)
    assert {"corridor/data/vendor/leaflet/leaflet.js", "corridor/data/vendor/leaflet/LICENSE"} <= set(names)
    assert not any("build_segment_geometry" in n for n in names)


def test_installed_wheel_finds_its_data_from_any_directory(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    script = (
        "import corridor; c = corridor.load_instc(); "
        "print(corridor.__file__); print(corridor.datasets.get_path('instc')); print(len(c.segments))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    module, data, count = result.stdout.split()
    assert module.startswith(str(target)) and data.startswith(str(target))
    assert int(count) > 50


def test_installed_wheel_has_the_corridor_command(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    script = target / "bin" / "corridor"
    assert script.is_file()
    env = {**os.environ, "PYTHONPATH": str(target)}
    ok = subprocess.run([str(script), "validate", "--help"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("usage: corridor validate")
    bad = subprocess.run(
        [str(script), "route", "jnpt", "moskow"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "did you mean 'moscow'" in bad.stderr and "Traceback" not in bad.stderr
    # an installed package has no notebooks: `report` says so instead of failing somewhere inside
    report = subprocess.run([str(script), "report"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert report.returncode == 2 and "not installed with the package" in report.stderr
