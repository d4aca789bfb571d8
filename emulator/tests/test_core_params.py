"""core.Params, paginate and stage (pure unit tests)."""
import re

import pytest

from ksyun_emulator import core
from ksyun_emulator.core import ApiError, Params


def err(fn, *a, **kw):
    with pytest.raises(ApiError) as info:
        fn(*a, **kw)
    return info.value


def test_str_rules():
    p = Params([("Name", "abc"), ("Empty", ""), ("Dup", "1"), ("Dup", "2")])
    assert p.str("Name") == "abc"
    assert p.str("Nope") is None and p.str("Nope", default="d") == "d"
    assert p.str("Empty") == "" and p.str("Empty", default="x") == "x"
    e = err(p.str, "Nope", required=True)
    assert (e.status, e.code, e.message) == (400, "MissingParameter",
                                             "An value must be supplied for the input parameter Nope.")
    assert err(p.str, "Empty", required=True).code == "MissingParameter"
    e = err(p.str, "Name", choices=("x", "y"))
    assert e.code == "InvalidParameterValue"
    assert e.message.startswith("An invalid or out-of-range value was supplied for the input parameter Name.")
    assert err(p.str, "Name", min_len=4).code == "InvalidParameterValue"
    assert err(p.str, "Name", max_len=2).code == "InvalidParameterValue"
    assert p.str("Name", min_len=3, max_len=3, pattern=r"[a-c]+") == "abc"
    assert err(p.str, "Name", pattern=re.compile(r"ab")).code == "InvalidParameterValue"  # full match only
    assert "Dup" in err(p.str, "Dup").message  # the same name twice is ambiguous


def test_int_and_float():
    p = Params({"N": "42", "Neg": "-3", "Bad": "4.5", "F": "2.5", "Inf": "inf", "Word": "x", "Sp": " 1"})
    assert p.int("N") == 42 and p.int("Neg") == -3 and p.int("Nope", default=7) == 7
    for name in ("Bad", "Word", "Sp"):
        assert err(p.int, name).code == "InvalidParameterValue"
    assert err(p.int, "N", max=41).code == "InvalidParameterValue"
    assert err(p.int, "Neg", min=0).code == "InvalidParameterValue"
    assert err(p.int, "N", choices=(1, 2)).code == "InvalidParameterValue"
    assert p.float("F") == 2.5 and p.float("N") == 42.0
    assert err(p.float, "Inf").code == "InvalidParameterValue"
    assert err(p.float, "F", min=3).code == "InvalidParameterValue"
    assert err(p.int, "Missing", required=True).code == "MissingParameter"


@pytest.mark.parametrize("text,value", [("true", True), ("True", True), ("TRUE", True), ("1", True),
                                        ("false", False), ("False", False), ("FALSE", False), ("0", False)])
def test_bool_accepted_spellings(text, value):
    assert Params({"B": text}).bool("B") is value


@pytest.mark.parametrize("text", ["yes", "tRUE", "2", "on", " true"])
def test_bool_refused_spellings(text):
    e = err(Params({"B": text}).bool, "B")
    assert e.code == "InvalidParameterValue" and "parameter B." in e.message


def test_bool_default_and_required():
    assert Params({}).bool("B") is None and Params({}).bool("B", default=False) is False
    assert err(Params({}).bool, "B", required=True).code == "MissingParameter"


def test_json_param():
    p = Params({"J": '{"a": [1, 2]}', "Bad": "{nope"})
    assert p.json("J") == {"a": [1, 2]} and p.json("Nope") is None
    assert err(p.json, "Bad").code == "InvalidParameterValue"
    assert err(p.json, "Nope", required=True).code == "MissingParameter"


def test_list_numeric_order_and_bases():
    p = Params([("Id.10", "ten"), ("Id.2", "two"), ("Id.1", "one"), ("Other", "x"), ("Id.x", "ignored")])
    assert p.list("Id") == ["one", "two", "ten"]
    assert Params([("Id.1", "b"), ("Id.0", "a")]).list("Id") == ["a", "b"]   # 0-based works
    assert Params({}).list("Id") == []
    e = err(Params({}).list, "Id", required=True)
    assert e.code == "MissingParameter" and "Id.N" in e.message


