# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the module tests share: running one module against the in-process emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from core_compat import patch_module_args

REGION = "cn-beijing-6"


@pytest.fixture
def run_module(emulator_server, capsys):
    """run_module(ModuleClass, check=False, diff=False, main=None, **args) -> the module's JSON result,
    plus `rc`, `stderr` (warnings under pytest before ansible-core 2.19), the `requests` it made (action
    names) and their `params` (the parameter names sent). `.emu` is the emulator."""
    def call(cls, check=False, diff=False, main=None, **args):
        emulator_server.clear_requests()
        args = dict(args, endpoint_url=emulator_server.url, access_key=emulator_server.access_key,
                    secret_key=emulator_server.secret_key, region=REGION)
        if check:
            args["_ansible_check_mode"] = True
        if diff:
            args["_ansible_diff"] = True
        with patch_module_args(args):
            with pytest.raises(SystemExit) as info:
                (main or cls.run_module)()
        captured = capsys.readouterr()
        out = json.loads(captured.out)
        out["stderr"] = captured.err
        out["rc"] = info.value.code
        out["requests"] = [r["action"] for r in emulator_server.requests]
        out["params"] = [r["params"] for r in emulator_server.requests]
        return out
    call.emu = emulator_server
    return call
