"""KCR namespaces: CreateRepoNamespace, DescribeRepoNamespace, ModifyRepoNamespaceType,
RepoNamespaceExist, DeleteRepoNamespace — happy paths, validation, paging, filters, registry-wide
name uniqueness, account isolation, DryRun."""
import pytest

from emulator import kcr
from emulator.server import Emulator

KCR = {"service": "kce", "version": "2018-03-14"}


@pytest.fixture
def api(emulator_server, signed):
    def call(action, params=None, **kw):
        kw = dict(KCR, **kw)
        return signed(emulator_server, action, params, **kw)
    call.emu = emulator_server
    return call


def ok(api, action, params=None, **kw):
    status, body = api(action, params, **kw)
    assert status == 200, body
    return body


def err(api, action, params, status, code, **kw):
    got, body = api(action, params, **kw)
    assert (got, body["Error"]["Code"]) == (status, code), body
    return body["Error"]["Message"]


def test_create_describe_modify_delete(api):
    assert ok(api, "CreateRepoNamespace", {"Namespace": "team-a", "Public": "false"}, method="POST") \
        .keys() == {"RequestId"}
    ok(api, "CreateRepoNamespace", {"Namespace": "team_b2", "Public": "True"})
    body = ok(api, "DescribeRepoNamespace")
    assert (body["Marker"], body["MaxResults"], body["TotalCount"]) == (0, 20, 2)
    by = {n["Namespace"]: n for n in body["NamespaceSet"]}
    assert by["team-a"]["Public"] is False and by["team_b2"]["Public"] is True
    for n in by.values():
        assert set(n) == {"Namespace", "Public", "RepoCount", "ChartCount", "CreateTime"}
        assert (n["RepoCount"], n["ChartCount"]) == (0, 0)
        assert len(n["CreateTime"]) == 19 and n["CreateTime"][4] == "-" and n["CreateTime"][10] == " "
    ok(api, "ModifyRepoNamespaceType", {"Namespace": "team-a", "Public": "1"})
    body = ok(api, "DescribeRepoNamespace", {"Namespace": "team-a"})
    assert body["TotalCount"] == 1 and body["NamespaceSet"][0]["Public"] is True
    assert ok(api, "RepoNamespaceExist", {"Namespace": "team-a"})["Exist"] is True
    ok(api, "DeleteRepoNamespace", {"Namespace": "team-a"})
    assert ok(api, "RepoNamespaceExist", {"Namespace": "team-a"})["Exist"] is False
    assert [n["Namespace"] for n in ok(api, "DescribeRepoNamespace")["NamespaceSet"]] == ["team_b2"]


@pytest.mark.parametrize("name", ["a", "0", "ab", "a-b", "a_b", "a--b", "x" * 63, "team-01"])
def test_namespace_name_accepted(api, name):
    ok(api, "CreateRepoNamespace", {"Namespace": name, "Public": "false"})


@pytest.mark.parametrize("name", ["-a", "a-", "_a", "a_", "A", "aB", "a.b", "a/b", "a b", "x" * 64, "中文"])
def test_namespace_name_refused(api, name):
    msg = err(api, "CreateRepoNamespace", {"Namespace": name, "Public": "false"}, 400, "InvalidParameterValue")
    assert "Namespace" in msg


def test_create_validation(api):
    assert "Namespace" in err(api, "CreateRepoNamespace", {"Public": "false"}, 400, "MissingParameter")
    assert "Public" in err(api, "CreateRepoNamespace", {"Namespace": "ns"}, 400, "MissingParameter")
    assert "Public" in err(api, "CreateRepoNamespace", {"Namespace": "ns", "Public": "yes"}, 400,
                           "InvalidParameterValue")
    ok(api, "CreateRepoNamespace", {"Namespace": "ns", "Public": "false"})
    err(api, "CreateRepoNamespace", {"Namespace": "ns", "Public": "true"}, 400, "NamespaceAlreadyExists")


def test_registry_namespaces_are_taken(api):
    """The registry's own namespaces (of the public catalogue) exist for everybody."""
    for name in ("ksyun", "openshift"):
        assert ok(api, "RepoNamespaceExist", {"Namespace": name})["Exist"] is True
        err(api, "CreateRepoNamespace", {"Namespace": name, "Public": "true"}, 400, "NamespaceAlreadyExists")
    assert ok(api, "DescribeRepoNamespace")["TotalCount"] == 0


