# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action functions send the documented names (with the spec README's errata applied)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._kci import api as kci
from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError


class Recorder(object):
    """Stands in for Client: records (kind, service, version, action, params, write)."""

    def __init__(self, answer=None, pages=None, fail=None):
        self.calls = []
        self.answer = answer if answer is not None else {}
        self.pages = pages if pages is not None else []
        self.fail = fail or {}

    def call(self, service, version, action, params=None, write=False):
        self.calls.append(("call", service, version, action, dict(params or {}), write))
        return dict(self.answer)

    def paginate(self, service, version, action, params, result_key, page_size=None):
        self.calls.append(("paginate", service, version, action, dict(params or {}), result_key))
        key = params.get("ClusterId")
        if key in self.fail:
            raise self.fail[key]
        return list(self.pages)


def clean(params):
    return dict((k, v) for k, v in params.items() if v is not None)


# ---------------------------------------------------------------------------------------- KCE

def test_kce_service_and_version():
    assert (kce.SERVICE, kce.VERSION) == ("kce", "2019-08-06")
    assert (kcr.SERVICE, kcr.VERSION) == ("kce", "2018-03-14")
    assert (kci.SERVICE, kci.VERSION) == ("kci", "2020-07-02")


def test_describe_clusters_one_call_per_id_and_unknown_ids_skipped():
    missing = KsyunError("ClusterNotFound", "x", status=404)
    rec = Recorder(pages=[{"ClusterId": "a"}], fail={"b": missing})
    assert kce.describe_clusters(rec, cluster_ids=["a", "b", "a"], search="web") == [{"ClusterId": "a"}]
    assert [(c[3], clean(c[4])) for c in rec.calls] == [
        ("DescribeCluster", {"ClusterId": "a", "Search": "web"}),
        ("DescribeCluster", {"ClusterId": "b", "Search": "web"}),
    ]
    assert rec.calls[0][5] == "ClusterSet"


def test_describe_clusters_other_errors_propagate():
    rec = Recorder(fail={"a": KsyunError("AccessDenied", "no", status=403)})
    with pytest.raises(KsyunError):
        kce.describe_clusters(rec, cluster_ids=["a"])


def test_describe_cluster_instances_merges_instance_ids_into_filters():
    rec = Recorder()
    kce.describe_cluster_instances(rec, "c1", instance_ids=["i1", "i2"], search="10.0",
                                   filters={"instance-role": ["Worker"]})
    assert clean(rec.calls[0][4]) == {
        "ClusterId": "c1", "Search": "10.0",
        "Filter.1.Name": "instance-role", "Filter.1.Value.1": "Worker",
        "Filter.2.Name": "instance-id", "Filter.2.Value.1": "i1", "Filter.2.Value.2": "i2"}
    assert rec.calls[0][5] == "InstanceSet"


def test_existed_instances_reads_either_list_key():
    rec = Recorder()
    kce.describe_existed_instances(rec, cluster_id="c", instance_ids=["k1"], filters={"vpc-id": "v"})
    assert clean(rec.calls[0][4]) == {"ClusterId": "c", "InstanceId.1": "k1", "Filter.1.Name": "vpc-id",
                                      "Filter.1.Value.1": "v"}
    assert rec.calls[0][5] == ("ExistedInstanceSet", "InstanceSet")


def test_instance_images_single_call():
    rec = Recorder(answer={"ImageSet": [{"ImageId": "x"}]})
    assert kce.describe_instance_images(rec, ["x"]) == [{"ImageId": "x"}]
    assert rec.calls == [("call", "kce", "2019-08-06", "DescribeInstanceImage", {"ImageId.1": "x"}, False)]


def test_create_cluster_names():
    rec = Recorder()
    kce.create_cluster(rec, "n", "vpc", "10.0.0.0/16", "10.1.0.0/16", "Flannel", "v1.15.5", "rsv",
                       master_etcd_separate=True, max_pod_per_node=64,
                       instance_set=[{"NodeRole": "Master", "NodePara": [{"MaxCount": 3}]},
                                     {"NodeRole": "Worker", "NodePara": '{"MaxCount":1}'}],
                       existed_instance_epc_set=[{"NodeRole": "Etcd", "EpcPara": [{"InstanceId": "e1"}]}],
                       public_api_server={"BandWidth": 5})
    kind, service, version, action, params, write = rec.calls[0]
    assert (action, write) == ("CreateCluster", True)
    assert clean(params) == {
        "ClusterName": "n", "VpcId": "vpc", "PodCidr": "10.0.0.0/16", "ServiceCidr": "10.1.0.0/16",
        "NetworkType": "Flannel", "K8sVersion": "v1.15.5", "ReserveSubnetId": "rsv", "MaxPodPerNode": 64,
        "MasterEtcdSeparate": True, "PublicApiServer": '{"BandWidth":5}',
        "InstanceSet.1.NodeRole": "Master", "InstanceSet.1.NodePara.1": '{"MaxCount":3}',
        "InstanceSet.2.NodeRole": "Worker", "InstanceSet.2.NodePara.1": '{"MaxCount":1}',
        "ExistedInstanceEpcSet.1.NodeRole": "Etcd", "ExistedInstanceEpcSet.1.EpcPara.1": '{"InstanceId":"e1"}',
    }


