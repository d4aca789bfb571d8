"""faults.py through the server: every fault kind, scheduling (API and admin endpoint), random faults,
fail_resource, and the rule that faults only ever follow a valid signature."""
import threading
import time

import pytest
import requests

from ksyun_emulator.faults import Faults
from ksyun_emulator.server import Emulator

V = "1999-01-01"  # the toy version of conftest.core_actions
EMPTY = {"regions": {}}


@pytest.fixture
def femu(core_actions):
    """An emulator with a short stall (0.5 s)."""
    e = Emulator(world=EMPTY, stall_seconds=0.5)
    e.start()
    try:
        yield e
    finally:
        e.stop()


def names(emu):
    return emu.region_store(seed=False).ids("thing")


def put(signed, emu, name, **kw):
    return signed(emu, "PutThing", {"Name": name}, version=V, method="POST", **kw)


@pytest.mark.parametrize("fault,status,code,message", [
    ("throttle", 409, "LimitExceeded", "Request was rejected because the request speed of this openAPI is beyond "
                                       "the current flow control limit."),
    ("unavailable", 500, "ServiceUnavailable", "OpenAPI or Service is unavailable because of an unknown error, "
                                               "exception or failure."),
    ("timeout", 500, "ServiceTimeout", "Internal Service is unavailable because of time out."),
])
def test_error_faults_answer_and_apply_nothing(femu, signed, fault, status, code, message):
    femu.schedule_fault("PutThing", fault, count=2)
    for _i in range(2):
        got_status, body = put(signed, femu, "a")
        assert got_status == status
        assert body["Error"] == {"Type": "Receiver" if status >= 500 else "Sender", "Code": code, "Message": message}
        assert body["RequestId"]
    assert names(femu) == []
    assert put(signed, femu, "a")[0] == 200          # the count is used up
    assert names(femu) == ["a"]
    assert [r["fault"] for r in femu.requests] == [fault, fault, None]


