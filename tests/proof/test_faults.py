"""Faults suite: the demo lifecycle (ksyun.cloud.demo, then ksyun.cloud.teardown) against an emulator
that answers a share of all requests with a fault, over many seeds.

The emulator (in-process, `--strict-params`, lifecycles of LIFECYCLE seconds) runs with
`fault_rate` FAULT_RATE: each request may be throttled (409), answered 500 ServiceUnavailable or
ServiceTimeout (a write answered ServiceTimeout lands 2 s later, the emulator's choice), stalled
for STALL seconds (the modules run with `timeout: TIMEOUT`, below it, through `module_defaults` for
`group/ksyun.cloud.ksyun`, so a stall is a read timeout and the stalled write still lands
afterwards), dropped (closed, nothing applied) or, for writes, applied with its answer
lost; and each created resource may end in its failure state (`fail_resource`).

Per seed:

- every run of a playbook either succeeds, or fails with a clear message (each failed task has a
  `msg`, and no result carries a traceback or a module's raw output) and succeeds on a re-run
  within MAX_RUNS runs. A resource in its failure state is reported as a failure on every run (the
  modules document it): the suite then does what their documentation says, deletes it with
  `state: absent` (playbooks/remedy.yml), and runs again;
- no duplicate is ever made: after every run (read once the emulator is answering no request, so
  that stalled writes have landed), at most one cluster, image cache, container group, namespace and
  repository of the demo's names and no more nodes than asked for; after the demo exactly one of each, 6 nodes, the kubeconfig written;
- the teardown leaves nothing of the demo's names behind (nor the file).

The seeds run twice: with every fault kind (above), and with answer faults only (`throttle`,
`unavailable`, `timeout`, `stall`, `drop`, `lost_response`: the emulator's `fault_kinds`), where no
resource fails in the cloud, so every playbook must converge in its first run: **re-runs needed 0**
(issue 15: a timed-out create is re-read until `wait_timeout`, a timed-out delete is sent again).

The state is read back through the collection's client with the emulator's faults paused.
Figure: runs converged / runs, re-runs needed (answer faults only; every kind), duplicates,
leftovers (and the faults injected).
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import yaml

from ksyun_emulator.server import Emulator

import recorded

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
VARS = os.path.join(REPO, "playbooks", "vars", "demo.yml")

FAULT_RATE = 0.2
STALL = 2.0          # seconds a stalled request sleeps before it is answered (and applied)
TIMEOUT = 1          # the modules' read timeout, below STALL
LIFECYCLE = 1        # seconds per asynchronous stage in the emulator
MAX_RUNS = 6         # runs of a playbook per seed, the first included
SEEDS = {"reduced": range(1, 2), "full": range(1, 13)}
#: the answer faults: nothing the cloud itself fails (fail_resource) is drawn
ANSWER_FAULTS = ("throttle", "unavailable", "timeout", "stall", "drop", "lost_response")
#: per size, the (seed, kinds) lifecycles: every seed with every kind (None) and with answer faults only
LIFECYCLES = dict((size, [(seed, kinds) for seed in seeds for kinds in (ANSWER_FAULTS, None)])
                  for size, seeds in SEEDS.items())
JOBS = int(os.environ.get("KSYUN_PROOF_JOBS", "2"))

with open(VARS) as f:
    DEMO = yaml.safe_load(f)
CLUSTER, NAMESPACE = DEMO["demo_cluster"], DEMO["demo_namespace"]
CACHE, GROUP, WORKERS = CLUSTER + "-images", CLUSTER + "-web", CLUSTER + "-workers"
REPOSITORY = NAMESPACE + "/web"
#: the demo's nodes by kind: 3 masters, 1 worker made with the cluster, 2 of the worker group
NODES = {"master": 3, "first": 1, "group": 2}


def with_defaults(src, dest):
    """A copy of playbook `src` whose plays set the module defaults of the suite (the read timeout)."""
    with open(src) as f:
        plays = yaml.safe_load(f)
    for play in plays:
        play["module_defaults"] = {"group/ksyun.cloud.ksyun": {"timeout": TIMEOUT}}
        if "vars_files" in play:
            play["vars_files"] = [VARS]
    with open(dest, "w") as f:
        yaml.safe_dump(plays, f, sort_keys=False)
    return dest


class Inflight(object):
    """Counts the API requests the emulator is answering: the state is read once none is (a stalled
    write is applied when its stall ends, after the playbook that sent it may have finished)."""

    def __init__(self, emu):
        self.count, self.lock, answer = 0, threading.Lock(), emu.handle_api

        def counted(*args):
            with self.lock:
                self.count += 1
            try:
                return answer(*args)
            finally:
                with self.lock:
                    self.count -= 1
        emu.handle_api = counted

    def settle(self):
        time.sleep(0.3)   # a request of the playbook's last moment may not be in handle_api yet
        deadline = time.time() + 2 * STALL + 10
        while self.count and time.time() < deadline:
            time.sleep(0.1)
        if self.count:
            raise AssertionError("%d API requests still unanswered %d s after the playbook ended"
                                 % (self.count, 2 * STALL + 10))


def node_kind(node):
    name = node.get("InstanceName") or ""
    if node.get("InstanceRole") != "Worker":
        return "master"
    if name == WORKERS or name.startswith(WORKERS + "-"):
        return "group"
    return "first"


class Lifecycle(object):
    """The demo and the teardown for one seed, against its own emulator."""

    def __init__(self, seed, work, kinds=None):
        self.seed = seed
        self.work = work
        self.kinds = kinds
        self.emu = Emulator(fault_rate=FAULT_RATE, fault_seed=seed, stall_seconds=STALL, fault_kinds=kinds,
                            lifecycle_seconds=LIFECYCLE, strict_params=True)
        self.emu.start(host="127.0.0.1", port=0)
        self._inflight = Inflight(self.emu)
        self.kubeconfig = os.path.join(work, "kubeconfig")
        self.books = dict((name, with_defaults(os.path.join(REPO, "playbooks", name + ".yml"),
                                               os.path.join(work, name + ".yml")))
                          for name in ("demo", "teardown"))
        self.books["remedy"] = with_defaults(os.path.join(HERE, "playbooks", "remedy.yml"),
                                             os.path.join(work, "remedy.yml"))
        self.runs = 0          # playbook runs made
        self.reruns = 0        # re-runs of the demo or the teardown after a failed run
        self.remedies = 0      # runs of the remedy playbook
        self.problems = []     # what breaks the suite's properties
        self.duplicates = []
        self.leftovers = []
        self.converged = {}    # playbook -> True / False
        self.failures = []     # (playbook, task, msg) of each failed task
        self.timings = []      # (playbook, succeeded, seconds) of each run

    # ------------------------------------------------------------------ running
    def play(self, name, extra=None):
        """Run one playbook: its task records (proof_record) and return code."""
        self.runs += 1
        record = os.path.join(self.work, "record-%d.jsonl" % self.runs)
        env = recorded.environ(self.work, self.emu, record, KSYUN_TIMEOUT=str(TIMEOUT),
                               KSYUN_DEMO_REGISTRY_PASSWORD="Faults-Registry-2024",
                               KSYUN_DEMO_NODE_PASSWORD="Faults-Node-2024")
        cmd = [os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(REPO, "inventories", "localhost.yml"),
               "-i", os.path.join(REPO, "inventories", "demo.kce.yml"), "-e", "demo_kubeconfig=%s" % self.kubeconfig,
               self.books[name]]
        if extra:
            cmd[1:1] = ["-e", json.dumps(extra)]
        began = time.time()
        run = subprocess.run(cmd, env=env, cwd=self.work, capture_output=True, text=True, timeout=1800, check=False)
        self.timings.append((name, run.returncode == 0, round(time.time() - began, 1)))
        with open(os.path.join(self.work, "run-%d-%s.out" % (self.runs, name)), "w") as f:
            f.write(run.stdout + run.stderr)
        records = recorded.records(record)
        failed = [r for r in records if r["status"] in ("failed", "unreachable")]
        for r in failed:
            self.failures.append((name, r["task"], r.get("msg")))
            if r.get("unclear"):
                self.problems.append("seed %d, %s run %d: task %r failed without a clear message: %r"
                                     % (self.seed, name, self.runs, r["task"], r.get("msg")))
        if "Traceback (most recent call last)" in run.stdout + run.stderr:
            self.problems.append("seed %d, %s run %d: a traceback in the output" % (self.seed, name, self.runs))
        if run.returncode != 0 and not failed:
            self.problems.append("seed %d, %s run %d: exit %d without a failed task:\n%s"
                                 % (self.seed, name, self.runs, run.returncode, (run.stdout + run.stderr)[-3000:]))
        return run.returncode == 0

    def converge(self, name):
        """Run `name` until it succeeds (MAX_RUNS runs at most), removing failed resources in between."""
        for attempt in range(MAX_RUNS):
            if attempt:
                self.reruns += 1
            ok = self.play(name)
            state, self.counts = self.check_duplicates(name)
            if ok:
                return True
            if name == "demo":
                self.remedy(state)
        return False

    def remedy(self, state):
        """Delete what ended in its failure state (the modules' documented remedy), a few tries."""
        for _attempt in range(3):
            failed = failed_resources(state)
            if not any(failed.values()):
                return
            self.remedies += 1
            self.play("remedy", failed)
            state = self.read()

    # ------------------------------------------------------------------ reading the state
    def read(self):
        """What the account holds of the demo's names, read with the faults paused."""
        from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
        from ansible_collections.ksyun.cloud.plugins.module_utils._kci import api as kci
        from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
        from ansible_collections.ksyun.cloud.plugins.module_utils._config import client_from_params

        self._inflight.settle()   # a stalled write lands STALL seconds after it came
        client = client_from_params(dict(access_key=self.emu.access_key, secret_key=self.emu.secret_key,
                                         region=recorded.REGION, endpoint_url=self.emu.url))
        rate, self.emu.faults.rate = self.emu.faults.rate, 0.0
        try:
            clusters = [c for c in kce.describe_clusters(client, search=CLUSTER) if c.get("ClusterName") == CLUSTER]
            nodes = {}
            for c in clusters:
                nodes[c["ClusterId"]] = kce.describe_cluster_instances(client, c["ClusterId"])
            return dict(
                clusters=clusters, nodes=nodes,
                caches=[c for c in kci.describe_image_caches(client, name=CACHE) if c.get("ImageCacheName") == CACHE],
                groups=[g for g in kci.describe_container_groups(client, search=GROUP)
                        if g.get("ContainerGroupName") == GROUP],
                namespaces=[n for n in kcr.describe_namespaces(client) if n.get("Namespace") == NAMESPACE],
                repositories=[r for r in kcr.describe_repositories(client)
                              if "%s/%s" % (r.get("Namespace"), r.get("RepoName")) == REPOSITORY
                              or r.get("RepoName") == REPOSITORY],
                vms=[i for i in kce.describe_existed_instances(client)
                     if (i.get("InstanceName") or "").startswith(CLUSTER + "-")])
        finally:
            self.emu.faults.rate = rate

    def check_duplicates(self, after):
        state = self.read()
        live = [c for c in state["clusters"] if c.get("Status") != "deleting"]
        counts = dict(clusters=len(live), caches=len(state["caches"]), groups=len(state["groups"]),
                      namespaces=len(state["namespaces"]), repositories=len(state["repositories"]))
        limits = dict(clusters=1, caches=1, groups=1, namespaces=1, repositories=1)
        for c in live:
            kinds = {}
            for n in state["nodes"][c["ClusterId"]]:
                if n.get("InstanceStatus") != "deleting":
                    kinds[node_kind(n)] = kinds.get(node_kind(n), 0) + 1
            for kind, most in NODES.items():
                counts["%s nodes" % kind] = counts.get("%s nodes" % kind, 0) + kinds.get(kind, 0)
                limits["%s nodes" % kind] = limits.get("%s nodes" % kind, 0) + most
        for what, count in sorted(counts.items()):
            if count > limits[what]:
                self.duplicates.append("seed %d, after %s run %d: %d %s" % (self.seed, after, self.runs, count, what))
        return state, counts

    # ------------------------------------------------------------------ the lifecycle
    def run(self):
        try:
            self.converged["demo"] = self.converge("demo")
            if self.converged["demo"]:
                counts = self.counts
                want = dict(clusters=1, caches=1, groups=1, namespaces=1, repositories=1,
                            **dict(("%s nodes" % k, v) for k, v in NODES.items()))
                if counts != want:
                    self.problems.append("seed %d: after the demo %s, not %s" % (self.seed, counts, want))
                if not os.path.exists(self.kubeconfig):
                    self.problems.append("seed %d: the demo wrote no kubeconfig" % self.seed)
            else:
                self.problems.append("seed %d: the demo did not converge in %d runs: %s"
                                     % (self.seed, MAX_RUNS, self.failures[-3:]))
            self.converged["teardown"] = self.converge("teardown")
            if not self.converged["teardown"]:
                self.problems.append("seed %d: the teardown did not converge in %d runs: %s"
                                     % (self.seed, MAX_RUNS, self.failures[-3:]))
            state = self.read()
            for what in ("clusters", "caches", "groups", "namespaces", "repositories", "vms"):
                if state[what]:
                    self.leftovers.append("seed %d: %d %s" % (self.seed, len(state[what]), what))
            if os.path.exists(self.kubeconfig):
                self.leftovers.append("seed %d: the kubeconfig file" % self.seed)
        finally:
            self.emu.stop()
        faults = {}
        for r in self.emu.requests:
            if r.get("fault"):
                faults[r["fault"]] = faults.get(r["fault"], 0) + 1
        self.faults = faults
        return self


def failed_resources(state):
    """The remedy playbook's variables: what of `state` is in its failure state."""
    nodes = []
    for cid, items in state["nodes"].items():
        ids = [n["InstanceId"] for n in items
               if node_kind(n) == "group" and n.get("InstanceStatus") in ("failed", "abnormal")]
        if ids:
            nodes.append(dict(cluster_id=cid, instance_ids=ids))
    return dict(
        remedy_clusters=[c["ClusterId"] for c in state["clusters"] if c.get("Status") in ("error", "NotReady")],
        remedy_nodes=nodes,
        remedy_caches=[c["ImageCacheId"] for c in state["caches"] if c.get("Status") == "Failed"],
        remedy_groups=[g["ContainerGroupId"] for g in state["groups"] if g.get("Status") == "Failed"])


def lifecycle(case):
    seed, kinds = case
    with tempfile.TemporaryDirectory(prefix="ksyun-faults-%d-" % seed) as work:
        return Lifecycle(seed, work, kinds).run()


def test_faults_converge_without_duplicates_or_leftovers(size, figure):
    start = time.time()
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        done = list(pool.map(lifecycle, LIFECYCLES[size]))
    answer_only = [d for d in done if d.kinds is not None]
    runs = sum(len(d.converged) for d in done)
    converged = sum(sum(1 for v in d.converged.values() if v) for d in done)
    faults = {}
    for d in done:
        for kind, n in d.faults.items():
            faults[kind] = faults.get(kind, 0) + n
    duplicates = [x for d in done for x in d.duplicates]
    leftovers = [x for d in done for x in d.leftovers]
    problems = [x for d in done for x in d.problems]
    every = [d for d in done if d.kinds is None]
    rerun_cases = ["seed %d: %s" % (d.seed, list(d.failures)[:3])
                   for d in answer_only if d.reruns or d.remedies]
    figure("faults", "%d/%d runs converged (%d seeds, demo and teardown each, answer faults only and every "
           "kind), re-runs needed %d with answer faults only (%d lifecycles), %d with every kind (+%d remedy "
           "runs for failed resources), duplicates %d, leftovers %d, unclear failures %d; faults injected %d (%s); %d s"
           % (converged, runs, len(SEEDS[size]), sum(d.reruns for d in answer_only), len(answer_only),
              sum(d.reruns for d in every), sum(d.remedies for d in every),
              len(duplicates), len(leftovers), len(problems), sum(faults.values()),
              ", ".join("%s %d" % kv for kv in sorted(faults.items())), time.time() - start))
    assert not duplicates, duplicates
    assert not leftovers, leftovers
    assert not problems, "\n".join(problems)
    # answer faults only: nothing failed in the cloud, so every playbook converges in its first run
    assert not rerun_cases, "re-runs needed with answer faults only:\n" + "\n".join(rerun_cases)
