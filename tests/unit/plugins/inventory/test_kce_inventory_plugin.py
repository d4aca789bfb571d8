# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ksyun.cloud.kce inventory plugin against the in-process emulator: file names, options and
their errors (before any API call), groups, host variables, hostnames, compose/groups/keyed_groups,
filters, regions, strict_permissions, the cache, the debug line."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys
import textwrap

import pytest

import kce_world

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.ksyun.cloud.plugins.module_utils._config import check_common_options

BJ, SH = "cn-beijing-6", "cn-shanghai-2"
LEAN = ["instance_id", "instance_name", "instance_role", "instance_status", "private_ip_address", "instance_type",
        "availability_zone", "cluster_id", "cluster_name", "k8s_version", "region"]

# the plugin's module as the plugin loader imports it (tests/conftest.py set the loader up)
kce_inventory = sys.modules[inventory_loader.get("ksyun.cloud.kce", class_only=True).__module__]


class Recorder(object):
    """Stands in for the plugin's Display: keeps (level, message)."""

    def __init__(self):
        self.messages = []

    def __getattr__(self, level):
        return lambda msg, *args, **kwargs: self.messages.append((level, msg))

    def said(self, level):
        return [m for lvl, m in self.messages if lvl == level]


@pytest.fixture(scope="module")
def world():
    """Beijing: alpha (6 nodes, zone b) and "beta prod" (5 nodes, zone a) whose nodes share names
    (dup-master-N, dup-worker-N), gamma (4 nodes, API default names, N3.2B, zone c); Shanghai: sh-one (4)."""
    with kce_world.emulator((BJ, SH)) as emu:
        bj = kce_world.client(emu, BJ)
        emu.ids = {
            "alpha": kce_world.create_clusters(bj, 1, 6, name="alpha", start=0, instance_name="dup")[0],
            "beta prod": kce_world.create_clusters(bj, 1, 5, name="beta prod", start=1, instance_name="dup")[0],
            "gamma": kce_world.create_clusters(bj, 1, 4, name="gamma", start=2, instance_type="N3.2B")[0],
            "sh-one": kce_world.create_clusters(kce_world.client(emu, SH), 1, 4, name="sh-one")[0],
        }
        yield emu


def point_at(emulator, monkeypatch):
    """The KSYUN_* variables of `emulator` (region Beijing), and no other."""
    for name in list(os.environ):
        if name.startswith("KSYUN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KSYUN_ACCESS_KEY", emulator.access_key)
    monkeypatch.setenv("KSYUN_SECRET_KEY", emulator.secret_key)
    monkeypatch.setenv("KSYUN_REGION", BJ)
    monkeypatch.setenv("KSYUN_ENDPOINT_URL", emulator.url)


@pytest.fixture
def emu(world, monkeypatch):
    point_at(world, monkeypatch)
    world.clear_faults()
    world.clear_requests()
    yield world
    world.clear_faults()


class Run(object):
    def __init__(self, inventory, plugin):
        self.inventory = inventory
        self.plugin = plugin
        self.display = plugin.display

    @property
    def hosts(self):
        return self.inventory.hosts

    def vars(self, host):
        return self.inventory.hosts[host].vars

    def group(self, name):
        return sorted(h.name for h in self.inventory.groups[name].hosts)

    def by_id(self, instance_id, prefix="ksyun_"):
        return [h for h, o in self.inventory.hosts.items() if o.vars.get(prefix + "instance_id") == instance_id]


def parse(tmp_path, config="", name="test.kce.yml", cache=True):
    path = tmp_path / name
    path.write_text("plugin: ksyun.cloud.kce\n" + textwrap.dedent(config))
    plugin = inventory_loader.get("ksyun.cloud.kce")
    plugin.display = Recorder()
    inventory = InventoryData()
    plugin.parse(inventory, DataLoader(), str(path), cache=cache)
    return Run(inventory, plugin)


def names_of(run, host):
    return {k: v for k, v in run.vars(host).items() if k not in ("inventory_file", "inventory_dir")}


# ---------------------------------------------------------------------------------- file names

