"""KCE state and lifecycles — container clusters and nodes (service `kce`, API version 2019-08-06), 13 actions.

Store kinds (in `req.store`, scoped to account + region; the world kinds are described in world.py):

- `cluster` (id ClusterId): the documented ClusterSet fields + `_vpc` (canonical VPC id), `_public`
  (the PublicApiServer EIP parameters or null), `_created`, `_updated`, `_fail`, `_deleted`,
  `_delete_mode`, `_counts` (cached NodeNum / NormalNodeNum, see `_worker_counts`).
- `node` (id InstanceId, parent ClusterId): `InstanceId`, `InstanceName`, `InstanceRole`, `_cluster`,
  `_type` (`kec` / `epc`), `_origin` (`created` by the cluster / `existed` KEC / `epc`), `_ip`,
  `_created`, `_fail`, `_deleted`, `_delete_mode`.
- `kce_pending` / `deleting`: the clusters and nodes being deleted (purged once their stage is over).

A node's `KecInstancePara` / `EpcInstancePara` is built when read from its `kec` / `epc` world object
(every KEC node is also a `kec` object whose `_cluster` names the cluster).

Lifecycles (lazy, `core.stage`, one stage = `req.lifecycle` seconds):

- cluster: `building` for two stages (while its first nodes are built and installed), then
  `running`; with `req.fail_next("cluster")` at creation it ends `error` and its nodes `failed`;
  with `req.outcome("not_ready")` (fault `not_ready` scheduled for CreateCluster) it ends `NotReady`
  (its nodes are fine: the documents do not say what makes a cluster NotReady).
- node: `building` -> `installing` -> `normal`; with `req.fail_next("node")` it ends `failed`; with
  `req.outcome("abnormal")` (fault `abnormal` scheduled for AddClusterInstances / AddExistedInstances /
  AddClusterEpcInstances) the first node of that request ends `abnormal`.
- DeleteClusterInstances: the node is `deleting` for one stage, then gone.  Its instance then goes
  per `InstanceDeleteMode`: `Terminate` destroys the KEC instance, `Remove` returns it to the world
  `stopped` (and so available again).  Default: `Terminate` for instances the cluster created,
  `Remove` for existing instances added with AddExistedInstances.  EPC hosts are only ever removed.
- DeleteCluster: the cluster and all its nodes are `deleting` for one stage, then gone (same rules).
  Every KCE request first purges what is gone (`_settle`, from the `kce_pending` list: no scan; the
  server runs it before the handler, `core.settles`).
- NodeNum / NormalNodeNum count Worker nodes only (ClusterSet table); a deleting worker still
  counts in NodeNum until it is gone.  `NotReady` and `abnormal` come only from the outcome faults
  above (the documents list them as statuses and say nothing of their causes).
- Node failure: `req.fail_next` answers once per request, so a fault scheduled for CreateCluster
  fails the cluster (and its nodes); one scheduled for AddClusterInstances / AddExistedInstances /
  AddClusterEpcInstances fails the first node of that request.
- Times: ClusterSet CreateTime / UpdateTime in UTC+8 (`2019-09-10T10:56:13+08:00`), instance
  CreateTime in UTC (`2019-09-10T15:22:43Z`), as printed.  KecInstancePara.ProjectId is a string
  (the table; the printed example shows 0), InstanceConfigure.DataDiskType a string ("SSD", as
  printed; the table says Integer).

Answer shapes: views.py; handlers: handlers.py.  Decisions where the document is silent or contradicts
itself: DECISIONS.md (in this directory).
"""
import datetime
import ipaddress

from .. import world
from ..core import conflict, insufficient_ip, invalid, new_id, new_mac, not_found, settles, stage


SERVICE = "kce"
VERSION = "2019-08-06"
ROLES = ["Worker", "Master_Etcd", "Master", "Etcd"]
MASTER_ROLES = ("Master_Etcd", "Master", "Etcd")
DELETE_MODES = ["Terminate", "Remove"]
EPC_CONTAINER_OS = "container"      # an EPC host can join a cluster when booted from a container image

