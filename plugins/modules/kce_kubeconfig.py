#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kce_kubeconfig
short_description: Download the kubeconfig of a Kingsoft Cloud KCE cluster, or merge it into a kubeconfig
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Downloads the kubeconfig (the access credentials) of a Kubernetes cluster of the Kingsoft Cloud
    Container Engine (KCE) with the C(DownloadClusterConfig) API action, and writes it to O(dest)
    like a file module does.
  - By default O(dest) becomes that kubeconfig, whole. With O(merge=true) the cluster's cluster, user
    and context entries are added to (or updated in) the kubeconfig at O(dest), for example
    C(~/.kube/config), and the other entries are left as they are, as C(aws eks update-kubeconfig) or
    C(gcloud container clusters get-credentials) do.
  - The file is written atomically, with O(mode), every missing directory above it created (mode
    C(0700)); the task reports a change only when the content (or the mode) differs. It is never
    readable by others while it is written.
  - When O(dest) is a symbolic link to a file, the file it points to is written (as
    M(ansible.builtin.copy) does with C(follow=true), and as C(kubectl) does) and the link stays a
    link (a C(~/.kube/config) linked to a file elsewhere keeps working).
  - O(dest) that is a directory, ends with C(/), is a symbolic link to nothing, or lies below a file
    fails the task before anything is read or written.
  - The kubeconfig is a secret; its content is never returned or shown (results, diffs, errors)
    unless O(return_content=true).
  - In check mode, a cluster that does not exist yet (a first-day playbook whose cluster an earlier
    task creates) is not an error; the task reports a change, and its message says that a real run
    needs the cluster.
requirements:
  - PyYAML, for O(merge=true) (ansible-core depends on it, so it is on every controller).
