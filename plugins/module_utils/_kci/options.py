# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options both KCI modules share (kci_container_group, kci_image_cache): the documented name rule
and the registry credentials.

This is a private module of the ksyun.cloud collection; it may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

#: the documented name rule of container groups (at most 128) and image caches (1 to 63 characters)
NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")

#: ImageRegistryCredential.N of CreateContainerGroup and CreateImageCache, as module suboptions
CREDENTIAL_SPEC = dict(
    server=dict(type="str", required=True),
    username=dict(type="str", required=True),
    password=dict(type="str", required=True, no_log=True),
)


def check_name(name, limit):
    """A message when `name` breaks the documented name rule of groups and caches, or None."""
    if not name or len(name) > limit or not NAME_RE.match(name):
        return ('name must be 1 to %d lower-case letters, digits, "-" and ".", not starting or ending with '
                '"-" or ".", got %r' % (limit, name))
    return None


def credentials(entries):
    """The ``image_registry_credentials`` option (CREDENTIAL_SPEC) in the API's shape."""
    return [dict(Server=c["server"], Username=c["username"], Password=c["password"]) for c in entries or []]
