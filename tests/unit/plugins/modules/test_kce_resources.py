# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kce_cluster, kce_node, kce_kubeconfig: the local checks (each rule, and that bad input makes no API
request), the pure helpers, and a few flows against the in-process emulator.

The whole behaviour (check mode, diff, waits, faults) is in the integration targets kce_cluster,
kce_cluster_empty_set, kce_node, kce_kubeconfig and kce_waits.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat

import pytest

from ansible_collections.ksyun.cloud.plugins.module_utils import _resource
from ansible_collections.ksyun.cloud.plugins.modules import kce_cluster, kce_kubeconfig, kce_node

VPC = "31e21dca-c92e-4b06-a8ce-xxxxxx"
RESERVE = "372bdbac-ea1d-4f99-9c30-xxxxxx"
MAIN = "b12d7079-1e59-4626-90eb-xxxxxx"          # a running VM cluster of the default world
CANAL = "c4d64fa0-0ee2-409a-b003-xxxxxx"         # ... whose API server is not exposed
NODE = {"ImageId": "5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7", "SubnetId": "7e23b980-11c2-4bb0-9388-xxxxxx",
        "SecurityGroupId": "d46c7672-7ca9-4f51-bbd9-xxxxxx", "InstanceType": "N3.2B"}
PASSWORD = "Unit-Test-Pass-2024"


def node_para(count, **extra):
    return dict(NODE, MaxCount=count, MinCount=count, **extra)


def cluster_args(**kw):
    args = dict(name="unit", vpc_id=VPC, reserve_subnet_id=RESERVE, pod_cidr="10.80.0.0/16",
                service_cidr="10.254.0.0/16", network_type="Flannel", k8s_version="v1.15.5",
                instance_password=PASSWORD,
                instance_sets=[{"role": "Master_Etcd", "node_para": [node_para(3)]},
                               {"role": "Worker", "node_para": [node_para(1)]}])
    args.update(kw)
    return args


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    monkeypatch.setattr(_resource, "REREAD_PAUSE", 0)
    monkeypatch.setattr(_resource, "POLL_START", 0)


@pytest.fixture
def run(run_module):
    """run(ModuleClass, check=False, diff=False, **args) -> the module's JSON result (conftest.run_module)."""
    return run_module


# ------------------------------------------------------------------------- kce_cluster: pure rules

@pytest.mark.parametrize("name", ["ab", "x" * 64, "集群", "openapi 开机集群", "a-b,c.d!$^*()%#&+/:;<=>[]_`{}~"])
def test_cluster_name_accepted(name):
    assert kce_cluster.check_name(name) is None


@pytest.mark.parametrize("name,part", [
    ("a", "2 to 64 characters long, got 1"), ("x" * 65, "got 65"), ("bad@name", "'@'"),
    ("tab\tname", "'\\t'"), ("what?", "'?'"),
])
def test_cluster_name_refused(name, part):
    assert part in kce_cluster.check_name(name)


@pytest.mark.parametrize("pod,svc,part", [
    ("10.80.0.0", "10.254.0.0/16", None),                       # a bare address is a /32 network
    ("10.80.0.1/16", "10.254.0.0/16", "pod_cidr must be a network in CIDR notation"),
    ("nonsense", "10.254.0.0/16", "pod_cidr must be a network"),
    ("10.80.0.0/16", "10.80.128.0/20", "pod_cidr 10.80.0.0/16 and service_cidr 10.80.128.0/20 overlap"),
    ("10.80.0.0/16", "10.254.0.0/33", "service_cidr must be a network"),
    ("10.0.0.0/8", "172.16.0.0/16", None),                      # the document states no range or prefix rule
])
def test_cidr_rules(pod, svc, part):
    problem = kce_cluster.check_cidrs({"pod_cidr": pod, "service_cidr": svc})
    assert (problem is None) if part is None else (part in problem)


