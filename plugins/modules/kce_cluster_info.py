#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kce_cluster_info
short_description: List Kingsoft Cloud KCE Kubernetes clusters
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Lists the managed Kubernetes clusters of the Kingsoft Cloud Container Engine (KCE) in one region
    with the C(DescribeCluster) API action, following every page of the answer.
  - Without any option, every cluster of the region is returned.
options:
  cluster_ids:
    description:
      - Only return the clusters with these ids.
      - An id that does not exist is ignored (it is simply not part of the result).
    type: list
    elements: str
    aliases: [ids]
  name:
    description:
      - Only return the clusters whose name (C(ClusterName)) is exactly this string.
      - Cluster names are not unique, so several clusters may match.
    type: str
  search:
    description:
      - Fuzzy match on the cluster name, done by the API (its C(Search) parameter).
    type: str
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.info_module
seealso:
  - module: ksyun.cloud.kce_node_info
"""

EXAMPLES = r"""
# The ids are those of the local emulator's default world (scripts/with-emulator in the collection's
# repository), where these examples run as printed; against Kingsoft Cloud, use your own.
- name: Set the credentials once for every ksyun.cloud module
  module_defaults:
    group/ksyun.cloud.ksyun:
      region: cn-beijing-6
  block:
    - name: List every cluster of the region
      ksyun.cloud.kce_cluster_info:
      register: all_clusters

    - name: Show the id and status of each cluster
      ansible.builtin.debug:
        msg: "{{ all_clusters.clusters | items2dict(key_name='cluster_id', value_name='status') }}"

- name: Find a cluster by its exact name
  ksyun.cloud.kce_cluster_info:
    name: production
  register: prod

- name: Get two clusters by id
  ksyun.cloud.kce_cluster_info:
    cluster_ids:
      - b12d7079-1e59-4626-90eb-xxxxxx
      - c4d64fa0-0ee2-409a-b003-xxxxxx

- name: Clusters whose name contains "k8s"
  ksyun.cloud.kce_cluster_info:
    search: k8s
"""

RETURN = r"""
clusters:
  description: The clusters found, in the order of the API; an empty list when none matched.
  returned: always
  type: list
  elements: dict
  contains:
    cluster_id:
      description: The cluster id.
      type: str
      sample: b12d7079-1e59-4626-90eb-0123456789ab
    cluster_name:
      description: The cluster name.
      type: str
      sample: production
    cluster_type:
      description: C(VirtualMachine) (KEC nodes) or C(DedicatedCluster)/bare-metal (EPC nodes).
      type: str
      sample: VirtualMachine
    cluster_manage_mode:
      description: How the master nodes are managed, for example C(DedicatedCluster).
      type: str
      sample: DedicatedCluster
    cluster_desc:
      description: The cluster description.
      type: str
      sample: This is a test cluster
    k8s_version:
      description: The Kubernetes version.
      type: str
      sample: v1.12.3
    network_type:
      description: The cluster network model (C(Flannel) or C(Canal)).
      type: str
      sample: Flannel
    master_etcd_separate:
      description: Whether the Master and Etcd components run on separate nodes.
      type: bool
      sample: false
    pod_cidr:
      description: The network range of the pods.
      type: str
      sample: 10.66.0.0/16
    service_cidr:
      description: The network range of the services.
      type: str
      sample: 10.254.0.0/16
    vpc_id:
      description: The id of the VPC of the cluster.
      type: str
      sample: 31e21dca-c92e-4b06-a8ce-0123456789ab
    vpc_cidr:
      description: The network range of the VPC.
      type: str
      sample: 10.0.0.0/16
    status:
      description: The cluster status, one of C(building), C(running), C(error), C(NotReady) (or C(deleting)).
      type: str
      sample: running
    node_num:
      description: The number of worker nodes.
      type: int
      sample: 3
    normal_node_num:
      description: The number of worker nodes that are ready.
      type: int
      sample: 3
    enable_kmse:
      description: Whether KMSE is enabled.
      type: bool
      sample: false
    create_time:
      description: When the cluster was created.
      type: str
      sample: "2019-09-10T10:56:13+08:00"
    update_time:
      description: When the cluster was last updated.
      type: str
      sample: "2019-09-10T11:02:46+08:00"
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeCluster]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, snake


ARGUMENT_SPEC = dict(
    cluster_ids=dict(type="list", elements="str", aliases=["ids"]),
    name=dict(type="str"),
    search=dict(type="str"),
)


def describe(m):
    """The raw API clusters matching the options."""
    params = m.params
    # an exact name also narrows the answer on the server side (Search is a fuzzy match on the name)
    search = params["search"] if params["search"] is not None else params["name"]
    clusters = kce.describe_clusters(m.client, cluster_ids=params["cluster_ids"] or None, search=search or None)
    if params["name"] is not None:
        clusters = [c for c in clusters if c.get("ClusterName") == params["name"]]
    return clusters


def main():
    m = KsyunModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    with m.fail_on_error():
        clusters = describe(m)
    m.exit(clusters=snake(clusters))


if __name__ == "__main__":
    main()
