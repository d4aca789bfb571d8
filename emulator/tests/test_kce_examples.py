"""Replay of every KCE request example printed in the document against a fresh emulator.

Each printed request (emulator/tests/data/kce_examples.py) is sent unchanged — the printed
Action/Version, the printed values, GET as printed or POST for the POST-only actions — and must
succeed; the answer must have exactly the documented field names with the documented types.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
import kce_examples as ex  # noqa: E402

POST_ONLY = {"CreateCluster", "AddClusterInstances"}


def check_shape(value, schema, path="$"):
    """Assert `value` matches `schema` (see kce_examples.RESPONSES)."""
    if isinstance(schema, dict):
        assert isinstance(value, dict), "%s: expected an object, got %r" % (path, value)
        extra = set(value) - set(schema)
        assert not extra, "%s: undocumented fields %s" % (path, sorted(extra))
        absent = set(schema) - set(value) - ex.OPTIONAL
        assert not absent, "%s: missing fields %s" % (path, sorted(absent))
        for key, sub in schema.items():
            if key in value:
                check_shape(value[key], sub, "%s.%s" % (path, key))
    elif isinstance(schema, list):
        assert isinstance(value, list), "%s: expected a list, got %r" % (path, value)
        for i, item in enumerate(value):
            check_shape(item, schema[0], "%s[%d]" % (path, i))
    else:
        types = schema if isinstance(schema, tuple) else (schema,)
        if bool not in types:
            assert not isinstance(value, bool), "%s: %r is a boolean" % (path, value)
        assert isinstance(value, types), "%s: %r is not %s" % (path, value, types)


EXAMPLES = [ex.parse(text) for text in ex.PRINTED]


def test_every_kce_action_has_a_printed_example():
    assert sorted(set(example[0] for example in EXAMPLES)) == sorted(ex.RESPONSES)
    assert len(EXAMPLES) == 15


@pytest.mark.parametrize("index", range(len(EXAMPLES)),
                         ids=["%02d-%s" % (i, example[0]) for i, example in enumerate(EXAMPLES)])
def test_printed_example_succeeds_unchanged(emulator_server, signed, index):
    action, version, params = EXAMPLES[index]
    method = "POST" if action in POST_ONLY else "GET"
    status, body = signed(emulator_server, action, params, version=version, method=method)
    assert status == 200, body
    check_shape(body, ex.RESPONSES[action])
    expect = ex.EXPECT.get(action, {})
    if "names" in expect:
        assert [i["InstanceName"] for i in body["InstanceSet"]] == expect["names"]
    if "returns" in expect:
        assert [i["Return"] for i in body["InstanceSet"]] == expect["returns"], body
    if "available" in expect:
        assert [i["Available"] for i in body["ExistedInstanceSet"]] == expect["available"], body
    if "ids" in expect:
        assert [i["InstanceId"] for i in body["InstanceSet"]] == expect["ids"]
    if "ids_include" in expect:
        assert set(expect["ids_include"]) <= {i["InstanceId"] for i in body["InstanceSet"]}
    if "expose" in expect:
        assert body["Expose"] is expect["expose"] and body["ClusterConfig"].startswith("apiVersion: v1")


def test_printed_examples_also_succeed_as_post(emulator_server, signed):
    """The GET/POST actions accept the same printed request as a form body (one emulator, in order)."""
    for action, version, params in EXAMPLES:
        if action in ("DeleteCluster",):
            continue  # would remove the cluster later examples use
        status, body = signed(emulator_server, action, params, version=version, method="POST")
        assert status == 200, (action, body)
        check_shape(body, ex.RESPONSES[action])


def test_post_only_actions_refuse_get(emulator_server, signed):
    for action, version, params in EXAMPLES:
        if action in POST_ONLY:
            status, body = signed(emulator_server, action, params, version=version, method="GET")
            assert status == 400 and body["Error"]["Code"] == "InvalidMethod", body


def test_describe_answers_after_all_examples_keep_the_shape(emulator_server, signed):
    """After the whole sequence (creations, additions, deletions) the Describe answers still match."""
    for action, version, params in EXAMPLES:
        method = "POST" if action in POST_ONLY else "GET"
        status, body = signed(emulator_server, action, params, version=version, method=method)
        assert status == 200, (action, body)
    status, body = signed(emulator_server, "DescribeCluster", {"MaxResults": 20})
    assert status == 200
    check_shape(body, ex.RESPONSES["DescribeCluster"])
    for cluster in body["ClusterSet"]:
        status, nodes = signed(emulator_server, "DescribeClusterInstance",
                               {"ClusterId": cluster["ClusterId"], "MaxResults": 50})
        assert status == 200, nodes
        check_shape(nodes, ex.RESPONSES["DescribeClusterInstance"])
        for node in nodes["InstanceSet"]:
            assert ("KecInstancePara" in node) != ("EpcInstancePara" in node)
