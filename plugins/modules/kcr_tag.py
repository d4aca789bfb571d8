#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kcr_tag
short_description: Assert or delete image tags of a Kingsoft Cloud KCR repository
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Deletes image tags (versions) of a repository of the Kingsoft Cloud Container Registry (KCR) with
    the C(DeleteTags) API action, or asserts that they exist; reads with C(DescribeRepository) and
    C(DescribeTag).
  - Tags are created by pushing images (C(docker push)); the API cannot create them. So
    O(state=present) changes nothing; it fails, listing the missing tags, unless every tag exists.
options:
  repository:
    description:
      - The full name C(namespace/repository) of one of the account's repositories.
    type: str
    required: true
    aliases: [repo_name]
  tags:
    description:
      - The tags, for example V(latest) or V(1.9.1). Repeated names count once.
      - The API documents no rule for a tag name.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) asserts that every tag exists; the task fails listing those that do not (in
        RV(missing)), also when the repository itself does not exist.
      - V(absent) deletes those of the tags that exist and lists them in RV(deleted). Tags that are
        already gone, or a repository that does not exist, are not an error.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.resource
seealso:
  - module: ksyun.cloud.kcr_tag_info
  - module: ksyun.cloud.kcr_repository
"""

EXAMPLES = r"""
- name: Fail unless the release was pushed
  ksyun.cloud.kcr_tag:
    repository: my-namespace/web
    tags: ["1.4.0", latest]

- name: Delete old tags (those already gone are fine)
  ksyun.cloud.kcr_tag:
    repository: my-namespace/web
    tags: ["1.0.0", "1.1.0", "1.2.0"]
    state: absent
  register: cleanup

- name: Say what was deleted
  ansible.builtin.debug:
    msg: "{{ cleanup.deleted }}"
"""

RETURN = r"""
tags:
  description:
    - The asked tags that exist, as M(ksyun.cloud.kcr_tag_info) returns them, in the order of O(tags);
      C([]) once deleted.
    - In check mode, the tags as they are now.
  returned: always
  type: list
  elements: dict
  contains:
    repo_name:
      description: The full repository name.
      type: str
      sample: my-namespace/web
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
deleted:
  description: The tags deleted (in check mode, that would be deleted), in the order of O(tags).
  returned: when O(state=absent)
  type: list
  elements: str
  sample: ["1.0.0", "1.2.0"]
missing:
  description: The asked tags that do not exist (the task fails when there is any).
  returned: when O(state=present)
  type: list
  elements: str
  sample: []
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeRepository, DescribeTag]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
from ansible_collections.ksyun.cloud.plugins.module_utils._kcr.options import check_repo_name
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import KsyunToolbox, state_option


def unique(items):
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


class KcrTag(KsyunToolbox):
    represent = "tags"
    argument_spec = dict(
        repository=dict(type="str", required=True, aliases=["repo_name"]),
        tags=dict(type="list", elements="str", required=True),
        **state_option("present", "absent")
    )

    @property
    def wanted_tags(self):
        return unique(self.params["tags"])

    def validate(self):
        problem = check_repo_name("repository", self.params["repository"])
        if problem:
            return problem
        if not self.params["tags"]:
            return "tags must list at least one tag"
        if any(not t.strip() for t in self.params["tags"]):
            return "tags must not contain an empty tag name"
        return None

    def get(self):
        """{tag name: raw tag} of the asked tags that exist, or None when the repository does not exist."""
        repo = self.params["repository"]
        if kcr.find_repository(self.client, repo) is None:
            return None
        wanted = self.wanted_tags
        # the tag filter takes at most LIST_MAX values; with more, list them all
        filters = {"tag": wanted} if len(wanted) <= kcr.LIST_MAX else None
        return {t["TagName"]: t for t in kcr.describe_tags(self.client, repo, filters=filters)
                if t.get("TagName") in wanted and t.get("RepoName", repo) == repo}

    def apply(self):
        found = self.get()
        if self.params["state"] == "present":
            return self.assert_present(found)
        return self.delete_tags(found or {})

    def ordered(self, found, names):
        return [found[n] for n in names if n in found]

    def assert_present(self, found):
        wanted = self.wanted_tags
        have = [n for n in wanted if found and n in found]
        missing = [n for n in wanted if n not in have]
        self.result["missing"] = missing
        self.before = self.after = dict(tags=have)
        if found is None:
            self.fail("the repository %s does not exist, so every tag is missing: %s (tags are created by pushing "
                      "images)" % (self.params["repository"], ", ".join(missing)), **self._outcome(found, have))
        if missing:
            self.fail("the repository %s lacks the tags: %s (tags are created by pushing images, e.g. docker push)"
                      % (self.params["repository"], ", ".join(missing)), **self._outcome(found, have))
        return self.ordered(found, have)

    def _outcome(self, found, have):
        result = dict(self.result, tags=self.to_dict(self.ordered(found or {}, have)))
        result.update(self._diff_result())
        return result

    def delete_tags(self, found):
        repo = self.params["repository"]
        doomed = [n for n in self.wanted_tags if n in found]
        self.result["deleted"] = doomed
        self.before, self.after = dict(tags=doomed), dict(tags=[])
        if not doomed:
            return []
        self.changed = True
        if self.check_mode:
            return self.ordered(found, doomed)
        for part in chunks(doomed, kcr.LIST_MAX):
            self.write(lambda: kcr.delete_tags(self.client, repo, part), lambda: self._gone(part))
        return []

    def _gone(self, names):
        """After a DeleteTags whose answer was lost: True when none of `names` exists any more; otherwise
        `names` keeps only those still there, so that a resend deletes only them."""
        found = self.get() or {}
        names[:] = [n for n in names if n in found]
        return True if not names else None


def main():
    KcrTag.run_module()


if __name__ == "__main__":
    main()
