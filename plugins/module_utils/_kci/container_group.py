# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shapes and checks of ksyun.cloud.kci_container_group: its options, their documented rules,
and the mapping between the options and the API's CreateContainerGroup / DescribeContainerGroup shapes.

This is a private module of the ksyun.cloud collection; it may change without notice.

- `ARGUMENT_SPEC`, `MODULE_KWARGS`: the module's options (its DOCUMENTATION says what they mean).
- `check_options()`: the rules CreateContainerGroup's document states, as a message naming the option.
- `api_*()`: options -> the API's shape for the create; `group_view()`: an API object -> options
  (server defaults filled in); `wanted_view()`: the options the task sets, in the same shape.
- `secret_values()`: the env values a task marks secret, from its arguments in any shape.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE

from ansible_collections.ksyun.cloud.plugins.module_utils._kci import options
from ansible_collections.ksyun.cloud.plugins.module_utils._compare import pruned
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import MASK, state_option, wait_options

#: CreateContainerGroup as the document's table states it
NAME_MAX = 128
LABEL_RE = re.compile(r"^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$")   # volume and container names
LABEL_MAX = 63
ENV_NAME_RE = re.compile(r"^[A-Za-z._-][A-Za-z0-9._-]*$")
SECURITY_GROUPS_MAX = 3
EBS_SIZE = (10, 32000)
SYSTEM_DISK_SIZE = (20, 500)
LOCAL_SSD_MAX = 100
RETAIN_IP_HOURS_MAX = 8760   # "最大可支持保留一年"
#: what a secret env value that differs from the task's is shown as
MASK_OTHER = MASK + " (another value)"

HOST_ALIAS_SPEC = dict(hostnames=dict(type="list", elements="str", required=True), ip=dict(type="str", required=True))
DNS_SPEC = dict(
    name_servers=dict(type="list", elements="str"),
    searches=dict(type="list", elements="str"),
    options=dict(type="list", elements="dict", options=dict(name=dict(type="str", required=True), value=dict(type="str"))),
)
VOLUME_SPEC = dict(
    name=dict(type="str", required=True),
    type=dict(type="str", required=True, choices=["EmptyDirVolume", "EBSVolume", "NFSVolume"]),
    ebs_volume=dict(type="dict", options=dict(
        fs_type=dict(type="str", required=True, choices=["ext3", "ext4", "xfs"]),
        volume_id=dict(type="str"),
        type=dict(type="str", choices=["SSD3.0", "EHDD"]),
        size=dict(type="int"),
        snapshot_id=dict(type="str"),
        delete_with_instance=dict(type="bool"),
    )),
    nfs_volume=dict(type="dict", options=dict(
        server=dict(type="str", required=True),
        path=dict(type="str", required=True),
        read_only=dict(type="bool"),
        options=dict(type="list", elements="str"),
    )),
)
CONTAINER_SPEC = dict(
    name=dict(type="str", required=True),
    image=dict(type="str", required=True),
    image_pull_policy=dict(type="str", choices=["Always", "IfNotPresent", "Never"]),
    command=dict(type="list", elements="str"),
    args=dict(type="list", elements="str"),
    env=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        value=dict(type="str", required=True),
        secret=dict(type="bool", default=False),
    )),
    cpu=dict(type="float"),
    memory=dict(type="float"),
    working_dir=dict(type="str"),
    ports=dict(type="list", elements="dict", options=dict(
        port=dict(type="int", required=True),
        protocol=dict(type="str", choices=["TCP", "UDP"]),
    )),
    volume_mounts=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        mount_path=dict(type="str"),
        read_only=dict(type="bool"),
    )),
)
ADVANCE_SPEC = dict(
    image_id=dict(type="str"),
    system_disk=dict(type="dict", options=dict(
        type=dict(type="str", choices=["Local_SSD", "SSD3.0", "EHDD"]),
        size=dict(type="int"),
    )),
)

#: options DescribeContainerGroup never returns: sent, never compared
NOT_COMPARED = ("spot_strategy", "image_cache_id", "auto_match_image_cache", "image_registry_credentials",
                "machine_host_aliases", "machine_dns_config", "eip_allocation_id", "advance_settings")
