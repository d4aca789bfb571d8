# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""KsyunResource: the present/absent flow, check mode, diff, waits and writes whose answer was lost.

A toy resource ("thing") keeps its objects in a Python dict, so that every write the flow makes is
recorded and nothing but the flow is tested.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from core_compat import patch_module_args
from ansible_collections.ksyun.cloud.plugins.module_utils import _resource
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import (
    KsyunResource, KsyunToolbox, mask, wait_options)

CREDS = dict(access_key="AKLTopt", secret_key="opt-secret", region="cn-beijing-6")


def lost(action="CreateThing"):
    return KsyunError("ConnectionError", "the connection was lost before a complete answer", action=action,
                      maybe_applied=True)


def timed_out(action="CreateThing", code="ReadTimeout"):
    """A write the server got, and may still be carrying out (no answer in time, or ServiceTimeout)."""
    if code == "ReadTimeout":
        return KsyunError(code, "no answer from the API within 10 seconds", action=action, maybe_applied=True)
    return KsyunError(code, "Internal Service is unavailable because of time out.", status=500, action=action,
                      maybe_applied=True)


class World(object):
    """The toy API: objects by name, a log of writes, and scripted write failures."""

    def __init__(self, **things):
        self.things = dict((k, dict(v)) for k, v in things.items())
        self.writes = []
        self.fail = {}        # write name -> list of ("lost-applied" | "lost-not-applied" | KsyunError)
        self.reads = 0
        self.on_read = None   # callable(world) run at every read (lifecycles)
        self.late = None      # [reads to go, apply] of a write that lands after a while

    def read(self, name):
        self.reads += 1
        if self.on_read:
            self.on_read(self)
        if self.late is not None:
            self.late[0] -= 1
            if self.late[0] <= 0:
                self.late, apply = None, self.late[1]
                apply()
        thing = self.things.get(name)
        return dict(thing) if thing is not None else None

    def _write(self, what, apply):
        self.writes.append(what)
        outcome = self.fail.get(what, [None]).pop(0) if self.fail.get(what) else None
        if isinstance(outcome, KsyunError) and not outcome.maybe_applied:
            raise outcome     # an error answer: refused, nothing applied
        if outcome == "lost-not-applied":
            raise lost(what)
        if isinstance(outcome, tuple):
            # ("late", reads until it lands or None for never, the error the client saw)
            if outcome[1] is not None:
                self.late = [outcome[1], apply]
            raise outcome[2]
        apply()
        if outcome == "lost-applied":
            raise lost(what)
        if isinstance(outcome, KsyunError):
            raise outcome


class Thing(KsyunResource):
    represent = "thing"
    unique = False     # names may repeat: a timed-out create is never sent again
    argument_spec = dict(name=dict(type="str", required=True), size=dict(type="int"), note=dict(type="str"),
                         secret=dict(type="str", no_log=False), recreate=dict(type="bool", default=False),
                         state=dict(type="str", default="present", choices=["present", "absent"]),
                         **wait_options(30))
    mutable = ("note",)
    recreatable = True
    world = None

    def validate(self):
        if self.params["size"] is not None and self.params["size"] < 1:
            return "size must be at least 1, got %d" % self.params["size"]

    def get(self):
        return self.world.read(self.params["name"])

    def ident(self, raw):
        return raw["Name"]

    def view(self, raw):
        return dict(name=raw["Name"], size=raw.get("Size"), note=raw.get("Note"))

    def wanted(self):
        return self.defined("name", "size", "note")

    def status(self, raw):
        return raw.get("Status")

    def ready(self, raw):
        return raw.get("Status") == "ready"

    def failed(self, raw):
        return raw.get("Status") == "error"

    def deleting(self, raw):
        return raw.get("Status") == "deleting"

    def detail(self, raw):
        return "reason: %s" % raw["Reason"] if raw.get("Reason") else None

    def create(self):
        name = self.params["name"]
        if self.params["secret"]:
            self.hide(self.params["secret"])
        self.world._write("CreateThing", lambda: self.world.things.__setitem__(
            name, dict(Name=name, Size=self.params["size"] or 1, Note=self.params["note"], Status="ready")))
        return name

    def update(self, current, changes):
        self.world._write("UpdateThing", lambda: self.world.things[current["Name"]].update(Note=changes["note"][1]))

    def delete(self, current):
        self.world._write("DeleteThing", lambda: self.world.things.pop(current["Name"]))


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    monkeypatch.setattr(_resource, "REREAD_PAUSE", 0)
    monkeypatch.setattr(_resource, "POLL_START", 0)
    monkeypatch.setattr(_resource.time, "sleep", lambda s: None)


def run(world, capsys, check=False, diff=False, module=None, **args):
    module = module or Thing
    module.world = world
    args = dict(CREDS, **args)
    if check:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit) as info:
            module.run_module()
    out = json.loads(capsys.readouterr().out)
    out["rc"] = info.value.code
    return out


