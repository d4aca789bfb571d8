#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kci_image_cache
short_description: Manage a Kingsoft Cloud KCI image cache
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Creates and deletes an image cache of Kingsoft Cloud Container Instance (KCI) with the
    C(CreateImageCache), C(DescribeImageCache) and C(DeleteImageCache) API actions.
  - An image cache is a disk snapshot holding container images, so that container groups start
    without pulling them (M(ksyun.cloud.kci_container_group) O(ksyun.cloud.kci_container_group#module:image_cache_id)).
  - The API cannot change an image cache. When an existing cache differs from the task, the task
    fails naming each differing option with both values, unless O(recreate=true).
  - The documents do not say that image cache names are unique. A cache is found by the exact
    O(name) (the task fails listing their ids when several caches have it) or by O(image_cache_id).
options:
  name:
    description:
      - The image cache name (C(ImageCacheName)), 1 to 63 lower-case letters, digits, C(-) and
        C(.), not starting or ending with C(-) or C(.).
      - Required with O(state=present).
    type: str
  image_cache_id:
    description:
      - The id of an existing image cache, to choose one of several caches of the same name or to
        manage one by id. A cache is never created from an id.
    type: str
  images:
    description:
      - The container images to cache, 1 to 20 (C(Image.N)), for example C(hub.kce.ksyun.com/ksyun/nginx:latest).
      - Compared as a set with the images of an existing cache.
      - Required with O(state=present).
    type: list
    elements: str
  subnet_id:
    description:
      - The subnet the cache is built in (C(SubnetId)).
      - Required with O(state=present). Not compared with an existing cache (C(DescribeImageCache) does not return it).
    type: str
  security_group_id:
    description:
      - The security group of the instance that builds the cache (C(SecurityGroupId)).
      - Required with O(state=present). Not compared with an existing cache (C(DescribeImageCache) does not return it).
    type: str
  size:
    description:
      - The cache size in GB (C(ImageCacheSize)), from 20 to 500. The API makes it 20 when not set.
      - Not compared with an existing cache when not set.
    type: int
  retention_days:
    description:
      - How many days the cache is kept (C(RetentionDays)), from 0 to 65536 (checked before any API call);
        the API deletes it when they have passed. Not set means kept for ever; V(0) too (it is not sent,
        the SDK's model says both mean the same), and compares with a cache that never expires.
      - Compared with the days between the creation and the expiry of an existing cache, when set.
    type: int
  state:
    description:
      - V(present) creates the cache (and, with O(wait), waits until it is C(Ready); C(Failed) fails the task with its C(Reason)).
      - V(absent) deletes it. The API cannot delete a cache while it is C(Preparing) or
        C(SnapshotCreating); with O(wait) the task waits until it can, without it the task fails.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    default: 1200
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.resource
  - ksyun.cloud.wait
  - ksyun.cloud.kci
notes:
  - Only C(name), C(images), C(size) and C(retention_days) can be compared with an existing cache;
    O(subnet_id), O(security_group_id) and O(image_registry_credentials) are only used to create one
    (C(DescribeImageCache) does not return them). A task that sets them on an existing cache gets a warning
    naming them, as the cache may differ from them.
  - A cache that is C(Failed) is reported as a failure on every run; delete it (O(state=absent)) to start over.
  - The documents do not say image cache names are unique, and CreateImageCache has no idempotency token. Racing
    runs of the same task each re-read the name after their create; of several caches every run keeps the same
    one (the oldest C(CreateTime), then the smallest id), and a run whose own cache is not that one deletes it
    once the API allows (not while C(Preparing)) and returns the kept one; RV(reconciled) says so. A run deletes
    only a cache whose id its own create answer returned.
  - What cannot be made safe (the API has no idempotency token) - a run killed between its create and its
    re-read leaves what it made, and a later run fails listing the objects of the name (for names the API does
    not keep unique); a create whose answer was lost while a racing run created the same name cannot tell which
    one it made, deletes none and warns; a create that timed out and lands after the run gave up (after
    O(timeout), or O(wait_timeout) with O(wait=true)) is not seen by a re-run started before it lands. See the
    README's reliability section.
seealso:
  - module: ksyun.cloud.kci_image_cache_info
  - module: ksyun.cloud.kci_container_group
"""

EXAMPLES = r"""
# The ids are those of the local emulator's default world (scripts/with-emulator in the collection's
# repository), where these examples run as printed; against Kingsoft Cloud, use your own.
- name: An image cache of two images, kept 30 days
  ksyun.cloud.kci_image_cache:
    name: web-images
    images:
      - hub.kce.ksyun.com/ksyun/nginx:latest
      - hub.kce.ksyun.com/ksyun/busybox:1.36
    subnet_id: f2ac1919-0e34-4812-8290-xxxxxx
    security_group_id: d46c7672-7ca9-4f51-bbd9-xxxxxx
    size: 40
    retention_days: 30
  register: cache

- name: A cache of a private image
  ksyun.cloud.kci_image_cache:
    name: app-images
    images: [hub.kce.ksyun.com/my-team/app:1.4.2]
    subnet_id: f2ac1919-0e34-4812-8290-xxxxxx
    security_group_id: d46c7672-7ca9-4f51-bbd9-xxxxxx
    image_registry_credentials:
      - server: hub.kce.ksyun.com
        username: robot
        password: "{{ registry_password }}"

- name: Replace a cache by one of other images
  ksyun.cloud.kci_image_cache:
    name: web-images
    images: [hub.kce.ksyun.com/ksyun/nginx:1.25]
    subnet_id: f2ac1919-0e34-4812-8290-xxxxxx
    security_group_id: d46c7672-7ca9-4f51-bbd9-xxxxxx
    recreate: true

- name: Delete it (waiting until the API can)
  ksyun.cloud.kci_image_cache:
    name: web-images
    state: absent
"""

RETURN = r"""
image_cache:
  description:
    - The image cache, as M(ksyun.cloud.kci_image_cache_info) returns it; C({}) once deleted.
    - In check mode, the cache as it is now (C({}) when it would be created or re-created).
  returned: always
  type: dict
  contains:
    image_cache_id:
      description: The image cache id.
      type: str
      sample: 118bdf3a-756b-4748-8fd2-545f30123456
    image_cache_name:
      description: The image cache name.
      type: str
      sample: web-images
    images:
      description: The container images held by the cache.
      type: list
      elements: str
      sample: [hub.kce.ksyun.com/ksyun/nginx:latest]
    image_cache_size:
      description: The cache size, GB.
      type: int
      sample: 20
    status:
      description: The cache status, one of C(Preparing), C(Creating), C(SnapshotCreating), C(Ready), C(Failed).
      type: str
      sample: Ready
    create_time:
      description: When the cache was created.
      type: str
      sample: "2023-07-02 22:19:07"
    expire_time:
      description: When the cache expires and is deleted, empty when it never expires.
      type: str
      sample: "2023-07-12 22:19:07"
    snapshot_id:
      description: The snapshot behind the cache.
      type: str
      sample: 67522a2f-421e-4b37-b77d-799603123456
    container_group_id:
      description: The container group that built the cache.
      type: str
      sample: a1fe7f94-047a-4e8a-a707-687d39123456
    reason:
      description: Why building the cache failed, empty when it did not.
      type: str
      sample: ""
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeImageCache, CreateImageCache, DescribeImageCache]
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

from ansible_collections.ksyun.cloud.plugins.module_utils._kci import api as kci
from ansible_collections.ksyun.cloud.plugins.module_utils._kci import options
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ansible_collections.ksyun.cloud.plugins.module_utils._kci import image_cache as shapes
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import NamedResource


class KciImageCache(NamedResource):
    represent = "image_cache"
    argument_spec = shapes.ARGUMENT_SPEC
    module_kwargs = shapes.MODULE_KWARGS
    recreatable = True
    unreadable = shapes.NOT_COMPARED
    id_option, id_key, name_key = "image_cache_id", "ImageCacheId", "ImageCacheName"

    def validate(self):
        return shapes.check_options(self.params) if self.params["state"] == "present" else None

    def describe(self, ids=None, name=None):
        caches = kci.describe_image_caches(self.client, ids=ids, name=name)
        return [kci.normalize_image_cache(c) for c in caches]

    def view(self, raw):
        have = shapes.cache_view(raw)
        if self.params["state"] != "present":
            return have
        # what the task sets: the rest is not managed (a re-created cache takes the API's defaults)
        return {k: have[k] for k in self.wanted()}

    def wanted(self):
        want = self.defined("name", "images", "size", "retention_days")
        if "images" in want:
            want["images"] = sorted(want["images"])
        if self.params["retention_days"] == 0:
            want["retention_days"] = None   # kept for ever: a cache that never expires
        return want

    def status(self, raw):
        return raw.get("Status")

    def ready(self, raw):
        return raw.get("Status") == kci.CACHE_READY

    def failed(self, raw):
        return raw.get("Status") == kci.CACHE_FAILED

    def detail(self, raw):
        if raw.get("Status") == kci.CACHE_FAILED:
            return f"reason: {raw.get('Reason') or '(none given)'}"
        return None

    def create(self):
        p = self.params
        answer = kci.create_image_cache(
            self.client, p["name"], p["subnet_id"], p["security_group_id"], p["images"], image_cache_size=p["size"],
            retention_days=p["retention_days"] or None, image_registry_credentials=options.credentials(p["image_registry_credentials"]))
        return answer["ImageCacheId"]

    def deletable(self, raw):
        """The cache once the API can delete it (waiting with ``wait``), or None when it went away."""
        if raw.get("Status") not in kci.CACHE_UNDELETABLE:
            return raw
        if not self.params["wait"]:
            self.fail("%s is %s: the API cannot delete an image cache while it is %s; run again later, or with "
                      "wait=true" % (self.what(raw), raw.get("Status"), " or ".join(kci.CACHE_UNDELETABLE)))
        return self.wait_for(self.get, lambda r: r is None or r.get("Status") not in kci.CACHE_UNDELETABLE,
                             what="%s (until it can be deleted)" % self.what(raw), first=raw)

    def delete(self, current):
        raw = current
        for attempt in range(3):
            raw = self.deletable(raw)
            if raw is None:
                return None
            try:
                return kci.delete_image_cache(self.client, self.ident(raw))
            except KsyunError as err:
                if err.maybe_applied or attempt == 2:
                    raise
                # refused: deletable again later only if it went back into a state that cannot be deleted
                again = self.get()
                if again is None:
                    return None
                if again.get("Status") not in kci.CACHE_UNDELETABLE:
                    raise
                raw = again
        return None


def main():
    KciImageCache.run_module()


if __name__ == "__main__":
    main()
