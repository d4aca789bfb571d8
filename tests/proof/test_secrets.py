"""Proof suite `secrets`: no secret reaches any output, result, diff, error, log or file.

Every module (all 21) and the ksyun.cloud.kce inventory plugin run as child processes
(`ansible-playbook -vvvv --diff`, `ansible-inventory -vvvv --list`) against an emulator process,
in succeeding cases and in failing ones: a bad option, an API error answer (a scheduled
`unavailable` with ``max_retries: 0``, and refusals of the API itself), a wait that fails
(`fail_resource`; in full also waits that time out), a lost answer (`lost_response` on writes,
`drop` on reads) and a wrong secret key. The secrets are distinctive values:

- the account's secret key (the emulator's `--account`), and a wrong one;
- node passwords: kce_cluster `instance_password` and `InstancePassword` inside `node_para`,
  kce_node `instance_password` and inside `node_para` / `kec_para`;
- the registry password of kcr_account (and a new one, and a refused one);
- registry credentials (kci_container_group / kci_image_cache `image_registry_credentials`), and a
  container env value marked `secret`;
- the kubeconfig's private key (`client-key-data`, read from the emulator's DownloadClusterConfig
  answer for every cluster, and its decoded text) and the whole kubeconfig content.

Searched: every process's stdout and stderr, its ANSIBLE_LOG_PATH file, every task result as
callbacks and `register` get it (recorded by a callback), the registered variables dumped at the end
of each play, every file under the run's directory that Ansible or a module wrote (HOME, TMPDIR,
ANSIBLE_LOCAL_TEMP, ANSIBLE_REMOTE_TEMP, the inventory cache, the logs; the kubeconfig files a task was asked to write are
searched for every secret but their own content, the kubeconfig merged into and its backup for every
secret but the merged cluster's credentials), the emulator's request log (admin endpoint and
`--log` file) and its stderr. The secrets use only letters, digits and "-", so JSON or URL encoding
cannot hide them.

The `_info` modules read what holds the secrets, without exclusions: kci_container_group_info reads
the group whose env holds the secret values (its values are masked by default). The two tasks whose
option asks for a secret - kce_kubeconfig `return_content: true` and kci_container_group_info
`env_values: true` - have `no_log: true`, as the modules' documentation asks; their registered
variables hold what the option is for and are checked, not dumped.

Reduced: the three service playbooks and the inventory once, with a subset of the cases: every
module succeeding, bad options, and the failing cases (API error, wrong key, failed wait, lost answer)
of the modules that take secrets. Full: every case, each playbook in check mode first and a converged
re-run after, and waits that time out against a second emulator with slow lifecycles (the progress
lines of the waiting modules' action plugin included).
"""
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

from ksyun_emulator.process import EmulatorProcess
from proof_world import EPC_CLUSTER, EPC_FREE, IMAGE, KEC_AVAILABLE, NGINX, NODE, REGION, RESERVE, SG, SUBNET, VPC

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
COLLECTIONS = os.path.join(REPO, ".collections")
BIN = os.path.dirname(sys.executable)

AK = "AKLTPROOFSECRETS00000001"
SECRETS = {
    "secret key": "Sk-Proof-7Qm2Zx9Lw4Rt6Yp1Vn8Kd3Hs",
    "wrong secret key": "Sk-Wrong-4Tn8Bq2Xc6Mz1Lr9Pw3Gv",
    "kce_cluster instance_password": "NodePw-Proof-5Jx8Qz2",
    "kce_cluster node_para InstancePassword": "ParaPw-Proof-9Hc4Wt7",
    "kce_node instance_password": "WorkerPw-Proof-3Ld6Fy1",
    "kce_node node_para InstancePassword": "WorkerPara-Proof-8Ns2Ke5",
    "kce_node kec_para InstancePassword": "KecPara-Proof-6Rv1Mb4",
    "kcr_account password": "RegPw-Proof-2Gt7Xw9",
    "kcr_account new password": "RegPw-Rotate-4Kp9Zs3",
    "kcr_account refused password": "ProofRefusedLetters",
    "registry credential password": "CredPw-Proof-1Yq5Vh8",
    "container env secret": "EnvSecret-Proof-7Cz3Nd6",
    "container env secret (another)": "EnvOther-Proof-2Wd8Lq5",
}
ENV = {  # how the playbooks get the secrets: environment variables (never a file of ours)
    "PROOF_SK": "secret key", "PROOF_WRONG_SK": "wrong secret key",
    "PROOF_NODE_PW": "kce_cluster instance_password", "PROOF_PARA_PW": "kce_cluster node_para InstancePassword",
    "PROOF_WORKER_PW": "kce_node instance_password", "PROOF_WORKER_PARA_PW": "kce_node node_para InstancePassword",
    "PROOF_KEC_PARA_PW": "kce_node kec_para InstancePassword", "PROOF_REG_PW": "kcr_account password",
    "PROOF_REG_PW_NEW": "kcr_account new password", "PROOF_REG_PW_BAD": "kcr_account refused password",
    "PROOF_CRED_PW": "registry credential password", "PROOF_ENV_SECRET": "container env secret",
    "PROOF_ENV_SECRET_2": "container env secret (another)",
}
MODULES = sorted(n[:-3] for n in os.listdir(os.path.join(REPO, "plugins", "modules")) if n.endswith(".py"))


