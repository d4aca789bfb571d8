#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kce_cluster
short_description: Manage a Kingsoft Cloud KCE Kubernetes cluster
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Creates, renames, describes and deletes a managed Kubernetes cluster of the Kingsoft Cloud
    Container Engine (KCE) with the C(CreateCluster), C(DescribeCluster), C(ModifyClusterInfo) and
    C(DeleteCluster) API actions.
  - A cluster is identified by O(cluster_id), or by O(name) (C(ClusterName)). Names are not unique in
    the API; when several clusters have the name, the task fails listing their ids.
  - Only O(name) (when the cluster is identified by O(cluster_id)) and O(description) can be changed on
    an existing cluster. Every other option is used when creating it; where C(DescribeCluster) returns
    it, a value that differs from the existing cluster fails the task naming each option with both
    values (nothing is changed, the cluster is never re-created). O(instance_sets) (so the number of
    master nodes), O(existed_epc_sets), O(public_api_server), O(reserve_subnet_id), O(max_pod_per_node)
    and O(instance_password) are not returned by the API, so they cannot be compared on an existing
    cluster and are only used by a create; a task that sets any of them on an existing cluster gets a
    warning naming them (the cluster may differ from them).
  - Worker nodes of an existing cluster are managed with M(ksyun.cloud.kce_node).
