"""Quality gates: lint, changelog, sanity ignores, the tarball, and the installed copy at work.

`make gates` runs this folder; each test is one JUnit case of scripts/test-all's closing count.
ansible-test sanity itself is its own suite (`make sanity`, scripts/sanity).
"""
import glob
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

import gatelib
from gatelib import FQCN, LOCAL_DIRS, REPO, clean_env, explain, installed_file, run, tool

MODULES = sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(REPO, "plugins", "modules", "*.py"))
                 if not os.path.basename(p).startswith("_"))
ROLES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(REPO, "roles", "*")) if os.path.isdir(p))


def repo_env(home):
    """For tools that read the repository itself: the Makefile's link tree as the collections path."""
    return clean_env(home, collections_path=os.path.join(REPO, ".collections"))


# ---------------------------------------------------------------------------------------- linters

def test_ansible_lint_production_profile_is_clean(home):
    """ansible-lint over the whole repository (integration targets, playbooks, changelogs, meta,
    the plugins' documentation), profile and settings from .ansible-lint, which skips no rule."""
    config = open(os.path.join(REPO, ".ansible-lint")).read()
    assert re.search(r"^profile: production$", config, re.M)
    assert not re.search(r"^(skip_list|warn_list|exclude_paths):", config, re.M), \
        "the gate runs every rule of the production profile on every file"
    proc = run([tool("ansible-lint"), "--nocolor", "-f", "pep8"], repo_env(home), cwd=REPO)
    assert proc.returncode == 0, explain(proc)
    assert "WARNING" not in proc.stderr, explain(proc)


def test_changelog_fragments_lint(home):
    proc = run([tool("antsibull-changelog"), "lint"], repo_env(home), cwd=REPO)
    assert proc.returncode == 0 and proc.stdout.strip() == "", explain(proc)


def test_changelog_yaml_lint(home):
    proc = run([tool("antsibull-changelog"), "lint-changelog-yaml", "changelogs/changelog.yaml"],
               repo_env(home), cwd=REPO)
    assert proc.returncode == 0 and proc.stdout.strip() == "", explain(proc)


def test_sanity_has_no_ignore_entries():
    """ansible-test sanity (make sanity, scripts/matrix) runs without an ignore or skip file."""
    for path in glob.glob(os.path.join(REPO, "tests", "sanity", "*.txt")):
        entries = [line for line in open(path) if line.strip() and not line.startswith("#")]
        assert entries == [], "%s: %s" % (path, entries)


# ---------------------------------------------------------------------------------------- tarball

def test_build_ignore_names_the_local_directories():
    missing = [d for d in LOCAL_DIRS if not gatelib.build_ignored(d + "/x")]
    assert missing == [], "galaxy.yml build_ignore must leave out " + ", ".join(missing)


def test_tarball_holds_the_collection_and_nothing_local(tarball):
    names = set(gatelib.members(tarball))
    local = sorted(n for n in names if any(n == d or n.startswith(d + "/") for d in LOCAL_DIRS)
                   or n.endswith(".tar.gz") or "__pycache__" in n.split("/"))
    assert local == [], "packed from the working tree: %s" % local
    # galaxy.yml itself is turned into MANIFEST.json
    expected = set(p for p in gatelib.tracked_files() if not gatelib.build_ignored(p)) - {"galaxy.yml"}
    assert sorted(expected - names) == []
    for must in ("MANIFEST.json", "FILES.json", "meta/runtime.yml", "meta/execution-environment.yml",
                 "requirements.txt", "bindep.txt", "extras/awx/credential_type_ksyun.yml",
                 "extras/awx/ksyun.kce.yml", "plugins/inventory/kce.py"):
        assert must in names
    assert sorted(n for n in names if n.startswith(("bench/", ".ci/"))) == []


#: what a collection tarball may hold: its metadata, the content directories and the top-level docs
CONTENT = re.compile(r"^(MANIFEST\.json|FILES\.json|README\.md|COPYING|CHANGELOG\.rst|requirements\.txt|bindep\.txt"
                     r"|(meta|plugins|roles|playbooks|docs|extras|changelogs|tests|inventories|extensions|scripts|emulator)(/.*)?)$")


