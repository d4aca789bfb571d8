"""Replay every KCR (2018-03-14) example request printed in the document against a fresh emulator.

Each printed request is sent unchanged (values exactly as printed; only the documented placeholder
password is replaced by a valid one), in the document's order, on one account.  Every answer must
carry every field the printed answer shows and every field the response table documents, with the
documented type.  The few things the API cannot do itself (tags: there is no push) are seeded with
`kcr.push_tag`, with the printed values.
"""
import importlib.util
import os

import pytest

from ksyun_emulator import kcr

HERE = os.path.dirname(os.path.abspath(__file__))
KCR = {"service": "kce", "version": "2018-03-14"}


def load_data(name):
    """The module emulator/tests/data/<name>.py."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, "data", name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


EX = load_data("kcr_examples")


def parse_query(query, placeholders=None):
    """The printed query as (name, value) pairs, exactly as printed (no %-decoding: none is printed)."""
    for printed, real in (placeholders or {}).items():
        query = query.replace(printed, real)
    pairs = []
    for part in query.split("&"):
        name, value = part.split("=", 1) if "=" in part else (part, "")
        pairs.append((name, value))
    return pairs


def check_types(value, spec, path="$"):
    """`spec`: a type / tuple of types, a dict of specs (fields that must be present), or [spec]."""
    if isinstance(spec, dict):
        assert isinstance(value, dict), "%s: expected an object, got %r" % (path, value)
        for key, sub in spec.items():
            assert key in value, "%s: missing documented field %s" % (path, key)
            check_types(value[key], sub, "%s.%s" % (path, key))
    elif isinstance(spec, list):
        assert isinstance(value, list), "%s: expected a list, got %r" % (path, value)
        for i, item in enumerate(value):
            check_types(item, spec[0], "%s[%d]" % (path, i))
    else:
        types = spec if isinstance(spec, tuple) else (spec,)
        if bool not in types:
            assert not isinstance(value, bool), "%s: expected %s, got a boolean" % (path, types)
        if float in types and int not in types:
            types = types + (int,)
        assert isinstance(value, types), "%s: expected %s, got %r" % (path, types, value)


def check_like(value, printed, path="$"):
    """Every field of the printed answer is present, with the printed value's JSON type."""
    if printed is None:
        return
    if isinstance(printed, dict):
        assert isinstance(value, dict), "%s: expected an object, got %r" % (path, value)
        for key, sub in printed.items():
            assert key in value, "%s: missing printed field %s" % (path, key)
            check_like(value[key], sub, "%s.%s" % (path, key))
    elif isinstance(printed, list):
        assert isinstance(value, list), "%s: expected a list, got %r" % (path, value)
        if printed and value:
            for i, item in enumerate(value):
                check_like(item, printed[0], "%s[%d]" % (path, i))
    elif isinstance(printed, bool):
        assert isinstance(value, bool), "%s: expected a boolean, got %r" % (path, value)
    elif isinstance(printed, (int, float)):
        assert isinstance(value, (int, float)) and not isinstance(value, bool), \
            "%s: expected a number, got %r" % (path, value)
    else:
        assert isinstance(value, type(printed)), "%s: expected %s, got %r" % (path, type(printed), value)


def _setup(emu, signed, example):
    what = example.get("setup")
    if what is None:
        return
    store = emu.account_store()
    if what.startswith("push the two printed tags"):
        for tag in EX.PRINTED_TAGS:
            fields = {k: v for k, v in tag.items() if k not in ("RepoName", "TagName")}
            kcr.push_tag(store, tag["RepoName"], tag["TagName"], **fields)
    elif what.startswith("add the seven printed favourites"):
        for name, repo_type in EX.PRINTED_FAVOURITES:
            status, body = signed(emu, "AddFavor", {"RepoName": name, "RepoType": repo_type}, **KCR)
            assert status == 200, body
    else:
        raise AssertionError("unknown set-up %r" % what)


