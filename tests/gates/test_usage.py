"""The README's ways to use the collection outside `make`, run as printed from a copy of the repository
(the files a clone has): the built tarball installed with `ansible-galaxy`, the checkout on
ANSIBLE_COLLECTIONS_PATH, a requirements.yml with a git source (the README's and docs/awx.md's), the
tarball as a `type: file` requirement of an AWX project (docs/awx.md), and
`scripts/with-emulator ansible-playbook my-playbook.yml` with neither the venv on PATH nor a
collections path set.
"""
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from gatelib import REPO, TARBALL, clean_env, explain, run, tool, tracked_files

README = os.path.join(REPO, "README.md")
AWX = os.path.join(REPO, "docs", "awx.md")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def section(path, title):
    """The text of the section of a Markdown file whose heading starts with `title`."""
    text = open(path).read()
    start = re.search(r"^#+ %s.*$" % re.escape(title), text, re.M)
    assert start, "no section %r in %s" % (title, path)
    level = len(start.group(0)) - len(start.group(0).lstrip("#"))
    end = re.compile(r"^#{1,%d} " % level, re.M).search(text, start.end())
    return text[start.end():end.start() if end else len(text)]


def blocks(text, lang):
    return re.findall(r"```%s\n(.*?)```" % lang, text, re.S)


def copy_tree(dest):
    """The tracked files of the repository (what a clone has) in `dest`."""
    os.makedirs(dest)
    tar = subprocess.Popen(["tar", "-cf", "-", "--"] + tracked_files(), cwd=REPO, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-xf", "-"], cwd=dest, stdin=tar.stdout, check=True)
    assert tar.wait() == 0
    return dest


def user_env(home, **extra):
    """Ansible installed (the venv on PATH), no collections path set: Ansible's defaults apply."""
    env = clean_env(home, **extra)
    env.pop("ANSIBLE_COLLECTIONS_PATH")
    return env


def documented(out, where):
    """ansible-doc printed the module's documentation, from a file under `where`."""
    out = ANSI.sub("", out)
    head = re.search(r"^> MODULE ksyun\.cloud\.kce_cluster \((.*)\)$", out, re.M)
    assert head, out[-5000:]
    assert os.path.realpath(head.group(1)).startswith(os.path.realpath(where)), head.group(0)
    assert "vpc_id" in out


README_WAYS = blocks(section(README, "Using the collection in your own playbooks"), "sh")


def test_the_readme_prints_two_ways():
    assert len(README_WAYS) == 2
    assert "ansible-galaxy collection install" in README_WAYS[0]
    assert "ANSIBLE_COLLECTIONS_PATH" in README_WAYS[1]


@pytest.mark.parametrize("way", range(len(README_WAYS)), ids=["tarball", "checkout"][:len(README_WAYS)])
def test_readme_way_works_from_a_clone(way, tmp_path):
    clone = copy_tree(str(tmp_path / "ksyun.cloud"))
    home = str(tmp_path / "home")
    proc = run(["bash", "-euo", "pipefail", "-c", README_WAYS[way]], user_env(home), cwd=clone)
    assert proc.returncode == 0, explain(proc)
    # installed under ~/.ansible/collections, or read from the clone itself
    documented(proc.stdout, os.path.join(home, ".ansible", "collections") if way == 0 else clone)


def git_requirements():
    """The requirements.yml files with a git source that the README and docs/awx.md print."""
    found = []
    for path in (README, AWX):
        for block in blocks(open(path).read(), "yaml"):
            data = yaml.safe_load(block)
            if isinstance(data, dict) and any(r.get("type") == "git" for r in data.get("collections", [])):
                found.append((os.path.basename(path), data))
    return found


def git_repository(tmp_path):
    """A git repository of the tracked files on branch main (where "your copy of this repository lives")."""
    repo = copy_tree(str(tmp_path / "git" / "ksyun.cloud"))
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid", HOME=str(tmp_path))
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "copy"]):
        subprocess.run(cmd, cwd=repo, env=env, check=True)
    return repo


def install_and_read(requirements, cwd, home, target):
    """`ansible-galaxy collection install -r requirements -p target` run in `cwd` (as AWX's project update
    does), then ansible-doc reads the module from `target` alone."""
    proc = run([tool("ansible-galaxy"), "collection", "install", "-r", requirements, "-p", target],
               user_env(home), cwd=cwd)
    assert proc.returncode == 0, explain(proc)
    proc = run([tool("ansible-doc"), "ksyun.cloud.kce_cluster"], clean_env(home, collections_path=target), cwd=cwd)
    assert proc.returncode == 0, explain(proc)
    documented(proc.stdout, target)


