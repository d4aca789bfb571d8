"""KCR repositories, the public catalogue, tags and favourites."""
import pytest

from emulator import kcr, kcr_world
from emulator.server import Emulator

KCR = {"service": "kce", "version": "2018-03-14"}


@pytest.fixture
def api(emulator_server, signed):
    def call(action, params=None, **kw):
        return signed(emulator_server, action, params, **dict(KCR, **kw))
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


@pytest.fixture
def ns(api):
    ok(api, "CreateRepoNamespace", {"Namespace": "team", "Public": "false"})
    return "team"


def repo_count(api, namespace):
    return ok(api, "DescribeRepoNamespace", {"Namespace": namespace})["NamespaceSet"][0]["RepoCount"]


# ------------------------------------------------------------------------------- repositories

def test_repository_lifecycle_and_counts(api, ns):
    ok(api, "CreateRepository", {"RepoName": "team/web", "Description": "front end"})
    ok(api, "CreateRepository", {"RepoName": "team/tools/builder"})
    assert repo_count(api, "team") == 2
    body = ok(api, "DescribeRepository")
    assert body["TotalCount"] == 2
    repos = {r["RepoName"]: r for r in body["RepoSet"]}
    assert repos["team/web"] == {"RepoName": "team/web", "Public": False, "FavorCount": 0, "PullCount": 0,
                                 "Description": "front end", "CreateTime": repos["team/web"]["CreateTime"]}
    assert repos["team/tools/builder"]["Description"] == ""
    ok(api, "UpdateRepoDesc", {"RepoName": "team/web", "Description": "This is a test Repo"}, method="POST")
    assert ok(api, "DescribeRepository", {"RepoName.1": "team/web"})["RepoSet"][0]["Description"] == \
        "This is a test Repo"
    ok(api, "UpdateRepoDesc", {"RepoName": "team/web", "Description": ""})
    assert ok(api, "DescribeRepository", {"RepoName.1": "team/web"})["RepoSet"][0]["Description"] == ""
    err(api, "CreateRepository", {"RepoName": "team/web"}, 400, "RepositoryAlreadyExists")
    ok(api, "DeleteRepository", {"RepoName": "team/web"})
    assert repo_count(api, "team") == 1
    err(api, "DeleteRepository", {"RepoName": "team/web"}, 404, "RepositoryNotFound")
    err(api, "UpdateRepoDesc", {"RepoName": "team/web", "Description": "x"}, 404, "RepositoryNotFound")


def test_repository_public_follows_namespace(api, ns):
    ok(api, "CreateRepository", {"RepoName": "team/web"})
    assert ok(api, "DescribeRepository")["RepoSet"][0]["Public"] is False
    ok(api, "ModifyRepoNamespaceType", {"Namespace": "team", "Public": "true"})
    assert ok(api, "DescribeRepository")["RepoSet"][0]["Public"] is True
    pub = ok(api, "DescribeRepository", {"Filter.1.Name": "public", "Filter.1.Value.1": "false"})
    assert pub["TotalCount"] == 0


@pytest.mark.parametrize("name", ["team", "team/", "/web", "team/Web", "team/we b", "team//web", "team/-web",
                                  "team/web-", "Team/web", "team/" + "a" * 251])
def test_repository_name_refused(api, ns, name):
    assert "RepoName" in err(api, "CreateRepository", {"RepoName": name}, 400, "InvalidParameterValue")


@pytest.mark.parametrize("name", ["team/a", "team/a.b", "team/a_b", "team/a__b", "team/a---b", "team/x/y/z"])
def test_repository_name_accepted(api, ns, name):
    ok(api, "CreateRepository", {"RepoName": name})


def test_repository_validation(api, ns):
    err(api, "CreateRepository", {}, 400, "MissingParameter")
    err(api, "CreateRepository", {"RepoName": "other/web"}, 404, "NamespaceNotFound")
    err(api, "CreateRepository", {"RepoName": "team/web", "Description": "x" * 1001}, 400, "InvalidParameterValue")
    ok(api, "CreateRepository", {"RepoName": "team/web"})
    assert "Description" in err(api, "UpdateRepoDesc", {"RepoName": "team/web"}, 400, "MissingParameter")
    err(api, "DeleteRepository", {}, 400, "MissingParameter")
    err(api, "DescribeRepository", {"RepoName.1": "no-slash"}, 400, "InvalidParameterValue")
    err(api, "DescribeRepository", {"Filter.1.Name": "tag", "Filter.1.Value.1": "x"}, 400, "InvalidParameterValue")
    err(api, "CreateRepository", {"RepoName": "team/dry", "DryRun": "true"}, 412, "DryRunOperation")
    assert ok(api, "DescribeRepository", {"RepoName.1": "team/dry"})["TotalCount"] == 0


