"""The default world: what a new account finds in a region before it has created anything.

`seed(store, region, data=None)` fills one account's region (the server calls it on first use);
`load(path)` reads a `--world FILE` JSON of the same shape as `default_world()` and
`set_world(data)` makes it the data that `seed` uses from then on.  Standard library only.

Only `cn-beijing-6` (zones cn-beijing-6a/b/c) is populated by default; every other region is empty.
The ids are the ones printed in the KCE document's examples, so that every example request there
succeeds unchanged against a fresh emulator.  The document prints some ids in two spellings
(`31e21dca-c92e-4b06-a8ce-xxxxx` and `...-xxxxxx`): each spelling is its own literal id here, the
second one an *alias* of the first (a full copy of the object whose `_canon` names the canonical id).

Store kinds written here (scope: account + region), each object a JSON dict; `_`-keys are private:

- `vpc` (id VpcId): `VpcId`, `VpcName`, `CidrBlock`, `_canon`.
- `subnet` (id SubnetId): `SubnetId`, `SubnetName`, `VpcId` (canonical), `CidrBlock`,
  `AvailabilityZone`, `SubnetType` (`Normal`, or `Reserve` = the VPC's endpoint subnet, what a
  cluster's ReserveSubnetId names), `_canon`, `_ip_next` / `_ip_seeded` (node address allocation).
- `security_group` (id SecurityGroupId): `SecurityGroupId`, `SecurityGroupName`, `VpcId`
  (canonical), `_canon`.
- `image` (id ImageId): `ImageId`, `ImageName`, `ImageType` (`public` / `private`): the node images
  of DescribeInstanceImage.
- `dedicated_host` (id DedicatedHostId): `DedicatedHostId`, `DedicatedHostName`, `AvailabilityZone`.
- `kec` (id InstanceId): a KEC instance: `InstanceId`, `InstanceName`, `InstanceType`,
  `InstanceState` (`active` = running, or `stopped`), `VpcId` (canonical), `SubnetId`,
  `PrivateIpAddress`, `AvailabilityZone`, `ImageId`, `ChargeType`, `ProjectId`, `InstanceConfigure`,
  `SystemDisk`, `NetworkInterfaceId`, `MacAddress`, `SecurityGroupIds`, `CreateTime`, optional
  `DedicatedHostId` / `DedicatedName`, and `_cluster` (the cluster it belongs to, or null).
- `epc` (id InstanceId): a bare-metal host: `InstanceId`, `InstanceName`, `VpcId` (canonical),
  `SubnetId`, `EpcInstancePara` (as documented), `_cluster`.
- `cluster` and `node` (parent = cluster id): written by `kce/models.py`; the world may pre-seed clusters
  (see `kce.models.seed_cluster_objects`).

Made later (test control, `POST /_emulator/world` / `Emulator.add_world`): `new_epc_hosts` and
`new_kec_instances` add records of the same shape as the seeded `epc` / `kec` ones, standing in for
hosts and VMs made through the EPC and KEC services (which the emulator does not speak); see
`generate()` for the fields a caller may set.

World JSON: `{"regions": {"<region>": {"vpcs": [...], "subnets": [...], "security_groups": [...],
"images": [...], "dedicated_hosts": [...], "kec_instances": [...], "epc_instances": [...],
"clusters": [...]}}}` — every list optional; objects as in `default_world()`; `Aliases` (a list of
other literal ids) is accepted on vpcs, subnets and security groups; a cluster lists its `Nodes`
as `{"InstanceId", "InstanceRole"}` referring to a `kec_instances` / `epc_instances` entry.
"""
import copy
import datetime
import hashlib
import ipaddress
import json
import re
import uuid

REGION = "cn-beijing-6"
ZONES = ["cn-beijing-6a", "cn-beijing-6b", "cn-beijing-6c"]

# --- ids printed in the document -------------------------------------------------------------
VPC = "31e21dca-c92e-4b06-a8ce-xxxxxx"
VPC_ALIAS = "31e21dca-c92e-4b06-a8ce-xxxxx"
OTHER_VPC = "e8529d17-7015-48ef-36dd25xxxxxx"           # the KCI document's answer; a 2nd VPC
SUBNET = "7e23b980-11c2-4bb0-9388-xxxxxx"
SUBNET_ALIASES = ["7e23b980-11c2-4bb0-9388-xxxxxxx"]
RESERVE_SUBNET = "372bdbac-ea1d-4f99-9c30-xxxxxx"
RESERVE_SUBNET_ALIASES = ["372bdbac-ea1d-4f99-9c30-xxxxxxx"]
KDC_SUBNET = "f2ac1919-0e34-4812-8290-xxxxxx"
KDC_SUBNET_ALIASES = ["f2ac1919-0e34-4812xxxxxx"]        # the KCI document's spelling
EPC_SUBNET = "bedc5e27-3811-46c5-ab5f-xxxxxxx"
OTHER_SUBNET = "d9b2b914-1533-4299-563a36xxxxxx"
SG = "d46c7672-7ca9-4f51-bbd9-xxxxxx"
SG_ALIASES = ["d46c7672-7ca9-4f51-bbd9-xxxxxxx", "d46c7672-7ca9-4f51xxxxxx"]
OTHER_SG = "30c47f6e-51ac-4fc3-2b7303xxxxxx"
IMAGE_CENTOS = "5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7"
IMAGE_UBUNTU = "02335506-240c-4129-99da-10af1d9a3f32"
IMAGE_PRIVATE = "4b293997-9940-42bd-a5f0-xxxxxx"        # AddExistedInstances example's KecPara
DEDICATED_HOST = "33b44f3e-a037-423e-a850-xxxxxx"
EPC_IMAGE = "pr950cb13a-bd1d-4922-80ff-xxxxxxx"
EPC_OS = "Centos-7.3-x86-64-container"

