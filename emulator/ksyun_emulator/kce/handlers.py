"""KCE handlers: one function per `@action` (13 actions of API version 2019-08-06), each params ->
models -> views with all validation first, and the parameter checks they share (NodePara, KecPara,
InstanceSet.N, CIDRs, names).  State and lifecycles: models.py; answer shapes: views.py; the choices the
document left open: DECISIONS.md (in this directory).
"""
import ipaddress
import json
import re

from ..core import FILTER_PARAMS, PAGE_PARAMS, action, conflict, invalid, missing, new_id, not_found, paginate
from .models import (DELETE_MODES, EPC_CONTAINER_OS, MASTER_ROLES, PHYSICAL, REASON_IN_CLUSTER, REASON_NO_POD_ROOM,
                     ROLES, SERVICE, VERSION, _abnormal_first, _canon, _canon_values, _cluster_status, _epc_free_for,
                     _get_cluster, _kec_reason, _live_cluster, _live_nodes, _make_kec_nodes, _mark_node_deleted,
                     _node_status, _owner, _pending, _pod_room, _put_node, _require_physical, _require_status,
                     _room_left, _save_pending, _subnet_canon, _world)
from .views import _cluster_view, _existed_answer, _kubeconfig, _node_view


K8S_VERSIONS = ["v1.12.3", "v1.13.4", "v1.15.5"]
NETWORK_TYPES = ["Flannel", "Canal"]
MAX_PODS = [16, 32, 64, 128, 256]
MANAGE_MODES = ["DedicatedCluster"]
CHARGE_TYPES = ["Monthly", "Daily", "HourlyInstantSettlement", "PostPaidByDay", "PostPaidByHour",
                "PrePaidByMonth", "PostPaidByPeak", "Peak", "Spot"]
EIP_CHARGE_TYPES = ["PrePaidByMonth", "PostPaidByDay", "PostPaidByPeak", "PostPaidByHour",
                    "PostPaidByTraffic", "Monthly", "Daily", "Peak", "TrafficMonthly",
                    "DailyPaidByTransfer", "HourlyInstantSettlement"]
CLUSTER_NAME_RE = re.compile(r"^[\u4e00-\u9fa5A-Za-z0-9 \-,.!$^*()%#&+/:;<=>\[\]_`{}~]{2,64}$")
INSTANCE_TYPE_RE = re.compile(r"^[A-Z][A-Z0-9]*\.(\d+)([A-E])$")
DEDICATED_TYPE_RE = re.compile(r"^[A-Z][A-Z0-9]*\.NONE$")
RATIO = {"A": 1, "B": 2, "C": 4, "D": 8, "E": 16}
PRIVATE_NETS = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


def _entries(params, prefix):
    """[(N, full parameter name, value)] for every `prefix.N` (N in 0..100) in numeric order of N."""
    dotted = prefix + "."
    found = {}
    for key in params.keys():
        if not key.startswith(dotted):
            continue
        num = key[len(dotted):]
        if not (num.isdigit() and num.isascii()):
            continue
        n = int(num)
        if n > 100:
            raise invalid(params.full(key), "N must be between 0 and 100.")
        if n in found:
            raise invalid(params.full(key), "The index %d was given twice." % n)
        found[n] = (n, params.full(key), params.get(key))
    return [found[n] for n in sorted(found)]


def _no_filters(params):
    """The actions whose documentation lists no Filter.N refuse one (rather than ignore it)."""
    for key in params.keys():
        if key.startswith("Filter."):
            raise invalid(params.full(key), "This action takes no Filter.N.")


def _name(params, key):
    """The full parameter name of `key` inside a (sub-)Params, for error messages."""
    return params.full(key)


# ---------------------------------------------------------------------------- input checks

def _cluster_name(p, required):
    name = p.str("ClusterName", required=required)
    if name is not None and not CLUSTER_NAME_RE.match(name):
        raise invalid("ClusterName", "2-64 characters: Chinese, letters, digits, spaces and - , . ! $ ^ * ( ) % # "
                                     "& + / : ; < = > [ ] _ ` { } ~.")
    return name


def _cidr(p, name):
    text = p.str(name, required=True)
    try:
        net = ipaddress.ip_network(text, strict=True)
    except ValueError:
        raise invalid(name, "'%s' is not a network in CIDR notation (e.g. 10.0.0.0/16)." % text)
    if net.version != 4 or not any(net.subnet_of(pn) for pn in PRIVATE_NETS):
        raise invalid(name, "'%s' must be a private IPv4 network (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)." % text)
    if not 8 <= net.prefixlen <= 24:
        raise invalid(name, "The prefix length of '%s' must be between 8 and 24." % text)
    return net


