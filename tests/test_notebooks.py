"""Every notebook executes top to bottom on the shipped data, through the same runner as `make report`."""

import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9]*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_notebook_executes(notebook, tmp_path):
    runner = notebook.parent / "run_notebooks.py"
    result = subprocess.run(
        [sys.executable, str(runner), "--out", str(tmp_path), str(notebook)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / f"{notebook.stem}.html").stat().st_size > 10_000
    assert list((tmp_path / "figures").glob(f"{notebook.stem}_*.png"))


def test_notebooks_are_committed_without_outputs():
    import nbformat

    for notebook in NOTEBOOKS:
        cells = nbformat.read(notebook, as_version=4).cells
        assert not any(c.get("outputs") for c in cells if c.cell_type == "code"), notebook.name
