"""POST /_emulator/world and Emulator.add_world: EPC hosts and KEC instances made "through other services"."""
import ipaddress
import json
import re
import socket

import pytest
import requests

from ksyun_emulator import world
from ksyun_emulator.server import Emulator

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
IMAGE = "4b293997-9940-42bd-a5f0-xxxxxx"
R_STATE = "The instance is not in the stopped state"
R_VPC = "The instance and k8s cluster are not in the same VPC"


def ok(result):
    status, body = result
    assert status == 200, body
    return body


def add(emu, body):
    r = requests.post(emu.url + "/_emulator/world", json=body, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["created"]


def epc_pages(signed, emu, limit=50, **params):
    """Every page of DescribeEpcForCluster: (all hosts, [page lengths])."""
    hosts, sizes, marker = [], [], 0
    while True:
        body = ok(signed(emu, "DescribeEpcForCluster", dict(params, MaxResults=limit, Marker=marker)))
        hosts += body["InstanceSet"]
        sizes.append(len(body["InstanceSet"]))
        assert body["TotalCount"] >= len(hosts) and body["MaxResults"] == limit
        if not body["Marker"]:
            return hosts, sizes
        assert body["Marker"] == len(hosts)
        marker = body["Marker"]


def existed_pages(signed, emu, limit=50, **params):
    found, marker = [], 0
    while True:
        body = ok(signed(emu, "DescribeExistedInstances", dict(params, MaxResults=limit, Marker=marker)))
        found += body["ExistedInstanceSet"]
        if not body["Marker"]:
            assert body["TotalCount"] == len(found)
            return found
        marker = body["Marker"]


def shape(value):
    """The keys of a JSON value at every depth (values left out)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return None


def ips_of(store):
    out = [k["PrivateIpAddress"] for k in store.list("kec")]
    for e in store.list("epc"):
        out += [n["PrivateIpAddress"] for n in e["EpcInstancePara"]["NetworkInterfaceSet"]]
    return out


# ------------------------------------------------------------------------------------ EPC hosts

def test_epc_hosts_listed_and_paged(emulator_server, signed):
    e = emulator_server
    seeded, _sizes = epc_pages(signed, e)
    assert len(seeded) == 9
    created = add(e, {"kind": "epc_host", "count": 120})
    assert len(created) == 120 and len(set(created)) == 120 and all(UUID_RE.match(i) for i in created)
    hosts, sizes = epc_pages(signed, e)
    assert sizes == [50, 50, 29]
    assert [h["InstanceId"] for h in hosts] == [h["InstanceId"] for h in seeded] + created
    new = hosts[9:]
    assert [h["InstanceName"] for h in new] == ["epc-host-%04d" % i for i in range(1, 121)]
    # the documented fields, the same shape as a seeded host's
    k8s_1 = [h for h in seeded if h["InstanceName"] == "k8s_1"][0]
    for h in new:
        assert shape(h) == shape(k8s_1)
        para = h["EpcInstancePara"]
        assert para["OsName"] == world.EPC_OS and para["ImageId"] == world.EPC_IMAGE
        assert para["AvailabilityZone"] == "cn-beijing-6b" and para["Cpu"]["CoreCount"] == 32
        nic = para["NetworkInterfaceSet"][0]
        assert nic["SubnetId"] == world.EPC_SUBNET and nic["SecurityGroupSet"] == [{"SecurityGroupId": world.SG}]
        assert ipaddress.ip_address(nic["PrivateIpAddress"]) in ipaddress.ip_network("10.0.64.0/20")
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", para["CreateTime"])
    # the stored records have the seeded ones' keys (private ones included)
    store = e.region_store()
    assert set(store.get("epc", created[0])) == set(store.get("epc", world.EPC_FREE))
    assert store.get("epc", created[0])["_cluster"] is None
    ips = ips_of(store)
    assert len(ips) == len(set(ips))                                    # unique in every subnet
    # the filters and the cluster narrow as before
    assert len(epc_pages(signed, e, ClusterId=world.CLUSTER_EPC_2)[0]) == 128
    named = ok(signed(e, "DescribeEpcForCluster", {"Filter.1.Name": "host-name", "Filter.1.Value.1": "epc-host-0042"}))
    assert [h["InstanceId"] for h in named["InstanceSet"]] == [created[41]]
    by_id = ok(signed(e, "DescribeEpcForCluster", {"InstanceId.1": created[7], "InstanceId.2": created[99]}))
    assert [h["InstanceId"] for h in by_id["InstanceSet"]] == [created[7], created[99]]
    other = ok(signed(e, "DescribeEpcForCluster", {"Filter.1.Name": "vpc-id", "Filter.1.Value.1": world.OTHER_VPC}))
    assert [h["InstanceName"] for h in other["InstanceSet"]] == ["epc-other-vpc"]
    # a made host can join a cluster like a seeded one
    body = ok(signed(e, "AddClusterEpcInstances", {"ClusterId": world.CLUSTER_EPC, "InstanceId.1": created[0]}))
    assert body["InstanceSet"] == [{"InstanceId": created[0], "Return": True}]
    nodes = ok(signed(e, "DescribeClusterInstance", {"ClusterId": world.CLUSTER_EPC}))["InstanceSet"]
    node = [n for n in nodes if n["InstanceId"] == created[0]][0]
    assert node["InstanceName"] == "epc-host-0001" and node["EpcInstancePara"] == new[0]["EpcInstancePara"]
    assert len(epc_pages(signed, e)[0]) == 128
    # names keep unique on a later call; admin calls are not API requests
    more = add(e, {"kind": "epc_host", "count": 2})
    assert [store.get("epc", i)["InstanceName"] for i in more] == ["epc-host-0121", "epc-host-0122"]
    assert "DescribeEpcForCluster" in [r["action"] for r in e.requests]
    assert len(e.requests) == len([r for r in e.requests if r["action"]])


def test_epc_host_overrides(emulator_server, signed):
    e = emulator_server
    fields = {"VpcId": world.OTHER_VPC, "InstanceName": "bm-other", "ImageId": "pr-custom-image"}
    [other] = add(e, {"kind": "epc_host", "fields": fields})
    plain = add(e, {"kind": "epc_host", "count": 2, "region": "cn-beijing-6",
                    "fields": {"OsName": "CentOS-7.6-x86_64", "InstanceName": "bm-plain"}})
    fields = {"SubnetId": world.KDC_SUBNET_ALIASES[0], "SecurityGroupId": world.SG_ALIASES[0]}
    [in_subnet] = add(e, {"kind": "epc_host", "fields": fields})
    got = ok(signed(e, "DescribeEpcForCluster", {"Filter.1.Name": "vpc-id", "Filter.1.Value.1": world.OTHER_VPC}))
    host = [h for h in got["InstanceSet"] if h["InstanceId"] == other][0]
    para = host["EpcInstancePara"]
    assert host["InstanceName"] == "bm-other" and para["ImageId"] == "pr-custom-image"
    assert para["AvailabilityZone"] == "cn-beijing-6a"
    nic = para["NetworkInterfaceSet"][0]
    assert nic["SubnetId"] == world.OTHER_SUBNET and nic["SecurityGroupSet"] == [{"SecurityGroupId": world.OTHER_SG}]
    assert ipaddress.ip_address(nic["PrivateIpAddress"]) in ipaddress.ip_network("172.16.0.0/20")
    # not booted from a container image: not offered, though stored as asked
    listed = [h["InstanceId"] for h in epc_pages(signed, e)[0]]
    assert not set(plain) & set(listed) and in_subnet in listed
    store = e.region_store()
    assert [store.get("epc", i)["InstanceName"] for i in plain] == ["bm-plain-1", "bm-plain-2"]
    rec = store.get("epc", in_subnet)
    assert rec["SubnetId"] == world.KDC_SUBNET_ALIASES[0] and rec["VpcId"] == world.VPC
    assert rec["EpcInstancePara"]["AvailabilityZone"] == "cn-beijing-6a"
    assert ipaddress.ip_address(rec["EpcInstancePara"]["NetworkInterfaceSet"][0]["PrivateIpAddress"]) in \
        ipaddress.ip_network("10.0.80.0/20")
    subnet_filter = ok(signed(e, "DescribeEpcForCluster", {"Filter.1.Name": "subnet-id",
                                                           "Filter.1.Value.1": world.KDC_SUBNET}))
    assert [h["InstanceId"] for h in subnet_filter["InstanceSet"]] == [in_subnet]


# ------------------------------------------------------------------------------------ KEC instances

def test_kec_instances_listed_paged_and_overridden(emulator_server, signed):
    e = emulator_server
    seeded = existed_pages(signed, e)
    running = add(e, {"kind": "kec_instance", "count": 30})
    stopped = add(e, {"kind": "kec_instance", "count": 40,
                      "fields": {"InstanceState": "stopped", "InstanceType": "N3.2B"}})
    fields = {"InstanceState": "stopped", "VpcId": world.OTHER_VPC, "InstanceName": "other-vm",
              "ImageId": world.IMAGE_UBUNTU}
    [other] = add(e, {"kind": "kec_instance", "fields": fields})
    found = existed_pages(signed, e, limit=7, ClusterId=world.CLUSTER_EXISTED)
    assert [i["InstanceId"] for i in found] == [i["InstanceId"] for i in seeded] + running + stopped + [other]
    by_id = {i["InstanceId"]: i for i in found}
    for iid in running:
        assert (by_id[iid]["Available"], by_id[iid]["UnavailableReason"]) == (False, R_STATE)
        assert by_id[iid]["InstanceType"] == "I3.4B" and by_id[iid]["ClusterId"] is None
    for iid in stopped:
        assert (by_id[iid]["Available"], by_id[iid]["UnavailableReason"]) == (True, None)
        assert by_id[iid]["InstanceType"] == "N3.2B"
    assert (by_id[other]["Available"], by_id[other]["UnavailableReason"]) == (False, R_VPC)
    assert by_id[other]["InstanceName"] == "other-vm"
    assert ipaddress.ip_address(by_id[other]["PrivateIpAddress"]) in ipaddress.ip_network("172.16.0.0/20")
    names = [by_id[i]["InstanceName"] for i in running + stopped]
    assert names == ["kec-vm-%04d" % n for n in range(1, 71)]
    assert set(by_id[seeded[0]["InstanceId"]]) == set(by_id[running[0]])
    # the stored records: the seeded ones' keys, the overrides applied
    store = e.region_store()
    assert set(store.get("kec", running[0])) == set(store.get("kec", world.KEC_AVAILABLE))
    rec = store.get("kec", stopped[0])
    assert rec["InstanceConfigure"]["VCPU"] == 2 and rec["InstanceConfigure"]["MemoryGb"] == 4
    assert rec["SubnetId"] == world.SUBNET and rec["SecurityGroupIds"] == [world.SG] and rec["_cluster"] is None
    assert store.get("kec", other)["ImageId"] == world.IMAGE_UBUNTU
    assert store.get("kec", other)["SecurityGroupIds"] == [world.OTHER_SG]
    ips = ips_of(store)
    assert len(ips) == len(set(ips))
    # the filters
    body = ok(signed(e, "DescribeExistedInstances", {"Filter.1.Name": "instance-state.name",
                                                     "Filter.1.Value.1": "stopped", "MaxResults": 50}))
    assert body["TotalCount"] == 3 + 40 + 1
    body = ok(signed(e, "DescribeExistedInstances", {"Search": "kec-vm-0042"}))
    assert [i["InstanceId"] for i in body["ExistedInstanceSet"]] == [stopped[11]]
    # a made instance can be added to a cluster like a seeded one
    body = ok(signed(e, "AddExistedInstances", {
        "ClusterId": world.CLUSTER_EXISTED, "ExistedInstanceKecSet.1.NodeRole": "Worker",
        "ExistedInstanceKecSet.1.KecPara.1": json.dumps({"InstanceId": stopped[0], "ImageId": IMAGE})},
        method="POST"))
    assert body["InstanceSet"][0]["Return"] is True, body
    nodes = ok(signed(e, "DescribeClusterInstance", {"ClusterId": world.CLUSTER_EXISTED}))["InstanceSet"]
    node = [n for n in nodes if n["InstanceId"] == stopped[0]][0]
    assert node["KecInstancePara"]["PrivateIpAddress"] == rec["PrivateIpAddress"]


def test_add_world_in_process_and_ip_counter(emulator_server):
    e = emulator_server
    ids = e.add_world("kec_instance", 3, InstanceState="stopped", InstanceName="vm")
    store = e.region_store()
    assert [store.get("kec", i)["InstanceName"] for i in ids] == ["vm-1", "vm-2", "vm-3"]
    assert [store.get("kec", i)["InstanceState"] for i in ids] == ["stopped"] * 3
    [one] = e.add_world("epc_host", InstanceName="single")
    assert store.get("epc", one)["InstanceName"] == "single"
    # the addresses come from the counter that node creation uses: it moved past them
    subnet = store.get("subnet", world.SUBNET)
    net = ipaddress.ip_network(subnet["CidrBlock"])
    offsets = [int(ipaddress.ip_address(store.get("kec", i)["PrivateIpAddress"])) - int(net.network_address)
               for i in ids]
    assert subnet["_ip_next"] == max(offsets) + 1 and not set(offsets) & set(subnet["_ip_seeded"])
    with pytest.raises(KeyError):
        e.add_world("epc_host", access_key="AKLTNOBODY")
    with pytest.raises(ValueError):
        e.add_world("vm")
    with pytest.raises(ValueError):
        e.add_world("epc_host", 0)
    with pytest.raises(ValueError):
        e.add_world("kec_instance", Colour="red")
    with pytest.raises(TypeError):
        e.add_world("kec_instance", InstanceName=5)
    assert store.count("kec") == len(world.default_world()["regions"]["cn-beijing-6"]["kec_instances"]) + 3


def test_other_account_and_empty_region(core_actions, signed, tmp_path):
    accounts = {"AKLTONE": "one-secret", "AKLTTWO": "two-secret"}
    state = str(tmp_path / "state.sqlite")
    e = Emulator(accounts=accounts, state=state)
    e.start()
    try:
        created = add(e, {"kind": "epc_host", "count": 3, "access_key": "AKLTTWO"})
        one = ok(signed(e, "DescribeEpcForCluster", {"MaxResults": 50}, access_key="AKLTONE",
                        secret_key="one-secret"))
        assert one["TotalCount"] == 9
        # nothing to place them in: the other regions are empty
        r = requests.post(e.url + "/_emulator/world", json={"kind": "epc_host", "region": "cn-shanghai-2"})
        assert r.status_code == 400 and "subnet" in r.json()["error"]
    finally:
        e.stop()
    e = Emulator(accounts=accounts, state=state)              # they survive a restart
    e.start()
    try:
        two = ok(signed(e, "DescribeEpcForCluster", {"MaxResults": 50}, access_key="AKLTTWO",
                        secret_key="two-secret"))
        assert two["TotalCount"] == 12 and [h["InstanceId"] for h in two["InstanceSet"]][-3:] == created
    finally:
        e.stop()


# ------------------------------------------------------------------------------------ refusals

def test_bad_bodies_create_nothing(emulator_server, signed):
    e = emulator_server
    store = e.region_store()
    counts = (store.count("epc"), store.count("kec"), json.dumps(store.get("subnet", world.EPC_SUBNET)))
    bad = [
        {},                                                             # no kind
        {"kind": "bare_metal"},
        {"kind": 5},
        {"kind": "epc_host", "count": 0},
        {"kind": "epc_host", "count": 1001},
        {"kind": "epc_host", "count": "3"},
        {"kind": "epc_host", "count": True},
        {"kind": "epc_host", "count": 2.0},
        {"kind": "epc_host", "colour": "red"},                          # an unknown top-level field
        {"kind": "epc_host", "fields": ["VpcId"]},
        {"kind": "epc_host", "fields": {"InstanceState": "stopped"}},   # a KEC field
        {"kind": "kec_instance", "fields": {"OsName": "x"}},            # an EPC field
        {"kind": "epc_host", "fields": {"InstanceName": 5}},
        {"kind": "epc_host", "fields": {"InstanceName": ""}},
        {"kind": "epc_host", "fields": {"count": 2}},
        {"kind": "epc_host", "fields": {"region": "cn-beijing-6"}},
        {"kind": "epc_host", "fields": {"SubnetId": "no-such-subnet"}},
        {"kind": "epc_host", "fields": {"VpcId": "no-such-vpc"}},
        {"kind": "epc_host", "fields": {"VpcId": world.OTHER_VPC, "SubnetId": world.EPC_SUBNET}},
        {"kind": "epc_host", "fields": {"SubnetId": world.RESERVE_SUBNET}},
        {"kind": "epc_host", "fields": {"SecurityGroupId": world.OTHER_SG}},  # of the other VPC
        {"kind": "kec_instance", "fields": {"InstanceState": "running"}},
        {"kind": "kec_instance", "fields": {"InstanceType": "big"}},
        {"kind": "epc_host", "region": ""},
        {"kind": "epc_host", "region": 6},
        {"kind": "epc_host", "access_key": 6},
    ]
    for body in bad:
        r = requests.post(e.url + "/_emulator/world", json=body)
        assert r.status_code == 400 and "error" in r.json(), (body, r.text)
    for body in ({"kind": "epc_host", "access_key": "AKLTNOBODY"},
                 {"kind": "kec_instance", "count": 2, "access_key": "AKLTNOBODY"}):
        r = requests.post(e.url + "/_emulator/world", json=body)
        assert r.status_code == 404 and "error" in r.json(), body
    assert requests.post(e.url + "/_emulator/world", data="[1]").status_code == 400
    assert requests.post(e.url + "/_emulator/world", data="{").status_code == 400
    assert requests.get(e.url + "/_emulator/world").status_code == 404
    assert (store.count("epc"), store.count("kec"), json.dumps(store.get("subnet", world.EPC_SUBNET))) == counts
    assert ok(signed(e, "DescribeEpcForCluster", {"MaxResults": 50}))["TotalCount"] == 9


def test_a_full_subnet_adds_nothing(core_actions):
    data = world.default_world()
    small = {"SubnetId": "small-subnet", "SubnetName": "small", "VpcId": world.VPC, "CidrBlock": "10.0.200.0/28",
             "AvailabilityZone": "cn-beijing-6b", "SubnetType": "Normal", "Aliases": []}
    data["regions"]["cn-beijing-6"]["subnets"].append(small)
    e = Emulator(world=data)
    e.start()
    try:
        store = e.region_store()
        before = store.count("epc"), store.get("subnet", "small-subnet")
        body = {"kind": "epc_host", "count": 12, "fields": {"SubnetId": "small-subnet"}}   # .4-.14: 11 free
        r = requests.post(e.url + "/_emulator/world", json=body)
        assert r.status_code == 400 and "free IP" in r.json()["error"]
        assert (store.count("epc"), store.get("subnet", "small-subnet")) == before
        assert len(add(e, dict(body, count=11))) == 11
    finally:
        e.stop()


def _non_loopback_ip():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.1", 9))
        ip = s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()
    return None if ip.startswith("127.") else ip


def test_world_refuses_non_loopback_clients(core_actions):
    ip = _non_loopback_ip()
    if ip is None:
        pytest.skip("no non-loopback interface")
    e = Emulator()
    e.start(host="0.0.0.0")
    try:
        r = requests.post("http://%s:%d/_emulator/world" % (ip, e.port), json={"kind": "epc_host"}, timeout=5)
        assert r.status_code == 403
        assert e.region_store().count("epc") == len(world.default_world()["regions"]["cn-beijing-6"]["epc_instances"])
    finally:
        e.stop()