def env(name):
    return "{{ lookup('ansible.builtin.env', '%s') }}" % name


PARA_PW = env("PROOF_PARA_PW")
WORKER_PARA = dict(NODE, InstancePassword=env("PROOF_WORKER_PARA_PW"))
CREDENTIALS = [{"server": "hub.kce.ksyun.com", "username": "robot", "password": env("PROOF_CRED_PW")}]


def cluster_args(name, **extra):
    args = dict(name=name, vpc_id=VPC, reserve_subnet_id=RESERVE, pod_cidr="10.80.0.0/16", service_cidr="10.254.0.0/16",
                network_type="Flannel", k8s_version="v1.15.5", instance_password=env("PROOF_NODE_PW"),
                public_api_server={"LineId": "5fc2595f-1bfd-481b-bf64-2d08f116d800", "BandWidth": 5, "ChargeType": "PostPaidByDay"},
                instance_sets=[{"role": "Master_Etcd", "node_para": [dict(NODE, MaxCount=3, MinCount=3)]},
                               {"role": "Worker", "node_para": [dict(NODE, MaxCount=1, MinCount=1, InstancePassword=PARA_PW)]}])
    args.update(extra)
    return args


def group_args(name, secret=True, **extra):
    env_vars = [{"name": "MODE", "value": "proof"}]
    if secret:
        env_vars.append({"name": "DB_PASSWORD", "value": env("PROOF_ENV_SECRET"), "secret": True})
    args = dict(name=name, subnet_id=SUBNET, security_group_ids=[SG], cpu=1, memory=2,
                image_registry_credentials=CREDENTIALS,
                containers=[{"name": "web", "image": NGINX, "env": env_vars}])
    args.update(extra)
    return args


def cache_args(name, **extra):
    args = dict(name=name, images=[NGINX], subnet_id=SUBNET, security_group_id=SG, image_registry_credentials=CREDENTIALS)
    args.update(extra)
    return args


class Play(object):
    """One play of module tasks; each case is a task whose expected outcome (ok / failed) is checked."""

    def __init__(self, name, defaults, full=True):
        self.name = name
        self.full = full
        self.defaults = defaults
        self.tasks = []
        self.expect = {}
        self.registered = []

    def case(self, module, title, args, expect="ok", faults=(), no_log=False, dump=True, reduced=False, **keywords):
        """A task (after scheduling `faults`); only in full unless `reduced`."""
        name = "%s: %s" % (module, title)
        assert name not in self.expect, name
        register = "r%d_%s" % (len(self.tasks), module)
        if not (self.full or reduced):
            return register
        for action, kind, count in faults:
            self.tasks.append({"name": "schedule %s %s" % (kind, action), "ansible.builtin.uri": {
                "url": "{{ admin }}/faults", "method": "POST", "body_format": "json",
                "body": {"action": action, "fault": kind, "count": count}}})
        task = dict({"name": name, "ksyun.cloud." + module: args, "register": register}, **keywords)
        if expect == "failed":
            task["ignore_errors"] = True
        if no_log:
            task["no_log"] = True
        self.tasks.append(task)
        if faults:
            self.tasks.append({"name": "clear the faults", "ansible.builtin.uri": {
                "url": "{{ admin }}/faults", "method": "DELETE"}})
        self.expect[name] = expect
        if dump:
            self.registered.append(register)
        return register

    def admin(self, title, path, body):
        self.tasks.append({"name": title, "ansible.builtin.uri": {
            "url": "{{ admin }}/" + path, "method": "POST", "body_format": "json", "body": body}})

    def common_failures(self, module, args, first_read, reduced=False):
        """The failing cases every module has: an API error answer on its first call and a wrong key
        (both in the reduced run too when `reduced`)."""
        self.case(module, "API error answer", dict(args, max_retries=0), "failed", faults=[(first_read, "unavailable", 3)],
                  reduced=reduced)
        self.case(module, "wrong secret key", dict(args, secret_key=env("PROOF_WRONG_SK")), "failed", reduced=reduced)

    def render(self, dump_dir, ignore_all=False):
        """The play; with `ignore_all` every task may fail (check mode and re-runs: other outcomes)."""
        tasks = [dict(t, ignore_errors=True) if ignore_all else t for t in self.tasks]
        names = self.registered
        tasks.append({"name": "dump the registered results", "ansible.builtin.copy": {
            "dest": os.path.join(dump_dir, "%s.json" % self.name), "mode": "0600",
            "content": "{{ dict(%s | zip(lookup('ansible.builtin.vars', *%s, wantlist=True))) | to_nice_json }}"
                       % (json.dumps(names), json.dumps(names))}})
        return {"name": self.name, "hosts": "localhost", "gather_facts": False,
                "module_defaults": {"group/ksyun.cloud.ksyun": self.defaults}, "tasks": tasks}


def defaults(templated):
    out = {"endpoint_url": "{{ endpoint }}", "access_key": AK, "region": REGION}
    if templated:
        out["secret_key"] = env("PROOF_SK")   # else from KSYUN_SECRET_KEY
    return out


