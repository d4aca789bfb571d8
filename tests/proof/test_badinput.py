"""Proof suite `badinput`: invalid arguments fail with a message naming the option, never with a
traceback, and before any API request.

Every module (all 21) runs in-process (`main()` with `patch_module_args`, as the unit tests run
modules) against an in-process emulator of its own, whose request log counts the requests. For each
module, hypothesis generates invalid mutations of a valid base argument set:

- derived from the module's own argument_spec (common options included, suboptions at any depth):
  an unknown option, a value of the wrong type, a value outside `choices`, a required option left
  out, each `required_if` / `required_one_of` / `mutually_exclusive` rule broken, and the common
  options out of range (`timeout`, `max_retries`, `endpoint_url`, the credentials; `wait_timeout`
  negative in the modules that wait);
- the documented rules each module checks itself: bad names, out-of-range sizes, counts and ports,
  overlapping or malformed CIDRs, missing dependencies between options (source / state / ids).

Each case must end with `failed` and a message naming the option (or the rule's subject, such as a
node role), with no exception escaping `main()` and no `exception` (traceback) in the result, and
the emulator must have received no request. The base itself is run once per module (check mode;
kcr_account, which sends nothing in check mode, for real) and must reach the emulator: that proves the
bases are valid and that the request count sees what a module sends.

Reduced: a few examples per kind of mutation (a few hundred in all, derandomized). Full: many more.
"""
import contextlib
import copy
import importlib
import io
import ipaddress
import json
import os
import string
import time

import pytest
from core_compat import patch_module_args
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from ksyun_emulator.server import Emulator
from proof_world import EPC_CLUSTER, IMAGE, KEC_AVAILABLE, NGINX, NODE, REGION, RESERVE, SG, SUBNET, VPC

from ansible_collections.ksyun.cloud.plugins.module_utils._config import ENV_VARS
from ansible_collections.ksyun.cloud.plugins.module_utils._module import common_argument_spec
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import KsyunToolbox

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "plugins", "modules")
MODULES = sorted(n[:-3] for n in os.listdir(MODULES_DIR) if n.endswith(".py"))
# hypothesis keeps its files (no example database: database=None) under tests/output, not the repository root
set_hypothesis_home_dir(os.path.join(os.path.dirname(HERE), "output", "hypothesis"))

EXAMPLES = {"reduced": 2, "full": 30}   # per kind of mutation


#: a valid argument set of each module (the world of the emulator); the credentials are added
BASES = {
    "kce_cluster": dict(
        name="badinput-cluster", vpc_id=VPC, reserve_subnet_id=RESERVE, pod_cidr="10.80.0.0/16",
        service_cidr="10.254.0.0/16", network_type="Flannel", k8s_version="v1.15.5", instance_password="Node-pass1",
        public_api_server={"LineId": "5fc2595f-1bfd-481b-bf64-2d08f116d800", "BandWidth": 5, "ChargeType": "PostPaidByDay"},
        instance_sets=[{"role": "Master_Etcd", "node_para": [dict(NODE, MaxCount=3, MinCount=3)]},
                       {"role": "Worker", "node_para": [dict(NODE, MaxCount=1, MinCount=1)]}]),
    "kce_cluster_info": {},
    "kce_epc_info": {"cluster_id": EPC_CLUSTER},
    "kce_existed_instance_info": {"available": True},
    "kce_instance_image_info": {"image_type": "public"},
    "kce_kubeconfig": {"cluster_id": EPC_CLUSTER, "return_content": True},
    "kce_node": {"cluster_id": EPC_CLUSTER, "name": "badinput-workers", "count": 1, "node_para": NODE,
                 "instance_password": "Worker-pass1"},
    "kce_node_info": {"cluster_id": EPC_CLUSTER, "roles": ["Worker"]},
    "kci_container_group": dict(
        name="badinput-web", subnet_id=SUBNET, security_group_ids=[SG], cpu=1, memory=2,
        image_registry_credentials=[{"server": "hub.kce.ksyun.com", "username": "robot", "password": "Cred-pass1"}],
        volumes=[{"name": "data", "type": "EmptyDirVolume"}],
        host_aliases=[{"hostnames": ["db.local"], "ip": "10.0.0.5"}],
        dns_config={"name_servers": ["10.0.0.2"], "options": [{"name": "ndots", "value": "2"}]},
        containers=[{"name": "web", "image": NGINX, "cpu": 0.5, "memory": 1,
                     "env": [{"name": "MODE", "value": "badinput"}],
                     "ports": [{"port": 80, "protocol": "TCP"}],
                     "volume_mounts": [{"name": "data", "mount_path": "/data"}]}]),
    "kci_container_group_info": {"status": ["Running"], "project_ids": [0]},
    "kci_image_cache": dict(name="badinput-cache", images=[NGINX], subnet_id=SUBNET, security_group_id=SG, size=20),
    "kci_image_cache_info": {},
    "kcr_account": {"password": "Registry-pass1"},
    "kcr_favorite": {"repository": "ksyun/nginx", "repo_type": "KSYUN HUB"},
    "kcr_favorite_info": {"repo_type": "KSYUN HUB"},
    "kcr_namespace": {"name": "badinput-ns", "public": False},
    "kcr_namespace_info": {"public": True},
    "kcr_repository": {"name": "badinput-ns/web", "create_namespace": True},
    "kcr_repository_info": {"names": ["badinput-ns/web"]},
    "kcr_tag": {"repository": "badinput-ns/web", "tags": ["v1"]},
    "kcr_tag_info": {"repository": "badinput-ns/web"},
}