options:
  cluster_id:
    description:
      - The id of an existing cluster. With it, O(name) renames the cluster.
      - A cluster is never created from an id; when no cluster has it, the task fails (O(state=present))
        or does nothing (O(state=absent)).
    type: str
    aliases: [id]
  name:
    description:
      - The cluster name (C(ClusterName)), 2 to 64 characters - Chinese, letters, digits, spaces and
        the characters C(-,.!$^*\(\)%#&+/:;<=>[]_`{}~) (checked before any API call).
      - Identifies the cluster when O(cluster_id) is not given; required to create one.
    type: str
  description:
    description:
      - The cluster description (C(ClusterDesc)). Not set means not managed; V("") empties it.
    type: str
  manage_mode:
    description:
      - How the master nodes are managed (C(ClusterManageMode)). The API documents V(DedicatedCluster),
        its default; the node-role rules below are documented for it.
    type: str
  vpc_id:
    description:
      - The VPC of the cluster. Required to create one.
    type: str
  pod_cidr:
    description:
      - The network range of the pods, for example C(10.80.0.0/16). Required to create a cluster.
      - Must not overlap O(service_cidr) (checked before any API call) nor the VPC's range (checked by the API).
    type: str
  service_cidr:
    description:
      - The network range of the services, for example C(10.254.0.0/16). Required to create a cluster.
      - Must not overlap O(pod_cidr) (checked before any API call) nor the VPC's range (checked by the API).
    type: str
  max_pod_per_node:
    description:
      - The maximum number of pods on one node (the API's default is 128).
      - Only used by a create (the API does not return it).
    type: int
    choices: [16, 32, 64, 128, 256]
  network_type:
    description:
      - The network model of the cluster. Required to create one.
    type: str
    choices: [Flannel, Canal]
  k8s_version:
    description:
      - The Kubernetes version, for example C(v1.15.5) (the document lists v1.12.3, v1.13.4 and
        v1.15.5; the API decides which it supports). Required to create a cluster.
    type: str
  reserve_subnet_id:
    description:
      - The id of the VPC's endpoint (reserve) subnet of the cluster. Required to create one.
      - Only used by a create (the API does not return it).
    type: str
  master_etcd_separate:
    description:
      - Whether the Master and Etcd components run on nodes of their own (C(MasterEtcdSeparate)); the
        API's default is V(false).
      - With V(false) the nodes are V(Master_Etcd) and V(Worker) nodes; with V(true) V(Master), V(Etcd)
        and V(Worker) nodes.
    type: bool
  public_api_server:
    description:
      - Expose the API server on the internet through a new load balancer and elastic IP, given the elastic
        IP creation parameters (for example C(LineId), C(BandWidth) and C(ChargeType), see the examples),
        sent as JSON text (C(PublicApiServer)). Not set means the API server is reachable from the VPC only.
      - Only used by a create (the API does not return it).
    type: dict
  instance_sets:
    description:
      - New KEC virtual machines for the cluster's nodes (C(InstanceSet.N)). Several entries with the
        same role are sent as one set with several C(NodePara).
      - With O(manage_mode=DedicatedCluster) (the default) the roles are V(Master_Etcd) (3 or 5
        instances) and V(Worker) (at least one), or with O(master_etcd_separate=true) V(Master)
        (3 or 5), V(Etcd) (3 or 5) and V(Worker); O(existed_epc_sets) count towards these numbers.
      - Only used by a create (the API does not return it).
    type: list
    elements: dict
    suboptions:
      role:
        description: The node role (C(NodeRole)).
        type: str
        required: true
        choices: [Worker, Master_Etcd, Master, Etcd]
      node_para:
        description:
          - The KEC instance-creation parameters of each group of nodes, passed through unchanged as
            JSON text (C(NodePara)), for example C(MaxCount), C(MinCount), C(ImageId), C(SubnetId),
            C(SecurityGroupId), C(InstanceType), C(DataDiskGb), C(ChargeType), C(InstanceName). Their
            keys and values are the KEC API's; the module checks only that C(MaxCount) and
            C(MinCount) are integers with C(MinCount <= MaxCount) (the role rules count C(MaxCount)).
          - C(InstancePassword) in a C(node_para) is kept out of results, diffs, errors (a failed
            argument validation too) and the module's log of its arguments, like O(instance_password).
        type: list
        elements: dict
        required: true
  existed_epc_sets:
    description:
      - Existing bare-metal (EPC) servers for the cluster's nodes (C(ExistedInstanceEpcSet.N)); see
        M(ksyun.cloud.kce_epc_info) for the servers that can join. Same role rules as O(instance_sets).
      - Only used by a create (the API does not return it).
    type: list
    elements: dict
    suboptions:
      role:
        description: The node role (C(NodeRole)).
        type: str
        required: true
        choices: [Worker, Master_Etcd, Master, Etcd]
      instance_ids:
        description: The ids of the EPC servers with this role.
        type: list
        elements: str
        required: true
      epc_para:
        description:
          - More parameters for each server's C(EpcPara) JSON, passed through unchanged (the document
            defines only C(InstanceId), which the module sets).
        type: dict
  instance_password:
    description:
      - The login password of every node created from O(instance_sets), set as C(InstancePassword) in
        each C(node_para) that has none. Never logged or returned.
      - Only used by a create (the API does not return it).
    type: str
  instance_delete_mode:
    description:
      - What happens to the nodes' servers when the cluster is deleted (C(InstanceDeleteMode)) -
        V(Terminate) destroys them, V(Remove) only takes them out of the cluster. Sent only when set;
        bare-metal servers are only ever taken out.
    type: str
    choices: [Terminate, Remove]
  state:
    description:
      - V(present) creates the cluster or changes its name and description; with O(wait), waits until
        it is C(running).
      - V(absent) deletes it; with O(wait), waits until it is gone.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    default: 1200
notes:
  - A cluster that ends C(error) or C(NotReady) fails the wait at once; C(deleting) is "absent, in
    progress" (DeleteCluster is not sent again); any other status counts as in progress until O(wait_timeout).
  - Missing creation options (O(vpc_id), O(pod_cidr), ...) are reported after the cluster was looked up
    (an existing cluster does not need them), before anything is changed.
  - KCE does not keep cluster names unique and CreateCluster has no idempotency token. Racing runs of the same
    task (overlapping AWX jobs) each re-read the name after their create; of several clusters every run keeps
    the same one (the oldest C(CreateTime), then the smallest id), and a run whose own cluster is not that one
    deletes it with C(InstanceDeleteMode=Terminate) (its new servers are its own) once the API lets it, and
    returns the kept one; RV(reconciled) says so. A run deletes only a cluster whose id its own create answer
    returned.
  - What cannot be made safe (the API has no idempotency token) - a run killed between its create and its
    re-read leaves what it made, and a later run fails listing the objects of the name (for names the API does
    not keep unique); a create whose answer was lost while a racing run created the same name cannot tell which
    one it made, deletes none and warns; a create that timed out and lands after the run gave up (after
    O(timeout), or O(wait_timeout) with O(wait=true)) is not seen by a re-run started before it lands. See the
    README's reliability section.
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.resource
  - ksyun.cloud.wait
seealso:
  - module: ksyun.cloud.kce_cluster_info
  - module: ksyun.cloud.kce_node
  - module: ksyun.cloud.kce_kubeconfig
"""

EXAMPLES = r"""
# The ids are those of the local emulator's default world (scripts/with-emulator in the collection's
# repository), where these examples run as printed; against Kingsoft Cloud, use your own.
- name: A cluster of three Master_Etcd and two Worker virtual machines
  ksyun.cloud.kce_cluster:
    name: production
    description: The production cluster
    vpc_id: 31e21dca-c92e-4b06-a8ce-xxxxxx
    reserve_subnet_id: 372bdbac-ea1d-4f99-9c30-xxxxxx
    pod_cidr: 10.80.0.0/16
    service_cidr: 10.254.0.0/16
    network_type: Flannel
    k8s_version: v1.15.5
    instance_password: "{{ node_password }}"
    instance_sets:
      - role: Master_Etcd
        node_para:
          - {MaxCount: 3, MinCount: 3, InstanceType: I3.4B, ImageId: 5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7,
             SubnetId: 7e23b980-11c2-4bb0-9388-xxxxxx, SecurityGroupId: d46c7672-7ca9-4f51-bbd9-xxxxxx,
             DataDiskGb: 50, ChargeType: Daily, InstanceName: prod-master}
      - role: Worker
        node_para:
          - {MaxCount: 2, MinCount: 2, InstanceType: N3.2B, ImageId: 5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7,
             SubnetId: 7e23b980-11c2-4bb0-9388-xxxxxx, SecurityGroupId: d46c7672-7ca9-4f51-bbd9-xxxxxx,
             ChargeType: Daily, InstanceName: prod-worker}
    public_api_server: {LineId: 5fc2595f-1bfd-481b-bf64-2d08f116d800, BandWidth: 5, ChargeType: PostPaidByDay}
  register: prod

- name: Change its description (a new name is set the same way, the cluster found by its id)
  ksyun.cloud.kce_cluster:
    cluster_id: "{{ prod.cluster.cluster_id }}"
    name: production
    description: The production cluster, since spring

- name: Delete a cluster and destroy its nodes' servers
  ksyun.cloud.kce_cluster:
    name: production
    instance_delete_mode: Terminate
    state: absent
"""

RETURN = r"""
cluster:
  description:
    - The cluster, as M(ksyun.cloud.kce_cluster_info) returns it; with O(wait), the running cluster;
      C({}) once deleted.
    - In check mode, the cluster as it is now (C({}) when it would be created).
  returned: always
  type: dict
  contains:
    cluster_id:
      description: The cluster id.
      type: str
      sample: b12d7079-1e59-4626-90eb-0123456789ab
    cluster_name:
      description: The cluster name.
      type: str
      sample: production
    cluster_type:
      description: C(VirtualMachine) (KEC nodes) or the bare-metal type (EPC nodes).
      type: str
      sample: VirtualMachine
    cluster_manage_mode:
      description: How the master nodes are managed.
      type: str
      sample: DedicatedCluster
    cluster_desc:
      description: The cluster description.
      type: str
      sample: The production cluster
    k8s_version:
      description: The Kubernetes version.
      type: str
      sample: v1.15.5
    network_type:
      description: The network model.
      type: str
      sample: Flannel
    master_etcd_separate:
      description: Whether Master and Etcd run on nodes of their own.
      type: bool
      sample: false
    pod_cidr:
      description: The network range of the pods.
      type: str
      sample: 10.80.0.0/16
    service_cidr:
      description: The network range of the services.
      type: str
      sample: 10.254.0.0/16
    vpc_id:
      description: The VPC id.
      type: str
      sample: 31e21dca-c92e-4b06-a8ce-0123456789ab
    vpc_cidr:
      description: The network range of the VPC.
      type: str
      sample: 10.0.0.0/16
    status:
      description: C(building), C(running), C(error), C(NotReady) or C(deleting).
      type: str
      sample: running
    node_num:
      description: The number of worker nodes.
      type: int
      sample: 2
    normal_node_num:
      description: The number of worker nodes that are ready.
      type: int
      sample: 2
    enable_kmse:
      description: Whether KMSE is enabled.
      type: bool
      sample: false
    create_time:
      description: When the cluster was created.
      type: str
      sample: "2019-09-10T10:56:13+08:00"
    update_time:
      description: When the cluster last changed.
      type: str
      sample: "2019-09-10T11:02:46+08:00"
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeCluster]
reconciled:
  description:
    - What a racing run of the same task made this run do; absent when nothing was reconciled.
  returned: when a racing run's resource was met
  type: dict
  contains:
    survivor:
      description: The id (or name) of the resource this run continued with, the one every run keeps.
      type: str
    deleted:
      description: What this run deleted of its own making (never another run's).
      type: list
      elements: str
    reason:
      description: What happened, in words.
      type: str
"""

import ipaddress
import re

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._module import values_of_keys
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import (
    NamedResource, mask, state_option, wait_options)

# option -> ClusterSet field, for the options DescribeCluster returns (compared on an existing cluster)
COMPARED = (
    ("name", "ClusterName"), ("description", "ClusterDesc"), ("manage_mode", "ClusterManageMode"),
    ("vpc_id", "VpcId"), ("pod_cidr", "PodCidr"), ("service_cidr", "ServiceCidr"),
    ("network_type", "NetworkType"), ("k8s_version", "K8sVersion"), ("master_etcd_separate", "MasterEtcdSeparate"),
)
# options only a create sends (DescribeCluster never returns them)
CREATE_ONLY = ("max_pod_per_node", "reserve_subnet_id", "public_api_server", "instance_sets", "existed_epc_sets")
# what a create needs besides the node sets
CREATE_REQUIRED = ("name", "vpc_id", "pod_cidr", "service_cidr", "network_type", "k8s_version", "reserve_subnet_id")
SECRETS = ("InstancePassword",)

# ClusterName: 2-64 characters, Chinese, letters, digits and the document's specials; a space too
# (CreateCluster example 1 names a cluster "openapi 开机集群")
NAME_CHARS = re.compile(u"^[\u4e00-\u9fff\u3400-\u4dbfA-Za-z0-9 \\-,.!$^*()%#&+/:;<=>\\[\\]_`{}~]+$")
NAME_SPECIALS = "- , . ! $ ^ * ( ) % # & + / : ; < = > [ ] _ ` { } ~"

ROLE_SPEC = dict(type="str", required=True, choices=list(kce.NODE_ROLES))


def _count(para, key):
    value = para.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def check_name(name):
    """A message when `name` breaks the ClusterName rule, or None."""
    if not 2 <= len(name) <= 64:
        return "name must be 2 to 64 characters long, got %d" % len(name)
    if not NAME_CHARS.match(name):
        bad = sorted(set(c for c in name if not NAME_CHARS.match(c)))
        return ("name may contain Chinese, letters, digits, spaces and %s only; %r has %s"
                % (NAME_SPECIALS, name, " ".join(repr(c) for c in bad)))
    return None


def check_cidrs(params):
    """A message for an invalid or overlapping pod_cidr / service_cidr, or None."""
    nets = {}
    for option in ("pod_cidr", "service_cidr"):
        text = params.get(option)
        if text is None:
            continue
        try:
            nets[option] = ipaddress.ip_network(u"%s" % text.strip(), strict=True)
        except ValueError as exc:
            return "%s must be a network in CIDR notation such as 10.80.0.0/16, got %r (%s)" % (option, text, exc)
    if len(nets) == 2 and nets["pod_cidr"].overlaps(nets["service_cidr"]):
        return ("pod_cidr %s and service_cidr %s overlap: the pod and service networks must be separate"
                % (nets["pod_cidr"], nets["service_cidr"]))
    return None


def node_counts(instance_sets, existed_epc_sets):
    """({role: node count}, message or None): MaxCount of each node_para, one per EPC server."""
    counts = {}
    for i, item in enumerate(instance_sets or []):
        if not item["node_para"]:
            return counts, "instance_sets[%d].node_para must list at least one node_para" % i
        for j, para in enumerate(item["node_para"]):
            where = "instance_sets[%d].node_para[%d]" % (i, j)
            low, high = _count(para, "MinCount"), _count(para, "MaxCount")
            if high is None or low is None:
                return counts, "%s must set MaxCount and MinCount to whole numbers" % where
            if not 1 <= low <= high:
                return counts, ("%s: MinCount must be at least 1 and at most MaxCount, got MinCount=%d MaxCount=%d"
                                % (where, low, high))
            counts[item["role"]] = counts.get(item["role"], 0) + high
    for i, item in enumerate(existed_epc_sets or []):
        ids = [x for x in item["instance_ids"] if x]
        if not ids:
            return counts, "existed_epc_sets[%d].instance_ids must list at least one server" % i
        counts[item["role"]] = counts.get(item["role"], 0) + len(ids)
    return counts, None


def check_roles(counts, separate):
    """A message when the node roles break the documented rules (DedicatedCluster), or None."""
    needed = ("Master", "Etcd", "Worker") if separate else ("Master_Etcd", "Worker")
    rule = "master_etcd_separate=%s" % ("true" if separate else "false")
    others = sorted(r for r in counts if r not in needed)
    if others:
        return ("with %s the node roles are %s; %s cannot be used (set master_etcd_separate accordingly)"
                % (rule, ", ".join(needed), ", ".join(others)))
    missing = [r for r in needed if not counts.get(r)]
    if missing:
        return "with %s the cluster needs %s nodes; %s missing" % (rule, " and ".join(needed), ", ".join(missing))
    for role in needed:
        if role in kce.MASTER_ROLES and counts[role] not in (3, 5):
            return "%s nodes must be exactly 3 or 5, got %d" % (role, counts[role])
    return None


def node_sets(instance_sets, password):
    """InstanceSet items: one per role (several node_para of a role merged), password filled in."""
    merged = []
    by_role = {}
    for item in instance_sets or []:
        if item["role"] not in by_role:
            by_role[item["role"]] = {"NodeRole": item["role"], "NodePara": []}
            merged.append(by_role[item["role"]])
        for para in item["node_para"]:
            para = dict(para)
            if password is not None and para.get("InstancePassword") is None:
                para["InstancePassword"] = password
            by_role[item["role"]]["NodePara"].append(para)
    return merged


def epc_sets(existed_epc_sets):
    """ExistedInstanceEpcSet items: one per role, an EpcPara per server."""
    merged = []
    by_role = {}
    for item in existed_epc_sets or []:
        if item["role"] not in by_role:
            by_role[item["role"]] = {"NodeRole": item["role"], "EpcPara": []}
            merged.append(by_role[item["role"]])
        for iid in item["instance_ids"]:
            by_role[item["role"]]["EpcPara"].append(dict(item.get("epc_para") or {}, InstanceId=iid))
    return merged


class KceCluster(NamedResource):
    represent = "cluster"
    unreadable = CREATE_ONLY + ("instance_password",)
    id_option, id_key, name_key = "cluster_id", "ClusterId", "ClusterName"
    argument_spec = dict(
        cluster_id=dict(type="str", aliases=["id"]),
        name=dict(type="str"),
        description=dict(type="str"),
        manage_mode=dict(type="str"),
        vpc_id=dict(type="str"),
        pod_cidr=dict(type="str"),
        service_cidr=dict(type="str"),
        max_pod_per_node=dict(type="int", choices=[16, 32, 64, 128, 256]),
        network_type=dict(type="str", choices=["Flannel", "Canal"]),
        k8s_version=dict(type="str"),
        reserve_subnet_id=dict(type="str"),
        master_etcd_separate=dict(type="bool"),
        public_api_server=dict(type="dict"),
        instance_sets=dict(type="list", elements="dict", options=dict(
            role=ROLE_SPEC, node_para=dict(type="list", elements="dict", required=True))),
        existed_epc_sets=dict(type="list", elements="dict", options=dict(
            role=ROLE_SPEC, instance_ids=dict(type="list", elements="str", required=True),
            epc_para=dict(type="dict"))),
        instance_password=dict(type="str", no_log=True),
        instance_delete_mode=dict(type="str", choices=["Terminate", "Remove"]),
        **dict(state_option("present", "absent"), **wait_options(1200))
    )
    module_kwargs = dict(required_one_of=[("cluster_id", "name")])

    @property
    def mutable(self):
        # the name identifies the cluster unless the id does
        return ("name", "description") if self.params["cluster_id"] else ("description",)

    # ------------------------------------------------------------------ checks
    @staticmethod
    def secret_values(arguments):
        return values_of_keys(arguments.get("instance_sets"), SECRETS)

    def validate(self):
        params = self.params
        for option in ("cluster_id", "name"):
            if self.param_is_defined(option) and not params[option].strip():
                return "%s must not be empty" % option
        if params["state"] == "absent":
            return None
        if self.param_is_defined("name"):
            problem = check_name(params["name"])
            if problem:
                return problem
        problem = check_cidrs(params)
        if problem:
            return problem
        if params["instance_sets"] or params["existed_epc_sets"]:
            counts, problem = node_counts(params["instance_sets"], params["existed_epc_sets"])
            if problem:
                return problem
            if params["manage_mode"] in (None, "DedicatedCluster"):
                return check_roles(counts, bool(params["master_etcd_separate"]))
        return None

    def before_create(self):
        super().before_create()   # an id only finds an existing cluster
        missing = [o for o in CREATE_REQUIRED if not self.param_is_defined(o)]
        if not (self.params["instance_sets"] or self.params["existed_epc_sets"]):
            missing.append("instance_sets or existed_epc_sets")
        if missing:
            self.fail("cluster %s does not exist; creating it needs %s" % (self.params["name"], ", ".join(missing)))

    # ------------------------------------------------------------------ reads
    def describe(self, ids=None, name=None):
        # DescribeCluster takes one ClusterId; Search narrows a name on the server (a fuzzy match)
        if ids:
            return kce.describe_clusters(self.client, cluster_ids=ids)
        return kce.describe_clusters(self.client, search=name)

    def status(self, raw):
        return raw.get("Status")

    def ready(self, raw):
        return raw.get("Status") == kce.CLUSTER_READY

    def failed(self, raw):
        return raw.get("Status") in kce.CLUSTER_FAILED

    def deleting(self, raw):
        return raw.get("Status") == kce.CLUSTER_DELETING

    def view(self, raw):
        have = dict(cluster_id=raw.get("ClusterId"))
        for option, field in COMPARED:
            have[option] = raw.get(field)
        return have

    def wanted(self):
        want = self.defined(*(option for option, dummy in COMPARED))
        for option in ("pod_cidr", "service_cidr"):
            if option in want:
                want[option] = str(ipaddress.ip_network(want[option].strip()))
        if self.resource_id is None:
            # a create (nothing found): also show what only a create sends, secrets masked
            want.update((option, mask(value, SECRETS)) for option, value in self.defined(*CREATE_ONLY).items())
        return want

    def while_deleting(self, current):
        if self.params["cluster_id"]:
            # an id never creates: a cluster being deleted under it fails now, not after waiting for it to go
            self.fail("cluster %s is being deleted: it cannot be kept or changed" % self.ident(current))
        super().while_deleting(current)

    # ------------------------------------------------------------------ writes
    def create(self):
        p = self.params
        answer = kce.create_cluster(
            self.client, p["name"], p["vpc_id"], str(ipaddress.ip_network(u"%s" % p["pod_cidr"].strip())),
            str(ipaddress.ip_network(u"%s" % p["service_cidr"].strip())), p["network_type"], p["k8s_version"],
            p["reserve_subnet_id"], cluster_desc=p["description"], cluster_manage_mode=p["manage_mode"],
            max_pod_per_node=p["max_pod_per_node"], master_etcd_separate=p["master_etcd_separate"],
            instance_set=node_sets(p["instance_sets"], p["instance_password"]) or None,
            existed_instance_epc_set=epc_sets(p["existed_epc_sets"]) or None,
            public_api_server=p["public_api_server"])
        return answer["ClusterId"]

    def update(self, current, changes):
        name = changes.get("name", (None, None))[1]
        desc = changes.get("description", (None, None))[1]
        kce.modify_cluster_info(self.client, current["ClusterId"], cluster_name=name, cluster_desc=desc)

    def delete(self, current):
        kce.delete_cluster(self.client, current["ClusterId"], self.params["instance_delete_mode"])

    def delete_racing(self, raw):
        # a cluster this run made while a racing run's is kept: its new servers are this run's, destroy them
        mode = self.params["instance_delete_mode"] if self.params["existed_epc_sets"] else "Terminate"
        kce.delete_cluster(self.client, raw["ClusterId"], mode)


def main():
    KceCluster.run_module()


if __name__ == "__main__":
    main()
