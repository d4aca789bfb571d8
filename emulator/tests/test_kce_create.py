"""KCE CreateCluster: the happy paths and one test per validation rule."""
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
from kce_examples import IMAGE, PASSWORD, RESERVE, SG, SUBNET, VPC, create_params, node_para  # noqa: E402

EPC3 = ["70e4807b-3ed0-4bd5-a06f-xxxxxx", "f3a751bb-4663-4f4f-af01-xxxxxx", "aadf2c78-bc56-40e3-93db-xxxxxx",
        "4c20cc6c-01e6-4215-99c5-xxxxxx", "39275b85-fea4-4516-b399-xxxxxx", "13f363f3-b108-4e60-b15c-xxxxxx",
        "cd434dad-77e7-4734-b8a7-xxxxxx"]


def create(api, **kw):
    return api("CreateCluster", create_params(**kw))


def cluster(api, cid):
    return api.ok("DescribeCluster", {"ClusterId": cid})["ClusterSet"][0]


def nodes(api, cid):
    return api.ok("DescribeClusterInstance", {"ClusterId": cid, "MaxResults": 50})["InstanceSet"]


# ---------------------------------------------------------------------------------- happy paths

def test_create_vm_cluster(kce_api):
    st, body = create(kce_api, masters=3, workers=2, name="unit-集群 1")
    assert st == 200, body
    cid = body["ClusterId"]
    c = cluster(kce_api, cid)
    assert c["ClusterName"] == "unit-集群 1"
    assert c["Status"] == "running" and c["ClusterType"] == "VirtualMachine"
    assert c["ClusterManageMode"] == "DedicatedCluster" and c["MasterEtcdSeparate"] is False
    assert c["VpcId"] == VPC and c["VpcCidr"] == "10.0.0.0/16"
    assert c["PodCidr"] == "10.80.0.0/16" and c["ServiceCidr"] == "10.254.0.0/16"
    assert c["NodeNum"] == 2 and c["NormalNodeNum"] == 2      # workers only
    ns = nodes(kce_api, cid)
    assert sorted(n["InstanceRole"] for n in ns) == ["Master_Etcd"] * 3 + ["Worker"] * 2
    assert all(n["InstanceStatus"] == "normal" for n in ns)
    para = ns[0]["KecInstancePara"]
    assert para["ImageId"] == IMAGE and para["SubnetId"] == SUBNET and para["VpcId"] == VPC
    assert para["InstanceConfigure"]["VCPU"] == 4 and para["InstanceConfigure"]["MemoryGb"] == 8
    assert para["NetworkInterfaceSet"][0]["SecurityGroupSet"] == [{"SecurityGroupId": SG}]
    ips = [n["KecInstancePara"]["PrivateIpAddress"] for n in ns]
    assert len(set(ips)) == 5 and all(ip.startswith("10.0.") for ip in ips)


def test_master_etc_erratum_is_master_etcd(kce_api):
    st, body = create(kce_api, **{"InstanceSet.1.NodeRole": "Master_Etc"})
    assert st == 200, body
    roles = {n["InstanceRole"] for n in nodes(kce_api, body["ClusterId"])}
    assert roles == {"Master_Etcd", "Worker"}


def test_instance_names_and_suffix(kce_api):
    st, body = create(kce_api, **{
        "InstanceSet.2.NodePara.1": node_para(2, InstanceName="wk", InstanceNameSuffix=7)})
    assert st == 200, body
    names = [n["InstanceName"] for n in nodes(kce_api, body["ClusterId"])
             if n["InstanceRole"] == "Worker"]
    assert names == ["wk-7", "wk-8"]


