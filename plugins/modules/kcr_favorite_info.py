#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kcr_favorite_info
short_description: List the favourite image repositories of a Kingsoft Cloud KCR account
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Lists the image repositories the account marked as favourites in the Kingsoft Cloud Container
    Registry (KCR), from Kingsoft Cloud (C(KSYUN HUB)) and from Docker Hub (C(DOCKER HUB)), with the
    C(GetFavor) API action, following every page of the answer.
options:
  repo_type:
    description:
      - Only return the favourites of this registry.
      - Done by the module on the answer; the API has no such filter.
    type: str
    choices: [KSYUN HUB, DOCKER HUB]
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.info_module
seealso:
  - module: ksyun.cloud.kcr_repository_info
"""

EXAMPLES = r"""
- name: Every favourite repository
  ksyun.cloud.kcr_favorite_info:
    region: cn-beijing-6
  register: favs

- name: Their names
  ansible.builtin.debug:
    msg: "{{ favs.favorites | map(attribute='repo_name') | list }}"

- name: Only the Docker Hub ones, credentials from module_defaults
  module_defaults:
    group/ksyun.cloud.ksyun:
      region: cn-beijing-6
  ksyun.cloud.kcr_favorite_info:
    repo_type: DOCKER HUB
"""

RETURN = r"""
favorites:
  description: The favourite repositories, Kingsoft Cloud ones first; an empty list when there is none.
  returned: always
  type: list
  elements: dict
  contains:
    repo_name:
      description: The repository name.
      type: str
      sample: ksyun/nginx
    repo_type:
      description: C(KSYUN HUB) for a Kingsoft Cloud repository, C(DOCKER HUB) for a Docker Hub one.
      type: str
      sample: KSYUN HUB
    create_time:
      description: When the repository was added to the favourites.
      type: str
      sample: "2019-02-27 18:28:57"
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [GetFavor]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, snake


ARGUMENT_SPEC = dict(
    repo_type=dict(type="str", choices=["KSYUN HUB", "DOCKER HUB"]),
)


def describe(m):
    favorites = kcr.get_favorites(m.client)
    if m.params["repo_type"]:
        favorites = [f for f in favorites if f.get("RepoType") == m.params["repo_type"]]
    return favorites


def main():
    m = KsyunModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    with m.fail_on_error():
        favorites = describe(m)
    m.exit(favorites=snake(favorites))


if __name__ == "__main__":
    main()
