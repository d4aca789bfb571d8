# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""plugin_utils._kce_nodes.fetch: every node once, the minimum of calls and round trips, throttling
retried from one shared budget, errors strict or skipped, lists that change while read read again."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

import kce_world

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.plugin_utils import _kce_nodes
from ansible_collections.ksyun.cloud.plugins.module_utils._client import RetryBudget
from ansible_collections.ksyun.cloud.plugins.plugin_utils._kce_nodes import ClientPool, FetchError, fetch

BJ, SH = "cn-beijing-6", "cn-shanghai-2"


def maker(emu, **kwargs):
    return lambda region, session, budget: kce_world.client(emu, region, session=session, budget=budget, **kwargs)


def node_ids(result):
    return [n["InstanceId"] for e in result["regions"] for nodes in e["nodes"].values() for n in nodes]


def oracle(emu, region):
    """The node ids of a region, read page after page by the client's own paginate (the modules' path)."""
    client = kce_world.client(emu, region)
    return sorted(n["InstanceId"] for c in kce.describe_clusters(client)
                  for n in kce.describe_cluster_instances(client, c["ClusterId"]))


@pytest.fixture(scope="module")
def big():
    """Beijing: 45 clusters of 4 nodes and, last (on the 3rd cluster page), one of 103 nodes (3 node
    pages); Shanghai: 2 clusters of 5."""
    with kce_world.emulator((BJ, SH)) as emu:
        kce_world.create_clusters(kce_world.client(emu, BJ), 45, 4, name="small-%02d")
        big_id = kce_world.create_clusters(kce_world.client(emu, BJ), 1, 103, name="big-%d")[0]
        kce_world.create_clusters(kce_world.client(emu, SH), 2, 5, name="sh-%d")
        emu.big_id = big_id
        yield emu


@pytest.fixture
def emu(big):
    big.clear_faults()
    big.clear_requests()
    yield big
    big.clear_faults()


def test_every_node_of_every_cluster_once_with_the_minimum_of_calls(emu):
    result = fetch(maker(emu), [BJ, SH])
    assert len(emu.requests) == 54
    ids = node_ids(result)
    assert len(ids) == len(set(ids)) == 45 * 4 + 103 + 2 * 5
    assert sorted(ids) == sorted(oracle(emu, BJ) + oracle(emu, SH))
    assert [e["region"] for e in result["regions"]] == [BJ, SH]
    assert [len(e["clusters"]) for e in result["regions"]] == [46, 2]
    # 3 + 1 cluster pages, 46 + 2 (the big cluster's other pages) + 2 node pages
    assert sorted(result["calls"]) == sorted(["DescribeCluster"] * 4 + ["DescribeClusterInstance"] * 50)
    # cluster page 1 -> pages 2 and 3 -> the big cluster's first node page -> its pages 2 and 3
    assert result["round_trips"] == 4
    assert result["retries"] == 0 and not result["skipped"] and not result["unsettled"]


def test_nodes_keep_the_page_order_of_each_cluster(emu):
    result = fetch(maker(emu), [BJ], clusters=[emu.big_id])
    client = kce_world.client(emu, BJ)
    assert [n["InstanceId"] for n in result["regions"][0]["nodes"][emu.big_id]] == \
        [n["InstanceId"] for n in kce.describe_cluster_instances(client, emu.big_id)]


def test_clusters_are_selected_by_id_or_name(emu):
    result = fetch(maker(emu), [BJ], clusters=["small-07", emu.big_id, "no-such-cluster"])
    names = sorted(c["ClusterName"] for c in result["regions"][0]["clusters"])
    assert names == ["big-0", "small-07"]
    assert len(node_ids(result)) == 4 + 103
    # only the selected clusters' nodes are read: 3 cluster pages, 1 + 3 node pages
    assert sorted(result["calls"]) == sorted(["DescribeCluster"] * 3 + ["DescribeClusterInstance"] * 4)


def test_node_roles_is_the_apis_instance_role_filter(emu):
    result = fetch(maker(emu), [SH], node_roles=["Worker"])
    roles = set(n["InstanceRole"] for e in result["regions"] for ns in e["nodes"].values() for n in ns)
    assert roles == {"Worker"} and len(node_ids(result)) == 2 * 2
    reads = [r for r in emu.requests if r["action"] == "DescribeClusterInstance"]
    assert reads and all({"Filter.1.Name", "Filter.1.Value.1"} <= set(r["params"]) for r in reads)


