# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kce_node: a worker group is its own nodes and only those (issue 14), the newest first by creation time
then number, removals in batches of 100, diffs and progress naming the nodes, check mode before the
cluster exists, and the reconciliation of racing runs (issue 15; the runs themselves race in
tests/integration/test_kce_node_race.py). Flows run against the in-process emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


import pytest

from ansible_collections.ksyun.cloud.plugins.module_utils import _resource
from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ansible_collections.ksyun.cloud.plugins.modules import kce_node, kce_node_info

MAIN = "b12d7079-1e59-4626-90eb-xxxxxx"          # a running VM cluster of the default world
NODE = {"ImageId": "5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7", "SubnetId": "7e23b980-11c2-4bb0-9388-xxxxxx",
        "SecurityGroupId": "d46c7672-7ca9-4f51-bbd9-xxxxxx", "InstanceType": "N3.2B"}
PASSWORD = "Unit-Test-Pass-2024"
KEC_AVAILABLE = "ee355b5d-79e4-4505-b0a5-xxxxxx"  # a stopped server of the world named existing-kec-1


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    monkeypatch.setattr(_resource, "REREAD_PAUSE", 0)
    monkeypatch.setattr(_resource, "POLL_START", 0)
    monkeypatch.setattr(kce_node, "SETTLE", 0, raising=False)


@pytest.fixture
def run(run_module):
    """run(ModuleClass, check=False, diff=False, main=None, **args) -> the module's JSON result (conftest.run_module)."""
    return run_module


def group(run, name, count, **more):
    out = run(kce_node.KceNode, cluster_id=MAIN, name=name, count=count, node_para=NODE, instance_password=PASSWORD,
              **more)
    assert out["rc"] == 0, out["msg"]
    return out


def workers(run):
    out = run(kce_node_info, main=kce_node_info.main, cluster_id=MAIN, roles=["Worker"])
    return out["nodes"]


def names_of(nodes):
    return sorted(n["instance_name"] for n in nodes)


# ------------------------------------------------------------------------- membership (pure)

def member(name, node_name, role="Worker", epc=False):
    node = {"InstanceName": node_name, "InstanceRole": role}
    node["EpcInstancePara" if epc else "KecInstancePara"] = {}
    return kce_node.number_in(node, name)


def test_a_member_is_a_kec_worker_named_group_dash_number_only():
    assert member("web", "web-1") == 1 and member("web", "web-12") == 12 and member("web", "web-0") == 0
    assert member("web-1", "web-1-3") == 3
    # the group web-1 is not node 1 of web, and web is not web-1's: each node has one group
    assert member("web-1", "web-1") is None and member("web", "web-1-3") is None
    assert member("web", "web") is None and member("web", "web-01") is None and member("web", "web-") is None
    assert member("web", "webapp-1") is None and member("web", "xweb-1") is None and member("web", "web-big-1") is None
    assert member("web", "web-1", role="Master_Etcd") is None
    # a bare-metal server is never a member, whatever its name
    assert member("web", "web-4", epc=True) is None


def test_the_newest_first_is_by_creation_time_then_number_as_a_number():
    same = "2026-01-01T00:00:00Z"
    nodes = [{"InstanceName": "big-%d" % i, "InstanceId": "id-%02d" % (20 - i), "InstanceRole": "Worker",
              "KecInstancePara": {"CreateTime": same}} for i in range(1, 12)]
    nodes.append({"InstanceName": "big-2", "InstanceId": "id-99", "InstanceRole": "Worker",
                  "KecInstancePara": {"CreateTime": "2025-12-31T23:59:59Z"}})
    order = [n["InstanceName"] for n in kce_node.oldest_first(nodes, "big")]
    assert order == ["big-2"] + ["big-%d" % i for i in range(1, 12)]
    kept = kce_node.survivors(nodes, "big", 3)       # one per name: the older big-2 is kept, not the newer
    assert [(n["InstanceName"], n["InstanceId"]) for n in kept] == [("big-2", "id-99"), ("big-1", "id-19"), ("big-3", "id-17")]


