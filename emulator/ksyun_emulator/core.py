"""What every service handler uses: errors, the `@action` registry, `Params`, `Request`, paging, stages.

Standard library only; never imports anything from `plugins/` or ansible.
"""
import json as _json
import math
import re
import uuid

# ------------------------------------------------------------------------------------------ errors


class ApiError(Exception):
    """An error answer: HTTP `status`, `code` and `message` (Type is Sender for 4xx, Receiver for 5xx)."""

    def __init__(self, status, code, message):
        super().__init__("%s %s: %s" % (status, code, message))
        self.status = int(status)
        self.code = code
        self.message = message

    @property
    def type(self):
        return "Receiver" if self.status >= 500 else "Sender"

    def body(self, request_id):
        return {"RequestId": request_id,
                "Error": {"Type": self.type, "Code": self.code, "Message": self.message}}


def missing(name):
    return ApiError(400, "MissingParameter", "An value must be supplied for the input parameter %s." % name)


def invalid(name, detail=None):
    msg = "An invalid or out-of-range value was supplied for the input parameter %s." % name
    if detail:
        msg += " " + detail
    return ApiError(400, "InvalidParameterValue", msg)


def not_found(kind, ident):
    return ApiError(404, "%sNotFound" % kind, "The specified %s '%s' does not exist." % (kind, ident))


def conflict(code, message):
    return ApiError(400, code, message)


def invalid_action(name):
    return ApiError(400, "InvalidAction", "The action %s is not valid for this web service." % name)


def invalid_method(method):
    return ApiError(400, "InvalidMethod", "The method %s for is not valid for this web service." % method)


def invalid_query_parameter(name):
    return ApiError(400, "InvalidQueryParameter",
                    "The query parameter %s is malformed or does not adhere to KSC standards." % name)


def unknown_parameter(name):
    """Strict mode: a parameter the action does not define (the emulator's own choice: DECISIONS.md)."""
    return invalid_query_parameter(name)


def insufficient_ip(subnet_id):
    """A subnet with no free address left (the code is the emulator's own: DECISIONS.md)."""
    return ApiError(400, "InsufficientIpAddress", "The subnet '%s' has no free IP address." % subnet_id)


