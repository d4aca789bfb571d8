"""Emulator security: for every one of the 37 actions, unsigned, tampered, expired, wrong-key and
cross-account requests are rejected and change nothing.  Figure: accepted bad requests (0).

The valid request of each action comes from the document's printed example
(emulator/tests/data/*_examples.py), adapted so that it names account ONE's own resources
(`ADAPT`), and `test_the_valid_request_succeeds` proves it is accepted when properly signed — in
every form (GET and POST, Authorization header and query string) in full.  The bad requests are
built from it:

- unsigned: no signature at all (403 MissingAuthenticationToken); in full also a signed request
  with its Authorization header removed (the same) and a query signature without X-Amz-Signature
  (400 IncompleteSignature);
- tampered after signing: a parameter of the query or of the form body changed, and the Host
  changed (403 SignatureDoesNotMatch); in full every parameter in turn (Action included: a read
  turned into a delete), one added, one removed, a query added to a POST, two other Hosts;
- expired: signed with a clock 16 minutes behind (403 SignatureDoesNotMatch "Signature expired");
  in full also 16 minutes ahead and a day behind;
- wrong key: an unknown access key (403 InvalidClientTokenId), a known one with the wrong secret
  (403 SignatureDoesNotMatch); in full also each account's key with the other's secret;
- cross-account: account TWO, properly signed, naming ONE's cluster / node / EPC host / KEC server
  / namespace / repository / tag / favourite / container group / image cache (`CROSS`).  The
  documents define no resource errors: the 404 `*NotFound` and 400 `NamespaceAlreadyExists` /
  `AccountNotRegistered` expected here are the emulator's own codes (emulator/README.md); a
  list read answers an empty list instead, and RepoNamespaceExist answers `Exist: true` (registry
  namespace names are global: kcr/handlers.py).  Four actions name nothing an account owns
  (DescribeInstanceImage, DescribePublicRepository, RegisterRepositoryAccount, CreateImageCache):
  they have no cross-account request.  In full also TWO's own cluster with ONE's instances.

Every bad request is sent over HTTP to an in-process Emulator holding ONE's and TWO's resources;
the emulator's whole state (every account's and region's store, the clock offset, the scheduled
faults) is snapshotted before and compared after each one, its request-log record must say
`mutated: false` with the expected status and code, and its answer must hold none of ONE's
identifiers that the request did not itself carry.  Reduced: every action x every bad kind once
(tampered: a parameter and the Host; wrong key: unknown and wrong secret), the form rotating across
actions so that each kind meets each form; full: the variants above in every form.  Signatures are
made with botocore (an independent SigV4 implementation).
"""
import datetime
import json
import os
import sys
import time
from unittest import mock
from urllib.parse import quote, urlencode, urlsplit

import pytest
import requests
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ksyun_emulator import core
from ksyun_emulator.server import Emulator, load_service_modules

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "emulator", "tests", "data")
sys.path.insert(0, DATA)
import kce_examples  # noqa: E402
import kci_examples  # noqa: E402
import kcr_examples  # noqa: E402

ONE = ("AKLTPROOFONE000000000000", "one-secret/PROOF+0000000000000001")
TWO = ("AKLTPROOFTWO000000000000", "two-secret/PROOF+0000000000000002")
UNKNOWN = ("AKLTPROOFUNKNOWN00000000", "unknown-secret/PROOF+000000000000")
REGION = "cn-beijing-6"
FORM = "application/x-www-form-urlencoded"
KCE, KCR, KCI = ("kce", "2019-08-06"), ("kce", "2018-03-14"), ("kci", "2020-07-02")
FORMS = (("GET", "header"), ("GET", "query"), ("POST", "header"), ("POST", "query"))
KINDS = ("unsigned", "tampered", "expired", "wrong-key", "cross-account")
PASSWORD = "Proof-Passw0rd"

load_service_modules()
ACTIONS = sorted((name, s, v) for (s, v), table in core.REGISTRY.items() for name in table
                 if (s, v) in (KCE, KCR, KCI))


# ------------------------------------------------------------------------------ the printed examples

def _pairs(query):
    """The (name, value) pairs of a printed query (values as printed, not %-decoded)."""
    return [tuple(part.split("=", 1)) for part in query.split("&")]