def test_master_etcd_separate(kce_api):
    params = create_params(MasterEtcdSeparate="true", **{
        "InstanceSet.1.NodeRole": "Master", "InstanceSet.3.NodeRole": "Etcd",
        "InstanceSet.3.NodePara.1": node_para(5)})
    st, body = kce_api("CreateCluster", params)
    assert st == 200, body
    c = cluster(kce_api, body["ClusterId"])
    assert c["MasterEtcdSeparate"] is True and c["NodeNum"] == 2
    roles = sorted(n["InstanceRole"] for n in nodes(kce_api, body["ClusterId"]))
    assert roles == ["Etcd"] * 5 + ["Master"] * 3 + ["Worker"] * 2


def test_several_node_paras_for_one_role(kce_api):
    st, body = create(kce_api, **{"InstanceSet.2.NodePara.2": node_para(2, InstanceType="N3.2B")})
    assert st == 200, body
    assert cluster(kce_api, body["ClusterId"])["NodeNum"] == 4


def test_create_epc_cluster_and_hosts_are_taken(kce_api):
    params = create_params(masters=None, workers=None, **{
        "InstanceSet.1.NodeRole": None, "InstanceSet.1.NodePara.1": None,
        "InstanceSet.2.NodeRole": None, "InstanceSet.2.NodePara.1": None,
        "ExistedInstanceEpcSet.1.NodeRole": "Master_Etcd", "ExistedInstanceEpcSet.2.NodeRole": "Worker",
        "ExistedInstanceEpcSet.2.EpcPara.1": json.dumps({"InstanceId": EPC3[3]})})
    for i in range(3):
        params["ExistedInstanceEpcSet.1.EpcPara.%d" % (i + 1)] = json.dumps({"InstanceId": EPC3[i]})
    st, body = kce_api("CreateCluster", params)
    assert st == 200, body
    c = cluster(kce_api, body["ClusterId"])
    assert c["ClusterType"] == "PhysicalMachine" and c["NodeNum"] == 1
    ns = nodes(kce_api, body["ClusterId"])
    assert {n["InstanceId"] for n in ns} == set(EPC3[:4])
    assert all("EpcInstancePara" in n and "KecInstancePara" not in n for n in ns)
    st, free = kce_api("DescribeEpcForCluster", {"MaxResults": 50})
    assert not set(EPC3[:4]) & {i["InstanceId"] for i in free["InstanceSet"]}
    # the same hosts again: already in a cluster
    kce_api.err("CreateCluster", params, 400, "InvalidInstanceStatus")


def test_public_api_server_and_defaults(kce_api):
    st, body = create(kce_api, PublicApiServer=json.dumps(
        {"LineId": "l1", "BandWidth": 10, "ChargeType": "PostPaidByDay"}))
    assert st == 200, body
    st, cfg = kce_api("DownloadClusterConfig", {"ClusterId": body["ClusterId"]})
    assert st == 200 and cfg["Expose"] is True and "server: https://" in cfg["ClusterConfig"]


def test_dry_run_creates_nothing(emulator_server, kce_api):
    before = len(emulator_server.region_store().list("cluster"))
    kec_before = len(emulator_server.region_store().list("kec"))
    st, body = create(kce_api, DryRun="true")
    assert st == 412 and body["Error"]["Code"] == "DryRunOperation"
    assert len(emulator_server.region_store().list("cluster")) == before
    assert len(emulator_server.region_store().list("kec")) == kec_before
    # an invalid request with DryRun reports the error, not DryRunOperation
    kce_api.err("CreateCluster", create_params(DryRun="true", NetworkType="Calico"), 400, "InvalidParameterValue")


def test_get_is_refused(kce_api):
    kce_api.err("CreateCluster", create_params(), 400, "InvalidMethod", method="GET")


def test_password_is_never_stored_or_returned(emulator_server, kce_api):
    st, body = create(kce_api)
    assert st == 200
    dump = json.dumps([emulator_server.region_store().list(k) for k in ("cluster", "node", "kec")])
    assert PASSWORD not in dump
    st, ns = kce_api("DescribeClusterInstance", {"ClusterId": body["ClusterId"]})
    assert PASSWORD not in json.dumps(ns)
    assert PASSWORD not in json.dumps(emulator_server.requests)
    # nor in an error message about it
    msg = kce_api.err("CreateCluster", create_params(**{"InstanceSet.2.NodePara.1": node_para(1, InstancePassword="weakpass")}),
                      400, "InvalidParameterValue", "InstanceSet.2.NodePara.1")
    assert "weakpass" not in msg


