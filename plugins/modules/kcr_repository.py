#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kcr_repository
short_description: Manage a Kingsoft Cloud KCR image repository
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Creates, updates and deletes an image repository of the Kingsoft Cloud Container Registry (KCR)
    with the C(CreateRepository), C(UpdateRepoDesc) and C(DeleteRepository) API actions.
  - A repository is identified by its full name C(namespace/repository); its namespace must exist,
    unless O(create_namespace=true).
  - Images (tags) are pushed with C(docker push); see M(ksyun.cloud.kcr_tag) to assert or delete tags.
options:
  name:
    description:
      - The full repository name, C(namespace/repository), for example C(my-namespace/my-repo).
      - The API defines no other rule for the name; a name it refuses fails with its message.
    type: str
    required: true
  description:
    description:
      - The repository description. The only thing that can be changed on an existing repository.
      - Not set means not managed. V("") empties it with C(UpdateRepoDesc) and an empty C(Description).
        The documents make that parameter required and do not say whether an empty one is accepted;
        if the API refuses it, the task fails with the API's message.
    type: str
  create_namespace:
    description:
      - Create the namespace (private unless O(namespace_public=true)) when it does not exist.
      - Without it, a missing namespace fails the task before any change, naming the namespace.
      - A namespace name held by another account (namespace names are registry-wide) fails the task
        before any change, naming it.
      - Only used with O(state=present); an existing namespace is left as it is.
    type: bool
    default: false
  namespace_public:
    description:
      - Whether a namespace created by O(create_namespace) is public.
    type: bool
    default: false
  state:
    description:
      - V(present) creates the repository or updates its description.
      - V(absent) deletes it, with all its tags. Its namespace is kept.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.resource
notes:
  - Racing runs of the same task - a create refused because the repository (or, with O(create_namespace=true),
    its namespace) exists now is re-read and the task continues from it; RV(reconciled) says so.
  - Registry names are unique, so racing runs cannot make a duplicate here; a write whose answer was lost is
    re-read, never blindly repeated. What cannot be made safe for other resources is in the README's reliability
    section.
seealso:
  - module: ksyun.cloud.kcr_repository_info
  - module: ksyun.cloud.kcr_namespace
  - module: ksyun.cloud.kcr_tag
"""

EXAMPLES = r"""
- name: A private repository in an existing namespace
  ksyun.cloud.kcr_repository:
    name: my-namespace/web
    description: The web front end

- name: A repository, and its namespace when it does not exist yet
  ksyun.cloud.kcr_repository:
    name: team-a/api
    create_namespace: true

- name: Delete a repository and all its tags
  ksyun.cloud.kcr_repository:
    name: my-namespace/old-app
    state: absent
"""

RETURN = r"""
repository:
  description:
    - The repository, as M(ksyun.cloud.kcr_repository_info) returns it; C({}) once deleted.
    - In check mode, the repository as it is now (C({}) when it would be created).
  returned: always
  type: dict
  contains:
    repo_name:
      description: The full repository name, C(namespace/repository).
      type: str
      sample: my-namespace/web
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
      sample: 0
    description:
      description: The repository description.
      type: str
      sample: The web front end
    create_time:
      description: When the repository was created.
      type: str
      sample: "2019-09-11 21:46:02"
namespace_created:
  description: Whether the task created the namespace (O(create_namespace=true)); in check mode, whether it would.
  returned: when O(state=present)
  type: bool
  sample: false
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeRepository]
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
from ansible_collections.ksyun.cloud.plugins.module_utils._kcr.options import check_repo_name
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import KsyunResource, state_option


class KcrRepository(KsyunResource):
    represent = "repository"
    argument_spec = dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        create_namespace=dict(type="bool", default=False),
        namespace_public=dict(type="bool", default=False),
        **state_option("present", "absent")
    )
    mutable = ("description",)

    @property
    def namespace(self):
        return self.params["name"].split("/", 1)[0]

    def validate(self):
        return check_repo_name("name", self.params["name"])

    def get(self):
        return kcr.find_repository(self.client, self.params["name"])

    def ident(self, raw):
        return raw["RepoName"]

    def view(self, raw):
        return dict(name=raw.get("RepoName"), description=raw.get("Description"))

    def wanted(self):
        return dict(name=self.params["name"], **self.defined("description"))

    def before_create(self):
        if kcr.find_namespace(self.client, self.namespace) is not None:
            return
        if not self.params["create_namespace"]:
            self.fail("the namespace %s of repository %s does not exist: create it first (ksyun.cloud.kcr_namespace) "
                      "or set create_namespace=true" % (self.namespace, self.params["name"]))
        if kcr.namespace_exists(self.client, self.namespace):
            if self._namespace_created():
                return None   # a racing run made it since the first read
            self.fail("the namespace %s of repository %s cannot be created: the name is taken by another account "
                      "(namespace names are registry-wide)" % (self.namespace, self.params["name"]))
        self.result["namespace_created"] = True
        if not self.check_mode:
            # refused ("already exists": a racing run made it): read again, and continue when it is there
            self.write(lambda: kcr.create_namespace(self.client, self.namespace, self.params["namespace_public"]),
                       self._namespace_created, refused=True)
            if self.refused is not None:
                self.result["namespace_created"] = False

    def _namespace_created(self):
        return True if kcr.find_namespace(self.client, self.namespace) is not None else None

    def create(self):
        kcr.create_repository(self.client, self.params["name"], self.params["description"])
        return self.params["name"]

    def update(self, current, changes):
        kcr.update_repository_description(self.client, self.params["name"], changes["description"][1])

    def delete(self, current):
        kcr.delete_repository(self.client, self.params["name"])

    def run(self):
        if self.params["state"] == "present":
            self.result["namespace_created"] = False
        super().run()


def main():
    KcrRepository.run_module()


if __name__ == "__main__":
    main()
