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
  - "O(source=new): a B(worker group) of new KEC virtual machines. Its nodes are exactly the Worker
    nodes on KEC virtual machines named O(name)C(-<number>) (the number written without leading zeros):
    the group C(web-1) holds C(web-1-1), C(web-1-2)..., never C(web-1), which is node 1 of the group
    C(web); a bare-metal (EPC) node is never a group's node, whatever its name. The module ensures the
    group has O(count) nodes (at least, or exactly with O(exact_count=true)); re-running it changes nothing."
  - "B(The newest first): nodes are ordered by their creation time (C(KecInstancePara.CreateTime)), then
    by their number as a number (C(web-11) is newer than C(web-9) when both were created in the same
    second), then by id. O(exact_count=true) removes the newest; the oldest are kept."
  - Removals (O(exact_count), O(state=absent)) are sent in C(DeleteClusterInstances) requests of at most
    100 nodes (the API takes C(InstanceId.N) with N up to 100), the newest first; check mode reports
    the same nodes in the same order. When a request fails after earlier ones were accepted, the task
    fails naming the request and the nodes the earlier ones removed (in RV(removed)).
  - Diff mode (C(--diff)) lists each node as its name followed by its id in parentheses (the word
    C(new) for a node still to be created), so a reviewer of C(--check --diff) sees which nodes would
    go; the progress lines of the task name the nodes it adds and removes.
  - "B(Racing runs): two runs of the same task at once (AWX jobs that overlap) may both add the missing
    nodes. About a second after its add, each run reads the group again; every run then computes the
    same nodes to keep (the oldest, one per name, O(count) of them) and removes only the nodes it added
    itself beyond them (in RV(reconciled)): the group ends at O(count) with no name twice, every run
    succeeds, and no run removes a node it did not create."
  - O(source=existing) adds existing KEC servers (O(instance_ids)); their system disk is reinstalled.
    O(source=epc) adds existing bare-metal (EPC) servers to a bare-metal cluster.
  - O(state=absent) removes the nodes of O(instance_ids), or the whole group O(name). Only Worker nodes
    can be removed; a master node is refused before anything is changed.
  - The cluster must be C(running); with O(wait), a cluster still being built is waited for first.
  - In check mode, a cluster that does not exist (yet) does not fail the task (O(state=present)); it
    reports C(changed) with a message saying that the task needs the cluster in a real run, as for a
    play that creates the cluster in an earlier task.
options:
  source:
    description:
      - Where the nodes of O(state=present) come from.
      - V(new) creates KEC virtual machines from O(node_para) for the group O(name) (C(AddClusterInstances)).
      - V(existing) adds the existing KEC servers O(instance_ids) (C(AddExistedInstances)); they must be
        stopped, in the cluster's VPC and in no cluster (C(DescribeExistedInstances) is checked first,
        and a server that cannot join fails the task with the API's reason). Needs O(reinstall_system=true).
        A server named like a node of a worker group the cluster has (C(web-7) while the group C(web)
        exists) is refused before anything is changed; the group would count it as its own and could
        remove it. Rename it first.
      - V(epc) adds the bare-metal servers O(instance_ids) (C(AddClusterEpcInstances)); each must be
        offered by C(DescribeEpcForCluster) for the cluster (checked first).
    type: str
    choices: [new, existing, epc]
    default: new
  name:
    description:
      - The worker group (O(source=new)), the Worker KEC nodes named O(name)C(-<number>). New nodes are
        named O(name)C(-<number>), numbered on from the highest number of any Worker of that name (nodes
        being deleted too), so that no two nodes share a name.
      - With O(state=absent) and no O(instance_ids), the group to remove.
    type: str
  count:
    description:
      - How many nodes the group O(name) has (O(source=new)); required with O(source=new) and O(state=present).
      - Nodes being deleted do not count.
    type: int
  exact_count:
    description:
      - With V(true), nodes beyond O(count) are removed, the newest first (see the description); a second
        node of the same name (left by an older version of the collection, or by hand) is removed
        before any other. With V(false) a group larger than O(count) is left as it is.
      - These are removed whoever added them, as the option asks; when runs race, they can be nodes a
        racing run added beyond O(count), which that run removes itself too (the same nodes, never a
        node every run keeps).
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
      - The servers to add (O(source=existing) or O(source=epc)) or the nodes to remove (O(state=absent),
        removed in this order, at most 100 per request).
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
  - Membership is decided from names, the only mark the API returns. A KEC server added to the cluster
    by another tool (or before the group existed) and named O(name)C(-<number>) is counted as a node
    of the group O(name).
  - The reconciliation of racing runs relies on a node being listed by C(DescribeClusterInstance) as
    soon as C(AddClusterInstances) has created it, with that second as its C(CreateTime). When the
    answer of this run's C(AddClusterInstances) is lost and another run added nodes of the same names,
    the run cannot tell its nodes from the other's; it removes none of them and warns; a run with
    O(exact_count=true) then removes the newest. A run killed between its add and its second read
    leaves its extra nodes; the next run with O(exact_count=true) removes them.
  - "Changed: a write the API refused reports C(changed: false); one whose answer was lost or timed
    out (it may have been carried out) reports C(changed: true), also in a failed result."
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
  description:
    - The ids of the nodes removed (in check mode, that would be removed), in the order they were sent,
      the newest first. In a failed result, those the accepted requests removed.
  returned: always
  type: list
  elements: str
  sample: []