def test_describe_repository_names_filters_paging(api, ns):
    ok(api, "CreateRepoNamespace", {"Namespace": "open", "Public": "true"})
    for i in range(12):
        ok(api, "CreateRepository", {"RepoName": "team/r%02d" % i})
    for i in range(3):
        ok(api, "CreateRepository", {"RepoName": "open/o%d" % i})
    body = ok(api, "DescribeRepository", {"RepoName.1": "team/r03", "RepoName.2": "open/o1", "RepoName.3": "team/nope"})
    assert sorted(r["RepoName"] for r in body["RepoSet"]) == ["open/o1", "team/r03"]
    body = ok(api, "DescribeRepository", {"Filter.1.Name": "namespace", "Filter.1.Value.1": "open"})
    assert body["TotalCount"] == 3 and all(r["Public"] for r in body["RepoSet"])
    body = ok(api, "DescribeRepository", {"Filter.1.Name": "namespace", "Filter.1.Value.1": "team",
                                          "Filter.2.Name": "public", "Filter.2.Value.1": "true"})
    assert body["TotalCount"] == 0
    p1 = ok(api, "DescribeRepository", {"MaxResults": 10})
    p2 = ok(api, "DescribeRepository", {"MaxResults": 10, "Marker": p1["Marker"]})
    assert (p1["TotalCount"], p1["Marker"], len(p1["RepoSet"]), p2["Marker"], len(p2["RepoSet"])) == (15, 10, 10, 0, 5)
    assert repo_count(api, "team") == 12 and repo_count(api, "open") == 3
    err(api, "DescribeRepository", {"MaxResults": 100}, 400, "InvalidParameterValue")


# ---------------------------------------------------------------------------- public catalogue

def test_public_catalogue(api):
    full = []
    marker = 0
    while True:
        body = ok(api, "DescribePublicRepository", {"Marker": marker, "MaxResults": 99})
        full += body["RepoSet"]
        assert body["TotalCount"] == 155
        marker = body["Marker"]
        if not marker:
            break
    assert len(full) == 155 and len({r["RepoName"] for r in full}) == 155
    assert all(r["Public"] is True for r in full)
    times = [r["CreateTime"] for r in full]
    assert times == sorted(times, reverse=True)
    names = {r["RepoName"] for r in full}
    assert set(kcr_world.NAMED) <= names
    assert ok(api, "DescribePublicRepository")["MaxResults"] == 20
    body = ok(api, "DescribePublicRepository", {"Filter.1.Name": "namespace", "Filter.1.Value.1": "openshift"})
    assert body["TotalCount"] >= 2 and all(r["RepoName"].startswith("openshift/") for r in body["RepoSet"])
    body = ok(api, "DescribePublicRepository", {"RepoName.1": "ksyun/nginx", "RepoName.2": "ksyun/none"})
    assert [r["RepoName"] for r in body["RepoSet"]] == ["ksyun/nginx"]
    err(api, "DescribePublicRepository", {"Filter.1.Name": "public", "Filter.1.Value.1": "true"}, 400,
        "InvalidParameterValue")
    # the catalogue is not the caller's: DescribeRepository does not list it
    assert ok(api, "DescribeRepository")["TotalCount"] == 0


# ------------------------------------------------------------------------------------------ tags