def test_requirements_with_a_git_source(tmp_path):
    printed = git_requirements()
    assert sorted(entry[0] for entry in printed) == ["README.md", "awx.md"]
    repo = git_repository(tmp_path)
    for name, data in printed:
        for req in data["collections"]:
            if req.get("type") == "git":
                req["name"] = "git+file://" + repo       # the only change: the URL of the copy
        work = tmp_path / name
        work.mkdir()
        (work / "requirements.yml").write_text(yaml.safe_dump(data))
        install_and_read("requirements.yml", str(work), str(work / "home"), str(work / "collections"))


def test_awx_project_with_the_tarball(tarball, tmp_path):
    """docs/awx.md: the built tarball committed in the project, named in collections/requirements.yml as a
    `type: file` requirement; AWX's project update installs it from the project's root."""
    (data,) = [yaml.safe_load(b) for b in blocks(open(AWX).read(), "yaml")
               if "type: file" in b]
    project = tmp_path / "ksyun-ops"
    (project / "collections").mkdir(parents=True)
    (project / "collections" / "requirements.yml").write_text(yaml.safe_dump(data))
    (req,) = data["collections"]
    shutil.copy(tarball, str(project / req["name"]))
    assert os.path.basename(req["name"]) == TARBALL
    install_and_read("collections/requirements.yml", str(project), str(tmp_path / "home"),
                     str(tmp_path / "requirements_collections"))


MY_PLAYBOOK = """
- name: My playbook
  hosts: localhost
  gather_facts: false
  tasks:
    - name: A registry namespace
      ksyun.cloud.kcr_namespace:
        name: my-first-namespace
    - name: The clusters of the region
      ksyun.cloud.kce_cluster_info:
      register: clusters
    - name: How many
      ansible.builtin.debug:
        msg: "{{ clusters.clusters | length }} clusters"
"""


def test_with_emulator_as_the_readme_prints_it(tmp_path):
    """From a clone after `make venv` (its .venv: the one running this test), without the venv on PATH,
    without ANSIBLE_COLLECTIONS_PATH and without .collections: the README's line as printed."""
    (line,) = [ln.split("#")[0].strip() for b in blocks(section(README, "The emulator"), "sh")
               for ln in b.splitlines() if ln.startswith("scripts/with-emulator")]
    assert line == "scripts/with-emulator ansible-playbook my-playbook.yml"
    clone = copy_tree(str(tmp_path / "ksyun.cloud"))
    env = user_env(str(tmp_path / "home"), PATH="/usr/bin:/bin")
    # before `make venv`: a message saying what to do, before any emulator is started
    proc = run(["bash", "-c", line], env, cwd=clone)
    assert proc.returncode == 127 and "ansible-playbook not found; run 'make venv'" in proc.stderr, explain(proc)
    os.symlink(sys.prefix, os.path.join(clone, ".venv"))
    assert not os.path.exists(os.path.join(clone, ".collections"))
    with open(os.path.join(clone, "my-playbook.yml"), "w") as f:
        f.write(MY_PLAYBOOK)
    proc = run(["bash", "-c", line], env, cwd=clone)
    assert proc.returncode == 0, explain(proc)
    assert re.search(r"changed: \[localhost\]", proc.stdout), explain(proc)
    assert re.search(r'"msg": "\d+ clusters"', proc.stdout), explain(proc)
    # the collection that ran is the clone's (HOME is empty: no other copy to be found), linked by the script
    assert os.path.realpath(os.path.join(clone, ".collections", "ansible_collections", "ksyun", "cloud")) == os.path.realpath(clone)
    # from a directory of one's own, the script called by its path
    mine = tmp_path / "my-project"
    mine.mkdir()
    (mine / "my-playbook.yml").write_text(MY_PLAYBOOK)
    proc = run([os.path.join(clone, "scripts", "with-emulator"), "ansible-playbook", "my-playbook.yml"], env, cwd=str(mine))
    assert proc.returncode == 0 and re.search(r'"msg": "\d+ clusters"', proc.stdout), explain(proc)
