# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The KCI resource modules (kci_container_group, kci_image_cache): options they share
    DOCUMENTATION = r"""
options:
  image_registry_credentials:
    description:
      - Credentials for pulling the images from private registries (C(ImageRegistryCredential.N)).
      - Only used to create; not compared with an existing one (the API never returns them).
    type: list
    elements: dict
    suboptions:
      server:
        description: The registry address, for example C(hub.kce.ksyun.com).
        type: str
        required: true
      username:
        description: The registry user name.
        type: str
        required: true
      password:
        description: The registry password. Never logged nor returned.
        type: str
        required: true
  recreate:
    description:
      - The API cannot change what it made. When the existing one differs from the task, delete it,
        wait until it is gone, and create it again.
      - Without it, such a difference fails the task, naming each option with both values.
    type: bool
    default: false
"""
