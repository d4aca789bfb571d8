"""The package's promises: standard library only, sharing nothing with the collection (no import of
ansible, ansible_collections or plugins/), and runnable as `python -m ksyun_emulator`."""
import ast
import glob
import os
import subprocess
import sys

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ksyun_emulator")


def imported(path):
    """(line, top-level module name) of every absolute import in the file other than the package's own."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] != "ksyun_emulator":   # server.py run as a script imports itself so
                yield node.lineno, name.split(".")[0]


def test_every_import_is_the_standard_library_or_the_package():
    files = sorted(glob.glob(os.path.join(PACKAGE, "**", "*.py"), recursive=True))
    assert len(files) >= 12
    foreign = ["%s:%d %s" % (os.path.basename(path), line, name) for path in files
               for line, name in imported(path) if name not in sys.stdlib_module_names]
    assert foreign == []


def test_the_walk_sees_a_foreign_import(tmp_path):
    """The check above can fail: a file importing the collection is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from . import core\nimport json\nfrom ansible_collections.ksyun.cloud.plugins import x\n")
    assert [name for _line, name in imported(str(bad)) if name not in sys.stdlib_module_names] == ["ansible_collections"]


def test_runs_as_a_module_and_prints_its_command_name():
    proc = subprocess.run([sys.executable, "-m", "ksyun_emulator", "--help"], cwd=os.path.dirname(PACKAGE),
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: ksyun-emulator ") and "--strict-params" in proc.stdout
