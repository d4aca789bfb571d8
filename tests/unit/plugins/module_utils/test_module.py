# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""KsyunModule: common options and their environment variables, failures, exit, snake, wait."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

import core_compat
from core_compat import patch_module_args
from ansible_collections.ksyun.cloud.plugins.module_utils import _client, _config, _module
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError, WaitError
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, snake, wait
from ksyun_fakes import FakeClock, FakeSession, ok

ENV = ("KSYUN_ACCESS_KEY", "KSYUN_SECRET_KEY", "KSYUN_REGION", "KSYUN_ENDPOINT_URL")
CREDS = dict(access_key="AKLTopt", secret_key="opt-secret", region="cn-beijing-6")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def run(args, body=None, spec=None, **kwargs):
    """Build a KsyunModule with `args`, run body(m); return (exit code, JSON result)."""
    with patch_module_args(args):
        with pytest.raises(SystemExit) as info:
            m = KsyunModule(argument_spec=spec or {}, **kwargs)
            if body is not None:
                body(m)
            m.exit()
    return info.value.code


def result(capsys):
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------------- options

def test_common_argument_spec():
    spec = _module.common_argument_spec()
    assert sorted(spec) == ["access_key", "debug_api_calls", "endpoint_url", "max_retries", "region", "secret_key",
                            "timeout", "validate_certs"]
    assert spec["secret_key"]["no_log"] is True
    assert spec["access_key"]["no_log"] is False
    for option, env in _config.ENV_VARS.items():
        assert spec[option]["fallback"][1] == [env]
    assert spec["validate_certs"]["default"] is True
    assert spec["timeout"]["default"] == 30
    assert spec["max_retries"]["default"] == 5
    assert spec["debug_api_calls"]["default"] is False


@pytest.mark.parametrize("missing, env", [("access_key", "KSYUN_ACCESS_KEY"), ("secret_key", "KSYUN_SECRET_KEY"),
                                          ("region", "KSYUN_REGION")])
def test_missing_required_option_names_option_and_env_var(capsys, missing, env):
    args = dict(CREDS)
    del args[missing]
    calls = []
    assert run(args, body=lambda m: calls.append(m.client)) == 1
    out = result(capsys)
    assert out["failed"] is True
    assert missing in out["msg"] and env in out["msg"]
    assert calls == []  # failed before any client/API call


def test_empty_values_count_as_missing(capsys, monkeypatch):
    monkeypatch.setenv("KSYUN_REGION", "  ")
    assert run(dict(access_key="a", secret_key="b")) == 1
    assert "KSYUN_REGION" in result(capsys)["msg"]


def test_credentials_from_environment(capsys, monkeypatch):
    monkeypatch.setenv("KSYUN_ACCESS_KEY", "AKLTenv")
    monkeypatch.setenv("KSYUN_SECRET_KEY", "env-secret")
    monkeypatch.setenv("KSYUN_REGION", "cn-shanghai-2")
    monkeypatch.setenv("KSYUN_ENDPOINT_URL", "http://127.0.0.1:9999")
    seen = {}

    def body(m):
        seen["client"] = m.client
    assert run({}, body) == 0
    client = seen["client"]
    assert (client.access_key, client._secret_key, client.region, client.endpoint_url) == (
        "AKLTenv", "env-secret", "cn-shanghai-2", "http://127.0.0.1:9999")
    assert "env-secret" not in capsys.readouterr().out


def test_options_win_over_environment(monkeypatch):
    monkeypatch.setenv("KSYUN_ACCESS_KEY", "AKLTenv")
    monkeypatch.setenv("KSYUN_REGION", "cn-shanghai-2")
    seen = {}
    run(dict(CREDS, timeout=7, max_retries=0, validate_certs=False), lambda m: seen.setdefault("c", m.client))
    client = seen["c"]
    assert (client.access_key, client.region, client.timeout, client.max_retries, client.validate_certs) == (
        "AKLTopt", "cn-beijing-6", 7, 0, False)
    assert client.endpoint_url is None