#: EPC hosts of CreateCluster example 3 (all free, container image, main VPC).
EPC_EXAMPLE3 = [
    "70e4807b-3ed0-4bd5-a06f-xxxxxx", "f3a751bb-4663-4f4f-af01-xxxxxx", "aadf2c78-bc56-40e3-93db-xxxxxx",
    "4c20cc6c-01e6-4215-99c5-xxxxxx", "39275b85-fea4-4516-b399-xxxxxx", "13f363f3-b108-4e60-b15c-xxxxxx",
    "cd434dad-77e7-4734-b8a7-xxxxxx",
]
EPC_FREE = "9c362d96-ad25-491d-8f7d-xxxxxxx"            # DescribeEpcForCluster / AddClusterEpcInstances
EPC_WRONG_IMAGE = "0b6f5c1e-3d2a-4e8f-9a7b-5c4d3e2f1a0b"
EPC_OTHER_VPC = "1c7a6d2f-4e3b-4f9a-8b8c-6d5e4f3a2b1c"

KEC_AVAILABLE = "ee355b5d-79e4-4505-b0a5-xxxxxx"          # stopped, main VPC, in no cluster
KEC_AVAILABLE_2 = "5a0c3e1d-2b4f-4a6e-9d8c-7b6a5f4e3d2c"
KEC_RUNNING = "6b1d4f2e-3c5a-4b7f-8e9d-8c7b6a5f4e3d"      # running -> not in the stopped state
KEC_OTHER_VPC = "7c2e5a3f-4d6b-4c8a-9f0e-9d8c7b6a5f4e"    # stopped, other VPC

CLUSTER_MAIN = "b12d7079-1e59-4626-90eb-xxxxxx"           # DescribeCluster, AddClusterInstances, ...
CLUSTER_CANAL = "c4d64fa0-0ee2-409a-b003-xxxxxx"          # DescribeCluster's 2nd cluster
CLUSTER_NODES = "79dac1a8-3387-4769-82a5-xxxxxx"          # DescribeClusterInstance example (6 nodes)
CLUSTER_DELETE_NODES = "b12d7079-1e59-4626-90eb-f23348232c77"   # DeleteClusterInstances example
NODE_TO_DELETE = "7f587306-9aef-4cb9-b0fe-xxxxxx"
CLUSTER_EXISTED = "0ffb863-9bdc-4558-a947-xxxxxx"         # DescribeExistedInstances / AddExistedInstances
CLUSTER_EPC = "12d776f8-bb96-4556-9be6-xxxxxxx"           # AddClusterEpcInstances
CLUSTER_EPC_2 = "12d776f8-bb96-4556-9be6-fd67bf0591c1"     # DescribeEpcForCluster

_ACTIVE = None      # data set by set_world()/load(); None = default_world()


def _uid(text):
    """A stable uuid-shaped id derived from `text` (for the generated parts of the world)."""
    return str(uuid.UUID(hashlib.sha256(text.encode()).hexdigest()[:32], version=4))


def _mac(text):
    d = hashlib.sha256(("mac:" + text).encode()).hexdigest()
    return "fa:16:3e:%s:%s:%s" % (d[0:2], d[2:4], d[4:6])


# --------------------------------------------------------------------------- the default data

def _kec(iid, name, ip, *, state="active", vpc=VPC, subnet=SUBNET, zone="cn-beijing-6b",
         itype="I3.4B", vcpu=4, mem=8, image=IMAGE_CENTOS, created="2019-09-10T15:22:43Z",
         sg=SG, eni=None, mac=None):
    return {
        "InstanceId": iid, "InstanceName": name, "InstanceType": itype, "InstanceState": state,
        "VpcId": vpc, "SubnetId": subnet, "PrivateIpAddress": ip, "AvailabilityZone": zone,
        "ImageId": image, "ChargeType": "Daily", "ProjectId": "0",
        "InstanceConfigure": {"VCPU": vcpu, "MemoryGb": mem, "GPU": 0, "DataDiskGb": 50, "RootDiskGb": 20,
                              "DataDiskType": "SSD"},
        "SystemDisk": {"DiskType": "Local_SSD", "DiskSize": 20},
        "NetworkInterfaceId": eni or _uid("eni:" + iid), "MacAddress": mac or _mac(iid),
        "SecurityGroupIds": [sg], "CreateTime": created,
    }