def test_list_index_range_and_duplicates():
    assert Params({"Id.100": "x"}).list("Id") == ["x"]
    e = err(Params({"Id.101": "x"}).list, "Id")
    assert e.code == "InvalidParameterValue" and "parameter Id.101." in e.message
    assert "Id.1" in err(Params([("Id.1", "a"), ("Id.1", "b")]).list, "Id").message
    assert err(Params([("Id.1", "a"), ("Id.01", "b")]).list, "Id").code == "InvalidParameterValue"
    many = Params({"Id.%d" % i: str(i) for i in range(1, 6)})
    assert err(many.list, "Id", max_items=4).code == "InvalidParameterValue"
    assert len(many.list("Id", max_items=5)) == 5


def test_groups_and_sub_keep_full_names_in_errors():
    p = Params([
        ("Container.2.Name", "b"), ("Container.2.Port.1.Number", "x"),
        ("Container.10.Name", "c"),
        ("Container.1.Name", "a"), ("Container.1.Port.1.Number", "80"), ("Container.1.Env.Key", "K"),
        ("Container.1.Flag", "maybe"),
    ])
    groups = p.groups("Container")
    assert [g.str("Name") for g in groups] == ["a", "b", "c"]
    first = groups[0]
    assert first.groups("Port")[0].int("Number") == 80
    e = err(groups[1].groups("Port")[0].int, "Number")
    assert "parameter Container.2.Port.1.Number." in e.message
    assert "parameter Container.1.Flag." in err(first.bool, "Flag").message
    env = first.sub("Env")
    assert env.str("Key") == "K"
    assert "parameter Container.1.Env.Value." in err(env.str, "Value", required=True).message
    assert first.has("Port") and first.has("Env") and not first.has("Volume")
    assert first.full("Name") == "Container.1.Name"
    assert "parameter Container.10.Nope." in err(groups[2].str, "Nope", required=True).message
    assert err(Params({}).groups, "Container", required=True).code == "MissingParameter"
    e = err(Params({"Container.101.Name": "x"}).groups, "Container")
    assert "Container.101" in e.message


def test_unknown_parameters_are_ignored():
    p = Params({"Unknown": "x", "Name": "n"})
    assert p.str("Name") == "n"


# ------------------------------------------------------------------------------- filters

def test_filters_happy():
    p = Params([("Filter.2.Name", "status"), ("Filter.2.Value.2", "b"), ("Filter.2.Value.1", "a"),
                ("Filter.10.Name", "vpc-id"), ("Filter.10.Value.1", "v")])
    assert p.filters(["status", "vpc-id"]) == {"status": ["a", "b"], "vpc-id": ["v"]}
    assert Params({}).filters(["status"]) == {}


def _filter_error(pairs, allowed=("vpc-id", "subnet-id", "network-acl-id")):
    e = err(Params(pairs).filters, list(allowed))
    assert e.status == 400 and e.code == "InvalidParameterValue"
    return e.message


def test_filter_rule1_same_name_key_twice():
    msg = _filter_error([("Filter.1.Name", "vpc-id"), ("Filter.1.Name", "subnet-id"), ("Filter.1.Value.1", "x")])
    assert "parameter Filter.1.Name." in msg


def test_filter_rule2_same_name_value_twice():
    msg = _filter_error([("Filter.1.Name", "vpc-id"), ("Filter.1.Value.1", "a"),
                         ("Filter.2.Name", "vpc-id"), ("Filter.2.Value.1", "b")])
    assert "parameter Filter.2.Name." in msg


def test_filter_rule3_same_value_index_twice():
    msg = _filter_error([("Filter.1.Name", "vpc-id"), ("Filter.1.Value.1", "vpc-12345678"),
                         ("Filter.1.Value.1", "vpc-23456789")])
    assert "parameter Filter.1.Value.1." in msg


def test_filter_rule4_name_and_value_together():
    msg = _filter_error([("Filter.1.Name", "vpc-id"), ("Filter.1.Value.1", "vpc-1"),
                         ("Filter.2.Value.1", "subnet-1")])
    assert "parameter Filter.2.Value.1." in msg
    msg = _filter_error([("Filter.1.Name", "vpc-id"), ("Filter.1.Value.1", "vpc-1"), ("Filter.2.Name", "subnet-id")])
    assert "parameter Filter.2.Name." in msg