def printed_requests():
    """{action: (service, version, [(name, value)], printed method)}: the first printed example of
    each action (CreateCluster: the third, the one with existing EPC hosts)."""
    out = {}
    kce = [kce_examples.parse(text) for text in kce_examples.PRINTED]
    for i, (action, version, params) in enumerate(kce):
        if action == "CreateCluster" and i != 2:
            continue
        out.setdefault(action, ("kce", version, list(params.items()),
                                "POST" if action in ("CreateCluster", "AddClusterInstances") else "GET"))
    for ex in kcr_examples.EXAMPLES:
        query = ex["query"]
        for printed, real in kcr_examples.PLACEHOLDERS.items():
            query = query.replace(printed, real)
        out.setdefault(ex["action"], ("kce", "2018-03-14", _pairs(query)[2:], ex.get("method", "GET")))
    for ex in kci_examples.EXAMPLES:
        query = ex["query"]
        for wrong, right in kci_examples.ERRATA.items():
            query = query.replace(wrong, right)
        out.setdefault(ex["action"], ("kci", "2020-07-02", _pairs(query)[2:], ex.get("method", "GET")))
    return out


PRINTED = printed_requests()


# ------------------------------------------------------------------------------ ONE's and TWO's world

class World(object):
    """An in-process emulator with the accounts ONE and TWO, each holding resources of its own."""

    def __init__(self):
        self.emu = Emulator(accounts=dict([ONE, TWO]), lifecycle_seconds=0, strict_params=True)
        self.emu.start()
        self.http = requests.Session()
        self.ids = {}
        try:
            self._populate()
        except BaseException:
            self.close()
            raise

    def close(self):
        self.http.close()
        self.emu.stop()

    def call(self, who, api, action, params, method="GET"):
        """A properly signed request; returns the answer, asserting a 200."""
        wire = Wire.build(self.emu.url, api, action, params, method)
        status, body = self.send(wire.signed(who, api[0]))
        assert status == 200, (action, body)
        return body

    def send(self, wire):
        r = self.http.request(wire.method, wire.url, headers=wire.headers, data=wire.body, timeout=30)
        return r.status_code, r.json()

    def _populate(self):
        emu, ids, call = self.emu, self.ids, self.call
        # ONE: a VM cluster (its worker), EPC hosts and a stopped KEC server only ONE has, a cluster of
        # EPC hosts (the printed example 3, on the world's hosts)
        ids["cluster"] = call(ONE, KCE, "CreateCluster", kce_examples.create_params(name="one-cluster"),
                              "POST")["ClusterId"]
        nodes = call(ONE, KCE, "DescribeClusterInstance", {"ClusterId": ids["cluster"]})["InstanceSet"]
        ids["node"] = [n["InstanceId"] for n in nodes if n["InstanceRole"] == "Worker"][0]
        ids["epc"] = emu.add_world("epc_host", count=8, access_key=ONE[0], InstanceName="one-bm")
        ids["kec"] = emu.add_world("kec_instance", access_key=ONE[0], InstanceState="stopped",
                                   InstanceName="one-vm")[0]
        example3 = dict(PRINTED["CreateCluster"][2], ClusterName="one-bare-metal")
        ids["physical"] = call(ONE, KCE, "CreateCluster", example3, "POST")["ClusterId"]
        # ONE's registry: a namespace with a repository, its two printed tags and a favourite of it,
        # an empty namespace
        call(ONE, KCR, "CreateRepoNamespace", {"Namespace": "my-namespace", "Public": "false"})
        call(ONE, KCR, "CreateRepoNamespace", {"Namespace": "empty-namespace", "Public": "false"})
        call(ONE, KCR, "CreateRepository", {"RepoName": "my-namespace/my-repo", "Description": "test"})
        emu.push_tags("my-namespace/my-repo", ["1.9.1", "latest"], access_key=ONE[0])
        call(ONE, KCR, "AddFavor", {"RepoName": "my-namespace/my-repo", "RepoType": "KSYUN HUB"})
        # ONE's serverless containers: the printed image cache and container group
        ids["image_cache"] = call(ONE, KCI, "CreateImageCache", PRINTED["CreateImageCache"][2],
                                  "POST")["ImageCacheId"]
        ids["group"] = call(ONE, KCI, "CreateContainerGroup", PRINTED["CreateContainerGroup"][2],
                            "POST")["ContainerGroupId"]
        # TWO: a VM cluster and a cluster of EPC hosts of its own (for the full run's "TWO's cluster,
        # ONE's instance"); reads seed TWO's region and registry, so that no later read changes state
        ids["two_cluster"] = call(TWO, KCE, "CreateCluster", kce_examples.create_params(name="two-cluster"),
                                  "POST")["ClusterId"]
        ids["two_physical"] = call(TWO, KCE, "CreateCluster", example3, "POST")["ClusterId"]
        call(TWO, KCR, "DescribeRepoNamespace", {})
        call(TWO, KCI, "DescribeContainerGroup", {})
        for who in (ONE, TWO):  # DescribeCluster caches each cluster's node counts (a private `_counts`)
            call(who, KCE, "DescribeCluster", {})
        # what TWO must never be told: ONE's own identifiers and names (none is in TWO's world)
        self.secrets = {ids["cluster"], ids["node"], ids["kec"], ids["physical"], ids["image_cache"],
                        ids["group"], "one-cluster", "one-bare-metal", "one-vm", "my-namespace",
                        "empty-namespace", "my-namespace/my-repo"} | set(ids["epc"])
        self.secrets |= {t["ImageId"] for t in emu.account_store(ONE[0]).list("kcr_tag")}

    def snapshot(self):
        """The emulator's whole state: every scope's objects (with parents and order), the clock
        offset and the scheduled faults."""
        db = self.emu.db
        with db.lock:
            scopes = {json.dumps(list(scope)): {kind: [[ident, e.parent, e.seq, e.obj] for ident, e in table.items()]
                                                for kind, table in sc.kinds.items() if table}
                      for scope, sc in db._scopes.items()}  # the whole store, read directly
            return json.dumps([scopes, self.emu._clock_offset, self.emu.faults.scheduled()], sort_keys=True)


