# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP client of the Kingsoft Cloud OpenAPI (KCE, KCR, KCI).

This is a private module of the ksyun.cloud collection; it may change without notice.

One ``requests.Session`` per client; every request signed with AWS4-HMAC-SHA256 (``_signer``);
GET for reads, POST x-www-form-urlencoded for writes and the POST-only actions; JSON answers;
errors mapped to ``KsyunError``; retries that never repeat a write which may have run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import platform
import random
import re
import socket
import threading
import time
import traceback

from http.client import HTTPException
from urllib.parse import urlsplit

from ansible_collections.ksyun.cloud.plugins.module_utils import _signer
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import (
    ENDPOINT_HOST_HINT, REGION_HOST_HINT, KsyunError)

try:
    import requests
    import requests.exceptions as rexc
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised through the module's missing_required_lib
    requests = None
    rexc = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

try:
    from urllib3.exceptions import NewConnectionError, ConnectTimeoutError, HTTPError as Urllib3Error
except ImportError:  # pragma: no cover - urllib3 always comes with requests
    NewConnectionError = ConnectTimeoutError = ()
    Urllib3Error = OSError

try:
    from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION
except ImportError:  # pragma: no cover
    ANSIBLE_VERSION = "unknown"

#: keep in step with galaxy.yml (a unit test checks it)
COLLECTION_VERSION = "1.0.0"

#: actions the API only accepts as POST, whatever `write` says
POST_ONLY_ACTIONS = frozenset(["CreateCluster", "AddClusterInstances"])

#: the documented largest MaxResults of each paginated action (DescribeImageCache documents only
#: its default, 20, so that is what we ask for)
PAGE_SIZES = {
    "DescribeCluster": 20,
    "DescribeClusterInstance": 50,
    "DescribeEpcForCluster": 50,
    "DescribeExistedInstances": 50,
    "DescribeRepoNamespace": 99,
    "DescribeRepository": 99,
    "DescribePublicRepository": 99,
    "DescribeTag": 99,
    "GetFavor": 99,
    "DescribeContainerGroup": 100,
    "DescribeImageCache": 20,
}

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
MAX_PAGES = 100000
_SNIPPET = 200


def default_user_agent():
    return f"ksyun.cloud/{COLLECTION_VERSION} ansible-core/{ANSIBLE_VERSION} python/{platform.python_version()}"


def default_endpoint(service, region):
    return f"https://{service}.{region}.api.ksyun.com"


# ---------------------------------------------------------------------------- parameter helpers

def _is_scalar(value):
    return not isinstance(value, (list, tuple, dict))


def flatten_list(name, values, start=1):
    """``{"Name.1": v1, "Name.2": v2, ...}`` (None and an empty list give ``{}``)."""
    out = {}
    for i, value in enumerate(v for v in (values or []) if v is not None):
        out["%s.%d" % (name, i + start)] = value
    return out


def _flatten_value(prefix, value, out, start):
    if value is None:
        return
    if isinstance(value, dict):
        for key, sub in value.items():
            _flatten_value("%s.%s" % (prefix, key), sub, out, start)
    elif isinstance(value, (list, tuple)):
        for i, sub in enumerate(v for v in value if v is not None):
            _flatten_value("%s.%d" % (prefix, i + start), sub, out, start)
    else:
        out[prefix] = value


def flatten_structs(name, items, start=1):
    """``Name.N.Key`` for a list of dicts; nested lists become ``.M``, nested dicts ``.Sub``.

    ``flatten_structs("Container", [{"Name": "web", "Port": [{"Port": 80}]}])`` gives
    ``{"Container.1.Name": "web", "Container.1.Port.1.Port": 80}``. None values are left out.
    """
    out = {}
    _flatten_value(name, list(items or []), out, start)
    return out


def flatten_params(params, start=1):
    """API parameters from Python values: lists become ``.N``, dicts ``.Key``, None is left out."""
    out = {}
    for name, value in (params or {}).items():
        _flatten_value(name, value, out, start)
    return out


def flatten_filters(filters, start=1):
    """``Filter.N.Name`` / ``Filter.N.Value.M`` from ``{name: [values]}`` (or a list of pairs).

    A filter whose values are None or empty is skipped; a single value may be given bare.
    """
    if not filters:
        return {}
    items = filters.items() if hasattr(filters, "items") else filters
    out = {}
    n = start
    for fname, values in items:
        if values is None:
            continue
        if _is_scalar(values):
            values = [values]
        values = [v for v in values if v is not None]
        if not values:
            continue
        out["Filter.%d.Name" % n] = fname
        for m, value in enumerate(values):
            out["Filter.%d.Value.%d" % (n, m + start)] = value
        n += 1
    return out