def _epc(iid, name, ip, *, vpc=VPC, subnet=EPC_SUBNET, image=EPC_IMAGE, os_name=EPC_OS,
         zone="cn-beijing-6b", sg=SG, created="2019-09-02T09:12:30Z"):
    return {
        "InstanceId": iid, "InstanceName": name, "VpcId": vpc, "SubnetId": subnet,
        "EpcInstancePara": {
            "ProjectId": "0", "InstanceType": "CAL",
            "Cpu": {"Model": "Intel_E5_2620V4 * 2", "Frequency": "2.5GHZ", "Count": 2, "CoreCount": 32},
            "Memory": "128G", "Gpu": None,
            "DiskSet": [{"DiskType": "System", "Raid": "Raid1", "Space": "300GB"},
                        {"DiskType": "Data", "Raid": "Raid5", "Space": "6TB"}],
            "ImageId": image, "OsName": os_name, "ChargeType": None, "CreateTime": created,
            "AvailabilityZone": zone,
            "NetworkInterfaceSet": [{
                "NetworkInterfaceId": _uid("eni:" + iid), "NetworkInterfaceType": "primary",
                "SubnetId": subnet, "PrivateIpAddress": ip, "MacAddress": "18:de:d7:" + _mac(iid)[9:],
                "SecurityGroupSet": [{"SecurityGroupId": sg}]}],
        },
    }


