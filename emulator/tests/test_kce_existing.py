"""KCE existing servers: DescribeExistedInstances, AddExistedInstances, DescribeEpcForCluster,
AddClusterEpcInstances."""
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
from kce_examples import create_params  # noqa: E402

CLUSTER = "0ffb863-9bdc-4558-a947-xxxxxx"            # seeded VM cluster in the main VPC
AVAILABLE = "ee355b5d-79e4-4505-b0a5-xxxxxx"          # stopped, main VPC, free
AVAILABLE_2 = "5a0c3e1d-2b4f-4a6e-9d8c-7b6a5f4e3d2c"
RUNNING = "6b1d4f2e-3c5a-4b7f-8e9d-8c7b6a5f4e3d"
OTHER_VPC = "7c2e5a3f-4d6b-4c8a-9f0e-9d8c7b6a5f4e"
IN_CLUSTER = "7f587306-9aef-4cb9-b0fe-xxxxxx"         # a worker of b12d7079-...-f23348232c77
IN_CLUSTER_OWNER = "b12d7079-1e59-4626-90eb-f23348232c77"
IMAGE = "4b293997-9940-42bd-a5f0-xxxxxx"
EPC_CLUSTER = "12d776f8-bb96-4556-9be6-xxxxxxx"
EPC_FREE = "9c362d96-ad25-491d-8f7d-xxxxxxx"
EPC_WRONG_IMAGE = "0b6f5c1e-3d2a-4e8f-9a7b-5c4d3e2f1a0b"
EPC_OTHER_VPC = "1c7a6d2f-4e3b-4f9a-8b8c-6d5e4f3a2b1c"
EPC_EXAMPLE3 = ["70e4807b-3ed0-4bd5-a06f-xxxxxx", "f3a751bb-4663-4f4f-af01-xxxxxx", "aadf2c78-bc56-40e3-93db-xxxxxx",
                "4c20cc6c-01e6-4215-99c5-xxxxxx", "39275b85-fea4-4516-b399-xxxxxx", "13f363f3-b108-4e60-b15c-xxxxxx",
                "cd434dad-77e7-4734-b8a7-xxxxxx"]

R_CLUSTER = "The instance is already in a k8s cluster"
R_STATE = "The instance is not in the stopped state"
R_VPC = "The instance and k8s cluster are not in the same VPC"


def existed(api, ids, cid=CLUSTER, **extra):
    params = {"InstanceId.%d" % (i + 1): iid for i, iid in enumerate(ids)}
    if cid:
        params["ClusterId"] = cid
    params.update(extra)
    return {i["InstanceId"]: i for i in api.ok("DescribeExistedInstances", params)["ExistedInstanceSet"]}


def add_existed(ids, cid=CLUSTER, image=IMAGE, role="Worker"):
    params = {"ClusterId": cid, "ExistedInstanceKecSet.1.NodeRole": role}
    for i, iid in enumerate(ids):
        params["ExistedInstanceKecSet.1.KecPara.%d" % (i + 1)] = json.dumps(
            {"InstanceId": iid, "ImageId": image, "InstancePassword": "Reinstall-2019"})
    return params


# ----------------------------------------------------------------------- DescribeExistedInstances

def test_availability_conditions_and_exact_reasons(kce_api):
    got = existed(kce_api, [AVAILABLE, RUNNING, OTHER_VPC, IN_CLUSTER])
    assert (got[AVAILABLE]["Available"], got[AVAILABLE]["UnavailableReason"], got[AVAILABLE]["ClusterId"]) == \
        (True, None, None)
    assert (got[RUNNING]["Available"], got[RUNNING]["UnavailableReason"]) == (False, R_STATE)
    assert (got[OTHER_VPC]["Available"], got[OTHER_VPC]["UnavailableReason"]) == (False, R_VPC)
    assert (got[IN_CLUSTER]["Available"], got[IN_CLUSTER]["UnavailableReason"], got[IN_CLUSTER]["ClusterId"]) == \
        (False, R_CLUSTER, IN_CLUSTER_OWNER)
    assert got[RUNNING]["ClusterId"] is None and got[OTHER_VPC]["ClusterId"] is None
    assert got[AVAILABLE]["InstanceType"] == "N3.2B" and got[AVAILABLE]["PrivateIpAddress"] == "10.0.11.23"


def test_without_a_cluster_the_vpc_is_not_judged(kce_api):
    got = existed(kce_api, [OTHER_VPC], cid=None)
    assert got[OTHER_VPC]["Available"] is True


