"""Fixtures for the emulator's tests: a request signer built on botocore (an independent SigV4
implementation, test-only) so that the emulator's verification is checked against it.

    def test_x(emulator_server, signed):
        status, body = signed(emulator_server, "DescribeCluster", {"MaxResults": 5})
        status, body = signed(emu, "CreateRepoNamespace", [("Namespace", "ns")], version="2018-03-14",
                              method="POST")

`signed.response(...)` takes the same arguments and returns the `requests.Response`;
`signed.prepare(...)` returns `(method, url, headers, body)` without sending.
"""
import os
import sys
from urllib.parse import quote, urlencode

import pytest
import requests
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

# the package from this checkout (emulator/ on sys.path), as `PYTHONPATH=emulator python -m ksyun_emulator` runs it
EMULATOR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if EMULATOR not in sys.path:
    sys.path.insert(0, EMULATOR)

VERSIONS = {"kce": "2019-08-06", "kci": "2020-07-02"}
FORM = "application/x-www-form-urlencoded"


def encode(pairs):
    """x-www-form-urlencoded with %20 for spaces (what botocore canonicalises too)."""
    return urlencode(pairs, quote_via=quote)


def _pairs(params):
    if params is None:
        return []
    items = params.items() if isinstance(params, dict) else params
    out = []
    for k, v in items:
        if isinstance(v, bool):
            v = "true" if v else "false"
        out.append((str(k), str(v)))
    return out


class Signer(object):
    def __init__(self):
        self.session = requests.Session()

    def prepare(self, emu, action, params=None, service="kce", version=None, method="GET",
                region="cn-beijing-6", access_key=None, secret_key=None, query_auth=False, headers=None,
                timestamp=None, body=None):
        """(method, url, headers, body) of a request signed by botocore.

        `body` (bytes) replaces the encoded form body of a POST (to send exactly those bytes)."""
        pairs = []
        if action is not None:
            pairs.append(("Action", action))
        if version is not False:
            pairs.append(("Version", version or VERSIONS.get(service, "2019-08-06")))
        pairs += _pairs(params)
        url = emu.url + "/"
        raw_body, body = body, None
        hdrs = dict(headers or {})
        if method == "GET":
            if pairs:
                url += "?" + encode(pairs)
        else:
            body = raw_body if raw_body is not None else encode(pairs).encode("utf-8")
            hdrs.setdefault("Content-Type", FORM)
        creds = Credentials(access_key or emu.access_key, secret_key or emu.secret_key)
        req = AWSRequest(method=method, url=url, data=body, headers=hdrs)
        if timestamp is not None:
            signer_cls = _FixedTime(SigV4QueryAuth if query_auth else SigV4Auth, timestamp)
        else:
            signer_cls = SigV4QueryAuth if query_auth else SigV4Auth
        signer_cls(creds, service, region).add_auth(req)
        return method, req.url, dict(req.headers.items()), body

    def response(self, emu, action, params=None, timeout=30, **kw):
        method, url, headers, body = self.prepare(emu, action, params, **kw)
        return self.session.request(method, url, headers=headers, data=body, timeout=timeout)

    def __call__(self, emu, action, params=None, **kw):
        r = self.response(emu, action, params, **kw)
        return r.status_code, r.json()


def _FixedTime(base, timestamp):
    """A botocore signer class that signs as if the clock said `timestamp` (for skew tests)."""
    import datetime
    from unittest import mock

    fixed = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).replace(tzinfo=None)

    class Fixed(base):
        def add_auth(self, request):
            with mock.patch("botocore.auth.get_current_datetime", return_value=fixed):
                return super().add_auth(request)
    return Fixed


@pytest.fixture
def emulator_server():
    """A fresh in-process emulator on a free loopback port (lifecycles immediate, no faults, strict
    parameter names: a name the action does not define is refused)."""
    from ksyun_emulator.server import Emulator

    with Emulator(lifecycle_seconds=0, strict_params=True) as emu:
        yield emu


@pytest.fixture
def signed():
    """Send botocore-signed API requests: signed(emu, action, params, ...) -> (status, json)."""
    s = Signer()
    try:
        yield s
    finally:
        s.session.close()


# ------------------------------------------------------------------------ a toy service for core tests

TEST_VERSION = "1999-01-01"   # a fake kce version that only the core tests register
EMPTY_WORLD = {"regions": {}}