def test_creation_times_compare_as_times_and_a_missing_one_is_the_newest():
    def node(name, when):
        para = {"CreateTime": when} if when is not None else {}
        return {"InstanceName": name, "InstanceId": "id-" + name, "InstanceRole": "Worker", "KecInstancePara": para}
    # 09:30+08:00 is 01:30Z: older than 02:00Z although its text sorts after it
    nodes = [node("g-1", "2026-01-01T02:00:00Z"), node("g-2", "2026-01-01T09:30:00+08:00"), node("g-3", None)]
    assert [n["InstanceName"] for n in kce_node.oldest_first(nodes, "g")] == ["g-2", "g-1", "g-3"]


def test_deletes_are_batched_by_100():
    assert [len(b) for b in kce_node.batches(list(range(201)))] == [100, 100, 1]
    assert kce_node.batches([]) == []


# ------------------------------------------------------------------------- membership (flows)

def test_group_web_1_never_counts_keeps_or_removes_node_web_1_of_group_web(run):
    web = group(run, "web", 2)
    assert names_of(web["nodes"]) == ["web-1", "web-2"]
    other = group(run, "web-1", 1, exact_count=True)
    assert other["changed"] is True and other["removed"] == []
    assert names_of(other["nodes"]) == ["web-1-1"]
    gone = run(kce_node.KceNode, cluster_id=MAIN, name="web-1", state="absent", instance_delete_mode="Terminate")
    assert gone["removed"] == other["added"]
    left = names_of(n for n in workers(run) if n["instance_name"].startswith("web"))
    assert left == ["web-1", "web-2"]
    # and the other way round: web's exact_count does not see web-1's nodes
    group(run, "web-1", 2)
    again = group(run, "web", 2, exact_count=True)
    assert again["changed"] is False and names_of(again["nodes"]) == ["web-1", "web-2"]


def test_an_existing_server_named_like_a_group_node_is_refused(run):
    made = group(run, "existing-kec", 1)          # a group whose node 1 has the name of the world's server
    assert names_of(made["nodes"]) == ["existing-kec-1"]
    out = run(kce_node.KceNode, cluster_id=MAIN, source="existing", instance_ids=[KEC_AVAILABLE],
              image_id=NODE["ImageId"], instance_password=PASSWORD, reinstall_system=True)
    assert out["rc"] == 1 and out["changed"] is False
    assert "existing-kec-1 (%s): a node of the worker group existing-kec" % KEC_AVAILABLE in out["msg"]
    assert "AddExistedInstances" not in out["requests"]
    # without such a group, the same server joins (and the group, once removed, does not count it)
    run(kce_node.KceNode, cluster_id=MAIN, name="existing-kec", state="absent")
    added = run(kce_node.KceNode, cluster_id=MAIN, source="existing", instance_ids=[KEC_AVAILABLE],
                image_id=NODE["ImageId"], instance_password=PASSWORD, reinstall_system=True)
    assert added["rc"] == 0 and added["added"] == [KEC_AVAILABLE]


# ------------------------------------------------------------------------- the newest first (flow)

def test_exact_count_removes_big_11_before_big_9(run):
    made = group(run, "big", 11)                 # one request: the same creation second
    down = run(kce_node.KceNode, cluster_id=MAIN, name="big", count=9, exact_count=True, diff=True)
    by_id = dict((n["instance_id"], n["instance_name"]) for n in made["nodes"])
    assert [by_id[i] for i in down["removed"]] == ["big-11", "big-10"]
    assert names_of(down["nodes"]) == sorted("big-%d" % i for i in range(1, 10))


