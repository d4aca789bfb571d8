# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kce_kubeconfig and the files users have: symbolic links, directories, missing directories,
backups, merging into an existing kubeconfig (kubectl's lock included), check mode before the
cluster exists, and ansible-core 2.16's atomic_move. Against the in-process emulator, with files
under tmp_path. (The local option checks are in test_kce_resources.py; the whole flow in the
integration target kce_kubeconfig.)"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat
import subprocess
import sys
import threading
import time

import pytest
import yaml

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ksyun.cloud.plugins.module_utils import _resource
from ansible_collections.ksyun.cloud.plugins.modules import kce_kubeconfig
from ansible_collections.ksyun.cloud.plugins.modules.kce_kubeconfig import KceKubeconfig

MAIN = "b12d7079-1e59-4626-90eb-xxxxxx"          # a running VM cluster of the default world, API server exposed
CANAL = "c4d64fa0-0ee2-409a-b003-xxxxxx"         # running, not exposed (only a VPC kubeconfig)
RUNNING = [MAIN, CANAL, "79dac1a8-3387-4769-82a5-xxxxxx", "b12d7079-1e59-4626-90eb-f23348232c77",
           "0ffb863-9bdc-4558-a947-xxxxxx"]
REGION = "cn-beijing-6"
ENTRY = "kce_%s_%s" % (REGION, MAIN)
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))

# someone's ~/.kube/config: another cluster, a comment, preferences, a namespace on a context
OTHER = """\
# my clusters
apiVersion: v1
kind: Config
preferences:
  colors: true
clusters:
- name: home-lab
  cluster:
    server: https://192.168.1.10:6443
    certificate-authority-data: SE9NRS1MQUItQ0EtREFUQQ==
users:
- name: home-admin
  user:
    token: home-lab-token-0123456789
contexts:
- name: home
  context:
    cluster: home-lab
    user: home-admin
    namespace: media
current-context: home
"""


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    monkeypatch.setattr(_resource, "REREAD_PAUSE", 0)
    monkeypatch.setattr(_resource, "POLL_START", 0)


@pytest.fixture
def run(run_module):
    """run(check=False, diff=False, **args) -> kce_kubeconfig's JSON result (conftest.run_module), on
    the MAIN cluster unless the task names one."""
    def call(check=False, diff=False, **args):
        if "cluster_name" not in args:
            args.setdefault("cluster_id", MAIN)
        return run_module(KceKubeconfig, check=check, diff=diff, **args)
    call.emu = run_module.emu
    return call


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def tree(path):
    """Every path below `path` (a directory), with what it is, for 'nothing was touched'."""
    found = {}
    for top, dirs, files in os.walk(str(path)):
        for name in dirs + files:
            full = os.path.join(top, name)
            if os.path.islink(full):
                found[full] = os.readlink(full)
            elif os.path.isfile(full):
                with open(full, "rb") as f:
                    found[full] = f.read()
            else:
                found[full] = stat.S_IFMT(os.stat(full).st_mode)
    return found


def kubeconfig_of(run, cluster_id=MAIN, public=True):
    """The kubeconfig the emulator hands out (as the module's content)."""
    out = run(cluster_id=cluster_id, public=public, return_content=True)
    return out["content"]


def secrets_of(content):
    """The credential values of a downloaded kubeconfig."""
    data = yaml.safe_load(content)
    user = data["users"][0]["user"]
    return [data["clusters"][0]["cluster"]["certificate-authority-data"], user["client-certificate-data"],
            user["client-key-data"]]


# ------------------------------------------------------------------ what dest is on disk

