"""Unit tests of the collection's plugins: a module's output is read as the controller shows it."""
import pytest

import core_compat


class _AsShown(object):
    """capsys whose `out` is the module output as the controller shows it (core_compat.shown)."""

    def __init__(self, capture):
        self._capture = capture

    def readouterr(self):
        result = self._capture.readouterr()
        return result._replace(out=core_compat.shown(result.out))

    def __getattr__(self, name):
        return getattr(self._capture, name)


@pytest.fixture
def capsys(capsys):
    return _AsShown(capsys) if core_compat.MASKS_ON_CONTROLLER else capsys
