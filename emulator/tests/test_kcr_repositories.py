"""KCR repositories, the public catalogue, tags and favourites."""
import pytest

from ksyun_emulator import kcr
from ksyun_emulator.kcr import catalogue as kcr_world


@pytest.fixture
def ns(kcr_api):
    kcr_api.ok("CreateRepoNamespace", {"Namespace": "team", "Public": "false"})
    return "team"


def repo_count(kcr_api, namespace):
    return kcr_api.ok("DescribeRepoNamespace", {"Namespace": namespace})["NamespaceSet"][0]["RepoCount"]


# ------------------------------------------------------------------------------- repositories

def test_repository_lifecycle_and_counts(kcr_api, ns):
    kcr_api.ok("CreateRepository", {"RepoName": "team/web", "Description": "front end"})
    kcr_api.ok("CreateRepository", {"RepoName": "team/tools/builder"})
    assert repo_count(kcr_api, "team") == 2
    body = kcr_api.ok("DescribeRepository")
    assert body["TotalCount"] == 2
    repos = {r["RepoName"]: r for r in body["RepoSet"]}
    assert repos["team/web"] == {"RepoName": "team/web", "Public": False, "FavorCount": 0, "PullCount": 0,
                                 "Description": "front end", "CreateTime": repos["team/web"]["CreateTime"]}
    assert repos["team/tools/builder"]["Description"] == ""
    kcr_api.ok("UpdateRepoDesc", {"RepoName": "team/web", "Description": "This is a test Repo"}, method="POST")
    assert kcr_api.ok("DescribeRepository", {"RepoName.1": "team/web"})["RepoSet"][0]["Description"] == \
        "This is a test Repo"
    kcr_api.ok("UpdateRepoDesc", {"RepoName": "team/web", "Description": ""})
    assert kcr_api.ok("DescribeRepository", {"RepoName.1": "team/web"})["RepoSet"][0]["Description"] == ""
    kcr_api.err("CreateRepository", {"RepoName": "team/web"}, 400, "RepositoryAlreadyExists")
    kcr_api.ok("DeleteRepository", {"RepoName": "team/web"})
    assert repo_count(kcr_api, "team") == 1
    kcr_api.err("DeleteRepository", {"RepoName": "team/web"}, 404, "RepositoryNotFound")
    kcr_api.err("UpdateRepoDesc", {"RepoName": "team/web", "Description": "x"}, 404, "RepositoryNotFound")


def test_repository_public_follows_namespace(kcr_api, ns):
    kcr_api.ok("CreateRepository", {"RepoName": "team/web"})
    assert kcr_api.ok("DescribeRepository")["RepoSet"][0]["Public"] is False
    kcr_api.ok("ModifyRepoNamespaceType", {"Namespace": "team", "Public": "true"})
    assert kcr_api.ok("DescribeRepository")["RepoSet"][0]["Public"] is True
    pub = kcr_api.ok("DescribeRepository", {"Filter.1.Name": "public", "Filter.1.Value.1": "false"})
    assert pub["TotalCount"] == 0


@pytest.mark.parametrize("name", ["team", "team/", "/web", "team/Web", "team/we b", "team//web", "team/-web",
                                  "team/web-", "Team/web", "team/" + "a" * 251])
def test_repository_name_refused(kcr_api, ns, name):
    assert "RepoName" in kcr_api.err("CreateRepository", {"RepoName": name}, 400, "InvalidParameterValue")


@pytest.mark.parametrize("name", ["team", "team/Web", "Team/web", "team//web", "team/" + "a" * 251, "x y"])
def test_repository_lookups_never_refuse_a_name(kcr_api, ns, name):
    """A name outside the emulator's own rules simply does not exist."""
    kcr_api.ok("CreateRepository", {"RepoName": "team/web"})
    assert kcr_api.ok("DescribeRepository", {"RepoName.1": name})["TotalCount"] == 0
    assert kcr_api.ok("DescribePublicRepository", {"RepoName.1": name})["TotalCount"] == 0
    kcr_api.err("UpdateRepoDesc", {"RepoName": name, "Description": "x"}, 404, "RepositoryNotFound")
    kcr_api.err("DeleteRepository", {"RepoName": name}, 404, "RepositoryNotFound")
    kcr_api.err("DescribeTag", {"RepoName": name}, 404, "RepositoryNotFound")
    kcr_api.err("DeleteTags", {"RepoName": name, "Tag.1": "v1"}, 404, "RepositoryNotFound")
    kcr_api.err("DeleteFavor", {"RepoName": name}, 404, "FavorNotFound")
    kcr_api.err("DeleteTags", {"RepoName": "team/web", "Tag.1": "-not a tag-"}, 404, "TagNotFound")


