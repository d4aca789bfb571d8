"""The ksyun.cloud.kce inventory plugin as Ansible runs it: `ansible-inventory -i <file>` as a child
process against an emulator process (`--strict-params`), the credentials in environment variables only.

Two regions (Beijing: 45 small clusters on three cluster pages and one of 103 nodes on three node
pages; Shanghai: three clusters), checked against the client's own page-after-page reading; the cache
with the emulator stopped; strict_permissions both ways (a key the emulator does not know, a region
it does not serve, a scheduled fault); a throttled emulator; the decline message; no warning on a
normal run and the secret key in no output; an unknown option's warning. Against a fresh emulator of
the default world through scripts/with-emulator: the README's inventory example prints exactly what
the README shows, and the plugin's EXAMPLES (one YAML document) give the hosts and groups they name.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

import pytest

import core_compat
import kce_world
from ksyun_emulator.process import EmulatorProcess
from ksyun_emulator.server import DEMO_ACCESS_KEY as AK, DEMO_SECRET_KEY as SK

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(os.path.dirname(TESTS), ".collections")
ANSIBLE_INVENTORY = os.path.join(os.path.dirname(sys.executable), "ansible-inventory")
BJ, SH = "cn-beijing-6", "cn-shanghai-2"
BJ_NODES, SH_NODES = 45 * 4 + 103, 3 * 5
MINIMUM = {"DescribeCluster": 3 + 1, "DescribeClusterInstance": 46 + 2 + 3}


class Emulator(object):
    """An emulator process of the two-region world, with its admin endpoints."""

    def __init__(self, work, *flags):
        world = kce_world.world_file(os.path.join(work, "world.json"), (BJ, SH))
        self.proc = EmulatorProcess(work, "--strict-params", "--world", world, *flags)
        self.url = self.proc.url

    def client(self, region):
        return kce_world.client(self, region)

    access_key, secret_key = AK, SK

    def admin(self, path, body=None, method=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + "/_emulator/" + path, data=data, method=method or ("POST" if data else "GET"),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def requests(self):
        return self.admin("requests")

    def clear(self):
        self.admin("requests", method="DELETE")
        self.admin("faults", method="DELETE")

    def fault(self, action, fault, count):
        self.admin("faults", {"action": action, "fault": fault, "count": count})

    def stop(self):
        self.proc.stop()


@pytest.fixture(scope="module")
def world():
    with tempfile.TemporaryDirectory(prefix="ksyun-inv-") as work:
        emu = Emulator(work)
        try:
            bj = emu.client(BJ)
            kce_world.create_clusters(bj, 45, 4, name="small-%02d")
            kce_world.create_clusters(bj, 1, 103, name="big")
            kce_world.create_clusters(emu.client(SH), 3, 5, name="sh-%d")
            yield emu
        finally:
            emu.stop()


@pytest.fixture
def emu(world):
    world.clear()
    yield world
    world.clear()


def oracle(emu, region):
    """Every node id of a region, read page after page by the client's paginate (the modules' path)."""
    client = emu.client(region)
    return sorted(n["InstanceId"] for c in kce.describe_clusters(client)
                  for n in kce.describe_cluster_instances(client, c["ClusterId"]))


def inventory(work, config, *args, name="test.kce.yml", env=None, url=None, check=True):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("plugin: ksyun.cloud.kce\n" + config)
    environ = dict((k, v) for k, v in os.environ.items() if not k.startswith(("KSYUN_", "ANSIBLE_")))
    environ.update(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCAL_TEMP=os.path.join(work, "tmp"),
                   ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                   KSYUN_ACCESS_KEY=AK, KSYUN_SECRET_KEY=SK, KSYUN_REGION=BJ)
    if url:
        environ["KSYUN_ENDPOINT_URL"] = url
    environ.update(env or {})
    environ = dict((k, v) for k, v in environ.items() if v is not None)
    run = subprocess.run([ANSIBLE_INVENTORY, "-i", path] + list(args), cwd=work, env=environ,
                         capture_output=True, text=True, timeout=300, check=False)
    assert SK not in run.stdout + run.stderr              # never, not even at -vvv
    run.stderr = core_compat.unwrapped(run.stderr)        # one line per warning on every core
    if check:
        assert run.returncode == 0, run.stderr[-5000:]
    return run


def listing(run):
    data = json.loads(run.stdout)

    def plain(value):
        return value["__ansible_unsafe"] if isinstance(value, dict) and "__ansible_unsafe" in value else value
    hostvars = dict((h, dict((k, plain(v)) for k, v in hv.items())) for h, hv in data.pop("_meta")["hostvars"].items())
    return hostvars, data


def warnings(run):
    return [line for line in run.stderr.splitlines() if "WARNING" in line or "DEPRECATION" in line]


def calls(emu):
    counts = {}
    for record in emu.requests():
        counts[record["action"]] = counts.get(record["action"], 0) + 1
    return counts


# ------------------------------------------------------------------------------------- reading

def test_two_regions_every_node_once_with_the_minimum_of_calls_and_no_warning(emu, tmp_path):
    run = inventory(str(tmp_path), "regions: [%s, %s]\n" % (BJ, SH), "--list", url=emu.url)
    assert warnings(run) == [] and run.stderr.strip() == ""
    made = calls(emu)
    assert made == {"DescribeCluster": MINIMUM["DescribeCluster"], "DescribeClusterInstance": 46 + 2 + 3}
    hostvars, groups = listing(run)
    ids = [v["ksyun_instance_id"] for v in hostvars.values()]
    assert len(ids) == len(set(ids)) == BJ_NODES + SH_NODES
    assert sorted(ids) == sorted(oracle(emu, BJ) + oracle(emu, SH))
    assert len(groups["kce_cluster_big"]["hosts"]) == 103 and len(groups["kce_cluster_small_07"]["hosts"]) == 4
    assert len(groups["cn_beijing_6"]["hosts"]) == BJ_NODES and len(groups["cn_shanghai_2"]["hosts"]) == SH_NODES
    assert len(groups["kce_master_etcd"]["hosts"]) == 3 * 49
    assert len(groups["kce_worker"]["hosts"]) == BJ_NODES + SH_NODES - 3 * 49
    host, values = next(iter(hostvars.items()))
    assert values["ansible_host"] == values["ksyun_private_ip_address"]
    assert host == values["ksyun_instance_name"]


def test_graph_and_debug_line_at_vvv(emu, tmp_path):
    run = inventory(str(tmp_path), "regions: [%s]\nclusters: [sh-0, sh-1]\ndebug_api_calls: true\n" % SH,
                    "--graph", "-vvv", url=emu.url)
    assert "ksyun.cloud.kce: 3 API calls (DescribeCluster 1, DescribeClusterInstance 2), 2 round trips on the " \
           "critical path, 0 retries" in run.stdout
    graph = run.stdout[run.stdout.index("@all:"):]
    assert "|--@kce_cluster_sh_0:" in graph and "|--@kce_cluster_sh_1:" in graph and "@kce_cluster_sh_2" not in graph
    assert "|--@kce_worker:" in graph and "|--@cn_shanghai_2b:" in graph


def test_a_throttled_emulator_loses_and_repeats_no_node(emu, tmp_path):
    emu.fault("DescribeCluster", "throttle", 3)
    emu.fault("DescribeClusterInstance", "throttle", 20)
    run = inventory(str(tmp_path), "regions: [%s, %s]\nmax_retries: 10\n" % (BJ, SH), "--list", url=emu.url)
    assert warnings(run) == []
    log = emu.requests()
    assert sum(1 for r in log if r["error"] == "LimitExceeded") == 23
    assert len(log) == sum(MINIMUM.values()) + 23
    hostvars, groups = listing(run)
    ids = [v["ksyun_instance_id"] for v in hostvars.values()]
    assert len(ids) == len(set(ids)) == BJ_NODES + SH_NODES
    assert len(groups["kce_cluster_big"]["hosts"]) == 103


# ------------------------------------------------------------------------ strict_permissions

@pytest.mark.parametrize("strict", [True, False])
def test_a_key_the_api_does_not_know(emu, tmp_path, strict):
    run = inventory(str(tmp_path), "regions: [%s, %s]\nstrict_permissions: %s\n" % (BJ, SH, strict), "--list",
                    url=emu.url, check=False, env={"KSYUN_ACCESS_KEY": "AKLTUNKNOWN0000000000000",
                                                   "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"})
    if strict:
        assert run.returncode != 0
        # the first error ends the run, whichever region answered first
        assert re.search(r"ksyun\.cloud\.kce: region cn-(beijing-6|shanghai-2): DescribeCluster failed: "
                         r"InvalidClientTokenId", run.stderr)
    else:
        assert run.returncode == 0, run.stderr
        found = warnings(run)
        assert len(found) == 1, run.stderr
        assert "left out after API errors (strict_permissions is false)" in found[0]
        assert "region cn-beijing-6: DescribeCluster failed: InvalidClientTokenId" in run.stderr
        assert "region cn-shanghai-2: DescribeCluster failed: InvalidClientTokenId" in run.stderr
        assert listing(run)[0] == {}


def test_not_strict_leaves_out_a_region_and_a_cluster_only(emu, tmp_path):
    emu.fault("DescribeClusterInstance", "unavailable", 1)
    run = inventory(str(tmp_path), "regions: [%s, cn-guangzhou-1]\nstrict_permissions: false\nmax_retries: 0\n"
                    % SH, "--list", url=emu.url)
    found = warnings(run)
    assert len(found) == 1
    assert "region cn-guangzhou-1: DescribeCluster failed: SignatureDoesNotMatch" in run.stderr
    assert "in region cn-shanghai-2: DescribeClusterInstance failed: ServiceUnavailable" in run.stderr
    hostvars, groups = listing(run)
    assert len(hostvars) == 10                                    # two of the three Shanghai clusters
    assert len([g for g in ("kce_cluster_sh_0", "kce_cluster_sh_1", "kce_cluster_sh_2") if g in groups]) == 2


def test_strict_fails_on_a_scheduled_fault_naming_the_cluster(emu, tmp_path):
    emu.fault("DescribeClusterInstance", "unavailable", 1)
    run = inventory(str(tmp_path), "regions: [%s]\nmax_retries: 0\n" % SH, "--list", url=emu.url, check=False,
                    env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"})
    assert run.returncode != 0
    assert "ksyun.cloud.kce: cluster sh-" in run.stderr
    assert "in region cn-shanghai-2: DescribeClusterInstance failed: ServiceUnavailable" in run.stderr


# --------------------------------------------------------------------------------------- cache

def test_cache_hit_with_the_emulator_stopped_keeps_the_cache_age(tmp_path):
    work = str(tmp_path)
    emu = Emulator(tempfile.mkdtemp(dir=work))
    cache = os.path.join(work, "cache")
    config = ("regions: [%s]\ncache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n"
              "cache_timeout: 3600\n" % (SH, cache))
    try:
        kce_world.create_clusters(emu.client(SH), 2, 4, name="cached-%d")
        emu.clear()
        first = inventory(work, config, "--list", url=emu.url)
        assert len(emu.requests()) == 3
    finally:
        emu.stop()
    files = os.listdir(cache)
    assert len(files) == 1
    stamp = os.stat(os.path.join(cache, files[0])).st_mtime_ns
    # compose and keyed_groups are evaluated again on the cached answers
    again = inventory(work, config + "keyed_groups:\n  - key: ksyun_instance_role\n    prefix: role\n", "--list",
                      url=emu.url)
    assert warnings(again) == []
    hostvars, groups = listing(again)
    assert hostvars == listing(first)[0] and len(hostvars) == 8
    assert len(groups["role_Worker"]["hosts"]) == 2 and len(groups["kce_cluster_cached_1"]["hosts"]) == 4
    assert os.stat(os.path.join(cache, files[0])).st_mtime_ns == stamp
    if core_compat.CORE < (2, 19):
        return  # ansible-inventory has --flush-cache from 2.19
    # --flush-cache reads the API: it is gone now
    flushed = inventory(work, config, "--list", "--flush-cache", url=emu.url, check=False,
                        env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true", "KSYUN_MAX_RETRIES": "0"})
    assert flushed.returncode != 0 and "ConnectionError" in flushed.stderr


# ----------------------------------------------------------------------------- file names

def test_a_file_not_named_kce_yml_is_declined_saying_why_at_vvv(emu, tmp_path):
    run = inventory(str(tmp_path), "", "--list", "-vvv", name="inventory.yml", url=emu.url)
    path = os.path.join(str(tmp_path), "inventory.yml")
    assert "ksyun.cloud.kce: skipping %s: the inventory file name must end in kce.yml or kce.yaml" % path in run.stdout
    assert emu.requests() == []


# --------------------------------------------------------------- what the documents print

REPO = os.path.dirname(TESTS)


def with_emulator(work, command, home=None):
    """`scripts/with-emulator <command>` in `work` against a fresh emulator (its default world), as a user
    with the venv on PATH and the checkout on ANSIBLE_COLLECTIONS_PATH runs it."""
    environ = dict((k, v) for k, v in os.environ.items() if not k.startswith(("KSYUN_", "ANSIBLE_")))
    environ.update(PATH=os.path.dirname(sys.executable) + os.pathsep + environ.get("PATH", ""),
                   ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCAL_TEMP=os.path.join(work, "tmp"),
                   ANSIBLE_NOCOLOR="1", HOME=home or environ.get("HOME", work))
    run = subprocess.run([os.path.join(REPO, "scripts", "with-emulator")] + command, cwd=work, env=environ,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-5000:]
    assert "WARNING" not in run.stderr, run.stderr
    return run


def readme_inventory_example():
    """The README's inventory file and the command and output it prints for it."""
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("## The inventory plugin `ksyun.cloud.kce`"):]
    config = re.search(r"```yaml\n(# prod\.kce\.yml.*?)```\n", section, re.S).group(1)
    command, output = re.search(r"```\n\$ (scripts/with-emulator ansible-inventory [^\n]*)\n(.*?)```\n", section,
                                re.S).groups()
    return config, command, output


