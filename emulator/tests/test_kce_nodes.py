"""KCE cluster and node changes: AddClusterInstances, DeleteClusterInstances, ModifyClusterInfo,
DownloadClusterConfig, DeleteCluster (lifecycle_seconds=0: every change is final at once)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
from kce_examples import PASSWORD, create_params, node_para  # noqa: E402

MAIN = "b12d7079-1e59-4626-90eb-xxxxxx"              # seeded, PublicApiServer, 3 masters + 3 workers
CANAL = "c4d64fa0-0ee2-409a-b003-xxxxxx"             # seeded, no PublicApiServer
PRINTED = "79dac1a8-3387-4769-82a5-xxxxxx"
MASTER = "7dac9e5d-1325-4b66-83c0-xxxxxx"            # a Master_Etcd node of PRINTED
WORKER = "6f2faec7-057f-455f-a45c-xxxxxx"            # a Worker node of PRINTED
EPC_CLUSTER = "12d776f8-bb96-4556-9be6-xxxxxxx"
AVAILABLE = "ee355b5d-79e4-4505-b0a5-xxxxxx"
EXISTED_CLUSTER = "0ffb863-9bdc-4558-a947-xxxxxx"


def cluster(api, cid):
    return api.ok("DescribeCluster", {"ClusterId": cid})["ClusterSet"][0]


def node_ids(api, cid):
    return [n["InstanceId"] for n in api.ok("DescribeClusterInstance",
                                            {"ClusterId": cid, "MaxResults": 50})["InstanceSet"]]


def existed(api, iid, cid=None):
    params = {"InstanceId.1": iid}
    if cid:
        params["ClusterId"] = cid
    got = api.ok("DescribeExistedInstances", params)["ExistedInstanceSet"]
    return got[0] if got else None


def add_params(cid, count=2, **para):
    return {"ClusterId": cid, "InstanceSet.1.NodeRole": "Worker", "InstanceSet.1.NodePara.1": node_para(count, **para)}


# ---------------------------------------------------------------------------- AddClusterInstances

def test_add_cluster_instances(kce_api):
    body = kce_api.ok("AddClusterInstances", add_params(MAIN, 2, InstanceName="more", InstanceNameSuffix=1))
    assert [i["InstanceName"] for i in body["InstanceSet"]] == ["more-1", "more-2"]
    ids = [i["InstanceId"] for i in body["InstanceSet"]]
    assert set(ids) <= set(node_ids(kce_api, MAIN))
    c = cluster(kce_api, MAIN)
    assert c["NodeNum"] == 5 and c["NormalNodeNum"] == 5
    # the new instances are KEC instances of the account, already in the cluster
    got = existed(kce_api, ids[0])
    assert got["Available"] is False and got["ClusterId"] == MAIN


def test_add_cluster_instances_without_a_name(kce_api):
    body = kce_api.ok("AddClusterInstances", add_params(MAIN, 1))
    assert body["InstanceSet"][0]["InstanceName"]


def test_add_cluster_instances_only_workers(kce_api):
    params = add_params(MAIN)
    params["InstanceSet.1.NodeRole"] = "Master_Etcd"
    kce_api.err("AddClusterInstances", params, 400, "InvalidParameterValue",
                "InstanceSet.1.NodeRole")


def test_add_cluster_instances_validation(kce_api):
    kce_api.err("AddClusterInstances", {"InstanceSet.1.NodeRole": "Worker",
                                        "InstanceSet.1.NodePara.1": node_para(1)},
                400, "MissingParameter", "ClusterId")
    kce_api.err("AddClusterInstances", {"ClusterId": MAIN}, 400, "MissingParameter", "InstanceSet.N")
    kce_api.err("AddClusterInstances", add_params("nope"), 404, "ClusterNotFound")
    kce_api.err("AddClusterInstances", add_params(MAIN, 1, InstancePassword="x"), 400,
                "InvalidParameterValue", "InstanceSet.1.NodePara.1")
    kce_api.err("AddClusterInstances", add_params(MAIN, 1, ImageId="nope"), 404, "ImageNotFound")
    kce_api.err("AddClusterInstances", add_params(MAIN), 400, "InvalidMethod", method="GET")


def test_add_cluster_instances_pod_cidr_room(kce_api):
    cid = kce_api.ok("CreateCluster", create_params(PodCidr="10.80.0.0/22", MaxPodPerNode="256",
                                                    workers=1))["ClusterId"]
    kce_api.err("AddClusterInstances", add_params(cid, 1), 400, "InvalidParameterValue", "PodCidr")


def test_add_cluster_instances_dry_run(kce_api):
    before = node_ids(kce_api, MAIN)
    kce_api.err("AddClusterInstances", dict(add_params(MAIN), DryRun="true"), 412, "DryRunOperation")
    assert node_ids(kce_api, MAIN) == before


def test_add_cluster_instances_node_failure(emulator_server, kce_api):
    e = emulator_server
    e.schedule_fault("AddClusterInstances", "fail_resource", count=1)
    body = kce_api.ok("AddClusterInstances", add_params(MAIN, 2))
    first = body["InstanceSet"][0]["InstanceId"]
    states = {n["InstanceId"]: n["InstanceStatus"] for n in kce_api.ok("DescribeClusterInstance", {
        "ClusterId": MAIN, "MaxResults": 50})["InstanceSet"]}
    assert states[first] == "failed" and states[body["InstanceSet"][1]["InstanceId"]] == "normal"
    assert cluster(kce_api, MAIN)["NormalNodeNum"] == 4 and cluster(kce_api, MAIN)["NodeNum"] == 5


# ------------------------------------------------------------------------- DeleteClusterInstances

def test_delete_cluster_instances_terminates_created_instances(kce_api):
    body = kce_api.ok("DeleteClusterInstances", {"ClusterId": PRINTED, "InstanceId.1": WORKER})
    assert body["InstanceSet"] == [{"InstanceId": WORKER, "Return": True, "Message": None}]
    assert WORKER not in node_ids(kce_api, PRINTED)
    assert cluster(kce_api, PRINTED)["NodeNum"] == 2
    assert existed(kce_api, WORKER) is None            # the KEC instance is gone too


def test_delete_cluster_instances_remove_mode_keeps_the_instance(kce_api):
    kce_api.ok("DeleteClusterInstances", {"ClusterId": PRINTED, "InstanceId.1": WORKER,
                                          "InstanceDeleteMode": "Remove"})
    got = existed(kce_api, WORKER, cid=PRINTED)
    assert got["Available"] is True and got["ClusterId"] is None


def test_delete_cluster_instances_only_workers(kce_api):
    msg = kce_api.err("DeleteClusterInstances", {"ClusterId": PRINTED, "InstanceId.1": WORKER,
                                                                       "InstanceId.2": MASTER},
                      400, "InvalidParameterValue", "InstanceId.N")
    assert "Worker" in msg
    assert WORKER in node_ids(kce_api, PRINTED)      # nothing applied


def test_delete_cluster_instances_unknown_node(kce_api):
    body = kce_api.ok("DeleteClusterInstances", {
        "ClusterId": PRINTED, "InstanceId.1": "nope", "InstanceId.2": WORKER,
        "InstanceId.3": "7f587306-9aef-4cb9-b0fe-xxxxxx"})          # a node of another cluster
    assert [(r["InstanceId"], r["Return"]) for r in body["InstanceSet"]] == [
        ("nope", False), (WORKER, True), ("7f587306-9aef-4cb9-b0fe-xxxxxx", False)]
    assert body["InstanceSet"][0]["Message"]


def test_delete_cluster_instances_that_deletes_nothing_changes_nothing(emulator_server, kce_api):
    """Every id refused (not a node of the cluster: another cluster's, another account's): the cluster,
    its UpdateTime included, and the whole store stay as they were."""
    store = emulator_server.region_store()
    before = cluster(kce_api, PRINTED)
    emulator_server.advance(60)
    saved = {kind: store.list(kind) for kind in ("cluster", "node", "kce_pending")}
    body = kce_api.ok("DeleteClusterInstances", {"ClusterId": PRINTED, "InstanceId.1": "nope",
                                                 "InstanceId.2": "7f587306-9aef-4cb9-b0fe-xxxxxx"})
    assert [r["Return"] for r in body["InstanceSet"]] == [False, False]
    assert {kind: store.list(kind) for kind in saved} == saved
    assert cluster(kce_api, PRINTED)["UpdateTime"] == before["UpdateTime"]


@pytest.mark.parametrize("params,code,name", [
    ({"InstanceId.1": WORKER}, "MissingParameter", "ClusterId"),
    ({"ClusterId": PRINTED}, "MissingParameter", "InstanceId.N"),
    ({"ClusterId": PRINTED, "InstanceId.101": WORKER}, "InvalidParameterValue", "InstanceId.101"),
    ({"ClusterId": PRINTED, "InstanceId.1": WORKER, "InstanceId.2": WORKER}, "InvalidParameterValue", "InstanceId.N"),
    ({"ClusterId": PRINTED, "InstanceId.1": WORKER, "InstanceDeleteMode": "Destroy"}, "InvalidParameterValue",
     "InstanceDeleteMode"),
])
def test_delete_cluster_instances_validation(kce_api, params, code, name):
    kce_api.err("DeleteClusterInstances", params, 400, code, name)


def test_delete_cluster_instances_unknown_cluster(kce_api):
    kce_api.err("DeleteClusterInstances", {"ClusterId": "nope", "InstanceId.1": WORKER},
                404, "ClusterNotFound")


def test_delete_cluster_instances_hundred_ids(kce_api):
    params = {"ClusterId": PRINTED}
    params.update({"InstanceId.%d" % n: "id-%d" % n for n in range(1, 101)})
    body = kce_api.ok("DeleteClusterInstances", params)
    assert len(body["InstanceSet"]) == 100 and not any(r["Return"] for r in body["InstanceSet"])


# ----------------------------------------------------------------------------- ModifyClusterInfo

def test_modify_cluster_info(kce_api):
    before = cluster(kce_api, CANAL)
    assert kce_api.ok("ModifyClusterInfo", {"ClusterId": CANAL, "ClusterName": "renamed 集群",
                                            "ClusterDesc": "new desc"}).keys() == {"RequestId"}
    after = cluster(kce_api, CANAL)
    assert after["ClusterName"] == "renamed 集群" and after["ClusterDesc"] == "new desc"
    assert after["UpdateTime"] > before["UpdateTime"]
    kce_api.ok("ModifyClusterInfo", {"ClusterId": CANAL, "ClusterDesc": ""})
    assert cluster(kce_api, CANAL)["ClusterDesc"] == "" and cluster(kce_api, CANAL)["ClusterName"] == "renamed 集群"


def test_modify_cluster_info_validation(kce_api):
    kce_api.err("ModifyClusterInfo", {"ClusterName": "xx"}, 400, "MissingParameter", "ClusterId")
    kce_api.err("ModifyClusterInfo", {"ClusterId": CANAL, "ClusterName": "x"}, 400,
                "InvalidParameterValue", "ClusterName")
    kce_api.err("ModifyClusterInfo", {"ClusterId": "nope", "ClusterName": "xx"}, 404, "ClusterNotFound")
    kce_api.err("ModifyClusterInfo", {"ClusterId": CANAL, "ClusterName": "xx", "DryRun": "1"}, 412,
                "DryRunOperation")
    assert cluster(kce_api, CANAL)["ClusterName"] == "k8s-1.12.3"


# -------------------------------------------------------------------------- DownloadClusterConfig

def test_download_cluster_config(kce_api):
    pub = kce_api.ok("DownloadClusterConfig", {"ClusterId": MAIN})
    assert pub["Expose"] is True and "kind: Config" in pub["ClusterConfig"]
    vpc = kce_api.ok("DownloadClusterConfig", {"ClusterId": MAIN, "IsPublic": "false"})
    assert vpc["Expose"] is True and vpc["ClusterConfig"] != pub["ClusterConfig"]
    assert "server: https://10." in vpc["ClusterConfig"]
    for key in ("certificate-authority-data:", "client-key-data:", "current-context:"):
        assert key in vpc["ClusterConfig"]


def test_download_cluster_config_without_public_api_server(kce_api):
    body = kce_api.ok("DownloadClusterConfig", {"ClusterId": CANAL})
    assert body == {"RequestId": body["RequestId"], "Expose": False, "ClusterConfig": ""}
    body = kce_api.ok("DownloadClusterConfig", {"ClusterId": CANAL, "IsPublic": "False"})
    assert body["Expose"] is True and body["ClusterConfig"]


def test_download_cluster_config_validation(kce_api):
    kce_api.err("DownloadClusterConfig", {}, 400, "MissingParameter", "ClusterId")
    kce_api.err("DownloadClusterConfig", {"ClusterId": MAIN, "IsPublic": "maybe"}, 400,
                "InvalidParameterValue", "IsPublic")
    kce_api.err("DownloadClusterConfig", {"ClusterId": "nope"}, 404, "ClusterNotFound")


# ---------------------------------------------------------------------------------- DeleteCluster

def test_delete_cluster(emulator_server, kce_api):
    e = emulator_server
    nodes = node_ids(kce_api, MAIN)
    assert kce_api.ok("DeleteCluster", {"ClusterId": MAIN}).keys() == {"RequestId"}
    kce_api.err("DescribeCluster", {"ClusterId": MAIN}, 404, "ClusterNotFound")
    kce_api.err("DescribeClusterInstance", {"ClusterId": MAIN}, 404, "ClusterNotFound")
    assert MAIN not in [c["ClusterId"] for c in kce_api.ok("DescribeCluster", {"MaxResults": 20})["ClusterSet"]]
    for iid in nodes:
        assert existed(kce_api, iid) is None              # created instances are terminated
    assert e.region_store().list("node", parent=MAIN) == []
    kce_api.err("DeleteCluster", {"ClusterId": MAIN}, 404, "ClusterNotFound")


def test_delete_cluster_remove_mode(kce_api):
    nodes = node_ids(kce_api, MAIN)
    kce_api.ok("DeleteCluster", {"ClusterId": MAIN, "InstanceDeleteMode": "Remove"})
    for iid in nodes:
        got = existed(kce_api, iid)
        assert got is not None and got["ClusterId"] is None and got["Available"] is True


def test_delete_cluster_frees_epc_hosts(kce_api):
    hosts = node_ids(kce_api, EPC_CLUSTER)
    kce_api.ok("DeleteCluster", {"ClusterId": EPC_CLUSTER, "InstanceDeleteMode": "Terminate"})
    free = {i["InstanceId"] for i in kce_api.ok("DescribeEpcForCluster", {"MaxResults": 50})["InstanceSet"]}
    assert set(hosts) <= free                               # EPC hosts are never destroyed


def test_delete_cluster_returns_existing_instances(kce_api):
    body = kce_api.ok("AddExistedInstances", {
        "ClusterId": EXISTED_CLUSTER, "ExistedInstanceKecSet.1.NodeRole": "Worker",
        "ExistedInstanceKecSet.1.KecPara.1": '{"InstanceId": "%s", "ImageId": "4b293997-9940-42bd-a5f0-xxxxxx"}'
                                             % AVAILABLE})
    assert body["InstanceSet"][0]["Return"] is True
    kce_api.ok("DeleteCluster", {"ClusterId": EXISTED_CLUSTER})
    got = existed(kce_api, AVAILABLE)
    assert got["Available"] is True and got["ClusterId"] is None    # default for existing ones: Remove


def test_delete_cluster_validation(kce_api):
    kce_api.err("DeleteCluster", {}, 400, "MissingParameter", "ClusterId")
    kce_api.err("DeleteCluster", {"ClusterId": MAIN, "InstanceDeleteMode": "Keep"}, 400,
                "InvalidParameterValue", "InstanceDeleteMode")
    kce_api.err("DeleteCluster", {"ClusterId": MAIN, "DryRun": "true"}, 412, "DryRunOperation")
    assert cluster(kce_api, MAIN)["Status"] == "running"


def test_created_cluster_full_cycle(emulator_server, kce_api):
    e = emulator_server
    cid = kce_api.ok("CreateCluster", create_params(workers=1))["ClusterId"]
    added = kce_api.ok("AddClusterInstances", add_params(cid, 1))["InstanceSet"][0]["InstanceId"]
    assert cluster(kce_api, cid)["NodeNum"] == 2
    kce_api.ok("DeleteClusterInstances", {"ClusterId": cid, "InstanceId.1": added})
    assert cluster(kce_api, cid)["NodeNum"] == 1
    kce_api.ok("DeleteCluster", {"ClusterId": cid})
    kce_api.err("DescribeCluster", {"ClusterId": cid}, 404, "ClusterNotFound")
    assert PASSWORD not in str(e.region_store().list("kec"))
