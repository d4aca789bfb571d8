"""The default world (ids printed in the document), `--world FILE`, and KCE at scale."""
import json
import os
import sys

import pytest

from ksyun_emulator import world

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
from kce_examples import create_params, node_para  # noqa: E402


PRINTED_IDS = {
    "vpc": ["31e21dca-c92e-4b06-a8ce-xxxxx", "31e21dca-c92e-4b06-a8ce-xxxxxx"],
    "subnet": ["7e23b980-11c2-4bb0-9388-xxxxxxx", "7e23b980-11c2-4bb0-9388-xxxxxx",
               "372bdbac-ea1d-4f99-9c30-xxxxxxx", "372bdbac-ea1d-4f99-9c30-xxxxxx",
               "f2ac1919-0e34-4812-8290-xxxxxx", "bedc5e27-3811-46c5-ab5f-xxxxxxx",
               "f2ac1919-0e34-4812xxxxxx"],                       # the KCI document's spelling
    "security_group": ["d46c7672-7ca9-4f51-bbd9-xxxxxxx", "d46c7672-7ca9-4f51-bbd9-xxxxxx",
                       "d46c7672-7ca9-4f51xxxxxx"],
    "image": ["5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7", "02335506-240c-4129-99da-10af1d9a3f32",
              "4b293997-9940-42bd-a5f0-xxxxxx"],
    "dedicated_host": ["33b44f3e-a037-423e-a850-xxxxxx"],
    "epc": ["70e4807b-3ed0-4bd5-a06f-xxxxxx", "f3a751bb-4663-4f4f-af01-xxxxxx", "aadf2c78-bc56-40e3-93db-xxxxxx",
            "4c20cc6c-01e6-4215-99c5-xxxxxx", "39275b85-fea4-4516-b399-xxxxxx", "13f363f3-b108-4e60-b15c-xxxxxx",
            "cd434dad-77e7-4734-b8a7-xxxxxx", "9c362d96-ad25-491d-8f7d-xxxxxxx"],
    "kec": ["ee355b5d-79e4-4505-b0a5-xxxxxx", "7f587306-9aef-4cb9-b0fe-xxxxxx", "6f2faec7-057f-455f-a45c-xxxxxx"],
    "cluster": ["b12d7079-1e59-4626-90eb-xxxxxx", "c4d64fa0-0ee2-409a-b003-xxxxxx", "79dac1a8-3387-4769-82a5-xxxxxx",
                "b12d7079-1e59-4626-90eb-f23348232c77", "0ffb863-9bdc-4558-a947-xxxxxx",
                "12d776f8-bb96-4556-9be6-xxxxxxx", "12d776f8-bb96-4556-9be6-fd67bf0591c1"],
}


def test_printed_ids_exist_in_a_fresh_account(emulator_server):
    store = emulator_server.region_store()
    for kind, ids in PRINTED_IDS.items():
        for ident in ids:
            assert store.get(kind, ident) is not None, (kind, ident)


def test_aliases_are_the_same_object(emulator_server):
    store = emulator_server.region_store()
    a, b = (store.get("vpc", i) for i in PRINTED_IDS["vpc"])
    assert a["_canon"] == b["_canon"] and a["CidrBlock"] == b["CidrBlock"] == "10.0.0.0/16"
    assert a["VpcId"] == PRINTED_IDS["vpc"][0]                     # each literal id answers as itself
    s1, s2 = store.get("subnet", "7e23b980-11c2-4bb0-9388-xxxxxxx"), store.get("subnet", "7e23b980-11c2-4bb0-9388-xxxxxx")
    assert s1["_canon"] == s2["_canon"] and s1["VpcId"] == s2["VpcId"] == "31e21dca-c92e-4b06-a8ce-xxxxxx"
    assert store.get("subnet", "372bdbac-ea1d-4f99-9c30-xxxxxx")["SubnetType"] == "Reserve"


def test_world_is_consistent():
    data = world.default_world()
    world._check(data)
    body = data["regions"]["cn-beijing-6"]
    zones = {s["AvailabilityZone"] for s in body["subnets"]}
    assert zones <= set(world.ZONES)
    vpc_cidr = {v["VpcId"]: v["CidrBlock"] for v in body["vpcs"]}
    for c in body["clusters"]:
        import ipaddress
        vpc = ipaddress.ip_network(vpc_cidr[c["VpcId"]])
        assert not ipaddress.ip_network(c["PodCidr"]).overlaps(vpc)
        assert not ipaddress.ip_network(c["ServiceCidr"]).overlaps(vpc)
        assert sum(n["InstanceRole"] == "Master_Etcd" for n in c["Nodes"]) in (3, 5)
    # every KEC / EPC address lies in its subnet, and no address is used twice
    import ipaddress
    nets = {s["SubnetId"]: ipaddress.ip_network(s["CidrBlock"]) for s in body["subnets"]}
    ips = []
    for k in body["kec_instances"]:
        assert ipaddress.ip_address(k["PrivateIpAddress"]) in nets[k["SubnetId"]], k["InstanceId"]
        ips.append(k["PrivateIpAddress"])
    for e in body["epc_instances"]:
        ip = e["EpcInstancePara"]["NetworkInterfaceSet"][0]["PrivateIpAddress"]
        assert ipaddress.ip_address(ip) in nets[e["SubnetId"]], e["InstanceId"]
        ips.append(ip)
    assert len(ips) == len(set(ips))
    # one free KEC instance per availability condition
    states = {k["InstanceId"]: (k["InstanceState"], k["VpcId"]) for k in body["kec_instances"]}
    assert states[world.KEC_AVAILABLE] == ("stopped", world.VPC)
    assert states[world.KEC_RUNNING] == ("active", world.VPC)
    assert states[world.KEC_OTHER_VPC] == ("stopped", world.OTHER_VPC)


