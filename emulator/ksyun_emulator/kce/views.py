"""KCE answer shapes: stored cluster / node / world objects -> the documented API dicts (ClusterSet,
InstanceSet, ExistedInstanceSet, the kubeconfig of DownloadClusterConfig).  Times as printed: ClusterSet
CreateTime / UpdateTime in UTC+8, instance CreateTime in UTC.  State and statuses: models.py.
"""
import base64
import datetime
import hashlib
import json

from .models import _kec_reason, _worker_counts


# ----------------------------------------------------------------------------------- utilities

def _fmt8(ts):
    """ClusterSet times: 2019-09-10T10:56:13+08:00."""
    t = datetime.datetime.fromtimestamp(int(ts), datetime.timezone(datetime.timedelta(hours=8)))
    return t.strftime("%Y-%m-%dT%H:%M:%S+08:00")


# ---------------------------------------------------------------------------------- views

def _nic(eni_id, subnet_id, ip, mac, sg_ids):
    return {"NetworkInterfaceId": eni_id, "NetworkInterfaceType": "primary", "SubnetId": subnet_id,
            "PrivateIpAddress": ip, "MacAddress": mac,
            "SecurityGroupSet": [{"SecurityGroupId": g} for g in sg_ids]}


def _kec_para(k):
    para = {}
    if k.get("DedicatedHostId"):
        para["DedicatedName"] = k.get("DedicatedName") or ""
        para["DedicatedId"] = k["DedicatedHostId"]
    para.update({
        "ProjectId": k.get("ProjectId", "0"),
        "InstanceType": k["InstanceType"],
        "InstanceConfigure": dict(k["InstanceConfigure"]),
        "SystemDisk": dict(k["SystemDisk"]),
        "ImageId": k["ImageId"],
        "PrivateIpAddress": k["PrivateIpAddress"],
        "ChargeType": k.get("ChargeType"),
        "CreateTime": k["CreateTime"],
        "AvailabilityZone": k["AvailabilityZone"],
        "SubnetId": k["SubnetId"],
        "VpcId": k["VpcId"],
        "NetworkInterfaceSet": [_nic(k["NetworkInterfaceId"], k["SubnetId"], k["PrivateIpAddress"],
                                     k["MacAddress"], k.get("SecurityGroupIds") or [])],
    })
    return para


def _node_view(req, n, status):
    out = {"InstanceId": n["InstanceId"], "InstanceName": n["InstanceName"],
           "InstanceRole": n["InstanceRole"], "InstanceStatus": status}
    if n.get("_type") == "epc":
        e = req.store.get("epc", n["InstanceId"]) or {}
        out["EpcInstancePara"] = json.loads(json.dumps(e.get("EpcInstancePara") or {}))
    else:
        k = req.store.get("kec", n["InstanceId"])
        if k is not None:
            out["KecInstancePara"] = _kec_para(k)
    return out


def _transition_time(req, c, status):
    """When the cluster last changed state (lazily derived), for UpdateTime."""
    t = c.get("_updated") or c["_created"]
    if c.get("_deleted") is not None:
        return max(t, c["_deleted"])
    if status in ("running", "error", "NotReady"):
        return max(t, c["_created"] + 2 * req.lifecycle)
    return t


def _cluster_view(req, c, status):
    num, normal = _worker_counts(req, c)
    return {
        "ClusterId": c["ClusterId"],
        "ClusterName": c["ClusterName"],
        "ClusterType": c["ClusterType"],
        "ClusterManageMode": c["ClusterManageMode"],
        "NetworkType": c["NetworkType"],
        "K8sVersion": c["K8sVersion"],
        "MasterEtcdSeparate": bool(c.get("MasterEtcdSeparate")),
        "ClusterDesc": c.get("ClusterDesc") or "",
        "PodCidr": c["PodCidr"],
        "ServiceCidr": c["ServiceCidr"],
        "VpcId": c["VpcId"],
        "VpcCidr": c["VpcCidr"],
        "Status": status,
        "NodeNum": num,
        "NormalNodeNum": normal,
        "CreateTime": _fmt8(c["_created"]),
        "UpdateTime": _fmt8(_transition_time(req, c, status)),
        "EnableKMSE": bool(c.get("EnableKMSE")),
    }


def _kubeconfig(c, public):
    cid = c["ClusterId"]
    h = hashlib.sha256(cid.encode()).digest()
    if public:
        host = "120.92.%d.%d" % (h[0], max(h[1], 1))
    else:
        host = "10.0.255.%d" % (h[2] % 250 + 4)
    ca = base64.b64encode(("-----BEGIN CERTIFICATE-----\nKCE-EMULATOR-CA-%s\n-----END CERTIFICATE-----\n"
                           % hashlib.sha256(b"ca" + h).hexdigest()).encode()).decode()
    cert = base64.b64encode(("-----BEGIN CERTIFICATE-----\nKCE-EMULATOR-ADMIN-%s\n-----END CERTIFICATE-----\n"
                             % hashlib.sha256(b"crt" + h).hexdigest()).encode()).decode()
    key = base64.b64encode(("-----BEGIN RSA PRIVATE KEY-----\nKCE-EMULATOR-KEY-%s\n-----END RSA PRIVATE KEY-----\n"
                            % hashlib.sha256(b"key" + h).hexdigest()).encode()).decode()
    return ("apiVersion: v1\n"
            "clusters:\n"
            "- cluster:\n"
            "    certificate-authority-data: %s\n"
            "    server: https://%s:6443\n"
            "  name: %s\n"
            "contexts:\n"
            "- context:\n"
            "    cluster: %s\n"
            "    user: kubernetes-admin\n"
            "  name: kubernetes-admin@%s\n"
            "current-context: kubernetes-admin@%s\n"
            "kind: Config\n"
            "preferences: {}\n"
            "users:\n"
            "- name: kubernetes-admin\n"
            "  user:\n"
            "    client-certificate-data: %s\n"
            "    client-key-data: %s\n") % (ca, host, cid, cid, cid, cid, cert, key)


def _existed_answer(req, page, vpc_canon, total, limit, next_marker):
    view = []
    for k in page:
        ok, reason, owner = _kec_reason(req, k, vpc_canon)
        view.append({"InstanceId": k["InstanceId"], "InstanceName": k["InstanceName"],
                     "InstanceType": k["InstanceType"], "PrivateIpAddress": k["PrivateIpAddress"],
                     "Available": ok, "UnavailableReason": reason, "ClusterId": owner})
    return {"ExistedInstanceSet": view, "TotalCount": total, "MaxResults": limit, "Marker": next_marker}
