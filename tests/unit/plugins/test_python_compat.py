"""Modules and module_utils run on the managed side's Python, which ansible-core 2.19 allows to be
as old as 3.8; sanity here runs on 3.11 only, so parse them with the 3.8 grammar (best effort:
`ast` rejects newer syntax such as `match`, parenthesised context managers and `except*`)."""
import ast
import glob
import os

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PLUGINS = os.path.join(REPO, "plugins")
FILES = sorted(glob.glob(os.path.join(PLUGINS, "modules", "*.py"))
               + glob.glob(os.path.join(PLUGINS, "module_utils", "**", "*.py"), recursive=True))


def test_there_are_files_to_check():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda path: os.path.relpath(path, PLUGINS))
def test_parses_with_the_python_3_8_grammar(path):
    with open(path) as f:
        ast.parse(f.read(), path, feature_version=(3, 8))


def test_the_check_rejects_newer_syntax():
    with pytest.raises(SyntaxError):
        ast.parse("match x:\n    case 1:\n        pass\n", feature_version=(3, 8))
