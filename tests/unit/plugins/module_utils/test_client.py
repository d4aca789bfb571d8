# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client with a scripted session: methods, URLs, encoding, headers, error mapping, pagination."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import platform
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION
from ansible_collections.ksyun.cloud.plugins.module_utils import _client, _signer
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ksyun_fakes import FakeResponse, ok, api_error

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


# ------------------------------------------------------------------------------ request shape

def test_read_is_a_get_with_the_encoded_query_and_no_body(make_client):
    client, session = make_client([ok(ClusterSet=[])])
    client.call("kce", "2019-08-06", "DescribeCluster", {"Search": "a b+c/~", "ClusterId": None})
    req = session.requests[0]
    assert req["method"] == "GET"
    assert req["url"] == ("https://kce.cn-beijing-6.api.ksyun.com/"
                          "?Action=DescribeCluster&Version=2019-08-06&Search=a%20b%2Bc%2F~")
    assert req["data"] is None
    assert "Content-Type" not in req["headers"]
    assert req["headers"]["Host"] == "kce.cn-beijing-6.api.ksyun.com"
    assert req["headers"]["Authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKLTtest/")
    assert "/cn-beijing-6/kce/aws4_request, SignedHeaders=host;x-amz-date, Signature=" in req["headers"]["Authorization"]
    assert req["allow_redirects"] is False