def test_update_description_to_empty(kcr_api, ns):
    """UpdateRepoDesc requires Description (the table); sent empty it empties it (the emulator's choice)."""
    kcr_api.ok("CreateRepository", {"RepoName": "team/web", "Description": "front"})
    kcr_api.ok("UpdateRepoDesc", {"RepoName": "team/web", "Description": ""}, method="POST")
    assert kcr_api.ok("DescribeRepository", {"RepoName.1": "team/web"})["RepoSet"][0]["Description"] == ""
    assert "Description" in kcr_api.err("UpdateRepoDesc", {"RepoName": "team/web"}, 400, "MissingParameter")


@pytest.mark.parametrize("name", ["team/a", "team/a.b", "team/a_b", "team/a__b", "team/a---b", "team/x/y/z"])
def test_repository_name_accepted(kcr_api, ns, name):
    kcr_api.ok("CreateRepository", {"RepoName": name})


def test_repository_validation(kcr_api, ns):
    kcr_api.err("CreateRepository", {}, 400, "MissingParameter")
    kcr_api.err("CreateRepository", {"RepoName": "other/web"}, 404, "NamespaceNotFound")
    kcr_api.err("CreateRepository", {"RepoName": "team/web", "Description": "x" * 1001}, 400, "InvalidParameterValue")
    kcr_api.ok("CreateRepository", {"RepoName": "team/web"})
    assert "Description" in kcr_api.err("UpdateRepoDesc", {"RepoName": "team/web"}, 400, "MissingParameter")
    kcr_api.err("DeleteRepository", {}, 400, "MissingParameter")
    assert kcr_api.ok("DescribeRepository", {"RepoName.1": "no-slash"})["TotalCount"] == 0
    kcr_api.err("DescribeRepository", {"Filter.1.Name": "tag", "Filter.1.Value.1": "x"}, 400, "InvalidParameterValue")
    kcr_api.err("CreateRepository", {"RepoName": "team/dry", "DryRun": "true"}, 412, "DryRunOperation")
    assert kcr_api.ok("DescribeRepository", {"RepoName.1": "team/dry"})["TotalCount"] == 0


def test_describe_repository_names_filters_paging(kcr_api, ns):
    kcr_api.ok("CreateRepoNamespace", {"Namespace": "open", "Public": "true"})
    for i in range(12):
        kcr_api.ok("CreateRepository", {"RepoName": "team/r%02d" % i})
    for i in range(3):
        kcr_api.ok("CreateRepository", {"RepoName": "open/o%d" % i})
    body = kcr_api.ok("DescribeRepository", {"RepoName.1": "team/r03", "RepoName.2": "open/o1", "RepoName.3": "team/nope"})
    assert sorted(r["RepoName"] for r in body["RepoSet"]) == ["open/o1", "team/r03"]
    body = kcr_api.ok("DescribeRepository", {"Filter.1.Name": "namespace", "Filter.1.Value.1": "open"})
    assert body["TotalCount"] == 3 and all(r["Public"] for r in body["RepoSet"])
    body = kcr_api.ok("DescribeRepository", {"Filter.1.Name": "namespace", "Filter.1.Value.1": "team",
                                             "Filter.2.Name": "public", "Filter.2.Value.1": "true"})
    assert body["TotalCount"] == 0
    p1 = kcr_api.ok("DescribeRepository", {"MaxResults": 10})
    p2 = kcr_api.ok("DescribeRepository", {"MaxResults": 10, "Marker": p1["Marker"]})
    assert (p1["TotalCount"], p1["Marker"], len(p1["RepoSet"]), p2["Marker"], len(p2["RepoSet"])) == (15, 10, 10, 0, 5)
    assert repo_count(kcr_api, "team") == 12 and repo_count(kcr_api, "open") == 3
    kcr_api.err("DescribeRepository", {"MaxResults": 100}, 400, "InvalidParameterValue")


# ---------------------------------------------------------------------------- public catalogue