@pytest.mark.parametrize("make,part", [
    (lambda d: os.symlink(os.path.join(d, "nowhere", "config"), os.path.join(d, "config")),
     "is a symbolic link to %(d)s/nowhere/config, which does not exist"),
    (lambda d: os.symlink(os.path.join(d, "config"), os.path.join(d, "config")), "which does not exist (or is a loop"),
    (lambda d: os.mkdir(os.path.join(d, "config")), "dest %(d)s/config is a directory"),
    (lambda d: (os.mkdir(os.path.join(d, "real")), os.symlink(os.path.join(d, "real"), os.path.join(d, "config"))),
     "dest %(d)s/config is a directory"),
    (lambda d: os.mkfifo(os.path.join(d, "config")), "is not a regular file"),
])
def test_dest_that_cannot_be_the_file_fails_before_anything(run, tmp_path, make, part):
    d = str(tmp_path)
    make(d)
    before = tree(d)
    out = run(dest=os.path.join(d, "config"))
    assert out["rc"] == 1 and part % {"d": d} in out["msg"] and "nothing was written" in out["msg"], out
    assert out["requests"] == [] and tree(d) == before and out["changed"] is False


@pytest.mark.parametrize("dest,part", [
    ("new/dir/", "ends with /: give the path of the kubeconfig file, not of a directory"),
    ("new/dir/.", "ends with /"),
    ("afile/config", "dest %(d)s/afile/config cannot be created: %(d)s/afile is not a directory"),
    ("afile/deeper/config", "%(d)s/afile is not a directory"),
])
def test_dest_paths_that_name_no_file_fail_before_anything(run, tmp_path, dest, part):
    d = str(tmp_path)
    with open(os.path.join(d, "afile"), "w") as f:
        f.write("x")
    before = tree(d)
    out = run(dest=os.path.join(d, dest))
    assert out["rc"] == 1 and part % {"d": d} in out["msg"], out
    assert out["requests"] == [] and tree(d) == before       # no directory made on the way


def test_a_symbolic_link_to_a_file_is_followed_and_stays_a_link(run, tmp_path):
    target = tmp_path / "dotfiles" / "kube.conf"
    target.parent.mkdir()
    target.write_text("old")
    os.chmod(str(target), 0o644)
    link = tmp_path / "config"
    os.symlink(str(target), str(link))
    out = run(dest=str(link), diff=True)
    assert out["rc"] == 0 and out["changed"] is True and out["dest"] == str(link)
    assert os.path.islink(str(link)) and os.readlink(str(link)) == str(target)
    assert target.read_text().startswith("apiVersion: v1") and mode_of(target) == 0o600
    assert out["diff"]["before"]["mode"] == "0644" and out["diff"]["after"]["mode"] == "0600"
    assert sorted(os.listdir(str(target.parent))) == ["kube.conf"]
    again = run(dest=str(link))
    assert again["changed"] is False and os.path.islink(str(link))
    # a relative link, and a link to a link
    os.unlink(str(link))
    os.symlink("dotfiles/kube.conf", str(link))
    os.symlink("config", str(tmp_path / "second"))
    target.write_text("older")
    out = run(dest=str(tmp_path / "second"))
    assert out["changed"] is True and os.path.islink(str(link)) and os.path.islink(str(tmp_path / "second"))
    assert target.read_text().startswith("apiVersion: v1")


def test_every_missing_directory_gets_mode_0700(run, tmp_path):
    old = os.umask(0o022)
    try:
        dest = tmp_path / "a" / "b" / "c" / "config"
        out = run(dest=str(dest))
    finally:
        os.umask(old)
    assert out["rc"] == 0 and dest.exists()
    assert [mode_of(tmp_path / p) for p in ("a", "a/b", "a/b/c")] == [0o700, 0o700, 0o700]


def test_an_existing_directory_keeps_its_mode(run, tmp_path):
    os.chmod(str(tmp_path), 0o755)
    (tmp_path / "kube").mkdir()
    os.chmod(str(tmp_path / "kube"), 0o751)
    assert run(dest=str(tmp_path / "kube" / "new" / "config"))["rc"] == 0
    assert mode_of(tmp_path / "kube") == 0o751 and mode_of(tmp_path / "kube" / "new") == 0o700


def test_check_mode_makes_no_directory(run, tmp_path):
    out = run(dest=str(tmp_path / "a" / "b" / "config"), check=True)
    assert out["changed"] is True and os.listdir(str(tmp_path)) == []