def test_failure_outcome_cluster_error(emulator_server, kce_api):
    emulator_server.schedule_fault("CreateCluster", "fail_resource", count=1)
    st, body = create(kce_api)
    assert st == 200, body
    c = cluster(kce_api, body["ClusterId"])
    assert c["Status"] == "error" and c["NormalNodeNum"] == 0
    assert {n["InstanceStatus"] for n in nodes(kce_api, body["ClusterId"])} == {"failed"}


# ------------------------------------------------------------------------------------ validation

@pytest.mark.parametrize("name", ["ClusterName", "VpcId", "PodCidr", "ServiceCidr", "NetworkType", "K8sVersion",
                                  "ReserveSubnetId"])
def test_required_parameters(kce_api, name):
    kce_api.err("CreateCluster", create_params(**{name: None}), 400, "MissingParameter", name)


def test_no_nodes_at_all(kce_api):
    params = create_params(**{"InstanceSet.1.NodeRole": None, "InstanceSet.1.NodePara.1": None,
                              "InstanceSet.2.NodeRole": None, "InstanceSet.2.NodePara.1": None})
    kce_api.err("CreateCluster", params, 400, "MissingParameter", "InstanceSet.N")


@pytest.mark.parametrize("name,value", [
    ("NetworkType", "Calico"), ("NetworkType", "flannel"), ("K8sVersion", "v1.16.0"), ("MaxPodPerNode", "100"),
    ("MaxPodPerNode", "x"), ("ClusterManageMode", "ManagedCluster"), ("MasterEtcdSeparate", "yes"),
    ("InstanceSet.1.NodeRole", "Boss"),
])
def test_enumerations(kce_api, name, value):
    kce_api.err("CreateCluster", create_params(**{name: value}), 400, "InvalidParameterValue", name)


@pytest.mark.parametrize("name", ["a", "x" * 65, "bad@name", "tab\tname", "question?name"])
def test_cluster_name_rule(kce_api, name):
    kce_api.err("CreateCluster", create_params(name=name), 400, "InvalidParameterValue", "ClusterName")


@pytest.mark.parametrize("name", ["ab", "x" * 64, "集群", "a-b.c!$^*()%#&+/:;<=>[]_`{}~", "comma,name"])
def test_cluster_name_accepted(kce_api, name):
    st, body = create(kce_api, name=name)
    assert st == 200, body


@pytest.mark.parametrize("pod,svc,bad", [
    ("10.80.0.0", "10.254.0.0/16", "PodCidr"),            # not CIDR notation
    ("10.80.0.1/16", "10.254.0.0/16", "PodCidr"),         # host bits set
    ("8.8.0.0/16", "10.254.0.0/16", "PodCidr"),           # not private
    ("10.80.0.0/25", "10.254.0.0/16", "PodCidr"),         # too small a prefix
    ("10.0.0.0/8", "172.16.0.0/16", "PodCidr"),           # overlaps the VPC 10.0.0.0/16
    ("10.80.0.0/16", "10.0.128.0/20", "ServiceCidr"),     # overlaps the VPC
    ("10.80.0.0/16", "10.80.128.0/20", "ServiceCidr"),    # overlaps the pods
    ("10.80.0.0/16", "fd00::/64", "ServiceCidr"),         # IPv6
])
def test_cidr_rules(kce_api, pod, svc, bad):
    kce_api.err("CreateCluster", create_params(PodCidr=pod, ServiceCidr=svc), 400, "InvalidParameterValue", bad)


