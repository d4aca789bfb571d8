# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client layer against the independently written emulator (emulator/ksyun_emulator), for real:
signatures accepted, the documented parameter names understood, faults retried (or not)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ksyun_emulator import world
from ksyun_emulator.server import Emulator

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._kci import api as kci
from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
from ansible_collections.ksyun.cloud.plugins.module_utils._client import Client
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError

REGION = "cn-beijing-6"
PASSWORD = "Kce-Test-2019"


def make(emu, **kwargs):
    kwargs.setdefault("sleep", lambda s: None)
    return Client(emu.access_key, emu.secret_key, REGION, endpoint_url=emu.url, **kwargs)


@pytest.fixture
def client(emulator_server):
    return make(emulator_server)


def node_para(count, **extra):
    para = {"MaxCount": count, "MinCount": count, "ImageId": world.IMAGE_CENTOS, "SubnetId": world.SUBNET,
            "InstancePassword": PASSWORD, "SecurityGroupId": world.SG, "DataDiskGb": 50, "ChargeType": "Daily",
            "InstanceType": "I3.4B", "PurchaseTime": 0}
    para.update(extra)
    return para


# ---------------------------------------------------------------------------------- reads

def test_describe_cluster_namespace_and_container_group(client):
    clusters = kce.describe_clusters(client)
    assert clusters and all("ClusterId" in c for c in clusters)
    assert kcr.describe_namespaces(client) == []
    assert kci.describe_container_groups(client) == []
    assert client.api_calls == ["DescribeCluster", "DescribeRepoNamespace", "DescribeContainerGroup"]


def test_every_read_function(client):
    clusters = kce.describe_clusters(client)
    cid = clusters[0]["ClusterId"]
    assert kce.describe_clusters(client, cluster_ids=[cid, "no-such-cluster", cid]) == [clusters[0]]
    assert kce.describe_cluster(client, "no-such-cluster") is None
    nodes = kce.describe_cluster_instances(client, cid)
    assert nodes
    one = nodes[0]["InstanceId"]
    assert [n["InstanceId"] for n in kce.describe_cluster_instances(client, cid, instance_ids=[one])] == [one]
    assert kce.describe_cluster_instances(client, cid, filters={"instance-role": ["Etcd"]}) == [
        n for n in nodes if n.get("InstanceRole") == "Etcd"]
    images = kce.describe_instance_images(client)
    assert world.IMAGE_CENTOS in [i["ImageId"] for i in images]
    assert [i["ImageId"] for i in kce.describe_instance_images(client, [world.IMAGE_CENTOS])] == [world.IMAGE_CENTOS]
    existed = kce.describe_existed_instances(client, filters={"vpc-id": [world.VPC]})
    assert world.KEC_AVAILABLE in [i["InstanceId"] for i in existed]
    assert isinstance(kce.describe_epc_for_cluster(client), list)
    assert kcr.namespace_exists(client, "surely-not-there-123") is False
    public = kcr.describe_public_repositories(client)
    assert len(public) == len(set(r["RepoName"] for r in public))
    assert kcr.describe_repositories(client) == []
    assert kcr.get_favorites(client) == []
    assert kci.describe_image_caches(client) == []


def test_pagination_collects_every_page(emulator_server):
    client = make(emulator_server)
    everything = kcr.describe_public_repositories(client)
    assert len(everything) > 99  # more than one page of the largest documented size
    pages = client.api_calls.count("DescribePublicRepository")
    assert pages == (len(everything) + 98) // 99
    small = client.paginate("kce", "2018-03-14", "DescribePublicRepository", {}, "RepoSet", page_size=7)
    assert [r["RepoName"] for r in small] == [r["RepoName"] for r in everything]


def test_a_wrong_secret_is_refused_and_not_retried(emulator_server):
    client = Client(emulator_server.access_key, "wrong", REGION, endpoint_url=emulator_server.url,
                    sleep=lambda s: None)
    with pytest.raises(KsyunError) as info:
        kce.describe_clusters(client)
    assert (info.value.status, info.value.code) == (403, "SignatureDoesNotMatch")
    assert client.api_calls == ["DescribeCluster"]


# --------------------------------------------------------------------------------- writes

def test_kcr_writes_with_odd_characters(client):
    kcr.register_account(client, "Pa55+word/~x%")
    kcr.create_namespace(client, "ns-unit", public=False)
    assert kcr.namespace_exists(client, "ns-unit") is True
    kcr.modify_namespace_type(client, "ns-unit", True)
    kcr.create_repository(client, "ns-unit/web", description=u"a + b / c ~ 名字 100%")
    kcr.update_repository_description(client, "ns-unit/web", u"new description: x=y&z")
    repos = kcr.describe_repositories(client, repo_names=["ns-unit/web"])
    assert [r["RepoName"] for r in repos] == ["ns-unit/web"]
    assert kcr.describe_repositories(client, filters={"namespace": ["ns-unit"], "public": ["true"]}) == repos
    assert [n["Namespace"] for n in kcr.describe_namespaces(client, filters={"public": ["true"]})] == ["ns-unit"]
    assert kcr.describe_tags(client, "ns-unit/web") == []
    kcr.delete_repository(client, "ns-unit/web")
    kcr.delete_namespace(client, "ns-unit")
    kcr.modify_password(client, "An0ther!pass")
    assert kcr.describe_namespaces(client) == []


