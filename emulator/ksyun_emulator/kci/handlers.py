"""KCI handlers: one function per `@action` (7 actions of API version 2020-07-02), each params ->
models -> views with all validation first.  State and lifecycles: models.py; answer shapes: views.py.

What the document states (and the emulator enforces):

- `ContainerGroupName` (erratum: the table says `ContainerGroup.Name`, which is not accepted): up
  to 128 characters, lower-case letters, digits, "-" and ".", not starting or ending with a
  separator; `ImageCacheName` the same in 1..63 characters.  Volume and container names
  `[a-z0-9]([-a-z0-9]*[a-z0-9])?` up to 63 characters; EnvironmentVar keys up to 63 letters,
  digits, "-", "_", "." starting with a letter or separator, each with a Value.
- 1..3 `SecurityGroupId.N`; `KciType` RBKCI; `ChargeType` HourlyInstantSettlement or Spot, Spot
  needing `SpotStrategy` SpotAsPriceGo; `RestartPolicy` Always (default), OnFailure or Never;
  `AutoMatchImageCache` default false, an `ImageCacheId` wins over it; container `Cpu`/`Memory`
  at most 3 decimals; `Port.N.Protocol` TCP (default) or UDP; `VolumeMount.N.ReadOnly` default false.
- Volumes: `EmptyDirVolume`, `EBSVolume` (FsType ext3/ext4/xfs; without VolumeId, Type SSD3.0/EHDD
  and Size 10..32000 are required), `NFSVolume` (Server and Path required, ReadOnly default false).
- HostAlias: Hostname.N are host names, Ip an IP address (erratum: the table swaps the two
  descriptions).  DnsConfig NameServer.N are IP addresses; Option.N.Name is required.
- AdvanceSettings.SystemDisk: Type Local_SSD/SSD3.0/EHDD, Size 20..500, Local_SSD at most 100.
- `RetainIp=true`: a deleted group's IP is kept for `RetainIpHours` (default 24) hours, and a group
  created again under the same name within that time gets it back.
- `ImageCacheId` must name a `Ready` cache ("只有状态为Ready时，才能正常使用该镜像缓存"); a cache
  cannot be deleted while `Preparing` or `SnapshotCreating`.
- Image caches: `Image.N` 1..20, `ImageCacheSize` 20..500 (default 20), `RetentionDays` 0..65536 (the SDK model), 0 or absent = kept
  for ever (ExpireTime "").  DescribeContainerLog `Tail` at most 1000 (default 200).  The status
  filter of DescribeContainerGroup knows Running, Succeeded and Failed.

The emulator's own choices, where the documents are silent: DECISIONS.md (in this directory).
"""
import ipaddress
import re

from ..core import FILTER_PARAMS, PAGE_PARAMS, action, conflict, invalid, missing, new_id, new_mac, not_found, paginate
from .models import (SERVICE, VERSION, _allocate_ip, _cache_state, _canon_subnet, _get_group, _group_state,
                     _live_cache, _live_caches, _live_groups, _retain_ip, _retained_ip, _security_group, _started_at,
                     _subnet)
from .views import _cache_view, _group_view, _iso, _log_line


GROUP_NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")
DNS_LABEL_RE = re.compile(r"^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$")
ENV_KEY_RE = re.compile(r"^[A-Za-z._-][A-Za-z0-9._-]*$")
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                         r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
IMAGE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:@-]*$")
INSTANCE_TYPE_RE = re.compile(r"^[A-Z][A-Z0-9]*\.(\d+)([A-E])$")
RATIO = {"A": 1, "B": 2, "C": 4, "D": 8, "E": 16}

#: the parameters of CreateContainerGroup / CreateImageCache as the document's tables define them
#: (with the errata: ContainerGroupName, HostAlias.N.Hostname.N are names); `N` is a list index
CREDENTIAL_PARAMS = ("ImageRegistryCredential.N.Server", "ImageRegistryCredential.N.Username",
                     "ImageRegistryCredential.N.Password")