def _password_ok(pw):
    if not isinstance(pw, str) or not 8 <= len(pw) <= 32:
        return False
    kinds = [any(c.isupper() for c in pw), any(c.islower() for c in pw), any(c.isdigit() for c in pw),
             any(not c.isalnum() for c in pw)]
    return sum(kinds) >= 3 and all(33 <= ord(c) <= 126 for c in pw)


def _int_field(obj, key, pname, lo, hi, required=False, default=None):
    if key not in obj:
        if required:
            raise invalid(pname, "%s is required." % key)
        return default
    v = obj[key]
    if isinstance(v, str) and re.fullmatch(r"-?\d+", v.strip()):
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise invalid(pname, "%s must be an integer in %d..%d." % (key, lo, hi))
    return v


def _str_field(obj, key, pname, required=False, max_len=256, min_len=1):
    if key not in obj or obj[key] is None:
        if required:
            raise invalid(pname, "%s is required." % key)
        return None
    v = obj[key]
    if not isinstance(v, str) or not min_len <= len(v) <= max_len:
        raise invalid(pname, "%s must be a string of %d..%d characters." % (key, min_len, max_len))
    return v


def _json_object(text, pname):
    try:
        obj = json.loads(text)
    except ValueError:
        raise invalid(pname, "The value is not a JSON object string.")
    if not isinstance(obj, dict):
        raise invalid(pname, "The value is not a JSON object string.")
    return obj


def _node_para(req, text, pname, vpc_canon):
    """Validate one NodePara JSON string; returns the normalised spec (no password)."""
    o = _json_object(text, pname)
    max_count = _int_field(o, "MaxCount", pname, 1, 100, required=True)
    min_count = _int_field(o, "MinCount", pname, 1, 100, required=True)
    if min_count > max_count:
        raise invalid(pname, "MinCount must not exceed MaxCount.")
    image_id = _str_field(o, "ImageId", pname, required=True)
    _world(req, "image", image_id)
    subnet_id = _str_field(o, "SubnetId", pname, required=True)
    subnet = _world(req, "subnet", subnet_id)
    if subnet.get("VpcId") != vpc_canon:
        raise invalid(pname, "The subnet '%s' is not in the cluster's VPC." % subnet_id)
    if subnet.get("SubnetType", "Normal") != "Normal":
        raise invalid(pname, "The subnet '%s' is an endpoint (reserve) subnet; nodes need a normal subnet." % subnet_id)
    sg_id = _str_field(o, "SecurityGroupId", pname, required=True)
    sg = _world(req, "security_group", sg_id)
    if sg.get("VpcId") != vpc_canon:
        raise invalid(pname, "The security group '%s' is not in the cluster's VPC." % sg_id)
    password = o.get("InstancePassword")
    key_ids = [v for k, v in o.items() if k == "KeyId" or re.fullmatch(r"KeyId\.\d+", k)]
    keep_login = o.get("KeepImageLogin") in (True, "true", "True", "1", 1)
    if password is None and not any(key_ids) and not keep_login:
        raise invalid(pname, "A login is required: InstancePassword, KeyId.N or KeepImageLogin=true.")
    if password is not None and not _password_ok(password):
        raise invalid(pname, "InstancePassword must be 8-32 printable characters with at least three of: "
                             "upper case, lower case, digits, special characters.")
    itype = _str_field(o, "InstanceType", pname, required=True, max_len=32)
    dedicated = _str_field(o, "DedicatedHostId", pname, max_len=64)
    host = None
    if dedicated is not None:
        host = req.store.get("dedicated_host", dedicated)
        if host is None:
            raise invalid(pname, "The dedicated host '%s' does not exist." % dedicated)
    m = INSTANCE_TYPE_RE.match(itype)
    if m:
        vcpu = int(m.group(1))
        mem = vcpu * RATIO[m.group(2)]
        if not 1 <= vcpu <= 128:
            raise invalid(pname, "InstanceType '%s' is not offered." % itype)
    elif DEDICATED_TYPE_RE.match(itype) and host is not None:
        vcpu = _int_field(o, "InstanceConfigure.VCPU", pname, 1, 128, required=True)
        mem = _int_field(o, "InstanceConfigure.MemoryGb", pname, 1, 1024, required=True)
    else:
        raise invalid(pname, "InstanceType '%s' is not a valid instance type (e.g. I3.4B; DVM1.NONE with "
                             "DedicatedHostId)." % itype)
    data_disk = _int_field(o, "DataDiskGb", pname, 0, 16000, default=0)
    charge = _str_field(o, "ChargeType", pname, max_len=32)
    if charge is not None and charge not in CHARGE_TYPES:
        raise invalid(pname, "ChargeType must be one of %s." % ", ".join(CHARGE_TYPES))
    _int_field(o, "PurchaseTime", pname, 0, 36, default=0)
    name = _str_field(o, "InstanceName", pname, max_len=128, min_len=2)
    suffix = None
    if "InstanceNameSuffix" in o:
        suffix = _int_field(o, "InstanceNameSuffix", pname, 0, 99999)
    zone = subnet.get("AvailabilityZone")
    if host is not None and host.get("AvailabilityZone") and zone and host["AvailabilityZone"] != zone:
        raise invalid(pname, "The dedicated host '%s' is not in the subnet's availability zone." % dedicated)
    return {"count": max_count, "image": image_id, "subnet": subnet, "sg": sg_id, "type": itype,
            "vcpu": vcpu, "mem": mem, "data_disk": data_disk, "charge": charge or "Daily",
            "name": name, "suffix": suffix, "host": host, "project": str(o.get("ProjectId", "0"))}