def test_throttled_pages_are_retried_and_no_node_is_lost_or_repeated(emu):
    emu.schedule_fault("DescribeCluster", "throttle", count=2)
    emu.schedule_fault("DescribeClusterInstance", "throttle", count=15)
    # retries do not sleep here, so one request may meet every fault: allow it enough retries
    result = fetch(maker(emu, max_retries=20), [BJ, SH])
    ids = node_ids(result)
    assert sorted(ids) == sorted(oracle(emu, BJ) + oracle(emu, SH))
    assert len(ids) == len(set(ids))
    assert result["retries"] == 17
    assert len(result["calls"]) == 54 + 17
    assert sum(1 for r in emu.requests if r["error"] == "LimitExceeded") == 17


def test_the_retry_budget_is_shared_and_ends_the_retries(emu):
    emu.schedule_fault("DescribeCluster", "throttle", count=1)
    with pytest.raises(FetchError) as caught:
        fetch(maker(emu), [SH], retry_seconds=0)
    assert caught.value.error.code == "LimitExceeded"
    assert caught.value.error.attempts == 1           # max_retries is 5: the budget stopped it
    assert caught.value.region == SH and caught.value.cluster_id is None


def test_strict_fails_on_the_first_error_naming_the_cluster(emu):
    emu.schedule_fault("DescribeClusterInstance", "unavailable", count=1)
    with pytest.raises(FetchError) as caught:
        fetch(maker(emu, max_retries=0), [SH])
    err = caught.value
    assert err.region == SH and err.cluster_name in ("sh-0", "sh-1")
    assert str(err).startswith("cluster sh-")
    assert "ServiceUnavailable" in str(err)


def test_not_strict_leaves_out_the_cluster_or_region_that_failed(emu):
    emu.schedule_fault("DescribeClusterInstance", "unavailable", count=1)
    result = fetch(maker(emu, max_retries=0), [SH, "cn-guangzhou-1"], strict=False)
    assert [e["region"] for e in result["regions"]] == [SH]      # that region is not served: 403
    clusters = result["regions"][0]["clusters"]
    assert len(clusters) == 1 and list(result["regions"][0]["nodes"]) == [clusters[0]["ClusterId"]]
    assert len(node_ids(result)) == 5
    where = sorted(e.where() for e in result["skipped"])
    assert len(where) == 2
    assert where[1] == "region cn-guangzhou-1"
    assert where[0].startswith("cluster sh-") and where[0].endswith("in region cn-shanghai-2")
    codes = sorted(e.error.code for e in result["skipped"])
    assert codes == ["ServiceUnavailable", "SignatureDoesNotMatch"]


# ------------------------------------------------------------------- lists that change meanwhile

class Script(object):
    """DescribeCluster answers from `answer(marker, reading)`; `reading` counts the first pages asked
    for (each new reading of the list starts with one). Node lists are empty."""

    def __init__(self, answer):
        self.answer = answer
        self.readings = 0
        self.lock = threading.Lock()

    def __call__(self, action, params):
        if action == "DescribeClusterInstance":
            return {"InstanceSet": [], "TotalCount": 0, "Marker": 0}
        with self.lock:
            if params["Marker"] == 0:
                self.readings += 1
            reading = self.readings
        return self.answer(params["Marker"], reading)


class Scripted(object):
    """A client of one worker thread answering from a Script."""

    def __init__(self, script):
        self.script = script
        self.api_calls = []

    def call(self, service, version, action, params=None, write=False, method=None):
        self.api_calls.append(action)
        return self.script(action, params)

    def page(self, service, version, action, params=None, marker=0, page_size=None):
        return self.call(service, version, action, dict(params or {}, Marker=marker))


def clusters(*names):
    return [{"ClusterId": n, "ClusterName": n} for n in names]


def run_scripted(answer, client=Scripted, max_concurrency=1):
    script = Script(answer)
    result = fetch(lambda region, session, budget: client(script), [BJ], max_concurrency=max_concurrency)
    return result, script


