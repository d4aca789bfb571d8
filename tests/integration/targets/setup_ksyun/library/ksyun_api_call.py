#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ksyun_api_call
short_description: Call one ksyun API action (test helper of the integration targets)
description:
  - Test-only helper of the integration targets, not part of the collection. It prepares state that
    no module creates yet (namespaces, repositories, favourites, container groups, image caches, many
    resources for pagination) through the collection's own client.
  - With O(params_list), makes one call per element in a single task (fast bulk creation).
options:
  action:
    description: The API action, for example C(CreateRepoNamespace).
    type: str
    required: true
  service:
    description: The signing service, C(kce) (KCE and KCR) or C(kci).
    type: str
    choices: [kce, kci]
    default: kce
  version:
    description: The API version (KCE 2019-08-06, KCR 2018-03-14, KCI 2020-07-02).
    type: str
    required: true
  params:
    description:
      - The action's parameters. Lists become C(Name.N) (1-based), dicts C(Name.Key), recursively;
        booleans are sent as C(true)/C(false).
    type: dict
    default: {}
  params_list:
    description: Make one call per element, each element being the O(params) of one call.
    type: list
    elements: dict
  write:
    description: Whether the action changes state (sent as a POST form, reported as changed).
    type: bool
    default: false
  result_key:
    description: For a read, follow every page and return the items under this key as RV(items).
    type: str
  ignore_codes:
    description: Error codes that count as success (for example C(NamespaceAlreadyExists)).
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - ksyun.cloud.common
author:
  - ksyun.cloud developers (!UNKNOWN)
"""

RETURN = r"""
responses:
  description: The JSON answer of each call (an error answer ignored through O(ignore_codes) is its code).
  returned: always
  type: list
  elements: raw
items:
  description: Every item over all pages, when O(result_key) is given.
  returned: when O(result_key) is given
  type: list
  elements: dict
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule


def flatten(prefix, value, out):
    """`{"A": [{"B": 1}], "C": True}` -> `{"A.1.B": "1", "C": "true"}`."""
    if isinstance(value, dict):
        for key, sub in value.items():
            flatten("%s.%s" % (prefix, key) if prefix else key, sub, out)
    elif isinstance(value, (list, tuple)):
        for index, sub in enumerate(value, 1):
            flatten("%s.%d" % (prefix, index), sub, out)
    elif isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    elif value is not None:
        out[prefix] = str(value)
    return out


def main():
    m = KsyunModule(
        argument_spec=dict(
            action=dict(type="str", required=True),
            service=dict(type="str", choices=["kce", "kci"], default="kce"),
            version=dict(type="str", required=True),
            params=dict(type="dict", default={}),
            params_list=dict(type="list", elements="dict"),
            write=dict(type="bool", default=False),
            result_key=dict(type="str"),
            ignore_codes=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=False,
    )
    p = m.params
    calls = p["params_list"] if p["params_list"] is not None else [p["params"]]
    responses = []
    result = {}
    with m.fail_on_error():
        for params in calls:
            flat = flatten("", params, {})
            if p["result_key"]:
                result["items"] = m.client.paginate(p["service"], p["version"], p["action"], flat, p["result_key"])
                continue
            try:
                responses.append(m.client.call(p["service"], p["version"], p["action"], flat, write=p["write"]))
            except KsyunError as err:
                if err.code not in p["ignore_codes"]:
                    raise
                responses.append(err.code)
    m.exit(changed=p["write"], responses=responses, **result)


if __name__ == "__main__":
    main()
