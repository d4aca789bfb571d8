"""The progress of long waits, as a person running `ansible-playbook` sees it.

The modules that wait (kce_cluster, kce_node, kce_kubeconfig, kci_container_group, kci_image_cache)
run through the collection's one action plugin (plugins/plugin_utils/_progress.py), which shows each
status the wait reaches while the task runs. Played against an emulator whose lifecycle stages last
one second; the output must show the statuses in order, inside the task, before its result.
"""
import os
import re
import subprocess
import sys
import tempfile

from ksyun_emulator.process import EmulatorProcess
from ksyun_emulator.server import DEMO_ACCESS_KEY as AK, DEMO_SECRET_KEY as SK

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(os.path.dirname(TESTS), ".collections")
PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Create an image cache
      ksyun.cloud.kci_image_cache:
        name: progress-cache
        images: [hub.kce.ksyun.com/ksyun/nginx:latest]
        subnet_id: 7e23b980-11c2-4bb0-9388-xxxxxx
        security_group_id: d46c7672-7ca9-4f51-bbd9-xxxxxx
        {extra}
    - name: The same in check mode
      ksyun.cloud.kci_image_cache:
        name: progress-cache-2
        images: [hub.kce.ksyun.com/ksyun/nginx:latest]
        subnet_id: 7e23b980-11c2-4bb0-9388-xxxxxx
        security_group_id: d46c7672-7ca9-4f51-bbd9-xxxxxx
      check_mode: true
"""


def scratch(work):
    """The temporary directory of the playbook run (where the progress file lives)."""
    path = os.path.join(work, "scratch")
    os.makedirs(path, exist_ok=True)
    return path


def play(work, url, extra=""):
    path = os.path.join(work, "play.yml")
    with open(path, "w") as f:
        f.write(PLAY.format(extra=extra))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCAL_TEMP=os.path.join(work, "tmp"),
               TMPDIR=scratch(work),
               KSYUN_ENDPOINT_URL=url, KSYUN_ACCESS_KEY=AK, KSYUN_SECRET_KEY=SK, KSYUN_REGION="cn-beijing-6")
    run = subprocess.run([PLAYBOOK, path], env=env, cwd=work, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_a_wait_shows_each_status_inside_its_task():
    # stages of 4 s: a create's first read comes 2 s after it (a racing run's object is looked for then),
    # so a stage shorter than that would pass unseen
    with tempfile.TemporaryDirectory(prefix="ksyun-progress-") as work:
        emu = EmulatorProcess(work, "--strict-params", "--lifecycle-seconds", "4")
        try:
            out = play(work, emu.url)
        finally:
            emu.stop()
    task = out.split("TASK [Create an image cache]", 1)[1].split("TASK [", 1)[0]
    lines = re.findall(r"^\[localhost\] ksyun\.cloud\.kci_image_cache: image cache (\S+): (\w+) after (\d+) s$",
                       task, re.M)
    assert [status for _id, status, _s in lines] == ["Preparing", "Creating", "SnapshotCreating", "Ready"], task
    assert len(set(ident for ident, _s, _t in lines)) == 1
    seconds = [int(s) for _i, _s, s in lines]
    assert seconds == sorted(seconds) and seconds[-1] >= 12    # three stages of four seconds each
    assert task.index("Ready after") < task.index("changed: [localhost]")
    # check mode waits for nothing, so it shows nothing
    check = out.split("TASK [The same in check mode]", 1)[1]
    assert "ksyun.cloud.kci_image_cache:" not in check and "changed: [localhost]" in check


def test_no_wait_no_progress_and_no_file_left():
    """wait: false shows nothing; the progress file is removed after the task."""
    with tempfile.TemporaryDirectory(prefix="ksyun-progress-") as work:
        emu = EmulatorProcess(work, "--strict-params", "--lifecycle-seconds", "1")
        try:
            out = play(work, emu.url, extra="wait: false")
        finally:
            emu.stop()
        task = out.split("TASK [Create an image cache]", 1)[1].split("TASK [", 1)[0]
        assert "after" not in task and "changed: [localhost]" in task
        assert [n for n in os.listdir(scratch(work)) if n.startswith("ksyun-progress-")] == []


DEFAULTS_PLAY = """
- hosts: localhost
  gather_facts: false
  collections: [ksyun.cloud]
  # the defaults of the module whose action the others use must not reach them
  module_defaults:
    ksyun.cloud.kce_cluster: {{k8s_version: v1.15.5, vpc_id: 31e21dca-c92e-4b06-a8ce-xxxxxx}}
  vars:
    api: {{endpoint_url: "{url}", access_key: "{ak}", secret_key: "{sk}", region: cn-beijing-6}}
  tasks:
    - name: Defaults by the module's own name
      module_defaults:
        ksyun.cloud.kci_image_cache: "{{{{ api }}}}"
      ksyun.cloud.kci_image_cache:
        name: defaults-own-name
        images: [hub.kce.ksyun.com/ksyun/nginx:latest]
        subnet_id: 7e23b980-11c2-4bb0-9388-xxxxxx
        security_group_id: d46c7672-7ca9-4f51-bbd9-xxxxxx
    - name: Defaults by the ksyun action group, the short name
      module_defaults:
        group/ksyun.cloud.ksyun: "{{{{ api }}}}"
      kci_image_cache:
        name: defaults-group
        images: [hub.kce.ksyun.com/ksyun/nginx:latest]
        subnet_id: 7e23b980-11c2-4bb0-9388-xxxxxx
        security_group_id: d46c7672-7ca9-4f51-bbd9-xxxxxx
"""


def test_routed_modules_keep_their_module_defaults_and_show_progress():
    """kci_image_cache's action is the one progress action plugin (kce_cluster's, by meta/runtime.yml):
    the module's own name and the ksyun action group still carry module_defaults (here the only source
    of the endpoint and the keys), kce_cluster's defaults do not reach it, and the progress shows under
    the name the task used."""
    with tempfile.TemporaryDirectory(prefix="ksyun-progress-") as work:
        emu = EmulatorProcess(work, "--strict-params", "--lifecycle-seconds", "1")
        try:
            path = os.path.join(work, "play.yml")
            with open(path, "w") as f:
                f.write(DEFAULTS_PLAY.format(url=emu.url, ak=AK, sk=SK))
            env = {k: v for k, v in os.environ.items() if not k.startswith("KSYUN_")}
            env.update(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                       ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCAL_TEMP=os.path.join(work, "tmp"),
                       TMPDIR=scratch(work))
            run = subprocess.run([PLAYBOOK, path], env=env, cwd=work, capture_output=True, text=True, timeout=300,
                                 check=False)
        finally:
            emu.stop()
    assert run.returncode == 0, run.stdout + run.stderr
    own = run.stdout.split("TASK [Defaults by the module's own name]", 1)[1].split("TASK [", 1)[0]
    group = run.stdout.split("TASK [Defaults by the ksyun action group, the short name]", 1)[1]
    assert re.search(r"^\[localhost\] ksyun\.cloud\.kci_image_cache: image cache \S+: Ready after \d+ s$", own, re.M), own
    assert re.search(r"^\[localhost\] kci_image_cache: image cache \S+: Ready after \d+ s$", group, re.M), group
    assert "changed: [localhost]" in own and "changed: [localhost]" in group