def test_tarball_lists_only_content(tarball):
    """Every member of the tarball (listed in the failure) is collection content: nothing a working
    tree gathers (.demo/kubeconfig of make demo, .hypothesis/, .matrix/, caches, older tarballs)."""
    names = gatelib.members(tarball)
    other = sorted(n for n in names if not CONTENT.match(n) or "__pycache__" in n.split("/")
                   or n.split("/")[0].startswith(".") or n.endswith((".pyc", ".tar.gz")))
    assert other == [], "not collection content:\n" + "\n".join(other) + "\n\nthe tarball:\n" + "\n".join(sorted(names))


def test_the_emulator_ships_and_runs_from_the_installed_copy(installed, tmp_path):
    """The README's decision: emulator/ is collection content (galaxy.yml's build_ignore leaves it in),
    so that an installed collection's scripts/with-emulator runs it and `pip install` of its emulator/
    folder works; the package from the installed copy (nothing else on PYTHONPATH) serves and stops."""
    assert not gatelib.build_ignored("emulator/ksyun_emulator/server.py")
    root = installed_file(installed, "emulator")
    for must in ("pyproject.toml", "README.md", "ksyun_emulator/__main__.py", "ksyun_emulator/server.py"):
        assert os.path.isfile(os.path.join(root, must)), must
    port_file = tmp_path / "port"
    env = clean_env(str(tmp_path / "home"), PYTHONPATH=root)
    proc = subprocess.Popen([sys.executable, "-m", "ksyun_emulator", "--port", "0", "--port-file", str(port_file)],
                            env=env, cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not port_file.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert port_file.exists(), proc.communicate(timeout=10)
        url = "http://127.0.0.1:%s/_emulator/health" % port_file.read_text().strip()
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert json.load(answer) == {"ok": True}
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "ksyun emulator listening on" in out, err


# ---------------------------------------------------------------------------- the installed copy

def installed_env(installed, home, **extra):
    return clean_env(home, collections_path=installed, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", **extra)


def test_only_the_installed_copy_is_found(installed, home, tmp_path):
    """With ANSIBLE_COLLECTIONS_PATH = the folder the tarball went into, ksyun.cloud exists once,
    there, and its plugins load from there (not from the repository tree)."""
    repo = os.path.realpath(REPO)
    assert not os.path.realpath(installed).startswith(repo + os.sep)
    env = installed_env(installed, home)
    proc = run([tool("ansible-galaxy"), "collection", "list", FQCN, "--format", "json"], env, cwd=str(tmp_path))
    assert proc.returncode == 0, explain(proc)
    found = dict((path, list(colls)) for path, colls in json.loads(proc.stdout).items() if colls)
    assert found == {os.path.join(installed, "ansible_collections"): [FQCN]}
    proc = run([tool("ansible-doc"), "-j", "-t", "inventory", FQCN + ".kce"], env, cwd=str(tmp_path))
    assert proc.returncode == 0, explain(proc)
    filename = json.loads(proc.stdout)[FQCN + ".kce"]["doc"]["filename"]
    assert filename == installed_file(installed, "plugins/inventory/kce.py")


PLAY = """
- name: The installed copy at work
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Create a namespace
      ksyun.cloud.kcr_namespace:
        name: gate-ns
      register: created

    - name: List the namespaces
      ksyun.cloud.kcr_namespace_info:
      register: listed

    - name: It was created and is listed
      ansible.builtin.assert:
        that:
          - created is changed
          - listed.namespaces | map(attribute='namespace') | list == ['gate-ns']
"""


def test_modules_run_from_the_installed_copy(installed, home, tmp_path, emulator):
    """kcr_namespace and kcr_namespace_info from the installed copy against a fresh emulator, the
    credentials from the KSYUN_* variables; -vvv names the module file each task ran."""
    (tmp_path / "play.yml").write_text(PLAY)
    env = installed_env(installed, home, **emulator.env)
    proc = run([tool("ansible-playbook"), "-vvv", "play.yml"], env, cwd=str(tmp_path))
    assert proc.returncode == 0, explain(proc)
    used = set(re.findall(r"Using module file (\S+)", proc.stdout))
    assert used == {installed_file(installed, "plugins/modules/kcr_namespace.py"),
                    installed_file(installed, "plugins/modules/kcr_namespace_info.py")}, explain(proc)
    assert emulator.secret_key not in proc.stdout + proc.stderr


def test_inventory_plugin_runs_from_the_installed_copy(installed, home, tmp_path, emulator):
    """The AWX inventory-source example shipped in the tarball, from the installed copy, lists the
    emulator's default-world nodes (the KCE document's example cluster among them) in its groups."""
    source = tmp_path / "ksyun.kce.yml"
    source.write_text(open(installed_file(installed, "extras/awx/ksyun.kce.yml")).read())
    env = installed_env(installed, home, **emulator.env)
    proc = run([tool("ansible-inventory"), "-i", source.name, "--graph"], env, cwd=str(tmp_path))
    assert proc.returncode == 0, explain(proc)
    assert "WARNING" not in proc.stderr, explain(proc)
    graph = proc.stdout
    for group in ("@kce_worker:", "@kce_master_etcd:", "@cn_beijing_6:"):
        assert group in graph, graph
    assert re.search(r"^[ |]+--openapi-worker-1$", graph, re.M), graph
    proc = run([tool("ansible-inventory"), "-i", source.name, "--list"], env, cwd=str(tmp_path))
    assert proc.returncode == 0, explain(proc)
    listing = json.loads(proc.stdout, object_hook=lambda d: d.get("__ansible_unsafe", d))
    hosts = listing["_meta"]["hostvars"]
    assert len(hosts) > 30 and all(v["ksyun_region"] == "cn-beijing-6" for v in hosts.values())
    assert "openapi-worker-1" in listing["kce_worker"]["hosts"]
    # the example's keyed_groups: each host in the group of its instance type
    for name, hostvars in hosts.items():
        group = "type_" + re.sub(r"[^A-Za-z0-9_]", "_", hostvars["ksyun_instance_type"])
        assert name in listing[group]["hosts"], (name, group)


# ------------------------------------------------------------------------------------ ansible-doc

@pytest.fixture(scope="module")
def module_docs(installed, tmp_path_factory):
    home = str(tmp_path_factory.mktemp("doc-home"))
    proc = run([tool("ansible-doc"), "-j", "-t", "module"] + ["%s.%s" % (FQCN, m) for m in MODULES],
               installed_env(installed, home), cwd=home)
    assert proc.returncode == 0 and "WARNING" not in proc.stderr, explain(proc)
    listed = run([tool("ansible-doc"), "-j", "-l", "-t", "module", FQCN], installed_env(installed, home), cwd=home)
    assert listed.returncode == 0, explain(listed)
    return json.loads(proc.stdout), json.loads(listed.stdout)


def test_every_module_file_is_a_listed_module(module_docs):
    assert MODULES and sorted(module_docs[1]) == ["%s.%s" % (FQCN, m) for m in MODULES]


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_module(module_docs, module):
    entry = module_docs[0].get("%s.%s" % (FQCN, module))
    assert entry, "ansible-doc -j printed nothing for %s" % module
    doc = entry["doc"]
    assert doc["module"] == module and doc["short_description"] and doc["description"]
    assert doc["options"] and doc["version_added"] == "0.1.0"
    assert "ksyun.cloud.%s" % module in entry["examples"]
    assert entry["return"]


def test_ansible_doc_inventory_plugin(installed, home):
    proc = run([tool("ansible-doc"), "-j", "-t", "inventory", FQCN + ".kce"], installed_env(installed, home), cwd=home)
    assert proc.returncode == 0 and "WARNING" not in proc.stderr, explain(proc)
    entry = json.loads(proc.stdout).get(FQCN + ".kce")
    assert entry and entry["doc"]["name"] == "kce" and entry["doc"]["options"]["plugin"]
    assert entry["examples"].strip()


@pytest.mark.parametrize("role", ROLES or [pytest.param(None, marks=pytest.mark.skip(reason="no role in roles/ yet"))])
def test_ansible_doc_role(installed, home, role):
    """Every role under roles/ is documented by its meta/argument_specs.yml."""
    proc = run([tool("ansible-doc"), "-j", "-t", "role", "%s.%s" % (FQCN, role)], installed_env(installed, home), cwd=home)
    assert proc.returncode == 0 and "WARNING" not in proc.stderr, explain(proc)
    entry = json.loads(proc.stdout).get("%s.%s" % (FQCN, role))
    assert entry, "ansible-doc -j printed nothing for role %s" % role
    assert entry["path"] == installed_file(installed, "").rstrip("/")
    main = entry["entry_points"]["main"]
    assert main["short_description"] and main["options"]