def verify(tmp_path, name, create=True):
    """(verify_file's answer, what the plugin said) for a file `name`."""
    path = tmp_path / name
    if create:
        path.write_text("plugin: ksyun.cloud.kce\n")
    plugin = inventory_loader.get("ksyun.cloud.kce")
    plugin.display = Recorder()
    return plugin.verify_file(str(path)), plugin.display


@pytest.mark.parametrize("name", ["kce.yml", "kce.yaml", "prod.kce.yml", "my_kce.yaml"])
def test_files_named_kce_yml_or_yaml_are_accepted(tmp_path, name):
    accepted, display = verify(tmp_path, name)
    assert accepted is True and display.messages == []


@pytest.mark.parametrize("name", ["inventory.yml", "kce.json", "kce.yml.bak", "kce_yml"])
def test_other_files_are_declined_saying_why_at_vvv(tmp_path, name):
    accepted, display = verify(tmp_path, name)
    assert accepted is False
    assert display.said("vvv") == [
        "ksyun.cloud.kce: skipping %s: the inventory file name must end in kce.yml or kce.yaml" % (tmp_path / name)]


def test_a_missing_file_is_declined(tmp_path):
    assert verify(tmp_path, "gone.kce.yml", create=False)[0] is False


# ------------------------------------------------------------------------------ the default run

def test_default_run_every_node_with_lean_vars_and_the_default_groups(emu, tmp_path):
    run = parse(tmp_path)
    assert len(run.hosts) == 15                              # the default regions: the configured one
    assert run.group("kce_cluster_alpha") and len(run.group("kce_cluster_alpha")) == 6
    assert len(run.group("kce_cluster_beta_prod")) == 5 and len(run.group("kce_cluster_gamma")) == 4
    assert len(run.group("kce_master_etcd")) == 9 and len(run.group("kce_worker")) == 6
    assert len(run.group("cn_beijing_6")) == 15
    assert (len(run.group("cn_beijing_6b")), len(run.group("cn_beijing_6a")), len(run.group("cn_beijing_6c"))) \
        == (6, 5, 4)
    host = run.group("kce_cluster_alpha")[0]
    values = names_of(run, host)
    assert sorted(values) == sorted(["ansible_host"] + ["ksyun_" + k for k in LEAN])
    assert values["ansible_host"] == values["ksyun_private_ip_address"]
    assert values["ksyun_cluster_name"] == "alpha" and values["ksyun_cluster_id"] == emu.ids["alpha"]
    assert values["ksyun_region"] == BJ and values["ksyun_k8s_version"] == "v1.15.5"
    assert values["ksyun_instance_status"] == "normal" and values["ksyun_instance_type"] == "I3.4B"
    assert values["ksyun_availability_zone"] == "cn-beijing-6b"
    assert run.display.said("warning") == [] and run.display.said("deprecated") == []


def test_hostvars_full_adds_every_node_field_in_snake_case(emu, tmp_path):
    run = parse(tmp_path, "hostvars: full\nclusters: [gamma]\n")
    host = run.group("kce_cluster_gamma")[0]
    values = names_of(run, host)
    assert set("ksyun_" + k for k in LEAN) < set(values)
    assert values["ksyun_image_id"] and values["ksyun_vpc_id"] and values["ksyun_subnet_id"]
    assert values["ksyun_instance_configure"]["vcpu"] == 2 and values["ksyun_instance_configure"]["memory_gb"] == 4
    assert values["ksyun_network_interface_set"][0]["private_ip_address"] == values["ksyun_private_ip_address"]
    assert values["ksyun_system_disk"] == {"disk_type": "Local_SSD", "disk_size": 20}
    assert "ksyun_kec_instance_para" not in values


@pytest.mark.parametrize("prefix, key", [("kce_", "kce_instance_id"), ("", "instance_id"), ("_x9", "_x9instance_id")])
def test_hostvar_prefix(emu, tmp_path, prefix, key):
    run = parse(tmp_path, "hostvar_prefix: '%s'\nclusters: [gamma]\n" % prefix)
    values = names_of(run, run.group("kce_cluster_gamma")[0])
    assert key in values and "ksyun_instance_id" not in values
    assert len(values) == len(LEAN) + 1