def json_param(obj):
    """Compact JSON text for the JSON-string parameters (NodePara, KecPara, EpcPara...)."""
    if isinstance(obj, str):
        return obj
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _pairs(action, version, params):
    pairs = [("Action", action), ("Version", version)]
    for name, value in flatten_params(params).items():
        if name in ("Action", "Version"):
            continue
        pairs.append((name, _signer.to_text(value)))
    return pairs


_SIGNATURE = re.compile(r"(Signature=)[0-9a-fA-F]{16,}")


def _snippet(data, secrets=()):
    """A short one-line extract of an answer, for error messages (signatures and secrets masked)."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    text = " ".join(str(data).split())
    text = _SIGNATURE.sub(r"\1***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    if len(text) > _SNIPPET:
        text = text[:_SNIPPET] + "..."
    return text or "(empty)"


# ---------------------------------------------------------------------------- transport errors

def _chain(exc):
    """The exception, its args and causes, outermost first (bounded)."""
    seen = []
    todo = [exc]
    while todo and len(seen) < 20:
        item = todo.pop(0)
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        todo.append(getattr(item, "reason", None))
        todo.append(item.__cause__)
        todo.append(item.__context__)
        for arg in getattr(item, "args", ()):
            if isinstance(arg, BaseException):
                todo.append(arg)
    return seen


def _connect_failure(exc):
    """True when the request provably never left: the TCP connection was never established."""
    if rexc is not None and isinstance(exc, rexc.ConnectTimeout):
        return True
    if rexc is not None and isinstance(exc, (rexc.SSLError, rexc.ProxyError)):
        return False
    if NewConnectionError and any(isinstance(e, (NewConnectionError, ConnectTimeoutError)) for e in _chain(exc)):
        return True
    return any(isinstance(e, ConnectionRefusedError) for e in _chain(exc))


def _reason_text(exc):
    """A short reason without URLs or parameters (requests puts the URL in its messages)."""
    for item in reversed(_chain(exc)):
        if isinstance(item, OSError) and item.strerror:
            return item.strerror
    text = str(_chain(exc)[-1])
    marker = "Failed to establish a new connection: "
    if marker in text:
        text = text.split(marker, 1)[1]
    if "Failed to resolve" in text:
        return "name resolution failed"
    text = text.split("?", 1)[0].split(" url: ", 1)[0]
    return _snippet(text)


def _transport_error(exc, host, timeouts, action, write, attempts, unresolved_hint=None):
    """(KsyunError, retryable_for_writes, retryable_for_reads) for a transport exception.

    Writes are only retried when no connection could be made (the request provably never left).
    A host name that does not resolve gets `unresolved_hint` (what to check).
    """
    never_sent = connect_failed = _connect_failure(exc)
    if isinstance(exc, rexc.SSLError):
        code, msg, read_retry = "SSLError", "TLS error with %s: %s" % (host, _reason_text(exc)), False
    elif isinstance(exc, rexc.ConnectTimeout):
        code, msg, read_retry = "ConnectTimeout", "could not connect to %s within %s seconds" % (host, timeouts[0]), True
    elif isinstance(exc, rexc.ReadTimeout):
        code, msg, read_retry = "ReadTimeout", "no answer from %s within %s seconds" % (host, timeouts[1]), True
    elif never_sent:
        code, msg, read_retry = "ConnectionError", "could not connect to %s: %s" % (host, _reason_text(exc)), True
    elif isinstance(exc, (rexc.ConnectionError, rexc.ChunkedEncodingError)) or (
            not isinstance(exc, rexc.RequestException) and isinstance(exc, (OSError, HTTPException, Urllib3Error))):
        code, msg, read_retry = ("ConnectionError", "the connection to %s was lost before a complete answer: %s"
                                 % (host, _reason_text(exc)), True)
    else:
        # a request that could not be built or sent (bad URL or header), or an undecodable answer
        code, msg, read_retry = "TransportError", "request to %s failed: %s" % (host, type(exc).__name__), False
        never_sent = not isinstance(exc, rexc.ContentDecodingError)
    unresolved = any(isinstance(e, socket.gaierror) for e in _chain(exc))
    err = KsyunError(code, msg, action=action, maybe_applied=write and not never_sent, attempts=attempts,
                     hint=unresolved_hint if unresolved else None)
    return err, connect_failed, read_retry


# ------------------------------------------------------------------------------------- client

def endpoint_problem(endpoint_url, region):
    """A message when `endpoint_url` (``{service}``/``{region}`` filled in) is no http(s) URL with a host, or None."""
    if not endpoint_url:
        return None
    parts = urlsplit(endpoint_url.replace("{service}", "kce").replace("{region}", region or "r"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "endpoint_url must be an http:// or https:// URL with a host"
    return None


class RetryBudget:
    """A time budget for retries: one call's (`Client.retry_budget`), or one shared by several clients
    and threads (the kce inventory's), which a Client accepts as `budget`.

    ``allows(delay)`` is true (and counts the retry in ``retries``) while a retry after `delay`
    seconds would still start within `seconds` of the budget's creation.
    """

    def __init__(self, seconds, clock=time.monotonic):
        self.clock = clock
        self.deadline = clock() + seconds
        self.retries = 0
        self._lock = threading.Lock()

    def allows(self, delay):
        with self._lock:
            if self.clock() + delay > self.deadline:
                return False
            self.retries += 1
            return True


class Client:
    """A signed OpenAPI client for one region.

    Every service goes to `endpoint_url` when given; ``{service}`` and ``{region}`` in it are
    replaced per request (``https://{service}.api.ksyun.com`` gives the region-less hosts).

    ``call()`` returns the JSON answer of one action; ``paginate()`` the items of every page.
    ``api_calls`` lists every request made (each retry counted), oldest first.
    """

    def __init__(self, access_key, secret_key, region, endpoint_url=None, validate_certs=True, timeout=30,
                 max_retries=5, retry_budget=120, user_agent=None, session=None, sleep=time.sleep,
                 clock=time.monotonic, now=None, rng=None, backoff_base=0.5, backoff_cap=20.0, budget=None):
        if not HAS_REQUESTS and session is None:
            raise ImportError("the Python library 'requests' is required")
        problem = endpoint_problem(endpoint_url, region)
        if problem:
            raise ValueError(problem)
        self.access_key = access_key
        self._secret_key = secret_key
        self.region = region
        self.endpoint_url = endpoint_url.rstrip("/") if endpoint_url else None
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.retry_budget = retry_budget
        self.user_agent = user_agent or default_user_agent()
        self.session = session if session is not None else requests.Session()
        self.sleep = sleep
        self.clock = clock
        self.now = now
        self.rng = rng or random.Random()
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        #: a RetryBudget shared with other clients, or None: a retry is made only if it fits in it too
        self.budget = budget
        self.api_calls = []

    def _secrets(self):
        return (self._secret_key, self.access_key)

    def __repr__(self):
        return f"Client(region={self.region!r}, endpoint_url={self.endpoint_url!r})"

    # -------------------------------------------------------------------------------- requests

    def base_url(self, service):
        """The endpoint of `service`: `endpoint_url` (its ``{service}``/``{region}`` filled in) or the default."""
        if not self.endpoint_url:
            return default_endpoint(service, self.region)
        return self.endpoint_url.replace("{service}", service).replace("{region}", self.region)

    def _timeouts(self):
        if isinstance(self.timeout, (list, tuple)):
            return tuple(self.timeout)
        return (min(float(self.timeout), 10.0), float(self.timeout))

    @staticmethod
    def _host(parts):
        host = parts.hostname
        if ":" in host:
            host = "[%s]" % host
        default = 443 if parts.scheme == "https" else 80
        if parts.port and parts.port != default:
            host = "%s:%d" % (host, parts.port)
        return host

    def prepare(self, service, version, action, params=None, write=False, method=None):
        """(method, url, headers, body) of a signed request, without sending it."""
        if method is None:
            method = "POST" if (write or action in POST_ONLY_ACTIONS) else "GET"
        method = method.upper()
        parts = urlsplit(self.base_url(service))
        host = self._host(parts)
        path = parts.path or "/"
        encoded = _signer.encode_query(_pairs(action, version, params))
        headers = {"Host": host, "Accept": "application/json", "User-Agent": self.user_agent}
        signed = {}
        if method == "GET":
            url = "%s://%s%s?%s" % (parts.scheme, parts.netloc, path, encoded)
            query, body = encoded, b""
        else:
            url = "%s://%s%s" % (parts.scheme, parts.netloc, path)
            query, body = None, encoded.encode("ascii")
            headers["Content-Type"] = signed["Content-Type"] = FORM_CONTENT_TYPE
        now = self.now() if callable(self.now) else self.now
        headers.update(_signer.sign_headers(method, host, path, query, body, self.access_key, self._secret_key,
                                            self.region, service, now=now, headers=signed))
        return method, url, headers, body

    def _send_once(self, service, version, action, params, write, method, attempt):
        method, url, headers, body = self.prepare(service, version, action, params, write, method)
        host = headers["Host"]
        self.api_calls.append(action)
        timeouts = self._timeouts()
        try:
            resp = self.session.request(method, url, data=body or None, headers=headers, timeout=timeouts,
                                        verify=self.validate_certs, allow_redirects=False)
            content = resp.content
        except (rexc.RequestException, OSError, HTTPException, Urllib3Error) as exc:
            in_host = not self.endpoint_url or "{region}" in self.endpoint_url
            hint = REGION_HOST_HINT if in_host else ENDPOINT_HOST_HINT
            return None, _transport_error(exc, host, timeouts, action, write, attempt, hint)
        data, err = self._answer(resp.status_code, content, action, write, attempt)
        return data, (err, False, False) if err is not None else None

    def _answer(self, status, content, action, write, attempts):
        try:
            data = json.loads(content.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            text = "the answer (HTTP %s) is not a JSON object: %s" % (status, _snippet(content, self._secrets()))
            err = KsyunError("InvalidResponse", text, status=status, action=action, attempts=attempts,
                             maybe_applied=write and (status < 400 or status >= 500))
            return None, err
        error = data.get("Error")
        if error is None and status < 400:
            return data, None
        if isinstance(error, dict):
            code, message, etype = error.get("Code"), error.get("Message"), error.get("Type")
        else:
            code, message, etype = None, error, None
        if not code:
            code = "InvalidResponse"
            message = message or "HTTP %s without an error code: %s" % (status, _snippet(content, self._secrets()))
        err = KsyunError(str(code), _signer.to_text(message) if message is not None else "", status=status,
                         request_id=data.get("RequestId"), action=action, error_type=etype,
                         maybe_applied=write and status >= 500, attempts=attempts)
        return None, err

    @staticmethod
    def _should_retry(err, write, write_retry, read_retry):
        if err.status is not None:
            if err.code == "LimitExceeded" or err.status == 429:
                return True  # throttled before it ran: safe for writes too
            return (not write) and err.status >= 500
        return write_retry if write else read_retry

    def backoff(self, attempt):
        """Full jitter: uniform in [0, min(cap, base * 2 ** attempt)]."""
        return self.rng.uniform(0, min(self.backoff_cap, self.backoff_base * (2 ** attempt)))

    def call(self, service, version, action, params=None, write=False, method=None):
        """The JSON answer (a dict) of one action; raises KsyunError.

        Reads (GET) are retried on throttling (409 LimitExceeded), 5xx, timeouts and connection
        errors; writes (POST) only when they provably did not run: throttled, or no connection.
        The retries of one call end within `retry_budget` seconds, and within the shared `budget`.
        """
        own = RetryBudget(self.retry_budget, clock=self.clock)
        # the call's own first: a shared budget then counts only the retries actually made
        budgets = (own,) if self.budget is None else (own, self.budget)
        attempt = 0
        while True:
            data, failure = self._send_once(service, version, action, params, write, method, attempt + 1)
            if failure is None:
                return data
            err, write_retry, read_retry = failure
            if attempt >= self.max_retries or not self._should_retry(err, write, write_retry, read_retry):
                raise err
            delay = self.backoff(attempt)
            if not all(budget.allows(delay) for budget in budgets):
                raise err
            self.sleep(delay)
            attempt += 1

    def page(self, service, version, action, params=None, marker=0, page_size=None):
        """The answer (a dict) of one page of a paginated read: `params` from offset `marker` (Marker),
        `page_size` items at most (MaxResults; by default the action's documented largest)."""
        query = dict(params or {})
        query["Marker"] = marker
        size = page_size or PAGE_SIZES.get(action)
        if size:
            query["MaxResults"] = size
        return self.call(service, version, action, query)

    def paginate(self, service, version, action, params, result_key, page_size=None):
        """Every item of every page (Marker offsets), as one list.

        `result_key` is the answer's list key (or a tuple of keys, the first present wins).
        Stops when a page is empty, the answer's Marker is 0/absent, or TotalCount items were
        collected; a Marker that does not advance raises KsyunError ``PaginationError``.
        """
        keys = (result_key,) if isinstance(result_key, str) else tuple(result_key)
        items = []
        marker = 0
        for _page in range(MAX_PAGES):
            data = self.page(service, version, action, params, marker, page_size)
            page = None
            for key in keys:
                if data.get(key) is not None:
                    page = data[key]
                    break
            page = list(page or [])
            items.extend(page)
            total = data.get("TotalCount")
            next_marker = data.get("Marker")
            if not page or next_marker is None or next_marker == "":
                break
            try:
                total = int(total) if total is not None else None
                next_marker = int(next_marker)
            except (TypeError, ValueError):
                raise KsyunError("PaginationError", "the answer's Marker or TotalCount is not a number",
                                 request_id=data.get("RequestId"), action=action)
            if next_marker == 0:
                break
            if total is not None and len(items) >= total:
                break
            if next_marker <= marker:
                raise KsyunError("PaginationError", "the answer's Marker %d does not advance past %d"
                                 % (next_marker, marker), request_id=data.get("RequestId"), action=action)
            marker = next_marker
        return items
