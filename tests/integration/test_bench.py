"""The `calls` part of bench/modules.py still runs, and the README's table of the API calls of a
converged re-run is what it measures (a benchmark is no timed test; this one counts, so it can be
checked): every module re-run unchanged, each run its own module process, against the emulator."""
import importlib.util
import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_modules", os.path.join(REPO, "bench", "modules.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def readme_table(heading):
    """The rows (lists of cell texts) of the first table under `heading` in the README."""
    with open(os.path.join(REPO, "README.md")) as f:
        section = f.read().split(heading, 1)[1].split("\n#", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def test_the_readme_shows_the_calls_of_a_converged_rerun():
    bench = load_bench()
    rows = bench.converged_calls()      # asserts changed: false on every re-run
    table = readme_table("### 3. API calls of a converged re-run")
    assert table[0] == bench.CALLS_HEADER
    assert table[2:] == [[str(cell) for cell in row] for row in rows]
    # every resource module is in it
    modules = {name[:-3] for name in os.listdir(os.path.join(REPO, "plugins", "modules"))
               if name.endswith(".py") and not name.endswith("_info.py") and name != "__init__.py"}
    assert {row[0].split("`")[1] for row in rows} == modules
