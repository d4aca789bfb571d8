"""Signature verification (auth.py) against botocore's independent SigV4 signer, and every documented
authentication error with its HTTP status."""
import hashlib
import hmac
import http.client
import time
from email.utils import formatdate
from urllib.parse import urlsplit

import pytest
import requests

from ksyun_emulator import auth

V = "1999-01-01"  # the toy version of conftest.core_actions


def send(method, url, headers, body=None):
    r = requests.request(method, url, headers=headers, data=body, timeout=10)
    return r.status_code, r.json()


def error(result):
    status, body = result
    assert "Error" in body, body
    return status, body["Error"]["Code"], body["Error"]["Message"]


def prep(signed, emu, params=None, **kw):
    kw.setdefault("version", V)
    return signed.prepare(emu, "Echo", params or {"A": "1"}, **kw)


# ---------------------------------------------------------------------------------- accepted

@pytest.mark.parametrize("method", ["GET", "POST"])
def test_botocore_header_form_accepted(emu, signed, method):
    params = [("Name.2", "two"), ("Name.10", "ten"), ("Name.1", "one"), ("Text", "a b/c?d=e&f~g*h'i(j)"),
              ("Uni", "中文 ünï"), ("Empty", ""), ("Plus", "1+1")]
    status, body = signed(emu, "Echo", params, version=V, method=method)
    assert status == 200, body
    assert body["Params"]["Text"] == "a b/c?d=e&f~g*h'i(j)"
    assert body["Params"]["Uni"] == "中文 ünï" and body["Params"]["Plus"] == "1+1" and body["Params"]["Empty"] == ""
    assert body["Account"] == emu.access_key


def test_botocore_query_form_accepted(emu, signed):
    method, url, headers, _body = prep(signed, emu, [("Name.10", "x"), ("Name.2", "y z")], query_auth=True)
    assert "X-Amz-Signature=" in url and "Authorization" not in headers
    status, body = send("GET", url, headers)
    assert status == 200, body
    assert body["Params"]["Name.2"] == "y z"
    assert not any(k.startswith("X-Amz-") for k in body["Params"])  # signing parameters are not parameters


def test_real_looking_host_and_content_sha256_header(emu, signed):
    host = "kce.cn-beijing-6.api.ksyun.com"
    status, body = signed(emu, "Echo", {"A": "1"}, version=V, headers={"Host": host})
    assert status == 200, body
    payload = b"Action=Echo&Version=" + V.encode()
    good = hashlib.sha256(payload).hexdigest()
    status, body = signed(emu, None, None, version=False, method="POST", body=payload,
                          headers={"X-Amz-Content-SHA256": good})
    assert status == 200, body
    # a payload hash header that is not the body's hash: the body is not what was signed
    bad = hashlib.sha256(b"other").hexdigest()
    method, url, headers, data = signed.prepare(emu, None, None, version=False, method="POST", body=payload,
                                                headers={"X-Amz-Content-SHA256": bad})
    assert error(send(method, url, headers, data))[:2] == (403, "SignatureDoesNotMatch")


