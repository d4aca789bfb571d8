"""Every EXAMPLES block of every module, and every role README's example, run unchanged against the
emulator the way the README starts it: `scripts/with-emulator ansible-playbook ...`.

The module examples share one emulator (one `ansible-playbook` run of several playbooks), in the order
of ORDER, so that what an example needs exists when it runs: the `_info` examples read the emulator's
default world (emulator/ksyun_emulator/world.py, kcr/catalogue.py), `kce_cluster` makes the cluster `production`
that the `kce_node` and `kce_kubeconfig` examples use, `kcr_namespace` makes `my-namespace` for the
`kcr_repository`, `kcr_tag` and `_info` examples. Each module's examples are one playbook up to its first
`state: absent` task; that task and the ones after it are a second playbook, played after every
module's first one, in the reverse order (nodes go before their cluster, tags before their repository).
Before the `kcr_tag` examples, the tags they assert are pushed (the emulator's `POST /_emulator/push`
stands in for `docker push`: the KCR API cannot create tags). The variables the examples take from the
user (passwords) are given with `-e`.
"""
import ast
import os
import re
import subprocess
import sys
import tempfile

import yaml

from ksyun_emulator.server import DEMO_SECRET_KEY

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TESTS)
MODULES = os.path.join(REPO, "plugins", "modules")
WITH_EMULATOR = os.path.join(REPO, "scripts", "with-emulator")
BIN = os.path.dirname(sys.executable)

PUSH = "push-tags"
ORDER = [
    # reads of the default world
    "kce_instance_image_info", "kce_cluster_info", "kce_epc_info", "kce_existed_instance_info", "kce_node_info",
    # the cluster "production", then its nodes and its kubeconfig
    "kce_cluster", "kce_node", "kce_kubeconfig",
    # the registry: my-namespace, its repositories, their tags, favourites
    "kcr_account", "kcr_namespace", "kcr_namespace_info", "kcr_repository", "kcr_repository_info", PUSH, "kcr_tag",
    "kcr_tag_info", "kcr_favorite", "kcr_favorite_info",
    # serverless containers
    "kci_image_cache", "kci_image_cache_info", "kci_container_group", "kci_container_group_info",
]

#: what the examples take from the user (vault variables in real life)
SECRETS = {
    "node_password": "Examples-Node-Pass-91",
    "vault_node_password": "Examples-Node-Pass-92",
    "registry_password": "Examples-Registry-Pass-93",
    "vault_registry_password": "Examples-Registry-Pass-94",
    "db_password": "Examples-Db-Pass-95",
}

PUSH_PLAY = [{
    "name": "docker push of my-namespace/web:1.4.0 and :latest (the emulator stands in for it)",
    "hosts": "localhost",
    "gather_facts": False,
    "tasks": [{
        "name": "Push the tags",
        "ansible.builtin.uri": {
            "url": "{{ lookup('ansible.builtin.env', 'KSYUN_ENDPOINT_URL') }}/_emulator/push",
            "method": "POST", "body_format": "json",
            "body": {"repository": "my-namespace/web", "tags": ["1.4.0", "latest"]},
        },
    }],
}]


