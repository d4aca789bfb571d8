"""Race suite (issue 15): several runs of the same play at once never leave a duplicate.

Two and four `ansible-playbook` processes are started together on the same plays
(playbooks/race.yml: a KCR namespace, repository and favourite, a KCE cluster, a KCI image cache
and a container group) against an in-process emulator with added latency (`latency_ms`, so that
each run's first read and its create are far apart, the window in which racing runs collide).
Before each task the runs wait for each other at a barrier, so every task starts at the same moment
in every run. The emulator lets KCI names repeat (`allow_duplicate_names`: the documents do not say
names are unique) and KCE names are not unique: the worst case. Then the same number of runs of
playbooks/race_teardown.yml are started together.

Per round: every run succeeds; after the plays, exactly one live object of each name (read with the
collection's client) and every run reports that same one (same id); after the teardowns, none. The
kce_node worker group is not here: its racing-run safety is kce_node's own work (issue 15, with
issue 14's group membership).

Figure: duplicates left, runs failed, resources reconciled (results with `reconciled`: a run that
met a racing run's resource and said so), per number of runs.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import yaml

from ksyun_emulator.server import Emulator

import recorded

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
VARS = os.path.join(REPO, "playbooks", "vars", "demo.yml")
PLAYS = os.path.join(HERE, "playbooks")

#: (processes started together, added latency in ms) per round
ROUNDS = {"reduced": [(2, 300)], "full": [(2, 300), (4, 300), (2, 600), (4, 600)]}
LIFECYCLE = 1        # seconds per asynchronous stage in the emulator

with open(VARS) as f:
    DEMO = yaml.safe_load(f)
CLUSTER, NAMESPACE = DEMO["demo_cluster"], DEMO["demo_namespace"]
CACHE, GROUP = CLUSTER + "-images", CLUSTER + "-web"
REPOSITORY, FAVORITE = NAMESPACE + "/web", "ksyun/nginx"
#: the creates of the plays: more than one request per resource means racing runs collided
CREATES = ("CreateRepoNamespace", "CreateRepository", "AddFavor", "CreateCluster", "CreateImageCache",
           "CreateContainerGroup")
#: task name -> (kind, how to read the id from its result)
TASKS = {
    "Namespace": ("namespaces", lambda r: r["namespace"]["namespace"]),
    "Repository": ("repositories", lambda r: r["repository"]["repo_name"]),
    "Favourite": ("favorites", lambda r: r["favorite"]["repo_name"]),
    "Cluster": ("clusters", lambda r: r["cluster"]["cluster_id"]),
    "Image cache": ("caches", lambda r: r["image_cache"]["image_cache_id"]),
    "Container group": ("groups", lambda r: r["container_group"]["container_group_id"]),
}


def read(emu):
    """The live objects of the plays' names, by kind (ids)."""
    from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
    from ansible_collections.ksyun.cloud.plugins.module_utils._kci import api as kci
    from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
    from ansible_collections.ksyun.cloud.plugins.module_utils._config import client_from_params

    client = client_from_params(dict(access_key=emu.access_key, secret_key=emu.secret_key,
                                     region=recorded.REGION, endpoint_url=emu.url))
    latency, emu.latency = emu.latency, 0.0
    try:
        return dict(
            clusters=[c["ClusterId"] for c in kce.describe_clusters(client, search=CLUSTER)
                      if c.get("ClusterName") == CLUSTER and c.get("Status") != kce.CLUSTER_DELETING],
            caches=[c["ImageCacheId"] for c in kci.describe_image_caches(client, name=CACHE)
                    if c.get("ImageCacheName") == CACHE],
            groups=[g["ContainerGroupId"] for g in kci.describe_container_groups(client, search=GROUP)
                    if g.get("ContainerGroupName") == GROUP and g.get("Status") != "Terminating"],
            namespaces=[n["Namespace"] for n in kcr.describe_namespaces(client) if n.get("Namespace") == NAMESPACE],
            repositories=[r["RepoName"] for r in kcr.describe_repositories(client)
                          if r.get("RepoName") in (REPOSITORY, "web") and r.get("Namespace", NAMESPACE) == NAMESPACE],
            favorites=[f["RepoName"] for f in kcr.get_favorites(client)
                       if f.get("RepoName") == FAVORITE and f.get("RepoType") == "KSYUN HUB"])
    finally:
        emu.latency = latency