def _node_role(g, seen, worker_only=False):
    """(NodeRole, its parameter name) of a set; a role at most once per request (`seen`: role -> parameter)."""
    rname = _name(g, "NodeRole")
    role = g.str("NodeRole", required=True)
    if role == "Master_Etc":                      # erratum in CreateCluster example 1
        role = "Master_Etcd"
    if role not in ROLES:
        raise invalid(rname, "NodeRole must be one of %s." % ", ".join(ROLES))
    if worker_only and role != "Worker":
        raise invalid(rname, "Only Worker nodes can be added.")
    if role in seen:
        raise invalid(rname, "The role %s is already defined by %s." % (role, seen[role]))
    seen[role] = rname
    return role, rname


def _paras(g, key):
    """The set's `key`.N entries; at least one is required."""
    paras = _entries(g, key)
    if not paras:
        raise missing(_name(g, key + ".N"))
    return paras


def _instance_set(req, p, vpc_canon, worker_only):
    """Parse InstanceSet.N (NodeRole + NodePara.N); returns [(role, role param name, [spec])]."""
    out = []
    seen = {}
    for g in p.groups("InstanceSet"):
        role, rname = _node_role(g, seen, worker_only)
        paras = _paras(g, "NodePara")
        specs = [_node_para(req, text, pname, vpc_canon) for dummy, pname, text in paras]
        out.append((role, rname, specs))
    return out


def _check_roles(role_counts, separate, pname):
    """role_counts: {role: (count, param name)}."""
    needed = ("Master", "Etcd", "Worker") if separate else ("Master_Etcd", "Worker")
    for role, (count, rname) in role_counts.items():
        if role not in needed:
            raise invalid(rname, "With MasterEtcdSeparate=%s the roles must be %s." %
                          ("true" if separate else "false", ", ".join(needed)))
    for role in needed:
        if role not in role_counts:
            raise invalid(pname, "With MasterEtcdSeparate=%s the roles %s must all be given (%s is missing)." %
                          ("true" if separate else "false", ", ".join(needed), role))
    for role in MASTER_ROLES:
        if role in role_counts and role_counts[role][0] not in (3, 5):
            raise invalid(role_counts[role][1], "%s nodes must be exactly 3 or 5 (got %d)." %
                          (role, role_counts[role][0]))


@action(SERVICE, VERSION, "CreateCluster", methods=("POST",), mutates=True,
        params=("ClusterName", "ClusterDesc", "ClusterManageMode", "VpcId", "PodCidr", "ServiceCidr",
                "MaxPodPerNode", "NetworkType", "K8sVersion", "ReserveSubnetId", "MasterEtcdSeparate",
                "InstanceSet.N.NodeRole", "InstanceSet.N.NodePara.N", "ExistedInstanceEpcSet.N.NodeRole",
                "ExistedInstanceEpcSet.N.EpcPara.N", "PublicApiServer"))