def test_node_counts_sum_max_count_per_role_and_epc_servers():
    counts, problem = kce_cluster.node_counts(
        [{"role": "Master_Etcd", "node_para": [node_para(2), node_para(1)]},
         {"role": "Worker", "node_para": [{"MaxCount": "2", "MinCount": "1"}]}],
        [{"role": "Worker", "instance_ids": ["e1", "e2"]}])
    assert problem is None and counts == {"Master_Etcd": 3, "Worker": 4}


@pytest.mark.parametrize("para,part", [
    ({"MinCount": 1}, "must set MaxCount and MinCount to whole numbers"),
    ({"MaxCount": 1}, "must set MaxCount and MinCount"),
    ({"MaxCount": True, "MinCount": 1}, "whole numbers"),
    ({"MaxCount": "two", "MinCount": 1}, "whole numbers"),
    ({"MaxCount": 1, "MinCount": 2}, "MinCount must be at least 1 and at most MaxCount, got MinCount=2 MaxCount=1"),
    ({"MaxCount": 1, "MinCount": 0}, "MinCount must be at least 1"),
])
def test_node_count_rules(para, part):
    counts, problem = kce_cluster.node_counts([{"role": "Worker", "node_para": [para]}], None)
    assert part in problem and "instance_sets[0].node_para[0]" in problem


def test_empty_sets_are_refused():
    assert "at least one node_para" in kce_cluster.node_counts([{"role": "Worker", "node_para": []}], None)[1]
    assert "at least one server" in kce_cluster.node_counts(None, [{"role": "Worker", "instance_ids": [""]}])[1]


@pytest.mark.parametrize("counts,separate,part", [
    ({"Master_Etcd": 3, "Worker": 1}, False, None),
    ({"Master_Etcd": 5, "Worker": 9}, False, None),
    ({"Master": 3, "Etcd": 5, "Worker": 1}, True, None),
    ({"Master_Etcd": 4, "Worker": 1}, False, "Master_Etcd nodes must be exactly 3 or 5, got 4"),
    ({"Master_Etcd": 3}, False, "needs Master_Etcd and Worker nodes; Worker missing"),
    ({"Worker": 2}, False, "Master_Etcd missing"),
    ({"Master_Etcd": 3, "Worker": 1}, True, "with master_etcd_separate=true the node roles are Master, Etcd, Worker; "
                                            "Master_Etcd cannot be used"),
    ({"Master": 3, "Etcd": 3, "Worker": 1}, False, "Etcd, Master cannot be used"),
    ({"Master": 3, "Etcd": 1, "Worker": 1}, True, "Etcd nodes must be exactly 3 or 5, got 1"),
    ({"Master": 3, "Worker": 1}, True, "Etcd missing"),
])
def test_role_rules(counts, separate, part):
    problem = kce_cluster.check_roles(counts, separate)
    assert (problem is None) if part is None else (part in problem), problem


def test_node_sets_merge_roles_and_fill_the_password():
    sets = kce_cluster.node_sets([
        {"role": "Worker", "node_para": [node_para(1)]},
        {"role": "Master_Etcd", "node_para": [node_para(3)]},
        {"role": "Worker", "node_para": [node_para(2, InstancePassword="Own-Pass-2024")]},
    ], PASSWORD)
    assert [s["NodeRole"] for s in sets] == ["Worker", "Master_Etcd"]
    assert [p["MaxCount"] for p in sets[0]["NodePara"]] == [1, 2]
    assert [p["InstancePassword"] for p in sets[0]["NodePara"]] == [PASSWORD, "Own-Pass-2024"]
    # the task's own dicts are not changed
    assert "InstancePassword" not in node_para(1)