def test_unknown_cluster(kce_api):
    kce_api.err("DescribeExistedInstances", {"ClusterId": "nope"}, 404, "ClusterNotFound")


def test_listing_paging_and_limits(kce_api):
    body = kce_api.ok("DescribeExistedInstances", {})
    assert body["MaxResults"] == 10 and len(body["ExistedInstanceSet"]) == 10 and body["Marker"] == 10
    total = body["TotalCount"]
    assert total > 10
    body = kce_api.ok("DescribeExistedInstances", {"MaxResults": 50})
    assert len(body["ExistedInstanceSet"]) == min(total, 50)
    kce_api.err("DescribeExistedInstances", {"MaxResults": 51}, 400, "InvalidParameterValue", "MaxResults")
    kce_api.err("DescribeExistedInstances", {"MaxResults": 0}, 400, "InvalidParameterValue", "MaxResults")


@pytest.mark.parametrize("name,value,expect", [
    ("vpc-id", "e8529d17-7015-48ef-36dd25xxxxxx", {OTHER_VPC}),
    ("subnet-id", "d9b2b914-1533-4299-563a36xxxxxx", {OTHER_VPC}),
    ("availability-zone.name", "cn-beijing-6a", {OTHER_VPC}),
    ("instance-state.name", "stopped", {AVAILABLE, AVAILABLE_2, OTHER_VPC}),
])
def test_filters(kce_api, name, value, expect):
    body = kce_api.ok("DescribeExistedInstances", {
        "Filter.1.Name": name, "Filter.1.Value.1": value, "MaxResults": 50})
    assert {i["InstanceId"] for i in body["ExistedInstanceSet"]} == expect
    assert body["TotalCount"] == len(expect)


def test_filter_by_vpc_alias_and_state_running(kce_api):
    body = kce_api.ok("DescribeExistedInstances", {
        "Filter.1.Name": "vpc-id", "Filter.1.Value.1": "31e21dca-c92e-4b06-a8ce-xxxxx",     # the printed alias
        "Filter.2.Name": "instance-state.name", "Filter.2.Value.1": "stopped", "MaxResults": 50})
    assert {i["InstanceId"] for i in body["ExistedInstanceSet"]} == {AVAILABLE, AVAILABLE_2}
    body = kce_api.ok("DescribeExistedInstances", {
        "InstanceId.1": RUNNING, "InstanceId.2": AVAILABLE,
        "Filter.1.Name": "instance-state.name", "Filter.1.Value.1": "running"})
    assert [i["InstanceId"] for i in body["ExistedInstanceSet"]] == [RUNNING]


def test_filter_names_are_this_actions(kce_api):
    params = {"Filter.1.Name": "instance-role", "Filter.1.Value.1": "Worker"}
    kce_api.err("DescribeExistedInstances", params,
                400, "InvalidParameterValue", "Filter.1.Name")


def test_search_name_or_private_ip(kce_api):
    body = kce_api.ok("DescribeExistedInstances", {"Search": "existing-kec"})
    assert {i["InstanceId"] for i in body["ExistedInstanceSet"]} == {AVAILABLE, AVAILABLE_2}
    body = kce_api.ok("DescribeExistedInstances", {"Search": "10.0.11.2"})
    assert {i["InstanceId"] for i in body["ExistedInstanceSet"]} == {AVAILABLE, AVAILABLE_2, RUNNING}


# ---------------------------------------------------------------------------- AddExistedInstances

def test_add_existed_instances_per_instance_results(kce_api):
    body = kce_api.ok("AddExistedInstances", add_existed([AVAILABLE, RUNNING, OTHER_VPC, IN_CLUSTER, "gone"]))
    res = {r["InstanceId"]: r for r in body["InstanceSet"]}
    assert [r["InstanceId"] for r in body["InstanceSet"]] == [AVAILABLE, RUNNING, OTHER_VPC, IN_CLUSTER, "gone"]
    assert (res[AVAILABLE]["Return"], res[AVAILABLE]["Reason"]) == (True, None)
    assert (res[RUNNING]["Return"], res[RUNNING]["Reason"]) == (False, R_STATE)
    assert (res[OTHER_VPC]["Return"], res[OTHER_VPC]["Reason"]) == (False, R_VPC)
    assert (res[IN_CLUSTER]["Return"], res[IN_CLUSTER]["Reason"]) == (False, R_CLUSTER)
    assert res["gone"]["Return"] is False and res["gone"]["Reason"]
    # now a node of the cluster, and no longer available
    nodes = kce_api.ok("DescribeClusterInstance", {"ClusterId": CLUSTER, "Filter.1.Name": "instance-id",
                                                   "Filter.1.Value.1": AVAILABLE})["InstanceSet"]
    assert nodes[0]["InstanceRole"] == "Worker" and nodes[0]["InstanceName"] == "existing-kec-1"
    assert nodes[0]["KecInstancePara"]["ImageId"] == IMAGE
    got = existed(kce_api, [AVAILABLE])
    assert (got[AVAILABLE]["Available"], got[AVAILABLE]["ClusterId"]) == (False, CLUSTER)
    # and again: already in a cluster
    body = kce_api.ok("AddExistedInstances", add_existed([AVAILABLE]))
    assert body["InstanceSet"][0]["Reason"] == R_CLUSTER