def kcr_play(full=True):
    p = Play("kcr", defaults(templated=True), full)
    ns = {"name": "proof-ns", "public": False}
    p.case("kcr_namespace", "create", ns, diff=True, reduced=True)
    p.case("kcr_namespace", "bad option", {"name": "Proof_NS!"}, "failed")
    p.case("kcr_namespace", "lost answer", {"name": "proof-ns-lost"}, faults=[("CreateRepoNamespace", "lost_response", 1)])
    p.common_failures("kcr_namespace", {"name": "proof-ns-2"}, "DescribeRepoNamespace")
    p.case("kcr_namespace_info", "list", {}, reduced=True)
    p.case("kcr_namespace_info", "bad option", {"public": "sometimes"}, "failed")
    p.case("kcr_namespace_info", "lost answer", {"name": "proof-ns"}, faults=[("DescribeRepoNamespace", "drop", 1)])
    p.common_failures("kcr_namespace_info", {}, "DescribeRepoNamespace")
    repo = {"name": "proof-ns/web", "description": "proof"}
    p.case("kcr_repository", "create", repo, diff=True, reduced=True)
    p.case("kcr_repository", "update", dict(repo, description="proof 2"), diff=True)
    p.case("kcr_repository", "bad option", {"name": "no-namespace"}, "failed")
    p.case("kcr_repository", "lost answer", {"name": "proof-ns/lost"}, faults=[("CreateRepository", "lost_response", 1)])
    p.case("kcr_repository", "API refusal (no such namespace)", {"name": "proof-none/web"}, "failed")
    p.common_failures("kcr_repository", repo, "DescribeRepository")
    p.case("kcr_repository_info", "list", {"namespace": ["proof-ns"]}, reduced=True)
    p.case("kcr_repository_info", "bad option", {"names": "proof-ns/web", "unknown_option": 1}, "failed")
    p.case("kcr_repository_info", "lost answer", {}, faults=[("DescribeRepository", "drop", 1)])
    p.common_failures("kcr_repository_info", {}, "DescribeRepository")
    p.admin("push tags", "push", {"repository": "proof-ns/web", "tags": ["v1", "v2", "v3"], "access_key": AK})
    p.case("kcr_tag", "present", {"repository": "proof-ns/web", "tags": ["v1"]}, reduced=True)
    p.case("kcr_tag", "absent", {"repository": "proof-ns/web", "tags": ["v2"], "state": "absent"}, diff=True)
    p.case("kcr_tag", "lost answer", {"repository": "proof-ns/web", "tags": ["v3"], "state": "absent"},
           faults=[("DeleteTags", "lost_response", 1)])
    p.case("kcr_tag", "bad option", {"repository": "proof-ns/web", "tags": []}, "failed")
    p.case("kcr_tag", "tags that do not exist", {"repository": "proof-ns/web", "tags": ["nope"]}, "failed")
    p.common_failures("kcr_tag", {"repository": "proof-ns/web", "tags": ["v1"]}, "DescribeTag")
    p.case("kcr_tag_info", "list", {"repository": "proof-ns/web"}, reduced=True)
    p.case("kcr_tag_info", "bad option", {"repository": "web"}, "failed")
    p.case("kcr_tag_info", "lost answer", {"repository": "proof-ns/web"}, faults=[("DescribeTag", "drop", 1)])
    p.common_failures("kcr_tag_info", {"repository": "proof-ns/web"}, "DescribeTag")
    fav = {"repository": "ksyun/nginx", "repo_type": "KSYUN HUB"}
    p.case("kcr_favorite", "add", fav, diff=True, reduced=True)
    p.case("kcr_favorite", "bad option", dict(fav, repo_type="QUAY"), "failed")
    p.case("kcr_favorite", "lost answer", dict(fav, state="absent"), faults=[("DeleteFavor", "lost_response", 1)])
    p.common_failures("kcr_favorite", fav, "GetFavor")
    p.case("kcr_favorite_info", "list", {}, reduced=True)
    p.case("kcr_favorite_info", "bad option", {"repo_type": "QUAY"}, "failed")
    p.case("kcr_favorite_info", "lost answer", {}, faults=[("GetFavor", "drop", 1)])
    p.common_failures("kcr_favorite_info", {}, "GetFavor")
    pw = {"password": env("PROOF_REG_PW")}
    p.case("kcr_account", "register", pw, diff=True, reduced=True)
    p.case("kcr_account", "registered already", pw, diff=True)
    p.case("kcr_account", "rotate", {"password": env("PROOF_REG_PW_NEW"), "update_password": "always"}, diff=True, reduced=True)
    p.case("kcr_account", "refused password", {"password": env("PROOF_REG_PW_BAD")}, "failed", reduced=True)
    p.case("kcr_account", "bad option", dict(pw, update_password="sometimes"), "failed", reduced=True)
    p.case("kcr_account", "lost answer", dict(pw, update_password="always"), faults=[("ModifyPassword", "lost_response", 1)], reduced=True)
    p.common_failures("kcr_account", dict(pw, update_password="always"), "ModifyPassword", reduced=True)
    return p


