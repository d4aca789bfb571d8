#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kce_epc_info
short_description: List the Kingsoft Cloud bare-metal (EPC) servers that can join a KCE cluster
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Lists the bare-metal servers (EPC) that can be moved into a bare-metal Kingsoft Cloud Container
    Engine (KCE) cluster, with the C(DescribeEpcForCluster) API action, following every page of the answer.
options:
  cluster_id:
    description:
      - The bare-metal cluster the servers would join.
    type: str
  instance_ids:
    description:
      - Only return the servers with these ids.
    type: list
    elements: str
    aliases: [ids]
  vpc_id:
    description:
      - Only return the servers in one of these VPCs (the C(vpc-id) filter).
    type: list
    elements: str
  subnet_id:
    description:
      - Only return the servers in one of these subnets (the C(subnet-id) filter).
    type: list
    elements: str
  host_name:
    description:
      - Only return the servers with one of these names, exact match (the C(host-name) filter).
    type: list
    elements: str
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.info_module
seealso:
  - module: ksyun.cloud.kce_existed_instance_info
"""

EXAMPLES = r"""
# The ids are those of the local emulator's default world (scripts/with-emulator in the collection's
# repository), where these examples run as printed; against Kingsoft Cloud, use your own.
- name: Bare-metal servers that can join a cluster
  ksyun.cloud.kce_epc_info:
    cluster_id: 12d776f8-bb96-4556-9be6-xxxxxxx
  register: epc

- name: Their ids
  ansible.builtin.debug:
    msg: "{{ epc.instances | map(attribute='instance_id') | list }}"

- name: One server by name, credentials from module_defaults
  module_defaults:
    group/ksyun.cloud.ksyun:
      region: cn-beijing-6
  ksyun.cloud.kce_epc_info:
    host_name: [k8s_1]
"""

RETURN = r"""
instances:
  description: The bare-metal servers found, in the order of the API; an empty list when none matched.
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: The server id.
      type: str
      sample: 9c362d96-ad25-491d-8f7d-0123456789ab
    instance_name:
      description: The server name.
      type: str
      sample: k8s_1
    epc_instance_para:
      description: The server configuration.
      type: dict
      contains:
        project_id:
          description: The project id.
          type: raw
        instance_type:
          description: The bare-metal server type.
          type: str
          sample: CAL
        cpu:
          description: The CPU (C(model), C(frequency), C(count), C(core_count)).
          type: dict
          sample: {"model": "Intel_E5_2620V4 * 2", "frequency": "2.5GHZ", "count": 2, "core_count": 32}
        memory:
          description: The memory size.
          type: str
          sample: 128G
        gpu:
          description: The GPU, null when there is none.
          type: dict
        disk_set:
          description: The disks (C(disk_type), C(raid), C(space)).
          type: list
          elements: dict
          sample: [{"disk_type": "System", "raid": "Raid1", "space": "300GB"}]
        image_id:
          description: The image id.
          type: str
        os_name:
          description: The operating system image name.
          type: str
          sample: Centos-7.3-x86-64-container
        charge_type:
          description: The charge type.
          type: str
        availability_zone:
          description: The availability zone.
          type: str
          sample: cn-beijing-6b
        network_interface_set:
          description: >-
            The network interfaces (C(network_interface_id), C(network_interface_type), C(subnet_id),
            C(private_ip_address), C(mac_address), C(security_group_set)).
          type: list
          elements: dict
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeEpcForCluster]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, filters_from, snake


ARGUMENT_SPEC = dict(
    cluster_id=dict(type="str"),
    instance_ids=dict(type="list", elements="str", aliases=["ids"]),
    vpc_id=dict(type="list", elements="str"),
    subnet_id=dict(type="list", elements="str"),
    host_name=dict(type="list", elements="str"),
)

# option -> documented filter name of DescribeEpcForCluster
FILTERS = {"vpc_id": "vpc-id", "subnet_id": "subnet-id", "host_name": "host-name"}


def describe(m):
    p = m.params
    return kce.describe_epc_for_cluster(
        m.client, cluster_id=p["cluster_id"] or None, instance_ids=p["instance_ids"] or None,
        filters=filters_from(p, FILTERS))


def main():
    m = KsyunModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    with m.fail_on_error():
        instances = describe(m)
    m.exit(instances=snake(instances))


if __name__ == "__main__":
    main()