@pytest.mark.parametrize("source, expected", [("instance_name", "ksyun_instance_name"), ("none", None)])
def test_ansible_host_source(emu, tmp_path, source, expected):
    run = parse(tmp_path, "ansible_host_source: %s\nclusters: [gamma]\n" % source)
    values = names_of(run, run.group("kce_cluster_gamma")[0])
    assert values.get("ansible_host") == (values[expected] if expected else None)


# ---------------------------------------------------------------------------------- hostnames

def test_hostnames_default_prefers_the_instance_name_then_the_private_ip(emu, tmp_path):
    run = parse(tmp_path)
    assert run.group("kce_cluster_alpha") == sorted(["dup-master-1", "dup-master-2", "dup-master-3",
                                                     "dup-worker-1", "dup-worker-2", "dup-worker-3"])
    # beta's nodes have the same names as alpha's: they are named by their private IP, none is lost
    beta = run.group("kce_cluster_beta_prod")
    assert all(run.vars(h)["ksyun_private_ip_address"] == h for h in beta)
    assert len(set(run.group("kce_cluster_alpha")) | set(beta)) == 11
    said = run.display.said("v")
    assert len(said) == 1 and said[0].startswith(
        "ksyun.cloud.kce: 5 nodes were named by a later hostnames entry, their first one being another node's name: ")
    for host in beta:
        assert "%s (%s)" % (host, run.vars(host)["ksyun_instance_name"]) in said[0]


def test_hostnames_instance_id_only(emu, tmp_path):
    run = parse(tmp_path, "hostnames: [instance_id]\n")
    assert all(run.vars(h)["ksyun_instance_id"] == h for h in run.hosts)
    assert len(run.hosts) == 15


def test_hostnames_jinja_expression_over_every_field_even_lean(emu, tmp_path):
    run = parse(tmp_path, """\
        hostnames:
          - ksyun_cluster_name ~ '-' ~ ksyun_instance_name ~ '-' ~ ksyun_vpc_id[:4]
        clusters: [alpha, beta prod]
        """)
    assert "alpha-dup-master-1-31e2" in run.hosts and "beta prod-dup-master-1-31e2" in run.hosts
    assert len(run.hosts) == 11
    assert "ksyun_vpc_id" not in run.vars("alpha-dup-master-1-31e2")   # seen by templates, not stored


def test_hostnames_jinja_that_fails_falls_to_the_next_entry_unless_strict(emu, tmp_path):
    run = parse(tmp_path, "hostnames: [no_such_var ~ 'x', instance_id]\nclusters: [gamma]\n")
    assert all(run.vars(h)["ksyun_instance_id"] == h for h in run.hosts) and len(run.hosts) == 4
    with pytest.raises(AnsibleError, match="could not name node .* with \"no_such_var ~ 'x'\": 'no_such_var' is undefined"):
        parse(tmp_path, "hostnames: [no_such_var ~ 'x', instance_id]\nclusters: [gamma]\nstrict: true\n")


def test_hostnames_empty_names_fall_through(emu, tmp_path):
    run = parse(tmp_path, "hostnames: [\"''\", instance_name]\nclusters: [gamma]\n")
    assert sorted(run.hosts) == sorted(run.vars(h)["ksyun_instance_name"] for h in run.hosts)


# ------------------------------------------------------------------- compose, groups, keyed_groups

def test_compose_groups_and_keyed_groups(emu, tmp_path):
    run = parse(tmp_path, """\
        compose:
          ansible_user: "'root'"
          node_cores: ksyun_instance_configure.vcpu
        groups:
          workers: ksyun_instance_role == 'Worker'
          big: node_cores | int > 2
        keyed_groups:
          - key: ksyun_instance_type
            prefix: type
          - key: ksyun_subnet_id[:4]
            prefix: subnet
            parent_group: subnets
        """)
    host = run.group("kce_cluster_gamma")[0]
    # a number up to ansible-core 2.18 comes out of a template as its text, from 2.19 as the number
    assert run.vars(host)["ansible_user"] == "root" and str(run.vars(host)["node_cores"]) == "2"
    assert run.group("workers") == run.group("kce_worker")
    assert len(run.group("big")) == 11                       # I3.4B has 4 cores, gamma's N3.2B 2
    assert run.group("type_N3_2B") == run.group("kce_cluster_gamma")
    assert len(run.group("type_I3_4B")) == 11
    assert sorted(g.name for g in run.inventory.groups["subnets"].child_groups) == \
        ["subnet_0d1e", "subnet_7e23", "subnet_f2ac"]
    assert "ksyun_subnet_id" not in run.vars(host)           # lean: templates see it, hosts don't hold it


