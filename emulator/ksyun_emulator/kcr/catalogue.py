"""Seed data for the KCR (container registry) part of the emulator.

The registry's public catalogue (`DescribePublicRepository`, 155 repositories in the document's
example) is the same for every account; it is copied lazily into an account the first time that
account calls a KCR action (see `models.ensure_seeded`).  The first ten entries are exactly the ones
printed in the document (newest first, as printed); the others are plausible names generated
deterministically so that paging over the whole catalogue is stable.

Only data lives here (plus the tiny deterministic generator), no handler logic.
"""
import calendar
import functools
import hashlib
import time

#: The ten repositories printed in the DescribePublicRepository example, in the printed order.
PRINTED = [
    ("ksyun/pusher-arm64", 1, "2019-09-03 01:12:47"),
    ("ksyun/pusher-amd64", 3, "2019-09-03 01:09:53"),
    ("ksyun/gitdemo", 1, "2019-08-29 05:01:59"),
    ("ksyun/myapp", 0, "2019-08-28 22:58:18"),
    ("ksyun/fluentd-watcher", 56, "2019-08-28 01:53:42"),
    ("ksyun/user-service", 29, "2019-08-25 03:24:53"),
    ("ksyun/inventory-service", 19, "2019-08-25 03:24:16"),
    ("ksyun/discovery-service", 10, "2019-08-25 03:23:48"),
    ("ksyun/config-service", 10, "2019-08-25 03:23:39"),
    ("ksyun/catalog-service", 20, "2019-08-25 03:23:32"),
]

#: Repositories named elsewhere in the document (GetFavor / AddFavor examples, KCI images).
NAMED = [
    "ksyun/nginx",
    "ksyun/springboot-demo",
    "ksyun/dns/k8s-dns-dnsmasq-nanny-amd64",
    "openshift/origin-service-catalog",
]

# Names for the rest of the catalogue (made up; typical images of a managed Kubernetes registry).
_ARCH_COMPONENTS = [
    "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "pause", "etcd",
    "hyperkube", "cluster-autoscaler", "metrics-server", "heapster", "addon-resizer",
    "kube-state-metrics", "node-problem-detector", "defaultbackend", "nginx-ingress-controller",
    "kubernetes-dashboard", "flannel", "cni-plugins", "csi-attacher", "csi-provisioner",
    "csi-node-driver-registrar", "csi-snapshotter", "tiller",
]
_DNS_COMPONENTS = ["k8s-dns-kube-dns-amd64", "k8s-dns-sidecar-amd64", "coredns"]
_PLAIN = [
    "busybox", "alpine", "centos", "ubuntu", "debian", "redis", "memcached", "mysql", "mariadb",
    "postgres", "mongo", "rabbitmq", "zookeeper", "kafka", "elasticsearch", "kibana", "logstash",
    "fluentd", "fluent-bit", "filebeat", "prometheus", "alertmanager", "grafana", "pushgateway",
    "node-exporter", "blackbox-exporter", "jaeger-agent", "jaeger-collector", "zipkin", "consul",
    "vault", "traefik", "haproxy", "envoy", "istio-pilot", "istio-proxyv2", "istio-mixer",
    "jenkins", "jenkins-slave", "gitlab-runner", "sonarqube", "nexus3", "harbor-core", "registry",
    "tomcat", "jetty", "openjdk", "golang", "python", "node", "php-fpm", "httpd", "wordpress",
    "springcloud-eureka", "springcloud-gateway", "springcloud-config", "helloworld", "guestbook",
    "redis-slave", "order-service", "payment-service", "shipping-service", "gateway-service",
    "account-service", "cart-service", "front-end", "queue-master", "nfs-client-provisioner",
    "ks3-fuse", "kce-agent", "kce-log-agent", "kce-monitor", "kingsoft-cloud-controller",
    "ebs-csi-plugin", "kfs-csi-plugin", "kci-virtual-kubelet", "net-tools", "curl", "dnsutils",
    "stress", "iperf3", "minio", "nacos-server", "sentinel-dashboard", "skywalking-oap",
    "skywalking-ui", "rocketmq", "canal-server", "seata-server",
]
_OPENSHIFT = ["origin", "origin-deployer", "origin-pod", "origin-docker-registry", "origin-haproxy-router"]

_FIRST_OLDER = "2019-08-25 03:23:32"


def _ts(text):
    """'YYYY-MM-DD HH:MM:SS' (UTC+8, as printed) -> epoch seconds."""
    return calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S")) - 8 * 3600


def _fmt(ts):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts + 8 * 3600))


def _digest(text):
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def public_repositories():
    """The 155 public repositories, newest first: a new list of RepoSet-shaped dicts."""
    return [dict(r) for r in _catalogue()]


@functools.lru_cache(maxsize=1)
def _catalogue():
    names = [entry[0] for entry in PRINTED]
    extra = list(NAMED)
    extra += ["ksyun/dns/" + c for c in _DNS_COMPONENTS]
    for comp in _ARCH_COMPONENTS:
        extra += ["ksyun/%s-amd64" % comp, "ksyun/%s-arm64" % comp]
    extra += ["ksyun/" + p for p in _PLAIN]
    extra += ["openshift/" + o for o in _OPENSHIFT]
    seen = set(names)
    older = []
    for name in extra:
        if name not in seen:
            seen.add(name)
            older.append(name)
    older = older[:155 - len(names)]
    out = [{"RepoName": n, "Public": True, "FavorCount": 0, "PullCount": pulls, "Description": "",
            "CreateTime": created} for n, pulls, created in PRINTED]
    t = _ts(_FIRST_OLDER)
    for name in older:
        d = _digest(name)
        t -= 3600 + d % (5 * 86400)          # older and older, irregular gaps
        out.append({"RepoName": name, "Public": True, "FavorCount": 0, "PullCount": d % 500,
                    "Description": "", "CreateTime": _fmt(t)})
    if len(out) != 155:
        raise RuntimeError("the public catalogue has %d repositories, not 155" % len(out))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def public_namespaces():
    """Namespaces owned by the registry itself (taken for every account)."""
    return tuple(sorted({r["RepoName"].split("/", 1)[0] for r in _catalogue()}))
