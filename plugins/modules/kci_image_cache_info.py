#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kci_image_cache_info
short_description: List Kingsoft Cloud KCI image caches
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Lists the image caches of Kingsoft Cloud Container Instance (KCI) in one region with the
    C(DescribeImageCache) API action, following every page of the answer.
  - An image cache is a disk snapshot holding container images, so that container groups start
    without pulling them.
options:
  ids:
    description:
      - Only return the image caches with these ids.
    type: list
    elements: str
    aliases: [image_cache_ids]
  image:
    description:
      - Fuzzy match on the images held by the cache, for example C(ksyun/nginx) or C(nginx), done by
        the API (its C(Image) parameter).
    type: str
  name:
    description:
      - Fuzzy match on the image cache name, done by the API (its C(ImageCacheName) parameter).
    type: str
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.info_module
seealso:
  - module: ksyun.cloud.kci_container_group_info
"""

EXAMPLES = r"""
- name: Every image cache of the region
  ksyun.cloud.kci_image_cache_info:
    region: cn-beijing-6
  register: caches

- name: The ready caches holding an nginx image
  ksyun.cloud.kci_image_cache_info:
    image: nginx
  register: nginx_caches

- name: Their ids
  ansible.builtin.debug:
    msg: "{{ nginx_caches.image_caches | selectattr('status', 'equalto', 'Ready') | map(attribute='image_cache_id') | list }}"

- name: One cache by id, credentials from module_defaults
  module_defaults:
    group/ksyun.cloud.ksyun:
      region: cn-beijing-6
  ksyun.cloud.kci_image_cache_info:
    ids: [118bdf3a-756b-4748-8fd2-545f30123456]
"""

RETURN = r"""
image_caches:
  description: The image caches found, in the order of the API; an empty list when none matched.
  returned: always
  type: list
  elements: dict
  contains:
    image_cache_id:
      description: The image cache id.
      type: str
      sample: 118bdf3a-756b-4748-8fd2-545f30123456
    image_cache_name:
      description: The image cache name.
      type: str
      sample: test-cache
    images:
      description: The container images held by the cache.
      type: list
      elements: str
      sample: [hub.kce.ksyun.com/ksyun/nginx:latest]
    image_cache_size:
      description: The cache size, GB.
      type: int
      sample: 20
    status:
      description:
        - The cache status, one of C(Preparing), C(Creating), C(SnapshotCreating), C(Ready), C(Failed).
        - Only a C(Ready) cache can be used.
      type: str
      sample: Ready
    create_time:
      description: When the cache was created.
      type: str
      sample: "2023-07-02 22:19:07"
    expire_time:
      description: When the cache expires and is deleted, empty when it never expires.
      type: str
      sample: "2023-07-12 22:19:07"
    snapshot_id:
      description: The snapshot behind the cache.
      type: str
      sample: 67522a2f-421e-4b37-b77d-799603123456
    container_group_id:
      description: The container group that built the cache.
      type: str
      sample: a1fe7f94-047a-4e8a-a707-687d39123456
    reason:
      description: Why building the cache failed, empty when it did not.
      type: str
      sample: ""
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeImageCache]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kci import api as kci
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, snake


ARGUMENT_SPEC = dict(
    ids=dict(type="list", elements="str", aliases=["image_cache_ids"]),
    image=dict(type="str"),
    name=dict(type="str"),
)


def describe(m):
    p = m.params
    caches = kci.describe_image_caches(m.client, ids=p["ids"] or None, image=p["image"] or None, name=p["name"] or None)
    return [kci.normalize_image_cache(c) for c in caches]


def main():
    m = KsyunModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    with m.fail_on_error():
        caches = describe(m)
    m.exit(image_caches=snake(caches))


if __name__ == "__main__":
    main()
