# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action plugin of the modules that wait: their progress shown while they wait (controller side).

This is a private module of the ksyun.cloud collection; it may change without notice.

A module's output only reaches Ansible when it ends, so a wait of twenty minutes for a cluster would
be silent. For a module run through the ``local`` connection (the way these API modules are run: on
the controller), `ProgressAction` gives the module a file to append its progress to
(``_module.PROGRESS_ENV``; each status a wait reaches, with the seconds waited) and shows each new
line as it arrives::

    TASK [Create the cluster] ****************************************
    [localhost] ksyun.cloud.kce_cluster: cluster 3f0c...: building after 0 s
    [localhost] ksyun.cloud.kce_cluster: cluster 3f0c...: running after 95 s
    changed: [localhost]

Over any other connection the module simply runs (the file would be on another machine). The
module's result is returned unchanged.

The one action plugin is plugins/action/kce_cluster.py; the other modules that wait name it as their
``action_plugin`` in meta/runtime.yml (``plugin_routing.modules``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile
import threading

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

from ansible_collections.ksyun.cloud.plugins.module_utils._module import PROGRESS_ENV

display = Display()

#: how often the progress file is looked at (seconds)
POLL_SECONDS = 0.5
LOCAL = ("local", "ansible.builtin.local")


class Tail(threading.Thread):
    """Shows the lines appended to `path` (each with `label`) until stopped, then the rest."""

    def __init__(self, path, label, show=display.display):
        super().__init__(name="ksyun-progress")
        self.daemon = True
        self.path, self.label, self.show = path, label, show
        self.stopped = threading.Event()
        self.offset = 0

    def run(self):
        while not self.stopped.wait(POLL_SECONDS):
            self.drain()
        self.drain()

    def drain(self):
        try:
            with open(self.path) as handle:
                handle.seek(self.offset)
                text = handle.read()
        except (IOError, OSError):
            return
        complete, _sep, _partial = text.rpartition("\n")
        if not _sep:
            return
        self.offset += len(complete) + 1
        for line in complete.split("\n"):
            if line.strip():
                self.show(f"{self.label} {line}")

    def stop(self):
        self.stopped.set()
        self.join(5)


class ProgressAction(ActionBase):
    """Runs the task's module like Ansible's own `normal` action; on the local connection (and not
    async), shows the progress lines the module reports while it runs."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        wrap_async = self._task.async_val and not self._connection.has_native_async
        if wrap_async or getattr(self._connection, "transport", None) not in LOCAL:
            result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        else:
            result = merge_hash(result, self._execute_with_progress(task_vars))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _execute_with_progress(self, task_vars):
        handle, path = tempfile.mkstemp(prefix="ksyun-progress-")
        os.close(handle)
        host = self._task.delegate_to or (task_vars or {}).get("inventory_hostname") or "localhost"
        tail = Tail(path, f"[{host}] {self._task.action}:")
        before = os.environ.get(PROGRESS_ENV)
        # a module run by the local connection inherits this process's environment
        os.environ[PROGRESS_ENV] = path
        tail.start()
        try:
            return self._execute_module(task_vars=task_vars)
        finally:
            if before is None:
                os.environ.pop(PROGRESS_ENV, None)
            else:
                os.environ[PROGRESS_ENV] = before
            tail.stop()
            try:
                os.remove(path)
            except OSError:
                pass