def test_add_existed_instances_then_delete_node_returns_it(kce_api):
    kce_api.ok("AddExistedInstances", add_existed([AVAILABLE]))
    res = kce_api.ok("DeleteClusterInstances", {"ClusterId": CLUSTER, "InstanceId.1": AVAILABLE})
    assert res["InstanceSet"][0]["Return"] is True
    got = existed(kce_api, [AVAILABLE])
    assert got[AVAILABLE]["Available"] is True          # Remove is the default for existing instances
    # Terminate explicitly destroys it
    kce_api.ok("AddExistedInstances", add_existed([AVAILABLE]))
    kce_api.ok("DeleteClusterInstances", {"ClusterId": CLUSTER, "InstanceId.1": AVAILABLE,
                                          "InstanceDeleteMode": "Terminate"})
    assert existed(kce_api, [AVAILABLE]) == {}


def test_add_existed_instances_validation(kce_api):
    kce_api.err("AddExistedInstances", {"ClusterId": CLUSTER}, 400, "MissingParameter",
                "ExistedInstanceKecSet.N")
    # the table's spelling (erratum) is not the parameter: refused by name in strict mode, and
    # ignored (so the set is missing) in lenient mode
    params = add_existed([AVAILABLE])
    params = {k.replace("KecSet", "KeySet"): v for k, v in params.items()}
    kce_api.err("AddExistedInstances", params, 400, "InvalidQueryParameter", "ExistedInstanceKeySet.1.")
    kce_api.emu.strict_params = False
    kce_api.err("AddExistedInstances", params, 400, "MissingParameter", "ExistedInstanceKecSet.N")
    kce_api.emu.strict_params = True
    kce_api.err("AddExistedInstances", add_existed([AVAILABLE], role="Master_Etcd"), 400,
                "InvalidParameterValue", "ExistedInstanceKecSet.1.NodeRole")
    kce_api.err("AddExistedInstances", add_existed([AVAILABLE], image="nope"), 404, "ImageNotFound")
    kce_api.err("AddExistedInstances", add_existed([AVAILABLE, AVAILABLE]), 400, "InvalidParameterValue",
                "ExistedInstanceKecSet.1.KecPara.2")
    kce_api.err("AddExistedInstances", add_existed([AVAILABLE], cid="nope"), 404, "ClusterNotFound")
    kce_api.err("AddExistedInstances", {"ExistedInstanceKecSet.1.NodeRole": "Worker",
                                        "ExistedInstanceKecSet.1.KecPara.1": "{}"},
                400, "MissingParameter", "ClusterId")
    for text in ("nope", "{}", json.dumps({"InstanceId": AVAILABLE}), json.dumps({"ImageId": IMAGE})):
        params = {"ClusterId": CLUSTER, "ExistedInstanceKecSet.1.NodeRole": "Worker",
                  "ExistedInstanceKecSet.1.KecPara.1": text}
        kce_api.err("AddExistedInstances", params, 400, "InvalidParameterValue",
                    "ExistedInstanceKecSet.1.KecPara.1")
    kce_api.err("AddExistedInstances", {"ClusterId": CLUSTER, "ExistedInstanceKecSet.1.NodeRole": "Worker"},
                400, "MissingParameter", "ExistedInstanceKecSet.1.KecPara.N")
    # DryRun: validated, nothing applied
    kce_api.err("AddExistedInstances", dict(add_existed([AVAILABLE]), DryRun="true"), 412, "DryRunOperation")
    assert existed(kce_api, [AVAILABLE])[AVAILABLE]["Available"] is True


# -------------------------------------------------------------------------- DescribeEpcForCluster

