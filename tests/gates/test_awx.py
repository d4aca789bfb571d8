"""AWX / Automation Controller: the shipped credential type is one AWX accepts, its injectors set
exactly the variables the modules and the inventory plugin read, and the demo runs through
ansible-runner (what AWX runs a job with) with the credential injected as environment variables only.
"""
import glob
import json
import os
import re

import pytest
import yaml
from jinja2 import StrictUndefined, UndefinedError, sandbox

from core_compat import patch_module_args
from ansible_collections.ksyun.cloud.plugins.doc_fragments.common import ModuleDocFragment
from ansible_collections.ksyun.cloud.plugins.module_utils import _config, _module

from gatelib import REPO, awx_inject, clean_env, explain, installed_file, run, tool

CREDENTIAL_TYPE = os.path.join(REPO, "extras", "awx", "credential_type_ksyun.yml")
ID_RE = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")
#: the keys AWX's CredentialTypeInputField schema allows on a field (awx/main/fields.py)
FIELD_KEYS = {"id", "label", "help_text", "type", "format", "choices", "multiline", "secret", "ask_at_runtime", "default"}


@pytest.fixture(scope="module")
def credential_type():
    return yaml.safe_load(open(CREDENTIAL_TYPE))


def test_credential_type_has_the_shape_awx_requires(credential_type):
    """The rules AWX applies when a custom credential type is created (its JSON schema for inputs
    and injectors and the checks that follow it)."""
    assert credential_type["kind"] == "cloud" and credential_type["name"]
    inputs, injectors = credential_type["inputs"], credential_type["injectors"]
    assert set(inputs) <= {"fields", "required"}
    fields = inputs["fields"]
    ids = [f["id"] for f in fields]
    assert len(set(ids)) == len(ids) and "tower" not in ids
    assert len(set(f["label"] for f in fields)) == len(fields)
    for field in fields:
        assert set(field) <= FIELD_KEYS, field
        assert ID_RE.match(field["id"]) and isinstance(field["label"], str) and field["label"]
        assert field.get("type", "string") in ("string", "boolean")
        assert isinstance(field.get("secret", False), bool)
    assert all(isinstance(r, str) and r in ids for r in inputs["required"])
    assert set(injectors) <= {"env", "extra_vars", "file"}
    for name, template in injectors["env"].items():
        assert ID_RE.match(name) and not name.startswith("ANSIBLE_")
        assert isinstance(template, str) and template.isascii()
    # injectors reference declared inputs only: AWX renders each with StrictUndefined over them
    strict = sandbox.ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for template in injectors["env"].values():
        strict.from_string(template).render(dict((i, "EXAMPLE") for i in ids))
    with pytest.raises(UndefinedError):
        strict.from_string("{{ access_key_id }}").render(dict((i, "EXAMPLE") for i in ids))


def test_the_secret_key_is_secret_and_the_endpoint_optional(credential_type):
    fields = dict((f["id"], f) for f in credential_type["inputs"]["fields"])
    assert [i for i, f in fields.items() if f.get("secret")] == ["secret_key"]
    assert sorted(credential_type["inputs"]["required"]) == ["access_key", "region", "secret_key"]
    assert "endpoint_url" in fields


def test_injectors_set_the_variables_the_modules_and_the_plugin_read(credential_type):
    """Field <option> is injected as the variable the option falls back to, in the modules
    (_config.ENV_VARS) and in the inventory plugin (its doc fragment's env entries), and nothing else."""
    plugin_options = yaml.safe_load(ModuleDocFragment.PLUGINS)["options"]
    fields = [f["id"] for f in credential_type["inputs"]["fields"]]
    assert sorted(fields) == sorted(_config.ENV_VARS)
    env = awx_inject(credential_type, dict((f, "value-of-" + f) for f in fields))
    assert env == dict((var, "value-of-" + option) for option, var in _config.ENV_VARS.items())
    for option, var in _config.ENV_VARS.items():
        assert plugin_options[option]["env"] == [{"name": var}]


def test_an_empty_endpoint_reaches_the_modules_as_not_set(credential_type, monkeypatch):
    """AWX injects an empty KSYUN_ENDPOINT_URL when the credential has no endpoint: the modules then
    send every request to the region's Kingsoft Cloud endpoint."""
    env = awx_inject(credential_type, {"access_key": "AKLTX", "secret_key": "s", "region": "cn-beijing-6"})
    assert env["KSYUN_ENDPOINT_URL"] == ""
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    with patch_module_args({}):
        module = _module.AnsibleModule(argument_spec=_module.common_argument_spec())
    assert module.params["endpoint_url"] == "" and _config.check_common_options(module.params) is None
    client = _config.client_from_params(module.params)
    assert client.base_url("kce") == "https://kce.cn-beijing-6.api.ksyun.com"
    assert client.base_url("kci") == "https://kci.cn-beijing-6.api.ksyun.com"


# ---------------------------------------------------------------------------- ansible-runner

