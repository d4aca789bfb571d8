# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The progress side channel: KsyunModule.progress (module side) and the Tail of the action plugin."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.ksyun.cloud.plugins.module_utils import _module
from ansible_collections.ksyun.cloud.plugins.plugin_utils import _progress


class FakeModule(object):
    progress = _module.KsyunModule.progress


def test_progress_writes_one_line_per_call_only_when_asked(tmp_path, monkeypatch):
    path = tmp_path / "p"
    monkeypatch.delenv(_module.PROGRESS_ENV, raising=False)
    FakeModule().progress("not asked")
    assert not path.exists()
    monkeypatch.setenv(_module.PROGRESS_ENV, str(path))
    FakeModule().progress("cluster c-1: building\nafter  3 s")
    FakeModule().progress("cluster c-1: running after 9 s")
    assert path.read_text() == "cluster c-1: building after 3 s\ncluster c-1: running after 9 s\n"


def test_progress_never_fails(tmp_path, monkeypatch):
    monkeypatch.setenv(_module.PROGRESS_ENV, str(tmp_path / "missing-dir" / "p"))
    FakeModule().progress("x")   # an unwritable file is ignored


def test_tail_shows_complete_lines_once_in_order(tmp_path):
    path = tmp_path / "p"
    path.write_text("")
    shown = []
    tail = _progress.Tail(str(path), "[h] m:", show=shown.append)
    with open(str(path), "a") as f:
        f.write("one\ntw")
    tail.drain()
    assert shown == ["[h] m: one"]          # a partial line waits for its end
    with open(str(path), "a") as f:
        f.write("o\n\nthree\n")
    tail.drain()
    tail.drain()
    assert shown == ["[h] m: one", "[h] m: two", "[h] m: three"]


def test_tail_thread_drains_what_is_left_when_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(_progress, "POLL_SECONDS", 60)   # only the final drain can show it
    path = tmp_path / "p"
    path.write_text("")
    shown = []
    tail = _progress.Tail(str(path), "[h] m:", show=shown.append)
    tail.start()
    with open(str(path), "a") as f:
        f.write("last\n")
    tail.stop()
    assert shown == ["[h] m: last"] and not tail.is_alive()
    os.remove(str(path))
    tail.drain()                            # a file already removed is no error


def test_every_waiting_module_runs_through_the_one_progress_action():
    """A module with the `wait` options (the ksyun.cloud.wait doc fragment) shows its progress only when
    its task runs through the progress action plugin: its own (the one there is) or one routed to it."""
    import yaml

    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
    modules = os.path.join(repo, "plugins", "modules")
    waiting = sorted(f[:-3] for f in os.listdir(modules)
                     if f.endswith(".py") and "  - ksyun.cloud.wait\n" in open(os.path.join(modules, f)).read())
    actions = sorted(f[:-3] for f in os.listdir(os.path.join(repo, "plugins", "action")) if f.endswith(".py"))
    with open(os.path.join(repo, "meta", "runtime.yml")) as f:
        routing = yaml.safe_load(f).get("plugin_routing") or {}
    # an `action:` redirect would resolve the task, and its module_defaults, to the action's name
    assert "action" not in routing
    routed = routing.get("modules") or {}
    assert len(waiting) == 5 and actions == ["kce_cluster"]
    for name in waiting:
        action = name if name in actions else routed.get(name, {}).get("action_plugin", "").replace("ksyun.cloud.", "")
        assert action == "kce_cluster", "%s: no action plugin shows its progress" % name
    assert sorted(routed) == sorted(set(waiting) - set(actions))
    from ansible_collections.ksyun.cloud.plugins.action.kce_cluster import ActionModule
    assert issubclass(ActionModule, _progress.ProgressAction)
