"""KCI answer shapes: stored container groups and image caches -> the documented API dicts (the
ContainerGroup with its containers and events, the container log, the ImageCache).  Times: CreateTime
`YYYY-MM-DD HH:MM:SS` in UTC+8, container states and events ISO 8601 UTC.  Statuses: models.py.
"""
import time

from .models import _cache_state, _group_state, _started_at


# ----------------------------------------------------------------------------------- utilities

def _fmt(ts):
    """'YYYY-MM-DD HH:MM:SS' in UTC+8 (the examples' CreateTime)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(ts) + 8 * 3600))


def _iso(ts):
    """ISO 8601 UTC (the examples' container state times)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(ts)))


def _num(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _events(req, g, status):
    life = req.lifecycle
    created, started = g["_created"], _started_at(g, life)
    ev = []

    def add(ts, etype, reason, message):
        ev.append({"FirstTimestamp": _iso(ts), "LastTimestamp": _iso(ts), "Count": 1,
                   "Type": etype, "Reason": reason, "Message": message})

    add(created, "Normal", "Scheduled", "Successfully assigned %s to a virtual node" % g["ContainerGroupName"])
    if g.get("_image_cache"):
        add(created, "Normal", "SuccessfulHitImageCache",
            "Successfully hit image cache %s" % g["_image_cache"])
    for c in g["Containers"]:
        add(created, "Normal", "Pulling", 'Pulling image "%s"' % c["Image"])
    if status == "Pending":
        return ev
    for c in g["Containers"]:
        add(started, "Normal", "Pulled", 'Successfully pulled image "%s"' % c["Image"])
        add(started, "Normal", "Created", "Created container %s" % c["Name"])
        add(started, "Normal", "Started", "Started container %s" % c["Name"])
    if g.get("_failed"):
        for c in g["Containers"]:
            add(started, "Warning", "Failed", "Error: container %s exited with code 1" % c["Name"])
    if status == "Terminating":
        for c in g["Containers"]:
            add(g["_deleted_at"], "Normal", "Killing", "Stopping container %s" % c["Name"])
    return ev


def _container_view(req, g, c, status):
    started = _started_at(g, req.lifecycle)
    if status == "Pending":
        state = {"StartTime": None, "FinishTime": None, "State": "waiting",
                 "Reason": "ContainerCreating", "ExitCode": None}
    elif g.get("_failed"):
        state = {"StartTime": _iso(started), "FinishTime": _iso(started), "State": "terminated",
                 "Reason": "Error", "ExitCode": 1}
    elif status == "Terminating":
        state = {"StartTime": _iso(started), "FinishTime": None, "State": "running",
                 "Reason": "Terminating", "ExitCode": None}
    else:
        state = {"StartTime": _iso(started), "FinishTime": None, "State": "running",
                 "Reason": None, "ExitCode": None}
    return {
        "Name": c["Name"], "Commands": list(c["Commands"]), "Args": list(c["Args"]),
        "EnvironmentVars": c["EnvironmentVars"], "Cpu": _num(c["Cpu"]), "Memory": _num(c["Memory"]),
        "Gpu": None, "WorkingDir": c["WorkingDir"], "Image": c["Image"],
        "ImagePullPolicy": c["ImagePullPolicy"], "LivenessProbe": None, "ReadinessProbe": None,
        "Ports": c["Ports"], "VolumeMounts": c["VolumeMounts"], "RestartCount": 0,
        "CurrentState": state, "PreviousState": None, "Events": None,
    }


def _group_view(req, g):
    status = _group_state(req, g)[0]
    return {
        "ContainerGroupId": g["ContainerGroupId"],
        "ContainerGroupName": g["ContainerGroupName"],
        "AvailabilityZone": g["AvailabilityZone"],
        "ChargeType": g["ChargeType"],
        "NetworkInterfaceAttributes": [{
            "NetworkInterfaceId": g["_eni"], "NetworkInterfaceType": "primary",
            "VpcId": g["_vpc"], "SubnetId": g["_subnet"], "PrivateIpAddress": g["_ip"],
            "PublicIp": g["_public_ip"] or "", "MacAddress": g["_mac"],
            "SecurityGroups": [{"SecurityGroupId": s} for s in g["_sgs"]],
        }],
        "Cpu": _num(g["Cpu"]), "Memory": _num(g["Memory"]), "Gpu": None,
        "CreateTime": _fmt(g["_created"]), "RestartPolicy": g["RestartPolicy"], "Status": status,
        "SucceededTime": None, "Volumes": g["Volumes"], "DnsConfig": g["DnsConfig"],
        "Containers": [_container_view(req, g, c, status) for c in g["Containers"]],
        "Events": _events(req, g, status),
        "Labels": [{"Key": k, "Value": None} for k in ("cluster-id", "namespace", "node-name", "pod-name")],
        "HostAliases": g["HostAliases"], "IngressBandwidth": None, "EgressBandwidth": None,
        "InstanceType": g["InstanceType"], "KciType": g["KciType"], "KciMode": "STANDALONE",
        "ProjectId": g["ProjectId"], "RetainIp": g["RetainIp"], "RetainIpHours": g["RetainIpHours"],
    }


# ------------------------------------------------------------------------------------------ logs

def _log_line(g, c, index, started):
    """The index-th log line of a container (deterministic)."""
    image = c["Image"].lower()
    if "nginx" in image:
        boot = [
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
        ]
        if index < len(boot):
            return boot[index]
        ts = started + 10 * (index - len(boot) + 1)
        stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(ts))
        return '%s - - [%s] "GET / HTTP/1.1" 200 615 "-" "kube-probe/1.21" "-"' % (g["_ip"], stamp)
    boot = ["%s INFO starting container %s (image %s)" % (_iso(started), c["Name"], c["Image"]),
            "%s INFO ready" % _iso(started)]
    if index < len(boot):
        return boot[index]
    n = index - len(boot) + 1
    return "%s INFO heartbeat %d" % (_iso(started + 10 * n), n)


def _cache_view(req, c):
    state = _cache_state(req, c)
    return {
        "ImageCacheId": c["ImageCacheId"], "ImageCacheName": c["ImageCacheName"],
        "Images": list(c["Images"]),
        "ExpireTime": _fmt(c["_expire"]) if c.get("_expire") is not None else "",
        "CreateTime": _fmt(c["_created"]), "Status": state["Status"],
        "SnapshotId": state["SnapshotId"], "ImageCacheSize": c["ImageCacheSize"],
        "Reason": state["Reason"], "ContainerGroupId": state["ContainerGroupId"],
    }
