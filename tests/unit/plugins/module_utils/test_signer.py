# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SigV4 signer: AWS's published example, canonicalisation rules, and byte-for-byte agreement
with botocore's independent implementation (a test-only dependency)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib

import pytest

from ansible_collections.ksyun.cloud.plugins.module_utils import _signer

# AWS General Reference, "Signature Version 4 signing process" worked example (IAM ListUsers)
AWS_AK = "AKIDEXAMPLE"
AWS_SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
AWS_TIME = datetime.datetime(2015, 8, 30, 12, 36, 0)
AWS_FORM = "application/x-www-form-urlencoded; charset=utf-8"
AWS_CANONICAL_HASH = "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
AWS_SIGNING_KEY = "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
AWS_SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"

AK = "AKLTabc123"
SK = "s3cr3t/Key+with=odd~chars"
NOW = datetime.datetime(2026, 11, 23, 21, 30, 5)


# --------------------------------------------------------------------------- AWS published vector

def test_aws_example_signing_key():
    assert _signer.signing_key(AWS_SK, "20150830", "us-east-1", "iam").hex() == AWS_SIGNING_KEY


def test_aws_example_canonical_request_hash():
    text, signed = _signer.canonical_request(
        "GET", "/", [("Action", "ListUsers"), ("Version", "2010-05-08")],
        {"Content-Type": AWS_FORM, "Host": "iam.amazonaws.com", "X-Amz-Date": "20150830T123600Z"},
        _signer.EMPTY_SHA256)
    assert signed == "content-type;host;x-amz-date"
    assert hashlib.sha256(text.encode()).hexdigest() == AWS_CANONICAL_HASH


def test_aws_example_authorization_header():
    headers = _signer.sign_headers("GET", "iam.amazonaws.com", "/", "Action=ListUsers&Version=2010-05-08", b"",
                                   AWS_AK, AWS_SK, "us-east-1", "iam", now=AWS_TIME,
                                   headers={"Content-Type": AWS_FORM})
    assert headers == {
        "X-Amz-Date": "20150830T123600Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                         "SignedHeaders=content-type;host;x-amz-date, Signature=" + AWS_SIGNATURE,
    }