#: modules whose check mode sends nothing at all: their base is run for real
BASE_FOR_REAL = ("kcr_account",)


def module_of(name):
    return importlib.import_module("ansible_collections.ksyun.cloud.plugins.modules." + name)


def spec_of(name):
    """(argument_spec with the common options, the AnsibleModule rules) of a module."""
    mod = module_of(name)
    spec, rules = getattr(mod, "ARGUMENT_SPEC", None), {}
    if spec is None:
        cls = [v for v in vars(mod).values()
               if isinstance(v, type) and issubclass(v, KsyunToolbox) and v.__module__ == mod.__name__][0]
        spec, rules = cls.argument_spec, getattr(cls, "module_kwargs", {})
    out = common_argument_spec()
    out.update(spec)
    return out, rules


# ------------------------------------------------------------------------------- values

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
WORD = st.from_regex(r"\A[a-z][a-z0-9_]{1,14}\Z")
BOOLEANS = ("y", "yes", "on", "1", "true", "t", "n", "no", "off", "0", "false", "f", "1.0", "0.0")


def _not_float(text):
    try:
        float(text)
    except ValueError:
        return True
    return False


DICTS = st.dictionaries(WORD, WORD, max_size=2)
LISTS = st.lists(WORD, min_size=1, max_size=2)

#: {type: {shape: values of that shape no conversion to the type accepts}} (str, path and raw accept
#: any value); each shape is a kind of mutation of its own, so that the reduced run tries every shape
WRONG = {
    "int": {"text": WORD, "fraction": st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f != int(f)),
            "dict": DICTS, "list": LISTS},
    "float": {"text": WORD.filter(_not_float), "dict": DICTS, "list": LISTS},
    "bool": {"text": TEXT.filter(lambda t: t.strip().lower() not in BOOLEANS),
             "number": st.integers().filter(lambda i: i not in (0, 1)), "dict": DICTS, "list": LISTS},
    "list": {"dict": DICTS},
    "dict": {"list": st.lists(WORD, max_size=2), "number": st.integers(), "text": WORD},
}


def plausible(opt):
    """A value of the option's type that argument validation accepts (for rules that need it set)."""
    if opt.get("choices"):
        return [opt["choices"][0]] if opt.get("type") == "list" else opt["choices"][0]
    kind = opt.get("type", "str")
    if kind == "list":
        if opt.get("options"):
            return [minimal(opt["options"])]
        return [1] if opt.get("elements") == "int" else ["x"]
    if kind == "dict":
        return minimal(opt["options"]) if opt.get("options") else {"Key": "x"}
    return {"int": 1, "float": 1.0, "bool": True}.get(kind, "badinput-x")


def minimal(options):
    """The smallest suboption dict argument validation accepts: its required suboptions."""
    return dict((k, plausible(o)) for k, o in options.items() if o.get("required"))