def test_new_node_addresses_do_not_collide_with_the_world(emulator_server, kce_api):
    e = emulator_server
    cid = kce_api.ok("CreateCluster", create_params(workers=20))["ClusterId"]
    new = [n["KecInstancePara"]["PrivateIpAddress"] for n in
           kce_api.ok("DescribeClusterInstance", {"ClusterId": cid, "MaxResults": 50})["InstanceSet"]]
    taken = [k["PrivateIpAddress"] for k in e.region_store().list("kec") if k.get("_cluster") != cid]
    assert len(set(new)) == len(new) == 23 and not set(new) & set(taken)


@pytest.mark.parametrize("bad", [
    [],
    {"regions": []},
    {"regions": {"cn-beijing-6": {"vpc": []}}},
    {"regions": {"cn-beijing-6": {"vpcs": [{"VpcId": "v"}]}}},                     # no CidrBlock
    {"regions": {"cn-beijing-6": {"clusters": [{"ClusterId": "c", "ClusterName": "cc", "VpcId": "v",
                                                "PodCidr": "10.1.0.0/16", "ServiceCidr": "10.2.0.0/16",
                                                "CreateTime": "2019-09-10T10:56:13+08:00",
                                                "Nodes": [{"InstanceId": "nope", "InstanceRole": "Worker"}]}]}}},
])
def test_world_shape_is_checked(bad):
    with pytest.raises(ValueError):
        world._check(bad)


CUSTOM = {"regions": {"cn-shanghai-2": {
    "vpcs": [{"VpcId": "vpc-sh", "VpcName": "sh", "CidrBlock": "192.168.0.0/16"}],
    "subnets": [{"SubnetId": "sn-sh", "VpcId": "vpc-sh", "CidrBlock": "192.168.1.0/24",
                 "AvailabilityZone": "cn-shanghai-2a"},
                {"SubnetId": "sn-sh-end", "VpcId": "vpc-sh", "CidrBlock": "192.168.255.0/24",
                 "AvailabilityZone": "cn-shanghai-2a", "SubnetType": "Reserve"}],
    "security_groups": [{"SecurityGroupId": "sg-sh", "VpcId": "vpc-sh"}],
    "images": [{"ImageId": "img-sh", "ImageName": "CentOS-7.6 64位", "ImageType": "public"}],
    "kec_instances": [{"InstanceId": "kec-sh", "InstanceName": "old-box", "VpcId": "vpc-sh", "SubnetId": "sn-sh",
                       "PrivateIpAddress": "192.168.1.4", "InstanceState": "stopped"}],
    "clusters": [],
}}}


@pytest.fixture
def custom_world(tmp_path):
    from ksyun_emulator.server import Emulator

    path = tmp_path / "world.json"
    path.write_text(json.dumps(CUSTOM))
    e = Emulator(lifecycle_seconds=0, world=str(path))
    e.start(host="127.0.0.1", port=0)
    try:
        yield e
    finally:
        e.stop()


def test_world_file_replaces_the_default(custom_world, api_on):
    api = api_on(custom_world, "kce")
    body = api.ok("DescribeCluster", {})
    assert body["TotalCount"] == 0                                  # default Beijing world is gone
    body = api.ok("DescribeInstanceImage", {}, region="cn-shanghai-2")
    assert [i["ImageId"] for i in body["ImageSet"]] == ["img-sh"]
    para = node_para(1, ImageId="img-sh", SubnetId="sn-sh", SecurityGroupId="sg-sh")
    params = create_params(VpcId="vpc-sh", ReserveSubnetId="sn-sh-end", **{
        "InstanceSet.1.NodePara.1": node_para(3, ImageId="img-sh", SubnetId="sn-sh", SecurityGroupId="sg-sh"),
        "InstanceSet.2.NodePara.1": para})
    cid = api.ok("CreateCluster", params, region="cn-shanghai-2")["ClusterId"]
    c = api.ok("DescribeCluster", {"ClusterId": cid}, region="cn-shanghai-2")["ClusterSet"][0]
    assert c["VpcCidr"] == "192.168.0.0/16"
    nodes = api.ok("DescribeClusterInstance", {"ClusterId": cid}, region="cn-shanghai-2")["InstanceSet"]
    assert all(n["KecInstancePara"]["AvailabilityZone"] == "cn-shanghai-2a" for n in nodes)
    assert all(n["KecInstancePara"]["PrivateIpAddress"].startswith("192.168.1.") for n in nodes)
    # a world KEC entry with only the required fields still answers completely
    api.ok("AddExistedInstances", {
        "ClusterId": cid, "ExistedInstanceKecSet.1.NodeRole": "Worker",
        "ExistedInstanceKecSet.1.KecPara.1": json.dumps({"InstanceId": "kec-sh", "ImageId": "img-sh"})},
        region="cn-shanghai-2")
    nodes = api.ok("DescribeClusterInstance", {"ClusterId": cid, "Filter.1.Name": "instance-id",
                                               "Filter.1.Value.1": "kec-sh"}, region="cn-shanghai-2")
    assert nodes["InstanceSet"][0]["KecInstancePara"]["InstanceConfigure"]["VCPU"] > 0


