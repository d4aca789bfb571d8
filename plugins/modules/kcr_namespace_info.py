#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kcr_namespace_info
short_description: List Kingsoft Cloud KCR image registry namespaces
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Lists the namespaces of the account in the Kingsoft Cloud Container Registry (KCR) with the
    C(DescribeRepoNamespace) API action, following every page of the answer.
  - When O(name) is given, also asks C(RepoNamespaceExist) whether that name is already registered
    (by this account or by anyone else, namespace names are global) and returns RV(exists).
options:
  name:
    description:
      - Only return the namespace with this name, and return RV(exists).
    type: str
    aliases: [namespace]
  public:
    description:
      - When set, only return the public (V(true)) or the private (V(false)) namespaces (the C(public) filter).
    type: bool
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.info_module
seealso:
  - module: ksyun.cloud.kcr_repository_info
"""

EXAMPLES = r"""
- name: Every namespace of the account
  ksyun.cloud.kcr_namespace_info:
    region: cn-beijing-6
  register: ns

- name: Their names
  ansible.builtin.debug:
    msg: "{{ ns.namespaces | map(attribute='namespace') | list }}"

- name: Is the name "my-namespace" still free?
  ksyun.cloud.kcr_namespace_info:
    name: my-namespace
  register: mine

- name: Tell
  ansible.builtin.debug:
    msg: "{{ 'ours' if mine.namespaces else ('taken by someone else' if mine.exists else 'free') }}"

- name: Only the public namespaces, credentials from module_defaults
  module_defaults:
    group/ksyun.cloud.ksyun:
      region: cn-beijing-6
  ksyun.cloud.kcr_namespace_info:
    public: true
"""

RETURN = r"""
namespaces:
  description: The namespaces of the account found; an empty list when none matched.
  returned: always
  type: list
  elements: dict
  contains:
    namespace:
      description: The namespace name.
      type: str
      sample: my-namespace
    public:
      description: Whether the namespace, and so each of its repositories, is public.
      type: bool
      sample: false
    repo_count:
      description: The number of image repositories in the namespace.
      type: int
      sample: 1
    chart_count:
      description: The number of Helm charts in the namespace.
      type: int
      sample: 0
    create_time:
      description: When the namespace was created.
      type: str
      sample: "2019-09-11 21:27:45"
exists:
  description:
    - Whether a namespace with the name O(name) is registered, by this account or by another one.
    - When it is true and RV(namespaces) is empty, the name belongs to someone else.
  returned: when O(name) is given
  type: bool
  sample: true
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeRepoNamespace, RepoNamespaceExist]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, filters_from, snake


ARGUMENT_SPEC = dict(
    name=dict(type="str", aliases=["namespace"]),
    public=dict(type="bool"),
)


# option -> documented filter name of DescribeRepoNamespace
FILTERS = {"public": "public"}


def describe(m):
    result = {}
    name = m.params["name"]
    namespaces = kcr.describe_namespaces(m.client, namespace=name, filters=filters_from(m.params, FILTERS))
    if name is not None:
        # the API's Namespace parameter may match more loosely than the exact name asked for
        namespaces = [n for n in namespaces if n.get("Namespace") == name]
        result["exists"] = bool(kcr.namespace_exists(m.client, name))
    result["namespaces"] = snake(namespaces)
    return result


def main():
    m = KsyunModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    if m.params["name"] is not None and not m.params["name"].strip():
        m.fail("name must not be empty")
    with m.fail_on_error():
        result = describe(m)
    m.exit(**result)


if __name__ == "__main__":
    main()