@pytest.mark.parametrize("leading, group", [(True, "_N3_2B"), (False, "N3_2B")])
def test_keyed_groups_without_prefix_honour_leading_separator(emu, tmp_path, leading, group):
    run = parse(tmp_path, "clusters: [gamma]\nleading_separator: %s\nkeyed_groups:\n  - key: ksyun_instance_type\n" % leading)
    assert run.group(group) == run.group("kce_cluster_gamma")


def test_templates_are_compiled_once_not_per_host(emu, tmp_path, monkeypatch):
    compiled = []
    original = kce_inventory.compile_once

    engines = []

    def counting(templar):
        # the template engine of ansible-core 2.19+; before it there is nothing to memoise and
        # compile_once must leave the templar as it is
        engine = getattr(templar, "_engine", None)
        engines.append(engine)
        if engine is not None:
            inner = engine._compile_expression
            engine._compile_expression = lambda template, options: compiled.append(str(template)) or inner(template, options)
        original(templar)
    monkeypatch.setattr(kce_inventory, "compile_once", counting)
    run = parse(tmp_path, "compose:\n  x: ksyun_instance_name ~ '!'\nkeyed_groups:\n  - key: ksyun_instance_role\n")
    assert len(run.hosts) == 15
    assert run.vars("dup-master-1")["x"] == "dup-master-1!"
    assert engines
    assert sorted(compiled) == ([] if engines[0] is None else ["ksyun_instance_name ~ '!'", "ksyun_instance_role"])


# ------------------------------------------------------------------------ group names and sources

@pytest.fixture(scope="module")
def tricky():
    """Clusters named like other groups. Beijing: kce-worker, cn-shanghai-2 (a region's name), twin (the
    older twin), prod-a and, a minute later, prod_a; Shanghai: edge and, a minute after Beijing's, twin."""
    with kce_world.emulator((BJ, SH)) as emu:
        bj, sh = kce_world.client(emu, BJ), kce_world.client(emu, SH)
        ids = {}
        for name in ("kce-worker", "cn-shanghai-2", "twin", "prod-a"):
            ids[name] = kce_world.create_clusters(bj, 1, 4, name=name)[0]
        ids["edge"] = kce_world.create_clusters(sh, 1, 4, name="edge")[0]
        emu.advance(60)
        ids["prod_a"] = kce_world.create_clusters(bj, 1, 4, name="prod_a")[0]
        ids["sh twin"] = kce_world.create_clusters(sh, 1, 4, name="twin")[0]
        emu.ids = ids
        yield emu


@pytest.fixture
def odd(tricky, monkeypatch):
    point_at(tricky, monkeypatch)
    return tricky


def cluster_of(run, host):
    return run.vars(host)["ksyun_cluster_name"]


def test_cluster_groups_never_are_role_or_region_groups(odd, tmp_path):
    run = parse(tmp_path, "regions: [%s, %s]\nclusters: [kce-worker, cn-shanghai-2, edge]\n" % (BJ, SH))
    # hosts: kce_worker runs on workers only, never on the masters of a cluster named kce-worker
    assert len(run.group("kce_worker")) == 3
    assert all(run.vars(h)["ksyun_instance_role"] == "Worker" for h in run.group("kce_worker"))
    assert len(run.group("kce_cluster_kce_worker")) == 4
    assert set(cluster_of(run, h) for h in run.group("kce_cluster_kce_worker")) == {"kce-worker"}
    # the Shanghai region's group holds Shanghai's nodes only, not those of a Beijing cluster named cn-shanghai-2
    assert len(run.group("cn_shanghai_2")) == 4
    assert all(run.vars(h)["ksyun_region"] == SH for h in run.group("cn_shanghai_2"))
    assert all(run.vars(h)["ksyun_region"] == BJ for h in run.group("kce_cluster_cn_shanghai_2"))
    assert len(run.group("kce_cluster_cn_shanghai_2")) == 4
    assert run.display.said("warning") == []
    assert "add_group" not in vars(run.inventory)            # the inventory is left as it was given