class Round(object):
    def __init__(self, runs, latency, work):
        self.runs, self.latency, self.work = runs, latency, work
        self.problems, self.duplicates, self.failed, self.reconciled = [], [], 0, 0
        self.emu = Emulator(latency_ms=latency, lifecycle_seconds=LIFECYCLE, strict_params=True,
                            allow_duplicate_names=True)
        self.emu.start(host="127.0.0.1", port=0)

    def play(self, book, run, barrier):
        record = os.path.join(self.work, "record-%s-%d.jsonl" % (book, run))
        env = recorded.environ(self.work, self.emu, record, KSYUN_DEMO_NODE_PASSWORD="Race-Node-2024")
        extra = dict(race_run=run, race_runs=self.runs, race_dir=barrier)
        cmd = [os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(REPO, "inventories", "localhost.yml"),
               "-e", "@" + VARS, "-e", json.dumps(extra), os.path.join(PLAYS, book + ".yml")]
        done = subprocess.run(cmd, env=env, cwd=self.work, capture_output=True, text=True, timeout=1200, check=False)
        with open(os.path.join(self.work, "run-%s-%d.out" % (book, run)), "w") as f:
            f.write(done.stdout + done.stderr)
        return done.returncode, recorded.records(record), done.stdout + done.stderr

    def together(self, book):
        """`runs` processes of `book` started at once; their (rc, records, output)."""
        barrier = os.path.join(self.work, "barrier-" + book)
        os.makedirs(barrier)
        with ThreadPoolExecutor(max_workers=self.runs) as pool:
            done = list(pool.map(lambda i: self.play(book, i, barrier), range(self.runs)))
        for i, (rc, records, out) in enumerate(done):
            failed = [r for r in records if r["status"] in ("failed", "unreachable")]
            if rc != 0 or failed:
                self.failed += 1
                self.problems.append("%d runs, %d ms: %s run %d failed: %s" % (
                    self.runs, self.latency, book, i, [(r["task"], r.get("msg")) for r in failed] or out[-2000:]))
            self.reconciled += sum(1 for r in records if isinstance(r.get("result"), dict)
                                   and r["result"].get("reconciled"))
        return done

    def run(self):
        try:
            done = self.together("race")
            state = read(self.emu)
            self.creates = sum(1 for q in self.emu.requests if q.get("action") in CREATES)
            for task, (kind, ident) in sorted(TASKS.items()):
                if not state[kind]:
                    self.problems.append("%d runs, %d ms: no %s made" % (self.runs, self.latency, kind))
                if len(state[kind]) > 1:
                    self.duplicates.append("%d runs, %d ms: %d %s: %s" % (self.runs, self.latency, len(state[kind]),
                                                                          kind, state[kind]))
                reported = set()
                for rc, records, out in done:
                    for r in records:
                        if r["task"] == task and r["status"] == "ok":
                            reported.add(ident(r["result"]))
                if len(reported) != 1 or (len(state[kind]) == 1 and reported != set(state[kind])):
                    self.problems.append("%d runs, %d ms: %s: the runs reported %s, the account holds %s"
                                         % (self.runs, self.latency, task, sorted(reported), state[kind]))
            self.together("race_teardown")
            time.sleep(LIFECYCLE * 3)     # what is being deleted is gone after its stages
            left = dict((k, v) for k, v in read(self.emu).items() if v)
            if left:
                self.problems.append("%d runs, %d ms: left after the teardowns: %s" % (self.runs, self.latency, left))
        finally:
            self.emu.stop()
        return self


def test_racing_runs_leave_no_duplicate(size, figure):
    start = time.time()
    rounds = []
    for runs, latency in ROUNDS[size]:
        with tempfile.TemporaryDirectory(prefix="ksyun-race-") as work:
            rounds.append(Round(runs, latency, work).run())
    by_runs = {}
    for r in rounds:
        agg = by_runs.setdefault(r.runs, [0, 0, 0, 0, 0])
        agg[4] += r.creates
        agg[0] += 1
        agg[1] += len(r.duplicates)
        agg[2] += r.failed
        agg[3] += r.reconciled
    figure("race", "; ".join("%d runs at once (%d rounds): duplicates left %d, runs failed %d, resources reconciled %d "
                             "(create requests sent: %d for %d resources)"
                             % (n, a[0], a[1], a[2], a[3], a[4], 6 * a[0]) for n, a in sorted(by_runs.items()))
           + " (6 resource kinds, then racing teardowns; %d s)" % (time.time() - start))
    duplicates = [d for r in rounds for d in r.duplicates]
    problems = [p for r in rounds for p in r.problems]
    assert not duplicates, duplicates
    assert not problems, "\n".join(problems)
