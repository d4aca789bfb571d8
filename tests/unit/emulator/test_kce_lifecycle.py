"""KCE lifecycles with lifecycle_seconds > 0, driven by the admin clock (`emu.advance`)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
from kce_examples import create_params, node_para  # noqa: E402

L = 10
POST_ONLY = {"CreateCluster", "AddClusterInstances"}
MAIN = "b12d7079-1e59-4626-90eb-xxxxxx"
CLUSTER_EXISTED = "0ffb863-9bdc-4558-a947-xxxxxx"
AVAILABLE = "ee355b5d-79e4-4505-b0a5-xxxxxx"


@pytest.fixture
def emu():
    from emulator.server import Emulator

    e = Emulator(lifecycle_seconds=L)
    e.start(host="127.0.0.1", port=0)
    try:
        yield e
    finally:
        e.stop()


def kce(signed, emu, action, params=None, method=None):
    return signed(emu, action, params, method=method or ("POST" if action in POST_ONLY else "GET"))


def ok(result):
    st, body = result
    assert st == 200, body
    return body


def error(result, status, code):
    st, body = result
    assert st == status, body
    assert body["Error"]["Code"] == code, body
    return body["Error"]["Message"]


def cluster(signed, emu, cid):
    return ok(kce(signed, emu, "DescribeCluster", {"ClusterId": cid}))["ClusterSet"][0]


def statuses(signed, emu, cid):
    return {n["InstanceId"]: n["InstanceStatus"] for n in
            ok(kce(signed, emu, "DescribeClusterInstance", {"ClusterId": cid, "MaxResults": 50}))["InstanceSet"]}


def test_cluster_and_nodes_build_then_run(emu, signed):
    cid = ok(kce(signed, emu, "CreateCluster", create_params(workers=2)))["ClusterId"]
    c = cluster(signed, emu, cid)
    assert c["Status"] == "building" and c["NodeNum"] == 2 and c["NormalNodeNum"] == 0
    assert set(statuses(signed, emu, cid).values()) == {"building"}
    created = c["UpdateTime"]
    emu.advance(L)
    assert cluster(signed, emu, cid)["Status"] == "building"
    assert set(statuses(signed, emu, cid).values()) == {"installing"}
    emu.advance(L)
    c = cluster(signed, emu, cid)
    assert c["Status"] == "running" and c["NormalNodeNum"] == 2
    assert set(statuses(signed, emu, cid).values()) == {"normal"}
    assert c["UpdateTime"] > created


def test_operations_need_a_running_cluster(emu, signed):
    cid = ok(kce(signed, emu, "CreateCluster", create_params(workers=1)))["ClusterId"]
    add = {"ClusterId": cid, "InstanceSet.1.NodeRole": "Worker", "InstanceSet.1.NodePara.1": node_para(1)}
    msg = error(kce(signed, emu, "AddClusterInstances", add), 400, "InvalidClusterStatus")
    assert "building" in msg
    error(kce(signed, emu, "DeleteCluster", {"ClusterId": cid}), 400, "InvalidClusterStatus")
    error(kce(signed, emu, "DownloadClusterConfig", {"ClusterId": cid, "IsPublic": "false"}), 400,
          "InvalidClusterStatus")
    error(kce(signed, emu, "AddExistedInstances", {
        "ClusterId": cid, "ExistedInstanceKecSet.1.NodeRole": "Worker",
        "ExistedInstanceKecSet.1.KecPara.1": '{"InstanceId": "%s", "ImageId": "4b293997-9940-42bd-a5f0-xxxxxx"}'
                                             % AVAILABLE}), 400, "InvalidClusterStatus")
    error(kce(signed, emu, "AddClusterEpcInstances", {"ClusterId": cid, "InstanceId.1": "9c362d96-ad25-491d-8f7d-xxxxxxx"}),
          400, "InvalidClusterStatus")
    first_worker = [i for i, s in statuses(signed, emu, cid).items()][-1]
    error(kce(signed, emu, "DeleteClusterInstances", {"ClusterId": cid, "InstanceId.1": first_worker}), 400,
          "InvalidClusterStatus")
    ok(kce(signed, emu, "ModifyClusterInfo", {"ClusterId": cid, "ClusterDesc": "allowed while building"}))
    emu.advance(2 * L)
    assert ok(kce(signed, emu, "AddClusterInstances", add))["InstanceSet"]


def test_added_nodes_build_and_cluster_stays_running(emu, signed):
    body = ok(kce(signed, emu, "AddClusterInstances", {
        "ClusterId": MAIN, "InstanceSet.1.NodeRole": "Worker", "InstanceSet.1.NodePara.1": node_para(2)}))
    new = [i["InstanceId"] for i in body["InstanceSet"]]
    c = cluster(signed, emu, MAIN)
    assert c["Status"] == "running" and c["NodeNum"] == 5 and c["NormalNodeNum"] == 3
    st = statuses(signed, emu, MAIN)
    assert [st[i] for i in new] == ["building", "building"]
    # a node still building is not deleted
    res = ok(kce(signed, emu, "DeleteClusterInstances", {"ClusterId": MAIN, "InstanceId.1": new[0]}))
    assert res["InstanceSet"][0]["Return"] is False and "building" in res["InstanceSet"][0]["Message"]
    emu.advance(L)
    assert [statuses(signed, emu, MAIN)[i] for i in new] == ["installing", "installing"]
    emu.advance(L)
    assert cluster(signed, emu, MAIN)["NormalNodeNum"] == 5


def test_node_deletion_goes_through_deleting(emu, signed):
    st = statuses(signed, emu, "79dac1a8-3387-4769-82a5-xxxxxx")
    worker = "6f2faec7-057f-455f-a45c-xxxxxx"
    assert st[worker] == "normal"
    delete = {"ClusterId": "79dac1a8-3387-4769-82a5-xxxxxx", "InstanceId.1": worker}
    res = ok(kce(signed, emu, "DeleteClusterInstances", delete))
    assert res["InstanceSet"][0]["Return"] is True
    assert statuses(signed, emu, "79dac1a8-3387-4769-82a5-xxxxxx")[worker] == "deleting"
    # still counted as a worker, no longer normal
    c = cluster(signed, emu, "79dac1a8-3387-4769-82a5-xxxxxx")
    assert c["NodeNum"] == 3 and c["NormalNodeNum"] == 2
    again = ok(kce(signed, emu, "DeleteClusterInstances", delete))
    assert again["InstanceSet"][0]["Return"] is False
    # the KEC instance is still there (in the cluster) while the node is deleting
    got = ok(kce(signed, emu, "DescribeExistedInstances", {"InstanceId.1": worker}))["ExistedInstanceSet"]
    assert got and got[0]["Available"] is False
    emu.advance(L)
    assert worker not in statuses(signed, emu, "79dac1a8-3387-4769-82a5-xxxxxx")
    assert cluster(signed, emu, "79dac1a8-3387-4769-82a5-xxxxxx")["NodeNum"] == 2
    got = ok(kce(signed, emu, "DescribeExistedInstances", {"InstanceId.1": worker}))["ExistedInstanceSet"]
    assert got == []                                  # created by the cluster: terminated


def test_existing_instance_returns_after_its_node_is_gone(emu, signed):
    ok(kce(signed, emu, "AddExistedInstances", {
        "ClusterId": CLUSTER_EXISTED, "ExistedInstanceKecSet.1.NodeRole": "Worker",
        "ExistedInstanceKecSet.1.KecPara.1": '{"InstanceId": "%s", "ImageId": "4b293997-9940-42bd-a5f0-xxxxxx"}'
                                             % AVAILABLE}))
    assert statuses(signed, emu, CLUSTER_EXISTED)[AVAILABLE] == "building"
    emu.advance(2 * L)
    assert statuses(signed, emu, CLUSTER_EXISTED)[AVAILABLE] == "normal"
    ok(kce(signed, emu, "DeleteClusterInstances", {"ClusterId": CLUSTER_EXISTED, "InstanceId.1": AVAILABLE}))
    emu.advance(L)
    # read through DescribeExistedInstances first (the purge happens on whichever read comes first)
    got = ok(kce(signed, emu, "DescribeExistedInstances", {"ClusterId": CLUSTER_EXISTED,
                                                           "InstanceId.1": AVAILABLE}))["ExistedInstanceSet"]
    assert got[0]["Available"] is True and got[0]["ClusterId"] is None
    assert AVAILABLE not in statuses(signed, emu, CLUSTER_EXISTED)


def test_cluster_deletion_goes_through_deleting(emu, signed):
    nodes = statuses(signed, emu, MAIN)
    ok(kce(signed, emu, "DeleteCluster", {"ClusterId": MAIN}))
    c = cluster(signed, emu, MAIN)
    assert c["Status"] == "deleting"
    assert set(statuses(signed, emu, MAIN).values()) == {"deleting"}
    error(kce(signed, emu, "DeleteCluster", {"ClusterId": MAIN}), 400, "InvalidClusterStatus")
    error(kce(signed, emu, "ModifyClusterInfo", {"ClusterId": MAIN, "ClusterName": "late"}), 400,
          "InvalidClusterStatus")
    error(kce(signed, emu, "DownloadClusterConfig", {"ClusterId": MAIN}), 400, "InvalidClusterStatus")
    emu.advance(L)
    error(kce(signed, emu, "DescribeCluster", {"ClusterId": MAIN}), 404, "ClusterNotFound")
    for iid in nodes:
        got = ok(kce(signed, emu, "DescribeExistedInstances", {"InstanceId.1": iid}))["ExistedInstanceSet"]
        assert got == []


def test_cluster_listing_purges_deleted_clusters(emu, signed):
    total = ok(kce(signed, emu, "DescribeCluster", {"MaxResults": 20}))["TotalCount"]
    ok(kce(signed, emu, "DeleteCluster", {"ClusterId": MAIN}))
    body = ok(kce(signed, emu, "DescribeCluster", {"MaxResults": 20}))
    assert body["TotalCount"] == total and body["ClusterSet"][0]["Status"] == "deleting"
    emu.advance(L)
    body = ok(kce(signed, emu, "DescribeCluster", {"MaxResults": 20}))
    assert body["TotalCount"] == total - 1
    assert emu.region_store().get("cluster", MAIN) is None
    assert emu.region_store().list("node", parent=MAIN) == []


def test_failed_cluster(emu, signed):
    emu.schedule_fault("CreateCluster", "fail_resource", count=1)
    cid = ok(kce(signed, emu, "CreateCluster", create_params(workers=1)))["ClusterId"]
    assert cluster(signed, emu, cid)["Status"] == "building"
    emu.advance(2 * L)
    assert cluster(signed, emu, cid)["Status"] == "error"
    assert set(statuses(signed, emu, cid).values()) == {"failed"}
    # an error cluster can be deleted
    ok(kce(signed, emu, "DeleteCluster", {"ClusterId": cid}))
    emu.advance(L)
    error(kce(signed, emu, "DescribeCluster", {"ClusterId": cid}), 404, "ClusterNotFound")
    # the next cluster is fine again
    cid = ok(kce(signed, emu, "CreateCluster", create_params(workers=1)))["ClusterId"]
    emu.advance(2 * L)
    assert cluster(signed, emu, cid)["Status"] == "running"


def test_failed_node_can_be_deleted(emu, signed):
    emu.schedule_fault("AddClusterInstances", "fail_resource", count=1)
    body = ok(kce(signed, emu, "AddClusterInstances", {
        "ClusterId": MAIN, "InstanceSet.1.NodeRole": "Worker", "InstanceSet.1.NodePara.1": node_para(1)}))
    iid = body["InstanceSet"][0]["InstanceId"]
    emu.advance(2 * L)
    assert statuses(signed, emu, MAIN)[iid] == "failed"
    res = ok(kce(signed, emu, "DeleteClusterInstances", {"ClusterId": MAIN, "InstanceId.1": iid}))
    assert res["InstanceSet"][0]["Return"] is True
