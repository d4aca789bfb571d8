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

from ansible_collections.ksyun.cloud.plugins.module_utils._compare import leaves, project
from ansible_collections.ksyun.cloud.plugins.module_utils._kci import api as kci
from ansible_collections.ksyun.cloud.plugins.module_utils._kci import container_group as shapes
from ansible_collections.ksyun.cloud.plugins.module_utils._module import snake
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import MASK, NamedResource


class KciContainerGroup(NamedResource):
    represent = "container_group"
    argument_spec = shapes.ARGUMENT_SPEC
    module_kwargs = shapes.MODULE_KWARGS
    recreatable = True
    unreadable = shapes.NOT_COMPARED
    id_option, id_key, name_key = "container_group_id", "ContainerGroupId", "ContainerGroupName"
    secret_values = staticmethod(shapes.secret_values)

    @property
    def secrets(self):
        """{container name: {env name: value}} of the env values the task marks secret."""
        return shapes.secrets(self.params)

    def validate(self):
        return shapes.check_options(self.params) if self.params["state"] == "present" else None

    def unread(self):
        return super().unread() + shapes.unread_ebs(self.params)

    def describe(self, ids=None, name=None):
        return kci.describe_container_groups(self.client, ids=ids, search=name)

    def masked(self, container_name, env_name, value):
        """A secret env value as shown: MASK when it is the task's, MASK_OTHER when it is not."""
        secret = self.secrets.get(container_name, {})
        if env_name not in secret:
            return value
        self.hide(value)
        return MASK if value == secret[env_name] else shapes.MASK_OTHER

    def view(self, raw):
        have = shapes.group_view(raw)
        present = self.params["state"] == "present"
        for c in have["containers"]:
            for e in c["env"]:
                # a task deleting the group does not say which values are secret: none is shown
                e["value"] = self.masked(c["name"], e["name"], e["value"]) if present else MASK
        return project(have, self.wanted()) if present else have

    def wanted(self):
        return shapes.wanted_view(self.params)

    def immutable_changed(self, current, fixed):
        nested = {path: (h, w) for option, (have, want) in fixed.items() for path, h, w in leaves(have, want, option)}
        super().immutable_changed(current, nested or fixed)

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
        return raw.get("Status") in kci.GROUP_READY

    def failed(self, raw):
        return raw.get("Status") == kci.GROUP_FAILED

    def detail(self, raw):
        text = f"containers: {shapes.container_states(raw) or 'none'}"
        warnings = [e for e in raw.get("Events") or [] if e.get("Type") == "Warning"]
        if warnings:
            text += f"; last warning: {warnings[-1].get('Message') or warnings[-1].get('Reason')}"
        return text

    def create(self):
        return kci.create_container_group(self.client, **shapes.create_arguments(self.params))["ContainerGroupId"]

    def delete(self, current):
        kci.delete_container_group(self.client, self.ident(current))


def main():
    KciContainerGroup.run_module()


if __name__ == "__main__":
    main()
