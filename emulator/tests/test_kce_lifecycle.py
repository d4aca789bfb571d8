"""KCE lifecycles with lifecycle_seconds > 0, driven by the admin clock (`emu.advance`)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
from kce_examples import create_params, node_para  # noqa: E402

L = 10
MAIN = "b12d7079-1e59-4626-90eb-xxxxxx"
CLUSTER_EXISTED = "0ffb863-9bdc-4558-a947-xxxxxx"
AVAILABLE = "ee355b5d-79e4-4505-b0a5-xxxxxx"
EPC_HOSTS = ["70e4807b-3ed0-4bd5-a06f-xxxxxx", "f3a751bb-4663-4f4f-af01-xxxxxx", "aadf2c78-bc56-40e3-93db-xxxxxx",
             "4c20cc6c-01e6-4215-99c5-xxxxxx"]


@pytest.fixture
def emu(slow_emulator):
    assert slow_emulator.lifecycle == L
    return slow_emulator


@pytest.fixture
def kce_api(emu, api_on):
    return api_on(emu, "kce")


def cluster(api, cid):
    return api.ok("DescribeCluster", {"ClusterId": cid})["ClusterSet"][0]


def statuses(api, cid):
    return {n["InstanceId"]: n["InstanceStatus"] for n in
            api.ok("DescribeClusterInstance", {"ClusterId": cid, "MaxResults": 50})["InstanceSet"]}


def test_cluster_and_nodes_build_then_run(emu, kce_api):
    cid = kce_api.ok("CreateCluster", create_params(workers=2))["ClusterId"]
    c = cluster(kce_api, cid)
    assert c["Status"] == "building" and c["NodeNum"] == 2 and c["NormalNodeNum"] == 0
    assert set(statuses(kce_api, cid).values()) == {"building"}
    created = c["UpdateTime"]
    emu.advance(L)
    assert cluster(kce_api, cid)["Status"] == "building"
    assert set(statuses(kce_api, cid).values()) == {"installing"}
    emu.advance(L)
    c = cluster(kce_api, cid)
    assert c["Status"] == "running" and c["NormalNodeNum"] == 2
    assert set(statuses(kce_api, cid).values()) == {"normal"}
    assert c["UpdateTime"] > created


def test_operations_need_a_running_cluster(emu, kce_api):
    cid = kce_api.ok("CreateCluster", create_params(workers=1))["ClusterId"]
    add = {"ClusterId": cid, "InstanceSet.1.NodeRole": "Worker", "InstanceSet.1.NodePara.1": node_para(1)}
    msg = kce_api.err("AddClusterInstances", add, 400, "InvalidClusterStatus")
    assert "building" in msg
    kce_api.err("DeleteCluster", {"ClusterId": cid}, 400, "InvalidClusterStatus")
    kce_api.err("DownloadClusterConfig", {"ClusterId": cid, "IsPublic": "false"}, 400,
                "InvalidClusterStatus")
    kce_api.err("AddExistedInstances", {
        "ClusterId": cid, "ExistedInstanceKecSet.1.NodeRole": "Worker",
        "ExistedInstanceKecSet.1.KecPara.1": '{"InstanceId": "%s", "ImageId": "4b293997-9940-42bd-a5f0-xxxxxx"}'
                                             % AVAILABLE}, 400, "InvalidClusterStatus")
    epc = create_params(**{"InstanceSet.1.NodeRole": None, "InstanceSet.1.NodePara.1": None,
                           "InstanceSet.2.NodeRole": None, "InstanceSet.2.NodePara.1": None,
                           "ExistedInstanceEpcSet.1.NodeRole": "Master_Etcd",
                           "ExistedInstanceEpcSet.2.NodeRole": "Worker"})
    for i, host in enumerate(EPC_HOSTS):
        epc["ExistedInstanceEpcSet.%d.EpcPara.%d" % ((1, i + 1) if i < 3 else (2, 1))] = '{"InstanceId": "%s"}' % host
    epc_cid = kce_api.ok("CreateCluster", epc)["ClusterId"]
    kce_api.err("AddClusterEpcInstances", {"ClusterId": epc_cid, "InstanceId.1": "9c362d96-ad25-491d-8f7d-xxxxxxx"},
                400, "InvalidClusterStatus")
    first_worker = [i for i, s in statuses(kce_api, cid).items()][-1]
    kce_api.err("DeleteClusterInstances", {"ClusterId": cid, "InstanceId.1": first_worker}, 400,
                "InvalidClusterStatus")
    kce_api.ok("ModifyClusterInfo", {"ClusterId": cid, "ClusterDesc": "allowed while building"})
    emu.advance(2 * L)
    assert kce_api.ok("AddClusterInstances", add)["InstanceSet"]


def test_added_nodes_build_and_cluster_stays_running(emu, kce_api):
    body = kce_api.ok("AddClusterInstances", {
        "ClusterId": MAIN, "InstanceSet.1.NodeRole": "Worker", "InstanceSet.1.NodePara.1": node_para(2)})
    new = [i["InstanceId"] for i in body["InstanceSet"]]
    c = cluster(kce_api, MAIN)
    assert c["Status"] == "running" and c["NodeNum"] == 5 and c["NormalNodeNum"] == 3
    st = statuses(kce_api, MAIN)
    assert [st[i] for i in new] == ["building", "building"]
    # a node still building is not deleted
    res = kce_api.ok("DeleteClusterInstances", {"ClusterId": MAIN, "InstanceId.1": new[0]})
    assert res["InstanceSet"][0]["Return"] is False and "building" in res["InstanceSet"][0]["Message"]
    emu.advance(L)
    assert [statuses(kce_api, MAIN)[i] for i in new] == ["installing", "installing"]
    emu.advance(L)
    assert cluster(kce_api, MAIN)["NormalNodeNum"] == 5


def test_node_deletion_goes_through_deleting(emu, kce_api):
    st = statuses(kce_api, "79dac1a8-3387-4769-82a5-xxxxxx")
    worker = "6f2faec7-057f-455f-a45c-xxxxxx"
    assert st[worker] == "normal"
    delete = {"ClusterId": "79dac1a8-3387-4769-82a5-xxxxxx", "InstanceId.1": worker}
    res = kce_api.ok("DeleteClusterInstances", delete)
    assert res["InstanceSet"][0]["Return"] is True
    assert statuses(kce_api, "79dac1a8-3387-4769-82a5-xxxxxx")[worker] == "deleting"
    # still counted as a worker, no longer normal
    c = cluster(kce_api, "79dac1a8-3387-4769-82a5-xxxxxx")
    assert c["NodeNum"] == 3 and c["NormalNodeNum"] == 2
    again = kce_api.ok("DeleteClusterInstances", delete)
    assert again["InstanceSet"][0]["Return"] is False
    # the KEC instance is still there (in the cluster) while the node is deleting
    got = kce_api.ok("DescribeExistedInstances", {"InstanceId.1": worker})["ExistedInstanceSet"]
    assert got and got[0]["Available"] is False
    emu.advance(L)
    assert worker not in statuses(kce_api, "79dac1a8-3387-4769-82a5-xxxxxx")
    assert cluster(kce_api, "79dac1a8-3387-4769-82a5-xxxxxx")["NodeNum"] == 2
    got = kce_api.ok("DescribeExistedInstances", {"InstanceId.1": worker})["ExistedInstanceSet"]
    assert got == []                                  # created by the cluster: terminated


def test_existing_instance_returns_after_its_node_is_gone(emu, kce_api):
    kce_api.ok("AddExistedInstances", {
        "ClusterId": CLUSTER_EXISTED, "ExistedInstanceKecSet.1.NodeRole": "Worker",
        "ExistedInstanceKecSet.1.KecPara.1": '{"InstanceId": "%s", "ImageId": "4b293997-9940-42bd-a5f0-xxxxxx"}'
                                             % AVAILABLE})
    assert statuses(kce_api, CLUSTER_EXISTED)[AVAILABLE] == "building"
    emu.advance(2 * L)
    assert statuses(kce_api, CLUSTER_EXISTED)[AVAILABLE] == "normal"
    kce_api.ok("DeleteClusterInstances", {"ClusterId": CLUSTER_EXISTED, "InstanceId.1": AVAILABLE})
    emu.advance(L)
    # read through DescribeExistedInstances first (the purge happens on whichever read comes first)
    got = kce_api.ok("DescribeExistedInstances", {"ClusterId": CLUSTER_EXISTED,
                                                  "InstanceId.1": AVAILABLE})["ExistedInstanceSet"]
    assert got[0]["Available"] is True and got[0]["ClusterId"] is None
    assert AVAILABLE not in statuses(kce_api, CLUSTER_EXISTED)


def test_cluster_deletion_goes_through_deleting(emu, kce_api):
    nodes = statuses(kce_api, MAIN)
    kce_api.ok("DeleteCluster", {"ClusterId": MAIN})
    c = cluster(kce_api, MAIN)
    assert c["Status"] == "deleting"
    assert set(statuses(kce_api, MAIN).values()) == {"deleting"}
    kce_api.err("DeleteCluster", {"ClusterId": MAIN}, 400, "InvalidClusterStatus")
    kce_api.err("ModifyClusterInfo", {"ClusterId": MAIN, "ClusterName": "late"}, 400,
                "InvalidClusterStatus")
    kce_api.err("DownloadClusterConfig", {"ClusterId": MAIN}, 400, "InvalidClusterStatus")
    emu.advance(L)
    kce_api.err("DescribeCluster", {"ClusterId": MAIN}, 404, "ClusterNotFound")
    for iid in nodes:
        got = kce_api.ok("DescribeExistedInstances", {"InstanceId.1": iid})["ExistedInstanceSet"]
        assert got == []


def test_cluster_listing_purges_deleted_clusters(emu, kce_api):
    total = kce_api.ok("DescribeCluster", {"MaxResults": 20})["TotalCount"]
    kce_api.ok("DeleteCluster", {"ClusterId": MAIN})
    body = kce_api.ok("DescribeCluster", {"MaxResults": 20})
    assert body["TotalCount"] == total and body["ClusterSet"][0]["Status"] == "deleting"
    emu.advance(L)
    body = kce_api.ok("DescribeCluster", {"MaxResults": 20})
    assert body["TotalCount"] == total - 1
    assert emu.region_store().get("cluster", MAIN) is None
    assert emu.region_store().list("node", parent=MAIN) == []


def test_failed_cluster(emu, kce_api):
    emu.schedule_fault("CreateCluster", "fail_resource", count=1)
    cid = kce_api.ok("CreateCluster", create_params(workers=1))["ClusterId"]
    assert cluster(kce_api, cid)["Status"] == "building"
    emu.advance(2 * L)
    assert cluster(kce_api, cid)["Status"] == "error"
    assert set(statuses(kce_api, cid).values()) == {"failed"}
    # an error cluster can be deleted
    kce_api.ok("DeleteCluster", {"ClusterId": cid})
    emu.advance(L)
    kce_api.err("DescribeCluster", {"ClusterId": cid}, 404, "ClusterNotFound")
    # the next cluster is fine again
    cid = kce_api.ok("CreateCluster", create_params(workers=1))["ClusterId"]
    emu.advance(2 * L)
    assert cluster(kce_api, cid)["Status"] == "running"


def test_failed_node_can_be_deleted(emu, kce_api):
    emu.schedule_fault("AddClusterInstances", "fail_resource", count=1)
    body = kce_api.ok("AddClusterInstances", {
        "ClusterId": MAIN, "InstanceSet.1.NodeRole": "Worker", "InstanceSet.1.NodePara.1": node_para(1)})
    iid = body["InstanceSet"][0]["InstanceId"]
    emu.advance(2 * L)
    assert statuses(kce_api, MAIN)[iid] == "failed"
    res = kce_api.ok("DeleteClusterInstances", {"ClusterId": MAIN, "InstanceId.1": iid})
    assert res["InstanceSet"][0]["Return"] is True


# ------------------------------------------------------------- NotReady and abnormal (outcome faults)

def test_not_ready_cluster(emu, kce_api):
    emu.schedule_fault("CreateCluster", "not_ready", count=1)
    cid = kce_api.ok("CreateCluster", create_params(workers=1))["ClusterId"]
    assert cluster(kce_api, cid)["Status"] == "building"
    emu.advance(2 * L)
    c = cluster(kce_api, cid)
    assert c["Status"] == "NotReady" and c["NormalNodeNum"] == 1          # the nodes are fine
    assert set(statuses(kce_api, cid).values()) == {"normal"}
    kce_api.err("AddClusterInstances", {"ClusterId": cid, "InstanceSet.1.NodeRole": "Worker",
                                        "InstanceSet.1.NodePara.1": node_para(1)}, 400, "InvalidClusterStatus")
    # it can be deleted; the next cluster runs
    kce_api.ok("DeleteCluster", {"ClusterId": cid})
    cid = kce_api.ok("CreateCluster", create_params(workers=1))["ClusterId"]
    emu.advance(2 * L)
    assert cluster(kce_api, cid)["Status"] == "running"


def test_not_ready_is_given_back_by_a_rolled_back_create(emu, kce_api):
    emu.schedule_fault("CreateCluster", "not_ready", count=1)
    kce_api.err("CreateCluster", create_params(DryRun="true"), 412, "DryRunOperation")
    kce_api.err("CreateCluster", create_params(PodCidr="nope"), 400, "InvalidParameterValue", "PodCidr")
    cid = kce_api.ok("CreateCluster", create_params(workers=1))["ClusterId"]
    emu.advance(2 * L)
    assert cluster(kce_api, cid)["Status"] == "NotReady"


@pytest.mark.parametrize("how", ["new", "existing", "epc"])
def test_abnormal_first_node_of_the_request(emu, kce_api, how):
    if how == "new":
        action, cid = "AddClusterInstances", MAIN
        params = {"ClusterId": MAIN, "InstanceSet.1.NodeRole": "Worker", "InstanceSet.1.NodePara.1": node_para(2)}
    elif how == "existing":
        action, cid = "AddExistedInstances", CLUSTER_EXISTED
        params = {"ClusterId": cid, "ExistedInstanceKecSet.1.NodeRole": "Worker"}
        for i, iid in enumerate([AVAILABLE, "5a0c3e1d-2b4f-4a6e-9d8c-7b6a5f4e3d2c"]):
            params["ExistedInstanceKecSet.1.KecPara.%d" % (i + 1)] = (
                '{"InstanceId": "%s", "ImageId": "4b293997-9940-42bd-a5f0-xxxxxx"}' % iid)
    else:
        action, cid = "AddClusterEpcInstances", "12d776f8-bb96-4556-9be6-xxxxxxx"
        params = {"ClusterId": cid, "InstanceId.1": "9c362d96-ad25-491d-8f7d-xxxxxxx",
                  "InstanceId.2": "cd434dad-77e7-4734-b8a7-xxxxxx"}
    emu.schedule_fault(action, "abnormal", count=1)
    body = kce_api.ok(action, params)
    ids = [i["InstanceId"] for i in body["InstanceSet"]]
    assert len(ids) == 2
    emu.advance(2 * L)
    st = statuses(kce_api, cid)
    assert [st[i] for i in ids] == ["abnormal", "normal"]
    assert cluster(kce_api, cid)["Status"] == "running"


def test_outcome_faults_through_the_admin_endpoint(emu, kce_api):
    import requests
    r = requests.post(emu.url + "/_emulator/faults", json={"action": "CreateCluster", "fault": "not_ready"})
    assert r.status_code == 200 and r.json()["scheduled"][0]["fault"] == "not_ready"
    r = requests.post(emu.url + "/_emulator/faults", json={"action": "AddClusterInstances", "fault": "abnormal"})
    assert r.status_code == 200
    cid = kce_api.ok("CreateCluster", create_params(workers=1))["ClusterId"]
    iid = kce_api.ok("AddClusterInstances", {"ClusterId": MAIN, "InstanceSet.1.NodeRole": "Worker",
                                             "InstanceSet.1.NodePara.1": node_para(1)})["InstanceSet"][0]["InstanceId"]
    emu.advance(2 * L)
    assert cluster(kce_api, cid)["Status"] == "NotReady"
    assert statuses(kce_api, MAIN)[iid] == "abnormal"
    assert requests.get(emu.url + "/_emulator/faults").json()["scheduled"] == []