NOT_COMPARED_EBS = ("type", "size", "snapshot_id", "delete_with_instance")
COMPARED = ("name", "subnet_id", "security_group_ids", "kci_type", "charge_type", "project_id", "instance_type",
            "restart_policy", "cpu", "memory", "volumes", "containers", "host_aliases", "dns_config", "retain_ip",
            "retain_ip_hours")


#: the module's options (DOCUMENTATION of ksyun.cloud.kci_container_group says what they mean)
ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    container_group_id=dict(type="str"),
    subnet_id=dict(type="str"),
    security_group_ids=dict(type="list", elements="str"),
    kci_type=dict(type="str", choices=["RBKCI"]),
    charge_type=dict(type="str", choices=["HourlyInstantSettlement", "Spot"]),
    spot_strategy=dict(type="str", choices=["SpotAsPriceGo"]),
    project_id=dict(type="int"),
    instance_type=dict(type="str"),
    image_cache_id=dict(type="str"),
    auto_match_image_cache=dict(type="bool"),
    image_registry_credentials=dict(type="list", elements="dict", options=options.CREDENTIAL_SPEC),
    restart_policy=dict(type="str", choices=["Always", "OnFailure", "Never"]),
    cpu=dict(type="float"),
    memory=dict(type="float"),
    volumes=dict(type="list", elements="dict", options=VOLUME_SPEC),
    containers=dict(type="list", elements="dict", options=CONTAINER_SPEC),
    host_aliases=dict(type="list", elements="dict", options=HOST_ALIAS_SPEC),
    dns_config=dict(type="dict", options=DNS_SPEC),
    machine_host_aliases=dict(type="list", elements="dict", options=HOST_ALIAS_SPEC),
    machine_dns_config=dict(type="dict", options=DNS_SPEC),
    retain_ip=dict(type="bool"),
    retain_ip_hours=dict(type="int"),
    eip_allocation_id=dict(type="str"),
    advance_settings=dict(type="dict", options=ADVANCE_SPEC),
    recreate=dict(type="bool", default=False),
    **state_option("present", "absent"),
    **wait_options(600)
)
MODULE_KWARGS = dict(
    required_one_of=[["name", "container_group_id"]],
    required_if=[["state", "present", ["name", "subnet_id", "security_group_ids", "containers"]],
                 ["charge_type", "Spot", ["spot_strategy"]]],
)


# ------------------------------------------------------------------------------ pure helpers

def num(value):
    """2.0 -> 2 (the API prints whole numbers as integers); None stays None."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def decimals_over(value, places=3):
    return value is not None and abs(value * 10 ** places - round(value * 10 ** places)) > 1e-6


def truthy(value):
    """A boolean the API may print as a string (NFSVolume.ReadOnly is a String in the create table)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def check_options(p):
    """A message naming the option and the documented rule it breaks, or None."""
    problem = options.check_name(p["name"], NAME_MAX)
    if problem:
        return problem
    if not 1 <= len(p["security_group_ids"]) <= SECURITY_GROUPS_MAX:
        return "security_group_ids must hold 1 to %d security groups, got %d" % (
            SECURITY_GROUPS_MAX, len(p["security_group_ids"]))
    volumes = p["volumes"] or []
    for i, vol in enumerate(volumes):
        problem = check_volume(vol, "volumes[%d]" % i)
        if problem:
            return problem
    if not p["containers"]:
        return "containers must hold at least one container"
    seen = set()
    for i, container in enumerate(p["containers"]):
        problem = check_container(container, "containers[%d]" % i, [v["name"] for v in volumes])
        if problem:
            return problem
        if container["name"] in seen:
            return "containers[%d].name: container names must be unique in the group, %r is used twice" % (
                i, container["name"])
        seen.add(container["name"])
    for option in ("host_aliases", "machine_host_aliases"):
        for i, alias in enumerate(p[option] or []):
            if not alias["hostnames"]:
                return "%s[%d].hostnames must hold at least one host name" % (option, i)
    hours = p["retain_ip_hours"]
    if hours is not None and not 1 <= hours <= RETAIN_IP_HOURS_MAX:
        return "retain_ip_hours must be between 1 and %d (a year), got %d" % (RETAIN_IP_HOURS_MAX, hours)
    disk = (p["advance_settings"] or {}).get("system_disk") or {}
    if disk.get("size") is not None:
        low, high = SYSTEM_DISK_SIZE
        if disk.get("type") == "Local_SSD":
            high = LOCAL_SSD_MAX
        if not low <= disk["size"] <= high:
            return "advance_settings.system_disk.size must be between %d and %d (GB)%s, got %d" % (
                low, high, " for a Local_SSD disk" if high == LOCAL_SSD_MAX else "", disk["size"])
    return None