def create_cluster(req):
    p = req.params
    name = _cluster_name(p, required=True)
    desc = p.str("ClusterDesc", default="", max_len=1024)
    mode = p.str("ClusterManageMode", default="DedicatedCluster", choices=MANAGE_MODES)
    vpc_id = p.str("VpcId", required=True, max_len=64)
    pod_net = _cidr(p, "PodCidr")
    svc_net = _cidr(p, "ServiceCidr")
    max_pods = p.int("MaxPodPerNode", default=128, choices=MAX_PODS)
    network = p.str("NetworkType", required=True, choices=NETWORK_TYPES)
    version = p.str("K8sVersion", required=True, choices=K8S_VERSIONS)
    reserve_id = p.str("ReserveSubnetId", required=True, max_len=64)
    separate = p.bool("MasterEtcdSeparate", default=False)
    public = None
    if p.has("PublicApiServer"):
        public = _json_object(p.str("PublicApiServer"), "PublicApiServer")
        _int_field(public, "BandWidth", "PublicApiServer", 1, 10000, required=True)
        charge = _str_field(public, "ChargeType", "PublicApiServer", required=True, max_len=32)
        if charge not in EIP_CHARGE_TYPES:
            raise invalid("PublicApiServer", "ChargeType must be one of %s." % ", ".join(EIP_CHARGE_TYPES))
        _str_field(public, "LineId", "PublicApiServer", max_len=64)
        public = {k: public[k] for k in ("LineId", "BandWidth", "ChargeType") if k in public}

    vpc = _world(req, "vpc", vpc_id)
    vpc_canon = _canon(vpc, "VpcId")
    vpc_net = ipaddress.ip_network(vpc["CidrBlock"], strict=False)
    if pod_net.overlaps(vpc_net):
        raise invalid("PodCidr", "%s overlaps the VPC's CIDR %s." % (pod_net, vpc_net))
    if svc_net.overlaps(vpc_net):
        raise invalid("ServiceCidr", "%s overlaps the VPC's CIDR %s." % (svc_net, vpc_net))
    if svc_net.overlaps(pod_net):
        raise invalid("ServiceCidr", "%s overlaps the PodCidr %s." % (svc_net, pod_net))
    reserve = _world(req, "subnet", reserve_id)
    if reserve.get("VpcId") != vpc_canon:
        raise invalid("ReserveSubnetId", "The subnet '%s' is not in the VPC '%s'." % (reserve_id, vpc_id))
    if reserve.get("SubnetType") != "Reserve":
        raise invalid("ReserveSubnetId", "The subnet '%s' is not an endpoint (reserve) subnet." % reserve_id)

    kec_sets = _instance_set(req, p, vpc_canon, worker_only=False)
    epc_sets = []
    seen_roles, seen_epc = {}, set()
    for g in p.groups("ExistedInstanceEpcSet"):
        role, rname = _node_role(g, seen_roles)
        paras = _paras(g, "EpcPara")
        hosts = []
        for dummy, pname, text in paras:
            o = _json_object(text, pname)
            iid = _str_field(o, "InstanceId", pname, required=True, max_len=64)
            if iid in seen_epc:
                raise invalid(pname, "The EPC instance '%s' is listed twice." % iid)
            seen_epc.add(iid)
            e = req.store.get("epc", iid)
            if e is None:
                raise not_found("Instance", iid)
            reason = _epc_free_for(req, e, vpc_canon)
            if reason == REASON_IN_CLUSTER:
                raise conflict("InvalidInstanceStatus", "The EPC instance '%s' is already in a k8s cluster." % iid)
            if reason:
                raise invalid(pname, "%s ('%s')." % (reason, iid))
            hosts.append(e)
        epc_sets.append((role, rname, hosts))
    if kec_sets and epc_sets:
        raise invalid("ExistedInstanceEpcSet.N", "InstanceSet.N and ExistedInstanceEpcSet.N cannot be combined.")
    if not kec_sets and not epc_sets:
        raise missing("InstanceSet.N")
    counts = {}
    for role, rname, specs in kec_sets:
        counts[role] = (sum(s["count"] for s in specs), rname)
    for role, rname, hosts in epc_sets:
        counts[role] = (len(hosts), rname)
    _check_roles(counts, separate, "InstanceSet.N" if kec_sets else "ExistedInstanceEpcSet.N")
    _pod_room(pod_net, max_pods, sum(count for count, dummy in counts.values()), "PodCidr")

    now = req.now()
    cid = new_id(req.rng, req.store, "cluster")
    fail = bool(req.fail_next("cluster"))
    not_ready = not fail and bool(req.outcome("not_ready"))
    req.store.put("cluster", cid, {
        "ClusterId": cid, "ClusterName": name, "ClusterDesc": desc or "",
        "ClusterType": "VirtualMachine" if kec_sets else PHYSICAL, "ClusterManageMode": mode,
        "NetworkType": network, "K8sVersion": version, "MasterEtcdSeparate": bool(separate),
        "PodCidr": str(pod_net), "ServiceCidr": str(svc_net), "VpcId": vpc_id, "VpcCidr": str(vpc_net),
        "MaxPodPerNode": max_pods, "ReserveSubnetId": reserve_id, "EnableKMSE": False,
        "_vpc": vpc_canon, "_public": public, "_created": now, "_updated": now, "_fail": fail,
        "_not_ready": not_ready, "_deleted": None, "_delete_mode": None,
    })
    for role, dummy, specs in kec_sets:
        base = 0
        for spec in specs:
            for iid, iname, ip in _make_kec_nodes(req, cid, role, spec, base, now):
                _put_node(req, cid, iid, iname, role, "kec", "created", ip, now,
                          fail or bool(req.fail_next("node")))
            base += spec["count"]
    for role, dummy, hosts in epc_sets:
        for e in hosts:
            e["_cluster"] = cid
            req.store.put("epc", e["InstanceId"], e)
            nics = (e.get("EpcInstancePara") or {}).get("NetworkInterfaceSet") or [{}]
            _put_node(req, cid, e["InstanceId"], e["InstanceName"], role, "epc", "epc",
                      nics[0].get("PrivateIpAddress"), now, fail or bool(req.fail_next("node")))
    return {"ClusterId": cid}