def default_world():
    """The built-in world (a fresh deep copy each call)."""
    kec, epc, clusters = [], [], []

    # Free KEC instances: one available and one per UnavailableReason (the 3rd reason, "already in
    # a k8s cluster", is every node of the clusters below).
    kec += [
        _kec(KEC_AVAILABLE, "existing-kec-1", "10.0.11.23", state="stopped", itype="N3.2B", vcpu=2, mem=4,
             zone="cn-beijing-6b", created="2019-09-01T08:00:00Z"),
        _kec(KEC_AVAILABLE_2, "existing-kec-2", "10.0.11.24", state="stopped", itype="N3.2B", vcpu=2, mem=4,
             created="2019-09-01T08:00:05Z"),
        _kec(KEC_RUNNING, "running-kec-1", "10.0.11.25", state="active", itype="N3.2B", vcpu=2, mem=4,
             created="2019-09-01T08:01:00Z"),
        _kec(KEC_OTHER_VPC, "other-vpc-kec-1", "172.16.1.10", state="stopped", vpc=OTHER_VPC,
             subnet=OTHER_SUBNET, zone="cn-beijing-6a", itype="N3.2B", vcpu=2, mem=4, sg=OTHER_SG,
             created="2019-09-01T08:02:00Z"),
    ]

    # EPC hosts: the seven of CreateCluster example 3, the free one of DescribeEpcForCluster, one
    # booted from a non-container image, one in the other VPC, and those of the two EPC clusters.
    for i, iid in enumerate(EPC_EXAMPLE3):
        epc.append(_epc(iid, "epc-%d" % (i + 1), "10.0.64.%d" % (11 + i)))
    epc.append(_epc(EPC_FREE, "k8s_1", "10.0.64.25"))
    epc.append(_epc(EPC_WRONG_IMAGE, "epc-plain-os", "10.0.64.26", image="pr1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a",
                    os_name="CentOS-7.6-x86_64"))
    epc.append(_epc(EPC_OTHER_VPC, "epc-other-vpc", "172.16.2.10", vpc=OTHER_VPC, subnet=OTHER_SUBNET,
                    zone="cn-beijing-6a", sg=OTHER_SG))

    ip_counter = {"n": 30}

    def next_ip():
        ip_counter["n"] += 1
        return "10.0.23.%d" % ip_counter["n"]

    def vm_cluster(cid, name, desc, k8s, pod, network, created, updated, public, nodes):
        node_refs = []
        for iid, nname, role, ip in nodes:
            kec.append(_kec(iid, nname, ip, created=created_node(created)))
            node_refs.append({"InstanceId": iid, "InstanceRole": role})
        clusters.append({
            "ClusterId": cid, "ClusterName": name, "ClusterDesc": desc, "ClusterType": "VirtualMachine",
            "ClusterManageMode": "DedicatedCluster", "K8sVersion": k8s, "NetworkType": network,
            "MasterEtcdSeparate": False, "PodCidr": pod, "ServiceCidr": "10.254.0.0/16", "VpcId": VPC,
            "MaxPodPerNode": 128, "ReserveSubnetId": RESERVE_SUBNET, "PublicApiServer": public,
            "CreateTime": created, "UpdateTime": updated, "Nodes": node_refs})

    def created_node(cluster_created):
        # the node's own CreateTime (UTC, "Z"): the cluster's (printed in UTC+8) plus two minutes
        t = datetime.datetime.fromisoformat(cluster_created) + datetime.timedelta(minutes=2)
        return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def gen_nodes(prefix, masters, workers, extra=()):
        out = []
        for i in range(masters):
            iid = _uid(prefix + ":master:%d" % i)
            out.append((iid, "%s-master-%d" % (prefix, i + 1), "Master_Etcd", next_ip()))
        for i in range(workers):
            iid = _uid(prefix + ":worker:%d" % i)
            out.append((iid, "%s-worker-%d" % (prefix, i + 1), "Worker", next_ip()))
        return out + list(extra)

    public = {"LineId": "5fc2595f-1bfd-481b-bf64-2d08f116d800", "BandWidth": 5, "ChargeType": "PostPaidByDay"}
    vm_cluster(CLUSTER_MAIN, "openapi开机集群", "This is a test cluster", "v1.12.3", "10.66.0.0/16", "Flannel",
               "2019-09-10T10:56:13+08:00", "2019-09-10T11:02:46+08:00", public,
               gen_nodes("openapi", 3, 3))
    vm_cluster(CLUSTER_CANAL, "k8s-1.12.3", "", "v1.12.3", "10.11.0.0/16", "Canal",
               "2019-03-18T18:59:39+08:00", "2019-04-24T20:36:19+08:00", None,
               gen_nodes("k8s-canal", 3, 3))
    # DescribeClusterInstance example: the six printed nodes, in the printed order.
    printed = [
        ("6f2faec7-057f-455f-a45c-xxxxxx", "openapi-worker-1", "Worker", "10.0.22.28"),
        ("7c7c7003-1004-4b1b-a1c5-xxxxxx", "openapi-worker-2", "Worker", "10.0.22.29"),
        ("7dac9e5d-1325-4b66-83c0-xxxxxx", "openapi-master-2", "Master_Etcd", "10.0.22.5"),
        ("a33e44b5-471a-4edf-82e2-xxxxxx", "openapi-master-3", "Master_Etcd", "10.0.22.3"),
        ("f399f0d1-8388-427f-b2d7-xxxxxx", "openapi-worker-3", "Worker", "10.0.22.14"),
        ("feec18d8-9562-446d-9894-xxxxxx", "openapi-master-1", "Master_Etcd", "10.0.22.27"),
    ]
    vm_cluster(CLUSTER_NODES, "openapi-cluster", "", "v1.12.3", "10.68.0.0/16", "Flannel",
               "2019-09-10T23:20:05+08:00", "2019-09-10T23:31:40+08:00", None, printed)
    vm_cluster(CLUSTER_DELETE_NODES, "openapi-scale-demo", "", "v1.13.4", "10.70.0.0/16", "Flannel",
               "2019-09-11T10:01:00+08:00", "2019-09-11T10:12:00+08:00", None,
               gen_nodes("scale-demo", 3, 1, [(NODE_TO_DELETE, "scale-demo-worker-x", "Worker", next_ip())]))
    vm_cluster(CLUSTER_EXISTED, "existed-demo", "", "v1.15.5", "10.72.0.0/16", "Canal",
               "2019-09-12T09:30:00+08:00", "2019-09-12T09:41:00+08:00", None,
               gen_nodes("existed-demo", 3, 1))

    def epc_cluster(cid, name, pod, created, count):
        refs = []
        for i in range(count):
            iid = _uid(cid + ":epc:%d" % i)
            epc.append(_epc(iid, "%s-%d" % (name, i + 1), "10.0.64.%d" % (100 + len(epc))))
            refs.append({"InstanceId": iid, "InstanceRole": "Master_Etcd" if i < 3 else "Worker"})
        clusters.append({
            "ClusterId": cid, "ClusterName": name, "ClusterDesc": "", "ClusterType": "PhysicalMachine",
            "ClusterManageMode": "DedicatedCluster", "K8sVersion": "v1.15.5", "NetworkType": "Flannel",
            "MasterEtcdSeparate": False, "PodCidr": pod, "ServiceCidr": "10.254.0.0/16", "VpcId": VPC,
            "MaxPodPerNode": 128, "ReserveSubnetId": RESERVE_SUBNET, "PublicApiServer": None,
            "CreateTime": created, "UpdateTime": created, "Nodes": refs})

    epc_cluster(CLUSTER_EPC, "epc-cluster", "10.74.0.0/16", "2019-09-13T14:00:00+08:00", 4)
    epc_cluster(CLUSTER_EPC_2, "epc-cluster-2", "10.76.0.0/16", "2019-09-13T15:00:00+08:00", 4)

    beijing = {
        "vpcs": [
            {"VpcId": VPC, "VpcName": "kce-vpc", "CidrBlock": "10.0.0.0/16", "Aliases": [VPC_ALIAS]},
            {"VpcId": OTHER_VPC, "VpcName": "other-vpc", "CidrBlock": "172.16.0.0/16", "Aliases": []},
        ],
        "subnets": [
            # big enough for the 10,000-node scale benchmark
            {"SubnetId": SUBNET, "SubnetName": "kce-nodes", "VpcId": VPC, "CidrBlock": "10.0.0.0/18",
             "AvailabilityZone": "cn-beijing-6b", "SubnetType": "Normal", "Aliases": SUBNET_ALIASES},
            {"SubnetId": EPC_SUBNET, "SubnetName": "kce-epc", "VpcId": VPC, "CidrBlock": "10.0.64.0/20",
             "AvailabilityZone": "cn-beijing-6b", "SubnetType": "Normal", "Aliases": []},
            {"SubnetId": KDC_SUBNET, "SubnetName": "kce-kdc", "VpcId": VPC, "CidrBlock": "10.0.80.0/20",
             "AvailabilityZone": "cn-beijing-6a", "SubnetType": "Normal", "Aliases": KDC_SUBNET_ALIASES},
            {"SubnetId": "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", "SubnetName": "kce-nodes-c", "VpcId": VPC,
             "CidrBlock": "10.0.96.0/20", "AvailabilityZone": "cn-beijing-6c", "SubnetType": "Normal",
             "Aliases": []},
            {"SubnetId": RESERVE_SUBNET, "SubnetName": "kce-endpoint", "VpcId": VPC,
             "CidrBlock": "10.0.255.0/24", "AvailabilityZone": "cn-beijing-6b", "SubnetType": "Reserve",
             "Aliases": RESERVE_SUBNET_ALIASES},
            {"SubnetId": OTHER_SUBNET, "SubnetName": "other-a", "VpcId": OTHER_VPC, "CidrBlock": "172.16.0.0/20",
             "AvailabilityZone": "cn-beijing-6a", "SubnetType": "Normal", "Aliases": []},
            {"SubnetId": "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b", "SubnetName": "other-endpoint",
             "VpcId": OTHER_VPC, "CidrBlock": "172.16.255.0/24", "AvailabilityZone": "cn-beijing-6a",
             "SubnetType": "Reserve", "Aliases": []},
        ],
        "security_groups": [
            {"SecurityGroupId": SG, "SecurityGroupName": "kce-default", "VpcId": VPC, "Aliases": SG_ALIASES},
            {"SecurityGroupId": OTHER_SG, "SecurityGroupName": "other-default", "VpcId": OTHER_VPC, "Aliases": []},
        ],
        "images": [
            {"ImageId": IMAGE_CENTOS, "ImageName": "CentOS-7.3 64位", "ImageType": "public"},
            {"ImageId": IMAGE_UBUNTU, "ImageName": "Ubuntu-18.04 64位", "ImageType": "public"},
            {"ImageId": IMAGE_PRIVATE, "ImageName": "kce-node-centos7-custom", "ImageType": "private"},
        ],
        "dedicated_hosts": [
            {"DedicatedHostId": DEDICATED_HOST, "DedicatedHostName": "kdc-host-1", "AvailabilityZone": "cn-beijing-6a"},
        ],
        "kec_instances": kec,
        "epc_instances": epc,
        "clusters": clusters,
    }
    return {"regions": {REGION: beijing}}