_DNS = ("NameServer.N", "Search.N", "Option.N.Name", "Option.N.Value")
_ALIAS = ("N.Hostname.N", "N.Ip")
CREATE_GROUP_PARAMS = (
    ("ContainerGroupName", "SubnetId", "SecurityGroupId.N", "KciType", "ChargeType", "SpotStrategy",
     "ProjectId", "InstanceType", "ImageCacheId", "AutoMatchImageCache", "RestartPolicy", "Cpu", "Memory",
     "RetainIp", "RetainIpHours", "EipAllocationId",
     "AdvanceSettings.ImageId", "AdvanceSettings.SystemDisk.Type", "AdvanceSettings.SystemDisk.Size",
     "Volume.N.Type", "Volume.N.Name",
     "Volume.N.EBSVolume.FsType", "Volume.N.EBSVolume.VolumeId", "Volume.N.EBSVolume.Type",
     "Volume.N.EBSVolume.Size", "Volume.N.EBSVolume.SnapshotId", "Volume.N.EBSVolume.DeleteWithInstance",
     "Volume.N.NFSVolume.Server", "Volume.N.NFSVolume.Path", "Volume.N.NFSVolume.ReadOnly",
     "Volume.N.NFSVolume.Options.N")
    + tuple("Container.N." + name for name in (
        "Name", "Image", "ImagePullPolicy", "Cpu", "Memory", "WorkingDir", "Command.N", "Arg.N",
        "EnvironmentVar.N.Key", "EnvironmentVar.N.Value", "Port.N.Port", "Port.N.Protocol",
        "VolumeMount.N.Name", "VolumeMount.N.MountPath", "VolumeMount.N.ReadOnly"))
    + tuple("HostAlias." + name for name in _ALIAS) + tuple("MachineHostAlias." + name for name in _ALIAS)
    + tuple("DnsConfig." + name for name in _DNS) + tuple("MachineDnsConfig." + name for name in _DNS)
    + CREDENTIAL_PARAMS)


def _check_decimals(value, name):
    if value is not None and abs(value * 1000 - round(value * 1000)) > 1e-6:
        raise invalid(name, "At most 3 decimals.")


def _opt(p, name, **kw):
    """An optional string parameter; sent empty counts as not sent."""
    value = p.str(name, **kw)
    return None if value == "" else value


def _ip(value, name):
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise invalid(name, "An IP address is expected.")


def _credentials(p):
    out = []
    for cred in p.groups("ImageRegistryCredential"):
        server = cred.str("Server", required=True, max_len=255)
        username = cred.str("Username", required=True, max_len=255)
        cred.str("Password", required=True, max_len=255)   # checked, then dropped
        out.append({"Server": server, "Username": username})
    return out


# ------------------------------------------------------------------------- CreateContainerGroup

def _dns_config(p, prefix):
    if not p.has(prefix):
        return None
    d = p.sub(prefix)
    servers = d.list("NameServer")
    if len(servers) > 3:
        raise invalid(prefix + ".NameServer.N", "At most 3 name servers.")
    servers = [_ip(s, "%s.NameServer.%d" % (prefix, i + 1)) for i, s in enumerate(servers)]
    searches = d.list("Search")
    if len(searches) > 6:
        raise invalid(prefix + ".Search.N", "At most 6 search domains.")
    for i, s in enumerate(searches):
        if not HOSTNAME_RE.match(s):
            raise invalid("%s.Search.%d" % (prefix, i + 1))
    options = []
    for o in d.groups("Option"):
        options.append({"Name": o.str("Name", required=True, max_len=255), "Value": o.str("Value")})
    return {"NameServers": servers, "Searches": searches, "Options": options}


