"""Admin endpoints, the request log (--log) and the command line (script, -m, collection path, SIGTERM)."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import types

import pytest
import requests

from ksyun_emulator import kcr, server
from ksyun_emulator.server import Emulator

V = "1999-01-01"  # the toy version of conftest.core_actions
EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(EMULATOR)


# ------------------------------------------------------------------------------------ admin

def test_health_and_unknown(emu):
    assert requests.get(emu.url + "/_emulator/health").json() == {"ok": True}
    r = requests.get(emu.url + "/_emulator/nothing")
    assert r.status_code == 404 and "error" in r.json()


def test_admin_faults(emu, signed):
    r = requests.post(emu.url + "/_emulator/faults", json={"action": "Echo", "fault": "throttle", "count": 2,
                                                           "account": None})
    assert r.status_code == 200 and r.json()["scheduled"] == [
        {"action": "Echo", "fault": "throttle", "count": 2, "account": None}]
    assert requests.get(emu.url + "/_emulator/faults").json()["scheduled"][0]["count"] == 2
    assert signed(emu, "Echo", {}, version=V)[0] == 409
    assert requests.delete(emu.url + "/_emulator/faults").json() == {"ok": True}
    assert signed(emu, "Echo", {}, version=V)[0] == 200
    for bad in ({"action": "Echo", "fault": "explode"}, {"fault": "drop"}, {"action": "Echo", "fault": "drop",
                                                                            "count": 0}):
        r = requests.post(emu.url + "/_emulator/faults", json=bad)
        assert r.status_code == 400 and "error" in r.json()
    r = requests.post(emu.url + "/_emulator/faults", data="{not json")
    assert r.status_code == 400


def test_admin_fail_resource(emu, signed):
    requests.post(emu.url + "/_emulator/faults", json={"action": "MakeThing", "fault": "fail_resource"})
    assert signed(emu, "MakeThing", {"Name": "x"}, version=V, method="POST")[1]["Failed"] is True


def test_admin_clock(emu):
    before = emu.now()
    r = requests.post(emu.url + "/_emulator/clock", json={"advance": 30})
    assert r.status_code == 200 and r.json()["now"] >= before + 30
    assert emu.now() >= before + 30
    assert requests.post(emu.url + "/_emulator/clock", json={"advance": -5}).status_code == 400
    assert requests.post(emu.url + "/_emulator/clock", json={"advance": "soon"}).status_code == 400
    assert requests.get(emu.url + "/_emulator/clock").json()["offset"] == 30


def test_admin_reset(emu, signed):
    assert signed(emu, "PutThing", {"Name": "a"}, version=V, method="POST")[0] == 200
    emu.schedule_fault("Echo", "throttle")
    emu.advance(10)
    assert requests.post(emu.url + "/_emulator/reset").json() == {"ok": True}
    assert signed(emu, "GetThings", {}, version=V)[1]["Things"] == []
    assert signed(emu, "Echo", {}, version=V)[0] == 200          # scheduled faults are gone too
    assert abs(emu.now() - time.time()) < 2                       # and the clock is back


def test_admin_requests(emu, signed):
    signed(emu, "PutThing", {"Name": "a"}, version=V, method="POST")
    signed(emu, "Echo", {}, version=V, secret_key="wrong")
    log = requests.get(emu.url + "/_emulator/requests").json()
    assert isinstance(log, list) and len(log) == 2
    assert log[0]["action"] == "PutThing" and log[0]["status"] == 200 and log[0]["mutated"] is True
    assert log[0]["service"] == "kce" and log[0]["version"] == V and log[0]["account"] == emu.access_key
    assert log[1]["status"] == 403 and log[1]["error"] == "SignatureDoesNotMatch" and log[1]["mutated"] is False
    assert log == emu.requests
    assert requests.delete(emu.url + "/_emulator/requests").json() == {"ok": True} and emu.requests == []


def test_is_loopback():
    assert server._is_loopback("127.0.0.1") and server._is_loopback("127.5.6.7") and server._is_loopback("::1")
    assert server._is_loopback("::ffff:127.0.0.1")
    assert not server._is_loopback("10.1.2.3") and not server._is_loopback("::ffff:10.0.0.1")
    assert not server._is_loopback("not an ip")


def _non_loopback_ip():
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("192.0.2.1", 9))   # no packet is sent; this only picks the outgoing interface
        ip = s.getsockname()[0]
        s.close()
    except OSError:
        return None
    return None if ip.startswith("127.") or ip == "0.0.0.0" else ip


def test_admin_refuses_non_loopback_clients(core_actions):
    ip = _non_loopback_ip()
    if ip is None:
        pytest.skip("no non-loopback interface")
    e = Emulator(world={"regions": {}})
    e.start(host="0.0.0.0")
    try:
        r = requests.get("http://%s:%d/_emulator/health" % (ip, e.port), timeout=5)
        assert r.status_code == 403
        r = requests.post("http://%s:%d/_emulator/reset" % (ip, e.port), timeout=5)
        assert r.status_code == 403
        assert requests.get("http://127.0.0.1:%d/_emulator/health" % e.port, timeout=5).status_code == 200
    finally:
        e.stop()


# ------------------------------------------------------------------------------------ request log

def test_log_file_has_one_json_line_per_request_and_no_secrets(core_actions, signed, tmp_path):
    path = str(tmp_path / "requests.log")
    e = Emulator(world={"regions": {}}, log=path)
    e.start()
    secrets = ["Hunter2-Secret!", "Inst-Pass-123", "Reg-Pass-456", e.secret_key]
    try:
        para = json.dumps({"InstancePassword": secrets[1], "MaxCount": 1})
        method, url, headers, body = signed.prepare(
            e, "PutThing", {"Name": "a", "Password": secrets[0], "InstanceSet.1.NodePara.1": para,
                            "ImageRegistryCredential.1.Password": secrets[2]}, version=V, method="POST")
        r = requests.post(url, headers=headers, data=body)
        assert r.status_code == 200
        sig = headers["Authorization"].rsplit("Signature=", 1)[1]
        method, url, headers, _body = signed.prepare(e, "Echo", {"Password": secrets[0]}, version=V, query_auth=True)
        assert requests.get(url, headers=headers).status_code == 200
        qsig = url.rsplit("X-Amz-Signature=", 1)[1]
        signed(e, "Nope", {"Password": secrets[0]}, version=V)
    finally:
        e.stop()
    text = open(path, encoding="utf-8").read()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(x["action"], x["status"], x["error"], x["mutated"]) for x in lines] == [
        ("PutThing", 200, None, True), ("Echo", 200, None, False), ("Nope", 400, "InvalidAction", False)]
    for rec in lines:
        for key in ("time", "action", "version", "service", "account", "status", "error", "mutated"):
            assert key in rec
    for secret in secrets + [sig, qsig]:
        assert secret not in text
    assert "Password" in lines[0]["params"]          # the names are there, never the values


# ------------------------------------------------------------------------------------ command line

def _start(args, cwd=REPO, env=None):
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if "http://" not in line:
        proc.kill()
        raise AssertionError("no URL printed: %r %r" % (line, proc.stderr.read()))
    return proc, line.strip().rsplit(" ", 1)[-1]


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def _kcr(signed, url, action, params, ak, sk, method="GET"):
    target = types.SimpleNamespace(url=url, access_key=ak, secret_key=sk)
    return signed(target, action, params, version="2018-03-14", method=method)


def test_cli_script_flags_state_and_sigterm(signed, tmp_path):
    port_file, state, log = (str(tmp_path / n) for n in ("port", "state.sqlite", "log.jsonl"))
    args = [sys.executable, os.path.join(EMULATOR, "ksyun_emulator", "server.py"), "--port", "0", "--port-file", port_file,
            "--state", state, "--account", "AKLTCLI:cli:secret", "--account", "AKLTTWO:two", "--log", log,
            "--lifecycle-seconds", "0"]
    proc, url = _start(args)
    try:
        assert url == "http://127.0.0.1:%s" % open(port_file).read().strip()
        assert requests.get(url + "/_emulator/health").json() == {"ok": True}
        status, body = _kcr(signed, url, "CreateRepoNamespace", {"Namespace": "cli-ns", "Public": "false"},
                            "AKLTCLI", "cli:secret", method="POST")
        assert status == 200, body
        status, body = _kcr(signed, url, "DescribeRepoNamespace", {}, "AKLTDEMO0000000000000000",
                            server.DEMO_SECRET_KEY)
        assert status == 403                          # --account replaces the demo account
    finally:
        _stop(proc)
    assert json.loads(open(log).readline())["action"] == "CreateRepoNamespace"
    proc, url = _start(args)                          # the same --state: the namespace is still there
    try:
        status, body = _kcr(signed, url, "DescribeRepoNamespace", {}, "AKLTCLI", "cli:secret")
        assert status == 200 and "cli-ns" in [n["Namespace"] for n in body["NamespaceSet"]]
    finally:
        _stop(proc)


def test_cli_as_module_and_as_collection_path(signed):
    proc, url = _start([sys.executable, "-m", "ksyun_emulator", "--port", "0"], cwd=EMULATOR)
    try:
        status, _body = _kcr(signed, url, "DescribeRepoNamespace", {}, server.DEMO_ACCESS_KEY, server.DEMO_SECRET_KEY)
        assert status == 200
    finally:
        _stop(proc)
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, ".collections"))
    proc, url = _start([sys.executable, "-m", "ansible_collections.ksyun.cloud.emulator.ksyun_emulator",
                        "--port", "0", "--host", "127.0.0.1"], cwd="/", env=env)
    try:
        assert requests.get(url + "/_emulator/health").json() == {"ok": True}
    finally:
        _stop(proc)


def test_cli_rejects_bad_flags():
    for bad in (["--account", "nocolon"], ["--fault-rate", "2"]):
        r = subprocess.run([sys.executable, os.path.join(EMULATOR, "ksyun_emulator", "server.py")] + bad,
                           capture_output=True, text=True, timeout=30, check=False)
        assert r.returncode == 2 and "error" in r.stderr


# ------------------------------------------------------------------------------------ push (docker push)

KCR = "2018-03-14"


def _make_repo(signed, emu, repo, access_key=None, secret_key=None):
    keys = {"access_key": access_key, "secret_key": secret_key}
    status, body = signed(emu, "CreateRepoNamespace", {"Namespace": repo.split("/", 1)[0], "Public": "false"},
                          version=KCR, method="POST", **keys)
    assert status == 200, body
    status, body = signed(emu, "CreateRepository", {"RepoName": repo}, version=KCR, method="POST", **keys)
    assert status == 200, body


def _tags(signed, emu, repo, **params):
    params = dict(params, RepoName=repo)
    status, body = signed(emu, "DescribeTag", params, version=KCR)
    assert status == 200, body
    return body


def test_admin_push_tags(emu, signed):
    _make_repo(signed, emu, "push-ns/app")
    emu.advance(3600)
    before = emu.now()
    r = requests.post(emu.url + "/_emulator/push", json={"repository": "push-ns/app", "tags": ["v2", "v1", "v2"]})
    after = emu.now()
    assert r.status_code == 200 and r.json() == {"pushed": ["v2", "v1"]}
    body = _tags(signed, emu, "push-ns/app")
    assert body["TotalCount"] == 2 and [t["TagName"] for t in body["TagSet"]] == ["v1", "v2"]
    tag = body["TagSet"][0]
    assert tag["RepoName"] == "push-ns/app" and tag["ImageId"].startswith("sha256:") and tag["SizeByte"] > 0
    assert set(tag) == {"RepoName", "TagName", "ImageId", "CreateTime", "SizeByte", "Author", "DockerVersion",
                        "Architecture", "Os"}
    assert kcr.fmt_time(before) <= tag["CreateTime"] <= kcr.fmt_time(after)    # the emulator clock
    # pushing again replaces the tag (same digest here) and adds the new one
    r = requests.post(emu.url + "/_emulator/push", json={"repository": "push-ns/app", "tags": ["v1", "v3"],
                                                         "access_key": emu.access_key})
    assert r.status_code == 200 and r.json()["pushed"] == ["v1", "v3"]
    assert [t["TagName"] for t in _tags(signed, emu, "push-ns/app")["TagSet"]] == ["v1", "v2", "v3"]
    assert [rec["action"] for rec in emu.requests] == [                 # pushes are not API requests
        "CreateRepoNamespace", "CreateRepository", "DescribeTag", "DescribeTag"]


def test_admin_push_count_pages(emu, signed):
    _make_repo(signed, emu, "push-ns/many")
    r = requests.post(emu.url + "/_emulator/push", json={"repository": "push-ns/many", "count": 130})
    assert r.status_code == 200 and r.json()["pushed"] == kcr.generated_tags(130)
    assert r.json()["pushed"][:2] == ["tag-0001", "tag-0002"] and r.json()["pushed"][-1] == "tag-0130"
    first = _tags(signed, emu, "push-ns/many", MaxResults="99")
    assert first["TotalCount"] == 130 and len(first["TagSet"]) == 99 and first["Marker"] == 99
    rest = _tags(signed, emu, "push-ns/many", MaxResults="99", Marker="99")
    assert len(rest["TagSet"]) == 31 and rest["Marker"] == 0
    names = [t["TagName"] for t in first["TagSet"] + rest["TagSet"]]
    assert names == kcr.generated_tags(130)
    filtered = _tags(signed, emu, "push-ns/many", **{"Filter.1.Name": "tag", "Filter.1.Value.1": "tag-0042"})
    assert [t["TagName"] for t in filtered["TagSet"]] == ["tag-0042"]


def test_admin_push_unknown_repository_or_account(emu, signed):
    for body in ({"repository": "push-ns/none", "tags": ["v1"]},
                 {"repository": "push-ns/none", "count": 2},
                 {"repository": "ksyun/nginx", "tags": ["v1"], "access_key": "AKLTNOBODY"}):
        r = requests.post(emu.url + "/_emulator/push", json=body)
        assert r.status_code == 404 and "error" in r.json(), body
    _make_repo(signed, emu, "push-ns/app")
    assert _tags(signed, emu, "push-ns/app")["TagSet"] == []


def test_admin_push_bad_requests_push_nothing(emu, signed):
    _make_repo(signed, emu, "push-ns/app")
    bad = [
        {"repository": "push-ns/app"},                                   # neither tags nor count
        {"repository": "push-ns/app", "tags": ["v1"], "count": 1},       # both
        {"repository": "push-ns/app", "tags": []},
        {"repository": "push-ns/app", "tags": "v1"},
        {"repository": "push-ns/app", "tags": ["v1", 2]},
        {"repository": "push-ns/app", "tags": ["v1", "-bad"]},           # v1 is rolled back
        {"repository": "push-ns/app", "tags": ["v1", "x" * 129]},
        {"repository": "push-ns/app", "count": 0},
        {"repository": "push-ns/app", "count": "3"},
        {"repository": "push-ns/app", "count": True},
        {"repository": "push-ns/app", "count": kcr.MAX_PUSH_TAGS + 1},
        {"repository": "push-ns/app", "tag": ["v1"]},                    # an unknown field
        {"repository": 5, "tags": ["v1"]},
        {"tags": ["v1"]},
    ]
    for body in bad:
        r = requests.post(emu.url + "/_emulator/push", json=body)
        assert r.status_code == 400 and "error" in r.json(), body
    assert requests.post(emu.url + "/_emulator/push", data="[1]").status_code == 400
    assert requests.get(emu.url + "/_emulator/push").status_code == 404
    assert _tags(signed, emu, "push-ns/app")["TagSet"] == []


def test_push_tags_in_process(emu, signed):
    _make_repo(signed, emu, "push-ns/app")
    assert emu.push_tags("push-ns/app", ("latest", "1.0", "latest")) == ["latest", "1.0"]
    assert emu.push_tags("push-ns/app", []) == []
    assert [t["TagName"] for t in _tags(signed, emu, "push-ns/app")["TagSet"]] == ["1.0", "latest"]
    with pytest.raises(KeyError):
        emu.push_tags("push-ns/none", ["v1"])
    with pytest.raises(KeyError):
        emu.push_tags("push-ns/app", ["v1"], access_key="AKLTNOBODY")
    with pytest.raises(ValueError):
        emu.push_tags("push-ns/app", ["v1", "bad tag"])
    with pytest.raises(TypeError):
        emu.push_tags("push-ns/app", "v1")
    assert [t["TagName"] for t in _tags(signed, emu, "push-ns/app")["TagSet"]] == ["1.0", "latest"]
    # a repository of the public catalogue takes pushed tags in place of its synthesized `latest`
    assert emu.push_tags("ksyun/nginx", ["1.19"]) == ["1.19"]
    assert [t["TagName"] for t in _tags(signed, emu, "ksyun/nginx")["TagSet"]] == ["1.19"]


def test_push_tags_other_account_and_state(core_actions, signed, tmp_path):
    state = str(tmp_path / "state.sqlite")
    accounts = {"AKLTONE": "one-secret", "AKLTTWO": "two-secret"}
    e = Emulator(accounts=accounts, world={"regions": {}}, state=state)
    e.start()
    try:
        _make_repo(signed, e, "two-ns/app", access_key="AKLTTWO", secret_key="two-secret")
        r = requests.post(e.url + "/_emulator/push", json={"repository": "two-ns/app", "tags": ["v1"]})
        assert r.status_code == 404                                     # the first account has no such repository
        r = requests.post(e.url + "/_emulator/push", json={"repository": "two-ns/app", "tags": ["v1"],
                                                           "access_key": "AKLTTWO"})
        assert r.status_code == 200 and r.json() == {"pushed": ["v1"]}
    finally:
        e.stop()
    e = Emulator(accounts=accounts, world={"regions": {}}, state=state)   # the pushed tag survives a restart
    e.start()
    try:
        status, body = signed(e, "DescribeTag", {"RepoName": "two-ns/app"}, version=KCR,
                              access_key="AKLTTWO", secret_key="two-secret")
        assert status == 200 and [t["TagName"] for t in body["TagSet"]] == ["v1"]
    finally:
        e.stop()


# ------------------------------------------------------------------------------------ charts (helm push)

def _chart_count(signed, emu, namespace, **keys):
    status, body = signed(emu, "DescribeRepoNamespace", {"Namespace": namespace}, version=KCR, **keys)
    assert status == 200, body
    return body["NamespaceSet"][0]["ChartCount"]


def test_admin_charts(emu, signed):
    _make_repo(signed, emu, "chart-ns/app")
    r = requests.post(emu.url + "/_emulator/charts", json={"namespace": "chart-ns", "count": 3})
    assert r.status_code == 200 and r.json() == {"chart_count": 3}
    assert _chart_count(signed, emu, "chart-ns") == 3
    status, body = signed(emu, "DeleteRepository", {"RepoName": "chart-ns/app"}, version=KCR, method="POST")
    assert status == 200
    status, body = signed(emu, "DeleteRepoNamespace", {"Namespace": "chart-ns"}, version=KCR, method="POST")
    assert (status, body["Error"]["Code"]) == (400, "NamespaceNotEmpty") and "3 charts" in body["Error"]["Message"]
    r = requests.post(emu.url + "/_emulator/charts", json={"namespace": "chart-ns"})        # count defaults to 1
    assert r.json() == {"chart_count": 4}
    r = requests.post(emu.url + "/_emulator/charts", json={"namespace": "chart-ns", "count": -10})
    assert r.json() == {"chart_count": 0}                                                   # never below 0
    assert signed(emu, "DeleteRepoNamespace", {"Namespace": "chart-ns"}, version=KCR, method="POST")[0] == 200
    for body, status in (({"namespace": "chart-ns"}, 404), ({"namespace": "x", "access_key": "AKLTNOBODY"}, 404),
                         ({"namespace": "chart-ns", "count": "2"}, 400), ({"namespace": "chart-ns", "count": True}, 400),
                         ({"namespace": "chart-ns", "charts": 1}, 400), ({}, 404)):
        r = requests.post(emu.url + "/_emulator/charts", json=body)
        assert r.status_code == status and "error" in r.json(), body
    assert [rec["action"] for rec in emu.requests][-1] == "DeleteRepoNamespace"             # not API requests


def test_admin_charts_other_account(two_accounts):
    one, two = two_accounts("kcr")
    assert two("CreateRepoNamespace", {"Namespace": "two-charts", "Public": "false"})[0] == 200
    url = one.emu.url + "/_emulator/charts"
    assert requests.post(url, json={"namespace": "two-charts"}).status_code == 404   # not the first account's
    r = requests.post(url, json={"namespace": "two-charts", "count": 2, "access_key": two.who["access_key"]})
    assert r.json() == {"chart_count": 2}
    assert two("DescribeRepoNamespace", {"Namespace": "two-charts"})[1]["NamespaceSet"][0]["ChartCount"] == 2


def test_admin_push_refuses_non_loopback_clients(core_actions):
    ip = _non_loopback_ip()
    if ip is None:
        pytest.skip("no non-loopback interface")
    e = Emulator(world={"regions": {}})
    e.start(host="0.0.0.0")
    try:
        body = {"repository": "ksyun/nginx", "tags": ["v1"]}
        r = requests.post("http://%s:%d/_emulator/push" % (ip, e.port), json=body, timeout=5)
        assert r.status_code == 403
        assert e.account_store().count("kcr_tag") == 0
    finally:
        e.stop()
