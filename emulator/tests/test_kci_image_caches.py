"""KCI image caches: CreateImageCache, DescribeImageCache, DeleteImageCache; the
Preparing -> Creating -> SnapshotCreating -> Ready lifecycle (or Failed with Reason), expiry,
use by CreateContainerGroup (ImageCacheId / AutoMatchImageCache)."""
import json

import pytest

from ksyun_emulator import world
from ksyun_emulator.server import Emulator


def cache_params(**extra):
    p = {"ImageCacheName": "cache", "SubnetId": world.KDC_SUBNET, "SecurityGroupId": world.SG,
         "Image.1": "hub.kce.ksyun.com/ksyun/nginx:latest"}
    p.update(extra)
    return {k: v for k, v in p.items() if v is not None}


@pytest.fixture
def slow(slow_emulator, api_on):
    return api_on(slow_emulator, "kci")


def cache(api, ident):
    return api.first("DescribeImageCache", {"ImageCacheId.1": ident}, "ImageCaches")


def test_create_and_describe(kci_api):
    cid = kci_api.ok("CreateImageCache", cache_params(**{
        "Image.2": "busybox:1.36", "ImageCacheSize": "50",
        "ImageRegistryCredential.1.Server": "hub.kce.ksyun.com", "ImageRegistryCredential.1.Username": "robot",
        "ImageRegistryCredential.1.Password": "Cache-Registry-Secret"}), method="POST")["ImageCacheId"]
    c = cache(kci_api, cid)
    assert set(c) == {"ImageCacheId", "ImageCacheName", "Images", "ImageCacheSize", "Status", "CreateTime",
                      "ExpireTime", "SnapshotId", "ContainerGroupId", "Reason"}
    assert (c["ImageCacheName"], c["Images"], c["ImageCacheSize"], c["Status"], c["Reason"]) == \
        ("cache", ["hub.kce.ksyun.com/ksyun/nginx:latest", "busybox:1.36"], 50, "Ready", "")
    assert c["ExpireTime"] == ""                         # no RetentionDays: kept for ever
    assert c["SnapshotId"] and c["ContainerGroupId"] and c["SnapshotId"] != c["ContainerGroupId"]
    for text in (json.dumps(c), json.dumps(kci_api.emu.requests),
                 json.dumps(kci_api.emu.region_store().list("image_cache"))):
        assert "Cache-Registry-Secret" not in text
    # the helper container group of a cache is not one of the caller's container groups
    assert kci_api.ok("DescribeContainerGroup")["TotalCount"] == 0


def test_defaults_and_bounds(kci_api):
    c = cache(kci_api, kci_api.ok("CreateImageCache", cache_params())["ImageCacheId"])
    assert c["ImageCacheSize"] == 20
    images = {"Image.%d" % i: "img-%d:latest" % i for i in range(1, 21)}
    cid = kci_api.ok("CreateImageCache", cache_params(ImageCacheName="twenty", ImageCacheSize="500", **images))["ImageCacheId"]
    assert len(cache(kci_api, cid)["Images"]) == 20
    kci_api.ok("CreateImageCache", cache_params(ImageCacheName="a"))
    kci_api.ok("CreateImageCache", cache_params(ImageCacheName="a.b-c" + "d" * 58))       # 63 characters


BAD = [
    ({"ImageCacheName": None}, "MissingParameter", "ImageCacheName"),
    ({"ImageCacheName": "Cache"}, "InvalidParameterValue", "ImageCacheName"),
    ({"ImageCacheName": "-cache"}, "InvalidParameterValue", "ImageCacheName"),
    ({"ImageCacheName": "cache."}, "InvalidParameterValue", "ImageCacheName"),
    ({"ImageCacheName": "c_d"}, "InvalidParameterValue", "ImageCacheName"),
    ({"ImageCacheName": "c" * 64}, "InvalidParameterValue", "ImageCacheName"),
    ({"SubnetId": None}, "MissingParameter", "SubnetId"),
    ({"SecurityGroupId": None}, "MissingParameter", "SecurityGroupId"),
    ({"SecurityGroupId": world.OTHER_SG}, "InvalidParameterValue", "SecurityGroupId"),
    ({"Image.1": None}, "MissingParameter", "Image.N"),
    ({"Image.1": "bad image"}, "InvalidParameterValue", "Image.1"),
    ({"Image.%d" % i: "x%d" % i for i in range(1, 22)}, "InvalidParameterValue", "Image.N"),
    ({"ImageCacheSize": "19"}, "InvalidParameterValue", "ImageCacheSize"),
    ({"ImageCacheSize": "501"}, "InvalidParameterValue", "ImageCacheSize"),
    ({"ImageCacheSize": "big"}, "InvalidParameterValue", "ImageCacheSize"),
    ({"RetentionDays": "-1"}, "InvalidParameterValue", "RetentionDays"),
    ({"RetentionDays": "65537"}, "InvalidParameterValue", "RetentionDays"),
    ({"ImageRegistryCredential.1.Server": "hub"}, "MissingParameter", "ImageRegistryCredential.1.Username"),
]