def test_cluster_group_prefix_is_configurable(odd, tmp_path):
    run = parse(tmp_path, "clusters: [edge]\nregions: [%s]\ncluster_group_prefix: k8s_\n" % SH)
    assert len(run.group("k8s_edge")) == 4 and "kce_cluster_edge" not in run.inventory.groups


def test_an_empty_prefix_warns_about_each_group_made_by_two_sources(odd, tmp_path):
    run = parse(tmp_path, "regions: [%s, %s]\nclusters: [kce-worker, cn-shanghai-2, edge]\ncluster_group_prefix: ''\n"
                % (BJ, SH))
    assert len(run.group("kce_worker")) == 4 + 2              # the cluster kce-worker and the other Workers: merged
    warnings = run.display.said("warning")
    assert warnings == ["ksyun.cloud.kce: group names made by more than one source, their hosts merged: "
                        "kce_worker (cluster kce-worker (%s), node role Worker); "
                        "cn_shanghai_2 (cluster cn-shanghai-2 (%s), region cn-shanghai-2)"
                        % (odd.ids["kce-worker"], odd.ids["cn-shanghai-2"])]


def test_groups_and_keyed_groups_named_like_the_plugins_groups_are_warned_about(odd, tmp_path):
    run = parse(tmp_path, """\
        regions: [%s]
        clusters: [edge]
        groups:
          kce_worker: ksyun_instance_role == 'Master_Etcd'
          masters: ksyun_instance_role == 'Master_Etcd'
        keyed_groups:
          - key: ksyun_cluster_name
            prefix: kce_cluster
        """ % SH)
    assert len(run.group("kce_worker")) == 4 and len(run.group("masters")) == 3
    warnings = run.display.said("warning")
    assert warnings == ["ksyun.cloud.kce: group names made by more than one source, their hosts merged: "
                        "kce_cluster_edge (cluster edge (%s), groups/keyed_groups); "
                        "kce_worker (groups/keyed_groups, node role Worker)" % odd.ids["edge"]]


def test_same_named_clusters_get_a_group_each_the_oldest_keeping_the_name(odd, tmp_path):
    # Shanghai is read first, but Beijing's twin is the older one: it keeps kce_cluster_twin
    run = parse(tmp_path, "regions: [%s, %s]\nclusters: [twin]\n" % (SH, BJ))
    older, newer = odd.ids["twin"], odd.ids["sh twin"]
    newer_group = "kce_cluster_twin_" + newer.replace("-", "_")
    assert all(run.vars(h)["ksyun_cluster_id"] == older for h in run.group("kce_cluster_twin"))
    assert all(run.vars(h)["ksyun_cluster_id"] == newer for h in run.group(newer_group))
    assert len(run.group("kce_cluster_twin")) == len(run.group(newer_group)) == 4
    assert run.display.said("warning") == [
        "ksyun.cloud.kce: clusters whose names make the same group; the oldest keeps it, the others get their "
        "cluster id: kce_cluster_twin: twin (%s in %s) -> kce_cluster_twin, twin (%s in %s) -> %s"
        % (older, BJ, newer, SH, newer_group)]


def test_names_that_sanitise_alike_are_told_apart_too(odd, tmp_path):
    run = parse(tmp_path, "regions: [%s]\nclusters: [prod_a, prod-a]\n" % BJ)
    assert set(cluster_of(run, h) for h in run.group("kce_cluster_prod_a")) == {"prod-a"}
    assert set(cluster_of(run, h) for h in run.group("kce_cluster_prod_a_" + odd.ids["prod_a"].replace("-", "_"))) \
        == {"prod_a"}
    said = run.display.said("warning")
    assert len(said) == 1 and "kce_cluster_prod_a: prod-a (%s in %s)" % (odd.ids["prod-a"], BJ) in said[0]


