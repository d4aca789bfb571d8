#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kci_container_group_info
short_description: List Kingsoft Cloud KCI container groups, optionally with their logs
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Lists the container groups (serverless pods) of Kingsoft Cloud Container Instance (KCI) in one
    region with the C(DescribeContainerGroup) API action, following every page of the answer.
  - With O(logs=true), also reads the end of the log of every container (C(DescribeContainerLog),
    one call per container).
  - The values of the containers' environment variables are masked unless O(env_values=true), as the API
    returns every value as it was given, secrets included (it keeps no secret flag).
options:
  ids:
    description:
      - Only return the container groups with these ids.
    type: list
    elements: str
    aliases: [container_group_ids]
  name:
    description:
      - Only return the container groups named exactly this (names are not unique, so there may be several).
      - The API narrows the list by a fuzzy match (its C(Search) parameter, O(search) when that is set too)
        and the module keeps the exact matches.
    type: str
  search:
    description:
      - Fuzzy match on the container group name or its private IP address, done by the API
        (its C(Search) parameter).
    type: str
  subnet_id:
    description:
      - Only return the container groups in one of these subnets (the C(subnet-id) filter).
    type: list
    elements: str
  vpc_id:
    description:
      - Only return the container groups in one of these VPCs (the C(vpc-id) filter).
    type: list
    elements: str
  availability_zone:
    description:
      - Only return the container groups in one of these availability zones (the C(availability-zone.name) filter).
    type: list
    elements: str
  status:
    description:
      - Only return the container groups in one of these states (the C(status) filter).
      - The API can only filter on these three states.
    type: list
    elements: str
    choices: [Running, Succeeded, Failed]
  project_ids:
    description:
      - Only return the container groups of these projects. All projects when not set.
    type: list
    elements: int
  logs:
    description:
      - Add the end of each container's log to the container, as RV(container_groups[].containers[].log).
    type: bool
    default: false
  log_tail:
    description:
      - How many lines of the end of each log to read when O(logs=true), from 1 to 1000.
    type: int
    default: 200
  env_values:
    description:
      - Return the values of the containers' environment variables.
      - B(This exposes every value, secrets included) - those M(ksyun.cloud.kci_container_group) marks
        O(ksyun.cloud.kci_container_group#module:containers[].env[].secret) too, since the API does not know which
        are secret. They are then in the result, in the registered variable and in the output at C(-v).
        Use it on a task with C(no_log=true) set.
      - With V(false), every value is returned as C(********), so only the names are shown.
    type: bool
    default: false
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.info_module
"""

EXAMPLES = r"""
- name: Every container group of the region
  ksyun.cloud.kci_container_group_info:
    region: cn-beijing-6
  register: all_groups

- name: The failed ones, with the last 50 lines of each container's log
  ksyun.cloud.kci_container_group_info:
    status: [Failed]
    logs: true
    log_tail: 50
  register: failed

- name: Show the logs
  ansible.builtin.debug:
    msg: "{{ failed.container_groups | map(attribute='containers') | flatten | map(attribute='log') | list }}"

- name: One group by name, credentials from module_defaults
  module_defaults:
    group/ksyun.cloud.ksyun:
      region: cn-beijing-6
  ksyun.cloud.kci_container_group_info:
    search: nginx-rbkci
"""

RETURN = r"""
container_groups:
  description: The container groups found, in the order of the API; an empty list when none matched.
  returned: always
  type: list
  elements: dict
  contains:
    container_group_id:
      description: The container group id.
      type: str
      sample: f8cba191-c9ff-40ff-f242-0123456789ab
    container_group_name:
      description: The container group name.
      type: str
      sample: nginx-rbkci
    status:
      description: The container group status, for example C(Pending), C(Running), C(Succeeded), C(Failed), C(Terminating).
      type: str
      sample: Running
    availability_zone:
      description: The availability zone.
      type: str
      sample: cn-beijing-6a
    kci_type:
      description: The container instance type.
      type: str
      sample: RBKCI
    charge_type:
      description: The charge type.
      type: str
      sample: HourlyInstantSettlement
    project_id:
      description: The project id.
      type: int
      sample: 0
    instance_type:
      description: The instance type of the virtual machine under the group.
      type: str
      sample: N3.2B
    cpu:
      description: The CPU cores of the group.
      type: float
      sample: 2
    memory:
      description: The memory of the group, GiB.
      type: float
      sample: 4
    gpu:
      description: The GPU cards of the group.
      type: int
      sample: null
    create_time:
      description: When the group was created.
      type: str
      sample: "2023-02-27 16:45:23"
    succeeded_time:
      description: When the group succeeded.
      type: str
      sample: null
    restart_policy:
      description: The restart policy, C(Always), C(OnFailure) or C(Never).
      type: str
      sample: Always
    retain_ip:
      description: Whether the group keeps its IP address.
      type: bool
      sample: null
    retain_ip_hours:
      description: How long the IP address is kept, hours.
      type: str
      sample: null
    network_interface_attributes:
      description: >-
        The network interfaces (C(network_interface_id), C(network_interface_type), C(vpc_id),
        C(subnet_id), C(private_ip_address), C(public_ip), C(mac_address), C(security_groups)).
      type: list
      elements: dict
    volumes:
      description: The volumes (C(name), C(type), C(ebs_volume), C(nfs_volume)).
      type: list
      elements: dict
    dns_config:
      description: The DNS configuration (C(name_servers), C(searches), C(options)).
      type: dict
    host_aliases:
      description: The host aliases (C(hostnames), C(ip)).
      type: list
      elements: dict
    labels:
      description: The labels (C(key), C(value)).
      type: list
      elements: dict
    events:
      description: The events of the group (C(first_timestamp), C(last_timestamp), C(count), C(type), C(reason), C(message)).
      type: list
      elements: dict
    containers:
      description: The containers of the group.
      type: list
      elements: dict
      contains:
        name:
          description: The container name.
          type: str
          sample: nginx
        image:
          description: The image.
          type: str
          sample: hub.kce.ksyun.com/ksyun/nginx:latest
        image_pull_policy:
          description: C(Always), C(IfNotPresent) or C(Never).
          type: str
          sample: IfNotPresent
        cpu:
          description: The CPU cores of the container.
          type: float
        memory:
          description: The memory of the container, GiB.
          type: float
        commands:
          description: The start command.
          type: list
          elements: str
        args:
          description: The arguments of the start command.
          type: list
          elements: str
        environment_vars:
          description:
            - The environment variables (C(key), C(value)).
            - Each C(value) is C(********) unless O(env_values=true).
          type: list
          elements: dict
        working_dir:
          description: The working directory.
          type: str
        ports:
          description: The ports (C(port), C(protocol)).
          type: list
          elements: dict
          sample: [{"port": 80, "protocol": "TCP"}]
        volume_mounts:
          description: The volume mounts (C(name), C(mount_path), C(read_only)).
          type: list
          elements: dict
        restart_count:
          description: How many times the container restarted.
          type: int
          sample: 0
        current_state:
          description: The current state (C(state), C(start_time), C(finish_time), C(reason), C(exit_code)).
          type: dict
          sample: {"state": "running", "start_time": "2023-02-27T08:46:08Z", "finish_time": null, "reason": null, "exit_code": null}
        previous_state:
          description: The previous state, same keys as RV(container_groups[].containers[].current_state).
          type: dict
        log:
          description:
            - The last O(log_tail) lines of the container's log, empty when it has not started yet.
            - Null when the group was deleted between the listing and the log request.
          type: str
          returned: when O(logs=true)
          sample: "/docker-entrypoint.sh: Configuration complete; ready for start up\n"
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeContainerGroup, DescribeContainerLog]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kci import api as kci
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, filters_from, snake
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import MASK