def kce_play(kube_dir, full=True):
    p = Play("kce", defaults(templated=False), full)
    p.case("kce_instance_image_info", "list", {}, reduced=True)
    p.case("kce_instance_image_info", "bad option", {"image_type": "secretive"}, "failed")
    p.case("kce_instance_image_info", "lost answer", {}, faults=[("DescribeInstanceImage", "drop", 1)])
    p.common_failures("kce_instance_image_info", {}, "DescribeInstanceImage")
    cluster = cluster_args("proof-cluster")
    p.case("kce_cluster", "create", cluster, diff=True, reduced=True)
    p.case("kce_cluster", "unchanged", cluster, diff=True)
    p.case("kce_cluster", "update", dict(cluster, description="proof"), diff=True)
    p.case("kce_cluster", "immutable option", dict(cluster, k8s_version="v1.13.4"), "failed", diff=True)
    p.case("kce_cluster", "bad option (type)", dict(cluster, wait_timeout="soon"), "failed", reduced=True)
    p.case("kce_cluster", "bad option (rule)", dict(cluster, name="proof-overlap", service_cidr="10.80.0.0/24"), "failed")
    p.case("kce_cluster", "API refusal (CIDR in the VPC)", cluster_args("proof-refused", pod_cidr="10.0.0.0/16"), "failed", diff=True, reduced=True)
    p.case("kce_cluster", "wait fails", cluster_args("proof-failing"), "failed", faults=[("CreateCluster", "fail_resource", 1)], reduced=True)
    p.case("kce_cluster", "lost answer", cluster_args("proof-lost"), faults=[("CreateCluster", "lost_response", 1)], reduced=True)
    p.common_failures("kce_cluster", cluster, "DescribeCluster", reduced=True)
    p.case("kce_cluster_info", "by name", {"name": "proof-cluster"}, reduced=True)
    p.case("kce_cluster_info", "bad option", {"cluster_idz": ["x"]}, "failed")
    p.case("kce_cluster_info", "lost answer", {"name": "proof-cluster"}, faults=[("DescribeCluster", "drop", 1)])
    p.common_failures("kce_cluster_info", {"name": "proof-cluster"}, "DescribeCluster")
    group = {"cluster_name": "proof-cluster", "name": "proof-workers", "count": 1, "node_para": WORKER_PARA,
             "instance_password": env("PROOF_WORKER_PW")}
    p.case("kce_node", "new group", group, diff=True, reduced=True)
    p.case("kce_node", "unchanged", group, diff=True)
    existing = {"cluster_name": "proof-cluster", "source": "existing", "instance_ids": [KEC_AVAILABLE], "image_id": IMAGE,
                "instance_password": env("PROOF_WORKER_PW"), "reinstall_system": True,
                "kec_para": {"InstancePassword": env("PROOF_KEC_PARA_PW")}}
    p.case("kce_node", "existing server", existing, diff=True, reduced=True)
    p.case("kce_node", "bare-metal server", {"cluster_id": EPC_CLUSTER, "source": "epc", "instance_ids": [EPC_FREE]})
    p.case("kce_node", "bad option (type)", dict(group, count="many"), "failed", reduced=True)
    p.case("kce_node", "bad option (rule)", dict(group, node_para=dict(WORKER_PARA, MaxCount=3)), "failed")
    p.case("kce_node", "API refusal (EPC into a VM cluster)", {"cluster_name": "proof-cluster", "source": "epc",
                                                               "instance_ids": [EPC_FREE]}, "failed")
    p.case("kce_node", "wait fails", dict(group, name="proof-failing"), "failed",
           faults=[("AddClusterInstances", "fail_resource", 1)], reduced=True)
    p.case("kce_node", "lost answer", dict(group, name="proof-lost"), faults=[("AddClusterInstances", "lost_response", 1)], reduced=True)
    p.common_failures("kce_node", group, "DescribeCluster", reduced=True)
    p.case("kce_node", "remove the group", dict(group, state="absent", count=None), diff=True)
    p.case("kce_node_info", "list", {"cluster_id": EPC_CLUSTER}, reduced=True)
    p.case("kce_node_info", "bad option", {"roles": ["Boss"], "cluster_id": EPC_CLUSTER}, "failed")
    p.case("kce_node_info", "lost answer", {"cluster_id": EPC_CLUSTER}, faults=[("DescribeClusterInstance", "drop", 1)])
    p.common_failures("kce_node_info", {"cluster_id": EPC_CLUSTER}, "DescribeClusterInstance")
    p.case("kce_epc_info", "list", {"cluster_id": EPC_CLUSTER}, reduced=True)
    p.case("kce_epc_info", "bad option", {"cluster_id": EPC_CLUSTER, "vpc_id": {"a": "b"}}, "failed")
    p.case("kce_epc_info", "lost answer", {}, faults=[("DescribeEpcForCluster", "drop", 1)])
    p.common_failures("kce_epc_info", {}, "DescribeEpcForCluster")
    p.case("kce_existed_instance_info", "list", {"available": True}, reduced=True)
    p.case("kce_existed_instance_info", "bad option", {"available": "perhaps"}, "failed")
    p.case("kce_existed_instance_info", "lost answer", {}, faults=[("DescribeExistedInstances", "drop", 1)])
    p.common_failures("kce_existed_instance_info", {}, "DescribeExistedInstances")
    kube = {"cluster_name": "proof-cluster", "dest": os.path.join(kube_dir, "public.config")}
    p.case("kce_kubeconfig", "write", kube, diff=True, reduced=True)
    p.case("kce_kubeconfig", "unchanged", kube, diff=True)
    p.case("kce_kubeconfig", "mode", dict(kube, mode="0640"), diff=True)
    p.case("kce_kubeconfig", "private", dict(kube, public=False, dest=os.path.join(kube_dir, "private.config")), diff=True)
    content = p.case("kce_kubeconfig", "content (no_log)", {"cluster_name": "proof-cluster", "return_content": True},
                     no_log=True, dump=False, reduced=True)
    p.tasks.append({"name": "the content was returned", "no_log": True, "ansible.builtin.assert": {
        "that": ["%s.content is search('client-key-data')" % content]}})
    p.case("kce_kubeconfig", "bad option", dict(kube, mode="0999"), "failed")
    p.case("kce_kubeconfig", "failed cluster", {"cluster_name": "proof-failing", "dest": os.path.join(kube_dir, "failed")},
           "failed", reduced=True)
    p.case("kce_kubeconfig", "lost answer", dict(kube, dest=os.path.join(kube_dir, "lost.config")),
           faults=[("DownloadClusterConfig", "drop", 1)], diff=True)
    p.common_failures("kce_kubeconfig", kube, "DescribeCluster", reduced=True)
    merged = dict(kube, dest=os.path.join(kube_dir, "merged.config"), merge=True)
    p.case("kce_kubeconfig", "merge", merged, diff=True, reduced=True)
    p.case("kce_kubeconfig", "merge unchanged", merged, diff=True)
    p.case("kce_kubeconfig", "merge the VPC one, current, with a backup",
           dict(merged, public=False, context_name="proof-vpc", set_current_context=True, backup=True), diff=True,
           reduced=True)
    p.case("kce_cluster", "delete", dict(cluster_args("proof-lost"), state="absent", instance_delete_mode="Terminate"),
           diff=True, reduced=True)
    return p


