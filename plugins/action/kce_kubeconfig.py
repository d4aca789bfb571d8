# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# ksyun.cloud.kce_kubeconfig waits for asynchronous changes: this action plugin shows its progress as it waits
# (see plugins/plugin_utils/_progress.py).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ksyun.cloud.plugins.plugin_utils._progress import ProgressAction


class ActionModule(ProgressAction):
    pass
