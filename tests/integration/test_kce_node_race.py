"""Racing runs of kce_node (issue 15): 2 and 4 `ansible-playbook` processes started at once scale the same
worker group, against one emulator whose every answer takes `--latency-ms` more, so that their reads
and writes interleave.

Each case first makes the group `race` of 2 nodes (one run), then starts the runs of
tests/proof/playbooks/kce_node_race.yml with count 4 together. What must hold:

- every run succeeds;
- the group ends with exactly 4 nodes (none being deleted), and no node name twice;
- the two nodes that were there before are still there, and no run removed a node another run reports
  as added or as its own (`reconciled`): a run removes only nodes it created;
- every node created is accounted for: the runs' added + reconciled are all different nodes.

Printed figure per case: runs, failed runs, nodes at the end, duplicated names, nodes created and
removed again by the reconciliation (whether the runs really raced: 0 means they did not overlap).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import pytest

from ksyun_emulator.process import EmulatorProcess
from ksyun_emulator.server import DEMO_ACCESS_KEY as AK, DEMO_SECRET_KEY as SK

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._config import client_from_params

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(os.path.dirname(TESTS), ".collections")
PLAYBOOK = os.path.join(TESTS, "proof", "playbooks", "kce_node_race.yml")
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
CLUSTER = "b12d7079-1e59-4626-90eb-xxxxxx"       # the running VM cluster of the emulator's default world
GROUP = "race"


def start(work, url, tag, count, exact=False):
    out = os.path.join(work, "result-%s.json" % tag)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_DEPRECATION_WARNINGS="0",
               ANSIBLE_LOCAL_TEMP=os.path.join(work, "tmp-%s" % tag),
               KSYUN_ENDPOINT_URL=url, KSYUN_ACCESS_KEY=AK, KSYUN_SECRET_KEY=SK, KSYUN_REGION="cn-beijing-6")
    extra = dict(race_cluster_id=CLUSTER, race_group=GROUP, race_count=count, race_exact=exact, race_out=out)
    proc = subprocess.Popen([ANSIBLE_PLAYBOOK, PLAYBOOK, "-e", json.dumps(extra)], env=env, cwd=work,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, out


def finish(proc, out):
    text = proc.communicate(timeout=600)[0]
    result = None
    if os.path.exists(out):
        with open(out) as f:
            result = json.load(f)
    return proc.returncode, text, result


def group_now(url):
    client = client_from_params(dict(access_key=AK, secret_key=SK, region="cn-beijing-6", endpoint_url=url))
    nodes = kce.describe_cluster_instances(client, CLUSTER, filters={"instance-role": ["Worker"]})
    return [n for n in nodes if (n.get("InstanceName") or "").startswith(GROUP + "-")
            and n.get("InstanceStatus") != kce.NODE_DELETING]


@pytest.mark.parametrize("runs,exact,lifecycle", [(2, False, 0), (4, False, 0), (4, True, 0), (2, False, 2)],
                         ids=["2-runs", "4-runs", "4-runs-exact", "2-runs-slow-nodes"])
def test_racing_runs_scale_a_group_to_exactly_count(runs, exact, lifecycle):
    """lifecycle: seconds per stage of a node (building, installing, normal): with 2, the nodes a run
    added beyond count are still being built when it finds them."""
    with tempfile.TemporaryDirectory(prefix="ksyun-race-") as work:
        emu = EmulatorProcess(work, "--strict-params", "--latency-ms", "700", lifecycle_seconds=lifecycle)
        try:
            rc, text, first = finish(*start(work, emu.url, "first", 2))
            assert rc == 0, text
            before = set(n["InstanceId"] for n in group_now(emu.url))
            assert len(before) == 2
            started = time.monotonic()
            procs = [start(work, emu.url, "run%d" % i, 4, exact) for i in range(runs)]
            results = [finish(*p) for p in procs]
            seconds = time.monotonic() - started
            failed = [text for rc, text, result in results if rc != 0]
            final = group_now(emu.url)
            names = [n["InstanceName"] for n in final]
            duplicates = len(names) - len(set(names))
            outs = [result for rc, text, result in results if result is not None]
            created = [set(r["added"]) | set(r.get("reconciled", [])) for r in outs]
            reconciled = sum(len(r.get("reconciled", [])) for r in outs)
            print("\nkce_node race, %d runs%s%s: %d failed, %d nodes at the end (count 4), %d duplicated names, "
                  "%d nodes created, %d removed again by their own run (reconciled), %.1f s"
                  % (runs, " (exact_count)" if exact else "", " (nodes built in %d s)" % (2 * lifecycle) if lifecycle else "",
                     len(failed), len(final), duplicates,
                     sum(len(c) for c in created), reconciled, seconds))
            assert failed == [], failed[0][-5000:] if failed else ""
            assert len(final) == 4 and duplicates == 0, sorted(names)
            assert before <= set(n["InstanceId"] for n in final)
            # no run removed a node another run created, and every node was created by one run only
            for i, mine in enumerate(outs):
                for j, other in enumerate(created):
                    if i != j:
                        assert not set(mine.get("reconciled", [])) & other
                        assert not created[i] & other
            # what the runs added (and kept) is what is there now, beyond the first two
            assert set().union(*[set(r["added"]) for r in outs]) == set(n["InstanceId"] for n in final) - before
        finally:
            emu.stop()