def test_epc_sets_one_para_per_server():
    sets = kce_cluster.epc_sets([{"role": "Master_Etcd", "instance_ids": ["a", "b", "c"], "epc_para": None},
                                 {"role": "Worker", "instance_ids": ["d"], "epc_para": {"Extra": 1}},
                                 {"role": "Worker", "instance_ids": ["e"], "epc_para": None}])
    assert sets == [{"NodeRole": "Master_Etcd", "EpcPara": [{"InstanceId": "a"}, {"InstanceId": "b"}, {"InstanceId": "c"}]},
                    {"NodeRole": "Worker", "EpcPara": [{"Extra": 1, "InstanceId": "d"}, {"InstanceId": "e"}]}]


# ------------------------------------------------------------------ kce_cluster: bad input, 0 requests

@pytest.mark.parametrize("args,part", [
    (dict(name="a"), "name must be 2 to 64 characters long"),
    (dict(cluster_id=" "), "cluster_id must not be empty"),
    (dict(pod_cidr="10.80.0.0/16", service_cidr="10.80.0.0/24"), "overlap"),
    (dict(instance_sets=[{"role": "Master_Etcd", "node_para": [node_para(1)]},
                         {"role": "Worker", "node_para": [node_para(1)]}]), "exactly 3 or 5, got 1"),
    (dict(instance_sets=None, existed_epc_sets=[{"role": "Master_Etcd", "instance_ids": ["a", "b", "c"]}]),
     "Worker missing"),
    (dict(master_etcd_separate=True), "Master_Etcd cannot be used"),
    (dict(max_pod_per_node=100), "max_pod_per_node must be one of: 16, 32, 64, 128, 256"),
    (dict(network_type="Calico"), "network_type must be one of: Flannel, Canal"),
    (dict(instance_sets=[{"role": "Boss", "node_para": [node_para(1)]}]), "role must be one of"),
    (dict(instance_sets=[{"role": "Worker"}]), "node_para"),
])
def test_cluster_bad_input_makes_no_request(run, args, part):
    out = run(kce_cluster.KceCluster, **cluster_args(**args))
    assert out["rc"] == 1 and part in out["msg"], out["msg"]
    assert out["requests"] == []


def test_cluster_other_roles_rules_do_not_apply_to_other_manage_modes(run):
    # the role rules are documented for DedicatedCluster; another mode goes to the API (here: it refuses it)
    out = run(kce_cluster.KceCluster, **cluster_args(manage_mode="ManagedCluster", instance_sets=[
        {"role": "Worker", "node_para": [node_para(1)]}]))
    assert out["rc"] == 1 and "ClusterManageMode" in out["msg"]
    # the refused create is read back once (a racing run could have made the cluster), and changed nothing
    assert out["requests"] == ["DescribeCluster", "CreateCluster", "DescribeCluster"]
    assert out["changed"] is False


def test_cluster_absent_skips_the_create_rules(run):
    out = run(kce_cluster.KceCluster, name="a", state="absent")     # too short to create, fine to look up
    assert out["rc"] == 0 and out["changed"] is False and out["requests"] == ["DescribeCluster"]


def test_cluster_create_sends_merged_sets_and_hides_passwords(run):
    out = run(kce_cluster.KceCluster, diff=True, **cluster_args(instance_sets=[
        {"role": "Master_Etcd", "node_para": [node_para(2), node_para(1)]},
        {"role": "Worker", "node_para": [node_para(1, InstancePassword="Own-Worker-Pass-2024")]}]))
    assert out["rc"] == 0, out
    assert out["changed"] is True and out["cluster"]["status"] == "running"
    text = json.dumps(out)
    assert PASSWORD not in text and "Own-Worker-Pass-2024" not in text
    assert out["diff"]["after"]["instance_sets"][1]["node_para"][0]["InstancePassword"] == _resource.MASK
    create = [r for r in run.emu.requests if r["action"] == "CreateCluster"][0]
    assert "InstanceSet.1.NodePara.2" in create["params"] and "InstanceSet.3.NodeRole" not in create["params"]


