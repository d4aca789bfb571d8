"""Unit tests of the pure helpers of the _info modules (option -> API parameter mapping, checks).

The modules' API behaviour is covered by their integration targets against the emulator.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ksyun.cloud.plugins.module_utils._kci import api as kci
from ansible_collections.ksyun.cloud.plugins.module_utils._kcr.options import check_repo_name
from ansible_collections.ksyun.cloud.plugins.module_utils._module import filters_from

from ansible_collections.ksyun.cloud.plugins.modules import (
    kce_cluster_info,
    kce_epc_info,
    kce_existed_instance_info,
    kce_instance_image_info,
    kce_node_info,
    kci_container_group_info,
    kci_image_cache_info,
    kcr_favorite_info,
    kcr_namespace_info,
    kcr_repository_info,
    kcr_tag_info,
)


def _params(spec, **given):
    """Every option of an argument spec, None unless given or defaulted."""
    out = dict((name, opt.get("default")) for name, opt in spec.items())
    out.update(given)
    return out


# ---------------------------------------------------------------------------------- filters

def test_node_filters_map_roles_to_instance_role():
    params = _params(kce_node_info.ARGUMENT_SPEC, cluster_id="c", roles=["Worker", "Master_Etcd"])
    assert filters_from(params, kce_node_info.FILTERS) == {"instance-role": ["Worker", "Master_Etcd"]}


def test_node_filters_empty_roles_send_nothing():
    params = _params(kce_node_info.ARGUMENT_SPEC, cluster_id="c", roles=[])
    assert filters_from(params, kce_node_info.FILTERS) == {"instance-role": None}


def test_existed_instance_filters_use_the_documented_names():
    params = _params(kce_existed_instance_info.ARGUMENT_SPEC, vpc_id=["v"], subnet_id=["s1", "s2"],
                     availability_zone=["cn-beijing-6a"], instance_state=["stopped"])
    assert filters_from(params, kce_existed_instance_info.FILTERS) == {
        "vpc-id": ["v"],
        "subnet-id": ["s1", "s2"],
        "availability-zone.name": ["cn-beijing-6a"],
        "instance-state.name": ["stopped"],
    }


def test_epc_filters_use_the_documented_names():
    params = _params(kce_epc_info.ARGUMENT_SPEC, host_name=["k8s_1"])
    assert filters_from(params, kce_epc_info.FILTERS) == {"vpc-id": None, "subnet-id": None, "host-name": ["k8s_1"]}


def test_container_group_filters_use_the_documented_names():
    params = _params(kci_container_group_info.ARGUMENT_SPEC, subnet_id=["s"], status=["Failed"])
    assert filters_from(params, kci_container_group_info.FILTERS) == {
        "subnet-id": ["s"], "vpc-id": None, "availability-zone.name": None, "status": ["Failed"]}


@pytest.mark.parametrize("public, expected", [(None, {"public": None}), (True, {"public": ["true"]}), (False, {"public": ["false"]})])
def test_namespace_public_filter(public, expected):
    params = _params(kcr_namespace_info.ARGUMENT_SPEC, public=public)
    assert filters_from(params, kcr_namespace_info.FILTERS) == expected


def test_repository_filters():
    params = _params(kcr_repository_info.ARGUMENT_SPEC, namespace=["a", "b"], public=False)
    assert filters_from(params, kcr_repository_info.FILTERS) == {"namespace": ["a", "b"], "public": ["false"]}


def test_tag_filter():
    params = _params(kcr_tag_info.ARGUMENT_SPEC, repository="ns/r", tags=["v1"])
    assert filters_from(params, kcr_tag_info.FILTERS) == {"tag": ["v1"]}


# ----------------------------------------------------------------------------------- checks

def test_repository_public_with_public_catalog_is_refused():
    params = _params(kcr_repository_info.ARGUMENT_SPEC, public_catalog=True, public=True)
    assert "public_catalog" in kcr_repository_info.check_options(params)


def test_repository_names_need_a_namespace():
    params = _params(kcr_repository_info.ARGUMENT_SPEC, names=["ns/ok", "bad"])
    message = kcr_repository_info.check_options(params)
    assert "names" in message and "bad" in message and "ns/ok" not in message


@pytest.mark.parametrize("name", ["/web", "ns/", " /web", "ns/ ", "/"])
def test_repository_names_need_both_sides(name):
    """A "/" is not enough: both the namespace and the repository (as kcr_repository and kcr_tag ask)."""
    params = _params(kcr_repository_info.ARGUMENT_SPEC, names=["ns/ok", name])
    message = kcr_repository_info.check_options(params)
    assert message and "names must be a full repository name namespace/repository" in message


def test_repository_good_options_pass():
    params = _params(kcr_repository_info.ARGUMENT_SPEC, names=["ns/repo"], public=True)
    assert kcr_repository_info.check_options(params) is None


@pytest.mark.parametrize("name, ok", [("ns/repo", True), ("ns/a/b", True), ("repo", False), ("/repo", False), ("ns/", False),
                                      (" /repo", False), ("ns/ ", False)])
def test_repository_name(name, ok):
    message = check_repo_name("repository", name)
    assert (message is None) is ok
    if not ok:
        assert message.startswith("repository must be a full repository name namespace/repository") and repr(name) in message


@pytest.mark.parametrize("tail, ok", [(1, True), (200, True), (1000, True), (0, False), (1001, False), (-5, False)])
def test_container_group_log_tail_range(tail, ok):
    params = _params(kci_container_group_info.ARGUMENT_SPEC, log_tail=tail)
    message = kci_container_group_info.check_options(params)
    assert (message is None) is ok
    if not ok:
        assert "log_tail" in message


def test_container_group_negative_project_id():
    params = _params(kci_container_group_info.ARGUMENT_SPEC, project_ids=[0, -1])
    assert "project_ids" in kci_container_group_info.check_options(params)


# -------------------------------------------------------------------------------- mapping

def test_image_cache_accepts_both_spellings_of_the_times():
    table = {"ImageCacheId": "a", "CreationTime": "2023-07-02 22:19:07", "ExpireDateTime": "2023-07-12 22:19:07"}
    example = {"ImageCacheId": "b", "CreateTime": "2023-07-02 22:19:07", "ExpireTime": ""}
    assert kci.normalize_image_cache(table) == {
        "ImageCacheId": "a", "CreateTime": "2023-07-02 22:19:07", "ExpireTime": "2023-07-12 22:19:07"}
    assert kci.normalize_image_cache(example) == example


class _FakeModule:
    def __init__(self, params):
        self.params = params
        self.client = object()


def test_cluster_exact_name_also_narrows_the_search(monkeypatch):
    seen = {}

    def describe_clusters(client, cluster_ids=None, search=None, filters=None):
        seen.update(cluster_ids=cluster_ids, search=search)
        return [{"ClusterName": "epc-cluster"}, {"ClusterName": "epc-cluster-2"}]

    monkeypatch.setattr(kce_cluster_info.kce, "describe_clusters", describe_clusters)
    params = _params(kce_cluster_info.ARGUMENT_SPEC, name="epc-cluster")
    assert kce_cluster_info.describe(_FakeModule(params)) == [{"ClusterName": "epc-cluster"}]
    assert seen == {"cluster_ids": None, "search": "epc-cluster"}


def test_cluster_search_wins_over_the_name_for_the_api(monkeypatch):
    seen = {}

    def describe_clusters(client, cluster_ids=None, search=None, filters=None):
        seen.update(search=search)
        return [{"ClusterName": "prod"}]

    monkeypatch.setattr(kce_cluster_info.kce, "describe_clusters", describe_clusters)
    params = _params(kce_cluster_info.ARGUMENT_SPEC, name="prod", search="pro")
    assert kce_cluster_info.describe(_FakeModule(params)) == [{"ClusterName": "prod"}]
    assert seen == {"search": "pro"}


def _documentation(module):
    """The module's DOCUMENTATION with its ksyun.cloud doc fragments merged into it."""
    import importlib
    import yaml

    doc = yaml.safe_load(module.DOCUMENTATION)
    for ref in doc.pop("extends_documentation_fragment"):
        assert ref.startswith("ksyun.cloud."), ref
        name, _dot, variant = ref[len("ksyun.cloud."):].partition(".")
        fragments = importlib.import_module("ansible_collections.ksyun.cloud.plugins.doc_fragments." + name)
        fragment = yaml.safe_load(getattr(fragments.ModuleDocFragment, (variant or "documentation").upper()))
        for section, entries in fragment.items():
            if isinstance(entries, dict):
                doc.setdefault(section, {}).update(entries)
            else:  # notes, requirements, seealso: lists
                doc[section] = list(doc.get(section) or []) + list(entries)
    return doc