def test_clusters_sort_by_creation_time_whatever_its_zone_then_by_id():
    created = kce_inventory.created
    clusters = [{"ClusterId": "b", "CreateTime": "2019-09-10T03:00:00Z"},
                {"ClusterId": "d"},
                {"ClusterId": "a", "CreateTime": "2019-09-10T10:56:13+08:00"},     # 02:56:13 UTC: the oldest
                {"ClusterId": "c", "CreateTime": "not a time"},
                {"ClusterId": "e", "CreateTime": "2019-09-10T03:00:00"}]            # no zone: UTC
    assert [c["ClusterId"] for c in sorted(clusters, key=created)] == ["a", "b", "e", "c", "d"]


# ---------------------------------------------------------------------------- unknown options

@pytest.mark.parametrize("config, said", [
    ("regoins: [%s]\n" % SH, "unknown option 'regoins' ignored; did you mean 'regions'?"),
    ("hostname: [instance_id]\n", "unknown option 'hostname' ignored; did you mean 'hostnames'?"),
    ("keyed_group: []\n", "unknown option 'keyed_group' ignored; did you mean 'keyed_groups'?"),
    ("cluster_prefix: x_\n", "unknown option 'cluster_prefix' ignored; did you mean 'cluster_group_prefix'?"),
    ("zzzz: 1\n", "unknown option 'zzzz' ignored (ansible-doc -t inventory ksyun.cloud.kce lists the options)"),
])
def test_an_unknown_option_is_warned_about_with_the_closest_name(emu, tmp_path, config, said):
    run = parse(tmp_path, config + "clusters: [gamma]\n")
    assert run.display.said("warning") == ["ksyun.cloud.kce: %s: %s" % (tmp_path / "test.kce.yml", said)]
    assert len(run.hosts) == 4                               # ignored, as Ansible does: the run goes on


def test_an_unknown_options_warning_names_the_key_never_its_value(emu, tmp_path):
    run = parse(tmp_path, "secret_kye: Not-To-Be-Shown-42\nclusters: [gamma]\n")
    said = run.display.said("warning")
    assert len(said) == 1 and said[0].endswith("unknown option 'secret_kye' ignored; did you mean 'secret_key'?")
    assert "Not-To-Be-Shown-42" not in repr(run.display.messages)


# -------------------------------------------------------------------------------------- filters

def test_clusters_by_name_or_id(emu, tmp_path):
    run = parse(tmp_path, "clusters: [gamma, %s]\n" % emu.ids["alpha"])
    assert len(run.hosts) == 10 and "kce_cluster_beta_prod" not in run.inventory.groups
    calls = [r for r in emu.requests if r["action"] == "DescribeClusterInstance"]
    assert len(calls) == 2                                   # only the selected clusters are read


def test_node_roles_and_instance_status(emu, tmp_path):
    run = parse(tmp_path, "node_roles: [Worker]\ninstance_status: [NORMAL]\n")
    assert len(run.hosts) == 6 and sorted(run.hosts) == run.group("kce_worker")
    assert "kce_master_etcd" not in run.inventory.groups
    run = parse(tmp_path, "instance_status: [failed, building]\n")
    assert len(run.hosts) == 0


def test_two_regions_in_the_order_given(emu, tmp_path):
    run = parse(tmp_path, "regions: [%s, %s]\n" % (SH, BJ))
    assert len(run.hosts) == 19
    assert len(run.group("cn_shanghai_2")) == 4 and len(run.group("kce_cluster_sh_one")) == 4
    assert all(run.vars(h)["ksyun_region"] == SH for h in run.group("kce_cluster_sh_one"))
    assert len(run.group("cn_shanghai_2b")) == 4


# ------------------------------------------------------------------- options and their errors