@pytest.mark.parametrize("now", [
    AWS_TIME,
    AWS_TIME.replace(tzinfo=datetime.timezone.utc),
    datetime.datetime(2015, 8, 30, 20, 36, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
    1440938160,
    1440938160.4,
])
def test_clock_forms(now):
    assert _signer.amz_date(now) == "20150830T123600Z"


def test_clock_default_is_now():
    stamp = _signer.amz_date()
    parsed = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ")
    assert abs((datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - parsed).total_seconds()) < 5


# ------------------------------------------------------------------------------ canonicalisation

@pytest.mark.parametrize("raw, encoded", [
    ("abcXYZ019-_.~", "abcXYZ019-_.~"),
    ("a b", "a%20b"),
    ("a+b", "a%2Bb"),
    ("a/b", "a%2Fb"),
    ("k=v&x", "k%3Dv%26x"),
    ("100%", "100%25"),
    ("", ""),
    (u"集群", "%E9%9B%86%E7%BE%A4"),
    (u"é", "%C3%A9"),
    ('{"a":1}', "%7B%22a%22%3A1%7D"),
    (True, "true"),
    (False, "false"),
    (128, "128"),
])
def test_uri_encode(raw, encoded):
    assert _signer.uri_encode(raw) == encoded


def test_canonical_query_sorts_by_encoded_name_not_joined_pair():
    pairs = [("InstanceId.2", "b"), ("InstanceId.10", "a"), ("InstanceId.1", "c")]
    assert _signer.canonical_query(pairs) == "InstanceId.1=c&InstanceId.10=a&InstanceId.2=b"


def test_canonical_query_name_prefix_sorts_before_longer_name():
    # sorting the joined "k=v" strings would put "Marker.1=..." before "Marker=..." ('.' < '=')
    pairs = [("Marker", "0"), ("Marker.1", "x"), ("MaxResults", "20")]
    assert _signer.canonical_query(pairs) == "Marker=0&Marker.1=x&MaxResults=20"


def test_canonical_query_sorts_on_encoded_bytes_and_by_value_for_equal_names():
    pairs = [("b", "2"), ("a b", "x"), ("a", "z"), ("a", "y"), ("_", "1"), ("~", "1"), ("A", "1")]
    # encoded names: "A" < "_" < "a" < "a%20b" < "b" < "~"
    assert _signer.canonical_query(pairs) == "A=1&_=1&a=y&a=z&a%20b=x&b=2&~=1"


def test_canonical_query_of_dict_raw_string_and_none():
    assert _signer.canonical_query({"Version": "1", "Action": "X"}) == "Action=X&Version=1"
    # a raw query string is decoded first ('+' is a space) then canonicalised
    assert _signer.canonical_query("b=a+b&a=%7e&c=") == "a=~&b=a%20b&c="
    assert _signer.canonical_query(None) == ""
    assert _signer.canonical_query("") == ""


def test_encode_query_keeps_order_and_uses_percent20():
    assert _signer.encode_query([("Z", "a b"), ("A", "+")]) == "Z=a%20b&A=%2B"


def test_canonical_headers_trim_and_lowercase():
    block, signed = _signer.canonical_headers({"X-B": "  a   b  ", "Host": "h", "x-a": "1"})
    assert block == "host:h\nx-a:1\nx-b:a b\n"
    assert signed == "host;x-a;x-b"


def test_canonical_uri():
    assert _signer.canonical_uri("") == "/"
    assert _signer.canonical_uri("/") == "/"
    assert _signer.canonical_uri("/a b/c~") == "/a%20b/c~"


def test_payload_hash_of_exact_bytes():
    assert _signer.payload_hash(None) == _signer.EMPTY_SHA256
    assert _signer.payload_hash("") == _signer.EMPTY_SHA256
    assert _signer.payload_hash(b"A=1") == hashlib.sha256(b"A=1").hexdigest()
    assert _signer.payload_hash(u"名=1") == hashlib.sha256(u"名=1".encode("utf-8")).hexdigest()


def test_body_changes_signature():
    one = _signer.sign_headers("POST", "h", "/", None, b"A=1", AK, SK, "cn-beijing-6", "kce", now=NOW)
    two = _signer.sign_headers("POST", "h", "/", None, b"A=2", AK, SK, "cn-beijing-6", "kce", now=NOW)
    assert one["Authorization"] != two["Authorization"]


def test_host_port_is_signed():
    one = _signer.sign_headers("GET", "127.0.0.1:8080", "/", "A=1", b"", AK, SK, "cn-beijing-6", "kce", now=NOW)
    two = _signer.sign_headers("GET", "127.0.0.1:8081", "/", "A=1", b"", AK, SK, "cn-beijing-6", "kce", now=NOW)
    assert one["Authorization"] != two["Authorization"]


def test_content_sha256_header_is_optional_and_signed():
    out = _signer.sign_headers("POST", "h", "/", None, b"A=1", AK, SK, "cn-beijing-6", "kce", now=NOW,
                               content_sha256=True)
    assert out["X-Amz-Content-Sha256"] == hashlib.sha256(b"A=1").hexdigest()
    assert "SignedHeaders=host;x-amz-content-sha256;x-amz-date," in out["Authorization"]


def test_credential_scope_in_authorization():
    out = _signer.sign_headers("GET", "kci.cn-shanghai-2.api.ksyun.com", "/", "A=1", b"", AK, SK,
                               "cn-shanghai-2", "kci", now=NOW)
    assert out["Authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKLTabc123/20261123/cn-shanghai-2/kci/aws4_request, SignedHeaders=host;x-amz-date, ")
    assert out["X-Amz-Date"] == "20261123T213005Z"


def test_presign_query_fields():
    out = _signer.presign_query("GET", "kce.api.ksyun.com", "/", [("Action", "DescribeCluster")], b"",
                                AK, SK, "cn-beijing-6", "kce", now=NOW)
    assert sorted(out) == ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature",
                           "X-Amz-SignedHeaders"]
    assert out["X-Amz-Credential"] == "AKLTabc123/20261123/cn-beijing-6/kce/aws4_request"
    assert out["X-Amz-SignedHeaders"] == "host"
    assert len(out["X-Amz-Signature"]) == 64
    with_expiry = _signer.presign_query("GET", "kce.api.ksyun.com", "/", [("Action", "DescribeCluster")], b"",
                                        AK, SK, "cn-beijing-6", "kce", now=NOW, expires=300)
    assert with_expiry["X-Amz-Expires"] == "300"
    assert with_expiry["X-Amz-Signature"] != out["X-Amz-Signature"]


# ------------------------------------------------------------------------- agreement with botocore

botocore_auth = pytest.importorskip("botocore.auth")
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

