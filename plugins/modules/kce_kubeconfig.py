#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kce_kubeconfig
short_description: Download the kubeconfig of a Kingsoft Cloud KCE cluster
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Downloads the kubeconfig (the access credentials) of a Kubernetes cluster of the Kingsoft Cloud
    Container Engine (KCE) with the C(DownloadClusterConfig) API action, and writes it to O(dest)
    like a file module does.
  - The file is written atomically, with O(mode), its directory created when missing; the task
    reports a change only when the content (or the mode) differs.
  - The kubeconfig is a secret; its content is never returned or shown (results, diffs, errors)
    unless O(return_content=true).
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
      - Where to write the kubeconfig, for example C(~/.kube/config). Its parent directory is created
        (mode C(0700)) when missing.
      - Not set means nothing is written (then O(return_content=true) is required).
    type: path
  mode:
    description:
      - The permissions of O(dest), octal (V('0600')) or symbolic (V(u=rw,go=)), as for M(ansible.builtin.file).
    type: raw
    default: '0600'
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
seealso:
  - module: ksyun.cloud.kce_cluster
"""

EXAMPLES = r"""
- name: The kubeconfig of the public API server, for kubectl on this machine
  ksyun.cloud.kce_kubeconfig:
    cluster_name: production
    dest: ~/.kube/config

- name: The VPC kubeconfig, for a machine in the cluster's VPC
  ksyun.cloud.kce_kubeconfig:
    cluster_id: b12d7079-1e59-4626-90eb-0123456789ab
    public: false
    dest: /etc/kce/production.kubeconfig
    mode: '0640'

- name: The kubeconfig as a value (a secret, so no_log)
  ksyun.cloud.kce_kubeconfig:
    cluster_name: production
    return_content: true
  register: kubeconfig
  no_log: true
"""

RETURN = r"""
cluster_id:
  description: The id of the cluster.
  returned: always
  type: str
  sample: b12d7079-1e59-4626-90eb-0123456789ab
dest:
  description: The path written (user home expanded).
  returned: when O(dest) is set
  type: str
  sample: /home/user/.kube/config
checksum:
  description: The SHA-1 checksum of the kubeconfig (as M(ansible.builtin.copy) returns it).
  returned: always
  type: str
  sample: 6e642bb8dd5c2e027bf21dd923337cbb4214f827
mode:
  description: The permissions of O(dest), octal.
  returned: when O(dest) is set
  type: str
  sample: '0600'
expose:
  description: Whether the API server is exposed (C(Expose) of the answer).
  returned: always
  type: bool
  sample: true
content:
  description: The kubeconfig (YAML text).
  returned: when O(return_content=true)
  type: str
  sample: "apiVersion: v1\nclusters: ..."
diff:
  description:
    - In diff mode, O(dest) before and after (C(dest), C(mode), C(checksum)); the content is always
      masked.
  returned: when diff mode is on
  type: dict
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [DescribeCluster, DownloadClusterConfig]
"""

import hashlib
import os
import re
import stat
import tempfile

from ansible_collections.ksyun.cloud.plugins.module_utils import _module
from ansible_collections.ksyun.cloud.plugins.module_utils import kce
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import MASK, KsyunResource, wait_options

OCTAL_MODE = re.compile(r"^0?[0-7]{3,4}$")
SYMBOLIC_MODE = re.compile(r"^([ugoa]*[-+=][rwxXstugo]*)(,[ugoa]*[-+=][rwxXstugo]*)*$")


def sha1(data):
    return hashlib.sha1(data).hexdigest()


class KceKubeconfig(kce.OnCluster, KsyunResource):
    represent = "kubeconfig"
    mode = None
    argument_spec = dict(
        public=dict(type="bool", default=True),
        dest=dict(type="path"),
        mode=dict(type="raw", default="0600"),
        return_content=dict(type="bool", default=False),
        **dict(kce.cluster_argument_spec(), **wait_options(1200))
    )
    module_kwargs = kce.CLUSTER_KWARGS

    def validate(self):
        problem = self.cluster_problem()
        if problem:
            return problem
        if not self.params["dest"] and not self.params["return_content"]:
            return "set dest (the file to write) or return_content=true: there is nothing to do otherwise"
        mode = self.params["mode"]
        # an unquoted YAML 0600 arrives as the number 384, which the file modules take as that mode; a
        # number above 0o7777 is no mode (its digits are not read as octal text)
        if isinstance(mode, int) and not isinstance(mode, bool):
            self.mode = "%04o" % mode if 0 <= mode <= 0o7777 else ""
        else:
            self.mode = str(mode)
        if not (OCTAL_MODE.match(self.mode) or SYMBOLIC_MODE.match(self.mode)):
            return "mode must be octal such as '0600' or symbolic such as 'u=rw,go=', got %r" % (mode,)
        return None

    def download(self):
        cluster = self.running_cluster(self.find_cluster(), need="downloading the kubeconfig")
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
        return content

    def run(self):
        problem = self.validate()
        if problem:
            self.fail(problem)
        with self.m.fail_on_error():
            content = self.download()
        if self.params["dest"]:
            self.write_file(self.params["dest"], content.encode("utf-8"))
        self.exit_file()

    def describe(self, path, data=None):
        """The diff view of `path` (content masked), {} when it does not exist."""
        if not os.path.lexists(path):
            return {}
        if data is None:
            with open(path, "rb") as f:
                data = f.read()
        return dict(dest=path, mode="%04o" % stat.S_IMODE(os.lstat(path).st_mode), checksum=sha1(data), content=MASK)

    def write_file(self, path, data):
        if os.path.isdir(path):
            self.fail("dest %s is a directory: give the path of the kubeconfig file" % path)
        parent = os.path.dirname(path) or "."
        old = None
        if os.path.exists(path):
            with open(path, "rb") as f:
                old = f.read()
        self.before = self.describe(path, old)
        self.changed = old != data
        if not self.check_mode and not os.path.isdir(parent):
            os.makedirs(parent, 0o700)
        if self.changed and not self.check_mode:
            self.replace(path, parent, data)
        if os.path.exists(path):
            # the wanted mode (in check mode: whether it would change)
            self.changed = self.module.set_mode_if_different(path, self.mode, self.changed)
        if os.path.exists(path) and not self.check_mode:
            mode = "%04o" % stat.S_IMODE(os.stat(path).st_mode)
        else:
            mode = "%04o" % int(self.mode, 8) if OCTAL_MODE.match(self.mode) else self.mode
        self.after = dict(dest=path, mode=mode, checksum=sha1(data), content=MASK)
        self.result.update(dest=path, mode=mode)

    def replace(self, path, parent, data):
        """Write `data` to `path` atomically, never readable by others in between (the temporary file
        and a new file's placeholder are 0600 until the wanted mode is set on the temporary file)."""
        if not os.path.exists(path):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        fd, tmp = tempfile.mkstemp(prefix=".kubeconfig-", dir=parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            self.module.set_mode_if_different(tmp, self.mode, False)
            _module.atomic_move_keeping_mode(self.module, tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def exit_file(self):
        result = dict(self.result)
        if self.module._diff and self.params["dest"]:
            result["diff"] = dict(before=self.before or {}, after=self.after or {})
        self.m.exit(changed=self.changed, **result)


def main():
    KceKubeconfig.run_module()


if __name__ == "__main__":
    main()