def test_date_header_instead_of_x_amz_date(emu):
    """Sign by hand from the document's recipe, dated by the HTTP Date header."""
    host = urlsplit(emu.url).netloc
    now = time.time()
    date_header = formatdate(now, usegmt=True)
    amz = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(int(now)))
    query = "Action=Echo&Version=%s&Z=1" % V
    canonical = "\n".join(["GET", "/", query, "date:%s\nhost:%s\n" % (date_header, host), "date;host",
                           hashlib.sha256(b"").hexdigest()])
    scope = "%s/cn-beijing-6/kce/aws4_request" % amz[:8]
    sts = "\n".join(["AWS4-HMAC-SHA256", amz, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + emu.secret_key).encode()
    for part in (amz[:8], "cn-beijing-6", "kce", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    headers = {"Date": date_header, "Authorization": "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=date;host, "
                                                     "Signature=%s" % (emu.access_key, scope, sig)}
    status, body = send("GET", emu.url + "/?" + query, headers)
    assert status == 200, body
    headers["Date"] = "not a date"
    status, code, msg = error(send("GET", emu.url + "/?" + query, headers))
    assert (status, code) == (400, "IncompleteSignature") and "ISO-8601 'basic format'" in msg


# ---------------------------------------------------------------------------------- tampering

def test_tampered_query_rejected(emu, signed):
    method, url, headers, _body = prep(signed, emu, {"A": "1"})
    assert "A=1" in url
    status, code, msg = error(send(method, url.replace("A=1", "A=2"), headers))
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert msg == "The request signature we calculated does not match the signature you provided."
    assert error(send(method, url + "&B=3", headers))[1] == "SignatureDoesNotMatch"


def test_tampered_query_form_rejected(emu, signed):
    method, url, headers, _body = prep(signed, emu, {"A": "1"}, query_auth=True)
    assert error(send(method, url.replace("A=1", "A=9"), headers))[:2] == (403, "SignatureDoesNotMatch")


def test_tampered_body_rejected(emu, signed):
    method, url, headers, body = prep(signed, emu, {"A": "1"}, method="POST")
    assert send(method, url, headers, body)[0] == 200
    assert error(send(method, url, headers, body.replace(b"A=1", b"A=2")))[:2] == (403, "SignatureDoesNotMatch")


def test_tampered_host_rejected(emu, signed):
    method, url, headers, _body = prep(signed, emu)
    headers["Host"] = "evil.example.com"
    assert error(send(method, url, headers))[:2] == (403, "SignatureDoesNotMatch")


def test_wrong_secret_rejected(emu, signed):
    method, url, headers, _body = prep(signed, emu, secret_key="not-the-secret")
    assert error(send(method, url, headers))[:2] == (403, "SignatureDoesNotMatch")


# ---------------------------------------------------------------------------------- missing

def test_no_authentication_at_all(emu):
    status, code, msg = error(send("GET", emu.url + "/?Action=Echo&Version=" + V, {}))
    assert (status, code, msg) == (403, "MissingAuthenticationToken", "Request is missing Authentication Token.")


def test_missing_host_header(emu, signed):
    method, url, headers, _body = prep(signed, emu)
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.putrequest("GET", parts.path + "?" + parts.query, skip_host=True, skip_accept_encoding=True)
    for k, v in headers.items():
        if k.lower() != "host":
            conn.putheader(k, v)
    conn.endheaders()
    r = conn.getresponse()
    import json
    body = json.loads(r.read())
    conn.close()
    assert r.status == 403
    assert body["Error"]["Code"] == "MissingAuthenticationToken"
    assert body["Error"]["Message"] == "Request is missing 'Host' header."


# ---------------------------------------------------------------------------------- incomplete

def _auth(headers, new):
    headers = dict(headers)
    headers["Authorization"] = new
    return headers


@pytest.mark.parametrize("mutate,fragment", [
    (lambda a: a.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"), "Unsupported ksc 'algorithm': AWS4-HMAC-SHA1."),
    (lambda a: a.replace(", SignedHeaders", " SignedHeaders"), "Authorization header format error."),
    (lambda a: "AWS4-HMAC-SHA256 garbage", "Authorization header format error."),
    (lambda a: a.replace("Credential=", "Kredential="), "Authorization header requires 'Credential' parameter."),
    (lambda a: a.replace("Signature=", "Sig="), "Authorization header requires 'Signature' parameter."),
    (lambda a: a.replace("SignedHeaders=", "Signed="), "Authorization header requires 'SignedHeaders' parameter."),
    (lambda a: a.replace("/cn-beijing-6/", "/"), "Credential must have exactly 5 slash-delimited elements"),
])
def test_incomplete_authorization_header(emu, signed, mutate, fragment):
    method, url, headers, _body = prep(signed, emu)
    status, code, msg = error(send(method, url, _auth(headers, mutate(headers["Authorization"]))))
    assert (status, code) == (400, "IncompleteSignature")
    assert fragment in msg


def test_no_date_header(emu, signed):
    method, url, headers, _body = prep(signed, emu)
    del headers["X-Amz-Date"]
    status, code, msg = error(send(method, url, headers))
    assert (status, code) == (400, "IncompleteSignature")
    assert msg.startswith("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header")


@pytest.mark.parametrize("bad", ["2026-11-23T12:00:00Z", "20261123T120000", "20261340T120000Z", "x"])
def test_bad_x_amz_date_format(emu, signed, bad):
    method, url, headers, _body = prep(signed, emu)
    headers["X-Amz-Date"] = bad
    status, code, msg = error(send(method, url, headers))
    assert (status, code) == (400, "IncompleteSignature")
    assert msg == ("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601 ."
                   % bad)


@pytest.mark.parametrize("param", ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Date",
                                   "X-Amz-Signature"])
def test_query_form_missing_parameter(emu, signed, param):
    method, url, headers, _body = prep(signed, emu, query_auth=True)
    base, query = url.split("?", 1)
    query = "&".join(p for p in query.split("&") if not p.startswith(param + "="))
    status, code, msg = error(send(method, base + "?" + query, headers))
    assert (status, code) == (400, "IncompleteSignature")
    assert msg == "KSC query-string parameters must include %s. Re-examine the query-string parameters." % param


def test_query_form_bad_algorithm_and_date(emu, signed):
    method, url, headers, _body = prep(signed, emu, query_auth=True)
    status, code, msg = error(send(method, url.replace("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=MD5"),
                                   headers))
    assert (status, code, msg) == (400, "IncompleteSignature", "Unsupported ksc 'algorithm': MD5.")
    import re
    bad = re.sub(r"X-Amz-Date=\d{8}T\d{6}Z", "X-Amz-Date=yesterday", url)
    assert error(send(method, bad, headers))[:2] == (400, "IncompleteSignature")


# ---------------------------------------------------------------------------------- scope and keys

def test_unknown_access_key(emu, signed):
    status, code, msg = error(signed(emu, "Echo", {}, version=V, access_key="AKLTNOBODY", secret_key="x"))
    assert (status, code, msg) == (403, "InvalidClientTokenId", "The security token included in the request is invalid.")


def test_invalid_region(emu, signed):
    status, code, msg = error(signed(emu, "Echo", {}, version=V, region="cn-guangzhou-1"))
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert msg == "Credential should be scoped to a valid region, not:cn-guangzhou-1."


@pytest.mark.parametrize("region", ["cn-beijing-6", "cn-shanghai-2", "eu-east-1"])
def test_documented_regions(emu, signed, region):
    status, body = signed(emu, "Echo", {}, version=V, region=region)
    assert status == 200 and body["Region"] == region


def test_wrong_service(emu, signed):
    status, code, msg = error(signed(emu, "Echo", {}, version=V, service="iam"))
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert msg.startswith("Credential should be scoped to correct service: ")
    # a kci-scoped signature sent to the kce endpoint
    status, code, msg = error(signed(emu, "Echo", {}, version=V, service="kci",
                                     headers={"Host": "kce.cn-beijing-6.api.ksyun.com"}))
    assert (status, code, msg) == (403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'kce'.")


def test_wrong_terminator(emu, signed):
    method, url, headers, _body = prep(signed, emu)
    status, code, msg = error(send(method, url, _auth(headers, headers["Authorization"].replace(
        "/aws4_request", "/aws5_request"))))
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert msg == "Credential should be scoped with a valid terminator: 'aws4_request', not: aws5_request."


def test_host_must_be_signed(emu, signed):
    method, url, headers, _body = prep(signed, emu)
    a = headers["Authorization"]
    assert "SignedHeaders=host;x-amz-date" in a
    status, code, msg = error(send(method, url, _auth(headers, a.replace("SignedHeaders=host;x-amz-date",
                                                                         "SignedHeaders=x-amz-date"))))
    assert (status, code, msg) == (403, "SignatureDoesNotMatch", "'Host' must be a 'SignedHeader' in the Authorization.")


def test_credential_date_must_match_request_date(emu, signed):
    method, url, headers, _body = prep(signed, emu)
    day = headers["X-Amz-Date"][:8]
    status, code, msg = error(send(method, url, _auth(headers, headers["Authorization"].replace(
        "/%s/" % day, "/20200101/"))))
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert msg == "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP."


@pytest.mark.parametrize("skew", [-16 * 60, 16 * 60])
def test_expired_signature(emu, signed, skew):
    status, code, msg = error(signed(emu, "Echo", {}, version=V, timestamp=time.time() + skew))
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert msg.startswith("Signature expired: ")


def test_skew_within_15_minutes_is_fine_and_admin_clock_does_not_matter(emu, signed):
    assert signed(emu, "Echo", {}, version=V, timestamp=time.time() - 14 * 60)[0] == 200
    assert signed(emu, "Echo", {}, version=V, timestamp=time.time() + 14 * 60)[0] == 200
    emu.advance(3600)
    assert signed(emu, "Echo", {}, version=V)[0] == 200
    status, code, _msg = error(signed(emu, "Echo", {}, version=V, timestamp=time.time() - 16 * 60, query_auth=True))
    assert (status, code) == (403, "SignatureDoesNotMatch")


def test_multiple_accounts(core_actions, signed):
    from ksyun_emulator.server import Emulator
    e = Emulator(accounts={"AKLTONE": "secret-one", "AKLTTWO": "secret-two"}, world={"regions": {}})
    e.start()
    try:
        assert signed(e, "Echo", {}, version=V)[1]["Account"] == "AKLTONE"
        assert signed(e, "Echo", {}, version=V, access_key="AKLTTWO", secret_key="secret-two")[1]["Account"] == "AKLTTWO"
        assert signed(e, "Echo", {}, version=V, access_key="AKLTTWO", secret_key="secret-one")[0] == 403
        assert error(signed(e, "Echo", {}, version=V, access_key="AKLTDEMO0000000000000000",
                            secret_key="demo+secret/KSYUN+emulator+0000000000"))[1] == "InvalidClientTokenId"
    finally:
        e.stop()


# ---------------------------------------------------------------------------------- unit level

def test_canonical_query_sorts_encoded_names_not_joined_pairs():
    pairs = [("InstanceId.2", "b"), ("InstanceId.10", "a"), ("A", "x y"), ("A", "x+y"), ("Z", "~._-")]
    assert auth.canonical_query(pairs) == "A=x%20y&A=x%2By&InstanceId.10=a&InstanceId.2=b&Z=~._-"


def test_parse_pairs_decodes_plus_and_utf8():
    assert auth.parse_pairs("a=1+2&b=%E4%B8%AD%20&c&=v&&d=%2B") == [("a", "1 2"), ("b", "中 "), ("c", ""),
                                                                    ("", "v"), ("d", "+")]
    with pytest.raises(auth.MalformedQuery):
        auth.parse_pairs("a=%FF%FE")


def test_malformed_utf8_query_is_invalid_query_parameter(emu):
    status, code, msg = error(send("GET", emu.url + "/?Action=Echo&Bad=%FF", {}))
    assert (status, code) == (400, "InvalidQueryParameter") and "Bad" in msg


def test_signing_keys_are_cached():
    auth._KEYS.clear()
    k1 = auth.signing_key("s", "20260101", "cn-beijing-6", "kce")
    assert auth.signing_key("s", "20260101", "cn-beijing-6", "kce") is k1
    assert len(auth._KEYS) == 1


def test_own_sign_headers_agrees_with_verify():
    headers = auth.sign_headers("GET", "h.example", "/", "Action=X&B=1", b"", "AK", "SK", "cn-beijing-6", "kce")
    cred = auth.verify("GET", "/", "Action=X&B=1", list(headers.items()), b"", {"AK": "SK"}.get)
    assert cred == ("AK", "cn-beijing-6", "kce")