def test_write_is_a_form_post_signed_over_the_exact_body(make_client):
    client, session = make_client([ok()], now=lambda: datetime.datetime(2026, 1, 2, 3, 4, 5))
    client.call("kce", "2018-03-14", "CreateRepoNamespace", {"Namespace": u"ns 名", "Public": True}, write=True)
    req = session.requests[0]
    assert req["method"] == "POST"
    assert req["url"] == "https://kce.cn-beijing-6.api.ksyun.com/"
    body = req["data"]
    assert body == b"Action=CreateRepoNamespace&Version=2018-03-14&Namespace=ns%20%E5%90%8D&Public=true"
    assert req["headers"]["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
    expected = _signer.sign_headers(
        "POST", "kce.cn-beijing-6.api.ksyun.com", "/", None, body, "AKLTtest", "topsecret/KEY", "cn-beijing-6",
        "kce", now=datetime.datetime(2026, 1, 2, 3, 4, 5),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert req["headers"]["Authorization"] == expected["Authorization"]
    assert req["headers"]["X-Amz-Date"] == "20260102T030405Z"


@pytest.mark.parametrize("action", ["CreateCluster", "AddClusterInstances"])
def test_post_only_actions_are_posted_even_as_reads(make_client, action):
    client, session = make_client([ok()])
    client.call("kce", "2019-08-06", action, {"ClusterId": "c"})
    assert session.requests[0]["method"] == "POST"


def test_explicit_method_wins(make_client):
    client, session = make_client([ok()])
    client.call("kce", "2019-08-06", "DescribeCluster", method="post")
    assert session.requests[0]["method"] == "POST"


def test_kci_goes_to_its_own_host_and_scope(make_client):
    client, session = make_client([ok()])
    client.call("kci", "2020-07-02", "DescribeContainerGroup")
    req = session.requests[0]
    assert req["url"].startswith("https://kci.cn-beijing-6.api.ksyun.com/?Action=DescribeContainerGroup&")
    assert "/cn-beijing-6/kci/aws4_request" in req["headers"]["Authorization"]


@pytest.mark.parametrize("endpoint, host, prefix", [
    ("http://127.0.0.1:8080", "127.0.0.1:8080", "http://127.0.0.1:8080/?"),
    ("http://127.0.0.1:8080/", "127.0.0.1:8080", "http://127.0.0.1:8080/?"),
    ("https://kce.api.ksyun.com", "kce.api.ksyun.com", "https://kce.api.ksyun.com/?"),
    ("https://kce.api.ksyun.com:443", "kce.api.ksyun.com", "https://kce.api.ksyun.com:443/?"),
    ("http://[::1]:9000", "[::1]:9000", "http://[::1]:9000/?"),
    ("http://proxy.local/ksyun", "proxy.local", "http://proxy.local/ksyun?"),
])
def test_endpoint_url_serves_every_service(make_client, endpoint, host, prefix):
    client, session = make_client([ok(), ok()], endpoint_url=endpoint)
    client.call("kce", "2019-08-06", "DescribeCluster")
    client.call("kci", "2020-07-02", "DescribeImageCache")
    for req in session.requests:
        assert req["url"].startswith(prefix)
        assert req["headers"]["Host"] == host
    # the credential scope still names the service
    assert "/kce/aws4_request" in session.requests[0]["headers"]["Authorization"]
    assert "/kci/aws4_request" in session.requests[1]["headers"]["Authorization"]


@pytest.mark.parametrize("endpoint", ["kce.api.ksyun.com", "ftp://x", "http://"])
def test_bad_endpoint_url(endpoint):
    with pytest.raises(ValueError):
        _client.Client("a", "b", "cn-beijing-6", endpoint_url=endpoint, session=object())


def test_user_agent_timeouts_and_verify(make_client):
    client, session = make_client([ok()], timeout=45, validate_certs=False)
    client.call("kce", "2019-08-06", "DescribeCluster")
    req = session.requests[0]
    assert req["headers"]["User-Agent"] == "ksyun.cloud/%s ansible-core/%s python/%s" % (
        _client.COLLECTION_VERSION, ANSIBLE_VERSION, platform.python_version())
    assert req["timeout"] == (10.0, 45.0)
    assert req["verify"] is False
    client2, session2 = make_client([ok()], timeout=3, user_agent="custom/1")
    client2.call("kce", "2019-08-06", "DescribeCluster")
    assert session2.requests[0]["timeout"] == (3.0, 3.0)
    assert session2.requests[0]["headers"]["User-Agent"] == "custom/1"


def test_collection_version_matches_galaxy_yml():
    with open(os.path.join(REPO, "galaxy.yml")) as f:
        version = re.search(r"^version:\s*(\S+)", f.read(), re.M).group(1)
    assert _client.COLLECTION_VERSION == version.strip("'\"")


def test_parameter_values_are_stringified(make_client):
    client, session = make_client([ok()])
    params = {"B": False, "I": 3, "F": 1.5, "L": ["x", "y"], "D": {"K": 1}, "N": None, "Action": "ignored"}
    client.call("kce", "2019-08-06", "X", params)
    query = session.requests[0]["url"].split("?", 1)[1]
    assert query == "Action=X&Version=2019-08-06&B=false&I=3&F=1.5&L.1=x&L.2=y&D.K=1"


def test_api_calls_lists_every_request(make_client):
    client, _session = make_client([ok(), ok()])
    client.call("kce", "2019-08-06", "DescribeCluster")
    client.call("kci", "2020-07-02", "DescribeImageCache")
    assert client.api_calls == ["DescribeCluster", "DescribeImageCache"]


def test_page_reads_one_page_from_an_offset(make_client):
    client, session = make_client([ok(ClusterSet=[], TotalCount=60, Marker=40), ok(), ok()])

    def query(i):
        return parse_qs(urlsplit(session.requests[i]["url"]).query)
    answer = client.page("kce", "2019-08-06", "DescribeCluster", {"Search": "web"}, marker=20)
    assert answer["Marker"] == 40
    assert (query(0)["Search"], query(0)["Marker"], query(0)["MaxResults"]) == (["web"], ["20"], ["20"])
    client.page("kce", "2019-08-06", "DescribeClusterInstance", {"ClusterId": "c"}, page_size=7)
    assert (query(1)["Marker"], query(1)["MaxResults"]) == (["0"], ["7"])
    client.page("kce", "2019-08-06", "DownloadClusterConfig")
    assert "MaxResults" not in query(2)             # no documented page size: none is sent
    assert client.api_calls == ["DescribeCluster", "DescribeClusterInstance", "DownloadClusterConfig"]


def test_secret_is_not_in_repr(make_client):
    client, _session = make_client()
    assert "topsecret" not in repr(client)


# ---------------------------------------------------------------------------------- errors

def test_error_answer_is_mapped(make_client):
    client, _session = make_client([api_error(404, "ClusterNotFound", "The specified Cluster 'x' does not exist.",
                                              request_id="rid-1")])
    with pytest.raises(KsyunError) as info:
        client.call("kce", "2019-08-06", "DescribeCluster", {"ClusterId": "x"})
    err = info.value
    assert (err.status, err.code, err.request_id, err.action, err.error_type) == (
        404, "ClusterNotFound", "rid-1", "DescribeCluster", "Sender")
    assert err.not_found
    assert err.maybe_applied is False
    assert str(err) == ("DescribeCluster failed: ClusterNotFound: The specified Cluster 'x' does not exist. "
                        "(HTTP 404, RequestId rid-1)")


@pytest.mark.parametrize("status, code, not_found", [
    (400, "InvalidParameterValue", False), (404, "NoSuchEntity", True), (400, "NamespaceNotFound", True),
    (403, "SignatureDoesNotMatch", False),
])
def test_not_found(make_client, status, code, not_found):
    client, _session = make_client([api_error(status, code)])
    with pytest.raises(KsyunError) as info:
        client.call("kce", "2019-08-06", "X")
    assert info.value.not_found is not_found


def test_error_in_a_200_answer(make_client):
    client, _session = make_client([FakeResponse(200, {"RequestId": "r", "Error": {"Code": "Oops", "Message": "m"}})])
    with pytest.raises(KsyunError) as info:
        client.call("kce", "2019-08-06", "X")
    assert (info.value.code, info.value.status, info.value.message) == ("Oops", 200, "m")


def test_error_status_without_error_object(make_client):
    client, _session = make_client([FakeResponse(403, {"RequestId": "r", "Message": "denied"})])
    with pytest.raises(KsyunError) as info:
        client.call("kce", "2019-08-06", "X")
    assert info.value.code == "InvalidResponse"
    assert info.value.status == 403
    assert info.value.request_id == "r"


@pytest.mark.parametrize("body", [b"<html>" + b"x" * 5000 + b"</html>", b"", b"\xff\xfe", b"[1, 2]", b"null"])
def test_non_json_answer_is_invalid_response(make_client, body):
    client, _session = make_client([FakeResponse(200, body)])
    with pytest.raises(KsyunError) as info:
        client.call("kce", "2019-08-06", "X")
    err = info.value
    assert err.code == "InvalidResponse"
    assert err.status == 200
    assert len(str(err)) < 400


def test_failures_never_carry_parameters_headers_or_secrets(make_client):
    secret_param = "Pa55w0rd!secret"
    for answer in (api_error(400, "InvalidParameterValue", "bad"), FakeResponse(502, "<html>bad gateway</html>")):
        client, session = make_client([answer], max_retries=0)
        with pytest.raises(KsyunError) as info:
            client.call("kce", "2018-03-14", "ModifyPassword", {"Password": secret_param}, write=True)
        text = str(info.value) + repr(info.value.__dict__) + repr(info.value.to_dict())
        for leak in (secret_param, "topsecret", "Authorization", "Signature", "AWS4-HMAC", "Password="):
            assert leak not in text


def test_to_dict():
    err = KsyunError("LimitExceeded", "slow down", status=409, request_id="r", action="A", maybe_applied=False)
    assert err.to_dict() == dict(code="LimitExceeded", message="slow down", status=409, request_id="r",
                                 action="A", maybe_applied=False)
    assert err.throttled
    assert str(KsyunError("ConnectionError", "no route", action="A")) == "A failed: ConnectionError: no route"


# ------------------------------------------------------------------------------- pagination

def _pager(items, total=True, marker_of=None):
    """A session script item answering Marker/MaxResults over `items` like the documents say."""
    def answer(record):
        query = dict(_signer._parse_raw(record["url"].split("?", 1)[1]))
        marker, size = int(query.get("Marker", 0)), int(query.get("MaxResults", 10))
        page = items[marker:marker + size]
        nxt = marker + size if marker + size < len(items) else 0
        data = {"RequestId": "r", "ThingSet": page, "MaxResults": size,
                "Marker": marker_of(marker, nxt) if marker_of else nxt}
        if total:
            data["TotalCount"] = len(items)
        return FakeResponse(200, data)
    return answer


def test_paginate_follows_markers_with_the_documented_page_size(make_client):
    items = [{"Id": i} for i in range(45)]
    client, session = make_client([_pager(items)] * 3)
    got = client.paginate("kce", "2019-08-06", "DescribeCluster", {"Search": "x"}, "ThingSet")
    assert got == items
    queries = [dict(_signer._parse_raw(r["url"].split("?", 1)[1])) for r in session.requests]
    assert [(q["Marker"], q["MaxResults"], q["Search"]) for q in queries] == [
        ("0", "20", "x"), ("20", "20", "x"), ("40", "20", "x")]
    assert client.api_calls == ["DescribeCluster"] * 3


@pytest.mark.parametrize("action, size", sorted(_client.PAGE_SIZES.items()))
def test_default_page_sizes(make_client, action, size):
    client, session = make_client([_pager([])])
    client.paginate("kce", "v", action, None, "ThingSet")
    assert "MaxResults=%d" % size in session.requests[0]["url"]


def test_explicit_page_size_and_unknown_action(make_client):
    client, session = make_client([_pager([{"a": 1}] * 5)] * 3)
    assert len(client.paginate("kce", "v", "Other", None, "ThingSet", page_size=2)) == 5
    assert "MaxResults=2" in session.requests[0]["url"]
    client2, session2 = make_client([FakeResponse(200, {"ThingSet": [1, 2]})])
    assert client2.paginate("kce", "v", "Other", None, "ThingSet") == [1, 2]
    assert "MaxResults" not in session2.requests[0]["url"]


def test_paginate_stops_at_total_count_even_if_marker_says_more(make_client):
    items = [{"Id": i} for i in range(4)]
    # a server that never says 0: the next offset is always given
    client, session = make_client([_pager(items, marker_of=lambda m, n: m + 2)] * 5)
    assert client.paginate("kce", "v", "X", None, "ThingSet", page_size=2) == items
    assert len(session.requests) == 2


def test_paginate_stops_on_an_empty_page(make_client):
    client, session = make_client([
        FakeResponse(200, {"ThingSet": [1], "Marker": 1}),
        FakeResponse(200, {"ThingSet": [], "Marker": 2}),
    ])
    assert client.paginate("kce", "v", "X", None, "ThingSet", page_size=1) == [1]
    assert len(session.requests) == 2


def test_paginate_stops_without_marker(make_client):
    client, session = make_client([FakeResponse(200, {"ThingSet": [1, 2], "TotalCount": 9})])
    assert client.paginate("kce", "v", "X", None, "ThingSet", page_size=2) == [1, 2]


def test_paginate_accepts_string_numbers(make_client):
    client, _session = make_client([
        FakeResponse(200, {"ThingSet": [1], "Marker": "1", "TotalCount": "2"}),
        FakeResponse(200, {"ThingSet": [2], "Marker": "0", "TotalCount": "2"}),
    ])
    assert client.paginate("kce", "v", "X", None, "ThingSet", page_size=1) == [1, 2]


@pytest.mark.parametrize("bad_marker", [1, -3])
def test_paginate_refuses_a_marker_that_does_not_advance(make_client, bad_marker):
    client, session = make_client([
        FakeResponse(200, {"ThingSet": [1], "Marker": 1}),
        FakeResponse(200, {"RequestId": "r2", "ThingSet": [2], "Marker": bad_marker}),
    ])
    with pytest.raises(KsyunError) as info:
        client.paginate("kce", "v", "X", None, "ThingSet", page_size=1)
    assert info.value.code == "PaginationError"
    assert info.value.request_id == "r2"
    assert len(session.requests) == 2


def test_paginate_refuses_a_non_numeric_marker(make_client):
    client, _session = make_client([FakeResponse(200, {"ThingSet": [1], "Marker": "abc"})])
    with pytest.raises(KsyunError) as info:
        client.paginate("kce", "v", "X", None, "ThingSet")
    assert info.value.code == "PaginationError"


def test_paginate_reads_the_first_present_of_several_keys(make_client):
    client, _session = make_client([FakeResponse(200, {"InstanceSet": [1, 2], "Marker": 0})])
    assert client.paginate("kce", "v", "X", None, ("ExistedInstanceSet", "InstanceSet")) == [1, 2]


def test_paginate_does_not_change_the_caller_params(make_client):
    client, _session = make_client([_pager([])])
    params = {"A": "1"}
    client.paginate("kce", "v", "X", params, "ThingSet")
    assert params == {"A": "1"}


# ---------------------------------------------------------------------------------- helpers

def test_flatten_list():
    assert _client.flatten_list("InstanceId", ["a", "b"]) == {"InstanceId.1": "a", "InstanceId.2": "b"}
    assert _client.flatten_list("InstanceId", None) == {}
    assert _client.flatten_list("InstanceId", []) == {}
    assert _client.flatten_list("X", ["a", None, "b"], start=0) == {"X.0": "a", "X.1": "b"}


def test_flatten_filters():
    got = _client.flatten_filters({"instance-role": ["Worker", "Master_Etcd"], "skip": None, "empty": [],
                                   "single": "v", "flag": [True]})
    assert got == {
        "Filter.1.Name": "instance-role", "Filter.1.Value.1": "Worker", "Filter.1.Value.2": "Master_Etcd",
        "Filter.2.Name": "single", "Filter.2.Value.1": "v",
        "Filter.3.Name": "flag", "Filter.3.Value.1": True,
    }
    assert _client.flatten_filters(None) == {}
    assert _client.flatten_filters([("a", ["1"])]) == {"Filter.1.Name": "a", "Filter.1.Value.1": "1"}


def test_flatten_structs_nested():
    got = _client.flatten_structs("Container", [
        {"Name": "web", "Image": "nginx", "Command": ["sh", "-c"], "Port": [{"Port": 80, "Protocol": "TCP"}],
         "EnvironmentVar": [{"Key": "A", "Value": "1"}], "WorkingDir": None},
        {"Name": "side", "Resources": {"Cpu": 1}},
    ])
    assert got == {
        "Container.1.Name": "web", "Container.1.Image": "nginx", "Container.1.Command.1": "sh",
        "Container.1.Command.2": "-c", "Container.1.Port.1.Port": 80, "Container.1.Port.1.Protocol": "TCP",
        "Container.1.EnvironmentVar.1.Key": "A", "Container.1.EnvironmentVar.1.Value": "1",
        "Container.2.Name": "side", "Container.2.Resources.Cpu": 1,
    }
    assert _client.flatten_structs("X", None) == {}


def test_flatten_params():
    assert _client.flatten_params({"A": 1, "B": None, "C": ["x"], "D": {"E": [1, 2]}}) == {
        "A": 1, "C.1": "x", "D.E.1": 1, "D.E.2": 2}


def test_json_param_is_compact_and_keeps_unicode():
    assert _client.json_param({"MaxCount": 3, "Name": u"节点"}) == u'{"MaxCount":3,"Name":"节点"}'
    assert _client.json_param('{"a": 1}') == '{"a": 1}'
    assert json.loads(_client.json_param([1, {"a": None}])) == [1, {"a": None}]


def test_answers_quoted_in_errors_are_masked(make_client):
    echo = (b"<html>you sent Authorization: AWS4-HMAC-SHA256 Credential=AKLTtest/20260101/cn-beijing-6/kce/"
            b"aws4_request, SignedHeaders=host;x-amz-date, Signature=" + b"ab12" * 16 + b" key topsecret/KEY</html>")
    client, _session = make_client([FakeResponse(200, echo)])
    with pytest.raises(KsyunError) as info:
        client.call("kce", "2019-08-06", "X")
    text = str(info.value)
    assert "ab12ab12" not in text and "topsecret/KEY" not in text and "AKLTtest" not in text
    assert "Signature=***" in text


def test_endpoint_url_placeholders(make_client):
    client, session = make_client([ok(), ok()], endpoint_url="https://{service}.api.ksyun.com")
    client.call("kce", "2019-08-06", "DescribeCluster")
    client.call("kci", "2020-07-02", "DescribeImageCache")
    assert [r["headers"]["Host"] for r in session.requests] == ["kce.api.ksyun.com", "kci.api.ksyun.com"]
    assert session.requests[1]["url"].startswith("https://kci.api.ksyun.com/?Action=DescribeImageCache&")
    client, session = make_client([ok()], endpoint_url="https://{service}.{region}.internal:8443")
    client.call("kci", "2020-07-02", "DescribeImageCache")
    assert session.requests[0]["headers"]["Host"] == "kci.cn-beijing-6.internal:8443"