options:
  public:
    description:
      - V(true) downloads the kubeconfig for the public API server (C(IsPublic=true)); it exists only
        when the cluster was created with an exposed API server (M(ksyun.cloud.kce_cluster)
        O(ksyun.cloud.kce_cluster#module:public_api_server)), otherwise the task fails saying so.
      - V(false) downloads the kubeconfig for the API server's address in the VPC.
    type: bool
    default: true
  dest:
    description:
      - Where to write the kubeconfig, for example C(~/.kube/config). Every missing directory above it
        is created with mode C(0700).
      - Not set means nothing is written (then O(return_content=true) is required).
    type: path
  mode:
    description:
      - The permissions of O(dest), octal (V('0600')) or symbolic (V(u=rw,go=)), as for M(ansible.builtin.file).
    type: raw
    default: '0600'
  backup:
    description:
      - Keep a copy of O(dest) (with its mode) before it is changed, named as M(ansible.builtin.copy)
        names its backups (C(<dest>.<pid>.<time>~)), returned as RV(backup_file). The copy holds
        credentials too.
    type: bool
    default: false
  merge:
    description:
      - V(false) writes the downloaded kubeconfig as O(dest), replacing what the file held.
      - V(true) merges it into the kubeconfig at O(dest) (created when missing) like
        C(aws eks update-kubeconfig); a cluster entry and a user entry named after the cluster
        (C(kce_<region>_<cluster id>), with C(_vpc) appended for O(public=false)) and a context
        named O(context_name) that joins them are added, or updated when they exist; every other
        cluster, user and context, and C(current-context), stay as they are (see
        O(set_current_context)). A namespace set on the context (C(kubectl config set-context
        --namespace)) is kept.
      - The cluster and user entries are replaced whole by the downloaded ones (the cluster's server
        and certificate authority, the user's credentials).
      - When something changes, the file is rewritten the way C(kubectl config) writes it (keys in
        order, comments not kept). A file that is not a kubeconfig (not YAML, not a mapping, a C(kind)
        other than C(Config), keys a kubeconfig does not have, entries without a name) fails the
        task before anything is downloaded or written.
      - While it reads and writes O(dest), the task holds the lock file that C(kubectl config) uses,
        C(<file>.lock) next to the file written (the target of a link), so two tasks (or C(kubectl))
        merging into the same file at once do not lose each other's entries; it waits up to 30
        seconds for the lock, then fails naming the lock file (a crashed writer may have left it).
      - O(dest) is required.
    type: bool
    default: false
  context_name:
    description:
      - The name of the context, with O(merge=true).
      - Default the name of the cluster and user entries, C(kce_<region>_<cluster id>) (with C(_vpc)
        appended for O(public=false)), which no other cluster has.
    type: str
  set_current_context:
    description:
      - With O(merge=true), V(true) makes the cluster's context the C(current-context) of O(dest).
      - V(false) leaves C(current-context) as it is; a kubeconfig without one (a new file) gets the
        cluster's context as its C(current-context).
    type: bool
    default: false
  return_content:
    description:
      - Return the kubeconfig as RV(content). It is a credential, so set C(no_log=true) on the task
        that registers the result.
    type: bool
    default: false
  wait:
    description:
      - Wait while the cluster is still being built (the kubeconfig needs a running cluster).
      - With V(false) a cluster that is not running fails the task at once.
    type: bool
    default: true
  wait_timeout:
    default: 1200
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.kce.cluster
  - ksyun.cloud.attributes
  - ksyun.cloud.attributes.resource
  - ksyun.cloud.wait
notes:
  - In diff mode the file's C(dest), C(mode) and C(checksum) are shown before and after, and with
    O(merge=true) the entries the task manages (its cluster, user and context, and
    C(current-context)); certificate, key, token and password values are always masked, and the
    other entries of the file are not shown.
seealso:
  - module: ksyun.cloud.kce_cluster
  - module: ansible.builtin.copy
"""

EXAMPLES = r"""
# The ids are those of the local emulator's default world (scripts/with-emulator in the collection's
# repository), where these examples run as printed; against Kingsoft Cloud, use your own.
- name: Add the cluster to ~/.kube/config next to the other clusters, and make it kubectl's current context
  ksyun.cloud.kce_kubeconfig:
    cluster_name: openapi开机集群
    dest: ~/.kube/config
    merge: true
    context_name: production
    set_current_context: true

- name: The kubeconfig of the public API server as a file of its own, keeping a backup of the old one
  ksyun.cloud.kce_kubeconfig:
    cluster_id: b12d7079-1e59-4626-90eb-xxxxxx
    dest: ~/.kube/production.kubeconfig
    backup: true

- name: The VPC kubeconfig, for a machine in the cluster's VPC
  ksyun.cloud.kce_kubeconfig:
    cluster_id: b12d7079-1e59-4626-90eb-xxxxxx
    public: false
    dest: ~/.kube/production-vpc.kubeconfig
    mode: '0640'

- name: The kubeconfig as a value (a secret, so no_log)
  ksyun.cloud.kce_kubeconfig:
    cluster_name: openapi开机集群
    return_content: true
  register: kubeconfig
  no_log: true
"""

RETURN = r"""
cluster_id:
  description: The id of the cluster.
  returned: when the cluster exists
  type: str
  sample: b12d7079-1e59-4626-90eb-xxxxxx
dest:
  description: The path written (user home expanded; a symbolic link's own path, not its target).
  returned: when O(dest) is set
  type: str
  sample: /home/user/.kube/config
checksum:
  description:
    - The SHA-1 checksum of O(dest) after the task (as M(ansible.builtin.copy) returns it); without
      O(dest), of the downloaded kubeconfig. Without O(merge), both are the same.
  returned: when the cluster exists
  type: str
  sample: 6e642bb8dd5c2e027bf21dd923337cbb4214f827
mode:
  description: The permissions of O(dest), octal.
  returned: when O(dest) is set and the cluster exists
  type: str
  sample: '0600'
backup_file:
  description: The copy of O(dest) made before it was changed.
  returned: when O(backup=true) and an existing O(dest) was changed
  type: str
  sample: /home/user/.kube/config.12345.2024-05-06@10:11:12~
context_name:
  description: The context that joins the cluster's cluster and user entries.
  returned: when O(merge=true) and the cluster exists
  type: str
  sample: kce_cn-beijing-6_b12d7079-1e59-4626-90eb-xxxxxx
expose:
  description: Whether the API server is exposed (C(Expose) of the answer).
  returned: when the cluster exists
  type: bool
  sample: true
content:
  description: The kubeconfig (YAML text) as downloaded (with O(merge=true) too, not the merged file).
  returned: when O(return_content=true)
  type: str
  sample: "apiVersion: v1\nclusters: ..."
msg:
  description: In check mode, why nothing could be predicted (the cluster does not exist yet).
  returned: in check mode when the cluster does not exist
  type: str
  sample: "cluster named production does not exist yet: in check mode that is a change; a real run needs the cluster"
diff:
  description:
    - In diff mode, O(dest) before and after (C(dest), C(mode), C(checksum)); without O(merge) the
      content is masked, with O(merge=true) the entries the task manages are shown with every
      credential masked.
  returned: when diff mode is on
  type: dict
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeCluster, DownloadClusterConfig]
"""

import copy
import errno
import hashlib
import os
import re
import stat
import tempfile
import time
import traceback

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.text.converters import to_native
from ansible_collections.ksyun.cloud.plugins.module_utils._kce import api as kce
from ansible_collections.ksyun.cloud.plugins.module_utils._kce.cluster import CLUSTER_KWARGS, OnCluster, cluster_argument_spec
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import MASK, KsyunToolbox, wait_options

try:
    import yaml
    YAML_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - ansible-core depends on PyYAML; a remote Python may lack it
    yaml = None
    YAML_IMPORT_ERROR = traceback.format_exc()

OCTAL_MODE = re.compile(r"^0?[0-7]{3,4}$")
SYMBOLIC_MODE = re.compile(r"^([ugoa]*[-+=][rwxXstugo]*)(,[ugoa]*[-+=][rwxXstugo]*)*$")
#: the fields of a kubeconfig (clientcmd's Config): a file with other top-level keys is something else
KUBECONFIG_KEYS = ("apiVersion", "kind", "preferences", "clusters", "users", "contexts", "current-context",
                   "extensions")
#: the named lists of a kubeconfig and the key of each entry's body
ENTRIES = (("clusters", "cluster"), ("users", "user"), ("contexts", "context"))
#: words of a cluster entry's keys whose values are not shown in a diff (a user entry shows no value)
CREDENTIAL_WORDS = ("data", "cert", "key", "token", "password", "secret")
#: how long a merge waits for kubectl's lock file (<dest>.lock), seconds
LOCK_WAIT = 30
#: what a message may quote from a file: a short word (never a value that could be a credential)
QUOTABLE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")


def sha1(data):
    return hashlib.sha1(data).hexdigest()


def quoted(values):
    """Words of a file for a message: those that are short identifiers, the others counted."""
    words = [v for v in values if isinstance(v, str) and QUOTABLE.match(v)]
    others = len(values) - len(words)
    text = ", ".join(words)
    if others:
        text += "%s%d more" % (" and " if text else "", others)
    return text


def parse_kubeconfig(text):
    """(data, None) for the text of a kubeconfig (empty text: {}), or (None, why it is not one).

    The reason never quotes the file (it holds credentials) beyond a line number or a key's name."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = " at line %d, column %d" % (mark.line + 1, mark.column + 1) if mark is not None else ""
        return None, "it is not YAML (a syntax error%s)" % where
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return None, "it is YAML but a %s, not a mapping" % ("list" if isinstance(data, list) else "scalar")
    unknown = [k for k in data if k not in KUBECONFIG_KEYS]
    if unknown:
        return None, "it has keys a kubeconfig does not have (%s)" % quoted(unknown)
    if data.get("kind") not in (None, "Config"):
        return None, "its kind is %s, not Config" % (quoted([data["kind"]]) or "another")
    for key, body in ENTRIES:
        entries = data.get(key)
        if entries is None:
            continue
        if not isinstance(entries, list):
            return None, "its %s is not a list" % key
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                return None, "an entry of its %s has no name" % key
            if not isinstance(entry.get(body), (dict, type(None))):
                return None, "the %s of an entry of its %s is not a mapping" % (body, key)
    if not isinstance(data.get("current-context"), (str, type(None))):
        return None, "its current-context is not a name"
    return data, None


def named(data, key, name):
    """The entries of data[key] named `name`."""
    return [e for e in data.get(key) or [] if e.get("name") == name]


def downloaded_entries(text):
    """{"cluster": {...}, "user": {...}, "context": {...}} of the downloaded kubeconfig (its current
    context, or its only one), or a message saying what it lacks."""
    data, problem = parse_kubeconfig(text)
    if problem:
        return None, "the kubeconfig DownloadClusterConfig returned cannot be merged: %s" % problem
    contexts = data.get("contexts") or []
    chosen = named(data, "contexts", data.get("current-context")) or (contexts if len(contexts) == 1 else [])
    if not chosen or not chosen[0].get("context"):
        return None, "the kubeconfig DownloadClusterConfig returned cannot be merged: it has no current context"
    context = dict(chosen[0]["context"])
    found = {"context": context}
    for key, body in ENTRIES[:2]:
        entry = named(data, key, context.get(body))
        if not entry or not entry[0].get(body):
            return None, ("the kubeconfig DownloadClusterConfig returned cannot be merged: the %s of its "
                          "current context is not in its %s" % (body, key))
        found[body] = copy.deepcopy(entry[0][body])
    return found, None


def put(entries, name, body, value):
    """entries (a list) with the entry `name` holding value under `body`: the first of that name is
    updated (its other keys kept) and any further one dropped; a new one is appended."""
    out, done = [], False
    for entry in entries or []:
        if entry.get("name") != name:
            out.append(entry)
        elif not done:
            out.append(dict(entry, **{body: value}))
            done = True
    if not done:
        out.append({"name": name, body: value})
    return out


def merged(data, own, entry_name, context_name, set_current):
    """A copy of the kubeconfig `data` with the cluster's entries (`own`, from downloaded_entries)."""
    new = copy.deepcopy(data)
    new.setdefault("apiVersion", "v1")
    new.setdefault("kind", "Config")
    new["clusters"] = put(new.get("clusters"), entry_name, "cluster", own["cluster"])
    new["users"] = put(new.get("users"), entry_name, "user", own["user"])
    # a namespace (or anything else) the user set on the context stays; only the joins are ours
    old = named(new, "contexts", context_name)
    context = dict((k, v) for k, v in own["context"].items() if k not in ("cluster", "user"))
    context.update((old[0].get("context") or {}) if old else {})
    context.update(cluster=entry_name, user=entry_name)
    new["contexts"] = put(new.get("contexts"), context_name, "context", context)
    if set_current or not new.get("current-context"):
        new["current-context"] = context_name
    return new


def dump(data):
    return yaml.safe_dump(data, default_flow_style=False, allow_unicode=True).encode("utf-8")


def naming_credentials(key):
    return any(word in str(key).lower() for word in CREDENTIAL_WORDS)


def masked(value, every=False):
    """A copy for a diff: every value below a key that names a credential replaced by MASK (with
    `every`, each value: a user entry)."""
    if isinstance(value, dict):
        return dict((k, masked(v, every or naming_credentials(k))) for k, v in value.items())
    if isinstance(value, list):
        return [masked(v, every) for v in value]
    return MASK if every and value is not None else value


def credentials(value):
    """Every string value below a dict or list (a user entry's credentials)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in credentials(v)]
    if isinstance(value, list):
        return [s for v in value for s in credentials(v)]
    return [value] if isinstance(value, str) else []


def dest_problem(path):
    """Why `path` cannot be the kubeconfig file, or None (checked before anything is read or written)."""
    if path.endswith(os.sep) or path.endswith(os.sep + "."):
        return "dest %s ends with %s: give the path of the kubeconfig file, not of a directory" % (path, os.sep)
    if os.path.islink(path) and not os.path.exists(path):
        return ("dest %s is a symbolic link to %s, which does not exist (or is a loop of links): create "
                "the file it points to, or remove the link" % (path, os.readlink(path)))
    real = os.path.realpath(path)
    if os.path.isdir(real):
        return "dest %s is a directory: give the path of the kubeconfig file" % path
    if os.path.exists(real) and not stat.S_ISREG(os.stat(real).st_mode):
        return "dest %s is not a regular file" % path
    above = os.path.dirname(real)
    while not os.path.lexists(above):
        above = os.path.dirname(above)
    if not os.path.isdir(above):
        return "dest %s cannot be created: %s is not a directory" % (path, above)
    return None


class KceKubeconfig(OnCluster, KsyunToolbox):
    label = "kubeconfig"
    mode = None
    argument_spec = dict(
        public=dict(type="bool", default=True),
        dest=dict(type="path"),
        mode=dict(type="raw", default="0600"),
        backup=dict(type="bool", default=False),
        merge=dict(type="bool", default=False),
        context_name=dict(type="str"),
        set_current_context=dict(type="bool", default=False),
        return_content=dict(type="bool", default=False),
        **dict(cluster_argument_spec(), **wait_options(1200))
    )
    module_kwargs = CLUSTER_KWARGS

    def __init__(self, module):
        super().__init__(module)
        self.own = None          # merge: the cluster's entries, from the downloaded kubeconfig
        self.entry_name = None   # merge: the name of its cluster and user entries
        self.context_name = None

    def validate(self):
        problem = self.cluster_problem()
        if problem:
            return problem
        p = self.params
        if not p["dest"] and not p["return_content"]:
            return "set dest (the file to write) or return_content=true: there is nothing to do otherwise"
        if p["merge"] and not p["dest"]:
            return "merge=true needs dest, the kubeconfig file to merge the cluster into"
        for option in ("context_name", "set_current_context"):
            if p[option] and not p["merge"]:
                return ("%s is used only with merge=true (without it dest becomes the downloaded kubeconfig "
                        "whole, with its own context)" % option)
        if self.param_is_defined("context_name") and not p["context_name"].strip():
            return "context_name must not be empty"
        mode = p["mode"]
        # an unquoted YAML 0600 arrives as the number 384, which the file modules take as that mode; a
        # number above 0o7777 is no mode (its digits are not read as octal text)
        if isinstance(mode, int) and not isinstance(mode, bool):
            self.mode = "%04o" % mode if 0 <= mode <= 0o7777 else ""
        else:
            self.mode = str(mode)
        if not (OCTAL_MODE.match(self.mode) or SYMBOLIC_MODE.match(self.mode)):
            return "mode must be octal such as '0600' or symbolic such as 'u=rw,go=', got %r" % (mode,)
        if p["dest"]:
            problem = dest_problem(p["dest"])
            if problem:
                return problem + "; nothing was written"
        if p["merge"]:
            if yaml is None:
                self.module.fail_json(msg=missing_required_lib("PyYAML (for merge=true)"), exception=YAML_IMPORT_ERROR)
            # a file that is not a kubeconfig fails before the download (it is read again under the lock)
            problem = self.current_kubeconfig(self.read(os.path.realpath(p["dest"])))[1]
            if problem:
                return problem
        return None

    def read(self, path):
        """The bytes of `path`, None when it does not exist."""
        try:
            with open(path, "rb") as f:
                return f.read()
        except (IOError, OSError) as err:
            if err.errno == errno.ENOENT:
                return None
            self.fail("cannot read dest %s: %s" % (self.params["dest"], to_native(err.strerror)))

    def current_kubeconfig(self, old):
        """(data, problem) of the file's bytes `old` (None: no file, an empty kubeconfig)."""
        if old is None:
            return {}, None
        try:
            text = old.decode("utf-8")
        except UnicodeDecodeError:
            data, problem = None, "it is not UTF-8 text"
        else:
            data, problem = parse_kubeconfig(text)
        if problem:
            return None, ("dest %s is not a kubeconfig: %s. Nothing was written; choose another dest, fix the "
                          "file, or use merge=false to replace it" % (self.params["dest"], problem))
        return data, None

    def download(self):
        cluster = self.find_cluster()
        if cluster is None and self.check_mode:
            # a first-day --check: the cluster an earlier task creates is not there yet
            self.m.exit(changed=True, msg="%s does not exist yet: in check mode that is a change; a real run "
                        "needs the cluster (create it before this task)" % self.cluster_text())
        cluster = self.running_cluster(cluster, need="downloading the kubeconfig")
        answer = kce.download_cluster_config(self.client, cluster["ClusterId"], is_public=self.params["public"])
        content = answer.get("ClusterConfig") or ""
        if not self.params["return_content"]:
            self.hide(content)
        if answer.get("Expose") is False or not content.strip():
            if self.params["public"]:
                self.fail("the API server of cluster %s is not exposed to the internet (Expose=%s, no public "
                          "kubeconfig): use public=false for the kubeconfig of its VPC address, or create the "
                          "cluster with public_api_server" % (cluster["ClusterId"], answer.get("Expose")))
            self.fail("cluster %s has no VPC kubeconfig (Expose=%s, empty ClusterConfig)"
                      % (cluster["ClusterId"], answer.get("Expose")))
        self.result.update(cluster_id=cluster["ClusterId"], expose=answer.get("Expose"),
                           checksum=sha1(content.encode("utf-8")))
        if self.params["return_content"]:
            self.result["content"] = content
        if self.params["merge"]:
            self.own, problem = downloaded_entries(content)
            if problem:
                self.fail(problem)
            if not self.params["return_content"]:
                # the credentials are scrubbed from every output one by one too (the whole content is)
                self.hide(*[s for s in credentials(self.own["user"]) + credentials(masked_part(self.own["cluster"]))
                            if len(s) >= 8])
            self.entry_name = "kce_%s_%s%s" % (self.params["region"].strip(), cluster["ClusterId"],
                                               "" if self.params["public"] else "_vpc")
            self.context_name = self.params["context_name"] or self.entry_name
            self.result["context_name"] = self.context_name
        return content

    def apply(self):
        content = self.download()
        if self.params["dest"]:
            try:
                self.write_file(self.params["dest"], content.encode("utf-8"))
            except (IOError, OSError) as err:
                # the error names a path, never the content
                self.fail("cannot write dest %s: %s%s" % (self.params["dest"], to_native(err.strerror or err),
                                                          ": %s" % err.filename if err.filename else ""))
        return None

    def describe(self, path, data):
        """The diff view of the file (content masked, or the entries a merge manages), {} when none."""
        if data is None:
            return {}
        view = dict(dest=path, mode="%04o" % stat.S_IMODE(os.stat(path).st_mode) if os.path.exists(path) else None,
                    checksum=sha1(data))
        if not self.params["merge"]:
            view["content"] = MASK
            return view
        kubeconfig = self.current_kubeconfig(data)[0] or {}
        view["current-context"] = kubeconfig.get("current-context")
        for key, body in ENTRIES:
            name = self.context_name if body == "context" else self.entry_name
            view[key] = [dict(e, **{body: masked(e.get(body), every=(body == "user"))})
                         for e in named(kubeconfig, key, name)]
        return view

    def new_content(self, old, downloaded):
        """The bytes dest should hold, given what it holds (`old`, None when missing)."""
        if not self.params["merge"]:
            return downloaded
        data, problem = self.current_kubeconfig(old)
        if problem:
            self.fail(problem)
        new = merged(data, self.own, self.entry_name, self.context_name, self.params["set_current_context"])
        # unchanged entries: the file stays as it is (its comments and layout too)
        return old if new == data and old is not None else dump(new)

    def write_file(self, path, downloaded):
        real = os.path.realpath(path)   # a symbolic link is followed (see the documentation)
        lock = self.lock(real) if self.params["merge"] and not self.check_mode else None
        try:
            old = self.read(real)
            data = self.new_content(old, downloaded)
            self.before = self.describe(real, old)
            self.changed = old != data
            if not self.check_mode:
                self.make_directories(os.path.dirname(real))
            if self.changed and not self.check_mode:
                if self.params["backup"] and old is not None:
                    self.result["backup_file"] = self.backup(real)
                self.replace(real, data)
            elif os.path.exists(real):
                # the wanted mode (in check mode: whether it would change)
                self.changed = self.module.set_mode_if_different(real, self.mode, self.changed)
        finally:
            if lock:
                os.unlink(lock)
        if os.path.exists(real) and not self.check_mode:
            mode = "%04o" % stat.S_IMODE(os.stat(real).st_mode)
        else:
            mode = "%04o" % int(self.mode, 8) if OCTAL_MODE.match(self.mode) else self.mode
        self.after = self.describe(real, data)
        self.after.update(dest=path, mode=mode)
        if self.before:
            self.before["dest"] = path
        self.result.update(dest=path, mode=mode, checksum=sha1(data))

    def lock(self, real):
        """Take kubectl's lock of `real` (<file>.lock, made with O_EXCL); returns its path."""
        lock = real + ".lock"
        self.make_directories(os.path.dirname(real))
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                os.close(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                return lock
            except (IOError, OSError) as err:
                if err.errno != errno.EEXIST:
                    raise
            if time.monotonic() >= deadline:
                self.fail("dest %s is locked: %s has existed for %d seconds (kubectl or another task is writing the "
                          "file); when nothing is, remove the lock file and run again"
                          % (self.params["dest"], lock, LOCK_WAIT))
            time.sleep(0.2)

    @staticmethod
    def make_directories(directory):
        """Create `directory` and every missing one above it, each with mode 0700 (whatever the umask)."""
        missing = []
        while not os.path.isdir(directory):
            missing.append(directory)
            directory = os.path.dirname(directory)
        for one in reversed(missing):
            try:
                os.mkdir(one, 0o700)
            except (IOError, OSError) as err:
                if err.errno != errno.EEXIST:
                    raise
                continue   # a run at the same time made it
            os.chmod(one, 0o700)

    def backup(self, real):
        """ansible.builtin.copy's backup of `real`; the copy is 0600 until it gets the file's own mode."""
        umask = os.umask(0o077)
        try:
            return self.module.backup_local(real)
        finally:
            os.umask(umask)

    def replace(self, path, data):
        """Write `data` to `path` atomically, never readable by others in between: a new file is made
        0600, the wanted mode is set on the file before its content changes, and the temporary file
        (0600) takes the file's mode and owner when it is moved in (atomic_move without
        keep_dest_attrs, which ansible-core 2.16 lacks)."""
        if not os.path.exists(path):
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except (IOError, OSError) as err:
                if err.errno != errno.EEXIST:
                    raise
        self.module.set_mode_if_different(path, self.mode, False)
        fd, tmp = tempfile.mkstemp(prefix=".kubeconfig-", dir=os.path.dirname(path))
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            self.module.atomic_move(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def _diff_result(self):
        # the diff is the file's: none without dest
        return super()._diff_result() if self.params["dest"] else {}


def masked_part(cluster):
    """The credential values of a cluster entry (those masked() hides)."""
    return dict((k, v) for k, v in cluster.items() if naming_credentials(k))


def main():
    KceKubeconfig.run_module()


if __name__ == "__main__":
    main()