# ---------------------------------------------------------------------------------- reads

@action(SERVICE, VERSION, "DescribeCluster",
        params=("ClusterId", "Search") + PAGE_PARAMS)
def describe_cluster(req):
    p = req.params
    cid = p.str("ClusterId", max_len=64)
    marker, limit = p.page(10, 20)
    search = p.str("Search", max_len=128)
    _no_filters(p)
    if cid:
        got = _live_cluster(req, cid)
        if got is None and req.options.get("unknown_cluster") == "empty":
            return {"ClusterSet": [], "TotalCount": 0, "MaxResults": limit, "Marker": 0}
        if got is None:
            raise not_found("Cluster", cid)
        c = got[0]
        found = [cid] if not search or search in c["ClusterName"] else []
    elif search:
        found = [c["ClusterId"] for c in req.store.list("cluster") if search in c["ClusterName"]]
    else:
        found = req.store.ids("cluster")         # only the page's clusters are read
    page, next_marker, total = paginate(found, marker, limit)
    out = []
    for i in page:
        c = req.store.get("cluster", i)
        out.append(_cluster_view(req, c, _cluster_status(req, c) or "deleting"))
    return {"ClusterSet": out, "TotalCount": total, "MaxResults": limit, "Marker": next_marker}


@action(SERVICE, VERSION, "DescribeClusterInstance",
        params=("ClusterId", "Search") + PAGE_PARAMS + FILTER_PARAMS)
def describe_cluster_instance(req):
    p = req.params
    cid = p.str("ClusterId", required=True, max_len=64)
    marker, limit = p.page(10, 50)
    filters = p.filters(["instance-role", "instance-id"])
    search = p.str("Search", max_len=64)
    _get_cluster(req, cid)
    nodes = _live_nodes(req, cid)
    if "instance-role" in filters:
        roles = set("Master_Etcd" if r == "Master_Etc" else r for r in filters["instance-role"])
        nodes = [(n, s) for n, s in nodes if n["InstanceRole"] in roles]
    if "instance-id" in filters:
        ids = set(filters["instance-id"])
        nodes = [(n, s) for n, s in nodes if n["InstanceId"] in ids]
    if search:
        nodes = [(n, s) for n, s in nodes if search in (n.get("_ip") or "")]
    page, next_marker, total = paginate(nodes, marker, limit)
    return {"InstanceSet": [_node_view(req, n, s) for n, s in page],
            "TotalCount": total, "MaxResults": limit, "Marker": next_marker}


@action(SERVICE, VERSION, "DescribeInstanceImage",
        params=("ImageId.N",))
def describe_instance_image(req):
    p = req.params
    ids = p.list("ImageId")
    _no_filters(p)
    if ids:
        images = [img for img in (req.store.get("image", i) for i in dict.fromkeys(ids)) if img is not None]
    else:
        images = req.store.list("image")
    out = [{"ImageId": i["ImageId"], "ImageName": i["ImageName"], "ImageType": i["ImageType"]} for i in images]
    return {"ImageSet": out, "TotalCount": len(out)}


@action(SERVICE, VERSION, "DownloadClusterConfig",
        params=("ClusterId", "IsPublic"))
def download_cluster_config(req):
    p = req.params
    cid = p.str("ClusterId", required=True, max_len=64)
    is_public = p.bool("IsPublic", default=True)
    c, st = _get_cluster(req, cid)
    _require_status(cid, st, ("running",))
    if is_public and not c.get("_public"):
        return {"Expose": False, "ClusterConfig": ""}
    return {"Expose": True, "ClusterConfig": _kubeconfig(c, is_public)}