@pytest.fixture
def world():
    w = World()
    try:
        yield w
    finally:
        w.close()


# ------------------------------------------------------------------------------ valid requests

def _epc_para(ids):
    hosts = iter(ids["epc"])
    out = {}
    for name, value in PRINTED["CreateCluster"][2]:
        if ".EpcPara." in name:
            out[name] = json.dumps({"InstanceId": next(hosts)})
    return out


#: how each printed example is adapted (f(ids) -> parameters to set; None drops one): it names ONE's
#: resources instead of the world's, and new names where the set-up already used the printed ones
ADAPT = {
    "CreateCluster": _epc_para,
    "DescribeCluster": lambda ids: {"ClusterId": ids["cluster"]},
    "DescribeClusterInstance": lambda ids: {"ClusterId": ids["cluster"]},
    "AddClusterInstances": lambda ids: {"ClusterId": ids["cluster"]},
    "DeleteClusterInstances": lambda ids: {"ClusterId": ids["cluster"], "InstanceId.1": ids["node"]},
    "ModifyClusterInfo": lambda ids: {"ClusterId": ids["cluster"]},
    "DownloadClusterConfig": lambda ids: {"ClusterId": ids["cluster"]},
    "DeleteCluster": lambda ids: {"ClusterId": ids["cluster"]},
    "DescribeEpcForCluster": lambda ids: {"ClusterId": ids["physical"]},
    "AddClusterEpcInstances": lambda ids: {"ClusterId": ids["physical"], "InstanceId.1": ids["epc"][7]},
    "DescribeExistedInstances": lambda ids: {"ClusterId": ids["cluster"], "InstanceId.1": ids["kec"]},
    "AddExistedInstances": lambda ids: {
        "ClusterId": ids["cluster"],
        "ExistedInstanceKecSet.1.KecPara.1": json.dumps({"InstanceId": ids["kec"],
                                                         "ImageId": "4b293997-9940-42bd-a5f0-xxxxxx",
                                                         "InstancePassword": "xxxxxxx"})},
    "CreateRepoNamespace": lambda ids: {"Namespace": "my-namespace-2"},
    "DescribeRepoNamespace": lambda ids: {"Namespace": "my-namespace"},
    "DeleteRepoNamespace": lambda ids: {"Namespace": "empty-namespace"},
    "CreateRepository": lambda ids: {"RepoName": "my-namespace/my-repo-2"},
    "DeleteFavor": lambda ids: {"RepoName": "my-namespace/my-repo"},
    "CreateContainerGroup": lambda ids: {"ContainerGroupName": "nginx-kci-2", "ImageCacheId": ids["image_cache"]},
    "DescribeContainerGroup": lambda ids: {"ContainerGroupId.1": ids["group"]},
    "DescribeContainerLog": lambda ids: {"ContainerGroupId": ids["group"]},
    "DeleteContainerGroup": lambda ids: {"ContainerGroupId": ids["group"]},
    "CreateImageCache": lambda ids: {"ImageCacheName": "test-cache-2"},
    "DescribeImageCache": lambda ids: {"ImageCacheId.1": ids["image_cache"]},
    "DeleteImageCache": lambda ids: {"ImageCacheId": ids["image_cache"]},
}

