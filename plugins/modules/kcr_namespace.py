#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kcr_namespace
short_description: Manage a Kingsoft Cloud KCR image registry namespace
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Creates, makes public or private, and deletes a namespace of the Kingsoft Cloud Container Registry
    (KCR) with the C(CreateRepoNamespace), C(ModifyRepoNamespaceType) and C(DeleteRepoNamespace) API
    actions; reads with C(DescribeRepoNamespace) and C(RepoNamespaceExist).
  - Namespace names are unique in the whole registry. A name that another account (or the registry
    itself) already holds fails the task before any change, naming it.
  - A namespace that still holds repositories or Helm charts cannot be deleted. O(force=true) deletes
    its repositories (with their tags) first; charts cannot be deleted through this API, so a namespace
    with charts is never deleted.
options:
  name:
    description:
      - The namespace name.
      - The API documents no rule for it beyond being given; a name it refuses fails with its message.
    type: str
    required: true
    aliases: [namespace]
  public:
    description:
      - Whether the namespace, and so each of its repositories, is public.
      - Not set means private when the namespace is created, and left as it is when it exists.
    type: bool
  force:
    description:
      - With O(state=absent), delete the namespace's repositories (and their tags) first, one by one
        with C(DeleteRepository).
      - Without it, a namespace that holds repositories fails the task, naming how many.
      - Helm charts cannot be deleted through the API, so a namespace with charts fails the task even with
        O(force=true).
    type: bool
    default: false
  state:
    description:
      - V(present) creates the namespace or changes O(public).
      - V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.resource
notes:
  - Racing runs of the same task - a create refused because the namespace exists now (made by the other run) is
    re-read and the task continues from it, comparing O(public); RV(reconciled) says so. Racing deletes converge
    too (a delete refused because it is gone is read back).
  - Registry names are unique, so racing runs cannot make a duplicate here; a write whose answer was lost is
    re-read, never blindly repeated. What cannot be made safe for other resources is in the README's reliability
    section.
seealso:
  - module: ksyun.cloud.kcr_namespace_info
  - module: ksyun.cloud.kcr_repository
"""

EXAMPLES = r"""
- name: A private namespace
  ksyun.cloud.kcr_namespace:
    name: my-namespace

- name: Make it public (each of its repositories becomes public)
  ksyun.cloud.kcr_namespace:
    name: my-namespace
    public: true

- name: Delete it with all its repositories and their tags
  ksyun.cloud.kcr_namespace:
    name: my-namespace
    state: absent
    force: true
"""

RETURN = r"""
namespace:
  description:
    - The namespace, as M(ksyun.cloud.kcr_namespace_info) returns it; C({}) once deleted.
    - In check mode, the namespace as it is now (C({}) when it would be created).
  returned: always
  type: dict
  contains:
    namespace:
      description: The namespace name.
      type: str
      sample: team-a
    public:
      description: Whether the namespace, and so each of its repositories, is public.
      type: bool
      sample: false
    repo_count:
      description: The number of image repositories in the namespace.
      type: int
      sample: 0
    chart_count:
      description: The number of Helm charts in the namespace.
      type: int
      sample: 0
    create_time:
      description: When the namespace was created.
      type: str
      sample: "2019-09-11 21:27:45"
deleted_repositories:
  description:
    - The repositories O(force=true) deleted before the namespace (in check mode, would delete).
  returned: when O(state=absent)
  type: list
  elements: str
  sample: [team-a/web, team-a/api]
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeRepoNamespace]
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


class KcrNamespace(KsyunResource):
    represent = "namespace"
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["namespace"]),
        public=dict(type="bool"),
        force=dict(type="bool", default=False),
        **state_option("present", "absent")
    )
    mutable = ("public",)

    def __init__(self, module):
        super().__init__(module)
        self.creating = False
        self.doomed = []      # repositories force=true deletes, in the order listed

    def validate(self):
        if not self.params["name"].strip():
            return "name must not be empty"
        return None

    def get(self):
        return kcr.find_namespace(self.client, self.params["name"])

    def ident(self, raw):
        return raw["Namespace"]

    def view(self, raw):
        return dict(name=raw.get("Namespace"), public=kcr.truth(raw.get("Public")))

    def wanted(self):
        want = dict(name=self.params["name"])
        if self.param_is_defined("public") or self.creating:
            want["public"] = bool(self.params["public"])
        return want

    def before_create(self):
        # namespace names are registry-wide: "exists" while it is not ours means another account holds it,
        # unless a racing run of ours made it since the first read (read again: then continue from it)
        if kcr.namespace_exists(self.client, self.params["name"]):
            raced = self.get()
            if raced is not None:
                return raced
            self.fail("the namespace name %s is taken by another account (RepoNamespaceExist says it exists, but it "
                      "is not one of this account's namespaces): choose another name" % self.params["name"])
        self.creating = True

    def create(self):
        kcr.create_namespace(self.client, self.params["name"], bool(self.params["public"]))
        return self.params["name"]

    def update(self, current, changes):
        kcr.modify_namespace_type(self.client, self.params["name"], changes["public"][1])

    def before_delete(self, current):
        name = self.params["name"]
        repos, charts = int(current.get("RepoCount") or 0), int(current.get("ChartCount") or 0)
        if charts:
            self.fail("the namespace %s holds %d Helm chart(s), which cannot be deleted through this API: delete "
                      "them first (force=true deletes repositories only); it also holds %d repositories"
                      % (name, charts, repos), namespace=self.to_dict(current))
        if repos and not self.params["force"]:
            self.fail("the namespace %s still holds %d repositories and %d charts: delete them first, or set "
                      "force=true to delete its repositories (and their tags)" % (name, repos, charts),
                      namespace=self.to_dict(current))
        if self.params["force"]:
            listed = kcr.describe_repositories(self.client, filters={"namespace": [name]})
            self.doomed = [r["RepoName"] for r in listed if r.get("RepoName", "").startswith(name + "/")]
        self.result["deleted_repositories"] = list(self.doomed)

    def delete(self, current):
        # each repository is one write that may be re-read; one already deleted is not sent again
        while self.doomed:
            repo = self.doomed[0]
            self.write(lambda: kcr.delete_repository(self.client, repo),
                       lambda: True if kcr.find_repository(self.client, repo) is None else None,
                       repeatable=True, refused=True)
            self.doomed.pop(0)
        kcr.delete_namespace(self.client, self.params["name"])

    def run(self):
        if self.params["state"] == "absent":
            self.result["deleted_repositories"] = []
        super().run()


def main():
    KcrNamespace.run_module()


if __name__ == "__main__":
    main()