@pytest.mark.parametrize("cls, args", [
    (kce_cluster.KceCluster, cluster_args(wait_timeout="soon", instance_sets=[
        {"role": "Master_Etcd", "node_para": [node_para(3)]},
        {"role": "Worker", "node_para": [node_para(1, InstancePassword="Para-Pass-2024")]}])),
    (kce_node.KceNode, dict(cluster_id=MAIN, name="grp", count="many", node_para=dict(NODE, InstancePassword="Para-Pass-2024"))),
    (kce_node.KceNode, dict(cluster_id=MAIN, source="existing", instance_ids=["i"], reinstall_system="maybe",
                            kec_para={"InstancePassword": "Para-Pass-2024"})),
], ids=["cluster node_para", "node node_para", "node kec_para"])
def test_node_para_passwords_hidden_when_the_argument_validation_fails(run, cls, args):
    out = run(cls, **args)
    assert out["rc"] == 1 and out["msg"].startswith("argument ") and out["requests"] == []
    assert "Para-Pass-2024" not in json.dumps(out)


# ------------------------------------------------------------------------- kce_node

def test_summary_names_the_nodes_that_are_not_normal():
    nodes = [{"InstanceId": "a", "InstanceStatus": "normal"}, {"InstanceId": "b", "InstanceStatus": "failed"},
             {"InstanceId": "c", "InstanceStatus": "normal"},
             {"InstanceId": "d", "InstanceName": "web-4", "InstanceStatus": "installing"}]
    assert kce_node.summary(nodes) == "failed: b; installing: web-4 (d); normal: 2 nodes"
    assert kce_node.summary([]) == "no nodes"


@pytest.mark.parametrize("args,part", [
    (dict(name="web"), "source=new needs name (the worker group) and count"),
    (dict(count=1), "source=new needs name"),
    (dict(name="web", count=-2), "count must not be negative, got -2"),
    (dict(name=" ", count=1), "name must not be empty"),
    (dict(name="web", count=1, instance_ids=["a"]), "instance_ids are for source=existing or source=epc"),
    (dict(name="web", count=1, node_para=dict(NODE, MinCount=1, InstanceNameSuffix=3)),
     "node_para must not set MinCount, InstanceNameSuffix"),
    (dict(source="existing"), "source=existing needs instance_ids"),
    (dict(source="epc", instance_ids=[]), "instance_ids must list at least one id"),
    (dict(source="epc", instance_ids=["a", ""]), "no empty one"),
    (dict(source="epc", instance_ids=["a", "b", "a", "b"]), "instance_ids lists an id twice: a, b"),
    (dict(source="existing", instance_ids=["a"], image_id="i"), "set reinstall_system=true"),
    (dict(source="existing", instance_ids=["a"], reinstall_system=True), "needs image_id"),
    (dict(state="absent"), "state=absent needs instance_ids or name"),
    (dict(state="absent", name="web", instance_ids=["a"]), "instance_ids or name, not both"),
    (dict(cluster_id=None), "one of the following is required: cluster_id, cluster_name"),
    (dict(cluster_name="x", name="web", count=1), "mutually exclusive"),
    (dict(cluster_id="", name="web", count=1), "cluster_id must not be empty"),
    (dict(name="web", count=1, instance_delete_mode="Destroy"), "instance_delete_mode must be one of"),
])
def test_node_bad_input_makes_no_request(run, args, part):
    refused_without_request(run, kce_node.KceNode, args, part)


def refused_without_request(run, cls, args, part):
    """The module run with cluster_id=MAIN and `args` (cluster_id=None: none) fails naming `part`, with no request."""
    args = dict(dict(cluster_id=MAIN), **args)
    if args["cluster_id"] is None:
        del args["cluster_id"]
    out = run(cls, **args)
    assert out["rc"] == 1 and part in out["msg"], out["msg"]
    assert out["requests"] == []


def test_node_group_add_needs_node_para_after_the_reads(run):
    out = run(kce_node.KceNode, cluster_id=MAIN, name="web", count=1)
    assert out["rc"] == 1
    assert out["msg"] == ("the group web of cluster %s has 0 node(s), count is 1: adding nodes needs node_para" % MAIN)
    assert out["requests"] == ["DescribeCluster", "DescribeClusterInstance"]