#: set-up a valid request needs beyond the common world
PREPARE = {
    "ModifyPassword": lambda w: w.call(ONE, KCR, "RegisterRepositoryAccount", {"Password": PASSWORD}, "POST"),
}


def _apply(pairs, changes):
    out = list(pairs)
    for name, value in changes.items():
        out = [(k, v) for k, v in out if k != name]
        if value is not None:
            out.append((name, value))
    return out


class Request(object):
    """One action's valid request: API, parameters and the methods the action takes."""

    def __init__(self, action, service, version, params, method, methods):
        self.action, self.api, self.params = action, (service, version), params
        self.method = method            # the printed one
        self.forms = [f for f in FORMS if f[0] in methods]


def valid_request(action, ids):
    service, version, pairs, method = PRINTED[action]
    adapt = ADAPT.get(action)
    params = _apply(pairs, adapt(ids)) if adapt else list(pairs)
    return Request(action, service, version, params, method, core.lookup(service, version, action).methods)


# ------------------------------------------------------------------------------ cross-account requests

def _error(status, code):
    return {"status": status, "code": code}


def _empty(key):
    return {"status": 200, "empty": key}


def _cross(params=None, expect=None):
    """TWO's request: the valid one with `params` changed, and the answer expected."""
    return {"params": params or (lambda ids: {}), "expect": expect}


#: the KCE actions naming ONE's cluster (DeleteClusterInstances also ONE's node, DescribeExistedInstances
#: and AddExistedInstances ONE's KEC server, AddClusterEpcInstances ONE's EPC host)
CLUSTER_ACTIONS = ("DescribeCluster", "DescribeClusterInstance", "AddClusterInstances", "DeleteClusterInstances",
                   "ModifyClusterInfo", "DownloadClusterConfig", "DeleteCluster", "DescribeEpcForCluster",
                   "AddClusterEpcInstances", "DescribeExistedInstances", "AddExistedInstances")
CROSS = dict.fromkeys(CLUSTER_ACTIONS, _cross(expect=_error(404, "ClusterNotFound")))
CROSS.update({
    "CreateCluster": _cross(expect=_error(404, "InstanceNotFound")),  # ONE's EPC hosts
    "CreateRepoNamespace": _cross(lambda ids: {"Namespace": "my-namespace"},
                                  _error(400, "NamespaceAlreadyExists")),
    "DescribeRepoNamespace": _cross(expect=_empty("NamespaceSet")),
    "ModifyRepoNamespaceType": _cross(expect=_error(404, "NamespaceNotFound")),
    "RepoNamespaceExist": _cross(expect={"status": 200, "answer": {"Exist": True}}),
    "DeleteRepoNamespace": _cross(expect=_error(404, "NamespaceNotFound")),
    "CreateRepository": _cross(expect=_error(404, "NamespaceNotFound")),
    "DescribeRepository": _cross(expect=_empty("RepoSet")),
    "DeleteRepository": _cross(expect=_error(404, "RepositoryNotFound")),
    "UpdateRepoDesc": _cross(expect=_error(404, "RepositoryNotFound")),
    "DescribeTag": _cross(expect=_error(404, "RepositoryNotFound")),
    "DeleteTags": _cross(expect=_error(404, "RepositoryNotFound")),
    "GetFavor": _cross(expect=_empty("FavorSet")),
    "AddFavor": _cross(lambda ids: {"RepoName": "my-namespace/my-repo"}, _error(404, "RepositoryNotFound")),
    "DeleteFavor": _cross(expect=_error(404, "FavorNotFound")),
    "ModifyPassword": _cross(expect=_error(400, "AccountNotRegistered")),
    "CreateContainerGroup": _cross(expect=_error(404, "ImageCacheNotFound")),
    "DescribeContainerGroup": _cross(expect=_empty("ContainerGroups")),
    "DescribeContainerLog": _cross(expect=_error(404, "ContainerGroupNotFound")),
    "DeleteContainerGroup": _cross(expect=_error(404, "ContainerGroupNotFound")),
    "DescribeImageCache": _cross(expect=_empty("ImageCaches")),
    "DeleteImageCache": _cross(expect=_error(404, "ImageCacheNotFound")),
})
#: the actions whose request names nothing an account owns: no cross-account request exists
NO_CROSS = ("DescribeInstanceImage", "DescribePublicRepository", "RegisterRepositoryAccount", "CreateImageCache")