def test_subnet_runs_out_of_addresses(custom_world, api_on):
    api = api_on(custom_world, "kce")

    def para(count):
        return node_para(count, ImageId="img-sh", SubnetId="sn-sh", SecurityGroupId="sg-sh")

    base = dict(VpcId="vpc-sh", ReserveSubnetId="sn-sh-end", PodCidr="10.0.0.0/9", MaxPodPerNode="16")
    made = 0
    st = 200
    while st == 200 and made < 400:
        st, body = api("CreateCluster", create_params(**dict(base, **{
            "InstanceSet.1.NodePara.1": para(3), "InstanceSet.2.NodePara.1": para(97)})), region="cn-shanghai-2")
        made += 100 if st == 200 else 0
    assert st == 400 and body["Error"]["Code"] == "InsufficientIpAddress", body
    assert made == 200          # 192.168.1.0/24: .4-.254 minus the world's .4


def test_describe_work_stays_per_page_with_10000_nodes(emulator_server, kce_api):
    """200 clusters x 50 nodes: DescribeCluster / DescribeClusterInstance touch O(page) node records,
    not O(account). Counted, not timed (bench/run.py scale prints the times)."""
    e = emulator_server
    db = e.db
    touched = {"node": 0}

    def counting(name):
        real = getattr(db, name)

        def wrapper(scope, kind, *args, **kwargs):
            result = real(scope, kind, *args, **kwargs)
            if kind == "node":
                touched["node"] += 1 if name == "get" else len(result)
            return result
        return wrapper

    probe = "79dac1a8-3387-4769-82a5-xxxxxx"
    for i in range(200):
        kce_api.ok("CreateCluster", create_params(masters=3, workers=47, name="scale-%03d" % i))
    assert e.region_store().count("node") >= 10000
    body = kce_api.ok("DescribeCluster", {"MaxResults": 20, "Marker": 190})
    assert body["TotalCount"] == 207 and all(c["NodeNum"] == 47 for c in body["ClusterSet"][-5:])
    probe_nodes = len(kce_api.ok("DescribeClusterInstance", {"ClusterId": probe, "MaxResults": 50})["InstanceSet"])

    for name in ("get", "list", "ids"):
        setattr(db, name, counting(name))
    try:
        kce_api.ok("DescribeCluster", {"MaxResults": 20})
        per_describe_cluster = touched["node"]
        touched["node"] = 0
        kce_api.ok("DescribeClusterInstance", {"ClusterId": probe})
        per_describe_instance = touched["node"]
    finally:
        for name in ("get", "list", "ids"):
            delattr(db, name)
    # a page of 20 clusters may look at those clusters' nodes (20 x 50), never at all 10,000
    assert per_describe_cluster <= 20 * 50, per_describe_cluster
    assert per_describe_instance <= 3 * probe_nodes, (per_describe_instance, probe_nodes)


def test_state_file_survives_a_restart(tmp_path, api_on):
    """Clusters, nodes and pending deletions persist in --state; new ids never reuse persisted ones."""
    from ksyun_emulator.server import Emulator

    path = str(tmp_path / "state.sqlite")
    first = Emulator(lifecycle_seconds=0, state=path)
    first.start(host="127.0.0.1", port=0)
    try:
        first_api = api_on(first, "kce")
        a = first_api.ok("CreateCluster", create_params(name="before"))["ClusterId"]
        first_api.ok("DeleteCluster", {"ClusterId": "c4d64fa0-0ee2-409a-b003-xxxxxx"})
    finally:
        first.stop()
    second = Emulator(lifecycle_seconds=0, state=path)       # the same seeded rng as the first
    second.start(host="127.0.0.1", port=0)
    try:
        second_api = api_on(second, "kce")
        b = second_api.ok("CreateCluster", create_params(name="after"))["ClusterId"]
        assert a != b
        names = {c["ClusterId"]: c["ClusterName"] for c in
                 second_api.ok("DescribeCluster", {"MaxResults": 20})["ClusterSet"]}
        assert names[a] == "before" and names[b] == "after"
        assert "c4d64fa0-0ee2-409a-b003-xxxxxx" not in names
        nodes = second_api.ok("DescribeClusterInstance", {"ClusterId": a})["InstanceSet"]
        assert len(nodes) == 5
    finally:
        second.stop()