def test_describe_epc_for_cluster(kce_api):
    body = kce_api.ok("DescribeEpcForCluster", {})
    ids = [i["InstanceId"] for i in body["InstanceSet"]]
    assert body["MaxResults"] == 20 and body["Marker"] == 0
    assert set(EPC_EXAMPLE3 + [EPC_FREE, EPC_OTHER_VPC]) == set(ids)      # free hosts with a container image
    assert EPC_WRONG_IMAGE not in ids
    assert body["TotalCount"] == len(ids)
    para = body["InstanceSet"][0]["EpcInstancePara"]
    assert para["Cpu"]["CoreCount"] == 32 and para["DiskSet"][0]["DiskType"] == "System"
    # for a cluster: only hosts of its VPC
    body = kce_api.ok("DescribeEpcForCluster", {"ClusterId": EPC_CLUSTER})
    assert EPC_OTHER_VPC not in [i["InstanceId"] for i in body["InstanceSet"]]


def test_describe_epc_for_cluster_filters_and_ids(kce_api):

    def ids(params):
        return [i["InstanceId"] for i in kce_api.ok("DescribeEpcForCluster", params)["InstanceSet"]]

    assert ids({"Filter.1.Name": "host-name", "Filter.1.Value.1": "k8s_1"}) == [EPC_FREE]
    assert ids({"Filter.1.Name": "host-name", "Filter.1.Value.1": "k8s"}) == []           # exact match
    assert ids({"Filter.1.Name": "vpc-id", "Filter.1.Value.1": "e8529d17-7015-48ef-36dd25xxxxxx"}) == [EPC_OTHER_VPC]
    assert ids({"Filter.1.Name": "subnet-id", "Filter.1.Value.1": "d9b2b914-1533-4299-563a36xxxxxx"}) == [EPC_OTHER_VPC]
    assert ids({"InstanceId.1": EPC_FREE, "InstanceId.2": EPC_WRONG_IMAGE, "InstanceId.3": "nope"}) == [EPC_FREE]
    assert len(ids({"MaxResults": 3})) == 3
    kce_api.err("DescribeEpcForCluster", {"MaxResults": 51}, 400, "InvalidParameterValue", "MaxResults")
    kce_api.err("DescribeEpcForCluster", {"Filter.1.Name": "instance-role", "Filter.1.Value.1": "x"},
                400, "InvalidParameterValue", "Filter.1.Name")
    kce_api.err("DescribeEpcForCluster", {"ClusterId": "nope"}, 404, "ClusterNotFound")


# ------------------------------------------------------------------------- AddClusterEpcInstances

def test_add_cluster_epc_instances(kce_api):
    body = kce_api.ok("AddClusterEpcInstances", {
        "ClusterId": EPC_CLUSTER, "InstanceId.1": EPC_FREE, "InstanceId.2": EPC_WRONG_IMAGE,
        "InstanceId.3": EPC_OTHER_VPC, "InstanceId.4": "nope"})
    assert body["InstanceSet"] == [{"InstanceId": EPC_FREE, "Return": True},
                                   {"InstanceId": EPC_WRONG_IMAGE, "Return": False},
                                   {"InstanceId": EPC_OTHER_VPC, "Return": False},
                                   {"InstanceId": "nope", "Return": False}]
    nodes = kce_api.ok("DescribeClusterInstance", {"ClusterId": EPC_CLUSTER})["InstanceSet"]
    added = [n for n in nodes if n["InstanceId"] == EPC_FREE][0]
    assert added["InstanceRole"] == "Worker" and "EpcInstancePara" in added
    body = kce_api.ok("AddClusterEpcInstances", {"ClusterId": EPC_CLUSTER, "InstanceId.1": EPC_FREE})
    assert body["InstanceSet"][0]["Return"] is False                      # already in a cluster
    # removing it returns it to the free list
    kce_api.ok("DeleteClusterInstances", {"ClusterId": EPC_CLUSTER, "InstanceId.1": EPC_FREE,
                                          "InstanceDeleteMode": "Terminate"})
    free = [i["InstanceId"] for i in kce_api.ok("DescribeEpcForCluster", {"MaxResults": 50})["InstanceSet"]]
    assert EPC_FREE in free


def test_add_cluster_epc_instances_validation(kce_api):
    kce_api.err("AddClusterEpcInstances", {"ClusterId": EPC_CLUSTER}, 400, "MissingParameter", "InstanceId.N")
    kce_api.err("AddClusterEpcInstances", {"InstanceId.1": EPC_FREE}, 400, "MissingParameter", "ClusterId")
    kce_api.err("AddClusterEpcInstances", {"ClusterId": "nope", "InstanceId.1": EPC_FREE}, 404,
                "ClusterNotFound")
    kce_api.err("AddClusterEpcInstances", {"ClusterId": EPC_CLUSTER, "InstanceId.1": EPC_FREE,
                                           "InstanceId.2": EPC_FREE}, 400, "InvalidParameterValue")
    kce_api.err("AddClusterEpcInstances", {"ClusterId": EPC_CLUSTER, "InstanceId.1": EPC_FREE,
                                           "DryRun": "true"}, 412, "DryRunOperation")


