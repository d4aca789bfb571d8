"""Benchmarks: figures, not pass/fail (`make bench`).

1. throughput — signed DescribeCluster requests/s against one emulator process with 8 concurrent
   clients (each its own process and Session, signing with the collection's client), latency 0.
2. scale — 200 clusters holding 10,000 nodes: DescribeCluster / DescribeClusterInstance latency on an
   empty account vs the full one (the target is "no slower").
Run one: `python bench/run.py throughput` or `python bench/run.py scale`.
"""
import multiprocessing
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, ".collections"))
sys.path.insert(0, os.path.join(REPO, "emulator"))

from ksyun_emulator.process import EmulatorProcess  # noqa: E402  (emulator/ is put on sys.path above)
from ksyun_emulator.server import DEMO_ACCESS_KEY as AK, DEMO_SECRET_KEY as SK  # noqa: E402
KCE = ("kce", "2019-08-06")


def client(url):
    from ansible_collections.ksyun.cloud.plugins.module_utils._client import Client
    return Client(AK, SK, "cn-beijing-6", endpoint_url=url, max_retries=0)


def _light_caller(url):
    """http.client on one keep-alive connection, every request freshly signed by our signer:
    the client costs little, so the figure is the emulator's."""
    import http.client
    import json
    from urllib.parse import urlsplit
    from ansible_collections.ksyun.cloud.plugins.module_utils import _signer

    host = urlsplit(url).netloc
    conn = http.client.HTTPConnection(host)
    counter = [0]

    def call():
        counter[0] += 1
        query = {"Action": "DescribeCluster", "Version": KCE[1], "MaxResults": "10", "Marker": str(counter[0] % 5)}
        headers = _signer.sign_headers("GET", host, "/", query, b"", AK, SK, "cn-beijing-6", "kce")
        conn.request("GET", "/?" + _signer.encode_query(query), headers=headers)
        answer = conn.getresponse()
        body = answer.read()
        if answer.status != 200:
            raise RuntimeError(body)
        return json.loads(body)
    return call


def _worker(url, light, seconds, barrier, queue):
    if light:
        call = _light_caller(url)
    else:
        c = client(url)

        def call():
            return c.call(*KCE, "DescribeCluster", {"MaxResults": 10})
    call()  # connection up, imports done
    barrier.wait()
    n, lat = 0, []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.monotonic()
        call()
        lat.append(time.monotonic() - t)
        n += 1
    queue.put((n, lat))


def _cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(clients=8, seconds=5.0):
    for light in (True, False):
        _throughput(clients, seconds, light)


def _throughput(clients, seconds, light):
    with tempfile.TemporaryDirectory() as work:
        emu = EmulatorProcess(work)
        url = emu.url
        try:
            client(url).call(*KCE, "DescribeCluster", {})  # warm up (seeds the world)
            queue = multiprocessing.Queue()
            barrier = multiprocessing.Barrier(clients)
            procs = [multiprocessing.Process(target=_worker, args=(url, light, seconds, barrier, queue)) for _i in range(clients)]
            for p in procs:
                p.start()
            results = [queue.get() for _p in procs]
            for p in procs:
                p.join()
            wall = seconds  # every worker counts only its own steady-state window
            server_cpu = _cpu_seconds(emu.proc.pid)
        finally:
            emu.stop()
    total = sum(n for n, _lat in results)
    lat = sorted(x for _n, ls in results for x in ls)
    print("throughput (%s):" % ("light clients: http.client + our signer" if light else "the collection's full Client"))
    print("throughput: emulator process CPU %.2f s in all = %.2f ms per request (server-side cost)"
          % (server_cpu, 1000 * server_cpu / max(total, 1)))
    print("throughput: %d signed DescribeCluster in %.1f s with %d client processes = %.0f req/s; "
          "latency p50 %.1f ms, p99 %.1f ms" % (total, wall, clients, total / wall,
                                                1000 * lat[len(lat) // 2], 1000 * lat[int(len(lat) * 0.99)]))


def _timed(fn, repeat=20):
    samples = []
    for _i in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return 1000 * statistics.median(samples)


def scale(clusters=200, nodes_per_cluster=50):
    import json
    from ksyun_emulator.server import Emulator  # in-process: the figures are the server's work

    emu = Emulator(lifecycle_seconds=0)
    emu.start(host="127.0.0.1", port=0)
    try:
        c = client(emu.url)
        c.call(*KCE, "DescribeCluster", {})
        first = c.call(*KCE, "DescribeCluster", {}).get("ClusterSet") or []
        probe = first[0]["ClusterId"] if first else None
        empty_dc = _timed(lambda: c.call(*KCE, "DescribeCluster", {"MaxResults": 20}))
        empty_dci = _timed(lambda: c.call(*KCE, "DescribeClusterInstance", {"ClusterId": probe})) if probe else float("nan")
        para = {"MaxCount": 0, "MinCount": 0, "ImageId": "5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7",
                "SubnetId": "7e23b980-11c2-4bb0-9388-xxxxxxx", "InstancePassword": "Bench1234!",
                "SecurityGroupId": "d46c7672-7ca9-4f51-bbd9-xxxxxxx", "DataDiskGb": 50, "ChargeType": "Daily",
                "InstanceType": "I3.4B", "PurchaseTime": 0, "InstanceNameSuffix": 1}
        t0 = time.monotonic()
        made = 0
        for i in range(clusters):
            master = dict(para, MaxCount=3, MinCount=3, InstanceName="m%d" % i)
            worker = dict(para, MaxCount=nodes_per_cluster - 3, MinCount=nodes_per_cluster - 3, InstanceName="w%d" % i)
            c.call(*KCE, "CreateCluster", {
                "ClusterName": "bench-%03d" % i, "VpcId": "31e21dca-c92e-4b06-a8ce-xxxxxx",
                "PodCidr": "10.66.0.0/16", "ServiceCidr": "10.254.0.0/16", "NetworkType": "Flannel",
                "K8sVersion": "v1.15.5", "ReserveSubnetId": "372bdbac-ea1d-4f99-9c30-xxxxxx",
                "InstanceSet.1.NodeRole": "Master_Etcd", "InstanceSet.1.NodePara.1": json.dumps(master),
                "InstanceSet.2.NodeRole": "Worker", "InstanceSet.2.NodePara.1": json.dumps(worker)}, write=True)
            made += nodes_per_cluster
        build = time.monotonic() - t0
        full = c.call(*KCE, "DescribeCluster", {"MaxResults": 1})
        full_dc = _timed(lambda: c.call(*KCE, "DescribeCluster", {"MaxResults": 20}))
        full_dci = _timed(lambda: c.call(*KCE, "DescribeClusterInstance", {"ClusterId": probe})) if probe else float("nan")
        print("scale: built %d clusters / %d nodes in %.1f s (TotalCount now %s)" % (clusters, made, build, full.get("TotalCount")))
        print("scale: DescribeCluster(20) median %.2f ms empty -> %.2f ms full" % (empty_dc, full_dc))
        print("scale: DescribeClusterInstance(one cluster) median %.2f ms empty -> %.2f ms full" % (empty_dci, full_dci))
    finally:
        emu.stop()


if __name__ == "__main__":
    which = sys.argv[1:] or ["throughput", "scale"]
    for name in which:
        globals()[name]()
