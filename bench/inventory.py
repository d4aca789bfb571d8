"""Benchmark of the ksyun.cloud.kce inventory plugin: figures, not pass/fail (`make bench-inventory`).

One emulator process (`--latency-ms 20`, strict parameters) seeded through the API with CLUSTERS
clusters of NODES nodes; then, each a separate `ansible-inventory --list` child process whose wall
time, CPU time and peak memory (getrusage of that child, via os.wait4 in a small launcher) are printed:

1. the plugin with default options, 2. with `hostvars: full`, 3. and 4. Ansible's floor for each:
the same command on a static JSON inventory holding identical hosts, variables and groups (built
from the plugin's own output, checked equal), 5. the same hosts, variables and groups added by a
trivial inventory plugin that reads them from that JSON file (what Ansible costs any inventory
plugin: no API, no parsing of API answers), 6. the cached re-run (jsonfile cache, filled first),
7. the default options with `--graph` (no host variables printed: the parse alone) and with
`--list --export` (host variables without Ansible's per-host variable resolution).
API calls come from the emulator's request log of each run; the round trips on the critical path
from the plugin's own count (`debug_api_calls` at -vvv, one extra untimed run).
Last, the fetch alone in-process: one HTTP session per worker thread (what the plugin does) against
one session shared by every thread.

`python bench/inventory.py [--clusters 200] [--nodes 50] [--latency-ms 20] [--keep DIR]`
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
COLLECTIONS = os.path.join(REPO, ".collections")
for path in (COLLECTIONS, os.path.join(REPO, "tests"), os.path.join(REPO, "emulator")):
    sys.path.insert(0, path)

from ksyun_emulator.process import EmulatorProcess  # noqa: E402  (emulator/ is put on sys.path above)
from ksyun_emulator.server import DEMO_ACCESS_KEY as AK, DEMO_SECRET_KEY as SK  # noqa: E402
import kce_world  # noqa: E402

REGION = kce_world.REGION
ANSIBLE_INVENTORY = os.path.join(os.path.dirname(sys.executable), "ansible-inventory")
UNSAFE = "__ansible_unsafe"


def client(url, region=REGION, session=None, budget=None):
    from ansible_collections.ksyun.cloud.plugins.module_utils._config import client_from_params
    return client_from_params(dict(access_key=AK, secret_key=SK, region=region, endpoint_url=url), session=session,
                              budget=budget)


def admin(url, method="GET"):
    req = urllib.request.Request(url + "/_emulator/requests", method=method)
    with urllib.request.urlopen(req) as answer:
        body = answer.read()
    return json.loads(body) if method == "GET" else None


FLOOR_PLUGIN = '''
DOCUMENTATION = """
name: floor
short_description: the hosts, variables and groups of a static JSON inventory, added one by one
description: bench only
options:
  plugin: {description: plugin, required: true, choices: [floor]}
  path: {description: the JSON file, required: true}
"""
import json
from ansible.plugins.inventory import BaseInventoryPlugin


class InventoryModule(BaseInventoryPlugin):
    NAME = "floor"

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path)
        self._read_config_data(path)
        with open(self.get_option("path")) as f:
            data = json.load(f)["all"]
        for group in data["children"]:
            inventory.add_group(group)
        for host, variables in data["hosts"].items():
            inventory.add_host(host)
            for name, value in variables.items():
                inventory.set_variable(host, name, value)
        for group, body in data["children"].items():
            for host in body.get("hosts", {}):
                inventory.add_child(group, host)
            for child in body.get("children", {}):
                inventory.add_child(group, child)
'''


#: forks, then execs argv[2:], and writes the child's [max RSS KB, CPU seconds] to argv[1]. A child
#: started straight from this (large) process would report this process's peak memory as its own:
#: Linux keeps the peak RSS across exec, and subprocess starts children with vfork
LAUNCHER = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
dummy, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump([usage.ru_maxrss, usage.ru_utime + usage.ru_stime], f)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(work, inventory, url, *extra, **env_extra):
    """(seconds, cpu seconds, peak MB, stdout) of one ansible-inventory child."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1",
               KSYUN_ACCESS_KEY=AK, KSYUN_SECRET_KEY=SK, KSYUN_REGION=REGION, KSYUN_ENDPOINT_URL=url, **env_extra)
    out, err, usage = (os.path.join(work, name) for name in ("out.txt", "err.txt", "usage.json"))
    with open(out, "w") as stdout, open(err, "w") as stderr:
        start = time.monotonic()
        code = subprocess.call([sys.executable, "-c", LAUNCHER, usage, ANSIBLE_INVENTORY, "-i", inventory] + list(extra),
                               cwd=work, env=env, stdout=stdout, stderr=stderr)
        wall = time.monotonic() - start
    if code != 0:
        raise RuntimeError("ansible-inventory failed: " + open(err).read()[-3000:])
    with open(usage) as f:
        peak, cpu = json.load(f)
    with open(out) as f:
        text = f.read()
    return wall, cpu, peak / 1024.0, text