@pytest.mark.parametrize("extra, text", [
    (dict(endpoint_url="kce.api.ksyun.com"), "endpoint_url"),
    (dict(timeout=0), "timeout"),
    (dict(max_retries=-1), "max_retries"),
])
def test_bad_common_options(capsys, extra, text):
    assert run(dict(CREDS, **extra)) == 1
    assert text in result(capsys)["msg"]


def test_missing_requests(capsys, monkeypatch):
    monkeypatch.setattr(_client, "HAS_REQUESTS", False)
    monkeypatch.setattr(_client, "REQUESTS_IMPORT_ERROR", "Traceback: no requests")
    assert run(dict(CREDS)) == 1
    out = result(capsys)
    assert "requests" in out["msg"]
    assert "Failed to import the required Python library" in out["msg"]


def test_module_options_are_merged(capsys):
    def body(m):
        m.exit(name=m.params["name"])
    assert run(dict(CREDS, name="x"), body, spec=dict(name=dict(type="str"))) == 0
    assert result(capsys)["name"] == "x"


# --------------------------------------------------------------------------------- failures

def _with_fake_client(m, script, debug=False):
    m._client = _client.Client("a", "b", "cn-beijing-6", session=FakeSession(script), sleep=lambda s: None)
    return m._client


def test_fail_on_error_turns_ksyun_error_into_failure(capsys):
    def body(m):
        _with_fake_client(m, [ok()])
        with m.fail_on_error():
            m.client.call("kce", "2019-08-06", "DescribeCluster")
            raise KsyunError("ClusterNotFound", "gone", status=404, request_id="r1", action="DescribeCluster")
    assert run(dict(CREDS, debug_api_calls=True), body) == 1
    out = result(capsys)
    assert out["msg"] == "DescribeCluster failed: ClusterNotFound: gone (HTTP 404, RequestId r1)"
    assert out["error"] == dict(code="ClusterNotFound", message="gone", status=404, request_id="r1",
                                action="DescribeCluster", maybe_applied=False)
    assert out["api_calls"] == ["DescribeCluster"]


def test_fail_on_error_lets_other_exceptions_through():
    with patch_module_args(dict(CREDS)):
        m = KsyunModule(argument_spec={})
        with pytest.raises(ZeroDivisionError):
            with m.fail_on_error():
                1 / 0


def test_exit_adds_api_calls_only_when_asked(capsys):
    def body(m):
        _with_fake_client(m, [ok(), ok()])
        m.client.call("kce", "2019-08-06", "DescribeCluster")
        m.client.call("kci", "2020-07-02", "DescribeImageCache")
        m.exit(changed=True, things=[1])
    assert run(dict(CREDS, debug_api_calls=True), body) == 0
    out = result(capsys)
    assert out["changed"] is True and out["things"] == [1]
    assert out["api_calls"] == ["DescribeCluster", "DescribeImageCache"]
    assert run(dict(CREDS), body) == 0
    assert "api_calls" not in result(capsys)


def test_api_calls_empty_without_client(capsys):
    assert run(dict(CREDS, debug_api_calls=True)) == 0
    assert result(capsys)["api_calls"] == []


def test_secret_never_in_output(capsys):
    def body(m):
        m.exit(echo=m.params["secret_key"])
    run(dict(CREDS, secret_key="VERY-secret-value"), body)
    assert "VERY-secret-value" not in capsys.readouterr().out


PASS_THROUGH = dict(para=dict(type="dict"), count=dict(type="int"))


def find_password(arguments):
    return _module.values_of_keys(arguments.get("para"), ("Password",))