def test_public_catalogue(kcr_api):
    full = []
    marker = 0
    while True:
        body = kcr_api.ok("DescribePublicRepository", {"Marker": marker, "MaxResults": 99})
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
    assert kcr_api.ok("DescribePublicRepository")["MaxResults"] == 20
    body = kcr_api.ok("DescribePublicRepository", {"Filter.1.Name": "namespace", "Filter.1.Value.1": "openshift"})
    assert body["TotalCount"] >= 2 and all(r["RepoName"].startswith("openshift/") for r in body["RepoSet"])
    body = kcr_api.ok("DescribePublicRepository", {"RepoName.1": "ksyun/nginx", "RepoName.2": "ksyun/none"})
    assert [r["RepoName"] for r in body["RepoSet"]] == ["ksyun/nginx"]
    kcr_api.err("DescribePublicRepository", {"Filter.1.Name": "public", "Filter.1.Value.1": "true"}, 400,
                "InvalidParameterValue")
    # the catalogue is not the caller's: DescribeRepository does not list it
    assert kcr_api.ok("DescribeRepository")["TotalCount"] == 0


# ------------------------------------------------------------------------------------------ tags

def test_tags_seeded_described_deleted(kcr_api, ns):
    kcr_api.ok("CreateRepository", {"RepoName": "team/web"})
    kcr_api.ok("CreateRepository", {"RepoName": "team/kcr_api"})
    store = kcr_api.emu.account_store()
    kcr.push_tag(store, "team/web", "v1", SizeByte=123, Author="me", CreateTime="2020-01-01 00:00:00")
    kcr.push_tag(store, "team/web", "latest")
    kcr.push_tag(store, "team/kcr_api", "v2")
    with pytest.raises(KeyError):
        kcr.push_tag(store, "team/nope", "v1")
    with pytest.raises(ValueError):
        kcr.push_tag(store, "team/web", "-bad")
    body = kcr_api.ok("DescribeTag", {"RepoName": "team/web"})
    assert body["TotalCount"] == 2 and [t["TagName"] for t in body["TagSet"]] == ["latest", "v1"]
    v1 = body["TagSet"][1]
    assert v1["SizeByte"] == 123 and v1["Author"] == "me" and v1["CreateTime"] == "2020-01-01 00:00:00"
    assert v1["ImageId"].startswith("sha256:") and len(v1["ImageId"]) == 71
    assert set(v1) == {"RepoName", "TagName", "ImageId", "CreateTime", "SizeByte", "Author", "DockerVersion",
                       "Architecture", "Os"}
    assert kcr_api.ok("DescribeTag")["TotalCount"] == 3                       # every repository of the caller
    body = kcr_api.ok("DescribeTag", {"RepoName": "team/web", "Filter.1.Name": "tag", "Filter.1.Value.1": "v1"})
    assert [t["TagName"] for t in body["TagSet"]] == ["v1"]
    p = kcr_api.ok("DescribeTag", {"MaxResults": 2})
    assert (p["Marker"], len(p["TagSet"])) == (2, 2)
    kcr_api.err("DescribeTag", {"RepoName": "team/none"}, 404, "RepositoryNotFound")
    kcr_api.err("DescribeTag", {"Filter.1.Name": "namespace", "Filter.1.Value.1": "team"}, 400, "InvalidParameterValue")

    # DeleteTags: all checked before any is deleted
    kcr_api.err("DeleteTags", {"RepoName": "team/web", "Tag.1": "v1", "Tag.2": "nope"}, 404, "TagNotFound")
    assert kcr_api.ok("DescribeTag", {"RepoName": "team/web"})["TotalCount"] == 2
    assert "Tag" in kcr_api.err("DeleteTags", {"RepoName": "team/web"}, 400, "MissingParameter")
    kcr_api.err("DeleteTags", {"RepoName": "team/none", "Tag.1": "v1"}, 404, "RepositoryNotFound")
    kcr_api.err("DeleteTags", {"RepoName": "team/web", "Tag.1": "v1", "DryRun": "true"}, 412, "DryRunOperation")
    kcr_api.ok("DeleteTags", {"RepoName": "team/web", "Tag.1": "v1", "Tag.2": "latest"})
    assert kcr_api.ok("DescribeTag", {"RepoName": "team/web"})["TotalCount"] == 0
    # without RepoName: full references
    kcr_api.err("DeleteTags", {"Tag.1": "v2"}, 400, "InvalidParameterValue")
    kcr_api.ok("DeleteTags", {"Tag.1": "team/kcr_api:v2"})
    assert kcr_api.ok("DescribeTag")["TotalCount"] == 0


