#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kce_node
short_description: Manage the worker nodes of a Kingsoft Cloud KCE cluster
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Adds worker nodes to a Kubernetes cluster of the Kingsoft Cloud Container Engine (KCE) and removes
    them, with the C(AddClusterInstances), C(AddExistedInstances), C(AddClusterEpcInstances) and
    C(DeleteClusterInstances) API actions.
  - "O(source=new): a B(worker group) of new KEC virtual machines: the Worker nodes named O(name) or
    O(name)C(-<number>). The module ensures the group has O(count) nodes (at least, or exactly with
    O(exact_count=true)); re-running it changes nothing."
  - O(source=existing) adds existing KEC servers (O(instance_ids)); their system disk is reinstalled.
    O(source=epc) adds existing bare-metal (EPC) servers to a bare-metal cluster.
  - O(state=absent) removes the nodes of O(instance_ids), or the whole group O(name). Only Worker nodes
    can be removed; a master node is refused before anything is changed.
  - The cluster must be C(running); with O(wait), a cluster still being built is waited for first.
options:
  source:
    description:
      - Where the nodes of O(state=present) come from.
      - V(new) creates KEC virtual machines from O(node_para) for the group O(name) (C(AddClusterInstances)).
      - V(existing) adds the existing KEC servers O(instance_ids) (C(AddExistedInstances)); they must be
        stopped, in the cluster's VPC and in no cluster (C(DescribeExistedInstances) is checked first,
        and a server that cannot join fails the task with the API's reason). Needs O(reinstall_system=true).
      - V(epc) adds the bare-metal servers O(instance_ids) (C(AddClusterEpcInstances)); each must be
        offered by C(DescribeEpcForCluster) for the cluster (checked first).
    type: str
    choices: [new, existing, epc]
    default: new
  name:
    description:
      - The worker group (O(source=new)), the Worker nodes named O(name) or O(name)C(-<number>). New
        nodes are named O(name)C(-<number>), numbered on from the group's highest number.
      - With O(state=absent) and no O(instance_ids), the group to remove.
    type: str
  count:
    description:
      - How many nodes the group O(name) has (O(source=new)); required with O(source=new) and O(state=present).
      - Nodes being deleted do not count.
    type: int
  exact_count:
    description:
      - With V(true), nodes beyond O(count) are removed, the newest first. With V(false) a group larger
        than O(count) is left as it is.
    type: bool
    default: false
  node_para:
    description:
      - The KEC instance-creation parameters of the new nodes (O(source=new)), passed through unchanged
        as the JSON C(NodePara), for example C(ImageId), C(SubnetId), C(SecurityGroupId),
        C(InstanceType), C(DataDiskGb), C(ChargeType). Needed when nodes are added.
      - The module sets C(MaxCount), C(MinCount), C(InstanceName) and C(InstanceNameSuffix) from
        O(count) and O(name); they must not be in O(node_para).
      - C(InstancePassword) in O(node_para) (and in O(kec_para)) is kept out of results, diffs, errors
        (a failed argument validation too) and the module's log of its arguments, like O(instance_password).
    type: dict
  instance_password:
    description:
      - The login password of the nodes, C(InstancePassword) of the new nodes (unless O(node_para) has one)
        or of the reinstalled servers (O(source=existing)). Never logged or returned.
    type: str
  instance_ids:
    description:
      - The servers to add (O(source=existing) or O(source=epc)) or the nodes to remove (O(state=absent)).
    type: list
    elements: str
  image_id:
    description:
      - O(source=existing) (required there) - the node image the servers are reinstalled with
        (C(KecPara) C(ImageId)); see M(ksyun.cloud.kce_instance_image_info).
    type: str
  key_id:
    description:
      - O(source=existing) - SSH key pairs of the reinstalled servers (C(KecPara) C(KeyId.N)).
    type: list
    elements: str
  kec_para:
    description:
      - O(source=existing) - more parameters of each server's C(KecPara) JSON (the KEC reinstall-image
        parameters), passed through unchanged. O(image_id), O(instance_password) and O(key_id) take
        precedence; C(InstanceId) is set by the module.
    type: dict
  reinstall_system:
    description:
      - Must be V(true) for O(source=existing); the API reinstalls the system disk of these servers and
        all data on it is lost. The module refuses to add existing servers otherwise.
    type: bool
    default: false
  instance_delete_mode:
    description:
      - What happens to the servers of removed nodes (C(InstanceDeleteMode)) - V(Terminate) destroys
        them, V(Remove) only takes them out of the cluster. Sent only when set.
    type: str
    choices: [Terminate, Remove]
  state:
    description:
      - V(present) adds nodes (and with O(exact_count=true) removes the surplus); V(absent) removes nodes.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - Wait for a cluster that is being built; then, after a change, until the added nodes (and the
        other nodes of the group or of O(instance_ids)) are C(normal), or the removed ones are gone.
      - With V(false) the task returns as soon as the API accepted the request (and fails when the
        cluster is not running yet).
    type: bool
    default: true
  wait_timeout:
    default: 900