def test_pod_cidr_must_hold_every_node(kce_api):
    # /22 = 1024 addresses / 256 pods per node = 4 nodes; 3 masters + 2 workers do not fit
    kce_api.err("CreateCluster", create_params(PodCidr="10.80.0.0/22", MaxPodPerNode="256"), 400,
                "InvalidParameterValue", "PodCidr")
    st, body = create(kce_api, PodCidr="10.80.0.0/22", MaxPodPerNode="256", workers=1)
    assert st == 200, body


def test_world_references_must_exist(kce_api):
    kce_api.err("CreateCluster", create_params(VpcId="vpc-missing"), 404, "VpcNotFound")
    kce_api.err("CreateCluster", create_params(ReserveSubnetId="subnet-missing"), 404, "SubnetNotFound")
    kce_api.err("CreateCluster", create_params(**{"InstanceSet.2.NodePara.1": node_para(1, ImageId="img-missing")}),
                404, "ImageNotFound")
    kce_api.err("CreateCluster", create_params(**{"InstanceSet.2.NodePara.1": node_para(1, SubnetId="subnet-missing")}),
                404, "SubnetNotFound")
    kce_api.err("CreateCluster", create_params(**{"InstanceSet.2.NodePara.1": node_para(1, SecurityGroupId="sg-missing")}),
                404, "SecurityGroupNotFound")


def test_reserve_subnet_rules(kce_api):
    # a normal subnet is not an endpoint subnet; the other VPC's endpoint subnet is in the wrong VPC
    kce_api.err("CreateCluster", create_params(ReserveSubnetId=SUBNET), 400, "InvalidParameterValue", "ReserveSubnetId")
    kce_api.err("CreateCluster", create_params(ReserveSubnetId="2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b"), 400,
                "InvalidParameterValue", "ReserveSubnetId")
    # nodes may not go into the endpoint subnet
    kce_api.err("CreateCluster", create_params(**{"InstanceSet.2.NodePara.1": node_para(1, SubnetId=RESERVE)}),
                400, "InvalidParameterValue", "InstanceSet.2.NodePara.1")


@pytest.mark.parametrize("overrides,detail", [
    ({"MaxCount": None}, "MaxCount"),
    ({"MinCount": None}, "MinCount"),
    ({"MaxCount": 0}, "MaxCount"),
    ({"MaxCount": 101, "MinCount": 1}, "MaxCount"),
    ({"MaxCount": 1, "MinCount": 2}, "MinCount"),
    ({"MaxCount": "two"}, "MaxCount"),
    ({"ImageId": None}, "ImageId"),
    ({"SubnetId": None}, "SubnetId"),
    ({"SecurityGroupId": None}, "SecurityGroupId"),
    ({"InstanceType": None}, "InstanceType"),
    ({"InstanceType": "big"}, "InstanceType"),
    ({"InstanceType": "DVM1.NONE"}, "InstanceType"),          # only with a dedicated host
    ({"InstancePassword": None}, "InstancePassword"),
    ({"InstancePassword": "short1A"}, "InstancePassword"),
    ({"InstancePassword": "alllowercase"}, "InstancePassword"),
    ({"DataDiskGb": -1}, "DataDiskGb"),
    ({"DataDiskGb": 20000}, "DataDiskGb"),
    ({"ChargeType": "Free"}, "ChargeType"),
    ({"PurchaseTime": 99}, "PurchaseTime"),
    ({"InstanceName": "x"}, "InstanceName"),
    ({"DedicatedHostId": "host-missing", "InstanceType": "DVM1.NONE"}, "dedicated host"),
    ({"SubnetId": "d9b2b914-1533-4299-563a36xxxxxx"}, "VPC"),                 # other VPC's subnet
    ({"SecurityGroupId": "30c47f6e-51ac-4fc3-2b7303xxxxxx"}, "VPC"),          # other VPC's group
])
def test_node_para_rules(kce_api, overrides, detail):
    msg = kce_api.err("CreateCluster", create_params(**{"InstanceSet.2.NodePara.1": node_para(1, **overrides)}),
                      400, "InvalidParameterValue", "InstanceSet.2.NodePara.1")
    assert detail in msg


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '"a string"', ""])
def test_node_para_must_be_a_json_object(kce_api, text):
    st, body = create(kce_api, **{"InstanceSet.2.NodePara.1": text})
    assert st == 400, body
    assert body["Error"]["Code"] in ("InvalidParameterValue", "MissingParameter")
    assert "InstanceSet.2.NodePara" in body["Error"]["Message"]


