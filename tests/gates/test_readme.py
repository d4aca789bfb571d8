"""Every proof suite (tests/proof/test_<suite>.py) is documented in the README's Proof suites table
with the command that runs it in full."""
import os
import re

from gatelib import REPO

PROOF = os.path.join(REPO, "tests", "proof")
README = os.path.join(REPO, "README.md")


def suites():
    return sorted(re.match(r"test_(\w+)\.py$", n).group(1) for n in os.listdir(PROOF)
                  if re.match(r"test_\w+\.py$", n))


def test_every_suite_has_its_row_and_command():
    with open(README) as f:
        text = f.read()
    table = text.split("## Proof suites", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "make proof-" in line]
    documented = sorted(re.search(r"make proof-(\w+)", row).group(1) for row in rows)
    assert documented == suites()
