import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import corridor
from corridor import cli

TOY = str(corridor.datasets.get_path("toy"))
NO_ROAD = textwrap.dedent("""\
    name = "no_road"
    description = "the Bravo - Delta road is shut"
    as_of = 2026-02-01

    [[change]]
    action = "close"
    element = "segments"
    ids = ["b_d_road"]
    source = "made-up"
    confidence = "H"
    """)  # fmt: skip


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def error_lines(err):
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("corridor: error: ") for line in lines), err
    return lines


@pytest.mark.parametrize("command", [[], ["route"], ["scenario"], ["validate"], ["report"]])
def test_help_everywhere(capsys, command):
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0 and out.startswith("usage: corridor")


def test_usage_errors_exit_2(capsys):
    code, _, err = run(capsys, "route", "a", "d", "--by", "tme_h")
    assert code == 2 and "invalid choice: 'tme_h'" in err
    code, _, err = run(capsys, "rout", "a", "d")
    assert code == 2 and "invalid choice" in err


def test_route_on_the_toy_corridor(capsys):
    code, out, err = run(capsys, "route", "a", "d", "--corridor", TOY, "--by", "time_h")
    assert code == 0 and err == ""
    assert "assumption set 'baseline'" in out and "minimising time_h" in out
    assert "best: a_b_rail > b_d_road" in out.splitlines()


def test_route_on_instc_with_a_date(capsys):
    code, out, _ = run(capsys, "route", "jnpt", "moscow", "--as-of", "2025-12-01", "--cargo-unit", "feu")
    assert code == 0 and "as of 2025-12-01" in out and "per feu" in out
    names = [line.split(":")[0] for line in out.splitlines() if ": " in line and ">" in line]
    assert names == ["best", "western", "trans_caspian", "eastern", "suez"]


def test_route_reports_a_route_that_does_not_exist(capsys):
    code, out, _ = run(capsys, "route", "jnpt", "moscow", "--as-of", "2026-05-01")
    assert code == 0
    assert "western: no route: " in out  # Hormuz and the Iranian ocean ports are closed then
    assert "best: " in out and "st_petersburg_jnpt" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["route", "jnpt", "moskow"], "did you mean 'moscow'?"),
        (["route", "jnpt", "moscow", "--as-of", "01/12/2025"], "--as-of was '01/12/2025'; expected a date"),
        (["route", "jnpt", "moscow", "--parameters", "baseine"], "did you mean 'baseline'?"),
        (["route", "a", "d", "--corridor", "/no/such/folder"], "/no/such/folder"),
        (["scenario", "rasht_astara_open", "--out", "OUT"], "did you mean 'rasht_astara_opens'?"),
        (["scenario", "rasht_astara_opens", "--out", "OUT", "--corridor", TOY], "give the pairs to compare"),
        (["validate", "/no/such/folder"], "does not exist"),
        (["report", "--notebooks-dir", "/no/such/folder"], "the notebooks are not installed with the package"),
    ],
)
def test_errors_are_one_line_messages_with_exit_2(capsys, tmp_path, argv, expected):
    argv = [str(tmp_path / "out") if a == "OUT" else a for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert expected in "\n".join(error_lines(err))


def test_scenario_writes_tables_and_prints_a_summary(capsys, tmp_path):
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "scenario", "rasht_astara_opens", "suez_bab_el_mandeb_closed", "--out", str(out_dir),
                         "--no-maps")  # fmt: skip
    assert code == 0 and err == ""
    assert {p.name for p in out_dir.iterdir()} == {"routes.csv", "changes.csv", "summary.csv"}
    routes = pd.read_csv(out_dir / "routes.csv", index_col=[0, 1, 2, 3])
    assert set(routes.index.get_level_values("scenario")) == {"rasht_astara_opens", "suez_bab_el_mandeb_closed"}
    assert set(routes.index.get_level_values("destination")) == {"moscow", "st_petersburg"}
    western = routes.loc[("rasht_astara_opens", "jnpt", "moscow", "western")]
    assert western["diff_time_h"] < 0 and "astara_ir_rasht_rail" in western["scenario_path"]
    changes = pd.read_csv(out_dir / "changes.csv", index_col=[0, 1, 2, 3], keep_default_na=False)
    assert changes.loc[("rasht_astara_opens", "segments", "astara_ir_rasht_rail", "status"), "after"] == "operational"
    assert "rasht_astara_opens" in out and "wrote routes.csv, changes.csv, summary.csv" in out
    moved = out.split("named routes that changed")[1].splitlines()
    assert any(line.startswith("suez_bab_el_mandeb_closed") and "suez" in line for line in moved)
    assert not any(" eastern " in line for line in moved)  # neither scenario touches the eastern branch