@pytest.fixture
def core_actions():
    """Tiny test-only actions under the fake kce version TEST_VERSION (removed afterwards):
    PutThing (POST, mutates; Name, Size, Explode -> 400, Crash -> 500), GetThings (paged list),
    Echo (returns the params, account, region, service, fail_next), MakeThing (POST, mutates; fail_next)."""
    from ksyun_emulator import core

    @core.action("kce", TEST_VERSION, "PutThing", methods=("POST",), mutates=True)
    def put_thing(req):
        p = req.params
        name = p.str("Name", required=True, max_len=10)
        req.store.put("thing", name, {"Name": name, "Size": p.int("Size", default=1), "_secret": "x"})
        if p.bool("Explode", default=False):
            raise core.invalid("Explode", "as asked")
        if p.bool("Crash", default=False):
            raise RuntimeError("boom")
        return {"Name": name, "_private": 1, "Nested": [{"A": 1, "_b": 2}]}

    @core.action("kce", TEST_VERSION, "GetThings")
    def get_things(req):
        marker, limit = req.params.page(2, 5)
        page, nxt, total = core.paginate(req.store.list("thing"), marker, limit)
        return {"Things": page, "Marker": nxt, "MaxResults": limit, "TotalCount": total}

    @core.action("kce", TEST_VERSION, "Echo")
    def echo(req):
        return {"Params": dict(req.params.items()), "Account": req.account, "Region": req.region,
                "Service": req.service, "Fail": req.fail_next("thing")}

    @core.action("kce", TEST_VERSION, "MakeThing", methods=("POST",), mutates=True)
    def make_thing(req):
        name = req.params.str("Name", required=True)
        failed = req.fail_next("thing")
        req.store.put("thing", name, {"Name": name, "Failed": failed})
        return {"Name": name, "Failed": failed}

    yield TEST_VERSION
    core.unregister("kce", TEST_VERSION)


@pytest.fixture
def emu(core_actions):
    """An emulator with the toy actions and an empty world (core tests)."""
    from ksyun_emulator.server import Emulator

    e = Emulator(lifecycle_seconds=0, world=EMPTY_WORLD)
    e.start()
    try:
        yield e
    finally:
        e.stop()


# ------------------------------------------------------------------------ one service's API, checked

KCE_POST_ONLY = ("CreateCluster", "AddClusterInstances")
SERVICES = {
    "kce": {"service": "kce", "version": VERSIONS["kce"], "post": KCE_POST_ONLY},
    "kci": {"service": "kci", "version": VERSIONS["kci"]},
    "kcr": {"service": "kce", "version": "2018-03-14"},
}


class Api(object):
    """One service's API on one emulator, signed as one caller (`who`: access_key, secret_key, method, ...).

    api(action, params, **kw) -> (status, body); api.ok(...) -> the body, asserting a 200;
    api.err(action, params, status, code, name=None, **kw) -> the error message, asserting the status and
    code (and that `name` is in the message).  Actions in `post` go as POST unless a method is given."""

    def __init__(self, emu, signed, service, version, post=(), **who):
        self.emu, self.signed, self.post = emu, signed, post
        self.who = dict(who, service=service, version=version)

    def __call__(self, action, params=None, **kw):
        kw = dict(self.who, **kw)
        if kw.get("method") is None:
            kw["method"] = "POST" if action in self.post else "GET"
        return self.signed(self.emu, action, params, **kw)

    def ok(self, action, params=None, **kw):
        status, body = self(action, params, **kw)
        assert status == 200, body
        return body

    def err(self, action, params, status, code, name=None, **kw):
        got, body = self(action, params, **kw)
        assert (got, body["Error"]["Code"]) == (status, code), body
        if name is not None:
            assert name in body["Error"]["Message"], body
        return body["Error"]["Message"]

    def first(self, action, params, listed):
        """The first item of the answer's `listed`, or None."""
        body = self.ok(action, params)
        return body[listed][0] if body[listed] else None


@pytest.fixture
def api_on(signed):
    """api_on(emu, "kce" | "kci" | "kcr", **who) -> an Api on that emulator."""
    def make(emu, name, **who):
        return Api(emu, signed, **dict(SERVICES[name], **who))
    return make


@pytest.fixture
def kce_api(emulator_server, api_on):
    return api_on(emulator_server, "kce")


@pytest.fixture
def kci_api(emulator_server, api_on):
    return api_on(emulator_server, "kci")


@pytest.fixture
def kcr_api(emulator_server, api_on):
    return api_on(emulator_server, "kcr")


@pytest.fixture
def slow_emulator():
    """A fresh emulator whose lifecycles take 10 seconds of its (admin-driven) clock."""
    from ksyun_emulator.server import Emulator

    e = Emulator(lifecycle_seconds=10)
    e.start()
    try:
        yield e
    finally:
        e.stop()


ONE = {"access_key": "AKLTONE00000000000000000", "secret_key": "one"}
TWO = {"access_key": "AKLTTWO00000000000000000", "secret_key": "two"}


@pytest.fixture
def two_accounts(api_on):
    """A fresh emulator with the accounts ONE and TWO: two_accounts(service, **who) -> (Api as ONE, Api as TWO)."""
    from ksyun_emulator.server import Emulator

    e = Emulator(accounts={ONE["access_key"]: ONE["secret_key"], TWO["access_key"]: TWO["secret_key"]})
    e.start()
    try:
        yield lambda name, **who: (api_on(e, name, **dict(ONE, **who)), api_on(e, name, **dict(TWO, **who)))
    finally:
        e.stop()
