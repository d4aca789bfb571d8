"""Check-mode suite: every resource module, in every state it has, first with `check_mode: true`,
then for real, against a populated emulator.

Two playbooks run side by side, each against its own in-process emulator (`--strict-params`,
lifecycles of 0 s, the default world with its clusters and nodes, plus neighbours made by a populate
play: namespaces, repositories, pushed tags, a favourite, clusters, an image cache, a container
group). For each case of a module (create, converged, update or differs, absent existing, absent
gone, and in full a few more) the same task runs twice: in check mode, then for real. The
`proof_record` callback gives when each task ran; the emulator's request log (every request, with
`mutated`, `dry_run` and its action) gives what it sent. For each case:

- the check-mode run sent no write at all: no request of a mutating action (the emulator's own
  registry says which are), none `mutated`, none with DryRun;
- the check-mode run predicted the real run: the same `changed`, and the same outcome (a case
  that fails, fails in both);
- the real run did what it reported: it sent a write that took effect exactly when it reported a
  change (kce_kubeconfig, which only writes a file, is left out of this one);
- kce_kubeconfig's file is untouched by the check-mode run (checksum and mode), written whole or merged into.

kcr_account's documented partial check mode is the one allowed exception: no API action reads the
registry account, so with `update_password: on_create` check mode reports `changed: true` with a
`check_mode_note`; on an account that is already registered the real run then reports no change.
That case is counted apart (it must carry the note), not as a wrong prediction.
Figure: mutating calls in check mode, wrong predictions, out of N cases.
"""
import calendar
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import yaml

from ksyun_emulator import core
from ksyun_emulator.server import Emulator

import recorded

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)

# the emulator's default world (the ids printed in the API documents)
VPC = "31e21dca-c92e-4b06-a8ce-xxxxxx"
SUBNET = "7e23b980-11c2-4bb0-9388-xxxxxx"
RESERVE = "372bdbac-ea1d-4f99-9c30-xxxxxx"
SG = "d46c7672-7ca9-4f51-bbd9-xxxxxx"
IMAGE = "5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7"
NODE = dict(SubnetId=SUBNET, SecurityGroupId=SG, InstanceType="N3.2B", ChargeType="Daily", DataDiskGb=50, ImageId=IMAGE)
NGINX, REDIS = "hub.kce.ksyun.com/ksyun/nginx:latest", "hub.kce.ksyun.com/ksyun/redis:latest"
PASSWORD = "Check-Mode-2024"


def cluster(name, **more):
    return dict(dict(name=name, vpc_id=VPC, reserve_subnet_id=RESERVE, pod_cidr="10.80.0.0/16",
                     service_cidr="10.254.0.0/16", network_type="Flannel", k8s_version="v1.15.5",
                     instance_password=PASSWORD, instance_sets=[
                         dict(role="Master_Etcd", node_para=[dict(NODE, MaxCount=3, MinCount=3)]),
                         dict(role="Worker", node_para=[dict(NODE, MaxCount=1, MinCount=1)])]), **more)


def cache(name, images, **more):
    return dict(dict(name=name, images=images, subnet_id=SUBNET, security_group_id=SG), **more)


def group(name, cpu=1, **more):
    return dict(dict(name=name, subnet_id=SUBNET, security_group_ids=[SG], cpu=cpu, memory=2,
                     containers=[dict(name="web", image=NGINX)]), **more)


def push(repository, tags):
    """A task of the emulator's admin API: `docker push` of these tags (the KCR API cannot make tags)."""
    return {"ansible.builtin.uri": dict(url="{{ admin }}/push", method="POST", body_format="json",
                                        body=dict(repository=repository, tags=tags))}


class Case(object):
    """One state of one module: `args` run in check mode, then for real.

    `full` cases run only in the full suite; `prepare` tasks run before; `guard` names a file the
    check-mode run must leave untouched; `possible` marks kcr_account's documented possible change."""

    def __init__(self, module, state, args, full=False, prepare=(), guard=None, possible=False):
        self.module, self.state, self.args = module, state, args
        self.full, self.prepare, self.guard, self.possible = full, list(prepare), guard, possible

    @property
    def name(self):
        return "%s | %s" % (self.module, self.state)

    def tasks(self):
        out = []
        for i, task in enumerate(self.prepare):
            out.append(dict({"name": "%s | prepare %d" % (self.name, i + 1)}, **task))
        if self.guard:
            out.append({"name": "%s | file before" % self.name, "ansible.builtin.stat": {"path": self.guard},
                        "register": "guard_before"})
        for mode in ("check", "real"):
            out.append({"name": "%s | %s" % (self.name, mode), "ksyun.cloud." + self.module: self.args,
                        "check_mode": mode == "check", "ignore_errors": True})
            if self.guard and mode == "check":
                out.append({"name": "%s | file after check" % self.name, "ansible.builtin.stat": {"path": self.guard},
                            "register": "guard_after"})
                out.append({"name": "%s | file untouched by check mode" % self.name, "ignore_errors": True,
                            "ansible.builtin.assert": {"that": [
                                "guard_before.stat.exists == guard_after.stat.exists",
                                "guard_before.stat.checksum | default('') == guard_after.stat.checksum | default('')",
                                "guard_before.stat.mode | default('') == guard_after.stat.mode | default('')"]}})
        return out


