# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""KCE (Kingsoft Cloud Container Engine) API 2019-08-06: one function per action.

This is a private module of the ksyun.cloud collection; it may change without notice.

Reads return the raw answers (CamelCase dicts), whole lists over every page. Writes return the
answer dict and raise KsyunError (check ``maybe_applied`` before deciding anything after a failed
write: re-read the state).

A cluster that does not exist is "gone" (``describe_cluster`` returns None, ``describe_clusters``
leaves it out) whether DescribeCluster answers HTTP 404 or an empty ClusterSet (ksyun's own provider
reads it so); the only error code matched is in `CLUSTER_GONE_CODES`. Statuses: `CLUSTER_READY`,
`CLUSTER_FAILED`, `CLUSTER_DELETING`, `NODE_READY`, `NODE_FAILED`, `NODE_DELETING` (any other status
is "in progress"). The modules acting on one cluster find it with `_kce.cluster`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ksyun.cloud.plugins.module_utils._client import (
    flatten_filters, flatten_list, flatten_structs, json_param)
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ansible_collections.ksyun.cloud.plugins.module_utils._service import Service

SERVICE = "kce"
VERSION = "2019-08-06"
API = Service(SERVICE, VERSION)

NODE_ROLES = ("Worker", "Master_Etcd", "Master", "Etcd")
MASTER_ROLES = ("Master_Etcd", "Master", "Etcd")

#: Error codes that mean "no such cluster" even without HTTP 404. UNVERIFIED against the live API: the
#: documents define no resource error codes; ClusterNotFound is the emulator's (it answers it with 404).
CLUSTER_GONE_CODES = ("ClusterNotFound",)

#: ClusterSet.Status: ready, failed (a create that ends so has failed), and "absent, in progress"
CLUSTER_READY = "running"
CLUSTER_FAILED = ("error", "NotReady")
CLUSTER_DELETING = "deleting"
#: InstanceSet.InstanceStatus of a node: ready and failed (building / installing: in progress)
NODE_READY = "normal"
NODE_FAILED = ("failed", "abnormal")
#: a node being removed: not in the document's list of node statuses, taken to be named like the
#: cluster's `deleting`; a node is only known to be gone once DescribeClusterInstance no longer lists it
NODE_DELETING = "deleting"


def cluster_gone(err):
    """True when a KsyunError of DescribeCluster says that the cluster does not exist."""
    return err.status == 404 or err.code in CLUSTER_GONE_CODES


def _merge_filters(filters, extra):
    merged = dict(filters or {})
    for name, values in extra.items():
        if values:
            merged[name] = values
    return merged


def _node_sets(name, sets, para_key):
    """``Name.N.NodeRole`` / ``Name.N.<para_key>.M`` (JSON text) from a list of dicts.

    Each item: ``{"NodeRole": "Worker", para_key: [dict or JSON text, ...]}``; a single dict is
    accepted for `para_key` too.
    """
    items = []
    for item in sets or []:
        item = dict(item)
        paras = item.get(para_key)
        if isinstance(paras, (dict, str)):
            paras = [paras]
        item[para_key] = [json_param(p) for p in paras or []]
        items.append(item)
    return flatten_structs(name, items)


# ------------------------------------------------------------------------------------ reads

def describe_clusters(client, cluster_ids=None, search=None, filters=None):
    """DescribeCluster: every cluster of the region, or those of `cluster_ids` (unknown ids skipped).

    The action takes one ClusterId, so several ids make one call each; an answer is matched to its id
    by ClusterId, never by position.
    """
    base = {"Search": search}
    base.update(flatten_filters(filters))
    if not cluster_ids:
        return API.pages(client, "DescribeCluster", base, "ClusterSet")
    found = []
    seen = set()
    for cid in cluster_ids:
        if cid in seen:
            continue
        seen.add(cid)
        params = dict(base, ClusterId=cid)
        try:
            clusters = API.pages(client, "DescribeCluster", params, "ClusterSet")
        except KsyunError as err:
            if cluster_gone(err):
                continue
            raise
        found.extend(c for c in clusters if c.get("ClusterId") == cid)
    return found


def describe_clusters_named(client, name):
    """The clusters whose ClusterName is exactly `name` (Search narrows the answer on the server)."""
    return [c for c in describe_clusters(client, search=name) if c.get("ClusterName") == name]


def describe_cluster(client, cluster_id):
    """DescribeCluster for one id: the cluster dict, or None when it does not exist."""
    clusters = describe_clusters(client, cluster_ids=[cluster_id])
    return clusters[0] if clusters else None


def describe_cluster_instances(client, cluster_id, instance_ids=None, search=None, filters=None):
    """DescribeClusterInstance: the nodes of a cluster (filters: instance-role, instance-id)."""
    params = {"ClusterId": cluster_id, "Search": search}
    params.update(flatten_filters(_merge_filters(filters, {"instance-id": instance_ids})))
    return API.pages(client, "DescribeClusterInstance", params, "InstanceSet")


def describe_cluster_page(client, marker=0):
    """DescribeCluster, the page at offset `marker`: the whole answer (ClusterSet, TotalCount, Marker of
    the next page or 0)."""
    return API.page(client, "DescribeCluster", {}, marker)


def describe_cluster_instance_page(client, cluster_id, marker=0, filters=None):
    """DescribeClusterInstance, the page at offset `marker`: the whole answer (InstanceSet, TotalCount, Marker)."""
    params = {"ClusterId": cluster_id}
    params.update(flatten_filters(filters))
    return API.page(client, "DescribeClusterInstance", params, marker)


def describe_instance_images(client, image_ids=None):
    """DescribeInstanceImage: the node operating systems KCE supports (one answer, no paging)."""
    answer = API.read(client, "DescribeInstanceImage", flatten_list("ImageId", image_ids))
    return list(answer.get("ImageSet") or [])


