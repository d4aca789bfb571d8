# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""KCI (Kingsoft Cloud serverless Container Instances) API 2020-07-02: one function per action.

This is a private module of the ksyun.cloud collection; it may change without notice.

Reads return the raw answers (CamelCase dicts), whole lists over every page. Writes return the
answer dict and raise KsyunError. Structured parameters (containers, volumes, DNS settings...)
are given in the API's own shape, e.g. ``{"Name": "web", "Image": "nginx", "Port": [{"Port": 80}]}``
for a container, and flattened to ``Container.N.Port.M.Port``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from ansible_collections.ksyun.cloud.plugins.module_utils._client import (
    flatten_filters, flatten_list, flatten_params)
from ansible_collections.ksyun.cloud.plugins.module_utils._service import Service

SERVICE = "kci"
VERSION = "2020-07-02"
API = Service(SERVICE, VERSION)

#: ContainerGroup Status: ready (a group whose containers ran to their end has succeeded) and failed
GROUP_RUNNING = "Running"
GROUP_SUCCEEDED = "Succeeded"
GROUP_READY = (GROUP_RUNNING, GROUP_SUCCEEDED)
GROUP_FAILED = "Failed"
#: the values of DescribeContainerGroup's status filter
GROUP_STATUSES = (GROUP_RUNNING, GROUP_SUCCEEDED, GROUP_FAILED)
#: ImageCache Status: ready and failed (the others: in progress)
CACHE_READY = "Ready"
CACHE_FAILED = "Failed"
#: image cache statuses in which the API cannot delete it (the DescribeImageCache table's note)
CACHE_UNDELETABLE = ("Preparing", "SnapshotCreating")

# the DescribeImageCache table and its example disagree on two names (see the spec errata): keep the example's
_CACHE_RENAMED = {"CreationTime": "CreateTime", "ExpireDateTime": "ExpireTime"}


def normalize_image_cache(cache):
    """The cache with the example's key names, whichever of the two spellings the API sent."""
    cache = dict(cache)
    for old, new in _CACHE_RENAMED.items():
        if old in cache:
            value = cache.pop(old)
            cache.setdefault(new, value)
    return cache


# ------------------------------------------------------------------------------------ reads

def describe_container_groups(client, ids=None, search=None, filters=None, project_ids=None):
    """DescribeContainerGroup (filters: subnet-id, vpc-id, availability-zone.name, status)."""
    params = {"Search": search}
    params.update(flatten_list("ContainerGroupId", ids))
    params.update(flatten_list("ProjectId", project_ids))
    params.update(flatten_filters(filters))
    return API.pages(client, "DescribeContainerGroup", params, "ContainerGroups")


def describe_container_log(client, group_id, container_name, tail=None):
    """DescribeContainerLog: the last `tail` lines (API default 200, at most 1000) as one string."""
    answer = API.read(client, "DescribeContainerLog",
                      {"ContainerGroupId": group_id, "ContainerName": container_name, "Tail": tail})
    return answer.get("Content") or ""


def describe_image_caches(client, ids=None, image=None, name=None):
    """DescribeImageCache: by ``ImageCacheId.N``, fuzzy `image` and fuzzy `name` (all optional)."""
    params = {"Image": image, "ImageCacheName": name}
    params.update(flatten_list("ImageCacheId", ids))
    return API.pages(client, "DescribeImageCache", params, "ImageCaches")


# ----------------------------------------------------------------------------------- writes

def create_container_group(client, container_group_name, subnet_id, security_group_ids, containers,
                           kci_type="RBKCI", charge_type="HourlyInstantSettlement", spot_strategy=None,
                           project_id=None, instance_type=None, image_cache_id=None, auto_match_image_cache=None,
                           image_registry_credentials=None, restart_policy=None, cpu=None, memory=None,
                           volumes=None, host_aliases=None, dns_config=None, machine_host_aliases=None,
                           machine_dns_config=None, retain_ip=None, retain_ip_hours=None, eip_allocation_id=None,
                           advance_settings=None, dry_run=False):
    """CreateContainerGroup: ``{"ContainerGroupId"}``.

    `containers`: list of Container dicts (Name, Image, ImagePullPolicy, Cpu, Memory, Command [..],
    Arg [..], EnvironmentVar [{Key, Value}], WorkingDir, Port [{Port, Protocol}], VolumeMount
    [{Name, MountPath, ReadOnly}]); `volumes`: Volume dicts; `host_aliases`: [{Hostname: [..], Ip}];
    `dns_config`: {NameServer: [..], Search: [..], Option: [{Name, Value}]}; `advance_settings`:
    {ImageId, SystemDisk: {Type, Size}}; `image_registry_credentials`: [{Server, Username, Password}].
    The name is sent as ``ContainerGroupName`` (the document's table says ContainerGroup.Name).
    """
    params = flatten_params({
        "ContainerGroupName": container_group_name,
        "SubnetId": subnet_id,
        "SecurityGroupId": list(security_group_ids or []),
        "KciType": kci_type,
        "ChargeType": charge_type,
        "SpotStrategy": spot_strategy,
        "ProjectId": project_id,
        "InstanceType": instance_type,
        "ImageCacheId": image_cache_id,
        "AutoMatchImageCache": auto_match_image_cache,
        "ImageRegistryCredential": image_registry_credentials,
        "RestartPolicy": restart_policy,
        "Cpu": cpu,
        "Memory": memory,
        "Volume": volumes,
        "Container": list(containers or []),
        "HostAlias": host_aliases,
        "DnsConfig": dns_config,
        "MachineHostAlias": machine_host_aliases,
        "MachineDnsConfig": machine_dns_config,
        "RetainIp": retain_ip,
        "RetainIpHours": retain_ip_hours,
        "EipAllocationId": eip_allocation_id,
        "AdvanceSettings": advance_settings,
    })
    return API.write(client, "CreateContainerGroup", params, dry_run)


def delete_container_group(client, group_id, dry_run=False):
    """DeleteContainerGroup."""
    return API.write(client, "DeleteContainerGroup", {"ContainerGroupId": group_id}, dry_run)


def create_image_cache(client, image_cache_name, subnet_id, security_group_id, images, image_cache_size=None,
                       retention_days=None, image_registry_credentials=None, dry_run=False):
    """CreateImageCache: ``{"ImageCacheId"}`` (`images`: 1 to 20 image references, ``Image.N``)."""
    params = flatten_params({
        "ImageCacheName": image_cache_name,
        "SubnetId": subnet_id,
        "SecurityGroupId": security_group_id,
        "Image": list(images or []),
        "ImageCacheSize": image_cache_size,
        "RetentionDays": retention_days,
        "ImageRegistryCredential": image_registry_credentials,
    })
    return API.write(client, "CreateImageCache", params, dry_run)


def delete_image_cache(client, image_cache_id, dry_run=False):
    """DeleteImageCache."""
    return API.write(client, "DeleteImageCache", {"ImageCacheId": image_cache_id}, dry_run)