def kcr_cases(work):
    ns, repo, tagged = "cm-ns", "cm-repo-ns/app", "cm-repo-ns/tagged"
    full_ns = "cm-full-ns"
    return [
        Case("kcr_namespace", "present create", dict(name=ns, public=False)),
        Case("kcr_namespace", "present converged", dict(name=ns, public=False)),
        Case("kcr_namespace", "present update", dict(name=ns, public=True)),
        Case("kcr_namespace", "absent existing", dict(name=ns, state="absent")),
        Case("kcr_namespace", "absent gone", dict(name=ns, state="absent")),
        Case("kcr_namespace", "absent refused (repositories, no force)", dict(name=full_ns, state="absent"), full=True,
             prepare=[{"ksyun.cloud.kcr_repository": dict(name=full_ns + "/web", create_namespace=True)}]),
        Case("kcr_namespace", "absent existing with force", dict(name=full_ns, state="absent", force=True), full=True),
        Case("kcr_repository", "present create", dict(name=repo, description="one")),
        Case("kcr_repository", "present converged", dict(name=repo, description="one")),
        Case("kcr_repository", "present update", dict(name=repo, description="two")),
        Case("kcr_repository", "absent existing", dict(name=repo, state="absent")),
        Case("kcr_repository", "absent gone", dict(name=repo, state="absent")),
        Case("kcr_repository", "present create with its namespace", dict(name="cm-new-ns/app", create_namespace=True),
             full=True),
        Case("kcr_repository", "present refused (no namespace)", dict(name="cm-none-ns/app"), full=True),
        Case("kcr_tag", "present existing", dict(repository=tagged, tags=["v1", "v2"])),
        Case("kcr_tag", "present missing (fails)", dict(repository=tagged, tags=["v1", "nope"])),
        Case("kcr_tag", "absent existing", dict(repository=tagged, tags=["v1"], state="absent")),
        Case("kcr_tag", "absent gone", dict(repository=tagged, tags=["v1"], state="absent")),
        Case("kcr_tag", "absent some existing", dict(repository=tagged, tags=["v1", "v2", "v3"], state="absent"),
             full=True),
        Case("kcr_favorite", "present create", {"repository": "ksyun/nginx", "repo_type": "KSYUN HUB"}),
        Case("kcr_favorite", "present converged", {"repository": "ksyun/nginx", "repo_type": "KSYUN HUB"}),
        Case("kcr_favorite", "absent existing", {"repository": "ksyun/nginx", "repo_type": "KSYUN HUB", "state": "absent"}),
        Case("kcr_favorite", "absent gone", {"repository": "ksyun/nginx", "repo_type": "KSYUN HUB", "state": "absent"}),
        Case("kcr_account", "present create (on_create, not registered)", dict(password=PASSWORD)),
        Case("kcr_account", "present converged (on_create, registered)", dict(password=PASSWORD), possible=True),
        Case("kcr_account", "present update (always)", dict(password=PASSWORD + "-2", update_password="always")),
    ]