def test_add_existed_instances_uses_kec_set():
    rec = Recorder()
    kce.add_existed_instances(rec, "c", [{"NodeRole": "Worker", "KecPara": [{"InstanceId": "k", "ImageId": "i"}]}])
    params = rec.calls[0][4]
    assert params["ExistedInstanceKecSet.1.NodeRole"] == "Worker"
    assert json.loads(params["ExistedInstanceKecSet.1.KecPara.1"]) == {"InstanceId": "k", "ImageId": "i"}
    assert rec.calls[0][5] is True


@pytest.mark.parametrize("func, args, action, expected", [
    (kce.delete_cluster_instances, ("c", ["i1", "i2"]), "DeleteClusterInstances",
     {"ClusterId": "c", "InstanceId.1": "i1", "InstanceId.2": "i2"}),
    (kce.modify_cluster_info, ("c", "name"), "ModifyClusterInfo", {"ClusterId": "c", "ClusterName": "name"}),
    (kce.delete_cluster, ("c", "Terminate"), "DeleteCluster", {"ClusterId": "c", "InstanceDeleteMode": "Terminate"}),
    (kce.add_cluster_epc_instances, ("c", ["e"]), "AddClusterEpcInstances", {"ClusterId": "c", "InstanceId.1": "e"}),
    (kcr.create_namespace, ("ns", False), "CreateRepoNamespace", {"Namespace": "ns", "Public": False}),
    (kcr.modify_namespace_type, ("ns", True), "ModifyRepoNamespaceType", {"Namespace": "ns", "Public": True}),
    (kcr.delete_namespace, ("ns",), "DeleteRepoNamespace", {"Namespace": "ns"}),
    (kcr.create_repository, ("ns/r", "d"), "CreateRepository", {"RepoName": "ns/r", "Description": "d"}),
    (kcr.delete_repository, ("ns/r",), "DeleteRepository", {"RepoName": "ns/r"}),
    (kcr.update_repository_description, ("ns/r", "d"), "UpdateRepoDesc", {"RepoName": "ns/r", "Description": "d"}),
    (kcr.delete_tags, ("ns/r", ["v1", "v2"]), "DeleteTags", {"RepoName": "ns/r", "Tag.1": "v1", "Tag.2": "v2"}),
    (kcr.add_favorite, ("ns/r", "KSYUN HUB"), "AddFavor", {"RepoName": "ns/r", "RepoType": "KSYUN HUB"}),
    (kcr.delete_favorite, ("ns/r",), "DeleteFavor", {"RepoName": "ns/r"}),
    (kcr.register_account, ("pw",), "RegisterRepositoryAccount", {"Password": "pw"}),
    (kcr.modify_password, ("pw",), "ModifyPassword", {"Password": "pw"}),
    (kci.delete_container_group, ("g",), "DeleteContainerGroup", {"ContainerGroupId": "g"}),
    (kci.delete_image_cache, ("ic",), "DeleteImageCache", {"ImageCacheId": "ic"}),
])
def test_simple_writes(func, args, action, expected):
    rec = Recorder()
    func(rec, *args)
    func(rec, *args, dry_run=True)
    assert rec.calls[0][3] == action and rec.calls[0][5] is True
    assert clean(rec.calls[0][4]) == expected
    assert clean(rec.calls[1][4]) == dict(expected, DryRun=True)


# ---------------------------------------------------------------------------------------- KCR

@pytest.mark.parametrize("func, kwargs, action, key, expected", [
    (kcr.describe_namespaces, dict(namespace="ns", filters={"public": ["true"]}), "DescribeRepoNamespace",
     "NamespaceSet", {"Namespace": "ns", "Filter.1.Name": "public", "Filter.1.Value.1": "true"}),
    (kcr.describe_repositories, dict(repo_names=["a/b"], filters={"namespace": ["a"]}), "DescribeRepository",
     "RepoSet", {"RepoName.1": "a/b", "Filter.1.Name": "namespace", "Filter.1.Value.1": "a"}),
    (kcr.describe_public_repositories, dict(repo_names=["ksyun/nginx"]), "DescribePublicRepository", "RepoSet",
     {"RepoName.1": "ksyun/nginx"}),
    (kcr.describe_tags, dict(repo_name="a/b", filters={"tag": None}), "DescribeTag", "TagSet", {"RepoName": "a/b"}),
    (kcr.get_favorites, dict(), "GetFavor", "FavorSet", {}),
    (kci.describe_container_groups, dict(ids=["g"], search="web", filters={"status": ["Running"]},
                                         project_ids=[0, 42]),
     "DescribeContainerGroup", "ContainerGroups",
     {"ContainerGroupId.1": "g", "Search": "web", "ProjectId.1": 0, "ProjectId.2": 42,
      "Filter.1.Name": "status", "Filter.1.Value.1": "Running"}),
    (kci.describe_image_caches, dict(ids=["ic"], image="nginx", name="c"), "DescribeImageCache", "ImageCaches",
     {"ImageCacheId.1": "ic", "Image": "nginx", "ImageCacheName": "c"}),
])
def test_paginated_reads(func, kwargs, action, key, expected):
    rec = Recorder()
    assert func(rec, **kwargs) == []
    assert rec.calls[0][3] == action and rec.calls[0][5] == key
    assert clean(rec.calls[0][4]) == expected