def _host_aliases(p, prefix):
    out = []
    for i, h in enumerate(p.groups(prefix)):
        names = h.list("Hostname", required=True)
        if not names:
            raise missing("%s.%d.Hostname.N" % (prefix, i + 1))
        for j, n in enumerate(names):
            if not HOSTNAME_RE.match(n):
                raise invalid("%s.%d.Hostname.%d" % (prefix, i + 1, j + 1))
        ip = _ip(h.str("Ip", required=True), "%s.%d.Ip" % (prefix, i + 1))
        out.append({"Hostnames": names, "Ip": ip})
    return out


def _volumes(req, p):
    out = []
    names = set()
    for i, v in enumerate(p.groups("Volume")):
        label = "Volume.%d" % (i + 1)
        vtype = v.str("Type", required=True, choices=("EmptyDirVolume", "EBSVolume", "NFSVolume"))
        name = v.str("Name", required=True, pattern=DNS_LABEL_RE, max_len=63)
        if name in names:
            raise invalid(label + ".Name", "Volume names are unique.")
        names.add(name)
        vol = {"Type": vtype, "Name": name, "EBSVolume": None, "NFSVolume": None}
        if vtype == "EBSVolume":
            e = v.sub("EBSVolume")
            fs = e.str("FsType", required=True, choices=("ext3", "ext4", "xfs"))
            volume_id = _opt(e, "VolumeId", max_len=64)
            if volume_id is None:
                e.str("Type", required=True, choices=("SSD3.0", "EHDD"))
                e.int("Size", required=True, min=10, max=32000)
                _opt(e, "SnapshotId", max_len=64)
                e.bool("DeleteWithInstance", default=False)
                volume_id = new_id(req.rng, req.store)
            else:
                _opt(e, "Type", choices=("SSD3.0", "EHDD"))
                e.int("Size", min=10, max=32000)
            vol["EBSVolume"] = {"FsType": fs, "VolumeId": volume_id}
        elif vtype == "NFSVolume":
            n = v.sub("NFSVolume")
            server = n.str("Server", required=True, max_len=255)
            path = n.str("Path", required=True, max_len=1024)
            if not path.startswith("/"):
                raise invalid(label + ".NFSVolume.Path", "An absolute path is expected.")
            vol["NFSVolume"] = {"Server": server, "Path": path,
                                "ReadOnly": n.bool("ReadOnly", default=False),
                                "Options": n.list("Options")}
        out.append(vol)
    return out


def _containers(p, volume_names):
    groups = p.groups("Container", required=True)
    if not groups:
        raise missing("Container.N")
    out = []
    names = set()
    for i, c in enumerate(groups):
        label = "Container.%d" % (i + 1)
        name = c.str("Name", required=True, pattern=DNS_LABEL_RE, max_len=63)
        if name in names:
            raise invalid(label + ".Name", "Container names are unique.")
        names.add(name)
        image = c.str("Image", required=True, max_len=512)
        if not IMAGE_RE.match(image):
            raise invalid(label + ".Image")
        # Table: required; the create example omits it.  The emulator's choice: default IfNotPresent.
        policy = c.str("ImagePullPolicy", default="IfNotPresent", choices=("Always", "IfNotPresent", "Never"))
        cpu = c.float("Cpu", min=0.001, max=256)
        _check_decimals(cpu, label + ".Cpu")
        mem = c.float("Memory", min=0.001, max=2048)
        _check_decimals(mem, label + ".Memory")
        envs, keys = [], set()
        for j, e in enumerate(c.groups("EnvironmentVar")):
            key = e.str("Key", required=True, pattern=ENV_KEY_RE, max_len=63)
            if key in keys:
                raise invalid("%s.EnvironmentVar.%d.Key" % (label, j + 1), "Keys are unique.")
            keys.add(key)
            if not e.has("Value"):
                raise missing("%s.EnvironmentVar.%d.Value" % (label, j + 1))
            envs.append({"Key": key, "Value": e.str("Value", default="")})
        ports = []
        for port in c.groups("Port"):
            ports.append({"Protocol": port.str("Protocol", default="TCP", choices=("TCP", "UDP")),
                          "Port": port.int("Port", required=True, min=1, max=65535)})
        mounts = []
        for j, m in enumerate(c.groups("VolumeMount")):
            vname = m.str("Name", required=True, max_len=63)
            if vname not in volume_names:
                raise invalid("%s.VolumeMount.%d.Name" % (label, j + 1), "No Volume.N has this name.")
            path = _opt(m, "MountPath", max_len=1024)
            if path is not None and not path.startswith("/"):
                raise invalid("%s.VolumeMount.%d.MountPath" % (label, j + 1), "An absolute path is expected.")
            mounts.append({"Name": vname, "MountPath": path, "ReadOnly": m.bool("ReadOnly", default=False)})
        out.append({
            "Name": name, "Image": image, "ImagePullPolicy": policy,
            "Commands": c.list("Command"), "Args": c.list("Arg"),
            "EnvironmentVars": envs or None, "Cpu": cpu, "Memory": mem,
            "WorkingDir": _opt(c, "WorkingDir", max_len=1024),
            "Ports": ports or None, "VolumeMounts": mounts or None,
        })
    return out