def names_of(spec):
    out = set(spec)
    for opt in spec.values():
        out.update(opt.get("aliases") or ())
    return out


# --------------------------------------------------------------------------- mutations

class Case(object):
    """An invalid argument set and the option names its message may name (any one of them)."""

    def __init__(self, kind, args, names, drop=()):
        self.kind, self.args, self.names = kind, args, tuple(names)
        self.drop = tuple(drop)   # credentials the run must not add

    def __repr__(self):
        return "%s %s" % (self.kind, json.dumps(self.args, default=str, sort_keys=True))


def at(args, path):
    """The dict at `path` (keys and list indexes) inside args."""
    for step in path:
        args = args[step]
    return args


def spec_mutations(spec, rules, base, path=(), where="", top=True):
    """[(kind, strategy of Case)] derived from an argument_spec, for the dict at `path` of `base`."""
    out = []
    known = names_of(spec)

    def case(kind, change, names):
        def build(value):
            args = copy.deepcopy(base)
            change(at(args, path), value)
            return Case(where + kind, args, names)
        return build

    def setter(key):
        def change(target, value):
            for alias in [key] + list(spec[key].get("aliases") or ()):
                target.pop(alias, None)
            target[key] = value
        return change

    out.append(("unknown option", WORD.filter(lambda w: w not in known).map(
        lambda w: case("unknown option", lambda t, v: t.__setitem__(v, "x"), [w])(w))))
    for key, opt in sorted(spec.items()):
        kind = opt.get("type", "str")
        for shape, values in sorted(WRONG.get(kind, {}).items()):
            title = "wrong type (%s): %s" % (shape, key)
            out.append((title, values.map(case(title, setter(key), [key]))))
        if kind == "list":
            for shape, values in sorted(WRONG.get(opt.get("elements"), {}).items()):
                title = "wrong element type (%s): %s" % (shape, key)
                out.append((title, values.map(lambda v: [v]).map(case(title, setter(key), [key]))))
        if opt.get("choices"):
            choices = opt["choices"]
            if isinstance(choices[0], int):
                bad = st.integers().filter(lambda i, c=choices: i not in c)
            else:
                bad = TEXT.filter(lambda t, c=choices: t not in c)
            if kind == "list":
                bad = bad.map(lambda v: [v])
            out.append(("bad choice: " + key, bad.map(case("bad choice: " + key, setter(key), [key]))))
        if opt.get("required") and (top or key in at(base, path)):
            out.append(("missing: " + key, st.just(None).map(case(
                "missing: " + key, lambda t, v, k=key: [t.pop(a, None) for a in [k] + list(spec[k].get("aliases") or ())],
                [key]))))
        if opt.get("options"):
            out.extend(sub_mutations(spec, key, opt, base, path, where))
    for group in rules.get("required_one_of", ()):
        out.append(("none of " + "/".join(group), st.just(None).map(case(
            "none of " + "/".join(group), lambda t, v, g=group: [t.pop(k, None) for k in g], group))))
    for group in rules.get("mutually_exclusive", ()):
        def both(t, v, g=group):
            for k in g:
                t.setdefault(k, plausible(spec[k]))
        out.append(("all of " + "/".join(group), st.just(None).map(case("all of " + "/".join(group), both, group))))
    for key, value, needed in rules.get("required_if", ()):
        for need in needed:
            def drop(t, v, key=key, value=value, need=need):
                t[key] = value
                t.pop(need, None)
            title = "%s=%s without %s" % (key, value, need)
            out.append((title, st.just(None).map(case(title, drop, [need]))))
    return out


def sub_mutations(spec, key, opt, base, path, where):
    """The mutations inside one option with suboptions (its base value, or a minimal one)."""
    args = copy.deepcopy(base)
    target = at(args, path)
    if key not in target:
        target[key] = plausible(opt)
    value = target[key]
    inner = path + (key,)
    if opt.get("type") == "list":
        if not value:
            value.append(minimal(opt["options"]))
        inner = inner + (0,)
    return spec_mutations(opt["options"], {}, args, inner, where + key + ".", top=False)