@pytest.mark.parametrize("override,code,name", BAD, ids=[b[2] + "-" + str(i) for i, b in enumerate(BAD)])
def test_create_validation(kci_api, override, code, name):
    params = cache_params()
    for k, v in override.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = v
    assert name in kci_api.err("CreateImageCache", params, 400, code)
    assert kci_api.ok("DescribeImageCache")["TotalCount"] == 0


def test_references_and_duplicates(kci_api):
    kci_api.err("CreateImageCache", cache_params(SubnetId="nope"), 404, "SubnetNotFound")
    kci_api.err("CreateImageCache", cache_params(SecurityGroupId="nope"), 404, "SecurityGroupNotFound")
    kci_api.ok("CreateImageCache", cache_params())
    assert "cache" in kci_api.err("CreateImageCache", cache_params(), 400, "ImageCacheNameDuplicate")
    kci_api.err("CreateImageCache", cache_params(ImageCacheName="dry", DryRun="true"), 412, "DryRunOperation")
    assert kci_api.ok("DescribeImageCache")["TotalCount"] == 1


@pytest.mark.parametrize("days,expires", [("0", False), ("65536", True)])
def test_retention_days_bounds_of_the_sdk_model(kci_api, days, expires):
    """The SDK model: at most 65536 days; 0 (like no value) keeps the cache for ever."""
    cid = kci_api.ok("CreateImageCache", cache_params(RetentionDays=days))["ImageCacheId"]
    assert bool(cache(kci_api, cid)["ExpireTime"]) is expires


def test_lifecycle_and_delete_rules(slow):
    cid = slow.ok("CreateImageCache", cache_params(RetentionDays="10"))["ImageCacheId"]
    seen = []
    for _step in range(4):
        c = cache(slow, cid)
        seen.append((c["Status"], bool(c["ContainerGroupId"]), bool(c["SnapshotId"])))
        if c["Status"] in ("Preparing", "SnapshotCreating"):
            msg = slow.err("DeleteImageCache", {"ImageCacheId": cid}, 400, "InvalidImageCacheStatus")
            assert c["Status"] in msg
        slow.emu.advance(10)
    assert seen == [("Preparing", False, False), ("Creating", True, False),
                    ("SnapshotCreating", True, False), ("Ready", True, True)]
    slow.ok("DeleteImageCache", {"ImageCacheId": cid})
    assert cache(slow, cid) is None
    slow.err("DeleteImageCache", {"ImageCacheId": cid}, 404, "ImageCacheNotFound")


def test_delete_allowed_while_creating(slow):
    cid = slow.ok("CreateImageCache", cache_params())["ImageCacheId"]
    slow.emu.advance(10)
    assert cache(slow, cid)["Status"] == "Creating"
    slow.err("DeleteImageCache", {"ImageCacheId": cid, "DryRun": "true"}, 412, "DryRunOperation")
    slow.ok("DeleteImageCache", {"ImageCacheId": cid})
    assert slow.ok("DescribeImageCache")["TotalCount"] == 0


def test_failure_outcome(slow):
    slow.emu.schedule_fault("CreateImageCache", "fail_resource")
    cid = slow.ok("CreateImageCache", cache_params())["ImageCacheId"]
    slow.emu.advance(20)
    c = cache(slow, cid)
    assert c["Status"] == "Failed" and c["Reason"] and c["SnapshotId"] == ""
    slow.emu.advance(100)
    assert cache(slow, cid)["Status"] == "Failed"
    slow.ok("DeleteImageCache", {"ImageCacheId": cid})


def test_expiry_removes_the_cache(slow):
    cid = slow.ok("CreateImageCache", cache_params(RetentionDays="1"))["ImageCacheId"]
    c = cache(slow, cid)
    assert c["ExpireTime"] > c["CreateTime"]
    slow.emu.advance(86400 - 1)
    assert cache(slow, cid)["Status"] == "Ready"
    slow.emu.advance(1)
    assert cache(slow, cid) is None
    slow.ok("CreateImageCache", cache_params())          # the name is free again


