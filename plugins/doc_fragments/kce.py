# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # KCE modules that act on one cluster (module_utils._kce.cluster: cluster_argument_spec, OnCluster)
    CLUSTER = r"""
options:
  cluster_id:
    description:
      - The id of the cluster. One of O(cluster_id) and O(cluster_name) is required.
      - A cluster that does not exist fails the task, except a removal of nodes (M(ksyun.cloud.kce_node) with C(state=absent)), which then has nothing to do.
    type: str
  cluster_name:
    description:
      - The name of the cluster (C(ClusterName)); when several clusters have it, the task fails listing their ids.
    type: str
"""