def test_public_repository_tags(kcr_api):
    body = kcr_api.ok("DescribeTag", {"RepoName": "ksyun/nginx"})
    assert [t["TagName"] for t in body["TagSet"]] == ["latest"]
    assert body["TagSet"][0]["RepoName"] == "ksyun/nginx"
    assert body["TagSet"] == kcr_api.ok("DescribeTag", {"RepoName": "ksyun/nginx"})["TagSet"]     # stable
    kcr_api.err("DeleteTags", {"RepoName": "ksyun/nginx", "Tag.1": "latest"}, 404, "RepositoryNotFound")
    kcr.push_tag(kcr_api.emu.account_store(), "ksyun/nginx", "1.25")
    assert [t["TagName"] for t in kcr_api.ok("DescribeTag", {"RepoName": "ksyun/nginx"})["TagSet"]] == ["1.25"]
    assert kcr_api.ok("DescribeTag")["TotalCount"] == 0           # not one of the caller's repositories


def test_delete_repository_drops_its_tags(kcr_api, ns):
    kcr_api.ok("CreateRepository", {"RepoName": "team/web"})
    kcr.push_tag(kcr_api.emu.account_store(), "team/web", "v1")
    kcr_api.ok("DeleteRepository", {"RepoName": "team/web"})
    kcr_api.ok("CreateRepository", {"RepoName": "team/web"})
    assert kcr_api.ok("DescribeTag", {"RepoName": "team/web"})["TotalCount"] == 0


# ------------------------------------------------------------------------------------ favourites

def public_favor_count(kcr_api, name):
    return kcr_api.ok("DescribePublicRepository", {"RepoName.1": name})["RepoSet"][0]["FavorCount"]


def test_favourites(kcr_api, ns):
    kcr_api.ok("CreateRepository", {"RepoName": "team/web"})
    kcr_api.ok("AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN HUB"})
    kcr_api.ok("AddFavor", {"RepoName": "team/web", "RepoType": "KSYUN HUB"})
    kcr_api.ok("AddFavor", {"RepoName": "library/redis", "RepoType": "DOCKER HUB"})
    kcr_api.ok("AddFavor", {"RepoName": "bitnami/redis", "RepoType": "DOCKER HUB"})
    assert public_favor_count(kcr_api, "ksyun/nginx") == 1
    assert kcr_api.ok("DescribeRepository")["RepoSet"][0]["FavorCount"] == 1
    body = kcr_api.ok("GetFavor")
    assert body["TotalCount"] == 4
    assert [(f["RepoName"], f["RepoType"]) for f in body["FavorSet"]] == [
        ("ksyun/nginx", "KSYUN HUB"), ("team/web", "KSYUN HUB"),
        ("bitnami/redis", "DOCKER HUB"), ("library/redis", "DOCKER HUB")]
    assert all(set(f) == {"RepoName", "RepoType", "CreateTime"} for f in body["FavorSet"])
    page = kcr_api.ok("GetFavor", {"MaxResults": 3})
    assert (page["Marker"], len(page["FavorSet"])) == (3, 3)
    kcr_api.err("AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN HUB"}, 400, "FavorAlreadyExists")
    assert public_favor_count(kcr_api, "ksyun/nginx") == 1
    kcr_api.ok("DeleteFavor", {"RepoName": "ksyun/nginx"})
    assert public_favor_count(kcr_api, "ksyun/nginx") == 0
    kcr_api.err("DeleteFavor", {"RepoName": "ksyun/nginx"}, 404, "FavorNotFound")
    # deleting a favourite repository of one's own drops the favourite
    kcr_api.ok("DeleteRepository", {"RepoName": "team/web"})
    assert [f["RepoName"] for f in kcr_api.ok("GetFavor")["FavorSet"]] == ["bitnami/redis", "library/redis"]


def test_favourite_validation(kcr_api):
    kcr_api.err("AddFavor", {"RepoName": "ksyun/none", "RepoType": "KSYUN HUB"}, 404, "RepositoryNotFound")
    assert "RepoType" in kcr_api.err("AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN_HUB"}, 400,
                                     "InvalidParameterValue")
    kcr_api.err("AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "ksyun hub"}, 400, "InvalidParameterValue")
    kcr_api.err("AddFavor", {"RepoName": "ksyun/nginx"}, 400, "MissingParameter")
    kcr_api.err("AddFavor", {"RepoType": "DOCKER HUB"}, 400, "MissingParameter")
    kcr_api.err("AddFavor", {"RepoName": "Library/Redis", "RepoType": "DOCKER HUB"}, 400, "InvalidParameterValue")
    kcr_api.err("DeleteFavor", {}, 400, "MissingParameter")
    kcr_api.err("AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN HUB", "DryRun": "true"}, 412,
                "DryRunOperation")
    assert kcr_api.ok("GetFavor")["TotalCount"] == 0
    assert public_favor_count(kcr_api, "ksyun/nginx") == 0
    kcr_api.ok("AddFavor", {"RepoName": "redis", "RepoType": "DOCKER HUB"})