def test_a_failed_write_fails_clearly_and_leaves_nothing(run, tmp_path, monkeypatch):
    import tempfile

    def refused(*args, **kwargs):
        raise OSError(13, "Permission denied", str(tmp_path))
    monkeypatch.setattr(tempfile, "mkstemp", refused)
    out = run(dest=str(tmp_path / "config"))
    assert out["rc"] == 1 and out["msg"] == "cannot write dest %s/config: Permission denied: %s" % (tmp_path, tmp_path)
    assert "Traceback" not in json.dumps(out)


# ------------------------------------------------------------------ backup

def test_backup_keeps_the_old_file_with_its_mode(run, tmp_path):
    dest = tmp_path / "config"
    out = run(dest=str(dest), backup=True)
    assert out["changed"] is True and "backup_file" not in out          # nothing to keep yet
    dest.write_text("apiVersion: v1\nkind: Config\n")
    os.chmod(str(dest), 0o640)
    out = run(dest=str(dest), backup=True)
    assert out["changed"] is True and out["backup_file"].startswith(str(dest) + ".")
    assert out["backup_file"].endswith("~")
    with open(out["backup_file"]) as f:
        assert f.read() == "apiVersion: v1\nkind: Config\n"
    assert mode_of(out["backup_file"]) == 0o640 and mode_of(dest) == 0o600
    again = run(dest=str(dest), backup=True)
    assert again["changed"] is False and "backup_file" not in again
    assert len(os.listdir(str(tmp_path))) == 2


def test_backup_is_never_readable_by_others_while_it_is_copied(run, tmp_path, monkeypatch):
    import shutil
    dest = tmp_path / "config"
    dest.write_text("old credentials")
    os.chmod(str(dest), 0o600)
    seen = []
    real = shutil.copyfileobj

    def spy(src, dst, *a, **kw):
        seen.append(stat.S_IMODE(os.fstat(dst.fileno()).st_mode))
        return real(src, dst, *a, **kw)
    monkeypatch.setattr(shutil, "copyfileobj", spy)

    def no_sendfile(*args):
        raise shutil._GiveupOnFastCopy()   # so that the copy goes through copyfileobj, which the spy sees
    monkeypatch.setattr(shutil, "_fastcopy_sendfile", no_sendfile, raising=False)
    old = os.umask(0o022)
    try:
        out = run(dest=str(dest), backup=True)
    finally:
        os.umask(old)
    assert out["rc"] == 0 and seen and all(m & 0o077 == 0 for m in seen), seen


def test_backup_in_check_mode_makes_nothing(run, tmp_path):
    dest = tmp_path / "config"
    dest.write_text("old")
    out = run(dest=str(dest), backup=True, check=True)
    assert out["changed"] is True and "backup_file" not in out and os.listdir(str(tmp_path)) == ["config"]


# ------------------------------------------------------------------ ansible-core 2.16

def test_the_write_works_with_the_atomic_move_of_ansible_core_2_16(run, tmp_path, monkeypatch):
    """2.16's atomic_move has no keep_dest_attrs and copies the old file's mode onto the new content:
    the new content must still never be readable by others (an old 0644 file, a wanted 0600)."""
    real = AnsibleModule.atomic_move
    seen = []

    def atomic_move_2_16(self, src, dest, unsafe_writes=False):
        seen.append((stat.S_IMODE(os.stat(src).st_mode), stat.S_IMODE(os.stat(dest).st_mode)))
        return real(self, src, dest, unsafe_writes=unsafe_writes)   # keep_dest_attrs=True: 2.16's behaviour
    monkeypatch.setattr(AnsibleModule, "atomic_move", atomic_move_2_16)
    dest = tmp_path / "config"
    dest.write_text("old")
    os.chmod(str(dest), 0o644)
    out = run(dest=str(dest))
    assert out["rc"] == 0 and out["changed"] is True, out
    assert dest.read_text().startswith("apiVersion: v1") and mode_of(dest) == 0o600
    new = run(dest=str(tmp_path / "new" / "config"), mode="0640")
    assert new["rc"] == 0 and mode_of(tmp_path / "new" / "config") == 0o640
    # the old 0644 was never put on the new content: the file had the wanted mode before the move,
    # the temporary file 0600
    assert seen == [(0o600, 0o600), (0o600, 0o640)]


