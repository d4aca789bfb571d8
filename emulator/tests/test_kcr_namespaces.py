"""KCR namespaces: CreateRepoNamespace, DescribeRepoNamespace, ModifyRepoNamespaceType,
RepoNamespaceExist, DeleteRepoNamespace — happy paths, validation, paging, filters, registry-wide
name uniqueness, account isolation, DryRun."""
import pytest

from ksyun_emulator import kcr
from ksyun_emulator.server import Emulator


def test_create_describe_modify_delete(kcr_api):
    assert kcr_api.ok("CreateRepoNamespace", {"Namespace": "team-a", "Public": "false"}, method="POST") \
        .keys() == {"RequestId"}
    kcr_api.ok("CreateRepoNamespace", {"Namespace": "team_b2", "Public": "True"})
    body = kcr_api.ok("DescribeRepoNamespace")
    assert (body["Marker"], body["MaxResults"], body["TotalCount"]) == (0, 20, 2)
    by = {n["Namespace"]: n for n in body["NamespaceSet"]}
    assert by["team-a"]["Public"] is False and by["team_b2"]["Public"] is True
    for n in by.values():
        assert set(n) == {"Namespace", "Public", "RepoCount", "ChartCount", "CreateTime"}
        assert (n["RepoCount"], n["ChartCount"]) == (0, 0)
        assert len(n["CreateTime"]) == 19 and n["CreateTime"][4] == "-" and n["CreateTime"][10] == " "
    kcr_api.ok("ModifyRepoNamespaceType", {"Namespace": "team-a", "Public": "1"})
    body = kcr_api.ok("DescribeRepoNamespace", {"Namespace": "team-a"})
    assert body["TotalCount"] == 1 and body["NamespaceSet"][0]["Public"] is True
    assert kcr_api.ok("RepoNamespaceExist", {"Namespace": "team-a"})["Exist"] is True
    kcr_api.ok("DeleteRepoNamespace", {"Namespace": "team-a"})
    assert kcr_api.ok("RepoNamespaceExist", {"Namespace": "team-a"})["Exist"] is False
    assert [n["Namespace"] for n in kcr_api.ok("DescribeRepoNamespace")["NamespaceSet"]] == ["team_b2"]


@pytest.mark.parametrize("name", ["a", "0", "ab", "a-b", "a_b", "a--b", "x" * 63, "team-01"])
def test_namespace_name_accepted(kcr_api, name):
    kcr_api.ok("CreateRepoNamespace", {"Namespace": name, "Public": "false"})


@pytest.mark.parametrize("name", ["-a", "a-", "_a", "a_", "A", "aB", "a.b", "a/b", "a b", "x" * 64, "中文"])
def test_namespace_name_refused(kcr_api, name):
    msg = kcr_api.err("CreateRepoNamespace", {"Namespace": name, "Public": "false"}, 400, "InvalidParameterValue")
    assert "Namespace" in msg


def test_create_validation(kcr_api):
    assert "Namespace" in kcr_api.err("CreateRepoNamespace", {"Public": "false"}, 400, "MissingParameter")
    assert "Public" in kcr_api.err("CreateRepoNamespace", {"Namespace": "ns"}, 400, "MissingParameter")
    assert "Public" in kcr_api.err("CreateRepoNamespace", {"Namespace": "ns", "Public": "yes"}, 400,
                                   "InvalidParameterValue")
    kcr_api.ok("CreateRepoNamespace", {"Namespace": "ns", "Public": "false"})
    kcr_api.err("CreateRepoNamespace", {"Namespace": "ns", "Public": "true"}, 400, "NamespaceAlreadyExists")


def test_registry_namespaces_are_taken(kcr_api):
    """The registry's own namespaces (of the public catalogue) exist for everybody."""
    for name in ("ksyun", "openshift"):
        assert kcr_api.ok("RepoNamespaceExist", {"Namespace": name})["Exist"] is True
        kcr_api.err("CreateRepoNamespace", {"Namespace": name, "Public": "true"}, 400, "NamespaceAlreadyExists")
    assert kcr_api.ok("DescribeRepoNamespace")["TotalCount"] == 0


