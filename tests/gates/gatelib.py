"""What the quality gates share: the repository's paths, a clean environment for the Ansible tools,
the collection built and installed the way a user gets it, and AWX's credential injection.

Every tool runs as a child process from the venv that runs pytest, with an environment made here
(not the caller's): HOME and Ansible's own directories in a scratch folder, and no KSYUN_* variable
unless a test passes it, so nothing from the developer's shell or from the repository tree can
stand in for what the gate checks.
"""
import fnmatch
import os
import subprocess
import sys
import tarfile

import yaml
from jinja2 import sandbox

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TESTS)
BIN = os.path.dirname(sys.executable)
GALAXY = yaml.safe_load(open(os.path.join(REPO, "galaxy.yml")))
FQCN = "%s.%s" % (GALAXY["namespace"], GALAXY["name"])
TARBALL = "%s-%s-%s.tar.gz" % (GALAXY["namespace"], GALAXY["name"], GALAXY["version"])

#: directories a working tree has that must never be packed (toolchain.md: ansible-lint's .ansible/,
#: collections/, test output, the venv; plus the Makefile's link tree, pytest's cache and the build
#: context `ansible-builder build` leaves in the folder it runs in, and what `pip install ./emulator` leaves)
LOCAL_DIRS = (".venv", ".ansible", "collections", ".collections", "tests/output", ".pytest_cache", "context",
              ".demo", ".hypothesis", ".matrix", "emulator/build", "emulator/ksyun_emulator.egg-info")


def tool(name):
    return os.path.join(BIN, name)


def clean_env(home, collections_path=None, **extra):
    """An environment for an Ansible tool: the venv first on PATH, HOME and Ansible's directories
    under `home`, ANSIBLE_COLLECTIONS_PATH = `collections_path` only (an empty folder when None)."""
    os.makedirs(home, exist_ok=True)
    if collections_path is None:
        collections_path = os.path.join(home, "no-collections")
        os.makedirs(collections_path, exist_ok=True)
    env = {
        "PATH": BIN + os.pathsep + "/usr/bin:/bin",
        "HOME": home,
        "LANG": "C.UTF-8",
        "ANSIBLE_HOME": os.path.join(home, ".ansible"),
        "ANSIBLE_LOCAL_TEMP": os.path.join(home, ".ansible", "tmp"),
        "ANSIBLE_COLLECTIONS_PATH": collections_path,
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
    }
    env.update(extra)
    return env


def run(cmd, env, cwd, timeout=600):
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def explain(proc):
    return "rc=%s\n--- stdout\n%s\n--- stderr\n%s" % (proc.returncode, proc.stdout[-20000:], proc.stderr[-8000:])


def tracked_files():
    """The files of the working tree that git tracks or would track (what a clean clone has, plus new
    files not yet committed)."""
    out = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO,
                         capture_output=True, check=True).stdout.decode()
    return sorted(p for p in out.split("\0") if p and os.path.isfile(os.path.join(REPO, p)))


def build_ignored(path):
    """Whether `path` (relative) matches galaxy.yml's build_ignore the way ansible-galaxy applies it
    (fnmatch on the path and on each of its parent directories)."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatch(p, pattern) for p in prefixes for pattern in GALAXY.get("build_ignore", []))


def installed_file(installed, relpath):
    """The path of a file of the collection installed under `installed` (a collections path)."""
    return os.path.join(installed, "ansible_collections", GALAXY["namespace"], GALAXY["name"], relpath)


def members(tarball):
    with tarfile.open(tarball) as tar:
        return [m.name for m in tar.getmembers()]


def awx_inject(credential_type, inputs):
    """The environment variables AWX sets for a job from a credential of `credential_type` with these
    `inputs`, the way AWX's CredentialType.inject_credential renders its `env` injectors: each value
    a template rendered in Jinja's immutable sandbox over the fields that have a non-empty value (an
    empty or absent field is left out, so a reference to it renders as an empty string)."""
    namespace = dict((k, v) for k, v in inputs.items() if isinstance(v, bool) or len(v))
    env = sandbox.ImmutableSandboxedEnvironment()
    return dict((name, env.from_string(tmpl).render(**namespace))
                for name, tmpl in credential_type["injectors"].get("env", {}).items())
