# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 14 (guarantees a platform team tested): the warning for create-only options that no read
returns, the hint that ends a refused-credential error, and durations refused when negative.

The modules' use of them is covered by the kce_cluster, kci_container_group and kci_image_cache
integration targets.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket

import pytest
import requests

from core_compat import patch_module_args
from ansible_collections.ksyun.cloud.plugins.module_utils._client import Client
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ansible_collections.ksyun.cloud.plugins.module_utils._config import check_common_options
from ksyun_fakes import FakeResponse, FakeSession
from test_resource import Thing, World

CREDS = dict(access_key="AKLTopt", secret_key="opt-secret", region="cn-beijing-6")


# ------------------------------------------------------------------ create-only options no read returns

class Seeded(Thing):
    """test_resource's toy resource, with a `seed` that only a create uses and no read returns."""
    argument_spec = dict(Thing.argument_spec, seed=dict(type="str"))
    unreadable = ("seed",)


def run(capsys, check=False, **args):
    args = dict(CREDS, **args)
    if check:
        args["_ansible_check_mode"] = True
    from ansible.module_utils.common import warnings as module_warnings
    getattr(module_warnings, "_global_warnings", {}).clear()   # the warnings of one module run only
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            Seeded.run_module()
    return json.loads(capsys.readouterr().out)


def writes():
    return Seeded.world.writes


def warnings(out):
    """The warning texts of a result (plain texts before ansible-core 2.19, summaries since)."""
    return [w if isinstance(w, str) else w["event"]["msg"] for w in out.get("warnings") or []]


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    # a module's warnings go to its result (in a test process that also loaded controller code,
    # ansible-core 2.19 would send them to the controller's display instead)
    try:
        from ansible.module_utils import _internal   # 2.19+
    except ImportError:
        _internal = None
    if _internal is not None:
        monkeypatch.setattr(_internal, "is_controller", False, raising=False)
    Seeded.world = World(a=dict(Name="a", Size=1, Status="ready"))


@pytest.mark.parametrize("check", [False, True])
def test_an_unreadable_option_on_an_existing_resource_warns_naming_it(capsys, check):
    out = run(capsys, check=check, name="a", size=1, seed="other")
    assert out["changed"] is False and writes() == []
    assert len(warnings(out)) == 1
    warning = warnings(out)[0]
    assert warning.startswith("thing a exists;") and "seed" in warning.split(":")[1] and "no read returns" in warning


def test_no_warning_without_the_option_or_on_a_create(capsys):
    assert warnings(run(capsys, name="a", size=1)) == []
    out = run(capsys, name="b", seed="x")
    assert out["changed"] is True and writes() == ["CreateThing"] and warnings(out) == []
    assert warnings(run(capsys, name="b", seed="x", state="absent")) == []


def test_a_failing_immutable_difference_does_not_warn_twice(capsys):
    out = run(capsys, name="a", size=5, seed="x")
    assert out["failed"] is True and "size: is 1, the task wants 5" in out["msg"]
    assert writes() == [] and warnings(out) == []


# ------------------------------------------------------------------ credential errors end with a hint

@pytest.mark.parametrize("code, message, names", [
    ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.",
     ("secret_key", "KSYUN_SECRET_KEY")),
    ("InvalidClientTokenId", "The security token included in the request is invalid.",
     ("access_key", "KSYUN_ACCESS_KEY")),
    ("SignatureDoesNotMatch", "Credential should be scoped to a valid region, not:cn-nowhere-1.",
     ("region", "KSYUN_REGION")),
    ("SignatureDoesNotMatch", "Credential should be scoped to correct service: 'kci'.",
     ("endpoint_url", "KSYUN_ENDPOINT_URL")),
])
def test_a_refused_credential_names_the_option_and_its_variable(make_client, code, message, names):
    client, _session = make_client([FakeResponse(403, {"RequestId": "r1", "Error": {
        "Type": "Sender", "Code": code, "Message": message}})])
    with pytest.raises(KsyunError) as info:
        client.call("kce", "2019-08-06", "DescribeCluster")
    text = str(info.value)
    assert text.startswith("DescribeCluster failed: %s: %s" % (code, message))
    hint = text.split("; check ", 1)[1]
    assert all(name in hint for name in names), text
    assert info.value.to_dict()["message"] == message   # the API's own message, unchanged


def test_other_errors_get_no_hint():
    assert "check" not in str(KsyunError("ClusterNotFound", "gone", status=404))
    expired = KsyunError("SignatureDoesNotMatch", "Signature expired: 20260101T000000Z is now earlier than ...")
    assert "clock" in str(expired) and "secret_key" not in str(expired)