def common_mutations(base):
    """The common options out of range, and missing credentials (none in the environment)."""
    def without(key):
        return st.just(None).map(lambda _v: Case("missing: " + key, dict(base), [key], drop=[key]))

    def blank(key):
        return st.from_regex(r"\A\s{0,3}\Z").map(lambda v: Case("blank: " + key, dict(base, **{key: v}), [key]))
    return [
        ("timeout below 1", st.integers(max_value=0).map(lambda v: Case("timeout below 1", dict(base, timeout=v), ["timeout"]))),
        ("max_retries negative", st.integers(max_value=-1).map(
            lambda v: Case("max_retries negative", dict(base, max_retries=v), ["max_retries"]))),
        ("endpoint_url without scheme", TEXT.filter(lambda t: t and not t.startswith(("http://", "https://"))).map(
            lambda v: Case("endpoint_url without scheme", dict(base, endpoint_url=v), ["endpoint_url"]))),
    ] + [("missing: " + k, without(k)) for k in ("access_key", "secret_key", "region")] + [
        ("blank: " + k, blank(k)) for k in ("access_key", "region")]


# --------------------------------------------------------------- the documented rules, per module

def change(base, kind, names, strategy, apply):
    """A mutation: `apply(args, value)` on a copy of `base` for each value of `strategy`."""
    def build(value):
        args = copy.deepcopy(base)
        apply(args, value)
        return Case(kind, args, names)
    return (kind, strategy.map(build))


def put(key):
    """apply() setting option `key` to the value."""
    def apply(args, value):
        args[key] = value
    return apply


LETTERS = string.ascii_letters + string.digits
BLANK = st.from_regex(r"\A\s{0,4}\Z")
#: names that break the KCI name rule of both groups (at most 128) and caches (at most 63)
KCI_BAD_NAME = st.one_of(
    st.text(LETTERS + "-.", min_size=1, max_size=20).filter(
        lambda t: not t[0].isalnum() or not t[-1].isalnum() or t != t.lower()),
    st.text(string.ascii_lowercase, min_size=129, max_size=140),
    st.tuples(st.text(string.ascii_lowercase, min_size=1, max_size=5), st.sampled_from("_/:@ !A"),
              st.text(string.ascii_lowercase, min_size=1, max_size=5)).map("".join))


def networks():
    """An IPv4 network (strict: no host bits)."""
    return st.tuples(st.integers(0, 2 ** 32 - 1), st.integers(8, 28)).map(
        lambda t: ipaddress.ip_network((t[0] >> (32 - t[1]) << (32 - t[1]), t[1])))


def overlapping():
    """Two overlapping networks: equal, or one inside the other (either order)."""
    def pair(t):
        net, extra, flip = t
        inner = list(net.subnets(new_prefix=min(32, net.prefixlen + extra)))[0] if extra else net
        return (str(inner), str(net)) if flip else (str(net), str(inner))
    return st.tuples(networks(), st.integers(0, 4), st.booleans()).map(pair)


def set_role_count(role, low, high):
    def apply(args, value):
        for item in args["instance_sets"]:
            if item["role"] == role:
                item["node_para"][0].update(MaxCount=high(value), MinCount=low(value))
    return apply


