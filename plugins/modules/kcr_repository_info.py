#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kcr_repository_info
short_description: List Kingsoft Cloud KCR image repositories
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Lists the image repositories of the account in the Kingsoft Cloud Container Registry (KCR) with the
    C(DescribeRepository) API action, following every page of the answer.
  - With O(public_catalog=true), lists the public repositories that Kingsoft Cloud publishes for
    everyone instead (C(DescribePublicRepository)).
options:
  names:
    description:
      - Only return the repositories with these full names, C(namespace/repository).
    type: list
    elements: str
    aliases: [name]
  namespace:
    description:
      - Only return the repositories of one of these namespaces (the C(namespace) filter).
    type: list
    elements: str
  public:
    description:
      - When set, only return the public (V(true)) or the private (V(false)) repositories of the
        account (the C(public) filter).
      - Cannot be used with O(public_catalog=true), where every repository is public.
    type: bool
  public_catalog:
    description:
      - List the public catalogue of Kingsoft Cloud instead of the account's own repositories.
    type: bool
    default: false
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.info_module
seealso:
  - module: ksyun.cloud.kcr_namespace_info
  - module: ksyun.cloud.kcr_tag_info
"""

EXAMPLES = r"""
- name: Every repository of the account
  ksyun.cloud.kcr_repository_info:
    region: cn-beijing-6
  register: repos

- name: The private repositories of one namespace
  ksyun.cloud.kcr_repository_info:
    namespace: [my-namespace]
    public: false

- name: One repository by name
  ksyun.cloud.kcr_repository_info:
    names: [my-namespace/web]
  register: one

- name: The whole public catalogue of Kingsoft Cloud, credentials from module_defaults
  module_defaults:
    group/ksyun.cloud.ksyun:
      region: cn-beijing-6
  ksyun.cloud.kcr_repository_info:
    public_catalog: true
  register: catalogue

- name: How many public images are there?
  ansible.builtin.debug:
    msg: "{{ catalogue.repositories | length }}"
"""

RETURN = r"""
repositories:
  description: The repositories found, in the order of the API; an empty list when none matched.
  returned: always
  type: list
  elements: dict
  contains:
    repo_name:
      description: The full repository name, C(namespace/repository).
      type: str
      sample: my-namespace/my-repo
    public:
      description: Whether the repository is public (it follows its namespace).
      type: bool
      sample: false
    favor_count:
      description: How many times the repository was added to favourites.
      type: int
      sample: 0
    pull_count:
      description: How many times the repository was pulled.
      type: int
      sample: 3
    description:
      description: The repository description.
      type: str
      sample: test
    create_time:
      description: When the repository was created.
      type: str
      sample: "2019-09-11 21:46:02"
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeRepository]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
from ansible_collections.ksyun.cloud.plugins.module_utils._kcr.options import check_repo_name
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, filters_from, snake


ARGUMENT_SPEC = dict(
    names=dict(type="list", elements="str", aliases=["name"]),
    namespace=dict(type="list", elements="str"),
    public=dict(type="bool"),
    public_catalog=dict(type="bool", default=False),
)


# option -> documented filter name of DescribeRepository / DescribePublicRepository
FILTERS = {"namespace": "namespace", "public": "public"}


def check_options(params):
    """A message for options that cannot go together, or None."""
    if params["public_catalog"] and params["public"] is not None:
        return "public cannot be used with public_catalog=true: every repository of the public catalogue is public"
    for name in params["names"] or []:
        problem = check_repo_name("names", name)
        if problem:
            return problem
    return None


def describe(m):
    p = m.params
    describe_fn = kcr.describe_public_repositories if p["public_catalog"] else kcr.describe_repositories
    return describe_fn(m.client, repo_names=p["names"] or None, filters=filters_from(p, FILTERS))


def main():
    m = KsyunModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    problem = check_options(m.params)
    if problem:
        m.fail(problem)
    with m.fail_on_error():
        repositories = describe(m)
    m.exit(repositories=snake(repositories))


if __name__ == "__main__":
    main()
