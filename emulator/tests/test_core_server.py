"""Server, routing and DryRun behaviour of the emulator core (HTTP over loopback)."""
import requests

from ksyun_emulator.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY

TEST_VERSION = "1999-01-01"  # the toy version of conftest.core_actions


def call(signed, emu, action, params=None, **kw):
    kw.setdefault("version", TEST_VERSION)
    return signed(emu, action, params, **kw)


def things(emu):
    return [t["Name"] for t in emu.region_store(seed=False).list("thing")]


def test_fixture_server_and_demo_account(emulator_server, signed):
    assert emulator_server.access_key == DEMO_ACCESS_KEY and emulator_server.secret_key == DEMO_SECRET_KEY
    status, body = signed(emulator_server, "DescribeRepoNamespace", {}, version="2018-03-14")
    assert status == 200 and isinstance(body["RequestId"], str) and "NamespaceSet" in body


def test_success_body_has_request_id_and_no_private_keys(emu, signed):
    r = signed.response(emu, "PutThing", {"Name": "a"}, version=TEST_VERSION, method="POST")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json"
    body = r.json()
    assert list(body)[0] == "RequestId"
    assert body["Name"] == "a" and body["Nested"] == [{"A": 1}] and "_private" not in body
    assert emu.region_store(seed=False).get("thing", "a")["_secret"] == "x"  # kept in the store


def test_plus_and_percent20_both_decode_as_space(emu, signed):
    method, url, headers, _body = signed.prepare(emu, "Echo", {"Text": "a b"}, version=TEST_VERSION)
    assert "Text=a%20b" in url
    body = requests.get(url, headers=headers).json()
    assert body["Params"]["Text"] == "a b"
    # the same request with '+' for the space still verifies (the server canonicalises '+' as %20)
    body = requests.get(url.replace("Text=a%20b", "Text=a+b"), headers=headers).json()
    assert body["Params"]["Text"] == "a b"
    # a POST form body with '+' for a space (the payload hash covers the bytes as sent)
    raw = ("Action=Echo&Version=%s&Text=x+y%%2Bz&Other=%%E4%%B8%%AD+%%20" % TEST_VERSION).encode()
    status, body = signed(emu, None, None, version=False, method="POST", body=raw)
    assert status == 200, body
    assert body["Params"]["Text"] == "x y+z" and body["Params"]["Other"] == "中  "


def test_unicode_and_numeric_list_order(emu, signed):
    params = [("Name.2", "二"), ("Name.10", "十"), ("Name.1", "一 和 空格")]
    for method in ("GET", "POST"):
        status, body = call(signed, emu, "Echo", params, method=method)
        assert status == 200, body
        assert body["Params"]["Name.10"] == "十" and body["Params"]["Name.1"] == "一 和 空格"


def test_invalid_action(emu, signed):
    status, body = call(signed, emu, "NoSuchThing")
    assert status == 400 and body["Error"]["Code"] == "InvalidAction"
    assert body["Error"]["Type"] == "Sender" and body["RequestId"]


def test_invalid_method_get_on_post_only(emu, signed):
    status, body = call(signed, emu, "PutThing", {"Name": "a"}, method="GET")
    assert status == 400 and body["Error"]["Code"] == "InvalidMethod"
    assert body["Error"]["Message"] == "The method GET for is not valid for this web service."
    assert things(emu) == []


def test_other_http_methods_are_invalid(emu, signed):
    status, body = call(signed, emu, "Echo", {}, method="PUT")
    assert status == 400 and body["Error"]["Code"] == "InvalidMethod"


def test_version_missing_and_wrong(emu, signed):
    status, body = signed(emu, "Echo", {}, version=False)
    assert status == 400 and body["Error"]["Code"] == "MissingParameter"
    assert body["Error"]["Message"].endswith("input parameter Version.")
    status, body = signed(emu, "Echo", {}, version="2020-07-02")   # a KCI version on the kce service
    assert status == 400 and body["Error"]["Code"] == "InvalidParameterValue"
    assert "parameter Version." in body["Error"]["Message"]
    status, body = signed(emu, "Echo", {}, version="2019-08-06")   # right service, action not there
    assert status == 400 and body["Error"]["Code"] == "InvalidAction"


def test_action_missing(emu, signed):
    status, body = signed(emu, None, {}, version=TEST_VERSION)
    assert status == 400 and body["Error"]["Code"] == "MissingParameter"
    assert "parameter Action." in body["Error"]["Message"]


def test_service_from_credential_scope(emu, signed):
    status, body = signed(emu, "Echo", {}, service="kci", version=TEST_VERSION)
    assert status == 400 and body["Error"]["Code"] == "InvalidParameterValue"  # not a kci version
    status, body = call(signed, emu, "Echo", region="eu-east-1")
    assert status == 200 and body["Service"] == "kce" and body["Region"] == "eu-east-1"


def test_post_params_come_only_from_the_body(emu, signed):
    method, url, headers, data = signed.prepare(emu, "Echo", {"X": "1"}, version=TEST_VERSION, method="POST")
    status = requests.post(url, headers=headers, data=data).status_code
    assert status == 200
    # the action parameters in the query of a POST are not parameters (but are signed as the query)
    method, url, headers, data = signed.prepare(emu, None, {}, version=False, method="POST")
    r = requests.post(url, headers=headers, data=data)
    assert r.json()["Error"]["Code"] == "MissingParameter"


