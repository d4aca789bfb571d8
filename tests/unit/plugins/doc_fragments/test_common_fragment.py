# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The common doc fragment documents exactly the common options, and every module is in the
`ksyun` action group of meta/runtime.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from ansible_collections.ksyun.cloud.plugins.doc_fragments.common import ModuleDocFragment
from ansible_collections.ksyun.cloud.plugins.module_utils._config import ENV_VARS
from ansible_collections.ksyun.cloud.plugins.module_utils._module import common_argument_spec

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


@pytest.mark.parametrize("variant", ["DOCUMENTATION", "PLUGINS"])
def test_fragment_documents_every_common_option(variant):
    doc = yaml.safe_load(getattr(ModuleDocFragment, variant))
    spec = common_argument_spec()
    assert sorted(doc["options"]) == sorted(spec)
    for name, option in doc["options"].items():
        assert option["type"] == spec[name]["type"], name
        assert option.get("default") == spec[name].get("default"), name
        assert option["description"], name
        assert "version_added" not in option


def test_plugins_fragment_has_env_entries():
    doc = yaml.safe_load(ModuleDocFragment.PLUGINS)
    for option, env in ENV_VARS.items():
        assert {"name": env} in doc["options"][option]["env"]


def test_module_fragment_mentions_the_env_vars():
    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    for option, env in ENV_VARS.items():
        assert "E(%s)" % env in " ".join(doc["options"][option]["description"])


# ------------------------------------------------------------------------------ action group

def modules_missing_from_group(modules_dir, runtime_path):
    """Module names in `modules_dir` that the `ksyun` action group of `runtime_path` lacks."""
    with open(runtime_path) as f:
        runtime = yaml.safe_load(f) or {}
    group = (runtime.get("action_groups") or {}).get("ksyun") or []
    members = set()
    for entry in group:
        if isinstance(entry, str):
            members.add(entry.rsplit(".", 1)[-1] if entry.startswith("ksyun.cloud.") else entry)
    names = sorted(f[:-3] for f in os.listdir(modules_dir) if f.endswith(".py") and not f.startswith("_"))
    return [n for n in names if n not in members]


def test_every_module_is_in_the_ksyun_action_group():
    missing = modules_missing_from_group(os.path.join(REPO, "plugins", "modules"),
                                         os.path.join(REPO, "meta", "runtime.yml"))
    assert missing == [], "add these modules to action_groups.ksyun in meta/runtime.yml: %s" % missing


def test_every_action_group_entry_is_a_module():
    """The reverse drift: a group entry whose module was renamed or removed breaks module_defaults."""
    with open(os.path.join(REPO, "meta", "runtime.yml")) as f:
        group = yaml.safe_load(f)["action_groups"]["ksyun"]
    modules = set(f[:-3] for f in os.listdir(os.path.join(REPO, "plugins", "modules")) if f.endswith(".py"))
    strays = [e for e in group if e.rsplit(".", 1)[-1] not in modules]
    assert strays == [], "no module for these action_groups.ksyun entries: %s" % strays


def test_the_check_catches_a_missing_module(tmp_path):
    modules = tmp_path / "modules"
    modules.mkdir()
    for name in ("__init__.py", "kce_cluster.py", "kce_cluster_info.py"):
        (modules / name).write_text(u"")
    runtime = tmp_path / "runtime.yml"
    runtime.write_text(u"action_groups:\n  ksyun:\n    - kce_cluster_info\n")
    assert modules_missing_from_group(str(modules), str(runtime)) == ["kce_cluster"]
    runtime.write_text(u"action_groups:\n  ksyun:\n    - kce_cluster_info\n    - ksyun.cloud.kce_cluster\n")
    assert modules_missing_from_group(str(modules), str(runtime)) == []
    runtime.write_text(u"requires_ansible: '>=2.16'\n")
    assert modules_missing_from_group(str(modules), str(runtime)) == ["kce_cluster", "kce_cluster_info"]