def test_the_module_uses_no_ansible_core_2_17_file_api():
    with open(kce_kubeconfig.__file__) as f:
        source = f.read()
    assert "keep_dest_attrs=" not in source


# ------------------------------------------------------------------ check mode before the cluster exists

@pytest.mark.parametrize("args", [dict(cluster_name="not-yet"), dict(cluster_id="0f0f0f0f-0000-4000-8000-000000000000"),
                                  dict(cluster_name="not-yet", merge=True)])
def test_check_mode_without_the_cluster_is_a_change_not_a_failure(run, tmp_path, args):
    out = run(dest=str(tmp_path / "kube" / "config"), check=True, diff=True, **args)
    assert out["rc"] == 0 and out["changed"] is True, out
    assert "does not exist yet" in out["msg"] and "a real run needs the cluster" in out["msg"]
    assert out["requests"] in (["DescribeCluster"], ["DescribeCluster", "DescribeCluster"])
    assert os.listdir(str(tmp_path)) == []
    real = run(dest=str(tmp_path / "kube" / "config"), **args)
    assert real["rc"] == 1 and "does not exist" in real["msg"]


# ------------------------------------------------------------------ merge

def merge(run, dest, **args):
    return run(dest=str(dest), merge=True, **args)


def test_merge_adds_the_cluster_and_touches_nothing_else(run, tmp_path):
    dest = tmp_path / "config"
    dest.write_text(OTHER)
    os.chmod(str(dest), 0o600)
    out = merge(run, dest, diff=True)
    assert out["rc"] == 0 and out["changed"] is True and out["context_name"] == ENTRY, out
    data = yaml.safe_load(dest.read_text())
    other = yaml.safe_load(OTHER)
    downloaded = yaml.safe_load(kubeconfig_of(run))
    # the other entries, preferences and current-context are as they were
    assert data["current-context"] == "home" and data["preferences"] == {"colors": True}
    for key in ("clusters", "users", "contexts"):
        assert data[key][0] == other[key][0] and len(data[key]) == 2
    assert data["clusters"][1] == {"name": ENTRY, "cluster": downloaded["clusters"][0]["cluster"]}
    assert data["users"][1] == {"name": ENTRY, "user": downloaded["users"][0]["user"]}
    assert data["contexts"][1] == {"name": ENTRY, "context": {"cluster": ENTRY, "user": ENTRY}}
    assert out["checksum"] == kce_kubeconfig.sha1(dest.read_bytes())
    # idempotent: no change, and the file is not rewritten
    written = dest.read_bytes()
    mtime = os.stat(str(dest)).st_mtime_ns
    again = merge(run, dest, diff=True)
    assert again["changed"] is False and again["requests"] == ["DescribeCluster", "DownloadClusterConfig"]
    assert dest.read_bytes() == written and os.stat(str(dest)).st_mtime_ns == mtime
    assert again["diff"]["before"] == again["diff"]["after"]


def test_merge_unchanged_keeps_the_file_as_it_is(run, tmp_path):
    dest = tmp_path / "config"
    merge(run, dest)
    text = "# edited by hand\n" + dest.read_text()
    dest.write_text(text)
    assert merge(run, dest)["changed"] is False and dest.read_text() == text


def test_merge_into_a_new_file_sets_the_current_context(run, tmp_path):
    dest = tmp_path / "kube" / "config"
    out = merge(run, dest, check=True)
    assert out["changed"] is True and not dest.parent.exists()
    out = merge(run, dest)
    data = yaml.safe_load(dest.read_text())
    assert data["apiVersion"] == "v1" and data["kind"] == "Config" and data["current-context"] == ENTRY
    assert mode_of(dest) == 0o600 and mode_of(dest.parent) == 0o700
    assert merge(run, dest)["changed"] is False


