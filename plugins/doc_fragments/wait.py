# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Modules that wait for an asynchronous change; each module documents its own wait_timeout default
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait until the resource is ready after a create or a change, or gone after a delete.
      - With V(false) the task returns as soon as the API accepted the request.
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait at most, in seconds (a deadline for the whole wait, not per poll).
      - The task fails as soon as the resource reaches a failure state, or at the deadline, naming
        the last status seen and the statuses it went through.
      - Must not be negative (checked before any API call); V(0) checks the status once.
    type: int
"""