def test_exact_count_removes_the_newest_by_creation_time(run):
    first = group(run, "grp", 1)
    run.emu.advance(5)
    more = group(run, "grp", 3)
    down = run(kce_node.KceNode, cluster_id=MAIN, name="grp", count=1, exact_count=True)
    assert down["removed"] == [more["added"][1], more["added"][0]]     # grp-3, then grp-2
    assert [n["instance_id"] for n in down["nodes"]] == first["added"]


# ------------------------------------------------------------------------- diff and progress name the nodes

def test_diff_and_progress_name_the_nodes(run, tmp_path, monkeypatch):
    progress = tmp_path / "progress"
    monkeypatch.setenv("KSYUN_PROGRESS_FILE", str(progress))
    made = group(run, "dif", 3, diff=True)
    by_name = dict((n["instance_name"], n["instance_id"]) for n in made["nodes"])
    assert made["diff"]["before"] == {"count": 0, "nodes": []}
    assert made["diff"]["after"] == {"count": 3, "nodes": ["dif-%d (%s)" % (i, by_name["dif-%d" % i]) for i in (1, 2, 3)]}
    check = run(kce_node.KceNode, cluster_id=MAIN, name="dif", count=1, exact_count=True, check=True, diff=True)
    assert check["diff"]["before"]["nodes"] == ["dif-%d (%s)" % (i, by_name["dif-%d" % i]) for i in (1, 2, 3)]
    assert check["diff"]["after"] == {"count": 1, "nodes": ["dif-1 (%s)" % by_name["dif-1"]]}
    up = run(kce_node.KceNode, cluster_id=MAIN, name="dif", count=5, node_para=NODE, check=True, diff=True)
    assert up["diff"]["after"]["nodes"][3:] == ["dif-4 (new)", "dif-5 (new)"]
    down = run(kce_node.KceNode, cluster_id=MAIN, name="dif", count=1, exact_count=True, diff=True)
    assert down["diff"] == check["diff"] and down["removed"] == check["removed"]
    lines = progress.read_text().splitlines()
    assert "adding 3 nodes to the group dif of cluster %s: dif-1, dif-2, dif-3" % MAIN in lines
    assert ("removing 2 nodes from cluster %s: dif-3 (%s), dif-2 (%s)" % (MAIN, by_name["dif-3"], by_name["dif-2"])
            in lines)
    gone = run(kce_node.KceNode, cluster_id=MAIN, name="dif", state="absent", diff=True)
    assert gone["diff"] == {"before": {"nodes": ["dif-1 (%s)" % by_name["dif-1"]]}, "after": {"nodes": []}}


# ------------------------------------------------------------------------- more than 100 nodes

def big_group(run, name, total):
    """A group of `total` nodes, made 100 at a time (the emulator takes MaxCount up to 100)."""
    for count in list(range(100, total, 100)) + [total]:
        group(run, name, count, wait=False)
    return [n for n in workers(run) if kce_node.MEMBER_NAME.match(n["instance_name"]).group(1) == name]


def test_removing_205_nodes_sends_three_batches_and_check_mode_predicts_it(run):
    nodes = big_group(run, "many", 205)
    assert len(nodes) == 205
    check = run(kce_node.KceNode, cluster_id=MAIN, name="many", count=0, exact_count=True, check=True, diff=True)
    real = run(kce_node.KceNode, cluster_id=MAIN, name="many", count=0, exact_count=True, diff=True)
    assert real["rc"] == 0, real["msg"]
    assert real["changed"] is True and check["changed"] is True
    assert real["removed"] == check["removed"] and len(real["removed"]) == 205 and len(set(real["removed"])) == 205
    assert real["diff"] == check["diff"]
    deletes = [p for a, p in zip(real["requests"], real["params"]) if a == "DeleteClusterInstances"]
    sizes = [len([k for k in p if k.startswith("InstanceId.")]) for p in deletes]
    assert sizes == [100, 100, 5]
    # the newest first: many-205 .. many-106 go in the first request
    by_id = dict((n["instance_id"], n["instance_name"]) for n in nodes)
    assert [by_id[i] for i in real["removed"][:3]] == ["many-205", "many-204", "many-203"]
    assert [n for n in workers(run) if n["instance_name"].startswith("many-")] == []