@pytest.mark.parametrize("config, env, message", [
    ("", {"KSYUN_ACCESS_KEY": None}, "ksyun.cloud.kce: missing required option access_key: set it in the inventory "
                                     "file or in the KSYUN_ACCESS_KEY environment variable"),
    ("", {"KSYUN_SECRET_KEY": None}, "missing required option secret_key: set it in the inventory file or in the "
                                     "KSYUN_SECRET_KEY environment variable"),
    ("", {"KSYUN_REGION": None}, "missing required option regions (or region): set it in the inventory file or in "
                                 "the KSYUN_REGION environment variable"),
    ("endpoint_url: ftp://x\n", {}, "endpoint_url must start with http:// or https://, got ftp://x"),
    ("endpoint_url: 'http://'\n", {}, "endpoint_url must be an http:// or https:// URL with a host"),
    ("max_concurrency: 0\n", {}, "max_concurrency must be between 1 and 64, got 0"),
    ("max_concurrency: 65\n", {}, "max_concurrency must be between 1 and 64, got 65"),
    ("hostvar_prefix: ks-\n", {}, "hostvar_prefix must be empty or a letter or _ followed by letters, digits and _, "
                                  "got 'ks-'"),
    ("cluster_group_prefix: '1'\n", {}, "cluster_group_prefix must be empty or a letter or _ followed by "
                                        "letters, digits and _, got '1'"),
    ("hostnames: []\n", {}, "hostnames must hold at least one entry (instance_name, private_ip, instance_id or a "
                            "Jinja expression)"),
    ("timeout: 0\n", {}, "timeout must be at least 1 second, got 0"),
    ("max_retries: -1\n", {}, "max_retries must not be negative, got -1"),
])
def test_bad_options_fail_before_any_api_call(emu, tmp_path, monkeypatch, config, env, message):
    for name, value in env.items():
        monkeypatch.delenv(name)
    with pytest.raises(AnsibleParserError) as caught:
        parse(tmp_path, config)
    assert message in str(caught.value)
    assert emu.requests == []


@pytest.mark.parametrize("config, option", [
    ("node_roles: [worker]\n", "node_roles"), ("hostvars: fat\n", "hostvars"),
    ("ansible_host_source: public_ip\n", "ansible_host_source"), ("max_concurrency: many\n", "max_concurrency"),
])
def test_ansibles_option_checks_name_the_option(emu, tmp_path, config, option):
    with pytest.raises(AnsibleError) as caught:
        parse(tmp_path, config)
    assert option in str(caught.value)
    assert emu.requests == []


def test_credentials_may_be_templates_in_the_file(emu, tmp_path, monkeypatch):
    monkeypatch.delenv("KSYUN_ACCESS_KEY")
    monkeypatch.delenv("KSYUN_REGION")
    run = parse(tmp_path, """\
        access_key: "{{ '%s' | lower | upper }}"
        regions: ["{{ 'cn-shanghai-' ~ 2 }}"]
        """ % emu.access_key)
    assert len(run.hosts) == 4


def test_check_common_options_names_where_options_are_set():
    assert check_common_options({}) == ("missing required option access_key: set it in the task or in the "
                                        "KSYUN_ACCESS_KEY environment variable")
    assert check_common_options({}, where="the inventory file").endswith(
        "set it in the inventory file or in the KSYUN_ACCESS_KEY environment variable")


# ------------------------------------------------------------------------ strict_permissions

def test_strict_permissions_fails_on_an_api_error_naming_where(emu, tmp_path):
    with pytest.raises(AnsibleError) as caught:
        parse(tmp_path, "regions: [%s, cn-guangzhou-1]\n" % SH)
    assert str(caught.value).startswith("ksyun.cloud.kce: region cn-guangzhou-1: DescribeCluster failed: "
                                        "SignatureDoesNotMatch")
    assert emu.secret_key not in str(caught.value)


def test_not_strict_warns_once_and_leaves_out_what_failed(emu, tmp_path):
    emu.schedule_fault("DescribeClusterInstance", "unavailable", count=1)
    run = parse(tmp_path, "regions: [%s, cn-guangzhou-1]\nclusters: [gamma, alpha]\nstrict_permissions: false\n"
                          "max_retries: 0\n" % BJ)
    warnings = run.display.said("warning")
    assert len(warnings) == 1
    assert warnings[0].startswith("ksyun.cloud.kce: left out after API errors (strict_permissions is false): ")
    assert "region cn-guangzhou-1: DescribeCluster failed: SignatureDoesNotMatch" in warnings[0]
    assert "ServiceUnavailable" in warnings[0]
    assert len(run.hosts) in (4, 6)                              # one of the two clusters was left out
    assert sorted(set(run.vars(h)["ksyun_cluster_name"] for h in run.hosts)) in (["alpha"], ["gamma"])


# ---------------------------------------------------------------------------------------- cache