def test_modify_and_delete_unknown(api):
    err(api, "ModifyRepoNamespaceType", {"Namespace": "nope", "Public": "true"}, 404, "NamespaceNotFound")
    err(api, "DeleteRepoNamespace", {"Namespace": "nope"}, 404, "NamespaceNotFound")
    assert "Public" in err(api, "ModifyRepoNamespaceType", {"Namespace": "nope"}, 400, "MissingParameter")
    err(api, "RepoNamespaceExist", {}, 400, "MissingParameter")
    err(api, "RepoNamespaceExist", {"Namespace": "Bad!"}, 400, "InvalidParameterValue")


def test_delete_refused_while_repositories_or_charts(api):
    ok(api, "CreateRepoNamespace", {"Namespace": "full", "Public": "false"})
    ok(api, "CreateRepository", {"RepoName": "full/app"})
    msg = err(api, "DeleteRepoNamespace", {"Namespace": "full"}, 400, "NamespaceNotEmpty")
    assert "full" in msg
    assert ok(api, "DescribeRepoNamespace")["NamespaceSet"][0]["RepoCount"] == 1
    ok(api, "DeleteRepository", {"RepoName": "full/app"})
    kcr.add_charts(api.emu.account_store(), "full", 2)
    assert ok(api, "DescribeRepoNamespace")["NamespaceSet"][0]["ChartCount"] == 2
    err(api, "DeleteRepoNamespace", {"Namespace": "full"}, 400, "NamespaceNotEmpty")
    kcr.add_charts(api.emu.account_store(), "full", -2)
    ok(api, "DeleteRepoNamespace", {"Namespace": "full"})


def test_paging_and_public_filter(api):
    for i in range(25):
        ok(api, "CreateRepoNamespace", {"Namespace": "ns-%02d" % i, "Public": "true" if i % 5 == 0 else "false"})
    first = ok(api, "DescribeRepoNamespace")
    assert (first["TotalCount"], first["MaxResults"], first["Marker"], len(first["NamespaceSet"])) == (25, 20, 20, 20)
    rest = ok(api, "DescribeRepoNamespace", {"Marker": first["Marker"]})
    assert (rest["Marker"], len(rest["NamespaceSet"])) == (0, 5)
    names = [n["Namespace"] for n in first["NamespaceSet"] + rest["NamespaceSet"]]
    assert names == sorted(names) and len(set(names)) == 25
    page = ok(api, "DescribeRepoNamespace", {"MaxResults": 99})
    assert len(page["NamespaceSet"]) == 25 and page["Marker"] == 0
    err(api, "DescribeRepoNamespace", {"MaxResults": 100}, 400, "InvalidParameterValue")
    err(api, "DescribeRepoNamespace", {"MaxResults": 0}, 400, "InvalidParameterValue")
    err(api, "DescribeRepoNamespace", {"Marker": -1}, 400, "InvalidParameterValue")
    pub = ok(api, "DescribeRepoNamespace", {"Filter.1.Name": "public", "Filter.1.Value.1": "true"})
    assert pub["TotalCount"] == 5 and all(n["Public"] for n in pub["NamespaceSet"])
    both = ok(api, "DescribeRepoNamespace", {"Filter.1.Name": "public", "Filter.1.Value.1": "true",
                                             "Filter.1.Value.2": "false", "MaxResults": 99})
    assert both["TotalCount"] == 25
    priv = ok(api, "DescribeRepoNamespace", {"Filter.1.Name": "public", "Filter.1.Value.1": "false",
                                             "Namespace": "ns-01"})
    assert [n["Namespace"] for n in priv["NamespaceSet"]] == ["ns-01"]
    err(api, "DescribeRepoNamespace", {"Filter.1.Name": "namespace", "Filter.1.Value.1": "x"}, 400,
        "InvalidParameterValue")
    err(api, "DescribeRepoNamespace", {"Filter.1.Name": "public", "Filter.1.Value.1": "maybe"}, 400,
        "InvalidParameterValue")
    err(api, "DescribeRepoNamespace", {"Filter.1.Name": "public"}, 400, "InvalidParameterValue")