@pytest.mark.parametrize("text", ["", "\n", "# nothing yet\n", "{}\n", "apiVersion: v1\nkind: Config\nclusters: null\n"])
def test_merge_into_an_empty_kubeconfig(run, tmp_path, text):
    dest = tmp_path / "config"
    dest.write_text(text)
    out = merge(run, dest)
    assert out["rc"] == 0 and out["changed"] is True
    assert yaml.safe_load(dest.read_text())["current-context"] == ENTRY


def test_merge_updates_the_cluster_entries_and_keeps_the_namespace(run, tmp_path):
    dest = tmp_path / "config"
    merge(run, dest)
    data = yaml.safe_load(dest.read_text())
    fresh = dict(data["clusters"][0]["cluster"])
    data["clusters"][0]["cluster"]["server"] = "https://10.9.9.9:6443"      # moved, say
    data["users"][0]["user"] = {"token": "stale-token-0123456789"}
    data["contexts"][0]["context"]["namespace"] = "shop"
    data["contexts"].append({"name": "other", "context": {"cluster": ENTRY, "user": ENTRY}})
    data["current-context"] = "other"
    dest.write_text(yaml.safe_dump(data))
    out = merge(run, dest, diff=True)
    assert out["changed"] is True
    new = yaml.safe_load(dest.read_text())
    assert new["clusters"][0]["cluster"] == fresh and "token" not in new["users"][0]["user"]
    assert new["contexts"][0]["context"] == {"cluster": ENTRY, "user": ENTRY, "namespace": "shop"}
    assert new["contexts"][1]["name"] == "other" and new["current-context"] == "other"
    before, after = out["diff"]["before"], out["diff"]["after"]
    assert before["clusters"][0]["cluster"]["server"] == "https://10.9.9.9:6443"
    assert after["clusters"][0]["cluster"]["server"] == fresh["server"]
    assert before["users"] == [{"name": ENTRY, "user": {"token": "********"}}]
    assert after["users"][0]["user"] == {"client-certificate-data": "********", "client-key-data": "********"}


def test_merge_drops_a_second_entry_of_the_same_name(run, tmp_path):
    dest = tmp_path / "config"
    merge(run, dest)
    data = yaml.safe_load(dest.read_text())
    data["users"].append({"name": ENTRY, "user": {"token": "duplicate-token-0123"}})
    dest.write_text(yaml.safe_dump(data))
    assert merge(run, dest)["changed"] is True
    assert [u["name"] for u in yaml.safe_load(dest.read_text())["users"]] == [ENTRY]


def test_merge_context_name_and_current_context(run, tmp_path):
    dest = tmp_path / "config"
    dest.write_text(OTHER)
    out = merge(run, dest, context_name="production")
    data = yaml.safe_load(dest.read_text())
    assert out["context_name"] == "production" and data["current-context"] == "home"
    assert data["contexts"][1] == {"name": "production", "context": {"cluster": ENTRY, "user": ENTRY}}
    assert [c["name"] for c in data["clusters"]] == ["home-lab", ENTRY]
    check = merge(run, dest, context_name="production", set_current_context=True, check=True, diff=True)
    assert check["changed"] is True and yaml.safe_load(dest.read_text())["current-context"] == "home"
    assert check["diff"]["before"]["current-context"] == "home"
    assert check["diff"]["after"]["current-context"] == "production"
    out = merge(run, dest, context_name="production", set_current_context=True)
    assert out["changed"] is True and yaml.safe_load(dest.read_text())["current-context"] == "production"
    assert merge(run, dest, context_name="production", set_current_context=True)["changed"] is False
    # without set_current_context an existing current-context stays
    assert merge(run, dest, context_name="production")["changed"] is False


def test_merge_public_and_vpc_kubeconfigs_side_by_side(run, tmp_path):
    dest = tmp_path / "config"
    merge(run, dest)
    out = merge(run, dest, public=False)
    vpc = ENTRY + "_vpc"
    assert out["changed"] is True and out["context_name"] == vpc
    data = yaml.safe_load(dest.read_text())
    assert [c["name"] for c in data["clusters"]] == [ENTRY, vpc]
    servers = [c["cluster"]["server"] for c in data["clusters"]]
    assert servers[0] != servers[1] and data["current-context"] == ENTRY