def kci_play(full=True):
    p = Play("kci", defaults(templated=False), full)
    cache = cache_args("proof-cache")
    p.case("kci_image_cache", "create", cache, diff=True, reduced=True)
    p.case("kci_image_cache", "unchanged", cache, diff=True)
    p.case("kci_image_cache", "bad option (type)", dict(cache, size="big"), "failed", reduced=True)
    p.case("kci_image_cache", "bad option (rule)", dict(cache, name="Proof_Cache"), "failed")
    p.case("kci_image_cache", "wait fails", cache_args("proof-cache-failing"), "failed",
           faults=[("CreateImageCache", "fail_resource", 1)], reduced=True)
    p.case("kci_image_cache", "lost answer", cache_args("proof-cache-lost"), faults=[("CreateImageCache", "lost_response", 1)], reduced=True)
    p.common_failures("kci_image_cache", cache, "DescribeImageCache", reduced=True)
    p.case("kci_image_cache", "delete", dict(cache_args("proof-cache-lost"), state="absent"), diff=True)
    p.case("kci_image_cache_info", "list", {"name": "proof-cache"}, reduced=True)
    p.case("kci_image_cache_info", "bad option", {"ids": "x", "names": ["y"]}, "failed")
    p.case("kci_image_cache_info", "lost answer", {}, faults=[("DescribeImageCache", "drop", 1)])
    p.common_failures("kci_image_cache_info", {}, "DescribeImageCache")
    group = group_args("proof-web")
    p.case("kci_container_group", "create", group, diff=True, reduced=True)
    p.case("kci_container_group", "unchanged", group, diff=True)
    p.case("kci_container_group", "check mode", group, diff=True, check_mode=True)
    other = group_args("proof-web")
    other["containers"][0]["env"][1]["value"] = env("PROOF_ENV_SECRET_2")
    p.case("kci_container_group", "another secret value", other, "failed", diff=True, reduced=True)
    p.case("kci_container_group", "bad option (type)", dict(group, cpu="lots"), "failed", reduced=True)
    p.case("kci_container_group", "bad option (rule)", dict(group, retain_ip_hours=0), "failed")
    p.case("kci_container_group", "bad option (required_if)", dict(group, charge_type="Spot"), "failed")
    # ansible-core loses every no_log value on a text where a dict of suboptions is wanted
    p.case("kci_container_group", "bad option (suboption shape)", dict(group, dns_config="none"), "failed", reduced=True)
    p.case("kci_container_group", "wait fails", group_args("proof-web-failing"), "failed",
           faults=[("CreateContainerGroup", "fail_resource", 1)], reduced=True)
    p.case("kci_container_group", "lost answer", group_args("proof-web-lost"), faults=[("CreateContainerGroup", "lost_response", 1)], reduced=True)
    p.common_failures("kci_container_group", group, "DescribeContainerGroup", reduced=True)
    p.case("kci_container_group", "recreate", dict(other, recreate=True), diff=True)
    p.case("kci_container_group", "delete", {"name": "proof-web-lost", "state": "absent"}, diff=True)
    p.case("kci_container_group", "a group without secrets", group_args("proof-plain", secret=False), reduced=True)
    # the group whose env holds the secret value (the second one after the full run's recreate)
    info = {"name": "proof-web"}
    p.case("kci_container_group_info", "list", dict(info, logs=True), reduced=True)
    p.case("kci_container_group_info", "every group", {}, reduced=True)
    values = p.case("kci_container_group_info", "env values (no_log)", dict(info, env_values=True), no_log=True,
                    dump=False, reduced=True)
    p.tasks.append({"name": "the env values were returned", "no_log": True, "ansible.builtin.assert": {"that": [
        "(%s.container_groups | map(attribute='containers') | flatten | map(attribute='environment_vars') | flatten"
        " | selectattr('key', 'equalto', 'DB_PASSWORD') | map(attribute='value') | first) in [%s, %s]"
        % (values, env("PROOF_ENV_SECRET").strip("{} "), env("PROOF_ENV_SECRET_2").strip("{} "))]}})
    p.case("kci_container_group_info", "bad option", {"status": ["Sleeping"]}, "failed")
    p.case("kci_container_group_info", "lost answer", info, faults=[("DescribeContainerGroup", "drop", 1)])
    p.common_failures("kci_container_group_info", info, "DescribeContainerGroup")
    return p