def test_scenario_draws_a_route_map_per_scenario(capsys, tmp_path):
    scenario = tmp_path / "faster.toml"
    scenario.write_text(textwrap.dedent("""\
        name = "faster_border"
        description = "the toy border in half the time"
        as_of = 2026-02-01

        [[change]]
        action = "scale"
        element = "transfers"
        ids = ["b_border"]
        values = { time_h_mode = 0.5 }
        source = "made-up"
        confidence = "H"
        """))  # fmt: skip
    code, out, _ = run(capsys, "scenario", str(scenario), "--out", str(tmp_path / "out"), "--corridor", TOY,
                       "--pair", "a", "d", "--by", "time_h")  # fmt: skip
    assert code == 0
    assert (tmp_path / "out" / "faster_border_routes.png").stat().st_size > 10_000
    summary = pd.read_csv(tmp_path / "out" / "summary.csv", index_col=[0, 1, 2])
    assert summary.loc[("faster_border", "a", "d"), "diff_days"] == pytest.approx(-2 / 24)


def test_scenario_with_a_bad_file_lists_every_problem(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ndescription = "y"\nas_of = 2025-13-01\n[[change]]\naction = "opn"\n')
    code, _, err = run(capsys, "scenario", str(bad), "--out", str(tmp_path / "out"))
    assert code == 2
    lines = error_lines(err)
    assert len(lines) == 2 and "bad.toml" in lines[0] and "not valid TOML" in lines[1]
    bad.write_text('name = "x"\ndescription = "y"\nas_of = "2025-13-01"\n[[change]]\naction = "opn"\n')
    code, _, err = run(capsys, "scenario", str(bad), "--out", str(tmp_path / "out"))
    lines = error_lines(err)
    assert code == 2 and "has 6 problems" in lines[0] and len(lines) == 7
    assert any("did you mean 'open'" in line for line in lines) and any("`as_of`" in line for line in lines)
    assert not (tmp_path / "out").exists()


def test_validate_a_corridor_folder(capsys, edit):
    code, out, _ = run(capsys, "validate", TOY)
    assert code == 0 and out.startswith("ok: <Corridor 'Toy corridor'")
    broken = edit("segments", lambda t: t.assign(mode=t["mode"].replace("road", "raod")))
    code, _, err = run(capsys, "validate", str(broken))
    lines = error_lines(err)
    assert code == 2 and "problem" in lines[0] and any("'raod'" in line for line in lines[1:])


def test_validate_a_scenario_file(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", str(corridor.scenarios.get_path("rasht_astara_opens")))
    assert code == 0 and "ok: <Scenario 'rasht_astara_opens'" in out
    bad = tmp_path / "bad.toml"
    bad.write_text(
        textwrap.dedent("""\
        name = "x"
        description = "y"
        as_of = 2025-12-01
        [[change]]
        action = "open"
        element = "segments"
        ids = ["astara_ir_rasht_rial"]
        source = "s"
        confidence = "H"
        """)
    )
    code, _, err = run(capsys, "validate", str(bad))
    assert code == 2 and "did you mean 'astara_ir_rasht_rail'" in err


def test_report_finds_the_source_tree_notebooks():
    assert cli._notebooks_dir(None) == Path(cli.__file__).resolve().parents[1] / "notebooks"


def test_report_runs_the_notebook_runner_it_finds(capsys, tmp_path):
    runner = tmp_path / "run_notebooks.py"  # a stand-in runner that records its arguments
    runner.write_text(
        textwrap.dedent(f"""\
        import pathlib

        def main(argv):
            pathlib.Path({str(tmp_path / "called.txt")!r}).write_text(" ".join(argv))
            return 0
        """)
    )
    notebook = tmp_path / "01_x.ipynb"
    notebook.write_text("{}")
    code, _, _ = run(capsys, "report", str(notebook), "--out", str(tmp_path / "r"), "--notebooks-dir", str(tmp_path))
    assert code == 0
    assert (tmp_path / "called.txt").read_text() == f"--out {tmp_path / 'r'} {notebook}"
    code, _, err = run(capsys, "report", str(tmp_path / "02_y.ipynb"), "--notebooks-dir", str(tmp_path))
    assert code == 2 and "the notebooks are ['01_x.ipynb']" in err


def test_module_runs_as_a_command(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(Path(cli.__file__).resolve().parents[1])}
    result = subprocess.run([sys.executable, "-m", "corridor.cli", "route", "jnpt", "moskow"], capture_output=True,
                            text=True, cwd=tmp_path, env=env)  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("corridor: error: `destination` 'moskow'") and "Traceback" not in result.stderr


def test_installed_console_script(tmp_path):
    script = Path(sys.executable).parent / "corridor"
    if not script.is_file():
        pytest.skip("the `corridor` console script is not installed in this environment (reinstall the package)")
    result = subprocess.run([str(script), "validate", TOY], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("ok: <Corridor 'Toy corridor'")


def test_scenario_with_freight_writes_loads_and_a_flow_change_map(capsys, tmp_path):
    scenario = tmp_path / "no_road.toml"
    scenario.write_text(NO_ROAD)
    freight = tmp_path / "freight.csv"
    freight.write_text("origin,destination,cargo_class,tonnes_per_year,teu_per_year,value_usd_per_year\n"
                       "a,d,container,1000,100,3000000\n")  # fmt: skip
    code, out, err = run(capsys, "scenario", str(scenario), "--out", str(tmp_path / "out"), "--corridor", TOY,
                         "--pair", "a", "d", "--freight", str(freight))  # fmt: skip
    assert code == 0, err
    loads = pd.read_csv(tmp_path / "out" / "loads.csv", index_col=[0, 1, 2])
    assert loads.loc[("no_road", "segment", "b_d_road"), "scenario_tonnes_per_year"] == 0.0
    trade = pd.read_csv(tmp_path / "out" / "trade.csv", index_col=[0, 1, 2, 3]).loc[("no_road", "a", "d", "container")]
    assert trade["tonnes_per_year_responded"] < 1000.0  # the detour by sea costs more, so trade falls a little
    assert loads.loc[("no_road", "segment", "a_b_rail"), "scenario_tonnes_per_year"] == pytest.approx(
        trade["tonnes_per_year_responded"])  # fmt: skip
    assert (tmp_path / "out" / "no_road_flow_change.png").stat().st_size > 10_000
    assert "shares.csv" in {p.name for p in (tmp_path / "out").iterdir()}
    code, _, err = run(capsys, "scenario", str(scenario), "--out", str(tmp_path / "o2"), "--corridor", TOY,
                       "--pair", "a", "d", "--freight", str(tmp_path / "nofile.csv"))  # fmt: skip
    assert code == 2 and "expected 'instc' or the path of a CSV file" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a readable UTF-8 CSV file"),
        (
            "origin,destination,cargo_class,tonnes_per_year\na,d,container,mille\n".encode("latin-1"),
            "`tonnes_per_year` must be a number (t or TEU per year): line 2 ('mille')",
        ),
        (
            "origin,destination,cargo_class,tonnes_per_year\na,d,contäiner,1\n".encode("latin-1"),
            "not a readable UTF-8 CSV file",
        ),
        (b'origin,destination,cargo_class,tonnes_per_year\na,d,"container,1\n', "not a readable UTF-8 CSV file"),
        (b"origin,destination,tonnes\na,d,1\n", "missing column(s) ['cargo_class', 'tonnes_per_year']"),
    ],
)
def test_a_bad_freight_file_is_one_line_naming_it(capsys, tmp_path, content, message):
    freight = tmp_path / "freight.csv"
    freight.write_bytes(content)
    scenario = tmp_path / "no_road.toml"
    scenario.write_text(NO_ROAD)
    code, out, err = run(capsys, "scenario", str(scenario), "--out", str(tmp_path / "out"), "--corridor", TOY,
                         "--pair", "a", "d", "--freight", str(freight))  # fmt: skip
    assert code == 2, out
    assert err.startswith(f"corridor: error: --freight {freight}") and message in err
    assert "Traceback" not in err