def test_replay_every_printed_kcr_example(emulator_server, signed):
    emu = emulator_server
    seen = []
    for example in EX.EXAMPLES:
        _setup(emu, signed, example)
        pairs = parse_query(example["query"], EX.PLACEHOLDERS)
        assert pairs[0] == ("Action", example["action"]) and pairs[1] == ("Version", "2018-03-14")
        status, body = signed(emu, None, pairs, version=False, service="kce",
                              method=example.get("method", "GET"))
        assert status == 200, (example["action"], body)
        check_like(body, example["response"], example["action"])
        check_types(body, example["fields"], example["action"])
        if example.get("exact"):
            printed = example["response"]
            assert {k: v for k, v in body.items() if k != "RequestId"} == \
                   {k: v for k, v in printed.items() if k != "RequestId"}
        seen.append((example["action"], body))
    assert len(seen) == 17 and len({entry[0] for entry in seen}) == 17
    got = dict(seen)
    # the values the printed answers imply for this sequence
    assert got["RepoNamespaceExist"]["Exist"] is True
    assert [n["Namespace"] for n in got["DescribeRepoNamespace"]["NamespaceSet"]] == ["my-namespace"]
    ns = got["DescribeRepoNamespace"]["NamespaceSet"][0]
    assert (ns["Public"], ns["RepoCount"], ns["ChartCount"]) == (False, 0, 0)
    repo = got["DescribeRepository"]["RepoSet"]
    assert [(r["RepoName"], r["Description"], r["FavorCount"], r["PullCount"]) for r in repo] == \
        [("my-namespace/my-repo", "test", 0, 0)]
    assert repo[0]["Public"] is True       # ModifyRepoNamespaceType made the namespace public before
    tags = got["DescribeTag"]["TagSet"]
    assert tags == EX.PRINTED_TAGS
    favs = got["GetFavor"]["FavorSet"]
    assert got["GetFavor"]["TotalCount"] == 8      # the seven printed + AddFavor's example
    printed_order = [(f["RepoName"], f["RepoType"]) for f in EX.EXAMPLES[11]["response"]["FavorSet"]]
    assert [(f["RepoName"], f["RepoType"]) for f in favs if f["RepoName"] != "openshift/origin-service-catalog"] \
        == printed_order


def test_printed_examples_leave_the_registry_as_found(emulator_server, signed):
    """After the whole sequence the namespace and repository are gone again; the account stays."""
    emu = emulator_server
    test_replay_every_printed_kcr_example(emu, signed)
    status, body = signed(emu, "DescribeRepoNamespace", {}, **KCR)
    assert status == 200 and body["TotalCount"] == 0
    status, body = signed(emu, "DescribeRepository", {}, **KCR)
    assert status == 200 and body["TotalCount"] == 0
    status, body = signed(emu, "RegisterRepositoryAccount", {"Password": "Another-pass1"}, method="POST", **KCR)
    assert status == 400 and body["Error"]["Code"] == "AccountAlreadyRegistered"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_printed_repo_type_with_a_space_in_both_methods(emulator_server, signed, method):
    """`RepoType=KSYUN HUB` is sent as %20 by signed(); a raw `+` in a form body works too."""
    emu = emulator_server
    status, body = signed(emu, "AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN HUB"},
                          method=method, **KCR)
    assert status == 200, body
    raw = b"Action=AddFavor&Version=2018-03-14&RepoName=library%2Fnginx&RepoType=DOCKER+HUB"
    status, body = signed(emu, None, None, version=False, service="kce", method="POST", body=raw)
    assert status == 200, body
    status, body = signed(emu, "GetFavor", {}, **KCR)
    assert [(f["RepoName"], f["RepoType"]) for f in body["FavorSet"]] == \
        [("ksyun/nginx", "KSYUN HUB"), ("library/nginx", "DOCKER HUB")]