def test_node_role_without_node_para(kce_api):
    kce_api.err("CreateCluster", create_params(**{"InstanceSet.2.NodePara.1": None}), 400, "MissingParameter",
                "InstanceSet.2.NodePara.N")


@pytest.mark.parametrize("masters", [1, 2, 4, 6])
def test_master_count_is_3_or_5(kce_api, masters):
    msg = kce_api.err("CreateCluster", create_params(masters=masters), 400, "InvalidParameterValue",
                      "InstanceSet.1.NodeRole")
    assert "3 or 5" in msg


def test_five_masters(kce_api):
    st, body = create(kce_api, masters=5)
    assert st == 200, body


def test_role_sets(kce_api):
    # no Worker
    kce_api.err("CreateCluster", create_params(**{"InstanceSet.2.NodeRole": None, "InstanceSet.2.NodePara.1": None}),
                400, "InvalidParameterValue")
    # no master
    kce_api.err("CreateCluster", create_params(**{"InstanceSet.1.NodeRole": None, "InstanceSet.1.NodePara.1": None}),
                400, "InvalidParameterValue")
    # Master + Etcd without MasterEtcdSeparate
    kce_api.err("CreateCluster", create_params(**{"InstanceSet.1.NodeRole": "Master", "InstanceSet.3.NodeRole": "Etcd",
                                               "InstanceSet.3.NodePara.1": node_para(3)}),
                400, "InvalidParameterValue", "InstanceSet.1.NodeRole")
    # Master_Etcd with MasterEtcdSeparate=true
    kce_api.err("CreateCluster", create_params(MasterEtcdSeparate="True"), 400, "InvalidParameterValue",
                "InstanceSet.1.NodeRole")
    # the same role twice
    kce_api.err("CreateCluster", create_params(**{"InstanceSet.3.NodeRole": "Worker",
                                               "InstanceSet.3.NodePara.1": node_para(1)}),
                400, "InvalidParameterValue", "InstanceSet.3.NodeRole")


def test_kec_and_epc_nodes_are_not_combined(kce_api):
    kce_api.err("CreateCluster", create_params(**{
        "ExistedInstanceEpcSet.1.NodeRole": "Worker",
        "ExistedInstanceEpcSet.1.EpcPara.1": json.dumps({"InstanceId": EPC3[0]})}),
        400, "InvalidParameterValue", "ExistedInstanceEpcSet.N")


def _epc_params(worker_host):
    params = create_params(**{"InstanceSet.1.NodeRole": None, "InstanceSet.1.NodePara.1": None,
                              "InstanceSet.2.NodeRole": None, "InstanceSet.2.NodePara.1": None,
                              "ExistedInstanceEpcSet.1.NodeRole": "Master_Etcd",
                              "ExistedInstanceEpcSet.2.NodeRole": "Worker",
                              "ExistedInstanceEpcSet.2.EpcPara.1": json.dumps({"InstanceId": worker_host})})
    for i in range(3):
        params["ExistedInstanceEpcSet.1.EpcPara.%d" % (i + 1)] = json.dumps({"InstanceId": EPC3[i]})
    return params


