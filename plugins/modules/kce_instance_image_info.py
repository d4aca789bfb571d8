#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kce_instance_image_info
short_description: List the node operating system images supported by Kingsoft Cloud KCE
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Lists the operating system images (public and the account's private ones) that Kingsoft Cloud
    Container Engine (KCE) accepts for cluster nodes, with the C(DescribeInstanceImage) API action.
  - Use it to choose the C(image_id) of new nodes.
options:
  image_ids:
    description:
      - Only return the images with these ids.
    type: list
    elements: str
    aliases: [ids]
  image_type:
    description:
      - Only return the standard (C(public)) or the custom (C(private)) images.
      - Done by the module on the answer; the API has no such filter.
    type: str
    choices: [public, private]
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
- name: Every image usable for KCE nodes
  ksyun.cloud.kce_instance_image_info:
    region: cn-beijing-6
  register: images

- name: The id of the first CentOS image
  ansible.builtin.set_fact:
    centos_image_id: "{{ (images.images | selectattr('image_name', 'search', 'CentOS') | first).image_id }}"

- name: Check that one image is supported
  ksyun.cloud.kce_instance_image_info:
    image_ids:
      - 5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7
  register: one
  failed_when: one.images | length != 1

- name: Only the public images, region and credentials from module_defaults
  module_defaults:
    group/ksyun.cloud.ksyun:
      region: cn-beijing-6
  ksyun.cloud.kce_instance_image_info:
    image_type: public
"""

RETURN = r"""
images:
  description: The images found, in the order of the API; an empty list when none matched.
  returned: always
  type: list
  elements: dict
  contains:
    image_id:
      description: The image id.
      type: str
      sample: 5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7
    image_name:
      description: The image name.
      type: str
      sample: CentOS-7.3 64位
    image_type:
      description: C(public) for a standard image, C(private) for a custom image.
      type: str
      sample: public
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeInstanceImage]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, snake


ARGUMENT_SPEC = dict(
    image_ids=dict(type="list", elements="str", aliases=["ids"]),
    image_type=dict(type="str", choices=["public", "private"]),
)


def describe(m):
    images = kce.describe_instance_images(m.client, image_ids=m.params["image_ids"] or None)
    if m.params["image_type"]:
        images = [i for i in images if i.get("ImageType") == m.params["image_type"]]
    return images


def main():
    m = KsyunModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    with m.fail_on_error():
        images = describe(m)
    m.exit(images=snake(images))


if __name__ == "__main__":
    main()