CASES = [
    [("Action", "DescribeCluster"), ("Version", "2019-08-06")],
    [("Action", "DescribeClusterInstance"), ("Version", "2019-08-06"), ("InstanceId.2", "b"),
     ("InstanceId.10", "a"), ("InstanceId.1", "c")],
    [("Action", "CreateCluster"), ("ClusterName", u"openapi 开机集群"), ("ClusterDesc", u"测试 + / ~ 100%")],
    [("Action", "X"), ("Search", "a b  c"), ("Plus", "1+1=2"), ("Slash", "10.66.0.0/16"), ("Tilde", "~user")],
    [("Action", "X"), ("Empty", ""), ("Also", ""), ("Z", "z")],
    [("Action", "X"), ("Filter.1.Name", "instance-role"), ("Filter.1.Value.1", "Master_Etcd"),
     ("Filter.1.Value.2", "Worker"), ("Filter.10.Name", "a"), ("Filter.10.Value.1", "b"), ("Filter.2.Name", "c")],
    [("Action", "X"), ("InstanceSet.0.NodePara.0",
                       '{"MaxCount":3,"ImageId":"5bbc21d6","InstancePassword":"Root 23!@#$%^&*()"}')],
    [("Action", "X"), (u"Ünïcode.Name", u"ü€😀"), ("Quote", "it's \"quoted\""), ("Amp", "a&b=c;d,e")],
    [("Action", "X"), ("Version", "2020-07-02"), ("Container.1.Command.1", "sh"),
     ("Container.1.Command.2", "-c"), ("Container.1.Command.3", "echo $HOME > /tmp/x")],
]
HOSTS = ["kce.cn-beijing-6.api.ksyun.com", "kci.api.ksyun.com", "127.0.0.1:8765", "localhost:443"]
TIMES = [NOW, datetime.datetime(2019, 12, 31, 23, 59, 59), datetime.datetime(2024, 2, 29, 0, 0, 0)]


@pytest.fixture
def frozen_botocore(monkeypatch):
    state = {"now": NOW}
    monkeypatch.setattr(botocore_auth, "get_current_datetime", lambda *a, **k: state["now"])
    return state


def _creds(secret=SK):
    return Credentials(AK, secret)


def _scheme(host):
    return "http" if host.startswith("127.") else "https"


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("host", HOSTS)
def test_get_header_form_matches_botocore(frozen_botocore, case, host):
    pairs = CASES[case]
    query = _signer.encode_query(pairs)
    for now in TIMES:
        frozen_botocore["now"] = now
        request = AWSRequest(method="GET", url="%s://%s/?%s" % (_scheme(host), host, query),
                             headers={"Host": host})
        botocore_auth.SigV4Auth(_creds(), "kce", "cn-beijing-6").add_auth(request)
        mine = _signer.sign_headers("GET", host, "/", pairs, b"", AK, SK, "cn-beijing-6", "kce", now=now)
        assert mine["Authorization"] == request.headers["Authorization"]
        assert mine["X-Amz-Date"] == request.headers["X-Amz-Date"]
        # a raw query string gives the same signature as the pairs it encodes
        again = _signer.sign_headers("GET", host, "/", query, b"", AK, SK, "cn-beijing-6", "kce", now=now)
        assert again == mine


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("secret", [SK, "plain", u"ünï/+="])
def test_post_form_body_matches_botocore(frozen_botocore, case, secret):
    host = "kce.cn-shanghai-2.api.ksyun.com"
    body = _signer.encode_query(CASES[case]).encode("ascii")
    request = AWSRequest(method="POST", url="https://%s/" % host, data=body,
                         headers={"Host": host, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    botocore_auth.SigV4Auth(_creds(secret), "kce", "cn-shanghai-2").add_auth(request)
    mine = _signer.sign_headers("POST", host, "/", None, body, AK, secret, "cn-shanghai-2", "kce", now=NOW,
                                headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert mine["Authorization"] == request.headers["Authorization"]


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("host", HOSTS)
def test_query_form_matches_botocore(frozen_botocore, case, host):
    pairs = CASES[case]
    request = AWSRequest(method="GET", url="%s://%s/?%s" % (_scheme(host), host, _signer.encode_query(pairs)),
                         headers={"Host": host})
    botocore_auth.SigV4QueryAuth(_creds(), "kci", "eu-east-1", expires=3600).add_auth(request)
    mine = _signer.presign_query("GET", host, "/", pairs, b"", AK, SK, "eu-east-1", "kci", now=NOW, expires=3600)
    sent = dict(_signer._parse_raw(request.url.split("?", 1)[1]))
    for name, value in mine.items():
        assert sent[name] == value, name