def test_every_module_documents_its_options_and_attributes():
    import yaml
    for module in (kce_cluster_info, kce_epc_info, kce_existed_instance_info, kce_instance_image_info,
                   kce_node_info, kci_container_group_info, kci_image_cache_info, kcr_favorite_info,
                   kcr_namespace_info, kcr_repository_info, kcr_tag_info):
        doc = _documentation(module)
        assert doc["attributes"]["diff_mode"]["support"] == "none"
        assert "api_calls" not in doc["options"] and doc["options"]["secret_key"]["type"] == "str"
        assert doc["attributes"]["check_mode"]["support"] == "full"
        assert doc["attributes"]["action_group"]["membership"] == ["ksyun.cloud.ksyun"]
        assert doc["version_added"] == "0.1.0"
        # every option of the argument spec is documented, with the same type
        for name, opt in module.ARGUMENT_SPEC.items():
            assert name in doc["options"], (module.__name__, name)
            assert doc["options"][name]["type"] == opt["type"], (module.__name__, name)
            assert doc["options"][name].get("elements") == opt.get("elements"), (module.__name__, name)
            assert doc["options"][name].get("choices") == opt.get("choices"), (module.__name__, name)
            assert doc["options"][name].get("default") == opt.get("default"), (module.__name__, name)
        # the documented return keys: the module's list, plus api_calls
        assert "api_calls" in yaml.safe_load(module.RETURN)
