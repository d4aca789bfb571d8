"""KCE cluster and node changes: AddClusterInstances, DeleteClusterInstances, ModifyClusterInfo,
DownloadClusterConfig, DeleteCluster (lifecycle_seconds=0: every change is final at once)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
from kce_examples import PASSWORD, create_params, node_para  # noqa: E402

POST_ONLY = {"CreateCluster", "AddClusterInstances"}
MAIN = "b12d7079-1e59-4626-90eb-xxxxxx"              # seeded, PublicApiServer, 3 masters + 3 workers
CANAL = "c4d64fa0-0ee2-409a-b003-xxxxxx"             # seeded, no PublicApiServer
PRINTED = "79dac1a8-3387-4769-82a5-xxxxxx"
MASTER = "7dac9e5d-1325-4b66-83c0-xxxxxx"            # a Master_Etcd node of PRINTED
WORKER = "6f2faec7-057f-455f-a45c-xxxxxx"            # a Worker node of PRINTED
EPC_CLUSTER = "12d776f8-bb96-4556-9be6-xxxxxxx"
AVAILABLE = "ee355b5d-79e4-4505-b0a5-xxxxxx"
EXISTED_CLUSTER = "0ffb863-9bdc-4558-a947-xxxxxx"


def kce(signed, emu, action, params=None, method=None):
    return signed(emu, action, params, method=method or ("POST" if action in POST_ONLY else "GET"))


def ok(result):
    st, body = result
    assert st == 200, body
    return body


def error(result, status, code, name=None):
    st, body = result
    assert st == status, body
    assert body["Error"]["Code"] == code, body
    if name is not None:
        assert name in body["Error"]["Message"], body
    return body["Error"]["Message"]


def cluster(signed, emu, cid):
    return ok(kce(signed, emu, "DescribeCluster", {"ClusterId": cid}))["ClusterSet"][0]


def node_ids(signed, emu, cid):
    return [n["InstanceId"] for n in ok(kce(signed, emu, "DescribeClusterInstance",
                                            {"ClusterId": cid, "MaxResults": 50}))["InstanceSet"]]


def existed(signed, emu, iid, cid=None):
    params = {"InstanceId.1": iid}
    if cid:
        params["ClusterId"] = cid
    got = ok(kce(signed, emu, "DescribeExistedInstances", params))["ExistedInstanceSet"]
    return got[0] if got else None


def add_params(cid, count=2, **para):
    return {"ClusterId": cid, "InstanceSet.1.NodeRole": "Worker", "InstanceSet.1.NodePara.1": node_para(count, **para)}


# ---------------------------------------------------------------------------- AddClusterInstances

def test_add_cluster_instances(emulator_server, signed):
    e = emulator_server
    body = ok(kce(signed, e, "AddClusterInstances", add_params(MAIN, 2, InstanceName="more", InstanceNameSuffix=1)))
    assert [i["InstanceName"] for i in body["InstanceSet"]] == ["more-1", "more-2"]
    ids = [i["InstanceId"] for i in body["InstanceSet"]]
    assert set(ids) <= set(node_ids(signed, e, MAIN))
    c = cluster(signed, e, MAIN)
    assert c["NodeNum"] == 5 and c["NormalNodeNum"] == 5
    # the new instances are KEC instances of the account, already in the cluster
    got = existed(signed, e, ids[0])
    assert got["Available"] is False and got["ClusterId"] == MAIN


def test_add_cluster_instances_without_a_name(emulator_server, signed):
    body = ok(kce(signed, emulator_server, "AddClusterInstances", add_params(MAIN, 1)))
    assert body["InstanceSet"][0]["InstanceName"]


def test_add_cluster_instances_only_workers(emulator_server, signed):
    params = add_params(MAIN)
    params["InstanceSet.1.NodeRole"] = "Master_Etcd"
    error(kce(signed, emulator_server, "AddClusterInstances", params), 400, "InvalidParameterValue",
          "InstanceSet.1.NodeRole")


def test_add_cluster_instances_validation(emulator_server, signed):
    e = emulator_server
    error(kce(signed, e, "AddClusterInstances", {"InstanceSet.1.NodeRole": "Worker",
                                                 "InstanceSet.1.NodePara.1": node_para(1)}),
          400, "MissingParameter", "ClusterId")
    error(kce(signed, e, "AddClusterInstances", {"ClusterId": MAIN}), 400, "MissingParameter", "InstanceSet.N")
    error(kce(signed, e, "AddClusterInstances", add_params("nope")), 404, "ClusterNotFound")
    error(kce(signed, e, "AddClusterInstances", add_params(MAIN, 1, InstancePassword="x")), 400,
          "InvalidParameterValue", "InstanceSet.1.NodePara.1")
    error(kce(signed, e, "AddClusterInstances", add_params(MAIN, 1, ImageId="nope")), 404, "ImageNotFound")
    error(kce(signed, e, "AddClusterInstances", add_params(MAIN), method="GET"), 400, "InvalidMethod")


def test_add_cluster_instances_pod_cidr_room(emulator_server, signed):
    e = emulator_server
    cid = ok(kce(signed, e, "CreateCluster", create_params(PodCidr="10.80.0.0/22", MaxPodPerNode="256",
                                                           workers=1)))["ClusterId"]
    error(kce(signed, e, "AddClusterInstances", add_params(cid, 1)), 400, "InvalidParameterValue", "PodCidr")


def test_add_cluster_instances_dry_run(emulator_server, signed):
    e = emulator_server
    before = node_ids(signed, e, MAIN)
    error(kce(signed, e, "AddClusterInstances", dict(add_params(MAIN), DryRun="true")), 412, "DryRunOperation")
    assert node_ids(signed, e, MAIN) == before


def test_add_cluster_instances_node_failure(emulator_server, signed):
    e = emulator_server
    e.schedule_fault("AddClusterInstances", "fail_resource", count=1)
    body = ok(kce(signed, e, "AddClusterInstances", add_params(MAIN, 2)))
    first = body["InstanceSet"][0]["InstanceId"]
    states = {n["InstanceId"]: n["InstanceStatus"] for n in ok(kce(signed, e, "DescribeClusterInstance", {
        "ClusterId": MAIN, "MaxResults": 50}))["InstanceSet"]}
    assert states[first] == "failed" and states[body["InstanceSet"][1]["InstanceId"]] == "normal"
    assert cluster(signed, e, MAIN)["NormalNodeNum"] == 4 and cluster(signed, e, MAIN)["NodeNum"] == 5


# ------------------------------------------------------------------------- DeleteClusterInstances

def test_delete_cluster_instances_terminates_created_instances(emulator_server, signed):
    e = emulator_server
    body = ok(kce(signed, e, "DeleteClusterInstances", {"ClusterId": PRINTED, "InstanceId.1": WORKER}))
    assert body["InstanceSet"] == [{"InstanceId": WORKER, "Return": True, "Message": None}]
    assert WORKER not in node_ids(signed, e, PRINTED)
    assert cluster(signed, e, PRINTED)["NodeNum"] == 2
    assert existed(signed, e, WORKER) is None            # the KEC instance is gone too


def test_delete_cluster_instances_remove_mode_keeps_the_instance(emulator_server, signed):
    e = emulator_server
    ok(kce(signed, e, "DeleteClusterInstances", {"ClusterId": PRINTED, "InstanceId.1": WORKER,
                                                 "InstanceDeleteMode": "Remove"}))
    got = existed(signed, e, WORKER, cid=PRINTED)
    assert got["Available"] is True and got["ClusterId"] is None


def test_delete_cluster_instances_only_workers(emulator_server, signed):
    msg = error(kce(signed, emulator_server, "DeleteClusterInstances", {"ClusterId": PRINTED, "InstanceId.1": WORKER,
                                                                        "InstanceId.2": MASTER}),
                400, "InvalidParameterValue", "InstanceId.N")
    assert "Worker" in msg
    assert WORKER in node_ids(signed, emulator_server, PRINTED)      # nothing applied


def test_delete_cluster_instances_unknown_node(emulator_server, signed):
    body = ok(kce(signed, emulator_server, "DeleteClusterInstances", {
        "ClusterId": PRINTED, "InstanceId.1": "nope", "InstanceId.2": WORKER,
        "InstanceId.3": "7f587306-9aef-4cb9-b0fe-xxxxxx"}))          # a node of another cluster
    assert [(r["InstanceId"], r["Return"]) for r in body["InstanceSet"]] == [
        ("nope", False), (WORKER, True), ("7f587306-9aef-4cb9-b0fe-xxxxxx", False)]
    assert body["InstanceSet"][0]["Message"]


@pytest.mark.parametrize("params,code,name", [
    ({"InstanceId.1": WORKER}, "MissingParameter", "ClusterId"),
    ({"ClusterId": PRINTED}, "MissingParameter", "InstanceId.N"),
    ({"ClusterId": PRINTED, "InstanceId.101": WORKER}, "InvalidParameterValue", "InstanceId.101"),
    ({"ClusterId": PRINTED, "InstanceId.1": WORKER, "InstanceId.2": WORKER}, "InvalidParameterValue", "InstanceId.N"),
    ({"ClusterId": PRINTED, "InstanceId.1": WORKER, "InstanceDeleteMode": "Destroy"}, "InvalidParameterValue",
     "InstanceDeleteMode"),
])
def test_delete_cluster_instances_validation(emulator_server, signed, params, code, name):
    error(kce(signed, emulator_server, "DeleteClusterInstances", params), 400, code, name)


def test_delete_cluster_instances_unknown_cluster(emulator_server, signed):
    error(kce(signed, emulator_server, "DeleteClusterInstances", {"ClusterId": "nope", "InstanceId.1": WORKER}),
          404, "ClusterNotFound")


def test_delete_cluster_instances_hundred_ids(emulator_server, signed):
    params = {"ClusterId": PRINTED}
    params.update({"InstanceId.%d" % n: "id-%d" % n for n in range(1, 101)})
    body = ok(kce(signed, emulator_server, "DeleteClusterInstances", params))
    assert len(body["InstanceSet"]) == 100 and not any(r["Return"] for r in body["InstanceSet"])


# ----------------------------------------------------------------------------- ModifyClusterInfo

def test_modify_cluster_info(emulator_server, signed):
    e = emulator_server
    before = cluster(signed, e, CANAL)
    assert ok(kce(signed, e, "ModifyClusterInfo", {"ClusterId": CANAL, "ClusterName": "renamed 集群",
                                                   "ClusterDesc": "new desc"})) .keys() == {"RequestId"}
    after = cluster(signed, e, CANAL)
    assert after["ClusterName"] == "renamed 集群" and after["ClusterDesc"] == "new desc"
    assert after["UpdateTime"] > before["UpdateTime"]
    ok(kce(signed, e, "ModifyClusterInfo", {"ClusterId": CANAL, "ClusterDesc": ""}))
    assert cluster(signed, e, CANAL)["ClusterDesc"] == "" and cluster(signed, e, CANAL)["ClusterName"] == "renamed 集群"


def test_modify_cluster_info_validation(emulator_server, signed):
    e = emulator_server
    error(kce(signed, e, "ModifyClusterInfo", {"ClusterName": "xx"}), 400, "MissingParameter", "ClusterId")
    error(kce(signed, e, "ModifyClusterInfo", {"ClusterId": CANAL, "ClusterName": "x"}), 400,
          "InvalidParameterValue", "ClusterName")
    error(kce(signed, e, "ModifyClusterInfo", {"ClusterId": "nope", "ClusterName": "xx"}), 404, "ClusterNotFound")
    error(kce(signed, e, "ModifyClusterInfo", {"ClusterId": CANAL, "ClusterName": "xx", "DryRun": "1"}), 412,
          "DryRunOperation")
    assert cluster(signed, e, CANAL)["ClusterName"] == "k8s-1.12.3"


# -------------------------------------------------------------------------- DownloadClusterConfig

def test_download_cluster_config(emulator_server, signed):
    e = emulator_server
    pub = ok(kce(signed, e, "DownloadClusterConfig", {"ClusterId": MAIN}))
    assert pub["Expose"] is True and "kind: Config" in pub["ClusterConfig"]
    vpc = ok(kce(signed, e, "DownloadClusterConfig", {"ClusterId": MAIN, "IsPublic": "false"}))
    assert vpc["Expose"] is True and vpc["ClusterConfig"] != pub["ClusterConfig"]
    assert "server: https://10." in vpc["ClusterConfig"]
    for key in ("certificate-authority-data:", "client-key-data:", "current-context:"):
        assert key in vpc["ClusterConfig"]


def test_download_cluster_config_without_public_api_server(emulator_server, signed):
    e = emulator_server
    body = ok(kce(signed, e, "DownloadClusterConfig", {"ClusterId": CANAL}))
    assert body == {"RequestId": body["RequestId"], "Expose": False, "ClusterConfig": ""}
    body = ok(kce(signed, e, "DownloadClusterConfig", {"ClusterId": CANAL, "IsPublic": "False"}))
    assert body["Expose"] is True and body["ClusterConfig"]


def test_download_cluster_config_validation(emulator_server, signed):
    e = emulator_server
    error(kce(signed, e, "DownloadClusterConfig", {}), 400, "MissingParameter", "ClusterId")
    error(kce(signed, e, "DownloadClusterConfig", {"ClusterId": MAIN, "IsPublic": "maybe"}), 400,
          "InvalidParameterValue", "IsPublic")
    error(kce(signed, e, "DownloadClusterConfig", {"ClusterId": "nope"}), 404, "ClusterNotFound")


# ---------------------------------------------------------------------------------- DeleteCluster

def test_delete_cluster(emulator_server, signed):
    e = emulator_server
    nodes = node_ids(signed, e, MAIN)
    assert ok(kce(signed, e, "DeleteCluster", {"ClusterId": MAIN})).keys() == {"RequestId"}
    error(kce(signed, e, "DescribeCluster", {"ClusterId": MAIN}), 404, "ClusterNotFound")
    error(kce(signed, e, "DescribeClusterInstance", {"ClusterId": MAIN}), 404, "ClusterNotFound")
    assert MAIN not in [c["ClusterId"] for c in ok(kce(signed, e, "DescribeCluster", {"MaxResults": 20}))["ClusterSet"]]
    for iid in nodes:
        assert existed(signed, e, iid) is None              # created instances are terminated
    assert e.region_store().list("node", parent=MAIN) == []
    error(kce(signed, e, "DeleteCluster", {"ClusterId": MAIN}), 404, "ClusterNotFound")


def test_delete_cluster_remove_mode(emulator_server, signed):
    e = emulator_server
    nodes = node_ids(signed, e, MAIN)
    ok(kce(signed, e, "DeleteCluster", {"ClusterId": MAIN, "InstanceDeleteMode": "Remove"}))
    for iid in nodes:
        got = existed(signed, e, iid)
        assert got is not None and got["ClusterId"] is None and got["Available"] is True


def test_delete_cluster_frees_epc_hosts(emulator_server, signed):
    e = emulator_server
    hosts = node_ids(signed, e, EPC_CLUSTER)
    ok(kce(signed, e, "DeleteCluster", {"ClusterId": EPC_CLUSTER, "InstanceDeleteMode": "Terminate"}))
    free = {i["InstanceId"] for i in ok(kce(signed, e, "DescribeEpcForCluster", {"MaxResults": 50}))["InstanceSet"]}
    assert set(hosts) <= free                               # EPC hosts are never destroyed


def test_delete_cluster_returns_existing_instances(emulator_server, signed):
    e = emulator_server
    body = ok(kce(signed, e, "AddExistedInstances", {
        "ClusterId": EXISTED_CLUSTER, "ExistedInstanceKecSet.1.NodeRole": "Worker",
        "ExistedInstanceKecSet.1.KecPara.1": '{"InstanceId": "%s", "ImageId": "4b293997-9940-42bd-a5f0-xxxxxx"}'
                                             % AVAILABLE}))
    assert body["InstanceSet"][0]["Return"] is True
    ok(kce(signed, e, "DeleteCluster", {"ClusterId": EXISTED_CLUSTER}))
    got = existed(signed, e, AVAILABLE)
    assert got["Available"] is True and got["ClusterId"] is None    # default for existing ones: Remove


def test_delete_cluster_validation(emulator_server, signed):
    e = emulator_server
    error(kce(signed, e, "DeleteCluster", {}), 400, "MissingParameter", "ClusterId")
    error(kce(signed, e, "DeleteCluster", {"ClusterId": MAIN, "InstanceDeleteMode": "Keep"}), 400,
          "InvalidParameterValue", "InstanceDeleteMode")
    error(kce(signed, e, "DeleteCluster", {"ClusterId": MAIN, "DryRun": "true"}), 412, "DryRunOperation")
    assert cluster(signed, e, MAIN)["Status"] == "running"


def test_created_cluster_full_cycle(emulator_server, signed):
    e = emulator_server
    cid = ok(kce(signed, e, "CreateCluster", create_params(workers=1)))["ClusterId"]
    added = ok(kce(signed, e, "AddClusterInstances", add_params(cid, 1)))["InstanceSet"][0]["InstanceId"]
    assert cluster(signed, e, cid)["NodeNum"] == 2
    ok(kce(signed, e, "DeleteClusterInstances", {"ClusterId": cid, "InstanceId.1": added}))
    assert cluster(signed, e, cid)["NodeNum"] == 1
    ok(kce(signed, e, "DeleteCluster", {"ClusterId": cid}))
    error(kce(signed, e, "DescribeCluster", {"ClusterId": cid}), 404, "ClusterNotFound")
    assert PASSWORD not in str(e.region_store().list("kec"))