def test_drop_closes_without_answer_and_applies_nothing(femu, signed):
    femu.schedule_fault("PutThing", "drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        put(signed, femu, "a")
    assert names(femu) == []
    assert put(signed, femu, "a")[0] == 200 and names(femu) == ["a"]


def test_lost_response_applies_the_write_but_never_answers(femu, signed):
    femu.schedule_fault("PutThing", "lost_response")
    with pytest.raises(requests.exceptions.ConnectionError):
        put(signed, femu, "a")
    assert names(femu) == ["a"]                      # applied
    rec = [r for r in femu.requests if r["action"] == "PutThing"][0]
    assert rec["fault"] == "lost_response" and rec["mutated"] is True and rec["status"] is None


def test_stall_outlasts_the_client_timeout_then_applies(femu, signed):
    femu.schedule_fault("PutThing", "stall")
    t0 = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        signed.response(femu, "PutThing", {"Name": "slow"}, version=V, method="POST", timeout=0.2)
    assert time.monotonic() - t0 < 0.45
    deadline = time.monotonic() + 5
    while "slow" not in names(femu) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert names(femu) == ["slow"]                   # answered (to nobody) after the stall


def test_stall_is_interrupted_by_stop(core_actions, signed):
    e = Emulator(world=EMPTY)                         # default stall: 35 s
    assert e.faults.stall_seconds == 35.0
    e.start()
    e.schedule_fault("Echo", "stall")
    errors = []

    def client():
        try:
            signed.response(e, "Echo", {}, version=V, timeout=20)
        except requests.exceptions.RequestException as exc:
            errors.append(exc)
    t = threading.Thread(target=client)
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    e.stop()
    t.join(10)
    assert not t.is_alive() and time.monotonic() - t0 < 5
    assert errors and isinstance(errors[0], requests.exceptions.ConnectionError)


def test_scheduled_fault_for_one_account_only(core_actions, signed):
    e = Emulator(accounts={"AK1": "s1", "AK2": "s2"}, world=EMPTY)
    e.start()
    try:
        e.schedule_fault("Echo", "throttle", account="AK2")
        assert signed(e, "Echo", {}, version=V)[0] == 200
        assert signed(e, "Echo", {}, version=V, access_key="AK2", secret_key="s2")[0] == 409
        assert signed(e, "Echo", {}, version=V, access_key="AK2", secret_key="s2")[0] == 200
    finally:
        e.stop()


def test_faults_only_after_a_valid_signature(core_actions, signed):
    e = Emulator(world=EMPTY, fault_rate=1.0, fault_seed=3, stall_seconds=0.1)
    e.start()
    try:
        r = requests.get(e.url + "/?Action=Echo&Version=" + V, timeout=5)
        assert r.status_code == 403 and r.json()["Error"]["Code"] == "MissingAuthenticationToken"
        status, body = signed(e, "Echo", {}, version=V, secret_key="wrong")
        assert body["Error"]["Code"] == "SignatureDoesNotMatch"
        assert requests.get(e.url + "/_emulator/health", timeout=5).json() == {"ok": True}   # admin: never
        assert all(r["fault"] is None for r in e.requests)
    finally:
        e.stop()


def _kinds(seed, n=40, mutates=True):
    f = Faults(rate=0.5, seed=seed)
    return [f.pick("PutThing", "AK", mutates) for _i in range(n)]


def test_random_faults_are_seeded_and_cover_the_kinds():
    assert _kinds(7) == _kinds(7) and _kinds(7) != _kinds(8)
    kinds = _kinds(1, n=2000)
    share = sum(k is not None for k in kinds) / len(kinds)
    assert 0.45 < share < 0.55
    assert set(kinds) == {None, "throttle", "unavailable", "timeout", "stall", "drop", "lost_response"}
    assert "lost_response" not in set(_kinds(1, n=2000, mutates=False))   # only for writes


def test_random_fault_rate_through_the_server(core_actions, signed):
    e = Emulator(world=EMPTY, fault_rate=0.5, fault_seed=11, stall_seconds=0.05)
    e.start()
    try:
        results = []
        for i in range(40):
            try:
                results.append(signed(e, "GetThings", {}, version=V, timeout=5)[0])
            except requests.exceptions.ConnectionError:
                results.append("closed")
        assert 200 in results and any(s != 200 for s in results)
        faults = [r["fault"] for r in e.requests]
        assert len(faults) == 40 and 8 < sum(f is not None for f in faults) < 32
    finally:
        e.stop()


def test_fail_resource_is_true_once(femu, signed):
    femu.schedule_fault("MakeThing", "fail_resource")
    assert signed(femu, "Echo", {}, version=V)[1]["Fail"] is False        # another action: untouched
    assert signed(femu, "MakeThing", {"Name": "a"}, version=V, method="POST")[1]["Failed"] is True
    assert signed(femu, "MakeThing", {"Name": "b"}, version=V, method="POST")[1]["Failed"] is False
    # a rolled-back request (DryRun) gives it back for the next real one
    femu.schedule_fault("MakeThing", "fail_resource")
    assert signed(femu, "MakeThing", {"Name": "c", "DryRun": "true"}, version=V, method="POST")[0] == 412
    assert signed(femu, "MakeThing", {"Name": "c"}, version=V, method="POST")[1]["Failed"] is True


def test_schedule_validation():
    f = Faults()
    for bad in [("A", "explode", 1, None), ("", "drop", 1, None), ("A", "drop", 0, None), ("A", "drop", 1, 5)]:
        with pytest.raises(ValueError):
            f.schedule(*bad)
    with pytest.raises(ValueError):
        Faults(rate=1.5)


def test_latency_ms(core_actions, signed):
    e = Emulator(world=EMPTY, latency_ms=150)
    e.start()
    try:
        signed(e, "Echo", {}, version=V)
        t0 = time.monotonic()
        assert signed(e, "Echo", {}, version=V)[0] == 200
        assert time.monotonic() - t0 >= 0.14
    finally:
        e.stop()


def test_random_fault_kinds_limit_what_the_rate_draws():
    answer = ("throttle", "unavailable", "timeout", "stall", "drop", "lost_response")
    f = Faults(rate=0.5, seed=3, kinds=answer)
    drawn = set(f.pick("PutThing", "AK", True) for _i in range(2000))
    assert drawn == set(answer) | {None}
    assert not any(f.fail_resource("PutThing", "AK") for _i in range(200))   # no resource fails
    f = Faults(rate=0.5, seed=3, kinds=("throttle", "fail_resource"))
    assert set(f.pick("GetThing", "AK", False) for _i in range(500)) == {"throttle", None}
    assert any(f.fail_resource("PutThing", "AK") for _i in range(200))
    f = Faults(rate=1.0, seed=3, kinds=("lost_response",))
    assert f.pick("GetThing", "AK", False) is None          # a read is never a lost response
    for bad in ((), ("explode",), ("not_ready",)):
        with pytest.raises(ValueError):
            Faults(kinds=bad)


def test_fault_kinds_option():
    from ksyun_emulator.server import build_parser
    args = build_parser().parse_args(["--fault-kinds", "throttle, drop"])
    assert args.fault_kinds == ("throttle", "drop")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--fault-kinds", "abnormal"])
