"""Release gates: what Galaxy / Automation Hub run on import, the docsite's view of the docs, and the
ansible-core range the collection claims being the one the version matrix (scripts/matrix) tests.
"""
import importlib.machinery
import importlib.util
import os
import re
import sys

import yaml

from gatelib import REPO, clean_env, explain, run, tool

EE = os.path.join(REPO, "extras", "ee", "execution-environment.yml")


def matrix_cells():
    text = open(os.path.join(REPO, "scripts", "matrix")).read()
    cells = re.search(r"^CELLS=\(([^)]*)\)", text, re.M).group(1).split()
    return [tuple(c.split(":")) for c in cells]


def test_claimed_ansible_core_range_is_the_tested_one():
    cores = [tuple(int(p) for p in cell[0].split(".")) for cell in matrix_cells()]
    oldest, newest = min(cores), max(cores)
    # every minor version between the oldest and the newest is a cell
    assert cores == [(oldest[0], m) for m in range(oldest[1], newest[1] + 1)]
    low, high = "%d.%d" % oldest, "%d.%d" % (newest[0], newest[1] + 1)
    runtime = yaml.safe_load(open(os.path.join(REPO, "meta", "runtime.yml")))
    assert runtime["requires_ansible"] == ">=%s.0,<%s.0" % (low, high)
    ee = yaml.safe_load(open(EE))
    assert ee["dependencies"]["ansible_core"]["package_pip"] == "ansible-core>=%s,<%s" % (low, high)
    readme = open(os.path.join(REPO, "README.md")).read()
    assert "`ansible-core` %s to %d.%d" % (low, newest[0], newest[1]) in readme


def test_galaxy_importer_accepts_the_tarball_with_automation_hub_settings(tarball, tmp_path):
    """galaxy-importer (what Galaxy and Automation Hub run on import) with tests/gates/galaxy-importer.cfg:
    required tags, version >= 1.0.0, flake8, ansible-doc, ansible-lint, changelog. Its ansible-test
    part needs a container engine and is off (make sanity and scripts/matrix run ansible-test)."""
    env = clean_env(str(tmp_path / "home"), GALAXY_IMPORTER_CONFIG=os.path.join(REPO, "tests", "gates", "galaxy-importer.cfg"))
    proc = run([sys.executable, "-m", "galaxy_importer.main", tarball], env, cwd=str(tmp_path), timeout=1800)
    assert proc.returncode == 0, explain(proc)
    out = proc.stdout + proc.stderr
    assert "Importer processing completed successfully" in out, explain(proc)
    assert not re.search(r"^ERROR", out, re.M), explain(proc)


def test_antsibull_docs_lint_collection_docs(home):
    """The plugins' docs, extra docs and links as a docsite build reads them."""
    env = clean_env(home, collections_path=os.path.join(REPO, ".collections"))
    proc = run([tool("antsibull-docs"), "lint-collection-docs", "--plugin-docs",
                os.path.join(REPO, ".collections", "ansible_collections", "ksyun", "cloud")], env, cwd=REPO, timeout=1200)
    assert proc.returncode == 0, explain(proc)


def test_docsite_pages_are_the_markdown_pages():
    """docs/docsite/rst/<page>.rst is what scripts/docsite_rst.py writes from docs/<page>.md (run it)."""
    loader = importlib.machinery.SourceFileLoader("docsite_rst", os.path.join(REPO, "scripts", "docsite_rst.py"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("docsite_rst", loader))
    loader.exec_module(module)
    pages = module.pages()
    assert sorted(pages) == ["architecture", "awx"]
    for page in pages:
        md = open(os.path.join(REPO, "docs", page + ".md")).read()
        rst = open(os.path.join(REPO, "docs", "docsite", "rst", page + ".rst")).read()
        assert rst == module.convert(page, md), "run scripts/docsite_rst.py: %s.rst is out of date" % page