# ------------------------------------------------------------------------ cluster changes

@action(SERVICE, VERSION, "ModifyClusterInfo", mutates=True,
        params=("ClusterId", "ClusterName", "ClusterDesc"))
def modify_cluster_info(req):
    p = req.params
    cid = p.str("ClusterId", required=True, max_len=64)
    name = _cluster_name(p, required=False)
    desc = p.str("ClusterDesc", max_len=1024)
    c, st = _get_cluster(req, cid)
    _require_status(cid, st, ("building", "running", "error", "NotReady"))
    if name is not None:
        c["ClusterName"] = name
    if desc is not None:
        c["ClusterDesc"] = desc
    if name is not None or desc is not None:
        c["_updated"] = req.now()
        req.store.put("cluster", cid, c)
    return {}


@action(SERVICE, VERSION, "DeleteCluster", mutates=True,
        params=("ClusterId", "InstanceDeleteMode"))
def delete_cluster(req):
    p = req.params
    cid = p.str("ClusterId", required=True, max_len=64)
    mode = p.str("InstanceDeleteMode", choices=DELETE_MODES)
    c, st = _get_cluster(req, cid)
    _require_status(cid, st, ("running", "error", "NotReady"))
    now = req.now()
    pending = _pending(req)
    c["_deleted"] = now
    c["_delete_mode"] = mode
    c["_counts"] = None
    req.store.put("cluster", cid, c)
    pending["clusters"][cid] = now
    for n in req.store.list("node", parent=cid):
        if n.get("_deleted") is None:
            _mark_node_deleted(req, pending, n, now, mode)
    _save_pending(req, pending)
    return {}


# ---------------------------------------------------------------------------- node changes

@action(SERVICE, VERSION, "AddClusterInstances", methods=("POST",), mutates=True,
        params=("ClusterId", "InstanceSet.N.NodeRole", "InstanceSet.N.NodePara.N"))
def add_cluster_instances(req):
    p = req.params
    cid = p.str("ClusterId", required=True, max_len=64)
    if not p.groups("InstanceSet"):
        raise missing("InstanceSet.N")
    c, st = _get_cluster(req, cid)
    sets = _instance_set(req, p, c["_vpc"], worker_only=True)
    _require_status(cid, st, ("running",))
    current = _live_nodes(req, cid)
    existing = len(current)
    adding = sum(s["count"] for dummy, dummy2, specs in sets for s in specs)
    _pod_room(ipaddress.ip_network(c["PodCidr"]), int(c.get("MaxPodPerNode") or 128), existing + adding,
              "InstanceSet.N")
    now = req.now()
    made = []
    abnormal = _abnormal_first(req)
    base = sum(1 for n, dummy in current if n["InstanceRole"] == "Worker")
    for role, dummy, specs in sets:
        for spec in specs:
            for iid, iname, ip in _make_kec_nodes(req, cid, role, spec, base, now):
                _put_node(req, cid, iid, iname, role, "kec", "created", ip, now, bool(req.fail_next("node")),
                          abnormal())
                made.append({"InstanceId": iid, "InstanceName": iname})
            base += spec["count"]
    c["_updated"] = now
    c["_counts"] = None
    req.store.put("cluster", cid, c)
    return {"InstanceSet": made}


@action(SERVICE, VERSION, "DeleteClusterInstances", mutates=True,
        params=("ClusterId", "InstanceId.N", "InstanceDeleteMode"))
def delete_cluster_instances(req):
    p = req.params
    cid = p.str("ClusterId", required=True, max_len=64)
    ids = p.list("InstanceId", required=True)
    mode = p.str("InstanceDeleteMode", choices=DELETE_MODES)
    if len(set(ids)) != len(ids):
        raise invalid("InstanceId.N", "An instance id is listed twice.")
    c, st = _get_cluster(req, cid)
    nodes = {}
    for iid in ids:
        n = req.store.get("node", iid)
        if n is not None and n.get("_cluster") == cid:
            status = _node_status(req, n)
            if status is None:
                continue
            if n["InstanceRole"] != "Worker":
                raise invalid("InstanceId.N", "Only Worker nodes can be deleted; '%s' is a %s node." %
                              (iid, n["InstanceRole"]))
            nodes[iid] = (n, status)
    _require_status(cid, st, ("running",))
    now = req.now()
    pending = _pending(req)
    out = []
    for iid in ids:
        if iid not in nodes:
            out.append({"InstanceId": iid, "Return": False,
                        "Message": "The instance '%s' is not a node of the cluster '%s'." % (iid, cid)})
            continue
        n, status = nodes[iid]
        if status == "deleting":
            out.append({"InstanceId": iid, "Return": False, "Message": "The node '%s' is already being deleted." % iid})
        elif status in ("building", "installing"):
            out.append({"InstanceId": iid, "Return": False,
                        "Message": "The node '%s' is %s; it can be deleted once it is normal or failed." % (iid, status)})
        else:
            _mark_node_deleted(req, pending, n, now, mode)
            out.append({"InstanceId": iid, "Return": True, "Message": None})
    if any(r["Return"] for r in out):  # a request that deletes nothing changes nothing (not even UpdateTime)
        _save_pending(req, pending)
        c["_updated"] = now
        c["_counts"] = None
        req.store.put("cluster", cid, c)
    return {"InstanceSet": out}