def test_the_readme_inventory_example_prints_what_the_readme_shows(tmp_path):
    config, command, output = readme_inventory_example()
    (tmp_path / "prod.kce.yml").write_text(config)
    args = command.split()
    assert args[:2] == ["scripts/with-emulator", "ansible-inventory"] and "prod.kce.yml" in args
    run = with_emulator(str(tmp_path), args[1:])
    assert run.stdout == output
    assert "@kce_cluster_openapi_cluster:" in output           # the example shows the cluster groups


def test_the_plugins_examples_are_one_document_that_runs_against_the_emulator(tmp_path):
    from ansible_collections.ksyun.cloud.plugins.inventory import kce as plugin
    import yaml
    documents = list(yaml.safe_load_all(plugin.EXAMPLES))
    assert len(documents) == 1 and documents[0]["plugin"] == "ksyun.cloud.kce"   # ansible-core 2.16's yamllint
    (tmp_path / "workers.kce.yml").write_text(plugin.EXAMPLES)
    home = tmp_path / "home"
    home.mkdir()
    run = with_emulator(str(tmp_path), ["ansible-inventory", "-i", "workers.kce.yml", "--list"], home=str(home))
    hostvars, groups = listing(run)
    canal = ["k8s-1.12.3-k8s-canal-worker-%d" % i for i in (1, 2, 3)]
    openapi = ["openapi-cluster-openapi-worker-%d" % i for i in (1, 2, 3)]
    assert sorted(hostvars) == sorted(canal + openapi)
    # the groups its comment names, each with the hosts it says
    assert sorted(groups["kce_cluster_k8s_1_12_3"]["hosts"]) == canal
    assert sorted(groups["kce_cluster_openapi_cluster"]["hosts"]) == openapi
    for name in ("kce_worker", "cn_beijing_6b", "cn_beijing_6", "type_I3_4B"):
        assert sorted(groups[name]["hosts"]) == sorted(canal + openapi), name
    assert all(v["ansible_user"] == "root" and v["ksyun_instance_status"] == "normal" for v in hostvars.values())
    assert len(os.listdir(str(home / ".cache" / "ksyun-kce"))) == 1           # its cache


def test_an_unknown_option_is_a_warning_naming_the_closest_option(emu, tmp_path):
    run = inventory(str(tmp_path), "regions: [%s]\nclusters: [sh-0]\nhostname: [instance_id]\n" % SH, "--list",
                    url=emu.url)
    assert "unknown option 'hostname' ignored; did you mean 'hostnames'?" in " ".join(run.stderr.split())
    assert len(listing(run)[0]) == 5