def timeout_play(kube_dir):
    """Full only, against an emulator with slow lifecycles: waits that time out (and their progress lines)."""
    p = Play("timeouts", defaults(templated=False))
    p.case("kce_cluster", "wait times out", dict(cluster_args("proof-slow"), wait_timeout=3), "failed")
    p.case("kce_kubeconfig", "wait times out", {"cluster_name": "proof-slow", "dest": os.path.join(kube_dir, "slow"),
                                                "wait_timeout": 2}, "failed")
    p.case("kce_node", "wait times out", {"cluster_id": "b12d7079-1e59-4626-90eb-xxxxxx", "name": "proof-slow", "count": 1,
                                          "node_para": WORKER_PARA, "instance_password": env("PROOF_WORKER_PW"),
                                          "wait_timeout": 2}, "failed")
    p.case("kci_image_cache", "wait times out", dict(cache_args("proof-slow"), wait_timeout=2), "failed")
    p.case("kci_container_group", "wait times out", dict(group_args("proof-slow"), wait_timeout=2), "failed")
    return p


INVENTORY = {"plugin": "ksyun.cloud.kce", "endpoint_url": "{endpoint}", "access_key": AK, "region": REGION,
             "hostvars": "full", "debug_api_calls": True}
CACHED = dict(secret_key=SECRETS["secret key"], cache=True, cache_plugin="ansible.builtin.jsonfile",
              cache_connection="{work}/cache")
INVENTORY_CASES = [
    # (title, inventory file fields, faults, expected outcome, in the reduced run too)
    ("secret key in the file, cached", CACHED, [], "ok", True),
    ("from the cache", CACHED, [], "ok", True),
    ("templated secret key", dict(secret_key="{{ lookup('ansible.builtin.env', 'PROOF_SK') }}"), [], "ok", False),
    ("secret key from KSYUN_SECRET_KEY", {}, [], "ok", False),
    ("bad option", dict(secret_key=SECRETS["secret key"], max_concurrency=0), [], "failed", True),
    ("API error answer", dict(max_retries=0), [("DescribeCluster", "unavailable", 3)], "failed", True),
    ("API error answer, not strict", dict(max_retries=0, strict_permissions=False),
     [("DescribeClusterInstance", "unavailable", 3)], "warned", False),
    ("wrong secret key", dict(secret_key=SECRETS["wrong secret key"]), [], "failed", True),
    ("lost answer", {}, [("DescribeCluster", "drop", 1), ("DescribeClusterInstance", "drop", 1)], "ok", False),
]


# ---------------------------------------------------------------------------------------- runner