def examples(module):
    """The tasks of a module's EXAMPLES block."""
    tree = ast.parse(open(os.path.join(MODULES, module + ".py")).read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
            return yaml.safe_load(node.value.value)
    raise AssertionError("%s has no EXAMPLES" % module)


def _deletes(task):
    args = [v for k, v in task.items() if k.startswith("ksyun.cloud.")]
    return any(isinstance(a, dict) and a.get("state") == "absent" for a in args)


def split(tasks):
    """The tasks up to the first `state: absent` one, and that one with the tasks after it."""
    for i, task in enumerate(tasks):
        if _deletes(task):
            return tasks[:i], tasks[i:]
    return tasks, []


def play(name, tasks):
    return [{"name": name, "hosts": "localhost", "gather_facts": False, "tasks": tasks}]


#: example tasks of resource modules that find nothing to do on the way ORDER plays them (they assert
#: or delete what is already so, or return a value); every other one of them must report a change
UNCHANGED = {
    "The kubeconfig as a value (a secret, so no_log)",
    "Fail unless the release was pushed",
    "Delete old tags (those already gone are fine)",
    "Delete a repository and all its tags",
}


def task_names(tasks):
    """(name, whether it must report changed) of the tasks in the order ansible-playbook prints them (a
    block's name is not printed: its tasks' are)."""
    out = []
    for task in tasks:
        if "block" in task:
            out += task_names(task["block"])
            continue
        module = next((k[len("ksyun.cloud."):] for k in task if k.startswith("ksyun.cloud.")), "")
        out.append((task["name"], bool(module) and not module.endswith("_info") and task["name"] not in UNCHANGED))
    return out


def statuses(out):
    """(task name, ok/changed/failed/skipping) of each task in the output, in order."""
    found = []
    for name, body in re.findall(r"^TASK \[(.*?)\] \**\n(.*?)(?=^TASK \[|^PLAY |\Z)", out, re.S | re.M):
        status = re.search(r"^(ok|changed|fatal|failed|skipping): \[localhost\]", body, re.M)
        found.append((name, status.group(1) if status else None))
    return found


def environment(home, **extra):
    """The caller's PATH without the venv (with-emulator must find Ansible itself), a scratch HOME (the
    examples write ~/.kube/...), no ANSIBLE_* or KSYUN_* variable from the caller."""
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and os.path.realpath(p) != os.path.realpath(BIN))
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "KSYUN_", "VIRTUAL_ENV", "PYTHON")))
    env.update(PATH=path or "/usr/bin:/bin", HOME=home, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_LOCAL_TEMP=os.path.join(home, ".ansible", "tmp"))
    env.update(extra)
    return env


def with_emulator(work, args, emulator_args="--lifecycle-seconds 1", timeout=900):
    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    secrets = os.path.join(work, "secrets.yml")
    with open(secrets, "w") as f:
        yaml.safe_dump(SECRETS, f)
    cmd = [WITH_EMULATOR, "ansible-playbook", "-e", "@" + secrets] + list(args)
    run = subprocess.run(cmd, env=environment(home, EMULATOR_ARGS=emulator_args), cwd=work, capture_output=True,
                         text=True, timeout=timeout, check=False)
    out = run.stdout + run.stderr
    for secret in list(SECRETS.values()) + [DEMO_SECRET_KEY]:
        assert secret not in out, "a secret in the output:\n" + out[-20000:]
    return run, out


def recap(out):
    return dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", re.search(r"^localhost\s+:(.*)$", out, re.M).group(1)))


#: what ansible-playbook says of the implicit localhost, whatever the playbook
IMPLICIT_LOCALHOST = ("No inventory was parsed", "provided hosts list is empty")


def warnings(out):
    """The [WARNING] lines of `out` but those about the implicit localhost."""
    return [line for line in out.splitlines() if "[WARNING]" in line and not any(w in line for w in IMPLICIT_LOCALHOST)]


def test_order_names_every_module():
    modules = sorted(f[:-3] for f in os.listdir(MODULES) if f.endswith(".py") and not f.startswith("_"))
    assert sorted(m for m in ORDER if m != PUSH) == modules