def test_filter_rule5_range():
    ok = Params([("Filter.1.Name", "vpc-id"), ("Filter.1.Value.100", "vpc-12345678"),
                 ("Filter.100.Name", "network-acl-id"), ("Filter.100.Value.1", "acl-12345678")])
    assert ok.filters(["vpc-id", "network-acl-id"]) == {"vpc-id": ["vpc-12345678"], "network-acl-id": ["acl-12345678"]}
    assert "Filter.0.Name" in _filter_error([("Filter.0.Name", "vpc-id"), ("Filter.0.Value.1", "x")])
    assert "Filter.101.Name" in _filter_error([("Filter.101.Name", "vpc-id"), ("Filter.101.Value.1", "x")])
    assert "Filter.1.Value.101" in _filter_error([("Filter.1.Name", "vpc-id"), ("Filter.1.Value.101", "x")])
    assert "Filter.1.Value.0" in _filter_error([("Filter.1.Name", "vpc-id"), ("Filter.1.Value.0", "x")])


def test_filter_name_not_allowed():
    assert "parameter Filter.3.Name." in _filter_error([("Filter.3.Name", "colour"), ("Filter.3.Value.1", "x")])
    assert Params([("Filter.3.Name", "colour"), ("Filter.3.Value.1", "x")]).filters() == {"colour": ["x"]}


def test_id_n_rule_for_lists():
    # ID.N follows the same rules: N in range, no index twice
    assert Params({"SubnetId.1": "a", "SubnetId.100": "b"}).list("SubnetId") == ["a", "b"]
    assert err(Params([("SubnetId.1", "a"), ("SubnetId.1", "b")]).list, "SubnetId").code == "InvalidParameterValue"


# ------------------------------------------------------------------------------- paging and stages

def test_page():
    assert Params({}).page(20, 100) == (0, 20)
    assert Params({"Marker": "40", "MaxResults": "100"}).page(20, 100) == (40, 100)
    assert "Marker" in err(Params({"Marker": "-1"}).page, 20, 100).message
    assert "MaxResults" in err(Params({"MaxResults": "0"}).page, 20, 100).message
    assert "MaxResults" in err(Params({"MaxResults": "101"}).page, 20, 100).message
    assert "MaxResults" in err(Params({"MaxResults": "ten"}).page, 20, 100).message


def test_paginate():
    items = list(range(5))
    assert core.paginate(items, 0, 2) == ([0, 1], 2, 5)
    assert core.paginate(items, 2, 2) == ([2, 3], 4, 5)
    assert core.paginate(items, 4, 2) == ([4], 0, 5)
    assert core.paginate(items, 3, 2) == ([3, 4], 0, 5)
    assert core.paginate(items, 9, 2) == ([], 0, 5)
    assert core.paginate([], 0, 20) == ([], 0, 0)


def test_stage():
    stages = ["building", "running"]
    assert core.stage(100, 100, 5, stages) == "building"
    assert core.stage(100, 104.9, 5, stages) == "building"
    assert core.stage(100, 105, 5, stages) == "running"
    assert core.stage(100, 10 ** 6, 5, stages) == "running"
    assert core.stage(100, 50, 5, stages) == "building"         # clock before the start
    assert core.stage(100, 100, 0, stages) == "running"         # lifecycle 0: last stage at once
    assert core.stage(0, 12, 5, ["a", "b", "c", "d"]) == "c"


def test_error_helpers():
    e = core.not_found("Cluster", "c-1")
    assert (e.status, e.code, e.message) == (404, "ClusterNotFound", "The specified Cluster 'c-1' does not exist.")
    e = core.conflict("InvalidClusterStatus", "busy")
    assert (e.status, e.code, e.message, e.type) == (400, "InvalidClusterStatus", "busy", "Sender")
    assert core.invalid("X", "why.").message.endswith("parameter X. why.")
    assert core.ApiError(500, "ServiceTimeout", "m").body("rid") == {
        "RequestId": "rid", "Error": {"Type": "Receiver", "Code": "ServiceTimeout", "Message": "m"}}


def test_registry():
    @core.action("kce", "1000-01-01", "Foo", methods="POST", mutates=True)
    def echo_foo(req):
        return {}
    try:
        act = core.lookup("kce", "1000-01-01", "Foo")
        assert act.func is echo_foo and act.methods == ("POST",) and act.mutates
        assert "1000-01-01" in core.versions("kce") and "1000-01-01" not in core.versions("kci")
        assert core.lookup("kce", "1000-01-01", "Bar") is None
        with pytest.raises(ValueError):
            core.action("kce", "1000-01-01", "Bad-Name")
    finally:
        core.unregister("kce", "1000-01-01")
    assert core.lookup("kce", "1000-01-01", "Foo") is None