def test_a_page_with_another_total_count_makes_the_list_read_again():
    def answer(marker, reading):
        total = 3 if reading == 1 and marker == 0 else 4 if reading == 1 else 3
        page = {0: clusters("a", "b"), 2: clusters("c")}[marker]
        return {"ClusterSet": page, "TotalCount": total, "Marker": 2 if marker == 0 else 0}
    result, client = run_scripted(answer)
    assert client.readings == 2
    assert [c["ClusterId"] for c in result["regions"][0]["clusters"]] == ["a", "b", "c"]
    assert not result["unsettled"]


def test_a_repeated_item_is_listed_once_and_the_missing_one_read_again():
    pages = {1: {0: clusters("a", "b"), 2: clusters("b", "c")},          # "d" shifted out of sight
             2: {0: clusters("a", "b"), 2: clusters("c", "d")}}

    def answer(marker, reading):
        return {"ClusterSet": pages[min(reading, 2)][marker], "TotalCount": 4, "Marker": 2 if marker == 0 else 0}
    result, client = run_scripted(answer)
    assert client.readings == 2
    assert [c["ClusterId"] for c in result["regions"][0]["clusters"]] == ["a", "b", "c", "d"]


def test_later_pages_and_node_lists_are_in_flight_together():
    """Cluster pages 2 and 3 and the node list of a cluster of page 1 are asked for at once: each
    answer waits until all three requests have arrived (sent one after another, they would time out)."""
    together = threading.Barrier(3, timeout=10)

    class Concurrent(Scripted):
        def call(self, service, version, action, params=None, write=False, method=None):
            if action == "DescribeClusterInstance" and params["ClusterId"] == "a" or params.get("Marker") in (2, 4):
                together.wait()
            return Scripted.call(self, service, version, action, params)

    def answer(marker, reading):
        return {"ClusterSet": {0: clusters("a", "b"), 2: clusters("c", "d"), 4: clusters("e")}[marker],
                "TotalCount": 5, "Marker": {0: 2, 2: 4, 4: 0}[marker]}
    result, script = run_scripted(answer, Concurrent, max_concurrency=3)
    assert [c["ClusterId"] for c in result["regions"][0]["clusters"]] == ["a", "b", "c", "d", "e"]
    assert result["round_trips"] == 3
    assert script.readings == 1


def test_a_list_that_never_settles_is_taken_after_the_last_reading():
    def answer(marker, reading):
        return {"ClusterSet": clusters("a") if marker == 0 else clusters("a"), "TotalCount": 2,
                "Marker": 1 if marker == 0 else 0}
    result, client = run_scripted(answer)
    assert client.readings == _kce_nodes.LIST_ATTEMPTS
    assert result["unsettled"] == [(BJ, None)]
    assert [c["ClusterId"] for c in result["regions"][0]["clusters"]] == ["a"]


def test_an_unusable_marker_is_a_pagination_error():
    def answer(marker, reading):
        return {"ClusterSet": clusters("a"), "TotalCount": 2, "Marker": "next"}
    with pytest.raises(FetchError) as caught:
        run_scripted(answer)
    assert caught.value.error.code == "PaginationError"


def test_an_absurd_total_count_is_a_pagination_error_not_a_million_requests():
    def answer(marker, reading):
        return {"ClusterSet": clusters("a"), "TotalCount": 10 ** 9, "Marker": 1}
    with pytest.raises(FetchError) as caught:
        run_scripted(answer)
    assert caught.value.error.code == "PaginationError"


# ------------------------------------------------------------------------------ the machinery

class Clock(object):
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_each_worker_thread_has_its_own_session_shared_by_its_regions():
    made = []

    class FakeClient(object):
        def __init__(self, region, session, budget):
            self.region, self.session, self.budget = region, session, budget
            made.append(self)

    budget = RetryBudget(60)
    pool = ClientPool(FakeClient, budget)
    mine = (pool.get(BJ), pool.get(SH), pool.get(BJ))
    other = []
    thread = threading.Thread(target=lambda: other.append(pool.get(BJ)))
    thread.start()
    thread.join()
    assert mine[0] is mine[2] and mine[0] is not mine[1]
    assert mine[0].session is mine[1].session
    assert other[0].session is not mine[0].session
    assert len(made) == 3
    assert all(client.budget is budget for client in mine + tuple(other))    # one budget for the pool
    pool.close()