def _returns_false(key="InstanceSet"):
    return {"status": 200, "all_false": key}


#: full only: TWO's own cluster, ONE's instances or nodes in it; a search for ONE's cluster name
CROSS_MORE = {
    "AddExistedInstances": [_cross(lambda ids: {"ClusterId": ids["two_cluster"]}, _returns_false())],
    "AddClusterEpcInstances": [_cross(lambda ids: {"ClusterId": ids["two_physical"]}, _returns_false())],
    "DeleteClusterInstances": [_cross(lambda ids: {"ClusterId": ids["two_cluster"]}, _returns_false())],
    "DescribeExistedInstances": [_cross(lambda ids: {"ClusterId": None}, _empty("ExistedInstanceSet"))],
    "DescribeEpcForCluster": [_cross(lambda ids: {"ClusterId": None, "InstanceId.1": ids["epc"][7]},
                                     _empty("InstanceSet"))],
    "DescribeCluster": [_cross(lambda ids: {"ClusterId": None, "Search": "one-cluster"}, _empty("ClusterSet"))],
    "DescribeTag": [_cross(lambda ids: {"RepoName": None}, _empty("TagSet"))],
    "DeleteTags": [_cross(lambda ids: {"RepoName": None, "Tag.1": "my-namespace/my-repo:latest"},
                          _error(404, "RepositoryNotFound"))],
}


# ------------------------------------------------------------------------------ requests on the wire

def encode(pairs):
    """x-www-form-urlencoded / query encoding with %20 for a space and every reserved byte escaped."""
    return urlencode(pairs, quote_via=quote)


def decode(raw):
    """The (name, value) pairs of a query string or form body ('+' is a space)."""
    from urllib.parse import parse_qsl
    return parse_qsl(raw, keep_blank_values=True)


class _QueryAuth(SigV4QueryAuth):
    """The query-string form for a POST too: botocore would move a form body into the query string;
    the documents take a POST's parameters from its body only, so the body stays (and is hashed)."""

    def _modify_request_before_signing(self, request):
        body, request.data = request.data, b""
        super()._modify_request_before_signing(request)
        request.data = body


