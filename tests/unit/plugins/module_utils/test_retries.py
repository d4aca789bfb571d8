# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry policy, with a fake clock and sleep, then with real sockets on 127.0.0.1.

Reads: retried on 409 LimitExceeded, 5xx, timeouts and connection errors.
Writes: retried only when they provably did not run (409 LimitExceeded, no connection).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import socket
import struct
import time

import pytest
import requests

from ansible_collections.ksyun.cloud.plugins.module_utils._client import Client, RetryBudget
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ksyun_fakes import (FakeResponse, MaxRng, api_error, connect_timeout, json_reply, ok, read_timeout, refused,
                         reset)

READ = dict(service="kce", version="2019-08-06", action="DescribeCluster")
WRITE = dict(service="kce", version="2019-08-06", action="DeleteCluster", params={"ClusterId": "c"}, write=True)


def throttled():
    return api_error(409, "LimitExceeded", "Request was rejected because the request speed ...")


def unavailable():
    return api_error(500, "ServiceUnavailable", "OpenAPI or Service is unavailable", etype="Receiver")


def service_timeout():
    return api_error(500, "ServiceTimeout", "Internal Service is unavailable because of time out.")


def bad_gateway():
    return FakeResponse(502, "<html>502 Bad Gateway</html>")


RETRIED_FOR_READS = [throttled, unavailable, service_timeout, bad_gateway, read_timeout, connect_timeout, refused, reset]


@pytest.mark.parametrize("failure", RETRIED_FOR_READS)
def test_reads_retry_then_succeed(make_client, clock, failure):
    client, session = make_client([failure(), failure(), ok(ClusterSet=[])])
    assert client.call(**READ) == {"RequestId": "req-ok", "ClusterSet": []}
    assert len(session.requests) == 3
    assert client.api_calls == ["DescribeCluster"] * 3
    assert len(clock.sleeps) == 2


@pytest.mark.parametrize("failure", RETRIED_FOR_READS)
def test_reads_give_up_after_max_retries(make_client, clock, failure):
    client, session = make_client([failure() for dummy in range(4)], max_retries=3)
    with pytest.raises(KsyunError) as info:
        client.call(**READ)
    assert len(session.requests) == 4
    assert info.value.attempts == 4
    assert info.value.maybe_applied is False
    assert len(clock.sleeps) == 3


@pytest.mark.parametrize("answer", [
    lambda: api_error(400, "InvalidParameterValue"), lambda: api_error(403, "SignatureDoesNotMatch"),
    lambda: api_error(404, "ClusterNotFound"), lambda: api_error(412, "DryRunOperation"),
    lambda: api_error(409, "Conflict"), lambda: api_error(404, "ServiceUnavailable"),
    lambda: FakeResponse(200, "not json"),
])
def test_client_errors_are_never_retried(make_client, clock, answer):
    for call in (READ, WRITE):
        client, session = make_client([answer()])
        with pytest.raises(KsyunError):
            client.call(**call)
        assert len(session.requests) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("failure, code", [
    (read_timeout, "ReadTimeout"), (reset, "ConnectionError"), (unavailable, "ServiceUnavailable"),
    (service_timeout, "ServiceTimeout"), (bad_gateway, "InvalidResponse"),
])
def test_writes_that_may_have_run_are_not_retried(make_client, clock, failure, code):
    client, session = make_client([failure()])
    with pytest.raises(KsyunError) as info:
        client.call(**WRITE)
    assert len(session.requests) == 1
    assert clock.sleeps == []
    assert info.value.code == code
    assert info.value.maybe_applied is True
    assert info.value.action == "DeleteCluster"


@pytest.mark.parametrize("failure", [refused, connect_timeout, throttled])
def test_writes_that_provably_did_not_run_are_retried(make_client, clock, failure):
    client, session = make_client([failure(), failure(), ok()])
    assert client.call(**WRITE) == {"RequestId": "req-ok"}
    assert len(session.requests) == 3
    assert client.api_calls == ["DeleteCluster"] * 3


@pytest.mark.parametrize("failure", [refused, connect_timeout, throttled])
def test_writes_that_did_not_run_are_not_maybe_applied(make_client, failure):
    client, _session = make_client([failure(), failure()], max_retries=1)
    with pytest.raises(KsyunError) as info:
        client.call(**WRITE)
    assert info.value.maybe_applied is False


def test_reads_are_never_maybe_applied(make_client):
    client, _session = make_client([read_timeout()], max_retries=0)
    with pytest.raises(KsyunError) as info:
        client.call(**READ)
    assert info.value.maybe_applied is False
    assert info.value.code == "ReadTimeout"


def test_max_retries_zero_disables_retries(make_client, clock):
    client, session = make_client([throttled()], max_retries=0)
    with pytest.raises(KsyunError) as info:
        client.call(**READ)
    assert info.value.code == "LimitExceeded"
    assert len(session.requests) == 1
    assert clock.sleeps == []