def test_dry_run_is_412_and_changes_nothing(emu, signed):
    for value in ("true", "True", "1"):
        status, body = call(signed, emu, "PutThing", {"Name": "a", "DryRun": value}, method="POST")
        assert status == 412, body
        assert body["Error"] == {"Type": "Sender", "Code": "DryRunOperation",
                                 "Message": "Request would have succeeded, but DryRun flag is set"}
    assert things(emu) == []
    # validation still comes first
    status, body = call(signed, emu, "PutThing", {"Name": "way-too-long-name", "DryRun": "true"}, method="POST")
    assert status == 400 and body["Error"]["Code"] == "InvalidParameterValue"
    # read actions answer 412 too; DryRun=false works normally
    assert call(signed, emu, "GetThings", {"DryRun": "true"})[0] == 412
    assert call(signed, emu, "PutThing", {"Name": "a", "DryRun": "false"}, method="POST")[0] == 200
    assert things(emu) == ["a"]
    status, body = call(signed, emu, "GetThings", {"DryRun": "maybe"})
    assert status == 400 and "DryRun" in body["Error"]["Message"]
    assert [r["mutated"] for r in emu.requests if r["action"] == "PutThing"] == [False, False, False, False, True]


def test_error_and_exception_roll_back(emu, signed):
    status, body = call(signed, emu, "PutThing", {"Name": "a", "Explode": "true"}, method="POST")
    assert status == 400 and body["Error"]["Code"] == "InvalidParameterValue"
    status, body = call(signed, emu, "PutThing", {"Name": "b", "Crash": "true"}, method="POST")
    assert status == 500 and body["Error"]["Code"] == "ServiceUnavailable"
    assert body["Error"]["Type"] == "Receiver" and body["Error"]["Message"].startswith("Exception ")
    assert things(emu) == []


def test_paging_through_the_framework(emu, signed):
    for name in "abcde":
        assert call(signed, emu, "PutThing", {"Name": name}, method="POST")[0] == 200
    status, body = call(signed, emu, "GetThings", {})
    assert [t["Name"] for t in body["Things"]] == ["a", "b"] and body["Marker"] == 2 and body["TotalCount"] == 5
    status, body = call(signed, emu, "GetThings", {"Marker": 4, "MaxResults": 5})
    assert [t["Name"] for t in body["Things"]] == ["e"] and body["Marker"] == 0
    status, body = call(signed, emu, "GetThings", {"MaxResults": 6})
    assert status == 400 and "MaxResults" in body["Error"]["Message"]


def test_keep_alive_across_answers_and_errors(emu, signed):
    import http.client
    from urllib.parse import urlsplit
    conn = http.client.HTTPConnection(urlsplit(emu.url).hostname, emu.port, timeout=10)
    try:
        for action, expect in (("Echo", 200), ("Nope", 400), ("Echo", 200)):
            _m, url, headers, _b = signed.prepare(emu, action, {}, version=TEST_VERSION)
            parts = urlsplit(url)
            conn.request("GET", parts.path + "?" + parts.query, headers=headers)
            r = conn.getresponse()
            r.read()
            assert r.status == expect and r.version == 11
            assert (r.getheader("Connection") or "").lower() != "close"
        assert conn.sock is not None                  # still the same open connection
    finally:
        conn.close()


def test_concurrent_clients_are_serialised_safely(emu, signed):
    import threading
    errors = []

    def worker(i):
        try:
            for j in range(15):
                assert call(signed, emu, "PutThing", {"Name": "t%d-%d" % (i, j)}, method="POST")[0] == 200
                assert call(signed, emu, "GetThings", {"MaxResults": 5})[0] == 200
        except Exception as exc:  # collected, asserted below
            errors.append(exc)
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(things(emu)) == 120
    assert len(emu.requests) == 240 and all(r["status"] == 200 for r in emu.requests)


def test_service_modules_are_optional_but_broken_ones_raise(tmp_path, monkeypatch):
    import sys

    import pytest

    from ksyun_emulator import server
    pkg = tmp_path / "fakeemu"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "fine.py").write_text("VALUE = 1\n")
    (pkg / "badimport.py").write_text("import module_that_does_not_exist_anywhere\n")
    (pkg / "badsyntax.py").write_text("def broken(:\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert server._import_optional("fine", "fakeemu").VALUE == 1
        assert server._import_optional("absent", "fakeemu") is None          # not there yet: fine
        with pytest.raises(ModuleNotFoundError):
            server._import_optional("badimport", "fakeemu")                  # its own import fails: raise
        with pytest.raises(SyntaxError):
            server._import_optional("badsyntax", "fakeemu")
    finally:
        for name in [m for m in sys.modules if m == "fakeemu" or m.startswith("fakeemu.")]:
            del sys.modules[name]


def test_stop_closes_idle_keep_alive_connections(core_actions, signed):
    import pytest

    from ksyun_emulator.server import Emulator
    e = Emulator(world={"regions": {}})
    e.start()
    assert call(signed, e, "Echo")[0] == 200          # the Session now holds an idle connection
    e.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        call(signed, e, "Echo", timeout=5)


def test_unsendable_answer_is_500_and_rolled_back(emu, signed):
    from ksyun_emulator import core

    @core.action("kce", TEST_VERSION, "BadAnswer", mutates=True)
    def bad_answer(req):
        req.store.put("thing", "half", {"Name": "half"})
        return {"When": object()}

    status, body = call(signed, emu, "BadAnswer")
    assert status == 500 and body["Error"]["Code"] == "ServiceUnavailable"
    assert things(emu) == []