REASON_IN_CLUSTER = "The instance is already in a k8s cluster"
REASON_NOT_STOPPED = "The instance is not in the stopped state"
REASON_OTHER_VPC = "The instance and k8s cluster are not in the same VPC"

CLUSTER_STAGES = ["building", "building", "running"]
CLUSTER_FAIL_STAGES = ["building", "building", "error"]
CLUSTER_NOT_READY_STAGES = ["building", "building", "NotReady"]
NODE_STAGES = ["building", "installing", "normal"]
NODE_FAIL_STAGES = ["building", "installing", "failed"]
NODE_ABNORMAL_STAGES = ["building", "installing", "abnormal"]
PHYSICAL = "PhysicalMachine"          # ClusterType of a cluster of EPC hosts
GONE_STAGES = ["deleting", None]


def _fmtz(ts):
    """Instance times: 2019-09-10T15:22:43Z."""
    return datetime.datetime.fromtimestamp(int(ts), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


# ------------------------------------------------------------------------------- world lookups

_NOT_FOUND = {"vpc": "Vpc", "subnet": "Subnet", "security_group": "SecurityGroup", "image": "Image"}


def _world(req, kind, ident):
    """The world's `kind` object with id `ident` (vpc, subnet, security_group, image), or <Kind>NotFound."""
    obj = req.store.get(kind, ident)
    if obj is None:
        raise not_found(_NOT_FOUND[kind], ident)
    return obj


def _canon(obj, key):
    return obj.get("_canon") or obj.get(key)


def _allocate_ip(req, subnet):
    """Next free address of the subnet (world.take_ip, the allocator KCI shares)."""
    try:
        return world.take_ip(req.store, subnet)
    except world.SubnetFull:
        raise insufficient_ip(subnet.get("SubnetId"))


# ------------------------------------------------------------------------- lifecycle (lazy)

def _cluster_status(req, c):
    """Current status of a stored cluster, or None when it is gone."""
    now = req.now()
    if c.get("_deleted") is not None:
        return stage(c["_deleted"], now, req.lifecycle, GONE_STAGES)
    stages = CLUSTER_FAIL_STAGES if c.get("_fail") else CLUSTER_NOT_READY_STAGES if c.get("_not_ready") else CLUSTER_STAGES
    return stage(c["_created"], now, req.lifecycle, stages)


def _node_status(req, n):
    now = req.now()
    if n.get("_deleted") is not None:
        return stage(n["_deleted"], now, req.lifecycle, GONE_STAGES)
    stages = NODE_FAIL_STAGES if n.get("_fail") else NODE_ABNORMAL_STAGES if n.get("_abnormal") else NODE_STAGES
    return stage(n["_created"], now, req.lifecycle, stages)


def _release(req, node):
    """The node is gone: destroy or free its instance."""
    iid = node["InstanceId"]
    if node.get("_type") == "epc":
        e = req.store.get("epc", iid)
        if e is not None and e.get("_cluster") == node.get("_cluster"):
            e["_cluster"] = None
            req.store.put("epc", iid, e)
        return
    mode = node.get("_delete_mode") or ("Terminate" if node.get("_origin") == "created" else "Remove")
    k = req.store.get("kec", iid)
    if k is None or k.get("_cluster") != node.get("_cluster"):
        return
    if mode == "Terminate":
        req.store.delete("kec", iid)
    else:
        k["_cluster"] = None
        k["InstanceState"] = "stopped"
        req.store.put("kec", iid, k)


# Deleted clusters and nodes are listed in one bookkeeping object so that every request can purge
# the ones whose `deleting` stage is over without scanning the account: {"clusters": {id: deleted
# at}, "nodes": {id: [cluster id, deleted at]}}.
PENDING_KIND, PENDING_ID = "kce_pending", "deleting"


def _pending(req):
    return req.store.get(PENDING_KIND, PENDING_ID) or {"clusters": {}, "nodes": {}}


def _save_pending(req, pending):
    req.store.put(PENDING_KIND, PENDING_ID, pending)


def _gone(req, deleted_at):
    return stage(deleted_at, req.now(), req.lifecycle, GONE_STAGES) is None


def _purge_node(req, node, pending):
    _release(req, node)
    req.store.delete("node", node["InstanceId"])
    pending["nodes"].pop(node["InstanceId"], None)


def _purge_cluster(req, cid, pending):
    for n in req.store.list("node", parent=cid):
        _purge_node(req, n, pending)
    req.store.delete("cluster", cid)
    pending["clusters"].pop(cid, None)


@settles(SERVICE, VERSION)
def _settle(req):
    """Purge the clusters and nodes whose deletion is complete (the server runs this before every KCE
    handler), so that afterwards an instance's `_cluster` is the truth."""
    pending = req.store.get(PENDING_KIND, PENDING_ID)
    if not pending or not (pending["clusters"] or pending["nodes"]):
        return
    changed = False
    for cid, at in list(pending["clusters"].items()):
        if _gone(req, at):
            _purge_cluster(req, cid, pending)
            changed = True
    for iid, (cid, at) in list(pending["nodes"].items()):
        if _gone(req, at):
            node = req.store.get("node", iid)
            if node is not None:
                _purge_node(req, node, pending)
            pending["nodes"].pop(iid, None)
            changed = True
    if changed:
        _save_pending(req, pending)


def _mark_node_deleted(req, pending, node, now, mode):
    node["_deleted"] = now
    node["_delete_mode"] = mode
    req.store.put("node", node["InstanceId"], node, parent=node["_cluster"])
    pending["nodes"][node["InstanceId"]] = [node["_cluster"], now]


def _live_nodes(req, cid):
    """[(node, status)] of a cluster, in creation order (gone nodes are purged on the way)."""
    out, gone = [], []
    for n in req.store.list("node", parent=cid):
        st = _node_status(req, n)
        if st is None:
            gone.append(n)
        else:
            out.append((n, st))
    if gone:
        pending = _pending(req)
        for n in gone:
            _purge_node(req, n, pending)
        _save_pending(req, pending)
    return out


def _live_cluster(req, cid):
    """(cluster, status) or None if it does not exist (a gone cluster is purged)."""
    c = req.store.get("cluster", cid)
    if c is None:
        return None
    st = _cluster_status(req, c)
    if st is None:
        pending = _pending(req)
        _purge_cluster(req, cid, pending)
        _save_pending(req, pending)
        return None
    return c, st


def _get_cluster(req, cid):
    got = _live_cluster(req, cid)
    if got is None:
        raise not_found("Cluster", cid)
    return got


def _require_physical(c):
    """EPC hosts join physical-machine clusters only (the document's ClusterId of the EPC actions)."""
    if c.get("ClusterType") != PHYSICAL:
        raise invalid("ClusterId", "The cluster '%s' is not a physical-machine cluster (its type is %s)." %
                      (c["ClusterId"], c.get("ClusterType")))


def _require_status(cid, status, allowed):
    if status not in allowed:
        raise conflict("InvalidClusterStatus",
                       "The cluster '%s' is %s; this operation needs it %s." % (cid, status, " or ".join(allowed)))


def _owner(obj):
    """The cluster a kec/epc instance belongs to (after `_settle`), or None."""
    return obj.get("_cluster") or None


def _next_change(req, n, now):
    """When the node's status changes next (None: never, it is in its last stage)."""
    life = req.lifecycle
    if not life or life <= 0:
        return None
    if n.get("_deleted") is not None:
        start, stages = n["_deleted"], len(GONE_STAGES)
    else:
        start, stages = n["_created"], len(NODE_STAGES)
    end = start + (stages - 1) * life
    if now >= end:
        return None
    if now < start:
        return start + life
    return start + (int((now - start) // life) + 1) * life


def _worker_counts(req, c):
    """(NodeNum, NormalNodeNum), cached on the cluster until a node's status next changes; every
    action that adds or deletes nodes clears the cache (`_counts`)."""
    now = req.now()
    cache = c.get("_counts")
    if cache and cache.get("lifecycle") == req.lifecycle and (cache["until"] is None or now < cache["until"]):
        return cache["num"], cache["normal"]
    num = normal = 0
    until = None
    for n in req.store.list("node", parent=c["ClusterId"]):
        if n["InstanceRole"] != "Worker":
            continue
        st = _node_status(req, n)
        if st is None:
            continue
        num += 1
        normal += st == "normal"
        t = _next_change(req, n, now)
        if t is not None and (until is None or t < until):
            until = t
    c["_counts"] = {"num": num, "normal": normal, "until": until, "lifecycle": req.lifecycle}
    req.store.put("cluster", c["ClusterId"], c)
    return num, normal


# ------------------------------------------------------------------------- world pre-seeding

def seed_cluster_objects(spec, kec_by_id, epc_by_id, vpcs):
    """(cluster, [node]) store objects for a cluster listed in the world (always `running`)."""
    created = _parse_time(spec["CreateTime"])
    updated = _parse_time(spec.get("UpdateTime") or spec["CreateTime"])
    vpc = vpcs.get(spec["VpcId"]) or {}
    cluster = {
        "ClusterId": spec["ClusterId"], "ClusterName": spec["ClusterName"],
        "ClusterDesc": spec.get("ClusterDesc", ""), "ClusterType": spec.get("ClusterType", "VirtualMachine"),
        "ClusterManageMode": spec.get("ClusterManageMode", "DedicatedCluster"),
        "NetworkType": spec.get("NetworkType", "Flannel"), "K8sVersion": spec.get("K8sVersion", "v1.15.5"),
        "MasterEtcdSeparate": bool(spec.get("MasterEtcdSeparate", False)),
        "PodCidr": spec["PodCidr"], "ServiceCidr": spec["ServiceCidr"], "VpcId": spec["VpcId"],
        "VpcCidr": vpc.get("CidrBlock", ""), "MaxPodPerNode": spec.get("MaxPodPerNode", 128),
        "ReserveSubnetId": spec.get("ReserveSubnetId"), "EnableKMSE": False,
        "_vpc": spec["VpcId"], "_public": spec.get("PublicApiServer"), "_created": created,
        "_updated": updated, "_fail": False, "_deleted": None, "_delete_mode": None,
    }
    nodes = []
    for ref in spec.get("Nodes", []):
        iid = ref["InstanceId"]
        if iid in epc_by_id:
            e = epc_by_id[iid]
            nics = (e.get("EpcInstancePara") or {}).get("NetworkInterfaceSet") or [{}]
            name, ip, typ, origin = e["InstanceName"], nics[0].get("PrivateIpAddress"), "epc", "epc"
        elif iid in kec_by_id:
            k = kec_by_id[iid]
            name, ip, typ, origin = k["InstanceName"], k["PrivateIpAddress"], "kec", ref.get("Origin", "created")
        else:
            raise ValueError("world: cluster %s lists unknown instance %s" % (spec["ClusterId"], iid))
        nodes.append({"InstanceId": iid, "InstanceName": name, "InstanceRole": ref["InstanceRole"],
                      "_cluster": spec["ClusterId"], "_type": typ, "_origin": origin, "_ip": ip,
                      "_created": created, "_fail": False, "_deleted": None, "_delete_mode": None})
    return cluster, nodes


REASON_NO_POD_ROOM = "The cluster's PodCidr has no room for more nodes"


def _room_left(req, c):
    """How many more nodes the cluster's PodCidr can hold (MaxPodPerNode addresses each)."""
    room = ipaddress.ip_network(c["PodCidr"]).num_addresses // int(c.get("MaxPodPerNode") or 128)
    return room - req.store.count("node", parent=c["ClusterId"])


def _pod_room(pod_net, max_pods, nodes, pname):
    room = pod_net.num_addresses // max_pods
    if nodes > room:
        raise invalid(pname, "PodCidr %s has room for %d nodes with MaxPodPerNode=%d, not %d." %
                      (pod_net, room, max_pods, nodes))


# ------------------------------------------------------------------------------- creation

def _make_kec_nodes(req, cid, role, spec, index_base, now):
    """Create spec['count'] KEC instances + nodes for `role`; returns [(id, name)]."""
    made = []
    for i in range(spec["count"]):
        iid = new_id(req.rng, req.store, "kec", "node", "epc")
        if spec["name"]:
            if spec["suffix"] is not None:
                name = "%s-%d" % (spec["name"], spec["suffix"] + i)
            elif spec["count"] > 1:
                name = "%s-%d" % (spec["name"], i + 1)
            else:
                name = spec["name"]
        else:
            name = "kce-%s-%s-%d" % (cid[:8], role.lower().replace("_", "-"), index_base + i + 1)
        subnet = spec["subnet"]
        ip = _allocate_ip(req, subnet)
        k = {
            "InstanceId": iid, "InstanceName": name, "InstanceType": spec["type"], "InstanceState": "active",
            "VpcId": subnet["VpcId"], "SubnetId": subnet["SubnetId"], "PrivateIpAddress": ip,
            "AvailabilityZone": subnet.get("AvailabilityZone"), "ImageId": spec["image"],
            "ChargeType": spec["charge"], "ProjectId": spec["project"],
            "InstanceConfigure": {"VCPU": spec["vcpu"], "MemoryGb": spec["mem"], "GPU": 0,
                                  "DataDiskGb": spec["data_disk"], "RootDiskGb": 20,
                                  "DataDiskType": "SSD"},
            "SystemDisk": {"DiskType": "Local_SSD", "DiskSize": 20},
            "NetworkInterfaceId": new_id(req.rng, req.store), "MacAddress": new_mac(req.rng), "SecurityGroupIds": [spec["sg"]],
            "CreateTime": _fmtz(now), "_cluster": cid,
        }
        if spec["host"] is not None:
            k["DedicatedHostId"] = spec["host"]["DedicatedHostId"]
            k["DedicatedName"] = spec["host"].get("DedicatedHostName", "")
        req.store.put("kec", iid, k)
        made.append((iid, name, ip))
    return made


def _put_node(req, cid, iid, name, role, typ, origin, ip, now, fail, abnormal=False):
    req.store.put("node", iid, {
        "InstanceId": iid, "InstanceName": name, "InstanceRole": role, "_cluster": cid, "_type": typ,
        "_origin": origin, "_ip": ip, "_created": now, "_fail": fail, "_abnormal": abnormal, "_deleted": None,
        "_delete_mode": None,
    }, parent=cid)


def _abnormal_first(req):
    """A callable: True for the first node a request adds when the `abnormal` outcome was scheduled."""
    left = [bool(req.outcome("abnormal"))]

    def first():
        hit, left[0] = left[0], False
        return hit
    return first


def _epc_free_for(req, e, vpc_canon):
    """None when the EPC host can join a cluster in vpc_canon, else the reason."""
    if _owner(e):
        return REASON_IN_CLUSTER
    if e.get("VpcId") != vpc_canon:
        return REASON_OTHER_VPC
    os_name = ((e.get("EpcInstancePara") or {}).get("OsName") or "").lower()
    if EPC_CONTAINER_OS not in os_name:
        return "The instance is not running a container-service image"
    return None


def _canon_values(req, kind, values):
    """Filter values resolved to canonical ids (a literal alias matches its object)."""
    if values is None:
        return None
    out = set()
    for v in values:
        obj = req.store.get(kind, v)
        out.add(obj.get("_canon", v) if obj else v)
    return out


def _subnet_canon(req, subnet_id):
    s = req.store.get("subnet", subnet_id) if subnet_id else None
    return s.get("_canon", subnet_id) if s else subnet_id


def _kec_reason(req, k, vpc_canon):
    """(Available, UnavailableReason, ClusterId) of a (settled) KEC instance: the document's three conditions."""
    owner = _owner(k)
    if owner:
        return False, REASON_IN_CLUSTER, owner
    if vpc_canon is not None and k.get("VpcId") != vpc_canon:
        return False, REASON_OTHER_VPC, None
    if k.get("InstanceState") != "stopped":
        return False, REASON_NOT_STOPPED, None
    return True, None, None
