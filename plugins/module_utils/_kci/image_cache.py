# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shapes and checks of ksyun.cloud.kci_image_cache: its options, their documented rules, and
the options read from an API image cache.

This is a private module of the ksyun.cloud collection; it may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime

from ansible_collections.ksyun.cloud.plugins.module_utils._kci import options
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import state_option, wait_options

#: CreateImageCache as the document's table states it
NAME_MAX = 63
IMAGES_MAX = 20
SIZE_MIN = 20
SIZE_MAX = 500
RETENTION_DAYS_MAX = 65536   # the SDK model: "最大65536天，不填写或者0则表示永久保留" (0: for ever)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

#: the module's options (DOCUMENTATION of ksyun.cloud.kci_image_cache says what they mean)
ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    image_cache_id=dict(type="str"),
    images=dict(type="list", elements="str"),
    subnet_id=dict(type="str"),
    security_group_id=dict(type="str"),
    size=dict(type="int"),
    retention_days=dict(type="int"),
    image_registry_credentials=dict(type="list", elements="dict", options=options.CREDENTIAL_SPEC),
    recreate=dict(type="bool", default=False),
    **state_option("present", "absent"),
    **wait_options(1200)
)
MODULE_KWARGS = dict(
    required_one_of=[["name", "image_cache_id"]],
    required_if=[["state", "present", ["name", "images", "subnet_id", "security_group_id"]]],
)
#: options only a create uses (no read returns them)
NOT_COMPARED = ("subnet_id", "security_group_id", "image_registry_credentials")


def check_options(p):
    """A message naming the option and the documented rule it breaks, or None."""
    problem = options.check_name(p["name"], NAME_MAX)
    if problem:
        return problem
    if not 1 <= len(p["images"]) <= IMAGES_MAX:
        return "images must hold 1 to %d images, got %d" % (IMAGES_MAX, len(p["images"]))
    for i, image in enumerate(p["images"]):
        if not image or not image.strip():
            return "images[%d] must not be empty" % i
    if p["size"] is not None and not SIZE_MIN <= p["size"] <= SIZE_MAX:
        return "size must be between %d and %d (GB), got %d" % (SIZE_MIN, SIZE_MAX, p["size"])
    days = p["retention_days"]
    if days is not None and not 0 <= days <= RETENTION_DAYS_MAX:
        return "retention_days must be between 0 (kept for ever) and %d, got %d" % (RETENTION_DAYS_MAX, days)
    return None


def retention_days(cache):
    """The whole days between CreateTime and ExpireTime; None when it never expires (or cannot be read)."""
    try:
        created = datetime.strptime(cache.get("CreateTime") or "", TIME_FORMAT)
        expires = datetime.strptime(cache.get("ExpireTime") or "", TIME_FORMAT)
    except ValueError:
        return None
    return int(round((expires - created).total_seconds() / 86400.0))


def cache_view(raw):
    """Every comparable option of an existing cache."""
    return dict(name=raw.get("ImageCacheName"), images=sorted(raw.get("Images") or []),
                size=raw.get("ImageCacheSize"), retention_days=retention_days(raw))