#: AWX's Demo Inventory: localhost, run locally by the job's own Python
INVENTORY = {"all": {"hosts": {"localhost": {"ansible_connection": "local",
                                             "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}
# the demo cluster's nodes, the job's second inventory source (as an AWX inventory source would add them)
KCE_SOURCE = {"plugin": "ksyun.cloud.kce", "clusters": ["ksyun-demo"]}


def ran(task, names):
    """Whether the playbook's task name `task` (it may hold templates) is one of the names the events give."""
    rx = re.compile(".+".join(re.escape(part) for part in re.split(r"\{\{.*?\}\}", task)) + "$")
    return any(rx.match(name) for name in names)


def play_tasks(playbook):
    """The tasks written directly in a playbook's plays (blocks opened), as (name, conditional)."""
    def walk(tasks, conditional):
        for task in tasks or []:
            cond = conditional or "when" in task
            if "block" in task:
                for key in ("block", "rescue", "always"):
                    # rescue tasks run only on a failure
                    yield from walk(task.get(key), cond or key == "rescue")
            elif "name" in task and not ({"meta", "ansible.builtin.meta"} & set(task)):
                # (meta tasks such as refresh_inventory run in the strategy and send no ok event)
                yield task["name"], cond
    for play in yaml.safe_load(open(playbook)) or []:
        for key in ("pre_tasks", "tasks", "post_tasks"):
            yield from walk(play.get(key), False)


def runner_events(data_dir, ident):
    events = []
    for path in glob.glob(os.path.join(data_dir, "artifacts", ident, "job_events", "*.json")):
        with open(path) as f:
            events.append(json.load(f))
    return sorted(events, key=lambda e: e["counter"])


def test_demo_runs_through_ansible_runner(installed, tmp_path, emulator, credential_type):
    """A private data dir as AWX lays it out for a job: env/envvars = the credential type's injectors
    rendered for a credential of the emulator (nothing else), project/ = a playbook importing the
    collection's demo (and teardown, when the collection has one), inventory/ = AWX's demo inventory.
    The collection comes from the tarball only (installed, as in an EE, on the collections path)."""
    data = tmp_path / "runner"
    for sub in ("env", "project", "inventory"):
        (data / sub).mkdir(parents=True)
    credential = {"access_key": emulator.access_key, "secret_key": emulator.secret_key,
                  "region": emulator.region, "endpoint_url": emulator.url}
    envvars = awx_inject(credential_type, credential)
    assert envvars == emulator.env
    (data / "env" / "envvars").write_text(yaml.safe_dump(envvars))
    (data / "inventory" / "hosts.yml").write_text(yaml.safe_dump(INVENTORY))
    (data / "inventory" / "demo.kce.yml").write_text(yaml.safe_dump(KCE_SOURCE))
    playbooks = ["demo"] + (["teardown"] if os.path.isfile(installed_file(installed, "playbooks/teardown.yml")) else [])
    for name in playbooks:
        (data / "project" / (name + ".yml")).write_text("- ansible.builtin.import_playbook: ksyun.cloud.%s\n" % name)

    # the job's process sees no KSYUN_* variable but those of env/envvars
    env = clean_env(str(tmp_path / "home"), collections_path=installed, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false")
    assert not [k for k in env if k.startswith("KSYUN_")]
    for name in playbooks:
        proc = run([tool("ansible-runner"), "run", str(data), "-p", name + ".yml", "--ident", name],
                   env, cwd=str(tmp_path), timeout=900)
        artifacts = data / "artifacts" / name
        stdout = (artifacts / "stdout").read_text() if (artifacts / "stdout").exists() else ""
        assert proc.returncode == 0 and (artifacts / "rc").read_text() == "0", explain(proc) + stdout
        assert (artifacts / "status").read_text() == "successful"
        events = runner_events(str(data), name)

        failed = [e for e in events if e["event"] in ("runner_on_failed", "runner_on_unreachable")
                  and not e["event_data"].get("ignore_errors")]
        assert failed == [], stdout
        stats = [e for e in events if e["event"] == "playbook_on_stats"][-1]["event_data"]
        assert not stats["failures"] and not stats["dark"] and stats["ok"], stdout
        ok = set(e["event_data"]["task"] for e in events if e["event"] == "runner_on_ok")
        done = ok | set(e["event_data"]["task"] for e in events if e["event"] == "runner_on_skipped")
        for task, conditional in play_tasks(installed_file(installed, "playbooks/%s.yml" % name)):
            assert ran(task, done if conditional else ok), "task %r of %s.yml did not run OK\n%s" % (task, name, stdout)
        ours = [e for e in events if e["event"] == "runner_on_ok"
                and e["event_data"].get("resolved_action", "").startswith("ksyun.cloud.")]
        assert ours, stdout

        # the secret reaches neither the output nor the events AWX stores
        assert emulator.secret_key not in stdout
        assert emulator.secret_key not in json.dumps(events)