class Wire(object):
    """A request as sent: method, base URL, query pairs, form-body pairs (None for GET), headers.

    A signed request is parsed back into these parts, and sent re-encoded from them, so a tampered
    copy differs from the request that was signed only in what the tampering changed."""

    def __init__(self, method, base, query, body, headers):
        self.method, self.base = method, base
        self.query, self.body_pairs, self.headers = list(query), body, dict(headers)

    @classmethod
    def build(cls, base, api, action, params, method):
        service, version = api
        pairs = [("Action", action), ("Version", version)] + list(params.items() if isinstance(params, dict)
                                                                  else params)
        if method == "GET":
            return cls("GET", base, pairs, None, {})
        return cls("POST", base, [], pairs, {"Content-Type": FORM})

    @property
    def url(self):
        return self.base + "/" + ("?" + encode(self.query) if self.query else "")

    @property
    def body(self):
        return None if self.body_pairs is None else encode(self.body_pairs).encode("utf-8")

    def copy(self):
        return Wire(self.method, self.base, self.query, None if self.body_pairs is None else list(self.body_pairs),
                    self.headers)

    def signed(self, who, service, form="header", timestamp=None):
        """A copy signed by botocore as `who` (access key, secret) with `form` "header" or "query"."""
        req = AWSRequest(method=self.method, url=self.url, data=self.body, headers=dict(self.headers))
        signer = (SigV4Auth if form == "header" else _QueryAuth)(Credentials(*who), service, REGION)
        if timestamp is None:
            signer.add_auth(req)
        else:
            fixed = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).replace(tzinfo=None)
            with mock.patch("botocore.auth.get_current_datetime", return_value=fixed):
                signer.add_auth(req)
        return Wire(self.method, self.base, decode(urlsplit(req.url).query), self.body_pairs,
                    dict(req.headers.items()))

    # -- changes made after signing (each returns a changed copy)
    @property
    def _params(self):
        return self.query if self.body_pairs is None else self.body_pairs

    def param_names(self):
        return [k for k, _v in self._params if not k.startswith("X-Amz-")]

    def value(self, name):
        return dict(self._params)[name]

    def with_param(self, name, value):
        """`name` set to `value` (None: removed; a new name is added at the end)."""
        out = self.copy()
        params = out._params
        if name in dict(params):
            params[:] = [(k, v) for k, v in params if k != name or value is not None]
            params[:] = [(k, value if k == name else v) for k, v in params]
        elif value is not None:
            params.append((name, value))
        return out

    def with_query(self, name, value):
        """A query parameter set (None: removed), also on a POST (where it is no action parameter)."""
        out = self.copy()
        out.query = [(k, v) for k, v in out.query if k != name] + ([(name, value)] if value is not None else [])
        return out

    def with_header(self, name, value):
        out = self.copy()
        out.headers = {k: v for k, v in out.headers.items() if k.lower() != name.lower()}
        if value is not None:
            out.headers[name] = value
        return out

    def text(self):
        """Everything the request carries, decoded (to tell what an answer may echo)."""
        return json.dumps([self.url, self.query, self.body_pairs])


# ------------------------------------------------------------------------------ the bad requests

def _auth(status, code, message=None):
    return {"status": status, "code": code, "message": message}