def unwrap(value):
    if isinstance(value, dict):
        if set(value) == {UNSAFE}:
            return value[UNSAFE]
        return dict((k, unwrap(v)) for k, v in value.items())
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def static_inventory(listing, path):
    """A static inventory (YAML plugin, JSON syntax) with the hosts, variables and groups of a --list."""
    data = unwrap(json.loads(listing))
    hostvars = data.pop("_meta")["hostvars"]
    groups = {}
    for name, body in data.items():
        if name == "all":
            continue
        groups[name] = {"hosts": dict((h, None) for h in body.get("hosts", []))}
        if body.get("children"):
            groups[name]["children"] = dict((c, {}) for c in body["children"])
    with open(path, "w") as f:
        json.dump({"all": {"hosts": hostvars, "children": groups}}, f)


def normalised(listing):
    data = unwrap(json.loads(listing))
    for name, body in data.items():
        if name != "_meta":
            for key in body:
                body[key] = sorted(body[key])
    return data


def fetch_only(url, clusters, shared):
    """Seconds of the plugin's fetch in-process (max_concurrency 8)."""
    import requests
    from ansible_collections.ksyun.cloud.plugins.plugin_utils import _kce_nodes
    one = requests.Session()
    start = time.monotonic()
    result = _kce_nodes.fetch(lambda region, session, budget: client(url, region, one if shared else session, budget),
                              [REGION])
    seconds = time.monotonic() - start
    nodes = sum(len(n) for e in result["regions"] for n in e["nodes"].values())
    assert nodes == clusters[1] and not result["unsettled"], (nodes, result["unsettled"])
    return seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clusters", type=int, default=200)
    ap.add_argument("--nodes", type=int, default=50)
    ap.add_argument("--latency-ms", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each row; the fastest is shown")
    ap.add_argument("--keep", help="work in this directory and keep it")
    args = ap.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="ksyun-bench-inv-")
    os.makedirs(work, exist_ok=True)
    world = kce_world.world_file(os.path.join(work, "world.json"))
    emu = EmulatorProcess(tempfile.mkdtemp(dir=work), "--strict-params", "--latency-ms", str(args.latency_ms),
                          "--world", world)
    try:
        started = time.monotonic()
        kce_world.create_clusters(client(emu.url), args.clusters, args.nodes)
        total = args.clusters * args.nodes
        print("seeded %d clusters x %d nodes = %d nodes through the API in %.1f s (latency %d ms)"
              % (args.clusters, args.nodes, total, time.monotonic() - started, args.latency_ms))
        files = {}
        for name, body in (("default", ""), ("full", "hostvars: full\n"),
                           ("debug", "debug_api_calls: true\n"),
                           ("cached", "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n"
                                      "cache_timeout: 3600\n" % os.path.join(work, "cache"))):
            files[name] = os.path.join(work, "%s.kce.yml" % name)
            with open(files[name], "w") as f:
                f.write("plugin: ksyun.cloud.kce\n" + body)

        rows = []

        def measure(label, inventory, *extra, **env):
            best = None
            for dummy in range(max(1, args.repeat) if label != "cached: first run (fills the cache)" else 1):
                admin(emu.url, "DELETE")
                wall, cpu, mem, text = run(work, inventory, emu.url, *extra, **env)
                calls = len(admin(emu.url))
                if best is None or wall < best[1]:
                    best = (label, wall, cpu, mem, calls)
            rows.append(best)
            return text

        listings = {}
        for name in ("default", "full"):
            listings[name] = measure("plugin, default options" if name == "default" else "plugin, hostvars: full",
                                     files[name], "--list")
            hosts = len(json.loads(listings[name])["_meta"]["hostvars"])
            assert hosts == total, "%d hosts, expected %d" % (hosts, total)
        for name in ("default", "full"):
            static = os.path.join(work, "static-%s.json" % name)
            static_inventory(listings[name], static)
            text = measure("static floor of the %s run" % name, static, "--list")
            same = normalised(text) == normalised(listings[name])
            assert same, "the static inventory of the %s run does not list the same inventory" % name
        plugins = os.path.join(work, "plugins")
        os.makedirs(plugins, exist_ok=True)
        with open(os.path.join(plugins, "floor.py"), "w") as f:
            f.write(FLOOR_PLUGIN)
        for name in ("default", "full"):
            floor = os.path.join(work, "floor-%s.yml" % name)
            with open(floor, "w") as f:
                f.write("plugin: floor\npath: %s\n" % os.path.join(work, "static-%s.json" % name))
            text = measure("same data from a trivial plugin (%s)" % name, floor, "--list",
                           ANSIBLE_INVENTORY_PLUGINS=plugins, ANSIBLE_INVENTORY_ENABLED="floor")
            assert normalised(text) == normalised(listings[name]), "the trivial plugin's %s inventory differs" % name
        measure("cached: first run (fills the cache)", files["cached"], "--list")
        measure("cached: re-run", files["cached"], "--list")
        measure("plugin, default options, --graph", files["default"], "--graph")
        measure("plugin, default options, --list --export", files["default"], "--list", "--export")

        admin(emu.url, "DELETE")
        dummy, dummy, dummy, text = run(work, files["debug"], emu.url, "--graph", "-vvv")
        line = re.search(r"ksyun\.cloud\.kce: (\d+) API calls \(([^)]*)\), (\d+) round trips on the critical path", text)
        pages = -(-args.clusters // 20) + args.clusters * -(-args.nodes // 50)
        chain = 1 + (args.clusters > 20) + 1 + (args.nodes > 50)

        print()
        print("| run | wall s | CPU s | peak MB | API calls |")
        print("|---|---:|---:|---:|---:|")
        for label, wall, cpu, mem, calls in rows:
            print("| %s | %.2f | %.2f | %.0f | %d |" % (label, wall, cpu, mem, calls))
        print()
        print("API calls: %s; round trips on the critical path: %s (minimum: %d calls = %d cluster pages + %d node "
              "pages, %d round trips)" % (line.group(1) + " (" + line.group(2) + ")" if line else "?",
                                          line.group(3) if line else "?", pages, -(-args.clusters // 20),
                                          args.clusters * -(-args.nodes // 50), chain))
        by = dict((r[0], r) for r in rows)
        default, full = by["plugin, default options"], by["plugin, hostvars: full"]
        floor_d, floor_f = by["static floor of the default run"], by["static floor of the full run"]
        bare_d = by["same data from a trivial plugin (default)"]
        print("targets: default <= 6 s: %.2f s; <= 300 MB: %.0f MB; hostvars full <= 1.25 x its static floor: %.2f x; "
              "default vs its static floor: %.2f x, vs the trivial plugin: %.2f x; cached re-run 0 calls: %d"
              % (default[1], default[3], full[1] / floor_f[1], default[1] / floor_d[1], default[1] / bare_d[1],
                 by["cached: re-run"][4]))
        per_thread = min(fetch_only(emu.url, (args.clusters, total), False) for _i in range(3))
        shared = min(fetch_only(emu.url, (args.clusters, total), True) for _i in range(3))
        print("fetch alone, in-process, best of 3: %.2f s with a session per worker thread, %.2f s with one shared "
              "session" % (per_thread, shared))
    finally:
        emu.stop()


if __name__ == "__main__":
    main()
