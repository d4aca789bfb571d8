"""The proof suites (issue 11): each proves one property of the whole collection and prints its figure.

`KSYUN_PROOF=reduced` (the default, what `make test` runs through `make proof`) or `KSYUN_PROOF=full`
(`make proof-<suite>`, `make proof-full`) sets how much each suite does (`proof_size()`); every suite
reports its figure with `figure(suite, text)`, printed at the end of the run and written to
`tests/output/proof/<suite>.txt`.
"""
import os

import pytest

OUTPUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "output", "proof")
_FIGURES = []


def proof_size():
    """'reduced' or 'full' (KSYUN_PROOF)."""
    size = os.environ.get("KSYUN_PROOF", "reduced")
    if size not in ("reduced", "full"):
        raise ValueError("KSYUN_PROOF is reduced or full, not %r" % size)
    return size


def record_figure(suite, text):
    """Report a suite's figure: printed after the run, and kept in tests/output/proof/<suite>.txt."""
    line = "%s (%s): %s" % (suite, proof_size(), text)
    _FIGURES.append(line)
    os.makedirs(OUTPUT, exist_ok=True)
    with open(os.path.join(OUTPUT, "%s.txt" % suite), "a") as f:
        f.write(line + "\n")


@pytest.fixture
def figure():
    return record_figure


@pytest.fixture
def size():
    return proof_size()


def pytest_terminal_summary(terminalreporter):
    # with xdist the figures are recorded in the workers: read them back from the files
    lines = []
    if os.path.isdir(OUTPUT):
        for name in sorted(os.listdir(OUTPUT)):
            with open(os.path.join(OUTPUT, name)) as f:
                lines.extend(line.rstrip("\n") for line in f if line.strip())
    if lines:
        terminalreporter.section("proof figures")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_sessionstart(session):
    # a fresh run starts with no figures (workers of xdist must not remove them again)
    if not hasattr(session.config, "workerinput") and os.path.isdir(OUTPUT):
        for name in os.listdir(OUTPUT):
            os.remove(os.path.join(OUTPUT, name))
