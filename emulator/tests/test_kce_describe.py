"""KCE read actions: DescribeCluster, DescribeClusterInstance, DescribeInstanceImage (paging, filters, search)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
from kce_examples import create_params  # noqa: E402

SEEDED_CLUSTERS = 7
PRINTED_NODES_CLUSTER = "79dac1a8-3387-4769-82a5-xxxxxx"


# -------------------------------------------------------------------------------- DescribeCluster

def test_describe_cluster_lists_the_world(kce_api):
    body = kce_api.ok("DescribeCluster")
    assert body["TotalCount"] == SEEDED_CLUSTERS and body["MaxResults"] == 10 and body["Marker"] == 0
    ids = [c["ClusterId"] for c in body["ClusterSet"]]
    assert ids[:2] == ["b12d7079-1e59-4626-90eb-xxxxxx", "c4d64fa0-0ee2-409a-b003-xxxxxx"]


def test_describe_cluster_paging(kce_api):
    for i in range(6):
        kce_api.ok("CreateCluster", create_params(masters=3, workers=1, name="page-%d" % i))
    total = SEEDED_CLUSTERS + 6
    seen, marker = [], 0
    while True:
        body = kce_api.ok("DescribeCluster", {"Marker": marker, "MaxResults": 5})
        assert body["TotalCount"] == total and body["MaxResults"] == 5
        seen += [c["ClusterId"] for c in body["ClusterSet"]]
        marker = body["Marker"]
        if marker == 0:
            break
        assert marker == len(seen)
    assert len(seen) == len(set(seen)) == total
    body = kce_api.ok("DescribeCluster", {"MaxResults": 20})
    assert len(body["ClusterSet"]) == total and body["Marker"] == 0
    body = kce_api.ok("DescribeCluster", {"Marker": 100})
    assert body["ClusterSet"] == [] and body["TotalCount"] == total


@pytest.mark.parametrize("params,name", [
    ({"MaxResults": 0}, "MaxResults"), ({"MaxResults": 21}, "MaxResults"), ({"MaxResults": "x"}, "MaxResults"),
    ({"Marker": -1}, "Marker"),
])
def test_describe_cluster_paging_limits(kce_api, params, name):
    kce_api.err("DescribeCluster", params, 400, "InvalidParameterValue", name)


def test_describe_cluster_by_id_and_unknown_id(kce_api):
    body = kce_api.ok("DescribeCluster", {"ClusterId": "c4d64fa0-0ee2-409a-b003-xxxxxx"})
    assert body["TotalCount"] == 1 and body["ClusterSet"][0]["NetworkType"] == "Canal"
    kce_api.err("DescribeCluster", {"ClusterId": "nope"}, 404, "ClusterNotFound")


def test_describe_cluster_search_is_a_substring_of_the_name(kce_api):
    kce_api.ok("CreateCluster", create_params(name="Alpha-one"))
    kce_api.ok("CreateCluster", create_params(name="beta-ONE"))

    def names(text):
        body = kce_api.ok("DescribeCluster", {"Search": text})
        return sorted(c["ClusterName"] for c in body["ClusterSet"])

    assert names("one") == ["Alpha-one"]
    assert names("ONE") == ["beta-ONE"]
    assert names("开机") == ["openapi开机集群"]
    assert names("zzz") == []
    assert kce_api.ok("DescribeCluster", {"Search": "a-"})["TotalCount"] == 2


def test_describe_cluster_counts_only_workers(kce_api):
    body = kce_api.ok("DescribeCluster", {"ClusterId": PRINTED_NODES_CLUSTER})
    c = body["ClusterSet"][0]
    assert c["NodeNum"] == 3 and c["NormalNodeNum"] == 3     # 3 workers + 3 Master_Etcd


def test_read_dry_run(kce_api):
    kce_api.err("DescribeCluster", {"DryRun": "true"}, 412, "DryRunOperation")
    kce_api.err("DescribeCluster", {"DryRun": "true", "MaxResults": 99}, 400,
                "InvalidParameterValue")


def test_region_without_world_is_empty(emulator_server, signed):
    st, body = signed(emulator_server, "DescribeCluster", {}, region="cn-shanghai-2")
    assert st == 200 and body["TotalCount"] == 0 and body["ClusterSet"] == []
    st, body = signed(emulator_server, "DescribeInstanceImage", {}, region="cn-shanghai-2")
    assert st == 200 and body["TotalCount"] == 0


# ------------------------------------------------------------------------ DescribeClusterInstance

def test_describe_cluster_instance_printed_cluster(kce_api):
    body = kce_api.ok("DescribeClusterInstance", {"ClusterId": PRINTED_NODES_CLUSTER})
    assert body["TotalCount"] == 6 and body["MaxResults"] == 10 and body["Marker"] == 0
    first = body["InstanceSet"][0]
    assert first["InstanceName"] == "openapi-worker-1" and first["InstanceStatus"] == "normal"
    assert first["KecInstancePara"]["PrivateIpAddress"] == "10.0.22.28"


def test_describe_cluster_instance_requires_a_known_cluster(kce_api):
    kce_api.err("DescribeClusterInstance", {}, 400, "MissingParameter", "ClusterId")
    kce_api.err("DescribeClusterInstance", {"ClusterId": "nope"}, 404, "ClusterNotFound")


def test_describe_cluster_instance_paging(kce_api):
    cid = kce_api.ok("CreateCluster", create_params(masters=3, workers=40))["ClusterId"]
    body = kce_api.ok("DescribeClusterInstance", {"ClusterId": cid, "MaxResults": 50})
    assert body["TotalCount"] == 43 and len(body["InstanceSet"]) == 43 and body["Marker"] == 0
    body = kce_api.ok("DescribeClusterInstance", {"ClusterId": cid, "MaxResults": 20, "Marker": 20})
    assert len(body["InstanceSet"]) == 20 and body["Marker"] == 40
    kce_api.err("DescribeClusterInstance", {"ClusterId": cid, "MaxResults": 51}, 400,
                "InvalidParameterValue", "MaxResults")


def test_describe_cluster_instance_filters(kce_api):
    base = {"ClusterId": PRINTED_NODES_CLUSTER}
    body = kce_api.ok("DescribeClusterInstance",
                      dict(base, **{"Filter.1.Name": "instance-role", "Filter.1.Value.1": "Master_Etcd"}))
    assert body["TotalCount"] == 3 and {n["InstanceRole"] for n in body["InstanceSet"]} == {"Master_Etcd"}
    body = kce_api.ok("DescribeClusterInstance", dict(base, **{
        "Filter.1.Name": "instance-id", "Filter.1.Value.1": "6f2faec7-057f-455f-a45c-xxxxxx",
        "Filter.1.Value.2": "feec18d8-9562-446d-9894-xxxxxx"}))
    assert [n["InstanceName"] for n in body["InstanceSet"]] == ["openapi-worker-1", "openapi-master-1"]
    # two filters: AND
    body = kce_api.ok("DescribeClusterInstance", dict(base, **{
        "Filter.1.Name": "instance-id", "Filter.1.Value.1": "6f2faec7-057f-455f-a45c-xxxxxx",
        "Filter.1.Value.2": "feec18d8-9562-446d-9894-xxxxxx",
        "Filter.2.Name": "instance-role", "Filter.2.Value.1": "Worker"}))
    assert [n["InstanceName"] for n in body["InstanceSet"]] == ["openapi-worker-1"]


@pytest.mark.parametrize("params,name", [
    ({"Filter.1.Name": "vpc-id", "Filter.1.Value.1": "x"}, "Filter.1.Name"),            # not this action's
    ({"Filter.1.Name": "instance-role"}, "Filter.1.Name"),                             # Name without Value
    ({"Filter.1.Value.1": "Worker"}, "Filter.1.Value.1"),                              # Value without Name
    ({"Filter.1.Name": "instance-role", "Filter.1.Value.1": "Worker",
      "Filter.2.Name": "instance-role", "Filter.2.Value.1": "Worker"}, "Filter.2.Name"),  # same Name twice
    ({"Filter.101.Name": "instance-role", "Filter.101.Value.1": "Worker"}, "Filter.101.Name"),
])
def test_describe_cluster_instance_filter_rules(kce_api, params, name):
    params = dict(params, ClusterId=PRINTED_NODES_CLUSTER)
    kce_api.err("DescribeClusterInstance", params, 400, "InvalidParameterValue", name)


def test_describe_cluster_instance_search_private_ip(kce_api):
    body = kce_api.ok("DescribeClusterInstance", {"ClusterId": PRINTED_NODES_CLUSTER, "Search": "10.0.22.2"})
    assert sorted(n["KecInstancePara"]["PrivateIpAddress"] for n in body["InstanceSet"]) == \
        ["10.0.22.27", "10.0.22.28", "10.0.22.29"]
    body = kce_api.ok("DescribeClusterInstance", {"ClusterId": PRINTED_NODES_CLUSTER, "Search": "openapi"})
    assert body["TotalCount"] == 0          # the name is not searched


def test_describe_epc_cluster_nodes(kce_api):
    body = kce_api.ok("DescribeClusterInstance", {"ClusterId": "12d776f8-bb96-4556-9be6-xxxxxxx"})
    assert body["TotalCount"] == 4
    assert all("EpcInstancePara" in n for n in body["InstanceSet"])


# -------------------------------------------------------------------------- DescribeInstanceImage

def test_describe_instance_image(kce_api):
    body = kce_api.ok("DescribeInstanceImage")
    assert body["TotalCount"] == len(body["ImageSet"]) == 3
    assert body["ImageSet"][0] == {"ImageId": "5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7", "ImageName": "CentOS-7.3 64位",
                                   "ImageType": "public"}
    assert {i["ImageType"] for i in body["ImageSet"]} == {"public", "private"}


def test_describe_instance_image_by_id(kce_api):
    body = kce_api.ok("DescribeInstanceImage", {
        "ImageId.1": "02335506-240c-4129-99da-10af1d9a3f32", "ImageId.2": "missing"})
    assert body["TotalCount"] == 1 and body["ImageSet"][0]["ImageName"] == "Ubuntu-18.04 64位"
    kce_api.err("DescribeInstanceImage", {"ImageId.101": "x"}, 400,
                "InvalidParameterValue", "ImageId.101")


@pytest.mark.parametrize("action", ["DescribeCluster", "DescribeInstanceImage"])
def test_actions_without_documented_filters_refuse_them(kce_api, action):
    # strict parameter names: Filter.N is not a parameter of the action
    kce_api.err(action, {"Filter.1.Name": "vpc-id", "Filter.1.Value.1": "x"}, 400,
                "InvalidQueryParameter", "Filter.1.Name")
    # lenient (the default): still refused, since a filter silently ignored would list too much
    kce_api.emu.strict_params = False
    kce_api.err(action, {"Filter.1.Name": "vpc-id", "Filter.1.Value.1": "x"}, 400,
                "InvalidParameterValue", "Filter.1")


# ------------------------------------------------------------------ --unknown-cluster empty|error

def test_unknown_cluster_answer_is_a_flag(api_on):
    from ksyun_emulator.server import Emulator

    with pytest.raises(ValueError):
        Emulator(unknown_cluster="maybe")
    for mode in ("error", "empty"):
        emu = Emulator(lifecycle_seconds=0, strict_params=True, unknown_cluster=mode)
        emu.start()
        try:
            api = api_on(emu, "kce")
            if mode == "error":
                api.err("DescribeCluster", {"ClusterId": "nope"}, 404, "ClusterNotFound")
            else:
                body = api.ok("DescribeCluster", {"ClusterId": "nope"})
                assert body["ClusterSet"] == [] and body["TotalCount"] == 0
            # a known cluster and the other actions answer the same in both modes
            body = api.ok("DescribeCluster", {"ClusterId": "b12d7079-1e59-4626-90eb-xxxxxx"})
            assert [c["ClusterId"] for c in body["ClusterSet"]] == ["b12d7079-1e59-4626-90eb-xxxxxx"]
            api.err("DescribeClusterInstance", {"ClusterId": "nope"}, 404, "ClusterNotFound")
            api.err("DownloadClusterConfig", {"ClusterId": "nope"}, 404, "ClusterNotFound")
        finally:
            emu.stop()


def test_unknown_cluster_cli_flag():
    from ksyun_emulator.server import build_parser

    assert build_parser().parse_args([]).unknown_cluster == "error"
    assert build_parser().parse_args(["--unknown-cluster", "empty"]).unknown_cluster == "empty"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--unknown-cluster", "maybe"])
