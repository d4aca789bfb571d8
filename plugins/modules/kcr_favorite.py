#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kcr_favorite
short_description: Manage a favourite image repository of a Kingsoft Cloud KCR account
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Adds or removes a favourite image repository of the Kingsoft Cloud Container Registry (KCR), from
    Kingsoft Cloud (C(KSYUN HUB)) or from Docker Hub (C(DOCKER HUB)), with the C(AddFavor) and
    C(DeleteFavor) API actions; reads with C(GetFavor).
  - A favourite is the pair of O(repository) and O(repo_type).
options:
  repository:
    description:
      - The repository name, for example V(ksyun/nginx) (C(KSYUN HUB)) or V(library/redis)
        (C(DOCKER HUB)).
      - For C(DOCKER HUB), a name without a C(/) means an official image and becomes C(library/<name>)
        (V(nginx) is V(library/nginx)) when the module adds it. A favourite stored as C(nginx) (by the
        console or another tool) is the same favourite as C(library/nginx) - it is not added a second
        time, and O(state=absent) removes whichever form exists (both, when both do).
    type: str
    required: true
    aliases: [name, repo_name]
  repo_type:
    description:
      - The registry of the repository.
    type: str
    required: true
    choices: [KSYUN HUB, DOCKER HUB]
  state:
    description:
      - V(present) adds the favourite, V(absent) removes it.
      - C(DeleteFavor) takes only the name. When the account also has the favourite of the same name
        in the other registry and the API removes it too, the module adds that one again (and warns).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.resource
notes:
  - Racing runs of the same task - an C(AddFavor) refused because the favourite exists now is re-read and the
    task continues from it; RV(reconciled) says so.
  - Registry names are unique, so racing runs cannot make a duplicate here; a write whose answer was lost is
    re-read, never blindly repeated. What cannot be made safe for other resources is in the README's reliability
    section.
seealso:
  - module: ksyun.cloud.kcr_favorite_info
"""

EXAMPLES = r"""
- name: A Kingsoft Cloud public image as a favourite
  ksyun.cloud.kcr_favorite:
    repository: ksyun/nginx
    repo_type: KSYUN HUB

- name: The official Docker Hub redis image (library/redis)
  ksyun.cloud.kcr_favorite:
    repository: redis
    repo_type: DOCKER HUB

- name: No longer a favourite
  ksyun.cloud.kcr_favorite:
    repository: library/redis
    repo_type: DOCKER HUB
    state: absent
"""

RETURN = r"""
favorite:
  description:
    - The favourite, as M(ksyun.cloud.kcr_favorite_info) returns it; C({}) once removed.
    - In check mode, the favourite as it is now (C({}) when it would be added).
  returned: always
  type: dict
  contains:
    repo_name:
      description: The repository name (C(library/<name>) for an official Docker Hub image).
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
restored:
  description:
    - The favourite of the same name in the other registry that C(DeleteFavor) removed too and the
      module added again, as it was before (C({}) when there was none).
  returned: when O(state=absent)
  type: dict
  sample: {}
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [GetFavor]
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

from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import KsyunResource, state_option


def normalize(name, repo_type):
    """A bare Docker Hub name is an official image: `nginx` -> `library/nginx`."""
    name = name.strip()
    if repo_type == "DOCKER HUB" and "/" not in name:
        return "library/" + name
    return name


class KcrFavorite(KsyunResource):
    represent = "favorite"
    label = "favourite"
    argument_spec = dict(
        repository=dict(type="str", required=True, aliases=["name", "repo_name"]),
        repo_type=dict(type="str", required=True, choices=list(kcr.REPO_TYPES)),
        **state_option("present", "absent")
    )

    def __init__(self, module):
        super().__init__(module)
        self.favorites = []   # GetFavor, as last read
        self.sibling = None   # the favourite of the same name in the other registry, before a delete

    @property
    def pair(self):
        return normalize(self.params["repository"], self.params["repo_type"]), self.params["repo_type"]

    def validate(self):
        if not self.params["repository"].strip():
            return "repository must not be empty"
        return None

    def forms(self, name, repo_type):
        """The favourites that are this one: for Docker Hub, `redis` (as the console or another tool may
        store it) and `library/redis` are the same; the full form first."""
        key = normalize(name, repo_type)
        found = [f for f in self.favorites if f.get("RepoType") == repo_type
                 and normalize(f.get("RepoName") or "", repo_type) == key]
        return sorted(found, key=lambda f: f.get("RepoName") != key)

    def find(self, name, repo_type):
        found = self.forms(name, repo_type)
        return found[0] if found else None

    def get(self):
        self.favorites = kcr.get_favorites(self.client)
        return self.find(*self.pair)

    def ident(self, raw):
        return "%s (%s)" % (raw["RepoName"], raw["RepoType"])

    def view(self, raw):
        # a stored bare Docker Hub name is the same favourite as its library/ form
        return dict(repository=normalize(raw.get("RepoName") or "", raw.get("RepoType")), repo_type=raw.get("RepoType"))

    def wanted(self):
        name, repo_type = self.pair
        return dict(repository=name, repo_type=repo_type)

    def create(self):
        name, repo_type = self.pair
        kcr.add_favorite(self.client, name, repo_type)
        return "%s (%s)" % (name, repo_type)

    def before_delete(self, current):
        name, repo_type = self.pair
        other = [t for t in kcr.REPO_TYPES if t != repo_type][0]
        # DeleteFavor takes a stored name: the favourite of exactly that name in the other registry goes too
        names = set(f["RepoName"] for f in self.forms(name, repo_type))
        siblings = [f for f in self.favorites if f.get("RepoType") == other and f.get("RepoName") in names]
        self.sibling = siblings[0] if siblings else None

    def delete(self, current):
        # every stored form of it (as last read: a resend after a lost answer re-reads first)
        for favorite in self.forms(*self.pair):
            kcr.delete_favorite(self.client, favorite["RepoName"])

    def absent(self):
        final = super().absent()
        self.result["restored"] = {}
        if self.sibling is not None and not self.check_mode:
            # the last read (the wait for the deletion) shows whether DeleteFavor, which has no type, took it too
            name, repo_type = self.sibling["RepoName"], self.sibling["RepoType"]
            if self.find(name, repo_type) is None:
                self.write(lambda: kcr.add_favorite(self.client, name, repo_type), self._restored)
                self.result["restored"] = self.to_dict(self.sibling)
                self.module.warn("DeleteFavor takes only a repository name: it also removed the %s favourite %s, "
                                 "which was added again" % (repo_type, name))
        return final

    def _restored(self):
        self.favorites = kcr.get_favorites(self.client)
        return True if self.find(self.sibling["RepoName"], self.sibling["RepoType"]) is not None else None


def main():
    KcrFavorite.run_module()


if __name__ == "__main__":
    main()