def check_label(name, path):
    if len(name) > LABEL_MAX or not LABEL_RE.match(name):
        return ('%s must be at most %d lower-case letters, digits and "-", starting and ending with a letter or '
                'digit, got %r' % (path, LABEL_MAX, name))
    return None


def check_volume(vol, path):
    problem = check_label(vol["name"], path + ".name")
    if problem:
        return problem
    for kind, key in (("EBSVolume", "ebs_volume"), ("NFSVolume", "nfs_volume")):
        if vol["type"] == kind and not vol[key]:
            return "%s.%s is required when %s.type is %s" % (path, key, path, kind)
        if vol["type"] != kind and vol[key]:
            return "%s.%s is only for %s.type %s, the type is %s" % (path, key, path, kind, vol["type"])
    ebs = vol["ebs_volume"]
    if ebs and not ebs["volume_id"]:
        for key in ("type", "size"):
            if ebs[key] is None:
                return "%s.ebs_volume.%s is required for a new disk (without %s.ebs_volume.volume_id)" % (path, key, path)
    if ebs and ebs["size"] is not None and not EBS_SIZE[0] <= ebs["size"] <= EBS_SIZE[1]:
        return "%s.ebs_volume.size must be between %d and %d (GB), got %d" % (path, EBS_SIZE[0], EBS_SIZE[1], ebs["size"])
    return None


def check_container(container, path, volume_names):
    problem = check_label(container["name"], path + ".name")
    if problem:
        return problem
    if not container["image"].strip():
        return "%s.image must not be empty" % path
    for key in ("cpu", "memory"):
        if decimals_over(container[key]):
            return "%s.%s must have at most 3 decimals, got %s" % (path, key, container[key])
    for j, env in enumerate(container["env"] or []):
        if len(env["name"]) > LABEL_MAX or not ENV_NAME_RE.match(env["name"]):
            return ('%s.env[%d].name must be at most %d letters, digits, "-", "_" and ".", starting with a letter '
                    'or one of "-_.", got %r' % (path, j, LABEL_MAX, env["name"]))
    for j, port in enumerate(container["ports"] or []):
        if not 1 <= port["port"] <= 65535:
            return "%s.ports[%d].port must be between 1 and 65535, got %d" % (path, j, port["port"])
    for j, mount in enumerate(container["volume_mounts"] or []):
        if mount["name"] not in volume_names:
            return "%s.volume_mounts[%d].name must name one of the volumes (%s), got %r" % (
                path, j, ", ".join(volume_names) or "none is declared", mount["name"])
    return None


# ------------------------------------------------------------------------------ API shapes

def api_container(c):
    return dict(
        Name=c["name"], Image=c["image"], ImagePullPolicy=c["image_pull_policy"] or "IfNotPresent",
        Cpu=num(c["cpu"]), Memory=num(c["memory"]), Command=c["command"], Arg=c["args"],
        EnvironmentVar=[dict(Key=e["name"], Value=e["value"]) for e in c["env"] or []],
        WorkingDir=c["working_dir"],
        Port=[dict(Port=port["port"], Protocol=port["protocol"]) for port in c["ports"] or []],
        VolumeMount=[dict(Name=m["name"], MountPath=m["mount_path"], ReadOnly=m["read_only"])
                     for m in c["volume_mounts"] or []],
    )