def test_node_group_lost_add_is_found_by_the_reread(run):
    run.emu.schedule_fault("AddClusterInstances", "lost_response")
    out = run(kce_node.KceNode, cluster_id=MAIN, name="lost", count=3, node_para=NODE, instance_password=PASSWORD)
    assert out["rc"] == 0 and out["changed"] is True, out
    assert len(out["added"]) == 3 and sorted(n["instance_name"] for n in out["nodes"]) == ["lost-1", "lost-2", "lost-3"]
    assert out["requests"].count("AddClusterInstances") == 1
    assert PASSWORD not in json.dumps(out)


def test_node_exact_count_removes_the_newest(run):
    first = run(kce_node.KceNode, cluster_id=MAIN, name="grp", count=1, node_para=NODE, instance_password=PASSWORD)
    run.emu.advance(5)                       # the next nodes are created later
    more = run(kce_node.KceNode, cluster_id=MAIN, name="grp", count=3, node_para=NODE, instance_password=PASSWORD)
    assert more["rc"] == 0, more["msg"]
    assert [n["instance_name"] for n in more["nodes"] if n["instance_id"] in more["added"]] == ["grp-2", "grp-3"]
    down = run(kce_node.KceNode, cluster_id=MAIN, name="grp", count=1, exact_count=True)
    assert sorted(down["removed"]) == sorted(more["added"])
    assert [n["instance_id"] for n in down["nodes"]] == first["added"]


KEC_AVAILABLE = "ee355b5d-79e4-4505-b0a5-xxxxxx"
EPC_CLUSTER = "12d776f8-bb96-4556-9be6-xxxxxxx"
EPC_FREE = "9c362d96-ad25-491d-8f7d-xxxxxxx"


@pytest.mark.parametrize("action,args", [
    ("AddExistedInstances", dict(cluster_id=MAIN, source="existing", instance_ids=[KEC_AVAILABLE],
                                 image_id=NODE["ImageId"], instance_password=PASSWORD, reinstall_system=True)),
    ("AddClusterEpcInstances", dict(cluster_id=EPC_CLUSTER, source="epc", instance_ids=[EPC_FREE])),
])
def test_node_lost_add_of_servers_is_not_repeated(run, action, args):
    run.emu.schedule_fault(action, "lost_response")
    out = run(kce_node.KceNode, **args)
    assert out["rc"] == 0 and out["changed"] is True, out
    assert out["added"] == args["instance_ids"] and out["requests"].count(action) == 1
    assert [n["instance_id"] for n in out["nodes"]] == args["instance_ids"]
    again = run(kce_node.KceNode, **args)
    assert again["changed"] is False and again["requests"] == ["DescribeCluster", "DescribeClusterInstance"]


def test_node_lost_removal_is_not_repeated(run):
    added = run(kce_node.KceNode, cluster_id=MAIN, name="rm", count=2, node_para=NODE, instance_password=PASSWORD)
    run.emu.schedule_fault("DeleteClusterInstances", "lost_response")
    out = run(kce_node.KceNode, cluster_id=MAIN, name="rm", state="absent")
    assert out["rc"] == 0 and out["changed"] is True, out
    assert sorted(out["removed"]) == sorted(added["added"]) and out["requests"].count("DeleteClusterInstances") == 1


def test_cluster_lost_delete_and_update_are_not_repeated(run):
    created = run(kce_cluster.KceCluster, **cluster_args(name="lost-writes"))
    cid = created["cluster"]["cluster_id"]
    run.emu.schedule_fault("ModifyClusterInfo", "lost_response")
    out = run(kce_cluster.KceCluster, cluster_id=cid, description="changed")
    assert out["changed"] is True and out["cluster"]["cluster_desc"] == "changed"
    assert out["requests"].count("ModifyClusterInfo") == 1
    run.emu.schedule_fault("DeleteCluster", "lost_response")
    out = run(kce_cluster.KceCluster, cluster_id=cid, state="absent")
    assert out["rc"] == 0 and out["changed"] is True and out["requests"].count("DeleteCluster") == 1
    assert run(kce_cluster.KceCluster, cluster_id=cid, state="absent")["changed"] is False


