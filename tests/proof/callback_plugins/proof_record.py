# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A callback of the proof suites: one JSON line per task result, appended to $PROOF_RECORD.

Each line: ``task`` (name), ``action``, ``status`` (ok / failed / skipped / unreachable),
``changed``, ``result`` (the whole result as callbacks get it: the secrets suite searches it),
``start`` and ``end`` (when the task started and when this result came, epoch seconds), ``note``
(a module's ``check_mode_note``, when it gives one), and for failures ``msg`` (a loop's: its failed
items' messages) and ``unclear`` (true when the failure is not a module's own message: none, a
module or action plugin that raised, or a module's raw output).
Enabled with ANSIBLE_CALLBACKS_ENABLED=proof_record and ANSIBLE_CALLBACK_PLUGINS=<this folder>.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
    name: proof_record
    type: aggregate
    short_description: one JSON line per task result (the proof suites)
    description:
      - Appends each task result to the file named by the PROOF_RECORD environment variable.
    requirements:
      - enabled in ANSIBLE_CALLBACKS_ENABLED
"""

import json
import os
import re
import time

from ansible.plugins.callback import CallbackBase


#: how ansible-core words a failure that is not the module's own message: a module or action plugin that
#: raised (ansible-core 2.19 "Task failed: Module failed: <exception>"), or that printed no JSON
_UNCLEAR = re.compile(r"^(Task failed: )?(Module failed|Action failed|MODULE FAILURE|Unexpected failure)")


def unclear(result):
    """True when a failed result is not a module's own message: no msg, a crash, raw module output."""
    if result.get("module_stderr") or result.get("module_stdout"):
        return True
    msg = result.get("msg")
    return not msg or not isinstance(msg, str) or bool(_UNCLEAR.match(msg))


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "proof_record"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._started = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started = time.time()

    def _record(self, status, result):
        path = os.environ.get("PROOF_RECORD")
        if not path:
            return
        data = getattr(result, "result", None)
        if data is None:
            data = result._result
        line = dict(task=result.task.get_name(), action=result.task.action, status=status,
                    changed=bool(data.get("changed")), start=self._started, end=time.time(), result=data)
        if data.get("check_mode_note"):
            line["note"] = data["check_mode_note"]
        if status in ("failed", "unreachable"):
            # a loop's result holds its items' results: their messages are the ones that matter
            failed = [r for r in data.get("results") or [] if isinstance(r, dict) and r.get("failed")]
            msg = "; ".join(str(r.get("msg")) for r in failed) if failed else data.get("msg")
            line.update(msg=msg, unclear=any(unclear(r) for r in failed) if failed else unclear(data))
        with open(path, "a") as handle:
            handle.write(json.dumps(line, default=str, sort_keys=True) + "\n")

    def v2_runner_on_ok(self, result):
        self._record("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record("failed", result)

    def v2_runner_on_skipped(self, result):
        self._record("skipped", result)

    def v2_runner_on_unreachable(self, result):
        self._record("unreachable", result)