def _resources(p, containers, instance_type):
    cpu = p.float("Cpu", min=0.001, max=256)
    _check_decimals(cpu, "Cpu")
    mem = p.float("Memory", min=0.001, max=2048)
    _check_decimals(mem, "Memory")
    m = INSTANCE_TYPE_RE.match(instance_type or "")
    if m:
        cpu = float(m.group(1)) if cpu is None else cpu
        mem = float(m.group(1)) * RATIO[m.group(2)] if mem is None else mem
    ccpu = [c["Cpu"] for c in containers if c["Cpu"] is not None]
    cmem = [c["Memory"] for c in containers if c["Memory"] is not None]
    if cpu is None:
        cpu = round(sum(ccpu), 3) if ccpu else 1.0
    if mem is None:
        mem = round(sum(cmem), 3) if cmem else 2.0
    if sum(ccpu) > cpu + 1e-9:
        raise invalid("Container.N.Cpu", "The containers ask for more CPU than the group has.")
    if sum(cmem) > mem + 1e-9:
        raise invalid("Container.N.Memory", "The containers ask for more memory than the group has.")
    if not instance_type:
        ratio = mem / cpu if cpu else 2
        letter = min(RATIO, key=lambda k: abs(RATIO[k] - ratio))
        instance_type = "N3.%d%s" % (max(1, int(round(cpu))), letter)
    return cpu, mem, instance_type


@action(SERVICE, VERSION, "CreateContainerGroup", mutates=True,
        params=CREATE_GROUP_PARAMS)
