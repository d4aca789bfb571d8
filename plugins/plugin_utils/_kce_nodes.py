# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every node of the selected KCE clusters of some regions, read concurrently (controller side).

This is a private module of the ksyun.cloud collection; it may change without notice.

``fetch(make_client, regions, ...)`` returns the raw API answers (CamelCase, as DescribeCluster and
DescribeClusterInstance give them) and the figures of the run. Marker is an offset, so once the first
page of a list has told the page size and TotalCount, every other page is asked for at once; the
clusters' node lists start as soon as the page naming the cluster arrives. Every request runs on one
bounded thread pool; each worker thread has its own HTTP session (``requests.Session`` is not
thread-safe) and its own clients, which all draw their retries from one ``_client.RetryBudget``
(the client's ``budget``) and read one page with the client's ``page``. A list is accepted only
when it holds exactly TotalCount distinct items and every page agreed on TotalCount; otherwise it is
read again (a list that changed while it was read could have lost or repeated an item).

Public names: ``fetch``, ``FetchError``, ``ClientPool``, ``LIST_ATTEMPTS``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._client import MAX_PAGES, RetryBudget
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError

try:
    import requests
except ImportError:  # pragma: no cover - the plugin reports missing requests before calling us
    requests = None

#: how many times one list is read before it is taken as it is (it kept changing meanwhile)
LIST_ATTEMPTS = 3


class FetchError(Exception):
    """An API error while reading `region` (and `cluster_id`, None for the cluster list)."""

    def __init__(self, error, region, cluster_id=None, cluster_name=None):
        self.error = error
        self.region = region
        self.cluster_id = cluster_id
        self.cluster_name = cluster_name
        super().__init__(f"{self.where()}: {error}")

    def where(self):
        if self.cluster_id is None:
            return f"region {self.region}"
        return f"cluster {self.cluster_name} ({self.cluster_id}) in region {self.region}"


class ClientPool:
    """A client per (worker thread, region): each thread has its own session, shared by its regions.

    `make_client(region, session, budget)` builds one whose retries draw from `budget` (a RetryBudget
    shared by every client of the pool).
    """

    def __init__(self, make_client, budget):
        self._make = make_client
        self._budget = budget
        self._local = threading.local()
        self._lock = threading.Lock()
        self._sessions = []

    def get(self, region):
        clients = getattr(self._local, "clients", None)
        if clients is None:
            clients = self._local.clients = {}
            self._local.session = requests.Session() if requests is not None else None
            with self._lock:
                self._sessions.append(self._local.session)
        client = clients.get(region)
        if client is None:
            client = clients[region] = self._make(region, self._local.session, self._budget)
        return client

    def close(self):
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            if session is not None:
                session.close()


class _List:
    """One list being read: the clusters of a region, or the nodes of a cluster."""

    def __init__(self, region, cluster=None, attempt=1):
        self.region = region
        self.cluster = cluster          # the raw cluster dict, None for the cluster list
        self.attempt = attempt
        self.pages = {}                 # offset -> items
        self.total = None
        self.outstanding = 0
        self.agreed = True              # every page gave the same TotalCount

    @property
    def key(self):
        return "ClusterId" if self.cluster is None else "InstanceId"

    def items(self):
        """The distinct items in offset order, and whether they are exactly TotalCount of them."""
        seen = set()
        out = []
        for offset in sorted(self.pages):
            for item in self.pages[offset]:
                ident = item.get(self.key)
                if ident in seen:
                    continue
                seen.add(ident)
                out.append(item)
        return out, self.agreed and self.total is not None and len(out) == self.total


def _wanted(cluster, selectors):
    return not selectors or cluster.get("ClusterId") in selectors or cluster.get("ClusterName") in selectors


def fetch(make_client, regions, clusters=None, node_roles=None, max_concurrency=8, strict=True,
          retry_seconds=120, clock=time.monotonic):
    """The raw clusters and nodes of `regions`.

    `clusters`: ids or names to keep (default all); `node_roles`: the ``instance-role`` filter.
    With `strict`, the first API error raises FetchError; otherwise the region (cluster list) or
    cluster (node list) that failed is left out and named in ``skipped``.

    Returns ``{"regions": [{"region", "clusters": [raw cluster], "nodes": {cluster id: [raw node]}}],
    "skipped": [FetchError], "unsettled": [(region, cluster id)], "calls": [action, ...] (retries
    included), "round_trips": requests on the longest chain, "retries": n, "seconds": wall time}``.
    """
    started = clock()
    budget = RetryBudget(retry_seconds, clock=clock)
    pool = ClientPool(make_client, budget)
    selectors = set(clusters or [])
    filters = {"instance-role": list(node_roles)} if node_roles else None
    order = list(dict.fromkeys(regions))
    found = dict((r, {"region": r, "clusters": [], "nodes": {}}) for r in order)
    known = dict((r, set()) for r in order)     # cluster ids whose node list was started
    listed = dict((r, []) for r in order)       # the cluster ids of the accepted reading, in page order
    failed_regions = set()
    skipped, unsettled, calls = [], [], []
    depth = [0]

    def page(lst, offset):
        client = pool.get(lst.region)
        before = len(client.api_calls)
        try:
            if lst.cluster is None:
                data = kce.describe_cluster_page(client, offset)
            else:
                data = kce.describe_cluster_instance_page(client, lst.cluster["ClusterId"], offset, filters)
            return data, None, client.api_calls[before:]
        except KsyunError as err:
            return None, err, client.api_calls[before:]

    executor = ThreadPoolExecutor(max_workers=max(1, int(max_concurrency)), thread_name_prefix="ksyun-kce")
    running = {}

    def submit(lst, offset, level):
        lst.outstanding += 1
        running[executor.submit(page, lst, offset)] = (lst, offset, level)

    def start(region, cluster, level, attempt=1):
        submit(_List(region, cluster, attempt), 0, level)

    def fail(lst, err):
        if lst.cluster is None:
            problem = FetchError(err, lst.region)
            failed_regions.add(lst.region)
        else:
            problem = FetchError(err, lst.region, lst.cluster.get("ClusterId"), lst.cluster.get("ClusterName"))
        if strict:
            raise problem
        skipped.append(problem)
        lst.outstanding = -1            # later pages of this list are ignored

    def finish(lst, level):
        items, complete = lst.items()
        if not complete and lst.attempt < LIST_ATTEMPTS:
            start(lst.region, lst.cluster, level, lst.attempt + 1)
            return
        if not complete:
            unsettled.append((lst.region, lst.cluster.get("ClusterId") if lst.cluster else None))
        if lst.cluster is None:
            listed[lst.region] = [c.get("ClusterId") for c in items]
            return
        found[lst.region]["nodes"][lst.cluster["ClusterId"]] = items

    def cluster_items(lst, items, level):
        """Clusters start their node lists as soon as a page names them (once per cluster)."""
        for cluster in items:
            cid = cluster.get("ClusterId")
            if cid in known[lst.region] or not _wanted(cluster, selectors):
                continue
            known[lst.region].add(cid)
            found[lst.region]["clusters"].append(cluster)
            start(lst.region, cluster, level)

    def done(lst, offset, level, data, err, made):
        calls.extend(made)
        level += max(1, len(made))
        depth[0] = max(depth[0], level)
        if lst.outstanding < 0 or lst.region in failed_regions:
            return
        lst.outstanding -= 1
        if err is not None:
            fail(lst, err)
            return
        items = list(data.get("ClusterSet" if lst.cluster is None else "InstanceSet") or [])
        try:
            total = int(data.get("TotalCount")) if data.get("TotalCount") is not None else len(items)
            marker = int(data.get("Marker") or 0)
        except (TypeError, ValueError):
            fail(lst, KsyunError("PaginationError", "the answer's Marker or TotalCount is not a number",
                                 request_id=data.get("RequestId"), action=_action(lst)))
            return
        lst.pages[offset] = items
        if offset == 0:
            lst.total = total
            # Marker is the next page's offset: it gives the page size the server used
            if marker > 0 and items and len(items) < total:
                if (total - 1) // marker > MAX_PAGES:
                    fail(lst, KsyunError("PaginationError", "the answer's TotalCount %d would take more than %d pages"
                                         % (total, MAX_PAGES), request_id=data.get("RequestId"), action=_action(lst)))
                    return
                for later in range(marker, total, marker):
                    submit(lst, later, level)
        elif total != lst.total:
            lst.agreed = False
        if lst.cluster is None:
            cluster_items(lst, items, level)
        if lst.outstanding == 0:
            finish(lst, level)

    try:
        for region in order:
            start(region, None, 0)
        while running:
            ready, dummy = wait(list(running), return_when=FIRST_COMPLETED)
            for future in ready:
                lst, offset, level = running.pop(future)
                data, err, made = future.result()
                done(lst, offset, level, data, err, made)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        pool.close()

    result = []
    for region in order:
        if region in failed_regions:
            continue
        entry = found[region]
        # page order (not the order answers arrived in); clusters whose node list failed are left out
        rank = dict((cid, i) for i, cid in enumerate(listed[region]))
        clusters = [c for c in entry["clusters"] if c.get("ClusterId") in entry["nodes"]]
        entry["clusters"] = sorted(clusters, key=lambda c: rank.get(c.get("ClusterId"), len(rank)))
        result.append(entry)
    return {"regions": result, "skipped": skipped, "unsettled": unsettled, "calls": calls,
            "round_trips": depth[0], "retries": budget.retries, "seconds": clock() - started}


def _action(lst):
    return "DescribeCluster" if lst.cluster is None else "DescribeClusterInstance"
