# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The KCE modules that act on one cluster (nodes, kubeconfig): its options and the `OnCluster` mixin.

This is a private module of the ksyun.cloud collection; it may change without notice.

The cluster is named by ``cluster_id`` or ``cluster_name`` (`cluster_argument_spec`, `CLUSTER_KWARGS`,
documented by the ksyun.cloud.kce.cluster doc fragment); `OnCluster` finds it (several clusters of
that name fail the task) and waits for it to run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ksyun.cloud.plugins.module_utils._kce.api import (
    CLUSTER_DELETING, CLUSTER_FAILED, CLUSTER_READY, describe_cluster, describe_clusters_named)


def cluster_argument_spec():
    """The options naming the cluster a module acts on (one of them is required)."""
    return dict(cluster_id=dict(type="str"), cluster_name=dict(type="str"))


CLUSTER_KWARGS = dict(required_one_of=[("cluster_id", "cluster_name")],
                      mutually_exclusive=[("cluster_id", "cluster_name")])


class OnCluster:
    """Mixin of KsyunResource classes that act on one cluster named by ``cluster_id`` or ``cluster_name``."""

    cluster_id = None

    def cluster_problem(self):
        """A message for an empty cluster_id / cluster_name (checked before any call), or None."""
        for option in ("cluster_id", "cluster_name"):
            value = self.params.get(option)
            if value is not None and not value.strip():
                return f"{option} must not be empty"
        return None

    def cluster_text(self):
        if self.params.get("cluster_id"):
            return f"cluster {self.params['cluster_id']}"
        return f"cluster named {self.params['cluster_name']}"

    def find_cluster(self):
        """The cluster (raw ClusterSet item) or None when it does not exist; several with the name fail."""
        if self.params.get("cluster_id"):
            found = describe_cluster(self.client, self.params["cluster_id"])
        else:
            named = describe_clusters_named(self.client, self.params["cluster_name"])
            if len(named) > 1:
                ids = ", ".join(c.get("ClusterId") for c in named)
                self.fail(f"{len(named)} clusters are named {self.params['cluster_name']}: {ids}; "
                          "set cluster_id to choose one")
            found = named[0] if named else None
        if found is not None:
            self.cluster_id = found["ClusterId"]
        return found

    def running_cluster(self, cluster, need="this task"):
        """`cluster` once it is running: with ``wait``, a cluster still being built is waited for; a
        failed, deleting or gone one fails the task."""
        if cluster is None:
            self.fail(f"{self.cluster_text()} does not exist")
        status = cluster.get("Status")
        if status == CLUSTER_READY:
            return cluster
        what = f"cluster {cluster['ClusterId']}"
        if status in CLUSTER_FAILED or status == CLUSTER_DELETING:
            self.fail(f"{what} is {status}: {need} needs a running cluster", state=cluster)
        if not self.params.get("wait", True):
            self.fail(f"{what} is {status}, not running yet: run again once it is running, or with wait=true",
                      state=cluster)

        def fetch():
            return describe_cluster(self.client, cluster["ClusterId"])

        def status_of(raw):
            return raw.get("Status") if raw is not None else "gone"

        return self.wait_for(fetch, lambda r: status_of(r) == CLUSTER_READY,
                             lambda r: status_of(r) in CLUSTER_FAILED + (CLUSTER_DELETING, "gone"),
                             what=f"{what} ({need} waits for it to run)", first=cluster)