def kce_kci_cases(work):
    kube = os.path.join(work, "kube", "config")
    nodes = dict(cluster_name="cm-nodes", name="cm-workers", node_para=NODE, instance_password=PASSWORD)
    kubeconfig = dict(cluster_name="cm-nodes", public=False, dest=kube)
    merged = os.path.join(work, "kube", "merged")
    merge = dict(cluster_name="cm-nodes", public=False, dest=merged, merge=True)
    return [
        Case("kce_cluster", "present create", cluster("cm-cluster", description="one")),
        Case("kce_cluster", "present converged", cluster("cm-cluster", description="one")),
        Case("kce_cluster", "present update", cluster("cm-cluster", description="two")),
        Case("kce_cluster", "present differs, immutable (fails)", cluster("cm-cluster", pod_cidr="10.90.0.0/16"),
             full=True),
        Case("kce_cluster", "absent existing", dict(name="cm-cluster", state="absent", instance_delete_mode="Terminate")),
        Case("kce_cluster", "absent gone", dict(name="cm-cluster", state="absent", instance_delete_mode="Terminate")),
        Case("kce_node", "present create", dict(nodes, count=1)),
        Case("kce_node", "present converged", dict(nodes, count=1)),
        Case("kce_node", "present update (count up)", dict(nodes, count=2)),
        Case("kce_node", "present update (exact_count down)", dict(nodes, count=1, exact_count=True), full=True),
        Case("kce_node", "absent existing", dict(cluster_name="cm-nodes", name="cm-workers", state="absent")),
        Case("kce_node", "absent gone", dict(cluster_name="cm-nodes", name="cm-workers", state="absent")),
        Case("kce_kubeconfig", "present create", kubeconfig, guard=kube),
        Case("kce_kubeconfig", "present converged", kubeconfig, guard=kube),
        Case("kce_kubeconfig", "present update (content)", kubeconfig, guard=kube,
             prepare=[{"ansible.builtin.copy": dict(content="stale\n", dest=kube, mode="0600")}]),
        Case("kce_kubeconfig", "present update (mode)", dict(kubeconfig, mode="0640"), guard=kube, full=True),
        Case("kce_kubeconfig", "merge create", merge, guard=merged),
        Case("kce_kubeconfig", "merge converged", merge, guard=merged),
        Case("kce_kubeconfig", "merge update (a context made current)", dict(merge, context_name="cm", set_current_context=True),
             guard=merged),
        Case("kci_image_cache", "present create", cache("cm-cache", [NGINX])),
        Case("kci_image_cache", "present converged", cache("cm-cache", [NGINX])),
        Case("kci_image_cache", "present differs (fails without recreate)", cache("cm-cache", [NGINX, REDIS]),
             full=True),
        Case("kci_image_cache", "present differs (recreate)", cache("cm-cache", [NGINX, REDIS], recreate=True)),
        Case("kci_image_cache", "absent existing", dict(name="cm-cache", state="absent")),
        Case("kci_image_cache", "absent gone", dict(name="cm-cache", state="absent")),
        Case("kci_container_group", "present create", group("cm-group")),
        Case("kci_container_group", "present converged", group("cm-group")),
        Case("kci_container_group", "present differs (fails without recreate)", group("cm-group", cpu=2), full=True),
        Case("kci_container_group", "present differs (recreate)", group("cm-group", cpu=2, recreate=True)),
        Case("kci_container_group", "absent existing", dict(name="cm-group", state="absent")),
        Case("kci_container_group", "absent gone", dict(name="cm-group", state="absent")),
    ]


#: the populated emulator: neighbours of every kind next to what the cases manage
POPULATE = {
    "kcr": [
        {"ksyun.cloud.kcr_repository": dict(name="cm-repo-ns/tagged", create_namespace=True)},
        push("cm-repo-ns/tagged", ["v1", "v2", "v3", "latest"]),
        {"ksyun.cloud.kcr_repository": dict(name="cm-other/web", description="a neighbour", create_namespace=True)},
        push("cm-other/web", ["v1"]),
        {"ksyun.cloud.kcr_namespace": dict(name="cm-ns-2", public=True)},
        {"ksyun.cloud.kcr_favorite": {"repository": "ksyun/redis", "repo_type": "KSYUN HUB"}},
    ],
    "kce_kci": [
        {"ksyun.cloud.kce_cluster": cluster("cm-nodes")},
        {"ksyun.cloud.kce_cluster": cluster("cm-cluster-2")},
        {"ksyun.cloud.kce_node": dict(cluster_name="cm-nodes", name="cm-workers-2", count=1, node_para=NODE,
                                      instance_password=PASSWORD)},
        {"ksyun.cloud.kci_image_cache": cache("cm-cache-2", [NGINX])},
        {"ksyun.cloud.kci_container_group": group("cm-group-2")},
    ],
}
TRACKS = {"kcr": kcr_cases, "kce_kci": kce_kci_cases}


def stamp(text):
    """Epoch seconds of a request log time ("2026-12-01T10:30:24.123Z", UTC)."""
    whole, frac = text.rstrip("Z").split(".")
    return calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S")) + int(frac) / 1000.0


def writes_of(requests):
    """The requests that are writes: of a mutating action, mutated, or sent with DryRun."""
    out = []
    for r in requests:
        act = core.lookup(r.get("service"), r.get("version"), r.get("action")) if r.get("action") else None
        if r.get("mutated") or r.get("dry_run") or (act is not None and act.mutates):
            out.append(r)
    return out