def test_epc_rules(kce_api):
    kce_api.err("CreateCluster", _epc_params("epc-missing"), 404, "InstanceNotFound")
    kce_api.err("CreateCluster", _epc_params("0b6f5c1e-3d2a-4e8f-9a7b-5c4d3e2f1a0b"), 400,
                "InvalidParameterValue", "ExistedInstanceEpcSet.2.EpcPara.1")           # not a container image
    kce_api.err("CreateCluster", _epc_params("1c7a6d2f-4e3b-4f9a-8b8c-6d5e4f3a2b1c"), 400,
                "InvalidParameterValue", "ExistedInstanceEpcSet.2.EpcPara.1")           # other VPC
    kce_api.err("CreateCluster", _epc_params(EPC3[0]), 400, "InvalidParameterValue",
                "ExistedInstanceEpcSet.2.EpcPara.1")                                    # listed twice
    params = _epc_params(EPC3[3])
    params["ExistedInstanceEpcSet.2.EpcPara.1"] = "{bad"
    kce_api.err("CreateCluster", params, 400, "InvalidParameterValue", "ExistedInstanceEpcSet.2.EpcPara.1")


@pytest.mark.parametrize("text,field", [
    ("not json", "PublicApiServer"),
    (json.dumps({"LineId": "l", "ChargeType": "PostPaidByDay"}), "BandWidth"),
    (json.dumps({"BandWidth": 0, "ChargeType": "PostPaidByDay"}), "BandWidth"),
    (json.dumps({"BandWidth": 5}), "ChargeType"),
    (json.dumps({"BandWidth": 5, "ChargeType": "Gratis"}), "ChargeType"),
])
def test_public_api_server_rules(kce_api, text, field):
    msg = kce_api.err("CreateCluster", create_params(PublicApiServer=text), 400, "InvalidParameterValue", "PublicApiServer")
    if field != "PublicApiServer":
        assert field in msg


def test_dedicated_host_cluster(kce_api):
    para = node_para(1, DedicatedHostId="33b44f3e-a037-423e-a850-xxxxxx", InstanceType="DVM1.NONE",
                     SubnetId="f2ac1919-0e34-4812-8290-xxxxxx", **{"InstanceConfigure.VCPU": 8,
                                                                   "InstanceConfigure.MemoryGb": 16})
    st, body = create(kce_api, **{"InstanceSet.2.NodePara.1": para})
    assert st == 200, body
    worker = [n for n in nodes(kce_api, body["ClusterId"]) if n["InstanceRole"] == "Worker"][0]
    kp = worker["KecInstancePara"]
    assert kp["DedicatedId"] == "33b44f3e-a037-423e-a850-xxxxxx" and kp["DedicatedName"]
    assert kp["InstanceConfigure"]["VCPU"] == 8 and kp["AvailabilityZone"] == "cn-beijing-6a"
    # the dedicated host is in cn-beijing-6a: a 6b subnet does not match
    para = node_para(1, DedicatedHostId="33b44f3e-a037-423e-a850-xxxxxx", InstanceType="DVM1.NONE",
                     **{"InstanceConfigure.VCPU": 8, "InstanceConfigure.MemoryGb": 16})
    kce_api.err("CreateCluster", create_params(**{"InstanceSet.2.NodePara.1": para}), 400, "InvalidParameterValue")


@pytest.mark.parametrize("login", [
    {"KeyId.1": "3f1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8"},                       # the KEC name, KeyId.N
    {"KeyId.1": "3f1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8", "KeyId.2": "4a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"},
    {"KeyId": "3f1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8"},
    {"KeepImageLogin": True},
    {"KeepImageLogin": "true"},
])
def test_node_para_login_by_key_pair_or_image(kce_api, login):
    # NodePara is the KEC pass-through: a login by key pairs or the image's own is as good as a password
    st, body = create(kce_api, **{"InstanceSet.2.NodePara.1": node_para(1, InstancePassword=None, **login)})
    assert st == 200, body


@pytest.mark.parametrize("login", [{}, {"KeyId.1": ""}, {"KeepImageLogin": False}])
def test_node_para_without_a_login(kce_api, login):
    msg = kce_api.err("CreateCluster", create_params(**{"InstanceSet.2.NodePara.1": node_para(
        1, InstancePassword=None, **login)}), 400, "InvalidParameterValue", "InstanceSet.2.NodePara.1")
    assert "InstancePassword, KeyId.N or KeepImageLogin" in msg