def test_tags_seeded_described_deleted(api, ns):
    ok(api, "CreateRepository", {"RepoName": "team/web"})
    ok(api, "CreateRepository", {"RepoName": "team/api"})
    store = api.emu.account_store()
    kcr.push_tag(store, "team/web", "v1", SizeByte=123, Author="me", CreateTime="2020-01-01 00:00:00")
    kcr.push_tag(store, "team/web", "latest")
    kcr.push_tag(store, "team/api", "v2")
    with pytest.raises(KeyError):
        kcr.push_tag(store, "team/nope", "v1")
    with pytest.raises(ValueError):
        kcr.push_tag(store, "team/web", "-bad")
    body = ok(api, "DescribeTag", {"RepoName": "team/web"})
    assert body["TotalCount"] == 2 and [t["TagName"] for t in body["TagSet"]] == ["latest", "v1"]
    v1 = body["TagSet"][1]
    assert v1["SizeByte"] == 123 and v1["Author"] == "me" and v1["CreateTime"] == "2020-01-01 00:00:00"
    assert v1["ImageId"].startswith("sha256:") and len(v1["ImageId"]) == 71
    assert set(v1) == {"RepoName", "TagName", "ImageId", "CreateTime", "SizeByte", "Author", "DockerVersion",
                       "Architecture", "Os"}
    assert ok(api, "DescribeTag")["TotalCount"] == 3                       # every repository of the caller
    body = ok(api, "DescribeTag", {"RepoName": "team/web", "Filter.1.Name": "tag", "Filter.1.Value.1": "v1"})
    assert [t["TagName"] for t in body["TagSet"]] == ["v1"]
    p = ok(api, "DescribeTag", {"MaxResults": 2})
    assert (p["Marker"], len(p["TagSet"])) == (2, 2)
    err(api, "DescribeTag", {"RepoName": "team/none"}, 404, "RepositoryNotFound")
    err(api, "DescribeTag", {"Filter.1.Name": "namespace", "Filter.1.Value.1": "team"}, 400, "InvalidParameterValue")

    # DeleteTags: all checked before any is deleted
    err(api, "DeleteTags", {"RepoName": "team/web", "Tag.1": "v1", "Tag.2": "nope"}, 404, "TagNotFound")
    assert ok(api, "DescribeTag", {"RepoName": "team/web"})["TotalCount"] == 2
    assert "Tag" in err(api, "DeleteTags", {"RepoName": "team/web"}, 400, "MissingParameter")
    err(api, "DeleteTags", {"RepoName": "team/none", "Tag.1": "v1"}, 404, "RepositoryNotFound")
    err(api, "DeleteTags", {"RepoName": "team/web", "Tag.1": "v1", "DryRun": "true"}, 412, "DryRunOperation")
    ok(api, "DeleteTags", {"RepoName": "team/web", "Tag.1": "v1", "Tag.2": "latest"})
    assert ok(api, "DescribeTag", {"RepoName": "team/web"})["TotalCount"] == 0
    # without RepoName: full references
    err(api, "DeleteTags", {"Tag.1": "v2"}, 400, "InvalidParameterValue")
    ok(api, "DeleteTags", {"Tag.1": "team/api:v2"})
    assert ok(api, "DescribeTag")["TotalCount"] == 0


def test_public_repository_tags(api):
    body = ok(api, "DescribeTag", {"RepoName": "ksyun/nginx"})
    assert [t["TagName"] for t in body["TagSet"]] == ["latest"]
    assert body["TagSet"][0]["RepoName"] == "ksyun/nginx"
    assert body["TagSet"] == ok(api, "DescribeTag", {"RepoName": "ksyun/nginx"})["TagSet"]     # stable
    err(api, "DeleteTags", {"RepoName": "ksyun/nginx", "Tag.1": "latest"}, 404, "RepositoryNotFound")
    kcr.push_tag(api.emu.account_store(), "ksyun/nginx", "1.25")
    assert [t["TagName"] for t in ok(api, "DescribeTag", {"RepoName": "ksyun/nginx"})["TagSet"]] == ["1.25"]
    assert ok(api, "DescribeTag")["TotalCount"] == 0           # not one of the caller's repositories


def test_delete_repository_drops_its_tags(api, ns):
    ok(api, "CreateRepository", {"RepoName": "team/web"})
    kcr.push_tag(api.emu.account_store(), "team/web", "v1")
    ok(api, "DeleteRepository", {"RepoName": "team/web"})
    ok(api, "CreateRepository", {"RepoName": "team/web"})
    assert ok(api, "DescribeTag", {"RepoName": "team/web"})["TotalCount"] == 0


# ------------------------------------------------------------------------------------ favourites

def public_favor_count(api, name):
    return ok(api, "DescribePublicRepository", {"RepoName.1": name})["RepoSet"][0]["FavorCount"]


