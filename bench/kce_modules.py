"""Figures of the KCE resource modules (not pass/fail): `python bench/kce_modules.py [calls] [latency]`.

1. calls - the API calls of a converged re-run of kce_cluster, kce_node (new / existing / epc) and
   kce_kubeconfig (`debug_api_calls`), against an emulator with immediate lifecycles.
2. latency - the time from a resource turning ready in the emulator to the module returning: a
   cluster create, a node add and a kubeconfig download (that waits for the cluster), with
   `--lifecycle-seconds` L = 2 and 5. The emulator derives states from timestamps, so the moment a
   resource turns ready is exact: its creation time (the store's `_created`, emulator clock = wall
   clock here, never advanced) plus the two stages it spends building; the module's return is the
   moment its process ended. Each module runs as its own process (as Ansible runs it), fed its
   arguments in a file; the figure includes the interpreter's start-up only on the far side (exit).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
COLLECTIONS = os.path.join(REPO, ".collections")
sys.path.insert(0, os.path.join(REPO, "tests"))

from emulator.server import Emulator  # noqa: E402  (tests/ is put on sys.path above)

PASSWORD = "Bench-Pass-2024"
NODE = {"ImageId": "5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7", "SubnetId": "7e23b980-11c2-4bb0-9388-xxxxxx",
        "SecurityGroupId": "d46c7672-7ca9-4f51-bbd9-xxxxxx", "InstanceType": "N3.2B"}
WORLD = {"kec_available": "ee355b5d-79e4-4505-b0a5-xxxxxx", "epc_free": "9c362d96-ad25-491d-8f7d-xxxxxxx",
         "cluster_epc": "12d776f8-bb96-4556-9be6-xxxxxxx", "image": "5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7"}


def cluster_args(name, **kw):
    args = dict(name=name, vpc_id="31e21dca-c92e-4b06-a8ce-xxxxxx", reserve_subnet_id="372bdbac-ea1d-4f99-9c30-xxxxxx",
                pod_cidr="10.80.0.0/16", service_cidr="10.254.0.0/16", network_type="Flannel", k8s_version="v1.15.5",
                instance_password=PASSWORD, public_api_server={"BandWidth": 5, "ChargeType": "PostPaidByDay"},
                instance_sets=[{"role": "Master_Etcd", "node_para": [dict(NODE, MaxCount=3, MinCount=3)]},
                               {"role": "Worker", "node_para": [dict(NODE, MaxCount=1, MinCount=1)]}])
    args.update(kw)
    return args


def run_module(emu, module, work, **args):
    """(result, end time) of one module run in its own process."""
    args = dict(args, endpoint_url=emu.url, access_key=emu.access_key, secret_key=emu.secret_key,
                region="cn-beijing-6", debug_api_calls=True)
    path = os.path.join(work, "args.json")
    with open(path, "w") as f:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, f)
    env = dict(os.environ, PYTHONPATH=COLLECTIONS)
    proc = subprocess.run([sys.executable, "-m", "ansible_collections.ksyun.cloud.plugins.modules." + module, path],
                          capture_output=True, text=True, env=env, cwd=work, check=False)
    end = time.time()
    result = json.loads(proc.stdout)
    if result.get("failed"):
        raise RuntimeError("%s failed: %s" % (module, result.get("msg")))
    return result, end


def calls():
    emu = Emulator(lifecycle_seconds=0, strict_params=True)
    emu.start()
    try:
        with tempfile.TemporaryDirectory() as work:
            dest = os.path.join(work, "kube", "config")
            tasks = [
                ("kce_cluster (by name)", "kce_cluster", cluster_args("bench")),
                ("kce_node source=new (group of 2)", "kce_node",
                 dict(cluster_name="bench", name="web", count=2, node_para=NODE, instance_password=PASSWORD)),
                ("kce_node source=existing", "kce_node",
                 dict(cluster_name="bench", source="existing", instance_ids=[WORLD["kec_available"]],
                      image_id=WORLD["image"], instance_password=PASSWORD, reinstall_system=True)),
                ("kce_node source=epc", "kce_node",
                 dict(cluster_id=WORLD["cluster_epc"], source="epc", instance_ids=[WORLD["epc_free"]])),
                ("kce_kubeconfig (dest)", "kce_kubeconfig", dict(cluster_name="bench", dest=dest)),
            ]
            print("API calls of a converged re-run (debug_api_calls), first run for comparison:")
            for label, module, args in tasks:
                first, _end = run_module(emu, module, work, **args)
                again, _end = run_module(emu, module, work, **args)
                assert again["changed"] is False, (label, again)
                print("  %-34s re-run: %-52s first run: %d calls" % (label, again["api_calls"], len(first["api_calls"])))
            cid = run_module(emu, "kce_cluster", work, name="bench")[0]["cluster"]["cluster_id"]
            again, _end = run_module(emu, "kce_cluster", work, cluster_id=cid, description="")
            print("  %-34s re-run: %s" % ("kce_cluster (by cluster_id)", again["api_calls"]))
    finally:
        emu.stop()


def latency(lifecycles=(2, 5), repeat=3):
    print("Time from ready (in the emulator) to the module's return, seconds:")
    for life in lifecycles:
        figures = {"cluster create": [], "node add": [], "kubeconfig (waits for the cluster)": []}
        for i in range(repeat):
            emu = Emulator(lifecycle_seconds=life, strict_params=True)
            emu.start()
            try:
                with tempfile.TemporaryDirectory() as work:
                    store = emu.region_store()
                    out, end = run_module(emu, "kce_cluster", work, **cluster_args("lat-%d" % i))
                    cluster = store.get("cluster", out["cluster"]["cluster_id"])
                    figures["cluster create"].append(end - (cluster["_created"] + 2 * life))
                    out, end = run_module(emu, "kce_node", work, cluster_id=cluster["ClusterId"], name="web", count=1,
                                          node_para=NODE, instance_password=PASSWORD)
                    node = store.get("node", out["added"][0])
                    figures["node add"].append(end - (node["_created"] + 2 * life))
                    # a second cluster, not waited for: the kubeconfig task waits for it
                    out, _end = run_module(emu, "kce_cluster", work, wait=False, **cluster_args("lat-k-%d" % i))
                    cluster = store.get("cluster", out["cluster"]["cluster_id"])
                    out, end = run_module(emu, "kce_kubeconfig", work, cluster_id=cluster["ClusterId"],
                                          dest=os.path.join(work, "config"))
                    figures["kubeconfig (waits for the cluster)"].append(end - (cluster["_created"] + 2 * life))
            finally:
                emu.stop()
        for label, values in figures.items():
            print("  lifecycle %ds (ready %ds after the request)  %-36s median %.2f  min %.2f  max %.2f  (n=%d)"
                  % (life, 2 * life, label, statistics.median(values), min(values), max(values), len(values)))


if __name__ == "__main__":
    which = sys.argv[1:] or ["calls", "latency"]
    if "calls" in which:
        calls()
    if "latency" in which:
        latency()