def create_container_group(req):
    p = req.params
    name = p.str("ContainerGroupName", required=True, pattern=GROUP_NAME_RE, max_len=128)
    subnet_id = p.str("SubnetId", required=True, max_len=64)
    sg_ids = p.list("SecurityGroupId", required=True)
    if not sg_ids:
        raise missing("SecurityGroupId.N")
    if len(sg_ids) > 3:
        raise invalid("SecurityGroupId.N", "At most 3 security groups.")
    if len(set(sg_ids)) != len(sg_ids):
        raise invalid("SecurityGroupId.N", "Security groups are unique.")
    kci_type = p.str("KciType", required=True, choices=("RBKCI",))
    charge = p.str("ChargeType", required=True, choices=("HourlyInstantSettlement", "Spot"))
    spot = _opt(p, "SpotStrategy", choices=("SpotAsPriceGo",))
    if charge == "Spot" and spot is None:
        raise missing("SpotStrategy")
    project = p.int("ProjectId", default=0, min=0)
    instance_type = _opt(p, "InstanceType", max_len=32)
    image_cache_id = _opt(p, "ImageCacheId", max_len=64)
    auto_match = p.bool("AutoMatchImageCache", default=False)
    credentials = _credentials(p)
    restart = p.str("RestartPolicy", default="Always", choices=("Always", "OnFailure", "Never"))
    volumes = _volumes(req, p)
    containers = _containers(p, {v["Name"] for v in volumes})
    cpu, mem, instance_type = _resources(p, containers, instance_type)
    host_aliases = _host_aliases(p, "HostAlias")
    dns = _dns_config(p, "DnsConfig")
    machine_host_aliases = _host_aliases(p, "MachineHostAlias")
    machine_dns = _dns_config(p, "MachineDnsConfig")
    retain_ip = p.bool("RetainIp")
    retain_hours = _opt(p, "RetainIpHours", pattern=re.compile(r"^[0-9]{1,4}$"))
    if retain_hours is not None and not 1 <= int(retain_hours) <= 8760:
        raise invalid("RetainIpHours", "1 to 8760 hours.")
    eip = _opt(p, "EipAllocationId", max_len=64)
    adv = p.sub("AdvanceSettings")
    adv_image = _opt(adv, "ImageId", max_len=64)
    disk = adv.sub("SystemDisk")
    disk_type = _opt(disk, "Type", choices=("Local_SSD", "SSD3.0", "EHDD"))
    disk_size = disk.int("Size", min=20, max=500)
    if disk_type == "Local_SSD" and disk_size is not None and disk_size > 100:
        raise invalid("AdvanceSettings.SystemDisk.Size", "Local_SSD is at most 100 GB.")

    subnet = _subnet(req, subnet_id)
    for sg_id in sg_ids:
        sg = _security_group(req, sg_id)
        if sg.get("VpcId") and subnet.get("VpcId") and sg["VpcId"] != subnet["VpcId"]:
            raise invalid("SecurityGroupId.N", "The security group '%s' is not in the subnet's VPC." % sg_id)
    groups = _live_groups(req)
    if not req.options.get("allow_duplicate_names") and any(g["ContainerGroupName"] == name for g in groups):
        raise conflict("ContainerGroupNameDuplicate", "The container group name '%s' is already in use." % name)
    used_cache = None
    if image_cache_id is not None:
        cache = _live_cache(req, image_cache_id)
        if cache is None:
            raise not_found("ImageCache", image_cache_id)
        if _cache_state(req, cache)["Status"] != "Ready":
            raise conflict("InvalidImageCacheStatus", "The image cache '%s' is not Ready." % image_cache_id)
        used_cache = image_cache_id
    elif auto_match:
        wanted = {c["Image"] for c in containers}
        for cache in _live_caches(req):
            if _cache_state(req, cache)["Status"] == "Ready" and wanted <= set(cache["Images"]):
                used_cache = cache["ImageCacheId"]
                break

    gid = new_id(req.rng, req.store, "container_group")
    now = req.now()
    obj = {
        "ContainerGroupId": gid, "ContainerGroupName": name,
        "AvailabilityZone": subnet.get("AvailabilityZone"), "KciType": kci_type, "ChargeType": charge,
        "SpotStrategy": spot if charge == "Spot" else None, "ProjectId": project,
        "InstanceType": instance_type, "Cpu": cpu, "Memory": mem, "RestartPolicy": restart,
        "Volumes": volumes or None, "DnsConfig": dns, "HostAliases": host_aliases or None,
        "Containers": containers, "RetainIp": retain_ip, "RetainIpHours": retain_hours,
        "_subnet": subnet_id, "_canon_subnet": _canon_subnet(subnet), "_vpc": subnet.get("VpcId"), "_sgs": sg_ids,
        "_ip": _retained_ip(req, name, subnet) or _allocate_ip(req, subnet), "_eni": new_id(req.rng, req.store), "_mac": new_mac(req.rng),
        "_public_ip": ("120.92.%d.%d" % (req.rng.randrange(256), req.rng.randrange(1, 255))) if eip else None,
        "_eip": eip, "_credentials": credentials, "_machine_host_aliases": machine_host_aliases,
        "_machine_dns": machine_dns, "_advance": {"ImageId": adv_image, "SystemDiskType": disk_type,
                                                  "SystemDiskSize": disk_size},
        "_image_cache": used_cache, "_auto_match": auto_match,
        "_created": now, "_failed": bool(req.fail_next("container_group")), "_deleted_at": None,
    }
    req.store.put("container_group", gid, obj)
    return {"ContainerGroupId": gid}