def test_favourites(api, ns):
    ok(api, "CreateRepository", {"RepoName": "team/web"})
    ok(api, "AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN HUB"})
    ok(api, "AddFavor", {"RepoName": "team/web", "RepoType": "KSYUN HUB"})
    ok(api, "AddFavor", {"RepoName": "library/redis", "RepoType": "DOCKER HUB"})
    ok(api, "AddFavor", {"RepoName": "bitnami/redis", "RepoType": "DOCKER HUB"})
    assert public_favor_count(api, "ksyun/nginx") == 1
    assert ok(api, "DescribeRepository")["RepoSet"][0]["FavorCount"] == 1
    body = ok(api, "GetFavor")
    assert body["TotalCount"] == 4
    assert [(f["RepoName"], f["RepoType"]) for f in body["FavorSet"]] == [
        ("ksyun/nginx", "KSYUN HUB"), ("team/web", "KSYUN HUB"),
        ("bitnami/redis", "DOCKER HUB"), ("library/redis", "DOCKER HUB")]
    assert all(set(f) == {"RepoName", "RepoType", "CreateTime"} for f in body["FavorSet"])
    page = ok(api, "GetFavor", {"MaxResults": 3})
    assert (page["Marker"], len(page["FavorSet"])) == (3, 3)
    err(api, "AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN HUB"}, 400, "FavorAlreadyExists")
    assert public_favor_count(api, "ksyun/nginx") == 1
    ok(api, "DeleteFavor", {"RepoName": "ksyun/nginx"})
    assert public_favor_count(api, "ksyun/nginx") == 0
    err(api, "DeleteFavor", {"RepoName": "ksyun/nginx"}, 404, "FavorNotFound")
    # deleting a favourite repository of one's own drops the favourite
    ok(api, "DeleteRepository", {"RepoName": "team/web"})
    assert [f["RepoName"] for f in ok(api, "GetFavor")["FavorSet"]] == ["bitnami/redis", "library/redis"]


def test_favourite_validation(api):
    err(api, "AddFavor", {"RepoName": "ksyun/none", "RepoType": "KSYUN HUB"}, 404, "RepositoryNotFound")
    assert "RepoType" in err(api, "AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN_HUB"}, 400,
                             "InvalidParameterValue")
    err(api, "AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "ksyun hub"}, 400, "InvalidParameterValue")
    err(api, "AddFavor", {"RepoName": "ksyun/nginx"}, 400, "MissingParameter")
    err(api, "AddFavor", {"RepoType": "DOCKER HUB"}, 400, "MissingParameter")
    err(api, "AddFavor", {"RepoName": "Library/Redis", "RepoType": "DOCKER HUB"}, 400, "InvalidParameterValue")
    err(api, "DeleteFavor", {}, 400, "MissingParameter")
    err(api, "AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN HUB", "DryRun": "true"}, 412,
        "DryRunOperation")
    assert ok(api, "GetFavor")["TotalCount"] == 0
    assert public_favor_count(api, "ksyun/nginx") == 0
    ok(api, "AddFavor", {"RepoName": "redis", "RepoType": "DOCKER HUB"})


def test_favourites_and_tags_are_per_account(signed):
    emu = Emulator(accounts={"AKLTONE00000000000000000": "one", "AKLTTWO00000000000000000": "two"})
    emu.start()
    try:
        one = dict(KCR, access_key="AKLTONE00000000000000000", secret_key="one")
        two = dict(KCR, access_key="AKLTTWO00000000000000000", secret_key="two")
        assert signed(emu, "AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN HUB"}, **one)[0] == 200
        assert signed(emu, "GetFavor", {}, **two)[1]["TotalCount"] == 0
        body = signed(emu, "DescribePublicRepository", {"RepoName.1": "ksyun/nginx"}, **two)[1]
        assert body["RepoSet"][0]["FavorCount"] == 0
        assert signed(emu, "DeleteFavor", {"RepoName": "ksyun/nginx"}, **two)[0] == 404
        assert signed(emu, "CreateRepoNamespace", {"Namespace": "one-ns", "Public": "true"}, **one)[0] == 200
        assert signed(emu, "CreateRepository", {"RepoName": "one-ns/app"}, **one)[0] == 200
        kcr.push_tag(emu.account_store("AKLTONE00000000000000000"), "one-ns/app", "v1")
        assert signed(emu, "DescribeTag", {"RepoName": "one-ns/app"}, **two)[0] == 404
        assert signed(emu, "DescribeTag", {}, **two)[1]["TotalCount"] == 0
        assert signed(emu, "DeleteTags", {"RepoName": "one-ns/app", "Tag.1": "v1"}, **two)[0] == 404
        status, body = signed(emu, "AddFavor", {"RepoName": "one-ns/app", "RepoType": "KSYUN HUB"}, **two)
        assert (status, body["Error"]["Code"]) == (404, "RepositoryNotFound")
        assert signed(emu, "DescribeTag", {"RepoName": "one-ns/app"}, **one)[1]["TotalCount"] == 1
    finally:
        emu.stop()