MISSING = _auth(403, "MissingAuthenticationToken", "Request is missing Authentication Token.")
MISMATCH = _auth(403, "SignatureDoesNotMatch", "The request signature we calculated does not match")
EXPIRED = _auth(403, "SignatureDoesNotMatch", "Signature expired")
UNKNOWN_KEY = _auth(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
NO_SIGNATURE = _auth(400, "IncompleteSignature", "must include X-Amz-Signature")


def tamper(name, value, api):
    """Another value for a parameter: Action becomes a deleting action of the same API (a read turned
    into a delete), Version another API's, a number one more, a boolean flipped, text extended."""
    if name == "Action":
        deletes = sorted(n for n, a in core.REGISTRY[api].items() if a.mutates and n.startswith("Delete"))
        return next(n for n in deletes if n != value)
    if name == "Version":
        return {"2019-08-06": "2018-03-14", "2018-03-14": "2019-08-06"}.get(value, "2019-08-06")
    if value.isdigit():
        return str(int(value) + 1)
    flipped = {"true": "false", "false": "true", "True": "False", "False": "True"}
    return flipped.get(value, value + "-tampered")


def _host_of(wire):
    return urlsplit(wire.base).netloc


def bad_requests(w, req, index, size):
    """(kind, label, wire, expect) of every bad request made from the valid request `req`."""
    ids, api, service = w.ids, req.api, req.api[0]
    base = w.emu.url
    plain = {m: Wire.build(base, api, req.action, req.params, m) for m, _f in req.forms}
    full = size == "full"
    for k, kind in enumerate(KINDS):
        forms = req.forms if full else [req.forms[(index + k) % len(req.forms)]]
        for form in forms:
            method, how = form
            tag = "%s %s" % (method, how)
            unsigned = plain[method]
            good = unsigned.signed(ONE, service, how)
            if kind == "unsigned":
                if how == "header" or not full:
                    yield kind, "%s, no signature" % method, unsigned, MISSING
                if full and how == "header":
                    yield kind, "%s, Authorization removed" % tag, good.with_header("Authorization", None), MISSING
                if full and how == "query":
                    yield kind, "%s, X-Amz-Signature removed" % tag, good.with_query("X-Amz-Signature", None), \
                        NO_SIGNATURE
            elif kind == "tampered":
                names = good.param_names() if full else good.param_names()[-1:]
                for name in names:
                    value = tamper(name, good.value(name), api)
                    yield kind, "%s, %s changed to %r" % (tag, name, value), good.with_param(name, value), MISMATCH
                hosts = ["localhost:%d" % w.emu.port]
                if full:
                    hosts.append("%s.%s.api.ksyun.com" % (service, REGION))
                    yield kind, "%s, %s removed" % (tag, names[-1]), good.with_param(names[-1], None), MISMATCH
                    yield kind, "%s, ClusterDesc added" % tag, good.with_param("ClusterDesc", "tampered"), MISMATCH
                    if method == "POST":
                        yield kind, "%s, a query added to the POST" % tag, \
                            good.with_query("Action", "DeleteCluster"), MISMATCH
                    if how == "header":
                        later = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() + 1))
                        yield kind, "%s, X-Amz-Date changed" % tag, good.with_header("X-Amz-Date", later), MISMATCH
                    else:
                        yield kind, "%s, X-Amz-Date changed" % tag, \
                            good.with_query("X-Amz-Date", time.strftime("%Y%m%dT%H%M%SZ",
                                                                        time.gmtime(time.time() + 1))), MISMATCH
                for host in hosts:
                    yield kind, "%s, Host changed to %s" % (tag, host), good.with_header("Host", host), MISMATCH
            elif kind == "expired":
                offsets = (-16 * 60, 16 * 60, -86400) if full else (-16 * 60,)
                for offset in offsets:
                    yield kind, "%s, signed %+d s off" % (tag, offset), \
                        unsigned.signed(ONE, service, how, timestamp=time.time() + offset), EXPIRED
            elif kind == "wrong-key":
                yield kind, "%s, unknown access key" % tag, unsigned.signed(UNKNOWN, service, how), UNKNOWN_KEY
                yield kind, "%s, ONE's key, wrong secret" % tag, \
                    unsigned.signed((ONE[0], ONE[1] + "x"), service, how), MISMATCH
                if full:
                    yield kind, "%s, ONE's key, TWO's secret" % tag, unsigned.signed((ONE[0], TWO[1]), service, how), \
                        MISMATCH
                    yield kind, "%s, TWO's key, ONE's secret" % tag, unsigned.signed((TWO[0], ONE[1]), service, how), \
                        MISMATCH
            elif kind == "cross-account" and req.action in CROSS:
                variants = [CROSS[req.action]] + (CROSS_MORE.get(req.action, []) if full else [])
                for v in variants:
                    changes = v["params"](ids)
                    wire = Wire.build(base, api, req.action, _apply(req.params, changes), method)
                    label = "%s, TWO%s" % (tag, "".join(", %s=%s" % kv for kv in changes.items()))
                    yield kind, label, wire.signed(TWO, service, how), v["expect"]


def judge(w, wire, expect, before):
    """(accepted, problems, state after) of one bad request: accepted when it was answered as if
    valid, changed state, was logged as a mutation or told TWO something of ONE's."""
    emu = w.emu
    logged = len(emu.requests)
    status, body = w.send(wire)
    records = emu.requests[logged:]
    problems, accepted = [], False
    after = w.snapshot()
    if after != before:
        accepted = True
        problems.append("the emulator's state changed")
    if len(records) != 1:
        problems.append("%d request-log records" % len(records))
    elif records[0]["mutated"] is not False and "all_false" not in expect:
        # (a write answered 200 with every instance refused is, by the log's contract, a mutating
        # action that succeeded: the snapshot above is what proves it changed nothing)
        accepted = True
        problems.append("logged mutated: %r" % records[0]["mutated"])
    error = body.get("Error") or {}
    if "code" in expect:
        if status < 400:
            accepted = True
        if (status, error.get("Code")) != (expect["status"], expect["code"]):
            problems.append("answered %s %s, not %s %s"
                            % (status, error.get("Code") or body, expect["status"], expect["code"]))
        elif expect.get("message") and expect["message"] not in error.get("Message", ""):
            problems.append("message %r lacks %r" % (error.get("Message"), expect["message"]))
        if len(records) == 1 and (records[0]["status"], records[0]["error"]) != (status, error.get("Code")):
            problems.append("logged %s %s" % (records[0]["status"], records[0]["error"]))
        if status >= 400 and (set(body) != {"RequestId", "Error"} or error.get("Type") != "Sender"):
            problems.append("not the documented error body: %r" % body)
    else:  # a cross-account read or per-instance answer: 200 with nothing of ONE's
        if status != 200:
            problems.append("answered %s %s, not 200" % (status, error.get("Code")))
        elif "empty" in expect and (body.get(expect["empty"]) != [] or body.get("TotalCount", 0) != 0):
            accepted = True
            problems.append("listed %r" % body.get(expect["empty"]))
        elif "all_false" in expect and any(item.get("Return") for item in body.get(expect["all_false"], [None])):
            accepted = True
            problems.append("answered Return true: %r" % body)
        elif "answer" in expect and {k: v for k, v in body.items() if k != "RequestId"} != expect["answer"]:
            problems.append("answered %r" % body)
    text, sent = json.dumps(body, ensure_ascii=False), wire.text()
    leaked = sorted(s for s in w.secrets if s in text and s not in sent)
    if leaked:
        accepted = True
        problems.append("told ONE's %s" % ", ".join(leaked))
    return accepted, problems, after


