"""Figures of the modules (not pass/fail): `python bench/modules.py [info] [calls] [latency]`.

1. info - an `_info` task against an `ansible.builtin.uri` task making the same single API call:
   one `ansible-playbook` run of N pairs of tasks, alternating `ksyun.cloud.kcr_namespace_info`
   (one DescribeRepoNamespace; credentials from the KSYUN_* variables) and `ansible.builtin.uri`
   GETting a query-signed (presigned) DescribeRepoNamespace URL built with
   plugins/module_utils/_signer.py. Task times from the junit callback (`ansible.builtin.junit`),
   the first pair left out (warm-up); the emulator runs in this process. Medians per task of
   each kind over every run, and their ratio (target <= 1.3).
2. calls - the API calls of a converged re-run of each of the ten resource modules
   (`debug_api_calls`), against an emulator with immediate lifecycles: each task is run once, then
   again unchanged, each run its own module process (as Ansible runs a module).
3. latency - the time from a resource turning ready in the emulator to the module returning: a
   cluster create, a node add, a kubeconfig download (waiting for its cluster), a container group
   create and an image cache create, with `--lifecycle-seconds` L = 2 and 5. The emulator derives
   states from timestamps, so the moment a resource turns ready is exact: its creation time (the
   store's `_created`, emulator clock = wall clock here, never advanced) plus the stages it spends
   before ready (cluster and nodes 2, container group 1, image cache 3); the module's return is the
   moment its process ended (the interpreter's exit included).

Options: `--tasks N` (info, default 20), `--repeat R` (info runs / latency runs, default 3),
`--lifecycles 2,5` (latency: the stage lengths).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
COLLECTIONS = os.path.join(REPO, ".collections")
for path in (COLLECTIONS, os.path.join(REPO, "tests"), os.path.join(REPO, "emulator")):
    sys.path.insert(0, path)

from ksyun_emulator.server import Emulator  # noqa: E402  (emulator/ is put on sys.path above)

REGION = "cn-beijing-6"
PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
PASSWORD = "Bench-Pass-2024"
NODE = {"ImageId": "5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7", "SubnetId": "7e23b980-11c2-4bb0-9388-xxxxxx",
        "SecurityGroupId": "d46c7672-7ca9-4f51-bbd9-xxxxxx", "InstanceType": "N3.2B"}
WORLD = {"kec_available": "ee355b5d-79e4-4505-b0a5-xxxxxx", "epc_free": "9c362d96-ad25-491d-8f7d-xxxxxxx",
         "cluster_epc": "12d776f8-bb96-4556-9be6-xxxxxxx", "image": "5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7",
         "kci_subnet": "f2ac1919-0e34-4812xxxxxx", "kci_security_group": "d46c7672-7ca9-4f51xxxxxx"}
NGINX = "hub.kce.ksyun.com/ksyun/nginx:latest"


def cluster_args(name, **kw):
    args = dict(name=name, vpc_id="31e21dca-c92e-4b06-a8ce-xxxxxx", reserve_subnet_id="372bdbac-ea1d-4f99-9c30-xxxxxx",
                pod_cidr="10.80.0.0/16", service_cidr="10.254.0.0/16", network_type="Flannel", k8s_version="v1.15.5",
                instance_password=PASSWORD, public_api_server={"BandWidth": 5, "ChargeType": "PostPaidByDay"},
                instance_sets=[{"role": "Master_Etcd", "node_para": [dict(NODE, MaxCount=3, MinCount=3)]},
                               {"role": "Worker", "node_para": [dict(NODE, MaxCount=1, MinCount=1)]}])
    args.update(kw)
    return args


def group_args(name, **kw):
    return dict(name=name, subnet_id=WORLD["kci_subnet"], security_group_ids=[WORLD["kci_security_group"]],
                cpu=2, memory=4, containers=[{"name": "nginx", "image": NGINX, "ports": [{"port": 80}]}], **kw)


def cache_args(name, **kw):
    return dict(name=name, images=[NGINX], subnet_id=WORLD["kci_subnet"],
                security_group_id=WORLD["kci_security_group"], size=20, **kw)


def run_module(emu, module, work, **args):
    """(result, end time) of one module run in its own process."""
    args = dict(args, endpoint_url=emu.url, access_key=emu.access_key, secret_key=emu.secret_key,
                region=REGION, debug_api_calls=True)
    path = os.path.join(work, "args.json")
    with open(path, "w") as f:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, f)
    env = dict(os.environ, PYTHONPATH=COLLECTIONS)
    proc = subprocess.run([sys.executable, "-m", "ansible_collections.ksyun.cloud.plugins.modules." + module, path],
                          capture_output=True, text=True, env=env, cwd=work, check=False)
    end = time.time()
    result = json.loads(proc.stdout)
    if result.get("failed"):
        raise RuntimeError("%s failed: %s" % (module, result.get("msg")))
    return result, end


def table(header, rows):
    """Print a markdown table (what the README's Performance section holds)."""
    def numeric(i):
        return all(str(row[i]).replace(".", "", 1).isdigit() for row in rows)
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" if numeric(i) else "---" for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()


# ------------------------------------------------------------------------------------------ info

def presigned_url(emu):
    """A query-signed DescribeRepoNamespace URL (valid for the emulator's 15 minutes)."""
    from ansible_collections.ksyun.cloud.plugins.module_utils import _signer

    host = urlsplit(emu.url).netloc
    query = [("Action", "DescribeRepoNamespace"), ("Version", "2018-03-14")]
    auth = _signer.presign_query("GET", host, "/", query, None, emu.access_key, emu.secret_key, REGION, "kce")
    return "%s/?%s" % (emu.url, _signer.encode_query(query + list(auth.items())))


def _playbook(tasks):
    lines = ["- hosts: localhost", "  gather_facts: false", "  tasks:"]
    for i in range(tasks):
        lines += ["    - name: info %02d" % i,
                  "      ksyun.cloud.kcr_namespace_info:",
                  "    - name: uri %02d" % i,
                  "      ansible.builtin.uri:",
                  "        url: \"{{ url }}\"",
                  "        return_content: true"]
    return "\n".join(lines) + "\n"


def _task_times(junit_dir):
    times = {"info": [], "uri": []}
    for name in os.listdir(junit_dir):
        for case in ET.parse(os.path.join(junit_dir, name)).iter("testcase"):
            kind, index = case.get("name").split()[-2:]         # "[localhost] localhost: info 03"

            if int(index) > 0:
                times[kind].append(float(case.get("time")))
    return times


def info(tasks=20, repeat=3):
    emu = Emulator(lifecycle_seconds=0, strict_params=True)
    emu.start()
    times = {"info": [], "uri": []}
    try:
        with tempfile.TemporaryDirectory() as work:
            with open(os.path.join(work, "play.yml"), "w") as f:
                f.write(_playbook(tasks))
            env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.junit",
                       JUNIT_HIDE_TASK_ARGUMENTS="true",
                       KSYUN_ENDPOINT_URL=emu.url, KSYUN_ACCESS_KEY=emu.access_key, KSYUN_SECRET_KEY=emu.secret_key,
                       KSYUN_REGION=REGION, ANSIBLE_NOCOLOR="1")
            for run in range(repeat):
                junit = os.path.join(work, "junit-%d" % run)
                emu.clear_requests()
                proc = subprocess.run([PLAYBOOK, "-i", os.path.join(REPO, "inventories", "localhost.yml"), "play.yml",
                                       "-e", "url=%s" % presigned_url(emu)], cwd=work, capture_output=True, text=True,
                                      env=dict(env, JUNIT_OUTPUT_DIR=junit), check=False)
                if proc.returncode:
                    raise RuntimeError(proc.stdout[-2000:] + proc.stderr[-2000:])
                calls = [r["action"] for r in emu.requests]
                assert calls == ["DescribeRepoNamespace"] * (2 * tasks), calls   # one call per task, each kind
                for kind, values in _task_times(junit).items():
                    times[kind].extend(values)
    finally:
        emu.stop()
    med = {kind: statistics.median(values) for kind, values in times.items()}
    print("An _info task against an ansible.builtin.uri task making the same single call "
          "(%d runs x %d tasks of each, the first pair of each run left out; seconds per task):" % (repeat, tasks))
    table(["task (one DescribeRepoNamespace each)", "median s", "min s", "max s", "n"],
          [["`ksyun.cloud.kcr_namespace_info`"] + ["%.3f" % f(times["info"]) for f in (statistics.median, min, max)]
           + [len(times["info"])],
           ["`ansible.builtin.uri` (presigned URL)"] + ["%.3f" % f(times["uri"]) for f in (statistics.median, min, max)]
           + [len(times["uri"])]])
    print("ratio _info / uri (medians): %.2f (target <= 1.3)\n" % (med["info"] / med["uri"]))