# ----------------------------------------------------------------------------------- present

def test_create_then_converged(capsys):
    world = World()
    out = run(world, capsys, diff=True, name="a", size=2, note="n")
    assert out["rc"] == 0 and out["changed"] is True
    assert out["thing"] == {"name": "a", "size": 2, "note": "n", "status": "ready"}
    assert out["diff"] == {"before": {}, "after": {"name": "a", "size": 2, "note": "n"}}
    assert world.writes == ["CreateThing"]
    world.reads = 0
    out = run(world, capsys, name="a", size=2, note="n")
    assert out["changed"] is False and world.writes == ["CreateThing"]
    assert world.reads == 1   # a converged run reads once (the object is ready: no wait poll)


def test_check_mode_predicts_and_writes_nothing(capsys):
    world = World(b=dict(Name="b", Size=1, Note="old", Status="ready"))
    out = run(world, capsys, check=True, diff=True, name="a", size=2)
    assert out["changed"] is True and out["thing"] == {} and world.writes == []
    assert out["diff"]["after"] == {"name": "a", "size": 2}
    out = run(world, capsys, check=True, diff=True, name="b", note="new")
    assert out["changed"] is True and world.writes == []
    assert out["diff"] == {"before": {"name": "b", "size": 1, "note": "old"},
                           "after": {"name": "b", "size": 1, "note": "new"}}
    out = run(world, capsys, check=True, name="b", state="absent")
    assert out["changed"] is True and world.writes == [] and "b" in world.things


def test_write_refuses_to_run_in_check_mode(capsys):
    class Sneaky(Thing):
        def before_create(self):
            self.write(lambda: self.world._write("CreateThing", lambda: None))
    world = World()
    Sneaky.world = world
    args = dict(CREDS, name="a", _ansible_check_mode=True)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            Sneaky.run_module()
    out = json.loads(capsys.readouterr().out)
    assert out["failed"] is True and "check mode" in out["msg"] and world.writes == []


def test_bad_input_fails_before_any_read(capsys):
    world = World()
    out = run(world, capsys, name="a", size=0)
    assert out["rc"] == 1 and out["msg"] == "size must be at least 1, got 0"
    assert world.reads == 0 and world.writes == []


def test_mutable_update_reads_again(capsys):
    world = World(a=dict(Name="a", Size=1, Note="old", Status="ready"))
    out = run(world, capsys, diff=True, name="a", note="new")
    assert out["changed"] is True and world.writes == ["UpdateThing"]
    assert out["thing"]["note"] == "new"
    assert out["diff"]["before"]["note"] == "old" and out["diff"]["after"]["note"] == "new"


def test_immutable_difference_fails_naming_each_option_and_both_values(capsys):
    world = World(a=dict(Name="a", Size=1, Note="old", Status="ready"))
    out = run(world, capsys, diff=True, name="a", size=3, note="new")
    assert out["rc"] == 1 and world.writes == []
    assert "size: is 1, the task wants 3" in out["msg"]
    assert "note" not in out["msg"]   # mutable: not a reason to fail
    assert "recreate=true" in out["msg"]
    assert out["diff"] == {"before": {"name": "a", "size": 1, "note": "old"},
                           "after": {"name": "a", "size": 3, "note": "new"}}


def test_recreate_deletes_waits_and_creates(capsys):
    world = World(a=dict(Name="a", Size=1, Note=None, Status="ready"))
    out = run(world, capsys, diff=True, name="a", size=3, recreate=True)
    assert out["changed"] is True and world.writes == ["DeleteThing", "CreateThing"]
    assert out["thing"]["size"] == 3
    assert out["diff"] == {"before": {"name": "a", "size": 1, "note": None}, "after": {"name": "a", "size": 3, "note": None}}


# ----------------------------------------------------------------------------------- lost answers

def test_lost_create_answer_is_read_back_not_repeated(capsys):
    world = World()
    world.fail["CreateThing"] = ["lost-applied"]
    out = run(world, capsys, name="a")
    assert out["rc"] == 0 and out["changed"] is True
    assert world.writes == ["CreateThing"] and list(world.things) == ["a"]


def test_lost_create_that_did_not_apply_is_sent_again_after_the_rereads(capsys):
    world = World()
    world.fail["CreateThing"] = ["lost-not-applied"]
    out = run(world, capsys, name="a")
    assert out["rc"] == 0 and world.writes == ["CreateThing", "CreateThing"]
    # 1 read before, REREADS re-reads, then the read of the wait
    assert world.reads == 1 + _resource.REREADS + 1