# ------------------------------------------------------------------------------------ loading

def load(path):
    """Read a `--world FILE` JSON, check its shape, make it the active world and return it."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    set_world(data)
    return data


def set_world(data):
    """Use `data` (same shape as default_world(); None = the default) for every later seed()."""
    global _ACTIVE
    if data is not None:
        _check(data)
    _ACTIVE = copy.deepcopy(data) if data is not None else None


def _check(data):
    """Raise ValueError when a world document does not have the expected shape."""
    if not isinstance(data, dict) or not isinstance(data.get("regions", {}), dict):
        raise ValueError("world: expected {\"regions\": {region: {...}}}")
    for region, body in data.get("regions", {}).items():
        if not isinstance(body, dict):
            raise ValueError("world: region %r must be an object" % region)
        for key, value in body.items():
            if key not in _LIST_KEYS:
                raise ValueError("world: unknown key %r in region %r" % (key, region))
            if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
                raise ValueError("world: %s.%s must be a list of objects" % (region, key))
            for item in value:
                absent = [f for f in _REQUIRED[key] if not item.get(f)]
                if absent:
                    raise ValueError("world: an entry of %s.%s lacks %s" % (region, key, ", ".join(absent)))
        instances = {i["InstanceId"] for i in body.get("kec_instances", []) + body.get("epc_instances", [])}
        for c in body.get("clusters", []):
            for n in c.get("Nodes", []):
                if n.get("InstanceId") not in instances or not n.get("InstanceRole"):
                    raise ValueError("world: cluster %s lists %r, which is not a kec/epc instance of %s "
                                     "with an InstanceRole" % (c["ClusterId"], n.get("InstanceId"), region))


_LIST_KEYS = ("vpcs", "subnets", "security_groups", "images", "dedicated_hosts", "kec_instances",
              "epc_instances", "clusters")
_REQUIRED = {
    "vpcs": ("VpcId", "CidrBlock"),
    "subnets": ("SubnetId", "VpcId", "CidrBlock", "AvailabilityZone"),
    "security_groups": ("SecurityGroupId", "VpcId"),
    "images": ("ImageId", "ImageName", "ImageType"),
    "dedicated_hosts": ("DedicatedHostId", "AvailabilityZone"),
    "kec_instances": ("InstanceId", "InstanceName", "VpcId", "SubnetId", "PrivateIpAddress"),
    "epc_instances": ("InstanceId", "InstanceName", "VpcId", "SubnetId"),
    "clusters": ("ClusterId", "ClusterName", "VpcId", "PodCidr", "ServiceCidr", "CreateTime"),
}


# ------------------------------------------------------------------------------------ seeding

def _ip_offset(cidr, ip):
    try:
        net = ipaddress.ip_network(cidr, strict=False)
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if addr in net:
        return int(addr) - int(net.network_address)
    return None


def seed(store, region, data=None):
    """Fill `store` (already scoped to one account and region) with the world of `region`."""
    if data is None:
        data = _ACTIVE if _ACTIVE is not None else default_world()
    body = (data.get("regions") or {}).get(region)
    if not body:
        return
    body = copy.deepcopy(body)

    for v in body.get("vpcs", []):
        canon = v["VpcId"]
        obj = {k: v[k] for k in v if k != "Aliases"}
        for ident in [canon] + list(v.get("Aliases") or []):
            store.put("vpc", ident, dict(obj, VpcId=ident, _canon=canon))

    # IPs already taken in each subnet (seeded KEC and EPC instances): node IPs are allocated after them
    taken = {}
    for k in body.get("kec_instances", []):
        taken.setdefault(k.get("SubnetId"), []).append(k.get("PrivateIpAddress"))
    for e in body.get("epc_instances", []):
        for eni in (e.get("EpcInstancePara") or {}).get("NetworkInterfaceSet") or []:
            taken.setdefault(e.get("SubnetId"), []).append(eni.get("PrivateIpAddress"))

    alias_of = {}
    for s in body.get("subnets", []):
        canon = s["SubnetId"]
        for ident in [canon] + list(s.get("Aliases") or []):
            alias_of[ident] = canon
    for s in body.get("subnets", []):
        canon = s["SubnetId"]
        used = []
        for ident, ips in taken.items():
            if alias_of.get(ident) == canon:
                used += [o for o in (_ip_offset(s.get("CidrBlock", ""), ip) for ip in ips) if o is not None]
        obj = {k: s[k] for k in s if k != "Aliases"}
        obj.setdefault("SubnetType", "Normal")
        obj["_ip_next"] = 4                      # .1-.3 are the gateway / DNS of a ksyun subnet
        obj["_ip_seeded"] = sorted(set(used))
        for ident in [canon] + list(s.get("Aliases") or []):
            store.put("subnet", ident, dict(obj, SubnetId=ident, _canon=canon))

    for g in body.get("security_groups", []):
        canon = g["SecurityGroupId"]
        obj = {k: g[k] for k in g if k != "Aliases"}
        for ident in [canon] + list(g.get("Aliases") or []):
            store.put("security_group", ident, dict(obj, SecurityGroupId=ident, _canon=canon))

    for img in body.get("images", []):
        store.put("image", img["ImageId"], img)
    for h in body.get("dedicated_hosts", []):
        store.put("dedicated_host", h["DedicatedHostId"], h)

    membership = {}
    for c in body.get("clusters", []):
        for n in c.get("Nodes", []):
            membership[n["InstanceId"]] = c["ClusterId"]
    kec_list = [_full_kec(k) for k in body.get("kec_instances", [])]
    epc_list = [_full_epc(e) for e in body.get("epc_instances", [])]
    for k in kec_list:
        store.put("kec", k["InstanceId"], dict(k, _cluster=membership.get(k["InstanceId"])))
    for e in epc_list:
        store.put("epc", e["InstanceId"], dict(e, _cluster=membership.get(e["InstanceId"])))

    if body.get("clusters"):
        from .kce import models as kce   # the cluster/node object layout is kce/models.py's business
        kec_by_id = {k["InstanceId"]: k for k in kec_list}
        epc_by_id = {e["InstanceId"]: e for e in epc_list}
        vpcs = {v["VpcId"]: v for v in body.get("vpcs", [])}
        for c in body["clusters"]:
            cluster, nodes = kce.seed_cluster_objects(c, kec_by_id, epc_by_id, vpcs)
            store.put("cluster", cluster["ClusterId"], cluster)
            for node in nodes:
                store.put("node", node["InstanceId"], node, parent=cluster["ClusterId"])


def _full_kec(k):
    """A world KEC entry with every field a node view needs (defaults for the ones left out)."""
    base = _kec(k["InstanceId"], k["InstanceName"], k["PrivateIpAddress"], vpc=k["VpcId"], subnet=k["SubnetId"],
                zone=k.get("AvailabilityZone", "cn-beijing-6b"), state=k.get("InstanceState", "active"))
    base.update(k)
    return base


def _full_epc(e):
    nics = ((e.get("EpcInstancePara") or {}).get("NetworkInterfaceSet") or [{}])
    base = _epc(e["InstanceId"], e["InstanceName"], nics[0].get("PrivateIpAddress") or "10.0.64.254",
                vpc=e["VpcId"], subnet=e["SubnetId"])
    para = dict(base["EpcInstancePara"], **(e.get("EpcInstancePara") or {}))
    return dict(base, **dict(e, EpcInstancePara=para))


# ------------------------------------------------------------------ made later (test control)

#: the kinds of generate() and the fields a caller may set on each
GENERATED_FIELDS = {
    "epc_host": ("InstanceName", "VpcId", "SubnetId", "SecurityGroupId", "ImageId", "OsName"),
    "kec_instance": ("InstanceName", "VpcId", "SubnetId", "SecurityGroupId", "ImageId", "InstanceState",
                     "InstanceType"),
}
MAX_GENERATED = 1000
KEC_STATES = ("active", "stopped")
_KEC_TYPE_RE = re.compile(r"^[A-Z][A-Z0-9]*\.(\d{1,3})([A-E])$")
_KEC_RATIO = {"A": 1, "B": 2, "C": 4, "D": 8, "E": 16}


def control_add_world(emu, kind, count=1, region="cn-beijing-6", access_key=None, fields=None):
    """Emulate resources made through services the emulator does not speak (test control).

    `kind` is `epc_host` (a bare-metal host, as DescribeEpcForCluster lists) or `kec_instance`
    (a KEC VM, as DescribeExistedInstances lists); `count` (1..1000) records of the same shape
    as the world's seeded ones are added to `region` of the account `access_key` (default: the
    first account), seeded first if it was not yet.  `fields` override the defaults for every
    record (generate() lists them, e.g. VpcId, SubnetId, InstanceState="stopped", ImageId,
    InstanceName).  One transaction: on any error nothing is added.  Returns the new ids, in
    creation order.  Raises KeyError for an unknown account, ValueError for a bad kind, count,
    field or value, TypeError for wrong types.
    """
    if not isinstance(kind, str):
        raise TypeError("kind is a string")
    if not isinstance(region, str) or not region:
        raise TypeError("region is a non-empty string")
    if access_key is not None and not isinstance(access_key, str):
        raise TypeError("access_key is a string")
    account = emu.control_account(access_key)
    with emu.db.transaction():
        store = emu.region_store(account, region)
        return generate(store, kind, count, emu.rng, emu.now(), fields or {})


def _admin_world(emu, data):
    """POST /_emulator/world: {"kind", "count"?, "region"?, "access_key"?, "fields"?}."""
    unknown = sorted(set(data) - {"kind", "count", "region", "access_key", "fields"})
    if unknown:
        raise ValueError("unknown field(s): %s" % ", ".join(unknown))
    if "kind" not in data:
        raise ValueError("kind is required (epc_host or kec_instance)")
    fields = data.get("fields")
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise ValueError("fields is an object of field names and values")
    created = control_add_world(emu, data["kind"], count=data.get("count", 1), region=data.get("region", "cn-beijing-6"),
                                access_key=data.get("access_key"), fields=fields)
    return 200, {"created": created}


#: the world's test-control endpoint, dispatched by the server (KeyError 404, ValueError/TypeError 400)
ADMIN = {("POST", "/world"): _admin_world}


def generate(store, kind, count, rng, now, fields=None):
    """Add `count` new `kind` records (`epc_host` / `kec_instance`) to `store` (one account + region,
    already seeded) and return their ids, in creation order.

    `fields` (optional) sets, for every record: `InstanceName` (exactly that name when count is 1,
    else `<name>-1` ... `<name>-<count>`; default `epc-host-NNNN` / `kec-vm-NNNN`, the lowest numbers
    not in use), `VpcId` / `SubnetId` (default: the kind's seeded subnet, `kce-epc` /
    `kce-nodes`, or the first Normal subnet of the given VPC; the subnet names the VPC and zone),
    `SecurityGroupId` (default: the VPC's first), `ImageId`; EPC hosts also `OsName` (without
    "container" a host is not offered by DescribeEpcForCluster); KEC instances also `InstanceState`
    (`active`, the default, or `stopped`) and `InstanceType` (`<family>.<cores><A-E>`, default I3.4B).
    Addresses are the subnet's next free ones (the counter that kce/models.py allocates node addresses
    from), ids uuid-shaped from `rng`, times from `now` (epoch seconds).  Raises ValueError (bad
    kind, count, field or value; a subnet out of addresses) or TypeError (a field not a string);
    the caller's transaction then rolls back whatever was added.
    """
    if kind not in GENERATED_FIELDS:
        raise ValueError("kind is one of %s, not %r" % (", ".join(sorted(GENERATED_FIELDS)), kind))
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_GENERATED:
        raise ValueError("count is an integer within 1..%d" % MAX_GENERATED)
    if fields is not None and not isinstance(fields, dict):
        raise TypeError("fields is an object of field names and values")
    fields = dict(fields or {})
    unknown = sorted(set(fields) - set(GENERATED_FIELDS[kind]))
    if unknown:
        raise ValueError("unknown field(s) for %s: %s (known: %s)"
                         % (kind, ", ".join(unknown), ", ".join(GENERATED_FIELDS[kind])))
    for key, value in fields.items():
        if not isinstance(value, str):
            raise TypeError("field %s is a string, not %r" % (key, value))
        if not value or len(value) > 128:
            raise ValueError("field %s is 1..128 characters" % key)
    if kind == "epc_host":
        return new_epc_hosts(store, count, rng, now, fields)
    return new_kec_instances(store, count, rng, now, fields)


def new_epc_hosts(store, count, rng, now, fields):
    """`count` free bare-metal hosts, as the EPC service would make them (fields: see generate())."""
    subnet, vpc, sg = _placement(store, EPC_SUBNET, fields)
    names = _names(store, "epc", "epc-host", fields.get("InstanceName"), count)
    created = _fmt_time(now)
    ids = []
    for name in names:
        iid = _new_id(store, rng)
        ip = take_ip(store, subnet)
        rec = _epc(iid, name, ip, vpc=vpc, subnet=subnet["SubnetId"], image=fields.get("ImageId", EPC_IMAGE),
                   os_name=fields.get("OsName", EPC_OS), zone=subnet["AvailabilityZone"], sg=sg, created=created)
        store.put("epc", iid, dict(rec, _cluster=None))
        ids.append(iid)
    return ids


def new_kec_instances(store, count, rng, now, fields):
    """`count` KEC instances in no cluster, as the KEC service would make them (fields: see generate())."""
    state = fields.get("InstanceState", "active")
    if state not in KEC_STATES:
        raise ValueError("InstanceState is one of %s, not %r" % (", ".join(KEC_STATES), state))
    itype = fields.get("InstanceType", "I3.4B")
    m = _KEC_TYPE_RE.match(itype)
    if m is None or int(m.group(1)) < 1:
        raise ValueError("InstanceType is <family>.<cores><A-E> (e.g. I3.4B), not %r" % itype)
    vcpu = int(m.group(1))
    subnet, vpc, sg = _placement(store, SUBNET, fields)
    names = _names(store, "kec", "kec-vm", fields.get("InstanceName"), count)
    created = _fmt_time(now)
    ids = []
    for name in names:
        iid = _new_id(store, rng)
        ip = take_ip(store, subnet)
        rec = _kec(iid, name, ip, state=state, vpc=vpc, subnet=subnet["SubnetId"],
                   zone=subnet["AvailabilityZone"], itype=itype, vcpu=vcpu,
                   mem=vcpu * _KEC_RATIO[m.group(2)], image=fields.get("ImageId", IMAGE_CENTOS),
                   created=created, sg=sg)
        store.put("kec", iid, dict(rec, _cluster=None))
        ids.append(iid)
    return ids


def _fmt_time(now):
    return datetime.datetime.fromtimestamp(int(now), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_id(store, rng):
    """A uuid-shaped id from `rng`, unused by any instance or node of the region."""
    while True:
        iid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if all(store.get(kind, iid) is None for kind in ("kec", "epc", "node")):
            return iid


def _placement(store, default_subnet, fields):
    """(subnet object, canonical VPC id, security group id) for new instances; ValueError if unusable."""
    vpc_id, subnet_id, sg_id = fields.get("VpcId"), fields.get("SubnetId"), fields.get("SecurityGroupId")
    vpc_canon = None
    if vpc_id is not None:
        vpc = store.get("vpc", vpc_id)
        if vpc is None:
            raise ValueError("no VPC %r in this region" % vpc_id)
        vpc_canon = vpc.get("_canon") or vpc_id
    if subnet_id is not None:
        subnet = store.get("subnet", subnet_id)
        if subnet is None:
            raise ValueError("no subnet %r in this region" % subnet_id)
    else:
        candidates = [store.get("subnet", default_subnet)] + store.list("subnet")
        subnet = next((s for s in candidates if s is not None and s.get("SubnetType", "Normal") == "Normal"
                       and (s.get("_canon") or s["SubnetId"]) == s["SubnetId"]
                       and (vpc_canon is None or s.get("VpcId") == vpc_canon)), None)
        if subnet is None:
            raise ValueError("no Normal subnet%s in this region" % (" of VPC %r" % vpc_id if vpc_id else ""))
    if subnet.get("SubnetType", "Normal") != "Normal":
        raise ValueError("subnet %r is a %s subnet, not a Normal one" % (subnet_id, subnet.get("SubnetType")))
    if vpc_canon is not None and subnet.get("VpcId") != vpc_canon:
        raise ValueError("subnet %r is not in VPC %r" % (subnet_id, vpc_id))
    vpc_canon = subnet.get("VpcId")
    if sg_id is not None:
        sg = store.get("security_group", sg_id)
        if sg is None or sg.get("VpcId") != vpc_canon:
            raise ValueError("no security group %r in VPC %r" % (sg_id, vpc_canon))
    else:
        sg = next((g for g in store.list("security_group") if g.get("VpcId") == vpc_canon
                   and (g.get("_canon") or g["SecurityGroupId"]) == g["SecurityGroupId"]), None)
        if sg is None:
            raise ValueError("VPC %r has no security group" % vpc_canon)
        sg_id = sg["SecurityGroupId"]
    return subnet, vpc_canon, sg_id


def _names(store, kind, prefix, name, count):
    """The names of `count` new instances: `name` (or name-1..name-count), else unused `prefix-NNNN`."""
    if name is not None:
        return [name] if count == 1 else ["%s-%d" % (name, i) for i in range(1, count + 1)]
    used = {obj.get("InstanceName") for obj in store.list(kind)}
    out, n = [], 0
    while len(out) < count:
        n += 1
        candidate = "%s-%04d" % (prefix, n)
        if candidate not in used:
            out.append(candidate)
    return out


class SubnetFull(ValueError):
    """take_ip: the subnet has no free address left (the admin endpoint answers 400, the API
    400 InsufficientIpAddress)."""


def take_ip(store, subnet):
    """The subnet's next free address, the one allocator of the emulator: a counter on the canonical
    subnet object (`_ip_next`, skipping the `_ip_seeded` offsets of the seeded instances; the
    broadcast address is never used) that KCE nodes, KCI container groups and the admin world
    additions all take from, so none reuses another's address.  Raises SubnetFull."""
    canon_id = subnet.get("_canon") or subnet.get("SubnetId")
    canon = store.get("subnet", canon_id) or subnet
    net = ipaddress.ip_network(canon.get("CidrBlock") or "10.0.0.0/24", strict=False)
    seeded = set(canon.get("_ip_seeded") or [])
    off = int(canon.get("_ip_next") or 4)
    last = net.num_addresses - 2
    while off <= last and off in seeded:
        off += 1
    if off > last:
        raise SubnetFull("subnet %r has no free IP address left" % subnet.get("SubnetId"))
    canon["_ip_next"] = off + 1
    store.put("subnet", canon_id, canon)
    return str(net.network_address + off)


if __name__ == "__main__":       # print the default world: a template for --world FILE
    print(json.dumps(default_world(), ensure_ascii=False, indent=1))