# ------------------------------------------------------------------------------------------ calls

def converged_calls():
    """[label, first run calls, re-run calls, the re-run's calls] of each task (the README's rows;
    tests/integration/test_bench.py checks that they are)."""
    emu = Emulator(lifecycle_seconds=0, strict_params=True)
    emu.start()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as work:
            tasks = [
                ("`kce_cluster`", "kce_cluster", cluster_args("bench")),
                ("`kce_node` (source new, a group of 2)", "kce_node",
                 dict(cluster_name="bench", name="web", count=2, node_para=NODE, instance_password=PASSWORD)),
                ("`kce_node` (source existing)", "kce_node",
                 dict(cluster_name="bench", source="existing", instance_ids=[WORLD["kec_available"]],
                      image_id=WORLD["image"], instance_password=PASSWORD, reinstall_system=True)),
                ("`kce_node` (source epc)", "kce_node",
                 dict(cluster_id=WORLD["cluster_epc"], source="epc", instance_ids=[WORLD["epc_free"]])),
                ("`kce_kubeconfig` (dest)", "kce_kubeconfig",
                 dict(cluster_name="bench", dest=os.path.join(work, "kube", "config"))),
                ("`kcr_namespace`", "kcr_namespace", dict(name="bench-ns")),
                ("`kcr_repository`", "kcr_repository", dict(name="bench-ns/web", description="bench")),
                ("`kcr_tag`", "kcr_tag", dict(repository="bench-ns/web", tags=["v1"])),
                ("`kcr_favorite`", "kcr_favorite", dict(repository="ksyun/nginx", repo_type="KSYUN HUB")),
                ("`kcr_account`", "kcr_account", dict(password=PASSWORD)),
                ("`kci_image_cache`", "kci_image_cache", cache_args("bench-cache")),
                ("`kci_container_group`", "kci_container_group", group_args("bench-web")),
            ]
            for label, module, args in tasks:
                if module == "kcr_tag":
                    emu.push_tags("bench-ns/web", ["v1"])   # the API cannot push: kcr_tag asserts pushed tags
                first, _end = run_module(emu, module, work, **args)
                again, _end = run_module(emu, module, work, **args)
                assert again["changed"] is False, (label, again)
                rows.append([label, len(first["api_calls"]), len(again["api_calls"]),
                             ", ".join("`%s`" % c for c in again["api_calls"])])
    finally:
        emu.stop()
    return rows


