#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kcr_tag_info
short_description: List the image tags of Kingsoft Cloud KCR repositories
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Lists the image tags (versions) of one repository of the Kingsoft Cloud Container Registry (KCR),
    or of all the account's repositories, with the C(DescribeTag) API action, following every page of
    the answer.
options:
  repository:
    description:
      - The full repository name, C(namespace/repository).
      - The module fails when the repository does not exist.
      - Not set lists the tags of every repository of the account (C(DescribeTag) without C(RepoName),
        which the documents make optional).
    type: str
    aliases: [repo_name]
  tags:
    description:
      - Only return these tags (the C(tag) filter).
    type: list
    elements: str
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.info_module
seealso:
  - module: ksyun.cloud.kcr_repository_info
"""

EXAMPLES = r"""
- name: Every tag of a repository
  ksyun.cloud.kcr_tag_info:
    repository: my-namespace/web
    region: cn-beijing-6
  register: web_tags

- name: Every tag of every repository of the account
  ksyun.cloud.kcr_tag_info: {}
  register: all_tags

- name: The digest behind "latest"
  ksyun.cloud.kcr_tag_info:
    repository: my-namespace/web
    tags: [latest]
  register: latest

- name: Show it
  ansible.builtin.debug:
    msg: "{{ latest.tags[0].image_id if latest.tags else 'no latest tag' }}"

- name: With the region taken from module_defaults
  module_defaults:
    group/ksyun.cloud.ksyun:
      region: cn-beijing-6
  ksyun.cloud.kcr_tag_info:
    repository: my-namespace/web
    tags: ["1.9.1", "1.9.2"]
"""

RETURN = r"""
tags:
  description: The tags found, in the order of the API; an empty list when none matched.
  returned: always
  type: list
  elements: dict
  contains:
    repo_name:
      description: The full repository name.
      type: str
      sample: my-namespace/my-repo
    tag_name:
      description: The tag.
      type: str
      sample: latest
    image_id:
      description: The image digest.
      type: str
      sample: sha256:a42a428525996f3a84d466ee628a074cac568e0e8c99b5d6f7398be342337039
    size_byte:
      description: The image size in bytes (a number or a numeric string, as the API sends it).
      type: raw
      sample: 55914538
    author:
      description: The image author.
      type: str
      sample: NGINX Docker Maintainers
    docker_version:
      description: The version of the Docker client that built the image.
      type: str
      sample: 1.6.0
    architecture:
      description: The CPU architecture.
      type: str
      sample: amd64
    os:
      description: The operating system.
      type: str
      sample: linux
    create_time:
      description: When the tag was pushed.
      type: str
      sample: "2019-09-11 23:20:27"
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeTag]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
from ansible_collections.ksyun.cloud.plugins.module_utils._kcr.options import check_repo_name
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, filters_from, snake


ARGUMENT_SPEC = dict(
    repository=dict(type="str", aliases=["repo_name"]),
    tags=dict(type="list", elements="str"),
)


# option -> documented filter name of DescribeTag
FILTERS = {"tags": "tag"}


def describe(m):
    return kcr.describe_tags(m.client, m.params["repository"], filters=filters_from(m.params, FILTERS))


def main():
    m = KsyunModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    problem = check_repo_name("repository", m.params["repository"]) if m.params["repository"] is not None else None
    if problem:
        m.fail(problem)
    with m.fail_on_error():
        tags = describe(m)
    m.exit(tags=snake(tags))


if __name__ == "__main__":
    main()
