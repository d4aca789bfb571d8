#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kci_container_group
short_description: Manage a Kingsoft Cloud KCI container group
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Creates and deletes a container group (a serverless pod) of Kingsoft Cloud Container Instance
    (KCI) with the C(CreateContainerGroup), C(DescribeContainerGroup) and C(DeleteContainerGroup)
    API actions.
  - The API cannot change a container group. When an existing group differs from the task (after
    normalising what the API fills in by default), the task fails naming each differing option with
    both values, unless O(recreate=true). Only the options the task sets are compared; the options
    C(DescribeContainerGroup) never returns cannot be compared and say so below.
  - The documents do not say that container group names are unique. A group is found by the exact
    O(name) (the task fails listing their ids when several groups have it) or by O(container_group_id).
  - The logs of the containers are read with M(ksyun.cloud.kci_container_group_info) O(ksyun.cloud.kci_container_group_info#module:logs=true).
options:
  name:
    description:
      - The container group name (C(ContainerGroupName)), at most 128 lower-case letters, digits,
        C(-) and C(.), not starting or ending with C(-) or C(.).
      - Required with O(state=present).
    type: str
  container_group_id:
    description:
      - The id of an existing container group, to choose one of several groups of the same name or
        to manage one by id. A group is never created from an id.
    type: str
  subnet_id:
    description:
      - The subnet of the group (C(SubnetId)). Required with O(state=present).
    type: str
  security_group_ids:
    description:
      - The security groups of the group, 1 to 3 (C(SecurityGroupId.N)). Required with O(state=present).
      - Compared as a set.
    type: list
    elements: str
  kci_type:
    description:
      - The container instance type (C(KciType)). V(RBKCI) is sent when not set.
    type: str
    choices: [RBKCI]
  charge_type:
    description:
      - How the group is charged (C(ChargeType)), V(HourlyInstantSettlement) (sent when not set) or V(Spot).
    type: str
    choices: [HourlyInstantSettlement, Spot]
  spot_strategy:
    description:
      - The bidding strategy of a Spot group (C(SpotStrategy)); required when O(charge_type=Spot).
      - Not compared with an existing group (the API does not return it).
    type: str
    choices: [SpotAsPriceGo]
  project_id:
    description: The project of the group (C(ProjectId)).
    type: int
  instance_type:
    description:
      - The instance type of the host under the group (C(InstanceType)), for example V(N3.2B).
    type: str
  image_cache_id:
    description:
      - The image cache to start from (C(ImageCacheId)); it must be C(Ready). It wins over O(auto_match_image_cache).
      - Not compared with an existing group (the API does not return it).
    type: str
  auto_match_image_cache:
    description:
      - Let the API pick an image cache holding the images (C(AutoMatchImageCache)); the API default is V(false).
      - Not compared with an existing group (the API does not return it).
    type: bool
  restart_policy:
    description:
      - When the containers are restarted (C(RestartPolicy)); the API default is V(Always).
    type: str
    choices: [Always, OnFailure, Never]
  cpu:
    description: The CPU cores of the group (C(Cpu)). The API derives it when not set.
    type: float
  memory:
    description: The memory of the group, GiB (C(Memory)). The API derives it when not set.
    type: float
  volumes:
    description:
      - The volumes the containers can mount (C(Volume.N)).
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The volume name, at most 63 lower-case letters, digits and C(-), starting and ending with a
            letter or digit. O(containers[].volume_mounts[].name) refers to it.
        type: str
        required: true
      type:
        description:
          - V(EmptyDirVolume) (a temporary directory), V(EBSVolume) (a cloud disk, O(volumes[].ebs_volume))
            or V(NFSVolume) (an NFS export, O(volumes[].nfs_volume)).
        type: str
        required: true
        choices: [EmptyDirVolume, EBSVolume, NFSVolume]
      ebs_volume:
        description: The cloud disk of an V(EBSVolume) volume.
        type: dict
        suboptions:
          fs_type:
            description: The file system; a disk without one is formatted with it.
            type: str
            required: true
            choices: [ext3, ext4, xfs]
          volume_id:
            description: An existing disk (not attached, in the group's zone, pay-as-you-go). Without it a new disk is made.
            type: str
          type:
            description:
              - The type of a new disk; required without O(volumes[].ebs_volume.volume_id).
              - Not compared with an existing group (the API does not return it).
            type: str
            choices: [SSD3.0, EHDD]
          size:
            description:
              - The size of a new disk, GB, from 10 to 32000; required without O(volumes[].ebs_volume.volume_id).
              - Not compared with an existing group (the API does not return it).
            type: int
          snapshot_id:
            description:
              - A snapshot to make the new disk from.
              - Not compared with an existing group (the API does not return it).
            type: str
          delete_with_instance:
            description:
              - Whether a new disk is released with the group; the API default is V(false).
              - Not compared with an existing group (the API does not return it).
            type: bool
      nfs_volume:
        description: The NFS export of an V(NFSVolume) volume.
        type: dict
        suboptions:
          server:
            description: The NFS server address.
            type: str
            required: true
          path:
            description: The exported directory.
            type: str
            required: true
          read_only:
            description: Whether it is mounted read-only; the API default is V(false).
            type: bool
          options:
            description: Other mount options, for example V(vers=3) or V(nolock).
            type: list
            elements: str
  containers:
    description:
      - The containers of the group (C(Container.N)), at least one. Required with O(state=present).
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The container name, at most 63 lower-case letters, digits and C(-), starting and ending with
            a letter or digit; unique in the group (logs are read by container name).
        type: str
        required: true
      image:
        description: The image, for example C(hub.kce.ksyun.com/ksyun/nginx:latest).
        type: str
        required: true
      image_pull_policy:
        description:
          - When the image is pulled. The API requires the parameter, so V(IfNotPresent) is sent when
            it is not set (and then not compared with an existing container).
        type: str
        choices: [Always, IfNotPresent, Never]
      command:
        description: The start command (C(Command.N)).
        type: list
        elements: str
      args:
        description: The arguments of the start command (C(Arg.N)).
        type: list
        elements: str
      env:
        description: The environment variables (C(EnvironmentVar.N)).
        type: list
        elements: dict
        suboptions:
          name:
            description:
              - The variable name, at most 63 letters, digits, C(-), C(_) and C(.), starting with a letter or one of C(-_.).
            type: str
            required: true
          value:
            description: The value (may be empty).
            type: str
            required: true
          secret:
            description:
              - Whether the value is a secret. It is then masked in the diff, the messages and the
                returned RV(container_group), and scrubbed from every other output of the task
                (it is still compared with the existing value).
              - The value is scrubbed wherever it appears in the output, so a short or common value
                (V(1), V(true)) would blank unrelated text too.
              - With O(state=absent) the diff masks every value, as such a task does not say which are secret.
              - The API stores the value as given (it keeps no secret flag) and returns it to anyone who can
                describe the group; M(ksyun.cloud.kci_container_group_info) returns it only with
                O(ksyun.cloud.kci_container_group_info#module:env_values=true).
            type: bool
            default: false
      cpu:
        description: The CPU cores of the container, at most 3 decimals.
        type: float
      memory:
        description: The memory of the container, GiB, at most 3 decimals.
        type: float
      working_dir:
        description: The working directory.
        type: str
      ports:
        description: The ports the container listens on (C(Port.N)).
        type: list
        elements: dict
        suboptions:
          port:
            description: The port number, 1 to 65535.
            type: int
            required: true
          protocol:
            description: V(TCP) (the API default) or V(UDP).
            type: str
            choices: [TCP, UDP]
      volume_mounts:
        description: The volumes mounted in the container (C(VolumeMount.N)).
        type: list
        elements: dict
        suboptions:
          name:
            description: The name of one of O(volumes).
            type: str
            required: true
          mount_path:
            description: Where it is mounted.
            type: str
          read_only:
            description: Whether it is mounted read-only; the API default is V(false).
            type: bool
  host_aliases:
    description: Extra host name resolution of the containers (C(HostAlias.N), their C(/etc/hosts)).
    type: list
    elements: dict
    suboptions: &host_aliases
      hostnames:
        description: The host names (C(Hostname.N)).
        type: list
        elements: str
        required: true
      ip:
        description: The IP address they resolve to.
        type: str
        required: true
  dns_config:
    description: The DNS settings of the containers (C(DnsConfig)).
    type: dict
    suboptions: &dns_config
      name_servers:
        description: DNS server IP addresses (C(NameServer.N)).
        type: list
        elements: str
      searches:
        description: DNS search domains (C(Search.N)).
        type: list
        elements: str
      options:
        description: Resolver options (C(Option.N)).
        type: list
        elements: dict
        suboptions:
          name:
            description: The option name, for example V(ndots).
            type: str
            required: true
          value:
            description: Its value.
            type: str
  machine_host_aliases:
    description:
      - Extra host name resolution of the host under the group (C(MachineHostAlias.N)), as O(host_aliases).
      - Not compared with an existing group (the API does not return it).
    type: list
    elements: dict
    suboptions: *host_aliases
  machine_dns_config:
    description:
      - The DNS settings of the host under the group (C(MachineDnsConfig)), as O(dns_config).
      - Not compared with an existing group (the API does not return it).
    type: dict
    suboptions: *dns_config
  retain_ip:
    description:
      - Keep the group's IP address when it is deleted (C(RetainIp)); a group created again under the
        same name within O(retain_ip_hours) gets it back (also with O(recreate=true)). The API default is V(false).
    type: bool
  retain_ip_hours:
    description:
      - How many hours a retained IP address is kept (C(RetainIpHours)), at most 8760 (a year); the API default is 24.
    type: int
  eip_allocation_id:
    description:
      - An elastic IP to bind to the group (C(EipAllocationId)).
      - Not compared with an existing group (the API does not return it).
    type: str
  advance_settings:
    description:
      - Settings of the host under the group (C(AdvanceSettings)).
      - Not compared with an existing group (the API does not return them).
    type: dict
    suboptions:
      image_id:
        description: The base image of the host.
        type: str
      system_disk:
        description: The system disk of the host.
        type: dict
        suboptions:
          type:
            description: The disk type; the API picks one from the instance type when not set.
            type: str
            choices: [Local_SSD, SSD3.0, EHDD]
          size:
            description: The size, GB, from 20 to 500 (V(Local_SSD) at most 100).
            type: int
  state:
    description:
      - V(present) creates the group and, with O(wait), waits until it is C(Running) (or C(Succeeded));
        C(Failed) fails the task at once with each container's state and reason.
      - V(absent) deletes it and, with O(wait), waits until C(DescribeContainerGroup) no longer lists it.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    default: 600
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.resource
  - ksyun.cloud.wait
  - ksyun.cloud.kci
notes:
  - Options that cannot be compared with an existing group (C(DescribeContainerGroup) does not return
    them) - O(spot_strategy), O(image_cache_id), O(auto_match_image_cache), O(image_registry_credentials),
    O(machine_host_aliases), O(machine_dns_config), O(eip_allocation_id), O(advance_settings) and the
    O(volumes[].ebs_volume) type, size, snapshot and release setting - are only used to create a group.
    A task that sets them on an existing group gets a warning naming them, as the group may differ from them.
  - A group that is C(Failed) is reported as a failure on every run; delete it (O(state=absent)) to start over.
  - The documents do not say container group names are unique, and CreateContainerGroup has no idempotency
    token. Racing runs of the same task each re-read the name after their create; of several groups every run
    keeps the same one (the oldest C(CreateTime), then the smallest id), and a run whose own group is not that
    one deletes it and returns the kept one; RV(reconciled) says so. A run deletes only a group whose id its own
    create answer returned; a create refused because the name is in use is re-read and the task continues from
    the group found.
  - What cannot be made safe (the API has no idempotency token) - a run killed between its create and its
    re-read leaves what it made, and a later run fails listing the objects of the name (for names the API does
    not keep unique); a create whose answer was lost while a racing run created the same name cannot tell which
    one it made, deletes none and warns; a create that timed out and lands after the run gave up (after
    O(timeout), or O(wait_timeout) with O(wait=true)) is not seen by a re-run started before it lands. See the
    README's reliability section.
seealso:
  - module: ksyun.cloud.kci_container_group_info
  - module: ksyun.cloud.kci_image_cache
"""

EXAMPLES = r"""
# The ids are those of the local emulator's default world (scripts/with-emulator in the collection's
# repository), where these examples run as printed; against Kingsoft Cloud, use your own.
- name: An nginx container group
  ksyun.cloud.kci_container_group:
    name: web
    subnet_id: f2ac1919-0e34-4812-8290-xxxxxx
    security_group_ids: [d46c7672-7ca9-4f51-bbd9-xxxxxx]
    cpu: 2
    memory: 4
    containers:
      - name: nginx
        image: hub.kce.ksyun.com/ksyun/nginx:latest
        ports:
          - port: 80
  register: web

- name: Its address
  ansible.builtin.debug:
    msg: "{{ web.container_group.network_interface_attributes[0].private_ip_address }}"

- name: An application with a data disk, a secret and a private image
  ksyun.cloud.kci_container_group:
    name: api
    subnet_id: f2ac1919-0e34-4812-8290-xxxxxx
    security_group_ids: [d46c7672-7ca9-4f51-bbd9-xxxxxx]
    restart_policy: OnFailure
    image_registry_credentials:
      - server: hub.kce.ksyun.com
        username: robot
        password: "{{ registry_password }}"
    volumes:
      - name: data
        type: EBSVolume
        ebs_volume: {fs_type: ext4, type: SSD3.0, size: 50, delete_with_instance: true}
    containers:
      - name: api
        image: hub.kce.ksyun.com/my-team/api:2.1.0
        image_pull_policy: Always
        command: [/app/api]
        args: [--listen, ":8080"]
        env:
          - {name: MODE, value: production}
          - {name: DB_PASSWORD, value: "{{ db_password }}", secret: true}
        cpu: 1
        memory: 2
        ports:
          - {port: 8080, protocol: TCP}
        volume_mounts:
          - {name: data, mount_path: /data}
    retain_ip: true

- name: A new image - the group cannot be changed, so it is deleted and created again (keeping its IP)
  ksyun.cloud.kci_container_group:
    name: api
    subnet_id: f2ac1919-0e34-4812-8290-xxxxxx
    security_group_ids: [d46c7672-7ca9-4f51-bbd9-xxxxxx]
    retain_ip: true
    containers:
      - name: api
        image: hub.kce.ksyun.com/my-team/api:2.2.0
    recreate: true

- name: Delete it
  ksyun.cloud.kci_container_group:
    name: web
    state: absent
"""

RETURN = r"""
container_group:
  description:
    - The container group, as M(ksyun.cloud.kci_container_group_info) returns it (the values of the
      environment variables marked O(containers[].env[].secret) masked); C({}) once deleted.
    - In check mode, the group as it is now (C({}) when it would be created or re-created).
  returned: always
  type: dict
  contains:
    container_group_id:
      description: The container group id.
      type: str
      sample: f8cba191-c9ff-40ff-f242-0123456789ab
    container_group_name:
      description: The container group name.
      type: str
      sample: web
    status:
      description: The container group status, for example C(Running), C(Succeeded) or C(Failed).
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
      description: The instance type of the host under the group.
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
    create_time:
      description: When the group was created.
      type: str
      sample: "2023-02-27 16:45:23"
    restart_policy:
      description: The restart policy.
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
    events:
      description: The events of the group (C(first_timestamp), C(last_timestamp), C(count), C(type), C(reason), C(message)).
      type: list
      elements: dict
    containers:
      description:
        - The containers (C(name), C(image), C(image_pull_policy), C(commands), C(args),
          C(environment_vars), C(cpu), C(memory), C(working_dir), C(ports), C(volume_mounts),
          C(restart_count), C(current_state), C(previous_state)).
      type: list
      elements: dict
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeContainerGroup, CreateContainerGroup, DescribeContainerGroup]
reconciled:
  description:
    - What a racing run of the same task made this run do; absent when nothing was reconciled.
  returned: when a racing run's resource was met
  type: dict
  contains:
    survivor:
      description: The id (or name) of the resource this run continued with, the one every run keeps.
      type: str
    deleted:
      description: What this run deleted of its own making (never another run's).
      type: list
      elements: str
    reason:
      description: What happened, in words.
      type: str
"""

import re

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE

from ansible_collections.ksyun.cloud.plugins.module_utils._kci import api as kci
from ansible_collections.ksyun.cloud.plugins.module_utils._module import snake
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import (
    MASK, NamedResource, state_option, wait_options)

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


# ------------------------------------------------------------------------------ pure helpers

def num(value):
    """2.0 -> 2 (the API prints whole numbers as integers); None stays None."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def decimals_over(value, places=3):
    return value is not None and abs(value * 10 ** places - round(value * 10 ** places)) > 1e-6


def pruned(value):
    """`value` without None values in dicts (the suboptions the task did not set), recursively."""
    if isinstance(value, dict):
        return dict((k, pruned(v)) for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return [pruned(v) for v in value]
    return value


def project(have, want):
    """`have` reduced to the keys `want` sets, recursively (lists element by element)."""
    if isinstance(want, dict) and isinstance(have, dict):
        return dict((k, project(have.get(k), v)) for k, v in want.items())
    if isinstance(want, list) and isinstance(have, list):
        return [project(h, want[i]) if i < len(want) else h for i, h in enumerate(have)]
    return have


def leaves(have, want, path):
    """[(path, have, want)] of each differing value, into dicts and same-length lists of dicts."""
    if isinstance(want, dict) and isinstance(have, dict):
        out = []
        for key in sorted(want):
            out.extend(leaves(have.get(key), want[key], "%s.%s" % (path, key)))
        return out
    if (isinstance(want, list) and isinstance(have, list) and len(want) == len(have)
            and all(isinstance(w, dict) for w in want)):
        out = []
        for i, (h, w) in enumerate(zip(have, want)):
            out.extend(leaves(h, w, "%s[%d]" % (path, i)))
        return out
    return [] if have == want else [(path, have, want)]


def truthy(value):
    """A boolean the API may print as a string (NFSVolume.ReadOnly is a String in the create table)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def check_options(p):
    """A message naming the option and the documented rule it breaks, or None."""
    problem = kci.check_name(p["name"], NAME_MAX)
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
    want = pruned(dict((k, p[k]) for k in COMPARED))
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


class KciContainerGroup(NamedResource):
    represent = "container_group"
    argument_spec = dict(
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
        image_registry_credentials=dict(type="list", elements="dict", options=kci.CREDENTIAL_SPEC),
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
        **state_option("present", "absent")
    )
    argument_spec.update(wait_options(600))
    module_kwargs = dict(
        required_one_of=[["name", "container_group_id"]],
        required_if=[["state", "present", ["name", "subnet_id", "security_group_ids", "containers"]],
                     ["charge_type", "Spot", ["spot_strategy"]]],
    )
    recreatable = True
    unreadable = NOT_COMPARED
    id_option, id_key, name_key = "container_group_id", "ContainerGroupId", "ContainerGroupName"

    @property
    def secrets(self):
        """{container name: {env name: value}} of the env values the task marks secret."""
        out = {}
        for c in self.params["containers"] or []:
            for e in c["env"] or []:
                if e["secret"]:
                    out.setdefault(c["name"], {})[e["name"]] = e["value"]
        return out

    @staticmethod
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

    def validate(self):
        if self.params["state"] != "present":
            return None
        return check_options(self.params)

    def unread(self):
        unread = super(KciContainerGroup, self).unread()
        for i, vol in enumerate(self.params["volumes"] or []):
            for key in NOT_COMPARED_EBS:
                if (vol["ebs_volume"] or {}).get(key) is not None:
                    unread.append("volumes[%d].ebs_volume.%s" % (i, key))
        return unread

    def describe(self, ids=None, name=None):
        return kci.describe_container_groups(self.client, ids=ids, search=name)

    def masked(self, container_name, env_name, value):
        """A secret env value as shown: MASK when it is the task's, MASK_OTHER when it is not."""
        secret = self.secrets.get(container_name, {})
        if env_name not in secret:
            return value
        self.hide(value)
        return MASK if value == secret[env_name] else MASK_OTHER

    def view(self, raw):
        have = group_view(raw)
        present = self.params["state"] == "present"
        for c in have["containers"]:
            for e in c["env"]:
                # a task deleting the group does not say which values are secret: none is shown
                e["value"] = self.masked(c["name"], e["name"], e["value"]) if present else MASK
        return project(have, self.wanted()) if present else have

    def wanted(self):
        return wanted_view(self.params)

    def immutable_changed(self, current, fixed):
        nested = {}
        for option, (have, want) in fixed.items():
            for path, h, w in leaves(have, want, option):
                nested[path] = (h, w)
        super(KciContainerGroup, self).immutable_changed(current, nested or fixed)

    def to_dict(self, raw):
        group = snake(raw)
        for c in group.get("containers") or []:
            for e in c.get("environment_vars") or []:
                if e.get("key") in self.secrets.get(c.get("name"), {}):
                    self.hide(e.get("value"))
                    e["value"] = MASK
        return group

    def status(self, raw):
        return raw.get("Status")

    def ready(self, raw):
        return raw.get("Status") in ("Running", "Succeeded")

    def failed(self, raw):
        return raw.get("Status") == "Failed"

    def detail(self, raw):
        text = "containers: %s" % (container_states(raw) or "none")
        warnings = [e for e in raw.get("Events") or [] if e.get("Type") == "Warning"]
        if warnings:
            text += "; last warning: %s" % (warnings[-1].get("Message") or warnings[-1].get("Reason"))
        return text

    def create(self):
        p = self.params
        answer = kci.create_container_group(
            self.client, p["name"], p["subnet_id"], p["security_group_ids"],
            [api_container(c) for c in p["containers"]],
            kci_type=p["kci_type"] or "RBKCI", charge_type=p["charge_type"] or "HourlyInstantSettlement",
            spot_strategy=p["spot_strategy"], project_id=p["project_id"], instance_type=p["instance_type"],
            image_cache_id=p["image_cache_id"], auto_match_image_cache=p["auto_match_image_cache"],
            image_registry_credentials=kci.credentials(p["image_registry_credentials"]) or None,
            restart_policy=p["restart_policy"], cpu=num(p["cpu"]), memory=num(p["memory"]),
            volumes=[api_volume(v) for v in p["volumes"] or []] or None,
            host_aliases=api_host_aliases(p["host_aliases"]), dns_config=api_dns(p["dns_config"]),
            machine_host_aliases=api_host_aliases(p["machine_host_aliases"]),
            machine_dns_config=api_dns(p["machine_dns_config"]), retain_ip=p["retain_ip"],
            retain_ip_hours=str(p["retain_ip_hours"]) if p["retain_ip_hours"] is not None else None,
            eip_allocation_id=p["eip_allocation_id"], advance_settings=api_advance(p["advance_settings"]))
        return answer["ContainerGroupId"]

    def delete(self, current):
        kci.delete_container_group(self.client, self.ident(current))


def main():
    KciContainerGroup.run_module()


if __name__ == "__main__":
    main()