# ------------------------------------------------------------------------- kce_kubeconfig

@pytest.mark.parametrize("args,part", [
    (dict(), "set dest (the file to write) or return_content=true"),
    (dict(dest="/tmp/x", mode="0999"), "mode must be octal such as '0600' or symbolic such as 'u=rw,go='"),
    (dict(dest="/tmp/x", mode="rw"), "mode must be octal"),
    (dict(dest="/tmp/x", mode=[1]), "mode must be octal"),
    (dict(dest="/tmp/x", mode=5660), "mode must be octal"),     # a number: not the octal text "5660"
    (dict(dest="/tmp/x", mode=0o10000), "mode must be octal"),
    (dict(dest="/tmp/x", mode=-1), "mode must be octal"),
    (dict(cluster_id=None, return_content=True), "one of the following is required: cluster_id, cluster_name"),
    (dict(cluster_id=" ", return_content=True), "cluster_id must not be empty"),
])
def test_kubeconfig_bad_input_makes_no_request(run, args, part):
    refused_without_request(run, kce_kubeconfig.KceKubeconfig, args, part)


@pytest.mark.parametrize("mode,expected", [("0640", 0o640), (0o644, 0o644), ("u=rw,g=r,o=", 0o640), ("600", 0o600)])
def test_kubeconfig_modes(run, tmp_path, mode, expected):
    dest = str(tmp_path / "a" / "config")
    out = run(kce_kubeconfig.KceKubeconfig, cluster_id=MAIN, dest=dest, mode=mode)
    assert out["rc"] == 0 and out["changed"] is True, out
    assert stat.S_IMODE(os.stat(dest).st_mode) == expected
    assert stat.S_IMODE(os.stat(os.path.dirname(dest)).st_mode) == 0o700
    assert "content" not in out
    again = run(kce_kubeconfig.KceKubeconfig, cluster_id=MAIN, dest=dest, mode=mode)
    assert again["changed"] is False


def test_kubeconfig_never_readable_by_others_while_written(run, tmp_path, monkeypatch):
    # the new file exists with 0600 before the content is moved in; the temporary file is 0600 too
    dest = str(tmp_path / "config")
    seen = []
    real_move = kce_kubeconfig.KceKubeconfig.replace

    def spy(self, path, data):
        from ansible.module_utils.basic import AnsibleModule
        move = AnsibleModule.atomic_move

        def checked(module, src, dst, **kw):
            seen.append((stat.S_IMODE(os.stat(src).st_mode), stat.S_IMODE(os.stat(dst).st_mode)))
            return move(module, src, dst, **kw)
        monkeypatch.setattr(AnsibleModule, "atomic_move", checked)
        return real_move(self, path, data)
    monkeypatch.setattr(kce_kubeconfig.KceKubeconfig, "replace", spy)
    out = run(kce_kubeconfig.KceKubeconfig, cluster_id=MAIN, dest=dest)
    assert out["rc"] == 0 and seen == [(0o600, 0o600)]
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    assert [f for f in os.listdir(str(tmp_path)) if f != "config"] == []      # no temporary file left


def test_kubeconfig_not_exposed(run):
    out = run(kce_kubeconfig.KceKubeconfig, cluster_id=CANAL, return_content=True)
    assert out["rc"] == 1 and "is not exposed to the internet" in out["msg"] and "public=false" in out["msg"]
    out = run(kce_kubeconfig.KceKubeconfig, cluster_id=CANAL, public=False, return_content=True)
    assert out["rc"] == 0 and out["content"].startswith("apiVersion: v1")