def test_backoff_is_exponential_and_capped(make_client, clock):
    client, _session = make_client([throttled() for dummy in range(9)], max_retries=8, rng=MaxRng(), retry_budget=1000)
    with pytest.raises(KsyunError):
        client.call(**READ)
    assert clock.sleeps == [0.5, 1, 2, 4, 8, 16, 20, 20]


def test_full_jitter_stays_within_bounds(make_client, clock):
    client, _session = make_client([unavailable() for dummy in range(9)], max_retries=8, rng=random.Random(7),
                                   retry_budget=1000)
    with pytest.raises(KsyunError):
        client.call(**READ)
    assert len(clock.sleeps) == 8
    for attempt, delay in enumerate(clock.sleeps):
        assert 0 <= delay <= min(20, 0.5 * 2 ** attempt)
    # jittered: not all equal to the upper bound
    assert clock.sleeps != [min(20, 0.5 * 2 ** a) for a in range(8)]


def test_budget_stops_retries_before_max_retries(make_client, clock):
    client, session = make_client([throttled() for dummy in range(10)], max_retries=9, rng=MaxRng(), retry_budget=3)
    with pytest.raises(KsyunError):
        client.call(**READ)
    # sleeps 0.5 + 1 = 1.5 s; the next (2 s) would end at 3.5 s > 3 s: give up after 3 requests
    assert clock.sleeps == [0.5, 1]
    assert len(session.requests) == 3


def test_budget_counts_time_spent_in_requests(make_client, clock):
    def slow(_record):
        clock.now += 30  # the request itself took 30 s (e.g. a read timeout)
        return read_timeout()
    client, session = make_client([slow, slow, slow, slow, slow], max_retries=4, rng=MaxRng(), retry_budget=70)
    with pytest.raises(KsyunError):
        client.call(**READ)
    # 30 + 0.5 + 30 + 1 = 61.5; 61.5 + 30 (third request) = 91.5 > 70 after it: no fourth
    assert len(session.requests) == 3


def test_retry_budget_allows_retries_until_its_deadline(clock):
    budget = RetryBudget(10, clock=clock)
    assert budget.allows(4.0) and budget.allows(4.0)
    clock.now += 7
    assert not budget.allows(4.0)                     # would end 11 s after it began, past the deadline
    assert budget.retries == 2


def test_a_shared_budget_bounds_the_retries_of_every_client_using_it(make_client, clock):
    """The kce inventory's worker threads share one RetryBudget: what one client's retries spend,
    another client cannot spend again, though each call's own retry_budget would allow it."""
    shared = RetryBudget(2.5, clock=clock)
    first, first_session = make_client([throttled(), throttled(), ok()], rng=MaxRng(), budget=shared)
    second, second_session = make_client([throttled(), throttled(), ok()], rng=MaxRng(), budget=shared)
    assert first.call(**READ) == {"RequestId": "req-ok"}       # sleeps 0.5 + 1 = 1.5 s of the 2.5
    with pytest.raises(KsyunError) as caught:
        second.call(**READ)                                   # 0.5 s more fit, the next 1 s does not
    assert caught.value.code == "LimitExceeded"
    assert clock.sleeps == [0.5, 1, 0.5]
    assert len(second_session.requests) == 2
    assert shared.retries == 3


def test_a_shared_budget_counts_no_retry_the_calls_own_budget_refused(make_client, clock):
    shared = RetryBudget(100, clock=clock)
    client, session = make_client([throttled(), throttled(), ok()], rng=MaxRng(), budget=shared, retry_budget=0.7)
    with pytest.raises(KsyunError):
        client.call(**READ)                                   # 0.5 s fits the call's 0.7, the next 1 s does not
    assert len(session.requests) == 2 and shared.retries == 1


def test_custom_backoff_base_and_cap(make_client, clock):
    client, _session = make_client([throttled() for dummy in range(5)], max_retries=4, rng=MaxRng(), backoff_base=1,
                                   backoff_cap=3, retry_budget=1000)
    with pytest.raises(KsyunError):
        client.call(**READ)
    assert clock.sleeps == [1, 2, 3, 3]


def test_transport_messages_carry_no_url_or_parameters(make_client):
    for failure in (refused, reset, read_timeout, connect_timeout):
        client, _session = make_client([failure()], max_retries=0)
        with pytest.raises(KsyunError) as info:
            client.call("kce", "2018-03-14", "ModifyPassword", {"Password": "Pa55w0rd!"}, write=True)
        text = str(info.value)
        assert "Pa55w0rd" not in text and "?" not in text and "Action=" not in text, text
        assert "kce.cn-beijing-6.api.ksyun.com" in text


# ------------------------------------------------------------------------- real sockets

def _real_client(url, **kwargs):
    kwargs.setdefault("sleep", lambda s: None)
    return Client("AKLTtest", "secret", "cn-beijing-6", endpoint_url=url, **kwargs)