@pytest.fixture
def clock(monkeypatch):
    """A clock that only the module's pauses move (one REREAD_PAUSE = 1 s)."""
    now = [1000.0]
    monkeypatch.setattr(_resource, "REREAD_PAUSE", 1.0)
    monkeypatch.setattr(_resource.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(_resource.time, "sleep", lambda seconds: now.__setitem__(0, now[0] + seconds))
    return now


@pytest.mark.parametrize("code", ["ReadTimeout", "ServiceTimeout"])
def test_a_timed_out_create_that_lands_late_is_read_back_not_sent_again(capsys, clock, code):
    # the server applies it after 6 re-reads (about 5 s): more than REREADS, within timeout=10
    world = World()
    world.fail["CreateThing"] = [("late", 1 + 6, timed_out(code=code))]
    out = run(world, capsys, name="a", timeout=10)
    assert out["rc"] == 0 and out["changed"] is True
    assert world.writes == ["CreateThing"] and list(world.things) == ["a"]


@pytest.mark.parametrize("code", ["ReadTimeout", "ServiceTimeout"])
def test_a_timed_out_create_without_effect_is_not_sent_again_and_fails_saying_so(capsys, clock, code):
    world = World()
    world.fail["CreateThing"] = [("late", None, timed_out(code=code))]
    start = clock[0]
    out = run(world, capsys, name="a", timeout=10, wait=False)
    assert out["rc"] == 1 and out["changed"] is True and out["error"]["maybe_applied"] is True
    assert world.writes == ["CreateThing"] and world.things == {}
    assert out["error"]["code"] == code
    assert "re-read for 10 s, it shows no effect yet, and it was not sent again" in out["msg"]
    assert "A re-run continues from what it finds" in out["msg"]
    # re-read for `timeout` seconds (not only REREADS times)
    assert clock[0] - start >= 10 and world.reads >= 1 + 10


def test_a_lost_answer_of_a_finished_request_keeps_the_short_rereads(capsys, clock):
    # a dropped connection: the server's work on it is over, so REREADS re-reads decide and it is sent again
    world = World()
    world.fail["CreateThing"] = ["lost-not-applied"]
    start = clock[0]
    out = run(world, capsys, name="a", timeout=10)
    assert out["rc"] == 0 and world.writes == ["CreateThing", "CreateThing"]
    assert clock[0] - start == (_resource.REREADS - 1) * _resource.REREAD_PAUSE


def test_resends_are_bounded(capsys):
    world = World()
    world.fail["CreateThing"] = ["lost-not-applied"] * 10
    out = run(world, capsys, name="a")
    assert out["rc"] == 1 and out["error"]["maybe_applied"] is True
    assert world.writes == ["CreateThing"] * (1 + _resource.RESENDS)


def test_a_refused_create_is_read_once_more_not_sent_again_and_reports_no_change(capsys):
    # issue 14: an error answer (maybe_applied false) changed nothing, also in the failed result
    world = World()
    world.fail["CreateThing"] = [KsyunError("InvalidParameterValue", "no", status=400, action="CreateThing")]
    out = run(world, capsys, name="a")
    assert out["rc"] == 1 and out["error"]["code"] == "InvalidParameterValue"
    assert out["changed"] is False and out["error"]["maybe_applied"] is False
    assert world.writes == ["CreateThing"] and world.reads == 2


def test_a_refused_update_and_delete_report_no_change(capsys):
    world = World(a=dict(Name="a", Size=1, Note="old", Status="ready"))
    world.fail["UpdateThing"] = [KsyunError("InvalidParameterValue", "no", status=400, action="UpdateThing")]
    out = run(world, capsys, name="a", note="new")
    assert out["rc"] == 1 and out["changed"] is False
    world.fail["DeleteThing"] = [KsyunError("OperationDenied", "no", status=403, action="DeleteThing")]
    out = run(world, capsys, name="a", state="absent")
    assert out["rc"] == 1 and out["changed"] is False and list(world.things) == ["a"]


def test_an_already_exists_answer_is_read_back_and_converges(capsys):
    # a racing run created it between this run's first read and its create
    class Racing(Thing):
        def create(self):
            self.world.things["a"] = dict(Name="a", Size=1, Note="theirs", Status="ready")
            self.world.writes.append("CreateThing")
            raise KsyunError("ThingAlreadyExists", "exists", status=400, action="CreateThing")
    world = World()
    Racing.world = world
    with patch_module_args(dict(CREDS, name="a", note="ours")):
        with pytest.raises(SystemExit) as info:
            Racing.run_module()
    out = json.loads(capsys.readouterr().out)
    assert info.value.code == 0 and out["thing"]["name"] == "a"
    # it continued from what is there: the mutable option updated (a change), no second create
    assert world.writes == ["CreateThing", "UpdateThing"] and world.things["a"]["Note"] == "ours"
    assert out["changed"] is True
    assert out["reconciled"]["survivor"] == "a" and out["reconciled"]["deleted"] == []
    assert "ThingAlreadyExists" in out["reconciled"]["reason"]


def test_with_wait_a_timed_out_create_is_reread_until_wait_timeout(capsys, clock):
    # lands after 40 re-reads (40 s): past timeout=10, within wait_timeout=60
    world = World()
    world.fail["CreateThing"] = [("late", 1 + 40, timed_out())]
    out = run(world, capsys, name="a", timeout=10, wait=True, wait_timeout=60)
    assert out["rc"] == 0 and out["changed"] is True
    assert world.writes == ["CreateThing"] and list(world.things) == ["a"]


def test_with_wait_a_timed_out_create_without_effect_says_how_long_it_may_take(capsys, clock):
    world = World()
    world.fail["CreateThing"] = [("late", None, timed_out())]
    start = clock[0]
    out = run(world, capsys, name="a", timeout=10, wait=True, wait_timeout=60)
    assert out["rc"] == 1 and out["changed"] is True and world.writes == ["CreateThing"]
    assert clock[0] - start >= 60
    assert "re-read for 60 s" in out["msg"] and "allow it at least 60 s more" in out["msg"]
    assert "a run started before it lands can make a duplicate" in out["msg"]


def test_a_timed_out_delete_still_there_is_sent_again(capsys, clock):
    # deletes are safe to repeat: a timed-out one without effect is re-read and sent again
    world = World(a=dict(Name="a", Size=1, Note=None, Status="ready"))
    world.fail["DeleteThing"] = [("late", None, timed_out("DeleteThing")), ("late", None, timed_out("DeleteThing"))]
    out = run(world, capsys, name="a", state="absent", timeout=10)
    assert out["rc"] == 0 and out["changed"] is True
    assert world.writes == ["DeleteThing"] * 3 and world.things == {}


def test_a_delete_refused_because_a_racing_run_deleted_it_converges(capsys):
    class Racing(Thing):
        def delete(self, current):
            self.world.things.pop("a")
            self.world.writes.append("DeleteThing")
            raise KsyunError("ThingNotFound", "gone", status=404, action="DeleteThing")
    world = World(a=dict(Name="a", Size=1, Note=None, Status="ready"))
    Racing.world = world
    with patch_module_args(dict(CREDS, name="a", state="absent")):
        with pytest.raises(SystemExit) as info:
            Racing.run_module()
    out = json.loads(capsys.readouterr().out)
    assert info.value.code == 0 and out["changed"] is False and world.writes == ["DeleteThing"]


def test_lost_delete_answer(capsys):
    world = World(a=dict(Name="a", Size=1, Note=None, Status="ready"))
    world.fail["DeleteThing"] = ["lost-applied"]
    out = run(world, capsys, name="a", state="absent")
    assert out["rc"] == 0 and out["changed"] is True and world.writes == ["DeleteThing"]


# ----------------------------------------------------------------------------------- absent, deleting, waits

def test_before_delete_checks_run_in_check_mode_too_and_block_the_delete(capsys):
    class Guarded(Thing):
        def before_delete(self, current):
            self.world.read(current["Name"])      # the reads a delete needs count as reads, in check mode too
            if current.get("Note") == "locked":
                self.fail("thing %s is locked" % current["Name"])
    world = World(a=dict(Name="a", Size=1, Note="locked", Status="ready"), b=dict(Name="b", Size=1, Status="ready"))
    Guarded.world = world
    for check in (True, False):
        args = dict(CREDS, name="a", state="absent", _ansible_check_mode=check)
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                Guarded.run_module()
        out = json.loads(capsys.readouterr().out)
        assert out["failed"] is True and out["msg"] == "thing a is locked"
    assert world.writes == [] and world.reads == 4 and "a" in world.things
    with patch_module_args(dict(CREDS, name="b", state="absent")):
        with pytest.raises(SystemExit):
            Guarded.run_module()
    assert json.loads(capsys.readouterr().out)["changed"] is True and world.writes == ["DeleteThing"]


def test_absent_twice(capsys):
    world = World(a=dict(Name="a", Size=1, Note=None, Status="ready"))
    out = run(world, capsys, diff=True, name="a", state="absent")
    assert out["changed"] is True and out["thing"] == {} and out["diff"]["after"] == {}
    out = run(world, capsys, name="a", state="absent")
    assert out["changed"] is False and world.writes == ["DeleteThing"]


def test_deleting_counts_as_absent_in_progress(capsys):
    world = World(a=dict(Name="a", Size=1, Note=None, Status="deleting"))
    reads = []

    def finish(w):
        reads.append(1)
        if len(reads) == 3:   # the deletion ends at the third read
            w.things.pop("a", None)
    world.on_read = finish
    out = run(world, capsys, name="a", state="absent")
    assert out["changed"] is False and world.writes == [] and "a" not in world.things
    # present: waits until it is gone, then creates it again
    world = World(a=dict(Name="a", Size=1, Note=None, Status="deleting"))
    reads[:] = []
    world.on_read = finish
    out = run(world, capsys, name="a")
    assert out["changed"] is True and world.writes == ["CreateThing"]
    # ... unless wait=false
    world = World(a=dict(Name="a", Size=1, Note=None, Status="deleting"))
    out = run(world, capsys, name="a", wait=False)
    assert out["rc"] == 1 and "being deleted" in out["msg"]


def test_wait_fails_fast_on_a_failure_state_with_the_statuses_seen(capsys):
    world = World(a=dict(Name="a", Size=1, Note=None, Status="building"))
    steps = ["building", "installing", "error"]
    world.on_read = lambda w: w.things["a"].update(Status=steps.pop(0) if len(steps) > 1 else steps[0])
    out = run(world, capsys, name="a")
    assert out["rc"] == 1 and out["wait_reason"] == "failed"
    assert "last status error (seen: building -> installing -> error)" in out["msg"]


def test_wait_failure_adds_the_detail_of_the_last_state(capsys):
    world = World(a=dict(Name="a", Size=1, Note=None, Status="building"))
    world.on_read = lambda w: w.reads > 1 and w.things["a"].update(Status="error", Reason="disk full")
    out = run(world, capsys, name="a")
    assert out["rc"] == 1 and out["wait_reason"] == "failed"
    assert out["msg"].endswith("last status error (seen: building -> error); reason: disk full")
    world = World(a=dict(Name="a", Size=1, Note=None, Status="building"))
    out = run(world, capsys, name="a", wait_timeout=0)
    assert out["msg"].endswith("last status building (seen: building)")   # nothing to add


def test_wait_timeout_reports_the_last_status(capsys):
    world = World(a=dict(Name="a", Size=1, Note=None, Status="building"))
    out = run(world, capsys, name="a", wait_timeout=0)
    assert out["rc"] == 1 and out["wait_reason"] == "timeout"
    assert out["msg"].startswith("thing a not ready after 0 seconds: last status building")
    out = run(world, capsys, name="a", wait=False)
    assert out["rc"] == 0 and out["thing"]["status"] == "building"


def test_hidden_values_never_reach_the_output(capsys):
    world = World()
    world.fail["CreateThing"] = [KsyunError("Oops", "echoing s3cr3t-value back", status=400, action="CreateThing")]
    out = run(world, capsys, name="a", secret="s3cr3t-value")
    assert out["rc"] == 1 and "s3cr3t-value" not in json.dumps(out)


class SecretThing(Thing):
    argument_spec = dict(Thing.argument_spec, para=dict(type="dict"))

    @staticmethod
    def secret_values(arguments):
        return [(arguments.get("para") or {}).get("Password")] if isinstance(arguments.get("para"), dict) else []


def test_secret_values_hidden_even_when_the_argument_validation_fails(capsys):
    SecretThing.world = World()
    args = dict(CREDS, name="a", size="big", para={"Password": "Para-s3cr3t"})
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            SecretThing.run_module()
    out = capsys.readouterr().out
    assert "argument 'size'" in json.loads(out)["msg"] and "Para-s3cr3t" not in out
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            Thing.run_module()   # a class that does not name the secret
    assert "Para-s3cr3t" in capsys.readouterr().out


def test_mask():
    value = {"A": 1, "InstancePassword": "p", "Nested": [{"Password": "q", "B": None}], "Password": None}
    assert mask(value, ("InstancePassword", "Password")) == {
        "A": 1, "InstancePassword": "********", "Nested": [{"Password": "********", "B": None}], "Password": None}


# ----------------------------------------------------------------------------------- NamedResource

class Named(_resource.NamedResource):
    """Toy objects with ids, whose names may repeat; the API answers in an order of its own."""
    represent = "named"
    argument_spec = dict(name=dict(type="str"), named_id=dict(type="str"), size=dict(type="int"),
                         state=dict(type="str", default="present", choices=["present", "absent"]),
                         **wait_options(30))
    module_kwargs = dict(required_one_of=[["name", "named_id"]])
    id_option, id_key, name_key = "named_id", "Id", "Name"
    objects = None     # list of {"Id", "Name", "Size"}
    writes = None
    lose = None        # "applied": the next create is applied, its answer lost; "twice": two appear

    def describe(self, ids=None, name=None):
        found = [dict(o) for o in self.objects if (ids is None or o["Id"] in ids) and (name is None or name in o["Name"])]
        return list(reversed(found))   # never the order of the request

    def view(self, raw):
        return dict(name=raw["Name"], size=raw["Size"])

    def wanted(self):
        return dict((k, self.params[k]) for k in ("name", "size") if self.params[k] is not None)

    def create(self):
        self.writes.append("Create")
        new = dict(Id="id-%d" % (len(self.objects) + 1), Name=self.params["name"], Size=self.params["size"] or 1)
        self.objects.append(new)
        if self.lose:
            if self.lose == "twice":
                self.objects.append(dict(new, Id="id-x"))
            self.lose = None
            raise lost()
        return new["Id"]

    def delete(self, current):
        self.writes.append("Delete %s" % current["Id"])
        self.objects[:] = [o for o in self.objects if o["Id"] != current["Id"]]


def run_named(capsys, objects, lose=None, **args):
    Named.objects, Named.writes, Named.lose = objects, [], lose
    with patch_module_args(dict(CREDS, **args)):
        with pytest.raises(SystemExit) as info:
            Named.run_module()
    out = json.loads(capsys.readouterr().out)
    out["rc"] = info.value.code
    return out


def test_named_several_objects_of_the_name_fail_listing_their_ids(capsys):
    objects = [dict(Id="id-1", Name="web", Size=1), dict(Id="id-2", Name="web", Size=1),
               dict(Id="id-3", Name="web-2", Size=1)]
    for state in ("present", "absent"):
        out = run_named(capsys, objects, name="web", state=state)
        assert out["rc"] == 1 and Named.writes == []
        assert out["msg"] == "2 nameds are named web: id-1, id-2; set named_id to choose one"


def test_named_an_id_chooses_one_matched_by_id_not_by_position(capsys):
    objects = [dict(Id="id-1", Name="web", Size=1), dict(Id="id-2", Name="web", Size=2)]
    out = run_named(capsys, objects, name="web", named_id="id-1", size=1)
    assert out["rc"] == 0 and out["changed"] is False and out["named"]["id"] == "id-1"
    out = run_named(capsys, objects, named_id="id-2", state="absent")
    assert out["changed"] is True and Named.writes == ["Delete id-2"] and [o["Id"] for o in objects] == ["id-1"]


def test_named_the_exact_name_only(capsys):
    objects = [dict(Id="id-1", Name="web-old", Size=1)]
    out = run_named(capsys, objects, name="web")
    assert out["changed"] is True and Named.writes == ["Create"] and out["named"]["id"] == "id-2"


def test_named_an_unknown_id_is_not_created(capsys):
    out = run_named(capsys, [], name="web", named_id="id-9")
    assert out["rc"] == 1 and Named.writes == []
    assert out["msg"].startswith("named id-9 does not exist: an id only finds an existing one")
    out = run_named(capsys, [], named_id="id-9", state="absent")
    assert out["rc"] == 0 and out["changed"] is False


def test_named_a_lost_create_answer_takes_the_new_object_of_the_name(capsys):
    objects = [dict(Id="id-1", Name="web-2", Size=1)]
    out = run_named(capsys, objects, lose="applied", name="web", size=3)
    assert out["rc"] == 0 and out["changed"] is True and Named.writes == ["Create"]
    assert out["named"]["id"] == "id-2" and len(objects) == 2


def test_named_a_lost_create_answer_with_two_new_objects_deletes_none_and_takes_the_survivor(capsys):
    # which one this run made cannot be told: none is deleted, the survivor is taken, with a warning
    objects = []
    out = run_named(capsys, objects, lose="twice", name="web")
    assert out["rc"] == 0 and Named.writes == ["Create"] and len(objects) == 2
    assert out["named"]["id"] == "id-1" and out["reconciled"]["deleted"] == []
    assert "cannot tell which one it made" in out["reconciled"]["reason"]


def test_a_failure_after_a_change_reports_the_change(capsys):
    class Breaks(Thing):
        def create(self):
            name = super(Breaks, self).create()
            self.world.things[name]["Status"] = "error"   # created, then it fails
            return name
    world = World()
    Breaks.world = world
    with patch_module_args(dict(CREDS, name="a")):
        with pytest.raises(SystemExit):
            Breaks.run_module()
    out = json.loads(capsys.readouterr().out)
    assert out["failed"] is True and out["changed"] is True and world.writes == ["CreateThing"]
    # a failure before any change says so
    out = run(World(), capsys, name="a", size=0)
    assert out["rc"] == 1 and out["changed"] is False


def test_the_object_just_read_is_the_first_poll(capsys):
    # already failed: fails at once, without reading again
    world = World(a=dict(Name="a", Size=1, Note=None, Status="error"))
    out = run(world, capsys, name="a")
    assert out["rc"] == 1 and out["wait_reason"] == "failed" and world.reads == 1
    # in progress: the next read comes after a pause, not right after the first one
    world = World(a=dict(Name="a", Size=1, Note=None, Status="building"))
    world.on_read = lambda w: w.things["a"].update(Status="ready") if w.reads >= 2 else None
    out = run(world, capsys, name="a")
    assert out["rc"] == 0 and world.reads == 2


# ----------------------------------------------------------------------------------- racing runs

def test_creation_time_reads_the_apis_formats():
    ct = _resource.creation_time
    assert ct("2019-09-10T10:56:13+08:00") == ct("2019-09-10T02:56:13Z") == ct("2019-09-10 02:56:13")
    assert ct("2019-09-10T02:56:13.5Z") > ct("2019-09-10T02:56:13Z")
    assert ct(None) is None and ct("yesterday") is None


def test_survivor_is_the_oldest_then_the_smallest_id_whatever_the_order():
    objects = [dict(Id="b", CreateTime="2024-01-01T10:00:01+08:00"), dict(Id="c", CreateTime="2024-01-01T02:00:00Z"),
               dict(Id="a", CreateTime="2024-01-01T10:00:00+08:00"), dict(Id="0", CreateTime=None)]
    for order in (objects, list(reversed(objects)), objects[1:] + objects[:1]):
        assert _resource.survivor(order, lambda r: r["Id"])["Id"] == "a"


class Raced(Named):
    """Named objects with creation times; `racer` objects appear at the create, as a racing run's would."""
    racer = None     # list of objects a racing run makes at the same moment
    times = None     # the CreateTime of this run's own object

    def create(self):
        self.writes.append("Create")
        new = dict(Id=self.times[1], Name=self.params["name"], Size=self.params["size"] or 1,
                   CreateTime=self.times[0], Status="ready")
        self.objects.append(new)
        self.objects.extend(self.racer or [])
        return new["Id"]

    def deleting(self, raw):
        return raw.get("Status") == "deleting"

    def delete(self, current):
        self.writes.append("Delete %s" % current["Id"])
        for o in self.objects:
            if o["Id"] == current["Id"]:
                o["Status"] = "deleting"


def run_raced(capsys, objects, racer, times, **args):
    Raced.objects, Raced.writes, Raced.racer, Raced.times = objects, [], racer, times
    with patch_module_args(dict(CREDS, **args)):
        with pytest.raises(SystemExit) as info:
            Raced.run_module()
    out = json.loads(capsys.readouterr().out)
    out["rc"] = info.value.code
    return out


def test_racing_create_the_older_one_survives_and_this_run_deletes_only_its_own(capsys):
    theirs = dict(Id="id-9", Name="web", Size=1, CreateTime="2024-01-01 10:00:00", Status="ready")
    objects = []
    out = run_raced(capsys, objects, [theirs], ("2024-01-01 10:00:01", "id-1"), name="web")
    assert out["rc"] == 0 and out["named"]["id"] == "id-9"
    assert Raced.writes == ["Create", "Delete id-1"]
    assert [o["Status"] for o in objects] == ["deleting", "ready"]
    assert out["reconciled"]["survivor"] == "id-9" and out["reconciled"]["deleted"] == ["id-1"]
    assert out["changed"] is True


def test_racing_create_this_runs_older_one_is_kept_and_nothing_deleted(capsys):
    theirs = dict(Id="id-0", Name="web", Size=1, CreateTime="2024-01-01 10:00:01", Status="ready")
    objects = []
    out = run_raced(capsys, objects, [theirs], ("2024-01-01 10:00:00", "id-5"), name="web")
    assert out["rc"] == 0 and out["named"]["id"] == "id-5" and Raced.writes == ["Create"]
    assert "reconciled" not in out and [o["Status"] for o in objects] == ["ready", "ready"]


def test_racing_create_same_second_the_smaller_id_survives(capsys):
    theirs = dict(Id="id-2", Name="web", Size=1, CreateTime="2024-01-01 10:00:00", Status="ready")
    out = run_raced(capsys, [], [theirs], ("2024-01-01 10:00:00", "id-3"), name="web")
    assert out["named"]["id"] == "id-2" and Raced.writes == ["Create", "Delete id-3"]
    theirs = dict(theirs, Id="id-4")
    out = run_raced(capsys, [], [theirs], ("2024-01-01 10:00:00", "id-3"), name="web")
    assert out["named"]["id"] == "id-3" and Raced.writes == ["Create"]


def test_a_run_that_made_nothing_takes_the_survivor_of_racing_runs_and_deletes_nothing(capsys):
    # made within RACE_WINDOW of each other: racing runs (the one that made id-2 deletes it)
    objects = [dict(Id="id-2", Name="web", Size=1, CreateTime="2024-01-01 10:00:00", Status="ready"),
               dict(Id="id-1", Name="web", Size=1, CreateTime="2024-01-01 10:00:00", Status="ready")]
    out = run_raced(capsys, objects, None, None, name="web")
    assert out["rc"] == 0 and out["named"]["id"] == "id-1" and Raced.writes == []
    assert out["changed"] is False and out["reconciled"]["survivor"] == "id-1" and out["reconciled"]["deleted"] == []
    # further apart: duplicates made on purpose (or by a run that died) fail listing them, nothing deleted
    objects[0]["CreateTime"] = "2024-01-01 10:02:01"
    for state in ("present", "absent"):
        out = run_raced(capsys, objects, None, None, name="web", state=state)
        assert out["rc"] == 1 and Raced.writes == [] and "2 nameds are named web: id-1, id-2" in out["msg"]


def test_a_timed_out_create_of_a_unique_name_is_sent_again_after_the_rereads(capsys, clock):
    # the API refuses a second create of a unique name, so sending it again cannot duplicate
    class Unique(Thing):
        unique = True
    world = World()
    world.fail["CreateThing"] = [("late", None, timed_out(code="ServiceTimeout"))]
    Unique.world = world
    with patch_module_args(dict(CREDS, name="a", timeout=10, wait_timeout=600)):
        with pytest.raises(SystemExit) as info:
            Unique.run_module()
    out = json.loads(capsys.readouterr().out)
    assert info.value.code == 0 and world.writes == ["CreateThing", "CreateThing"] and list(world.things) == ["a"]
    assert clock[0] < 1000.0 + 60     # not re-read until wait_timeout


def test_a_run_waiting_for_what_a_racing_run_then_deletes_continues_with_the_survivor(capsys, monkeypatch):
    # this run found id-2 (made by a racing run, still building); that run lost and deletes it
    objects = [dict(Id="id-2", Name="web", Size=1, CreateTime="2024-01-01 10:00:01", Status="building")]
    reads = []

    def describe(self, ids=None, name=None):
        reads.append(ids)
        if len(reads) == 2:
            objects[0]["Status"] = "deleting"
            objects.append(dict(Id="id-1", Name="web", Size=1, CreateTime="2024-01-01 10:00:00", Status="ready"))
        return [dict(o) for o in objects if (ids is None or o["Id"] in ids) and (name is None or name in o["Name"])]
    monkeypatch.setattr(Raced, "describe", describe)
    monkeypatch.setattr(Raced, "ready", lambda self, raw: raw.get("Status") == "ready")
    out = run_raced(capsys, objects, None, None, name="web")
    assert out["rc"] == 0 and out["named"]["id"] == "id-1" and Raced.writes == []
    assert out["reconciled"]["survivor"] == "id-1" and out["changed"] is False


# ----------------------------------------------------------------------------------- the toolbox alone

class Batch(KsyunToolbox):
    """A toy module on the toolbox alone (no present/absent flow): it writes several things at once."""
    label = "batch"
    argument_spec = dict(names=dict(type="list", elements="str", required=True), note=dict(type="str"),
                         size=dict(type="int"))
    world = None

    def __init__(self, module):
        super().__init__(module)
        self.made = []

    def apply(self):
        self.result["asked"] = sorted(self.defined("names", "note", "size"))
        todo = [n for n in self.params["names"] if self.world.read(n) is None]
        self.before, self.after = dict(things=[]), dict(things=todo)
        if self.check_mode:
            self.changed = bool(todo)
            return None
        for name in todo:
            self.write(lambda: self.world._write("CreateThing", lambda: self.world.things.__setitem__(
                name, dict(Name=name))), lambda: True if self.world.read(name) else None)
            self.made.append(name)
        return None

    def so_far(self):
        return dict(made=list(self.made))


def run_batch(world, capsys, check=False, **args):
    return run(world, capsys, check=check, diff=True, module=Batch, **args)


def test_a_toolbox_module_runs_its_own_flow_with_writes_diff_and_result(capsys):
    world = World(b=dict(Name="b"))
    out = run_batch(world, capsys, check=True, names=["a", "b", "c"])
    assert out["changed"] is True and world.writes == [] and "made" in out and out["made"] == []
    assert out["diff"] == {"before": {"things": []}, "after": {"things": ["a", "c"]}}
    world.fail["CreateThing"] = ["lost-applied"]           # a lost answer is re-read, not sent again
    out = run_batch(world, capsys, names=["a", "b", "c"], note=None, size=0)
    assert out["changed"] is True and out["made"] == ["a", "c"] and world.writes == ["CreateThing"] * 2
    # no `represent`: no resource key; an option set to null is not set, one set to 0 is
    assert "batch" not in out and out["asked"] == ["names", "size"]


def test_a_toolbox_module_failing_reports_what_it_did_so_far(capsys):
    world = World()
    world.fail["CreateThing"] = [None, KsyunError("QuotaExceeded", "no more things", action="CreateThing")]
    out = run_batch(world, capsys, names=["a", "b"])
    assert out["failed"] is True and out["error"]["code"] == "QuotaExceeded"
    assert out["made"] == ["a"] and out["changed"] is True and world.writes == ["CreateThing"] * 2