@pytest.mark.parametrize("value, exists", [(True, True), (False, False), ("true", True), ("false", False),
                                           (None, False)])
def test_namespace_exists(value, exists):
    rec = Recorder(answer={"Exist": value})
    assert kcr.namespace_exists(rec, "ns") is exists
    assert rec.calls[0][3:5] == ("RepoNamespaceExist", {"Namespace": "ns"})


def test_exact_lookups_keep_only_the_exact_name():
    """find_* follow every page (Recorder.paginate stands for all of them) and keep the exact name only,
    whatever else the API matched (a looser match, or a RepoName.N it ignored)."""
    rec = Recorder(pages=[{"Namespace": "team-a2"}, {"Namespace": "team-a"}])
    assert kcr.find_namespace(rec, "team-a") == {"Namespace": "team-a"}
    assert kcr.find_namespace(rec, "team") is None
    rec = Recorder(pages=[{"RepoName": "ns/web-2"}, {"RepoName": "ns/web"}])
    assert kcr.find_repository(rec, "ns/web") == {"RepoName": "ns/web"}
    assert kcr.find_repository(rec, "ns/we") is None
    assert [(c[0], c[3], clean(c[4])) for c in rec.calls] == [
        ("paginate", "DescribeRepository", {"RepoName.1": "ns/web"}),
        ("paginate", "DescribeRepository", {"RepoName.1": "ns/we"})]


def test_describe_tags_without_a_repository_sends_no_repo_name():
    rec = Recorder()
    kcr.describe_tags(rec, filters={"tag": ["latest"]})
    assert clean(rec.calls[0][4]) == {"Filter.1.Name": "tag", "Filter.1.Value.1": "latest"}


# ---------------------------------------------------------------------------------------- KCI

def test_container_log():
    rec = Recorder(answer={"Content": "line1\nline2"})
    assert kci.describe_container_log(rec, "g", "c", tail=2) == "line1\nline2"
    assert rec.calls[0][3:5] == ("DescribeContainerLog", {"ContainerGroupId": "g", "ContainerName": "c", "Tail": 2})
    assert kci.describe_container_log(Recorder(answer={"Content": None}), "g", "c") == ""


def test_create_container_group_names():
    rec = Recorder()
    kci.create_container_group(
        rec, "web", "subnet", ["sg1", "sg2"],
        containers=[{"Name": "c", "Image": "nginx", "Port": [{"Port": 80}],
                     "EnvironmentVar": [{"Key": "A", "Value": "1"}]}],
        volumes=[{"Type": "NFSVolume", "Name": "v", "NFSVolume": {"Server": "s", "Path": "/p", "Options": ["ro"]}}],
        dns_config={"NameServer": ["10.0.0.2"]}, advance_settings={"SystemDisk": {"Size": 40}}, retain_ip=True)
    params = clean(rec.calls[0][4])
    assert params == {
        "ContainerGroupName": "web", "SubnetId": "subnet", "SecurityGroupId.1": "sg1", "SecurityGroupId.2": "sg2",
        "KciType": "RBKCI", "ChargeType": "HourlyInstantSettlement",
        "Container.1.Name": "c", "Container.1.Image": "nginx", "Container.1.Port.1.Port": 80,
        "Container.1.EnvironmentVar.1.Key": "A", "Container.1.EnvironmentVar.1.Value": "1",
        "Volume.1.Type": "NFSVolume", "Volume.1.Name": "v", "Volume.1.NFSVolume.Server": "s",
        "Volume.1.NFSVolume.Path": "/p", "Volume.1.NFSVolume.Options.1": "ro",
        "DnsConfig.NameServer.1": "10.0.0.2", "AdvanceSettings.SystemDisk.Size": 40, "RetainIp": True,
    }
    assert rec.calls[0][3] == "CreateContainerGroup" and rec.calls[0][5] is True


def test_create_image_cache_names():
    rec = Recorder()
    kci.create_image_cache(rec, "cache", "subnet", "sg", ["a:1", "b:2"], image_cache_size=20,
                           image_registry_credentials=[{"Server": "s", "Username": "u", "Password": "p"}])
    assert clean(rec.calls[0][4]) == {
        "ImageCacheName": "cache", "SubnetId": "subnet", "SecurityGroupId": "sg", "Image.1": "a:1", "Image.2": "b:2",
        "ImageCacheSize": 20, "ImageRegistryCredential.1.Server": "s", "ImageRegistryCredential.1.Username": "u",
        "ImageRegistryCredential.1.Password": "p"}