def test_a_favourite_is_the_pair_of_name_and_type(kcr_api):
    kcr_api.ok("CreateRepoNamespace", {"Namespace": "library", "Public": "true"})
    kcr_api.ok("CreateRepository", {"RepoName": "library/nginx"})
    kcr_api.ok("AddFavor", {"RepoName": "library/nginx", "RepoType": "DOCKER HUB"})
    kcr_api.ok("AddFavor", {"RepoName": "library/nginx", "RepoType": "KSYUN HUB"})     # the other registry's
    kcr_api.err("AddFavor", {"RepoName": "library/nginx", "RepoType": "DOCKER HUB"}, 400, "FavorAlreadyExists")
    assert [(f["RepoName"], f["RepoType"]) for f in kcr_api.ok("GetFavor")["FavorSet"]] == [
        ("library/nginx", "KSYUN HUB"), ("library/nginx", "DOCKER HUB")]
    assert kcr_api.ok("DescribeRepository")["RepoSet"][0]["FavorCount"] == 1
    # deleting the repository drops the KSYUN HUB favourite only
    kcr_api.ok("DeleteRepository", {"RepoName": "library/nginx"})
    assert [(f["RepoName"], f["RepoType"]) for f in kcr_api.ok("GetFavor")["FavorSet"]] == [
        ("library/nginx", "DOCKER HUB")]


def test_delete_favor_has_no_type_and_removes_both(kcr_api):
    """DeleteFavor takes only RepoName (the document): the emulator removes that name's favourites of both types."""
    kcr_api.ok("CreateRepoNamespace", {"Namespace": "library", "Public": "true"})
    kcr_api.ok("CreateRepository", {"RepoName": "library/redis"})
    kcr_api.ok("AddFavor", {"RepoName": "library/redis", "RepoType": "KSYUN HUB"})
    kcr_api.ok("AddFavor", {"RepoName": "library/redis", "RepoType": "DOCKER HUB"})
    kcr_api.ok("AddFavor", {"RepoName": "library/node", "RepoType": "DOCKER HUB"})
    kcr_api.ok("DeleteFavor", {"RepoName": "library/redis"})
    assert [f["RepoName"] for f in kcr_api.ok("GetFavor")["FavorSet"]] == ["library/node"]
    assert kcr_api.ok("DescribeRepository")["RepoSet"][0]["FavorCount"] == 0
    kcr_api.err("DeleteFavor", {"RepoName": "library/redis"}, 404, "FavorNotFound")


def test_favourites_and_tags_are_per_account(two_accounts):
    one, two = two_accounts("kcr")
    assert one("AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN HUB"})[0] == 200
    assert two("GetFavor", {})[1]["TotalCount"] == 0
    body = two("DescribePublicRepository", {"RepoName.1": "ksyun/nginx"})[1]
    assert body["RepoSet"][0]["FavorCount"] == 0
    assert two("DeleteFavor", {"RepoName": "ksyun/nginx"})[0] == 404
    assert one("CreateRepoNamespace", {"Namespace": "one-ns", "Public": "true"})[0] == 200
    assert one("CreateRepository", {"RepoName": "one-ns/app"})[0] == 200
    kcr.push_tag(one.emu.account_store("AKLTONE00000000000000000"), "one-ns/app", "v1")
    assert two("DescribeTag", {"RepoName": "one-ns/app"})[0] == 404
    assert two("DescribeTag", {})[1]["TotalCount"] == 0
    assert two("DeleteTags", {"RepoName": "one-ns/app", "Tag.1": "v1"})[0] == 404
    status, body = two("AddFavor", {"RepoName": "one-ns/app", "RepoType": "KSYUN HUB"})
    assert (status, body["Error"]["Code"]) == (404, "RepositoryNotFound")
    assert one("DescribeTag", {"RepoName": "one-ns/app"})[1]["TotalCount"] == 1