def test_every_module_example_runs_against_the_emulator():
    with tempfile.TemporaryDirectory(prefix="ksyun-examples-") as work:
        playbooks, expected = [], []
        later = []
        for i, module in enumerate(ORDER):
            if module == PUSH:
                content = PUSH_PLAY
            else:
                first, deletes = split(examples(module))
                content = play("EXAMPLES of ksyun.cloud.%s" % module, first)
                expected += task_names(first)
                if deletes:
                    later.append((i, module, deletes))
            path = os.path.join(work, "%02d-%s.yml" % (i, module))
            with open(path, "w") as f:
                yaml.safe_dump(content, f, sort_keys=False, allow_unicode=True)
            playbooks.append(path)
        for i, module, deletes in reversed(later):
            path = os.path.join(work, "%02d-%s-delete.yml" % (50 + i, module))
            with open(path, "w") as f:
                yaml.safe_dump(play("EXAMPLES of ksyun.cloud.%s: deletion" % module, deletes), f, sort_keys=False)
            expected += task_names(deletes)
            playbooks.append(path)
        run, out = with_emulator(work, playbooks)
        assert run.returncode == 0, out[-30000:]
        assert recap(out)["failed"] == 0
        assert warnings(out) == [], out[-30000:]
        ran = [(name, status) for name, status in statuses(out) if name != "Push the tags"]
        assert [entry[0] for entry in ran] == [entry[0] for entry in expected], out[-30000:]
        for (name, status), (_name, changes) in zip(ran, expected):
            assert status == ("changed" if changes else "ok"), "example task %r: %s\n%s" % (name, status, out[-30000:])
        # the kubeconfig examples wrote where they say
        assert os.path.isfile(os.path.join(work, "home", ".kube", "config"))


# --------------------------------------------------------------------------------------- the roles

def readme_blocks(role):
    text = open(os.path.join(REPO, "roles", role, "README.md")).read()
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def write(work, name, content):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        yaml.safe_dump(content, f, sort_keys=False, allow_unicode=True)
    return path


def test_kce_cluster_role_readme_example_and_teardown_check_then_real():
    """The README's example and its teardown: under --check on a fresh emulator (the cluster does not exist
    yet: every task passes, nothing is made), then for real; again under --check on the converged
    cluster (nothing to change), the teardown for real, and under --check once more."""
    example, teardown = readme_blocks("kce_cluster")
    with tempfile.TemporaryDirectory(prefix="ksyun-role-example-") as work:
        ex = write(work, "example.yml", example)
        td = write(work, "teardown.yml", teardown)
        state = "--lifecycle-seconds 1 --state %s" % os.path.join(work, "emulator.db")
        kubeconfig = os.path.join(work, "home", ".kube", "production")

        run, out = with_emulator(work, ["--check", ex, td], state)
        assert run.returncode == 0, out[-30000:]
        assert recap(out)["changed"] >= 1
        assert not os.path.exists(kubeconfig)

        run, out = with_emulator(work, [ex], state)
        assert run.returncode == 0, out[-30000:]
        assert os.path.isfile(kubeconfig)
        nodes = re.search(r"TASK \[The nodes of the group web\].*?\"msg\": (\[.*?\])", out, re.S).group(1)
        assert len(yaml.safe_load(nodes)) == 3

        run, out = with_emulator(work, ["--check", ex], state)
        assert run.returncode == 0, out[-30000:]
        assert recap(out)["changed"] == 0

        run, out = with_emulator(work, ["--check", td], state)
        assert run.returncode == 0, out[-30000:]
        assert recap(out)["changed"] >= 1 and os.path.isfile(kubeconfig)

        run, out = with_emulator(work, [td], state)
        assert run.returncode == 0, out[-30000:]
        assert not os.path.exists(kubeconfig)

        run, out = with_emulator(work, ["--check", td], state)
        assert run.returncode == 0, out[-30000:]
        assert recap(out)["changed"] == 0


def test_kcr_registry_role_readme_example():
    (example,) = readme_blocks("kcr_registry")
    with tempfile.TemporaryDirectory(prefix="ksyun-role-example-") as work:
        ex = write(work, "example.yml", example)
        absent = [dict(p, roles=[dict(r, kcr_registry_state="absent") for r in p["roles"]]) for p in example]
        ab = write(work, "absent.yml", absent)
        run, out = with_emulator(work, ["--check", ex], "--lifecycle-seconds 0")
        assert run.returncode == 0, out[-30000:]
        assert recap(out)["changed"] >= 1
        run, out = with_emulator(work, [ex, ab], "--lifecycle-seconds 0")
        assert run.returncode == 0, out[-30000:]
        assert recap(out)["failed"] == 0