reconciled:
  description:
    - The ids of the nodes this run added and then removed again because a run at the same time had
      added the same nodes (see the description); absent when there was nothing to reconcile.
  returned: when a racing run added nodes of the group at the same time
  type: list
  elements: str
  sample: [3f09cac4-8a1e-4960-8858-0123456789ab]
msg:
  description: In check mode, why a task on a cluster that does not exist yet reports a change.
  returned: in check mode, when the cluster does not exist
  type: str
  sample: "check mode: cluster named production does not exist (yet): in a real run this task needs it, ..."
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeCluster, DescribeClusterInstance]
"""

import re
import time
from datetime import datetime

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._kce.cluster import CLUSTER_KWARGS, OnCluster, cluster_argument_spec
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ansible_collections.ksyun.cloud.plugins.module_utils._module import values_of_keys
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import (
    KsyunToolbox, creation_time, state_option, wait_options)

#: NodePara keys the module sets itself
OWN_KEYS = ("MaxCount", "MinCount", "InstanceName", "InstanceNameSuffix")
SECRETS = ("InstancePassword",)
#: DeleteClusterInstances takes InstanceId.N with N in 1..100 (the document): larger removals are batched
DELETE_BATCH = 100
#: seconds between an add and the read that reconciles it with racing runs. CreateTime counts whole
#: seconds: a node another run adds after that read is then strictly newer than every node this run
#: added, so it can only rank after them (see `survivors`)
SETTLE = 1.1
#: a name of the form <group>-<number> (the number written as the API writes it: no leading zero)
MEMBER_NAME = re.compile(r"^(.*)-(0|[1-9][0-9]*)$")


def _create_time(node):
    """(unreadable, time): the node's creation time parsed (`_resource.creation_time`, so that offsets
    and formats compare as times, not as text); a node without a readable one counts as the newest,
    as in `_resource.survivor()`."""
    para = node.get("KecInstancePara") or node.get("EpcInstancePara") or {}
    when = creation_time(para.get("CreateTime"))
    return (when is None, when or datetime.min)


def number_in(node, name):
    """The number of `node` in the worker group `name`, or None when it is not a member.

    A member is a Worker node on a KEC virtual machine named exactly ``<name>-<number>``: the group
    ``web-1`` holds ``web-1-1``, never ``web-1`` (node 1 of ``web``); a bare-metal (EPC) server is
    never a member, whatever its name.
    """
    if node.get("InstanceRole") != "Worker" or "EpcInstancePara" in node:
        return None
    match = MEMBER_NAME.match(node.get("InstanceName") or "")
    return int(match.group(2)) if match and match.group(1) == name else None


def oldest_first(nodes, name):
    """By creation time, then by the group number as a number (web-9 before web-11), then by id."""
    return sorted(nodes, key=lambda n: (_create_time(n), number_in(n, name) or 0, n.get("InstanceId") or ""))


def survivors(nodes, name, count):
    """The members a group of `count` keeps: the oldest first, one node per name.

    Every run computes the same from the same nodes, and a node missing from a run's read (added
    later, see SETTLE) ranks after every node it kept: racing runs agree on what stays.
    """
    kept, names = [], set()
    for node in oldest_first(nodes, name):
        if len(kept) >= count:
            break
        if node.get("InstanceName") not in names:
            kept.append(node)
            names.add(node.get("InstanceName"))
    return kept


def label(node):
    """'web-3 (6f2f…)': how a node is named in diffs, progress lines and messages."""
    if node.get("InstanceName"):
        return "%s (%s)" % (node["InstanceName"], node.get("InstanceId"))
    return node.get("InstanceId") or "?"


def labels(nodes):
    return [label(n) for n in nodes]


def summary(nodes):
    """'normal: 2 nodes; installing: web-3 (id3), web-4 (id4)' for wait messages (the nodes not normal named)."""
    by_status = {}
    for node in nodes:
        by_status.setdefault(node.get("InstanceStatus"), []).append(label(node))
    parts = []
    for status in sorted(by_status, key=str):
        names = by_status[status]
        if status == kce.NODE_READY:
            parts.append("%s: %d node%s" % (status, len(names), "" if len(names) == 1 else "s"))
        else:
            parts.append("%s: %s" % (status, ", ".join(names)))
    return "; ".join(parts) or "no nodes"


def batches(items, size=DELETE_BATCH):
    return [items[i:i + size] for i in range(0, len(items), size)]


class KceNode(OnCluster, KsyunToolbox):
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
        **dict(cluster_argument_spec(), **dict(state_option("present", "absent"), **wait_options(900)))
    )
    module_kwargs = CLUSTER_KWARGS

    def __init__(self, module):
        super().__init__(module)
        self.added = []
        self.removed = []
        self.reconciled = []
        self._workers = None

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
        if self.param_is_defined("name") and not p["name"].strip():
            return "name must not be empty"
        if p["state"] == "absent":
            if ids is None and not self.param_is_defined("name"):
                return "state=absent needs instance_ids or name (the group to remove)"
            if ids is not None and self.param_is_defined("name"):
                return "state=absent takes instance_ids or name, not both"
            return None
        if p["source"] == "new":
            if not self.param_is_defined("name") or not self.param_is_defined("count"):
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

    def workers(self, fresh=False):
        """Every Worker node of the cluster, deleting ones too (one read, kept until `fresh`)."""
        if self._workers is None or fresh:
            self._workers = kce.describe_cluster_instances(self.client, self.cluster_id,
                                                           filters={"instance-role": ["Worker"]})
        return self._workers

    def group(self):
        """The members of the group `name` (deleting ones left out), read now."""
        name = self.params["name"]
        return [n for n in self.workers(fresh=True)
                if number_in(n, name) is not None and n.get("InstanceStatus") != kce.NODE_DELETING]

    def nodes_of(self, ids):
        """The nodes of the cluster with these ids (any role), matched by id."""
        wanted = set(ids)
        # the instance-id filter takes at most 100 values (Filter.N rule 5): more ids, read every node
        found = kce.describe_cluster_instances(self.client, self.cluster_id,
                                               instance_ids=list(ids) if len(ids) <= 100 else None)
        return [n for n in found if n.get("InstanceId") in wanted]

    # ------------------------------------------------------------------ the flow
    def apply(self):
        cluster = self.find_cluster()
        if self.params["state"] == "absent":
            return self.absent_nodes(cluster)
        if cluster is None and self.check_mode:
            return self.cluster_not_there_yet()
        self.running_cluster(cluster, need="adding nodes")
        return self.present_group() if self.params["source"] == "new" else self.present_servers()

    def cluster_not_there_yet(self):
        """Check mode of a play that creates the cluster in an earlier task: predict, do not fail."""
        p = self.params
        self.changed = True
        if p["source"] == "new":
            self.before = dict(count=0, nodes=[])
            self.after = dict(count=p["count"], nodes=["%s-%d (new)" % (p["name"], i + 1) for i in range(p["count"])])
        else:
            self.before = dict(nodes=[])
            self.after = dict(nodes=list(p["instance_ids"]))
        self.result["msg"] = ("check mode: %s does not exist (yet): in a real run this task needs it, for example "
                              "created by an earlier task of the play" % self.cluster_text())
        self.exit([], added=[], removed=[])

    def wrote(self, send, reread=None):
        """`write()`, and `changed` from what it did: set once the write took effect, or may have (an
        answer lost or timed out); an answer refusing it leaves `changed` as it was."""
        try:
            done = self.write(send, reread)
        except KsyunError as err:
            if err.maybe_applied:
                self.changed = True
            raise
        self.changed = True
        return done

    def present_group(self):
        p = self.params
        name, count = p["name"], p["count"]
        workers = self.workers()
        ranked = oldest_first([n for n in workers if number_in(n, name) is not None
                               and n.get("InstanceStatus") != kce.NODE_DELETING], name)
        if p["exact_count"]:
            kept = survivors(ranked, name, count)
            kept_ids = set(n["InstanceId"] for n in kept)
            surplus = [n for n in ranked[::-1] if n["InstanceId"] not in kept_ids]   # the newest first
        else:
            kept, surplus = ranked, []
        missing = max(0, count - len(kept))
        if missing and not self.param_is_defined("node_para"):
            self.fail("the group %s of %s has %d node(s), count is %d: adding nodes needs node_para"
                      % (name, self.cluster_text(), len(kept), count))
        # numbered on from every node of that name, deleting ones too: no two nodes share a name
        start = max([number_in(n, name) for n in workers if number_in(n, name) is not None] or [0]) + 1
        new_names = ["%s-%d" % (name, start + i) for i in range(missing)]
        self.before = dict(count=len(ranked), nodes=labels(ranked))
        self.after = dict(count=len(kept) + missing, nodes=labels(kept) + ["%s (new)" % n for n in new_names])
        if self.check_mode:
            self.changed = bool(missing or surplus)
            self.removed = [n["InstanceId"] for n in surplus]
            return ranked
        seen = None
        if missing:
            before_ids = set(n["InstanceId"] for n in workers)
            sure = [True]

            def found():
                # a lost answer: the nodes of the names it asked for that were not there before. A racing
                # run may have made nodes of the same names, so these are never removed by this run
                sure[0] = False
                new = [n["InstanceId"] for n in self.workers(fresh=True)
                       if n["InstanceId"] not in before_ids and n.get("InstanceName") in new_names]
                return new or None
            self.m.progress("adding %d node%s to the group %s of %s: %s"
                            % (missing, "" if missing == 1 else "s", name, self.cluster_text(), ", ".join(new_names)))
            self.added = self.wrote(lambda: self.add_new(missing, start), found)
            seen = self.reconcile(self.added if sure[0] else [], time.monotonic())
            by_id = dict((n["InstanceId"], n) for n in seen)
            self.after = dict(count=len(kept) + len(self.added),
                              nodes=labels(kept) + labels(by_id.get(i, dict(InstanceId=i)) for i in self.added))
        if surplus:
            self.remove(surplus)
            if p["wait"]:
                self.wait_removed(self.removed)

        def fetch():
            return oldest_first(self.group(), name)
        if not (missing or surplus):
            return self.settle(fetch, [], ranked)
        # the read that reconciled is the group as it is, unless something was removed since
        last = oldest_first(seen, name) if seen is not None and not (surplus or self.reconciled) else None
        return self.settle(fetch, [n["InstanceId"] for n in kept] + self.added, last)

    def add_new(self, missing, start):
        para = dict(self.params["node_para"], MaxCount=missing, MinCount=missing, InstanceName=self.params["name"],
                    InstanceNameSuffix=start)
        if self.param_is_defined("instance_password") and para.get("InstancePassword") is None:
            para["InstancePassword"] = self.params["instance_password"]
        answer = kce.add_cluster_instances(self.client, self.cluster_id, [{"NodeRole": "Worker", "NodePara": [para]}])
        return [i["InstanceId"] for i in answer.get("InstanceSet") or []]

    def reconcile(self, own, added_at):
        """Racing runs of the same task each add the missing nodes: once the adds are all visible
        (SETTLE after this one), every run computes the same survivors and removes only the nodes it
        added itself that are not among them (a run never removes a node it did not create).
        Returns the group as read."""
        p = self.params
        pause = added_at + SETTLE - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        nodes = self.group()
        # an added node already gone or going (removed by a racing run with exact_count) is not reported
        present = set(n["InstanceId"] for n in nodes)
        self.added = [i for i in self.added if i in present]
        kept = set(n["InstanceId"] for n in survivors(nodes, p["name"], p["count"]))
        extra = [n for n in oldest_first(nodes, p["name"])[::-1] if n["InstanceId"] not in kept]
        mine = [n for n in extra if n["InstanceId"] in own]
        if extra and not own:
            self.module.warn("the group %s of %s has %d nodes, count is %d, and the answer of this run's "
                             "AddClusterInstances was lost: it cannot tell its nodes from those of another run "
                             "and removed none (%s); a run with exact_count=true removes the newest"
                             % (p["name"], self.cluster_text(), len(nodes), p["count"], ", ".join(labels(extra))))
        if not mine:
            return nodes
        self.m.progress("the group %s of %s has %d nodes, count is %d (another run added nodes at the same time): "
                        "removing the %d this run added beyond it: %s"
                        % (p["name"], self.cluster_text(), len(nodes), p["count"], len(mine), ", ".join(labels(mine))))
        mine_ids = [n["InstanceId"] for n in mine]
        if p["wait"]:
            # removed once built: the API may refuse to remove a node that is still being installed
            done = (kce.NODE_READY, kce.NODE_DELETING) + kce.NODE_FAILED
            now = self.wait_for(lambda: self.nodes_of(mine_ids),
                                lambda found: all(n.get("InstanceStatus") in done for n in found),
                                what="the %d nodes this run added beyond count (removed once built)" % len(mine))
            going = set(n["InstanceId"] for n in now if n.get("InstanceStatus") == kce.NODE_DELETING)
            mine = [n for n in mine if n["InstanceId"] not in going and n["InstanceId"] in
                    set(x["InstanceId"] for x in now)]
        self.remove(mine, record=False, strict=p["wait"])
        self.added = [i for i in self.added if i not in self.reconciled]
        if p["wait"] and self.reconciled:
            self.wait_removed(self.reconciled)
        return nodes

    def present_servers(self):
        p = self.params
        ids = p["instance_ids"]
        nodes = self.nodes_of(ids)
        have = dict((n["InstanceId"], n) for n in nodes)
        masters = sorted("%s (%s)" % (i, n.get("InstanceRole")) for i, n in have.items() if n.get("InstanceRole") != "Worker")
        if masters:
            self.fail("these servers are already nodes of %s, but not Worker nodes: %s" % (self.cluster_text(), ", ".join(masters)))
        todo = [i for i in ids if i not in have or have[i].get("InstanceStatus") == kce.NODE_DELETING]
        names = {}
        if todo:
            names = self.check_joinable(todo)
        self.before = dict(nodes=labels(have[i] for i in ids if i not in todo))
        self.after = dict(nodes=[label(have[i]) if i in have else label(dict(InstanceId=i, InstanceName=names.get(i)))
                                 for i in ids])
        if self.check_mode:
            self.changed = bool(todo)
            return [have[i] for i in ids if i in have]
        if todo:
            self.wrote(lambda: self.add_servers(todo), lambda: self.joined(todo))
            self.added = list(todo)
        return self.settle(lambda: self.nodes_of(ids), ids, None if todo else nodes)

    def check_joinable(self, ids):
        """Fail (before any write) naming each server that cannot join, with the API's reason; the
        names of the servers ({id: name}) when all can."""
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
            names = dict((iid, listed[iid].get("InstanceName")) for iid in ids)
            self.check_not_like_a_group(names)
            return names
        listed = dict((i.get("InstanceId"), i) for i in kce.describe_epc_for_cluster(
            self.client, cluster_id=self.cluster_id, instance_ids=ids))
        bad = [i for i in ids if i not in listed]
        if bad:
            self.fail("these bare-metal servers are not offered by DescribeEpcForCluster for %s (in another "
                      "cluster or VPC, or not booted from a container-service image): %s"
                      % (self.cluster_text(), ", ".join(bad)))
        # a bare-metal node is never a member of a worker group, whatever its name
        return dict((iid, listed[iid].get("InstanceName")) for iid in ids)

    def check_not_like_a_group(self, names):
        """An existing KEC server named <group>-<number> while the cluster has that worker group would be
        counted as one of its nodes (and could be removed by it): refused, naming each."""
        wanted = dict((iid, MEMBER_NAME.match(n or "")) for iid, n in names.items())
        wanted = dict((iid, m.group(1)) for iid, m in wanted.items() if m)
        if not wanted:
            return
        others = [n for n in self.workers() if n.get("InstanceId") not in names]
        clash = sorted("%s (%s): a node of the worker group %s" % (names[iid], iid, group)
                       for iid, group in wanted.items()
                       if any(number_in(n, group) is not None for n in others))
        if clash:
            self.fail("these KEC servers are named like the nodes of a worker group of %s, which would count them "
                      "as its own and could remove them (exact_count, state=absent): %s. Rename them first"
                      % (self.cluster_text(), "; ".join(clash)))

    def add_servers(self, ids):
        p = self.params
        if p["source"] == "existing":
            paras = []
            for iid in ids:
                para = dict(p["kec_para"] or {}, InstanceId=iid, ImageId=p["image_id"])
                if self.param_is_defined("instance_password"):
                    para["InstancePassword"] = p["instance_password"]
                for n, key in enumerate(p["key_id"] or []):
                    para["KeyId.%d" % (n + 1)] = key
                paras.append(para)
            answer = kce.add_existed_instances(self.client, self.cluster_id, [{"NodeRole": "Worker", "KecPara": paras}])
        else:
            answer = kce.add_cluster_epc_instances(self.client, self.cluster_id, ids)
        self.changed = True
        self.check_returns(answer, ids, "added to", lambda: [i for i in ids if i not in self.joined(ids, missing=True)])
        return True

    def joined(self, ids, missing=False):
        """After a lost add: True when every server is a node now (None otherwise); with `missing`,
        the ids that are nodes."""
        nodes = set(n["InstanceId"] for n in self.nodes_of(ids) if n.get("InstanceStatus") != kce.NODE_DELETING)
        if missing:
            return nodes
        return True if nodes >= set(ids) else None

    def check_returns(self, answer, ids, verb, still_failed, done_before=(), record=True, strict=True):
        """Fail naming each server whose InstanceSet item says Return=false, unless a re-read shows that
        it did what was asked after all (`still_failed()` -> the ids that really failed)."""
        failures = dict((i.get("InstanceId"), i.get("Message") or i.get("Reason") or "no message")
                        for i in answer.get("InstanceSet") or [] if i.get("Return") is False)
        if not failures:
            return []
        really = [i for i in still_failed() if i in failures]
        if really and not strict:
            self.module.warn("%d of %d nodes this run added beyond count could not be removed yet (%s): a run "
                             "with exact_count=true removes them" % (len(really), len(ids), "; ".join(
                                 "%s: %s" % (i, failures[i]) for i in really)))
            return really
        if really:
            done = [i for i in ids if i not in really]
            if verb == "added to":
                self.added = done
            else:
                self.record_removed(list(done_before) + done, record)
            self.changed = bool(done or done_before)
            self.fail("%d of %d servers could not be %s %s: %s" % (
                len(really), len(ids), verb, self.cluster_text(),
                "; ".join("%s: %s" % (i, failures[i]) for i in really)), **self.so_far())

    # ------------------------------------------------------------------ removal
    def absent_nodes(self, cluster):
        p = self.params
        if cluster is None or cluster.get("Status") == kce.CLUSTER_DELETING:
            # no cluster, or its nodes are already going: nothing to remove
            self.before = self.after = {}
            return []
        if self.param_is_defined("instance_ids"):
            found = dict((n["InstanceId"], n) for n in self.nodes_of(p["instance_ids"]))
            nodes = [found[i] for i in p["instance_ids"] if i in found]
            masters = sorted("%s (%s)" % (n["InstanceId"], n.get("InstanceRole")) for n in nodes
                             if n.get("InstanceRole") != "Worker")
            if masters:
                self.fail("only Worker nodes can be removed; these are master nodes of %s: %s"
                          % (self.cluster_text(), ", ".join(masters)))
        else:
            nodes = oldest_first(self.group(), p["name"])[::-1]    # the newest first
        todo = [n for n in nodes if n.get("InstanceStatus") != kce.NODE_DELETING]
        going = [n["InstanceId"] for n in nodes if n.get("InstanceStatus") == kce.NODE_DELETING]
        self.before = dict(nodes=labels(todo))
        self.after = dict(nodes=[])
        if self.check_mode:
            self.changed = bool(todo)
            self.removed = [n["InstanceId"] for n in todo]
            return []
        if todo:
            self.running_cluster(cluster, need="removing nodes")
            self.remove(todo)
        if p["wait"] and (todo or going):
            # nodes already being deleted are "absent, in progress": waited for, not deleted again
            self.wait_removed(self.removed + going)
        return []

    def remove(self, nodes, record=True, strict=True):
        """DeleteClusterInstances for `nodes`, in this order, at most DELETE_BATCH per request; the ids
        removed. A request that fails after earlier ones fails the task saying what those removed (in
        `removed`, or `reconciled` when `record` is false)."""
        ids = [n["InstanceId"] for n in nodes]
        chunks = batches(nodes)
        done = []
        for k, chunk in enumerate(chunks, 1):
            chunk_ids = [n["InstanceId"] for n in chunk]
            self.m.progress("removing %d node%s from %s%s: %s" % (
                len(chunk), "" if len(chunk) == 1 else "s", self.cluster_text(),
                " (request %d of %d)" % (k, len(chunks)) if len(chunks) > 1 else "", ", ".join(labels(chunk))))

            def gone(batch=chunk_ids):
                left = [n["InstanceId"] for n in self.nodes_of(batch) if n.get("InstanceStatus") != kce.NODE_DELETING]
                return {"InstanceSet": []} if not left else None

            def send(batch=chunk_ids):
                return kce.delete_cluster_instances(self.client, self.cluster_id, batch,
                                                    self.params["instance_delete_mode"])
            try:
                answer = self.wrote(send, gone)
            except KsyunError as err:
                if not done:
                    raise
                self.record_removed(done, record)
                self.m.fail("%s (DeleteClusterInstances request %d of %d, of at most %d nodes each). The %d "
                            "requests before it were accepted: %d node%s being removed: %s"
                            % (err, k, len(chunks), DELETE_BATCH, k - 1, len(done), "" if len(done) == 1 else "s",
                               ", ".join(labels(n for n in nodes if n["InstanceId"] in done))),
                            error=err.to_dict(), **self.so_far())

            def still_there(batch=chunk_ids):
                return [n["InstanceId"] for n in self.nodes_of(batch) if n.get("InstanceStatus") != kce.NODE_DELETING]
            left = self.check_returns(answer, chunk_ids, "removed from", still_there,
                                      done_before=done, record=record, strict=strict)
            done.extend(i for i in chunk_ids if i not in (left or []))
        self.record_removed(done, record)
        return [i for i in ids if i in done]

    def so_far(self):
        """What the run did so far, for a failed result."""
        out = dict(added=self.added, removed=self.removed)
        if self.reconciled:
            out["reconciled"] = self.reconciled
        return out

    def record_removed(self, done, record):
        if record:
            self.removed = list(done)
        else:
            self.reconciled = list(done)

    def wait_removed(self, ids):
        self.wait_for(lambda: self.nodes_of(ids), lambda nodes: not nodes,
                      what="the %d removed node%s of %s" % (len(ids), "" if len(ids) == 1 else "s", self.cluster_text()))

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