def test_removing_a_group_of_101_by_name_and_by_ids(run):
    nodes = big_group(run, "hundred", 101)
    ids = sorted(n["instance_id"] for n in nodes)
    out = run(kce_node.KceNode, cluster_id=MAIN, instance_ids=ids[:101], state="absent")
    assert out["rc"] == 0, out["msg"]
    assert sorted(out["removed"]) == ids and out["requests"].count("DeleteClusterInstances") == 2
    again = run(kce_node.KceNode, cluster_id=MAIN, name="hundred", state="absent")
    assert again["changed"] is False


def test_a_failed_later_batch_reports_what_the_earlier_ones_did(run, monkeypatch):
    nodes = big_group(run, "half", 150)
    real = kce.delete_cluster_instances
    calls = []

    def second_refused(client, cluster_id, ids, mode=None, dry_run=False):
        calls.append(list(ids))
        if len(calls) == 2:
            raise KsyunError("InvalidParameterValue", "refused for the test", status=400,
                             action="DeleteClusterInstances", maybe_applied=False)
        return real(client, cluster_id, ids, mode, dry_run)
    monkeypatch.setattr(kce, "delete_cluster_instances", second_refused)
    out = run(kce_node.KceNode, cluster_id=MAIN, name="half", state="absent")
    assert out["rc"] == 1 and out["changed"] is True
    assert out["removed"] == calls[0] and len(calls[0]) == 100
    assert "request 2 of 2" in out["msg"] and "refused for the test" in out["msg"]
    assert "100 nodes being removed" in out["msg"]
    by_id = dict((n["instance_id"], n["instance_name"]) for n in nodes)
    assert "half-150 (%s)" % calls[0][0] in out["msg"] and by_id[calls[0][0]] == "half-150"


# ------------------------------------------------------------------------- changed means changed

def test_a_refused_add_reports_no_change(run):
    out = run(kce_node.KceNode, cluster_id=MAIN, name="refused", count=1,
              node_para=dict(NODE, InstanceType="nonsense"), instance_password=PASSWORD)
    assert out["rc"] == 1 and "AddClusterInstances" in out["msg"]
    assert out["changed"] is False and out["added"] == []


# ------------------------------------------------------------------------- a first day in check mode

def test_check_mode_before_the_cluster_exists_predicts_instead_of_failing(run):
    out = run(kce_node.KceNode, cluster_name="first-day", name="web", count=2, node_para=NODE, check=True, diff=True)
    assert out["rc"] == 0 and out["changed"] is True
    assert out["msg"] == ("check mode: cluster named first-day does not exist (yet): in a real run this task needs "
                          "it, for example created by an earlier task of the play")
    assert out["diff"] == {"before": {"count": 0, "nodes": []}, "after": {"count": 2, "nodes": ["web-1 (new)", "web-2 (new)"]}}
    assert out["nodes"] == [] and out["added"] == [] and out["requests"] == ["DescribeCluster"]
    servers = run(kce_node.KceNode, cluster_name="first-day", source="epc", instance_ids=["x"], check=True)
    assert servers["rc"] == 0 and servers["changed"] is True
    real = run(kce_node.KceNode, cluster_name="first-day", name="web", count=2, node_para=NODE)
    assert real["rc"] == 1 and real["msg"] == "cluster named first-day does not exist"


# ------------------------------------------------------------------------- racing runs: the reconciliation

