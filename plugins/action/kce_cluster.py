# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# The one action plugin of the modules that wait (kce_cluster, kce_kubeconfig, kce_node, kci_container_group,
# kci_image_cache): it shows their progress as they wait (see plugins/plugin_utils/_progress.py). The others
# name it as their `action_plugin` in meta/runtime.yml (`plugin_routing.modules`). It bears the name of one of
# them because ansible-test's action-plugin-docs requires an action plugin to be documented by a module of its name.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ksyun.cloud.plugins.plugin_utils._progress import ProgressAction


class ActionModule(ProgressAction):
    pass
