"""Runs every integration target (tests/integration/targets/<name>) as one pytest test.

Each target gets a fresh emulator (emulator/ksyun_emulator, a separate process) and is played by
`ansible-playbook` with the collection on ANSIBLE_COLLECTIONS_PATH, inside the one frame all targets
share, targets/setup_ksyun/tasks/frame.yml: the target's tasks/cleanup.yml, then its test
(tasks/main.yml) in a block whose `always` runs the cleanup again. The frame gives the target's tasks
the emulator through `module_defaults` for the `group/ksyun.cloud.ksyun` action group (and the
`ksyun_api_call` helper of setup_ksyun); the runner passes the variables `ksyun_endpoint_url`,
`ksyun_emulator_admin` (the admin base URL, for scheduling faults with ansible.builtin.uri),
`ksyun_access_key`, `ksyun_secret_key` and `ksyun_region`.

The emulator runs with `--strict-params` (a parameter name an action does not define is refused,
so a misspelt name in a module fails its target) and lifecycles of 0 seconds; a target's optional
`emulator.args` file adds flags of its own (one line, shell words: `--lifecycle-seconds 2`, a second
`--account AK:SK`, ...; a later flag overrides an earlier one).

Targets whose `aliases` file contains `disabled` or `unsupported` are skipped.
Run one target: `pytest tests/integration -k kce_cluster_info`.
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

import pytest
import yaml

from ksyun_emulator.process import EmulatorProcess
from ksyun_emulator.server import DEMO_ACCESS_KEY as DEMO_AK, DEMO_SECRET_KEY as DEMO_SK

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TESTS)
TARGETS = os.path.join(TESTS, "integration", "targets")
COLLECTIONS = os.path.join(REPO, ".collections")


def _targets():
    if not os.path.isdir(TARGETS):
        return []
    names = []
    for name in sorted(os.listdir(TARGETS)):
        tasks = os.path.join(TARGETS, name, "tasks", "main.yml")
        if not os.path.isfile(tasks) or name.startswith("setup_"):
            continue
        aliases_file = os.path.join(TARGETS, name, "aliases")
        aliases = open(aliases_file).read().split() if os.path.isfile(aliases_file) else []
        marks = [pytest.mark.skip(reason="disabled in aliases")] if {"disabled", "unsupported"} & set(aliases) else []
        names.append(pytest.param(name, marks=marks, id=name))
    return names


def emulator_flags(target):
    """--strict-params plus the flags of the target's emulator.args file (if any)."""
    flags = ["--strict-params"]
    path = os.path.join(TARGETS, target, "emulator.args")
    if os.path.isfile(path):
        with open(path) as f:
            flags += shlex.split(f.read(), comments=True)
    return flags


@pytest.mark.parametrize("target", _targets())
def test_target(target):
    with tempfile.TemporaryDirectory(prefix="ksyun-it-") as work:
        emu = EmulatorProcess(work, *emulator_flags(target))
        try:
            extra = {
                "ksyun_endpoint_url": emu.url,
                "ksyun_emulator_admin": emu.url + "/_emulator",
                "ksyun_access_key": DEMO_AK,
                "ksyun_secret_key": DEMO_SK,
                "ksyun_region": "cn-beijing-6",
            }
            playbook = os.path.join(work, "play.yml")
            with open(playbook, "w") as f:
                f.write(PLAY.format(target=target))
            env = dict(os.environ,
                       ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
                       ANSIBLE_ROLES_PATH=TARGETS,
                       ANSIBLE_LOCAL_TEMP=os.path.join(work, "tmp"),
                       ANSIBLE_NOCOLOR="1",
                       ANSIBLE_FORCE_COLOR="0",
                       ANSIBLE_DEPRECATION_WARNINGS="0",
                       ANSIBLE_PYTHON_INTERPRETER=sys.executable)
            bindir = os.path.dirname(sys.executable)
            cmd = [os.path.join(bindir, "ansible-playbook"), playbook, "-e", json.dumps(extra)]
            run = subprocess.run(cmd, env=env, cwd=work, capture_output=True, text=True, timeout=900, check=False)
            if run.returncode != 0:
                pytest.fail("target %s failed (rc=%s)\n%s\n%s" % (target, run.returncode, run.stdout[-20000:], run.stderr[-5000:]))
            # secrets must never reach the output
            assert DEMO_SK not in run.stdout + run.stderr
        finally:
            emu.stop()


def test_every_target_leaves_the_frame_to_setup_ksyun():
    """A target holds its test, cleanup and vars; the frame (cleanup, then the test in a block with the
    cleanup in `always`, and the emulator's connection) is setup_ksyun/tasks/frame.yml's alone."""
    with open(os.path.join(TARGETS, "setup_ksyun", "tasks", "frame.yml")) as f:
        assert "always" in yaml.safe_load(f)[0]["block"][1]
    names = [p.values[0] for p in _targets()]
    assert len(names) > 20
    for name in names:
        with open(os.path.join(TARGETS, name, "tasks", "main.yml")) as f:
            tasks = yaml.safe_load(f)
        for task in tasks:
            assert "always" not in task, \
                "%s: cleanup goes to tasks/cleanup.yml, the frame runs it (task %r)" % (name, task.get("name"))
            for defaults in (task.get("module_defaults") or {}).values():
                assert "endpoint_url" not in defaults or name == "kci_lifecycle", \
                    "%s: the frame gives the emulator's connection (task %r)" % (name, task.get("name"))


PLAY = """
- name: Target {target} in the shared frame (setup_ksyun/tasks/frame.yml)
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Target {target}
      ansible.builtin.include_role:
        name: setup_ksyun
        tasks_from: frame
      vars:
        ksyun_target: {target}
"""