# ------------------------------------------------------------------------ existing servers

@action(SERVICE, VERSION, "DescribeEpcForCluster",
        params=("ClusterId", "InstanceId.N") + PAGE_PARAMS + FILTER_PARAMS)
def describe_epc_for_cluster(req):
    p = req.params
    cid = p.str("ClusterId", max_len=64)
    ids = p.list("InstanceId")
    filters = p.filters(["vpc-id", "subnet-id", "host-name"])
    marker, limit = p.page(20, 50)
    vpc_canon = None
    if cid:
        c = _get_cluster(req, cid)[0]
        _require_physical(c)
        vpc_canon = c["_vpc"]
    if ids:
        hosts = [e for e in (req.store.get("epc", i) for i in dict.fromkeys(ids)) if e is not None]
    else:
        hosts = req.store.list("epc")
    out = []
    vpc_values = _canon_values(req, "vpc", filters.get("vpc-id"))
    subnet_values = _canon_values(req, "subnet", filters.get("subnet-id"))
    for e in hosts:
        if _owner(e):
            continue
        if EPC_CONTAINER_OS not in ((e.get("EpcInstancePara") or {}).get("OsName") or "").lower():
            continue
        if vpc_canon is not None and e.get("VpcId") != vpc_canon:
            continue
        if vpc_values is not None and e.get("VpcId") not in vpc_values:
            continue
        if subnet_values is not None and _subnet_canon(req, e.get("SubnetId")) not in subnet_values:
            continue
        if "host-name" in filters and e.get("InstanceName") not in filters["host-name"]:
            continue
        out.append(e)
    page, next_marker, total = paginate(out, marker, limit)
    view = [{"InstanceId": e["InstanceId"], "InstanceName": e["InstanceName"],
             "EpcInstancePara": json.loads(json.dumps(e.get("EpcInstancePara") or {}))} for e in page]
    return {"InstanceSet": view, "TotalCount": total, "MaxResults": limit, "Marker": next_marker}


@action(SERVICE, VERSION, "AddClusterEpcInstances", mutates=True,
        params=("ClusterId", "InstanceId.N"))
def add_cluster_epc_instances(req):
    p = req.params
    cid = p.str("ClusterId", required=True, max_len=64)
    ids = p.list("InstanceId", required=True)
    if len(set(ids)) != len(ids):
        raise invalid("InstanceId.N", "An instance id is listed twice.")
    c, st = _get_cluster(req, cid)
    _require_physical(c)
    _require_status(cid, st, ("running",))
    now = req.now()
    room = _room_left(req, c)
    abnormal = _abnormal_first(req)
    out = []
    for iid in ids:
        e = req.store.get("epc", iid)
        if e is None or _epc_free_for(req, e, c["_vpc"]) is not None or room <= 0:
            out.append({"InstanceId": iid, "Return": False})
            continue
        room -= 1
        e["_cluster"] = cid
        req.store.put("epc", iid, e)
        nics = (e.get("EpcInstancePara") or {}).get("NetworkInterfaceSet") or [{}]
        _put_node(req, cid, iid, e["InstanceName"], "Worker", "epc", "epc", nics[0].get("PrivateIpAddress"),
                  now, bool(req.fail_next("node")), abnormal())
        out.append({"InstanceId": iid, "Return": True})
    if any(r["Return"] for r in out):
        c["_updated"] = now
        c["_counts"] = None
        req.store.put("cluster", cid, c)
    return {"InstanceSet": out}


@action(SERVICE, VERSION, "DescribeExistedInstances",
        params=("ClusterId", "InstanceId.N", "Search") + PAGE_PARAMS + FILTER_PARAMS)