def semantic(name, base):
    """[(kind, strategy of Case)] of the rules `name` checks itself (documented in the API documents)."""
    b = base
    rules = {
        "kce_cluster": [
            change(b, "name too short or too long", ["name"], st.one_of(
                st.text(string.ascii_letters, min_size=1, max_size=1), st.text(string.ascii_letters, min_size=65, max_size=90)),
                put("name")),
            change(b, "name with a character the rule does not allow", ["name"], st.tuples(
                st.text(string.ascii_letters, min_size=1, max_size=8), st.sampled_from("@\"'?|\\\t\n\u00e9\u0416"),
                st.text(string.ascii_letters, min_size=1, max_size=8)).map("".join), put("name")),
            change(b, "blank name", ["name"], BLANK, put("name")),
            change(b, "malformed pod_cidr", ["pod_cidr"], st.one_of(WORD, st.just("10.80.0.1/16"), st.just("10.80.0.0/33")),
                   put("pod_cidr")),
            change(b, "malformed service_cidr", ["service_cidr"], st.one_of(WORD, st.just("10.254.0.0/8"), st.just("300.1.0.0/16")),
                   put("service_cidr")),
            change(b, "overlapping pod_cidr and service_cidr", ["pod_cidr", "service_cidr"], overlapping(),
                   lambda a, v: a.update(pod_cidr=v[0], service_cidr=v[1])),
            change(b, "master nodes not 3 or 5", ["Master_Etcd"], st.integers(1, 9).filter(lambda n: n not in (3, 5)),
                   set_role_count("Master_Etcd", lambda n: n, lambda n: n)),
            change(b, "MinCount above MaxCount or below 1", ["MinCount"], st.integers(-3, 5),
                   set_role_count("Worker", lambda n: n if n < 1 else n + 1, lambda n: 1 if n < 1 else n)),
            change(b, "no Worker", ["Worker"], st.just(None),
                   lambda a, v: a.__setitem__("instance_sets", a["instance_sets"][:1])),
            change(b, "a role of the other layout", ["Master", "Etcd", "master_etcd_separate"],
                   st.sampled_from(["Master", "Etcd"]),
                   lambda a, v: a["instance_sets"].append({"role": v, "node_para": [dict(NODE, MaxCount=3, MinCount=3)]})),
        ],
        "kce_node": [
            change(b, "negative count", ["count"], st.integers(max_value=-1), put("count")),
            change(b, "source=new without count", ["count"], st.just(None), lambda a, v: a.pop("count")),
            change(b, "node_para sets what the module sets", ["node_para"],
                   st.sampled_from(["MaxCount", "MinCount", "InstanceName", "InstanceNameSuffix"]),
                   lambda a, v: a["node_para"].__setitem__(v, 2 if v.endswith("Count") else "x")),
            change(b, "instance_ids with source=new", ["instance_ids"], st.just([KEC_AVAILABLE]), put("instance_ids")),
            change(b, "an id twice", ["instance_ids"], st.sampled_from(["existing", "epc"]),
                   lambda a, v: a.update(source=v, instance_ids=[KEC_AVAILABLE, KEC_AVAILABLE], image_id=IMAGE,
                                         reinstall_system=True)),
            change(b, "an empty id", ["instance_ids"], BLANK,
                   lambda a, v: a.update(source="epc", instance_ids=[KEC_AVAILABLE, v])),
            change(b, "source existing/epc without instance_ids", ["instance_ids"], st.sampled_from(["existing", "epc"]),
                   lambda a, v: a.update(source=v, image_id=IMAGE, reinstall_system=True)),
            change(b, "source=existing without reinstall_system", ["reinstall_system"], st.just(None),
                   lambda a, v: a.update(source="existing", instance_ids=[KEC_AVAILABLE], image_id=IMAGE)),
            change(b, "source=existing without image_id", ["image_id"], st.just(None),
                   lambda a, v: a.update(source="existing", instance_ids=[KEC_AVAILABLE], reinstall_system=True)),
            change(b, "state=absent with name and instance_ids", ["instance_ids"], st.just(None),
                   lambda a, v: a.update(state="absent", instance_ids=[KEC_AVAILABLE])),
            change(b, "state=absent with neither", ["instance_ids"], st.just(None),
                   lambda a, v: (a.update(state="absent"), a.pop("name"))),
            change(b, "blank name", ["name"], BLANK, put("name")),
            change(b, "blank cluster_id", ["cluster_id"], BLANK, put("cluster_id")),
        ],
        "kce_kubeconfig": [
            change(b, "neither dest nor return_content", ["dest", "return_content"], st.just(None),
                   lambda a, v: a.pop("return_content")),
            change(b, "bad mode (octal text with 8 or 9)", ["mode"], st.from_regex(r"\A0?[0-7]{0,2}[89][0-9]{0,2}\Z"),
                   put("mode")),
            change(b, "bad mode (symbolic)", ["mode"], st.from_regex(r"\A[a-z]{1,3}[!?%][rwx]{0,3}\Z"), put("mode")),
            change(b, "bad mode (a number above 0o7777)", ["mode"], st.integers(min_value=0o10000), put("mode")),
            change(b, "bad mode (a number above 0o7777 written in octal digits)", ["mode"],
                   st.integers(0o10000, 7777).filter(lambda n: set(str(n)) <= set("01234567")), put("mode")),
            change(b, "blank cluster_id", ["cluster_id"], BLANK, put("cluster_id")),
            change(b, "merge without dest", ["merge", "dest"], st.just(None), lambda a, v: a.update(merge=True)),
            change(b, "context_name without merge", ["context_name"], st.text(LETTERS, min_size=1, max_size=10),
                   lambda a, v: a.update(dest="/nonexistent-badinput/config", context_name=v)),
            change(b, "set_current_context without merge", ["set_current_context"], st.just(True),
                   lambda a, v: a.update(dest="/nonexistent-badinput/config", set_current_context=v)),
            change(b, "blank context_name", ["context_name"], BLANK,
                   lambda a, v: a.update(dest="/nonexistent-badinput/config", merge=True, context_name=v)),
            change(b, "dest ending with /", ["dest"], st.text(LETTERS, min_size=1, max_size=10),
                   lambda a, v: a.update(dest="/nonexistent-badinput/%s/" % v)),
        ],
        "kci_container_group": [
            change(b, "bad name", ["name"], KCI_BAD_NAME, put("name")),
            change(b, "no or too many security groups", ["security_group_ids"], st.one_of(
                st.just([]), st.lists(st.just(SG), min_size=4, max_size=6)), put("security_group_ids")),
            change(b, "no container", ["containers"], st.just([]), put("containers")),
            change(b, "a container name twice", ["name"], st.just(None),
                   lambda a, v: a["containers"].append(dict(a["containers"][0], volume_mounts=None))),
            change(b, "bad container name", ["name"], KCI_BAD_NAME.filter(lambda t: len(t) < 100),
                   lambda a, v: a["containers"][0].__setitem__("name", v)),
            change(b, "blank image", ["image"], BLANK, lambda a, v: a["containers"][0].__setitem__("image", v)),
            change(b, "cpu with more than 3 decimals", ["cpu"], st.integers(1, 9999).map(lambda n: n / 10000.0).filter(
                lambda f: round(f, 3) != f), lambda a, v: a["containers"][0].__setitem__("cpu", v)),
            change(b, "port out of range", ["port"], st.one_of(st.integers(max_value=0), st.integers(min_value=65536)),
                   lambda a, v: a["containers"][0]["ports"][0].__setitem__("port", v)),
            change(b, "a mount of no volume", ["volume_mounts"], st.from_regex(r"\A[a-z]{1,8}\Z").filter(lambda t: t != "data"),
                   lambda a, v: a["containers"][0]["volume_mounts"][0].__setitem__("name", v)),
            change(b, "bad env name", ["env"], st.tuples(st.sampled_from("0123456789"), WORD).map("".join),
                   lambda a, v: a["containers"][0]["env"][0].__setitem__("name", v)),
            change(b, "EBSVolume without ebs_volume", ["ebs_volume"], st.just(None),
                   lambda a, v: a["volumes"][0].__setitem__("type", "EBSVolume")),
            change(b, "nfs_volume on an EmptyDirVolume", ["nfs_volume"], st.just(None),
                   lambda a, v: a["volumes"][0].__setitem__("nfs_volume", {"server": "10.0.0.9", "path": "/x"})),
            change(b, "a new disk without size", ["size"], st.just(None), lambda a, v: a["volumes"][0].update(
                type="EBSVolume", ebs_volume={"fs_type": "ext4", "type": "SSD3.0"})),
            change(b, "disk size out of range", ["size"], st.one_of(st.integers(max_value=9), st.integers(min_value=32001)),
                   lambda a, v: a["volumes"][0].update(type="EBSVolume", ebs_volume={"fs_type": "ext4", "type": "SSD3.0",
                                                                                     "size": v})),
            change(b, "host alias without host names", ["hostnames"], st.just([]),
                   lambda a, v: a["host_aliases"][0].__setitem__("hostnames", v)),
            change(b, "retain_ip_hours out of range", ["retain_ip_hours"], st.one_of(
                st.integers(max_value=0), st.integers(min_value=8761)), put("retain_ip_hours")),
            change(b, "system disk size out of range", ["size"], st.one_of(st.integers(max_value=19), st.integers(501, 10 ** 6)),
                   lambda a, v: a.__setitem__("advance_settings", {"system_disk": {"size": v}})),
            change(b, "Local_SSD system disk over 100", ["size"], st.integers(101, 500),
                   lambda a, v: a.__setitem__("advance_settings", {"system_disk": {"type": "Local_SSD", "size": v}})),
        ],
        "kci_container_group_info": [
            change(b, "log_tail out of range", ["log_tail"], st.one_of(st.integers(max_value=0), st.integers(min_value=1001)),
                   put("log_tail")),
            change(b, "negative project id", ["project_ids"], st.integers(max_value=-1).map(lambda n: [0, n]),
                   put("project_ids")),
            change(b, "blank name", ["name"], BLANK, put("name")),
        ],
        "kci_image_cache": [
            change(b, "retention_days out of range", ["retention_days"],
                   st.one_of(st.integers(max_value=-1), st.integers(min_value=65537)), put("retention_days")),
            change(b, "bad name", ["name"], KCI_BAD_NAME, put("name")),
            change(b, "name over 63", ["name"], st.text(string.ascii_lowercase, min_size=64, max_size=100), put("name")),
            change(b, "no or too many images", ["images"], st.one_of(st.just([]), st.lists(st.just(NGINX), min_size=21, max_size=25)),
                   put("images")),
            change(b, "a blank image", ["images"], BLANK.map(lambda v: [NGINX, v]), put("images")),
            change(b, "size out of range", ["size"], st.one_of(st.integers(max_value=19), st.integers(min_value=501)), put("size")),
        ],
        "kcr_account": [
            change(b, "password too short or too long", ["password"], st.one_of(
                st.text(LETTERS, max_size=7).map(lambda t: t + "1" if len(t) < 7 else t),
                st.text(LETTERS, min_size=33, max_size=40)), put("password")),
            change(b, "password of one class", ["password"], st.one_of(
                st.text(string.ascii_letters, min_size=8, max_size=32), st.text(string.digits, min_size=8, max_size=32),
                st.text("!$%()*+,-./:;<=>?@", min_size=8, max_size=32)), put("password")),
        ],
        "kcr_favorite": [change(b, "blank repository", ["repository"], BLANK, put("repository"))],
        "kcr_namespace": [change(b, "blank name", ["name"], BLANK, put("name"))],
        "kcr_repository": [change(b, "not namespace/repository", ["name"], repo_names(), put("name"))],
        "kcr_repository_info": [
            change(b, "a name not namespace/repository", ["names"], repo_names().map(lambda n: ["badinput-ns/web", n]),
                   put("names")),
            change(b, "public with public_catalog", ["public", "public_catalog"], st.booleans(),
                   lambda a, v: a.update(public=v, public_catalog=True)),
        ],
        "kcr_tag": [
            change(b, "repository not namespace/repository", ["repository"], repo_names(), put("repository")),
            change(b, "no tags", ["tags"], st.just([]), put("tags")),
            change(b, "a blank tag", ["tags"], BLANK.map(lambda v: ["v1", v]), put("tags")),
        ],
        "kcr_tag_info": [change(b, "repository not namespace/repository", ["repository"], repo_names(), put("repository"))],
    }
    return rules.get(name, [])