def run_track(track, size):
    """Populate, then play every case of the track; the per-case findings."""
    with tempfile.TemporaryDirectory(prefix="ksyun-checkmode-%s-" % track) as work:
        cases = [c for c in TRACKS[track](work) if size == "full" or not c.full]
        emu = Emulator(lifecycle_seconds=0, strict_params=True)
        emu.start(host="127.0.0.1", port=0)
        try:
            populate = [dict({"name": "populate %d" % (i + 1)}, **t) for i, t in enumerate(POPULATE[track])]
            plays = [{"name": "Populate the emulator", "hosts": "localhost", "gather_facts": False, "tasks": populate},
                     {"name": "Check mode, then for real", "hosts": "localhost", "gather_facts": False,
                      "tasks": [t for c in cases for t in c.tasks()]}]
            book = os.path.join(work, "checkmode.yml")
            with open(book, "w") as f:
                yaml.safe_dump(plays, f, sort_keys=False)
            record = os.path.join(work, "record.jsonl")
            env = recorded.environ(work, emu, record)
            cmd = [os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(REPO, "inventories", "localhost.yml"),
                   "-e", json.dumps({"admin": emu.url + "/_emulator"}), book]
            run = subprocess.run(cmd, env=env, cwd=work, capture_output=True, text=True, timeout=1800, check=False)
            output = run.stdout + run.stderr
            requests = [dict(r, at=stamp(r["time"])) for r in emu.requests if r.get("action")]
        finally:
            emu.stop()
        records = dict((r["task"], r) for r in recorded.records(record))
    return judge(track, cases, records, requests, output, run.returncode)


def judge(track, cases, records, requests, output, returncode):
    found = dict(cases=0, writes=0, wrong=0, possible=0, problems=[])
    if returncode != 0 or any(r["task"].startswith("populate") and r["status"] != "ok" for r in records.values()):
        found["problems"].append("%s: the playbook failed (rc %d):\n%s" % (track, returncode, output[-5000:]))
    for case in cases:
        check, real = records.get(case.name + " | check"), records.get(case.name + " | real")
        if check is None or real is None:
            found["problems"].append("%s: no result for the check or the real run" % case.name)
            continue
        found["cases"] += 1
        sent = [r for r in requests if check["start"] <= r["at"] <= check["end"]]
        writes = writes_of(sent)
        if writes:
            found["writes"] += len(writes)
            found["problems"].append("%s: check mode sent %s" % (case.name, [r["action"] for r in writes]))
        if not sent and case.module != "kcr_account":   # no action reads the registry account
            found["problems"].append("%s: check mode made no request at all (its reads are its prediction)" % case.name)
        guard = records.get(case.name + " | file untouched by check mode")
        if guard is not None and guard["status"] != "ok":
            found["writes"] += 1
            found["problems"].append("%s: check mode changed the file: %s" % (case.name, guard.get("msg")))
        predicted = (check["status"], check["changed"])
        did = (real["status"], real["changed"])
        if case.possible:
            # kcr_account: no action reads the account, so on_create predicts a possible change
            found["possible"] += 1
            if check["status"] != "ok" or not check["changed"] or not check.get("note") or did != ("ok", False):
                found["problems"].append("%s: check %s (note %r), real %s; expected a possible change with its "
                                         "note, then no change" % (case.name, predicted, check.get("note"), did))
            continue
        if predicted != did:
            found["wrong"] += 1
            found["problems"].append("%s: check mode predicted %s, the real run did %s (%s)"
                                     % (case.name, predicted, did, check.get("msg") or real.get("msg")))
        if case.module != "kce_kubeconfig":
            real_sent = [r for r in requests if real["start"] <= r["at"] <= real["end"]]
            applied = [r for r in real_sent if r.get("mutated")]
            if bool(applied) != real["changed"]:
                found["problems"].append("%s: the real run reported changed=%s and its effective writes were %s"
                                         % (case.name, real["changed"], [r["action"] for r in applied]))
    return found


def test_check_mode_sends_no_write_and_predicts_the_real_run(size, figure):
    start = time.time()
    with ThreadPoolExecutor(max_workers=len(TRACKS)) as pool:
        results = list(pool.map(lambda t: run_track(t, size), sorted(TRACKS)))
    total = dict((k, sum(r[k] for r in results)) for k in ("cases", "writes", "wrong", "possible"))
    problems = [p for r in results for p in r["problems"]]
    modules = sorted(set(c.module for t in TRACKS.values() for c in t("/tmp")))
    figure("checkmode", "mutating calls in check mode %d, wrong predictions %d, out of %d cases (%d modules; "
           "kcr_account on_create on a registered account: a documented possible change, %d case(s) counted apart); %d s"
           % (total["writes"], total["wrong"], total["cases"], len(modules), total["possible"], time.time() - start))
    assert not problems, "\n".join(problems)
    assert total["cases"] == sum(1 for t in TRACKS.values() for c in t("/tmp") if size == "full" or not c.full)