CALLS_HEADER = ["module (task)", "first run calls", "re-run calls", "re-run: the calls"]


def calls():
    rows = converged_calls()
    print("API calls of a converged re-run (debug_api_calls; changed: false every time):")
    table(CALLS_HEADER, rows)


# ------------------------------------------------------------------------------------------ latency

def latency(lifecycles=(2, 5), repeat=3):
    labels = ["`kce_cluster` create", "`kce_node` add", "`kce_kubeconfig` (waits for the cluster)",
              "`kci_container_group` create", "`kci_image_cache` create"]
    figures = {(life, label): [] for life in lifecycles for label in labels}
    for life in lifecycles:
        for i in range(repeat):
            emu = Emulator(lifecycle_seconds=life, strict_params=True)
            emu.start()
            try:
                with tempfile.TemporaryDirectory() as work:
                    store = emu.region_store()

                    def since_ready(kind, ident, stages, end):
                        return end - (store.get(kind, ident)["_created"] + stages * life)

                    out, end = run_module(emu, "kce_cluster", work, **cluster_args("lat-%d" % i))
                    cid = out["cluster"]["cluster_id"]
                    figures[(life, labels[0])].append(since_ready("cluster", cid, 2, end))
                    out, end = run_module(emu, "kce_node", work, cluster_id=cid, name="web", count=1,
                                          node_para=NODE, instance_password=PASSWORD)
                    figures[(life, labels[1])].append(since_ready("node", out["added"][0], 2, end))
                    # a second cluster, not waited for: the kubeconfig task waits for it
                    out, _end = run_module(emu, "kce_cluster", work, wait=False, **cluster_args("lat-k-%d" % i))
                    cid = out["cluster"]["cluster_id"]
                    out, end = run_module(emu, "kce_kubeconfig", work, cluster_id=cid,
                                          dest=os.path.join(work, "config"))
                    figures[(life, labels[2])].append(since_ready("cluster", cid, 2, end))
                    out, end = run_module(emu, "kci_container_group", work, **group_args("lat-%d" % i))
                    figures[(life, labels[3])].append(
                        since_ready("container_group", out["container_group"]["container_group_id"], 1, end))
                    out, end = run_module(emu, "kci_image_cache", work, **cache_args("lat-%d" % i))
                    figures[(life, labels[4])].append(
                        since_ready("image_cache", out["image_cache"]["image_cache_id"], 3, end))
            finally:
                emu.stop()
    print("Time from ready (in the emulator) to the module's return, seconds (%d runs each):" % repeat)
    header = ["task"]
    for life in lifecycles:
        header += ["stages of %g s: median" % life, "max"]
    rows = []
    for label in labels:
        row = [label]
        for life in lifecycles:
            values = figures[(life, label)]
            row += ["%.2f" % statistics.median(values), "%.2f" % max(values)]
        rows.append(row)
    table(header, rows)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("parts", nargs="*", metavar="info|calls|latency", help="which parts (default: all)")
    ap.add_argument("--tasks", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lifecycles", default="2,5", help="latency: the stage lengths, seconds (comma-separated)")
    opts = ap.parse_args()
    opts.parts = opts.parts or ["info", "calls", "latency"]
    if set(opts.parts) - {"info", "calls", "latency"}:
        ap.error("the parts are info, calls and latency")
    if "info" in opts.parts:
        info(opts.tasks, opts.repeat)
    if "calls" in opts.parts:
        calls()
    if "latency" in opts.parts:
        latency(tuple(float(x) for x in opts.lifecycles.split(",")), repeat=opts.repeat)