def test_secrets_in_pass_through_options_hidden_when_validation_fails(capsys):
    # the failure of the argument validation reports the task's arguments (invocation): before the
    # module's own code runs, only the finder can say which values inside `para` are secret
    args = dict(CREDS, para={"Password": "Pass-Through-Secret-1", "Port": 22}, count="many")
    assert run(args, spec=PASS_THROUGH, secrets=find_password) == 1
    out = capsys.readouterr().out
    assert "count" in json.loads(out)["msg"]
    assert "Pass-Through-Secret-1" not in out
    assert run(args, spec=PASS_THROUGH) == 1
    assert "Pass-Through-Secret-1" in capsys.readouterr().out   # what the finder prevents


def test_secrets_in_pass_through_options_hidden_from_the_invocation_log(capsys, monkeypatch):
    logged = []
    monkeypatch.setattr(_module.AnsibleModule, "log", lambda self, msg, log_args=None: logged.append(core_compat.as_logged(msg)))
    args = dict(CREDS, para={"Password": "Pass-Through-Secret-2"})
    assert run(args, spec=PASS_THROUGH, secrets=find_password) == 0
    assert logged and "Pass-Through-Secret-2" not in " ".join(logged)
    assert "Pass-Through-Secret-2" not in capsys.readouterr().out
    del logged[:]
    # another value: 2.22+ keeps a registered secret masked for the rest of the process
    assert run(dict(CREDS, para={"Password": "Pass-Through-Secret-3"}), spec=PASS_THROUGH) == 0
    assert "Pass-Through-Secret-3" in " ".join(logged)   # what the finder prevents


@pytest.mark.parametrize("arguments, found", [
    ({"a": [{"Password": "p1"}, {"b": {"Password": "p2"}}]}, ["p1", "p2"]),
    ("not a dict", []), ([1, None, {"Password": 5}], [5]), ({"Password": {"Password": "x"}}, [{"Password": "x"}]),
])
def test_values_of_keys_takes_any_shape(arguments, found):
    assert _module.values_of_keys(arguments, ("Password",)) == found


def test_secret_texts():
    assert _module.secret_texts(["a", "", None, 123, 1.5, True, {"x": 1}]) == {"a", "123", "1.5"}


NESTED = dict(
    disk=dict(type="dict", options=dict(size=dict(type="int"), kind=dict(type="dict", options=dict(name=dict(type="str"))))),
    items=dict(type="list", elements="dict", options=dict(name=dict(type="str", required=True),
                                                          extra=dict(type="dict", options=dict(x=dict(type="int"))))),
)


@pytest.mark.parametrize("given, named", [
    (dict(disk=0), "argument 'disk' is of type int and must be a dict"),
    (dict(disk=True), "argument 'disk' is of type bool"),
    (dict(disk=1.5), "argument 'disk' is of type float"),
    (dict(disk=[1]), "argument 'disk' is of type list"),
    (dict(disk="no dict here"), "argument 'disk' is of type str"),
    (dict(disk={"kind": 7}), "argument 'kind' found in 'disk' is of type int"),
    (dict(disk='{"kind": 7}'), "argument 'kind' found in 'disk' is of type int"),
    (dict(items=[{"name": "a", "extra": False}]), "argument 'extra' found in 'items' is of type bool"),
    (dict(items=["no dict here"]), "argument 'items' is of type str and must be a dict of its suboptions (extra, name), "
                                   "or a list of them"),
])
def test_a_value_where_suboptions_are_wanted_fails_naming_the_option(capsys, given, named):
    """ansible-core raises a TypeError on a number there (a traceback) and names no option for an
    unparsable text: the module fails with a message naming the option, secrets hidden."""
    assert run(dict(CREDS, **given), spec=NESTED) == 1
    out = capsys.readouterr().out
    assert named in json.loads(out)["msg"] and "opt-secret" not in out


def test_values_ansible_core_turns_into_suboptions_still_pass(capsys):
    def body(m):
        m.exit(disk=m.params["disk"], items=m.params["items"])
    assert run(dict(CREDS, disk="size=3", items=[{"name": "a", "extra": {"x": "4"}}]), body, spec=NESTED) == 0
    out = result(capsys)
    assert out["disk"] == {"size": 3, "kind": None} and out["items"][0]["extra"] == {"x": 4}