def repo_names():
    """Names that are not namespace/repository: no "/", or an empty (blank) side."""
    side = st.from_regex(r"\A[a-z][a-z0-9-]{0,8}\Z")
    return st.one_of(side, st.tuples(BLANK, side).map("/".join), st.tuples(side, BLANK).map("/".join), BLANK)


def mutations(name):
    base = BASES[name]
    spec, rules = spec_of(name)
    waits = [("wait_timeout negative", st.integers(max_value=-1).map(
        lambda v: Case("wait_timeout negative", dict(base, wait_timeout=v), ["wait_timeout"])))] \
        if "wait_timeout" in spec else []
    return spec_mutations(spec, rules, base) + common_mutations(base) + waits + semantic(name, base)


# ------------------------------------------------------------------------------ running

#: the secrets of the bases (and the emulator's secret key): no failure may show them
SECRETS = ("Node-pass1", "Worker-pass1", "Cred-pass1", "Registry-pass1")


class Outcome(object):
    def __init__(self, result, traceback, requests, output):
        self.result, self.traceback, self.requests, self.output = result, traceback, requests, output


def run_module(name, emu, args, drop=()):
    """main() of the module in-process with `args` (+ the emulator's credentials), its result, whether it
    ended with a traceback (an exception out of main(), or one reported in the result), and the
    requests the emulator received meanwhile."""
    args = dict(args)
    args.setdefault("endpoint_url", emu.url)
    for key, value in (("access_key", emu.access_key), ("secret_key", emu.secret_key), ("region", REGION)):
        if key not in drop:
            args.setdefault(key, value)
    emu.clear_requests()
    out = io.StringIO()
    traceback = None
    with patch_module_args(args), contextlib.redirect_stdout(out):
        try:
            module_of(name).main()
        except SystemExit:
            pass
        except Exception as exc:   # a traceback: what the suite proves never happens
            traceback = "%s: %s" % (type(exc).__name__, exc)
    try:
        result = json.loads(out.getvalue())
    except ValueError:
        result = {"unparsable output": out.getvalue()}
    if traceback is None and ("exception" in result or "Traceback" in json.dumps(result)):
        traceback = result.get("exception") or result.get("msg")
    return Outcome(result, traceback, emu.requests, out.getvalue())