def test_connection_refused_is_retried_for_writes_too(closed_port):
    url = "http://127.0.0.1:%d" % closed_port
    client = _real_client(url, max_retries=2)
    with pytest.raises(KsyunError) as info:
        client.call(**WRITE)
    assert info.value.code == "ConnectionError"
    assert info.value.maybe_applied is False
    assert client.api_calls == ["DeleteCluster"] * 3
    assert "refused" in info.value.message.lower()


def test_read_timeout_is_retried_for_reads_not_for_writes(loopback):
    def never_answer(conn, _request):
        time.sleep(1.0)
    server = loopback(never_answer)
    client = _real_client(server.url, timeout=0.3, max_retries=1)
    with pytest.raises(KsyunError) as info:
        client.call(**READ)
    assert info.value.code == "ReadTimeout"
    assert client.api_calls == ["DescribeCluster"] * 2
    client = _real_client(server.url, timeout=0.3, max_retries=3)
    with pytest.raises(KsyunError) as info:
        client.call(**WRITE)
    assert info.value.code == "ReadTimeout"
    assert info.value.maybe_applied is True
    assert client.api_calls == ["DeleteCluster"]


def _reset_after_reading(conn, _request):
    # the request was received; close with RST (SO_LINGER 0), no answer
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _close_after_reading(conn, _request):
    pass


@pytest.mark.parametrize("behaviour", [_reset_after_reading, _close_after_reading])
def test_connection_lost_after_sending_is_not_retried_for_writes(loopback, behaviour):
    server = loopback(behaviour)
    client = _real_client(server.url, max_retries=3)
    with pytest.raises(KsyunError) as info:
        client.call(**WRITE)
    assert info.value.code == "ConnectionError"
    assert info.value.maybe_applied is True
    assert client.api_calls == ["DeleteCluster"]
    assert len(server.received) == 1
    client = _real_client(server.url, max_retries=2)
    with pytest.raises(KsyunError):
        client.call(**READ)
    assert client.api_calls == ["DescribeCluster"] * 3


def test_throttled_then_ok_over_a_real_socket(loopback):
    answers = [(409, {"RequestId": "a", "Error": {"Type": "Sender", "Code": "LimitExceeded", "Message": "slow"}}),
               (200, {"RequestId": "b", "Exist": True})]

    def behaviour(conn, _request):
        status, data = answers.pop(0)
        json_reply(conn, status, data)
    server = loopback(behaviour)
    client = _real_client(server.url)
    assert client.call("kce", "2018-03-14", "CreateRepoNamespace", {"Namespace": "n"}, write=True)["Exist"] is True
    assert client.api_calls == ["CreateRepoNamespace"] * 2


def test_wire_format_is_exactly_what_was_signed(loopback):
    def behaviour(conn, _request):
        json_reply(conn, 200, {"RequestId": "r"})
    server = loopback(behaviour)
    client = _real_client(server.url)
    client.call("kce", "2019-08-06", "DescribeClusterInstance", {"Search": u"a b+c 名", "Filter.1.Name": "x"})
    client.call("kce", "2019-08-06", "ModifyClusterInfo", {"ClusterName": u"a b+c 名"}, write=True)
    get, post = server.received
    head, _sep, body = get.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == (b"GET /?Action=DescribeClusterInstance&Version=2019-08-06"
                        b"&Search=a%20b%2Bc%20%E5%90%8D&Filter.1.Name=x HTTP/1.1")
    assert b"Host: 127.0.0.1:%d" % server.port in lines
    assert body == b""
    head, _sep, body = post.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST / HTTP/1.1"
    assert b"Host: 127.0.0.1:%d" % server.port in lines
    assert b"Content-Type: application/x-www-form-urlencoded; charset=utf-8" in lines
    assert body == b"Action=ModifyClusterInfo&Version=2019-08-06&ClusterName=a%20b%2Bc%20%E5%90%8D"


def test_raw_socket_errors_count_as_lost_connections(make_client):
    client, session = make_client([ConnectionResetError(104, "reset"), ok()])
    assert client.call(**READ)["RequestId"] == "req-ok"
    client, session = make_client([ConnectionResetError(104, "reset")])
    with pytest.raises(KsyunError) as info:
        client.call(**WRITE)
    assert (info.value.code, info.value.maybe_applied, len(session.requests)) == ("ConnectionError", True, 1)


def test_requests_that_could_not_be_built_are_not_retried_nor_maybe_applied(make_client):
    client, session = make_client([requests.exceptions.InvalidHeader("bad header value")])
    with pytest.raises(KsyunError) as info:
        client.call(**WRITE)
    assert (info.value.code, info.value.maybe_applied, len(session.requests)) == ("TransportError", False, 1)
    client, session = make_client([requests.exceptions.InvalidURL("bad")])
    with pytest.raises(KsyunError):
        client.call(**READ)
    assert len(session.requests) == 1
