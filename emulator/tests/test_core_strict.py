"""Strict parameter names (`--strict-params`): a name the action does not define is refused.

Every action declares the names its document's table defines (`@action(..., params=...)`); the
unit tests' emulator runs strict (conftest.py), so every other emulator test also proves that
the documented requests use only declared names.
"""
import pytest

from ksyun_emulator import core
from ksyun_emulator.server import Emulator, build_parser, load_service_modules

SERVICES = {"kce": ("kce", "2019-08-06", 13), "kcr": ("kce", "2018-03-14", 17), "kci": ("kci", "2020-07-02", 7)}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_action_declares_its_parameters(name):
    load_service_modules()
    service, version, count = SERVICES[name]
    actions = core.REGISTRY[(service, version)]
    assert len(actions) == count
    undeclared = sorted(a.name for a in actions.values() if a.params is None)
    assert undeclared == []
    for act in actions.values():
        for param in act.params:
            assert param not in core.COMMON_PARAMS, (act.name, param)
            assert all(part and (part == "N" or part[0].isupper()) for part in param.split(".")), (act.name, param)


def test_n_is_any_decimal_index_and_names_match_whole():
    rx = core.params_pattern(("InstanceSet.N.NodePara.N", "ClusterId"))
    for good in ("InstanceSet.0.NodePara.0", "InstanceSet.1.NodePara.12", "ClusterId"):
        assert rx.fullmatch(good), good
    for bad in ("InstanceSet.x.NodePara.1", "InstanceSet.1", "InstanceSet.1.NodePara", "ClusterIds",
                "clusterid", "InstanceSet.1.NodePara.1.Extra", "InstanceSetX1.NodePara.1"):
        assert not rx.fullmatch(bad), bad
    assert not core.params_pattern(()).fullmatch("Anything")


def test_unknown_params_keeps_the_order_and_allows_the_common_ones():
    load_service_modules()
    act = core.lookup("kce", "2018-03-14", "DescribeTag")
    names = ["Action", "Version", "DryRun", "RepoName", "Filter.1.Name", "Filter.1.Value.2", "Marker",
             "MaxResults", "Repo", "Filter.1.Values.1", "Tag.1"]
    assert act.unknown_params(names) == ["Repo", "Filter.1.Values.1", "Tag.1"]


def test_a_misspelt_name_is_refused_by_name_and_changes_nothing(kcr_api):
    emu = kcr_api.emu
    emu.clear_requests()
    kcr_api.err("CreateRepoNamespace", {"Namespace": "strict-ns", "Public": "false", "Publc": "true"}, 400,
                "InvalidQueryParameter", "Publc", method="POST")
    assert kcr_api.ok("DescribeRepoNamespace")["NamespaceSet"] == []
    rec = [r for r in emu.requests if r["action"] == "CreateRepoNamespace"][-1]
    assert rec["mutated"] is False and rec["error"] == "InvalidQueryParameter"
    # the first unknown name, in the order sent, is the one named
    msg = kcr_api.err("DescribeRepoNamespace", [("Namespac", "a"), ("Zzz", "b")], 400, "InvalidQueryParameter")
    assert "Namespac" in msg and "Zzz" not in msg


def test_lenient_mode_ignores_unknown_names(kcr_api):
    kcr_api.emu.strict_params = False
    kcr_api.ok("CreateRepoNamespace", {"Namespace": "lenient-ns", "Public": "false", "Publc": "true"}, method="POST")
    ns = kcr_api.ok("DescribeRepoNamespace")["NamespaceSet"]
    assert [(n["Namespace"], n["Public"]) for n in ns] == [("lenient-ns", False)]


def test_common_and_signing_parameters_are_not_unknown(kce_api):
    kce_api.err("DeleteCluster", {"ClusterId": "b12d7079-1e59-4626-90eb-xxxxxx", "DryRun": "true"}, 412,
                "DryRunOperation")
    # query-form signing parameters are never action parameters
    assert kce_api.ok("DescribeCluster", {"MaxResults": 1}, query_auth=True)["MaxResults"] == 1


def test_strict_is_checked_after_the_action_is_known(kce_api):
    kce_api.err("NoSuchAction", {"Whatever": "1"}, 400, "InvalidAction")
    kce_api.err("CreateCluster", {"Whatever": "1"}, 400, "InvalidMethod", method="GET")


def test_the_flag_and_the_default():
    assert build_parser().parse_args([]).strict_params is False
    assert build_parser().parse_args(["--strict-params"]).strict_params is True
    assert Emulator().strict_params is False
    assert Emulator(strict_params=True).strict_params is True