@action(SERVICE, VERSION, "DescribeContainerGroup",
        params=("ContainerGroupId.N", "Search", "ProjectId.N") + PAGE_PARAMS + FILTER_PARAMS)
def describe_container_group(req):
    p = req.params
    ids = p.list("ContainerGroupId")
    filters = p.filters(["subnet-id", "vpc-id", "availability-zone.name", "status"])
    for v in filters.get("status", []):
        if v not in ("Running", "Succeeded", "Failed"):
            raise invalid("Filter.N.Value", "status is Running, Succeeded or Failed.")
    search = _opt(p, "Search", max_len=255)
    projects = []
    for i, v in enumerate(p.list("ProjectId")):
        if not re.match(r"^[0-9]{1,18}$", v):
            raise invalid("ProjectId.%d" % (i + 1))
        projects.append(int(v))
    marker, max_results = p.page(20, 100)
    items = [_group_view(req, g) for g in _live_groups(req)]
    if ids:
        wanted = set(ids)
        items = [g for g in items if g["ContainerGroupId"] in wanted]
    getters = {
        "subnet-id": lambda g: g["NetworkInterfaceAttributes"][0]["SubnetId"],
        "vpc-id": lambda g: g["NetworkInterfaceAttributes"][0]["VpcId"],
        "availability-zone.name": lambda g: g["AvailabilityZone"],
        "status": lambda g: g["Status"],
    }
    for fname, values in filters.items():
        items = [g for g in items if getters[fname](g) in set(values)]
    if search:
        items = [g for g in items if search in g["ContainerGroupName"]
                 or search in (g["NetworkInterfaceAttributes"][0]["PrivateIpAddress"] or "")]
    if projects:
        items = [g for g in items if g["ProjectId"] in projects]
    page, next_marker, total = paginate(items, marker, max_results)
    return {"MaxResults": max_results, "Marker": next_marker, "TotalCount": total, "ContainerGroups": page}


@action(SERVICE, VERSION, "DescribeContainerLog",
        params=("ContainerGroupId", "ContainerName", "Tail"))