def test_describe_filters_and_paging(kci_api):
    ids = []
    for i, image in enumerate(["hub.kce.ksyun.com/ksyun/nginx:1.25", "redis:7", "ksyun/nginx:latest",
                               "busybox", "mysql:8"]):
        ids.append(kci_api.ok("CreateImageCache", cache_params(ImageCacheName="cache-%d" % i, **{"Image.1": image}))
                   ["ImageCacheId"])
    body = kci_api.ok("DescribeImageCache")
    assert (body["TotalCount"], body["MaxResults"], body["Marker"]) == (5, 20, 0)
    assert [c["ImageCacheId"] for c in body["ImageCaches"]] == ids

    def names(params):
        return [c["ImageCacheName"] for c in kci_api.ok("DescribeImageCache", params)["ImageCaches"]]

    assert names({"Image": "ksyun/nginx"}) == ["cache-0", "cache-2"]
    assert names({"Image": "nginx"}) == ["cache-0", "cache-2"]
    assert names({"ImageCacheName": "che-3"}) == ["cache-3"]
    assert names({"ImageCacheName": "cache", "Image": "redis"}) == ["cache-1"]
    assert names({"ImageCacheId.1": ids[4], "ImageCacheId.2": ids[1]}) == ["cache-1", "cache-4"]
    assert names({"ImageCacheId.1": "nope"}) == []
    p1 = kci_api.ok("DescribeImageCache", {"MaxResults": 2})
    p2 = kci_api.ok("DescribeImageCache", {"MaxResults": 2, "Marker": p1["Marker"]})
    p3 = kci_api.ok("DescribeImageCache", {"MaxResults": 2, "Marker": p2["Marker"]})
    assert (p1["Marker"], p2["Marker"], p3["Marker"], len(p3["ImageCaches"])) == (2, 4, 0, 1)
    kci_api.err("DescribeImageCache", {"MaxResults": 101}, 400, "InvalidParameterValue")
    kci_api.err("DeleteImageCache", {}, 400, "MissingParameter")


def test_container_group_uses_image_cache(slow):
    base = {"ContainerGroupName": "web", "SubnetId": world.KDC_SUBNET, "SecurityGroupId.1": world.SG,
            "KciType": "RBKCI", "ChargeType": "HourlyInstantSettlement",
            "Container.1.Name": "nginx", "Container.1.Image": "hub.kce.ksyun.com/ksyun/nginx:latest"}
    slow.err("CreateContainerGroup", dict(base, ImageCacheId="nope"), 404, "ImageCacheNotFound")
    cid = slow.ok("CreateImageCache", cache_params())["ImageCacheId"]
    slow.err("CreateContainerGroup", dict(base, ImageCacheId=cid), 400, "InvalidImageCacheStatus")
    slow.emu.advance(30)
    gid = slow.ok("CreateContainerGroup", dict(base, ImageCacheId=cid))["ContainerGroupId"]
    events = slow.ok("DescribeContainerGroup", {"ContainerGroupId.1": gid})["ContainerGroups"][0]["Events"]
    assert "SuccessfulHitImageCache" in [e["Reason"] for e in events]
    gid = slow.ok("CreateContainerGroup", dict(base, ContainerGroupName="auto", AutoMatchImageCache="true"))[
        "ContainerGroupId"]
    events = slow.ok("DescribeContainerGroup", {"ContainerGroupId.1": gid})["ContainerGroups"][0]["Events"]
    assert any(cid in e["Message"] for e in events if e["Reason"] == "SuccessfulHitImageCache")
    gid = slow.ok("CreateContainerGroup", dict(base, ContainerGroupName="nomatch", AutoMatchImageCache="true",
                                               **{"Container.1.Image": "redis:7"}))["ContainerGroupId"]
    events = slow.ok("DescribeContainerGroup", {"ContainerGroupId.1": gid})["ContainerGroups"][0]["Events"]
    assert "SuccessfulHitImageCache" not in [e["Reason"] for e in events]


def test_accounts_isolated(two_accounts):
    one, two = two_accounts("kci")
    cid = one.ok("CreateImageCache", cache_params())["ImageCacheId"]
    assert two.ok("DescribeImageCache")["TotalCount"] == 0
    assert cache(two, cid) is None
    two.err("DeleteImageCache", {"ImageCacheId": cid}, 404, "ImageCacheNotFound")
    two.ok("CreateImageCache", cache_params())                   # same name in another account
    assert one.ok("DescribeImageCache", region="cn-shanghai-2")["TotalCount"] == 0


def _cache_id_after_restart(path, api_on, delete_first):
    emu = Emulator(lifecycle_seconds=0, state=path)
    emu.start(host="127.0.0.1", port=0)
    try:
        kci_api = api_on(emu, "kci")
        cid = kci_api.ok("CreateImageCache", cache_params(ImageCacheName="c%d" % len(emu.requests)))["ImageCacheId"]
        if delete_first:
            kci_api.ok("DeleteImageCache", {"ImageCacheId": cid})
        return cid
    finally:
        emu.stop()


def test_a_restarted_state_never_hands_out_an_earlier_id(tmp_path, api_on):
    """The id rng is seeded; with --state a restart must not replay ids, not even a deleted one's."""
    path = str(tmp_path / "state.sqlite")
    first = _cache_id_after_restart(path, api_on, delete_first=True)
    second = _cache_id_after_restart(path, api_on, delete_first=True)
    assert first != second
