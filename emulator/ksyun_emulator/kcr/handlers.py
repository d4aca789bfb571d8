"""KCR handlers: one function per `@action` (17 actions of API version 2018-03-14), params -> models ->
views with all validation first (name and password rules), and the service's test-control endpoints
(`ADMIN`: `POST /_emulator/push`, `/_emulator/charts`, and `control_push_tags` / `control_add_charts`
for the in-process `Emulator`).  The choices the documents left open: DECISIONS.md (in this directory).
"""
import re

from ..core import FILTER_PARAMS, PAGE_PARAMS, action, conflict, invalid, missing, not_found
from .models import (MAX_PUSH_TAGS, SERVICE, VERSION, _bump_favor, _favor_key, _favor_target, _hash_password, _public,
                     _public_tags, _store, _taken_elsewhere, add_charts, ensure_seeded, fmt_time, generated_tags,
                     push_tag)
from .views import _ns_view, _page_response, _repo_view, _tag_view


NAMESPACE_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$")
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
REPO_PATH_RE = re.compile(r"^%s(?:/%s)*$" % (_COMPONENT, _COMPONENT))
DOCKER_HUB_RE = re.compile(r"^(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*/)*[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
PASSWORD_SPECIALS = "!$%()*+,-./:;<=>?@[]^_`{|}~"
REPO_TYPES = ("KSYUN HUB", "DOCKER HUB")
MAX_DESCRIPTION = 1000


# ------------------------------------------------------- test control (POST /_emulator/push, /charts)

def control_push_tags(emu, repository, tags, access_key=None):
    """Emulate `docker push repository:tag` for each tag (the KCR API cannot create tags).

    `repository` is `namespace/name`, a repository of the account `access_key` (default: the
    first account) or of the public catalogue; pushing an existing tag replaces its image.
    Everything happens in one transaction: on any error nothing is pushed.  Returns the tag
    names pushed (in order, without repeats).  Raises KeyError for an unknown account or
    repository, ValueError for a bad tag name or too many tags, TypeError for wrong types.
    """
    if not isinstance(repository, str) or not repository:
        raise TypeError("repository is a non-empty string (namespace/name)")
    if isinstance(tags, (str, bytes)) or not isinstance(tags, (list, tuple)):
        raise TypeError("tags is a list of tag names")
    names = []
    for tag in tags:
        if not isinstance(tag, str):
            raise TypeError("tags is a list of tag names, not %r" % (tag,))
        if tag not in names:
            names.append(tag)
    if len(names) > MAX_PUSH_TAGS:
        raise ValueError("at most %d tags per push" % MAX_PUSH_TAGS)
    account = emu.control_account(access_key)
    with emu.db.transaction():
        store = emu.account_store(account)
        ensure_seeded(store)
        if store.get("kcr_repo", repository) is None and store.get("kcr_public_repo", repository) is None:
            raise KeyError("no repository %r in account %s" % (repository, account))
        now = emu.now()
        for tag in names:
            push_tag(store, repository, tag, now=now)
    return names


def control_add_charts(emu, namespace, count=1, access_key=None):
    """Emulate Helm charts pushed into a namespace of the account `access_key` (default: the first
    account): its ChartCount grows by `count` (negative removes, never below 0); the KCR API has
    no chart actions.  Returns the new ChartCount.  Raises KeyError for an unknown account or
    namespace, TypeError for a count that is not an integer."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError("count is an integer")
    account = emu.control_account(access_key)
    with emu.db.transaction():
        store = emu.account_store(account)
        ns = store.get("kcr_namespace", namespace) if isinstance(namespace, str) else None
        if ns is None:
            raise KeyError("no namespace %r in account %s" % (namespace, account))
        add_charts(store, namespace, max(count, -ns.get("ChartCount", 0)))
        return store.get("kcr_namespace", namespace)["ChartCount"]


def _admin_push(emu, data):
    """POST /_emulator/push: {"repository", "tags": [...] or "count": N, "access_key"?}."""
    unknown = sorted(set(data) - {"access_key", "repository", "tags", "count"})
    if unknown:
        raise ValueError("unknown field(s): %s" % ", ".join(unknown))
    tags, count = data.get("tags"), data.get("count")
    if (tags is None) == (count is None):
        raise ValueError("give either tags (a list of tag names) or count (how many tags to generate)")
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PUSH_TAGS:
            raise ValueError("count is an integer within 1..%d" % MAX_PUSH_TAGS)
        tags = generated_tags(count)
    elif not isinstance(tags, list) or not tags:
        raise ValueError("tags is a non-empty list of tag names")
    return 200, {"pushed": control_push_tags(emu, data.get("repository"), tags, access_key=data.get("access_key"))}


def _admin_charts(emu, data):
    """POST /_emulator/charts: {"namespace", "count"?, "access_key"?}."""
    unknown = sorted(set(data) - {"namespace", "count", "access_key"})
    if unknown:
        raise ValueError("unknown field(s): %s" % ", ".join(unknown))
    total = control_add_charts(emu, data.get("namespace"), count=data.get("count", 1), access_key=data.get("access_key"))
    return 200, {"chart_count": total}


#: the test-control endpoints of KCR, dispatched by the server (a KeyError answers 404, a
#: ValueError or TypeError 400)
ADMIN = {("POST", "/push"): _admin_push, ("POST", "/charts"): _admin_charts}


# ------------------------------------------------------------------------------------ input checks

def _namespace_param(p, name="Namespace"):
    """A namespace name being made: the emulator's name rules apply."""
    return p.str(name, required=True, pattern=NAMESPACE_RE, max_len=63)


def _repo_param(p, name="RepoName"):
    """A repository name being made: the emulator's name rules apply."""
    value = p.str(name, required=True)
    _check_repo_name(value, name)
    return value


def _lookup_param(p, name, required=True):
    """A name to look up: no rule applies (a name outside them does not exist); None when not sent."""
    return p.str(name, required=required) or None


def _check_repo_name(value, name):
    if len(value) > 255 or "/" not in value:
        raise invalid(name, "A repository name is namespace/repository.")
    ns, path = value.split("/", 1)
    if not NAMESPACE_RE.match(ns) or not REPO_PATH_RE.match(path):
        raise invalid(name, "A repository name is namespace/repository.")


def _apply_filters(items, filters, getters):
    for name, values in filters.items():
        get = getters[name]
        items = [it for it in items if get(it) in values]
    return items


def _bool_values(values, name="Filter.N.Value"):
    out = set()
    for v in values:
        low = str(v).lower()
        if low in ("true", "1"):
            out.add(True)
        elif low in ("false", "0"):
            out.add(False)
        else:
            raise invalid(name, "public is true or false.")
    return out


# ----------------------------------------------------------------------------------- namespaces

@action(SERVICE, VERSION, "CreateRepoNamespace", mutates=True,
        params=("Namespace", "Public"))
def create_repo_namespace(req):
    p = req.params
    name = _namespace_param(p)
    public = p.bool("Public", required=True)
    store = _store(req)
    if store.get("kcr_namespace", name) is not None or _taken_elsewhere(req, name):
        raise conflict("NamespaceAlreadyExists", "The namespace '%s' already exists." % name)
    store.put("kcr_namespace", name, {"Namespace": name, "Public": public, "ChartCount": 0,
                                      "CreateTime": fmt_time(req.now()), "_created": req.now()})
    return {}


@action(SERVICE, VERSION, "DescribeRepoNamespace",
        params=("Namespace",) + PAGE_PARAMS + FILTER_PARAMS)
def describe_repo_namespace(req):
    p = req.params
    name = p.str("Namespace") or None
    filters = p.filters(["public"])
    marker, max_results = p.page(20, 99)
    store = _store(req)
    items = [_ns_view(store, ns) for ns in store.list("kcr_namespace")]
    items.sort(key=lambda n: n["Namespace"])
    if name is not None:
        items = [n for n in items if n["Namespace"] == name]
    if "public" in filters:
        wanted = _bool_values(filters["public"])
        items = [n for n in items if n["Public"] in wanted]
    return _page_response("NamespaceSet", items, marker, max_results)


@action(SERVICE, VERSION, "ModifyRepoNamespaceType", mutates=True,
        params=("Namespace", "Public"))
def modify_repo_namespace_type(req):
    p = req.params
    name = _lookup_param(p, "Namespace")
    public = p.bool("Public", required=True)
    store = _store(req)
    ns = store.get("kcr_namespace", name)
    if ns is None:
        raise not_found("Namespace", name)
    ns["Public"] = public
    store.put("kcr_namespace", name, ns)
    return {}


@action(SERVICE, VERSION, "RepoNamespaceExist",
        params=("Namespace",))
def repo_namespace_exist(req):
    name = _lookup_param(req.params, "Namespace")
    store = _store(req)
    exist = store.get("kcr_namespace", name) is not None or _taken_elsewhere(req, name)
    return {"Exist": exist}


@action(SERVICE, VERSION, "DeleteRepoNamespace", mutates=True,
        params=("Namespace",))
def delete_repo_namespace(req):
    name = _lookup_param(req.params, "Namespace")
    store = _store(req)
    ns = store.get("kcr_namespace", name)
    if ns is None:
        raise not_found("Namespace", name)
    view = _ns_view(store, ns)
    if view["RepoCount"] or view["ChartCount"]:
        raise conflict("NamespaceNotEmpty",
                       "The namespace '%s' still holds %d repositories and %d charts."
                       % (name, view["RepoCount"], view["ChartCount"]))
    store.delete("kcr_namespace", name)
    return {}


# --------------------------------------------------------------------------------- repositories

@action(SERVICE, VERSION, "CreateRepository", mutates=True,
        params=("RepoName", "Description"))
def create_repository(req):
    p = req.params
    name = _repo_param(p)
    description = p.str("Description", default="", max_len=MAX_DESCRIPTION)
    store = _store(req)
    ns_name = name.split("/", 1)[0]
    ns = store.get("kcr_namespace", ns_name)
    if ns is None:
        raise not_found("Namespace", ns_name)
    if store.get("kcr_repo", name) is not None:
        raise conflict("RepositoryAlreadyExists", "The repository '%s' already exists." % name)
    store.put("kcr_repo", name, {"RepoName": name, "Public": bool(ns["Public"]), "FavorCount": 0,
                                 "PullCount": 0, "Description": description,
                                 "CreateTime": fmt_time(req.now()), "_created": req.now()},
              parent=ns_name)
    return {}


@action(SERVICE, VERSION, "DescribeRepository",
        params=("RepoName.N",) + PAGE_PARAMS + FILTER_PARAMS)
def describe_repository(req):
    p = req.params
    names = p.list("RepoName")
    filters = p.filters(["public", "namespace"])
    marker, max_results = p.page(20, 99)
    store = _store(req)
    items = [_repo_view(store, r) for r in store.list("kcr_repo")]
    items.sort(key=lambda r: r["RepoName"])
    if names:
        wanted = set(names)
        items = [r for r in items if r["RepoName"] in wanted]
    if "public" in filters:
        pub = _bool_values(filters["public"])
        items = [r for r in items if r["Public"] in pub]
    if "namespace" in filters:
        nss = set(filters["namespace"])
        items = [r for r in items if r["RepoName"].split("/", 1)[0] in nss]
    return _page_response("RepoSet", items, marker, max_results)


@action(SERVICE, VERSION, "DeleteRepository", mutates=True,
        params=("RepoName",))
def delete_repository(req):
    name = _lookup_param(req.params, "RepoName")
    store = _store(req)
    if store.get("kcr_repo", name) is None:
        raise not_found("Repository", name)
    for tag in store.list("kcr_tag", parent=name):
        store.delete("kcr_tag", "%s:%s" % (name, tag["TagName"]))
    store.delete("kcr_favor", _favor_key("KSYUN HUB", name))
    store.delete("kcr_repo", name)
    return {}


@action(SERVICE, VERSION, "DescribePublicRepository",
        params=("RepoName.N",) + PAGE_PARAMS + FILTER_PARAMS)
def describe_public_repository(req):
    p = req.params
    names = p.list("RepoName")
    filters = p.filters(["namespace"])
    marker, max_results = p.page(20, 99)
    store = _store(req)
    items = [_public(r) for r in store.list("kcr_public_repo")]   # seeded newest first
    if names:
        wanted = set(names)
        items = [r for r in items if r["RepoName"] in wanted]
    if "namespace" in filters:
        nss = set(filters["namespace"])
        items = [r for r in items if r["RepoName"].split("/", 1)[0] in nss]
    return _page_response("RepoSet", items, marker, max_results)


@action(SERVICE, VERSION, "UpdateRepoDesc", mutates=True,
        params=("RepoName", "Description"))
def update_repo_desc(req):
    p = req.params
    name = _lookup_param(p, "RepoName")
    if not p.has("Description"):
        raise missing("Description")
    description = p.str("Description", default="", max_len=MAX_DESCRIPTION)
    store = _store(req)
    repo = store.get("kcr_repo", name)
    if repo is None:
        raise not_found("Repository", name)
    repo["Description"] = description
    store.put("kcr_repo", name, repo, parent=name.split("/", 1)[0])
    return {}


@action(SERVICE, VERSION, "DescribeTag",
        params=("RepoName",) + PAGE_PARAMS + FILTER_PARAMS)
def describe_tag(req):
    p = req.params
    name = _lookup_param(p, "RepoName", required=False)
    filters = p.filters(["tag"])
    marker, max_results = p.page(20, 99)
    store = _store(req)
    if name is not None:
        if store.get("kcr_repo", name) is not None:
            tags = store.list("kcr_tag", parent=name)
        elif store.get("kcr_public_repo", name) is not None:
            tags = _public_tags(store, name)
        else:
            raise not_found("Repository", name)
    else:
        tags = []
        for repo in store.list("kcr_repo"):
            tags.extend(store.list("kcr_tag", parent=repo["RepoName"]))
    items = sorted((_tag_view(t) for t in tags), key=lambda t: (t["RepoName"], t["TagName"]))
    if "tag" in filters:
        wanted = set(filters["tag"])
        items = [t for t in items if t["TagName"] in wanted]
    return _page_response("TagSet", items, marker, max_results)


@action(SERVICE, VERSION, "DeleteTags", mutates=True,
        params=("RepoName", "Tag.N"))
def delete_tags(req):
    p = req.params
    name = _lookup_param(p, "RepoName", required=False)
    tags = p.list("Tag", required=True)
    if not tags:
        raise missing("Tag.N")
    store = _store(req)
    if name is not None and store.get("kcr_repo", name) is None:
        raise not_found("Repository", name)
    keys = []
    for i, tag in enumerate(tags):
        label = "Tag.%d" % (i + 1)
        if name is not None:
            repo, tag_name = name, tag
        else:
            if ":" not in tag:
                raise invalid(label, "Without RepoName a tag is namespace/repository:tag.")
            repo, tag_name = tag.rsplit(":", 1)
            if store.get("kcr_repo", repo) is None:
                raise not_found("Repository", repo)
        key = "%s:%s" % (repo, tag_name)
        if store.get("kcr_tag", key) is None:
            raise not_found("Tag", key)
        if key not in keys:
            keys.append(key)
    for key in keys:
        store.delete("kcr_tag", key)
    return {}


@action(SERVICE, VERSION, "GetFavor",
        params=PAGE_PARAMS)
def get_favor(req):
    marker, max_results = req.params.page(20, 99)
    store = _store(req)
    items = [{k: f[k] for k in ("RepoName", "RepoType", "CreateTime")} for f in store.list("kcr_favor")]
    items.sort(key=lambda f: (REPO_TYPES.index(f["RepoType"]), f["RepoName"]))
    return _page_response("FavorSet", items, marker, max_results)


@action(SERVICE, VERSION, "AddFavor", mutates=True,
        params=("RepoName", "RepoType"))
def add_favor(req):
    p = req.params
    name = p.str("RepoName", required=True, max_len=255)
    repo_type = p.str("RepoType", required=True, choices=REPO_TYPES)
    store = _store(req)
    if repo_type == "KSYUN HUB":
        _check_repo_name(name, "RepoName")
        if _favor_target(store, name)[1] is None:
            raise not_found("Repository", name)
    elif not DOCKER_HUB_RE.match(name):
        raise invalid("RepoName")
    key = _favor_key(repo_type, name)
    if store.get("kcr_favor", key) is not None:
        raise conflict("FavorAlreadyExists", "The %s repository '%s' is already a favourite." % (repo_type, name))
    store.put("kcr_favor", key, {"RepoName": name, "RepoType": repo_type, "CreateTime": fmt_time(req.now())})
    if repo_type == "KSYUN HUB":
        _bump_favor(store, name, +1)
    return {}


@action(SERVICE, VERSION, "DeleteFavor", mutates=True,
        params=("RepoName",))
def delete_favor(req):
    name = _lookup_param(req.params, "RepoName")
    store = _store(req)
    found = [t for t in REPO_TYPES if store.get("kcr_favor", _favor_key(t, name)) is not None]
    if not found:
        raise not_found("Favor", name)
    for repo_type in found:             # no RepoType in the request: every favourite of that name
        store.delete("kcr_favor", _favor_key(repo_type, name))
    if "KSYUN HUB" in found:
        _bump_favor(store, name, -1)
    return {}


# ------------------------------------------------------------------------------ registry account

def check_password(value, name="Password"):
    """Raise InvalidParameterValue (never echoing the value) unless the password follows the rule."""
    if not 8 <= len(value) <= 32:
        raise invalid(name, "The password has 8 to 32 characters.")
    classes = set()
    for ch in value:
        if "a" <= ch.lower() <= "z":
            classes.add("letter")
        elif "0" <= ch <= "9":
            classes.add("digit")
        elif ch in PASSWORD_SPECIALS:
            classes.add("special")
        else:
            raise invalid(name, "The password may only contain letters, digits and %s" % PASSWORD_SPECIALS)
    if len(classes) < 2:
        raise invalid(name, "The password needs at least two of letters, digits and special characters.")


def _password_param(p):
    value = p.str("Password", required=True)
    check_password(value)
    return value


@action(SERVICE, VERSION, "RegisterRepositoryAccount", mutates=True,
        params=("Password",))
def register_repository_account(req):
    password = _password_param(req.params)
    store = _store(req)
    if store.get("kcr_account", "registry") is not None:
        raise conflict("AccountAlreadyRegistered", "The registry account is already registered.")
    salt, digest = _hash_password(password)
    store.put("kcr_account", "registry", {"_salt": salt, "_hash": digest,
                                          "CreateTime": fmt_time(req.now())})
    return {}


@action(SERVICE, VERSION, "ModifyPassword", mutates=True,
        params=("Password",))
def modify_password(req):
    password = _password_param(req.params)
    store = _store(req)
    acct = store.get("kcr_account", "registry")
    if acct is None:
        raise conflict("AccountNotRegistered", "The registry account is not registered.")
    acct["_salt"], acct["_hash"] = _hash_password(password)
    store.put("kcr_account", "registry", acct)
    return {}