def api_volume(v):
    out = dict(Type=v["type"], Name=v["name"])
    ebs, nfs = v["ebs_volume"], v["nfs_volume"]
    if ebs:
        out["EBSVolume"] = dict(FsType=ebs["fs_type"], VolumeId=ebs["volume_id"], Type=ebs["type"], Size=ebs["size"],
                                SnapshotId=ebs["snapshot_id"], DeleteWithInstance=ebs["delete_with_instance"])
    if nfs:
        out["NFSVolume"] = dict(Server=nfs["server"], Path=nfs["path"], ReadOnly=nfs["read_only"], Options=nfs["options"])
    return out


def api_host_aliases(aliases):
    return [dict(Hostname=a["hostnames"], Ip=a["ip"]) for a in aliases or []] or None


def api_dns(dns):
    if not dns:
        return None
    return dict(NameServer=dns["name_servers"], Search=dns["searches"],
                Option=[dict(Name=o["name"], Value=o["value"]) for o in dns["options"] or []])


def api_advance(adv):
    if not adv:
        return None
    disk = adv["system_disk"] or {}
    return dict(ImageId=adv["image_id"], SystemDisk=dict(Type=disk.get("type"), Size=disk.get("size")))


# ------------------------------------------------------------------------------ views

def primary_nic(raw):
    nics = raw.get("NetworkInterfaceAttributes") or []
    for nic in nics:
        if nic.get("NetworkInterfaceType") == "primary":
            return nic
    return nics[0] if nics else {}


def container_view(c):
    return dict(
        name=c.get("Name"), image=c.get("Image"), image_pull_policy=c.get("ImagePullPolicy") or "IfNotPresent",
        command=list(c.get("Commands") or []), args=list(c.get("Args") or []),
        env=[dict(name=e.get("Key"), value=e.get("Value")) for e in c.get("EnvironmentVars") or []],
        cpu=num(c.get("Cpu")), memory=num(c.get("Memory")), working_dir=c.get("WorkingDir"),
        ports=[dict(port=p.get("Port"), protocol=p.get("Protocol") or "TCP") for p in c.get("Ports") or []],
        volume_mounts=[dict(name=m.get("Name"), mount_path=m.get("MountPath"), read_only=truthy(m.get("ReadOnly")))
                       for m in c.get("VolumeMounts") or []],
    )


def volume_view(v):
    out = dict(name=v.get("Name"), type=v.get("Type"))
    ebs, nfs = v.get("EBSVolume"), v.get("NFSVolume")
    if ebs:
        out["ebs_volume"] = dict(fs_type=ebs.get("FsType"), volume_id=ebs.get("VolumeId"))
    if nfs:
        out["nfs_volume"] = dict(server=nfs.get("Server"), path=nfs.get("Path"), read_only=truthy(nfs.get("ReadOnly")),
                                 options=list(nfs.get("Options") or []))
    return out


def dns_view(d):
    if not d:
        return None
    return dict(name_servers=list(d.get("NameServers") or []), searches=list(d.get("Searches") or []),
                options=[dict(name=o.get("Name"), value=o.get("Value")) for o in d.get("Options") or []])


def group_view(raw):
    """Every comparable option of an existing group, normalised (server defaults filled in)."""
    nic = primary_nic(raw)
    hours = raw.get("RetainIpHours")
    return dict(
        name=raw.get("ContainerGroupName"),
        subnet_id=nic.get("SubnetId"),
        security_group_ids=sorted(s.get("SecurityGroupId") for s in nic.get("SecurityGroups") or []),
        kci_type=raw.get("KciType"),
        charge_type=raw.get("ChargeType"),
        project_id=raw.get("ProjectId"),
        instance_type=raw.get("InstanceType"),
        restart_policy=raw.get("RestartPolicy") or "Always",
        cpu=num(raw.get("Cpu")),
        memory=num(raw.get("Memory")),
        volumes=[volume_view(v) for v in raw.get("Volumes") or []],
        containers=[container_view(c) for c in raw.get("Containers") or []],
        host_aliases=[dict(hostnames=list(h.get("Hostnames") or []), ip=h.get("Ip")) for h in raw.get("HostAliases") or []],
        dns_config=dns_view(raw.get("DnsConfig")),
        retain_ip=truthy(raw.get("RetainIp")),
        retain_ip_hours=int(hours) if hours not in (None, "") and str(hours).isdigit() else hours,
    )