def test_merge_two_clusters_whose_kubeconfigs_use_the_same_names(run, tmp_path):
    # the downloaded kubeconfigs all call their user kubernetes-admin: merged, each keeps its own
    dest = tmp_path / "config"
    merge(run, dest, cluster_id=MAIN)
    merge(run, dest, cluster_id=CANAL, public=False)
    data = yaml.safe_load(dest.read_text())
    users = dict((u["name"], u["user"]) for u in data["users"])
    assert len(users) == 2
    assert users[ENTRY] == yaml.safe_load(kubeconfig_of(run))["users"][0]["user"]
    assert users["kce_%s_%s_vpc" % (REGION, CANAL)] == yaml.safe_load(kubeconfig_of(run, CANAL, False))["users"][0]["user"]


def test_merge_diff_and_result_never_show_credentials(run, tmp_path):
    dest = tmp_path / "config"
    dest.write_text(OTHER)
    outs = [merge(run, dest, diff=True, check=True), merge(run, dest, diff=True), merge(run, dest, diff=True)]
    secrets = secrets_of(kubeconfig_of(run)) + ["SE9NRS1MQUItQ0EtREFUQQ==", "home-lab-token-0123456789"]
    text = json.dumps(outs)
    assert [s for s in secrets if s in text] == []
    after = outs[1]["diff"]["after"]
    assert after["clusters"][0]["cluster"]["certificate-authority-data"] == "********"
    assert after["clusters"][0]["cluster"]["server"].startswith("https://")
    assert set(after["users"][0]["user"].values()) == {"********"}
    assert outs[1]["diff"]["before"]["users"] == []           # the other entries are not shown
    assert "home-lab" not in text


def test_merge_returns_the_downloaded_content_on_request(run, tmp_path):
    out = merge(run, tmp_path / "config", return_content=True, diff=True)
    assert out["rc"] == 0 and out["content"] == kubeconfig_of(run)
    assert [s for s in secrets_of(out["content"]) if s in json.dumps(out["diff"])] == []


@pytest.mark.parametrize("text,part", [
    ("just some text\n", "it is YAML but a scalar, not a mapping"),
    ("- a\n- b\n", "it is YAML but a list, not a mapping"),
    ("key: [unclosed\n", "it is not YAML (a syntax error at line 2, column 1)"),
    ("db_password: s3cret-value\nhosts: all\n", "it has keys a kubeconfig does not have (db_password, hosts)"),
    ("apiVersion: v1\nkind: Pod\n", "its kind is Pod, not Config"),
    ("kind: Config\nclusters: {a: b}\n", "its clusters is not a list"),
    ("kind: Config\nusers:\n- user: {token: t0ken-value-123}\n", "an entry of its users has no name"),
    ("kind: Config\ncontexts:\n- name: x\n  context: [1]\n", "the context of an entry of its contexts is not a mapping"),
    ("kind: Config\ncurrent-context: [a]\n", "its current-context is not a name"),
])
def test_merge_refuses_a_file_that_is_not_a_kubeconfig(run, tmp_path, text, part):
    dest = tmp_path / "config"
    dest.write_text(text)
    out = merge(run, dest)
    assert out["rc"] == 1 and out["requests"] == [], out
    assert out["msg"] == ("dest %s is not a kubeconfig: %s. Nothing was written; choose another dest, fix the file, "
                          "or use merge=false to replace it" % (dest, part))
    assert dest.read_text() == text and os.listdir(str(tmp_path)) == ["config"]
    assert "s3cret-value" not in json.dumps(out) and "t0ken-value-123" not in json.dumps(out)


def test_merge_refuses_a_binary_file(run, tmp_path):
    dest = tmp_path / "config"
    dest.write_bytes(b"\xff\xfe\x00binary")
    out = merge(run, dest)
    assert out["rc"] == 1 and "is not a kubeconfig: it is not UTF-8 text" in out["msg"] and out["requests"] == []


