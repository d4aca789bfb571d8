"""KCI state and lifecycles — container instances (service `kci`, API version 2020-07-02), 7 actions.

Store kinds (in `req.store`, scoped to account + region):

| kind | id | what |
|---|---|---|
| `container_group` | ContainerGroupId | the CreateContainerGroup request, normalised; status derived when read |
| `image_cache` | ImageCacheId | the CreateImageCache request; status derived when read |
| `retained_ip` | a fresh id | the IP of a deleted `RetainIp` group: `Name`, `Subnet` (canonical id), `Ip`, `Until` |

Subnets and security groups are read from the default world's kinds `subnet` and
`security_group` (`SubnetId`, `VpcId`, `AvailabilityZone`, `CidrBlock`, `SubnetType`, `_canon`,
`_ip_next` / `SecurityGroupId`, `VpcId`; see world.py).  The KCI document's ids
(`f2ac1919-0e34-4812xxxxxx`, `d46c7672-7ca9-4f51xxxxxx`) are aliases there.  Private IPs come from
the same per-subnet counter as KCE nodes, so the two never collide.

Lifecycles (lazy, `core.stage`, one stage = `req.lifecycle` seconds):

- container group: `Pending` -> `Running`; with `req.fail_next("container_group")` at creation
  `Pending` -> `Failed`.  DeleteContainerGroup: `Terminating` for one stage, then gone.
- image cache: `Preparing` -> `Creating` -> `SnapshotCreating` -> `Ready`; with
  `req.fail_next("image_cache")` `Preparing` -> `Creating` -> `Failed` (with `Reason`).
  An image cache whose ExpireTime has passed is deleted (the document: "过期将自动删除").

Answer shapes: views.py; handlers and the document's rules they enforce: handlers.py.
"""
from .. import world
from ..core import insufficient_ip, invalid, new_id, not_found, stage


VERSION = "2020-07-02"
SERVICE = "kci"

GROUP_STAGES = ["Pending", "Running"]
GROUP_FAIL_STAGES = ["Pending", "Failed"]
CACHE_STAGES = ["Preparing", "Creating", "SnapshotCreating", "Ready"]
CACHE_FAIL_STAGES = ["Preparing", "Creating", "Failed"]
CACHE_FAIL_REASON = "Failed to pull image: the image registry refused the pull (unauthorized or not found)."


def _stage_index(start, now, lifecycle, stages):
    name = stage(start, now, lifecycle, stages)
    return stages.index(name), name


def _stage_start(start, lifecycle, index):
    return start + index * lifecycle


def _subnet(req, subnet_id, name="SubnetId"):
    sub = req.store.get("subnet", subnet_id)
    if sub is None:
        raise not_found("Subnet", subnet_id)
    if sub.get("SubnetType") == "Reserve":
        raise invalid(name, "The subnet '%s' is a reserved (endpoint) subnet." % subnet_id)
    return sub


def _canon_subnet(subnet):
    """The id of the subnet object its aliases share (world.py `_canon`)."""
    return subnet.get("_canon") or subnet.get("SubnetId")


def _security_group(req, sg_id):
    sg = req.store.get("security_group", sg_id)
    if sg is None:
        raise not_found("SecurityGroup", sg_id)
    return sg


def _allocate_ip(req, subnet):
    """Next free address of the subnet (world.take_ip, the allocator KCE nodes share: container groups
    and cluster nodes never share an address)."""
    try:
        return world.take_ip(req.store, subnet)
    except world.SubnetFull:
        raise insufficient_ip(subnet.get("SubnetId"))


def _retain_ip(req, g):
    """RetainIp: keep a deleted group's IP for RetainIpHours (default 24) hours, for its name."""
    if not g.get("RetainIp"):
        return
    hours = int(g.get("RetainIpHours") or 24)
    rid = new_id(req.rng, req.store, "retained_ip")
    req.store.put("retained_ip", rid, {"Id": rid, "Name": g["ContainerGroupName"], "Subnet": g.get("_canon_subnet") or g["_subnet"],
                                       "Ip": g["_ip"], "Until": g["_deleted_at"] + hours * 3600})


def _retained_ip(req, name, subnet):
    """The IP kept for a group of this name in this subnet (taken: offered once), or None."""
    now = req.now()
    for rec in req.store.list("retained_ip"):
        if now >= rec["Until"]:
            req.store.delete("retained_ip", rec["Id"])
        elif rec["Name"] == name and rec["Subnet"] == _canon_subnet(subnet):
            req.store.delete("retained_ip", rec["Id"])
            return rec["Ip"]
    return None


# ------------------------------------------------------------------------ container group state

def _group_state(req, g):
    """(status, stage_start) — or (None, None) when a deleted group is gone."""
    now, life = req.now(), req.lifecycle
    if g.get("_deleted_at") is not None:
        idx, name = _stage_index(g["_deleted_at"], now, life, ["Terminating", "_gone"])
        if name == "_gone":
            return None, None
        return "Terminating", g["_deleted_at"]
    stages = GROUP_FAIL_STAGES if g.get("_failed") else GROUP_STAGES
    idx, name = _stage_index(g["_created"], now, life, stages)
    return name, _stage_start(g["_created"], life, idx)


def _live_groups(req):
    out = []
    for g in req.store.list("container_group"):
        if _group_state(req, g)[0] is None:
            req.store.delete("container_group", g["ContainerGroupId"])
            continue
        out.append(g)
    return out


def _get_group(req, gid):
    g = req.store.get("container_group", gid)
    if g is None:
        raise not_found("ContainerGroup", gid)
    status = _group_state(req, g)[0]
    if status is None:
        req.store.delete("container_group", gid)
        raise not_found("ContainerGroup", gid)
    return g


def _started_at(g, life):
    """When the containers (would) start: the beginning of the second stage."""
    return g["_created"] + life


# ---------------------------------------------------------------------------------- image caches

def _cache_state(req, cache):
    now, life = req.now(), req.lifecycle
    stages = CACHE_FAIL_STAGES if cache.get("_failed") else CACHE_STAGES
    idx, name = _stage_index(cache["_created"], now, life, stages)
    out = {"Status": name, "Reason": "", "SnapshotId": "", "ContainerGroupId": ""}
    if idx >= 1:
        out["ContainerGroupId"] = cache["_container_group"]
    if name == "Ready":
        out["SnapshotId"] = cache["_snapshot"]
    if name == "Failed":
        out["Reason"] = CACHE_FAIL_REASON
    return out


def _expired(req, cache):
    return cache.get("_expire") is not None and req.now() >= cache["_expire"]


def _live_caches(req):
    out = []
    for c in req.store.list("image_cache"):
        if _expired(req, c):
            req.store.delete("image_cache", c["ImageCacheId"])
            continue
        out.append(c)
    return out


def _live_cache(req, cid):
    c = req.store.get("image_cache", cid)
    if c is not None and _expired(req, c):
        req.store.delete("image_cache", cid)
        return None
    return c
