"""The collection playbooks ksyun.cloud.demo and ksyun.cloud.teardown, as `make demo` plays them.

Against an emulator process (`--strict-params`, lifecycles of 0 seconds): the demo makes the
registry namespace and repository, the cluster with its worker group and kubeconfig, the image cache
and the container group, and shows the nodes through the ksyun.cloud.kce inventory plugin; played
again it changes nothing; the teardown leaves nothing behind, and played again changes nothing.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

from ksyun_emulator.process import EmulatorProcess
from ksyun_emulator.server import DEMO_ACCESS_KEY as AK, DEMO_SECRET_KEY as SK

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TESTS)
COLLECTIONS = os.path.join(REPO, ".collections")
BIN = os.path.dirname(sys.executable)
PASSWORDS = ("Demo-Registry-Secret-77", "Demo-Node-Secret-77")


def playbook(work, url, name, converged=False):
    """The playbook's stdout. No warning, but on a `converged` re-run the one of each task that sets
    options only a create uses and no read returns (the module cannot compare them: it says so)."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_LOCAL_TEMP=os.path.join(work, "tmp"), KSYUN_ENDPOINT_URL=url, KSYUN_ACCESS_KEY=AK,
               KSYUN_SECRET_KEY=SK, KSYUN_REGION="cn-beijing-6", KSYUN_DEMO_REGISTRY_PASSWORD=PASSWORDS[0],
               KSYUN_DEMO_NODE_PASSWORD=PASSWORDS[1])
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(REPO, "inventories", "localhost.yml"),
           "-i", os.path.join(REPO, "inventories", "demo.kce.yml"), "-e", "demo_kubeconfig=%s/kubeconfig" % work,
           "ksyun.cloud." + name]
    run = subprocess.run(cmd, env=env, cwd=work, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    warned = re.findall(r"^\[WARNING\]: (.*)$", run.stdout + run.stderr, re.M)
    create_only = [w for w in warned if "no read returns them and only a create uses them" in w]
    assert warned == create_only and bool(create_only) == converged, run.stdout + run.stderr
    for secret in PASSWORDS + (SK,):
        assert secret not in run.stdout + run.stderr
    return run.stdout


def recap(out, host="localhost"):
    return dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", re.search(r"^%s\s+:(.*)$" % host, out, re.M).group(1)))


def api_requests(url):
    with urllib.request.urlopen(url + "/_emulator/requests") as answer:
        return json.loads(answer.read())


def counts(client):
    """How many clusters, image caches, container groups, namespaces and repositories the account has."""
    from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
    from ansible_collections.ksyun.cloud.plugins.module_utils._kci import api as kci
    from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
    return dict(clusters=len(kce.describe_clusters(client)), caches=len(kci.describe_image_caches(client)),
                groups=len(kci.describe_container_groups(client)), namespaces=len(kcr.describe_namespaces(client)),
                repositories=len(kcr.describe_repositories(client)))


def test_demo_then_teardown_idempotent_and_nothing_left():
    from ansible_collections.ksyun.cloud.plugins.module_utils._config import client_from_params

    with tempfile.TemporaryDirectory(prefix="ksyun-demo-") as work:
        emu = EmulatorProcess(work, "--strict-params")
        try:
            client = client_from_params(dict(access_key=AK, secret_key=SK, region="cn-beijing-6", endpoint_url=emu.url))
            before = counts(client)
            first = playbook(work, emu.url, "demo")
            assert recap(first)["failed"] == 0 and recap(first)["changed"] == 8
            assert counts(client) == dict((k, v + 1) for k, v in before.items())
            # the nodes, from the inventory plugin: 3 masters and 3 workers of the demo cluster
            nodes = re.findall(r"^ok: \[(ksyun-demo-[\w-]+)\] => \{\n\s+\"msg\": \"(\w+) normal at ", first, re.M)
            assert sorted(role for _host, role in nodes) == ["Master_Etcd"] * 3 + ["Worker"] * 3
            assert os.stat(os.path.join(work, "kubeconfig")).st_mode & 0o777 == 0o600
            again = playbook(work, emu.url, "demo", converged=True)
            assert recap(again)["changed"] == 0 and recap(again)["failed"] == 0
            torn = playbook(work, emu.url, "teardown")
            assert recap(torn)["changed"] == 5
            assert not os.path.exists(os.path.join(work, "kubeconfig"))
            assert counts(client) == before
            torn_again = playbook(work, emu.url, "teardown")
            assert recap(torn_again)["changed"] == 0
            assert not [r for r in api_requests(emu.url) if r["status"] is None or r["status"] >= 500]
        finally:
            emu.stop()
        with open(os.path.join(work, "emulator.log")) as f:
            text = f.read()
        for secret in PASSWORDS:
            assert secret not in text