def test_epc_hosts_of_a_created_cluster_come_back_after_delete(kce_api):
    params = create_params(**{"InstanceSet.1.NodeRole": None, "InstanceSet.1.NodePara.1": None,
                              "InstanceSet.2.NodeRole": None, "InstanceSet.2.NodePara.1": None,
                              "ExistedInstanceEpcSet.1.NodeRole": "Master_Etcd",
                              "ExistedInstanceEpcSet.2.NodeRole": "Worker"})
    for i in range(3):
        params["ExistedInstanceEpcSet.1.EpcPara.%d" % (i + 1)] = json.dumps({"InstanceId": EPC_EXAMPLE3[i]})
    params["ExistedInstanceEpcSet.2.EpcPara.1"] = json.dumps({"InstanceId": EPC_EXAMPLE3[3]})
    cid = kce_api.ok("CreateCluster", params)["ClusterId"]
    kce_api.ok("DeleteCluster", {"ClusterId": cid})
    free = [i["InstanceId"] for i in kce_api.ok("DescribeEpcForCluster", {"MaxResults": 50})["InstanceSet"]]
    assert set(EPC_EXAMPLE3[:4]) <= set(free)


def test_pod_cidr_room_limits_added_servers(kce_api):
    # 10.80.0.0/22 with 256 pods per node holds 4 nodes: 3 masters + 1 worker leave no room
    cid = kce_api.ok("CreateCluster", create_params(workers=1, PodCidr="10.80.0.0/22",
                                                    MaxPodPerNode="256"))["ClusterId"]
    body = kce_api.ok("AddExistedInstances", add_existed([AVAILABLE], cid=cid))
    assert body["InstanceSet"][0]["Return"] is False and "PodCidr" in body["InstanceSet"][0]["Reason"]
    # the same for an EPC cluster: 3 Master_Etcd + 1 Worker hosts fill the PodCidr
    cid = kce_api.ok("CreateCluster", epc_cluster_params(EPC_EXAMPLE3[:4], PodCidr="10.80.0.0/22",
                                                         MaxPodPerNode="256"))["ClusterId"]
    body = kce_api.ok("AddClusterEpcInstances", {"ClusterId": cid, "InstanceId.1": EPC_FREE})
    assert body["InstanceSet"][0]["Return"] is False


def epc_cluster_params(hosts, **kw):
    """CreateCluster of EPC hosts: the first three Master_Etcd, the others Worker."""
    params = create_params(**dict(kw, **{"InstanceSet.1.NodeRole": None, "InstanceSet.1.NodePara.1": None,
                                         "InstanceSet.2.NodeRole": None, "InstanceSet.2.NodePara.1": None,
                                         "ExistedInstanceEpcSet.1.NodeRole": "Master_Etcd",
                                         "ExistedInstanceEpcSet.2.NodeRole": "Worker"}))
    for i, host in enumerate(hosts):
        group, n = (1, i + 1) if i < 3 else (2, i - 2)
        params["ExistedInstanceEpcSet.%d.EpcPara.%d" % (group, n)] = json.dumps({"InstanceId": host})
    return params


def test_epc_actions_take_a_physical_machine_cluster_only(kce_api):
    # the document: AddClusterEpcInstances' ClusterId is "物理机集群的id"; DescribeEpcForCluster lists
    # the hosts that can join a physical-machine cluster
    msg = kce_api.err("AddClusterEpcInstances", {"ClusterId": CLUSTER, "InstanceId.1": EPC_FREE}, 400,
                      "InvalidParameterValue", "ClusterId")
    assert "not a physical-machine cluster" in msg and "VirtualMachine" in msg
    kce_api.err("DescribeEpcForCluster", {"ClusterId": CLUSTER}, 400, "InvalidParameterValue", "ClusterId")
    assert kce_api.ok("DescribeEpcForCluster", {"InstanceId.1": EPC_FREE})["InstanceSet"]     # no cluster: fine
    # nothing was added
    nodes = kce_api.ok("DescribeClusterInstance", {"ClusterId": CLUSTER, "MaxResults": 50})["InstanceSet"]
    assert EPC_FREE not in [n["InstanceId"] for n in nodes]