def wanted_view(p):
    """The comparable options the task sets, in the shape of group_view()."""
    want = pruned({k: p[k] for k in COMPARED})
    if "security_group_ids" in want:
        want["security_group_ids"] = sorted(want["security_group_ids"])
    for key in ("cpu", "memory"):
        if key in want:
            want[key] = num(want[key])
    for vol in want.get("volumes") or []:
        for key in NOT_COMPARED_EBS:
            (vol.get("ebs_volume") or {}).pop(key, None)
    for container in want.get("containers") or []:
        for key in ("cpu", "memory"):
            if key in container:
                container[key] = num(container[key])
        for env in container.get("env") or []:
            if env.pop("secret"):
                env["value"] = MASK
    return want


def container_states(raw):
    """'app terminated (Error, exit code 1), sidecar running' from the containers' current states."""
    out = []
    for c in raw.get("Containers") or []:
        state = c.get("CurrentState") or {}
        extra = [x for x in (state.get("Reason"),) if x]
        if state.get("ExitCode") is not None:
            extra.append("exit code %s" % state["ExitCode"])
        out.append("%s %s%s" % (c.get("Name"), state.get("State") or "unknown", " (%s)" % ", ".join(extra) if extra else ""))
    return ", ".join(out)


def unread_ebs(p):
    """The paths of the EBS options only a create uses that the task sets (volumes[0].ebs_volume.size)."""
    return [f"volumes[{i}].ebs_volume.{key}" for i, vol in enumerate(p["volumes"] or [])
            for key in NOT_COMPARED_EBS if (vol["ebs_volume"] or {}).get(key) is not None]


# ------------------------------------------------------------------------------ secrets

def secrets(p):
    """{container name: {env name: value}} of the env values the task marks secret."""
    out = {}
    for c in p["containers"] or []:
        for e in c["env"] or []:
            if e["secret"]:
                out.setdefault(c["name"], {})[e["name"]] = e["value"]
    return out


def secret_values(arguments):
    """The env values the task marks secret, from its arguments as given (any shape)."""
    found = []
    containers = arguments.get("containers")
    for container in containers if isinstance(containers, list) else []:
        env = container.get("env") if isinstance(container, dict) else None
        for item in env if isinstance(env, list) else []:
            secret = item.get("secret") if isinstance(item, dict) else None
            if isinstance(secret, str):
                secret = secret.lower()
            # anything but a false boolean (a dict or list too: not hashable) hides the value
            if secret is not None and not (isinstance(secret, (str, int, float)) and secret in BOOLEANS_FALSE):
                found.append(item.get("value"))
    return found


# ------------------------------------------------------------------------------ the create

def create_arguments(p):
    """The keyword arguments of kci.create_container_group() for the task's options."""
    return dict(
        container_group_name=p["name"], subnet_id=p["subnet_id"], security_group_ids=p["security_group_ids"],
        containers=[api_container(c) for c in p["containers"]],
        kci_type=p["kci_type"] or "RBKCI", charge_type=p["charge_type"] or "HourlyInstantSettlement",
        spot_strategy=p["spot_strategy"], project_id=p["project_id"], instance_type=p["instance_type"],
        image_cache_id=p["image_cache_id"], auto_match_image_cache=p["auto_match_image_cache"],
        image_registry_credentials=options.credentials(p["image_registry_credentials"]) or None,
        restart_policy=p["restart_policy"], cpu=num(p["cpu"]), memory=num(p["memory"]),
        volumes=[api_volume(v) for v in p["volumes"] or []] or None,
        host_aliases=api_host_aliases(p["host_aliases"]), dns_config=api_dns(p["dns_config"]),
        machine_host_aliases=api_host_aliases(p["machine_host_aliases"]),
        machine_dns_config=api_dns(p["machine_dns_config"]), retain_ip=p["retain_ip"],
        retain_ip_hours=str(p["retain_ip_hours"]) if p["retain_ip_hours"] is not None else None,
        eip_allocation_id=p["eip_allocation_id"], advance_settings=api_advance(p["advance_settings"]))
