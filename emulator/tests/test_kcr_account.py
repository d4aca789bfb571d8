"""KCR registry login: RegisterRepositoryAccount / ModifyPassword and the password rule.

The password is never stored in clear, never echoed in an answer (success or error) and never
written to the request log."""
import json

import pytest

from ksyun_emulator import kcr


@pytest.fixture
def api(emulator_server, api_on):
    """KCR on emulator_server, POST unless a call says otherwise."""
    return api_on(emulator_server, "kcr", method="POST")


GOOD = ["abcdefg1", "ABCDEFG!", "12345678!", "Pass-word_2024", "a1" * 16, "x!" * 4, "(a)[b]{c}|1",
        "Aa1!$%()*+,-./:;<=>?@[]^_`{|}~"[:32]]
BAD = [("", "MissingParameter"), ("abc1", "InvalidParameterValue"), ("abcdefgh", "InvalidParameterValue"),
       ("12345678", "InvalidParameterValue"), ("!!!!!!!!", "InvalidParameterValue"),
       ("a1" * 16 + "x", "InvalidParameterValue"), ("abcd 1234", "InvalidParameterValue"),
       ("abcd#1234", "InvalidParameterValue"), ("abcd&1234", "InvalidParameterValue"),
       ('abcd"1234', "InvalidParameterValue"), ("abcd\\1234", "InvalidParameterValue"),
       ("pässwört1", "InvalidParameterValue")]


@pytest.mark.parametrize("password", GOOD)
def test_password_rule_accepts(password):
    kcr.check_password(password)


@pytest.mark.parametrize("password,code", BAD)
def test_register_refuses_bad_password_without_echo(api, password, code):
    status, body = api("RegisterRepositoryAccount", {"Password": password})
    assert (status, body["Error"]["Code"]) == (400, code)
    assert "Password" in body["Error"]["Message"]
    if password:
        assert password not in json.dumps(body)


def test_register_then_modify(api):
    status, body = api("ModifyPassword", {"Password": "Initial-pass1"})
    assert (status, body["Error"]["Code"]) == (400, "AccountNotRegistered")
    status, body = api("RegisterRepositoryAccount", {"Password": "Initial-pass1"})
    assert status == 200 and set(body) == {"RequestId"}
    store = api.emu.account_store()
    assert kcr.verify_password(store, "Initial-pass1")
    status, body = api("RegisterRepositoryAccount", {"Password": "Another-pass1"})
    assert (status, body["Error"]["Code"]) == (400, "AccountAlreadyRegistered")
    assert kcr.verify_password(store, "Initial-pass1")
    status, body = api("ModifyPassword", {"Password": "short"})
    assert (status, body["Error"]["Code"]) == (400, "InvalidParameterValue")
    status, body = api("ModifyPassword", {"Password": "Changed?pass2"})       # `?` is in ModifyPassword's set
    assert status == 200
    assert kcr.verify_password(store, "Changed?pass2") and not kcr.verify_password(store, "Initial-pass1")
    status, body = api("ModifyPassword", {"Password": "Dry-run-pass3", "DryRun": "true"})
    assert (status, body["Error"]["Code"]) == (412, "DryRunOperation")
    assert kcr.verify_password(store, "Changed?pass2")
    status, body = api("ModifyPassword", {"Password": "Via-get-pass4"}, method="GET")
    assert status == 200


def test_password_never_stored_answered_or_logged(api):
    secret = "Sup3r-Secret!pw"
    new = "N3w-Secret!pw"
    answers = [api("RegisterRepositoryAccount", {"Password": secret})[1],
               api("ModifyPassword", {"Password": new})[1],
               api("RegisterRepositoryAccount", {"Password": secret})[1],
               api("ModifyPassword", {"Password": "bad"})[1]]
    for a in answers:
        text = json.dumps(a)
        assert secret not in text and new not in text
    stored = json.dumps(api.emu.account_store().list("kcr_account"))
    assert secret not in stored and new not in stored
    assert "_hash" in stored and "_salt" in stored
    log = json.dumps(api.emu.requests)
    assert secret not in log and new not in log and "bad" not in log.replace("DryRun", "")


def test_register_dry_run_registers_nothing(api):
    status, body = api("RegisterRepositoryAccount", {"Password": "Dry-run-pass1", "DryRun": "1"})
    assert (status, body["Error"]["Code"]) == (412, "DryRunOperation")
    status, body = api("ModifyPassword", {"Password": "Dry-run-pass1"})
    assert (status, body["Error"]["Code"]) == (400, "AccountNotRegistered")


def test_accounts_register_separately(two_accounts):
    one, two = two_accounts("kcr", method="POST")
    assert one("RegisterRepositoryAccount", {"Password": "First-pass1"})[0] == 200
    status, body = two("ModifyPassword", {"Password": "Second-pass2"})
    assert (status, body["Error"]["Code"]) == (400, "AccountNotRegistered")
    assert two("RegisterRepositoryAccount", {"Password": "Second-pass2"})[0] == 200
    assert kcr.verify_password(one.emu.account_store("AKLTONE00000000000000000"), "First-pass1")
    assert kcr.verify_password(one.emu.account_store("AKLTTWO00000000000000000"), "Second-pass2")


def test_password_not_in_the_log_file(tmp_path, api_on):
    from ksyun_emulator.server import Emulator
    log = tmp_path / "requests.log"
    emu = Emulator(log=str(log))
    emu.start()
    try:
        secret = "Log-Secret-pw9"
        registry = api_on(emu, "kcr")
        assert registry("RegisterRepositoryAccount", {"Password": secret}, method="POST")[0] == 200
        assert registry("ModifyPassword", {"Password": secret + "x"}, method="GET")[0] == 200
        assert api_on(emu, "kci")("CreateContainerGroup", {"ImageRegistryCredential.1.Password": secret})[0] == 400
    finally:
        emu.stop()
    text = log.read_text()
    assert "RegisterRepositoryAccount" in text and secret not in text