notes:
  - A node that ends C(failed) or C(abnormal) fails the wait at once, naming it; so does a re-run that
    finds such a node in the group (remove it with O(state=absent) and O(instance_ids), then run again).
  - O(wait_timeout) bounds each wait on its own (for the cluster to run, then for the nodes).
  - A per-server failure in the answer of an add or a removal (C(Return=false)) fails the task naming
    each server and the API's message.
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.kce.cluster
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.resource
  - ksyun.cloud.wait
seealso:
  - module: ksyun.cloud.kce_cluster
  - module: ksyun.cloud.kce_node_info
  - module: ksyun.cloud.kce_existed_instance_info
  - module: ksyun.cloud.kce_epc_info
"""

EXAMPLES = r"""
# The ids are those of the local emulator's default world (scripts/with-emulator in the collection's
# repository), where these examples run as printed; against Kingsoft Cloud, use your own.
- name: Three workers in the group "web"
  ksyun.cloud.kce_node:
    cluster_name: production
    name: web
    count: 3
    instance_password: "{{ node_password }}"
    node_para:
      InstanceType: N3.2B
      ImageId: 5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7
      SubnetId: 7e23b980-11c2-4bb0-9388-xxxxxx
      SecurityGroupId: d46c7672-7ca9-4f51-bbd9-xxxxxx
      DataDiskGb: 50
      ChargeType: Daily

- name: Shrink the group to exactly one node (the newest go first)
  ksyun.cloud.kce_node:
    cluster_name: production
    name: web
    count: 1
    exact_count: true

- name: Add two stopped KEC servers (their system disks are reinstalled)
  ksyun.cloud.kce_node:
    cluster_id: b12d7079-1e59-4626-90eb-xxxxxx
    source: existing
    instance_ids: [ee355b5d-79e4-4505-b0a5-xxxxxx, 5a0c3e1d-2b4f-4a6e-9d8c-7b6a5f4e3d2c]
    image_id: 5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7
    instance_password: "{{ node_password }}"
    reinstall_system: true

- name: Move a bare-metal server into a bare-metal cluster
  ksyun.cloud.kce_node:
    cluster_id: 12d776f8-bb96-4556-9be6-xxxxxxx
    source: epc
    instance_ids: [9c362d96-ad25-491d-8f7d-xxxxxxx]

- name: Remove the group "web" and destroy its servers
  ksyun.cloud.kce_node:
    cluster_name: production
    name: web
    instance_delete_mode: Terminate
    state: absent
"""

RETURN = r"""
nodes:
  description:
    - The nodes of the group O(name) (O(source=new)) or of O(instance_ids), after the change, as
      M(ksyun.cloud.kce_node_info) returns them; in check mode, as they are now.
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: The id of the node's server.
      type: str
      sample: 6f2faec7-057f-455f-a45c-0123456789ab
    instance_name:
      description: The node name.
      type: str
      sample: web-1
    instance_role:
      description: The node role (C(Worker) here).
      type: str
      sample: Worker
    instance_status:
      description: C(building), C(installing), C(normal), C(failed) or C(abnormal).
      type: str
      sample: normal
    kec_instance_para:
      description: The KEC server of a virtual-machine node (type, configuration, image, addresses...).
      type: dict
      returned: for KEC nodes
    epc_instance_para:
      description: The bare-metal server of an EPC node.
      type: dict
      returned: for EPC nodes
