"""Execution environment: the collection declares its dependencies, and an EE built from the shipped
definition (extras/ee/execution-environment.yml) installs the collection tarball and those
dependencies.

No container engine here: `ansible-builder create` writes the build context, and the two steps of
the image build that concern the collection are then run locally, exactly as its Containerfile runs
them (the galaxy stage's `ansible-galaxy collection install -r requirements.yml` in /build, and the
builder stage's `introspect`, which collects every installed collection's requirements).
"""
import filecmp
import glob
import os
import re
import shutil

import yaml
from bindep.depends import Depends

from gatelib import GALAXY, REPO, TARBALL, clean_env, explain, run, tool

EE_DIR = os.path.join(REPO, "extras", "ee")


def lines(path):
    return [line.strip() for line in open(path) if line.strip() and not line.lstrip().startswith("#")]


def test_collection_declares_its_requirements():
    meta = yaml.safe_load(open(os.path.join(REPO, "meta", "execution-environment.yml")))
    assert meta["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}
    python = lines(os.path.join(REPO, "requirements.txt"))
    assert [re.split(r"[<>=!~ ;\[]", line)[0] for line in python] == ["requests"]
    # bindep.txt parses as bindep reads it, and asks for python3 on rpm and dpkg systems
    rules = Depends(open(os.path.join(REPO, "bindep.txt")).read())
    for platform in ("platform:rpm", "platform:dpkg"):
        assert [r[0] for r in rules.active_rules([platform])] == ["python3"]


def test_shipped_definition_installs_any_version_of_the_tarball_on_the_tested_cores():
    ee = yaml.safe_load(open(os.path.join(EE_DIR, "execution-environment.yml")))
    assert ee["version"] == 3
    text = open(os.path.join(EE_DIR, "execution-environment.yml")).read()
    assert GALAXY["version"] not in text, "the EE definition must not name the tarball's version"
    assert ee["additional_build_files"] == [{"src": "ksyun-cloud-*.tar.gz", "dest": "collections"}]
    assert ee["dependencies"]["galaxy"] == {"collections": []}
    assert ee["additional_build_steps"]["append_galaxy"] == [INSTALL_STEP]
    # the ansible-core range is the one the version matrix tests (scripts/matrix, meta/runtime.yml)
    assert ee["dependencies"]["ansible_core"]["package_pip"] == "ansible-core>=2.16,<2.23"


#: the galaxy stage's step that installs the tarball copied to /build/collections
INSTALL_STEP = ("RUN ansible-galaxy collection install --offline /build/collections/ksyun-cloud-*.tar.gz "
                "--collections-path /usr/share/ansible/collections")


def test_build_context_installs_the_collection_and_its_requirements(tarball, tmp_path):
    ee = tmp_path / "ee"
    shutil.copytree(EE_DIR, str(ee))
    shutil.copy(tarball, str(ee / TARBALL))
    env = clean_env(str(tmp_path / "home"))
    ctx = tmp_path / "context"
    proc = run([tool("ansible-builder"), "create", "-f", str(ee / "execution-environment.yml"), "-c", str(ctx),
                "--output-filename", "Containerfile"], env, cwd=str(tmp_path))
    assert proc.returncode == 0, explain(proc)

    build = ctx / "_build"
    assert filecmp.cmp(tarball, str(build / "collections" / TARBALL), shallow=False)
    containerfile = (ctx / "Containerfile").read_text()
    assert "COPY _build /build\nWORKDIR /build\n" in containerfile
    assert re.search(r"^RUN .*ansible-galaxy collection install .*-r requirements.yml", containerfile, re.M)
    assert re.search(r"^RUN .*introspect.py introspect .*--write-bindep=\S+ --write-pip=\S+", containerfile, re.M)

    assert INSTALL_STEP in containerfile.splitlines()
    # the galaxy stage, in /build (here: the context's _build): its requirements (none), then the step
    collections = tmp_path / "usr-share-ansible-collections"
    proc = run([tool("ansible-galaxy"), "collection", "install", "--offline", "-r", "requirements.yml",
                "--collections-path", str(collections)], env, cwd=str(build))
    assert proc.returncode == 0, explain(proc)
    proc = run([tool("ansible-galaxy"), "collection", "install", "--offline"] + glob.glob(str(build / "collections" / "ksyun-cloud-*.tar.gz"))
               + ["--collections-path", str(collections)], env, cwd=str(build))
    assert proc.returncode == 0, explain(proc)
    assert (collections / "ansible_collections" / "ksyun" / "cloud" / "MANIFEST.json").is_file()
    # the builder stage's introspection over what the galaxy stage installed
    pip, bindep = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    proc = run([tool("ansible-builder"), "introspect", str(collections),
                "--write-pip", str(pip), "--write-bindep", str(bindep)], env, cwd=str(tmp_path))
    assert proc.returncode == 0, explain(proc)
    source = "  # from collection %s.%s" % (GALAXY["namespace"], GALAXY["name"])
    assert lines(str(pip)) == [line + source for line in lines(os.path.join(REPO, "requirements.txt"))]
    assert lines(str(bindep)) == [line + source for line in lines(os.path.join(REPO, "bindep.txt"))]
    assert any(line.startswith("requests") for line in lines(str(pip)))
    assert any(line.startswith("python3 ") for line in lines(str(bindep)))