def test_kce_cluster_lifecycle(client):
    answer = kce.create_cluster(
        client, cluster_name=u"unit 集群+1", vpc_id=world.VPC, pod_cidr="10.80.0.0/16", service_cidr="10.254.0.0/16",
        network_type="Flannel", k8s_version="v1.15.5", reserve_subnet_id=world.RESERVE_SUBNET,
        cluster_desc="made by the client tests", master_etcd_separate=False,
        instance_set=[{"NodeRole": "Master_Etcd", "NodePara": [node_para(3)]},
                      {"NodeRole": "Worker", "NodePara": node_para(1, InstanceName="wk")}])
    cid = answer["ClusterId"]
    cluster = kce.describe_cluster(client, cid)
    assert cluster["ClusterName"] == u"unit 集群+1"
    nodes = kce.describe_cluster_instances(client, cid)
    assert sorted(n["InstanceRole"] for n in nodes) == ["Master_Etcd"] * 3 + ["Worker"]
    kce.modify_cluster_info(client, cid, cluster_desc="changed")
    assert kce.describe_cluster(client, cid)["ClusterDesc"] == "changed"
    added = kce.add_cluster_instances(client, cid, [{"NodeRole": "Worker", "NodePara": [node_para(2)]}])
    assert len(added["InstanceSet"]) == 2
    existed = kce.add_existed_instances(client, cid, [{"NodeRole": "Worker", "KecPara": [
        {"InstanceId": world.KEC_AVAILABLE, "ImageId": world.IMAGE_CENTOS, "InstancePassword": PASSWORD}]}])
    assert existed["InstanceSet"][0]["Return"] is True
    config = kce.download_cluster_config(client, cid, is_public=False)
    assert "ClusterConfig" in config
    workers = [n["InstanceId"] for n in kce.describe_cluster_instances(
        client, cid, filters={"instance-role": ["Worker"]})]
    gone = kce.delete_cluster_instances(client, cid, workers[:2])
    assert [i["Return"] for i in gone["InstanceSet"]] == [True, True]
    kce.delete_cluster(client, cid)
    assert kce.describe_cluster(client, cid) is None


def test_dry_run_is_sent(client):
    with pytest.raises(KsyunError) as info:
        kcr.create_namespace(client, "ns-dry", True, dry_run=True)
    assert (info.value.status, info.value.code) == (412, "DryRunOperation")
    assert kcr.namespace_exists(client, "ns-dry") is False


def test_kci_container_group_and_image_cache(client):
    answer = kci.create_container_group(
        client, "web-unit", world.KDC_SUBNET, [world.SG],
        containers=[{"Name": "nginx", "Image": "hub.kce.ksyun.com/ksyun/nginx:latest", "Command": ["nginx"],
                     "Arg": ["-g", "daemon off;"], "EnvironmentVar": [{"Key": "MODE", "Value": "a b+c"}],
                     "Port": [{"Port": 80, "Protocol": "TCP"}], "Cpu": 1, "Memory": 2}],
        cpu=1, memory=2, restart_policy="Always",
        host_aliases=[{"Hostname": ["db.local", "db"], "Ip": "10.0.80.9"}],
        dns_config={"NameServer": ["10.0.0.2"], "Option": [{"Name": "ndots", "Value": "2"}]},
        image_registry_credentials=[{"Server": "hub.kce.ksyun.com", "Username": "u", "Password": "p w+/"}])
    gid = answer["ContainerGroupId"]
    groups = kci.describe_container_groups(client, ids=[gid])
    assert [g["ContainerGroupName"] for g in groups] == ["web-unit"]
    container = groups[0]["Containers"][0]
    assert container["Args"] == ["-g", "daemon off;"]
    assert container["EnvironmentVars"] == [{"Key": "MODE", "Value": "a b+c"}]
    assert groups[0]["HostAliases"][0]["Hostnames"] == ["db.local", "db"]
    assert kci.describe_container_groups(client, search="web-unit", filters={"status": ["Running"]}) == groups
    log = kci.describe_container_log(client, gid, "nginx", tail=5)
    assert isinstance(log, str) and len(log.splitlines()) <= 5
    kci.delete_container_group(client, gid)
    cache = kci.create_image_cache(client, "cache-unit", world.KDC_SUBNET, world.SG,
                                   ["hub.kce.ksyun.com/ksyun/nginx:latest"], image_cache_size=20, retention_days=3)
    caches = kci.describe_image_caches(client, ids=[cache["ImageCacheId"]])
    assert [c["ImageCacheName"] for c in caches] == ["cache-unit"]
    assert kci.describe_image_caches(client, image="ksyun/nginx", name="cache") == caches
    kci.delete_image_cache(client, cache["ImageCacheId"])


# --------------------------------------------------------------------------------- faults