def world_for(action):
    w = World()
    if action in PREPARE:
        PREPARE[action](w)
    return w


# ------------------------------------------------------------------------------ the tests

def test_every_action_is_covered():
    assert len(ACTIONS) == 37
    assert sorted(PRINTED) == sorted(a for a, _s, _v in ACTIONS)
    assert sorted(list(CROSS) + list(NO_CROSS)) == sorted(PRINTED)


@pytest.mark.parametrize("action", [a for a, _s, _v in ACTIONS])
def test_the_valid_request_succeeds(action, size):
    """The adapted printed request, properly signed by ONE, is accepted (every form in full) and is
    logged as what it is; a mutating one changes the snapshot, which shows the comparison sees a change."""
    service, version, _printed, printed_method = PRINTED[action]
    methods = core.lookup(service, version, action).methods
    for form in ([f for f in FORMS if f[0] in methods] if size == "full" else [(printed_method, "header")]):
        w = world_for(action)
        try:
            req = valid_request(action, w.ids)
            before, logged = w.snapshot(), len(w.emu.requests)
            wire = Wire.build(w.emu.url, req.api, action, req.params, form[0]).signed(ONE, req.api[0], form[1])
            status, body = w.send(wire)
            assert status == 200, (form, body)
            records = w.emu.requests[logged:]
            mutates = core.lookup(req.api[0], req.api[1], action).mutates
            assert [(r["action"], r["status"], r["mutated"]) for r in records] == [(action, 200, mutates)]
            assert (w.snapshot() != before) == mutates, form
        finally:
            w.close()


def test_bad_requests_are_rejected_and_change_nothing(size, figure):
    total, accepted, wrong, by_kind = 0, [], [], {}
    for index, (action, _s, _v) in enumerate(ACTIONS):
        w = world_for(action)
        try:
            req = valid_request(action, w.ids)
            before = w.snapshot()
            for kind, label, wire, expect in bad_requests(w, req, index, size):
                total += 1
                by_kind[kind] = by_kind.get(kind, 0) + 1
                was_accepted, problems, before = judge(w, wire, expect, before)
                if problems:
                    line = "%s %s (%s): %s" % (action, kind, label, "; ".join(problems))
                    (accepted if was_accepted else wrong).append(line)
            # the state the bad requests met still takes the valid request: they were refused for
            # what was wrong with them, not for want of something to act on
            status, body = w.send(Wire.build(w.emu.url, req.api, action, req.params, req.method)
                                  .signed(ONE, req.api[0]))
            if status != 200:
                wrong.append("%s: the valid request, sent after the bad ones, answered %s %s" % (action, status, body))
        finally:
            w.close()
    kinds = ", ".join("%s %d" % (k, by_kind.get(k, 0)) for k in KINDS)
    figure("security", "accepted bad requests: %d of %d (%d actions; %s)"
           % (len(accepted), total, len(ACTIONS), kinds))
    assert not accepted, "\n".join(accepted)
    assert not wrong, "\n".join(wrong)
    assert set(by_kind) == set(KINDS)
