#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kce_node_info
short_description: List the nodes of a Kingsoft Cloud KCE cluster
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Lists the master, etcd and worker nodes of one Kingsoft Cloud Container Engine (KCE) cluster with
    the C(DescribeClusterInstance) API action, following every page of the answer.
options:
  cluster_id:
    description:
      - The id of the cluster whose nodes are listed.
      - The module fails (C(ClusterNotFound)) when the cluster does not exist.
      - One of O(cluster_id) and O(cluster_name) is required.
    type: str
  cluster_name:
    description:
      - The name of the cluster whose nodes are listed, matched exactly (C(DescribeCluster) first).
      - The module fails when no cluster has this name, or when several have it (cluster names are
        not unique in KCE), listing their ids; O(cluster_id) then chooses one.
    type: str
  roles:
    description:
      - Only return the nodes with one of these roles (the C(instance-role) filter).
    type: list
    elements: str
    choices: [Worker, Master_Etcd, Master, Etcd]
  instance_ids:
    description:
      - Only return the nodes with these instance ids (the C(instance-id) filter).
    type: list
    elements: str
    aliases: [ids]
  search:
    description:
      - Fuzzy match on the private IP address of the node's primary network interface, done by the API
        (its C(Search) parameter).
    type: str
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.info_module
seealso:
  - module: ksyun.cloud.kce_cluster_info
"""

EXAMPLES = r"""
# The ids are those of the local emulator's default world (scripts/with-emulator in the collection's
# repository), where these examples run as printed; against Kingsoft Cloud, use your own.
- name: List every node of a cluster
  ksyun.cloud.kce_node_info:
    cluster_id: 79dac1a8-3387-4769-82a5-xxxxxx
  register: nodes

- name: Private IP addresses of the worker nodes, the cluster found by its name
  ksyun.cloud.kce_node_info:
    cluster_name: openapi-cluster
    roles: [Worker]
  register: workers

- name: Show them
  ansible.builtin.debug:
    msg: "{{ workers.nodes | map(attribute='kec_instance_para.private_ip_address') | list }}"

- name: The node that has this address
  ksyun.cloud.kce_node_info:
    cluster_id: 79dac1a8-3387-4769-82a5-xxxxxx
    search: 10.0.22.28

- name: With the region taken from module_defaults
  module_defaults:
    group/ksyun.cloud.ksyun:
      region: cn-beijing-6
  ksyun.cloud.kce_node_info:
    cluster_id: 79dac1a8-3387-4769-82a5-xxxxxx
    roles: [Master_Etcd, Master, Etcd]
"""

RETURN = r"""
cluster_id:
  description: The id of the cluster (the one found by O(cluster_name), or O(cluster_id)).
  returned: always
  type: str
  sample: b12d7079-1e59-4626-90eb-0123456789ab
nodes:
  description: The nodes found, in the order of the API; an empty list when none matched.
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: The instance id of the node.
      type: str
      sample: 6f2faec7-057f-455f-a45c-0123456789ab
    instance_name:
      description: The instance name.
      type: str
      sample: openapi-worker-1
    instance_role:
      description: The node role, one of C(Worker), C(Master_Etcd), C(Master), C(Etcd).
      type: str
      sample: Worker
    instance_status:
      description: The node status, one of C(normal), C(abnormal), C(building), C(failed), C(installing).
      type: str
      sample: normal
    kec_instance_para:
      description: The configuration of a virtual machine (KEC) node.
      type: dict
      returned: for a virtual machine cluster
      contains:
        instance_type:
          description: The instance type.
          type: str
          sample: I3.4B
        image_id:
          description: The image id.
          type: str
          sample: 5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7
        private_ip_address:
          description: The private IP address of the primary network interface.
          type: str
          sample: 10.0.22.28
        availability_zone:
          description: The availability zone.
          type: str
          sample: cn-beijing-6b
        subnet_id:
          description: The subnet of the primary network interface.
          type: str
        vpc_id:
          description: The VPC of the primary network interface.
          type: str
        charge_type:
          description: The charge type.
          type: str
          sample: Daily
        project_id:
          description: The project id.
          type: raw
          sample: 0
        create_time:
          description: When the instance was created.
          type: str
          sample: "2019-09-10T15:22:43Z"
        instance_configure:
          description: The size of the instance (C(vcpu), C(memory_gb), C(gpu), C(data_disk_gb), C(root_disk_gb), C(data_disk_type)).
          type: dict
          sample: {"vcpu": 4, "memory_gb": 8, "gpu": 0, "data_disk_gb": 50, "root_disk_gb": 20, "data_disk_type": "SSD"}
        system_disk:
          description: The system disk (C(disk_type), C(disk_size)).
          type: dict
          sample: {"disk_type": "Local_SSD", "disk_size": 20}
        network_interface_set:
          description: The network interfaces (id, type, subnet, private IP, MAC address, security groups).
          type: list
          elements: dict
    epc_instance_para:
      description: The configuration of a bare-metal (EPC) node.
      type: dict
      returned: for a bare-metal cluster
      contains:
        instance_type:
          description: The bare-metal server type.
          type: str
          sample: CAL
        cpu:
          description: The CPU (C(model), C(frequency), C(count), C(core_count)).
          type: dict
        memory:
          description: The memory size.
          type: str
          sample: 128G
        disk_set:
          description: The disks (C(disk_type), C(raid), C(space)).
          type: list
          elements: dict
        os_name:
          description: The operating system image name.
          type: str
        image_id:
          description: The image id.
          type: str
        availability_zone:
          description: The availability zone.
          type: str
        network_interface_set:
          description: The network interfaces.
          type: list
          elements: dict
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeClusterInstance]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._kce.cluster import CLUSTER_KWARGS
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, filters_from, snake


ARGUMENT_SPEC = dict(
    cluster_id=dict(type="str"),
    cluster_name=dict(type="str"),
    roles=dict(type="list", elements="str", choices=["Worker", "Master_Etcd", "Master", "Etcd"]),
    instance_ids=dict(type="list", elements="str", aliases=["ids"]),
    search=dict(type="str"),
)


# option -> documented filter name of DescribeClusterInstance
FILTERS = {"roles": "instance-role"}


def cluster_id_of(m):
    """cluster_id, or the id of the one cluster named cluster_name (fails for none or several)."""
    if m.params["cluster_id"]:
        return m.params["cluster_id"]
    name = m.params["cluster_name"]
    named = kce.describe_clusters_named(m.client, name)
    if not named:
        m.fail("cluster named %s does not exist" % name)
    if len(named) > 1:
        m.fail("%d clusters are named %s: %s; set cluster_id to choose one"
               % (len(named), name, ", ".join(c.get("ClusterId") for c in named)))
    return named[0]["ClusterId"]


def describe(m, cluster_id):
    return kce.describe_cluster_instances(
        m.client, cluster_id, instance_ids=m.params["instance_ids"] or None,
        search=m.params["search"] or None, filters=filters_from(m.params, FILTERS))


def main():
    m = KsyunModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, **CLUSTER_KWARGS)
    for option in ("cluster_id", "cluster_name"):
        if m.params[option] is not None and not m.params[option].strip():
            m.fail("%s must not be empty" % option)
    with m.fail_on_error():
        cluster_id = cluster_id_of(m)
        nodes = describe(m, cluster_id)
    m.exit(cluster_id=cluster_id, nodes=snake(nodes))


if __name__ == "__main__":
    main()