@pytest.fixture
def clean_env(monkeypatch):
    """No credentials from the environment (the cases that leave one out must miss it)."""
    for key in ENV_VARS.values():
        monkeypatch.delenv(key, raising=False)


def test_invalid_arguments_fail_before_any_request(size, figure, clean_env):
    started = time.monotonic()
    tally = dict(cases=0, tracebacks=set(), requests=set(), secrets=set(), other=set(), kinds=0)
    problems = []
    for name in MODULES:
        assert name in BASES, "no base argument set for %s" % name
        emu = Emulator(lifecycle_seconds=0, strict_params=True)
        emu.start(host="127.0.0.1", port=0)
        try:
            base = run_module(name, emu, dict(BASES[name], _ansible_check_mode=name not in BASE_FOR_REAL))
            assert base.traceback is None and base.requests, "%s: the base did not reach the API: %s" % (name, base.result)

            def check(case):
                outcome = run_module(name, emu, case.args, case.drop)
                tally["cases"] += 1
                seen = "%s: %r" % (name, case)
                if outcome.traceback:
                    tally["tracebacks"].add(seen)
                if outcome.requests:
                    tally["requests"].add(seen)
                shown = [s for s in SECRETS + (emu.secret_key,) if s in outcome.output]
                if shown:
                    tally["secrets"].add(seen)
                msg = str(outcome.result.get("msg", ""))
                named = any(n in msg for n in case.names)
                if not outcome.result.get("failed") or not named:
                    tally["other"].add(seen)
                assert outcome.traceback is None, "traceback %s; %s" % (outcome.traceback, seen)
                assert not outcome.requests, "%d requests (%s); %s; %s" % (
                    len(outcome.requests), [r.get("action") for r in outcome.requests], seen, outcome.result)
                assert outcome.result.get("failed") is True, "did not fail: %s; %s" % (outcome.result, seen)
                assert named, "the message names none of %s: %s; %s" % (case.names, msg, seen)
                assert not shown, "the output shows the secrets %s; %s" % (shown, seen)

            for kind, strategy in mutations(name):
                tally["kinds"] += 1
                runner = settings(max_examples=EXAMPLES[size], derandomize=True, database=None, deadline=None, report_multiple_bugs=False,
                                  suppress_health_check=list(HealthCheck))(given(strategy)(check))
                try:
                    runner()
                except Exception as exc:   # noqa: B902 (any failure of the case, reported below)
                    problems.append("%s / %s: %s" % (name, kind, str(exc).splitlines()[0][:600]))
        finally:
            emu.stop()
    figure("badinput", "tracebacks: %d, requests made on invalid input: %d (%d invalid cases, %d kinds of mutation, "
                       "%d modules; other failures: %d wrong outcome or message, %d showing a secret; %.0f s)"
           % (len(tally["tracebacks"]), len(tally["requests"]), tally["cases"], tally["kinds"], len(MODULES),
              len(tally["other"]), len(tally["secrets"]), time.monotonic() - started))
    assert not problems, "\n".join(problems)
