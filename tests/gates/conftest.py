"""Fixtures of the quality gates: the collection tarball, its installed copy, a fresh emulator."""
import os
import secrets
import subprocess

import pytest

import gatelib
from gatelib import REPO, TARBALL, clean_env, explain, run, tool

from ksyun_emulator.process import EmulatorProcess

#: files a working tree may hold in its local directories (gatelib.LOCAL_DIRS), planted in the copy
#: the tarball is built from: none may reach the tarball
DECOYS = (
    ".venv/bin/python3",
    ".ansible/collections/ansible_collections/ksyun/cloud/galaxy.yml",
    "collections/ansible_collections/ksyun/cloud/galaxy.yml",
    "tests/output/junit/unit.xml",
    "tests/output/.tmp/sanity/x.txt",
    ".pytest_cache/v/cache/lastfailed",
    # what make demo, the proof suites and make matrix leave in a working tree
    ".demo/kubeconfig",
    ".hypothesis/examples/x",
    ".matrix/2.16/bin/python",
    "tests/unit/__pycache__/x.pyc",
    "ksyun-cloud-0.9.0.tar.gz",
    "plugins/modules/__pycache__/kcr_tag.cpython-311.pyc",
    "ksyun-cloud-0.0.1.tar.gz",
    "context/_build/scripts/introspect.py",
    "extras/ee/ksyun-cloud-0.1.0.tar.gz",
    # what `pip install ./emulator` leaves in the folder
    "emulator/build/lib/ksyun_emulator/server.py",
    "emulator/ksyun_emulator.egg-info/PKG-INFO",
)


@pytest.fixture(scope="session")
def tarball(tmp_path_factory):
    """`ansible-galaxy collection build` of a copy of the tracked files (a clean clone) in which the
    local directories of a working tree were planted (DECOYS, and the Makefile's link tree
    .collections/ansible_collections/ksyun/cloud -> the tree itself)."""
    work = tmp_path_factory.mktemp("build")
    src = work / "src"
    src.mkdir()
    files = gatelib.tracked_files()
    tar = subprocess.Popen(["tar", "-cf", "-", "--"] + files, cwd=REPO, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-xf", "-"], cwd=str(src), stdin=tar.stdout, check=True)
    assert tar.wait() == 0
    for decoy in DECOYS:
        path = src / decoy
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("decoy\n")
    link = src / ".collections" / "ansible_collections" / "ksyun"
    link.mkdir(parents=True)
    os.symlink("../../..", str(link / "cloud"))
    out = work / "out"
    proc = run([tool("ansible-galaxy"), "collection", "build", str(src), "--output-path", str(out)],
               clean_env(str(work / "home")), cwd=str(work))
    assert proc.returncode == 0, explain(proc)
    path = out / TARBALL
    assert path.is_file(), explain(proc)
    return str(path)


@pytest.fixture(scope="session")
def installed(tarball, tmp_path_factory):
    """The tarball installed into an empty collections path; returns that path."""
    work = tmp_path_factory.mktemp("installed")
    path = work / "collections"
    proc = run([tool("ansible-galaxy"), "collection", "install", "--offline", "-p", str(path), tarball],
               clean_env(str(work / "home")), cwd=str(work))
    assert proc.returncode == 0, explain(proc)
    return str(path)


class Emulator(object):
    """A fresh emulator process with an account of its own (a secret key found nowhere else, so a
    leak is a real one) and the KSYUN_* variables that point at it."""

    def __init__(self, workdir, *flags):
        self.access_key = "AKLTGATE" + secrets.token_hex(8).upper()
        self.secret_key = "gate/" + secrets.token_urlsafe(24)
        self.region = "cn-beijing-6"
        self.proc = EmulatorProcess(workdir, "--strict-params", "--account",
                                    "%s:%s" % (self.access_key, self.secret_key), *flags)
        self.url = self.proc.url

    @property
    def env(self):
        return {"KSYUN_ACCESS_KEY": self.access_key, "KSYUN_SECRET_KEY": self.secret_key,
                "KSYUN_REGION": self.region, "KSYUN_ENDPOINT_URL": self.url}


@pytest.fixture
def emulator(tmp_path):
    work = tmp_path / "emulator"
    work.mkdir()
    emu = Emulator(str(work))
    try:
        yield emu
    finally:
        emu.proc.stop()


@pytest.fixture
def home(tmp_path):
    path = tmp_path / "home"
    path.mkdir()
    return str(path)
