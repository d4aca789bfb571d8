"""Unit tests of the pure helpers of kci_container_group and kci_image_cache: the documented rules
checked before any call, the normalised comparison (server defaults, numbers, only what the task
sets), the option paths of a difference, the image cache's retention read back from its times, and the
secret env values hidden even from a failed argument validation.

Their API behaviour is covered by the kci_container_group, kci_image_cache and kci_lifecycle targets.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import importlib.util
import json
import os

import pytest

from core_compat import patch_module_args

from ansible_collections.ksyun.cloud.plugins.module_utils._kci import options as kci_options
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import MASK
from ansible_collections.ksyun.cloud.plugins.modules import kci_container_group as cg
from ansible_collections.ksyun.cloud.plugins.module_utils import _compare
from ansible_collections.ksyun.cloud.plugins.module_utils._kci import container_group as cg_shapes
from ansible_collections.ksyun.cloud.plugins.module_utils._kci import image_cache as ic_shapes

HERE = os.path.dirname(os.path.abspath(__file__))


def _document_examples():
    path = os.path.join(HERE, "..", "..", "..", "..", "emulator", "tests", "data", "kci_examples.py")
    spec = importlib.util.spec_from_file_location("kci_examples", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


#: the DescribeContainerGroup answer printed in the document
PRINTED_GROUP = next(e for e in _document_examples().EXAMPLES
                     if e["action"] == "DescribeContainerGroup")["response"]["ContainerGroups"][0]


def _spec_params(spec, **given):
    """Every option of an argument spec (suboptions of given dicts filled), like AnsibleModule does."""
    out = {}
    for name, opt in spec.items():
        value = given.get(name, opt.get("default"))
        sub = opt.get("options")
        if sub and value is not None:
            value = [_spec_params(sub, **v) for v in value] if opt["type"] == "list" else _spec_params(sub, **value)
        out[name] = value
    return out


def params(**given):
    base = dict(name="web", subnet_id="subnet-1", security_group_ids=["sg-1"], state="present",
                containers=[dict(name="nginx", image="nginx:latest")])
    base.update(given)
    return _spec_params(cg.KciContainerGroup.argument_spec, **base)


# ------------------------------------------------------------------------------ rules before any call

def test_a_full_documented_spec_passes():
    p = params(
        security_group_ids=["a", "b", "c"], retain_ip_hours=8760,
        volumes=[dict(name="data", type="EBSVolume", ebs_volume=dict(fs_type="xfs", type="SSD3.0", size=32000)),
                 dict(name="old", type="EBSVolume", ebs_volume=dict(fs_type="ext4", volume_id="d-1")),
                 dict(name="nfs", type="NFSVolume", nfs_volume=dict(server="10.0.0.9", path="/x")),
                 dict(name="tmp", type="EmptyDirVolume")],
        containers=[dict(name="a" * 63, image="nginx", cpu=0.125, memory=1.5,
                         env=[dict(name="_x.y-Z9", value="")], ports=[dict(port=65535)],
                         volume_mounts=[dict(name="data"), dict(name="nfs", mount_path="/n")])],
        advance_settings=dict(system_disk=dict(type="Local_SSD", size=100)))
    assert cg_shapes.check_options(p) is None


@pytest.mark.parametrize("given, message", [
    (dict(name="a" * 129), "name must be 1 to 128"),
    (dict(name="web."), "name must be 1 to 128"),
    (dict(security_group_ids=[]), "security_group_ids must hold 1 to 3 security groups, got 0"),
    (dict(volumes=[dict(name="v", type="EBSVolume", ebs_volume=dict(fs_type="xfs", type="EHDD", size=32001))]),
     "volumes[0].ebs_volume.size must be between 10 and 32000 (GB), got 32001"),
    (dict(volumes=[dict(name="v", type="EBSVolume", ebs_volume=dict(fs_type="xfs", type="EHDD"))]),
     "volumes[0].ebs_volume.size is required for a new disk"),
    (dict(volumes=[dict(name="v", type="NFSVolume")]), "volumes[0].nfs_volume is required when volumes[0].type is NFSVolume"),
    (dict(volumes=[dict(name="v", type="NFSVolume", nfs_volume=dict(server="s", path="/p"),
                        ebs_volume=dict(fs_type="xfs", volume_id="d"))]),
     "volumes[0].ebs_volume is only for volumes[0].type EBSVolume, the type is NFSVolume"),
    (dict(containers=[dict(name="n" * 64, image="x")]), "containers[0].name must be at most 63"),
    (dict(containers=[dict(name="-n", image="x")]), "containers[0].name must be at most 63"),
    (dict(containers=[dict(name="n", image=" ")]), "containers[0].image must not be empty"),
    (dict(containers=[dict(name="n", image="x", memory=1.0001)]), "containers[0].memory must have at most 3 decimals"),
    (dict(containers=[dict(name="n", image="x", env=[dict(name="A" * 64, value="v")])]), "containers[0].env[0].name"),
    (dict(containers=[dict(name="n", image="x", ports=[dict(port=0)])]), "containers[0].ports[0].port must be between 1"),
    (dict(containers=[dict(name="n", image="x", volume_mounts=[dict(name="v")])]),
     "containers[0].volume_mounts[0].name must name one of the volumes (none is declared), got 'v'"),
    (dict(host_aliases=[dict(hostnames=[], ip="10.0.0.1")]), "host_aliases[0].hostnames must hold at least one host name"),
    (dict(machine_host_aliases=[dict(hostnames=[], ip="10.0.0.1")]), "machine_host_aliases[0].hostnames"),
    (dict(retain_ip_hours=0), "retain_ip_hours must be between 1 and 8760"),
    (dict(advance_settings=dict(system_disk=dict(type="SSD3.0", size=501))),
     "advance_settings.system_disk.size must be between 20 and 500 (GB), got 501"),
])
def test_each_documented_rule_names_the_option_path(given, message):
    assert message in cg_shapes.check_options(params(**given))


@pytest.mark.parametrize("name, ok", [("a", True), ("a.b-c", True), ("a" * 63, True), ("a" * 64, False),
                                      ("", False), ("A", False), ("a_b", False), (".a", False), ("a-", False)])
def test_cache_names(name, ok):
    assert (kci_options.check_name(name, ic_shapes.NAME_MAX) is None) is ok


# ------------------------------------------------------------------------------ the comparison

def test_the_printed_group_normalised():
    view = cg_shapes.group_view(PRINTED_GROUP)
    assert view["name"] == "nginx-rbkci"
    assert view["security_group_ids"] == ["30c47f6e-51ac-4fc3-2b7303xxxxxx"]
    assert (view["cpu"], view["memory"], view["restart_policy"], view["retain_ip"]) == (2, 4, "Always", False)
    assert view["volumes"] == [] and view["host_aliases"] == [] and view["dns_config"] is None
    assert view["containers"] == [dict(
        name="nginx", image="hub.kce.ksyun.com/ksyun/nginx:latest", image_pull_policy="IfNotPresent", command=[],
        args=[], env=[], cpu=None, memory=None, working_dir=None, ports=[dict(port=80, protocol="TCP")],
        volume_mounts=[])]


def test_server_defaults_fill_what_the_answer_leaves_out():
    raw = copy.deepcopy(PRINTED_GROUP)
    raw["RestartPolicy"] = None
    container = raw["Containers"][0]
    container.update(ImagePullPolicy=None, Ports=[{"Port": 80, "Protocol": None}],
                     VolumeMounts=[{"Name": "v", "MountPath": "/v", "ReadOnly": None}])
    view = cg_shapes.group_view(raw)
    assert view["restart_policy"] == "Always"
    assert view["containers"][0]["image_pull_policy"] == "IfNotPresent"
    assert view["containers"][0]["ports"] == [dict(port=80, protocol="TCP")]
    assert view["containers"][0]["volume_mounts"][0]["read_only"] is False


def test_only_what_the_task_sets_is_compared():
    want = cg_shapes.wanted_view(params(name="nginx-rbkci", cpu=2.0, subnet_id="d9b2b914-1533-4299-563a36xxxxxx",
                                 security_group_ids=["30c47f6e-51ac-4fc3-2b7303xxxxxx"],
                                 containers=[dict(name="nginx", image="hub.kce.ksyun.com/ksyun/nginx:latest",
                                                  ports=[dict(port=80)])],
                                 image_cache_id="ic-1", advance_settings=dict(image_id="img")))
    assert want == dict(name="nginx-rbkci", cpu=2, subnet_id="d9b2b914-1533-4299-563a36xxxxxx",
                        security_group_ids=["30c47f6e-51ac-4fc3-2b7303xxxxxx"],
                        containers=[dict(name="nginx", image="hub.kce.ksyun.com/ksyun/nginx:latest",
                                         ports=[dict(port=80)])])
    have = _compare.project(cg_shapes.group_view(PRINTED_GROUP), want)
    assert have == want      # 2 == 2.0, Protocol TCP not set so not compared, image_cache_id never compared


def test_not_comparable_ebs_settings_are_left_out_and_secrets_masked():
    ebs = dict(fs_type="xfs", type="SSD3.0", size=20, snapshot_id="s", delete_with_instance=True)
    want = cg_shapes.wanted_view(params(
        volumes=[dict(name="d", type="EBSVolume", ebs_volume=ebs)],
        containers=[dict(name="n", image="x", env=[dict(name="A", value="1"), dict(name="PW", value="p", secret=True)])]))
    assert want["volumes"] == [dict(name="d", type="EBSVolume", ebs_volume=dict(fs_type="xfs"))]
    assert want["containers"][0]["env"] == [dict(name="A", value="1"), dict(name="PW", value=MASK)]


def test_project_keeps_extra_list_items_so_they_differ():
    have = dict(containers=[dict(name="a", image="x", cpu=1), dict(name="b", image="y")])
    want = dict(containers=[dict(name="a", image="x")])
    assert _compare.project(have, want) == dict(containers=[dict(name="a", image="x"), dict(name="b", image="y")])


def test_leaves_name_each_path_with_both_values():
    have = dict(cpu=1, containers=[dict(name="a", image="x", ports=[dict(port=80)])], security_group_ids=["s1"])
    want = dict(cpu=2, containers=[dict(name="a", image="z", ports=[dict(port=81)])], security_group_ids=["s1", "s2"])
    found = []
    for option in want:
        found.extend(_compare.leaves(have[option], want[option], option))
    assert sorted(found) == [("containers[0].image", "x", "z"), ("containers[0].ports[0].port", 80, 81),
                             ("cpu", 1, 2), ("security_group_ids", ["s1"], ["s1", "s2"])]
    # lists of another length differ as a whole
    assert _compare.leaves([dict(a=1)], [dict(a=1), dict(a=2)], "x") == [("x", [dict(a=1)], [dict(a=1), dict(a=2)])]


def test_container_states_for_the_wait_messages():
    raw = {"Containers": [
        {"Name": "app", "CurrentState": {"State": "terminated", "Reason": "Error", "ExitCode": 1}},
        {"Name": "web", "CurrentState": {"State": "waiting", "Reason": "ContainerCreating", "ExitCode": None}},
        {"Name": "side", "CurrentState": None}]}
    assert cg_shapes.container_states(raw) == ("app terminated (Error, exit code 1), web waiting (ContainerCreating), "
                                               "side unknown")
    assert cg_shapes.container_states(PRINTED_GROUP) == "nginx running"


def test_the_api_shapes():
    p = params(cpu=2.0, retain_ip_hours=48, volumes=[dict(name="n", type="NFSVolume",
                                                          nfs_volume=dict(server="s", path="/p", options=["vers=3"]))],
               containers=[dict(name="n", image="x", command=["sh"], env=[dict(name="A", value="")],
                                ports=[dict(port=80)], volume_mounts=[dict(name="n", mount_path="/n")])],
               dns_config=dict(name_servers=["10.0.0.2"], options=[dict(name="ndots", value="2")]))
    assert cg_shapes.api_container(p["containers"][0]) == dict(
        Name="n", Image="x", ImagePullPolicy="IfNotPresent", Cpu=None, Memory=None, Command=["sh"], Arg=None,
        EnvironmentVar=[dict(Key="A", Value="")], WorkingDir=None, Port=[dict(Port=80, Protocol=None)],
        VolumeMount=[dict(Name="n", MountPath="/n", ReadOnly=None)])
    assert cg_shapes.api_volume(p["volumes"][0]) == dict(Type="NFSVolume", Name="n", NFSVolume=dict(
        Server="s", Path="/p", ReadOnly=None, Options=["vers=3"]))
    assert cg_shapes.api_dns(p["dns_config"]) == dict(NameServer=["10.0.0.2"], Search=None,
                                                      Option=[dict(Name="ndots", Value="2")])
    assert cg_shapes.num(2.0) == 2 and cg_shapes.num(2.5) == 2.5 and cg_shapes.num(None) is None


# ------------------------------------------------------------------------------ image caches

@pytest.mark.parametrize("cache, days", [
    ({"CreateTime": "2023-07-02 22:19:07", "ExpireTime": "2023-07-12 22:19:07"}, 10),   # the document's example
    ({"CreateTime": "2023-07-02 22:19:07", "ExpireTime": ""}, None),
    ({"CreateTime": "2023-07-02 22:19:07"}, None),
    ({"CreateTime": "bad", "ExpireTime": "2023-07-12 22:19:07"}, None),
])
def test_retention_days_from_the_times(cache, days):
    assert ic_shapes.retention_days(cache) == days


# ------------------------------------------------------------------ secrets before the argument validation

@pytest.mark.parametrize("secret", [True, "yes", "True", 1])
def test_secret_env_values_hidden_when_the_argument_validation_fails(capsys, secret):
    args = dict(name="web", subnet_id="s", security_group_ids=["g"], cpu="lots", access_key="AK", secret_key="SK-unit",
                region="cn-beijing-6", containers=[dict(name="n", image="x", env=[
                    dict(name="A", value="Plain-Value-1"), dict(name="PW", value="Env-Secret-2024", secret=secret)])])
    with patch_module_args(args):
        with pytest.raises(SystemExit) as info:
            cg.main()
    out = capsys.readouterr().out
    assert info.value.code == 1 and "argument 'cpu'" in json.loads(out)["msg"]
    assert "Env-Secret-2024" not in out and "Plain-Value-1" in out


@pytest.mark.parametrize("arguments, found", [
    (dict(containers=[dict(env=[dict(value="a", secret=True), dict(value="b"), dict(value="c", secret="no"),
                                dict(value="d", secret="maybe"), dict(value="e", secret=False)])]), ["a", "d"]),
    (dict(containers="not a list"), []), (dict(containers=[None, dict(env="x"), dict(env=[None, 3])]), []), ({}, []),
    # a value that is not a boolean at all (argument validation refuses it): hidden, and no TypeError
    (dict(containers=[dict(env=[dict(value="f", secret={}), dict(value="g", secret=["no"]), dict(value="h", secret=0)])]),
     ["f", "g"]),
])
def test_secret_values_from_any_arguments(arguments, found):
    assert cg.KciContainerGroup.secret_values(arguments) == found