# ---------------------------------------------------------------------------------- snake

def test_snake():
    assert snake({"ClusterId": "c", "K8sVersion": "v1", "InstanceSet": [{"InstanceId": "i"}]}) == {
        "cluster_id": "c", "k8s_version": "v1", "instance_set": [{"instance_id": "i"}]}
    assert snake([{"RepoName": "a/b"}, {"TagName": "t"}]) == [{"repo_name": "a/b"}, {"tag_name": "t"}]
    assert snake(None) is None
    assert snake([]) == []
    assert snake("text") == "text"


# ----------------------------------------------------------------------------------- wait

def _states(*states):
    seq = list(states)
    calls = []

    def fetch():
        calls.append(1)
        return seq.pop(0) if len(seq) > 1 else seq[0]
    return fetch, calls


def test_wait_returns_the_ready_state():
    clock = FakeClock()
    fetch, calls = _states({"Status": "creating"}, {"Status": "creating"}, {"Status": "running"})
    state = wait(fetch, lambda s: s["Status"] == "running", lambda s: s["Status"] == "error", timeout=60,
                 sleep=clock.sleep, clock=clock, interval=5)
    assert state == {"Status": "running"}
    assert len(calls) == 3
    assert clock.sleeps == [5, 5]


def test_wait_fails_fast_on_failure_state():
    clock = FakeClock()
    fetch, _calls = _states({"Status": "creating"}, {"Status": "error"})
    with pytest.raises(WaitError) as info:
        wait(fetch, lambda s: s["Status"] == "running", lambda s: s["Status"] == "error", timeout=600,
             sleep=clock.sleep, clock=clock, interval=5)
    assert info.value.reason == "failed"
    assert info.value.state == {"Status": "error"}
    assert clock.sleeps == [5]


def test_wait_times_out_with_last_state_and_never_sleeps_past_deadline():
    clock = FakeClock()
    fetch, calls = _states({"Status": "creating"})
    with pytest.raises(WaitError) as info:
        wait(fetch, lambda s: False, timeout=12, sleep=clock.sleep, clock=clock, interval=5)
    assert info.value.reason == "timeout"
    assert info.value.state == {"Status": "creating"}
    assert clock.sleeps == [5, 5, 2]
    assert len(calls) == 4  # one last look at the deadline
    assert info.value.elapsed == 12
    assert "12 seconds" in str(info.value)


def test_wait_zero_timeout_fetches_once():
    clock = FakeClock()
    fetch, calls = _states(None)
    with pytest.raises(WaitError):
        wait(fetch, lambda s: s is not None, timeout=0, sleep=clock.sleep, clock=clock)
    assert len(calls) == 1 and clock.sleeps == []
    fetch, calls = _states("ok")
    assert wait(fetch, lambda s: s == "ok", timeout=0, sleep=clock.sleep, clock=clock) == "ok"


def test_module_wait_fails_with_last_state(capsys):
    clock = FakeClock()

    def body(m):
        m.wait(lambda: {"Status": "creating"}, lambda s: False, timeout=3, what="cluster c-1",
               sleep=clock.sleep, clock=clock)
    assert run(dict(CREDS), body) == 1
    out = result(capsys)
    assert out["msg"] == "cluster c-1 not ready after 3 seconds"
    assert out["state"] == {"Status": "creating"}
    assert out["wait_reason"] == "timeout"


def test_module_wait_maps_api_errors(capsys):
    def fetch():
        raise KsyunError("LimitExceeded", "slow", status=409, action="DescribeCluster")

    def body(m):
        m.wait(fetch, lambda s: True)
    assert run(dict(CREDS), body) == 1
    assert result(capsys)["error"]["code"] == "LimitExceeded"