added:
  description: The ids of the nodes added (empty in check mode, where they do not exist yet).
  returned: always
  type: list
  elements: str
  sample: [323bf08c-fbfb-46c0-b140-0123456789ab]
removed:
  description: The ids of the nodes removed (in check mode, that would be removed).
  returned: always
  type: list
  elements: str
  sample: []
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeCluster, DescribeClusterInstance]
"""

import re

from ansible_collections.ksyun.cloud.plugins.module_utils import kce
from ansible_collections.ksyun.cloud.plugins.module_utils._module import values_of_keys
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import (
    KsyunResource, state_option, wait_options)

#: NodePara keys the module sets itself
OWN_KEYS = ("MaxCount", "MinCount", "InstanceName", "InstanceNameSuffix")
SECRETS = ("InstancePassword",)


def _create_time(node):
    para = node.get("KecInstancePara") or node.get("EpcInstancePara") or {}
    return para.get("CreateTime") or ""


def summary(nodes):
    """'normal: 2 nodes; installing: id1, id2' for wait messages (ids of the nodes not normal)."""
    by_status = {}
    for node in nodes:
        by_status.setdefault(node.get("InstanceStatus"), []).append(node.get("InstanceId"))
    parts = []
    for status in sorted(by_status, key=str):
        ids = by_status[status]
        if status == kce.NODE_READY:
            parts.append("%s: %d node%s" % (status, len(ids), "" if len(ids) == 1 else "s"))
        else:
            parts.append("%s: %s" % (status, ", ".join(ids)))
    return "; ".join(parts) or "no nodes"


class KceNode(kce.OnCluster, KsyunResource):
    represent = "nodes"
    argument_spec = dict(
        source=dict(type="str", default="new", choices=["new", "existing", "epc"]),
        name=dict(type="str"),
        count=dict(type="int"),
        exact_count=dict(type="bool", default=False),
        node_para=dict(type="dict"),
        instance_password=dict(type="str", no_log=True),
        instance_ids=dict(type="list", elements="str"),
        image_id=dict(type="str"),
        key_id=dict(type="list", elements="str", no_log=False),
        kec_para=dict(type="dict"),
        reinstall_system=dict(type="bool", default=False),
        instance_delete_mode=dict(type="str", choices=["Terminate", "Remove"]),
        **dict(kce.cluster_argument_spec(), **dict(state_option("present", "absent"), **wait_options(900)))
    )
    module_kwargs = kce.CLUSTER_KWARGS

    def __init__(self, module):
        super(KceNode, self).__init__(module)
        self.added = []
        self.removed = []

    # ------------------------------------------------------------------ checks
    @staticmethod
    def secret_values(arguments):
        return values_of_keys([arguments.get("node_para"), arguments.get("kec_para")], SECRETS)

    def validate(self):
        p = self.params
        problem = self.cluster_problem()
        if problem:
            return problem
        ids = p["instance_ids"]
        if ids is not None and (not ids or not all(i and i.strip() for i in ids)):
            return "instance_ids must list at least one id, and no empty one"
        if ids is not None and len(set(ids)) != len(ids):
            return "instance_ids lists an id twice: %s" % ", ".join(sorted(set(i for i in ids if ids.count(i) > 1)))
        if p["name"] is not None and not p["name"].strip():
            return "name must not be empty"
        if p["state"] == "absent":
            if ids is None and p["name"] is None:
                return "state=absent needs instance_ids or name (the group to remove)"
            if ids is not None and p["name"] is not None:
                return "state=absent takes instance_ids or name, not both"
            return None
        if p["source"] == "new":
            if p["name"] is None or p["count"] is None:
                return "source=new needs name (the worker group) and count"
            if p["count"] < 0:
                return "count must not be negative, got %d" % p["count"]
            if ids is not None:
                return "instance_ids are for source=existing or source=epc (or state=absent), not source=new"
            own = [k for k in OWN_KEYS if k in (p["node_para"] or {})]
            if own:
                return ("node_para must not set %s: the module sets MaxCount and MinCount from count, "
                        "InstanceName and InstanceNameSuffix from name" % ", ".join(own))
            return None
        if ids is None:
            return "source=%s needs instance_ids (the servers to add)" % p["source"]
        if p["source"] == "existing":
            if not p["reinstall_system"]:
                return ("source=existing reinstalls the system disk of every server in instance_ids (all its "
                        "data is lost): set reinstall_system=true to allow it")
            if not p["image_id"]:
                return "source=existing needs image_id: the node image the servers are reinstalled with"
        return None

    # ------------------------------------------------------------------ reads
    def status(self, raw):
        if isinstance(raw, list):
            return summary(raw)
        return raw.get("Status") if raw is not None else None

    def is_group(self, node):
        return (node.get("InstanceRole") == "Worker"
                and re.match(r"^%s(-[0-9]+)?$" % re.escape(self.params["name"]), node.get("InstanceName") or ""))

    def group(self):
        """The Worker nodes of the group `name` (deleting ones left out)."""
        workers = kce.describe_cluster_instances(self.client, self.cluster_id, filters={"instance-role": ["Worker"]})
        return [n for n in workers if self.is_group(n) and n.get("InstanceStatus") != kce.NODE_DELETING]

    def nodes_of(self, ids):
        """The nodes of the cluster with these ids (any role), matched by id."""
        wanted = set(ids)
        # the instance-id filter takes at most 100 values (Filter.N rule 5): more ids, read every node
        found = kce.describe_cluster_instances(self.client, self.cluster_id,
                                               instance_ids=list(ids) if len(ids) <= 100 else None)
        return [n for n in found if n.get("InstanceId") in wanted]

    # ------------------------------------------------------------------ the flow
    def run(self):
        problem = self.validate()
        if problem:
            self.fail(problem)
        with self.m.fail_on_error():
            cluster = self.find_cluster()
            if self.params["state"] == "absent":
                final = self.absent_nodes(cluster)
            else:
                self.running_cluster(cluster, need="adding nodes")
                final = self.present_group() if self.params["source"] == "new" else self.present_servers()
        self.exit(final, added=self.added, removed=self.removed)

    def present_group(self):
        p = self.params
        nodes = self.group()
        have = [n["InstanceId"] for n in sorted(nodes, key=lambda n: (_create_time(n), n.get("InstanceName")))]
        missing = p["count"] - len(have)
        surplus = have[p["count"]:][::-1] if p["exact_count"] and missing < 0 else []   # the newest first
        kept = [i for i in have if i not in surplus]
        if missing > 0 and p["node_para"] is None:
            self.fail("the group %s of %s has %d node(s), count is %d: adding nodes needs node_para"
                      % (p["name"], self.cluster_text(), len(have), p["count"]))
        self.changed = missing > 0 or bool(surplus)
        self.removed = surplus
        self.before = dict(count=len(have), instance_ids=sorted(have))
        self.after = dict(count=len(kept) + max(0, missing), instance_ids=sorted(kept))
        if self.check_mode:
            return nodes
        if missing > 0:
            self.added = self.write(lambda: self.add_new(nodes, missing), lambda: self.new_in_group(have))
            self.after["instance_ids"] = sorted(kept + self.added)
        if surplus:
            self.remove(surplus)
            if p["wait"]:
                self.wait_removed(surplus)
            nodes = None
        return self.settle(self.group, kept + self.added, None if self.changed else nodes)

    def add_new(self, nodes, missing):
        name = self.params["name"]
        numbers = [int(m.group(1)) for m in (re.match(r"^%s-([0-9]+)$" % re.escape(name), n.get("InstanceName") or "")
                                             for n in nodes) if m]
        para = dict(self.params["node_para"], MaxCount=missing, MinCount=missing, InstanceName=name,
                    InstanceNameSuffix=max(numbers or [0]) + 1)
        if self.params["instance_password"] is not None and para.get("InstancePassword") is None:
            para["InstancePassword"] = self.params["instance_password"]
        answer = kce.add_cluster_instances(self.client, self.cluster_id, [{"NodeRole": "Worker", "NodePara": [para]}])
        return [i["InstanceId"] for i in answer.get("InstanceSet") or []]

    def new_in_group(self, before):
        """After an AddClusterInstances whose answer was lost: the group's new nodes, or None."""
        new = [n["InstanceId"] for n in self.group() if n["InstanceId"] not in before]
        return new or None

    def present_servers(self):
        p = self.params
        ids = p["instance_ids"]
        nodes = self.nodes_of(ids)
        have = dict((n["InstanceId"], n) for n in nodes)
        masters = sorted("%s (%s)" % (i, n.get("InstanceRole")) for i, n in have.items() if n.get("InstanceRole") != "Worker")
        if masters:
            self.fail("these servers are already nodes of %s, but not Worker nodes: %s" % (self.cluster_text(), ", ".join(masters)))
        todo = [i for i in ids if i not in have or have[i].get("InstanceStatus") == kce.NODE_DELETING]
        if todo:
            self.check_joinable(todo)
        self.changed = bool(todo)
        self.before = dict(instance_ids=sorted(i for i in ids if i not in todo))
        self.after = dict(instance_ids=sorted(ids))
        if self.check_mode:
            return [have[i] for i in ids if i in have]
        if todo:
            self.write(lambda: self.add_servers(todo), lambda: self.joined(todo))
            self.added = list(todo)
        return self.settle(lambda: self.nodes_of(ids), ids, None if todo else nodes)

    def check_joinable(self, ids):
        """Fail (before any write) naming each server that cannot join, with the API's reason."""
        if self.params["source"] == "existing":
            listed = dict((i.get("InstanceId"), i) for i in kce.describe_existed_instances(
                self.client, cluster_id=self.cluster_id, instance_ids=ids))
            bad = []
            for iid in ids:
                item = listed.get(iid)
                if item is None:
                    bad.append("%s: not found by DescribeExistedInstances" % iid)
                elif not item.get("Available"):
                    reason = item.get("UnavailableReason") or "unavailable (the API gives no reason)"
                    if item.get("ClusterId"):
                        reason += " (cluster %s)" % item["ClusterId"]
                    bad.append("%s: %s" % (iid, reason))
            if bad:
                self.fail("these KEC servers cannot join %s: %s" % (self.cluster_text(), "; ".join(bad)))
        else:
            offered = set(i.get("InstanceId") for i in kce.describe_epc_for_cluster(
                self.client, cluster_id=self.cluster_id, instance_ids=ids))
            bad = [i for i in ids if i not in offered]
            if bad:
                self.fail("these bare-metal servers are not offered by DescribeEpcForCluster for %s (in another "
                          "cluster or VPC, or not booted from a container-service image): %s"
                          % (self.cluster_text(), ", ".join(bad)))

    def add_servers(self, ids):
        p = self.params
        if p["source"] == "existing":
            paras = []
            for iid in ids:
                para = dict(p["kec_para"] or {}, InstanceId=iid, ImageId=p["image_id"])
                if p["instance_password"] is not None:
                    para["InstancePassword"] = p["instance_password"]
                for n, key in enumerate(p["key_id"] or []):
                    para["KeyId.%d" % (n + 1)] = key
                paras.append(para)
            answer = kce.add_existed_instances(self.client, self.cluster_id, [{"NodeRole": "Worker", "KecPara": paras}])
        else:
            answer = kce.add_cluster_epc_instances(self.client, self.cluster_id, ids)
        self.check_returns(answer, ids, "added to", lambda: [i for i in ids if i not in self.joined(ids, missing=True)])
        return True

    def joined(self, ids, missing=False):
        """After a lost add: True when every server is a node now (None otherwise); with `missing`,
        the ids that are nodes."""
        nodes = set(n["InstanceId"] for n in self.nodes_of(ids) if n.get("InstanceStatus") != kce.NODE_DELETING)
        if missing:
            return nodes
        return True if nodes >= set(ids) else None

    def check_returns(self, answer, ids, verb, still_failed):
        """Fail naming each server whose InstanceSet item says Return=false, unless a re-read shows that
        it did what was asked after all (`still_failed()` -> the ids that really failed)."""
        failures = dict((i.get("InstanceId"), i.get("Message") or i.get("Reason") or "no message")
                        for i in answer.get("InstanceSet") or [] if i.get("Return") is False)
        if not failures:
            return
        really = [i for i in still_failed() if i in failures]
        if really:
            done = [i for i in ids if i not in really]
            if verb == "added to":
                self.added = done
            else:
                self.removed = done
            self.fail("%d of %d servers could not be %s %s: %s" % (
                len(really), len(ids), verb, self.cluster_text(),
                "; ".join("%s: %s" % (i, failures[i]) for i in really)), added=self.added, removed=self.removed)

    # ------------------------------------------------------------------ removal
    def absent_nodes(self, cluster):
        p = self.params
        if cluster is None or cluster.get("Status") == kce.CLUSTER_DELETING:
            # no cluster, or its nodes are already going: nothing to remove
            self.before = self.after = {}
            return []
        if p["instance_ids"] is not None:
            nodes = self.nodes_of(p["instance_ids"])
            masters = sorted("%s (%s)" % (n["InstanceId"], n.get("InstanceRole")) for n in nodes
                             if n.get("InstanceRole") != "Worker")
            if masters:
                self.fail("only Worker nodes can be removed; these are master nodes of %s: %s"
                          % (self.cluster_text(), ", ".join(masters)))
        else:
            nodes = self.group()
        todo = [n["InstanceId"] for n in nodes if n.get("InstanceStatus") != kce.NODE_DELETING]
        going = [n["InstanceId"] for n in nodes if n.get("InstanceStatus") == kce.NODE_DELETING]
        self.before = dict(instance_ids=sorted(todo))
        self.after = dict(instance_ids=[])
        self.changed = bool(todo)
        self.removed = todo
        if self.check_mode:
            return []
        if todo:
            self.running_cluster(cluster, need="removing nodes")
            self.remove(todo)
        if p["wait"] and (todo or going):
            # nodes already being deleted are "absent, in progress": waited for, not deleted again
            self.wait_removed(todo + going)
        return []

    def remove(self, ids):
        def gone():
            left = [n["InstanceId"] for n in self.nodes_of(ids) if n.get("InstanceStatus") != kce.NODE_DELETING]
            return {"InstanceSet": []} if not left else None

        answer = self.write(lambda: kce.delete_cluster_instances(self.client, self.cluster_id, ids,
                                                                 self.params["instance_delete_mode"]), gone)
        self.check_returns(answer, ids, "removed from",
                           lambda: [n["InstanceId"] for n in self.nodes_of(ids)
                                    if n.get("InstanceStatus") != kce.NODE_DELETING])

    def wait_removed(self, ids):
        self.wait_for(lambda: self.nodes_of(ids), lambda nodes: not nodes,
                      what="nodes %s of %s (removal)" % (", ".join(ids), self.cluster_text()))

    # ------------------------------------------------------------------ waits
    def settle(self, fetch, ids, nodes=None):
        """`fetch()` (or `nodes`, its last answer); with ``wait``, once every node of `ids` is in it and
        all its nodes are normal (fails at once when one is failed or abnormal)."""
        if nodes is None:
            nodes = fetch()
        if not self.params["wait"]:
            return nodes
        expected = set(ids)

        def ready(state):
            return (expected <= set(n.get("InstanceId") for n in state)
                    and all(n.get("InstanceStatus") == kce.NODE_READY for n in state))

        def failed(state):
            return any(n.get("InstanceStatus") in kce.NODE_FAILED for n in state)

        if ready(nodes):
            return nodes
        what = "nodes of %s" % self.cluster_text()
        return self.wait_for(fetch, ready, failed, what=what, first=nodes)


def main():
    KceNode.run_module()


if __name__ == "__main__":
    main()
