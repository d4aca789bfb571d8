"""KCE clusters for the inventory tests and benchmark, made through the API (CreateCluster).

`world_file(path, regions)` writes a `--world` file: the default world's network, images and
security groups in each of `regions` (zones renamed to the region's), without its pre-seeded
clusters and instances, so that the clusters a test creates are all there is.
`create_clusters(client, count, nodes)` creates `count` clusters of `nodes` nodes each (3 Master_Etcd
+ Workers, spread over three zones) with the collection's client; with `--lifecycle-seconds 0` they
are `running` with `normal` nodes at once. `emulator(regions)` is an in-process emulator of that
world (strict parameters, lifecycles 0) and `client(emu, region)` the collection's client for it.

It stays in tests/, not beside the emulator in emulator/: it drives the collection's client
(plugins/module_utils), and neither the `ksyun_emulator` package nor its own tests may import the
collection. It is the collection's fixture of many clusters, used by the inventory tests and bench/.
"""
import contextlib
import copy
import json

from ksyun_emulator import world
from ksyun_emulator.server import Emulator

from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._config import client_from_params

REGION = world.REGION
#: (subnet id, zone suffix) of the default world's three Normal subnets of the main VPC
SUBNETS = [("7e23b980-11c2-4bb0-9388-xxxxxx", "b"), ("f2ac1919-0e34-4812-8290-xxxxxx", "a"),
           ("0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", "c")]
KEEP = ("vpcs", "subnets", "security_groups", "images")


def world_data(regions):
    base = world.default_world()["regions"][REGION]
    body = dict((key, base[key]) for key in KEEP)
    text = json.dumps(body)
    return {"regions": dict((r, json.loads(text.replace(REGION, r))) for r in regions)}


def world_file(path, regions=(REGION,)):
    with open(path, "w") as f:
        json.dump(world_data(regions), f)
    return path


def create_clusters(client, count, nodes=50, name="bench-%03d", start=0, instance_name=None, instance_type="I3.4B"):
    """Ids of `count` new clusters named name % i; node names are the API's defaults, or
    `<instance_name>-master-N` / `<instance_name>-worker-N` (the same in every cluster)."""
    ids = []
    for i in range(start, start + count):
        subnet = SUBNETS[i % len(SUBNETS)][0]
        para = {"ImageId": world.IMAGE_CENTOS, "SubnetId": subnet, "SecurityGroupId": world.SG,
                "InstanceType": instance_type, "InstancePassword": "Bench-Pass-2024", "ChargeType": "Daily"}
        masters = dict(copy.deepcopy(para), MaxCount=3, MinCount=3)
        workers = dict(copy.deepcopy(para), MaxCount=nodes - 3, MinCount=nodes - 3)
        if instance_name:
            masters["InstanceName"] = instance_name + "-master"
            workers["InstanceName"] = instance_name + "-worker"
        answer = kce.create_cluster(
            client, name % i if "%" in name else name, world.VPC, "10.66.0.0/16", "10.254.0.0/16", "Flannel", "v1.15.5",
            world.RESERVE_SUBNET, instance_set=[{"NodeRole": "Master_Etcd", "NodePara": [masters]},
                                                {"NodeRole": "Worker", "NodePara": [workers]}])
        ids.append(answer["ClusterId"])
    return ids


@contextlib.contextmanager
def emulator(regions=(REGION,), **kwargs):
    emu = Emulator(lifecycle_seconds=0, strict_params=True, world=world_data(regions), **kwargs)
    emu.start(host="127.0.0.1", port=0)
    try:
        yield emu
    finally:
        emu.stop()


def client(emu, region=REGION, max_retries=5, **kwargs):
    """The collection's client for `emu` (retries without sleeping unless `sleep` is given)."""
    kwargs.setdefault("sleep", lambda seconds: None)
    return client_from_params(dict(access_key=emu.access_key, secret_key=emu.secret_key, region=region,
                                   endpoint_url=emu.url, max_retries=max_retries), **kwargs)