class Run(object):
    """The processes of one proof run, the places they wrote, and what was searched."""

    def __init__(self, work):
        self.work = work
        self.texts = []        # (place, text)
        self.module_runs = 0
        self.outcomes = {}     # (playbook, task) -> status
        self.count = 0
        for sub in ("home", "tmp", "logs", "results", "registered", "kube", "input"):
            os.makedirs(os.path.join(work, sub), exist_ok=True)

    def environ(self, emu, label):
        e = dict(os.environ)
        for key in list(e):
            if key.startswith(("KSYUN_", "ANSIBLE_")):
                del e[key]
        e.update(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                 HOME=os.path.join(self.work, "home"), TMPDIR=os.path.join(self.work, "tmp"),
                 ANSIBLE_LOCAL_TEMP=os.path.join(self.work, "home", ".ansible", "tmp"),
                 ANSIBLE_REMOTE_TEMP=os.path.join(self.work, "home", ".ansible", "remote"),
                 ANSIBLE_LOG_PATH=os.path.join(self.work, "logs", label + ".log"),
                 ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"), ANSIBLE_CALLBACKS_ENABLED="proof_record",
                 PROOF_RECORD=os.path.join(self.work, "results", label + ".jsonl"),
                 ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_DEPRECATION_WARNINGS="0",
                 ANSIBLE_INVENTORY_UNPARSED_WARNING="0", ANSIBLE_LOCALHOST_WARNING="0",
                 KSYUN_ENDPOINT_URL=emu.url, KSYUN_ACCESS_KEY=AK, KSYUN_SECRET_KEY=SECRETS["secret key"],
                 KSYUN_REGION=REGION)
        e.update((name, SECRETS[key]) for name, key in ENV.items())
        return e

    def process(self, cmd, emu, label, timeout=900):
        run = subprocess.run(cmd, env=self.environ(emu, label), cwd=self.work, capture_output=True, text=True, check=False,
                             timeout=timeout)
        self.texts.append(("%s: stdout" % label, run.stdout))
        self.texts.append(("%s: stderr" % label, run.stderr))
        return run

    def playbook(self, play, emu, label, *flags, ignore_all=False):
        path = os.path.join(self.work, "input", label + ".yml")
        with open(path, "w") as f:
            json.dump([play.render(os.path.join(self.work, "registered", label), ignore_all)], f, indent=1)
        os.makedirs(os.path.join(self.work, "registered", label), exist_ok=True)
        cmd = [os.path.join(BIN, "ansible-playbook"), "-vvvv", "--diff", path,
               "-e", json.dumps({"endpoint": emu.url, "admin": emu.url + "/_emulator"})] + list(flags)
        run = self.process(cmd, emu, label)
        assert run.returncode == 0, "%s failed (rc %d)\n%s\n%s" % (label, run.returncode, run.stdout[-6000:], run.stderr[-3000:])
        for record in self.records(label):
            if record["task"] in play.expect:
                self.module_runs += 1
                self.outcomes[(label, record["task"])] = record["status"]
        return run

    def records(self, label):
        path = os.path.join(self.work, "results", label + ".jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def inventory(self, emu, title, fields, faults, n):
        label = "inventory-%d" % n
        data = dict(INVENTORY, **fields)
        text = json.dumps(data).replace("{endpoint}", emu.url).replace("{work}", self.work)
        path = os.path.join(self.work, "input", "%s.kce.yml" % label)
        with open(path, "w") as f:
            f.write(text)
        for action, kind, count in faults:
            emu_post(emu.url, "faults", {"action": action, "fault": kind, "count": count})
        try:
            run = self.process([os.path.join(BIN, "ansible-inventory"), "-vvvv", "-i", path, "--list"], emu, label)
        finally:
            emu_delete(emu.url, "faults")
        self.module_runs += 1
        output = run.stdout + run.stderr
        if "Failed to parse" in output or run.returncode != 0:
            return "failed"
        if "left out after API errors" in output:
            return "warned"
        return "ok" if listed_nodes(run.stdout) else "empty"

    # ------------------------------------------------------------------------------ the search
    def collect(self):
        """Every place to search: the processes' outputs (already in), the task results and the files
        under the run's directory (inputs, the recorder and the emulators' directories excepted)."""
        places = list(self.texts)
        for name in sorted(os.listdir(os.path.join(self.work, "results"))):
            for i, record in enumerate(self.records(name[:-6])):
                places.append(("%s: result %d (%s)" % (name, i, record["task"]), json.dumps(record)))
        for root, dirs, files in os.walk(self.work):
            # inputs (the playbooks, inventory files), the recorder and its records, the emulators: not
            # written by Ansible (the records are searched above, the emulators' files below)
            dirs[:] = [d for d in dirs if root != self.work or d not in ("input", "results", "emulators")]
            for name in files:
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    data = f.read().decode("utf-8", "replace")
                places.append(("file %s" % os.path.relpath(path, self.work), data))
        return places


def listed_nodes(stdout):
    """The hosts of an `ansible-inventory --list` output (its JSON document)."""
    start = stdout.find("{")
    while start >= 0:
        try:
            data, _end = json.JSONDecoder().raw_decode(stdout[start:])
        except ValueError:
            start = stdout.find("\n{", start + 1)
            start = start + 1 if start >= 0 else -1
            continue
        return list(data.get("_meta", {}).get("hostvars", {}))
    return []


def emu_post(url, path, body):
    req = urllib.request.Request("%s/_emulator/%s" % (url, path), data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as answer:
        return json.loads(answer.read() or b"null")


def emu_delete(url, path):
    with urllib.request.urlopen(urllib.request.Request("%s/_emulator/%s" % (url, path), method="DELETE")) as answer:
        return answer.read()


def emu_get(url, path):
    with urllib.request.urlopen("%s/_emulator/%s" % (url, path)) as answer:
        return json.loads(answer.read())


def kubeconfig_secrets(emu):
    """{where: kubeconfig} of every running cluster (both addresses), as the emulator answers them."""
    from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
    from ansible_collections.ksyun.cloud.plugins.module_utils._config import client_from_params
    client = client_from_params(dict(access_key=AK, secret_key=SECRETS["secret key"], region=REGION,
                                     endpoint_url=emu.url))
    found = {}
    for cluster in kce.describe_clusters(client):
        if cluster.get("Status") != "running":
            continue
        for public in (True, False):
            content = kce.download_cluster_config(client, cluster["ClusterId"], is_public=public).get("ClusterConfig")
            if content:
                found["kubeconfig %s %s" % (cluster["ClusterName"], "public" if public else "private")] = content
    return found


def kubeconfig_parts(where, content):
    """The secrets of one kubeconfig: its private key (as written, and decoded) and the whole content."""
    key = re.search(r"client-key-data: (\S+)", content).group(1)
    return {where + " client-key-data": key, where + " private key": base64.b64decode(key).decode().splitlines()[1],
            where + " content": content}


def occurrences(places, secrets, own):
    """[(place, secret name, context)] of every secret found; `own` = {place: secret names it may hold}."""
    hits = []
    for place, text in places:
        for name, value in secrets.items():
            if name in own.get(place, ()):
                continue
            start = text.find(value)
            if start >= 0:
                hits.append((place, name, text[max(0, start - 120):start + len(value) + 40]))
    return hits


def emulator(work, label, **kwargs):
    path = os.path.join(work, "emulators", label)
    os.makedirs(path)
    emu = EmulatorProcess(path, "--strict-params", "--account", "%s:%s" % (AK, SECRETS["secret key"]), **kwargs)
    emu.label = label
    return emu


def test_no_secret_anywhere(size, figure):
    full = size == "full"
    with tempfile.TemporaryDirectory(prefix="ksyun-proof-secrets-") as work:
        emus = [emulator(work, "main")]
        try:
            emu = emus[0]
            run = Run(work)
            kube_dir = os.path.join(work, "kube")
            plays = dict(kcr=kcr_play(full), kce=kce_play(kube_dir, full), kci=kci_play(full))
            if full:
                for label, play in plays.items():
                    run.playbook(play, emu, label + "-check", "--check", ignore_all=True)
            for label, play in plays.items():
                run.playbook(play, emu, label)
            for n, (title, fields, faults, expect, reduced) in enumerate(INVENTORY_CASES):
                if not (full or reduced):
                    continue
                outcome = run.inventory(emu, title, fields, faults, n)
                assert outcome == expect, "inventory case %r: %s, expected %s" % (title, outcome, expect)
            # every case had its expected outcome (the failing cases failed), and every module ran
            wrong = [(label, task, status) for (label, task), status in run.outcomes.items()
                     if label in plays and status != plays[label].expect[task]]
            assert not wrong, "cases with another outcome than expected: %s" % wrong
            assert set(task.split(":")[0] for label, task in run.outcomes if label in plays) == set(MODULES)
            if full:
                for label, play in plays.items():
                    run.playbook(play, emu, label + "-again", ignore_all=True)
                emus.append(emulator(work, "slow", lifecycle_seconds=60))
                run.playbook(timeout_play(kube_dir), emus[-1], "timeouts")
                timed = [(t, s) for (label, t), s in run.outcomes.items() if label == "timeouts" and s != "failed"]
                assert not timed, timed
                assert "building after" in run.texts[-2][1]   # the waits' progress lines were shown
            kubeconfigs = kubeconfig_secrets(emu)
            assert len(kubeconfigs) >= 4, sorted(kubeconfigs)   # proof-cluster's two, the world's
            logs = [("emulator %s: request log" % one.label, json.dumps(emu_get(one.url, "requests"))) for one in emus]
        finally:
            for one in emus:
                one.stop()
        secrets = dict(SECRETS)
        for where, content in kubeconfigs.items():
            secrets.update(kubeconfig_parts(where, content))
        places = run.collect() + logs
        for one in emus:
            for path in (one.log, os.path.join(os.path.dirname(one.log), "emulator.err")):
                with open(path) as f:
                    places.append(("emulator %s: %s" % (one.label, os.path.basename(path)), f.read()))
        # a kubeconfig file a task was asked to write holds that kubeconfig (its purpose): the other
        # secrets are searched in it
        own = {}
        merged = os.path.join("file kube", "merged.config")
        for place, text in places:
            if place.startswith("file kube" + os.sep) and text in kubeconfigs.values():
                own[place] = [name for name, value in secrets.items() if value in text]
            elif place.startswith(merged):
                # the kubeconfig merged into (and its backup) holds proof-cluster's credentials, no other secret
                own[place] = [name for name, value in secrets.items()
                              if name.startswith("kubeconfig proof-cluster ") and value in text]
        written = [p for p in places if p[0] == os.path.join("file kube", "public.config")]
        assert len(written) == 1 and written[0][0] in own, "the kubeconfig written is not one of the emulator's"
        # the search finds what is there: that file's key and content
        found = set(name for _place, name, _text in occurrences(written, secrets, {}))
        assert {"kubeconfig proof-cluster public client-key-data", "kubeconfig proof-cluster public content"} <= found
        found = set(name for _place, name, _text in occurrences([p for p in places if p[0] == merged], secrets, {}))
        assert "kubeconfig proof-cluster public client-key-data" in found, "the merged kubeconfig holds no key"
        hits = occurrences(places, secrets, own)
        figure("secrets", "secret occurrences: %d in %d runs (%d places searched)" % (len(hits), run.module_runs, len(places)))
        assert not hits, "\n".join("%s: %s in ...%s..." % hit for hit in hits[:30])