def test_merge_waits_for_kubectls_lock(run, tmp_path):
    dest = tmp_path / "config"
    lock = tmp_path / "config.lock"
    lock.write_text("")
    timer = threading.Timer(0.6, os.unlink, [str(lock)])
    timer.start()
    start = time.monotonic()
    try:
        out = merge(run, dest)
    finally:
        timer.join()
    assert out["rc"] == 0 and time.monotonic() - start >= 0.5 and dest.exists() and not lock.exists()


def test_merge_fails_on_a_lock_that_stays(run, tmp_path, monkeypatch):
    monkeypatch.setattr(kce_kubeconfig, "LOCK_WAIT", 0.5)
    dest = tmp_path / "config"
    dest.write_text(OTHER)
    (tmp_path / "config.lock").write_text("")
    out = merge(run, dest)
    assert out["rc"] == 1 and "dest %s is locked: %s.lock has existed for" % (dest, dest) in out["msg"]
    assert "remove the lock file" in out["msg"] and dest.read_text() == OTHER
    assert (tmp_path / "config.lock").exists()                   # not ours to remove


def test_merge_leaves_no_lock_behind_after_a_failure(run, tmp_path, monkeypatch):
    dest = tmp_path / "config"

    def full_disk(self, path, data):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(KceKubeconfig, "replace", full_disk)
    out = merge(run, dest)
    assert out["rc"] == 1 and "cannot write dest %s: No space left on device" % dest in out["msg"]
    assert not (tmp_path / "config.lock").exists()


def test_merge_needs_dest_and_merge_options_need_merge(run):
    for args, part in [(dict(merge=True, return_content=True), "merge=true needs dest"),
                       (dict(dest="/tmp/x", context_name="a"), "context_name is used only with merge=true"),
                       (dict(dest="/tmp/x", set_current_context=True), "set_current_context is used only with merge=true"),
                       (dict(dest="/tmp/x", merge=True, context_name=" "), "context_name must not be empty")]:
        out = run(**args)
        assert out["rc"] == 1 and part in out["msg"] and out["requests"] == [], (args, out)


def test_merges_at_the_same_time_lose_no_entry(emulator_server, tmp_path):
    """Six processes merge six kubeconfigs into one file at once (a play over six clusters, forks=6)."""
    dest = str(tmp_path / "config")
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, ".collections"))
    procs = []
    for n, cid in enumerate(RUNNING + [MAIN]):
        args = dict(cluster_id=cid, public=(n == 5), dest=dest, merge=True, endpoint_url=emulator_server.url,
                    access_key=emulator_server.access_key, secret_key=emulator_server.secret_key, region=REGION)
        path = str(tmp_path / ("args%d.json" % n))
        with open(path, "w") as f:
            json.dump({"ANSIBLE_MODULE_ARGS": args}, f)
        procs.append(subprocess.Popen([sys.executable, "-m", "ansible_collections.ksyun.cloud.plugins.modules.kce_kubeconfig",
                                       path], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    outs = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    assert [o.get("failed", False) for o in outs] == [False] * 6, outs
    data = yaml.safe_load(open(dest).read())
    want = sorted(["kce_%s_%s_vpc" % (REGION, c) for c in RUNNING] + [ENTRY])
    assert sorted(c["name"] for c in data["contexts"]) == want
    assert sorted(u["name"] for u in data["users"]) == want
    assert not os.path.exists(dest + ".lock")


def test_merge_through_a_symbolic_link(run, tmp_path):
    (tmp_path / "dotfiles").mkdir()
    target = tmp_path / "dotfiles" / "kube.conf"
    target.write_text(OTHER)
    link = tmp_path / "config"
    os.symlink(str(target), str(link))
    out = merge(run, link, backup=True)
    assert out["rc"] == 0 and out["changed"] is True and os.path.islink(str(link))
    assert [c["name"] for c in yaml.safe_load(target.read_text())["contexts"]] == ["home", ENTRY]
    assert out["backup_file"].startswith(str(target) + ".")
    assert sorted(os.listdir(str(tmp_path / "dotfiles"))) == sorted(["kube.conf", os.path.basename(out["backup_file"])])