def test_modify_and_delete_unknown(kcr_api):
    kcr_api.err("ModifyRepoNamespaceType", {"Namespace": "nope", "Public": "true"}, 404, "NamespaceNotFound")
    kcr_api.err("DeleteRepoNamespace", {"Namespace": "nope"}, 404, "NamespaceNotFound")
    assert "Public" in kcr_api.err("ModifyRepoNamespaceType", {"Namespace": "nope"}, 400, "MissingParameter")
    kcr_api.err("RepoNamespaceExist", {}, 400, "MissingParameter")


@pytest.mark.parametrize("name", ["Bad!", "A", "-a", "x" * 64, "a/b", "中文"])
def test_lookups_never_refuse_a_name_by_the_emulators_rules(kcr_api, name):
    """The name rules are the emulator's own (the documents have none): only a create applies them;
    a lookup of a name outside them finds nothing."""
    assert kcr_api.ok("RepoNamespaceExist", {"Namespace": name})["Exist"] is False
    assert kcr_api.ok("DescribeRepoNamespace", {"Namespace": name})["TotalCount"] == 0
    kcr_api.err("ModifyRepoNamespaceType", {"Namespace": name, "Public": "true"}, 404, "NamespaceNotFound")
    kcr_api.err("DeleteRepoNamespace", {"Namespace": name}, 404, "NamespaceNotFound")


def test_delete_refused_while_repositories_or_charts(kcr_api):
    kcr_api.ok("CreateRepoNamespace", {"Namespace": "full", "Public": "false"})
    kcr_api.ok("CreateRepository", {"RepoName": "full/app"})
    msg = kcr_api.err("DeleteRepoNamespace", {"Namespace": "full"}, 400, "NamespaceNotEmpty")
    assert "full" in msg
    assert kcr_api.ok("DescribeRepoNamespace")["NamespaceSet"][0]["RepoCount"] == 1
    kcr_api.ok("DeleteRepository", {"RepoName": "full/app"})
    kcr.add_charts(kcr_api.emu.account_store(), "full", 2)
    assert kcr_api.ok("DescribeRepoNamespace")["NamespaceSet"][0]["ChartCount"] == 2
    kcr_api.err("DeleteRepoNamespace", {"Namespace": "full"}, 400, "NamespaceNotEmpty")
    kcr.add_charts(kcr_api.emu.account_store(), "full", -2)
    kcr_api.ok("DeleteRepoNamespace", {"Namespace": "full"})


def test_paging_and_public_filter(kcr_api):
    for i in range(25):
        kcr_api.ok("CreateRepoNamespace", {"Namespace": "ns-%02d" % i, "Public": "true" if i % 5 == 0 else "false"})
    first = kcr_api.ok("DescribeRepoNamespace")
    assert (first["TotalCount"], first["MaxResults"], first["Marker"], len(first["NamespaceSet"])) == (25, 20, 20, 20)
    rest = kcr_api.ok("DescribeRepoNamespace", {"Marker": first["Marker"]})
    assert (rest["Marker"], len(rest["NamespaceSet"])) == (0, 5)
    names = [n["Namespace"] for n in first["NamespaceSet"] + rest["NamespaceSet"]]
    assert names == sorted(names) and len(set(names)) == 25
    page = kcr_api.ok("DescribeRepoNamespace", {"MaxResults": 99})
    assert len(page["NamespaceSet"]) == 25 and page["Marker"] == 0
    kcr_api.err("DescribeRepoNamespace", {"MaxResults": 100}, 400, "InvalidParameterValue")
    kcr_api.err("DescribeRepoNamespace", {"MaxResults": 0}, 400, "InvalidParameterValue")
    kcr_api.err("DescribeRepoNamespace", {"Marker": -1}, 400, "InvalidParameterValue")
    pub = kcr_api.ok("DescribeRepoNamespace", {"Filter.1.Name": "public", "Filter.1.Value.1": "true"})
    assert pub["TotalCount"] == 5 and all(n["Public"] for n in pub["NamespaceSet"])
    both = kcr_api.ok("DescribeRepoNamespace", {"Filter.1.Name": "public", "Filter.1.Value.1": "true",
                                                "Filter.1.Value.2": "false", "MaxResults": 99})
    assert both["TotalCount"] == 25
    priv = kcr_api.ok("DescribeRepoNamespace", {"Filter.1.Name": "public", "Filter.1.Value.1": "false",
                                                "Namespace": "ns-01"})
    assert [n["Namespace"] for n in priv["NamespaceSet"]] == ["ns-01"]
    kcr_api.err("DescribeRepoNamespace", {"Filter.1.Name": "namespace", "Filter.1.Value.1": "x"}, 400,
                "InvalidParameterValue")
    kcr_api.err("DescribeRepoNamespace", {"Filter.1.Name": "public", "Filter.1.Value.1": "maybe"}, 400,
                "InvalidParameterValue")
    kcr_api.err("DescribeRepoNamespace", {"Filter.1.Name": "public"}, 400, "InvalidParameterValue")