def cache_config(tmp_path, extra=""):
    return ("cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\ncache_timeout: 3600\n%s"
            % (tmp_path / "cache", extra))


def test_cache_stores_raw_answers_and_a_hit_makes_no_call(emu, tmp_path):
    first = parse(tmp_path, cache_config(tmp_path))
    made = len(emu.requests)
    assert made == 4 and len(first.hosts) == 15
    first.plugin.update_cache_if_changed()
    files = list((tmp_path / "cache").iterdir())
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    # compose and keyed_groups are evaluated again on the cached answers
    again = parse(tmp_path, cache_config(tmp_path, "keyed_groups:\n  - key: ksyun_instance_type\n    prefix: t\n"))
    again.plugin.update_cache_if_changed()
    assert len(emu.requests) == made
    assert sorted(again.hosts) == sorted(first.hosts)
    assert len(again.group("t_N3_2B")) == 4
    assert files[0].stat().st_mtime_ns == stamp                 # a hit leaves the cache's age alone
    assert again.display.said("vvv")[-1].endswith("from the cache, no API call")


def test_cache_is_refreshed_by_flush_and_by_another_selection(emu, tmp_path):
    parse(tmp_path, cache_config(tmp_path)).plugin.update_cache_if_changed()
    made = len(emu.requests)
    parse(tmp_path, cache_config(tmp_path), cache=False)        # --flush-cache
    assert len(emu.requests) == 2 * made
    run = parse(tmp_path, cache_config(tmp_path, "clusters: [gamma]\n"))
    assert len(emu.requests) == 2 * made + 2 and len(run.hosts) == 4


def test_an_incomplete_result_is_not_cached(emu, tmp_path):
    config = cache_config(tmp_path, "strict_permissions: false\nregions: [%s, cn-guangzhou-1]\n" % SH)
    run = parse(tmp_path, config)
    run.plugin.update_cache_if_changed()
    assert len(run.hosts) == 4
    made = len(emu.requests)
    parse(tmp_path, config)
    assert len(emu.requests) > made


# -------------------------------------------------------------------------------------- debug

def test_debug_api_calls_says_what_was_called_at_vvv(emu, tmp_path):
    run = parse(tmp_path, "debug_api_calls: true\nregions: [%s, %s]\n" % (BJ, SH))
    line = [m for m in run.display.said("vvv") if "API calls" in m]
    assert len(line) == 1
    assert line[0].startswith("ksyun.cloud.kce: 6 API calls (DescribeCluster 2, DescribeClusterInstance 4), "
                              "2 round trips on the critical path, 0 retries, ")


def test_node_address_of_an_epc_node_is_its_first_nics():
    node = {"EpcInstancePara": {"NetworkInterfaceSet": [{"PrivateIpAddress": None}, {"PrivateIpAddress": "10.1.2.3"}]}}
    assert kce_inventory.node_address(node) == "10.1.2.3"
    assert kce_inventory.node_address({"KecInstancePara": {"PrivateIpAddress": "10.0.0.9"}}) == "10.0.0.9"
    assert kce_inventory.node_address({}) is None


def test_snake_is_camel_dict_to_snake_dict_with_each_key_converted_once():
    from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
    node = {"InstanceId": "i", "KecInstancePara": {"InstanceConfigure": {"VCPU": 4, "MemoryGb": 8, "DataDiskGb": 0},
                                                   "NetworkInterfaceSet": [{"SecurityGroupSet": [{"SecurityGroupId": "s"}],
                                                                            "MacAddress": "m"}, "x", [1]]},
            "K8sVersion": "v1", "HTTPEndpoint": None}
    snake = kce_inventory.Snake()
    assert snake(node) == camel_dict_to_snake_dict(node)
    assert snake(node) == camel_dict_to_snake_dict(node)
    assert len(snake.keys) == 12                        # the distinct keys, each converted once


def test_the_garbage_collector_is_on_again_after_a_parse_even_a_failed_one(emu, tmp_path):
    import gc
    assert gc.isenabled()
    parse(tmp_path, "clusters: [gamma]\n")
    assert gc.isenabled()
    with pytest.raises(AnsibleError):
        parse(tmp_path, "regions: [cn-guangzhou-1]\n")
    assert gc.isenabled()