def dry_run():
    return ApiError(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set")


def limit_exceeded():
    return ApiError(409, "LimitExceeded", "Request was rejected because the request speed of this openAPI "
                                          "is beyond the current flow control limit.")


def service_unavailable():
    return ApiError(500, "ServiceUnavailable",
                    "OpenAPI or Service is unavailable because of an unknown error, exception or failure.")


def service_timeout():
    return ApiError(500, "ServiceTimeout", "Internal Service is unavailable because of time out.")


def internal(exc):
    return ApiError(500, "ServiceUnavailable", "Exception %s" % type(exc).__name__)


# ---------------------------------------------------------------------------------------- registry


#: parameters every action takes (the documents' common parameters that are not signing ones)
COMMON_PARAMS = ("Action", "Version", "DryRun")
#: the documented Filter.N parameters and page parameters, for `params=` declarations
FILTER_PARAMS = ("Filter.N.Name", "Filter.N.Value.N")
PAGE_PARAMS = ("Marker", "MaxResults")


def params_pattern(names):
    """A compiled regex matching the parameter names an action defines.

    `names` are the documented names with each list index written as the segment ``N``
    (``InstanceSet.N.NodePara.N``); ``N`` matches any decimal index (0- or 1-based alike).
    """
    alternatives = []
    for name in names:
        parts = [r"[0-9]+" if part == "N" else re.escape(part) for part in name.split(".")]
        alternatives.append(r"\.".join(parts))
    return re.compile("(?:%s)" % "|".join(alternatives)) if alternatives else re.compile(r"(?!)")


class Action(object):
    __slots__ = ("service", "version", "name", "func", "methods", "mutates", "params", "_known")

    def __init__(self, service, version, name, func, methods, mutates, params=None):
        self.service, self.version, self.name = service, version, name
        self.func, self.methods, self.mutates = func, methods, mutates
        self.params = params  # the defined parameter names (see `action`), None when undeclared
        self._known = None if params is None else params_pattern(tuple(params) + COMMON_PARAMS)

    def __repr__(self):
        return "<Action %s %s %s>" % (self.service, self.version, self.name)

    def unknown_params(self, names):
        """The names (in the order given) that neither the action nor COMMON_PARAMS define.

        An action registered without `params` defines every name (nothing is unknown).
        """
        if self._known is None:
            return []
        return [n for n in names if not self._known.fullmatch(n)]


#: {(service, version): {action name: Action}}
REGISTRY = {}

_ACTION_RE = re.compile(r"^[A-Za-z]+$")


def action(service, version, name, methods=("GET", "POST"), mutates=False, params=None):
    """Register the decorated function as the handler of `name` in (service, version).

    `params`: the parameter names the document defines for the action (``N`` for a list index, see
    `params_pattern`); with the server's strict mode any other name is refused
    (`unknown_parameter`).  Registering the same (service, version, name) again replaces the
    previous handler.
    """
    if not _ACTION_RE.match(name):
        raise ValueError("action names are letters only: %r" % (name,))
    methods = tuple(m.upper() for m in ((methods,) if isinstance(methods, str) else methods))
    if params is not None:
        params = tuple(params)

    def deco(func):
        REGISTRY.setdefault((service, version), {})[name] = Action(service, version, name, func, methods,
                                                                   bool(mutates), params)
        return func
    return deco


#: {(service, version): function(req)}: what settles an API's lifecycles, run by the server before
#: each of its handlers, in the request's transaction (see `settles`)
SETTLERS = {}


def settles(service, version):
    """Register the decorated function(req) to settle the lifecycles of (service, version) once per
    request, before the handler runs (so that no handler has to remember it)."""
    def deco(func):
        SETTLERS[(service, version)] = func
        return func
    return deco


def unregister(service, version, name=None):
    """Remove one action (or a whole (service, version) when name is None). For tests."""
    table = REGISTRY.get((service, version))
    if table is None:
        return
    if name is None:
        del REGISTRY[(service, version)]
        return
    table.pop(name, None)
    if not table:
        del REGISTRY[(service, version)]


def versions(service):
    """The API versions registered for a service."""
    return sorted(v for (s, v) in REGISTRY if s == service)


def lookup(service, version, name):
    """The Action or None."""
    return REGISTRY.get((service, version), {}).get(name)


# ------------------------------------------------------------------------------------------ params

_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_FLOAT_RE = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_TRUE = ("true", "True", "TRUE", "1")
_FALSE = ("false", "False", "FALSE", "0")
MAX_INDEX = 100


class Params(object):
    """The request parameters (decoded strings).  Built from (name, value) pairs in arrival order.

    A name sent twice is remembered: every getter refuses it (InvalidParameterValue naming it), which
    is also how the Filter rules "the same Filter.N.Name twice" / "the same Value index twice" work.
    """

    __slots__ = ("_values", "_dups", "_prefix")

    def __init__(self, pairs=(), prefix=""):
        if isinstance(pairs, dict):
            pairs = pairs.items()
        values, dups = {}, set()
        for k, v in pairs:
            if k in values:
                dups.add(k)
            values[k] = v if isinstance(v, str) else _to_str(v)
        self._values = values
        self._dups = dups
        self._prefix = prefix

    @classmethod
    def _from(cls, values, dups, prefix):
        p = cls.__new__(cls)
        p._values, p._dups, p._prefix = values, dups, prefix
        return p

    # -- plumbing
    def full(self, name):
        """The full parameter name (as the client sent it) of a name relative to these Params."""
        return self._prefix + name

    def keys(self):
        return list(self._values)

    def items(self):
        return list(self._values.items())

    def __contains__(self, name):
        return name in self._values

    def __len__(self):
        return len(self._values)

    def __repr__(self):
        return "Params(%r, prefix=%r)" % (self._values, self._prefix)

    def has(self, name):
        """True when `name` was sent, or any `name.<rest>` (a list, group or struct)."""
        if name in self._values:
            return True
        dotted = name + "."
        return any(k.startswith(dotted) for k in self._values)

    def get(self, name, default=None):
        """The raw string (or default).  A name sent twice -> InvalidParameterValue."""
        if name in self._dups:
            raise invalid(self.full(name), "The parameter was given more than once.")
        return self._values.get(name, default)

    def _raw(self, name, required):
        value = self.get(name)
        if value is None or value == "":
            if required:
                raise missing(self.full(name))
            return None
        return value

    # -- scalars
    def str(self, name, required=False, default=None, choices=None, pattern=None, min_len=None, max_len=None):
        value = self._raw(name, required)
        if value is None:
            if name in self._values and default is None:
                return ""  # sent empty, optional: an empty string is what was sent
            return default
        if choices is not None and value not in choices:
            raise invalid(self.full(name), "Valid values: %s." % ", ".join(str(c) for c in choices))
        if min_len is not None and len(value) < min_len:
            raise invalid(self.full(name), "The length must be at least %d." % min_len)
        if max_len is not None and len(value) > max_len:
            raise invalid(self.full(name), "The length must be at most %d." % max_len)
        if pattern is not None:
            rx = re.compile(pattern) if isinstance(pattern, str) else pattern
            if not rx.fullmatch(value):
                raise invalid(self.full(name))
        return value

    def int(self, name, required=False, default=None, min=None, max=None, choices=None):
        value = self._raw(name, required)
        if value is None:
            return default
        if not _INT_RE.match(value):
            raise invalid(self.full(name), "An integer is expected.")
        return self._check_number(name, int(value), min, max, choices)

    def float(self, name, required=False, default=None, min=None, max=None, choices=None):
        value = self._raw(name, required)
        if value is None:
            return default
        if not _FLOAT_RE.match(value):
            raise invalid(self.full(name), "A number is expected.")
        number = float(value)
        if not math.isfinite(number):
            raise invalid(self.full(name), "A number is expected.")
        return self._check_number(name, number, min, max, choices)

    def _check_number(self, name, number, lo, hi, choices):
        if lo is not None and number < lo:
            raise invalid(self.full(name), "The minimum is %s." % lo)
        if hi is not None and number > hi:
            raise invalid(self.full(name), "The maximum is %s." % hi)
        if choices is not None and number not in choices:
            raise invalid(self.full(name), "Valid values: %s." % ", ".join(str(c) for c in choices))
        return number

    def bool(self, name, required=False, default=None):
        value = self._raw(name, required)
        if value is None:
            return default
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise invalid(self.full(name), "A boolean (true or false) is expected.")

    def json(self, name, required=False):
        value = self._raw(name, required)
        if value is None:
            return None
        try:
            return _json.loads(value)
        except ValueError:
            raise invalid(self.full(name), "A JSON document is expected.")

    # -- lists and structures
    def _indexed(self, prefix, nested, lo=0):
        """{N: {rest: value}} (nested) or {N: value} for keys prefix.N[.rest], N validated."""
        dotted = prefix + "."
        cut = len(dotted)
        out = {}
        for key in self._values:
            if not key.startswith(dotted):
                continue
            tail = key[cut:]
            if nested:
                num, sep, rest = tail.partition(".")
                if not sep or not rest:
                    continue
            else:
                num, rest = tail, None
            if not num.isdigit() or not num.isascii():
                continue
            n = int(num)
            label = "%s%s" % (dotted, num)
            if n < lo or n > MAX_INDEX:
                raise invalid(self.full(label), "N must be between %d and %d." % (lo, MAX_INDEX))
            if nested:
                group = out.setdefault(n, ({}, num))
                if group[1] != num:  # e.g. both prefix.1.X and prefix.01.X
                    raise invalid(self.full(label), "The index %d was given twice." % n)
                group[0][rest] = key
            else:
                if n in out:
                    raise invalid(self.full(label), "The index %d was given twice." % n)
                if key in self._dups:
                    raise invalid(self.full(label), "The parameter was given more than once.")
                out[n] = self._values[key]
        return out

    def list(self, prefix, required=False, max_items=MAX_INDEX):
        """[str] for prefix.N in numeric order of N (0- or 1-based; N outside 0..100 is invalid)."""
        found = self._indexed(prefix, nested=False)
        if not found:
            if required:
                raise missing(self.full(prefix + ".N"))
            return []
        if max_items is not None and len(found) > max_items:
            raise invalid(self.full(prefix + ".N"), "At most %d values are allowed." % max_items)
        return [found[n] for n in sorted(found)]

    def groups(self, prefix, required=False, max_items=None):
        """[Params] for prefix.N.<rest> in numeric order of N; error names stay prefix.N.<rest>."""
        found = self._indexed(prefix, nested=True)
        if not found:
            if required:
                raise missing(self.full(prefix + ".N"))
            return []
        if max_items is not None and len(found) > max_items:
            raise invalid(self.full(prefix + ".N"), "At most %d items are allowed." % max_items)
        out = []
        for n in sorted(found):
            keys, num = found[n]
            values = {rest: self._values[key] for rest, key in keys.items()}
            dups = {rest for rest, key in keys.items() if key in self._dups}
            out.append(Params._from(values, dups, self._prefix + "%s.%s." % (prefix, num)))
        return out

    def sub(self, prefix):
        """Params for prefix.<rest> (a struct); error names stay prefix.<rest>."""
        dotted = prefix + "."
        cut = len(dotted)
        values = {k[cut:]: v for k, v in self._values.items() if k.startswith(dotted) and len(k) > cut}
        dups = {k[cut:] for k in self._dups if k.startswith(dotted)}
        return Params._from(values, dups, self._prefix + dotted)

    def filters(self, allowed=None, prefix="Filter"):
        """{name: [values]} from Filter.N.Name / Filter.N.Value.M, enforcing the documented rules:

        1. one Filter.N.Name given twice; 2. the same Name under two N; 3. one Filter.N.Value.M given
        twice; 4. a Name without a Value or a Value without a Name; 5. N and M within 1..100.
        A Name outside `allowed` (when given) is invalid too.  Each error names the parameter.
        """
        dotted = prefix + "."
        names, values = {}, {}  # N -> (label, name) ; N -> {M: value}
        for key in self._values:
            if not key.startswith(dotted):
                continue
            parts = key[len(dotted):].split(".")
            if not parts[0].isdigit() or not parts[0].isascii():
                continue
            n = int(parts[0])
            base = "%s%s" % (dotted, parts[0])
            if len(parts) == 2 and parts[1] == "Name":
                label = base + ".Name"
            elif len(parts) == 3 and parts[1] == "Value" and parts[2].isdigit() and parts[2].isascii():
                label = key
            else:
                continue  # not a filter part: ignored like any unknown parameter
            if n < 1 or n > MAX_INDEX:
                raise invalid(self.full(label), "N must be between 1 and %d." % MAX_INDEX)
            if key in self._dups:
                raise invalid(self.full(label), "The parameter was given more than once.")
            if len(parts) == 2:
                if n in names:
                    raise invalid(self.full(label), "The filter index %d was given twice." % n)
                names[n] = (label, self._values[key])
            else:
                m = int(parts[2])
                if m < 1 or m > MAX_INDEX:
                    raise invalid(self.full(label), "M must be between 1 and %d." % MAX_INDEX)
                per = values.setdefault(n, {})
                if m in per:
                    raise invalid(self.full(label), "The value index %d was given twice." % m)
                per[m] = (label, self._values[key])
        out = {}
        for n in sorted(set(names) | set(values)):
            if n not in names:
                first = values[n][min(values[n])][0]
                raise invalid(self.full(first), "A filter value needs a %s%d.Name." % (dotted, n))
            label, name = names[n]
            if n not in values:
                raise invalid(self.full(label), "A filter name needs at least one %s%d.Value.M." % (dotted, n))
            if allowed is not None and name not in allowed:
                raise invalid(self.full(label), "Valid filter names: %s." % ", ".join(allowed))
            if name in out:
                raise invalid(self.full(label), "The filter name %s was given twice." % name)
            out[name] = [values[n][m][1] for m in sorted(values[n])]
        return out

    def page(self, default=20, maximum=100):
        """(marker, max_results) from Marker (>= 0, default 0) and MaxResults (1..maximum)."""
        marker = self.int("Marker", default=0, min=0)
        max_results = self.int("MaxResults", default=default, min=1, max=maximum)
        return marker, max_results


def _to_str(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ----------------------------------------------------------------------------------------- helpers


def paginate(items, marker, max_results):
    """(page_items, next_marker_or_0, total): Marker is an offset; 0 means this was the last page."""
    items = list(items)
    total = len(items)
    end = marker + max_results
    return items[marker:end], (end if end < total else 0), total


def stage(started_at, now, lifecycle, stages):
    """The stage a lazily-evolving resource is in: each stage lasts `lifecycle` seconds, the last forever."""
    if not stages:
        raise ValueError("no stages")
    if lifecycle is None or lifecycle <= 0:
        return stages[-1]
    elapsed = now - started_at
    if elapsed <= 0:
        return stages[0]
    return stages[min(int(elapsed // lifecycle), len(stages) - 1)]


def strip_private(value):
    """A copy of a JSON-like value without dict keys that start with `_`."""
    if isinstance(value, dict):
        return {k: strip_private(v) for k, v in value.items() if not (isinstance(k, str) and k.startswith("_"))}
    if isinstance(value, (list, tuple)):
        return [strip_private(v) for v in value]
    return value


# ----------------------------------------------------------------------------------------- request


class Request(object):
    """What a handler sees.  Built by the server for each API call."""

    def __init__(self, params, account, region, service, version, action, request_id, clock=None,
                 lifecycle=0, store=None, account_store=None, rng=None, fail_next=None, dry_run=False,
                 method="GET", other_account_stores=None, outcome=None, options=None):
        self.params = params
        self.account = account
        self.region = region
        self.service = service
        self.version = version
        self.action = action
        self.request_id = request_id
        self.lifecycle = lifecycle
        self.rng = rng
        self.dry_run = dry_run
        self.method = method
        self._clock = clock
        self._store = store
        self._account_store = account_store
        self._fail_next = fail_next
        self._outcome = outcome
        #: the emulator's behaviour choices where the documents are silent (`Emulator(...)` flags):
        #: {"unknown_cluster": "error" | "empty", "allow_duplicate_names": bool}
        self.options = dict(options or {})
        self._others = other_account_stores

    def now(self):
        """The emulator clock (epoch seconds; the admin endpoint can move it forward)."""
        if self._clock is None:
            import time
            return time.time()
        return self._clock()

    @property
    def store(self):
        """State scoped to (account, region); seeded with the default world on first use."""
        s = self._store
        if callable(s):
            s = self._store = s()
        return s

    @property
    def account_store(self):
        """State scoped to the account only (KCR)."""
        s = self._account_store
        if callable(s):
            s = self._account_store = s()
        return s

    def fail_next(self, kind):
        """True (once) when a failure outcome was scheduled for the resource this action creates."""
        if self._fail_next is None:
            return False
        return bool(self._fail_next(kind))

    def outcome(self, fault):
        """True (once per request) when the outcome fault `fault` (`not_ready`, `abnormal`; see faults.py)
        was scheduled for this action."""
        if self._outcome is None:
            return False
        return bool(self._outcome(fault))

    def other_account_stores(self):
        """Account stores of every other known account (read-only use: registry-wide uniqueness)."""
        if self._others is None:
            return []
        return list(self._others())


def new_id(rng, store, *kinds):
    """A uuid-shaped id from the emulator's seeded rng, unused by every kind in `kinds` of `store`."""
    while True:
        ident = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if all(store.get(kind, ident) is None for kind in kinds):
            return ident


def new_mac(rng):
    """A MAC address in the OpenStack-style prefix the documents' examples print."""
    return "fa:16:3e:%02x:%02x:%02x" % (rng.randrange(256), rng.randrange(256), rng.randrange(256))