MAX_LOG_TAIL = 1000

ARGUMENT_SPEC = dict(
    ids=dict(type="list", elements="str", aliases=["container_group_ids"]),
    name=dict(type="str"),
    search=dict(type="str"),
    subnet_id=dict(type="list", elements="str"),
    vpc_id=dict(type="list", elements="str"),
    availability_zone=dict(type="list", elements="str"),
    status=dict(type="list", elements="str", choices=list(kci.GROUP_STATUSES)),
    project_ids=dict(type="list", elements="int"),
    logs=dict(type="bool", default=False),
    log_tail=dict(type="int", default=200),
    env_values=dict(type="bool", default=False),
)

# option -> documented filter name of DescribeContainerGroup
FILTERS = {
    "subnet_id": "subnet-id",
    "vpc_id": "vpc-id",
    "availability_zone": "availability-zone.name",
    "status": "status",
}


def check_options(params):
    """A message for out-of-range options, or None."""
    if not 1 <= params["log_tail"] <= MAX_LOG_TAIL:
        return "log_tail must be between 1 and %d, got %d" % (MAX_LOG_TAIL, params["log_tail"])
    if params["name"] is not None and not params["name"].strip():
        return "name must not be empty"
    negative = [p for p in params["project_ids"] or [] if p < 0]
    if negative:
        return "project_ids must not be negative, got: %s" % ", ".join(str(p) for p in negative)
    return None


class ContainerGroupInfo:
    def __init__(self, m):
        self.m = m
        self.params = m.params

    def describe(self):
        p = self.params
        groups = kci.describe_container_groups(
            self.m.client, ids=p["ids"] or None, search=p["search"] or p["name"] or None,
            filters=filters_from(p, FILTERS), project_ids=p["project_ids"] or None)
        if p["name"] is not None:
            groups = [g for g in groups if g.get("ContainerGroupName") == p["name"]]
        return groups

    @staticmethod
    def mask_env(groups):
        """Every environment variable's value replaced by MASK (the API keeps no secret flag)."""
        for group in groups:
            for container in group.get("containers") or []:
                for var in container.get("environment_vars") or []:
                    if "value" in var:
                        var["value"] = MASK
        return groups

    def add_logs(self, groups):
        """Put each container's log tail in its (snake_case) dict under `log`."""
        for group in groups:
            for container in group.get("containers") or []:
                container["log"] = self.log(group["container_group_id"], container["name"])
        return groups

    def log(self, group_id, container_name):
        try:
            return kci.describe_container_log(self.m.client, group_id, container_name, tail=self.params["log_tail"])
        except KsyunError as err:
            if err.not_found:  # the group went away between the two calls
                return None
            raise

    def run(self):
        groups = snake(self.describe())
        if not self.params["env_values"]:
            self.mask_env(groups)
        if self.params["logs"]:
            self.add_logs(groups)
        return groups


def main():
    m = KsyunModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    problem = check_options(m.params)
    if problem:
        m.fail(problem)
    with m.fail_on_error():
        groups = ContainerGroupInfo(m).run()
    m.exit(container_groups=groups)


if __name__ == "__main__":
    main()