def describe_existed_instances(req):
    p = req.params
    cid = p.str("ClusterId", max_len=64)
    ids = p.list("InstanceId")
    marker, limit = p.page(10, 50)
    filters = p.filters(["vpc-id", "subnet-id", "availability-zone.name", "instance-state.name"])
    search = p.str("Search", max_len=128)
    vpc_canon = None
    if cid:
        c = _get_cluster(req, cid)[0]
        vpc_canon = c["_vpc"]
    if not ids and not filters and not search:
        # the plain listing reads only the page's instances
        page_ids, next_marker, total = paginate(req.store.ids("kec"), marker, limit)
        return _existed_answer(req, [req.store.get("kec", i) for i in page_ids], vpc_canon, total, limit,
                               next_marker)
    if ids:
        found = [k for k in (req.store.get("kec", i) for i in dict.fromkeys(ids)) if k is not None]
    else:
        found = req.store.list("kec")
    vpc_values = _canon_values(req, "vpc", filters.get("vpc-id"))
    subnet_values = _canon_values(req, "subnet", filters.get("subnet-id"))
    states = None
    if "instance-state.name" in filters:
        states = set("active" if s == "running" else s for s in filters["instance-state.name"])
    out = []
    subnet_canon = {}
    for k in found:
        if vpc_values is not None and k.get("VpcId") not in vpc_values:
            continue
        if subnet_values is not None:
            sid = k.get("SubnetId")
            if sid not in subnet_canon:
                subnet_canon[sid] = _subnet_canon(req, sid)
            if subnet_canon[sid] not in subnet_values:
                continue
        if "availability-zone.name" in filters and k.get("AvailabilityZone") not in filters["availability-zone.name"]:
            continue
        if states is not None and k.get("InstanceState") not in states:
            continue
        if search and search not in k.get("InstanceName", "") and search not in k.get("PrivateIpAddress", ""):
            continue
        out.append(k)
    page, next_marker, total = paginate(out, marker, limit)
    return _existed_answer(req, page, vpc_canon, total, limit, next_marker)


@action(SERVICE, VERSION, "AddExistedInstances", mutates=True,
        params=("ClusterId", "ExistedInstanceKecSet.N.NodeRole",
                "ExistedInstanceKecSet.N.KecPara.N"))
def add_existed_instances(req):
    p = req.params
    cid = p.str("ClusterId", required=True, max_len=64)
    groups = p.groups("ExistedInstanceKecSet")
    if not groups:
        raise missing("ExistedInstanceKecSet.N")
    wanted = []
    seen = set()
    for g in groups:
        rname = _name(g, "NodeRole")
        role = g.str("NodeRole", required=True)
        if role != "Worker":
            raise invalid(rname, "NodeRole must be Worker.")
        paras = _paras(g, "KecPara")
        for dummy, pname, text in paras:
            o = _json_object(text, pname)
            iid = _str_field(o, "InstanceId", pname, required=True, max_len=64)
            image_id = _str_field(o, "ImageId", pname, required=True, max_len=64)
            _str_field(o, "InstancePassword", pname, max_len=32)
            _world(req, "image", image_id)
            if iid in seen:
                raise invalid(pname, "The instance '%s' is listed twice." % iid)
            seen.add(iid)
            wanted.append((iid, image_id))
    if len(wanted) > 100:
        raise invalid("ExistedInstanceKecSet.N", "At most 100 instances per call.")
    c, st = _get_cluster(req, cid)
    _require_status(cid, st, ("running",))
    now = req.now()
    room = _room_left(req, c)
    abnormal = _abnormal_first(req)
    out = []
    for iid, image_id in wanted:
        k = req.store.get("kec", iid)
        if k is None:
            out.append({"InstanceId": iid, "Return": False, "Reason": "The instance '%s' does not exist." % iid})
            continue
        ok, reason = _kec_reason(req, k, c["_vpc"])[:2]
        if ok and room <= 0:
            ok, reason = False, REASON_NO_POD_ROOM
        if not ok:
            out.append({"InstanceId": iid, "Return": False, "Reason": reason})
            continue
        room -= 1
        k["_cluster"] = cid
        k["InstanceState"] = "active"            # reinstalled with the node image and started
        k["ImageId"] = image_id
        req.store.put("kec", iid, k)
        _put_node(req, cid, iid, k["InstanceName"], "Worker", "kec", "existed", k["PrivateIpAddress"], now,
                  bool(req.fail_next("node")), abnormal())
        out.append({"InstanceId": iid, "Return": True, "Reason": None})
    if any(r["Return"] for r in out):
        c["_updated"] = now
        c["_counts"] = None
        req.store.put("cluster", cid, c)
    return {"InstanceSet": out}
