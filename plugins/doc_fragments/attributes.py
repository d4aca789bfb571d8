# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Every module: runs on the controller (an API client) and belongs to the ksyun action group
    DOCUMENTATION = r"""
attributes:
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: all
  action_group:
    description: Use C(group/ksyun.cloud.ksyun) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - ksyun.cloud.ksyun
"""

    # _info modules: they only read
    INFO_MODULE = r"""
attributes:
  check_mode:
    description: Can run in check mode and return the same data as without it.
    support: full
  diff_mode:
    description: Will return details on what has changed when in diff mode.
    support: none
    details: This module only reads, it never changes anything.
"""

    # Resource modules: they change things, predict the change in check mode and show it in diff mode
    RESOURCE = r"""
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: No write is sent in check mode (not even with C(DryRun)); only reads are made.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
"""
