#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kce_existed_instance_info
short_description: List existing Kingsoft Cloud KEC instances and whether they can join a KCE cluster
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Lists existing cloud servers (KEC instances) with the C(DescribeExistedInstances) API action,
    following every page of the answer, and tells for each one whether it can be moved into a
    Kingsoft Cloud Container Engine (KCE) cluster and, if not, why.
  - An instance can join a cluster when it is not in a Kubernetes cluster yet, is in the VPC of the
    cluster and is stopped.
options:
  cluster_id:
    description:
      - The cluster the instances would join; their availability is judged against it.
    type: str
  instance_ids:
    description:
      - Only return the instances with these ids.
    type: list
    elements: str
    aliases: [ids]
  search:
    description:
      - Fuzzy match on the instance name or the private IP address of its primary network
        interface, done by the API (its C(Search) parameter).
    type: str
  vpc_id:
    description:
      - Only return the instances in one of these VPCs (the C(vpc-id) filter).
    type: list
    elements: str
  subnet_id:
    description:
      - Only return the instances in one of these subnets (the C(subnet-id) filter).
    type: list
    elements: str
  availability_zone:
    description:
      - Only return the instances in one of these availability zones (the C(availability-zone.name) filter).
    type: list
    elements: str
  instance_state:
    description:
      - Only return the instances in one of these states (the C(instance-state.name) filter),
        for example C(stopped) or C(active).
    type: list
    elements: str
  available:
    description:
      - When set, only return the instances that can (V(true)) or cannot (V(false)) join the cluster.
      - Done by the module on the answer; the API has no such filter.
    type: bool
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.info_module
seealso:
  - module: ksyun.cloud.kce_node_info
  - module: ksyun.cloud.kce_epc_info
"""

EXAMPLES = r"""
# The ids are those of the local emulator's default world (scripts/with-emulator in the collection's
# repository), where these examples run as printed; against Kingsoft Cloud, use your own.
- name: Instances that can be moved into a cluster
  ksyun.cloud.kce_existed_instance_info:
    cluster_id: b12d7079-1e59-4626-90eb-xxxxxx
    available: true
  register: candidates

- name: Why the others cannot
  ksyun.cloud.kce_existed_instance_info:
    cluster_id: b12d7079-1e59-4626-90eb-xxxxxx
    available: false
  register: refused

- name: Show the reasons
  ansible.builtin.debug:
    msg: "{{ refused.instances | items2dict(key_name='instance_id', value_name='unavailable_reason') }}"

- name: Stopped instances of one subnet, credentials from module_defaults
  module_defaults:
    group/ksyun.cloud.ksyun:
      region: cn-beijing-6
  ksyun.cloud.kce_existed_instance_info:
    subnet_id: [7e23b980-11c2-4bb0-9388-xxxxxx]
    instance_state: [stopped]
"""

RETURN = r"""
instances:
  description: The instances found, in the order of the API; an empty list when none matched.
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: The instance id.
      type: str
      sample: ee355b5d-79e4-4505-b0a5-0123456789ab
    instance_name:
      description: The instance name.
      type: str
      sample: web-1
    instance_type:
      description: The instance type.
      type: str
      sample: N3.2B
    private_ip_address:
      description: The private IP address of the primary network interface.
      type: str
      sample: 10.0.11.20
    available:
      description: Whether the instance can be moved into the cluster.
      type: bool
      sample: true
    unavailable_reason:
      description:
        - Why the instance cannot be moved into the cluster, null when it can.
        - One of C(The instance is already in a k8s cluster), C(The instance is not in the stopped state),
          C(The instance and k8s cluster are not in the same VPC).
      type: str
      sample: null
    cluster_id:
      description: The cluster the instance is already in, when that is the reason it is unavailable.
      type: str
      sample: null
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeExistedInstances]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, filters_from, snake


ARGUMENT_SPEC = dict(
    cluster_id=dict(type="str"),
    instance_ids=dict(type="list", elements="str", aliases=["ids"]),
    search=dict(type="str"),
    vpc_id=dict(type="list", elements="str"),
    subnet_id=dict(type="list", elements="str"),
    availability_zone=dict(type="list", elements="str"),
    instance_state=dict(type="list", elements="str"),
    available=dict(type="bool"),
)

# option -> documented filter name of DescribeExistedInstances
FILTERS = {
    "vpc_id": "vpc-id",
    "subnet_id": "subnet-id",
    "availability_zone": "availability-zone.name",
    "instance_state": "instance-state.name",
}


def describe(m):
    p = m.params
    instances = kce.describe_existed_instances(
        m.client, cluster_id=p["cluster_id"] or None, instance_ids=p["instance_ids"] or None,
        search=p["search"] or None, filters=filters_from(p, FILTERS))
    if p["available"] is not None:
        instances = [i for i in instances if bool(i.get("Available")) is p["available"]]
    return instances


def main():
    m = KsyunModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    with m.fail_on_error():
        instances = describe(m)
    m.exit(instances=snake(instances))


if __name__ == "__main__":
    main()
