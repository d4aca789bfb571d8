# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: kce
short_description: Kingsoft Cloud KCE cluster nodes as an inventory
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Every node of the KCE (Kingsoft Cloud Container Engine) clusters of one or more regions, read with
    C(DescribeCluster) and C(DescribeClusterInstance).
  - The inventory file name must end in C(kce.yml) or C(kce.yaml), for example C(prod.kce.yml); other
    files are declined, with the reason shown at verbosity 3 (C(-vvv)).
  - Each host is put in a group per cluster (O(cluster_group_prefix) and the cluster's name, sanitised,
    for example C(kce_cluster_prod_a)), per node role (C(kce_worker), C(kce_master_etcd), C(kce_master),
    C(kce_etcd)), per availability zone and per region (sanitised, for example C(cn_beijing_6b) and
    C(cn_beijing_6)).
  - Two clusters whose names make the same group (the same name, in one region or two, or names that
    differ only in characters the sanitising replaces, such as C(prod-a) and C(prod_a)) are told apart;
    the one created first keeps the group, each other one gets its cluster id appended (for example
    C(kce_cluster_prod_a_79dac1a8_3387_4769_82a5_1f3c4e5d6a7b)), with a warning naming them.
  - A group name made by two sources (a cluster, a role, a zone, a region, O(groups) or
    O(keyed_groups)), for example a cluster named C(kce-worker) with an empty
    O(cluster_group_prefix), merges their hosts, and the plugin warns naming the group and its sources.
  - An option of the inventory file that the plugin does not know is ignored with a warning naming the
    closest option, for example C(region) for C(regoin).
  - Lists are read concurrently, O(max_concurrency) requests at a time. The first page of a list
    tells its size, then all its other pages are asked for at once, and a cluster's nodes are asked for
    as soon as the page naming the cluster arrives. Throttled and failed reads are retried with
    jittered back-off; all retries of one run share one budget of 120 seconds. A list is only used when
    it holds exactly the C(TotalCount) items its pages announced (it is read again otherwise), so no
    node is lost or listed twice.
  - The credential, region and endpoint options may be Jinja templates, and are read from the
    E(KSYUN_*) environment variables when not set (an AWX credential injected as environment
    variables works unchanged).
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - ksyun.cloud.common.plugins
options:
  plugin:
    description: Marks the file as an inventory of this plugin.
    type: str
    required: true
    choices: [ksyun.cloud.kce]
  regions:
    description:
      - The regions to read, in this order.
      - Default is the single region of O(region).
    type: list
    elements: str
    default: []
  clusters:
    description:
      - Only the clusters with one of these ids or names.
      - Default is every cluster of each region.
    type: list
    elements: str
    default: []
  node_roles:
    description:
      - Only the nodes with one of these roles (the API's C(instance-role) filter).
      - Default is every role.
    type: list
    elements: str
    choices: [Worker, Master_Etcd, Master, Etcd]
    default: []
  instance_status:
    description:
      - Only the nodes in one of these states, for example V(normal). The documented states are
        V(normal), V(abnormal), V(building), V(failed) and V(installing); the case is ignored.
      - Default is every state.
    type: list
    elements: str
    default: []
  hostnames:
    description:
      - How hosts are named, in order of preference; the first entry that gives a non-empty name not
        already given to another node of this inventory is used, so no node is hidden behind another's
        name (at verbosity 1 the plugin lists the nodes that were named by a later entry).
      - V(instance_name), V(private_ip) or V(instance_id), or a Jinja expression (without C({{ }}))
        over the host variables, which are every node field under O(hostvar_prefix) as with
        O(hostvars=full), for example C(ksyun_cluster_name ~ '-' ~ ksyun_instance_name).
      - When no entry gives a free name the instance id is used.
    type: list
    elements: str
    default: [instance_name, private_ip, instance_id]
  ansible_host_source:
    description:
      - What C(ansible_host) is set to; V(none) leaves it unset (use O(compose) to set it yourself).
    type: str
    choices: [private_ip, instance_name, none]
    default: private_ip
  hostvar_prefix:
    description:
      - The prefix of every host variable the plugin sets (except C(ansible_host)).
      - Empty, or a letter or C(_) followed by letters, digits and C(_).
    type: str
    default: ksyun_
  cluster_group_prefix:
    description:
      - The prefix of each cluster's group name, so that a cluster's group never is a role, zone or
        region group (a cluster named C(kce-worker) is in C(kce_cluster_kce_worker), not C(kce_worker)).
      - Empty, or a letter or C(_) followed by letters, digits and C(_). Empty gives the group the
        cluster's name alone (a name shared with another group is then warned about).
    type: str
    default: kce_cluster_
  hostvars:
    description:
      - V(lean) sets C(ansible_host) and, under O(hostvar_prefix), C(instance_id), C(instance_name),
        C(instance_role), C(instance_status), C(private_ip_address), C(instance_type),
        C(availability_zone), C(cluster_id), C(cluster_name), C(k8s_version) and C(region).
      - V(full) adds every field of the node (snake_case), the fields of its C(KecInstancePara) (or
        C(EpcInstancePara)) brought up to the top, for example C(ksyun_image_id), C(ksyun_vpc_id),
        C(ksyun_instance_configure), C(ksyun_network_interface_set).
      - Host variables are what costs Ansible the most time and memory with many hosts; templates
        (O(compose), O(groups), O(keyed_groups), O(hostnames)) see the V(full) set either way.
    type: str
    choices: [lean, full]
    default: lean
  max_concurrency:
    description: How many API requests are in flight at most (1 to 64).
    type: int
    default: 8
  strict_permissions:
    description:
      - V(true) makes any API error fail the inventory.
      - V(false) turns an API error into one warning naming each region or cluster that could not be
        read, and leaves that region (its cluster list failed) or cluster (its node list failed) out;
        such an incomplete result is not cached.
    type: bool
    default: true
notes:
  - Caching (O(cache)) stores the raw API answers, not the built groups, so O(compose), O(groups),
    O(keyed_groups), O(hostnames) and the filters other than O(regions), O(clusters) and O(node_roles)
    are applied again on a cached run. A cached run makes no API call and leaves the cache's age as it
    is; a change of O(regions), O(clusters), O(node_roles), the account or the endpoint reads the API again.
  - Templates are compiled once per run, not once per host.
"""

EXAMPLES = r"""
# workers.kce.yml: the normal workers of two clusters (by name or id), each host named
# <cluster>-<node>, the API's answers cached for ten minutes. Against the emulator (its default
# world) the hosts are k8s-1.12.3-k8s-canal-worker-1 to -3 and openapi-cluster-openapi-worker-1 to -3,
# in the groups kce_cluster_k8s_1_12_3, kce_cluster_openapi_cluster, kce_worker, cn_beijing_6b,
# cn_beijing_6 and type_I3_4B.
#
# Credentials, region and endpoint come from the KSYUN_* environment variables; they may be set here
# instead, as templates, for example
#   access_key: "{{ lookup('ansible.builtin.env', 'MY_KSYUN_AK') }}"
#   secret_key: "{{ lookup('ansible.builtin.env', 'MY_KSYUN_SK') }}"
# The smallest inventory file is the plugin line alone: every node of the region of KSYUN_REGION.
# hostvars: full gives each host every field of its node (ksyun_image_id, ksyun_vpc_id, ...).
plugin: ksyun.cloud.kce
regions: [cn-beijing-6, cn-shanghai-2]
clusters: [openapi-cluster, c4d64fa0-0ee2-409a-b003-xxxxxx]
node_roles: [Worker]
instance_status: [normal]
hostnames:
  - ksyun_cluster_name ~ '-' ~ ksyun_instance_name
  - instance_id
keyed_groups:
  - key: ksyun_instance_type
    prefix: type
compose:
  ansible_user: "'root'"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ksyun-kce
cache_timeout: 600
"""

import datetime
import difflib
import gc
import re

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.ksyun.cloud.plugins.module_utils import _client
from ansible_collections.ksyun.cloud.plugins.module_utils._config import (
    CLIENT_OPTIONS, ENV_VARS, check_common_options, client_from_params)
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import creation_time
from ansible_collections.ksyun.cloud.plugins.plugin_utils import _kce_nodes

NAME = "ksyun.cloud.kce"
SUFFIXES = ("kce.yml", "kce.yaml")
KEYWORDS = ("instance_name", "private_ip", "instance_id")
#: the client options that may be Jinja templates
TEMPLATED = ("access_key", "secret_key", "region", "endpoint_url")
PARAS = ("KecInstancePara", "EpcInstancePara")
PREFIX_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)?$")
MAX_CONCURRENCY = 64
#: the cached data's layout; another value is a cache miss
CACHE_FORMAT = 1


def role_group(role):
    return "kce_" + role.lower()


def created(cluster):
    """How a cluster sorts among those of the same group name: by CreateTime (the oldest keeps the
    group), a cluster without a readable one last; then by id, so the choice never depends on the API's order
    (the order of the resource modules' racing-run survivor)."""
    when = creation_time(cluster.get("CreateTime"))
    return (when is None, when or datetime.datetime.min, str(cluster.get("ClusterId")))


def node_address(node):
    """The node's private IP: its KecInstancePara's, or the first NIC's (EPC nodes have no top-level IP)."""
    para = node.get("KecInstancePara") or node.get("EpcInstancePara") or {}
    if para.get("PrivateIpAddress"):
        return para["PrivateIpAddress"]
    for nic in para.get("NetworkInterfaceSet") or []:
        if nic.get("PrivateIpAddress"):
            return nic["PrivateIpAddress"]
    return None


def lean_vars(prefix, region, cluster, node):
    para = node.get("KecInstancePara") or node.get("EpcInstancePara") or {}
    return {
        prefix + "instance_id": node.get("InstanceId"),
        prefix + "instance_name": node.get("InstanceName"),
        prefix + "instance_role": node.get("InstanceRole"),
        prefix + "instance_status": node.get("InstanceStatus"),
        prefix + "private_ip_address": node_address(node),
        prefix + "instance_type": para.get("InstanceType"),
        prefix + "availability_zone": para.get("AvailabilityZone"),
        prefix + "cluster_id": cluster.get("ClusterId"),
        prefix + "cluster_name": cluster.get("ClusterName"),
        prefix + "k8s_version": cluster.get("K8sVersion"),
        prefix + "region": region,
    }


class Snake:
    """camel_dict_to_snake_dict that converts each distinct key once (with camel_dict_to_snake_dict):
    10,000 nodes repeat the same thirty keys, and converting them is most of the cost otherwise."""

    def __init__(self):
        self.keys = {}

    def key(self, name):
        if name not in self.keys:
            self.keys[name] = next(iter(camel_dict_to_snake_dict({name: None})))
        return self.keys[name]

    def __call__(self, value):
        if isinstance(value, dict):
            return dict((self.key(k), self(v)) for k, v in value.items())
        if isinstance(value, list):
            return [self(v) for v in value]
        return value


def full_vars(prefix, lean, node, snake):
    """Every node field in snake_case under `prefix`, the Kec/EpcInstancePara fields at the top, then `lean`."""
    out = {}
    for key in PARAS:
        if isinstance(node.get(key), dict):
            out.update(snake(node[key]))
    out.update(snake(dict((k, v) for k, v in node.items() if k not in PARAS)))
    out = dict((prefix + k, v) for k, v in out.items())
    out.update(lean)
    return out


def compile_once(templar):
    """Make `templar` compile each template text once (ansible-core compiles it on every evaluation,
    which costs about as much as the evaluation itself: per host, that is seconds at 10,000 hosts).

    Best effort: an ansible-core without these internals simply keeps compiling every time.
    """
    engine = getattr(templar, "_engine", None)
    for name in ("_compile_expression", "_compile_template"):
        compile_ = getattr(engine, name, None)
        if compile_ is None or getattr(compile_, "compiled_once", False):
            continue
        setattr(engine, name, _memoised(compile_))


def _memoised(compile_):
    compiled = {}

    def once(template, options):
        try:
            key = (str(template), options)
            hash(key)
        except TypeError:
            return compile_(template, options)
        if key not in compiled:
            compiled[key] = compile_(template, options)
        return compiled[key]
    once.compiled_once = True
    return once


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = NAME

    def verify_file(self, path):
        if not super().verify_file(path):
            return False
        if path.endswith(SUFFIXES):
            return True
        self.display.vvv("%s: skipping %s: the inventory file name must end in %s" % (NAME, path, " or ".join(SUFFIXES)))
        return False

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._unknown_options(path, self._read_config_data(path))
        settings = self._settings()
        # The answers and the hosts built from them are millions of long-lived objects: the cyclic
        # garbage collector would walk them again and again while they are made (a third of the time
        # at 10,000 hosts with hostvars full) and has nothing to collect among them.
        collecting = gc.isenabled()
        gc.disable()
        try:
            data = self._data(path, cache, settings)
            self._populate(data, settings)
        finally:
            if collecting:
                gc.enable()

    # ---------------------------------------------------------------------------------- options

    def _unknown_options(self, path, config):
        """Warn about each key of the file that is no option (Ansible ignores it without a word)."""
        known = sorted(self._options)
        for key in config:
            if key in self._options:
                continue
            close = difflib.get_close_matches(str(key), known, n=1)
            self.display.warning("%s: %s: unknown option %r ignored%s" % (
                NAME, path, key, "; did you mean %r?" % close[0] if close else
                " (ansible-doc -t inventory %s lists the options)" % NAME))

    def _templated(self, name):
        value = self.get_option(name)
        if isinstance(value, str):
            value = self.templar.template(value)
        return value

    def _settings(self):
        """The checked options (AnsibleParserError naming the option and the rule, before any API call)."""
        if not _client.HAS_REQUESTS:
            raise AnsibleParserError("%s: the Python library 'requests' is required on the controller" % NAME)
        params = dict((name, self._templated(name)) for name in TEMPLATED)
        params.update((name, self.get_option(name)) for name in CLIENT_OPTIONS if name not in TEMPLATED)
        regions = [self.templar.template(r) if isinstance(r, str) else r for r in self.get_option("regions") or []]
        regions = [str(r).strip() for r in regions if r is not None and str(r).strip()]
        if not regions and params.get("region"):
            regions = [str(params["region"]).strip()]
        if not regions:
            raise AnsibleParserError(f"{NAME}: missing required option regions (or region): set it in the inventory "
                                     f"file or in the {ENV_VARS['region']} environment variable")
        problem = check_common_options(dict(params, region=regions[0]), where="the inventory file")
        if problem is not None:
            raise AnsibleParserError("%s: %s" % (NAME, problem))
        prefix = self.get_option("hostvar_prefix") or ""
        cluster_prefix = self.get_option("cluster_group_prefix") or ""
        for option, value in (("hostvar_prefix", prefix), ("cluster_group_prefix", cluster_prefix)):
            if not PREFIX_RE.match(value):
                raise AnsibleParserError("%s: %s must be empty or a letter or _ followed by letters, digits "
                                         "and _, got %r" % (NAME, option, value))
        concurrency = self.get_option("max_concurrency")
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise AnsibleParserError("%s: max_concurrency must be between 1 and %d, got %d"
                                     % (NAME, MAX_CONCURRENCY, concurrency))
        hostnames = [h for h in (self.get_option("hostnames") or []) if h and str(h).strip()]
        if not hostnames:
            raise AnsibleParserError("%s: hostnames must hold at least one entry (%s or a Jinja expression)"
                                     % (NAME, ", ".join(KEYWORDS)))
        problem = _client.endpoint_problem(params.get("endpoint_url"), regions[0])
        if problem is not None:
            raise AnsibleParserError(f"{NAME}: {problem}")
        return dict(
            params=params, regions=list(dict.fromkeys(regions)), prefix=prefix, cluster_prefix=cluster_prefix,
            hostnames=hostnames,
            clusters=[str(c) for c in self.get_option("clusters") or []],
            node_roles=list(self.get_option("node_roles") or []),
            instance_status=set(str(s).lower() for s in self.get_option("instance_status") or []),
            ansible_host=self.get_option("ansible_host_source"), hostvars=self.get_option("hostvars"),
            max_concurrency=concurrency, strict_permissions=self.get_option("strict_permissions"),
            strict=self.get_option("strict"), compose=self.get_option("compose") or {},
            groups=self.get_option("groups") or {}, keyed_groups=self.get_option("keyed_groups") or [],
            debug=self.get_option("debug_api_calls"),
        )

    # ------------------------------------------------------------------------------ API or cache

    @staticmethod
    def _query(settings):
        """What the raw answers depend on: a cached copy of other answers is not used."""
        p = settings["params"]
        return {"format": CACHE_FORMAT, "access_key": p["access_key"], "endpoint_url": p.get("endpoint_url") or "",
                "regions": settings["regions"], "clusters": settings["clusters"], "node_roles": settings["node_roles"]}

    def _data(self, path, cache, settings):
        query = self._query(settings)
        use_cache = self.get_option("cache")
        update = use_cache and not cache
        if use_cache and cache:
            key = self.get_cache_key(path)
            try:
                data = self._cache[key]
            except KeyError:
                data = None
            if isinstance(data, dict) and data.get("query") == query:
                self.display.vvv("%s: %s from the cache, no API call" % (NAME, path))
                return data
            update = True
        data = self._fetch(settings, query)
        if update and not data.get("incomplete"):
            self._cache[self.get_cache_key(path)] = data
        return data

    def _fetch(self, settings, query):
        params = settings["params"]

        def make_client(region, session, budget):
            return client_from_params(dict(params, region=region), session=session, budget=budget)

        try:
            result = _kce_nodes.fetch(make_client, settings["regions"], clusters=settings["clusters"],
                                      node_roles=settings["node_roles"], max_concurrency=settings["max_concurrency"],
                                      strict=settings["strict_permissions"])
        except _kce_nodes.FetchError as err:
            raise AnsibleError("%s: %s" % (NAME, err))
        self._report(result, settings)
        data = {"query": query, "regions": result["regions"]}
        if result["skipped"]:
            # an incomplete inventory is not cached: the next run tries again
            return dict(data, incomplete=True)
        return data

    def _report(self, result, settings):
        if result["skipped"]:
            self.display.warning("%s: left out after API errors (strict_permissions is false): %s"
                                 % (NAME, "; ".join(str(e) for e in result["skipped"])))
        for region, cluster_id in result["unsettled"]:
            what = "the cluster list of region %s" % region if cluster_id is None else \
                "the node list of cluster %s in region %s" % (cluster_id, region)
            self.display.warning("%s: %s changed while it was read %d times; the inventory holds the last "
                                 "reading" % (NAME, what, _kce_nodes.LIST_ATTEMPTS))
        if settings["debug"]:
            counts = {}
            for action in result["calls"]:
                counts[action] = counts.get(action, 0) + 1
            self.display.vvv("%s: %d API calls (%s), %d round trips on the critical path, %d retries, %.2f s"
                             % (NAME, len(result["calls"]), ", ".join("%s %d" % kv for kv in counts.items()),
                                result["round_trips"], result["retries"], result["seconds"]))

    # ------------------------------------------------------------------------------ inventory

    def _populate(self, data, settings):
        templates = settings["compose"] or settings["groups"] or settings["keyed_groups"]
        template_vars = templates or any(h not in KEYWORDS for h in settings["hostnames"])
        full = settings["hostvars"] == "full"
        if template_vars:
            compile_once(self.templar)
        self._taken = {}
        self._renamed = []
        # group name -> (what made it first: a cluster, role, zone, region or groups/keyed_groups, the name);
        # a name made by a second source is reported, never merged silently
        self._made = {}
        self._merged = {}
        snake = Snake()
        add_group = self.inventory.add_group
        cluster_groups = self._cluster_groups(data, settings["cluster_prefix"])

        safe = {}

        def group(name, source):
            if name not in safe:
                safe[name] = self._sanitize_group_name(name)
            name = safe[name]
            made = self._made.get(name)
            if made is None:
                made = self._made[name] = (source, add_group(name))
            elif made[0] != source:
                sources = self._merged.setdefault(name, [made[0]])
                if source not in sources:
                    sources.append(source)
            return made[1]

        def constructed(name):
            # compose's groups and keyed_groups add their groups through inventory.add_group
            return group(name, "groups/keyed_groups")

        self.inventory.add_group = constructed
        try:
            self._add_hosts(data, settings, group, cluster_groups, snake, templates, template_vars, full)
        finally:
            del self.inventory.add_group
        if self._merged:
            self.display.warning("%s: group names made by more than one source, their hosts merged: %s" % (
                NAME, "; ".join("%s (%s)" % (name, ", ".join(sources)) for name, sources in self._merged.items())))
        if self._renamed:
            self.display.v("%s: %d nodes were named by a later hostnames entry, their first one being another "
                           "node's name: %s" % (NAME, len(self._renamed), ", ".join(self._renamed)))

    def _cluster_groups(self, data, prefix):
        """{cluster id: group name}: the prefix and the cluster's name; of clusters whose names make the same
        group the oldest keeps it and each other one gets its id appended (and a warning names them)."""
        wanted = {}
        for entry in data.get("regions") or []:
            for cluster in entry.get("clusters") or []:
                name = self._sanitize_group_name(prefix + str(cluster.get("ClusterName") or cluster.get("ClusterId")))
                wanted.setdefault(name, []).append((entry["region"], cluster))
        out, shared = {}, []
        for name, clusters in wanted.items():
            clusters.sort(key=lambda rc: created(rc[1]))
            out[clusters[0][1].get("ClusterId")] = name
            for region, cluster in clusters[1:]:
                out[cluster.get("ClusterId")] = self._sanitize_group_name("%s_%s" % (name, cluster.get("ClusterId")))
            if len(clusters) > 1:
                shared.append("%s: %s" % (name, ", ".join(
                    "%s (%s in %s) -> %s" % (c.get("ClusterName"), c.get("ClusterId"), r, out[c.get("ClusterId")])
                    for r, c in clusters)))
        if shared:
            self.display.warning("%s: clusters whose names make the same group; the oldest keeps it, the others "
                                 "get their cluster id: %s" % (NAME, "; ".join(shared)))
        return out

    def _add_hosts(self, data, settings, group, cluster_groups, snake, templates, template_vars, full):
        prefix = settings["prefix"]
        statuses = settings["instance_status"]
        for entry in data.get("regions") or []:
            region = entry["region"]
            region_group = group(region, "region " + region)
            for cluster in entry.get("clusters") or []:
                ident = cluster.get("ClusterId")
                cluster_group = group(cluster_groups[ident], "cluster %s (%s)" % (cluster.get("ClusterName"), ident))
                for node in (entry.get("nodes") or {}).get(ident) or []:
                    if statuses and str(node.get("InstanceStatus")).lower() not in statuses:
                        continue
                    lean = lean_vars(prefix, region, cluster, node)
                    variables = full_vars(prefix, lean, node, snake) if full or template_vars else lean
                    address = self._address(settings["ansible_host"], node)
                    if address:
                        lean["ansible_host"] = variables["ansible_host"] = address
                    host = self._hostname(settings, node, region, lean, variables)
                    self.inventory.add_host(host, group=cluster_group)
                    self.inventory.add_child(region_group, host)
                    role = node.get("InstanceRole")
                    if role:
                        self.inventory.add_child(group(role_group(role), "node role " + role), host)
                    zone = lean[prefix + "availability_zone"]
                    if zone:
                        self.inventory.add_child(group(zone, "availability zone " + zone), host)
                    for name, value in (variables if full else lean).items():
                        self.inventory.set_variable(host, name, value)
                    if templates:
                        self._construct(settings, host, variables)

    @staticmethod
    def _address(source, node):
        if source == "private_ip":
            return node_address(node)
        if source == "instance_name":
            return node.get("InstanceName")
        return None

    def _hostname(self, settings, node, region, lean, variables):
        """The first free name of the hostnames preference, else the instance id (with the region if taken)."""
        ident = node.get("InstanceId")
        first = None
        for entry in settings["hostnames"]:
            if entry == "instance_name":
                name = node.get("InstanceName")
            elif entry == "private_ip":
                name = lean[settings["prefix"] + "private_ip_address"]
            elif entry == "instance_id":
                name = ident
            else:
                try:
                    name = self._compose(entry, variables)
                except Exception as exc:
                    if settings["strict"]:
                        raise AnsibleError("%s: could not name node %s with %r: %s" % (NAME, ident, entry, exc))
                    continue
            name = str(name).strip() if name is not None else ""
            if not name:
                continue
            first = first or name
            if self._take(name, region, ident):
                break
        else:
            name = ident if self._take(ident, region, ident) else "%s_%s" % (ident, region)
        if first is not None and name != first:
            self._renamed.append("%s (%s)" % (name, first))
        return name

    def _take(self, name, region, ident):
        return self._taken.setdefault(name, (region, ident)) == (region, ident)

    def _construct(self, settings, host, variables):
        strict = settings["strict"]
        self._set_composite_vars(settings["compose"], variables, host, strict=strict)
        # after compose, the groups also see the composed variables (the host's own)
        fetch = bool(settings["compose"])
        self._add_host_to_composed_groups(settings["groups"], variables, host, strict=strict, fetch_hostvars=fetch)
        self._add_host_to_keyed_groups(settings["keyed_groups"], variables, host, strict=strict, fetch_hostvars=fetch)
