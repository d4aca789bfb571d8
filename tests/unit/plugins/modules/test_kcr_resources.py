# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The KCR resource modules: their documentation against their argument specs, the local checks, and
kcr_account run in-process against the emulator (the only place the stored password can be checked:
no API action reads it).

Their API behaviour is covered by their integration targets against the emulator.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import yaml

from core_compat import patch_module_args

from ksyun_emulator import kcr as emulator_kcr

from ansible_collections.ksyun.cloud.plugins.module_utils import _resource
from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
from ansible_collections.ksyun.cloud.plugins.modules import (
    kcr_account,
    kcr_favorite,
    kcr_namespace,
    kcr_repository,
    kcr_tag,
)

from test_info_helpers import _documentation

RESOURCE_MODULES = {
    kcr_namespace: kcr_namespace.KcrNamespace,
    kcr_repository: kcr_repository.KcrRepository,
    kcr_tag: kcr_tag.KcrTag,
    kcr_favorite: kcr_favorite.KcrFavorite,
    kcr_account: kcr_account.KcrAccount,
}


@pytest.mark.parametrize("module", list(RESOURCE_MODULES), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_documentation_matches_the_argument_spec(module):
    doc = _documentation(module)
    spec = RESOURCE_MODULES[module].argument_spec
    assert doc["version_added"] == "0.1.0"
    assert doc["attributes"]["action_group"]["membership"] == ["ksyun.cloud.ksyun"]
    expected = "partial" if module is kcr_account else "full"
    assert doc["attributes"]["check_mode"]["support"] == expected
    assert doc["attributes"]["diff_mode"]["support"] == expected
    for name, opt in spec.items():
        assert name in doc["options"], name
        for key in ("type", "elements", "choices", "default", "required", "aliases"):
            assert doc["options"][name].get(key) == opt.get(key), (name, key)
    returned = yaml.safe_load(module.RETURN)
    assert "api_calls" in returned
    # the account is no object: its result holds what the run did (registered, password_updated)
    if module is kcr_account:
        assert RESOURCE_MODULES[module].represent is None and "registered" in returned
    else:
        assert RESOURCE_MODULES[module].represent in returned
    # every example task names its module by FQCN, and the module itself is used
    examples = yaml.safe_load(module.EXAMPLES)
    modules = [k for task in examples for k in task if "." in k]
    assert len(modules) == len(examples) and all(k.startswith(("ksyun.cloud.", "ansible.builtin.")) for k in modules)
    assert "ksyun.cloud." + module.__name__.rsplit(".", 1)[-1] in modules


# ------------------------------------------------------------------------------------ local checks

@pytest.mark.parametrize("password", ["abcdefg1", "ABCDEFG!", "12345678!", "x!" * 4, "a1" * 16, "pässwört",
                                      "abc def1", "Aa1!$%()*+,-./:;<=>?@[]^_`{|}~"[:32]])
def test_password_rule_accepts(password):
    """Length and two classes only: a character the API may refuse (space, umlaut) is left to it."""
    assert kcr_account.check_password(password) is None


@pytest.mark.parametrize("password, rule", [
    ("abc1!", "8 to 32"), ("Ab1!xyz", "8 to 32"), ("a1" * 16 + "x", "8 to 32"), ("", "8 to 32"),
    ("abcdefgh", "two of"), ("ABCDEFGHIJ", "two of"), ("12345678", "two of"), ("!!!!!!!!", "two of"),
])
def test_password_rule_refuses_without_quoting(password, rule):
    message = kcr_account.check_password(password)
    assert message.startswith("password must ") and rule in message
    assert not password or password not in message


@pytest.mark.parametrize("name, repo_type, expected", [
    ("nginx", "DOCKER HUB", "library/nginx"), (" redis ", "DOCKER HUB", "library/redis"),
    ("library/nginx", "DOCKER HUB", "library/nginx"), ("bitnami/redis", "DOCKER HUB", "bitnami/redis"),
    ("nginx", "KSYUN HUB", "nginx"), ("ksyun/nginx", "KSYUN HUB", "ksyun/nginx"),
])
def test_a_bare_docker_hub_name_is_an_official_image(name, repo_type, expected):
    assert kcr_favorite.normalize(name, repo_type) == expected


def test_tag_chunks_stay_within_the_documented_list_size():
    parts = kcr_tag.chunks(list(range(230)), kcr.LIST_MAX)
    assert [len(p) for p in parts] == [100, 100, 30] and sum(parts, []) == list(range(230))
    assert kcr_tag.unique(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


def test_the_account_answer_codes_are_one_constant():
    assert set(kcr.ACCOUNT_ANSWERS) == {"already_registered", "not_registered"}


# --------------------------------------------------------------------- kcr_account against the emulator

def run_account(emu, capsys, **args):
    args = dict(access_key=emu.access_key, secret_key=emu.secret_key, region="cn-beijing-6", endpoint_url=emu.url,
                debug_api_calls=True, **args)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            kcr_account.main()
    return json.loads(capsys.readouterr().out)


def test_on_create_keeps_the_first_password_and_always_sets_it(emulator_server, capsys):
    store = emulator_server.account_store()
    out = run_account(emulator_server, capsys, password="First-pass1")
    assert out["changed"] is True and out["registered"] is True
    assert emulator_kcr.verify_password(store, "First-pass1")
    out = run_account(emulator_server, capsys, password="Second-pass2")
    assert out["changed"] is False and out["api_calls"] == ["RegisterRepositoryAccount"]
    assert emulator_kcr.verify_password(store, "First-pass1")                    # on_create: kept
    out = run_account(emulator_server, capsys, password="Second-pass2", update_password="always")
    assert out["changed"] is True and out["password_updated"] is True
    assert emulator_kcr.verify_password(store, "Second-pass2")
    assert "Second-pass2" not in json.dumps(out) and "First-pass1" not in json.dumps(out)


def test_check_mode_sends_nothing(emulator_server, capsys):
    out = run_account(emulator_server, capsys, password="First-pass1", _ansible_check_mode=True)
    assert out["changed"] is True and out["check_mode_note"] == kcr_account.CHECK_MODE_NOTE
    assert out["api_calls"] == [] and emulator_server.requests == []


def test_a_lost_register_answer_is_sent_again_once(emulator_server, capsys, monkeypatch):
    monkeypatch.setattr(_resource.time, "sleep", lambda s: None)
    emulator_server.schedule_fault("RegisterRepositoryAccount", "lost_response")
    out = run_account(emulator_server, capsys, password="First-pass1")
    assert out["changed"] is True and out["registered"] is True
    assert out["api_calls"] == ["RegisterRepositoryAccount", "RegisterRepositoryAccount"]
    assert emulator_kcr.verify_password(emulator_server.account_store(), "First-pass1")


def test_a_character_the_api_refuses_fails_with_its_message(emulator_server, capsys):
    """`#` is in neither printed list: the local check lets it through, the API's refusal is passed on."""
    out = run_account(emulator_server, capsys, password="First#pass1")
    assert out["failed"] is True and out["error"]["action"] == "RegisterRepositoryAccount"
    assert "Password" in out["msg"] and "First#pass1" not in json.dumps(out)
    assert out["api_calls"] == ["RegisterRepositoryAccount"]