def test_a_run_removes_only_its_own_nodes_beyond_count(run, monkeypatch):
    """Another run's add lands between this run's read and its add (simulated by adding nodes of the
    same names from inside this run's AddClusterInstances): the group ends at count, no name twice,
    and this run removed only nodes it made."""
    group(run, "race", 2)
    real = kce.add_cluster_instances
    theirs = []

    def racing(client, cluster_id, instance_set, dry_run=False):
        theirs.extend(i["InstanceId"] for i in real(client, cluster_id, instance_set)["InstanceSet"])
        run.emu.advance(2)                     # theirs landed first: they are the older ones
        return real(client, cluster_id, instance_set, dry_run)
    monkeypatch.setattr(kce, "add_cluster_instances", racing)
    out = group(run, "race", 4)
    assert len(theirs) == 2
    assert len(out["reconciled"]) == 2 and not set(out["reconciled"]) & set(theirs)
    final = [n for n in workers(run) if n["instance_name"].startswith("race-")]
    assert len(final) == 4 and names_of(final) == ["race-1", "race-2", "race-3", "race-4"]
    assert set(theirs) <= set(n["instance_id"] for n in final)
    assert sorted(out["added"]) == [] and names_of(out["nodes"]) == ["race-1", "race-2", "race-3", "race-4"]


def test_a_lost_answer_under_a_race_removes_nothing_and_warns(run, monkeypatch):
    group(run, "lostrace", 1)
    real = kce.add_cluster_instances

    def racing(client, cluster_id, instance_set, dry_run=False):
        real(client, cluster_id, instance_set)
        real(client, cluster_id, instance_set)
        raise KsyunError("ReadTimeout", "no answer", action="AddClusterInstances", maybe_applied=True)
    monkeypatch.setattr(kce, "add_cluster_instances", racing)
    out = group(run, "lostrace", 2)
    assert out["changed"] is True and "reconciled" not in out
    # the warning: in the result up to ansible-core 2.18, on the controller's display (stderr) from 2.19
    said = out["stderr"] + " " + " ".join(str(w) for w in out.get("warnings") or [])
    assert "cannot tell its nodes from those of another run and removed none" in " ".join(said.split())
    assert "DeleteClusterInstances" not in out["requests"]


# ------------------------------------------------------------------------- kce_node_info by name

def test_node_info_takes_cluster_name(run):
    by_id = run(kce_node_info, main=kce_node_info.main, cluster_id=MAIN)
    by_name = run(kce_node_info, main=kce_node_info.main, cluster_name="openapi开机集群")
    assert by_name["rc"] == 0, by_name["msg"]
    assert by_name["nodes"] == by_id["nodes"] and by_name["nodes"]
    assert by_name["cluster_id"] == MAIN
    missing = run(kce_node_info, main=kce_node_info.main, cluster_name="no-such-cluster")
    assert missing["rc"] == 1 and missing["msg"] == "cluster named no-such-cluster does not exist"
    both = run(kce_node_info, main=kce_node_info.main, cluster_name="x", cluster_id=MAIN)
    assert both["rc"] == 1 and "mutually exclusive" in both["msg"] and both["requests"] == []


def test_nodes_a_racing_exact_count_run_removed_are_not_reported_as_added(run, monkeypatch):
    group(run, "gone", 2)
    real_add, real_delete = kce.add_cluster_instances, kce.delete_cluster_instances

    def racing(client, cluster_id, instance_set, dry_run=False):
        real_add(client, cluster_id, instance_set)            # the other run's nodes, older
        run.emu.advance(2)
        answer = real_add(client, cluster_id, instance_set, dry_run)
        # a run with exact_count=true reads the group now and removes the newest: these
        real_delete(client, cluster_id, [i["InstanceId"] for i in answer["InstanceSet"]])
        return answer
    monkeypatch.setattr(kce, "add_cluster_instances", racing)
    out = group(run, "gone", 4, wait_timeout=20)
    assert out["changed"] is True and out["added"] == [] and "reconciled" not in out
    assert names_of(out["nodes"]) == ["gone-1", "gone-2", "gone-3", "gone-4"]