def describe_container_log(req):
    p = req.params
    gid = p.str("ContainerGroupId", required=True, max_len=64)
    cname = p.str("ContainerName", required=True, max_len=63)
    tail = p.int("Tail", default=200, min=1, max=1000)
    g = _get_group(req, gid)
    c = next((c for c in g["Containers"] if c["Name"] == cname), None)
    if c is None:
        raise not_found("Container", cname)
    status = _group_state(req, g)[0]
    if status == "Pending":
        return {"Content": ""}
    started = _started_at(g, req.lifecycle)
    boot = 4 if "nginx" in c["Image"].lower() else 2
    if g.get("_failed"):
        lines = [_log_line(g, c, i, started) for i in range(boot)]
        lines.append("%s ERROR %s: fatal error, exiting with code 1" % (_iso(started), c["Name"]))
    else:
        end = req.now() if g.get("_deleted_at") is None else g["_deleted_at"]
        total = boot + max(0, int((end - started) // 10))
        first = max(0, total - tail)
        lines = [_log_line(g, c, i, started) for i in range(first, total)]
    return {"Content": "\n".join(lines[-tail:]) + ("\n" if lines else "")}


@action(SERVICE, VERSION, "DeleteContainerGroup", mutates=True,
        params=("ContainerGroupId",))
def delete_container_group(req):
    gid = req.params.str("ContainerGroupId", required=True, max_len=64)
    g = _get_group(req, gid)
    if g.get("_deleted_at") is None:
        g["_deleted_at"] = req.now()
        req.store.put("container_group", gid, g)
        _retain_ip(req, g)
        if _group_state(req, g)[0] is None:          # lifecycle 0: gone at once
            req.store.delete("container_group", gid)
    return {}


@action(SERVICE, VERSION, "CreateImageCache", mutates=True,
        params=("ImageCacheName", "SubnetId", "SecurityGroupId", "Image.N", "ImageCacheSize",
                "RetentionDays") + CREDENTIAL_PARAMS)
def create_image_cache(req):
    p = req.params
    name = p.str("ImageCacheName", required=True, pattern=GROUP_NAME_RE, min_len=1, max_len=63)
    subnet_id = p.str("SubnetId", required=True, max_len=64)
    sg_id = p.str("SecurityGroupId", required=True, max_len=64)
    images = p.list("Image", required=True)
    if not images:
        raise missing("Image.N")
    if len(images) > 20:
        raise invalid("Image.N", "At most 20 images.")
    for i, image in enumerate(images):
        if len(image) > 512 or not IMAGE_RE.match(image):
            raise invalid("Image.%d" % (i + 1))
    size = p.int("ImageCacheSize", default=20, min=20, max=500)
    days = p.int("RetentionDays", min=0, max=65536)   # the SDK model: at most 65536; 0 or absent: for ever
    credentials = _credentials(p)
    subnet = _subnet(req, subnet_id)
    sg = _security_group(req, sg_id)
    if sg.get("VpcId") and subnet.get("VpcId") and sg["VpcId"] != subnet["VpcId"]:
        raise invalid("SecurityGroupId", "The security group is not in the subnet's VPC.")
    if not req.options.get("allow_duplicate_names") and any(c["ImageCacheName"] == name for c in _live_caches(req)):
        raise conflict("ImageCacheNameDuplicate", "The image cache name '%s' is already in use." % name)
    cid = new_id(req.rng, req.store, "image_cache")
    now = req.now()
    req.store.put("image_cache", cid, {
        "ImageCacheId": cid, "ImageCacheName": name, "Images": images, "ImageCacheSize": size,
        "RetentionDays": days, "_subnet": subnet_id, "_sg": sg_id, "_credentials": credentials,
        "_created": now, "_expire": (now + days * 86400) if days else None,
        "_failed": bool(req.fail_next("image_cache")), "_container_group": new_id(req.rng, req.store),
        "_snapshot": new_id(req.rng, req.store),
    })
    return {"ImageCacheId": cid}


@action(SERVICE, VERSION, "DescribeImageCache",
        params=("ImageCacheId.N", "Image", "ImageCacheName") + PAGE_PARAMS)
def describe_image_cache(req):
    p = req.params
    ids = p.list("ImageCacheId")
    image = _opt(p, "Image", max_len=512)
    name = _opt(p, "ImageCacheName", max_len=63)
    marker, max_results = p.page(20, 100)
    items = _live_caches(req)
    if ids:
        wanted = set(ids)
        items = [c for c in items if c["ImageCacheId"] in wanted]
    if image:
        items = [c for c in items if any(image in i for i in c["Images"])]
    if name:
        items = [c for c in items if name in c["ImageCacheName"]]
    page, next_marker, total = paginate([_cache_view(req, c) for c in items], marker, max_results)
    return {"MaxResults": max_results, "Marker": next_marker, "TotalCount": total, "ImageCaches": page}


@action(SERVICE, VERSION, "DeleteImageCache", mutates=True,
        params=("ImageCacheId",))
def delete_image_cache(req):
    cid = req.params.str("ImageCacheId", required=True, max_len=64)
    cache = _live_cache(req, cid)
    if cache is None:
        raise not_found("ImageCache", cid)
    status = _cache_state(req, cache)["Status"]
    if status in ("Preparing", "SnapshotCreating"):
        raise conflict("InvalidImageCacheStatus",
                       "The image cache '%s' cannot be deleted while %s." % (cid, status))
    req.store.delete("image_cache", cid)
    return {}