def describe_epc_for_cluster(client, cluster_id=None, instance_ids=None, filters=None):
    """DescribeEpcForCluster: bare-metal servers that can join a cluster (vpc-id, subnet-id, host-name)."""
    params = {"ClusterId": cluster_id}
    params.update(flatten_list("InstanceId", instance_ids))
    params.update(flatten_filters(filters))
    return API.pages(client, "DescribeEpcForCluster", params, "InstanceSet")


def describe_existed_instances(client, cluster_id=None, instance_ids=None, search=None, filters=None):
    """DescribeExistedInstances: KEC servers that could be added to a cluster.

    The documented list key is ExistedInstanceSet; the printed example says InstanceSet: both read.
    """
    params = {"ClusterId": cluster_id, "Search": search}
    params.update(flatten_list("InstanceId", instance_ids))
    params.update(flatten_filters(filters))
    return API.pages(client, "DescribeExistedInstances", params, ("ExistedInstanceSet", "InstanceSet"))


def download_cluster_config(client, cluster_id, is_public=None):
    """DownloadClusterConfig: ``{"Expose": bool, "ClusterConfig": kubeconfig text}``."""
    return API.read(client, "DownloadClusterConfig", {"ClusterId": cluster_id, "IsPublic": is_public})


# ----------------------------------------------------------------------------------- writes

def create_cluster(client, cluster_name, vpc_id, pod_cidr, service_cidr, network_type, k8s_version,
                   reserve_subnet_id, cluster_desc=None, cluster_manage_mode=None, max_pod_per_node=None,
                   master_etcd_separate=None, instance_set=None, existed_instance_epc_set=None,
                   public_api_server=None, dry_run=False):
    """CreateCluster (POST only): ``{"ClusterId"}``.

    `instance_set`: ``[{"NodeRole": "Worker", "NodePara": [{KEC creation parameters}, ...]}, ...]``;
    `existed_instance_epc_set`: ``[{"NodeRole": ..., "EpcPara": [{"InstanceId": ...}, ...]}, ...]``;
    `public_api_server`: a dict (LineId, BandWidth, ChargeType...) or its JSON text.
    """
    params = {
        "ClusterName": cluster_name, "ClusterDesc": cluster_desc, "ClusterManageMode": cluster_manage_mode,
        "VpcId": vpc_id, "PodCidr": pod_cidr, "ServiceCidr": service_cidr, "MaxPodPerNode": max_pod_per_node,
        "NetworkType": network_type, "K8sVersion": k8s_version, "ReserveSubnetId": reserve_subnet_id,
        "MasterEtcdSeparate": master_etcd_separate,
        "PublicApiServer": json_param(public_api_server) if public_api_server is not None else None,
    }
    params.update(_node_sets("InstanceSet", instance_set, "NodePara"))
    params.update(_node_sets("ExistedInstanceEpcSet", existed_instance_epc_set, "EpcPara"))
    return API.write(client, "CreateCluster", params, dry_run)


def add_cluster_instances(client, cluster_id, instance_set, dry_run=False):
    """AddClusterInstances (POST only): new Worker nodes; ``{"InstanceSet": [{InstanceId, InstanceName}]}``."""
    params = {"ClusterId": cluster_id}
    params.update(_node_sets("InstanceSet", instance_set, "NodePara"))
    return API.write(client, "AddClusterInstances", params, dry_run)


def delete_cluster_instances(client, cluster_id, instance_ids, instance_delete_mode=None, dry_run=False):
    """DeleteClusterInstances: remove Worker nodes; ``{"InstanceSet": [{InstanceId, Return, Message}]}``.

    `instance_delete_mode`: Terminate or Remove (taken by the live API, not in the document).
    """
    params = {"ClusterId": cluster_id, "InstanceDeleteMode": instance_delete_mode}
    params.update(flatten_list("InstanceId", instance_ids))
    return API.write(client, "DeleteClusterInstances", params, dry_run)


def modify_cluster_info(client, cluster_id, cluster_name=None, cluster_desc=None, dry_run=False):
    """ModifyClusterInfo: rename a cluster or change its description."""
    params = {"ClusterId": cluster_id, "ClusterName": cluster_name, "ClusterDesc": cluster_desc}
    return API.write(client, "ModifyClusterInfo", params, dry_run)


def delete_cluster(client, cluster_id, instance_delete_mode=None, dry_run=False):
    """DeleteCluster (`instance_delete_mode` Terminate/Remove: what happens to the nodes)."""
    params = {"ClusterId": cluster_id, "InstanceDeleteMode": instance_delete_mode}
    return API.write(client, "DeleteCluster", params, dry_run)


def add_cluster_epc_instances(client, cluster_id, instance_ids, dry_run=False):
    """AddClusterEpcInstances: move bare-metal servers in; ``{"InstanceSet": [{InstanceId, Return}]}``."""
    params = {"ClusterId": cluster_id}
    params.update(flatten_list("InstanceId", instance_ids))
    return API.write(client, "AddClusterEpcInstances", params, dry_run)


def add_existed_instances(client, cluster_id, existed_instance_kec_set, dry_run=False):
    """AddExistedInstances: existing KEC servers as Workers (they are reinstalled).

    `existed_instance_kec_set`: ``[{"NodeRole": "Worker", "KecPara": [{"InstanceId", "ImageId", ...}]}]``
    sent as ``ExistedInstanceKecSet.N`` (the document's table says ExistedInstanceKeySet: a typo).
    """
    params = {"ClusterId": cluster_id}
    params.update(_node_sets("ExistedInstanceKecSet", existed_instance_kec_set, "KecPara"))
    return API.write(client, "AddExistedInstances", params, dry_run)
