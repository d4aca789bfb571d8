"""KCR state — the container registry part of the kce endpoint (API version 2018-03-14), 17 actions.

Everything KCR keeps is per account (`req.account_store`: the registry has no region).
Store kinds (all private to this package):

| kind | id | parent | what |
|---|---|---|---|
| `kcr_namespace` | namespace name | | NamespaceSet fields (RepoCount is derived when read) |
| `kcr_repo` | `namespace/repo` | namespace | RepoSet fields (Public is derived from the namespace) |
| `kcr_public_repo` | repo name | | the registry's public catalogue, copied into the account lazily |
| `kcr_tag` | `repo:tag` | repo name | TagSet fields |
| `kcr_favor` | `RepoType|RepoName` | | FavorSet fields (a favourite is the pair) |
| `kcr_account` | `"registry"` | | the registry login: salted PBKDF2 hash only, never the password |
| `kcr_meta` | `"seeded"` | | marks the account as seeded |

Handlers (and the test-control endpoints): handlers.py; answer shapes: views.py.  Decisions where the
documents are silent (the emulator's own choices): DECISIONS.md (in this directory).
"""
import hashlib
import hmac
import os
import re
import time

from . import catalogue


VERSION = "2018-03-14"
SERVICE = "kce"
TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def fmt_time(ts):
    """Epoch seconds -> 'YYYY-MM-DD HH:MM:SS' in UTC+8, the documents' display format."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(ts) + 8 * 3600))


def _public(obj):
    return {k: v for k, v in obj.items() if not k.startswith("_")}


# --------------------------------------------------------------------------------------- seeding

def ensure_seeded(store):
    """Copy the registry's public catalogue into an account (once)."""
    if store.get("kcr_meta", "seeded") is not None:
        return
    for repo in catalogue.public_repositories():
        store.put("kcr_public_repo", repo["RepoName"], dict(repo))
    store.put("kcr_meta", "seeded", {"seeded": True})


def push_tag(store, repo_name, tag, now=None, **fields):
    """Seed a tag into a repository (the API has no push).  `store` is an account store.

    `fields` override TagSet fields (ImageId, SizeByte, Author, DockerVersion, Architecture, Os,
    CreateTime).  Returns the tag record.  Raises KeyError if the repository does not exist and
    ValueError for an invalid tag name.
    """
    if not TAG_RE.match(tag or ""):
        raise ValueError("invalid tag name %r" % (tag,))
    if store.get("kcr_repo", repo_name) is None and store.get("kcr_public_repo", repo_name) is None:
        raise KeyError(repo_name)
    digest = hashlib.sha256(("%s:%s" % (repo_name, tag)).encode()).hexdigest()
    rec = {
        "RepoName": repo_name,
        "TagName": tag,
        "ImageId": "sha256:" + digest,
        "CreateTime": fmt_time(time.time() if now is None else now),
        "SizeByte": 1000000 + int(digest[:6], 16) * 37,
        "Author": "",
        "DockerVersion": "18.09.7",
        "Architecture": "amd64",
        "Os": "linux",
    }
    for key, value in fields.items():
        if key not in rec:
            raise ValueError("unknown TagSet field %r" % (key,))
        rec[key] = value
    store.put("kcr_tag", "%s:%s" % (repo_name, tag), rec, parent=repo_name)
    return dict(rec)


def add_charts(store, namespace, count=1):
    """Seed Helm charts into a namespace (only its ChartCount is modelled)."""
    ns = store.get("kcr_namespace", namespace)
    if ns is None:
        raise KeyError(namespace)
    ns["ChartCount"] = ns.get("ChartCount", 0) + count
    store.put("kcr_namespace", namespace, ns)


# -------------------------------------------------------- test control (POST /_emulator/push, /charts)

MAX_PUSH_TAGS = 10000  # tags one push (admin endpoint or Emulator.push_tags) may carry


def generated_tags(count):
    """The tag names of a push by count: tag-0001, tag-0002, ... (sorted as they are numbered)."""
    return ["tag-%04d" % i for i in range(1, count + 1)]


# ------------------------------------------------------------------------------------- helpers

def _store(req):
    store = req.account_store
    ensure_seeded(store)
    return store


def _taken_elsewhere(req, namespace):
    """True when another account (or the registry itself) owns this namespace name."""
    if namespace in catalogue.public_namespaces():
        return True
    return any(s.get("kcr_namespace", namespace) is not None for s in req.other_account_stores())


def _public_tags(store, name):
    """Tags of a public repository: the seeded ones, else one synthesized `latest` (read-only)."""
    tags = store.list("kcr_tag", parent=name)
    if tags:
        return tags
    repo = store.get("kcr_public_repo", name)
    digest = hashlib.sha256(("%s:latest" % name).encode()).hexdigest()
    return [{"RepoName": name, "TagName": "latest", "ImageId": "sha256:" + digest,
             "CreateTime": repo["CreateTime"], "SizeByte": 1000000 + int(digest[:6], 16) * 37,
             "Author": "", "DockerVersion": "18.09.7", "Architecture": "amd64", "Os": "linux"}]


# ------------------------------------------------------------------------------------ favourites

def _favor_target(store, name):
    """The caller's copy of a KSYUN HUB repository: (kind, record) or (None, None)."""
    for kind in ("kcr_repo", "kcr_public_repo"):
        rec = store.get(kind, name)
        if rec is not None:
            return kind, rec
    return None, None


def _bump_favor(store, name, delta):
    kind, rec = _favor_target(store, name)
    if rec is None:
        return
    rec["FavorCount"] = max(0, rec.get("FavorCount", 0) + delta)
    parent = name.split("/", 1)[0] if kind == "kcr_repo" else None
    store.put(kind, name, rec, parent=parent)


def _favor_key(repo_type, name):
    return "%s|%s" % (repo_type, name)


def _hash_password(password, salt=None):
    salt = salt or os.urandom(16).hex()
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), 10000).hex()
    return salt, digest


def verify_password(store, password):
    """True when `password` is the account's registry password (for tests)."""
    acct = store.get("kcr_account", "registry")
    if acct is None:
        return False
    digest = _hash_password(password, acct["_salt"])[1]
    return hmac.compare_digest(digest, acct["_hash"])
