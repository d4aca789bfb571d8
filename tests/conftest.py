"""Shared pytest set-up for every suite.

- `emulator/` goes on sys.path so the emulator imports as the package `ksyun_emulator` (as
  `PYTHONPATH=emulator python -m ksyun_emulator` runs it), and `tests/` for the shared fixtures
  (kce_world, core_compat).
- A link tree `.collections/ansible_collections/ksyun/cloud -> repo` makes the collection importable as
  `ansible_collections.ksyun.cloud` (ansible-core's own import path) without installing it.
- ansible-core's collection loader is set up on that tree before anything imports from it, so that
  plugins (the inventory plugin) load through `ansible.plugins.loader` as they do under Ansible.
"""
import os
import sys

import pytest
from ansible.plugins.loader import init_plugin_loader

TESTS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TESTS)
EMULATOR = os.path.join(REPO, "emulator")
COLLECTIONS = os.path.join(REPO, ".collections")


def _link_collection():
    ns = os.path.join(COLLECTIONS, "ansible_collections", "ksyun")
    link = os.path.join(ns, "cloud")
    if not os.path.islink(link):
        os.makedirs(ns, exist_ok=True)
        try:
            os.symlink(REPO, link)
        except FileExistsError:  # another xdist worker won the race
            pass


_link_collection()
for path in (TESTS, EMULATOR, COLLECTIONS):
    if path not in sys.path:
        sys.path.insert(0, path)
init_plugin_loader([COLLECTIONS])


@pytest.fixture
def emulator_server():
    """A fresh in-process emulator on a free loopback port (lifecycles immediate, no faults, strict
    parameter names: a name the action does not define is refused)."""
    from ksyun_emulator.server import Emulator

    with Emulator(lifecycle_seconds=0, strict_params=True) as emu:
        yield emu