def _unresolvable(record):
    try:
        raise socket.gaierror(-2, "Name or service not known")
    except socket.gaierror as exc:
        raise requests.exceptions.ConnectionError("Failed to resolve %s" % record["url"]) from exc


@pytest.mark.parametrize("endpoint, names", [
    (None, ("region", "KSYUN_REGION")),
    ("https://{service}.{region}.example.com", ("region", "KSYUN_REGION")),
    ("https://proxy.example.com", ("endpoint_url", "KSYUN_ENDPOINT_URL")),
])
def test_a_host_that_does_not_resolve_names_the_region_or_the_endpoint(clock, endpoint, names):
    session = FakeSession([_unresolvable])
    client = Client("AKLTtest", "topsecret/KEY", "cn-nowhere-1", endpoint_url=endpoint, session=session,
                    sleep=clock.sleep, clock=clock, max_retries=0)
    with pytest.raises(KsyunError) as info:
        client.call("kce", "2019-08-06", "DescribeCluster")
    assert info.value.code == "ConnectionError"
    hint = str(info.value).split("; check ", 1)[1]
    assert all(name in hint for name in names), str(info.value)
    if endpoint and "{region}" not in endpoint:
        assert "KSYUN_REGION" not in hint


# ------------------------------------------------------------------ durations are never negative

@pytest.mark.parametrize("option, value, rule", [
    ("wait_timeout", -1, "wait_timeout must not be negative"),
    ("timeout", -5, "timeout must be at least 1"),
    ("max_retries", -1, "max_retries must not be negative"),
])
def test_negative_durations_and_counts_are_refused(option, value, rule):
    assert rule in check_common_options(dict(CREDS, **{option: value}))
    assert check_common_options(dict(CREDS, wait_timeout=0, timeout=1, max_retries=0)) is None


def test_a_negative_wait_timeout_fails_before_any_read(capsys):
    out = run(capsys, name="a", wait_timeout=-30)
    assert Seeded.world.reads == 0
    assert out["failed"] is True and out["msg"] == "wait_timeout must not be negative (seconds; 0 checks once), got -30"


def test_the_container_group_names_each_unread_option_of_a_new_disk():
    from ansible_collections.ksyun.cloud.plugins.modules import kci_container_group as cg
    group = object.__new__(cg.KciContainerGroup)
    ebs = dict(fs_type="ext4", volume_id=None, type="SSD3.0", size=50, snapshot_id=None, delete_with_instance=None)
    group.params = dict((k, None) for k in cg.KciContainerGroup.argument_spec)
    group.params.update(eip_allocation_id="eip-1", volumes=[
        dict(name="tmp", type="EmptyDirVolume", ebs_volume=None, nfs_volume=None),
        dict(name="data", type="EBSVolume", ebs_volume=ebs, nfs_volume=None)])
    assert group.unread() == ["eip_allocation_id", "volumes[1].ebs_volume.type", "volumes[1].ebs_volume.size"]


def test_image_cache_retention_days_zero_means_kept_for_ever_and_negative_fails():
    from ansible_collections.ksyun.cloud.plugins.modules import kci_image_cache as ic
    cache = object.__new__(ic.KciImageCache)
    cache.params = dict(name="c", images=["nginx"], size=None, retention_days=0, state="present")
    assert cache.validate() is None
    assert cache.wanted() == {"name": "c", "images": ["nginx"], "retention_days": None}
    never = {"ImageCacheName": "c", "Images": ["nginx"], "CreateTime": "2024-01-01 00:00:00", "ExpireTime": ""}
    assert cache.view(never) == cache.wanted()
    cache.params.update(retention_days=-1)
    assert cache.validate() == "retention_days must be between 0 (kept for ever) and 65536, got -1"
    cache.params.update(retention_days=65537)
    assert "65536" in cache.validate()


def test_the_inventory_error_path_ends_with_the_same_hint():
    from ansible_collections.ksyun.cloud.plugins.plugin_utils._kce_nodes import FetchError
    err = FetchError(KsyunError("InvalidClientTokenId", "The security token included in the request is invalid.",
                                status=403, action="DescribeCluster"), "cn-beijing-6")
    assert str(err).startswith("region cn-beijing-6: DescribeCluster failed: InvalidClientTokenId")
    assert "(HTTP 403); check the access key: the option access_key" in str(err)
    assert "KSYUN_ACCESS_KEY" in str(err)