def test_dry_run_changes_nothing(kcr_api):
    kcr_api.err("CreateRepoNamespace", {"Namespace": "dry", "Public": "false", "DryRun": "true"}, 412, "DryRunOperation")
    assert kcr_api.ok("RepoNamespaceExist", {"Namespace": "dry"})["Exist"] is False
    kcr_api.ok("CreateRepoNamespace", {"Namespace": "dry", "Public": "false"})
    kcr_api.err("ModifyRepoNamespaceType", {"Namespace": "dry", "Public": "true", "DryRun": "true"}, 412,
                "DryRunOperation")
    kcr_api.err("DeleteRepoNamespace", {"Namespace": "dry", "DryRun": "true"}, 412, "DryRunOperation")
    ns = kcr_api.ok("DescribeRepoNamespace")["NamespaceSet"]
    assert [(n["Namespace"], n["Public"]) for n in ns] == [("dry", False)]
    # validation comes before the DryRun answer
    kcr_api.err("CreateRepoNamespace", {"Namespace": "dry", "Public": "false", "DryRun": "true"}, 400,
                "NamespaceAlreadyExists")
    kcr_api.err("DescribeRepoNamespace", {"DryRun": "true"}, 412, "DryRunOperation")


@pytest.fixture
def two():
    emu = Emulator(accounts={"AKLTALICE000000000000000": "alice-secret", "AKLTBOB00000000000000000": "bob-secret"})
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def test_two_accounts_isolated_but_names_registry_wide(two, api_on):
    alice = api_on(two, "kcr", access_key="AKLTALICE000000000000000", secret_key="alice-secret")
    bob = api_on(two, "kcr", access_key="AKLTBOB00000000000000000", secret_key="bob-secret")
    assert alice("CreateRepoNamespace", {"Namespace": "shared", "Public": "true"})[0] == 200
    assert alice("CreateRepository", {"RepoName": "shared/app"})[0] == 200
    # the name is taken registry-wide ...
    assert bob("RepoNamespaceExist", {"Namespace": "shared"})[1]["Exist"] is True
    status, body = bob("CreateRepoNamespace", {"Namespace": "shared", "Public": "true"})
    assert (status, body["Error"]["Code"]) == (400, "NamespaceAlreadyExists")
    # ... but nothing else of alice's is visible or reachable for bob
    assert bob("DescribeRepoNamespace", {"Namespace": "shared"})[1]["TotalCount"] == 0
    assert bob("DescribeRepository", {})[1]["TotalCount"] == 0
    assert bob("ModifyRepoNamespaceType", {"Namespace": "shared", "Public": "false"})[0] == 404
    assert bob("DeleteRepoNamespace", {"Namespace": "shared"})[0] == 404
    assert bob("CreateRepository", {"RepoName": "shared/evil"})[0] == 404
    assert bob("DeleteRepository", {"RepoName": "shared/app"})[0] == 404
    assert alice("DescribeRepository", {})[1]["TotalCount"] == 1
    # once alice deletes it, the name is free for bob
    assert alice("DeleteRepository", {"RepoName": "shared/app"})[0] == 200
    assert alice("DeleteRepoNamespace", {"Namespace": "shared"})[0] == 200
    assert bob("CreateRepoNamespace", {"Namespace": "shared", "Public": "false"})[0] == 200
    assert alice("RepoNamespaceExist", {"Namespace": "shared"})[1]["Exist"] is True
    assert alice("DescribeRepoNamespace", {})[1]["TotalCount"] == 0


def test_registry_is_regionless(kcr_api):
    """KCR state belongs to the account, whatever region the request is signed for."""
    kcr_api.ok("CreateRepoNamespace", {"Namespace": "everywhere", "Public": "false"}, region="cn-shanghai-2")
    assert [n["Namespace"] for n in kcr_api.ok("DescribeRepoNamespace")["NamespaceSet"]] == ["everywhere"]
    assert kcr_api.ok("RepoNamespaceExist", {"Namespace": "everywhere"}, region="eu-east-1")["Exist"] is True