def test_dry_run_changes_nothing(api):
    err(api, "CreateRepoNamespace", {"Namespace": "dry", "Public": "false", "DryRun": "true"}, 412, "DryRunOperation")
    assert ok(api, "RepoNamespaceExist", {"Namespace": "dry"})["Exist"] is False
    ok(api, "CreateRepoNamespace", {"Namespace": "dry", "Public": "false"})
    err(api, "ModifyRepoNamespaceType", {"Namespace": "dry", "Public": "true", "DryRun": "true"}, 412,
        "DryRunOperation")
    err(api, "DeleteRepoNamespace", {"Namespace": "dry", "DryRun": "true"}, 412, "DryRunOperation")
    ns = ok(api, "DescribeRepoNamespace")["NamespaceSet"]
    assert [(n["Namespace"], n["Public"]) for n in ns] == [("dry", False)]
    # validation comes before the DryRun answer
    err(api, "CreateRepoNamespace", {"Namespace": "dry", "Public": "false", "DryRun": "true"}, 400,
        "NamespaceAlreadyExists")
    err(api, "DescribeRepoNamespace", {"DryRun": "true"}, 412, "DryRunOperation")


@pytest.fixture
def two():
    emu = Emulator(accounts={"AKLTALICE000000000000000": "alice-secret", "AKLTBOB00000000000000000": "bob-secret"})
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def test_two_accounts_isolated_but_names_registry_wide(two, signed):
    alice = {"access_key": "AKLTALICE000000000000000", "secret_key": "alice-secret"}
    bob = {"access_key": "AKLTBOB00000000000000000", "secret_key": "bob-secret"}

    def call(who, action, params=None):
        return signed(two, action, params, **dict(KCR, **who))

    assert call(alice, "CreateRepoNamespace", {"Namespace": "shared", "Public": "true"})[0] == 200
    assert call(alice, "CreateRepository", {"RepoName": "shared/app"})[0] == 200
    # the name is taken registry-wide ...
    assert call(bob, "RepoNamespaceExist", {"Namespace": "shared"})[1]["Exist"] is True
    status, body = call(bob, "CreateRepoNamespace", {"Namespace": "shared", "Public": "true"})
    assert (status, body["Error"]["Code"]) == (400, "NamespaceAlreadyExists")
    # ... but nothing else of alice's is visible or reachable for bob
    assert call(bob, "DescribeRepoNamespace", {"Namespace": "shared"})[1]["TotalCount"] == 0
    assert call(bob, "DescribeRepository", {})[1]["TotalCount"] == 0
    assert call(bob, "ModifyRepoNamespaceType", {"Namespace": "shared", "Public": "false"})[0] == 404
    assert call(bob, "DeleteRepoNamespace", {"Namespace": "shared"})[0] == 404
    assert call(bob, "CreateRepository", {"RepoName": "shared/evil"})[0] == 404
    assert call(bob, "DeleteRepository", {"RepoName": "shared/app"})[0] == 404
    assert call(alice, "DescribeRepository", {})[1]["TotalCount"] == 1
    # once alice deletes it, the name is free for bob
    assert call(alice, "DeleteRepository", {"RepoName": "shared/app"})[0] == 200
    assert call(alice, "DeleteRepoNamespace", {"Namespace": "shared"})[0] == 200
    assert call(bob, "CreateRepoNamespace", {"Namespace": "shared", "Public": "false"})[0] == 200
    assert call(alice, "RepoNamespaceExist", {"Namespace": "shared"})[1]["Exist"] is True
    assert call(alice, "DescribeRepoNamespace", {})[1]["TotalCount"] == 0


def test_registry_is_regionless(api):
    """KCR state belongs to the account, whatever region the request is signed for."""
    ok(api, "CreateRepoNamespace", {"Namespace": "everywhere", "Public": "false"}, region="cn-shanghai-2")
    assert [n["Namespace"] for n in ok(api, "DescribeRepoNamespace")["NamespaceSet"]] == ["everywhere"]
    assert ok(api, "RepoNamespaceExist", {"Namespace": "everywhere"}, region="eu-east-1")["Exist"] is True