@pytest.mark.parametrize("fault", ["throttle", "unavailable", "timeout", "drop"])
def test_read_faults_are_retried(emulator_server, fault):
    client = make(emulator_server)
    emulator_server.schedule_fault("DescribeCluster", fault, count=2)
    assert kce.describe_clusters(client)
    assert client.api_calls == ["DescribeCluster"] * 3


def test_read_faults_beyond_max_retries_fail(emulator_server):
    client = make(emulator_server, max_retries=2)
    emulator_server.schedule_fault("DescribeRepoNamespace", "throttle", count=3)
    with pytest.raises(KsyunError) as info:
        kcr.describe_namespaces(client)
    assert (info.value.status, info.value.code) == (409, "LimitExceeded")
    assert client.api_calls == ["DescribeRepoNamespace"] * 3


def test_a_throttled_write_is_retried(emulator_server):
    client = make(emulator_server)
    emulator_server.schedule_fault("CreateRepoNamespace", "throttle", count=2)
    kcr.create_namespace(client, "ns-throttled", True)
    assert client.api_calls == ["CreateRepoNamespace"] * 3
    assert kcr.namespace_exists(client, "ns-throttled")


def test_a_lost_response_write_is_not_retried(emulator_server):
    client = make(emulator_server)
    emulator_server.schedule_fault("CreateRepoNamespace", "lost_response", count=1)
    with pytest.raises(KsyunError) as info:
        kcr.create_namespace(client, "ns-lost", True)
    assert info.value.maybe_applied is True
    assert info.value.code == "ConnectionError"
    assert client.api_calls == ["CreateRepoNamespace"]
    # it was applied: the caller re-reads and finds it
    assert kcr.namespace_exists(client, "ns-lost") is True


@pytest.mark.parametrize("fault", ["unavailable", "timeout", "drop"])
def test_other_write_faults_are_not_retried(emulator_server, fault):
    client = make(emulator_server)
    emulator_server.schedule_fault("CreateRepoNamespace", fault, count=1)
    with pytest.raises(KsyunError) as info:
        kcr.create_namespace(client, "ns-" + fault, True)
    assert info.value.maybe_applied is True
    assert client.api_calls == ["CreateRepoNamespace"]


def test_a_write_answered_service_timeout_lands_later(emulator_server):
    """The emulator's choice (faults.py): a ServiceTimeout'd write is carried out `land_seconds` after its
    answer, so a client that re-reads at once does not see it yet and one that keeps re-reading does."""
    import time
    emulator_server.faults.land_seconds = 1.0
    client = make(emulator_server)
    emulator_server.schedule_fault("CreateRepoNamespace", "timeout", count=1)
    with pytest.raises(KsyunError) as info:
        kcr.create_namespace(client, "ns-late", True)
    assert (info.value.status, info.value.code, info.value.maybe_applied) == (500, "ServiceTimeout", True)
    assert kcr.namespace_exists(client, "ns-late") is False
    deadline = time.monotonic() + 10
    while not kcr.namespace_exists(client, "ns-late"):
        assert time.monotonic() < deadline, "the timed-out write never landed"
        time.sleep(0.2)
    # a read answered ServiceTimeout has nothing to carry out; the emulator stopping first drops a pending one
    emulator_server.faults.land_seconds = 30.0
    emulator_server.schedule_fault("DeleteRepoNamespace", "timeout", count=1)
    with pytest.raises(KsyunError):
        kcr.delete_namespace(client, "ns-late")
    assert kcr.namespace_exists(client, "ns-late") is True


def test_stall_is_a_read_timeout():
    emu = Emulator(lifecycle_seconds=0, stall_seconds=2.0)
    emu.start(host="127.0.0.1", port=0)
    try:
        emu.schedule_fault("DescribeCluster", "stall", count=1)
        client = make(emu, timeout=0.5)
        assert kce.describe_clusters(client)
        assert client.api_calls == ["DescribeCluster"] * 2
        emu.schedule_fault("DeleteCluster", "stall", count=1)
        with pytest.raises(KsyunError) as info:
            kce.delete_cluster(client, "no-such-cluster")
        assert info.value.code == "ReadTimeout"
        assert info.value.maybe_applied is True
        assert client.api_calls[-1:] == ["DeleteCluster"] and client.api_calls.count("DeleteCluster") == 1
    finally:
        emu.stop()


@pytest.mark.parametrize("expires", [None, 300])
def test_query_form_signature_is_accepted(emulator_server, expires):
    import requests
    from urllib.parse import urlsplit
    from ansible_collections.ksyun.cloud.plugins.module_utils import _signer

    host = urlsplit(emulator_server.url).netloc
    pairs = [("Action", "DescribeRepoNamespace"), ("Version", "2018-03-14"), ("Namespace", u"a b+c 名")]
    auth = _signer.presign_query("GET", host, "/", pairs, b"", emulator_server.access_key,
                                 emulator_server.secret_key, REGION, "kce", expires=expires)
    url = "%s/?%s" % (emulator_server.url, _signer.encode_query(pairs + sorted(auth.items())))
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["NamespaceSet"] == []
